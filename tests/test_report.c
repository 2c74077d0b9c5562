/* test_report.c - the reporters: exact JSON Lines records, the JSON document
 * and its summary, CSV quoting, the text table, escaping, and write errors. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "report_priv.h"

/* ---- fixtures: comments and results built by hand ---- */

static ms_article article = {.id = "a1", .title = "Rates rise", .tags = (char *[]){"economy", "rates"}, .n_tags = 2};

static ms_comment c1 = {.id = "c1", .text = "Nice piece \xff", .text_len = 12, .line = 1};
static ms_reason r1_none[1];
static ms_result res1 = {.hostility = 0.1,
                         .has_hostility = 1,
                         .off_topic_missing = "no article",
                         .sentiment = 0.5,
                         .notes = MS_NOTE_INVALID_UTF8,
                         .action = MS_ACTION_PUBLISH,
                         .reasons = r1_none,
                         .n_reasons = 0};

static ms_comment c2 = {.id = "c2",
                        .author = "bob",
                        .text = "You are an idiot, go back home",
                        .text_len = 30,
                        .line = 2};
static ms_reason r2[] = {
    {"hostility", "idiot", NULL, 11, 16, 1, 0.83},
    {"deny", "go back", NULL, 18, 25, 1, 0.0},
    {"off_topic", NULL, "shares 0 of 41 content words with the article", 0, 0, 0, 0.41234},
};
static ms_result res2 = {.hostility = 0.91234,
                         .has_hostility = 1,
                         .off_topic = 0.12,
                         .has_off_topic = 1,
                         .sentiment = -0.6,
                         .flags = MS_FLAG_HOSTILITY | MS_FLAG_DENY,
                         .action = MS_ACTION_REJECT,
                         .reasons = r2,
                         .n_reasons = 3};

#define REC1                                                                                 \
    "{\"id\":\"c1\",\"scores\":{\"hostility\":0.1,\"sentiment\":0.5},\"flags\":[],"        \
    "\"action\":\"publish\",\"reasons\":[],\"notes\":[\"invalid_utf8\","                    \
    "\"off_topic_missing: no article\"]}"
#define REC2_BODY                                                                            \
    "\"scores\":{\"hostility\":0.9123,\"off_topic\":0.12,\"sentiment\":-0.6},"              \
    "\"flags\":[\"hostility\",\"deny\"],\"action\":\"reject\",\"reasons\":["                  \
    "{\"category\":\"hostility\",\"term\":\"idiot\",\"start\":11,\"end\":16,\"weight\":0.83},"  \
    "{\"category\":\"deny\",\"term\":\"go back\",\"start\":18,\"end\":25,\"weight\":0.0},"      \
    "{\"category\":\"off_topic\",\"detail\":\"shares 0 of 41 content words with the "       \
    "article\",\"weight\":0.4123}]}"
#define REC2 "{\"id\":\"c2\",\"author\":\"bob\"," REC2_BODY

/* ---- capture ---- */

typedef struct capture {
    char *buf;
    size_t len;
    FILE *f;
    ms_reporter *r;
    ms_policy *policy;
} capture;

static void cap_open(capture *c, ms_output fmt)
{
    memset(c, 0, sizeof *c);
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    assert_int_equal(ms_policy_default(&c->policy), MS_OK);
    assert_int_equal(ms_reporter_new(fmt, c->f, c->policy, &c->r), MS_OK);
}

/* Ends the report, closes the stream; c->buf holds the output. */
static void cap_close(capture *c)
{
    assert_int_equal(ms_reporter_end(c->r), MS_OK);
    ms_reporter_free(c->r);
    ms_policy_free(c->policy);
    assert_int_equal(fclose(c->f), 0);
}

static size_t count_lines(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* ---- tests ---- */

static void test_result_json_exact(void **state)
{
    (void)state;
    char *s = ms_result_json(&c2, &res2);
    assert_non_null(s);
    assert_string_equal(s, REC2);
    ms_free(s);
    s = ms_result_json(&c1, &res1);
    assert_string_equal(s, REC1);
    ms_free(s);
    /* without a comment there is no id */
    s = ms_result_json(NULL, &res2);
    assert_string_equal(s, "{" REC2_BODY);
    ms_free(s);
    assert_null(ms_result_json(&c1, NULL));
}

static void test_jsonl_one_line_per_call(void **state)
{
    (void)state;
    capture c;
    cap_open(&c, MS_OUTPUT_JSONL);
    assert_int_equal(ms_reporter_begin(c.r, &article), MS_OK);
    assert_int_equal(c.len, 0);
    /* one line per call, in call order */
    assert_int_equal(ms_reporter_comment(c.r, &c1, &res1), MS_OK);
    assert_int_equal(ms_reporter_error(c.r, 7, "expected '}' near end of line"), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c2, &res2), MS_OK);
    assert_int_equal(ms_reporter_end(c.r), MS_OK);
    assert_int_equal(count_lines(c.buf, c.len), 3);
    cap_close(&c);
    assert_string_equal(c.buf, REC1 "\n"
                               "{\"line\":7,\"error\":\"expected '}' near end of line\"}\n" REC2
                               "\n");
    free(c.buf);
}

/* A stream that counts the writes reaching it. */
static ssize_t count_write(void *cookie, const char *buf, size_t n)
{
    (void)buf;
    ((size_t *)cookie)[0]++;
    ((size_t *)cookie)[1] += n;
    return (ssize_t)n;
}

/* To a pipe or a file (not a terminal), JSON Lines and CSV records go
 * through stdio's buffer: a write every few dozen records, not one each
 * (score --jobs 1 made a write(2) per comment). */
static void test_records_buffered_off_a_terminal(void **state)
{
    (void)state;
    static const ms_output fmts[] = {MS_OUTPUT_JSONL, MS_OUTPUT_CSV};
    for (size_t k = 0; k < 2; k++) {
        size_t counts[2] = {0, 0};
        FILE *f = fopencookie(counts, "w", (cookie_io_functions_t){.write = count_write});
        assert_non_null(f);
        ms_reporter *r = NULL;
        assert_int_equal(ms_reporter_new(fmts[k], f, NULL, &r), MS_OK);
        assert_int_equal(ms_reporter_begin(r, &article), MS_OK);
        for (int i = 0; i < 200; i++)
            assert_int_equal(ms_reporter_comment(r, &c1, &res1), MS_OK);
        assert_int_equal(ms_reporter_end(r), MS_OK);
        ms_reporter_free(r);
        assert_int_equal(fclose(f), 0);
        assert_true(counts[1] > 200 * 20); /* every record arrived */
        assert_true(counts[0] < 20);
    }
}

static void test_json_escaping(void **state)
{
    (void)state;
    ms_comment c = {.id = "tab\there", .author = "q\"uote\\", .text = "x", .text_len = 1};
    ms_reason rs[] = {{"hostility", "a\"b\\c\x01\n\xff\xc3(\xe2\x80\xa8z", NULL, 0, 5, 1, 1.5}};
    ms_result res = {.has_hostility = 1, .hostility = 1.0, .has_off_topic = 1,
                     .off_topic = 0.00004, .sentiment = -0.00004, .reasons = rs,
                     .n_reasons = 1, .action = MS_ACTION_REVIEW};
    char *s = ms_result_json(&c, &res);
    assert_non_null(s);
    assert_string_equal(
        s, "{\"id\":\"tab\\there\",\"author\":\"q\\\"uote\\\\\","
           "\"scores\":{\"hostility\":1.0,\"off_topic\":0.0,\"sentiment\":0.0},\"flags\":[],"
           "\"action\":\"review\",\"reasons\":[{\"category\":\"hostility\","
           "\"term\":\"a\\\"b\\\\c\\u0001\\n\xef\xbf\xbd\xef\xbf\xbd(\\u2028z\","
           "\"start\":0,\"end\":5,\"weight\":1.5}]}");
    /* and it is JSON that a strict parser takes back */
    json_error_t jerr;
    json_t *j = json_loads(s, 0, &jerr);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "author")), "q\"uote\\");
    json_decref(j);
    ms_free(s);
}

/* The writer's pieces: runs of plain bytes are copied whole and the bytes
 * between escaped per mode, with the text table's display width counted
 * across both; integers written by hand, the extremes included. */
static void w_expect(esc_mode mode, const char *in, const char *want, size_t want_width)
{
    wbuf w = {0};
    size_t width = w_clean(&w, in, strlen(in), mode);
    char *got = w_take(&w);
    assert_non_null(got);
    assert_string_equal(got, want);
    if (mode == ESC_TEXT)
        assert_int_equal(width, want_width);
    free(got);
}

static void test_writer_runs_and_integers(void **state)
{
    (void)state;
    const char *in = "plain run \"q\" back\\slash\ttab\x01 caf\xc3\xa9\xff end";
    w_expect(ESC_JSON, in,
             "plain run \\\"q\\\" back\\\\slash\\ttab\\u0001 caf\xc3\xa9\xef\xbf\xbd end", 0);
    w_expect(ESC_CSV, in, "plain run \"\"q\"\" back\\slash\ttab\xef\xbf\xbd caf\xc3\xa9\xef\xbf\xbd end",
             0);
    w_expect(ESC_TEXT, in, "plain run \"q\" back\\slash tab\xef\xbf\xbd caf\xc3\xa9\xef\xbf\xbd end",
             strlen("plain run \"q\" back\\slash tab? cafe? end"));
    w_expect(ESC_JSON, "", "", 0);
    static const struct {
        long long v;
        const char *s;
    } ints[] = {{0, "0"}, {7, "7"}, {-1, "-1"}, {1234567890123LL, "1234567890123"},
                {LLONG_MAX, "9223372036854775807"}, {LLONG_MIN, "-9223372036854775808"}};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        wbuf w = {0};
        w_fmt_int(&w, ints[i].v);
        char *got = w_take(&w);
        assert_string_equal(got, ints[i].s);
        free(got);
    }
}

static void test_json_document_summary(void **state)
{
    (void)state;
    capture c;
    cap_open(&c, MS_OUTPUT_JSON);
    assert_int_equal(ms_reporter_begin(c.r, &article), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c1, &res1), MS_OK);
    assert_int_equal(ms_reporter_error(c.r, 7, "bad line"), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c2, &res2), MS_OK);
    cap_close(&c);

    json_error_t jerr;
    json_t *doc = json_loadb(c.buf, c.len, 0, &jerr);
    if (!doc)
        fail_msg("not JSON: %s at %d:%d\n%s", jerr.text, jerr.line, jerr.column, c.buf);
    json_t *a = json_object_get(doc, "article");
    assert_string_equal(json_string_value(json_object_get(a, "id")), "a1");
    assert_string_equal(json_string_value(json_object_get(a, "title")), "Rates rise");
    assert_int_equal(json_array_size(json_object_get(a, "tags")), 2);

    json_t *cs = json_object_get(doc, "comments");
    assert_int_equal(json_array_size(cs), 2);
    json_t *k1 = json_array_get(cs, 0), *k2 = json_array_get(cs, 1);
    assert_string_equal(json_string_value(json_object_get(k1, "id")), "c1");
    /* the record carries the text, invalid UTF-8 repaired */
    assert_string_equal(json_string_value(json_object_get(k1, "text")), "Nice piece \xef\xbf\xbd");
    assert_string_equal(json_string_value(json_object_get(k2, "action")), "reject");
    assert_int_equal(json_array_size(json_object_get(k2, "reasons")), 3);

    json_t *errs = json_object_get(doc, "errors");
    assert_int_equal(json_array_size(errs), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errs, 0), "line")), 7);

    json_t *sum = json_object_get(doc, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "comments")), 2);
    json_t *acts = json_object_get(sum, "actions");
    assert_int_equal(json_integer_value(json_object_get(acts, "publish")), 1);
    assert_int_equal(json_integer_value(json_object_get(acts, "review")), 0);
    assert_int_equal(json_integer_value(json_object_get(acts, "reject")), 1);
    json_t *means = json_object_get(sum, "mean_scores");
    assert_true(fabs(json_number_value(json_object_get(means, "hostility")) - 0.5062) < 1e-9);
    assert_true(fabs(json_number_value(json_object_get(means, "sentiment")) - -0.05) < 1e-9);
    /* off_topic is averaged only over the comment that has it */
    assert_true(fabs(json_number_value(json_object_get(means, "off_topic")) - 0.12) < 1e-9);
    assert_string_equal(json_string_value(json_object_get(doc, "policy")), "default");
    /* keys in the documented order */
    const char *pa = strstr(c.buf, "\"article\""), *pc = strstr(c.buf, "\"comments\""),
               *ps = strstr(c.buf, "\"summary\""), *pp = strstr(c.buf, "\"policy\"");
    assert_true(pa && pc && ps && pp && pa < pc && pc < ps && ps < pp);
    json_decref(doc);
    free(c.buf);
}

static void test_json_empty_document(void **state)
{
    (void)state;
    capture c;
    cap_open(&c, MS_OUTPUT_JSON);
    cap_close(&c); /* end without begin or comments */
    json_error_t jerr;
    json_t *doc = json_loadb(c.buf, c.len, 0, &jerr);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "comments")), 0);
    json_t *sum = json_object_get(doc, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "comments")), 0);
    assert_int_equal(json_object_size(json_object_get(sum, "mean_scores")), 0);
    json_decref(doc);
    free(c.buf);
}

static void test_csv_quoting(void **state)
{
    (void)state;
    capture c;
    cap_open(&c, MS_OUTPUT_CSV);
    ms_comment odd = c2;
    odd.id = "a,\"b";
    assert_int_equal(ms_reporter_comment(c.r, &odd, &res2), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c1, &res1), MS_OK);
    assert_int_equal(ms_reporter_error(c.r, 7, "bad, \"line\""), MS_OK);
    cap_close(&c);
    assert_string_equal(c.buf,
                        "id,author,hostility,off_topic,sentiment,action,flags,reasons,error,"
                        "language,notes\r\n"
                        "\"a,\"\"b\",bob,0.9123,0.12,-0.6,reject,hostility;deny,idiot;go back,,,\r\n"
                        "c1,,0.1,,0.5,publish,,,,,invalid_utf8;off_topic_missing: no article\r\n"
                        ",,,,,error,,,\"line 7: bad, \"\"line\"\"\",,\r\n");
    free(c.buf);
}

/* Issue 26: CSV and the text table say the comment's language and why it
 * has no score, as the JSON records do ("not scored: Swedish (sv)"). */
static void test_language_and_notes_in_csv_and_text(void **state)
{
    (void)state;
    ms_comment sv = {.id = "d1", .text = "Du \xc3\xa4r en idiot.", .text_len = 16};
    ms_result unread = {.sentiment = 0, .notes = MS_NOTE_LANGUAGE, .action = MS_ACTION_PUBLISH,
                        .language = "sv"};
    ms_comment mixed = {.id = "m1", .text = "idiot. \xd0\x9f\xd1\x80\xd0\xb8", .text_len = 13};
    ms_result part = res2;
    part.notes = MS_NOTE_LANGUAGE_PART;
    strcpy(part.language, "en");
    strcpy(part.unread, "ru,xx");
    capture c;
    cap_open(&c, MS_OUTPUT_CSV);
    assert_int_equal(ms_reporter_comment(c.r, &sv, &unread), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &mixed, &part), MS_OK);
    cap_close(&c);
    assert_non_null(strstr(c.buf, ",language,notes\r\n"));
    assert_non_null(strstr(c.buf, "d1,,,,0.0,publish,,,,sv,not scored: Swedish (sv) (no loaded model reads it)\r\n"));
    assert_non_null(strstr(c.buf, ",en,\"language: partly in Russian (ru), xx, which no loaded model reads; "
                                  "scored on the rest\"\r\n"));
    free(c.buf);

    cap_open(&c, MS_OUTPUT_TEXT);
    assert_int_equal(ms_reporter_comment(c.r, &sv, &unread), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &mixed, &part), MS_OK);
    cap_close(&c);
    const char *head = strstr(c.buf, "ID ");
    assert_non_null(head);
    assert_non_null(strstr(head, " LANG "));
    assert_non_null(strstr(head, " NOTES"));
    const char *row = strstr(c.buf, "\nd1 ");
    assert_non_null(row);
    assert_non_null(strstr(row, " sv "));
    assert_non_null(strstr(row, "not scored: Swedish (sv) (no loaded model reads it)\n"));
    assert_non_null(strstr(c.buf, "partly in Russian (ru), xx, which no loaded model reads; "
                                   "scored on the rest\n"));
    free(c.buf);
}

/* Issue 23: a cell that a spreadsheet would run as a formula (= + - @, a
 * tab or a CR first) is quoted and starts with a ' (OWASP's advice); the
 * numbers, negative sentiment too, are written as numbers. */
static void test_csv_formula_injection(void **state)
{
    (void)state;
    static const char *const bad[] = {"=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)",
                                      "\tx", "\rx"};
    capture c;
    cap_open(&c, MS_OUTPUT_CSV);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ms_comment x = c2;
        x.id = "i";
        x.author = (char *)bad[i];
        assert_int_equal(ms_reporter_comment(c.r, &x, &res2), MS_OK);
    }
    ms_comment fine = c2;
    fine.author = "a=b";
    assert_int_equal(ms_reporter_comment(c.r, &fine, &res2), MS_OK);
    cap_close(&c);
    assert_non_null(strstr(c.buf, "\ni,\"'=HYPERLINK(\"\"http://x\"\")\",0.9123,"));
    assert_non_null(strstr(c.buf, "\ni,\"'+1+2\",0.9123,"));
    assert_non_null(strstr(c.buf, "\ni,\"'-2+3\",0.9123,0.12,-0.6,"));
    assert_non_null(strstr(c.buf, "\ni,\"'@SUM(A1)\",0.9123,"));
    assert_non_null(strstr(c.buf, "\ni,\"'\tx\",0.9123,"));
    assert_non_null(strstr(c.buf, "\ni,\"'\rx\",0.9123,"));
    assert_non_null(strstr(c.buf, "\nc2,a=b,0.9123,"));
    free(c.buf);
}

static void test_text_table(void **state)
{
    (void)state;
    capture c;
    cap_open(&c, MS_OUTPUT_TEXT);
    ms_comment longc = c2;
    longc.id = "c3";
    longc.author = "Bartholomew Longname-Smythe\x1b[31m";
    ms_result review = res2;
    review.action = MS_ACTION_REVIEW;
    review.has_off_topic = 0;
    assert_int_equal(ms_reporter_begin(c.r, &article), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c1, &res1), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c2, &res2), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &longc, &review), MS_OK);
    cap_close(&c);
    const char *out = c.buf;
    assert_non_null(strstr(out, "Article: Rates rise [a1]\n"));
    assert_non_null(strstr(out, "\"idiot\" \"go back\""));
    assert_non_null(strstr(out, "3 comments: 1 publish, 1 review, 1 reject\n"));
    /* no escape sequence reaches the terminal; long names are cut */
    assert_null(strchr(out, '\x1b'));
    assert_null(strstr(out, "Longname-Smythe"));
    assert_non_null(strstr(out, "Bartholomew L\xe2\x80\xa6"));

    /* the ACTION column lines up in the header and every row */
    const char *head = strstr(out, "ID ");
    assert_non_null(head);
    const char *rows[] = {strstr(out, "\nc1 "), strstr(out, "\nc2 "), strstr(out, "\nc3 ")};
    const char *acts[] = {"publish", "reject", "review"};
    size_t col = (size_t)(strstr(head, "ACTION") - head);
    for (int i = 0; i < 3; i++) {
        assert_non_null(rows[i]);
        const char *line = rows[i] + 1;
        const char *a = strstr(line, acts[i]);
        assert_non_null(a);
        /* c3's row has a 3-byte ellipsis of one column before ACTION */
        size_t extra = i == 2 ? 2 : 0;
        assert_int_equal((size_t)(a - line), col + extra);
    }
    /* an off-topic score that is absent shows as "-" */
    char *row1 = strndup(rows[0] + 1, (size_t)(strchr(rows[0] + 1, '\n') - rows[0] - 1));
    assert_non_null(strstr(row1, " - "));
    free(row1);
    free(c.buf);
}

static void test_write_errors_are_reported(void **state)
{
    (void)state;
    const ms_output fmts[] = {MS_OUTPUT_JSONL, MS_OUTPUT_JSON, MS_OUTPUT_CSV, MS_OUTPUT_TEXT};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        FILE *f = fopen("/dev/full", "w");
        assert_non_null(f);
        ms_reporter *r = NULL;
        assert_int_equal(ms_reporter_new(fmts[i], f, NULL, &r), MS_OK);
        /* streaming formats fail once stdio's buffer is written (not a
         * terminal: a few dozen records), long before the end; all fail
         * by the end */
        ms_status st = MS_OK;
        for (int k = 0; k < 200 && st == MS_OK; k++)
            st = ms_reporter_comment(r, &c2, &res2);
        if (fmts[i] == MS_OUTPUT_JSONL || fmts[i] == MS_OUTPUT_CSV)
            assert_int_equal(st, MS_ERR_IO);
        assert_int_equal(ms_reporter_end(r), MS_ERR_IO);
        ms_reporter_free(r);
        fclose(f);
    }
}

static void test_new_arguments(void **state)
{
    (void)state;
    ms_reporter *r = (ms_reporter *)0x1;
    assert_int_equal(ms_reporter_new(MS_OUTPUT_HTML, NULL, NULL, &r), MS_ERR_ARG);
    assert_int_equal(ms_reporter_new(MS_OUTPUT_JSONL, NULL, NULL, &r), MS_ERR_ARG);
    assert_int_equal(ms_reporter_new((ms_output)42, stdout, NULL, &r), MS_ERR_ARG);
    ms_reporter_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_json_exact),
        cmocka_unit_test(test_jsonl_one_line_per_call),
        cmocka_unit_test(test_records_buffered_off_a_terminal),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_writer_runs_and_integers),
        cmocka_unit_test(test_json_document_summary),
        cmocka_unit_test(test_json_empty_document),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_language_and_notes_in_csv_and_text),
        cmocka_unit_test(test_csv_formula_injection),
        cmocka_unit_test(test_text_table),
        cmocka_unit_test(test_write_errors_are_reported),
        cmocka_unit_test(test_new_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

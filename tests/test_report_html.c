/* test_report_html.c - the HTML reporter: hostile comment text stays text,
 * highlights sit on the reasons' spans, replies nest under their parents,
 * the summary counts, the thresholds drawn come from the policy, and write
 * errors are reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"

/* ---- fixtures ---- */

static ms_article article = {.id = "a1",
                             .title = "Rates <b>rise</b> & \"fall\"",
                             .tags = (char *[]){"<i>x</i>"},
                             .n_tags = 1};

/* c1: a script and a slur; the author breaks out of an attribute */
#define T1 "<script>alert(1)</script> you idiot"
static ms_comment c1 = {.id = "c1", .author = "\"><img src=x onerror=alert(1)>", .text = T1,
                        .text_len = sizeof T1 - 1};
static ms_reason r1[] = {
    {"hostility", "idiot\"><img src=y>", NULL, 30, 35, 1, 0.83},
    {"off_topic", NULL, "no words <u>shared</u> with the article", 0, 0, 0, 0.2},
};
static ms_result res1 = {.hostility = 0.91, .has_hostility = 1, .off_topic = 0.3,
                         .has_off_topic = 1, .sentiment = -0.6, .flags = MS_FLAG_HOSTILITY,
                         .action = MS_ACTION_REJECT, .reasons = r1, .n_reasons = 2};

/* c2 answers c1 by id: single quotes, an entity, invalid UTF-8, a newline;
 * two overlapping reasons given out of order, one span into the bad bytes */
#define T2 "' onmouseover='x &amp; go back\n\xff\xfe home"
static ms_comment c2 = {.id = "c2", .author = "bob", .parent = "c1", .text = T2,
                        .text_len = sizeof T2 - 1};
static ms_reason r2[] = {
    {"deny", "go back", NULL, 23, 30, 1, 0.0},
    {"hostility", "back home", NULL, 26, 38, 1, 0.4},
    {"hostility", "' on", NULL, 0, 4, 1, 0.1},
    {"hostility", "bad span", NULL, 90, 95, 1, 0.1}, /* past the end: ignored */
};
static ms_result res2 = {.hostility = 0.6, .has_hostility = 1, .sentiment = 0.1,
                         .off_topic_missing = "no article",
                         .flags = MS_FLAG_HOSTILITY | MS_FLAG_DENY, .notes = MS_NOTE_INVALID_UTF8,
                         .action = MS_ACTION_REVIEW, .reasons = r2, .n_reasons = 4};

/* c3 answers a name that wrote nothing here; c4 answers bob by name */
static ms_comment c3 = {.id = "c3", .reply_to = "ghost", .text = "fine", .text_len = 4};
static ms_comment c4 = {.id = "c4", .author = "ann", .reply_to = "bob", .text = "ok bob",
                        .text_len = 6};
static ms_result res_ok = {.hostility = 0.05, .has_hostility = 1, .sentiment = 0.3,
                           .off_topic_missing = "no article", .action = MS_ACTION_PUBLISH};

/* ---- capture ---- */

typedef struct capture {
    char *buf;
    size_t len;
    FILE *f;
    ms_reporter *r;
} capture;

static void cap_open(capture *c, const ms_policy *policy)
{
    memset(c, 0, sizeof *c);
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    assert_int_equal(ms_reporter_new(MS_OUTPUT_HTML, c->f, policy, &c->r), MS_OK);
}

static void cap_close(capture *c)
{
    assert_int_equal(ms_reporter_end(c->r), MS_OK);
    ms_reporter_free(c->r);
    assert_int_equal(fclose(c->f), 0);
}

/* The thread of four comments, as `modscore score -o html` gives it. */
static char *render(const ms_policy *policy)
{
    capture c;
    cap_open(&c, policy);
    assert_int_equal(ms_reporter_begin(c.r, &article), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c1, &res1), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c2, &res2), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c3, &res_ok), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &c4, &res_ok), MS_OK);
    assert_int_equal(ms_reporter_error(c.r, 7, "bad <json>"), MS_OK);
    cap_close(&c);
    return c.buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t k = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        k++;
    return k;
}

/* The <li> of comment `id`, as a string of its own (free it). */
static char *comment_li(const char *html, const char *id)
{
    char key[64];
    snprintf(key, sizeof key, "data-id=\"%s\"", id);
    const char *at = strstr(html, key);
    assert_non_null(at);
    const char *start = at;
    while (start > html && strncmp(start, "<li ", 4) != 0)
        start--;
    const char *end = strstr(at, "</li>\n");
    assert_non_null(end);
    size_t n = (size_t)(end - start);
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, start, n);
    s[n] = '\0';
    return s;
}

/* ---- tests ---- */

static void test_escape_function(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
        int br;
        const char *out;
    } cases[] = {
        {"a<b>&\"'", 7, 0, "a&lt;b&gt;&amp;&quot;&#39;"},
        {"x\r\ny\nz\rw", 8, 1, "x<br>\ny<br>\nz<br>\nw"},
        {"x\r\ny", 4, 0, "x y"},
        {"\x01\x7f\x00", 3, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xc2\x85", 2, 0, "\xef\xbf\xbd"},           /* C1 control (NEL) */
        {"\xe2\x82", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd"}, /* cut sequence */
        {"\xed\xa0\x80", 3, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
        {"caf\xc3\xa9 \xe2\x82\xac", 9, 0, "caf\xc3\xa9 \xe2\x82\xac"},
        {"", 0, 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ms_buf b = {0};
        assert_int_equal(ms_html_escape(&b, cases[i].in, cases[i].n, cases[i].br), MS_OK);
        assert_string_equal(b.data ? b.data : "", cases[i].out);
        ms_buf_free(&b);
    }
    ms_buf b = {0};
    assert_int_equal(ms_html_escape(&b, NULL, 3, 0), MS_ERR_ARG);
}

static void test_hostile_text_stays_text(void **state)
{
    (void)state;
    char *html = render(NULL);
    /* nothing from the input is markup */
    assert_null(strstr(html, "<script>alert"));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "' onmouseover"));
    assert_null(strstr(html, "<u>"));
    assert_null(strstr(html, "<i>"));
    assert_null(strstr(html, "<b>rise"));
    assert_null(strstr(html, "<json>"));
    assert_null(strstr(html, "\xff"));
    /* it is shown as text */
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(html, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert_non_null(strstr(html, "&#39; on</mark>mouseover=&#39;x"));
    assert_non_null(strstr(html, "&amp;amp;"));
    assert_non_null(strstr(html, "\xef\xbf\xbd\xef\xbf\xbd"));
    assert_non_null(strstr(html, "<h1 id=\"title\">Rates &lt;b&gt;rise&lt;/b&gt; &amp; "
                                 "&quot;fall&quot;</h1>"));
    assert_non_null(strstr(html, "line 7: bad &lt;json&gt;"));
    /* two scripts, ours: the texts as JSON data (< > & ' escaped) and the
     * code; the page fetches nothing */
    assert_int_equal(count(html, "<script"), 2);
    assert_int_equal(count(html, "<script type=\"application/json\" id=\"texts\">"), 1);
    assert_non_null(strstr(html, "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                                 "script-src 'unsafe-inline'; img-src data:\""));
    assert_int_equal(count(html, "http://"), count(html, "http://www.w3.org/2000/svg"));
    assert_null(strstr(html, "https://"));

    /* Every tag outside the style and script is one the writer makes, and no
     * tag carries an event handler. */
    static const char *const known[] = {
        "!DOCTYPE", "html", "head", "meta", "title",  "style", "body",       "main",   "header",
        "p",        "h1",   "h2",   "span", "section", "div",  "ul",         "ol",     "li",
        "svg",      "rect", "g",    "line", "text",   "figure", "figcaption", "input", "label",
        "bdi",      "a",    "mark", "br",   "footer", "script", "b",
    };
    for (const char *p = html; (p = strchr(p, '<')) != NULL; p++) {
        if (strncmp(p, "<style>", 7) == 0 || strncmp(p, "<script>", 8) == 0) {
            const char *close = strstr(p, strncmp(p, "<style>", 7) == 0 ? "</style>" : "</script>");
            assert_non_null(close);
            p = close;
            continue;
        }
        const char *name = p + 1 + (p[1] == '/');
        size_t n = strcspn(name, " >\n");
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof known[0] && !ok; k++)
            ok = strlen(known[k]) == n && strncmp(known[k], name, n) == 0;
        if (!ok)
            fail_msg("unexpected tag: %.40s", p);
        const char *gt = strchr(p, '>');
        assert_non_null(gt);
        for (const char *q = p; q < gt; q++)
            if (q[0] == ' ' && q[1] == 'o' && q[2] == 'n' && q[3] >= 'a' && q[3] <= 'z')
                fail_msg("event handler in tag: %.60s", p);
    }
    free(html);
}

static void test_highlights_at_spans(void **state)
{
    (void)state;
    char *html = render(NULL);
    char *li1 = comment_li(html, "c1");
    /* "idiot" at [30, 35), its term escaped in the title */
    assert_non_null(strstr(li1, "you <mark class=\"hl hl-hostility\" data-category=\"hostility\" data-start=\"30\" "
                                "data-end=\"35\" title=\"hostility +0.830 (idiot&quot;&gt;"
                                "&lt;img src=y&gt;)\">idiot</mark></p>"));
    assert_int_equal(count(li1, "<mark"), 1);
    /* a reason without a span is listed, not marked */
    assert_non_null(strstr(li1, "no words &lt;u&gt;shared&lt;/u&gt; with the article"));
    free(li1);

    char *li2 = comment_li(html, "c2");
    /* [0, 4) alone; [23, 30) and [26, 38) overlap and merge into one mark
     * [23, 38), coloured by its strongest reason, titled with both; the
     * span past the end of the text is dropped */
    assert_int_equal(count(li2, "<mark"), 2);
    assert_non_null(strstr(li2, "<mark class=\"hl hl-hostility\" data-category=\"hostility\" data-start=\"0\" "
                                "data-end=\"4\" "
                                "title=\"hostility +0.100 (&#39; on)\">&#39; on</mark>"
                                "mouseover=&#39;x &amp;amp; "));
    assert_non_null(strstr(li2, "<mark class=\"hl hl-hostility\" data-category=\"hostility\" data-start=\"23\" "
                                "data-end=\"38\" title=\"deny 0.000 (go back); hostility "
                                "+0.400 (back home)\">go back<br>\n"
                                "\xef\xbf\xbd\xef\xbf\xbd home</mark></p>"));
    assert_non_null(strstr(li2, "Invalid UTF-8"));
    free(li2);
    free(html);
}

/* Issue 26: a reason that is not a word (an off-topic detail) shows no
 * "+1.000" weight in its chip; a word's chip keeps its contribution. A
 * comment in a language no model reads says so on the page, not only in a
 * hover: "Not scored: Swedish (sv)"; a part no model reads is named too. */
static void test_chips_and_language_notes(void **state)
{
    (void)state;
    static ms_reason rs[] = {
        {"hostility", "idiot", NULL, 0, 5, 1, 0.83},
        {"off_topic", NULL, "1 link", 0, 0, 0, 1.0},
    };
    ms_comment w = {.id = "w1", .text = "idiot http://x.example", .text_len = 22};
    ms_result rw = {.hostility = 0.9, .has_hostility = 1, .off_topic = 0.8, .has_off_topic = 1,
                    .action = MS_ACTION_REJECT, .reasons = rs, .n_reasons = 2};
    ms_comment sv = {.id = "d1", .text = "Du \xc3\xa4r dum", .text_len = 10};
    ms_result rsv = {.notes = MS_NOTE_LANGUAGE, .action = MS_ACTION_PUBLISH, .language = "sv",
                     .off_topic_missing = "not scored"};
    ms_comment mix = {.id = "m1", .text = "idiot \xd0\xbf", .text_len = 8};
    ms_result rmix = {.hostility = 0.9, .has_hostility = 1, .notes = MS_NOTE_LANGUAGE_PART,
                      .action = MS_ACTION_REJECT, .language = "en", .unread = "ru"};
    capture c;
    cap_open(&c, NULL);
    assert_int_equal(ms_reporter_comment(c.r, &w, &rw), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &sv, &rsv), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &mix, &rmix), MS_OK);
    cap_close(&c);
    char *li = comment_li(c.buf, "w1");
    assert_non_null(strstr(li, "\xe2\x80\x9cidiot\xe2\x80\x9d hostility +0.830</li>"));
    assert_non_null(strstr(li, ">1 link off_topic</li>"));
    assert_null(strstr(li, "+1.000"));
    free(li);
    li = comment_li(c.buf, "d1");
    assert_non_null(strstr(li, "<p class=\"notes\">Not scored: Swedish (sv), which no loaded "
                               "model reads. </p>"));
    free(li);
    li = comment_li(c.buf, "m1");
    assert_non_null(strstr(li, "Partly not scored: Russian (ru); scored on the rest."));
    free(li);
    free(c.buf);
}

/* Issue 23: "Export decisions" exports the text as it was read, not as the
 * page shows it (CR dropped, U+0085 and a form feed as U+FFFD): the page
 * carries every text in a JSON block that no text can end early, and the
 * script reads it. */
static void test_export_takes_original_text(void **state)
{
    (void)state;
    static const char t[] = "a\r\nb\xc2\x85" "c\fd </script><b>&amp; \xe2\x80\xa8 \xff end";
    ms_comment x = {.id = "x1", .text = (char *)t, .text_len = sizeof t - 1};
    capture c;
    cap_open(&c, NULL);
    assert_int_equal(ms_reporter_comment(c.r, &c1, &res1), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &x, &res_ok), MS_OK);
    cap_close(&c);
    const char *open = "<script type=\"application/json\" id=\"texts\">";
    const char *at = strstr(c.buf, open);
    assert_non_null(at);
    at += strlen(open);
    const char *end = strstr(at, "</script>");
    assert_non_null(end);
    json_error_t je;
    json_t *texts = json_loadb(at, (size_t)(end - at), 0, &je);
    assert_non_null(texts);
    assert_int_equal(json_array_size(texts), 2);
    assert_string_equal(json_string_value(json_array_get(texts, 0)), T1);
    /* the second as read: the bad byte as U+FFFD, as the readers make it */
    const char want[] = "a\r\nb\xc2\x85" "c\fd </script><b>&amp; \xe2\x80\xa8 \xef\xbf\xbd end";
    assert_int_equal(json_string_length(json_array_get(texts, 1)), sizeof want - 1);
    assert_memory_equal(json_string_value(json_array_get(texts, 1)), want, sizeof want - 1);
    json_decref(texts);
    /* the export reads the block, not the page's text */
    assert_non_null(strstr(c.buf, "getElementById('texts')"));
    assert_null(strstr(c.buf, "text:p?p.textContent"));
    free(c.buf);
}

static void test_thread_tree(void **state)
{
    (void)state;
    char *html = render(NULL);
    const char *p1 = strstr(html, "data-id=\"c1\"");
    const char *p2 = strstr(html, "data-id=\"c2\"");
    const char *g = strstr(html, "<li class=\"ghost\" data-reply-to=\"ghost\"");
    const char *p3 = strstr(html, "data-id=\"c3\"");
    const char *p4 = strstr(html, "data-id=\"c4\"");
    assert_true(p1 && p2 && g && p3 && p4);
    /* c2 answers c1 by id, c4 answers bob (c2) by name: depth-first order */
    assert_true(p1 < p2 && p2 < p4 && p4 < g && g < p3);
    char *li1 = comment_li(html, "c1");
    char *li2 = comment_li(html, "c2");
    char *li3 = comment_li(html, "c3");
    char *li4 = comment_li(html, "c4");
    assert_non_null(strstr(li1, "data-depth=\"0\""));
    assert_null(strstr(li1, "data-parent"));
    assert_non_null(strstr(li2, "data-depth=\"1\" data-parent=\"c1\" style=\"--indent:1;"));
    assert_non_null(strstr(li2, "in reply to <a href=\"#comment-1\"><bdi>&quot;&gt;&lt;img"));
    assert_non_null(strstr(li4, "data-depth=\"2\" data-parent=\"c2\" style=\"--indent:2;"));
    assert_non_null(strstr(li3, "data-depth=\"1\" style=\"--indent:1;"));
    assert_non_null(strstr(li3, "in reply to <bdi>ghost</bdi>"));
    /* attributes for the filters, and ranks for sorting by hostility */
    assert_non_null(strstr(li1, "data-action=\"reject\" data-hostility=\"0.91\" "
                                "data-off-topic=\"0.3\" data-sentiment=\"-0.6\""));
    assert_non_null(strstr(li1, "--rank-hostility:0;"));
    assert_non_null(strstr(li2, "data-action=\"review\" data-hostility=\"0.6\" "
                                "data-sentiment=\"0.1\""));
    assert_non_null(strstr(li2, "--rank-hostility:1;"));
    assert_non_null(strstr(li3, "--rank-hostility:2;"));
    assert_non_null(strstr(li4, "--rank-hostility:3;"));
    assert_int_equal(count(html, "<li class=\"comment\""), 4);
    free(li1);
    free(li2);
    free(li3);
    free(li4);
    free(html);
}

static void test_summary_and_thresholds(void **state)
{
    (void)state;
    char *html = render(NULL);
    assert_non_null(strstr(html, "<li data-action=\"publish\"><span class=\"n\" "
                                 "data-count=\"2\">2</span>"));
    assert_non_null(strstr(html, "<li data-action=\"review\"><span class=\"n\" "
                                 "data-count=\"1\">1</span>"));
    assert_non_null(strstr(html, "<li data-action=\"reject\"><span class=\"n\" "
                                 "data-count=\"1\">1</span>"));
    assert_non_null(strstr(html, "data-comments=\"4\">4 comments"));
    /* without a policy: the default thresholds */
    assert_non_null(strstr(html, "data-threshold=\"review\" data-value=\"0.5\""));
    assert_non_null(strstr(html, "data-threshold=\"reject\" data-value=\"0.85\""));
    assert_non_null(strstr(html, "data-threshold=\"review\" data-value=\"0.7\""));
    assert_non_null(strstr(html, "data-threshold=\"reject\" data-value=\"0.95\""));
    /* both charts and the filter controls */
    assert_int_equal(count(html, "<svg"), 2);
    assert_non_null(strstr(html, "id=\"show-review\" checked"));
    assert_non_null(strstr(html, "id=\"sort-hostility\""));
    assert_non_null(strstr(html, "id=\"sort-off-topic\""));
    free(html);

    ms_policy *p = NULL;
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_policy_override(p, "hostility=0.6", NULL), MS_OK);
    assert_int_equal(ms_policy_override(p, "hostility.reject=0.9", NULL), MS_OK);
    html = render(p);
    assert_non_null(strstr(html, "data-threshold=\"review\" data-value=\"0.6\""));
    assert_non_null(strstr(html, "data-threshold=\"reject\" data-value=\"0.9\""));
    assert_null(strstr(html, "data-value=\"0.85\""));
    free(html);
    ms_policy_free(p);
}

static void test_empty_and_no_off_topic(void **state)
{
    (void)state;
    capture c;
    cap_open(&c, NULL);
    cap_close(&c); /* end without begin: an empty but whole page */
    assert_non_null(strstr(c.buf, "<h1 id=\"title\">Comments</h1>"));
    assert_non_null(strstr(c.buf, "data-comments=\"0\">0 comments"));
    assert_non_null(strstr(c.buf, "</html>\n"));
    free(c.buf);

    cap_open(&c, NULL);
    assert_int_equal(ms_reporter_comment(c.r, &c3, &res_ok), MS_OK);
    cap_close(&c);
    /* one chart, a note for the missing score, and no sort by it */
    assert_int_equal(count(c.buf, "<svg"), 1);
    assert_non_null(strstr(c.buf, "No off-topic scores: no article"));
    assert_null(strstr(c.buf, "id=\"sort-off-topic\""));
    free(c.buf);
}

/* Parent ids that loop (or point at the comment itself) still show every
 * comment once: the first of a loop becomes a root. */
static void test_parent_cycle(void **state)
{
    (void)state;
    ms_comment x1 = {.id = "x1", .parent = "x2", .text = "a", .text_len = 1};
    ms_comment x2 = {.id = "x2", .parent = "x1", .text = "b", .text_len = 1};
    ms_comment x3 = {.id = "x3", .parent = "x3", .text = "c", .text_len = 1};
    capture c;
    cap_open(&c, NULL);
    assert_int_equal(ms_reporter_comment(c.r, &x1, &res_ok), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &x2, &res_ok), MS_OK);
    assert_int_equal(ms_reporter_comment(c.r, &x3, &res_ok), MS_OK);
    cap_close(&c);
    assert_int_equal(count(c.buf, "<li class=\"comment\""), 3);
    char *li1 = comment_li(c.buf, "x1");
    char *li2 = comment_li(c.buf, "x2");
    char *li3 = comment_li(c.buf, "x3");
    assert_non_null(strstr(li1, "data-depth=\"0\" style"));
    assert_non_null(strstr(li2, "data-depth=\"1\" data-parent=\"x1\""));
    assert_non_null(strstr(li3, "data-depth=\"0\" style"));
    assert_true(strstr(c.buf, "data-id=\"x1\"") < strstr(c.buf, "data-id=\"x2\""));
    free(li1);
    free(li2);
    free(li3);
    free(c.buf);
}

static void test_write_error(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    assert_non_null(f);
    ms_reporter *r = NULL;
    assert_int_equal(ms_reporter_new(MS_OUTPUT_HTML, f, NULL, &r), MS_OK);
    assert_int_equal(ms_reporter_begin(r, &article), MS_OK);
    assert_int_equal(ms_reporter_comment(r, &c1, &res1), MS_OK);
    assert_int_equal(ms_reporter_end(r), MS_ERR_IO);
    ms_reporter_free(r);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_function),
        cmocka_unit_test(test_hostile_text_stays_text),
        cmocka_unit_test(test_highlights_at_spans),
        cmocka_unit_test(test_chips_and_language_notes),
        cmocka_unit_test(test_export_takes_original_text),
        cmocka_unit_test(test_thread_tree),
        cmocka_unit_test(test_summary_and_thresholds),
        cmocka_unit_test(test_empty_and_no_off_topic),
        cmocka_unit_test(test_parent_cycle),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

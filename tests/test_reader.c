/* test_reader.c - discussions, JSON Lines streams, captured pages and
 * training data as users feed them in, including the ways they go wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "reader_util.h"
#include "util.h"

#define DATA MS_TEST_DATA "/reader/"

static char *load(const char *path, size_t *len)
{
    char *data = NULL;
    ms_error err;
    assert_int_equal(ms_read_file(path, 1u << 24, &data, len, &err), MS_OK);
    return data;
}

/* Asserts text (not NUL-terminated, len bytes) starts and ends as given. */
static void assert_edges(const char *text, size_t len, const char *head, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    assert_true(len >= h && len >= t);
    if (memcmp(text, head, h) != 0 || memcmp(text + len - t, tail, t) != 0)
        fail_msg("text [%s] does not run from [%s] to [%s]", text, head, tail);
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want)
        assert_null(got);
    else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
}

/* ------------------------------------------------------------ page */

static void test_page_golden(void **state)
{
    (void)state;
    size_t len;
    char *data = load(DATA "page_example.txt", &len);
    assert_int_equal(ms_format_detect(data, len), MS_FORMAT_PAGE);
    ms_discussion *d = NULL;
    ms_error err;
    assert_int_equal(ms_discussion_parse(data, len, MS_FORMAT_AUTO, "page", &d, &err), MS_OK);
    assert_int_equal(d->n_articles, 1);
    const ms_article *a = d->articles[0];
    assert_string_equal(a->title,
                        "Kremlin Comments on Kerry's 'Plan B' Should Syrian Ceasefire Deal Fail");
    assert_edges(a->body, strlen(a->body), "Moscow will focus", "he noted.");
    /* furniture and related headlines stay out of the body */
    assert_null(strstr(a->body, "Get short URL"));
    assert_null(strstr(a->body, "Sputnik/ Iliya"));
    assert_null(strstr(a->body, "Putin, Assad Stress"));
    assert_null(strstr(a->body, "A view of the city"));
    assert_non_null(strstr(a->body, "Wednesday.\n\nMOSCOW (Sputnik)"));
    static const char *const tags[] = {"ceasefire", "John Kerry", "Dmitry Peskov",
                                       "Russia", "United States", "Syria"};
    assert_int_equal(a->n_tags, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(a->tags[i], tags[i]);

    assert_int_equal(d->n_comments, 12);
    static const struct {
        const char *author, *reply_to;
        long line;
        const char *head, *tail;
    } want[12] = {
        {NULL, NULL, 34, "\"Currently, we are focusing", "But the US priority is \"regime change\"."},
        {NULL, NULL, 38, "You can not trust the yanks", "if things fall apart."},
        {"megargy", "jj42", 40, "jj42, Never forget", "the carnage has never stopped."},
        {NULL, NULL, 43, "Huh?\nAnd so the waters part", "see through this ruse."},
        {NULL, NULL, 45, "I'm sorry to say this", "Syria is the loser here.\nWatch here:"},
        {NULL, NULL, 48, "\"Plan B\" has always been", "at least Russia tried."},
        {NULL, "dvdgrg09", 50, "dvdgrg09, that and carve", "preparing us for that."},
        {NULL, NULL, 52, "Kerry lies once again.", "plan \"a\" all along."},
        {"Ann", "jj42", 54, "jj42, if it means", "in the act - again."},
        {"dvdgrg09", NULL, 56, "Bernardo Mendes, yes", "would get partitioned."},
        {NULL, NULL, 59, "USA playing the big bully", "South China sea."},
        {"Pentagonisabeast", "Mitach2002", 61, "Mitach2002, They can rebrand",
         "twist the arm of the next pair"},
    };
    for (size_t i = 0; i < 12; i++) {
        const ms_comment *c = &d->comments[i];
        char id[8];
        snprintf(id, sizeof id, "%zu", i + 1);
        assert_string_equal(c->id, id);
        assert_str_or_null(c->author, want[i].author);
        assert_str_or_null(c->reply_to, want[i].reply_to);
        assert_int_equal(c->line, want[i].line);
        assert_edges(c->text, c->text_len, want[i].head, want[i].tail);
        assert_int_equal(strlen(c->text), c->text_len);
        assert_ptr_equal(c->article, a);
        /* no furniture and no indentation inside texts */
        assert_null(strstr(c->text, "avatar"));
        assert_null(strstr(c->text, "Show comment"));
        assert_null(strstr(c->text, "\n "));
    }
    /* the first comment keeps its quoted paragraph and the blank line */
    assert_non_null(strstr(d->comments[0].text, "journalists . . . .\n\nBut the US"));

    /* the same page saved with CRLF line ends reads the same */
    ms_buf crlf = {0};
    for (size_t i = 0; i < len; i++)
        assert_int_equal(data[i] == '\n' ? ms_buf_add(&crlf, "\r\n", 2) : ms_buf_addc(&crlf, data[i]),
                         MS_OK);
    ms_discussion *d2;
    assert_int_equal(ms_discussion_parse(crlf.data, crlf.len, MS_FORMAT_AUTO, "crlf", &d2, &err),
                     MS_OK);
    assert_string_equal(d2->articles[0]->title, a->title);
    assert_string_equal(d2->articles[0]->body, a->body);
    assert_int_equal(d2->n_comments, 12);
    for (size_t i = 0; i < 12; i++) {
        assert_string_equal(d2->comments[i].text, d->comments[i].text);
        assert_int_equal(d2->comments[i].line, d->comments[i].line);
    }
    ms_discussion_free(d2);
    ms_buf_free(&crlf);
    ms_discussion_free(d);
    free(data);
}

static void test_page_reply_to_finds_parent(void **state)
{
    (void)state;
    const char page[] = "10:00 GMT 1 March 2020\n"
                        "  A Short Caption here\n"
                        "  Local Team Wins The Final\n"
                        "  The local team won the final on Sunday after a long and hard season, "
                        "the coach said to reporters.\n"
                        "  sport, football\n"
                        "  Community standardsDiscussion\n"
                        "  All comments\n"
                        "  \xE2\x80\xA2 avatar\n"
                        "    alicein reply to(Show commentHide comment)\n"
                        "    Great game.\n"
                        "\n"
                        "    Really.\n"
                        "  \xE2\x80\xA2 bobin reply toalice(Show commentHide comment)\n"
                        "    alice, agreed.\n"
                        "  Show new comments (0)\n";
    ms_discussion *d;
    ms_error err;
    assert_int_equal(ms_discussion_parse(page, sizeof page - 1, MS_FORMAT_PAGE, "p", &d, &err),
                     MS_OK);
    assert_string_equal(d->articles[0]->title, "Local Team Wins The Final");
    assert_int_equal(d->articles[0]->n_tags, 2);
    assert_int_equal(d->n_comments, 2);
    assert_string_equal(d->comments[0].text, "Great game.\n\nReally.");
    assert_string_equal(d->comments[1].author, "bob");
    assert_string_equal(d->comments[1].text, "alice, agreed.");
    assert_ptr_equal(ms_discussion_parent(d, 1), &d->comments[0]);
    assert_null(ms_discussion_parent(d, 0));
    assert_null(ms_discussion_parent(d, 2));
    ms_discussion_free(d);
}

/* ------------------------------------------------------------ JSON */

static void test_json_golden(void **state)
{
    (void)state;
    size_t len;
    char *data = load(DATA "discussion.json", &len);
    assert_int_equal(ms_format_detect(data, len), MS_FORMAT_JSON);
    ms_discussion *d;
    ms_error err;
    assert_int_equal(ms_discussion_parse(data, len, MS_FORMAT_AUTO, "d.json", &d, &err), MS_OK);
    assert_int_equal(d->n_articles, 1);
    const ms_article *a = d->articles[0];
    assert_string_equal(a->id, "42"); /* numbers become their decimal text */
    assert_string_equal(a->title, "Ceasefire talks");
    assert_string_equal(a->body, "Talks resume on Monday.");
    assert_int_equal(a->n_tags, 2);
    assert_string_equal(a->tags[1], "diplomacy");
    assert_int_equal(d->n_comments, 3);
    const ms_comment *c = d->comments;
    assert_string_equal(c[0].id, "7");
    assert_string_equal(c[0].author, "ann");
    assert_string_equal(c[0].created, "2017-02-25T07:30:00Z");
    assert_string_equal(c[0].text, "First! {not [json");
    assert_string_equal(c[1].id, "2"); /* no id: its position */
    assert_string_equal(c[1].parent, "7");
    assert_string_equal(c[1].text, "Line one\nline two \xC3\xA9 \"quoted\"");
    assert_null(c[1].created);
    assert_string_equal(c[2].id, "c3");
    /* each comment's line is where its object starts */
    assert_int_equal(c[0].line, 9);
    assert_int_equal(c[1].line, 10);
    assert_int_equal(c[2].line, 15);
    for (size_t i = 0; i < 3; i++)
        assert_ptr_equal(c[i].article, a);
    /* parents: by id, then by the name answered */
    assert_ptr_equal(ms_discussion_parent(d, 1), &c[0]);
    assert_ptr_equal(ms_discussion_parent(d, 2), &c[0]);
    assert_null(ms_discussion_parent(d, 0));
    ms_discussion_free(d);
    free(data);
}

/* A document the caller parsed (the server) reads as ms_discussion_parse
 * reads its text: the same comments, lines and parents; its errors too. */
static void test_json_from_parsed(void **state)
{
    (void)state;
    size_t len;
    char *data = load(DATA "discussion.json", &len);
    json_error_t je;
    json_t *root = json_loadb(data, len, 0, &je);
    assert_non_null(root);
    ms_discussion *a, *b;
    ms_error err;
    assert_int_equal(ms_discussion_parse(data, len, MS_FORMAT_JSON, "d.json", &a, &err), MS_OK);
    assert_int_equal(ms_discussion_from_json(root, data, len, "d.json", &b, &err), MS_OK);
    assert_int_equal(a->n_comments, b->n_comments);
    assert_string_equal(a->articles[0]->title, b->articles[0]->title);
    for (size_t i = 0; i < a->n_comments; i++) {
        assert_string_equal(a->comments[i].id, b->comments[i].id);
        assert_string_equal(a->comments[i].text, b->comments[i].text);
        assert_int_equal(a->comments[i].line, b->comments[i].line);
        assert_ptr_equal(b->comments[i].article, b->articles[0]);
        const ms_comment *pa = ms_discussion_parent(a, i), *pb = ms_discussion_parent(b, i);
        assert_true(pa ? pb && strcmp(pa->id, pb->id) == 0 : pb == NULL);
    }
    ms_discussion_free(a);
    ms_discussion_free(b);
    assert_int_equal(root->refcount, 1); /* borrowed */
    json_decref(root);
    const char bad[] = "{\"comments\":[{\"id\":\"x\"}]}";
    root = json_loads(bad, 0, &je);
    b = (ms_discussion *)1;
    assert_int_equal(ms_discussion_from_json(root, bad, sizeof bad - 1, "r", &b, &err),
                     MS_ERR_PARSE);
    assert_null(b);
    json_decref(root);
    assert_int_equal(ms_discussion_from_json(NULL, bad, sizeof bad - 1, "r", &b, &err),
                     MS_ERR_ARG);
    free(data);
}

static ms_status parse_json(const char *text, ms_error *err)
{
    ms_discussion *d = (ms_discussion *)1;
    memset(err, 0, sizeof *err);
    ms_status st = ms_discussion_parse(text, strlen(text), MS_FORMAT_JSON, "in.json", &d, err);
    if (st == MS_OK)
        ms_discussion_free(d);
    else
        assert_null(d);
    return st;
}

static void test_json_syntax_error_has_position(void **state)
{
    (void)state;
    ms_error err;
    assert_int_equal(parse_json("{\n  \"comments\": [\n    x\n", &err), MS_ERR_PARSE);
    assert_string_equal(err.source, "in.json");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.message, "invalid token"));
    /* invalid UTF-8 in a comment is repaired (U+FFFD) and noted, not fatal */
    ms_discussion *d = NULL;
    const char *bad = "{\"comments\":[\n{\"text\":\"a\xff\"},{\"text\":\"b\"}]}";
    assert_int_equal(ms_discussion_parse(bad, strlen(bad), MS_FORMAT_JSON, "in.json", &d, &err),
                     MS_OK);
    assert_int_equal(d->n_comments, 2);
    assert_string_equal(d->comments[0].text, "a\xef\xbf\xbd");
    assert_true(d->comments[0].notes & MS_NOTE_INVALID_UTF8);
    assert_false(d->comments[1].notes & MS_NOTE_INVALID_UTF8);
    ms_discussion_free(d);
    /* not an object */
    assert_int_equal(parse_json("[1,2]", &err), MS_ERR_PARSE);
}

/* A key twice in one object is refused, as the HTTP service refuses it,
 * in documents and JSON Lines alike (not "the last one wins"). */
static void test_json_duplicate_keys_refused(void **state)
{
    (void)state;
    ms_error err;
    assert_int_equal(parse_json("{\"comments\":[{\"text\":\"fine\",\"text\":\"evil\"}]}", &err),
                     MS_ERR_PARSE);
    assert_non_null(strstr(err.message, "duplicate"));
    assert_int_equal(parse_json("{\"comments\":[],\"comments\":[{\"text\":\"x\"}]}", &err),
                     MS_ERR_PARSE);
    ms_jsonl_reader *r;
    ms_comment *c = NULL;
    assert_int_equal(ms_jsonl_reader_new("s.jsonl", &r), MS_OK);
    const char l1[] = "{\"id\":\"1\",\"text\":\"a\",\"id\":\"2\"}";
    assert_int_equal(ms_jsonl_reader_line(r, l1, sizeof l1 - 1, 1, &c, &err), MS_ERR_PARSE);
    assert_null(c);
    assert_int_equal(err.line, 1);
    ms_jsonl_reader_free(r);
}

static void test_json_comment_errors_name_the_comment(void **state)
{
    (void)state;
    ms_error err;
    assert_int_equal(parse_json("{\"comments\":[\n {\"text\":\"ok\"},\n {\"id\":2}\n]}", &err),
                     MS_ERR_PARSE);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "comment 2"));
    assert_non_null(strstr(err.message, "text"));
    assert_int_equal(parse_json("{\"comments\":[{\"text\":5}]}", &err), MS_ERR_PARSE);
    assert_non_null(strstr(err.message, "comment 1"));
    assert_int_equal(parse_json("{\"comments\":{\"text\":\"a\"}}", &err), MS_ERR_PARSE);
    assert_int_equal(parse_json("{\"comments\":[{\"text\":\"a\",\"author\":[1]}]}", &err),
                     MS_ERR_PARSE);
    assert_non_null(strstr(err.message, "author"));
}

static void test_json_nul_escape_kept(void **state)
{
    (void)state;
    const char doc[] = "{\"comments\":[{\"text\":\"a\\u0000b\"}]}";
    ms_discussion *d;
    ms_error err;
    assert_int_equal(ms_discussion_parse(doc, sizeof doc - 1, MS_FORMAT_JSON, "", &d, &err), MS_OK);
    assert_int_equal(d->comments[0].text_len, 3);
    assert_memory_equal(d->comments[0].text, "a\0b", 4);
    assert_null(d->comments[0].article);
    assert_int_equal(d->n_articles, 0);
    ms_discussion_free(d);
}

static void test_json_input_need_not_be_terminated(void **state)
{
    (void)state;
    /* the buffer continues past len with garbage that must not be read */
    const char doc[] = "{\"comments\":[{\"text\":\"hi\"}]}GARBAGE";
    ms_discussion *d;
    ms_error err;
    assert_int_equal(ms_discussion_parse(doc, sizeof doc - 1 - 7, MS_FORMAT_AUTO, "", &d, &err),
                     MS_OK);
    assert_int_equal(d->n_comments, 1);
    assert_string_equal(d->comments[0].text, "hi");
    ms_discussion_free(d);
}

static char *nested(int depth)
{
    ms_buf b = {0};
    assert_int_equal(ms_buf_adds(&b, "{\"comments\":[{\"text\":\"x\",\"extra\":"), MS_OK);
    for (int i = 0; i < depth - 3; i++)
        assert_int_equal(ms_buf_addc(&b, '['), MS_OK);
    for (int i = 0; i < depth - 3; i++)
        assert_int_equal(ms_buf_addc(&b, ']'), MS_OK);
    assert_int_equal(ms_buf_adds(&b, "}]}"), MS_OK);
    return b.data;
}

static void test_json_limits(void **state)
{
    (void)state;
    ms_error err;
    /* depth: 64 levels are fine, 65 are not */
    char *ok = nested(MS_MAX_JSON_DEPTH);
    assert_int_equal(parse_json(ok, &err), MS_OK);
    free(ok);
    char *deep = nested(MS_MAX_JSON_DEPTH + 1);
    assert_int_equal(parse_json(deep, &err), MS_ERR_LIMIT);
    assert_string_equal(err.message, "nesting deeper than 64 levels (MS_MAX_JSON_DEPTH)");
    assert_int_equal(err.line, 1);
    free(deep);
    /* brackets inside strings are not nesting */
    char *quoted = malloc(200);
    assert_non_null(quoted);
    memcpy(quoted, "{\"comments\":[{\"text\":\"", 22);
    memset(quoted + 22, '[', 100);
    memcpy(quoted + 122, "\"}]}", 5);
    assert_int_equal(parse_json(quoted, &err), MS_OK);
    free(quoted);

    /* one comment's text: exactly at the cap is kept whole (the over-long
     * case is test_long_comment_cut) */
    size_t big = MS_MAX_COMMENT_BYTES;
    char *doc = malloc(big + 64);
    assert_non_null(doc);
    memcpy(doc, "{\"comments\":[{\"text\":\"", 22);
    memset(doc + 22, 'a', big);
    memcpy(doc + 22 + big, "\"}]}", 5);
    ms_discussion *dd = NULL;
    assert_int_equal(ms_discussion_parse(doc, strlen(doc), MS_FORMAT_JSON, "t", &dd, &err), MS_OK);
    assert_int_equal(dd->comments[0].text_len, big);
    assert_int_equal(dd->comments[0].notes & MS_NOTE_TRUNCATED, 0);
    ms_discussion_free(dd);
    free(doc);

    /* the number of comments */
    size_t n = MS_MAX_COMMENTS + 1;
    char *many = malloc(n * 3 + 32);
    assert_non_null(many);
    size_t pos = 0;
    memcpy(many, "{\"comments\":[", 13);
    pos = 13;
    for (size_t i = 0; i < n; i++) {
        memcpy(many + pos, i ? ",{}" : "{}", i ? 3 : 2);
        pos += i ? 3 : 2;
    }
    memcpy(many + pos, "]}", 3);
    assert_int_equal(parse_json(many, &err), MS_ERR_LIMIT);
    assert_non_null(strstr(err.message, "MS_MAX_COMMENTS"));
    free(many);

    /* the document size is checked before any byte is read */
    ms_discussion *d;
    const char tiny[] = "{}";
    assert_int_equal(ms_discussion_parse(tiny, (size_t)MS_MAX_DOCUMENT_BYTES + 1, MS_FORMAT_JSON,
                                         "big", &d, &err),
                     MS_ERR_LIMIT);
    assert_non_null(strstr(err.message, "MS_MAX_DOCUMENT_BYTES"));
    assert_null(d);
}

/* A text of n bytes: "é" (two bytes) repeated after one 'x', so that
 * MS_MAX_COMMENT_BYTES falls inside a character. */
static char *long_text(size_t n)
{
    char *t = malloc(n + 1);
    assert_non_null(t);
    t[0] = 'x';
    size_t i = 1;
    for (; i + 1 < n; i += 2)
        t[i] = '\xc3', t[i + 1] = '\xa9';
    if (i < n)
        t[i] = 'y';
    t[n] = '\0';
    return t;
}

/* The one rule for an over-long comment, in every reader: its text is cut
 * to MS_MAX_COMMENT_BYTES on a UTF-8 boundary and noted as truncated; the
 * thread around it is read as ever. Before, a JSON document or page with
 * one such comment failed whole (MS_ERR_LIMIT: `score` exit 65, no output)
 * and a JSON Lines line became an error. */
static void assert_cut(const ms_comment *c)
{
    assert_true(c->text_len <= MS_MAX_COMMENT_BYTES);
    assert_true(c->text_len >= MS_MAX_COMMENT_BYTES - 3);
    assert_true(ms_utf8_valid(c->text, c->text_len));
    assert_true(c->notes & MS_NOTE_TRUNCATED);
    assert_int_equal(c->text[c->text_len], '\0');
}

static void test_long_comment_cut(void **state)
{
    (void)state;
    size_t n = 2 * 1024 * 1024 + 1;
    char *t = long_text(n);
    ms_buf b = {0};
    ms_error err;
    ms_discussion *d = NULL;
    /* a JSON document: the long comment between two short ones */
    assert_int_equal(ms_buf_printf(&b, "{\"comments\":[{\"id\":\"a\",\"text\":\"short\"},"
                                       "{\"id\":\"b\",\"text\":\"%s\"},{\"id\":\"c\",\"text\":\"end\"}]}",
                                   t),
                     MS_OK);
    assert_int_equal(ms_discussion_parse(b.data, b.len, MS_FORMAT_AUTO, "doc", &d, &err), MS_OK);
    assert_int_equal(d->n_comments, 3);
    assert_cut(&d->comments[1]);
    assert_int_equal(memcmp(d->comments[1].text, t, d->comments[1].text_len), 0);
    assert_string_equal(d->comments[2].text, "end");
    assert_int_equal(d->comments[0].notes & MS_NOTE_TRUNCATED, 0);
    ms_discussion_free(d);

    /* a JSON Lines line within MS_MAX_LINE_BYTES */
    ms_jsonl_reader *r;
    assert_int_equal(ms_jsonl_reader_new("s.jsonl", &r), MS_OK);
    size_t m = MS_MAX_COMMENT_BYTES + 1001; /* a character starts here */
    t[m] = '\0';
    b.len = 0;
    assert_int_equal(ms_buf_printf(&b, "{\"text\":\"%s\"}", t), MS_OK);
    ms_comment *c = NULL;
    assert_int_equal(ms_jsonl_reader_line(r, b.data, b.len, 1, &c, &err), MS_OK);
    assert_cut(c);
    ms_comment_free(c);
    ms_jsonl_reader_free(r);

    /* a captured page */
    b.len = 0;
    assert_int_equal(ms_buf_printf(&b, "Title\n\nBody of the article.\n\nAll comments\n"
                                       "\xE2\x80\xA2 first comment\n\xE2\x80\xA2 %s\n"
                                       "\xE2\x80\xA2 last comment\n",
                                   t),
                     MS_OK);
    assert_int_equal(ms_discussion_parse(b.data, b.len, MS_FORMAT_PAGE, "page", &d, &err), MS_OK);
    assert_int_equal(d->n_comments, 3);
    assert_cut(&d->comments[1]);
    assert_string_equal(d->comments[2].text, "last comment");
    ms_discussion_free(d);
    ms_buf_free(&b);
    free(t);
}

/* ------------------------------------------------------------ JSON Lines */

static void test_jsonl_reader_lines(void **state)
{
    (void)state;
    ms_jsonl_reader *r;
    ms_comment *c = (ms_comment *)1;
    ms_error err;
    assert_int_equal(ms_jsonl_reader_new("s.jsonl", &r), MS_OK);

    const char art[] = "{\"article\":{\"id\":\"a1\",\"title\":\"Rates rise\",\"tags\":[\"economy\"]}}";
    assert_int_equal(ms_jsonl_reader_line(r, art, sizeof art - 1, 1, &c, &err), MS_OK);
    assert_null(c); /* an article line yields no comment */

    const char l2[] = "{\"id\":9,\"text\":\"Good news.\",\"article_id\":\"a1\",\"parent_text\":\"p\"}\r";
    assert_int_equal(ms_jsonl_reader_line(r, l2, sizeof l2 - 1, 2, &c, &err), MS_OK);
    assert_non_null(c);
    assert_string_equal(c->id, "9");
    assert_string_equal(c->text, "Good news."); /* the CR is not text */
    assert_int_equal(c->text_len, 10);
    assert_string_equal(c->parent_text, "p");
    assert_int_equal(c->line, 2);
    assert_non_null(c->article);
    assert_string_equal(c->article->title, "Rates rise");
    ms_comment_free(c);

    /* unknown article_id */
    const char l3[] = "{\"text\":\"x\",\"article_id\":\"nope\"}";
    assert_int_equal(ms_jsonl_reader_line(r, l3, sizeof l3 - 1, 3, &c, &err), MS_ERR_PARSE);
    assert_null(c);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "unknown article_id 'nope' (not among the"));

    /* blank lines are errors */
    assert_int_equal(ms_jsonl_reader_line(r, "  \r", 3, 4, &c, &err), MS_ERR_PARSE);
    assert_string_equal(err.message, "empty line");
    assert_int_equal(err.line, 4);
    assert_int_equal(ms_jsonl_reader_line(r, "", 0, 5, &c, &err), MS_ERR_PARSE);

    /* syntax errors carry the stream's line and jansson's column */
    const char l6[] = "{\"text\": tru}";
    assert_int_equal(ms_jsonl_reader_line(r, l6, sizeof l6 - 1, 6, &c, &err), MS_ERR_PARSE);
    assert_int_equal(err.line, 6);
    assert_int_equal(err.column, 12);
    assert_string_equal(err.source, "s.jsonl");

    /* too long a line */
    size_t big = MS_MAX_LINE_BYTES + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    assert_int_equal(ms_jsonl_reader_line(r, huge, big, 7, &c, &err), MS_ERR_LIMIT);
    assert_non_null(strstr(err.message, "MS_MAX_LINE_BYTES"));
    free(huge);

    /* the reader stays usable; a missing id is the line number; an inline
     * article is kept by the reader */
    const char l8[] = "{\"text\":\"still here\",\"article\":{\"id\":\"a2\",\"title\":\"T2\"}}";
    assert_int_equal(ms_jsonl_reader_line(r, l8, sizeof l8 - 1, 8, &c, &err), MS_OK);
    assert_string_equal(c->id, "8");
    assert_string_equal(c->article->title, "T2");
    ms_comment *c2;
    const char l9[] = "{\"text\":\"later\",\"article_id\":\"a2\"}";
    assert_int_equal(ms_jsonl_reader_line(r, l9, sizeof l9 - 1, 9, &c2, &err), MS_OK);
    assert_ptr_equal(c2->article, c->article);
    ms_comment_free(c);
    ms_comment_free(c2);

    /* a comment line without text */
    assert_int_equal(ms_jsonl_reader_line(r, "{\"id\":1}", 8, 10, &c, &err), MS_ERR_PARSE);
    assert_int_equal(err.line, 10);
    ms_jsonl_reader_free(r);
    ms_jsonl_reader_free(NULL);
    ms_comment_free(NULL);
}

static void test_jsonl_discussion(void **state)
{
    (void)state;
    size_t len;
    char *data = load(DATA "stream.jsonl", &len);
    assert_int_equal(ms_format_detect(data, len), MS_FORMAT_JSONL);
    ms_discussion *d;
    ms_error err;
    assert_int_equal(ms_discussion_parse(data, len, MS_FORMAT_AUTO, "s", &d, &err), MS_OK);
    assert_int_equal(d->n_comments, 3);
    assert_int_equal(d->n_articles, 2);
    assert_string_equal(d->comments[0].text, "Good news for savers.");
    assert_string_equal(d->comments[0].article->id, "a1");
    assert_string_equal(d->comments[1].id, "3"); /* its line */
    assert_int_equal(d->comments[1].line, 3);
    assert_null(d->comments[1].article);
    assert_string_equal(d->comments[2].article->id, "a2");
    assert_ptr_equal(ms_discussion_parent(d, 1), &d->comments[0]);
    ms_discussion_free(d);
    free(data);

    /* stops at the first bad line, with its number */
    const char bad[] = "{\"text\":\"a\"}\n{\"text\":\"b\"}\n\n{\"text\":\"c\"}\n";
    d = (ms_discussion *)1;
    assert_int_equal(ms_discussion_parse(bad, sizeof bad - 1, MS_FORMAT_JSONL, "b", &d, &err),
                     MS_ERR_PARSE);
    assert_null(d);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.message, "empty line");
    const char bad2[] = "{\"text\":\"a\"}\n{\"text\":\"b\",}\n";
    assert_int_equal(ms_discussion_parse(bad2, sizeof bad2 - 1, MS_FORMAT_JSONL, "b", &d, &err),
                     MS_ERR_PARSE);
    assert_int_equal(err.line, 2);
    /* no final newline */
    const char last[] = "{\"text\":\"a\"}\n{\"text\":\"b\"}";
    assert_int_equal(ms_discussion_parse(last, sizeof last - 1, MS_FORMAT_JSONL, "b", &d, &err),
                     MS_OK);
    assert_int_equal(d->n_comments, 2);
    assert_string_equal(d->comments[1].id, "2");
    ms_discussion_free(d);
}

static void test_format_detect(void **state)
{
    (void)state;
#define DETECT(s) ms_format_detect(s, sizeof(s) - 1)
    assert_int_equal(DETECT("{\"text\":\"a\"}\n{\"text\":\"b\"}\n"), MS_FORMAT_JSONL);
    assert_int_equal(DETECT("\xEF\xBB\xBF  \n{\"text\":\"a\"}\r\n{\"text\":\"b\"}"), MS_FORMAT_JSONL);
    assert_int_equal(DETECT("{\n\"comments\":[]}"), MS_FORMAT_JSON);
    assert_int_equal(DETECT("{\"comments\":[{\"text\":\"a\"}]}\n"), MS_FORMAT_JSON);
    assert_int_equal(DETECT("{\"text\":\"a\"}\n"), MS_FORMAT_JSONL);
    assert_int_equal(DETECT("{\"article\":{\"id\":1},\n \"comments\":[]}"), MS_FORMAT_JSON);
    assert_int_equal(DETECT("{\"text\":\"}\\\" {\"}\n{\"text\":\"b\"}"), MS_FORMAT_JSONL);
    assert_int_equal(DETECT("07:30 GMT\n  A title\n"), MS_FORMAT_PAGE);
    assert_int_equal(DETECT(""), MS_FORMAT_PAGE);
    /* a reader's look-ahead that ends inside a long first line: a comment
     * ("text") is JSON Lines, a document ("comments") JSON */
    assert_int_equal(DETECT("{\"id\":\"1\",\"text\":\"aaaaaaaa"), MS_FORMAT_JSONL);
    assert_int_equal(DETECT("{\"comments\":[{\"text\":\"aaaaaaaa"), MS_FORMAT_JSON);
    assert_int_equal(DETECT("{\"article\":{\"body\":\"aaaaaaaa"), MS_FORMAT_JSON);
    assert_int_equal(DETECT("{\"text\":\"a\",\n\"comments\":[]"), MS_FORMAT_JSON);
#undef DETECT
}

/* ------------------------------------------------------------ datasets */

static void test_dataset_jsonl_labels_and_context(void **state)
{
    (void)state;
    const char data[] =
        "{\"text\":\"a\",\"label\":1}\n"
        "{\"text\":\"b\",\"label\":0}\r\n"
        "{\"text\":\"c\",\"label\":true}\n"
        "\n"
        "{\"text\":\"d\",\"label\":\"no\"}\n"
        "{\"text\":\"e\",\"label\":\"1\"}\n"
        "{\"text\":\"f\",\"decision\":\"rejected\"}\n"
        "{\"text\":\"g\",\"decision\":\"published\",\"parent_text\":\"pt\"}\n"
        "{\"text\":\"h\",\"label\":\"toxic\",\"article\":{\"title\":\"T\",\"body\":\"B\","
        "\"tags\":[\"x\",\"y\"]},\"context\":\"more\"}\n";
    ms_dataset set = {0};
    ms_error err;
    ms_csv_options opt = {.positive = NULL};
    assert_int_equal(ms_dataset_read(data, sizeof data - 1, MS_FORMAT_AUTO, &opt, "t", &set, &err),
                     MS_ERR_PARSE); /* "toxic" is not a label without a positive value */
    assert_int_equal(err.line, 9);
    assert_int_equal(set.n, 0);
    opt.positive = "toxic";
    assert_int_equal(ms_dataset_read(data, sizeof data - 1, MS_FORMAT_AUTO, &opt, "t", &set, &err),
                     MS_OK);
    assert_int_equal(set.n, 8);
    static const int labels[] = {1, 0, 1, 0, 1, 1, 0, 1};
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(set.items[i].label, labels[i]);
        assert_int_equal(set.items[i].text_len, 1);
        assert_int_equal(set.items[i].text[0], 'a' + (int)i);
    }
    assert_null(set.items[0].context);
    assert_string_equal(set.items[6].parent_text, "pt");
    assert_string_equal(set.items[7].context, "T\nB\nx y\nmore");
    ms_dataset_clear(&set);
    assert_int_equal(set.n, 0);
    assert_null(set.items);
    ms_dataset_clear(NULL);
}

static void test_dataset_rolls_back_on_error(void **state)
{
    (void)state;
    ms_dataset set = {0};
    ms_error err;
    const char good[] = "{\"text\":\"keep\",\"label\":0}\n";
    assert_int_equal(ms_dataset_read(good, sizeof good - 1, MS_FORMAT_JSONL, NULL, "g", &set, &err),
                     MS_OK);
    const char bad[] = "{\"text\":\"x\",\"label\":1}\n"
                       "{\"text\":\"y\",\"label\":0}\n"
                       "{\"text\": nope}\n";
    assert_int_equal(ms_dataset_read(bad, sizeof bad - 1, MS_FORMAT_JSONL, NULL, "b", &set, &err),
                     MS_ERR_PARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 13); /* jansson's: the end of the bad token */
    assert_string_equal(err.source, "b");
    assert_int_equal(set.n, 1);
    assert_string_equal(set.items[0].text, "keep");
    const char nolabel[] = "{\"text\":\"x\"}\n";
    assert_int_equal(ms_dataset_read(nolabel, sizeof nolabel - 1, MS_FORMAT_JSONL, NULL, "b",
                                     &set, &err),
                     MS_ERR_PARSE);
    assert_int_equal(set.n, 1);
    const char baddec[] = "{\"text\":\"x\",\"decision\":\"review\"}\n";
    assert_int_equal(ms_dataset_read(baddec, sizeof baddec - 1, MS_FORMAT_JSONL, NULL, "b", &set,
                                     &err),
                     MS_ERR_PARSE);
    /* a CSV failure after good records rolls back too */
    const char csv[] = "text,label\nfine,0\nalso fine,1\nhmm,maybe\n";
    assert_int_equal(ms_dataset_read(csv, sizeof csv - 1, MS_FORMAT_CSV, NULL, "c.csv", &set,
                                     &err),
                     MS_ERR_PARSE);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 5);
    assert_string_equal(err.message,
                        "column 'label': label 'maybe' is not 0/1, true/false or yes/no");
    assert_int_equal(set.n, 1);
    ms_dataset_clear(&set);
}

static void test_dataset_csv(void **state)
{
    (void)state;
    size_t len;
    char *data = load(DATA "train.csv", &len);
    ms_dataset set = {0};
    ms_error err;
    assert_int_equal(ms_dataset_read(data, len, MS_FORMAT_AUTO, NULL, "train.csv", &set, &err),
                     MS_OK);
    assert_int_equal(set.n, 3);
    assert_string_equal(set.items[0].text, "Plain, with comma");
    assert_int_equal(set.items[0].label, 0);
    assert_string_equal(set.items[0].context, "ctx one");
    /* "" is a quote; the quoted line break is kept as written */
    assert_string_equal(set.items[1].text, "She said \"hi\"\r\nand left");
    assert_int_equal(set.items[1].label, 1);
    assert_null(set.items[1].context);
    assert_string_equal(set.items[2].text, "You are an idiot");
    assert_string_equal(set.items[2].context, "ctx three"); /* no CR left over */
    ms_dataset_clear(&set);
    free(data);

    /* named columns and a positive value; an error line counts the
     * embedded newline */
    const char csv[] = "comment,verdict\n\"two\nlines\",hostile\nok,fine\n\"x\",\n";
    ms_csv_options opt = {.text_column = "comment", .label_column = "verdict",
                          .positive = "hostile"};
    assert_int_equal(ms_dataset_read(csv, sizeof csv - 1, MS_FORMAT_CSV, &opt, "c", &set, &err),
                     MS_ERR_PARSE);
    assert_int_equal(err.line, 5); /* the empty label */
    assert_int_equal(set.n, 0);
    /* without the last record (5 bytes) it reads */
    assert_int_equal(ms_dataset_read(csv, sizeof csv - 1 - 5, MS_FORMAT_CSV, &opt, "c", &set,
                                     &err),
                     MS_OK);
    assert_int_equal(set.n, 2);
    assert_string_equal(set.items[0].text, "two\nlines");
    assert_int_equal(set.items[0].label, 1);
    assert_int_equal(set.items[1].label, 0);
    ms_dataset_clear(&set);

    /* a header without the column, an unterminated quote, a short record */
    const char nocol[] = "body,label\nx,1\n";
    assert_int_equal(ms_dataset_read(nocol, sizeof nocol - 1, MS_FORMAT_CSV, NULL, "c", &set,
                                     &err),
                     MS_ERR_PARSE);
    assert_string_equal(err.message, "the CSV header has no 'text' column");
    const char unterminated[] = "text,label\n\"open,1\n";
    assert_int_equal(ms_dataset_read(unterminated, sizeof unterminated - 1, MS_FORMAT_CSV, NULL,
                                     "c", &set, &err),
                     MS_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);
    const char short_rec[] = "text,label\nonly\n";
    assert_int_equal(ms_dataset_read(short_rec, sizeof short_rec - 1, MS_FORMAT_CSV, NULL, "c",
                                     &set, &err),
                     MS_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(set.n, 0);
}

/* The parent index gives what a scan of the thread gives (the rule in
 * modscore.h), on threads with repeated ids, forward references, a comment
 * naming itself, missing parents and reply_to names. */
static const ms_comment *parent_by_scan(const ms_discussion *d, size_t index)
{
    const ms_comment *c = &d->comments[index];
    if (c->parent) {
        for (size_t i = index; i-- > 0;)
            if (d->comments[i].id && strcmp(d->comments[i].id, c->parent) == 0)
                return &d->comments[i];
        for (size_t i = index + 1; i < d->n_comments; i++)
            if (d->comments[i].id && strcmp(d->comments[i].id, c->parent) == 0)
                return &d->comments[i];
    }
    if (c->reply_to)
        for (size_t i = index; i-- > 0;)
            if (d->comments[i].author && strcmp(d->comments[i].author, c->reply_to) == 0)
                return &d->comments[i];
    return NULL;
}

static void test_parent_index_matches_scan(void **state)
{
    (void)state;
    uint64_t seed = 17;
    for (int round = 0; round < 40; round++) {
        char doc[16384];
        size_t n = 0, k = 5 + ms_random_next(&seed) % 40;
        n += (size_t)snprintf(doc + n, sizeof doc - n, "{\"comments\":[");
        for (size_t i = 0; i < k; i++) {
            uint64_t r = ms_random_next(&seed);
            n += (size_t)snprintf(doc + n, sizeof doc - n, "%s{\"text\":\"t\"", i ? "," : "");
            if (r % 5)
                n += (size_t)snprintf(doc + n, sizeof doc - n, ",\"id\":\"i%u\"",
                                      (unsigned)(r >> 8) % 8);
            if ((r >> 16) % 3 == 0)
                n += (size_t)snprintf(doc + n, sizeof doc - n, ",\"parent\":\"i%u\"",
                                      (unsigned)(r >> 20) % 10);
            if ((r >> 24) % 2)
                n += (size_t)snprintf(doc + n, sizeof doc - n, ",\"author\":\"a%u\"",
                                      (unsigned)(r >> 28) % 4);
            if ((r >> 32) % 3 == 0)
                n += (size_t)snprintf(doc + n, sizeof doc - n, ",\"reply_to\":\"a%u\"",
                                      (unsigned)(r >> 36) % 5);
            n += (size_t)snprintf(doc + n, sizeof doc - n, "}");
        }
        n += (size_t)snprintf(doc + n, sizeof doc - n, "]}");
        ms_discussion *d;
        ms_error err;
        assert_int_equal(ms_discussion_parse(doc, n, MS_FORMAT_JSON, "r", &d, &err), MS_OK);
        for (size_t i = 0; i < d->n_comments; i++)
            assert_ptr_equal(ms_discussion_parent(d, i), parent_by_scan(d, i));
        ms_discussion_free(d);
    }
}

/* The stream's article table is bounded: past MS_MAX_STREAM_ARTICLES the
 * least recently used article is forgotten (article_id naming it is an
 * error naming the cap), a comment keeps its article alive however many
 * come after it and after the reader is freed, and identical inline
 * articles are held once. */
static void test_jsonl_articles_bounded(void **state)
{
    (void)state;
    ms_jsonl_reader *r;
    ms_error err;
    ms_comment *held = NULL, *c = NULL;
    char line[256];
    assert_int_equal(ms_jsonl_reader_new("s", &r), MS_OK);
    for (unsigned i = 0; i < MS_MAX_STREAM_ARTICLES + 50; i++) {
        int n = snprintf(line, sizeof line, "{\"article\":{\"id\":\"a%u\",\"title\":\"T%u\"}}", i, i);
        assert_int_equal(ms_jsonl_reader_line(r, line, (size_t)n, i + 1, &c, &err), MS_OK);
        assert_null(c);
        if (i == 0) {
            n = snprintf(line, sizeof line, "{\"text\":\"x\",\"article_id\":\"a0\"}");
            assert_int_equal(ms_jsonl_reader_line(r, line, (size_t)n, 1, &held, &err), MS_OK);
        }
    }
    int n = snprintf(line, sizeof line, "{\"text\":\"x\",\"article_id\":\"a%u\"}",
                     MS_MAX_STREAM_ARTICLES + 49);
    assert_int_equal(ms_jsonl_reader_line(r, line, (size_t)n, 9, &c, &err), MS_OK);
    char want[32];
    snprintf(want, sizeof want, "T%u", MS_MAX_STREAM_ARTICLES + 49);
    assert_string_equal(c->article->title, want);
    ms_comment_free(c);
    n = snprintf(line, sizeof line, "{\"text\":\"x\",\"article_id\":\"a1\"}");
    assert_int_equal(ms_jsonl_reader_line(r, line, (size_t)n, 10, &c, &err), MS_ERR_PARSE);
    assert_non_null(strstr(err.message, "MS_MAX_STREAM_ARTICLES"));
    /* identical inline articles: one copy */
    ms_comment *c1, *c2;
    static const char inl[] = "{\"text\":\"x\",\"article\":{\"id\":\"z\",\"title\":\"Same\",\"tags\":[\"t\"]}}";
    assert_int_equal(ms_jsonl_reader_line(r, inl, sizeof inl - 1, 11, &c1, &err), MS_OK);
    assert_int_equal(ms_jsonl_reader_line(r, inl, sizeof inl - 1, 12, &c2, &err), MS_OK);
    assert_ptr_equal(c1->article, c2->article);
    ms_jsonl_reader_free(r);
    /* the forgotten article and the shared one outlive the reader */
    assert_string_equal(held->article->title, "T0");
    assert_string_equal(c2->article->title, "Same");
    ms_comment_free(held);
    ms_comment_free(c1);
    ms_comment_free(c2);
}

static void same_field(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* reader_fast.c's comments are jansson's, field for field; lines it does not
 * take are left to jansson whole. */
static void test_jsonl_fast_is_jansson(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        int fast;
    } lines[] = {
        {"{\"id\":\"1\",\"text\":\"a\\\"b\\\\c\\/d\\n\\te\\b\\f\\r\"}", 1},
        {"  { \"text\" : \"spaces\" , \"author\":\"bo\" }\t ", 1},
        {"{\"text\":\"x\",\"parent\":\"p\",\"reply_to\":\"r\",\"created\":\"c\","
         "\"parent_text\":\"pt\",\"language\":\"fr\"}", 1},
        {"{\"id\":\"\",\"text\":\"\"}", 1},
        {"{\"text\":\"caf\xC3\xA9 \x7F\"}", 1},
        {"{\"id\":5,\"text\":\"x\"}", 0},
        {"{\"id\":\"\\u0031\",\"text\":\"x\"}", 0},
        {"{\"text\":\"x\",\"text\":\"y\"}", 0},
        {"{\"text\":null}", 0},
        {"{\"text\":\"x\",\"extra\":\"y\"}", 0},
        {"{\"text\":\"x\",\"article_id\":\"a\"}", 0},
        {"{\"text\":\"tab\there\"}", 0},
        {"{\"text\":\"bad \xFF byte\"}", 0},
        {"{\"text\":\"x\"} x", 0},
        {"{\"text\":\"x\",}", 0},
        {"{\"text\":\"\\q\"}", 0},
        {"{\"id\":\"only\"}", 0},
        {"{}", 0},
        {"[\"text\"]", 0},
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        const char *l = lines[i].line;
        size_t n = strlen(l);
        ms_comment f, j;
        assert_int_equal(rd_comment_fast(l, n, 7, &f), lines[i].fast);
        if (!lines[i].fast) {
            assert_null(f.text);
            continue;
        }
        json_t *o;
        int repaired;
        ms_error err;
        assert_int_equal(rd_json_load(l, n, 7, "t", &o, &repaired, &err), MS_OK);
        assert_int_equal(rd_comment_from_json(o, &j, "t", 7, 0, repaired, &err), MS_OK);
        json_decref(o);
        same_field(f.id, j.id);
        same_field(f.author, j.author);
        same_field(f.parent, j.parent);
        same_field(f.reply_to, j.reply_to);
        same_field(f.created, j.created);
        same_field(f.parent_text, j.parent_text);
        same_field(f.language, j.language);
        assert_int_equal(f.text_len, j.text_len);
        assert_memory_equal(f.text, j.text, j.text_len + 1);
        assert_int_equal(f.line, j.line);
        assert_int_equal(f.notes, j.notes);
        rd_comment_clear(&f);
        rd_comment_clear(&j);
    }
}

/* A text past MS_MAX_COMMENT_BYTES is cut and noted on the fast path too. */
static void test_jsonl_fast_cuts_long_text(void **state)
{
    (void)state;
    size_t n = MS_MAX_COMMENT_BYTES + 100;
    char *l = malloc(n + 32);
    assert_non_null(l);
    size_t k = (size_t)sprintf(l, "{\"text\":\"");
    for (size_t i = 0; i < MS_MAX_COMMENT_BYTES / 2 + 40; i++, k += 2)
        memcpy(l + k, "\xC3\xA9", 2);
    k += (size_t)sprintf(l + k, "\"}");
    ms_comment f;
    assert_int_equal(rd_comment_fast(l, k, 1, &f), 1);
    assert_int_equal(f.text_len, MS_MAX_COMMENT_BYTES);
    assert_int_equal(strlen(f.text), MS_MAX_COMMENT_BYTES);
    assert_true(f.notes & MS_NOTE_TRUNCATED);
    rd_comment_clear(&f);
    free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_golden),
        cmocka_unit_test(test_page_reply_to_finds_parent),
        cmocka_unit_test(test_json_golden),
        cmocka_unit_test(test_json_from_parsed),
        cmocka_unit_test(test_json_syntax_error_has_position),
        cmocka_unit_test(test_json_duplicate_keys_refused),
        cmocka_unit_test(test_json_comment_errors_name_the_comment),
        cmocka_unit_test(test_json_nul_escape_kept),
        cmocka_unit_test(test_json_input_need_not_be_terminated),
        cmocka_unit_test(test_json_limits),
        cmocka_unit_test(test_long_comment_cut),
        cmocka_unit_test(test_jsonl_reader_lines),
        cmocka_unit_test(test_jsonl_discussion),
        cmocka_unit_test(test_format_detect),
        cmocka_unit_test(test_dataset_jsonl_labels_and_context),
        cmocka_unit_test(test_dataset_rolls_back_on_error),
        cmocka_unit_test(test_dataset_csv),
        cmocka_unit_test(test_parent_index_matches_scan),
        cmocka_unit_test(test_jsonl_articles_bounded),
        cmocka_unit_test(test_jsonl_fast_is_jansson),
        cmocka_unit_test(test_jsonl_fast_cuts_long_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

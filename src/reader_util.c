/* reader_util.c - what every reader of the library shares: byte helpers
 * over pointer+length text, freeing what a reader builds, and the JSON
 * pre-scan, loader and the article and comment objects read from JSON.
 * The format readers (reader_json.c, reader_jsonl.c, reader_page.c,
 * reader_dataset.c) use these; nothing here knows a format's layout.
 *
 * Every cap in modscore.h is checked before the bytes reach jansson where it
 * can be (document size, nesting depth, comment count), so a hostile input
 * costs one linear scan, not a deep recursion or a huge tree. */
#include "reader_util.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ helpers */

int rd_is_blank_char(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int rd_all_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!rd_is_blank_char(s[i]))
            return 0;
    return 1;
}

ms_status rd_too_large(const char *source, ms_error *err)
{
    return ms_fail(err, MS_ERR_LIMIT, source, 0, 0,
                   "input larger than %u bytes (MS_MAX_DOCUMENT_BYTES)", MS_MAX_DOCUMENT_BYTES);
}

size_t rd_bom_len(const char *d, size_t n)
{
    return (n >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
            (unsigned char)d[2] == 0xBF)
               ? 3
               : 0;
}

int rd_mem_eq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && memcmp(s, lit, m) == 0;
}

int rd_mem_starts(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && memcmp(s, lit, m) == 0;
}

int rd_mem_ieq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = lit[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* Finds lit in s[0..n); returns its offset or (size_t)-1. */
size_t rd_mem_find(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (m == 0 || n < m)
        return (size_t)-1;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, lit, m) == 0)
            return i;
    return (size_t)-1;
}

void rd_trim(const char **s, size_t *n)
{
    while (*n && rd_is_blank_char(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && rd_is_blank_char((*s)[*n - 1]))
        (*n)--;
}

/* A trimmed copy, or NULL (with *st untouched) when it is empty. */
char *rd_dup_trimmed(const char *s, size_t n, ms_status *st)
{
    rd_trim(&s, &n);
    if (!n)
        return NULL;
    char *r = ms_strndup(s, n);
    if (!r)
        *st = MS_ERR_NOMEM;
    return r;
}

void rd_article_free(ms_article *a)
{
    if (!a)
        return;
    free(a->id);
    free(a->author);
    free(a->title);
    free(a->body);
    for (size_t i = 0; i < a->n_tags; i++)
        free(a->tags[i]);
    free(a->tags);
    free(a);
}

void rd_comment_clear(ms_comment *c)
{
    free(c->id);
    free(c->author);
    free(c->parent);
    free(c->reply_to);
    free(c->language);
    free(c->created);
    free(c->text);
    free(c->parent_text);
    memset(c, 0, sizeof *c);
}

size_t rd_text_cut(const char *s, size_t n)
{
    if (n <= MS_MAX_COMMENT_BYTES)
        return n;
    n = MS_MAX_COMMENT_BYTES;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

char *rd_number_text(size_t n)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%zu", n);
    return ms_strdup0(tmp);
}

/* ------------------------------------------------------------ JSON scan */


/* One pass outside strings: enforces MS_MAX_JSON_DEPTH (and, when tracking,
 * MS_MAX_COMMENTS) before jansson builds anything, and notes the line where
 * each comment object starts, which jansson does not report. line0 is the
 * line number of the first byte. Columns count characters, as jansson's. */
ms_status rd_json_prescan(const char *d, size_t n, long line0, const char *source,
                              scan_info *si, ms_error *err)
{
    int depth = 0, in_str = 0, esc = 0;
    long line = line0, col = 0;
    size_t str_start = 0, key_s = 0, key_n = 0, last_s = 0, last_n = 0;
    int have_key = 0, in_comments = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c == '\n') {
            line++;
            col = 0;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"') {
                in_str = 0;
                if (depth == 1) {
                    last_s = str_start;
                    last_n = i - str_start;
                }
            }
            continue;
        }
        switch (c) {
        case '"':
            in_str = 1;
            str_start = i + 1;
            break;
        case ':':
            if (depth == 1) {
                key_s = last_s;
                key_n = last_n;
                have_key = 1;
                if (rd_mem_eq(d + key_s, key_n, "comments"))
                    si->has_comments_key = 1;
            }
            break;
        case ',':
            if (depth == 1)
                have_key = 0;
            break;
        case '{':
        case '[':
            if (depth >= MS_MAX_JSON_DEPTH)
                return ms_fail(err, MS_ERR_LIMIT, source, line, col,
                               "nesting deeper than %d levels (MS_MAX_JSON_DEPTH)",
                               MS_MAX_JSON_DEPTH);
            if (si->track && depth == 1 && c == '[' && have_key &&
                rd_mem_eq(d + key_s, key_n, "comments")) {
                in_comments = 1;
                si->n_lines = 0;
                si->n_elems = 0;
            } else if (si->track && in_comments && depth == 2) {
                if (++si->n_elems > MS_MAX_COMMENTS)
                    return ms_fail(err, MS_ERR_LIMIT, source, line, col,
                                   "more than %u comments (MS_MAX_COMMENTS)", MS_MAX_COMMENTS);
                if (c == '{') {
                    if (si->n_lines == si->cap_lines) {
                        size_t nc = si->cap_lines ? si->cap_lines * 2 : 64;
                        long *p = realloc(si->lines, nc * sizeof *p);
                        if (!p)
                            return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
                        si->lines = p;
                        si->cap_lines = nc;
                    }
                    si->lines[si->n_lines++] = line;
                }
            }
            depth++;
            break;
        case '}':
        case ']':
            if (depth > 0)
                depth--;
            if (depth <= 1)
                in_comments = 0;
            break;
        default:
            break;
        }
    }
    return MS_OK;
}

/* A copy of d with every invalid UTF-8 byte replaced by U+FFFD. */
char *rd_repair_utf8(const char *d, size_t n, size_t *out_len)
{
    ms_buf b = {0};
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = (unsigned char)d[i] < 0x80 ? 1
                             : utf8proc_iterate((const utf8proc_uint8_t *)d + i,
                                                (utf8proc_ssize_t)(n - i), &c);
        ms_status st = k < 1 ? ms_buf_add(&b, "\xEF\xBF\xBD", 3) : ms_buf_add(&b, d + i, (size_t)k);
        if (st != MS_OK) {
            ms_buf_free(&b);
            return NULL;
        }
        i += k < 1 ? 1 : (size_t)k;
    }
    if (ms_buf_add(&b, "", 0) != MS_OK) {
        ms_buf_free(&b);
        return NULL;
    }
    *out_len = b.len;
    return b.data;
}

/* Runs jansson on a buffer (after the pre-scan). line0 shifts jansson's line
 * numbers for a JSON Lines line. Invalid UTF-8 is not a reason to lose a
 * comment: the bytes are replaced by U+FFFD and *repaired is set, so the
 * comments can say so. A key twice in one object is an error, as in the
 * HTTP service: which of the two a reader keeps is not for JSON to say. */
ms_status rd_json_load(const char *d, size_t n, long line0, const char *source,
                           json_t **out, int *repaired, ms_error *err)
{
    json_error_t je;
    char *fixed = NULL;
    *repaired = 0;
    if (!ms_utf8_valid(d, n)) {
        fixed = rd_repair_utf8(d, n, &n);
        if (!fixed)
            return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
        d = fixed;
        *repaired = 1;
    }
    *out = json_loadb(d, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);
    free(fixed);
    if (*out)
        return MS_OK;
    if (json_error_code(&je) == json_error_out_of_memory)
        return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    long line = je.line > 0 ? je.line + line0 - 1 : line0;
    long col = je.column > 0 ? je.column : 0;
    return ms_fail(err, MS_ERR_PARSE, source, line, col, "%s", je.text);
}

/* Text of a string or number value. *out is NULL for a missing or null
 * value. Returns MS_ERR_PARSE for any other type. */
ms_status rd_json_scalar_text(json_t *v, char **out)
{
    *out = NULL;
    if (!v || json_is_null(v))
        return MS_OK;
    if (json_is_string(v)) {
        *out = ms_strndup(json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *out = ms_strdup0(tmp);
    } else if (json_is_real(v)) {
        /* jansson writes reals locale-independently */
        char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
        if (!s)
            return MS_ERR_NOMEM;
        *out = ms_strdup0(s);
        free(s);
    } else {
        return MS_ERR_PARSE;
    }
    return *out ? MS_OK : MS_ERR_NOMEM;
}

/* Fills a field from obj[key]; on a type error, says so in err. */
ms_status rd_field_text(json_t *obj, const char *key, char **out, const char *source,
                            long line, const char *prefix, ms_error *err)
{
    ms_status st = rd_json_scalar_text(json_object_get(obj, key), out);
    if (st == MS_ERR_PARSE)
        return ms_fail(err, st, source, line, 0, "%s\"%s\" is not a string or number", prefix,
                       key);
    if (st == MS_ERR_NOMEM)
        return ms_fail(err, st, source, line, 0, "out of memory");
    return MS_OK;
}

ms_status rd_field_string(json_t *obj, const char *key, char **out, const char *source,
                              long line, const char *prefix, ms_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return MS_OK;
    if (!json_is_string(v))
        return ms_fail(err, MS_ERR_PARSE, source, line, 0, "%s\"%s\" is not a string", prefix,
                       key);
    *out = ms_strndup(json_string_value(v), json_string_length(v));
    if (!*out)
        return ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
    return MS_OK;
}

ms_status rd_article_from_json(json_t *o, ms_article **out, const char *source, long line,
                                   ms_error *err)
{
    *out = NULL;
    if (!json_is_object(o))
        return ms_fail(err, MS_ERR_PARSE, source, line, 0, "\"article\" is not an object");
    ms_article *a = calloc(1, sizeof *a);
    if (!a)
        return ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
    ms_status st;
    if ((st = rd_field_text(o, "id", &a->id, source, line, "article: ", err)) ||
        (st = rd_field_text(o, "author", &a->author, source, line, "article: ", err)) ||
        (st = rd_field_string(o, "title", &a->title, source, line, "article: ", err)) ||
        (st = rd_field_string(o, "body", &a->body, source, line, "article: ", err))) {
        rd_article_free(a);
        return st;
    }
    json_t *tags = json_object_get(o, "tags");
    if (tags && !json_is_null(tags)) {
        if (!json_is_array(tags)) {
            rd_article_free(a);
            return ms_fail(err, MS_ERR_PARSE, source, line, 0,
                           "article: \"tags\" is not an array");
        }
        size_t nt = json_array_size(tags);
        if (nt) {
            a->tags = calloc(nt, sizeof *a->tags);
            if (!a->tags) {
                rd_article_free(a);
                return ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
            }
        }
        for (size_t i = 0; i < nt; i++) {
            json_t *t = json_array_get(tags, i);
            if (!json_is_string(t)) {
                rd_article_free(a);
                return ms_fail(err, MS_ERR_PARSE, source, line, 0,
                               "article: tag %zu is not a string", i + 1);
            }
            a->tags[i] = ms_strndup(json_string_value(t), json_string_length(t));
            if (!a->tags[i]) {
                rd_article_free(a);
                return ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
            }
            a->n_tags++;
        }
    }
    *out = a;
    return MS_OK;
}

/* Fills c from a comment object. position > 0 names the comment in messages
 * (JSON documents); JSON Lines messages carry the line instead. */
ms_status rd_comment_from_json(json_t *o, ms_comment *c, const char *source, long line,
                                   size_t position, int repaired, ms_error *err)
{
    char prefix[48] = "";
    if (position)
        snprintf(prefix, sizeof prefix, "comment %zu: ", position);
    memset(c, 0, sizeof *c);
    c->line = line;
    if (!json_is_object(o))
        return ms_fail(err, MS_ERR_PARSE, source, line, 0, "%snot an object", prefix);
    json_t *text = json_object_get(o, "text");
    if (!json_is_string(text))
        return ms_fail(err, MS_ERR_PARSE, source, line, 0, "%smissing or non-string \"text\"",
                       prefix);
    ms_status st;
    if ((st = rd_field_text(o, "id", &c->id, source, line, prefix, err)) ||
        (st = rd_field_text(o, "author", &c->author, source, line, prefix, err)) ||
        (st = rd_field_text(o, "parent", &c->parent, source, line, prefix, err)) ||
        (st = rd_field_text(o, "reply_to", &c->reply_to, source, line, prefix, err)) ||
        (st = rd_field_text(o, "created", &c->created, source, line, prefix, err)) ||
        (st = rd_field_string(o, "parent_text", &c->parent_text, source, line, prefix, err)) ||
        (st = rd_field_text(o, "language", &c->language, source, line, prefix, err))) {
        rd_comment_clear(c);
        c->line = line;
        return st;
    }
    c->text_len = rd_text_cut(json_string_value(text), json_string_length(text));
    if (c->text_len < json_string_length(text))
        c->notes |= MS_NOTE_TRUNCATED;
    c->text = ms_strndup(json_string_value(text), c->text_len);
    if (!c->text) {
        rd_comment_clear(c);
        return ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
    }
    if (repaired && rd_mem_find(c->text, c->text_len, "\xEF\xBF\xBD") < c->text_len)
        c->notes |= MS_NOTE_INVALID_UTF8;
    return MS_OK;
}

/* reader.c - discussions in, comments out: JSON documents, JSON Lines
 * streams, captured page text, and labelled training data (JSON Lines or
 * CSV). Nothing here scores anything.
 *
 * Every cap in modscore.h is checked before the bytes reach jansson where it
 * can be (document size, nesting depth, comment count), so a hostile input
 * costs one linear scan, not a deep recursion or a huge tree. */
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ helpers */

static int is_blank_char(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int all_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_blank_char(s[i]))
            return 0;
    return 1;
}

static size_t bom_len(const char *d, size_t n)
{
    return (n >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
            (unsigned char)d[2] == 0xBF)
               ? 3
               : 0;
}

static int mem_eq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && memcmp(s, lit, m) == 0;
}

static int mem_starts(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && memcmp(s, lit, m) == 0;
}

static int mem_ieq(const char *s, size_t n, const char *lit)
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
static size_t mem_find(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (m == 0 || n < m)
        return (size_t)-1;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, lit, m) == 0)
            return i;
    return (size_t)-1;
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_blank_char(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_blank_char((*s)[*n - 1]))
        (*n)--;
}

/* A trimmed copy, or NULL (with *st untouched) when it is empty. */
static char *dup_trimmed(const char *s, size_t n, ms_status *st)
{
    trim(&s, &n);
    if (!n)
        return NULL;
    char *r = ms_strndup(s, n);
    if (!r)
        *st = MS_ERR_NOMEM;
    return r;
}

static void article_free(ms_article *a)
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

static void comment_clear(ms_comment *c)
{
    free(c->id);
    free(c->author);
    free(c->parent);
    free(c->reply_to);
    free(c->created);
    free(c->text);
    free(c->parent_text);
    memset(c, 0, sizeof *c);
}

static char *number_text(size_t n)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%zu", n);
    return ms_strdup0(tmp);
}

/* ------------------------------------------------------------ JSON scan */

/* What the pre-scan learns about a JSON text besides its depth. */
typedef struct scan_info {
    int track;            /* record the comments array (whole documents) */
    long *lines;          /* line of each object in the top-level "comments" */
    size_t n_lines, cap_lines;
    size_t n_elems;       /* objects and arrays directly in that array */
    int has_comments_key; /* the top-level object has a "comments" key */
} scan_info;

/* One pass outside strings: enforces MS_MAX_JSON_DEPTH (and, when tracking,
 * MS_MAX_COMMENTS) before jansson builds anything, and notes the line where
 * each comment object starts, which jansson does not report. line0 is the
 * line number of the first byte. Columns count characters, as jansson's. */
static ms_status json_prescan(const char *d, size_t n, long line0, const char *source,
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
                if (mem_eq(d + key_s, key_n, "comments"))
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
                mem_eq(d + key_s, key_n, "comments")) {
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
static char *repair_utf8(const char *d, size_t n, size_t *out_len)
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
static ms_status json_load(const char *d, size_t n, long line0, const char *source,
                           json_t **out, int *repaired, ms_error *err)
{
    json_error_t je;
    char *fixed = NULL;
    *repaired = 0;
    if (!ms_utf8_valid(d, n)) {
        fixed = repair_utf8(d, n, &n);
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
static ms_status json_scalar_text(json_t *v, char **out)
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
static ms_status field_text(json_t *obj, const char *key, char **out, const char *source,
                            long line, const char *prefix, ms_error *err)
{
    ms_status st = json_scalar_text(json_object_get(obj, key), out);
    if (st == MS_ERR_PARSE)
        return ms_fail(err, st, source, line, 0, "%s\"%s\" is not a string or number", prefix,
                       key);
    if (st == MS_ERR_NOMEM)
        return ms_fail(err, st, source, line, 0, "out of memory");
    return MS_OK;
}

static ms_status field_string(json_t *obj, const char *key, char **out, const char *source,
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

static ms_status article_from_json(json_t *o, ms_article **out, const char *source, long line,
                                   ms_error *err)
{
    *out = NULL;
    if (!json_is_object(o))
        return ms_fail(err, MS_ERR_PARSE, source, line, 0, "\"article\" is not an object");
    ms_article *a = calloc(1, sizeof *a);
    if (!a)
        return ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
    ms_status st;
    if ((st = field_text(o, "id", &a->id, source, line, "article: ", err)) ||
        (st = field_text(o, "author", &a->author, source, line, "article: ", err)) ||
        (st = field_string(o, "title", &a->title, source, line, "article: ", err)) ||
        (st = field_string(o, "body", &a->body, source, line, "article: ", err))) {
        article_free(a);
        return st;
    }
    json_t *tags = json_object_get(o, "tags");
    if (tags && !json_is_null(tags)) {
        if (!json_is_array(tags)) {
            article_free(a);
            return ms_fail(err, MS_ERR_PARSE, source, line, 0,
                           "article: \"tags\" is not an array");
        }
        size_t nt = json_array_size(tags);
        if (nt) {
            a->tags = calloc(nt, sizeof *a->tags);
            if (!a->tags) {
                article_free(a);
                return ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
            }
        }
        for (size_t i = 0; i < nt; i++) {
            json_t *t = json_array_get(tags, i);
            if (!json_is_string(t)) {
                article_free(a);
                return ms_fail(err, MS_ERR_PARSE, source, line, 0,
                               "article: tag %zu is not a string", i + 1);
            }
            a->tags[i] = ms_strndup(json_string_value(t), json_string_length(t));
            if (!a->tags[i]) {
                article_free(a);
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
static ms_status comment_from_json(json_t *o, ms_comment *c, const char *source, long line,
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
    if (json_string_length(text) > MS_MAX_COMMENT_BYTES)
        return ms_fail(err, MS_ERR_LIMIT, source, line, 0,
                       "%stext longer than %u bytes (MS_MAX_COMMENT_BYTES)", prefix,
                       MS_MAX_COMMENT_BYTES);
    ms_status st;
    if ((st = field_text(o, "id", &c->id, source, line, prefix, err)) ||
        (st = field_text(o, "author", &c->author, source, line, prefix, err)) ||
        (st = field_text(o, "parent", &c->parent, source, line, prefix, err)) ||
        (st = field_text(o, "reply_to", &c->reply_to, source, line, prefix, err)) ||
        (st = field_text(o, "created", &c->created, source, line, prefix, err)) ||
        (st = field_string(o, "parent_text", &c->parent_text, source, line, prefix, err))) {
        comment_clear(c);
        c->line = line;
        return st;
    }
    c->text_len = json_string_length(text);
    c->text = ms_strndup(json_string_value(text), c->text_len);
    if (!c->text) {
        comment_clear(c);
        return ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
    }
    if (repaired && mem_find(c->text, c->text_len, "\xEF\xBF\xBD") < c->text_len)
        c->notes |= MS_NOTE_INVALID_UTF8;
    return MS_OK;
}

/* ------------------------------------------------------------ discussions */

/* A discussion as the reader makes it: the public part, then each comment's
 * parent, found once for all (so ms_discussion_parent costs O(1), not a
 * scan of the thread per comment). */
typedef struct discussion_full {
    ms_discussion d;   /* first: a discussion_full is an ms_discussion */
    size_t *parent;    /* per comment: its parent's index, SIZE_MAX for none */
} discussion_full;

#define NO_PARENT SIZE_MAX

void ms_discussion_free(ms_discussion *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_articles; i++)
        article_free(d->articles[i]);
    free(d->articles);
    for (size_t i = 0; i < d->n_comments; i++)
        comment_clear(&d->comments[i]);
    free(d->comments);
    free(((discussion_full *)d)->parent);
    free(d);
}

/* Each comment's parent as ms_discussion_parent documents it: by parent id
 * the latest earlier comment with that id, else the first later one; else
 * by reply_to the latest earlier comment by that author. One pass with
 * maps of ids and authors, then one to resolve forward references. */
static ms_status index_parents(discussion_full *f)
{
    const ms_discussion *d = &f->d;
    size_t n = d->n_comments;
    ms_strmap seen = {0}, first = {0}, authors = {0};
    size_t *next_same = malloc((n + 1) * sizeof *next_same); /* next comment with my id */
    size_t *by_name = malloc((n + 1) * sizeof *by_name);
    f->parent = malloc((n + 1) * sizeof *f->parent);
    int ok = next_same && by_name && f->parent && ms_strmap_init(&seen, n) == MS_OK &&
             ms_strmap_init(&first, n) == MS_OK && ms_strmap_init(&authors, n) == MS_OK;
    for (size_t i = 0; ok && i < n; i++) {
        const ms_comment *c = &d->comments[i];
        f->parent[i] = c->parent ? ms_strmap_get(&seen, c->parent) : NO_PARENT;
        by_name[i] = c->reply_to ? ms_strmap_get(&authors, c->reply_to) : NO_PARENT;
        next_same[i] = NO_PARENT;
        if (c->id) {
            size_t prev = ms_strmap_get(&seen, c->id);
            if (prev != NO_PARENT)
                next_same[prev] = i;
            ok = ms_strmap_put(&seen, c->id, i) == MS_OK &&
                 (prev != NO_PARENT || ms_strmap_put(&first, c->id, i) == MS_OK);
        }
        if (ok && c->author)
            ok = ms_strmap_put(&authors, c->author, i) == MS_OK;
    }
    for (size_t i = 0; ok && i < n; i++) {
        const ms_comment *c = &d->comments[i];
        if (f->parent[i] == NO_PARENT && c->parent) {
            size_t later = ms_strmap_get(&first, c->parent); /* none earlier: later or me */
            f->parent[i] = later == i ? next_same[i] : later;
        }
        if (f->parent[i] == NO_PARENT)
            f->parent[i] = by_name[i];
    }
    ms_strmap_free(&seen);
    ms_strmap_free(&first);
    ms_strmap_free(&authors);
    free(next_same);
    free(by_name);
    return ok ? MS_OK : MS_ERR_NOMEM;
}

static ms_status parse_json_document(const char *data, size_t len, const char *source,
                                     ms_discussion *d, ms_error *err)
{
    scan_info si = {.track = 1};
    ms_status st = json_prescan(data, len, 1, source, &si, err);
    json_t *root = NULL;
    int repaired = 0;
    if (st == MS_OK)
        st = json_load(data, len, 1, source, &root, &repaired, err);
    if (st != MS_OK)
        goto done;
    if (!json_is_object(root)) {
        st = ms_fail(err, MS_ERR_PARSE, source, 1, 1, "the document is not a JSON object");
        goto done;
    }
    json_t *art = json_object_get(root, "article");
    if (art && !json_is_null(art)) {
        d->articles = calloc(1, sizeof *d->articles);
        if (!d->articles) {
            st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
            goto done;
        }
        if ((st = article_from_json(art, &d->articles[0], source, 0, err)) != MS_OK)
            goto done;
        d->n_articles = 1;
    }
    json_t *cs = json_object_get(root, "comments");
    if (!cs || json_is_null(cs))
        goto done;
    if (!json_is_array(cs)) {
        st = ms_fail(err, MS_ERR_PARSE, source, 0, 0, "\"comments\" is not an array");
        goto done;
    }
    size_t n = json_array_size(cs);
    if (n > MS_MAX_COMMENTS) {
        st = ms_fail(err, MS_ERR_LIMIT, source, 0, 0, "more than %u comments (MS_MAX_COMMENTS)",
                     MS_MAX_COMMENTS);
        goto done;
    }
    int have_lines = si.n_lines == n;
    d->comments = calloc(n ? n : 1, sizeof *d->comments);
    if (!d->comments) {
        st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ms_comment *c = &d->comments[i];
        long line = have_lines ? si.lines[i] : 0;
        if ((st = comment_from_json(json_array_get(cs, i), c, source, line, i + 1, repaired,
                                    err)) != MS_OK)
            goto done;
        d->n_comments++;
        c->article = d->n_articles ? d->articles[0] : NULL;
        if (!c->id && !(c->id = number_text(i + 1))) {
            st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
            goto done;
        }
    }
done:
    json_decref(root);
    free(si.lines);
    return st;
}

/* ------------------------------------------------------------ JSON Lines */

struct ms_jsonl_reader {
    char *source;
    ms_article **articles; /* every article the stream defined, owned */
    size_t n_articles, cap_articles;
};

ms_status ms_jsonl_reader_new(const char *source, ms_jsonl_reader **out)
{
    if (!out)
        return MS_ERR_ARG;
    *out = NULL;
    ms_jsonl_reader *r = calloc(1, sizeof *r);
    if (!r)
        return MS_ERR_NOMEM;
    r->source = ms_strdup0(source ? source : "");
    if (!r->source) {
        free(r);
        return MS_ERR_NOMEM;
    }
    *out = r;
    return MS_OK;
}

void ms_jsonl_reader_free(ms_jsonl_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_articles; i++)
        article_free(r->articles[i]);
    free(r->articles);
    free(r->source);
    free(r);
}

void ms_comment_free(ms_comment *c)
{
    if (!c)
        return;
    comment_clear(c);
    free(c);
}

static ms_status reader_keep_article(ms_jsonl_reader *r, ms_article *a)
{
    if (r->n_articles == r->cap_articles) {
        size_t nc = r->cap_articles ? r->cap_articles * 2 : 8;
        ms_article **p = realloc(r->articles, nc * sizeof *p);
        if (!p)
            return MS_ERR_NOMEM;
        r->articles = p;
        r->cap_articles = nc;
    }
    r->articles[r->n_articles++] = a;
    return MS_OK;
}

ms_status ms_jsonl_reader_line(ms_jsonl_reader *r, const char *line, size_t len, long lineno,
                               ms_comment **out, ms_error *err)
{
    if (out)
        *out = NULL;
    if (!r || !out || (!line && len))
        return ms_fail(err, MS_ERR_ARG, r ? r->source : NULL, lineno, 0, "invalid argument");
    const char *src = r->source;
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    if (len > MS_MAX_LINE_BYTES)
        return ms_fail(err, MS_ERR_LIMIT, src, lineno, 0,
                       "line longer than %u bytes (MS_MAX_LINE_BYTES)", MS_MAX_LINE_BYTES);
    if (all_blank(line, len))
        return ms_fail(err, MS_ERR_PARSE, src, lineno, 0, "empty line");
    scan_info si = {0};
    json_t *o = NULL;
    int repaired = 0;
    ms_status st = json_prescan(line, len, lineno, src, &si, err);
    if (st == MS_OK)
        st = json_load(line, len, lineno, src, &o, &repaired, err);
    if (st != MS_OK)
        return st;
    ms_comment *c = NULL;
    ms_article *a = NULL;
    if (!json_is_object(o)) {
        st = ms_fail(err, MS_ERR_PARSE, src, lineno, 1, "the line is not a JSON object");
        goto done;
    }
    json_t *art = json_object_get(o, "article");
    if (!json_object_get(o, "text") && art && !json_is_null(art)) {
        /* an article definition: remembered, yields no comment */
        if ((st = article_from_json(art, &a, src, lineno, err)) != MS_OK)
            goto done;
        if (reader_keep_article(r, a) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
            goto done;
        }
        a = NULL;
        goto done;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
        goto done;
    }
    if ((st = comment_from_json(o, c, src, lineno, 0, repaired, err)) != MS_OK)
        goto done;
    if (!c->id && !(c->id = number_text((size_t)(lineno > 0 ? lineno : 0)))) {
        st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
        goto done;
    }
    if (art && !json_is_null(art)) {
        if ((st = article_from_json(art, &a, src, lineno, err)) != MS_OK)
            goto done;
        if (reader_keep_article(r, a) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
            goto done;
        }
        c->article = a;
        a = NULL;
    } else {
        char *aid = NULL;
        st = json_scalar_text(json_object_get(o, "article_id"), &aid);
        if (st == MS_ERR_PARSE) {
            st = ms_fail(err, st, src, lineno, 0, "\"article_id\" is not a string or number");
            goto done;
        }
        if (st != MS_OK) {
            st = ms_fail(err, st, src, lineno, 0, "out of memory");
            goto done;
        }
        if (aid) {
            for (size_t i = r->n_articles; i-- > 0;)
                if (r->articles[i]->id && strcmp(r->articles[i]->id, aid) == 0) {
                    c->article = r->articles[i];
                    break;
                }
            if (!c->article)
                st = ms_fail(err, MS_ERR_PARSE, src, lineno, 0, "unknown article_id '%s'", aid);
            free(aid);
            if (st != MS_OK)
                goto done;
        }
    }
    *out = c;
    c = NULL;
done:
    ms_comment_free(c);
    article_free(a);
    json_decref(o);
    return st;
}

static ms_status parse_jsonl_document(const char *data, size_t len, const char *source,
                                      ms_discussion *d, ms_error *err)
{
    ms_jsonl_reader *r;
    if (ms_jsonl_reader_new(source, &r) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    ms_status st = MS_OK;
    size_t cap = 0;
    long lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        lineno++;
        ms_comment *c = NULL;
        st = ms_jsonl_reader_line(r, data + pos, end - pos, lineno, &c, err);
        if (st != MS_OK)
            break;
        pos = nl ? end + 1 : len;
        if (!c)
            continue;
        if (d->n_comments >= MS_MAX_COMMENTS) {
            ms_comment_free(c);
            st = ms_fail(err, MS_ERR_LIMIT, source, lineno, 0,
                         "more than %u comments (MS_MAX_COMMENTS)", MS_MAX_COMMENTS);
            break;
        }
        if (d->n_comments == cap) {
            size_t nc = cap ? cap * 2 : 16;
            ms_comment *p = realloc(d->comments, nc * sizeof *p);
            if (!p) {
                ms_comment_free(c);
                st = ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
                break;
            }
            d->comments = p;
            cap = nc;
        }
        d->comments[d->n_comments++] = *c; /* moves the fields; the shell goes */
        free(c);
    }
    /* the discussion takes over the articles its comments point at */
    d->articles = r->articles;
    d->n_articles = r->n_articles;
    r->articles = NULL;
    r->n_articles = 0;
    ms_jsonl_reader_free(r);
    return st;
}

/* ------------------------------------------------------------ captured page */

typedef struct page_line {
    const char *s;  /* the line without its end of line or trailing blanks */
    size_t n;
    size_t indent;  /* leading spaces and tabs */
    const char *c;  /* content: s without the indentation */
    size_t cn;
} page_line;

#define BULLET "\xE2\x80\xA2 " /* U+2022 and a space */

static int is_bullet(const page_line *l) { return mem_starts(l->c, l->cn, BULLET); }

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Date and time lines of page furniture: "07:30 GMT +3", "25 February 2017". */
static int looks_like_date(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i + 3 < n; i++)
        if (is_digit(s[i]) && s[i + 1] == ':' && is_digit(s[i + 2]) && is_digit(s[i + 3]))
            return 1;
    static const char *const months[] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};
    int digit = 0;
    for (size_t i = 0; i < n; i++)
        digit |= is_digit(s[i]);
    if (!digit)
        return 0;
    for (size_t m = 0; m < 12; m++)
        if (mem_find(s, n, months[m]) != (size_t)-1)
            return 1;
    return 0;
}

/* Lines that belong to the site, not to the article or its thread. */
static int is_furniture(const char *s, size_t n)
{
    return mem_starts(s, n, "\xC2\xA9") /* (c) credit lines */ ||
           mem_eq(s, n, "Get short URL") || mem_starts(s, n, "Community standards") ||
           mem_starts(s, n, "Comment via ") || mem_eq(s, n, BULLET "\xD0\xA1omment") ||
           mem_eq(s, n, BULLET "Comment") || mem_eq(s, n, "All comments") ||
           mem_starts(s, n, "Show new comments") || mem_eq(s, n, "avatar") ||
           mem_eq(s, n, "(Show commentHide comment)");
}

static size_t count_words(const char *s, size_t n, size_t *capitalised)
{
    size_t words = 0, caps = 0, i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n)
            break;
        size_t start = i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        words++;
        /* the first letter decides; quotes and brackets before it do not */
        size_t j = start;
        while (j < i) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k =
                utf8proc_iterate((const utf8proc_uint8_t *)s + j, (utf8proc_ssize_t)(i - j), &cp);
            if (k <= 0)
                break;
            utf8proc_category_t cat = utf8proc_category(cp);
            if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
                caps++;
                break;
            }
            if (cat >= UTF8PROC_CATEGORY_LL && cat <= UTF8PROC_CATEGORY_LO)
                break;
            if (cat == UTF8PROC_CATEGORY_ND) {
                caps++; /* numbers are at home in titles */
                break;
            }
            j += (size_t)k;
        }
    }
    if (capitalised)
        *capitalised = caps;
    return words;
}

/* Ends like a sentence: . ! ? : or an ellipsis, maybe inside closing quotes. */
static int ends_sentence(const char *s, size_t n)
{
    for (;;) {
        if (n && (s[n - 1] == '"' || s[n - 1] == '\'' || s[n - 1] == ')' || s[n - 1] == ']'))
            n--;
        else if (n >= 3 && (memcmp(s + n - 3, "\xE2\x80\x9D", 3) == 0 || /* ” */
                            memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0))  /* ’ */
            n -= 3;
        else if (n >= 2 && memcmp(s + n - 2, "\xC2\xBB", 2) == 0) /* » */
            n -= 2;
        else
            break;
    }
    if (!n)
        return 0;
    char c = s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';')
        return 1;
    return n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0; /* … */
}

#define PAGE_LONG_LINE 100

static int is_paragraph(const page_line *l)
{
    if (l->cn >= PAGE_LONG_LINE)
        return 1;
    return ends_sentence(l->c, l->cn) && count_words(l->c, l->cn, NULL) >= 8;
}

/* A thread header "NAMEin reply toOTHER(Show commentHide comment)" (the
 * captured text glues the parts). */
static int parse_reply_header(const char *s, size_t n, char **author, char **reply_to,
                              ms_status *st)
{
    static const char tail[] = "(Show commentHide comment)";
    size_t tn = sizeof tail - 1;
    if (n < tn || memcmp(s + n - tn, tail, tn) != 0)
        return 0;
    n -= tn;
    size_t at = mem_find(s, n, "in reply to");
    if (at == (size_t)-1) {
        *author = dup_trimmed(s, n, st);
        *reply_to = NULL;
    } else {
        *author = dup_trimmed(s, at, st);
        *reply_to = dup_trimmed(s + at + 11, n - at - 11, st);
    }
    return 1;
}

static ms_status join_lines(ms_buf *b, const page_line *ls, size_t from, size_t to,
                            const char *first, size_t first_n)
{
    /* common indentation of the non-blank lines */
    size_t common = (size_t)-1;
    for (size_t i = from; i < to; i++)
        if (ls[i].cn && ls[i].indent < common)
            common = ls[i].indent;
    if (common == (size_t)-1)
        common = 0;
    size_t pending_blank = 0;
    int any = 0;
    if (first && first_n) {
        if (ms_buf_add(b, first, first_n) != MS_OK)
            return MS_ERR_NOMEM;
        any = 1;
    }
    for (size_t i = from; i < to; i++) {
        const page_line *l = &ls[i];
        if (!l->cn) {
            pending_blank++;
            continue;
        }
        if (any) {
            for (size_t k = 0; k <= pending_blank; k++)
                if (ms_buf_addc(b, '\n') != MS_OK)
                    return MS_ERR_NOMEM;
        }
        pending_blank = 0;
        if (ms_buf_add(b, l->s + common, l->n - common) != MS_OK)
            return MS_ERR_NOMEM;
        any = 1;
    }
    if (!b->data && ms_buf_add(b, "", 0) != MS_OK)
        return MS_ERR_NOMEM;
    return MS_OK;
}

static ms_status page_article(const page_line *ls, size_t n, size_t end, ms_article *a)
{
    ms_status st = MS_OK;
    /* tags: the comma-separated line just before "Community standards" */
    size_t body_end = end, tags_line = (size_t)-1;
    if (end < n && mem_starts(ls[end].c, ls[end].cn, "Community standards")) {
        size_t k = end;
        while (k > 0 && !ls[k - 1].cn)
            k--;
        if (k > 0 && mem_find(ls[k - 1].c, ls[k - 1].cn, ", ") != (size_t)-1) {
            tags_line = k - 1;
            body_end = k - 1;
        }
    }
    if (tags_line != (size_t)-1) {
        const char *s = ls[tags_line].c;
        size_t sn = ls[tags_line].cn, count = 1;
        for (size_t i = 0; i + 1 < sn; i++)
            if (s[i] == ',' && s[i + 1] == ' ')
                count++;
        a->tags = calloc(count, sizeof *a->tags);
        if (!a->tags)
            return MS_ERR_NOMEM;
        size_t start = 0;
        for (size_t i = 0; i <= sn; i++) {
            if (i == sn || (s[i] == ',' && i + 1 < sn && s[i + 1] == ' ')) {
                char *t = dup_trimmed(s + start, i - start, &st);
                if (st != MS_OK)
                    return st;
                if (t)
                    a->tags[a->n_tags++] = t;
                start = i + 2;
                i++;
            }
        }
    }
    /* the header: short lines before the first paragraph */
    size_t first_par = body_end;
    for (size_t i = 0; i < body_end; i++)
        if (ls[i].cn && !is_furniture(ls[i].c, ls[i].cn) && !looks_like_date(ls[i].c, ls[i].cn) &&
            is_paragraph(&ls[i])) {
            first_par = i;
            break;
        }
    size_t best = (size_t)-1, best_words = 0;
    double best_share = -1;
    for (size_t i = 0; i < first_par; i++) {
        const page_line *l = &ls[i];
        if (!l->cn || is_furniture(l->c, l->cn) || looks_like_date(l->c, l->cn))
            continue;
        size_t caps, words = count_words(l->c, l->cn, &caps);
        double share = words ? (double)caps / (double)words : 0;
        if (share > best_share || (share == best_share && words > best_words)) {
            best = i;
            best_share = share;
            best_words = words;
        }
    }
    if (best != (size_t)-1 && !(a->title = ms_strndup(ls[best].c, ls[best].cn)))
        return MS_ERR_NOMEM;
    /* the body runs to its last sentence; short unpunctuated lines after it
     * are related headlines */
    size_t last = (size_t)-1;
    for (size_t i = first_par; i < body_end; i++)
        if (ls[i].cn && !is_furniture(ls[i].c, ls[i].cn) &&
            (ends_sentence(ls[i].c, ls[i].cn) || ls[i].cn >= PAGE_LONG_LINE))
            last = i;
    if (last != (size_t)-1) {
        ms_buf b = {0};
        int in_par = 0, any = 0;
        for (size_t i = first_par; i <= last; i++) {
            const page_line *l = &ls[i];
            if (!l->cn) {
                in_par = 0;
                continue;
            }
            if (is_furniture(l->c, l->cn))
                continue;
            const char *sep = in_par ? "\n" : (any ? "\n\n" : "");
            if (ms_buf_adds(&b, sep) != MS_OK || ms_buf_add(&b, l->c, l->cn) != MS_OK) {
                ms_buf_free(&b);
                return MS_ERR_NOMEM;
            }
            in_par = any = 1;
        }
        a->body = b.data;
    }
    return MS_OK;
}

static ms_status parse_page(const char *data, size_t len, const char *source, ms_discussion *d,
                            ms_error *err)
{
    ms_status st = MS_OK;
    page_line *ls = NULL;
    size_t n = 0, cap = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 128;
            page_line *p = realloc(ls, nc * sizeof *p);
            if (!p) {
                free(ls);
                return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
            }
            ls = p;
            cap = nc;
        }
        page_line *l = &ls[n++];
        l->s = data + pos;
        l->n = end - pos;
        while (l->n && is_blank_char(l->s[l->n - 1]))
            l->n--;
        l->indent = 0;
        while (l->indent < l->n && (l->s[l->indent] == ' ' || l->s[l->indent] == '\t'))
            l->indent++;
        l->c = l->s + l->indent;
        l->cn = l->n - l->indent;
        pos = nl ? end + 1 : len;
    }

    size_t std_line = n, all_line = n;
    for (size_t i = 0; i < n; i++)
        if (mem_starts(ls[i].c, ls[i].cn, "Community standards")) {
            std_line = i;
            break;
        }
    for (size_t i = std_line < n ? std_line : 0; i < n; i++)
        if (mem_eq(ls[i].c, ls[i].cn, "All comments")) {
            all_line = i;
            break;
        }
    size_t art_end = std_line < n ? std_line : all_line;
    if (art_end == n) /* no thread furniture: the article ends at the first bullet */
        for (size_t i = 0; i < n; i++)
            if (is_bullet(&ls[i])) {
                art_end = i;
                break;
            }

    ms_article *a = calloc(1, sizeof *a);
    d->articles = calloc(1, sizeof *d->articles);
    if (!a || !d->articles) {
        free(a);
        free(ls);
        return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    }
    d->articles[0] = a;
    d->n_articles = 1;
    if ((st = page_article(ls, n, art_end, a)) != MS_OK) {
        free(ls);
        return ms_fail(err, st, source, 0, 0, "out of memory");
    }

    /* the thread: each comment starts at a bullet */
    size_t from = all_line < n ? all_line + 1 : (std_line < n ? std_line + 1 : art_end);
    size_t ccap = 0;
    for (size_t i = from; i < n;) {
        if (!is_bullet(&ls[i]) || is_furniture(ls[i].c, ls[i].cn)) {
            i++;
            continue;
        }
        size_t start = i;
        const char *rest = ls[i].c + strlen(BULLET);
        size_t rn = ls[i].cn - strlen(BULLET);
        size_t j = i + 1;
        /* the comment's lines run to the next bullet or the end of the thread */
        size_t stop = j;
        while (stop < n && !is_bullet(&ls[stop]) &&
               !mem_starts(ls[stop].c, ls[stop].cn, "Show new comments"))
            stop++;
        if (d->n_comments >= MS_MAX_COMMENTS) {
            st = ms_fail(err, MS_ERR_LIMIT, source, (long)start + 1, 0,
                         "more than %u comments (MS_MAX_COMMENTS)", MS_MAX_COMMENTS);
            break;
        }
        if (d->n_comments == ccap) {
            size_t nc = ccap ? ccap * 2 : 16;
            ms_comment *p = realloc(d->comments, nc * sizeof *p);
            if (!p) {
                st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
                break;
            }
            d->comments = p;
            ccap = nc;
        }
        ms_comment *c = &d->comments[d->n_comments++];
        memset(c, 0, sizeof *c);
        c->line = (long)start + 1;
        c->article = a;
        const char *first = NULL;
        size_t first_n = 0;
        if (mem_eq(rest, rn, "avatar")) {
            if (j < stop && parse_reply_header(ls[j].c, ls[j].cn, &c->author, &c->reply_to, &st))
                j++;
        } else if (!parse_reply_header(rest, rn, &c->author, &c->reply_to, &st)) {
            first = rest;
            first_n = rn;
        }
        /* skip stray furniture lines between the header and the text */
        while (j < stop && ls[j].cn &&
               (mem_eq(ls[j].c, ls[j].cn, "avatar") ||
                mem_eq(ls[j].c, ls[j].cn, "(Show commentHide comment)")))
            j++;
        while (!first && j < stop && !ls[j].cn)
            j++;
        size_t tend = stop;
        while (tend > j && !ls[tend - 1].cn)
            tend--;
        ms_buf b = {0};
        if (st == MS_OK && join_lines(&b, ls, j, tend, first, first_n) != MS_OK)
            st = MS_ERR_NOMEM;
        if (st == MS_OK && !(c->id = number_text(d->n_comments)))
            st = MS_ERR_NOMEM;
        if (st != MS_OK) {
            ms_buf_free(&b);
            st = ms_fail(err, st, source, c->line, 0, "out of memory");
            break;
        }
        c->text = b.data;
        c->text_len = b.len;
        if (c->text_len > MS_MAX_COMMENT_BYTES) {
            st = ms_fail(err, MS_ERR_LIMIT, source, c->line, 0,
                         "comment %zu: text longer than %u bytes (MS_MAX_COMMENT_BYTES)",
                         d->n_comments, MS_MAX_COMMENT_BYTES);
            break;
        }
        i = stop;
    }
    free(ls);
    return st;
}

/* ------------------------------------------------------------ public */

/* Where the first line's JSON value ends when it is a complete object that
 * ends the line; 0 otherwise. Sets *comments when its top level has a
 * "comments" key, and *text when it has a "text" key. */
static size_t first_line_object(const char *d, size_t n, int *comments, int *text)
{
    int depth = 0, in_str = 0, esc = 0;
    size_t key_s = 0, str_s = 0, str_n = 0;
    *comments = 0;
    *text = 0;
    for (size_t i = 0; i < n; i++) {
        char c = d[i];
        if (c == '\n')
            return 0;
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"') {
                in_str = 0;
                str_s = key_s;
                str_n = i - key_s;
            }
            continue;
        }
        if (c == '"') {
            in_str = 1;
            key_s = i + 1;
        } else if (c == ':' && depth == 1 && mem_eq(d + str_s, str_n, "comments")) {
            *comments = 1;
        } else if (c == ':' && depth == 1 && mem_eq(d + str_s, str_n, "text")) {
            *text = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                size_t k = i + 1;
                while (k < n && d[k] != '\n' && is_blank_char(d[k]))
                    k++;
                return (k == n || d[k] == '\n') ? k : 0;
            }
        }
    }
    return 0;
}

ms_format ms_format_detect(const char *data, size_t len)
{
    if (!data)
        return MS_FORMAT_PAGE;
    size_t i = bom_len(data, len);
    while (i < len && is_blank_char(data[i]))
        i++;
    if (i >= len || data[i] != '{')
        return MS_FORMAT_PAGE;
    int comments, text;
    size_t end = first_line_object(data + i, len - i, &comments, &text);
    if (!end) {
        /* a first line longer than the bytes given (a reader's look-ahead):
         * a comment's "text" says JSON Lines, whose lines may be that long */
        int cut = !memchr(data + i, '\n', len - i);
        return (cut && text && !comments) ? MS_FORMAT_JSONL : MS_FORMAT_JSON;
    }
    size_t k = i + end;
    while (k < len && is_blank_char(data[k]))
        k++;
    if (k < len)
        return data[k] == '{' ? MS_FORMAT_JSONL : MS_FORMAT_JSON;
    return comments ? MS_FORMAT_JSON : MS_FORMAT_JSONL;
}

ms_status ms_discussion_parse(const char *data, size_t len, ms_format format, const char *source,
                              ms_discussion **out, ms_error *err)
{
    if (!out)
        return ms_fail(err, MS_ERR_ARG, source, 0, 0, "no place for the result");
    *out = NULL;
    if (!data && len)
        return ms_fail(err, MS_ERR_ARG, source, 0, 0, "no data");
    if (len > MS_MAX_DOCUMENT_BYTES)
        return ms_fail(err, MS_ERR_LIMIT, source, 0, 0,
                       "input larger than %u bytes (MS_MAX_DOCUMENT_BYTES)",
                       MS_MAX_DOCUMENT_BYTES);
    if (!data)
        data = "";
    if (format == MS_FORMAT_AUTO)
        format = ms_format_detect(data, len);
    size_t skip = bom_len(data, len);
    discussion_full *full = calloc(1, sizeof *full);
    if (!full)
        return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    ms_discussion *d = &full->d;
    ms_status st;
    switch (format) {
    case MS_FORMAT_JSON:
        st = parse_json_document(data + skip, len - skip, source, d, err);
        break;
    case MS_FORMAT_JSONL:
        st = parse_jsonl_document(data + skip, len - skip, source, d, err);
        break;
    case MS_FORMAT_PAGE:
        st = parse_page(data + skip, len - skip, source, d, err);
        break;
    default:
        st = ms_fail(err, MS_ERR_UNSUPPORTED, source, 0, 0,
                     "a discussion cannot be read from this format");
        break;
    }
    if (st == MS_OK && index_parents(full) != MS_OK)
        st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    if (st != MS_OK) {
        ms_discussion_free(d);
        return st;
    }
    *out = d;
    return MS_OK;
}

const ms_comment *ms_discussion_parent(const ms_discussion *d, size_t index)
{
    if (!d || index >= d->n_comments)
        return NULL;
    size_t p = ((const discussion_full *)d)->parent[index];
    return p == NO_PARENT ? NULL : &d->comments[p];
}

/* ------------------------------------------------------------ datasets */

static void example_clear(ms_example *e)
{
    free(e->text);
    free(e->context);
    free(e->parent_text);
    free(e->author);
    free(e->context_author);
    memset(e, 0, sizeof *e);
}

void ms_dataset_clear(ms_dataset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        example_clear(&set->items[i]);
    free(set->items);
    memset(set, 0, sizeof *set);
}

static ms_example *dataset_push(ms_dataset *set)
{
    if (set->n == set->cap) {
        size_t nc = set->cap ? set->cap * 2 : 64;
        ms_example *p = realloc(set->items, nc * sizeof *p);
        if (!p)
            return NULL;
        set->items = p;
        set->cap = nc;
    }
    ms_example *e = &set->items[set->n++];
    memset(e, 0, sizeof *e);
    return e;
}

/* 1, 0, or -1 when the value is not a label. The positive value, when set,
 * is 1; then 0/1, true/false and yes/no; with a positive value set, any
 * other non-empty value is 0 ("toxic" against "clean"). */
static int label_word(const char *s, size_t n, const char *positive)
{
    trim(&s, &n);
    if (positive && *positive && mem_eq(s, n, positive))
        return 1;
    if (mem_eq(s, n, "1") || mem_ieq(s, n, "true") || mem_ieq(s, n, "yes"))
        return 1;
    if (mem_eq(s, n, "0") || mem_ieq(s, n, "false") || mem_ieq(s, n, "no"))
        return 0;
    return positive && *positive && n ? 0 : -1;
}

static int decision_label(const char *s, size_t n)
{
    if (mem_ieq(s, n, "published") || mem_ieq(s, n, "approved") || mem_ieq(s, n, "publish") ||
        mem_ieq(s, n, "approve"))
        return 0;
    if (mem_ieq(s, n, "rejected") || mem_ieq(s, n, "reject") || mem_ieq(s, n, "removed"))
        return 1;
    return -1;
}

static ms_status jsonl_example(const char *line, size_t len, long lineno, const char *positive,
                               const char *source, ms_dataset *set, ms_error *err)
{
    scan_info si = {0};
    json_t *o = NULL;
    int repaired = 0;
    ms_status st = json_prescan(line, len, lineno, source, &si, err);
    if (st == MS_OK)
        st = json_load(line, len, lineno, source, &o, &repaired, err);
    if (st != MS_OK)
        return st;
    ms_buf ctx = {0};
    ms_example ex = {0};
    if (!json_is_object(o)) {
        st = ms_fail(err, MS_ERR_PARSE, source, lineno, 1, "the line is not a JSON object");
        goto done;
    }
    json_t *text = json_object_get(o, "text");
    if (!json_is_string(text)) {
        st = ms_fail(err, MS_ERR_PARSE, source, lineno, 0, "missing or non-string \"text\"");
        goto done;
    }
    if (json_string_length(text) > MS_MAX_COMMENT_BYTES) {
        st = ms_fail(err, MS_ERR_LIMIT, source, lineno, 0,
                     "text longer than %u bytes (MS_MAX_COMMENT_BYTES)", MS_MAX_COMMENT_BYTES);
        goto done;
    }
    json_t *lab = json_object_get(o, "label");
    json_t *dec = json_object_get(o, "decision");
    int label = -1;
    if (lab && !json_is_null(lab)) {
        if (json_is_true(lab))
            label = 1;
        else if (json_is_false(lab))
            label = 0;
        else if (json_is_number(lab)) {
            double v = json_number_value(lab);
            label = v == 1 ? 1 : v == 0 ? 0 : -1;
        } else if (json_is_string(lab)) {
            label = label_word(json_string_value(lab), json_string_length(lab), positive);
        }
        if (label < 0) {
            st = ms_fail(err, MS_ERR_PARSE, source, lineno, 0,
                         "\"label\" is not 0/1, true/false or yes/no");
            goto done;
        }
    } else if (dec && !json_is_null(dec)) {
        if (json_is_string(dec))
            label = decision_label(json_string_value(dec), json_string_length(dec));
        if (label < 0) {
            st = ms_fail(err, MS_ERR_PARSE, source, lineno, 0,
                         "\"decision\" is not published/approved or rejected/removed");
            goto done;
        }
    } else {
        st = ms_fail(err, MS_ERR_PARSE, source, lineno, 0, "missing \"label\" or \"decision\"");
        goto done;
    }
    ex.label = label;
    json_t *art = json_object_get(o, "article");
    if (art && !json_is_null(art)) {
        ms_article *a;
        if ((st = article_from_json(art, &a, source, lineno, err)) != MS_OK)
            goto done;
        int bad = ms_buf_adds(&ctx, a->title ? a->title : "") != MS_OK ||
                  ms_buf_addc(&ctx, '\n') != MS_OK ||
                  ms_buf_adds(&ctx, a->body ? a->body : "") != MS_OK ||
                  ms_buf_addc(&ctx, '\n') != MS_OK;
        for (size_t i = 0; !bad && i < a->n_tags; i++)
            bad = (i && ms_buf_addc(&ctx, ' ') != MS_OK) || ms_buf_adds(&ctx, a->tags[i]) != MS_OK;
        ex.context_author = a->author;
        a->author = NULL;
        article_free(a);
        if (bad) {
            st = ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
            goto done;
        }
    }
    char *c2 = NULL;
    if ((st = field_string(o, "context", &c2, source, lineno, "", err)) != MS_OK)
        goto done;
    if (c2) {
        int bad = (ctx.len && ms_buf_addc(&ctx, '\n') != MS_OK) || ms_buf_adds(&ctx, c2) != MS_OK;
        free(c2);
        if (bad) {
            st = ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
            goto done;
        }
    }
    if ((st = field_string(o, "parent_text", &ex.parent_text, source, lineno, "", err)) != MS_OK ||
        (st = field_text(o, "author", &ex.author, source, lineno, "", err)) != MS_OK)
        goto done;
    ex.text_len = json_string_length(text);
    ex.text = ms_strndup(json_string_value(text), ex.text_len);
    ms_example *slot = ex.text ? dataset_push(set) : NULL;
    if (!slot) {
        st = ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
        goto done;
    }
    ex.context = ctx.data;
    ctx.data = NULL;
    *slot = ex;
    memset(&ex, 0, sizeof ex);
done:
    example_clear(&ex);
    ms_buf_free(&ctx);
    json_decref(o);
    return st;
}

static ms_status read_jsonl_examples(const char *data, size_t len, const char *positive,
                                     const char *source, ms_dataset *set, ms_error *err)
{
    long lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        const char *l = data + pos;
        size_t ln = end - pos;
        lineno++;
        pos = nl ? end + 1 : len;
        while (ln && l[ln - 1] == '\r')
            ln--;
        if (ln > MS_MAX_LINE_BYTES)
            return ms_fail(err, MS_ERR_LIMIT, source, lineno, 0,
                           "line longer than %u bytes (MS_MAX_LINE_BYTES)", MS_MAX_LINE_BYTES);
        if (all_blank(l, ln))
            continue; /* blank lines between records carry nothing */
        ms_status st = jsonl_example(l, ln, lineno, positive, source, set, err);
        if (st != MS_OK)
            return st;
    }
    return MS_OK;
}

/* One CSV field: where it starts (line and column, for errors) and its
 * value, unquoted into a buffer. */
typedef struct csv_field {
    ms_buf v;
    long line, column;
} csv_field;

typedef struct csv_row {
    csv_field *f;
    size_t n, cap;
    long line;
} csv_row;

static void csv_row_free(csv_row *r)
{
    for (size_t i = 0; i < r->cap; i++)
        ms_buf_free(&r->f[i].v);
    free(r->f);
    memset(r, 0, sizeof *r);
}

/* Reads one RFC 4180 record from d[*pos..n). Returns MS_OK with r->n == 0 at
 * the end of input. Blank lines are skipped. */
static ms_status csv_next(const char *d, size_t n, size_t *pos, long *line, const char *source,
                          csv_row *r, ms_error *err)
{
    size_t i = *pos;
    /* skip blank lines */
    for (;;) {
        size_t k = i;
        while (k < n && (d[k] == ' ' || d[k] == '\t' || d[k] == '\r'))
            k++;
        if (k < n && d[k] == '\n') {
            i = k + 1;
            (*line)++;
            continue;
        }
        if (k >= n)
            i = n;
        break;
    }
    r->n = 0;
    r->line = *line;
    if (i >= n) {
        *pos = n;
        return MS_OK;
    }
    size_t line_start = i;
    for (;;) {
        if (r->n == r->cap) {
            size_t nc = r->cap ? r->cap * 2 : 8;
            csv_field *p = realloc(r->f, nc * sizeof *p);
            if (!p)
                return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
            memset(p + r->cap, 0, (nc - r->cap) * sizeof *p);
            r->f = p;
            r->cap = nc;
        }
        csv_field *f = &r->f[r->n++];
        f->v.len = 0;
        if (ms_buf_add(&f->v, "", 0) != MS_OK)
            return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
        f->line = *line;
        f->column = (long)(i - line_start) + 1;
        if (i < n && d[i] == '"') {
            long qline = *line, qcol = f->column;
            i++;
            for (;;) {
                if (i >= n)
                    return ms_fail(err, MS_ERR_PARSE, source, qline, qcol,
                                   "unterminated quoted field");
                if (d[i] == '"') {
                    if (i + 1 < n && d[i + 1] == '"') {
                        if (ms_buf_addc(&f->v, '"') != MS_OK)
                            return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (d[i] == '\n') {
                    (*line)++;
                    line_start = i + 1;
                }
                if (f->v.len >= MS_MAX_COMMENT_BYTES)
                    return ms_fail(err, MS_ERR_LIMIT, source, qline, qcol,
                                   "field longer than %u bytes (MS_MAX_COMMENT_BYTES)",
                                   MS_MAX_COMMENT_BYTES);
                if (ms_buf_addc(&f->v, d[i]) != MS_OK)
                    return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
                i++;
            }
            /* a quoted embedded CRLF keeps its \r; the record's own goes */
            while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r'))
                i++;
            if (i < n && d[i] != ',' && d[i] != '\n')
                return ms_fail(err, MS_ERR_PARSE, source, *line, (long)(i - line_start) + 1,
                               "unexpected character after a quoted field");
        } else {
            size_t s = i;
            while (i < n && d[i] != ',' && d[i] != '\n')
                i++;
            size_t e = i;
            if (e > s && d[e - 1] == '\r' && (i >= n || d[i] == '\n'))
                e--;
            if (e - s > MS_MAX_COMMENT_BYTES)
                return ms_fail(err, MS_ERR_LIMIT, source, f->line, f->column,
                               "field longer than %u bytes (MS_MAX_COMMENT_BYTES)",
                               MS_MAX_COMMENT_BYTES);
            if (ms_buf_add(&f->v, d + s, e - s) != MS_OK)
                return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
        }
        if (i < n && d[i] == ',') {
            i++;
            continue;
        }
        if (i < n && d[i] == '\n') {
            i++;
            (*line)++;
        }
        break;
    }
    *pos = i;
    return MS_OK;
}

static ms_status read_csv_examples(const char *data, size_t len, const ms_csv_options *opt,
                                   const char *source, ms_dataset *set, ms_error *err)
{
    const char *text_col = opt && opt->text_column ? opt->text_column : "text";
    const char *label_col = opt && opt->label_column ? opt->label_column : "label";
    const char *positive = opt ? opt->positive : NULL;
    size_t pos = 0;
    long line = 1;
    csv_row row = {0};
    ms_status st = csv_next(data, len, &pos, &line, source, &row, err);
    if (st != MS_OK)
        goto done;
    if (row.n == 0) {
        st = ms_fail(err, MS_ERR_PARSE, source, 1, 0, "no CSV header row");
        goto done;
    }
    size_t ncols = row.n, ti = (size_t)-1, li = (size_t)-1, ci = (size_t)-1, pi = (size_t)-1;
    for (size_t k = 0; k < row.n; k++) {
        const char *h = row.f[k].v.data;
        size_t hn = row.f[k].v.len;
        trim(&h, &hn);
        if (ti == (size_t)-1 && mem_eq(h, hn, text_col))
            ti = k;
        else if (li == (size_t)-1 && mem_eq(h, hn, label_col))
            li = k;
        else if (ci == (size_t)-1 && mem_eq(h, hn, "context"))
            ci = k;
        else if (pi == (size_t)-1 && mem_eq(h, hn, "parent_text"))
            pi = k;
    }
    if (ti == (size_t)-1 || li == (size_t)-1) {
        st = ms_fail(err, MS_ERR_PARSE, source, row.line, 0, "the CSV header has no '%s' column",
                     ti == (size_t)-1 ? text_col : label_col);
        goto done;
    }
    for (;;) {
        if ((st = csv_next(data, len, &pos, &line, source, &row, err)) != MS_OK)
            goto done;
        if (row.n == 0)
            break;
        if (row.n != ncols) {
            st = ms_fail(err, MS_ERR_PARSE, source, row.line, 0,
                         "the record has %zu fields; the header has %zu", row.n, ncols);
            goto done;
        }
        csv_field *lf = &row.f[li];
        int label = label_word(lf->v.data, lf->v.len, positive);
        if (label < 0) {
            st = ms_fail(err, MS_ERR_PARSE, source, lf->line, lf->column,
                         "column '%s': label '%.64s' is not 0/1, true/false or yes/no",
                         label_col, lf->v.data);
            goto done;
        }
        ms_example *e = dataset_push(set);
        if (!e) {
            st = ms_fail(err, MS_ERR_NOMEM, source, row.line, 0, "out of memory");
            goto done;
        }
        e->label = label;
        e->text_len = row.f[ti].v.len;
        e->text = ms_strndup(row.f[ti].v.data, e->text_len);
        if (!e->text)
            st = MS_ERR_NOMEM;
        if (ci != (size_t)-1 && row.f[ci].v.len &&
            !(e->context = ms_strndup(row.f[ci].v.data, row.f[ci].v.len)))
            st = MS_ERR_NOMEM;
        if (pi != (size_t)-1 && row.f[pi].v.len &&
            !(e->parent_text = ms_strndup(row.f[pi].v.data, row.f[pi].v.len)))
            st = MS_ERR_NOMEM;
        if (st != MS_OK) {
            st = ms_fail(err, st, source, row.line, 0, "out of memory");
            goto done;
        }
    }
done:
    csv_row_free(&row);
    return st;
}

ms_status ms_dataset_read(const char *data, size_t len, ms_format format,
                          const ms_csv_options *csv, const char *source, ms_dataset *set,
                          ms_error *err)
{
    if (!set || (!data && len))
        return ms_fail(err, MS_ERR_ARG, source, 0, 0, "invalid argument");
    if (len > MS_MAX_DOCUMENT_BYTES)
        return ms_fail(err, MS_ERR_LIMIT, source, 0, 0,
                       "input larger than %u bytes (MS_MAX_DOCUMENT_BYTES)",
                       MS_MAX_DOCUMENT_BYTES);
    if (!data)
        data = "";
    size_t skip = bom_len(data, len);
    data += skip;
    len -= skip;
    if (format == MS_FORMAT_AUTO) {
        size_t i = 0;
        while (i < len && is_blank_char(data[i]))
            i++;
        format = i < len && data[i] == '{' ? MS_FORMAT_JSONL : MS_FORMAT_CSV;
    }
    size_t before = set->n;
    ms_status st;
    if (format == MS_FORMAT_JSONL)
        st = read_jsonl_examples(data, len, csv ? csv->positive : NULL, source, set, err);
    else if (format == MS_FORMAT_CSV)
        st = read_csv_examples(data, len, csv, source, set, err);
    else
        st = ms_fail(err, MS_ERR_UNSUPPORTED, source, 0, 0,
                     "training data must be JSON Lines or CSV");
    if (st != MS_OK) {
        /* all or nothing: drop what this call appended */
        for (size_t i = before; i < set->n; i++)
            example_clear(&set->items[i]);
        set->n = before;
    }
    return st;
}

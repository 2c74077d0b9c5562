/* reader.c - discussions in, comments out: the public entry points, which
 * detect the format and dispatch to its reader (reader_json.c for JSON
 * documents, reader_jsonl.c for the JSON Lines stream, reader_page.c for
 * captured pages), then index each comment's parent. Labelled training
 * data (JSON Lines or CSV) is read in reader_dataset.c; what the readers
 * share is in reader_util.c. Nothing here scores anything. */
#include "reader.h"
#include "reader_formats.h"
#include "reader_util.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
        rd_article_free(d->articles[i]);
    free(d->articles);
    for (size_t i = 0; i < d->n_comments; i++)
        rd_comment_clear(&d->comments[i]);
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
        } else if (c == ':' && depth == 1 && rd_mem_eq(d + str_s, str_n, "comments")) {
            *comments = 1;
        } else if (c == ':' && depth == 1 && rd_mem_eq(d + str_s, str_n, "text")) {
            *text = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                size_t k = i + 1;
                while (k < n && d[k] != '\n' && rd_is_blank_char(d[k]))
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
    size_t i = rd_bom_len(data, len);
    while (i < len && rd_is_blank_char(data[i]))
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
    while (k < len && rd_is_blank_char(data[k]))
        k++;
    if (k < len)
        return data[k] == '{' ? MS_FORMAT_JSONL : MS_FORMAT_JSON;
    return comments ? MS_FORMAT_JSON : MS_FORMAT_JSONL;
}

/* ms_discussion_parse, with a JSON document's data already parsed into
 * parsed (borrowed) or not (NULL). */
static ms_status parse(const char *data, size_t len, ms_format format, const char *source,
                       json_t *parsed, ms_discussion **out, ms_error *err)
{
    if (!out)
        return ms_fail(err, MS_ERR_ARG, source, 0, 0, "no place for the result");
    *out = NULL;
    if (!data && len)
        return ms_fail(err, MS_ERR_ARG, source, 0, 0, "no data");
    if (len > MS_MAX_DOCUMENT_BYTES)
        return rd_too_large(source, err);
    if (!data)
        data = "";
    if (format == MS_FORMAT_AUTO)
        format = ms_format_detect(data, len);
    size_t skip = rd_bom_len(data, len);
    discussion_full *full = calloc(1, sizeof *full);
    if (!full)
        return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    ms_discussion *d = &full->d;
    ms_status st;
    switch (format) {
    case MS_FORMAT_JSON:
        st = rd_parse_json_document(data + skip, len - skip, source, parsed, d, err);
        break;
    case MS_FORMAT_JSONL:
        st = rd_parse_jsonl_document(data + skip, len - skip, source, d, err);
        break;
    case MS_FORMAT_PAGE:
        st = rd_parse_page(data + skip, len - skip, source, d, err);
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

ms_status ms_discussion_parse(const char *data, size_t len, ms_format format, const char *source,
                              ms_discussion **out, ms_error *err)
{
    return parse(data, len, format, source, NULL, out, err);
}

ms_status ms_discussion_from_json(json_t *root, const char *data, size_t len, const char *source,
                                  ms_discussion **out, ms_error *err)
{
    if (!root) {
        if (out)
            *out = NULL;
        return ms_fail(err, MS_ERR_ARG, source, 0, 0, "no document");
    }
    return parse(data, len, MS_FORMAT_JSON, source, root, out, err);
}

const ms_comment *ms_discussion_parent(const ms_discussion *d, size_t index)
{
    if (!d || index >= d->n_comments)
        return NULL;
    size_t p = ((const discussion_full *)d)->parent[index];
    return p == NO_PARENT ? NULL : &d->comments[p];
}


/* reader_jsonl.c - a JSON Lines stream of comments, read one line at a
 * time in bounded memory; see modscore.h. */
#include "reader_priv.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

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
        rd_article_free(r->articles[i]);
    free(r->articles);
    free(r->source);
    free(r);
}

void ms_comment_free(ms_comment *c)
{
    if (!c)
        return;
    rd_comment_clear(c);
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
    if (rd_all_blank(line, len))
        return ms_fail(err, MS_ERR_PARSE, src, lineno, 0, "empty line");
    scan_info si = {0};
    json_t *o = NULL;
    int repaired = 0;
    ms_status st = rd_json_prescan(line, len, lineno, src, &si, err);
    if (st == MS_OK)
        st = rd_json_load(line, len, lineno, src, &o, &repaired, err);
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
        if ((st = rd_article_from_json(art, &a, src, lineno, err)) != MS_OK)
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
    if ((st = rd_comment_from_json(o, c, src, lineno, 0, repaired, err)) != MS_OK)
        goto done;
    if (!c->id && !(c->id = rd_number_text((size_t)(lineno > 0 ? lineno : 0)))) {
        st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
        goto done;
    }
    if (art && !json_is_null(art)) {
        if ((st = rd_article_from_json(art, &a, src, lineno, err)) != MS_OK)
            goto done;
        if (reader_keep_article(r, a) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
            goto done;
        }
        c->article = a;
        a = NULL;
    } else {
        char *aid = NULL;
        st = rd_json_scalar_text(json_object_get(o, "article_id"), &aid);
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
    rd_article_free(a);
    json_decref(o);
    return st;
}

ms_status rd_parse_jsonl_document(const char *data, size_t len, const char *source,
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


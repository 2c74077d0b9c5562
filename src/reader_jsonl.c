/* reader_jsonl.c - a JSON Lines stream of comments, read one line at a
 * time in bounded memory; see modscore.h. */
#include "reader_formats.h"
#include "reader_util.h"
#include "util.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ JSON Lines */

/* Articles the stream defined (article lines and inline "article" objects),
 * shared by the comments that use them. The table finds one by id (for
 * article_id; the latest definition of an id wins) and by content (an
 * inline article identical to one already held is not kept twice), and it
 * is bounded: past MS_MAX_STREAM_ARTICLES articles or
 * MS_MAX_STREAM_ARTICLE_BYTES bytes the least recently defined or used one
 * is forgotten. A comment holds a reference to its article, so a forgotten
 * article lives until the last comment using it is freed. */
typedef struct art_node {
    ms_article a;               /* first: comments point at it */
    size_t refs;                /* the table's and each comment's (atomic) */
    uint64_t id_hash, content;  /* hash of the id, and of every field */
    size_t bytes;
    struct art_node *newer, *older;       /* the table's use order */
    struct art_node *id_next, *same_next; /* bucket chains */
} art_node;

#define BUCKETS 2048 /* a power of two, > MS_MAX_STREAM_ARTICLES */

struct ms_jsonl_reader {
    char *source;
    art_node *by_id[BUCKETS], *by_content[BUCKETS];
    art_node *newest, *oldest;
    size_t n_articles, bytes;
    int keep_all;          /* a whole document: nothing forgotten */
    art_node **order;      /* keep_all: every article, in definition order */
    size_t n_order, cap_order;
};

static void node_release(art_node *n)
{
    if (n && __atomic_sub_fetch(&n->refs, 1, __ATOMIC_ACQ_REL) == 0)
        rd_article_free(&n->a); /* frees the node: the article is its start */
}

static uint64_t str_hash(const char *s, uint64_t h)
{
    /* NULL and "" differ: a field's presence is part of the content */
    return s ? ms_hash64(s, strlen(s) + 1, h) : ms_hash64("", 0, h ^ 0x5bd1e995);
}

static uint64_t content_hash(const ms_article *a)
{
    uint64_t h = str_hash(a->id, 0);
    h = str_hash(a->author, h);
    h = str_hash(a->title, h);
    h = str_hash(a->body, h);
    for (size_t i = 0; i < a->n_tags; i++)
        h = str_hash(a->tags[i], h);
    return ms_hash64(&a->n_tags, sizeof a->n_tags, h);
}

static int str_same(const char *x, const char *y) { return x == y || (x && y && !strcmp(x, y)); }

static int article_same(const ms_article *x, const ms_article *y)
{
    if (!str_same(x->id, y->id) || !str_same(x->author, y->author) ||
        !str_same(x->title, y->title) || !str_same(x->body, y->body) || x->n_tags != y->n_tags)
        return 0;
    for (size_t i = 0; i < x->n_tags; i++)
        if (!str_same(x->tags[i], y->tags[i]))
            return 0;
    return 1;
}

static size_t article_bytes(const ms_article *a)
{
    size_t b = sizeof(art_node) + a->n_tags * sizeof(char *);
    const char *f[] = {a->id, a->author, a->title, a->body};
    for (size_t i = 0; i < 4; i++)
        b += f[i] ? strlen(f[i]) + 1 : 0;
    for (size_t i = 0; i < a->n_tags; i++)
        b += strlen(a->tags[i]) + 1;
    return b;
}

static void unlink_use(ms_jsonl_reader *r, art_node *n)
{
    if (n->newer)
        n->newer->older = n->older;
    else
        r->newest = n->older;
    if (n->older)
        n->older->newer = n->newer;
    else
        r->oldest = n->newer;
    n->newer = n->older = NULL;
}

static void push_newest(ms_jsonl_reader *r, art_node *n)
{
    n->older = r->newest;
    if (r->newest)
        r->newest->newer = n;
    r->newest = n;
    if (!r->oldest)
        r->oldest = n;
}

static void mark_used(ms_jsonl_reader *r, art_node *n)
{
    if (r->newest == n)
        return;
    unlink_use(r, n);
    push_newest(r, n);
}

static void unchain(art_node **head, art_node *n, int by_id)
{
    for (art_node **p = head; *p; p = by_id ? &(*p)->id_next : &(*p)->same_next)
        if (*p == n) {
            *p = by_id ? n->id_next : n->same_next;
            return;
        }
}

/* Forgets the least recently used article (the table's reference goes). */
static void forget_oldest(ms_jsonl_reader *r)
{
    art_node *n = r->oldest;
    unlink_use(r, n);
    if (n->a.id)
        unchain(&r->by_id[n->id_hash & (BUCKETS - 1)], n, 1);
    unchain(&r->by_content[n->content & (BUCKETS - 1)], n, 0);
    r->n_articles--;
    r->bytes -= n->bytes;
    node_release(n);
}

/* Takes a (just parsed, owned) into the table, or finds the identical
 * article already there (a is freed then). OUT: *held, a reference for
 * the caller when want_ref. */
static ms_status keep_article(ms_jsonl_reader *r, ms_article *a, int want_ref, art_node **held)
{
    uint64_t content = content_hash(a);
    for (art_node *n = r->by_content[content & (BUCKETS - 1)]; n; n = n->same_next)
        if (n->content == content && article_same(&n->a, a)) {
            rd_article_free(a);
            mark_used(r, n);
            __atomic_add_fetch(&n->refs, (size_t)want_ref, __ATOMIC_RELAXED);
            *held = n;
            return MS_OK;
        }
    art_node *n = calloc(1, sizeof *n);
    if (!n || (r->keep_all && ms_grow((void **)&r->order, &r->cap_order, r->n_order + 1,
                                      sizeof *r->order) != MS_OK)) {
        free(n);
        rd_article_free(a);
        return MS_ERR_NOMEM;
    }
    n->a = *a;
    free(a); /* the shell: its fields now belong to the node */
    n->refs = 1 + (size_t)want_ref;
    n->content = content;
    n->bytes = article_bytes(&n->a);
    if (n->a.id) {
        n->id_hash = ms_hash64(n->a.id, strlen(n->a.id), 0);
        art_node **head = &r->by_id[n->id_hash & (BUCKETS - 1)];
        n->id_next = *head; /* first in its chain: the latest definition wins */
        *head = n;
    }
    n->same_next = r->by_content[content & (BUCKETS - 1)];
    r->by_content[content & (BUCKETS - 1)] = n;
    push_newest(r, n);
    r->n_articles++;
    r->bytes += n->bytes;
    if (r->keep_all)
        r->order[r->n_order++] = n;
    while (!r->keep_all && r->oldest != n &&
           (r->n_articles > MS_MAX_STREAM_ARTICLES || r->bytes > MS_MAX_STREAM_ARTICLE_BYTES))
        forget_oldest(r);
    *held = n;
    return MS_OK;
}

static art_node *find_article(ms_jsonl_reader *r, const char *id)
{
    uint64_t h = ms_hash64(id, strlen(id), 0);
    for (art_node *n = r->by_id[h & (BUCKETS - 1)]; n; n = n->id_next)
        if (n->id_hash == h && !strcmp(n->a.id, id)) {
            mark_used(r, n);
            return n;
        }
    return NULL;
}

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
    while (r->oldest)
        forget_oldest(r);
    free(r->order);
    free(r->source);
    free(r);
}

void ms_comment_free(ms_comment *c)
{
    if (!c)
        return;
    node_release((art_node *)(uintptr_t)c->article); /* the comment's reference */
    rd_comment_clear(c);
    free(c);
}

/* A comment without an id is named by its line number. */
static ms_status default_id(ms_comment *c, long lineno, const char *src, ms_error *err)
{
    if (!c->id && !(c->id = rd_number_text((size_t)(lineno > 0 ? lineno : 0))))
        return ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
    return MS_OK;
}

/* The comment of a line of string fields only, without jansson
 * (reader_fast.c): 1 when it was one (*st says how it went), 0 when the
 * line is left to jansson. */
static int read_fast(const char *line, size_t len, long lineno, const char *src,
                     ms_comment **out, ms_status *st, ms_error *err)
{
    ms_comment *c = malloc(sizeof *c);
    int r = c ? rd_comment_fast(line, len, lineno, c) : -1;
    if (r == 0) {
        free(c);
        return 0;
    }
    *st = r < 0 ? ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory")
                : default_id(c, lineno, src, err);
    if (*st == MS_OK)
        *out = c;
    else
        ms_comment_free(c);
    return 1;
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
    ms_status st;
    if (read_fast(line, len, lineno, src, out, &st, err))
        return st;
    scan_info si = {0};
    json_t *o = NULL;
    int repaired = 0;
    st = rd_json_prescan(line, len, lineno, src, &si, err);
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
        art_node *n;
        if ((st = rd_article_from_json(art, &a, src, lineno, err)) != MS_OK)
            goto done;
        st = keep_article(r, a, 0, &n);
        a = NULL;
        if (st != MS_OK)
            st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
        goto done;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
        goto done;
    }
    if ((st = rd_comment_from_json(o, c, src, lineno, 0, repaired, err)) != MS_OK)
        goto done;
    if ((st = default_id(c, lineno, src, err)) != MS_OK)
        goto done;
    if (art && !json_is_null(art)) {
        art_node *n;
        if ((st = rd_article_from_json(art, &a, src, lineno, err)) != MS_OK)
            goto done;
        st = keep_article(r, a, 1, &n);
        a = NULL;
        if (st != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, src, lineno, 0, "out of memory");
            goto done;
        }
        c->article = &n->a;
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
            art_node *n = find_article(r, aid);
            if (n) {
                __atomic_add_fetch(&n->refs, 1, __ATOMIC_RELAXED);
                c->article = &n->a;
            } else {
                st = ms_fail(err, MS_ERR_PARSE, src, lineno, 0,
                             "unknown article_id '%s' (not among the %u most recent articles, "
                             "MS_MAX_STREAM_ARTICLES)",
                             aid, MS_MAX_STREAM_ARTICLES);
            }
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
    r->keep_all = 1; /* a whole document is bounded by MS_MAX_DOCUMENT_BYTES */
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
        /* moves the fields; the shell goes, and its reference: the
         * discussion holds every article through the table's */
        node_release((art_node *)(uintptr_t)c->article);
        d->comments[d->n_comments++] = *c;
        free(c);
    }
    /* the discussion takes over the table's references, in definition order */
    d->articles = malloc((r->n_order ? r->n_order : 1) * sizeof *d->articles);
    if (!d->articles) {
        st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
        for (size_t i = 0; i < d->n_comments; i++)
            d->comments[i].article = NULL;
    } else {
        for (size_t i = 0; i < r->n_order; i++)
            d->articles[d->n_articles++] = &r->order[i]->a;
        r->newest = r->oldest = NULL; /* nothing left for the reader to release */
    }
    ms_jsonl_reader_free(r);
    return st;
}


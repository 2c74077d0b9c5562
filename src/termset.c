/* termset.c - a small set of terms read from a list file; see termset.h.
 *
 * The terms stay in the file's text, which the set keeps; a hash table of
 * (pointer, length) pairs into it holds each term and each of its word
 * prefixes ("native" of "native americans") with what it is, so that a
 * lookup, made for every word of every comment a model with identity terms
 * scores, is one hash and a probe or two. Read-only after ms_termset_load,
 * so lookups are safe from any number of threads. */
#include "termset.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define TERMSET_MAX_FILE_BYTES (1u << 20)

typedef struct term {
    const char *w; /* inside the set's data */
    size_t len;
} term;

/* A slot of the index: a term or a term's word prefix, with its
 * MS_TERMSET_* bits (0: an empty slot). */
typedef struct slot {
    const char *w;
    uint32_t len;
    uint32_t what;
} slot;

struct ms_termset {
    char *data; /* the file as read */
    size_t len;
    term *terms; /* in the file's order */
    size_t n;
    slot *index; /* mask + 1 slots, at most half full */
    size_t mask;
    uint64_t hash;
};

static size_t slot_of(const ms_termset *s, const char *w, size_t n)
{
    size_t i = (size_t)ms_hash64(w, n, 0) & s->mask;
    while (s->index[i].what && (s->index[i].len != n || memcmp(s->index[i].w, w, n) != 0))
        i = (i + 1) & s->mask;
    return i;
}

/* Fills the index from the terms: each term, and each run of its words
 * before a space. */
static ms_status index_build(ms_termset *s)
{
    size_t cap = 16;
    while (cap < 2 * s->n * MS_TERMSET_MAX_WORDS)
        cap *= 2;
    s->index = calloc(cap, sizeof *s->index);
    if (!s->index)
        return MS_ERR_NOMEM;
    s->mask = cap - 1;
    for (size_t k = 0; k < s->n; k++) {
        const term *t = &s->terms[k];
        for (size_t n = 1; n <= t->len; n++) {
            if (n < t->len && t->w[n] != ' ')
                continue;
            slot *x = &s->index[slot_of(s, t->w, n)];
            x->w = t->w;
            x->len = (uint32_t)n;
            x->what |= n == t->len ? MS_TERMSET_TERM : MS_TERMSET_LONGER;
        }
    }
    return MS_OK;
}

/* One line's term, checked: 1-3 words of lower case, one space apart, valid
 * UTF-8, no control characters, at most MS_TERMSET_MAX_BYTES. NULL when
 * good, else why not; OUT: *col the 1-based column at fault. */
static const char *bad_term(const char *w, size_t n, long *col)
{
    size_t spaces = 0;
    *col = 1;
    if (n > MS_TERMSET_MAX_BYTES)
        return "term longer than 128 bytes";
    if (!ms_utf8_valid(w, n))
        return "term is not valid UTF-8";
    for (size_t i = 0; i < n; i++) {
        *col = (long)i + 1;
        if (w[i] == ' ' && (w[i - 1] == ' ' || ++spaces > MS_TERMSET_MAX_WORDS - 1))
            return "a term is one to three words, one space apart";
        if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f)
            return "control character in term";
        if (w[i] >= 'A' && w[i] <= 'Z')
            return "terms are written in lower case, as the folding writes words";
    }
    return NULL;
}

/* The terms of s->data, one a line ('#' lines and blank ones skipped). */
static ms_status parse(ms_termset *s, const char *path, ms_error *err)
{
    const char *p = s->data, *end = s->data + s->len;
    long lineno = 0;
    size_t cap = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *ls = p, *a = p, *b = nl ? nl : end;
        lineno++;
        p = nl ? nl + 1 : end;
        while (a < b && (*a == ' ' || *a == '\t' || *a == '\r'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
            b--;
        if (a == b || *a == '#')
            continue;
        long col;
        const char *why = bad_term(a, (size_t)(b - a), &col);
        if (why)
            return ms_fail(err, MS_ERR_PARSE, path, lineno, col + (long)(a - ls), "%s", why);
        if (ms_grow((void **)&s->terms, &cap, s->n + 1, sizeof *s->terms) != MS_OK)
            return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
        s->terms[s->n].w = a;
        s->terms[s->n++].len = (size_t)(b - a);
    }
    return MS_OK;
}

ms_status ms_termset_load(const char *path, ms_termset **out, ms_error *err)
{
    *out = NULL;
    ms_termset *s = calloc(1, sizeof *s);
    if (!s)
        return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    ms_status st = ms_read_regular_file(path, TERMSET_MAX_FILE_BYTES, &s->data, &s->len, err);
    if (st == MS_OK)
        st = parse(s, path, err);
    if (st == MS_OK && index_build(s) != MS_OK)
        st = ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    if (st != MS_OK) {
        ms_termset_free(s);
        return st;
    }
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    s->hash = ms_hash64(s->data, s->len, ms_hash64(name, strlen(name) + 1, 0));
    s->hash += !s->hash; /* 0 means "no list" */
    *out = s;
    return MS_OK;
}

void ms_termset_free(ms_termset *s)
{
    if (!s)
        return;
    free(s->data);
    free(s->terms);
    free(s->index);
    free(s);
}

int ms_termset_has(const ms_termset *s, const char *w, size_t n)
{
    return (ms_termset_lookup(s, w, n) & MS_TERMSET_TERM) != 0;
}

unsigned ms_termset_lookup(const ms_termset *s, const char *w, size_t n)
{
    if (!s || !s->n || (!w && n))
        return 0;
    return s->index[slot_of(s, w, n)].what;
}

uint64_t ms_termset_hash(const ms_termset *s) { return s ? s->hash : 0; }

/* lexicon.c - word lists in one open-addressing hash table; see lexicon.h.
 *
 * All four files are read first, so the table is sized once (at most half
 * full) and never rehashed; keys live in one arena. After ms_lexicon_load
 * nothing is written, so lookups are safe from any number of threads, and
 * they allocate nothing.
 *
 * Keys: the VADER list is kept exactly as written, because VADER looks up
 * the lowercased token and so never matches its few upper-case entries
 * (":D", "XD"); folding them would change its scores. The other lists are
 * ASCII-lowercased on load, since lookups are made with case-folded words.
 */
#include "lexicon.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LEX_MAX_FILE_BYTES (64u * 1024u * 1024u) /* per list file */
#define LEX_MAX_KEY_BYTES 1024u                  /* one entry */

enum {
    F_VADER = 1u,
    F_AFINN = 2u,
    F_PROFANE = 4u,
    F_INSULT = 8u
};

typedef struct entry {
    uint64_t hash;
    size_t off; /* key bytes in lx->keys */
    size_t len;
    double vader;
    double afinn;
    unsigned flags; /* 0: an empty slot */
} entry;

struct ms_lexicon {
    entry *slots;
    size_t mask; /* capacity - 1; capacity is a power of two */
    size_t count;
    char *keys;
    size_t keys_len, keys_cap;
    /* the files as read, kept for ms_lexicon_hash: hashing 470 KB at every
     * load would cost more than the rest of `modscore check`, and only
     * training asks for the hash */
    char *data[4];
    size_t len[4];
};

static const char *const FILES[4] = {"vader_lexicon.txt", "AFINN-en-165.txt", "profanity.txt",
                                     "insults.txt"};

static uint64_t key_hash(const char *w, size_t n) { return ms_hash64(w, n, 0x9e3779b97f4a7c15ULL); }

static const entry *find(const ms_lexicon *lx, const char *w, size_t n)
{
    if (!lx || !lx->slots || (!w && n))
        return NULL;
    uint64_t h = key_hash(w, n);
    for (size_t i = (size_t)h & lx->mask;; i = (i + 1) & lx->mask) {
        const entry *e = &lx->slots[i];
        if (!e->flags)
            return NULL;
        if (e->hash == h && e->len == n && memcmp(lx->keys + e->off, w, n) == 0)
            return e;
    }
}

/* Finds or adds the entry for key; NULL when the table is full (cannot
 * happen with the sizing in ms_lexicon_load, but checked anyway). */
static entry *upsert(ms_lexicon *lx, const char *w, size_t n)
{
    uint64_t h = key_hash(w, n);
    size_t i = (size_t)h & lx->mask;
    for (size_t probes = 0; probes <= lx->mask; probes++, i = (i + 1) & lx->mask) {
        entry *e = &lx->slots[i];
        if (!e->flags) {
            if (lx->keys_len + n > lx->keys_cap)
                return NULL;
            memcpy(lx->keys + lx->keys_len, w, n);
            e->hash = h;
            e->off = lx->keys_len;
            e->len = n;
            lx->keys_len += n;
            lx->count++;
            return e;
        }
        if (e->hash == h && e->len == n && memcmp(lx->keys + e->off, w, n) == 0)
            return e;
    }
    return NULL;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* One list file's text and what kind of list it is. */
typedef struct list_file {
    char *path;
    char *data;
    size_t len;
} list_file;

typedef struct line_ctx {
    ms_lexicon *lx;
    const char *path;
    long lineno;
    ms_error *err;
} line_ctx;

static ms_status bad_line(const line_ctx *c, long col, const char *what)
{
    return ms_fail(c->err, MS_ERR_PARSE, c->path, c->lineno, col, "%s", what);
}

/* Checks and stores one key; lower: ASCII-lowercase it first. */
static ms_status add_key(const line_ctx *c, const char *line, const char *w, size_t n, int lower,
                         entry **out)
{
    long col = (long)(w - line) + 1;
    if (n == 0)
        return bad_line(c, col, "empty term");
    if (n > LEX_MAX_KEY_BYTES)
        return bad_line(c, col, "term longer than 1024 bytes");
    if (!ms_utf8_valid(w, n))
        return bad_line(c, col, "term is not valid UTF-8");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f)
            return bad_line(c, col + (long)i, "control character in term");
    char buf[LEX_MAX_KEY_BYTES];
    if (lower) {
        for (size_t i = 0; i < n; i++)
            buf[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char)(w[i] + ('a' - 'A')) : w[i];
        w = buf;
    }
    *out = upsert(c->lx, w, n);
    if (!*out)
        return ms_fail(c->err, MS_ERR_INTERNAL, c->path, c->lineno, 0, "lexicon table full");
    return MS_OK;
}

static ms_status parse_number(const line_ctx *c, const char *line, const char *s, size_t n,
                              double *out)
{
    if (ms_parse_double(s, n, out) != 0 || !isfinite(*out))
        return bad_line(c, (long)(s - line) + 1, "expected a number");
    return MS_OK;
}

/* vader_lexicon.txt: token<TAB>mean<TAB>std<TAB>[ratings]. Only the first
 * two fields are used (as vaderSentiment does); the others, when present,
 * are not checked. */
static ms_status parse_vader(const line_ctx *c, const char *line, size_t n)
{
    const char *tab = memchr(line, '\t', n);
    if (!tab)
        return bad_line(c, (long)n + 1, "expected token<TAB>mean<TAB>std<TAB>[ratings]");
    const char *m = tab + 1;
    const char *end = line + n;
    const char *tab2 = memchr(m, '\t', (size_t)(end - m));
    size_t mlen = (size_t)((tab2 ? tab2 : end) - m);
    double v;
    ms_status st = parse_number(c, line, m, mlen, &v);
    if (st != MS_OK)
        return st;
    entry *e;
    if ((st = add_key(c, line, line, (size_t)(tab - line), 0, &e)) != MS_OK)
        return st;
    e->vader = v; /* a repeated token: the last one wins, as in a Python dict */
    e->flags |= F_VADER;
    return MS_OK;
}

/* AFINN-en-165.txt: word<TAB>score; a word may be a phrase ("can't stand"). */
static ms_status parse_afinn(const line_ctx *c, const char *line, size_t n)
{
    const char *tab = memchr(line, '\t', n);
    if (!tab)
        return bad_line(c, (long)n + 1, "expected word<TAB>score");
    const char *s = tab + 1;
    size_t slen = (size_t)(line + n - s);
    if (memchr(s, '\t', slen))
        return bad_line(c, (long)(s - line) + 1, "expected word<TAB>score");
    double v;
    ms_status st = parse_number(c, line, s, slen, &v);
    if (st != MS_OK)
        return st;
    entry *e;
    if ((st = add_key(c, line, line, (size_t)(tab - line), 1, &e)) != MS_OK)
        return st;
    e->afinn = v;
    e->flags |= F_AFINN;
    return MS_OK;
}

/* profanity.txt, insults.txt: one term per line; '#' starts a comment line. */
static ms_status parse_term(const line_ctx *c, const char *line, size_t n, unsigned flag)
{
    if (line[0] == '#')
        return MS_OK;
    if (memchr(line, '\t', n))
        return bad_line(c, (long)((const char *)memchr(line, '\t', n) - line) + 1,
                        "a term list has one term per line, no tabs");
    entry *e;
    ms_status st = add_key(c, line, line, n, 1, &e);
    if (st != MS_OK)
        return st;
    e->flags |= flag;
    return MS_OK;
}

static ms_status parse_file(ms_lexicon *lx, int which, const list_file *f, ms_error *err)
{
    line_ctx c = {lx, f->path, 0, err};
    const char *p = f->data, *end = f->data + f->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        c.lineno++;
        /* trim surrounding white space (and the CR of CRLF) */
        const char *ls = p;
        const char *s = p;
        while (s < le && is_space((unsigned char)*s))
            s++;
        const char *e = le;
        while (e > s && is_space((unsigned char)e[-1]))
            e--;
        p = nl ? nl + 1 : end;
        if (s == e)
            continue;
        size_t n = (size_t)(e - s);
        ms_status st;
        switch (which) {
        case 0: st = parse_vader(&c, s, n); break;
        case 1: st = parse_afinn(&c, s, n); break;
        case 2: st = parse_term(&c, s, n, F_PROFANE); break;
        default: st = parse_term(&c, s, n, F_INSULT); break;
        }
        if (st != MS_OK) {
            if (st == MS_ERR_PARSE && err && err->column > 0)
                err->column += (long)(s - ls); /* columns count from the raw line */
            return st;
        }
    }
    return MS_OK;
}

static size_t count_lines(const char *s, size_t n)
{
    size_t k = 1;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))) != NULL; p++)
        k++;
    return k;
}

ms_status ms_lexicon_load(const char *dir, ms_lexicon **out, ms_error *err)
{
    if (!out)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "no output pointer");
    *out = NULL;
    if (!dir)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "no lexicon directory");

    list_file files[4] = {{0}};
    ms_lexicon *lx = NULL;
    ms_status st = MS_OK;
    size_t total_bytes = 0, total_lines = 0;
    for (int i = 0; i < 4; i++) {
        ms_buf b = {0};
        if (ms_buf_printf(&b, "%s/%s", dir, FILES[i]) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
            goto done;
        }
        files[i].path = b.data;
        st = ms_read_regular_file(files[i].path, LEX_MAX_FILE_BYTES, &files[i].data,
                                  &files[i].len, err);
        if (st != MS_OK) {
            if (err && st == MS_ERR_NOT_FOUND)
                snprintf(err->message, sizeof err->message, "lexicon file %s not found",
                         FILES[i]);
            goto done;
        }
        total_bytes += files[i].len;
        total_lines += count_lines(files[i].data, files[i].len);
    }

    lx = calloc(1, sizeof *lx);
    if (!lx) {
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    size_t cap = 16;
    while (cap < 2 * total_lines)
        cap *= 2;
    lx->slots = calloc(cap, sizeof *lx->slots);
    lx->keys_cap = total_bytes;
    lx->keys = malloc(total_bytes ? total_bytes : 1);
    if (!lx->slots || !lx->keys) {
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    lx->mask = cap - 1;

    for (int i = 0; i < 4; i++) {
        if ((st = parse_file(lx, i, &files[i], err)) != MS_OK)
            goto done;
        lx->data[i] = files[i].data;
        lx->len[i] = files[i].len;
        files[i].data = NULL;
    }

done:
    for (int i = 0; i < 4; i++) {
        free(files[i].path);
        free(files[i].data);
    }
    if (st != MS_OK) {
        ms_lexicon_free(lx);
        return st;
    }
    *out = lx;
    return MS_OK;
}

void ms_lexicon_free(ms_lexicon *lx)
{
    if (!lx)
        return;
    free(lx->slots);
    free(lx->keys);
    for (int i = 0; i < 4; i++)
        free(lx->data[i]);
    free(lx);
}

int ms_lexicon_vader(const ms_lexicon *lx, const char *w, size_t n, double *value)
{
    const entry *e = find(lx, w, n);
    if (!e || !(e->flags & F_VADER))
        return 0;
    if (value)
        *value = e->vader;
    return 1;
}

int ms_lexicon_afinn(const ms_lexicon *lx, const char *w, size_t n, double *value)
{
    const entry *e = find(lx, w, n);
    if (!e || !(e->flags & F_AFINN))
        return 0;
    if (value)
        *value = e->afinn;
    return 1;
}

int ms_lexicon_profane(const ms_lexicon *lx, const char *w, size_t n)
{
    const entry *e = find(lx, w, n);
    return e && (e->flags & F_PROFANE);
}

int ms_lexicon_insult(const ms_lexicon *lx, const char *w, size_t n)
{
    const entry *e = find(lx, w, n);
    return e && (e->flags & F_INSULT);
}

int ms_lexicon_known(const ms_lexicon *lx, const char *w, size_t n) { return find(lx, w, n) != NULL; }

size_t ms_lexicon_bytes(const ms_lexicon *lx)
{
    size_t n = 0;
    for (int i = 0; lx && i < 4; i++)
        n += lx->len[i];
    return n;
}

uint64_t ms_lexicon_hash(const ms_lexicon *lx)
{
    if (!lx)
        return 0;
    uint64_t h = 0;
    for (int i = 0; i < 4; i++) {
        h = ms_hash64(FILES[i], strlen(FILES[i]) + 1, h);
        h = ms_hash64(lx->data[i], lx->len[i], h);
    }
    return h;
}

/* spans.c - reason spans from a token-level linear model (see spans.h). */
#include "spans.h"

#include "card.h"
#include "model.h"
#include "modeldir.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SPANS_FORMAT 1
#define DEFAULT_BITS 18
#define MAX_KEYS 48 /* hashed features of one token, at most */

/* Dense features after the hashed block (index (1 << bits) + 1 + k). */
enum { D_CONTRIB, D_TERM, D_PREV, D_NEXT, D_COUNT };

struct ms_spans_model {
    ms_linear *lin;
    void *map;       /* model.bin, when lin->w points into it */
    size_t map_len;
    int bits;
    double threshold, gate, fill, rescue;
    char *version;
};

/* What the features of a token look at, per token. */
typedef struct tok_info {
    double contrib, term; /* own contribution; summed over its repeats */
    int8_t cbin, tbin;
    int8_t afinn, vader;  /* rounded valence, 0 when unlisted */
    uint8_t prof, ins, you;
    int8_t dist;          /* tokens to the sentence's strongest word (signed,
                             clipped to +-4) */
    int8_t sbin;          /* that word's contribution, binned */
} tok_info;

typedef struct term_ref {
    const char *s;
    uint32_t n, i;
} term_ref;

struct ms_spans_work {
    tok_info *info;
    size_t info_cap;
    term_ref *refs;
    size_t refs_cap;
    double *p, *term;
    size_t p_cap;
    uint32_t *start, *end;
    size_t se_cap;
    ms_span *spans;
    size_t n_spans, spans_cap;
};

/* ------------------------------------------------------------- features */

static int8_t contrib_bin(double c)
{
    if (c <= -0.05)
        return -1;
    if (c < 0.02)
        return 0;
    int b = 1 + (int)floor(log2(c / 0.02));
    return (int8_t)(b > 9 ? 9 : b);
}

static double clip2(double c) { return c < -2 ? -2 : c > 2 ? 2 : c; }

static int cmp_ref(const void *a, const void *b)
{
    const term_ref *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? -1 : 1;
    int c = memcmp(x->s, y->s, x->n);
    if (c)
        return c;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int is_you(const char *w, size_t n)
{
    static const char *const you[] = {"you", "your", "u", "ur", "youre", "yours", "yourself", "ya"};
    for (size_t k = 0; k < sizeof you / sizeof *you; k++)
        if (strlen(you[k]) == n && memcmp(you[k], w, n) == 0)
            return 1;
    return 0;
}

static int breaks(const char *text, uint32_t a, uint32_t b);

/* Fills w->info for the tokens of one comment. */
static ms_status token_info(ms_spans_work *w, const ms_lexicon *lx, const char *text,
                            const ms_tokens *t, const double *contrib)
{
    if (ms_grow((void **)&w->info, &w->info_cap, t->n + 1, sizeof *w->info) != MS_OK ||
        ms_grow((void **)&w->refs, &w->refs_cap, t->n + 1, sizeof *w->refs) != MS_OK)
        return MS_ERR_NOMEM;
    for (size_t i = 0; i < t->n; i++) {
        w->refs[i].s = ms_token_text(t, i);
        w->refs[i].n = t->tok[i].fold_len;
        w->refs[i].i = (uint32_t)i;
    }
    /* a word's contribution summed over its repeats: "idiot" two hundred
     * times counts as one strong word, not two hundred weak ones */
    qsort(w->refs, t->n, sizeof *w->refs, cmp_ref);
    for (size_t a = 0; a < t->n;) {
        size_t b = a;
        double sum = 0;
        while (b < t->n && w->refs[b].n == w->refs[a].n &&
               memcmp(w->refs[b].s, w->refs[a].s, w->refs[a].n) == 0)
            sum += contrib[w->refs[b++].i];
        for (size_t k = a; k < b; k++)
            w->info[w->refs[k].i].term = sum;
        a = b;
    }
    for (size_t i = 0; i < t->n; i++) {
        tok_info *x = &w->info[i];
        const char *s = ms_token_text(t, i);
        size_t n = t->tok[i].fold_len;
        double v;
        x->contrib = contrib[i];
        x->cbin = contrib_bin(x->term);
        x->tbin = contrib_bin(x->contrib);
        x->afinn = (int8_t)(ms_lexicon_afinn(lx, s, n, &v) ? lrint(v) : 0);
        x->vader = (int8_t)(ms_lexicon_vader(lx, s, n, &v) ? lrint(v) : 0);
        x->prof = (uint8_t)ms_lexicon_profane(lx, s, n);
        x->ins = (uint8_t)ms_lexicon_insult(lx, s, n);
        x->you = (uint8_t)is_you(s, n);
    }
    /* each sentence's strongest word: the words around it are often
     * marked with it ("this clown", "lying scum bag") */
    for (size_t a = 0; a < t->n;) {
        size_t b = a + 1;
        while (b < t->n && !breaks(text, t->tok[b - 1].end, t->tok[b].start))
            b++;
        size_t top = a;
        for (size_t k = a; k < b; k++)
            if (w->info[k].term > w->info[top].term)
                top = k;
        for (size_t k = a; k < b; k++) {
            long d = (long)k - (long)top;
            w->info[k].dist = (int8_t)(d < -4 ? -4 : d > 4 ? 4 : d);
            w->info[k].sbin = contrib_bin(w->info[top].term);
        }
        a = b;
    }
    return MS_OK;
}

typedef struct keyset {
    int32_t idx[MAX_KEYS + D_COUNT];
    double val[MAX_KEYS + D_COUNT];
    size_t n;
    uint32_t mask;
    int32_t dense_base;
} keyset;

static void key(keyset *k, const char *tag, const char *a, size_t na, const char *b, size_t nb)
{
    if (k->n >= MAX_KEYS)
        return;
    uint64_t h = ms_hash64(tag, strlen(tag), 0x5eed);
    h = ms_hash64(a, na, h);
    if (b) {
        h = ms_hash64("\x1f", 1, h);
        h = ms_hash64(b, nb, h);
    }
    k->idx[k->n] = (int32_t)(h & k->mask) + 1;
    k->val[k->n++] = 1;
}

/* The decimal digits of v, as "%d" writes them (without snprintf: this
 * runs a dozen times per token). Returns the length. */
static size_t fmt_int(char b[12], int v)
{
    char tmp[12];
    size_t n = 0, m = 0;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        b[m++] = '-';
    while (n)
        b[m++] = tmp[--n];
    return m;
}

static void keyf(keyset *k, const char *tag, int v)
{
    char b[12];
    key(k, tag, b, fmt_int(b, v), NULL, 0);
}

/* tag and side joined ("prof" "-1" -> "prof-1"); both short literals */
static const char *join(char out[16], const char *tag, const char *side)
{
    size_t a = strlen(tag), b = strlen(side);
    memcpy(out, tag, a);
    memcpy(out + a, side, b + 1);
    return out;
}

static void info_keys(keyset *k, const tok_info *x, const char *side)
{
    char tag[16];
    if (x->prof)
        key(k, join(tag, "prof", side), "", 0, NULL, 0);
    if (x->ins)
        key(k, join(tag, "ins", side), "", 0, NULL, 0);
    if (x->afinn)
        keyf(k, join(tag, "af", side), x->afinn);
    if (x->vader)
        keyf(k, join(tag, "vd", side), x->vader);
    keyf(k, join(tag, "cb", side), x->cbin);
}

/* The features of token i: hashed keys (value 1) and the dense block. */
static void token_keys(const ms_tokens *t, const tok_info *info, size_t i, keyset *k)
{
    k->n = 0;
    const char *w = ms_token_text(t, i);
    size_t n = t->tok[i].fold_len;
    const char *p1 = i > 0 ? ms_token_text(t, i - 1) : "^";
    size_t np1 = i > 0 ? t->tok[i - 1].fold_len : 1;
    const char *n1 = i + 1 < t->n ? ms_token_text(t, i + 1) : "$";
    size_t nn1 = i + 1 < t->n ? t->tok[i + 1].fold_len : 1;
    key(k, "w", w, n, NULL, 0);
    key(k, "p1", p1, np1, NULL, 0);
    key(k, "n1", n1, nn1, NULL, 0);
    key(k, "p2", i > 1 ? ms_token_text(t, i - 2) : "^", i > 1 ? t->tok[i - 2].fold_len : 1, NULL, 0);
    key(k, "n2", i + 2 < t->n ? ms_token_text(t, i + 2) : "$",
        i + 2 < t->n ? t->tok[i + 2].fold_len : 1, NULL, 0);
    key(k, "pw", p1, np1, w, n);
    key(k, "wn", w, n, n1, nn1);
    if (n > 3) {
        key(k, "pre3", w, 3, NULL, 0);
        key(k, "suf3", w + n - 3, 3, NULL, 0);
    }
    if (n > 4) {
        key(k, "pre4", w, 4, NULL, 0);
        key(k, "suf4", w + n - 4, 4, NULL, 0);
    }
    keyf(k, "len", n > 12 ? 12 : (int)n);
    uint32_t fl = t->tok[i].flags;
    if (fl & MS_TOK_UPPER)
        key(k, "up", "", 0, NULL, 0);
    if (fl & MS_TOK_OBFUSCATED)
        key(k, "obf", "", 0, NULL, 0);
    if (fl & MS_TOK_CAPITALISED)
        key(k, "cap", "", 0, NULL, 0);
    if (fl & MS_TOK_NUMBER)
        key(k, "num", "", 0, NULL, 0);
    if (fl & MS_TOK_URL)
        key(k, "url", "", 0, NULL, 0);
    const tok_info *x = &info[i];
    info_keys(k, x, "");
    key(k, "sd", (const char[]){(char)('a' + x->dist + 4), (char)('a' + x->sbin + 1)}, 2, NULL,
        0);
    keyf(k, "tb", x->tbin);
    if (i > 0)
        info_keys(k, &info[i - 1], "-1");
    if (i + 1 < t->n)
        info_keys(k, &info[i + 1], "+1");
    int you_before = 0, you_after = 0;
    for (size_t d = 1; d <= 3; d++) {
        you_before |= d <= i && info[i - d].you;
        you_after |= i + d < t->n && info[i + d].you;
    }
    if (you_before)
        key(k, "you<", "", 0, NULL, 0);
    if (you_after)
        key(k, "you>", "", 0, NULL, 0);
    if (i == 0)
        key(k, "first", "", 0, NULL, 0);
    if (i + 1 == t->n)
        key(k, "last", "", 0, NULL, 0);
    /* a word's contribution is its repeats' together: the attribution
     * splits a feature's push evenly over the occurrences that made it */
    double dense[D_COUNT] = {clip2(x->term), clip2(x->contrib),
                             i > 0 ? clip2(info[i - 1].term) : 0,
                             i + 1 < t->n ? clip2(info[i + 1].term) : 0};
    for (int d = 0; d < D_COUNT; d++) {
        if (dense[d] == 0)
            continue;
        k->idx[k->n] = k->dense_base + d;
        k->val[k->n++] = dense[d];
    }
}

/* Sorts a keyset by index and adds up repeats (libsvm's order). */
static void keys_sorted(keyset *k)
{
    for (size_t a = 1; a < k->n; a++) {
        int32_t ix = k->idx[a];
        double v = k->val[a];
        size_t b = a;
        while (b > 0 && k->idx[b - 1] > ix) {
            k->idx[b] = k->idx[b - 1];
            k->val[b] = k->val[b - 1];
            b--;
        }
        k->idx[b] = ix;
        k->val[b] = v;
    }
    size_t m = 0;
    for (size_t a = 0; a < k->n; a++) {
        if (m > 0 && k->idx[m - 1] == k->idx[a]) {
            k->val[m - 1] += k->val[a];
            continue;
        }
        k->idx[m] = k->idx[a];
        k->val[m++] = k->val[a];
    }
    k->n = m;
}

static void keyset_init(keyset *k, int bits)
{
    k->n = 0;
    k->mask = ((uint32_t)1 << bits) - 1;
    k->dense_base = (int32_t)((uint32_t)1 << bits) + 1;
}

static int32_t model_dim(int bits) { return (int32_t)((uint32_t)1 << bits) + 1 + D_COUNT; }

/* A word is named when nothing else is (decode_params.rescue) only when it
 * pushes the hostility decision value up (the old reasons' floor): never
 * a word that pulls the score down. */
#define RESCUE_MIN_CONTRIB 0.05

/* How token probabilities become spans. */
typedef struct decode_params {
    double threshold; /* a token is marked at p >= threshold */
    double gate;      /* nothing is marked in a comment whose tokens all
                         have p < gate */
    double fill;      /* an unmarked token between two marked ones in the
                         same sentence joins them at p >= fill */
    double rescue;    /* when no token is marked, the likeliest one is at
                         p >= rescue: nearly every comment people flag has
                         words they mark */
} decode_params;

/* 1 when the bytes between two tokens end a sentence or a line. */
static int breaks(const char *text, uint32_t a, uint32_t b)
{
    for (uint32_t c = a; c < b; c++)
        if (text[c] == '.' || text[c] == '!' || text[c] == '?' || text[c] == '\n' ||
            text[c] == ';')
            return 1;
    return 0;
}

/* Runs of marked tokens as spans, in text order (tokens n of them with
 * byte spans start/end and probabilities p). OUT: w->spans. */
static ms_status decode(ms_spans_work *w, const char *text, const uint32_t *start,
                        const uint32_t *end, const double *p, const double *term, size_t n,
                        const decode_params *dp, const tok_info *info)
{
    w->n_spans = 0;
    double top = 0;
    for (size_t i = 0; i < n; i++)
        top = p[i] > top ? p[i] : top;
    if (top < dp->gate || n == 0)
        return MS_OK;
    for (size_t i = 0; i < n;) {
        if (p[i] < dp->threshold) {
            i++;
            continue;
        }
        size_t j = i + 1; /* the run is [i, j) */
        while (j < n) {
            if (breaks(text, end[j - 1], start[j]))
                break;
            if (p[j] >= dp->threshold) {
                j++;
                continue;
            }
            /* a gap of up to three tokens at p >= fill, then a marked one */
            size_t g = j;
            while (g < n && g < j + 3 && p[g] >= dp->fill && p[g] < dp->threshold &&
                   (g == j || !breaks(text, end[g - 1], start[g])))
                g++;
            if (g > j && g < n && p[g] >= dp->threshold && !breaks(text, end[g - 1], start[g])) {
                j = g + 1;
                continue;
            }
            break;
        }
        if (ms_grow((void **)&w->spans, &w->spans_cap, w->n_spans + 1, sizeof *w->spans) !=
            MS_OK)
            return MS_ERR_NOMEM;
        ms_span *s = &w->spans[w->n_spans++];
        s->start = start[i];
        s->end = end[j - 1];
        s->first = (uint32_t)i;
        s->last = (uint32_t)(j - 1);
        s->p = 0;
        s->weight = 0;
        for (size_t k = i; k < j; k++) {
            s->p = p[k] > s->p ? p[k] : s->p;
            s->weight += info ? info[k].contrib : 0;
        }
        i = j;
    }
    /* nothing marked: the likeliest word that pushes the hostility score
     * up clearly (a civil comment's likeliest word is no reason) */
    if (w->n_spans == 0 && dp->rescue < 1) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (term[i] >= RESCUE_MIN_CONTRIB && p[i] >= dp->rescue && (best == n || p[i] > p[best]))
                best = i;
        if (best < n) {
            if (ms_grow((void **)&w->spans, &w->spans_cap, 1, sizeof *w->spans) != MS_OK)
                return MS_ERR_NOMEM;
            ms_span *s = &w->spans[w->n_spans++];
            s->start = start[best];
            s->end = end[best];
            s->first = s->last = (uint32_t)best;
            s->p = p[best];
            s->weight = info ? info[best].contrib : 0;
        }
    }
    return MS_OK;
}

ms_status ms_spans_work_new(ms_spans_work **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? MS_OK : MS_ERR_NOMEM;
}

void ms_spans_work_free(ms_spans_work *w)
{
    if (!w)
        return;
    free(w->info);
    free(w->refs);
    free(w->p);
    free(w->term);
    free(w->start);
    free(w->end);
    free(w->spans);
    free(w);
}

ms_status ms_spans_find(const ms_spans_model *m, ms_spans_work *w, const ms_lexicon *lx,
                        const char *text, const ms_tokens *t, const double *contrib, const ms_span **spans,
                        size_t *n)
{
    *spans = NULL;
    *n = 0;
    w->n_spans = 0;
    if (t->n == 0)
        return MS_OK;
    ms_status st = token_info(w, lx, text, t, contrib);
    size_t pc = w->p_cap;
    if (st == MS_OK && (ms_grow((void **)&w->p, &pc, t->n, sizeof *w->p) != MS_OK ||
                        ms_grow((void **)&w->term, &w->p_cap, t->n, sizeof *w->term) != MS_OK))
        st = MS_ERR_NOMEM;
    if (st != MS_OK)
        return st;
    keyset k;
    keyset_init(&k, m->bits);
    const ms_linear *lin = m->lin;
    for (size_t i = 0; i < t->n; i++) {
        token_keys(t, w->info, i, &k);
        double dec = -lin->rho;
        for (size_t j = 0; j < k.n; j++)
            if (k.idx[j] < lin->dim)
                dec += lin->w[k.idx[j]] * k.val[j];
        w->p[i] = ms_linear_probability(lin, dec);
    }
    size_t cap = w->se_cap;
    if (ms_grow((void **)&w->start, &cap, t->n, sizeof *w->start) != MS_OK)
        return MS_ERR_NOMEM;
    cap = w->se_cap;
    if (ms_grow((void **)&w->end, &cap, t->n, sizeof *w->end) != MS_OK)
        return MS_ERR_NOMEM;
    w->se_cap = cap;
    for (size_t i = 0; i < t->n; i++) {
        w->start[i] = t->tok[i].start;
        w->end[i] = t->tok[i].end;
        w->term[i] = w->info[i].term;
    }
    decode_params dp = {m->threshold, m->gate, m->fill, m->rescue};
    st = decode(w, text, w->start, w->end, w->p, w->term, t->n, &dp, w->info);
    if (st != MS_OK)
        return st;
    *spans = w->spans;
    *n = w->n_spans;
    return MS_OK;
}

/* ---------------------------------------------------------------- loading */

/* model.bin: model.svm's weights as a dense array, mapped read-only, so
 * loading costs no parsing (modscore check starts in milliseconds) and a
 * process reads only the pages its comments' features touch. Layout
 * (native byte order, the machine that wrote it): "MSSPANS1", u32 bits,
 * i32 dim, u64 FNV-1a of the model.svm it was compiled from, f64 rho,
 * probA, probB, then dim f64 weights. A file compiled from another model.svm
 * or of another size is passed over (model.svm is parsed instead). */
static const char BIN_MAGIC[8] = {'M', 'S', 'S', 'P', 'A', 'N', 'S', '1'};
#define BIN_HEADER 48

static ms_status write_bin(const char *path, const ms_linear *lin, int bits, uint64_t svm_hash,
                           ms_error *err)
{
    ms_buf b = {0};
    uint32_t ub = (uint32_t)bits;
    int32_t dim = model_dim(bits);
    double head[3] = {lin->rho, lin->prob_a, lin->prob_b};
    ms_status st = ms_buf_reserve(&b, BIN_HEADER + (size_t)dim * sizeof(double));
    if (st != MS_OK)
        return ms_fail(err, st, path, 0, 0, "out of memory");
    ms_buf_add(&b, BIN_MAGIC, 8);
    ms_buf_add(&b, (const char *)&ub, 4);
    ms_buf_add(&b, (const char *)&dim, 4);
    ms_buf_add(&b, (const char *)&svm_hash, 8);
    ms_buf_add(&b, (const char *)head, sizeof head);
    for (int32_t j = 0; j < dim; j++) {
        double v = j < lin->dim ? lin->w[j] : 0;
        ms_buf_add(&b, (const char *)&v, sizeof v);
    }
    st = ms_write_file_atomic(path, b.data, b.len, err);
    ms_buf_free(&b);
    return st;
}

/* Maps dir/model.bin when it was compiled from the model.svm with hash h;
 * MS_ERR_NOT_FOUND when absent or stale. */
static ms_status map_bin(ms_spans_model *m, const char *path, uint64_t h)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MS_ERR_NOT_FOUND;
    struct stat sb;
    int32_t dim = model_dim(m->bits);
    size_t want = BIN_HEADER + (size_t)dim * sizeof(double);
    if (fstat(fd, &sb) != 0 || (size_t)sb.st_size != want) {
        close(fd);
        return MS_ERR_NOT_FOUND;
    }
    unsigned char *p = mmap(NULL, want, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return MS_ERR_NOT_FOUND;
    uint32_t bits;
    int32_t d;
    uint64_t fh;
    double head[3];
    memcpy(&bits, p + 8, 4);
    memcpy(&d, p + 12, 4);
    memcpy(&fh, p + 16, 8);
    memcpy(head, p + 24, sizeof head);
    m->lin = calloc(1, sizeof *m->lin);
    if (memcmp(p, BIN_MAGIC, 8) || bits != (uint32_t)m->bits || d != dim || fh != h ||
        !isfinite(head[0]) || !isfinite(head[1]) || !isfinite(head[2]) || !m->lin) {
        free(m->lin);
        m->lin = NULL;
        munmap(p, want);
        return MS_ERR_NOT_FOUND;
    }
    m->map = p;
    m->map_len = want;
    m->lin->w = (double *)(void *)(p + BIN_HEADER);
    m->lin->dim = dim;
    m->lin->rho = head[0];
    m->lin->prob_a = head[1];
    m->lin->prob_b = head[2];
    m->lin->positive_first = 1;
    m->lin->borrowed = 1;
    return MS_OK;
}

ms_status ms_spans_load(const char *dir, ms_spans_model **out, ms_error *err)
{
    *out = NULL;
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/card.json", dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (access(path.data, F_OK) != 0) {
        ms_status st = ms_fail(err, MS_ERR_NOT_FOUND, path.data, 0, 0, "no spans model");
        ms_buf_free(&path);
        return st;
    }
    json_error_t je;
    json_t *card = json_load_file(path.data, 0, &je);
    ms_status st = MS_OK;
    ms_spans_model *m = calloc(1, sizeof *m);
    if (!m)
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    else if (!card)
        st = ms_fail(err, MS_ERR_MODEL, path.data, je.line, je.column, "%s", je.text);
    const char *hash = NULL;
    if (st == MS_OK) {
        json_int_t format = json_integer_value(json_object_get(card, "format"));
        const char *task = json_string_value(json_object_get(card, "task"));
        json_int_t bits = json_integer_value(json_object_get(card, "hash_bits"));
        json_t *thr = json_object_get(card, "threshold");
        hash = json_string_value(json_object_get(card, "model_hash"));
        const char *version = json_string_value(json_object_get(card, "version"));
        if (format != SPANS_FORMAT || !task || strcmp(task, "spans") || bits < 8 || bits > 24 ||
            !json_is_number(thr) || !hash || !version)
            st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0,
                         "not a spans model card of format %d (format, task, hash_bits, "
                         "threshold, model_hash, version)",
                         SPANS_FORMAT);
        else {
            m->bits = (int)bits;
            m->threshold = json_number_value(thr);
            json_t *gate = json_object_get(card, "gate"), *fill = json_object_get(card, "fill");
            m->gate = json_is_number(gate) ? json_number_value(gate) : 0;
            m->fill = json_is_number(fill) ? json_number_value(fill) : 2;
            json_t *rescue = json_object_get(card, "rescue");
            m->rescue = json_is_number(rescue) ? json_number_value(rescue) : 2;
            m->version = ms_strdup0(version);
            if (!m->version)
                st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        }
    }
    uint64_t h = 0;
    if (st == MS_OK && ms_parse_hex64(hash, &h) != 0)
        st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0, "bad model_hash");
    int mapped = 0;
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/model.bin", dir);
        mapped = map_bin(m, path.data, h) == MS_OK;
    }
    if (st == MS_OK && !mapped) {
        path.len = 0;
        ms_buf_printf(&path, "%s/model.svm", dir);
        st = ms_card_check_file(path.data, h, err);
        if (st == MS_OK)
            st = ms_linear_load(path.data, &m->lin, err);
    }
    if (st == MS_OK && m->lin->dim > model_dim(m->bits))
        st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0,
                     "feature index past the card's %d hash bits", m->bits);
    json_decref(card);
    ms_buf_free(&path);
    if (st != MS_OK) {
        ms_spans_free(m);
        return st;
    }
    *out = m;
    return MS_OK;
}

void ms_spans_free(ms_spans_model *m)
{
    if (!m)
        return;
    ms_linear_free(m->lin);
    if (m->map)
        munmap(m->map, m->map_len);
    free(m->version);
    free(m);
}

const char *ms_spans_version(const ms_spans_model *m) { return m ? m->version : NULL; }

/* ----------------------------------------------------------------- data */

void ms_spans_set_clear(ms_spans_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++) {
        free(set->items[i].text);
        free(set->items[i].spans);
    }
    free(set->items);
    memset(set, 0, sizeof *set);
}

ms_status ms_spans_set_read(const char *data, size_t len, const char *source, ms_spans_set *set,
                            ms_error *err)
{
    size_t n0 = set->n;
    long line = 0;
    ms_status st = MS_OK;
    for (size_t pos = 0; pos < len && st == MS_OK;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        const char *s = data + pos;
        size_t n = end - pos;
        pos = end + 1;
        if (n == 0)
            continue;
        json_error_t je;
        json_t *j = json_loadb(s, n, 0, &je);
        json_t *text = json_object_get(j, "text"), *spans = json_object_get(j, "spans");
        if (!j || !json_is_string(text) || !json_is_array(spans)) {
            st = ms_fail(err, MS_ERR_PARSE, source, line, j ? 1 : je.column,
                         j ? "need \"text\" (string) and \"spans\" (array)" : "%s", je.text);
            json_decref(j);
            break;
        }
        if (ms_grow((void **)&set->items, &set->cap, set->n + 1, sizeof *set->items) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
            json_decref(j);
            break;
        }
        ms_spans_post *p = &set->items[set->n];
        memset(p, 0, sizeof *p);
        p->len = json_string_length(text);
        p->text = ms_strndup(json_string_value(text), p->len);
        p->n_spans = json_array_size(spans);
        p->spans = malloc((p->n_spans ? p->n_spans : 1) * 2 * sizeof *p->spans);
        if (!p->text || !p->spans) {
            free(p->text);
            free(p->spans);
            st = ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
            json_decref(j);
            break;
        }
        set->n++;
        for (size_t k = 0; k < p->n_spans; k++) {
            json_t *a = json_array_get(spans, k);
            json_int_t b = json_integer_value(json_array_get(a, 0));
            json_int_t e = json_integer_value(json_array_get(a, 1));
            if (json_array_size(a) != 2 || b < 0 || e <= b || (size_t)e > p->len) {
                st = ms_fail(err, MS_ERR_PARSE, source, line, 0,
                             "span %zu is not [start, end) inside the text's %zu bytes", k,
                             p->len);
                break;
            }
            p->spans[2 * k] = (uint32_t)b;
            p->spans[2 * k + 1] = (uint32_t)e;
        }
        json_decref(j);
    }
    if (st != MS_OK) {
        for (size_t i = n0; i < set->n; i++) {
            free(set->items[i].text);
            free(set->items[i].spans);
        }
        set->n = n0;
    }
    return st;
}

/* ------------------------------------------------------------- training */

typedef struct tok_rows {
    ms_fvec *x;      /* one row per token */
    int8_t *y;
    uint32_t *start, *end; /* the token's byte span */
    double *term;          /* its word's contribution (tok_info.term) */
    size_t n, cap;
    size_t *post_first; /* rows of post k: [post_first[k], post_first[k + 1]) */
    int32_t *pool_idx;
    double *pool_val;
    size_t pool_n, pool_cap;
    size_t *row_off;
} tok_rows;

static void tok_rows_clear(tok_rows *r)
{
    free(r->x);
    free(r->y);
    free(r->start);
    free(r->end);
    free(r->term);
    free(r->post_first);
    free(r->pool_idx);
    free(r->pool_val);
    free(r->row_off);
    memset(r, 0, sizeof *r);
}

/* Marked when at least half of the token's bytes are inside gold spans. */
static int8_t token_label(const ms_spans_post *p, uint32_t s, uint32_t e)
{
    uint32_t in = 0;
    for (size_t k = 0; k < p->n_spans; k++) {
        uint32_t a = p->spans[2 * k] > s ? p->spans[2 * k] : s;
        uint32_t b = p->spans[2 * k + 1] < e ? p->spans[2 * k + 1] : e;
        if (b > a)
            in += b - a;
    }
    return (int8_t)(in > 0);
}

static ms_status build_rows(ms_scorer *sc, const ms_lexicon *lx, const ms_spans_set *set,
                            int bits, tok_rows *r)
{
    ms_spans_work *w = NULL;
    ms_status st = ms_spans_work_new(&w);
    size_t cap_pool = 0;
    r->post_first = malloc((set->n + 1) * sizeof *r->post_first);
    if (!r->post_first)
        st = MS_ERR_NOMEM;
    keyset k;
    keyset_init(&k, bits);
    for (size_t pi = 0; st == MS_OK && pi < set->n; pi++) {
        const ms_spans_post *p = &set->items[pi];
        r->post_first[pi] = r->n;
        const ms_tokens *t;
        const double *contrib;
        st = ms_scorer_contrib(sc, p->text, p->len, &t, &contrib);
        if (st == MS_OK)
            st = token_info(w, lx, p->text, t, contrib);
        for (size_t i = 0; st == MS_OK && i < t->n; i++) {
            token_keys(t, w->info, i, &k);
            keys_sorted(&k);
            size_t need = r->n + 1;
            if (ms_grow((void **)&r->y, &r->cap, need, sizeof *r->y) != MS_OK) {
                st = MS_ERR_NOMEM;
                break;
            }
            /* the other per-row arrays follow y's capacity */
            void *a = realloc(r->start, r->cap * sizeof *r->start);
            if (a)
                r->start = a;
            void *b = realloc(r->end, r->cap * sizeof *r->end);
            if (b)
                r->end = b;
            void *c = realloc(r->row_off, (r->cap + 1) * sizeof *r->row_off);
            if (c)
                r->row_off = c;
            void *d = realloc(r->term, r->cap * sizeof *r->term);
            if (d)
                r->term = d;
            if (!a || !b || !c || !d ||
                ms_grow((void **)&r->pool_idx, &r->pool_cap, r->pool_n + k.n,
                        sizeof *r->pool_idx) != MS_OK) {
                st = MS_ERR_NOMEM;
                break;
            }
            if (cap_pool < r->pool_cap) {
                void *v = realloc(r->pool_val, r->pool_cap * sizeof *r->pool_val);
                if (!v) {
                    st = MS_ERR_NOMEM;
                    break;
                }
                r->pool_val = v;
                cap_pool = r->pool_cap;
            }
            r->row_off[r->n] = r->pool_n;
            memcpy(r->pool_idx + r->pool_n, k.idx, k.n * sizeof *k.idx);
            memcpy(r->pool_val + r->pool_n, k.val, k.n * sizeof *k.val);
            r->pool_n += k.n;
            r->start[r->n] = t->tok[i].start;
            r->end[r->n] = t->tok[i].end;
            r->term[r->n] = w->info[i].term;
            r->y[r->n] = token_label(p, t->tok[i].start, t->tok[i].end);
            r->n++;
        }
    }
    if (st == MS_OK) {
        r->post_first[set->n] = r->n;
        r->x = calloc(r->n ? r->n : 1, sizeof *r->x);
        if (!r->x)
            st = MS_ERR_NOMEM;
    }
    for (size_t i = 0; st == MS_OK && i < r->n; i++) {
        size_t e = i + 1 < r->n ? r->row_off[i + 1] : r->pool_n;
        r->x[i].idx = r->pool_idx + r->row_off[i];
        r->x[i].val = r->pool_val + r->row_off[i];
        r->x[i].n = e - r->row_off[i];
        r->x[i].cap = r->x[i].n;
    }
    ms_spans_work_free(w);
    return st;
}

/* Mean per-post F1 over bytes (SemEval-2021 Task 5's metric, in bytes
 * rather than code points) of the spans decoded from p. */
static double mean_f1(ms_spans_work *w, const ms_spans_set *set, const tok_rows *r,
                      const size_t *posts, size_t n_posts, const double *p,
                      const decode_params *dp, uint8_t *mask)
{
    double sum = 0;
    for (size_t q = 0; q < n_posts; q++) {
        const ms_spans_post *post = &set->items[posts[q]];
        size_t a = r->post_first[posts[q]], b = r->post_first[posts[q] + 1];
        memset(mask, 0, post->len);
        size_t gold = 0, pred = 0, both = 0;
        for (size_t k = 0; k < post->n_spans; k++)
            for (uint32_t c = post->spans[2 * k]; c < post->spans[2 * k + 1]; c++)
                mask[c] |= 1;
        if (decode(w, post->text, r->start + a, r->end + a, p + a, r->term + a, b - a, dp,
                   NULL) != MS_OK)
            return -1;
        for (size_t k = 0; k < w->n_spans; k++)
            for (uint32_t c = w->spans[k].start; c < w->spans[k].end; c++)
                mask[c] |= 2;
        for (size_t c = 0; c < post->len; c++) {
            gold += mask[c] & 1;
            pred += (mask[c] >> 1) & 1;
            both += mask[c] == 3;
        }
        if (gold == 0 || pred == 0)
            sum += gold == 0 && pred == 0;
        else
            sum += 2.0 * (double)both / (double)(gold + pred);
    }
    return n_posts ? sum / (double)n_posts : 0;
}

/* Writes the model directory as training does (src/modeldir.h): built in a
 * temporary directory marked as modscore's, then exchanged with the old
 * model; a directory that is not a model's is never replaced. */
static ms_status write_dir(const char *out_dir, const ms_linear *lin, int bits, json_t *card,
                           ms_error *err)
{
    ms_buf path = {0};
    char *tmp = NULL;
    ms_status st = ms_modeldir_begin(out_dir, &tmp, err);
    uint64_t h = 0;
    if (st == MS_OK) {
        ms_buf_printf(&path, "%s/model.svm", tmp);
        st = ms_linear_write_libsvm(lin, path.data, err);
    }
    if (st == MS_OK)
        st = ms_card_file_hash(path.data, &h, err);
    ms_linear *back = NULL;
    if (st == MS_OK) /* compiled from the file as libsvm reads it */
        st = ms_linear_load(path.data, &back, err);
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/model.bin", tmp);
        st = write_bin(path.data, back, bits, h, err);
    }
    ms_linear_free(back);
    if (st == MS_OK) {
        char hex[17];
        ms_hex64(h, hex);
        json_object_set_new(card, "model_hash", json_string(hex));
        st = ms_modeldir_write_card(tmp, card, err);
    }
    if (st == MS_OK)
        st = ms_modeldir_publish(tmp, out_dir, err);
    if (st != MS_OK)
        ms_modeldir_discard(tmp);
    free(tmp);
    ms_buf_free(&path);
    return st;
}

static void decisions(const ms_linear *lin, const tok_rows *r, const size_t *posts, size_t n,
                      double *dec)
{
    for (size_t q = 0; q < n; q++)
        for (size_t i = r->post_first[posts[q]]; i < r->post_first[posts[q] + 1]; i++)
            dec[i] = ms_linear_decision(lin, &r->x[i]);
}

ms_status ms_spans_train(ms_scorer *sc, const ms_lexicon *lx, const ms_spans_set *set,
                         const ms_spans_options *opt, const char *out_dir, ms_error *err)
{
    static const double default_grid[] = {0.03, 0.1, 0.3, 1};
    int bits = opt->hash_bits ? opt->hash_bits : DEFAULT_BITS;
    if (bits < 8 || bits > 24)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "hash bits must be 8..24");
    const double *grid = opt->c_grid && opt->n_c ? opt->c_grid : default_grid;
    size_t n_grid = opt->c_grid && opt->n_c ? opt->n_c : sizeof default_grid / sizeof *grid;
    double share = opt->dev_share > 0 && opt->dev_share < 1 ? opt->dev_share : 0.2;
    if (set->n < 10)
        return ms_fail(err, MS_ERR_PARSE, "", 0, 0, "need at least 10 posts (have %zu)", set->n);
    /* before any work: a directory that is not a model's is never replaced */
    ms_status cst = ms_modeldir_check(out_dir, err);
    if (cst != MS_OK)
        return cst;
    double t0 = ms_now();
    ms_spans_work *w = NULL;
    tok_rows r = {0};
    ms_status st = build_rows(sc, lx, set, bits, &r);
    size_t *order = malloc(set->n * sizeof *order);
    double *dec = calloc(r.n ? r.n : 1, sizeof *dec), *prob = calloc(r.n ? r.n : 1, sizeof *prob);
    size_t *rows = malloc((r.n ? r.n : 1) * sizeof *rows);
    size_t max_len = 1;
    for (size_t i = 0; i < set->n; i++)
        if (set->items[i].len > max_len)
            max_len = set->items[i].len;
    uint8_t *mask = malloc(max_len);
    int8_t *ydev = malloc(r.n ? r.n : 1);
    if (st == MS_OK && (!order || !dec || !prob || !rows || !mask || !ydev))
        st = MS_ERR_NOMEM;
    if (st != MS_OK) {
        st = ms_fail(err, st, "", 0, 0, "token features: %s", ms_strerror(st));
        goto out;
    }
    /* posts in a seeded order: the last share of them is the dev part */
    uint64_t rng = opt->seed ? opt->seed : 1;
    for (size_t i = 0; i < set->n; i++)
        order[i] = i;
    for (size_t i = set->n - 1; i > 0; i--) {
        size_t j = (size_t)(ms_random_next(&rng) % (i + 1));
        size_t tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    size_t n_dev = (size_t)((double)set->n * share);
    size_t n_fit = set->n - n_dev;
    const size_t *dev = order + n_fit;
    size_t n_rows = 0, pos = 0;
    for (size_t q = 0; q < n_fit; q++)
        for (size_t i = r.post_first[order[q]]; i < r.post_first[order[q] + 1]; i++)
            rows[n_rows++] = i;
    for (size_t i = 0; i < r.n; i++)
        pos += r.y[i] == 1;
    if (!opt->quiet)
        fprintf(stderr, "spans: %zu posts, %zu tokens (%zu marked), %zu features; %.1f s\n",
                set->n, r.n, pos, r.pool_n, ms_now() - t0);
    ms_problem prob_all = {r.x, r.y, r.n, model_dim(bits)};
    ms_fit_params fp = {0};
    fp.weight_pos = fp.weight_neg = 1;
    fp.loss = MS_LOSS_LOGISTIC;
    fp.seed = opt->seed ? opt->seed : 1;
    double best_f1 = -1, best_c = grid[0], best_a = 0, best_b = 0;
    decode_params best = {0.5, 0, 2, 2};
    if (ms_spans_work_new(&w) != MS_OK) {
        st = ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "out of memory");
        goto out;
    }
    for (size_t g = 0; g < n_grid; g++) {
        ms_linear lin = {0};
        fp.c = grid[g];
        st = ms_linear_fit(&prob_all, rows, n_rows, &fp, &lin);
        if (st != MS_OK) {
            st = ms_fail(err, st, "", 0, 0, "fit at C=%g: %s", grid[g], ms_strerror(st));
            goto out;
        }
        decisions(&lin, &r, dev, n_dev, dec);
        /* Platt's sigmoid on the dev part's decision values */
        size_t nd = 0;
        for (size_t q = 0; q < n_dev; q++)
            for (size_t i = r.post_first[dev[q]]; i < r.post_first[dev[q] + 1]; i++) {
                prob[nd] = dec[i];
                ydev[nd++] = r.y[i];
            }
        double a = 0, b = 0;
        st = ms_platt_fit(prob, ydev, nd, &a, &b);
        if (st != MS_OK) {
            free(lin.w);
            st = ms_fail(err, st, "", 0, 0, "calibration: %s", ms_strerror(st));
            goto out;
        }
        lin.prob_a = a;
        lin.prob_b = b;
        for (size_t q = 0; q < n_dev; q++)
            for (size_t i = r.post_first[dev[q]]; i < r.post_first[dev[q] + 1]; i++)
                prob[i] = ms_linear_probability(&lin, dec[i]);
        static const double gates[] = {0, 0.3, 0.4, 0.5, 0.6};
        static const double fills[] = {2, 0.2, 0.1, 0.05};
        static const double rescues[] = {2, 0, 0.05, 0.1, 0.15, 0.2};
        for (double thr = 0.15; thr < 0.751; thr += 0.025)
            for (size_t gi = 0; gi < sizeof gates / sizeof *gates; gi++)
                for (size_t fi = 0; fi < sizeof fills / sizeof *fills; fi++)
                for (size_t ri = 0; ri < sizeof rescues / sizeof *rescues; ri++) {
                    decode_params dp = {thr, gates[gi], fills[fi], rescues[ri]};
                    if ((dp.gate > 0 && dp.gate <= thr) || (dp.fill < 1 && dp.fill >= thr) ||
                        (dp.rescue < 1 && (dp.rescue >= thr || dp.gate > 0)))
                        continue; /* the same as a setting tried already */
                    double f1 = mean_f1(w, set, &r, dev, n_dev, prob, &dp, mask);
                    if (f1 > best_f1) {
                        best_f1 = f1;
                        best_c = grid[g];
                        best = dp;
                        best_a = a;
                        best_b = b;
                    }
                }
        if (!opt->quiet)
            fprintf(stderr,
                    "spans: C=%g: dev byte F1 so far %.4f (C=%g, threshold %.3f, gate %.2f, "
                    "fill %.2f, rescue %.2f); %.1f s\n",
                    grid[g], best_f1, best_c, best.threshold, best.gate, best.fill, best.rescue,
                    ms_now() - t0);
        free(lin.w);
    }
    /* the model: every post, at the chosen C, with the dev part's sigmoid */
    ms_linear final = {0};
    fp.c = best_c;
    st = ms_linear_fit(&prob_all, NULL, r.n, &fp, &final);
    if (st != MS_OK) {
        st = ms_fail(err, st, "", 0, 0, "final fit: %s", ms_strerror(st));
        goto out;
    }
    final.prob_a = best_a;
    final.prob_b = best_b;
    uint64_t dh = 0;
    for (size_t i = 0; i < set->n; i++) {
        dh = ms_hash64(set->items[i].text, set->items[i].len, dh);
        dh = ms_hash64(set->items[i].spans, set->items[i].n_spans * 2 * sizeof(uint32_t), dh);
    }
    char hex[17], date[16], version[64];
    ms_hex64(dh, hex);
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(date, sizeof date, "%Y%m%d", &tmv);
    snprintf(version, sizeof version, "spans-%s-%.8s", date, hex);
    const char *host = ms_scorer_hostility_version(sc);
    json_t *card = json_pack(
        "{s:i, s:s, s:s, s:s, s:i, s:f, s:f, s:s?, s:{s:s, s:I, s:I, s:I}, s:{s:f, s:I, s:f}, "
        "s:s, s:s}",
        "format", SPANS_FORMAT, "task", "spans", "version", version, "model",
        "token-level L2 logistic regression (dual coordinate descent), a libsvm linear model",
        "hash_bits", bits, "threshold", best.threshold, "c", best_c, "hostility_version", host,
        "data", "hash", hex, "posts", (json_int_t)set->n, "tokens", (json_int_t)r.n,
        "marked_tokens", (json_int_t)pos, "dev", "share", share, "posts", (json_int_t)n_dev,
        "byte_f1", best_f1, "features",
        "per token: folded form, neighbours (2 each side, and the bigrams with each), "
        "3-4 byte prefixes and suffixes, length, shape flags, profanity/insult list, AFINN and "
        "VADER valence (its own and its neighbours'), its contribution w_j*x_j to the hostility "
        "decision value and that summed over its repeats (binned and as values), a "
        "second-person word within 3 tokens",
        "labels", "a token is marked when any of its bytes is in a gold span; runs of marked "
        "tokens are one span");
    if (card) {
        json_object_set_new(card, "gate", json_real(best.gate));
        json_object_set_new(card, "fill", json_real(best.fill));
        json_object_set_new(card, "rescue", json_real(best.rescue));
    }
    if (!card) {
        free(final.w);
        st = ms_fail(err, MS_ERR_NOMEM, out_dir, 0, 0, "out of memory");
        goto out;
    }
    st = write_dir(out_dir, &final, bits, card, err);
    if (!opt->quiet && st == MS_OK)
        fprintf(stderr, "spans: wrote %s (C=%g, threshold %.3f, dev byte F1 %.4f); %.1f s\n",
                out_dir, best_c, best.threshold, best_f1, ms_now() - t0);
    json_decref(card);
    free(final.w);
out:
    free(order);
    free(dec);
    free(prob);
    free(rows);
    free(mask);
    free(ydev);
    ms_spans_work_free(w);
    tok_rows_clear(&r);
    return st;
}

ms_status ms_spans_dump(ms_scorer *sc, const ms_lexicon *lx, const ms_spans_set *set,
                        int hash_bits, const char *svm_path, const char *meta_path,
                        ms_error *err)
{
    int bits = hash_bits ? hash_bits : DEFAULT_BITS;
    tok_rows r = {0};
    ms_status st = build_rows(sc, lx, set, bits, &r);
    if (st != MS_OK) {
        tok_rows_clear(&r);
        return ms_fail(err, st, "", 0, 0, "token features: %s", ms_strerror(st));
    }
    FILE *fs = fopen(svm_path, "w"), *fm = fopen(meta_path, "w");
    if (!fs || !fm)
        st = ms_fail(err, MS_ERR_IO, fs ? meta_path : svm_path, 0, 0, "cannot create: %s",
                     strerror(errno));
    for (size_t q = 0; st == MS_OK && q < set->n; q++)
        for (size_t i = r.post_first[q]; i < r.post_first[q + 1]; i++) {
            fprintf(fs, "%d", r.y[i]);
            for (size_t k = 0; k < r.x[i].n; k++)
                fprintf(fs, " %d:%.17g", (int)r.x[i].idx[k], r.x[i].val[k]);
            fputc('\n', fs);
            fprintf(fm, "%zu %u %u %.6g\n", q, r.start[i], r.end[i], r.term[i]);
        }
    if (fs && fclose(fs) != 0 && st == MS_OK)
        st = ms_fail(err, MS_ERR_IO, svm_path, 0, 0, "write failed");
    if (fm && fclose(fm) != 0 && st == MS_OK)
        st = ms_fail(err, MS_ERR_IO, meta_path, 0, 0, "write failed");
    tok_rows_clear(&r);
    return st;
}

/* spans.c - reason spans from a token-level linear model (see spans.h). */
#include "spans_priv.h"

#include "card.h"
#include "model.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>


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
    static const ms_lit you[] = {MS_LIT("you"),   MS_LIT("your"),  MS_LIT("u"),
                                 MS_LIT("ur"),    MS_LIT("youre"), MS_LIT("yours"),
                                 MS_LIT("yourself"), MS_LIT("ya")};
    if (n == 0 || (w[0] != 'y' && w[0] != 'u'))
        return 0;
    for (size_t k = 0; k < sizeof you / sizeof *you; k++)
        if (you[k].n == n && memcmp(you[k].s, w, n) == 0)
            return 1;
    return 0;
}

static int breaks(const char *text, uint32_t a, uint32_t b);

/* Fills w->info for the tokens of one comment. */
ms_status sp_token_info(ms_spans_work *w, const ms_lexicon *lx, const char *text,
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
        ms_lexicon_word lw;
        ms_lexicon_word_of(lx, s, n, &lw);
        x->contrib = contrib[i];
        x->cbin = contrib_bin(x->term);
        x->tbin = contrib_bin(x->contrib);
        x->afinn = (int8_t)lrint(lw.afinn); /* 0 when unlisted */
        x->vader = (int8_t)lrint(lw.vader);
        x->prof = (uint8_t)((lw.lists & MS_LEXICON_ON_PROFANE) != 0);
        x->ins = (uint8_t)((lw.lists & MS_LEXICON_ON_INSULT) != 0);
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


/* The features' tags. A key's hash starts with its tag's, so each tag is
 * hashed once, and the keys of a tag alone (flags) or of a tag and a small
 * number (bins, valences, lengths) are hashed whole once: a token's keys
 * then hash only its words (hashing tags and digits was most of the keys'
 * cost, issue 20). The hashes are those of key_text(). */
enum {
    T_W, T_P1, T_N1, T_P2, T_N2, T_PW, T_WN, T_PRE3, T_SUF3, T_PRE4, T_SUF4, T_LEN, T_UP,
    T_OBF, T_CAP, T_NUM, T_URL, T_SD, T_TB, T_YOU_BEFORE, T_YOU_AFTER, T_FIRST, T_LAST,
    T_SIDED /* then each of sided_tags with each of sides */
};
enum { S_PROF, S_INS, S_AF, S_VD, S_CB, S_COUNT };
enum { SIDE_SELF, SIDE_PREV, SIDE_NEXT, SIDE_COUNT };
#define N_TAGS (T_SIDED + SIDE_COUNT * S_COUNT)
#define SMALL_MIN (-16) /* numbers with their keys hashed whole */
#define SMALL_MAX 16

static const char *const tag_names[T_SIDED] = {
    "w",  "p1",  "n1",  "p2",  "n2", "pw", "wn",  "pre3", "suf3", "pre4", "suf4", "len",
    "up", "obf", "cap", "num", "url", "sd", "tb", "you<", "you>", "first", "last"};
static const char *const sided_tags[S_COUNT] = {"prof", "ins", "af", "vd", "cb"};
static const char *const sides[SIDE_COUNT] = {"", "-1", "+1"};

static struct {
    uint64_t tag[N_TAGS];  /* each tag's hash, the seed of its keys' */
    uint64_t bare[N_TAGS]; /* the key of the tag alone */
    uint64_t small[N_TAGS][SMALL_MAX - SMALL_MIN + 1]; /* the tag and a number */
} kh;
static pthread_once_t kh_once = PTHREAD_ONCE_INIT;

static size_t fmt_int(char b[12], int v);

static void kh_build(void)
{
    for (size_t t = 0; t < N_TAGS; t++) {
        char name[16];
        if (t < T_SIDED) {
            snprintf(name, sizeof name, "%s", tag_names[t]);
        } else {
            size_t j = t - T_SIDED;
            snprintf(name, sizeof name, "%s%s", sided_tags[j % S_COUNT], sides[j / S_COUNT]);
        }
        kh.tag[t] = ms_hash64(name, strlen(name), 0x5eed);
        kh.bare[t] = ms_hash64("", 0, kh.tag[t]);
        for (int v = SMALL_MIN; v <= SMALL_MAX; v++) {
            char b[12];
            kh.small[t][v - SMALL_MIN] = ms_hash64(b, fmt_int(b, v), kh.tag[t]);
        }
    }
}

/* Adds the key of hash h (value 1). */
static void key_hash(keyset *k, uint64_t h)
{
    if (k->n >= MAX_KEYS)
        return;
    k->idx[k->n] = (int32_t)(h & k->mask) + 1;
    k->val[k->n++] = 1;
}

/* The key of tag and the text a[0, na), and b[0, nb) after a separator
 * when b is given. */
static void key_text(keyset *k, int tag, const char *a, size_t na, const char *b, size_t nb)
{
    if (k->n >= MAX_KEYS)
        return;
    uint64_t h = ms_hash64(a, na, kh.tag[tag]);
    if (b) {
        h = ms_hash64("\x1f", 1, h);
        h = ms_hash64(b, nb, h);
    }
    key_hash(k, h);
}

static void key(keyset *k, int tag, const char *a, size_t na) { key_text(k, tag, a, na, NULL, 0); }

static void key_bare(keyset *k, int tag) { key_hash(k, kh.bare[tag]); }

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

/* The key of tag and v's decimal digits. */
static void keyf(keyset *k, int tag, int v)
{
    if (v >= SMALL_MIN && v <= SMALL_MAX) {
        key_hash(k, kh.small[tag][v - SMALL_MIN]);
        return;
    }
    char b[12];
    key(k, tag, b, fmt_int(b, v));
}

static void info_keys(keyset *k, const tok_info *x, int side)
{
    int t = T_SIDED + side * S_COUNT;
    if (x->prof)
        key_bare(k, t + S_PROF);
    if (x->ins)
        key_bare(k, t + S_INS);
    if (x->afinn)
        keyf(k, t + S_AF, x->afinn);
    if (x->vader)
        keyf(k, t + S_VD, x->vader);
    keyf(k, t + S_CB, x->cbin);
}

/* The features of token i: hashed keys (value 1) and the dense block. */
void sp_token_keys(const ms_tokens *t, const tok_info *info, size_t i, keyset *k)
{
    k->n = 0;
    const char *w = ms_token_text(t, i);
    size_t n = t->tok[i].fold_len;
    const char *p1 = i > 0 ? ms_token_text(t, i - 1) : "^";
    size_t np1 = i > 0 ? t->tok[i - 1].fold_len : 1;
    const char *n1 = i + 1 < t->n ? ms_token_text(t, i + 1) : "$";
    size_t nn1 = i + 1 < t->n ? t->tok[i + 1].fold_len : 1;
    key(k, T_W, w, n);
    key(k, T_P1, p1, np1);
    key(k, T_N1, n1, nn1);
    key(k, T_P2, i > 1 ? ms_token_text(t, i - 2) : "^", i > 1 ? t->tok[i - 2].fold_len : 1);
    key(k, T_N2, i + 2 < t->n ? ms_token_text(t, i + 2) : "$",
        i + 2 < t->n ? t->tok[i + 2].fold_len : 1);
    key_text(k, T_PW, p1, np1, w, n);
    key_text(k, T_WN, w, n, n1, nn1);
    if (n > 3) {
        key(k, T_PRE3, w, 3);
        key(k, T_SUF3, w + n - 3, 3);
    }
    if (n > 4) {
        key(k, T_PRE4, w, 4);
        key(k, T_SUF4, w + n - 4, 4);
    }
    keyf(k, T_LEN, n > 12 ? 12 : (int)n);
    uint32_t fl = t->tok[i].flags;
    if (fl & MS_TOK_UPPER)
        key_bare(k, T_UP);
    if (fl & MS_TOK_OBFUSCATED)
        key_bare(k, T_OBF);
    if (fl & MS_TOK_CAPITALISED)
        key_bare(k, T_CAP);
    if (fl & MS_TOK_NUMBER)
        key_bare(k, T_NUM);
    if (fl & MS_TOK_URL)
        key_bare(k, T_URL);
    const tok_info *x = &info[i];
    info_keys(k, x, SIDE_SELF);
    key(k, T_SD, (const char[]){(char)('a' + x->dist + 4), (char)('a' + x->sbin + 1)}, 2);
    keyf(k, T_TB, x->tbin);
    if (i > 0)
        info_keys(k, &info[i - 1], SIDE_PREV);
    if (i + 1 < t->n)
        info_keys(k, &info[i + 1], SIDE_NEXT);
    int you_before = 0, you_after = 0;
    for (size_t d = 1; d <= 3; d++) {
        you_before |= d <= i && info[i - d].you;
        you_after |= i + d < t->n && info[i + d].you;
    }
    if (you_before)
        key_bare(k, T_YOU_BEFORE);
    if (you_after)
        key_bare(k, T_YOU_AFTER);
    if (i == 0)
        key_bare(k, T_FIRST);
    if (i + 1 == t->n)
        key_bare(k, T_LAST);
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
void sp_keys_sorted(keyset *k)
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

void sp_keyset_init(keyset *k, int bits)
{
    pthread_once(&kh_once, kh_build);
    k->n = 0;
    k->mask = ((uint32_t)1 << bits) - 1;
    k->dense_base = (int32_t)((uint32_t)1 << bits) + 1;
}

int32_t sp_model_dim(int bits) { return (int32_t)((uint32_t)1 << bits) + 1 + D_COUNT; }

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
ms_status sp_decode(ms_spans_work *w, const char *text, const uint32_t *start,
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

static void prefetch_keys(const ms_linear *lin, const keyset *k)
{
    for (size_t j = 0; j < k->n; j++)
        if (k->idx[j] < lin->dim)
            __builtin_prefetch(&lin->w[k->idx[j]]);
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
    ms_status st = sp_token_info(w, lx, text, t, contrib);
    size_t pc = w->p_cap;
    if (st == MS_OK && (ms_grow((void **)&w->p, &pc, t->n, sizeof *w->p) != MS_OK ||
                        ms_grow((void **)&w->term, &w->p_cap, t->n, sizeof *w->term) != MS_OK))
        st = MS_ERR_NOMEM;
    if (st != MS_OK)
        return st;
    /* a token's keys are made, and their weights prefetched, while the
     * token before it is summed: the weights (2^bits doubles) are read at
     * random, and the sum waited on each miss */
    keyset k[2];
    sp_keyset_init(&k[0], m->bits);
    sp_keyset_init(&k[1], m->bits);
    const ms_linear *lin = m->lin;
    sp_token_keys(t, w->info, 0, &k[0]);
    prefetch_keys(lin, &k[0]);
    for (size_t i = 0; i < t->n; i++) {
        const keyset *ki = &k[i & 1];
        if (i + 1 < t->n) {
            sp_token_keys(t, w->info, i + 1, &k[(i + 1) & 1]);
            prefetch_keys(lin, &k[(i + 1) & 1]);
        }
        double dec = -lin->rho;
        for (size_t j = 0; j < ki->n; j++)
            if (ki->idx[j] < lin->dim)
                dec += lin->w[ki->idx[j]] * ki->val[j];
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
    st = sp_decode(w, text, w->start, w->end, w->p, w->term, t->n, &dp, w->info);
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

ms_status sp_write_bin(const char *path, const ms_linear *lin, int bits, uint64_t svm_hash,
                       ms_error *err)
{
    ms_buf b = {0};
    uint32_t ub = (uint32_t)bits;
    int32_t dim = sp_model_dim(bits);
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
    int32_t dim = sp_model_dim(m->bits);
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

/* ms_spans_load, reading model.bin only when use_bin. OUT: *svm_hash (the
 * card's model_hash). */
static ms_status load(const char *dir, int use_bin, ms_spans_model **out, uint64_t *svm_hash,
                      ms_error *err)
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
    *svm_hash = h;
    if (st == MS_OK && use_bin) {
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
    if (st == MS_OK && m->lin->dim > sp_model_dim(m->bits))
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

ms_status ms_spans_load(const char *dir, ms_spans_model **out, ms_error *err)
{
    uint64_t h;
    return load(dir, 1, out, &h, err);
}

ms_status ms_spans_compile(const char *dir, ms_error *err)
{
    ms_spans_model *m = NULL;
    uint64_t h = 0;
    ms_buf path = {0};
    ms_status st = load(dir, 0, &m, &h, err);
    if (st == MS_OK && ms_buf_printf(&path, "%s/model.bin", dir) != MS_OK)
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (st == MS_OK)
        st = sp_write_bin(path.data, m->lin, m->bits, h, err);
    ms_buf_free(&path);
    ms_spans_free(m);
    return st;
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

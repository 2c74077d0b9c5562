/* model_parse.c - the libsvm model text reader behind ms_linear_load; see
 * model.h.
 *
 * libsvm's own loader trusts its input and calls setlocale, so it is never
 * used: a model file is parsed and checked here, line by line, and its
 * support vectors are collapsed into one weight vector as they are read
 * (w = sum_i sv_coef[i] * SV[i]). */
#define _GNU_SOURCE
#include "model.h"
#include "util.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A model file larger than this is refused (MS_ERR_LIMIT). */
#define MS_MODEL_MAX_BYTES ((size_t)1 << 30)
/* Largest feature index a model may use: 2^26 (hashed buckets up to 2^25
 * plus dense blocks fit comfortably), so a corrupt index cannot make us
 * allocate gigabytes. */
#define MS_MODEL_MAX_INDEX ((int32_t)1 << 26)

/* --------------------------------------------------------------- loading */

typedef struct parser {
    const char *src;   /* file name for errors */
    const char *p;     /* current position */
    const char *end;
    long line;         /* 1-based number of the line at p */
    int terminated;    /* the last line read ended with '\n' */
    ms_error *err;
} parser;

static int is_sep(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Next line [*s, *e) without its '\n'. Returns 0 at end of input. */
static int next_line(parser *ps, const char **s, const char **e)
{
    if (ps->p >= ps->end)
        return 0;
    const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    *s = ps->p;
    *e = nl ? nl : ps->end;
    ps->p = nl ? nl + 1 : ps->end;
    ps->terminated = nl != NULL;
    ps->line++;
    return 1;
}

/* Next whitespace-separated token in [*s, e). Returns its length, 0 at end. */
static size_t next_token(const char **s, const char *e, const char **tok)
{
    const char *q = *s;
    while (q < e && is_sep(*q))
        q++;
    const char *t = q;
    while (q < e && !is_sep(*q))
        q++;
    *tok = t;
    *s = q;
    return (size_t)(q - t);
}

static int tok_is(const char *t, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(t, word, n) == 0;
}

/* A decimal integer (optional '-'), no other characters. */
static int parse_long(const char *t, size_t n, long lo, long hi, long *out)
{
    size_t i = 0;
    int neg = 0;
    if (n > 0 && t[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == n)
        return -1;
    long v = 0;
    for (; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return -1;
        if (v > (LONG_MAX - 9) / 10)
            return -1;
        v = v * 10 + (t[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_finite(const char *t, size_t n, double *out)
{
    double v;
    if (n == 0 || ms_parse_double(t, n, &v) != 0 || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

#define BAD(...) ms_fail(ps->err, MS_ERR_MODEL, ps->src, ps->line, 0, __VA_ARGS__)

/* Reads the values of a header line: exactly n numbers after the key. */
static ms_status header_doubles(parser *ps, const char *s, const char *e, const char *key,
                                double *v, int n)
{
    const char *t;
    size_t len;
    for (int i = 0; i < n; i++) {
        len = next_token(&s, e, &t);
        if (len == 0)
            return BAD("%s: expected %d value%s", key, n, n > 1 ? "s" : "");
        if (parse_finite(t, len, &v[i]) != 0)
            return BAD("%s: not a finite number: '%.*s'", key, (int)(len > 40 ? 40 : len), t);
    }
    if (next_token(&s, e, &t) != 0)
        return BAD("%s: more than %d value%s", key, n, n > 1 ? "s" : "");
    return MS_OK;
}

static ms_status header_longs(parser *ps, const char *s, const char *e, const char *key,
                              long lo, long hi, long *v, int n)
{
    const char *t;
    size_t len;
    for (int i = 0; i < n; i++) {
        len = next_token(&s, e, &t);
        if (len == 0)
            return BAD("%s: expected %d value%s", key, n, n > 1 ? "s" : "");
        if (parse_long(t, len, lo, hi, &v[i]) != 0)
            return BAD("%s: not an integer in [%ld, %ld]: '%.*s'", key, lo, hi,
                       (int)(len > 40 ? 40 : len), t);
    }
    if (next_token(&s, e, &t) != 0)
        return BAD("%s: more than %d value%s", key, n, n > 1 ? "s" : "");
    return MS_OK;
}

static ms_status header_word(parser *ps, const char *s, const char *e, const char *key,
                             const char *want)
{
    const char *t;
    size_t len = next_token(&s, e, &t);
    if (!tok_is(t, len, want))
        return BAD("%s must be %s, not '%.*s'", key, want, (int)(len > 40 ? 40 : len), t);
    if (next_token(&s, e, &t) != 0)
        return BAD("%s: more than one value", key);
    return MS_OK;
}

/* Grows w (zero-filled) so that index j fits. */
static ms_status grow_w(double **w, int32_t *cap, int32_t j)
{
    if (j < *cap)
        return MS_OK;
    int64_t n = *cap ? *cap : 1024;
    while (n <= j)
        n *= 2;
    if (n > (int64_t)MS_MODEL_MAX_INDEX + 1)
        n = (int64_t)MS_MODEL_MAX_INDEX + 1;
    double *p = realloc(*w, (size_t)n * sizeof *p);
    if (!p)
        return MS_ERR_NOMEM;
    memset(p + *cap, 0, (size_t)(n - *cap) * sizeof *p);
    *w = p;
    *cap = (int32_t)n;
    return MS_OK;
}

enum {
    H_SVM_TYPE = 1 << 0,
    H_KERNEL = 1 << 1,
    H_NR_CLASS = 1 << 2,
    H_TOTAL_SV = 1 << 3,
    H_RHO = 1 << 4,
    H_LABEL = 1 << 5,
    H_PROBA = 1 << 6,
    H_PROBB = 1 << 7,
    H_NR_SV = 1 << 8,
    H_ALL = (1 << 9) - 1
};

static const struct {
    const char *key;
    int bit;
} header_keys[] = {{"svm_type", H_SVM_TYPE}, {"kernel_type", H_KERNEL}, {"nr_class", H_NR_CLASS},
                   {"total_sv", H_TOTAL_SV}, {"rho", H_RHO},          {"label", H_LABEL},
                   {"probA", H_PROBA},       {"probB", H_PROBB},       {"nr_sv", H_NR_SV}};

/* What the header says, as parse_header reads it. */
typedef struct header {
    int seen;
    long total_sv, label[2], nr_sv[2];
    double rho;
} header;

/* Refuses a file with a NUL byte, naming the line it is on. */
static ms_status refuse_nul(parser *ps)
{
    if (memchr(ps->p, '\0', (size_t)(ps->end - ps->p))) {
        /* name the line of the first NUL byte */
        const char *z = memchr(ps->p, '\0', (size_t)(ps->end - ps->p));
        for (const char *q = ps->p; q < z; q++)
            if (*q == '\n')
                ps->line++;
        ps->line++;
        return BAD("NUL byte: not a text model file");
    }
    return MS_OK;
}

/* The values of one header line [s, e) whose key is bit. */
static ms_status header_value(parser *ps, const char *s, const char *e, int bit, header *h,
                              ms_linear *m)
{
    ms_status st;
    long v;
    double a = 0;
    switch (bit) {
    case H_SVM_TYPE:
        st = header_word(ps, s, e, "svm_type", "c_svc");
        break;
    case H_KERNEL:
        st = header_word(ps, s, e, "kernel_type", "linear");
        break;
    case H_NR_CLASS:
        st = header_longs(ps, s, e, "nr_class", 2, 2, &v, 1);
        break;
    case H_TOTAL_SV:
        st = header_longs(ps, s, e, "total_sv", 1, INT_MAX, &h->total_sv, 1);
        break;
    case H_RHO:
        st = header_doubles(ps, s, e, "rho", &h->rho, 1);
        break;
    case H_LABEL:
        st = header_longs(ps, s, e, "label", 0, 1, h->label, 2);
        if (st == MS_OK && h->label[0] == h->label[1])
            st = BAD("label must be 0 and 1 in some order");
        break;
    case H_PROBA:
        st = header_doubles(ps, s, e, "probA", &a, 1);
        m->prob_a = a;
        break;
    case H_PROBB:
        st = header_doubles(ps, s, e, "probB", &a, 1);
        m->prob_b = a;
        break;
    default: /* H_NR_SV */
        st = header_longs(ps, s, e, "nr_sv", 0, INT_MAX, h->nr_sv, 2);
        break;
    }
    return st;
}

/* Header: one "key values" line each, up to "SV". */
static ms_status parse_header(parser *ps, header *h, ms_linear *m)
{
    const char *s, *e, *t;
    size_t len;
    ms_status st;

    for (;;) {
        if (!next_line(ps, &s, &e)) {
            ps->line++;
            return BAD("unexpected end of file in the header (no SV section)");
        }
        len = next_token(&s, e, &t);
        if (len == 0)
            return BAD("empty line in the header");
        if (tok_is(t, len, "SV")) {
            if (next_token(&s, e, &t) != 0)
                return BAD("text after SV");
            break;
        }
        int bit = 0;
        for (size_t k = 0; k < sizeof header_keys / sizeof header_keys[0]; k++)
            if (tok_is(t, len, header_keys[k].key))
                bit = header_keys[k].bit;
        if (!bit)
            return BAD("unknown header key '%.*s'", (int)(len > 40 ? 40 : len), t);
        if (h->seen & bit)
            return BAD("header key '%.*s' repeated", (int)len, t);
        /* libsvm sizes rho/label/probA/probB/nr_sv by nr_class: it must
         * come first or libsvm reads through an uninitialised count. */
        if ((bit & (H_RHO | H_LABEL | H_PROBA | H_PROBB | H_NR_SV)) && !(h->seen & H_NR_CLASS))
            return BAD("'%.*s' before nr_class", (int)len, t);
        h->seen |= bit;
        st = header_value(ps, s, e, bit, h, m);
        if (st != MS_OK)
            return st;
    }
    if (h->seen != H_ALL) {
        for (size_t k = 0; k < sizeof header_keys / sizeof header_keys[0]; k++)
            if (!(h->seen & header_keys[k].bit))
                return BAD("header lacks '%s' before SV", header_keys[k].key);
    }
    if (h->nr_sv[0] + h->nr_sv[1] != h->total_sv)
        return BAD("nr_sv %ld + %ld does not add up to total_sv %ld", h->nr_sv[0], h->nr_sv[1],
                   h->total_sv);
    return MS_OK;
}

/* Support vectors: "coef idx:val idx:val ...", collapsed into w; nothing
 * but blank lines may follow. */
static ms_status parse_svs(parser *ps, long total_sv, ms_linear *m, int32_t *cap)
{
    const char *s, *e, *t;
    size_t len;

    for (long i = 0; i < total_sv; i++) {
        if (!next_line(ps, &s, &e)) {
            ps->line++;
            return BAD("support vector %ld of %ld missing (file truncated)", i + 1, total_sv);
        }
        double coef;
        len = next_token(&s, e, &t);
        if (len == 0)
            return BAD("support vector line without a coefficient");
        if (parse_finite(t, len, &coef) != 0)
            return BAD("coefficient is not a finite number: '%.*s'",
                       (int)(len > 40 ? 40 : len), t);
        long prev = 0;
        while ((len = next_token(&s, e, &t)) != 0) {
            const char *colon = memchr(t, ':', len);
            if (!colon)
                return BAD("expected index:value, got '%.*s'", (int)(len > 40 ? 40 : len), t);
            long j;
            double x;
            size_t il = (size_t)(colon - t);
            if (il == 0 || t[0] == '-' || parse_long(t, il, 1, MS_MODEL_MAX_INDEX, &j) != 0)
                return BAD("feature index is not an integer in [1, %ld]: '%.*s'",
                           (long)MS_MODEL_MAX_INDEX, (int)(il > 40 ? 40 : il), t);
            if (j <= prev)
                return BAD("feature index %ld not above the previous one (%ld)", j, prev);
            if (parse_finite(colon + 1, len - il - 1, &x) != 0)
                return BAD("value of feature %ld is not a finite number", j);
            if (grow_w(&m->w, cap, (int32_t)j) != MS_OK)
                return ms_fail(ps->err, MS_ERR_NOMEM, ps->src, ps->line, 0, "out of memory");
            m->w[j] += coef * x;
            if ((int32_t)j >= m->dim)
                m->dim = (int32_t)j + 1;
            prev = j;
        }
        if (!ps->terminated)
            return BAD("support vector line not terminated by a newline (file truncated)");
    }
    while (next_line(ps, &s, &e))
        if (next_token(&s, e, &t) != 0)
            return BAD("more support vector lines than total_sv (%ld)", total_sv);
    return MS_OK;
}

static ms_status parse_model(parser *ps, ms_linear *m, int32_t *cap)
{
    header h = {0, 0, {0, 0}, {0, 0}, 0};
    ms_status st = refuse_nul(ps);
    if (st == MS_OK)
        st = parse_header(ps, &h, m);
    if (st == MS_OK)
        st = parse_svs(ps, h.total_sv, m, cap);
    if (st != MS_OK)
        return st;

    /* Keep w and rho for the positive class: libsvm's decision value is
     * for label[0]. */
    m->positive_first = h.label[0] == 1;
    if (!m->positive_first) {
        for (int32_t j = 0; j < m->dim; j++)
            m->w[j] = -m->w[j];
        h.rho = -h.rho;
    }
    m->rho = h.rho;
    return MS_OK;
}

#undef BAD

ms_status ms_linear_load(const char *path, ms_linear **out, ms_error *err)
{
    if (!out)
        return ms_fail(err, MS_ERR_ARG, path, 0, 0, "no output");
    *out = NULL;
    if (!path)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "no path");
    char *data;
    size_t len;
    ms_status st = ms_read_regular_file(path, MS_MODEL_MAX_BYTES, &data, &len, err);
    if (st != MS_OK)
        return st;
    ms_linear *m = calloc(1, sizeof *m);
    if (!m) {
        free(data);
        return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    parser ps = {path, data, data + len, 0, 0, err};
    int32_t cap = 0;
    st = parse_model(&ps, m, &cap);
    free(data);
    if (st == MS_OK && m->dim == 0) {
        /* no feature at all: keep w valid for w[0] */
        if (grow_w(&m->w, &cap, 0) != MS_OK)
            st = ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
        else
            m->dim = 1;
    }
    if (st != MS_OK) {
        ms_linear_free(m);
        return st;
    }
    /* give back the slack of the doubling */
    if (cap > m->dim) {
        double *p = realloc(m->w, (size_t)m->dim * sizeof *p);
        if (p)
            m->w = p;
    }
    *out = m;
    return MS_OK;
}

/* test_model.c - the linear model: a checked loader, agreement with
 * libsvm's own predictor to 1e-12, both trainers, Platt scaling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <libsvm/svm.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

#define DATA MS_TEST_DATA "/model/"

/* ------------------------------------------------------------- helpers */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s) { return (double)(rng_next(s) >> 11) * 0x1.0p-53; }

static double rng_gauss(uint64_t *s)
{
    double u = rng_unit(s), v = rng_unit(s);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

/* A random sparse vector with about nnz non-zeros in [1, dim). */
static void rand_fvec(uint64_t *s, int32_t dim, size_t nnz, ms_fvec *v)
{
    v->idx = malloc(nnz * sizeof *v->idx);
    v->val = malloc(nnz * sizeof *v->val);
    assert_non_null(v->idx);
    assert_non_null(v->val);
    v->cap = nnz;
    v->n = 0;
    /* ascending: walk forward by random gaps */
    int32_t j = 0;
    int32_t gap = (dim - 1) / (int32_t)nnz;
    if (gap < 1)
        gap = 1;
    for (size_t k = 0; k < nnz; k++) {
        j += 1 + (int32_t)(rng_next(s) % (uint64_t)gap);
        if (j >= dim)
            break;
        v->idx[v->n] = j;
        v->val[v->n] = rng_gauss(s);
        v->n++;
    }
}

static void free_fvec(ms_fvec *v)
{
    free(v->idx);
    free(v->val);
    v->idx = NULL;
    v->val = NULL;
    v->n = v->cap = 0;
}

static struct svm_node *to_nodes(const ms_fvec *v)
{
    struct svm_node *x = malloc((v->n + 1) * sizeof *x);
    assert_non_null(x);
    for (size_t k = 0; k < v->n; k++) {
        x[k].index = v->idx[k];
        x[k].value = v->val[k];
    }
    x[v->n].index = -1;
    x[v->n].value = 0;
    return x;
}

/* P(label 1) as libsvm's own svm_predict_probability reports it. */
static double libsvm_p1(const struct svm_model *model, const ms_fvec *v)
{
    struct svm_node *x = to_nodes(v);
    double est[2];
    int labels[2];
    svm_get_labels(model, labels);
    svm_predict_probability(model, x, est);
    free(x);
    return labels[0] == 1 ? est[0] : est[1];
}

static void quiet(const char *s) { (void)s; }

typedef struct tmpdir {
    char dir[64];
    char path[128];
} tmpdir;

static const char *tmp_path(tmpdir *t, const char *name)
{
    if (!t->dir[0]) {
        snprintf(t->dir, sizeof t->dir, "/tmp/ms_test_model.XXXXXX");
        assert_non_null(mkdtemp(t->dir));
    }
    snprintf(t->path, sizeof t->path, "%s/%s", t->dir, name);
    return t->path;
}

static void tmp_clean(tmpdir *t, const char *name)
{
    unlink(tmp_path(t, name));
    rmdir(t->dir);
}

/* Every random vector: libsvm (loaded from path) and ms_linear agree. */
static void assert_agrees(const char *path, const ms_linear *m, uint64_t seed, int32_t dim,
                          size_t nnz, int n)
{
    struct svm_model *model = svm_load_model(path);
    assert_non_null(model);
    assert_int_equal(svm_check_probability_model(model), 1);
    uint64_t s = seed;
    double worst = 0;
    for (int i = 0; i < n; i++) {
        ms_fvec v;
        rand_fvec(&s, dim, nnz, &v);
        double ours = ms_linear_probability(m, ms_linear_decision(m, &v));
        double theirs = libsvm_p1(model, &v);
        double d = fabs(ours - theirs);
        if (d > worst)
            worst = d;
        free_fvec(&v);
    }
    svm_free_and_destroy_model(&model);
    if (worst > 1e-12)
        fail_msg("probabilities differ from libsvm's by %g", worst);
}

/* ------------------------------------------------------------- loading */

static void test_load_valid(void **state)
{
    (void)state;
    ms_linear *m = NULL;
    ms_error err = {0};
    assert_int_equal(ms_linear_load(DATA "valid.model", &m, &err), MS_OK);
    assert_non_null(m);
    /* w = 0.5*(1:1 3:2.5 10:-1) - 0.25*(2:4 3:1) */
    assert_int_equal(m->dim, 11);
    assert_true(m->w[1] == 0.5);
    assert_true(m->w[2] == -1.0);
    assert_true(m->w[3] == 0.5 * 2.5 - 0.25);
    assert_true(m->w[10] == -0.5);
    assert_true(m->rho == 0.25);
    assert_true(m->prob_a == -2.5 && m->prob_b == 0.125);
    assert_int_equal(m->positive_first, 1);
    ms_linear_free(m);

    /* label 0 1: w and rho are turned to the positive class */
    assert_int_equal(ms_linear_load(DATA "valid_label01.model", &m, &err), MS_OK);
    assert_int_equal(m->positive_first, 0);
    assert_true(m->w[1] == -0.75);
    assert_true(m->w[2] == 0.5);
    assert_true(m->w[4] == -(0.75 * 2 - 1));
    assert_true(m->rho == 0.5);
    ms_linear_free(m);
    ms_linear_free(NULL);
}

static void test_load_valid_agrees_with_libsvm(void **state)
{
    (void)state;
    static const char *files[] = {DATA "valid.model", DATA "valid_label01.model"};
    for (size_t f = 0; f < 2; f++) {
        ms_linear *m = NULL;
        assert_int_equal(ms_linear_load(files[f], &m, NULL), MS_OK);
        assert_agrees(files[f], m, 7 + f, 12, 4, 200);
        ms_linear_free(m);
    }
}

static void test_load_corrupt(void **state)
{
    (void)state;
    FILE *f = fopen(DATA "errors.txt", "r");
    assert_non_null(f);
    char line[512];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *name = line;
        char *tab1 = strchr(name, '\t');
        assert_non_null(tab1);
        *tab1 = '\0';
        char *tab2 = strchr(tab1 + 1, '\t');
        assert_non_null(tab2);
        *tab2 = '\0';
        long want_line = strtol(tab1 + 1, NULL, 10);
        const char *want_msg = tab2 + 1;

        char path[1024];
        snprintf(path, sizeof path, "%s%s", DATA, name);
        ms_linear *m = (ms_linear *)&cases; /* must be reset to NULL */
        ms_error err;
        memset(&err, 0, sizeof err);
        ms_status st = ms_linear_load(path, &m, &err);
        if (st != MS_ERR_MODEL || err.line != want_line || !strstr(err.message, want_msg))
            fail_msg("%s: got status %d line %ld '%s'; want %d line %ld '%s'", name, (int)st,
                     err.line, err.message, (int)MS_ERR_MODEL, want_line, want_msg);
        assert_null(m);
        assert_int_equal(err.code, MS_ERR_MODEL);
        assert_string_equal(err.source, path);
        cases++;
    }
    fclose(f);
    assert_true(cases >= 15);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    ms_linear *m = NULL;
    ms_error err = {0};
    assert_int_equal(ms_linear_load(DATA "no-such.model", &m, &err), MS_ERR_NOT_FOUND);
    assert_null(m);
}

/* ------------------------------------------------------------- writing */

/* A model written by us is read by libsvm and predicts the same. */
static void test_write_agrees_with_libsvm(void **state)
{
    (void)state;
    tmpdir t = {{0}, {0}};
    uint64_t s = 42;
    const int32_t dim = 2000;
    for (int order = 0; order < 2; order++) {
        ms_linear m = {0};
        m.dim = dim;
        m.w = calloc((size_t)dim, sizeof *m.w);
        assert_non_null(m.w);
        for (int32_t j = 1; j < dim; j++)
            if (rng_unit(&s) < 0.3)
                m.w[j] = rng_gauss(&s) * 0.5;
        m.rho = 0.3;
        m.prob_a = -1.7;
        m.prob_b = 0.2;
        m.positive_first = order; /* 0: as if read from a "label 0 1" file */
        const char *path = tmp_path(&t, "w.model");
        ms_error err = {0};
        assert_int_equal(ms_linear_write_libsvm(&m, path, &err), MS_OK);
        assert_agrees(path, &m, 100 + order, dim, 60, 500);

        /* and read back by us: same weights, bit for bit */
        ms_linear *back = NULL;
        assert_int_equal(ms_linear_load(path, &back, &err), MS_OK);
        assert_int_equal(back->positive_first, 1);
        assert_true(back->rho == m.rho);
        for (int32_t j = 1; j < back->dim; j++)
            assert_true(back->w[j] == m.w[j]);
        for (int32_t j = back->dim; j < dim; j++)
            assert_true(m.w[j] == 0);
        uint64_t s2 = 9;
        for (int i = 0; i < 200; i++) {
            ms_fvec v;
            rand_fvec(&s2, dim, 40, &v);
            double p1 = ms_linear_probability(&m, ms_linear_decision(&m, &v));
            double p2 = ms_linear_probability(back, ms_linear_decision(back, &v));
            assert_true(fabs(p1 - p2) <= 1e-12);
            free_fvec(&v);
        }
        ms_linear_free(back);
        free(m.w);
    }
    tmp_clean(&t, "w.model");
}

/* Trimmed weights (what training and the shipped models store): each is
 * the double nearest to a 4-decimal number, those under 0.5e-4 are gone,
 * the file is written in those few digits (".0983", no leading 0), libsvm
 * reads it and agrees with us, and reading it back gives the same doubles,
 * so the compiled form equals the text form. */
static void test_trim_writes_short_exact_weights(void **state)
{
    (void)state;
    tmpdir t = {{0}, {0}};
    uint64_t s = 77;
    const int32_t dim = 3000;
    ms_linear m = {0};
    m.dim = dim;
    m.w = calloc((size_t)dim, sizeof *m.w);
    assert_non_null(m.w);
    size_t nonzero = 0, small = 0;
    for (int32_t j = 1; j < dim; j++) {
        m.w[j] = rng_gauss(&s) * (j % 5 ? 0.2 : 1e-5);
        nonzero++;
        small += fabs(m.w[j]) < 0.5e-4;
    }
    m.rho = 0.123456789012;
    m.prob_a = -1.7;
    m.prob_b = 0.2;
    m.positive_first = 1;
    ms_trim_stats ts;
    assert_int_equal(ms_linear_trim(&m, MS_WEIGHT_DECIMALS, &ts), MS_OK);
    assert_int_equal(ts.dropped, small);
    assert_int_equal(ts.kept + ts.dropped, nonzero);
    for (int32_t j = 1; j < dim; j++) {
        char num[32];
        snprintf(num, sizeof num, "%.4f", m.w[j]);
        assert_true(m.w[j] == strtod(num, NULL)); /* a 4-decimal number */
    }
    const char *path = tmp_path(&t, "trim.model");
    assert_int_equal(ms_linear_write_libsvm(&m, path, NULL), MS_OK);
    assert_agrees(path, &m, 11, dim, 60, 300);
    ms_linear *back = NULL;
    assert_int_equal(ms_linear_load(path, &back, NULL), MS_OK);
    assert_true(back->rho == m.rho);
    for (int32_t j = 1; j < back->dim; j++)
        assert_true(back->w[j] == m.w[j]);
    ms_linear_free(back);
    /* no weight takes more than "-.dddd" after its index */
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256];
    int longest = 0;
    while (fscanf(f, "%255s", line) == 1) {
        const char *colon = strchr(line, ':');
        if (colon && (int)strlen(colon + 1) > longest)
            longest = (int)strlen(colon + 1);
    }
    fclose(f);
    assert_true(longest <= 7);
    /* a read-only model is not trimmed */
    m.borrowed = 1;
    assert_int_equal(ms_linear_trim(&m, 4, NULL), MS_ERR_ARG);
    free(m.w);
    tmp_clean(&t, "trim.model");
}

/* A model trained by libsvm itself (with -b 1) and saved by libsvm loads
 * with ms_linear_load and predicts what svm_predict_probability does, for
 * either label order. */
static void test_libsvm_trained_model_agrees(void **state)
{
    (void)state;
    tmpdir t = {{0}, {0}};
    const int n = 300;
    const int32_t dim = 40;
    svm_set_print_string_function(quiet);
    for (int first = 0; first < 2; first++) {
        uint64_t s = 1234 + (uint64_t)first;
        ms_fvec *xs = calloc((size_t)n, sizeof *xs);
        struct svm_node **x = calloc((size_t)n, sizeof *x);
        double *y = calloc((size_t)n, sizeof *y);
        assert_true(xs && x && y);
        for (int i = 0; i < n; i++) {
            rand_fvec(&s, dim, 8, &xs[i]);
            double score = 0;
            for (size_t k = 0; k < xs[i].n; k++)
                score += (xs[i].idx[k] % 3 == 0 ? 1.0 : -0.5) * xs[i].val[k];
            score += 0.7 * rng_gauss(&s); /* noisy: probabilities matter */
            y[i] = score > 0 ? 1 : 0;
            x[i] = to_nodes(&xs[i]);
        }
        y[0] = first; /* libsvm's label order follows the first row */
        struct svm_problem prob = {n, y, x};
        struct svm_parameter par;
        memset(&par, 0, sizeof par);
        par.svm_type = C_SVC;
        par.kernel_type = LINEAR;
        par.cache_size = 100;
        par.eps = 1e-3;
        par.C = 1;
        par.shrinking = 1;
        par.probability = 1;
        assert_null(svm_check_parameter(&prob, &par));
        srand(1);
        struct svm_model *model = svm_train(&prob, &par);
        assert_non_null(model);
        assert_int_equal(model->label[0], first);
        const char *path = tmp_path(&t, "trained.model");
        assert_int_equal(svm_save_model(path, model), 0);
        svm_free_and_destroy_model(&model);

        ms_linear *m = NULL;
        ms_error err = {0};
        if (ms_linear_load(path, &m, &err) != MS_OK)
            fail_msg("libsvm's own file rejected: line %ld: %s", err.line, err.message);
        assert_int_equal(m->positive_first, first);
        assert_agrees(path, m, 77, dim, 8, 500);

        /* the training rows too, through the file libsvm wrote */
        struct svm_model *loaded = svm_load_model(path);
        assert_non_null(loaded);
        for (int i = 0; i < n; i++) {
            double ours = ms_linear_probability(m, ms_linear_decision(m, &xs[i]));
            assert_true(fabs(ours - libsvm_p1(loaded, &xs[i])) <= 1e-12);
        }
        svm_free_and_destroy_model(&loaded);
        ms_linear_free(m);
        for (int i = 0; i < n; i++) {
            free_fvec(&xs[i]);
            free(x[i]);
        }
        free(xs), free(x), free(y);
    }
    tmp_clean(&t, "trained.model");
}

/* ------------------------------------------------------------ training */

typedef struct synth {
    ms_fvec *x;
    int8_t *y;
    size_t n;
    int32_t dim;
} synth;

/* Linearly separable with a margin when noise is 0: labels from a hidden
 * weight vector and bias; rows too close to the boundary are dropped. */
static void make_problem(synth *p, size_t n, int32_t dim, size_t nnz, double noise, double margin,
                         uint64_t seed)
{
    uint64_t s = seed;
    double *truth = malloc((size_t)dim * sizeof *truth);
    assert_non_null(truth);
    for (int32_t j = 0; j < dim; j++)
        truth[j] = rng_gauss(&s);
    p->x = calloc(n, sizeof *p->x);
    p->y = calloc(n, sizeof *p->y);
    assert_true(p->x && p->y);
    p->dim = dim;
    size_t got = 0;
    while (got < n) {
        ms_fvec v;
        rand_fvec(&s, dim, nnz, &v);
        double d = 0.3;
        for (size_t k = 0; k < v.n; k++)
            d += truth[v.idx[k]] * v.val[k];
        if (noise == 0 && fabs(d) < margin) {
            free_fvec(&v);
            continue;
        }
        d += noise * rng_gauss(&s);
        p->x[got] = v;
        p->y[got] = d > 0;
        got++;
    }
    p->n = n;
    free(truth);
}

static void free_problem(synth *p)
{
    for (size_t i = 0; i < p->n; i++)
        free_fvec(&p->x[i]);
    free(p->x);
    free(p->y);
}

static ms_problem as_problem(const synth *s)
{
    ms_problem p = {s->x, s->y, s->n, s->dim, NULL};
    return p;
}

static double accuracy(const ms_linear *m, const synth *s)
{
    size_t ok = 0;
    for (size_t i = 0; i < s->n; i++)
        ok += (ms_linear_decision(m, &s->x[i]) > 0) == (s->y[i] == 1);
    return (double)ok / (double)s->n;
}

static void test_dcd_separable_and_deterministic(void **state)
{
    (void)state;
    synth s;
    make_problem(&s, 400, 60, 10, 0, 0.5, 5);
    ms_problem p = as_problem(&s);
    ms_fit_params fp = {.c = 100, .weight_pos = 1, .weight_neg = 1, .use_libsvm = 0,
                        .eps = 0.01, .seed = 99};
    ms_linear a = {0}, b = {0}, c = {0};
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &a), MS_OK);
    assert_int_equal(a.dim, 60);
    assert_true(accuracy(&a, &s) == 1.0);
    assert_true(a.prob_a == 0 && a.prob_b == 0 && a.positive_first == 1);

    /* same seed: the same model, bit for bit */
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &b), MS_OK);
    assert_int_equal(memcmp(a.w, b.w, (size_t)a.dim * sizeof *a.w), 0);
    assert_int_equal(memcmp(&a.rho, &b.rho, sizeof a.rho), 0);

    /* another seed visits rows in another order: still separates */
    fp.seed = 100;
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &c), MS_OK);
    assert_true(accuracy(&c, &s) == 1.0);
    assert_true(memcmp(a.w, c.w, (size_t)a.dim * sizeof *a.w) != 0);
    free(a.w), free(b.w), free(c.w);

    /* a subset of rows */
    size_t rows[200];
    for (size_t i = 0; i < 200; i++)
        rows[i] = 2 * i;
    assert_int_equal(ms_linear_fit(&p, rows, 200, &fp, &a), MS_OK);
    size_t ok = 0;
    for (size_t i = 0; i < 200; i++)
        ok += (ms_linear_decision(&a, &s.x[rows[i]]) > 0) == (s.y[rows[i]] == 1);
    assert_int_equal(ok, 200);
    free(a.w);
    free_problem(&s);
}

static void test_libsvm_fit_separable(void **state)
{
    (void)state;
    synth s;
    make_problem(&s, 300, 60, 10, 0, 0.5, 6);
    ms_problem p = as_problem(&s);
    ms_fit_params fp = {.c = 100, .weight_pos = 1, .weight_neg = 1, .use_libsvm = 1,
                        .eps = 1e-3, .seed = 1};
    ms_linear a = {0}, d = {0};
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &a), MS_OK);
    assert_true(accuracy(&a, &s) == 1.0);
    /* first row negative: libsvm's label order is 0 1, and we still
     * return the positive class's decision */
    size_t rows[300], k = 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.y[i] == 0) {
            rows[k++] = i;
            break;
        }
    for (size_t i = 0; i < s.n; i++)
        if (i != rows[0])
            rows[k++] = i;
    assert_int_equal(ms_linear_fit(&p, rows, k, &fp, &d), MS_OK);
    assert_true(accuracy(&d, &s) == 1.0);
    /* the same problem, so nearly the same solution */
    for (int32_t j = 0; j < a.dim; j++)
        assert_true(fabs(a.w[j] - d.w[j]) < 1e-2 * (1 + fabs(a.w[j])));
    free(a.w), free(d.w);
    free_problem(&s);
}

static size_t predicted_positive(const ms_linear *m, const synth *s, double *mean_dec)
{
    size_t pos = 0;
    double sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        double d = ms_linear_decision(m, &s->x[i]);
        pos += d > 0;
        sum += d;
    }
    *mean_dec = sum / (double)s->n;
    return pos;
}

static void test_class_weights_shift_decision(void **state)
{
    (void)state;
    synth s;
    make_problem(&s, 400, 40, 8, 2.0, 0, 11); /* heavy overlap */
    ms_problem p = as_problem(&s);
    for (int lib = 0; lib < 2; lib++) {
        ms_fit_params fp = {.c = 1, .weight_pos = 1, .weight_neg = 1, .use_libsvm = lib,
                            .eps = 0, .seed = 3};
        ms_linear even = {0}, heavy_pos = {0}, heavy_neg = {0};
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &even), MS_OK);
        fp.weight_pos = 10;
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &heavy_pos), MS_OK);
        fp.weight_pos = 1;
        fp.weight_neg = 10;
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &heavy_neg), MS_OK);
        double m0, m1, m2;
        size_t p0 = predicted_positive(&even, &s, &m0);
        size_t p1 = predicted_positive(&heavy_pos, &s, &m1);
        size_t p2 = predicted_positive(&heavy_neg, &s, &m2);
        if (!(p1 > p0 && p0 > p2 && m1 > m0 && m0 > m2))
            fail_msg("solver %d: positives %zu/%zu/%zu, mean decision %g/%g/%g", lib, p2, p0,
                     p1, m2, m0, m1);
        free(even.w), free(heavy_pos.w), free(heavy_neg.w);
    }
    free_problem(&s);
}

/* Row weights (train --augment-weight): a row of weight 2 is the row
 * counted twice, for both losses (the same primal optimum: the fits agree
 * to the solvers' tolerance); weights of 1 are the unweighted fit bit for
 * bit; a weight <= 0, and row weights with libsvm's solver, are refused. */
static void test_row_weights(void **state)
{
    (void)state;
    synth s;
    make_problem(&s, 200, 30, 6, 1.0, 0, 21);
    /* the problem with its first 50 rows twice */
    ms_fvec x2[250];
    int8_t y2[250];
    double w[200];
    for (size_t i = 0; i < 200; i++) {
        x2[i] = s.x[i];
        y2[i] = s.y[i];
        w[i] = i < 50 ? 2.0 : 1.0;
    }
    for (size_t i = 0; i < 50; i++) {
        x2[200 + i] = s.x[i];
        y2[200 + i] = s.y[i];
    }
    ms_problem weighted = {s.x, s.y, 200, s.dim, w}, twice = {x2, y2, 250, s.dim, NULL};
    double scale[30];
    for (int32_t j = 0; j < 30; j++)
        scale[j] = 0.5 + 0.05 * j;
    /* both losses, unscaled and through fit_scaled (per-feature weights) */
    for (int run = 0; run < 4; run++) {
        int loss = run & 1;
        ms_fit_params fp = {.c = 1, .weight_pos = 1, .weight_neg = 1,
                            .loss = loss ? MS_LOSS_LOGISTIC : MS_LOSS_HINGE, .eps = 1e-9,
                            .seed = 4, .scale = run >= 2 ? scale : NULL};
        ms_linear a = {0}, b = {0};
        assert_int_equal(ms_linear_fit(&weighted, NULL, 0, &fp, &a), MS_OK);
        assert_int_equal(ms_linear_fit(&twice, NULL, 0, &fp, &b), MS_OK);
        double diff = fabs(a.rho - b.rho), norm = fabs(b.rho);
        for (int32_t j = 0; j < s.dim; j++) {
            diff = fmax(diff, fabs(a.w[j] - b.w[j]));
            norm = fmax(norm, fabs(b.w[j]));
        }
        if (!(diff <= 1e-4 * norm))
            fail_msg("run %d: weighted and duplicated fits differ by %g (largest %g)", run,
                     diff, norm);
        /* and not the unweighted fit */
        ms_problem plain = as_problem(&s);
        ms_linear c = {0};
        assert_int_equal(ms_linear_fit(&plain, NULL, 0, &fp, &c), MS_OK);
        double moved = fabs(c.rho - b.rho);
        for (int32_t j = 0; j < s.dim; j++)
            moved = fmax(moved, fabs(c.w[j] - b.w[j]));
        assert_true(moved > 1e-3 * norm);
        /* weights of 1: bit for bit the unweighted fit */
        double ones[200];
        for (size_t i = 0; i < 200; i++)
            ones[i] = 1.0;
        ms_problem one = {s.x, s.y, 200, s.dim, ones};
        ms_linear d = {0};
        assert_int_equal(ms_linear_fit(&one, NULL, 0, &fp, &d), MS_OK);
        assert_int_equal(memcmp(c.w, d.w, (size_t)s.dim * sizeof *c.w), 0);
        assert_int_equal(memcmp(&c.rho, &d.rho, sizeof c.rho), 0);
        free(a.w), free(b.w), free(c.w), free(d.w);
    }
    ms_fit_params fp = {.c = 1, .weight_pos = 1, .weight_neg = 1, .seed = 4};
    ms_linear m = {0};
    w[7] = 0;
    assert_int_equal(ms_linear_fit(&weighted, NULL, 0, &fp, &m), MS_ERR_ARG);
    w[7] = -1;
    assert_int_equal(ms_linear_fit(&weighted, NULL, 0, &fp, &m), MS_ERR_ARG);
    w[7] = 1;
    fp.use_libsvm = 1;
    assert_int_equal(ms_linear_fit(&weighted, NULL, 0, &fp, &m), MS_ERR_ARG);
    assert_null(m.w);
    free_problem(&s);
}

static void test_fit_rejects_bad_input(void **state)
{
    (void)state;
    synth s;
    make_problem(&s, 20, 10, 3, 0, 0.1, 12);
    ms_problem p = as_problem(&s);
    ms_fit_params fp = {.c = 1, .weight_pos = 1, .weight_neg = 1, .use_libsvm = 0, .eps = 0,
                        .seed = 1};
    ms_linear m = {0};
    /* one class only */
    size_t rows[20], k = 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.y[i] == 1)
            rows[k++] = i;
    assert_int_equal(ms_linear_fit(&p, rows, k, &fp, &m), MS_ERR_ARG);
    fp.use_libsvm = 1;
    assert_int_equal(ms_linear_fit(&p, rows, k, &fp, &m), MS_ERR_ARG);
    /* a row out of range, C <= 0, a feature index past dim */
    rows[0] = 20;
    assert_int_equal(ms_linear_fit(&p, rows, 2, &fp, &m), MS_ERR_ARG);
    fp.c = 0;
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &m), MS_ERR_ARG);
    fp.c = 1;
    p.dim = 5;
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &m), MS_ERR_ARG);
    assert_null(m.w);
    free_problem(&s);
}

/* The logistic loss: separates a separable problem, the same seed gives
 * the same model, and the answer is the optimum of
 * 0.5 |w|^2 + C sum_i U_i log(1 + exp(-y_i (w.x_i + b))) (bias regularised
 * as a feature of value 1): its gradient w - C sum_i U_i y_i s_i x_i,
 * s_i = 1 / (1 + exp(y_i f_i)), is ~0. */
static void test_logistic_fit(void **state)
{
    (void)state;
    synth s;
    make_problem(&s, 400, 60, 10, 0, 0.5, 5);
    ms_problem p = as_problem(&s);
    ms_fit_params fp = {.c = 100, .weight_pos = 1, .weight_neg = 1, .use_libsvm = 0,
                        .loss = MS_LOSS_LOGISTIC, .eps = 0.01, .seed = 99};
    ms_linear a = {0}, b = {0}, h = {0};
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &a), MS_OK);
    assert_true(accuracy(&a, &s) == 1.0);
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &b), MS_OK);
    assert_int_equal(memcmp(a.w, b.w, (size_t)a.dim * sizeof *a.w), 0);
    assert_int_equal(memcmp(&a.rho, &b.rho, sizeof a.rho), 0);
    /* not the hinge loss's answer */
    fp.loss = MS_LOSS_HINGE;
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &h), MS_OK);
    assert_true(memcmp(a.w, h.w, (size_t)a.dim * sizeof *a.w) != 0);
    free(a.w), free(b.w), free(h.w);

    /* optimality on an overlapping problem, with class weights */
    synth o;
    make_problem(&o, 300, 30, 6, 1.0, 0, 17);
    p = as_problem(&o);
    fp = (ms_fit_params){.c = 0.5, .weight_pos = 2, .weight_neg = 1, .use_libsvm = 0,
                         .loss = MS_LOSS_LOGISTIC, .eps = 1e-6, .seed = 4};
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &a), MS_OK);
    double *g = calloc((size_t)o.dim + 1, sizeof *g); /* g[dim]: the bias */
    assert_non_null(g);
    double bias = -a.rho, worst = 0, scale = 0;
    for (int32_t j = 0; j < o.dim; j++)
        g[j] = a.w[j];
    g[o.dim] = bias;
    for (size_t i = 0; i < o.n; i++) {
        double y = o.y[i] ? 1 : -1, u = fp.c * (o.y[i] ? fp.weight_pos : fp.weight_neg);
        double f = ms_linear_decision(&a, &o.x[i]);
        double si = u * y / (1 + exp(y * f));
        for (size_t k = 0; k < o.x[i].n; k++)
            g[o.x[i].idx[k]] -= si * o.x[i].val[k];
        g[o.dim] -= si;
    }
    for (int32_t j = 0; j <= o.dim; j++) {
        worst = fmax(worst, fabs(g[j]));
        scale = fmax(scale, fabs(j < o.dim ? a.w[j] : bias));
    }
    if (!(worst < 1e-3 * (1 + scale)))
        fail_msg("gradient %g at |w|_inf %g", worst, scale);
    free(g), free(a.w);
    free_problem(&o);

    /* libsvm's own solver has no logistic loss */
    fp.use_libsvm = 1;
    p = as_problem(&s);
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &a), MS_ERR_ARG);
    free_problem(&s);
}

/* The primal objective a fit minimises: 0.5 (|w|^2 + b^2) + sum_i U_i
 * loss(y_i f_i), U_i the class-weighted C. */
static double primal_objective(const ms_linear *m, const synth *o, const ms_fit_params *fp)
{
    double obj = 0.5 * m->rho * m->rho;
    for (int32_t j = 0; j < o->dim; j++)
        obj += 0.5 * m->w[j] * m->w[j];
    for (size_t i = 0; i < o->n; i++) {
        double y = o->y[i] ? 1 : -1, u = fp->c * (o->y[i] ? fp->weight_pos : fp->weight_neg);
        double margin = y * ms_linear_decision(m, &o->x[i]);
        obj += u * (fp->loss == MS_LOSS_LOGISTIC ? log1p(exp(-margin)) : fmax(0, 1 - margin));
    }
    return obj;
}

/* A fit warm-started from the solution at a smaller C reaches an optimum
 * at least as good as a cold fit at the new C (the cold hinge fit stops a
 * little short on this overlapping problem), for both losses; a warm start
 * for other rows (a different count) is ignored, bit for bit. */
static void test_warm_start(void **state)
{
    (void)state;
    synth o;
    make_problem(&o, 300, 30, 6, 1.0, 0, 23);
    ms_problem p = as_problem(&o);
    for (int loss = 0; loss < 2; loss++) {
        ms_fit_params fp = {.c = 0.5, .weight_pos = 2, .weight_neg = 1,
                            .loss = loss ? MS_LOSS_LOGISTIC : MS_LOSS_HINGE, .eps = 1e-6,
                            .seed = 4};
        double alpha[300];
        ms_warm warm = {alpha, o.n, 0};
        ms_linear a = {0}, cold = {0}, warm_fit = {0}, other = {0};
        fp.warm = &warm;
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &a), MS_OK);
        assert_true(warm.c == 0.5);
        fp.c = 2;
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &warm_fit), MS_OK);
        assert_true(warm.c == 2);
        fp.warm = NULL;
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &cold), MS_OK);
        double obj[2];
        for (int q = 0; q < 2; q++)
            obj[q] = primal_objective(q ? &warm_fit : &cold, &o, &fp);
        if (!(obj[1] <= obj[0] * (1 + 1e-6) && obj[1] >= obj[0] * (1 - 1e-2)))
            fail_msg("loss %d: warm fit's objective %.9g against the cold fit's %.9g", loss,
                     obj[1], obj[0]);
        warm.n = o.n - 1; /* not these rows: a cold start */
        fp.warm = &warm;
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &other), MS_OK);
        assert_int_equal(memcmp(cold.w, other.w, (size_t)o.dim * sizeof *cold.w), 0);
        free(a.w), free(cold.w), free(warm_fit.w), free(other.w);
    }
    free_problem(&o);
}

/* A fit with a per-feature scale is the fit on scaled x, with the scale
 * folded into w: the same decision values on the unscaled x. */
static void test_fit_scale_folds_into_w(void **state)
{
    (void)state;
    synth s;
    make_problem(&s, 200, 40, 8, 0.5, 0, 41);
    double *scale = malloc(40 * sizeof *scale);
    assert_non_null(scale);
    uint64_t r = 7;
    for (int32_t j = 0; j < 40; j++)
        scale[j] = 0.25 + 4 * rng_unit(&r);
    synth t = s; /* the same rows, scaled by hand */
    t.x = calloc(s.n, sizeof *t.x);
    assert_non_null(t.x);
    for (size_t i = 0; i < s.n; i++) {
        t.x[i].n = t.x[i].cap = s.x[i].n;
        t.x[i].idx = malloc(s.x[i].n * sizeof *t.x[i].idx + 1);
        t.x[i].val = malloc(s.x[i].n * sizeof *t.x[i].val + 1);
        assert_true(t.x[i].idx && t.x[i].val);
        for (size_t k = 0; k < s.x[i].n; k++) {
            t.x[i].idx[k] = s.x[i].idx[k];
            t.x[i].val[k] = s.x[i].val[k] * scale[s.x[i].idx[k]];
        }
    }
    for (int loss = 0; loss < 2; loss++) {
        ms_problem p = as_problem(&s), q = as_problem(&t);
        ms_fit_params fp = {.c = 1, .weight_pos = 1, .weight_neg = 1, .use_libsvm = 0,
                            .loss = (ms_loss)loss, .eps = 0, .seed = 3};
        ms_linear hand = {0}, folded = {0};
        assert_int_equal(ms_linear_fit(&q, NULL, 0, &fp, &hand), MS_OK);
        fp.scale = scale;
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &folded), MS_OK);
        assert_true(folded.rho == hand.rho);
        for (int32_t j = 0; j < 40; j++)
            assert_true(folded.w[j] == hand.w[j] * scale[j]);
        for (size_t i = 0; i < s.n; i++) {
            double a = ms_linear_decision(&hand, &t.x[i]), b = ms_linear_decision(&folded, &s.x[i]);
            assert_true(fabs(a - b) < 1e-9 * (1 + fabs(a)));
        }
        free(hand.w), free(folded.w);
    }
    for (size_t i = 0; i < t.n; i++)
        free_fvec(&t.x[i]);
    free(t.x);
    free(scale);
    free_problem(&s);
}

/* ----------------------------------------------------------------- Platt */

static void test_platt(void **state)
{
    (void)state;
    synth s;
    make_problem(&s, 600, 40, 8, 1.0, 0, 21);
    ms_problem p = as_problem(&s);
    ms_fit_params fp = {.c = 1, .weight_pos = 1, .weight_neg = 1, .use_libsvm = 0, .eps = 0,
                        .seed = 3};
    ms_linear m = {0};
    assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &m), MS_OK);
    double *dec = malloc(s.n * sizeof *dec);
    assert_non_null(dec);
    for (size_t i = 0; i < s.n; i++)
        dec[i] = ms_linear_decision(&m, &s.x[i]);
    double a = 0, b = 0;
    assert_int_equal(ms_platt_fit(dec, s.y, s.n, &a, &b), MS_OK);
    assert_true(a < 0); /* P(positive) grows with the decision value */
    m.prob_a = a;
    m.prob_b = b;
    m.positive_first = 1;

    /* the stopping rule of sigmoid_train holds at the answer: the
     * gradient of the prior-corrected cross-entropy is ~0 */
    double np = 0, nn = 0;
    for (size_t i = 0; i < s.n; i++)
        s.y[i] ? np++ : nn++;
    double hi = (np + 1) / (np + 2), lo = 1 / (nn + 2), g1 = 0, g2 = 0;
    for (size_t i = 0; i < s.n; i++) {
        double pr = 1 / (1 + exp(dec[i] * a + b)); /* P(positive) */
        double t = s.y[i] ? hi : lo;
        g1 += dec[i] * (t - pr);
        g2 += t - pr;
    }
    assert_true(fabs(g1) < 1e-4 && fabs(g2) < 1e-4);

    /* monotone, in (0, 1), sensible at the ends and calibrated on average */
    double prev = 0, mean_p = 0;
    for (double d = -5; d <= 5; d += 0.25) {
        double pr = ms_linear_probability(&m, d);
        assert_true(pr > prev);
        assert_true(pr > 0 && pr < 1);
        prev = pr;
    }
    assert_true(ms_linear_probability(&m, -5) < 0.1);
    assert_true(ms_linear_probability(&m, 5) > 0.9);
    for (size_t i = 0; i < s.n; i++)
        mean_p += ms_linear_probability(&m, dec[i]);
    mean_p /= (double)s.n;
    assert_true(fabs(mean_p - np / (double)s.n) < 0.02);

    /* the clamp of libsvm: never exactly 0 or 1 */
    assert_true(ms_linear_probability(&m, 1e6) == 1 - 1e-7);
    assert_true(ms_linear_probability(&m, -1e6) == 1e-7);

    assert_int_equal(ms_platt_fit(dec, s.y, 0, &a, &b), MS_ERR_ARG);
    free(dec);
    free(m.w);
    free_problem(&s);
}

/* A fitted, calibrated model written and read by both libsvm and us. */
static void test_fit_write_load_roundtrip(void **state)
{
    (void)state;
    tmpdir t = {{0}, {0}};
    synth s;
    make_problem(&s, 300, 500, 12, 0.5, 0, 31);
    ms_problem p = as_problem(&s);
    for (int loss = 0; loss < 2; loss++) { /* hinge, then logistic */
        ms_fit_params fp = {.c = 1, .weight_pos = 2, .weight_neg = 1, .use_libsvm = 0, .eps = 0,
                            .seed = 3, .loss = (ms_loss)loss};
        ms_linear m = {0};
        assert_int_equal(ms_linear_fit(&p, NULL, 0, &fp, &m), MS_OK);
        double *dec = malloc(s.n * sizeof *dec);
        assert_non_null(dec);
        for (size_t i = 0; i < s.n; i++)
            dec[i] = ms_linear_decision(&m, &s.x[i]);
        assert_int_equal(ms_platt_fit(dec, s.y, s.n, &m.prob_a, &m.prob_b), MS_OK);
        const char *path = tmp_path(&t, "fit.model");
        assert_int_equal(ms_linear_write_libsvm(&m, path, NULL), MS_OK);
        assert_agrees(path, &m, 5, 500, 12, 300);
        ms_linear *back = NULL;
        assert_int_equal(ms_linear_load(path, &back, NULL), MS_OK);
        for (size_t i = 0; i < s.n; i++)
            assert_true(ms_linear_decision(back, &s.x[i]) == dec[i]);
        ms_linear_free(back);
        free(dec);
        free(m.w);
    }
    tmp_clean(&t, "fit.model");
    free_problem(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_valid),
        cmocka_unit_test(test_load_valid_agrees_with_libsvm),
        cmocka_unit_test(test_load_corrupt),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_write_agrees_with_libsvm),
        cmocka_unit_test(test_trim_writes_short_exact_weights),
        cmocka_unit_test(test_libsvm_trained_model_agrees),
        cmocka_unit_test(test_dcd_separable_and_deterministic),
        cmocka_unit_test(test_libsvm_fit_separable),
        cmocka_unit_test(test_class_weights_shift_decision),
        cmocka_unit_test(test_row_weights),
        cmocka_unit_test(test_fit_rejects_bad_input),
        cmocka_unit_test(test_logistic_fit),
        cmocka_unit_test(test_warm_start),
        cmocka_unit_test(test_fit_scale_folds_into_w),
        cmocka_unit_test(test_platt),
        cmocka_unit_test(test_fit_write_load_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

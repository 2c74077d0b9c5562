/* test_compiled.c - model.bin: the compiled form loads the same weights and
 * idf as the text forms, bit for bit; a stale one is passed over, a
 * damaged one is refused; the shipped model's model.bin is fresh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card.h"
#include "compiled.h"
#include "util.h"

static char dir[48];

static uint64_t file_fnv(const char *path)
{
    char *data;
    size_t len;
    assert_int_equal(ms_read_file(path, 1u << 30, &data, &len, NULL), MS_OK);
    uint64_t h = ms_hash64(data, len, 0);
    free(data);
    return h;
}

static void path_of(char *out, size_t n, const char *d, const char *name)
{
    snprintf(out, n, "%s/%s", d, name);
}

/* A small model directory: sparse w over 2^10 buckets + dense block. */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ms_compiled_%ld", (long)getpid());
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
    assert_int_equal(system(cmd), 0);
    ms_linear m = {0};
    m.dim = (1 << 10) + 12;
    m.w = calloc((size_t)m.dim, sizeof *m.w);
    assert_non_null(m.w);
    for (int32_t j = 1; j < m.dim; j += 7)
        m.w[j] = (j % 3 ? 1 : -1) * (0.1 + j * 1e-3) / 3.0;
    m.rho = 0.123456789;
    m.prob_a = -2.5;
    m.prob_b = 0.25;
    m.positive_first = 1;
    char p[128];
    path_of(p, sizeof p, dir, "model.svm");
    assert_int_equal(ms_linear_write_libsvm(&m, p, NULL), MS_OK);
    free(m.w);
    uint32_t df[1 << 10];
    for (int i = 0; i < 1 << 10; i++)
        df[i] = (uint32_t)(i % 5);
    ms_idf idf = {0};
    assert_int_equal(ms_idf_from_df(df, 10, 100, 2, &idf), MS_OK);
    path_of(p, sizeof p, dir, "idf.bin");
    assert_int_equal(ms_idf_write(&idf, p, NULL), MS_OK);
    free(idf.idf);
    assert_int_equal(ms_compiled_write_dir(dir, NULL), MS_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Loads d's model.bin against d's own text files; returns the status. */
static ms_status load_dir(const char *d, ms_linear **lin, ms_idf *idf, ms_error *err)
{
    char svm[256], ib[256], bin[256];
    path_of(svm, sizeof svm, d, "model.svm");
    path_of(ib, sizeof ib, d, "idf.bin");
    path_of(bin, sizeof bin, d, "model.bin");
    ms_idf text_idf;
    assert_int_equal(ms_idf_read(ib, &text_idf, NULL), MS_OK);
    int bits = text_idf.bits;
    free(text_idf.idf);
    return ms_compiled_load(bin, file_fnv(svm), file_fnv(ib), bits, lin, idf, err);
}

static void same_as_text(const char *d)
{
    char svm[256], ib[256];
    path_of(svm, sizeof svm, d, "model.svm");
    path_of(ib, sizeof ib, d, "idf.bin");
    ms_linear *a, *b;
    ms_idf ia, ib2;
    assert_int_equal(ms_linear_load(svm, &a, NULL), MS_OK);
    assert_int_equal(ms_idf_read(ib, &ia, NULL), MS_OK);
    assert_int_equal(load_dir(d, &b, &ib2, NULL), MS_OK);
    assert_int_equal(a->dim, b->dim);
    assert_memory_equal(a->w, b->w, (size_t)a->dim * sizeof *a->w);
    assert_memory_equal(&a->rho, &b->rho, sizeof a->rho);
    assert_memory_equal(&a->prob_a, &b->prob_a, sizeof a->prob_a);
    assert_memory_equal(&a->prob_b, &b->prob_b, sizeof a->prob_b);
    assert_int_equal(a->positive_first, b->positive_first);
    assert_int_equal(ia.bits, ib2.bits);
    assert_true(ia.n_docs == ib2.n_docs);
    assert_memory_equal(ia.idf, ib2.idf, ((size_t)1 << ia.bits) * sizeof *ia.idf);
    ms_linear_free(a);
    ms_linear_free(b);
    free(ia.idf);
    free(ib2.idf);
}

static void loads_what_the_text_forms_hold(void **state)
{
    (void)state;
    same_as_text(dir);
}

static void shipped_model_bin_is_fresh(void **state)
{
    (void)state;
    ms_card card;
    assert_int_equal(ms_card_read(MS_MODELS_DIR "/hostility/card.json", &card, NULL), MS_OK);
    assert_true(card.model_hash == file_fnv(MS_MODELS_DIR "/hostility/model.svm"));
    ms_card_clear(&card);
    same_as_text(MS_MODELS_DIR "/hostility");
}

static void stale_is_not_found(void **state)
{
    (void)state;
    char bin[128];
    path_of(bin, sizeof bin, dir, "model.bin");
    ms_linear *lin;
    ms_idf idf;
    ms_error err = {0};
    assert_int_equal(ms_compiled_load(bin, 1, 2, 10, &lin, &idf, &err), MS_ERR_NOT_FOUND);
    assert_null(lin);
    path_of(bin, sizeof bin, dir, "no-such.bin");
    assert_int_equal(ms_compiled_load(bin, 1, 2, 10, &lin, &idf, &err), MS_ERR_NOT_FOUND);
}

/* Copies dir to a sibling, changes model.bin with edit, and loads it. */
static ms_status load_damaged(void (*edit)(char *data, size_t *len), ms_error *err)
{
    char d2[64], cmd[256], bin[128];
    snprintf(d2, sizeof d2, "%s.damaged", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s %s", d2, dir, d2);
    assert_int_equal(system(cmd), 0);
    path_of(bin, sizeof bin, d2, "model.bin");
    char *data;
    size_t len;
    assert_int_equal(ms_read_file(bin, 1u << 30, &data, &len, NULL), MS_OK);
    edit(data, &len);
    FILE *f = fopen(bin, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
    ms_linear *lin = NULL;
    ms_idf idf;
    ms_status st = load_dir(d2, &lin, &idf, err);
    if (st == MS_OK) {
        ms_linear_free(lin);
        free(idf.idf);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", d2);
    assert_int_equal(system(cmd), 0);
    return st;
}

static void flip_weight(char *d, size_t *n) { d[*n / 2] ^= 0x10; }
static void flip_magic(char *d, size_t *n) { (void)n, d[0] = 'X'; }
static void bump_version(char *d, size_t *n) { (void)n, d[8]++; }
static void truncate8(char *d, size_t *n) { (void)d, *n -= 8; }
static void flip_sum(char *d, size_t *n) { d[*n - 1] ^= 1; }

static void damaged_is_refused(void **state)
{
    (void)state;
    void (*edits[])(char *, size_t *) = {flip_weight, flip_magic, bump_version, truncate8,
                                         flip_sum};
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        ms_error err = {0};
        assert_int_equal(load_damaged(edits[i], &err), MS_ERR_MODEL);
        assert_true(strlen(err.message) > 0);
    }
}

/* The scorer takes model.bin when it is fresh, the text forms when it is
 * stale, and refuses a damaged one. */
static void scorer_uses_refuses_and_falls_back(void **state)
{
    (void)state;
    char d2[96], cmd[512];
    snprintf(d2, sizeof d2, "%s.models", dir);
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && mkdir -p %s && cp -r " MS_MODELS_DIR "/lexicons " MS_MODELS_DIR
             "/hostility %s/",
             d2, d2, d2);
    assert_int_equal(system(cmd), 0);
    ms_models *m;
    ms_error err = {0};
    assert_int_equal(ms_models_load(d2, &m, &err), MS_OK);
    ms_models_free(m);
    /* stale: a model.bin compiled from other files */
    snprintf(cmd, sizeof cmd, "cp %s/model.bin %s/hostility/model.bin", dir, d2);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ms_models_load(d2, &m, &err), MS_OK);
    ms_models_free(m);
    /* damaged: the shipped one with a byte changed */
    snprintf(cmd, sizeof cmd,
             "cp " MS_MODELS_DIR "/hostility/model.bin %s/hostility/model.bin && "
             "printf 'X' | dd of=%s/hostility/model.bin bs=1 seek=200 conv=notrunc 2>/dev/null",
             d2, d2);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ms_models_load(d2, &m, &err), MS_ERR_MODEL);
    assert_non_null(strstr(err.message, "checksum"));
    /* missing: the text forms */
    snprintf(cmd, sizeof cmd, "rm %s/hostility/model.bin", d2);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ms_models_load(d2, &m, &err), MS_OK);
    ms_models_free(m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", d2);
    assert_int_equal(system(cmd), 0);
}

static void fast_hash_sees_every_byte(void **state)
{
    (void)state;
    unsigned char buf[100] = {0};
    uint64_t h0 = ms_hash64_fast(buf, sizeof buf, 0);
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = 1;
        assert_true(ms_hash64_fast(buf, sizeof buf, 0) != h0);
        buf[i] = 0;
    }
    assert_true(ms_hash64_fast(buf, 99, 0) != h0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_what_the_text_forms_hold),
        cmocka_unit_test(shipped_model_bin_is_fresh),
        cmocka_unit_test(stale_is_not_found),
        cmocka_unit_test(damaged_is_refused),
        cmocka_unit_test(scorer_uses_refuses_and_falls_back),
        cmocka_unit_test(fast_hash_sees_every_byte),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

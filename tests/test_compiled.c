/* test_compiled.c - model.bin: the compiled form loads the same weights and
 * idf as the text forms, bit for bit; a stale one is passed over, a
 * damaged one is refused (its header always, its data when verified); the
 * shipped models' model.bin files are fresh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
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
static ms_status load_dir(const char *d, unsigned flags, ms_linear **lin, ms_idf *idf,
                          ms_compiled_map *map, ms_error *err)
{
    char svm[256], ib[256], bin[256];
    path_of(svm, sizeof svm, d, "model.svm");
    path_of(ib, sizeof ib, d, "idf.bin");
    path_of(bin, sizeof bin, d, "model.bin");
    ms_idf text_idf;
    assert_int_equal(ms_idf_read(ib, &text_idf, NULL), MS_OK);
    int bits = text_idf.bits;
    free(text_idf.idf);
    return ms_compiled_load(bin, file_fnv(svm), file_fnv(ib), bits, flags, lin, idf, map, err);
}

static void same_as_text(const char *d)
{
    char svm[256], ib[256];
    path_of(svm, sizeof svm, d, "model.svm");
    path_of(ib, sizeof ib, d, "idf.bin");
    ms_linear *a, *b;
    ms_idf ia, ib2;
    ms_compiled_map map;
    assert_int_equal(ms_linear_load(svm, &a, NULL), MS_OK);
    assert_int_equal(ms_idf_read(ib, &ia, NULL), MS_OK);
    assert_int_equal(load_dir(d, MS_COMPILED_VERIFY, &b, &ib2, &map, NULL), MS_OK);
    assert_true(b->borrowed);
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
    ms_compiled_unmap(&map);
    ms_compiled_unmap(&map); /* twice is harmless */
}

static void loads_what_the_text_forms_hold(void **state)
{
    (void)state;
    same_as_text(dir);
}

static void shipped_model_bin_is_fresh(void **state)
{
    (void)state;
    const char *names[] = {"hostility", "off_topic"};
    for (size_t i = 0; i < 2; i++) {
        char d[512], p[600];
        snprintf(d, sizeof d, "%s/%s", MS_MODELS_DIR, names[i]);
        ms_card card;
        snprintf(p, sizeof p, "%s/card.json", d);
        assert_int_equal(ms_card_read(p, &card, NULL), MS_OK);
        snprintf(p, sizeof p, "%s/model.svm", d);
        assert_true(card.model_hash == file_fnv(p));
        ms_card_clear(&card);
        same_as_text(d);
    }
}

static void stale_is_not_found(void **state)
{
    (void)state;
    char bin[128];
    path_of(bin, sizeof bin, dir, "model.bin");
    ms_linear *lin;
    ms_idf idf;
    ms_compiled_map map;
    ms_error err = {0};
    assert_int_equal(ms_compiled_load(bin, 1, 2, 10, 0, &lin, &idf, &map, &err),
                     MS_ERR_NOT_FOUND);
    assert_null(lin);
    assert_null(map.base);
    path_of(bin, sizeof bin, dir, "no-such.bin");
    assert_int_equal(ms_compiled_load(bin, 1, 2, 10, 0, &lin, &idf, &map, &err),
                     MS_ERR_NOT_FOUND);
}

/* Copies dir to a sibling, changes model.bin with edit, and loads it. */
static ms_status load_damaged(void (*edit)(char *data, size_t *len), unsigned flags,
                              ms_error *err)
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
    ms_compiled_map map;
    ms_status st = load_dir(d2, flags, &lin, &idf, &map, err);
    if (st == MS_OK) {
        ms_linear_free(lin);
        ms_compiled_unmap(&map);
    } else {
        assert_null(lin);
        assert_null(map.base);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", d2);
    assert_int_equal(system(cmd), 0);
    return st;
}

/* damage to the data: found by the data checksum */
static void flip_weight(char *d, size_t *n) { (void)n, d[4096 + 7 * 8 + 3] ^= 0x10; }
static void flip_idf(char *d, size_t *n) { d[*n - 4096 + 5] ^= 1; }
static void flip_padding(char *d, size_t *n) { (void)n, d[200] ^= 1; }
static void nan_weight(char *d, size_t *n)
{
    /* a NaN weight with the data checksum made to match: the value check */
    double v = NAN;
    memcpy(d + 4096 + 8, &v, 8);
    uint64_t sum = ms_hash64_fast(d + 128, *n - 128, 0);
    memcpy(d + 104, &sum, 8);
    uint64_t hsum = ms_hash64_fast(d, 120, 0);
    memcpy(d + 120, &hsum, 8);
}
/* damage to the header or the size: found by every load */
static void flip_magic(char *d, size_t *n) { (void)n, d[0] = 'X'; }
static void bump_version(char *d, size_t *n) { (void)n, d[8]++; }
static void flip_rho(char *d, size_t *n) { (void)n, d[40] ^= 1; }
static void flip_header_sum(char *d, size_t *n) { (void)n, d[120] ^= 1; }
static void flip_data_sum(char *d, size_t *n) { (void)n, d[104] ^= 1; }
static void truncate8(char *d, size_t *n) { (void)d, *n -= 8; }
static void truncate_page(char *d, size_t *n) { (void)d, *n -= 4096; }
static void version1(char *d, size_t *n)
{
    /* an old, sparse model.bin: version 1, 96-byte header, any size */
    d[8] = 1;
    d[12] = 96;
    *n = 96 + 8 * 10;
}

static void damaged_is_refused(void **state)
{
    (void)state;
    void (*always[])(char *, size_t *) = {flip_magic, bump_version, flip_rho, flip_header_sum,
                                          flip_data_sum, truncate8, truncate_page, version1};
    for (size_t i = 0; i < sizeof always / sizeof *always; i++) {
        for (unsigned flags = 0; flags <= MS_COMPILED_VERIFY; flags += MS_COMPILED_VERIFY) {
            ms_error err = {0};
            assert_int_equal(load_damaged(always[i], flags, &err), MS_ERR_MODEL);
            assert_true(strlen(err.message) > 0);
        }
    }
    /* inside the data: refused when verified; trusted (the documented
     * trade-off of MS_LOAD_TRUST_COMPILED) when not */
    void (*data[])(char *, size_t *) = {flip_weight, flip_idf, flip_padding, nan_weight};
    for (size_t i = 0; i < sizeof data / sizeof *data; i++) {
        ms_error err = {0};
        assert_int_equal(load_damaged(data[i], MS_COMPILED_VERIFY, &err), MS_ERR_MODEL);
        assert_true(strlen(err.message) > 0);
        assert_int_equal(load_damaged(data[i], 0, &err), MS_OK);
    }
}

static char trusting_error[256];

/* A trusting load of dir (modscore check's) and one comment scored with
 * it: the model is mapped, its header checked, by the comment. Returns
 * ms_score's status; the mapping's error message in trusting_error. */
static ms_status trusting_score(const char *dir)
{
    ms_models *m;
    ms_policy *p;
    ms_scorer *sc;
    ms_error err = {0};
    assert_int_equal(ms_models_load_flags(dir, MS_LOAD_TRUST_COMPILED, &m, &err), MS_OK);
    assert_false(ms_models_category_mapped(m, 0)); /* not before a comment needs it */
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_scorer_new(m, p, &sc), MS_OK);
    ms_input in = {.text = "you idiot", .len = 9};
    ms_result r;
    ms_status st = ms_score(sc, &in, &r);
    if (st == MS_OK)
        ms_result_clear(&r);
    const ms_error *e = ms_models_map_error(m, 0);
    snprintf(trusting_error, sizeof trusting_error, "%s", e ? e->message : "");
    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
    return st;
}

/* The scorer takes model.bin when it is fresh, the text forms when it is
 * stale, and refuses a damaged one: a verifying load at once, a trusting
 * one (modscore check) when the first comment maps it. */
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
    /* ... which a trusting load (modscore check) does not read */
    assert_int_equal(ms_models_load_flags(d2, MS_LOAD_TRUST_COMPILED, &m, &err), MS_OK);
    ms_models_free(m);
    /* damaged in the header: refused by every load */
    snprintf(cmd, sizeof cmd,
             "printf 'X' | dd of=%s/hostility/model.bin bs=1 seek=44 conv=notrunc 2>/dev/null",
             d2);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(trusting_score(d2), MS_ERR_MODEL);
    assert_non_null(strstr(trusting_error, "header checksum"));
    /* an old format: refused too (modscore compile rewrites it) */
    snprintf(cmd, sizeof cmd, "printf 'MSMODBIN\001' > %s/hostility/model.bin && "
             "head -c 8184 /dev/zero >> %s/hostility/model.bin", d2, d2);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(trusting_score(d2), MS_ERR_MODEL);
    assert_non_null(strstr(trusting_error, "modscore compile"));
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

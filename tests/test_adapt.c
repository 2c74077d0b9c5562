/* test_adapt.c - the adaptation solver (adapt_fit.c): it reaches the
 * optimum (zero gradient) from a cold or a warm start, a weak prior keeps
 * the base model's decisions, and the base model's score as a feature gets
 * the weight the data asks for; the decisions adapted to: a revised
 * decision in a log settled to the latest, other disagreements refused by
 * file and line, a task's own category's records selected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adapt.h"

/* 8 rows over 3 compact columns: column 0 marks the site's own rejections
 * (rows 0-3 rejected), the base score z agrees on rows 0-1 and 4-5 only. */
static size_t ptr[] = {0, 2, 4, 5, 6, 7, 8, 9, 10};
static int32_t col[] = {0, 1, 0, 2, 0, 0, 1, 2, 1, 2};
static float val[] = {1, 0.5, 1, 0.5, 1, 1, 1, 1, 1, 1};
static double z[] = {2, 1.5, -1, -2, -2, -1.5, 1, 2};
static int8_t y[] = {1, 1, 1, 1, 0, 0, 0, 0};
static int32_t orig[] = {10, 20, 30};

static ms_adapt_rows rows(void)
{
    ms_adapt_rows r = {8, ptr, col, val, 3, orig, z, y, {1, 1}};
    return r;
}

/* The objective's gradient at w, by the formula the solver minimises. */
static double gradient_norm(const ms_adapt_rows *r, const ms_adapt_fit *p, const double *w)
{
    double g[5];
    memcpy(g, w, sizeof g);
    for (size_t i = 0; i < r->n; i++) {
        double yy = r->y[i] ? 1 : -1, m = yy * ms_adapt_decision(r, i, p, w);
        double a = p->c * (1 / (1 + exp(-m)) - 1) * yy;
        for (size_t k = r->ptr[i]; k < r->ptr[i + 1]; k++)
            g[r->col[k]] += a * r->val[k];
        g[3] += a * p->s * r->z[i];
        g[4] += a;
    }
    double s = 0;
    for (int j = 0; j < 5; j++)
        s += g[j] * g[j];
    return sqrt(s);
}

static void test_optimum_from_any_start(void **state)
{
    (void)state;
    ms_adapt_rows r = rows();
    for (int m = 0; m < 3; m++) {
        ms_adapt_fit p = {3.0, m != 1 ? 1.0 : 0.0, m != 0 ? 1.0 : 0.0};
        double cold[5] = {0}, warm[5] = {5, -5, 5, 2, -1};
        assert_int_equal(ms_adapt_solve(&r, NULL, r.n, &p, cold), MS_OK);
        assert_int_equal(ms_adapt_solve(&r, NULL, r.n, &p, warm), MS_OK);
        double zero[5] = {0}, g0 = gradient_norm(&r, &p, zero);
        /* the solver's stopping rule: |g| <= 1e-4 |g(0)| */
        assert_true(gradient_norm(&r, &p, cold) <= 1e-4 * g0);
        assert_true(gradient_norm(&r, &p, warm) <= 1e-4 * g0);
        for (int j = 0; j < 5; j++)
            assert_true(fabs(cold[j] - warm[j]) < 1e-2);
        /* the site's own signal (column 0) is learnt */
        assert_true(cold[0] > 0.5);
    }
}

static void test_weak_prior_keeps_the_base(void **state)
{
    (void)state;
    ms_adapt_rows r = rows();
    ms_adapt_fit p = {1e-6, 0, 1};
    double w[5] = {0};
    assert_int_equal(ms_adapt_solve(&r, NULL, r.n, &p, w), MS_OK);
    for (size_t i = 0; i < r.n; i++)
        assert_true(fabs(ms_adapt_decision(&r, i, &p, w) - z[i]) < 1e-4);
}

static void test_subset_of_rows(void **state)
{
    (void)state;
    ms_adapt_rows r = rows();
    /* rows 0, 1, 4, 5: the base score alone separates them, so as a
     * feature it gets a positive weight */
    size_t sub[] = {0, 1, 4, 5};
    ms_adapt_fit p = {10, 1, 0};
    double w[5] = {0};
    assert_int_equal(ms_adapt_solve(&r, sub, 4, &p, w), MS_OK);
    assert_true(w[3] > 0.3);
}

/* A dataset read from JSON Lines, as train reads --data. */
static void read_set(ms_dataset *set, const char *name, const char *jsonl)
{
    ms_error err;
    assert_int_equal(ms_dataset_read(jsonl, strlen(jsonl), MS_FORMAT_JSONL, NULL, name, set, &err),
                     MS_OK);
}

/* A serve --feedback record; cat: more members, e.g. ",\"category\":\"insult\"" */
#define LOG(t, label, time, cat)                                                                   \
    "{\"text\":\"" t "\",\"label\":" #label ",\"source\":\"suggestscore\",\"time\":\"" time     \
    "\"" cat "}\n"

/* A decision log's revised decision: the latest (by time, across files
 * read in any order) wins and the text's other records go. */
static void test_settle_log_latest_wins(void **state)
{
    (void)state;
    ms_dataset set = {0};
    read_set(&set, "b.jsonl",
             LOG("same", 0, "2026-12-01T10:00:00Z", "") LOG("other", 1, "2026-12-01T09:00:00Z", ""));
    read_set(&set, "a.jsonl",
             LOG("same", 1, "2026-12-01T09:00:00Z", "") LOG("same", 1, "2026-12-01T08:00:00Z", ""));
    size_t revised = 9;
    ms_error err;
    assert_int_equal(ms_dataset_settle(&set, 0, &revised, &err), MS_OK);
    assert_int_equal(revised, 1);
    assert_int_equal(set.n, 2);
    assert_string_equal(set.items[0].text, "same");
    assert_int_equal(set.items[0].label, 0); /* 10:00, read first */
    assert_string_equal(set.sources[set.items[0].source], "b.jsonl");
    ms_dataset_clear(&set);
}

/* Other data: refused naming both files and lines, unless latest_wins. */
static void test_settle_other_data(void **state)
{
    (void)state;
    ms_dataset set = {0};
    ms_error err;
    read_set(&set, "x.jsonl", "{\"text\":\"t\",\"label\":1}\n{\"text\":\"u\",\"label\":0}\n");
    read_set(&set, "y.jsonl", "\n{\"text\":\"t\",\"label\":0}\n");
    assert_int_equal(ms_dataset_settle(&set, 0, NULL, &err), MS_ERR_PARSE);
    assert_string_equal(err.source, "x.jsonl");
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "published at y.jsonl:2"));
    assert_int_equal(set.n, 3);
    size_t revised;
    assert_int_equal(ms_dataset_settle(&set, 1, &revised, &err), MS_OK);
    assert_int_equal(revised, 1);
    assert_int_equal(set.n, 2);
    assert_int_equal(set.items[1].label, 0);
    ms_dataset_clear(&set);
}

/* --task T: records naming T, and those naming none (log records without
 * one being hostility's). */
static void test_select_category(void **state)
{
    (void)state;
    ms_dataset set = {0};
    read_set(&set, "f.jsonl",
             LOG("a", 1, "t", "") LOG("b", 1, "t", ",\"category\":\"insult\"")
             "{\"text\":\"c\",\"label\":0}\n"
             LOG("d", 0, "t", ",\"category\":\"hostility\""));
    size_t dropped;
    assert_int_equal(ms_dataset_select_category(&set, "insult", &dropped), MS_OK);
    assert_int_equal(dropped, 2);
    assert_int_equal(set.n, 2);
    assert_string_equal(set.items[0].text, "b");
    assert_string_equal(set.items[1].text, "c");
    ms_dataset_clear(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimum_from_any_start),
        cmocka_unit_test(test_weak_prior_keeps_the_base),
        cmocka_unit_test(test_subset_of_rows),
        cmocka_unit_test(test_settle_log_latest_wins),
        cmocka_unit_test(test_settle_other_data),
        cmocka_unit_test(test_select_category),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

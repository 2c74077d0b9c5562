/* test_featurize.c - the features module's hashed n-grams: the "aimed"
 * copies of words near a second-person word (you_window) and the
 * "group-aimed" ones near a word naming an identity group (group_window);
 * which settings let models share a pass. */
#include "featurize.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* Distinct hashed buckets of text with the hostility defaults and the
 * given window. */
static size_t buckets(const char *text, int window,
                      int (*skip)(void *ud, const char *w, size_t n))
{
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.you_window = window;
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_OK);
    ms_featurizer_set_skip(f, skip, NULL);
    const uint32_t *b;
    size_t n = 0;
    assert_int_equal(ms_features_buckets(f, text, strlen(text), &b, &n), MS_OK);
    ms_featurizer_free(f);
    return n;
}

/* How many aimed copies the window adds to text. */
static size_t aimed(const char *text, int window)
{
    return buckets(text, window, NULL) - buckets(text, 0, NULL);
}

static void test_defaults(void **state)
{
    (void)state;
    ms_feature_config h, o;
    ms_feature_config_default(&h, MS_TASK_HOSTILITY);
    ms_feature_config_default(&o, MS_TASK_OFF_TOPIC);
    assert_int_equal(h.you_window, 4);
    assert_int_equal(o.you_window, 0);
}

static void test_words_near_you_are_aimed(void **state)
{
    (void)state;
    assert_int_equal(aimed("you idiot", 4), 1);
    assert_int_equal(aimed("idiot, that is what you are", 4), 5);  /* before and after */
    assert_int_equal(aimed("u r a moron", 4), 3);
    /* "idiot" is 6 words from "you": only the words between are aimed */
    assert_int_equal(aimed("idiot one two three four five you", 4), 4);
    assert_int_equal(aimed("idiot one two three four five you", 6), 6);
    /* no second-person word, nothing aimed; the same word twice is one bucket */
    assert_int_equal(aimed("the idiot said the idiot thing", 4), 0);
    assert_int_equal(aimed("you idiot idiot", 4), 1);
}

static int skip_you(void *ud, const char *w, size_t n)
{
    (void)ud;
    return n == 3 && memcmp(w, "you", 3) == 0;
}

static void test_skipped_you_aims_nothing(void **state)
{
    (void)state;
    assert_int_equal(buckets("you idiot", 4, skip_you), buckets("you idiot", 0, skip_you));
}

static void test_window_is_validated(void **state)
{
    (void)state;
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    ms_featurizer *f = NULL;
    cfg.you_window = MS_YOU_WINDOW_MAX + 1;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_ERR_ARG);
    cfg.you_window = -1;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_ERR_ARG);
    assert_null(f);
}

/* Group-aimed copies: the words within group_window tokens of a word naming
 * an identity group, not the group word itself. */
static size_t group_aimed(const char *text, int window)
{
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.you_window = 0;
    size_t n[2];
    for (int k = 0; k < 2; k++) {
        cfg.group_window = k ? window : 0;
        ms_featurizer *f;
        assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_OK);
        const uint32_t *b;
        assert_int_equal(ms_features_buckets(f, text, strlen(text), &b, &n[k]), MS_OK);
        ms_featurizer_free(f);
    }
    return n[1] - n[0];
}

static void test_words_near_groups_are_group_aimed(void **state)
{
    (void)state;
    assert_int_equal(group_aimed("women are vermin", 4), 2);
    assert_int_equal(group_aimed("I think Muslims are vermin", 4), 4);
    assert_int_equal(group_aimed("vermin one two three four five jews", 4), 4);
    /* no group word, nothing group-aimed (a second person is not a group) */
    assert_int_equal(group_aimed("you are vermin", 4), 0);
    ms_feature_config a, b;
    ms_feature_config_default(&a, MS_TASK_HOSTILITY);
    b = a;
    assert_true(ms_feature_config_shared(&a, &b));
    b.min_df = 7; /* training only */
    assert_true(ms_feature_config_shared(&a, &b));
    b.group_window = 4;
    assert_false(ms_feature_config_shared(&a, &b));
    b = a;
    b.hash_bits = 18;
    assert_false(ms_feature_config_shared(&a, &b));
    ms_featurizer *f = NULL;
    a.group_window = MS_YOU_WINDOW_MAX + 1;
    assert_int_equal(ms_featurizer_new(&a, NULL, &f), MS_ERR_ARG);
    assert_null(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_words_near_you_are_aimed),
        cmocka_unit_test(test_skipped_you_aims_nothing),
        cmocka_unit_test(test_window_is_validated),
        cmocka_unit_test(test_words_near_groups_are_group_aimed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_sentiment.c - VADER compound scores against the published examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fixtures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment.h"

static double score(const ms_lexicon *lx, const char *s) { return ms_vader_compound(lx, s, strlen(s)); }

typedef struct example {
    const char *text;
    double compound;
} example;

/* vaderSentiment README.rst, "Output for the above example code"
 * (cjhutto/vaderSentiment); the Python prints compound rounded to 4
 * decimals. The emoji example is left out: emoji are not translated. */
static const example README_EXAMPLES[] = {
    {"VADER is smart, handsome, and funny.", 0.8316},
    {"VADER is smart, handsome, and funny!", 0.8439},
    {"VADER is very smart, handsome, and funny.", 0.8545},
    {"VADER is VERY SMART, handsome, and FUNNY.", 0.9227},
    {"VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342},
    {"VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.9469},
    {"VADER is not smart, handsome, nor funny.", -0.7424},
    {"The book was good.", 0.4404},
    {"At least it isn't a horrible book.", 0.431},
    {"The book was only kind of good.", 0.3832},
    {"The plot was good, but the characters are uncompelling and the dialog is not great.", -0.7042},
    {"Today SUX!", -0.5461},
    {"Today only kinda sux! But I'll get by, lol", 0.5249},
    {"Make sure you :) or :D today!", 0.8633},
    {"Not bad at all", 0.431},
};

static void check(const ms_lexicon *lx, const example *ex, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double got = score(lx, ex[i].text);
        if (fabs(got - ex[i].compound) > 1e-4) {
            fprintf(stderr, "  %-60s want %.4f got %.6f\n", ex[i].text, ex[i].compound, got);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_readme_examples(void **state)
{
    check(*state, README_EXAMPLES, sizeof README_EXAMPLES / sizeof README_EXAMPLES[0]);
}

static void test_rules_move_scores_the_right_way(void **state)
{
    const ms_lexicon *lx = *state;
    double base = score(lx, "The food was good.");
    assert_true(base > 0);
    assert_true(score(lx, "The food was not good.") < 0);          /* negation */
    assert_true(score(lx, "The food wasn't good.") < 0);           /* n't */
    assert_true(score(lx, "The food was very good.") > base);      /* booster */
    assert_true(score(lx, "The food was barely good.") < base);    /* dampener */
    assert_true(score(lx, "The food was good!") > base);           /* exclamation */
    assert_true(score(lx, "The food was GOOD.") > base);           /* caps, others not */
    assert_true(score(lx, "THE FOOD WAS GOOD.") == base);          /* all caps: no emphasis */
    assert_true(score(lx, "The food was good!!!!!!!!") == score(lx, "The food was good!!!!"));
    /* no words at all, or none in the lexicon */
    assert_true(score(lx, "The table is in the kitchen.") == 0.0);
    /* "but": the part after it weighs more */
    assert_true(score(lx, "The food was bad but the staff were great") > 0);
    assert_true(score(lx, "The staff were great but the food was bad") < 0);
    /* idioms */
    assert_true(score(lx, "With VADER, sentiment analysis is the shit!") > 0);
    assert_true(score(lx, "Most automated sentiment analysis tools are shit.") < 0);
}

static void test_scores_stay_in_range(void **state)
{
    const ms_lexicon *lx = *state;
    char buf[4096] = "";
    for (int i = 0; i < 300; i++)
        strcat(buf, "great ");
    double s = score(lx, buf);
    assert_true(s > 0.99 && s <= 1.0);
    buf[0] = '\0';
    for (int i = 0; i < 300; i++)
        strcat(buf, "HORRIBLE!!! ");
    s = score(lx, buf);
    assert_true(s < -0.99 && s >= -1.0);
}

static void test_empty_and_null(void **state)
{
    const ms_lexicon *lx = *state;
    assert_true(ms_vader_compound(lx, "", 0) == 0.0);
    assert_true(ms_vader_compound(lx, NULL, 0) == 0.0);
    assert_true(ms_vader_compound(NULL, "good", 4) == 0.0);
    assert_true(score(lx, "   \t\r\n ") == 0.0);
    assert_true(score(lx, "!!!???") == 0.0);
}

static void test_length_is_respected(void **state)
{
    const ms_lexicon *lx = *state;
    /* not NUL-terminated: only len bytes are read */
    const char text[] = {'g', 'o', 'o', 'd', ' ', 'b', 'a', 'd'};
    assert_true(ms_vader_compound(lx, text, 4) > 0);
    assert_true(ms_vader_compound(lx, text, sizeof text) < 0);
    /* NUL bytes are ordinary characters */
    const char nul[] = "good\0 bad";
    assert_true(ms_vader_compound(lx, nul, sizeof nul - 1) < 0);
}

static void test_invalid_utf8(void **state)
{
    const ms_lexicon *lx = *state;
    const char *bad[] = {
        "\xff\xfe\xfd good \xc0\xaf",
        "good \xe2\x80",        /* truncated sequence at the end */
        "\xc2",                 /* lone lead byte */
        "\x80\x80\x80 bad \xed\xa0\x80", /* stray continuation, surrogate */
        "GOOD\xc3 bad",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double s = score(lx, bad[i]);
        assert_true(s >= -1.0 && s <= 1.0);
    }
    assert_true(score(lx, "\xff\xfe good") > 0);
    /* Unicode white space separates words as Python's split() does */
    assert_true(fabs(score(lx, "not\xc2\xa0good") - score(lx, "not good")) < 1e-12);
    assert_true(fabs(score(lx, "not\xe3\x80\x80good") - score(lx, "not good")) < 1e-12);
}

static void test_huge_input(void **state)
{
    const ms_lexicon *lx = *state;
    size_t n = 100 * 1024;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = "good bad! ugly? \xff\x00"[i % 18];
    double s = ms_vader_compound(lx, big, n);
    assert_true(s >= -1.0 && s <= 1.0);
    /* one giant token, and all white space */
    memset(big, 'a', n);
    assert_true(ms_vader_compound(lx, big, n) == 0.0);
    memset(big, ' ', n);
    assert_true(ms_vader_compound(lx, big, n) == 0.0);
    /* Past the token cap only the opening is scored: the result is the
     * score of the first 1024 words. */
    size_t k = 0;
    for (int i = 0; i < 1024; i++) {
        memcpy(big + k, "fine ", 5);
        k += 5;
    }
    double head = ms_vader_compound(lx, big, k);
    for (int i = 0; i < 2000 && k + 9 < n; i++) {
        memcpy(big + k, "horrible ", 9);
        k += 9;
    }
    assert_true(head > 0);
    assert_true(ms_vader_compound(lx, big, k) == head);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_examples),
        cmocka_unit_test(test_rules_move_scores_the_right_way),
        cmocka_unit_test(test_scores_stay_in_range),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_huge_input),
    };
    return cmocka_run_group_tests(tests, lexicon_setup, lexicon_teardown);
}

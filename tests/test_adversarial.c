/* test_adversarial.c - obfuscated insults (leetspeak, inserted punctuation,
 * spaced letters, Cyrillic homoglyphs, zero-width characters, fullwidth
 * letters, repeated letters, masks) score like their plain forms once
 * folded: |hostility(obfuscated) - hostility(plain)| <= MARGIN for every
 * pair of tests/data/adversarial/insults.jsonl, with the shipped models.
 *
 * Measured on the shipped models when the set was written: max 0.088,
 * mean 0.027 (the obfuscated form scores a little higher: folding flags
 * the token as disguised, which the model counts against it). */
#include "modscore.h"

#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"

#define MARGIN 0.10

static double hostility(ms_scorer *s, const char *text)
{
    ms_input in = {0};
    in.text = text;
    in.len = strlen(text);
    ms_result r = {0};
    assert_int_equal(ms_score(s, &in, &r), MS_OK);
    assert_true(r.has_hostility);
    double h = r.hostility;
    ms_result_clear(&r);
    return h;
}

static void test_obfuscation_margin(void **state)
{
    ms_scorer *s = ((scoring *)*state)->scorer;

    FILE *f = fopen(MS_TEST_DATA "/adversarial/insults.jsonl", "r");
    assert_non_null(f);
    char line[4096];
    size_t n = 0, over = 0;
    double max = 0, sum = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        assert_non_null(o);
        const char *plain = json_string_value(json_object_get(o, "plain"));
        const char *obf = json_string_value(json_object_get(o, "obfuscated"));
        const char *kind = json_string_value(json_object_get(o, "kind"));
        assert_non_null(plain);
        assert_non_null(obf);
        assert_string_not_equal(plain, obf);
        double a = hostility(s, plain), b = hostility(s, obf), d = fabs(a - b);
        if (d > MARGIN) {
            print_error("%s: \"%s\" %.3f vs \"%s\" %.3f (|diff| %.3f > %.2f)\n", kind ? kind : "?",
                        plain, a, obf, b, d, MARGIN);
            over++;
        }
        if (d > max)
            max = d;
        sum += d;
        n++;
        json_decref(o);
    }
    fclose(f);
    print_message("%zu pairs: max |diff| %.3f, mean %.3f (margin %.2f)\n", n, max,
                  n ? sum / (double)n : 0.0, MARGIN);
    assert_true(n >= 40);
    assert_int_equal(over, 0);
}

/* The spaced-letter fold keeps the article in front of a spaced word: "a m
 * o r o n" is "a" and "moron", not "amoron". */
static void test_spaced_after_article(void **state)
{
    ms_scorer *s = ((scoring *)*state)->scorer;
    double plain = hostility(s, "What a moron."), spaced = hostility(s, "What a m o r o n.");
    assert_true(fabs(plain - spaced) <= MARGIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_obfuscation_margin),
        cmocka_unit_test(test_spaced_after_article),
    };
    return cmocka_run_group_tests(tests, scoring_setup, scoring_teardown);
}

/* test_persp_scale.c - Perspective's scale on the shipped models (issue 26):
 * every attribute whose card carries a "perspective_scale" is answered by
 * the Perspective endpoint (persp_analyze_response on a real ms_score) with
 * the card's map applied to the model's score, the map read here from the
 * card file itself, not through the library. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "perspective.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The card's map at score v (piecewise linear between its knots). */
static double card_map(const json_t *scale, double v)
{
    const json_t *xs = json_object_get(scale, "score"), *ys = json_object_get(scale, "share");
    size_t n = json_array_size(xs);
    assert_true(n >= 2);
    for (size_t k = 1; k < n; k++) {
        double x0 = json_number_value(json_array_get(xs, k - 1));
        double x1 = json_number_value(json_array_get(xs, k));
        double y0 = json_number_value(json_array_get(ys, k - 1));
        double y1 = json_number_value(json_array_get(ys, k));
        if (v <= x1)
            return y0 + (y1 - y0) * (v - x0) / (x1 - x0);
    }
    return json_number_value(json_array_get(ys, n - 1));
}

static json_t *card_of(const char *category)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/card.json", MS_MODELS_DIR, category);
    json_error_t je;
    json_t *c = json_load_file(path, 0, &je);
    assert_non_null(c);
    return c;
}

/* Scores text for attribute attr through the endpoint; OUT: *raw, the
 * model's own score. Returns the summaryScore answered. */
static double answer(scoring *s, const char *attr, const char *text, double *raw)
{
    json_t *req = json_pack("{s:{s:s},s:{s:{}}}", "comment", "text", text,
                            "requestedAttributes", attr);
    assert_non_null(req);
    persp_analyze a;
    persp_error e = {0};
    assert_int_equal(persp_parse_analyze(req, s->models, &a, &e), 0);
    ms_input in = persp_input(&a);
    ms_result r;
    assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
    json_t *resp = persp_analyze_response(&a, s->scorer, &r, &e);
    assert_non_null(resp);
    int cat = a.attrs[0].category;
    assert_true(cat >= 0 && (size_t)cat < r.n_scores && r.scores[cat].has_score);
    *raw = r.scores[cat].score;
    json_t *sum = json_object_get(json_object_get(json_object_get(resp, "attributeScores"),
                                                  attr), "summaryScore");
    double v = json_real_value(json_object_get(sum, "value"));
    json_decref(resp);
    ms_result_clear(&r);
    persp_analyze_clear(&a);
    json_decref(req);
    return v;
}

static const char *const texts[] = {
    "You are a complete idiot and everyone here knows it.",
    "I will find you and kill you.",
    "What the fuck is this shit",
    "Muslims are vermin and should all be thrown out of the country.",
    "Thanks for the article, the numbers on the budget were useful.",
    "The council meets on Tuesday to vote on the new bike lanes.",
};

/* Each of these attributes' cards has a map (train/perspective_scale.py
 * --write), and the endpoint answers with it. */
static void test_mapped_attributes(void **state)
{
    scoring *s = *state;
    static const char *const attrs[][2] = {
        {"TOXICITY", "hostility"}, {"INSULT", "insult"}, {"PROFANITY", "profanity"},
        {"IDENTITY_ATTACK", "identity_attack"}, {"THREAT", "threat"},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++) {
        json_t *card = card_of(attrs[i][1]);
        const json_t *scale = json_object_get(card, "perspective_scale");
        if (!scale)
            fprintf(stderr, "%s: the card has no perspective_scale\n", attrs[i][1]);
        assert_non_null(scale);
        /* the check figures the README quotes are in the card */
        assert_non_null(json_object_get(json_object_get(scale, "check"), "after"));
        int moved = 0;
        for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
            double raw, v = answer(s, attrs[i][0], texts[t], &raw);
            double want = card_map(scale, raw);
            if (fabs(v - want) > 1e-6)
                fprintf(stderr, "%s %s: raw %.6f answered %.6f, map %.6f\n", attrs[i][0],
                        texts[t], raw, v, want);
            assert_true(fabs(v - want) <= 1e-6);
            moved += fabs(v - raw) > 1e-3;
        }
        assert_true(moved > 0); /* the answer is not the model's own score */
        json_decref(card);
    }
}

/* A card with no rater data says so and is answered with its own score. */
static void test_fallback(void **state)
{
    scoring *s = *state;
    json_t *card = card_of("off_topic");
    assert_null(json_object_get(card, "perspective_scale"));
    assert_non_null(strstr(json_string_value(json_object_get(card,
                                                             "perspective_scale_fallback")),
                           "no rater-level data"));
    int i = ms_models_category_find(s->models, "off_topic");
    assert_true(i >= 0);
    assert_true(ms_models_perspective_score(s->models, (size_t)i, 0.37) == 0.37);
    json_decref(card);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapped_attributes),
        cmocka_unit_test(test_fallback),
    };
    return cmocka_run_group_tests(tests, scoring_setup, scoring_teardown);
}

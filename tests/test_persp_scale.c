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

/* Scores text for attribute attr through the endpoint, with the models m
 * and scorer sc; OUT: *r, the result scored (clear it). Returns the
 * summaryScore answered, or -1 when the answer has none (below a
 * threshold: with threshold >= 0, the request's scoreThreshold). */
static double respond_in(const ms_models *m, ms_scorer *sc, const char *attr, double threshold,
                         const char *lang, const char *text, ms_result *r)
{
    json_t *req = json_pack("{s:{s:s},s:{s:{}}}", "comment", "text", text,
                            "requestedAttributes", attr);
    assert_non_null(req);
    if (lang)
        json_object_set_new(req, "languages", json_pack("[s]", lang));
    if (threshold >= 0)
        json_object_set_new(json_object_get(json_object_get(req, "requestedAttributes"), attr),
                            "scoreThreshold", json_real(threshold));
    persp_analyze a;
    persp_error e = {0};
    assert_int_equal(persp_parse_analyze(req, m, &a, &e), 0);
    ms_input in = persp_input(&a);
    assert_int_equal(persp_select(&a, sc, &e), 0); /* as the service scores it */
    assert_int_equal(ms_score(sc, &in, r), MS_OK);
    json_t *resp = persp_analyze_response(&a, sc, r, &e);
    ms_scorer_set_categories(sc, NULL, 0);
    if (!resp)
        fprintf(stderr, "%u %s\n", e.status, e.message);
    assert_non_null(resp);
    json_t *sum = json_object_get(json_object_get(json_object_get(resp, "attributeScores"),
                                                  attr), "summaryScore");
    double v = sum ? json_real_value(json_object_get(sum, "value")) : -1;
    json_decref(resp);
    persp_analyze_clear(&a);
    json_decref(req);
    return v;
}

static double respond(const ms_models *m, ms_scorer *sc, const char *attr, double threshold,
                      const char *text, ms_result *r)
{
    return respond_in(m, sc, attr, threshold, NULL, text, r);
}

/* The model's own score of category name in r. */
static double raw_of(const ms_models *m, const ms_result *r, const char *name)
{
    int cat = ms_models_category_find(m, name);
    assert_true(cat >= 0 && (size_t)cat < r->n_scores && r->scores[cat].has_score);
    return r->scores[cat].score;
}

/* Scores text for attr (of category name) on the shared models; OUT:
 * *raw, the model's own score. Returns the summaryScore answered. */
static double answer(scoring *s, const char *attr, const char *name, const char *text,
                     double *raw)
{
    ms_result r;
    double v = respond(s->models, s->scorer, attr, -1, text, &r);
    *raw = raw_of(s->models, &r, name);
    ms_result_clear(&r);
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
        {"SEVERE_TOXICITY", "severe_toxicity"},
    };
    for (size_t i = 1; i < sizeof attrs / sizeof *attrs; i++) { /* TOXICITY: below */
        json_t *card = card_of(attrs[i][1]);
        const json_t *scale = json_object_get(card, "perspective_scale");
        if (!scale)
            fprintf(stderr, "%s: the card has no perspective_scale\n", attrs[i][1]);
        assert_non_null(scale);
        /* the check figures the README quotes are in the card */
        assert_non_null(json_object_get(json_object_get(scale, "check"), "after"));
        int moved = 0;
        for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
            double raw, v = answer(s, attrs[i][0], attrs[i][1], texts[t], &raw);
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

/* TOXICITY is answered with the highest of its own map and the kinds of
 * toxicity its card includes, each kind's score read through the card's
 * map for it where that reading reaches its "from"; the shipped card says
 * why a kind is left out. */
static void test_toxicity_includes_kinds(void **state)
{
    scoring *s = *state;
    json_t *card = card_of("hostility");
    const json_t *inc = json_object_get(card, "perspective_includes");
    const json_t *out = json_object_get(card, "perspective_includes_left_out");
    /* every kind is either included or left out with a reason */
    static const char *const kinds[] = {"THREAT", "IDENTITY_ATTACK"};
    for (size_t k = 0; k < 2; k++) {
        int in = 0;
        for (size_t n = 0; n < json_array_size(inc); n++)
            in |= strcmp(json_string_value(json_object_get(json_array_get(inc, n),
                                                           "attribute")), kinds[k]) == 0;
        assert_true(in || json_is_string(json_object_get(out, kinds[k])));
    }
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        ms_result r;
        double v = respond(s->models, s->scorer, "TOXICITY", -1, texts[t], &r);
        double want = card_map(json_object_get(card, "perspective_scale"),
                               raw_of(s->models, &r, "hostility"));
        for (size_t n = 0; n < json_array_size(inc); n++) {
            const json_t *o = json_array_get(inc, n);
            int c = ms_models_category_for_attribute(
                s->models, json_string_value(json_object_get(o, "attribute")));
            if (c < 0)
                continue; /* no model answers it */
            double u = card_map(o, raw_of(s->models, &r,
                                          ms_models_category_info(s->models, (size_t)c)->name));
            if (u >= json_number_value(json_object_get(o, "from")) && u > want)
                want = u;
        }
        assert_true(fabs(v - want) <= 1e-6);
        ms_result_clear(&r);
    }
    json_decref(card);
}

/* A threat the hostility model ranks low is TOXICITY's answer through the
 * map the TOXICITY card has for THREAT (here: a threat score of 0.5 or more
 * is toxic to every rater), scoreThreshold compared on it; not when that
 * reading stays under the include's "from", nor when the threat model is of
 * another language. */
static void test_included_kind_lifts_toxicity(void **state)
{
    (void)state;
    static const struct {
        const char *inc;  /* the include on hostility's card */
        const char *lang; /* the threat card's language, or NULL */
        int lifted;
    } cases[] = {
        {"{\"attribute\":\"THREAT\",\"score\":[0,0.5,1],\"share\":[0,1,1],\"from\":0.7}", NULL, 1},
        {"{\"attribute\":\"THREAT\",\"score\":[0,0.5,1],\"share\":[0,0.6,0.6],\"from\":0.7}", NULL,
         0},
        {"{\"attribute\":\"THREAT\",\"score\":[0,0.5,1],\"share\":[0,1,1],\"from\":0.7}", "de", 0},
    };
    const char *text = "I will find you and kill you.";
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char dir[32], json[512], cmd[512];
        snprintf(json, sizeof json, "\"perspective_includes\":[%s]", cases[i].inc);
        assert_int_equal(temp_models(dir, "hostility threat", "hostility", json), 0);
        if (cases[i].lang) { /* the threat card in another language */
            snprintf(cmd, sizeof cmd,
                     "cd '%s' && sed 's/\"language\": \"en\"/\"language\": \"%s\"/' "
                     "threat/card.json > t && grep -q '\"language\": \"%s\"' t && "
                     "rm threat/card.json && mv t threat/card.json",
                     dir, cases[i].lang, cases[i].lang);
            assert_int_equal(system(cmd), 0);
        }
        scoring t;
        assert_int_equal(scoring_open_at(&t, dir), 0);
        ms_result r;
        double v = respond(t.models, t.scorer, "TOXICITY", 0.8, text, &r);
        int h = ms_models_category_find(t.models, "hostility");
        double own = ms_models_perspective_score(t.models, (size_t)h,
                                                 raw_of(t.models, &r, "hostility"));
        assert_true(own < 0.8); /* else this proves nothing */
        if (cases[i].lifted) {
            assert_true(raw_of(t.models, &r, "threat") >= 0.5);
            assert_true(v == 1.0);
        } else {
            assert_true(v < 0); /* its own answer, below the threshold: left out */
        }
        ms_result_clear(&r);
        scoring_close(&t);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
    }
}

/* A card's "perspective_includes" that is not a list of named maps is
 * refused at load. */
static void test_includes_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\"perspective_includes\":[\"THREAT\"]",
        "\"perspective_includes\":[{\"attribute\":\"threat\",\"score\":[0,1],\"share\":[0,1]}]",
        "\"perspective_includes\":[{\"attribute\":\"THREAT\",\"score\":[0,1],\"share\":[1,0]}]",
        "\"perspective_includes\":[{\"attribute\":\"THREAT\",\"score\":[0,1],\"share\":[0,1],"
        "\"from\":2}]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char dir[32], cmd[64];
        assert_int_equal(temp_models(dir, "hostility", "hostility", bad[i]), 0);
        ms_models *m = NULL;
        ms_error err;
        assert_int_equal(ms_models_load(dir, &m, &err), MS_ERR_MODEL);
        assert_non_null(strstr(err.message, "perspective_includes"));
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
    }
}

/* A comment in another language is answered by that language's model
 * through its own card's map (here a German hostility card whose map is
 * 0.42 everywhere), not refused for want of the English model's score. */
static void test_language_card_answers(void **state)
{
    (void)state;
    char dir[32], cmd[1024];
    assert_int_equal(temp_models(dir, "hostility", "hostility", ""), 0);
    snprintf(cmd, sizeof cmd,
             "set -e; cd '%s'; mkdir -p de/hostility; for f in model.svm idf.bin; do "
             "ln -s '" MS_MODELS_DIR "'/hostility/$f de/hostility/$f; done; "
             "python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); "
             "c.pop(\"perspective_includes\", None); c[\"language\"] = \"de\"; "
             "c[\"perspective_scale\"] = {\"score\": [0, 1], \"share\": [0.42, 0.42]}; "
             "json.dump(c, open(sys.argv[2], \"w\"))' '" MS_MODELS_DIR
             "/hostility/card.json' de/hostility/card.json",
             dir);
    assert_int_equal(system(cmd), 0);
    scoring t;
    assert_int_equal(scoring_open_at(&t, dir), 0);
    ms_result r;
    double v = respond_in(t.models, t.scorer, "TOXICITY", -1, "de",
                          "Das ist doch kompletter Unsinn, lies den Artikel nochmal.", &r);
    assert_true(fabs(v - 0.42) < 1e-9);
    ms_result_clear(&r);
    scoring_close(&t);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* The shipped Portuguese TOXICITY: a Portuguese comment is answered through
 * models/pt/hostility's map (fitted on ToLD-Br's raters), not English's. */
static void test_shipped_language_map(void **state)
{
    scoring *s = *state;
    json_t *card = card_of("pt/hostility");
    const json_t *scale = json_object_get(card, "perspective_scale");
    assert_non_null(scale);
    static const char *const pt[] = {
        "Você é um idiota completo e todo mundo aqui sabe disso, seu lixo.",
        "Obrigado pelo artigo, os números sobre o orçamento foram muito úteis.",
    };
    for (size_t t = 0; t < 2; t++) {
        ms_result r;
        double v = respond_in(s->models, s->scorer, "TOXICITY", -1, "pt", pt[t], &r);
        assert_string_equal(r.language, "pt");
        double raw = -1;
        for (size_t i = 0; i < ms_models_category_count(s->models) && i < r.n_scores; i++) {
            const ms_category_info *ci = ms_models_category_info(s->models, i);
            if (strcmp(ci->name, "hostility") == 0 && strcmp(ci->language, "pt") == 0 &&
                r.scores[i].has_score)
                raw = r.scores[i].score;
        }
        assert_true(raw >= 0); /* the Portuguese model scored it */
        double want = card_map(scale, raw);
        if (fabs(v - want) > 1e-6)
            fprintf(stderr, "%s: answered %.6f, pt map %.6f\n", pt[t], v, want);
        assert_true(fabs(v - want) <= 1e-6);
        ms_result_clear(&r);
    }
    json_decref(card);
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
        cmocka_unit_test(test_toxicity_includes_kinds),
        cmocka_unit_test(test_included_kind_lifts_toxicity),
        cmocka_unit_test(test_includes_refused),
        cmocka_unit_test(test_language_card_answers),
        cmocka_unit_test(test_shipped_language_map),
        cmocka_unit_test(test_fallback),
    };
    return cmocka_run_group_tests(tests, scoring_setup, scoring_teardown);
}

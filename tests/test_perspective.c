/* test_perspective.c - the Perspective mapping on its own: requests parsed
 * into what is scored, the attribute table, responses and errors built
 * from results, span offsets. No HTTP here (tests/server/ has that). */
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

static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fprintf(stderr, "bad test JSON: %s: %s\n", je.text, text);
    assert_non_null(j);
    return j;
}

/* Parses body; expects failure with status and a message containing want. */
static void expect_refused(const ms_models *m, const char *body, unsigned status,
                           const char *want)
{
    json_t *j = parse(body);
    persp_analyze a;
    persp_error e = {0};
    int rc = persp_parse_analyze(j, m, &a, &e);
    if (rc == 0 || !strstr(e.message, want))
        fprintf(stderr, "%s\n  -> rc %d, %u '%s' (wanted '%s')\n", body, rc, e.status,
                e.message, want);
    assert_int_equal(rc, -1);
    assert_int_equal(e.status, status);
    assert_non_null(strstr(e.message, want));
    persp_analyze_clear(&a);
    json_decref(j);
}

static void test_attribute_table(void **state)
{
    scoring *s = *state;
    assert_int_equal(persp_attribute(s->models, "TOXICITY"), MS_CAT_HOSTILITY);
    assert_int_equal(persp_attribute(s->models, "OFF_TOPIC"),
                     ms_models_version(s->models, MS_CAT_OFF_TOPIC) ? MS_CAT_OFF_TOPIC : -1);
    /* the shipped attribute models answer their own attributes */
    assert_int_equal(persp_attribute(s->models, "INSULT"),
                     ms_models_category_find(s->models, "insult"));
    assert_int_equal(persp_attribute(s->models, "IDENTITY_ATTACK"),
                     ms_models_category_find(s->models, "identity_attack"));
    assert_int_equal(persp_attribute(s->models, "PROFANITY"),
                     ms_models_category_find(s->models, "profanity"));
    assert_int_equal(persp_attribute(s->models, "THREAT"),
                     ms_models_category_find(s->models, "threat"));
    assert_true(persp_attribute(s->models, "THREAT") >= 0);
    /* SEVERE_TOXICITY from its own model (models/severe_toxicity); never another model's
     * number: no loaded model answers the others */
    assert_true(persp_attribute(s->models, "SEVERE_TOXICITY") >= 0);
    assert_int_equal(persp_attribute(s->models, "SEVERE_TOXICITY"),
                     ms_models_category_find(s->models, "severe_toxicity"));
    assert_int_equal(persp_attribute(s->models, "SEXUALLY_EXPLICIT"), -1);
    assert_int_equal(persp_attribute(s->models, "toxicity"), -1);
    assert_int_equal(persp_attribute(s->models, "FOO"), -1);
}

/* A category a model card adds answers its own attribute: a copy of the
 * hostility model whose card says category "insult", attribute INSULT. */
static void test_attribute_from_card(void **state)
{
    (void)state;
    char dir[] = "/tmp/ms_persp_test.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "set -e; cd '%s'; for d in hostility lexicons; do ln -s '" MS_MODELS_DIR
             "'/$d $d; done; mkdir insult; for f in model.svm idf.bin; do ln -s '" MS_MODELS_DIR
             "'/hostility/$f insult/$f; done; sed -e 's/\"category\": \"hostility\"/\"category\": "
             "\"insult\"/' -e 's/\"perspective_attribute\": \"TOXICITY\"/"
             "\"perspective_attribute\": \"INSULT\"/' '" MS_MODELS_DIR
             "'/hostility/card.json > insult/card.json; grep -q INSULT insult/card.json",
             dir);
    assert_int_equal(system(cmd), 0);
    ms_models *m = NULL;
    ms_policy *p = NULL;
    ms_scorer *sc = NULL;
    ms_error err;
    if (ms_models_load(dir, &m, &err) != MS_OK)
        fprintf(stderr, "%s: %s\n", err.source, err.message);
    assert_non_null(m);
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_scorer_new(m, p, &sc), MS_OK);
    int ins = persp_attribute(m, "INSULT");
    assert_true(ins >= 0);
    assert_string_equal(ms_models_category_info(m, (size_t)ins)->name, "insult");
    assert_int_equal(persp_attribute(m, "TOXICITY"), ms_models_category_find(m, "hostility"));
    assert_int_equal(persp_attribute(m, "OFF_TOPIC"), -1); /* not loaded here */
    json_t *j = parse("{\"comment\":{\"text\":\"you stupid idiot\"},"
                      "\"requestedAttributes\":{\"INSULT\":{},\"TOXICITY\":{}},"
                      "\"spanAnnotations\":true}");
    persp_analyze a;
    persp_error e;
    assert_int_equal(persp_parse_analyze(j, m, &a, &e), 0);
    ms_input in = persp_input(&a);
    ms_result r;
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    json_t *resp = persp_analyze_response(&a, sc, &r, &e);
    assert_non_null(resp);
    json_t *v = json_object_get(
        json_object_get(json_object_get(json_object_get(resp, "attributeScores"), "INSULT"),
                        "summaryScore"),
        "value");
    assert_true(json_real_value(v) ==
                ms_models_perspective_score(m, (size_t)ins, r.scores[ins].score));
    assert_non_null(json_object_get(
        json_object_get(json_object_get(resp, "attributeScores"), "INSULT"), "spanScores"));
    json_decref(resp);
    ms_result_clear(&r);
    persp_analyze_clear(&a);
    json_decref(j);
    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_parse_request(void **state)
{
    scoring *s = *state;
    json_t *j = parse("{\"comment\":{\"text\":\"you idiot\",\"type\":\"PLAIN_TEXT\"},"
                      "\"requestedAttributes\":{\"TOXICITY\":{\"scoreThreshold\":0.2,"
                      "\"scoreType\":\"PROBABILITY\"},\"OFF_TOPIC\":{}},"
                      "\"context\":{\"entries\":[{\"text\":\"An article.\"}]},"
                      "\"sessionId\":\"https://forum.example_42\","
                      "\"languages\":[\"en\"],\"doNotStore\":true,\"spanAnnotations\":true,"
                      "\"clientToken\":\"t-1\",\"communityId\":\"strict\"}");
    persp_analyze a;
    persp_error e = {0};
    assert_int_equal(persp_parse_analyze(j, s->models, &a, &e), 0);
    assert_int_equal(a.len, 9);
    assert_memory_equal(a.text, "you idiot", 9);
    assert_int_equal(a.n_attrs, 2);
    assert_string_equal(a.attrs[0].name, "TOXICITY");
    assert_int_equal(a.attrs[0].category, MS_CAT_HOSTILITY);
    assert_true(a.attrs[0].has_threshold);
    assert_true(a.attrs[0].threshold == 0.2);
    assert_string_equal(a.attrs[1].name, "OFF_TOPIC");
    assert_false(a.attrs[1].has_threshold);
    assert_string_equal(a.language, "en");
    assert_true(a.want_spans);
    assert_string_equal(a.client_token, "t-1");
    assert_string_equal(a.community_id, "strict");
    assert_true(a.has_article);
    ms_input in = persp_input(&a);
    assert_ptr_equal(in.text, a.text);
    assert_string_equal(in.language, "en"); /* named: not detected */
    persp_analyze_clear(&a);
    json_decref(j);
}

static void test_parse_context(void **state)
{
    scoring *s = *state;
    /* context.entries become the article's body, joined */
    json_t *j = parse("{\"comment\":{\"text\":\"watch my channel\"},"
                      "\"context\":{\"entries\":[{\"text\":\"Rates rose.\"},{\"text\":\"Banks.\"}]},"
                      "\"requestedAttributes\":{\"OFF_TOPIC\":{}}}");
    persp_analyze a;
    persp_error e = {0};
    assert_int_equal(persp_parse_analyze(j, s->models, &a, &e), 0);
    assert_true(a.has_article);
    assert_string_equal(a.article.body, "Rates rose.\n\nBanks.\n\n");
    assert_int_equal(a.attrs[0].category, MS_CAT_OFF_TOPIC);
    persp_analyze_clear(&a);
    json_decref(j);
    /* articleAndParentComment */
    j = parse("{\"comment\":{\"text\":\"x\"},\"context\":{\"articleAndParentComment\":"
              "{\"article\":{\"text\":\"The article.\"},\"parentComment\":{\"text\":\"A parent.\"}}},"
              "\"requestedAttributes\":{\"TOXICITY\":{}}}");
    assert_int_equal(persp_parse_analyze(j, s->models, &a, &e), 0);
    assert_string_equal(a.article.body, "The article.");
    assert_string_equal(a.parent, "A parent.");
    ms_input in = persp_input(&a);
    assert_int_equal(in.parent_len, 9);
    assert_ptr_equal(in.article, &a.article);
    persp_analyze_clear(&a);
    json_decref(j);
    /* modscore's own "article" wins over the context entries */
    j = parse("{\"comment\":{\"text\":\"x\"},\"article\":{\"title\":\"T\",\"body\":\"B\","
              "\"tags\":[\"a\",\"b\"]},\"context\":{\"entries\":[{\"text\":\"E\"}]},"
              "\"requestedAttributes\":{\"TOXICITY\":{}}}");
    assert_int_equal(persp_parse_analyze(j, s->models, &a, &e), 0);
    assert_string_equal(a.article.title, "T");
    assert_string_equal(a.article.body, "B");
    assert_int_equal(a.article.n_tags, 2);
    assert_string_equal(a.article.tags[1], "b");
    persp_analyze_clear(&a);
    json_decref(j);
}

static void test_parse_errors(void **state)
{
    const ms_models *m = ((scoring *)*state)->models;
    expect_refused(m, "{\"requestedAttributes\":{\"TOXICITY\":{}}}", 400, "comment.text");
    expect_refused(m, "{\"comment\":{\"text\":7},\"requestedAttributes\":{\"TOXICITY\":{}}}", 400,
                   "comment.text");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\",\"type\":\"HTML\"},"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "only PLAIN_TEXT");
    expect_refused(m, "{\"comment\":{\"text\":\"hi\"}}", 400, "requestedAttributes is required");
    expect_refused(m, "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{}}", 400,
                   "requestedAttributes is required");
    /* a language no shipped model reads (Russian, Swedish) */
    expect_refused(m,
                   "{\"comment\":{\"text\":\"privet\"},\"languages\":[\"ru\"],"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "Attribute TOXICITY does not support request languages: ru");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hej\"},\"languages\":[\"en\",\"ru\",\"sv-SE\"],"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "Attribute TOXICITY does not support request languages: ru, sv-SE");
    /* German has TOXICITY but no THREAT model: the 400 is THREAT's only */
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hallo\"},\"languages\":[\"de\"],"
                   "\"requestedAttributes\":{\"TOXICITY\":{},\"THREAT\":{}}}",
                   400, "Attribute THREAT does not support request languages: de");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hallo\"},\"languages\":[\"en\",\"de-AT\"],"
                   "\"requestedAttributes\":{\"THREAT\":{}}}",
                   400, "Attribute THREAT does not support request languages: de-AT");
    expect_refused(m, "{\"comment\":{\"text\":\"\"},\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "Comment must be non-empty.");
    expect_refused(m,
                   "{\"comment\":{\"text\":\" \\n\\t\\u00a0\"},"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "Comment must be non-empty.");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"languages\":\"en\","
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "languages must be an array");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"doNotStore\":\"yes\","
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "true or false");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"clientToken\":5,"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "clientToken must be a string");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"communityId\":[],"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "communityId must be a string");
    expect_refused(m, "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"FOO\":{}}}", 400,
                   "Unknown requested attribute: FOO");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"TOXICITY\":{},"
                   "\"INFLAMMATORY\":{}}}",
                   400, "Unknown requested attribute: INFLAMMATORY (no loaded modscore "
                        "model scores it)");
    expect_refused(m, "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"FLIRTATION\":{}}}",
                   400, "Unknown requested attribute: FLIRTATION");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"TOXICITY\":"
                   "{\"scoreType\":\"STD_DEV_SCORE\"}}}",
                   400, "Requested score type STD_DEV_SCORE is not supported by attribute TOXICITY");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"TOXICITY\":"
                   "{\"scoreThreshold\":\"high\"}}}",
                   400, "scoreThreshold must be a number");
    expect_refused(m, "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"TOXICITY\":1}}",
                   400, "requestedAttributes.TOXICITY must be an object");
    expect_refused(m, "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"OFF_TOPIC\":{}}}",
                   400, "OFF_TOPIC");
    /* the error carries Perspective's errorType */
    json_t *j = parse("{\"comment\":{\"text\":\"  \"},\"requestedAttributes\":{\"TOXICITY\":{}}}");
    persp_analyze a;
    persp_error e;
    assert_int_equal(persp_parse_analyze(j, m, &a, &e), -1);
    json_t *body = persp_error_body(&e);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(json_object_get(body, "error"), "details"), 0),
                            "errorType")),
                        "COMMENT_EMPTY");
    json_decref(body);
    persp_analyze_clear(&a);
    json_decref(j);
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"context\":[],"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "context must be an object");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"context\":{\"entries\":[{\"text\":1}]},"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "context.entries[0].text");
    expect_refused(m,
                   "{\"comment\":{\"text\":\"hi\"},\"article\":{\"tags\":[1]},"
                   "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                   400, "article.tags must be an array of strings");
}

/* A result as the scorer would give it, without scoring. */
static ms_result fake_result(double hostility)
{
    ms_result r;
    memset(&r, 0, sizeof r);
    r.hostility = hostility;
    r.has_hostility = 1;
    return r;
}

static void test_response(void **state)
{
    scoring *s = *state;
    json_t *j = parse("{\"comment\":{\"text\":\"some text\"},"
                      "\"requestedAttributes\":{\"TOXICITY\":{},\"OFF_TOPIC\":{\"scoreThreshold\":0.5}},"
                      "\"context\":{\"entries\":[{\"text\":\"An article.\"}]},"
                      "\"clientToken\":\"abc\"}");
    persp_analyze a;
    persp_error e = {0};
    assert_int_equal(persp_parse_analyze(j, s->models, &a, &e), 0);
    ms_result r = fake_result(0.25);
    r.off_topic = 0.3;
    r.has_off_topic = 1;
    json_t *resp = persp_analyze_response(&a, s->scorer, &r, &e);
    assert_non_null(resp);
    json_t *scores = json_object_get(resp, "attributeScores");
    /* OFF_TOPIC's threshold 0.5 leaves it out; TOXICITY is there */
    assert_int_equal(json_object_size(scores), 1);
    json_t *sum = json_object_get(json_object_get(scores, "TOXICITY"), "summaryScore");
    assert_true(json_real_value(json_object_get(sum, "value")) ==
                ms_models_perspective_score(s->models, MS_CAT_HOSTILITY, 0.25));
    assert_string_equal(json_string_value(json_object_get(sum, "type")), "PROBABILITY");
    assert_null(json_object_get(json_object_get(scores, "TOXICITY"), "spanScores"));
    assert_string_equal(json_string_value(json_object_get(resp, "clientToken")), "abc");
    assert_string_equal(json_string_value(json_array_get(json_object_get(resp, "languages"), 0)),
                        "en");
    json_decref(resp);
    persp_analyze_clear(&a);
    json_decref(j);
}

/* A model set in a temporary directory: hostility's model files under its
 * card with json (a "perspective_scale") in place of its own. OUT: dir. */
static void scaled_models(char dir[32], const char *json)
{
    assert_int_equal(temp_models(dir, "hostility", "hostility", json), 0);
}

static void rm_dir(const char *dir)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Perspective's scale: the card's monotone map is applied to every answer
 * (summaryScore, spanScores, and scoreThreshold compared on it); a map
 * that is not monotone, or does not span 0..1, is refused at load. */
static void test_perspective_scale(void **state)
{
    (void)state;
    char dir[32];
    scaled_models(dir, "\"perspective_scale\":{\"score\":[0,0.5,1],\"share\":[0,0.9,1]}");
    ms_models *m = NULL;
    ms_policy *p = NULL;
    ms_scorer *sc = NULL;
    ms_error err;
    if (ms_models_load(dir, &m, &err) != MS_OK)
        fprintf(stderr, "%s: %s\n", err.source, err.message);
    assert_non_null(m);
    int h = ms_models_category_find(m, "hostility");
    assert_true(h >= 0);
    assert_true(fabs(ms_models_perspective_score(m, (size_t)h, 0.25) - 0.45) < 1e-12);
    assert_true(fabs(ms_models_perspective_score(m, (size_t)h, 0.75) - 0.95) < 1e-12);
    assert_true(ms_models_perspective_score(m, (size_t)h, 0) == 0);
    assert_true(ms_models_perspective_score(m, (size_t)h, 1) == 1);
    assert_true(ms_models_perspective_score(m, 99, 0.3) == 0.3); /* past the end */
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_scorer_new(m, p, &sc), MS_OK);
    /* a threshold of 0.44 keeps a raw 0.25: it is 0.45 on Perspective's scale */
    json_t *j = parse("{\"comment\":{\"text\":\"you stupid idiot\"},\"requestedAttributes\":"
                      "{\"TOXICITY\":{\"scoreThreshold\":0.44}},\"spanAnnotations\":true}");
    persp_analyze a;
    persp_error e = {0};
    assert_int_equal(persp_parse_analyze(j, m, &a, &e), 0);
    ms_result r = fake_result(0.25);
    json_t *resp = persp_analyze_response(&a, sc, &r, &e);
    assert_non_null(resp);
    json_t *tox = json_object_get(json_object_get(resp, "attributeScores"), "TOXICITY");
    assert_non_null(tox);
    double v = json_real_value(json_object_get(json_object_get(tox, "summaryScore"), "value"));
    assert_true(fabs(v - 0.45) < 1e-12);
    /* no reasons in the hand-made result: one span over the comment, mapped */
    json_t *sp = json_array_get(json_object_get(tox, "spanScores"), 0);
    assert_true(fabs(json_real_value(json_object_get(json_object_get(sp, "score"), "value")) -
                     0.45) < 1e-12);
    json_decref(resp);
    persp_analyze_clear(&a);
    json_decref(j);
    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
    rm_dir(dir);
    static const char *bad[] = {
        "\"perspective_scale\":{\"score\":[0,0.5,1],\"share\":[0,0.9,0.8]}",
        "\"perspective_scale\":{\"score\":[0,0.5,0.9],\"share\":[0,0.5,1]}",
        "\"perspective_scale\":{\"score\":[0,0.6,0.5,1],\"share\":[0,0.1,0.2,1]}",
        "\"perspective_scale\":{\"score\":[0,1],\"share\":[0,1.5]}",
        "\"perspective_scale\":{\"score\":[0,1]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        scaled_models(dir, bad[i]);
        m = NULL;
        assert_int_equal(ms_models_load(dir, &m, &err), MS_ERR_MODEL);
        assert_non_null(strstr(err.message, "perspective_scale"));
        assert_null(m);
        rm_dir(dir);
    }
}

static void test_response_off_topic_missing(void **state)
{
    scoring *s = *state;
    json_t *j = parse("{\"comment\":{\"text\":\"x\"},\"context\":{\"entries\":[{\"text\":\"E\"}]},"
                      "\"requestedAttributes\":{\"OFF_TOPIC\":{}}}");
    persp_analyze a;
    persp_error e = {0};
    if (!ms_models_version(s->models, MS_CAT_OFF_TOPIC)) {
        assert_int_equal(persp_parse_analyze(j, s->models, &a, &e), -1);
        assert_non_null(strstr(e.message, "Unknown requested attribute: OFF_TOPIC"));
    } else {
        assert_int_equal(persp_parse_analyze(j, s->models, &a, &e), 0);
        ms_result r = fake_result(0.1);
        r.off_topic_missing = "no context";
        assert_null(persp_analyze_response(&a, s->scorer, &r, &e));
        assert_int_equal(e.status, 400);
        assert_non_null(strstr(e.message, "OFF_TOPIC is not available: no context"));
    }
    persp_analyze_clear(&a);
    json_decref(j);
}

/* spans: each reason span of the hostility flag, scored on its own;
 * offsets in UTF-16 code units */
static void test_spans(void **state)
{
    scoring *s = *state;
    const char *text = "Héllo 😀 you stupid idiot";
    json_t *req = json_pack("{s:{s:s},s:{s:{}},s:b}", "comment", "text", text,
                            "requestedAttributes", "TOXICITY", "spanAnnotations", 1);
    persp_analyze a;
    persp_error e = {0};
    assert_int_equal(persp_parse_analyze(req, s->models, &a, &e), 0);
    ms_input in = persp_input(&a);
    ms_result r;
    assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
    json_t *resp = persp_analyze_response(&a, s->scorer, &r, &e);
    assert_non_null(resp);
    json_t *spans = json_object_get(
        json_object_get(json_object_get(resp, "attributeScores"), "TOXICITY"), "spanScores");
    assert_true(json_array_size(spans) >= 1);
    int saw_idiot = 0;
    for (size_t i = 0; i < json_array_size(spans); i++) {
        json_t *sp = json_array_get(spans, i);
        json_int_t b = json_integer_value(json_object_get(sp, "begin"));
        json_int_t en = json_integer_value(json_object_get(sp, "end"));
        assert_true(en > b);
        /* "idiot" is UTF-16 units [20, 25): é is one unit, 😀 two; it may
         * be part of a longer reason span ("stupid idiot", [13, 25)) */
        if (b <= 20 && b >= 13 && en == 25)
            saw_idiot = 1;
    }
    assert_true(saw_idiot);
    json_decref(resp);
    ms_result_clear(&r);
    persp_analyze_clear(&a);
    json_decref(req);
}

static void test_offsets(void **state)
{
    (void)state;
    const char *t = "Héllo 😀 x";
    assert_int_equal(persp_offset(t, 0), 0);
    assert_int_equal(persp_offset(t, 1), 1);
    assert_int_equal(persp_offset(t, 3), 2);  /* after é: one unit */
    assert_int_equal(persp_offset(t, 11), 8); /* after 😀: two units */
    assert_int_equal(persp_offset(t, strlen(t)), 10);
    /* the example: "idiot" is [9, 14) in JavaScript */
    const char *u = "😀😀 you idiot";
    assert_int_equal(persp_offset(u, 13), 9);
    assert_int_equal(persp_offset(u, 18), 14);
}

/* languages: named ones are trusted; without them the comment's language
 * is detected and returned, and text no loaded model reads is refused */
static void analyze(scoring *s, const char *body, json_t **resp, persp_error *e)
{
    json_t *j = parse(body);
    persp_analyze a;
    assert_int_equal(persp_parse_analyze(j, s->models, &a, e), 0);
    ms_input in = persp_input(&a);
    ms_result r;
    assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
    *resp = persp_analyze_response(&a, s->scorer, &r, e);
    ms_result_clear(&r);
    persp_analyze_clear(&a);
    json_decref(j);
}

static void test_languages(void **state)
{
    scoring *s = *state;
    json_t *resp;
    persp_error e;
    /* Russian, which no shipped model reads: Perspective's 400 */
    analyze(s,
            "{\"comment\":{\"text\":\"Это полная чепуха, прочитай статью ещё раз.\"},"
            "\"requestedAttributes\":{\"TOXICITY\":{}}}",
            &resp, &e);
    assert_null(resp);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.message, "Attribute TOXICITY does not support request languages: ru");
    json_t *body = persp_error_body(&e);
    json_t *d = json_array_get(json_object_get(json_object_get(body, "error"), "details"), 0);
    assert_string_equal(json_string_value(json_object_get(d, "errorType")),
                        "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE");
    assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(d,
                            "languageNotSupportedByAttributeError"), "detectedLanguages"), 0)),
                        "ru");
    json_decref(body);
    /* English: scored, detectedLanguages says so */
    analyze(s,
            "{\"comment\":{\"text\":\"Thanks for the article, very well explained.\"},"
            "\"requestedAttributes\":{\"TOXICITY\":{}}}",
            &resp, &e);
    assert_non_null(resp);
    assert_string_equal(json_string_value(json_array_get(json_object_get(resp, "detectedLanguages"), 0)),
                        "en");
    assert_string_equal(json_string_value(json_array_get(json_object_get(resp, "languages"), 0)), "en");
    json_decref(resp);
    /* short English the detector cannot decide on: scored, not refused */
    static const char *shorts[] = {"lol", "u r so dumb", "Ah. Fuck 'em then.", "+1", "smh",
                                   "My god Deandre jordan"};
    for (size_t i = 0; i < sizeof shorts / sizeof *shorts; i++) {
        json_t *req = json_pack("{s:{s:s},s:{s:{}}}", "comment", "text", shorts[i],
                                "requestedAttributes", "TOXICITY");
        char *txt = json_dumps(req, 0);
        analyze(s, txt, &resp, &e);
        if (!resp)
            fprintf(stderr, "refused '%s': %s\n", shorts[i], e.message);
        assert_non_null(resp);
        json_decref(resp);
        free(txt);
        json_decref(req);
    }
    /* named "en" (Coral names its site's language for every comment) but
     * decisively Russian: not scored as English (issue 26) */
    analyze(s,
            "{\"comment\":{\"text\":\"Это полная чепуха, прочитай статью ещё раз.\"},"
            "\"languages\":[\"en-US\"],\"requestedAttributes\":{\"TOXICITY\":{}}}",
            &resp, &e);
    assert_null(resp);
    assert_int_equal(e.status, 400);
    /* named "en" and English: scored */
    analyze(s,
            "{\"comment\":{\"text\":\"Thanks for writing this up, the section on the budget "
            "was clear.\"},\"languages\":[\"en-US\"],\"requestedAttributes\":{\"TOXICITY\":{}}}",
            &resp, &e);
    assert_non_null(resp);
    assert_string_equal(json_string_value(json_array_get(json_object_get(resp, "languages"), 0)),
                        "en-US");
    json_decref(resp);
}

/* An attribute's summaryScore in an answer. */
static double summary(const json_t *resp, const char *attr)
{
    json_t *v = json_object_get(
        json_object_get(json_object_get(json_object_get(resp, "attributeScores"), attr),
                        "summaryScore"),
        "value");
    assert_true(json_is_real(v));
    return json_real_value(v);
}

/* The shipped languages' own models (issue 21): a German or Spanish comment,
 * named in languages or detected, is answered by its language's models; an
 * attribute the language has no model of (THREAT in German) is Perspective's
 * 400 for that attribute only. */
static void test_language_models(void **state)
{
    scoring *s = *state;
    static const struct {
        const char *lang, *abuse, *civil;
    } cases[] = {
        {"de", "Du bist ein dummes Arschloch, halt endlich die Klappe.",
         "Vielen Dank f\u00fcr den Artikel, sehr gut erkl\u00e4rt und gut recherchiert."},
        {"es", "Eres un idiota y un imb\u00e9cil, no tienes ni idea de nada, c\u00e1llate ya.",
         "Gracias por el art\u00edculo, muy bien explicado, sigan as\u00ed."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char body[512];
        json_t *resp;
        persp_error e;
        double v[2];
        for (int k = 0; k < 2; k++) { /* named: scored as named */
            snprintf(body, sizeof body,
                     "{\"comment\":{\"text\":\"%s\"},\"languages\":[\"%s\"],"
                     "\"requestedAttributes\":{\"TOXICITY\":{},\"INSULT\":{},"
                     "\"PROFANITY\":{},\"IDENTITY_ATTACK\":{}}}",
                     k ? cases[i].civil : cases[i].abuse, cases[i].lang);
            analyze(s, body, &resp, &e);
            if (!resp)
                fprintf(stderr, "%s: %s\n", cases[i].lang, e.message);
            assert_non_null(resp);
            assert_string_equal(
                json_string_value(json_array_get(json_object_get(resp, "languages"), 0)),
                cases[i].lang);
            v[k] = summary(resp, "TOXICITY");
            summary(resp, "INSULT");
            json_decref(resp);
        }
        assert_true(v[0] > 0.5 && v[1] < 0.5);
        /* detected: the same, detectedLanguages says which */
        snprintf(body, sizeof body,
                 "{\"comment\":{\"text\":\"%s\"},\"requestedAttributes\":{\"TOXICITY\":{}}}",
                 cases[i].abuse);
        analyze(s, body, &resp, &e);
        assert_non_null(resp);
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(resp, "detectedLanguages"), 0)),
            cases[i].lang);
        assert_true(summary(resp, "TOXICITY") == v[0]);
        json_decref(resp);
        /* THREAT: no model reads the language; TOXICITY beside it is no excuse */
        snprintf(body, sizeof body,
                 "{\"comment\":{\"text\":\"%s\"},"
                 "\"requestedAttributes\":{\"TOXICITY\":{},\"THREAT\":{}}}",
                 cases[i].abuse);
        analyze(s, body, &resp, &e);
        assert_null(resp);
        assert_int_equal(e.status, 400);
        char want[96];
        snprintf(want, sizeof want, "Attribute THREAT does not support request languages: %s",
                 cases[i].lang);
        assert_string_equal(e.message, want);
        assert_string_equal(e.error_type, "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE");
    }
}

static void test_error_shape(void **state)
{
    (void)state;
    json_t *j = persp_error_json(400, "Unknown attribute: FOO");
    json_t *err = json_object_get(j, "error");
    assert_int_equal(json_integer_value(json_object_get(err, "code")), 400);
    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        "Unknown attribute: FOO");
    assert_string_equal(json_string_value(json_object_get(err, "status")), "INVALID_ARGUMENT");
    json_decref(j);
    assert_string_equal(persp_status_name(404), "NOT_FOUND");
    assert_string_equal(persp_status_name(599), "INTERNAL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attribute_table),
        cmocka_unit_test(test_attribute_from_card),
        cmocka_unit_test(test_parse_request),
        cmocka_unit_test(test_parse_context),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_response),
        cmocka_unit_test(test_perspective_scale),
        cmocka_unit_test(test_response_off_topic_missing),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_language_models),
        cmocka_unit_test(test_error_shape),
    };
    return cmocka_run_group_tests(tests, scoring_setup, scoring_teardown);
}

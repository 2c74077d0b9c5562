/* test_server_persp.c - the service as Perspective's clients use it
 * (Coral Talk, Discourse, npm's client): analyze, suggestscore and its
 * --feedback file, API keys, CORS and cross-site requests, discovery, and
 * the languages. Run like test_server.c, on the same harness. */
#include "harness.h"

/* UTF-16 offset (what Perspective's clients count) -> byte offset, to
 * check spans against the text. */
static size_t u16_to_byte(const char *s, size_t u)
{
    size_t b = 0;
    while (s[b] && u) {
        unsigned char c = (unsigned char)s[b];
        size_t units = c >= 0xF0 ? 2 : 1;
        if (units > u)
            break;
        b++;
        while (((unsigned char)s[b] & 0xC0) == 0x80)
            b++;
        u -= units;
    }
    return b;
}

static void test_analyze_toxicity(void **state)
{
    fixture *fx = *state;
    const char *text = "Héllo 😀 you stupid idiot";
    json_t *req = json_pack("{s:{s:s},s:{s:{},s:{}},s:b,s:b,s:s,s:[s]}", "comment", "text", text,
                            "requestedAttributes", "TOXICITY", "INSULT", "spanAnnotations", 1,
                            "doNotStore", 1, "clientToken", "tok-1", "languages", "en");
    char *body = json_dumps(req, 0);
    resp r = post(fx->port, "/v1alpha1/comments:analyze", body);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    ms_input in = {.text = text, .len = strlen(text)};
    ms_result res;
    assert_int_equal(ms_score(fx->scorer_ref, &in, &res), MS_OK);
    json_t *scores = json_object_get(j, "attributeScores");
    json_t *tox = json_object_get(scores, "TOXICITY");
    json_t *sum = json_object_get(tox, "summaryScore");
    assert_true(json_real_value(json_object_get(sum, "value")) ==
                ms_models_perspective_answer(fx->models_ref, MS_CAT_HOSTILITY, &res));
    assert_string_equal(json_string_value(json_object_get(sum, "type")), "PROBABILITY");
    /* INSULT is the insult model's number, not hostility's, on Perspective's
     * scale through its own card's map */
    int ins = ms_models_category_find(fx->models_ref, "insult");
    assert_true(ins >= 0);
    assert_true(json_real_value(json_object_get(
                    json_object_get(json_object_get(scores, "INSULT"), "summaryScore"),
                    "value")) ==
                ms_models_perspective_score(fx->models_ref, (size_t)ins, res.scores[ins].score));
    /* spans: the reason spans (a run of marked words is one), in UTF-16 code units */
    json_t *spans = json_object_get(tox, "spanScores");
    assert_true(json_array_size(spans) >= 1);
    int saw_idiot = 0;
    long last_end = -1, idiot_end = -1;
    for (size_t i = 0; i < json_array_size(spans); i++) {
        json_t *sp = json_array_get(spans, i);
        long b = (long)json_integer_value(json_object_get(sp, "begin"));
        long e = (long)json_integer_value(json_object_get(sp, "end"));
        assert_true(b >= last_end && e > b);
        last_end = e;
        size_t bb = u16_to_byte(text, (size_t)b), eb = u16_to_byte(text, (size_t)e);
        if (eb - bb >= 5 && memcmp(text + eb - 5, "idiot", 5) == 0) {
            saw_idiot = 1;
            idiot_end = e;
        }
        json_t *sc = json_object_get(sp, "score");
        double v = json_real_value(json_object_get(sc, "value"));
        assert_true(v >= 0 && v <= 1);
        assert_string_equal(json_string_value(json_object_get(sc, "type")), "PROBABILITY");
    }
    assert_true(saw_idiot);
    /* "idiot" ends at UTF-16 unit 25 (byte 28: é is 2 bytes and one unit,
     * 😀 is 4 bytes and two units) */
    assert_int_equal(idiot_end, 25);
    assert_string_equal(json_string_value(json_object_get(j, "clientToken")), "tok-1");
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "languages"), 0)),
                        "en");
    ms_result_clear(&res);
    json_decref(j);
    json_decref(req);
    free(body);
    resp_free(&r);

    /* a benign comment: one span over the whole text; no spans unless asked */
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"Lovely garden, ça va\"},\"requestedAttributes\":"
             "{\"TOXICITY\":{}},\"spanAnnotations\":true}");
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    spans = json_object_get(json_object_get(json_object_get(j, "attributeScores"), "TOXICITY"),
                            "spanScores");
    assert_int_equal(json_array_size(spans), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(spans, 0), "end")), 20);
    assert_null(json_object_get(j, "clientToken"));
    json_decref(j);
    resp_free(&r);
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"Lovely garden\"},\"requestedAttributes\":"
             "{\"TOXICITY\":{}}}");
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "spanScores"));
    resp_free(&r);
    /* scoreThreshold: scores below it are left out */
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"Lovely garden\"},\"requestedAttributes\":"
             "{\"TOXICITY\":{\"scoreThreshold\":0.99,\"scoreType\":\"PROBABILITY\"}}}");
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_int_equal(json_object_size(json_object_get(j, "attributeScores")), 0);
    json_decref(j);
    resp_free(&r);
}

/* GET /healthz now: the mapped flag of category name in its "installed"
 * list (its first-level model), -1 when it is not listed; with name NULL,
 * the length of the list. */
static int installed_mapped_in(fixture *fx, const char *name, const char *lang);

static int installed_mapped(fixture *fx, const char *name)
{
    return installed_mapped_in(fx, name, NULL);
}

/* The same for category name's model of language lang (NULL: the first). */
static int installed_mapped_in(fixture *fx, const char *name, const char *lang)
{
    resp r = http(fx->port, "GET", "/healthz", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    json_t *h = body_json(&r);
    json_t *a = json_object_get(h, "installed");
    int got = name ? -1 : (int)json_array_size(a);
    for (size_t i = 0; name && got < 0 && i < json_array_size(a); i++) {
        json_t *x = json_array_get(a, i);
        if (strcmp(json_string_value(json_object_get(x, "category")), name) == 0 &&
            (!lang || strcmp(json_string_value(json_object_get(x, "language")), lang) == 0)) {
            assert_non_null(json_string_value(json_object_get(x, "version")));
            got = json_is_true(json_object_get(x, "mapped"));
        }
    }
    json_decref(h);
    resp_free(&r);
    return got;
}

/* Issue 20: an analyze request for one attribute maps that attribute's
 * model alone, and /healthz lists every installed model with its version
 * and whether it is mapped yet. */
static void test_analyze_maps_what_it_asks(void **state)
{
    fixture *fx = *state;
    assert_int_equal(installed_mapped(fx, NULL), (int)ms_models_category_count(fx->models_ref));
    assert_int_equal(installed_mapped(fx, "hostility"), 0);
    assert_int_equal(installed_mapped(fx, "insult"), 0);
    resp r = post(fx->port, "/v1alpha1/comments:analyze",
                  "{\"comment\":{\"text\":\"you are a worthless idiot\"},"
                  "\"requestedAttributes\":{\"INSULT\":{}},\"languages\":[\"en\"]}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(installed_mapped(fx, "insult"), 1);
    assert_int_equal(installed_mapped(fx, "hostility"), 0);
    assert_int_equal(installed_mapped(fx, "threat"), 0);
    /* a check scores every category: all the comment-only ones are mapped */
    post_expect(fx->port, "/v1/check", "{\"text\":\"you are a worthless idiot\"}", 200, NULL, NULL);
    assert_int_equal(installed_mapped(fx, "hostility"), 1);
    assert_int_equal(installed_mapped(fx, "threat"), 1);
    assert_int_equal(installed_mapped(fx, "off_topic"), 0); /* no article: not needed */
}

/* SEVERE_TOXICITY (issue 22) is answered by models/severe_toxicity, its own
 * number on Perspective's scale, never hostility's */
static void test_analyze_severe_toxicity(void **state)
{
    fixture *fx = *state;
    const char *text = "You are a stupid idiot.";
    resp r = post(fx->port, "/v1alpha1/comments:analyze",
                  "{\"comment\":{\"text\":\"You are a stupid idiot.\"},"
                  "\"requestedAttributes\":{\"TOXICITY\":{},\"SEVERE_TOXICITY\":{}}}");
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    int sev = ms_models_category_find(fx->models_ref, "severe_toxicity");
    assert_true(sev >= 0);
    ms_input in = {.text = text, .len = strlen(text)};
    ms_result res;
    assert_int_equal(ms_score(fx->scorer_ref, &in, &res), MS_OK);
    json_t *scores = json_object_get(j, "attributeScores");
    double v = json_real_value(json_object_get(
        json_object_get(json_object_get(scores, "SEVERE_TOXICITY"), "summaryScore"), "value"));
    assert_true(v == ms_models_perspective_score(fx->models_ref, (size_t)sev,
                                                 res.scores[sev].score));
    assert_true(v != json_real_value(json_object_get(
                         json_object_get(json_object_get(scores, "TOXICITY"), "summaryScore"),
                         "value")));
    ms_result_clear(&res);
    json_decref(j);
    resp_free(&r);
}

/* TOXICITY's summaryScore for text, asked as community (NULL: the default
 * policy). */
static double toxicity_for(fixture *fx, const char *community, const char *text)
{
    json_t *req = json_pack("{s:{s:s},s:{s:{}},s:[s]}", "comment", "text", text,
                            "requestedAttributes", "TOXICITY", "languages", "en");
    if (community)
        json_object_set_new(req, "communityId", json_string(community));
    char *body = json_dumps(req, 0);
    resp r = post(fx->port, "/v1alpha1/comments:analyze", body);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    double v = json_real_value(json_object_get(
        json_object_get(json_object_get(json_object_get(j, "attributeScores"), "TOXICITY"),
                        "summaryScore"),
        "value"));
    json_decref(j);
    resp_free(&r);
    free(body);
    json_decref(req);
    return v;
}

/* A site's policy says what it scores (issue 26, issue 20 item 3):
 * "perspective_includes" switches kinds off inside TOXICITY (its answer is
 * then hostility's map alone), "categories" scores only the categories it
 * names (a Perspective request for another is refused, a check scores and
 * maps none of the others), and a misspelled name in either refuses the
 * reload, as a misspelled threshold does. */
static void test_policy_scope(void **state)
{
    fixture *fx = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/nokinds.json", fx->policies);
    write_file(path, "{\"perspective_includes\":{\"hostility\":[]}}\n");
    snprintf(path, sizeof path, "%s/narrow.json", fx->policies);
    write_file(path, "{\"categories\":[\"hostility\",\"severe_toxicity\"]}\n");
    ms_error err = {0};
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    /* a threat: TOXICITY counts the kinds' readings (threat's, severe_toxicity's)
     * by default; narrow scores severe_toxicity but not threat */
    const char *text = "I hope someone burns down the mayor's house";
    ms_input in = {.text = text, .len = strlen(text)};
    ms_result res;
    assert_int_equal(ms_score(fx->scorer_ref, &in, &res), MS_OK);
    double alone = ms_models_perspective_score(fx->models_ref, MS_CAT_HOSTILITY,
                                               res.scores[MS_CAT_HOSTILITY].score);
    ms_result_clear(&res);
    double with_kinds = toxicity_for(fx, NULL, text);
    assert_true(with_kinds > alone);
    assert_true(toxicity_for(fx, "nokinds", text) == alone);
    double narrow = toxicity_for(fx, "narrow", text);
    assert_true(narrow > alone && narrow <= with_kinds); /* severe is scored, threat is not */
    /* narrow: INSULT is switched off; a check scores hostility and severe_toxicity */
    assert_int_equal(installed_mapped(fx, "insult"), 0);
    post_expect(fx->port, "/v1alpha1/comments:analyze",
                "{\"comment\":{\"text\":\"you idiot\"},\"communityId\":\"narrow\","
                "\"requestedAttributes\":{\"INSULT\":{}}}",
                400, "INVALID_ARGUMENT", "Attribute INSULT is switched off by this site's policy");
    resp r = post(fx->port, "/v1/check",
                  "{\"text\":\"you are a worthless idiot\",\"communityId\":\"narrow\"}");
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    json_t *scores = json_object_get(j, "scores");
    assert_non_null(json_object_get(scores, "hostility"));
    assert_non_null(json_object_get(scores, "severe_toxicity"));
    assert_null(json_object_get(scores, "insult"));
    json_decref(j);
    resp_free(&r);
    assert_int_equal(installed_mapped(fx, "insult"), 0);
    assert_int_equal(installed_mapped(fx, "profanity"), 0);
    /* misspelled names refuse the reload, and say which */
    write_file(path, "{\"categories\":[\"hostility\",\"thraet\"]}\n");
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_ERR_POLICY);
    assert_non_null(strstr(err.message, "\"thraet\""));
    write_file(path, "{\"perspective_includes\":{\"hostility\":[\"severe_toxcity\"]}}\n");
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_ERR_POLICY);
    assert_non_null(strstr(err.message, "\"severe_toxcity\""));
    /* a real category, but not one TOXICITY reads: the entry would do nothing */
    write_file(path, "{\"perspective_includes\":{\"hostility\":[\"insult\"]}}\n");
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_ERR_POLICY);
    assert_non_null(strstr(err.message, "lists \"insult\" for \"hostility\""));
}

/* `modscore serve` maps what its policies score before it serves (at start
 * and by each reload), so that the first request does not pay for mapping
 * and filling the pack: the default policy's categories (every one, in its
 * language) at start; after a reload, a policy's "categories" alone, and a
 * community's language. */
static void test_warm_up(void **state)
{
    fixture *fx = *state;
    assert_int_equal(installed_mapped(fx, "hostility"), 1);
    assert_int_equal(installed_mapped(fx, "insult"), 1);
    assert_int_equal(installed_mapped(fx, "threat"), 1);
    assert_int_equal(installed_mapped(fx, "off_topic"), 0); /* needs an article */
    assert_int_equal(installed_mapped_in(fx, "hostility", "de"), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/policy.json", fx->models);
    write_file(path, "{\"categories\":[\"hostility\",\"threat\"]}\n");
    for (const char *const *c = (const char *const[]){"strict", "gardening-forum", NULL}; *c; c++) {
        snprintf(path, sizeof path, "%s/%s.json", fx->policies, *c);
        assert_int_equal(unlink(path), 0);
    }
    snprintf(path, sizeof path, "%s/de-forum.json", fx->policies);
    write_file(path, "{\"language\":\"de\",\"categories\":[\"hostility\"]}\n");
    ms_error err = {0};
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    assert_int_equal(installed_mapped(fx, "hostility"), 1);
    assert_int_equal(installed_mapped(fx, "threat"), 1);
    assert_int_equal(installed_mapped(fx, "insult"), 0);
    assert_int_equal(installed_mapped_in(fx, "hostility", "de"), 1);
}

static void test_analyze_errors(void **state)
{
    fixture *fx = *state;
    static const char *unscored[] = {"ATTACK_ON_AUTHOR", "SEXUALLY_EXPLICIT", "FLIRTATION",
                                     "SPAM", "LIKELY_TO_REJECT"};
    for (size_t i = 0; i < 5; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"comment\":{\"text\":\"hello\"},\"requestedAttributes\":{\"TOXICITY\":{},"
                 "\"%s\":{}}}",
                 unscored[i]);
        resp r = post(fx->port, "/v1alpha1/comments:analyze", body);
        assert_error(&r, 400, "INVALID_ARGUMENT", unscored[i]);
        assert_null(strstr(r.body, "attributeScores"));
        resp_free(&r);
    }
    resp r = post(fx->port, "/v1alpha1/comments:analyze",
                  "{\"comment\":{\"text\":\"hello\"},\"requestedAttributes\":{\"FOO\":{}}}");
    assert_error(&r, 400, "INVALID_ARGUMENT", "Unknown requested attribute: FOO");
    resp_free(&r);
    /* an empty language code is no language (it was taken as English) */
    post_expect(fx->port, "/v1alpha1/comments:analyze",
                "{\"comment\":{\"text\":\"hello\"},\"languages\":[\"\"],"
                "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                400, "INVALID_ARGUMENT", "none of them empty");
    /* OFF_TOPIC: a number only with an off-topic model and context */
    const char *ot = "{\"comment\":{\"text\":\"Watch my channel\"},\"context\":{\"entries\":"
                     "[{\"text\":\"The central bank raised interest rates.\"}]},"
                     "\"requestedAttributes\":{\"OFF_TOPIC\":{}}}";
    r = post(fx->port, "/v1alpha1/comments:analyze", ot);
    if (ms_models_version(fx->models_ref, MS_CAT_OFF_TOPIC)) {
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"OFF_TOPIC\":{\"summaryScore\""));
    } else {
        assert_error(&r, 400, "INVALID_ARGUMENT", "Unknown requested attribute: OFF_TOPIC");
    }
    resp_free(&r);
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"OFF_TOPIC\":{}}}");
    assert_error(&r, 400, "INVALID_ARGUMENT", "OFF_TOPIC");
    resp_free(&r);
    post_expect(fx->port, "/v1alpha1/comments:analyze",
                "{\"comment\":{\"text\":\"privet\"},\"languages\":[\"ru\"],"
                "\"requestedAttributes\":{\"TOXICITY\":{}}}",
                400, "INVALID_ARGUMENT", "does not support request languages: ru");
    post_expect(fx->port, "/v1alpha1/comments:analyze",
                "{\"requestedAttributes\":{\"TOXICITY\":{}}}", 400, "INVALID_ARGUMENT",
                "comment.text");
    post_expect(fx->port, "/v1alpha1/comments:analyze", "{\"comment\":{\"text\":\"hi\"}}", 400,
                "INVALID_ARGUMENT", "requestedAttributes");
    post_expect(fx->port, "/v1alpha1/comments:analyze",
                "{\"comment\":{\"text\":\"hi\"},\"requestedAttributes\":{\"TOXICITY\":"
                "{\"scoreType\":\"STD_DEV_SCORE\"}}}",
                400, "INVALID_ARGUMENT",
                "Requested score type STD_DEV_SCORE is not supported by attribute TOXICITY");
}

/* The rows of issue 13's table that are Perspective's answers. */
static void test_perspective_rows(void **state)
{
    fixture *fx = *state;
    /* 1: a site's locale in languages: Coral's (de, es, fr, pt) are read by
     * their own models (issue 21); one no model reads -> Perspective's own
     * 400, not a silent pass */
    static const char *langs[] = {"de", "es", "fr", "pt", "ru", "sv", "ja", "nl"};
    for (size_t i = 0; i < 8; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"comment\":{\"text\":\"hallo\"},\"doNotStore\":true,"
                 "\"requestedAttributes\":{\"TOXICITY\":{}},\"languages\":[\"%s\"]}",
                 langs[i]);
        resp r = post(fx->port, "/v1alpha1/comments:analyze", body);
        char want[96];
        if (i < 4) {
            snprintf(want, sizeof want, "\"languages\":[\"%s\"]", langs[i]);
            assert_int_equal(r.status, 200);
            assert_non_null(strstr(r.body, "summaryScore"));
            assert_non_null(strstr(r.body, want));
            resp_free(&r);
            continue;
        }
        snprintf(want, sizeof want, "Attribute TOXICITY does not support request languages: %s",
                 langs[i]);
        assert_error(&r, 400, "INVALID_ARGUMENT", want);
        assert_non_null(strstr(r.body, "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"));
        resp_free(&r);
    }
    /* 2: Russian without languages -> detected, refused, not scored as English */
    resp r = post(fx->port, "/v1alpha1/comments:analyze",
                  "{\"comment\":{\"text\":\"Ты полный идиот и ничего не понимаешь, прочитай "
                  "статью ещё раз.\"},\"requestedAttributes\":{\"TOXICITY\":{}}}");
    assert_error(&r, 400, "INVALID_ARGUMENT",
                 "Attribute TOXICITY does not support request languages: ru");
    assert_non_null(strstr(r.body, "\"detectedLanguages\":[\"ru\"]"));
    assert_null(strstr(r.body, "summaryScore"));
    resp_free(&r);
    /* German without languages -> detected, scored by the German model */
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"Du bist ein Idiot und hast keine Ahnung, lies den "
             "Artikel nochmal.\"},\"requestedAttributes\":{\"TOXICITY\":{}}}");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"detectedLanguages\":[\"de\"]"));
    json_t *dj = body_json(&r);
    assert_true(json_real_value(json_object_get(
                    json_object_get(json_object_get(json_object_get(dj, "attributeScores"),
                                                    "TOXICITY"),
                                    "summaryScore"),
                    "value")) > 0.5);
    json_decref(dj);
    resp_free(&r);
    /* English without languages: detectedLanguages */
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"Thanks for the article, very well explained.\"},"
             "\"requestedAttributes\":{\"TOXICITY\":{}}}");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"detectedLanguages\":[\"en\"]"));
    resp_free(&r);
    /* 5: empty or blank text -> 400 COMMENT_EMPTY */
    static const char *blanks[] = {"", "   ", "\\n\\t "};
    for (size_t i = 0; i < 3; i++) {
        char body[128];
        snprintf(body, sizeof body,
                 "{\"comment\":{\"text\":\"%s\"},\"requestedAttributes\":{\"TOXICITY\":{}}}",
                 blanks[i]);
        r = post(fx->port, "/v1alpha1/comments:analyze", body);
        assert_error(&r, 400, "INVALID_ARGUMENT", "Comment must be non-empty.");
        assert_non_null(strstr(r.body, "COMMENT_EMPTY"));
        resp_free(&r);
    }
    /* 6: spans in UTF-16 code units: "idiot" is [9, 14) after two emoji */
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"\\ud83d\\ude00\\ud83d\\ude00 you idiot\"},"
             "\"requestedAttributes\":{\"TOXICITY\":{}},\"spanAnnotations\":true}");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"begin\":9,\"end\":14"));
    resp_free(&r);
    /* 7: communityId is opaque: any string, the default policy unless it
     * names a loaded one */
    static const char *ids[] = {"/forum/movies", "Coral:https://news.example.com", "../strict",
                                "nosuch", ""};
    for (size_t i = 0; i < 5; i++) {
        json_t *req = json_pack("{s:{s:s},s:s,s:{s:{}}}", "comment", "text", "I like turtles.",
                                "communityId", ids[i], "requestedAttributes", "TOXICITY");
        char *body = json_dumps(req, 0);
        r = post(fx->port, "/v1alpha1/comments:analyze", body);
        assert_int_equal(r.status, 200);
        resp_free(&r);
        free(body);
        json_decref(req);
    }
    /* 11: an attribute no loaded model scores is refused, never another's number */
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"you idiot\"},\"requestedAttributes\":"
             "{\"TOXICITY\":{},\"INFLAMMATORY\":{}}}");
    assert_error(&r, 400, "INVALID_ARGUMENT", "Unknown requested attribute: INFLAMMATORY");
    resp_free(&r);
}

/* ------------------------------------------------- Perspective's clients */

/* 3: Discourse keeps its connection between posts and never retries: a
 * request, quiet shorter than --timeout, the next on the same connection.
 * The test uses --timeout 4 and 2.5 s of quiet to stay quick; the default
 * is at least the 75 s its plugin needs. */
static void test_keepalive_discourse_pattern(void **state)
{
    fixture *fx = *state;
    assert_true(MS_SERVER_DEFAULT_TIMEOUT >= 75);
    char *body = read_all(MS_TEST_DATA "/perspective/discourse_analyze.json");
    char req[4096];
    int n = snprintf(req, sizeof req,
                     "POST /v1alpha1/comments:analyze?key=k HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Accept: */*\r\nContent-Type: application/json\r\n"
                     "User-Agent: Discourse/3.4.0\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
    int fd = dial(fx->port);
    send_all(fd, req, (size_t)n);
    assert_int_equal(read_one_response(fd), 200);
    sleep_ms(2500);
    send_all(fd, req, (size_t)n);
    assert_int_equal(read_one_response(fd), 200);
    close(fd);
    free(body);
}

static size_t count_lines(const char *path)
{
    char *t = read_all(path);
    size_t n = 0;
    for (char *p = t; *p; p++)
        n += *p == '\n';
    free(t);
    return n;
}

typedef struct suggester {
    unsigned port;
    int id, failures;
} suggester;

static void *suggest_many(void *p)
{
    suggester *a = p;
    for (int i = 0; i < 20; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"comment\":{\"text\":\"comment %d of writer %d\"},\"attributeScores\":"
                 "{\"TOXICITY\":{\"summaryScore\":{\"value\":%d}}},\"clientToken\":\"w%d-%d\"}",
                 i, a->id, i % 2, a->id, i);
        resp r = post(a->port, "/v1alpha1/comments:suggestscore?key=key-one", body);
        a->failures += r.status != 200;
        resp_free(&r);
    }
    return NULL;
}

/* 4: comments:suggestscore with --feedback: Coral's request, the record on
 * disk before the answer, whole under concurrent writers, a rotated file
 * followed after a reload, and train --data reads the file as is. */
/* The feedback file read as `train --data` reads it: its records; OUT:
 * *positives, those labelled 1. */
static size_t read_feedback(fixture *fx, size_t *positives)
{
    char *data = read_all(fx->feedback);
    ms_dataset set = {0};
    ms_error err = {0};
    assert_int_equal(ms_dataset_read(data, strlen(data), MS_FORMAT_JSONL, NULL, fx->feedback,
                                     &set, &err),
                     MS_OK);
    *positives = 0;
    for (size_t i = 0; i < set.n; i++)
        *positives += set.items[i].label == 1;
    size_t n = set.n;
    ms_dataset_clear(&set);
    free(data);
    return n;
}

static void test_suggestscore_feedback(void **state)
{
    fixture *fx = *state;
    char *coral = read_all(MS_TEST_DATA "/perspective/coral_suggestscore.json");
    resp r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-one", coral);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "clientToken")),
                        "comment:2b8c5f4e-7d1a-4b8e-9a51-0c6f1e2d3a4b");
    json_decref(j);
    resp_free(&r);
    /* answered: so it is on disk */
    char *fb = read_all(fx->feedback);
    json_error_t je;
    j = json_loads(fb, 0, &je);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "label")), 1); /* DELETED: 1 */
    assert_string_equal(json_string_value(json_object_get(j, "attribute")), "TOXICITY");
    assert_string_equal(json_string_value(json_object_get(j, "communityId")),
                        "Coral:https://news.example.com");
    assert_string_equal(json_string_value(json_object_get(j, "source")), "suggestscore");
    /* the language the request named (issue 21: train --base reads a
     * language's records for its model) */
    assert_string_equal(json_string_value(json_object_get(j, "language")), "en");
    assert_non_null(json_string_value(json_object_get(j, "time")));
    assert_non_null(strstr(json_string_value(json_object_get(j, "text")), "idiot"));
    json_decref(j);
    free(fb);
    free(coral);
    /* eight writers at once: every record whole, none lost */
    pthread_t t[8];
    suggester a[8];
    for (int i = 0; i < 8; i++) {
        a[i] = (suggester){fx->port, i, 0};
        pthread_create(&t[i], NULL, suggest_many, &a[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(a[i].failures, 0);
    }
    assert_int_equal(count_lines(fx->feedback), 161);
    /* train --data reads the file as is */
    size_t pos = 0;
    assert_int_equal(read_feedback(fx, &pos), 161);
    assert_int_equal(pos, 1 + 80);
    ms_error err = {0};
    /* rotated (renamed away): a reload follows the path */
    char rotated[200];
    snprintf(rotated, sizeof rotated, "%s.1", fx->feedback);
    assert_int_equal(rename(fx->feedback, rotated), 0);
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-two",
             "{\"comment\":{\"text\":\"after the rotation\"},\"attributeScores\":"
             "{\"TOXICITY\":{\"summaryScore\":{\"value\":0.2}}}}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(count_lines(fx->feedback), 1);
    assert_int_equal(count_lines(rotated), 161);
    fb = read_all(fx->feedback); /* too short to detect, none named: no language */
    assert_null(strstr(fb, "\"language\""));
    free(fb);
    /* none named: the one detected */
    r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-two",
             "{\"comment\":{\"text\":\"Du bist ein Idiot und hast keine Ahnung, lies den "
             "Artikel nochmal.\"},\"attributeScores\":{\"TOXICITY\":{\"summaryScore\":"
             "{\"value\":1}}}}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    fb = read_all(fx->feedback);
    assert_non_null(strstr(fb, "\"source\":\"suggestscore\",\"language\":\"de\""));
    free(fb);
    /* a bad suggestion is refused and writes nothing */
    r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-one",
             "{\"comment\":{\"text\":\"x\"},\"attributeScores\":{\"TOXICITY\":"
             "{\"summaryScore\":{\"value\":7}}}}");
    assert_error(&r, 400, "INVALID_ARGUMENT", "value must be a number in [0, 1]");
    resp_free(&r);
    post_expect(fx->port, "/v1alpha1/comments:suggestscore?key=key-one",
                "{\"comment\":{\"text\":\" \"},\"attributeScores\":{\"TOXICITY\":"
                "{\"summaryScore\":{\"value\":1}}}}",
                400, "INVALID_ARGUMENT", "Comment must be non-empty.");
    assert_int_equal(count_lines(fx->feedback), 2);
}

/* A full disk (here a file-size limit, SIGXFSZ ignored): the suggestion
 * that does not fit is answered 500 "not stored" and leaves nothing in the
 * file; the next one, once there is room, is a whole line of its own. */
static void test_feedback_full_disk(void **state)
{
    fixture *fx = *state;
    static const char rec[] = "{\"comment\":{\"text\":\"short one\"},\"attributeScores\":"
                              "{\"TOXICITY\":{\"summaryScore\":{\"value\":1}}}}";
    resp r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-one", rec);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    struct stat sb;
    assert_int_equal(stat(fx->feedback, &sb), 0);
    off_t before = sb.st_size;
    char *big = malloc(8192);
    int n = snprintf(big, 8192, "{\"comment\":{\"text\":\"");
    memset(big + n, 'y', 6000);
    snprintf(big + n + 6000, 8192 - (size_t)n - 6000,
             "\"},\"attributeScores\":{\"TOXICITY\":{\"summaryScore\":{\"value\":0}}}}");
    struct rlimit saved, rl;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, SIG_IGN);
    rl = saved;
    rl.rlim_cur = (rlim_t)before + 4096; /* the log stays far below it */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
    r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-one", big);
    setrlimit(RLIMIT_FSIZE, &saved);
    assert_error(&r, 500, "INTERNAL", "the feedback was not stored");
    resp_free(&r);
    free(big);
    assert_int_equal(stat(fx->feedback, &sb), 0);
    assert_int_equal(sb.st_size, before);
    r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-one", rec);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    size_t pos;
    assert_int_equal(read_feedback(fx, &pos), 2);
}

/* languages as Perspective answers them (issue 21): the answer's
 * "languages" are those the comment was scored as, "detectedLanguages"
 * what was detected when the request named none; an attribute whose model
 * does not read a named language is 400 for that attribute, whichever the
 * others read. */
static void test_perspective_languages(void **state)
{
    fixture *fx = *state;
    const char *en = "{\"comment\":{\"text\":\"Thank you for this article, it explains the "
                     "new budget and the reasons behind it very clearly.\"},"
                     "\"requestedAttributes\":{\"TOXICITY\":{}}}";
    resp r = post(fx->port, "/v1alpha1/comments:analyze", en);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "languages"), 0)),
                        "en");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(j, "detectedLanguages"), 0)), "en");
    json_decref(j);
    resp_free(&r);
    /* INSULT's model made Swedish only: each attribute answers for itself */
    char path[256];
    snprintf(path, sizeof path, "%s/insult/card.json", fx->models);
    char *card = read_all(path);
    char *l = strstr(card, "\"language\": \"en\"");
    assert_non_null(l);
    memcpy(l + 13, "sv", 2);
    write_file(path, card);
    free(card);
    ms_error err = {0};
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    post_expect(fx->port, "/v1alpha1/comments:analyze",
                "{\"comment\":{\"text\":\"you idiot\"},\"languages\":[\"en\"],"
                "\"requestedAttributes\":{\"TOXICITY\":{},\"INSULT\":{}}}",
                400, "INVALID_ARGUMENT", "Attribute INSULT does not support request languages: en");
    post_expect(fx->port, "/v1alpha1/comments:analyze",
                "{\"comment\":{\"text\":\"du idiot\"},\"languages\":[\"sv-SE\"],"
                "\"requestedAttributes\":{\"INSULT\":{},\"TOXICITY\":{}}}",
                400, "INVALID_ARGUMENT",
                "Attribute TOXICITY does not support request languages: sv-SE");
    r = post(fx->port, "/v1alpha1/comments:analyze",
             "{\"comment\":{\"text\":\"you idiot\"},\"languages\":[\"en\"],"
             "\"requestedAttributes\":{\"TOXICITY\":{}}}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

/* Coral's and Discourse's recorded requests (tests/data/perspective/), read
 * the way each reads the answer. */
static void test_client_request_shapes(void **state)
{
    fixture *fx = *state;
    static const char *ok[] = {"coral_analyze.json", "discourse_analyze.json"};
    for (int i = 0; i < 2; i++) {
        char path[256];
        snprintf(path, sizeof path, MS_TEST_DATA "/perspective/%s", ok[i]);
        char *body = read_all(path);
        resp r = post(fx->port, "/v1alpha1/comments:analyze?key=KEY", body);
        assert_int_equal(r.status, 200);
        json_t *j = body_json(&r);
        /* Coral: attributeScores[model].summaryScore.value; Discourse: the same, per attribute */
        json_t *v = json_object_get(
            json_object_get(json_object_get(json_object_get(j, "attributeScores"), "TOXICITY"),
                            "summaryScore"),
            "value");
        assert_true(json_is_real(v));
        assert_true(json_real_value(v) >= 0 && json_real_value(v) <= 1);
        json_decref(j);
        resp_free(&r);
        free(body);
    }
    /* a Coral site in German: scored by the German model (issue 21) */
    char *de = read_all(MS_TEST_DATA "/perspective/coral_analyze_de.json");
    resp r = post(fx->port, "/v1alpha1/comments:analyze?key=KEY", de);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"languages\":[\"de\"]"));
    resp_free(&r);
    free(de);
    /* the same request in a language no model reads: Perspective's 400,
     * which Coral logs */
    post_expect(fx->port, "/v1alpha1/comments:analyze?key=KEY",
                "{\"comment\":{\"text\":\"Ты идиот.\"},\"doNotStore\":true,"
                "\"requestedAttributes\":{\"TOXICITY\":{}},\"languages\":[\"ru\"]}",
                400, "INVALID_ARGUMENT", "Attribute TOXICITY does not support request languages: ru");
    fflush(fx->log);
    char *log = read_all(fx->log_path);
    assert_non_null(strstr(log, " 400 "));
    assert_non_null(strstr(log, "refused=language"));
    free(log);
}

/* Without --feedback: answered, logged as dropped. */
static void test_suggestscore_without_feedback(void **state)
{
    fixture *fx = *state;
    resp r = post(fx->port, "/v1alpha1/comments:suggestscore",
                  "{\"comment\":{\"text\":\"hi there\"},\"clientToken\":\"t\","
                  "\"attributeScores\":{\"TOXICITY\":{\"summaryScore\":{\"value\":0}}}}");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"clientToken\":\"t\""));
    resp_free(&r);
    ms_server_stop(fx->srv, 1000);
    fx->srv = NULL;
    fflush(fx->log);
    char *log = read_all(fx->log_path);
    assert_non_null(strstr(log, "comments:suggestscore 200"));
    assert_non_null(strstr(log, "feedback=dropped"));
    free(log);
    start(fx, 5, 0);
}

/* The feedback file is never a symlink's target, a FIFO or a directory. */
static void test_feedback_file_must_be_regular(void **state)
{
    fixture *fx = *state;
    char target[200], link[200], fifo[200];
    snprintf(target, sizeof target, "%s/elsewhere", fx->dir);
    snprintf(link, sizeof link, "%s/link.jsonl", fx->dir);
    snprintf(fifo, sizeof fifo, "%s/fifo.jsonl", fx->dir);
    write_file(target, "");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const char *bad[] = {link, fifo, fx->dir};
    for (int i = 0; i < 3; i++) {
        ms_server_config cfg = {0};
        cfg.listen = "127.0.0.1:0";
        cfg.models_dir = fx->models;
        cfg.threads = 1;
        cfg.log = fx->log;
        cfg.feedback_path = bad[i];
        ms_server *srv = NULL;
        ms_error err = {0};
        assert_int_not_equal(ms_server_start(&cfg, &srv, &err), MS_OK);
        assert_null(srv);
    }
    char *t = read_all(target);
    assert_string_equal(t, ""); /* nothing written through the link */
    free(t);
}

/* A symlink or FIFO put at the --feedback path: SIGHUP's reload still
 * reloads models, policies and keys; the feedback file it could not reopen
 * is reported alone, and the file opened before keeps the records. */
static void test_feedback_reopen_alone(void **state)
{
    fixture *fx = *state;
    char moved[200], target[200];
    snprintf(moved, sizeof moved, "%s.1", fx->feedback);
    snprintf(target, sizeof target, "%s/elsewhere", fx->dir);
    write_file(target, "");
    assert_int_equal(rename(fx->feedback, moved), 0);
    assert_int_equal(symlink(target, fx->feedback), 0);
    write_file(fx->keys, "key-new\n");
    ms_error err = {0};
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    const char *sg = "{\"comment\":{\"text\":\"after the reload\"},\"attributeScores\":"
                     "{\"TOXICITY\":{\"summaryScore\":{\"value\":1}}}}";
    resp r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-one", sg);
    assert_int_equal(r.status, 400); /* the keys did reload */
    resp_free(&r);
    r = post(fx->port, "/v1alpha1/comments:suggestscore?key=key-new", sg);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(count_lines(moved), 1); /* the file opened before */
    char *t = read_all(target);
    assert_string_equal(t, ""); /* nothing through the link */
    free(t);
    fflush(fx->log);
    char *log = read_all(fx->log_path);
    assert_non_null(strstr(log, "modscore: feedback: cannot reopen"));
    free(log);
    r = http(fx->port, "GET", "/metrics", NULL, NULL, 0);
    assert_non_null(strstr(r.body, "modscore_feedback_reopen_failures_total 1\n"));
    assert_non_null(strstr(r.body, "modscore_reloads_total{result=\"ok\"} 1\n"));
    resp_free(&r);
}

/* 8: --api-keys: ?key= or X-Goog-Api-Key; none 403, wrong 400, nothing
 * scored; health and discovery stay open; SIGHUP (reload) rereads them. */
static void test_api_keys(void **state)
{
    fixture *fx = *state;
    const char *body = "{\"comment\":{\"text\":\"you idiot\"},\"requestedAttributes\":"
                       "{\"TOXICITY\":{}}}";
    resp r = post(fx->port, "/v1alpha1/comments:analyze", body);
    assert_error(&r, 403, "PERMISSION_DENIED", "missing a valid API key");
    assert_null(strstr(r.body, "attributeScores"));
    resp_free(&r);
    post_expect(fx->port, "/v1alpha1/comments:analyze?key=nope", body, 400, "INVALID_ARGUMENT",
                "API key not valid");
    r = post(fx->port, "/v1/check?key=key-on", "{\"text\":\"hi\"}"); /* a prefix */
    assert_error(&r, 400, "INVALID_ARGUMENT", "API key not valid");
    resp_free(&r);
    r = post(fx->port, "/v1alpha1/comments:analyze?key=key-one", body);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    r = http(fx->port, "POST", "/v1alpha1/comments:analyze",
             "Content-Type: application/json\r\nX-Goog-Api-Key: key-two\r\n", body,
             strlen(body));
    assert_int_equal(r.status, 200);
    resp_free(&r);
    r = http(fx->port, "GET", "/healthz", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* the key never reaches the log */
    fflush(fx->log);
    char *log = read_all(fx->log_path);
    assert_null(strstr(log, "key-one"));
    free(log);
    /* reread on reload: key-one revoked, key-three issued */
    write_file(fx->keys, "key-three\n");
    ms_error err = {0};
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    r = post(fx->port, "/v1alpha1/comments:analyze?key=key-one", body);
    assert_error(&r, 400, "INVALID_ARGUMENT", "API key not valid");
    resp_free(&r);
    r = post(fx->port, "/v1alpha1/comments:analyze?key=key-three", body);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* a key longer than any key is refused before it is compared */
    char longkey[400];
    int n = snprintf(longkey, sizeof longkey, "/v1/check?key=");
    memset(longkey + n, 'k', 300);
    longkey[n + 300] = '\0';
    r = post(fx->port, longkey, "{\"text\":\"hi\"}");
    assert_error(&r, 400, "INVALID_ARGUMENT", "longer than 256 bytes");
    resp_free(&r);
    /* a byte-order mark at the start of the file is not part of the first key */
    write_file(fx->keys, "\xEF\xBB\xBFkey-bom\n");
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    r = post(fx->port, "/v1alpha1/comments:analyze?key=key-bom", body);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* a refused request says why in its log line */
    fflush(fx->log);
    log = read_all(fx->log_path);
    assert_non_null(strstr(log, " 403 "));
    assert_non_null(strstr(log, "refused=no-key"));
    assert_non_null(strstr(log, "refused=bad-key"));
    free(log);
    write_file(fx->keys, "key-three\n");
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    /* a keys file with no key is refused; the running keys stay */
    write_file(fx->keys, "# none\n");
    assert_int_not_equal(ms_server_reload(fx->srv, &err), MS_OK);
    post_expect(fx->port, "/v1alpha1/comments:analyze?key=key-three", body, 200, NULL, NULL);
}

/* 9: --cors-origin: the preflight and the answers carry Access-Control-*
 * for that origin only. */
static void test_cors(void **state)
{
    fixture *fx = *state;
    resp r = http(fx->port, "OPTIONS", "/v1alpha1/comments:analyze",
                  "Origin: https://forum.example\r\nAccess-Control-Request-Method: POST\r\n"
                  "Access-Control-Request-Headers: content-type\r\n",
                  NULL, 0);
    assert_int_equal(r.status, 204);
    assert_non_null(strstr(r.head, "Access-Control-Allow-Origin: https://forum.example"));
    assert_non_null(strstr(r.head, "Access-Control-Allow-Methods: POST, OPTIONS"));
    assert_non_null(strstr(r.head, "Access-Control-Allow-Headers: Content-Type"));
    resp_free(&r);
    r = http(fx->port, "OPTIONS", "/v1alpha1/comments:analyze",
             "Origin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n", NULL, 0);
    assert_int_equal(r.status, 403);
    assert_null(strstr(r.head, "Access-Control-Allow-Origin"));
    resp_free(&r);
    const char *body = "{\"comment\":{\"text\":\"hello\"},\"requestedAttributes\":"
                       "{\"TOXICITY\":{}}}";
    r = http(fx->port, "POST", "/v1alpha1/comments:analyze?key=key-one",
             "Origin: https://forum.example\r\nContent-Type: application/json\r\n", body,
             strlen(body));
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Access-Control-Allow-Origin: https://forum.example"));
    resp_free(&r);
    r = http(fx->port, "POST", "/v1alpha1/comments:analyze?key=key-one",
             "Origin: https://evil.example\r\nContent-Type: application/json\r\n", body,
             strlen(body));
    assert_error(&r, 403, "PERMISSION_DENIED", "cross-site");
    assert_null(strstr(r.head, "Access-Control-Allow-Origin"));
    resp_free(&r);
}

/* Cross-site feedback poisoning (issue 23): a page on another site that a
 * moderator opens can post to the service without a preflight (a
 * text/plain body, or no Content-Type). POST endpoints take only
 * application/json, and a request from an origin --cors-origin does not
 * let in (Origin, or Sec-Fetch-Site without one) is 403; nothing is
 * scored or stored. */
static void test_cross_site_refused(void **state)
{
    fixture *fx = *state;
    const char *sg = "{\"comment\":{\"text\":\"a fine comment\"},\"attributeScores\":"
                     "{\"TOXICITY\":{\"summaryScore\":{\"value\":1}}}}";
    const char *path = "/v1alpha1/comments:suggestscore?key=key-one";
    static const char *const refused[] = {
        "Content-Type: text/plain\r\n", /* a form or fetch() from any page */
        "",                             /* a Blob body: no Content-Type at all */
        "Content-Type: application/x-www-form-urlencoded\r\n",
        "Content-Type: application/jsonp\r\n",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        resp r = http(fx->port, "POST", path, refused[i], sg, strlen(sg));
        assert_error(&r, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
        resp_free(&r);
    }
    static const char *const cross[] = {
        "Origin: https://evil.example\r\nContent-Type: application/json\r\n",
        "Origin: null\r\nContent-Type: application/json\r\n",
        "Sec-Fetch-Site: cross-site\r\nContent-Type: application/json\r\n",
        "Sec-Fetch-Site: same-site\r\nContent-Type: application/json\r\n",
    };
    for (size_t i = 0; i < sizeof cross / sizeof *cross; i++) {
        resp r = http(fx->port, "POST", path, cross[i], sg, strlen(sg));
        assert_error(&r, 403, "PERMISSION_DENIED", "cross-site");
        resp_free(&r);
        r = http(fx->port, "POST", "/v1/check?key=key-one", cross[i], "{\"text\":\"hi\"}", 13);
        assert_int_equal(r.status, 403);
        resp_free(&r);
    }
    assert_int_equal(count_lines(fx->feedback), 0);
    /* what a JSON client sends, and a page --cors-origin lets in */
    static const char *const ok[] = {
        "Content-Type: application/json; charset=utf-8\r\n",
        "Content-Type: Application/JSON\r\nSec-Fetch-Site: same-origin\r\n",
        "Origin: https://forum.example\r\nSec-Fetch-Site: cross-site\r\n"
        "Content-Type: application/json\r\n",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        resp r = http(fx->port, "POST", path, ok[i], sg, strlen(sg));
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    assert_int_equal(count_lines(fx->feedback), 3);
}

/* suggestscore keeps each attribute apart (issue 23): a record names
 * modscore's category and Perspective's attribute, so `train --task T`
 * reads only T's; an attribute no loaded model answers and a comment of
 * another type are 400, as analyze answers them, and nothing is stored. */
static void test_suggestscore_attributes(void **state)
{
    fixture *fx = *state;
    const char *path = "/v1alpha1/comments:suggestscore?key=key-one";
    resp r = post(fx->port, path,
                  "{\"comment\":{\"text\":\"you absolute clown\"},\"attributeScores\":"
                  "{\"TOXICITY\":{\"summaryScore\":{\"value\":0}},"
                  "\"INSULT\":{\"summaryScore\":{\"value\":1}}}}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    char *fb = read_all(fx->feedback);
    char *second = strchr(fb, '\n');
    assert_non_null(second);
    *second++ = '\0';
    json_t *a = json_loads(fb, 0, NULL), *b = json_loads(second, 0, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(json_string_value(json_object_get(a, "category")), "hostility");
    assert_string_equal(json_string_value(json_object_get(a, "attribute")), "TOXICITY");
    assert_int_equal(json_integer_value(json_object_get(a, "label")), 0);
    assert_string_equal(json_string_value(json_object_get(b, "category")), "insult");
    assert_string_equal(json_string_value(json_object_get(b, "attribute")), "INSULT");
    assert_int_equal(json_integer_value(json_object_get(b, "label")), 1);
    json_decref(a);
    json_decref(b);
    free(fb);
    static const char *const bad[][2] = {
        {"{\"comment\":{\"text\":\"x y\"},\"attributeScores\":{\"FOO_UNKNOWN\":"
         "{\"summaryScore\":{\"value\":1}}}}",
         "Unknown requested attribute: FOO_UNKNOWN"},
        {"{\"comment\":{\"text\":\"x y\"},\"attributeScores\":{\"\":"
         "{\"summaryScore\":{\"value\":1}}}}",
         "Unknown requested attribute: "},
        {"{\"comment\":{\"text\":\"x y\"},\"attributeScores\":{\"TOXICITY\":"
         "{\"summaryScore\":{\"value\":0}},\"INFLAMMATORY\":{\"summaryScore\":"
         "{\"value\":1}}}}",
         "Unknown requested attribute: INFLAMMATORY"},
        {"{\"comment\":{\"text\":\"<b>idiot</b>\",\"type\":\"HTML\"},\"attributeScores\":"
         "{\"TOXICITY\":{\"summaryScore\":{\"value\":1}}}}",
         "comment.type HTML is not supported"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = post(fx->port, path, bad[i][0]);
        assert_error(&r, 400, "INVALID_ARGUMENT", bad[i][1]);
        resp_free(&r);
    }
    assert_int_equal(count_lines(fx->feedback), 2);
}

/* 10: the discovery document, rootUrl this server as the client reached it */
static void test_discovery(void **state)
{
    fixture *fx = *state;
    char host[64];
    snprintf(host, sizeof host, "Host: 127.0.0.1:%u\r\n", fx->port);
    int fd = dial(fx->port);
    char req[256];
    int n = snprintf(req, sizeof req,
                     "GET /$discovery/rest?version=v1alpha1 HTTP/1.1\r\n%sConnection: close\r\n\r\n",
                     host);
    send_all(fd, req, (size_t)n);
    char buf[16384];
    size_t got = 0;
    ssize_t k;
    while ((k = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0)
        got += (size_t)k;
    close(fd);
    buf[got] = '\0';
    assert_non_null(strstr(buf, "HTTP/1.1 200"));
    char *b = strstr(buf, "\r\n\r\n");
    assert_non_null(b);
    json_error_t je;
    json_t *d = json_loads(b + 4, 0, &je);
    assert_non_null(d);
    char want[64];
    snprintf(want, sizeof want, "http://127.0.0.1:%u/", fx->port);
    assert_string_equal(json_string_value(json_object_get(d, "rootUrl")), want);
    assert_string_equal(json_string_value(json_object_get(d, "name")), "commentanalyzer");
    json_t *m = json_object_get(json_object_get(json_object_get(d, "resources"), "comments"),
                                "methods");
    assert_string_equal(json_string_value(json_object_get(json_object_get(m, "analyze"), "path")),
                        "v1alpha1/comments:analyze");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(m, "suggestscore"), "httpMethod")),
        "POST");
    json_decref(d);
    resp r = http(fx->port, "GET", "/$discovery/rest?version=v1", NULL, NULL, 0);
    assert_error(&r, 404, "NOT_FOUND", "v1alpha1");
    resp_free(&r);
}

typedef struct worker_arg {
    unsigned port;
    int id;
    const char *want; /* the good answer */
    int failures;
} worker_arg;

static void *worker(void *p)
{
    worker_arg *a = p;
    for (int i = 0; i < 40; i++) {
        resp r;
        if ((i + a->id) % 3 == 0) {
            r = post(a->port, "/v1/check", "{\"text\": [bad json");
            if (r.status != 400)
                a->failures++;
        } else {
            r = post(a->port, "/v1/check", "{\"text\":\"You are an idiot and a moron.\"}");
            if (r.status != 200 || strcmp(r.body, a->want) != 0)
                a->failures++;
        }
        resp_free(&r);
    }
    return NULL;
}

static void test_concurrent_bad_requests_affect_no_one(void **state)
{
    fixture *fx = *state;
    char *want = expected_check(fx, "You are an idiot and a moron.", NULL);
    pthread_t t[8];
    worker_arg a[8];
    for (int i = 0; i < 8; i++) {
        a[i] = (worker_arg){fx->port, i, want, 0};
        pthread_create(&t[i], NULL, worker, &a[i]);
    }
    /* a reload in the middle: requests in flight finish on the old models */
    ms_error err = {0};
    assert_int_equal(ms_server_reload(fx->srv, &err), MS_OK);
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(a[i].failures, 0);
    }
    free(want);
}

/* test_server [PATTERN]: only the tests whose names match PATTERN ('*'). */

/* test_server_persp [PATTERN]: only the tests whose names match PATTERN ('*'). */
int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_analyze_toxicity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyze_maps_what_it_asks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyze_severe_toxicity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyze_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warm_up, setup_warm, teardown),
        cmocka_unit_test_setup_teardown(test_perspective_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_bad_requests_affect_no_one, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_keepalive_discourse_pattern, setup_idle4, teardown),
        cmocka_unit_test_setup_teardown(test_suggestscore_feedback, setup_persp, teardown),
        cmocka_unit_test_setup_teardown(test_suggestscore_without_feedback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_full_disk, setup_persp, teardown),
        cmocka_unit_test_setup_teardown(test_client_request_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_perspective_languages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_file_must_be_regular, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_keys, setup_persp, teardown),
        cmocka_unit_test_setup_teardown(test_cors, setup_persp, teardown),
        cmocka_unit_test_setup_teardown(test_cross_site_refused, setup_persp, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_reopen_alone, setup_persp, teardown),
        cmocka_unit_test_setup_teardown(test_suggestscore_attributes, setup_persp, teardown),
        cmocka_unit_test_setup_teardown(test_discovery, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

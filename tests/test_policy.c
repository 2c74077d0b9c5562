/* test_policy.c - community standards: defaults, policy files and their
 * errors, overrides, allow/deny terms and the decision rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "category.h"
#include "policy.h"

#define POLICY_DATA MS_TEST_DATA "/policy"

static ms_policy *parse_ok(const char *json)
{
    ms_policy *p = NULL;
    ms_error err;
    memset(&err, 0, sizeof err);
    ms_status st = ms_policy_parse(json, strlen(json), "test.json", &p, &err);
    if (st != MS_OK)
        fail_msg("parse failed: %s (line %ld col %ld)", err.message, err.line, err.column);
    assert_non_null(p);
    return p;
}

/* Parses json expecting a failure; returns the error for the caller to check. */
static ms_error parse_bad(const char *json, ms_status want)
{
    ms_policy *p = (ms_policy *)0x1;
    ms_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ms_policy_parse(json, strlen(json), "bad.json", &p, &err), want);
    assert_null(p);
    assert_int_equal(err.code, want);
    assert_string_equal(err.source, "bad.json");
    return err;
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(ms_category_name(MS_CAT_HOSTILITY), "hostility");
    assert_string_equal(ms_category_name(MS_CAT_OFF_TOPIC), "off_topic");
    assert_string_equal(ms_category_name((ms_category)7), "unknown");
    assert_string_equal(ms_action_name(MS_ACTION_PUBLISH), "publish");
    assert_string_equal(ms_action_name(MS_ACTION_REVIEW), "review");
    assert_string_equal(ms_action_name(MS_ACTION_REJECT), "reject");
    assert_string_equal(ms_strerror(MS_OK), "success");
    assert_string_equal(ms_strerror(MS_ERR_POLICY), "invalid policy");
    /* Every code has its own text, and unknown codes still get one. */
    for (int a = MS_OK; a <= MS_ERR_CANT_CREATE; a++)
        for (int b = a + 1; b <= MS_ERR_CANT_CREATE; b++)
            assert_string_not_equal(ms_strerror((ms_status)a), ms_strerror((ms_status)b));
    assert_non_null(ms_strerror((ms_status)99));
    ms_free(NULL);
    ms_policy_free(NULL);
}

/* The one table of the legacy categories: what a name fills, the flag it
 * sets, the HTML's label; any other name is data (MS_FLAG_OTHER, -1). */
static void test_legacy_table(void **state)
{
    (void)state;
    for (int c = 0; c < MS_CAT_COUNT; c++)
        assert_int_equal(ms_category_legacy(ms_category_name((ms_category)c)), c);
    assert_int_equal(ms_category_legacy_n("off_topics", 9), MS_CAT_OFF_TOPIC);
    assert_int_equal(ms_category_legacy_n("hostility", 8), -1);
    assert_int_equal(ms_category_legacy("insult"), -1);
    assert_int_equal(ms_category_legacy(NULL), -1);
    assert_int_equal(ms_category_flag("hostility"), MS_FLAG_HOSTILITY);
    assert_int_equal(ms_category_flag("off_topic"), MS_FLAG_OFF_TOPIC);
    assert_int_equal(ms_category_flag("threat"), MS_FLAG_OTHER);
    assert_string_equal(ms_category_label(MS_CAT_OFF_TOPIC), "off-topic");
    assert_string_equal(ms_category_label((ms_category)5), "other");
    ms_result r;
    memset(&r, 0, sizeof r);
    r.off_topic = 0.25;
    r.has_off_topic = 1;
    double v = -1;
    assert_false(ms_result_legacy_score(&r, MS_CAT_HOSTILITY, &v));
    assert_true(ms_result_legacy_score(&r, MS_CAT_OFF_TOPIC, &v));
    assert_true(v == 0.25);
}

/* The categories a policy names that the loaded models do not score, in
 * the order named; off_topic (the shipped policy names it) is let be. */
static void test_unknown_categories(void **state)
{
    (void)state;
    ms_models *m = NULL;
    ms_error err;
    assert_int_equal(ms_models_load(MS_MODELS_DIR, &m, &err), MS_OK);
    ms_policy *p = parse_ok("{\"thresholds\":{\"hostilty\":{\"review\":0.1},"
                            "\"hostility\":{\"review\":0.4},\"off_topic\":{\"review\":0.6},"
                            "\"site_own\":{\"review\":0.7}}}");
    assert_string_equal(ms_policy_unknown_category(p, m, 0), "hostilty");
    assert_string_equal(ms_policy_unknown_category(p, m, 1), "site_own");
    assert_null(ms_policy_unknown_category(p, m, 2));
    ms_policy_free(p);
    ms_models_free(m);
}

/* "categories" and "perspective_includes": what the site scores, and which
 * kinds a category's Perspective answer counts; names in them that no
 * model scores are unknown categories like a misspelled threshold. */
static void test_scope_keys(void **state)
{
    (void)state;
    ms_policy *p = parse_ok("{\"name\":\"x\"}");
    assert_true(ms_policy_scores(p, "insult"));
    assert_true(ms_policy_counts_kind(p, "hostility", "threat"));
    ms_policy_free(p);
    p = parse_ok("{\"categories\":[\"hostility\",\"threat\",\"severe_toxicity\"],\n"
                 " \"perspective_includes\":{\"hostility\":[\"threat\",\"identity_attack\"],"
                 "\"insult\":[]}}");
    assert_true(ms_policy_scores(p, "hostility"));
    assert_true(ms_policy_scores(p, "threat"));
    assert_false(ms_policy_scores(p, "insult"));
    assert_true(ms_policy_counts_kind(p, "hostility", "threat"));
    /* named for hostility, but the site does not score identity_attack */
    assert_false(ms_policy_counts_kind(p, "hostility", "identity_attack"));
    /* scored, but not in hostility's list */
    assert_false(ms_policy_counts_kind(p, "hostility", "severe_toxicity"));
    /* a category the key does not name keeps its card's kinds */
    assert_true(ms_policy_counts_kind(p, "site_own", "threat"));
    assert_false(ms_policy_counts_kind(p, "insult", "threat"));
    ms_models *m = NULL;
    ms_error err;
    assert_int_equal(ms_models_load(MS_MODELS_DIR, &m, &err), MS_OK);
    assert_null(ms_policy_unknown_category(p, m, 0));
    ms_policy_free(p);
    p = parse_ok("{\"thresholds\":{\"hostility\":{\"review\":0.4}},\"categories\":[\"hostility\","
                 "\"thraet\"],\"perspective_includes\":{\"hostilty\":[\"severe_toxcity\"]}}");
    assert_string_equal(ms_policy_unknown_category(p, m, 0), "thraet");
    assert_string_equal(ms_policy_unknown_category(p, m, 1), "hostilty");
    assert_string_equal(ms_policy_unknown_category(p, m, 2), "severe_toxcity");
    assert_null(ms_policy_unknown_category(p, m, 3));
    const char *cat = NULL;
    assert_null(ms_policy_stray_kind(p, m, 0, &cat)); /* unknown names are not strays */
    ms_policy_free(p);
    /* real categories, but hostility's TOXICITY never reads insult or
     * profanity: the entries would do nothing */
    p = parse_ok("{\"perspective_includes\":{\"hostility\":[\"severe_toxicity\",\"insult\"],"
                 "\"threat\":[],\"insult\":[\"profanity\"]}}");
    assert_null(ms_policy_unknown_category(p, m, 0));
    assert_string_equal(ms_policy_stray_kind(p, m, 0, &cat), "insult");
    assert_string_equal(cat, "hostility");
    assert_string_equal(ms_policy_stray_kind(p, m, 1, &cat), "profanity");
    assert_string_equal(cat, "insult");
    assert_null(ms_policy_stray_kind(p, m, 2, &cat));
    ms_policy_free(p);
    ms_models_free(m);
    ms_error e = parse_bad("{\"categories\":[]}", MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "empty list would score nothing"));
    e = parse_bad("{\"categories\":\"hostility\"}", MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "categories: expected a list"));
    e = parse_bad("{\"categories\":[\"hostility\",\"THREAT\"]}", MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "entry 2 is not a category name"));
    e = parse_bad("{\"name\":\"x\",\n \"perspective_includes\":{\"hostility\":[\"threat\"],\n"
                  "  \"insult\":\"threat\"}}",
                  MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "perspective_includes.insult: expected a list"));
    assert_int_equal(e.line, 3);
    e = parse_bad("{\"perspective_includes\":[\"threat\"]}", MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "perspective_includes: expected an object"));
}

static void test_default_values(void **state)
{
    (void)state;
    ms_policy *p = NULL;
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_string_equal(ms_policy_name(p), "default");
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == 0.5);
    assert_true(ms_policy_reject(p, MS_CAT_HOSTILITY) == 0.85);
    assert_true(ms_policy_review(p, MS_CAT_OFF_TOPIC) == 0.7);
    assert_true(ms_policy_reject(p, MS_CAT_OFF_TOPIC) == 0.95);
    assert_int_equal(ms_policy_deny_count(p), 0);
    assert_null(ms_policy_deny_term(p, 0));
    assert_false(ms_policy_allowed(p, "damn", 4));
    ms_policy_free(p);
}

/* The shipped models/policy.json is the built-in default, value for value. */
static void test_shipped_policy_matches_default(void **state)
{
    (void)state;
    ms_policy *file = NULL, *def = NULL;
    ms_error err;
    assert_int_equal(ms_policy_load(MS_MODELS_DIR "/policy.json", &file, &err), MS_OK);
    assert_int_equal(ms_policy_default(&def), MS_OK);
    assert_string_equal(ms_policy_name(file), ms_policy_name(def));
    for (int c = 0; c < MS_CAT_COUNT; c++) {
        assert_true(ms_policy_review(file, (ms_category)c) == ms_policy_review(def, (ms_category)c));
        assert_true(ms_policy_reject(file, (ms_category)c) == ms_policy_reject(def, (ms_category)c));
    }
    assert_int_equal(ms_policy_deny_count(file), 0);
    ms_policy_free(file);
    ms_policy_free(def);
}

static void test_fixture_file(void **state)
{
    (void)state;
    ms_policy *p = NULL;
    ms_error err;
    assert_int_equal(ms_policy_load(POLICY_DATA "/community.json", &p, &err), MS_OK);
    assert_string_equal(ms_policy_name(p), "gardening-forum");
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == 0.4);
    assert_true(ms_policy_reject(p, MS_CAT_HOSTILITY) == 0.8);
    /* off_topic is not in the file: it keeps the defaults. */
    assert_true(ms_policy_review(p, MS_CAT_OFF_TOPIC) == 0.7);
    assert_true(ms_policy_reject(p, MS_CAT_OFF_TOPIC) == 0.95);
    /* Terms are case-folded (NFKC: the "fi" ligature becomes "fi") with
     * white space collapsed. */
    assert_int_equal(ms_policy_deny_count(p), 2);
    int saw_country = 0, saw_filthy = 0;
    for (size_t i = 0; i < ms_policy_deny_count(p); i++) {
        saw_country += strcmp(ms_policy_deny_term(p, i), "go back to your country") == 0;
        saw_filthy += strcmp(ms_policy_deny_term(p, i), "filthy") == 0;
    }
    assert_int_equal(saw_country, 1);
    assert_int_equal(saw_filthy, 1);
    assert_true(ms_policy_allowed(p, "damn", 4));
    assert_true(ms_policy_allowed(p, "bloody hell", 11));
    assert_false(ms_policy_allowed(p, "bloody", 6));
    ms_policy_free(p);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    ms_policy *p = NULL;
    ms_error err;
    assert_int_equal(ms_policy_load(POLICY_DATA "/no-such.json", &p, &err), MS_ERR_NOT_FOUND);
    assert_null(p);
}

static void test_error_syntax_has_position(void **state)
{
    (void)state;
    ms_policy *p = NULL;
    ms_error err;
    assert_int_equal(ms_policy_load(POLICY_DATA "/bad_syntax.json", &p, &err), MS_ERR_POLICY);
    assert_null(p);
    assert_string_equal(err.source, POLICY_DATA "/bad_syntax.json");
    assert_int_equal(err.line, 3);
    assert_true(err.column > 0);
    assert_non_null(strstr(err.message, "expected"));
}

static void test_error_range_has_position(void **state)
{
    (void)state;
    ms_policy *p = NULL;
    ms_error err;
    assert_int_equal(ms_policy_load(POLICY_DATA "/bad_range.json", &p, &err), MS_ERR_POLICY);
    assert_null(p);
    assert_string_equal(err.message, "thresholds.hostility.reject: 1.5 is outside [0, 1]");
    assert_int_equal(err.line, 5);
    assert_int_equal(err.column, 29);
}

static void test_validation_errors(void **state)
{
    (void)state;
    ms_error e;

    e = parse_bad("{\"thresholds\":{\"hostility\":{\"review\":-0.1}}}", MS_ERR_POLICY);
    assert_string_equal(e.message, "thresholds.hostility.review: -0.1 is outside [0, 1]");
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 38);

    e = parse_bad("{\"thresholds\":{\"hostility\":{\"review\":\"high\"}}}", MS_ERR_POLICY);
    assert_string_equal(e.message,
                        "thresholds.hostility.review: expected a number (or null: never)");

    e = parse_bad("{\"thresholds\":{\"off_topic\":{\"review\":0.9,\"reject\":0.8}}}",
                  MS_ERR_POLICY);
    assert_string_equal(e.message,
                        "thresholds.off_topic: review threshold 0.9 is above the reject "
                        "threshold 0.8");
    /* review above the *default* reject is caught too */
    e = parse_bad("{\"thresholds\":{\"hostility\":{\"review\":0.9}}}", MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "above the reject threshold 0.85"));

    e = parse_bad("{\n  \"thresholds\": {\n    \"toxicity\": {\"review\": 0.5}}}", MS_ERR_POLICY);
    assert_string_equal(e.message, "thresholds: \"toxicity\" is Perspective's name for what "
                                   "modscore calls \"hostility\"");
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 17);

    e = parse_bad("{\"thresholds\":{\"hostility\":{\"revue\":0.5}}}", MS_ERR_POLICY);
    assert_string_equal(e.message, "thresholds.hostility: unknown key \"revue\" (expected "
                                   "flag, review or reject)");
    /* categories are data, but a name is still a name */
    e = parse_bad("{\"thresholds\":{\"Insult!\":{\"review\":0.5}}}", MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "is not a category name"));
    e = parse_bad("{\"thresholds\":{\"deny\":{\"review\":0.5}}}", MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "is not a category name"));
    e = parse_bad("{\"thresholds\":{\"insult\":{\"flag\":0.7,\"review\":0.6}}}", MS_ERR_POLICY);
    assert_string_equal(e.message, "thresholds.insult: flag threshold 0.7 is above the review "
                                   "threshold 0.6");

    e = parse_bad("{\"name\":\"x\",\"colour\":\"red\"}", MS_ERR_POLICY);
    assert_string_equal(e.message, "unknown key \"colour\" (expected name, thresholds, allow, "
                                   "deny, language, unread, categories or perspective_includes)");
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 22);

    e = parse_bad("{\"allow\":[\"ok\",\n 3]}", MS_ERR_POLICY);
    assert_string_equal(e.message, "allow[1]: expected a string");
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 2);

    e = parse_bad("{\"deny\":\"idiot\"}", MS_ERR_POLICY);
    assert_string_equal(e.message, "deny: expected an array of strings");

    e = parse_bad("{\"deny\":[\"  \"]}", MS_ERR_POLICY);
    assert_string_equal(e.message, "deny[0]: empty term");

    e = parse_bad("{\"name\":42}", MS_ERR_POLICY);
    assert_string_equal(e.message, "name: expected a non-empty string");

    e = parse_bad("[1,2]", MS_ERR_POLICY);
    assert_string_equal(e.message, "expected a JSON object");

    e = parse_bad("{\"name\":\"a\",\"name\":\"b\"}", MS_ERR_POLICY);
    assert_non_null(strstr(e.message, "duplicate"));

    e = parse_bad("", MS_ERR_POLICY);
    assert_int_equal(e.code, MS_ERR_POLICY);
}

static void test_empty_object_is_default(void **state)
{
    (void)state;
    ms_policy *p = parse_ok("{}");
    assert_string_equal(ms_policy_name(p), "default");
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == 0.5);
    assert_true(ms_policy_reject(p, MS_CAT_OFF_TOPIC) == 0.95);
    ms_policy_free(p);
    /* Integers are numbers too, and the bounds are inclusive. */
    p = parse_ok("{\"thresholds\":{\"hostility\":{\"review\":0,\"reject\":1}}}");
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == 0.0);
    assert_true(ms_policy_reject(p, MS_CAT_HOSTILITY) == 1.0);
    ms_policy_free(p);
}

static void test_overrides(void **state)
{
    (void)state;
    ms_policy *p = NULL;
    ms_error err;
    assert_int_equal(ms_policy_default(&p), MS_OK);
    /* A comma-decimal locale must not change how "0.8" reads. */
    setlocale(LC_NUMERIC, "de_DE.UTF-8");
    assert_int_equal(ms_policy_override(p, "hostility=0.8", &err), MS_OK);
    setlocale(LC_NUMERIC, "C");
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == 0.8);
    assert_true(ms_policy_reject(p, MS_CAT_HOSTILITY) == 0.85);
    assert_int_equal(ms_policy_override(p, "hostility.reject=0.95", &err), MS_OK);
    assert_true(ms_policy_reject(p, MS_CAT_HOSTILITY) == 0.95);
    assert_int_equal(ms_policy_override(p, "hostility.review=0.6", &err), MS_OK);
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == 0.6);
    assert_int_equal(ms_policy_override(p, "off_topic=0.75", &err), MS_OK);
    assert_true(ms_policy_review(p, MS_CAT_OFF_TOPIC) == 0.75);
    assert_int_equal(ms_policy_override(p, "off_topic.reject=1", &err), MS_OK);
    assert_true(ms_policy_reject(p, MS_CAT_OFF_TOPIC) == 1.0);

    assert_int_equal(ms_policy_override(p, "toxicity=0.5", &err), MS_ERR_ARG);
    assert_string_equal(err.message, "override \"toxicity=0.5\": \"toxicity\" is Perspective's "
                                     "name for what modscore calls \"hostility\"");
    assert_int_equal(ms_policy_override(p, "Insult=0.5", &err), MS_ERR_ARG);
    assert_non_null(strstr(err.message, "is not a category name"));
    assert_int_equal(ms_policy_override(p, "hostility.block=0.5", &err), MS_ERR_ARG);
    assert_non_null(strstr(err.message, "unknown threshold \"block\""));
    assert_int_equal(ms_policy_override(p, "hostility=high", &err), MS_ERR_ARG);
    assert_non_null(strstr(err.message, "between 0 and 1"));
    assert_int_equal(ms_policy_override(p, "hostility=1.2", &err), MS_ERR_ARG);
    assert_int_equal(ms_policy_override(p, "hostility=nan", &err), MS_ERR_ARG);
    assert_int_equal(ms_policy_override(p, "hostility=0,8", &err), MS_ERR_ARG);
    assert_int_equal(ms_policy_override(p, "hostility=", &err), MS_ERR_ARG);
    assert_int_equal(ms_policy_override(p, "hostility", &err), MS_ERR_ARG);
    assert_non_null(strstr(err.message, "expected CATEGORY"));
    /* review above reject is refused and leaves the policy as it was */
    assert_int_equal(ms_policy_override(p, "hostility=0.99", &err), MS_ERR_ARG);
    assert_non_null(strstr(err.message, "above the reject threshold"));
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == 0.6);
    assert_true(ms_policy_reject(p, MS_CAT_HOSTILITY) == 0.95);
    /* never (or null, as in a policy file): the threshold is never reached */
    assert_int_equal(ms_policy_override(p, "hostility.reject=never", &err), MS_OK);
    assert_true(ms_policy_reject(p, MS_CAT_HOSTILITY) == MS_THRESHOLD_NEVER);
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == 0.6);
    assert_int_equal(ms_policy_override(p, "insult.reject=null", &err), MS_OK);
    assert_int_equal(ms_policy_override(p, "insult.review=never", &err), MS_OK);
    ms_thresholds th;
    ms_policy_thresholds(p, "insult", &th);
    assert_true(th.review == MS_THRESHOLD_NEVER && th.reject == MS_THRESHOLD_NEVER);
    assert_int_equal(ms_policy_override(p, "hostility.review=never", &err), MS_OK);
    assert_true(ms_policy_review(p, MS_CAT_HOSTILITY) == MS_THRESHOLD_NEVER);
    assert_int_equal(ms_policy_override(p, "hostility=Never", &err), MS_ERR_ARG);
    ms_policy_free(p);
}

static ms_action decide(const ms_policy *p, int has_h, double h, int has_o, double o,
                        unsigned flags, unsigned *flags_out)
{
    ms_result r;
    memset(&r, 0, sizeof r);
    r.has_hostility = has_h;
    r.hostility = h;
    r.has_off_topic = has_o;
    r.off_topic = o;
    r.flags = flags;
    ms_action a = ms_policy_decide(p, &r);
    if (flags_out)
        *flags_out = r.flags;
    return a;
}

static void test_decide(void **state)
{
    (void)state;
    ms_policy *p = NULL;
    assert_int_equal(ms_policy_default(&p), MS_OK);
    unsigned f;

    assert_int_equal(decide(p, 1, 0.1, 1, 0.1, 0, &f), MS_ACTION_PUBLISH);
    assert_int_equal(f, 0);
    /* thresholds are inclusive */
    assert_int_equal(decide(p, 1, 0.5, 1, 0.1, 0, &f), MS_ACTION_REVIEW);
    assert_int_equal(f, MS_FLAG_HOSTILITY);
    assert_int_equal(decide(p, 1, 0.4999, 1, 0.1, 0, &f), MS_ACTION_PUBLISH);
    assert_int_equal(decide(p, 1, 0.85, 1, 0.1, 0, &f), MS_ACTION_REJECT);
    assert_int_equal(f, MS_FLAG_HOSTILITY);
    assert_int_equal(decide(p, 1, 0.1, 1, 0.7, 0, &f), MS_ACTION_REVIEW);
    assert_int_equal(f, MS_FLAG_OFF_TOPIC);
    assert_int_equal(decide(p, 1, 0.1, 1, 0.95, 0, &f), MS_ACTION_REJECT);
    /* the strictest category wins, whichever it is */
    assert_int_equal(decide(p, 1, 0.9, 1, 0.75, 0, &f), MS_ACTION_REJECT);
    assert_int_equal(f, MS_FLAG_HOSTILITY | MS_FLAG_OFF_TOPIC);
    assert_int_equal(decide(p, 1, 0.6, 1, 0.99, 0, &f), MS_ACTION_REJECT);
    /* a deny term is at least review, and never lowers a reject */
    assert_int_equal(decide(p, 1, 0.0, 1, 0.0, MS_FLAG_DENY, &f), MS_ACTION_REVIEW);
    assert_int_equal(f, MS_FLAG_DENY);
    assert_int_equal(decide(p, 1, 0.9, 0, 0.0, MS_FLAG_DENY, &f), MS_ACTION_REJECT);
    assert_int_equal(f, MS_FLAG_DENY | MS_FLAG_HOSTILITY);
    /* an off_topic score that is absent is ignored, whatever its value */
    assert_int_equal(decide(p, 1, 0.1, 0, 0.99, 0, &f), MS_ACTION_PUBLISH);
    assert_int_equal(f, 0);
    assert_int_equal(decide(p, 0, 0.99, 0, 0.99, 0, &f), MS_ACTION_PUBLISH);
    /* stale category flags from an earlier decision are recomputed */
    assert_int_equal(decide(p, 1, 0.1, 1, 0.1, MS_FLAG_HOSTILITY | MS_FLAG_OFF_TOPIC, &f),
                     MS_ACTION_PUBLISH);
    assert_int_equal(f, 0);

    /* an override moves the line */
    ms_error err;
    assert_int_equal(ms_policy_override(p, "hostility=0.3", &err), MS_OK);
    assert_int_equal(decide(p, 1, 0.3, 0, 0, 0, NULL), MS_ACTION_REVIEW);
    ms_policy_free(p);
}

static void test_allowed_is_case_insensitive(void **state)
{
    (void)state;
    ms_policy *p = parse_ok("{\"allow\":[\"ÉCOLE\", \"damn\", \"Straße\"]}");
    assert_true(ms_policy_allowed(p, "école", strlen("école")));
    assert_true(ms_policy_allowed(p, "ÉCOLE", strlen("ÉCOLE")));
    assert_true(ms_policy_allowed(p, "E\xcc\x81" "cole", 8)); /* decomposed É */
    assert_true(ms_policy_allowed(p, "DAMN", 4));
    assert_true(ms_policy_allowed(p, "strasse", 7)); /* full case folding */
    assert_false(ms_policy_allowed(p, "ecole", 5));
    assert_false(ms_policy_allowed(p, "dam", 3));
    assert_false(ms_policy_allowed(p, "damned", 6));
    /* the word is pointer plus length, not NUL-terminated */
    assert_true(ms_policy_allowed(p, "damnation", 4));
    assert_false(ms_policy_allowed(p, "\xff\xfe", 2));
    ms_policy_free(p);
}

/* Categories are data: a category no policy names is flagged at 0.5 and
 * never acted on, so a policy written before it existed decides as before;
 * naming it turns it on. */
static void test_new_category_defaults(void **state)
{
    (void)state;
    ms_policy *p = parse_ok("{}");
    ms_thresholds th;
    assert_int_equal(ms_policy_thresholds(p, "insult", &th), MS_OK);
    assert_true(th.flag == 0.5);
    assert_true(th.review == MS_THRESHOLD_NEVER && th.reject == MS_THRESHOLD_NEVER);
    assert_int_equal(ms_policy_thresholds(p, "hostility", &th), MS_OK);
    assert_true(th.flag == 0.5 && th.review == 0.5 && th.reject == 0.85);
    assert_int_equal(ms_policy_category_count(p), 0);

    ms_category_score sc[2] = {{"hostility", 0.3, 1, NULL, 0}, {"insult", 0.97, 1, NULL, 0}};
    ms_result r;
    memset(&r, 0, sizeof r);
    r.scores = sc;
    r.n_scores = 2;
    assert_int_equal(ms_policy_decide(p, &r), MS_ACTION_PUBLISH);
    assert_false(sc[0].flagged);
    assert_true(sc[1].flagged);
    assert_int_equal(r.flags, MS_FLAG_OTHER);
    ms_policy_free(p);

    /* named: review alone brings the flag threshold with it; null is never;
     * reject alone brings review down to it */
    p = parse_ok("{\"thresholds\":{\"insult\":{\"review\":0.6},"
                 "\"threat\":{\"reject\":0.9},\"profanity\":{\"flag\":null}}}");
    assert_int_equal(ms_policy_thresholds(p, "insult", &th), MS_OK);
    assert_true(th.flag == 0.6 && th.review == 0.6 && th.reject == MS_THRESHOLD_NEVER);
    assert_int_equal(ms_policy_thresholds(p, "threat", &th), MS_OK);
    assert_true(th.flag == 0.9 && th.review == 0.9 && th.reject == 0.9);
    assert_int_equal(ms_policy_thresholds(p, "profanity", &th), MS_OK);
    assert_true(th.flag == MS_THRESHOLD_NEVER);
    assert_int_equal(ms_policy_category_count(p), 3);
    assert_string_equal(ms_policy_category(p, 0), "insult");
    assert_null(ms_policy_category(p, 3));
    sc[1].score = 0.65;
    r.flags = 0;
    assert_int_equal(ms_policy_decide(p, &r), MS_ACTION_REVIEW);
    assert_true(sc[1].flagged);
    ms_policy_free(p);

    /* overrides name new categories too */
    assert_int_equal(ms_policy_default(&p), MS_OK);
    ms_error err;
    assert_int_equal(ms_policy_override(p, "identity_attack.reject=0.8", &err), MS_OK);
    assert_int_equal(ms_policy_thresholds(p, "identity_attack", &th), MS_OK);
    assert_true(th.review == 0.8 && th.reject == 0.8 && th.flag == 0.5);
    assert_int_equal(ms_policy_override(p, "identity_attack.flag=0.9", &err), MS_ERR_ARG);
    assert_non_null(strstr(err.message, "above the review threshold"));
    assert_int_equal(ms_policy_override(p, "identity_attack=0.4", &err), MS_OK);
    assert_int_equal(ms_policy_thresholds(p, "identity_attack", &th), MS_OK);
    assert_true(th.review == 0.4 && th.flag == 0.4);
    assert_int_equal(ms_policy_thresholds(NULL, "x", &th), MS_ERR_ARG);
    ms_policy_free(p);
}

/* "language" (the site's) and "unread" (the action for text no model
 * reads; review unless the file says otherwise) */
static void test_language_and_unread(void **state)
{
    (void)state;
    ms_policy *p;
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_null(ms_policy_language(p));
    assert_int_equal(ms_policy_unread(p), MS_ACTION_REVIEW);
    ms_policy_free(p);
    const char *doc = "{\"language\":\"pt-BR\",\"unread\":\"publish\"}";
    ms_error e;
    assert_int_equal(ms_policy_parse(doc, strlen(doc), "t.json", &p, &e), MS_OK);
    assert_string_equal(ms_policy_language(p), "pt-BR");
    assert_int_equal(ms_policy_unread(p), MS_ACTION_PUBLISH);
    ms_policy_free(p);
    e = parse_bad("{\"unread\":\"ignore\"}", MS_ERR_POLICY);
    assert_string_equal(e.message, "unread: expected \"publish\", \"review\" or \"reject\"");
    e = parse_bad("{\"language\":\"d\"}", MS_ERR_POLICY);
    assert_string_equal(e.message, "language: expected a language code such as \"de\" or "
                                   "\"pt-BR\"");
    e = parse_bad("{\"language\":\"de;rm\"}", MS_ERR_POLICY);
    assert_int_equal(e.code, MS_ERR_POLICY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_language_and_unread),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_legacy_table),
        cmocka_unit_test(test_unknown_categories),
        cmocka_unit_test(test_scope_keys),
        cmocka_unit_test(test_default_values),
        cmocka_unit_test(test_shipped_policy_matches_default),
        cmocka_unit_test(test_fixture_file),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_error_syntax_has_position),
        cmocka_unit_test(test_error_range_has_position),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_empty_object_is_default),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_new_category_defaults),
        cmocka_unit_test(test_allowed_is_case_insensitive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

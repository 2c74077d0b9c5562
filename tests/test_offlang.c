/* test_offlang.c - a comment written in another language than its article
 * (src/offlang.c, and its score in src/scorer.c): on a site that
 * publishes in one language, a strong off-topic signal with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "card.h"
#include "offlang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DE_COMMENT "Ich finde das Wetter heute sehr sch\xc3\xb6n und gehe gleich mit dem Hund spazieren."
#define RU_COMMENT                                                                                 \
    "\xd0\xaf \xd0\xbb\xd1\x8e\xd0\xb1\xd0\xbb\xd1\x8e \xd0\xb3\xd1\x83\xd0\xbb\xd1\x8f\xd1\x82"     \
    "\xd1\x8c \xd0\xbf\xd0\xbe \xd0\xbf\xd0\xb0\xd1\x80\xd0\xba\xd1\x83 \xd1\x81 \xd1\x81\xd0\xbe"   \
    "\xd0\xb1\xd0\xb0\xd0\xba\xd0\xbe\xd0\xb9 \xd0\xba\xd0\xb0\xd0\xb6\xd0\xb4\xd0\xbe\xd0\xb5 "     \
    "\xd1\x83\xd1\x82\xd1\x80\xd0\xbe."

static ms_article en_article = {
    .title = "Council approves the new budget for the city's schools",
    .body = "The city council voted on Tuesday to raise the schools budget by four percent, "
            "after a long debate about teachers' pay and the cost of new buildings.",
};
static ms_article de_article = {
    .title = "Stadtrat beschlie\xc3\x9ft den neuen Haushalt f\xc3\xbcr die Schulen",
    .body = "Der Stadtrat hat am Dienstag beschlossen, das Budget der Schulen um vier Prozent "
            "zu erh\xc3\xb6hen, nach einer langen Debatte \xc3\xbc" "ber die Geh\xc3\xa4lter.",
};

/* A scorer over the shipped models with a policy made of doc. */
typedef struct site {
    ms_policy *policy;
    ms_scorer *scorer;
} site;

static void site_open(const scoring *s, const char *doc, site *out)
{
    ms_error err;
    assert_int_equal(ms_policy_parse(doc, strlen(doc), "t.json", &out->policy, &err), MS_OK);
    assert_int_equal(ms_scorer_new(s->models, out->policy, &out->scorer), MS_OK);
}

static void site_close(site *x)
{
    ms_scorer_free(x->scorer);
    ms_policy_free(x->policy);
}

static void score(const site *x, const char *text, ms_article *a, ms_result *r)
{
    ms_input in = {.text = text, .len = strlen(text), .article = a};
    assert_int_equal(ms_score(x->scorer, &in, r), MS_OK);
}

/* The off_topic reason that names the languages, or NULL. */
static const char *mismatch_detail(const ms_result *r)
{
    for (size_t i = 0; i < r->n_reasons; i++)
        if (strcmp(r->reasons[i].category, "off_topic") == 0 && r->reasons[i].detail &&
            strncmp(r->reasons[i].detail, "written in ", 11) == 0)
            return r->reasons[i].detail;
    return NULL;
}

/* The off-topic card's measured score for the signal. */
static double card_score(const scoring *s)
{
    ms_card card;
    ms_error err;
    assert_int_equal(ms_card_read(MS_MODELS_DIR "/off_topic/card.json", &card, &err), MS_OK);
    double p = card.mismatch_score;
    ms_card_clear(&card);
    (void)s;
    return p;
}

/* A German comment under an English article on an English site: off-topic
 * at the card's score (held for review by the default thresholds), with
 * the reason, though no off-topic model reads German. */
static void test_other_language_is_off_topic(void **state)
{
    scoring *s = *state;
    double p = card_score(s);
    assert_true(p > 0.7 && p < 0.95);
    site x;
    site_open(s, "{\"language\":\"en\"}", &x);
    ms_result r;
    score(&x, DE_COMMENT, &en_article, &r);
    assert_string_equal(r.language, "de");
    assert_true(r.has_off_topic);
    assert_true(r.off_topic >= p);
    assert_true(r.flags & MS_FLAG_OFF_TOPIC);
    assert_int_equal(r.action, MS_ACTION_REVIEW);
    assert_non_null(mismatch_detail(&r));
    assert_string_equal(mismatch_detail(&r), "written in German, the article is in English");
    assert_true(r.has_hostility); /* German's own models still scored it */
    assert_true(r.hostility < 0.5);
    ms_result_clear(&r);
    site_close(&x);
}

/* Text no model reads is still in another language than its article: the
 * signal needs no model of it (review either way; the score and reason
 * say why). */
static void test_unread_language_is_off_topic(void **state)
{
    scoring *s = *state;
    site x;
    site_open(s, "{\"language\":\"en\",\"unread\":\"publish\"}", &x);
    ms_result r;
    score(&x, RU_COMMENT, &en_article, &r);
    assert_true(r.notes & MS_NOTE_LANGUAGE);
    assert_false(r.has_hostility);
    assert_true(r.has_off_topic);
    assert_int_equal(r.action, MS_ACTION_REVIEW); /* not the site's "publish" */
    assert_string_equal(mismatch_detail(&r), "written in Russian, the article is in English");
    ms_result_clear(&r);
    site_close(&x);
}

/* Not a signal: a site that did not say it publishes in one language; an
 * article in the comment's language (detected, whatever the site's);
 * a comment partly in the article's language; English under English (the
 * off-topic model's own score); no article. */
static void test_same_language_or_no_site_language(void **state)
{
    scoring *s = *state;
    ms_result r;
    site any, en;
    site_open(s, "{}", &any);
    site_open(s, "{\"language\":\"en\"}", &en);
    score(&any, DE_COMMENT, &en_article, &r);
    assert_false(r.has_off_topic);
    assert_string_equal(r.off_topic_missing, "no off-topic model reads the comment's language");
    assert_null(mismatch_detail(&r));
    ms_result_clear(&r);
    /* German under a German article: no off-topic model reads German, and
     * the note says so */
    score(&en, DE_COMMENT, &de_article, &r);
    assert_false(r.has_off_topic);
    assert_string_equal(r.off_topic_missing, "no off-topic model reads the comment's language");
    assert_int_equal(r.action, MS_ACTION_PUBLISH);
    ms_result_clear(&r);
    score(&en, "The budget vote was long overdue, teachers have waited years for this. " DE_COMMENT,
          &en_article, &r);
    assert_null(mismatch_detail(&r));
    ms_result_clear(&r);
    score(&en, "The council should have spent more of the schools budget on teachers' pay.",
          &en_article, &r);
    assert_true(r.has_off_topic);
    assert_true(r.off_topic < 0.7);
    assert_null(mismatch_detail(&r));
    ms_result_clear(&r);
    score(&en, DE_COMMENT, NULL, &r);
    assert_false(r.has_off_topic);
    ms_result_clear(&r);
    site_close(&any);
    site_close(&en);
}

/* ms_offlang itself: the article's detection wins over the site's
 * language; the site's counts when the article is undecided; undecided
 * comments are never one. */
static void test_offlang_rule(void **state)
{
    (void)state;
    ms_language de, shortc;
    ms_language_detect(DE_COMMENT, strlen(DE_COMMENT), &de);
    ms_language_detect("ok danke", 8, &shortc);
    ms_input in = {.text = DE_COMMENT, .len = strlen(DE_COMMENT), .article = &en_article};
    char lang[8] = "";
    assert_true(ms_offlang(&in, &de, "en", lang));
    assert_string_equal(lang, "en");
    assert_true(ms_offlang(&in, &de, "de", lang)); /* the article is English */
    in.article = &de_article;
    assert_false(ms_offlang(&in, &de, "en", lang));
    ms_article terse = {.title = "Budget"};
    in.article = &terse;
    assert_true(ms_offlang(&in, &de, "en", lang));
    assert_string_equal(lang, "en");
    assert_false(ms_offlang(&in, &de, "de", lang));
    assert_false(ms_offlang(&in, &de, NULL, lang));
    in.article = &en_article;
    assert_false(ms_offlang(&in, &shortc, "en", lang));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_language_is_off_topic),
        cmocka_unit_test(test_unread_language_is_off_topic),
        cmocka_unit_test(test_same_language_or_no_site_language),
        cmocka_unit_test(test_offlang_rule),
    };
    return cmocka_run_group_tests(tests, scoring_setup, scoring_teardown);
}

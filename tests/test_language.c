/* test_language.c - language detection (src/language.c): what a comment is
 * written in, decisively or not, and which languages the models read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

static ms_language detect(const char *t)
{
    ms_language l;
    ms_language_detect(t, strlen(t), &l);
    return l;
}

static void test_english(void **state)
{
    (void)state;
    /* by its function words */
    ms_language l = detect("Thanks for writing this up, the section on the budget was clear.");
    assert_string_equal(l.code, "en");
    assert_true(l.decisive);
    /* by CLD2 (no common English word in it) */
    l = detect("Brilliant reporting, honestly the finest journalism around.");
    assert_string_equal(l.code, "en");
    assert_true(l.decisive);
}

static void test_other_languages(void **state)
{
    (void)state;
    static const struct {
        const char *text, *code;
    } cases[] = {
        {"Das ist doch kompletter Unsinn, lies den Artikel nochmal.", "de"},
        {"Gracias por el artículo, muy bien explicado, sigan así.", "es"},
        {"Le gouvernement devrait avoir honte de cette décision.", "fr"},
        {"Il governo dovrebbe vergognarsi di questa decisione.", "it"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ms_language l = detect(cases[i].text);
        assert_string_equal(l.code, cases[i].code);
        assert_true(l.decisive);
    }
}

/* short text is never decisive: it is scored, not refused */
static void test_short_is_undecided(void **state)
{
    (void)state;
    static const char *shorts[] = {"lol", "u r so dumb", "+1", "Ah. Fuck 'em then.",
                                   "My god Deandre jordan", "Mir fehlen die Worte."};
    for (size_t i = 0; i < sizeof shorts / sizeof *shorts; i++)
        assert_false(detect(shorts[i]).decisive);
    assert_false(detect("").decisive);
    assert_string_equal(detect("").code, "un");
}

/* @names and links are no language: they leave too little to decide on */
static void test_names_and_links_left_out(void **state)
{
    (void)state;
    ms_language l = detect("@anonymous_kaothic_gutierrez https://example.com/haciendo-amigos ok");
    assert_false(l.decisive);
    assert_false(detect("\xff\xfe invalid UTF-8 with enough letters to be judged otherwise").decisive);
}

static void test_models_read_english(void **state)
{
    scoring *s = *state;
    assert_true(ms_models_read_language(s->models, "en"));
    assert_true(ms_models_read_language(s->models, "en-GB"));
    assert_true(ms_models_read_language(s->models, "EN_us"));
    assert_false(ms_models_read_language(s->models, "ru"));
    assert_false(ms_models_read_language(s->models, "eng"));
    assert_false(ms_models_read_language(s->models, ""));
}

/* the languages shipped beside English (issue 21): each has its own
 * hostility model, and only the attributes its data labels */
static void test_models_read_shipped_languages(void **state)
{
    scoring *s = *state;
    static const char *langs[] = {"de", "es", "pt", "fr", "ar", "tr", "pl", "da", "el", "hi"};
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
        int hostility = 0, threat = 0;
        for (size_t k = 0; k < ms_models_category_count(s->models); k++) {
            const ms_category_info *ci = ms_models_category_info(s->models, k);
            if (strcmp(ci->language, langs[i]) != 0)
                continue;
            hostility |= strcmp(ci->name, "hostility") == 0;
            threat |= strcmp(ci->name, "threat") == 0;
        }
        assert_true(ms_models_read_language(s->models, langs[i]));
        assert_true(hostility);
        assert_false(threat); /* no language's data labels threats */
    }
    /* the first level's (English) models keep their places: a language's
     * models come after them */
    assert_int_equal(ms_models_category_find(s->models, "hostility"), MS_CAT_HOSTILITY);
    assert_string_equal(ms_models_category_info(s->models, MS_CAT_HOSTILITY)->language, "en");
}

/* A German and a Spanish comment are scored by their language's models
 * (and only by them): no English model's score, no English sentiment. */
static void test_scored_by_own_language(void **state)
{
    scoring *s = *state;
    static const struct {
        const char *text, *lang;
    } cases[] = {
        {"Du bist ein Idiot und hast keine Ahnung, lies den Artikel nochmal.", "de"},
        {"Eres un idiota y un imb\xc3\xa9" "cil, no tienes ni idea de nada, c\xc3\xa1llate ya.",
         "es"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        ms_input in = {.text = cases[c].text, .len = strlen(cases[c].text)};
        ms_result r;
        assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
        assert_string_equal(r.language, cases[c].lang);
        assert_false(r.notes & (MS_NOTE_LANGUAGE | MS_NOTE_LANGUAGE_PART));
        assert_true(r.has_hostility);
        assert_true(r.hostility > 0.5);
        assert_int_equal(r.action, MS_ACTION_REJECT);
        /* VADER is English: no sentiment number, and the note says so */
        assert_true(isnan(r.sentiment));
        assert_true(r.notes & MS_NOTE_NO_SENTIMENT);
        size_t scored = 0;
        for (size_t i = 0; i < r.n_scores; i++) {
            if (!r.scores[i].category)
                continue;
            scored++;
            assert_string_equal(ms_models_category_info(s->models, i)->language, cases[c].lang);
        }
        assert_int_equal(scored, 4); /* hostility, insult, profanity, identity_attack */
        assert_false(r.has_off_topic); /* the off-topic model is English's */
        assert_string_equal(r.off_topic_missing, "no off-topic model reads the comment's language");
        ms_result_clear(&r);
    }
}

/* the scorer leaves text in a language no model reads unscored, with a note
 * and the policy's action for unread text (review) */
static void test_scorer_leaves_it_unscored(void **state)
{
    scoring *s = *state;
    const char *t = "\xd0\xad\xd1\x82\xd0\xbe \xd0\xbf\xd0\xbe\xd0\xbb\xd0\xbd\xd0\xb0\xd1\x8f \xd1\x87\xd0\xb5\xd0\xbf\xd1\x83\xd1\x85\xd0\xb0, \xd0\xbf\xd1\x80\xd0\xbe\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xb9 \xd1\x81\xd1\x82\xd0\xb0\xd1\x82\xd1\x8c\xd1\x8e \xd0\xb5\xd1\x89\xd1\x91 \xd1\x80\xd0\xb0\xd0\xb7.";
    ms_input in = {.text = t, .len = strlen(t)};
    ms_result r;
    assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
    assert_true(r.notes & MS_NOTE_LANGUAGE);
    assert_string_equal(r.language, "ru");
    assert_false(r.has_hostility);
    assert_int_equal(r.action, MS_ACTION_REVIEW);
    ms_result_clear(&r);
    /* declared English (as Coral declares every comment of an English
     * site), decisively Russian: Russian it is, and said so (issue 26) */
    in.language = "en";
    assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
    assert_true(r.notes & MS_NOTE_LANGUAGE);
    assert_true(r.notes & MS_NOTE_LANGUAGE_DETECTED);
    assert_string_equal(r.declared, "en");
    assert_string_equal(r.language, "ru");
    assert_false(r.has_hostility);
    assert_int_equal(r.action, MS_ACTION_REVIEW);
    ms_result_clear(&r);
    /* declared English, too short to detect: scored as declared */
    const char *short_en = "u r so dumb";
    ms_input in2 = {.text = short_en, .len = strlen(short_en), .language = "en"};
    assert_int_equal(ms_score(s->scorer, &in2, &r), MS_OK);
    assert_false(r.notes & (MS_NOTE_LANGUAGE | MS_NOTE_LANGUAGE_DETECTED));
    assert_true(r.has_hostility);
    ms_result_clear(&r);
}

/* The policy's "language" is a site's declared language, and its "unread"
 * action is what text no model reads gets. */
static void test_site_language_and_unread(void **state)
{
    scoring *s = *state;
    const char *doc = "{\"language\":\"sv\",\"unread\":\"publish\"}";
    ms_policy *p;
    ms_scorer *sc;
    ms_error err;
    assert_int_equal(ms_policy_parse(doc, strlen(doc), "t.json", &p, &err), MS_OK);
    assert_int_equal(ms_scorer_new(s->models, p, &sc), MS_OK);
    const char *t = "u r so dumb"; /* undecided: the site's language, Swedish */
    ms_input in = {.text = t, .len = strlen(t)};
    ms_result r;
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true(r.notes & MS_NOTE_LANGUAGE);
    assert_string_equal(r.language, "sv");
    assert_int_equal(r.action, MS_ACTION_PUBLISH);
    ms_result_clear(&r);
    const char *en = "Thanks for writing this up, the section on the budget was clear.";
    in.text = en, in.len = strlen(en); /* decisively English: scored as English */
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true(r.notes & MS_NOTE_LANGUAGE_DETECTED);
    assert_true(r.has_hostility);
    ms_result_clear(&r);
    ms_scorer_free(sc);
    ms_policy_free(p);
}

/* Languages' names for notes. */
static void test_language_names(void **state)
{
    (void)state;
    assert_string_equal(ms_language_name("de"), "German");
    assert_string_equal(ms_language_name("pt-BR"), "Portuguese");
    assert_string_equal(ms_language_name("ZH"), "Chinese");
    assert_null(ms_language_name("xx"));
    assert_null(ms_language_name("deu"));
    assert_null(ms_language_name(""));
}

/* Abuse padded with a sentence in another language (issue 23): every part
 * a loaded model reads is scored, the note names what was not read. */
static void test_padding_is_scored(void **state)
{
    scoring *s = *state;
    const char *t = "You are a worthless idiot and a moron, go kill yourself. "
                    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, "
                    "\xd0\xba\xd0\xb0\xd0\xba \xd0\xb4\xd0\xb5\xd0\xbb\xd0\xb0? "
                    "\xd0\x92\xd1\x81\xd0\xb5 \xd1\x85\xd0\xbe\xd1\x80\xd0\xbe"
                    "\xd1\x88\xd0\xbe.";
    ms_input in = {.text = t, .len = strlen(t)};
    ms_result r;
    assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
    assert_false(r.notes & MS_NOTE_LANGUAGE);
    assert_true(r.notes & MS_NOTE_LANGUAGE_PART);
    assert_string_equal(r.unread, "ru");
    assert_true(r.has_hostility);
    assert_int_equal(r.action, MS_ACTION_REJECT);
    ms_result_clear(&r);
}

/* The whole comment is looked at, not its first 4,096 bytes: English after
 * 5,000 bytes of German is seen (tests/data/lang/long_de_then_en.txt). */
static void test_whole_comment_detected(void **state)
{
    (void)state;
    FILE *f = fopen(MS_TEST_DATA "/lang/long_de_then_en.txt", "rb");
    assert_non_null(f);
    char *t = malloc(16384);
    assert_non_null(t);
    size_t n = fread(t, 1, 16384, f);
    fclose(f);
    assert_true(n > 6000);
    ms_language l;
    ms_language_detect(t, n, &l);
    int en_part = 0, de_part = 0;
    for (size_t i = 0; i < l.n_parts; i++) {
        en_part |= strcmp(l.parts[i].code, "en") == 0;
        de_part |= strcmp(l.parts[i].code, "de") == 0;
    }
    assert_true(en_part);
    assert_true(de_part);
    free(t);
}

/* A models directory in dir (mkdtemp'd) with the shipped lexicons and
 * hostility model, and a copy of it as a German model in de/hostility. */
static void german_copy(char *dir)
{
    assert_non_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; ln -s %s/lexicons lexicons; ln -s %s/hostility hostility; "
             "mkdir -p de/hostility; cp %s/hostility/model.svm %s/hostility/idf.bin "
             "de/hostility/; sed 's/\"language\": \"en\"/\"language\": \"de\"/' "
             "%s/hostility/card.json > de/hostility/card.json",
             dir, MS_MODELS_DIR, MS_MODELS_DIR, MS_MODELS_DIR, MS_MODELS_DIR, MS_MODELS_DIR);
    assert_int_equal(system(cmd), 0);
}

/* german_copy(dir), loaded. */
static ms_models *german_models(char *dir)
{
    german_copy(dir);
    ms_models *m = NULL;
    ms_error err;
    assert_int_equal(ms_models_load(dir, &m, &err), MS_OK);
    return m;
}

static void remove_dir(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* A language's models in DIR/<lang>/<category> (README "How it is built"):
 * found beside the first level's, and each comment scored by the models
 * of its own language only. The German model here is a copy of the English
 * hostility model whose card says "de". */
static void test_language_directories(void **state)
{
    (void)state;
    char dir[] = "/tmp/ms_lang_XXXXXX";
    ms_models *m = german_models(dir);
    ms_policy *p;
    ms_scorer *sc;
    assert_int_equal(ms_models_category_count(m), 2);
    assert_string_equal(ms_models_category_info(m, 0)->language, "en");
    assert_string_equal(ms_models_category_info(m, 1)->language, "de");
    assert_int_equal(ms_models_category_find(m, "hostility"), 0);
    assert_true(ms_models_read_language(m, "de"));
    /* both exist; each is mapped by the first comment that needs it */
    assert_false(ms_models_category_mapped(m, 0));
    assert_false(ms_models_category_mapped(m, 1));
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_scorer_new(m, p, &sc), MS_OK);

    const char *de = "Du bist ein Idiot und hast keine Ahnung, lies den Artikel nochmal.";
    ms_input in = {.text = de, .len = strlen(de)};
    ms_result r;
    const char *en0 = "Thanks for writing this up, the section on the budget was clear.";
    ms_input in_en = {.text = en0, .len = strlen(en0)};
    assert_int_equal(ms_score(sc, &in_en, &r), MS_OK);
    ms_result_clear(&r);
    assert_true(ms_models_category_mapped(m, 0));
    assert_false(ms_models_category_mapped(m, 1)); /* English comments never map it */
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true(ms_models_category_mapped(m, 1));
    assert_null(ms_models_map_error(m, 1));
    assert_string_equal(r.language, "de");
    assert_false(r.notes & (MS_NOTE_LANGUAGE | MS_NOTE_LANGUAGE_PART));
    assert_int_equal(r.n_scores, 2);
    assert_null(r.scores[0].category); /* the English model: not this language's */
    assert_true(r.scores[1].has_score);
    assert_true(r.has_hostility);
    assert_true(r.hostility == r.scores[1].score);
    ms_result_clear(&r);

    const char *en = "Thanks for writing this up, the section on the budget was clear.";
    in.text = en, in.len = strlen(en);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true(r.scores[0].has_score);
    assert_null(r.scores[1].category);
    ms_result_clear(&r);

    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
    remove_dir(dir);
}

/* A comment in two languages both read (German and English models, here
 * copies of one another): both are scored, and each category is reported
 * once, with the higher score, which is the one the policy acted on. */
static void test_two_languages_one_score(void **state)
{
    (void)state;
    char dir[] = "/tmp/ms_lang_XXXXXX";
    german_copy(dir);
    ms_models *m;
    ms_policy *p;
    ms_scorer *sc;
    ms_error err;
    assert_int_equal(ms_models_load(dir, &m, &err), MS_OK);
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_scorer_new(m, p, &sc), MS_OK);
    FILE *f = fopen(MS_TEST_DATA "/lang/long_de_then_en.txt", "rb");
    assert_non_null(f);
    char *t = malloc(16384);
    assert_non_null(t);
    size_t n = fread(t, 1, 16384, f);
    fclose(f);
    ms_input in = {.text = t, .len = n};
    ms_result r;
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_int_equal(r.n_scores, 2);
    assert_true((r.scores[0].category != NULL) + (r.scores[1].category != NULL) == 1);
    const ms_category_score *kept = r.scores[0].category ? &r.scores[0] : &r.scores[1];
    assert_true(kept->has_score);
    assert_true(r.hostility == kept->score);
    ms_result_clear(&r);
    free(t);
    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
    remove_dir(dir);
}

/* The models in dir are refused: the load fails naming source (a card)
 * at line 1, and leaves nothing; dir is removed. */
static void assert_load_refused(const char *dir, const char *source)
{
    ms_models *m = NULL;
    ms_error err = {0};
    assert_int_equal(ms_models_load(dir, &m, &err), MS_ERR_MODEL);
    assert_null(m);
    assert_non_null(strstr(err.source, source));
    assert_int_equal(err.line, 1);
    remove_dir(dir);
}

/* The default language's hostility model is required: a language's
 * (de/hostility) does not stand in for a broken DIR/hostility (the set
 * loaded without English when its card was passed over). */
static void test_default_hostility_required(void **state)
{
    (void)state;
    char dir[] = "/tmp/ms_lang_XXXXXX";
    german_copy(dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; rm hostility; mkdir hostility; "
             "printf '{\"format\": 1, \"task\": \"hostility\", ' > hostility/card.json",
             dir);
    assert_int_equal(system(cmd), 0);
    assert_load_refused(dir, "/hostility/card.json");
}

/* A language's model damaged after loading: its first comment gets the
 * mapping's error (and every later one), English comments are unaffected. */
static void test_language_model_damaged(void **state)
{
    (void)state;
    char dir[] = "/tmp/ms_lang_XXXXXX";
    ms_models *m = german_models(dir);
    ms_policy *p;
    ms_scorer *sc;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "printf 'damaged' > %s/de/hostility/model.svm", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_scorer_new(m, p, &sc), MS_OK);
    const char *de = "Du bist ein Idiot und hast keine Ahnung, lies den Artikel nochmal.";
    ms_input in = {.text = de, .len = strlen(de)};
    ms_result r;
    assert_int_equal(ms_score(sc, &in, &r), MS_ERR_MODEL);
    assert_non_null(ms_models_map_error(m, 1));
    assert_non_null(strstr(ms_models_map_error(m, 1)->source, "de/hostility"));
    assert_int_equal(ms_score(sc, &in, &r), MS_ERR_MODEL);
    const char *en = "Thanks for writing this up, the section on the budget was clear.";
    in.text = en, in.len = strlen(en);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    ms_result_clear(&r);
    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
    remove_dir(dir);
}

/* A language's card that is there but broken (truncated by a failed copy,
 * say) refuses the load and names the card: skipped, it left that
 * language's comments unscored without a word. A directory without a card
 * (lexicons/) is still not a category. */
static void test_language_card_broken(void **state)
{
    (void)state;
    char dir[] = "/tmp/ms_lang_XXXXXX";
    german_copy(dir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "printf '{\"category\": \"hostil' > %s/de/hostility/card.json", dir);
    assert_int_equal(system(cmd), 0);
    assert_load_refused(dir, "de/hostility/card.json");
}

/* A language's models whose lexicon block reads its own list
 * (models/lexicons/pt/profanity.txt) refuse to load with a list other than
 * the one they were trained with, naming it: the list is part of what the
 * model learned. With the list back, they load. */
static void test_language_list_changed(void **state)
{
    (void)state;
    char dir[] = "/tmp/ms_lang_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; ln -s %s/hostility hostility; mkdir lexicons pt; "
             "ln -s %s/lexicons/* lexicons/; rm lexicons/pt; mkdir lexicons/pt; "
             "cp %s/lexicons/pt/profanity.txt lexicons/pt/; echo babaca >> lexicons/pt/profanity.txt; "
             "ln -s %s/pt/hostility pt/hostility",
             dir, MS_MODELS_DIR, MS_MODELS_DIR, MS_MODELS_DIR, MS_MODELS_DIR);
    assert_int_equal(system(cmd), 0);
    ms_models *m = NULL;
    ms_error err = {0};
    assert_int_equal(ms_models_load(dir, &m, &err), MS_ERR_MODEL);
    assert_null(m);
    assert_non_null(strstr(err.source, "lexicons/pt"));
    assert_non_null(strstr(err.message, "trained with"));
    snprintf(cmd, sizeof cmd, "cp %s/lexicons/pt/profanity.txt %s/lexicons/pt/", MS_MODELS_DIR,
             dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ms_models_load(dir, &m, &err), MS_OK);
    ms_models_free(m);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_other_languages),
        cmocka_unit_test(test_short_is_undecided),
        cmocka_unit_test(test_names_and_links_left_out),
        cmocka_unit_test(test_models_read_english),
        cmocka_unit_test(test_models_read_shipped_languages),
        cmocka_unit_test(test_scored_by_own_language),
        cmocka_unit_test(test_scorer_leaves_it_unscored),
        cmocka_unit_test(test_padding_is_scored),
        cmocka_unit_test(test_site_language_and_unread),
        cmocka_unit_test(test_language_names),
        cmocka_unit_test(test_whole_comment_detected),
        cmocka_unit_test(test_language_directories),
        cmocka_unit_test(test_two_languages_one_score),
        cmocka_unit_test(test_default_hostility_required),
        cmocka_unit_test(test_language_model_damaged),
        cmocka_unit_test(test_language_card_broken),
        cmocka_unit_test(test_language_list_changed),
    };
    return cmocka_run_group_tests(tests, scoring_setup, scoring_teardown);
}

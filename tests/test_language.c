/* test_language.c - language detection (src/language.c): what a comment is
 * written in, decisively or not, and which languages the models read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

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
    assert_false(ms_models_read_language(s->models, "de"));
    assert_false(ms_models_read_language(s->models, "eng"));
    assert_false(ms_models_read_language(s->models, ""));
}

/* the scorer leaves text in another language unscored, with a note */
static void test_scorer_leaves_it_unscored(void **state)
{
    scoring *s = *state;
    const char *t = "Du bist ein Idiot und hast keine Ahnung, lies den Artikel nochmal.";
    ms_input in = {.text = t, .len = strlen(t)};
    ms_result r;
    assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
    assert_true(r.notes & MS_NOTE_LANGUAGE);
    assert_string_equal(r.language, "de");
    assert_false(r.has_hostility);
    assert_int_equal(r.action, MS_ACTION_PUBLISH);
    ms_result_clear(&r);
    /* the caller's language wins over detection */
    in.language = "en";
    assert_int_equal(ms_score(s->scorer, &in, &r), MS_OK);
    assert_false(r.notes & MS_NOTE_LANGUAGE);
    assert_true(r.has_hostility);
    ms_result_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_other_languages),
        cmocka_unit_test(test_short_is_undecided),
        cmocka_unit_test(test_names_and_links_left_out),
        cmocka_unit_test(test_models_read_english),
        cmocka_unit_test(test_scorer_leaves_it_unscored),
    };
    return cmocka_run_group_tests(tests, scoring_setup, scoring_teardown);
}

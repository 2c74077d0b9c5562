/* test_normalise.c - folding and spans: what the features and the reasons
 * rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "normalise.h"

static ms_lexicon *lexicon;

/* Tokenises s under the fold rules in rules and returns the folded tokens
 * joined by '|'. */
static const char *fold_with(const char *s, unsigned rules, ms_tokens *t, unsigned *notes)
{
    static char out[1024];
    *notes = 0;
    assert_int_equal(ms_tokenize_fold(s, strlen(s), lexicon, rules, t, notes), MS_OK);
    size_t o = 0;
    for (size_t i = 0; i < t->n; i++) {
        const char *w = ms_token_text(t, i);
        size_t n = t->tok[i].fold_len;
        if (i)
            out[o++] = '|';
        memcpy(out + o, w, n);
        o += n;
    }
    out[o] = '\0';
    return out;
}

/* Tokenises s with the default folding. */
static const char *fold(const char *s, ms_tokens *t, unsigned *notes)
{
    return fold_with(s, 0, t, notes);
}

static void test_case_and_nfkc(void **state)
{
    (void)state;
    ms_tokens t = {0};
    unsigned notes;
    assert_string_equal(fold("Hello WORLD, naïve Café!", &t, &notes), "hello|world|naive|cafe");
    /* fullwidth and mathematical letters are NFKC-folded */
    assert_string_equal(fold("\xef\xbd\x89\xef\xbd\x84\xef\xbd\x89\xef\xbd\x8f\xef\xbd\x94", &t, &notes),
                        "idiot");
    assert_true(t.tok[0].start == 0 && t.tok[0].end == 15);
    ms_tokens_free(&t);
}

static void test_obfuscation(void **state)
{
    (void)state;
    ms_tokens t = {0};
    unsigned notes;
    assert_string_equal(fold("you f*ck off", &t, &notes), "you|fuck|off");
    assert_true(t.tok[1].flags & MS_TOK_OBFUSCATED);
    assert_string_equal(fold("sh1t and a$$", &t, &notes), "shit|and|ass");
    assert_string_equal(fold("stuuuupid", &t, &notes), "stupid");
    /* digits in ordinary words stay: "mp3" is not a disguise */
    assert_string_equal(fold("mp3 b4", &t, &notes), "mp3|b4");
    assert_string_equal(fold("i d i o t", &t, &notes), "idiot");
    assert_int_equal(t.tok[0].start, 0);
    assert_int_equal(t.tok[0].end, 9);
    assert_string_equal(fold("s.t.u.p.i.d!", &t, &notes), "stupid");
    /* three letters join only into a known word: text-speak stays words */
    assert_string_equal(fold("a s s", &t, &notes), "ass");
    assert_string_equal(fold("u r a moron", &t, &notes), "u|r|a|moron");
    /* zero-width joiner inside a word is dropped; Cyrillic o in a Latin word */
    assert_string_equal(fold("id\xe2\x80\x8diot m\xd0\xberon", &t, &notes), "idiot|moron");
    assert_int_equal(t.tok[1].end, strlen("id\xe2\x80\x8diot m\xd0\xberon"));
    /* plain Russian stays Russian */
    assert_string_equal(fold("\xd0\xbe\xd0\xbd", &t, &notes), "\xd0\xbe\xd0\xbd");
    ms_tokens_free(&t);
}

static void test_spans_point_into_original(void **state)
{
    (void)state;
    ms_tokens t = {0};
    unsigned notes;
    const char *s = "Ok, “Plan B” was STUPID!!";
    fold(s, &t, &notes);
    assert_int_equal(t.n, 5);
    assert_memory_equal(s + t.tok[4].start, "STUPID", 6);
    assert_int_equal(t.tok[4].end - t.tok[4].start, 6);
    assert_true(t.tok[4].flags & MS_TOK_UPPER);
    assert_true(t.tok[2].flags & MS_TOK_CAPITALISED);
    assert_int_equal(t.exclaims, 2);
    ms_tokens_free(&t);
}

static void test_invalid_utf8_and_links(void **state)
{
    (void)state;
    ms_tokens t = {0};
    unsigned notes;
    assert_string_equal(fold("bad \xff\xfe bytes", &t, &notes), "bad|bytes");
    assert_true(notes & MS_NOTE_INVALID_UTF8);
    assert_string_equal(fold("watch here: https://x.example/v?id=1 now", &t, &notes),
                        "watch|here|<url>|now");
    assert_true(t.tok[2].flags & MS_TOK_URL);
    assert_string_equal(fold("", &t, &notes), "");
    assert_int_equal(t.n, 0);
    ms_tokens_free(&t);
}

static void test_huge_token(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, 'a', n);
    s[n] = '\0';
    ms_tokens t = {0};
    unsigned notes = 0;
    assert_int_equal(ms_tokenize(s, n, NULL, &t, &notes), MS_OK);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.tok[0].end, n);
    free(s);
    ms_tokens_free(&t);
}

/* A language's fold rules keep apart what the default folding merges. */
static void test_language_fold_rules(void **state)
{
    (void)state;
    ms_tokens t = {0};
    unsigned notes;
    /* German: schön (beautiful) is not schon (already); ß as ss either way */
    assert_string_equal(fold("Schön, schon, Straße", &t, &notes), "schon|schon|strasse");
    assert_string_equal(fold_with("Schön, schon, Straße, ÜBEL", MS_FOLD_UMLAUT_E, &t, &notes),
                        "schoen|schon|strasse|uebel");
    /* Spanish: año (year) is not ano (anus); other accents still go */
    assert_string_equal(fold_with("Año, ano, Más", MS_FOLD_ENYE, &t, &notes),
                        "an\xcc\x83o|ano|mas");
    /* Turkish: I is the capital of ı, İ of i (ISIK = ışık, İSİM = isim) */
    assert_string_equal(fold("ISIK İSİM", &t, &notes), "isik|isim");
    assert_string_equal(fold_with("ISIK İSİM ılık", MS_FOLD_DOTLESS_I, &t, &notes),
                        "\xc4\xb1s\xc4\xb1k|isim|\xc4\xb1l\xc4\xb1k");
    /* Greek: final sigma is case folding's; tonos goes */
    assert_string_equal(fold("ΛΌΓΟΣ λόγος", &t, &notes),
                        "\xce\xbb\xce\xbf\xce\xb3\xce\xbf\xcf\x83|"
                        "\xce\xbb\xce\xbf\xce\xb3\xce\xbf\xcf\x83");
    /* Arabic: hamza forms of alef, harakat, tatweel, alef maksura, teh marbuta */
    assert_string_equal(fold_with("أحمد إلى كَلْـــب مدرسة", MS_FOLD_ARABIC, &t, &notes),
                        "\xd8\xa7\xd8\xad\xd9\x85\xd8\xaf|"
                        "\xd8\xa7\xd9\x84\xd9\x8a|"
                        "\xd9\x83\xd9\x84\xd8\xa8|"
                        "\xd9\x85\xd8\xaf\xd8\xb1\xd8\xb3\xd9\x87");
    /* Devanagari: the default folding strips the vowel signs (रंडी -> रड, a
     * consonant skeleton many words share); the rule keeps them (the nukta
     * goes) */
    assert_string_equal(fold("\xe0\xa4\xb0\xe0\xa4\x82\xe0\xa4\xa1\xe0\xa5\x80", &t,
                             &notes), "\xe0\xa4\xb0\xe0\xa4\xa1");
    assert_string_equal(fold_with("\xe0\xa4\xb0\xe0\xa4\x82\xe0\xa4\xa1\xe0\xa5\x80 "
                                  "\xe0\xa4\x9c\xe0\xa4\xbc",
                                  MS_FOLD_DEVANAGARI, &t, &notes),
                        "\xe0\xa4\xb0\xe0\xa4\x82\xe0\xa4\xa1\xe0\xa5\x80|"
                        "\xe0\xa4\x9c");
    assert_int_equal(t.n, 2);
    assert_int_equal(t.tok[0].start, 0);
    assert_int_equal(t.tok[0].end, 12);
    /* romanised Hindi: one word however its vowels are doubled; spans cover
     * the letters merged */
    assert_string_equal(fold_with("Chootiya chutiya BEHEEN", MS_FOLD_ROMAN_VOWELS, &t, &notes),
                        "chutiya|chutiya|behin");
    assert_int_equal(t.tok[0].end, 8);
    ms_tokens_free(&t);
}

static void test_fold_names(void **state)
{
    (void)state;
    for (unsigned bit = 1; bit <= MS_FOLD_ALL; bit <<= 1) {
        const char *name = ms_fold_name(bit);
        assert_non_null(name);
        assert_int_equal(ms_fold_parse(name, strlen(name)), bit);
    }
    assert_null(ms_fold_name(MS_FOLD_ALL + 1));
    assert_int_equal(ms_fold_parse("umlaut", 6), 0);
    assert_int_equal(ms_fold_parse("umlaut_e,", 9), 0);
}

static int setup(void **state)
{
    (void)state;
    return ms_lexicon_load(MS_MODELS_DIR "/lexicons", &lexicon, NULL) == MS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ms_lexicon_free(lexicon);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_and_nfkc),
        cmocka_unit_test(test_obfuscation),
        cmocka_unit_test(test_spans_point_into_original),
        cmocka_unit_test(test_invalid_utf8_and_links),
        cmocka_unit_test(test_huge_token),
        cmocka_unit_test(test_language_fold_rules),
        cmocka_unit_test(test_fold_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

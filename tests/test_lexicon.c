/* test_lexicon.c - loading the shipped word lists and looking words up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "lexicon.h"
#include "termset.h"
#include "util.h"

#define LEX_DIR MS_MODELS_DIR "/lexicons"
#define FIX(name) MS_TEST_DATA "/lexicon/" name

#define S(lit) lit, sizeof(lit) - 1

static void test_vader_values(void **state)
{
    const ms_lexicon *lx = *state;
    double v = 0;
    assert_true(ms_lexicon_vader(lx, S("good"), &v));
    assert_true(v == 1.9);
    assert_true(ms_lexicon_vader(lx, S("horrible"), &v));
    assert_true(v == -2.5);
    assert_true(ms_lexicon_vader(lx, S("sux"), &v));
    assert_true(v == -1.5);
    assert_true(ms_lexicon_vader(lx, S(":)"), &v));
    assert_true(v == 2.0);
    assert_true(ms_lexicon_vader(lx, S(":d"), &v));
    assert_true(v == 2.3);
    /* kept as written: the upper-case entry exists, lookups are folded */
    assert_true(ms_lexicon_vader(lx, S(":D"), &v));
    /* the first entry and the last line (no blank line after it) */
    assert_true(ms_lexicon_vader(lx, S("$:"), &v));
    assert_true(v == -1.5);
    /* a prefix of a word is not the word */
    assert_false(ms_lexicon_vader(lx, S("goo"), &v));
    /* AFINN-only word */
    assert_false(ms_lexicon_vader(lx, S("best damn"), &v));
}

static void test_afinn_values(void **state)
{
    const ms_lexicon *lx = *state;
    double v = 0;
    assert_true(ms_lexicon_afinn(lx, S("abandon"), &v));
    assert_true(v == -2);
    assert_true(ms_lexicon_afinn(lx, S("breathtaking"), &v));
    assert_true(v == 5);
    assert_true(ms_lexicon_afinn(lx, S("can't stand"), &v));
    assert_true(v == -3);
    assert_true(ms_lexicon_afinn(lx, S("na\xc3\xafve"), &v)); /* naïve */
    assert_true(v == -2);
    assert_false(ms_lexicon_afinn(lx, S("can't"), &v));
}

static void test_term_lists(void **state)
{
    const ms_lexicon *lx = *state;
    assert_true(ms_lexicon_insult(lx, S("idiot")));
    assert_true(ms_lexicon_insult(lx, S("morons")));
    assert_true(ms_lexicon_insult(lx, S("scumbag")));
    assert_false(ms_lexicon_insult(lx, S("kitten")));
    assert_false(ms_lexicon_insult(lx, S("# insults.txt - English personal-attack words common in comment threads.")));
    assert_true(ms_lexicon_profane(lx, S("asshole")));
    assert_true(ms_lexicon_profane(lx, S("2 girls 1 cup"))); /* phrases are whole lines */
    assert_false(ms_lexicon_profane(lx, S("idiot")));
    assert_false(ms_lexicon_insult(lx, S("asshole")));
}

static void test_known_is_any_list(void **state)
{
    const ms_lexicon *lx = *state;
    assert_true(ms_lexicon_known(lx, S("stupid")));    /* insult and VADER */
    assert_true(ms_lexicon_known(lx, S("shit")));      /* profanity */
    assert_true(ms_lexicon_known(lx, S("can't stand"))); /* AFINN phrase */
    assert_true(ms_lexicon_known(lx, S("nitwit")));    /* insult only */
    assert_false(ms_lexicon_known(lx, S("the")));
    assert_false(ms_lexicon_known(lx, S("")));
    assert_false(ms_lexicon_known(lx, S("zzzzqqq")));
    assert_false(ms_lexicon_known(NULL, S("good")));
}

static void test_unknown_word_writes_nothing(void **state)
{
    const ms_lexicon *lx = *state;
    double v = 42;
    assert_false(ms_lexicon_vader(lx, S("notaword"), &v));
    assert_false(ms_lexicon_afinn(lx, S("notaword"), &v));
    assert_true(v == 42);
    /* a word is its bytes: no NUL termination is assumed */
    assert_true(ms_lexicon_vader(lx, "goodbye", 4, &v));
    assert_true(v == 1.9);
}

static void test_hash_is_stable_and_content_based(void **state)
{
    const ms_lexicon *lx = *state;
    ms_lexicon *again = NULL, *mini = NULL;
    assert_int_equal(ms_lexicon_load(LEX_DIR, &again, NULL), MS_OK);
    assert_int_equal(ms_lexicon_load(FIX("mini"), &mini, NULL), MS_OK);
    assert_true(ms_lexicon_hash(lx) != 0);
    assert_true(ms_lexicon_hash(lx) == ms_lexicon_hash(again));
    assert_true(ms_lexicon_hash(lx) != ms_lexicon_hash(mini));
    assert_true(ms_lexicon_hash(NULL) == 0);
    ms_lexicon_free(again);
    ms_lexicon_free(mini);
    /* the value the shipped cards record (computed at load before it was
     * made lazy): the same lists give the same hash */
    char *card = NULL;
    size_t n;
    assert_int_equal(ms_read_file(MS_MODELS_DIR "/hostility/card.json", 1u << 20, &card, &n,
                                  NULL), MS_OK);
    char hex[17];
    ms_hex64(ms_lexicon_hash(lx), hex);
    char want[64];
    snprintf(want, sizeof want, "\"lexicon_hash\": \"%s\"", hex);
    assert_non_null(strstr(card, want));
    free(card);
}

static void test_non_vader_lists_are_folded(void **state)
{
    (void)state;
    ms_lexicon *lx = NULL;
    ms_error err;
    assert_int_equal(ms_lexicon_load(FIX("mini"), &lx, &err), MS_OK);
    double v = 0;
    assert_true(ms_lexicon_afinn(lx, S("good"), &v));
    assert_true(v == 3);
    assert_true(ms_lexicon_afinn(lx, S("can't stand"), &v));
    assert_true(ms_lexicon_insult(lx, S("idiot")));  /* "Idiot" in the file */
    assert_true(ms_lexicon_insult(lx, S("moron")));  /* CRLF line */
    assert_false(ms_lexicon_insult(lx, S("# insults")));
    assert_true(ms_lexicon_vader(lx, S(":D"), &v));   /* VADER as written */
    assert_false(ms_lexicon_vader(lx, S(":d"), &v));
    ms_lexicon_free(lx);
}

static void test_missing_dir_names_file(void **state)
{
    (void)state;
    ms_lexicon *lx = (ms_lexicon *)&lx; /* must be reset to NULL */
    ms_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ms_lexicon_load("/nonexistent/lexicons", &lx, &err), MS_ERR_NOT_FOUND);
    assert_null(lx);
    assert_int_equal(err.code, MS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.source, "vader_lexicon.txt"));
    assert_non_null(strstr(err.message, "vader_lexicon.txt"));
    /* NULL error struct is allowed */
    assert_int_equal(ms_lexicon_load("/nonexistent/lexicons", &lx, NULL), MS_ERR_NOT_FOUND);
    assert_int_equal(ms_lexicon_load(NULL, &lx, NULL), MS_ERR_ARG);
}

static void test_missing_one_file_names_it(void **state)
{
    (void)state;
    ms_lexicon *lx = NULL;
    ms_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ms_lexicon_load(FIX("no_insults"), &lx, &err), MS_ERR_NOT_FOUND);
    assert_null(lx);
    assert_non_null(strstr(err.source, "no_insults/insults.txt"));
    assert_non_null(strstr(err.message, "insults.txt"));
}

static void test_malformed_vader_line(void **state)
{
    (void)state;
    ms_lexicon *lx = NULL;
    ms_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ms_lexicon_load(FIX("bad_vader"), &lx, &err), MS_ERR_PARSE);
    assert_null(lx);
    assert_int_equal(err.code, MS_ERR_PARSE);
    assert_non_null(strstr(err.source, "bad_vader/vader_lexicon.txt"));
    assert_int_equal(err.line, 3);
}

static void test_malformed_afinn_line(void **state)
{
    (void)state;
    ms_lexicon *lx = NULL;
    ms_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ms_lexicon_load(FIX("bad_afinn"), &lx, &err), MS_ERR_PARSE);
    assert_non_null(strstr(err.source, "bad_afinn/AFINN-en-165.txt"));
    assert_int_equal(err.line, 4); /* blank line 3 counted, not an error */
    assert_int_equal(err.column, 7); /* "three" */
    assert_non_null(strstr(err.message, "number"));
}

static void test_malformed_term_line(void **state)
{
    (void)state;
    ms_lexicon *lx = NULL;
    ms_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ms_lexicon_load(FIX("bad_terms"), &lx, &err), MS_ERR_PARSE);
    assert_non_null(strstr(err.source, "bad_terms/insults.txt"));
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.message, "UTF-8"));
}

static void test_shipped_lists_are_clean(void **state)
{
    /* Every line of the shipped term lists is a key that finds itself: a
     * stray tab, space or capital would make a term unreachable. */
    const ms_lexicon *lx = *state;
    const char *files[] = {LEX_DIR "/insults.txt", LEX_DIR "/profanity.txt"};
    for (size_t f = 0; f < 2; f++) {
        FILE *fp = fopen(files[f], "rb");
        assert_non_null(fp);
        char line[512];
        int n = 0;
        while (fgets(line, sizeof line, fp)) {
            size_t len = strcspn(line, "\r\n");
            if (len == 0 || line[0] == '#')
                continue;
            int found = f == 0 ? ms_lexicon_insult(lx, line, len) : ms_lexicon_profane(lx, line, len);
            if (!found)
                fail_msg("%s: '%.*s' not found", files[f], (int)len, line);
            n++;
        }
        fclose(fp);
        assert_true(n >= 150);
    }
}

/* A copy of the mini lists in a temporary directory (OUT: dir). */
static void mini_copy(char dir[32])
{
    strcpy(dir, "/tmp/ms_lex.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp '%s'/*.txt '%s'", FIX("mini"), dir);
    assert_int_equal(system(cmd), 0);
}

static void rm_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Flips one byte of path at offset off (from the end when negative). */
static void flip(const char *path, long off)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, off, off < 0 ? SEEK_END : SEEK_SET), 0);
    int c = fgetc(f);
    assert_int_equal(fseek(f, -1, SEEK_CUR), 0);
    fputc(c ^ 0x20, f);
    fclose(f);
}

static void test_compiled_lexicon(void **state)
{
    /* lexicon.bin answers as the lists do, is used only for the lists it
     * was compiled from, and a damaged one is refused, never read */
    (void)state;
    char dir[32], bin[64], ins[64];
    mini_copy(dir);
    snprintf(bin, sizeof bin, "%s/lexicon.bin", dir);
    snprintf(ins, sizeof ins, "%s/insults.txt", dir);
    ms_lexicon *lx = NULL;
    assert_int_equal(ms_lexicon_load(dir, &lx, NULL), MS_OK);
    uint64_t text_hash = ms_lexicon_hash(lx);
    ms_lexicon_free(lx);
    assert_int_equal(ms_lexicon_compile(dir, NULL), MS_OK);
    assert_int_equal(ms_lexicon_load(dir, &lx, NULL), MS_OK);
    double v = 0;
    assert_true(ms_lexicon_vader(lx, S(":D"), &v));
    assert_true(v == 2.3);
    assert_true(ms_lexicon_afinn(lx, S("can't stand"), &v));
    assert_true(v == -3);
    assert_true(ms_lexicon_insult(lx, S("idiot")));
    assert_true(ms_lexicon_profane(lx, S("shit")));
    assert_false(ms_lexicon_known(lx, S("thanks")));
    assert_true(ms_lexicon_hash(lx) == text_hash); /* recorded, not recomputed */
    ms_lexicon_free(lx);
    /* a list edited after compiling: lexicon.bin is stale, passed over */
    FILE *f = fopen(ins, "a");
    assert_non_null(f);
    fputs("nitwit\n", f);
    fclose(f);
    assert_int_equal(ms_lexicon_load(dir, &lx, NULL), MS_OK);
    assert_true(ms_lexicon_insult(lx, S("nitwit")));
    assert_true(ms_lexicon_hash(lx) != text_hash);
    ms_lexicon_free(lx);
    /* damaged inside its table: refused by a verifying load, naming it;
     * a trusting one reads it without faulting */
    assert_int_equal(ms_lexicon_compile(dir, NULL), MS_OK);
    flip(bin, -3);
    ms_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ms_lexicon_load(dir, &lx, &err), MS_ERR_MODEL);
    assert_null(lx);
    assert_non_null(strstr(err.source, "lexicon.bin"));
    assert_non_null(strstr(err.message, "modscore compile"));
    assert_int_equal(ms_lexicon_open(dir, MS_LEXICON_TRUST_COMPILED, &lx, NULL), MS_OK);
    ms_lexicon_known(lx, S("idiot"));
    ms_lexicon_free(lx);
    /* a damaged header is refused by both */
    assert_int_equal(ms_lexicon_compile(dir, NULL), MS_OK);
    flip(bin, 44);
    assert_int_equal(ms_lexicon_open(dir, MS_LEXICON_TRUST_COMPILED, &lx, NULL), MS_ERR_MODEL);
    rm_dir(dir);
}

/* The identity terms (identity_terms.txt): optional, one to three words,
 * not words the folding may guess, and outside the hash the cards of every
 * other model name, so adding or changing the list changes no model. */
static void test_identity_terms(void **state)
{
    const ms_lexicon *lx = *state;
    assert_true(ms_lexicon_group(lx, S("muslims")));
    assert_true(ms_lexicon_group(lx, S("native americans")));
    assert_true(ms_lexicon_group(lx, S("mentally ill")));
    assert_false(ms_lexicon_group(lx, S("native")));
    assert_false(ms_lexicon_group(lx, S("idiot")));
    assert_false(ms_lexicon_group(NULL, S("muslims")));
    /* one search says whether a term ends here and whether a longer one
     * goes on, as a reader of the comment's words asks (featurize_group.c):
     * "native" only starts terms, "african american" is one and is not
     * the start of "african americans" */
    assert_int_equal(ms_lexicon_group_lookup(lx, S("native")), MS_TERMSET_LONGER);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("native americans")), MS_TERMSET_TERM);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("mentally")), MS_TERMSET_LONGER);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("asian")),
                     MS_TERMSET_TERM | MS_TERMSET_LONGER);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("african american")), MS_TERMSET_TERM);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("muslims")), MS_TERMSET_TERM);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("natives")), 0);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("nativ")), 0);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("zzz")), 0);
    assert_int_equal(ms_lexicon_group_lookup(lx, S("")), 0);
    assert_int_equal(ms_lexicon_group_lookup(NULL, S("native")), 0);
    /* not "known": the folding's guesses are checked against the other lists */
    assert_false(ms_lexicon_known(lx, S("latinos")));
    assert_true(ms_lexicon_group_hash(lx) != 0);
    assert_true(ms_lexicon_group_hash(NULL) == 0);
    /* a directory without the list loads; it has no group hash, and the lists
     * it has hash as they did (test_hash_is_stable_and_content_based: the
     * shipped cards' lexicon_hash, from before the list, still matches) */
    ms_lexicon *mini = NULL, *with = NULL;
    ms_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ms_lexicon_load(FIX("mini"), &mini, &err), MS_OK);
    assert_true(ms_lexicon_group_hash(mini) == 0);
    assert_false(ms_lexicon_group(mini, S("muslims")));
    /* bad_group is mini with a list whose fourth line is not lower case */
    assert_int_equal(ms_lexicon_load(FIX("bad_group"), &with, &err), MS_ERR_PARSE);
    assert_null(with);
    assert_non_null(strstr(err.source, "bad_group/identity_terms.txt"));
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.message, "lower case"));
    ms_lexicon_free(mini);
}

/* A language's own list (models/lexicons/LANG/profanity.txt): its terms
 * are profane, nothing else is listed; the hash a card records is checked
 * (a list changed since training is refused, naming it); a language
 * without a list, or a code that is a path, is an error. */
static void test_language_list(void **state)
{
    (void)state;
    ms_lexicon *pt = NULL, *again = NULL;
    ms_error err;
    assert_int_equal(ms_lexicon_load_for(LEX_DIR, "pt", 0, &pt, &err), MS_OK);
    assert_true(ms_lexicon_profane(pt, S("merda")));
    assert_false(ms_lexicon_profane(pt, S("shit")));
    assert_false(ms_lexicon_vader(pt, S("good"), NULL));
    assert_false(ms_lexicon_insult(pt, S("idiot")));
    uint64_t h = ms_lexicon_hash(pt);
    assert_int_equal(ms_lexicon_load_for(LEX_DIR, "pt", h, &again, &err), MS_OK);
    ms_lexicon_free(again);
    assert_int_equal(ms_lexicon_load_for(LEX_DIR, "pt", h ^ 1, &again, &err), MS_ERR_MODEL);
    assert_null(again);
    assert_non_null(strstr(err.source, "lexicons/pt"));
    assert_int_equal(ms_lexicon_load_for(LEX_DIR, "xx", 0, &again, &err), MS_ERR_NOT_FOUND);
    assert_int_equal(ms_lexicon_load_for(LEX_DIR, "../lexicons", 0, &again, &err),
                     MS_ERR_MODEL);
    assert_int_equal(ms_lexicon_load_for(LEX_DIR, NULL, 0, &again, &err), MS_ERR_MODEL);
    ms_lexicon_free(pt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vader_values),
        cmocka_unit_test(test_afinn_values),
        cmocka_unit_test(test_term_lists),
        cmocka_unit_test(test_known_is_any_list),
        cmocka_unit_test(test_unknown_word_writes_nothing),
        cmocka_unit_test(test_hash_is_stable_and_content_based),
        cmocka_unit_test(test_non_vader_lists_are_folded),
        cmocka_unit_test(test_missing_dir_names_file),
        cmocka_unit_test(test_missing_one_file_names_it),
        cmocka_unit_test(test_malformed_vader_line),
        cmocka_unit_test(test_malformed_afinn_line),
        cmocka_unit_test(test_malformed_term_line),
        cmocka_unit_test(test_shipped_lists_are_clean),
        cmocka_unit_test(test_compiled_lexicon),
        cmocka_unit_test(test_identity_terms),
        cmocka_unit_test(test_language_list),
    };
    return cmocka_run_group_tests(tests, lexicon_setup, lexicon_teardown);
}

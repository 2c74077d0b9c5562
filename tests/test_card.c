/* test_card.c - what a model's card says about its features: a language's
 * fold rules and lexicon block are read as written, and a rule this
 * modscore does not know refuses the model instead of folding text
 * differently from its training. */
#include "card.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Reads a card whose "features" end with extra (JSON members, may be "").
 * OUT: card (cleared by the caller when MS_OK). */
static ms_status read_card(const char *extra, ms_card *card)
{
    char path[] = "/tmp/modscore-test-card-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"format\":%d,\"task\":\"hostility\",\"category\":\"hostility\","
            "\"language\":\"de\",\"version\":\"v\",\"model_hash\":\"0123456789abcdef\","
            "\"idf_hash\":\"0123456789abcdef\",\"features\":{\"hash_bits\":18,"
            "\"word_ngram_max\":2,\"char_ngram_min\":2,\"char_ngram_max\":5,\"min_df\":2,"
            "\"context\":0%s}}",
            MS_CARD_FORMAT, extra);
    fclose(f);
    ms_status st = ms_card_read(path, card, NULL);
    unlink(path);
    return st;
}

static void test_fold_and_lexicon_block(void **state)
{
    (void)state;
    ms_card card;
    assert_int_equal(read_card(",\"lexicon\":1", &card), MS_OK);
    assert_int_equal(card.features.fold, 0);
    assert_string_equal(card.language, "de");
    ms_card_clear(&card);
    assert_int_equal(read_card(",\"lexicon\":2,\"fold\":[\"umlaut_e\",\"arabic\"]", &card), MS_OK);
    assert_int_equal(card.features.fold, MS_FOLD_UMLAUT_E | MS_FOLD_ARABIC);
    assert_int_equal(card.features.lexicon, MS_LEXICON_STYLE);
    ms_card_clear(&card);
    assert_int_equal(read_card(",\"lexicon\":1,\"fold\":[\"umlaut_e\",\"klingon\"]", &card),
                     MS_ERR_MODEL);
    assert_int_equal(read_card(",\"lexicon\":1,\"fold\":\"umlaut_e\"", &card), MS_ERR_MODEL);
    assert_int_equal(read_card(",\"lexicon\":3", &card), MS_ERR_MODEL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_and_lexicon_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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

/* Reads the card text json. OUT: card (cleared by the caller when MS_OK),
 * err. */
static ms_status read_text(const char *json, ms_card *card, ms_error *err)
{
    char path[] = "/tmp/modscore-test-card-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    ms_status st = ms_card_read(path, card, err);
    unlink(path);
    return st;
}

/* Reads a card whose "features" end with extra (JSON members, may be "").
 * OUT: card (cleared by the caller when MS_OK). */
static ms_status read_card(const char *extra, ms_card *card)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{\"format\":%d,\"task\":\"hostility\",\"category\":\"hostility\","
             "\"language\":\"de\",\"version\":\"v\",\"model_hash\":\"0123456789abcdef\","
             "\"idf_hash\":\"0123456789abcdef\",\"features\":{\"hash_bits\":18,"
             "\"word_ngram_max\":2,\"char_ngram_min\":2,\"char_ngram_max\":5,\"min_df\":2,"
             "\"context\":0%s}}",
             MS_CARD_FORMAT, extra);
    return read_text(json, card, NULL);
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
    assert_int_equal(read_card(",\"lexicon\":4", &card), MS_ERR_MODEL);
    /* lexicon 3, a language's own list: its hash is required */
    assert_int_equal(read_card(",\"lexicon\":3", &card), MS_ERR_MODEL);
}

/* The violent-intent block is read from the card; absent is off (every model
 * trained before it), and a version of its lists this modscore lacks refuses
 * the model. */
static void test_intent_setting(void **state)
{
    (void)state;
    ms_card card;
    assert_int_equal(read_card(",\"lexicon\":1", &card), MS_OK);
    assert_int_equal(card.features.intent, 0);
    ms_card_clear(&card);
    assert_int_equal(read_card(",\"lexicon\":1,\"intent\":1", &card), MS_OK);
    assert_int_equal(card.features.intent, 1);
    ms_card_clear(&card);
    assert_int_equal(read_card(",\"lexicon\":1,\"intent\":2", &card), MS_ERR_MODEL);
    assert_int_equal(read_card(",\"lexicon\":1,\"intent\":\"yes\"", &card), MS_ERR_MODEL);
}

/* The members a card reader does not read are passed over before parsing
 * (issue 20: they were half of `check`'s instructions), wherever they are
 * and whatever strings and brackets they hold; a card the scanner does not
 * follow is parsed whole, and a JSON error still names the file's line. */
static void test_unread_members_passed_over(void **state)
{
    (void)state;
    char json[2048];
    snprintf(json, sizeof json,
             "{\n  \"cross_validation\": {\"t\": [{\"a\": 1}, {\"b\": \"x}]\\\"y,\"}]},\n"
             "  \"format\": %d, \"task\": \"hostility\", \"labels\": \"a,b}\",\n"
             "  \"category\": \"insult\", \"data\": -1.5e3, \"created\": true, \"storage\": null,\n"
             "  \"language\": \"de\", \"version\": \"v1\", \"perspective_attribute\": \"INSULT\",\n"
             "  \"model_hash\": \"0123456789abcdef\", \"idf_hash\": \"0123456789abcdef\",\n"
             "  \"features\": {\"hash_bits\": 18, \"word_ngram_max\": 2, \"char_ngram_min\": 2,\n"
             "    \"char_ngram_max\": 5, \"min_df\": 2, \"context\": 0, \"lexicon\": 1},\n"
             "  \"training\": [[1, 2], {\"c\": [3]}]\n}\n",
             MS_CARD_FORMAT);
    ms_card card;
    ms_error err = {0};
    assert_int_equal(read_text(json, &card, &err), MS_OK);
    assert_string_equal(card.category, "insult");
    assert_string_equal(card.language, "de");
    assert_string_equal(card.version, "v1");
    assert_string_equal(card.perspective_attribute, "INSULT");
    assert_int_equal(card.features.hash_bits, 18);
    ms_card_clear(&card);
    /* a key written with an escape: parsed whole, read the same */
    char *f = strstr(json, "\"format\"");
    memmove(f + 7, f + 2, strlen(f + 2) + 1);
    memcpy(f, "\"\\u0066", 7);
    assert_int_equal(read_text(json, &card, &err), MS_OK);
    assert_string_equal(card.category, "insult");
    ms_card_clear(&card);
    /* not JSON: the error is the file's, at its line */
    assert_int_equal(read_text("{\"format\": 1,\n\"training\": }\n", &card, &err), MS_ERR_MODEL);
    assert_int_equal(err.line, 2);
}

/* A card whose lexicon block reads a language's own list (lexicon 3)
 * records the list's hash, "list_hash". */
static void test_list_hash(void **state)
{
    (void)state;
    char json[1024];
    snprintf(json, sizeof json,
             "{\"format\":%d,\"task\":\"hostility\",\"category\":\"hostility\","
             "\"language\":\"pt\",\"version\":\"v\",\"model_hash\":\"0123456789abcdef\","
             "\"idf_hash\":\"0123456789abcdef\",\"list_hash\":\"00000000000000ff\","
             "\"features\":{\"hash_bits\":18,\"word_ngram_max\":2,\"char_ngram_min\":2,"
             "\"char_ngram_max\":5,\"min_df\":2,\"context\":0,\"lexicon\":3}}",
             MS_CARD_FORMAT);
    ms_card card;
    assert_int_equal(read_text(json, &card, NULL), MS_OK);
    assert_int_equal(card.features.lexicon, MS_LEXICON_LIST);
    assert_true(card.list_hash == 0xff);
    ms_card_clear(&card);
    char *h = strstr(json, "00000000000000ff");
    memcpy(h, "not-hex-digits!!", 16);
    assert_int_equal(read_text(json, &card, NULL), MS_ERR_MODEL);
}

/* "language_mismatch" (an off-topic card's score for a comment in another
 * language than its article): absent is 0; a score outside (0, 1] or not
 * an object refuses the card rather than scoring with it. */
static void test_language_mismatch(void **state)
{
    (void)state;
    static const struct {
        const char *member;
        ms_status st;
        double score;
    } cases[] = {
        {"", MS_OK, 0},
        {",\"language_mismatch\":{\"score\":0.8333,\"measured\":\"x\",\"marked\":[]}", MS_OK,
         0.8333},
        {",\"language_mismatch\":{\"score\":1.5}", MS_ERR_MODEL, 0},
        {",\"language_mismatch\":{\"score\":0}", MS_ERR_MODEL, 0},
        {",\"language_mismatch\":0.8", MS_ERR_MODEL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{\"format\":%d,\"task\":\"off_topic\",\"category\":\"off_topic\","
                 "\"version\":\"v\",\"model_hash\":\"0123456789abcdef\","
                 "\"idf_hash\":\"0123456789abcdef\",\"features\":{\"hash_bits\":18,"
                 "\"word_ngram_max\":2,\"char_ngram_min\":2,\"char_ngram_max\":5,"
                 "\"min_df\":2,\"context\":1,\"lexicon\":1}%s}",
                 MS_CARD_FORMAT, cases[i].member);
        ms_card card;
        assert_int_equal(read_text(json, &card, NULL), cases[i].st);
        if (cases[i].st == MS_OK) {
            assert_true(card.mismatch_score == cases[i].score);
            ms_card_clear(&card);
        }
    }
}

/* The card at dir/card.json as the loader reads it. OUT: card. */
static int category_at(const char *dir, ms_card *card)
{
    char path[96];
    ms_status st;
    snprintf(path, sizeof path, "%s/card.json", dir);
    int r = ms_card_category(path, "hostility", card, &st, NULL);
    assert_int_equal(st, MS_OK);
    return r;
}

static void sh(const char *fmt, const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, fmt, dir, dir);
    assert_int_equal(system(cmd), 0);
}

static void test_compiled_card(void **state)
{
    /* card.bin gives the card its card.json gives, and only for that text:
     * an edited card.json or a damaged card.bin is read from the JSON */
    (void)state;
    char dir[] = "/tmp/modscore-test-cardbin-XXXXXX";
    assert_non_null(mkdtemp(dir));
    sh("cp '" MS_MODELS_DIR "/hostility/card.json' '%s'/", dir);
    ms_card want, got;
    assert_int_equal(category_at(dir, &want), 1);
    assert_int_equal(ms_card_compile(dir, NULL), MS_OK);
    sh("test -s '%s'/card.bin", dir);
    assert_int_equal(category_at(dir, &got), 1);
    assert_string_equal(got.version, want.version);
    assert_string_equal(got.category, want.category);
    assert_string_equal(got.task, want.task);
    assert_string_equal(got.language, want.language);
    assert_string_equal(got.perspective_attribute, want.perspective_attribute);
    assert_memory_equal(&got.features, &want.features, sizeof want.features);
    assert_memory_equal(&got.scale, &want.scale, sizeof want.scale);
    assert_true(got.model_hash == want.model_hash && got.idf_hash == want.idf_hash &&
                got.lexicon_hash == want.lexicon_hash && got.n_includes == want.n_includes);
    ms_card_clear(&got);
    /* card.json edited after compiling: its new version is read */
    sh("sed -i 's/\"version\": *\"/&x/' '%s'/card.json; grep -q '\"version\": *\"x' '%s'/card.json",
       dir);
    assert_int_equal(category_at(dir, &got), 1);
    assert_int_equal(got.version[0], 'x');
    assert_string_equal(got.version + 1, want.version);
    ms_card_clear(&got);
    /* card.bin damaged (a byte of a string): the JSON is read */
    assert_int_equal(ms_card_compile(dir, NULL), MS_OK);
    sh("printf 'Q' | dd of='%s'/card.bin bs=1 seek=$(($(stat -c %%s '%s'/card.bin) - 12)) "
       "conv=notrunc status=none", dir);
    assert_int_equal(category_at(dir, &got), 1);
    assert_int_equal(got.version[0], 'x');
    assert_string_equal(got.language, want.language);
    ms_card_clear(&got);
    ms_card_clear(&want);
    sh("rm -rf '%s'; test ! -e '%s'", dir);
}

/* A card that reads identity terms names their list, and only such a card
 * (a hash without the setting is a card written wrong); it loads beside
 * that list alone, and a card without the setting beside any lexicons. */
static void test_group_terms(void **state)
{
    (void)state;
    ms_card card;
    assert_int_equal(read_card(",\"lexicon\":1,\"group_terms\":2}, "
                               "\"group_terms_hash\":\"00000000000000ab\",\"x\":{", &card),
                     MS_OK);
    assert_int_equal(card.features.group_terms, MS_GROUP_TERMS_REPLACE);
    assert_true(card.group_terms_hash == 0xab);
    ms_lexicon *lx = NULL, *mini = NULL;
    ms_error err = {0};
    uint64_t hash = 0;
    assert_int_equal(ms_lexicon_load(MS_MODELS_DIR "/lexicons", &lx, NULL), MS_OK);
    assert_int_equal(ms_lexicon_load(MS_TEST_DATA "/lexicon/mini", &mini, NULL), MS_OK);
    assert_int_equal(ms_card_check_lexicon(&card, lx, 1, &hash, "lexicons", &err), MS_ERR_MODEL);
    assert_non_null(strstr(err.message, "identity_terms.txt is not the list"));
    assert_int_equal(ms_card_check_lexicon(&card, mini, 0, &hash, "mini", &err), MS_ERR_MODEL);
    assert_non_null(strstr(err.message, "identity_terms.txt is missing"));
    card.group_terms_hash = ms_lexicon_group_hash(lx);
    assert_int_equal(ms_card_check_lexicon(&card, lx, 1, &hash, "lexicons", &err), MS_OK);
    card.features.group_terms = 0;
    assert_int_equal(ms_card_check_lexicon(&card, mini, 1, &hash, "mini", &err), MS_OK);
    ms_card_clear(&card);
    /* the setting without the hash, the hash without the setting, a bad value */
    assert_int_equal(read_card(",\"lexicon\":1,\"group_terms\":1", &card), MS_ERR_MODEL);
    assert_int_equal(read_card(",\"lexicon\":1}, \"group_terms_hash\":\"00000000000000ab\","
                               "\"x\":{", &card), MS_ERR_MODEL);
    assert_int_equal(read_card(",\"lexicon\":1,\"group_terms\":3}, "
                               "\"group_terms_hash\":\"00000000000000ab\",\"x\":{", &card),
                     MS_ERR_MODEL);
    ms_lexicon_free(lx);
    ms_lexicon_free(mini);
}

/* The scope marks beside identity terms (group_scope): absent is off (every
 * model trained before it scores as it did); a version this build does
 * not know (a newer modscore's model) and the setting without identity
 * terms are refused. */
static void test_group_scope(void **state)
{
    (void)state;
    ms_card card;
    const char *terms = ",\"lexicon\":1,\"group_terms\":2%s}, "
                        "\"group_terms_hash\":\"00000000000000ab\",\"x\":{";
    char buf[256];
    snprintf(buf, sizeof buf, terms, "");
    assert_int_equal(read_card(buf, &card), MS_OK);
    assert_int_equal(card.features.group_scope, 0);
    ms_card_clear(&card);
    snprintf(buf, sizeof buf, terms, ",\"group_scope\":1");
    assert_int_equal(read_card(buf, &card), MS_OK);
    assert_int_equal(card.features.group_scope, 1);
    ms_card_clear(&card);
    snprintf(buf, sizeof buf, terms, ",\"group_scope\":3");
    assert_int_equal(read_card(buf, &card), MS_ERR_MODEL);
    snprintf(buf, sizeof buf, terms, ",\"group_scope\":\"yes\"");
    assert_int_equal(read_card(buf, &card), MS_ERR_MODEL);
    assert_int_equal(read_card(",\"lexicon\":1,\"group_scope\":1", &card), MS_ERR_MODEL);
}

/* "char_chunks": absent is 0 (the words' char n-grams, as every card
 * before it); 1 (chunks) and 2 (both) are read; a newer rule is refused. */
static void test_char_chunks(void **state)
{
    (void)state;
    ms_card card;
    assert_int_equal(read_card(",\"lexicon\":1", &card), MS_OK);
    assert_int_equal(card.features.char_chunks, 0);
    ms_card_clear(&card);
    assert_int_equal(read_card(",\"lexicon\":1,\"char_chunks\":1", &card), MS_OK);
    assert_int_equal(card.features.char_chunks, 1);
    ms_card_clear(&card);
    assert_int_equal(read_card(",\"lexicon\":1,\"char_chunks\":2", &card), MS_OK);
    assert_int_equal(card.features.char_chunks, MS_CHAR_SOURCE_BOTH);
    ms_card_clear(&card);
    assert_int_equal(read_card(",\"lexicon\":1,\"char_chunks\":3", &card), MS_ERR_MODEL);
    assert_int_equal(read_card(",\"lexicon\":1,\"char_chunks\":\"yes\"", &card), MS_ERR_MODEL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_and_lexicon_block),
        cmocka_unit_test(test_intent_setting),
        cmocka_unit_test(test_unread_members_passed_over),
        cmocka_unit_test(test_language_mismatch),
        cmocka_unit_test(test_compiled_card),
        cmocka_unit_test(test_group_terms),
        cmocka_unit_test(test_group_scope),
        cmocka_unit_test(test_list_hash),
        cmocka_unit_test(test_char_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_featurize.c - the features module's hashed n-grams: the "aimed"
 * copies of words near a second-person word (you_window) and the
 * "group-aimed" ones near a word naming an identity group (group_window);
 * which settings let models share a pass; a language's fold rules and the
 * language-independent lexicon block; the violent-intent block (intent);
 * identity terms as one placeholder (group_terms); one featurizer's
 * tokens lent to another's prepare (ms_features_prepare_from); the char
 * block from the text's chunks (char_chunks). */
#include "featurize.h"
#include "featurize_int.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Distinct hashed buckets of text with the hostility defaults and the
 * given window. */
static size_t buckets(const char *text, int window,
                      int (*skip)(void *ud, const char *w, size_t n))
{
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.you_window = window;
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_OK);
    ms_featurizer_set_skip(f, skip, NULL);
    const uint32_t *b;
    size_t n = 0;
    assert_int_equal(ms_features_buckets(f, text, strlen(text), &b, &n), MS_OK);
    ms_featurizer_free(f);
    return n;
}

/* How many aimed copies the window adds to text. */
static size_t aimed(const char *text, int window)
{
    return buckets(text, window, NULL) - buckets(text, 0, NULL);
}

static void test_defaults(void **state)
{
    (void)state;
    ms_feature_config h, o;
    ms_feature_config_default(&h, MS_TASK_HOSTILITY);
    ms_feature_config_default(&o, MS_TASK_OFF_TOPIC);
    assert_int_equal(h.you_window, 4);
    assert_int_equal(o.you_window, 0);
}

static void test_words_near_you_are_aimed(void **state)
{
    (void)state;
    assert_int_equal(aimed("you idiot", 4), 1);
    assert_int_equal(aimed("idiot, that is what you are", 4), 5);  /* before and after */
    assert_int_equal(aimed("u r a moron", 4), 3);
    /* "idiot" is 6 words from "you": only the words between are aimed */
    assert_int_equal(aimed("idiot one two three four five you", 4), 4);
    assert_int_equal(aimed("idiot one two three four five you", 6), 6);
    /* no second-person word, nothing aimed; the same word twice is one bucket */
    assert_int_equal(aimed("the idiot said the idiot thing", 4), 0);
    assert_int_equal(aimed("you idiot idiot", 4), 1);
}

static int skip_you(void *ud, const char *w, size_t n)
{
    (void)ud;
    return n == 3 && memcmp(w, "you", 3) == 0;
}

static void test_skipped_you_aims_nothing(void **state)
{
    (void)state;
    assert_int_equal(buckets("you idiot", 4, skip_you), buckets("you idiot", 0, skip_you));
}

static void test_window_is_validated(void **state)
{
    (void)state;
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    ms_featurizer *f = NULL;
    cfg.you_window = MS_YOU_WINDOW_MAX + 1;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_ERR_ARG);
    cfg.you_window = -1;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_ERR_ARG);
    assert_null(f);
}

/* A setting that changes the features: on (the defaults but for it) shares
 * no pass with the defaults, and bad (out of its range) is refused. */
static void assert_setting_apart(const ms_feature_config *on, const ms_feature_config *bad)
{
    ms_feature_config d;
    ms_feature_config_default(&d, MS_TASK_HOSTILITY);
    assert_false(ms_feature_config_shared(&d, on));
    ms_featurizer *f = NULL;
    assert_int_equal(ms_featurizer_new(bad, NULL, &f), MS_ERR_ARG);
    assert_null(f);
}

/* Group-aimed copies: the words within group_window tokens of a word naming
 * an identity group, not the group word itself. */
static size_t group_aimed(const char *text, int window)
{
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.you_window = 0;
    size_t n[2];
    for (int k = 0; k < 2; k++) {
        cfg.group_window = k ? window : 0;
        ms_featurizer *f;
        assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_OK);
        const uint32_t *b;
        assert_int_equal(ms_features_buckets(f, text, strlen(text), &b, &n[k]), MS_OK);
        ms_featurizer_free(f);
    }
    return n[1] - n[0];
}

static void test_words_near_groups_are_group_aimed(void **state)
{
    (void)state;
    assert_int_equal(group_aimed("women are vermin", 4), 2);
    assert_int_equal(group_aimed("I think Muslims are vermin", 4), 4);
    assert_int_equal(group_aimed("vermin one two three four five jews", 4), 4);
    /* no group word, nothing group-aimed (a second person is not a group) */
    assert_int_equal(group_aimed("you are vermin", 4), 0);
    ms_feature_config a, b;
    ms_feature_config_default(&a, MS_TASK_HOSTILITY);
    b = a;
    assert_true(ms_feature_config_shared(&a, &b));
    b.min_df = 7; /* training only */
    assert_true(ms_feature_config_shared(&a, &b));
    b.hash_bits = 18;
    assert_false(ms_feature_config_shared(&a, &b));
    b = a;
    b.group_window = 4;
    a.group_window = MS_YOU_WINDOW_MAX + 1;
    assert_setting_apart(&b, &a);
}

/* A language's fold rules reach the tokens, and models folding differently
 * share no pass. */
static void test_fold_rules_in_settings(void **state)
{
    (void)state;
    ms_feature_config a, b;
    ms_feature_config_default(&a, MS_TASK_HOSTILITY);
    b = a;
    b.fold = MS_FOLD_UMLAUT_E;
    assert_false(ms_feature_config_shared(&a, &b));
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&b, NULL, &f), MS_OK);
    ms_input in = {.text = "So schön", .len = strlen("So schön")};
    unsigned notes = 0;
    assert_int_equal(ms_features_prepare(f, &in, &notes), MS_OK);
    const ms_tokens *t = ms_featurizer_tokens(f);
    assert_int_equal(t->n, 2);
    assert_int_equal(t->tok[1].fold_len, 6);
    assert_memory_equal(ms_token_text(t, 1), "schoen", 6);
    ms_featurizer_free(f);
}

/* The dense block of text under lexicon setting lexicon and intent setting
 * intent (idf dropping every hashed n-gram, so only the dense features are
 * left), with the shipped list of language lang (NULL: none). OUT: d
 * (MS_DENSE_COUNT), *sentiment. */
static void dense_blocks_list(const char *text, int lexicon, int intent, const char *lang,
                              double *d, double *sentiment)
{
    ms_lexicon *lx, *list = NULL;
    assert_int_equal(ms_lexicon_load(MS_MODELS_DIR "/lexicons", &lx, NULL), MS_OK);
    if (lang)
        assert_int_equal(ms_lexicon_load_for(MS_MODELS_DIR "/lexicons", lang, 0, &list, NULL),
                         MS_OK);
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.hash_bits = 8;
    cfg.lexicon = lexicon;
    cfg.intent = intent;
    uint32_t df[256] = {0};
    ms_idf idf;
    assert_int_equal(ms_idf_from_df(df, 8, 1, 2, &idf), MS_OK);
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&cfg, lx, &f), MS_OK);
    ms_featurizer_set_list(f, list);
    ms_input in = {.text = text, .len = strlen(text)};
    ms_fvec v = {0};
    unsigned notes = 0;
    assert_int_equal(ms_features_build(f, &idf, &in, 1, &v, &notes), MS_OK);
    memset(d, 0, MS_DENSE_COUNT * sizeof *d);
    for (size_t i = 0; i < v.n; i++) {
        int32_t k = v.idx[i] - 257;
        /* no context block; the intent block only when asked for */
        assert_true(k >= 0 && k < MS_DENSE_COUNT);
        assert_true(k < MS_DENSE_LEXICON_COUNT || (intent && k >= MS_DENSE_INTENT_FIRST));
        d[k] = v.val[i];
    }
    *sentiment = ms_features_sentiment(f);
    ms_fvec_free(&v);
    free(idf.idf);
    ms_featurizer_free(f);
    ms_lexicon_free(lx);
    ms_lexicon_free(list);
}

static void dense_blocks(const char *text, int lexicon, int intent, double *d,
                         double *sentiment)
{
    dense_blocks_list(text, lexicon, intent, NULL, d, sentiment);
}

/* MS_LEXICON_LIST is the style block and hits on the language's own list
 * (models/lexicons/pt), nothing from the English lists: "merda" counts,
 * "idiot" and "shit" do not, and there is no sentiment. Without a list
 * the list feature is 0. */
static void test_list_block_reads_the_language_list(void **state)
{
    (void)state;
    double style[MS_DENSE_COUNT], list[MS_DENSE_COUNT], s;
    const char *pt = "QUE MERDA, seu idiot shit!!!";
    dense_blocks(pt, MS_LEXICON_STYLE, 0, style, &s);
    dense_blocks_list(pt, MS_LEXICON_LIST, 0, "pt", list, &s);
    assert_true(list[MS_DENSE_PROFANE] > 0);
    for (int k = 0; k < MS_DENSE_LEXICON_COUNT; k++)
        if (k != MS_DENSE_PROFANE)
            assert_true(list[k] == style[k]);
    assert_true(s == 0);
    dense_blocks_list("seu idiot shit!!!", MS_LEXICON_LIST, 0, "pt", list, &s);
    assert_true(list[MS_DENSE_PROFANE] == 0);
    dense_blocks_list(pt, MS_LEXICON_LIST, 0, NULL, list, &s);
    assert_true(list[MS_DENSE_PROFANE] == 0);
}

/* MS_LEXICON_STYLE keeps what holds in any language (capitals, '!') and
 * none of the English lists, nor VADER's sentiment. */
static void test_style_block_has_no_english_lists(void **state)
{
    (void)state;
    const char *text = "YOU ARE A STUPID IDIOT, shit!!!";
    double all[MS_DENSE_COUNT], style[MS_DENSE_COUNT], s_all, s_style;
    dense_blocks(text, 1, 0, all, &s_all);
    dense_blocks(text, MS_LEXICON_STYLE, 0, style, &s_style);
    assert_true(all[MS_DENSE_INSULT] > 0 && all[MS_DENSE_PROFANE] > 0 && s_all < 0);
    for (int k = 0; k < MS_DENSE_LEXICON_COUNT; k++) {
        if (k == MS_DENSE_CAPS || k == MS_DENSE_EXCLAIM || k == MS_DENSE_OBFUSCATED)
            assert_true(style[k] == all[k]);
        else
            assert_true(style[k] == 0);
    }
    assert_true(style[MS_DENSE_CAPS] > 0.5 && style[MS_DENSE_EXCLAIM] > 0);
    assert_true(s_style == 0);
}

/* The violent-intent block: a violent word, one after an intent or call
 * phrase in its sentence, one aimed at a person, one both; not for idioms,
 * reports of a deed, negated calls or a model without the block. */
static void test_intent_block(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int violent, intent, aimed, both;
    } cases[] = {
        {"I will kill you", 1, 1, 1, 1},
        {"Somebody should drag him out of the town hall and hang him", 1, 1, 1, 1},
        {"I hope someone burns down the mayor's house", 1, 1, 0, 0},
        {"These people should be shot", 1, 1, 1, 1},
        {"I hope you die", 1, 1, 1, 1},
        {"Death to the traitors", 1, 1, 1, 1},
        {"I'm gonna k1ll u", 1, 1, 1, 1},                 /* folded: kill */
        {"The traffic on the bridge is killing me", 1, 0, 0, 0},
        {"Nobody should be killed for who they are", 1, 0, 1, 0},
        {"The police will find whoever killed him", 1, 0, 1, 0},
        {"We should go to the park. Kill time there", 1, 0, 0, 0},
        {"What a lovely day at the park", 0, 0, 0, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        double d[MS_DENSE_COUNT], off[MS_DENSE_COUNT], s;
        dense_blocks(cases[c].text, 1, 1, d, &s);
        int got[4] = {d[MS_DENSE_VIOLENT] > 0, d[MS_DENSE_VIOLENT_INTENT] > 0,
                      d[MS_DENSE_VIOLENT_AIMED] > 0, d[MS_DENSE_VIOLENT_BOTH] > 0};
        int want[4] = {cases[c].violent, cases[c].intent, cases[c].aimed, cases[c].both};
        for (int k = 0; k < 4; k++)
            if (got[k] != want[k])
                fail_msg("\"%s\": intent feature %d is %d, expected %d", cases[c].text, k,
                         got[k], want[k]);
        /* the lexicon block is the same with or without the intent block */
        dense_blocks(cases[c].text, 1, 0, off, &s);
        assert_memory_equal(d, off, MS_DENSE_LEXICON_COUNT * sizeof *d);
    }
    ms_feature_config on, bad;
    ms_feature_config_default(&on, MS_TASK_HOSTILITY);
    assert_int_equal(on.intent, 0);
    bad = on;
    on.intent = 1;
    bad.intent = MS_INTENT_VERSION + 1;
    ms_featurizer *f = NULL;
    assert_int_equal(ms_featurizer_new(&bad, NULL, &f), MS_ERR_ARG);
    /* the block comes on top of the same counts: a model with it shares a
     * pass with one without (issue 20), and reads further than the other */
    ms_feature_config off = on;
    off.intent = 0;
    assert_true(ms_feature_config_shared(&off, &on));
    assert_int_equal(ms_feature_dim(&on) - ms_feature_dim(&off),
                     MS_DENSE_COUNT - MS_DENSE_LEXICON_COUNT);
    /* but not where a whole vector is built with the featurizer's blocks */
    ms_feature_config_default(&off, MS_TASK_OFF_TOPIC);
    on = off;
    on.intent = 1;
    assert_false(ms_feature_config_shared(&off, &on));
}

/* The intent block's index answers for every word what a scan of the
 * lists would: each listed word in the lists that hold it, and the words
 * near them (a letter less or more, capitalised) only where listed too. */
static unsigned scan_lists(const char *w, size_t n)
{
    unsigned bits = 0;
    for (int k = 0; k < FZ_INTENT_LISTS; k++) {
        size_t m;
        const char *const *l = fz_intent_word_list(MS_INTENT_VERSION, k, &m);
        for (size_t i = 0; i < m; i++)
            if (strlen(l[i]) == n && memcmp(l[i], w, n) == 0)
                bits |= 1u << k;
    }
    return bits;
}

static void test_intent_index(void **state)
{
    (void)state;
    fz_intent_index *ix = NULL;
    assert_int_equal(fz_intent_index_new(MS_INTENT_VERSION, &ix), MS_OK);
    size_t words = 0;
    for (int k = 0; k < FZ_INTENT_LISTS; k++) {
        size_t m;
        const char *const *l = fz_intent_word_list(MS_INTENT_VERSION, k, &m);
        assert_true(m > 0);
        for (size_t i = 0; i < m; i++, words++) {
            char w[64];
            size_t n = strlen(l[i]);
            assert_true(n + 2 < sizeof w);
            memcpy(w, l[i], n);
            assert_true(fz_intent_lists_of(ix, w, n) & (1u << k));
            const size_t len[] = {n, n - 1, n + 1};
            for (int v = 0; v < 3; v++) {
                w[n] = 's';
                w[0] = l[i][0];
                if (fz_intent_lists_of(ix, w, len[v]) != scan_lists(w, len[v]))
                    fail_msg("\"%.*s\": index and lists differ", (int)len[v], w);
                w[0] = (char)(w[0] - 'a' + 'A');
                assert_int_equal(fz_intent_lists_of(ix, w, len[v]), 0);
            }
        }
    }
    assert_int_equal(words, 121 + 25 + 19 + 28 + 7);
    assert_int_equal(fz_intent_lists_of(ix, "", 0), 0);
    fz_intent_index_free(ix);
    size_t m = 1;
    assert_null(fz_intent_word_list(MS_INTENT_VERSION + 1, 0, &m));
    assert_int_equal(m, 0);
}

/* A threat's reasons name its words: the intent block's weight goes to the
 * violent word and the intent word, not to the others. */
static void test_intent_attribution(void **state)
{
    (void)state;
    ms_lexicon *lx;
    assert_int_equal(ms_lexicon_load(MS_MODELS_DIR "/lexicons", &lx, NULL), MS_OK);
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.hash_bits = 8;
    cfg.intent = 1;
    uint32_t df[256] = {0};
    ms_idf idf;
    assert_int_equal(ms_idf_from_df(df, 8, 1, 2, &idf), MS_OK);
    double w[257 + MS_DENSE_COUNT] = {0};
    for (int k = MS_DENSE_INTENT_FIRST; k < MS_DENSE_COUNT; k++)
        w[257 + k] = 1;
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&cfg, lx, &f), MS_OK);
    const char *text = "well I will shoot him tomorrow";
    ms_input in = {.text = text, .len = strlen(text)};
    double dot;
    assert_int_equal(ms_features_prepare(f, &in, NULL), MS_OK);
    assert_int_equal(ms_features_dot(f, &idf, w, 257 + MS_DENSE_COUNT, &dot), MS_OK);
    assert_true(dot > 1.5); /* four features of 0.5 */
    const struct ms_tokens *t;
    const double *contrib;
    assert_int_equal(ms_features_attribute(f, &idf, w, 257 + MS_DENSE_COUNT, &t, &contrib),
                     MS_OK);
    assert_int_equal(t->n, 6);
    double sum = 0;
    for (size_t i = 0; i < t->n; i++)
        sum += contrib[i];
    assert_true(fabs(sum - dot) < 1e-9);
    assert_true(contrib[3] > contrib[2] && contrib[2] > 0); /* shoot, will */
    assert_true(contrib[0] == 0 && contrib[1] == 0 && contrib[4] == 0 && contrib[5] == 0);
    free(idf.idf);
    ms_featurizer_free(f);
    ms_lexicon_free(lx);
}

/* A made-up model over 2^bits buckets: idf (OUT, free idf->idf) and the
 * weights it returns (nb + 1 of them, libsvm indices; free them). */
static double *made_up_model(int bits, ms_idf *idf)
{
    size_t nb = (size_t)1 << bits;
    *idf = (ms_idf){.idf = malloc(nb * sizeof(float)), .bits = bits, .n_docs = 1};
    double *w = malloc((nb + 1) * sizeof *w);
    assert_non_null(idf->idf);
    assert_non_null(w);
    for (size_t i = 0; i < nb; i++)
        idf->idf[i] = 1 + (float)(i % 7) / 7;
    for (size_t i = 0; i <= nb; i++)
        w[i] = (double)((i * 2654435761u) % 1000) / 1000 - 0.5;
    return w;
}

/* The last prepared comment's words' contributions add up to its w.x. */
static void assert_contributions_add_up(ms_featurizer *f, const ms_idf *idf, const double *w,
                                        int32_t dim, double dot)
{
    const struct ms_tokens *t;
    const double *contrib;
    assert_int_equal(ms_features_attribute(f, idf, w, dim, &t, &contrib), MS_OK);
    double sum = 0;
    for (size_t i = 0; i < t->n; i++)
        sum += contrib[i];
    assert_true(fabs(sum - dot) <= 1e-9 * (1 + fabs(dot)));
}

/* The pack's 16-bit weights are the trimmed doubles themselves, and a
 * weight that is not one (too large, or untrimmed) is read from the
 * model's own vector: the packed pass gives ms_features_dot's value
 * exactly, escapes included. */
static void test_packed_weights_are_exact(void **state)
{
    (void)state;
    for (int k = -32767; k <= 32767; k += 7)
        assert_int_equal(ms_pack_weight(k / MS_PACK_WEIGHT_SCALE), k);
    assert_int_equal(ms_pack_weight(0), 0);
    assert_int_equal(ms_pack_weight(3.2768), MS_PACK_WEIGHT_ESCAPE);
    assert_int_equal(ms_pack_weight(-19.8183), MS_PACK_WEIGHT_ESCAPE);
    assert_int_equal(ms_pack_weight(0.12345), MS_PACK_WEIGHT_ESCAPE);
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.hash_bits = 8;
    uint32_t df[256];
    for (int b = 0; b < 256; b++)
        df[b] = (uint32_t)(b % 7 + 1);
    /* min_df 2: model 0 drops the buckets of b % 7 == 0 (df 1), model 1
     * those and b % 7 == 1: the buckets neither weighs get no slot (the
     * comment's n-grams fall in some), those only model 0 weighs one */
    ms_idf idf, idf1;
    assert_int_equal(ms_idf_from_df(df, 8, 10, 2, &idf), MS_OK);
    for (int b = 0; b < 256; b++)
        df[b] = b % 7 == 1 ? 1 : (uint32_t)(b % 7 + 1);
    assert_int_equal(ms_idf_from_df(df, 8, 10, 2, &idf1), MS_OK);
    /* model 0 weighs every dense feature, model 1 the first three */
    int32_t dims[2] = {257 + MS_DENSE_COUNT, 257 + 3};
    double w[2][257 + MS_DENSE_COUNT];
    for (int d = 0; d < MS_DENSE_COUNT; d++)
        w[0][257 + d] = w[1][257 + d] = 0.5 + d / 8.0;
    const double *dense[2] = {&w[0][257], &w[1][257]};
    for (uint64_t x = 1, i = 0; i < 200; i++, x = x * 6364136223846793005u + 1442695040888963407u) {
        unsigned bits = 0;
        for (int j = 0; j < 64; j++)
            bits += (unsigned)(x >> j) & 1;
        assert_int_equal(ms_pack_popcount(x), bits);
    }
    assert_int_equal(ms_pack_popcount(~(uint64_t)0), 64);
    assert_int_equal(ms_pack_stride(2), 8);
    assert_int_equal(ms_pack_stride(3), 12);
    for (int b = 0; b < 256; b++)
        for (int m = 0; m < 2; m++) {
            /* model 1: every third weight escapes (too large or untrimmed) */
            int k = (b * 37 + m * 11) % 20001 - 10000;
            w[m][b + 1] = m == 1 && b % 3 == 0 ? (b % 2 ? 7.25 : 0.123456) : k / 1e4;
        }
    const ms_idf *idfs[2] = {&idf, &idf1};
    const float *pidf[2] = {idf.idf, idf1.idf};
    ms_pack pack;
    assert_int_equal(ms_pack_begin(&pack, 2, 8, pidf), MS_OK);
    assert_int_equal(pack.n_slots, 256 - 256 / 7 - 1); /* b % 7 == 0: 37 buckets */
    for (int m = 0; m < 2; m++)
        assert_int_equal(ms_pack_add(&pack, m, pidf[m], w[m], dims[m]), MS_OK);
    assert_true(pack.n_esc > 40);
    for (int b = 0; b < 256; b++)
        for (int m = 0; m < 2; m++) {
            assert_int_equal(ms_pack_slot(&pack, (size_t)b) == NULL, b % 7 == 0);
            if (b % 7) {
                assert_true(ms_pack_weight_at(&pack, (size_t)b, m) == w[m][b + 1]);
                /* each member's idf through its table of values, exactly */
                const unsigned char *slot = ms_pack_slot(&pack, (size_t)b);
                assert_memory_equal(&(float){ms_pack_idf_at(&pack, slot, m)}, &pidf[m][b],
                                    sizeof(float));
            }
        }
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_OK);
    const char *text = "you are such an idiot, read the article before you comment";
    ms_input in = {.text = text, .len = strlen(text)};
    assert_int_equal(ms_features_prepare(f, &in, NULL), MS_OK);
    double packed[2], alone;
    assert_int_equal(ms_features_dot_packed(f, &pack, 2, dense, dims, packed), MS_OK);
    for (int m = 0; m < 2; m++) {
        assert_int_equal(ms_features_dot(f, idfs[m], w[m], dims[m], &alone), MS_OK);
        assert_true(alone != 0);
        assert_memory_equal(&packed[m], &alone, sizeof alone);
        /* the reasons read the pack too: the same contributions */
        const struct ms_tokens *t;
        const double *c;
        assert_int_equal(ms_features_attribute(f, idfs[m], w[m], dims[m], &t, &c), MS_OK);
        size_t n = t->n;
        double *want = malloc(n * sizeof *want);
        assert_non_null(want);
        memcpy(want, c, n * sizeof *want);
        assert_int_equal(ms_features_attribute_packed(f, &pack, m, dense[m], dims[m], &t, &c),
                         MS_OK);
        assert_int_equal(t->n, n);
        assert_memory_equal(c, want, n * sizeof *want);
        free(want);
        assert_int_equal(ms_features_prepare(f, &in, NULL), MS_OK);
    }
    ms_pack_free(&pack);
    free(idf.idf);
    free(idf1.idf);
    ms_featurizer_free(f);
}

/* Attributing explains the last prepared comment, on its tokens, which it
 * does not tokenise again (issue 20), but not on tokens something else left
 * since: ms_features_buckets of another text tokenises into the same
 * buffer. The contributions are a fresh featurizer's, bit for bit. */
static void test_attribute_explains_the_last_prepare(void **state)
{
    (void)state;
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.hash_bits = 12;
    ms_idf idf;
    double *w = made_up_model(cfg.hash_bits, &idf);
    int32_t dim = (int32_t)(1u << cfg.hash_bits) + 1;
    ms_featurizer *f, *fresh;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_OK);
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &fresh), MS_OK);
    const char *a = "you are such an idiot, go away", *b = "a much longer text of other words here";
    ms_input in = {.text = a, .len = strlen(a)};
    const struct ms_tokens *t;
    const double *c, *want;
    assert_int_equal(ms_features_prepare(fresh, &in, NULL), MS_OK);
    assert_int_equal(ms_features_attribute(fresh, &idf, w, dim, &t, &want), MS_OK);
    size_t n = t->n;
    for (int buckets = 0; buckets < 2; buckets++) {
        assert_int_equal(ms_features_prepare(f, &in, NULL), MS_OK);
        if (buckets) {
            const uint32_t *bk;
            size_t nb;
            assert_int_equal(ms_features_buckets(f, b, strlen(b), &bk, &nb), MS_OK);
        }
        /* twice: the second explains the same build again */
        for (int again = 0; again < 2; again++) {
            assert_int_equal(ms_features_attribute(f, &idf, w, dim, &t, &c), MS_OK);
            assert_int_equal(t->n, n);
            assert_memory_equal(c, want, n * sizeof *c);
        }
    }
    ms_featurizer_free(f);
    ms_featurizer_free(fresh);
    free(w);
    free(idf.idf);
}

/* A long comment's table is sized by its distinct n-grams, not by its
 * occurrences (issue 23: 128 MB of table for a 250 KB comment, per
 * scorer), and growing it keeps every count and every occurrence's slot:
 * the words' contributions still add up to w.x. */
static void test_long_comment_table(void **state)
{
    (void)state;
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_OK);
    size_t nb = (size_t)1 << cfg.hash_bits;
    ms_idf idf;
    double *w = made_up_model(cfg.hash_bits, &idf);
    /* 200 KB of ten words, then 150 KB of 20,000 distinct ones */
    size_t cap = 400000, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    static const char *const ten[] = {"you", "are", "a", "worthless", "idiot",
                                      "and", "everyone", "here", "hates", "it"};
    for (size_t i = 0; len < 200000; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s ", ten[i % 10]);
    ms_input in = {.text = text, .len = len};
    unsigned notes = 0;
    assert_int_equal(ms_features_prepare(f, &in, &notes), MS_OK);
    assert_true(f->table_cap <= (size_t)1 << 16); /* was 1 << 23 */
    for (size_t i = 0; len < 350000; i++)
        len += (size_t)snprintf(text + len, cap - len, "w%zux%zu ", i * 7919 % 100003, i);
    in.len = len;
    double dot;
    assert_int_equal(ms_features_prepare(f, &in, &notes), MS_OK);
    assert_int_equal(ms_features_dot(f, &idf, w, (int32_t)nb + 1, &dot), MS_OK);
    assert_true(f->table_cap > (size_t)1 << 16); /* grown past its first size */
    assert_true(f->table_cap <= (size_t)1 << 21);
    assert_contributions_add_up(f, &idf, w, (int32_t)nb + 1, dot);
    free(text);
    free(w);
    free(idf.idf);
    ms_featurizer_free(f);
}

/* The sorted distinct buckets of text with settings cfg and lexicons lx
 * (may be NULL). OUT: b (at most cap). */
static size_t sorted_buckets(const ms_feature_config *cfg, const ms_lexicon *lx, const char *text,
                             uint32_t *b, size_t cap)
{
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(cfg, lx, &f), MS_OK);
    const uint32_t *got;
    size_t n = 0;
    assert_int_equal(ms_features_buckets(f, text, strlen(text), &got, &n), MS_OK);
    assert_true(n <= cap);
    memcpy(b, got, n * sizeof *b);
    for (size_t i = 1; i < n; i++) /* insertion sort: a few hundred */
        for (size_t j = i; j > 0 && b[j - 1] > b[j]; j--) {
            uint32_t x = b[j];
            b[j] = b[j - 1];
            b[j - 1] = x;
        }
    ms_featurizer_free(f);
    return n;
}

/* The sorted distinct buckets of text with identity terms as mode
 * (MS_GROUP_TERMS_*), group_scope scope and the shipped lexicons. OUT: b
 * (at most cap). */
static size_t scope_buckets(const char *text, int mode, int scope, uint32_t *b, size_t cap)
{
    ms_lexicon *lx = NULL;
    assert_int_equal(ms_lexicon_load(MS_MODELS_DIR "/lexicons", &lx, NULL), MS_OK);
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.group_terms = mode;
    cfg.group_scope = scope;
    size_t n = sorted_buckets(&cfg, lx, text, b, cap);
    ms_lexicon_free(lx);
    return n;
}

static size_t group_buckets(const char *text, int mode, uint32_t *b, size_t cap)
{
    return scope_buckets(text, mode, 0, b, cap);
}

static int same_buckets(const char *a, const char *b, int mode)
{
    uint32_t x[512], y[512];
    size_t nx = group_buckets(a, mode, x, 512), ny = group_buckets(b, mode, y, 512);
    return nx == ny && memcmp(x, y, nx * sizeof *x) == 0;
}

static size_t placeholder_grams(const char *text)
{
    uint32_t b[512];
    return group_buckets(text, MS_GROUP_TERMS_ADD, b, 512) -
           group_buckets(text, MS_GROUP_TERMS_OFF, b, 512);
}

/* Identity terms as one placeholder (group_terms): replaced, two sentences
 * that differ only in the group they attack are one vector; added, each
 * term adds its word 1-3-grams with the placeholder; a two-word term is one
 * placeholder; a word that only starts a term is not one. */
static void test_group_terms_placeholder(void **state)
{
    (void)state;
    assert_true(same_buckets("Latinos are vermin", "jews are VERMIN", MS_GROUP_TERMS_REPLACE));
    assert_true(same_buckets("Latinos are vermin", "Native Americans are vermin",
                             MS_GROUP_TERMS_REPLACE));
    assert_false(same_buckets("Latinos are vermin", "jews are vermin", MS_GROUP_TERMS_ADD));
    assert_false(same_buckets("Latinos are vermin", "jews are vermin", MS_GROUP_TERMS_OFF));
    assert_false(same_buckets("Latinos are vermin", "idiots are vermin", MS_GROUP_TERMS_REPLACE));
    /* <g>, <g> are, <g> are vermin */
    assert_int_equal(placeholder_grams("latinos are vermin"), 3);
    /* <g>, all <g>, <g> should, all <g> should, <g> should go */
    assert_int_equal(placeholder_grams("all native americans should go"), 5);
    assert_int_equal(placeholder_grams("native speakers are here"), 0);
    ms_feature_config on, bad;
    ms_feature_config_default(&on, MS_TASK_HOSTILITY);
    bad = on;
    on.group_terms = MS_GROUP_TERMS_ADD;
    bad.group_terms = MS_GROUP_TERMS_REPLACE + 1;
    assert_setting_apart(&on, &bad);
}

/* The scope-marked units group_scope adds to text (identity terms
 * replaced). */
static size_t scope_marks(const char *text)
{
    uint32_t b[512];
    return scope_buckets(text, MS_GROUP_TERMS_REPLACE, 1, b, 512) -
           scope_buckets(text, MS_GROUP_TERMS_REPLACE, 0, b, 512);
}

/* group_scope (added): the words and placeholders after a negation or a verb of
 * saying, to the clause's end or SCOPE_MAX units, and inside double quotes
 * (plain or typographic), each counted again marked by its scope, in a
 * sentence that names a group; the cue itself is not; an attack with no
 * cue has no mark. It needs identity terms,
 * and a version this build does not know is refused. */
static void test_group_scope_marks(void **state)
{
    (void)state;
    assert_int_equal(scope_marks("latinos are parasites"), 0);
    assert_int_equal(scope_marks("Latinos are not parasites"), 1);       /* parasites */
    assert_int_equal(scope_marks("I don't hate Latinos"), 2);            /* hate, <g> */
    assert_int_equal(scope_marks("I don't know, Latinos are parasites"), 1); /* know */
    assert_int_equal(scope_marks("I do not care but Latinos are parasites"), 2); /* care, but */
    assert_int_equal(scope_marks("not one two three four latinos six seven"), 5); /* SCOPE_MAX */
    /* a sentence without a group is not marked */
    assert_int_equal(scope_marks("I don't know. Latinos are parasites"), 0);
    assert_int_equal(scope_marks("Latinos, I don't know!"), 1);
    /* said: <g>, are, parasites; quoted: the same three */
    assert_int_equal(scope_marks("he wrote \"Latinos are parasites\""), 6);
    assert_int_equal(scope_marks("\xe2\x80\x9cLatinos are parasites\xe2\x80\x9d he said"), 3);
    /* saying says <g>, are, parasites; not negates the same four as saying */
    assert_int_equal(scope_marks("stop saying latinos are parasites"), 3);
    assert_int_equal(scope_marks("not saying latinos are parasites"), 7);
    /* "no" starts more attacks than denials: not a cue */
    assert_int_equal(scope_marks("no more latinos here"), 0);
    /* a negated and a plain attack differ by their marks alone */
    assert_false(same_buckets("Latinos are not parasites", "Latinos are parasites not",
                              MS_GROUP_TERMS_REPLACE) &&
                 scope_marks("Latinos are parasites not") == 0);
    /* replacing, a scoped word is only its mark: no word, bigram or
     * character n-gram of its own, no placeholder n-gram through it */
    uint32_t b[512];
    size_t (*count)(const char *, int, int, uint32_t *, size_t) = scope_buckets;
    int r = MS_GROUP_TERMS_REPLACE, sr = MS_GROUP_SCOPE_REPLACE;
    assert_int_equal(count("latinos are not parasites", r, sr, b, 512),
                     count("latinos are not", r, sr, b, 512) + 1);
    assert_int_equal(count("i dont hate latinos", r, sr, b, 512),
                     count("i dont", r, sr, b, 512) + 2);
    assert_int_equal(count("latinos are parasites", r, sr, b, 512),
                     count("latinos are parasites", r, 0, b, 512));
    ms_feature_config on, bad, off;
    ms_feature_config_default(&on, MS_TASK_HOSTILITY);
    on.group_terms = MS_GROUP_TERMS_REPLACE;
    off = on;
    on.group_scope = 1;
    bad = on;
    bad.group_scope = MS_GROUP_SCOPE_REPLACE + 1;
    assert_setting_apart(&on, &bad);
    assert_false(ms_feature_config_shared(&on, &off));
    bad = on;
    bad.group_terms = MS_GROUP_TERMS_OFF; /* scope without identity terms */
    ms_featurizer *f = NULL;
    assert_int_equal(ms_featurizer_new(&bad, NULL, &f), MS_ERR_ARG);
    assert_null(f);
}

/* A placeholder n-gram is counted once and its contribution shared by the
 * tokens it spans: the reasons' contributions still add up to w.x. */
static void test_group_terms_attribution(void **state)
{
    (void)state;
    ms_lexicon *lx = NULL;
    assert_int_equal(ms_lexicon_load(MS_MODELS_DIR "/lexicons", &lx, NULL), MS_OK);
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.hash_bits = 16;
    cfg.group_terms = MS_GROUP_TERMS_ADD;
    cfg.group_scope = MS_GROUP_SCOPE_REPLACE; /* and the scope marks, spanning their units */
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&cfg, lx, &f), MS_OK);
    size_t nb = (size_t)1 << cfg.hash_bits;
    ms_idf idf;
    double *w = made_up_model(cfg.hash_bits, &idf);
    const char *text = "all native americans and mentally ill people should go, said the muslims; "
                       "\"native americans are not vermin\"";
    ms_input in = {.text = text, .len = strlen(text)};
    unsigned notes = 0;
    double dot;
    assert_int_equal(ms_features_prepare(f, &in, &notes), MS_OK);
    assert_int_equal(ms_features_dot(f, &idf, w, (int32_t)nb + 1, &dot), MS_OK);
    assert_contributions_add_up(f, &idf, w, (int32_t)nb + 1, dot);
    free(w);
    free(idf.idf);
    ms_featurizer_free(f);
    ms_lexicon_free(lx);
}

static int skip_idiot(void *ud, const char *w, size_t n)
{
    (void)ud;
    return n == 5 && memcmp(w, "idiot", 5) == 0;
}

/* x and y weigh their prepared inputs with idf into the same sorted
 * vector, bit for bit (a and b: scratch). */
static void assert_same_vector(ms_featurizer *x, ms_featurizer *y, const ms_idf *idf, ms_fvec *a,
                               ms_fvec *b, const char *text)
{
    /* sorted, and in the order a dot product sums them (unsorted) */
    for (int sorted = 1; sorted >= 0; sorted--) {
        assert_int_equal(ms_features_weigh(x, idf, sorted, a), MS_OK);
        assert_int_equal(ms_features_weigh(y, idf, sorted, b), MS_OK);
        if (a->n != b->n || memcmp(a->idx, b->idx, a->n * sizeof *a->idx) ||
            memcmp(a->val, b->val, a->n * sizeof *a->val))
            fail_msg("\"%s\": prepare_from differs from prepare (sorted %d)", text, sorted);
    }
}

/* ms_features_prepare_from with a source prepared for the same input
 * gives what ms_features_prepare gives, bit for bit (vector, notes,
 * sentiment, tokens): for settings that take the source's lexicon and
 * intent blocks and for those that must compute their own (another
 * lexicon setting, intent version or skipped word; other fold rules take
 * nothing). A source without the input's tokens is refused. */
static void test_prepare_from_is_prepare(void **state)
{
    (void)state;
    ms_lexicon *lx = NULL;
    assert_int_equal(ms_lexicon_load(MS_MODELS_DIR "/lexicons", &lx, NULL), MS_OK);
    enum { N = 8 };
    ms_feature_config src_cfg, cfg[N];
    ms_feature_config_default(&src_cfg, MS_TASK_HOSTILITY);
    src_cfg.hash_bits = 16;
    src_cfg.intent = 1;
    for (int k = 0; k < N; k++)
        cfg[k] = src_cfg;
    cfg[0].group_terms = MS_GROUP_TERMS_REPLACE; /* identity_attack's */
    cfg[0].group_scope = MS_GROUP_SCOPE_REPLACE;
    cfg[0].intent = 0;
    cfg[1].group_terms = MS_GROUP_TERMS_ADD;     /* intent copied */
    cfg[1].group_scope = MS_GROUP_SCOPE_ADD;
    cfg[2].lexicon = MS_LEXICON_STYLE;           /* lexicon block computed */
    /* cfg[3] the same settings, but it skips "idiot": computed */
    cfg[4].fold = MS_FOLD_UMLAUT_E;              /* tokenised again */
    cfg[5].lexicon = 0;
    /* identity_attack's placeholders take the source's counts for a text
     * without an identity term (issue 20), but only with the same n-gram
     * settings: not with other character n-grams or another "aimed" window */
    cfg[6].group_terms = MS_GROUP_TERMS_REPLACE;
    cfg[6].char_ngram_max = 4;
    cfg[7].group_terms = MS_GROUP_TERMS_REPLACE;
    cfg[7].you_window = 2;
    ms_featurizer *src, *from[N], *ref[N];
    assert_int_equal(ms_featurizer_new(&src_cfg, lx, &src), MS_OK);
    for (int k = 0; k < N; k++) {
        assert_int_equal(ms_featurizer_new(&cfg[k], lx, &from[k]), MS_OK);
        assert_int_equal(ms_featurizer_new(&cfg[k], lx, &ref[k]), MS_OK);
    }
    ms_featurizer_set_skip(from[3], skip_idiot, NULL);
    ms_featurizer_set_skip(ref[3], skip_idiot, NULL);
    ms_idf idf;
    double *w = made_up_model(src_cfg.hash_bits, &idf);
    static const char *const texts[] = {
        "I will kill you and burn down your house, idiot",
        "Muslims are VERMIN!!! you are an idiot and native americans too",
        "bad \xff bytes, sh1t f*ck, stuuupid gr\xc3\xbc\xc3\x9f" "e", "", "all women should go",
        "stop saying \"women are not people\""};
    ms_fvec a = {0}, b = {0};
    assert_int_equal(ms_features_prepare_from(from[0], src, &(ms_input){.text = "x", .len = 1},
                                              NULL),
                     MS_ERR_ARG);
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        ms_input in = {.text = texts[t], .len = strlen(texts[t])}, other = in;
        unsigned ns = 0;
        assert_int_equal(ms_features_prepare(src, &in, &ns), MS_OK);
        assert_int_equal(ms_features_prepare_from(from[0], src, &other, NULL), MS_ERR_ARG);
        assert_int_equal(ms_features_prepare_from(from[0], from[0], &in, NULL), MS_ERR_ARG);
        for (int k = 0; k < N; k++) {
            unsigned nf = 0, nr = 0;
            assert_int_equal(ms_featurizer_tokens_shared(from[k], src), k != 4);
            assert_int_equal(ms_features_prepare_from(from[k], src, &in, &nf), MS_OK);
            assert_int_equal(ms_features_prepare(ref[k], &in, &nr), MS_OK);
            assert_int_equal(nf, nr);
            assert_int_equal(nf, ns);
            assert_true(ms_features_sentiment(from[k]) == ms_features_sentiment(ref[k]));
            assert_int_equal(ms_featurizer_tokens(from[k])->n, ms_featurizer_tokens(ref[k])->n);
            assert_same_vector(from[k], ref[k], &idf, &a, &b, texts[t]);
        }
        /* from a source without the intent block (itself lent its tokens) */
        assert_int_equal(ms_features_prepare_from(from[1], from[0], &in, NULL), MS_OK);
        assert_same_vector(from[1], ref[1], &idf, &a, &b, texts[t]);
        /* a source that has moved on (prepared another input) before the
         * counts it lent are first read: they are counted again, the same */
        ms_input next = {.text = "something else entirely", .len = 23};
        assert_int_equal(ms_features_prepare_from(from[0], src, &in, NULL), MS_OK);
        assert_int_equal(ms_features_prepare(src, &next, NULL), MS_OK);
        assert_same_vector(from[0], ref[0], &idf, &a, &b, texts[t]);
    }
    ms_fvec_free(&a);
    ms_fvec_free(&b);
    free(w);
    free(idf.idf);
    ms_featurizer_free(src);
    for (int k = 0; k < N; k++) {
        ms_featurizer_free(from[k]);
        ms_featurizer_free(ref[k]);
    }
    ms_lexicon_free(lx);
}

/* The sorted distinct buckets of text with the hostility defaults and
 * char_chunks chunks. OUT: b (at most cap). */
static size_t chunk_buckets(const char *text, int chunks, uint32_t *b, size_t cap)
{
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.you_window = 0;
    cfg.char_chunks = chunks;
    return sorted_buckets(&cfg, NULL, text, b, cap);
}

static int same_chunk_buckets(const char *a, const char *b, int chunks)
{
    uint32_t x[512], y[512];
    size_t nx = chunk_buckets(a, chunks, x, 512), ny = chunk_buckets(b, chunks, y, 512);
    return nx == ny && memcmp(x, y, nx * sizeof *x) == 0;
}

/* char_chunks: the char block from the text split at spaces, lower-cased,
 * its punctuation and emoji kept (the words' char n-grams lose them); a
 * link's chunk has none, as a link's word has none; the words' block is
 * the same either way; a chunk of no word counts for the word before it;
 * both sources side by side. */
static void test_char_chunks(void **state)
{
    (void)state;
    uint32_t b[512];
    assert_true(same_chunk_buckets("so ein Mist!", "so ein Mist", 0));
    assert_false(same_chunk_buckets("so ein Mist!", "so ein Mist", 1));
    assert_true(same_chunk_buckets("SO EIN MIST!", "so ein mist!", 1));
    assert_true(same_chunk_buckets("so  ein\tMist!\n", "so ein Mist!", 1));
    assert_false(same_chunk_buckets("na klar \xF0\x9F\x98\x82", "na klar", 1));
    assert_true(same_chunk_buckets("na klar \xF0\x9F\x98\x82", "na klar", 0));
    assert_int_equal(chunk_buckets("\xF0\x9F\x98\x82\xF0\x9F\xA4\xA3", 0, b, 512), 0);
    /* " 😂🤣 ": 2-grams 3, 3-grams 2, 4-grams 1 */
    assert_int_equal(chunk_buckets("\xF0\x9F\x98\x82\xF0\x9F\xA4\xA3", 1, b, 512), 6);
    assert_true(same_chunk_buckets("see http://a.de/xyz", "see https://b.org/q?r=1", 1));
    assert_true(chunk_buckets("\xFF\xFE ab\xC3", 1, b, 512) > 0); /* invalid bytes */
    /* the same word n-grams: "a b" has no char n-grams of 2+ bytes but " a" */
    size_t words = chunk_buckets("aa bb", 0, b, 512), chunked = chunk_buckets("aa bb", 1, b, 512);
    assert_int_equal(words, chunked);
    /* both: the words' char n-grams and the chunks', hashed apart */
    assert_int_equal(chunk_buckets("aa bb", MS_CHAR_SOURCE_BOTH, b, 512), words + 12);
    assert_false(same_chunk_buckets("so ein Mist!", "so ein Mist", MS_CHAR_SOURCE_BOTH));
    /* contributions still add up: the chunks of no word count for a word */
    ms_feature_config cfg;
    ms_feature_config_default(&cfg, MS_TASK_HOSTILITY);
    cfg.hash_bits = 12;
    cfg.char_chunks = 1;
    ms_idf idf;
    double *w = made_up_model(cfg.hash_bits, &idf);
    ms_featurizer *f;
    assert_int_equal(ms_featurizer_new(&cfg, NULL, &f), MS_OK);
    const char *text = "!!! so ein Mist... \xF0\x9F\x98\x82 http://x.de ?";
    ms_input in = {.text = text, .len = strlen(text)};
    double dot;
    assert_int_equal(ms_features_prepare(f, &in, NULL), MS_OK);
    assert_int_equal(ms_features_dot(f, &idf, w, (int32_t)(1u << cfg.hash_bits) + 1, &dot), MS_OK);
    assert_contributions_add_up(f, &idf, w, (int32_t)(1u << cfg.hash_bits) + 1, dot);
    ms_featurizer_free(f);
    free(w);
    free(idf.idf);
    /* settings: a newer rule refused; models differing in it share no pass */
    ms_feature_config a, c;
    ms_feature_config_default(&a, MS_TASK_HOSTILITY);
    c = a;
    c.char_chunks = 1;
    assert_false(ms_feature_config_shared(&a, &c));
    c.char_chunks = MS_CHAR_CHUNKS_VERSION + 1;
    assert_int_equal(ms_featurizer_new(&c, NULL, &f), MS_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_words_near_you_are_aimed),
        cmocka_unit_test(test_skipped_you_aims_nothing),
        cmocka_unit_test(test_window_is_validated),
        cmocka_unit_test(test_words_near_groups_are_group_aimed),
        cmocka_unit_test(test_fold_rules_in_settings),
        cmocka_unit_test(test_style_block_has_no_english_lists),
        cmocka_unit_test(test_list_block_reads_the_language_list),
        cmocka_unit_test(test_long_comment_table),
        cmocka_unit_test(test_packed_weights_are_exact),
        cmocka_unit_test(test_intent_block),
        cmocka_unit_test(test_intent_index),
        cmocka_unit_test(test_attribute_explains_the_last_prepare),
        cmocka_unit_test(test_intent_attribution),
        cmocka_unit_test(test_group_terms_placeholder),
        cmocka_unit_test(test_group_scope_marks),
        cmocka_unit_test(test_group_terms_attribution),
        cmocka_unit_test(test_prepare_from_is_prepare),
        cmocka_unit_test(test_char_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_scorer.c - the scorer end to end on real comments with the shipped
 * models: the fast linear path (the compiled, collapsed weight vector)
 * gives the probability libsvm's own svm_predict_probability gives on the
 * libsvm model file, for every comment of the test fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <libsvm/svm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card.h"
#include "fixtures.h"
#include "featurize.h"
#include "lexicon.h"
#include "modscore.h"
#include "modelset.h"
#include "util.h"

typedef struct fixture {
    scoring sc;
    ms_discussion *docs[2];
} fixture;

static const char *const docs[2] = {MS_TEST_DATA "/reader/page_example.txt",
                                    MS_TEST_DATA "/e2e/discussion.json"};

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    ms_error err;
    if (!fx || scoring_open(&fx->sc) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        char *data;
        size_t len;
        if (ms_read_file(docs[i], 1 << 24, &data, &len, &err) != MS_OK)
            return -1;
        ms_status st = ms_discussion_parse(data, len, MS_FORMAT_AUTO, docs[i], &fx->docs[i], &err);
        free(data);
        if (st != MS_OK)
            return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    for (int i = 0; i < 2; i++)
        ms_discussion_free(fx->docs[i]);
    scoring_close(&fx->sc);
    free(fx);
    return 0;
}

/* Builds the hostility features of a text the way the model was trained
 * (card settings, shipped idf) and asks libsvm for P(label 1). */
static double libsvm_probability(struct svm_model *m, ms_featurizer *fz, const ms_idf *idf,
                                 const char *text, size_t len)
{
    ms_fvec v = {0};
    ms_input in = {.text = text, .len = len};
    assert_int_equal(ms_features_build(fz, idf, &in, 1, &v, NULL), MS_OK);
    struct svm_node *x = malloc((v.n + 1) * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < v.n; i++) {
        x[i].index = v.idx[i];
        x[i].value = v.val[i];
    }
    x[v.n].index = -1;
    double prob[2];
    svm_predict_probability(m, x, prob);
    int labels[2];
    svm_get_labels(m, labels);
    free(x);
    ms_fvec_free(&v);
    return labels[0] == 1 ? prob[0] : prob[1];
}

static void test_fast_path_equals_libsvm(void **state)
{
    fixture *fx = *state;
    ms_card card;
    ms_idf idf;
    ms_error err;
    assert_int_equal(ms_card_read(MS_MODELS_DIR "/hostility/card.json", &card, &err), MS_OK);
    assert_int_equal(ms_idf_read(MS_MODELS_DIR "/hostility/idf.bin", &idf, &err), MS_OK);
    struct svm_model *m = svm_load_model(MS_MODELS_DIR "/hostility/model.svm");
    assert_non_null(m);
    assert_int_equal(svm_check_probability_model(m), 1);
    ms_featurizer *fz;
    assert_int_equal(ms_featurizer_new(&card.features, ms_models_lexicon(fx->sc.models), &fz), MS_OK);
    size_t compared = 0;
    for (int d = 0; d < 2; d++) {
        for (size_t i = 0; i < fx->docs[d]->n_comments; i++) {
            const ms_comment *c = &fx->docs[d]->comments[i];
            ms_input in = {.text = c->text, .len = c->text_len};
            ms_result r;
            assert_int_equal(ms_score(fx->sc.scorer, &in, &r), MS_OK);
            double want = libsvm_probability(m, fz, &idf, c->text, c->text_len);
            if (fabs(r.hostility - want) > 1e-9)
                fail_msg("comment %s: fast path %.17g, libsvm %.17g", c->id, r.hostility, want);
            ms_result_clear(&r);
            compared++;
        }
    }
    assert_int_equal(compared, 16);
    ms_featurizer_free(fz);
    svm_free_and_destroy_model(&m);
    free(idf.idf);
    ms_card_clear(&card);
}

/* The two plainly hostile comments of the example outrank every plainly
 * civil one (the spine issue's acceptance check). */
static void test_example_ranking(void **state)
{
    fixture *fx = *state;
    const ms_discussion *d = fx->docs[0];
    assert_int_equal(d->n_comments, 12);
    double s[12];
    for (size_t i = 0; i < 12; i++) {
        ms_input in = {.text = d->comments[i].text, .len = d->comments[i].text_len};
        ms_result r;
        assert_int_equal(ms_score(fx->sc.scorer, &in, &r), MS_OK);
        s[i] = r.hostility;
        ms_result_clear(&r);
    }
    const int hostile[] = {3, 8}, civil[] = {1, 4, 6, 9, 10, 12};
    for (size_t h = 0; h < 2; h++)
        for (size_t c = 0; c < 6; c++)
            if (!(s[hostile[h] - 1] > s[civil[c] - 1]))
                fail_msg("comment %d (%.3f) does not outrank civil comment %d (%.3f)", hostile[h],
                         s[hostile[h] - 1], civil[c], s[civil[c] - 1]);
}

/* Context changes the off-topic score and only that. */
static void test_off_topic_needs_context(void **state)
{
    fixture *fx = *state;
    const ms_discussion *d = fx->docs[1];
    const ms_comment *spam = &d->comments[3];
    ms_input bare = {.text = spam->text, .len = spam->text_len};
    ms_input ctx = bare;
    ctx.article = d->articles[0];
    ms_result a, b;
    assert_int_equal(ms_score(fx->sc.scorer, &bare, &a), MS_OK);
    assert_int_equal(ms_score(fx->sc.scorer, &ctx, &b), MS_OK);
    assert_false(a.has_off_topic);
    assert_non_null(a.off_topic_missing);
    assert_true(b.has_off_topic);
    assert_true(b.off_topic >= 0 && b.off_topic <= 1);
    assert_true(a.hostility == b.hostility);
    ms_result_clear(&a);
    ms_result_clear(&b);
}

/* Deny terms match after folding ("f*ck" is "fuck"), several words long,
 * with the span of the words in the original text; allow terms stop a
 * word from counting at all. */
static void test_deny_and_allow_terms(void **state)
{
    fixture *fx = *state;
    const char *json = "{\"deny\":[\"fuck\",\"go back to your country\"],\"allow\":[\"idiot\"]}";
    ms_policy *p;
    ms_error err;
    assert_int_equal(ms_policy_parse(json, strlen(json), "inline", &p, &err), MS_OK);
    ms_scorer *s;
    assert_int_equal(ms_scorer_new(fx->sc.models, p, &s), MS_OK);
    const char *text = "Well f*ck that, GO BACK TO your country!";
    ms_input in = {.text = text, .len = strlen(text)};
    ms_result r;
    assert_int_equal(ms_score(s, &in, &r), MS_OK);
    assert_true(r.flags & MS_FLAG_DENY);
    assert_true(r.action >= MS_ACTION_REVIEW);
    int spans = 0;
    for (size_t i = 0; i < r.n_reasons; i++) {
        if (strcmp(r.reasons[i].category, "deny"))
            continue;
        assert_true(r.reasons[i].has_span);
        spans |= !strcmp(r.reasons[i].term, "f*ck") ? 1 : 0;
        spans |= !strcmp(r.reasons[i].term, "GO BACK TO your country") ? 2 : 0;
    }
    assert_int_equal(spans, 3);
    ms_result_clear(&r);

    /* "idiot" is allowed: the comment scores as if the word were absent */
    const char *with = "You idiot, read the article.", *without = "You , read the article.";
    ms_input a = {.text = with, .len = strlen(with)}, b = {.text = without, .len = strlen(without)};
    ms_result ra, rb;
    assert_int_equal(ms_score(s, &a, &ra), MS_OK);
    assert_int_equal(ms_score(s, &b, &rb), MS_OK);
    assert_true(fabs(ra.hostility - rb.hostility) < 0.05);
    ms_result_clear(&ra);
    ms_result_clear(&rb);
    ms_scorer_free(s);
    ms_policy_free(p);
}

/* ------------------------------------------------------------------------
 * Categories are data: a model directory whose card names a category is
 * one. The set here is the shipped one plus "insult", a directory with the
 * hostility model's files (symbolic links) under a card that names
 * insult; "spans", whose card names no category, and "notes", without a
 * card, are passed over. */

static void write_text_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* dir/name: links to the hostility model's files and a card that names
 * category (attribute its Perspective attribute). */
static void make_category_dir(const char *dir, const char *name, const char *category,
                              const char *attribute)
{
    char path[4096], target[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(mkdir(path, 0755), 0);
    static const char *const files[] = {"model.svm", "idf.bin", "model.bin"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(target, sizeof target, "%s/hostility/%s", MS_MODELS_DIR, files[i]);
        snprintf(path, sizeof path, "%s/%s/%s", dir, name, files[i]);
        assert_int_equal(symlink(target, path), 0);
    }
    char *card;
    size_t len;
    assert_int_equal(ms_read_file(MS_MODELS_DIR "/hostility/card.json", 1u << 20, &card, &len,
                                  NULL),
                     MS_OK);
    const char *from[2] = {"\"category\": \"hostility\"", "\"perspective_attribute\": \"TOXICITY\""};
    char to[2][128];
    snprintf(to[0], sizeof to[0], "\"category\": \"%s\"", category);
    snprintf(to[1], sizeof to[1], "\"perspective_attribute\": \"%s\"", attribute);
    ms_buf out = {0};
    const char *p = card;
    for (int k = 0; k < 2; k++) {
        const char *at = strstr(p, from[k]);
        assert_non_null(at);
        ms_buf_add(&out, p, (size_t)(at - p));
        ms_buf_adds(&out, to[k]);
        p = at + strlen(from[k]);
    }
    ms_buf_adds(&out, p);
    snprintf(path, sizeof path, "%s/%s/card.json", dir, name);
    write_text_file(path, out.data);
    ms_buf_free(&out);
    free(card);
}

static void remove_tree(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_categories_are_data(void **state)
{
    fixture *fx = *state;
    char dir[] = "/tmp/modscore-categories-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[4096];
    static const char *const shipped[] = {"lexicons", "hostility", "off_topic"};
    for (size_t i = 0; i < 3; i++) {
        char target[4096];
        snprintf(target, sizeof target, "%s/%s", MS_MODELS_DIR, shipped[i]);
        snprintf(path, sizeof path, "%s/%s", dir, shipped[i]);
        assert_int_equal(symlink(target, path), 0);
    }
    make_category_dir(dir, "insult", "insult", "INSULT");
    /* the reason-spans model: a card without a category, not a category */
    snprintf(path, sizeof path, "%s/spans", dir);
    assert_int_equal(symlink(MS_MODELS_DIR "/spans", path), 0);
    snprintf(path, sizeof path, "%s/notes", dir);
    assert_int_equal(mkdir(path, 0755), 0);

    ms_models *m;
    ms_error err;
    assert_int_equal(ms_models_load(dir, &m, &err), MS_OK);
    assert_int_equal(ms_models_category_count(m), 3);
    const char *names[3] = {"hostility", "off_topic", "insult"};
    const char *attrs[3] = {"TOXICITY", "OFF_TOPIC", "INSULT"};
    for (size_t i = 0; i < 3; i++) {
        const ms_category_info *ci = ms_models_category_info(m, i);
        assert_string_equal(ci->name, names[i]);
        assert_string_equal(ci->perspective_attribute, attrs[i]);
        assert_string_equal(ci->language, "en");
        assert_int_equal(ci->needs_context, i == 1);
        assert_int_equal(ms_models_category_find(m, names[i]), (int)i);
        assert_int_equal(ms_models_category_for_attribute(m, attrs[i]), (int)i);
    }
    assert_null(ms_models_category_info(m, 3));
    assert_int_equal(ms_models_category_find(m, "threat"), -1);
    assert_int_equal(ms_models_category_for_attribute(m, "THREAT"), -1);

    /* the insult model shares hostility's pass and weights: the same score;
     * the default policy flags it and leaves the action to hostility */
    ms_scorer *s;
    assert_int_equal(ms_scorer_new(m, fx->sc.policy, &s), MS_OK);
    const char *text = "You are a pathetic idiot and everyone here knows it.";
    ms_input in = {.text = text, .len = strlen(text)};
    ms_result r, shipped_r;
    assert_int_equal(ms_score(s, &in, &r), MS_OK);
    assert_int_equal(ms_score(fx->sc.scorer, &in, &shipped_r), MS_OK);
    assert_int_equal(r.n_scores, 3);
    assert_string_equal(r.scores[2].category, "insult");
    assert_true(r.scores[2].has_score);
    assert_true(r.scores[2].score == r.scores[0].score);
    assert_true(r.scores[0].score == r.hostility && r.hostility == shipped_r.hostility);
    assert_false(r.scores[1].has_score);
    assert_non_null(r.scores[1].missing);
    assert_true(r.scores[2].score >= 0.5);
    assert_true(r.scores[2].flagged);
    assert_true(r.flags & MS_FLAG_OTHER);
    assert_int_equal(r.action, shipped_r.action);
    int insult_reasons = 0;
    for (size_t i = 0; i < r.n_reasons; i++)
        insult_reasons += strcmp(r.reasons[i].category, "insult") == 0;
    assert_true(insult_reasons > 0);
    char *json = ms_result_json(NULL, &r);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"insult\":"));
    assert_non_null(strstr(json, "\"flags\":[\"hostility\",\"insult\"]"));
    ms_free(json);
    ms_result_clear(&r);
    ms_result_clear(&shipped_r);

    /* a policy that names insult acts on it */
    ms_policy *p;
    const char *pj = "{\"thresholds\":{\"insult\":{\"review\":0.3,\"reject\":0.35}}}";
    assert_int_equal(ms_policy_parse(pj, strlen(pj), "inline", &p, &err), MS_OK);
    ms_scorer *s2;
    assert_int_equal(ms_scorer_new(m, p, &s2), MS_OK);
    assert_int_equal(ms_score(s2, &in, &r), MS_OK);
    assert_int_equal(r.action, MS_ACTION_REJECT);
    ms_result_clear(&r);
    ms_scorer_free(s2);
    ms_policy_free(p);
    ms_scorer_free(s);
    ms_models_free(m);

    /* two directories naming one category is an error */
    make_category_dir(dir, "insult2", "insult", "INSULT");
    assert_int_equal(ms_models_load(dir, &m, &err), MS_ERR_MODEL);
    assert_null(m);
    assert_non_null(strstr(err.message, "\"insult\""));
    remove_tree(dir);
}

/* The packed pass (several models' weights side by side, made by
 * ms_models_load) gives exactly the scores of each model on its own (what
 * `check`'s MS_LOAD_TRUST_COMPILED load, which does not pack, computes). */
static void test_packed_models_score_the_same(void **state)
{
    fixture *fx = *state;
    ms_models *plain;
    ms_error err;
    assert_int_equal(ms_models_load_flags(MS_MODELS_DIR, MS_LOAD_TRUST_COMPILED, &plain, &err),
                     MS_OK);
    ms_scorer *s;
    assert_int_equal(ms_scorer_new(plain, fx->sc.policy, &s), MS_OK);
    size_t compared = 0;
    for (int d = 0; d < 2; d++) {
        for (size_t i = 0; i < fx->docs[d]->n_comments; i++) {
            const ms_comment *c = &fx->docs[d]->comments[i];
            ms_input in = {.text = c->text, .len = c->text_len, .language = "en"};
            ms_result a, b;
            assert_int_equal(ms_score(fx->sc.scorer, &in, &a), MS_OK);
            assert_int_equal(ms_score(s, &in, &b), MS_OK);
            assert_int_equal(a.n_scores, b.n_scores);
            for (size_t k = 0; k < a.n_scores; k++) {
                assert_int_equal(a.scores[k].has_score, b.scores[k].has_score);
                if (a.scores[k].score != b.scores[k].score)
                    fail_msg("comment %s, %s: packed %.17g, alone %.17g", c->id,
                             a.scores[k].category, a.scores[k].score, b.scores[k].score);
                compared++;
            }
            ms_result_clear(&a);
            ms_result_clear(&b);
        }
    }
    assert_true(compared >= 16 * 5);
    ms_scorer_free(s);
    ms_models_free(plain);
}

/* The reasons of category cat in r, as "term weight" lines. */
static void reasons_of(const ms_result *r, const char *cat, ms_buf *out)
{
    out->len = 0;
    for (size_t i = 0; i < r->n_reasons; i++)
        if (!strcmp(r->reasons[i].category, cat))
            assert_int_equal(ms_buf_printf(out, "%s %.17g\n",
                                           r->reasons[i].term ? r->reasons[i].term : "-",
                                           r->reasons[i].weight),
                             MS_OK);
}

/* Every comment-only model is packed, of one group and language together
 * or alone (issue 20: identity_attack and the languages' models read their
 * own 12 MB mappings at random before, resident once a stream had touched
 * them), and each scores, flags and explains exactly as it does unpacked
 * (MS_LOAD_TRUST_COMPILED, which `check` uses, packs nothing): English
 * comments, and Spanish and Portuguese ones routed to those models. */
static void reasons_all(const ms_result *r, ms_buf *out)
{
    out->len = 0;
    for (size_t i = 0; i < r->n_reasons; i++) {
        const ms_reason *e = &r->reasons[i];
        assert_int_equal(ms_buf_printf(out, "%s %s %zu %zu %.17g\n", e->category,
                                       e->term ? e->term : "-", e->start, e->end, e->weight),
                         MS_OK);
    }
}

static void test_packed_is_unpacked(void **state)
{
    fixture *fx = *state;
    ms_models *packed, *unpacked;
    ms_error err;
    assert_int_equal(ms_models_load(MS_MODELS_DIR, &packed, &err), MS_OK);
    assert_int_equal(ms_models_load_flags(MS_MODELS_DIR, MS_LOAD_TRUST_COMPILED, &unpacked, &err),
                     MS_OK);
    assert_int_equal(packed->n, unpacked->n);
    size_t alone = 0, nested = 0;
    for (size_t i = 0; i < packed->n; i++) {
        const loaded_model *lm = &packed->m[i];
        assert_int_equal(lm->pack >= 0, !lm->card.features.context);
        assert_int_equal(unpacked->m[i].pack, -1);
        alone += lm->pack >= 0 && packed->packs[lm->pack].k == 1;
        nested += lm->pack >= 0 && lm->nested;
    }
    assert_true(alone > 0 && nested > 0);
    /* hostility's group and identity_attack's share one pack (one pass
     * over it for a comment that names no group; "muslims" below names one) */
    int packs[2] = {-2, -3};
    for (size_t i = 0; i < packed->n; i++)
        for (int c = 0; c < 2; c++)
            if (!packed->m[i].nested &&
                !strcmp(packed->m[i].card.category, c ? "identity_attack" : "hostility"))
                packs[c] = packed->m[i].pack;
    assert_int_equal(packs[0], packs[1]);
    ms_scorer *a, *b;
    assert_int_equal(ms_scorer_new(packed, fx->sc.policy, &a), MS_OK);
    assert_int_equal(ms_scorer_new(unpacked, fx->sc.policy, &b), MS_OK);
    ms_scorer_set_reasons(a, MS_REASONS_ALL);
    ms_scorer_set_reasons(b, MS_REASONS_ALL);
    static const struct {
        const char *text, *lang;
    } extra[] = {{"I will kill you, muslims are vermin, you idiot", "en"},
                 {"eres un idiota y un imbécil, cállate", "es"},
                 {"los inmigrantes son basura, fuera de aquí", "es"},
                 {"você é um idiota e um otário, cala a boca", "pt"}};
    size_t n_doc = fx->docs[1]->n_comments, n = n_doc + sizeof extra / sizeof *extra;
    ms_buf ra = {0}, rb = {0};
    size_t nested_scored = 0, flagged = 0;
    for (size_t i = 0; i < n; i++) {
        const ms_comment *cm = i < n_doc ? &fx->docs[1]->comments[i] : NULL;
        const char *text = cm ? cm->text : extra[i - n_doc].text;
        ms_input in = {.text = text, .len = cm ? cm->text_len : strlen(text),
                       .language = cm ? "en" : extra[i - n_doc].lang};
        ms_result x, y;
        assert_int_equal(ms_score(a, &in, &x), MS_OK);
        assert_int_equal(ms_score(b, &in, &y), MS_OK);
        assert_int_equal(x.n_scores, y.n_scores);
        for (size_t k = 0; k < x.n_scores; k++) {
            assert_int_equal(x.scores[k].has_score, y.scores[k].has_score);
            if (memcmp(&x.scores[k].score, &y.scores[k].score, sizeof x.scores[k].score))
                fail_msg("%s, \"%.40s\": packed %.17g, unpacked %.17g", packed->m[k].card.category,
                         text, x.scores[k].score, y.scores[k].score);
            assert_int_equal(x.scores[k].flagged, y.scores[k].flagged);
            nested_scored += x.scores[k].has_score && packed->m[k].nested;
            flagged += x.scores[k].flagged;
        }
        reasons_all(&x, &ra);
        reasons_all(&y, &rb);
        if (ra.len != rb.len || (ra.len && strcmp(ra.data, rb.data)))
            fail_msg("\"%.40s\": reasons packed\n%s unpacked\n%s", text, ra.len ? ra.data : "",
                     rb.len ? rb.data : "");
        ms_result_clear(&x);
        ms_result_clear(&y);
    }
    assert_true(nested_scored >= 4 && flagged > 0);
    ms_buf_free(&ra);
    ms_buf_free(&rb);
    ms_scorer_free(a);
    ms_scorer_free(b);
    ms_models_free(packed);
    ms_models_free(unpacked);
}

/* Models whose settings differ only in the violent-intent block share one
 * tokenising pass (issue 20: threat and severe_toxicity took the block, and
 * a comment paid three passes instead of one), and each scores, flags and
 * explains exactly as it does alone. identity_attack's group terms change
 * its n-grams: a group of its own, which counts them on the tokens of
 * hostility's (ms_features_prepare_from). threat reads group names so too
 * (issue 22, third round) and shares identity_attack's group when their
 * scope marks (group_scope) are the same: threat with the block,
 * identity_attack without it though its group's featurizer computes it;
 * identity_attack's scope marks change its counts where a comment names a
 * group, so with them it has a group of its own, which borrows tokens as
 * the others do; each scores, flags and explains exactly as alone.
 * hostility and severe_toxicity both have the block (hostility since the
 * third round) and share their group. */
static void test_intent_shares_a_pass(void **state)
{
    fixture *fx = *state;
    const ms_models *m = fx->sc.models;
    int threat = ms_models_category_find(m, "threat");
    int hostility = ms_models_category_find(m, "hostility");
    int ia = ms_models_category_find(m, "identity_attack");
    if (threat < 0 || hostility < 0 || ia < 0)
        skip();
    assert_int_equal(m->m[threat].card.features.intent, 1);
    int sev = ms_models_category_find(m, "severe_toxicity");
    if (sev >= 0)
        assert_int_equal(m->m[sev].group, m->m[hostility].group);
    assert_int_equal(m->m[ia].card.features.intent, 0);
    assert_int_equal(m->m[threat].card.features.group_terms, m->m[ia].card.features.group_terms);
    int scope_same =
        m->m[threat].card.features.group_scope == m->m[ia].card.features.group_scope;
    assert_int_equal(m->m[threat].group == m->m[ia].group, scope_same);
    assert_int_not_equal(m->m[ia].group, m->m[hostility].group);
    /* the shared set without the reason-spans model (alone has none) */
    char tmp[] = "/tmp/ms_intentXXXXXX", link[600], to[600];
    assert_non_null(mkdtemp(tmp));
    static const char *const shared[] = {"lexicons", "hostility", "threat", "identity_attack"};
    for (int i = 0; i < 4; i++) {
        snprintf(link, sizeof link, "%s/%s", tmp, shared[i]);
        snprintf(to, sizeof to, "%s/%s", MS_MODELS_DIR, shared[i]);
        assert_int_equal(symlink(to, link), 0);
    }
    ms_models *set;
    ms_error err;
    assert_int_equal(ms_models_load(tmp, &set, &err), MS_OK);
    threat = ms_models_category_find(set, "threat");
    hostility = ms_models_category_find(set, "hostility");
    ia = ms_models_category_find(set, "identity_attack");
    assert_int_equal(set->n_groups, scope_same ? 2 : 3);
    ms_scorer *full;
    assert_int_equal(ms_scorer_new(set, fx->sc.policy, &full), MS_OK);
    ms_scorer_set_reasons(full, MS_REASONS_ALL);
    static const char *const extra[] = {"I will kill you and burn down your house",
                                        "somebody should hang him", "you are an idiot",
                                        "nobody should kill anyone, you fool",
                                        "Latinos are not vermin, stop saying \"Jews are rats\""};
    const char *const names[3] = {"threat", "hostility", "identity_attack"};
    ms_buf ra = {0}, rb = {0};
    size_t compared = 0;
    for (int c = 0; c < 3; c++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/%s", MS_MODELS_DIR, names[c]);
        ms_models *alone;
        ms_category cat;
        ms_scorer *s;
        assert_int_equal(ms_models_load_single(MS_MODELS_DIR "/lexicons", dir, &alone, &cat, &err),
                         MS_OK);
        assert_int_equal(ms_scorer_new(alone, fx->sc.policy, &s), MS_OK);
        ms_scorer_set_reasons(s, MS_REASONS_ALL);
        size_t k = (size_t)(c == 0 ? threat : c == 1 ? hostility : ia);
        for (size_t i = 0; i < fx->docs[0]->n_comments + 5; i++) {
            const ms_comment *cm =
                i < fx->docs[0]->n_comments ? &fx->docs[0]->comments[i] : NULL;
            const char *text = cm ? cm->text : extra[i - fx->docs[0]->n_comments];
            ms_input in = {.text = text, .len = cm ? cm->text_len : strlen(text),
                           .language = "en"};
            ms_result a, b;
            assert_int_equal(ms_score(full, &in, &a), MS_OK);
            assert_int_equal(ms_score(s, &in, &b), MS_OK);
            assert_int_equal(b.n_scores, 1);
            assert_true(a.scores[k].has_score && b.scores[0].has_score);
            if (a.scores[k].score != b.scores[0].score)
                fail_msg("%s, \"%.40s\": shared %.17g, alone %.17g", names[c], text,
                         a.scores[k].score, b.scores[0].score);
            assert_int_equal(a.scores[k].flagged, b.scores[0].flagged);
            reasons_of(&a, names[c], &ra);
            reasons_of(&b, names[c], &rb);
            if (ra.len != rb.len || (ra.len && strcmp(ra.data, rb.data)))
                fail_msg("%s, \"%.40s\": reasons shared\n%s alone\n%s", names[c], text,
                         ra.len ? ra.data : "", rb.len ? rb.data : "");
            compared++;
            ms_result_clear(&a);
            ms_result_clear(&b);
        }
        ms_scorer_free(s);
        ms_models_free(alone);
    }
    assert_true(compared >= 3 * 8);
    ms_buf_free(&ra);
    ms_buf_free(&rb);
    ms_scorer_free(full);
    ms_models_free(set);
    for (int i = 0; i < 4; i++) {
        snprintf(link, sizeof link, "%s/%s", tmp, shared[i]);
        unlink(link);
    }
    rmdir(tmp);
}

/* Reasons follow the attribute (issue 22 item 5): an identity_attack flag
 * names the words behind identity_attack's score (the group and what it is
 * called), not hostility's insult. */
static void test_reasons_follow_the_attribute(void **state)
{
    scoring *s = *state;
    ms_policy *p;
    ms_scorer *sc;
    ms_error err;
    if (ms_models_category_find(s->models, "identity_attack") < 0)
        skip();
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_policy_override(p, "identity_attack.flag=0.02", &err), MS_OK);
    assert_int_equal(ms_scorer_new(s->models, p, &sc), MS_OK);
    const char *t = "Immigrants are parasites, you moron";
    ms_input in = {.text = t, .len = strlen(t)};
    ms_result r;
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    int group = 0, insult = 0, hostility_moron = 0;
    for (size_t i = 0; i < r.n_reasons; i++) {
        const ms_reason *x = &r.reasons[i];
        if (!x->term)
            continue;
        if (strcmp(x->category, "identity_attack") == 0) {
            /* the group, alone or in the phrase that calls it something (the
             * model reads group names as one placeholder word since
             * --group-terms: "Immigrants are parasites" is one reason) */
            group |= strncmp(x->term, "Immigrants", 10) == 0;
            insult |= strstr(x->term, "moron") != NULL;
        } else if (strcmp(x->category, "hostility") == 0) {
            hostility_moron |= strstr(x->term, "moron") != NULL;
        }
    }
    assert_true(hostility_moron); /* hostility's own word */
    assert_true(group);
    assert_false(insult);
    ms_result_clear(&r);
    ms_scorer_free(sc);
    ms_policy_free(p);
}

/* eval scores labelled data with the model under test: a row declared in
 * the model's language is scored even when CLD2 takes it for another
 * (`modscore eval` stopped at the first such row: "has no hostility
 * score"), while a site's comment is still routed by what it is in. */
static void test_trust_declared_language(void **state)
{
    scoring *s = *state;
    ms_policy *p;
    ms_scorer *sc;
    assert_int_equal(ms_policy_default(&p), MS_OK);
    assert_int_equal(ms_scorer_new(s->models, p, &sc), MS_OK);
    const char *t = "Eres un idiota y un imbécil, vete de aquí ahora mismo y no vuelvas nunca más";
    ms_input in = {.text = t, .len = strlen(t), .language = "en"};
    ms_result r;
    int h = ms_models_category_find(s->models, "hostility");
    assert_true(h >= 0);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_false((size_t)h < r.n_scores && r.scores[h].has_score); /* routed: Spanish */
    ms_result_clear(&r);
    ms_scorer_trust_declared(sc, 1);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true((size_t)h < r.n_scores && r.scores[h].has_score);
    assert_string_equal(r.language, "en");
    ms_result_clear(&r);
    ms_scorer_free(sc);
    ms_policy_free(p);
}

/* Issue 20 item 3: a model is mapped when the first comment scored with
 * it comes, and a scorer asked for some categories
 * (ms_scorer_set_categories: Perspective's one attribute, check
 * --categories) maps those alone; what it scores is what the whole set
 * (packed) gives, and the deny terms are still found. */
static void test_categories_map_what_is_asked(void **state)
{
    fixture *fx = *state;
    ms_models *m;
    ms_policy *p;
    ms_scorer *sc;
    ms_error err;
    assert_int_equal(ms_models_load(MS_MODELS_DIR, &m, &err), MS_OK);
    size_t n = ms_models_category_count(m);
    int insult = ms_models_category_find(m, "insult");
    int hostility = ms_models_category_find(m, "hostility");
    if (insult < 0)
        skip();
    for (size_t i = 0; i < n; i++)
        assert_false(ms_models_category_mapped(m, i)); /* loaded, checked, not mapped */
    const char *policy = "{\"deny\": [\"worthless\"]}";
    assert_int_equal(ms_policy_parse(policy, strlen(policy), "deny", &p, &err), MS_OK);
    assert_int_equal(ms_scorer_new(m, p, &sc), MS_OK);
    const char *names[] = {"insult", "nope"};
    assert_int_equal(ms_scorer_set_categories(sc, names, 2), MS_ERR_NOT_FOUND);
    assert_int_equal(ms_scorer_set_categories(sc, names, 1), MS_OK);
    const char *t = "you are a worthless idiot and everyone here hates you";
    ms_input in = {.text = t, .len = strlen(t), .language = "en"};
    ms_result r, all;
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ms_models_category_mapped(m, i), (int)i == insult);
    assert_true(r.scores[insult].has_score);
    assert_null(r.scores[hostility].category); /* not asked for: not scored */
    assert_false(r.has_hostility);
    assert_true(r.flags & MS_FLAG_DENY);
    assert_int_equal(ms_score(fx->sc.scorer, &in, &all), MS_OK);
    assert_true(all.scores[insult].score == r.scores[insult].score);
    ms_result_clear(&r);
    ms_result_clear(&all);
    /* every category again */
    assert_int_equal(ms_scorer_set_categories(sc, NULL, 0), MS_OK);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true(r.scores[hostility].has_score);
    assert_true(ms_models_category_mapped(m, (size_t)hostility));
    ms_result_clear(&r);
    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
}

/* The shipped models (MS_MODELS_DIR), loaded. */
static ms_models *shipped_models(void)
{
    ms_models *m = NULL;
    ms_error err;
    assert_int_equal(ms_models_load(MS_MODELS_DIR, &m, &err), MS_OK);
    return m;
}

/* A policy's "categories" is a scorer's default selection (issue 20 item
 * 3): a check of a site that scores hostility and threat maps those two
 * alone; an explicit selection overrides it, and clearing that goes back
 * to the policy's, not to every category. */
static void test_policy_categories_select(void **state)
{
    (void)state;
    ms_models *m = shipped_models();
    ms_policy *p;
    ms_scorer *sc;
    ms_error err;
    int insult = ms_models_category_find(m, "insult");
    int threat = ms_models_category_find(m, "threat");
    int hostility = ms_models_category_find(m, "hostility");
    if (insult < 0 || threat < 0)
        skip();
    const char *policy = "{\"categories\": [\"hostility\", \"threat\"]}";
    assert_int_equal(ms_policy_parse(policy, strlen(policy), "site", &p, &err), MS_OK);
    assert_int_equal(ms_scorer_new(m, p, &sc), MS_OK);
    const char *t = "you are a worthless idiot and I will hurt you";
    ms_input in = {.text = t, .len = strlen(t), .language = "en"};
    ms_result r;
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    for (size_t i = 0; i < ms_models_category_count(m); i++)
        assert_int_equal(ms_models_category_mapped(m, i), (int)i == hostility || (int)i == threat);
    assert_true(r.scores[hostility].has_score && r.scores[threat].has_score);
    assert_false(r.scores[insult].has_score);
    ms_result_clear(&r);
    const char *names[] = {"insult"};
    assert_int_equal(ms_scorer_set_categories(sc, names, 1), MS_OK);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true(r.scores[insult].has_score && !r.scores[hostility].has_score);
    ms_result_clear(&r);
    assert_int_equal(ms_scorer_set_categories(sc, NULL, 0), MS_OK);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true(r.scores[threat].has_score && !r.scores[insult].has_score);
    ms_result_clear(&r);
    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
}

/* A scorer of the shipped models m under the shipped policy (*p). */
static ms_scorer *shipped_scorer(ms_models *m, ms_policy **p)
{
    ms_error err;
    assert_int_equal(ms_policy_load(MS_MODELS_DIR "/policy.json", p, &err), MS_OK);
    ms_scorer *sc;
    assert_int_equal(ms_scorer_new(m, *p, &sc), MS_OK);
    return sc;
}

static void shipped_free(ms_scorer *sc, ms_policy *p, ms_models *m)
{
    ms_scorer_free(sc);
    ms_policy_free(p);
    ms_models_free(m);
}

/* The shipped threat model and policy (issue 22 items 2 and 5): a threat
 * with no insult in it is flagged and held for review, and its reasons are
 * the threat model's own words (the violent word first); a violent word in
 * an idiom is published. */
static void test_shipped_threat_held_with_its_words(void **state)
{
    (void)state;
    ms_models *m = shipped_models();
    int threat = ms_models_category_find(m, "threat");
    if (threat < 0)
        skip();
    ms_policy *p;
    ms_scorer *sc = shipped_scorer(m, &p);
    const char *t = "Somebody should drag him out of the town hall and hang him";
    ms_input in = {.text = t, .len = strlen(t), .language = "en"};
    ms_result r;
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_true(r.scores[threat].flagged);
    assert_true(r.hostility < 0.5); /* held for the threat, not for hostility */
    assert_int_equal(r.action, MS_ACTION_REVIEW);
    const ms_reason *top = NULL;
    for (size_t i = 0; i < r.n_reasons; i++)
        if (!strcmp(r.reasons[i].category, "threat") && (!top || r.reasons[i].weight > top->weight))
            top = &r.reasons[i];
    assert_non_null(top);
    assert_string_equal(top->term, "hang");
    ms_result_clear(&r);
    const char *idiom = "The traffic on the bridge is killing me";
    ms_input in2 = {.text = idiom, .len = strlen(idiom), .language = "en"};
    assert_int_equal(ms_score(sc, &in2, &r), MS_OK);
    assert_int_equal(r.action, MS_ACTION_PUBLISH);
    ms_result_clear(&r);
    shipped_free(sc, p, m);
}

/* The shipped policy holds an attack on a group that hostility misses for
 * review (identity_attack from 0.7), and publishes a civil sentence about
 * the same group. */
static void test_shipped_identity_attack_held(void **state)
{
    (void)state;
    ms_models *m = shipped_models();
    int ia = ms_models_category_find(m, "identity_attack");
    if (ia < 0)
        skip();
    ms_policy *p;
    ms_scorer *sc = shipped_scorer(m, &p);
    const char *texts[] = {"Latinos are parasites", "I am a Latino and proud of it."};
    const ms_action want[] = {MS_ACTION_REVIEW, MS_ACTION_PUBLISH};
    for (size_t i = 0; i < 2; i++) {
        ms_input in = {.text = texts[i], .len = strlen(texts[i]), .language = "en"};
        ms_result r;
        assert_int_equal(ms_score(sc, &in, &r), MS_OK);
        assert_int_equal(r.action, want[i]);
        if (i == 0)
            assert_true(r.hostility < 0.5 && r.scores[ia].flagged);
        ms_result_clear(&r);
    }
    shipped_free(sc, p, m);
}

/* ms_eval_category measures the category it is asked for, whatever the
 * policy's "categories" leave out (a site's policy scoring threat alone
 * made every example "has no hostility score"). */
static void test_eval_ignores_policy_categories(void **state)
{
    (void)state;
    ms_models *m;
    ms_policy *p;
    ms_error err;
    assert_int_equal(ms_models_load(MS_MODELS_DIR, &m, &err), MS_OK);
    if (ms_models_category_find(m, "threat") < 0)
        skip();
    const char *policy = "{\"categories\": [\"threat\"]}";
    assert_int_equal(ms_policy_parse(policy, strlen(policy), "site", &p, &err), MS_OK);
    const char *rows = "{\"text\":\"you are an idiot\",\"label\":1}\n"
                       "{\"text\":\"lovely garden, thanks\",\"label\":0}\n";
    ms_dataset set = {0};
    assert_int_equal(ms_dataset_read(rows, strlen(rows), MS_FORMAT_JSONL, NULL, "rows", &set, &err),
                     MS_OK);
    ms_eval_report r;
    ms_status st = ms_eval_category(m, "hostility", p, &set, &r, &err);
    if (st != MS_OK)
        fail_msg("%s", err.message);
    assert_int_equal(r.n, 2);
    ms_dataset_clear(&set);
    ms_policy_free(p);
    ms_models_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path_equals_libsvm),
        cmocka_unit_test(test_example_ranking),
        cmocka_unit_test(test_off_topic_needs_context),
        cmocka_unit_test(test_deny_and_allow_terms),
        cmocka_unit_test(test_categories_are_data),
        cmocka_unit_test(test_packed_models_score_the_same),
        cmocka_unit_test(test_intent_shares_a_pass),
        cmocka_unit_test(test_packed_is_unpacked),
        cmocka_unit_test(test_reasons_follow_the_attribute),
        cmocka_unit_test(test_trust_declared_language),
        cmocka_unit_test(test_categories_map_what_is_asked),
        cmocka_unit_test(test_policy_categories_select),
        cmocka_unit_test(test_shipped_threat_held_with_its_words),
        cmocka_unit_test(test_shipped_identity_attack_held),
        cmocka_unit_test(test_eval_ignores_policy_categories),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

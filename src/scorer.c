/* scorer.c - loads the model directories and scores one comment: features,
 * linear models, sentiment, deny terms, the policy's decision and the
 * reasons. The flow of DESIGN.md, in one place. */
#include "featurize.h"
#include "lexicon.h"
#include "model.h"
#include "modscore.h"
#include "normalise.h"
#include "policy.h"
#include "sentiment.h"
#include "util.h"
#include "card.h"
#include "compiled.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reasons listed per flagged category, strongest first. */
#define MAX_REASONS 5

typedef struct loaded_model {
    int present;
    ms_card card;
    ms_idf idf;
    ms_linear *linear;
    ms_compiled_map map; /* model.bin, when linear->w and idf.idf point into it */
} loaded_model;

struct ms_models {
    ms_lexicon *lx;
    loaded_model m[MS_CAT_COUNT];
};

struct ms_scorer {
    const ms_models *models;
    const ms_policy *policy;
    ms_featurizer *fz[MS_CAT_COUNT];
    ms_fvec vec;
    ms_tokens *deny;     /* each deny term's words, folded as comments are */
    size_t n_deny;
};

static const char *const model_dirs[MS_CAT_COUNT] = {"hostility", "off_topic"};

static ms_status load_one(const char *dir, const char *name, loaded_model *lm, int required,
                          unsigned flags, ms_error *err)
{
    ms_buf path = {0};
    ms_status st = ms_buf_printf(&path, "%s/%s/card.json", dir, name);
    if (st != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    st = ms_card_read(path.data, &lm->card, err);
    if (st == MS_ERR_NOT_FOUND && !required) {
        ms_buf_free(&path);
        return MS_OK;
    }
    if (st == MS_OK) {
        /* model.bin, when it is there and compiled from the card's files,
         * spares parsing model.svm; a damaged one is refused */
        path.len = 0;
        ms_buf_printf(&path, "%s/%s/model.bin", dir, name);
        st = ms_compiled_load(path.data, lm->card.model_hash, lm->card.idf_hash,
                              lm->card.features.hash_bits,
                              flags & MS_LOAD_TRUST_COMPILED ? 0 : MS_COMPILED_VERIFY,
                              &lm->linear, &lm->idf, &lm->map, err);
        if (st != MS_ERR_NOT_FOUND) {
            ms_buf_free(&path);
            lm->present = st == MS_OK;
            return st;
        }
        st = MS_OK;
    }
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/%s/idf.bin", dir, name);
        st = ms_card_check_file(path.data, lm->card.idf_hash, err);
        if (st == MS_OK)
            st = ms_idf_read(path.data, &lm->idf, err);
    }
    if (st == MS_OK && lm->idf.bits != lm->card.features.hash_bits)
        st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0,
                     "idf table has %d hash bits, the card says %d", lm->idf.bits,
                     lm->card.features.hash_bits);
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/%s/model.svm", dir, name);
        st = ms_card_check_file(path.data, lm->card.model_hash, err);
        if (st == MS_OK)
            st = ms_linear_load(path.data, &lm->linear, err);
    }
    ms_buf_free(&path);
    lm->present = st == MS_OK;
    return st;
}

static ms_models *models_with_lexicon(const char *lexicon_dir, ms_error *err)
{
    ms_models *m = calloc(1, sizeof *m);
    if (!m) {
        ms_fail(err, MS_ERR_NOMEM, lexicon_dir, 0, 0, "out of memory");
        return NULL;
    }
    if (ms_lexicon_load(lexicon_dir, &m->lx, err) != MS_OK) {
        free(m);
        return NULL;
    }
    return m;
}

ms_status ms_models_load(const char *dir, ms_models **out, ms_error *err)
{
    return ms_models_load_flags(dir, 0, out, err);
}

ms_status ms_models_load_flags(const char *dir, unsigned flags, ms_models **out, ms_error *err)
{
    *out = NULL;
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/lexicons", dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    ms_models *m = models_with_lexicon(path.data, err);
    ms_buf_free(&path);
    if (!m)
        return err ? err->code : MS_ERR_NOT_FOUND;
    /* the hostility model is required; the off-topic one is optional */
    ms_status st = MS_OK;
    for (int c = 0; st == MS_OK && c < MS_CAT_COUNT; c++)
        st = load_one(dir, model_dirs[c], &m->m[c], c == MS_CAT_HOSTILITY, flags, err);
    if (st != MS_OK) {
        ms_models_free(m);
        return st;
    }
    *out = m;
    return MS_OK;
}

ms_status ms_models_load_single(const char *lexicon_dir, const char *model_dir, ms_models **out,
                                ms_category *cat, ms_error *err)
{
    *out = NULL;
    ms_card card;
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/card.json", model_dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, model_dir, 0, 0, "out of memory");
    ms_status st = ms_card_read(path.data, &card, err);
    ms_buf_free(&path);
    if (st != MS_OK)
        return st;
    *cat = strcmp(card.task, "hostility") == 0 ? MS_CAT_HOSTILITY : MS_CAT_OFF_TOPIC;
    ms_card_clear(&card);
    ms_models *m = models_with_lexicon(lexicon_dir, err);
    if (!m)
        return err ? err->code : MS_ERR_NOT_FOUND;
    /* load_one wants DIR/NAME: split model_dir at its last slash */
    char *dir = ms_strdup0(model_dir);
    if (!dir) {
        ms_models_free(m);
        return ms_fail(err, MS_ERR_NOMEM, model_dir, 0, 0, "out of memory");
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    char *slash = strrchr(dir, '/');
    const char *parent = ".", *name = dir;
    if (slash) {
        *slash = '\0';
        parent = slash == dir ? "/" : dir;
        name = slash + 1;
    }
    st = load_one(parent, name, &m->m[*cat], 1, 0, err);
    free(dir);
    if (st != MS_OK) {
        ms_models_free(m);
        return st;
    }
    *out = m;
    return MS_OK;
}

void ms_models_free(ms_models *m)
{
    if (!m)
        return;
    for (int c = 0; c < MS_CAT_COUNT; c++) {
        ms_linear_free(m->m[c].linear);
        if (!m->m[c].map.base)
            free(m->m[c].idf.idf);
        ms_compiled_unmap(&m->m[c].map);
        ms_card_clear(&m->m[c].card);
    }
    ms_lexicon_free(m->lx);
    free(m);
}

const char *ms_models_version(const ms_models *m, ms_category c)
{
    if (!m || c < 0 || c >= MS_CAT_COUNT || !m->m[c].present)
        return NULL;
    return m->m[c].card.version;
}

double ms_sentiment(const ms_models *m, const char *text, size_t len)
{
    return ms_vader_compound(m->lx, text, len);
}

const ms_lexicon *ms_models_lexicon(const ms_models *m) { return m->lx; }

static int allowed(void *ud, const char *w, size_t n)
{
    return ms_policy_allowed((const ms_policy *)ud, w, n);
}

ms_status ms_scorer_new(const ms_models *models, const ms_policy *policy, ms_scorer **out)
{
    *out = NULL;
    if (!models || !policy)
        return MS_ERR_ARG;
    ms_scorer *s = calloc(1, sizeof *s);
    if (!s)
        return MS_ERR_NOMEM;
    s->models = models;
    s->policy = policy;
    ms_status st = MS_OK;
    for (int c = 0; st == MS_OK && c < MS_CAT_COUNT; c++) {
        if (!models->m[c].present)
            continue;
        st = ms_featurizer_new(&models->m[c].card.features, models->lx, &s->fz[c]);
        if (st == MS_OK)
            ms_featurizer_set_skip(s->fz[c], allowed, (void *)policy);
    }
    /* Deny terms are folded the way comments are, so "f*ck" in a comment
     * matches "fuck" on the list. */
    s->n_deny = ms_policy_deny_count(policy);
    s->deny = calloc(s->n_deny ? s->n_deny : 1, sizeof *s->deny);
    if (st == MS_OK && !s->deny)
        st = MS_ERR_NOMEM;
    for (size_t i = 0; st == MS_OK && i < s->n_deny; i++) {
        const char *term = ms_policy_deny_term(policy, i);
        st = ms_tokenize(term, strlen(term), models->lx, &s->deny[i], NULL);
    }
    if (st != MS_OK) {
        ms_scorer_free(s);
        return st;
    }
    *out = s;
    return MS_OK;
}

void ms_scorer_free(ms_scorer *s)
{
    if (!s)
        return;
    for (int c = 0; c < MS_CAT_COUNT; c++)
        ms_featurizer_free(s->fz[c]);
    ms_fvec_free(&s->vec);
    for (size_t i = 0; s->deny && i < s->n_deny; i++)
        ms_tokens_free(&s->deny[i]);
    free(s->deny);
    free(s);
}

void ms_result_clear(ms_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_reasons; i++) {
        free(r->reasons[i].category);
        free(r->reasons[i].term);
        free(r->reasons[i].detail);
    }
    free(r->reasons);
    memset(r, 0, sizeof *r);
}

static ms_status add_reason(ms_result *r, const char *category, const char *text, size_t start,
                            size_t end, int has_span, const char *detail, double weight)
{
    ms_reason *p = realloc(r->reasons, (r->n_reasons + 1) * sizeof *p);
    if (!p)
        return MS_ERR_NOMEM;
    r->reasons = p;
    ms_reason *x = &p[r->n_reasons];
    memset(x, 0, sizeof *x);
    x->category = ms_strdup0(category);
    x->term = has_span ? ms_strndup(text + start, end - start) : NULL;
    x->detail = ms_strdup0(detail);
    x->start = start;
    x->end = end;
    x->has_span = has_span;
    x->weight = weight;
    r->n_reasons++;
    if (!x->category || (has_span && !x->term) || (detail && !x->detail))
        return MS_ERR_NOMEM;
    return MS_OK;
}

/* Scores one category's model on the input. */
static ms_status predict(ms_scorer *s, ms_category c, const ms_input *in, double *p,
                         unsigned *notes)
{
    const loaded_model *lm = &s->models->m[c];
    ms_status st = ms_features_build(s->fz[c], &lm->idf, in, 0, &s->vec, notes);
    if (st != MS_OK)
        return st;
    *p = ms_linear_probability(lm->linear, ms_linear_decision(lm->linear, &s->vec));
    return MS_OK;
}

/* The words that pushed category c's decision value up, strongest first. */
static ms_status word_reasons(ms_scorer *s, ms_category c, const ms_input *in, ms_result *r)
{
    const loaded_model *lm = &s->models->m[c];
    const ms_tokens *t;
    const double *contrib;
    ms_status st = ms_features_attribute(s->fz[c], &lm->idf, lm->linear->w, lm->linear->dim, &t,
                                         &contrib);
    if (st != MS_OK)
        return st;
    /* the sign of w is for the positive class; ms_linear keeps that */
    int picked[MAX_REASONS];
    size_t n = 0;
    double floor = 0.05; /* then a quarter of the strongest word's push */
    for (; n < MAX_REASONS; n++) {
        int best = -1;
        for (size_t i = 0; i < t->n; i++) {
            int used = 0;
            for (size_t k = 0; k < n; k++)
                used |= picked[k] == (int)i;
            if (!used && contrib[i] > floor && (best < 0 || contrib[i] > contrib[best]))
                best = (int)i;
        }
        if (best < 0)
            break;
        picked[n] = best;
        if (n == 0 && contrib[best] / 4 > floor)
            floor = contrib[best] / 4;
        st = add_reason(r, ms_category_name(c), in->text, t->tok[best].start, t->tok[best].end,
                        1, NULL, contrib[best]);
        if (st != MS_OK)
            return st;
    }
    return MS_OK;
}

static ms_status off_topic_reasons(ms_scorer *s, const ms_input *in, ms_result *r)
{
    const ms_context_stats *cs = ms_features_context(s->fz[MS_CAT_OFF_TOPIC]);
    char msg[160];
    ms_status st = MS_OK;
    const char *name = ms_category_name(MS_CAT_OFF_TOPIC);
    if (cs->has_article && cs->content_words) {
        snprintf(msg, sizeof msg, "shares %zu of %zu content words with the article",
                 cs->shared_words, cs->content_words);
        st = add_reason(r, name, NULL, 0, 0, 0, msg, 1 - cs->cos_article);
    }
    if (st == MS_OK && cs->has_parent) {
        snprintf(msg, sizeof msg, "similarity to the comment it answers: %.2f", cs->cos_parent);
        st = add_reason(r, name, NULL, 0, 0, 0, msg, 1 - cs->cos_parent);
    }
    if (st == MS_OK && cs->linkbait) {
        snprintf(msg, sizeof msg, "link-bait phrase '%.*s'",
                 (int)(cs->linkbait_end - cs->linkbait_start), in->text + cs->linkbait_start);
        st = add_reason(r, name, in->text, cs->linkbait_start, cs->linkbait_end, 1, msg, 1);
    }
    if (st == MS_OK && cs->links) {
        snprintf(msg, sizeof msg, "%zu link%s", cs->links, cs->links == 1 ? "" : "s");
        st = add_reason(r, name, NULL, 0, 0, 0, msg, 1);
    }
    return st;
}

/* Marks the deny terms found in the comment's tokens t. */
static ms_status deny_terms(ms_scorer *s, const ms_input *in, const ms_tokens *t, ms_result *r)
{
    for (size_t d = 0; d < s->n_deny; d++) {
        const ms_tokens *term = &s->deny[d];
        size_t n = term->n;
        if (n == 0)
            continue;
        for (size_t i = 0; i + n <= t->n; i++) {
            size_t k = 0;
            while (k < n && t->tok[i + k].fold_len == term->tok[k].fold_len &&
                   memcmp(ms_token_text(t, i + k), ms_token_text(term, k),
                          term->tok[k].fold_len) == 0)
                k++;
            if (k < n)
                continue;
            r->flags |= MS_FLAG_DENY;
            ms_status st = add_reason(r, "deny", in->text, t->tok[i].start,
                                      t->tok[i + n - 1].end, 1, NULL, 1);
            if (st != MS_OK)
                return st;
            break;
        }
    }
    return MS_OK;
}

ms_status ms_score(ms_scorer *s, const ms_input *orig, ms_result *r)
{
    memset(r, 0, sizeof *r);
    ms_input in = *orig;
    r->notes = in.notes;
    if (!in.text)
        in.len = 0, in.text = "";
    if (in.len > MS_MAX_COMMENT_BYTES) {
        size_t n = MS_MAX_COMMENT_BYTES; /* cut at a UTF-8 boundary */
        while (n > 0 && ((unsigned char)in.text[n] & 0xC0) == 0x80)
            n--;
        in.len = n;
        r->notes |= MS_NOTE_TRUNCATED;
    }
    size_t k = 0;
    while (k < in.len && strchr(" \t\r\n", in.text[k]) && in.text[k])
        k++;
    if (k == in.len)
        r->notes |= MS_NOTE_EMPTY;

    ms_status st = MS_OK;
    if (s->fz[MS_CAT_HOSTILITY]) {
        st = predict(s, MS_CAT_HOSTILITY, &in, &r->hostility, &r->notes);
        if (st != MS_OK)
            goto fail;
        r->has_hostility = 1;
        r->sentiment = ms_features_sentiment(s->fz[MS_CAT_HOSTILITY]);
        st = deny_terms(s, &in, ms_featurizer_tokens(s->fz[MS_CAT_HOSTILITY]), r);
    } else {
        /* a model set without a hostility model (evaluating one model) */
        r->sentiment = ms_vader_compound(s->models->lx, in.text, in.len);
    }
    if (st != MS_OK)
        goto fail;
    if (!s->fz[MS_CAT_OFF_TOPIC]) {
        r->off_topic_missing = "no off-topic model is loaded";
    } else if (!in.article && !in.parent_text) {
        r->off_topic_missing = "no article or parent comment to compare with";
    } else {
        st = predict(s, MS_CAT_OFF_TOPIC, &in, &r->off_topic, &r->notes);
        if (st != MS_OK)
            goto fail;
        r->has_off_topic = 1;
    }
    r->action = ms_policy_decide(s->policy, r);
    if (r->flags & MS_FLAG_HOSTILITY) {
        /* attribution re-runs the hostility features with bookkeeping on */
        st = word_reasons(s, MS_CAT_HOSTILITY, &in, r);
        if (st != MS_OK)
            goto fail;
    }
    if (r->flags & MS_FLAG_OFF_TOPIC) {
        st = off_topic_reasons(s, &in, r);
        if (st != MS_OK)
            goto fail;
    }
    return MS_OK;
fail:
    ms_result_clear(r);
    return st;
}

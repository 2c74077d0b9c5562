/* scorer.c - scores one comment with the model set (modelset.c): features,
 * linear models, sentiment, deny terms, the policy's decision and the
 * reasons. The flow of DESIGN.md, in one place. */
#include "scorer.h"

#include "language.h"
#include "modelset.h"
#include "normalise.h"
#include "offlang.h"
#include "policy.h"
#include "sentiment.h"
#include "spans.h"
#include "util.h"
#include "deny.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reasons listed per flagged category, strongest first. */
#define MAX_REASONS 5

struct ms_scorer {
    const ms_models *models;
    const ms_policy *policy;
    ms_featurizer *fz[MS_MAX_CATEGORIES]; /* one per group */
    ms_fvec vec;
    ms_tokens *deny;     /* each deny term's words, folded as comments are */
    size_t n_deny;
    ms_spans_work *spans;
    ms_reasons_mode reasons;
    int trust_declared; /* ms_scorer_trust_declared */
    ms_deny_index *deny_index; /* the same as a trie over tokens */
    int some;                  /* 1: only the models in want are scored */
    unsigned char want[MS_MAX_CATEGORIES]; /* ms_scorer_set_categories */
    int site_some;             /* the policy's "categories": want by default */
    unsigned char site_want[MS_MAX_CATEGORIES];
};

/* The policy's "categories" as the scorer's default selection. A policy
 * naming none that is loaded (a typo, warned of by check and refused by a
 * reload) selects nothing: every category is scored, as without the key. */
static void site_selection(ms_scorer *s)
{
    const ms_models *m = s->models;
    for (size_t i = 0; i < m->n; i++)
        if ((s->site_want[i] = (unsigned char)ms_policy_scores(s->policy, m->m[i].card.category)))
            s->site_some++;
    s->site_some = s->site_some > 0 && (size_t)s->site_some < m->n;
    memcpy(s->want, s->site_want, sizeof s->want);
    s->some = s->site_some;
}

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
    for (size_t g = 0; st == MS_OK && g < models->n_groups; g++) {
        st = ms_featurizer_new(&models->group_cfg[g], models->lx, &s->fz[g]);
        if (st == MS_OK) {
            ms_featurizer_set_skip(s->fz[g], allowed, (void *)policy);
            ms_featurizer_set_list(s->fz[g], models->m[models->group_first[g]].list);
        }
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
    if (st == MS_OK)
        st = ms_deny_index_new(s->deny, s->n_deny, &s->deny_index);
    site_selection(s);
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
    for (size_t g = 0; g < MS_MAX_CATEGORIES; g++)
        ms_featurizer_free(s->fz[g]);
    ms_fvec_free(&s->vec);
    for (size_t i = 0; s->deny && i < s->n_deny; i++)
        ms_tokens_free(&s->deny[i]);
    free(s->deny);
    ms_spans_work_free(s->spans);
    ms_deny_index_free(s->deny_index);
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
    free(r->scores);
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

/* The token whose word pushed the decision value up most, its repeats
 * counted together (a flag made of many small pushes still names one). */
static size_t strongest_token(const ms_tokens *t, const double *contrib)
{
    size_t best = 0;
    double best_sum = -INFINITY;
    for (size_t i = 0; i < t->n; i++) {
        double sum = contrib[i];
        for (size_t j = 0; j < t->n && t->n <= 4096; j++) /* long texts: each alone */
            if (j != i && t->tok[j].fold_len == t->tok[i].fold_len &&
                memcmp(ms_token_text(t, j), ms_token_text(t, i), t->tok[i].fold_len) == 0)
                sum += contrib[j];
        if (sum > best_sum) {
            best_sum = sum;
            best = i;
        }
    }
    return best;
}

static int cmp_span_weight(const void *a, const void *b)
{
    const ms_span *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The spans model's reason spans, strongest first, one reason per
 * occurrence. OUT: *added. */
static ms_status span_reasons(ms_scorer *s, const char *category, const ms_input *in,
                              const ms_tokens *t, const double *contrib, ms_result *r,
                              size_t *added)
{
    *added = 0;
    if (!s->spans && ms_spans_work_new(&s->spans) != MS_OK)
        return MS_ERR_NOMEM;
    const ms_span *sp;
    size_t n;
    ms_status st = ms_spans_find(s->models->spans, s->spans, s->models->lx, in->text, t, contrib,
                                 &sp, &n);
    if (st != MS_OK)
        return st;
    if (n) /* sp may be NULL then, which qsort must not get */
        qsort((ms_span *)sp, n, sizeof *sp, cmp_span_weight);
    for (size_t i = 0; st == MS_OK && i < n; i++)
        st = add_reason(r, category, in->text, sp[i].start, sp[i].end, 1, NULL, sp[i].weight);
    *added = n;
    return st;
}

static int use_pack(const ms_scorer *s, const loaded_model *lm);

/* The words that pushed model i's decision value up, strongest first: the
 * spans model's spans of words a moderator would mark when it is loaded,
 * else the strongest words. A flagged category always gets at least one. */
static ms_status word_reasons(ms_scorer *s, size_t i, const ms_input *in, ms_result *r,
                              int flagged)
{
    const loaded_model *lm = &s->models->m[i];
    const ms_tokens *t;
    const double *contrib;
    ms_status st;
    if (use_pack(s, lm)) { /* the pack's pages, not the model's own 12 MB */
        const model_pack *pk = &s->models->packs[lm->pack];
        st = ms_features_attribute_packed(s->fz[lm->group], &pk->pack, lm->pack_slot,
                                          pk->dense_of[lm->pack_slot], ms_models_dim(lm), &t,
                                          &contrib);
    } else {
        st = ms_features_attribute(s->fz[lm->group], &lm->idf, lm->linear->w, ms_models_dim(lm),
                                   &t, &contrib);
    }
    if (st != MS_OK)
        return st;
    size_t n = 0;
    if (s->models->spans) {
        st = span_reasons(s, lm->card.category, in, t, contrib, r, &n);
    } else {
        /* the sign of w is for the positive class; ms_linear keeps that */
        int picked[MAX_REASONS];
        double floor = 0.05; /* then a quarter of the strongest word's push */
        for (; n < MAX_REASONS; n++) {
            int best = -1;
            for (size_t k = 0; k < t->n; k++) {
                int used = 0;
                for (size_t j = 0; j < n; j++)
                    used |= picked[j] == (int)k;
                if (!used && contrib[k] > floor && (best < 0 || contrib[k] > contrib[best]))
                    best = (int)k;
            }
            if (best < 0)
                break;
            picked[n] = best;
            if (n == 0 && contrib[best] / 4 > floor)
                floor = contrib[best] / 4;
            st = add_reason(r, lm->card.category, in->text, t->tok[best].start,
                            t->tok[best].end, 1, NULL, contrib[best]);
            if (st != MS_OK)
                return st;
        }
    }
    if (st == MS_OK && n == 0 && flagged && t->n > 0) {
        size_t b = strongest_token(t, contrib);
        st = add_reason(r, lm->card.category, in->text, t->tok[b].start, t->tok[b].end, 1, NULL,
                        contrib[b]);
    }
    return st;
}

/* What the context block of model i measured (off-topic reasons). Its
 * group's featurizer still holds the last build's context. */
static ms_status context_reasons(ms_scorer *s, size_t i, const ms_input *in, ms_result *r)
{
    const loaded_model *lm = &s->models->m[i];
    const ms_context_stats *cs = ms_features_context(s->fz[lm->group]);
    char msg[160];
    ms_status st = MS_OK;
    const char *name = lm->card.category;
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

/* Marks the deny terms found in the comment's tokens t (each once, at its
 * first occurrence, in the policy's order). */
static ms_status deny_terms(ms_scorer *s, const ms_input *in, const ms_tokens *t, ms_result *r)
{
    ms_deny_hit *hits;
    size_t n;
    ms_status st = ms_deny_index_match(s->deny_index, t, &hits, &n);
    for (size_t j = 0; st == MS_OK && j < n; j++) {
        const ms_deny_hit *h = &hits[j];
        r->flags |= MS_FLAG_DENY;
        st = add_reason(r, "deny", in->text, t->tok[h->first].start,
                        t->tok[h->first + h->n_tokens - 1].end, 1, NULL, 1);
    }
    free(hits);
    return st;
}

/* The languages a comment is scored in: codes[0, n), each one that a
 * loaded model reads; n == 0 is the default language's models (an
 * undecided detection). */
typedef struct route {
    char codes[MS_LANGUAGE_PARTS][8];
    size_t n;
    ms_language lang;   /* the comment's detection (not decisive when taken
                           as declared) */
    char article[8];    /* with mismatch: the article's language */
    int mismatch;       /* written in none of it: language_mismatch() */
} route;

/* Adds code to rt when a loaded model reads it, else to r->unread. */
static void route_add(const ms_scorer *s, const char *code, route *rt, ms_result *r)
{
    if (ms_models_read_language(s->models, code)) {
        if (rt->n < MS_LANGUAGE_PARTS)
            snprintf(rt->codes[rt->n++], sizeof rt->codes[0], "%s", code);
        return;
    }
    size_t at = strlen(r->unread), n = strlen(code);
    if (at + n + 2 > sizeof r->unread)
        return;
    if (at)
        r->unread[at++] = ',';
    memcpy(r->unread + at, code, n + 1);
}

/* Which languages the comment is scored in (OUT: *rt), and notes its
 * language; 1 when no loaded model reads any of it, so it is left unscored
 * (never given a number for text the models cannot read) with the
 * policy's action for unread text. The declared language (the input's,
 * else the site's) is taken unless a decisive detection disagrees: then
 * the detected languages are scored and the note says so. A comment in
 * several languages is scored by the models of each that they read, and
 * the note says what was not read: padding abuse with a sentence in
 * another language must not publish it unscored. */
static int route_languages(const ms_scorer *s, const ms_input *in, ms_result *r, route *rt)
{
    memset(rt, 0, sizeof *rt);
    const char *declared =
        in->language && *in->language ? in->language : ms_policy_language(s->policy);
    ms_language lang;
    if (s->trust_declared && in->language && *in->language) {
        memset(&lang, 0, sizeof lang); /* taken as declared, not detected */
    } else {
        ms_language_detect(in->text, in->len, &lang);
    }
    rt->lang = lang;
    if (lang.decisive) {
        snprintf(r->language, sizeof r->language, "%s", lang.code);
        if (declared && !ms_language_same(declared, lang.code)) {
            r->notes |= MS_NOTE_LANGUAGE_DETECTED;
            snprintf(r->declared, sizeof r->declared, "%s", declared);
        }
        if (lang.n_parts == 0)
            route_add(s, lang.code, rt, r);
        for (size_t i = 0; i < lang.n_parts; i++)
            route_add(s, lang.parts[i].code, rt, r);
    } else if (declared) {
        snprintf(r->language, sizeof r->language, "%s", declared);
        route_add(s, declared, rt, r);
    } else {
        return 0; /* undecided, nothing declared: the default language's models */
    }
    if (rt->n && r->unread[0])
        r->notes |= MS_NOTE_LANGUAGE_PART;
    if (rt->n)
        return 0;
    r->unread[0] = '\0';
    r->notes |= MS_NOTE_LANGUAGE;
    r->off_topic_missing = "not scored: a language no loaded model reads";
    return 1;
}

/* On a site that publishes in one language (the policy's "language"), a
 * comment written in none of its article's languages is off-topic
 * whatever its words say, and it needs no model of its own language to
 * know it: each model whose card gives "language_mismatch" a score
 * (off_topic's, measured on SemEval-2016's threads) scores the comment at
 * least that. Sets rt->mismatch. */
static void language_mismatch(const ms_scorer *s, const ms_input *in, route *rt, ms_result *r)
{
    const char *site = ms_policy_language(s->policy);
    if (!site || !ms_offlang(in, &rt->lang, site, rt->article))
        return;
    const ms_models *m = s->models;
    for (size_t i = 0; i < m->n; i++) {
        double p = m->m[i].card.mismatch_score;
        ms_category_score *cs = &r->scores[i];
        if (!(p > 0) || (s->some && !s->want[i]))
            continue;
        cs->category = m->m[i].card.category;
        if (!cs->has_score || cs->score < p) {
            cs->score = p;
            cs->has_score = 1;
            cs->missing = NULL;
        }
        rt->mismatch = 1;
    }
}

/* The reason of a flagged model that language_mismatch() raised. */
static ms_status mismatch_reason(const ms_scorer *s, const route *rt, size_t i, ms_result *r)
{
    const ms_card *card = &s->models->m[i].card;
    if (!rt->mismatch || !(card->mismatch_score > 0) || !r->scores[i].flagged)
        return MS_OK;
    const char *c = ms_language_name(rt->lang.code), *a = ms_language_name(rt->article);
    char msg[96];
    snprintf(msg, sizeof msg, "written in %s, the article is in %s", c ? c : rt->lang.code,
             a ? a : rt->article);
    return add_reason(r, card->category, NULL, 0, 0, 0, msg, card->mismatch_score);
}

/* A pack's dot products, taken on up to PACK_TAKEN featurizers' vectors:
 * a pack may hold models of two groups (ms_models' packs), whose vectors
 * differ only when the comment names an identity group. */
#define PACK_TAKEN 2
typedef struct pack_dots {
    int n;                                  /* taken so far */
    const ms_featurizer *on[PACK_TAKEN];    /* whose vector */
    double dot[PACK_TAKEN][MS_PACK_MODELS];
} pack_dots;

/* What one comment's pass over the models has done so far. */
typedef struct pass {
    int prepared[MS_MAX_CATEGORIES]; /* each group's features are prepared */
    pack_dots packed[MS_MAX_CATEGORIES]; /* each pack's (n set to 0 only) */
    size_t built_in[MS_MAX_CATEGORIES]; /* the context model whose vector
                                           each group's featurizer holds */
} pass;

/* A context model: the context block needs the whole vector built. */
static ms_status decision_context(ms_scorer *s, pass *p, size_t i, double *dec)
{
    const loaded_model *lm = &s->models->m[i];
    ms_status st = ms_features_weigh(s->fz[lm->group], &lm->idf, 0, &s->vec);
    *dec = st == MS_OK ? ms_linear_decision(lm->linear, &s->vec) : 0;
    p->built_in[lm->group] = i;
    return st;
}

/* A packed model: every member's w.x in one pass, on the pack's first,
 * again only for a member whose group's vector is not the same (a comment
 * naming a group: identity_attack's then differs from hostility's). */
static ms_status decision_packed(ms_scorer *s, pass *p, const loaded_model *lm, double *dec)
{
    const model_pack *pk = &s->models->packs[lm->pack];
    const ms_featurizer *f = s->fz[lm->group];
    pack_dots *pd = &p->packed[lm->pack];
    int t = 0;
    while (t < pd->n && !ms_features_same_vector(f, pd->on[t]))
        t++;
    if (t == pd->n) {
        t = pd->n < PACK_TAKEN ? pd->n++ : PACK_TAKEN - 1;
        pd->on[t] = f;
        ms_status st = ms_features_dot_packed(s->fz[lm->group], &pk->pack, pk->k, pk->dense_of,
                                              pk->dim, pd->dot[t]);
        if (st != MS_OK)
            return st;
    }
    *dec = pd->dot[t][lm->pack_slot] - lm->linear->rho;
    return MS_OK;
}

/* 1 when model i's pack serves this scorer: every member is scored with
 * it (a request for one category maps one file, not the pack's five) and
 * the pack is filled. */
static int use_pack(const ms_scorer *s, const loaded_model *lm)
{
    if (lm->pack < 0)
        return 0;
    const model_pack *pk = &s->models->packs[lm->pack];
    for (int j = 0; s->some && j < pk->k; j++)
        if (!s->want[pk->model[j]])
            return 0;
    return ms_models_pack_ready(s->models, lm->pack);
}

/* A comment-only model: w.x in one pass over the shared counts. */
static ms_status decision_plain(ms_scorer *s, const loaded_model *lm, double *dec)
{
    ms_status st = ms_features_dot(s->fz[lm->group], &lm->idf, lm->linear->w, ms_models_dim(lm),
                                   dec);
    *dec -= lm->linear->rho;
    return st;
}

/* Model i's score of the comment into r->scores[i]. */
static ms_status score_model(ms_scorer *s, pass *p, size_t i, const ms_input *in, ms_result *r)
{
    const loaded_model *lm = &s->models->m[i];
    ms_category_score *cs = &r->scores[i];
    cs->category = lm->card.category;
    if (lm->card.features.context && !in->article && !in->parent_text) {
        cs->missing = "no article or parent comment to compare with";
        return MS_OK;
    }
    ms_status st = ms_models_map(s->models, i);
    if (st != MS_OK)
        return st;
    size_t g = lm->group;
    if (!p->prepared[g]) {
        /* a group already prepared that tokenises alike lends its tokens
         * (identity_attack's group terms change only its n-grams) */
        size_t h = 0;
        while (h < s->models->n_groups &&
               (!p->prepared[h] || !ms_featurizer_tokens_shared(s->fz[g], s->fz[h])))
            h++;
        st = h < s->models->n_groups ? ms_features_prepare_from(s->fz[g], s->fz[h], in, &r->notes)
                                     : ms_features_prepare(s->fz[g], in, &r->notes);
        if (st != MS_OK)
            return st;
        p->prepared[g] = 1;
    }
    double dec;
    st = lm->card.features.context ? decision_context(s, p, i, &dec)
         : use_pack(s, lm)         ? decision_packed(s, p, lm, &dec)
                                   : decision_plain(s, lm, &dec);
    if (st != MS_OK)
        return st;
    cs->score = ms_linear_probability(lm->linear, dec);
    cs->has_score = 1;
    return MS_OK;
}

/* The result's legacy hostility and off_topic fields: for each, the
 * highest score of the models that fill it (one a language), as the
 * policy acts on the highest. */
static void fill_legacy(const ms_models *m, ms_result *r)
{
    /* one that is loaded but was not routed reads another language */
    r->off_topic_missing = m->legacy[MS_CAT_OFF_TOPIC] >= 0
                               ? "no off-topic model reads the comment's language"
                               : "no off-topic model is loaded";
    int seen[MS_CAT_COUNT] = {0};
    for (size_t i = 0; i < m->n; i++) {
        const ms_category_score *cs = &r->scores[i];
        int c = m->m[i].legacy;
        if (c < 0 || !cs->category)
            continue;
        int first = !seen[c];
        seen[c] = 1;
        if (c == MS_CAT_HOSTILITY && (first || (cs->has_score && cs->score > r->hostility))) {
            r->hostility = cs->score;
            r->has_hostility = cs->has_score;
        } else if (c == MS_CAT_OFF_TOPIC &&
                   (first || (cs->has_score && cs->score > r->off_topic))) {
            r->off_topic = cs->score;
            r->has_off_topic = cs->has_score;
            r->off_topic_missing = cs->missing;
        }
    }
}

/* Sentiment and deny terms from the first scored category's pass
 * (hostility's of the comment's language when it is loaded; the tokens are
 * the same in every group). */
static ms_status sentiment_and_deny(ms_scorer *s, const pass *p, const ms_input *in,
                                    ms_result *r)
{
    const ms_models *m = s->models;
    size_t i = 0;
    while (i < m->n && !p->prepared[m->m[i].group])
        i++;
    if (i == m->n && m->n && !m->m[0].card.features.context) {
        /* no category asked for was scored (ms_scorer_set_categories): the
         * deny terms are still looked for, in the first model's tokens */
        i = 0;
        ms_status st = ms_features_prepare(s->fz[m->m[0].group], in, &r->notes);
        if (st != MS_OK)
            return st;
    } else if (i == m->n) {
        /* a model set without a comment-only model (evaluating one model) */
        r->sentiment = ms_vader_compound(m->lx, in->text, in->len);
        return MS_OK;
    }
    ms_featurizer *f = s->fz[m->m[i].group];
    int lexicon = m->m[i].card.features.lexicon;
    if (MS_LEXICON_LANGUAGE(lexicon)) {
        /* a language's models (lexicon block "style" or "list"): VADER is English,
         * and a neutral 0 would say what nothing measured */
        r->sentiment = NAN;
        r->notes |= MS_NOTE_NO_SENTIMENT;
    } else {
        r->sentiment = lexicon ? ms_features_sentiment(f)
                               : ms_vader_compound(m->lx, in->text, in->len);
    }
    return deny_terms(s, in, ms_featurizer_tokens(f), r);
}

/* Reasons per flagged category. Attribution re-runs a group's features
 * with bookkeeping on; context reasons read the context block of the
 * group's last build, which for a context model is its own (a context
 * group is never shared with a model that comes later here: the context
 * setting is part of what groups share). */
static ms_status all_reasons(ms_scorer *s, const pass *p, const ms_input *in, const route *rt,
                             ms_result *r)
{
    const ms_models *m = s->models;
    for (size_t i = 0; i < m->n; i++) {
        const loaded_model *lm = &m->m[i];
        ms_status st = mismatch_reason(s, rt, i, r);
        if (st != MS_OK)
            return st;
        /* --reasons all: hostility's word reasons for every comment */
        int all = s->reasons == MS_REASONS_ALL && r->scores[i].has_score &&
                  !lm->card.features.context && lm->legacy == MS_CAT_HOSTILITY;
        if (!r->scores[i].flagged && !all)
            continue;
        if (lm->card.features.context) {
            if (p->built_in[lm->group] != i)
                continue;
            st = context_reasons(s, i, in, r);
        } else {
            st = word_reasons(s, i, in, r, r->scores[i].flagged);
        }
        if (st != MS_OK)
            return st;
    }
    return MS_OK;
}

/* A category that models of two languages scored (a comment in both) is
 * reported once: the highest score stands (the first on a tie), as the
 * policy acts on the highest; the others are left as if not routed. */
static void keep_highest(ms_result *r)
{
    for (size_t i = 0; i < r->n_scores; i++) {
        ms_category_score *a = &r->scores[i];
        for (size_t j = i + 1; a->category && j < r->n_scores; j++) {
            ms_category_score *b = &r->scores[j];
            if (!b->category || strcmp(a->category, b->category) != 0)
                continue;
            ms_category_score *lose = b->has_score && (!a->has_score || b->score > a->score) ? a : b;
            memset(lose, 0, sizeof *lose);
        }
    }
}

/* Every model's score of the comment, the policy's decision and the
 * reasons. On failure r is left for the caller to clear. */
static ms_status score_models(ms_scorer *s, const ms_input *in, route *rt, ms_result *r)
{
    const ms_models *m = s->models;
    r->scores = calloc(m->n ? m->n : 1, sizeof *r->scores);
    if (!r->scores)
        return MS_ERR_NOMEM;
    r->n_scores = m->n;
    pass p;
    memset(p.prepared, 0, sizeof p.prepared);
    for (size_t g = 0; g < MS_MAX_CATEGORIES; g++) {
        p.packed[g].n = 0;
        p.built_in[g] = SIZE_MAX;
    }
    ms_status st = MS_OK;
    for (size_t i = 0; st == MS_OK && i < m->n; i++)
        if ((!s->some || s->want[i]) && ms_models_applies(m, i, (const char (*)[8])rt->codes, rt->n))
            st = score_model(s, &p, i, in, r);
    if (st != MS_OK)
        return st;
    language_mismatch(s, in, rt, r);
    keep_highest(r);
    fill_legacy(m, r);
    if (s->some && m->legacy[MS_CAT_OFF_TOPIC] >= 0 && !s->want[m->legacy[MS_CAT_OFF_TOPIC]])
        r->off_topic_missing = "not asked for";
    st = sentiment_and_deny(s, &p, in, r);
    if (st != MS_OK)
        return st;
    r->action = ms_policy_decide(s->policy, r);
    return all_reasons(s, &p, in, rt, r);
}

/* A comment in a language no loaded model reads: unscored, with the
 * policy's action for unread text, unless it is written in another
 * language than its article (language_mismatch()), which needs no model
 * of its language: then that score too, and the stricter action. */
static ms_status score_unread(ms_scorer *s, const ms_input *in, route *rt, ms_result *r)
{
    const ms_models *m = s->models;
    r->scores = calloc(m->n ? m->n : 1, sizeof *r->scores);
    if (!r->scores)
        return MS_ERR_NOMEM;
    language_mismatch(s, in, rt, r);
    ms_status st = MS_OK;
    if (rt->mismatch) {
        r->n_scores = m->n;
        keep_highest(r);
        const char *missing = r->off_topic_missing;
        fill_legacy(m, r);
        if (!r->has_off_topic)
            r->off_topic_missing = missing;
    }
    r->action = ms_policy_decide(s->policy, r);
    if (r->action < ms_policy_unread(s->policy))
        r->action = ms_policy_unread(s->policy);
    for (size_t i = 0; st == MS_OK && i < r->n_scores; i++)
        st = mismatch_reason(s, rt, i, r);
    return st;
}

ms_status ms_score(ms_scorer *s, const ms_input *orig, ms_result *r)
{
    memset(r, 0, sizeof *r);
    ms_input in = *orig;
    route rt = {.n = 0};
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

    ms_status st = k < in.len && route_languages(s, &in, r, &rt)
                       ? score_unread(s, &in, &rt, r)
                       : score_models(s, &in, &rt, r);
    if (st != MS_OK)
        ms_result_clear(r);
    return st;
}

void ms_scorer_trust_declared(ms_scorer *s, int on)
{
    if (s)
        s->trust_declared = on != 0;
}

ms_status ms_scorer_set_categories(ms_scorer *s, const char *const *names, size_t n)
{
    if (!s || (n && !names))
        return MS_ERR_ARG;
    if (n == 0) { /* the policy's selection again */
        memcpy(s->want, s->site_want, sizeof s->want);
        s->some = s->site_some;
        return MS_OK;
    }
    const ms_models *m = s->models;
    unsigned char want[MS_MAX_CATEGORIES] = {0};
    for (size_t k = 0; k < n; k++) {
        int found = 0;
        for (size_t i = 0; names[k] && i < m->n; i++)
            if (strcmp(m->m[i].card.category, names[k]) == 0)
                want[i] = 1, found = 1;
        if (!found)
            return MS_ERR_NOT_FOUND;
    }
    memcpy(s->want, want, sizeof want);
    s->some = 1;
    return MS_OK;
}

void ms_scorer_set_reasons(ms_scorer *s, ms_reasons_mode mode)
{
    if (s)
        s->reasons = mode == MS_REASONS_ALL ? MS_REASONS_ALL : MS_REASONS_FLAGGED;
}

ms_status ms_scorer_contrib(ms_scorer *s, const char *text, size_t len, const ms_tokens **t,
                            const double **contrib)
{
    int i = s->models->legacy[MS_CAT_HOSTILITY];
    if (i < 0)
        return MS_ERR_UNSUPPORTED;
    const loaded_model *lm = &s->models->m[i];
    ms_input in = {.text = text, .len = len};
    unsigned notes = 0;
    ms_status st = ms_models_map(s->models, (size_t)i);
    if (st == MS_OK)
        st = ms_features_prepare(s->fz[lm->group], &in, &notes);
    if (st == MS_OK)
        st = ms_features_attribute(s->fz[lm->group], &lm->idf, lm->linear->w, ms_models_dim(lm),
                                   t, contrib);
    return st;
}

const char *ms_scorer_hostility_version(const ms_scorer *s)
{
    return ms_models_version(s->models, MS_CAT_HOSTILITY);
}

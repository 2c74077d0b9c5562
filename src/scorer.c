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
#include "spans.h"
#include "util.h"
#include "card.h"
#include "deny.h"
#include "compiled.h"

#include <dirent.h>
#include <sys/mman.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reasons listed per flagged category, strongest first. */
#define MAX_REASONS 5

typedef struct loaded_model {
    ms_card card;
    ms_idf idf;
    ms_linear *linear;
    ms_compiled_map map; /* model.bin, when linear->w and idf.idf point into it */
    ms_category_info info;
    size_t group;        /* the feature group it shares a pass with */
    int pack;            /* its pack (index into ms_models.packs), or -1 */
    int pack_slot;       /* its place in the pack */
} loaded_model;

/* Up to MS_PACK_MODELS comment-only models of one group with their weights
 * side by side (see ms_pack_slot). */
typedef struct model_pack {
    ms_pack_slot *slots; /* 1 << hash_bits */
    int k;
    size_t model[MS_PACK_MODELS];
    const double *w[MS_PACK_MODELS];
    int32_t dim[MS_PACK_MODELS];
} model_pack;

/* Categories are data (DESIGN.md): every model directory whose card names
 * a category. Models whose feature settings are the same form a group:
 * the scorer tokenises and hashes a comment once per group and weighs the
 * counts once per model. */
struct ms_models {
    ms_lexicon *lx;
    loaded_model *m; /* n of them: hostility, off_topic, then by name */
    size_t n;
    size_t n_groups;
    size_t group_first[MS_MAX_CATEGORIES]; /* a model of each group */
    model_pack packs[MS_MAX_CATEGORIES];
    size_t n_packs;
    ms_spans_model *spans; /* models/spans, when present: reason spans */
};

struct ms_scorer {
    const ms_models *models;
    const ms_policy *policy;
    ms_featurizer *fz[MS_MAX_CATEGORIES]; /* one per group */
    ms_fvec vec;
    ms_tokens *deny;     /* each deny term's words, folded as comments are */
    size_t n_deny;
    ms_spans_work *spans;
    ms_reasons_mode reasons;
    ms_deny_index *deny_index; /* the same as a trie over tokens */
};

/* The model in dir/name; card, when not NULL, is its card already read
 * (taken over: the caller no longer clears it). */
static ms_status load_one(const char *dir, const char *name, ms_card *card, loaded_model *lm,
                          unsigned flags, ms_error *err)
{
    ms_buf path = {0};
    ms_status st = ms_buf_printf(&path, "%s/%s/card.json", dir, name);
    if (st != MS_OK) {
        if (card)
            ms_card_clear(card);
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    }
    if (card) {
        lm->card = *card;
        memset(card, 0, sizeof *card);
    } else {
        st = ms_card_read(path.data, &lm->card, err);
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
        if (st == MS_OK) {
            /* model.svm is not read then: at least see that it is whole */
            path.len = 0;
            ms_buf_printf(&path, "%s/%s/model.svm", dir, name);
            st = ms_card_check_model_size(&lm->card, path.data, err);
        }
        if (st != MS_ERR_NOT_FOUND) {
            ms_buf_free(&path);
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
    return st;
}

static void model_clear(loaded_model *lm)
{
    ms_linear_free(lm->linear);
    if (!lm->map.base)
        free(lm->idf.idf);
    ms_compiled_unmap(&lm->map);
    ms_card_clear(&lm->card);
    memset(lm, 0, sizeof *lm);
}

static ms_models *models_with_lexicon(const char *lexicon_dir, ms_error *err)
{
    ms_models *m = calloc(1, sizeof *m);
    if (m)
        m->m = calloc(MS_MAX_CATEGORIES, sizeof *m->m);
    if (!m || !m->m) {
        free(m);
        ms_fail(err, MS_ERR_NOMEM, lexicon_dir, 0, 0, "out of memory");
        return NULL;
    }
    if (ms_lexicon_load(lexicon_dir, &m->lx, err) != MS_OK) {
        free(m->m);
        free(m);
        return NULL;
    }
    return m;
}

/* Loads dir/name as a model of the set, with category cat (its card's, or
 * the legacy name). */
static ms_status add_model(ms_models *m, const char *dir, const char *name, const char *cat,
                           ms_card *card, unsigned flags, ms_error *err)
{
    ms_status st = MS_OK;
    for (size_t i = 0; st == MS_OK && i < m->n; i++)
        if (strcmp(m->m[i].card.category, cat) == 0)
            st = ms_fail(err, MS_ERR_MODEL, dir, 0, 0,
                         "two model directories name the category \"%s\" (%s/ and another)",
                         cat, name);
    if (st == MS_OK && m->n >= MS_MAX_CATEGORIES)
        st = ms_fail(err, MS_ERR_MODEL, dir, 0, 0, "more than %d model directories",
                     MS_MAX_CATEGORIES);
    if (st != MS_OK) {
        if (card)
            ms_card_clear(card);
        return st;
    }
    loaded_model *lm = &m->m[m->n];
    st = load_one(dir, name, card, lm, flags, err);
    if (st == MS_OK && !lm->card.category && !(lm->card.category = ms_strdup0(cat)))
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (st != MS_OK) {
        model_clear(lm);
        return st;
    }
    m->n++;
    return MS_OK;
}

static int category_rank(const char *name)
{
    return strcmp(name, "hostility") == 0 ? 0 : strcmp(name, "off_topic") == 0 ? 1 : 2;
}

static int cmp_model(const void *a, const void *b)
{
    const loaded_model *x = a, *y = b;
    int rx = category_rank(x->card.category), ry = category_rank(y->card.category);
    return rx != ry ? rx - ry : strcmp(x->card.category, y->card.category);
}

/* Packs the comment-only models of each group that has two or more, five
 * to a pack (64 bytes a bucket: 64 MB for five 2^20-bucket models). Made
 * for processes that score many comments; `check` (MS_LOAD_TRUST_COMPILED)
 * scores one and goes without. Out of memory leaves models unpacked. */
static void models_pack(ms_models *m)
{
    for (size_t g = 0; g < m->n_groups; g++) {
        size_t members[MS_MAX_CATEGORIES], n = 0;
        for (size_t i = 0; i < m->n; i++)
            if (m->m[i].group == g && !m->m[i].card.features.context)
                members[n++] = i;
        for (size_t at = 0; n >= 2 && at < n; at += MS_PACK_MODELS) {
            size_t k = n - at < MS_PACK_MODELS ? n - at : MS_PACK_MODELS;
            if (k < 2)
                break; /* a model alone gains nothing */
            int bits = m->m[members[at]].card.features.hash_bits;
            size_t nb = (size_t)1 << bits;
            model_pack *pk = &m->packs[m->n_packs];
            /* 2 MB pages where the kernel gives them (transparent huge pages
             * on madvise): the lookups are random over 64 MB, and with 4 kB
             * pages nearly every one also missed the TLB */
            size_t bytes = nb * sizeof *pk->slots, huge = (size_t)2 << 20;
            bytes = (bytes + huge - 1) / huge * huge;
            pk->slots = aligned_alloc(huge, bytes);
            if (!pk->slots)
                return;
#ifdef MADV_HUGEPAGE
            madvise(pk->slots, bytes, MADV_HUGEPAGE);
#endif
            memset(pk->slots, 0, bytes);
            pk->k = (int)k;
            for (size_t j = 0; j < k; j++) {
                loaded_model *lm = &m->m[members[at + j]];
                pk->model[j] = members[at + j];
                pk->w[j] = lm->linear->w;
                pk->dim[j] = lm->linear->dim;
                for (size_t b = 0; b < nb; b++) {
                    pk->slots[b].idf[j] = lm->idf.idf[b];
                    pk->slots[b].w[j] =
                        (int64_t)b + 1 < lm->linear->dim ? lm->linear->w[b + 1] : 0.0;
                }
                lm->pack = (int)m->n_packs;
                lm->pack_slot = (int)j;
            }
            m->n_packs++;
        }
    }
}

/* Orders the models, fills their info and groups them by feature settings. */
static void models_finish(ms_models *m)
{
    qsort(m->m, m->n, sizeof *m->m, cmp_model);
    m->n_groups = 0;
    for (size_t i = 0; i < m->n; i++) {
        loaded_model *lm = &m->m[i];
        lm->info.name = lm->card.category;
        lm->info.perspective_attribute = lm->card.perspective_attribute;
        lm->info.language = lm->card.language;
        lm->info.version = lm->card.version;
        lm->info.needs_context = lm->card.features.context;
        lm->pack = -1;
        size_t g = 0;
        while (g < m->n_groups &&
               !ms_feature_config_shared(&m->m[m->group_first[g]].card.features,
                                         &lm->card.features))
            g++;
        if (g == m->n_groups)
            m->group_first[m->n_groups++] = i;
        lm->group = g;
    }
}

ms_status ms_models_load(const char *dir, ms_models **out, ms_error *err)
{
    return ms_models_load_flags(dir, 0, out, err);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of dir's subdirectories (but lexicons), sorted. OUT: *names,
 * *n (free each and the array). */
static ms_status list_dirs(const char *dir, char ***names, size_t *n, ms_error *err)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return ms_fail(err, errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_IO, dir, 0, 0, "%s",
                       strerror(errno));
    size_t cap = 0;
    ms_status st = MS_OK;
    struct dirent *e;
    while (st == MS_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "lexicons") == 0)
            continue;
        if (*n >= 4 * MS_MAX_CATEGORIES)
            break; /* a models directory is not a dumping ground */
        if (ms_grow((void **)names, &cap, *n + 1, sizeof **names) != MS_OK ||
            !((*names)[*n] = ms_strdup0(e->d_name))) {
            st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof **names, cmp_str);
    return st;
}

/* Every model's card against the loaded lexicons (hashed at most once). */
static ms_status check_lexicons(const ms_models *m, unsigned flags, const char *lexicon_dir,
                                ms_error *err)
{
    uint64_t hash = 0;
    ms_status st = MS_OK;
    for (size_t i = 0; st == MS_OK && i < m->n; i++)
        st = ms_card_check_lexicon(&m->m[i].card, m->lx, !(flags & MS_LOAD_TRUST_COMPILED), &hash,
                                   lexicon_dir, err);
    return st;
}

ms_status ms_models_load_flags(const char *dir, unsigned flags, ms_models **out, ms_error *err)
{
    *out = NULL;
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/lexicons", dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    ms_models *m = models_with_lexicon(path.data, err);
    if (!m) {
        ms_buf_free(&path);
        return err ? err->code : MS_ERR_NOT_FOUND;
    }
    char **names;
    size_t n_names;
    ms_status st = list_dirs(dir, &names, &n_names, err);
    for (size_t i = 0; st == MS_OK && i < n_names; i++) {
        path.len = 0;
        if (ms_buf_printf(&path, "%s/%s/card.json", dir, names[i]) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        ms_card card;
        if (ms_card_category(path.data, names[i], &card, &st, err) && st == MS_OK)
            st = add_model(m, dir, names[i], card.category, &card, flags, err);
    }
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    /* the hostility model is required: without one, say what is missing */
    int have_hostility = 0;
    for (size_t i = 0; i < m->n; i++)
        have_hostility |= strcmp(m->m[i].card.category, "hostility") == 0;
    if (st == MS_OK && !have_hostility) {
        path.len = 0;
        ms_card card;
        if (ms_buf_printf(&path, "%s/hostility/card.json", dir) != MS_OK)
            st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        else if ((st = ms_card_read(path.data, &card, err)) == MS_OK)
            st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0,
                         "no model directory names the category \"hostility\"");
        ms_card_clear(&card);
    }
    path.len = 0;
    if (st == MS_OK && ms_buf_printf(&path, "%s/lexicons", dir) == MS_OK)
        st = check_lexicons(m, flags, path.data, err);
    /* models/spans (its card names no category: not a scoring category) */
    path.len = 0;
    if (st == MS_OK && ms_buf_printf(&path, "%s/spans", dir) == MS_OK) {
        st = ms_spans_load(path.data, &m->spans, err);
        if (st == MS_ERR_NOT_FOUND)
            st = MS_OK; /* optional: reasons are then the strongest words */
    }
    ms_buf_free(&path);
    if (st != MS_OK) {
        ms_models_free(m);
        return st;
    }
    models_finish(m);
    if (!(flags & MS_LOAD_TRUST_COMPILED))
        models_pack(m);
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
    char *name = ms_strdup0(card.category ? card.category
                            : strcmp(card.task, "hostility") == 0 ? "hostility"
                                                                  : "off_topic");
    *cat = card.features.context ? MS_CAT_OFF_TOPIC : MS_CAT_HOSTILITY;
    ms_card_clear(&card);
    ms_models *m = name ? models_with_lexicon(lexicon_dir, err) : NULL;
    if (!m) {
        free(name);
        return err ? err->code : MS_ERR_NOT_FOUND;
    }
    /* add_model wants DIR/NAME: split model_dir at its last slash */
    char *dir = ms_strdup0(model_dir);
    if (!dir) {
        free(name);
        ms_models_free(m);
        return ms_fail(err, MS_ERR_NOMEM, model_dir, 0, 0, "out of memory");
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    char *slash = strrchr(dir, '/');
    const char *parent = ".", *base = dir;
    if (slash) {
        *slash = '\0';
        parent = slash == dir ? "/" : dir;
        base = slash + 1;
    }
    st = add_model(m, parent, base, name, NULL, 0, err);
    if (st == MS_OK)
        st = check_lexicons(m, 0, lexicon_dir, err);
    free(dir);
    free(name);
    if (st != MS_OK) {
        ms_models_free(m);
        return st;
    }
    models_finish(m);
    *out = m;
    return MS_OK;
}

void ms_models_free(ms_models *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->m && i < m->n; i++)
        model_clear(&m->m[i]);
    for (size_t i = 0; i < m->n_packs; i++)
        free(m->packs[i].slots);
    free(m->m);
    ms_spans_free(m->spans);
    ms_lexicon_free(m->lx);
    free(m);
}

int ms_models_category_find(const ms_models *m, const char *name)
{
    for (size_t i = 0; m && name && i < m->n; i++)
        if (strcmp(m->m[i].card.category, name) == 0)
            return (int)i;
    return -1;
}

int ms_models_category_for_attribute(const ms_models *m, const char *attribute)
{
    for (size_t i = 0; m && attribute && i < m->n; i++)
        if (m->m[i].card.perspective_attribute &&
            strcmp(m->m[i].card.perspective_attribute, attribute) == 0)
            return (int)i;
    return -1;
}

size_t ms_models_category_count(const ms_models *m) { return m ? m->n : 0; }

const ms_category_info *ms_models_category_info(const ms_models *m, size_t i)
{
    return m && i < m->n ? &m->m[i].info : NULL;
}

const char *ms_models_version(const ms_models *m, ms_category c)
{
    if (!m || c < 0 || c >= MS_CAT_COUNT)
        return NULL;
    int i = ms_models_category_find(m, ms_category_name(c));
    return i < 0 ? NULL : m->m[i].card.version;
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
    for (size_t g = 0; st == MS_OK && g < models->n_groups; g++) {
        st = ms_featurizer_new(&models->m[models->group_first[g]].card.features, models->lx,
                               &s->fz[g]);
        if (st == MS_OK)
            ms_featurizer_set_skip(s->fz[g], allowed, (void *)policy);
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

/* The words that pushed model i's decision value up, strongest first: the
 * spans model's spans of words a moderator would mark when it is loaded,
 * else the strongest words. A flagged category always gets at least one. */
static ms_status word_reasons(ms_scorer *s, size_t i, const ms_input *in, ms_result *r,
                              int flagged)
{
    const loaded_model *lm = &s->models->m[i];
    const ms_tokens *t;
    const double *contrib;
    ms_status st = ms_features_attribute(s->fz[lm->group], &lm->idf, lm->linear->w,
                                         lm->linear->dim, &t, &contrib);
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

/* Notes which parts of the comment no loaded model reads (r->unread,
 * MS_NOTE_LANGUAGE_PART); returns how many parts a model reads. */
static size_t parts_read(const ms_scorer *s, const ms_language *lang, ms_result *r)
{
    size_t n_read = 0, at = 0;
    for (size_t i = 0; i < lang->n_parts; i++) {
        const char *code = lang->parts[i].code;
        if (ms_models_read_language(s->models, code)) {
            n_read++;
            continue;
        }
        size_t n = strlen(code);
        if (at + n + 2 > sizeof r->unread)
            continue;
        if (at)
            r->unread[at++] = ',';
        memcpy(r->unread + at, code, n + 1);
        at += n;
    }
    return n_read;
}

/* Notes the comment's language; 1 when no loaded model reads any of it, so
 * it is left unscored (never given a number for text the models cannot
 * read). A comment only partly in such a language is scored by the models
 * that read the rest, and the note says what was not read: padding abuse
 * with a sentence in another language must not publish it unscored. */
static int language_unread(const ms_scorer *s, const ms_input *in, ms_result *r)
{
    ms_language lang = {.decisive = 1};
    if (in->language && *in->language)
        snprintf(lang.code, sizeof lang.code, "%s", in->language);
    else
        ms_language_detect(in->text, in->len, &lang);
    if (!lang.decisive)
        return 0;
    snprintf(r->language, sizeof r->language, "%s", lang.code);
    if (lang.n_parts > 1) {
        size_t n_read = parts_read(s, &lang, r);
        if (n_read && r->unread[0])
            r->notes |= MS_NOTE_LANGUAGE_PART;
        if (n_read)
            return 0;
        r->unread[0] = '\0';
    }
    if (ms_models_read_language(s->models, lang.code))
        return 0;
    r->notes |= MS_NOTE_LANGUAGE;
    r->off_topic_missing = "not scored: a language no loaded model reads";
    r->action = ms_policy_decide(s->policy, r);
    return 1;
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
    else if (language_unread(s, &in, r))
        return MS_OK;

    const ms_models *m = s->models;
    ms_status st = MS_OK;
    r->scores = calloc(m->n ? m->n : 1, sizeof *r->scores);
    if (!r->scores) {
        st = MS_ERR_NOMEM;
        goto fail;
    }
    r->n_scores = m->n;
    int has_context = in.article || in.parent_text;
    int prepared[MS_MAX_CATEGORIES] = {0};
    int packed[MS_MAX_CATEGORIES] = {0};
    double pack_dot[MS_MAX_CATEGORIES][MS_PACK_MODELS];
    int built = -1; /* the model whose vector the group's featurizer holds */
    size_t built_in[MS_MAX_CATEGORIES];
    r->off_topic_missing = "no off-topic model is loaded";
    for (size_t i = 0; i < m->n; i++) {
        const loaded_model *lm = &m->m[i];
        ms_category_score *cs = &r->scores[i];
        cs->category = lm->card.category;
        if (lm->card.features.context && !has_context) {
            cs->missing = "no article or parent comment to compare with";
        } else {
            size_t g = lm->group;
            if (!prepared[g]) {
                st = ms_features_prepare(s->fz[g], &in, &r->notes);
                if (st != MS_OK)
                    goto fail;
                prepared[g] = 1;
            }
            double dec;
            if (lm->card.features.context) {
                /* the context block needs the vector built */
                st = ms_features_weigh(s->fz[g], &lm->idf, 0, &s->vec);
                dec = st == MS_OK ? ms_linear_decision(lm->linear, &s->vec) : 0;
                built_in[g] = i;
            } else if (lm->pack >= 0) {
                /* a pack: every member's w.x in one pass, on its first member */
                const model_pack *pk = &m->packs[lm->pack];
                if (!packed[lm->pack]) {
                    st = ms_features_dot_packed(s->fz[g], pk->slots, pk->k, pk->w, pk->dim,
                                                pack_dot[lm->pack]);
                    packed[lm->pack] = 1;
                }
                dec = pack_dot[lm->pack][lm->pack_slot] - lm->linear->rho;
            } else {
                /* comment-only: w.x in one pass over the shared counts */
                st = ms_features_dot(s->fz[g], &lm->idf, lm->linear->w, lm->linear->dim, &dec);
                dec -= lm->linear->rho;
            }
            if (st != MS_OK)
                goto fail;
            built = (int)i;
            cs->score = ms_linear_probability(lm->linear, dec);
            cs->has_score = 1;
        }
        if (strcmp(cs->category, "hostility") == 0) {
            r->hostility = cs->score;
            r->has_hostility = cs->has_score;
        } else if (strcmp(cs->category, "off_topic") == 0) {
            r->off_topic = cs->score;
            r->has_off_topic = cs->has_score;
            r->off_topic_missing = cs->missing;
        }
    }
    (void)built;
    /* sentiment and deny terms from the first category's pass (hostility's
     * when it is loaded; the tokens are the same in every group) */
    if (m->n && prepared[m->m[0].group]) {
        ms_featurizer *f = s->fz[m->m[0].group];
        r->sentiment = m->m[0].card.features.lexicon ? ms_features_sentiment(f)
                                                     : ms_vader_compound(m->lx, in.text, in.len);
        st = deny_terms(s, &in, ms_featurizer_tokens(f), r);
        if (st != MS_OK)
            goto fail;
    } else {
        /* a model set without a comment-only model (evaluating one model) */
        r->sentiment = ms_vader_compound(m->lx, in.text, in.len);
    }
    r->action = ms_policy_decide(s->policy, r);
    /* Reasons per flagged category. Attribution re-runs a group's features
     * with bookkeeping on; context reasons read the context block of the
     * group's last build, which for a context model is its own (a context
     * group is never shared with a model that comes later here: the
     * context setting is part of what groups share). */
    for (size_t i = 0; i < m->n; i++) {
        /* --reasons all: hostility's word reasons for every comment */
        int all = s->reasons == MS_REASONS_ALL && r->scores[i].has_score &&
                  !m->m[i].card.features.context &&
                  strcmp(m->m[i].card.category, "hostility") == 0;
        if (!r->scores[i].flagged && !all)
            continue;
        if (m->m[i].card.features.context) {
            if (built_in[m->m[i].group] != i)
                continue;
            st = context_reasons(s, i, &in, r);
        } else {
            st = word_reasons(s, i, &in, r, r->scores[i].flagged);
        }
        if (st != MS_OK)
            goto fail;
    }
    return MS_OK;
fail:
    ms_result_clear(r);
    return st;
}

void ms_scorer_set_reasons(ms_scorer *s, ms_reasons_mode mode)
{
    if (s)
        s->reasons = mode == MS_REASONS_ALL ? MS_REASONS_ALL : MS_REASONS_FLAGGED;
}

ms_status ms_scorer_contrib(ms_scorer *s, const char *text, size_t len, const ms_tokens **t,
                            const double **contrib)
{
    int i = ms_models_category_find(s->models, "hostility");
    if (i < 0)
        return MS_ERR_UNSUPPORTED;
    const loaded_model *lm = &s->models->m[i];
    ms_input in = {.text = text, .len = len};
    unsigned notes = 0;
    ms_status st = ms_features_prepare(s->fz[lm->group], &in, &notes);
    if (st == MS_OK)
        st = ms_features_attribute(s->fz[lm->group], &lm->idf, lm->linear->w, lm->linear->dim, t,
                                   contrib);
    return st;
}

const char *ms_scorer_hostility_version(const ms_scorer *s)
{
    return ms_models_version(s->models, MS_CAT_HOSTILITY);
}

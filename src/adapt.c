/* adapt.c - `modscore train --base DIR`: a shipped (or any) model adapted
 * to a site's own moderator decisions, without the base model's training
 * data. The site's rows are featurised exactly as the base model's
 * (its feature settings and idf), a correction is fitted on them
 * (adapt_fit.c), the mixing strength is chosen by cross-validation with
 * the unadapted base model as one candidate, and the result is folded into
 * one libsvm linear model over the same features, with Platt calibration
 * on the site's cross-validated decision values. */
#include "adapt.h"

#include "card.h"
#include "language.h"
#include "lexicon.h"
#include "metrics.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MS_ADAPT_MIN_ROWS 20

/* Mixing strengths (the loss weight c of adapt_fit.c) searched by default:
 * the smallest keeps close to the base model, the largest lets the site's
 * words speak. */
static const double adapt_grid[] = {0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0};

const char *ms_adapt_method_name(ms_adapt_method m)
{
    switch (m) {
    case MS_ADAPT_FEATURE: return "feature";
    case MS_ADAPT_PRIOR: return "prior";
    case MS_ADAPT_BOTH: return "both";
    case MS_ADAPT_ALL: return "all";
    default: return "default";
    }
}

/* The default: the prior, chosen by bench/adapt.sh (the README's table:
 * 5 simulated sites, k = 50..1000, 3 draws each): mean lift over the
 * shipped model +0.060 against +0.057 for the feature and for both, most
 * of it at k = 50 (+0.029 against +0.016), where the base model's score as
 * a free feature can take the wrong sign from a handful of rejections
 * (worst draw -0.065; the prior's -0.031). */
static ms_adapt_method resolve_method(ms_adapt_method m)
{
    return m == MS_ADAPT_DEFAULT ? MS_ADAPT_PRIOR : m;
}

static ms_adapt_fit method_fit(ms_adapt_method m, double c)
{
    ms_adapt_fit p = {c, 0, 0};
    if (m == MS_ADAPT_FEATURE || m == MS_ADAPT_BOTH)
        p.s = 1.0;
    if (m == MS_ADAPT_PRIOR || m == MS_ADAPT_BOTH)
        p.lambda = 1.0;
    return p;
}

/* ------------------------------------------------------------ the decisions */

static int cmp_text(const ms_example *a, const ms_example *b)
{
    if (a->text_len != b->text_len)
        return a->text_len < b->text_len ? -1 : 1;
    return memcmp(a->text, b->text, a->text_len);
}

/* A merge sort of row indices by text (qsort has no user pointer, and the
 * library keeps no global state). */
static void sort_by_text(const ms_dataset *set, size_t *idx, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_by_text(set, idx, h);
    sort_by_text(set, idx + h, n - h);
    size_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return; /* left unsorted: duplicates may go unnoticed, nothing worse */
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_text(&set->items[idx[j]], &set->items[idx[i]]) < 0 ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *tmp);
    free(tmp);
}

/* 1 when example e is in language lang (the base model's): a record that
 * names none is, unless it is a decision log record (source suggestscore),
 * which is English, the only language the service answered before the log
 * kept one. */
static int in_language(const ms_example *e, const char *lang)
{
    const char *l = e->language ? e->language : e->feedback ? "en" : NULL;
    return !l || ms_language_same(l, lang ? lang : "en");
}

/* Checks the decisions (enough of them, both classes, no text decided both
 * ways) and marks repeated texts with the same decision as not kept, so a
 * copy is never scored by a fold that trained on it. Only the last max of
 * set are read: OUT: *older, how many before them are left out; of those,
 * the records of a language other than lang are left out too: OUT:
 * *other. OUT: keep (set->n). */
static ms_status check_decisions(const ms_dataset *set, size_t max, const char *lang,
                                 unsigned char *keep, size_t *n_keep, size_t *older,
                                 size_t *other, ms_error *err)
{
    *n_keep = 0;
    *other = 0;
    *older = set->n > max ? set->n - max : 0;
    if (set->n < MS_ADAPT_MIN_ROWS)
        return ms_fail(err, MS_ERR_PARSE, "", 0, 0,
                       "adapting needs at least %d decisions, have %zu", MS_ADAPT_MIN_ROWS,
                       set->n);
    if (max < MS_ADAPT_MIN_ROWS)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "adapting needs at least %d decisions, not %zu",
                       MS_ADAPT_MIN_ROWS, max);
    size_t m = 0;
    size_t *idx = malloc((set->n - *older) * sizeof *idx);
    if (!idx)
        return ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "out of memory");
    for (size_t i = 0; i < set->n; i++) {
        int lang_ok = in_language(&set->items[i], lang);
        keep[i] = i >= *older && lang_ok;
        *other += i >= *older && !lang_ok;
        if (keep[i])
            idx[m++] = i;
    }
    sort_by_text(set, idx, m);
    ms_status st = MS_OK;
    for (size_t k = 1; k < m && st == MS_OK; k++) {
        const ms_example *a = &set->items[idx[k - 1]], *b = &set->items[idx[k]];
        if (cmp_text(a, b))
            continue;
        if ((a->label != 0) != (b->label != 0)) {
            size_t first = idx[k - 1] < idx[k] ? idx[k - 1] : idx[k];
            size_t second = idx[k - 1] < idx[k] ? idx[k] : idx[k - 1];
            st = ms_fail(err, MS_ERR_PARSE, "", 0, 0,
                         "decisions %zu and %zu are the same text decided both ways "
                         "(\"%.60s%s\"): settle it or drop one",
                         first + 1, second + 1, a->text, a->text_len > 60 ? "..." : "");
        }
        keep[idx[k - 1] > idx[k] ? idx[k - 1] : idx[k]] = 0; /* keep the first */
    }
    free(idx);
    size_t pos = 0, n = 0;
    for (size_t i = 0; i < set->n; i++)
        if (keep[i])
            n++, pos += set->items[i].label != 0;
    *n_keep = n;
    if (st == MS_OK && *other && n < MS_ADAPT_MIN_ROWS)
        st = ms_fail(err, MS_ERR_PARSE, "", 0, 0,
                     "adapting needs at least %d distinct decisions in the model's language "
                     "(%s), have %zu (%zu in other languages left out)",
                     MS_ADAPT_MIN_ROWS, lang ? lang : "en", n, *other);
    if (st == MS_OK && (pos < 2 || n - pos < 2))
        st = ms_fail(err, MS_ERR_PARSE, "", 0, 0,
                     "the decisions need both classes, at least 2 of each: have %zu rejected "
                     "and %zu published",
                     pos, n - pos);
    if (st == MS_OK && n < MS_ADAPT_MIN_ROWS)
        st = ms_fail(err, MS_ERR_PARSE, "", 0, 0,
                     "adapting needs at least %d distinct decisions, have %zu",
                     MS_ADAPT_MIN_ROWS, n);
    return st;
}

/* 1 when record b, read after a, is the later decision: by "time" where
 * both have one (the log's own clock; several instances' logs are read
 * one after another), else b. */
static int decided_later(const ms_example *a, const ms_example *b)
{
    if (a->time && b->time) {
        int c = strcmp(b->time, a->time);
        if (c)
            return c > 0;
    }
    return 1;
}

static const char *source_name(const ms_dataset *set, const ms_example *e)
{
    return e->source < set->n_sources ? set->sources[e->source] : "";
}

/* Settles the records idx[0..n) of one text when they disagree: the
 * latest kept (keep[] cleared for the others), or MS_ERR_PARSE. OUT:
 * *settled 1 when it settled one. */
static ms_status settle_text(const ms_dataset *set, const size_t *idx, size_t n,
                             int latest_wins, unsigned char *keep, int *settled, ms_error *err)
{
    const ms_example *first = &set->items[idx[0]];
    size_t other = 0, log = first->feedback, latest = 0;
    for (size_t k = 1; k < n; k++) {
        const ms_example *e = &set->items[idx[k]];
        if (!other && (e->label != 0) != (first->label != 0))
            other = k;
        log += e->feedback != 0;
        if (decided_later(&set->items[idx[latest]], e))
            latest = k;
    }
    *settled = 0;
    if (!other)
        return MS_OK;
    if (log < n && !latest_wins) {
        const ms_example *b = &set->items[idx[other]];
        return ms_fail(err, MS_ERR_PARSE, source_name(set, first), first->line, 0,
                       "decided %s here and %s at %s:%ld, the same text (\"%.60s%s\"): "
                       "settle it, drop one, or keep the later with --latest-wins",
                       first->label ? "rejected" : "published", b->label ? "rejected" : "published",
                       source_name(set, b), b->line, first->text,
                       first->text_len > 60 ? "..." : "");
    }
    for (size_t k = 0; k < n; k++)
        keep[idx[k]] = k == latest;
    *settled = 1;
    return MS_OK;
}

ms_status ms_dataset_settle(ms_dataset *set, int latest_wins, size_t *revised, ms_error *err)
{
    if (revised)
        *revised = 0;
    if (set->n < 2)
        return MS_OK;
    size_t *idx = malloc(set->n * sizeof *idx);
    unsigned char *keep = malloc(set->n);
    if (!idx || !keep) {
        free(idx), free(keep);
        return ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "out of memory");
    }
    for (size_t i = 0; i < set->n; i++)
        idx[i] = i, keep[i] = 1;
    sort_by_text(set, idx, set->n); /* stable: a text's records in the order read */
    ms_status st = MS_OK;
    size_t settled = 0;
    for (size_t a = 0, b; st == MS_OK && a < set->n; a = b) {
        for (b = a + 1; b < set->n && !cmp_text(&set->items[idx[a]], &set->items[idx[b]]); b++)
            ;
        int one = 0;
        if (b - a > 1)
            st = settle_text(set, idx + a, b - a, latest_wins, keep, &one, err);
        settled += (size_t)one;
    }
    if (st == MS_OK && settled)
        ms_dataset_keep(set, keep);
    if (revised)
        *revised = st == MS_OK ? settled : 0;
    free(idx), free(keep);
    return st;
}

/* ------------------------------------------------------------ the base model */

typedef struct base_model {
    json_t *card; /* the base card as read: the new card starts from it */
    ms_card info;
    ms_linear *lin;
    ms_idf idf;
    ms_lexicon *lx;
    ms_lexicon *list; /* MS_LEXICON_LIST: its language's own list */
} base_model;

static void base_clear(base_model *b)
{
    json_decref(b->card);
    ms_card_clear(&b->info);
    ms_linear_free(b->lin);
    free(b->idf.idf);
    ms_lexicon_free(b->lx);
    ms_lexicon_free(b->list);
    memset(b, 0, sizeof *b);
}

static const char *task_name(ms_task t) { return t == MS_TASK_HOSTILITY ? "hostility" : "off_topic"; }

/* The card: present, of this feature version, of the task (and category,
 * when the options name one) asked for. */
static ms_status base_card(const char *dir, const ms_train_options *o, base_model *b,
                           ms_buf *path, ms_error *err)
{
    ms_task task = o->task;
    path->len = 0;
    if (ms_buf_printf(path, "%s/card.json", dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    ms_status st = ms_card_read(path->data, &b->info, err);
    if (st == MS_ERR_NOT_FOUND || st == MS_ERR_NOMEM || st == MS_ERR_IO)
        return st;
    if (st != MS_OK) { /* not a card this modscore reads: another format, or damaged */
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err ? err->message : "unreadable card");
        return ms_fail(err, MS_ERR_PARSE, path->data, err ? err->line : 0,
                       err ? err->column : 0, "cannot adapt this base model: %s", why);
    }
    if (strcmp(b->info.task, task_name(task)))
        return ms_fail(err, MS_ERR_ARG, dir, 0, 0,
                       "the base model is for %s, not %s: pass --task %s or another --base",
                       b->info.task, task_name(task),
                       strcmp(b->info.task, "off_topic") ? b->info.task : "off-topic");
    json_error_t je;
    b->card = json_load_file(path->data, 0, &je);
    if (!json_is_object(b->card))
        return ms_fail(err, MS_ERR_PARSE, path->data, je.line, je.column, "%s", je.text);
    const char *cat = json_string_value(json_object_get(b->card, "category"));
    const char *want = o->category ? o->category : task_name(task);
    if (cat && strcmp(cat, want))
        return ms_fail(err, MS_ERR_ARG, dir, 0, 0,
                       "the base model is for %s, not %s: pass --task %s or another --base",
                       cat, want, cat);
    return MS_OK;
}

/* MS_ERR_ARG when out_dir would be inside base_dir: the base model's
 * directory would then hold a directory of its own, which no later
 * `train --out` of the base would replace. */
static ms_status out_outside_base(const char *base_dir, const char *out_dir, ms_error *err)
{
    char *base = realpath(base_dir, NULL);
    char *out = ms_strdup0(out_dir), *parent = NULL;
    /* the deepest directory above out that exists, resolved */
    while (out && !parent) {
        size_t n = strlen(out);
        while (n > 1 && out[n - 1] == '/')
            out[--n] = '\0';
        char *slash = strrchr(out, '/');
        if (!slash) {
            parent = realpath(".", NULL);
            break;
        }
        slash[slash == out] = '\0'; /* "/x" -> "/" */
        parent = realpath(out, NULL);
        if (slash == out)
            break;
    }
    size_t bn = base ? strlen(base) : 0;
    int inside = base && parent && !strncmp(parent, base, bn) &&
                 (parent[bn] == '/' || parent[bn] == '\0' || bn == 1);
    free(base), free(out), free(parent);
    return inside ? ms_fail(err, MS_ERR_ARG, out_dir, 0, 0,
                            "is inside the base model's directory %s: refused (write the "
                            "adapted model beside it)",
                            base_dir)
                  : MS_OK;
}

/* Loads and checks everything of the base model a new model reuses. */
static ms_status load_base(const char *dir, const ms_train_options *o, base_model *b,
                           ms_error *err)
{
    const char *lexicon_dir = o->lexicon_dir;
    ms_buf path = {0};
    ms_status st = base_card(dir, o, b, &path, err);
    if (st == MS_OK)
        st = ms_lexicon_load(lexicon_dir ? lexicon_dir : "models/lexicons", &b->lx, err);
    const char *lh = json_string_value(json_object_get(b->card, "lexicon_hash"));
    char hex[17];
    if (st == MS_OK && lh && b->info.features.lexicon) {
        ms_hex64(ms_lexicon_hash(b->lx), hex);
        if (strcmp(hex, lh))
            st = ms_fail(err, MS_ERR_PARSE, dir, 0, 0,
                         "the base model was built with other lexicons (card %s, %s/ has %s): "
                         "its features cannot be reproduced",
                         lh, lexicon_dir ? lexicon_dir : "models/lexicons", hex);
    }
    if (st == MS_OK && b->info.features.lexicon == MS_LEXICON_LIST)
        st = ms_lexicon_load_for(lexicon_dir ? lexicon_dir : "models/lexicons",
                                 b->info.language, b->info.list_hash, &b->list, err);
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/model.svm", dir);
        st = ms_card_check_file(path.data, b->info.model_hash, err);
        if (st == MS_OK)
            st = ms_linear_load(path.data, &b->lin, err);
    }
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/idf.bin", dir);
        st = ms_card_check_file(path.data, b->info.idf_hash, err);
        if (st == MS_OK)
            st = ms_idf_read(path.data, &b->idf, err);
        if (st == MS_OK && b->idf.bits != b->info.features.hash_bits)
            st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0,
                         "idf table has 2^%d buckets, the card says 2^%d", b->idf.bits,
                         b->info.features.hash_bits);
    }
    ms_buf_free(&path);
    return st;
}

/* ------------------------------------------------------------ the site's rows */

/* Appends one featurised row; map turns libsvm indices into compact
 * columns (-1: none yet). caps: the capacities of col, val and orig. */
static ms_status add_row(ms_adapt_rows *r, size_t caps[3], const ms_fvec *x, int32_t *map,
                         int32_t map_n)
{
    size_t at = r->ptr[r->n];
    if (ms_grow((void **)&r->col, &caps[0], at + x->n, sizeof *r->col) != MS_OK ||
        ms_grow((void **)&r->val, &caps[1], at + x->n, sizeof *r->val) != MS_OK)
        return MS_ERR_NOMEM;
    for (size_t k = 0; k < x->n; k++) {
        int32_t j = x->idx[k];
        if (j <= 0 || j >= map_n || x->val[k] == 0)
            continue;
        if (map[j] < 0) {
            if (ms_grow((void **)&r->orig, &caps[2], (size_t)r->d + 1, sizeof *r->orig) != MS_OK)
                return MS_ERR_NOMEM;
            r->orig[r->d] = j;
            map[j] = r->d++;
        }
        r->col[at] = map[j];
        r->val[at++] = (float)x->val[k];
    }
    r->ptr[++r->n] = at;
    return MS_OK;
}

/* The kept decisions as rows over the base model's features, with the
 * base model's decision value of each. */
static ms_status build_rows(const ms_dataset *set, const unsigned char *keep, size_t n_keep,
                            const base_model *b, ms_adapt_rows *r)
{
    int32_t map_n = (int32_t)(1u << b->info.features.hash_bits) + 1 + MS_DENSE_COUNT;
    int32_t *map = malloc((size_t)map_n * sizeof *map);
    r->ptr = calloc(n_keep + 1, sizeof *r->ptr);
    r->z = malloc(n_keep * sizeof *r->z);
    r->y = malloc(n_keep);
    ms_featurizer *fz = NULL;
    ms_status st = map && r->ptr && r->z && r->y ? MS_OK : MS_ERR_NOMEM;
    if (st == MS_OK)
        st = ms_featurizer_new(&b->info.features, b->lx, &fz);
    ms_featurizer_set_list(fz, b->list);
    for (int32_t j = 0; map && j < map_n; j++)
        map[j] = -1;
    ms_fvec x = {0};
    size_t caps[3] = {0, 0, 0}, pos = 0;
    ms_article scratch;
    for (size_t i = 0; st == MS_OK && i < set->n; i++) {
        if (!keep[i])
            continue;
        ms_input in = ms_train_example_input(&set->items[i], &scratch);
        st = ms_features_build(fz, &b->idf, &in, 1, &x, NULL);
        if (st != MS_OK)
            break;
        r->z[r->n] = ms_linear_decision(b->lin, &x);
        r->y[r->n] = (int8_t)(set->items[i].label != 0);
        pos += (size_t)r->y[r->n];
        st = add_row(r, caps, &x, map, map_n);
    }
    if (st == MS_OK && r->n) {
        r->cw[1] = (double)r->n / (2.0 * (double)pos);
        r->cw[0] = (double)r->n / (2.0 * (double)(r->n - pos));
    }
    ms_fvec_free(&x);
    ms_featurizer_free(fz);
    free(map);
    return st;
}

/* ------------------------------------------------------------ cross-validation */

/* Stratified folds from a seeded shuffle. OUT: fold (n). */
static void make_folds(const int8_t *y, size_t n, int k, uint64_t seed, int *fold, size_t *order)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    uint64_t s = seed;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(ms_random_next(&s) % i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    size_t next[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        fold[order[i]] = (int)(next[y[order[i]] ? 1 : 0]++ % (size_t)k);
}

typedef struct candidate {
    ms_adapt_method method; /* MS_ADAPT_DEFAULT: the base model unadapted */
    double c;
    double roc_auc;
} candidate;

typedef struct cv_state {
    const ms_adapt_rows *r;
    const int *fold;
    int k;
    double *dec;       /* the current candidate's cross-validated decision values */
    double *best_dec;  /* the best candidate's so far */
    candidate best;
    candidate *tried;  /* every candidate, for the card */
    size_t n_tried;
} cv_state;

static ms_status cv_record(cv_state *cv, candidate c)
{
    ms_status st = ms_roc_auc(cv->dec, cv->r->y, cv->r->n, &c.roc_auc);
    if (st != MS_OK)
        return st;
    cv->tried[cv->n_tried++] = c;
    if (c.roc_auc > cv->best.roc_auc) {
        cv->best = c;
        memcpy(cv->best_dec, cv->dec, cv->r->n * sizeof *cv->dec);
    }
    return MS_OK;
}

/* Cross-validates one method along the grid of strengths, each fold's fit
 * starting from its fit at the previous strength. */
static ms_status cv_method(cv_state *cv, ms_adapt_method m, const double *grid, size_t n_grid)
{
    const ms_adapt_rows *r = cv->r;
    size_t dim = (size_t)r->d + 2;
    double *w = calloc((size_t)cv->k * dim, sizeof *w);
    size_t *rows = malloc(r->n * sizeof *rows);
    ms_status st = w && rows ? MS_OK : MS_ERR_NOMEM;
    for (size_t g = 0; st == MS_OK && g < n_grid; g++) {
        ms_adapt_fit p = method_fit(m, grid[g]);
        for (int f = 0; st == MS_OK && f < cv->k; f++) {
            size_t n = 0;
            for (size_t i = 0; i < r->n; i++)
                if (cv->fold[i] != f)
                    rows[n++] = i;
            st = ms_adapt_solve(r, rows, n, &p, w + (size_t)f * dim);
            for (size_t i = 0; st == MS_OK && i < r->n; i++)
                if (cv->fold[i] == f)
                    cv->dec[i] = ms_adapt_decision(r, i, &p, w + (size_t)f * dim);
        }
        if (st == MS_OK)
            st = cv_record(cv, (candidate){m, grid[g], 0});
    }
    free(w);
    free(rows);
    return st;
}

/* ------------------------------------------------------------ the new model */

/* The best candidate fitted on every row and folded into the base model's
 * weights: a*w_base + u over the same features, rho = a*rho_base - b.
 * OUT: out (out->w to free), *a. */
static ms_status fold_model(const ms_adapt_rows *r, const base_model *b, candidate best,
                            ms_linear *out, double *a)
{
    int32_t dim = b->lin->dim;
    for (int32_t c = 0; c < r->d; c++)
        if (r->orig[c] >= dim)
            dim = r->orig[c] + 1;
    double *w = NULL, bias = 0;
    *a = 1;
    out->w = calloc((size_t)dim, sizeof *out->w);
    if (!out->w)
        return MS_ERR_NOMEM;
    if (best.method != MS_ADAPT_DEFAULT) {
        ms_adapt_fit p = method_fit(best.method, best.c);
        w = calloc((size_t)r->d + 2, sizeof *w);
        ms_status st = w ? ms_adapt_solve(r, NULL, r->n, &p, w) : MS_ERR_NOMEM;
        if (st != MS_OK) {
            free(w);
            return st;
        }
        *a = p.lambda + p.s * w[r->d];
        bias = w[r->d + 1];
    }
    for (int32_t j = 0; j < b->lin->dim; j++)
        out->w[j] = *a * b->lin->w[j];
    for (int32_t c = 0; w && c < r->d; c++)
        out->w[r->orig[c]] += w[c];
    out->dim = dim;
    out->rho = *a * b->lin->rho - bias;
    out->positive_first = 1;
    free(w);
    return MS_OK;
}

static json_t *cv_json(const double *dec, const ms_linear *platt, const int8_t *y, size_t n)
{
    double *p = malloc((n ? n : 1) * sizeof *p);
    double auc = 0, ap = 0, brier = 0;
    for (size_t i = 0; p && i < n; i++)
        p[i] = ms_linear_probability(platt, dec[i]);
    if (p) {
        ms_roc_auc(dec, y, n, &auc);
        ms_average_precision(dec, y, n, &ap);
        ms_brier(p, y, n, &brier);
    }
    free(p);
    return json_pack("{s:f,s:f,s:f}", "roc_auc", auc, "pr_auc", ap, "brier", brier);
}

typedef struct adapt_facts {
    const char *base_dir;
    uint64_t data_hash;
    size_t rows, dropped, positives;
    size_t older; /* decisions before the last max_decisions, left out */
    int folds;
    uint64_t seed;
    ms_adapt_method method;
    double base_coef;
    double seconds;
    size_t other_language; /* decisions in another language, left out */
} adapt_facts;

/* ------------------------------------------------------ Perspective's scale */

/* P(positive) of model m at g, the decision value toward the positive class. */
static double prob_at(const ms_linear *m, double g)
{
    return ms_linear_probability(m, m->positive_first ? g : -g);
}

/* The decision value toward the positive class at which m says p
 * (bisection; m's calibration is monotone in it, either way). */
static double decision_for(const ms_linear *m, double p)
{
    double lo = -60, hi = 60;
    int up = prob_at(m, hi) >= prob_at(m, lo);
    for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        if ((prob_at(m, mid) < p) == up)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

/* The adapted card's "perspective_scale": the base card's map carried over
 * through the decision value. The adapted model's probability is
 * recalibrated on the site's decisions (Platt on their cross-validated
 * decision values), so the base map read on it would move every answer by
 * the site's share of rejections alone (a copy); the map is a function of
 * the base model's decision value, so each knot (base score s, share y)
 * becomes (the adapted model's score at the decision value where the base
 * model says s, y): a comment whose decision value the adaptation did not
 * move keeps its Perspective answer, and one the site's decisions moved
 * up or down moves on the raters' scale. There is no rater data at a
 * site to refit on. When the adapted calibration runs the other way (no
 * monotone map), the card says so and answers with its own score. */
static void transport_scale(json_t *card, const base_model *b, const ms_linear *lin)
{
    const ms_card *c = &b->info;
    json_object_del(card, "perspective_scale");
    if (c->scale.knots < 2)
        return;
    json_t *xs = json_array(), *ys = json_array();
    double last = -1;
    int monotone = prob_at(lin, 1) >= prob_at(lin, -1);
    for (size_t k = 0; monotone && xs && ys && k < c->scale.knots; k++) {
        double s = c->scale.score[k];
        if (s > 0 && s < 1)
            s = prob_at(lin, decision_for(b->lin, s));
        if (k + 1 < c->scale.knots && (s <= last || s >= 1))
            continue; /* a knot squeezed out at the ends */
        if (k + 1 == c->scale.knots && last >= 1)
            break;
        json_array_append_new(xs, json_real(s));
        json_array_append_new(ys, json_real(c->scale.share[k]));
        last = s;
    }
    if (monotone && json_array_size(xs) >= 2)
        json_object_set_new(
            card, "perspective_scale",
            json_pack("{s:o,s:o,s:s,s:s}", "score", xs, "share", ys, "fitted_on",
                      "the base model's map carried over through the decision value (the "
                      "adapted model's score where the base model's score was each knot): "
                      "adapt.c transport_scale",
                      "base_version", c->version ? c->version : ""));
    else {
        json_decref(xs), json_decref(ys);
        json_object_set_new(card, "perspective_scale_fallback",
                            json_string("the adapted calibration is not monotone in the base "
                                        "model's decision value: the answer is the model's "
                                        "own probability"));
    }
}

/* The new card: the base card (category, attribute, language, feature
 * settings are the base model's), with this model's own version, data,
 * training and cross-validation, and where it came from. */
static json_t *adapted_card(const base_model *b, const adapt_facts *f, const cv_state *cv,
                            const ms_linear *lin, const double *base_dec)
{
    json_t *card = json_deep_copy(b->card), *grid = json_array();
    char hex[17], version[96], date[32], day[16];
    ms_hex64(f->data_hash, hex);
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    strftime(day, sizeof day, "%Y%m%d", &tmv);
    snprintf(version, sizeof version, "%s-adapted-%s-%.8s", b->info.task, day, hex);
    for (size_t i = 0; grid && i < cv->n_tried; i++)
        json_array_append_new(grid, json_pack("{s:s,s:f,s:f}", "method",
                                               cv->tried[i].method == MS_ADAPT_DEFAULT
                                                   ? "base"
                                                   : ms_adapt_method_name(cv->tried[i].method),
                                               "c", cv->tried[i].c, "roc_auc",
                                               cv->tried[i].roc_auc));
    ms_linear base_platt = *b->lin;
    const char *chosen = cv->best.method == MS_ADAPT_DEFAULT ? "base (unadapted; recalibrated)"
                                                              : ms_adapt_method_name(cv->best.method);
    json_t *adapt = json_pack(
        "{s:{s:s,s:s,s:s,s:s},s:{s:s,s:I,s:I,s:I,s:I},s:s,s:s,s:f,s:f,s:i,s:I,s:o,"
        "s:{s:o,s:o}}",
        "base", "dir", f->base_dir, "version", b->info.version, "model_hash",
        json_string_value(json_object_get(b->card, "model_hash")), "idf_hash",
        json_string_value(json_object_get(b->card, "idf_hash")), "decisions", "hash", hex,
        "rows", (json_int_t)f->rows, "rejected", (json_int_t)f->positives, "published",
        (json_int_t)(f->rows - f->positives), "duplicates_dropped", (json_int_t)f->dropped,
        "methods_tried", ms_adapt_method_name(f->method), "chosen", chosen, "strength_c",
        cv->best.method == MS_ADAPT_DEFAULT ? 0.0 : cv->best.c, "base_weight", f->base_coef,
        "folds", f->folds, "seed", (json_int_t)f->seed, "grid", grid, "cross_validation",
        "base", cv_json(base_dec, &base_platt, cv->r->y, cv->r->n), "adapted",
        cv_json(cv->best_dec, lin, cv->r->y, cv->r->n));
    json_t *cvj = cv_json(cv->best_dec, lin, cv->r->y, cv->r->n);
    json_t *decisions = adapt ? json_object_get(adapt, "decisions") : NULL;
    if (decisions && f->older &&
        json_object_set_new(decisions, "older_left_out", json_integer((json_int_t)f->older)))
        json_decref(adapt), adapt = NULL;
    if (adapt && decisions && f->other_language &&
        json_object_set_new(decisions, "other_languages_left_out",
                            json_integer((json_int_t)f->other_language)))
        json_decref(adapt), adapt = NULL;
    if (!card || !adapt || !cvj) {
        json_decref(card), json_decref(adapt), json_decref(cvj);
        return NULL;
    }
    json_object_set_new(cvj, "note", json_string("the site's decisions, cross-validated; the "
                                                  "base model's figures beside them in "
                                                  "adaptation.cross_validation"));
    json_object_del(card, "model_hash");
    json_object_del(card, "idf_hash");
    json_object_set_new(card, "version", json_string(version));
    json_object_set_new(card, "created", json_string(date));
    json_object_set_new(card, "modscore_version", json_string(MS_VERSION));
    json_object_set_new(card, "data", json_pack("{s:s,s:I,s:I,s:I}", "hash", hex, "examples",
                                                (json_int_t)f->rows, "positives",
                                                (json_int_t)f->positives, "negatives",
                                                (json_int_t)(f->rows - f->positives)));
    json_object_set_new(card, "training",
                        json_pack("{s:s,s:f,s:f,s:f}", "solver",
                                  "adapted: logistic regression on the site's decisions around "
                                  "the base model (Newton-CG), folded into one linear model",
                                  "platt_a", lin->prob_a, "platt_b", lin->prob_b, "seconds",
                                  f->seconds));
    json_object_set_new(card, "cross_validation", cvj);
    json_object_set_new(card, "adaptation", adapt);
    transport_scale(card, b, lin);
    return card;
}

/* Every candidate's cross-validation: the base model as it is, then each
 * method along the grid. */
static ms_status cross_validate(cv_state *cv, ms_adapt_method method, const double *grid,
                                size_t n_grid)
{
    memcpy(cv->dec, cv->r->z, cv->r->n * sizeof *cv->dec);
    cv->best.roc_auc = -1;
    ms_status st = cv_record(cv, (candidate){MS_ADAPT_DEFAULT, 0, 0});
    for (int m = MS_ADAPT_FEATURE; st == MS_OK && m <= MS_ADAPT_BOTH; m++)
        if (method == MS_ADAPT_ALL || (ms_adapt_method)m == method)
            st = cv_method(cv, (ms_adapt_method)m, grid, n_grid);
    return st;
}

static void progress(const ms_train_options *o, const char *stage, double t0)
{
    if (!o->progress)
        return;
    ms_train_progress p = {stage, 0, 0, 0, 0, 0, ms_now() - t0, -1};
    o->progress(o->progress_ud, &p);
}

/* Fits, calibrates and writes the model once the candidates are measured. */
static ms_status finish(const base_model *b, adapt_facts *f, cv_state *cv, const char *out_dir,
                        double t0, ms_error *err)
{
    ms_linear lin = {0};
    ms_status st = fold_model(cv->r, b, cv->best, &lin, &f->base_coef);
    if (st == MS_OK)
        st = ms_platt_fit(cv->best_dec, cv->r->y, cv->r->n, &lin.prob_a, &lin.prob_b);
    json_t *card = NULL;
    if (st == MS_OK) {
        f->seconds = ms_now() - t0;
        card = adapted_card(b, f, cv, &lin, cv->r->z);
        if (!card)
            st = MS_ERR_NOMEM;
    }
    if (st == MS_OK)
        st = ms_train_write_dir(out_dir, &lin, &b->idf, card, err);
    else
        ms_fail(err, st, out_dir, 0, 0, "adapting failed: %s", ms_strerror(st));
    json_decref(card);
    free(lin.w);
    return st;
}

ms_status ms_adapt(const ms_dataset *set, const ms_train_options *o, const char *base_dir,
                   ms_adapt_method method, const char *out_dir, ms_error *err)
{
    double t0 = ms_now();
    unsigned char *keep = malloc(set->n ? set->n : 1);
    if (!keep)
        return ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "out of memory");
    size_t n_keep = 0, older = 0, other = 0;
    size_t max = o->max_decisions ? o->max_decisions : MS_ADAPT_MAX_DECISIONS;
    base_model b = {0};
    ms_adapt_rows r = {0};
    ms_status st = out_outside_base(base_dir, out_dir, err);
    if (st == MS_OK)
        st = load_base(base_dir, o, &b, err);
    if (st == MS_OK) /* the decisions of the base model's language */
        st = check_decisions(set, max, b.info.language, keep, &n_keep, &older, &other, err);
    progress(o, "features", t0);
    if (st == MS_OK && (st = build_rows(set, keep, n_keep, &b, &r)) != MS_OK)
        ms_fail(err, st, "", 0, 0, "feature extraction failed: %s", ms_strerror(st));
    adapt_facts f = {base_dir, ms_train_data_hash(set), r.n, set->n - older - other - n_keep, 0,
                     older, o->folds > 1 ? o->folds : 5, o->seed, resolve_method(method), 1, 0,
                     other};
    for (size_t i = 0; i < r.n; i++)
        f.positives += (size_t)r.y[i];
    if (st == MS_OK && (size_t)f.folds > f.positives)
        f.folds = (int)f.positives;
    if (st == MS_OK && (size_t)f.folds > r.n - f.positives)
        f.folds = (int)(r.n - f.positives);
    size_t n_grid = o->c_grid && o->n_c ? o->n_c : sizeof adapt_grid / sizeof *adapt_grid;
    int *fold = malloc((r.n ? r.n : 1) * sizeof *fold);
    size_t *order = malloc((r.n ? r.n : 1) * sizeof *order);
    cv_state cv = {&r, fold, f.folds, malloc((r.n ? r.n : 1) * sizeof(double)),
                   malloc((r.n ? r.n : 1) * sizeof(double)), {0, 0, -1},
                   malloc((3 * n_grid + 1) * sizeof(candidate)), 0};
    if (st == MS_OK && (!fold || !order || !cv.dec || !cv.best_dec || !cv.tried))
        st = ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "out of memory");
    if (st == MS_OK) {
        make_folds(r.y, r.n, f.folds, o->seed, fold, order);
        progress(o, "cv", t0);
        st = cross_validate(&cv, f.method, o->c_grid && o->n_c ? o->c_grid : adapt_grid, n_grid);
        if (st != MS_OK)
            ms_fail(err, st, "", 0, 0, "cross-validation failed: %s", ms_strerror(st));
    }
    if (st == MS_OK) {
        progress(o, "final", t0);
        st = finish(&b, &f, &cv, out_dir, t0, err);
    }
    free(cv.dec), free(cv.best_dec), free(cv.tried), free(fold), free(order), free(keep);
    ms_adapt_rows_clear(&r);
    base_clear(&b);
    return st;
}

/* train.c - training: features with idf from the training
 * data, stratified k-fold cross-validation over a grid of C, Platt
 * calibration on the cross-validated decision values, a final fit on all
 * data, and a model directory written atomically with its card. */
#define _GNU_SOURCE
#include "adapt.h"
#include "card.h"
#include "compiled.h"
#include "featurize.h"
#include "lexicon.h"
#include "metrics.h"
#include "model.h"
#include "modeldir.h"
#include "modscore.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const double default_grid[] = {0.03, 0.1, 0.3, 1.0, 3.0};
/* Logistic regression wants a larger C (measured: Impermium train, 5-fold
 * CV, best at 2-3). */
static const double logistic_grid[] = {0.3, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0};

/* The options with every 0 ("the default") replaced by the task's
 * default. Hostility's were chosen by 5-fold cross-validated ROC AUC on
 * Impermium's train split (3 seeds; logistic loss +0.001, NB weights
 * +0.005, lexicon weight 0.15 +0.003 over the hinge with none); off-topic
 * keeps the hinge without them. */
static ms_train_options resolve_options(const ms_train_options *o)
{
    ms_train_options r = *o;
    int host = o->task == MS_TASK_HOSTILITY;
    if (r.loss == MS_LOSS_DEFAULT)
        r.loss = host && !o->use_libsvm_solver ? MS_LOSS_LOGISTIC : MS_LOSS_HINGE;
    if (r.nb_scale == 0)
        r.nb_scale = host ? 0.5 : -1;
    if (r.nb_scale < 0)
        r.nb_scale = 0; /* off */
    if (!(r.lexicon_weight > 0))
        r.lexicon_weight = host ? 0.15 : 1.0;
    if (!(r.char_weight > 0))
        r.char_weight = 1.0;
    if (r.jobs < 1)
        r.jobs = 1;
    if (r.jobs > MS_TRAIN_JOBS_MAX)
        r.jobs = MS_TRAIN_JOBS_MAX;
    return r;
}

/* The input an example is scored as: its context becomes an article
 * (adapt.h). */
ms_input ms_train_example_input(const ms_example *e, ms_article *scratch)
{
    ms_input in = {e->text, e->text_len, NULL, e->parent_text, 0, 0, e->author, NULL};
    if (e->parent_text)
        in.parent_len = strlen(e->parent_text);
    if (e->context) {
        memset(scratch, 0, sizeof *scratch);
        scratch->body = e->context;
        scratch->author = e->context_author;
        in.article = scratch;
    }
    return in;
}

/* Features of every example, idf from the same examples. */
typedef struct featured {
    ms_feature_config cfg;
    ms_idf idf;
    ms_fvec *x;
    int8_t *y;
    double *w;        /* the rows' weights (--augment-weight), or NULL: all 1 */
    size_t n;
    int32_t dim;
    ms_lexicon *list; /* MS_LEXICON_LIST: the language's own list */
} featured;

static void featured_clear(featured *d)
{
    for (size_t i = 0; d->x && i < d->n; i++)
        ms_fvec_free(&d->x[i]);
    free(d->x);
    free(d->y);
    free(d->w);
    free(d->idf.idf);
    ms_lexicon_free(d->list);
    memset(d, 0, sizeof *d);
}

/* The rows' weights when some row weighs other than 1 (ms_example's
 * weight, 0 read as 1); d->w stays NULL otherwise, and the fit is the
 * unweighted one bit for bit. */
static ms_status row_weights(const ms_dataset *set, featured *d)
{
    size_t i = 0;
    while (i < set->n && (set->items[i].weight == 0 || set->items[i].weight == 1))
        i++;
    if (i == set->n)
        return MS_OK;
    d->w = malloc(set->n * sizeof *d->w);
    if (!d->w)
        return MS_ERR_NOMEM;
    for (i = 0; i < set->n; i++) {
        double w = set->items[i].weight == 0 ? 1.0 : set->items[i].weight;
        if (!(w > 0) || !isfinite(w))
            return MS_ERR_ARG;
        d->w[i] = w;
    }
    return MS_OK;
}

static ms_status vectorise(const ms_dataset *set, const ms_lexicon *lx, const ms_idf *idf,
                           featured *d, ms_featurizer *fz)
{
    d->x = calloc(set->n, sizeof *d->x);
    d->y = malloc(set->n ? set->n : 1);
    if (!d->x || !d->y)
        return MS_ERR_NOMEM;
    (void)lx;
    ms_article scratch;
    d->n = set->n;
    for (size_t i = 0; i < set->n; i++) {
        ms_input in = ms_train_example_input(&set->items[i], &scratch);
        ms_status st = ms_features_build(fz, idf, &in, 1, &d->x[i], NULL);
        if (st != MS_OK)
            return st;
        d->y[i] = (int8_t)(set->items[i].label ? 1 : 0);
    }
    d->dim = (int32_t)(1u << d->cfg.hash_bits) + 1 + MS_DENSE_COUNT;
    return row_weights(set, d);
}

/* The comma-separated fold rule names in s (NULL: none) as MS_FOLD_* bits.
 * OUT: *fold. MS_ERR_ARG for an unknown name. */
static ms_status fold_rules(const char *s, unsigned *fold)
{
    *fold = 0;
    while (s && *s) {
        size_t n = strcspn(s, ",");
        unsigned bit = ms_fold_parse(s, n);
        if (!bit)
            return MS_ERR_ARG;
        *fold |= bit;
        s += n + (s[n] == ',');
    }
    return MS_OK;
}

/* The card's "fold": the rule names of fold, or NULL for none. */
static json_t *fold_json(unsigned fold)
{
    json_t *a = json_array();
    for (unsigned bit = 1; a && bit && bit <= MS_FOLD_ALL; bit <<= 1)
        if ((fold & bit) && json_array_append_new(a, json_string(ms_fold_name(bit))) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static ms_status build_features(const ms_dataset *set, const ms_train_options *o,
                                const ms_lexicon *lx, featured *d)
{
    ms_feature_config_default(&d->cfg, o->task);
    if (o->char_ngram_min > 0)
        d->cfg.char_ngram_min = o->char_ngram_min;
    if (o->char_ngram_max > 0)
        d->cfg.char_ngram_max = o->char_ngram_max;
    if (o->word_ngram_max > 0)
        d->cfg.word_ngram_max = o->word_ngram_max;
    if (o->min_df > 0)
        d->cfg.min_df = o->min_df;
    if (o->hash_bits > 0)
        d->cfg.hash_bits = o->hash_bits;
    if (o->no_context)
        d->cfg.context = 0;
    if (o->char_weight > 0)
        d->cfg.char_weight = o->char_weight;
    if (o->you_window != 0)
        d->cfg.you_window = o->you_window > 0 ? o->you_window : 0;
    if (o->group_window > 0)
        d->cfg.group_window = o->group_window;
    if (o->intent > 0)
        d->cfg.intent = o->intent;
    if (o->group_terms > 0)
        d->cfg.group_terms = o->group_terms;
    if (o->group_scope > 0)
        d->cfg.group_scope = o->group_scope;
    if (o->char_chunks > 0)
        d->cfg.char_chunks = o->char_chunks;
    if (o->lexicon_block == MS_LEXICON_BLOCK_NONE)
        d->cfg.lexicon = 0;
    else if (o->lexicon_block == MS_LEXICON_BLOCK_STYLE)
        d->cfg.lexicon = MS_LEXICON_STYLE;
    else if (o->lexicon_block == MS_LEXICON_BLOCK_LIST)
        d->cfg.lexicon = MS_LEXICON_LIST;
    ms_status st = fold_rules(o->fold, &d->cfg.fold);
    if (st != MS_OK)
        return st;
    ms_featurizer *fz;
    st = ms_featurizer_new(&d->cfg, lx, &fz);
    if (st != MS_OK)
        return st;
    ms_featurizer_set_list(fz, d->list);
    size_t nb = (size_t)1 << d->cfg.hash_bits;
    uint32_t *df = calloc(nb, sizeof *df);
    if (!df) {
        ms_featurizer_free(fz);
        return MS_ERR_NOMEM;
    }
    for (size_t i = 0; st == MS_OK && i < set->n; i++) {
        const uint32_t *b;
        size_t n;
        st = ms_features_buckets(fz, set->items[i].text, set->items[i].text_len, &b, &n);
        for (size_t k = 0; st == MS_OK && k < n; k++)
            df[b[k]]++;
    }
    if (st == MS_OK)
        st = ms_idf_from_df(df, d->cfg.hash_bits, set->n, d->cfg.min_df, &d->idf);
    free(df);
    if (st == MS_OK)
        st = vectorise(set, lx, &d->idf, d, fz);
    ms_featurizer_free(fz);
    return st;
}

/* Stratified folds: fold[i] in [0, k), or -1 for train-only examples,
 * which are in every fold's training rows and never scored. */
static void make_folds(const ms_dataset *set, const int8_t *y, size_t n, int k, uint64_t seed,
                       int *fold)
{
    size_t *order = malloc(n * sizeof *order);
    if (!order) {
        for (size_t i = 0; i < n; i++)
            fold[i] = (int)(i % (size_t)k);
        return;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    uint64_t s = seed;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(ms_random_next(&s) % i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    size_t next[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        size_t r = order[i];
        fold[r] = set->items[r].train_only ? -1 : (int)(next[y[r]]++ % (size_t)k);
    }
    free(order);
}

/* Keeps the scored rows (fold >= 0) of dec and y, in order; returns how
 * many. */
static size_t scored_rows(const double *dec, const int8_t *y, const int *fold, size_t n,
                          double *out_dec, int8_t *out_y)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (fold[i] >= 0) {
            out_dec[m] = dec[i];
            out_y[m++] = y[i];
        }
    return m;
}

typedef struct cv_result {
    double c;
    double roc_auc;
} cv_result;

static void report(const ms_train_options *o, const char *stage, int fold, int folds, int gp,
                   int gps, double c, double t0, double done_share)
{
    if (!o->progress)
        return;
    double el = ms_now() - t0;
    ms_train_progress p = {stage, fold, folds, gp, gps, c, el,
                           done_share > 0.01 ? el / done_share - el : -1};
    o->progress(o->progress_ud, &p);
}

/* Per-feature weights for a fit on rows (NULL = all): lexicon block
 * weight on the dense lexicon features, and with nb_scale > 0 each hashed
 * bucket's NB-SVM weight |r_j|^nb_scale (Wang and Manning 2012), where
 * r_j = log((p_j + 1) / (P + 2)) - log((q_j + 1) / (Q + 2)) with p_j, q_j
 * the positive and negative rows that have the feature and P, Q the
 * positive and negative rows (each row counting its weight): the log ratio
 * of the feature's document rates in the two classes, from these rows'
 * labels only. OUT: scale (dim entries); count is scratch of 2 * dim. */
static void fit_scale(const featured *d, const ms_train_options *o, const size_t *rows,
                      size_t n, double *scale, double *count)
{
    int32_t base = (int32_t)(1u << d->cfg.hash_bits) + 1;
    double lw = o->lexicon_weight;
    for (int32_t j = 0; j < d->dim; j++)
        scale[j] = j >= base && j < base + MS_DENSE_LEXICON_COUNT ? lw : 1.0;
    if (!(o->nb_scale > 0))
        return;
    memset(count, 0, 2 * (size_t)base * sizeof *count);
    double np = 0, nn = 0;
    for (size_t r = 0; r < n; r++) {
        size_t i = rows ? rows[r] : r;
        const ms_fvec *x = &d->x[i];
        int c = d->y[i] ? 1 : 0;
        double w = d->w ? d->w[i] : 1.0;
        np += c ? w : 0;
        nn += c ? 0 : w;
        for (size_t k = 0; k < x->n && x->idx[k] < base; k++)
            count[2 * (size_t)x->idx[k] + (size_t)c] += w;
    }
    for (int32_t j = 1; j < base; j++) {
        double r = log((count[2 * (size_t)j + 1] + 1.0) / (np + 2.0)) -
                   log((count[2 * (size_t)j] + 1.0) / (nn + 2.0));
        scale[j] = pow(fabs(r), o->nb_scale);
    }
}

/* Per-fold warm starts along the C grid: fold f's fit starts from its
 * solution at the previous C. NULL (libsvm's solver, --no-warm-start) or
 * an entry without alpha means cold starts. */
static ms_warm *warm_starts(const int *fold, size_t n, int k, const ms_train_options *o)
{
    if (o->use_libsvm_solver || o->no_warm_start)
        return NULL;
    ms_warm *warm = calloc((size_t)k, sizeof *warm);
    for (int f = 0; warm && f < k; f++) {
        for (size_t i = 0; i < n; i++)
            warm[f].n += fold[i] != f;
        warm[f].alpha = malloc((warm[f].n ? warm[f].n : 1) * sizeof *warm[f].alpha);
    }
    return warm;
}

static void warm_starts_free(ms_warm *warm, int k)
{
    for (int f = 0; warm && f < k; f++)
        free(warm[f].alpha);
    free(warm);
}

/* One C's cross-validation, shared by the threads that run its folds. */
typedef struct cv_run {
    const featured *d;
    const ms_problem *prob;
    const int *fold;
    int k;
    const ms_fit_params *fp;
    ms_warm *warm;
    double *dec; /* each fold writes its own rows */
    const ms_train_options *o;
    int gp, gps;
    double t0;
    pthread_mutex_t lock; /* next, st, and progress reports */
    int next;
    ms_status st;
} cv_run;

/* Fits fold f's training rows and scores its held-out rows into dec. */
static ms_status cv_fold(cv_run *r, int f, size_t *rows, double *scale, double *count)
{
    const featured *d = r->d;
    ms_fit_params fp = *r->fp;
    fp.scale = scale;
    fp.warm = r->warm ? &r->warm[f] : NULL;
    size_t m = 0;
    for (size_t i = 0; i < d->n; i++)
        if (r->fold[i] != f)
            rows[m++] = i;
    ms_linear lin = {0};
    fit_scale(d, r->o, rows, m, scale, count);
    ms_status st = ms_linear_fit(r->prob, rows, m, &fp, &lin);
    for (size_t i = 0; st == MS_OK && i < d->n; i++)
        if (r->fold[i] == f)
            r->dec[i] = ms_linear_decision(&lin, &d->x[i]);
    free(lin.w);
    return st;
}

/* A thread's share: folds taken in turn until none is left or one failed. */
static void *cv_worker(void *arg)
{
    cv_run *r = arg;
    const featured *d = r->d;
    size_t *rows = malloc(d->n * sizeof *rows);
    double *scale = malloc((size_t)d->dim * sizeof *scale);
    double *count = malloc(2 * (size_t)d->dim * sizeof *count);
    ms_status st = rows && scale && count ? MS_OK : MS_ERR_NOMEM;
    while (st == MS_OK) {
        pthread_mutex_lock(&r->lock);
        int f = r->st == MS_OK && r->next < r->k ? r->next++ : -1;
        if (f >= 0)
            report(r->o, "cv", f + 1, r->k, r->gp + 1, r->gps, r->fp->c, r->t0,
                   ((double)r->gp * r->k + f) / ((double)r->gps * r->k + 1));
        pthread_mutex_unlock(&r->lock);
        if (f < 0)
            break;
        st = cv_fold(r, f, rows, scale, count);
    }
    pthread_mutex_lock(&r->lock);
    if (st != MS_OK && r->st == MS_OK)
        r->st = st;
    pthread_mutex_unlock(&r->lock);
    free(rows), free(scale), free(count);
    return NULL;
}

/* Cross-validated decision values for one C, the folds on up to o->jobs
 * threads. Each fold is fitted alone from the same inputs, so the result
 * does not depend on the number of threads. */
static ms_status cross_validate(const featured *d, const ms_problem *prob, const int *fold,
                                int k, const ms_fit_params *fp, ms_warm *warm, double *dec,
                                const ms_train_options *o, int gp, int gps, double t0)
{
    cv_run r = {d, prob, fold, k, fp, warm, dec, o, gp, gps, t0,
                PTHREAD_MUTEX_INITIALIZER, 0, MS_OK};
    int n = o->jobs < k ? o->jobs : k;
    pthread_t th[MS_TRAIN_JOBS_MAX];
    int started = 0;
    while (started + 1 < n && pthread_create(&th[started], NULL, cv_worker, &r) == 0)
        started++;
    cv_worker(&r); /* this thread takes a share too */
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_destroy(&r.lock);
    return r.st;
}

static uint64_t data_hash(const ms_dataset *set)
{
    uint64_t h = 0;
    for (size_t i = 0; i < set->n; i++) {
        const ms_example *e = &set->items[i];
        h = ms_hash64(e->text, e->text_len, h);
        char l = (char)('0' + (e->label != 0));
        h = ms_hash64(&l, 1, h);
        if (e->context)
            h = ms_hash64(e->context, strlen(e->context), h);
        if (e->parent_text)
            h = ms_hash64(e->parent_text, strlen(e->parent_text), h);
        if (e->weight != 0 && e->weight != 1) /* unweighted data hash as before */
            h = ms_hash64(&e->weight, sizeof e->weight, h);
    }
    return h;
}

static json_t *metrics_json(const double *prob, const int8_t *y, size_t n)
{
    double auc = 0, ap = 0, brier = 0;
    ms_roc_auc(prob, y, n, &auc);
    ms_average_precision(prob, y, n, &ap);
    ms_brier(prob, y, n, &brier);
    ms_confusion c;
    ms_confusion_at(prob, y, n, 0.5, &c);
    ms_threshold_row rows[MS_THRESHOLD_ROWS];
    json_t *table = json_array();
    if (ms_threshold_table(prob, y, n, rows) == MS_OK)
        for (int i = 0; i < MS_THRESHOLD_ROWS; i++)
            json_array_append_new(table, json_pack("{s:f,s:f,s:f}", "threshold", rows[i].threshold,
                                                   "precision", rows[i].precision, "recall",
                                                   rows[i].recall));
    return json_pack("{s:f,s:f,s:f,s:f,s:o}", "roc_auc", auc, "pr_auc", ap, "f1_at_0.5",
                     ms_f1(&c), "brier", brier, "thresholds", table);
}

static ms_status write_model_dir(const char *out_dir, const ms_linear *lin, const featured *d,
                                 json_t *card, ms_error *err)
{
    char *tmp = NULL;
    ms_buf path = {0};
    ms_status st = ms_modeldir_begin(out_dir, &tmp, err);
    if (st != MS_OK)
        return st;
    uint64_t mh = 0, ih = 0;
    char hex[17];
    st = ms_modeldir_write_svm(tmp, lin, card, &path, &mh, err);
    struct stat sb;
    if (st == MS_OK && stat(path.data, &sb) == 0)
        json_object_set_new(card, "model_bytes", json_integer((json_int_t)sb.st_size));
    path.len = 0;
    ms_buf_printf(&path, "%s/idf.bin", tmp);
    if (st == MS_OK)
        st = ms_idf_write(&d->idf, path.data, err);
    if (st == MS_OK)
        st = ms_card_file_hash(path.data, &ih, err);
    if (st == MS_OK) {
        ms_hex64(mh, hex);
        json_object_set_new(card, "model_hash", json_string(hex));
        ms_hex64(ih, hex);
        json_object_set_new(card, "idf_hash", json_string(hex));
        st = ms_modeldir_write_card(tmp, card, err);
    }
    if (st == MS_OK)
        st = ms_compiled_write_dir(tmp, err);
    if (st == MS_OK)
        st = ms_card_compile(tmp, err);
    ms_buf_free(&path);
    return ms_modeldir_finish(tmp, out_dir, st, err);
}

/* Cross-validates each C of the grid in turn (fp->c set to each): OUT:
 * *best_c, the one with the best ROC AUC over the scored rows, best_dec
 * those rows' decision values at it, cy their labels, *m their count;
 * each point's AUC is appended to grid_json. dec and cdec are scratch. */
static ms_status search_c(const featured *d, const ms_problem *prob, const int *fold, int k,
                          ms_fit_params *fp, ms_warm *warm, const ms_train_options *o,
                          const double *grid, size_t n_grid, double t0, double *dec,
                          double *cdec, int8_t *cy, double *best_dec, size_t *m,
                          double *best_c, json_t *grid_json)
{
    ms_status st = MS_OK;
    double best_auc = -1;
    int ascending = 1;
    for (size_t g = 1; g < n_grid; g++)
        ascending &= grid[g] > grid[g - 1];
    size_t best_g = 0;
    for (size_t g = 0; st == MS_OK && g < n_grid; g++) {
        fp->c = grid[g];
        st = cross_validate(d, prob, fold, k, fp, warm, dec, o, (int)g, (int)n_grid, t0);
        double auc = 0;
        if (st == MS_OK) {
            *m = scored_rows(dec, d->y, fold, d->n, cdec, cy);
            st = ms_roc_auc(cdec, cy, *m, &auc);
        }
        json_array_append_new(grid_json, json_pack("{s:f,s:f}", "c", grid[g], "roc_auc", auc));
        if (st == MS_OK && auc > best_auc) {
            best_auc = auc;
            *best_c = grid[g];
            best_g = g;
            memcpy(best_dec, cdec, *m * sizeof *cdec);
        }
        /* On an ascending grid, two points past the best that did not beat
         * it end the search: larger C only costs more (the solver's time
         * grows with C) and, past the peak, fits the folds worse. */
        if (ascending && g >= best_g + 2)
            break;
    }
    return st;
}

/* The final model on all rows at fp->c, keeping lin's Platt parameters. */
static ms_status fit_final(const featured *d, const ms_train_options *o,
                           const ms_problem *prob, ms_fit_params *fp, ms_linear *lin)
{
    ms_status st;
    double a = lin->prob_a, b = lin->prob_b;
    double *scale = malloc((size_t)d->dim * sizeof *scale);
    double *count = malloc(2 * (size_t)d->dim * sizeof *count);
    if (scale && count) {
        fit_scale(d, o, NULL, d->n, scale, count);
        fp->scale = scale;
        st = ms_linear_fit(prob, NULL, d->n, fp, lin);
        fp->scale = NULL;
    } else {
        st = MS_ERR_NOMEM;
    }
    free(scale), free(count);
    lin->prob_a = a;
    lin->prob_b = b;
    return st;
}

const char *ms_perspective_default(const char *category)
{
    static const char *const known[][2] = {
        {"hostility", "TOXICITY"},       {"off_topic", "OFF_TOPIC"},
        {"insult", "INSULT"},            {"identity_attack", "IDENTITY_ATTACK"},
        {"profanity", "PROFANITY"},      {"threat", "THREAT"},
        {"severe_toxicity", "SEVERE_TOXICITY"},
    };
    for (size_t i = 0; category && i < sizeof known / sizeof *known; i++)
        if (strcmp(known[i][0], category) == 0)
            return known[i][1];
    return NULL;
}

/* The examples' positives and those scored (outside --augment): OUT:
 * *pos, *scored; MS_ERR_PARSE when either class has fewer than k scored. */
static ms_status count_labels(const ms_dataset *set, int k, size_t *pos, size_t *scored,
                              ms_error *err)
{
    size_t scored_pos = 0;
    *pos = *scored = 0;
    for (size_t i = 0; i < set->n; i++) {
        *pos += set->items[i].label != 0;
        *scored += !set->items[i].train_only;
        scored_pos += !set->items[i].train_only && set->items[i].label != 0;
    }
    if (scored_pos < (size_t)k || *scored - scored_pos < (size_t)k)
        return ms_fail(err, MS_ERR_PARSE, "", 0, 0, /* the data's fault: 65 */
                       "need at least %d positive and %d negative examples outside --augment "
                       "(have %zu and %zu)",
                       k, k, scored_pos, *scored - scored_pos);
    return MS_OK;
}

/* The solver's settings for the options and the class balance. */
static ms_fit_params fit_params(const ms_train_options *o, size_t n, size_t pos)
{
    ms_fit_params fp = {0};
    fp.weight_pos = o->no_class_weight ? 1.0 : (double)n / (2.0 * (double)pos);
    fp.weight_neg = o->no_class_weight ? 1.0 : (double)n / (2.0 * (double)(n - pos));
    fp.use_libsvm = o->use_libsvm_solver;
    fp.loss = o->loss;
    fp.eps = o->use_libsvm_solver ? 1e-3 : 0.1; /* each solver's own default */
    fp.seed = o->seed;
    return fp;
}

/* The card of a model trained on set: what made it (features, data,
 * training settings with the chosen C, fp->c) and its cross-validated
 * figures (prob: the scored rows' probabilities, y their labels). Takes
 * grid_json. NULL when out of memory. */
static json_t *new_card(const ms_train_options *o, const char *category, const ms_dataset *set,
                        const featured *d, const ms_lexicon *lx, const ms_fit_params *fp, int k,
                        size_t pos, size_t scored, json_t *grid_json, const ms_linear *lin,
                        const double *dec, const int8_t *cy, size_t m)
{
    uint64_t dh = data_hash(set);
    char hex[17], version[64], date[32], day[16];
    ms_hex64(dh, hex);
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    strftime(day, sizeof day, "%Y%m%d", &tmv);
    snprintf(version, sizeof version, "%.32s-%s-%.8s", category, day, hex);
    char lh[17];
    ms_hex64(ms_lexicon_hash(lx), lh);
    json_t *card = json_pack(
        "{s:i,s:s,s:s,s:s,s:s,s:{s:i,s:i,s:i,s:i,s:i,s:i,s:i},s:s,"
        "s:{s:s,s:I,s:I,s:I,s:I},s:{s:s,s:f,s:f,s:f,s:i,s:I,s:o,s:f,s:f},s:o}",
        "format", MS_CARD_FORMAT, "task",
        o->task == MS_TASK_HOSTILITY ? "hostility" : "off_topic", "version", version,
        "created", date, "modscore_version", MS_VERSION, "features", "hash_bits",
        d->cfg.hash_bits, "word_ngram_max", d->cfg.word_ngram_max, "char_ngram_min",
        d->cfg.char_ngram_min, "char_ngram_max", d->cfg.char_ngram_max, "min_df",
        d->cfg.min_df, "lexicon", d->cfg.lexicon, "context", d->cfg.context, "lexicon_hash", lh,
        "data", "hash", hex, "examples", (json_int_t)d->n, "positives", (json_int_t)pos,
        "negatives", (json_int_t)(d->n - pos), "augment_examples",
        (json_int_t)(d->n - scored), "training", "solver",
        o->use_libsvm_solver        ? "libsvm svm_train (C-SVC, linear kernel)"
        : o->loss == MS_LOSS_LOGISTIC ? "dual coordinate descent (L2-regularised logistic "
                                        "regression)"
                                      : "dual coordinate descent (L2-regularised hinge loss)",
        "c", fp->c, "class_weight_positive", fp->weight_pos, "class_weight_negative",
        fp->weight_neg, "folds", k, "seed", (json_int_t)o->seed, "grid", grid_json,
        "platt_a", lin->prob_a, "platt_b", lin->prob_b, "cross_validation",
        metrics_json(dec, cy, m));
    if (card)
        json_object_set_new(
            json_object_get(card, "cross_validation"), "note",
            json_sprintf("over the %zu examples outside --augment; idf and min_df come from "
                         "all training examples before the folds are made",
                         m));
    return card;
}

/* The card's "data" says how many rows weigh other than 1 and what all the
 * rows weigh together (--augment-weight). */
static ms_status row_weights_json(json_t *card, const featured *d)
{
    size_t other = 0;
    double total = 0;
    for (size_t i = 0; i < d->n; i++) {
        other += d->w[i] != 1;
        total += d->w[i];
    }
    json_t *data = json_object_get(card, "data");
    if (!data || json_object_set_new(data, "weighted_rows", json_integer((json_int_t)other)) ||
        json_object_set_new(data, "weight_total", json_real(total)))
        return MS_ERR_NOMEM;
    return MS_OK;
}

/* The card's description of the model beside the figures: its category,
 * Perspective attribute, language, context, and the settings that made it. */
static ms_status describe_card(json_t *card, const ms_train_options *o, const char *category,
                               const featured *d, const ms_lexicon *lx)
{
    /* what the model scores (DESIGN.md, "Categories are data") */
    const char *attr = o->perspective_attribute ? o->perspective_attribute
                                                : ms_perspective_default(category);
    if (json_object_set_new(card, "category", json_string(category)) ||
        (attr && *attr &&
         json_object_set_new(card, "perspective_attribute", json_string(attr))) ||
        json_object_set_new(card, "language",
                            json_string(o->language && *o->language ? o->language : "en")) ||
        json_object_set_new(card, "needs_context", json_boolean(d->cfg.context)) ||
        json_object_set_new(card, "lexicon_bytes",
                            json_integer((json_int_t)ms_lexicon_bytes(lx))))
        return MS_ERR_NOMEM;
    if (d->w && row_weights_json(card, d) != MS_OK)
        return MS_ERR_NOMEM;
    char list_hash[17];
    ms_hex64(ms_lexicon_hash(d->list), list_hash);
    if (d->list && json_object_set_new(card, "list_hash", json_string(list_hash)))
        return MS_ERR_NOMEM;
    json_t *feat = json_object_get(card, "features"), *tr = json_object_get(card, "training");
    char gh[17]; /* the identity terms' list, for a model that reads them */
    ms_hex64(ms_lexicon_group_hash(lx), gh);
    if (json_object_set_new(feat, "char_weight", json_real(d->cfg.char_weight)) ||
        json_object_set_new(feat, "you_window", json_integer(d->cfg.you_window)) ||
        (d->cfg.fold && json_object_set_new(feat, "fold", fold_json(d->cfg.fold))) ||
        (d->cfg.group_window &&
         json_object_set_new(feat, "group_window", json_integer(d->cfg.group_window))) ||
        (d->cfg.intent && json_object_set_new(feat, "intent", json_integer(d->cfg.intent))) ||
        (d->cfg.group_terms &&
         (json_object_set_new(feat, "group_terms", json_integer(d->cfg.group_terms)) ||
          json_object_set_new(card, "group_terms_hash", json_string(gh)))) ||
        (d->cfg.group_scope &&
         json_object_set_new(feat, "group_scope", json_integer(d->cfg.group_scope))) ||
        (d->cfg.char_chunks &&
         json_object_set_new(feat, "char_chunks", json_integer(d->cfg.char_chunks))) ||
        json_object_set_new(tr, "loss",
                            json_string(o->loss == MS_LOSS_LOGISTIC ? "logistic" : "hinge")) ||
        json_object_set_new(tr, "nb_scale", json_real(o->nb_scale)) ||
        json_object_set_new(tr, "lexicon_weight", json_real(o->lexicon_weight)) ||
        json_object_set_new(tr, "class_weight",
                            json_string(o->no_class_weight ? "none" : "balanced")))
        return MS_ERR_NOMEM;
    return MS_OK;
}

/* What is checked before any work on the resolved options o: the
 * category's name, enough labels of each class for k folds, the fold
 * rules. OUT: *category, *pos (positive rows), *scored (rows scored in
 * cross-validation). */
static ms_status check_training(const ms_dataset *set, const ms_train_options *o, int k,
                                const char **category, size_t *pos, size_t *scored,
                                ms_error *err)
{
    *category = o->category ? o->category : o->task == MS_TASK_HOSTILITY ? "hostility"
                                                                          : "off_topic";
    if (!ms_category_name_valid(*category, strlen(*category)))
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "category \"%s\": expected 1-64 of a-z, 0-9 and _, starting with a letter",
                       *category);
    ms_status st = count_labels(set, k, pos, scored, err);
    if (st != MS_OK)
        return st;
    unsigned rules;
    if (fold_rules(o->fold, &rules) != MS_OK)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "fold rules \"%s\": each one of umlaut_e, dotless_i, arabic, "
                       "devanagari, roman_vowels, enye",
                       o->fold);
    if (o->group_terms < MS_GROUP_TERMS_OFF || o->group_terms > MS_GROUP_TERMS_REPLACE)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "group_terms %d: expected 0 (off), 1 (add) "
                       "or 2 (replace)", o->group_terms);
    if (o->group_scope < 0 || o->group_scope > MS_GROUP_SCOPE_REPLACE ||
        (o->group_scope && !o->group_terms))
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "group_scope %d: expected 0 (off), 1 (add) or 2 (replace), with "
                       "group_terms on", o->group_scope);
    if (o->char_chunks < 0 || o->char_chunks > MS_CHAR_CHUNKS_VERSION)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "char_chunks %d: expected 0 (the words), 1 (the text's chunks) or 2 "
                       "(both)",
                       o->char_chunks);
    return MS_OK;
}

/* The word lists training reads: the shared lexicon into *lx (with the
 * identity terms where o asks for them) and, for the list block, the
 * language's own list into *list. Nothing is left loaded on a failure. */
static ms_status load_lexicons(const ms_train_options *o, ms_lexicon **lx, ms_lexicon **list,
                               ms_error *err)
{
    const char *dir = o->lexicon_dir ? o->lexicon_dir : "models/lexicons";
    ms_status st = ms_lexicon_load(dir, lx, err);
    if (st == MS_OK && o->group_terms && !ms_lexicon_group_hash(*lx))
        st = ms_fail(err, MS_ERR_NOT_FOUND, dir, 0, 0,
                     "identity terms asked for, and identity_terms.txt is not there");
    if (st == MS_OK && o->lexicon_block == MS_LEXICON_BLOCK_LIST)
        st = ms_lexicon_load_for(dir, o->language, 0, list, err);
    if (st != MS_OK) {
        ms_lexicon_free(*lx);
        *lx = NULL;
    }
    return st;
}

/* The C values cross-validation tries: o's own, else the loss's default;
 * their number in *n. */
static const double *c_grid(const ms_train_options *o, size_t *n)
{
    if (o->c_grid && o->n_c) {
        *n = o->n_c;
        return o->c_grid;
    }
    if (o->loss == MS_LOSS_LOGISTIC) {
        *n = sizeof logistic_grid / sizeof *logistic_grid;
        return logistic_grid;
    }
    *n = sizeof default_grid / sizeof *default_grid;
    return default_grid;
}

ms_status ms_train(const ms_dataset *set, const ms_train_options *opt, const char *out_dir,
                   ms_error *err)
{
    if (opt->use_libsvm_solver && opt->loss == MS_LOSS_LOGISTIC)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "libsvm's solver has no logistic loss: use the dual coordinate descent");
    /* before any work: a directory that is not a model's is never replaced */
    ms_status cst = ms_modeldir_check(out_dir, err);
    if (cst != MS_OK)
        return cst;
    ms_train_options resolved = resolve_options(opt);
    const ms_train_options *o = &resolved;
    const char *category;
    double t0 = ms_now();
    int k = o->folds > 1 ? o->folds : 5;
    size_t pos = 0, scored = 0;
    cst = check_training(set, o, k, &category, &pos, &scored, err);
    if (cst != MS_OK)
        return cst;
    ms_lexicon *lx = NULL;
    featured d = {0};
    ms_status st = load_lexicons(o, &lx, &d.list, err);
    if (st != MS_OK)
        return st;
    report(o, "features", 0, k, 0, 0, 0, t0, 0);
    st = build_features(set, o, lx, &d);
    if (st != MS_OK) {
        ms_lexicon_free(lx);
        featured_clear(&d);
        return ms_fail(err, st, "", 0, 0, "feature extraction failed: %s", ms_strerror(st));
    }
    size_t n_grid;
    const double *grid = c_grid(o, &n_grid);
    ms_problem prob = {d.x, d.y, d.n, d.dim, d.w};
    ms_fit_params fp = fit_params(o, d.n, pos);
    int *fold = malloc(d.n * sizeof *fold);
    double *dec = malloc(d.n * sizeof *dec), *best_dec = malloc(d.n * sizeof *best_dec);
    double *cdec = malloc(d.n * sizeof *cdec);
    int8_t *cy = malloc(d.n ? d.n : 1);
    size_t m = 0; /* scored rows: cross-validation figures are over these */
    json_t *grid_json = json_array();
    double best_c = grid[0];
    if (!fold || !dec || !best_dec || !cdec || !cy)
        st = MS_ERR_NOMEM;
    if (st == MS_OK)
        make_folds(set, d.y, d.n, k, o->seed, fold);
    ms_warm *warm = st == MS_OK ? warm_starts(fold, d.n, k, o) : NULL;
    if (st == MS_OK)
        st = search_c(&d, &prob, fold, k, &fp, warm, o, grid, n_grid, t0, dec, cdec, cy,
                      best_dec, &m, &best_c, grid_json);
    ms_linear lin = {0};
    json_t *card = NULL;
    if (st == MS_OK) {
        report(o, "calibrate", 0, k, (int)n_grid, (int)n_grid, best_c, t0, 0.95);
        st = ms_platt_fit(best_dec, cy, m, &lin.prob_a, &lin.prob_b);
    }
    if (st == MS_OK) {
        report(o, "final", 0, k, (int)n_grid, (int)n_grid, best_c, t0, 0.97);
        fp.c = best_c;
        st = fit_final(&d, o, &prob, &fp, &lin);
    }
    if (st == MS_OK) {
        /* cross-validated probabilities: each from a model that did not see it */
        for (size_t i = 0; i < m; i++)
            dec[i] = ms_linear_probability(&lin, best_dec[i]);
        card = new_card(o, category, set, &d, lx, &fp, k, pos, scored, grid_json, &lin, dec,
                        cy, m);
        grid_json = NULL;
        if (!card)
            st = MS_ERR_NOMEM;
    }
    if (st == MS_OK)
        st = describe_card(card, o, category, &d, lx);
    if (st == MS_OK)
        st = write_model_dir(out_dir, &lin, &d, card, err);
    else
        ms_fail(err, st, out_dir, 0, 0, "training failed: %s", ms_strerror(st));
    json_decref(card);
    json_decref(grid_json);
    free(lin.w);
    free(fold);
    warm_starts_free(warm, k);
    free(dec);
    free(best_dec);
    free(cdec);
    free(cy);
    featured_clear(&d);
    ms_lexicon_free(lx);
    return st;
}

ms_status ms_dataset_select_category(ms_dataset *set, const char *category, size_t *dropped)
{
    if (dropped)
        *dropped = 0;
    unsigned char *keep = malloc(set->n ? set->n : 1);
    if (!keep)
        return MS_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++) {
        const ms_example *e = &set->items[i];
        const char *cat = e->category ? e->category : e->feedback ? "hostility" : NULL;
        keep[i] = !cat || !strcmp(cat, category);
        n += !keep[i];
    }
    if (n)
        ms_dataset_keep(set, keep);
    free(keep);
    if (dropped)
        *dropped = n;
    return MS_OK;
}

/* For adapt.c, which writes its models the same way. */
ms_status ms_train_write_dir(const char *out_dir, const ms_linear *lin, const ms_idf *idf,
                             json_t *card, ms_error *err)
{
    featured d = {0};
    d.idf = *idf;
    return write_model_dir(out_dir, lin, &d, card, err);
}

uint64_t ms_train_data_hash(const ms_dataset *set) { return data_hash(set); }

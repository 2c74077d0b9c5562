/* spans_train.c - the span model's trainer: reads posts with marked spans,
 * builds token rows from the scorer's hostility contributions and the span
 * finder's features (spans_priv.h), chooses C and the decoding thresholds
 * on held-out posts and writes the model directory atomically. */
#include "spans_train.h"

#include "scorer.h"
#include "spans_priv.h"

#include "card.h"
#include "model.h"
#include "modeldir.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

/* ----------------------------------------------------------------- data */

void ms_spans_set_clear(ms_spans_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++) {
        free(set->items[i].text);
        free(set->items[i].spans);
    }
    free(set->items);
    memset(set, 0, sizeof *set);
}

ms_status ms_spans_set_read(const char *data, size_t len, const char *source, ms_spans_set *set,
                            ms_error *err)
{
    size_t n0 = set->n;
    long line = 0;
    ms_status st = MS_OK;
    for (size_t pos = 0; pos < len && st == MS_OK;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        const char *s = data + pos;
        size_t n = end - pos;
        pos = end + 1;
        if (n == 0)
            continue;
        json_error_t je;
        json_t *j = json_loadb(s, n, 0, &je);
        json_t *text = json_object_get(j, "text"), *spans = json_object_get(j, "spans");
        if (!j || !json_is_string(text) || !json_is_array(spans)) {
            st = ms_fail(err, MS_ERR_PARSE, source, line, j ? 1 : je.column,
                         j ? "need \"text\" (string) and \"spans\" (array)" : "%s", je.text);
            json_decref(j);
            break;
        }
        if (ms_grow((void **)&set->items, &set->cap, set->n + 1, sizeof *set->items) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
            json_decref(j);
            break;
        }
        ms_spans_post *p = &set->items[set->n];
        memset(p, 0, sizeof *p);
        p->len = json_string_length(text);
        p->text = ms_strndup(json_string_value(text), p->len);
        p->n_spans = json_array_size(spans);
        p->spans = malloc((p->n_spans ? p->n_spans : 1) * 2 * sizeof *p->spans);
        if (!p->text || !p->spans) {
            free(p->text);
            free(p->spans);
            st = ms_fail(err, MS_ERR_NOMEM, source, line, 0, "out of memory");
            json_decref(j);
            break;
        }
        set->n++;
        for (size_t k = 0; k < p->n_spans; k++) {
            json_t *a = json_array_get(spans, k);
            json_int_t b = json_integer_value(json_array_get(a, 0));
            json_int_t e = json_integer_value(json_array_get(a, 1));
            if (json_array_size(a) != 2 || b < 0 || e <= b || (size_t)e > p->len) {
                st = ms_fail(err, MS_ERR_PARSE, source, line, 0,
                             "span %zu is not [start, end) inside the text's %zu bytes", k,
                             p->len);
                break;
            }
            p->spans[2 * k] = (uint32_t)b;
            p->spans[2 * k + 1] = (uint32_t)e;
        }
        json_decref(j);
    }
    if (st != MS_OK) {
        for (size_t i = n0; i < set->n; i++) {
            free(set->items[i].text);
            free(set->items[i].spans);
        }
        set->n = n0;
    }
    return st;
}

/* ------------------------------------------------------------- training */

typedef struct tok_rows {
    ms_fvec *x;      /* one row per token */
    int8_t *y;
    uint32_t *start, *end; /* the token's byte span */
    double *term;          /* its word's contribution (tok_info.term) */
    size_t n, cap;
    size_t *post_first; /* rows of post k: [post_first[k], post_first[k + 1]) */
    int32_t *pool_idx;
    double *pool_val;
    size_t pool_n, pool_cap;
    size_t *row_off;
} tok_rows;

static void tok_rows_clear(tok_rows *r)
{
    free(r->x);
    free(r->y);
    free(r->start);
    free(r->end);
    free(r->term);
    free(r->post_first);
    free(r->pool_idx);
    free(r->pool_val);
    free(r->row_off);
    memset(r, 0, sizeof *r);
}

/* Marked when at least half of the token's bytes are inside gold spans. */
static int8_t token_label(const ms_spans_post *p, uint32_t s, uint32_t e)
{
    uint32_t in = 0;
    for (size_t k = 0; k < p->n_spans; k++) {
        uint32_t a = p->spans[2 * k] > s ? p->spans[2 * k] : s;
        uint32_t b = p->spans[2 * k + 1] < e ? p->spans[2 * k + 1] : e;
        if (b > a)
            in += b - a;
    }
    return (int8_t)(in > 0);
}

static ms_status build_rows(ms_scorer *sc, const ms_lexicon *lx, const ms_spans_set *set,
                            int bits, tok_rows *r)
{
    ms_spans_work *w = NULL;
    ms_status st = ms_spans_work_new(&w);
    size_t cap_pool = 0;
    r->post_first = malloc((set->n + 1) * sizeof *r->post_first);
    if (!r->post_first)
        st = MS_ERR_NOMEM;
    keyset k;
    sp_keyset_init(&k, bits);
    for (size_t pi = 0; st == MS_OK && pi < set->n; pi++) {
        const ms_spans_post *p = &set->items[pi];
        r->post_first[pi] = r->n;
        const ms_tokens *t;
        const double *contrib;
        st = ms_scorer_contrib(sc, p->text, p->len, &t, &contrib);
        if (st == MS_OK)
            st = sp_token_info(w, lx, p->text, t, contrib);
        for (size_t i = 0; st == MS_OK && i < t->n; i++) {
            sp_token_keys(t, w->info, i, &k);
            sp_keys_sorted(&k);
            size_t need = r->n + 1;
            if (ms_grow((void **)&r->y, &r->cap, need, sizeof *r->y) != MS_OK) {
                st = MS_ERR_NOMEM;
                break;
            }
            /* the other per-row arrays follow y's capacity */
            void *a = realloc(r->start, r->cap * sizeof *r->start);
            if (a)
                r->start = a;
            void *b = realloc(r->end, r->cap * sizeof *r->end);
            if (b)
                r->end = b;
            void *c = realloc(r->row_off, (r->cap + 1) * sizeof *r->row_off);
            if (c)
                r->row_off = c;
            void *d = realloc(r->term, r->cap * sizeof *r->term);
            if (d)
                r->term = d;
            if (!a || !b || !c || !d ||
                ms_grow((void **)&r->pool_idx, &r->pool_cap, r->pool_n + k.n,
                        sizeof *r->pool_idx) != MS_OK) {
                st = MS_ERR_NOMEM;
                break;
            }
            if (cap_pool < r->pool_cap) {
                void *v = realloc(r->pool_val, r->pool_cap * sizeof *r->pool_val);
                if (!v) {
                    st = MS_ERR_NOMEM;
                    break;
                }
                r->pool_val = v;
                cap_pool = r->pool_cap;
            }
            r->row_off[r->n] = r->pool_n;
            memcpy(r->pool_idx + r->pool_n, k.idx, k.n * sizeof *k.idx);
            memcpy(r->pool_val + r->pool_n, k.val, k.n * sizeof *k.val);
            r->pool_n += k.n;
            r->start[r->n] = t->tok[i].start;
            r->end[r->n] = t->tok[i].end;
            r->term[r->n] = w->info[i].term;
            r->y[r->n] = token_label(p, t->tok[i].start, t->tok[i].end);
            r->n++;
        }
    }
    if (st == MS_OK) {
        r->post_first[set->n] = r->n;
        r->x = calloc(r->n ? r->n : 1, sizeof *r->x);
        if (!r->x)
            st = MS_ERR_NOMEM;
    }
    for (size_t i = 0; st == MS_OK && i < r->n; i++) {
        size_t e = i + 1 < r->n ? r->row_off[i + 1] : r->pool_n;
        r->x[i].idx = r->pool_idx + r->row_off[i];
        r->x[i].val = r->pool_val + r->row_off[i];
        r->x[i].n = e - r->row_off[i];
        r->x[i].cap = r->x[i].n;
    }
    ms_spans_work_free(w);
    return st;
}

/* Mean per-post F1 over bytes (SemEval-2021 Task 5's metric, in bytes
 * rather than code points) of the spans decoded from p. */
static double mean_f1(ms_spans_work *w, const ms_spans_set *set, const tok_rows *r,
                      const size_t *posts, size_t n_posts, const double *p,
                      const decode_params *dp, uint8_t *mask)
{
    double sum = 0;
    for (size_t q = 0; q < n_posts; q++) {
        const ms_spans_post *post = &set->items[posts[q]];
        size_t a = r->post_first[posts[q]], b = r->post_first[posts[q] + 1];
        memset(mask, 0, post->len);
        size_t gold = 0, pred = 0, both = 0;
        for (size_t k = 0; k < post->n_spans; k++)
            for (uint32_t c = post->spans[2 * k]; c < post->spans[2 * k + 1]; c++)
                mask[c] |= 1;
        if (sp_decode(w, post->text, r->start + a, r->end + a, p + a, r->term + a, b - a, dp,
                   NULL) != MS_OK)
            return -1;
        for (size_t k = 0; k < w->n_spans; k++)
            for (uint32_t c = w->spans[k].start; c < w->spans[k].end; c++)
                mask[c] |= 2;
        for (size_t c = 0; c < post->len; c++) {
            gold += mask[c] & 1;
            pred += (mask[c] >> 1) & 1;
            both += mask[c] == 3;
        }
        if (gold == 0 || pred == 0)
            sum += gold == 0 && pred == 0;
        else
            sum += 2.0 * (double)both / (double)(gold + pred);
    }
    return n_posts ? sum / (double)n_posts : 0;
}

/* Writes the model directory as training does (src/modeldir.h): built in a
 * temporary directory marked as modscore's, then exchanged with the old
 * model; a directory that is not a model's is never replaced. */
static ms_status write_dir(const char *out_dir, const ms_linear *lin, int bits, json_t *card,
                           ms_error *err)
{
    ms_buf path = {0};
    char *tmp = NULL;
    ms_status st = ms_modeldir_begin(out_dir, &tmp, err);
    if (st != MS_OK)
        return st;
    uint64_t h = 0;
    st = ms_modeldir_write_svm(tmp, lin, card, &path, &h, err);
    ms_linear *back = NULL;
    if (st == MS_OK) /* compiled from the file as libsvm reads it */
        st = ms_linear_load(path.data, &back, err);
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/model.bin", tmp);
        st = sp_write_bin(path.data, back, bits, h, err);
    }
    ms_linear_free(back);
    if (st == MS_OK) {
        char hex[17];
        ms_hex64(h, hex);
        json_object_set_new(card, "model_hash", json_string(hex));
        st = ms_modeldir_write_card(tmp, card, err);
    }
    ms_buf_free(&path);
    return ms_modeldir_finish(tmp, out_dir, st, err);
}

static void decisions(const ms_linear *lin, const tok_rows *r, const size_t *posts, size_t n,
                      double *dec)
{
    for (size_t q = 0; q < n; q++)
        for (size_t i = r->post_first[posts[q]]; i < r->post_first[posts[q] + 1]; i++)
            dec[i] = ms_linear_decision(lin, &r->x[i]);
}

/* One line of progress to opt->progress, unless quiet. */
static void say(const ms_spans_options *opt, const char *fmt, ...) MS_PRINTF(2, 3);
static void say(const ms_spans_options *opt, const char *fmt, ...)
{
    if (opt->quiet || !opt->progress)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    opt->progress(opt->progress_ud, line);
}

/* What the search chose: C, the dev part's sigmoid (a, b) and the
 * decoding, with the dev part's mean byte F1 under them. */
typedef struct span_choice {
    double f1, c, a, b;
    decode_params dp;
} span_choice;

/* The search's data and scratch: the posts in a seeded order (the dev
 * part last), the fit part's token rows, and per token row their decision
 * values, probabilities and labels; mask, one post's bytes. */
typedef struct span_search {
    ms_spans_work *w;
    const ms_spans_set *set;
    const tok_rows *r;
    size_t *order;
    const size_t *dev;
    size_t n_dev;
    size_t *rows;
    size_t n_rows;
    double *dec, *prob;
    int8_t *ydev;
    uint8_t *mask;
} span_search;

/* Allocates s's scratch for s->set and s->r. MS_OK or MS_ERR_NOMEM. */
static ms_status search_alloc(span_search *s)
{
    size_t n = s->r->n ? s->r->n : 1, max_len = 1;
    for (size_t i = 0; i < s->set->n; i++)
        if (s->set->items[i].len > max_len)
            max_len = s->set->items[i].len;
    s->order = malloc(s->set->n * sizeof *s->order);
    s->dec = calloc(n, sizeof *s->dec);
    s->prob = calloc(n, sizeof *s->prob);
    s->rows = malloc(n * sizeof *s->rows);
    s->mask = malloc(max_len);
    s->ydev = malloc(n);
    return s->order && s->dec && s->prob && s->rows && s->mask && s->ydev ? MS_OK
                                                                           : MS_ERR_NOMEM;
}

static void search_free(span_search *s)
{
    free(s->order);
    free(s->dec);
    free(s->prob);
    free(s->rows);
    free(s->mask);
    free(s->ydev);
    ms_spans_work_free(s->w);
}

/* The posts in a seeded order: the last share of them is the dev part. */
static void shuffle_posts(size_t *order, size_t n, uint64_t seed)
{
    uint64_t rng = seed;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(ms_random_next(&rng) % (i + 1));
        size_t tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
}

/* Every decoding setting on the dev part's probabilities s->prob, found
 * under C c and the sigmoid (a, b); *best keeps the best so far. */
static void try_decodings(span_search *s, double c, double a, double b, span_choice *best)
{
    static const double gates[] = {0, 0.3, 0.4, 0.5, 0.6};
    static const double fills[] = {2, 0.2, 0.1, 0.05};
    static const double rescues[] = {2, 0, 0.05, 0.1, 0.15, 0.2};
    for (double thr = 0.15; thr < 0.751; thr += 0.025)
        for (size_t gi = 0; gi < sizeof gates / sizeof *gates; gi++)
            for (size_t fi = 0; fi < sizeof fills / sizeof *fills; fi++)
                for (size_t ri = 0; ri < sizeof rescues / sizeof *rescues; ri++) {
                    decode_params dp = {thr, gates[gi], fills[fi], rescues[ri]};
                    if ((dp.gate > 0 && dp.gate <= thr) || (dp.fill < 1 && dp.fill >= thr) ||
                        (dp.rescue < 1 && (dp.rescue >= thr || dp.gate > 0)))
                        continue; /* the same as a setting tried already */
                    double f1 = mean_f1(s->w, s->set, s->r, s->dev, s->n_dev, s->prob, &dp,
                                        s->mask);
                    if (f1 > best->f1)
                        *best = (span_choice){f1, c, a, b, dp};
                }
}

/* One point of the grid: the model fitted on the fit part's rows at C
 * fp->c, Platt's sigmoid on the dev part's decision values, then every
 * decoding of the dev part's probabilities. */
static ms_status try_c(span_search *s, const ms_problem *all, const ms_fit_params *fp,
                       span_choice *best, ms_error *err)
{
    const tok_rows *r = s->r;
    ms_linear lin = {0};
    ms_status st = ms_linear_fit(all, s->rows, s->n_rows, fp, &lin);
    if (st != MS_OK)
        return ms_fail(err, st, "", 0, 0, "fit at C=%g: %s", fp->c, ms_strerror(st));
    decisions(&lin, r, s->dev, s->n_dev, s->dec);
    size_t nd = 0;
    for (size_t q = 0; q < s->n_dev; q++)
        for (size_t i = r->post_first[s->dev[q]]; i < r->post_first[s->dev[q] + 1]; i++) {
            s->prob[nd] = s->dec[i];
            s->ydev[nd++] = r->y[i];
        }
    double a = 0, b = 0;
    st = ms_platt_fit(s->prob, s->ydev, nd, &a, &b);
    if (st != MS_OK) {
        free(lin.w);
        return ms_fail(err, st, "", 0, 0, "calibration: %s", ms_strerror(st));
    }
    lin.prob_a = a;
    lin.prob_b = b;
    for (size_t q = 0; q < s->n_dev; q++)
        for (size_t i = r->post_first[s->dev[q]]; i < r->post_first[s->dev[q] + 1]; i++)
            s->prob[i] = ms_linear_probability(&lin, s->dec[i]);
    free(lin.w);
    try_decodings(s, fp->c, a, b, best);
    return MS_OK;
}

/* The span model's card: the choice, the data's hash and size, the dev
 * part's size and what the features are. NULL when out of memory. */
static json_t *spans_card(const ms_spans_set *set, const tok_rows *r, int bits, size_t pos,
                          double share, size_t n_dev, const span_choice *best,
                          const char *host)
{
    uint64_t dh = 0;
    for (size_t i = 0; i < set->n; i++) {
        dh = ms_hash64(set->items[i].text, set->items[i].len, dh);
        dh = ms_hash64(set->items[i].spans, set->items[i].n_spans * 2 * sizeof(uint32_t), dh);
    }
    char hex[17], date[16], version[64];
    ms_hex64(dh, hex);
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(date, sizeof date, "%Y%m%d", &tmv);
    snprintf(version, sizeof version, "spans-%s-%.8s", date, hex);
    json_t *card = json_pack(
        "{s:i, s:s, s:s, s:s, s:i, s:f, s:f, s:s?, s:{s:s, s:I, s:I, s:I}, s:{s:f, s:I, s:f}, "
        "s:s, s:s}",
        "format", SPANS_FORMAT, "task", "spans", "version", version, "model",
        "token-level L2 logistic regression (dual coordinate descent), a libsvm linear model",
        "hash_bits", bits, "threshold", best->dp.threshold, "c", best->c, "hostility_version",
        host, "data", "hash", hex, "posts", (json_int_t)set->n, "tokens", (json_int_t)r->n,
        "marked_tokens", (json_int_t)pos, "dev", "share", share, "posts", (json_int_t)n_dev,
        "byte_f1", best->f1, "features",
        "per token: folded form, neighbours (2 each side, and the bigrams with each), "
        "3-4 byte prefixes and suffixes, length, shape flags, profanity/insult list, AFINN and "
        "VADER valence (its own and its neighbours'), its contribution w_j*x_j to the hostility "
        "decision value and that summed over its repeats (binned and as values), a "
        "second-person word within 3 tokens",
        "labels", "a token is marked when any of its bytes is in a gold span; runs of marked "
        "tokens are one span");
    if (card) {
        json_object_set_new(card, "gate", json_real(best->dp.gate));
        json_object_set_new(card, "fill", json_real(best->dp.fill));
        json_object_set_new(card, "rescue", json_real(best->dp.rescue));
    }
    return card;
}

ms_status ms_spans_train(ms_scorer *sc, const ms_lexicon *lx, const ms_spans_set *set,
                         const ms_spans_options *opt, const char *out_dir, ms_error *err)
{
    static const double default_grid[] = {0.03, 0.1, 0.3, 1};
    int bits = opt->hash_bits ? opt->hash_bits : DEFAULT_BITS;
    if (bits < 8 || bits > 24)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "hash bits must be 8..24");
    const double *grid = opt->c_grid && opt->n_c ? opt->c_grid : default_grid;
    size_t n_grid = opt->c_grid && opt->n_c ? opt->n_c : sizeof default_grid / sizeof *grid;
    double share = opt->dev_share > 0 && opt->dev_share < 1 ? opt->dev_share : 0.2;
    if (set->n < 10)
        return ms_fail(err, MS_ERR_PARSE, "", 0, 0, "need at least 10 posts (have %zu)", set->n);
    /* before any work: a directory that is not a model's is never replaced */
    ms_status cst = ms_modeldir_check(out_dir, err);
    if (cst != MS_OK)
        return cst;
    double t0 = ms_now();
    tok_rows r = {0};
    span_search s = {.set = set, .r = &r};
    ms_status st = build_rows(sc, lx, set, bits, &r);
    ms_status ast = search_alloc(&s);
    if (st == MS_OK)
        st = ast;
    if (st != MS_OK) {
        st = ms_fail(err, st, "", 0, 0, "token features: %s", ms_strerror(st));
        goto out;
    }
    shuffle_posts(s.order, set->n, opt->seed ? opt->seed : 1);
    s.n_dev = (size_t)((double)set->n * share);
    size_t n_fit = set->n - s.n_dev, pos = 0;
    s.dev = s.order + n_fit;
    for (size_t q = 0; q < n_fit; q++)
        for (size_t i = r.post_first[s.order[q]]; i < r.post_first[s.order[q] + 1]; i++)
            s.rows[s.n_rows++] = i;
    for (size_t i = 0; i < r.n; i++)
        pos += r.y[i] == 1;
    say(opt, "spans: %zu posts, %zu tokens (%zu marked), %zu features; %.1f s", set->n, r.n, pos,
        r.pool_n, ms_now() - t0);
    ms_problem prob_all = {r.x, r.y, r.n, sp_model_dim(bits), NULL};
    ms_fit_params fp = {0};
    fp.weight_pos = fp.weight_neg = 1;
    fp.loss = MS_LOSS_LOGISTIC;
    fp.seed = opt->seed ? opt->seed : 1;
    span_choice best = {-1, grid[0], 0, 0, {0.5, 0, 2, 2}};
    if (ms_spans_work_new(&s.w) != MS_OK) {
        st = ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "out of memory");
        goto out;
    }
    for (size_t g = 0; g < n_grid; g++) {
        fp.c = grid[g];
        if ((st = try_c(&s, &prob_all, &fp, &best, err)) != MS_OK)
            goto out;
        say(opt,
            "spans: C=%g: dev byte F1 so far %.4f (C=%g, threshold %.3f, gate %.2f, fill %.2f, "
            "rescue %.2f); %.1f s",
            grid[g], best.f1, best.c, best.dp.threshold, best.dp.gate, best.dp.fill,
            best.dp.rescue, ms_now() - t0);
    }
    /* the model: every post, at the chosen C, with the dev part's sigmoid */
    ms_linear final = {0};
    fp.c = best.c;
    st = ms_linear_fit(&prob_all, NULL, r.n, &fp, &final);
    if (st != MS_OK) {
        st = ms_fail(err, st, "", 0, 0, "final fit: %s", ms_strerror(st));
        goto out;
    }
    final.prob_a = best.a;
    final.prob_b = best.b;
    json_t *card = spans_card(set, &r, bits, pos, share, s.n_dev, &best,
                              ms_scorer_hostility_version(sc));
    if (!card) {
        free(final.w);
        st = ms_fail(err, MS_ERR_NOMEM, out_dir, 0, 0, "out of memory");
        goto out;
    }
    st = write_dir(out_dir, &final, bits, card, err);
    if (st == MS_OK)
        say(opt, "spans: wrote %s (C=%g, threshold %.3f, dev byte F1 %.4f); %.1f s", out_dir,
            best.c, best.dp.threshold, best.f1, ms_now() - t0);
    json_decref(card);
    free(final.w);
out:
    search_free(&s);
    tok_rows_clear(&r);
    return st;
}

ms_status ms_spans_dump(ms_scorer *sc, const ms_lexicon *lx, const ms_spans_set *set,
                        int hash_bits, const char *svm_path, const char *meta_path,
                        ms_error *err)
{
    int bits = hash_bits ? hash_bits : DEFAULT_BITS;
    tok_rows r = {0};
    ms_status st = build_rows(sc, lx, set, bits, &r);
    if (st != MS_OK) {
        tok_rows_clear(&r);
        return ms_fail(err, st, "", 0, 0, "token features: %s", ms_strerror(st));
    }
    FILE *fs = fopen(svm_path, "w"), *fm = fopen(meta_path, "w");
    if (!fs || !fm)
        st = ms_fail(err, MS_ERR_IO, fs ? meta_path : svm_path, 0, 0, "cannot create: %s",
                     strerror(errno));
    for (size_t q = 0; st == MS_OK && q < set->n; q++)
        for (size_t i = r.post_first[q]; i < r.post_first[q + 1]; i++) {
            fprintf(fs, "%d", r.y[i]);
            for (size_t k = 0; k < r.x[i].n; k++)
                fprintf(fs, " %d:%.17g", (int)r.x[i].idx[k], r.x[i].val[k]);
            fputc('\n', fs);
            fprintf(fm, "%zu %u %u %.6g\n", q, r.start[i], r.end[i], r.term[i]);
        }
    if (fs && fclose(fs) != 0 && st == MS_OK)
        st = ms_fail(err, MS_ERR_IO, svm_path, 0, 0, "write failed");
    if (fm && fclose(fm) != 0 && st == MS_OK)
        st = ms_fail(err, MS_ERR_IO, meta_path, 0, 0, "write failed");
    tok_rows_clear(&r);
    return st;
}

/* metrics.c - ranking, threshold and calibration metrics; see metrics.h. */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>

typedef struct scored {
    double s;
    int8_t y;
} scored;

/* Ascending by score; ties in any order (they are handled as groups). */
static int cmp_scored(const void *a, const void *b)
{
    double x = ((const scored *)a)->s, z = ((const scored *)b)->s;
    return (x > z) - (x < z);
}

/* Checks labels and scores; counts the positives. */
static ms_status check(const double *s, const int8_t *y, size_t n, size_t *npos)
{
    if (!s || !y || n == 0)
        return MS_ERR_ARG;
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        if ((y[i] != 0 && y[i] != 1) || isnan(s[i]))
            return MS_ERR_ARG;
        p += (size_t)y[i];
    }
    *npos = p;
    return MS_OK;
}

static scored *sorted_copy(const double *s, const int8_t *y, size_t n)
{
    scored *v = malloc(n * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i].s = s[i];
        v[i].y = y[i];
    }
    qsort(v, n, sizeof *v, cmp_scored);
    return v;
}

ms_status ms_roc_auc(const double *score, const int8_t *y, size_t n, double *auc)
{
    size_t npos;
    if (!auc || check(score, y, n, &npos) != MS_OK || npos == 0 || npos == n)
        return MS_ERR_ARG;
    scored *v = sorted_copy(score, y, n);
    if (!v)
        return MS_ERR_NOMEM;
    /* Sum of the (1-based, tie-averaged) ranks of the positives. */
    double rank_sum = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        size_t pos = 0;
        while (j < n && v[j].s == v[i].s)
            pos += (size_t)v[j++].y;
        double avg_rank = ((double)(i + 1) + (double)j) / 2.0; /* ranks i+1..j */
        rank_sum += avg_rank * (double)pos;
        i = j;
    }
    free(v);
    double p = (double)npos, q = (double)(n - npos);
    *auc = (rank_sum - p * (p + 1) / 2.0) / (p * q);
    return MS_OK;
}

ms_status ms_average_precision(const double *score, const int8_t *y, size_t n, double *ap)
{
    size_t npos;
    if (!ap || check(score, y, n, &npos) != MS_OK || npos == 0)
        return MS_ERR_ARG;
    scored *v = sorted_copy(score, y, n);
    if (!v)
        return MS_ERR_NOMEM;
    double sum = 0, prev_recall = 0;
    size_t tp = 0, fp = 0;
    /* highest scores first: walk the ascending array backwards */
    for (size_t i = n; i > 0;) {
        size_t j = i;
        while (j > 0 && v[j - 1].s == v[i - 1].s) {
            j--;
            if (v[j].y)
                tp++;
            else
                fp++;
        }
        double recall = (double)tp / (double)npos;
        double precision = (double)tp / (double)(tp + fp);
        sum += (recall - prev_recall) * precision;
        prev_recall = recall;
        i = j;
    }
    free(v);
    *ap = sum;
    return MS_OK;
}

ms_status ms_confusion_at(const double *score, const int8_t *y, size_t n, double threshold,
                          ms_confusion *c)
{
    if (!c || (n && (!score || !y)))
        return MS_ERR_ARG;
    ms_confusion r = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return MS_ERR_ARG;
        int pred = score[i] >= threshold;
        if (pred)
            y[i] ? r.tp++ : r.fp++;
        else
            y[i] ? r.fn++ : r.tn++;
    }
    *c = r;
    return MS_OK;
}

double ms_precision(const ms_confusion *c)
{
    return c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0.0;
}

double ms_recall(const ms_confusion *c)
{
    return c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0.0;
}

double ms_f1(const ms_confusion *c)
{
    double p = ms_precision(c), r = ms_recall(c);
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

static int bad_prob(double p) { return !(p >= 0.0 && p <= 1.0); }

ms_status ms_brier(const double *prob, const int8_t *y, size_t n, double *brier)
{
    if (!prob || !y || !brier || n == 0)
        return MS_ERR_ARG;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if ((y[i] != 0 && y[i] != 1) || bad_prob(prob[i]))
            return MS_ERR_ARG;
        double d = prob[i] - y[i];
        sum += d * d;
    }
    *brier = sum / (double)n;
    return MS_OK;
}

ms_status ms_reliability(const double *prob, const int8_t *y, size_t n,
                         double mean_pred[MS_RELIABILITY_BINS],
                         double frac_pos[MS_RELIABILITY_BINS],
                         size_t count[MS_RELIABILITY_BINS])
{
    if (!mean_pred || !frac_pos || !count || (n && (!prob || !y)))
        return MS_ERR_ARG;
    double sum_p[MS_RELIABILITY_BINS] = {0}, sum_y[MS_RELIABILITY_BINS] = {0};
    size_t cnt[MS_RELIABILITY_BINS] = {0};
    for (size_t i = 0; i < n; i++) {
        if ((y[i] != 0 && y[i] != 1) || bad_prob(prob[i]))
            return MS_ERR_ARG;
        int k = (int)(prob[i] * MS_RELIABILITY_BINS);
        if (k >= MS_RELIABILITY_BINS)
            k = MS_RELIABILITY_BINS - 1;
        sum_p[k] += prob[i];
        sum_y[k] += y[i];
        cnt[k]++;
    }
    for (int k = 0; k < MS_RELIABILITY_BINS; k++) {
        count[k] = cnt[k];
        mean_pred[k] = cnt[k] ? sum_p[k] / (double)cnt[k] : 0.0;
        frac_pos[k] = cnt[k] ? sum_y[k] / (double)cnt[k] : 0.0;
    }
    return MS_OK;
}

ms_status ms_threshold_table(const double *prob, const int8_t *y, size_t n,
                             ms_threshold_row rows[MS_THRESHOLD_ROWS])
{
    if (!rows)
        return MS_ERR_ARG;
    for (int k = 0; k < MS_THRESHOLD_ROWS; k++) {
        ms_threshold_row *r = &rows[k];
        r->threshold = (double)(k + 1) / 20.0;
        ms_status st = ms_confusion_at(prob, y, n, r->threshold, &r->c);
        if (st != MS_OK)
            return st;
        r->precision = ms_precision(&r->c);
        r->recall = ms_recall(&r->c);
        r->f1 = ms_f1(&r->c);
    }
    return MS_OK;
}

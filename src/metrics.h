/* metrics.h - how good a scorer is: ranking (ROC AUC, average precision),
 * decisions at a threshold (confusion counts, precision, recall, F1) and
 * calibration (Brier score, 10-bin reliability), all from an array of
 * scores or probabilities and an array of 0/1 labels of the same length.
 * Nothing here allocates what the caller must free. */
#ifndef MS_METRICS_H
#define MS_METRICS_H

#include "modscore.h"

#include <stddef.h>
#include <stdint.h>

/* Area under the ROC curve: the probability that a random positive scores
 * above a random negative, ties counting one half (average ranks, the
 * Mann-Whitney U statistic). OUT: *auc. MS_ERR_ARG when n is 0, a label
 * is not 0/1, a score is NaN, or either class is absent. MS_ERR_NOMEM when
 * the working copy cannot be allocated. */
ms_status ms_roc_auc(const double *score, const int8_t *y, size_t n, double *auc);

/* Area under the precision-recall curve as average precision:
 * sum over distinct score thresholds (highest first) of
 * (recall_k - recall_{k-1}) * precision_k, tied scores entering together.
 * OUT: *ap. MS_ERR_ARG as ms_roc_auc, but only positives must be present. */
ms_status ms_average_precision(const double *score, const int8_t *y, size_t n, double *ap);

/* Decisions at a threshold: predicted positive when score >= threshold. */
typedef struct ms_confusion {
    size_t tp, fp, tn, fn;
} ms_confusion;

/* OUT: *c. MS_ERR_ARG when a label is not 0/1. */
ms_status ms_confusion_at(const double *score, const int8_t *y, size_t n, double threshold,
                          ms_confusion *c);
/* tp / (tp + fp); 0 when nothing is predicted positive. */
double ms_precision(const ms_confusion *c);
/* tp / (tp + fn); 0 when there are no positives. */
double ms_recall(const ms_confusion *c);
/* Harmonic mean of precision and recall; 0 when both are 0. */
double ms_f1(const ms_confusion *c);

/* Mean squared difference between probability and label. OUT: *brier.
 * MS_ERR_ARG when n is 0, a label is not 0/1 or a probability is outside
 * [0, 1]. */
ms_status ms_brier(const double *prob, const int8_t *y, size_t n, double *brier);

/* Reliability diagram in MS_RELIABILITY_BINS equal bins of [0, 1]
 * (bin k holds k/10 <= p < (k+1)/10, and p = 1 goes in the last bin).
 * OUT: mean_pred[k] (mean probability in the bin), frac_pos[k] (share of
 * positives in the bin), count[k]; empty bins have 0, 0, 0. MS_ERR_ARG as
 * ms_brier (n may be 0). */
#define MS_RELIABILITY_BINS 10
ms_status ms_reliability(const double *prob, const int8_t *y, size_t n,
                         double mean_pred[MS_RELIABILITY_BINS],
                         double frac_pos[MS_RELIABILITY_BINS],
                         size_t count[MS_RELIABILITY_BINS]);

/* Precision and recall at thresholds 0.05, 0.10, ..., 0.95. */
#define MS_THRESHOLD_ROWS 19
typedef struct ms_threshold_row {
    double threshold;
    double precision, recall, f1;
    ms_confusion c;
} ms_threshold_row;

/* OUT: rows[0..MS_THRESHOLD_ROWS-1], row k at threshold (k+1)/20.
 * MS_ERR_ARG when a label is not 0/1. */
ms_status ms_threshold_table(const double *prob, const int8_t *y, size_t n,
                             ms_threshold_row rows[MS_THRESHOLD_ROWS]);

#endif

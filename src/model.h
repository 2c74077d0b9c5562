/* model.h - libsvm, wrapped: load a libsvm model and collapse a linear one
 * to a weight vector (the fast path), predict calibrated probabilities
 * exactly as svm_predict_probability does, train linear models (libsvm's
 * own solver or a primal/dual linear solver that writes a model libsvm's
 * loader and predictor use as is), and Platt calibration. libsvm's habits
 * (its global print hook, its setlocale calls) stay inside model.c; model
 * files are read by model_parse.c, not by libsvm's loader. */
#ifndef MS_MODEL_H
#define MS_MODEL_H

#include "featurize.h"
#include "modscore.h"

#include <stdint.h>

/* A linear model: decision(x) = w.x - rho, P(positive) from Platt's
 * sigmoid 1 / (1 + exp(A * decision + B)) as libsvm computes it. */
typedef struct ms_linear {
    double *w;      /* dense, index = libsvm feature index (0 unused) */
    int32_t dim;    /* entries in w: max feature index + 1 */
    double rho;
    double prob_a, prob_b;
    int positive_first; /* 1 when libsvm's first label is the positive (1) class */
    int borrowed;       /* 1: w belongs to someone else (a model.bin mapping); read-only */
} ms_linear;

/* Loads a libsvm model file (must be C-SVC, linear kernel, two classes
 * labelled 0/1, with probability estimates) and collapses it:
 * w = sum_i sv_coef[i] * SV[i]. The file is checked before libsvm parses
 * it, so a corrupt file is MS_ERR_MODEL, never a crash. OUT: *out, free
 * with ms_linear_free. */
ms_status ms_linear_load(const char *path, ms_linear **out, ms_error *err);
/* Frees m and, unless m->borrowed, m->w. NULL is a no-op. */
void ms_linear_free(ms_linear *m);

/* The decision value of the positive class for a sparse vector. */
double ms_linear_decision(const ms_linear *m, const ms_fvec *x);
/* P(label = 1) for a decision value, identical to libsvm's two-class
 * svm_predict_probability. */
double ms_linear_probability(const ms_linear *m, double decision);

/* Training. */
typedef struct ms_problem {
    const ms_fvec *x; /* n vectors */
    const int8_t *y;  /* labels 0/1 */
    size_t n;
    int32_t dim;      /* max feature index + 1 */
    const double *w;  /* n row weights, each a multiplier of the row's C
                         (finite, > 0), or NULL: all 1; the dual coordinate
                         descent solvers only */
} ms_problem;

/* A dual solution carried along a path of C values (warm start): one
 * alpha per training row, in the rows' order, for the fit at c. */
typedef struct ms_warm {
    double *alpha; /* n entries, the caller's */
    size_t n;
    double c;      /* 0: nothing yet (a cold start) */
} ms_warm;

typedef struct ms_fit_params {
    double c;
    double weight_pos, weight_neg; /* class weights (C multipliers) */
    int use_libsvm;                /* 1: svm_train, 0: dual coordinate descent */
    ms_loss loss;                  /* DEFAULT is the hinge; LOGISTIC needs use_libsvm 0 */
    /* NULL, or dim factors: the fit sees x_j * scale_j (a per-feature
     * weight, as NB-SVM's log-count ratios or a block weight) and returns
     * w already multiplied by scale, i.e. the model of the unscaled x. */
    const double *scale;
    double eps;                    /* stopping tolerance */
    uint64_t seed;
    /* NULL, or a warm start for the dual coordinate descent solvers (the
     * same rows as the fit's): with warm->c > 0 the fit starts from
     * warm->alpha scaled by c / warm->c (each alpha's share of its bound
     * kept), and either way leaves its own solution and c there. Moving up
     * a C grid this way saves a third of the later fits' epochs (measured:
     * hostility CV on 45k comments, 17.1 s -> 13.9 s). */
    ms_warm *warm;
} ms_fit_params;

/* Fits a linear C-SVC (hinge loss, L2 regularisation), or with
 * params->loss MS_LOSS_LOGISTIC an L2-regularised logistic regression
 * (liblinear's solve_l2r_lr_dual), on a subset of the problem (rows;
 * NULL = all). Either way the result is a linear w and rho that libsvm's
 * predictor uses as is. OUT: m->w, m->dim, m->rho (prob_a/prob_b are
 * left 0 for ms_platt_fit; positive_first is 1). *m is overwritten, not
 * freed; on success the caller frees m->w with free(). Both classes must
 * be present, labels 0/1, indices in [1, dim): else MS_ERR_ARG. eps <= 0
 * means the solver's default (libsvm 1e-3, dual coordinate descent 0.1 for
 * either loss). libsvm with the logistic loss is MS_ERR_ARG.
 * The same seed gives the same model, bit for bit. */
ms_status ms_linear_fit(const ms_problem *p, const size_t *rows, size_t n_rows,
                        const ms_fit_params *params, ms_linear *m);

/* Platt scaling on decision values (libsvm's sigmoid_train, Lin et al.
 * 2007). OUT: *a, *b. */
ms_status ms_platt_fit(const double *dec, const int8_t *y, size_t n, double *a, double *b);

/* How finely shipped and trained weights are stored: rounded to this many
 * decimal places (a quantum of 1e-4). The features a weight multiplies are
 * at most 1 (L2-normalised TF-IDF, scaled lexicon and context values), so
 * a comment's decision value moves by at most 0.5e-4 per feature it has;
 * measured on the held-out splits (bench/trim.sh): no score moved by more
 * than a few 1e-5, ROC AUC unchanged at four decimals. */
#define MS_WEIGHT_DECIMALS 4

/* What ms_linear_trim kept and dropped. */
typedef struct ms_trim_stats {
    size_t kept;    /* non-zero weights after */
    size_t dropped; /* non-zero weights that rounded to 0 */
} ms_trim_stats;

/* Rounds every weight of m in place to `decimals` decimal places (1..12):
 * each becomes the double nearest to that decimal, so that
 * ms_linear_write_libsvm writes it in a few digits and reading the file
 * gives back the same double. Weights that round to 0 are dropped (no
 * comment can tell them apart from 0 at that precision). rho, probA and
 * probB are left as they are. OUT: *stats (may be NULL). MS_ERR_ARG for a
 * borrowed (read-only) model or decimals out of range. */
ms_status ms_linear_trim(ms_linear *m, int decimals, ms_trim_stats *stats);

/* Writes m as a libsvm model file (svm_type c_svc, kernel_type linear,
 * probA/probB, one support vector holding w). Every number is written in
 * the fewest digits that read back as the same double (at most %.17g;
 * weights without the leading 0 of "0.xxx", as C's strtod and libsvm
 * read them), so the file gives back m exactly. */
ms_status ms_linear_write_libsvm(const ms_linear *m, const char *path, ms_error *err);

#endif

/* adapt.h - adapting a trained linear model to a site's own decisions
 * (`modscore train --base`): the site's rows in a compact form, and the
 * solver that fits a correction to the base model on them. The result is
 * folded back into one linear model over the base model's features. */
#ifndef MS_ADAPT_H
#define MS_ADAPT_H

#include "featurize.h"
#include "model.h"
#include "modscore.h"

#include <jansson.h>
#include <stdint.h>

/* The site's rows over only the features they use (compact columns
 * 0..d-1), with the base model's decision value z of each row. */
typedef struct ms_adapt_rows {
    size_t n;
    size_t *ptr;   /* n + 1 offsets into col and val */
    int32_t *col;  /* compact column of each entry */
    float *val;    /* single precision: a row's TF-IDF values are written to
                      six digits in no file, and 8 bytes an entry instead of 12
                      bound a site's rows (train --base on 700k decisions) */
    int32_t d;     /* compact columns */
    int32_t *orig; /* d entries: the libsvm feature index of each column */
    double *z;     /* the base model's decision value of each row */
    int8_t *y;     /* 0/1 */
    double cw[2];  /* class weights (balanced): cw[0] negatives, cw[1] positives */
} ms_adapt_rows;

void ms_adapt_rows_clear(ms_adapt_rows *r);

/* One fit's settings. The decision of row i is
 *   u.x_i + v * s * z_i + b + lambda * z_i
 * where w = (u[0..d), v, b) minimises
 *   1/2 |w|^2 + c * sum_i cw[y_i] * log(1 + exp(-y'_i * decision_i))
 * (y' in -1/+1): lambda = 1 and s = 0 is logistic regression with a prior
 * that pulls the weights towards the base model's (|w - w_base|^2), s > 0
 * with lambda = 0 the base model's decision value as a feature beside the
 * site's words, and both together a prior around a rescaled base model. */
typedef struct ms_adapt_fit {
    double c;
    double s;
    double lambda;
} ms_adapt_fit;

/* Newton's method with conjugate-gradient steps on the rows listed (NULL:
 * all), starting from w's contents (d + 2 entries: warm starts welcome).
 * OUT: w. MS_ERR_NOMEM or MS_OK. */
ms_status ms_adapt_solve(const ms_adapt_rows *r, const size_t *rows, size_t n_rows,
                         const ms_adapt_fit *p, double *w);

/* The decision value of row i for a solution w. */
double ms_adapt_decision(const ms_adapt_rows *r, size_t i, const ms_adapt_fit *p,
                         const double *w);

/* "feature", "prior", "both" (or "default"). */
const char *ms_adapt_method_name(ms_adapt_method m);

/* Written in train.c (whose model-directory writer and data hash they
 * share): the directory out_dir with model.svm from lin, idf.bin from
 * idf and card.json from card (hashes added), atomically. */
ms_status ms_train_write_dir(const char *out_dir, const ms_linear *lin, const ms_idf *idf,
                             json_t *card, ms_error *err);
uint64_t ms_train_data_hash(const ms_dataset *set);
/* The input a training example is scored as: its context becomes the
 * article (OUT: *scratch holds it; it lives as long as scratch). */
ms_input ms_train_example_input(const ms_example *e, ms_article *scratch);

#endif

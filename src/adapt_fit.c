/* adapt_fit.c - the solver behind `train --base`: L2-regularised logistic
 * regression on the site's rows (only the features they use), with the
 * base model's decision value as an offset and/or a feature. A few hundred
 * rows make the primal problem small, so Newton's method with
 * conjugate-gradient steps (as liblinear's primal solver, without its trust
 * region: a backtracking line search instead) converges in a handful of
 * passes, to the same optimum from any start. */
#include "adapt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ms_adapt_rows_clear(ms_adapt_rows *r)
{
    if (!r)
        return;
    free(r->ptr);
    free(r->col);
    free(r->val);
    free(r->orig);
    free(r->z);
    free(r->y);
    memset(r, 0, sizeof *r);
}

/* u.x + v*s*z + b: the fitted part of a row's decision. */
static double row_dot(const ms_adapt_rows *r, size_t i, const ms_adapt_fit *p, const double *w)
{
    double sum = 0;
    for (size_t k = r->ptr[i]; k < r->ptr[i + 1]; k++)
        sum += r->val[k] * w[r->col[k]];
    return sum + p->s * r->z[i] * w[r->d] + w[r->d + 1];
}

/* g += a * x~_i */
static void row_axpy(const ms_adapt_rows *r, size_t i, const ms_adapt_fit *p, double a, double *g)
{
    for (size_t k = r->ptr[i]; k < r->ptr[i + 1]; k++)
        g[r->col[k]] += a * r->val[k];
    g[r->d] += a * p->s * r->z[i];
    g[r->d + 1] += a;
}

double ms_adapt_decision(const ms_adapt_rows *r, size_t i, const ms_adapt_fit *p,
                         const double *w)
{
    return row_dot(r, i, p, w) + p->lambda * r->z[i];
}

/* log(1 + exp(-t)) without overflow */
static double log1pexp_neg(double t)
{
    return t >= 0 ? log1p(exp(-t)) : -t + log1p(exp(t));
}

typedef struct solver {
    const ms_adapt_rows *r;
    const size_t *rows;
    size_t n;
    const ms_adapt_fit *p;
    size_t dim;  /* d + 2 */
    double *ym;  /* y'_i * decision_i of each listed row */
    double *dw;  /* the Hessian's row weights */
    double *g, *step, *res, *dir, *hd, *wt;
} solver;

static size_t row_of(const solver *s, size_t k) { return s->rows ? s->rows[k] : k; }

static double dot(const double *a, const double *b, size_t n)
{
    double sum = 0;
    for (size_t j = 0; j < n; j++)
        sum += a[j] * b[j];
    return sum;
}

/* The objective at w; fills ym. */
static double objective(solver *s, const double *w)
{
    const ms_adapt_rows *r = s->r;
    double f = 0;
    for (size_t k = 0; k < s->n; k++) {
        size_t i = row_of(s, k);
        double yy = r->y[i] ? 1.0 : -1.0;
        s->ym[k] = yy * ms_adapt_decision(r, i, s->p, w);
        f += r->cw[r->y[i] ? 1 : 0] * log1pexp_neg(s->ym[k]);
    }
    return 0.5 * dot(w, w, s->dim) + s->p->c * f;
}

/* The gradient at w (ym already filled for w) into s->g, the Hessian's
 * row weights into s->dw. */
static void gradient(solver *s, const double *w)
{
    const ms_adapt_rows *r = s->r;
    memcpy(s->g, w, s->dim * sizeof *w);
    for (size_t k = 0; k < s->n; k++) {
        size_t i = row_of(s, k);
        double cw = r->cw[r->y[i] ? 1 : 0];
        double sig = 1.0 / (1.0 + exp(-s->ym[k]));
        double yy = r->y[i] ? 1.0 : -1.0;
        s->dw[k] = cw * sig * (1.0 - sig);
        row_axpy(r, i, s->p, s->p->c * cw * (sig - 1.0) * yy, s->g);
    }
}

/* out = H v = v + c * sum_i dw_i (x~_i . v) x~_i */
static void hessian_times(solver *s, const double *v, double *out)
{
    memcpy(out, v, s->dim * sizeof *v);
    for (size_t k = 0; k < s->n; k++) {
        size_t i = row_of(s, k);
        double a = s->dw[k] * row_dot(s->r, i, s->p, v);
        if (a != 0)
            row_axpy(s->r, i, s->p, s->p->c * a, out);
    }
}

/* Conjugate gradients for H step = -g, to a residual of a tenth of |g|. */
static void newton_step(solver *s)
{
    size_t n = s->dim;
    memset(s->step, 0, n * sizeof *s->step);
    for (size_t j = 0; j < n; j++)
        s->res[j] = s->dir[j] = -s->g[j];
    double rr = dot(s->res, s->res, n), stop = 0.01 * rr;
    for (int it = 0; it < 100 && rr > stop; it++) {
        hessian_times(s, s->dir, s->hd);
        double alpha = rr / dot(s->dir, s->hd, n);
        for (size_t j = 0; j < n; j++) {
            s->step[j] += alpha * s->dir[j];
            s->res[j] -= alpha * s->hd[j];
        }
        double rr2 = dot(s->res, s->res, n);
        for (size_t j = 0; j < n; j++)
            s->dir[j] = s->res[j] + rr2 / rr * s->dir[j];
        rr = rr2;
    }
}

ms_status ms_adapt_solve(const ms_adapt_rows *r, const size_t *rows, size_t n_rows,
                         const ms_adapt_fit *p, double *w)
{
    solver s = {r, rows, n_rows, p, (size_t)r->d + 2, NULL, NULL, NULL, NULL, NULL,
                NULL, NULL, NULL};
    size_t n1 = n_rows ? n_rows : 1;
    s.ym = malloc(n1 * sizeof *s.ym);
    s.dw = malloc(n1 * sizeof *s.dw);
    double *block = malloc(6 * s.dim * sizeof *block);
    ms_status st = s.ym && s.dw && block ? MS_OK : MS_ERR_NOMEM;
    if (st == MS_OK) {
        s.g = block, s.step = block + s.dim, s.res = block + 2 * s.dim;
        s.dir = block + 3 * s.dim, s.hd = block + 4 * s.dim, s.wt = block + 5 * s.dim;
        /* the stopping rule is relative to the gradient at w = 0, so a warm
         * start stops where a cold one would */
        memset(s.wt, 0, s.dim * sizeof *s.wt);
        objective(&s, s.wt);
        gradient(&s, s.wt);
        double g0 = sqrt(dot(s.g, s.g, s.dim));
        double f = objective(&s, w);
        for (int it = 0; it < 50; it++) {
            gradient(&s, w);
            double gn = sqrt(dot(s.g, s.g, s.dim));
            if (gn <= 1e-4 * g0 || gn == 0)
                break;
            newton_step(&s);
            double slope = dot(s.g, s.step, s.dim), t = 1, ft = f;
            for (int ls = 0; ls < 30; ls++, t *= 0.5) {
                for (size_t j = 0; j < s.dim; j++)
                    s.wt[j] = w[j] + t * s.step[j];
                ft = objective(&s, s.wt);
                if (ft <= f + 0.01 * t * slope)
                    break;
            }
            if (!(ft < f))
                break; /* no progress left at this precision */
            memcpy(w, s.wt, s.dim * sizeof *w);
            f = ft;
        }
    }
    free(s.ym);
    free(s.dw);
    free(block);
    return st;
}

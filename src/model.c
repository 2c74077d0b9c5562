/* model.c - libsvm, wrapped; see model.h.
 *
 * The linear fast path: a libsvm linear C-SVC model is collapsed to one
 * weight vector, w = sum_i sv_coef[i] * SV[i], so a prediction costs one
 * pass over the input's non-zeros. Probabilities follow libsvm 3.24's
 * svm_predict_probability for two classes exactly (sigmoid_predict on the
 * decision value of label[0], clamped to [1e-7, 1 - 1e-7]).
 *
 * libsvm's habits stay here: its print hook is pointed at a no-op before
 * svm_train, and its loader (which trusts its input and calls setlocale)
 * is never used: model files are parsed and checked by model_parse.c. */
#define _GNU_SOURCE
#include "model.h"
#include "util.h"

#include <libsvm/svm.h>

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* libsvm's clamp of pairwise probabilities (svm_predict_probability). */
#define MS_MIN_PROB 1e-7

/* ------------------------------------------------------------ predicting */

double ms_linear_decision(const ms_linear *m, const ms_fvec *x)
{
    double sum = 0;
    for (size_t k = 0; k < x->n; k++) {
        int32_t j = x->idx[k];
        if (j > 0 && j < m->dim)
            sum += m->w[j] * x->val[k];
    }
    return sum - m->rho;
}

/* libsvm's sigmoid_predict: P(label[0]) for a decision value of label[0]. */
static double sigmoid_predict(double dec, double a, double b)
{
    double fApB = dec * a + b;
    /* 1 - p would lose precision when fApB is large */
    if (fApB >= 0)
        return exp(-fApB) / (1.0 + exp(-fApB));
    return 1.0 / (1 + exp(fApB));
}

double ms_linear_probability(const ms_linear *m, double decision)
{
    /* libsvm's decision value is for its first label. */
    double dec0 = m->positive_first ? decision : -decision;
    double p = sigmoid_predict(dec0, m->prob_a, m->prob_b);
    /* min(max(p, min_prob), 1 - min_prob), with libsvm's template
     * semantics (a NaN p becomes min_prob). */
    p = p > MS_MIN_PROB ? p : MS_MIN_PROB;
    p = p < 1 - MS_MIN_PROB ? p : 1 - MS_MIN_PROB;
    /* For two classes libsvm reports pairwise_prob[0][1] and
     * pairwise_prob[1][0] = 1 - pairwise_prob[0][1] as they are. */
    return m->positive_first ? p : 1 - p;
}

void ms_linear_free(ms_linear *m)
{
    if (!m)
        return;
    if (!m->borrowed)
        free(m->w);
    free(m);
}

/* --------------------------------------------------------------- writing */

ms_status ms_linear_trim(ms_linear *m, int decimals, ms_trim_stats *stats)
{
    if (!m || m->borrowed || (m->dim > 0 && !m->w) || decimals < 1 || decimals > 12)
        return MS_ERR_ARG;
    double scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    ms_trim_stats t = {0, 0};
    for (int32_t j = 0; j < m->dim; j++) {
        double w = m->w[j];
        if (w == 0 || !isfinite(w))
            continue;
        /* k / scale, both exact, divided once: the double nearest to the
         * decimal k * 10^-decimals, as a parser reads that decimal */
        double k = nearbyint(w * scale);
        m->w[j] = k / scale;
        if (k == 0) {
            m->w[j] = 0;
            t.dropped++;
        } else {
            t.kept++;
        }
    }
    if (stats)
        *stats = t;
    return MS_OK;
}

/* v in the fewest significant digits (15 to 17) that read back as v, with
 * the leading 0 of 0.xxx left out. OUT: out (at least 32 bytes). The
 * caller has switched the thread to the "C" locale. */
static void shortest(char *out, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        double back;
        if (prec == 17 || (ms_parse_double(out, strlen(out), &back) == 0 && back == v))
            break;
    }
    char *z = out + (out[0] == '-');
    if (z[0] == '0' && z[1] == '.')
        memmove(z, z + 1, strlen(z + 1) + 1);
}

ms_status ms_linear_write_libsvm(const ms_linear *m, const char *path, ms_error *err)
{
    if (!m || !path || (m->dim > 0 && !m->w))
        return ms_fail(err, MS_ERR_ARG, path ? path : "", 0, 0, "no model or path");
    /* The file always lists the positive class first, so the single
     * support vector's coefficient is +1 and holds w itself. A model read
     * with label "0 1" has its sigmoid on the other class's decision:
     * P(1) = 1 - 1/(1+exp(-d*A+B)) = 1/(1+exp(d*A-B)), so B changes sign. */
    double a = m->prob_a;
    double b = m->positive_first ? m->prob_b : -m->prob_b;
    if (!isfinite(a) || !isfinite(b) || !isfinite(m->rho))
        return ms_fail(err, MS_ERR_ARG, path, 0, 0, "model has a non-finite rho, probA or probB");

    /* %.17g must write '.' whatever the host program's locale: switch this
     * thread (only) to "C" for the formatting. */
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c)
        return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "cannot create the C locale");
    locale_t old = uselocale(c);

    ms_status st = MS_OK;
    ms_buf b_ = {0};
    ms_buf *buf = &b_;
    if (ms_buf_printf(buf,
                      "svm_type c_svc\nkernel_type linear\nnr_class 2\ntotal_sv 1\n"
                      "rho %.17g\nlabel 1 0\nprobA %.17g\nprobB %.17g\nnr_sv 1 0\nSV\n1",
                      m->rho, a, b) != MS_OK)
        st = MS_ERR_NOMEM;
    for (int32_t j = 1; st == MS_OK && j < m->dim; j++) {
        if (m->w[j] == 0)
            continue;
        if (!isfinite(m->w[j])) {
            st = MS_ERR_ARG;
            break;
        }
        char num[40];
        shortest(num, m->w[j]);
        if (ms_buf_printf(buf, " %d:%s", (int)j, num) != MS_OK)
            st = MS_ERR_NOMEM;
    }
    if (st == MS_OK && ms_buf_addc(buf, '\n') != MS_OK)
        st = MS_ERR_NOMEM;
    uselocale(old);
    freelocale(c);

    if (st == MS_ERR_ARG)
        st = ms_fail(err, st, path, 0, 0, "model has a non-finite weight");
    else if (st != MS_OK)
        st = ms_fail(err, st, path, 0, 0, "out of memory");
    else
        st = ms_write_file_atomic(path, buf->data, buf->len, err);
    ms_buf_free(buf);
    return st;
}

/* -------------------------------------------------------------- training */

/* Checks the problem and the rows it names: labels 0/1, indices in
 * [1, dim) and ascending, both classes present. */
static ms_status check_problem(const ms_problem *p, const size_t *rows, size_t l)
{
    size_t npos = 0;
    for (size_t r = 0; r < l; r++) {
        size_t i = rows ? rows[r] : r;
        if (i >= p->n)
            return MS_ERR_ARG;
        if (p->y[i] != 0 && p->y[i] != 1)
            return MS_ERR_ARG;
        if (p->w && !(p->w[i] > 0 && isfinite(p->w[i])))
            return MS_ERR_ARG;
        npos += p->y[i] == 1;
        const ms_fvec *x = &p->x[i];
        int32_t prev = 0;
        for (size_t k = 0; k < x->n; k++) {
            if (x->idx[k] <= prev || x->idx[k] >= p->dim || !isfinite(x->val[k]))
                return MS_ERR_ARG;
            prev = x->idx[k];
        }
    }
    if (npos == 0 || npos == l)
        return MS_ERR_ARG; /* one class only: nothing to separate */
    return MS_OK;
}

/* params' warm start when it holds a solution for these l rows, else NULL. */
static const ms_warm *usable_warm(const ms_fit_params *params, size_t l)
{
    const ms_warm *w = params->warm;
    return w && w->alpha && w->n == l && w->c > 0 ? w : NULL;
}

/* Leaves a fit's dual solution (every stride-th of alpha) in params' warm
 * start. */
static void keep_warm(const ms_fit_params *params, const double *alpha, size_t stride, size_t l)
{
    ms_warm *w = params->warm;
    if (!w || !w->alpha || w->n != l)
        return;
    for (size_t r = 0; r < l; r++)
        w->alpha[r] = alpha[stride * r];
    w->c = params->c;
}

/* What both dual solvers start from: the rows (xs, y = +-1), each row's
 * bound ub = U_i, q = Q_ii = 1 + |x_i|^2 (the 1 is the bias feature), its
 * starting alpha and w, wb = sum_i y_i alpha_i x_i (wb the bias feature's
 * weight), and index = 0..l-1 for the solver to shuffle. */
typedef struct dual_start {
    const ms_fvec **xs;
    signed char *y;
    double *ub, *q, *alpha, *w;
    double wb;
    size_t *index;
} dual_start;

static void dual_start_free(dual_start *d)
{
    free(d->xs), free(d->y), free(d->ub), free(d->q), free(d->alpha), free(d->w), free(d->index);
}

/* Sets d up for the rows of p. Each alpha starts at params' warm start
 * scaled to this C, or else at 0, and is kept in [lo, ub - lo]: lo is 0
 * for the hinge (a closed box); with interior, lo = min(0.001 ub, 1e-8),
 * strictly inside as the logistic solver needs. */
static ms_status dual_setup(const ms_problem *p, const size_t *rows, size_t l,
                            const ms_fit_params *params, int interior, dual_start *d)
{
    memset(d, 0, sizeof *d);
    d->xs = malloc(l * sizeof *d->xs);
    d->y = malloc(l);
    d->ub = malloc(l * sizeof *d->ub);
    d->q = malloc(l * sizeof *d->q);
    d->alpha = malloc(l * sizeof *d->alpha);
    d->w = calloc((size_t)p->dim, sizeof *d->w);
    d->index = malloc(l * sizeof *d->index);
    if (!d->xs || !d->y || !d->ub || !d->q || !d->alpha || !d->w || !d->index) {
        dual_start_free(d);
        return MS_ERR_NOMEM;
    }
    double cp = params->c * params->weight_pos, cn = params->c * params->weight_neg;
    const ms_warm *warm = usable_warm(params, l);
    for (size_t r = 0; r < l; r++) {
        size_t i = rows ? rows[r] : r;
        const ms_fvec *x = d->xs[r] = &p->x[i];
        double y = d->y[r] = p->y[i] == 1 ? 1 : -1;
        double ub = d->ub[r] = (y > 0 ? cp : cn) * (p->w ? p->w[i] : 1.0);
        double lo = !interior ? 0 : 0.001 * ub < 1e-8 ? 0.001 * ub : 1e-8;
        double a = warm ? warm->alpha[r] * (params->c / warm->c) : lo;
        a = d->alpha[r] = a < lo ? lo : a > ub - lo ? ub - lo : a;
        double q = 1.0;
        for (size_t k = 0; k < x->n; k++) {
            q += x->val[k] * x->val[k];
            d->w[x->idx[k]] += y * a * x->val[k];
        }
        d->wb += y * a;
        d->q[r] = q;
        d->index[r] = r;
    }
    return MS_OK;
}

/* Shuffles index[0..n) in place (Fisher-Yates, forward). */
static void shuffle(size_t *index, size_t n, uint64_t *rng)
{
    for (size_t s = 0; s + 1 < n; s++) {
        size_t j = s + (size_t)(ms_random_next(rng) % (n - s));
        size_t tmp = index[s];
        index[s] = index[j];
        index[j] = tmp;
    }
}

/* Dual coordinate descent for the L2-regularised L1-loss (hinge) SVM, as
 * liblinear's solve_l2r_l1l2_svc (Hsieh et al., ICML 2008), with its
 * shrinking, and a bias as an extra feature of constant value 1
 * (liblinear's -B 1, so the bias is regularised too).
 *
 *   min_a 0.5 a'Qa - e'a,  0 <= a_i <= U_i,  Q_ij = y_i y_j x_i'x_j
 *
 * U_i is C*weight_pos for y=1 and C*weight_neg for y=0, times the row's
 * weight (p->w) when there are row weights. */
static ms_status fit_dcd(const ms_problem *p, const size_t *rows, size_t l,
                         const ms_fit_params *params, ms_linear *m)
{
    const int max_iter = 1000;
    double eps = params->eps > 0 ? params->eps : 0.1;
    dual_start d;
    if (dual_setup(p, rows, l, params, 0, &d) != MS_OK)
        return MS_ERR_NOMEM;
    double *w = d.w, *alpha = d.alpha, *qd = d.q, wb = d.wb;
    size_t *index = d.index;

    uint64_t rng = params->seed;
    size_t active = l;
    double pgmax_old = HUGE_VAL, pgmin_old = -HUGE_VAL;
    for (int iter = 0; iter < max_iter; iter++) {
        double pgmax_new = -HUGE_VAL, pgmin_new = HUGE_VAL;
        shuffle(index, active, &rng);
        for (size_t s = 0; s < active; s++) {
            size_t i = index[s];
            const ms_fvec *x = d.xs[i];
            double yi = d.y[i];
            double g = wb;
            for (size_t k = 0; k < x->n; k++)
                g += w[x->idx[k]] * x->val[k];
            g = g * yi - 1;
            double ub = d.ub[i];
            double pg = 0;
            if (alpha[i] == 0) {
                if (g > pgmax_old) {
                    active--;
                    index[s] = index[active];
                    index[active] = i;
                    s--;
                    continue;
                }
                if (g < 0)
                    pg = g;
            } else if (alpha[i] == ub) {
                if (g < pgmin_old) {
                    active--;
                    index[s] = index[active];
                    index[active] = i;
                    s--;
                    continue;
                }
                if (g > 0)
                    pg = g;
            } else {
                pg = g;
            }
            if (pg > pgmax_new)
                pgmax_new = pg;
            if (pg < pgmin_new)
                pgmin_new = pg;
            if (fabs(pg) > 1.0e-12) {
                double old = alpha[i];
                double a = old - g / qd[i];
                a = a < 0 ? 0 : a;
                alpha[i] = a > ub ? ub : a;
                double d = (alpha[i] - old) * yi;
                for (size_t k = 0; k < x->n; k++)
                    w[x->idx[k]] += d * x->val[k];
                wb += d;
            }
        }
        if (pgmax_new - pgmin_new <= eps) {
            if (active == l)
                break;
            /* converged on the shrunk set: check everything once more */
            active = l;
            pgmax_old = HUGE_VAL;
            pgmin_old = -HUGE_VAL;
            continue;
        }
        pgmax_old = pgmax_new;
        pgmin_old = pgmin_new;
        if (pgmax_old <= 0)
            pgmax_old = HUGE_VAL;
        if (pgmin_old >= 0)
            pgmin_old = -HUGE_VAL;
    }

    keep_warm(params, alpha, 1, l);
    m->w = w;
    m->dim = p->dim;
    m->rho = -wb;
    d.w = NULL; /* now m's */
    dual_start_free(&d);
    return MS_OK;
}

/* Dual coordinate descent for L2-regularised logistic regression, as
 * liblinear's solve_l2r_lr_dual (Yu, Huang and Lin, Machine Learning 2011,
 * Algorithm 5), with the same bias feature as fit_dcd.
 *
 *   min_a 0.5 a'Qa + sum_i a_i log a_i + (U_i - a_i) log(U_i - a_i),
 *   0 <= a_i <= U_i
 *
 * Each pair (a_i, U_i - a_i) is kept strictly inside the box; a
 * one-variable Newton method solves each sub-problem. */
static ms_status fit_dcd_lr(const ms_problem *p, const size_t *rows, size_t l,
                            const ms_fit_params *params, ms_linear *m)
{
    const int max_iter = 1000, max_inner_iter = 100;
    double eps = params->eps > 0 ? params->eps : 0.1;
    double innereps = 1e-2, innereps_min = eps < 1e-8 ? eps : 1e-8;
    dual_start d;
    if (dual_setup(p, rows, l, params, 1, &d) != MS_OK)
        return MS_ERR_NOMEM;
    /* the pairs (a_i, U_i - a_i) */
    double *alpha = malloc(2 * l * sizeof *alpha);
    if (!alpha) {
        dual_start_free(&d);
        return MS_ERR_NOMEM;
    }
    for (size_t r = 0; r < l; r++) {
        alpha[2 * r] = d.alpha[r];
        alpha[2 * r + 1] = d.ub[r] - d.alpha[r];
    }
    double *w = d.w, *xtx = d.q, wb = d.wb;
    size_t *index = d.index;

    uint64_t rng = params->seed;
    for (int iter = 0; iter < max_iter; iter++) {
        shuffle(index, l, &rng);
        size_t newton_iter = 0;
        double gmax = 0;
        for (size_t s = 0; s < l; s++) {
            size_t i = index[s];
            const ms_fvec *x = d.xs[i];
            double yi = d.y[i];
            double c = d.ub[i];
            double ywx = wb;
            for (size_t k = 0; k < x->n; k++)
                ywx += w[x->idx[k]] * x->val[k];
            ywx *= yi;
            double a = xtx[i], b = ywx;
            size_t ind1 = 2 * i, ind2 = 2 * i + 1;
            double sign = 1;
            if (0.5 * a * (alpha[ind2] - alpha[ind1]) + b < 0) {
                ind1 = 2 * i + 1;
                ind2 = 2 * i;
                sign = -1;
            }
            double alpha_old = alpha[ind1], z = alpha_old;
            if (c - z < 0.5 * c)
                z *= 0.1;
            double gp = a * (z - alpha_old) + sign * b + log(z / (c - z));
            if (fabs(gp) > gmax)
                gmax = fabs(gp);
            int inner = 0;
            while (inner <= max_inner_iter && fabs(gp) >= innereps) {
                double gpp = a + c / (c - z) / z;
                double tz = z - gp / gpp;
                z = tz <= 0 ? z * 0.1 : tz;
                gp = a * (z - alpha_old) + sign * b + log(z / (c - z));
                newton_iter++;
                inner++;
            }
            if (inner > 0) {
                alpha[ind1] = z;
                alpha[ind2] = c - z;
                double d = sign * (z - alpha_old) * yi;
                for (size_t k = 0; k < x->n; k++)
                    w[x->idx[k]] += d * x->val[k];
                wb += d;
            }
        }
        if (gmax < eps)
            break;
        if (newton_iter < l / 10)
            innereps = 0.1 * innereps > innereps_min ? 0.1 * innereps : innereps_min;
    }

    keep_warm(params, alpha, 2, l);
    free(alpha);
    m->w = w;
    m->dim = p->dim;
    m->rho = -wb;
    d.w = NULL; /* now m's */
    dual_start_free(&d);
    return MS_OK;
}

static void print_nothing(const char *s) { (void)s; }

/* libsvm's own SMO solver with a linear kernel, collapsed to w. */
static ms_status fit_libsvm(const ms_problem *p, const size_t *rows, size_t l,
                            const ms_fit_params *params, ms_linear *m)
{
    if (l > INT_MAX)
        return MS_ERR_LIMIT;
    size_t nodes = 0;
    for (size_t r = 0; r < l; r++)
        nodes += p->x[rows ? rows[r] : r].n + 1;
    struct svm_node *space = malloc(nodes * sizeof *space);
    struct svm_node **x = malloc(l * sizeof *x);
    double *y = malloc(l * sizeof *y);
    double *w = calloc((size_t)p->dim, sizeof *w);
    if (!space || !x || !y || !w) {
        free(space), free(x), free(y), free(w);
        return MS_ERR_NOMEM;
    }
    struct svm_node *q = space;
    for (size_t r = 0; r < l; r++) {
        size_t i = rows ? rows[r] : r;
        const ms_fvec *v = &p->x[i];
        x[r] = q;
        for (size_t k = 0; k < v->n; k++, q++) {
            q->index = v->idx[k];
            q->value = v->val[k];
        }
        q->index = -1;
        q->value = 0;
        q++;
        y[r] = p->y[i];
    }
    struct svm_problem prob = {(int)l, y, x};
    int weight_label[2] = {1, 0};
    double weight[2] = {params->weight_pos, params->weight_neg};
    struct svm_parameter par;
    memset(&par, 0, sizeof par);
    par.svm_type = C_SVC;
    par.kernel_type = LINEAR;
    par.degree = 3;
    par.cache_size = 200;
    par.eps = params->eps > 0 ? params->eps : 1e-3;
    par.C = params->c;
    par.nr_weight = 2;
    par.weight_label = weight_label;
    par.weight = weight;
    par.nu = 0.5;
    par.p = 0.1;
    par.shrinking = 1;
    par.probability = 0;

    ms_status st = MS_OK;
    if (svm_check_parameter(&prob, &par) != NULL) {
        st = MS_ERR_ARG;
    } else {
        svm_set_print_string_function(print_nothing);
        struct svm_model *model = svm_train(&prob, &par);
        if (!model || model->nr_class != 2 || !model->label) {
            st = MS_ERR_INTERNAL;
        } else {
            for (int i = 0; i < model->l; i++) {
                double coef = model->sv_coef[0][i];
                for (const struct svm_node *n = model->SV[i]; n->index != -1; n++)
                    w[n->index] += coef * n->value;
            }
            /* libsvm's decision value is for its first label, which is
             * whichever class the first training row has. */
            double sign = model->label[0] == 1 ? 1.0 : -1.0;
            for (int32_t j = 0; j < p->dim; j++)
                w[j] *= sign;
            m->rho = sign * model->rho[0];
        }
        if (model)
            svm_free_and_destroy_model(&model);
    }
    free(space), free(x), free(y);
    if (st != MS_OK) {
        free(w);
        return st;
    }
    m->w = w;
    m->dim = p->dim;
    return MS_OK;
}

static ms_status fit_any(const ms_problem *p, const size_t *rows, size_t l,
                         const ms_fit_params *params, ms_linear *m)
{
    if (params->use_libsvm)
        return fit_libsvm(p, rows, l, params, m);
    return params->loss == MS_LOSS_LOGISTIC ? fit_dcd_lr(p, rows, l, params, m)
                                            : fit_dcd(p, rows, l, params, m);
}

/* Fits on a scaled copy of the rows (features scaled to 0 left out), then
 * folds the scale into w: w_j * scale_j applies to the unscaled x_j. */
static ms_status fit_scaled(const ms_problem *p, const size_t *rows, size_t l,
                            const ms_fit_params *params, ms_linear *m)
{
    for (int32_t j = 0; j < p->dim; j++)
        if (!isfinite(params->scale[j]))
            return MS_ERR_ARG;
    size_t nnz = 0;
    for (size_t r = 0; r < l; r++)
        nnz += p->x[rows ? rows[r] : r].n;
    ms_fvec *xs = calloc(l, sizeof *xs);
    int8_t *ys = malloc(l);
    int32_t *idx = malloc((nnz ? nnz : 1) * sizeof *idx);
    double *val = malloc((nnz ? nnz : 1) * sizeof *val);
    double *ws = p->w ? malloc(l * sizeof *ws) : NULL;
    if (!xs || !ys || !idx || !val || (p->w && !ws)) {
        free(xs), free(ys), free(idx), free(val), free(ws);
        return MS_ERR_NOMEM;
    }
    size_t at = 0;
    for (size_t r = 0; r < l; r++) {
        const ms_fvec *v = &p->x[rows ? rows[r] : r];
        xs[r].idx = idx + at;
        xs[r].val = val + at;
        for (size_t k = 0; k < v->n; k++) {
            double sv = v->val[k] * params->scale[v->idx[k]];
            if (sv == 0)
                continue;
            idx[at] = v->idx[k];
            val[at++] = sv;
            xs[r].n++;
        }
        xs[r].cap = xs[r].n;
        ys[r] = p->y[rows ? rows[r] : r];
        if (ws)
            ws[r] = p->w[rows ? rows[r] : r];
    }
    ms_problem sp = {xs, ys, l, p->dim, ws};
    ms_fit_params sub = *params;
    sub.scale = NULL;
    ms_status st = fit_any(&sp, NULL, l, &sub, m);
    if (st == MS_OK)
        for (int32_t j = 0; j < m->dim && j < p->dim; j++)
            m->w[j] *= params->scale[j];
    free(xs), free(ys), free(idx), free(val), free(ws);
    return st;
}

ms_status ms_linear_fit(const ms_problem *p, const size_t *rows, size_t n_rows,
                        const ms_fit_params *params, ms_linear *m)
{
    if (!p || !params || !m || !p->x || !p->y || p->dim < 1)
        return MS_ERR_ARG;
    size_t l = rows ? n_rows : p->n;
    if (l < 2 || !(params->c > 0) || !(params->weight_pos > 0) || !(params->weight_neg > 0) ||
        !isfinite(params->c) || !isfinite(params->weight_pos) || !isfinite(params->weight_neg))
        return MS_ERR_ARG;
    ms_status st = check_problem(p, rows, l);
    if (st != MS_OK)
        return st;
    m->w = NULL;
    m->dim = 0;
    m->rho = 0;
    m->prob_a = m->prob_b = 0;
    m->positive_first = 1;
    if (params->use_libsvm && (params->loss == MS_LOSS_LOGISTIC || p->w))
        return MS_ERR_ARG; /* libsvm's solver has class weights, not row weights */
    if (params->scale)
        return fit_scaled(p, rows, l, params, m);
    return fit_any(p, rows, l, params, m);
}

/* ----------------------------------------------------------- calibration */

/* libsvm's sigmoid_train (Platt 2000, as improved by Lin, Lin and Weng
 * 2007): Newton's method with backtracking on the regularised
 * cross-entropy with prior-corrected targets. Ported operation for
 * operation so it gives libsvm's A and B. */
ms_status ms_platt_fit(const double *dec, const int8_t *y, size_t n, double *a, double *b)
{
    if (!dec || !y || !a || !b || n == 0)
        return MS_ERR_ARG;
    double prior1 = 0, prior0 = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(dec[i]))
            return MS_ERR_ARG;
        if (y[i] > 0)
            prior1 += 1;
        else
            prior0 += 1;
    }
    const int max_iter = 100;     /* maximal number of iterations */
    const double min_step = 1e-10; /* minimal step taken in line search */
    const double sigma = 1e-12;   /* for numerically strict PD of Hessian */
    const double eps = 1e-5;
    double hi_target = (prior1 + 1.0) / (prior1 + 2.0);
    double lo_target = 1 / (prior0 + 2.0);
    double *t = malloc(n * sizeof *t);
    if (!t)
        return MS_ERR_NOMEM;
    double fApB, p, q, h11, h22, h21, g1, g2, det, dA, dB, gd, stepsize;
    double newA, newB, newf, d1, d2;
    double A = 0.0, B = log((prior0 + 1.0) / (prior1 + 1.0));
    double fval = 0.0;

    for (size_t i = 0; i < n; i++) {
        t[i] = y[i] > 0 ? hi_target : lo_target;
        fApB = dec[i] * A + B;
        if (fApB >= 0)
            fval += t[i] * fApB + log(1 + exp(-fApB));
        else
            fval += (t[i] - 1) * fApB + log(1 + exp(fApB));
    }
    for (int iter = 0; iter < max_iter; iter++) {
        /* gradient and Hessian (H' = H + sigma I) */
        h11 = sigma;
        h22 = sigma;
        h21 = 0.0;
        g1 = 0.0;
        g2 = 0.0;
        for (size_t i = 0; i < n; i++) {
            fApB = dec[i] * A + B;
            if (fApB >= 0) {
                p = exp(-fApB) / (1.0 + exp(-fApB));
                q = 1.0 / (1.0 + exp(-fApB));
            } else {
                p = 1.0 / (1.0 + exp(fApB));
                q = exp(fApB) / (1.0 + exp(fApB));
            }
            d2 = p * q;
            h11 += dec[i] * dec[i] * d2;
            h22 += d2;
            h21 += dec[i] * d2;
            d1 = t[i] - p;
            g1 += dec[i] * d1;
            g2 += d1;
        }
        if (fabs(g1) < eps && fabs(g2) < eps)
            break;

        /* Newton direction: -inv(H') * g */
        det = h11 * h22 - h21 * h21;
        dA = -(h22 * g1 - h21 * g2) / det;
        dB = -(-h21 * g1 + h11 * g2) / det;
        gd = g1 * dA + g2 * dB;

        stepsize = 1; /* line search */
        while (stepsize >= min_step) {
            newA = A + stepsize * dA;
            newB = B + stepsize * dB;
            newf = 0.0;
            for (size_t i = 0; i < n; i++) {
                fApB = dec[i] * newA + newB;
                if (fApB >= 0)
                    newf += t[i] * fApB + log(1 + exp(-fApB));
                else
                    newf += (t[i] - 1) * fApB + log(1 + exp(fApB));
            }
            if (newf < fval + 0.0001 * stepsize * gd) {
                A = newA;
                B = newB;
                fval = newf;
                break;
            }
            stepsize = stepsize / 2.0;
        }
        if (stepsize < min_step)
            break; /* line search failed: keep the last good point */
    }
    free(t);
    *a = A;
    *b = B;
    return MS_OK;
}

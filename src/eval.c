/* eval.c - a model measured on labelled data (`modscore eval`): each row
 * scored by the category's model alone, in the model's language, then ROC
 * and PR AUC, Brier, precision and recall at the policy's thresholds and
 * a reliability table (metrics.c). */
#include "adapt.h"
#include "metrics.h"
#include "modscore.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The report's figures for probabilities p against labels y[0, n), at
 * the thresholds policy gives category. */
static void fill_report(const double *p, const int8_t *y, size_t n, const ms_policy *policy,
                        const char *category, ms_eval_report *out)
{
    out->n = n;
    for (size_t i = 0; i < n; i++)
        out->positives += (size_t)y[i];
    /* a category the policy only flags is measured at its flag
     * threshold */
    ms_thresholds th;
    ms_policy_thresholds(policy, category, &th);
    out->threshold_review = th.review <= 1 ? th.review : th.flag;
    out->threshold_reject = th.reject <= 1 ? th.reject : out->threshold_review;
    ms_confusion c, cr;
    ms_roc_auc(p, y, n, &out->roc_auc);
    ms_average_precision(p, y, n, &out->pr_auc);
    ms_brier(p, y, n, &out->brier);
    ms_confusion_at(p, y, n, out->threshold_review, &c);
    ms_confusion_at(p, y, n, out->threshold_reject, &cr);
    out->precision = ms_precision(&c);
    out->recall = ms_recall(&c);
    out->f1 = ms_f1(&c);
    out->tp = c.tp, out->fp = c.fp, out->tn = c.tn, out->fn = c.fn;
    out->precision_reject = ms_precision(&cr);
    out->recall_reject = ms_recall(&cr);
    ms_reliability(p, y, n, out->bin_mean_pred, out->bin_frac_pos, out->bin_count);
}

ms_status ms_eval(const ms_models *models, ms_task task, const ms_policy *policy,
                  const ms_dataset *set, ms_eval_report *out, ms_error *err)
{
    ms_category c = task == MS_TASK_HOSTILITY ? MS_CAT_HOSTILITY : MS_CAT_OFF_TOPIC;
    return ms_eval_category(models, ms_category_name(c), policy, set, out, err);
}

ms_status ms_eval_category(const ms_models *models, const char *category,
                           const ms_policy *policy, const ms_dataset *set, ms_eval_report *out,
                           ms_error *err)
{
    memset(out, 0, sizeof *out);
    int ci = category ? ms_models_category_find(models, category) : -1;
    if (ci < 0)
        return ms_fail(err, MS_ERR_MODEL, "", 0, 0, "the %s model is not loaded",
                       category ? category : "(null)");
    ms_scorer *s;
    ms_status st = ms_scorer_new(models, policy, &s);
    if (st != MS_OK)
        return ms_fail(err, st, "", 0, 0, "%s", ms_strerror(st));
    /* labelled data for a model is taken to be in the model's language,
     * whatever CLD2 makes of a short row; the category under test is
     * scored whatever the policy's "categories" says (and alone) */
    ms_scorer_trust_declared(s, 1);
    st = ms_scorer_set_categories(s, &category, 1);
    double *p = malloc((set->n + 1) * sizeof *p);
    int8_t *y = malloc(set->n + 1);
    if (!p || !y)
        st = MS_ERR_NOMEM;
    ms_article scratch;
    for (size_t i = 0; st == MS_OK && i < set->n; i++) {
        ms_input in = ms_train_example_input(&set->items[i], &scratch);
        if (!in.language)
            in.language = ms_models_category_info(models, (size_t)ci)->language;
        ms_result r;
        st = ms_score(s, &in, &r);
        int has = st == MS_OK && (size_t)ci < r.n_scores && r.scores[ci].has_score;
        if (st == MS_OK && !has)
            st = ms_fail(err, MS_ERR_ARG, "", 0, 0, "example %zu has no %s score: %s", i + 1,
                         category,
                         (size_t)ci < r.n_scores && r.scores[ci].missing ? r.scores[ci].missing
                                                                        : "not scored");
        p[i] = has ? r.scores[ci].score : 0;
        y[i] = (int8_t)(set->items[i].label != 0);
        ms_result_clear(&r);
    }
    if (st == MS_OK) {
        fill_report(p, y, set->n, policy, category, out);
    } else if (st == MS_ERR_NOMEM) {
        ms_fail(err, st, "", 0, 0, "out of memory");
    }
    free(p);
    free(y);
    ms_scorer_free(s);
    return st;
}

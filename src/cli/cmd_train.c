/* cmd_train.c - `modscore train` and `modscore eval`: labelled data in (JSON
 * Lines or CSV), a model directory or a measurement out. The command
 * lines are parsed in train_args.c. */
#include "train_args.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char eval_usage[] =
    "Usage: modscore eval --model DIR --data FILE [OPTION]...\n"
    "Measure a model directory on labelled data: ROC AUC, PR AUC, precision, recall\n"
    "and F1 at the policy's thresholds, the confusion matrix and calibration.\n"
    "\n"
    "      --model DIR         a model directory (e.g. models/hostility)\n"
    "      --data FILE         JSON Lines or CSV, as for train; repeatable\n"
    "      --text-column C, --label-column C, --positive VALUE   as for train\n"
    "      --json              machine-readable output\n"
    "      --models DIR        where the lexicons and the default policy are\n"
    "      --policy FILE       thresholds to measure at\n"
    "      --threshold SPEC    override a threshold\n"
    "  -h, --help              show this help\n";

/* Reads every --data file into set; prints errors; returns an exit code. */
static int read_data(const char *const *files, int n, const ms_csv_options *csv, ms_dataset *set)
{
    for (int i = 0; i < n; i++) {
        char *data;
        size_t len;
        int rc = cli_read_file(files[i], (size_t)4 << 30, &data, &len);
        if (rc)
            return rc;
        ms_error err = {0};
        ms_status st = ms_dataset_read(data, len, MS_FORMAT_AUTO, csv,
                                       strcmp(files[i], "-") ? files[i] : "<stdin>", set, &err);
        free(data);
        if (st != MS_OK) {
            cli_error(&err);
            return cli_exit_code(st);
        }
    }
    return 0;
}

static void show_progress(void *ud, const ms_train_progress *p)
{
    (void)ud;
    if (!strcmp(p->stage, "cv"))
        fprintf(stderr, "\rmodscore: C=%-6g (grid %d/%d) fold %d/%d  %5.1fs elapsed", p->c,
                p->grid_point, p->grid_points, p->fold, p->folds, p->elapsed_s);
    else
        fprintf(stderr, "\rmodscore: %-10s %38s %5.1fs elapsed", p->stage, "", p->elapsed_s);
    if (p->remaining_s >= 0)
        fprintf(stderr, ", about %.0fs left ", p->remaining_s);
    fflush(stderr);
}

static size_t augmented(const ms_dataset *set)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++)
        n += set->items[i].train_only != 0;
    return n;
}

/* Leaves out the records of other categories and, adapting, settles the
 * texts decided both ways; says what it did. Returns an exit code. */
static int select_data(const train_args *a, ms_dataset *set)
{
    const char *category = a->o.category                     ? a->o.category
                           : a->o.task == MS_TASK_HOSTILITY ? "hostility"
                                                             : "off_topic";
    size_t dropped = 0, revised = 0;
    if (ms_dataset_select_category(set, category, &dropped) != MS_OK) {
        cli_errorf("out of memory");
        return EXIT_SOFTWARE;
    }
    if (dropped && !set->n) {
        cli_errorf("no records of %s in --data: its %zu records are of other categories "
                   "(decision log records without a category are hostility's)",
                   category, dropped);
        return EXIT_DATAERR;
    }
    if (dropped && !a->quiet)
        fprintf(stderr, "modscore: %zu records of other categories left out (--task %s reads "
                "records of %s, and decision log records without a category as hostility)\n",
                dropped, a->task, category);
    if (!a->base)
        return 0;
    ms_error err = {0};
    ms_status st = ms_dataset_settle(set, a->latest_wins, &revised, &err);
    if (st != MS_OK) {
        cli_error(&err);
        return cli_exit_code(st);
    }
    if (revised && !a->quiet)
        fprintf(stderr, "modscore: %zu texts decided again later: the latest decision kept\n",
                revised);
    return 0;
}

int cmd_train(int argc, char **argv)
{
    train_args a = {0};
    int rc = train_args_parse(argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = cli_check_models_dir(&a.common)))
        return rc;
    char lexicons[4096];
    snprintf(lexicons, sizeof lexicons, "%s/lexicons", cli_models_dir(&a.common));
    a.o.lexicon_dir = lexicons;
    if (!a.quiet && isatty(STDERR_FILENO))
        a.o.progress = show_progress;
    ms_dataset set = {0};
    rc = read_data(a.data.files, a.data.n_files, &a.data.csv, &set);
    for (int f = 0; !rc && f < a.data.n_augment; f++) {
        size_t before = set.n;
        rc = read_data(&a.data.augment[f], 1, &a.data.csv, &set);
        for (size_t i = before; i < set.n; i++) {
            set.items[i].train_only = 1;
            set.items[i].weight = a.data.augment_weight[f];
        }
    }
    if (!rc)
        rc = select_data(&a, &set);
    if (!rc) {
        if (!a.quiet)
            fprintf(stderr, "modscore: %s %s on %zu examples (%zu from --augment)\n",
                    a.base ? "adapting" : "training", a.task, set.n, augmented(&set));
        size_t max = a.o.max_decisions ? a.o.max_decisions : MS_ADAPT_MAX_DECISIONS;
        if (!a.quiet && a.base && set.n > max)
            fprintf(stderr, "modscore: the last %zu decisions read are used, the %zu before "
                    "them left out (--max-decisions)\n", max, set.n - max);
        ms_error err = {0};
        ms_status st = a.base ? ms_adapt(&set, &a.o, a.base, a.method, a.out, &err)
                            : ms_train(&set, &a.o, a.out, &err);
        if (a.o.progress)
            fputc('\n', stderr);
        if (st != MS_OK) {
            cli_error(&err);
            rc = cli_exit_code(st);
        } else if (!a.quiet) {
            fprintf(stderr, "modscore: wrote %s (see %s/card.json)\n", a.out, a.out);
        }
    }
    ms_dataset_clear(&set);
    return rc;
}

/* Why a ranking figure is undefined on r's examples, or NULL. */
static const char *undefined_why(const ms_eval_report *r)
{
    if (r->positives == 0)
        return "every example is negative";
    if (r->positives == r->n)
        return "every example is positive";
    return NULL;
}

static void print_eval(const ms_eval_report *r, const char *name, int json)
{
    const char *why = undefined_why(r);
    if (json) {
        /* ROC AUC and PR AUC rank positives against negatives: on one
         * class they are null, and "undefined" says why */
        char roc[32] = "null", pr[32] = "null";
        if (!why) {
            snprintf(roc, sizeof roc, "%.6f", r->roc_auc);
            snprintf(pr, sizeof pr, "%.6f", r->pr_auc);
        }
        printf("{\"model\":\"%s\",\"examples\":%zu,\"positives\":%zu,\"roc_auc\":%s,"
               "\"pr_auc\":%s,\"brier\":%.6f,\"review_threshold\":%.4f,"
               "\"precision\":%.6f,\"recall\":%.6f,\"f1\":%.6f,"
               "\"confusion\":{\"tp\":%zu,\"fp\":%zu,\"tn\":%zu,\"fn\":%zu},"
               "\"reject_threshold\":%.4f,\"precision_at_reject\":%.6f,"
               "\"recall_at_reject\":%.6f,\"reliability\":[",
               name, r->n, r->positives, roc, pr, r->brier, r->threshold_review,
               r->precision, r->recall, r->f1, r->tp, r->fp, r->tn, r->fn, r->threshold_reject,
               r->precision_reject, r->recall_reject);
        for (int i = 0; i < 10; i++)
            printf("%s{\"bin\":%d,\"count\":%zu,\"mean_predicted\":%.6f,\"fraction_positive\":%.6f}",
                   i ? "," : "", i, r->bin_count[i], r->bin_mean_pred[i], r->bin_frac_pos[i]);
        printf("]%s%s%s}\n", why ? ",\"undefined\":\"ROC AUC and PR AUC need both classes: " : "",
               why ? why : "", why ? "\"" : "");
        return;
    }
    printf("model       %s\n", name);
    printf("examples    %zu (%zu positive)\n", r->n, r->positives);
    if (why) {
        printf("ROC AUC     undefined: %s (it ranks positives against negatives: both\n"
               "            classes are needed)\n", why);
        printf("PR AUC      undefined: %s\n", why);
    } else {
        printf("ROC AUC     %.4f\n", r->roc_auc);
        printf("PR AUC      %.4f\n", r->pr_auc);
    }
    printf("Brier       %.4f\n", r->brier);
    printf("at review threshold %.2f: precision %.4f  recall %.4f  F1 %.4f\n",
           r->threshold_review, r->precision, r->recall, r->f1);
    printf("at reject threshold %.2f: precision %.4f  recall %.4f\n", r->threshold_reject,
           r->precision_reject, r->recall_reject);
    printf("confusion at review:  predicted+  predicted-\n");
    printf("  actual+             %10zu  %10zu\n", r->tp, r->fn);
    printf("  actual-             %10zu  %10zu\n", r->fp, r->tn);
    printf("calibration (predicted -> observed):\n");
    for (int i = 0; i < 10; i++)
        if (r->bin_count[i])
            printf("  %.1f-%.1f  n=%-6zu mean predicted %.3f  observed %.3f\n", i / 10.0,
                   (i + 1) / 10.0, r->bin_count[i], r->bin_mean_pred[i], r->bin_frac_pos[i]);
}

int cmd_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, NULL, OPT_MODEL},
        DATA_LONG_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    cli_common common = {0};
    data_args data = {0};
    const char *model = NULL;
    int json = 0, opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int c = cli_common_option(&common, opt, optarg);
        if (!c)
            c = data_option(&data, opt, optarg);
        if (c < 0)
            return EXIT_USAGE;
        if (c)
            continue;
        switch (opt) {
        case OPT_MODEL: model = optarg; break;
        case OPT_JSON: json = 1; break;
        case 'h': fputs(eval_usage, stdout); return 0;
        default: return cli_bad_option("eval", argv, longopts);
        }
    }
    if (!model || !data.n_files) {
        cli_errorf("eval needs --model and --data");
        fputs(eval_usage, stderr);
        return EXIT_USAGE;
    }
    /* the policy and lexicons come from the models directory */
    ms_policy *policy;
    int rc = cli_check_models_dir(&common);
    if (!rc)
        rc = cli_load_policy(&common, &policy);
    if (rc)
        return rc;
    char lexicons[4096];
    snprintf(lexicons, sizeof lexicons, "%s/lexicons", cli_models_dir(&common));
    ms_models *models = NULL;
    ms_category cat;
    ms_error err = {0};
    ms_status st = ms_models_load_single(lexicons, model, &models, &cat, &err);
    if (st != MS_OK) {
        cli_error(&err);
        ms_policy_free(policy);
        return cli_exit_code(st);
    }
    ms_dataset set = {0};
    rc = read_data(data.files, data.n_files, &data.csv, &set);
    if (!rc) {
        ms_eval_report r;
        /* the set has the one category the directory's card names */
        const ms_category_info *info = ms_models_category_info(models, 0);
        (void)cat;
        st = ms_eval_category(models, info->name, policy, &set, &r, &err);
        if (st != MS_OK) {
            cli_error(&err);
            rc = cli_exit_code(st);
        } else {
            print_eval(&r, info->version, json);
        }
    }
    ms_dataset_clear(&set);
    ms_models_free(models);
    ms_policy_free(policy);
    return rc;
}

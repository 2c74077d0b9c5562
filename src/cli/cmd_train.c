/* cmd_train.c - `modscore train` and `modscore eval`: labelled data in (JSON
 * Lines or CSV), a model directory or a measurement out. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char train_usage[] =
    "Usage: modscore train --task TASK --data FILE... --out DIR [OPTION]...\n"
    "Train a model on labelled comments and write it to DIR atomically (a failed run\n"
    "leaves a model already at DIR untouched).\n"
    "\n"
    "      --task TASK         hostility, off-topic, or a category name (insult,\n"
    "                          threat, a site's own...: hostility's features)\n"
    "      --perspective-attribute A  its Perspective attribute (default: known\n"
    "                          names' own, e.g. INSULT)\n"
    "      --group-window N    words within N tokens of a group name (women,\n"
    "                          jews, ...) as group-aimed features (default 0)\n"
    "      --data FILE         JSON Lines (text, label; or a modscore record with a\n"
    "                          moderator's decision) or CSV; repeatable, '-' is stdin\n"
    "      --out DIR           the model directory to write\n"
    "      --base DIR          adapt the model in DIR (e.g. models/hostility) to the\n"
    "                          decisions in --data instead of training from nothing:\n"
    "                          its features and idf, the strength chosen by\n"
    "                          cross-validation with DIR itself as a candidate\n"
    "      --adapt-method M    with --base: prior (default), feature, both or all;\n"
    "                          --c then lists the strengths (default\n"
    "                          0.1,0.3,1,3,10,30,100), --folds and --seed apply,\n"
    "                          the feature options do not (the base model's are used)\n"
    "      --text-column C     CSV text column (default: text)\n"
    "      --label-column C    CSV label column (default: label)\n"
    "      --positive VALUE    the label value meaning hostile / off-topic\n"
    "      --folds K           cross-validation folds (default 5)\n"
    "      --c LIST            C values to search, comma-separated (default\n"
    "                          0.3,1,2,3,5,10,30 for logistic, 0.03,0.1,0.3,1,3 for\n"
    "                          hinge); an ascending grid stops two points past the\n"
    "                          best cross-validated ROC AUC; each fold's fit starts\n"
    "                          from its solution at the previous C\n"
    "      --no-warm-start     start every fit from zero (to measure the saving)\n";
/* in two parts: C99 compilers need not take a literal over 4095 bytes */
static const char train_usage2[] =
    "      --seed N            random seed; the same seed and data give the same model\n"
    "      --solver S          dcd (default: dual coordinate descent, written as a\n"
    "                          libsvm model) or libsvm (libsvm's svm_train; slow)\n"
    "      --loss L            hinge (C-SVC) or logistic (logistic regression; dcd\n"
    "                          only); either way a libsvm linear model (default:\n"
    "                          hostility logistic, off-topic hinge)\n"
    "      --nb-scale B        weigh each n-gram by |r|^B, r its log ratio of\n"
    "                          document rates in the two classes (NB-SVM), computed\n"
    "                          within each fold; 0 is off (default: hostility 0.5,\n"
    "                          off-topic 0)\n"
    "      --char-weight W     char n-gram block against the word block (default 1)\n"
    "      --lexicon-weight W  dense lexicon features' scale (default: hostility\n"
    "                          0.15, off-topic 1)\n"
    "      --class-weight M    balanced (default) or none\n"
    "      --char-ngrams MIN,MAX   character n-gram lengths (default 2,5)\n"
    "      --word-ngrams N     word n-grams 1..N (default 2)\n"
    "      --min-df N          drop n-grams seen in fewer than N texts (default 2)\n"
    "      --hash-bits B       2^B hashed feature buckets (default 20)\n"
    "      --you-window N      words within N tokens of you/your/u/ur also count\n"
    "                          as aimed at someone, a feature of their own; 0 is\n"
    "                          off (default: hostility 4, off-topic 0)\n"
    "      --no-context        off-topic: the comment's words alone (a baseline)\n"
    "      --augment FILE      extra training examples that are never held out or\n"
    "                          scored in cross-validation (e.g. template sentences);\n"
    "                          repeatable\n"
    "      --models DIR        where the lexicons are (DIR/lexicons)\n"
    "  -j, --jobs N            cross-validation folds on N threads (default: the\n"
    "                          number of processors); each holds a copy of its\n"
    "                          fold's training rows; the model is the same\n"
    "  -q, --quiet             no progress on stderr\n"
    "  -h, --help              show this help\n";

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

enum {
    OPT_TASK = 1, OPT_DATA, OPT_OUT, OPT_TEXTCOL, OPT_LABELCOL, OPT_POSITIVE, OPT_FOLDS,
    OPT_C, OPT_SEED, OPT_SOLVER, OPT_MODEL, OPT_JSON, OPT_CHARS, OPT_WORDS, OPT_MINDF, OPT_BITS,
    OPT_NOCTX, OPT_AUGMENT, OPT_LOSS, OPT_NB, OPT_CHARW, OPT_LEXW, OPT_CLASSW,
    OPT_YOUW, OPT_COLD, OPT_BASE, OPT_AMETHOD, OPT_PATTR, OPT_GROUPW
};

/* "2,5" -> 2 and 5 */
static int parse_range(const char *s, int *lo, int *hi)
{
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (*end == ',')
        b = strtol(end + 1, &end, 10);
    if (*end || a < 1 || b < a || b > 8)
        return -1;
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

/* The labelled-data options train and eval share. */
typedef struct data_args {
    const char *files[64];
    int n_files;
    const char *augment[64];
    int n_augment;
    ms_csv_options csv;
} data_args;

#define DATA_LONG_OPTIONS                                                                          \
    {"data", required_argument, NULL, OPT_DATA},                                                   \
        {"text-column", required_argument, NULL, OPT_TEXTCOL},                                     \
        {"label-column", required_argument, NULL, OPT_LABELCOL},                                   \
        {"positive", required_argument, NULL, OPT_POSITIVE}

/* Handles --data, --augment and the CSV column options: 1 when opt was one
 * of them, -1 on an error (printed), 0 otherwise. */
static int data_option(data_args *d, int opt, const char *arg)
{
    const char **list = opt == OPT_DATA ? d->files : d->augment;
    int *n = opt == OPT_DATA ? &d->n_files : &d->n_augment;
    switch (opt) {
    case OPT_DATA:
    case OPT_AUGMENT:
        if (*n == 64) {
            cli_errorf("too many data files (64 at most)");
            return -1;
        }
        list[(*n)++] = arg;
        return 1;
    case OPT_TEXTCOL: d->csv.text_column = arg; return 1;
    case OPT_LABELCOL: d->csv.label_column = arg; return 1;
    case OPT_POSITIVE: d->csv.positive = arg; return 1;
    default: return 0;
    }
}

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

static int parse_c_list(const char *s, double *grid, size_t max, size_t *n)
{
    *n = 0;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || !(v > 0) || *n == max)
            return -1;
        grid[(*n)++] = v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return *n ? 0 : -1;
}

static int parse_adapt_method(const char *s, ms_adapt_method *m)
{
    static const char *const names[] = {"feature", "prior", "both", "all"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i])) {
            *m = (ms_adapt_method)(MS_ADAPT_FEATURE + i);
            return 0;
        }
    return -1;
}

int cmd_train(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"task", required_argument, NULL, OPT_TASK},
        {"out", required_argument, NULL, OPT_OUT},
        DATA_LONG_OPTIONS,
        {"folds", required_argument, NULL, OPT_FOLDS},
        {"c", required_argument, NULL, OPT_C},
        {"seed", required_argument, NULL, OPT_SEED},
        {"solver", required_argument, NULL, OPT_SOLVER},
        {"char-ngrams", required_argument, NULL, OPT_CHARS},
        {"word-ngrams", required_argument, NULL, OPT_WORDS},
        {"min-df", required_argument, NULL, OPT_MINDF},
        {"hash-bits", required_argument, NULL, OPT_BITS},
        {"no-context", no_argument, NULL, OPT_NOCTX},
        {"augment", required_argument, NULL, OPT_AUGMENT},
        {"loss", required_argument, NULL, OPT_LOSS},
        {"nb-scale", required_argument, NULL, OPT_NB},
        {"char-weight", required_argument, NULL, OPT_CHARW},
        {"lexicon-weight", required_argument, NULL, OPT_LEXW},
        {"class-weight", required_argument, NULL, OPT_CLASSW},
        {"you-window", required_argument, NULL, OPT_YOUW},
        {"no-warm-start", no_argument, NULL, OPT_COLD},
        {"base", required_argument, NULL, OPT_BASE},
        {"adapt-method", required_argument, NULL, OPT_AMETHOD},
        {"perspective-attribute", required_argument, NULL, OPT_PATTR},
        {"group-window", required_argument, NULL, OPT_GROUPW},
        {"quiet", no_argument, NULL, 'q'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    cli_common common = {0};
    data_args data = {0};
    int quiet = 0, opt;
    const char *out = NULL, *task = NULL, *base = NULL;
    ms_adapt_method method = MS_ADAPT_DEFAULT;
    ms_train_options o = {0};
    double grid[32];
    o.folds = 5;
    o.seed = 1;
    o.jobs = cli_processors(MS_TRAIN_JOBS_MAX);
    while ((opt = getopt_long(argc, argv, "qhj:", longopts, NULL)) != -1) {
        int c = cli_common_option(&common, opt, optarg);
        if (!c)
            c = data_option(&data, opt, optarg);
        if (c < 0)
            return EXIT_USAGE;
        if (c)
            continue;
        switch (opt) {
        case OPT_TASK: task = optarg; break;
        case OPT_PATTR: o.perspective_attribute = optarg; break;
        case OPT_GROUPW: {
            long v;
            if (cli_parse_long(optarg, 0, 16, &v) != 0) {
                cli_errorf("--group-window must be an integer from 0 to %d", 16);
                return EXIT_USAGE;
            }
            o.group_window = (int)v;
            break;
        }
        case OPT_OUT: out = optarg; break;
        case OPT_FOLDS:
            o.folds = atoi(optarg);
            if (o.folds < 2 || o.folds > 100) {
                cli_errorf("--folds must be between 2 and 100");
                return EXIT_USAGE;
            }
            break;
        case OPT_C:
            if (parse_c_list(optarg, grid, 32, &o.n_c)) {
                cli_errorf("--c wants positive numbers separated by commas, e.g. 0.1,0.3,1");
                return EXIT_USAGE;
            }
            o.c_grid = grid;
            break;
        case OPT_SEED: o.seed = strtoull(optarg, NULL, 10); break;
        case OPT_SOLVER:
            if (strcmp(optarg, "dcd") && strcmp(optarg, "libsvm")) {
                cli_errorf("--solver is dcd or libsvm");
                return EXIT_USAGE;
            }
            o.use_libsvm_solver = !strcmp(optarg, "libsvm");
            break;
        case OPT_CHARS:
            if (parse_range(optarg, &o.char_ngram_min, &o.char_ngram_max)) {
                cli_errorf("--char-ngrams wants MIN,MAX between 1 and 8, e.g. 2,5");
                return EXIT_USAGE;
            }
            break;
        case OPT_WORDS:
            o.word_ngram_max = atoi(optarg);
            if (o.word_ngram_max < 1 || o.word_ngram_max > 2) {
                cli_errorf("--word-ngrams is 1 or 2");
                return EXIT_USAGE;
            }
            break;
        case OPT_MINDF: o.min_df = atoi(optarg); break;
        case OPT_BITS:
            o.hash_bits = atoi(optarg);
            if (o.hash_bits < 8 || o.hash_bits > 26) {
                cli_errorf("--hash-bits is between 8 and 26");
                return EXIT_USAGE;
            }
            break;
        case OPT_YOUW: {
            long v;
            if (cli_parse_long(optarg, 0, 16, &v)) {
                cli_errorf("--you-window is between 0 (off) and 16");
                return EXIT_USAGE;
            }
            o.you_window = v ? (int)v : -1; /* the library spells off < 0 */
            break;
        }
        case OPT_NOCTX: o.no_context = 1; break;
        case OPT_COLD: o.no_warm_start = 1; break;
        case OPT_BASE: base = optarg; break;
        case OPT_AMETHOD:
            if (parse_adapt_method(optarg, &method)) {
                cli_errorf("--adapt-method is feature, prior, both or all");
                return EXIT_USAGE;
            }
            break;
        case OPT_LOSS:
            if (strcmp(optarg, "hinge") && strcmp(optarg, "logistic")) {
                cli_errorf("--loss is hinge or logistic");
                return EXIT_USAGE;
            }
            o.loss = !strcmp(optarg, "logistic") ? MS_LOSS_LOGISTIC : MS_LOSS_HINGE;
            break;
        case OPT_NB:
        case OPT_CHARW:
        case OPT_LEXW: {
            char *end;
            double v = strtod(optarg, &end);
            if (end == optarg || *end || !(v >= 0) || v > 100 || (opt != OPT_NB && v == 0)) {
                cli_errorf("--%s wants a number in %s100", opt == OPT_NB ? "nb-scale"
                           : opt == OPT_CHARW ? "char-weight" : "lexicon-weight",
                           opt == OPT_NB ? "[0, " : "(0, ");
                return EXIT_USAGE;
            }
            /* --nb-scale 0 is off, which the library spells < 0 (0 is "the default") */
            *(opt == OPT_NB ? &o.nb_scale : opt == OPT_CHARW ? &o.char_weight
                                                               : &o.lexicon_weight) = v;
            if (opt == OPT_NB && v == 0)
                o.nb_scale = -1;
            break;
        }
        case OPT_CLASSW:
            if (strcmp(optarg, "balanced") && strcmp(optarg, "none")) {
                cli_errorf("--class-weight is balanced or none");
                return EXIT_USAGE;
            }
            o.no_class_weight = !strcmp(optarg, "none");
            break;
        case 'q': quiet = 1; break;
        case 'j': {
            long v;
            if (cli_parse_long(optarg, 1, MS_TRAIN_JOBS_MAX, &v)) {
                cli_errorf("--jobs wants a number from 1 to %d, not '%s'", MS_TRAIN_JOBS_MAX,
                           optarg);
                return EXIT_USAGE;
            }
            o.jobs = (int)v;
            break;
        }
        case 'h': fputs(train_usage, stdout), fputs(train_usage2, stdout); return 0;
        default: fputs(train_usage, stderr), fputs(train_usage2, stderr); return EXIT_USAGE;
        }
    }
    if (!task || !data.n_files || !out) {
        cli_errorf("train needs --task, --data and --out");
        fputs(train_usage, stderr), fputs(train_usage2, stderr);
        return EXIT_USAGE;
    }
    if (base && data.n_augment) {
        cli_errorf("--augment cannot be used with --base (adapting sees only the decisions)");
        return EXIT_USAGE;
    }
    if (o.use_libsvm_solver && o.loss == MS_LOSS_LOGISTIC) {
        cli_errorf("--loss logistic needs --solver dcd (libsvm has no logistic loss)");
        return EXIT_USAGE;
    }
    if (!strcmp(task, "hostility")) {
        o.task = MS_TASK_HOSTILITY;
    } else if (!strcmp(task, "off-topic") || !strcmp(task, "off_topic")) {
        o.task = MS_TASK_OFF_TOPIC;
    } else {
        /* another category: hostility's features and settings, its own
         * labels and name */
        size_t n = strlen(task);
        int valid = n > 0 && n <= 64 && task[0] >= 'a' && task[0] <= 'z' &&
                    strcmp(task, "deny") != 0 && strcmp(task, "sentiment") != 0;
        for (size_t i = 0; valid && i < n; i++)
            valid = (task[i] >= 'a' && task[i] <= 'z') || (task[i] >= '0' && task[i] <= '9') ||
                    task[i] == '_';
        if (!valid) {
            cli_errorf("--task is hostility, off-topic or a category name (a-z, 0-9 and _, "
                       "starting with a letter; not deny or sentiment)");
            return EXIT_USAGE;
        }
        o.task = MS_TASK_HOSTILITY;
        o.category = task;
    }
    char lexicons[4096];
    snprintf(lexicons, sizeof lexicons, "%s/lexicons", cli_models_dir(&common));
    o.lexicon_dir = lexicons;
    if (!quiet && isatty(STDERR_FILENO))
        o.progress = show_progress;
    ms_dataset set = {0};
    int rc = read_data(data.files, data.n_files, &data.csv, &set);
    size_t n_main = set.n;
    if (!rc)
        rc = read_data(data.augment, data.n_augment, &data.csv, &set);
    for (size_t i = n_main; i < set.n; i++)
        set.items[i].train_only = 1;
    if (!rc) {
        if (!quiet)
            fprintf(stderr, "modscore: %s %s on %zu examples (%zu from --augment)\n",
                    base ? "adapting" : "training", task, set.n, set.n - n_main);
        ms_error err = {0};
        ms_status st = base ? ms_adapt(&set, &o, base, method, out, &err)
                            : ms_train(&set, &o, out, &err);
        if (o.progress)
            fputc('\n', stderr);
        if (st != MS_OK) {
            cli_error(&err);
            rc = cli_exit_code(st);
        } else if (!quiet) {
            fprintf(stderr, "modscore: wrote %s (see %s/card.json)\n", out, out);
        }
    }
    ms_dataset_clear(&set);
    return rc;
}

static void print_eval(const ms_eval_report *r, const char *name, int json)
{
    if (json) {
        printf("{\"model\":\"%s\",\"examples\":%zu,\"positives\":%zu,\"roc_auc\":%.6f,"
               "\"pr_auc\":%.6f,\"brier\":%.6f,\"review_threshold\":%.4f,"
               "\"precision\":%.6f,\"recall\":%.6f,\"f1\":%.6f,"
               "\"confusion\":{\"tp\":%zu,\"fp\":%zu,\"tn\":%zu,\"fn\":%zu},"
               "\"reject_threshold\":%.4f,\"precision_at_reject\":%.6f,"
               "\"recall_at_reject\":%.6f,\"reliability\":[",
               name, r->n, r->positives, r->roc_auc, r->pr_auc, r->brier, r->threshold_review,
               r->precision, r->recall, r->f1, r->tp, r->fp, r->tn, r->fn, r->threshold_reject,
               r->precision_reject, r->recall_reject);
        for (int i = 0; i < 10; i++)
            printf("%s{\"bin\":%d,\"count\":%zu,\"mean_predicted\":%.6f,\"fraction_positive\":%.6f}",
                   i ? "," : "", i, r->bin_count[i], r->bin_mean_pred[i], r->bin_frac_pos[i]);
        printf("]}\n");
        return;
    }
    printf("model       %s\n", name);
    printf("examples    %zu (%zu positive)\n", r->n, r->positives);
    printf("ROC AUC     %.4f\n", r->roc_auc);
    printf("PR AUC      %.4f\n", r->pr_auc);
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
        default: fputs(eval_usage, stderr); return EXIT_USAGE;
        }
    }
    if (!model || !data.n_files) {
        cli_errorf("eval needs --model and --data");
        fputs(eval_usage, stderr);
        return EXIT_USAGE;
    }
    /* the policy and lexicons come from the models directory */
    ms_policy *policy;
    int rc = cli_load_policy(&common, &policy);
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

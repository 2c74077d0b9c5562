/* train_args.c - `modscore train`'s command line: its options, their
 * checks and its help, apart from the run (cmd_train.c). */
#include "train_args.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    "      --intent N          the violent-intent features (a violent word after\n"
    "                          \"should\", \"i will\", \"hope someone\"..., aimed at a\n"
    "                          person), version N of their word lists: 1 (default\n"
    "                          0, off)\n"
    "      --group-terms M     identity terms (the lexicons' identity_terms.txt)\n"
    "                          as one placeholder: add (also count each word\n"
    "                          1-3-gram with the term replaced: \"<group> are\n"
    "                          vermin\"), replace (count terms only so) or off\n"
    "                          (default)\n"
    "      --group-scope M     with --group-terms, in a sentence naming a group:\n"
    "                          words after a negation or a verb of saying in\n"
    "                          their clause, or in quotes, marked (\"<group> are\n"
    "                          not vermin\"): add (also counted so), replace (only\n"
    "                          so) or off (default)\n"
    "      --data FILE         JSON Lines (text, label; or a modscore record with a\n"
    "                          moderator's decision) or CSV; repeatable, '-' is stdin\n"
    "      --out DIR           the model directory to write\n"
    "      --base DIR          adapt the model in DIR (e.g. models/hostility) to the\n"
    "                          decisions in --data instead of training from nothing:\n"
    "                          its features and idf, the strength chosen by\n"
    "                          cross-validation with DIR itself as a candidate\n"
    "      --latest-wins       with --base: of a text's disagreeing decisions keep\n"
    "                          the latest (always so within serve --feedback logs)\n"
    "      --max-decisions N   with --base: use the last N decisions read, the\n"
    "                          latest (default 100000; 'all'); older ones are left out\n"
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
    "      --char-source S     where char n-grams come from: words (default: the\n"
    "                          folded words) or chunks (the text split at spaces,\n"
    "                          lower-cased, punctuation and emoji kept) or both\n"
    "      --word-ngrams N     word n-grams 1..N (default 2)\n"
    "      --min-df N          drop n-grams seen in fewer than N texts (default 2)\n"
    "      --hash-bits B       2^B hashed feature buckets (default 20)\n"
    "      --you-window N      words within N tokens of you/your/u/ur also count\n"
    "                          as aimed at someone, a feature of their own; 0 is\n"
    "                          off (default: hostility 4, off-topic 0)\n"
    "      --no-context        off-topic: the comment's words alone (a baseline)\n"
    "      --language L        the language the card names (default en)\n"
    "      --lexicon-block B   all (default: the lexicons', which are English),\n"
    "                          style (only capitals, '!' and disguised words: any\n"
    "                          language), list (style and the language's own\n"
    "                          profanity list, lexicons/LANG/profanity.txt) or none\n"
    "      --fold RULES        fold rules the language adds, comma-separated:\n"
    "                          umlaut_e (ä -> ae), dotless_i (Turkish I/İ),\n"
    "                          arabic (tatweel, alef maksura, teh marbuta),\n"
    "                          devanagari (keeps its vowel signs), roman_vowels\n"
    "                          (romanised Hindi: aa -> a, ee -> i, oo -> u),\n"
    "                          enye (Spanish ñ kept apart from n)\n"
    "      --augment FILE      extra training examples that are never held out or\n"
    "                          scored in cross-validation (e.g. template sentences);\n"
    "                          repeatable\n"
    "      --augment-weight W  the rows of the --augment files named after it weigh\n"
    "                          W in the fit (a multiplier of their C, and of their\n"
    "                          counts in the NB weights; default 1)\n"
    "      --models DIR        where the lexicons are (DIR/lexicons)\n"
    "  -j, --jobs N            cross-validation folds on N threads (default: the\n"
    "                          number of processors); each holds a copy of its\n"
    "                          fold's training rows; the model is the same\n"
    "  -q, --quiet             no progress on stderr\n"
    "  -h, --help              show this help\n";

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

/* arg, a number in (0, 100] (or [0, 100] where zero_ok), into *v: 1, or
 * -1 with the error said (opt names the option); *v is left alone then. */
static int parse_weight(const char *arg, const char *opt, int zero_ok, double *v)
{
    char *end;
    double x = strtod(arg, &end);
    if (end == arg || *end || !(x >= 0) || x > 100 || (!zero_ok && x == 0)) {
        cli_errorf("%s wants a number in %s100]", opt, zero_ok ? "[0, " : "(0, ");
        return -1;
    }
    *v = x;
    return 1;
}

/* Handles --data, --augment, --augment-weight and the CSV column options: 1 when opt was one
 * of them, -1 on an error (printed), 0 otherwise. */
int data_option(data_args *d, int opt, const char *arg)
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
        if (opt == OPT_AUGMENT)
            d->augment_weight[*n] = d->weight > 0 ? d->weight : 1.0;
        list[(*n)++] = arg;
        return 1;
    case OPT_AUGW:
        return parse_weight(arg, "--augment-weight", 0, &d->weight);
    case OPT_TEXTCOL: d->csv.text_column = arg; return 1;
    case OPT_LABELCOL: d->csv.label_column = arg; return 1;
    case OPT_POSITIVE: d->csv.positive = arg; return 1;
    default: return 0;
    }
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

/* The solver's options: 1 when opt was one of them, -1 on a bad value
 * (printed), 0 otherwise. */
static int solver_option(ms_train_options *o, double *grid, int opt, const char *arg)
{
    switch (opt) {
    case OPT_FOLDS:
        o->folds = atoi(arg);
        if (o->folds < 2 || o->folds > 100) {
            cli_errorf("--folds must be between 2 and 100");
            return -1;
        }
        return 1;
    case OPT_C:
        if (parse_c_list(arg, grid, 32, &o->n_c)) {
            cli_errorf("--c wants positive numbers separated by commas, e.g. 0.1,0.3,1");
            return -1;
        }
        o->c_grid = grid;
        return 1;
    case OPT_SEED: o->seed = strtoull(arg, NULL, 10); return 1;
    case OPT_SOLVER:
        if (strcmp(arg, "dcd") && strcmp(arg, "libsvm")) {
            cli_errorf("--solver is dcd or libsvm");
            return -1;
        }
        o->use_libsvm_solver = !strcmp(arg, "libsvm");
        return 1;
    case OPT_LOSS:
        if (strcmp(arg, "hinge") && strcmp(arg, "logistic")) {
            cli_errorf("--loss is hinge or logistic");
            return -1;
        }
        o->loss = !strcmp(arg, "logistic") ? MS_LOSS_LOGISTIC : MS_LOSS_HINGE;
        return 1;
    case OPT_NB:
        if (parse_weight(arg, "--nb-scale", 1, &o->nb_scale) < 0)
            return -1;
        /* --nb-scale 0 is off, which the library spells < 0 (0 is "the default") */
        if (o->nb_scale == 0)
            o->nb_scale = -1;
        return 1;
    case OPT_CHARW:
        return parse_weight(arg, "--char-weight", 0, &o->char_weight);
    case OPT_LEXW:
        return parse_weight(arg, "--lexicon-weight", 0, &o->lexicon_weight);
    case OPT_CLASSW:
        if (strcmp(arg, "balanced") && strcmp(arg, "none")) {
            cli_errorf("--class-weight is balanced or none");
            return -1;
        }
        o->no_class_weight = !strcmp(arg, "none");
        return 1;
    case OPT_COLD: o->no_warm_start = 1; return 1;
    default: return 0;
    }
}

/* The feature options, as solver_option. */

/* An off / add / replace setting (--group-terms, --group-scope: their
 * MS_GROUP_TERMS_* and MS_GROUP_SCOPE_* values are 0, 1 and 2) into *mode:
 * 1, or -1 with the error said. */
_Static_assert(MS_GROUP_TERMS_ADD == 1 && MS_GROUP_TERMS_REPLACE == 2 &&
                   MS_GROUP_SCOPE_ADD == 1 && MS_GROUP_SCOPE_REPLACE == 2,
               "add_replace's values");
static int add_replace(const char *arg, const char *opt, int *mode)
{
    static const char *const names[] = {"off", "add", "replace"};
    for (int k = 0; k < 3; k++)
        if (!strcmp(arg, names[k])) {
            *mode = k;
            return 1;
        }
    cli_errorf("%s is add, replace or off", opt);
    return -1;
}
static int feature_option(ms_train_options *o, int opt, const char *arg)
{
    switch (opt) {
    case OPT_CHARS:
        if (parse_range(arg, &o->char_ngram_min, &o->char_ngram_max)) {
            cli_errorf("--char-ngrams wants MIN,MAX between 1 and 8, e.g. 2,5");
            return -1;
        }
        return 1;
    case OPT_WORDS:
        o->word_ngram_max = atoi(arg);
        if (o->word_ngram_max < 1 || o->word_ngram_max > 2) {
            cli_errorf("--word-ngrams is 1 or 2");
            return -1;
        }
        return 1;
    case OPT_MINDF: o->min_df = atoi(arg); return 1;
    case OPT_BITS:
        o->hash_bits = atoi(arg);
        if (o->hash_bits < 8 || o->hash_bits > 26) {
            cli_errorf("--hash-bits is between 8 and 26");
            return -1;
        }
        return 1;
    case OPT_YOUW: {
        long v;
        if (cli_parse_long(arg, 0, 16, &v)) {
            cli_errorf("--you-window is between 0 (off) and 16");
            return -1;
        }
        o->you_window = v ? (int)v : -1; /* the library spells off < 0 */
        return 1;
    }
    case OPT_GROUPW: {
        long v;
        if (cli_parse_long(arg, 0, 16, &v) != 0) {
            cli_errorf("--group-window must be an integer from 0 to %d", 16);
            return -1;
        }
        o->group_window = (int)v;
        return 1;
    }
    case OPT_INTENT: {
        long v;
        if (cli_parse_long(arg, 0, 1, &v) != 0) {
            cli_errorf("--intent must be 0 (off) or 1, the version of its word lists");
            return -1;
        }
        o->intent = (int)v;
        return 1;
    }
    case OPT_GROUPS:
        return add_replace(arg, "--group-scope", &o->group_scope);
    case OPT_GROUPT:
        return add_replace(arg, "--group-terms", &o->group_terms);
    case OPT_NOCTX: o->no_context = 1; return 1;
    case OPT_CHARSRC:
        if (strcmp(arg, "words") == 0)
            o->char_chunks = 0;
        else if (strcmp(arg, "chunks") == 0)
            o->char_chunks = MS_CHAR_SOURCE_CHUNKS;
        else if (strcmp(arg, "both") == 0)
            o->char_chunks = MS_CHAR_SOURCE_BOTH;
        else {
            cli_errorf("--char-source must be words, chunks or both");
            return -1;
        }
        return 1;
    case OPT_LANG: o->language = arg; return 1;
    case OPT_FOLD: o->fold = arg; return 1;
    case OPT_LEXB:
        if (strcmp(arg, "all") == 0)
            o->lexicon_block = MS_LEXICON_BLOCK_DEFAULT;
        else if (strcmp(arg, "style") == 0)
            o->lexicon_block = MS_LEXICON_BLOCK_STYLE;
        else if (strcmp(arg, "none") == 0)
            o->lexicon_block = MS_LEXICON_BLOCK_NONE;
        else if (strcmp(arg, "list") == 0)
            o->lexicon_block = MS_LEXICON_BLOCK_LIST;
        else {
            cli_errorf("--lexicon-block is all, style, list or none");
            return -1;
        }
        return 1;
    default: return 0;
    }
}

/* The task, output and run options, as solver_option. */
static int run_option(train_args *a, int opt, const char *arg)
{
    switch (opt) {
    case OPT_TASK: a->task = arg; return 1;
    case OPT_PATTR: a->o.perspective_attribute = arg; return 1;
    case OPT_OUT: a->out = arg; return 1;
    case OPT_BASE: a->base = arg; return 1;
    case OPT_AMETHOD:
        if (parse_adapt_method(arg, &a->method)) {
            cli_errorf("--adapt-method is feature, prior, both or all");
            return -1;
        }
        return 1;
    case OPT_LATEST: a->latest_wins = 1; return 1;
    case OPT_MAXDEC: {
        long v;
        if (strcmp(arg, "all") == 0) {
            a->o.max_decisions = SIZE_MAX;
        } else if (cli_parse_long(arg, 20, LONG_MAX, &v)) {
            cli_errorf("--max-decisions is a number of at least 20, or all");
            return -1;
        } else {
            a->o.max_decisions = (size_t)v;
        }
        return 1;
    }
    case 'q': a->quiet = 1; return 1;
    case 'j': {
        long v;
        if (cli_parse_long(arg, 1, MS_TRAIN_JOBS_MAX, &v)) {
            cli_errorf("--jobs wants a number from 1 to %d, not '%s'", MS_TRAIN_JOBS_MAX,
                       arg);
            return -1;
        }
        a->o.jobs = (int)v;
        return 1;
    }
    default: return 0;
    }
}

/* What is needed and what goes together, and the task: -1 when the run
 * should go on, else the exit code (the error printed). */
static int check_args(train_args *a)
{
    if (!a->task || !a->data.n_files || !a->out) {
        cli_errorf("train needs --task, --data and --out");
        fputs(train_usage, stderr), fputs(train_usage2, stderr);
        return EXIT_USAGE;
    }
    if (!a->base && a->o.max_decisions) {
        cli_errorf("--max-decisions goes with --base");
        return EXIT_USAGE;
    }
    if (a->data.weight > 0 && a->o.use_libsvm_solver) {
        cli_errorf("--augment-weight needs --solver dcd (libsvm's has class weights only)");
        return EXIT_USAGE;
    }
    if (a->base && a->data.n_augment) {
        cli_errorf("--augment cannot be used with --base (adapting sees only the decisions)");
        return EXIT_USAGE;
    }
    if (a->o.use_libsvm_solver && a->o.loss == MS_LOSS_LOGISTIC) {
        cli_errorf("--loss logistic needs --solver dcd (libsvm has no logistic loss)");
        return EXIT_USAGE;
    }
    if (!strcmp(a->task, "hostility")) {
        a->o.task = MS_TASK_HOSTILITY;
    } else if (!strcmp(a->task, "off-topic") || !strcmp(a->task, "off_topic")) {
        a->o.task = MS_TASK_OFF_TOPIC;
    } else {
        /* another category: hostility's features and settings, its own
         * labels and name */
        size_t n = strlen(a->task);
        int valid = n > 0 && n <= 64 && a->task[0] >= 'a' && a->task[0] <= 'z' &&
                    strcmp(a->task, "deny") != 0 && strcmp(a->task, "sentiment") != 0;
        for (size_t i = 0; valid && i < n; i++)
            valid = (a->task[i] >= 'a' && a->task[i] <= 'z') ||
                    (a->task[i] >= '0' && a->task[i] <= '9') || a->task[i] == '_';
        if (!valid) {
            cli_errorf("--task is hostility, off-topic or a category name (a-z, 0-9 and _, "
                       "starting with a letter; not deny or sentiment)");
            return EXIT_USAGE;
        }
        a->o.task = MS_TASK_HOSTILITY;
        a->o.category = a->task;
    }
    return -1;
}

int train_args_parse(int argc, char **argv, train_args *a)
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
        {"char-source", required_argument, NULL, OPT_CHARSRC},
        {"augment", required_argument, NULL, OPT_AUGMENT},
        {"augment-weight", required_argument, NULL, OPT_AUGW},
        {"loss", required_argument, NULL, OPT_LOSS},
        {"nb-scale", required_argument, NULL, OPT_NB},
        {"char-weight", required_argument, NULL, OPT_CHARW},
        {"lexicon-weight", required_argument, NULL, OPT_LEXW},
        {"class-weight", required_argument, NULL, OPT_CLASSW},
        {"you-window", required_argument, NULL, OPT_YOUW},
        {"no-warm-start", no_argument, NULL, OPT_COLD},
        {"base", required_argument, NULL, OPT_BASE},
        {"adapt-method", required_argument, NULL, OPT_AMETHOD},
        {"latest-wins", no_argument, NULL, OPT_LATEST},
        {"max-decisions", required_argument, NULL, OPT_MAXDEC},
        {"perspective-attribute", required_argument, NULL, OPT_PATTR},
        {"group-window", required_argument, NULL, OPT_GROUPW},
        {"intent", required_argument, NULL, OPT_INTENT},
        {"group-terms", required_argument, NULL, OPT_GROUPT},
        {"group-scope", required_argument, NULL, OPT_GROUPS},
        {"language", required_argument, NULL, OPT_LANG},
        {"lexicon-block", required_argument, NULL, OPT_LEXB},
        {"fold", required_argument, NULL, OPT_FOLD},
        {"quiet", no_argument, NULL, 'q'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    int opt;
    a->method = MS_ADAPT_DEFAULT;
    a->o.folds = 5;
    a->o.seed = 1;
    a->o.jobs = cli_processors(MS_TRAIN_JOBS_MAX);
    while ((opt = getopt_long(argc, argv, "qhj:", longopts, NULL)) != -1) {
        int c = cli_common_option(&a->common, opt, optarg);
        if (!c)
            c = data_option(&a->data, opt, optarg);
        if (!c)
            c = solver_option(&a->o, a->grid, opt, optarg);
        if (!c)
            c = feature_option(&a->o, opt, optarg);
        if (!c)
            c = run_option(a, opt, optarg);
        if (c < 0)
            return EXIT_USAGE;
        if (c)
            continue;
        if (opt == 'h') {
            fputs(train_usage, stdout), fputs(train_usage2, stdout);
            return 0;
        }
        return cli_bad_option("train", argv, longopts);
    }
    return check_args(a);
}

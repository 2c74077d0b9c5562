/* train_args.h - `modscore train`'s command line (train_args.c) apart from
 * its run (cmd_train.c), and the labelled-data options train and eval
 * share. */
#ifndef MS_TRAIN_ARGS_H
#define MS_TRAIN_ARGS_H

#include "cli.h"

#include <getopt.h>

enum {
    OPT_TASK = 1, OPT_DATA, OPT_OUT, OPT_TEXTCOL, OPT_LABELCOL, OPT_POSITIVE, OPT_FOLDS,
    OPT_C, OPT_SEED, OPT_SOLVER, OPT_MODEL, OPT_JSON, OPT_CHARS, OPT_WORDS, OPT_MINDF, OPT_BITS,
    OPT_NOCTX, OPT_CHARSRC, OPT_AUGMENT, OPT_LOSS, OPT_NB, OPT_CHARW, OPT_LEXW, OPT_CLASSW,
    OPT_YOUW, OPT_COLD, OPT_BASE, OPT_AMETHOD, OPT_PATTR, OPT_GROUPW, OPT_LATEST, OPT_MAXDEC, OPT_LANG,
    OPT_LEXB, OPT_FOLD, OPT_INTENT, OPT_GROUPT, OPT_GROUPS, OPT_AUGW
};

/* The labelled-data options train and eval share. */
typedef struct data_args {
    const char *files[64];
    int n_files;
    const char *augment[64];
    double augment_weight[64]; /* each --augment file's rows' weight in the fit */
    int n_augment;
    double weight;             /* --augment-weight: for the --augment files after it
                                  (0: 1) */
    ms_csv_options csv;
} data_args;

#define DATA_LONG_OPTIONS                                                                          \
    {"data", required_argument, NULL, OPT_DATA},                                                   \
        {"text-column", required_argument, NULL, OPT_TEXTCOL},                                     \
        {"label-column", required_argument, NULL, OPT_LABELCOL},                                   \
        {"positive", required_argument, NULL, OPT_POSITIVE}


/* Handles --data, --augment and the CSV column options: 1 when opt was one
 * of them, -1 on an error (printed), 0 otherwise. */
int data_option(data_args *d, int opt, const char *arg);

/* Everything `modscore train` was asked to do. */
typedef struct train_args {
    cli_common common;
    data_args data;
    int quiet;
    int latest_wins; /* --latest-wins: the later of two disagreeing decisions */
    const char *out, *task, *base;
    ms_adapt_method method;
    ms_train_options o; /* o.c_grid points into grid */
    double grid[32];
} train_args;

/* Parses train's command line into *a (errors and --help printed):
 * returns -1 when the run should go on, else the exit code. */
int train_args_parse(int argc, char **argv, train_args *a);

#endif

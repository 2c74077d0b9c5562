/* cli.h - what the subcommands of the modscore tool share. The CLI parses
 * arguments, prints and exits; everything else is the library's. */
#ifndef MS_CLI_H
#define MS_CLI_H

#include "modscore.h"

#include <stdio.h>

/* Exit codes (sysexits.h): check's verdicts are 0, 1 and 2. */
enum {
    EXIT_PUBLISH = 0,
    EXIT_REVIEW = 1,
    EXIT_REJECT = 2,
    EXIT_USAGE = 64,
    EXIT_DATAERR = 65,
    EXIT_NOINPUT = 66,
    EXIT_SOFTWARE = 70,
    EXIT_CANTCREAT = 73,
    EXIT_IOERR = 74
};

/* The exit code that fits a library status. */
int cli_exit_code(ms_status st);

/* Prints "modscore: FILE:LINE:COL: message" (the parts that are known). */
void cli_error(const ms_error *err);
/* Prints "modscore: " and a formatted message. */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Options shared by score, check, eval and serve. */
typedef struct cli_common {
    const char *models_dir; /* NULL: found next to the executable */
    const char *policy_path;
    const char *thresholds[16];
    int n_thresholds;
    unsigned load_flags;    /* MS_LOAD_*, for ms_models_load_flags */
} cli_common;

/* Handles --models, --policy and --threshold; returns 1 when opt was one
 * of them (0 otherwise, -1 on a bad value). */
int cli_common_option(cli_common *c, int opt, const char *arg);
#define CLI_OPT_MODELS 1000
#define CLI_OPT_POLICY 1001
#define CLI_OPT_THRESHOLD 1002
#define CLI_COMMON_LONG_OPTIONS                                                                    \
    {"models", required_argument, NULL, CLI_OPT_MODELS},                                           \
        {"policy", required_argument, NULL, CLI_OPT_POLICY},                                       \
        {"threshold", required_argument, NULL, CLI_OPT_THRESHOLD}

/* The models directory: --models, $MODSCORE_MODELS, beside the executable
 * (../share/modscore/models, ../models), or the installed default. */
const char *cli_models_dir(const cli_common *c);

/* Checks that the models directory is a model set (a directory holding
 * lexicons/ and the model directories), not missing and not one model's
 * directory; prints what was expected and returns an exit code (66), or 0. */
int cli_check_models_dir(const cli_common *c);

struct option;
/* After getopt_long (which printed what was wrong) returned '?' for argv:
 * prints "did you mean --NAME?" when an unknown long option is close to
 * one of longopts, and one line pointing to `modscore CMD --help`.
 * Returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, char **argv, const struct option *longopts);

/* --categories LIST (comma-separated category names) onto scorer: only
 * those are scored and mapped (ms_scorer_set_categories). NULL list: all.
 * Prints what is wrong and returns an exit code (64 for a name no loaded
 * model has), or 0. */
int cli_set_categories(ms_scorer *scorer, const ms_models *models, const char *list);

/* After ms_score failed with st: says why, naming a model that could not
 * be mapped (its path and message) when that was the cause. Returns the
 * exit code. what names the comment ("comment 7"), or NULL. */
int cli_score_failed(const ms_models *models, ms_status st, const char *what);

/* Loads the policy alone (as cli_load does). */
int cli_load_policy(const cli_common *c, ms_policy **policy);

/* Loads models and the policy (--policy, else DIR/policy.json, else the
 * default) with the --threshold overrides applied. Prints the error and
 * returns an exit code on failure, 0 on success. */
int cli_load(const cli_common *c, ms_models **models, ms_policy **policy);

/* Reads a whole file ("-" is stdin) into *data (NUL-terminated, free
 * with free()); prints the error and returns an exit code on failure. */
int cli_read_file(const char *path, size_t max, char **data, size_t *len);

/* Reads a whole input file ("-" is stdin) and parses a discussion from
 * it; prints the error and returns an exit code on failure. */
int cli_read_discussion(const char *path, ms_format format, ms_discussion **out);

/* Builds the ms_input for comment i of d (article and parent as context). */
ms_input cli_comment_input(const ms_discussion *d, size_t i);

/* "auto", "json", "jsonl", "page" -> *out; -1 when unknown. */
int cli_parse_format(const char *s, ms_format *out);

/* A whole decimal integer in [lo, hi] -> *out; -1 (nothing printed) when
 * s is not one. */
int cli_parse_long(const char *s, long lo, long hi, long *out);

/* The processors online, at least 1 and at most max: the default --jobs. */
int cli_processors(int max);

/* Tunes the C library's allocator for a process that scores many comments:
 * heap pages are kept instead of given back after every comment. Call
 * first thing in main. */
void cli_malloc_tune(void);

int cmd_score(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_compile(int argc, char **argv);

#endif

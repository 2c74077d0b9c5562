/* common.c - model and policy loading, errors and exit codes for the CLI. */
#define _GNU_SOURCE
#include "cli.h"

#include <malloc.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_exit_code(ms_status st)
{
    switch (st) {
    case MS_OK: return 0;
    case MS_ERR_ARG: return EXIT_USAGE;
    case MS_ERR_PARSE: case MS_ERR_LIMIT: case MS_ERR_POLICY: return EXIT_DATAERR;
    case MS_ERR_NOT_FOUND: case MS_ERR_MODEL: return EXIT_NOINPUT;
    case MS_ERR_IO: return EXIT_IOERR;
    case MS_ERR_CANT_CREATE: return EXIT_CANTCREAT;
    default: return EXIT_SOFTWARE;
    }
}

void cli_error(const ms_error *err)
{
    fputs("modscore: ", stderr);
    if (err->source[0]) {
        fputs(err->source, stderr);
        if (err->line > 0)
            fprintf(stderr, ":%ld", err->line);
        if (err->column > 0)
            fprintf(stderr, ":%ld", err->column);
        fputs(": ", stderr);
    }
    fprintf(stderr, "%s\n", err->message[0] ? err->message : ms_strerror(err->code));
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("modscore: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_common_option(cli_common *c, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_MODELS: c->models_dir = arg; return 1;
    case CLI_OPT_POLICY: c->policy_path = arg; return 1;
    case CLI_OPT_THRESHOLD:
        if (c->n_thresholds == (int)(sizeof c->thresholds / sizeof *c->thresholds)) {
            cli_errorf("too many --threshold options");
            return -1;
        }
        c->thresholds[c->n_thresholds++] = arg;
        return 1;
    default: return 0;
    }
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *cli_models_dir(const cli_common *c)
{
    static char found[PATH_MAX + 64];
    if (c->models_dir)
        return c->models_dir;
    const char *env = getenv("MODSCORE_MODELS");
    if (env && *env)
        return env;
    char exe[PATH_MAX / 2];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        const char *rel[] = {"../share/modscore/models", "../models"};
        for (size_t i = 0; i < 2; i++) {
            snprintf(found, sizeof found, "%s/%s/hostility", exe, rel[i]);
            if (is_dir(found)) {
                snprintf(found, sizeof found, "%s/%s", exe, rel[i]);
                return found;
            }
        }
    }
    return is_dir(MS_DEFAULT_MODELS) ? MS_DEFAULT_MODELS : MS_SOURCE_MODELS;
}

int cli_check_models_dir(const cli_common *c)
{
    const char *dir = cli_models_dir(c);
    char path[PATH_MAX];
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_errorf("%s: %s: expected the model set, a directory holding lexicons/ and one "
                   "directory per model (e.g. hostility/)",
                   dir, stat(dir, &sb) != 0 ? strerror(errno) : "not a directory");
        return EXIT_NOINPUT;
    }
    snprintf(path, sizeof path, "%s/card.json", dir);
    if (access(path, F_OK) == 0) {
        cli_errorf("%s is one model's directory (it holds card.json): --models wants the set "
                   "that holds it (%s/..), a directory holding lexicons/ and the models",
                   dir, dir);
        return EXIT_NOINPUT;
    }
    snprintf(path, sizeof path, "%s/lexicons", dir);
    if (!is_dir(path)) {
        cli_errorf("%s has no lexicons/: expected the model set, a directory holding lexicons/ "
                   "and one directory per model (e.g. hostility/)",
                   dir);
        return EXIT_NOINPUT;
    }
    return 0;
}

/* Levenshtein distance of a[0..n) and b, stopping at 3 ("far"). */
static size_t edit_distance(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b), row[64], prev;
    if (n >= 63 || m >= 63)
        return 3;
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cur = row[j];
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[m] < 3 ? row[m] : 3;
}

int cli_bad_option(const char *cmd, char **argv, const struct option *longopts)
{
    const char *arg = optind > 0 ? argv[optind - 1] : NULL;
    if (optopt == 0 && arg && !strncmp(arg, "--", 2)) {
        size_t n = strcspn(arg + 2, "=");
        const char *best = NULL;
        size_t best_d = n > 3 ? 3 : 2; /* short names: one edit at most */
        for (const struct option *o = longopts; o->name; o++) {
            size_t d = edit_distance(arg + 2, n, o->name);
            if (d < best_d)
                best = o->name, best_d = d;
        }
        if (best)
            fprintf(stderr, "modscore: did you mean --%s?\n", best);
    }
    fprintf(stderr, "Try 'modscore %s --help' for the options.\n", cmd);
    return EXIT_USAGE;
}

int cli_load_policy(const cli_common *c, ms_policy **policy)
{
    ms_error err = {0};
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/policy.json", cli_models_dir(c));
    ms_status st;
    if (c->policy_path)
        st = ms_policy_load(c->policy_path, policy, &err);
    else if (access(path, R_OK) == 0)
        st = ms_policy_load(path, policy, &err);
    else
        st = ms_policy_default(policy);
    for (int i = 0; st == MS_OK && i < c->n_thresholds; i++)
        st = ms_policy_override(*policy, c->thresholds[i], &err);
    if (st != MS_OK) {
        if (err.code == MS_OK)
            err.code = st;
        cli_error(&err);
        ms_policy_free(*policy);
        *policy = NULL;
        return cli_exit_code(st);
    }
    return 0;
}

int cli_load(const cli_common *c, ms_models **models, ms_policy **policy)
{
    ms_error err = {0};
    *models = NULL;
    *policy = NULL;
    int rc = cli_check_models_dir(c);
    if (!rc)
        rc = cli_load_policy(c, policy);
    if (rc)
        return rc;
    ms_status st = ms_models_load_flags(cli_models_dir(c), c->load_flags, models, &err);
    if (st != MS_OK) {
        cli_error(&err);
        ms_policy_free(*policy);
        *policy = NULL;
        return cli_exit_code(st);
    }
    /* categories are data: a threshold for one no model scores is a typo
     * or a model that is missing, and does nothing */
    const char *name;
    for (size_t i = 0; (name = ms_policy_unknown_category(*policy, *models, i)); i++)
        cli_errorf("warning: the policy names \"%s\" (thresholds, categories or "
                   "perspective_includes), but no model in %s scores it",
                   name, cli_models_dir(c));
    const char *cat;
    for (size_t i = 0; (name = ms_policy_stray_kind(*policy, *models, i, &cat)); i++)
        cli_errorf("warning: the policy's perspective_includes lists \"%s\" for \"%s\", whose "
                   "Perspective answer never reads it (see the card's perspective_includes)",
                   name, cat);
    return 0;
}

int cli_read_file(const char *path, size_t max, char **data, size_t *len)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    *data = NULL;
    *len = 0;
    if (!f) {
        cli_errorf("%s: %s", path, strerror(errno));
        return errno == ENOENT || errno == EACCES ? EXIT_NOINPUT : EXIT_IOERR;
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int rc = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 131072;
            char *p = realloc(buf, cap);
            if (!p) {
                cli_errorf("%s: out of memory", path);
                rc = EXIT_SOFTWARE;
                break;
            }
            buf = p;
        }
        size_t got = fread(buf + n, 1, 65536, f);
        n += got;
        if (n > max) {
            cli_errorf("%s: larger than the %zu-byte limit (MS_MAX_DOCUMENT_BYTES)",
                       is_stdin ? "<stdin>" : path, max);
            rc = EXIT_DATAERR;
            break;
        }
        if (got < 65536) {
            if (ferror(f)) {
                cli_errorf("%s: read error: %s", path, strerror(errno));
                rc = EXIT_IOERR;
            }
            break;
        }
    }
    if (!is_stdin)
        fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int cli_read_discussion(const char *path, ms_format format, ms_discussion **out)
{
    ms_error err = {0};
    char *data;
    size_t len;
    int rc = cli_read_file(path, MS_MAX_DOCUMENT_BYTES, &data, &len);
    if (rc)
        return rc;
    ms_status st =
        ms_discussion_parse(data, len, format, strcmp(path, "-") ? path : "<stdin>", out, &err);
    free(data);
    if (st != MS_OK) {
        cli_error(&err);
        return cli_exit_code(st);
    }
    return 0;
}

ms_input cli_comment_input(const ms_discussion *d, size_t i)
{
    const ms_comment *c = &d->comments[i];
    const ms_comment *parent = ms_discussion_parent(d, i);
    ms_input in = {c->text, c->text_len, c->article, c->parent_text, 0, c->notes, c->author,
                   c->language};
    if (!in.parent_text && parent)
        in.parent_text = parent->text;
    if (in.parent_text)
        in.parent_len = parent && in.parent_text == parent->text ? parent->text_len
                                                                  : strlen(in.parent_text);
    return in;
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_processors(int max)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > max ? max : (int)n;
}

/* Scoring a comment frees a scratch buffer at the top of the heap (CLD2's
 * language detection above all), and glibc gives heap memory back once
 * 128 KiB are free there: the next comment faulted the pages in again, 1.5
 * brk calls and 1.2 page faults a comment (a quarter of scoring's time,
 * all in the kernel). 64 MiB of free heap is kept instead. */
void cli_malloc_tune(void) { mallopt(M_TRIM_THRESHOLD, 64 << 20); }

int cli_set_categories(ms_scorer *scorer, const ms_models *models, const char *list)
{
    if (!list)
        return 0;
    char buf[1024];
    const char *names[MS_MAX_CATEGORIES];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *p = buf, *e; p && *p; p = e) {
        e = strchr(p, ',');
        if (e)
            *e++ = '\0';
        if (!*p)
            continue;
        if (n == MS_MAX_CATEGORIES) {
            cli_errorf("--categories: more than %d names", MS_MAX_CATEGORIES);
            return EXIT_USAGE;
        }
        names[n++] = p;
    }
    if (!n) {
        cli_errorf("--categories wants one or more category names, comma-separated");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < n; i++)
        if (ms_models_category_find(models, names[i]) < 0) {
            cli_errorf("--categories: no loaded model is of the category '%s' (see modscore "
                       "--version)",
                       names[i]);
            return EXIT_USAGE;
        }
    return ms_scorer_set_categories(scorer, names, n) == MS_OK ? 0 : EXIT_SOFTWARE;
}

int cli_score_failed(const ms_models *models, ms_status st, const char *what)
{
    for (size_t i = 0; i < ms_models_category_count(models); i++) {
        const ms_error *e = ms_models_map_error(models, i);
        if (e && e->code == st) {
            cli_error(e);
            return cli_exit_code(st);
        }
    }
    if (what)
        cli_errorf("scoring %s failed: %s", what, ms_strerror(st));
    else
        cli_errorf("scoring failed: %s", ms_strerror(st));
    return cli_exit_code(st);
}

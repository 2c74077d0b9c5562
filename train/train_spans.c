/* train_spans.c - trains the reason-spans model (models/spans; src/spans.h)
 * on posts with marked spans, or dumps their token features for other
 * learners (bench/spans.sh). Part of the recipe in train/build.sh.
 *
 * Usage: train_spans --models DIR --data FILE.jsonl... --out DIR
 *                    [--seed N] [--c LIST] [--hash-bits B] [--quiet]
 *        train_spans --models DIR --data FILE.jsonl --dump SVM META
 * FILE.jsonl: {"text":..., "spans":[[start,end],...]}, byte offsets. The
 * hostility model of DIR gives each token's contribution (the card records
 * its version). */
#include "modscore.h"
#include "spans.h"
#include "spans_train.h"
#include "card.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: train_spans --models DIR --data FILE.jsonl... --out DIR [--seed N] [--c LIST]\n"
    "                   [--hash-bits B] [--quiet]\n"
    "       train_spans --models DIR --data FILE.jsonl --dump SVM META\n";

/* The trainer's progress lines, on stderr. */
static void say(void *ud, const char *line)
{
    (void)ud;
    fprintf(stderr, "%s\n", line);
}

static int fail(const ms_error *err, ms_status st)
{
    fprintf(stderr, "train_spans: %s%s%s\n", err->source, err->source[0] ? ": " : "",
            err->message[0] ? err->message : ms_strerror(st));
    return st == MS_ERR_NOT_FOUND ? 66 : st == MS_ERR_PARSE ? 65 : 70;
}

int main(int argc, char **argv)
{
    const char *models_dir = NULL, *out = NULL, *dump_svm = NULL, *dump_meta = NULL;
    const char *data[64];
    int n_data = 0;
    double grid[16];
    ms_spans_options opt = {0};
    opt.seed = 1;
    opt.progress = say;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            opt.quiet = 1;
            continue;
        }
        if (!v)
            goto bad;
        i++;
        if (!strcmp(a, "--models"))
            models_dir = v;
        else if (!strcmp(a, "--data") && n_data < 64)
            data[n_data++] = v;
        else if (!strcmp(a, "--out"))
            out = v;
        else if (!strcmp(a, "--seed"))
            opt.seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--hash-bits"))
            opt.hash_bits = atoi(v);
        else if (!strcmp(a, "--c")) {
            for (const char *s = v; *s && opt.n_c < 16;) {
                char *end;
                grid[opt.n_c++] = strtod(s, &end);
                s = *end == ',' ? end + 1 : end;
                if (end == s && *s)
                    goto bad;
            }
            opt.c_grid = grid;
        } else if (!strcmp(a, "--dump") && i + 1 < argc) {
            dump_svm = v;
            dump_meta = argv[++i];
        } else
            goto bad;
    }
    if (!models_dir || !n_data || (!out == !dump_svm))
        goto bad;
    ms_error err = {0};
    ms_models *models = NULL;
    ms_policy *policy = NULL;
    ms_scorer *sc = NULL;
    ms_spans_set set = {0};
    ms_status st = ms_models_load(models_dir, &models, &err);
    if (st == MS_OK)
        st = ms_policy_default(&policy);
    if (st == MS_OK)
        st = ms_scorer_new(models, policy, &sc);
    for (int i = 0; st == MS_OK && i < n_data; i++) {
        char *text;
        size_t len;
        st = ms_read_file(data[i], (size_t)1 << 31, &text, &len, &err);
        if (st == MS_OK) {
            st = ms_spans_set_read(text, len, data[i], &set, &err);
            free(text);
        }
    }
    ms_buf lex = {0};
    if (st == MS_OK) {
        /* the lexicons the scorer's models were loaded with */
        if (dump_svm)
            st = ms_spans_dump(sc, ms_models_lexicon(models), &set, opt.hash_bits, dump_svm,
                               dump_meta, &err);
        else
            st = ms_spans_train(sc, ms_models_lexicon(models), &set, &opt, out, &err);
    }
    int rc = st == MS_OK ? 0 : fail(&err, st);
    ms_buf_free(&lex);
    ms_spans_set_clear(&set);
    ms_scorer_free(sc);
    ms_policy_free(policy);
    ms_models_free(models);
    return rc;
bad:
    fputs(usage, stderr);
    return 64;
}

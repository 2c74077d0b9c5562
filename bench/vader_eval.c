/* vader_eval.c - scores VADER's human-rated sentences with ms_vader_compound.
 *
 * usage: vader_eval LEXICON_DIR FILE...
 *
 * Each FILE is a vader-ratings *_GroundTruth.txt (id<TAB>mean<TAB>text,
 * CRLF or LF line ends, final newline optional). Writes one line per
 * sentence to stdout: file<TAB>id<TAB>mean<TAB>compound (%.17g), for
 * bench/vader_ratings.py to correlate. Exit 0, or 1 on any error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment.h"
#include "util.h"

static int eval_file(const ms_lexicon *lx, const char *path)
{
    char *data;
    size_t len;
    ms_error err;
    if (ms_read_file(path, MS_MAX_DOCUMENT_BYTES, &data, &len, &err) != MS_OK) {
        fprintf(stderr, "vader_eval: %s: %s\n", err.source, err.message);
        return 1;
    }
    long lineno = 0;
    int rc = 0;
    char *p = data, *end = data + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        lineno++;
        if (le > p && le[-1] == '\r')
            le--;
        char *t1 = memchr(p, '\t', (size_t)(le - p));
        char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(le - t1 - 1)) : NULL;
        double mean;
        if (le == p) {
            /* blank line */
        } else if (!t2 || ms_parse_double(t1 + 1, (size_t)(t2 - t1 - 1), &mean) != 0) {
            fprintf(stderr, "vader_eval: %s:%ld: expected id<TAB>mean<TAB>text\n", path, lineno);
            rc = 1;
            break;
        } else {
            const char *text = t2 + 1;
            double c = ms_vader_compound(lx, text, (size_t)(le - text));
            printf("%s\t%.*s\t%.17g\t%.17g\n", path, (int)(t1 - p), p, mean, c);
        }
        p = nl ? nl + 1 : end;
    }
    free(data);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: vader_eval LEXICON_DIR FILE...\n");
        return 2;
    }
    ms_lexicon *lx;
    ms_error err;
    if (ms_lexicon_load(argv[1], &lx, &err) != MS_OK) {
        fprintf(stderr, "vader_eval: %s:%ld: %s\n", err.source, err.line, err.message);
        return 1;
    }
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++)
        rc = eval_file(lx, argv[i]);
    ms_lexicon_free(lx);
    if (fflush(stdout) != 0)
        rc = 1;
    return rc;
}

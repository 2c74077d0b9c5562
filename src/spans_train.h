/* spans_train.h - training the spans model (spans.h) on posts with the
 * byte spans people marked, and dumping its token rows for other learners.
 * It asks the scorer for hostility contributions (scorer.h). */
#ifndef MS_SPANS_TRAIN_H
#define MS_SPANS_TRAIN_H

#include "lexicon.h"
#include "modscore.h"

#include <stdint.h>

/* A post with its marked byte spans [spans[2k], spans[2k+1]). */
typedef struct ms_spans_post {
    char *text;
    size_t len;
    uint32_t *spans;
    size_t n_spans;
} ms_spans_post;

typedef struct ms_spans_set {
    ms_spans_post *items;
    size_t n, cap;
} ms_spans_set;

/* Reads JSON Lines {"text":..., "spans":[[start,end],...]} (byte offsets
 * into text, UTF-8) and appends them to *set. */
ms_status ms_spans_set_read(const char *data, size_t len, const char *source, ms_spans_set *set,
                            ms_error *err);
void ms_spans_set_clear(ms_spans_set *set);

typedef struct ms_spans_options {
    int hash_bits;        /* 0: 18 */
    const double *c_grid; /* NULL: 0.03, 0.1, 0.3, 1 */
    size_t n_c;
    double dev_share;     /* share of posts held out to choose C and the
                             threshold (0: 0.2) */
    uint64_t seed;
    int quiet;
    /* Called with each line of progress ("spans: C=0.1: dev byte F1 ...",
     * no newline) unless quiet; NULL: none. The library prints nothing. */
    void (*progress)(void *ud, const char *line);
    void *progress_ud;
} ms_spans_options;

/* Trains a spans model on set and writes it to out_dir atomically. scorer
 * gives the hostility contributions (its models' hostility model; the card
 * records its version). */
ms_status ms_spans_train(ms_scorer *scorer, const ms_lexicon *lx, const ms_spans_set *set,
                         const ms_spans_options *opt, const char *out_dir, ms_error *err);

/* Writes every token of set in svmlight format (label 1 when marked) to
 * svm_path and its post index, byte span and its word's contribution to the
 * hostility decision value to meta_path ("post start end contribution" per
 * line), for measuring other learners on the same features. */
ms_status ms_spans_dump(ms_scorer *scorer, const ms_lexicon *lx, const ms_spans_set *set,
                        int hash_bits, const char *svm_path, const char *meta_path,
                        ms_error *err);

#endif

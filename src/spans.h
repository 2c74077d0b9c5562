/* spans.h - the "spans" module: which words of a comment a moderator would
 * mark as the reason it is toxic. A token-level linear libsvm model (its
 * own directory, models/spans/: model.svm and card.json, a card with no
 * "category" key: it is not a scoring category) decides for each token,
 * from its folded form, its neighbours, lexicon membership and its
 * contribution w_j*x_j to the comment's hostility score, whether it is part
 * of a reason; runs of marked tokens become one multi-word span ("go back
 * to where you came from"). Trained on SemEval-2021 Task 5's annotated
 * spans (train/build.sh); measured by bench/spans.sh.
 *
 * The scorer calls it only for comments that need reasons (a flag, or
 * reasons asked for every comment). Its trainer is spans_train.h. */
#ifndef MS_SPANS_H
#define MS_SPANS_H

#include "featurize.h"
#include "lexicon.h"
#include "modscore.h"
#include "normalise.h"

#include <stdint.h>

typedef struct ms_spans_model ms_spans_model;

/* Loads a spans model directory (card.json, model.svm; the card's hash of
 * model.svm is checked). OUT: *out, free with ms_spans_free. A directory
 * without card.json is MS_ERR_NOT_FOUND (the model is optional). */
ms_status ms_spans_load(const char *dir, ms_spans_model **out, ms_error *err);
void ms_spans_free(ms_spans_model *m);

/* Writes dir/model.bin, the mapped form of a spans model, from its
 * model.svm (checked against the card's hash), atomically. */
ms_status ms_spans_compile(const char *dir, ms_error *err);
/* The card's "version". */
const char *ms_spans_version(const ms_spans_model *m);

/* One reason span: tokens [first, last] of the comment, byte span
 * [start, end) of the original text. */
typedef struct ms_span {
    uint32_t start, end;
    uint32_t first, last;
    double p;      /* the highest token probability in it */
    double weight; /* sum of its tokens' contributions to the score */
} ms_span;

/* One thread's buffers for finding spans (reused; no allocation once warm). */
typedef struct ms_spans_work ms_spans_work;
ms_status ms_spans_work_new(ms_spans_work **out);
void ms_spans_work_free(ms_spans_work *w);

/* The reason spans among the tokens t of a comment, contrib[i] being token
 * i's contribution to the hostility decision value (ms_features_attribute).
 * text is the comment (the tokens' spans index it: a run of marked
 * tokens never crosses the end of a sentence). OUT: *spans, *n (the
 * work's, valid until its next call), in text order. */
ms_status ms_spans_find(const ms_spans_model *m, ms_spans_work *w, const ms_lexicon *lx,
                        const char *text, const ms_tokens *t, const double *contrib, const ms_span **spans,
                        size_t *n);

#endif

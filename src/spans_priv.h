/* spans_priv.h - what the span finder (spans.c) and its trainer
 * (spans_train.c) share: the token features, the decoding of token
 * probabilities into spans and the compiled model file. Internal. */
#ifndef MS_SPANS_PRIV_H
#define MS_SPANS_PRIV_H

#include "model.h"
#include "spans.h"

#include <stdint.h>

#define SPANS_FORMAT 1
#define DEFAULT_BITS 18
#define MAX_KEYS 48 /* hashed features of one token, at most */

/* Dense features after the hashed block (index (1 << bits) + 1 + k). */
enum { D_CONTRIB, D_TERM, D_PREV, D_NEXT, D_COUNT };

struct ms_spans_model {
    ms_linear *lin;
    void *map;       /* model.bin, when lin->w points into it */
    size_t map_len;
    int bits;
    double threshold, gate, fill, rescue;
    char *version;
};

/* What the features of a token look at, per token. */
typedef struct tok_info {
    double contrib, term; /* own contribution; summed over its repeats */
    int8_t cbin, tbin;
    int8_t afinn, vader;  /* rounded valence, 0 when unlisted */
    uint8_t prof, ins, you;
    int8_t dist;          /* tokens to the sentence's strongest word (signed,
                             clipped to +-4) */
    int8_t sbin;          /* that word's contribution, binned */
} tok_info;

typedef struct term_ref {
    const char *s;
    uint32_t n, i;
} term_ref;

struct ms_spans_work {
    tok_info *info;
    size_t info_cap;
    term_ref *refs;
    size_t refs_cap;
    double *p, *term;
    size_t p_cap;
    uint32_t *start, *end;
    size_t se_cap;
    ms_span *spans;
    size_t n_spans, spans_cap;
};

typedef struct keyset {
    int32_t idx[MAX_KEYS + D_COUNT];
    double val[MAX_KEYS + D_COUNT];
    size_t n;
    uint32_t mask;
    int32_t dense_base;
} keyset;

/* A word is named when nothing else is (decode_params.rescue) only when it
 * pushes the hostility decision value up (the old reasons' floor): never
 * a word that pulls the score down. */
#define RESCUE_MIN_CONTRIB 0.05

/* How token probabilities become spans. */
typedef struct decode_params {
    double threshold; /* a token is marked at p >= threshold */
    double gate;      /* nothing is marked in a comment whose tokens all
                         have p < gate */
    double fill;      /* an unmarked token between two marked ones in the
                         same sentence joins them at p >= fill */
    double rescue;    /* when no token is marked, the likeliest one is at
                         p >= rescue: nearly every comment people flag has
                         words they mark */
} decode_params;

/* Fills w->info for the tokens t of one comment. */
ms_status sp_token_info(ms_spans_work *w, const ms_lexicon *lx, const char *text,
                        const ms_tokens *t, const double *contrib);
/* The hashed and dense feature keys of token i. OUT: *k. */
void sp_token_keys(const ms_tokens *t, const tok_info *info, size_t i, keyset *k);
/* Sorts k's keys by index, adding the values of repeated ones. */
void sp_keys_sorted(keyset *k);
/* An empty key set for a model of 2^bits buckets. OUT: *k. */
void sp_keyset_init(keyset *k, int bits);
/* The weight vector's length for 2^bits buckets. */
int32_t sp_model_dim(int bits);
/* Token probabilities p of one comment into spans (w->spans). */
ms_status sp_decode(ms_spans_work *w, const char *text, const uint32_t *start,
                    const uint32_t *end, const double *p, const double *term, size_t n,
                    const decode_params *dp, const tok_info *info);
/* Writes model.bin, the mapped form of lin. */
ms_status sp_write_bin(const char *path, const ms_linear *lin, int bits, uint64_t svm_hash,
                       ms_error *err);

#endif

/* featurize.h - the "features" module: a comment (and its context) as a sparse feature vector:
 * hashed word 1-2-grams and character n-grams, sublinear TF-IDF with the
 * model's idf, L2-normalised per block, then dense lexicon features and
 * (off-topic model) context features. Knows nothing of files or output. */
#ifndef MS_FEATURIZE_H
#define MS_FEATURIZE_H

#include "lexicon.h"
#include "modscore.h"

#include <stdint.h>

/* Feature settings; written to and read from a model's card. */
typedef struct ms_feature_config {
    int hash_bits;      /* hashed buckets = 1 << hash_bits (default 20) */
    int word_ngram_max; /* word n-grams 1..word_ngram_max (default 2) */
    int char_ngram_min; /* character n-grams inside words (default 2) */
    int char_ngram_max; /* (default 5) */
    int min_df;         /* buckets seen in fewer training texts are dropped */
    int lexicon;        /* 1: append the dense lexicon block */
    int context;        /* 1: append the dense context block (off-topic) */
} ms_feature_config;

void ms_feature_config_default(ms_feature_config *cfg, ms_task task);

/* Index layout (libsvm indices, 1-based, ascending):
 *   1 .. 2^hash_bits               hashed n-grams (TF-IDF)
 *   2^hash_bits + 1 + k            dense feature k (MS_DENSE_*) */
enum {
    MS_DENSE_AFINN_NEG = 0,   /* sum of negative AFINN scores / 5, squashed */
    MS_DENSE_AFINN_POS,
    MS_DENSE_VADER_NEG,       /* share of tokens with negative VADER valence */
    MS_DENSE_VADER_COMPOUND,  /* VADER compound of the whole text */
    MS_DENSE_PROFANE,         /* profanity-list hits, squashed */
    MS_DENSE_INSULT,          /* insult-list hits, squashed */
    MS_DENSE_YOU_ARE,         /* "you are a ...", "you're so ...", "your ... is stupid" */
    MS_DENSE_SECOND_PERSON,   /* share of you/your/u/ur tokens */
    MS_DENSE_CAPS,            /* share of letters in capitals */
    MS_DENSE_EXCLAIM,         /* '!' count, squashed */
    MS_DENSE_OBFUSCATED,      /* tokens that needed folding (sh1t, f*ck) */
    MS_DENSE_LEXICON_COUNT,
    /* context block, off-topic model only */
    MS_DENSE_COS_ARTICLE = MS_DENSE_LEXICON_COUNT, /* TF-IDF cosine to the article */
    MS_DENSE_COS_PARENT,      /* TF-IDF cosine to the parent comment */
    MS_DENSE_SHARE_IN_ARTICLE,/* share of content words found in the article */
    MS_DENSE_NAMED_OVERLAP,   /* capitalised words and numbers shared */
    MS_DENSE_LENGTH,          /* log length, squashed */
    MS_DENSE_LINKS,           /* URLs */
    MS_DENSE_LINKBAIT,        /* "watch here", "check out my", "click" */
    MS_DENSE_HAS_PARENT,
    MS_DENSE_COUNT
};

/* Inverse document frequencies per hashed bucket (0 = dropped bucket). */
typedef struct ms_idf {
    float *idf;   /* 1 << bits entries, index = bucket (0-based) */
    int bits;
    uint64_t n_docs;
} ms_idf;

/* A sparse vector; idx 1-based and strictly ascending. */
typedef struct ms_fvec {
    int32_t *idx;
    double *val;
    size_t n;
    size_t cap;
} ms_fvec;

void ms_fvec_free(ms_fvec *v);

/* Where a hashed feature came from, for reasons: feature idx got `share`
 * of its value from the original-text span [start, end). */
typedef struct ms_provenance {
    int32_t idx;
    uint32_t start, end;
    float share;
} ms_provenance;

/* One thread's feature extractor: owns reusable buffers, so building a
 * vector does not allocate once warmed up. Borrows cfg and lexicon. */
typedef struct ms_featurizer ms_featurizer;
ms_status ms_featurizer_new(const ms_feature_config *cfg, const ms_lexicon *lx,
                            ms_featurizer **out);
void ms_featurizer_free(ms_featurizer *f);

/* The distinct hashed buckets (0-based) of a text, for counting document
 * frequencies at training time. The array is the featurizer's; valid until
 * its next call. */
ms_status ms_features_buckets(ms_featurizer *f, const char *text, size_t len,
                              const uint32_t **buckets, size_t *n);

/* The full vector for one input. OUT: *out (reused; grows as needed). When
 * prov is not NULL it receives the provenance of each hashed feature
 * (reused likewise). notes receives MS_NOTE_* about the text. */
ms_status ms_features_build(ms_featurizer *f, const ms_idf *idf, const ms_input *in,
                            ms_fvec *out, ms_provenance **prov, size_t *n_prov,
                            size_t *prov_cap, unsigned *notes);

/* Builds an idf table from document frequencies: idf = ln((1+N)/(1+df))+1
 * for buckets with df >= min_df, else 0. OUT: idf->idf (free with free()). */
ms_status ms_idf_from_df(const uint32_t *df, int bits, uint64_t n_docs, int min_df,
                         ms_idf *idf);

/* Reads/writes an idf table file (binary, versioned, checksummed). */
ms_status ms_idf_write(const ms_idf *idf, const char *path, ms_error *err);
ms_status ms_idf_read(const char *path, ms_idf *idf, ms_error *err);

#endif

/* featurize.h - the "features" module: a comment (and its context) as a sparse feature vector:
 * hashed word 1-2-grams and character n-grams, sublinear TF-IDF with the
 * model's idf, L2-normalised per block, then dense lexicon features and
 * (off-topic model) context features. Knows nothing of files or output. */
#ifndef MS_FEATURIZE_H
#define MS_FEATURIZE_H

#include "idf.h"
#include "lexicon.h"
#include "normalise.h"
#include "pack.h"
#include "modscore.h"

#include <stdint.h>

/* Feature settings; written to and read from a model's card. */
typedef struct ms_feature_config {
    int hash_bits;      /* hashed buckets = 1 << hash_bits (default 20) */
    int word_ngram_max; /* word n-grams 1..word_ngram_max (default 2) */
    int char_ngram_min; /* character n-grams inside words (default 2) */
    int char_ngram_max; /* (default 5) */
    int min_df;         /* buckets seen in fewer training texts are dropped */
    int lexicon;        /* 1: append the dense lexicon block; MS_LEXICON_STYLE:
                           the block with only the features that hold in any
                           language (capitals, '!', disguised words), for a
                           model of a language the English lexicons do not
                           describe */
    int context;        /* 1: append the dense context block (off-topic) */
    double char_weight; /* the char block's L2 norm, the word block's being 1
                           (default 1; card "char_weight", absent = 1) */
    int you_window;     /* words at most this many tokens from a second-person
                           word (you, your, u, ur, ...) also count as "aimed"
                           unigrams, a second hashed copy in the word block:
                           an insult is aimed at someone (hostility 4, off-topic
                           0 = off; card "you_window", absent = 0) */
    int group_window;   /* words at most this many tokens from a word naming an
                           identity group (women, muslims, jews, immigrants, ...:
                           the groups of the identity-bias test set) also count
                           as "group-aimed", a third hashed copy: hate is aimed
                           at a group (identity_attack 4; card "group_window",
                           absent = 0 = off) */
    int group_terms;    /* identity terms (the lexicons' identity_terms.txt:
                           "women", "muslims", "native americans", ...) as one
                           placeholder: MS_GROUP_TERMS_ADD also counts every
                           word 1-3-gram holding one with the term replaced
                           ("<group> are vermin", "all <group> should"), so
                           what is learnt of one group holds for every group;
                           MS_GROUP_TERMS_REPLACE counts the term only so (its
                           own word and character n-grams left out). Card
                           "group_terms", absent = 0 = off; a card that sets it
                           names the list's hash ("group_terms_hash") */
    unsigned fold;      /* MS_FOLD_* rules a language adds to the folding
                           (card "fold": a list of rule names; absent = none) */
    int intent;         /* the violent-intent block (featurize_intent.c) and
                           the version of its built-in word lists: 0 off, 1
                           (card "intent", absent = 0); English only */
    int group_scope;    /* scope-marked words beside the identity terms
                           (featurize_scope.c; needs group_terms): in a
                           sentence naming a group, each word and placeholder
                           after a negation ("not", "dont", "never") or a
                           verb of saying ("say", "claims", "calling") up to
                           the clause's end, or inside double quotes, counted
                           marked by its scope ("<group> are not parasites",
                           "stop saying <group> are ..."): MS_GROUP_SCOPE_ADD
                           also so, MS_GROUP_SCOPE_REPLACE only so (card
                           "group_scope", absent = 0 = off; a card naming a
                           value this build does not know is refused); the
                           cue lists are compiled in, and a changed list is a
                           new value. English only */
    int char_chunks;    /* where the char block's n-grams come from: 0 the
                           folded words (default); MS_CHAR_SOURCE_CHUNKS the
                           text's whitespace-separated chunks, case-folded
                           (NFKC), their punctuation, emoji and symbols kept,
                           n-grams of code points (scikit-learn's char_wb
                           analyser; featurize_chunks.c); MS_CHAR_SOURCE_BOTH
                           both, the chunks' n-grams hashed apart. Card
                           "char_chunks", absent = 0; a newer value is refused */
} ms_feature_config;

/* The newest version of the violent-intent block's word lists; a card
 * naming a newer one is refused (its model weighs lists this build lacks). */
#define MS_INTENT_VERSION 1

#define MS_YOU_WINDOW_MAX 16
/* The newest char_chunks rule this build knows (MS_CHAR_SOURCE_*). */
#define MS_CHAR_CHUNKS_VERSION MS_CHAR_SOURCE_BOTH
#define MS_LEXICON_STYLE 2
/* The style block and a language's own profanity list (MS_DENSE_PROFANE,
 * from the featurizer's list: ms_featurizer_set_list), nothing English:
 * card "lexicon": 3, the list models/lexicons/LANG/profanity.txt whose
 * hash the card's "list_hash" records. */
#define MS_LEXICON_LIST 3
/* 1 when the lexicon setting reads no English list: no VADER sentiment. */
#define MS_LEXICON_LANGUAGE(l) ((l) == MS_LEXICON_STYLE || (l) == MS_LEXICON_LIST)

void ms_feature_config_default(ms_feature_config *cfg, ms_task task);

/* Index layout (libsvm indices, 1-based, ascending):
 *   1 .. 2^hash_bits               hashed n-grams (TF-IDF)
 *   2^hash_bits + 1 + k            dense feature k (MS_DENSE_*): the lexicon
 *                                  block, then the context block, then the
 *                                  violent-intent block, each where its
 *                                  settings have it (a model without the
 *                                  context block has no features there) */
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
    MS_DENSE_BY_ARTICLE_AUTHOR, /* written by the article's (thread's) author */
    MS_DENSE_QUESTION,        /* the comment asks ('?') */
    /* the article features again when the article is long (a news story,
     * not a forum question): their scale differs, so they get own weights */
    MS_DENSE_COS_ARTICLE_LONG,
    MS_DENSE_SHARE_IN_ARTICLE_LONG,
    MS_DENSE_NAMED_OVERLAP_LONG,
    /* violent-intent block (cfg->intent), after the context block so that
     * the indices of models without it stay where they were */
    MS_DENSE_INTENT_FIRST,
    MS_DENSE_VIOLENT = MS_DENSE_INTENT_FIRST, /* violent words (kill, hang, ...) */
    MS_DENSE_VIOLENT_INTENT,  /* one after an intent or call phrase (should, i will,
                                 hope someone, deserve to, ...) */
    MS_DENSE_VIOLENT_AIMED,   /* one aimed at a person (kill him, shoot them all,
                                 burn down your house; "be shot") */
    MS_DENSE_VIOLENT_BOTH,    /* one that is both: "i will kill you" */
    MS_DENSE_COUNT
};

/* A sparse vector; idx 1-based and strictly ascending. */
typedef struct ms_fvec {
    int32_t *idx;
    double *val;
    size_t n;
    size_t cap;
} ms_fvec;

void ms_fvec_free(ms_fvec *v);

/* One thread's feature extractor: owns reusable buffers, so building a
 * vector does not allocate once warmed up. Borrows cfg and lexicon. */
typedef struct ms_featurizer ms_featurizer;
ms_status ms_featurizer_new(const ms_feature_config *cfg, const ms_lexicon *lx,
                            ms_featurizer **out);
void ms_featurizer_free(ms_featurizer *f);
/* The language's list a MS_LEXICON_LIST block counts hits of (borrowed;
 * NULL: none, the block's list feature is 0). */
void ms_featurizer_set_list(ms_featurizer *f, const ms_lexicon *list);

/* Words for which skip() returns 1 are left out of every feature (a
 * policy's allow terms). skip gets a case-folded word. */
void ms_featurizer_set_skip(ms_featurizer *f, int (*skip)(void *ud, const char *w, size_t n),
                            void *ud);

/* The distinct hashed buckets (0-based) of a text, for counting document
 * frequencies at training time. The array is the featurizer's; valid until
 * its next call. */
ms_status ms_features_buckets(ms_featurizer *f, const char *text, size_t len,
                              const uint32_t **buckets, size_t *n);

/* The full vector for one input. OUT: *out (reused; grows as needed).
 * sorted: 1 gives strictly ascending indices (libsvm's order), 0 any order
 * with possible repeats (enough for a dot product, and faster). notes
 * receives MS_NOTE_* about the text. The input is borrowed until the next
 * build. */
ms_status ms_features_build(ms_featurizer *f, const ms_idf *idf, const ms_input *in,
                            int sorted, ms_fvec *out, unsigned *notes);

/* The same in two steps, so that models with the same feature settings
 * share one pass (DESIGN.md: one normalisation and one hashing pass,
 * several weight vectors): ms_features_prepare tokenises the input and
 * counts its hashed n-grams and lexicon features (the part that does not
 * depend on a model); ms_features_weigh then builds one model's vector
 * from those counts with its idf (and context block), as often as there
 * are models, until the next prepare. MS_ERR_ARG when nothing is prepared
 * (ms_features_attribute uses the counts up). */
ms_status ms_features_prepare(ms_featurizer *f, const ms_input *in, unsigned *notes);
ms_status ms_features_weigh(ms_featurizer *f, const ms_idf *idf, int sorted, ms_fvec *out);

/* Whether a and b tokenise and fold a text alike (the same lexicon and
 * fold rules): then one's tokens serve the other. */
int ms_featurizer_tokens_shared(const ms_featurizer *a, const ms_featurizer *b);

/* ms_features_prepare for in, with the tokens of src, which the caller
 * prepared for the same in since (the scorer's pass over the groups):
 * copied into f's own buffers, not tokenised and folded again, and src's
 * lexicon and intent blocks copied where both settings compute them alike
 * (the same lexicon setting, skip function and list; the same intent
 * version); f's own n-grams are counted. Exactly what ms_features_prepare
 * gives. When the two do not tokenise alike (ms_featurizer_tokens_shared)
 * it is ms_features_prepare. MS_ERR_ARG when src is f or holds no tokens
 * of in; MS_ERR_NOMEM. src is only read; counts that are src's are read
 * from src when f first needs them (counted again if src has moved on). */
ms_status ms_features_prepare_from(ms_featurizer *f, const ms_featurizer *src,
                                   const ms_input *in, unsigned *notes);

/* 1 when a and b, both prepared for the same input, hold the same vector
 * for any model's weights: one was prepared from the other sharing its
 * counts, tf and dense blocks (ms_features_prepare_from on a comment that
 * names no identity group), so a dot product taken on one is the other's
 * to the bit; or a is b. */
int ms_features_same_vector(const ms_featurizer *a, const ms_featurizer *b);

/* w.x for the prepared input's vector as ms_features_weigh would build it
 * with idf (w of dim entries, libsvm indices), in one pass without
 * building it: what scoring a model needs (the same value up to rounding
 * in the last bits). OUT: *out. MS_ERR_ARG when nothing is prepared or
 * the settings have a context block (build the vector for those). */
ms_status ms_features_dot(ms_featurizer *f, const ms_idf *idf, const double *w, int32_t dim,
                          double *out);

/* ms_features_dot for k (<= MS_PACK_MODELS) models at once, from pack
 * for the hashed features and dense[m] for the dense ones (MS_DENSE_COUNT
 * entries: model m's weight of dense feature d, libsvm index
 * 2^hash_bits + 1 + d, read where that index is below dim[m]): out[m] is
 * exactly what ms_features_dot gives model m with its own w of dim[m]
 * entries. Nothing of the models' own arrays is read. MS_ERR_ARG as
 * ms_features_dot. */
ms_status ms_features_dot_packed(ms_featurizer *f, const ms_pack *pack, int k,
                                 const double *const *dense, const int32_t *dim, double *out);

/* ms_features_attribute for the model in slot slot of pack (its idf and
 * hashed weights read from there, as ms_features_dot_packed reads them;
 * dense, as there, for the dense block): the same contributions, without
 * touching the pages of the model's own arrays. MS_ERR_ARG for a context
 * model (never packed). */
ms_status ms_features_attribute_packed(ms_featurizer *f, const ms_pack *pack, int slot,
                                       const double *dense, int32_t dim,
                                       const ms_tokens **tokens, const double **contrib);

/* Whether two models' settings give the same prepared counts and weighing:
 * every setting but min_df, which only training uses, and intent, a dense
 * block added on top of the same counts (a featurizer with it on serves a
 * model without it when the model's dot products and attributions stop at
 * ms_feature_dim of its own settings). Two intent versions do not share,
 * nor do settings with a context block that differ in intent (a whole
 * vector is built there, with the featurizer's blocks). */
int ms_feature_config_shared(const ms_feature_config *a, const ms_feature_config *b);

/* Whether featurizers of settings a and b (comment-only) give the same
 * vector for a comment that names no identity group: the settings differ
 * at most in the identity-term ones (group_terms, group_scope) and min_df.
 * Then ms_features_prepare_from makes one's vector the other's
 * (ms_features_same_vector), and models of both can share a pack. */
int ms_feature_config_alike_unnamed(const ms_feature_config *a, const ms_feature_config *b);

/* The libsvm indices a vector of these settings has (1 + the largest
 * index): the hashed buckets and the dense blocks that are on. A model's
 * dim past it holds only weights of features its settings never give. */
int32_t ms_feature_dim(const ms_feature_config *cfg);

/* The comment's tokens as the last build saw them (the featurizer's). */
const ms_tokens *ms_featurizer_tokens(const ms_featurizer *f);

/* The VADER compound of the last built input (computed for the lexicon
 * block; 0 when the block is off). */
double ms_features_sentiment(const ms_featurizer *f);

/* Explains the last build: how much each token contributed to w.x, for
 * w of dim entries (features of the last build split evenly over the
 * occurrences that made them; lexicon features over the words that hit
 * them). OUT: *tokens and *contrib (one per token), both the featurizer's,
 * valid until its next call. */
ms_status ms_features_attribute(ms_featurizer *f, const ms_idf *idf, const double *w,
                                int32_t dim, const struct ms_tokens **tokens,
                                const double **contrib);

/* What the context block measured in the last build (off-topic reasons). */
typedef struct ms_context_stats {
    int has_article, has_parent;
    size_t content_words;   /* the comment's content words... */
    size_t shared_words;    /* ...and how many occur in the article */
    double cos_article, cos_parent;
    size_t links, linkbait;
    int by_article_author;
    uint32_t linkbait_start, linkbait_end; /* first link-bait phrase's span */
} ms_context_stats;

const ms_context_stats *ms_features_context(const ms_featurizer *f);

#endif

/* featurize_int.h - what featurize.c and featurize_context.c share: the
 * featurizer's layout, the hashing of words into buckets and the dense
 * helpers. Not installed. */
#ifndef MS_FEATURIZE_INT_H
#define MS_FEATURIZE_INT_H

#include "featurize.h"
#include "util.h"

#include <stdint.h>
#include <string.h>

/* One occurrence of a hashed feature, for attribution. */
typedef struct occurrence {
    uint32_t slot;  /* table slot of its feature */
    uint32_t token; /* token index; bigrams record both tokens */
} occurrence;

struct ms_featurizer {
    const ms_feature_config *cfg;
    const ms_lexicon *lx;
    const ms_lexicon *list; /* MS_LEXICON_LIST: the language's own list */
    int (*skip)(void *ud, const char *w, size_t n);
    void *skip_ud;
    uint32_t mask;

    ms_tokens tok;          /* the comment */
    int has_tokens;         /* tok holds the tokens of last (prepare_from's source) */
    unsigned tok_notes;     /* MS_NOTE_* the tokenising of last gave */
    ms_tokens ctx_tok;      /* article or parent, for context features */
    /* n-gram accumulation: open addressing keyed by bucket * 2 + block */
    uint32_t *keys;
    float *counts;
    double *tf;              /* 1 + log(count), once per prepare for every model */
    double *values;
    uint32_t *stamp;
    uint32_t gen;
    size_t table_cap;
    uint32_t *used;          /* slots in use, in first-seen order */
    size_t n_used, used_cap;
    const unsigned char **slot_of; /* ms_features_dot_packed: each used slot's pack slot */
    size_t slot_of_cap;
    occurrence *occ;         /* each n-gram occurrence's slot and token */
    size_t n_occ, occ_cap;
    int recording;
    int prepared;            /* counts of f->last are in the table: weigh may run */
    const struct ms_featurizer *same_as; /* prepared from it, with its
                                counts, tf and dense blocks: the same vector
                                for the same weights (ms_features_same_vector) */
    const struct ms_featurizer *borrowed; /* the featurizer whose counts
                                are f's (count_from), not copied yet */
    int recorded;            /* the table holds f->last's counts (tf) and
                                occurrences, counted here: attribution
                                weighs them, counting nothing again */
    /* dense features of the last build, and which tokens drove them */
    double dense[MS_DENSE_COUNT];
    uint32_t *dense_tok;     /* (feature << 24 | token) pairs */
    size_t n_dense_tok, dense_tok_cap;
    double sentiment;
    /* context of the last build */
    const ms_article *cached_article;
    uint64_t cached_article_hash;
    uint32_t *article_words; /* sorted distinct unigram buckets of the article */
    size_t n_article_words, article_words_cap;
    double *article_vec;     /* matching TF-IDF weights, L2-normalised */
    size_t article_vec_cap;
    ms_context_stats stats;
    /* scratch */
    double *contrib;
    size_t contrib_cap;
    uint32_t *buckets;
    size_t buckets_cap;
    const ms_input *last;
    /* identity terms (group_terms; featurize_group.c) */
    uint8_t *grp;            /* per token: FZ_GRP_* */
    size_t grp_cap;
    struct fz_unit *units;   /* the comment as words and placeholders */
    size_t units_cap;
    struct fz_gram *grams;   /* the placeholder n-grams of the last prepare */
    const char *text;        /* the text tok was made of (group_scope reads */
    size_t text_len;         /* its punctuation and quotes) */
    size_t n_grams, grams_cap;
    /* the violent-intent block (cfg->intent; featurize_intent.c) */
    struct fz_intent_index *intent_ix; /* its word lists, NULL when off */
    uint8_t *intent_bits;    /* per token: the lists that hold it */
    size_t intent_bits_cap;
};

/* Whether token i is left out of every feature (a policy's allow term). */
static inline int fz_skipped(const ms_featurizer *f, const ms_tokens *t, size_t i)
{
    return f->skip && f->skip(f->skip_ud, ms_token_text(t, i), t->tok[i].fold_len);
}

/* Counts one occurrence of a char block bucket, made by token tk (t->n:
 * by no token; the spare slot of attribution). */
typedef ms_status (*fz_add_fn)(ms_featurizer *f, uint32_t bucket, uint32_t tk);

/* The char block from the text's whitespace-separated chunks (char_chunks;
 * featurize_chunks.c), each bucket counted by add: f->text, whose tokens
 * t are; a chunk holding a link, a skipped word or a word replace's bits
 * of f->grp mark is left out. */
ms_status fz_chunk_grams(ms_featurizer *f, const ms_tokens *t, uint8_t replace, fz_add_fn add);

/* ------------------------------------------------------------ hashing */

#define FNV_PRIME 16777619u
static inline uint32_t fnv_step(uint32_t h, unsigned char c) { return (h ^ c) * FNV_PRIME; }

static inline uint32_t fmix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static inline uint32_t hash_bytes(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = fnv_step(h, (unsigned char)s[i]);
    return h;
}

#define SEED_WORD1 2166136261u
#define SEED_WORD2 0x9747b28cu
#define SEED_CHAR 0x5bd1e995u
#define SEED_AIMED 0x1234567u
#define SEED_GROUP 0x2545f491u
#define SEED_CHUNK 0x3c6ef372u

/* ------------------------------------------------------------ dense */

static inline double squash(double x, double k) { return x / (x + k); }

static inline int word_is(const ms_tokens *t, size_t i, const char *s)
{
    return i < t->n && t->tok[i].fold_len == strlen(s) && memcmp(ms_token_text(t, i), s, strlen(s)) == 0;
}

/* Records that token drove dense feature (for attributing, which then
 * needs no second pass of the blocks). Here, not in featurize.c, so that
 * featurize_context.c, which featurize.c calls, calls nothing back. */
static inline ms_status fz_dense_hit(ms_featurizer *f, int feature, size_t token)
{
    if (ms_grow((void **)&f->dense_tok, &f->dense_tok_cap, f->n_dense_tok + 1,
                sizeof *f->dense_tok) != MS_OK)
        return MS_ERR_NOMEM;
    f->dense_tok[f->n_dense_tok++] = (uint32_t)feature << 24 | (uint32_t)token;
    return MS_OK;
}
/* ------------------------------------------------------------ identity terms */

enum {
    FZ_GRP_NONE = 0,
    FZ_GRP_FIRST = 1, /* the first word of an identity term */
    FZ_GRP_MORE = 2,  /* a later word of one ("native americans") */
    FZ_GRP_TERM = FZ_GRP_FIRST | FZ_GRP_MORE,
    FZ_GRP_SCOPED = 4 /* in a scope that replaces its words (group_scope) */
};

/* One word of the comment, or one identity term, in the placeholder
 * stream: its hash (FZ_UNIT_GROUP, FZ_UNIT_BREAK or the word's) and tokens. */
typedef struct fz_unit {
    uint32_t hash;
    uint32_t first, last;
} fz_unit;

#define FZ_UNIT_BREAK 0u          /* a skipped token: no n-gram spans it */
#define FZ_UNIT_GROUP 0x3c67723eu /* the placeholder word "<group>" */

/* A word n-gram of the comment with its identity terms as one placeholder:
 * its hashed bucket and the tokens it spans. */
typedef struct fz_gram {
    uint32_t bucket;
    uint32_t first, last;
} fz_gram;

/* Appends a gram of bucket spanning tokens first..last to f->grams.
 * MS_ERR_NOMEM. */
static inline ms_status fz_add_gram(ms_featurizer *f, uint32_t bucket, uint32_t first,
                                    uint32_t last)
{
    if (ms_grow((void **)&f->grams, &f->grams_cap, f->n_grams + 1, sizeof *f->grams) != MS_OK)
        return MS_ERR_NOMEM;
    fz_gram *g = &f->grams[f->n_grams++];
    g->bucket = bucket;
    g->first = first;
    g->last = last;
    return MS_OK;
}

/* Marks the tokens of t that form identity terms (f->grp, one FZ_GRP_* per
 * token) and lists the placeholder n-grams (f->grams, f->n_grams): every
 * word 1-3-gram with a term counted as one word "<group>" that holds one,
 * and with group_scope the scope-marked units (fz_group_scope). t is the
 * tokens of f->text. Off (nothing marked, no n-grams) unless the
 * settings' group_terms is on. MS_ERR_NOMEM. (featurize_group.c) */
ms_status fz_group_terms(ms_featurizer *f, const ms_tokens *t);

/* The lexicon block of f->tok as the settings have it: the English lists',
 * the style block or the language's own list (featurize_lexicon.c).
 * MS_ERR_NOMEM. */
ms_status fz_lexicon_blocks(ms_featurizer *f, const ms_input *in);

/* A second-person word (you, your, u, ur, ...): what an insult is aimed
 * with (featurize_lexicon.c). */
int fz_is_you(const char *w, size_t n);

/* Appends to f->grams a marked copy of each of the n_units units of
 * f->units that lies in a negation's, a verb of saying's or a quotation's
 * scope in f->text (t its tokens); replacing (MS_GROUP_SCOPE_REPLACE), also
 * marks their tokens FZ_GRP_SCOPED in f->grp. MS_ERR_NOMEM.
 * (featurize_scope.c) */
ms_status fz_group_scope(ms_featurizer *f, const ms_tokens *t, size_t n_units);

/* The context block of the dense features (featurize_context.c). */
ms_status fz_context_block(ms_featurizer *f, const ms_idf *idf, const ms_input *in);

/* The violent-intent block (featurize_intent.c), from the tokens of the
 * last prepare. MS_ERR_ARG without the index (a featurizer made without
 * the block). */
ms_status fz_intent_block(ms_featurizer *f);

/* The block's word lists of a version: violent words, intent, negation,
 * target and passive words (list 0..FZ_INTENT_LISTS-1). NULL and *n 0 for
 * a version or list that does not exist. */
#define FZ_INTENT_LISTS 5
const char *const *fz_intent_word_list(int version, int list, size_t *n);

/* The lists of a version as one lookup: which of them (bit 1 << list) hold
 * a word. OUT: *out (fz_intent_index_free), or MS_ERR_NOMEM. */
typedef struct fz_intent_index fz_intent_index;
ms_status fz_intent_index_new(int version, fz_intent_index **out);
void fz_intent_index_free(fz_intent_index *ix);
unsigned fz_intent_lists_of(const fz_intent_index *ix, const char *w, size_t n);

#endif

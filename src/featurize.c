/* featurize.c - the "features" module: hashed n-gram TF-IDF, lexicon and
 * context features. See featurize.h for the layout. */
#include "featurize.h"
#include "featurize_int.h"

#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Context features are few against a million n-gram buckets: scaled up,
 * the L2 penalty lets them carry the off-topic model (measured on the
 * SemEval training split's cross-validation). */
#ifndef CONTEXT_SCALE
#define CONTEXT_SCALE 12.0
#endif

/* Character n-grams are taken from at most this many bytes of a word. */
#define CHAR_SPAN_MAX 64

enum { BLOCK_WORD = 0, BLOCK_CHAR = 1 };

void ms_fvec_free(ms_fvec *v)
{
    if (!v)
        return;
    free(v->idx);
    free(v->val);
    memset(v, 0, sizeof *v);
}

ms_status ms_featurizer_new(const ms_feature_config *cfg, const ms_lexicon *lx,
                            ms_featurizer **out)
{
    *out = NULL;
    if (cfg->hash_bits < 8 || cfg->hash_bits > 26 || cfg->char_ngram_min < 1 ||
        cfg->char_ngram_max > 8 || cfg->word_ngram_max < 1 || cfg->word_ngram_max > 2 ||
        cfg->you_window < 0 || cfg->you_window > MS_YOU_WINDOW_MAX || cfg->group_window < 0 ||
        cfg->group_window > MS_YOU_WINDOW_MAX || cfg->intent < 0 ||
        cfg->intent > MS_INTENT_VERSION || cfg->group_terms < 0 ||
        cfg->group_terms > MS_GROUP_TERMS_REPLACE || cfg->group_scope < 0 ||
        cfg->group_scope > MS_GROUP_SCOPE_REPLACE || (cfg->group_scope && !cfg->group_terms) ||
        cfg->char_chunks < 0 || cfg->char_chunks > MS_CHAR_CHUNKS_VERSION)
        return MS_ERR_ARG;
    ms_featurizer *f = calloc(1, sizeof *f);
    if (!f)
        return MS_ERR_NOMEM;
    f->cfg = cfg;
    f->lx = lx;
    f->mask = (1u << cfg->hash_bits) - 1;
    if (cfg->intent && fz_intent_index_new(cfg->intent, &f->intent_ix) != MS_OK) {
        free(f);
        return MS_ERR_NOMEM;
    }
    *out = f;
    return MS_OK;
}

void ms_featurizer_set_list(ms_featurizer *f, const ms_lexicon *list)
{
    if (f)
        f->list = list;
}

void ms_featurizer_free(ms_featurizer *f)
{
    if (!f)
        return;
    ms_tokens_free(&f->tok);
    ms_tokens_free(&f->ctx_tok);
    free(f->keys);
    free(f->counts);
    free(f->tf);
    free(f->values);
    free(f->stamp);
    free(f->used);
    free(f->slot_of);
    free(f->occ);
    free(f->dense_tok);
    free(f->article_words);
    free(f->article_vec);
    free(f->contrib);
    free(f->buckets);
    free(f->grp);
    free(f->units);
    free(f->grams);
    fz_intent_index_free(f->intent_ix);
    free(f->intent_bits);
    free(f);
}

void ms_featurizer_set_skip(ms_featurizer *f, int (*skip)(void *ud, const char *w, size_t n),
                            void *ud)
{
    f->skip = skip;
    f->skip_ud = ud;
}

/* ------------------------------------------------------------ table */

/* The table's first size, in entries: a comment's n-gram occurrences
 * (what expected counts) are many more than its distinct n-grams once it
 * is long, so a table sized by them held 128 MB for a 250 KB comment
 * (issue 23's long-stream peak); it starts at most this big and doubles
 * when half full (table_grow). */
#define TABLE_FIRST ((size_t)1 << 15)

static ms_status table_reset(ms_featurizer *f, size_t expected)
{
    if (expected > TABLE_FIRST)
        expected = TABLE_FIRST;
    size_t need = 64;
    while (need < expected * 2)
        need *= 2;
    if (need > f->table_cap) {
        free(f->keys);
        free(f->counts);
        free(f->tf);
        free(f->values);
        free(f->stamp);
        f->keys = malloc(need * sizeof *f->keys);
        f->counts = malloc(need * sizeof *f->counts);
        f->tf = malloc(need * sizeof *f->tf);
        f->values = malloc(need * sizeof *f->values);
        f->stamp = calloc(need, sizeof *f->stamp);
        f->table_cap = f->keys && f->counts && f->tf && f->values && f->stamp ? need : 0;
        f->gen = 0;
        if (!f->table_cap)
            return MS_ERR_NOMEM;
    }
    if (++f->gen == 0) { /* wrapped: clear stamps once every 2^32 builds */
        memset(f->stamp, 0, f->table_cap * sizeof *f->stamp);
        f->gen = 1;
    }
    f->n_used = 0;
    f->n_occ = 0;
    f->borrowed = NULL;
    f->recorded = 0;
    return ms_grow((void **)&f->used, &f->used_cap, f->table_cap, sizeof *f->used);
}

/* Doubles the table, half full: each key in use moves to its slot in the
 * new one, and the slots that used and occ hold move with it. Only counts
 * are set while n-grams are added (tf and values come after). */
static ms_status table_grow(ms_featurizer *f)
{
    size_t cap = f->table_cap * 2, m = cap - 1;
    uint32_t *keys = malloc(cap * sizeof *keys), *stamp = calloc(cap, sizeof *stamp);
    float *counts = malloc(cap * sizeof *counts);
    double *tf = malloc(cap * sizeof *tf), *values = malloc(cap * sizeof *values);
    uint32_t *moved = malloc(f->table_cap * sizeof *moved);
    if (!keys || !stamp || !counts || !tf || !values || !moved ||
        ms_grow((void **)&f->used, &f->used_cap, cap, sizeof *f->used) != MS_OK) {
        free(keys), free(stamp), free(counts), free(tf), free(values), free(moved);
        return MS_ERR_NOMEM;
    }
    for (size_t i = 0; i < f->n_used; i++) {
        uint32_t old = f->used[i], key = f->keys[old];
        size_t s = fmix(key) & m;
        while (stamp[s])
            s = (s + 1) & m;
        stamp[s] = 1;
        keys[s] = key;
        counts[s] = f->counts[old];
        moved[old] = (uint32_t)s;
        f->used[i] = (uint32_t)s;
    }
    for (size_t i = 0; i < f->n_occ; i++)
        f->occ[i].slot = moved[f->occ[i].slot];
    free(moved);
    free(f->keys), free(f->stamp), free(f->counts), free(f->tf), free(f->values);
    f->keys = keys, f->stamp = stamp, f->counts = counts, f->tf = tf, f->values = values;
    f->table_cap = cap;
    f->gen = 1;
    return MS_OK;
}

/* The slot of key, added (count 0, last in used) when new. OUT: *slot. */
static inline ms_status table_slot(ms_featurizer *f, uint32_t key, size_t *slot)
{
    if (f->n_used * 2 >= f->table_cap && table_grow(f) != MS_OK)
        return MS_ERR_NOMEM;
    size_t m = f->table_cap - 1, s = fmix(key) & m;
    while (f->stamp[s] == f->gen && f->keys[s] != key)
        s = (s + 1) & m;
    if (f->stamp[s] != f->gen) {
        f->stamp[s] = f->gen;
        f->keys[s] = key;
        f->counts[s] = 0;
        f->used[f->n_used++] = (uint32_t)s;
    }
    *slot = s;
    return MS_OK;
}

/* Counts one occurrence of (bucket, block) made by token tk. */
static inline ms_status table_add(ms_featurizer *f, uint32_t bucket, int block, uint32_t tk)
{
    size_t s;
    if (table_slot(f, bucket * 2 + (uint32_t)block, &s) != MS_OK)
        return MS_ERR_NOMEM;
    f->counts[s] += 1;
    if (f->n_occ == f->occ_cap &&
        ms_grow((void **)&f->occ, &f->occ_cap, f->n_occ + 1, sizeof *f->occ) != MS_OK)
        return MS_ERR_NOMEM;
    f->occ[f->n_occ].slot = (uint32_t)s;
    f->occ[f->n_occ++].token = tk;
    return MS_OK;
}

/* fz_add_fn of the char block (featurize_chunks.c calls it back) */
static ms_status add_char(ms_featurizer *f, uint32_t bucket, uint32_t tk)
{
    return table_add(f, bucket, BLOCK_CHAR, tk);
}

/* ------------------------------------------------------------ n-grams */

/* A word naming an identity group: the groups of the identity-bias test
 * set (train/identity/make_templates.py), singular and plural, without
 * the words that are mostly something else (old, young, blind) and the
 * political ones (conservative, feminist). */
static int is_group(const char *w, size_t n)
{
    static const char *const group[] = {
        "woman", "women", "man", "men", "gay", "gays", "lesbian", "lesbians", "bisexual",
        "straight", "transgender", "trans", "queer", "queers", "nonbinary", "black", "blacks",
        "white", "whites", "asian", "asians", "latino", "latinos", "hispanic", "hispanics",
        "arab", "arabs", "muslim", "muslims", "christian", "christians", "jewish", "jew", "jews",
        "hindu", "hindus", "buddhist", "buddhists", "catholic", "catholics", "atheist",
        "atheists", "immigrant", "immigrants", "refugee", "refugees", "disabled", "deaf",
        "american", "americans", "mexican", "mexicans", "chinese", "indian", "indians",
        "african", "africans", "european", "europeans", "canadian", "canadians", "russian",
        "russians", "syrian", "syrians"};
    for (size_t k = 0; k < sizeof group / sizeof *group; k++)
        if (strlen(group[k]) == n && memcmp(group[k], w, n) == 0)
            return 1;
    return 0;
}

static int is_group_token(const ms_featurizer *f, const ms_tokens *t, size_t i)
{
    return !fz_skipped(f, t, i) && is_group(ms_token_text(t, i), t->tok[i].fold_len);
}

/* Whether token i is a second-person word that features may use. */
static int is_you_token(const ms_featurizer *f, const ms_tokens *t, size_t i)
{
    return !fz_skipped(f, t, i) && fz_is_you(ms_token_text(t, i), t->tok[i].fold_len);
}

/* Upper bound of table entries for tokens t. */
static size_t expected_entries(const ms_featurizer *f, const ms_tokens *t)
{
    size_t span = (size_t)(f->cfg->char_ngram_max - f->cfg->char_ngram_min + 1);
    size_t e = t->n * (size_t)(f->cfg->word_ngram_max + (f->cfg->you_window > 0) +
                               (f->cfg->group_window > 0) + 6 * (f->cfg->group_terms > 0) +
                               3 * (f->cfg->group_scope > 0));
    for (size_t i = 0; i < t->n; i++) {
        size_t n = t->tok[i].fold_len;
        e += ((n < CHAR_SPAN_MAX ? n : CHAR_SPAN_MAX) + 2) * span;
    }
    return e + 16;
}

/* Counts one occurrence of bucket in the word block made by tokens first
 * .. last: once, recorded for each of them while attributing. */
static ms_status add_spanning(ms_featurizer *f, uint32_t bucket, uint32_t first, uint32_t last)
{
    if (table_add(f, bucket, BLOCK_WORD, first) != MS_OK)
        return MS_ERR_NOMEM;
    for (uint32_t tk = first + 1; tk <= last; tk++) {
        if (table_add(f, bucket, BLOCK_WORD, tk) != MS_OK)
            return MS_ERR_NOMEM;
        f->counts[f->occ[f->n_occ - 1].slot] -= 1;
    }
    return MS_OK;
}

/* Adds the placeholder n-grams of the identity terms (group_terms). */
static ms_status add_group_grams(ms_featurizer *f)
{
    for (size_t g = 0; g < f->n_grams; g++)
        if (add_spanning(f, f->grams[g].bucket, f->grams[g].first, f->grams[g].last) != MS_OK)
            return MS_ERR_NOMEM;
    return MS_OK;
}

/* Adds every hashed n-gram of tokens t to the table (their identity
 * terms found: fz_group_terms). */
static ms_status add_ngrams(ms_featurizer *f, const ms_tokens *t)
{
    const ms_feature_config *c = f->cfg;
    /* identity terms counted only as the placeholder, scoped words only
     * marked, where the settings replace them */
    uint8_t replace = (uint8_t)((c->group_terms == MS_GROUP_TERMS_REPLACE ? FZ_GRP_TERM : 0) |
                                (c->group_scope == MS_GROUP_SCOPE_REPLACE ? FZ_GRP_SCOPED : 0));
    const uint8_t *replaced = replace ? f->grp : NULL;
    uint32_t prev = 0;
    int have_prev = 0;
    size_t win = (size_t)c->you_window;
    /* the nearest second-person words before and from token i (SIZE_MAX:
     * none); tokens before scan have been looked at */
    size_t last_you = SIZE_MAX, next_you = SIZE_MAX, scan = 0;
    /* the same for words naming identity groups */
    size_t gwin = (size_t)c->group_window;
    size_t last_grp = SIZE_MAX, next_grp = SIZE_MAX, gscan = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (gwin && (next_grp == SIZE_MAX || next_grp < i)) {
            next_grp = SIZE_MAX;
            for (gscan = gscan > i ? gscan : i; gscan < t->n && gscan <= i + gwin; gscan++)
                if (is_group_token(f, t, gscan)) {
                    next_grp = gscan;
                    break;
                }
        }
        if (win && (next_you == SIZE_MAX || next_you < i)) {
            next_you = SIZE_MAX;
            for (scan = scan > i ? scan : i; scan < t->n && scan <= i + win; scan++)
                if (is_you_token(f, t, scan)) {
                    next_you = scan;
                    break;
                }
        }
        if (fz_skipped(f, t, i) || (replaced && (replaced[i] & replace))) {
            have_prev = 0;
            continue;
        }
        const char *w = ms_token_text(t, i);
        size_t n = t->tok[i].fold_len;
        uint32_t hw = hash_bytes(SEED_WORD1, w, n);
        if (table_add(f, fmix(hw) & f->mask, BLOCK_WORD, (uint32_t)i) != MS_OK)
            return MS_ERR_NOMEM;
        if (next_you == i) {
            last_you = i;
        } else if (win && ((last_you != SIZE_MAX && i - last_you <= win) ||
                           (next_you != SIZE_MAX && next_you - i <= win))) {
            if (table_add(f, fmix(hash_bytes(SEED_AIMED, w, n)) & f->mask, BLOCK_WORD,
                          (uint32_t)i) != MS_OK)
                return MS_ERR_NOMEM;
        }
        if (next_grp == i) {
            last_grp = i;
        } else if (gwin && ((last_grp != SIZE_MAX && i - last_grp <= gwin) ||
                            (next_grp != SIZE_MAX && next_grp - i <= gwin))) {
            if (table_add(f, fmix(hash_bytes(SEED_GROUP, w, n)) & f->mask, BLOCK_WORD,
                          (uint32_t)i) != MS_OK)
                return MS_ERR_NOMEM;
        }
        if (c->word_ngram_max >= 2 && have_prev) {
            uint32_t hb = fmix(fnv_step(prev * 31u + SEED_WORD2, ' ') ^ fmix(hw));
            if (table_add(f, hb & f->mask, BLOCK_WORD, (uint32_t)i) != MS_OK)
                return MS_ERR_NOMEM;
            if (table_add(f, hb & f->mask, BLOCK_WORD, (uint32_t)(i - 1)) != MS_OK)
                return MS_ERR_NOMEM;
            /* the bigram counted once, recorded for two */
            f->counts[f->occ[f->n_occ - 1].slot] -= 1;
        }
        prev = fmix(hw);
        have_prev = 1;
        if (c->char_chunks == MS_CHAR_SOURCE_CHUNKS || (t->tok[i].flags & MS_TOK_URL))
            continue;
        /* character n-grams of " word " (word-bounded, as sklearn's char_wb) */
        size_t L = n < CHAR_SPAN_MAX ? n : CHAR_SPAN_MAX;
        size_t P = L + 2;
        for (size_t p = 0; p + (size_t)c->char_ngram_min <= P; p++) {
            uint32_t h = SEED_CHAR;
            for (size_t k = 0; k < (size_t)c->char_ngram_max && p + k < P; k++) {
                size_t q = p + k;
                unsigned char ch = (q == 0 || q == P - 1) ? ' ' : (unsigned char)w[q - 1];
                h = fnv_step(h, ch);
                if (k + 1 >= (size_t)c->char_ngram_min &&
                    table_add(f, fmix(h) & f->mask, BLOCK_CHAR, (uint32_t)i) != MS_OK)
                    return MS_ERR_NOMEM;
            }
        }
    }
    if (c->char_chunks && fz_chunk_grams(f, t, replace, add_char) != MS_OK)
        return MS_ERR_NOMEM;
    return add_group_grams(f);
}

static ms_status count(ms_featurizer *f);

ms_status ms_features_buckets(ms_featurizer *f, const char *text, size_t len,
                              const uint32_t **buckets, size_t *n)
{
    unsigned notes = 0;
    f->has_tokens = 0;
    f->recorded = 0;
    f->text = text;
    f->text_len = len;
    if (ms_tokenize_fold(text, len, f->lx, f->cfg->fold, &f->tok, &notes) != MS_OK ||
        count(f) != MS_OK)
        return MS_ERR_NOMEM;
    f->recorded = 0; /* counts of no prepared input */
    if (ms_grow((void **)&f->buckets, &f->buckets_cap, f->n_used + 1, sizeof *f->buckets) != MS_OK)
        return MS_ERR_NOMEM;
    /* word and char blocks may share a bucket: report each bucket once */
    size_t m = 0;
    for (size_t i = 0; i < f->n_used; i++) {
        uint32_t key = f->keys[f->used[i]];
        if ((key & 1) == BLOCK_CHAR) {
            uint32_t other = key - 1;
            size_t mask = f->table_cap - 1, s = fmix(other) & mask;
            int dup = 0;
            while (f->stamp[s] == f->gen) {
                if (f->keys[s] == other) {
                    dup = 1;
                    break;
                }
                s = (s + 1) & mask;
            }
            if (dup)
                continue;
        }
        f->buckets[m++] = key >> 1;
    }
    *buckets = f->buckets;
    *n = m;
    return MS_OK;
}

/* ------------------------------------------------------------ vector */

static int cmp_entry(const void *a, const void *b)
{
    const int32_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

/* The sublinear tf of the counts in the table: 1 + log(count), which is 1
 * exactly for the count most n-grams have (log(1) is 0), without the call. */
static void count_tf(ms_featurizer *f)
{
    for (size_t i = 0; i < f->n_used; i++) {
        uint32_t s = f->used[i];
        f->tf[s] = f->counts[s] == 1 ? 1.0 : 1 + log(f->counts[s]);
    }
}

/* Counts the n-grams of f->tok (the input's tokens), its identity terms
 * found (fz_group_terms), and their sublinear tf. */
static ms_status count_found(ms_featurizer *f)
{
    if (table_reset(f, expected_entries(f, &f->tok)) != MS_OK || add_ngrams(f, &f->tok) != MS_OK)
        return MS_ERR_NOMEM;
    count_tf(f);
    f->recorded = 1; /* with each occurrence's token: attributing counts nothing again */
    return MS_OK;
}

/* count_found after finding the identity terms: the counts, the same for
 * every model that weighs them. */
static ms_status count(ms_featurizer *f)
{
    return fz_group_terms(f, &f->tok) != MS_OK ? MS_ERR_NOMEM : count_found(f);
}

/* Whether src's counts (prepared for the same tokens) are f's, with f's
 * identity terms found (fz_group_terms): the same n-gram settings and
 * skipped words, and no identity term in the comment for either (the
 * placeholder setting is the one they may differ in: it changes nothing
 * where no term occurs). */
static int counts_shared(const ms_featurizer *f, const ms_featurizer *src)
{
    const ms_feature_config *a = f->cfg, *b = src->cfg;
    return src->prepared && !src->recording && f->n_grams == 0 &&
           (!b->group_terms || src->n_grams == 0) && a->hash_bits == b->hash_bits &&
           a->word_ngram_max == b->word_ngram_max && a->char_ngram_min == b->char_ngram_min &&
           a->char_ngram_max == b->char_ngram_max && a->you_window == b->you_window &&
           a->group_window == b->group_window && a->char_chunks == b->char_chunks &&
           f->skip == src->skip &&
           f->skip_ud == src->skip_ud;
}

/* count for f->tok, a copy of src's tokens: src's counts and tf where
 * they are f's (counts_shared; identity_attack's group on the many
 * comments that name no group), borrowed (f->borrowed: own_counts copies
 * them when f's table is first read, which a pass whose packed dot
 * products serve both never does); else counted. */
static ms_status count_from(ms_featurizer *f, const ms_featurizer *src, int *shared)
{
    *shared = 0;
    if (fz_group_terms(f, &f->tok) != MS_OK)
        return MS_ERR_NOMEM;
    if (!counts_shared(f, src))
        return count_found(f);
    *shared = 1;
    f->borrowed = src->borrowed ? src->borrowed : src;
    return MS_OK;
}

/* Makes the counts f borrows its own: the lender's counts and tf, entered
 * in its order, which is the order the sums of a dot product take, so the
 * result is count's to the bit; counted again from f's tokens when the
 * lender has moved on (prepared another input, or attributed). */
static ms_status own_counts(ms_featurizer *f)
{
    const ms_featurizer *src = f->borrowed;
    if (!src)
        return MS_OK;
    f->borrowed = NULL;
    if (!src->prepared || src->last != f->last)
        return count_found(f);
    if (table_reset(f, src->n_used) != MS_OK)
        return MS_ERR_NOMEM;
    for (size_t i = 0; i < src->n_used; i++) {
        uint32_t from = src->used[i];
        size_t s;
        if (table_slot(f, src->keys[from], &s) != MS_OK)
            return MS_ERR_NOMEM;
        f->counts[s] = src->counts[from];
        f->tf[s] = src->tf[from];
    }
    return MS_OK;
}

/* Forgets the last input's counts, and unless keep_dense (the same input
 * again) its dense features and their hits; and its context statistics. */
static void prepare_reset(ms_featurizer *f, const ms_input *in, int keep_dense)
{
    f->last = in;
    f->text = in->text;
    f->text_len = in->len;
    f->has_tokens = 0;
    f->recorded = 0;
    f->same_as = NULL;
    f->borrowed = NULL;
    if (!keep_dense) {
        f->n_dense_tok = 0;
        memset(f->dense, 0, sizeof f->dense);
    }
    memset(&f->stats, 0, sizeof f->stats);
}

/* The shared part: tokenises and counts the input's n-grams, and the
 * lexicon block. */
static ms_status prepare(ms_featurizer *f, const ms_input *in, unsigned *notes)
{
    /* attributing explains the last build again: its tokens, dense blocks
     * and their hits are still there (the input is borrowed until the next
     * build); only the counts are made again, with their occurrences */
    int again = f->recording && f->has_tokens && f->last == in;
    prepare_reset(f, in, again);
    if (!again) {
        f->tok_notes = 0;
        if (ms_tokenize_fold(in->text, in->len, f->lx, f->cfg->fold, &f->tok, &f->tok_notes) !=
            MS_OK)
            return MS_ERR_NOMEM;
    }
    *notes |= f->tok_notes;
    f->has_tokens = 1;
    if (count(f) != MS_OK)
        return MS_ERR_NOMEM;
    if (again)
        return MS_OK;
    if (fz_lexicon_blocks(f, in) != MS_OK)
        return MS_ERR_NOMEM;
    /* (MS_LEXICON_LIST never has the intent block: English only) */
    if (f->cfg->lexicon != MS_LEXICON_LIST && f->cfg->intent && fz_intent_block(f) != MS_OK)
        return MS_ERR_NOMEM;
    return MS_OK;
}

/* One model's weights as the featurizer reads them: idf and w, or for a
 * packed model its slot of the pack (idf and w of the hashed buckets; w
 * for the escaped weights and the dense block). */
typedef struct weights {
    const ms_idf *idf;
    const double *w;
    int32_t dim;
    const ms_pack *pack; /* NULL: idf and w alone */
    int slot;
    const double *dense; /* a packed model's dense weights (w is NULL) */
} weights;

static double idf_of(const weights *v, uint32_t b)
{
    if (!v->pack)
        return v->idf->idf[b];
    const unsigned char *slot = ms_pack_slot(v->pack, b);
    return slot ? ms_pack_idf_at(v->pack, slot, v->slot) : 0;
}

/* w[idx] of a hashed bucket's index (idx = bucket + 1) */
static double w_of(const weights *v, int32_t idx)
{
    return v->pack ? ms_pack_weight_at(v->pack, (size_t)idx - 1, v->slot) : v->w[idx];
}

/* One model's part: weighs the counts with its idf, leaving the values in
 * the table, and its context block (v->idf's: a packed model has none). */
static ms_status weigh_with(ms_featurizer *f, const weights *v, const ms_input *in)
{
    if (own_counts(f) != MS_OK)
        return MS_ERR_NOMEM;
    double norm[2] = {0, 0};
    for (size_t i = 0; i < f->n_used; i++) {
        uint32_t s = f->used[i], key = f->keys[s];
        double w = idf_of(v, key >> 1);
        double v = w > 0 ? f->tf[s] * w : 0;
        f->values[s] = v;
        norm[key & 1] += v * v;
    }
    norm[0] = norm[0] > 0 ? 1 / sqrt(norm[0]) : 0;
    norm[1] = norm[1] > 0 ? f->cfg->char_weight / sqrt(norm[1]) : 0;
    for (size_t i = 0; i < f->n_used; i++) {
        uint32_t s = f->used[i];
        f->values[s] *= norm[f->keys[s] & 1];
    }
    if (f->cfg->context && (v->pack || fz_context_block(f, v->idf, in) != MS_OK))
        return v->pack ? MS_ERR_ARG : MS_ERR_NOMEM;
    return MS_OK;
}

static ms_status weigh(ms_featurizer *f, const ms_idf *idf, const ms_input *in)
{
    weights v = {.idf = idf};
    return weigh_with(f, &v, in);
}

/* Tokenises, counts and weighs the input; leaves values in the table. */
static ms_status compute(ms_featurizer *f, const weights *v, const ms_input *in,
                         unsigned *notes)
{
    ms_status st = prepare(f, in, notes);
    return st == MS_OK ? weigh_with(f, v, in) : st;
}

/* Dense feature k as it goes into the vector. */
static double dense_value(const ms_featurizer *f, int k)
{
    int context = k >= MS_DENSE_LEXICON_COUNT && k < MS_DENSE_INTENT_FIRST;
    return f->dense[k] * (context ? CONTEXT_SCALE : 1.0);
}

/* How many dense features the settings have (those of blocks that are off
 * in between are 0 and left out of the vector). */
static int n_dense(const ms_feature_config *cfg)
{
    return cfg->intent    ? MS_DENSE_COUNT
           : cfg->context ? MS_DENSE_INTENT_FIRST
           : cfg->lexicon ? MS_DENSE_LEXICON_COUNT
                          : 0;
}

int32_t ms_feature_dim(const ms_feature_config *cfg)
{
    return (int32_t)(1u << cfg->hash_bits) + 1 + n_dense(cfg);
}

ms_status ms_features_prepare(ms_featurizer *f, const ms_input *in, unsigned *notes)
{
    unsigned local = 0;
    f->recording = 0;
    f->prepared = 0;
    ms_status st = prepare(f, in, notes ? notes : &local);
    f->prepared = st == MS_OK;
    return st;
}

int ms_featurizer_tokens_shared(const ms_featurizer *a, const ms_featurizer *b)
{
    return a->lx == b->lx && a->cfg->fold == b->cfg->fold;
}

/* Whether b's lexicon block (and, for the same version, intent block) is
 * a's on the same tokens: the same lists, settings and skipped words. */
static int dense_shared(const ms_featurizer *a, const ms_featurizer *b)
{
    return a->cfg->lexicon == b->cfg->lexicon && a->skip == b->skip &&
           a->skip_ud == b->skip_ud && (a->cfg->lexicon != MS_LEXICON_LIST || a->list == b->list);
}

/* Appends src's hits of dense features [lo, hi) to f's, in src's order
 * (the order computing them gives, which attributing sums in). */
static ms_status hits_from(ms_featurizer *f, const ms_featurizer *src, uint32_t lo, uint32_t hi)
{
    for (size_t i = 0; i < src->n_dense_tok; i++) {
        uint32_t h = src->dense_tok[i], k = h >> 24;
        if (k < lo || k >= hi)
            continue;
        if (ms_grow((void **)&f->dense_tok, &f->dense_tok_cap, f->n_dense_tok + 1,
                    sizeof *f->dense_tok) != MS_OK)
            return MS_ERR_NOMEM;
        f->dense_tok[f->n_dense_tok++] = h;
    }
    return MS_OK;
}

/* The dense blocks of f, and their hits, from src's of the same tokens
 * where they are the same computation, else computed. OUT: *copied, 1
 * when every block of f is src's. */
static ms_status dense_from(ms_featurizer *f, const ms_featurizer *src, const ms_input *in,
                            int *copied)
{
    int shared = dense_shared(f, src);
    *copied = shared && n_dense(f->cfg) == n_dense(src->cfg) &&
              (!f->cfg->intent || f->cfg->lexicon == MS_LEXICON_LIST ||
               src->cfg->intent == f->cfg->intent);
    if (shared) {
        memcpy(f->dense, src->dense, MS_DENSE_LEXICON_COUNT * sizeof *f->dense);
        f->sentiment = src->sentiment;
        if (hits_from(f, src, 0, MS_DENSE_LEXICON_COUNT) != MS_OK)
            return MS_ERR_NOMEM;
    } else if (fz_lexicon_blocks(f, in) != MS_OK) {
        return MS_ERR_NOMEM;
    }
    if (!f->cfg->intent || f->cfg->lexicon == MS_LEXICON_LIST)
        return MS_OK;
    if (shared && src->cfg->intent == f->cfg->intent) {
        memcpy(f->dense + MS_DENSE_INTENT_FIRST, src->dense + MS_DENSE_INTENT_FIRST,
               (MS_DENSE_COUNT - MS_DENSE_INTENT_FIRST) * sizeof *f->dense);
        return hits_from(f, src, MS_DENSE_INTENT_FIRST, MS_DENSE_COUNT);
    }
    return fz_intent_block(f);
}

ms_status ms_features_prepare_from(ms_featurizer *f, const ms_featurizer *src,
                                   const ms_input *in, unsigned *notes)
{
    if (!ms_featurizer_tokens_shared(f, src))
        return ms_features_prepare(f, in, notes);
    if (src == f || !src->has_tokens || src->last != in)
        return MS_ERR_ARG;
    f->recording = 0;
    f->prepared = 0;
    prepare_reset(f, in, 0);
    if (ms_tokens_copy(&f->tok, &src->tok) != MS_OK)
        return MS_ERR_NOMEM;
    f->tok_notes = src->tok_notes;
    if (notes)
        *notes |= f->tok_notes;
    f->has_tokens = 1;
    int counts, dense;
    if (count_from(f, src, &counts) != MS_OK || dense_from(f, src, in, &dense) != MS_OK)
        return MS_ERR_NOMEM;
    f->prepared = 1;
    if (counts && dense && f->cfg->char_weight == src->cfg->char_weight)
        f->same_as = src;
    return MS_OK;
}

int ms_features_same_vector(const ms_featurizer *a, const ms_featurizer *b)
{
    if (a == b)
        return 1;
    if (!a->prepared || !b->prepared || a->last != b->last)
        return 0;
    return a->same_as == b || b->same_as == a;
}

ms_status ms_features_build(ms_featurizer *f, const ms_idf *idf, const ms_input *in,
                            int sorted, ms_fvec *out, unsigned *notes)
{
    ms_status st = ms_features_prepare(f, in, notes);
    return st == MS_OK ? ms_features_weigh(f, idf, sorted, out) : st;
}

ms_status ms_features_weigh(ms_featurizer *f, const ms_idf *idf, int sorted, ms_fvec *out)
{
    if (!f->prepared || f->recording)
        return MS_ERR_ARG;
    ms_status st = weigh(f, idf, f->last);
    if (st != MS_OK)
        return st;
    size_t need = f->n_used + MS_DENSE_COUNT;
    if (ms_grow((void **)&out->idx, &out->cap, need, sizeof *out->idx) != MS_OK)
        return MS_ERR_NOMEM;
    out->cap = 0; /* grow the values alongside */
    if (ms_grow((void **)&out->val, &out->cap, need, sizeof *out->val) != MS_OK)
        return MS_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < f->n_used; i++) {
        uint32_t s = f->used[i];
        if (f->values[s] == 0)
            continue;
        out->idx[n] = (int32_t)(f->keys[s] >> 1) + 1;
        out->val[n++] = f->values[s];
    }
    if (sorted && n > 1) {
        /* sort (idx, val) pairs by idx, then merge word/char collisions */
        struct pair { int32_t idx; int32_t pad; double val; } *p = malloc(n * sizeof *p);
        if (!p)
            return MS_ERR_NOMEM;
        for (size_t i = 0; i < n; i++) {
            p[i].idx = out->idx[i];
            p[i].pad = 0;
            p[i].val = out->val[i];
        }
        qsort(p, n, sizeof *p, cmp_entry);
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (m && out->idx[m - 1] == p[i].idx) {
                out->val[m - 1] += p[i].val;
            } else {
                out->idx[m] = p[i].idx;
                out->val[m++] = p[i].val;
            }
        }
        free(p);
        n = m;
    }
    int32_t base = (int32_t)(1u << f->cfg->hash_bits) + 1;
    for (int k = 0; k < n_dense(f->cfg); k++) {
        if (f->dense[k] == 0)
            continue;
        out->idx[n] = base + k;
        out->val[n++] = dense_value(f, k);
    }
    out->n = n;
    return MS_OK;
}

ms_status ms_features_dot(ms_featurizer *f, const ms_idf *idf, const double *w, int32_t dim,
                          double *out)
{
    if (!f->prepared || f->recording || f->cfg->context)
        return MS_ERR_ARG;
    if (own_counts(f) != MS_OK)
        return MS_ERR_NOMEM;
    /* one pass: each block's squared norm and its dot product with w, then
     * the norms applied to the two sums (the vector's values are tf * idf
     * scaled by their block's norm) */
    double norm[2] = {0, 0}, dot[2] = {0, 0};
    for (size_t i = 0; i < f->n_used; i++) {
        uint32_t s = f->used[i], key = f->keys[s], b = key >> 1;
        double x = idf->idf[b];
        if (!(x > 0))
            continue;
        x *= f->tf[s];
        norm[key & 1] += x * x;
        if ((int32_t)b + 1 < dim)
            dot[key & 1] += w[b + 1] * x;
    }
    double sum = 0;
    if (norm[0] > 0)
        sum += dot[0] * (1 / sqrt(norm[0]));
    if (norm[1] > 0)
        sum += dot[1] * (f->cfg->char_weight / sqrt(norm[1]));
    int32_t base = (int32_t)(1u << f->cfg->hash_bits) + 1;
    for (int k = 0; k < n_dense(f->cfg); k++)
        if (f->dense[k] != 0 && base + k < dim)
            sum += w[base + k] * dense_value(f, k);
    *out = sum;
    return MS_OK;
}

ms_status ms_features_dot_packed(ms_featurizer *f, const ms_pack *pk, int k,
                                 const double *const *dense, const int32_t *dim, double *out)
{
    const double *table = pk->table + MS_PACK_TABLE_SIZE / 2;
    float *const *idf_of = pk->idf_of;
    if (!f->prepared || f->recording || f->cfg->context || k < 1 || k > MS_PACK_MODELS ||
        k != pk->k)
        return MS_ERR_ARG;
    if (own_counts(f) != MS_OK)
        return MS_ERR_NOMEM;
    /* the same sums, in the same order per model, as ms_features_dot, of
     * the same doubles (k / 10^4 is the double the trimmed weight is): a
     * dropped bucket (idf 0) and a weight past a model's dim (0 in the pack)
     * add exact zeros; an escaped weight (rare) is looked up apart */
    double norm[2][MS_PACK_MODELS] = {{0}}, dot[2][MS_PACK_MODELS] = {{0}};
    /* first every slot's address, each fetched as it is found, then the
     * sums: the pack's lines arrive together instead of one miss at a time */
    if (ms_grow((void **)&f->slot_of, &f->slot_of_cap, f->n_used + 1, sizeof *f->slot_of) != MS_OK)
        return MS_ERR_NOMEM;
    size_t last = pk->stride - 1; /* a slot (24 bytes for six) may cross a line */
    for (size_t i = 0; i < f->n_used; i++) {
        const unsigned char *slot = ms_pack_slot(pk, f->keys[f->used[i]] >> 1);
        f->slot_of[i] = slot;
        if (slot) {
            __builtin_prefetch(slot);
            __builtin_prefetch(slot + last);
        }
    }
    for (size_t i = 0; i < f->n_used; i++) {
        uint32_t s = f->used[i], key = f->keys[s], b = key >> 1, blk = key & 1;
        const unsigned char *slot = f->slot_of[i];
        if (!slot) /* no member weighs it: its x is 0 in each, adding 0s */
            continue;
        const uint16_t *pi = ms_pack_idf_ix(slot);
        const int16_t *pw = ms_pack_w(pk, slot);
        double tf = f->tf[s];
        double *nb = norm[blk], *db = dot[blk];
        for (int m = 0; m < k; m++) {
            double x = idf_of[m][pi[m]] * tf;
            double wm = table[pw[m]];
            if (__builtin_expect(pw[m] == MS_PACK_WEIGHT_ESCAPE, 0))
                wm = ms_pack_escaped(pk, b, (uint32_t)m);
            nb[m] += x * x;
            db[m] += wm * x;
        }
    }
    int32_t base = (int32_t)(1u << f->cfg->hash_bits) + 1;
    for (int m = 0; m < k; m++) {
        double sum = 0;
        if (norm[0][m] > 0)
            sum += dot[0][m] * (1 / sqrt(norm[0][m]));
        if (norm[1][m] > 0)
            sum += dot[1][m] * (f->cfg->char_weight / sqrt(norm[1][m]));
        for (int d = 0; d < n_dense(f->cfg); d++)
            if (f->dense[d] != 0 && base + d < dim[m])
                sum += dense[m][d] * dense_value(f, d);
        out[m] = sum;
    }
    return MS_OK;
}

double ms_features_sentiment(const ms_featurizer *f) { return f->sentiment; }

const ms_tokens *ms_featurizer_tokens(const ms_featurizer *f) { return &f->tok; }

static ms_status attribute(ms_featurizer *f, const weights *v, const ms_tokens **tokens,
                           const double **contrib)
{
    const ms_input *in = f->last;
    unsigned notes = 0;
    const double *w = v->w;
    int32_t dim = v->dim;
    if (!in)
        return MS_ERR_ARG;
    /* the counts of the last prepare, with their occurrences, are still
     * in the table (also after another model's attribution: only counts,
     * which the tf no longer needs, are changed below) */
    int again = f->recorded && f->last == in;
    f->recording = 1;
    f->prepared = 0; /* the counts are reused below: weigh needs a new prepare */
    ms_status st = again ? weigh_with(f, v, in) : compute(f, v, in, &notes);
    f->recording = 0;
    f->recorded = st == MS_OK;
    if (st != MS_OK)
        return st;
    const ms_tokens *t = &f->tok;
    if (ms_grow((void **)&f->contrib, &f->contrib_cap, t->n + 1, sizeof *f->contrib) != MS_OK)
        return MS_ERR_NOMEM;
    memset(f->contrib, 0, (t->n + 1) * sizeof *f->contrib);
    /* occurrences per slot, so a feature's w*x is split over them */
    for (size_t i = 0; i < f->n_occ; i++)
        f->counts[f->occ[i].slot] = 0;
    for (size_t i = 0; i < f->n_occ; i++)
        f->counts[f->occ[i].slot] += 1;
    for (size_t i = 0; i < f->n_occ; i++) {
        uint32_t s = f->occ[i].slot;
        int32_t idx = (int32_t)(f->keys[s] >> 1) + 1;
        if (idx < dim)
            f->contrib[f->occ[i].token] += w_of(v, idx) * f->values[s] / f->counts[s];
    }
    int32_t base = (int32_t)(1u << f->cfg->hash_bits) + 1;
    size_t hits[MS_DENSE_COUNT] = {0};
    for (size_t i = 0; i < f->n_dense_tok; i++)
        hits[f->dense_tok[i] >> 24]++;
    for (size_t i = 0; i < f->n_dense_tok; i++) {
        uint32_t k = f->dense_tok[i] >> 24, tk = f->dense_tok[i] & 0xFFFFFF;
        double wk = base + (int32_t)k >= dim ? 0 : v->dense ? v->dense[k] : w[base + (int32_t)k];
        if (base + (int32_t)k < dim)
            f->contrib[tk] += wk * dense_value(f, (int)k) / (double)hits[k];
    }
    *tokens = t;
    *contrib = f->contrib;
    return MS_OK;
}

ms_status ms_features_attribute(ms_featurizer *f, const ms_idf *idf, const double *w,
                                int32_t dim, const ms_tokens **tokens, const double **contrib)
{
    weights v = {.idf = idf, .w = w, .dim = dim};
    return attribute(f, &v, tokens, contrib);
}

ms_status ms_features_attribute_packed(ms_featurizer *f, const ms_pack *pack, int slot,
                                       const double *dense, int32_t dim,
                                       const ms_tokens **tokens, const double **contrib)
{
    if (slot < 0 || slot >= pack->k)
        return MS_ERR_ARG;
    weights v = {.dim = dim, .pack = pack, .slot = slot, .dense = dense};
    return attribute(f, &v, tokens, contrib);
}

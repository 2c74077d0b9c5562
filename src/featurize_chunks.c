/* featurize_chunks.c - the char block from the text's whitespace-separated
 * chunks (ms_feature_config.char_chunks): each chunk lower-cased code point
 * by code point, padded with a space either side, and its code point
 * n-grams hashed, punctuation, emoji and symbols kept ("Mist!", "😂🤣",
 * "\"seiner\""), as scikit-learn's char_wb analyser reads the raw text. The
 * folded words lose those marks, and on GermEval 2021's Facebook comments
 * the peer's CV figure fell from 0.705 to 0.682 without them. */
#include "featurize_int.h"

#include <utf8proc.h>

/* Code points of a chunk that its n-grams are taken from (the rest of a
 * longer chunk is left out, as a word's bytes past CHAR_SPAN_MAX are). */
#define CHUNK_CPS_MAX 64

static int is_space(int32_t c)
{
    if (c < 128)
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    if (c == 0x85)
        return 1;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

/* The code point at s[0..n) (U+FFFD for an invalid byte). OUT: *len, the
 * bytes it takes (at least 1). */
static int32_t next_cp(const char *s, size_t n, size_t *len)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          n < 4 ? (utf8proc_ssize_t)n : 4, &c);
    *len = k > 0 ? (size_t)k : 1;
    return k > 0 ? c : 0xFFFD;
}

/* A chunk, lower-cased and padded: its code points' UTF-8 bytes back to
 * back, unit u in bytes[off[u] .. off[u + 1]). */
typedef struct chunk {
    unsigned char bytes[(CHUNK_CPS_MAX + 2) * 4];
    uint16_t off[CHUNK_CPS_MAX + 3];
    size_t units;
} chunk;

static void chunk_read(chunk *c, const char *s, size_t n)
{
    size_t b = 0, u = 0, at = 0;
    c->off[u++] = 0;
    c->bytes[b++] = ' ';
    while (at < n && u <= CHUNK_CPS_MAX) {
        size_t len;
        int32_t cp = utf8proc_tolower(next_cp(s + at, n - at, &len));
        at += len;
        c->off[u++] = (uint16_t)b;
        b += (size_t)utf8proc_encode_char(cp, c->bytes + b);
    }
    c->off[u++] = (uint16_t)b;
    c->bytes[b++] = ' ';
    c->off[u] = (uint16_t)b;
    c->units = u;
}

/* Counts the n-grams of chunk c for token tk with add. */
static ms_status chunk_grams(ms_featurizer *f, const chunk *c, uint32_t tk, fz_add_fn add)
{
    size_t lo = (size_t)f->cfg->char_ngram_min, hi = (size_t)f->cfg->char_ngram_max;
    /* beside the words' n-grams, the chunks' are features of their own */
    uint32_t seed = f->cfg->char_chunks == MS_CHAR_SOURCE_BOTH ? SEED_CHUNK : SEED_CHAR;
    for (size_t p = 0; p + lo <= c->units; p++) {
        uint32_t h = seed;
        for (size_t k = 0; k < hi && p + k < c->units; k++) {
            for (size_t i = c->off[p + k]; i < c->off[p + k + 1]; i++)
                h = fnv_step(h, c->bytes[i]);
            if (k + 1 >= lo && add(f, fmix(h) & f->mask, tk) != MS_OK)
                return MS_ERR_NOMEM;
        }
    }
    return MS_OK;
}

/* Whether token i keeps the chunk holding it out: a link (its words have
 * no char n-grams either), a word every feature leaves out, or one only
 * counted as a placeholder (replace's bits of f->grp). */
static int keeps_out(const ms_featurizer *f, const ms_tokens *t, size_t i, uint8_t replace)
{
    return (t->tok[i].flags & MS_TOK_URL) || fz_skipped(f, t, i) ||
           (replace && (f->grp[i] & replace));
}

ms_status fz_chunk_grams(ms_featurizer *f, const ms_tokens *t, uint8_t replace, fz_add_fn add)
{
    const char *s = f->text;
    size_t n = f->text_len, at = 0, j = 0;
    chunk c;
    while (at < n) {
        size_t len;
        if (is_space(next_cp(s + at, n - at, &len))) {
            at += len;
            continue;
        }
        size_t start = at;
        while (at < n && !is_space(next_cp(s + at, n - at, &len)))
            at += len;
        /* the tokens inside [start, at): the first is the chunk's, for
         * attribution; a chunk of none ("!!!", "😂") is the word's before
         * it, else after it (t->n, the spare slot, in a text of none) */
        while (j < t->n && t->tok[j].end <= start)
            j++;
        uint32_t tk = (uint32_t)(j < t->n && t->tok[j].start < at ? j : j > 0 ? j - 1 : j);
        int out = 0;
        for (size_t i = j; i < t->n && t->tok[i].start < at && !out; i++)
            out = keeps_out(f, t, i, replace);
        if (out)
            continue;
        chunk_read(&c, s + start, at - start);
        if (chunk_grams(f, &c, tk, add) != MS_OK)
            return MS_ERR_NOMEM;
    }
    return MS_OK;
}

/* featurize_group.c - identity terms as one placeholder (the settings'
 * group_terms): which tokens of a comment name an identity group, from the
 * lexicons' identity_terms.txt (one to three words: "muslims", "native
 * americans", "mentally ill"), and the comment's word n-grams with each
 * such term replaced by one placeholder word. A model then learns "<group>
 * are vermin" from whichever groups its training data attacks and reads it
 * for every group: the groups a model missed were those with few hateful
 * training rows. featurize.c adds the n-grams to its table. */
#include "featurize_int.h"
#include "termset.h"

#include <stdint.h>
#include <string.h>

#define TERM_WORDS MS_TERMSET_MAX_WORDS
#define TERM_BYTES MS_TERMSET_MAX_BYTES
#define GRAM_MAX 3     /* placeholder n-grams of 1..GRAM_MAX units */
#define SEED_PLACEHOLDER 0x68e31da4u

/* The number of tokens (1..TERM_WORDS) of the identity term that starts at
 * token i, 0 for none; the longest listed term wins. */
static size_t term_at(const ms_featurizer *f, const ms_tokens *t, size_t i)
{
    char buf[TERM_BYTES];
    size_t len = 0, found = 0;
    for (size_t k = 0; k < TERM_WORDS && i + k < t->n && !fz_skipped(f, t, i + k); k++) {
        size_t n = t->tok[i + k].fold_len;
        if (len + (k > 0) + n > sizeof buf)
            break;
        if (k > 0)
            buf[len++] = ' ';
        memcpy(buf + len, ms_token_text(t, i + k), n);
        len += n;
        unsigned hit = ms_lexicon_group_lookup(f->lx, buf, len);
        if (hit & MS_TERMSET_TERM)
            found = k + 1;
        if (!(hit & MS_TERMSET_LONGER)) /* no longer term starts so */
            break;
    }
    return found;
}

/* Fills f->units with the comment as units (words, identity terms and
 * breaks) and marks the terms' tokens in f->grp; returns how many. */
static size_t make_units(ms_featurizer *f, const ms_tokens *t)
{
    size_t u = 0;
    for (size_t i = 0; i < t->n;) {
        fz_unit *un = &f->units[u++];
        size_t k = 1;
        if (fz_skipped(f, t, i)) {
            un->hash = FZ_UNIT_BREAK;
        } else if ((k = term_at(f, t, i)) > 0) {
            un->hash = FZ_UNIT_GROUP;
            f->grp[i] = FZ_GRP_FIRST;
            for (size_t j = 1; j < k; j++)
                f->grp[i + j] = FZ_GRP_MORE;
        } else {
            k = 1;
            un->hash = fmix(hash_bytes(SEED_WORD1, ms_token_text(t, i), t->tok[i].fold_len));
            if (un->hash == FZ_UNIT_BREAK || un->hash == FZ_UNIT_GROUP)
                un->hash ^= 1u;
        }
        un->first = (uint32_t)i;
        un->last = (uint32_t)(i + k - 1);
        i += k;
    }
    return u;
}

ms_status fz_group_terms(ms_featurizer *f, const ms_tokens *t)
{
    f->n_grams = 0;
    if (!f->cfg->group_terms || !t->n)
        return MS_OK;
    if (ms_grow((void **)&f->grp, &f->grp_cap, t->n, sizeof *f->grp) != MS_OK ||
        ms_grow((void **)&f->units, &f->units_cap, t->n, sizeof *f->units) != MS_OK)
        return MS_ERR_NOMEM;
    memset(f->grp, FZ_GRP_NONE, t->n * sizeof *f->grp);
    /* most comments name no group: then there is no placeholder and no
     * scope (fz_group_scope marks only beside a group), so nothing to mark
     * and no n-gram; the words' hashes are left unmade (issue 20) */
    size_t i = 0;
    while (i < t->n && (fz_skipped(f, t, i) || !term_at(f, t, i)))
        i++;
    if (i == t->n)
        return MS_OK;
    size_t n_units = make_units(f, t);
    /* scope marks first: replacing, they take their units from the n-grams */
    if (f->cfg->group_scope && fz_group_scope(f, t, n_units) != MS_OK)
        return MS_ERR_NOMEM;
    for (size_t u = 0; u < n_units; u++) {
        /* the n-grams that end at unit u, shortest first, while no break
         * (or unit a scope replaced) is inside; each counted when it holds
         * a placeholder */
        uint32_t h = SEED_PLACEHOLDER;
        int holds = 0;
        for (size_t n = 1; n <= GRAM_MAX && n <= u + 1; n++) {
            const fz_unit *s = &f->units[u + 1 - n];
            if (s->hash == FZ_UNIT_BREAK || (f->grp[s->first] & FZ_GRP_SCOPED))
                break;
            holds |= s->hash == FZ_UNIT_GROUP;
            /* the hash reads the units right to left: the same n-gram gets the
             * same hash wherever it stands */
            h = fmix(h * 31u ^ s->hash);
            if (!holds)
                continue;
            if (fz_add_gram(f, fmix(h + (uint32_t)n) & f->mask, s->first, f->units[u].last) !=
                MS_OK)
                return MS_ERR_NOMEM;
        }
    }
    return MS_OK;
}

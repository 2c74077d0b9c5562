/* featurize_lexicon.c - the lexicon block of the dense features (the
 * settings' lexicon): AFINN and VADER valence, profanity and insult list
 * hits, "you are a ..." aimed at someone, second-person words, capitals,
 * '!' and disguised words; the style block of a language the lexicons do
 * not describe, and the hits of a language's own list. From the tokens of
 * the last prepare; featurize.c adds the block to the vector. */
#include "featurize_int.h"

#include "sentiment.h"

#include <string.h>

/* A second-person word: what an insult is aimed with. */
int fz_is_you(const char *w, size_t n)
{
    /* with their lengths: asked of every token, twice */
    static const ms_lit you[] = {MS_LIT("you"),   MS_LIT("your"),     MS_LIT("youre"),
                                 MS_LIT("u"),     MS_LIT("ur"),       MS_LIT("yours"),
                                 MS_LIT("yourself"), MS_LIT("ya"),    MS_LIT("yall"),
                                 MS_LIT("thou")};
    for (size_t k = 0; k < sizeof you / sizeof *you; k++)
        if (you[k].n == n && memcmp(you[k].s, w, n) == 0)
            return 1;
    return 0;
}

/* A word that insults when aimed at someone. */
static int is_attack_word(const ms_lexicon *lx, const char *w, size_t n)
{
    ms_lexicon_word x;
    ms_lexicon_word_of(lx, w, n, &x);
    return (x.lists & (MS_LEXICON_ON_INSULT | MS_LEXICON_ON_PROFANE)) ||
           ((x.lists & MS_LEXICON_ON_AFINN) && x.afinn <= -2);
}

static ms_status lexicon_block(ms_featurizer *f, const ms_input *in)
{
    const ms_tokens *t = &f->tok;
    const ms_lexicon *lx = f->lx;
    double afinn_neg = 0, afinn_pos = 0, profane = 0, insult = 0, you_are = 0, obf = 0;
    size_t vader_neg = 0, second = 0, counted = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (fz_skipped(f, t, i))
            continue;
        counted++;
        const char *w = ms_token_text(t, i);
        size_t n = t->tok[i].fold_len;
        ms_lexicon_word x;
        ms_lexicon_word_of(lx, w, n, &x);
        if (x.lists & MS_LEXICON_ON_AFINN) {
            if (x.afinn < 0) {
                afinn_neg -= x.afinn;
                if (fz_dense_hit(f, MS_DENSE_AFINN_NEG, i) != MS_OK)
                    return MS_ERR_NOMEM;
            } else {
                afinn_pos += x.afinn;
            }
        }
        if ((x.lists & MS_LEXICON_ON_VADER) && x.vader < -1)
            vader_neg++;
        if (x.lists & MS_LEXICON_ON_PROFANE) {
            profane++;
            if (fz_dense_hit(f, MS_DENSE_PROFANE, i) != MS_OK)
                return MS_ERR_NOMEM;
        }
        if (x.lists & MS_LEXICON_ON_INSULT) {
            insult++;
            if (fz_dense_hit(f, MS_DENSE_INSULT, i) != MS_OK)
                return MS_ERR_NOMEM;
        }
        if (t->tok[i].flags & MS_TOK_OBFUSCATED)
            obf++;
        if (!fz_is_you(w, n))
            continue;
        second++;
        /* "you idiot", "you are (a|an|so|such a|the) idiot", "your X is stupid" */
        size_t j = i + 1;
        if (word_is(t, j, "are") || word_is(t, j, "re") || word_is(t, j, "r"))
            j++;
        while (word_is(t, j, "a") || word_is(t, j, "an") || word_is(t, j, "so") ||
               word_is(t, j, "such") || word_is(t, j, "the") || word_is(t, j, "such") ||
               word_is(t, j, "total") || word_is(t, j, "complete") || word_is(t, j, "really") ||
               word_is(t, j, "fucking") || word_is(t, j, "stupid"))
            j++;
        if (j < t->n && j <= i + 5 && !fz_skipped(f, t, j) &&
            is_attack_word(lx, ms_token_text(t, j), t->tok[j].fold_len)) {
            you_are++;
            if (fz_dense_hit(f, MS_DENSE_YOU_ARE, j) != MS_OK || fz_dense_hit(f, MS_DENSE_YOU_ARE, i))
                return MS_ERR_NOMEM;
        } else if (word_is(t, i, "your")) {
            for (size_t k = i + 2; k < t->n && k <= i + 4; k++) {
                if ((word_is(t, k - 1, "is") || word_is(t, k - 1, "are")) &&
                    !fz_skipped(f, t, k) &&
                    is_attack_word(lx, ms_token_text(t, k), t->tok[k].fold_len)) {
                    you_are++;
                    if (fz_dense_hit(f, MS_DENSE_YOU_ARE, k) != MS_OK)
                        return MS_ERR_NOMEM;
                    break;
                }
            }
        }
    }
    double *d = f->dense;
    d[MS_DENSE_AFINN_NEG] = squash(afinn_neg, 5);
    d[MS_DENSE_AFINN_POS] = squash(afinn_pos, 5);
    d[MS_DENSE_VADER_NEG] = counted ? (double)vader_neg / (double)counted : 0;
    f->sentiment = ms_vader_compound(lx, in->text, in->len);
    d[MS_DENSE_VADER_COMPOUND] = f->sentiment;
    d[MS_DENSE_PROFANE] = squash(profane, 1);
    d[MS_DENSE_INSULT] = squash(insult, 1);
    d[MS_DENSE_YOU_ARE] = squash(you_are, 1);
    d[MS_DENSE_SECOND_PERSON] = counted ? (double)second / (double)counted : 0;
    d[MS_DENSE_CAPS] = t->letters >= 4 ? (double)t->upper_letters / (double)t->letters : 0;
    d[MS_DENSE_EXCLAIM] = squash((double)t->exclaims, 2);
    d[MS_DENSE_OBFUSCATED] = squash(obf, 1);
    return MS_OK;
}

/* The dense features that hold in any language (capitals, '!', disguised
 * words), the list-based ones 0: lexicon setting MS_LEXICON_STYLE, for a
 * model of a language the lexicons (English) do not describe. No
 * sentiment either: VADER is English. */
static void style_block(ms_featurizer *f)
{
    const ms_tokens *t = &f->tok;
    double obf = 0;
    for (size_t i = 0; i < t->n; i++)
        obf += !fz_skipped(f, t, i) && (t->tok[i].flags & MS_TOK_OBFUSCATED);
    double *d = f->dense;
    memset(d, 0, MS_DENSE_LEXICON_COUNT * sizeof *d);
    f->sentiment = 0;
    d[MS_DENSE_CAPS] = t->letters >= 4 ? (double)t->upper_letters / (double)t->letters : 0;
    d[MS_DENSE_EXCLAIM] = squash((double)t->exclaims, 2);
    d[MS_DENSE_OBFUSCATED] = squash(obf, 1);
}

/* MS_LEXICON_LIST: the style block and hits on the language's own list. */
static ms_status list_block(ms_featurizer *f)
{
    const ms_tokens *t = &f->tok;
    double profane = 0;
    style_block(f);
    for (size_t i = 0; f->list && i < t->n; i++) {
        if (fz_skipped(f, t, i) ||
            !ms_lexicon_profane(f->list, ms_token_text(t, i), t->tok[i].fold_len))
            continue;
        profane++;
        if (fz_dense_hit(f, MS_DENSE_PROFANE, i) != MS_OK)
            return MS_ERR_NOMEM;
    }
    f->dense[MS_DENSE_PROFANE] = squash(profane, 1);
    return MS_OK;
}

/* The lexicon block of f->tok, as the settings have it. */
ms_status fz_lexicon_blocks(ms_featurizer *f, const ms_input *in)
{
    if (f->cfg->lexicon == MS_LEXICON_STYLE)
        style_block(f);
    else if (f->cfg->lexicon == MS_LEXICON_LIST)
        return list_block(f);
    else if (f->cfg->lexicon && lexicon_block(f, in) != MS_OK)
        return MS_ERR_NOMEM;
    return MS_OK;
}

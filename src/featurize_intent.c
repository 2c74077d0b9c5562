/* featurize_intent.c - the violent-intent block of the dense features
 * (cfg->intent): violent words, and whether one follows an intent or call
 * phrase ("should", "i will", "hope someone", "deserve to") and whether it
 * is aimed at a person ("him", "them all", "your house", "be shot"). A
 * threat is a violent act wished, promised or called for against someone;
 * the hashed n-grams see each word, but not that shape across the words
 * between.
 *
 * The word lists are compiled in and versioned by cfg->intent (the card's
 * "intent"), not files in the lexicon directory: a list file would change
 * every English model's lexicon hash. A change to a list is a new version
 * (MS_INTENT_VERSION), and models trained with the old one keep it.
 * Tokens are the folded ones (k1ll -> kill, I'll -> ill, let's -> lets). */
#include "featurize_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How many tokens before a violent word an intent phrase may be, inside
 * its sentence ("somebody should drag him out of the town hall and hang
 * him"), and after it a target ("burn down your house"). */
#define INTENT_WINDOW 10
#define AIM_WINDOW 3

typedef struct word_list {
    const char *const *w;
    size_t n;
} word_list;

#define LIST(a) {a, sizeof a / sizeof *a}

/* Version 1's lists. */
static const char *const violent_v1[] = {
    "kill", "kills", "killed", "killing", "murder", "murders", "murdered", "murdering",
    "shoot", "shoots", "shot", "shooting", "hang", "hangs", "hanged", "hung", "hanging",
    "lynch", "lynched", "lynches", "lynching", "burn", "burns", "burned", "burnt", "burning",
    "stab", "stabs", "stabbed", "stabbing", "beat", "beaten", "beating", "slaughter",
    "slaughtered", "slaughtering", "execute", "executed", "executing", "exterminate",
    "exterminated", "exterminating", "eradicate", "eradicated", "annihilate", "annihilated",
    "gas", "gassed", "gassing", "behead", "beheaded", "beheading", "decapitate",
    "decapitated", "bomb", "bombed", "bombing", "nuke", "nuked", "rape", "raped", "raping",
    "strangle", "strangled", "choke", "choked", "drown", "drowned", "torture", "tortured",
    "torturing", "mutilate", "mutilated", "hurt", "hurting", "harm", "maim", "maimed",
    "butcher", "butchered", "massacre", "massacred", "slit", "punch", "punched", "bash",
    "bashed", "stomp", "stomped", "torch", "torched", "poison", "poisoned", "assassinate",
    "assassinated", "shank", "knife", "knifed", "die", "dies", "dead", "death", "hunt",
    "hunted", "whip", "whipped", "castrate", "castrated", "skin", "skinned", "crucify",
    "crucified", "electrocute", "electrocuted", "gut", "gutted", "bullet", "bullets", "smash",
    "firebomb", "firebombed"};

/* An intent or call: what comes before a violent word in a threat ("i
 * will", "we're gonna", "should", "let's", "hope someone", "deserve to",
 * "needs to be", "go kill yourself", "pray someone"). */
static const char *const intent_v1[] = {
    "will", "ill", "gonna", "wanna", "should", "shall", "must", "ought", "deserve",
    "deserves", "lets", "need", "needs", "hope", "wish", "want", "wants", "gotta", "would",
    "id", "going", "go", "pray", "shouldve", "outta"};

/* Words that take the intent back ("nobody should", "i would never"). */
static const char *const negation_v1[] = {
    "not", "never", "no", "nobody", "noone", "dont", "wont", "cant", "cannot", "shouldnt",
    "wouldnt", "didnt", "doesnt", "isnt", "arent", "mustnt", "neither", "nor", "none"};

/* A person or a person's things, after a violent word. */
static const char *const target_v1[] = {
    "you", "u", "ya", "yall", "him", "her", "them", "em", "your", "ur", "his", "their",
    "yourself", "yourselves", "himself", "herself", "themselves", "all", "every",
    "everyone", "everybody", "each", "those", "these", "anyone", "anybody", "whoever",
    "people"};

/* Before a violent word: it is done to the sentence's subject ("should be
 * shot", "get hanged"). */
static const char *const passive_v1[] = {"be", "been", "get", "gets", "got", "getting",
                                         "being"};

typedef struct intent_lists {
    word_list violent, intent, negation, target, passive;
} intent_lists;

static const intent_lists lists_v1 = {LIST(violent_v1), LIST(intent_v1), LIST(negation_v1),
                                      LIST(target_v1), LIST(passive_v1)};

/* The lists as fz_intent_word_lists gives them: list k is bit 1 << k of a
 * word's entry in the index and of a token's in f->intent_bits. */
enum { L_VIOLENT = 1, L_INTENT = 2, L_NEGATION = 4, L_TARGET = 8, L_PASSIVE = 16 };

const char *const *fz_intent_word_list(int version, int list, size_t *n)
{
    const intent_lists *L = &lists_v1;
    const word_list *l[FZ_INTENT_LISTS] = {&L->violent, &L->intent, &L->negation, &L->target,
                                           &L->passive};
    if (version != 1 || list < 0 || list >= FZ_INTENT_LISTS) {
        *n = 0;
        return NULL;
    }
    *n = l[list]->n;
    return l[list]->w;
}

/* Which lists hold a word: an open-addressing table of the version's words
 * (200 in 512 slots), one hash and a probe or two a token where a scan
 * of the lists compared each token with up to 200 words (a tenth of `score`'s
 * instructions, issue 20). */
#define INDEX_SLOTS 512u

typedef struct index_slot {
    const char *w; /* NULL: empty */
    uint32_t len;
    uint32_t lists;
} index_slot;

struct fz_intent_index {
    index_slot slot[INDEX_SLOTS];
};

static uint32_t index_hash(const char *w, size_t n)
{
    return fmix(hash_bytes(SEED_WORD1, w, n)) & (INDEX_SLOTS - 1);
}

static index_slot *index_find(fz_intent_index *ix, const char *w, size_t n)
{
    uint32_t s = index_hash(w, n);
    while (ix->slot[s].w && (ix->slot[s].len != n || memcmp(ix->slot[s].w, w, n) != 0))
        s = (s + 1) & (INDEX_SLOTS - 1);
    return &ix->slot[s];
}

ms_status fz_intent_index_new(int version, fz_intent_index **out)
{
    *out = NULL;
    fz_intent_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return MS_ERR_NOMEM;
    for (int k = 0; k < FZ_INTENT_LISTS; k++) {
        size_t n;
        const char *const *w = fz_intent_word_list(version, k, &n);
        for (size_t i = 0; i < n; i++) {
            index_slot *e = index_find(ix, w[i], strlen(w[i]));
            e->w = w[i];
            e->len = (uint32_t)strlen(w[i]);
            e->lists |= 1u << k;
        }
    }
    *out = ix;
    return MS_OK;
}

void fz_intent_index_free(fz_intent_index *ix) { free(ix); }

unsigned fz_intent_lists_of(const fz_intent_index *ix, const char *w, size_t n)
{
    uint32_t s = index_hash(w, n);
    for (;; s = (s + 1) & (INDEX_SLOTS - 1)) {
        const index_slot *e = &ix->slot[s];
        if (!e->w)
            return 0;
        if (e->len == n && memcmp(e->w, w, n) == 0)
            return e->lists;
    }
}

static int usable(const ms_featurizer *f, const ms_tokens *t, size_t i)
{
    return !(f->skip && f->skip(f->skip_ud, ms_token_text(t, i), t->tok[i].fold_len));
}

/* Whether token i is a usable word of the lists in bits (f->intent_bits,
 * filled by fz_intent_block for the last tokens). */
static int is_in(const ms_featurizer *f, unsigned bits, size_t i)
{
    return i < f->tok.n && (f->intent_bits[i] & bits);
}

/* Whether a sentence ends between tokens i and i + 1 (. ! ? ; or a line
 * break in the text between them). */
static int sentence_ends(const ms_featurizer *f, size_t i)
{
    const ms_tokens *t = &f->tok;
    for (uint32_t b = t->tok[i].end; b < t->tok[i + 1].start && b < f->last->len; b++) {
        char c = f->last->text[b];
        if (c == '.' || c == '!' || c == '?' || c == ';' || c == '\n')
            return 1;
    }
    return 0;
}

/* A past form ("killed", "shot"): after an intent only as a passive ("should
 * be shot"), since "will find whoever killed him" reports a deed. */
static int is_past(const ms_tokens *t, size_t v)
{
    size_t n = t->tok[v].fold_len;
    const char *w = ms_token_text(t, v);
    return (n > 3 && w[n - 2] == 'e' && w[n - 1] == 'd') || word_is(t, v, "shot") ||
           word_is(t, v, "hung") || word_is(t, v, "burnt") || word_is(t, v, "beaten");
}

static int passive(const ms_featurizer *f, size_t v)
{
    return (v >= 1 && is_in(f, L_PASSIVE, v - 1)) || (v >= 2 && is_in(f, L_PASSIVE, v - 2));
}

/* The intent token before violent word v (SIZE_MAX: none): the nearest
 * within INTENT_WINDOW in its sentence, with no negation from two tokens
 * before it up to v ("no one should", "i would never"). */
static size_t intent_before(const ms_featurizer *f, size_t v)
{
    if (is_past(&f->tok, v) && !passive(f, v))
        return SIZE_MAX;
    size_t from = v > INTENT_WINDOW ? v - INTENT_WINDOW : 0;
    for (size_t i = v; i-- > from;) {
        if (sentence_ends(f, i) || is_in(f, L_NEGATION, i))
            return SIZE_MAX;
        if (is_in(f, L_INTENT, i)) {
            for (size_t k = i >= 2 ? i - 2 : 0; k < i; k++)
                if (is_in(f, L_NEGATION, k))
                    return SIZE_MAX;
            return i;
        }
    }
    return SIZE_MAX;
}

/* A person violent word v is aimed at (SIZE_MAX: none): a target word in
 * the AIM_WINDOW tokens after it or an insult naming one ("the bastard"),
 * or v itself when it is passive ("be shot": the subject is the target). */
static size_t aimed_at(const ms_featurizer *f, size_t v)
{
    const ms_tokens *t = &f->tok;
    for (size_t k = v + 1; k < t->n && k <= v + AIM_WINDOW; k++) {
        if (is_in(f, L_TARGET, k) ||
            (usable(f, t, k) &&
             (ms_lexicon_insult(f->lx, ms_token_text(t, k), t->tok[k].fold_len) ||
              ms_lexicon_profane(f->lx, ms_token_text(t, k), t->tok[k].fold_len))))
            return k;
    }
    return passive(f, v) ? v : SIZE_MAX;
}

ms_status fz_intent_block(ms_featurizer *f)
{
    const ms_tokens *t = &f->tok;
    if (!f->intent_ix)
        return MS_ERR_ARG;
    if (ms_grow((void **)&f->intent_bits, &f->intent_bits_cap, t->n, sizeof *f->intent_bits) !=
        MS_OK)
        return MS_ERR_NOMEM;
    for (size_t i = 0; i < t->n; i++) {
        unsigned bits = fz_intent_lists_of(f->intent_ix, ms_token_text(t, i), t->tok[i].fold_len);
        f->intent_bits[i] = (uint8_t)(bits && usable(f, t, i) ? bits : 0);
    }
    double violent = 0, intent = 0, aimed = 0, both = 0;
    for (size_t v = 0; v < t->n; v++) {
        if (!is_in(f, L_VIOLENT, v))
            continue;
        violent++;
        size_t it = intent_before(f, v), at = aimed_at(f, v);
        /* a target between the intent and the act: "hope you die", "want
         * them dead" */
        for (size_t k = it + 1; it != SIZE_MAX && at == SIZE_MAX && k < v; k++)
            if (is_in(f, L_TARGET, k))
                at = k;
        /* "death to X" calls for it and names its target */
        if (word_is(t, v, "death") && word_is(t, v + 1, "to"))
            it = at = v + 1;
        if (fz_dense_hit(f, MS_DENSE_VIOLENT, v) != MS_OK)
            return MS_ERR_NOMEM;
        if (it != SIZE_MAX) {
            intent++;
            if (fz_dense_hit(f, MS_DENSE_VIOLENT_INTENT, v) != MS_OK ||
                fz_dense_hit(f, MS_DENSE_VIOLENT_INTENT, it) != MS_OK)
                return MS_ERR_NOMEM;
        }
        if (at != SIZE_MAX) {
            aimed++;
            if (fz_dense_hit(f, MS_DENSE_VIOLENT_AIMED, v) != MS_OK)
                return MS_ERR_NOMEM;
        }
        if (it != SIZE_MAX && at != SIZE_MAX) {
            both++;
            if (fz_dense_hit(f, MS_DENSE_VIOLENT_BOTH, v) != MS_OK ||
                fz_dense_hit(f, MS_DENSE_VIOLENT_BOTH, it) != MS_OK)
                return MS_ERR_NOMEM;
        }
    }
    double *d = f->dense;
    d[MS_DENSE_VIOLENT] = squash(violent, 1);
    d[MS_DENSE_VIOLENT_INTENT] = squash(intent, 1);
    d[MS_DENSE_VIOLENT_AIMED] = squash(aimed, 1);
    d[MS_DENSE_VIOLENT_BOTH] = squash(both, 1);
    return MS_OK;
}

/* featurize_scope.c - scope-marked words beside the identity terms (the
 * settings' group_scope): a word or placeholder that a negation ("not",
 * "dont", "never"), a verb of saying ("say", "claims", "calling") or a
 * quotation reaches is counted again, marked by that scope. "<group> are
 * not parasites", "i dont hate <group>" and "stop saying <group> are
 * parasites" hold the words of an attack, which bag-of-words reads as one;
 * marked, "parasites" after "not" or "saying" is a feature of its own and
 * can weigh what such sentences were labelled.
 *
 * A negation's or a verb's scope is the SCOPE_MAX units after it, up to the
 * clause's end (. , ; : ! ? or a line break between two words, or "but");
 * a quotation's, the words between double quotes (" or the typographic
 * ones). Only a sentence (up to . ; ! ? or a line break) that names a
 * group is marked: marked everywhere, the words after every "not" of the
 * Civil Comments split cost it 0.014 ROC AUC. Replacing
 * (MS_GROUP_SCOPE_REPLACE), a scoped word is counted only marked: "scum"
 * after "not" is then not the word "scum" at all, whose weight carried the
 * sentence when the marks were only added.
 *
 * Like the intent block's, the cue lists are compiled in, not a lexicon
 * file: a changed list is a new value of the card's "group_scope" (this
 * build knows those up to MS_GROUP_SCOPE_REPLACE). Tokens are the folded
 * ones ("don't" -> dont). SCOPE_MAX and the lists were chosen on
 * train/identity_attack/dev.jsonl and the held-out splits (README,
 * "Measured"). */
#include "featurize_int.h"

#include <stdint.h>

#define SCOPE_MAX 5
#define SEED_NEGATED 0x3b9f2a11u
#define SEED_SAID 0x5d1c7e43u
#define SEED_QUOTED 0x7a24c9b5u

/* The cues. "no", "stop", "without", "nothing" and "none" are not: they
 * start more attacks than denials ("no more <group>", "stop <group>"), and
 * with them every held-out split but Civil Comments lost up to 0.001-0.003
 * (HatEval dev) where the dev set gained 0.010 without them. */
static const char *const negation_v1[] = {
    "not",   "never", "nobody", "noone",  "neither", "nor",    "cannot", "cant",
    "dont",  "doesnt", "didnt", "isnt",   "arent",   "wasnt",  "werent", "wont",
    "wouldnt", "shouldnt", "couldnt", "mustnt", "havent", "hasnt", "hadnt", "aint"};

/* Verbs of saying, and words that call a saying untrue ("it is false that"). */
static const char *const saying_v1[] = {
    "say",      "says",    "saying",   "said",     "claim",    "claims",   "claiming",
    "claimed",  "call",    "calls",    "calling",  "called",   "thinks",   "believes",
    "suggest",  "suggests", "suggesting", "imply", "implies",  "implying", "insist",
    "insists",  "insisting", "pretend", "pretending", "argue", "argues",   "arguing",
    "tweet",    "tweeted", "tweeting", "posted",   "posting",  "wrote",    "writes",
    "writing",  "repeat",  "repeating", "spread",  "spreading", "hear",    "heard",
    "stereotype", "stereotypes", "myth", "myths",  "lie",      "lies",     "joke",
    "jokes",    "joking",  "rhetoric", "slogan",   "statement", "statements", "false",
    "untrue",   "wrong"};

typedef struct cue_list {
    const char *const *w;
    size_t n;
} cue_list;

static const cue_list negation_list = {negation_v1, sizeof negation_v1 / sizeof *negation_v1},
                      saying_list = {saying_v1, sizeof saying_v1 / sizeof *saying_v1};

/* Whether w (n bytes) is one of l's words, compared byte by byte (most
 * fail at the first). */
static int listed(const cue_list *l, const char *w, size_t n)
{
    for (size_t k = 0; k < l->n; k++) {
        const char *e = l->w[k];
        size_t j = 0;
        while (j < n && e[j] && e[j] == w[j])
            j++;
        if (j == n && !e[j])
            return 1;
    }
    return 0;
}

/* What the text between two words holds: whether a clause or a sentence
 * ends there, and how many double quotes. */
typedef struct gap {
    int clause_ends, sentence_ends;
    unsigned quotes;
} gap;

static gap read_gap(const char *text, size_t len, uint32_t from, uint32_t to)
{
    gap g = {0, 0, 0};
    for (size_t b = from; b < to && b < len; b++) {
        unsigned char c = (unsigned char)text[b];
        if (c == '.' || c == ';' || c == '!' || c == '?' || c == '\n')
            g.clause_ends = g.sentence_ends = 1;
        else if (c == ',' || c == ':')
            g.clause_ends = 1;
        else if (c == '"')
            g.quotes++;
        /* U+201C-U+201E and U+00AB, U+00BB */
        else if (c == 0xE2 && b + 2 < len && (unsigned char)text[b + 1] == 0x80 &&
                 (unsigned char)text[b + 2] >= 0x9C && (unsigned char)text[b + 2] <= 0x9E)
            g.quotes++, b += 2;
        else if (c == 0xC2 && b + 1 < len &&
                 ((unsigned char)text[b + 1] == 0xAB || (unsigned char)text[b + 1] == 0xBB))
            g.quotes++, b += 1;
    }
    return g;
}

/* Counts unit u again marked by seed. */
static ms_status mark(ms_featurizer *f, const fz_unit *u, uint32_t seed)
{
    return fz_add_gram(f, fmix(seed ^ fmix(u->hash)) & f->mask, u->first, u->last);
}

/* Sets (on) or clears the FZ_GRP_SCOPED mark of the tokens of units
 * from .. to - 1. */
static void set_scoped(ms_featurizer *f, size_t from, size_t to, int on)
{
    for (size_t k = from; k < to; k++)
        for (uint32_t i = f->units[k].first; i <= f->units[k].last; i++)
            f->grp[i] = on ? f->grp[i] | FZ_GRP_SCOPED : f->grp[i] & ~FZ_GRP_SCOPED;
}

/* Ends a sentence of units from .. to - 1 whose marks start at grams[first]:
 * they are kept when it names a group, else taken back. */
static void end_sentence(ms_featurizer *f, int has_group, size_t first, size_t from, size_t to)
{
    if (has_group)
        return;
    f->n_grams = first;
    if (f->cfg->group_scope == MS_GROUP_SCOPE_REPLACE)
        set_scoped(f, from, to, 0);
}

ms_status fz_group_scope(ms_featurizer *f, const ms_tokens *t, size_t n_units)
{
    /* only a sentence naming a group is marked: most comments name none */
    size_t first_group = 0;
    while (first_group < n_units && f->units[first_group].hash != FZ_UNIT_GROUP)
        first_group++;
    if (first_group == n_units)
        return MS_OK;
    const char *text = f->text;
    size_t len = f->text_len;
    size_t negated = 0, said = 0; /* units of each scope still to come */
    int quoted = 0, has_group = 0; /* the sentence so far names a group */
    size_t sentence = f->n_grams, sentence_unit = 0; /* its first mark and unit */
    int replace = f->cfg->group_scope == MS_GROUP_SCOPE_REPLACE;
    uint32_t prev_end = 0;
    for (size_t k = 0; k < n_units; k++) {
        const fz_unit *u = &f->units[k];
        gap g = read_gap(text, len, prev_end, t->tok[u->first].start);
        prev_end = t->tok[u->last].end;
        if (g.clause_ends)
            negated = said = 0;
        if (g.sentence_ends) {
            /* marks only in a sentence that names a group */
            end_sentence(f, has_group, sentence, sentence_unit, k);
            sentence = f->n_grams;
            sentence_unit = k;
            has_group = 0;
        }
        quoted ^= (int)(g.quotes & 1);
        if (u->hash == FZ_UNIT_BREAK)
            continue;
        has_group |= u->hash == FZ_UNIT_GROUP;
        if ((negated && mark(f, u, SEED_NEGATED) != MS_OK) ||
            (said && mark(f, u, SEED_SAID) != MS_OK) ||
            (quoted && mark(f, u, SEED_QUOTED) != MS_OK))
            return MS_ERR_NOMEM;
        if (replace && (negated || said || quoted))
            set_scoped(f, k, k + 1, 1);
        negated -= negated > 0;
        said -= said > 0;
        if (u->hash == FZ_UNIT_GROUP)
            continue;
        const char *w = ms_token_text(t, u->first);
        size_t n = t->tok[u->first].fold_len;
        if (listed(&negation_list, w, n))
            negated = SCOPE_MAX;
        else if (n == 3 && w[0] == 'b' && w[1] == 'u' && w[2] == 't')
            negated = 0;
        if (listed(&saying_list, w, n))
            said = SCOPE_MAX;
    }
    end_sentence(f, has_group, sentence, sentence_unit, n_units);
    return MS_OK;
}

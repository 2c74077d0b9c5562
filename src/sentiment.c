/* sentiment.c - VADER's compound valence, a C port of vaderSentiment.py
 * (Hutto & Gilbert 2014; https://github.com/cjhutto/vaderSentiment, MIT,
 * version 3.3.2 of SentimentIntensityAnalyzer.polarity_scores).
 *
 * The rules and constants are VADER's own, applied in the same order, so
 * the compound score matches the Python to rounding, including two quirks
 * kept on purpose: the "but" rule finds each score by value (list.index),
 * and VADER lowercases tokens before lookup, so its upper-case lexicon
 * entries (":D") never match.
 *
 * Where this port differs, and why:
 * - Emoji are not replaced by their descriptions (VADER's
 *   emoji_utf8_lexicon.txt is not shipped); an emoji is an unknown token.
 * - Lowercasing is ASCII only; other bytes are compared as they are. The
 *   lexicon is ASCII, so only the rare non-ASCII letters whose lowercase
 *   is ASCII (KELVIN SIGN) could score differently.
 * - Only the first VADER_MAX_TOKENS tokens are scored, so a call needs no
 *   heap memory and its time stays bounded; the '!' and '?' amplifiers
 *   still count the whole text. Sentences are short; a longer comment is
 *   scored on its opening.
 * - The score is not rounded to 4 decimals as Python prints it.
 * - Bytes that are not valid UTF-8 are ordinary non-space, non-letter
 *   characters: they never crash the scorer, they just match nothing.
 */
#include "sentiment.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#define VADER_MAX_TOKENS 1024
#define VADER_MAX_WORD 256 /* longer tokens are never in a lexicon */

/* Empirically derived constants (vaderSentiment.py). */
#define B_INCR 0.293
#define B_DECR (-0.293)
#define C_INCR 0.733
#define N_SCALAR (-0.74)
#define ALPHA 15.0

static const char *const NEGATE[] = {
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
    "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
    "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
    "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
    "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
    "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
    "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
    "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite"};

typedef struct phrase_value {
    const char *phrase; /* lowercase words separated by single spaces */
    double value;
} phrase_value;

/* Booster / dampener degree adverbs. */
static const phrase_value BOOSTERS[] = {
    {"absolutely", B_INCR}, {"amazingly", B_INCR}, {"awfully", B_INCR},
    {"completely", B_INCR}, {"considerable", B_INCR}, {"considerably", B_INCR},
    {"decidedly", B_INCR}, {"deeply", B_INCR}, {"effing", B_INCR}, {"enormous", B_INCR},
    {"enormously", B_INCR}, {"entirely", B_INCR}, {"especially", B_INCR},
    {"exceptional", B_INCR}, {"exceptionally", B_INCR}, {"extreme", B_INCR},
    {"extremely", B_INCR}, {"fabulously", B_INCR}, {"flipping", B_INCR}, {"flippin", B_INCR},
    {"frackin", B_INCR}, {"fracking", B_INCR}, {"fricking", B_INCR}, {"frickin", B_INCR},
    {"frigging", B_INCR}, {"friggin", B_INCR}, {"fully", B_INCR}, {"fuckin", B_INCR},
    {"fucking", B_INCR}, {"fuggin", B_INCR}, {"fugging", B_INCR}, {"greatly", B_INCR},
    {"hella", B_INCR}, {"highly", B_INCR}, {"hugely", B_INCR}, {"incredible", B_INCR},
    {"incredibly", B_INCR}, {"intensely", B_INCR}, {"major", B_INCR}, {"majorly", B_INCR},
    {"more", B_INCR}, {"most", B_INCR}, {"particularly", B_INCR}, {"purely", B_INCR},
    {"quite", B_INCR}, {"really", B_INCR}, {"remarkably", B_INCR}, {"so", B_INCR},
    {"substantially", B_INCR}, {"thoroughly", B_INCR}, {"total", B_INCR},
    {"totally", B_INCR}, {"tremendous", B_INCR}, {"tremendously", B_INCR}, {"uber", B_INCR},
    {"unbelievably", B_INCR}, {"unusually", B_INCR}, {"utter", B_INCR}, {"utterly", B_INCR},
    {"very", B_INCR},
    {"almost", B_DECR}, {"barely", B_DECR}, {"hardly", B_DECR}, {"just enough", B_DECR},
    {"kind of", B_DECR}, {"kinda", B_DECR}, {"kindof", B_DECR}, {"kind-of", B_DECR},
    {"less", B_DECR}, {"little", B_DECR}, {"marginal", B_DECR}, {"marginally", B_DECR},
    {"occasional", B_DECR}, {"occasionally", B_DECR}, {"partly", B_DECR},
    {"scarce", B_DECR}, {"scarcely", B_DECR}, {"slight", B_DECR}, {"slightly", B_DECR},
    {"somewhat", B_DECR}, {"sort of", B_DECR}, {"sorta", B_DECR}, {"sortof", B_DECR},
    {"sort-of", B_DECR}};

/* Idioms and phrases containing lexicon words. (VADER's
 * SENTIMENT_LADEN_IDIOMS are unused "future work" in the Python too.) */
static const phrase_value SPECIAL_CASES[] = {
    {"the shit", 3}, {"the bomb", 3}, {"bad ass", 1.5}, {"badass", 1.5}, {"bus stop", 0.0},
    {"yeah right", -2}, {"kiss of death", -1.5}, {"to die for", 3},
    {"beating heart", 3.1}, {"broken heart", -2.9}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The tables above, bucketed by first byte (in table order within a
 * bucket, so the first match is the table's first match): a token is only
 * compared with the entries that start with its first letter. Built once
 * per process; read-only after. */
typedef struct first_index {
    uint16_t start[257];
    uint16_t order[128];
    uint8_t len[128]; /* len[b]: the length of entry order[b] */
} first_index;

static first_index IX_BOOSTERS, IX_SPECIAL, IX_NEGATE;
static pthread_once_t ix_once = PTHREAD_ONCE_INIT;

static void index_build(first_index *ix, const char *(*name)(size_t), size_t n)
{
    uint16_t count[256] = {0};
    for (size_t k = 0; k < n; k++)
        count[(unsigned char)name(k)[0]]++;
    ix->start[0] = 0;
    for (int c = 0; c < 256; c++)
        ix->start[c + 1] = (uint16_t)(ix->start[c] + count[c]);
    uint16_t fill[256];
    memcpy(fill, ix->start, sizeof fill);
    for (size_t k = 0; k < n; k++) {
        uint16_t b = fill[(unsigned char)name(k)[0]]++;
        ix->order[b] = (uint16_t)k;
        ix->len[b] = (uint8_t)strlen(name(k));
    }
}

static const char *booster_name(size_t k) { return BOOSTERS[k].phrase; }
static const char *special_name(size_t k) { return SPECIAL_CASES[k].phrase; }
static const char *negate_name(size_t k) { return NEGATE[k]; }

static void indexes_build(void)
{
    index_build(&IX_BOOSTERS, booster_name, COUNT(BOOSTERS));
    index_build(&IX_SPECIAL, special_name, COUNT(SPECIAL_CASES));
    index_build(&IX_NEGATE, negate_name, COUNT(NEGATE));
}

_Static_assert(COUNT(BOOSTERS) <= 128 && COUNT(SPECIAL_CASES) <= 128 && COUNT(NEGATE) <= 128,
               "first_index holds 128 entries");

typedef struct token {
    const char *p; /* the token as VADER keeps it (punctuation stripped or not) */
    size_t n;
    double lexval;     /* lexicon valence when in_lex */
    double booster;    /* BOOSTER_DICT value when is_booster */
    unsigned char in_lex, is_booster, is_upper, is_neg;
} token;

typedef struct vader {
    const ms_lexicon *lx;
    token t[VADER_MAX_TOKENS];
    double s[VADER_MAX_TOKENS];
    size_t n;
    int cap_diff;
} vader;

static unsigned char lower_ascii(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

/* 1 when bytes [p, p+n) equal the lowercase word w[0..wn) after ASCII
 * lowercasing. */
static int eq_lower(const char *p, size_t n, const char *w, size_t wn)
{
    if (n != wn)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower_ascii((unsigned char)p[i]) != (unsigned char)w[i])
            return 0;
    return 1;
}

static int is_word(const vader *v, size_t i, const char *w, size_t wn)
{
    return eq_lower(v->t[i].p, v->t[i].n, w, wn);
}
/* 1 when token i is the word lit, a string literal (its length is known:
 * no strlen, 70 a comment) */
#define is(v, i, lit) is_word(v, i, lit, sizeof(lit) - 1)

/* 1 when tokens first..first+count-1, lowercased and joined by spaces,
 * equal phrase (Python's "{0} {1}".format(...) in SPECIAL_CASES). */
static int seq_is(const vader *v, size_t first, size_t count, const char *phrase)
{
    const char *p = phrase;
    /* most phrases differ in their first letter: skip them cheaply */
    if (v->t[first].n == 0 || lower_ascii((unsigned char)v->t[first].p[0]) != (unsigned char)p[0])
        return 0;
    for (size_t k = 0; k < count; k++) {
        const char *sp = strchr(p, ' ');
        size_t wn = sp ? (size_t)(sp - p) : strlen(p);
        if (!eq_lower(v->t[first + k].p, v->t[first + k].n, p, wn))
            return 0;
        if (k + 1 < count) {
            if (!sp)
                return 0;
            p = sp + 1;
        } else if (sp) {
            return 0;
        }
    }
    return 1;
}

static const phrase_value *seq_find(const vader *v, size_t first, size_t count,
                                    const phrase_value *table, size_t nt)
{
    (void)nt;
    const first_index *ix = table == BOOSTERS ? &IX_BOOSTERS : &IX_SPECIAL;
    if (v->t[first].n == 0)
        return NULL;
    unsigned char c = lower_ascii((unsigned char)v->t[first].p[0]);
    size_t joined = count - 1; /* the tokens' length joined by spaces */
    for (size_t k = 0; k < count; k++)
        joined += v->t[first + k].n;
    for (size_t b = ix->start[c]; b < ix->start[c + 1]; b++) {
        size_t k = ix->order[b];
        if (ix->len[b] == joined && seq_is(v, first, count, table[k].phrase))
            return &table[k];
    }
    return NULL;
}

/* Python's str.split() separators: Unicode white space. Returns the byte
 * length of the separator at s[0..n), or 0. */
static size_t space_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) /* decided at once: asked twice a byte */
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    if (c == 0xC2 && n >= 2 && (s[1] == 0x85 || s[1] == 0xA0))
        return 2;
    if (n >= 3 && c == 0xE1 && s[1] == 0x9A && s[2] == 0x80) /* U+1680 */
        return 3;
    if (n >= 3 && c == 0xE2 && s[1] == 0x80 &&
        ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
        return 3; /* U+2000-200A, U+2028, U+2029, U+202F */
    if (n >= 3 && c == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) /* U+205F */
        return 3;
    if (n >= 3 && c == 0xE3 && s[1] == 0x80 && s[2] == 0x80) /* U+3000 */
        return 3;
    return 0;
}

/* string.punctuation */
static int is_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

/* Characters in a UTF-8 string, as Python's len() counts them (a byte that
 * cannot start a sequence counts as one, as a replacement would). */
static size_t char_count(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            k++;
    return k;
}

/* str.isupper(): at least one cased character and none lowercase or
 * titlecase. */
static int is_upper(const char *p, size_t n)
{
    int cased = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x80) {
            if (c >= 'a' && c <= 'z')
                return 0;
            if (c >= 'A' && c <= 'Z')
                cased = 1;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            i++; /* not UTF-8: an uncased character */
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT)
            return 0;
        if (cat == UTF8PROC_CATEGORY_LU)
            cased = 1;
        i += (size_t)k;
    }
    return cased;
}

/* negated([word]): the word is in NEGATE or contains "n't". */
static int is_negation(const char *p, size_t n)
{
    if (n) {
        unsigned char c = lower_ascii((unsigned char)p[0]);
        for (size_t b = IX_NEGATE.start[c]; b < IX_NEGATE.start[c + 1]; b++)
            if (eq_lower(p, n, NEGATE[IX_NEGATE.order[b]], IX_NEGATE.len[b]))
                return 1;
    }
    for (size_t i = 0; i + 3 <= n; i++)
        if (lower_ascii((unsigned char)p[i]) == 'n' && p[i + 1] == '\'' &&
            lower_ascii((unsigned char)p[i + 2]) == 't')
            return 1;
    return 0;
}

static void classify(vader *v, token *t)
{
    char low[VADER_MAX_WORD];
    t->in_lex = t->is_booster = 0;
    t->lexval = t->booster = 0;
    if (t->n <= sizeof low) {
        for (size_t i = 0; i < t->n; i++)
            low[i] = (char)lower_ascii((unsigned char)t->p[i]);
        double val;
        if (ms_lexicon_vader(v->lx, low, t->n, &val)) {
            t->in_lex = 1;
            t->lexval = val;
        }
        unsigned char c0 = t->n ? (unsigned char)low[0] : 0;
        for (size_t b = t->n ? IX_BOOSTERS.start[c0] : 0; t->n && b < IX_BOOSTERS.start[c0 + 1];
             b++) {
            size_t k = IX_BOOSTERS.order[b];
            if (t->n == IX_BOOSTERS.len[b] && memcmp(low, BOOSTERS[k].phrase, t->n) == 0) {
                t->is_booster = 1;
                t->booster = BOOSTERS[k].value;
                break;
            }
        }
    }
    t->is_upper = (unsigned char)is_upper(t->p, t->n);
    t->is_neg = (unsigned char)is_negation(t->p, t->n);
}

/* SentiText: split on white space, strip leading and trailing punctuation
 * unless that leaves two characters or fewer (then it is likely an
 * emoticon and kept whole); allcap_differential. */
static void tokenize(vader *v, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    v->n = 0;
    while (i < len && v->n < VADER_MAX_TOKENS) {
        size_t sp = space_len(s + i, len - i);
        if (sp) {
            i += sp;
            continue;
        }
        size_t start = i;
        while (i < len && !space_len(s + i, len - i))
            i++;
        size_t a = start, b = i;
        while (a < b && is_punct(s[a]))
            a++;
        while (b > a && is_punct(s[b - 1]))
            b--;
        token *t = &v->t[v->n++];
        if (char_count(text + a, b - a) <= 2) {
            t->p = text + start;
            t->n = i - start;
        } else {
            t->p = text + a;
            t->n = b - a;
        }
        classify(v, t);
    }
    size_t caps = 0;
    for (size_t k = 0; k < v->n; k++)
        caps += v->t[k].is_upper;
    v->cap_diff = caps > 0 && caps < v->n;
}

/* scalar_inc_dec */
static double scalar_inc_dec(const vader *v, size_t j, double valence)
{
    const token *t = &v->t[j];
    double scalar = 0.0;
    if (t->is_booster) {
        scalar = t->booster;
        if (valence < 0)
            scalar *= -1;
        if (t->is_upper && v->cap_diff) {
            if (valence > 0)
                scalar += C_INCR;
            else
                scalar -= C_INCR;
        }
    }
    return scalar;
}

static int so_or_this(const vader *v, size_t j) { return is(v, j, "so") || is(v, j, "this"); }

/* _negation_check */
static double negation_check(const vader *v, double valence, int start_i, size_t i)
{
    if (start_i == 0) {
        if (v->t[i - 1].is_neg)
            valence *= N_SCALAR;
    } else if (start_i == 1) {
        if (is(v, i - 2, "never") && so_or_this(v, i - 1))
            valence *= 1.25;
        else if (is(v, i - 2, "without") && is(v, i - 1, "doubt"))
            ; /* "without doubt" is not a negation */
        else if (v->t[i - 2].is_neg)
            valence *= N_SCALAR;
    } else {
        if ((is(v, i - 3, "never") && so_or_this(v, i - 2)) || so_or_this(v, i - 1))
            valence *= 1.25;
        else if (is(v, i - 3, "without") && (is(v, i - 2, "doubt") || is(v, i - 1, "doubt")))
            ;
        else if (v->t[i - 3].is_neg)
            valence *= N_SCALAR;
    }
    return valence;
}

/* _special_idioms_check; called with i >= 3. */
static double special_idioms_check(const vader *v, double valence, size_t i)
{
    static const struct {
        size_t back, count;
    } seqs[] = {{1, 2}, {2, 3}, {2, 2}, {3, 3}, {3, 2}}; /* onezero, twoonezero, twoone,
                                                           threetwoone, threetwo */
    const phrase_value *pv;
    for (size_t k = 0; k < COUNT(seqs); k++) {
        if ((pv = seq_find(v, i - seqs[k].back, seqs[k].count, SPECIAL_CASES,
                           COUNT(SPECIAL_CASES))) != NULL) {
            valence = pv->value;
            break;
        }
    }
    if (v->n - 1 > i && (pv = seq_find(v, i, 2, SPECIAL_CASES, COUNT(SPECIAL_CASES))) != NULL)
        valence = pv->value;
    if (v->n - 1 > i + 1 &&
        (pv = seq_find(v, i, 3, SPECIAL_CASES, COUNT(SPECIAL_CASES))) != NULL)
        valence = pv->value;
    /* booster/dampener n-grams such as "sort of" and "kind of":
     * threetwoone, threetwo, twoone */
    static const struct {
        size_t back, count;
    } grams[] = {{3, 3}, {3, 2}, {2, 2}};
    for (size_t k = 0; k < COUNT(grams); k++)
        if ((pv = seq_find(v, i - grams[k].back, grams[k].count, BOOSTERS, COUNT(BOOSTERS))) !=
            NULL)
            valence += pv->value;
    return valence;
}

/* _least_check */
static double least_check(const vader *v, double valence, size_t i)
{
    if (i > 1 && !v->t[i - 1].in_lex && is(v, i - 1, "least")) {
        if (!is(v, i - 2, "at") && !is(v, i - 2, "very"))
            valence *= N_SCALAR;
    } else if (i > 0 && !v->t[i - 1].in_lex && is(v, i - 1, "least")) {
        valence *= N_SCALAR;
    }
    return valence;
}

/* sentiment_valence */
static double sentiment_valence(const vader *v, size_t i)
{
    const token *t = &v->t[i];
    if (!t->in_lex)
        return 0.0;
    double valence = t->lexval;
    /* "no" before another lexicon word negates it rather than scoring */
    if (is(v, i, "no") && i != v->n - 1 && v->t[i + 1].in_lex)
        valence = 0.0;
    if ((i > 0 && is(v, i - 1, "no")) || (i > 1 && is(v, i - 2, "no")) ||
        (i > 2 && is(v, i - 3, "no") && (is(v, i - 1, "or") || is(v, i - 1, "nor"))))
        valence = t->lexval * N_SCALAR;
    /* ALL CAPS emphasis while other words are not */
    if (t->is_upper && v->cap_diff) {
        if (valence > 0)
            valence += C_INCR;
        else
            valence -= C_INCR;
    }
    for (int start_i = 0; start_i < 3; start_i++) {
        size_t back = (size_t)start_i + 1;
        if (i > (size_t)start_i && !v->t[i - back].in_lex) {
            double s = scalar_inc_dec(v, i - back, valence);
            if (start_i == 1 && s != 0)
                s *= 0.95;
            if (start_i == 2 && s != 0)
                s *= 0.9;
            valence += s;
            valence = negation_check(v, valence, start_i, i);
            if (start_i == 2)
                valence = special_idioms_check(v, valence, i);
        }
    }
    return least_check(v, valence, i);
}

/* _but_check, kept faithful: Python finds each score's position with
 * list.index(), i.e. the first equal value, which may be another word's. */
static void but_check(vader *v)
{
    size_t bi = v->n;
    for (size_t k = 0; k < v->n; k++)
        if (is(v, k, "but")) {
            bi = k;
            break;
        }
    if (bi == v->n)
        return;
    for (size_t k = 0; k < v->n; k++) {
        double x = v->s[k];
        if (x == 0)
            continue; /* zero times anything is zero: no change */
        size_t si = 0;
        while (v->s[si] != x)
            si++;
        if (si < bi)
            v->s[si] = x * 0.5;
        else if (si > bi)
            v->s[si] = x * 1.5;
    }
}

static double punctuation_emphasis(const char *text, size_t len)
{
    size_t ep = 0, qm = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '!')
            ep++;
        else if (text[i] == '?')
            qm++;
    }
    if (ep > 4)
        ep = 4;
    double amp = (double)ep * 0.292;
    if (qm > 1)
        amp += qm <= 3 ? (double)qm * 0.18 : 0.96;
    return amp;
}

static double normalize(double score)
{
    double norm = score / sqrt(score * score + ALPHA);
    if (norm < -1.0)
        return -1.0;
    if (norm > 1.0)
        return 1.0;
    return norm;
}

static double compound(vader *v, const char *text, size_t len)
{
    tokenize(v, text, len);
    if (v->n == 0)
        return 0.0;
    for (size_t i = 0; i < v->n; i++) {
        if (v->t[i].is_booster || (i < v->n - 1 && is(v, i, "kind") && is(v, i + 1, "of")))
            v->s[i] = 0.0;
        else
            v->s[i] = sentiment_valence(v, i);
    }
    but_check(v);
    double sum = 0.0;
    for (size_t i = 0; i < v->n; i++)
        sum += v->s[i];
    double amp = punctuation_emphasis(text, len);
    if (sum > 0)
        sum += amp;
    else if (sum < 0)
        sum -= amp;
    return normalize(sum);
}

double ms_vader_compound(const ms_lexicon *lx, const char *text, size_t len)
{
    if (!lx || !text || len == 0)
        return 0.0;
    vader v; /* about 50 KB of stack; no heap */
    v.lx = lx;
    pthread_once(&ix_once, indexes_build);
    return compound(&v, text, len);
}

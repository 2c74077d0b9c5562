/* normalise.c - UTF-8 repair, NFKC + case folding, obfuscation folding and
 * tokens with original byte spans. See normalise.h for the rules. */
#include "normalise.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Longest token that folding heuristics look at; longer ones are only
 * lower-cased (a 1 MB "word" is not an insult in disguise). */
#define FOLD_MAX 64

void ms_tokens_free(ms_tokens *t)
{
    if (!t)
        return;
    free(t->tok);
    free(t->fold);
    free(t->cps);
    memset(t, 0, sizeof *t);
}

ms_status ms_tokens_copy(ms_tokens *dst, const ms_tokens *src)
{
    if (ms_grow((void **)&dst->tok, &dst->cap, src->n ? src->n : 1, sizeof *dst->tok) != MS_OK ||
        ms_grow((void **)&dst->fold, &dst->fold_cap, src->fold_len ? src->fold_len : 1,
                sizeof *dst->fold) != MS_OK)
        return MS_ERR_NOMEM;
    if (src->n)
        memcpy(dst->tok, src->tok, src->n * sizeof *dst->tok);
    if (src->fold_len)
        memcpy(dst->fold, src->fold, src->fold_len);
    dst->n = src->n;
    dst->fold_len = src->fold_len;
    dst->n_cps = 0;
    dst->letters = src->letters;
    dst->upper_letters = src->upper_letters;
    dst->exclaims = src->exclaims;
    return MS_OK;
}

/* Words people mask with '*' ("f*ck", "sh**"); matched by length and the
 * letters that are left. */
static const char *const masked_words[] = {
    "fuck", "fucking", "fucker", "fucked", "shit", "shitty", "ass", "asshole", "bitch",
    "bitches", "cunt", "dick", "damn", "crap", "piss", "pissed", "cock", "whore", "slut",
    "bastard", "idiot", "idiots", "moron", "morons", "stupid", "retard", "retarded",
    "bullshit", "dumbass", "motherfucker", "wanker", "twat", "prick", "douche", "jackass",
};

static int is_leet(int32_t c)
{
    return c == '0' || c == '1' || c == '3' || c == '4' || c == '5' || c == '7' || c == '$' ||
           c == '@' || c == '!' || c == '|';
}

static char leet_letter(int32_t c)
{
    switch (c) {
    case '0': return 'o';
    case '1': case '!': case '|': return 'i';
    case '3': return 'e';
    case '4': case '@': return 'a';
    case '5': case '$': return 's';
    case '7': return 't';
    default: return (char)c;
    }
}

/* Latin look-alikes of Cyrillic and Greek lower-case letters (after case
 * folding), 0 when none. */
static int32_t confusable(int32_t c)
{
    switch (c) {
    case 0x0430: return 'a'; case 0x0435: return 'e'; case 0x043E: return 'o';
    case 0x0440: return 'p'; case 0x0441: return 'c'; case 0x0443: return 'y';
    case 0x0445: return 'x'; case 0x0456: return 'i'; case 0x0458: return 'j';
    case 0x0455: return 's'; case 0x043A: return 'k'; case 0x0432: return 'b';
    case 0x043D: return 'h'; case 0x0442: return 't'; case 0x043C: return 'm';
    case 0x03BF: return 'o'; case 0x03B1: return 'a'; case 0x03B5: return 'e';
    case 0x03B9: return 'i'; case 0x03BA: return 'k'; case 0x03BD: return 'v';
    case 0x03C1: return 'p'; case 0x03C4: return 't'; case 0x03C5: return 'u';
    case 0x03C7: return 'x';
    default: return 0;
    }
}

static int is_letter(int32_t c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    utf8proc_category_t cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int is_digit(int32_t c)
{
    if (c < 128)
        return c >= '0' && c <= '9';
    utf8proc_category_t cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO;
}

static int is_mark(int32_t c)
{
    if (c < 128)
        return 0;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

/* A mark is part of a word only where a fold rule kept it (Devanagari's
 * vowel signs); the default folding strips every mark before this. */
static inline int is_core(int32_t c)
{
    if (c < 128) /* ASCII at once: called for every code point, twice */
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return is_letter(c) || is_digit(c) || is_mark(c);
}

/* Characters that may sit inside an obfuscated word. */
static int is_inner(int32_t c)
{
    return c == '*' || c == '$' || c == '@' || c == '!' || c == '\'' || c == '|';
}

static int known(const ms_lexicon *lx, const char *w, size_t n)
{
    return lx && ms_lexicon_known(lx, w, n);
}

/* Shortens runs of 3+ equal bytes in w (in place): to one when the result
 * is known, else to two. Returns the new length. */
static size_t fold_repeats(const ms_lexicon *lx, char *w, size_t n)
{
    int has_run = 0;
    for (size_t i = 2; i < n && !has_run; i++)
        has_run = w[i] == w[i - 1] && w[i] == w[i - 2];
    if (!has_run || n > FOLD_MAX)
        return n;
    char one[FOLD_MAX], two[FOLD_MAX];
    size_t n1 = 0, n2 = 0;
    for (size_t i = 0; i < n; i++) {
        size_t run = 1;
        while (i + run < n && w[i + run] == w[i])
            run++;
        if (run >= 3) {
            one[n1++] = w[i];
            two[n2++] = w[i];
            two[n2++] = w[i];
        } else {
            for (size_t k = 0; k < run; k++)
                one[n1++] = two[n2++] = w[i];
        }
        i += run - 1;
    }
    if (known(lx, one, n1)) {
        memcpy(w, one, n1);
        return n1;
    }
    memcpy(w, two, n2);
    return n2;
}

/* Fills masked bytes ('*') from the masked-word list. */
static int unmask(char *w, size_t n)
{
    for (size_t k = 0; k < sizeof masked_words / sizeof *masked_words; k++) {
        const char *m = masked_words[k];
        if (strlen(m) != n || w[0] == '*')
            continue;
        size_t i = 0;
        while (i < n && (w[i] == '*' || w[i] == m[i]))
            i++;
        if (i == n) {
            memcpy(w, m, n);
            return 1;
        }
    }
    return 0;
}

static ms_status add_fold(ms_tokens *t, const char *s, size_t n)
{
    if (ms_grow((void **)&t->fold, &t->fold_cap, t->fold_len + n + 1, 1) != MS_OK)
        return MS_ERR_NOMEM;
    memcpy(t->fold + t->fold_len, s, n);
    t->fold_len += n;
    t->fold[t->fold_len++] = '\0';
    return MS_OK;
}

/* Appends code point c as UTF-8 to t->fold. */
static ms_status add_cp(ms_tokens *t, int32_t c)
{
    if (ms_grow((void **)&t->fold, &t->fold_cap, t->fold_len + 5, 1) != MS_OK)
        return MS_ERR_NOMEM;
    t->fold_len += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)t->fold + t->fold_len);
    return MS_OK;
}

static int is_url_start(const ms_cp *c, size_t n)
{
    static const ms_lit pre[] = {MS_LIT("http://"), MS_LIT("https://"), MS_LIT("www.")};
    if (n == 0 || (c[0].cp != 'h' && c[0].cp != 'w'))
        return 0;
    for (size_t k = 0; k < sizeof pre / sizeof *pre; k++) {
        size_t m = pre[k].n;
        if (n < m)
            continue;
        size_t i = 0;
        while (i < m && c[i].cp == pre[k].s[i])
            i++;
        if (i == m)
            return 1;
    }
    return 0;
}

/* Makes token [a, b) of t->cps: folds it into t->fold and records it. */
static ms_status emit(ms_tokens *t, const ms_lexicon *lx, size_t a, size_t b, uint32_t flags,
                      const char *text)
{
    if (ms_grow((void **)&t->tok, &t->cap, t->n + 1, sizeof *t->tok) != MS_OK)
        return MS_ERR_NOMEM;
    ms_token *tk = &t->tok[t->n];
    tk->start = t->cps[a].start;
    tk->end = t->cps[b - 1].end;
    tk->fold_off = (uint32_t)t->fold_len;
    if (flags & MS_TOK_URL) {
        tk->flags = flags;
        if (add_fold(t, "<url>", 5) != MS_OK)
            return MS_ERR_NOMEM;
        tk->fold_len = 5;
        t->n++;
        return MS_OK;
    }
    /* Case as written, from the original bytes (ASCII letters). */
    size_t up = 0, low = 0;
    for (uint32_t i = tk->start; i < tk->end; i++) {
        unsigned char ch = (unsigned char)text[i];
        up += ch >= 'A' && ch <= 'Z';
        low += ch >= 'a' && ch <= 'z';
    }
    if (up >= 2 && low == 0)
        flags |= MS_TOK_UPPER;
    if (text[tk->start] >= 'A' && text[tk->start] <= 'Z')
        flags |= MS_TOK_CAPITALISED;

    size_t letters = 0, digits = 0, ascii_letters = 0, odd = 0, confus = 0;
    for (size_t i = a; i < b; i++) {
        int32_t c = t->cps[i].cp;
        letters += is_letter(c);
        digits += is_digit(c);
        ascii_letters += c < 128 && is_letter(c);
        odd += is_inner(c);
        confus += confusable(c) != 0;
    }
    if (letters == 0 && digits > 0 && odd == 0)
        flags |= MS_TOK_NUMBER;

    char w[FOLD_MAX];
    size_t n = 0;
    int folded = 0;
    if (b - a <= FOLD_MAX && (odd || confus || (digits && letters))) {
        /* Candidate: every code point mapped to a Latin letter. */
        int ok = 1;
        for (size_t i = a; i < b && ok; i++) {
            int32_t c = t->cps[i].cp, m = confusable(c);
            if (m)
                w[n++] = (char)m;
            else if (c < 128 && (is_letter(c) || c == '*'))
                w[n++] = (char)c;
            else if (is_leet(c))
                w[n++] = leet_letter(c);
            else if (c == '\'')
                continue;
            else
                ok = 0;
        }
        if (ok && memchr(w, '*', n))
            ok = unmask(w, n);
        if (ok) {
            n = fold_repeats(lx, w, n);
            /* Use the guess when the lexicon knows it, or when the word was
             * plainly disguised (symbols inside, or mixed scripts). */
            folded = known(lx, w, n) || (confus && ascii_letters) ||
                     (odd && letters >= 2 && !memchr(w, '*', n));
        }
    }
    if (folded) {
        if (add_fold(t, w, n) != MS_OK)
            return MS_ERR_NOMEM;
        tk->fold_len = (uint32_t)n;
        flags |= MS_TOK_OBFUSCATED;
    } else {
        /* Plain word: letters and digits as folded, inner symbols dropped
         * (an ASCII one written as its byte, the rest by add_cp) */
        if (ms_grow((void **)&t->fold, &t->fold_cap, t->fold_len + (b - a) + 1, 1) != MS_OK)
            return MS_ERR_NOMEM;
        for (size_t i = a; i < b; i++) {
            int32_t c = t->cps[i].cp;
            if (c < 128 && is_core(c))
                t->fold[t->fold_len++] = (char)c;
            else if (c >= 128 && is_core(c) && add_cp(t, c) != MS_OK)
                return MS_ERR_NOMEM;
        }
        size_t len = t->fold_len - tk->fold_off;
        len = fold_repeats(lx, t->fold + tk->fold_off, len);
        t->fold_len = tk->fold_off + len;
        if (add_fold(t, "", 0) != MS_OK)
            return MS_ERR_NOMEM;
        tk->fold_len = (uint32_t)len;
        if (len == 0) /* only symbols: not a token after all */
        {
            t->fold_len = tk->fold_off;
            return MS_OK;
        }
    }
    tk->flags = flags;
    t->n++;
    return MS_OK;
}

/* Joins runs of 3+ single-letter tokens separated by at most two of
 * " .-_*" ("i d i o t", "s.t.u.p.i.d") into one token. A leading letter
 * stays a word of its own when the lexicon knows the run only without it
 * ("what a m o r o n" -> "a", "moron"). A run of three is joined only
 * into a word the lexicon knows ("a s s"): text-speak such as "u r a"
 * is three words. */
static ms_status join_spaced(ms_tokens *t, const char *text, const ms_lexicon *lx)
{
    size_t out = 0;
    for (size_t i = 0; i < t->n;) {
        size_t j = i;
        while (j < t->n && t->tok[j].fold_len == 1 && !(t->tok[j].flags & MS_TOK_NUMBER)) {
            if (j > i) {
                uint32_t gap0 = t->tok[j - 1].end, gap1 = t->tok[j].start;
                int ok = gap1 - gap0 >= 1 && gap1 - gap0 <= 2;
                for (uint32_t k = gap0; ok && k < gap1; k++)
                    ok = strchr(" .-_*", text[k]) != NULL && text[k] != '\0';
                if (!ok)
                    break;
            }
            j++;
        }
        if (j - i >= 4 && j - i <= FOLD_MAX) {
            char w[FOLD_MAX];
            for (size_t k = i; k < j; k++)
                w[k - i] = t->fold[t->tok[k].fold_off];
            if (!known(lx, w, j - i) && known(lx, w + 1, j - i - 1))
                t->tok[out++] = t->tok[i++];
        }
        if (j - i == 3) {
            char w[3] = {t->fold[t->tok[i].fold_off], t->fold[t->tok[i + 1].fold_off],
                         t->fold[t->tok[i + 2].fold_off]};
            if (!known(lx, w, 3))
                j = i + 1; /* not a run: copy token i as it is */
        }
        if (j - i >= 3) {
            ms_token merged = t->tok[i];
            merged.fold_off = (uint32_t)t->fold_len;
            merged.fold_len = (uint32_t)(j - i);
            merged.end = t->tok[j - 1].end;
            merged.flags = MS_TOK_OBFUSCATED;
            if (ms_grow((void **)&t->fold, &t->fold_cap, t->fold_len + (j - i) + 1, 1) != MS_OK)
                return MS_ERR_NOMEM;
            for (size_t k = i; k < j; k++)
                t->fold[t->fold_len++] = t->fold[t->tok[k].fold_off];
            t->fold[t->fold_len++] = '\0';
            t->tok[out++] = merged;
            i = j;
        } else {
            t->tok[out++] = t->tok[i++];
        }
    }
    t->n = out;
    return MS_OK;
}

/* The fold rules' names, as cards spell them (bit k is names[k]). */
static const char *const fold_names[] = {"umlaut_e", "dotless_i", "arabic", "devanagari",
                                         "roman_vowels", "enye"};

unsigned ms_fold_parse(const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof fold_names / sizeof *fold_names; k++)
        if (strlen(fold_names[k]) == n && memcmp(fold_names[k], s, n) == 0)
            return 1u << k;
    return 0;
}

const char *ms_fold_name(unsigned bit)
{
    for (size_t k = 0; k < sizeof fold_names / sizeof *fold_names; k++)
        if (bit == 1u << k)
            return fold_names[k];
    return NULL;
}

/* Turkish casing: I is the capital of dotless ı, İ of i. */
static int32_t fold_before(int32_t c, unsigned fold)
{
    if (fold & MS_FOLD_DOTLESS_I) {
        if (c == 'I')
            return 0x0131;
        if (c == 0x0130)
            return 'i';
    }
    return c;
}

/* What a folded (decomposed, case-folded) code point becomes under the
 * rules in fold, given the code point before it in the text: itself, a
 * replacement, or -1 to drop it. Marks are dropped (as the default
 * folding's UTF8PROC_STRIPMARK does) unless a rule keeps or rewrites them. */
static int32_t fold_after(int32_t c, int32_t prev, unsigned fold)
{
    if (is_mark(c)) {
        /* ä ö ü as ae oe ue: "schön" stays apart from "schon" */
        if ((fold & MS_FOLD_UMLAUT_E) && c == 0x0308 && (prev == 'a' || prev == 'o' || prev == 'u'))
            return 'e';
        /* ñ is a letter of its own: "año" is not "ano" */
        if ((fold & MS_FOLD_ENYE) && c == 0x0303 && prev == 'n')
            return c;
        /* Devanagari vowel signs, virama, anusvara are the word (the nukta
         * goes: ज़ and ज are written for each other) */
        if ((fold & MS_FOLD_DEVANAGARI) && c >= 0x0900 && c <= 0x097F && c != 0x093C)
            return c;
        return -1;
    }
    if (fold & MS_FOLD_ARABIC) {
        switch (c) {
        case 0x0640: return -1;     /* tatweel (kashida), letter stretching */
        case 0x0649: return 0x064A; /* alef maksura as yeh */
        case 0x06CC: return 0x064A; /* Farsi yeh */
        case 0x0629: return 0x0647; /* teh marbuta as heh */
        case 0x06A9: return 0x0643; /* keheh as kaf */
        default: break;
        }
    }
    return c;
}

/* Romanised Hindi spells one vowel several ways ("chootiya", "chutiya";
 * "bhenchod", "behen"): aa -> a, ee -> i, oo -> u, in place of the
 * previous code point p when c doubles it. 1 when c was merged into p. */
static int fold_roman_vowel(ms_cp *p, int32_t c)
{
    if (p->cp != c || (c != 'a' && c != 'e' && c != 'o'))
        return 0;
    p->cp = c == 'a' ? 'a' : c == 'e' ? 'i' : 'u';
    return 1;
}

/* Appends original code point c (bytes [i, i + k) of the text) folded
 * under fold's rules to t->cps: NFKC compatibility mapping, case folding,
 * default-ignorables dropped, punctuation lumped, decomposed; marks
 * stripped by utf8proc when no rule is on, else by fold_after. */
static ms_status fold_cp(ms_tokens *t, int32_t c, size_t i, size_t k, unsigned fold)
{
    const utf8proc_option_t opts = UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE |
                                   UTF8PROC_LUMP | UTF8PROC_DECOMPOSE |
                                   (fold ? 0 : UTF8PROC_STRIPMARK);
    utf8proc_int32_t out[8];
    int last = 0;
    c = fold_before(c, fold);
    utf8proc_ssize_t m = c < 128 ? 1 : utf8proc_decompose_char(c, out, 8, opts, &last);
    if (c < 128)
        out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (m < 0 || m > 8) {
        out[0] = c;
        m = 1;
    }
    if (ms_grow((void **)&t->cps, &t->cps_cap, t->n_cps + (size_t)m, sizeof *t->cps) != MS_OK)
        return MS_ERR_NOMEM;
    for (utf8proc_ssize_t q = 0; q < m; q++) {
        ms_cp *prev = t->n_cps ? &t->cps[t->n_cps - 1] : NULL;
        int32_t f = fold_after(out[q], prev ? prev->cp : 0, fold);
        if (f < 0)
            continue;
        if ((fold & MS_FOLD_ROMAN_VOWELS) && prev && prev->start < i && fold_roman_vowel(prev, f)) {
            prev->end = (uint32_t)(i + k);
            continue;
        }
        ms_cp *p = &t->cps[t->n_cps++];
        p->cp = f;
        p->start = (uint32_t)i;
        p->end = (uint32_t)(i + k);
    }
    return MS_OK;
}

ms_status ms_tokenize(const char *text, size_t len, const ms_lexicon *lx, ms_tokens *t,
                      unsigned *notes)
{
    return ms_tokenize_fold(text, len, lx, 0, t, notes);
}

/* What fold_cp does to text[i, j), a run of ASCII bytes, when fold has no
 * rule that reads ASCII (Turkish I, romanised Hindi's vowels): each byte a
 * code point of its own, lower-cased, counted as step 1 counts it. Most
 * comments are ASCII: utf8proc and fold_cp per byte was half of
 * tokenizing (issue 20). */
static ms_status ascii_run(ms_tokens *t, const char *text, size_t i, size_t j)
{
    if (ms_grow((void **)&t->cps, &t->cps_cap, t->n_cps + (j - i), sizeof *t->cps) != MS_OK)
        return MS_ERR_NOMEM;
    ms_cp *p = t->cps + t->n_cps;
    for (; i < j; i++, p++) {
        int32_t c = (unsigned char)text[i];
        int upper = c >= 'A' && c <= 'Z';
        t->letters += upper || (c >= 'a' && c <= 'z');
        t->upper_letters += upper;
        t->exclaims += c == '!';
        p->cp = upper ? c + 32 : c;
        p->start = (uint32_t)i;
        p->end = (uint32_t)(i + 1);
    }
    t->n_cps = (size_t)(p - t->cps);
    return MS_OK;
}

ms_status ms_tokenize_fold(const char *text, size_t len, const ms_lexicon *lx, unsigned fold,
                           ms_tokens *t, unsigned *notes)
{
    t->n = t->fold_len = t->n_cps = 0;
    t->letters = t->upper_letters = t->exclaims = 0;
    int ascii_plain = !(fold & (MS_FOLD_DOTLESS_I | MS_FOLD_ROMAN_VOWELS));
    /* 1. Decode, repair and fold each code point, remembering its bytes. */
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (ascii_plain && j < len && (unsigned char)text[j] < 0x80)
            j++;
        if (j > i) {
            if (ascii_run(t, text, i, j) != MS_OK)
                return MS_ERR_NOMEM;
            i = j;
            continue;
        }
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
                                              (utf8proc_ssize_t)(len - i), &c);
        if (k < 1) {
            c = 0xFFFD;
            k = 1;
            if (notes)
                *notes |= MS_NOTE_INVALID_UTF8;
        }
        if (c < 128) {
            t->letters += is_letter(c);
            t->upper_letters += c >= 'A' && c <= 'Z';
            t->exclaims += c == '!';
        } else {
            t->letters += is_letter(c);
        }
        if (fold_cp(t, c, i, (size_t)k, fold) != MS_OK)
            return MS_ERR_NOMEM;
        i += (size_t)k;
    }
    /* 2. Cut tokens: runs of letters, digits and inner symbols; links whole. */
    size_t n = t->n_cps;
    for (size_t a = 0; a < n;) {
        if (is_url_start(t->cps + a, n - a)) {
            size_t b = a;
            while (b < n && t->cps[b].cp > ' ' && t->cps[b].cp != '"' && t->cps[b].cp != '<')
                b++;
            if (emit(t, lx, a, b, MS_TOK_URL, text) != MS_OK)
                return MS_ERR_NOMEM;
            a = b;
            continue;
        }
        int32_t c = t->cps[a].cp;
        if (!is_core(c) && !(is_inner(c) && a + 1 < n && is_core(t->cps[a + 1].cp) &&
                             (c == '$' || c == '@'))) {
            a++;
            continue;
        }
        size_t b = a + 1;
        while (b < n && (is_core(t->cps[b].cp) || is_inner(t->cps[b].cp)))
            b++;
        /* Trailing symbols belong to the sentence, except "a$$"-style. */
        while (b > a + 1 && is_inner(t->cps[b - 1].cp) && t->cps[b - 1].cp != '$' &&
               t->cps[b - 1].cp != '*')
            b--;
        if (emit(t, lx, a, b, 0, text) != MS_OK)
            return MS_ERR_NOMEM;
        a = b;
    }
    return join_spaced(t, text, lx);
}

/* normalise.h - the "normalise/tokens" module: UTF-8 validation, NFKC and
 * case folding (utf8proc), obfuscation folding, and tokens that keep their
 * byte spans in the original text.
 *
 * Folding, in order: invalid bytes become U+FFFD; NFKC compatibility
 * mapping, case folding, marks stripped, default-ignorable code points
 * (zero-width joiners, bidi controls, soft hyphens) dropped, punctuation
 * lumped to ASCII; per token, Cyrillic and Greek look-alikes in a word that
 * also has Latin letters become Latin ("idіot" -> "idiot"); leetspeak and
 * masks checked against the lexicon ("sh1t", "a$$", "f*ck"); runs of three
 * or more equal letters shortened ("stuuupid" -> "stupid" when the lexicon
 * knows it, else to two); single letters spaced or dotted apart joined
 * ("i d i o t", "s.t.u.p.i.d").
 *
 * Buffers live in an ms_tokens and are reused across calls: tokenising
 * does not allocate once they are large enough. */
#ifndef MS_NORMALISE_H
#define MS_NORMALISE_H

#include "lexicon.h"
#include "modscore.h"

#include <stdint.h>

enum {
    MS_TOK_OBFUSCATED = 1u << 0, /* folding changed more than case */
    MS_TOK_UPPER = 1u << 1,      /* written in capitals (2+ letters, none lower) */
    MS_TOK_NUMBER = 1u << 2,     /* digits only */
    MS_TOK_URL = 1u << 3,        /* a link; folded form is "<url>" */
    MS_TOK_CAPITALISED = 1u << 4 /* first letter a capital */
};

typedef struct ms_token {
    uint32_t fold_off, fold_len; /* folded form, in ms_tokens.fold */
    uint32_t start, end;         /* byte span [start, end) in the original */
    uint32_t flags;              /* MS_TOK_* */
} ms_token;

/* Per-code-point scratch: a folded code point and the original bytes it
 * came from. */
typedef struct ms_cp {
    int32_t cp;
    uint32_t start, end;
} ms_cp;

typedef struct ms_tokens {
    ms_token *tok;
    size_t n, cap;
    char *fold;                 /* folded token texts, back to back */
    size_t fold_len, fold_cap;
    ms_cp *cps;                 /* scratch */
    size_t n_cps, cps_cap;
    size_t letters, upper_letters; /* letters in the original, and capitals */
    size_t exclaims;               /* '!' in the original */
} ms_tokens;

/* Fold rules a language adds to the default folding (a model's card names
 * them in "features": "fold"; ms_fold_parse and ms_fold_name map the
 * names). With any rule on, marks are stripped per code point, so a rule
 * can keep or rewrite them; with none the folding is the default above. */
enum {
    MS_FOLD_UMLAUT_E = 1u << 0,    /* ä ö ü -> ae oe ue (ß -> ss is case folding's) */
    MS_FOLD_DOTLESS_I = 1u << 1,   /* Turkish casing: I -> ı, İ -> i */
    MS_FOLD_ARABIC = 1u << 2,      /* tatweel dropped; alef maksura, Farsi yeh -> yeh;
                                      teh marbuta -> heh; keheh -> kaf (hamza forms
                                      of alef, and harakat, go as marks) */
    MS_FOLD_DEVANAGARI = 1u << 3,  /* Devanagari marks kept (vowel signs, virama,
                                      anusvara), the nukta dropped */
    MS_FOLD_ROMAN_VOWELS = 1u << 4, /* romanised Hindi: aa -> a, ee -> i, oo -> u */
    MS_FOLD_ENYE = 1u << 5          /* Spanish ñ kept apart from n */
};
#define MS_FOLD_ALL 0x3Fu

/* The rule named s (n bytes), 0 for an unknown name. */
unsigned ms_fold_parse(const char *s, size_t n);
/* The name of one rule bit, NULL for anything else. */
const char *ms_fold_name(unsigned bit);

/* Tokenises text (len bytes, any bytes at all). lx may be NULL (no
 * dictionary checks). OUT: out's arrays (reused). *notes gets
 * MS_NOTE_INVALID_UTF8 when bytes were replaced. MS_ERR_NOMEM only. */
ms_status ms_tokenize(const char *text, size_t len, const ms_lexicon *lx, ms_tokens *out,
                      unsigned *notes);
/* ms_tokenize with the fold rules in fold (MS_FOLD_*; 0 is ms_tokenize). */
ms_status ms_tokenize_fold(const char *text, size_t len, const ms_lexicon *lx, unsigned fold,
                           ms_tokens *out, unsigned *notes);
void ms_tokens_free(ms_tokens *t);
/* dst becomes a copy of src's tokens and folded texts (not its scratch),
 * in dst's own arrays (reused, grown as needed). MS_ERR_NOMEM, dst then
 * unchanged in content. */
ms_status ms_tokens_copy(ms_tokens *dst, const ms_tokens *src);

/* A token's folded text. */
static inline const char *ms_token_text(const ms_tokens *t, size_t i)
{
    return t->fold + t->tok[i].fold_off;
}

#endif

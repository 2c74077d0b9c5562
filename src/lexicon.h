/* lexicon.h - word lists: VADER and AFINN valence, profanity and insult
 * terms, and identity terms. Loaded once from a directory, then read-only
 * (thread-safe). */
#ifndef MS_LEXICON_H
#define MS_LEXICON_H

#include "modscore.h"

#include <stdint.h>

typedef struct ms_lexicon ms_lexicon;

/* Loads dir/vader_lexicon.txt, dir/AFINN-en-165.txt, dir/profanity.txt,
 * dir/insults.txt and, when there, dir/identity_terms.txt. OUT: *out,
 * free with ms_lexicon_free. A missing file (of the first four) is
 * MS_ERR_NOT_FOUND naming it; a malformed line MS_ERR_PARSE with its line. */
ms_status ms_lexicon_load(const char *dir, ms_lexicon **out, ms_error *err);
/* A language's own list (models/lexicons/LANG, MS_LEXICON_LIST): only
 * dir/profanity.txt, its terms as ms_lexicon_profane's; the other lists are
 * empty. Errors as ms_lexicon_load's. */
ms_status ms_lexicon_load_language(const char *dir, ms_lexicon **out, ms_error *err);
/* The list of language lang beside the shared lexicons, lexicon_dir/lang
 * (lang a code such as "pt"), checked against want (its ms_lexicon_hash; 0:
 * not checked): MS_ERR_MODEL naming it when it differs. OUT: *out, free
 * with ms_lexicon_free. */
ms_status ms_lexicon_load_for(const char *lexicon_dir, const char *lang, uint64_t want,
                              ms_lexicon **out, ms_error *err);
void ms_lexicon_free(ms_lexicon *lx);

/* ms_lexicon_load, which maps dir/lexicon.bin (the lists compiled into
 * their hash table by ms_lexicon_compile) instead of parsing the files
 * when it was compiled from these very files (their bytes are hashed at
 * each load: a stale or absent one is passed over, and the files parsed);
 * a damaged one is MS_ERR_MODEL naming it. Its data checksum is verified
 * unless flags has MS_LEXICON_TRUST_COMPILED (then a flipped bit inside
 * it gives wrong values, never a fault: as MS_LOAD_TRUST_COMPILED). */
#define MS_LEXICON_TRUST_COMPILED 1u
ms_status ms_lexicon_open(const char *dir, unsigned flags, ms_lexicon **out, ms_error *err);

/* Writes dir/lexicon.bin from the four files (atomically, then maps it
 * back verified and compares it with the parsed table). */
ms_status ms_lexicon_compile(const char *dir, ms_error *err);

/* Lookups take a case-folded word (bytes, not NUL-terminated). Each
 * returns 1 and writes *value when the word is listed, else 0. */
int ms_lexicon_vader(const ms_lexicon *lx, const char *w, size_t n, double *value);
int ms_lexicon_afinn(const ms_lexicon *lx, const char *w, size_t n, double *value);
/* 1 when the word is on the profanity list (ldnoobw) */
int ms_lexicon_profane(const ms_lexicon *lx, const char *w, size_t n);
/* 1 when the word is on the insult list (idiot, moron, ...) */
int ms_lexicon_insult(const ms_lexicon *lx, const char *w, size_t n);
/* 1 when the word is in any list: the dictionary obfuscation folding checks
 * its guesses against (sh1t -> shit, stuuupid -> stupid). */
int ms_lexicon_known(const ms_lexicon *lx, const char *w, size_t n);

/* A word's place on the four lists, found in one lookup (scoring asks all
 * four of every token): lists holds MS_LEXICON_ON_* bits, vader and afinn
 * the values where their bits are set (else 0). 0 lists for an unlisted
 * word. */
enum {
    MS_LEXICON_ON_VADER = 1u,
    MS_LEXICON_ON_AFINN = 2u,
    MS_LEXICON_ON_PROFANE = 4u,
    MS_LEXICON_ON_INSULT = 8u
};
typedef struct ms_lexicon_word {
    unsigned lists;
    double vader, afinn;
} ms_lexicon_word;
void ms_lexicon_word_of(const ms_lexicon *lx, const char *w, size_t n, ms_lexicon_word *out);

/* 1 when the words (one to three case-folded words joined by single
 * spaces) name an identity group: the optional identity_terms.txt, which
 * only models whose card sets features.group_terms read. Not "known" to
 * the folding, and not in ms_lexicon_hash or ms_lexicon_bytes, so adding
 * or changing the list leaves every other model as it was. */
int ms_lexicon_group(const ms_lexicon *lx, const char *w, size_t n);
/* The same and whether a longer identity term starts with these words:
 * MS_TERMSET_TERM | MS_TERMSET_LONGER (termset.h). */
unsigned ms_lexicon_group_lookup(const ms_lexicon *lx, const char *w, size_t n);
/* identity_terms.txt's content hash (computed at load; the file is small
 * and parsed at each load, never compiled into lexicon.bin), 0 when the
 * directory has none: what a card's "group_terms_hash" names. */
uint64_t ms_lexicon_group_hash(const ms_lexicon *lx);

/* A content hash of the loaded lists, for model cards: computed at each
 * call (about a millisecond), not at load. */
uint64_t ms_lexicon_hash(const ms_lexicon *lx);
/* The size of the lexicon files as read (cheap: no hashing). */
size_t ms_lexicon_bytes(const ms_lexicon *lx);

#endif

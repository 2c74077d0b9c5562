/* card.h - a model directory's JSON card: the feature settings a model was
 * trained with, its version, and checksums of its files, so that a model
 * is used with exactly the features that made it. */
#ifndef MS_CARD_H
#define MS_CARD_H

#include "featurize.h"
#include "modscore.h"

#include <stdint.h>

#define MS_CARD_FORMAT 1

/* Most knots a card's "perspective_scale" may have. */
#define MS_SCALE_MAX_KNOTS 64
/* Most attributes a card's "perspective_includes" may name, and the
 * longest name. */
#define MS_MAX_INCLUDES 4
#define MS_ATTRIBUTE_MAX 32

/* A monotone piecewise-linear map from a model's score to Perspective's
 * scale (the share of raters who would mark the comment so): score knots
 * ascending from 0 to 1, shares non-decreasing in [0, 1]; 0 knots: none. */
typedef struct ms_scale {
    size_t knots;
    double score[MS_SCALE_MAX_KNOTS];
    double share[MS_SCALE_MAX_KNOTS];
} ms_scale;

/* One of "perspective_includes": a Perspective attribute that is a kind of
 * the card's (a threat is toxic), and the map from its model's score to
 * the share of raters marking the comment as the card's attribute. */
typedef struct ms_include {
    char attribute[MS_ATTRIBUTE_MAX];
    ms_scale scale;
    double from; /* "from": the reading counts only at or above it */
} ms_include;

typedef struct ms_card {
    int format;              /* MS_CARD_FORMAT */
    char *task;              /* "hostility" or "off_topic": the feature recipe */
    char *version;           /* e.g. "hostility-20261128-1a2b3c4d" */
    /* What the model scores (DESIGN.md, "Categories are data"). category
     * is the card's "category" (for cards written before it, the task of
     * a directory named like it); NULL when the card names none: then the
     * directory is not a category (a token-span model, say). */
    char *category;
    char *perspective_attribute; /* "TOXICITY", "INSULT", ...; NULL when none */
    char *language;              /* "en" when the card names none */
    ms_feature_config features;
    uint64_t model_hash;     /* FNV-1a of model.svm */
    uint64_t idf_hash;       /* FNV-1a of idf.bin */
    int has_lexicon_hash;    /* the card names the lexicons it was trained with */
    uint64_t lexicon_hash;   /* ms_lexicon_hash of them */
    uint64_t lexicon_bytes;  /* their size (ms_lexicon_bytes); 0 when not recorded */
    uint64_t model_bytes;    /* model.svm's size; 0 when not recorded */
    uint64_t group_terms_hash; /* ms_lexicon_group_hash of the identity terms the
                                  model was trained with (features.group_terms
                                  on); 0 when it uses none */
    uint64_t list_hash;      /* features.lexicon MS_LEXICON_LIST: "list_hash",
                                ms_lexicon_hash of the language's own list
                                (lexicons/LANG, ms_lexicon_load_language) */
    /* "perspective_scale": {"score":[...],"share":[...]}, the model's
     * score to Perspective's scale; 0 knots: the card has none, and
     * Perspective gets the score itself. */
    ms_scale scale;
    /* "perspective_includes": [{"attribute","score","share"}, ...], kinds
     * of this attribute whose models' scores, each read through its map on
     * this attribute's scale, can raise its answer
     * (ms_models_perspective_answer). */
    size_t n_includes;
    ms_include includes[MS_MAX_INCLUDES];
    /* "language_mismatch": {"score": p, ...}: on a one-language site, a
     * comment written in none of its article's languages scores at least
     * p (in (0, 1], measured: train/language_mismatch.py); 0 when the card
     * has none (scorer.c, offlang.h). */
    double mismatch_score;
} ms_card;

/* Reads the fields above from a card file; anything else in it is for
 * people. MS_ERR_NOT_FOUND when absent, MS_ERR_MODEL when invalid or of
 * another format. OUT: card, release with ms_card_clear. */
ms_status ms_card_read(const char *path, ms_card *card, ms_error *err);

/* Whether a card file names a category, reading it once: 1 when it has a
 * "category" (or is a legacy hostility/off_topic card whose task is
 * legacy_name, the directory's name; NULL for none), with OUT: *st the
 * result of validating it as ms_card_read does and, when MS_OK, OUT: card
 * (its category always set; release with ms_card_clear); 0 when it names
 * none or is absent (the directory is then not a category, and its card is
 * not validated). A card that is there but cannot be read or is not JSON
 * returns 1 with *st and err saying why. */
int ms_card_category(const char *path, const char *legacy_name, ms_card *card, ms_status *st,
                     ms_error *err);

/* Writes dir/card.bin, the compiled form of dir/card.json that
 * ms_card_category reads in its place (when compiled from the same text
 * by the same card reader; see card.c), atomically. A card that names no
 * category gets none (MS_OK). MS_ERR_MODEL when the card is invalid. */
ms_status ms_card_compile(const char *dir, ms_error *err);

/* A category name: 1 to 64 bytes of [a-z0-9_], starting with a letter,
 * and not "deny" or "sentiment" (which reports use). (card.c) */
int ms_category_name_valid(const char *s, size_t n);
void ms_card_clear(ms_card *card);

/* A score on Perspective's scale through the card's "perspective_scale"
 * (the score itself when the card has none). */
double ms_card_perspective(const ms_card *card, double score);
/* score through the map sc (the score itself when sc has no knots). */
double ms_scale_apply(const ms_scale *sc, double score);

/* The hash a card records for a file: FNV-1a of its bytes (ms_hash64,
 * seed 0). OUT: *h. */
ms_status ms_card_file_hash(const char *path, uint64_t *h, ms_error *err);

/* MS_OK when the file's FNV-1a hash is expected, else MS_ERR_MODEL naming
 * the file ("checksum mismatch"). */
ms_status ms_card_check_file(const char *path, uint64_t expected, ms_error *err);

/* A 64-bit hash as 16 hex digits, and back (0 on success). */
void ms_hex64(uint64_t v, char out[17]);
int ms_parse_hex64(const char *s, uint64_t *v);

/* MS_OK when lx is the lexicon set the card's model was trained with (a
 * card without "lexicon_hash" predates the check: MS_OK), and, for a card
 * that uses identity terms (features.group_terms), when lx has the list it
 * names by "group_terms_hash" (always compared: hashed at load). With full, its
 * hash is compared (the lexicon's bytes are hashed once per load, about
 * 4 ms); without, only its size ("lexicon_bytes", when the card has it):
 * for short-lived processes, as MS_LOAD_TRUST_COMPILED. Else MS_ERR_MODEL
 * naming lexicon_dir. *hash caches the hash between calls (0: not yet). */
ms_status ms_card_check_lexicon(const ms_card *card, const ms_lexicon *lx, int full,
                                uint64_t *hash, const char *lexicon_dir, ms_error *err);

/* MS_OK when model.svm in model_dir has the size the card records (always,
 * when it records none): a cheap check that it is whole while model.bin is
 * what gets loaded. Else MS_ERR_MODEL naming it. */
ms_status ms_card_check_model_size(const ms_card *card, const char *svm_path, ms_error *err);

/* The loaded lexicon of a model set (for training and evaluation). */
const ms_lexicon *ms_models_lexicon(const ms_models *m);

/* The Perspective attribute a category is known to answer (hostility ->
 * TOXICITY, insult -> INSULT, ...), written on the cards of models trained
 * for it; NULL for a name Perspective lacks. (train.c) */
const char *ms_perspective_default(const char *category);

#endif

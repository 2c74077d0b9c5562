/* card.h - a model directory's JSON card: the feature settings a model was
 * trained with, its version, and checksums of its files, so that a model
 * is used with exactly the features that made it. */
#ifndef MS_CARD_H
#define MS_CARD_H

#include "featurize.h"
#include "modscore.h"

#include <stdint.h>

#define MS_CARD_FORMAT 1

typedef struct ms_card {
    int format;              /* MS_CARD_FORMAT */
    char *task;              /* "hostility" or "off_topic" */
    char *version;           /* e.g. "hostility-20261128-1a2b3c4d" */
    ms_feature_config features;
    uint64_t model_hash;     /* FNV-1a of model.svm */
    uint64_t idf_hash;       /* FNV-1a of idf.bin */
} ms_card;

/* Reads the fields above from a card file; anything else in it is for
 * people. MS_ERR_NOT_FOUND when absent, MS_ERR_MODEL when invalid or of
 * another format. OUT: card, release with ms_card_clear. */
ms_status ms_card_read(const char *path, ms_card *card, ms_error *err);
void ms_card_clear(ms_card *card);

/* The hash a card records for a file: FNV-1a of its bytes (ms_hash64,
 * seed 0). OUT: *h. */
ms_status ms_card_file_hash(const char *path, uint64_t *h, ms_error *err);

/* MS_OK when the file's FNV-1a hash is expected, else MS_ERR_MODEL naming
 * the file ("checksum mismatch"). */
ms_status ms_card_check_file(const char *path, uint64_t expected, ms_error *err);

/* A 64-bit hash as 16 hex digits, and back (0 on success). */
void ms_hex64(uint64_t v, char out[17]);
int ms_parse_hex64(const char *s, uint64_t *v);

/* The loaded lexicon of a model set (for training and evaluation). */
const ms_lexicon *ms_models_lexicon(const ms_models *m);

#endif

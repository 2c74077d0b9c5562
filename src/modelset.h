/* modelset.h - the model set (internal): finding the model directories
 * under a models directory, reading their cards, loading, grouping and
 * packing their weights, and looking them up by category, Perspective
 * attribute and language. The scorer, the language module and the spans
 * read it; it scores nothing. */
#ifndef MS_MODELSET_H
#define MS_MODELSET_H

#include "card.h"
#include "compiled.h"
#include "featurize.h"
#include "lexicon.h"
#include "model.h"
#include "modscore.h"
#include "spans.h"

#include <pthread.h>
#include <stdint.h>

typedef struct loaded_model {
    ms_card card;
    ms_idf idf;
    ms_linear *linear;
    ms_compiled_map map; /* model.bin, when linear->w and idf.idf point into it */
    ms_category_info info;
    size_t group;        /* the feature group it shares a pass with */
    int pack;            /* its pack (index into ms_models.packs), or -1 */
    int pack_slot;       /* its place in the pack */
    int nested;          /* 1: in a language's directory (DIR/de/hostility) */
    unsigned flags;      /* MS_LOAD_* it was found with */
    char *dir;           /* its directory, while its weights wait to be mapped */
    int mapped;          /* 1: linear and idf are there (atomic) */
    ms_status map_status; /* a failed mapping's status, kept */
    ms_error map_error;  /* and its message */
    int legacy;          /* the ms_category whose legacy fields it fills
                            (ms_category_name's table), or -1 */
    const ms_lexicon *list; /* MS_LEXICON_LIST: its language's own list (one
                               of ms_models.lists), else NULL */
} loaded_model;

/* A language's own word list (lexicons/LANG), loaded once for the models
 * of that language whose lexicon block reads it. */
typedef struct lang_list {
    char lang[8];
    ms_lexicon *lx;
} lang_list;

/* Up to MS_PACK_MODELS comment-only models of one group and language with
 * their weights side by side (see ms_pack), filled when first needed; with
 * their dense weights copied, scoring them reads nothing of their own
 * mappings, whose pages leave the process once the pack is filled. */
typedef struct model_pack {
    ms_pack pack;        /* once filled */
    int state;           /* 0 not filled yet, 1 filled, -1 cannot be (atomic) */
    int k;
    size_t model[MS_PACK_MODELS];
    double dense[MS_PACK_MODELS][MS_DENSE_COUNT]; /* each one's dense weights */
    const double *dense_of[MS_PACK_MODELS];       /* dense[m], as the calls take it */
    int32_t dim[MS_PACK_MODELS];                  /* ms_models_dim of each */
} model_pack;

/* Categories are data (DESIGN.md): every model directory whose card names
 * a category. Models whose feature settings are the same form a group:
 * the scorer tokenises and hashes a comment once per group and weighs the
 * counts once per model. */
struct ms_models {
    ms_lexicon *lx;
    lang_list lists[MS_MAX_CATEGORIES]; /* n_lists of them */
    size_t n_lists;
    loaded_model *m; /* n of them: hostility, off_topic, then by name */
    size_t n;
    size_t n_groups;
    size_t group_first[MS_MAX_CATEGORIES]; /* a model of each group */
    ms_feature_config group_cfg[MS_MAX_CATEGORIES]; /* each group's featurizer's
                                 settings: its models', with every dense block
                                 that one of them has (ms_feature_config_shared) */
    model_pack packs[MS_MAX_CATEGORIES];
    size_t n_packs;
    ms_spans_model *spans; /* models/spans, when present: reason spans */
    pthread_mutex_t map_lock; /* mapping a model when first needed */
    int legacy[MS_CAT_COUNT]; /* the first-level model of each ms_category,
                                 or -1: the default language's (its
                                 hostility gives the spans trainer its
                                 contributions) */
};

/* The libsvm indices model lm's dot products and attributions read (its
 * weights mapped): its own settings' (ms_feature_dim), not those of the
 * group's featurizer, which may add a dense block the model never had. */
int32_t ms_models_dim(const loaded_model *lm);

/* 1 when model i of m scores a comment in the languages codes[0, n): its
 * card names one of them; with n == 0 (language undecided), when it is of
 * the default language, that of the first-level hostility model. */
/* Each MS_LEXICON_LIST model's language list, lexicon_dir/LANG (loaded once
 * per language), checked against its card's list_hash: MS_ERR_MODEL naming
 * the list when it is not the one the model was trained with, or the
 * loader's error. Before models_finish, which groups by list too.
 * (modelset_lists.c) */
ms_status ms_models_load_lists(ms_models *m, const char *lexicon_dir, ms_error *err);

int ms_models_applies(const ms_models *m, size_t i, const char (*codes)[8], size_t n);

/* Maps model i's weights if a comment has not needed them before (a
 * language's models wait for its first comment); thread-safe. Returns
 * MS_OK, or the mapping's failure, kept for every later call
 * (ms_models_map_error says why). */
ms_status ms_models_map(const ms_models *m, size_t i);

/* 1 when pack p's slots are filled, filling them (and mapping its members)
 * the first time; 0 when they cannot be (a member fails to map, or memory
 * runs out): its members are then scored one by one. Thread-safe. */
int ms_models_pack_ready(const ms_models *m, int p);

#endif

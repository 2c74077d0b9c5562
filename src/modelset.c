/* modelset.c - the model set: every model directory whose card names a
 * category, loaded, checked against its card, grouped by feature settings
 * and packed; lookups by category, attribute and language. */
#include "modelset.h"

#include "category.h"
#include "language.h"
#include "sentiment.h"
#include "util.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* Maps (or reads) the weights and idf table of the model in dir/name whose
 * card lm->card is, checked against the card. */
static ms_status load_weights(const char *dir, const char *name, loaded_model *lm,
                              unsigned flags, ms_error *err)
{
    ms_buf path = {0};
    ms_status st;
    {
        /* model.bin, when it is there and compiled from the card's files,
         * spares parsing model.svm; a damaged one is refused */
        path.len = 0;
        ms_buf_printf(&path, "%s/%s/model.bin", dir, name);
        st = ms_compiled_load(path.data, lm->card.model_hash, lm->card.idf_hash,
                              lm->card.features.hash_bits,
                              flags & MS_LOAD_TRUST_COMPILED ? 0 : MS_COMPILED_VERIFY,
                              &lm->linear, &lm->idf, &lm->map, err);
        if (st == MS_OK) {
            /* model.svm is not read then: at least see that it is whole */
            path.len = 0;
            ms_buf_printf(&path, "%s/%s/model.svm", dir, name);
            st = ms_card_check_model_size(&lm->card, path.data, err);
        }
        if (st != MS_ERR_NOT_FOUND) {
            ms_buf_free(&path);
            return st;
        }
        st = MS_OK;
    }
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/%s/idf.bin", dir, name);
        st = ms_card_check_file(path.data, lm->card.idf_hash, err);
        if (st == MS_OK)
            st = ms_idf_read(path.data, &lm->idf, err);
    }
    if (st == MS_OK && lm->idf.bits != lm->card.features.hash_bits)
        st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0,
                     "idf table has %d hash bits, the card says %d", lm->idf.bits,
                     lm->card.features.hash_bits);
    if (st == MS_OK) {
        path.len = 0;
        ms_buf_printf(&path, "%s/%s/model.svm", dir, name);
        st = ms_card_check_file(path.data, lm->card.model_hash, err);
        if (st == MS_OK)
            st = ms_linear_load(path.data, &lm->linear, err);
    }
    ms_buf_free(&path);
    return st;
}

/* Lets go of a model's weights (checked, not yet needed). */
static void release_weights(loaded_model *lm)
{
    ms_linear_free(lm->linear);
    lm->linear = NULL;
    if (!lm->map.base)
        free(lm->idf.idf);
    ms_compiled_unmap(&lm->map);
    memset(&lm->idf, 0, sizeof lm->idf);
}

/* The model in dir/name; card, when not NULL, is its card already read
 * (taken over: the caller no longer clears it). Its weights are mapped
 * when a comment first needs them (ms_models_map): a process that scores
 * with two categories maps two files. A model of the first level (the
 * default language's, which every process of the set uses) is read and
 * checked now unless flags say MS_LOAD_TRUST_COMPILED (checksums, sizes,
 * the card's hashes), so that a damaged one is refused by the load (a
 * server's reload), not by a comment; then let go. A language's models
 * (DIR/de/...) are checked when first mapped: fifty installed cost a
 * process of English comments nothing. */
static ms_status load_one(const char *dir, const char *name, ms_card *card, loaded_model *lm,
                          unsigned flags, ms_error *err)
{
    ms_status st = MS_OK;
    if (card) {
        lm->card = *card;
        memset(card, 0, sizeof *card);
    } else {
        ms_buf path = {0};
        if (ms_buf_printf(&path, "%s/%s/card.json", dir, name) != MS_OK)
            return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        st = ms_card_read(path.data, &lm->card, err);
        ms_buf_free(&path);
    }
    if (st != MS_OK)
        return st;
    lm->flags = flags;
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/%s", dir, name) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    lm->dir = path.data; /* taken over */
    if ((flags & MS_LOAD_TRUST_COMPILED) || strchr(name, '/'))
        return MS_OK;
    st = load_weights(dir, name, lm, flags, err);
    if (st == MS_OK && lm->map.base)
        lm->flags |= MS_LOAD_TRUST_COMPILED; /* checked whole: its header will do */
    release_weights(lm);
    return st;
}

static void model_clear(loaded_model *lm)
{
    ms_linear_free(lm->linear);
    if (!lm->map.base)
        free(lm->idf.idf);
    ms_compiled_unmap(&lm->map);
    ms_card_clear(&lm->card);
    free(lm->dir);
    memset(lm, 0, sizeof *lm);
}

static ms_models *models_with_lexicon(const char *lexicon_dir, unsigned flags, ms_error *err)
{
    ms_models *m = calloc(1, sizeof *m);
    if (m)
        m->m = calloc(MS_MAX_CATEGORIES, sizeof *m->m);
    if (!m || !m->m) {
        free(m);
        ms_fail(err, MS_ERR_NOMEM, lexicon_dir, 0, 0, "out of memory");
        return NULL;
    }
    unsigned lx_flags = flags & MS_LOAD_TRUST_COMPILED ? MS_LEXICON_TRUST_COMPILED : 0;
    if (ms_lexicon_open(lexicon_dir, lx_flags, &m->lx, err) != MS_OK) {
        free(m->m);
        free(m);
        return NULL;
    }
    pthread_mutex_init(&m->map_lock, NULL);
    return m;
}

/* Loads dir/name as a model of the set, with category cat (its card's, or
 * the legacy name). */
static ms_status add_model(ms_models *m, const char *dir, const char *name, const char *cat,
                           ms_card *card, unsigned flags, ms_error *err)
{
    ms_status st = MS_OK;
    const char *lang = card && card->language ? card->language : "en";
    for (size_t i = 0; st == MS_OK && i < m->n; i++)
        if (strcmp(m->m[i].card.category, cat) == 0 && ms_language_same(m->m[i].card.language, lang))
            st = ms_fail(err, MS_ERR_MODEL, dir, 0, 0,
                         "two model directories name the category \"%s\" in language \"%s\" "
                         "(%s/ and another)",
                         cat, lang, name);
    if (st == MS_OK && m->n >= MS_MAX_CATEGORIES)
        st = ms_fail(err, MS_ERR_MODEL, dir, 0, 0, "more than %d model directories",
                     MS_MAX_CATEGORIES);
    if (st != MS_OK) {
        if (card)
            ms_card_clear(card);
        return st;
    }
    loaded_model *lm = &m->m[m->n];
    /* every model is mapped when a comment first needs it: a language's
     * (DIR/de/...) when a comment in it comes, a category when a comment
     * is scored with it (ms_scorer_set_categories) */
    st = load_one(dir, name, card, lm, flags, err);
    if (st == MS_OK && !lm->card.category && !(lm->card.category = ms_strdup0(cat)))
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (st != MS_OK) {
        model_clear(lm);
        return st;
    }
    lm->legacy = ms_category_legacy(lm->card.category);
    lm->nested = strchr(name, '/') != NULL;
    m->n++;
    return MS_OK;
}

/* The models' order, that of scores and reasons: the models of the first
 * level (the default language's) before every language's directory, so
 * that its indices do not move when a language is installed; within each,
 * the legacy categories in ms_category's order, then the others by name. */
static int cmp_model(const void *a, const void *b)
{
    const loaded_model *x = a, *y = b;
    if (x->nested != y->nested) /* DIR/CATEGORY before DIR/LANGUAGE/CATEGORY */
        return x->nested - y->nested;
    int rx = x->legacy < 0 ? MS_CAT_COUNT : x->legacy;
    int ry = y->legacy < 0 ? MS_CAT_COUNT : y->legacy;
    if (rx != ry)
        return rx - ry;
    int c = strcmp(x->card.category, y->card.category);
    return c ? c : strcmp(x->card.language, y->card.language);
}

/* The language a model reads ("en" when its card names none). */
static const char *model_language(const loaded_model *lm)
{
    return lm->card.language ? lm->card.language : "en";
}

/* Whether models a and b can share a pack: comment-only, of one language
 * (a comment routed to one language scores all of the pack, never half of
 * it), and of one feature group or of two whose vectors are the same for
 * a comment that names no identity group (hostility's and
 * identity_attack's: one pass over the pack then serves both; the scorer
 * takes a second only for a comment that names one). */
static int pack_mates(const ms_models *m, const loaded_model *a, const loaded_model *b)
{
    if (a->card.features.context || b->card.features.context || a->nested != b->nested ||
        !ms_language_same(model_language(a), model_language(b)))
        return 0;
    return a->group == b->group ||
           (ms_feature_config_alike_unnamed(&m->group_cfg[a->group], &m->group_cfg[b->group]) &&
            m->m[m->group_first[a->group]].list == m->m[m->group_first[b->group]].list);
}

/* Packs the comment-only models, those of a language that pack_mates
 * together, six to a pack, a model alone in one of its own: a pack's slots
 * (4 bytes a model and bucket some member weighs: ms_pack)
 * are filled when a comment first needs every member
 * (ms_models_pack_ready), and a model's own mapping (12 MB of random reads
 * for a 2^20-bucket model) is then left alone. Made for processes that
 * score many comments; `check` (MS_LOAD_TRUST_COMPILED) scores one and
 * goes without. */
static void models_pack(ms_models *m)
{
    int packed[MS_MAX_CATEGORIES] = {0};
    for (size_t i = 0; i < m->n; i++) {
        if (packed[i] || m->m[i].card.features.context)
            continue;
        model_pack *pk = &m->packs[m->n_packs];
        pk->k = 0;
        for (size_t j = i; j < m->n && pk->k < MS_PACK_MODELS; j++) {
            if (packed[j] || !pack_mates(m, &m->m[i], &m->m[j]))
                continue;
            packed[j] = 1;
            pk->model[pk->k] = j;
            m->m[j].pack = (int)m->n_packs;
            m->m[j].pack_slot = pk->k++;
        }
        m->n_packs++;
    }
}

static ms_status map_locked(ms_models *m, size_t i);

/* Lets model lm's mapped pages go: the pack serves its buckets, and its
 * pages (the page cache keeps them) come back one by one where reasons or
 * dense features read them. */
static void pages_go(const loaded_model *lm)
{
    if (lm->map.base)
        madvise(lm->map.base, lm->map.len, MADV_DONTNEED);
}

/* Fills pack pk's slots from its members' weights, mapping them, one
 * member's pages in this process at a time. Returns 1, or -1 when a
 * member cannot be mapped (it then fails where it is scored alone) or
 * memory runs out. Under map_lock. */
static int pack_fill(ms_models *m, model_pack *pk)
{
    int bits = m->m[pk->model[0]].card.features.hash_bits;
    if (ms_pack_start(&pk->pack, pk->k, bits) != MS_OK)
        return -1;
    for (int j = 0; j < pk->k; j++) {
        if (map_locked(m, pk->model[j]) != MS_OK)
            return -1; /* ms_models_free frees what there is */
        ms_pack_mark(&pk->pack, m->m[pk->model[j]].idf.idf);
        pages_go(&m->m[pk->model[j]]);
    }
    if (ms_pack_slots(&pk->pack) != MS_OK)
        return -1;
    int32_t base = (int32_t)((size_t)1 << bits) + 1;
    for (int j = 0; j < pk->k; j++) {
        loaded_model *lm = &m->m[pk->model[j]];
        pk->dim[j] = ms_models_dim(lm);
        for (int d = 0; d < MS_DENSE_COUNT; d++)
            pk->dense[j][d] = base + d < lm->linear->dim ? lm->linear->w[base + d] : 0;
        pk->dense_of[j] = pk->dense[j];
        if (ms_pack_add(&pk->pack, j, lm->idf.idf, lm->linear->w, lm->linear->dim) != MS_OK)
            return -1; /* ms_models_free frees what there is */
        pages_go(lm);
    }
    return 1;
}

int ms_models_pack_ready(const ms_models *cm, int p)
{
    ms_models *m = (ms_models *)cm;
    model_pack *pk = &m->packs[p];
    int state = __atomic_load_n(&pk->state, __ATOMIC_ACQUIRE);
    if (state)
        return state > 0;
    pthread_mutex_lock(&m->map_lock);
    if (!pk->state)
        __atomic_store_n(&pk->state, pack_fill(m, pk), __ATOMIC_RELEASE);
    state = pk->state;
    pthread_mutex_unlock(&m->map_lock);
    return state > 0;
}

int32_t ms_models_dim(const loaded_model *lm)
{
    int32_t own = ms_feature_dim(&lm->card.features);
    return lm->linear->dim < own ? lm->linear->dim : own;
}

/* Orders the models, fills their info and groups them by feature settings. */
static void models_finish(ms_models *m)
{
    qsort(m->m, m->n, sizeof *m->m, cmp_model);
    m->n_groups = 0;
    for (int c = 0; c < MS_CAT_COUNT; c++)
        m->legacy[c] = -1;
    for (size_t i = 0; i < m->n; i++) {
        loaded_model *lm = &m->m[i];
        if (lm->legacy >= 0 && m->legacy[lm->legacy] < 0)
            m->legacy[lm->legacy] = (int)i;
        lm->info.name = lm->card.category;
        lm->info.perspective_attribute = lm->card.perspective_attribute;
        lm->info.language = lm->card.language;
        lm->info.version = lm->card.version;
        lm->info.needs_context = lm->card.features.context;
        lm->pack = -1;
        size_t g = 0;
        while (g < m->n_groups &&
               (!ms_feature_config_shared(&m->group_cfg[g], &lm->card.features) ||
                m->m[m->group_first[g]].list != lm->list))
            g++;
        if (g == m->n_groups) {
            m->group_first[m->n_groups] = i;
            m->group_cfg[m->n_groups++] = lm->card.features;
        }
        if (lm->card.features.intent > m->group_cfg[g].intent)
            m->group_cfg[g].intent = lm->card.features.intent;
        lm->group = g;
    }
}

ms_status ms_models_load(const char *dir, ms_models **out, ms_error *err)
{
    return ms_models_load_flags(dir, 0, out, err);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the names of dir's subdirectories (but lexicons and hidden
 * ones), sorted, each prefixed with prefix ("" or "de/"). OUT: *names, *n,
 * *cap (free each and the array). */
static ms_status list_dir(const char *dir, const char *prefix, char ***names, size_t *n,
                          size_t *cap, ms_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return ms_fail(err, errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_IO, dir, 0, 0, "%s",
                       strerror(errno));
    size_t first = *n;
    ms_status st = MS_OK;
    struct dirent *e;
    ms_buf name = {0};
    while (st == MS_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "lexicons") == 0)
            continue;
        if (*n >= 4 * MS_MAX_CATEGORIES)
            break; /* a models directory is not a dumping ground */
        name.len = 0;
        if (ms_buf_printf(&name, "%s%s", prefix, e->d_name) != MS_OK ||
            ms_grow((void **)names, cap, *n + 1, sizeof **names) != MS_OK ||
            !((*names)[*n] = ms_strdup0(name.data))) {
            st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        (*n)++;
    }
    closedir(d);
    ms_buf_free(&name);
    if (*n - first > 1)
        qsort(*names + first, *n - first, sizeof **names, cmp_str);
    return st;
}

/* The model directories under dir: DIR/NAME and, below a directory
 * without a card (a language's, DIR/de), DIR/NAME/SUB; the first level
 * first, each sorted. OUT: *names, *n (free each and the array). */
static ms_status list_dirs(const char *dir, char ***names, size_t *n, ms_error *err)
{
    *names = NULL;
    *n = 0;
    size_t cap = 0;
    ms_status st = list_dir(dir, "", names, n, &cap, err);
    size_t top = *n;
    ms_buf path = {0}, prefix = {0};
    for (size_t i = 0; st == MS_OK && i < top; i++) {
        struct stat sb;
        path.len = prefix.len = 0;
        if (ms_buf_printf(&path, "%s/%s/card.json", dir, (*names)[i]) != MS_OK ||
            ms_buf_printf(&prefix, "%s/", (*names)[i]) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        if (stat(path.data, &sb) == 0 || errno != ENOENT)
            continue; /* a model's own directory (or one that says why not) */
        path.len -= strlen("/card.json");
        path.data[path.len] = '\0';
        if (stat(path.data, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            st = list_dir(path.data, prefix.data, names, n, &cap, err);
            if (st == MS_ERR_NOT_FOUND)
                st = MS_OK;
        }
    }
    ms_buf_free(&path);
    ms_buf_free(&prefix);
    return st;
}

/* Every model's card against the loaded lexicons (hashed at most once). */
static ms_status check_lexicons(const ms_models *m, unsigned flags, const char *lexicon_dir,
                                ms_error *err)
{
    uint64_t hash = 0;
    ms_status st = MS_OK;
    for (size_t i = 0; st == MS_OK && i < m->n; i++)
        st = ms_card_check_lexicon(&m->m[i].card, m->lx, !(flags & MS_LOAD_TRUST_COMPILED), &hash,
                                   lexicon_dir, err);
    return st == MS_OK ? ms_models_load_lists((ms_models *)m, lexicon_dir, err) : st;
}

ms_status ms_models_load_flags(const char *dir, unsigned flags, ms_models **out, ms_error *err)
{
    *out = NULL;
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/lexicons", dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    ms_models *m = models_with_lexicon(path.data, flags, err);
    if (!m) {
        ms_buf_free(&path);
        return err ? err->code : MS_ERR_NOT_FOUND;
    }
    char **names;
    size_t n_names;
    ms_status st = list_dirs(dir, &names, &n_names, err);
    for (size_t i = 0; st == MS_OK && i < n_names; i++) {
        path.len = 0;
        if (ms_buf_printf(&path, "%s/%s/card.json", dir, names[i]) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        ms_card card;
        if (ms_card_category(path.data, names[i], &card, &st, err) && st == MS_OK)
            st = add_model(m, dir, names[i], card.category, &card, flags, err);
    }
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    /* the default language's hostility model (DIR/hostility) is required:
     * without one, say what is missing; a language's (DIR/de/hostility)
     * does not stand in for it */
    int have_hostility = 0;
    for (size_t i = 0; i < m->n; i++)
        have_hostility |= m->m[i].legacy == MS_CAT_HOSTILITY && !m->m[i].nested;
    if (st == MS_OK && !have_hostility) {
        path.len = 0;
        ms_card card;
        if (ms_buf_printf(&path, "%s/hostility/card.json", dir) != MS_OK)
            st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        else if ((st = ms_card_read(path.data, &card, err)) == MS_OK)
            st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0,
                         "no model directory names the category \"hostility\"");
        ms_card_clear(&card);
    }
    path.len = 0;
    if (st == MS_OK && ms_buf_printf(&path, "%s/lexicons", dir) == MS_OK)
        st = check_lexicons(m, flags, path.data, err);
    /* models/spans (its card names no category: not a scoring category) */
    path.len = 0;
    if (st == MS_OK && ms_buf_printf(&path, "%s/spans", dir) == MS_OK) {
        st = ms_spans_load(path.data, &m->spans, err);
        if (st == MS_ERR_NOT_FOUND)
            st = MS_OK; /* optional: reasons are then the strongest words */
    }
    ms_buf_free(&path);
    if (st != MS_OK) {
        ms_models_free(m);
        return st;
    }
    models_finish(m);
    if (!(flags & MS_LOAD_TRUST_COMPILED))
        models_pack(m);
    *out = m;
    return MS_OK;
}

ms_status ms_models_load_single(const char *lexicon_dir, const char *model_dir, ms_models **out,
                                ms_category *cat, ms_error *err)
{
    *out = NULL;
    ms_card card;
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/card.json", model_dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, model_dir, 0, 0, "out of memory");
    ms_status st = ms_card_read(path.data, &card, err);
    ms_buf_free(&path);
    if (st != MS_OK)
        return st;
    char *name = ms_strdup0(card.category ? card.category
                            : strcmp(card.task, "hostility") == 0 ? "hostility"
                                                                  : "off_topic");
    *cat = card.features.context ? MS_CAT_OFF_TOPIC : MS_CAT_HOSTILITY;
    ms_card_clear(&card);
    ms_models *m = name ? models_with_lexicon(lexicon_dir, 0, err) : NULL;
    if (!m) {
        free(name);
        return err ? err->code : MS_ERR_NOT_FOUND;
    }
    /* add_model wants DIR/NAME: split model_dir at its last slash */
    char *dir = ms_strdup0(model_dir);
    if (!dir) {
        free(name);
        ms_models_free(m);
        return ms_fail(err, MS_ERR_NOMEM, model_dir, 0, 0, "out of memory");
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    char *slash = strrchr(dir, '/');
    const char *parent = ".", *base = dir;
    if (slash) {
        *slash = '\0';
        parent = slash == dir ? "/" : dir;
        base = slash + 1;
    }
    st = add_model(m, parent, base, name, NULL, 0, err);
    if (st == MS_OK)
        st = check_lexicons(m, 0, lexicon_dir, err);
    free(dir);
    free(name);
    if (st != MS_OK) {
        ms_models_free(m);
        return st;
    }
    models_finish(m);
    *out = m;
    return MS_OK;
}

void ms_models_free(ms_models *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->m && i < m->n; i++)
        model_clear(&m->m[i]);
    for (size_t i = 0; i < m->n_packs; i++) {
        ms_pack_free(&m->packs[i].pack);
    }
    free(m->m);
    ms_spans_free(m->spans);
    ms_lexicon_free(m->lx);
    for (size_t i = 0; i < m->n_lists; i++)
        ms_lexicon_free(m->lists[i].lx);
    pthread_mutex_destroy(&m->map_lock);
    free(m);
}

int ms_models_category_find(const ms_models *m, const char *name)
{
    for (size_t i = 0; m && name && i < m->n; i++)
        if (strcmp(m->m[i].card.category, name) == 0)
            return (int)i;
    return -1;
}

int ms_models_category_for_attribute(const ms_models *m, const char *attribute)
{
    for (size_t i = 0; m && attribute && i < m->n; i++)
        if (m->m[i].card.perspective_attribute &&
            strcmp(m->m[i].card.perspective_attribute, attribute) == 0)
            return (int)i;
    return -1;
}

size_t ms_models_category_count(const ms_models *m) { return m ? m->n : 0; }

const ms_category_info *ms_models_category_info(const ms_models *m, size_t i)
{
    return m && i < m->n ? &m->m[i].info : NULL;
}

double ms_models_perspective_score(const ms_models *m, size_t i, double score)
{
    return m && i < m->n ? ms_card_perspective(&m->m[i].card, score) : score;
}

/* Whether model j answers include k of category i's card (its attribute,
 * in the same language). */
static int answers_include(const ms_models *m, size_t i, size_t k, size_t j)
{
    const ms_card *c = &m->m[i].card, *o = &m->m[j].card;
    return j != i && o->perspective_attribute &&
           strcmp(o->perspective_attribute, c->includes[k].attribute) == 0 &&
           ms_language_same(o->language, c->language);
}

size_t ms_models_perspective_kinds(const ms_models *m, size_t i, size_t *out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; m && i < m->n && k < m->m[i].card.n_includes; k++)
        for (size_t j = 0; j < m->n; j++)
            if (answers_include(m, i, k, j) && n < max)
                out[n++] = j;
    return n;
}

int ms_models_includes_kind(const ms_models *m, const char *category, const char *kind)
{
    size_t kinds[MS_MAX_CATEGORIES];
    for (size_t i = 0; m && category && kind && i < m->n; i++) {
        if (strcmp(m->m[i].card.category, category) != 0)
            continue;
        size_t n = ms_models_perspective_kinds(m, i, kinds, MS_MAX_CATEGORIES);
        for (size_t k = 0; k < n; k++)
            if (strcmp(m->m[kinds[k]].card.category, kind) == 0)
                return 1;
    }
    return 0;
}

double ms_models_perspective_answer_of(const ms_models *m, size_t i, const ms_result *r,
                                       const size_t *kinds, size_t n)
{
    if (!m || !r || i >= m->n || i >= r->n_scores || !r->scores[i].has_score)
        return -1;
    const ms_card *c = &m->m[i].card;
    double v = ms_card_perspective(c, r->scores[i].score);
    for (size_t k = 0; k < c->n_includes; k++)
        for (size_t x = 0; x < n; x++) {
            size_t j = kinds[x];
            if (j < r->n_scores && r->scores[j].has_score && answers_include(m, i, k, j)) {
                /* the kind's score read on this attribute's scale, where
                 * it reaches the include's floor */
                double u = ms_scale_apply(&c->includes[k].scale, r->scores[j].score);
                if (u >= c->includes[k].from && u > v)
                    v = u;
            }
        }
    return v;
}

double ms_models_perspective_answer(const ms_models *m, size_t i, const ms_result *r)
{
    size_t kinds[MS_MAX_CATEGORIES];
    size_t n = ms_models_perspective_kinds(m, i, kinds, MS_MAX_CATEGORIES);
    return ms_models_perspective_answer_of(m, i, r, kinds, n);
}

const char *ms_models_version(const ms_models *m, ms_category c)
{
    if (!m || c < 0 || c >= MS_CAT_COUNT)
        return NULL;
    int i = m->legacy[c];
    return i < 0 ? NULL : m->m[i].card.version;
}

double ms_sentiment(const ms_models *m, const char *text, size_t len)
{
    return ms_vader_compound(m->lx, text, len);
}

const ms_lexicon *ms_models_lexicon(const ms_models *m) { return m->lx; }

int ms_models_read_language(const ms_models *m, const char *code)
{
    /* the languages the model cards name ("language", "en" by default) */
    for (size_t i = 0; i < ms_models_category_count(m); i++) {
        const ms_category_info *ci = ms_models_category_info(m, i);
        if (ci && ci->language && ms_language_same(ci->language, code))
            return 1;
    }
    return 0;
}

int ms_models_applies(const ms_models *m, size_t i, const char (*codes)[8], size_t n)
{
    const char *lang = m->m[i].card.language;
    if (n == 0) {
        /* the default language: that of the first-level hostility model */
        int d = m->legacy[MS_CAT_HOSTILITY];
        return d < 0 || ms_language_same(lang, m->m[d].card.language);
    }
    for (size_t k = 0; k < n; k++)
        if (ms_language_same(lang, codes[k]))
            return 1;
    return 0;
}

/* Maps model i's weights if they are not there; a failure is kept and
 * given again to every later call. Under map_lock. */
static ms_status map_locked(ms_models *m, size_t i)
{
    loaded_model *lm = &m->m[i];
    ms_status st = lm->map_status;
    if (!lm->mapped && st == MS_OK) {
        st = load_weights(lm->dir, ".", lm, lm->flags, &lm->map_error);
        if (st == MS_OK)
            __atomic_store_n(&lm->mapped, 1, __ATOMIC_RELEASE);
        else
            lm->map_status = st; /* said once, and again to every caller */
    }
    return st;
}

ms_status ms_models_map(const ms_models *cm, size_t i)
{
    /* the weights are filled in once, under the lock; a model is read
     * without it only after mapped says they are there */
    ms_models *m = (ms_models *)cm;
    if (__atomic_load_n(&m->m[i].mapped, __ATOMIC_ACQUIRE))
        return MS_OK;
    pthread_mutex_lock(&m->map_lock);
    ms_status st = map_locked(m, i);
    pthread_mutex_unlock(&m->map_lock);
    return st;
}

int ms_models_category_mapped(const ms_models *m, size_t i)
{
    return m && i < m->n && __atomic_load_n(&m->m[i].mapped, __ATOMIC_ACQUIRE);
}

const ms_error *ms_models_map_error(const ms_models *m, size_t i)
{
    return m && i < m->n && m->m[i].map_status != MS_OK ? &m->m[i].map_error : NULL;
}

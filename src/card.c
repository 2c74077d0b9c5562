/* card.c - reading a model card and checking the files it vouches for. */
#include "card.h"

#include "lexicon.h"
#include "normalise.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the largest card file read */
#define CARD_MAX_BYTES (1u << 24)

void ms_hex64(uint64_t v, char out[17]) { snprintf(out, 17, "%016llx", (unsigned long long)v); }

int ms_parse_hex64(const char *s, uint64_t *v)
{
    uint64_t x = 0;
    size_t i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0 || i >= 16)
            return -1;
        x = x << 4 | (uint64_t)d;
    }
    if (i != 16)
        return -1;
    *v = x;
    return 0;
}

void ms_card_clear(ms_card *card)
{
    if (!card)
        return;
    free(card->task);
    free(card->version);
    free(card->category);
    free(card->perspective_attribute);
    free(card->language);
    memset(card, 0, sizeof *card);
}

static int get_int(json_t *obj, const char *key, int lo, int hi, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return -1;
    *out = (int)json_integer_value(v);
    return 0;
}

/* An optional positive weight; absent is 1 (cards before it was written). */
static int get_weight(json_t *obj, const char *key, double *out)
{
    json_t *v = json_object_get(obj, key);
    *out = 1.0;
    if (!v)
        return 0;
    if (!json_is_number(v) || !(json_number_value(v) > 0) || json_number_value(v) > 100)
        return -1;
    *out = json_number_value(v);
    return 0;
}

/* Absent, or a string. */
static int optional_string(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return !v || json_is_string(v);
}

int ms_category_name_valid(const char *s, size_t n)
{
    if (!s || n == 0 || n > 64 || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    /* reserved: a reason's "deny", the "sentiment" score */
    if ((n == 4 && memcmp(s, "deny", 4) == 0) || (n == 9 && memcmp(s, "sentiment", 9) == 0))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* features' "fold": absent (no rules) or a list of rule names this modscore
 * knows (normalise.h); -1 otherwise. OUT: *fold. */
static int read_fold(json_t *feat, unsigned *fold)
{
    json_t *v = json_object_get(feat, "fold"), *name;
    size_t i;
    *fold = 0;
    if (!v)
        return 0;
    if (!json_is_array(v))
        return -1;
    json_array_foreach(v, i, name) {
        unsigned bit = json_is_string(name)
                           ? ms_fold_parse(json_string_value(name), json_string_length(name))
                           : 0;
        if (!bit)
            return -1;
        *fold |= bit;
    }
    return 0;
}

/* "lexicon_hash", "lexicon_bytes" and "model_bytes", all optional; -1 when
 * malformed. */
static int read_lexicon_fields(json_t *root, ms_card *card)
{
    json_t *lh = json_object_get(root, "lexicon_hash");
    json_t *lb = json_object_get(root, "lexicon_bytes");
    if (lh && (!json_is_string(lh) || ms_parse_hex64(json_string_value(lh), &card->lexicon_hash)))
        return -1;
    card->has_lexicon_hash = lh != NULL;
    if (lb && (!json_is_integer(lb) || json_integer_value(lb) < 1))
        return -1;
    card->lexicon_bytes = lb ? (uint64_t)json_integer_value(lb) : 0;
    json_t *mb = json_object_get(root, "model_bytes");
    if (mb && (!json_is_integer(mb) || json_integer_value(mb) < 1))
        return -1;
    card->model_bytes = mb ? (uint64_t)json_integer_value(mb) : 0;
    /* identity terms: a card that uses them names their list, and only such a card */
    json_t *gh = json_object_get(root, "group_terms_hash");
    if (!card->features.group_terms != !gh ||
        (gh && (!json_is_string(gh) ||
                ms_parse_hex64(json_string_value(gh), &card->group_terms_hash) ||
                !card->group_terms_hash)))
        return -1;
    /* a language's list: its hash is required, as the list is the model's */
    json_t *ll = json_object_get(root, "list_hash");
    if ((ll || card->features.lexicon == MS_LEXICON_LIST) &&
        (!json_is_string(ll) || ms_parse_hex64(json_string_value(ll), &card->list_hash)))
        return -1;
    return 0;
}

ms_status ms_card_check_model_size(const ms_card *card, const char *svm_path, ms_error *err)
{
    struct stat sb;
    if (!card->model_bytes)
        return MS_OK;
    if (stat(svm_path, &sb) != 0)
        return ms_fail(err, MS_ERR_MODEL, svm_path, 0, 0, "%s (the card records %llu bytes)",
                       strerror(errno), (unsigned long long)card->model_bytes);
    if ((uint64_t)sb.st_size != card->model_bytes)
        return ms_fail(err, MS_ERR_MODEL, svm_path, 0, 0,
                       "%lld bytes, the card says %llu (truncated or replaced): restore it or "
                       "retrain",
                       (long long)sb.st_size, (unsigned long long)card->model_bytes);
    return MS_OK;
}

/* A map {"score":[...],"share":[...]} (see ms_scale) from sc into *out;
 * -1 when sc is not such a map. */
static int read_map(const json_t *sc, ms_scale *out)
{
    json_t *xs = json_object_get(sc, "score"), *ys = json_object_get(sc, "share");
    size_t n = json_array_size(xs);
    if (!json_is_array(xs) || !json_is_array(ys) || n < 2 || n > MS_SCALE_MAX_KNOTS ||
        json_array_size(ys) != n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(xs, i), *y = json_array_get(ys, i);
        if (!json_is_number(x) || !json_is_number(y))
            return -1;
        out->score[i] = json_number_value(x);
        out->share[i] = json_number_value(y);
        if (out->share[i] < 0 || out->share[i] > 1 ||
            (i && (out->score[i] <= out->score[i - 1] || out->share[i] < out->share[i - 1])))
            return -1;
    }
    if (out->score[0] != 0 || out->score[n - 1] != 1)
        return -1;
    out->knots = n;
    return 0;
}

/* The card's optional "perspective_scale" (see card.h); -1 when it is
 * there and not such a map. */
static int read_scale(json_t *root, ms_card *card)
{
    json_t *sc = json_object_get(root, "perspective_scale");
    return sc ? read_map(sc, &card->scale) : 0;
}

/* The card's optional "perspective_includes": up to MS_MAX_INCLUDES
 * {"attribute": 1-31 of A-Z, 0-9 and _, "score", "share", "from"?: a
 * number in [0, 1], 0 when absent}; -1 when it is there and not such a
 * list. */
static int read_includes(json_t *root, ms_card *card)
{
    json_t *inc = json_object_get(root, "perspective_includes");
    if (!inc)
        return 0;
    if (!json_is_array(inc) || json_array_size(inc) > MS_MAX_INCLUDES)
        return -1;
    for (size_t i = 0; i < json_array_size(inc); i++) {
        json_t *o = json_array_get(inc, i);
        const char *a = json_string_value(json_object_get(o, "attribute"));
        size_t n = a ? strlen(a) : 0;
        if (n == 0 || n >= MS_ATTRIBUTE_MAX ||
            strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n ||
            read_map(o, &card->includes[i].scale) != 0)
            return -1;
        json_t *from = json_object_get(o, "from");
        double f = from ? json_number_value(from) : 0;
        if ((from && !json_is_number(from)) || !(f >= 0 && f <= 1))
            return -1;
        card->includes[i].from = f;
        memcpy(card->includes[i].attribute, a, n + 1);
    }
    card->n_includes = json_array_size(inc);
    return 0;
}

/* The card's optional "language_mismatch": an object whose "score" is a
 * number in (0, 1] (its other members are for people); -1 when it is
 * there and not such an object. */
static int read_mismatch(json_t *root, ms_card *card)
{
    json_t *o = json_object_get(root, "language_mismatch");
    if (!o)
        return 0;
    json_t *v = json_object_get(o, "score");
    if (!json_is_object(o) || !json_is_number(v) || !(json_number_value(v) > 0) ||
        json_number_value(v) > 1)
        return -1;
    card->mismatch_score = json_number_value(v);
    return 0;
}

double ms_scale_apply(const ms_scale *sc, double score)
{
    size_t n = sc->knots;
    if (n < 2 || !(score > 0))
        return n < 2 ? score : sc->share[0];
    if (score >= 1)
        return sc->share[n - 1];
    size_t i = 1;
    while (sc->score[i] < score)
        i++;
    double x0 = sc->score[i - 1], x1 = sc->score[i];
    double y0 = sc->share[i - 1], y1 = sc->share[i];
    return y0 + (y1 - y0) * (score - x0) / (x1 - x0);
}

double ms_card_perspective(const ms_card *card, double score)
{
    return ms_scale_apply(&card->scale, score);
}

/* The card's "features" object feat into *f; a failure names path. */
static ms_status read_features(json_t *feat, ms_feature_config *f, const char *path,
                               ms_error *err)
{
    const ms_status st = MS_ERR_MODEL;
    if (!json_is_object(feat) || get_int(feat, "hash_bits", 8, 26, &f->hash_bits) ||
        get_int(feat, "word_ngram_max", 1, 2, &f->word_ngram_max) ||
        get_int(feat, "char_ngram_min", 1, 8, &f->char_ngram_min) ||
        get_int(feat, "char_ngram_max", f->char_ngram_min, 8, &f->char_ngram_max) ||
        get_int(feat, "min_df", 0, 1 << 30, &f->min_df) ||
        get_int(feat, "lexicon", 0, MS_LEXICON_LIST, &f->lexicon) ||
        get_int(feat, "context", 0, 1, &f->context))
        return ms_fail(err, st, path, 0, 0, "card's \"features\" are missing or out of range");
    if (get_weight(feat, "char_weight", &f->char_weight))
        return ms_fail(err, st, path, 0, 0, "card's \"char_weight\" is not a number in (0, 100]");
    if (json_object_get(feat, "you_window") &&
        get_int(feat, "you_window", 0, MS_YOU_WINDOW_MAX, &f->you_window))
        return ms_fail(err, st, path, 0, 0, "card's \"you_window\" is not an integer in [0, %d]",
                       MS_YOU_WINDOW_MAX);
    if (json_object_get(feat, "group_window") &&
        get_int(feat, "group_window", 0, MS_YOU_WINDOW_MAX, &f->group_window))
        return ms_fail(err, st, path, 0, 0,
                       "card's \"group_window\" is not an integer in [0, %d]", MS_YOU_WINDOW_MAX);
    if (json_object_get(feat, "intent") &&
        get_int(feat, "intent", 0, MS_INTENT_VERSION, &f->intent))
        return ms_fail(err, st, path, 0, 0,
                       "card's \"intent\" is not an integer in [0, %d] (a newer modscore's model?)",
                       MS_INTENT_VERSION);
    if (json_object_get(feat, "group_terms") &&
        get_int(feat, "group_terms", 0, MS_GROUP_TERMS_REPLACE, &f->group_terms))
        return ms_fail(err, st, path, 0, 0, "card's \"group_terms\" is not an integer in [0, %d]",
                       MS_GROUP_TERMS_REPLACE);
    if (json_object_get(feat, "group_scope") &&
        (get_int(feat, "group_scope", 0, MS_GROUP_SCOPE_REPLACE, &f->group_scope) ||
         (f->group_scope && !f->group_terms)))
        return ms_fail(err, st, path, 0, 0,
                       "card's \"group_scope\" is not an integer in [0, %d] with \"group_terms\" "
                       "on (a newer modscore's model?)",
                       MS_GROUP_SCOPE_REPLACE);
    if (json_object_get(feat, "char_chunks") &&
        get_int(feat, "char_chunks", 0, MS_CHAR_CHUNKS_VERSION, &f->char_chunks))
        return ms_fail(err, st, path, 0, 0,
                       "card's \"char_chunks\" is not an integer in [0, %d] (a newer modscore's "
                       "model?)",
                       MS_CHAR_CHUNKS_VERSION);
    if (read_fold(feat, &f->fold))
        return ms_fail(err, st, path, 0, 0,
                       "card's \"fold\" is not a list of fold rules this modscore knows (a newer "
                       "modscore's model?)");
    return MS_OK;
}


/* ms_card_read's checks on a parsed card, which it releases. */
static ms_status card_from_json(json_t *root, const char *path, ms_card *card, ms_error *err)
{
    memset(card, 0, sizeof *card);
    ms_status st = MS_ERR_MODEL;
    json_t *feat = json_object_get(root, "features");
    const char *task = json_string_value(json_object_get(root, "task"));
    const char *version = json_string_value(json_object_get(root, "version"));
    const char *mh = json_string_value(json_object_get(root, "model_hash"));
    const char *ih = json_string_value(json_object_get(root, "idf_hash"));
    const char *cat = json_string_value(json_object_get(root, "category"));
    if (get_int(root, "format", 0, 1000, &card->format) != 0) {
        ms_fail(err, st, path, 0, 0, "card has no \"format\"");
    } else if (card->format != MS_CARD_FORMAT) {
        ms_fail(err, st, path, 0, 0,
                "model card format %d, this modscore reads format %d: retrain the model",
                card->format, MS_CARD_FORMAT);
    } else if (!task || !version || !mh || !ih) {
        ms_fail(err, st, path, 0, 0, "card lacks task, version, model_hash or idf_hash");
    } else if (read_features(feat, &card->features, path, err) != MS_OK) {
        /* read_features named what is wrong */
    } else if (ms_parse_hex64(mh, &card->model_hash) || ms_parse_hex64(ih, &card->idf_hash)) {
        ms_fail(err, st, path, 0, 0, "card's hashes are not 16 hex digits");
    } else if (!optional_string(root, "category") || !optional_string(root, "language") ||
               !optional_string(root, "perspective_attribute") ||
               (json_object_get(root, "needs_context") &&
                !json_is_boolean(json_object_get(root, "needs_context")))) {
        ms_fail(err, st, path, 0, 0,
                "card's \"category\", \"language\" or \"perspective_attribute\" is not a "
                "string, or \"needs_context\" not a boolean");
    } else if (cat && !ms_category_name_valid(cat, strlen(cat))) {
        ms_fail(err, st, path, 0, 0,
                "card's category \"%s\" is not 1-64 of a-z, 0-9 and _, starting with a letter",
                cat);
    } else {
        const char *lang = json_string_value(json_object_get(root, "language"));
        const char *pa = json_string_value(json_object_get(root, "perspective_attribute"));
        card->task = ms_strdup0(task);
        card->version = ms_strdup0(version);
        card->category = ms_strdup0(cat);
        card->perspective_attribute = ms_strdup0(pa);
        card->language = ms_strdup0(lang ? lang : "en");
        st = card->task && card->version && card->language && (!cat || card->category) &&
                     (!pa || card->perspective_attribute)
                 ? MS_OK
                 : ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    if (st == MS_OK && read_lexicon_fields(root, card) != 0)
        st = ms_fail(err, MS_ERR_MODEL, path, 0, 0,
                     "card's \"lexicon_hash\" is not 16 hex digits, or \"lexicon_bytes\" or "
                     "\"model_bytes\" not a size, \"group_terms_hash\" is not 16 hex "
                     "digits where features.group_terms is on (or there where it is off), or "
                     "\"list_hash\" (lexicon 3: required) not 16 hex digits");
    if (st == MS_OK && read_scale(root, card) != 0)
        st = ms_fail(err, MS_ERR_MODEL, path, 0, 0,
                     "card's \"perspective_scale\" is not {\"score\":[...],\"share\":[...]} "
                     "with 2-%d knots, scores ascending from 0 to 1 and shares non-decreasing "
                     "in [0, 1]",
                     MS_SCALE_MAX_KNOTS);
    if (st == MS_OK && read_includes(root, card) != 0)
        st = ms_fail(err, MS_ERR_MODEL, path, 0, 0,
                     "card's \"perspective_includes\" is not a list of up to %d "
                     "{\"attribute\",\"score\",\"share\",\"from\"} (a name of A-Z, 0-9 and _, "
                     "at most %d bytes, a map as perspective_scale's, from in [0, 1])",
                     MS_MAX_INCLUDES, MS_ATTRIBUTE_MAX - 1);
    if (st == MS_OK && read_mismatch(root, card) != 0)
        st = ms_fail(err, MS_ERR_MODEL, path, 0, 0,
                     "card's \"language_mismatch\" is not {\"score\": a number in (0, 1]}");
    json_decref(root);
    if (st != MS_OK)
        ms_card_clear(card);
    return st;
}

/* Top-level members of a card that no reader of ms_card uses: its
 * cross-validated metrics, training settings, storage, definition and
 * labelling rule, most of its bytes and growing. They are passed over
 * before jansson parses the card: parsing six whole cards was 45 % of the
 * instructions of a `modscore check` (callgrind, issue 20). A member not
 * named here is kept, so a member a new reader wants needs no change
 * here. What is passed over is only scanned (strings and brackets), not
 * checked: it cannot change what is read. */
static const char *const unread_keys[] = {
    "cross_validation", "training", "storage",  "labels",          "data",
    "definition",       "created",  "modscore_version",
};

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* The end of the JSON string opening at s[i] ('"'), past its closing
 * quote, or 0. OUT: *escaped, 1 when it holds a backslash. */
static size_t skip_string(const char *s, size_t i, size_t n, int *escaped)
{
    *escaped = 0;
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            *escaped = 1, i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return 0;
}

/* The end of the JSON value starting at s[i] (a string skipped whole, a
 * container to its matching bracket, a scalar to the next delimiter), or
 * 0. What it is, jansson checks. */
static size_t skip_value(const char *s, size_t i, size_t n)
{
    int depth = 0, esc;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            if (!(i = skip_string(s, i, n, &esc)))
                return 0;
        } else if (c == '{' || c == '[') {
            depth++, i++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i; /* the card's own end, after a scalar */
            depth--, i++;
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            return i;
        } else {
            i++;
        }
        if (depth == 0 && (c == '"' || c == '}' || c == ']'))
            return i;
    }
    return depth == 0 ? i : 0;
}

/* 1 when the key k[0, n) is one ms_card reads (not in unread_keys). */
static int card_key(const char *k, size_t n)
{
    for (size_t j = 0; j < sizeof unread_keys / sizeof *unread_keys; j++)
        if (strlen(unread_keys[j]) == n && memcmp(unread_keys[j], k, n) == 0)
            return 0;
    return 1;
}

/* The card's object s[0, n) without its unread_keys members, into out.
 * Returns 0, or -1 when it is not an object this scanner follows (a key
 * with an escape, say): then the card is parsed whole. */
static int card_members(const char *s, size_t n, ms_buf *out)
{
    size_t i = skip_ws(s, 0, n);
    int first = 1, esc;
    if (i >= n || s[i] != '{' || ms_buf_addc(out, '{') != MS_OK)
        return -1;
    for (i = skip_ws(s, i + 1, n); i < n && s[i] != '}';) {
        size_t k = i, ke = s[i] == '"' ? skip_string(s, i, n, &esc) : 0;
        if (!ke || esc)
            return -1;
        size_t v = skip_ws(s, ke, n);
        if (v >= n || s[v] != ':')
            return -1;
        v = skip_ws(s, v + 1, n);
        size_t ve = skip_value(s, v, n);
        if (!ve || ve == v)
            return -1;
        if (card_key(s + k + 1, ke - k - 2) &&
            ((!first && ms_buf_addc(out, ',') != MS_OK) || ms_buf_add(out, s + k, ke - k) ||
             ms_buf_addc(out, ':') || ms_buf_add(out, s + v, ve - v)))
            return -1;
        first = first && !card_key(s + k + 1, ke - k - 2);
        i = skip_ws(s, ve, n);
        if (i < n && s[i] == ',')
            i = skip_ws(s, i + 1, n);
        else if (i >= n || s[i] != '}')
            return -1;
    }
    if (i >= n || skip_ws(s, i + 1, n) != n || ms_buf_addc(out, '}') != MS_OK)
        return -1;
    return 0;
}

/* A card's text data[0, len) from path, parsed (the members ms_card
 * reads); NULL (with err) when it is not JSON. */
static json_t *card_parse_data(const char *path, const char *data, size_t len, ms_error *err)
{
    json_error_t je;
    ms_buf kept = {0};
    json_t *root = NULL;
    if (card_members(data, len, &kept) == 0)
        root = json_loadb(kept.data, kept.len, 0, &je);
    ms_buf_free(&kept);
    if (!root) /* parsed whole: its errors' lines and columns are the file's */
        root = json_loadb(data, len, 0, &je);
    if (!root)
        ms_fail(err, MS_ERR_MODEL, path, je.line, je.column, "%s", je.text);
    return root;
}

/* The card file at path, parsed; NULL (with err) when it cannot be read or
 * is not JSON. */
static json_t *card_parse(const char *path, ms_error *err)
{
    char *data;
    size_t len;
    if (ms_read_regular_file(path, CARD_MAX_BYTES, &data, &len, err) != MS_OK)
        return NULL;
    json_t *root = card_parse_data(path, data, len, err);
    free(data);
    return root;
}

ms_status ms_card_read(const char *path, ms_card *card, ms_error *err)
{
    memset(card, 0, sizeof *card);
    json_t *root = card_parse(path, err);
    return root ? card_from_json(root, path, card, err) : err ? err->code : MS_ERR_MODEL;
}

/* Whether root names a category (see ms_card_category); OUT: *cat. */
static int card_names_category(json_t *root, const char *legacy_name, const char **cat)
{
    *cat = json_string_value(json_object_get(root, "category"));
    const char *task = json_string_value(json_object_get(root, "task"));
    if (!*cat && !json_object_get(root, "category") && legacy_name && task &&
        strcmp(task, legacy_name) == 0 &&
        (strcmp(task, "hostility") == 0 || strcmp(task, "off_topic") == 0))
        *cat = task;
    return *cat != NULL;
}

static int card_category_json(const char *path, const char *data, size_t len,
                              const char *legacy_name, ms_card *card, ms_status *st,
                              ms_error *err);

/* ---------------------------------------------------------- card.bin
 * The fields of ms_card that a card.json gives, compiled beside it by
 * ms_card_compile (the build's `modscore compile`), so that loading does
 * not parse thirty cards' JSON (two thirds of `modscore check`). It is
 * used only for the card.json it was compiled from (a hash of its bytes,
 * checked at every load) by a modscore whose card reader is the one that
 * compiled it (CARD_LAYOUT: a hash of card.c, card.h, featurize.h and
 * featurize.c made by CMake, and the struct sizes); anything else, or a
 * card.bin that does not add up, is passed over and the JSON parsed.
 * Layout (little-endian, native struct layout):
 *   0 "MSCARDBN"  8 u64 CARD_LAYOUT  16 u64 ms_hash64_fast of card.json
 *   24 u64 card.json's size  32 u32 the JSON has a "category" member
 *   36 u32 sizeof(ms_card)  40 ms_card with its strings NULL, then each
 *   string of card_strings as u32 length (UINT32_MAX: NULL) and bytes,
 *   then u64 ms_hash64_fast of all that precedes. */
#ifndef MS_CARD_SOURCES
#define MS_CARD_SOURCES 0 /* a build without CMake's hash: no card.bin */
#endif
#define CARDBIN_MAGIC "MSCARDBN"
#define CARDBIN_HEAD 40u
#define CARDBIN_NO_STRING UINT32_MAX

static uint64_t card_layout(void)
{
    const uint64_t v[] = {MS_CARD_SOURCES, sizeof(ms_card), sizeof(ms_feature_config),
                          MS_CARD_FORMAT, 1 /* this layout's version */};
    return ms_hash64_fast(v, sizeof v, 0);
}

/* The card's strings, in the file's order. */
static char **card_strings(ms_card *c, int i)
{
    char **s[] = {&c->task, &c->version, &c->category, &c->perspective_attribute, &c->language};
    return i < (int)(sizeof s / sizeof *s) ? s[i] : NULL;
}

/* dir/card.bin for path dir/card.json; NULL when path is named otherwise
 * (or out of memory). Free it. */
static char *card_bin_path(const char *path)
{
    size_t n = strlen(path), k = strlen("card.json");
    if (n < k || strcmp(path + n - k, "card.json") != 0)
        return NULL;
    ms_buf b = {0};
    if (ms_buf_printf(&b, "%.*scard.bin", (int)(n - k), path) != MS_OK)
        return NULL;
    return b.data;
}

/* The card in card.bin when it was compiled from data[0, len), the text of
 * path: as ms_card_category (1 with *card, 0), with names_category as the
 * JSON's "category" member says; -1 when there is none usable. */
static int card_bin_category(const char *path, const char *data, size_t len,
                             const char *legacy_name, ms_card *card)
{
    if (!MS_CARD_SOURCES)
        return -1;
    char *bp = card_bin_path(path), *b = NULL;
    size_t n = 0;
    int r = -1;
    if (!bp || ms_read_regular_file(bp, CARD_MAX_BYTES, &b, &n, NULL) != MS_OK ||
        n < CARDBIN_HEAD + sizeof *card + 8 || memcmp(b, CARDBIN_MAGIC, 8) != 0)
        goto done;
    uint64_t h[4];
    uint32_t has_cat, size;
    memcpy(h, b + 8, 24);
    memcpy(&has_cat, b + 32, 4);
    memcpy(&size, b + 36, 4);
    memcpy(&h[3], b + n - 8, 8);
    if (h[0] != card_layout() || h[1] != ms_hash64_fast(data, len, 0) || h[2] != len ||
        size != sizeof *card || h[3] != ms_hash64_fast(b, n - 8, 0))
        goto done;
    memcpy(card, b + CARDBIN_HEAD, sizeof *card);
    size_t at = CARDBIN_HEAD + sizeof *card, end = n - 8;
    char **s;
    for (int i = 0; (s = card_strings(card, i)) != NULL; i++)
        *s = NULL;
    for (int i = 0; (s = card_strings(card, i)) != NULL; i++) {
        uint32_t k;
        if (at + 4 > end)
            goto bad;
        memcpy(&k, b + at, 4);
        at += 4;
        if (k == CARDBIN_NO_STRING)
            continue;
        if (k > end - at || !(*s = ms_strndup(b + at, k)))
            goto bad;
        at += k;
    }
    if (at != end)
        goto bad;
    r = 1;
    if (!card->category) { /* a legacy card: its task names it */
        const char *task = card->task;
        if (!has_cat && legacy_name && task && strcmp(task, legacy_name) == 0 &&
            (strcmp(task, "hostility") == 0 || strcmp(task, "off_topic") == 0))
            card->category = ms_strdup0(task);
        if (!card->category)
            goto bad; /* names none (or out of memory): let the JSON say */
    }
    goto done;
bad:
    ms_card_clear(card);
    r = -1;
done:
    free(bp);
    free(b);
    return r;
}

/* The card's fields other than its strings, which must hold no pointer
 * card.bin would carry: a and b parsed from the same text apart compare
 * equal once their known strings are set aside. */
static int card_plain(ms_card *a, ms_card *b)
{
    ms_card x = *a, y = *b;
    char **s;
    for (int i = 0; (s = card_strings(&x, i)) != NULL; i++) {
        *s = NULL;
        *card_strings(&y, i) = NULL;
    }
    return memcmp(&x, &y, sizeof x) == 0;
}

ms_status ms_card_compile(const char *dir, ms_error *err)
{
    ms_buf path = {0}, out = {0};
    char *data = NULL, *bp = NULL;
    size_t len = 0;
    ms_card a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    ms_status st = MS_OK, st2 = MS_OK;
    if (ms_buf_printf(&path, "%s/card.json", dir) != MS_OK || !(bp = card_bin_path(path.data)))
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    else
        st = ms_read_regular_file(path.data, CARD_MAX_BYTES, &data, &len, err);
    if (st != MS_OK || !MS_CARD_SOURCES)
        goto done;
    json_t *root = card_parse_data(path.data, data, len, err);
    int has_cat = root && json_object_get(root, "category") != NULL;
    json_decref(root);
    /* what the loader reads: a card that names no category (a token-span
     * model's) or does not validate gets no card.bin */
    if (!card_category_json(path.data, data, len, NULL, &a, &st, err) || st != MS_OK ||
        !card_category_json(path.data, data, len, NULL, &b, &st2, NULL) || st2 != MS_OK)
        goto done;
    if (!card_plain(&a, &b)) {
        st = ms_fail(err, MS_ERR_INTERNAL, path.data, 0, 0,
                     "ms_card holds a pointer that card.bin does not carry: add it to "
                     "card_strings in card.c");
        goto done;
    }
    uint64_t h[3] = {card_layout(), ms_hash64_fast(data, len, 0), len};
    uint32_t head[2] = {(uint32_t)has_cat, (uint32_t)sizeof a};
    ms_card plain = a;
    char **s;
    for (int i = 0; (s = card_strings(&plain, i)) != NULL; i++)
        *s = NULL;
    st = MS_ERR_NOMEM;
    if (ms_buf_add(&out, CARDBIN_MAGIC, 8) || ms_buf_add(&out, (const char *)h, sizeof h) ||
        ms_buf_add(&out, (const char *)head, sizeof head) ||
        ms_buf_add(&out, (const char *)&plain, sizeof plain))
        goto nomem;
    for (int i = 0; (s = card_strings(&a, i)) != NULL; i++) {
        uint32_t k = *s ? (uint32_t)strlen(*s) : CARDBIN_NO_STRING;
        if (ms_buf_add(&out, (const char *)&k, 4) || (*s && ms_buf_add(&out, *s, k)))
            goto nomem;
    }
    uint64_t sum = ms_hash64_fast(out.data, out.len, 0);
    if (ms_buf_add(&out, (const char *)&sum, 8))
        goto nomem;
    ms_buf bin = {0};
    if (ms_buf_printf(&bin, "%s", bp) != MS_OK)
        goto nomem;
    st = ms_write_file_atomic(bin.data, out.data, out.len, err);
    ms_buf_free(&bin);
    goto done;
nomem:
    st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
done:
    ms_card_clear(&a);
    ms_card_clear(&b);
    ms_buf_free(&path);
    ms_buf_free(&out);
    free(bp);
    free(data);
    return st;
}

/* The card.json text data[0, len) of path parsed as ms_card_category
 * does, without its compiled form. */
static int card_category_json(const char *path, const char *data, size_t len,
                              const char *legacy_name, ms_card *card, ms_status *st,
                              ms_error *err)
{
    ms_error why = {0};
    json_t *root = card_parse_data(path, data, len, &why);
    if (!root) {
        *st = why.code != MS_OK ? why.code : MS_ERR_MODEL;
        if (err)
            *err = why;
        return 1;
    }
    const char *cat;
    if (!card_names_category(root, legacy_name, &cat)) {
        json_decref(root);
        return 0;
    }
    char *name = ms_strdup0(cat);
    if (!name) {
        json_decref(root);
        *st = ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
        return 1;
    }
    *st = card_from_json(root, path, card, err); /* it releases root */
    if (*st == MS_OK && !card->category)
        card->category = name; /* a legacy card: its task names it */
    else
        free(name);
    return 1;
}

int ms_card_category(const char *path, const char *legacy_name, ms_card *card, ms_status *st,
                     ms_error *err)
{
    memset(card, 0, sizeof *card);
    *st = MS_OK;
    char *data;
    size_t len;
    ms_error why = {0};
    if (ms_read_regular_file(path, CARD_MAX_BYTES, &data, &len, &why) != MS_OK) {
        /* no card: not a category's directory; a card that is there but
         * cannot be read or parsed is a broken model, said, never skipped
         * (its language's comments would go unscored without a word) */
        struct stat sb;
        if (lstat(path, &sb) != 0 && (errno == ENOENT || errno == ENOTDIR))
            return 0;
        *st = why.code != MS_OK ? why.code : MS_ERR_MODEL;
        if (err)
            *err = why;
        return 1;
    }
    int r = card_bin_category(path, data, len, legacy_name, card);
    if (r < 0)
        r = card_category_json(path, data, len, legacy_name, card, st, err);
    free(data);
    return r;
}

ms_status ms_card_check_lexicon(const ms_card *card, const ms_lexicon *lx, int full,
                                uint64_t *hash, const char *lexicon_dir, ms_error *err)
{
    if (card->features.group_terms && ms_lexicon_group_hash(lx) != card->group_terms_hash)
        return ms_fail(err, MS_ERR_MODEL, lexicon_dir, 0, 0,
                       "model %s reads identity terms, and %s is %s: restore it or retrain",
                       card->version, "identity_terms.txt",
                       ms_lexicon_group_hash(lx) ? "not the list it was trained with"
                                                 : "missing");
    if (!card->has_lexicon_hash)
        return MS_OK;
    size_t bytes = ms_lexicon_bytes(lx);
    if (card->lexicon_bytes && card->lexicon_bytes != bytes)
        return ms_fail(err, MS_ERR_MODEL, lexicon_dir, 0, 0,
                       "the lexicons are not the ones model %s was trained with (%zu bytes, "
                       "its card says %llu): restore them or retrain",
                       card->version, bytes, (unsigned long long)card->lexicon_bytes);
    if (!full)
        return MS_OK;
    if (!*hash)
        *hash = ms_lexicon_hash(lx);
    if (*hash != card->lexicon_hash) {
        char have[17], want[17];
        ms_hex64(*hash, have);
        ms_hex64(card->lexicon_hash, want);
        return ms_fail(err, MS_ERR_MODEL, lexicon_dir, 0, 0,
                       "the lexicons are not the ones model %s was trained with (lexicon_hash "
                       "%s, its card says %s): restore them or retrain",
                       card->version, have, want);
    }
    return MS_OK;
}

ms_status ms_card_file_hash(const char *path, uint64_t *h, ms_error *err)
{
    char *data;
    size_t len;
    ms_status st = ms_read_regular_file(path, (size_t)1 << 30, &data, &len, err);
    if (st == MS_OK)
        *h = ms_hash64(data, len, 0);
    free(data);
    return st;
}

ms_status ms_card_check_file(const char *path, uint64_t expected, ms_error *err)
{
    uint64_t h = 0;
    ms_status st = ms_card_file_hash(path, &h, err);
    if (st != MS_OK)
        return st;
    if (h != expected)
        return ms_fail(err, MS_ERR_MODEL, path, 0, 0,
                       "checksum mismatch: the file is not the one its card describes");
    return MS_OK;
}

/* policy.c - community standards: thresholds per category, allow and deny
 * terms, overrides, and the decision rule. See modscore.h and policy.h.
 *
 * Policy file (JSON; every key optional, unknown keys are errors):
 *   {"name": "default",
 *    "thresholds": {"hostility": {"review": 0.5, "reject": 0.85},
 *                   "off_topic": {"review": 0.7, "reject": 0.95},
 *                   "insult": {"flag": 0.5, "review": null, "reject": null}},
 *    "allow": ["damn"], "deny": ["go back to your country"],
 *    "language": "de", "unread": "review",
 *    "categories": ["hostility", "threat"],
 *    "perspective_includes": {"hostility": ["threat"]}}
 * Any category name may be given (categories are data: the loaded models
 * say which exist). A category (or one of its thresholds) that is not
 * given keeps the built-in default (ms_policy_thresholds); null is never. Terms are stored NFKC-case-folded with runs of white
 * space collapsed to one space. "language" is the site's language (an ISO
 * 639-1 code, or a BCP 47 tag): a comment's declared language when the
 * input declares none, and the models' when detection is undecided.
 * "unread" is the action for a comment no loaded model reads any of
 * (default review). "categories" and "perspective_includes" say what the
 * site scores (policy_scope.c).
 *
 * Limits: a policy file is at most MS_POLICY_MAX_BYTES, a term at most
 * MS_POLICY_MAX_TERM_BYTES, a name at most MS_POLICY_MAX_NAME_BYTES, and a
 * list at most MS_POLICY_MAX_TERMS terms; exceeding one is MS_ERR_LIMIT. */
#include "policy.h"
#include "card.h"
#include "policy_scope.h"
#include "category.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define MS_POLICY_MAX_BYTES (4u * 1024u * 1024u)
#define MS_POLICY_MAX_TERM_BYTES 1024u
#define MS_POLICY_MAX_NAME_BYTES 128u
#define MS_POLICY_MAX_TERMS 100000u

/* ------------------------------------------------------------------------ */

static const double default_review[MS_CAT_COUNT] = {0.5, 0.7};
static const double default_reject[MS_CAT_COUNT] = {0.85, 0.95};

/* A category no policy names is flagged from this score (a calibrated
 * probability: the model says "more likely than not") and never acted on,
 * so that adding a model changes what a report shows, not what a
 * community's policy decides. */
#define DEFAULT_FLAG 0.5

#define MAX_POLICY_CATEGORIES 64

typedef struct cat_entry {
    char *name;
    ms_thresholds th;
} cat_entry;

struct ms_policy {
    char *name;
    cat_entry *cats; /* hostility and off_topic first, then the ones named */
    size_t n_cats;
    size_t n_named;  /* categories the file or overrides named, for warnings */
    char **named;
    char **allow; /* sorted by bytes, no duplicates: binary search */
    size_t n_allow;
    char **deny; /* sorted, no duplicates */
    size_t n_deny;
    char language[8];  /* the site's language ("language"), or "" */
    ms_action unread;  /* for text no loaded model reads ("unread") */
    policy_scope *scope; /* "categories", "perspective_includes", or NULL */
};

const char *ms_action_name(ms_action a)
{
    switch (a) {
    case MS_ACTION_PUBLISH: return "publish";
    case MS_ACTION_REVIEW: return "review";
    case MS_ACTION_REJECT: return "reject";
    }
    return "unknown";
}

static void default_thresholds(const char *name, size_t n, ms_thresholds *th)
{
    th->flag = DEFAULT_FLAG;
    th->review = th->reject = MS_THRESHOLD_NEVER;
    int c = ms_category_legacy_n(name, n);
    if (c >= 0) {
        th->flag = th->review = default_review[c];
        th->reject = default_reject[c];
    }
}

static const cat_entry *find_cat(const ms_policy *p, const char *name, size_t n)
{
    for (size_t i = 0; p && i < p->n_cats; i++)
        if (strlen(p->cats[i].name) == n && memcmp(p->cats[i].name, name, n) == 0)
            return &p->cats[i];
    return NULL;
}

/* The entry of a category, added with its defaults when new. NULL when out
 * of memory or past MAX_POLICY_CATEGORIES. Also records it as named. */
static cat_entry *named_cat(ms_policy *p, const char *name, size_t n)
{
    cat_entry *e = (cat_entry *)find_cat(p, name, n);
    int seen = 0;
    for (size_t i = 0; i < p->n_named && !seen; i++)
        seen = strlen(p->named[i]) == n && memcmp(p->named[i], name, n) == 0;
    if (!seen) {
        if (p->n_named >= MAX_POLICY_CATEGORIES)
            return NULL;
        char **nn = realloc(p->named, (p->n_named + 1) * sizeof *nn);
        if (!nn)
            return NULL;
        p->named = nn;
        if (!(nn[p->n_named] = ms_strndup(name, n)))
            return NULL;
        p->n_named++;
    }
    if (e)
        return e;
    if (p->n_cats >= MAX_POLICY_CATEGORIES)
        return NULL;
    cat_entry *c = realloc(p->cats, (p->n_cats + 1) * sizeof *c);
    if (!c)
        return NULL;
    p->cats = c;
    e = &c[p->n_cats];
    if (!(e->name = ms_strndup(name, n)))
        return NULL;
    default_thresholds(name, n, &e->th);
    p->n_cats++;
    return e;
}

ms_status ms_policy_thresholds(const ms_policy *p, const char *category, ms_thresholds *out)
{
    if (!p || !category || !out)
        return MS_ERR_ARG;
    const cat_entry *e = find_cat(p, category, strlen(category));
    if (e)
        *out = e->th;
    else
        default_thresholds(category, strlen(category), out);
    return MS_OK;
}

size_t ms_policy_category_count(const ms_policy *p) { return p ? p->n_named : 0; }

const char *ms_policy_category(const ms_policy *p, size_t i)
{
    return p && i < p->n_named ? p->named[i] : NULL;
}

static void free_terms(char **t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i]);
    free(t);
}

void ms_policy_free(ms_policy *p)
{
    if (!p)
        return;
    free(p->name);
    for (size_t i = 0; i < p->n_cats; i++)
        free(p->cats[i].name);
    free(p->cats);
    free_terms(p->named, p->n_named);
    free_terms(p->allow, p->n_allow);
    free_terms(p->deny, p->n_deny);
    policy_scope_free(p->scope);
    free(p);
}

static ms_policy *policy_new(void)
{
    ms_policy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->name = ms_strdup0("default");
    if (!p->name) {
        free(p);
        return NULL;
    }
    p->cats = calloc(MS_CAT_COUNT, sizeof *p->cats);
    if (!p->cats) {
        ms_policy_free(p);
        return NULL;
    }
    for (int i = 0; i < MS_CAT_COUNT; i++) {
        const char *name = ms_category_name((ms_category)i);
        p->cats[i].name = ms_strdup0(name);
        if (!p->cats[i].name) {
            p->n_cats = (size_t)i;
            ms_policy_free(p);
            return NULL;
        }
        default_thresholds(name, strlen(name), &p->cats[i].th);
    }
    p->n_cats = MS_CAT_COUNT;
    /* Text no loaded model reads has been screened by no one: a moderator
     * would rather see it than have it published unread (publishing it is
     * how abuse in another language got through), and rejecting it would
     * refuse every reader who writes in another language. */
    p->unread = MS_ACTION_REVIEW;
    return p;
}

ms_status ms_policy_default(ms_policy **out)
{
    if (!out)
        return MS_ERR_ARG;
    *out = policy_new();
    return *out ? MS_OK : MS_ERR_NOMEM;
}

/* NFKC case fold of s[0..n) with white space trimmed and collapsed.
 * OUT: *out (malloc'd). MS_ERR_PARSE for invalid UTF-8. */
static ms_status fold_term(const char *s, size_t n, char **out)
{
    *out = NULL;
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &mapped,
                                      UTF8PROC_STABLE | UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE |
                                          UTF8PROC_COMPAT);
    if (m < 0)
        return m == UTF8PROC_ERROR_NOMEM ? MS_ERR_NOMEM : MS_ERR_PARSE;
    if (!mapped)
        return MS_ERR_NOMEM;
    /* Collapse white space in place: the result is never longer. */
    size_t w = 0;
    int pending_space = 0;
    for (utf8proc_ssize_t i = 0; i < m;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(mapped + i, m - i, &cp);
        if (k <= 0) { /* cannot happen after utf8proc_map; be safe */
            free(mapped);
            return MS_ERR_PARSE;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        int space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
                    cp == '\v' || cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                    cat == UTF8PROC_CATEGORY_ZP;
        if (space) {
            pending_space = w > 0;
        } else {
            if (pending_space)
                mapped[w++] = ' ';
            pending_space = 0;
            memmove(mapped + w, mapped + i, (size_t)k);
            w += (size_t)k;
        }
        i += k;
    }
    mapped[w] = '\0';
    *out = (char *)mapped;
    return MS_OK;
}

static int cmp_term(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int allow_search(const ms_policy *p, const char *word, size_t n)
{
    size_t lo = 0, hi = p->n_allow;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *t = p->allow[mid];
        size_t tl = strlen(t);
        int c = memcmp(t, word, tl < n ? tl : n);
        if (c == 0)
            c = tl < n ? -1 : tl > n ? 1 : 0;
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int ms_policy_allowed(const ms_policy *p, const char *word, size_t n)
{
    if (!p || !word || p->n_allow == 0)
        return 0;
    /* Callers pass folded words, so the exact search is the hot path. A word
     * that may not be folded yet (upper case, non-ASCII, white space) is
     * folded and searched once more. */
    if (allow_search(p, word, n))
        return 1;
    int needs_fold = 0;
    for (size_t i = 0; i < n && !needs_fold; i++) {
        unsigned char ch = (unsigned char)word[i];
        needs_fold = ch >= 0x80 || (ch >= 'A' && ch <= 'Z') || ch <= ' ';
    }
    char *folded;
    if (!needs_fold || fold_term(word, n, &folded) != MS_OK)
        return 0;
    int hit = allow_search(p, folded, strlen(folded));
    free(folded);
    return hit;
}

size_t ms_policy_deny_count(const ms_policy *p) { return p ? p->n_deny : 0; }

const char *ms_policy_deny_term(const ms_policy *p, size_t i)
{
    return p && i < p->n_deny ? p->deny[i] : NULL;
}

const char *ms_policy_name(const ms_policy *p) { return p && p->name ? p->name : "default"; }

/* Returns -1.0 for a NULL policy or an unknown category. */
double ms_policy_review(const ms_policy *p, ms_category c)
{
    return p && (unsigned)c < MS_CAT_COUNT ? p->cats[c].th.review : -1.0;
}

double ms_policy_reject(const ms_policy *p, ms_category c)
{
    return p && (unsigned)c < MS_CAT_COUNT ? p->cats[c].th.reject : -1.0;
}

const char *ms_policy_unknown_category(const ms_policy *p, const ms_models *m, size_t i)
{
    size_t n = ms_policy_category_count(p);
    const char *name;
    for (size_t k = 0; p && (name = k < n ? ms_policy_category(p, k)
                                          : policy_scope_name(p->scope, k - n)) != NULL;
         k++)
        if (ms_models_category_find(m, name) < 0 && ms_category_legacy(name) < 0 && i-- == 0)
            return name;
    return NULL;
}

const char *ms_policy_stray_kind(const ms_policy *p, const ms_models *m, size_t i,
                                 const char **category)
{
    const char *kind, *cat;
    for (size_t j = 0; p && (kind = policy_scope_kind(p->scope, j, &cat)) != NULL; j++)
        if (ms_models_category_find(m, cat) >= 0 && ms_models_category_find(m, kind) >= 0 &&
            !ms_models_includes_kind(m, cat, kind) && i-- == 0) {
            *category = cat;
            return kind;
        }
    return NULL;
}

int ms_policy_scores(const ms_policy *p, const char *category)
{
    return policy_scope_scores(p ? p->scope : NULL, category);
}

int ms_policy_counts_kind(const ms_policy *p, const char *category, const char *kind)
{
    return policy_scope_counts(p ? p->scope : NULL, category, kind);
}

ms_action ms_policy_decide(const ms_policy *p, ms_result *r)
{
    ms_action a = MS_ACTION_PUBLISH;
    if (!r)
        return a;
    r->flags &= ~(unsigned)(MS_FLAG_HOSTILITY | MS_FLAG_OFF_TOPIC | MS_FLAG_OTHER);
    if (r->flags & MS_FLAG_DENY)
        a = MS_ACTION_REVIEW;
    if (!p)
        return a;
    /* a result built by hand carries only the two fields */
    ms_category_score legacy[MS_CAT_COUNT] = {
        {ms_category_name(MS_CAT_HOSTILITY), r->hostility, r->has_hostility, NULL, 0},
        {ms_category_name(MS_CAT_OFF_TOPIC), r->off_topic, r->has_off_topic, NULL, 0},
    };
    ms_category_score *cs = r->n_scores ? r->scores : legacy;
    size_t n = r->n_scores ? r->n_scores : MS_CAT_COUNT;
    for (size_t i = 0; i < n; i++) {
        cs[i].flagged = 0;
        if (!cs[i].has_score || !cs[i].category)
            continue;
        ms_thresholds th;
        ms_policy_thresholds(p, cs[i].category, &th);
        double v = cs[i].score;
        if (v >= th.flag || v >= th.review) {
            cs[i].flagged = 1;
            r->flags |= ms_category_flag(cs[i].category);
        }
        if (v >= th.review && a < MS_ACTION_REVIEW)
            a = MS_ACTION_REVIEW;
        if (v >= th.reject)
            a = MS_ACTION_REJECT;
    }
    return a;
}

/* ------------------------------------------------------------------------
 * Parsing. jansson keeps no positions for values, so a validation error is
 * located by walking the (already valid) JSON text along the value's path. */

typedef struct path_step {
    const char *key; /* object member, or NULL for an array index */
    size_t index;
} path_step;

typedef struct scanner {
    const char *s;
    size_t n, i;
} scanner;

static void sc_ws(scanner *sc)
{
    while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' ||
                             sc->s[sc->i] == '\n' || sc->s[sc->i] == '\r'))
        sc->i++;
}

/* Skips a string starting at its quote; leaves i after the closing quote. */
static void sc_string(scanner *sc)
{
    sc->i++;
    while (sc->i < sc->n && sc->s[sc->i] != '"')
        sc->i += sc->s[sc->i] == '\\' ? 2 : 1;
    sc->i++;
}

static void sc_value(scanner *sc, int depth)
{
    sc_ws(sc);
    if (sc->i >= sc->n || depth > MS_MAX_JSON_DEPTH)
        return;
    char c = sc->s[sc->i];
    if (c == '"') {
        sc_string(sc);
    } else if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        sc->i++;
        for (;;) {
            sc_ws(sc);
            if (sc->i >= sc->n)
                return;
            if (sc->s[sc->i] == close) {
                sc->i++;
                return;
            }
            if (sc->s[sc->i] == ',') {
                sc->i++;
                continue;
            }
            size_t at = sc->i;
            if (c == '{') {
                sc_string(sc);
                sc_ws(sc);
                sc->i++; /* ':' */
            }
            sc_value(sc, depth + 1);
            if (sc->i == at)
                sc->i++; /* always move on (too deep, or a byte no value starts with) */
        }
    } else {
        /* a NUL byte is not a delimiter (strchr would find the terminator) */
        while (sc->i < sc->n && (sc->s[sc->i] == '\0' || !strchr(",]} \t\r\n", sc->s[sc->i])))
            sc->i++;
    }
}

/* Finds the byte offset of the value at path; 0 when not found. */
static int locate(const char *s, size_t n, const path_step *path, size_t depth, size_t *pos)
{
    scanner sc = {s, n, 0};
    for (size_t d = 0;; d++) {
        sc_ws(&sc);
        if (sc.i >= n)
            return 0;
        if (d == depth) {
            *pos = sc.i;
            return 1;
        }
        char open = sc.s[sc.i];
        if (open != (path[d].key ? '{' : '['))
            return 0;
        sc.i++;
        size_t idx = 0;
        int found = 0;
        while (!found) {
            sc_ws(&sc);
            if (sc.i >= n || sc.s[sc.i] == '}' || sc.s[sc.i] == ']')
                return 0;
            if (sc.s[sc.i] == ',') {
                sc.i++;
                continue;
            }
            if (path[d].key) {
                size_t k0 = sc.i + 1;
                sc_string(&sc);
                size_t k1 = sc.i - 1;
                sc_ws(&sc);
                sc.i++; /* ':' */
                size_t kl = strlen(path[d].key);
                if (k1 >= k0 && k1 - k0 == kl && memcmp(s + k0, path[d].key, kl) == 0)
                    found = 1;
            } else if (idx++ == path[d].index) {
                found = 1;
            }
            if (!found) {
                size_t at = sc.i;
                sc_value(&sc, 1);
                if (sc.i == at)
                    sc.i++;
            }
        }
    }
}

typedef struct parse_ctx {
    const char *data;
    size_t len;
    const char *source;
    ms_error *err;
} parse_ctx;

static ms_status fail_at(parse_ctx *cx, ms_status code, const path_step *path, size_t depth,
                         const char *fmt, ...) MS_PRINTF(5, 6);

static ms_status fail_at(parse_ctx *cx, ms_status code, const path_step *path, size_t depth,
                         const char *fmt, ...)
{
    long line = 0, col = 0;
    size_t pos;
    if (locate(cx->data, cx->len, path, depth, &pos)) {
        line = 1;
        col = 1;
        for (size_t i = 0; i < pos; i++) {
            unsigned char ch = (unsigned char)cx->data[i];
            if (ch == '\n') {
                line++;
                col = 1;
            } else if ((ch & 0xC0) != 0x80) {
                col++;
            }
        }
    }
    char msg[sizeof cx->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ms_fail(cx->err, code, cx->source, line, col, "%s", msg);
}

static ms_status parse_threshold(parse_ctx *cx, json_t *v, path_step *path, double *out)
{
    if (json_is_null(v)) { /* never */
        *out = MS_THRESHOLD_NEVER;
        return MS_OK;
    }
    if (!json_is_number(v))
        return fail_at(cx, MS_ERR_POLICY, path, 3,
                       "thresholds.%s.%s: expected a number (or null: never)", path[1].key,
                       path[2].key);
    double d = json_number_value(v);
    if (!(d >= 0.0 && d <= 1.0))
        return fail_at(cx, MS_ERR_POLICY, path, 3,
                       "thresholds.%s.%s: %g is outside [0, 1]", path[1].key, path[2].key, d);
    *out = d;
    return MS_OK;
}

/* "language": a language tag of letters, '-' and '_' (at most 7 bytes). */
static ms_status parse_language(parse_ctx *cx, json_t *v, path_step *path, ms_policy *p)
{
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    int ok = n >= 2 && n < sizeof p->language;
    for (size_t i = 0; ok && i < n; i++)
        ok = (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z' ? 1 : i >= 2 && (s[i] == '-' || s[i] == '_');
    if (!ok)
        return fail_at(cx, MS_ERR_POLICY, path, 1,
                       "language: expected a language code such as \"de\" or \"pt-BR\"");
    memcpy(p->language, s, n + 1);
    return MS_OK;
}

/* "unread": "publish", "review" or "reject". */
static ms_status parse_unread(parse_ctx *cx, json_t *v, path_step *path, ms_policy *p)
{
    const char *s = json_string_value(v);
    for (int a = MS_ACTION_PUBLISH; s && a <= MS_ACTION_REJECT; a++)
        if (strcmp(s, ms_action_name((ms_action)a)) == 0) {
            p->unread = (ms_action)a;
            return MS_OK;
        }
    return fail_at(cx, MS_ERR_POLICY, path, 1,
                   "unread: expected \"publish\", \"review\" or \"reject\"");
}

/* "categories" or "perspective_includes" (policy_scope.c). */
static ms_status parse_scope(parse_ctx *cx, const char *key, json_t *v, ms_policy *p)
{
    char msg[256];
    const char *sub;
    int rc = policy_scope_parse(&p->scope, key, v, msg, sizeof msg, &sub);
    if (rc == -2)
        return ms_fail(cx->err, MS_ERR_NOMEM, cx->source, 0, 0, "out of memory");
    path_step path[2] = {{key, 0}, {sub, 0}};
    return rc == 0 ? MS_OK : fail_at(cx, MS_ERR_POLICY, path, sub ? 2 : 1, "%s", msg);
}

/* After some of a category's thresholds were set (given: bit 0 flag, 1
 * review, 2 reject): a reject threshold alone brings review down to it
 * (rejecting implies holding); a flag threshold not given follows review
 * (as the two earlier categories always did), or stays at the default
 * while review is never reached. */
static void settle(const char *name, ms_thresholds *th, unsigned given)
{
    if (!(given & 2) && th->review > th->reject)
        th->review = th->reject;
    if (!(given & 1)) {
        ms_thresholds def;
        default_thresholds(name, strlen(name), &def);
        th->flag = th->review <= 1 ? th->review : def.flag;
        if (th->flag > th->review)
            th->flag = th->review;
    }
}

static const char *never_or(double v, char buf[32])
{
    if (v > 1)
        return "never";
    snprintf(buf, 32, "%g", v);
    return buf;
}

static ms_status parse_thresholds(parse_ctx *cx, json_t *th, ms_policy *p)
{
    path_step path[3] = {{"thresholds", 0}, {NULL, 0}, {NULL, 0}};
    if (!json_is_object(th))
        return fail_at(cx, MS_ERR_POLICY, path, 1, "thresholds: expected an object");
    const char *cname;
    json_t *cv;
    json_object_foreach(th, cname, cv) {
        path[1].key = cname;
        if (strcmp(cname, "toxicity") == 0)
            return fail_at(cx, MS_ERR_POLICY, path, 2,
                           "thresholds: \"toxicity\" is Perspective's name for what modscore "
                           "calls \"hostility\"");
        if (!ms_category_name_valid(cname, strlen(cname)))
            return fail_at(cx, MS_ERR_POLICY, path, 2,
                           "thresholds: \"%s\" is not a category name (1-64 of a-z, 0-9 and _, "
                           "starting with a letter, such as hostility, off_topic or insult)",
                           cname);
        if (!json_is_object(cv))
            return fail_at(cx, MS_ERR_POLICY, path, 2,
                           "thresholds.%s: expected an object with review and reject", cname);
        cat_entry *e = named_cat(p, cname, strlen(cname));
        if (!e)
            return fail_at(cx, MS_ERR_LIMIT, path, 2,
                           "thresholds: more than %d categories, or out of memory",
                           MAX_POLICY_CATEGORIES);
        const char *k;
        json_t *v;
        unsigned given = 0;
        json_object_foreach(cv, k, v) {
            path[2].key = k;
            ms_status st;
            if (strcmp(k, "flag") == 0)
                st = parse_threshold(cx, v, path, &e->th.flag), given |= 1;
            else if (strcmp(k, "review") == 0)
                st = parse_threshold(cx, v, path, &e->th.review), given |= 2;
            else if (strcmp(k, "reject") == 0)
                st = parse_threshold(cx, v, path, &e->th.reject), given |= 4;
            else
                st = fail_at(cx, MS_ERR_POLICY, path, 3,
                             "thresholds.%s: unknown key \"%s\" (expected flag, review or "
                             "reject)",
                             cname, k);
            if (st != MS_OK)
                return st;
        }
        settle(cname, &e->th, given);
        char b1[32], b2[32];
        if (e->th.review > e->th.reject)
            return fail_at(cx, MS_ERR_POLICY, path, 2,
                           "thresholds.%s: review threshold %s is above the reject threshold %s",
                           cname, never_or(e->th.review, b1), never_or(e->th.reject, b2));
        if (e->th.flag > e->th.review)
            return fail_at(cx, MS_ERR_POLICY, path, 2,
                           "thresholds.%s: flag threshold %s is above the review threshold %s",
                           cname, never_or(e->th.flag, b1), never_or(e->th.review, b2));
    }
    return MS_OK;
}

static ms_status parse_terms(parse_ctx *cx, json_t *arr, const char *key, char ***out,
                             size_t *n_out)
{
    path_step path[2] = {{key, 0}, {NULL, 0}};
    if (!json_is_array(arr))
        return fail_at(cx, MS_ERR_POLICY, path, 1, "%s: expected an array of strings", key);
    size_t n = json_array_size(arr);
    if (n > MS_POLICY_MAX_TERMS)
        return fail_at(cx, MS_ERR_LIMIT, path, 1, "%s: more than %u terms", key,
                       MS_POLICY_MAX_TERMS);
    char **terms = calloc(n ? n : 1, sizeof *terms);
    if (!terms)
        return ms_fail(cx->err, MS_ERR_NOMEM, cx->source, 0, 0, "out of memory");
    size_t count = 0;
    ms_status st = MS_OK;
    for (size_t i = 0; i < n && st == MS_OK; i++) {
        json_t *v = json_array_get(arr, i);
        path[1].index = i;
        if (!json_is_string(v)) {
            st = fail_at(cx, MS_ERR_POLICY, path, 2, "%s[%zu]: expected a string", key, i);
            break;
        }
        size_t len = json_string_length(v);
        if (len > MS_POLICY_MAX_TERM_BYTES) {
            st = fail_at(cx, MS_ERR_LIMIT, path, 2, "%s[%zu]: term longer than %u bytes", key,
                         i, MS_POLICY_MAX_TERM_BYTES);
            break;
        }
        char *t;
        st = fold_term(json_string_value(v), len, &t);
        if (st == MS_ERR_NOMEM) {
            st = ms_fail(cx->err, MS_ERR_NOMEM, cx->source, 0, 0, "out of memory");
            break;
        }
        if (st != MS_OK || t[0] == '\0') {
            if (st == MS_OK)
                free(t);
            st = fail_at(cx, MS_ERR_POLICY, path, 2, "%s[%zu]: %s", key, i,
                         st == MS_OK ? "empty term" : "not a valid Unicode string");
            break;
        }
        terms[count++] = t;
    }
    if (st != MS_OK) {
        free_terms(terms, count);
        return st;
    }
    *out = terms;
    *n_out = count;
    return MS_OK;
}

static void sort_unique(char **t, size_t *n)
{
    if (*n < 2)
        return;
    qsort(t, *n, sizeof *t, cmp_term);
    size_t w = 1;
    for (size_t i = 1; i < *n; i++) {
        if (strcmp(t[i], t[w - 1]) == 0)
            free(t[i]);
        else
            t[w++] = t[i];
    }
    *n = w;
}

ms_status ms_policy_parse(const char *data, size_t len, const char *source, ms_policy **out,
                          ms_error *err)
{
    if (!out || (!data && len))
        return ms_fail(err, MS_ERR_ARG, source, 0, 0, "no policy data");
    *out = NULL;
    if (len > MS_POLICY_MAX_BYTES)
        return ms_fail(err, MS_ERR_LIMIT, source, 0, 0, "policy larger than the %u-byte limit",
                       MS_POLICY_MAX_BYTES);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        data += 3, len -= 3; /* a UTF-8 byte-order mark, as discussions accept */
    json_error_t jerr;
    json_t *root = json_loadb(data ? data : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return ms_fail(err, MS_ERR_POLICY, source, jerr.line > 0 ? (long)jerr.line : 0,
                       jerr.column > 0 ? (long)jerr.column : 0, "%s", jerr.text);
    parse_ctx cx = {data, len, source, err};
    ms_policy *p = policy_new();
    ms_status st = MS_OK;
    if (!p) {
        st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
        goto done;
    }
    if (!json_is_object(root)) {
        st = fail_at(&cx, MS_ERR_POLICY, NULL, 0, "expected a JSON object");
        goto done;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        path_step path[1] = {{key, 0}};
        if (strcmp(key, "name") == 0) {
            if (!json_is_string(v) || json_string_length(v) == 0) {
                st = fail_at(&cx, MS_ERR_POLICY, path, 1, "name: expected a non-empty string");
            } else if (json_string_length(v) > MS_POLICY_MAX_NAME_BYTES ||
                       strlen(json_string_value(v)) != json_string_length(v)) {
                st = fail_at(&cx, MS_ERR_POLICY, path, 1,
                             "name: longer than %u bytes or contains NUL",
                             MS_POLICY_MAX_NAME_BYTES);
            } else {
                char *name = ms_strdup0(json_string_value(v));
                if (!name) {
                    st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
                } else {
                    free(p->name);
                    p->name = name;
                }
            }
        } else if (strcmp(key, "thresholds") == 0) {
            st = parse_thresholds(&cx, v, p);
        } else if (strcmp(key, "allow") == 0) {
            free_terms(p->allow, p->n_allow);
            p->allow = NULL;
            p->n_allow = 0;
            st = parse_terms(&cx, v, "allow", &p->allow, &p->n_allow);
            if (st == MS_OK)
                sort_unique(p->allow, &p->n_allow);
        } else if (strcmp(key, "deny") == 0) {
            free_terms(p->deny, p->n_deny);
            p->deny = NULL;
            p->n_deny = 0;
            st = parse_terms(&cx, v, "deny", &p->deny, &p->n_deny);
            if (st == MS_OK)
                sort_unique(p->deny, &p->n_deny);
        } else if (strcmp(key, "language") == 0) {
            st = parse_language(&cx, v, path, p);
        } else if (strcmp(key, "unread") == 0) {
            st = parse_unread(&cx, v, path, p);
        } else if (policy_scope_key(key)) {
            st = parse_scope(&cx, key, v, p);
        } else {
            st = fail_at(&cx, MS_ERR_POLICY, path, 1,
                         "unknown key \"%s\" (expected name, thresholds, allow, deny, language, "
                         "unread, categories or perspective_includes)",
                         key);
        }
        if (st != MS_OK)
            break;
    }
done:
    json_decref(root);
    if (st != MS_OK) {
        ms_policy_free(p);
        return st;
    }
    *out = p;
    return MS_OK;
}

ms_status ms_policy_load(const char *path, ms_policy **out, ms_error *err)
{
    if (!path || !out)
        return ms_fail(err, MS_ERR_ARG, path, 0, 0, "no policy path");
    *out = NULL;
    char *data;
    size_t len;
    ms_status st = ms_read_file(path, MS_POLICY_MAX_BYTES, &data, &len, err);
    if (st != MS_OK)
        return st;
    st = ms_policy_parse(data, len, strcmp(path, "-") == 0 ? "<stdin>" : path, out, err);
    free(data);
    return st;
}

ms_status ms_policy_override(ms_policy *p, const char *spec, ms_error *err)
{
    if (!p || !spec)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "no policy or override");
    const char *eq = strchr(spec, '=');
    if (!eq)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "override \"%s\": expected CATEGORY[.flag|.review|.reject]=VALUE", spec);
    const char *dot = memchr(spec, '.', (size_t)(eq - spec));
    size_t cat_len = (size_t)((dot ? dot : eq) - spec);
    if (cat_len == 8 && memcmp(spec, "toxicity", 8) == 0)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "override \"%s\": \"toxicity\" is Perspective's name for what modscore "
                       "calls \"hostility\"",
                       spec);
    if (!ms_category_name_valid(spec, cat_len))
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "override \"%s\": \"%.*s\" is not a category name (such as hostility, "
                       "off_topic or insult)",
                       spec, (int)cat_len, spec);
    int which = 1; /* 0 flag, 1 review, 2 reject */
    if (dot) {
        size_t kl = (size_t)(eq - dot - 1);
        if (kl == 6 && memcmp(dot + 1, "reject", 6) == 0)
            which = 2;
        else if (kl == 4 && memcmp(dot + 1, "flag", 4) == 0)
            which = 0;
        else if (!(kl == 6 && memcmp(dot + 1, "review", 6) == 0))
            return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                           "override \"%s\": unknown threshold \"%.*s\" (expected flag, review "
                           "or reject)",
                           spec, (int)kl, dot + 1);
    }
    double v;
    if (!strcmp(eq + 1, "never") || !strcmp(eq + 1, "null"))
        v = MS_THRESHOLD_NEVER; /* as null in a policy file */
    else if (ms_parse_double(eq + 1, strlen(eq + 1), &v) != 0 || !(v >= 0.0 && v <= 1.0))
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "override \"%s\": value must be a number between 0 and 1, or never",
                       spec);
    const cat_entry *old = find_cat(p, spec, cat_len);
    ms_thresholds th;
    if (old)
        th = old->th;
    else
        default_thresholds(spec, cat_len, &th);
    /* a review override moves a flag threshold that followed it */
    int flag_followed = th.flag == th.review;
    if (which == 0)
        th.flag = v;
    else if (which == 1)
        th.review = v;
    else
        th.reject = v;
    if (which == 1 && (flag_followed || th.flag > v))
        th.flag = v;
    if (which == 2 && th.review > v && th.review > 1)
        th.review = v; /* a category that was never held: rejecting implies holding */
    if (which == 2 && th.flag > th.review)
        th.flag = th.review;
    char b1[32], b2[32];
    if (th.review > th.reject)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "override \"%s\": review threshold %s would be above the reject "
                       "threshold %s (change %.*s.%s first)",
                       spec, never_or(th.review, b1), never_or(th.reject, b2), (int)cat_len, spec,
                       which == 2 ? "review" : "reject");
    if (th.flag > th.review)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0,
                       "override \"%s\": flag threshold %s would be above the review threshold "
                       "%s (change %.*s.review first)",
                       spec, never_or(th.flag, b1), never_or(th.review, b2), (int)cat_len, spec);
    cat_entry *e = named_cat(p, spec, cat_len);
    if (!e)
        return ms_fail(err, MS_ERR_LIMIT, "", 0, 0,
                       "override \"%s\": more than %d categories, or out of memory", spec,
                       MAX_POLICY_CATEGORIES);
    e->th = th;
    return MS_OK;
}

const char *ms_policy_language(const ms_policy *p)
{
    return p && p->language[0] ? p->language : NULL;
}

ms_action ms_policy_unread(const ms_policy *p)
{
    return p ? p->unread : MS_ACTION_REVIEW;
}

/* policy_scope.c - the policy's "categories" and "perspective_includes":
 * see policy_scope.h.
 *
 *   "categories": ["hostility", "threat"]
 *       the categories the site scores; the others are never scored or
 *       mapped, as with `check --categories`. Absent: every loaded one.
 *   "perspective_includes": {"hostility": ["threat", "severe_toxicity"]}
 *       of the kinds a category's card counts in its Perspective answer
 *       (its "perspective_includes": TOXICITY is the highest of
 *       hostility's map and its kinds' readings), the ones this site
 *       counts; [] counts none. A category not named keeps its card's.
 * Both name categories, as "thresholds" does; a name no loaded model
 * scores is found by ms_policy_unknown_category (a warning in check, a
 * refused reload in serve). */
#include "policy_scope.h"

#include "card.h"
#include "modscore.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct name_list {
    char **v;
    size_t n;
} name_list;

typedef struct include_entry {
    char *category;
    name_list kinds;
} include_entry;

struct policy_scope {
    int has_categories;
    name_list categories;
    include_entry inc[MS_MAX_CATEGORIES];
    size_t n_inc;
};

static void list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void policy_scope_free(policy_scope *s)
{
    if (!s)
        return;
    list_free(&s->categories);
    for (size_t i = 0; i < s->n_inc; i++) {
        free(s->inc[i].category);
        list_free(&s->inc[i].kinds);
    }
    free(s);
}

int policy_scope_key(const char *key)
{
    return strcmp(key, "categories") == 0 || strcmp(key, "perspective_includes") == 0;
}

static int list_has(const name_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0)
            return 1;
    return 0;
}

/* A JSON list of category names into *l (replacing it). */
static int read_list(json_t *v, const char *what, name_list *l, char *msg, size_t n)
{
    if (!json_is_array(v) || json_array_size(v) > MS_MAX_CATEGORIES) {
        snprintf(msg, n, "%s: expected a list of at most %d category names", what,
                 MS_MAX_CATEGORIES);
        return -1;
    }
    list_free(l);
    l->v = calloc(json_array_size(v) + 1, sizeof *l->v);
    if (!l->v)
        return -2;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        const char *s = json_string_value(e);
        if (!s || !ms_category_name_valid(s, json_string_length(e))) {
            snprintf(msg, n,
                     "%s: entry %zu is not a category name (lower case, such as hostility, "
                     "threat or identity_attack)",
                     what, i + 1);
            return -1;
        }
        if (list_has(l, s))
            continue;
        if (!(l->v[l->n] = ms_strdup0(s)))
            return -2;
        l->n++;
    }
    return 0;
}

static int read_includes(policy_scope *s, json_t *v, char *msg, size_t n, const char **sub)
{
    if (!json_is_object(v)) {
        snprintf(msg, n, "perspective_includes: expected an object such as "
                         "{\"hostility\": [\"threat\", \"severe_toxicity\"]}");
        return -1;
    }
    const char *cat;
    json_t *kinds;
    json_object_foreach(v, cat, kinds) {
        *sub = cat;
        if (!ms_category_name_valid(cat, strlen(cat))) {
            snprintf(msg, n, "perspective_includes: \"%s\" is not a category name", cat);
            return -1;
        }
        if (s->n_inc == MS_MAX_CATEGORIES) {
            snprintf(msg, n, "perspective_includes: more than %d categories", MS_MAX_CATEGORIES);
            return -1;
        }
        include_entry *e = &s->inc[s->n_inc];
        char what[96];
        snprintf(what, sizeof what, "perspective_includes.%s", cat);
        int rc = read_list(kinds, what, &e->kinds, msg, n);
        if (rc == 0 && !(e->category = ms_strdup0(cat)))
            rc = -2;
        if (rc != 0) {
            list_free(&e->kinds);
            return rc;
        }
        s->n_inc++;
    }
    *sub = NULL;
    return 0;
}

int policy_scope_parse(policy_scope **s, const char *key, json_t *v, char *msg, size_t n,
                       const char **sub)
{
    *sub = NULL;
    if (!*s && !(*s = calloc(1, sizeof **s)))
        return -2;
    if (strcmp(key, "categories") == 0) {
        int rc = read_list(v, "categories", &(*s)->categories, msg, n);
        if (rc == 0 && (*s)->categories.n == 0) {
            snprintf(msg, n, "categories: an empty list would score nothing (leave the key "
                             "out to score every category)");
            rc = -1;
        }
        (*s)->has_categories = rc == 0;
        return rc;
    }
    return read_includes(*s, v, msg, n, sub);
}

const char *policy_scope_name(const policy_scope *s, size_t i)
{
    if (!s)
        return NULL;
    if (i < s->categories.n)
        return s->categories.v[i];
    i -= s->categories.n;
    for (size_t k = 0; k < s->n_inc; k++) {
        if (i == 0)
            return s->inc[k].category;
        if (--i < s->inc[k].kinds.n)
            return s->inc[k].kinds.v[i];
        i -= s->inc[k].kinds.n;
    }
    return NULL;
}

const char *policy_scope_kind(const policy_scope *s, size_t j, const char **category)
{
    for (size_t k = 0; s && k < s->n_inc; k++) {
        if (j < s->inc[k].kinds.n) {
            *category = s->inc[k].category;
            return s->inc[k].kinds.v[j];
        }
        j -= s->inc[k].kinds.n;
    }
    return NULL;
}

int policy_scope_scores(const policy_scope *s, const char *category)
{
    return !s || !s->has_categories || (category && list_has(&s->categories, category));
}

int policy_scope_counts(const policy_scope *s, const char *category, const char *kind)
{
    if (!policy_scope_scores(s, kind))
        return 0;
    for (size_t k = 0; s && category && k < s->n_inc; k++)
        if (strcmp(s->inc[k].category, category) == 0)
            return kind && list_has(&s->inc[k].kinds, kind);
    return 1;
}

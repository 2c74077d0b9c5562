/* policy_scope.h - what a site scores: the policy's "categories" (the
 * categories scored at all) and "perspective_includes" (which kinds a
 * category's Perspective answer counts, TOXICITY's threat, identity attack
 * and severe toxicity). policy.c owns the file and asks this module for
 * these two keys; the public side is ms_policy_scores and
 * ms_policy_counts_kind in modscore.h. */
#ifndef MS_POLICY_SCOPE_H
#define MS_POLICY_SCOPE_H

#include <jansson.h>
#include <stddef.h>

typedef struct policy_scope policy_scope;

/* Reads the policy key named key ("categories" or "perspective_includes")
 * from v into *s (created on first use). Returns 0; -1 with msg (and *sub
 * the member of v it concerns, or NULL) when v is not what the key takes;
 * -2 when out of memory. */
int policy_scope_parse(policy_scope **s, const char *key, json_t *v, char *msg, size_t n,
                       const char **sub);

/* Whether key is one of this module's keys. */
int policy_scope_key(const char *key);

void policy_scope_free(policy_scope *s);

/* The i-th category name the two keys mention (each list's entries and
 * perspective_includes' categories), NULL past the last; s may be NULL. */
const char *policy_scope_name(const policy_scope *s, size_t i);

/* The j-th kind "perspective_includes" lists, counting through every
 * category's list in order, with *category its category; NULL past the
 * last. s may be NULL. */
const char *policy_scope_kind(const policy_scope *s, size_t j, const char **category);

/* Whether category is scored: "categories" names it, or is not given. */
int policy_scope_scores(const policy_scope *s, const char *category);

/* Whether category's Perspective answer counts kind: the category is not
 * in "perspective_includes", or its list names kind; and kind is scored. */
int policy_scope_counts(const policy_scope *s, const char *category, const char *kind);

#endif

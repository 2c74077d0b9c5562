/* category.h - the two categories every earlier version had (ms_category,
 * hostility and off_topic): the one table that names them, and what a name
 * in it fills: the result's legacy fields, their MS_FLAG_* bit, the HTML
 * report's class. Every other category is data (its model card); the
 * scorer, policy and reports ask here instead of comparing names. */
#ifndef MS_CATEGORY_H
#define MS_CATEGORY_H

#include "modscore.h"

#include <stddef.h>

/* The ms_category whose legacy fields the category name (n bytes) fills,
 * or -1 for any other category (and for NULL). */
int ms_category_legacy_n(const char *name, size_t n);
/* The same for a NUL-terminated name. */
int ms_category_legacy(const char *name);

/* The MS_FLAG_* bit a flagged category sets: its legacy category's own,
 * else MS_FLAG_OTHER. */
unsigned ms_category_flag(const char *name);

/* The HTML report's class and label of a legacy category ("hostility",
 * "off-topic"); "other" past the table. Static. */
const char *ms_category_label(ms_category c);

/* A legacy category's score in the result's legacy fields (a result built
 * by hand has only these). OUT: *v. 1 when it has one. */
int ms_result_legacy_score(const ms_result *r, ms_category c, double *v);

#endif

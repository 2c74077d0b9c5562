/* policy.h - community standards, internal side: term lists for the scorer
 * and the decision rule. The public side is in modscore.h. */
#ifndef MS_POLICY_H
#define MS_POLICY_H

#include "modscore.h"

/* Terms are stored case-folded; a term may be several words ("go back to").
 * ms_policy_allowed takes one case-folded word. */
int ms_policy_allowed(const ms_policy *p, const char *word, size_t n);
size_t ms_policy_deny_count(const ms_policy *p);
const char *ms_policy_deny_term(const ms_policy *p, size_t i);

/* The strictest action the scores and flags in r call for: a category at or
 * above its reject threshold rejects, at or above review reviews; a deny
 * term (MS_FLAG_DENY) is at least review. Sets r->flags for categories and
 * returns the action. */
ms_action ms_policy_decide(const ms_policy *p, ms_result *r);

/* The policy's name (from the file's "name", or "default"). */
const char *ms_policy_name(const ms_policy *p);

#endif

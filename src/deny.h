/* deny.h - a policy's deny terms as a trie over folded tokens, so finding
 * every term in a comment costs its tokens times the longest term's
 * length in tokens, not its tokens times the number of terms. */
#ifndef MS_DENY_H
#define MS_DENY_H

#include "normalise.h"

typedef struct ms_deny_index ms_deny_index;

/* A deny term found: which term (its index in the policy's list), and its
 * first occurrence as tokens [first, first + n_tokens). */
typedef struct ms_deny_hit {
    size_t term, first, n_tokens;
} ms_deny_hit;

/* Indexes n terms, each already tokenised (folded as comments are); terms
 * with no token are never found. OUT: *out, free with ms_deny_index_free.
 * MS_ERR_NOMEM only. */
ms_status ms_deny_index_new(const ms_tokens *terms, size_t n, ms_deny_index **out);
void ms_deny_index_free(ms_deny_index *x);

/* The terms found in t, each once (at its first occurrence), in term
 * order. OUT: *hits (free with free(); NULL when none) and *n_hits. */
ms_status ms_deny_index_match(const ms_deny_index *x, const ms_tokens *t, ms_deny_hit **hits,
                              size_t *n_hits);

#endif

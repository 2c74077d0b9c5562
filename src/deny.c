/* deny.c - the deny-term trie; see deny.h. */
#include "deny.h"

#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* An edge parent --token--> child, in an open-addressing table keyed by
 * (parent, token text); texts live back to back in pool. */
typedef struct edge {
    uint32_t parent, child; /* child NONE: an empty slot */
    uint32_t off, len;
} edge;

struct ms_deny_index {
    edge *edges;
    size_t mask, n_edges;
    char *pool;
    size_t pool_len, pool_cap;
    uint32_t *ends;    /* per node: the first term ending there, or NONE */
    uint32_t *next;    /* per term: the next term ending at the same node */
    size_t n_nodes, nodes_cap;
    uint64_t seed;
};

static uint64_t edge_hash(const ms_deny_index *x, uint32_t parent, const char *s, size_t n)
{
    return ms_hash64(s, n, x->seed ^ ((uint64_t)parent * 0x9E3779B97F4A7C15ULL));
}

static size_t edge_slot(const ms_deny_index *x, uint32_t parent, const char *s, size_t n)
{
    size_t i = (size_t)edge_hash(x, parent, s, n) & x->mask;
    for (;; i = (i + 1) & x->mask) {
        const edge *e = &x->edges[i];
        if (e->child == NONE ||
            (e->parent == parent && e->len == n && memcmp(x->pool + e->off, s, n) == 0))
            return i;
    }
}

static uint32_t child_of(const ms_deny_index *x, uint32_t parent, const char *s, size_t n)
{
    return x->edges[edge_slot(x, parent, s, n)].child;
}

static ms_status grow_edges(ms_deny_index *x)
{
    size_t cap = (x->mask + 1) * 2;
    edge *old = x->edges;
    size_t old_cap = x->mask + 1;
    x->edges = malloc(cap * sizeof *x->edges);
    if (!x->edges) {
        x->edges = old;
        return MS_ERR_NOMEM;
    }
    for (size_t i = 0; i < cap; i++)
        x->edges[i].child = NONE;
    x->mask = cap - 1;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].child != NONE)
            x->edges[edge_slot(x, old[i].parent, x->pool + old[i].off, old[i].len)] = old[i];
    free(old);
    return MS_OK;
}

static ms_status new_node(ms_deny_index *x, uint32_t *id)
{
    if (x->n_nodes >= NONE - 1 ||
        ms_grow((void **)&x->ends, &x->nodes_cap, x->n_nodes + 1, sizeof *x->ends) != MS_OK)
        return MS_ERR_NOMEM;
    x->ends[x->n_nodes] = NONE;
    *id = (uint32_t)x->n_nodes++;
    return MS_OK;
}

/* The child of parent along token text s, made when absent. */
static ms_status walk_or_add(ms_deny_index *x, uint32_t parent, const char *s, size_t n,
                             uint32_t *child)
{
    size_t i = edge_slot(x, parent, s, n);
    if (x->edges[i].child != NONE) {
        *child = x->edges[i].child;
        return MS_OK;
    }
    if (2 * (x->n_edges + 1) > x->mask + 1) {
        if (grow_edges(x) != MS_OK)
            return MS_ERR_NOMEM;
        i = edge_slot(x, parent, s, n);
    }
    if (n > UINT32_MAX || x->pool_len > UINT32_MAX - n ||
        ms_grow((void **)&x->pool, &x->pool_cap, x->pool_len + n + 1, 1) != MS_OK ||
        new_node(x, child) != MS_OK)
        return MS_ERR_NOMEM;
    memcpy(x->pool + x->pool_len, s, n);
    x->edges[i] = (edge){parent, *child, (uint32_t)x->pool_len, (uint32_t)n};
    x->pool_len += n;
    x->n_edges++;
    return MS_OK;
}

void ms_deny_index_free(ms_deny_index *x)
{
    if (!x)
        return;
    free(x->edges);
    free(x->pool);
    free(x->ends);
    free(x->next);
    free(x);
}

ms_status ms_deny_index_new(const ms_tokens *terms, size_t n, ms_deny_index **out)
{
    *out = NULL;
    ms_deny_index *x = calloc(1, sizeof *x);
    uint32_t root;
    if (!x || n >= NONE)
        goto nomem;
    uint64_t s = (uint64_t)(uintptr_t)x ^ (uint64_t)(ms_now() * 1e9);
    x->seed = ms_random_next(&s);
    x->mask = 63;
    x->edges = malloc(64 * sizeof *x->edges);
    x->next = malloc((n ? n : 1) * sizeof *x->next);
    if (!x->edges || !x->next || new_node(x, &root) != MS_OK)
        goto nomem;
    for (size_t i = 0; i < 64; i++)
        x->edges[i].child = NONE;
    /* terms in reverse, each put first in its node's list: lists in term order */
    for (size_t d = n; d-- > 0;) {
        const ms_tokens *t = &terms[d];
        uint32_t node = root;
        x->next[d] = NONE;
        if (t->n == 0)
            continue;
        for (size_t k = 0; k < t->n; k++)
            if (walk_or_add(x, node, ms_token_text(t, k), t->tok[k].fold_len, &node) != MS_OK)
                goto nomem;
        x->next[d] = x->ends[node];
        x->ends[node] = (uint32_t)d;
    }
    *out = x;
    return MS_OK;
nomem:
    ms_deny_index_free(x);
    return MS_ERR_NOMEM;
}

static int by_term_then_first(const void *a, const void *b)
{
    const ms_deny_hit *x = a, *y = b;
    if (x->term != y->term)
        return x->term < y->term ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

ms_status ms_deny_index_match(const ms_deny_index *x, const ms_tokens *t, ms_deny_hit **hits,
                              size_t *n_hits)
{
    ms_deny_hit *h = NULL;
    size_t n = 0, cap = 0;
    *hits = NULL;
    *n_hits = 0;
    for (size_t i = 0; x && i < t->n; i++) {
        uint32_t node = 0;
        for (size_t k = i; k < t->n; k++) {
            node = child_of(x, node, ms_token_text(t, k), t->tok[k].fold_len);
            if (node == NONE)
                break;
            for (uint32_t d = x->ends[node]; d != NONE; d = x->next[d]) {
                if (ms_grow((void **)&h, &cap, n + 1, sizeof *h) != MS_OK) {
                    free(h);
                    return MS_ERR_NOMEM;
                }
                h[n++] = (ms_deny_hit){d, i, k - i + 1};
            }
        }
    }
    /* each term once, at its first occurrence, in term order */
    if (n > 1)
        qsort(h, n, sizeof *h, by_term_then_first);
    size_t kept = 0;
    for (size_t j = 0; j < n; j++)
        if (kept == 0 || h[kept - 1].term != h[j].term)
            h[kept++] = h[j];
    *hits = kept ? h : NULL;
    *n_hits = kept;
    if (!kept)
        free(h);
    return MS_OK;
}

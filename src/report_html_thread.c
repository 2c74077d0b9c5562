/* report_html_thread.c - the thread as the page lists it: the tree of
 * replies (thread order and depth), each comment's rank under every sort
 * key, and each comment's head, scores, highlighted text, reasons and
 * notes.
 *
 * Layout of the thread: one flat <ol class="thread"> whose items are the
 * comments in thread order (depth-first, children in input order), each
 * indented by its depth (style "--indent"), so a reply sits under its
 * parent. A reply whose parent is not a comment of the thread but a name
 * ("in reply to jj42") is grouped under a heading item for that name. Being
 * flat, the list can be reordered by CSS alone: it is a flex column and each
 * comment carries its rank under every sort key (style "--rank-hostility"
 * ...), which the checked sort radio button turns into `order`. The action
 * checkboxes hide comments the same way. So the filters work offline and
 * with JavaScript off; the inline script only counts what is shown. */
#include "report_html_priv.h"
#include "report_lang.h"
#include "category.h"
#include "policy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * The thread's tree. */

/* A string -> index map, open addressing; the index stored is the last one
 * put under the key. */
#define NONE SIZE_MAX

/* A node is a comment (index < n) or a name heading (index n + g). */
typedef struct tree {
    size_t n, n_groups;
    size_t *parent;      /* per comment: a comment, a heading, or NONE */
    size_t *first_child; /* per node */
    size_t *next;        /* per node: next sibling */
    size_t *group_item;  /* per heading: a comment whose reply_to names it */
    size_t *order;       /* nodes in thread order */
    size_t *depth;       /* per node */
    size_t n_order;
} tree;

static void tree_free(tree *t)
{
    free(t->parent);
    free(t->first_child);
    free(t->next);
    free(t->group_item);
    free(t->order);
    free(t->depth);
}

/* Parents as ms_discussion_parent finds them (by id: the latest earlier
 * comment with it, else the first later one; else by reply_to: the latest
 * earlier comment by that author); a reply_to naming nobody earlier gets a
 * heading for the name. 0 when out of memory. */
static int tree_parents(const ms_html *h, tree *t)
{
    size_t n = h->n_items;
    ms_strmap ids_seen = {0}, ids_first = {0}, authors = {0}, groups = {0};
    int ok = ms_strmap_init(&ids_seen, n) == MS_OK && ms_strmap_init(&ids_first, n) == MS_OK &&
             ms_strmap_init(&authors, n) == MS_OK && ms_strmap_init(&groups, n) == MS_OK;
    size_t *by_name = malloc((n + 1) * sizeof *by_name);
    t->parent = malloc((n + 1) * sizeof *t->parent);
    t->group_item = malloc((n + 1) * sizeof *t->group_item);
    ok = ok && by_name && t->parent && t->group_item;
    for (size_t i = 0; ok && i < n; i++) {
        const h_item *it = &h->items[i];
        t->parent[i] = it->parent ? ms_strmap_get(&ids_seen, it->parent) : NONE;
        by_name[i] = it->reply_to ? ms_strmap_get(&authors, it->reply_to) : NONE;
        if (it->id) {
            ok = ok && ms_strmap_put(&ids_seen, it->id, i) == MS_OK;
            if (ms_strmap_get(&ids_first, it->id) == NONE)
                ok = ok && ms_strmap_put(&ids_first, it->id, i) == MS_OK;
        }
        if (it->author)
            ok = ok && ms_strmap_put(&authors, it->author, i) == MS_OK;
    }
    for (size_t i = 0; ok && i < n; i++) {
        const h_item *it = &h->items[i];
        if (t->parent[i] != NONE)
            continue;
        if (it->parent) {
            size_t p = ms_strmap_get(&ids_first, it->parent);
            if (p != NONE && p != i) {
                t->parent[i] = p;
                continue;
            }
        }
        if (by_name[i] != NONE) {
            t->parent[i] = by_name[i];
        } else if (it->reply_to && it->reply_to[0]) {
            size_t g = ms_strmap_get(&groups, it->reply_to);
            if (g == NONE) {
                g = t->n_groups++;
                ok = ok && ms_strmap_put(&groups, it->reply_to, g) == MS_OK;
                t->group_item[g] = i;
            }
            t->parent[i] = n + g;
        }
    }
    free(by_name);
    ms_strmap_free(&ids_seen);
    ms_strmap_free(&ids_first);
    ms_strmap_free(&authors);
    ms_strmap_free(&groups);
    return ok;
}

/* The children of each node in input order, then a depth-first walk from
 * the roots (in input order; a heading stands where its first reply is);
 * comments a cycle of parent ids kept from every root become roots
 * themselves. 0 when out of memory. */
static int tree_walk(tree *t)
{
    size_t n = t->n, nodes = n + t->n_groups;
    t->first_child = malloc((nodes + 1) * sizeof *t->first_child);
    t->next = malloc((nodes + 1) * sizeof *t->next);
    t->order = malloc((nodes + 1) * sizeof *t->order);
    t->depth = malloc((nodes + 1) * sizeof *t->depth);
    size_t *last = malloc((nodes + 1) * sizeof *last);
    size_t *stack = malloc((nodes + 1) * sizeof *stack);
    char *seen = calloc(nodes + 1, 1);
    if (!t->first_child || !t->next || !t->order || !t->depth || !last || !stack || !seen) {
        free(last);
        free(stack);
        free(seen);
        return 0;
    }
    for (size_t v = 0; v < nodes; v++)
        t->first_child[v] = t->next[v] = last[v] = NONE;
    /* children in input order */
    for (size_t i = 0; i < n; i++) {
        size_t p = t->parent[i];
        if (p == NONE)
            continue;
        if (last[p] == NONE)
            t->first_child[p] = i;
        else
            t->next[last[p]] = i;
        last[p] = i;
    }
    /* roots in input order; a heading stands where its first reply is */
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            size_t root = NONE;
            if (t->parent[i] == NONE)
                root = i;
            else if (t->parent[i] >= n && t->group_item[t->parent[i] - n] == i)
                root = t->parent[i];
            else if (pass == 1 && !seen[i])
                root = i; /* in a cycle */
            if (root == NONE || seen[root])
                continue;
            size_t sp = 0;
            stack[sp++] = root;
            t->depth[root] = 0;
            while (sp) {
                size_t v = stack[--sp];
                if (seen[v])
                    continue;
                seen[v] = 1;
                t->order[t->n_order++] = v;
                /* push children in reverse so the first is visited first */
                size_t k = 0;
                for (size_t c = t->first_child[v]; c != NONE; c = t->next[c])
                    k += !seen[c];
                sp += k;
                size_t j = sp;
                for (size_t c = t->first_child[v]; c != NONE; c = t->next[c]) {
                    if (seen[c]) /* the root of a cycle */
                        continue;
                    stack[--j] = c;
                    t->depth[c] = t->depth[v] + 1;
                }
            }
        }
    }
    free(last);
    free(stack);
    free(seen);
    return 1;
}

static int tree_build(const ms_html *h, tree *t)
{
    memset(t, 0, sizeof *t);
    t->n = h->n_items;
    return tree_parents(h, t) && tree_walk(t);
}

/* ------------------------------------------------------------------------
 * Sort ranks: per key, each comment's place when sorted by that score
 * (highest first; sentiment lowest first), missing scores last, ties in
 * input order. */

/* The keys: the legacy categories (ms_category), then sentiment. */
enum { KEY_SENTIMENT = MS_CAT_COUNT, N_KEYS };

static const char *key_name(int key)
{
    return key == KEY_SENTIMENT ? "sentiment" : ms_category_label((ms_category)key);
}

static double key_value(const h_item *it, int key, int *has)
{
    switch (key) {
    case MS_CAT_HOSTILITY:
        *has = it->has_h && isfinite(it->hostility);
        return it->hostility;
    case MS_CAT_OFF_TOPIC:
        *has = it->has_o && isfinite(it->off_topic);
        return it->off_topic;
    default:
        *has = isfinite(it->sentiment);
        return -it->sentiment;
    }
}

/* qsort has no context argument: sort (value, has, index) triples. */
typedef struct rank_entry {
    double v;
    int has;
    size_t i;
} rank_entry;

static int rank_cmp(const void *a, const void *b)
{
    const rank_entry *x = a, *y = b;
    if (x->has != y->has)
        return x->has ? -1 : 1;
    if (x->has && x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* ranks[key * n + i]; NULL when out of memory. */
static size_t *make_ranks(const ms_html *h)
{
    size_t n = h->n_items;
    size_t *ranks = malloc((N_KEYS * n + 1) * sizeof *ranks);
    rank_entry *e = malloc((n + 1) * sizeof *e);
    if (!ranks || !e) {
        free(ranks);
        free(e);
        return NULL;
    }
    for (int k = 0; k < N_KEYS; k++) {
        for (size_t i = 0; i < n; i++) {
            e[i].v = key_value(&h->items[i], k, &e[i].has);
            e[i].i = i;
        }
        qsort(e, n, sizeof *e, rank_cmp);
        for (size_t r = 0; r < n; r++)
            ranks[(size_t)k * n + e[r].i] = r;
    }
    free(e);
    return ranks;
}

/* ------------------------------------------------------------------------
 * Highlights: the reasons' spans, sorted and merged. */

typedef struct span {
    size_t start, end;
    size_t first; /* index into the item's reasons, of the first in it */
} span;

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Widens [start, end) to whole UTF-8 sequences so no character is cut. */
static void snap(const char *s, size_t n, size_t *start, size_t *end)
{
    for (int k = 0; k < 3 && *start > 0 && *start < n && ((unsigned char)s[*start] & 0xC0) == 0x80;
         k++)
        (*start)--;
    for (int k = 0; k < 3 && *end < n && ((unsigned char)s[*end] & 0xC0) == 0x80; k++)
        (*end)++;
}

static const char *cat_class(const char *category)
{
    int legacy = ms_category_legacy(category);
    if (legacy >= 0)
        return ms_category_label((ms_category)legacy);
    if (category && strcmp(category, "deny") == 0)
        return "deny";
    return category ? "attribute" : "other"; /* insult, threat, a site's own... */
}

static void hw_reason_tip(hw *w, const h_reason *r)
{
    hw_escs(w, r->category ? r->category : "reason");
    hw_s(w, " ");
    hw_fixed(w, r->weight, 3, 1, 0);
    if (r->term) {
        hw_s(w, " (");
        hw_escs(w, r->term);
        hw_s(w, ")");
    }
}

/* The comment's text with the spans of its reasons marked. Each merged
 * highlight's title lists every reason inside it with its contribution. */
static int write_text(hw *w, const h_item *it)
{
    size_t n = it->text_len, ns = 0;
    span *sp = malloc((it->n_reasons + 1) * sizeof *sp);
    if (!sp)
        return 0;
    for (size_t i = 0; i < it->n_reasons; i++) {
        const h_reason *r = &it->reasons[i];
        if (!r->has_span || !it->text || r->start >= r->end || r->start >= n)
            continue;
        span s = {r->start, r->end < n ? r->end : n, i};
        snap(it->text, n, &s.start, &s.end);
        sp[ns++] = s;
    }
    qsort(sp, ns, sizeof *sp, span_cmp);
    size_t pos = 0;
    for (size_t i = 0; i < ns;) {
        size_t start = sp[i].start, end = sp[i].end, j = i + 1;
        while (j < ns && sp[j].start < end) { /* overlapping: one mark */
            if (sp[j].end > end)
                end = sp[j].end;
            j++;
        }
        /* the strongest reason inside names the colour */
        size_t best = sp[i].first;
        for (size_t k = i; k < j; k++)
            if (it->reasons[sp[k].first].weight > it->reasons[best].weight)
                best = sp[k].first;
        hw_esc(w, it->text + pos, start - pos, 1);
        hw_s(w, "<mark class=\"hl hl-");
        hw_s(w, cat_class(it->reasons[best].category));
        hw_s(w, "\" data-category=\"");
        hw_escs(w, it->reasons[best].category ? it->reasons[best].category : "");
        hw_s(w, "\" data-start=\"");
        hw_int(w, (long long)start);
        hw_s(w, "\" data-end=\"");
        hw_int(w, (long long)end);
        hw_s(w, "\" title=\"");
        for (size_t k = i; k < j; k++) {
            if (k > i)
                hw_s(w, "; ");
            hw_reason_tip(w, &it->reasons[sp[k].first]);
        }
        hw_s(w, "\">");
        hw_esc(w, it->text + start, end - start, 1);
        hw_s(w, "</mark>");
        pos = end;
        i = j;
    }
    if (it->text)
        hw_esc(w, it->text + pos, n - pos, 1);
    free(sp);
    return 1;
}

/* "hostility 0.91" in the comment head, coloured past a threshold. */
static void write_score(hw *w, const ms_html *h, int has, double v, ms_category cat,
                        const char *missing)
{
    hw_s(w, "<span");
    if (has && isfinite(v) && v >= hw_threshold(h, cat, 1))
        hw_s(w, " class=\"over-reject\"");
    else if (has && isfinite(v) && v >= hw_threshold(h, cat, 0))
        hw_s(w, " class=\"over-review\"");
    if (!has && missing && missing[0]) {
        hw_s(w, " title=\"");
        hw_escs(w, missing);
        hw_s(w, "\"");
    }
    hw_s(w, ">");
    hw_s(w, ms_category_label(cat));
    hw_s(w, " <b>");
    if (has)
        hw_fixed(w, v, 2, 0, 0);
    else
        hw_s(w, "\xe2\x80\x94");
    hw_s(w, "</b></span>");
}

/* The <li> of comment i and its data- attributes and sort ranks. */
static void comment_open(hw *w, const ms_html *h, const tree *t, const size_t *ranks, size_t i)
{
    const h_item *it = &h->items[i];
    size_t n = h->n_items, depth = t->depth[i];
    const char *act = ms_action_name(it->action);
    hw_s(w, "<li class=\"comment\" id=\"comment-");
    hw_int(w, (long long)i + 1);
    hw_s(w, "\" data-id=\"");
    hw_escs(w, it->id);
    hw_s(w, "\" data-action=\"");
    hw_s(w, act);
    hw_s(w, "\"");
    if (it->has_h) {
        hw_s(w, " data-hostility=\"");
        hw_num(w, it->hostility);
        hw_s(w, "\"");
    }
    if (it->has_o) {
        hw_s(w, " data-off-topic=\"");
        hw_num(w, it->off_topic);
        hw_s(w, "\"");
    }
    if (isfinite(it->sentiment)) { /* none for a language VADER does not read */
        hw_s(w, " data-sentiment=\"");
        hw_num(w, it->sentiment);
        hw_s(w, "\"");
    }
    hw_s(w, " data-depth=\"");
    hw_int(w, (long long)depth);
    hw_s(w, "\"");
    size_t p = t->parent[i];
    if (p != NONE && p < n && depth > 0) {
        hw_s(w, " data-parent=\"");
        hw_escs(w, h->items[p].id);
        hw_s(w, "\"");
    }
    hw_s(w, " style=\"--indent:");
    hw_int(w, (long long)(depth < HTML_MAX_INDENT ? depth : HTML_MAX_INDENT));
    for (int k = 0; k < N_KEYS; k++) {
        hw_s(w, ";--rank-");
        hw_s(w, key_name(k));
        hw_s(w, ":");
        hw_int(w, (long long)ranks[(size_t)k * n + i]);
    }
    hw_s(w, "\">\n");
}

/* The head: action badge, author, id and whom the comment answers. */
static void comment_head(hw *w, const ms_html *h, const tree *t, size_t i)
{
    const h_item *it = &h->items[i];
    size_t n = h->n_items, depth = t->depth[i], p = t->parent[i];
    hw_s(w, "<div class=\"head\">");
    hw_badge(w, it->action);
    hw_s(w, " ");
    if (it->author && it->author[0])
        hw_wrap(w, "<bdi class=\"author\">", it->author, "</bdi>");
    else
        hw_s(w, "<span class=\"author anon\">anonymous</span>");
    hw_wrap(w, " <span class=\"cid\">#", it->id, "</span>");
    if (p != NONE && p < n && depth > 0) {
        const h_item *pi = &h->items[p];
        hw_s(w, " <span class=\"inreply\">\xe2\x86\xb3 in reply to <a href=\"#comment-");
        hw_int(w, (long long)p + 1);
        hw_s(w, "\">");
        if (pi->author && pi->author[0])
            hw_wrap(w, "<bdi>", pi->author, "</bdi>");
        else
            hw_wrap(w, "#", pi->id, "");
        hw_s(w, "</a></span>");
    } else if (it->reply_to && it->reply_to[0]) {
        hw_wrap(w, " <span class=\"inreply\">\xe2\x86\xb3 in reply to <bdi>", it->reply_to,
                "</bdi></span>");
    } else if (it->parent) {
        hw_wrap(w, " <span class=\"inreply\">\xe2\x86\xb3 in reply to #", it->parent,
                " (not in this report)</span>");
    }
}

/* The scores in the head, each marked past the policy's thresholds. */
static void comment_scores(hw *w, const ms_html *h, const h_item *it)
{
    hw_s(w, "<span class=\"scores\">");
    write_score(w, h, it->has_h, it->hostility, MS_CAT_HOSTILITY, NULL);
    write_score(w, h, it->has_o, it->off_topic, MS_CAT_OFF_TOPIC, it->off_missing);
    for (size_t k = 0; k < it->n_extra; k++) {
        /* the other categories: marked past the policy's thresholds (by
         * default they are only flagged) */
        const h_score *e = &it->extra[k];
        ms_thresholds th = {0.5, MS_THRESHOLD_NEVER, MS_THRESHOLD_NEVER};
        if (h->policy)
            ms_policy_thresholds(h->policy, e->category, &th);
        int ok = e->has && isfinite(e->v);
        hw_s(w, "<span data-category=\"");
        hw_escs(w, e->category);
        hw_s(w, "\"");
        if (ok && e->v >= th.reject)
            hw_s(w, " class=\"over-reject\"");
        else if (ok && e->v >= th.review)
            hw_s(w, " class=\"over-review\"");
        else if (ok && e->flagged)
            hw_s(w, " class=\"over-flag\"");
        hw_s(w, ">");
        for (const char *c = e->category; *c; c++)
            hw_esc(w, *c == '_' ? "-" : c, 1, 0);
        hw_s(w, " <b>");
        if (ok)
            hw_fixed(w, e->v, 2, 0, 0);
        else
            hw_s(w, "\xe2\x80\x94");
        hw_s(w, "</b></span>");
    }
    hw_s(w, "<span>sentiment <b>");
    if (isfinite(it->sentiment))
        hw_fixed(w, it->sentiment, 2, 1, 0);
    else
        hw_s(w, "\xe2\x80\x94");
    hw_s(w, "</b></span></span></div>\n");
}

/* The reasons under the text, then the notes. */
static void comment_reasons(hw *w, const h_item *it)
{
    if (it->n_reasons) {
        hw_s(w, "<ul class=\"reasons\">");
        for (size_t k = 0; k < it->n_reasons; k++) {
            const h_reason *r = &it->reasons[k];
            hw_s(w, "<li class=\"reason reason-");
            hw_s(w, cat_class(r->category));
            hw_s(w, "\">");
            if (r->term) {
                hw_s(w, "\xe2\x80\x9c");
                hw_escs(w, r->term);
                hw_s(w, "\xe2\x80\x9d ");
            } else if (r->detail) {
                hw_escs(w, r->detail);
                hw_s(w, " ");
            }
            hw_escs(w, r->category ? r->category : "reason");
            if (r->term) { /* a word's contribution; a detail has none */
                hw_s(w, " ");
                hw_fixed(w, r->weight, 3, 1, 0);
            }
            hw_s(w, "</li>");
        }
        hw_s(w, "</ul>\n");
    }
    const unsigned shown = MS_NOTE_INVALID_UTF8 | MS_NOTE_EMPTY | MS_NOTE_TRUNCATED |
                           MS_NOTE_LANGUAGE | MS_NOTE_LANGUAGE_PART;
    if (it->notes & shown) {
        char names[256];
        hw_s(w, "<p class=\"notes\">");
        if (it->notes & MS_NOTE_LANGUAGE) {
            rl_language_names(it->language, names, sizeof names);
            hw_s(w, "Not scored: ");
            hw_escs(w, names);
            hw_s(w, ", which no loaded model reads. ");
        }
        if (it->notes & MS_NOTE_LANGUAGE_PART) {
            rl_language_names(it->unread, names, sizeof names);
            hw_s(w, "Partly not scored: ");
            hw_escs(w, names);
            hw_s(w, "; scored on the rest. ");
        }
        if (it->notes & MS_NOTE_INVALID_UTF8)
            hw_s(w, "Invalid UTF-8 shown as \xef\xbf\xbd. ");
        if (it->notes & MS_NOTE_EMPTY)
            hw_s(w, "No text. ");
        if (it->notes & MS_NOTE_TRUNCATED)
            hw_s(w, "Only the first part was scored. ");
        hw_s(w, "</p>\n");
    }
}

static void write_comment(hw *w, const ms_html *h, const tree *t, const size_t *ranks, size_t i)
{
    const h_item *it = &h->items[i];
    comment_open(w, h, t, ranks, i);
    comment_head(w, h, t, i);
    comment_scores(w, h, it);
    hw_s(w, "<p class=\"text\" dir=\"auto\">");
    if (!write_text(w, it))
        w->nomem = 1;
    hw_s(w, "</p>\n");
    comment_reasons(w, it);
    hw_s(w, "</li>\n");
}

/* The thread section: the filters (an action's checkbox, a sort key's
 * radio button) as siblings before the list so the CSS can reach it, then
 * the list in thread order. actions[] counts the comments per action;
 * any_o says whether any comment has an off-topic score. */
void hw_write_thread(hw *w, const ms_html *h, const size_t actions[3], int any_o)
{
    size_t n = h->n_items;
    tree t;
    size_t *ranks = NULL;
    if (!tree_build(h, &t) || !(ranks = make_ranks(h))) {
        tree_free(&t);
        free(ranks);
        w->nomem = 1;
        return;
    }
    /* the inputs are siblings before .thread so the CSS can reach it */
    hw_s(w, "<section class=\"thread-section\" id=\"filters\" aria-label=\"Thread\">\n"
            "<h2>Thread</h2>\n<span class=\"group\">Show</span>\n");
    for (int a = 0; a < 3; a++) {
        hw_s(w, "<input type=\"checkbox\" class=\"filter\" id=\"show-");
        hw_s(w, ms_action_name((ms_action)a));
        hw_s(w, "\" checked><label for=\"show-");
        hw_s(w, ms_action_name((ms_action)a));
        hw_s(w, "\">");
        hw_badge(w, (ms_action)a);
        hw_s(w, " (");
        hw_int(w, (long long)actions[a]);
        hw_s(w, ")</label>\n");
    }
    hw_s(w, "<span class=\"group\">Sort by</span>\n<input type=\"radio\" name=\"sort\" "
            "id=\"sort-thread\" checked><label for=\"sort-thread\">thread</label>\n");
    for (int k = 0; k < N_KEYS; k++) {
        if (k == MS_CAT_OFF_TOPIC && !any_o)
            continue;
        hw_s(w, "<input type=\"radio\" name=\"sort\" class=\"sort-key\" id=\"sort-");
        hw_s(w, key_name(k));
        hw_s(w, "\"><label for=\"sort-");
        hw_s(w, key_name(k));
        hw_s(w, "\">");
        hw_s(w, key_name(k));
        /* highest first; sentiment lowest first */
        hw_s(w, k == KEY_SENTIMENT ? " \xe2\x86\x91</label>\n" : " \xe2\x86\x93</label>\n");
    }
    hw_s(w, "<p class=\"shown\" id=\"shown\" aria-live=\"polite\">");
    hw_int(w, (long long)n);
    hw_s(w, n == 1 ? " comment" : " comments");
    hw_s(w, "</p>\n<ol class=\"thread\" id=\"thread\">\n");
    for (size_t k = 0; k < t.n_order; k++) {
        size_t v = t.order[k];
        if (v < n) {
            write_comment(w, h, &t, ranks, v);
        } else {
            const h_item *first = &h->items[t.group_item[v - n]];
            hw_s(w, "<li class=\"ghost\" data-reply-to=\"");
            hw_escs(w, first->reply_to);
            hw_s(w, "\" style=\"--indent:0\">Replies to <bdi>");
            hw_escs(w, first->reply_to);
            hw_s(w, "</bdi> (not a comment in this report)</li>\n");
        }
    }
    hw_s(w, "</ol>\n</section>\n");
    tree_free(&t);
    free(ranks);
}

/* report_html.c - the moderator's view: one self-contained HTML page per
 * discussion. See report_html.h for what the page holds.
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
 * with JavaScript off; the inline script only counts what is shown.
 *
 * Numbers are written by hand (never printf's %f, which follows the host
 * program's locale). */
#include "report_html.h"

#include "report_decide.h"

#include "policy.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Indentation stops growing here; the depth is still in data-depth. */
#define HTML_MAX_INDENT 8
/* Histogram bins over [0, 1]. */
#define HTML_BINS 20
/* Bytes buffered before they are written to the stream. */
#define HTML_CHUNK 65536

typedef struct h_reason {
    char *category, *term, *detail;
    size_t start, end;
    int has_span;
    double weight;
} h_reason;

/* A score of a category beyond hostility and off_topic. */
typedef struct h_score {
    char *category;
    double v;
    int has, flagged;
} h_score;

typedef struct h_item {
    h_score *extra; /* the other categories' scores */
    size_t n_extra;
    char *id, *author, *parent, *reply_to, *text;
    size_t text_len;
    double hostility, off_topic, sentiment;
    int has_h, has_o;
    char *off_missing;
    unsigned flags, notes;
    ms_action action;
    h_reason *reasons;
    size_t n_reasons;
} h_item;

typedef struct h_error {
    long line;
    char *message;
} h_error;

struct ms_html {
    FILE *f;
    const ms_policy *policy;
    char *title, *article_id;
    char **tags;
    size_t n_tags;
    h_item *items;
    size_t n_items, cap_items;
    h_error *errors;
    size_t n_errors, cap_errors;
};

/* ------------------------------------------------------------------------
 * Output: a buffer with sticky failures, written out in chunks. */

typedef struct hw {
    ms_buf b;
    FILE *f;
    int nomem, io;
} hw;

static void hw_flush(hw *w)
{
    if (w->b.len && !w->io && fwrite(w->b.data, 1, w->b.len, w->f) != w->b.len)
        w->io = 1;
    w->b.len = 0;
}

static void hw_add(hw *w, const char *s, size_t n)
{
    if (w->nomem || !n)
        return;
    if (ms_buf_add(&w->b, s, n) != MS_OK)
        w->nomem = 1;
    else if (w->b.len >= HTML_CHUNK)
        hw_flush(w);
}

static void hw_s(hw *w, const char *s) { hw_add(w, s, strlen(s)); }

static void hw_int(hw *w, long long v)
{
    char tmp[32];
    int neg = v < 0;
    unsigned long long u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        tmp[--i] = '-';
    hw_add(w, tmp + i, sizeof tmp - i);
}

/* v rounded to `decimals` places without the locale; plus writes '+' before
 * positive values; trim drops trailing zeros. */
static void hw_fixed(hw *w, double v, int decimals, int plus, int trim)
{
    if (!isfinite(v)) {
        hw_s(w, "nan");
        return;
    }
    long long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    double a = fabs(v) * (double)scale;
    if (a > 1e15)
        a = 1e15;
    long long q = llround(a);
    if (q != 0 && v < 0)
        hw_s(w, "\xe2\x88\x92"); /* U+2212 minus sign */
    else if (q != 0 && plus)
        hw_s(w, "+");
    hw_int(w, q / scale);
    if (!decimals)
        return;
    char d[20];
    long long f = q % scale;
    for (int i = decimals - 1; i >= 0; i--, f /= 10)
        d[i] = (char)('0' + f % 10);
    int nd = decimals;
    while (trim && nd > 1 && d[nd - 1] == '0')
        nd--;
    hw_add(w, ".", 1);
    hw_add(w, d, (size_t)nd);
}

/* A number for attributes and scripts: ASCII minus, 4 places, trimmed. */
static void hw_num(hw *w, double v)
{
    if (!isfinite(v)) {
        hw_s(w, "0");
        return;
    }
    if (v < 0 && llround(-v * 10000.0) != 0)
        hw_s(w, "-");
    hw_fixed(w, fabs(v), 4, 0, 1);
}

/* The escaper: every byte of input goes through here. */
static void esc(ms_buf *b, int *nomem, const char *s, size_t n, int br)
{
    static const char fffd[] = "\xef\xbf\xbd";
    if (!s || *nomem)
        return;
    size_t run = 0; /* start of the bytes copied as they are */
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        const char *out = NULL;
        size_t k = 1;
        if (ch >= 0x80) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t got =
                utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (got <= 0)
                out = fffd; /* one bad byte, one replacement */
            else if (cp <= 0x9F)
                out = fffd, k = (size_t)got; /* C1 control */
            else
                k = (size_t)got;
        } else if (ch == '&') {
            out = "&amp;";
        } else if (ch == '<') {
            out = "&lt;";
        } else if (ch == '>') {
            out = "&gt;";
        } else if (ch == '"') {
            out = "&quot;";
        } else if (ch == '\'') {
            out = "&#39;";
        } else if (ch == '\r' || ch == '\n') {
            if (ch == '\r' && i + 1 < n && s[i + 1] == '\n')
                k = 2;
            out = br ? "<br>\n" : " ";
        } else if (ch == '\t') {
            out = br ? "\t" : " ";
        } else if (ch < 0x20 || ch == 0x7F) {
            out = fffd;
        }
        if (out) {
            if (i > run && ms_buf_add(b, s + run, i - run) != MS_OK)
                *nomem = 1;
            if (ms_buf_adds(b, out) != MS_OK)
                *nomem = 1;
            if (*nomem)
                return;
            run = i + k;
        }
        i += k;
    }
    if (n > run && ms_buf_add(b, s + run, n - run) != MS_OK)
        *nomem = 1;
}

ms_status ms_html_escape(ms_buf *b, const char *s, size_t n, int br)
{
    if (!b || (!s && n))
        return MS_ERR_ARG;
    int nomem = 0;
    esc(b, &nomem, s, n, br);
    return nomem ? MS_ERR_NOMEM : MS_OK;
}

static void hw_esc(hw *w, const char *s, size_t n, int br)
{
    esc(&w->b, &w->nomem, s, n, br);
    if (!w->nomem && w->b.len >= HTML_CHUNK)
        hw_flush(w);
}

static void hw_escs(hw *w, const char *s)
{
    if (s)
        hw_esc(w, s, strlen(s), 0);
}

/* ------------------------------------------------------------------------
 * Holding records. */

static void item_clear(h_item *it)
{
    for (size_t i = 0; i < it->n_extra; i++)
        free(it->extra[i].category);
    free(it->extra);
    free(it->id);
    free(it->author);
    free(it->parent);
    free(it->reply_to);
    free(it->text);
    free(it->off_missing);
    for (size_t i = 0; i < it->n_reasons; i++) {
        free(it->reasons[i].category);
        free(it->reasons[i].term);
        free(it->reasons[i].detail);
    }
    free(it->reasons);
    memset(it, 0, sizeof *it);
}

static void clear_held(ms_html *h)
{
    for (size_t i = 0; i < h->n_items; i++)
        item_clear(&h->items[i]);
    free(h->items);
    h->items = NULL;
    h->n_items = h->cap_items = 0;
    for (size_t i = 0; i < h->n_errors; i++)
        free(h->errors[i].message);
    free(h->errors);
    h->errors = NULL;
    h->n_errors = h->cap_errors = 0;
    free(h->title);
    free(h->article_id);
    h->title = h->article_id = NULL;
    for (size_t i = 0; i < h->n_tags; i++)
        free(h->tags[i]);
    free(h->tags);
    h->tags = NULL;
    h->n_tags = 0;
}

ms_status ms_html_new(FILE *stream, const ms_policy *policy, ms_html **out)
{
    if (!out)
        return MS_ERR_ARG;
    *out = NULL;
    if (!stream)
        return MS_ERR_ARG;
    ms_html *h = calloc(1, sizeof *h);
    if (!h)
        return MS_ERR_NOMEM;
    h->f = stream;
    h->policy = policy;
    *out = h;
    return MS_OK;
}

void ms_html_free(ms_html *h)
{
    if (!h)
        return;
    clear_held(h);
    free(h);
}

/* Copies an article's title, id and tags (when none is held yet). */
static ms_status take_article(ms_html *h, const ms_article *a)
{
    if (!a || h->title || h->article_id)
        return MS_OK;
    if ((a->title && !(h->title = ms_strdup0(a->title))) ||
        (a->id && !(h->article_id = ms_strdup0(a->id))))
        return MS_ERR_NOMEM;
    if (a->n_tags && a->tags) {
        h->tags = calloc(a->n_tags, sizeof *h->tags);
        if (!h->tags)
            return MS_ERR_NOMEM;
        for (size_t i = 0; i < a->n_tags; i++, h->n_tags++)
            if (a->tags[i] && !(h->tags[i] = ms_strdup0(a->tags[i])))
                return MS_ERR_NOMEM;
    }
    return MS_OK;
}

ms_status ms_html_begin(ms_html *h, const ms_article *article)
{
    if (!h)
        return MS_ERR_ARG;
    clear_held(h);
    return take_article(h, article);
}

static int copy_str(char **dst, const char *src)
{
    if (!src)
        return 1;
    *dst = ms_strdup0(src);
    return *dst != NULL;
}

ms_status ms_html_comment(ms_html *h, const ms_comment *c, const ms_result *res)
{
    if (!h || !res)
        return MS_ERR_ARG;
    if (c && c->article && take_article(h, c->article) != MS_OK)
        return MS_ERR_NOMEM;
    if (h->n_items == h->cap_items) {
        size_t cap = h->cap_items ? h->cap_items * 2 : 16;
        h_item *items = realloc(h->items, cap * sizeof *items);
        if (!items)
            return MS_ERR_NOMEM;
        h->items = items;
        h->cap_items = cap;
    }
    h_item *it = &h->items[h->n_items];
    memset(it, 0, sizeof *it);
    int ok = 1;
    if (c) {
        ok = copy_str(&it->id, c->id) && copy_str(&it->author, c->author) &&
             copy_str(&it->parent, c->parent) && copy_str(&it->reply_to, c->reply_to);
        if (ok && c->text) {
            it->text = ms_strndup(c->text, c->text_len);
            it->text_len = c->text_len;
            ok = it->text != NULL;
        }
    }
    it->hostility = res->hostility;
    it->has_h = res->has_hostility;
    it->off_topic = res->off_topic;
    it->has_o = res->has_off_topic;
    it->sentiment = res->sentiment;
    it->flags = res->flags;
    it->notes = res->notes;
    it->action = (unsigned)res->action <= MS_ACTION_REJECT ? res->action : MS_ACTION_REVIEW;
    ok = ok && copy_str(&it->off_missing, res->off_topic_missing);
    if (ok && res->n_scores) {
        it->extra = calloc(res->n_scores, sizeof *it->extra);
        ok = it->extra != NULL;
        for (size_t i = 0; ok && i < res->n_scores; i++) {
            const ms_category_score *cs = &res->scores[i];
            if (!cs->category || strcmp(cs->category, "hostility") == 0 ||
                strcmp(cs->category, "off_topic") == 0)
                continue;
            h_score *d = &it->extra[it->n_extra++];
            d->v = cs->score;
            d->has = cs->has_score;
            d->flagged = cs->flagged;
            ok = copy_str(&d->category, cs->category);
        }
    }
    if (ok && res->n_reasons && res->reasons) {
        it->reasons = calloc(res->n_reasons, sizeof *it->reasons);
        ok = it->reasons != NULL;
        for (size_t i = 0; ok && i < res->n_reasons; i++) {
            const ms_reason *s = &res->reasons[i];
            h_reason *d = &it->reasons[i];
            it->n_reasons++;
            d->start = s->start;
            d->end = s->end;
            d->has_span = s->has_span;
            d->weight = s->weight;
            ok = copy_str(&d->category, s->category) && copy_str(&d->term, s->term) &&
                 copy_str(&d->detail, s->detail);
        }
    }
    if (!ok) {
        item_clear(it);
        return MS_ERR_NOMEM;
    }
    h->n_items++;
    return MS_OK;
}

ms_status ms_html_error(ms_html *h, long line, const char *message)
{
    if (!h)
        return MS_ERR_ARG;
    if (h->n_errors == h->cap_errors) {
        size_t cap = h->cap_errors ? h->cap_errors * 2 : 8;
        h_error *e = realloc(h->errors, cap * sizeof *e);
        if (!e)
            return MS_ERR_NOMEM;
        h->errors = e;
        h->cap_errors = cap;
    }
    char *m = ms_strdup0(message ? message : "");
    if (!m)
        return MS_ERR_NOMEM;
    h->errors[h->n_errors].line = line;
    h->errors[h->n_errors].message = m;
    h->n_errors++;
    return MS_OK;
}

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
 * heading for the name. Then a depth-first walk from the roots; comments a
 * cycle of parent ids kept from every root become roots themselves. */
static int tree_build(const ms_html *h, tree *t)
{
    size_t n = h->n_items;
    memset(t, 0, sizeof *t);
    t->n = n;
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
    if (!ok)
        return 0;

    size_t nodes = n + t->n_groups;
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

/* ------------------------------------------------------------------------
 * Sort ranks: per key, each comment's place when sorted by that score
 * (highest first; sentiment lowest first), missing scores last, ties in
 * input order. */

enum { KEY_HOSTILITY, KEY_OFF_TOPIC, KEY_SENTIMENT, N_KEYS };
static const char *const key_names[N_KEYS] = {"hostility", "off-topic", "sentiment"};

static double key_value(const h_item *it, int key, int *has)
{
    switch (key) {
    case KEY_HOSTILITY:
        *has = it->has_h && isfinite(it->hostility);
        return it->hostility;
    case KEY_OFF_TOPIC:
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
    if (category && strcmp(category, "hostility") == 0)
        return "hostility";
    if (category && strcmp(category, "off_topic") == 0)
        return "off-topic";
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

/* ------------------------------------------------------------------------
 * The page. */

static double threshold(const ms_html *h, ms_category c, int reject)
{
    static const double def_review[MS_CAT_COUNT] = {0.5, 0.7};
    static const double def_reject[MS_CAT_COUNT] = {0.85, 0.95};
    double v = -1.0;
    if (h->policy)
        v = reject ? ms_policy_reject(h->policy, c) : ms_policy_review(h->policy, c);
    if (!(v >= 0.0) || !isfinite(v))
        v = reject ? def_reject[c] : def_review[c];
    return v;
}

static const char *const page_css[] = {
    ":root{--ink:#1d2330;--muted:#5b6577;--line:#d9dee7;--bg:#f6f7f9;--card:#fff;",
    "--publish:#1e7a46;--publish-bg:#e3f4ea;--review:#8a5a00;--review-bg:#fff1cc;",
    "--reject:#b3261e;--reject-bg:#fde4e1;--accent:#2f5fb3}\n",
    "*{box-sizing:border-box}\n",
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",",
    "\"DejaVu Sans\",sans-serif;color:var(--ink);background:var(--bg)}\n",
    "main{max-width:1040px;margin:0 auto;padding:24px 28px 48px}\n",
    "header.report{border-bottom:1px solid var(--line);padding-bottom:12px;margin-bottom:18px}\n",
    ".kicker{margin:0;color:var(--muted);font-size:13px;text-transform:uppercase;",
    "letter-spacing:.06em}\n",
    "h1{margin:4px 0 6px;font-size:26px;line-height:1.25}\n",
    "h2{font-size:18px;margin:0 0 10px}\n",
    ".meta{margin:0;color:var(--muted);font-size:13px}\n",
    ".tag{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 8px;",
    "margin:2px 4px 0 0;background:var(--card)}\n",
    "section.summary{display:grid;grid-template-columns:minmax(220px,1fr) 2fr;gap:18px;align-items:start;",
    "margin-bottom:22px}\n",
    ".panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px}\n",
    ".counts{list-style:none;margin:0 0 10px;padding:0;display:flex;flex-direction:column;gap:6px}\n",
    ".counts li{display:flex;align-items:center;gap:10px}\n",
    ".counts .n{font-size:22px;font-weight:650;min-width:2.5ch;text-align:right}\n",
    ".stats{margin:8px 0 0;color:var(--muted);font-size:13px}\n",
    ".charts{display:flex;flex-wrap:wrap;gap:14px}\n",
    ".charts figure{margin:0;flex:1 1 300px}\n",
    ".charts figcaption{font-size:13px;color:var(--muted)}\n",
    ".charts svg{width:100%;height:auto;display:block}\n",
    ".charts .none{font-size:13px;color:var(--muted);border:1px dashed var(--line);",
    "border-radius:6px;padding:28px 12px;text-align:center;margin:0}\n",
    ".badge{display:inline-block;font-size:12px;font-weight:650;text-transform:uppercase;",
    "letter-spacing:.05em;border-radius:4px;padding:1px 8px;border:1px solid currentColor}\n",
    ".badge-publish{color:var(--publish);background:var(--publish-bg)}\n",
    ".badge-review{color:var(--review);background:var(--review-bg)}\n",
    ".badge-reject{color:var(--reject);background:var(--reject-bg)}\n",
    ".thread-section{display:flex;flex-wrap:wrap;align-items:center;gap:6px 4px;font-size:14px}\n",
    ".thread-section>h2,.thread-section>.shown,.thread-section>.thread{flex-basis:100%}\n",
    ".thread-section>.group{color:var(--muted);margin:0 2px 0 14px}\n",
    ".thread-section>h2+.group{margin-left:0}\n",
    ".thread-section>input{margin:0 2px 0 8px}\n",
    ".thread-section>label{cursor:pointer}\n",
    ".shown{color:var(--muted);font-size:13px;margin:2px 0 4px}\n",
    ".thread{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:10px}\n",
    ".thread>li{margin-left:calc(var(--indent,0) * 28px)}\n",
    ".comment{background:var(--card);border:1px solid var(--line);border-left:4px solid ",
    "var(--publish);border-radius:6px;padding:10px 14px}\n",
    ".comment[data-action=review]{border-left-color:#d99a00}\n",
    ".comment[data-action=reject]{border-left-color:var(--reject)}\n",
    ".comment[data-depth]:not([data-depth=\"0\"]){position:relative}\n",
    ".comment:not([data-depth=\"0\"])::before{content:\"\";position:absolute;left:-16px;top:-10px;",
    "width:12px;height:26px;border-left:2px solid var(--line);border-bottom:2px solid var(--line);",
    "border-bottom-left-radius:6px}\n",
    ".head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px}\n",
    ".author{font-weight:650}\n",
    ".anon{color:var(--muted);font-style:italic;font-weight:400}\n",
    ".cid,.inreply{color:var(--muted);font-size:13px}\n",
    ".inreply a{color:var(--accent)}\n",
    ".scores{margin-left:auto;display:flex;gap:12px;font-size:13px;color:var(--muted);",
    "font-variant-numeric:tabular-nums}\n",
    ".scores b{color:var(--ink);font-weight:600}\n",
    ".scores .over-review b{color:var(--review)}\n",
    ".scores .over-reject b{color:var(--reject)}\n",
    ".text{margin:6px 0 0;overflow-wrap:anywhere;white-space:normal}\n",
    "mark.hl{border-radius:3px;padding:0 1px;cursor:help;color:inherit}\n",
    "mark.hl-hostility{background:#ffd1cc;box-shadow:inset 0 -2px 0 var(--reject)}\n",
    "mark.hl-off-topic{background:#dbe6ff;box-shadow:inset 0 -2px 0 var(--accent)}\n",
    "mark.hl-deny{background:#ffe7a8;box-shadow:inset 0 -2px 0 var(--review)}\n",
    "mark.hl-attribute{background:#ecdcff;box-shadow:inset 0 -2px 0 #8a5cd0}\n",
    "mark.hl-other{background:#eee}\n",
    ".scores .over-flag b{color:#8a5cd0}\n",
    ".reasons{margin:6px 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:4px 8px;",
    "font-size:12.5px;color:var(--muted)}\n",
    ".reasons li{border:1px solid var(--line);border-radius:4px;padding:0 6px}\n",
    ".notes{margin:4px 0 0;font-size:12.5px;color:var(--muted)}\n",
    ".ghost{color:var(--muted);font-size:13px;padding:2px 0 0 2px}\n",
    ".ghost bdi{font-weight:650}\n",
    ".errors{margin-top:22px}\n",
    "footer{margin-top:28px;color:var(--muted);font-size:12.5px}\n",
    /* the filters: checkboxes and radio buttons before the list */
    "#show-publish:not(:checked)~.thread .comment[data-action=publish],",
    "#show-review:not(:checked)~.thread .comment[data-action=review],",
    "#show-reject:not(:checked)~.thread .comment[data-action=reject]{display:none}\n",
    "#show-publish:not(:checked)~.thread .ghost,#show-review:not(:checked)~.thread .ghost,",
    "#show-reject:not(:checked)~.thread .ghost,.sort-key:checked~.thread .ghost{display:none}\n",
    ".sort-key:checked~.thread>li{margin-left:0}\n",
    ".sort-key:checked~.thread .comment::before{display:none}\n",
    "#sort-hostility:checked~.thread>li{order:var(--rank-hostility)}\n",
    "#sort-off-topic:checked~.thread>li{order:var(--rank-off-topic)}\n",
    "#sort-sentiment:checked~.thread>li{order:var(--rank-sentiment)}\n",
    "@media (max-width:720px){section.summary{grid-template-columns:1fr}",
    ".thread>li{margin-left:calc(min(var(--indent,0),4) * 14px)}}\n",
    "@media print{body{background:#fff;font-size:11pt}main{max-width:none;padding:0}",
    ".thread-section>input,.thread-section>label,.thread-section>.group,.shown{display:none}.panel,.comment{break-inside:avoid}",
    ".comment{border-color:#999}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}",
    ".inreply a{color:inherit;text-decoration:none}}\n",
};

/* Counts the comments shown after each change of a filter. */
static const char page_js[] =
    "(function(){var t=document.getElementById('thread'),o=document.getElementById('shown');"
    "if(!t||!o)return;function u(){var c=t.querySelectorAll('.comment'),n=0;"
    "for(var i=0;i<c.length;i++)if(getComputedStyle(c[i]).display!=='none')n++;"
    "o.textContent='Showing '+n+' of '+c.length+(c.length===1?' comment':' comments');}"
    "document.addEventListener('change',u);u();})();\n";

static const char *const action_names[3] = {"publish", "review", "reject"};

/* One histogram of a score with the review and reject thresholds. */
static void write_chart(hw *w, const ms_html *h, ms_category cat, const char *label)
{
    enum { W = 360, H = 150, L = 34, R = 12, T = 22, B = 28 };
    const int pw = W - L - R, ph = H - T - B;
    size_t bins[HTML_BINS] = {0}, total = 0, max = 0;
    for (size_t i = 0; i < h->n_items; i++) {
        const h_item *it = &h->items[i];
        int has = cat == MS_CAT_HOSTILITY ? it->has_h : it->has_o;
        double v = cat == MS_CAT_HOSTILITY ? it->hostility : it->off_topic;
        if (!has || !isfinite(v))
            continue;
        v = v < 0 ? 0 : v > 1 ? 1 : v;
        int b = (int)(v * HTML_BINS);
        if (b >= HTML_BINS)
            b = HTML_BINS - 1;
        bins[b]++;
        total++;
    }
    for (int b = 0; b < HTML_BINS; b++)
        if (bins[b] > max)
            max = bins[b];
    double rv = threshold(h, cat, 0), rj = threshold(h, cat, 1);
    const char *cls = cat == MS_CAT_HOSTILITY ? "hostility" : "off-topic";

    hw_s(w, "<figure class=\"chart\" data-score=\"");
    hw_s(w, cls);
    hw_s(w, "\">");
    if (!total) {
        hw_s(w, "<p class=\"none\">No ");
        hw_s(w, label);
        hw_s(w, " scores");
        const char *why = NULL;
        for (size_t i = 0; i < h->n_items && !why; i++)
            if (cat == MS_CAT_OFF_TOPIC && !h->items[i].has_o)
                why = h->items[i].off_missing;
        if (why && why[0]) {
            hw_s(w, ": ");
            hw_escs(w, why);
        }
        hw_s(w, "</p><figcaption>");
        hw_s(w, label);
        hw_s(w, "</figcaption></figure>\n");
        return;
    }
    hw_s(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    hw_int(w, W);
    hw_s(w, " ");
    hw_int(w, H);
    hw_s(w, "\" role=\"img\" aria-labelledby=\"chart-");
    hw_s(w, cls);
    hw_s(w, "\"><title id=\"chart-");
    hw_s(w, cls);
    hw_s(w, "\">Distribution of ");
    hw_s(w, label);
    hw_s(w, " scores; review at ");
    hw_fixed(w, rv, 2, 0, 0);
    hw_s(w, ", reject at ");
    hw_fixed(w, rj, 2, 0, 0);
    hw_s(w, "</title>\n");
    /* zones behind the bars */
    long xr = L + lround(rv * pw), xj = L + lround(rj * pw);
    hw_s(w, "<rect x=\"");
    hw_int(w, xr);
    hw_s(w, "\" y=\"");
    hw_int(w, T);
    hw_s(w, "\" width=\"");
    hw_int(w, xj - xr > 0 ? xj - xr : 0);
    hw_s(w, "\" height=\"");
    hw_int(w, ph);
    hw_s(w, "\" fill=\"#fff6dc\"/><rect x=\"");
    hw_int(w, xj);
    hw_s(w, "\" y=\"");
    hw_int(w, T);
    hw_s(w, "\" width=\"");
    hw_int(w, L + pw - xj > 0 ? L + pw - xj : 0);
    hw_s(w, "\" height=\"");
    hw_int(w, ph);
    hw_s(w, "\" fill=\"#fdeae7\"/>\n");
    /* bars */
    for (int b = 0; b < HTML_BINS; b++) {
        if (!bins[b])
            continue;
        long x0 = L + lround((double)b * pw / HTML_BINS);
        long x1 = L + lround((double)(b + 1) * pw / HTML_BINS);
        long bh = lround((double)bins[b] * ph / (double)max);
        if (bh < 2)
            bh = 2;
        double lo = (double)b / HTML_BINS;
        const char *fill = lo >= rj ? "#b3261e" : lo >= rv ? "#d99a00" : "#5877b8";
        hw_s(w, "<rect class=\"bar\" x=\"");
        hw_int(w, x0 + 1);
        hw_s(w, "\" y=\"");
        hw_int(w, T + ph - bh);
        hw_s(w, "\" width=\"");
        hw_int(w, x1 - x0 - 2 > 1 ? x1 - x0 - 2 : 1);
        hw_s(w, "\" height=\"");
        hw_int(w, bh);
        hw_s(w, "\" fill=\"");
        hw_s(w, fill);
        hw_s(w, "\"><title>");
        hw_fixed(w, lo, 2, 0, 0);
        hw_s(w, "\xe2\x80\x93");
        hw_fixed(w, (double)(b + 1) / HTML_BINS, 2, 0, 0);
        hw_s(w, ": ");
        hw_int(w, (long long)bins[b]);
        hw_s(w, bins[b] == 1 ? " comment" : " comments");
        hw_s(w, "</title></rect>\n");
    }
    /* axes and ticks */
    hw_s(w, "<g font-size=\"10\" fill=\"#5b6577\" font-family=\"sans-serif\">");
    hw_s(w, "<line x1=\"");
    hw_int(w, L);
    hw_s(w, "\" y1=\"");
    hw_int(w, T + ph);
    hw_s(w, "\" x2=\"");
    hw_int(w, L + pw);
    hw_s(w, "\" y2=\"");
    hw_int(w, T + ph);
    hw_s(w, "\" stroke=\"#8a93a3\"/>");
    for (int k = 0; k <= 4; k++) {
        long x = L + lround(k * pw / 4.0);
        hw_s(w, "<text x=\"");
        hw_int(w, x);
        hw_s(w, "\" y=\"");
        hw_int(w, H - 12);
        hw_s(w, "\" text-anchor=\"middle\">");
        hw_fixed(w, k / 4.0, k % 2 ? 2 : 1, 0, 0);
        hw_s(w, "</text>");
    }
    hw_s(w, "<text x=\"");
    hw_int(w, L - 6);
    hw_s(w, "\" y=\"");
    hw_int(w, T + 8);
    hw_s(w, "\" text-anchor=\"end\">");
    hw_int(w, (long long)max);
    hw_s(w, "</text><text x=\"");
    hw_int(w, L - 6);
    hw_s(w, "\" y=\"");
    hw_int(w, T + ph);
    hw_s(w, "\" text-anchor=\"end\">0</text></g>\n");
    /* thresholds, labelled above the plot */
    for (int j = 0; j < 2; j++) {
        long x = j ? xj : xr;
        hw_s(w, "<g class=\"threshold\" data-threshold=\"");
        hw_s(w, j ? "reject" : "review");
        hw_s(w, "\" data-value=\"");
        hw_num(w, j ? rj : rv);
        hw_s(w, "\"><line x1=\"");
        hw_int(w, x);
        hw_s(w, "\" y1=\"");
        hw_int(w, T - 4);
        hw_s(w, "\" x2=\"");
        hw_int(w, x);
        hw_s(w, "\" y2=\"");
        hw_int(w, T + ph);
        hw_s(w, j ? "\" stroke=\"#b3261e\" stroke-width=\"2\"/>"
                  : "\" stroke=\"#d99a00\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>");
        /* the review label ends at its line; the reject label starts at
         * its line unless it would run off the chart's right edge */
        int after = j && x + 60 <= W;
        hw_s(w, "<text x=\"");
        hw_int(w, x + (after ? 3 : -3));
        hw_s(w, "\" y=\"");
        hw_int(w, T - 8);
        hw_s(w, after ? "\" text-anchor=\"start\"" : "\" text-anchor=\"end\"");
        hw_s(w, " font-size=\"10\" font-family=\"sans-serif\" fill=\"");
        hw_s(w, j ? "#b3261e\">reject " : "#8a5a00\">review ");
        hw_fixed(w, j ? rj : rv, 2, 0, 0);
        hw_s(w, "</text></g>\n");
    }
    hw_s(w, "</svg><figcaption>");
    hw_s(w, label);
    hw_s(w, ": ");
    hw_int(w, (long long)total);
    hw_s(w, total == 1 ? " comment scored" : " comments scored");
    hw_s(w, "</figcaption></figure>\n");
}

/* "hostility 0.91" in the comment head, coloured past a threshold. */
static void write_score(hw *w, const ms_html *h, const char *label, int has, double v,
                        ms_category cat, const char *missing)
{
    hw_s(w, "<span");
    if (has && isfinite(v) && v >= threshold(h, cat, 1))
        hw_s(w, " class=\"over-reject\"");
    else if (has && isfinite(v) && v >= threshold(h, cat, 0))
        hw_s(w, " class=\"over-review\"");
    if (!has && missing && missing[0]) {
        hw_s(w, " title=\"");
        hw_escs(w, missing);
        hw_s(w, "\"");
    }
    hw_s(w, ">");
    hw_s(w, label);
    hw_s(w, " <b>");
    if (has)
        hw_fixed(w, v, 2, 0, 0);
    else
        hw_s(w, "\xe2\x80\x94");
    hw_s(w, "</b></span>");
}

static void write_comment(hw *w, const ms_html *h, const tree *t, const size_t *ranks, size_t i)
{
    const h_item *it = &h->items[i];
    size_t n = h->n_items, depth = t->depth[i];
    const char *act = action_names[it->action];
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
    hw_s(w, " data-sentiment=\"");
    hw_num(w, it->sentiment);
    hw_s(w, "\" data-depth=\"");
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
        hw_s(w, key_names[k]);
        hw_s(w, ":");
        hw_int(w, (long long)ranks[(size_t)k * n + i]);
    }
    hw_s(w, "\">\n<div class=\"head\"><span class=\"badge badge-");
    hw_s(w, act);
    hw_s(w, "\">");
    hw_s(w, act);
    hw_s(w, "</span> ");
    if (it->author && it->author[0]) {
        hw_s(w, "<bdi class=\"author\">");
        hw_escs(w, it->author);
        hw_s(w, "</bdi>");
    } else {
        hw_s(w, "<span class=\"author anon\">anonymous</span>");
    }
    hw_s(w, " <span class=\"cid\">#");
    hw_escs(w, it->id);
    hw_s(w, "</span>");
    if (p != NONE && p < n && depth > 0) {
        const h_item *pi = &h->items[p];
        hw_s(w, " <span class=\"inreply\">\xe2\x86\xb3 in reply to <a href=\"#comment-");
        hw_int(w, (long long)p + 1);
        hw_s(w, "\">");
        if (pi->author && pi->author[0]) {
            hw_s(w, "<bdi>");
            hw_escs(w, pi->author);
            hw_s(w, "</bdi>");
        } else {
            hw_s(w, "#");
            hw_escs(w, pi->id);
        }
        hw_s(w, "</a></span>");
    } else if (it->reply_to && it->reply_to[0]) {
        hw_s(w, " <span class=\"inreply\">\xe2\x86\xb3 in reply to <bdi>");
        hw_escs(w, it->reply_to);
        hw_s(w, "</bdi></span>");
    } else if (it->parent) {
        hw_s(w, " <span class=\"inreply\">\xe2\x86\xb3 in reply to #");
        hw_escs(w, it->parent);
        hw_s(w, " (not in this report)</span>");
    }
    hw_s(w, "<span class=\"scores\">");
    write_score(w, h, "hostility", it->has_h, it->hostility, MS_CAT_HOSTILITY, NULL);
    write_score(w, h, "off-topic", it->has_o, it->off_topic, MS_CAT_OFF_TOPIC, it->off_missing);
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
    hw_fixed(w, it->sentiment, 2, 1, 0);
    hw_s(w, "</b></span></span></div>\n<p class=\"text\" dir=\"auto\">");
    if (!write_text(w, it))
        w->nomem = 1;
    hw_s(w, "</p>\n");
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
            hw_s(w, " ");
            hw_fixed(w, r->weight, 3, 1, 0);
            hw_s(w, "</li>");
        }
        hw_s(w, "</ul>\n");
    }
    if (it->notes & (MS_NOTE_INVALID_UTF8 | MS_NOTE_EMPTY | MS_NOTE_TRUNCATED)) {
        hw_s(w, "<p class=\"notes\">");
        if (it->notes & MS_NOTE_INVALID_UTF8)
            hw_s(w, "Invalid UTF-8 shown as \xef\xbf\xbd. ");
        if (it->notes & MS_NOTE_EMPTY)
            hw_s(w, "No text. ");
        if (it->notes & MS_NOTE_TRUNCATED)
            hw_s(w, "Only the first part was scored. ");
        hw_s(w, "</p>\n");
    }
    hw_s(w, "</li>\n");
}

static void write_page(hw *w, const ms_html *h)
{
    size_t n = h->n_items, actions[3] = {0}, n_h = 0, n_o = 0;
    double sum_h = 0, sum_o = 0, sum_s = 0;
    int any_o = 0;
    for (size_t i = 0; i < n; i++) {
        const h_item *it = &h->items[i];
        actions[it->action]++;
        if (it->has_h && isfinite(it->hostility))
            sum_h += it->hostility, n_h++;
        if (it->has_o && isfinite(it->off_topic))
            sum_o += it->off_topic, n_o++, any_o = 1;
        if (isfinite(it->sentiment))
            sum_s += it->sentiment;
    }
    const char *title = h->title && h->title[0] ? h->title : NULL;

    hw_s(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"generator\" content=\"modscore " MS_VERSION "\">\n<title>");
    if (title) {
        hw_escs(w, title);
        hw_s(w, " \xe2\x80\x94 ");
    }
    hw_s(w, "moderation report</title>\n<style>\n");
    for (size_t k = 0; k < sizeof page_css / sizeof page_css[0]; k++)
        hw_s(w, page_css[k]);
    hw_s(w, "</style>\n</head>\n<body>\n<main>\n<header class=\"report\">\n"
            "<p class=\"kicker\">modscore moderation report \xc2\xb7 policy ");
    hw_escs(w, h->policy ? ms_policy_name(h->policy) : "default");
    hw_s(w, "</p>\n<h1 id=\"title\">");
    hw_escs(w, title ? title : "Comments");
    hw_s(w, "</h1>\n");
    if (h->article_id || h->n_tags) {
        hw_s(w, "<p class=\"meta\">");
        if (h->article_id) {
            hw_s(w, "Article ");
            hw_escs(w, h->article_id);
            hw_s(w, " ");
        }
        for (size_t i = 0; i < h->n_tags; i++) {
            if (!h->tags[i])
                continue;
            hw_s(w, "<span class=\"tag\">");
            hw_escs(w, h->tags[i]);
            hw_s(w, "</span>");
        }
        hw_s(w, "</p>\n");
    }
    hw_s(w, "</header>\n");

    /* summary */
    hw_s(w, "<section class=\"summary\" id=\"summary\" aria-label=\"Summary\">\n"
            "<div class=\"panel\"><h2>Summary</h2>\n<ul class=\"counts\">");
    for (int a = 0; a < 3; a++) {
        hw_s(w, "<li data-action=\"");
        hw_s(w, action_names[a]);
        hw_s(w, "\"><span class=\"n\" data-count=\"");
        hw_int(w, (long long)actions[a]);
        hw_s(w, "\">");
        hw_int(w, (long long)actions[a]);
        hw_s(w, "</span> <span class=\"badge badge-");
        hw_s(w, action_names[a]);
        hw_s(w, "\">");
        hw_s(w, action_names[a]);
        hw_s(w, "</span></li>");
    }
    hw_s(w, "</ul>\n<p class=\"stats\" id=\"total\" data-comments=\"");
    hw_int(w, (long long)n);
    hw_s(w, "\">");
    hw_int(w, (long long)n);
    hw_s(w, n == 1 ? " comment" : " comments");
    if (n_h) {
        hw_s(w, " \xc2\xb7 mean hostility ");
        hw_fixed(w, sum_h / (double)n_h, 2, 0, 0);
    }
    if (n_o) {
        hw_s(w, " \xc2\xb7 mean off-topic ");
        hw_fixed(w, sum_o / (double)n_o, 2, 0, 0);
    }
    if (n) {
        hw_s(w, " \xc2\xb7 mean sentiment ");
        hw_fixed(w, sum_s / (double)n, 2, 1, 0);
    }
    hw_s(w, "</p>\n</div>\n<div class=\"panel\"><h2>Score distribution</h2>\n"
            "<div class=\"charts\">\n");
    write_chart(w, h, MS_CAT_HOSTILITY, "hostility");
    write_chart(w, h, MS_CAT_OFF_TOPIC, "off-topic");
    hw_s(w, "</div>\n</div>\n</section>\n");

    /* the thread */
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
        hw_s(w, action_names[a]);
        hw_s(w, "\" checked><label for=\"show-");
        hw_s(w, action_names[a]);
        hw_s(w, "\"><span class=\"badge badge-");
        hw_s(w, action_names[a]);
        hw_s(w, "\">");
        hw_s(w, action_names[a]);
        hw_s(w, "</span> (");
        hw_int(w, (long long)actions[a]);
        hw_s(w, ")</label>\n");
    }
    hw_s(w, "<span class=\"group\">Sort by</span>\n<input type=\"radio\" name=\"sort\" "
            "id=\"sort-thread\" checked><label for=\"sort-thread\">thread</label>\n");
    static const char *const sort_labels[N_KEYS] = {"hostility \xe2\x86\x93",
                                                    "off-topic \xe2\x86\x93",
                                                    "sentiment \xe2\x86\x91"};
    for (int k = 0; k < N_KEYS; k++) {
        if (k == KEY_OFF_TOPIC && !any_o)
            continue;
        hw_s(w, "<input type=\"radio\" name=\"sort\" class=\"sort-key\" id=\"sort-");
        hw_s(w, key_names[k]);
        hw_s(w, "\"><label for=\"sort-");
        hw_s(w, key_names[k]);
        hw_s(w, "\">");
        hw_s(w, sort_labels[k]);
        hw_s(w, "</label>\n");
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

    if (h->n_errors) {
        hw_s(w, "<section class=\"errors panel\" id=\"errors\"><h2>Input lines not read</h2><ul>");
        for (size_t i = 0; i < h->n_errors; i++) {
            hw_s(w, "<li>line ");
            hw_int(w, h->errors[i].line);
            hw_s(w, ": ");
            hw_escs(w, h->errors[i].message);
            hw_s(w, "</li>");
        }
        hw_s(w, "</ul></section>\n");
    }
    hw_s(w, "<footer>Made by modscore " MS_VERSION ". Highlights mark the words behind a flag; "
            "hover one for its contribution to the score.</footer>\n</main>\n<script>\n");
    hw_s(w, page_js);
    hw_s(w, decide_js);
    hw_s(w, "</script>\n</body>\n</html>\n");
}

ms_status ms_html_end(ms_html *h)
{
    if (!h)
        return MS_ERR_ARG;
    hw w = {{0}, h->f, 0, 0};
    write_page(&w, h);
    if (!w.nomem)
        hw_flush(&w);
    ms_buf_free(&w.b);
    if (fflush(h->f) != 0 || ferror(h->f))
        w.io = 1;
    clear_held(h);
    return w.nomem ? MS_ERR_NOMEM : w.io ? MS_ERR_IO : MS_OK;
}

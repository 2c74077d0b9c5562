/* report_html.c - the moderator's view: one self-contained HTML page per
 * discussion. See report_html.h for what the page holds. Here: the records
 * held until the end of a discussion and the page around them (head, style,
 * summary, errors, script); the charts are in report_html_chart.c, the
 * thread in report_html_thread.c, the writer and escaper in
 * report_html_write.c. */
#include "report_html_priv.h"

#include "report_decide.h"

#include "category.h"
#include "policy.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    memcpy(it->language, res->language, sizeof it->language);
    it->language[sizeof it->language - 1] = '\0';
    memcpy(it->unread, res->unread, sizeof it->unread);
    it->unread[sizeof it->unread - 1] = '\0';
    it->action = (unsigned)res->action <= MS_ACTION_REJECT ? res->action : MS_ACTION_REVIEW;
    ok = ok && copy_str(&it->off_missing, res->off_topic_missing);
    if (ok && res->n_scores) {
        it->extra = calloc(res->n_scores, sizeof *it->extra);
        ok = it->extra != NULL;
        for (size_t i = 0; ok && i < res->n_scores; i++) {
            const ms_category_score *cs = &res->scores[i];
            if (!cs->category || ms_category_legacy(cs->category) >= 0)
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
 * The page. */

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


/* From the doctype to the end of the report's header: the policy, the
 * article's title, id and tags. */
static void page_head(hw *w, const ms_html *h)
{
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
}

/* The summary: counts per action, the means, the charts. */
static void page_summary(hw *w, const ms_html *h, const size_t actions[3])
{
    size_t n = h->n_items, n_h = 0, n_o = 0, n_s = 0;
    double sum_h = 0, sum_o = 0, sum_s = 0;
    for (size_t i = 0; i < n; i++) {
        const h_item *it = &h->items[i];
        if (it->has_h && isfinite(it->hostility))
            sum_h += it->hostility, n_h++;
        if (it->has_o && isfinite(it->off_topic))
            sum_o += it->off_topic, n_o++;
        if (isfinite(it->sentiment))
            sum_s += it->sentiment, n_s++;
    }
    hw_s(w, "<section class=\"summary\" id=\"summary\" aria-label=\"Summary\">\n"
            "<div class=\"panel\"><h2>Summary</h2>\n<ul class=\"counts\">");
    for (int a = 0; a < 3; a++) {
        hw_s(w, "<li data-action=\"");
        hw_s(w, ms_action_name((ms_action)a));
        hw_s(w, "\"><span class=\"n\" data-count=\"");
        hw_int(w, (long long)actions[a]);
        hw_s(w, "\">");
        hw_int(w, (long long)actions[a]);
        hw_s(w, "</span> ");
        hw_badge(w, (ms_action)a);
        hw_s(w, "</li>");
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
    if (n_s) {
        hw_s(w, " \xc2\xb7 mean sentiment ");
        hw_fixed(w, sum_s / (double)n_s, 2, 1, 0);
    }
    hw_s(w, "</p>\n</div>\n<div class=\"panel\"><h2>Score distribution</h2>\n"
            "<div class=\"charts\">\n");
    for (int c = 0; c < MS_CAT_COUNT; c++)
        hw_write_chart(w, h, (ms_category)c);
    hw_s(w, "</div>\n</div>\n</section>\n");
}

static void write_page(hw *w, const ms_html *h)
{
    size_t actions[3] = {0};
    int any_o = 0;
    for (size_t i = 0; i < h->n_items; i++) {
        actions[h->items[i].action]++;
        any_o |= h->items[i].has_o && isfinite(h->items[i].off_topic);
    }
    page_head(w, h);
    page_summary(w, h, actions);
    hw_write_thread(w, h, actions, any_o);

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
            "hover one for its contribution to the score.</footer>\n</main>\n");
    /* each comment's text as read, for "Export decisions": the page shows
     * it escaped (CR dropped, control characters as U+FFFD), which is not
     * what the moderator decided on */
    hw_s(w, "<script type=\"application/json\" id=\"texts\">[");
    for (size_t i = 0; i < h->n_items; i++) {
        if (i)
            hw_s(w, ",");
        hw_json_str(w, h->items[i].text, h->items[i].text_len);
    }
    hw_s(w, "]</script>\n<script>\n");
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

/* report_html_priv.h - what the HTML report's files share: the records it
 * holds (report_html.c), the buffered writer and escaper
 * (report_html_write.c), the score charts (report_html_chart.c) and the
 * thread tree with its comments (report_html_thread.c). Not installed. */
#ifndef MS_REPORT_HTML_PRIV_H
#define MS_REPORT_HTML_PRIV_H

#include "report_html.h"

#include <stdint.h>
#include <stdio.h>

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
    char language[8]; /* the result's, "" when not decisive */
    char unread[32];  /* with MS_NOTE_LANGUAGE_PART: the codes no model reads */
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
 * Output: a buffer with sticky failures, written out in chunks
 * (report_html_write.c). */

typedef struct hw {
    ms_buf b;
    FILE *f;
    int nomem, io;
} hw;

void hw_flush(hw *w);
void hw_add(hw *w, const char *s, size_t n);
void hw_s(hw *w, const char *s);
void hw_int(hw *w, long long v);
/* v with the given decimals, a sign when plus, trailing zeros cut when trim. */
void hw_fixed(hw *w, double v, int decimals, int plus, int trim);
/* A number for a data- attribute: up to four decimals. */
void hw_num(hw *w, double v);
/* s[0..n) escaped (ms_html_escape); br: line breaks as <br>. */
void hw_esc(hw *w, const char *s, size_t n, int br);
void hw_escs(hw *w, const char *s);
/* s[0..n) as a JSON string safe inside a <script> element (< > & and the
 * C1 controls escaped, invalid UTF-8 as U+FFFD). */
void hw_json_str(hw *w, const char *s, size_t n);

/* open, s escaped (nothing for NULL), then close. */
void hw_wrap(hw *w, const char *open, const char *s, const char *close);
/* An action's badge: <span class="badge badge-reject">reject</span>. */
void hw_badge(hw *w, ms_action a);

/* The policy's review (reject = 0) or reject threshold for c, else the
 * built-in default (report_html_chart.c). */
double hw_threshold(const ms_html *h, ms_category c, int reject);
/* One histogram of a legacy category's score with the review and reject
 * thresholds, under the category's label (ms_category_label). */
void hw_write_chart(hw *w, const ms_html *h, ms_category cat);

/* ------------------------------------------------------------------------
 * The thread (report_html_thread.c). */

/* The thread section: filters, sort keys and the comments in thread
 * order. actions[] counts the comments per action; any_o: some comment
 * has an off-topic score. */
void hw_write_thread(hw *w, const ms_html *h, const size_t actions[3], int any_o);

#endif

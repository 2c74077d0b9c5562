/* report.c - writes verdicts as JSON Lines, JSON, a text table or CSV
 * (HTML: report_html.c, dispatched from here). The reporter: counts and
 * means per discussion, the JSON document around the records and what is
 * held until the end. The record is built in report_record.c, the table in
 * report_text.c, CSV rows in report_csv.c, and all of them write through
 * report_write.c. */
#include "report_priv.h"

#include "category.h"
#include "policy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

/* ------------------------------------------------------------------------
 * The reporter. */

/* A buffer at most this big is kept for the next record (a record's
 * buffer grew through four reallocations, and was freed, every time). */
#define SPARE_MAX 65536

/* Writes the buffer and, when flush, flushes the stream. The buffer is
 * kept, emptied, as r->spare. */
static ms_status emit(ms_reporter *r, wbuf *w, int flush)
{
    ms_status st = MS_OK;
    if (w->nomem) {
        st = MS_ERR_NOMEM;
    } else if (w->b.len) {
        if (fwrite(w->b.data, 1, w->b.len, r->f) != w->b.len)
            r->io_failed = 1;
    }
    if (flush && fflush(r->f) != 0)
        r->io_failed = 1;
    if (ferror(r->f))
        r->io_failed = 1;
    ms_buf_free(&r->spare);
    if (w->b.cap <= SPARE_MAX) {
        r->spare = w->b;
        r->spare.len = 0;
        w->b = (ms_buf){0};
    }
    ms_buf_free(&w->b);
    w->nomem = 0;
    if (st == MS_OK && r->io_failed)
        st = MS_ERR_IO;
    return st;
}

/* The spare buffer (emptied), for a record that emit() writes. */
static void take_spare(ms_reporter *r, wbuf *w)
{
    w->b = r->spare;
    r->spare = (ms_buf){0};
}

static void clear_held(ms_reporter *r)
{
    for (size_t i = 0; i < r->n_rows; i++)
        for (int k = 0; k < MAX_COLS; k++)
            free(r->rows[i].cell[k]);
    free(r->rows);
    r->rows = NULL;
    r->n_rows = r->cap_rows = 0;
    for (size_t i = 0; i < r->n_errors; i++)
        free(r->errors[i].message);
    free(r->errors);
    r->errors = NULL;
    r->n_errors = r->cap_errors = 0;
    free(r->title);
    r->title = NULL;
}

ms_status ms_reporter_set_models(ms_reporter *r, const ms_models *models)
{
    if (!r || !models)
        return MS_ERR_ARG;
    r->n_extra = 0;
    size_t n = ms_models_category_count(models);
    for (size_t i = 0; i < n && r->n_extra < MS_MAX_CATEGORIES; i++) {
        const char *name = ms_models_category_info(models, i)->name;
        size_t k = 0; /* one column a category, whatever languages have it */
        while (k < r->n_extra && strcmp(r->extra[k], name) != 0)
            k++;
        if (ms_category_legacy(name) < 0 && k == r->n_extra)
            r->extra[r->n_extra++] = name;
    }
    return MS_OK;
}

ms_status ms_reporter_new(ms_output format, FILE *stream, const ms_policy *policy,
                          ms_reporter **out)
{
    if (!out)
        return MS_ERR_ARG;
    *out = NULL;
    if (!stream || (format != MS_OUTPUT_TEXT && format != MS_OUTPUT_JSON &&
                    format != MS_OUTPUT_JSONL && format != MS_OUTPUT_CSV &&
                    format != MS_OUTPUT_HTML))
        return MS_ERR_ARG;
    ms_reporter *r = calloc(1, sizeof *r);
    if (!r)
        return MS_ERR_NOMEM;
    if (format == MS_OUTPUT_HTML) {
        ms_status st = ms_html_new(stream, policy, &r->html);
        if (st != MS_OK) {
            free(r);
            return st;
        }
    }
    r->format = format;
    /* a pipe or a file gets stdio's buffer (a write a few records, not one
     * each); a person at a terminal sees each record as it is scored */
    int fd = fileno(stream);
    r->flush_each = fd >= 0 && isatty(fd);
    r->f = stream;
    r->policy = policy;
    *out = r;
    return MS_OK;
}

void ms_reporter_free(ms_reporter *r)
{
    if (!r)
        return;
    clear_held(r);
    ms_html_free(r->html);
    ms_buf_free(&r->spare);
    free(r);
}

ms_status ms_reporter_begin(ms_reporter *r, const ms_article *article)
{
    if (!r)
        return MS_ERR_ARG;
    ms_status st = MS_OK;
    if (r->open) /* a second discussion: finish the first */
        st = ms_reporter_end(r);
    clear_held(r);
    r->open = 1;
    r->n_in_doc = 0;
    r->n = r->n_h = r->n_o = r->n_s = 0;
    r->actions[0] = r->actions[1] = r->actions[2] = 0;
    r->sum_h = r->sum_s = r->sum_o = 0;
    r->n_extra_sum = 0;

    wbuf w = {{0}, 0};
    switch (r->format) {
    case MS_OUTPUT_JSON:
        w_adds(&w, "{\n");
        if (article) {
            int first = 1;
            w_adds(&w, "  \"article\": {");
            if (article->id) {
                w_key(&w, &first, "id");
                w_json_cstr(&w, article->id);
            }
            if (article->title) {
                w_key(&w, &first, "title");
                w_json_cstr(&w, article->title);
            }
            w_key(&w, &first, "tags");
            w_add(&w, "[", 1);
            for (size_t i = 0; i < article->n_tags; i++) {
                if (i)
                    w_add(&w, ",", 1);
                w_json_cstr(&w, article->tags[i]);
            }
            w_adds(&w, "]},\n");
        }
        w_adds(&w, "  \"comments\": [");
        break;
    case MS_OUTPUT_CSV:
        if (!r->csv_header) {
            csv_header_row(r, &w);
            r->csv_header = 1;
        }
        break;
    case MS_OUTPUT_TEXT:
        if (article && article->title) {
            w_adds(&w, "Article: ");
            w_clean(&w, article->title, strlen(article->title), ESC_TEXT);
            if (article->id) {
                w_adds(&w, " [");
                w_clean(&w, article->id, strlen(article->id), ESC_TEXT);
                w_adds(&w, "]");
            }
        } else if (article && article->id) {
            w_adds(&w, "Article ");
            w_clean(&w, article->id, strlen(article->id), ESC_TEXT);
        } else {
            w_adds(&w, "Comments");
        }
        if (w.nomem) {
            ms_buf_free(&w.b);
            return MS_ERR_NOMEM;
        }
        r->title = w.b.data; /* held: the table is written at the end */
        w.b.data = NULL;
        w.b.len = w.b.cap = 0;
        if (!r->title && !(r->title = ms_strdup0("")))
            return MS_ERR_NOMEM;
        return st;
    case MS_OUTPUT_HTML: {
        ms_status st2 = ms_html_begin(r->html, article);
        return st != MS_OK ? st : st2;
    }
    default:
        break;
    }
    ms_status st2 = emit(r, &w, r->format == MS_OUTPUT_CSV && r->flush_each);
    return st != MS_OK ? st : st2;
}

ms_status ms_reporter_comment(ms_reporter *r, const ms_comment *c, const ms_result *res)
{
    if (!r || !res)
        return MS_ERR_ARG;
    if (!r->open) {
        ms_status st = ms_reporter_begin(r, NULL);
        if (st != MS_OK)
            return st;
    }
    r->n++;
    if ((unsigned)res->action <= MS_ACTION_REJECT)
        r->actions[res->action]++;
    if (res->has_hostility && isfinite(res->hostility)) {
        r->sum_h += res->hostility;
        r->n_h++;
    }
    for (size_t i = 0; i < res->n_scores; i++) {
        const ms_category_score *cs = &res->scores[i];
        if (!cs->has_score || !cs->category || !isfinite(cs->score) ||
            ms_category_legacy(cs->category) >= 0)
            continue;
        size_t k = 0;
        while (k < r->n_extra_sum && strcmp(r->extra_sum[k].name, cs->category) != 0)
            k++;
        if (k == r->n_extra_sum) {
            if (k == MS_MAX_CATEGORIES)
                continue;
            r->extra_sum[r->n_extra_sum++] = (cat_sum){cs->category, 0, 0};
        }
        r->extra_sum[k].sum += cs->score;
        r->extra_sum[k].n++;
    }
    if (res->has_off_topic && isfinite(res->off_topic)) {
        r->sum_o += res->off_topic;
        r->n_o++;
    }
    if (isfinite(res->sentiment))
        r->sum_s += res->sentiment, r->n_s++;

    wbuf w = {{0}, 0};
    switch (r->format) {
    case MS_OUTPUT_JSONL:
        take_spare(r, &w);
        w_record(&w, c, res, 0);
        w_add(&w, "\n", 1);
        return emit(r, &w, r->flush_each);
    case MS_OUTPUT_JSON:
        take_spare(r, &w);
        w_adds(&w, r->n_in_doc++ ? ",\n    " : "\n    ");
        w_record(&w, c, res, 1);
        return emit(r, &w, 0);
    case MS_OUTPUT_CSV:
        take_spare(r, &w);
        csv_row(r, &w, c, res);
        return emit(r, &w, r->flush_each);
    case MS_OUTPUT_TEXT: {
        ms_status st = text_add_row(r, c, res);
        return st != MS_OK ? st : (r->io_failed ? MS_ERR_IO : MS_OK);
    }
    case MS_OUTPUT_HTML:
        return ms_html_comment(r->html, c, res);
    default:
        return MS_ERR_INTERNAL;
    }
}

ms_status ms_reporter_error(ms_reporter *r, long line, const char *message)
{
    if (!r)
        return MS_ERR_ARG;
    if (!message)
        message = "";
    if (!r->open) {
        ms_status st = ms_reporter_begin(r, NULL);
        if (st != MS_OK)
            return st;
    }
    wbuf w = {{0}, 0};
    if (r->format == MS_OUTPUT_JSONL) {
        w_adds(&w, "{\"line\":");
        w_fmt_int(&w, line);
        w_adds(&w, ",\"error\":");
        w_json_cstr(&w, message);
        w_adds(&w, "}\n");
        return emit(r, &w, r->flush_each);
    }
    if (r->format == MS_OUTPUT_CSV) {
        csv_error_row(r, &w, line, message);
        return emit(r, &w, r->flush_each);
    }
    if (r->format == MS_OUTPUT_HTML)
        return ms_html_error(r->html, line, message);
    /* JSON and text: held and written at the end. */
    if (r->n_errors == r->cap_errors) {
        size_t cap = r->cap_errors ? r->cap_errors * 2 : 8;
        held_error *e = realloc(r->errors, cap * sizeof *e);
        if (!e)
            return MS_ERR_NOMEM;
        r->errors = e;
        r->cap_errors = cap;
    }
    char *copy = ms_strdup0(message);
    if (!copy)
        return MS_ERR_NOMEM;
    r->errors[r->n_errors].line = line;
    r->errors[r->n_errors].message = copy;
    r->n_errors++;
    return r->io_failed ? MS_ERR_IO : MS_OK;
}

static void json_tail(ms_reporter *r, wbuf *w)
{
    w_adds(w, r->n_in_doc ? "\n  ],\n" : "],\n");
    if (r->n_errors) {
        w_adds(w, "  \"errors\": [");
        for (size_t i = 0; i < r->n_errors; i++) {
            w_adds(w, i ? ",\n    " : "\n    ");
            w_adds(w, "{\"line\":");
            w_fmt_int(w, r->errors[i].line);
            w_adds(w, ",\"error\":");
            w_json_cstr(w, r->errors[i].message);
            w_add(w, "}", 1);
        }
        w_adds(w, "\n  ],\n");
    }
    int first = 1;
    w_adds(w, "  \"summary\": {");
    w_key(w, &first, "comments");
    w_fmt_int(w, (long long)r->n);
    if (r->n_errors) {
        w_key(w, &first, "errors");
        w_fmt_int(w, (long long)r->n_errors);
    }
    w_key(w, &first, "actions");
    int f2 = 1;
    w_add(w, "{", 1);
    for (int a = 0; a < 3; a++) {
        w_key(w, &f2, ms_action_name((ms_action)a));
        w_fmt_int(w, (long long)r->actions[a]);
    }
    w_add(w, "}", 1);
    /* means over the comments that have the score; a mean without any is
     * left out */
    w_key(w, &first, "mean_scores");
    f2 = 1;
    w_add(w, "{", 1);
    if (r->n_h) {
        w_key(w, &f2, ms_category_name(MS_CAT_HOSTILITY));
        w_num(w, r->sum_h / (double)r->n_h);
    }
    if (r->n_s) {
        w_key(w, &f2, "sentiment");
        w_num(w, r->sum_s / (double)r->n_s);
    }
    if (r->n_o) {
        w_key(w, &f2, ms_category_name(MS_CAT_OFF_TOPIC));
        w_num(w, r->sum_o / (double)r->n_o);
    }
    for (size_t k = 0; k < r->n_extra_sum; k++) {
        w_key(w, &f2, r->extra_sum[k].name);
        w_num(w, r->extra_sum[k].sum / (double)r->extra_sum[k].n);
    }
    w_adds(w, "}},\n  \"policy\": ");
    w_json_cstr(w, r->policy ? ms_policy_name(r->policy) : NULL);
    w_adds(w, "\n}\n");
}

ms_status ms_reporter_end(ms_reporter *r)
{
    if (!r)
        return MS_ERR_ARG;
    ms_status st = MS_OK;
    if (!r->open && (st = ms_reporter_begin(r, NULL)) != MS_OK && st != MS_ERR_IO)
        return st;
    wbuf w = {{0}, 0};
    if (r->format == MS_OUTPUT_JSON)
        json_tail(r, &w);
    else if (r->format == MS_OUTPUT_TEXT)
        text_table(r, &w);
    r->open = 0;
    if (r->format == MS_OUTPUT_HTML && (st = ms_html_end(r->html)) != MS_OK) {
        clear_held(r);
        return st;
    }
    st = emit(r, &w, 1);
    clear_held(r);
    return st;
}

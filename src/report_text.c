/* report_text.c - the text table: one row per comment held until the end
 * of the discussion (the widths need every row), cells cleaned so a comment
 * cannot drive the terminal, id and author cut to a width. */
#include "report_priv.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static size_t text_width(const char *s)
{
    size_t width = 0, n = strlen(s);
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            k = 1, cp = 0xFFFD;
        int cw = utf8proc_charwidth(cp);
        width += cw > 0 ? (size_t)cw : 0;
        i += (size_t)k;
    }
    return width;
}

/* Cuts a cleaned cell to at most max display columns, ending with "...".
 * Returns the (possibly new) cell, NULL when out of memory (cell freed). */
static char *truncate_cell(char *s, size_t *width, size_t max)
{
    if (*width <= max)
        return s;
    size_t n = strlen(s), w = 0, i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            break;
        int cw = utf8proc_charwidth(cp);
        size_t next = w + (cw > 0 ? (size_t)cw : 0);
        if (next > max - 1)
            break;
        w = next;
        i += (size_t)k;
    }
    char *t = malloc(i + 4);
    if (t) {
        memcpy(t, s, i);
        memcpy(t + i, "\xe2\x80\xa6", 4); /* U+2026 and the NUL */
        *width = w + 1;
    }
    free(s);
    return t;
}

#define TEXT_MAX_ID 24
#define TEXT_MAX_AUTHOR 14

ms_status text_add_row(ms_reporter *r, const ms_comment *c, const ms_result *res)
{
    if (r->n_rows == r->cap_rows) {
        size_t cap = r->cap_rows ? r->cap_rows * 2 : 16;
        text_row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows)
            return MS_ERR_NOMEM;
        r->rows = rows;
        r->cap_rows = cap;
    }
    text_row row;
    memset(&row, 0, sizeof row);
    wbuf w = {{0}, 0};
    if (c && c->id)
        w_clean(&w, c->id, strlen(c->id), ESC_TEXT);
    row.cell[COL_ID] = w_take(&w);
    if (c && c->author)
        w_clean(&w, c->author, strlen(c->author), ESC_TEXT);
    row.cell[COL_AUTHOR] = w_take(&w);
    if (res->has_hostility)
        w_fixed(&w, res->hostility, 2, 0, 0, "nan");
    else
        w_add(&w, "-", 1);
    row.cell[COL_HOST] = w_take(&w);
    if (res->has_off_topic)
        w_fixed(&w, res->off_topic, 2, 0, 0, "nan");
    else
        w_add(&w, "-", 1);
    row.cell[COL_OFF] = w_take(&w);
    w_fixed(&w, res->sentiment, 2, 0, 1, "-");
    row.cell[COL_SENT] = w_take(&w);
    if (res->language[0])
        w_clean(&w, res->language, strlen(res->language), ESC_TEXT);
    else
        w_add(&w, "-", 1);
    row.cell[COL_LANG] = w_take(&w);
    for (size_t i = 0; i < r->n_extra; i++) {
        double v;
        if (score_of(res, r->extra[i], &v))
            w_fixed(&w, v, 2, 0, 0, "nan");
        else
            w_add(&w, "-", 1);
        row.cell[N_COLS + i] = w_take(&w);
    }
    const int n_cols = N_COLS + (int)r->n_extra;
    w_adds(&w, ms_action_name(res->action));
    row.cell[COL_ACTION] = w_take(&w);
    w_top_reasons(&w, res, ESC_TEXT);
    row.cell[COL_REASONS] = w_take(&w);
    w_notes_plain(&w, res, "; ", ESC_TEXT);
    row.cell[COL_NOTES] = w_take(&w);
    for (int k = 0; k < n_cols; k++) {
        if (!row.cell[k]) {
            for (int j = 0; j < n_cols; j++)
                free(row.cell[j]);
            return MS_ERR_NOMEM;
        }
        row.width[k] = text_width(row.cell[k]);
    }
    row.cell[COL_ID] = truncate_cell(row.cell[COL_ID], &row.width[COL_ID], TEXT_MAX_ID);
    row.cell[COL_AUTHOR] =
        truncate_cell(row.cell[COL_AUTHOR], &row.width[COL_AUTHOR], TEXT_MAX_AUTHOR);
    if (!row.cell[COL_ID] || !row.cell[COL_AUTHOR]) {
        for (int j = 0; j < n_cols; j++)
            free(row.cell[j]);
        return MS_ERR_NOMEM;
    }
    r->rows[r->n_rows++] = row;
    return MS_OK;
}

void text_table(ms_reporter *r, wbuf *w)
{
    static const char *const fixed_heads[N_COLS] = {
        "ID", "AUTHOR", "HOSTILITY", "OFF-TOPIC", "SENTIMENT", "LANG", "ACTION", "REASONS", "NOTES"};
    /* the order on the page: the extra categories after OFF-TOPIC */
    int order[MAX_COLS];
    int n_cols = 0;
    for (int k = 0; k <= COL_OFF; k++)
        order[n_cols++] = k;
    for (size_t i = 0; i < r->n_extra; i++)
        order[n_cols++] = N_COLS + (int)i;
    for (int k = COL_SENT; k < N_COLS; k++)
        order[n_cols++] = k;
    /* an extra category's head: its name in capitals, '_' as '-' */
    char extra_heads[MS_MAX_CATEGORIES][68];
    for (size_t i = 0; i < r->n_extra; i++) {
        size_t j = 0;
        for (; r->extra[i][j] && j < sizeof extra_heads[i] - 1; j++) {
            char c = r->extra[i][j];
            extra_heads[i][j] = c == '_' ? '-' : (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        }
        extra_heads[i][j] = '\0';
    }
    const char *heads[MAX_COLS];
    int right[MAX_COLS]; /* numbers are right-aligned, words left-aligned */
    for (int k = 0; k < N_COLS; k++) {
        heads[k] = fixed_heads[k];
        right[k] = k == COL_HOST || k == COL_OFF || k == COL_SENT;
    }
    for (size_t i = 0; i < r->n_extra; i++) {
        heads[N_COLS + i] = extra_heads[i];
        right[N_COLS + i] = 1;
    }
    size_t width[MAX_COLS];
    for (int k = 0; k < n_cols; k++) {
        width[k] = strlen(heads[k]);
        for (size_t i = 0; i < r->n_rows; i++)
            if (r->rows[i].width[k] > width[k])
                width[k] = r->rows[i].width[k];
    }
    w_adds(w, r->title ? r->title : "");
    w_adds(w, "\n\n");
    for (size_t i = 0; i <= r->n_rows; i++) {
        /* trailing blanks are trimmed: the last column is never padded */
        for (int o = 0; o < n_cols; o++) {
            int k = order[o];
            const char *cell = i == 0 ? heads[k] : r->rows[i - 1].cell[k];
            size_t cw = i == 0 ? strlen(heads[k]) : r->rows[i - 1].width[k];
            if (o == n_cols - 1) {
                w_adds(w, cell);
                break;
            }
            if (right[k])
                w_pad(w, width[k] - cw);
            w_adds(w, cell);
            if (!right[k])
                w_pad(w, width[k] - cw);
            w_adds(w, "  ");
        }
        /* drop the padding before an empty last column */
        while (w->b.len && w->b.data[w->b.len - 1] == ' ')
            w->b.data[--w->b.len] = '\0';
        w_add(w, "\n", 1);
    }
    w_add(w, "\n", 1);
    w_fmt_int(w, (long long)r->n);
    w_adds(w, r->n == 1 ? " comment: " : " comments: ");
    for (int a = 0; a < 3; a++) {
        if (a)
            w_adds(w, ", ");
        w_fmt_int(w, (long long)r->actions[a]);
        w_add(w, " ", 1);
        w_adds(w, ms_action_name((ms_action)a));
    }
    w_add(w, "\n", 1);
    if (r->n_errors) {
        w_fmt_int(w, (long long)r->n_errors);
        w_adds(w, r->n_errors == 1 ? " input error:\n" : " input errors:\n");
        for (size_t i = 0; i < r->n_errors; i++) {
            w_adds(w, "  line ");
            w_fmt_int(w, r->errors[i].line);
            w_adds(w, ": ");
            w_clean(w, r->errors[i].message, strlen(r->errors[i].message), ESC_TEXT);
            w_add(w, "\n", 1);
        }
    }
}

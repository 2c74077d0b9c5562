/* reader_dataset.c - labelled training and evaluation data: JSON Lines or
 * CSV with named columns. */
#include "reader_util.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ datasets */

static void example_clear(ms_example *e)
{
    free(e->text);
    free(e->context);
    free(e->parent_text);
    free(e->author);
    free(e->context_author);
    free(e->category);
    free(e->time);
    free(e->language);
    memset(e, 0, sizeof *e);
}

void ms_dataset_clear(ms_dataset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        example_clear(&set->items[i]);
    free(set->items);
    for (size_t i = 0; i < set->n_sources; i++)
        free(set->sources[i]);
    free(set->sources);
    memset(set, 0, sizeof *set);
}

void ms_dataset_keep(ms_dataset *set, const unsigned char *keep)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++) {
        if (keep[i])
            set->items[n++] = set->items[i];
        else
            example_clear(&set->items[i]);
    }
    set->n = n;
}

/* The record's "category", "source", "time" and "language" (JSON Lines). */
static ms_status record_origin(json_t *o, ms_example *ex, const char *source, long lineno,
                               ms_error *err)
{
    json_t *lang = json_object_get(o, "language");
    if (json_is_string(lang) && json_string_length(lang) &&
        !(ex->language = ms_strndup(json_string_value(lang), json_string_length(lang))))
        return ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
    json_t *cat = json_object_get(o, "category");
    json_t *src = json_object_get(o, "source");
    json_t *time = json_object_get(o, "time");
    ex->feedback = json_is_string(src) && !strcmp(json_string_value(src), "suggestscore");
    if (json_is_string(cat) && json_string_length(cat) &&
        !(ex->category = ms_strndup(json_string_value(cat), json_string_length(cat))))
        return ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
    if (ex->feedback && json_is_string(time) &&
        !(ex->time = ms_strndup(json_string_value(time), json_string_length(time))))
        return ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
    return MS_OK;
}

static ms_example *dataset_push(ms_dataset *set)
{
    if (set->n == set->cap) {
        size_t nc = set->cap ? set->cap * 2 : 64;
        ms_example *p = realloc(set->items, nc * sizeof *p);
        if (!p)
            return NULL;
        set->items = p;
        set->cap = nc;
    }
    ms_example *e = &set->items[set->n++];
    memset(e, 0, sizeof *e);
    return e;
}

/* 1, 0, or -1 when the value is not a label. The positive value, when set,
 * is 1; then 0/1, true/false and yes/no; with a positive value set, any
 * other non-empty value is 0 ("toxic" against "clean"). */
static int label_word(const char *s, size_t n, const char *positive)
{
    rd_trim(&s, &n);
    if (positive && *positive && rd_mem_eq(s, n, positive))
        return 1;
    if (rd_mem_eq(s, n, "1") || rd_mem_ieq(s, n, "true") || rd_mem_ieq(s, n, "yes"))
        return 1;
    if (rd_mem_eq(s, n, "0") || rd_mem_ieq(s, n, "false") || rd_mem_ieq(s, n, "no"))
        return 0;
    return positive && *positive && n ? 0 : -1;
}

static int decision_label(const char *s, size_t n)
{
    if (rd_mem_ieq(s, n, "published") || rd_mem_ieq(s, n, "approved") || rd_mem_ieq(s, n, "publish") ||
        rd_mem_ieq(s, n, "approve"))
        return 0;
    if (rd_mem_ieq(s, n, "rejected") || rd_mem_ieq(s, n, "reject") || rd_mem_ieq(s, n, "removed"))
        return 1;
    return -1;
}

/* A record's label: its "label" (0/1, true/false, yes/no or the positive
 * value), else its moderator's "decision". OUT: *label. */
static ms_status record_label(json_t *o, const char *positive, const char *source, long lineno,
                              int *label, ms_error *err)
{
    json_t *lab = json_object_get(o, "label");
    json_t *dec = json_object_get(o, "decision");
    *label = -1;
    if (lab && !json_is_null(lab)) {
        if (json_is_true(lab))
            *label = 1;
        else if (json_is_false(lab))
            *label = 0;
        else if (json_is_number(lab)) {
            double v = json_number_value(lab);
            *label = v == 1 ? 1 : v == 0 ? 0 : -1;
        } else if (json_is_string(lab)) {
            *label = label_word(json_string_value(lab), json_string_length(lab), positive);
        }
        if (*label < 0)
            return ms_fail(err, MS_ERR_PARSE, source, lineno, 0,
                           "\"label\" is not 0/1, true/false or yes/no");
    } else if (dec && !json_is_null(dec)) {
        if (json_is_string(dec))
            *label = decision_label(json_string_value(dec), json_string_length(dec));
        if (*label < 0)
            return ms_fail(err, MS_ERR_PARSE, source, lineno, 0,
                           "\"decision\" is not published/approved or rejected/removed");
    } else {
        return ms_fail(err, MS_ERR_PARSE, source, lineno, 0, "missing \"label\" or \"decision\"");
    }
    return MS_OK;
}

/* A record's context: its "article" (title, body, tags; its author goes
 * to ex->context_author), then its "context" string, into ctx. */
static ms_status record_context(json_t *o, ms_example *ex, ms_buf *ctx, const char *source,
                                long lineno, ms_error *err)
{
    ms_status st;
    json_t *art = json_object_get(o, "article");
    if (art && !json_is_null(art)) {
        ms_article *a;
        if ((st = rd_article_from_json(art, &a, source, lineno, err)) != MS_OK)
            return st;
        int bad = ms_buf_adds(ctx, a->title ? a->title : "") != MS_OK ||
                  ms_buf_addc(ctx, '\n') != MS_OK ||
                  ms_buf_adds(ctx, a->body ? a->body : "") != MS_OK ||
                  ms_buf_addc(ctx, '\n') != MS_OK;
        for (size_t i = 0; !bad && i < a->n_tags; i++)
            bad = (i && ms_buf_addc(ctx, ' ') != MS_OK) || ms_buf_adds(ctx, a->tags[i]) != MS_OK;
        ex->context_author = a->author;
        a->author = NULL;
        rd_article_free(a);
        if (bad)
            return ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
    }
    char *c2 = NULL;
    if ((st = rd_field_string(o, "context", &c2, source, lineno, "", err)) != MS_OK)
        return st;
    if (c2) {
        int bad = (ctx->len && ms_buf_addc(ctx, '\n') != MS_OK) || ms_buf_adds(ctx, c2) != MS_OK;
        free(c2);
        if (bad)
            return ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
    }
    return MS_OK;
}

static ms_status jsonl_example(const char *line, size_t len, long lineno, const char *positive,
                               const char *source, ms_dataset *set, ms_error *err)
{
    scan_info si = {0};
    json_t *o = NULL;
    int repaired = 0;
    ms_status st = rd_json_prescan(line, len, lineno, source, &si, err);
    if (st == MS_OK)
        st = rd_json_load(line, len, lineno, source, &o, &repaired, err);
    if (st != MS_OK)
        return st;
    ms_buf ctx = {0};
    ms_example ex = {0};
    if (!json_is_object(o)) {
        st = ms_fail(err, MS_ERR_PARSE, source, lineno, 1, "the line is not a JSON object");
        goto done;
    }
    json_t *text = json_object_get(o, "text");
    if (!json_is_string(text)) {
        st = ms_fail(err, MS_ERR_PARSE, source, lineno, 0, "missing or non-string \"text\"");
        goto done;
    }
    if (json_string_length(text) > MS_MAX_COMMENT_BYTES) {
        st = ms_fail(err, MS_ERR_LIMIT, source, lineno, 0,
                     "text longer than %u bytes (MS_MAX_COMMENT_BYTES)", MS_MAX_COMMENT_BYTES);
        goto done;
    }
    if ((st = record_label(o, positive, source, lineno, &ex.label, err)) != MS_OK)
        goto done;
    ex.line = lineno;
    ex.source = set->n_sources - 1;
    if ((st = record_origin(o, &ex, source, lineno, err)) != MS_OK ||
        (st = record_context(o, &ex, &ctx, source, lineno, err)) != MS_OK)
        goto done;
    if ((st = rd_field_string(o, "parent_text", &ex.parent_text, source, lineno, "", err)) != MS_OK ||
        (st = rd_field_text(o, "author", &ex.author, source, lineno, "", err)) != MS_OK)
        goto done;
    ex.text_len = json_string_length(text);
    ex.text = ms_strndup(json_string_value(text), ex.text_len);
    ms_example *slot = ex.text ? dataset_push(set) : NULL;
    if (!slot) {
        st = ms_fail(err, MS_ERR_NOMEM, source, lineno, 0, "out of memory");
        goto done;
    }
    ex.context = ctx.data;
    ctx.data = NULL;
    *slot = ex;
    memset(&ex, 0, sizeof ex);
done:
    example_clear(&ex);
    ms_buf_free(&ctx);
    json_decref(o);
    return st;
}

static ms_status read_jsonl_examples(const char *data, size_t len, const char *positive,
                                     const char *source, ms_dataset *set, ms_error *err)
{
    long lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        const char *l = data + pos;
        size_t ln = end - pos;
        lineno++;
        pos = nl ? end + 1 : len;
        while (ln && l[ln - 1] == '\r')
            ln--;
        if (ln > MS_MAX_LINE_BYTES)
            return ms_fail(err, MS_ERR_LIMIT, source, lineno, 0,
                           "line longer than %u bytes (MS_MAX_LINE_BYTES)", MS_MAX_LINE_BYTES);
        if (rd_all_blank(l, ln))
            continue; /* blank lines between records carry nothing */
        ms_status st = jsonl_example(l, ln, lineno, positive, source, set, err);
        if (st != MS_OK)
            return st;
    }
    return MS_OK;
}

/* One CSV field: where it starts (line and column, for errors) and its
 * value, unquoted into a buffer. */
typedef struct csv_field {
    ms_buf v;
    long line, column;
} csv_field;

typedef struct csv_row {
    csv_field *f;
    size_t n, cap;
    long line;
} csv_row;

static void csv_row_free(csv_row *r)
{
    for (size_t i = 0; i < r->cap; i++)
        ms_buf_free(&r->f[i].v);
    free(r->f);
    memset(r, 0, sizeof *r);
}

/* A quoted field starting at d[*i] (its quote) into f->v: "" is a quote,
 * a newline inside counts a line (*line, *line_start). Leaves *i after the
 * closing quote and the blanks after it. */
static ms_status csv_quoted(const char *d, size_t n, size_t *i, long *line, size_t *line_start,
                            csv_field *f, const char *source, ms_error *err)
{
    long qline = *line, qcol = f->column;
    (*i)++;
    for (;;) {
        if (*i >= n)
            return ms_fail(err, MS_ERR_PARSE, source, qline, qcol, "unterminated quoted field");
        if (d[*i] == '"') {
            if (*i + 1 < n && d[*i + 1] == '"') {
                if (ms_buf_addc(&f->v, '"') != MS_OK)
                    return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
                *i += 2;
                continue;
            }
            (*i)++;
            break;
        }
        if (d[*i] == '\n') {
            (*line)++;
            *line_start = *i + 1;
        }
        if (f->v.len >= MS_MAX_COMMENT_BYTES)
            return ms_fail(err, MS_ERR_LIMIT, source, qline, qcol,
                           "field longer than %u bytes (MS_MAX_COMMENT_BYTES)",
                           MS_MAX_COMMENT_BYTES);
        if (ms_buf_addc(&f->v, d[*i]) != MS_OK)
            return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
        (*i)++;
    }
    /* a quoted embedded CRLF keeps its \r; the record's own goes */
    while (*i < n && (d[*i] == ' ' || d[*i] == '\t' || d[*i] == '\r'))
        (*i)++;
    return MS_OK;
}

/* Reads one RFC 4180 record from d[*pos..n). Returns MS_OK with r->n == 0 at
 * the end of input. Blank lines are skipped. */
static ms_status csv_next(const char *d, size_t n, size_t *pos, long *line, const char *source,
                          csv_row *r, ms_error *err)
{
    size_t i = *pos;
    /* skip blank lines */
    for (;;) {
        size_t k = i;
        while (k < n && (d[k] == ' ' || d[k] == '\t' || d[k] == '\r'))
            k++;
        if (k < n && d[k] == '\n') {
            i = k + 1;
            (*line)++;
            continue;
        }
        if (k >= n)
            i = n;
        break;
    }
    r->n = 0;
    r->line = *line;
    if (i >= n) {
        *pos = n;
        return MS_OK;
    }
    size_t line_start = i;
    for (;;) {
        if (r->n == r->cap) {
            size_t nc = r->cap ? r->cap * 2 : 8;
            csv_field *p = realloc(r->f, nc * sizeof *p);
            if (!p)
                return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
            memset(p + r->cap, 0, (nc - r->cap) * sizeof *p);
            r->f = p;
            r->cap = nc;
        }
        csv_field *f = &r->f[r->n++];
        f->v.len = 0;
        if (ms_buf_add(&f->v, "", 0) != MS_OK)
            return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
        f->line = *line;
        f->column = (long)(i - line_start) + 1;
        if (i < n && d[i] == '"') {
            ms_status st = csv_quoted(d, n, &i, line, &line_start, f, source, err);
            if (st != MS_OK)
                return st;
            if (i < n && d[i] != ',' && d[i] != '\n')
                return ms_fail(err, MS_ERR_PARSE, source, *line, (long)(i - line_start) + 1,
                               "unexpected character after a quoted field");
        } else {
            size_t s = i;
            while (i < n && d[i] != ',' && d[i] != '\n')
                i++;
            size_t e = i;
            if (e > s && d[e - 1] == '\r' && (i >= n || d[i] == '\n'))
                e--;
            if (e - s > MS_MAX_COMMENT_BYTES)
                return ms_fail(err, MS_ERR_LIMIT, source, f->line, f->column,
                               "field longer than %u bytes (MS_MAX_COMMENT_BYTES)",
                               MS_MAX_COMMENT_BYTES);
            if (ms_buf_add(&f->v, d + s, e - s) != MS_OK)
                return ms_fail(err, MS_ERR_NOMEM, source, *line, 0, "out of memory");
        }
        if (i < n && d[i] == ',') {
            i++;
            continue;
        }
        if (i < n && d[i] == '\n') {
            i++;
            (*line)++;
        }
        break;
    }
    *pos = i;
    return MS_OK;
}

static ms_status read_csv_examples(const char *data, size_t len, const ms_csv_options *opt,
                                   const char *source, ms_dataset *set, ms_error *err)
{
    const char *text_col = opt && opt->text_column ? opt->text_column : "text";
    const char *label_col = opt && opt->label_column ? opt->label_column : "label";
    const char *positive = opt ? opt->positive : NULL;
    size_t pos = 0;
    long line = 1;
    csv_row row = {0};
    ms_status st = csv_next(data, len, &pos, &line, source, &row, err);
    if (st != MS_OK)
        goto done;
    if (row.n == 0) {
        st = ms_fail(err, MS_ERR_PARSE, source, 1, 0, "no CSV header row");
        goto done;
    }
    size_t ncols = row.n, ti = (size_t)-1, li = (size_t)-1, ci = (size_t)-1, pi = (size_t)-1;
    for (size_t k = 0; k < row.n; k++) {
        const char *h = row.f[k].v.data;
        size_t hn = row.f[k].v.len;
        rd_trim(&h, &hn);
        if (ti == (size_t)-1 && rd_mem_eq(h, hn, text_col))
            ti = k;
        else if (li == (size_t)-1 && rd_mem_eq(h, hn, label_col))
            li = k;
        else if (ci == (size_t)-1 && rd_mem_eq(h, hn, "context"))
            ci = k;
        else if (pi == (size_t)-1 && rd_mem_eq(h, hn, "parent_text"))
            pi = k;
    }
    if (ti == (size_t)-1 || li == (size_t)-1) {
        st = ms_fail(err, MS_ERR_PARSE, source, row.line, 0, "the CSV header has no '%s' column",
                     ti == (size_t)-1 ? text_col : label_col);
        goto done;
    }
    for (;;) {
        if ((st = csv_next(data, len, &pos, &line, source, &row, err)) != MS_OK)
            goto done;
        if (row.n == 0)
            break;
        if (row.n != ncols) {
            st = ms_fail(err, MS_ERR_PARSE, source, row.line, 0,
                         "the record has %zu fields; the header has %zu", row.n, ncols);
            goto done;
        }
        csv_field *lf = &row.f[li];
        int label = label_word(lf->v.data, lf->v.len, positive);
        if (label < 0) {
            st = ms_fail(err, MS_ERR_PARSE, source, lf->line, lf->column,
                         "column '%s': label '%.64s' is not 0/1, true/false or yes/no",
                         label_col, lf->v.data);
            goto done;
        }
        ms_example *e = dataset_push(set);
        if (!e) {
            st = ms_fail(err, MS_ERR_NOMEM, source, row.line, 0, "out of memory");
            goto done;
        }
        e->label = label;
        e->line = row.line;
        e->source = set->n_sources - 1;
        e->text_len = row.f[ti].v.len;
        e->text = ms_strndup(row.f[ti].v.data, e->text_len);
        if (!e->text)
            st = MS_ERR_NOMEM;
        if (ci != (size_t)-1 && row.f[ci].v.len &&
            !(e->context = ms_strndup(row.f[ci].v.data, row.f[ci].v.len)))
            st = MS_ERR_NOMEM;
        if (pi != (size_t)-1 && row.f[pi].v.len &&
            !(e->parent_text = ms_strndup(row.f[pi].v.data, row.f[pi].v.len)))
            st = MS_ERR_NOMEM;
        if (st != MS_OK) {
            st = ms_fail(err, st, source, row.line, 0, "out of memory");
            goto done;
        }
    }
done:
    csv_row_free(&row);
    return st;
}

ms_status ms_dataset_read(const char *data, size_t len, ms_format format,
                          const ms_csv_options *csv, const char *source, ms_dataset *set,
                          ms_error *err)
{
    if (!set || (!data && len))
        return ms_fail(err, MS_ERR_ARG, source, 0, 0, "invalid argument");
    if (len > MS_MAX_DOCUMENT_BYTES)
        return rd_too_large(source, err);
    if (!data)
        data = "";
    size_t skip = rd_bom_len(data, len);
    data += skip;
    len -= skip;
    if (rd_all_blank(data, len))
        return ms_fail(err, MS_ERR_PARSE, source, 0, 0, "no examples: the file is empty");
    if (format == MS_FORMAT_AUTO) {
        size_t i = 0;
        while (i < len && rd_is_blank_char(data[i]))
            i++;
        format = i < len && data[i] == '{' ? MS_FORMAT_JSONL : MS_FORMAT_CSV;
    }
    size_t before = set->n;
    /* the examples name their source by its place in set->sources */
    char **names = realloc(set->sources, (set->n_sources + 1) * sizeof *names);
    if (names)
        set->sources = names;
    if (!names || !(names[set->n_sources] = ms_strdup0(source ? source : "")))
        return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    set->n_sources++;
    ms_status st;
    if (format == MS_FORMAT_JSONL)
        st = read_jsonl_examples(data, len, csv ? csv->positive : NULL, source, set, err);
    else if (format == MS_FORMAT_CSV)
        st = read_csv_examples(data, len, csv, source, set, err);
    else
        st = ms_fail(err, MS_ERR_UNSUPPORTED, source, 0, 0,
                     "training data must be JSON Lines or CSV");
    if (st != MS_OK) {
        /* all or nothing: drop what this call appended */
        for (size_t i = before; i < set->n; i++)
            example_clear(&set->items[i]);
        set->n = before;
        free(set->sources[--set->n_sources]);
        if (!set->n_sources) { /* as before the call: nothing to free */
            free(set->sources);
            set->sources = NULL;
        }
    }
    return st;
}


/* report.c - writes verdicts as JSON Lines, JSON, a text table or CSV (HTML:
 * report_html.c, dispatched from here).
 *
 * One record builder serves JSON Lines, JSON and ms_result_json:
 *   {"id":"c2","author":"bob","scores":{"hostility":0.91,"off_topic":0.12,
 *    "sentiment":-0.6},"flags":["hostility","deny"],"action":"reject",
 *    "reasons":[{"category":"hostility","term":"idiot","start":10,"end":15,
 *    "weight":0.83},{"category":"off_topic","detail":"...","weight":0.4}],
 *    "notes":["invalid_utf8","off_topic_missing: no article"]}
 * "author" only when the comment has one; "hostility" and "off_topic" only
 * when scored (a missing off_topic score adds the note "off_topic_missing"
 * with the reason after ": "); "term", "detail", "start"/"end" only when
 * set; "notes" only when there are any. The JSON document's records also
 * carry "text" after "author".
 *
 * Numbers are written by hand (never printf's %f, which follows the host
 * program's locale), rounded to 4 decimals with trailing zeros dropped.
 * Strings are written as valid UTF-8 whatever they hold: invalid bytes become
 * U+FFFD; JSON escapes quotes, backslashes, control characters and
 * U+2028/U+2029; the text table replaces control characters so a comment
 * cannot drive the terminal. */
#include "policy.h"
#include "report_html.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------------------
 * A buffer whose failures are sticky, so builders can write straight-line
 * code and check once at the end. */

typedef struct wbuf {
    ms_buf b;
    int nomem;
} wbuf;

static void w_add(wbuf *w, const char *s, size_t n)
{
    if (!w->nomem && ms_buf_add(&w->b, s, n) != MS_OK)
        w->nomem = 1;
}

static void w_adds(wbuf *w, const char *s) { w_add(w, s, strlen(s)); }

static void w_fmt_int(wbuf *w, long long v)
{
    if (!w->nomem && ms_buf_printf(&w->b, "%lld", v) != MS_OK)
        w->nomem = 1;
}

/* ESC_RAW only repairs UTF-8 (for text that is escaped later, as a whole). */
typedef enum esc_mode { ESC_JSON, ESC_CSV, ESC_TEXT, ESC_RAW } esc_mode;

/* Appends s[0..n) as valid UTF-8, escaped for mode. Returns the display
 * width (for ESC_TEXT; roughly, by code point). */
static size_t w_clean(wbuf *w, const char *s, size_t n, esc_mode mode)
{
    static const char hex[] = "0123456789abcdef";
    size_t width = 0;
    if (!s)
        return 0;
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        utf8proc_int32_t cp = ch;
        utf8proc_ssize_t k = 1;
        if (ch >= 0x80) {
            k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (k <= 0) {
                cp = 0xFFFD;
                k = 1;
            }
        }
        int control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
        char esc[8];
        const char *out = NULL;
        size_t out_len = 0;
        if (mode == ESC_JSON) {
            if (cp == '"')
                out = "\\\"", out_len = 2;
            else if (cp == '\\')
                out = "\\\\", out_len = 2;
            else if (cp == '\n')
                out = "\\n", out_len = 2;
            else if (cp == '\r')
                out = "\\r", out_len = 2;
            else if (cp == '\t')
                out = "\\t", out_len = 2;
            else if (control || cp == 0x2028 || cp == 0x2029) {
                esc[0] = '\\';
                esc[1] = 'u';
                for (int d = 0; d < 4; d++)
                    esc[2 + d] = hex[(cp >> (12 - 4 * d)) & 0xF];
                out = esc, out_len = 6;
            }
        } else if (mode == ESC_CSV) {
            if (cp == '"')
                out = "\"\"", out_len = 2;
            else if (control && cp != '\n' && cp != '\r' && cp != '\t')
                cp = 0xFFFD;
        } else if (mode == ESC_TEXT) {
            if (cp == '\n' || cp == '\r' || cp == '\t')
                cp = ' ';
            else if (control)
                cp = 0xFFFD;
        }
        if (!out) {
            if (cp == 0xFFFD || cp == ' ') {
                utf8proc_uint8_t enc[4];
                out_len = (size_t)utf8proc_encode_char(cp, enc);
                w_add(w, (const char *)enc, out_len);
            } else {
                w_add(w, s + i, (size_t)k);
            }
        } else {
            w_add(w, out, out_len);
        }
        if (mode == ESC_TEXT) {
            int cw = utf8proc_charwidth(cp);
            width += cw > 0 ? (size_t)cw : 0;
        }
        i += (size_t)k;
    }
    return width;
}

static void w_json_str(wbuf *w, const char *s, size_t n)
{
    w_add(w, "\"", 1);
    w_clean(w, s, n, ESC_JSON);
    w_add(w, "\"", 1);
}

static void w_json_cstr(wbuf *w, const char *s)
{
    if (s)
        w_json_str(w, s, strlen(s));
    else
        w_adds(w, "null");
}

/* "key": with the comma that precedes it unless first. */
static void w_key(wbuf *w, int *first, const char *key)
{
    if (!*first)
        w_add(w, ",", 1);
    *first = 0;
    w_json_cstr(w, key);
    w_add(w, ":", 1);
}

/* v rounded to `decimals` places, written without the locale. trim drops
 * trailing zeros (keeping one); plus writes '+' before positive values.
 * Non-finite values are written as `nonfinite`. */
static void w_fixed(wbuf *w, double v, int decimals, int trim, int plus, const char *nonfinite)
{
    if (!isfinite(v)) {
        w_adds(w, nonfinite);
        return;
    }
    long long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    double a = fabs(v) * (double)scale;
    if (a > 1e17) /* far beyond any score or weight; keep llround defined */
        a = 1e17;
    long long q = llround(a);
    if (q != 0 && v < 0)
        w_add(w, "-", 1);
    else if (q != 0 && plus)
        w_add(w, "+", 1);
    w_fmt_int(w, q / scale);
    if (decimals == 0)
        return;
    char digits[24];
    long long f = q % scale;
    for (int i = decimals - 1; i >= 0; i--) {
        digits[i] = (char)('0' + f % 10);
        f /= 10;
    }
    int nd = decimals;
    while (trim && nd > 1 && digits[nd - 1] == '0')
        nd--;
    w_add(w, ".", 1);
    w_add(w, digits, (size_t)nd);
}

static void w_num(wbuf *w, double v) { w_fixed(w, v, 4, 1, 0, "null"); }

/* ------------------------------------------------------------------------
 * The record. */

static const struct {
    unsigned bit;
    const char *name;
} flag_names[] = {
    {MS_FLAG_HOSTILITY, "hostility"},
    {MS_FLAG_OFF_TOPIC, "off_topic"},
    {MS_FLAG_DENY, "deny"},
};

static const struct {
    unsigned bit;
    const char *name;
} note_names[] = {
    {MS_NOTE_INVALID_UTF8, "invalid_utf8"},
    {MS_NOTE_EMPTY, "empty"},
    {MS_NOTE_TRUNCATED, "truncated"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The flagged categories' names (in the models' order), then "deny", each
 * quoted for JSON (quote 1) or as is, separated by sep. A result without
 * scores (built by hand) has its MS_FLAG_* bits named. */
static void w_flags(wbuf *w, const ms_result *res, const char *sep, int quote)
{
    int first = 1;
    for (size_t i = 0; i < res->n_scores; i++) {
        if (!res->scores[i].flagged || !res->scores[i].category)
            continue;
        if (!first)
            w_adds(w, sep);
        first = 0;
        if (quote)
            w_json_cstr(w, res->scores[i].category);
        else
            w_adds(w, res->scores[i].category);
    }
    for (size_t i = 0; i < COUNT_OF(flag_names); i++) {
        if (res->n_scores && flag_names[i].bit != MS_FLAG_DENY)
            continue;
        if (res->flags & flag_names[i].bit) {
            if (!first)
                w_adds(w, sep);
            first = 0;
            if (quote)
                w_json_cstr(w, flag_names[i].name);
            else
                w_adds(w, flag_names[i].name);
        }
    }
}

/* The score of a category in a result (the legacy fields when it has no
 * scores). 1 when it has one. */
static int score_of(const ms_result *res, const char *name, double *v)
{
    if (!res->n_scores) {
        if (strcmp(name, "hostility") == 0) {
            *v = res->hostility;
            return res->has_hostility;
        }
        if (strcmp(name, "off_topic") == 0) {
            *v = res->off_topic;
            return res->has_off_topic;
        }
        return 0;
    }
    for (size_t i = 0; i < res->n_scores; i++) {
        if (res->scores[i].category && strcmp(res->scores[i].category, name) == 0) {
            *v = res->scores[i].score;
            return res->scores[i].has_score;
        }
    }
    return 0;
}

static void w_record(wbuf *w, const ms_comment *c, const ms_result *res, int with_text)
{
    int first = 1;
    w_add(w, "{", 1);
    if (c) {
        w_key(w, &first, "id");
        w_json_cstr(w, c->id);
        if (c->author) {
            w_key(w, &first, "author");
            w_json_cstr(w, c->author);
        }
        if (with_text) {
            w_key(w, &first, "text");
            if (c->text)
                w_json_str(w, c->text, c->text_len);
            else
                w_adds(w, "null");
        }
    }

    w_key(w, &first, "scores");
    int f2 = 1;
    w_add(w, "{", 1);
    if (res->n_scores) {
        for (size_t i = 0; i < res->n_scores; i++) {
            if (!res->scores[i].has_score || !res->scores[i].category)
                continue;
            w_key(w, &f2, res->scores[i].category);
            w_num(w, res->scores[i].score);
        }
    } else {
        if (res->has_hostility) {
            w_key(w, &f2, "hostility");
            w_num(w, res->hostility);
        }
        if (res->has_off_topic) {
            w_key(w, &f2, "off_topic");
            w_num(w, res->off_topic);
        }
    }
    if (!(res->notes & MS_NOTE_LANGUAGE)) { /* VADER's rules are English too */
        w_key(w, &f2, "sentiment");
        w_num(w, res->sentiment);
    }
    w_add(w, "}", 1);
    if (res->language[0]) {
        w_key(w, &first, "language");
        w_json_cstr(w, res->language);
    }

    w_key(w, &first, "flags");
    w_add(w, "[", 1);
    f2 = 1;
    w_flags(w, res, ",", 1);
    w_add(w, "]", 1);

    w_key(w, &first, "action");
    w_json_cstr(w, ms_action_name(res->action));

    w_key(w, &first, "reasons");
    w_add(w, "[", 1);
    for (size_t i = 0; i < res->n_reasons; i++) {
        const ms_reason *rs = &res->reasons[i];
        if (i)
            w_add(w, ",", 1);
        int f3 = 1;
        w_add(w, "{", 1);
        w_key(w, &f3, "category");
        w_json_cstr(w, rs->category);
        if (rs->term) {
            w_key(w, &f3, "term");
            w_json_cstr(w, rs->term);
        }
        if (rs->detail) {
            w_key(w, &f3, "detail");
            w_json_cstr(w, rs->detail);
        }
        if (rs->has_span) {
            w_key(w, &f3, "start");
            w_fmt_int(w, (long long)rs->start);
            w_key(w, &f3, "end");
            w_fmt_int(w, (long long)rs->end);
        }
        w_key(w, &f3, "weight");
        w_num(w, rs->weight);
        w_add(w, "}", 1);
    }
    w_add(w, "]", 1);

    /* a score that is missing says why: "off_topic_missing: no article";
     * with no off-topic model loaded at all, that too (as it always did) */
    int off_listed = 0;
    for (size_t i = 0; i < res->n_scores; i++)
        off_listed |= res->scores[i].category && strcmp(res->scores[i].category, "off_topic") == 0;
    int any_note = !res->has_off_topic && !off_listed;
    for (size_t i = 0; i < res->n_scores; i++)
        any_note |= !res->scores[i].has_score;
    for (size_t i = 0; i < COUNT_OF(note_names); i++)
        any_note |= (res->notes & note_names[i].bit) != 0;
    if (any_note) {
        w_key(w, &first, "notes");
        w_add(w, "[", 1);
        f2 = 1;
        for (size_t i = 0; i < COUNT_OF(note_names); i++) {
            if (res->notes & note_names[i].bit) {
                if (!f2)
                    w_add(w, ",", 1);
                f2 = 0;
                w_json_cstr(w, note_names[i].name);
            }
        }
        if (res->notes & MS_NOTE_LANGUAGE) {
            if (!f2)
                w_add(w, ",", 1);
            f2 = 0;
            w_adds(w, "\"language: no loaded model reads '");
            w_clean(w, res->language, strlen(res->language), ESC_JSON);
            w_adds(w, "'; not scored\"");
        }
        for (size_t i = 0; !(res->notes & MS_NOTE_LANGUAGE) && i <= res->n_scores; i++) {
            const char *name, *why;
            if (i < res->n_scores) {
                if (res->scores[i].has_score || !res->scores[i].category)
                    continue;
                name = res->scores[i].category;
                why = res->scores[i].missing;
            } else if (!res->has_off_topic && !off_listed) {
                name = "off_topic";
                why = res->off_topic_missing;
            } else {
                break;
            }
            if (!f2)
                w_add(w, ",", 1);
            f2 = 0;
            w_add(w, "\"", 1);
            w_clean(w, name, strlen(name), ESC_JSON);
            w_adds(w, "_missing");
            if (why && why[0]) {
                w_add(w, ": ", 2);
                w_clean(w, why, strlen(why), ESC_JSON);
            }
            w_add(w, "\"", 1);
        }
        w_add(w, "]", 1);
    }
    w_add(w, "}", 1);
}

char *ms_result_json(const ms_comment *c, const ms_result *res)
{
    if (!res)
        return NULL;
    wbuf w = {{0}, 0};
    w_record(&w, c, res, 0);
    if (w.nomem) {
        ms_buf_free(&w.b);
        return NULL;
    }
    return w.b.data;
}

/* ------------------------------------------------------------------------
 * The reporter. */

/* Text table columns: the fixed ones, with the extra categories' scores
 * (every loaded category but hostility and off_topic) between OFF-TOPIC and
 * SENTIMENT. */
enum { COL_ID, COL_AUTHOR, COL_HOST, COL_OFF, COL_SENT, COL_ACTION, COL_REASONS, N_COLS };
#define MAX_COLS (N_COLS + MS_MAX_CATEGORIES)

typedef struct text_row {
    char *cell[MAX_COLS]; /* N_COLS fixed ones, then the extra categories' */
    size_t width[MAX_COLS];
} text_row;

/* A running mean of one category's scores. */
typedef struct cat_sum {
    const char *name; /* the models' */
    double sum;
    size_t n;
} cat_sum;

typedef struct held_error {
    long line;
    char *message;
} held_error;

struct ms_reporter {
    ms_output format;
    FILE *f;
    const ms_policy *policy;
    int io_failed;   /* sticky: ms_reporter_end reports it */
    int open;        /* between begin and end */
    int csv_header;  /* the CSV header has been written */
    size_t n_in_doc; /* JSON: records written in the open document */
    /* summary of the open report */
    size_t n, actions[3];
    double sum_h, sum_s, sum_o;
    size_t n_h, n_o;
    cat_sum extra_sum[MS_MAX_CATEGORIES]; /* categories other than the two */
    size_t n_extra_sum;
    /* set by ms_reporter_set_models: the categories beyond hostility and
     * off_topic, in the models' order (CSV and text columns) */
    const char *extra[MS_MAX_CATEGORIES];
    size_t n_extra;
    /* text: held until the end */
    char *title; /* header line, already cleaned */
    text_row *rows;
    size_t n_rows, cap_rows;
    /* JSON and text: input errors, held until the end */
    held_error *errors;
    size_t n_errors, cap_errors;
    ms_html *html; /* HTML: report_html.c holds and writes everything */
};

/* Writes the buffer and, for streaming formats, flushes at once. */
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
    ms_buf_free(&w->b);
    w->nomem = 0;
    if (st == MS_OK && r->io_failed)
        st = MS_ERR_IO;
    return st;
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

static int is_legacy(const char *name)
{
    return strcmp(name, "hostility") == 0 || strcmp(name, "off_topic") == 0;
}

ms_status ms_reporter_set_models(ms_reporter *r, const ms_models *models)
{
    if (!r || !models)
        return MS_ERR_ARG;
    r->n_extra = 0;
    size_t n = ms_models_category_count(models);
    for (size_t i = 0; i < n && r->n_extra < MS_MAX_CATEGORIES; i++) {
        const char *name = ms_models_category_info(models, i)->name;
        if (!is_legacy(name))
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
    free(r);
}

static void csv_field(wbuf *w, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        w_add(w, "\"", 1);
    w_clean(w, s, n, ESC_CSV);
    if (quote)
        w_add(w, "\"", 1);
}

static void csv_cfield(wbuf *w, const char *s)
{
    if (s)
        csv_field(w, s, strlen(s));
}

/* CSV: RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote
 * or line break). Columns:
 *   id,author,hostility,off_topic,sentiment,action,flags,reasons,error
 * then one column per further loaded category (ms_reporter_set_models), in
 * the models' order: appended, so that the columns of earlier versions
 * keep their places. flags and reasons are joined by ';' (reasons: each reason's term, or its
 * detail when it has none). A score that is absent is an empty field. An
 * input line that could not be read is a row with the action "error", the
 * other fields empty, and "line N: message" in the error column, so the rows
 * still line up with the input. */
static const char csv_header[] = "id,author,hostility,off_topic,sentiment,action,flags,reasons,error";

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
    r->n = r->n_h = r->n_o = 0;
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
            w_adds(&w, csv_header);
            for (size_t i = 0; i < r->n_extra; i++) {
                w_add(&w, ",", 1);
                csv_cfield(&w, r->extra[i]);
            }
            w_adds(&w, "\r\n");
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
    ms_status st2 = emit(r, &w, r->format == MS_OUTPUT_CSV);
    return st != MS_OK ? st : st2;
}

/* Up to three distinct terms (ESC_TEXT: quoted and separated by a space;
 * otherwise joined by ';'), or else the first detail. */
static void w_top_reasons(wbuf *w, const ms_result *res, esc_mode mode)
{
    size_t shown = 0;
    for (size_t i = 0; i < res->n_reasons && shown < 3; i++) {
        const char *t = res->reasons[i].term;
        if (!t)
            continue;
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = res->reasons[j].term && strcmp(res->reasons[j].term, t) == 0;
        if (dup)
            continue;
        if (shown++)
            w_add(w, mode == ESC_TEXT ? " " : ";", 1);
        if (mode == ESC_TEXT)
            w_add(w, "\"", 1);
        w_clean(w, t, strlen(t), mode);
        if (mode == ESC_TEXT)
            w_add(w, "\"", 1);
    }
    if (shown)
        return;
    for (size_t i = 0; i < res->n_reasons; i++) {
        if (res->reasons[i].detail) {
            w_clean(w, res->reasons[i].detail, strlen(res->reasons[i].detail), mode);
            return;
        }
    }
}

static char *take(wbuf *w)
{
    if (w->nomem) {
        ms_buf_free(&w->b);
        return NULL;
    }
    if (!w->b.data)
        return ms_strdup0("");
    char *s = w->b.data;
    w->b.data = NULL;
    w->b.len = w->b.cap = 0;
    return s;
}

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

static ms_status text_add_row(ms_reporter *r, const ms_comment *c, const ms_result *res)
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
    row.cell[COL_ID] = take(&w);
    if (c && c->author)
        w_clean(&w, c->author, strlen(c->author), ESC_TEXT);
    row.cell[COL_AUTHOR] = take(&w);
    if (res->has_hostility)
        w_fixed(&w, res->hostility, 2, 0, 0, "nan");
    else
        w_add(&w, "-", 1);
    row.cell[COL_HOST] = take(&w);
    if (res->has_off_topic)
        w_fixed(&w, res->off_topic, 2, 0, 0, "nan");
    else
        w_add(&w, "-", 1);
    row.cell[COL_OFF] = take(&w);
    w_fixed(&w, res->sentiment, 2, 0, 1, "nan");
    row.cell[COL_SENT] = take(&w);
    for (size_t i = 0; i < r->n_extra; i++) {
        double v;
        if (score_of(res, r->extra[i], &v))
            w_fixed(&w, v, 2, 0, 0, "nan");
        else
            w_add(&w, "-", 1);
        row.cell[N_COLS + i] = take(&w);
    }
    const int n_cols = N_COLS + (int)r->n_extra;
    w_adds(&w, ms_action_name(res->action));
    row.cell[COL_ACTION] = take(&w);
    w_top_reasons(&w, res, ESC_TEXT);
    row.cell[COL_REASONS] = take(&w);
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
        if (!cs->has_score || !cs->category || !isfinite(cs->score) || is_legacy(cs->category))
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
        r->sum_s += res->sentiment;

    wbuf w = {{0}, 0};
    switch (r->format) {
    case MS_OUTPUT_JSONL:
        w_record(&w, c, res, 0);
        w_add(&w, "\n", 1);
        return emit(r, &w, 1);
    case MS_OUTPUT_JSON:
        w_adds(&w, r->n_in_doc++ ? ",\n    " : "\n    ");
        w_record(&w, c, res, 1);
        return emit(r, &w, 0);
    case MS_OUTPUT_CSV:
        csv_cfield(&w, c ? c->id : NULL);
        w_add(&w, ",", 1);
        csv_cfield(&w, c ? c->author : NULL);
        w_add(&w, ",", 1);
        if (res->has_hostility)
            w_fixed(&w, res->hostility, 4, 1, 0, "");
        w_add(&w, ",", 1);
        if (res->has_off_topic)
            w_fixed(&w, res->off_topic, 4, 1, 0, "");
        w_add(&w, ",", 1);
        w_fixed(&w, res->sentiment, 4, 1, 0, "");
        w_add(&w, ",", 1);
        w_adds(&w, ms_action_name(res->action));
        w_add(&w, ",", 1);
        w_flags(&w, res, ";", 0);
        w_add(&w, ",", 1);
        {
            wbuf reasons = {{0}, 0};
            w_top_reasons(&reasons, res, ESC_RAW);
            /* joined first, then quoted as one field */
            char *joined = take(&reasons);
            if (!joined)
                w.nomem = 1;
            else
                csv_cfield(&w, joined);
            free(joined);
        }
        w_add(&w, ",", 1);
        for (size_t i = 0; i < r->n_extra; i++) {
            double v;
            w_add(&w, ",", 1);
            if (score_of(res, r->extra[i], &v))
                w_fixed(&w, v, 4, 1, 0, "");
        }
        w_adds(&w, "\r\n");
        return emit(r, &w, 1);
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
        return emit(r, &w, 1);
    }
    if (r->format == MS_OUTPUT_CSV) {
        w_adds(&w, ",,,,,error,,,");
        wbuf msg = {{0}, 0};
        w_adds(&msg, "line ");
        w_fmt_int(&msg, line);
        w_adds(&msg, ": ");
        w_adds(&msg, message);
        char *m = take(&msg);
        if (!m)
            w.nomem = 1;
        else
            csv_cfield(&w, m);
        free(m);
        for (size_t i = 0; i < r->n_extra; i++)
            w_add(&w, ",", 1);
        w_adds(&w, "\r\n");
        return emit(r, &w, 1);
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

static void w_pad(wbuf *w, size_t n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        w_add(w, spaces, k);
        n -= k;
    }
}

static void text_table(ms_reporter *r, wbuf *w)
{
    static const char *const fixed_heads[N_COLS] = {"ID", "AUTHOR", "HOSTILITY", "OFF-TOPIC",
                                                    "SENTIMENT", "ACTION", "REASONS"};
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
        w_key(w, &f2, "hostility");
        w_num(w, r->sum_h / (double)r->n_h);
    }
    if (r->n) {
        w_key(w, &f2, "sentiment");
        w_num(w, r->sum_s / (double)r->n);
    }
    if (r->n_o) {
        w_key(w, &f2, "off_topic");
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

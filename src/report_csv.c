/* report_csv.c - CSV fields and rows. */
#include "report_priv.h"

#include <stdlib.h>
#include <string.h>

/* A field, quoted when it holds a comma, quote or line break. One that a
 * spreadsheet would take for a formula (it starts with = + - @, a tab or a
 * CR) is quoted and starts with a ' as OWASP advises (CSV injection): the
 * text of a comment or an author's name is never run as a formula. */
static void csv_field(wbuf *w, const char *s, size_t n)
{
    int formula = n && s[0] && strchr("=+-@\t\r", s[0]) != NULL;
    int quote = formula;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        w_add(w, "\"", 1);
    if (formula)
        w_add(w, "'", 1);
    w_clean(w, s, n, ESC_CSV);
    if (quote)
        w_add(w, "\"", 1);
}

void csv_cfield(wbuf *w, const char *s)
{
    if (s)
        csv_field(w, s, strlen(s));
}

/* CSV: RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote
 * or line break). Columns:
 *   id,author,hostility,off_topic,sentiment,action,flags,reasons,error
 * then one column per further loaded category (ms_reporter_set_models), in
 * the models' order: appended, so that the columns of earlier versions
 * keep their places; then language (the comment's, when detected) and notes
 * (why a score is missing: "not scored: German (de)"). flags, reasons and
 * notes are joined by ';' (reasons: each reason's term, or its detail when
 * it has none). A score that is absent is an empty field. An
 * input line that could not be read is a row with the action "error", the
 * other fields empty, and "line N: message" in the error column, so the rows
 * still line up with the input. */
static const char csv_header[] = "id,author,hostility,off_topic,sentiment,action,flags,reasons,error";

void csv_header_row(const ms_reporter *r, wbuf *w)
{
    w_adds(w, csv_header);
    for (size_t i = 0; i < r->n_extra; i++) {
        w_add(w, ",", 1);
        csv_cfield(w, r->extra[i]);
    }
    w_adds(w, ",language,notes\r\n");
}

static void w_top_reasons_raw(wbuf *w, const ms_result *res)
{
    w_top_reasons(w, res, ESC_RAW);
}

static void w_notes_plain_semi(wbuf *w, const ms_result *res)
{
    w_notes_plain(w, res, ";", ESC_RAW);
}

/* A field made of several parts (reasons, notes): joined first, then
 * quoted as one field. */
static void csv_joined(wbuf *w, const ms_result *res, void (*parts)(wbuf *, const ms_result *))
{
    wbuf joined = {{0}, 0};
    parts(&joined, res);
    char *s = w_take(&joined);
    if (!s)
        w->nomem = 1;
    else
        csv_cfield(w, s);
    free(s);
}

void csv_row(const ms_reporter *r, wbuf *w, const ms_comment *c, const ms_result *res)
{
    csv_cfield(w, c ? c->id : NULL);
    w_add(w, ",", 1);
    csv_cfield(w, c ? c->author : NULL);
    w_add(w, ",", 1);
    if (res->has_hostility)
        w_fixed(w, res->hostility, 4, 1, 0, "");
    w_add(w, ",", 1);
    if (res->has_off_topic)
        w_fixed(w, res->off_topic, 4, 1, 0, "");
    w_add(w, ",", 1);
    w_fixed(w, res->sentiment, 4, 1, 0, "");
    w_add(w, ",", 1);
    w_adds(w, ms_action_name(res->action));
    w_add(w, ",", 1);
    w_flags(w, res, ";", 0);
    w_add(w, ",", 1);
    csv_joined(w, res, w_top_reasons_raw);
    w_add(w, ",", 1);
    for (size_t i = 0; i < r->n_extra; i++) {
        double v;
        w_add(w, ",", 1);
        if (score_of(res, r->extra[i], &v))
            w_fixed(w, v, 4, 1, 0, "");
    }
    w_add(w, ",", 1);
    csv_cfield(w, res->language);
    w_add(w, ",", 1);
    csv_joined(w, res, w_notes_plain_semi);
    w_adds(w, "\r\n");
}

void csv_error_row(const ms_reporter *r, wbuf *w, long line, const char *message)
{
    w_adds(w, ",,,,,error,,,");
    wbuf msg = {{0}, 0};
    w_adds(&msg, "line ");
    w_fmt_int(&msg, line);
    w_adds(&msg, ": ");
    w_adds(&msg, message);
    char *m = w_take(&msg);
    if (!m)
        w->nomem = 1;
    else
        csv_cfield(w, m);
    free(m);
    for (size_t i = 0; i < r->n_extra; i++)
        w_add(w, ",", 1);
    w_adds(w, ",,\r\n");
}

/* report_priv.h - what the reporter's files share: the sticky buffer and
 * its escapers (report_write.c), the record behind JSON, JSON Lines and
 * ms_result_json (report_record.c), the text table (report_text.c), the
 * CSV rows (report_csv.c) and the reporter itself (report.c). Not
 * installed. */
#ifndef MS_REPORT_PRIV_H
#define MS_REPORT_PRIV_H

#include "modscore.h"
#include "report_html.h"
#include "util.h"

#include <stdio.h>

/* ------------------------------------------------------------------------
 * A buffer whose failures are sticky, so builders can write straight-line
 * code and check once at the end (report_write.c). */

typedef struct wbuf {
    ms_buf b;
    int nomem;
} wbuf;
void w_add(wbuf *w, const char *s, size_t n);
void w_adds(wbuf *w, const char *s);
void w_fmt_int(wbuf *w, long long v);

/* ESC_RAW only repairs UTF-8 (for text that is escaped later, as a whole). */
typedef enum esc_mode { ESC_JSON, ESC_CSV, ESC_TEXT, ESC_RAW } esc_mode;

/* Appends s[0..n) as valid UTF-8, escaped for mode. Returns the display
 * width (for ESC_TEXT; roughly, by code point). */
size_t w_clean(wbuf *w, const char *s, size_t n, esc_mode mode);
/* A JSON string; w_json_cstr writes null for NULL. */
void w_json_str(wbuf *w, const char *s, size_t n);
void w_json_cstr(wbuf *w, const char *s);

/* "key": with the comma that precedes it unless first. */
void w_key(wbuf *w, int *first, const char *key);

/* v rounded to `decimals` places, written without the locale. trim drops
 * trailing zeros (keeping one); plus writes '+' before positive values.
 * Non-finite values are written as `nonfinite`. */
void w_fixed(wbuf *w, double v, int decimals, int trim, int plus, const char *nonfinite);
/* A score or weight in a record: 4 decimals, trimmed, null when not finite. */
void w_num(wbuf *w, double v);

/* The buffer's bytes as a string the caller frees (w is emptied); NULL
 * when a write failed. */
char *w_take(wbuf *w);
/* n spaces. */
void w_pad(wbuf *w, size_t n);

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * The reporter. */

/* Text table columns: the fixed ones, with the extra categories' scores
 * (every loaded category but hostility and off_topic) between OFF-TOPIC and
 * SENTIMENT. */
enum {
    COL_ID, COL_AUTHOR, COL_HOST, COL_OFF, COL_SENT, COL_LANG, COL_ACTION, COL_REASONS,
    COL_NOTES, N_COLS
};
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
    int flush_each;  /* JSONL/CSV records flushed one by one: only to a terminal */
    int open;        /* between begin and end */
    int csv_header;  /* the CSV header has been written */
    size_t n_in_doc; /* JSON: records written in the open document */
    /* summary of the open report */
    size_t n, actions[3];
    double sum_h, sum_s, sum_o;
    size_t n_h, n_o, n_s;
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
    ms_buf spare;  /* the last record's buffer, emptied: the next one's */
};

/* ------------------------------------------------------------------------
 * The record (report_record.c). */

/* The flagged categories' names (in the models' order), then "deny", each
 * quoted for JSON (quote 1) or as is, separated by sep. A result without
 * scores (built by hand) has its MS_FLAG_* bits named. */
void w_flags(wbuf *w, const ms_result *res, const char *sep, int quote);

/* The score of a category in a result (the legacy fields when it has no
 * scores). 1 when it has one. */
int score_of(const ms_result *res, const char *name, double *v);
/* The record of one comment (c may be NULL); with_text: the JSON
 * document's, which carries the text. */
void w_record(wbuf *w, const ms_comment *c, const ms_result *res, int with_text);

/* The notes for people, separated by sep and escaped for mode: the
 * MS_NOTE_* names, "not scored: German (de)" or "partly not scored:
 * Russian (ru)", "off_topic_missing: no article". Nothing when none. */
void w_notes_plain(wbuf *w, const ms_result *res, const char *sep, esc_mode mode);

/* Up to three distinct terms (ESC_TEXT: quoted and separated by a space;
 * otherwise joined by ';'), or else the first detail. */
void w_top_reasons(wbuf *w, const ms_result *res, esc_mode mode);

/* ------------------------------------------------------------------------
 * The text table (report_text.c). */

/* Holds one row (cells cleaned, id and author cut to a width). */
ms_status text_add_row(ms_reporter *r, const ms_comment *c, const ms_result *res);

/* The table of the held rows, the counts and the input errors. */
void text_table(ms_reporter *r, wbuf *w);

/* ------------------------------------------------------------------------
 * CSV (report_csv.c). */

/* A field, quoted when it must be; nothing for NULL. */
void csv_cfield(wbuf *w, const char *s);
/* One comment's row. */
void csv_row(const ms_reporter *r, wbuf *w, const ms_comment *c, const ms_result *res);
/* The row of an input line that could not be read. */
void csv_error_row(const ms_reporter *r, wbuf *w, long line, const char *message);

/* The header row: the fixed columns, then the extra categories'. */
void csv_header_row(const ms_reporter *r, wbuf *w);

#endif

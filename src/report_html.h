/* report_html.h - the HTML reporter behind ms_reporter (MS_OUTPUT_HTML).
 *
 * One self-contained page per discussion: the article title, a summary
 * (counts per action, an inline SVG histogram of the hostility and off-topic
 * scores with the policy's thresholds), the thread as an indented tree with
 * each comment's scores, action badge and the words behind its flags
 * highlighted from the reasons' byte spans, and filters that work with
 * neither a server nor JavaScript (CSS on checkboxes and radio buttons; a
 * small inline script only updates the "showing N of M" line).
 *
 * The page fetches nothing: a Content-Security-Policy meta tag allows only
 * the inline style and script and data: images. Every byte taken from the
 * input is escaped (& < > " ' as entities, invalid UTF-8 and control
 * characters as U+FFFD).
 *
 * Records are held until ms_html_end, which needs the whole thread: the
 * comment and result given to ms_html_comment are copied (the caller frees
 * them after the call). */
#ifndef MS_REPORT_HTML_H
#define MS_REPORT_HTML_H

#include "modscore.h"
#include "util.h"

#include <stdio.h>

typedef struct ms_html ms_html;

/* stream and policy are borrowed and must outlive the writer; policy may be
 * NULL (the built-in default thresholds are drawn). OUT: *out, free with
 * ms_html_free. MS_ERR_ARG without a stream, MS_ERR_NOMEM. */
ms_status ms_html_new(FILE *stream, const ms_policy *policy, ms_html **out);
void ms_html_free(ms_html *h);

/* Starts a discussion (drops anything held); article may be NULL. The
 * title and id are copied. */
ms_status ms_html_begin(ms_html *h, const ms_article *article);

/* Holds a copy of one comment (may be NULL) and its result. */
ms_status ms_html_comment(ms_html *h, const ms_comment *c, const ms_result *res);

/* Holds an input line that could not be read; listed in the summary. */
ms_status ms_html_error(ms_html *h, long line, const char *message);

/* Writes the page for what is held, flushes the stream and drops the held
 * records. MS_ERR_IO when any write failed, MS_ERR_NOMEM. */
ms_status ms_html_end(ms_html *h);

/* Appends s[0..n) to b as HTML text: & < > " ' become entities, invalid
 * UTF-8 and control characters U+FFFD, and line breaks "<br>" when br is
 * set (else a space). Exposed for the tests. */
ms_status ms_html_escape(ms_buf *b, const char *s, size_t n, int br);

#endif

/* server_log.h - lines of the service's log (src/server.c): built in
 * memory, then written with one call, so lines written by several threads
 * never interleave, and with every byte that could forge or garble a line
 * escaped.
 *
 * Escaping: in a field (srv_line_field: method, path, communityId) every
 * byte outside printable ASCII, the space and the backslash are written as
 * \xHH, so a field is one space-free token and "%0a" in a URL shows as
 * \x0a; in free text (srv_line_text: messages) control characters, DEL and
 * the backslash are \xHH and spaces stay.
 *
 * OWNERSHIP: a srv_line owns its buffer until srv_line_write, which frees
 * it. Out of memory truncates the line; it never fails the request. */
#ifndef MS_SERVER_LOG_H
#define MS_SERVER_LOG_H

#include <stddef.h>
#include <stdio.h>

typedef struct srv_line {
    char *buf;
    size_t len, cap;
    int oom;
} srv_line;

/* Appends trusted text (the log's own words and numbers), printf-style. */
void srv_line_addf(srv_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends n bytes of untrusted data as one field. */
void srv_line_field(srv_line *l, const char *s, size_t n);

/* Appends n bytes of untrusted free text. */
void srv_line_text(srv_line *l, const char *s, size_t n);

/* Writes the line and a newline to f in one write (fwrite + fflush under
 * the stream's lock) and frees it. */
void srv_line_write(srv_line *l, FILE *f);

#endif

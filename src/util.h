/* util.h - small shared helpers: error filling, growable buffers, files. */
#ifndef MS_UTIL_H
#define MS_UTIL_H

#include "modscore.h"

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define MS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MS_PRINTF(a, b)
#endif

/* Fills err (when not NULL) and returns code, so callers can write
 * `return ms_fail(err, MS_ERR_PARSE, src, line, col, "bad %s", what);`. */
ms_status ms_fail(ms_error *err, ms_status code, const char *source, long line, long column,
                  const char *fmt, ...) MS_PRINTF(6, 7);

/* A growable byte buffer; always NUL-terminated once anything is added. */
typedef struct ms_buf {
    char *data;
    size_t len;
    size_t cap;
} ms_buf;

ms_status ms_buf_reserve(ms_buf *b, size_t extra);
ms_status ms_buf_add(ms_buf *b, const char *s, size_t n);
ms_status ms_buf_addc(ms_buf *b, char c);
ms_status ms_buf_adds(ms_buf *b, const char *s);
ms_status ms_buf_printf(ms_buf *b, const char *fmt, ...) MS_PRINTF(2, 3);
void ms_buf_free(ms_buf *b);

/* Makes the array *p (of *cap elements of elem bytes) hold at least need
 * elements, doubling; MS_ERR_NOMEM leaves it as it was. */
ms_status ms_grow(void **p, size_t *cap, size_t need, size_t elem);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or
 * values past U+10FFFF), else 0. */
int ms_utf8_valid(const char *s, size_t n);

/* Copies n bytes into a new NUL-terminated string; NULL when out of memory. */
char *ms_strndup(const char *s, size_t n);
/* ms_strndup of a NUL-terminated string; NULL in, NULL out. */
char *ms_strdup0(const char *s);

/* Reads a whole file (or stdin for "-") into *data (NUL-terminated; free
 * with free()). Fails with MS_ERR_NOT_FOUND, MS_ERR_IO or MS_ERR_LIMIT
 * (more than max bytes). */
ms_status ms_read_file(const char *path, size_t max, char **data, size_t *len, ms_error *err);

/* Writes data to path atomically: a temporary file beside it, fsync,
 * rename. The old file survives any failure. */
ms_status ms_write_file_atomic(const char *path, const char *data, size_t len, ms_error *err);

/* Parses a double with '.' as the decimal point whatever the locale.
 * Returns 0 on success. */
int ms_parse_double(const char *s, size_t n, double *out);

/* splitmix64: a small seedable generator whose state is the caller's (no
 * global state, no rand()): the same seed gives the same sequence. */
uint64_t ms_random_next(uint64_t *state);

/* 64-bit FNV-1a, for content hashes in model cards. */
uint64_t ms_hash64(const void *data, size_t len, uint64_t seed);

/* Seconds on a monotonic clock. */
double ms_now(void);

#endif

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

/* A string literal with its length, for the short word lists asked of
 * every token (no strlen per entry per token): MS_LIT("you"). */
typedef struct ms_lit {
    const char *s;
    size_t n;
} ms_lit;
#define MS_LIT(lit) {lit, sizeof(lit) - 1}

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

/* A map from NUL-terminated strings (borrowed: they must outlive the map)
 * to indexes, for finding things by id in linear time overall. Open
 * addressing, at most half full, seeded per map so that crafted keys
 * cannot make every lookup collide. */
typedef struct ms_strmap {
    const char **keys;
    size_t *vals;
    size_t mask, n;
    uint64_t seed;
} ms_strmap;

/* An empty map sized for about expected keys. MS_ERR_NOMEM on failure. */
ms_status ms_strmap_init(ms_strmap *m, size_t expected);
/* Sets key's value (replacing an earlier one); grows as needed. */
ms_status ms_strmap_put(ms_strmap *m, const char *key, size_t val);
/* key's value, or SIZE_MAX when absent. */
size_t ms_strmap_get(const ms_strmap *m, const char *key);
void ms_strmap_free(ms_strmap *m);

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

/* ms_read_file for files that must be regular (model files): a FIFO, a
 * device or a directory is MS_ERR_IO ("not a regular file") without ever
 * blocking on it. "-" is not accepted. */
ms_status ms_read_regular_file(const char *path, size_t max, char **data, size_t *len,
                               ms_error *err);

/* Opens path read-only, refusing anything but a regular file: opened with
 * O_NONBLOCK (a FIFO never blocks the open), checked with fstat, then
 * O_NONBLOCK is cleared. OUT: *fd (close it). MS_ERR_NOT_FOUND when absent,
 * MS_ERR_IO otherwise. */
ms_status ms_open_regular(const char *path, int *fd, ms_error *err);

/* Opens path for appending only (O_APPEND, created 0644 when absent), for
 * logs and feedback files that several writers share: never follows a
 * symlink (O_NOFOLLOW), refuses anything but a regular file (a FIFO or a
 * device, without blocking on it), close-on-exec. Write each record with
 * one write() so that concurrent records never interleave. OUT: *fd.
 * MS_ERR_CANT_CREATE when refused, MS_ERR_IO otherwise. */
ms_status ms_open_append(const char *path, int *fd, ms_error *err);

/* A file written beside its target and renamed over it when complete.
 * The temporary is made by mkstemp in the target's directory (a unique
 * name opened O_EXCL: a symlink planted there is never followed). A target
 * that is a symlink to a regular file is replaced where it points (the
 * link stays). A target that exists and is not a regular file (a device,
 * a FIFO) is written directly and never replaced (tmp is NULL then); a
 * directory is refused. */
typedef struct ms_outfile {
    int fd;     /* write here; -1 once committed or aborted */
    char *path; /* the file replaced (or written directly) */
    char *tmp;  /* the temporary, NULL when writing directly */
} ms_outfile;

/* OUT: *o. MS_ERR_CANT_CREATE when the target is a directory or the
 * temporary cannot be created; nothing is left behind on failure. */
ms_status ms_outfile_open(ms_outfile *o, const char *path, ms_error *err);
/* Writes all of data to o->fd (retrying short writes). MS_ERR_IO on failure. */
ms_status ms_outfile_write(ms_outfile *o, const char *data, size_t len, ms_error *err);
/* Makes the write final: fsync, close, rename over the target (only over a
 * regular file, or where nothing is), fsync the directory. On failure the
 * temporary is removed and the target is as it was: MS_ERR_IO, or
 * MS_ERR_CANT_CREATE when the target stopped being a regular file. */
ms_status ms_outfile_commit(ms_outfile *o, ms_error *err);
/* Closes and removes the temporary; the target is untouched. Safe after
 * a commit, and twice. */
void ms_outfile_abort(ms_outfile *o);

/* Writes data to path atomically with ms_outfile (temporary beside it,
 * fsync, rename, fsync of the directory). The old file survives any
 * failure. */
ms_status ms_write_file_atomic(const char *path, const char *data, size_t len, ms_error *err);

/* fsync of a directory (after a rename in it, so the rename survives a
 * crash); 0 on success, also where the filesystem cannot (EINVAL). */
int ms_fsync_dir(const char *dir);

/* Parses a double with '.' as the decimal point whatever the locale.
 * Returns 0 on success. */
int ms_parse_double(const char *s, size_t n, double *out);

/* splitmix64: a small seedable generator whose state is the caller's (no
 * global state, no rand()): the same seed gives the same sequence. */
uint64_t ms_random_next(uint64_t *state);

/* 64-bit FNV-1a, for content hashes in model cards. */
uint64_t ms_hash64(const void *data, size_t len, uint64_t seed);
/* A faster 64-bit hash, eight bytes at a time (not FNV: the compiled
 * files' checksums, never a card's recorded hash). */
uint64_t ms_hash64_fast(const void *data, size_t len, uint64_t seed);

/* Seconds on a monotonic clock. */
double ms_now(void);

#endif

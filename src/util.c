/* util.c - small shared helpers; see util.h. */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

ms_status ms_fail(ms_error *err, ms_status code, const char *source, long line, long column,
                  const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

ms_status ms_buf_reserve(ms_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return MS_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2)
            return MS_ERR_NOMEM;
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p)
        return MS_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return MS_OK;
}

ms_status ms_buf_add(ms_buf *b, const char *s, size_t n)
{
    if (ms_buf_reserve(b, n) != MS_OK)
        return MS_ERR_NOMEM;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return MS_OK;
}

ms_status ms_buf_addc(ms_buf *b, char c) { return ms_buf_add(b, &c, 1); }

ms_status ms_buf_adds(ms_buf *b, const char *s) { return ms_buf_add(b, s, strlen(s)); }

ms_status ms_buf_printf(ms_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return MS_ERR_INTERNAL;
    if (ms_buf_reserve(b, (size_t)n) != MS_OK)
        return MS_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return MS_OK;
}

void ms_buf_free(ms_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

ms_status ms_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return MS_OK;
    size_t c = *cap ? *cap : 64;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem)
            return MS_ERR_NOMEM;
        c *= 2;
    }
    void *q = realloc(*p, c * elem);
    if (!q)
        return MS_ERR_NOMEM;
    *p = q;
    *cap = c;
    return MS_OK;
}

ms_status ms_strmap_init(ms_strmap *m, size_t expected)
{
    size_t cap = 16;
    while (cap < 2 * expected) {
        if (cap > SIZE_MAX / 4 / sizeof(size_t))
            return MS_ERR_NOMEM;
        cap *= 2;
    }
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = calloc(cap, sizeof *m->vals);
    m->mask = cap - 1;
    m->n = 0;
    /* a different seed per map and per run (the heap address varies) */
    uint64_t s = (uint64_t)(uintptr_t)m->keys ^ (uint64_t)(ms_now() * 1e9);
    m->seed = ms_random_next(&s);
    if (!m->keys || !m->vals) {
        ms_strmap_free(m);
        return MS_ERR_NOMEM;
    }
    return MS_OK;
}

void ms_strmap_free(ms_strmap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->mask = m->n = 0;
}

static size_t strmap_slot(const ms_strmap *m, const char *k)
{
    uint64_t h = ms_hash64(k, strlen(k), m->seed);
    size_t i = (size_t)(h ^ (h >> 29)) & m->mask;
    while (m->keys[i] && strcmp(m->keys[i], k) != 0)
        i = (i + 1) & m->mask;
    return i;
}

ms_status ms_strmap_put(ms_strmap *m, const char *key, size_t val)
{
    if (2 * (m->n + 1) > m->mask + 1) {
        ms_strmap bigger;
        if (ms_strmap_init(&bigger, m->mask + 1) != MS_OK)
            return MS_ERR_NOMEM;
        for (size_t i = 0; i <= m->mask; i++)
            if (m->keys[i]) {
                size_t j = strmap_slot(&bigger, m->keys[i]);
                bigger.keys[j] = m->keys[i];
                bigger.vals[j] = m->vals[i];
            }
        bigger.n = m->n;
        ms_strmap_free(m);
        *m = bigger;
    }
    size_t i = strmap_slot(m, key);
    m->n += !m->keys[i];
    m->keys[i] = key;
    m->vals[i] = val;
    return MS_OK;
}

size_t ms_strmap_get(const ms_strmap *m, const char *key)
{
    if (!m->keys)
        return SIZE_MAX;
    size_t i = strmap_slot(m, key);
    return m->keys[i] ? m->vals[i] : SIZE_MAX;
}

int ms_utf8_valid(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (i + 8 <= n) { /* ASCII eight bytes at a time: most text is */
            uint64_t eight;
            memcpy(&eight, s + i, 8);
            if (!(eight & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t c;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
        if (k < 1)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

char *ms_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ms_strdup0(const char *s) { return s ? ms_strndup(s, strlen(s)) : NULL; }

/* Reads f to its end into *data (NUL-terminated), at most max bytes. */
static ms_status read_stream(FILE *f, const char *name, size_t max, char **data, size_t *len,
                             ms_error *err)
{
    ms_buf b = {0};
    char chunk[65536];
    size_t n;
    ms_status st = MS_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max) {
            st = ms_fail(err, MS_ERR_LIMIT, name, 0, 0, "input larger than the %zu-byte limit",
                         max);
            break;
        }
        if (ms_buf_add(&b, chunk, n) != MS_OK) {
            st = ms_fail(err, MS_ERR_NOMEM, name, 0, 0, "out of memory");
            break;
        }
    }
    if (st == MS_OK && ferror(f))
        st = ms_fail(err, MS_ERR_IO, name, 0, 0, "read error: %s", strerror(errno));
    if (st == MS_OK && !b.data && ms_buf_add(&b, "", 0) != MS_OK)
        st = ms_fail(err, MS_ERR_NOMEM, name, 0, 0, "out of memory");
    if (st != MS_OK) {
        ms_buf_free(&b);
        return st;
    }
    *data = b.data;
    *len = b.len;
    return MS_OK;
}

ms_status ms_read_file(const char *path, size_t max, char **data, size_t *len, ms_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    *data = NULL;
    *len = 0;
    if (!f)
        return ms_fail(err, errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_IO, name, 0, 0, "%s",
                       strerror(errno));
    ms_status st = read_stream(f, name, max, data, len, err);
    if (!is_stdin)
        fclose(f);
    return st;
}

ms_status ms_open_regular(const char *path, int *fd, ms_error *err)
{
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (*fd < 0)
        return ms_fail(err, errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_IO, path, 0, 0, "%s",
                       strerror(errno));
    struct stat sb = {0};
    int flags;
    if (fstat(*fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (flags = fcntl(*fd, F_GETFL)) < 0 ||
        fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int regular = S_ISREG(sb.st_mode);
        close(*fd);
        *fd = -1;
        return ms_fail(err, MS_ERR_IO, path, 0, 0, "%s",
                       regular ? strerror(errno) : "not a regular file");
    }
    return MS_OK;
}

ms_status ms_read_regular_file(const char *path, size_t max, char **data, size_t *len,
                               ms_error *err)
{
    *data = NULL;
    *len = 0;
    int fd;
    ms_status st = ms_open_regular(path, &fd, err);
    if (st != MS_OK)
        return st;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    st = read_stream(f, path, max, data, len, err);
    fclose(f);
    return st;
}

ms_status ms_open_append(const char *path, int *fd, ms_error *err)
{
    *fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
               0644);
    if (*fd < 0) {
        int e = errno;
        /* ELOOP: a symlink; ENXIO: a FIFO nobody reads; EISDIR: a directory */
        int refused = e == ELOOP || e == ENXIO || e == EISDIR;
        return ms_fail(err, refused ? MS_ERR_CANT_CREATE : MS_ERR_IO, path, 0, 0, "%s",
                       e == ELOOP ? "a symbolic link: refused"
                       : refused  ? "not a regular file: refused"
                                  : strerror(e));
    }
    struct stat sb = {0};
    int flags;
    if (fstat(*fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (flags = fcntl(*fd, F_GETFL)) < 0 ||
        fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int regular = S_ISREG(sb.st_mode);
        int e = errno;
        close(*fd);
        *fd = -1;
        return ms_fail(err, regular ? MS_ERR_IO : MS_ERR_CANT_CREATE, path, 0, 0, "%s",
                       regular ? strerror(e) : "not a regular file: refused");
    }
    return MS_OK;
}

int ms_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    if (r != 0 && (errno == EINVAL || errno == EROFS))
        r = 0;
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

/* The directory part of path: "." when it has none. NULL when out of memory. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ms_strdup0(".");
    return ms_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* A device or FIFO named by the user: written in place, never replaced. */
static ms_status open_direct(ms_outfile *o, const char *path, ms_error *err)
{
    struct stat sb;
    o->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (o->fd < 0)
        return ms_fail(err, MS_ERR_CANT_CREATE, path, 0, 0, "%s", strerror(errno));
    if (fstat(o->fd, &sb) != 0 || S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode)) {
        /* it changed since we looked: start again rather than guess */
        ms_outfile_abort(o);
        return ms_fail(err, MS_ERR_CANT_CREATE, path, 0, 0, "changed while being opened");
    }
    if (!(o->path = ms_strdup0(path))) {
        ms_outfile_abort(o);
        return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    return MS_OK;
}

ms_status ms_outfile_open(ms_outfile *o, const char *path, ms_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (!exists && errno != ENOENT)
        return ms_fail(err, MS_ERR_CANT_CREATE, path, 0, 0, "%s", strerror(errno));
    if (exists && S_ISDIR(sb.st_mode))
        return ms_fail(err, MS_ERR_CANT_CREATE, path, 0, 0, "is a directory");
    if (exists && !S_ISREG(sb.st_mode))
        return open_direct(o, path, err);
    /* a symlink to a regular file: replace the file it names */
    o->path = exists ? realpath(path, NULL) : ms_strdup0(path);
    ms_buf tmp = {0};
    if (!o->path || ms_buf_printf(&tmp, "%s.tmp.XXXXXX", o->path) != MS_OK) {
        ms_outfile_abort(o);
        return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    o->tmp = tmp.data;
    o->fd = mkostemp(o->tmp, O_CLOEXEC);
    if (o->fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        ms_outfile_abort(o);
        return ms_fail(err, MS_ERR_CANT_CREATE, path, 0, 0, "cannot create a temporary file: %s",
                       strerror(e));
    }
    /* the replacement keeps the old file's mode and owner */
    if (fchmod(o->fd, exists ? sb.st_mode & 07777 : 0644) != 0) {
        int e = errno;
        ms_outfile_abort(o);
        return ms_fail(err, MS_ERR_CANT_CREATE, path, 0, 0, "%s", strerror(e));
    }
    if (exists && (sb.st_uid != geteuid() || sb.st_gid != getegid()) &&
        fchown(o->fd, sb.st_uid, sb.st_gid) != 0) {
        /* not ours to give away (not root): the file becomes the writer's */
    }
    return MS_OK;
}

ms_status ms_outfile_write(ms_outfile *o, const char *data, size_t len, ms_error *err)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(o->fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return ms_fail(err, MS_ERR_IO, o->path, 0, 0, "write failed: %s",
                           w < 0 ? strerror(errno) : "no progress");
        off += (size_t)w;
    }
    return MS_OK;
}

ms_status ms_outfile_commit(ms_outfile *o, ms_error *err)
{
    if (o->fd < 0)
        return ms_fail(err, MS_ERR_INTERNAL, o->path, 0, 0, "output already closed");
    /* a device cannot be fsynced (EINVAL); a regular file must be */
    int ok = !o->tmp || fsync(o->fd) == 0;
    int e = errno;
    if (close(o->fd) != 0 && ok)
        ok = 0, e = errno;
    o->fd = -1;
    ms_status st = MS_OK;
    struct stat sb;
    if (!ok) {
        st = ms_fail(err, MS_ERR_IO, o->path, 0, 0, "write failed: %s", strerror(e));
    } else if (o->tmp && lstat(o->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        st = ms_fail(err, MS_ERR_CANT_CREATE, o->path, 0, 0,
                     "no longer a regular file: left as it is");
    } else if (o->tmp && rename(o->tmp, o->path) != 0) {
        st = ms_fail(err, MS_ERR_IO, o->path, 0, 0, "rename failed: %s", strerror(errno));
    } else if (o->tmp) {
        free(o->tmp);
        o->tmp = NULL; /* it is the target now */
        char *dir = dir_of(o->path);
        if (!dir || ms_fsync_dir(dir) != 0)
            st = ms_fail(err, MS_ERR_IO, o->path, 0, 0, "fsync of its directory failed: %s",
                         dir ? strerror(errno) : "out of memory");
        free(dir);
    }
    ms_outfile_abort(o);
    return st;
}

void ms_outfile_abort(ms_outfile *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
}

ms_status ms_write_file_atomic(const char *path, const char *data, size_t len, ms_error *err)
{
    ms_outfile o;
    ms_status st = ms_outfile_open(&o, path, err);
    if (st != MS_OK)
        return st;
    if ((st = ms_outfile_write(&o, data, len, err)) != MS_OK) {
        ms_outfile_abort(&o);
        return st;
    }
    return ms_outfile_commit(&o, err);
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

/* Short plain decimals ("-1.5", "0.25", "3"): up to 15 digits make an
 * exact integer and 10^k (k <= 15) is exact, so one IEEE division gives
 * the correctly rounded value, the one strtod returns (Clinger's fast
 * path). Returns 0 on success, -1 to leave the text to strtod. */
static int parse_short_decimal(const char *s, size_t n, double *out)
{
    static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = 0;
    int neg = 0, digits = 0, frac = -1;
    uint64_t m = 0;
    if (n > 0 && (s[0] == '-' || s[0] == '+'))
        neg = s[0] == '-', i = 1;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (++digits > 15)
                return -1;
            m = m * 10 + (uint64_t)(s[i] - '0');
            if (frac >= 0)
                frac++;
        } else if (s[i] == '.' && frac < 0) {
            frac = 0;
        } else {
            return -1;
        }
    }
    if (digits == 0)
        return -1;
    double v = (double)m / p10[frac > 0 ? frac : 0];
    *out = neg ? -v : v;
    return 0;
}

int ms_parse_double(const char *s, size_t n, double *out)
{
    if (parse_short_decimal(s, n, out) == 0)
        return 0;
    /* strtod_l with the "C" locale: a host program's setlocale() can never
     * turn the '.' of a model file into something else. */
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    pthread_once(&c_locale_once, make_c_locale);
    if (!c_locale)
        return -1;
    char *end;
    errno = 0;
    double v = strtod_l(tmp, &end, c_locale);
    while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
        end++;
    if (end == tmp || *end != '\0' || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

uint64_t ms_random_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t ms_hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

double ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ms_hash64_fast: xxHash64-like, see util.h */
#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static uint64_t lane(uint64_t acc, uint64_t v) { return rotl(acc + v * P2, 31) * P1; }

uint64_t ms_hash64_fast(const void *data, size_t len, uint64_t seed)
{
    /* four independent lanes (xxHash64's round), so the multiplies
     * overlap: about 8 bytes a cycle instead of FNV's byte every 4 */
    const unsigned char *p = data;
    uint64_t a = seed + P1 + P2, b = seed + P2, c = seed, d = seed - P1;
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        a = lane(a, rd64(p + i));
        b = lane(b, rd64(p + i + 8));
        c = lane(c, rd64(p + i + 16));
        d = lane(d, rd64(p + i + 24));
    }
    uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18) + (uint64_t)len;
    for (; i + 8 <= len; i += 8)
        h = rotl(h ^ lane(0, rd64(p + i)), 27) * P1 + P3;
    for (; i < len; i++)
        h = rotl(h ^ (p[i] * P3), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    return h ^ (h >> 32);
}

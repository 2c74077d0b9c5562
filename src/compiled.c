/* compiled.c - model.bin, the compiled form of a model directory; see
 * compiled.h. */
#define _GNU_SOURCE
#include "compiled.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "MSMODBIN"
#define HEADER 96
/* Same caps as the loaders of the text forms. */
#define MAX_DIM ((int32_t)1 << 26)
#define MAX_BYTES ((size_t)1 << 30)

/* ------------------------------------------------------------- hashing */

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

static int little_endian(void)
{
    const uint16_t one = 1;
    unsigned char c;
    memcpy(&c, &one, 1);
    return c == 1;
}

static size_t up8(size_t n) { return (n + 7) & ~(size_t)7; }

/* ------------------------------------------------------------- writing */

static void put32(ms_buf *b, uint32_t v) { ms_buf_add(b, (const char *)&v, 4); }
static void put64(ms_buf *b, uint64_t v) { ms_buf_add(b, (const char *)&v, 8); }
static void putf64(ms_buf *b, double v) { ms_buf_add(b, (const char *)&v, 8); }
static void pad8(ms_buf *b)
{
    while (b->len % 8)
        ms_buf_addc(b, 0);
}

static ms_status file_fnv(const char *path, uint64_t *h, ms_error *err)
{
    char *data;
    size_t len;
    ms_status st = ms_read_file(path, MAX_BYTES, &data, &len, err);
    if (st == MS_OK)
        *h = ms_hash64(data, len, 0);
    free(data);
    return st;
}

ms_status ms_compiled_write_dir(const char *dir, ms_error *err)
{
    if (!little_endian())
        return ms_fail(err, MS_ERR_ARG, dir, 0, 0, "model.bin is little-endian only");
    ms_buf svm = {0}, idfp = {0}, out = {0}, b = {0};
    ms_linear *lin = NULL;
    ms_idf idf = {0};
    uint64_t mh = 0, ih = 0;
    ms_status st = MS_ERR_NOMEM;
    if (ms_buf_printf(&svm, "%s/model.svm", dir) || ms_buf_printf(&idfp, "%s/idf.bin", dir) ||
        ms_buf_printf(&out, "%s/model.bin", dir)) {
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    if ((st = file_fnv(svm.data, &mh, err)) != MS_OK ||
        (st = ms_linear_load(svm.data, &lin, err)) != MS_OK ||
        (st = file_fnv(idfp.data, &ih, err)) != MS_OK ||
        (st = ms_idf_read(idfp.data, &idf, err)) != MS_OK)
        goto done;
    uint32_t wn = 0, in = 0;
    size_t nb = (size_t)1 << idf.bits;
    for (int32_t j = 0; j < lin->dim; j++)
        wn += lin->w[j] != 0;
    for (size_t k = 0; k < nb; k++)
        in += idf.idf[k] != 0;
    /* weights: indices (padded to 8), values; idf: indices and values
     * (padded to 8 together); checksum */
    size_t size = HEADER + up8((size_t)wn * 4) + (size_t)wn * 8 + up8((size_t)in * 8) + 8;
    if (ms_buf_reserve(&b, size) != MS_OK) {
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    ms_buf_add(&b, MAGIC, 8);
    put32(&b, MS_COMPILED_VERSION);
    put32(&b, HEADER);
    put64(&b, mh);
    put64(&b, ih);
    put32(&b, (uint32_t)lin->dim);
    put32(&b, (uint32_t)lin->positive_first);
    putf64(&b, lin->rho);
    putf64(&b, lin->prob_a);
    putf64(&b, lin->prob_b);
    put64(&b, idf.n_docs);
    put32(&b, wn);
    put32(&b, in);
    put32(&b, (uint32_t)idf.bits);
    put32(&b, 0);
    put64(&b, size);
    for (int32_t j = 0; j < lin->dim; j++)
        if (lin->w[j] != 0)
            put32(&b, (uint32_t)j);
    pad8(&b);
    for (int32_t j = 0; j < lin->dim; j++)
        if (lin->w[j] != 0)
            putf64(&b, lin->w[j]);
    for (size_t k = 0; k < nb; k++)
        if (idf.idf[k] != 0)
            put32(&b, (uint32_t)k);
    for (size_t k = 0; k < nb; k++)
        if (idf.idf[k] != 0)
            ms_buf_add(&b, (const char *)&idf.idf[k], 4);
    pad8(&b);
    put64(&b, ms_hash64_fast(b.data, b.len, 0));
    st = b.len == size ? ms_write_file_atomic(out.data, b.data, b.len, err)
                       : ms_fail(err, MS_ERR_INTERNAL, out.data, 0, 0, "size mismatch");
done:
    ms_linear_free(lin);
    free(idf.idf);
    ms_buf_free(&svm);
    ms_buf_free(&idfp);
    ms_buf_free(&out);
    ms_buf_free(&b);
    return st;
}

/* ------------------------------------------------------------- loading */

/* A zeroed array for dense lookups, freed with free(). Large ones are
 * 2 MB aligned and asked for transparent huge pages: filling 12 MB of
 * small pages costs thousands of page faults at start-up, and the random
 * lookups of scoring miss the TLB far less on huge pages. */
static void *dense_alloc(size_t bytes)
{
    /* calloc of a large block is a fresh mapping, zero without a memset */
    void *p = calloc(1, bytes);
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (p && b > a)
        madvise((void *)a, b - a, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
    /* one call maps every page, instead of a fault per page on first
     * write (costly in a virtual machine); harmless where unsupported */
    if (p) {
        uintptr_t s = (uintptr_t)p & ~(uintptr_t)4095;
        madvise((void *)s, (uintptr_t)p + bytes - s, MADV_POPULATE_WRITE);
    }
#endif
    return p;
}

ms_status ms_compiled_load(const char *path, uint64_t model_hash, uint64_t idf_hash,
                           int hash_bits, ms_linear **lin, ms_idf *idf, ms_error *err)
{
    *lin = NULL;
    memset(idf, 0, sizeof *idf);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ms_fail(err, errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_IO, path, 0, 0, "%s",
                       strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return ms_fail(err, MS_ERR_IO, path, 0, 0, "%s", strerror(errno));
    }
#define BAD(...) ms_fail(err, MS_ERR_MODEL, path, 0, 0, __VA_ARGS__)
    size_t len = (size_t)sb.st_size;
    if (len < HEADER + 8 || len > MAX_BYTES || len % 8) {
        close(fd);
        return BAD("compiled model has a bad size (damaged): delete it or run modscore compile");
    }
    const unsigned char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return ms_fail(err, MS_ERR_IO, path, 0, 0, "mmap: %s", strerror(errno));
    ms_status st = MS_ERR_MODEL;
    uint32_t version, header, pos, wn, in, bits;
    int32_t dim;
    uint64_t mh, ih, size;
    memcpy(&version, p + 8, 4);
    memcpy(&header, p + 12, 4);
    memcpy(&mh, p + 16, 8);
    memcpy(&ih, p + 24, 8);
    memcpy(&dim, p + 32, 4);
    memcpy(&pos, p + 36, 4);
    memcpy(&wn, p + 72, 4);
    memcpy(&in, p + 76, 4);
    memcpy(&bits, p + 80, 4);
    memcpy(&size, p + 88, 8);
    size_t widx = HEADER, wval = widx + up8((size_t)wn * 4), iidx = wval + (size_t)wn * 8,
           ival = iidx + (size_t)in * 4;
    if (!little_endian() || memcmp(p, MAGIC, 8) != 0) {
        BAD("not a compiled modscore model (bad magic)");
        goto out;
    }
    if (version != MS_COMPILED_VERSION || header != HEADER) {
        BAD("compiled model format %u, this modscore reads %d: run modscore compile", version,
            MS_COMPILED_VERSION);
        goto out;
    }
    if (size != len || (uint64_t)ival + (uint64_t)in * 4 > len ||
        up8(ival + (size_t)in * 4) + 8 != len) {
        BAD("compiled model size does not match its header (truncated or damaged)");
        goto out;
    }
    uint64_t sum;
    memcpy(&sum, p + len - 8, 8);
    if (sum != ms_hash64_fast(p, len - 8, 0)) {
        BAD("compiled model checksum mismatch (damaged): delete it or run modscore compile");
        goto out;
    }
    if (dim < 1 || dim > MAX_DIM + 1 || pos > 1 || bits < 8 || bits > 26 || wn > (uint32_t)dim ||
        in > (1u << bits)) {
        BAD("compiled model header out of range");
        goto out;
    }
    if (mh != model_hash || ih != idf_hash || (int)bits != hash_bits) {
        /* compiled from other files: the text forms decide */
        st = ms_fail(err, MS_ERR_NOT_FOUND, path, 0, 0, "compiled model is stale");
        goto out;
    }
    ms_linear *m = calloc(1, sizeof *m);
    float *tab = dense_alloc(((size_t)1 << bits) * sizeof *tab);
    double *w = m ? dense_alloc((size_t)dim * sizeof *w) : NULL;
    if (!m || !tab || !w) {
        free(m), free(tab), free(w);
        st = ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    int32_t prev = -1;
    for (uint32_t k = 0; k < wn; k++) {
        uint32_t j;
        double v;
        memcpy(&j, p + widx + (size_t)k * 4, 4);
        memcpy(&v, p + wval + (size_t)k * 8, 8);
        if ((int32_t)j <= prev || (int32_t)j >= dim || !isfinite(v))
            goto range;
        w[j] = v;
        prev = (int32_t)j;
    }
    prev = -1;
    for (uint32_t k = 0; k < in; k++) {
        uint32_t j;
        float v;
        memcpy(&j, p + iidx + (size_t)k * 4, 4);
        memcpy(&v, p + ival + (size_t)k * 4, 4);
        if ((int32_t)j <= prev || (j >> bits) || !isfinite(v))
            goto range;
        tab[j] = v;
        prev = (int32_t)j;
    }
    m->w = w;
    m->dim = dim;
    memcpy(&m->rho, p + 40, 8);
    memcpy(&m->prob_a, p + 48, 8);
    memcpy(&m->prob_b, p + 56, 8);
    m->positive_first = (int)pos;
    memcpy(&idf->n_docs, p + 64, 8);
    idf->bits = (int)bits;
    idf->idf = tab;
    *lin = m;
    st = MS_OK;
    goto out;
range:
    free(m), free(tab), free(w);
    BAD("compiled model holds an index or value out of range");
out:
#undef BAD
    munmap((void *)p, len);
    return st;
}

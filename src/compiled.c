/* compiled.c - model.bin, the compiled form of a model directory; see
 * compiled.h. */
#define _GNU_SOURCE
#include "compiled.h"

#include "card.h"
#include "lexicon.h"
#include "spans.h"

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
#define HEADER 128
#define ALIGN 4096
#define HSUM 120 /* header checksum offset: it covers the bytes before it */
/* Same caps as the loaders of the text forms. */
#define MAX_DIM ((int32_t)1 << 26)
#define MAX_BYTES ((size_t)1 << 30)

static int little_endian(void)
{
    const uint16_t one = 1;
    unsigned char c;
    memcpy(&c, &one, 1);
    return c == 1;
}

static size_t up_page(size_t n) { return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1); }

/* ------------------------------------------------------------- writing */

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void putf64(unsigned char *p, double v) { memcpy(p, &v, 8); }

ms_status ms_compiled_write_dir(const char *dir, ms_error *err)
{
    if (!little_endian())
        return ms_fail(err, MS_ERR_ARG, dir, 0, 0, "model.bin is little-endian only");
    ms_buf svm = {0}, idfp = {0}, out = {0};
    unsigned char *b = NULL;
    ms_linear *lin = NULL, *back = NULL;
    ms_idf idf = {0}, back_idf;
    ms_compiled_map map = {0};
    uint64_t mh = 0, ih = 0;
    ms_status st = MS_ERR_NOMEM;
    if (ms_buf_printf(&svm, "%s/model.svm", dir) || ms_buf_printf(&idfp, "%s/idf.bin", dir) ||
        ms_buf_printf(&out, "%s/model.bin", dir)) {
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    if ((st = ms_card_file_hash(svm.data, &mh, err)) != MS_OK ||
        (st = ms_linear_load(svm.data, &lin, err)) != MS_OK ||
        (st = ms_card_file_hash(idfp.data, &ih, err)) != MS_OK ||
        (st = ms_idf_read(idfp.data, &idf, err)) != MS_OK)
        goto done;
    size_t nb = (size_t)1 << idf.bits;
    size_t woff = ALIGN, ioff = woff + up_page((size_t)lin->dim * 8),
           size = ioff + up_page(nb * 4);
    b = calloc(1, size);
    if (!b) {
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    memcpy(b, MAGIC, 8);
    put32(b + 8, MS_COMPILED_VERSION);
    put32(b + 12, HEADER);
    put64(b + 16, mh);
    put64(b + 24, ih);
    put32(b + 32, (uint32_t)lin->dim);
    put32(b + 36, (uint32_t)lin->positive_first);
    putf64(b + 40, lin->rho);
    putf64(b + 48, lin->prob_a);
    putf64(b + 56, lin->prob_b);
    put64(b + 64, idf.n_docs);
    put32(b + 72, (uint32_t)idf.bits);
    put32(b + 76, ALIGN);
    put64(b + 80, woff);
    put64(b + 88, ioff);
    put64(b + 96, size);
    memcpy(b + woff, lin->w, (size_t)lin->dim * 8);
    memcpy(b + ioff, idf.idf, nb * 4);
    put64(b + 104, ms_hash64_fast(b + HEADER, size - HEADER, 0));
    put64(b + HSUM, ms_hash64_fast(b, HSUM, 0));
    if ((st = ms_write_file_atomic(out.data, (const char *)b, size, err)) != MS_OK)
        goto done;
    /* read back what was written, verified, as the text forms' twin */
    st = ms_compiled_load(out.data, mh, ih, idf.bits, MS_COMPILED_VERIFY, &back, &back_idf, &map,
                          err);
    if (st == MS_OK && (back->dim != lin->dim ||
                        memcmp(back->w, lin->w, (size_t)lin->dim * 8) != 0 ||
                        memcmp(back_idf.idf, idf.idf, nb * 4) != 0))
        st = ms_fail(err, MS_ERR_IO, out.data, 0, 0, "compiled model reads back different");
    else if (st != MS_OK)
        st = ms_fail(err, MS_ERR_IO, out.data, 0, 0, "compiled model does not read back: %s",
                     err ? err->message : ms_strerror(st));
done:
    ms_linear_free(back);
    ms_compiled_unmap(&map);
    ms_linear_free(lin);
    free(idf.idf);
    free(b);
    ms_buf_free(&svm);
    ms_buf_free(&idfp);
    ms_buf_free(&out);
    return st;
}

/* ------------------------------------------------------------- loading */

void ms_compiled_unmap(ms_compiled_map *map)
{
    if (map && map->base)
        munmap(map->base, map->len);
    if (map)
        map->base = NULL, map->len = 0;
}

/* The fields of a compiled model's header, as written at their offsets. */
typedef struct compiled_header {
    uint32_t version, header, pos, bits, align;
    int32_t dim;
    uint64_t mh, ih, woff, ioff, size, dsum, hsum;
} compiled_header;

#define BAD(...) ms_fail(err, MS_ERR_MODEL, path, 0, 0, __VA_ARGS__)

/* Maps path read-only, *p and *len, after checking that it is a regular
 * file of a size a compiled model can have. */
static ms_status map_compiled(const char *path, unsigned char **out, size_t *out_len,
                              ms_error *err)
{
    /* a FIFO or a device here never blocks the load: refused */
    int fd;
    ms_status ost = ms_open_regular(path, &fd, err);
    if (ost != MS_OK)
        return ost;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return ms_fail(err, MS_ERR_IO, path, 0, 0, "%s", strerror(errno));
    }
    size_t len = (size_t)sb.st_size;
    if (len < 2 * ALIGN || len > MAX_BYTES || len % ALIGN) {
        close(fd);
        return BAD("compiled model has a bad size (damaged or of an older format): delete it "
                   "or run modscore compile");
    }
    /* no MAP_POPULATE: pages come in as the scorer touches them */
    unsigned char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return ms_fail(err, MS_ERR_IO, path, 0, 0, "mmap: %s", strerror(errno));
    *out = p;
    *out_len = len;
    return MS_OK;
}

/* Reads the header of the mapping p and checks it: magic, format,
 * checksum, ranges, layout, and that it was compiled from the files whose
 * hashes are given (MS_ERR_NOT_FOUND when not: the text forms decide). */
static ms_status check_header(const unsigned char *p, size_t len, uint64_t model_hash,
                              uint64_t idf_hash, int hash_bits, compiled_header *h,
                              const char *path, ms_error *err)
{
    memcpy(&h->version, p + 8, 4);
    memcpy(&h->header, p + 12, 4);
    memcpy(&h->mh, p + 16, 8);
    memcpy(&h->ih, p + 24, 8);
    memcpy(&h->dim, p + 32, 4);
    memcpy(&h->pos, p + 36, 4);
    memcpy(&h->bits, p + 72, 4);
    memcpy(&h->align, p + 76, 4);
    memcpy(&h->woff, p + 80, 8);
    memcpy(&h->ioff, p + 88, 8);
    memcpy(&h->size, p + 96, 8);
    memcpy(&h->dsum, p + 104, 8);
    memcpy(&h->hsum, p + HSUM, 8);
    if (!little_endian() || memcmp(p, MAGIC, 8) != 0)
        return BAD("not a compiled modscore model (bad magic)");
    if (h->version != MS_COMPILED_VERSION || h->header != HEADER)
        return BAD("compiled model format %u, this modscore reads %d: run modscore compile",
                   h->version, MS_COMPILED_VERSION);
    if (h->hsum != ms_hash64_fast(p, HSUM, 0))
        return BAD("compiled model header checksum mismatch (damaged): delete it or run modscore "
                   "compile");
    if (h->dim < 1 || h->dim > MAX_DIM + 1 || h->pos > 1 || h->bits < 8 || h->bits > 26 ||
        h->align != ALIGN)
        return BAD("compiled model header out of range");
    if (h->size != len || h->woff != ALIGN ||
        h->ioff != h->woff + up_page((size_t)h->dim * 8) ||
        h->size != h->ioff + up_page(((size_t)1 << h->bits) * 4))
        return BAD("compiled model size does not match its header (truncated or damaged)");
    if (h->mh != model_hash || h->ih != idf_hash || (int)h->bits != hash_bits)
        /* compiled from other files: the text forms decide */
        return ms_fail(err, MS_ERR_NOT_FOUND, path, 0, 0, "compiled model is stale");
    return MS_OK;
}

ms_status ms_compiled_load(const char *path, uint64_t model_hash, uint64_t idf_hash,
                           int hash_bits, unsigned flags, ms_linear **lin, ms_idf *idf,
                           ms_compiled_map *map, ms_error *err)
{
    *lin = NULL;
    memset(idf, 0, sizeof *idf);
    memset(map, 0, sizeof *map);
    unsigned char *p = NULL;
    size_t len = 0;
    ms_status st = map_compiled(path, &p, &len, err);
    if (st != MS_OK)
        return st;
    compiled_header h;
    st = check_header(p, len, model_hash, idf_hash, hash_bits, &h, path, err);
    if (st != MS_OK)
        goto out;
    st = MS_ERR_MODEL;
    double rho, pa, pb;
    memcpy(&rho, p + 40, 8);
    memcpy(&pa, p + 48, 8);
    memcpy(&pb, p + 56, 8);
    if (!isfinite(rho) || !isfinite(pa) || !isfinite(pb)) {
        BAD("compiled model holds a value out of range");
        goto out;
    }
    const double *w = (const double *)(p + h.woff);
    const float *tab = (const float *)(p + h.ioff);
    if (flags & MS_COMPILED_VERIFY) {
        if (h.dsum != ms_hash64_fast(p + HEADER, len - HEADER, 0)) {
            BAD("compiled model checksum mismatch (damaged): delete it or run modscore compile");
            goto out;
        }
        for (int32_t j = 0; j < h.dim; j++)
            if (!isfinite(w[j]))
                goto range;
        for (size_t k = 0; k < (size_t)1 << h.bits; k++)
            if (!isfinite(tab[k]))
                goto range;
    }
    ms_linear *m = calloc(1, sizeof *m);
    if (!m) {
        st = ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    /* read-only and owned by the mapping */
    m->w = (double *)w;
    m->borrowed = 1;
    m->dim = h.dim;
    m->rho = rho;
    m->prob_a = pa;
    m->prob_b = pb;
    m->positive_first = (int)h.pos;
    memcpy(&idf->n_docs, p + 64, 8);
    idf->bits = (int)h.bits;
    idf->idf = (float *)tab;
    *lin = m;
    map->base = p;
    map->len = len;
    return MS_OK;
range:
    BAD("compiled model holds a value out of range");
out:
    munmap(p, len);
    return st;
}

#undef BAD

ms_status ms_model_compile(const char *model_dir, ms_error *err)
{
    /* a lexicon directory (models/lexicons): its lists' hash table */
    ms_buf vader = {0};
    if (ms_buf_printf(&vader, "%s/vader_lexicon.txt", model_dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, model_dir, 0, 0, "out of memory");
    int is_lexicon = access(vader.data, F_OK) == 0;
    ms_buf_free(&vader);
    if (is_lexicon)
        return ms_lexicon_compile(model_dir, err);
    /* a scoring category has an idf table; the reason-spans model has none */
    ms_buf idf = {0};
    if (ms_buf_printf(&idf, "%s/idf.bin", model_dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, model_dir, 0, 0, "out of memory");
    int has_idf = access(idf.data, F_OK) == 0;
    ms_buf_free(&idf);
    ms_status st = has_idf ? ms_compiled_write_dir(model_dir, err)
                           : ms_spans_compile(model_dir, err);
    return st == MS_OK ? ms_card_compile(model_dir, err) : st;
}

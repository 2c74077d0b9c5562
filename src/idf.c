/* idf.c - the idf table: built from document frequencies, written and
 * read as idf.bin. See idf.h. */
#include "idf.h"

#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ms_status ms_idf_from_df(const uint32_t *df, int bits, uint64_t n_docs, int min_df,
                         ms_idf *idf)
{
    size_t n = (size_t)1 << bits;
    idf->idf = calloc(n, sizeof *idf->idf);
    if (!idf->idf)
        return MS_ERR_NOMEM;
    idf->bits = bits;
    idf->n_docs = n_docs;
    for (size_t i = 0; i < n; i++)
        if (df[i] >= (uint32_t)min_df && df[i] > 0)
            idf->idf[i] = (float)(log((1.0 + (double)n_docs) / (1.0 + df[i])) + 1.0);
    return MS_OK;
}

/* File layout (little-endian): "MSIDF001", u32 bits, u64 n_docs, u32 count,
 * count x (u32 bucket, f32 idf), u64 FNV-1a of everything before it. */
static const char IDF_MAGIC[8] = {'M', 'S', 'I', 'D', 'F', '0', '0', '1'};

ms_status ms_idf_write(const ms_idf *idf, const char *path, ms_error *err)
{
    size_t n = (size_t)1 << idf->bits;
    uint32_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += idf->idf[i] != 0;
    ms_buf b = {0};
    uint32_t bits = (uint32_t)idf->bits;
    ms_status st = ms_buf_reserve(&b, 8 + 4 + 8 + 4 + (size_t)count * 8 + 8);
    if (st != MS_OK)
        return ms_fail(err, st, path, 0, 0, "out of memory");
    ms_buf_add(&b, IDF_MAGIC, 8);
    ms_buf_add(&b, (const char *)&bits, 4);
    ms_buf_add(&b, (const char *)&idf->n_docs, 8);
    ms_buf_add(&b, (const char *)&count, 4);
    for (uint32_t i = 0; i < n; i++) {
        if (idf->idf[i] == 0)
            continue;
        ms_buf_add(&b, (const char *)&i, 4);
        ms_buf_add(&b, (const char *)&idf->idf[i], 4);
    }
    uint64_t sum = ms_hash64(b.data, b.len, 0);
    ms_buf_add(&b, (const char *)&sum, 8);
    st = ms_write_file_atomic(path, b.data, b.len, err);
    ms_buf_free(&b);
    return st;
}

ms_status ms_idf_read(const char *path, ms_idf *idf, ms_error *err)
{
    char *data;
    size_t len;
    memset(idf, 0, sizeof *idf);
    ms_status st = ms_read_regular_file(path, (size_t)1 << 30, &data, &len, err);
    if (st != MS_OK)
        return st;
    uint32_t bits = 0, count = 0;
    uint64_t sum = 0;
    st = MS_ERR_MODEL;
    if (len < 32 || memcmp(data, IDF_MAGIC, 8) != 0) {
        ms_fail(err, st, path, 0, 0, "not an idf table (bad magic)");
        goto out;
    }
    memcpy(&bits, data + 8, 4);
    memcpy(&idf->n_docs, data + 12, 8);
    memcpy(&count, data + 20, 4);
    if (bits < 8 || bits > 26 || len != 24 + (size_t)count * 8 + 8) {
        ms_fail(err, st, path, 0, 0, "idf table size does not match its header");
        goto out;
    }
    memcpy(&sum, data + len - 8, 8);
    if (sum != ms_hash64(data, len - 8, 0)) {
        ms_fail(err, st, path, 0, 0, "idf table checksum mismatch (corrupt file)");
        goto out;
    }
    idf->bits = (int)bits;
    idf->idf = calloc((size_t)1 << bits, sizeof *idf->idf);
    if (!idf->idf) {
        st = ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint32_t bucket;
        float v;
        memcpy(&bucket, data + 24 + (size_t)i * 8, 4);
        memcpy(&v, data + 28 + (size_t)i * 8, 4);
        if (bucket >> bits) {
            free(idf->idf);
            idf->idf = NULL;
            ms_fail(err, st, path, 0, 0, "idf bucket %u out of range", bucket);
            goto out;
        }
        idf->idf[bucket] = v;
    }
    st = MS_OK;
out:
    free(data);
    return st;
}

/* idf.h - a model's idf table: inverse document frequencies per hashed
 * bucket, built from training's document frequencies and kept in the
 * model directory's idf.bin. The features module weighs with it. */
#ifndef MS_IDF_H
#define MS_IDF_H

#include "modscore.h"

#include <stdint.h>

/* Inverse document frequencies per hashed bucket (0 = dropped bucket). */
typedef struct ms_idf {
    float *idf;   /* 1 << bits entries, index = bucket (0-based) */
    int bits;
    uint64_t n_docs;
} ms_idf;

/* Builds an idf table from document frequencies: idf = ln((1+N)/(1+df))+1
 * for buckets with df >= min_df, else 0. OUT: idf->idf (free with free()). */
ms_status ms_idf_from_df(const uint32_t *df, int bits, uint64_t n_docs, int min_df,
                         ms_idf *idf);

/* Reads/writes an idf table file (binary, versioned, checksummed). */
ms_status ms_idf_write(const ms_idf *idf, const char *path, ms_error *err);
ms_status ms_idf_read(const char *path, ms_idf *idf, ms_error *err);

#endif

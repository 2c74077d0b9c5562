/* compiled.h - a model directory's compiled form, model.bin: the collapsed
 * weight vector of model.svm and the idf table of idf.bin in one binary
 * file that loads with one mmap and one checksum pass instead of parsing
 * 2 MB of %.17g text. model.svm and idf.bin stay the source of truth:
 * model.bin records the card hashes (FNV-1a) of the files it was compiled
 * from, so a stale one is noticed and passed over, and its own checksum
 * makes a damaged one an error, never wrong scores.
 *
 * Layout (little-endian; version MS_COMPILED_VERSION):
 *   0  "MSMODBIN"           8  u32 version        12 u32 header bytes (96)
 *   16 u64 model_hash       24 u64 idf_hash       32 i32 dim
 *   36 u32 positive_first   40 f64 rho            48 f64 probA
 *   56 f64 probB            64 u64 idf n_docs     72 u32 weights non-zero
 *   76 u32 idf non-zero     80 u32 idf hash bits  84 u32 0
 *   88 u64 file size
 *   96 u32 weight index[], f64 weight[] (8-aligned), u32 bucket[],
 *      f32 idf[], zero padding to 8, then u64 checksum of all before it
 *      (a word-at-a-time 64-bit hash, not FNV). */
#ifndef MS_COMPILED_H
#define MS_COMPILED_H

#include "featurize.h"
#include "model.h"
#include "modscore.h"

#include <stdint.h>

#define MS_COMPILED_VERSION 1

/* Compiles DIR/model.svm and DIR/idf.bin into DIR/model.bin (written
 * atomically). The weights are those ms_linear_load reads from model.svm,
 * bit for bit. */
ms_status ms_compiled_write_dir(const char *dir, ms_error *err);

/* Loads a compiled model. model_hash, idf_hash and hash_bits are what the
 * card says. Returns MS_OK (OUT: *lin, free with ms_linear_free; idf->idf,
 * free with free()); MS_ERR_NOT_FOUND when the file is absent or stale
 * (compiled from other files than the card's: parse model.svm instead);
 * MS_ERR_MODEL when it is damaged (magic, version, size, checksum or a
 * value out of range): refuse it. */
ms_status ms_compiled_load(const char *path, uint64_t model_hash, uint64_t idf_hash,
                           int hash_bits, ms_linear **lin, ms_idf *idf, ms_error *err);

/* The checksum model.bin uses: 64-bit, eight bytes at a time. */
uint64_t ms_hash64_fast(const void *data, size_t len, uint64_t seed);

#endif

/* compiled.h - a model directory's compiled form, model.bin: the collapsed
 * weight vector of model.svm and the idf table of idf.bin, both DENSE and
 * page-aligned, so that loading is one mmap and the scorer reads its
 * weights and idf values straight out of the mapping: no parsing, no copy,
 * and a process that scores one comment faults in only the few pages its
 * features touch. model.svm and idf.bin stay the source of truth:
 * model.bin records the card hashes (FNV-1a) of the files it was compiled
 * from, so a stale one is noticed and passed over.
 *
 * Layout (little-endian; version MS_COMPILED_VERSION):
 *   0  "MSMODBIN"            8  u32 version         12 u32 header bytes (128)
 *   16 u64 model_hash        24 u64 idf_hash        32 i32 dim
 *   36 u32 positive_first    40 f64 rho             48 f64 probA
 *   56 f64 probB             64 u64 idf n_docs      72 u32 idf hash bits
 *   76 u32 alignment (4096)  80 u64 weights offset  88 u64 idf offset
 *   96 u64 file size         104 u64 data checksum  112 u64 0
 *   120 u64 header checksum (of bytes 0..120)
 *   zero padding to 4096;
 *   weights offset (4096): f64 w[dim] (w[0] = 0), zero padding to 4096;
 *   idf offset: f32 idf[1 << bits], zero padding to 4096 = file size.
 * Both checksums are ms_hash64_fast; the data checksum covers every byte
 * from 128 (the end of the header) to the end of the file.
 *
 * Integrity, and what it costs. The header is always checked (magic,
 * version, header checksum, offsets and sizes against the file's size, the
 * card's hashes and hash bits), so a truncated, stale or foreign file is
 * never used. The data checksum covers 12 MB per model: hashing it reads
 * every page of the file (about 3 ms a model here), which is more than all
 * the rest of `modscore check`. So it is verified where that cost is paid
 * once: when the file is written (modscore compile, train: the file is
 * read back), by ms_models_load (the library default, and so at every
 * server start and reload), and by `modscore score`/`eval`; `check` loads
 * with MS_LOAD_TRUST_COMPILED and relies on the header checks alone. A
 * file damaged inside its data (a flipped bit on disk) is then scored with
 * the damaged weights by `check` until something verifies it; every value
 * read from the mapping is an array element at an index the featurizer
 * computes within bounds, so damage gives wrong numbers, never a crash.
 *
 * The mapping is shared with the page cache: model.bin must be replaced by
 * rename (as modscore compile and train do), never rewritten in place; a
 * file truncated under a running process would fault (SIGBUS) there. */
#ifndef MS_COMPILED_H
#define MS_COMPILED_H

#include "featurize.h"
#include "model.h"
#include "modscore.h"
#include "util.h" /* ms_hash64_fast, the checksum model.bin uses */

#include <stddef.h>
#include <stdint.h>

#define MS_COMPILED_VERSION 2

/* Compiles DIR/model.svm and DIR/idf.bin into DIR/model.bin (written
 * atomically, then loaded back with full verification). The weights are
 * those ms_linear_load reads from model.svm, bit for bit. */
ms_status ms_compiled_write_dir(const char *dir, ms_error *err);

/* A read-only mapping of a model.bin; the arrays of a loaded model point
 * into it. Unmapped by ms_compiled_unmap (a zeroed one is a no-op). */
typedef struct ms_compiled_map {
    void *base;
    size_t len;
} ms_compiled_map;

/* Flags of ms_compiled_load. */
#define MS_COMPILED_VERIFY 1u /* check the data checksum and every value */

/* Maps a compiled model. model_hash, idf_hash and hash_bits are what the
 * card says. Returns MS_OK, with OUT: *map, *lin (lin->w points into the
 * mapping: ms_linear_free leaves it) and *idf (idf->idf points into the
 * mapping: do not free it); release with ms_linear_free(*lin) and
 * ms_compiled_unmap(map), in any order, once neither is used.
 * MS_ERR_NOT_FOUND when the file is absent or stale (compiled from other
 * files than the card's: parse model.svm instead); MS_ERR_MODEL when it is
 * damaged (magic, version, size, header checksum, a value out of range, or
 * with MS_COMPILED_VERIFY the data checksum or a non-finite value): refuse
 * it. */
ms_status ms_compiled_load(const char *path, uint64_t model_hash, uint64_t idf_hash,
                           int hash_bits, unsigned flags, ms_linear **lin, ms_idf *idf,
                           ms_compiled_map *map, ms_error *err);
void ms_compiled_unmap(ms_compiled_map *map);


#endif

/* pack.h - several models' hashed weights side by side, as scoring reads
 * them: scoring K models that share a pass reads one line per hashed
 * feature instead of 2K (each model's idf and w arrays are megabytes
 * apart; the lookups were what an extra model cost).
 *
 * A pack holds a slot only for the buckets some member weighs (an idf
 * other than 0: the rest add exact zeros to every sum), found through a
 * bitmap of the buckets and the count of slots before each 64 of them: a
 * third of the 2^20 buckets for today's English models (issue 20). A slot
 * of a pack of k models holds uint16_t idf[k], each member's idf[b] as an
 * index into its own table of the distinct idf values it has (a few
 * thousand: an idf is a function of a document count), then int16_t w[k]
 * (each one's w[b + 1], its libsvm index; 0 past the model's dim),
 * ms_pack_stride(k) bytes: 24 for six, which cross a cache line a quarter
 * as often as the 36 of float idf did. The weight is k, a 16-bit integer, for
 * k / MS_PACK_WEIGHT_SCALE: exactly the double a trimmed model stores
 * (weights are written to MS_WEIGHT_DECIMALS places: ms_linear_trim), so
 * nothing is lost; a weight that is not such a k (above 3.2767, or an
 * untrimmed model's) is MS_PACK_WEIGHT_ESCAPE there and kept apart. */
#ifndef MS_PACK_H
#define MS_PACK_H

#include "modscore.h"

#include <stddef.h>
#include <stdint.h>

#define MS_PACK_MODELS 6
#define MS_PACK_WEIGHT_SCALE 10000.0
#define MS_PACK_WEIGHT_ESCAPE INT16_MIN
static inline size_t ms_pack_stride(int k) { return (size_t)k * 4; }
/* A member with more distinct idf values than this is not packed
 * (ms_pack_add: MS_ERR_UNSUPPORTED). */
#define MS_PACK_IDF_VALUES 65536

/* The pack's integer for weight w: MS_PACK_WEIGHT_ESCAPE when w is not
 * k / MS_PACK_WEIGHT_SCALE for a k that fits. */
int16_t ms_pack_weight(double w);

/* An escaped weight of a pack: model slot's w at bucket. */
typedef struct ms_pack_escape {
    uint32_t bucket;
    uint32_t slot;
    double w;
} ms_pack_escape;

/* The doubles the packs' integers stand for: table[k + 32768] is
 * k / MS_PACK_WEIGHT_SCALE (a lookup instead of a division per model and
 * feature; 512 KB, mostly the few lines of small k), one table filled
 * once for every pack of the process. */
#define MS_PACK_TABLE_SIZE 65536
const double *ms_pack_weight_table(void);

/* A pack: its slots, the bitmap that finds them, the table of
 * ms_pack_weight_table and the escaped weights, sorted by bucket then
 * model (a few hundred: kept apart so that a lookup never touches the
 * model's own arrays). Read-only once built: any number of threads read
 * it. */
typedef struct ms_pack {
    unsigned char *slots; /* n_slots slots of stride bytes */
    size_t n_slots;
    size_t stride;        /* ms_pack_stride(k) */
    int k;                /* its models */
    int bits;             /* 1 << bits buckets */
    uint64_t *present;    /* bit b % 64 of word b / 64: bucket b has a slot */
    uint32_t *before;     /* slots of the buckets before word b / 64 */
    const double *table; /* ms_pack_weight_table() */
    float *idf_of[MS_PACK_MODELS]; /* each member's distinct idf values */
    size_t n_idf[MS_PACK_MODELS];
    ms_pack_escape *esc;
    size_t n_esc, esc_cap;
} ms_pack;

/* Builds a pack of k (1..MS_PACK_MODELS) models of 1 << bits buckets in
 * two steps, so that a caller can let each member's pages go before it
 * reads the next: ms_pack_begin finds the buckets from every member's idf
 * (idf[m]: 1 << bits floats) and allocates the slots; ms_pack_add then
 * fills member m's column from its idf and w (dim doubles, libsvm
 * indices), once for each m. OUT: *p (free with ms_pack_free, also after
 * a failed add; a failed begin leaves nothing to free). MS_ERR_ARG for a
 * k, bits or m out of range, MS_ERR_UNSUPPORTED for a member with more
 * than MS_PACK_IDF_VALUES distinct idf values, MS_ERR_NOMEM. */
ms_status ms_pack_begin(ms_pack *p, int k, int bits, const float *const *idf);
/* ms_pack_begin in three steps, for a caller that reads one member's idf
 * at a time: ms_pack_start (errors as ms_pack_begin's), ms_pack_mark for
 * each member's idf, then ms_pack_slots (MS_ERR_NOMEM; on any failure
 * there is nothing to free). */
ms_status ms_pack_start(ms_pack *p, int k, int bits);
void ms_pack_mark(ms_pack *p, const float *idf);
ms_status ms_pack_slots(ms_pack *p);
ms_status ms_pack_add(ms_pack *p, int m, const float *idf, const double *w, int32_t dim);
void ms_pack_free(ms_pack *p);

/* The set bits of x, inline: without a CPU flag that promises the
 * instruction (Debian builds for any x86-64), __builtin_popcountll is a
 * call into libgcc, and each lookup makes one. */
static inline unsigned ms_pack_popcount(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555u;
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
    return (unsigned)((x * 0x0101010101010101u) >> 56);
}

/* Bucket b's slot, NULL when no member weighs it. */
static inline const unsigned char *ms_pack_slot(const ms_pack *p, size_t b)
{
    uint64_t word = p->present[b >> 6], bit = (uint64_t)1 << (b & 63);
    if (!(word & bit))
        return NULL;
    size_t i = p->before[b >> 6] + ms_pack_popcount(word & (bit - 1));
    return p->slots + i * p->stride;
}

/* A slot's idf indices and w[k]; member m's idf at the slot. */
static inline const uint16_t *ms_pack_idf_ix(const unsigned char *slot)
{
    return (const uint16_t *)(const void *)slot;
}
static inline float ms_pack_idf_at(const ms_pack *p, const unsigned char *slot, int m)
{
    return p->idf_of[m][ms_pack_idf_ix(slot)[m]];
}
static inline const int16_t *ms_pack_w(const ms_pack *p, const unsigned char *slot)
{
    return (const int16_t *)(const void *)(slot + 2 * (size_t)p->k);
}

/* The weight of model m at bucket b as the pack has it: the double of its
 * integer, or its escaped weight; 0 for a bucket without a slot (whose
 * feature values are 0 in every member). */
double ms_pack_weight_at(const ms_pack *p, size_t b, int m);

/* The escaped weight of model m at bucket b (0 when none: cannot happen
 * for an entry that is MS_PACK_WEIGHT_ESCAPE). */
double ms_pack_escaped(const ms_pack *p, uint32_t b, uint32_t m);

#endif

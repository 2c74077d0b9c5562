/* pack.c - several models' hashed weights side by side; see pack.h. */
#include "pack.h"
#include "util.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int16_t ms_pack_weight(double w)
{
    double k = nearbyint(w * MS_PACK_WEIGHT_SCALE);
    if (!(fabs(k) <= INT16_MAX) || k / MS_PACK_WEIGHT_SCALE != w)
        return MS_PACK_WEIGHT_ESCAPE;
    return (int16_t)k;
}

static double weight_table[MS_PACK_TABLE_SIZE];
static pthread_once_t weight_table_once = PTHREAD_ONCE_INIT;

static void fill_weight_table(void)
{
    for (int k = 0; k < MS_PACK_TABLE_SIZE; k++)
        weight_table[k] = (k - MS_PACK_TABLE_SIZE / 2) / MS_PACK_WEIGHT_SCALE;
}

const double *ms_pack_weight_table(void)
{
    pthread_once(&weight_table_once, fill_weight_table);
    return weight_table;
}

void ms_pack_free(ms_pack *p)
{
    if (!p)
        return;
    free(p->slots);
    free(p->present);
    free(p->before);
    free(p->esc);
    for (int m = 0; m < MS_PACK_MODELS; m++)
        free(p->idf_of[m]);
    memset(p, 0, sizeof *p);
}

/* The slots' memory: 2 MB pages where the kernel gives them (transparent
 * huge pages on madvise) for a pack of megabytes, whose lookups are
 * random and with 4 kB pages nearly all missed the TLB too. */
static unsigned char *slots_alloc(size_t bytes)
{
    size_t huge = (size_t)2 << 20;
    if (bytes < huge)
        return calloc(bytes ? bytes : 1, 1);
    bytes = (bytes + huge - 1) / huge * huge;
    unsigned char *s = aligned_alloc(huge, bytes);
    if (!s)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(s, bytes, MADV_HUGEPAGE);
#endif
    memset(s, 0, bytes);
    return s;
}

static int cmp_escape(const void *a, const void *b)
{
    const ms_pack_escape *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return (x->slot > y->slot) - (x->slot < y->slot);
}

ms_status ms_pack_start(ms_pack *p, int k, int bits)
{
    memset(p, 0, sizeof *p);
    if (k < 1 || k > MS_PACK_MODELS || bits < 6 || bits > 26)
        return MS_ERR_ARG;
    size_t words = ((size_t)1 << bits) / 64;
    p->k = k;
    p->bits = bits;
    p->stride = ms_pack_stride(k);
    p->present = calloc(words, sizeof *p->present);
    p->before = malloc(words * sizeof *p->before);
    p->table = ms_pack_weight_table();
    if (!p->present || !p->before) {
        ms_pack_free(p);
        return MS_ERR_NOMEM;
    }
    return MS_OK;
}

void ms_pack_mark(ms_pack *p, const float *idf)
{
    size_t nb = (size_t)1 << p->bits;
    for (size_t b = 0; b < nb; b++)
        if (idf[b] != 0)
            p->present[b >> 6] |= (uint64_t)1 << (b & 63);
}

ms_status ms_pack_slots(ms_pack *p)
{
    size_t n = 0, words = ((size_t)1 << p->bits) / 64;
    for (size_t i = 0; i < words; i++) {
        p->before[i] = (uint32_t)n;
        n += ms_pack_popcount(p->present[i]);
    }
    p->n_slots = n;
    p->slots = slots_alloc(n * p->stride);
    if (!p->slots) {
        ms_pack_free(p);
        return MS_ERR_NOMEM;
    }
    return MS_OK;
}

ms_status ms_pack_begin(ms_pack *p, int k, int bits, const float *const *idf)
{
    ms_status st = ms_pack_start(p, k, bits);
    if (st != MS_OK)
        return st;
    for (int m = 0; m < k; m++)
        ms_pack_mark(p, idf[m]);
    return ms_pack_slots(p);
}

/* Finding member m's idf values while its column is filled: an
 * open-addressing table of their bits (values[] in the order met). */
typedef struct idf_values {
    uint32_t *bits;    /* IDF_SLOTS of them */
    uint16_t *index;   /* of each, into values */
    unsigned char *used;
    float *values;
    size_t n;
} idf_values;

#define IDF_SLOTS ((size_t)MS_PACK_IDF_VALUES * 2)

/* The index of value v (added when new). -1 when there are too many. */
static long idf_index(idf_values *iv, float v)
{
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    size_t s = (size_t)((b * 0x9E3779B1u) >> 15) & (IDF_SLOTS - 1);
    while (iv->used[s] && iv->bits[s] != b)
        s = (s + 1) & (IDF_SLOTS - 1);
    if (!iv->used[s]) {
        if (iv->n == MS_PACK_IDF_VALUES)
            return -1;
        iv->used[s] = 1;
        iv->bits[s] = b;
        iv->index[s] = (uint16_t)iv->n;
        iv->values[iv->n++] = v;
    }
    return iv->index[s];
}

static void idf_values_free(idf_values *iv)
{
    free(iv->bits);
    free(iv->index);
    free(iv->used);
    free(iv->values);
}

ms_status ms_pack_add(ms_pack *p, int m, const float *idf, const double *w, int32_t dim)
{
    if (m < 0 || m >= p->k)
        return MS_ERR_ARG;
    idf_values iv = {malloc(IDF_SLOTS * sizeof *iv.bits), malloc(IDF_SLOTS * sizeof *iv.index),
                     calloc(IDF_SLOTS, 1), malloc(MS_PACK_IDF_VALUES * sizeof *iv.values), 0};
    ms_status st = iv.bits && iv.index && iv.used && iv.values ? MS_OK : MS_ERR_NOMEM;
    size_t words = ((size_t)1 << p->bits) / 64;
    unsigned char *slot = p->slots; /* the slots in bucket order */
    for (size_t i = 0; st == MS_OK && i < words; i++)
        for (uint64_t rest = p->present[i]; rest; rest &= rest - 1, slot += p->stride) {
            size_t b = i * 64 + (size_t)__builtin_ctzll(rest);
            double wb = (int64_t)b + 1 < dim ? w[b + 1] : 0.0;
            int16_t *pw = (int16_t *)(void *)(slot + 2 * (size_t)p->k);
            long ix = idf_index(&iv, idf[b]);
            if (ix < 0) {
                st = MS_ERR_UNSUPPORTED;
                break;
            }
            ((uint16_t *)(void *)slot)[m] = (uint16_t)ix;
            pw[m] = ms_pack_weight(wb);
            if (pw[m] != MS_PACK_WEIGHT_ESCAPE)
                continue;
            if (ms_grow((void **)&p->esc, &p->esc_cap, p->n_esc + 1, sizeof *p->esc) != MS_OK) {
                st = MS_ERR_NOMEM;
                break;
            }
            p->esc[p->n_esc++] = (ms_pack_escape){(uint32_t)b, (uint32_t)m, wb};
        }
    if (st == MS_OK) {
        free(p->idf_of[m]);
        p->idf_of[m] = realloc(iv.values, (iv.n ? iv.n : 1) * sizeof *iv.values);
        p->n_idf[m] = iv.n;
        iv.values = p->idf_of[m] ? NULL : iv.values;
        st = p->idf_of[m] ? MS_OK : MS_ERR_NOMEM;
    }
    idf_values_free(&iv);
    if (st == MS_OK && p->n_esc > 1)
        qsort(p->esc, p->n_esc, sizeof *p->esc, cmp_escape);
    return st;
}

double ms_pack_escaped(const ms_pack *p, uint32_t b, uint32_t m)
{
    size_t lo = 0, hi = p->n_esc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ms_pack_escape *e = &p->esc[mid];
        if (e->bucket < b || (e->bucket == b && e->slot < m))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n_esc && p->esc[lo].bucket == b && p->esc[lo].slot == m ? p->esc[lo].w : 0;
}

double ms_pack_weight_at(const ms_pack *p, size_t b, int m)
{
    const unsigned char *slot = ms_pack_slot(p, b);
    if (!slot)
        return 0;
    int16_t k = ms_pack_w(p, slot)[m];
    return k == MS_PACK_WEIGHT_ESCAPE ? ms_pack_escaped(p, (uint32_t)b, (uint32_t)m)
                                      : p->table[k + MS_PACK_TABLE_SIZE / 2];
}

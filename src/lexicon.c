/* lexicon.c - word lists in one open-addressing hash table; see lexicon.h.
 *
 * All four files are read first, so the table is sized once (at most half
 * full) and never rehashed; keys live in one arena. After ms_lexicon_load
 * nothing is written, so lookups are safe from any number of threads, and
 * they allocate nothing.
 *
 * Keys: the VADER list is kept exactly as written, because VADER looks up
 * the lowercased token and so never matches its few upper-case entries
 * (":D", "XD"); folding them would change its scores. The other lists are
 * ASCII-lowercased on load, since lookups are made with case-folded words.
 */
#define _GNU_SOURCE
#include "lexicon.h"
#include "termset.h"
#include "util.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEX_MAX_FILE_BYTES (64u * 1024u * 1024u) /* per list file */
#define LEX_MAX_KEY_BYTES 1024u                  /* one entry */
/* lexicon.bin (see lexbin_map) */
#define LEXBIN_MAGIC "MSLEXBIN"
#define LEXBIN_VERSION 1u
#define LEXBIN_HEADER 80u
#define LEXBIN_MAX_CAP ((uint64_t)1 << 26)

enum {
    F_VADER = MS_LEXICON_ON_VADER,
    F_AFINN = MS_LEXICON_ON_AFINN,
    F_PROFANE = MS_LEXICON_ON_PROFANE,
    F_INSULT = MS_LEXICON_ON_INSULT
};

/* A slot of the table, in memory and in lexicon.bin alike (fixed-size
 * fields, 40 bytes, no padding inside). */
typedef struct entry {
    uint64_t hash;
    uint32_t off; /* key bytes in keys */
    uint32_t len;
    double vader;
    double afinn;
    uint32_t flags; /* 0: an empty slot */
    uint32_t pad;
} entry;

struct ms_lexicon {
    const entry *slots; /* slots_own, or inside the mapping */
    size_t mask;        /* capacity - 1; capacity is a power of two */
    size_t count;
    const char *keys;   /* keys_own, or inside the mapping */
    size_t keys_len, keys_cap;
    entry *slots_own;
    char *keys_own;
    void *map; /* lexicon.bin, when the table is its */
    size_t map_len;
    /* the files as read, kept for ms_lexicon_hash: hashing 470 KB at every
     * load would cost more than the rest of `modscore check`, and only
     * training asks for the hash; a compiled lexicon records it */
    char *data[4];
    size_t len[4];
    size_t bytes;
    uint64_t fnv; /* ms_lexicon_hash when compiled (0: compute it) */
    /* identity_terms.txt, when there: apart from the four lists (not in
     * the table, lexicon.bin or ms_lexicon_hash), so that only the models
     * whose cards read it (features.group_terms) depend on it */
    ms_termset *groups;
};
static const char *const FILES[4] = {"vader_lexicon.txt", "AFINN-en-165.txt", "profanity.txt",
                                     "insults.txt"};

static uint64_t key_hash(const char *w, size_t n) { return ms_hash64(w, n, 0x9e3779b97f4a7c15ULL); }

static const entry *find(const ms_lexicon *lx, const char *w, size_t n)
{
    if (!lx || !lx->slots || (!w && n))
        return NULL;
    uint64_t h = key_hash(w, n);
    /* bounded, and a key checked against the arena: a damaged lexicon.bin
     * gives wrong answers, never a fault */
    size_t i = (size_t)h & lx->mask;
    for (size_t probes = 0; probes <= lx->mask; probes++, i = (i + 1) & lx->mask) {
        const entry *e = &lx->slots[i];
        if (!e->flags)
            return NULL;
        if (e->hash == h && e->len == n && (size_t)e->off + n <= lx->keys_len &&
            memcmp(lx->keys + e->off, w, n) == 0)
            return e;
    }
    return NULL;
}

/* Finds or adds the entry for key; NULL when the table is full (cannot
 * happen with the sizing in ms_lexicon_load, but checked anyway). */
static entry *upsert(ms_lexicon *lx, const char *w, size_t n)
{
    uint64_t h = key_hash(w, n);
    size_t i = (size_t)h & lx->mask;
    for (size_t probes = 0; probes <= lx->mask; probes++, i = (i + 1) & lx->mask) {
        entry *e = &lx->slots_own[i];
        if (!e->flags) {
            if (lx->keys_len + n > lx->keys_cap)
                return NULL;
            memcpy(lx->keys_own + lx->keys_len, w, n);
            e->hash = h;
            e->off = (uint32_t)lx->keys_len;
            e->len = (uint32_t)n;
            lx->keys_len += n;
            lx->count++;
            return e;
        }
        if (e->hash == h && e->len == n && memcmp(lx->keys + e->off, w, n) == 0)
            return e;
    }
    return NULL;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* One list file's text and what kind of list it is. */
typedef struct list_file {
    char *path;
    char *data;
    size_t len;
} list_file;

typedef struct line_ctx {
    ms_lexicon *lx;
    const char *path;
    long lineno;
    ms_error *err;
} line_ctx;

static ms_status bad_line(const line_ctx *c, long col, const char *what)
{
    return ms_fail(c->err, MS_ERR_PARSE, c->path, c->lineno, col, "%s", what);
}

/* Checks and stores one key; lower: ASCII-lowercase it first. */
static ms_status add_key(const line_ctx *c, const char *line, const char *w, size_t n, int lower,
                         entry **out)
{
    long col = (long)(w - line) + 1;
    if (n == 0)
        return bad_line(c, col, "empty term");
    if (n > LEX_MAX_KEY_BYTES)
        return bad_line(c, col, "term longer than 1024 bytes");
    if (!ms_utf8_valid(w, n))
        return bad_line(c, col, "term is not valid UTF-8");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f)
            return bad_line(c, col + (long)i, "control character in term");
    char buf[LEX_MAX_KEY_BYTES];
    if (lower) {
        for (size_t i = 0; i < n; i++)
            buf[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char)(w[i] + ('a' - 'A')) : w[i];
        w = buf;
    }
    *out = upsert(c->lx, w, n);
    if (!*out)
        return ms_fail(c->err, MS_ERR_INTERNAL, c->path, c->lineno, 0, "lexicon table full");
    return MS_OK;
}

static ms_status parse_number(const line_ctx *c, const char *line, const char *s, size_t n,
                              double *out)
{
    if (ms_parse_double(s, n, out) != 0 || !isfinite(*out))
        return bad_line(c, (long)(s - line) + 1, "expected a number");
    return MS_OK;
}

/* vader_lexicon.txt: token<TAB>mean<TAB>std<TAB>[ratings]. Only the first
 * two fields are used (as vaderSentiment does); the others, when present,
 * are not checked. */
static ms_status parse_vader(const line_ctx *c, const char *line, size_t n)
{
    const char *tab = memchr(line, '\t', n);
    if (!tab)
        return bad_line(c, (long)n + 1, "expected token<TAB>mean<TAB>std<TAB>[ratings]");
    const char *m = tab + 1;
    const char *end = line + n;
    const char *tab2 = memchr(m, '\t', (size_t)(end - m));
    size_t mlen = (size_t)((tab2 ? tab2 : end) - m);
    double v;
    ms_status st = parse_number(c, line, m, mlen, &v);
    if (st != MS_OK)
        return st;
    entry *e;
    if ((st = add_key(c, line, line, (size_t)(tab - line), 0, &e)) != MS_OK)
        return st;
    e->vader = v; /* a repeated token: the last one wins, as in a Python dict */
    e->flags |= F_VADER;
    return MS_OK;
}

/* AFINN-en-165.txt: word<TAB>score; a word may be a phrase ("can't stand"). */
static ms_status parse_afinn(const line_ctx *c, const char *line, size_t n)
{
    const char *tab = memchr(line, '\t', n);
    if (!tab)
        return bad_line(c, (long)n + 1, "expected word<TAB>score");
    const char *s = tab + 1;
    size_t slen = (size_t)(line + n - s);
    if (memchr(s, '\t', slen))
        return bad_line(c, (long)(s - line) + 1, "expected word<TAB>score");
    double v;
    ms_status st = parse_number(c, line, s, slen, &v);
    if (st != MS_OK)
        return st;
    entry *e;
    if ((st = add_key(c, line, line, (size_t)(tab - line), 1, &e)) != MS_OK)
        return st;
    e->afinn = v;
    e->flags |= F_AFINN;
    return MS_OK;
}

/* profanity.txt, insults.txt: one term per line; '#' starts a comment line. */
static ms_status parse_term(const line_ctx *c, const char *line, size_t n, unsigned flag)
{
    if (line[0] == '#')
        return MS_OK;
    if (memchr(line, '\t', n))
        return bad_line(c, (long)((const char *)memchr(line, '\t', n) - line) + 1,
                        "a term list has one term per line, no tabs");
    entry *e;
    ms_status st = add_key(c, line, line, n, 1, &e);
    if (st != MS_OK)
        return st;
    e->flags |= flag;
    return MS_OK;
}

static ms_status parse_file(ms_lexicon *lx, int which, const list_file *f, ms_error *err)
{
    line_ctx c = {lx, f->path, 0, err};
    const char *p = f->data, *end = f->data + f->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        c.lineno++;
        /* trim surrounding white space (and the CR of CRLF) */
        const char *ls = p;
        const char *s = p;
        while (s < le && is_space((unsigned char)*s))
            s++;
        const char *e = le;
        while (e > s && is_space((unsigned char)e[-1]))
            e--;
        p = nl ? nl + 1 : end;
        if (s == e)
            continue;
        size_t n = (size_t)(e - s);
        ms_status st;
        switch (which) {
        case 0: st = parse_vader(&c, s, n); break;
        case 1: st = parse_afinn(&c, s, n); break;
        case 2: st = parse_term(&c, s, n, F_PROFANE); break;
        default: st = parse_term(&c, s, n, F_INSULT); break;
        }
        if (st != MS_OK) {
            if (st == MS_ERR_PARSE && err && err->column > 0)
                err->column += (long)(s - ls); /* columns count from the raw line */
            return st;
        }
    }
    return MS_OK;
}

static size_t count_lines(const char *s, size_t n)
{
    size_t k = 1;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))) != NULL; p++)
        k++;
    return k;
}

/* All four files. */
#define ALL_FILES 0xfu

/* The files of dir whose bit (1 << i) is in want, read; the others are
 * left empty (data NULL). OUT: files (free each path and data). */
static ms_status read_files(const char *dir, unsigned want, list_file files[4], ms_error *err)
{
    for (int i = 0; i < 4; i++) {
        if (!(want & (1u << i)))
            continue;
        ms_buf b = {0};
        if (ms_buf_printf(&b, "%s/%s", dir, FILES[i]) != MS_OK)
            return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
        files[i].path = b.data;
        ms_status st = ms_read_regular_file(files[i].path, LEX_MAX_FILE_BYTES, &files[i].data,
                                            &files[i].len, err);
        if (st != MS_OK) {
            if (err && st == MS_ERR_NOT_FOUND)
                snprintf(err->message, sizeof err->message, "lexicon file %s not found",
                         FILES[i]);
            return st;
        }
    }
    return MS_OK;
}

/* What a lexicon.bin records of the files it was compiled from: a hash
 * of their names and bytes (ms_hash64_fast: a fraction of parsing them). */
static uint64_t sources_hash(const list_file files[4])
{
    uint64_t h = LEXBIN_VERSION;
    for (int i = 0; i < 4; i++) {
        h = ms_hash64_fast(FILES[i], strlen(FILES[i]), h);
        h = ms_hash64_fast(files[i].data, files[i].len, h);
    }
    return h;
}

/* sources_hash of the files of dir in want, mapped rather than read (a
 * check hashes 470 KB at each start: a copy of it was 115 page faults and
 * a third of the instructions left), and their total size. 0, or -1 when
 * one cannot be read (read_files then says why). */
static int map_sources(const char *dir, unsigned want, uint64_t *hash, size_t *bytes)
{
    uint64_t h = LEXBIN_VERSION;
    *bytes = 0;
    ms_buf path = {0};
    int r = 0;
    for (int i = 0; r == 0 && i < 4; i++) {
        h = ms_hash64_fast(FILES[i], strlen(FILES[i]), h);
        if (!(want & (1u << i))) {
            h = ms_hash64_fast("", 0, h);
            continue;
        }
        int fd = -1;
        struct stat sb;
        path.len = 0;
        if (ms_buf_printf(&path, "%s/%s", dir, FILES[i]) != MS_OK ||
            ms_open_regular(path.data, &fd, NULL) != MS_OK) {
            r = -1;
            break;
        }
        void *p = MAP_FAILED;
        if (fstat(fd, &sb) != 0 || sb.st_size > (off_t)LEX_MAX_FILE_BYTES ||
            (sb.st_size > 0 &&
             (p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED))
            r = -1;
        close(fd);
        if (r == 0) {
            h = ms_hash64_fast(p == MAP_FAILED ? "" : p, (size_t)sb.st_size, h);
            *bytes += (size_t)sb.st_size;
        }
        if (p != MAP_FAILED)
            munmap(p, (size_t)sb.st_size);
    }
    ms_buf_free(&path);
    *hash = h;
    return r;
}

/* The table from the text of the files (taking their data). */
static ms_status parse_files(const char *dir, list_file files[4], ms_lexicon *lx, ms_error *err)
{
    size_t total_bytes = 0, total_lines = 0;
    for (int i = 0; i < 4; i++) {
        total_bytes += files[i].len;
        total_lines += files[i].data ? count_lines(files[i].data, files[i].len) : 0;
    }
    size_t cap = 16;
    while (cap < 2 * total_lines)
        cap *= 2;
    lx->slots = lx->slots_own = calloc(cap, sizeof *lx->slots_own);
    lx->keys_cap = total_bytes;
    lx->keys = lx->keys_own = malloc(total_bytes ? total_bytes : 1);
    if (!lx->slots_own || !lx->keys_own)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    lx->mask = cap - 1;
    for (int i = 0; i < 4; i++) {
        ms_status st = files[i].data ? parse_file(lx, i, &files[i], err) : MS_OK;
        if (st != MS_OK)
            return st;
        lx->data[i] = files[i].data;
        lx->len[i] = files[i].len;
        files[i].data = NULL;
    }
    return MS_OK;
}

/* ------------------------------------------------------ lexicon.bin
 * The table as built by parse_files, written by ms_lexicon_compile and
 * mapped by ms_lexicon_open in place of parsing the files (their parse
 * was a third of `modscore check`). Layout (little-endian):
 *   0 "MSLEXBIN"  8 u32 version  12 u32 header bytes (LEXBIN_HEADER)
 *   16 u64 hash of the sources (sources_hash)  24 u64 ms_lexicon_hash
 *   32 u64 the sources' bytes  40 u64 capacity  48 u64 count
 *   56 u64 key bytes  64 u64 data checksum (bytes LEXBIN_HEADER to the end)
 *   72 u64 header checksum (bytes 0 to 72), both ms_hash64_fast
 *   LEXBIN_HEADER: entry slots[capacity], then the keys.
 * It is used only when the files it was compiled from are the ones in the
 * directory, byte for byte (their hash is checked at every load). */

static ms_status lexicon_load(const char *dir, unsigned want, int use_compiled, unsigned flags,
                              ms_lexicon **out, ms_error *err);

static ms_status bin_path(const char *dir, ms_buf *b, ms_error *err)
{
    if (ms_buf_printf(b, "%s/lexicon.bin", dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    return MS_OK;
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Maps dir/lexicon.bin into lx when it was compiled from files of hash
 * src and size bytes: OUT: *mapped 1; absent or compiled from other files
 * (stale): MS_OK with *mapped 0; damaged: MS_ERR_MODEL naming it. The data
 * checksum is checked unless flags has MS_LEXICON_TRUST_COMPILED. */
static ms_status lexbin_map(const char *dir, uint64_t src, size_t bytes, unsigned flags,
                            ms_lexicon *lx, int *mapped, ms_error *err)
{
    *mapped = 0;
    ms_buf path = {0};
    ms_status st = bin_path(dir, &path, err);
    int fd = -1;
    if (st != MS_OK || (fd = open(path.data, O_RDONLY | O_CLOEXEC)) < 0) {
        ms_buf_free(&path);
        return st;
    }
    struct stat sb;
    void *p = MAP_FAILED;
    const char *why = NULL;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < (off_t)LEXBIN_HEADER)
        why = "too short to be a compiled lexicon";
    else if ((p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
        why = "cannot be mapped";
    close(fd);
    const unsigned char *h = p;
    size_t len = (size_t)sb.st_size;
    if (!why && (memcmp(h, LEXBIN_MAGIC, 8) != 0 ||
                 get64(h + 72) != ms_hash64_fast(h, 72, 0)))
        why = "not a compiled lexicon, or its header is damaged";
    uint32_t version, hsize;
    if (!why) {
        memcpy(&version, h + 8, 4);
        memcpy(&hsize, h + 12, 4);
    }
    if (!why && (version != LEXBIN_VERSION || hsize != LEXBIN_HEADER ||
                 get64(h + 16) != src || get64(h + 32) != bytes)) {
        munmap(p, len); /* another version, or other files: stale */
        ms_buf_free(&path);
        return MS_OK;
    }
    uint64_t cap = why ? 0 : get64(h + 40), count = why ? 0 : get64(h + 48),
             keys = why ? 0 : get64(h + 56);
    if (!why && (cap < 16 || cap > LEXBIN_MAX_CAP || (cap & (cap - 1)) || count >= cap ||
                 keys > bytes || LEXBIN_HEADER + cap * sizeof(entry) + keys != len))
        why = "sizes in its header do not add up";
    if (!why && !(flags & MS_LEXICON_TRUST_COMPILED) &&
        get64(h + 64) != ms_hash64_fast(h + LEXBIN_HEADER, len - LEXBIN_HEADER, 0))
        why = "checksum mismatch: the file is damaged";
    if (why) {
        if (p != MAP_FAILED)
            munmap(p, len);
        st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0, "%s (modscore compile %s makes it again)",
                     why, dir);
        ms_buf_free(&path);
        return st;
    }
    ms_buf_free(&path);
    lx->map = p;
    lx->map_len = len;
    lx->slots = (const entry *)(h + LEXBIN_HEADER);
    lx->mask = (size_t)cap - 1;
    lx->count = (size_t)count;
    lx->keys = (const char *)(h + LEXBIN_HEADER + cap * sizeof(entry));
    lx->keys_len = lx->keys_cap = (size_t)keys;
    lx->fnv = get64(h + 24);
    *mapped = 1;
    return MS_OK;
}

static int little_endian(void)
{
    const uint16_t one = 1;
    unsigned char c;
    memcpy(&c, &one, 1);
    return c == 1;
}

ms_status ms_lexicon_compile(const char *dir, ms_error *err)
{
    if (!little_endian())
        return ms_fail(err, MS_ERR_ARG, dir, 0, 0, "lexicon.bin is little-endian only");
    ms_lexicon *lx = NULL, *back = NULL;
    ms_buf path = {0};
    list_file files[4] = {{0}};
    unsigned char *b = NULL;
    ms_status st = lexicon_load(dir, ALL_FILES, 0, 0, &lx, err);
    if (st == MS_OK)
        st = read_files(dir, ALL_FILES, files, err);
    if (st == MS_OK)
        st = bin_path(dir, &path, err);
    size_t cap = lx ? lx->mask + 1 : 0, slots = cap * sizeof(entry),
           size = LEXBIN_HEADER + slots + (lx ? lx->keys_len : 0);
    if (st == MS_OK && !(b = calloc(1, size)))
        st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (st == MS_OK) {
        uint32_t v = LEXBIN_VERSION, hs = LEXBIN_HEADER;
        uint64_t f[6] = {sources_hash(files), ms_lexicon_hash(lx), lx->bytes, cap, lx->count,
                         lx->keys_len};
        memcpy(b, LEXBIN_MAGIC, 8);
        memcpy(b + 8, &v, 4);
        memcpy(b + 12, &hs, 4);
        memcpy(b + 16, f, sizeof f);
        memcpy(b + LEXBIN_HEADER, lx->slots, slots);
        memcpy(b + LEXBIN_HEADER + slots, lx->keys, lx->keys_len);
        uint64_t sum = ms_hash64_fast(b + LEXBIN_HEADER, size - LEXBIN_HEADER, 0);
        memcpy(b + 64, &sum, 8);
        sum = ms_hash64_fast(b, 72, 0);
        memcpy(b + 72, &sum, 8);
        st = ms_write_file_atomic(path.data, (const char *)b, size, err);
    }
    /* read back what was written, verified, as the text's twin */
    if (st == MS_OK && (st = lexicon_load(dir, ALL_FILES, 1, 0, &back, err)) == MS_OK &&
        (!back->map || back->mask != lx->mask || back->keys_len != lx->keys_len ||
         memcmp(back->slots, lx->slots, slots) != 0 ||
         memcmp(back->keys, lx->keys, lx->keys_len) != 0))
        st = ms_fail(err, MS_ERR_INTERNAL, path.data, 0, 0, "lexicon.bin does not read back");
    for (int i = 0; i < 4; i++) {
        free(files[i].path);
        free(files[i].data);
    }
    free(b);
    ms_buf_free(&path);
    ms_lexicon_free(back);
    ms_lexicon_free(lx);
    return st;
}

/* dir/identity_terms.txt into lx->groups, when there (a small list: parsed
 * at each load). */
static ms_status load_groups(const char *dir, ms_lexicon *lx, ms_error *err)
{
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/identity_terms.txt", dir) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    ms_error e2;
    ms_status st = ms_termset_load(path.data, &lx->groups, err ? err : &e2);
    if (st == MS_ERR_NOT_FOUND) {
        st = MS_OK;
        if (err)
            memset(err, 0, sizeof *err);
    }
    ms_buf_free(&path);
    return st;
}

/* The files of dir in want (the others empty); use_compiled: map
 * dir/lexicon.bin when it was compiled from these files (flags as
 * ms_lexicon_open's), else parse them. */
static ms_status lexicon_load(const char *dir, unsigned want, int use_compiled, unsigned flags,
                              ms_lexicon **out, ms_error *err)
{
    if (!out)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "no output pointer");
    *out = NULL;
    if (!dir)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "no lexicon directory");
    list_file files[4] = {{0}};
    ms_lexicon *lx = calloc(1, sizeof *lx);
    ms_status st = lx ? MS_OK : ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
    int mapped = 0; /* absent or stale: the text is the truth */
    uint64_t src;
    if (st == MS_OK && use_compiled && map_sources(dir, want, &src, &lx->bytes) == 0)
        st = lexbin_map(dir, src, lx->bytes, flags, lx, &mapped, err);
    if (st == MS_OK && !mapped) {
        lx->bytes = 0;
        st = read_files(dir, want, files, err);
        for (int i = 0; st == MS_OK && i < 4; i++)
            lx->bytes += files[i].len;
        if (st == MS_OK)
            st = parse_files(dir, files, lx, err);
    }
    if (st == MS_OK)
        st = load_groups(dir, lx, err);
    for (int i = 0; i < 4; i++) {
        free(files[i].path);
        free(files[i].data);
    }
    if (st != MS_OK) {
        ms_lexicon_free(lx);
        return st;
    }
    *out = lx;
    return MS_OK;
}

ms_status ms_lexicon_open(const char *dir, unsigned flags, ms_lexicon **out, ms_error *err)
{
    return lexicon_load(dir, ALL_FILES, 1, flags, out, err);
}

ms_status ms_lexicon_load(const char *dir, ms_lexicon **out, ms_error *err)
{
    return lexicon_load(dir, ALL_FILES, 1, 0, out, err);
}

ms_status ms_lexicon_load_language(const char *dir, ms_lexicon **out, ms_error *err)
{
    return lexicon_load(dir, 1u << 2, 0, 0, out, err); /* profanity.txt, a few KB: parsed */
}

ms_status ms_lexicon_load_for(const char *lexicon_dir, const char *lang, uint64_t want,
                              ms_lexicon **out, ms_error *err)
{
    *out = NULL;
    ms_buf path = {0};
    if (!lang || !*lang || strchr(lang, '/') || strchr(lang, '.'))
        return ms_fail(err, MS_ERR_MODEL, lexicon_dir, 0, 0,
                       "a language list needs the card's language, a code such as \"pt\"");
    if (ms_buf_printf(&path, "%s/%s", lexicon_dir, lang) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, lexicon_dir, 0, 0, "out of memory");
    ms_status st = ms_lexicon_load_language(path.data, out, err);
    if (st == MS_OK && want && ms_lexicon_hash(*out) != want) {
        st = ms_fail(err, MS_ERR_MODEL, path.data, 0, 0,
                     "language list hash %016llx, but the %s models were trained with %016llx: "
                     "retrain them or restore the list",
                     (unsigned long long)ms_lexicon_hash(*out), lang, (unsigned long long)want);
        ms_lexicon_free(*out);
        *out = NULL;
    }
    ms_buf_free(&path);
    return st;
}

void ms_lexicon_free(ms_lexicon *lx)
{
    if (!lx)
        return;
    free(lx->slots_own);
    free(lx->keys_own);
    if (lx->map)
        munmap(lx->map, lx->map_len);
    for (int i = 0; i < 4; i++)
        free(lx->data[i]);
    ms_termset_free(lx->groups);
    free(lx);
}

int ms_lexicon_vader(const ms_lexicon *lx, const char *w, size_t n, double *value)
{
    const entry *e = find(lx, w, n);
    if (!e || !(e->flags & F_VADER))
        return 0;
    if (value)
        *value = e->vader;
    return 1;
}

int ms_lexicon_afinn(const ms_lexicon *lx, const char *w, size_t n, double *value)
{
    const entry *e = find(lx, w, n);
    if (!e || !(e->flags & F_AFINN))
        return 0;
    if (value)
        *value = e->afinn;
    return 1;
}

int ms_lexicon_profane(const ms_lexicon *lx, const char *w, size_t n)
{
    const entry *e = find(lx, w, n);
    return e && (e->flags & F_PROFANE);
}

int ms_lexicon_insult(const ms_lexicon *lx, const char *w, size_t n)
{
    const entry *e = find(lx, w, n);
    return e && (e->flags & F_INSULT);
}

int ms_lexicon_known(const ms_lexicon *lx, const char *w, size_t n) { return find(lx, w, n) != NULL; }

void ms_lexicon_word_of(const ms_lexicon *lx, const char *w, size_t n, ms_lexicon_word *out)
{
    const entry *e = find(lx, w, n);
    out->lists = e ? e->flags & (F_VADER | F_AFINN | F_PROFANE | F_INSULT) : 0;
    out->vader = out->lists & F_VADER ? e->vader : 0;
    out->afinn = out->lists & F_AFINN ? e->afinn : 0;
}

int ms_lexicon_group(const ms_lexicon *lx, const char *w, size_t n)
{
    return lx && ms_termset_has(lx->groups, w, n);
}

unsigned ms_lexicon_group_lookup(const ms_lexicon *lx, const char *w, size_t n)
{
    return lx ? ms_termset_lookup(lx->groups, w, n) : 0;
}

uint64_t ms_lexicon_group_hash(const ms_lexicon *lx) { return lx ? ms_termset_hash(lx->groups) : 0; }

size_t ms_lexicon_bytes(const ms_lexicon *lx) { return lx ? lx->bytes : 0; }

uint64_t ms_lexicon_hash(const ms_lexicon *lx)
{
    if (!lx)
        return 0;
    if (lx->fnv)
        return lx->fnv;
    uint64_t h = 0;
    for (int i = 0; i < 4; i++) {
        h = ms_hash64(FILES[i], strlen(FILES[i]) + 1, h);
        h = ms_hash64(lx->data[i], lx->len[i], h);
    }
    return h;
}

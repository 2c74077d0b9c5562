/* fuzz_score.c - one comment through ms_score, with the shipped models,
 * from any bytes: the library's API takes pointer and length, so the text
 * is placed against an unreadable page and any read past its end faults,
 * with or without a sanitizer (the replay in ctest runs without one). The
 * first byte picks what comes with the text: bit 0 a parent comment (the
 * text itself), bit 1 a declared language ("en"), bit 2 every comment's
 * reasons. Every reason's span must lie inside the text. */
#include "modscore.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MS_MODELS_DIR
#define MS_MODELS_DIR "models"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ms_scorer *scorer(void)
{
    static ms_scorer *s;
    static int tried;
    if (!tried) {
        tried = 1;
        ms_models *m;
        ms_policy *p;
        ms_error err;
        /* models and policy live as long as the process */
        if (ms_models_load_flags(MS_MODELS_DIR, MS_LOAD_TRUST_COMPILED, &m, &err) != MS_OK ||
            ms_policy_default(&p) != MS_OK || ms_scorer_new(m, p, &s) != MS_OK)
            __builtin_trap();
    }
    return s;
}

/* A copy of data[0, size) that ends where an unreadable page begins. OUT:
 * *base, *bytes: the mapping to unmap. */
static const char *fenced(const uint8_t *data, size_t size, void **base, size_t *bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t body = (size + page - 1) / page * page;
    *bytes = body + page;
    char *p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mprotect(p + body, page, PROT_NONE) != 0)
        __builtin_trap();
    *base = p;
    char *text = p + body - size;
    if (size)
        memcpy(text, data, size);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned opts = data[0];
    data++, size--;
    ms_scorer *s = scorer();
    void *base;
    size_t bytes;
    const char *text = fenced(data, size, &base, &bytes);
    ms_input in = {.text = text, .len = size};
    if (opts & 1)
        in.parent_text = text, in.parent_len = size;
    if (opts & 2)
        in.language = "en";
    ms_scorer_set_reasons(s, opts & 4 ? MS_REASONS_ALL : MS_REASONS_FLAGGED);
    ms_result r;
    if (ms_score(s, &in, &r) == MS_OK) {
        for (size_t i = 0; i < r.n_reasons; i++)
            if (r.reasons[i].has_span &&
                (r.reasons[i].start > r.reasons[i].end || r.reasons[i].end > size))
                __builtin_trap();
        ms_result_clear(&r);
    }
    ms_language l;
    ms_language_detect(text, size, &l);
    munmap(base, bytes);
    return 0;
}

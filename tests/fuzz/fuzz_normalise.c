/* fuzz_normalise.c - the normaliser and tokenizer on any bytes (invalid
 * UTF-8, combining marks, zero-width and bidi characters, huge tokens),
 * with the shipped lexicons so obfuscation folding checks its guesses.
 * Every token's span must lie inside the input, in order, and its folded
 * text inside the fold buffer. */
#include "lexicon.h"
#include "normalise.h"

#include <stdint.h>
#include <stdlib.h>

#ifndef MS_MODELS_DIR
#define MS_MODELS_DIR "models"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ms_lexicon *lexicon(void)
{
    static ms_lexicon *lx;
    static int tried;
    if (!tried) {
        tried = 1;
        ms_error err;
        if (ms_lexicon_load(MS_MODELS_DIR "/lexicons", &lx, &err) != MS_OK)
            lx = NULL; /* fuzz without dictionary checks then */
    }
    return lx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ms_tokens t = {0};
    unsigned notes = 0;
    const ms_lexicon *lx = lexicon();
    for (int pass = 0; pass < 2; pass++) {
        /* second pass without the lexicon, reusing the buffers */
        if (ms_tokenize((const char *)data, size, pass ? NULL : lx, &t, &notes) != MS_OK)
            break;
        uint32_t prev = 0;
        for (size_t i = 0; i < t.n; i++) {
            const ms_token *k = &t.tok[i];
            if (k->start > k->end || k->end > size || k->start < prev ||
                (size_t)k->fold_off + k->fold_len > t.fold_len)
                __builtin_trap();
            prev = k->start;
            (void)ms_token_text(&t, i);
        }
    }
    ms_tokens_free(&t);
    return 0;
}

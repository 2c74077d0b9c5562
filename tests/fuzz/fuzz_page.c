/* fuzz_page.c - the captured-page reader (article text, then its thread)
 * on any bytes. */
#include "modscore.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ms_discussion *d = NULL;
    ms_error err;
    ms_status st = ms_discussion_parse((const char *)data, size, MS_FORMAT_PAGE, "<fuzz>", &d, &err);
    if (st == MS_OK) {
        for (size_t i = 0; i < d->n_comments; i++) {
            const ms_comment *c = &d->comments[i];
            if (c->text[c->text_len] != '\0')
                __builtin_trap();
            (void)ms_discussion_parent(d, i);
        }
    } else if (d != NULL) {
        __builtin_trap();
    }
    ms_discussion_free(d);
    return 0;
}

/* fuzz_json_document.c - the JSON discussion document reader on any bytes:
 * an error or a discussion, never a crash; every comment's text has the
 * length it claims and its parent lookup stays inside the discussion. */
#include "modscore.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ms_discussion *d = NULL;
    ms_error err;
    ms_status st = ms_discussion_parse((const char *)data, size, MS_FORMAT_JSON, "<fuzz>", &d, &err);
    if (st == MS_OK) {
        for (size_t i = 0; i < d->n_comments; i++) {
            const ms_comment *c = &d->comments[i];
            if (c->text_len > MS_MAX_COMMENT_BYTES || c->text[c->text_len] != '\0')
                __builtin_trap();
            (void)ms_discussion_parent(d, i);
        }
    } else if (d != NULL || err.message[0] == '\0') {
        __builtin_trap();
    }
    ms_discussion_free(d);
    /* auto-detection must pick something for any bytes */
    (void)ms_format_detect((const char *)data, size);
    return 0;
}

/* fuzz_jsonl.c - the JSON Lines reader on any bytes, line by line as
 * `modscore score` feeds it (the reader must stay usable after a bad line)
 * and as a whole stream through ms_discussion_parse. */
#include "modscore.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    ms_jsonl_reader *r = NULL;
    if (ms_jsonl_reader_new("<fuzz>", &r) != MS_OK)
        return 0;
    long lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        ms_comment *c = NULL;
        ms_error err;
        ms_status st = ms_jsonl_reader_line(r, p, n, ++lineno, &c, &err);
        if (st != MS_OK && (c != NULL || err.message[0] == '\0'))
            __builtin_trap();
        if (c && c->text[c->text_len] != '\0')
            __builtin_trap();
        ms_comment_free(c);
        p += n + (nl != NULL);
    }
    ms_jsonl_reader_free(r);

    ms_discussion *d = NULL;
    ms_error err;
    if (ms_discussion_parse((const char *)data, size, MS_FORMAT_JSONL, "<fuzz>", &d, &err) == MS_OK) {
        for (size_t i = 0; i < d->n_comments; i++)
            (void)ms_discussion_parent(d, i);
    }
    ms_discussion_free(d);

    /* the same bytes as labelled training data */
    ms_dataset set = {0};
    (void)ms_dataset_read((const char *)data, size, MS_FORMAT_JSONL, NULL, "<fuzz>", &set, &err);
    ms_dataset_clear(&set);
    return 0;
}

/* record.c - one JSON Lines line scored into the line `modscore score
 * --output jsonl` writes for it, for callers that write their own streams
 * (the Python binding; a job that scores a file in partitions). The records
 * come from the same builders as the reporter's, so the bytes are the
 * command's. */
#define _POSIX_C_SOURCE 200809L
#include "modscore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {"line":N,"error":"..."} as the JSON Lines reporter writes it, without
 * its newline. NULL when out of memory. */
static char *error_record(long line, const char *message)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return NULL;
    ms_reporter *rep = NULL;
    int ok = ms_reporter_new(MS_OUTPUT_JSONL, mem, NULL, &rep) == MS_OK &&
             ms_reporter_error(rep, line, message) == MS_OK;
    ms_reporter_free(rep);
    if (fclose(mem) != 0)
        ok = 0;
    if (!ok || !buf || len == 0 || buf[len - 1] != '\n') {
        free(buf);
        return NULL;
    }
    buf[len - 1] = '\0';
    return buf;
}

ms_status ms_score_jsonl_line(ms_scorer *s, ms_jsonl_reader *r, const char *line, size_t len,
                              long lineno, char **record, ms_error *err)
{
    ms_error local = {0};
    if (!err)
        err = &local;
    if (!record)
        return MS_ERR_ARG;
    *record = NULL;
    if (!s || !r)
        return MS_ERR_ARG;
    ms_comment *c = NULL;
    ms_status st = ms_jsonl_reader_line(r, line, len, lineno, &c, err);
    if (st != MS_OK) {
        if (st == MS_ERR_NOMEM || st == MS_ERR_ARG)
            return st;
        *record = error_record(lineno, err->message);
        return *record ? st : MS_ERR_NOMEM;
    }
    if (!c)
        return MS_OK; /* an article line */
    /* the input `modscore score` gives a JSON Lines comment */
    ms_input in = {c->text, c->text_len, c->article, c->parent_text,
                   c->parent_text ? strlen(c->parent_text) : 0, c->notes, c->author, c->language};
    ms_result res;
    st = ms_score(s, &in, &res);
    if (st == MS_OK) {
        *record = ms_result_json(c, &res);
        if (!*record)
            st = MS_ERR_NOMEM;
        ms_result_clear(&res);
    }
    ms_comment_free(c);
    return st;
}

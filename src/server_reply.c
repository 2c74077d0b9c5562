/* server_reply.c - a reply of the service (server_priv.h): a JSON body
 * (one text a line, as the CLI prints it), Perspective-shaped errors, and
 * a request body read as one JSON object. */
#define _GNU_SOURCE
#include "server_priv.h"

#include "server_guard.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void srv_set_json(reply *rp, unsigned status, json_t *j)
{
    rp->status = status;
    rp->ctype = "application/json; charset=utf-8";
    rp->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (rp->body) {
        rp->len = strlen(rp->body);
        /* one JSON text per line, as the CLI prints it */
        char *p = realloc(rp->body, rp->len + 2);
        if (p) {
            rp->body = p;
            rp->body[rp->len++] = '\n';
            rp->body[rp->len] = '\0';
        }
    } else {
        rp->status = 500;
    }
}

void srv_set_error(reply *rp, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void srv_set_error(reply *rp, unsigned code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    free(rp->body);
    rp->body = NULL;
    srv_set_json(rp, code, persp_error_json(code, msg));
}

void srv_set_persp_error(reply *rp, const persp_error *e)
{
    free(rp->body);
    rp->body = NULL;
    srv_set_json(rp, e->status, persp_error_body(e));
}

void srv_set_text(reply *rp, unsigned status, const char *ctype, char *body, size_t len)
{
    rp->status = status;
    rp->ctype = ctype;
    rp->body = body;
    rp->len = len;
    if (!body)
        srv_set_error(rp, 500, "out of memory");
}

/* Parses a request body as one JSON object; sets a 400 reply otherwise. */
json_t *srv_parse_body(const ms_server *s, request *rq, reply *rp)
{
    if (rq->len == 0) {
        srv_set_error(rp, 400, "malformed JSON: empty request body");
        return NULL;
    }
    size_t at;
    const char *why = srv_guard_json(rq->body, rq->len, MS_MAX_JSON_DEPTH, s->max_json_items, &at);
    if (why == SRV_GUARD_TOO_DEEP) {
        srv_set_error(rp, 400, "malformed JSON: nesting deeper than %d levels at byte %zu",
                      MS_MAX_JSON_DEPTH, at);
        return NULL;
    }
    if (why == SRV_GUARD_TOO_MANY) {
        rq->note = "refused=too-many-items";
        srv_set_error(rp, 413,
                      "request body has more than %zu JSON items (objects, arrays and the "
                      "values after a comma) at byte %zu: the limit is %u per MiB of --max-body",
                      s->max_json_items, at, MS_SERVER_JSON_ITEMS_PER_MIB);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        srv_set_error(rp, 400, "malformed JSON at line %d column %d: %s", je.line, je.column,
                      je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        srv_set_error(rp, 400, "the request body must be a JSON object");
        json_decref(j);
        return NULL;
    }
    return j;
}

/* server_guard.c - see server_guard.h. */
#define _GNU_SOURCE
#include "server_guard.h"

#include <string.h>
#include <strings.h>

const char *srv_guard_target(const char *raw)
{
    for (const char *p = raw; p && (p = strchr(p, '%')) != NULL; p++)
        if (p[1] == '0' && p[2] == '0')
            return "the URL contains an encoded NUL byte (%00)";
    return NULL;
}

typedef struct framing {
    unsigned n_te, n_cl;
    const char *te, *cl;
    int cl_differ;
} framing;

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    framing *f = cls;
    if (!value)
        value = "";
    if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->n_te++;
        f->te = value;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (f->n_cl++ && strcmp(f->cl, value) != 0)
            f->cl_differ = 1;
        f->cl = value;
    }
    return MHD_YES;
}

const char *srv_guard_framing(struct MHD_Connection *con)
{
    framing f = {0};
    MHD_get_connection_values(con, MHD_HEADER_KIND, framing_header, &f);
    if (f.n_te > 1)
        return "more than one Transfer-Encoding header";
    if (f.n_te && strcasecmp(f.te, "chunked") != 0)
        return "unsupported Transfer-Encoding: only chunked is accepted";
    if (f.n_te && f.n_cl)
        return "Content-Length together with Transfer-Encoding: chunked";
    if (f.cl_differ)
        return "conflicting Content-Length headers";
    return NULL;
}

const char *srv_guard_depth(const char *d, size_t n, int max, size_t *at)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        switch (d[i]) {
        case '"': /* skip the string, escapes included */
            for (i++; i < n && d[i] != '"'; i++)
                if (d[i] == '\\')
                    i++;
            break;
        case '[':
        case '{':
            if (++depth > max) {
                *at = i;
                return "JSON nested too deep";
            }
            break;
        case ']':
        case '}':
            depth -= depth > 0;
            break;
        default: break;
        }
    }
    return NULL;
}

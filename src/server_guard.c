/* server_guard.c - see server_guard.h. */
#define _GNU_SOURCE
#include "server_guard.h"

#include <string.h>
#include <strings.h>

const char SRV_GUARD_TOO_DEEP[] = "JSON nested too deep";
const char SRV_GUARD_TOO_MANY[] = "too many JSON items";

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

const char *srv_guard_json(const char *d, size_t n, int max_depth, size_t max_items,
                           size_t *at)
{
    int depth = 0, item = 0;
    size_t items = 0;
    for (size_t i = 0; i < n; i++) {
        switch (d[i]) {
        case '"': /* skip the string, escapes included */
            for (i++; i < n && d[i] != '"'; i++)
                if (d[i] == '\\')
                    i++;
            break;
        case '[':
        case '{':
            if (++depth > max_depth) {
                *at = i;
                return SRV_GUARD_TOO_DEEP;
            }
            item = 1; /* a container is an item */
            break;
        case ',': item = 1; break;
        case ']':
        case '}':
            depth -= depth > 0;
            break;
        default: break;
        }
        if (item && ++items > max_items) {
            *at = i;
            return SRV_GUARD_TOO_MANY;
        }
        item = 0;
    }
    return NULL;
}

int srv_guard_json_type(const char *ctype)
{
    static const char want[] = "application/json";
    if (!ctype)
        return 0;
    while (*ctype == ' ' || *ctype == '\t')
        ctype++;
    if (strncasecmp(ctype, want, sizeof want - 1) != 0)
        return 0;
    const char *p = ctype + sizeof want - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == '\0' || *p == ';';
}

/* server_log.c - see server_log.h. */
#include "server_log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int reserve(srv_line *l, size_t extra)
{
    if (l->oom)
        return -1;
    if (l->len + extra + 2 <= l->cap) /* room for "\n\0" */
        return 0;
    size_t cap = l->cap ? l->cap : 256;
    while (cap < l->len + extra + 2)
        cap *= 2;
    char *p = realloc(l->buf, cap);
    if (!p) {
        l->oom = 1;
        return -1;
    }
    l->buf = p;
    l->cap = cap;
    return 0;
}

void srv_line_addf(srv_line *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(l, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
    va_end(ap);
    l->len += (size_t)n;
}

static void add_escaped(srv_line *l, const char *s, size_t n, int field)
{
    static const char hex[] = "0123456789abcdef";
    if (reserve(l, n) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int esc = c < 0x20 || c == 0x7f || c == '\\' || (field && (c == ' ' || c >= 0x80));
        if (reserve(l, esc ? 4 : 1) != 0)
            return;
        if (esc) {
            l->buf[l->len++] = '\\';
            l->buf[l->len++] = 'x';
            l->buf[l->len++] = hex[c >> 4];
            l->buf[l->len++] = hex[c & 15];
        } else {
            l->buf[l->len++] = (char)c;
        }
    }
}

void srv_line_field(srv_line *l, const char *s, size_t n) { add_escaped(l, s, n, 1); }

void srv_line_text(srv_line *l, const char *s, size_t n) { add_escaped(l, s, n, 0); }

void srv_line_write(srv_line *l, FILE *f)
{
    l->oom = 0;
    if (reserve(l, 0) == 0) {
        l->buf[l->len++] = '\n';
        flockfile(f);
        fwrite(l->buf, 1, l->len, f);
        fflush(f);
        funlockfile(f);
    }
    free(l->buf);
    memset(l, 0, sizeof *l);
}

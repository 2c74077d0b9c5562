/* report_html_write.c - the HTML report's output: a buffer written out in
 * chunks whose failures stick, numbers written by hand (never printf's %f,
 * which follows the host program's locale) and the escaper every byte of
 * input goes through. */
#include "report_html_priv.h"
#include "util.h"

#include <math.h>
#include <string.h>
#include <utf8proc.h>

void hw_flush(hw *w)
{
    if (w->b.len && !w->io && fwrite(w->b.data, 1, w->b.len, w->f) != w->b.len)
        w->io = 1;
    w->b.len = 0;
}

void hw_add(hw *w, const char *s, size_t n)
{
    if (w->nomem || !n)
        return;
    if (ms_buf_add(&w->b, s, n) != MS_OK)
        w->nomem = 1;
    else if (w->b.len >= HTML_CHUNK)
        hw_flush(w);
}

void hw_s(hw *w, const char *s) { hw_add(w, s, strlen(s)); }

void hw_int(hw *w, long long v)
{
    char tmp[32];
    int neg = v < 0;
    unsigned long long u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        tmp[--i] = '-';
    hw_add(w, tmp + i, sizeof tmp - i);
}

/* v rounded to `decimals` places without the locale; plus writes '+' before
 * positive values; trim drops trailing zeros. */
void hw_fixed(hw *w, double v, int decimals, int plus, int trim)
{
    if (!isfinite(v)) {
        hw_s(w, "nan");
        return;
    }
    long long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    double a = fabs(v) * (double)scale;
    if (a > 1e15)
        a = 1e15;
    long long q = llround(a);
    if (q != 0 && v < 0)
        hw_s(w, "\xe2\x88\x92"); /* U+2212 minus sign */
    else if (q != 0 && plus)
        hw_s(w, "+");
    hw_int(w, q / scale);
    if (!decimals)
        return;
    char d[20];
    long long f = q % scale;
    for (int i = decimals - 1; i >= 0; i--, f /= 10)
        d[i] = (char)('0' + f % 10);
    int nd = decimals;
    while (trim && nd > 1 && d[nd - 1] == '0')
        nd--;
    hw_add(w, ".", 1);
    hw_add(w, d, (size_t)nd);
}

/* A number for attributes and scripts: ASCII minus, 4 places, trimmed. */
void hw_num(hw *w, double v)
{
    if (!isfinite(v)) {
        hw_s(w, "0");
        return;
    }
    if (v < 0 && llround(-v * 10000.0) != 0)
        hw_s(w, "-");
    hw_fixed(w, fabs(v), 4, 0, 1);
}

/* The escaper: every byte of input goes through here. */
static void esc(ms_buf *b, int *nomem, const char *s, size_t n, int br)
{
    static const char fffd[] = "\xef\xbf\xbd";
    if (!s || *nomem)
        return;
    size_t run = 0; /* start of the bytes copied as they are */
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        const char *out = NULL;
        size_t k = 1;
        if (ch >= 0x80) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t got =
                utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (got <= 0)
                out = fffd; /* one bad byte, one replacement */
            else if (cp <= 0x9F)
                out = fffd, k = (size_t)got; /* C1 control */
            else
                k = (size_t)got;
        } else if (ch == '&') {
            out = "&amp;";
        } else if (ch == '<') {
            out = "&lt;";
        } else if (ch == '>') {
            out = "&gt;";
        } else if (ch == '"') {
            out = "&quot;";
        } else if (ch == '\'') {
            out = "&#39;";
        } else if (ch == '\r' || ch == '\n') {
            if (ch == '\r' && i + 1 < n && s[i + 1] == '\n')
                k = 2;
            out = br ? "<br>\n" : " ";
        } else if (ch == '\t') {
            out = br ? "\t" : " ";
        } else if (ch < 0x20 || ch == 0x7F) {
            out = fffd;
        }
        if (out) {
            if (i > run && ms_buf_add(b, s + run, i - run) != MS_OK)
                *nomem = 1;
            if (ms_buf_adds(b, out) != MS_OK)
                *nomem = 1;
            if (*nomem)
                return;
            run = i + k;
        }
        i += k;
    }
    if (n > run && ms_buf_add(b, s + run, n - run) != MS_OK)
        *nomem = 1;
}

ms_status ms_html_escape(ms_buf *b, const char *s, size_t n, int br)
{
    if (!b || (!s && n))
        return MS_ERR_ARG;
    int nomem = 0;
    esc(b, &nomem, s, n, br);
    return nomem ? MS_ERR_NOMEM : MS_OK;
}

void hw_esc(hw *w, const char *s, size_t n, int br)
{
    esc(&w->b, &w->nomem, s, n, br);
    if (!w->nomem && w->b.len >= HTML_CHUNK)
        hw_flush(w);
}

void hw_escs(hw *w, const char *s)
{
    if (s)
        hw_esc(w, s, strlen(s), 0);
}

void hw_wrap(hw *w, const char *open, const char *s, const char *close)
{
    hw_s(w, open);
    hw_escs(w, s);
    hw_s(w, close);
}

void hw_badge(hw *w, ms_action a)
{
    hw_s(w, "<span class=\"badge badge-");
    hw_s(w, ms_action_name(a));
    hw_s(w, "\">");
    hw_s(w, ms_action_name(a));
    hw_s(w, "</span>");
}

/* s[0..n) as a JSON string that may stand inside a <script> element: the
 * characters JSON must escape, < > & ' (no "</script>" can end the element),
 * U+007F-U+009F and U+2028/U+2029 as \uXXXX; an invalid UTF-8 byte as
 * U+FFFD, as the readers repair it. Everything else as it is. */
void hw_json_str(hw *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    hw_add(w, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; s && i < n;) {
        unsigned char ch = (unsigned char)s[i];
        utf8proc_int32_t cp = ch;
        size_t k = 1;
        if (ch >= 0x80) {
            utf8proc_ssize_t got =
                utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (got <= 0)
                cp = 0xFFFD;
            else
                k = (size_t)got;
        }
        int escape = cp < 0x20 || cp == '"' || cp == '\\' || cp == '<' || cp == '>' ||
                     cp == '&' || cp == '\'' || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
                     cp == 0x2029 || (cp == 0xFFFD && k == 1);
        if (escape) {
            char e[6] = {'\\', 'u', hex[(cp >> 12) & 0xF], hex[(cp >> 8) & 0xF],
                         hex[(cp >> 4) & 0xF], hex[cp & 0xF]};
            hw_add(w, s + run, i - run);
            if (cp == '"' || cp == '\\')
                e[1] = (char)cp, hw_add(w, e, 2);
            else
                hw_add(w, e, 6);
            run = i + k;
        }
        i += k;
    }
    if (s)
        hw_add(w, s + run, n - run);
    hw_add(w, "\"", 1);
}

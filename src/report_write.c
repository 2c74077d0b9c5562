/* report_write.c - the reporter's sticky buffer and what writes into it.
 *
 * Numbers are written by hand (never printf's %f, which follows the host
 * program's locale), rounded to 4 decimals with trailing zeros dropped.
 * Strings are written as valid UTF-8 whatever they hold: invalid bytes become
 * U+FFFD; JSON escapes quotes, backslashes, control characters and
 * U+2028/U+2029; the text table replaces control characters so a comment
 * cannot drive the terminal. */
#include "report_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void w_add(wbuf *w, const char *s, size_t n)
{
    if (!w->nomem && ms_buf_add(&w->b, s, n) != MS_OK)
        w->nomem = 1;
}

void w_adds(wbuf *w, const char *s) { w_add(w, s, strlen(s)); }

/* The decimal digits of v into out (at least 21 bytes). Returns their
 * length. */
static size_t fmt_int(char *out, long long v)
{
    /* by hand: printf's %lld, twice over (the length, then the text), was a
     * fifth of the JSON Lines writer (issue 20) */
    char digits[24];
    size_t n = sizeof digits;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        digits[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        digits[--n] = '-';
    memcpy(out, digits + n, sizeof digits - n);
    return sizeof digits - n;
}

void w_fmt_int(wbuf *w, long long v)
{
    char digits[24];
    w_add(w, digits, fmt_int(digits, v));
}

/* Whether byte c is written as it is in every mode: printable ASCII that no
 * mode escapes (not '"' for JSON and CSV, '\\' for JSON). */
static int plain(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

/* Appends s[0..n) as valid UTF-8, escaped for mode. Returns the display
 * width (for ESC_TEXT; roughly, by code point). */
size_t w_clean(wbuf *w, const char *s, size_t n, esc_mode mode)
{
    static const char hex[] = "0123456789abcdef";
    size_t width = 0;
    if (!s)
        return 0;
    for (size_t i = 0; i < n;) {
        /* a run of plain bytes at once (keys, numbers, most words) */
        size_t run = 0;
        while (i + run < n && plain((unsigned char)s[i + run]))
            run++;
        if (run) {
            w_add(w, s + i, run);
            if (mode == ESC_TEXT)
                width += run; /* width 1 each */
            i += run;
            continue;
        }
        unsigned char ch = (unsigned char)s[i];
        utf8proc_int32_t cp = ch;
        utf8proc_ssize_t k = 1;
        if (ch >= 0x80) {
            k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (k <= 0) {
                cp = 0xFFFD;
                k = 1;
            }
        }
        int control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
        char esc[8];
        const char *out = NULL;
        size_t out_len = 0;
        if (mode == ESC_JSON) {
            if (cp == '"')
                out = "\\\"", out_len = 2;
            else if (cp == '\\')
                out = "\\\\", out_len = 2;
            else if (cp == '\n')
                out = "\\n", out_len = 2;
            else if (cp == '\r')
                out = "\\r", out_len = 2;
            else if (cp == '\t')
                out = "\\t", out_len = 2;
            else if (control || cp == 0x2028 || cp == 0x2029) {
                esc[0] = '\\';
                esc[1] = 'u';
                for (int d = 0; d < 4; d++)
                    esc[2 + d] = hex[(cp >> (12 - 4 * d)) & 0xF];
                out = esc, out_len = 6;
            }
        } else if (mode == ESC_CSV) {
            if (cp == '"')
                out = "\"\"", out_len = 2;
            else if (control && cp != '\n' && cp != '\r' && cp != '\t')
                cp = 0xFFFD;
        } else if (mode == ESC_TEXT) {
            if (cp == '\n' || cp == '\r' || cp == '\t')
                cp = ' ';
            else if (control)
                cp = 0xFFFD;
        }
        if (!out) {
            if (cp == 0xFFFD || cp == ' ') {
                utf8proc_uint8_t enc[4];
                out_len = (size_t)utf8proc_encode_char(cp, enc);
                w_add(w, (const char *)enc, out_len);
            } else {
                w_add(w, s + i, (size_t)k);
            }
        } else {
            w_add(w, out, out_len);
        }
        if (mode == ESC_TEXT) {
            int cw = utf8proc_charwidth(cp);
            width += cw > 0 ? (size_t)cw : 0;
        }
        i += (size_t)k;
    }
    return width;
}

void w_json_str(wbuf *w, const char *s, size_t n)
{
    w_add(w, "\"", 1);
    w_clean(w, s, n, ESC_JSON);
    w_add(w, "\"", 1);
}

void w_json_cstr(wbuf *w, const char *s)
{
    if (s)
        w_json_str(w, s, strlen(s));
    else
        w_adds(w, "null");
}

/* "key": with the comma that precedes it unless first. A short key of
 * plain bytes (every key the records write) is added at once. */
void w_key(wbuf *w, int *first, const char *key)
{
    char out[64];
    size_t n = key ? strlen(key) : 0, i = 0;
    while (i < n && n + 4 <= sizeof out && plain((unsigned char)key[i]))
        i++;
    if (key && i == n && n + 4 <= sizeof out) {
        size_t k = 0;
        if (!*first)
            out[k++] = ',';
        out[k++] = '"';
        memcpy(out + k, key, n);
        k += n;
        out[k++] = '"';
        out[k++] = ':';
        *first = 0;
        w_add(w, out, k);
        return;
    }
    if (!*first)
        w_add(w, ",", 1);
    *first = 0;
    w_json_cstr(w, key);
    w_add(w, ":", 1);
}

/* v rounded to `decimals` places, written without the locale. trim drops
 * trailing zeros (keeping one); plus writes '+' before positive values.
 * Non-finite values are written as `nonfinite`. */
void w_fixed(wbuf *w, double v, int decimals, int trim, int plus, const char *nonfinite)
{
    if (!isfinite(v)) {
        w_adds(w, nonfinite);
        return;
    }
    long long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    double a = fabs(v) * (double)scale;
    if (a > 1e17) /* far beyond any score or weight; keep llround defined */
        a = 1e17;
    long long q = llround(a);
    char out[64]; /* sign, 18 digits, '.', decimals (at most 18: 1e17 above) */
    size_t k = 0;
    if (q != 0 && v < 0)
        out[k++] = '-';
    else if (q != 0 && plus)
        out[k++] = '+';
    k += fmt_int(out + k, q / scale);
    if (decimals > 0) {
        char digits[24];
        long long f = q % scale;
        for (int i = decimals - 1; i >= 0; i--) {
            digits[i] = (char)('0' + f % 10);
            f /= 10;
        }
        int nd = decimals;
        while (trim && nd > 1 && digits[nd - 1] == '0')
            nd--;
        out[k++] = '.';
        memcpy(out + k, digits, (size_t)nd);
        k += (size_t)nd;
    }
    w_add(w, out, k);
}

void w_num(wbuf *w, double v) { w_fixed(w, v, 4, 1, 0, "null"); }

char *w_take(wbuf *w)
{
    if (w->nomem) {
        ms_buf_free(&w->b);
        return NULL;
    }
    if (!w->b.data)
        return ms_strdup0("");
    char *s = w->b.data;
    w->b.data = NULL;
    w->b.len = w->b.cap = 0;
    return s;
}

void w_pad(wbuf *w, size_t n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        w_add(w, spaces, k);
        n -= k;
    }
}

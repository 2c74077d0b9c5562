/* reader_fast.c - the common JSON Lines comment without jansson: an object
 * whose members are all strings, each a comment field that rd_comment_from_json
 * reads ("id", "text", "author", ...), each once. Such a line becomes the same
 * comment jansson's path would make; any other line (another key, a number,
 * null, a \u escape, a control character, invalid UTF-8, a key twice, bytes
 * after the object) is left to jansson, with its errors and repairs. jansson
 * reads a character at a time through a callback and builds a hash table
 * per line: parsing was 8 % of score's instructions (callgrind, issue 20). */
#include "reader_util.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* The string whose contents start at s[i]: *end is its closing quote, and
 * *escaped whether it has escapes. 0 when it is not one jansson would read
 * as these bytes with plain escapes (\u, a control character, no end). */
static int scan_string(const char *s, size_t i, size_t n, size_t *end, int *escaped)
{
    *escaped = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            *end = i;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            if (i + 1 >= n || !strchr("\"\\/bfnrt", s[i + 1]) || s[i + 1] == '\0')
                return 0;
            *escaped = 1;
            i++;
        }
    }
    return 0;
}

/* The value of the string s[a, b) (scanned by scan_string), NUL-terminated.
 * OUT: *len. NULL when out of memory. */
static char *decode(const char *s, size_t a, size_t b, int escaped, size_t *len)
{
    if (!escaped) {
        *len = b - a;
        return ms_strndup(s + a, b - a);
    }
    char *out = malloc(b - a + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = a; i < b; i++) {
        char c = s[i];
        if (c == '\\') {
            c = s[++i];
            c = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' : c == 'r' ? '\r'
                : c == 't' ? '\t' : c;
        }
        out[k++] = c;
    }
    out[k] = '\0';
    *len = k;
    return out;
}

/* The comment field named s[0, n): its slot in c, or NULL. The text is
 * *text. */
static char **field(ms_comment *c, const char *s, size_t n, char **text)
{
    static const char *const names[] = {"id",      "author",      "parent",   "reply_to",
                                        "created", "parent_text", "language", "text"};
    char **slots[] = {&c->id,      &c->author,      &c->parent,   &c->reply_to,
                      &c->created, &c->parent_text, &c->language, text};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (rd_mem_eq(s, n, names[k]))
            return slots[k];
    return NULL;
}

/* The members of the object whose first member's key starts at line[i]
 * (after its quote), into c's fields and *text (its length *text_len).
 * 1 when the object ends the line, 0 when it is left to jansson, -1 when out
 * of memory. */
static int members(const char *line, size_t i, size_t len, ms_comment *c, char **text,
                   size_t *text_len)
{
    for (;;) {
        size_t ke, ve, vn;
        int kesc, vesc;
        if (!scan_string(line, i, len, &ke, &kesc) || kesc)
            return 0;
        char **slot = field(c, line + i, ke - i, text);
        size_t v = skip_ws(line, ke + 1, len);
        if (!slot || *slot || v >= len || line[v] != ':')
            return 0;
        v = skip_ws(line, v + 1, len);
        if (v >= len || line[v] != '"' || !scan_string(line, v + 1, len, &ve, &vesc))
            return 0;
        if (!(*slot = decode(line, v + 1, ve, vesc, &vn)))
            return -1;
        if (slot == text)
            *text_len = vn;
        i = skip_ws(line, ve + 1, len);
        if (i < len && line[i] == '}')
            return skip_ws(line, i + 1, len) == len;
        if (i >= len || line[i] != ',')
            return 0;
        i = skip_ws(line, i + 1, len);
        if (i >= len || line[i] != '"')
            return 0;
        i++;
    }
}

int rd_comment_fast(const char *line, size_t len, long lineno, ms_comment *c)
{
    memset(c, 0, sizeof *c);
    size_t i = skip_ws(line, 0, len);
    if (i >= len || line[i] != '{')
        return 0;
    i = skip_ws(line, i + 1, len);
    if (i >= len || line[i] != '"' || !ms_utf8_valid(line, len))
        return 0;
    char *text = NULL;
    size_t text_len = 0;
    int r = members(line, i + 1, len, c, &text, &text_len);
    if (r == 1 && text) {
        c->text_len = rd_text_cut(text, text_len);
        if (c->text_len < text_len) {
            c->notes |= MS_NOTE_TRUNCATED;
            text[c->text_len] = '\0';
        }
        c->text = text;
        c->line = lineno;
        return 1;
    }
    free(text);
    rd_comment_clear(c);
    return r < 0 ? -1 : 0;
}

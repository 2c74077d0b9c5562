/* language.c - language detection for comments: CLD2 (language_cld2.cc)
 * on the comment's words, without @names, links and e-mail addresses,
 * which are no language and pull short comments towards whatever the
 * name looks like. Measured on short comments (bench/language.sh). */
#include "language.h"

#include "util.h"

#include <string.h>
#include <strings.h>

/* A comment is judged on its first few kilobytes: enough for CLD2. */
#define SAMPLE_BYTES 4096

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* 1 when the word w[0, n) is an @name, a link or an address. */
static int not_language(const char *w, size_t n)
{
    if (w[0] == '@' || w[0] == '#')
        return 1;
    if ((n > 7 && strncmp(w, "http://", 7) == 0) || (n > 8 && strncmp(w, "https://", 8) == 0) ||
        (n > 4 && strncmp(w, "www.", 4) == 0))
        return 1;
    return memchr(w, '@', n) != NULL;
}

void ms_language_detect(const char *text, size_t len, ms_language *out)
{
    memset(out, 0, sizeof *out);
    strcpy(out->code, "un");
    if (!text)
        return;
    char buf[SAMPLE_BYTES + 1];
    size_t k = 0, i = 0;
    while (i < len && k < SAMPLE_BYTES) {
        while (i < len && is_space(text[i]))
            i++;
        size_t j = i;
        while (j < len && !is_space(text[j]))
            j++;
        if (j > i && !not_language(text + i, j - i)) {
            size_t n = j - i;
            if (k + n + 1 > SAMPLE_BYTES)
                n = SAMPLE_BYTES - k - 1;
            while (n > 0 && ((unsigned char)text[i + n] & 0xC0) == 0x80 && i + n < len)
                n--; /* cut at a character boundary */
            if (n == 0)
                break;
            if (k)
                buf[k++] = ' ';
            memcpy(buf + k, text + i, n);
            k += n;
        }
        i = j;
    }
    buf[k] = '\0';
    /* fewer bytes than the floor can never be decisive: spare CLD2 */
    if (k < MS_LANGUAGE_FLOOR_BYTES || !ms_utf8_valid(buf, k))
        return;
    int reliable = 0, percent = 0, tb = 0;
    ms_cld2_detect(buf, (int)k, out->code, &reliable, &percent, &tb);
    out->reliable = reliable;
    out->percent = percent;
    out->text_bytes = tb;
    out->decisive = reliable && tb >= MS_LANGUAGE_FLOOR_BYTES && strcmp(out->code, "un") != 0;
}

/* 1 when the language tags a and b have the same primary subtag. */
static int same_language(const char *a, const char *b)
{
    size_t n = strcspn(a, "-_");
    return n == strcspn(b, "-_") && strncasecmp(a, b, n) == 0;
}

int ms_models_read_language(const ms_models *m, const char *code)
{
    /* the languages the model cards name ("language", "en" by default) */
    for (size_t i = 0; i < ms_models_category_count(m); i++) {
        const ms_category_info *ci = ms_models_category_info(m, i);
        if (ci && ci->language && same_language(ci->language, code))
            return 1;
    }
    return 0;
}

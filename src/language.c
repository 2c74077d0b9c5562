/* language.c - language detection for comments: English function words
 * first (most English comments, cheaply), then CLD2 (language_cld2.cc) on
 * the comment's words, without @names, links and e-mail addresses, which
 * are no language and pull short comments towards whatever the name looks
 * like. Measured on short comments (bench/language.sh). CLD2 reports the
 * share of each of up to three languages, so a comment in two is seen as
 * two. */
#include "modscore.h"

#include "language.h"
#include "util.h"

#include <dlfcn.h>
#include <pthread.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* CLD2 (Debian libcld2-0) is a C++ library of 1.8 MB that brings the
 * shared C++ runtime with it: linked, it would cost every process 1.3 ms
 * of CPU at start (`modscore check` took 3 ms in all), though most English
 * comments are decided by their function words without it. So it is
 * loaded the first time a comment needs it, with dlopen, and its two
 * functions found by their C++ (Itanium ABI) names:
 *   CLD2::Language CLD2::ExtDetectLanguageSummary(const char *buffer,
 *       int buffer_length, bool is_plain_text, const char *tld_hint,
 *       int encoding_hint, CLD2::Language language_hint,
 *       CLD2::Language *language3, int *percent3,
 *       double *normalized_score3, int *text_bytes, bool *is_reliable);
 *   const char *CLD2::LanguageCode(CLD2::Language lang);
 * (compact_lang_det.h; CLD2::Language is an enum, passed as an int.) */
#define CLD2_LIBRARY "libcld2.so.0"
#define CLD2_DETECT "_ZN4CLD224ExtDetectLanguageSummaryEPKcibS1_iNS_8LanguageEPS2_PiPdS4_Pb"
#define CLD2_CODE "_ZN4CLD212LanguageCodeENS_8LanguageE"
#define CLD2_UNKNOWN_LANGUAGE 26 /* CLD2::UNKNOWN_LANGUAGE */

typedef int (*cld2_detect_fn)(const char *, int, _Bool, const char *, int, int, int *, int *,
                              double *, int *, _Bool *);
typedef const char *(*cld2_code_fn)(int);

static pthread_once_t cld2_once = PTHREAD_ONCE_INIT;
static cld2_detect_fn cld2_detect_p; /* set once, then read-only */
static cld2_code_fn cld2_code_p;

static void cld2_load(void)
{
    void *h = dlopen(CLD2_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return;
    /* dlsym gives object pointers; POSIX makes them convertible, ISO C
     * does not: copy the bytes */
    void *pd = dlsym(h, CLD2_DETECT), *pc = dlsym(h, CLD2_CODE);
    if (!pd || !pc) {
        dlclose(h);
        return;
    }
    cld2_detect_fn d;
    cld2_code_fn c;
    memcpy(&d, &pd, sizeof d);
    memcpy(&c, &pc, sizeof c);
    cld2_detect_p = d;
    cld2_code_p = c; /* the library stays loaded for the process */
}

/* CLD2's verdict on text[0, len) (valid UTF-8): an ISO 639-1 code ("un"
 * when unknown), its reliability, bytes of letters scored and the shares
 * of up to three languages. OUT: out. -1 when CLD2 cannot be loaded. */
static int cld2_detect(const char *text, int len, ms_language *out)
{
    pthread_once(&cld2_once, cld2_load);
    if (!cld2_detect_p)
        return -1;
    int l3[3], p3[3] = {0, 0, 0}, tb = 0;
    double ns3[3];
    _Bool rel = 0;
    int l = cld2_detect_p(text, len, 1, "", 0, CLD2_UNKNOWN_LANGUAGE, l3, p3, ns3, &tb, &rel);
    const char *c = cld2_code_p(l);
    snprintf(out->code, sizeof out->code, "%s", c ? c : "un");
    out->reliable = rel;
    out->percent = p3[0];
    out->text_bytes = tb;
    out->n_parts = 0;
    for (int i = 0; i < 3; i++) {
        const char *ci = p3[i] > 0 ? cld2_code_p(l3[i]) : NULL;
        if (!ci || l3[i] == CLD2_UNKNOWN_LANGUAGE)
            continue;
        ms_language_part *part = &out->parts[out->n_parts++];
        snprintf(part->code, sizeof part->code, "%s", ci);
        part->percent = p3[i];
    }
    return 0;
}

/* Comments up to this size are copied on the stack; longer ones to the
 * heap. All of a comment is judged: a sentence in another language at
 * its start must not hide the rest. */
#define STACK_BYTES 4096

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

/* Common English words that no other language CLD2 tells from English
 * spells the same way ("die", "was", "will", "on", "an", "in", "a", "i",
 * "also", "over", "last" are left out: German, Dutch, French, Italian or
 * Spanish words too). bench/language.sh checks that they take no other
 * language's comment for English. */
static const char *const english_words[] = { /* sorted */
    "about", "after", "again", "all", "although", "always", "and", "any", "anyone", "anything",
    "are", "at", "be", "because", "been", "before", "but", "by", "can", "can't", "could",
    "didn't", "do", "does", "doesn't", "don't", "even", "everyone", "for", "from", "good",
    "has", "have", "he", "here", "how", "i'd", "i'm", "i've", "if", "into", "is", "isn't", "it",
    "it's", "just", "know", "like", "many", "maybe", "more", "most", "much", "my", "never",
    "nobody", "not", "nothing", "of", "off", "only", "or", "other", "our", "out", "people",
    "really", "she", "should", "some", "someone", "something", "still", "than", "that",
    "that's", "the", "their", "them", "then", "there", "there's", "these", "they", "they're",
    "think", "this", "those", "to", "up", "very", "we", "were", "what", "what's", "when",
    "where", "which", "while", "who", "whoever", "why", "with", "won't", "would", "wrote",
    "year", "years", "you", "you're", "your",
};

/* english_words by their bytes, zero-padded to 16 (every word is shorter):
 * an open-addressing table built once, so a comment's word is found in one
 * or two probes of two 64-bit compares (a bsearch of strcmps was a fifth of
 * language detection's cycles, issue 20). */
typedef struct word_key {
    uint64_t a, b;
} word_key;

#define WORD_SLOTS 512 /* a power of two, over four times the words */

static word_key word_table[WORD_SLOTS]; /* a == 0: empty (no word is empty) */
static pthread_once_t word_once = PTHREAD_ONCE_INIT;

static size_t word_slot(word_key k)
{
    uint64_t h = (k.a ^ (k.b * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
    return (size_t)(h >> 40) & (WORD_SLOTS - 1);
}

static word_key word_key_of(const char *w, size_t len)
{
    char pad[16] = {0};
    memcpy(pad, w, len);
    word_key k;
    memcpy(&k.a, pad, 8);
    memcpy(&k.b, pad + 8, 8);
    return k;
}

static void word_table_build(void)
{
    for (size_t i = 0; i < sizeof english_words / sizeof *english_words; i++) {
        word_key k = word_key_of(english_words[i], strlen(english_words[i]));
        size_t s = word_slot(k);
        while (word_table[s].a)
            s = (s + 1) & (WORD_SLOTS - 1);
        word_table[s] = k;
    }
}

/* Words per window of english_by_function_words. */
#define WINDOW_WORDS 20

/* 1 when a window of words with hits English function words among them
 * reads as English: three in ten, at least three; a last, shorter window
 * two in ten (a sentence of two words is left to the rest). */
static int english_window(size_t words, size_t hits)
{
    if (words >= WINDOW_WORDS)
        return hits >= 3 && hits * 10 >= words * 3;
    return words < 3 || (hits >= 1 && hits * 10 >= words * 2);
}

/* 1 when the word w[0, len) is a common English word (word_table built). */
static int english_word(const char *w0, size_t len)
{
    if (len == 1 && w0[0] == 'I') /* English "I"; Italian "i" is lower case */
        return 1;
    char w[16];
    if (len >= sizeof w)
        return 0;
    for (size_t k = 0; k < len; k++)
        w[k] = (char)(w0[k] | 0x20);
    word_key k = word_key_of(w, len);
    for (size_t s = word_slot(k); word_table[s].a; s = (s + 1) & (WORD_SLOTS - 1))
        if (word_table[s].a == k.a && word_table[s].b == k.b)
            return 1;
    return 0;
}

/* 1 when buf[0, n) reads as English by its function words alone: at least
 * three of them and three in ten of its words, in every window of twenty
 * words, so that a paragraph in another language inside English text is
 * left to CLD2, which reports both. Decides most English comments at a
 * fraction of CLD2's cost (which is several times that of scoring the
 * comment). */
static int english_by_function_words(const char *buf, size_t n)
{
    size_t words = 0, hits = 0, all_words = 0, all_hits = 0;
    pthread_once(&word_once, word_table_build);
    for (size_t i = 0; i < n;) {
        while (i < n && !((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z') &&
               (unsigned char)buf[i] < 0x80)
            i++;
        size_t j = i;
        while (j < n && (((buf[j] | 0x20) >= 'a' && (buf[j] | 0x20) <= 'z') || buf[j] == '\'' ||
                         (unsigned char)buf[j] >= 0x80))
            j++;
        if (j == i)
            break;
        words++;
        hits += english_word(buf + i, j - i);
        i = j;
        if (words == WINDOW_WORDS) {
            if (!english_window(words, hits))
                return 0;
            all_words += words;
            all_hits += hits;
            words = hits = 0;
        }
    }
    if (all_words && !english_window(words, hits))
        return 0;
    all_words += words;
    all_hits += hits;
    return all_hits >= 3 && all_hits * 10 >= all_words * 3;
}

/* Copies the words of text[0, len) that are language (no @names, links,
 * addresses) into buf, one space apart, at most cap - 1 bytes. Returns the
 * bytes written. */
static size_t language_words(const char *text, size_t len, char *buf, size_t cap)
{
    size_t k = 0, i = 0;
    while (i < len && k + 1 < cap) {
        while (i < len && is_space(text[i]))
            i++;
        size_t j = i;
        while (j < len && !is_space(text[j]))
            j++;
        if (j > i && !not_language(text + i, j - i)) {
            size_t n = j - i;
            if (k + n + 1 > cap - 1)
                n = cap - 1 - k - 1;
            while (n > 0 && i + n < len && ((unsigned char)text[i + n] & 0xC0) == 0x80)
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
    return k;
}

/* The verdict on buf[0, k), the comment's words. OUT: out. */
static void detect_words(const char *buf, size_t k, ms_language *out)
{
    /* fewer bytes than the floor can never be decisive: spare CLD2 */
    if (k < MS_LANGUAGE_FLOOR_BYTES || !ms_utf8_valid(buf, k))
        return;
    if (english_by_function_words(buf, k)) {
        strcpy(out->code, "en");
        out->reliable = out->decisive = 1;
        out->percent = 100;
        out->text_bytes = (int)k;
        strcpy(out->parts[0].code, "en");
        out->parts[0].percent = 100;
        out->n_parts = 1;
        return;
    }
    if (cld2_detect(buf, (int)k, out) != 0)
        return; /* no CLD2 on this machine: undecided, scored */
    out->decisive = out->reliable && out->text_bytes >= MS_LANGUAGE_FLOOR_BYTES &&
                    strcmp(out->code, "un") != 0;
}

void ms_language_detect(const char *text, size_t len, ms_language *out)
{
    memset(out, 0, sizeof *out);
    strcpy(out->code, "un");
    if (!text)
        return;
    if (len > MS_MAX_COMMENT_BYTES)
        len = MS_MAX_COMMENT_BYTES;
    char stack[STACK_BYTES + 1];
    char *buf = stack;
    size_t cap = sizeof stack;
    if (len >= STACK_BYTES) {
        cap = len + 2;
        if (!(buf = malloc(cap)))
            return; /* undecided: scored by every model, never refused */
    }
    size_t k = language_words(text, len, buf, cap);
    detect_words(buf, k, out);
    if (buf != stack)
        free(buf);
}

int ms_language_same(const char *a, const char *b)
{
    /* most pairs asked (a model's language and a comment's) differ in
     * their first letter, which settles it */
    unsigned char x = (unsigned char)(a[0] | 0x20), y = (unsigned char)(b[0] | 0x20);
    if (x != y && x >= 'a' && x <= 'z' && y >= 'a' && y <= 'z')
        return 0;
    size_t n = strcspn(a, "-_");
    return n == strcspn(b, "-_") && strncasecmp(a, b, n) == 0;
}

/* ISO 639-1 codes CLD2 reports most, with their English names: sorted by
 * code for bsearch. */
static const struct {
    const char *code, *name;
} language_names[] = {
    {"af", "Afrikaans"}, {"ar", "Arabic"},     {"bg", "Bulgarian"}, {"bn", "Bengali"},
    {"ca", "Catalan"},   {"cs", "Czech"},      {"cy", "Welsh"},     {"da", "Danish"},
    {"de", "German"},    {"el", "Greek"},      {"en", "English"},   {"es", "Spanish"},
    {"et", "Estonian"},  {"eu", "Basque"},     {"fa", "Persian"},   {"fi", "Finnish"},
    {"fr", "French"},    {"ga", "Irish"},      {"gl", "Galician"},  {"he", "Hebrew"},
    {"hi", "Hindi"},     {"hr", "Croatian"},   {"hu", "Hungarian"}, {"id", "Indonesian"},
    {"is", "Icelandic"}, {"it", "Italian"},    {"ja", "Japanese"},  {"ko", "Korean"},
    {"lt", "Lithuanian"}, {"lv", "Latvian"},   {"ms", "Malay"},     {"nl", "Dutch"},
    {"no", "Norwegian"}, {"pl", "Polish"},     {"pt", "Portuguese"}, {"ro", "Romanian"},
    {"ru", "Russian"},   {"sk", "Slovak"},     {"sl", "Slovenian"}, {"sq", "Albanian"},
    {"sr", "Serbian"},   {"sv", "Swedish"},    {"sw", "Swahili"},   {"th", "Thai"},
    {"tl", "Tagalog"},   {"tr", "Turkish"},    {"uk", "Ukrainian"}, {"ur", "Urdu"},
    {"vi", "Vietnamese"}, {"zh", "Chinese"},
};

const char *ms_language_name(const char *code)
{
    size_t lo = 0, hi = sizeof language_names / sizeof *language_names;
    size_t n = code ? strcspn(code, "-_") : 0;
    while (n == 2 && lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncasecmp(code, language_names[mid].code, 2);
        if (c == 0)
            return language_names[mid].name;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

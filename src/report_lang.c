/* report_lang.c - languages as the reports' notes name them ("German
 * (de)"), from the library's names (ms_language_name), for people reading
 * a report only: nothing is decided by it. */
#include "report_lang.h"

#include "modscore.h"

#include <stdio.h>
#include <string.h>

void rl_language_names(const char *codes, char *out, size_t cap)
{
    size_t at = 0;
    if (!cap)
        return;
    out[0] = '\0';
    for (const char *c = codes ? codes : ""; *c && at + 1 < cap;) {
        size_t n = strcspn(c, ",");
        char code[8];
        snprintf(code, sizeof code, "%.*s", (int)(n < 7 ? n : 7), c);
        const char *name = ms_language_name(code);
        int k = name ? snprintf(out + at, cap - at, "%s%s (%s)", at ? ", " : "", name, code)
                     : snprintf(out + at, cap - at, "%s%s", at ? ", " : "", code);
        if (k < 0 || (size_t)k >= cap - at) {
            out[at] = '\0'; /* a name that does not fit is left out whole */
            break;
        }
        at += (size_t)k;
        c += n + (c[n] == ',');
    }
}

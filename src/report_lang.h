/* report_lang.h - languages as the reports name them (report_lang.c). Not
 * installed. */
#ifndef MS_REPORT_LANG_H
#define MS_REPORT_LANG_H

#include <stddef.h>

/* The comma-separated codes as people read them: "German (de), xx" (a code
 * ms_language_name does not know stays a code), written to out (cap bytes,
 * NUL-terminated, cut before a name that does not fit). */
void rl_language_names(const char *codes, char *out, size_t cap);

#endif

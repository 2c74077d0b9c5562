/* language.h - the language module's helpers for the rest of the library
 * (its public side is ms_language_detect in modscore.h). Internal. */
#ifndef MS_LANGUAGE_H
#define MS_LANGUAGE_H

/* 1 when the language tags a and b have the same primary subtag ("en-GB"
 * and "EN_us" are both "en"). */
int ms_language_same(const char *a, const char *b);

#endif

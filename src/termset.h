/* termset.h - a small set of terms read from a list file (one term a line,
 * '#' comment lines): the identity terms of models/lexicons. Read-only
 * once loaded (thread-safe). */
#ifndef MS_TERMSET_H
#define MS_TERMSET_H

#include "modscore.h"

#include <stdint.h>

/* A term: one to MS_TERMSET_MAX_WORDS words of lower case, one space apart
 * (as the folding writes words), at most MS_TERMSET_MAX_BYTES bytes. */
#define MS_TERMSET_MAX_WORDS 3
#define MS_TERMSET_MAX_BYTES 128

typedef struct ms_termset ms_termset;

/* Reads the list at path. OUT: *out, free with ms_termset_free. A missing
 * file is MS_ERR_NOT_FOUND; a term that breaks the rules above MS_ERR_PARSE
 * with its line and column. */
ms_status ms_termset_load(const char *path, ms_termset **out, ms_error *err);
void ms_termset_free(ms_termset *s);

/* 1 when w[0, n) is one of the terms (0 for a NULL set). */
int ms_termset_has(const ms_termset *s, const char *w, size_t n);

/* Both questions a reader of a term word by word asks, in one search:
 * MS_TERMSET_TERM when w[0, n) is a term, MS_TERMSET_LONGER when a term
 * starts with w[0, n) and a space (a longer term may follow: "native" of
 * "native americans"). 0 for a NULL set. */
#define MS_TERMSET_TERM 1u
#define MS_TERMSET_LONGER 2u
unsigned ms_termset_lookup(const ms_termset *s, const char *w, size_t n);

/* A hash of the file's name and bytes, never 0; 0 for a NULL set. */
uint64_t ms_termset_hash(const ms_termset *s);

#endif

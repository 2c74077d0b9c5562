/* reader_util.h - what the library's readers share (reader_util.c): byte
 * helpers over pointer+length text, freeing what a reader builds, and the
 * JSON pre-scan, loader and object readers. Not installed. It knows no
 * format's layout, so every reader includes it and it includes none of
 * them. */
#ifndef MS_READER_UTIL_H
#define MS_READER_UTIL_H

#include "modscore.h"

#include <jansson.h>
#include <stddef.h>

/* What the pre-scan learns about a JSON text besides its depth. */
typedef struct scan_info {
    int track;            /* record the comments array (whole documents) */
    long *lines;          /* line of each object in the top-level "comments" */
    size_t n_lines, cap_lines;
    size_t n_elems;       /* objects and arrays directly in that array */
    int has_comments_key; /* the top-level object has a "comments" key */
} scan_info;

int rd_is_blank_char(char c);
int rd_all_blank(const char *s, size_t n);
size_t rd_bom_len(const char *d, size_t n);
/* The error for an input past MS_MAX_DOCUMENT_BYTES (MS_ERR_LIMIT, naming
 * source). */
ms_status rd_too_large(const char *source, ms_error *err);
int rd_mem_eq(const char *s, size_t n, const char *lit);
int rd_mem_starts(const char *s, size_t n, const char *lit);
int rd_mem_ieq(const char *s, size_t n, const char *lit);
size_t rd_mem_find(const char *s, size_t n, const char *lit);
void rd_trim(const char **s, size_t *n);
char *rd_dup_trimmed(const char *s, size_t n, ms_status *st);
void rd_article_free(ms_article *a);
void rd_comment_clear(ms_comment *c);
/* How much of a comment's text s[0..n) is kept: all of it up to
 * MS_MAX_COMMENT_BYTES, else that much cut back to a UTF-8 boundary (the
 * reader then notes MS_NOTE_TRUNCATED). One rule for every reader, and the
 * scorer's own. */
size_t rd_text_cut(const char *s, size_t n);
char *rd_number_text(size_t n);
ms_status rd_json_prescan(const char *d, size_t n, long line0, const char *source, scan_info *si,
                          ms_error *err);
char *rd_repair_utf8(const char *d, size_t n, size_t *out_len);
ms_status rd_json_load(const char *d, size_t n, long line0, const char *source, json_t **out,
                       int *repaired, ms_error *err);
ms_status rd_json_scalar_text(json_t *v, char **out);
ms_status rd_field_text(json_t *obj, const char *key, char **out, const char *source, long line,
                        const char *prefix, ms_error *err);
ms_status rd_field_string(json_t *obj, const char *key, char **out, const char *source, long line,
                          const char *prefix, ms_error *err);
ms_status rd_article_from_json(json_t *o, ms_article **out, const char *source, long line,
                               ms_error *err);
ms_status rd_comment_from_json(json_t *o, ms_comment *c, const char *source, long line,
                               size_t position, int repaired, ms_error *err);
/* The comment of a JSON Lines line line[0, len) of string fields only, as
 * rd_comment_from_json makes it (reader_fast.c), into c: 1 when it was one,
 * 0 when the line is left to jansson, -1 when out of memory (c is cleared
 * unless 1). */
int rd_comment_fast(const char *line, size_t len, long lineno, ms_comment *c);

#endif

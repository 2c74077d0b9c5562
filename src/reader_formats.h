/* reader_formats.h - one entry per discussion format, each filling d from
 * data[0..len) (after the byte-order mark) or failing with err naming
 * source. reader.c dispatches to them; they share reader_util.h and never
 * call back into reader.c. Not installed. */
#ifndef MS_READER_FORMATS_H
#define MS_READER_FORMATS_H

#include "modscore.h"

#include <jansson.h>
#include <stddef.h>

/* A JSON document: {"article":{...}, "comments":[...]} (reader_json.c).
 * parsed: data already parsed by the caller (borrowed), or NULL. */
ms_status rd_parse_json_document(const char *data, size_t len, const char *source,
                                 json_t *parsed, ms_discussion *d, ms_error *err);
/* A JSON Lines stream read whole (reader_jsonl.c). */
ms_status rd_parse_jsonl_document(const char *data, size_t len, const char *source,
                                  ms_discussion *d, ms_error *err);
/* A captured page's text (reader_page.c). */
ms_status rd_parse_page(const char *data, size_t len, const char *source, ms_discussion *d,
                        ms_error *err);

#endif

/* reader.h - the reader's entry for a caller that has parsed the JSON
 * itself (the server, which reads a request's body once). The public
 * entries are modscore.h's. Not installed. */
#ifndef MS_READER_H
#define MS_READER_H

#include "modscore.h"

#include <jansson.h>
#include <stddef.h>

/* ms_discussion_parse of the JSON document data[0..len) that the caller
 * has already parsed into root (borrowed): the same discussion, errors and
 * limits, without parsing it again (data is still scanned for each
 * comment's line). OUT: *out, free with ms_discussion_free. */
ms_status ms_discussion_from_json(json_t *root, const char *data, size_t len, const char *source,
                                  ms_discussion **out, ms_error *err);

#endif

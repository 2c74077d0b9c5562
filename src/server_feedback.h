/* server_feedback.h - the --feedback FILE of `modscore serve`: Perspective
 * SuggestCommentScore requests kept as JSON Lines training records (the
 * format `modscore train --data` reads; see perspective.h).
 *
 * The file is opened for appending only, never through a symlink, and must
 * be a regular file (ms_open_append). Each record is written with one
 * write(2) and fsync'd before the request is answered, under a lock, so
 * concurrent requests never interleave and an answered suggestion is on
 * disk; a record that cannot be written whole is cut back off, never left
 * in part. SIGHUP reopens the path (srv_feedback_reopen), so a rotated file is
 * followed; records written meanwhile go to the old one, whole. */
#ifndef MS_SERVER_FEEDBACK_H
#define MS_SERVER_FEEDBACK_H

#include "modscore.h"

#include <stddef.h>

typedef struct srv_feedback srv_feedback;

/* OUT: *out (srv_feedback_close). MS_ERR_CANT_CREATE or MS_ERR_IO naming
 * the path when it cannot be opened. */
ms_status srv_feedback_open(const char *path, srv_feedback **out, ms_error *err);

/* Opens the path again and swaps it in; on failure the old file stays. */
ms_status srv_feedback_reopen(srv_feedback *f, ms_error *err);

/* Appends data[0, len) (whole lines) and fsyncs. MS_ERR_IO on failure
 * (a full disk, a file-size limit, an I/O error), and then none of it is
 * in the file: what was written is cut back off (ftruncate to the length
 * before). Should that cut fail too, it is tried again before the next
 * record, which is refused while it fails, so the file only ever holds
 * whole records. */
ms_status srv_feedback_append(srv_feedback *f, const char *data, size_t len);

/* NULL is a no-op. */
void srv_feedback_close(srv_feedback *f);

#endif

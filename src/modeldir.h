/* modeldir.h - a model directory written safely: built in a temporary
 * directory beside the target that modscore marks as its own, then put in
 * place in one step (an exchange with the old model), so a reader sees the
 * old model or the new one and a failed run leaves the old one untouched.
 *
 * What modscore replaces or deletes, and nothing else:
 *  - a target that is absent, an empty directory, or a model directory: a
 *    card.json of this format (MS_CARD_FORMAT, with a version) and no files
 *    but the model files (card.json, model.svm, idf.bin, model.bin);
 *    anything else (a user's directory, a regular file) is
 *    MS_ERR_CANT_CREATE and is left alone;
 *  - temporaries OUT.tmp.XXXXXX that hold its marker file (.modscore-tmp,
 *    naming the process that made it) whose process is gone; only the
 *    model files (and their own temporaries) in them are deleted; an
 *    unmarked OUT.tmp.* only when it is empty (rmdir).
 *
 * Runs writing the same target at once: each takes an flock on the
 * directory that holds it (exclusive while it clears stale temporaries
 * and makes and marks its own, and while it publishes; shared while it
 * checks the target), never while it trains. So an unmarked temporary is
 * never a live run's, a run never sees the target while another swaps
 * it, and every run succeeds: the one that publishes last leaves its
 * model. Where the file system has no flock, unmarked temporaries are
 * left alone. */
#ifndef MS_MODELDIR_H
#define MS_MODELDIR_H

#include "model.h"
#include "modscore.h"
#include "util.h"

#include <jansson.h>

/* MS_OK when out may be replaced by a model directory (absent, empty, or a
 * model directory); MS_ERR_CANT_CREATE naming why not. Touches nothing. */
ms_status ms_modeldir_check(const char *out, ms_error *err);

/* Clears stale marked temporaries beside out, then creates a new one, with
 * the marker. OUT: *tmp (free with free()). */
ms_status ms_modeldir_begin(const char *out, char **tmp, ms_error *err);

/* Writes card as tmp/card.json (indented, keys in order, numbers to six
 * significant digits), atomically. */
ms_status ms_modeldir_write_card(const char *tmp, json_t *card, ms_error *err);

/* The weights a model directory stores: a copy of lin trimmed by
 * ms_linear_trim to MS_WEIGHT_DECIMALS places, the choice and what it
 * kept recorded in card's "storage" object. OUT: *trimmed (free with
 * ms_linear_free). */
ms_status ms_modeldir_trimmed(const ms_linear *lin, json_t *card, ms_linear **trimmed,
                              ms_error *err);

/* Writes tmp/model.svm in libsvm's format: lin trimmed as
 * ms_modeldir_trimmed does (recorded in card). OUT: path, the file's path
 * (the caller's buffer, emptied first), *hash, its ms_card_file_hash. */
ms_status ms_modeldir_write_svm(const char *tmp, const ms_linear *lin, json_t *card,
                                ms_buf *path, uint64_t *hash, ms_error *err);

/* Ends a run begun with ms_modeldir_begin: with st MS_OK publishes tmp at
 * out (ms_modeldir_publish); when st or the publishing failed, discards
 * tmp. Frees tmp either way. Returns st, else the publishing's status. */
ms_status ms_modeldir_finish(char *tmp, const char *out, ms_status st, ms_error *err);

/* Puts the finished directory tmp at out (checked again first), fsyncs the
 * parent directory and deletes the old model's files. On failure tmp is
 * left for ms_modeldir_discard and out is untouched. */
ms_status ms_modeldir_publish(const char *tmp, const char *out, ms_error *err);

/* Deletes a temporary made by ms_modeldir_begin (its model files only). */
void ms_modeldir_discard(const char *tmp);

#endif

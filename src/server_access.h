/* server_access.h - who may use the service (src/server.c): API keys
 * (--api-keys FILE) and the browser origins CORS lets in (--cors-origin).
 * Pure functions over their inputs; the server holds the loaded keys in
 * its generation, so SIGHUP rereads them with the models. */
#ifndef MS_SERVER_ACCESS_H
#define MS_SERVER_ACCESS_H

#include "modscore.h"

#include <stddef.h>

/* The keys of a keys file: one a line; blank lines and lines starting with
 * '#' are skipped, surrounding white space is not part of a key, nor is a
 * byte-order mark at the start of the file. */
typedef struct srv_keys {
    char **key;
    size_t n;
} srv_keys;

/* At most this many keys, each at most this long. */
#define SRV_MAX_KEYS 100000u
#define SRV_MAX_KEY_BYTES 256u

/* Reads the keys file at path (a regular file; MS_ERR_IO otherwise). A
 * file with no key is MS_ERR_PARSE: a server that could answer no one is a
 * mistake. OUT: *keys (srv_keys_clear). */
ms_status srv_keys_load(const char *path, srv_keys *keys, ms_error *err);
void srv_keys_clear(srv_keys *keys);

/* 1 when key (may be NULL) is one of keys, compared in time that does not
 * depend on where a key first differs. A key over SRV_MAX_KEY_BYTES is 0
 * without a comparison (its length is read up to the limit only). */
int srv_keys_allow(const srv_keys *keys, const char *key);

/* The value for Access-Control-Allow-Origin when the request's Origin
 * (may be NULL) is one of origins[0, n) ("*" lets every origin in): "*",
 * the origin itself, or NULL when CORS does not let it in. */
const char *srv_cors_origin(const char *const *origins, size_t n, const char *origin);

/* Whether a request that writes or scores comes from another site's page,
 * which could make a moderator's browser post to this service (a
 * text/plain form or fetch needs no CORS preflight): its Origin (may be
 * NULL) is one CORS does not let in, or, without an Origin, its
 * Sec-Fetch-Site (may be NULL) is "cross-site" or "same-site". cors is
 * srv_cors_origin's answer for the request. NULL when it may go on, else
 * the reason (a static string) to refuse it with. Clients that are not
 * browsers send neither header. */
const char *srv_cross_site(const char *origin, const char *fetch_site, const char *cors);

#endif

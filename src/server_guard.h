/* server_guard.h - checks on a request's bytes before the service acts on
 * them (src/server.c): the raw request target, the body's framing headers
 * and the body's JSON nesting. Each returns NULL when the request passes,
 * else the reason (a static string) to answer 400 with. */
#ifndef MS_SERVER_GUARD_H
#define MS_SERVER_GUARD_H

#include <microhttpd.h>
#include <stddef.h>

/* The request target as the client sent it (before percent-decoding): a
 * "%00" would decode to a NUL that cuts the path or a query value short
 * after it was checked, so it is refused. */
const char *srv_guard_target(const char *raw_target);

/* 1 when a Content-Type header value (may be NULL) is application/json,
 * parameters (charset) allowed: what the service's POST endpoints take.
 * Anything else, none included, is what a browser can post from another
 * site without asking (text/plain, a form), so it is refused. */
int srv_guard_json_type(const char *ctype);

/* The body's framing (RFC 9112 6.1-6.3), where a proxy in front and this
 * server could read different bodies (request smuggling): more than one
 * Transfer-Encoding, one other than "chunked", Transfer-Encoding together
 * with Content-Length, or Content-Length headers that disagree. */
const char *srv_guard_framing(struct MHD_Connection *con);

/* The JSON body's shape, in one pass before jansson builds it (and
 * recurses): nesting deeper than max_depth arrays and objects (outside
 * strings) is SRV_GUARD_TOO_DEEP; more than max_items items, counting each
 * object, each array and each comma between two members or elements (so
 * every value but the first of each container), is SRV_GUARD_TOO_MANY:
 * what jansson would build is bounded by the count, which a body of
 * "{},{},..." otherwise makes dear (about 250 bytes of memory for every 3
 * bytes sent). *at is then the byte offset where the limit was passed. */
extern const char SRV_GUARD_TOO_DEEP[];
extern const char SRV_GUARD_TOO_MANY[];
const char *srv_guard_json(const char *d, size_t n, int max_depth, size_t max_items,
                           size_t *at);

#endif

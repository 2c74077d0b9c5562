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

/* The body's framing (RFC 9112 6.1-6.3), where a proxy in front and this
 * server could read different bodies (request smuggling): more than one
 * Transfer-Encoding, one other than "chunked", Transfer-Encoding together
 * with Content-Length, or Content-Length headers that disagree. */
const char *srv_guard_framing(struct MHD_Connection *con);

/* JSON nesting deeper than max arrays and objects (outside strings), found
 * in one pass before jansson recurses; *at is then the byte offset of the
 * bracket that went too deep. */
const char *srv_guard_depth(const char *d, size_t n, int max, size_t *at);

#endif

/* server_listen.h - the service's listening socket (src/server.c): the
 * --listen ADDR:PORT parsed and bound here, before libmicrohttpd takes the
 * socket over, so that a taken address is an error the CLI can name.
 *
 * An address another socket listens on is refused (EADDRINUSE): two
 * servers on one port would split requests between two model sets, two
 * policies and two sets of API keys without a sign. SO_REUSEADDR is set
 * (a restart may bind over connections of the last run still in
 * TIME_WAIT, which is not sharing); SO_REUSEPORT, which does share, only
 * when asked (reuse_port), and then the kernel lets in only other sockets
 * of the same user that asked for it too. */
#ifndef MS_SERVER_LISTEN_H
#define MS_SERVER_LISTEN_H

#include "modscore.h"

/* Binds and listens on spec ("ADDR:PORT", "[::1]:PORT"; port 0 picks a
 * free one). OUT: *fd (close(2) it, or hand it to the daemon), *v6 (1 for
 * an IPv6 socket). MS_ERR_ARG for a spec that does not parse or resolve;
 * MS_ERR_CANT_CREATE when another socket holds the address; MS_ERR_IO for
 * any other failure (a port below 1024 without the right, an address not
 * on this machine). err->source is the spec. */
ms_status srv_listen(const char *spec, int reuse_port, int *fd, int *v6, ms_error *err);

/* The port a bound socket listens on; 0 when it cannot be read. */
unsigned srv_listen_port(int fd);

#endif

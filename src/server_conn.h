/* server_conn.h - a deadline for each request on the service's connections
 * (src/server.c), against slowloris clients.
 *
 * libmicrohttpd's connection timeout (--timeout) is an idle timeout: each
 * byte a client trickles in resets it, so a client sending one header line
 * every few seconds holds its connection for ever. Here a watcher thread
 * closes (shutdown(2)) a connection whose request has taken longer than
 * request_s to arrive, counted from its request line to the last byte of
 * its body, whatever it trickles. Scoring and the reply do not count. A
 * kept-alive connection between requests is idle: libmicrohttpd's idle
 * timeout closes it; if bytes of a request line trickle in instead, the
 * watcher closes it idle_s + request_s after the previous request ended (or
 * the connection opened).
 *
 * The watcher's socket is only shut down while libmicrohttpd still owns it
 * open: srv_conn_close (called from its "closed" notification, before it
 * closes the descriptor) and the watcher take the same lock. */
#ifndef MS_SERVER_CONN_H
#define MS_SERVER_CONN_H

typedef struct srv_conns srv_conns;
typedef struct srv_conn srv_conn;

typedef enum srv_phase {
    SRV_BETWEEN = 0, /* no request yet, or between two */
    SRV_RECEIVING,   /* request line seen, body not complete */
    SRV_WORKING      /* all received: being answered */
} srv_phase;

/* Starts the watcher. NULL when out of memory or no thread. */
srv_conns *srv_conns_start(unsigned request_s, unsigned idle_s);

/* Stops the watcher and frees everything (after the daemon has stopped).
 * NULL is a no-op. */
void srv_conns_stop(srv_conns *cs);

/* A new connection on socket fd. NULL when out of memory: that connection
 * is not watched. */
srv_conn *srv_conn_open(srv_conns *cs, int fd);

/* The connection is closing (before its socket is closed). NULL: no-op. */
void srv_conn_close(srv_conns *cs, srv_conn *c);

/* The connection's request entered phase p (its clock starts again). */
void srv_conn_phase(srv_conns *cs, srv_conn *c, srv_phase p);

/* 1 when the watcher closed c for its deadline. */
int srv_conn_timed_out(srv_conns *cs, const srv_conn *c);

/* Connections closed for their deadline so far. */
unsigned long srv_conns_timed_out(srv_conns *cs);

#endif

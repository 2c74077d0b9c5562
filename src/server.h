/* server.h - the HTTP service behind `modscore serve` (libmicrohttpd).
 *
 * A module of the command-line side, not of libmodscore: it parses HTTP and
 * JSON requests, calls the public API (modscore.h) and writes responses. It
 * holds no scoring logic of its own.
 *
 * Endpoints (JSON in and out; errors are {"error":{"code","message","status"}}):
 *   POST /v1/check                    one comment -> the verdict `modscore check` prints
 *   POST /v1/score                    a discussion document -> `modscore score --output json`
 *   POST /v1alpha1/comments:analyze   Perspective's AnalyzeComment request and response
 *   GET  /healthz                     {"status":"ok",...}; 503 while draining
 *   GET  /metrics                     Prometheus text format
 *
 * Models and policies form a "generation": loaded once, shared read-only by
 * the scoring workers, refcounted. ms_server_reload builds a whole new
 * generation and swaps it in; requests already running keep the one they
 * started with, and it is freed when the last of them ends (idle workers
 * drop their scorers of it at the swap). A generation that fails to load is
 * refused and the old one stays.
 *
 * Transport: a thread per connection; a request takes one of cfg.threads
 * scoring workers to parse its body, score and build its answer (so that
 * many at most hold a parsed body at once). Limits: cfg.request_timeout_s for a whole
 * request to arrive (server_conn.h), cfg.max_connections in all and
 * cfg.max_connections_per_ip per client address, cfg.max_body; a URL with
 * %00, ambiguous body framing and JSON nested past MS_MAX_JSON_DEPTH are
 * 400, a body with more than MS_SERVER_JSON_ITEMS_PER_MIB items per MiB of
 * max_body 413 (server_guard.h). POST bodies must be application/json
 * (else 415), and a cross-site request (server_access.h) is 403. Log lines: server_log.h.
 *
 * OWNERSHIP: ms_server_start returns a server freed by ms_server_stop. The
 * config is copied.
 */
#ifndef MS_SERVER_H
#define MS_SERVER_H

#include "modscore.h"

#include <stddef.h>
#include <stdio.h>

#define MS_SERVER_DEFAULT_LISTEN "127.0.0.1:8080"
#define MS_SERVER_DEFAULT_MAX_BODY (1024u * 1024u)
/* Idle keep-alive connections live this long: clients that keep one open
 * between posts (Discourse's plugin: a request, 15-60 s of quiet, the next
 * on the same connection, no retry) must find it open. */
#define MS_SERVER_DEFAULT_TIMEOUT 75u
#define MS_SERVER_DEFAULT_REQUEST_TIMEOUT 30u
#define MS_SERVER_DEFAULT_MAX_CONNECTIONS 1000u
#define MS_SERVER_DEFAULT_MAX_CONNECTIONS_PER_IP 64u
#define MS_SERVER_MAX_COMMUNITIES 4096u
/* JSON items (objects, arrays, the values after a comma) a request body may
 * hold, per MiB of max_body (rounded up): past it the body is 413 before
 * it is parsed, so that what parsing builds stays near 25 MB per MiB
 * allowed however the body is shaped. */
#define MS_SERVER_JSON_ITEMS_PER_MIB 100000u
/* After this many bytes of requests and replies, the heap is trimmed
 * (malloc_trim) the next time no request is in flight: a burst's memory is
 * given back to the system instead of staying with the process (parsing
 * JSON can take a thousand times its size). */
#define MS_SERVER_TRIM_AFTER (256u * 1024u)

typedef struct ms_server_config {
    const char *listen;       /* "ADDR:PORT" ("[::1]:8080" for IPv6); port 0 picks
                                 a free one. NULL: MS_SERVER_DEFAULT_LISTEN */
    const char *models_dir;   /* required */
    const char *policy_path;  /* NULL: models_dir/policy.json, else the default */
    const char *const *thresholds; /* --threshold overrides of the default policy */
    size_t n_thresholds;
    const char *policy_dir;   /* communityId ID -> policy_dir/ID.json; NULL: none */
    size_t max_body;          /* request body cap in bytes; 0: the default (1 MiB) */
    unsigned timeout_s;       /* idle connection timeout; 0: the default (75 s) */
    unsigned request_timeout_s; /* a whole request (request line, headers, body)
                                   must arrive within this, however it trickles;
                                   0: the default (30 s) */
    unsigned max_connections; /* open connections in all; more are closed at
                                 once; 0: the default (1000) */
    unsigned max_connections_per_ip; /* from one client address; 0: the
                                        default (64) */
    unsigned threads;         /* scoring workers (requests scoring at once);
                                 0: one per online core. Each connection has
                                 a thread of its own besides */
    int log_text;             /* include comment text in the request log */
    const char *feedback_path; /* comments:suggestscore appends its training
                                  records here (server_feedback.h); NULL:
                                  answered, logged as dropped */
    const char *api_keys_path; /* one key a line: every scoring request must
                                  carry one (?key= or X-Goog-Api-Key); reread
                                  on reload. NULL: no key is checked */
    int lazy;                 /* 1: map each model when the first request
                                 needs it; 0 (default): the policies'
                                 categories are mapped at start and by a
                                 reload before it serves (srv_gen_warm) */
    int reuse_port;           /* share the address with other servers started
                                 with it (SO_REUSEPORT, server_listen.h);
                                 0: an address in use is refused */
    const char *const *cors_origins; /* browser origins let in ("*": any) */
    size_t n_cors_origins;
    FILE *log;                /* request log; NULL: stderr */
    /* Tests only: called by a request once it holds a scoring worker,
     * before it scores (to keep workers busy on cue). NULL: none. */
    void (*hold)(void *arg);
    void *hold_arg;
} ms_server_config;

typedef struct ms_server ms_server;

/* Loads the first generation and starts listening. OUT: *out, free with
 * ms_server_stop. On failure *out is NULL and err says why: a model or
 * policy that does not load; an address another socket listens on,
 * MS_ERR_CANT_CREATE with err->source the address; an address that cannot
 * be bound for another reason, MS_ERR_IO. The address is bound first, so a
 * second server fails before it loads anything. */
ms_status ms_server_start(const ms_server_config *cfg, ms_server **out, ms_error *err);

/* The port the server listens on (useful after port 0). */
unsigned ms_server_port(const ms_server *s);

/* Loads models and policies again from the configured paths and swaps them
 * in atomically. On failure the running generation stays and err says why. */
ms_status ms_server_reload(ms_server *s, ms_error *err);

/* The models now serving, "category version" pairs separated by ", "
 * (for the reload log line), into buf[0, n), NUL-terminated and cut to
 * fit. */
void ms_server_models(ms_server *s, char *buf, size_t n);

/* Writes "modscore: MESSAGE" to the server's log as one line in one write,
 * control characters escaped, so it cannot split or splice request lines.
 * s NULL: to stderr. */
void ms_server_logf(ms_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Stops the server and frees it. With drain_ms > 0 it first stops
 * accepting connections and waits up to drain_ms for requests in flight to
 * finish. NULL is a no-op. */
void ms_server_stop(ms_server *s, unsigned drain_ms);

#endif

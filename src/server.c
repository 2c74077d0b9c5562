/* server.c - the service's transport: libmicrohttpd with a thread per
 * connection, a request's way in (its deadline, framing, size, method, API
 * key, CORS) and out (the reply and its log line), and starting and
 * stopping. The endpoints are server_routes.c, the reload machinery
 * server_gen.c (server_priv.h has the map). See server.h for the
 * endpoints.
 */
#define _GNU_SOURCE
#include "server_priv.h"
#include "server_guard.h"
#include "server_listen.h"
#include "server_log.h"
#include "util.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static enum MHD_Result send_reply(ms_server *s, struct MHD_Connection *con, request *rq,
                                  reply *rp, const char *allow)
{
    if (!rp->body)
        srv_set_error(rp, 500, "out of memory");
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(rp->len, rp->body ? rp->body : (void *)"",
                                        MHD_RESPMEM_MUST_COPY);
    free(rp->body);
    rp->body = NULL;
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rp->ctype);
    if (allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    if (rq->close || atomic_load(&s->draining))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (rq->cors) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", rq->cors);
        if (strcmp(rq->cors, "*") != 0)
            MHD_add_response_header(resp, "Vary", "Origin");
    }
    if (rq->cors && rq->preflight) {
        char methods[32];
        snprintf(methods, sizeof methods, "%s, OPTIONS", srv_ep_method[rq->endpoint]);
        MHD_add_response_header(resp, "Access-Control-Allow-Methods", methods);
        MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                "Content-Type, X-Goog-Api-Key, Authorization");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
    }
    rq->status = rp->status;
    rq->out_bytes = rp->len;
    enum MHD_Result ret = MHD_queue_response(con, rp->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* An OPTIONS preflight: 204 with the Access-Control-* headers when
 * --cors-origin lets the request's Origin in, else 403. */
static void preflight(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    (void)s;
    (void)con;
    if (!rq->cors) {
        srv_set_error(rp, 403, "origin not allowed (--cors-origin)");
        return;
    }
    char *empty = strdup("");
    srv_set_text(rp, 204, "text/plain; charset=utf-8", empty, 0);
    rq->preflight = 1;
}

/* --api-keys: the request's key (?key= or X-Goog-Api-Key) must be one of
 * the generation's; else Perspective's own answers (403 for none, 400 for
 * a wrong one) in rp and 0. */
static int key_ok(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    if (!s->cfg.api_keys_path)
        return 1;
    generation *g = srv_gen_acquire(s);
    int check = g->check_keys, ok = 1;
    const char *key = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "key");
    if (!key)
        key = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Goog-Api-Key");
    if (check && (!key || !*key)) {
        srv_set_error(rp, 403, "The request is missing a valid API key.");
        rq->note = "refused=no-key";
        ok = 0;
    } else if (check && strnlen(key, SRV_MAX_KEY_BYTES + 1) > SRV_MAX_KEY_BYTES) {
        srv_set_error(rp, 400, "API key not valid: longer than %u bytes.", SRV_MAX_KEY_BYTES);
        rq->note = "refused=bad-key";
        ok = 0;
    } else if (check && !srv_keys_allow(&g->keys, key)) {
        srv_set_error(rp, 400, "API key not valid. Please pass a valid API key.");
        rq->note = "refused=bad-key";
        ok = 0;
    }
    srv_gen_release(g);
    return ok;
}

/* Called by libmicrohttpd once a request line has arrived, before the
 * headers: the request starts here (its clock, and the raw target, which
 * the access handler only sees percent-decoded). Returns the request that
 * becomes *con_cls. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *con)
{
    ms_server *s = cls;
    request *rq = calloc(1, sizeof *rq);
    if (!rq)
        return NULL;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    rq->conn = ci ? ci->socket_context : NULL;
    srv_conn_phase(s->conns, rq->conn, SRV_RECEIVING);
    rq->t0 = now_s();
    rq->reject = srv_guard_target(uri);
    pthread_mutex_lock(&s->lock);
    s->in_flight++;
    pthread_mutex_unlock(&s->lock);
    return rq;
}

/* A request that scores or keeps data, refused before its body is read: a
 * cross-site one (403), one without a valid key (key_ok), or one whose body
 * is not declared JSON (415). 1 with the reply in rp, else 0. */
static int refused_before_body(ms_server *s, struct MHD_Connection *con, request *rq,
                               reply *rp)
{
    const char *why = srv_cross_site(
        MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Origin"),
        MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Sec-Fetch-Site"), rq->cors);
    if (why) {
        srv_set_error(rp, 403, "%s", why);
        rq->note = "refused=cross-site";
        return 1;
    }
    if (!key_ok(s, con, rq, rp))
        return 1;
    const char *ctype =
        MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!srv_guard_json_type(ctype)) {
        srv_set_error(rp, 415, "Content-Type must be application/json (got %s)",
                      ctype ? ctype : "none");
        rq->note = "refused=content-type";
        return 1;
    }
    return 0;
}

/* The request's headers have arrived: what can be refused before its body
 * is read is refused here (framing, endpoint, method, key, a declared body
 * over --max-body), its reply queued from rp; else MHD_YES. */
static enum MHD_Result request_begin(ms_server *s, struct MHD_Connection *con, request *rq,
                                     const char *url, const char *method, reply *rp)
{
    rq->begun = 1;
    snprintf(rq->method, sizeof rq->method, "%s", method);
    snprintf(rq->path, sizeof rq->path, "%s", url);
    rq->endpoint = srv_route(url);
    const char *framing = srv_guard_framing(con);
    if (rq->reject || framing) {
        /* the body is not read: what follows on the connection is not
         * a request of its own */
        rq->close = 1;
        srv_set_error(rp, 400, "%s", rq->reject ? rq->reject : framing);
        return send_reply(s, con, rq, rp, NULL);
    }
    if (rq->endpoint == EP_OTHER) {
        srv_set_error(rp, 404, "no such endpoint: %s", rq->path);
        return send_reply(s, con, rq, rp, NULL);
    }
    const char *origin = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Origin");
    rq->cors = srv_cors_origin(s->cfg.cors_origins, s->cfg.n_cors_origins, origin);
    if (strcmp(method, "OPTIONS") == 0) {
        preflight(s, con, rq, rp);
        return send_reply(s, con, rq, rp, NULL);
    }
    const char *want = srv_ep_method[rq->endpoint];
    int ok = strcmp(method, want) == 0 ||
             (strcmp(want, "GET") == 0 && strcmp(method, "HEAD") == 0);
    if (!ok) {
        srv_set_error(rp, 405, "%s %s is not allowed; use %s", method, url, want);
        return send_reply(s, con, rq, rp, strcmp(want, "GET") ? want : "GET, HEAD");
    }
    if (srv_ep_keyed(rq->endpoint) && refused_before_body(s, con, rq, rp)) {
        rq->close = 1; /* the body is not read */
        return send_reply(s, con, rq, rp, NULL);
    }
    const char *cl =
        MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno == 0 && end != cl && n > s->cfg.max_body) {
            rq->note = "refused=too-large";
            srv_set_error(rp, 413, "request body of %llu bytes is over the %zu-byte limit", n,
                          s->cfg.max_body);
            return send_reply(s, con, rq, rp, NULL);
        }
    }
    return MHD_YES;
}

/* n more bytes of the request's body: kept up to --max-body, past it
 * dropped and the request marked too large (answered 413 once all has
 * arrived). MHD_NO when out of memory. */
static enum MHD_Result request_body(ms_server *s, request *rq, const char *data, size_t n)
{
    if (rq->too_large)
        return MHD_YES;
    if (rq->len + n > s->cfg.max_body) {
        rq->too_large = 1; /* keep reading, answer 413 at the end */
        free(rq->body);
        rq->body = NULL;
        rq->len = rq->cap = 0;
        return MHD_YES;
    }
    if (rq->len + n + 1 > rq->cap) {
        size_t cap = rq->cap ? rq->cap : 4096;
        while (cap < rq->len + n + 1)
            cap *= 2;
        if (cap > s->cfg.max_body + 1)
            cap = s->cfg.max_body + 1;
        char *p = realloc(rq->body, cap);
        if (!p)
            return MHD_NO;
        rq->body = p;
        rq->cap = cap;
    }
    memcpy(rq->body + rq->len, data, n);
    rq->len += n;
    rq->body[rq->len] = '\0';
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    ms_server *s = cls;
    request *rq = *con_cls;
    reply rp = {0};
    if (!rq) { /* no memory in on_request_line */
        rq = on_request_line(s, url, con);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
    }
    if (!rq->begun)
        return request_begin(s, con, rq, url, method, &rp);
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return request_body(s, rq, upload_data, n);
    }
    srv_conn_phase(s->conns, rq->conn, SRV_WORKING); /* all received */
    if (rq->too_large) {
        rq->note = "refused=too-large";
        srv_set_error(&rp, 413, "request body is over the %zu-byte limit", s->cfg.max_body);
        return send_reply(s, con, rq, &rp, NULL);
    }
    srv_handle(s, con, rq, &rp);
    worker *w = pthread_getspecific(s->tkey); /* taken by srv_scorer_for */
    if (w) {
        pthread_setspecific(s->tkey, NULL);
        srv_worker_give_back(s, w);
    }
    return send_reply(s, con, rq, &rp, NULL);
}

/* One line per request (server_log.h escapes what the client chose). */
static void log_request(ms_server *s, const request *rq, double dt)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    srv_line l = {0};
    srv_line_addf(&l, "%s.%03ldZ ", when, ts.tv_nsec / 1000000);
    srv_line_field(&l, rq->method[0] ? rq->method : "-", rq->method[0] ? strlen(rq->method) : 1);
    srv_line_addf(&l, " ");
    srv_line_field(&l, rq->path[0] ? rq->path : "-", rq->path[0] ? strlen(rq->path) : 1);
    if (rq->status)
        srv_line_addf(&l, " %u", rq->status);
    else
        srv_line_addf(&l, " -");
    srv_line_addf(&l, " %.3fms in=%zu out=%zu", dt * 1e3, rq->len, rq->out_bytes);
    if (rq->community[0]) {
        srv_line_addf(&l, " community=");
        srv_line_field(&l, rq->community, strlen(rq->community));
    }
    if (srv_conn_timed_out(s->conns, rq->conn))
        srv_line_addf(&l, " closed=request-timeout");
    if (rq->note)
        srv_line_addf(&l, " %s", rq->note);
    if (rq->log_text) {
        srv_line_addf(&l, " text=");
        srv_line_text(&l, rq->log_text, strlen(rq->log_text));
    }
    srv_line_write(&l, s->log);
}

void ms_server_logf(ms_server *s, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    srv_line l = {0};
    srv_line_addf(&l, "modscore: ");
    srv_line_text(&l, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    srv_line_write(&l, s ? s->log : stderr);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)con;
    (void)toe;
    ms_server *s = cls;
    request *rq = *con_cls;
    if (!rq)
        return;
    *con_cls = NULL;
    double dt = now_s() - rq->t0;
    if (rq->status)
        srv_metrics_request(s, rq->endpoint, rq->status, dt);
    log_request(s, rq, dt);
    srv_conn_phase(s->conns, rq->conn, SRV_BETWEEN); /* kept alive: idle */
    size_t rq_bytes = rq->len + rq->out_bytes;
    free(rq->body);
    free(rq->log_text);
    free(rq);
    pthread_mutex_lock(&s->lock);
    s->since_trim += rq_bytes;
    int trim = 0;
    if (--s->in_flight == 0) {
        pthread_cond_broadcast(&s->idle);
        trim = s->since_trim >= MS_SERVER_TRIM_AFTER;
        if (trim)
            s->since_trim = 0;
    }
    pthread_mutex_unlock(&s->lock);
    if (trim) /* a burst is over: give its memory back */
        malloc_trim(0);
}

/* A connection opens or closes: its deadline is watched in between. */
static void on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    ms_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? srv_conn_open(s->conns, ci->connect_fd) : NULL;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        srv_conn_close(s->conns, *socket_context);
        *socket_context = NULL;
    }
}

static char *dup0(const char *s) { return s ? strdup(s) : NULL; }

static void server_free(ms_server *s)
{
    if (!s)
        return;
    free(s->listen);
    free(s->models_dir);
    free(s->policy_path);
    free(s->policy_dir);
    for (size_t i = 0; s->thresholds && i < s->cfg.n_thresholds; i++)
        free(s->thresholds[i]);
    free(s->thresholds);
    for (size_t i = 0; s->cors && i < s->cfg.n_cors_origins; i++)
        free(s->cors[i]);
    free(s->cors);
    free(s->feedback_path);
    free(s->api_keys_path);
    srv_feedback_close(s->feedback);
    for (unsigned i = 0; s->workers && i < s->cfg.threads; i++)
        srv_worker_clear(&s->workers[i]);
    free(s->workers);
    srv_conns_stop(s->conns);
    srv_gen_release(s->current);
    pthread_cond_destroy(&s->worker_free);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->m.lock);
    pthread_cond_destroy(&s->idle);
    free(s);
}

/* Copies the strings of cfg into s (s->cfg then points at the copies).
 * Returns 1 when out of memory. */
static int copy_config(ms_server *s, const ms_server_config *cfg)
{
    s->cfg = *cfg;
    s->listen = strdup(cfg->listen ? cfg->listen : MS_SERVER_DEFAULT_LISTEN);
    s->models_dir = strdup(cfg->models_dir);
    s->policy_path = dup0(cfg->policy_path);
    s->policy_dir = dup0(cfg->policy_dir);
    s->thresholds = cfg->n_thresholds ? calloc(cfg->n_thresholds, sizeof *s->thresholds) : NULL;
    int oom = !s->listen || !s->models_dir || (cfg->policy_path && !s->policy_path) ||
              (cfg->policy_dir && !s->policy_dir) || (cfg->n_thresholds && !s->thresholds);
    for (size_t i = 0; !oom && i < cfg->n_thresholds; i++)
        oom = !(s->thresholds[i] = strdup(cfg->thresholds[i]));
    s->cfg.listen = s->listen;
    s->cfg.models_dir = s->models_dir;
    s->cfg.policy_path = s->policy_path;
    s->cfg.policy_dir = s->policy_dir;
    s->cfg.thresholds = (const char *const *)s->thresholds;
    s->feedback_path = dup0(cfg->feedback_path);
    s->api_keys_path = dup0(cfg->api_keys_path);
    s->cors = cfg->n_cors_origins ? calloc(cfg->n_cors_origins, sizeof *s->cors) : NULL;
    oom |= (cfg->feedback_path && !s->feedback_path) || (cfg->api_keys_path && !s->api_keys_path) ||
           (cfg->n_cors_origins && !s->cors);
    for (size_t i = 0; !oom && i < cfg->n_cors_origins; i++)
        oom = !(s->cors[i] = strdup(cfg->cors_origins[i]));
    s->cfg.feedback_path = s->feedback_path;
    s->cfg.api_keys_path = s->api_keys_path;
    s->cfg.cors_origins = (const char *const *)s->cors;
    return oom;
}

/* The defaults of server.h for what cfg left 0. */
static void apply_defaults(ms_server_config *c)
{
    if (!c->max_body)
        c->max_body = MS_SERVER_DEFAULT_MAX_BODY;
    if (!c->timeout_s)
        c->timeout_s = MS_SERVER_DEFAULT_TIMEOUT;
    if (!c->threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c->threads = n > 0 ? (unsigned)n : 1;
    }
    if (!c->request_timeout_s)
        c->request_timeout_s = MS_SERVER_DEFAULT_REQUEST_TIMEOUT;
    if (!c->max_connections)
        c->max_connections = MS_SERVER_DEFAULT_MAX_CONNECTIONS;
    if (!c->max_connections_per_ip)
        c->max_connections_per_ip = MS_SERVER_DEFAULT_MAX_CONNECTIONS_PER_IP;
}

/* A server with cfg's copy, its locks, workers and deadline watcher; not
 * listening, nothing loaded. NULL when out of memory. */
static ms_server *server_new(const ms_server_config *cfg)
{
    ms_server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->m.lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    pthread_cond_init(&s->worker_free, NULL);
    atomic_init(&s->draining, 0);
    atomic_init(&s->generations, 0);
    s->quiesced = MHD_INVALID_SOCKET;
    int oom = copy_config(s, cfg);
    apply_defaults(&s->cfg);
    s->max_json_items = MS_SERVER_JSON_ITEMS_PER_MIB * ((s->cfg.max_body + (1u << 20) - 1) >> 20);
    s->log = cfg->log ? cfg->log : stderr;
    s->workers = calloc(s->cfg.threads, sizeof *s->workers);
    s->conns = srv_conns_start(s->cfg.request_timeout_s, s->cfg.timeout_s);
    if (oom || !s->workers || !s->conns) {
        server_free(s);
        return NULL;
    }
    return s;
}

ms_status ms_server_start(const ms_server_config *cfg, ms_server **out, ms_error *err)
{
    *out = NULL;
    if (!cfg || !cfg->models_dir)
        return ms_fail(err, MS_ERR_ARG, "", 0, 0, "no models directory");
    ms_server *s = server_new(cfg);
    if (!s)
        return ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "out of memory");
    /* the address first: a second server on it fails before loading anything */
    int fd = -1, v6 = 0;
    ms_status st = srv_listen(s->listen, s->cfg.reuse_port, &fd, &v6, err);
    if (st == MS_OK)
        st = srv_gen_build(&s->cfg, ++s->serial, &s->generations, &s->current, err);
    if (st == MS_OK)
        srv_gen_warm(s, s->current);
    if (st == MS_OK && s->feedback_path)
        st = srv_feedback_open(s->feedback_path, &s->feedback, err);
    if (st == MS_OK && pthread_key_create(&s->tkey, NULL) != 0)
        st = ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "no thread key");
    if (st != MS_OK) {
        if (fd >= 0)
            close(fd);
        server_free(s);
        return st;
    }
    /* a thread per connection: a request waits for a scoring worker (cfg.threads
     * of them) only to score, so /healthz answers while they are all busy;
     * connections are capped in all and per client address */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_AUTO | MHD_USE_ITC;
    if (v6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_CONNECTION_TIMEOUT, s->cfg.timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_CONNECTION_LIMIT, s->cfg.max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->cfg.max_connections_per_ip,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_URI_LOG_CALLBACK, on_request_line, s, MHD_OPTION_END);
    if (!s->daemon) {
        int e = errno;
        close(fd);
        pthread_key_delete(s->tkey);
        st = ms_fail(err, MS_ERR_IO, s->listen, 0, 0, "cannot listen: %s",
                     e ? strerror(e) : "libmicrohttpd refused to start");
        server_free(s);
        return st;
    }
    s->port = srv_listen_port(fd);
    if (s->current->unknown[0])
        ms_server_logf(s, "warning: %s", s->current->unknown);
    *out = s;
    return MS_OK;
}

unsigned ms_server_port(const ms_server *s) { return s ? s->port : 0; }

void ms_server_stop(ms_server *s, unsigned drain_ms)
{
    if (!s)
        return;
    if (drain_ms) {
        atomic_store(&s->draining, 1);
        s->quiesced = MHD_quiesce_daemon(s->daemon);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += drain_ms / 1000;
        until.tv_nsec += (long)(drain_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&s->lock);
        while (s->in_flight > 0)
            if (pthread_cond_timedwait(&s->idle, &s->lock, &until) == ETIMEDOUT)
                break;
        pthread_mutex_unlock(&s->lock);
    }
    MHD_stop_daemon(s->daemon); /* joins the connections' threads */
    if (s->quiesced != MHD_INVALID_SOCKET)
        close(s->quiesced);
    pthread_key_delete(s->tkey);
    server_free(s);
}

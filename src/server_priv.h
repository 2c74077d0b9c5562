/* server_priv.h - what the service's files share (not installed, not part
 * of server.h's interface):
 *   server.c         transport: libmicrohttpd, a request's way in (limits,
 *                    framing, keys, CORS) and out (the reply, its log line),
 *                    start and stop
 *   server_gen.c     the reload machinery: generations of models and
 *                    policies, the scoring workers, ms_server_reload
 *   server_routes.c  the endpoints and their handlers
 *   server_reply.c   building a reply (JSON, errors) and reading a JSON body
 *   server_metrics.c /healthz, /metrics and the counters behind them
 * Each lock's scope is written beside what it guards. */
#ifndef MS_SERVER_PRIV_H
#define MS_SERVER_PRIV_H

#include "server.h"

#include "perspective.h"
#include "server_access.h"
#include "server_conn.h"
#include "server_feedback.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* ------------------------------------------------------------ generation */

typedef struct community {
    char id[72];
    ms_policy *policy;
} community;

/* Models and policies, read-only once built, freed with the last
 * reference. */
typedef struct generation {
    atomic_int refs;
    unsigned long serial;
    atomic_int *live; /* the server's count of generations in memory */
    ms_models *models;
    ms_policy *policy;
    community *comm; /* sorted by id */
    size_t n_comm;
    srv_keys keys; /* --api-keys; n == 0: none checked */
    int check_keys;
    char unknown[640]; /* what a policy names that does nothing (a category
                          no model scores, a kind its category never reads),
                          said in full; "" when none (warned at start,
                          refused by a reload) */
} generation;

/* ------------------------------------------------------------ endpoints */

enum {
    EP_CHECK,
    EP_SCORE,
    EP_ANALYZE,
    EP_HEALTHZ,
    EP_METRICS,
    EP_SUGGEST,
    EP_DISCOVERY,
    EP_OTHER,
    EP_COUNT
};
extern const char *const srv_ep_path[EP_COUNT];
extern const char *const srv_ep_method[EP_COUNT];

/* ------------------------------------------------------------ metrics */

#define SRV_N_CODES 9    /* status codes counted one by one (server_metrics.c) */
#define SRV_N_BUCKETS 12 /* latency histogram buckets (server_metrics.c) */

typedef struct metrics {
    pthread_mutex_t lock;
    unsigned long requests[EP_COUNT][SRV_N_CODES + 1]; /* last: any other code */
    unsigned long errors;
    unsigned long hist[EP_COUNT][SRV_N_BUCKETS + 1]; /* last: +Inf only */
    double sum[EP_COUNT];
    unsigned long count[EP_COUNT];
    unsigned long actions[3];
    unsigned long reloads_ok, reloads_failed;
    unsigned long feedback_reopen_failed;
    char refused[600]; /* why the last reload was refused; "" when it was not */
    time_t refused_at;
} metrics;

/* ------------------------------------------------------------ server */

#define TC_SLOTS 8

/* A scoring worker: the right to score (there are cfg.threads of them, so
 * that many requests score at once), with its scorers for one generation:
 * the default policy's and the last few communities'. Holds a reference to
 * that generation. Connections have threads of their own and take a
 * worker only to score, so /healthz never waits for one. */
typedef struct worker {
    generation *gen;
    struct {
        const ms_policy *policy;
        ms_scorer *scorer;
    } slot[TC_SLOTS];
    unsigned next;
    int busy;
    int scored; /* its request has asked for a scorer */
} worker;

struct ms_server {
    ms_server_config cfg;
    char *listen, *models_dir, *policy_path, *policy_dir;
    char **thresholds;
    struct MHD_Daemon *daemon;
    MHD_socket quiesced;
    unsigned port;
    FILE *log;

    pthread_mutex_t lock; /* current, serial, in_flight */
    pthread_cond_t idle;
    generation *current;
    unsigned long serial;
    unsigned long in_flight;
    atomic_int draining;
    atomic_int generations; /* in memory: 1 once no request uses a replaced one */

    worker *workers; /* cfg.threads of them; busy under lock */
    pthread_cond_t worker_free;
    pthread_key_t tkey; /* the worker this thread's request holds, or NULL */
    srv_conns *conns;   /* request deadlines */
    metrics m;
    char *feedback_path, *api_keys_path;
    char **cors;
    srv_feedback *feedback; /* --feedback, or NULL */
    size_t max_json_items;  /* items in one JSON body (server_guard.h) */
    size_t since_trim;      /* bytes in and out since the heap was last trimmed;
                               under lock */
};

/* ------------------------------------------------------------ requests */

typedef struct request {
    srv_conn *conn; /* its connection's deadline, or NULL */
    int endpoint;
    int begun;          /* the access handler has seen it */
    const char *reject; /* a 400 to answer (server_guard.h), or NULL */
    int close;          /* answer with Connection: close */
    double t0;
    char method[16];
    char path[128];
    char *body;
    size_t len, cap;
    int too_large;
    unsigned status;
    size_t out_bytes;
    char community[72];
    char *log_text; /* JSON string of the comment text, with --log-text */
    const char *cors; /* Access-Control-Allow-Origin to answer with, or NULL */
    const char *note; /* a word for the log line ("feedback=dropped"), or NULL */
    int preflight;    /* an OPTIONS preflight: answer with Access-Control-Allow-* */
} request;

/* A JSON body, or NULL on no memory; takes nothing. */
typedef struct reply {
    unsigned status;
    char *body; /* malloc'd */
    size_t len;
    const char *ctype;
} reply;

/* ------------------------------------------------------------ functions */

/* server_gen.c */
ms_status srv_gen_build(const ms_server_config *cfg, unsigned long serial, atomic_int *live,
                        generation **out, ms_error *err);
void srv_gen_release(generation *g);
/* Maps what g's policies score before g serves (cfg.lazy: nothing): a
 * comment scored with each policy (the default and every community's) maps
 * its categories' models in its language and fills their packs, so the
 * first request after a start or a reload does not pay for it. A model that
 * fails to map is left for the request that needs it to report, with a
 * warning in s's log. */
void srv_gen_warm(ms_server *s, generation *g);
generation *srv_gen_acquire(ms_server *s);
int srv_valid_community_id(const char *id, size_t n);
int srv_comm_cmp(const void *a, const void *b);
void srv_worker_clear(worker *w);
void srv_worker_give_back(ms_server *s, worker *w);
void srv_worker_hold(ms_server *s);
ms_scorer *srv_scorer_for(ms_server *s, generation *g, const ms_policy *p);

/* server_reply.c */
void srv_set_json(reply *rp, unsigned status, json_t *j);
void srv_set_error(reply *rp, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void srv_set_persp_error(reply *rp, const persp_error *e);
void srv_set_text(reply *rp, unsigned status, const char *ctype, char *body, size_t len);
json_t *srv_parse_body(const ms_server *s, request *rq, reply *rp);

/* server_routes.c */
int srv_ep_keyed(int e);
int srv_route(const char *url);
void srv_handle(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp);

/* server_metrics.c */
void srv_metrics_request(ms_server *s, int endpoint, unsigned status, double dt);
void srv_count_action(ms_server *s, ms_action a);
void srv_handle_healthz(ms_server *s, reply *rp);
void srv_handle_metrics(ms_server *s, reply *rp);

#endif

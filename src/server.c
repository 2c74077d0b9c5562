/* server.c - the HTTP service: libmicrohttpd in thread-pool mode, JSON
 * requests parsed with jansson, scoring and reports through modscore.h
 * only. See server.h for the endpoints.
 *
 * The Perspective mapping (requests, attributes, responses, errors) is
 * perspective.c; this file keeps the transport.
 */
#define _GNU_SOURCE
#include "server.h"
#include "server_conn.h"
#include "server_guard.h"
#include "server_listen.h"
#include "server_log.h"

#include "perspective.h"
#include "server_access.h"
#include "server_feedback.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
} generation;

static void gen_free(generation *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_comm; i++)
        ms_policy_free(g->comm[i].policy);
    free(g->comm);
    ms_policy_free(g->policy);
    srv_keys_clear(&g->keys);
    ms_models_free(g->models);
    if (g->live)
        atomic_fetch_sub(g->live, 1);
    free(g);
}

static void gen_release(generation *g)
{
    if (g && atomic_fetch_sub(&g->refs, 1) == 1)
        gen_free(g);
}

static ms_status fail(ms_error *err, ms_status st, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ms_status fail(ms_error *err, ms_status st, const char *source, const char *fmt, ...)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = st;
        snprintf(err->source, sizeof err->source, "%s", source ? source : "");
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* [A-Za-z0-9_-]{1,64} */
static int valid_community_id(const char *id, size_t n)
{
    if (n < 1 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int comm_cmp(const void *a, const void *b)
{
    return strcmp(((const community *)a)->id, ((const community *)b)->id);
}

/* Every DIR/ID.json with a valid ID; one that fails to load fails them all. */
static ms_status load_communities(const char *dir, generation *g, ms_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return fail(err, errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_IO, dir, "%s",
                    strerror(errno));
    ms_status st = MS_OK;
    size_t cap = 0;
    struct dirent *e;
    while (st == MS_OK && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0 ||
            !valid_community_id(e->d_name, n - 5))
            continue;
        if (g->n_comm == MS_SERVER_MAX_COMMUNITIES) {
            st = fail(err, MS_ERR_LIMIT, dir, "more than %u community policies",
                      MS_SERVER_MAX_COMMUNITIES);
            break;
        }
        if (g->n_comm == cap) {
            cap = cap ? cap * 2 : 16;
            community *p = realloc(g->comm, cap * sizeof *p);
            if (!p) {
                st = fail(err, MS_ERR_NOMEM, dir, "out of memory");
                break;
            }
            g->comm = p;
        }
        community *c = &g->comm[g->n_comm];
        memset(c, 0, sizeof *c);
        memcpy(c->id, e->d_name, n - 5);
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        st = ms_policy_load(path, &c->policy, err);
        if (st == MS_OK)
            g->n_comm++;
    }
    closedir(d);
    if (st == MS_OK && g->n_comm)
        qsort(g->comm, g->n_comm, sizeof *g->comm, comm_cmp);
    return st;
}

static ms_status gen_build(const ms_server_config *cfg, unsigned long serial, atomic_int *live,
                           generation **out, ms_error *err)
{
    *out = NULL;
    generation *g = calloc(1, sizeof *g);
    if (!g)
        return fail(err, MS_ERR_NOMEM, "", "out of memory");
    atomic_init(&g->refs, 1);
    g->serial = serial;
    g->live = live;
    atomic_fetch_add(live, 1);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/policy.json", cfg->models_dir);
    ms_status st;
    if (cfg->policy_path)
        st = ms_policy_load(cfg->policy_path, &g->policy, err);
    else if (access(path, R_OK) == 0)
        st = ms_policy_load(path, &g->policy, err);
    else
        st = ms_policy_default(&g->policy);
    for (size_t i = 0; st == MS_OK && i < cfg->n_thresholds; i++)
        st = ms_policy_override(g->policy, cfg->thresholds[i], err);
    if (st == MS_OK)
        st = ms_models_load(cfg->models_dir, &g->models, err);
    if (st == MS_OK && cfg->policy_dir)
        st = load_communities(cfg->policy_dir, g, err);
    if (st == MS_OK && cfg->api_keys_path) {
        st = srv_keys_load(cfg->api_keys_path, &g->keys, err);
        g->check_keys = 1;
    }
    if (st != MS_OK) {
        if (err && err->code == MS_OK)
            err->code = st;
        gen_free(g);
        return st;
    }
    *out = g;
    return MS_OK;
}

/* ------------------------------------------------------------ metrics */

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
static const char *const ep_path[EP_COUNT] = {
    "/v1/check", "/v1/score", "/v1alpha1/comments:analyze", "/healthz", "/metrics",
    "/v1alpha1/comments:suggestscore", "/$discovery/rest", "other",
};
static const char *const ep_method[EP_COUNT] = {"POST", "POST", "POST", "GET",
                                                "GET",  "POST", "GET",  NULL};
/* Endpoints that score or keep data: --api-keys guards them. */
static int ep_keyed(int e)
{
    return e == EP_CHECK || e == EP_SCORE || e == EP_ANALYZE || e == EP_SUGGEST;
}

static const unsigned codes[] = {200, 400, 404, 405, 413, 500, 503};
#define N_CODES (sizeof codes / sizeof *codes)
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define N_BUCKETS (sizeof buckets / sizeof *buckets)

typedef struct metrics {
    pthread_mutex_t lock;
    unsigned long requests[EP_COUNT][N_CODES + 1]; /* last: any other code */
    unsigned long errors;
    unsigned long hist[EP_COUNT][N_BUCKETS + 1];   /* last: +Inf only */
    double sum[EP_COUNT];
    unsigned long count[EP_COUNT];
    unsigned long actions[3];
    unsigned long reloads_ok, reloads_failed;
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
};

static void worker_clear(worker *w)
{
    for (int i = 0; i < TC_SLOTS; i++) {
        ms_scorer_free(w->slot[i].scorer);
        w->slot[i].scorer = NULL;
        w->slot[i].policy = NULL;
    }
    gen_release(w->gen);
    w->gen = NULL;
    w->next = 0;
}

/* Waits for a free worker and takes it. */
static worker *worker_take(ms_server *s)
{
    pthread_mutex_lock(&s->lock);
    worker *w = NULL;
    for (;;) {
        for (unsigned i = 0; i < s->cfg.threads && !w; i++)
            if (!s->workers[i].busy)
                w = &s->workers[i];
        if (w)
            break;
        pthread_cond_wait(&s->worker_free, &s->lock);
    }
    w->busy = 1;
    pthread_mutex_unlock(&s->lock);
    return w;
}

/* Gives the worker back; scorers of a generation a reload replaced go
 * first, so they do not outlive the last request that used them. */
static void worker_give_back(ms_server *s, worker *w)
{
    pthread_mutex_lock(&s->lock);
    int stale = w->gen && w->gen != s->current;
    pthread_mutex_unlock(&s->lock);
    if (stale)
        worker_clear(w);
    pthread_mutex_lock(&s->lock);
    w->busy = 0;
    pthread_cond_signal(&s->worker_free);
    pthread_mutex_unlock(&s->lock);
}

/* At a reload's swap: the idle workers' scorers of replaced generations go
 * now (busy ones when their request gives them back). */
static void workers_drop_stale(ms_server *s)
{
    for (unsigned i = 0; i < s->cfg.threads; i++) {
        worker *w = &s->workers[i];
        pthread_mutex_lock(&s->lock);
        int take = !w->busy && w->gen && w->gen != s->current;
        if (take)
            w->busy = 1;
        pthread_mutex_unlock(&s->lock);
        if (take)
            worker_give_back(s, w);
    }
}

static generation *gen_acquire(ms_server *s)
{
    pthread_mutex_lock(&s->lock);
    generation *g = s->current;
    atomic_fetch_add(&g->refs, 1);
    pthread_mutex_unlock(&s->lock);
    return g;
}

/* A scorer for policy p of generation g (NULL on no memory), from the
 * worker this request holds: the first call takes one, waiting for it
 * when all are busy; the access handler gives it back after the reply. */
static ms_scorer *scorer_for(ms_server *s, generation *g, const ms_policy *p)
{
    worker *w = pthread_getspecific(s->tkey);
    if (!w) {
        w = worker_take(s);
        pthread_setspecific(s->tkey, w);
        if (s->cfg.hold)
            s->cfg.hold(s->cfg.hold_arg);
    }
    if (w->gen != g) {
        worker_clear(w);
        atomic_fetch_add(&g->refs, 1);
        w->gen = g;
    }
    for (int i = 0; i < TC_SLOTS; i++)
        if (w->slot[i].scorer && w->slot[i].policy == p)
            return w->slot[i].scorer;
    ms_scorer *sc;
    if (ms_scorer_new(g->models, p, &sc) != MS_OK)
        return NULL;
    unsigned k = w->next++ % TC_SLOTS;
    ms_scorer_free(w->slot[k].scorer);
    w->slot[k].scorer = sc;
    w->slot[k].policy = p;
    return sc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

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

static void set_json(reply *rp, unsigned status, json_t *j)
{
    rp->status = status;
    rp->ctype = "application/json; charset=utf-8";
    rp->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (rp->body) {
        rp->len = strlen(rp->body);
        /* one JSON text per line, as the CLI prints it */
        char *p = realloc(rp->body, rp->len + 2);
        if (p) {
            rp->body = p;
            rp->body[rp->len++] = '\n';
            rp->body[rp->len] = '\0';
        }
    } else {
        rp->status = 500;
    }
}

static void set_error(reply *rp, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_error(reply *rp, unsigned code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    free(rp->body);
    rp->body = NULL;
    set_json(rp, code, persp_error_json(code, msg));
}

static void set_persp_error(reply *rp, const persp_error *e)
{
    free(rp->body);
    rp->body = NULL;
    set_json(rp, e->status, persp_error_body(e));
}

static void set_text(reply *rp, unsigned status, const char *ctype, char *body, size_t len)
{
    rp->status = status;
    rp->ctype = ctype;
    rp->body = body;
    rp->len = len;
    if (!body)
        set_error(rp, 500, "out of memory");
}

/* Parses a request body as one JSON object; sets a 400 reply otherwise. */
static json_t *parse_body(const request *rq, reply *rp)
{
    if (rq->len == 0) {
        set_error(rp, 400, "malformed JSON: empty request body");
        return NULL;
    }
    size_t at;
    if (srv_guard_depth(rq->body, rq->len, MS_MAX_JSON_DEPTH, &at)) {
        set_error(rp, 400, "malformed JSON: nesting deeper than %d levels at byte %zu",
                  MS_MAX_JSON_DEPTH, at);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        set_error(rp, 400, "malformed JSON at line %d column %d: %s", je.line, je.column,
                  je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        set_error(rp, 400, "the request body must be a JSON object");
        json_decref(j);
        return NULL;
    }
    return j;
}

/* The policy for a community id (NULL or "" for the default). Returns NULL
 * with a 400 reply when the id is invalid or unknown. */
static const ms_policy *policy_for(ms_server *s, const generation *g, const char *id,
                                   request *rq, reply *rp)
{
    if (!id || !*id)
        return g->policy;
    size_t n = strlen(id);
    if (!valid_community_id(id, n)) {
        set_error(rp, 400, "invalid communityId: it must match [A-Za-z0-9_-]{1,64}");
        return NULL;
    }
    snprintf(rq->community, sizeof rq->community, "%s", id);
    community key;
    snprintf(key.id, sizeof key.id, "%s", id);
    const community *c = s->cfg.policy_dir ? bsearch(&key, g->comm, g->n_comm, sizeof *g->comm,
                                                     comm_cmp)
                                           : NULL;
    if (!c) { /* the id only: where policies live is the server's business */
        set_error(rp, 400, "unknown communityId '%s'", id);
        return NULL;
    }
    return c->policy;
}

/* Perspective's communityId is an opaque string ("Coral:https://...",
 * "/forum/movies"): it selects the policy policy_dir/ID.json only when ID is
 * a safe file name with a loaded policy, else the default; never an error,
 * and no path is ever built from it. */
static const ms_policy *perspective_policy(const generation *g, const char *id, request *rq)
{
    if (!id || !g->n_comm || !valid_community_id(id, strlen(id)))
        return g->policy;
    community key;
    snprintf(key.id, sizeof key.id, "%s", id);
    const community *c = bsearch(&key, g->comm, g->n_comm, sizeof *g->comm, comm_cmp);
    if (!c)
        return g->policy;
    snprintf(rq->community, sizeof rq->community, "%s", id);
    return c->policy;
}

static void count_action(ms_server *s, ms_action a)
{
    pthread_mutex_lock(&s->m.lock);
    if ((unsigned)a < 3)
        s->m.actions[a]++;
    pthread_mutex_unlock(&s->m.lock);
}

static void keep_log_text(ms_server *s, request *rq, const char *text, size_t len)
{
    if (!s->cfg.log_text || rq->log_text)
        return;
    json_t *j = json_stringn(text, len);
    rq->log_text = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
    json_decref(j);
}

/* The community named by the ?communityId= query argument, a body member
 * "communityId" or "community_id", in that order of precedence. An empty
 * query argument names none: the body's still counts. */
static const char *community_arg(struct MHD_Connection *con, const json_t *body, reply *rp,
                                 int *bad)
{
    const char *q = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "communityId");
    if (q && *q)
        return q;
    persp_error pe;
    const char *v = body ? persp_community_id(body, &pe, bad) : NULL;
    if (*bad)
        set_persp_error(rp, &pe);
    return v;
}

/* POST /v1/check: {"text", "id"?, "article"?, "parent_text"?, "communityId"?}
 * -> the verdict `modscore check` prints. */
static void handle_check(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    json_t *j = parse_body(rq, rp);
    if (!j)
        return;
    generation *g = NULL;
    ms_article art;
    int has_article = 0, bad = 0;
    json_t *text = json_object_get(j, "text");
    if (!json_is_string(text)) {
        set_error(rp, 400, "text is required and must be a string");
        goto out;
    }
    persp_error pe;
    const char *id = persp_str_member(j, "id", "", &pe, &bad);
    const char *parent = bad ? NULL : persp_str_member(j, "parent_text", "", &pe, &bad);
    if (bad) {
        set_persp_error(rp, &pe);
        goto out;
    }
    const char *cid = community_arg(con, j, rp, &bad);
    if (bad)
        goto out;
    json_t *ja = json_object_get(j, "article");
    if (ja && !json_is_null(ja)) {
        if (persp_article_from_json(ja, &art, &pe) != 0) {
            set_persp_error(rp, &pe);
            goto out;
        }
        has_article = 1;
    }
    keep_log_text(s, rq, json_string_value(text), json_string_length(text));
    g = gen_acquire(s);
    const ms_policy *p = policy_for(s, g, cid, rq, rp);
    if (!p)
        goto out;
    ms_scorer *sc = scorer_for(s, g, p);
    if (!sc) {
        set_error(rp, 500, "out of memory");
        goto out;
    }
    ms_input in = {.text = json_string_value(text),
                   .len = json_string_length(text),
                   .article = has_article ? &art : NULL,
                   .parent_text = parent,
                   .parent_len = parent ? strlen(parent) : 0};
    ms_result r;
    ms_status st = ms_score(sc, &in, &r);
    if (st != MS_OK) {
        set_error(rp, 500, "scoring failed: %s", ms_strerror(st));
        goto out;
    }
    ms_comment c = {0};
    c.id = (char *)id;
    char *out = ms_result_json(id ? &c : NULL, &r);
    count_action(s, r.action);
    ms_result_clear(&r);
    if (!out) {
        set_error(rp, 500, "out of memory");
        goto out;
    }
    size_t n = strlen(out);
    char *body = malloc(n + 2);
    if (body) {
        memcpy(body, out, n);
        body[n++] = '\n';
        body[n] = '\0';
    }
    ms_free(out);
    set_text(rp, 200, "application/json; charset=utf-8", body, n);
out:
    if (has_article)
        free(art.tags);
    gen_release(g);
    json_decref(j);
}

/* POST /v1/score: a JSON discussion document -> `modscore score --output
 * json`. The community comes from ?communityId= or a top-level
 * "communityId". */
static void handle_score(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    json_t *j = parse_body(rq, rp); /* for a precise 400 and the community */
    if (!j)
        return;
    int bad = 0;
    const char *cid = community_arg(con, j, rp, &bad);
    generation *g = NULL;
    ms_discussion *d = NULL;
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = NULL;
    ms_reporter *rep = NULL;
    if (bad)
        goto out;
    ms_error err = {0};
    ms_status st = ms_discussion_parse(rq->body, rq->len, MS_FORMAT_JSON, "request", &d, &err);
    if (st != MS_OK) {
        unsigned code = st == MS_ERR_NOMEM ? 500 : 400;
        if (err.line > 0)
            set_error(rp, code, "bad discussion document at line %ld column %ld: %s", err.line,
                      err.column, err.message[0] ? err.message : ms_strerror(st));
        else
            set_error(rp, code, "bad discussion document: %s",
                      err.message[0] ? err.message : ms_strerror(st));
        goto out;
    }
    g = gen_acquire(s);
    const ms_policy *p = policy_for(s, g, cid, rq, rp);
    if (!p)
        goto out;
    ms_scorer *sc = scorer_for(s, g, p);
    f = open_memstream(&buf, &blen);
    if (!sc || !f || ms_reporter_new(MS_OUTPUT_JSON, f, p, &rep) != MS_OK ||
        ms_reporter_set_models(rep, g->models) != MS_OK) {
        set_error(rp, 500, "out of memory");
        goto out;
    }
    ms_reporter_begin(rep, d->n_articles ? d->articles[0] : NULL);
    unsigned long acts[3] = {0, 0, 0};
    for (size_t i = 0; st == MS_OK && i < d->n_comments; i++) {
        const ms_comment *c = &d->comments[i];
        const ms_comment *parent = ms_discussion_parent(d, i);
        ms_input in = {.text = c->text,
                       .len = c->text_len,
                       .article = c->article,
                       .parent_text = c->parent_text,
                       .notes = c->notes};
        if (!in.parent_text && parent)
            in.parent_text = parent->text;
        if (in.parent_text)
            in.parent_len = parent && in.parent_text == parent->text ? parent->text_len
                                                                      : strlen(in.parent_text);
        ms_result r;
        st = ms_score(sc, &in, &r);
        if (st == MS_OK) {
            st = ms_reporter_comment(rep, c, &r);
            acts[r.action < 3 ? r.action : 0]++;
            ms_result_clear(&r);
        }
    }
    if (st == MS_OK)
        st = ms_reporter_end(rep);
    if (st != MS_OK) {
        set_error(rp, 500, "scoring failed: %s", ms_strerror(st));
        goto out;
    }
    pthread_mutex_lock(&s->m.lock);
    for (int a = 0; a < 3; a++)
        s->m.actions[a] += acts[a];
    pthread_mutex_unlock(&s->m.lock);
    ms_reporter_free(rep);
    rep = NULL;
    if (fclose(f) != 0) {
        f = NULL;
        set_error(rp, 500, "writing the report failed");
        goto out;
    }
    f = NULL;
    set_text(rp, 200, "application/json; charset=utf-8", buf, blen);
    buf = NULL;
out:
    ms_reporter_free(rep);
    if (f)
        fclose(f);
    free(buf);
    ms_discussion_free(d);
    gen_release(g);
    json_decref(j);
}

/* ---------------------------------------------------- Perspective API */

/* POST /v1alpha1/comments:analyze: see perspective.h. */
static void handle_analyze(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    json_t *j = parse_body(rq, rp);
    if (!j)
        return;
    generation *g = gen_acquire(s);
    persp_analyze a;
    persp_error pe;
    ms_result r;
    int scored = 0;
    if (persp_parse_analyze(j, g->models, &a, &pe) != 0) {
        set_persp_error(rp, &pe);
        goto out;
    }
    const char *q = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "communityId");
    const ms_policy *p = perspective_policy(g, q ? q : a.community_id, rq);
    ms_scorer *sc = scorer_for(s, g, p);
    if (!sc) {
        set_error(rp, 500, "out of memory");
        goto out;
    }
    keep_log_text(s, rq, a.text, a.len);
    ms_input in = persp_input(&a);
    ms_status st = ms_score(sc, &in, &r);
    if (st != MS_OK) {
        set_error(rp, 500, "scoring failed: %s", ms_strerror(st));
        goto out;
    }
    scored = 1;
    json_t *resp = persp_analyze_response(&a, sc, &r, &pe);
    if (!resp) {
        set_persp_error(rp, &pe);
        goto out;
    }
    set_json(rp, 200, resp);
out:
    if (scored)
        ms_result_clear(&r);
    persp_analyze_clear(&a);
    gen_release(g);
    json_decref(j);
}

/* POST /v1alpha1/comments:suggestscore: Perspective's SuggestCommentScore.
 * With --feedback the suggestion becomes training records, on disk before
 * the answer; without, it is answered and logged as dropped. */
static void handle_suggest(ms_server *s, request *rq, reply *rp)
{
    json_t *j = parse_body(rq, rp);
    if (!j)
        return;
    persp_suggest sg;
    persp_error pe;
    if (persp_parse_suggest(j, &sg, &pe) != 0) {
        set_persp_error(rp, &pe);
        json_decref(j);
        return;
    }
    keep_log_text(s, rq, sg.text, sg.len);
    if (!s->feedback) {
        rq->note = "feedback=dropped(no --feedback)";
    } else {
        char when[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        size_t n = 0;
        char *lines = persp_feedback_records(&sg, when, &n);
        if (!lines) {
            set_error(rp, 500, "out of memory");
            json_decref(j);
            return;
        }
        ms_status st = srv_feedback_append(s->feedback, lines, n);
        free(lines);
        if (st != MS_OK) { /* nothing of it is in the file (server_feedback.h) */
            rq->note = "feedback=failed(not-stored)";
            set_error(rp, 500, "the feedback was not stored: the server could not write it "
                               "(its disk may be full); nothing of it was kept, send it again "
                               "later");
            json_decref(j);
            return;
        }
        rq->note = "feedback=saved";
    }
    set_json(rp, 200, persp_suggest_response(&sg));
    json_decref(j);
}

/* GET /$discovery/rest?version=v1alpha1: the discovery document, its
 * rootUrl this server as the client reached it (the Host header, when it
 * is a plain host[:port]; else the address it listens on). */
static void handle_discovery(ms_server *s, struct MHD_Connection *con, reply *rp)
{
    const char *v = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "version");
    if (!v || strcmp(v, "v1alpha1") != 0) {
        set_error(rp, 404, "no discovery document for version %s; this server has v1alpha1",
                  v ? v : "(none)");
        return;
    }
    const char *host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    size_t n = host ? strlen(host) : 0;
    int ok = n > 0 && n < 256;
    for (size_t i = 0; ok && i < n; i++)
        ok = (host[i] >= 'a' && host[i] <= 'z') || (host[i] >= 'A' && host[i] <= 'Z') ||
             (host[i] >= '0' && host[i] <= '9') || strchr(".-:[]", host[i]);
    char root[320];
    if (ok) {
        snprintf(root, sizeof root, "http://%s/", host);
    } else {
        const char *colon = strrchr(s->listen, ':');
        snprintf(root, sizeof root, "http://%.*s:%u/",
                 (int)(colon ? colon - s->listen : (long)strlen(s->listen)), s->listen, s->port);
    }
    set_json(rp, 200, persp_discovery(root));
}

/* ------------------------------------------------------------ health, metrics */

static void handle_healthz(ms_server *s, reply *rp)
{
    generation *g = gen_acquire(s);
    const char *h = ms_models_version(g->models, MS_CAT_HOSTILITY);
    const char *o = ms_models_version(g->models, MS_CAT_OFF_TOPIC);
    int draining = atomic_load(&s->draining);
    json_t *j = json_pack("{s:s,s:{s:s?,s:s?},s:i}", "status", draining ? "draining" : "ok",
                          "models", "hostility", h, "off_topic", o, "communities",
                          (int)g->n_comm);
    /* and every other loaded category's version */
    json_t *models = json_object_get(j, "models");
    for (size_t c = 0; models && c < ms_models_category_count(g->models); c++) {
        const ms_category_info *ci = ms_models_category_info(g->models, c);
        if (!json_object_get(models, ci->name))
            json_object_set_new(models, ci->name, json_string(ci->version));
    }
    set_json(rp, draining ? 503 : 200, j);
    gen_release(g);
}

static void prom_escape(FILE *f, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fputc('\\', f);
        if (*v == '\n') {
            fputs("\\n", f);
            continue;
        }
        fputc(*v, f);
    }
}

static void handle_metrics(ms_server *s, reply *rp)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        set_error(rp, 500, "out of memory");
        return;
    }
    metrics m;
    pthread_mutex_lock(&s->m.lock);
    memcpy(&m, &s->m, sizeof m);
    pthread_mutex_unlock(&s->m.lock);
    fputs("# HELP modscore_requests_total HTTP requests answered, by endpoint and status code.\n"
          "# TYPE modscore_requests_total counter\n",
          f);
    for (int e = 0; e < EP_COUNT; e++)
        for (size_t c = 0; c <= N_CODES; c++) {
            if (!m.requests[e][c])
                continue;
            fprintf(f, "modscore_requests_total{endpoint=\"%s\",code=\"", ep_path[e]);
            if (c < N_CODES)
                fprintf(f, "%u", codes[c]);
            else
                fputs("other", f);
            fprintf(f, "\"} %lu\n", m.requests[e][c]);
        }
    fprintf(f,
            "# HELP modscore_request_errors_total Requests answered with a 4xx or 5xx status.\n"
            "# TYPE modscore_request_errors_total counter\n"
            "modscore_request_errors_total %lu\n",
            m.errors);
    fputs("# HELP modscore_request_duration_seconds Time from the request's headers to its "
          "response.\n# TYPE modscore_request_duration_seconds histogram\n",
          f);
    for (int e = 0; e < EP_COUNT; e++) {
        if (!m.count[e])
            continue;
        unsigned long cum = 0;
        for (size_t b = 0; b < N_BUCKETS; b++) {
            cum += m.hist[e][b];
            fprintf(f,
                    "modscore_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
                    ep_path[e], buckets[b], cum);
        }
        fprintf(f,
                "modscore_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n"
                "modscore_request_duration_seconds_sum{endpoint=\"%s\"} %.9g\n"
                "modscore_request_duration_seconds_count{endpoint=\"%s\"} %lu\n",
                ep_path[e], m.count[e], ep_path[e], m.sum[e], ep_path[e], m.count[e]);
    }
    fputs("# HELP modscore_actions_total Verdicts returned by /v1/check and /v1/score.\n"
          "# TYPE modscore_actions_total counter\n",
          f);
    for (int a = 0; a < 3; a++)
        fprintf(f, "modscore_actions_total{action=\"%s\"} %lu\n", ms_action_name((ms_action)a),
                m.actions[a]);
    fprintf(f,
            "# HELP modscore_reloads_total Model and policy reloads, by result.\n"
            "# TYPE modscore_reloads_total counter\n"
            "modscore_reloads_total{result=\"ok\"} %lu\n"
            "modscore_reloads_total{result=\"failed\"} %lu\n",
            m.reloads_ok, m.reloads_failed);
    generation *g = gen_acquire(s);
    fputs("# HELP modscore_model_info The loaded models' versions.\n"
          "# TYPE modscore_model_info gauge\n",
          f);
    for (size_t c = 0; c < ms_models_category_count(g->models); c++) {
        const ms_category_info *ci = ms_models_category_info(g->models, c);
        fprintf(f, "modscore_model_info{category=\"%s\",version=\"", ci->name);
        prom_escape(f, ci->version);
        fputs("\"} 1\n", f);
    }
    fprintf(f,
            "# HELP modscore_policy_communities Community policies loaded.\n"
            "# TYPE modscore_policy_communities gauge\n"
            "modscore_policy_communities %zu\n",
            g->n_comm);
    gen_release(g);
    pthread_mutex_lock(&s->lock);
    unsigned long inflight = s->in_flight;
    pthread_mutex_unlock(&s->lock);
    fprintf(f,
            "# HELP modscore_requests_in_flight Requests being handled.\n"
            "# TYPE modscore_requests_in_flight gauge\n"
            "modscore_requests_in_flight %lu\n"
            "# HELP modscore_model_generations Model and policy sets in memory: the one in "
            "use, and any a reload replaced that a request still holds.\n"
            "# TYPE modscore_model_generations gauge\n"
            "modscore_model_generations %d\n"
            "# HELP modscore_request_timeouts_total Connections closed because a request "
            "took longer than --request-timeout to arrive.\n"
            "# TYPE modscore_request_timeouts_total counter\n"
            "modscore_request_timeouts_total %lu\n",
            inflight, atomic_load(&s->generations), srv_conns_timed_out(s->conns));
    if (fclose(f) != 0) {
        free(buf);
        set_error(rp, 500, "out of memory");
        return;
    }
    set_text(rp, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}

/* ------------------------------------------------------------ MHD glue */

static enum MHD_Result send_reply(ms_server *s, struct MHD_Connection *con, request *rq,
                                  reply *rp, const char *allow)
{
    if (!rp->body)
        set_error(rp, 500, "out of memory");
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
        snprintf(methods, sizeof methods, "%s, OPTIONS", ep_method[rq->endpoint]);
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
        set_error(rp, 403, "origin not allowed (--cors-origin)");
        return;
    }
    char *empty = strdup("");
    set_text(rp, 204, "text/plain; charset=utf-8", empty, 0);
    rq->preflight = 1;
}

/* --api-keys: the request's key (?key= or X-Goog-Api-Key) must be one of
 * the generation's; else Perspective's own answers (403 for none, 400 for
 * a wrong one) in rp and 0. */
static int key_ok(ms_server *s, struct MHD_Connection *con, reply *rp)
{
    if (!s->cfg.api_keys_path)
        return 1;
    generation *g = gen_acquire(s);
    int check = g->check_keys, ok = 1;
    const char *key = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "key");
    if (!key)
        key = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Goog-Api-Key");
    if (check && (!key || !*key)) {
        set_error(rp, 403, "The request is missing a valid API key.");
        ok = 0;
    } else if (check && !srv_keys_allow(&g->keys, key)) {
        set_error(rp, 400, "API key not valid. Please pass a valid API key.");
        ok = 0;
    }
    gen_release(g);
    return ok;
}

static int route(const char *url)
{
    for (int e = 0; e < EP_OTHER; e++)
        if (strcmp(url, ep_path[e]) == 0)
            return e;
    return EP_OTHER;
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
    if (!rq->begun) {
        rq->begun = 1;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->path, sizeof rq->path, "%s", url);
        rq->endpoint = route(url);
        const char *framing = srv_guard_framing(con);
        if (rq->reject || framing) {
            /* the body is not read: what follows on the connection is not
             * a request of its own */
            rq->close = 1;
            set_error(&rp, 400, "%s", rq->reject ? rq->reject : framing);
            return send_reply(s, con, rq, &rp, NULL);
        }
        if (rq->endpoint == EP_OTHER) {
            set_error(&rp, 404, "no such endpoint: %s", rq->path);
            return send_reply(s, con, rq, &rp, NULL);
        }
        const char *origin = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Origin");
        rq->cors = srv_cors_origin(s->cfg.cors_origins, s->cfg.n_cors_origins, origin);
        if (strcmp(method, "OPTIONS") == 0) {
            preflight(s, con, rq, &rp);
            return send_reply(s, con, rq, &rp, NULL);
        }
        const char *want = ep_method[rq->endpoint];
        int ok = strcmp(method, want) == 0 ||
                 (strcmp(want, "GET") == 0 && strcmp(method, "HEAD") == 0);
        if (!ok) {
            set_error(&rp, 405, "%s %s is not allowed; use %s", method, url, want);
            return send_reply(s, con, rq, &rp, strcmp(want, "GET") ? want : "GET, HEAD");
        }
        if (ep_keyed(rq->endpoint) && !key_ok(s, con, &rp)) {
            rq->close = 1; /* the body is not read */
            return send_reply(s, con, rq, &rp, NULL);
        }
        const char *cl =
            MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno == 0 && end != cl && n > s->cfg.max_body) {
                set_error(&rp, 413, "request body of %llu bytes is over the %zu-byte limit", n,
                          s->cfg.max_body);
                return send_reply(s, con, rq, &rp, NULL);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
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
        memcpy(rq->body + rq->len, upload_data, n);
        rq->len += n;
        rq->body[rq->len] = '\0';
        return MHD_YES;
    }
    srv_conn_phase(s->conns, rq->conn, SRV_WORKING); /* all received */
    if (rq->too_large) {
        set_error(&rp, 413, "request body is over the %zu-byte limit", s->cfg.max_body);
        return send_reply(s, con, rq, &rp, NULL);
    }
    switch (rq->endpoint) {
    case EP_CHECK: handle_check(s, con, rq, &rp); break;
    case EP_SCORE: handle_score(s, con, rq, &rp); break;
    case EP_ANALYZE: handle_analyze(s, con, rq, &rp); break;
    case EP_HEALTHZ: handle_healthz(s, &rp); break;
    case EP_METRICS: handle_metrics(s, &rp); break;
    case EP_SUGGEST: handle_suggest(s, rq, &rp); break;
    case EP_DISCOVERY: handle_discovery(s, con, &rp); break;
    default: set_error(&rp, 404, "no such endpoint"); break;
    }
    worker *w = pthread_getspecific(s->tkey); /* taken by scorer_for */
    if (w) {
        pthread_setspecific(s->tkey, NULL);
        worker_give_back(s, w);
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
    if (rq->status) {
        size_t c = 0;
        while (c < N_CODES && codes[c] != rq->status)
            c++;
        size_t b = 0;
        while (b < N_BUCKETS && dt > buckets[b])
            b++;
        pthread_mutex_lock(&s->m.lock);
        s->m.requests[rq->endpoint][c]++;
        if (rq->status >= 400)
            s->m.errors++;
        s->m.hist[rq->endpoint][b]++;
        s->m.sum[rq->endpoint] += dt;
        s->m.count[rq->endpoint]++;
        pthread_mutex_unlock(&s->m.lock);
    }
    log_request(s, rq, dt);
    srv_conn_phase(s->conns, rq->conn, SRV_BETWEEN); /* kept alive: idle */
    free(rq->body);
    free(rq->log_text);
    free(rq);
    pthread_mutex_lock(&s->lock);
    if (--s->in_flight == 0)
        pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->lock);
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

/* ------------------------------------------------------------ lifecycle */

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
        worker_clear(&s->workers[i]);
    free(s->workers);
    srv_conns_stop(s->conns);
    gen_release(s->current);
    pthread_cond_destroy(&s->worker_free);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->m.lock);
    pthread_cond_destroy(&s->idle);
    free(s);
}

ms_status ms_server_start(const ms_server_config *cfg, ms_server **out, ms_error *err)
{
    *out = NULL;
    if (!cfg || !cfg->models_dir)
        return fail(err, MS_ERR_ARG, "", "no models directory");
    ms_server *s = calloc(1, sizeof *s);
    if (!s)
        return fail(err, MS_ERR_NOMEM, "", "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->m.lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    pthread_cond_init(&s->worker_free, NULL);
    atomic_init(&s->draining, 0);
    atomic_init(&s->generations, 0);
    s->quiesced = MHD_INVALID_SOCKET;
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
    if (!s->cfg.max_body)
        s->cfg.max_body = MS_SERVER_DEFAULT_MAX_BODY;
    if (!s->cfg.timeout_s)
        s->cfg.timeout_s = MS_SERVER_DEFAULT_TIMEOUT;
    if (!s->cfg.threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->cfg.threads = n > 0 ? (unsigned)n : 1;
    }
    if (!s->cfg.request_timeout_s)
        s->cfg.request_timeout_s = MS_SERVER_DEFAULT_REQUEST_TIMEOUT;
    if (!s->cfg.max_connections)
        s->cfg.max_connections = MS_SERVER_DEFAULT_MAX_CONNECTIONS;
    if (!s->cfg.max_connections_per_ip)
        s->cfg.max_connections_per_ip = MS_SERVER_DEFAULT_MAX_CONNECTIONS_PER_IP;
    s->log = cfg->log ? cfg->log : stderr;
    s->workers = calloc(s->cfg.threads, sizeof *s->workers);
    s->conns = srv_conns_start(s->cfg.request_timeout_s, s->cfg.timeout_s);
    oom = oom || !s->workers || !s->conns;
    if (oom) {
        server_free(s);
        return fail(err, MS_ERR_NOMEM, "", "out of memory");
    }
    /* the address first: a second server on it fails before loading anything */
    int fd = -1, v6 = 0;
    ms_status st = srv_listen(s->listen, s->cfg.reuse_port, &fd, &v6, err);
    if (st == MS_OK)
        st = gen_build(&s->cfg, ++s->serial, &s->generations, &s->current, err);
    if (st == MS_OK && s->feedback_path)
        st = srv_feedback_open(s->feedback_path, &s->feedback, err);
    if (st == MS_OK && pthread_key_create(&s->tkey, NULL) != 0)
        st = fail(err, MS_ERR_NOMEM, "", "no thread key");
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
        st = fail(err, MS_ERR_IO, s->listen, "cannot listen: %s",
                  e ? strerror(e) : "libmicrohttpd refused to start");
        server_free(s);
        return st;
    }
    s->port = srv_listen_port(fd);
    *out = s;
    return MS_OK;
}

unsigned ms_server_port(const ms_server *s) { return s ? s->port : 0; }

ms_status ms_server_reload(ms_server *s, ms_error *err)
{
    pthread_mutex_lock(&s->lock);
    unsigned long serial = ++s->serial;
    pthread_mutex_unlock(&s->lock);
    generation *g;
    ms_status st = gen_build(&s->cfg, serial, &s->generations, &g, err);
    if (st == MS_OK && s->feedback && (st = srv_feedback_reopen(s->feedback, err)) != MS_OK)
        gen_release(g); /* a rotated feedback file that cannot be opened: nothing changes */
    pthread_mutex_lock(&s->m.lock);
    if (st == MS_OK)
        s->m.reloads_ok++;
    else
        s->m.reloads_failed++;
    pthread_mutex_unlock(&s->m.lock);
    if (st != MS_OK)
        return st;
    pthread_mutex_lock(&s->lock);
    generation *old = s->current;
    s->current = g;
    pthread_mutex_unlock(&s->lock);
    workers_drop_stale(s);
    gen_release(old); /* freed now, or when the last request using it ends */
    return MS_OK;
}

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

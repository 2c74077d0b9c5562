/* server_metrics.c - what the service says about itself (server_priv.h):
 * GET /healthz, GET /metrics (Prometheus text format) and the counters
 * behind them. */
#define _GNU_SOURCE
#include "server_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const unsigned codes[] = {200, 400, 403, 404, 405, 413, 415, 500, 503};
#define N_CODES (sizeof codes / sizeof *codes)
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define N_BUCKETS (sizeof buckets / sizeof *buckets)
_Static_assert(N_CODES == SRV_N_CODES, "server_priv.h's SRV_N_CODES");
_Static_assert(N_BUCKETS == SRV_N_BUCKETS, "server_priv.h's SRV_N_BUCKETS");

/* Counts an answered request: its endpoint, status and time. */
void srv_metrics_request(ms_server *s, int endpoint, unsigned status, double dt)
{
    size_t c = 0;
    while (c < N_CODES && codes[c] != status)
        c++;
    size_t b = 0;
    while (b < N_BUCKETS && dt > buckets[b])
        b++;
    pthread_mutex_lock(&s->m.lock);
    s->m.requests[endpoint][c]++;
    if (status >= 400)
        s->m.errors++;
    s->m.hist[endpoint][b]++;
    s->m.sum[endpoint] += dt;
    s->m.count[endpoint]++;
    pthread_mutex_unlock(&s->m.lock);
}

void srv_count_action(ms_server *s, ms_action a)
{
    pthread_mutex_lock(&s->m.lock);
    if ((unsigned)a < 3)
        s->m.actions[a]++;
    pthread_mutex_unlock(&s->m.lock);
}

/* "reload":{"status":"refused","error":...,"at":...} in a health answer j
 * when the last reload was refused: the models before it still serve (so
 * the status stays 200), but what the operator asked for is not running. */
static void add_refused_reload(ms_server *s, json_t *j)
{
    char why[sizeof s->m.refused];
    pthread_mutex_lock(&s->m.lock);
    memcpy(why, s->m.refused, sizeof why);
    time_t at = s->m.refused_at;
    pthread_mutex_unlock(&s->m.lock);
    if (!why[0] || !j)
        return;
    char when[32];
    struct tm tm;
    gmtime_r(&at, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(j, "reload",
                        json_pack("{s:s,s:s,s:s}", "status", "refused", "error", why, "at", when));
}

/* Every model the set holds, mapped or not: [{"category", "language",
 * "attribute", "version", "mapped"}], in the set's order. A model is
 * mapped when the first comment scored with it comes, so "mapped" says
 * which ones this generation's requests have needed so far. */
static json_t *installed_models(const ms_models *m)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < ms_models_category_count(m); i++) {
        const ms_category_info *ci = ms_models_category_info(m, i);
        json_array_append_new(a, json_pack("{s:s,s:s?,s:s?,s:s?,s:b}", "category", ci->name,
                                           "language", ci->language, "attribute",
                                           ci->perspective_attribute, "version", ci->version,
                                           "mapped", ms_models_category_mapped(m, i)));
    }
    return a;
}

void srv_handle_healthz(ms_server *s, reply *rp)
{
    generation *g = srv_gen_acquire(s);
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
    json_object_set_new(j, "installed", installed_models(g->models));
    add_refused_reload(s, j);
    srv_set_json(rp, draining ? 503 : 200, j);
    srv_gen_release(g);
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

/* The counters: requests by endpoint and status, their durations,
 * actions, reloads. */
static void write_counters(FILE *f, const metrics *m)
{
    fputs("# HELP modscore_requests_total HTTP requests answered, by endpoint and status code.\n"
          "# TYPE modscore_requests_total counter\n",
          f);
    for (int e = 0; e < EP_COUNT; e++)
        for (size_t c = 0; c <= N_CODES; c++) {
            if (!m->requests[e][c])
                continue;
            fprintf(f, "modscore_requests_total{endpoint=\"%s\",code=\"", srv_ep_path[e]);
            if (c < N_CODES)
                fprintf(f, "%u", codes[c]);
            else
                fputs("other", f);
            fprintf(f, "\"} %lu\n", m->requests[e][c]);
        }
    fprintf(f,
            "# HELP modscore_request_errors_total Requests answered with a 4xx or 5xx status.\n"
            "# TYPE modscore_request_errors_total counter\n"
            "modscore_request_errors_total %lu\n",
            m->errors);
    fputs("# HELP modscore_request_duration_seconds Time from the request's headers to its "
          "response.\n# TYPE modscore_request_duration_seconds histogram\n",
          f);
    for (int e = 0; e < EP_COUNT; e++) {
        if (!m->count[e])
            continue;
        unsigned long cum = 0;
        for (size_t b = 0; b < N_BUCKETS; b++) {
            cum += m->hist[e][b];
            fprintf(f,
                    "modscore_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
                    srv_ep_path[e], buckets[b], cum);
        }
        fprintf(f,
                "modscore_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n"
                "modscore_request_duration_seconds_sum{endpoint=\"%s\"} %.9g\n"
                "modscore_request_duration_seconds_count{endpoint=\"%s\"} %lu\n",
                srv_ep_path[e], m->count[e], srv_ep_path[e], m->sum[e], srv_ep_path[e], m->count[e]);
    }
    fputs("# HELP modscore_actions_total Verdicts returned by /v1/check and /v1/score.\n"
          "# TYPE modscore_actions_total counter\n",
          f);
    for (int a = 0; a < 3; a++)
        fprintf(f, "modscore_actions_total{action=\"%s\"} %lu\n", ms_action_name((ms_action)a),
                m->actions[a]);
    fprintf(f,
            "# HELP modscore_reloads_total Model and policy reloads, by result.\n"
            "# TYPE modscore_reloads_total counter\n"
            "modscore_reloads_total{result=\"ok\"} %lu\n"
            "modscore_reloads_total{result=\"failed\"} %lu\n"
            "# HELP modscore_reload_refused 1 when the last reload was refused: the models "
            "and policies before it still serve.\n"
            "# TYPE modscore_reload_refused gauge\n"
            "modscore_reload_refused %d\n"
            "# HELP modscore_feedback_reopen_failures_total Reloads that could not reopen the "
            "--feedback path (the file opened before is still written).\n"
            "# TYPE modscore_feedback_reopen_failures_total counter\n"
            "modscore_feedback_reopen_failures_total %lu\n",
            m->reloads_ok, m->reloads_failed, m->refused[0] != '\0', m->feedback_reopen_failed);
}

/* What is loaded and running: models, communities, requests in flight,
 * generations in memory, request deadlines hit. */
static void write_state(FILE *f, ms_server *s)
{
    generation *g = srv_gen_acquire(s);
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
    srv_gen_release(g);
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
}

void srv_handle_metrics(ms_server *s, reply *rp)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        srv_set_error(rp, 500, "out of memory");
        return;
    }
    metrics m;
    pthread_mutex_lock(&s->m.lock);
    memcpy(&m, &s->m, sizeof m);
    pthread_mutex_unlock(&s->m.lock);
    write_counters(f, &m);
    write_state(f, s);
    if (fclose(f) != 0) {
        free(buf);
        srv_set_error(rp, 500, "out of memory");
        return;
    }
    srv_set_text(rp, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}

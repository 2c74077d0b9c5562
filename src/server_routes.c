/* server_routes.c - the service's endpoints (server.h lists them) and
 * their handlers: a request's JSON in, the library's answer out. The
 * Perspective mapping itself is perspective.c. */
#define _GNU_SOURCE
#include "server_priv.h"
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const srv_ep_path[EP_COUNT] = {
    "/v1/check", "/v1/score", "/v1alpha1/comments:analyze", "/healthz", "/metrics",
    "/v1alpha1/comments:suggestscore", "/$discovery/rest", "other",
};
const char *const srv_ep_method[EP_COUNT] = {"POST", "POST", "POST", "GET",
                                                "GET",  "POST", "GET",  NULL};
/* Endpoints that score or keep data: --api-keys guards them. */
int srv_ep_keyed(int e)
{
    return e == EP_CHECK || e == EP_SCORE || e == EP_ANALYZE || e == EP_SUGGEST;
}

int srv_route(const char *url)
{
    for (int e = 0; e < EP_OTHER; e++)
        if (strcmp(url, srv_ep_path[e]) == 0)
            return e;
    return EP_OTHER;
}

/* The policy for a community id (NULL or "" for the default). Returns NULL
 * with a 400 reply when the id is invalid or unknown. */
static const ms_policy *policy_for(ms_server *s, const generation *g, const char *id,
                                   request *rq, reply *rp)
{
    if (!id || !*id)
        return g->policy;
    size_t n = strlen(id);
    if (!srv_valid_community_id(id, n)) {
        srv_set_error(rp, 400, "invalid communityId: it must match [A-Za-z0-9_-]{1,64}");
        return NULL;
    }
    snprintf(rq->community, sizeof rq->community, "%s", id);
    community key;
    snprintf(key.id, sizeof key.id, "%s", id);
    const community *c = s->cfg.policy_dir ? bsearch(&key, g->comm, g->n_comm, sizeof *g->comm,
                                                     srv_comm_cmp)
                                           : NULL;
    if (!c) { /* the id only: where policies live is the server's business */
        srv_set_error(rp, 400, "unknown communityId '%s'", id);
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
    if (!id || !g->n_comm || !srv_valid_community_id(id, strlen(id)))
        return g->policy;
    community key;
    snprintf(key.id, sizeof key.id, "%s", id);
    const community *c = bsearch(&key, g->comm, g->n_comm, sizeof *g->comm, srv_comm_cmp);
    if (!c)
        return g->policy;
    snprintf(rq->community, sizeof rq->community, "%s", id);
    return c->policy;
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
        srv_set_persp_error(rp, &pe);
    return v;
}

/* POST /v1/check: {"text", "id"?, "article"?, "parent_text"?, "communityId"?}
 * -> the verdict `modscore check` prints. */
static void handle_check(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    json_t *j = srv_parse_body(s, rq, rp);
    if (!j)
        return;
    generation *g = NULL;
    ms_article art;
    int has_article = 0, bad = 0;
    json_t *text = json_object_get(j, "text");
    if (!json_is_string(text)) {
        srv_set_error(rp, 400, "text is required and must be a string");
        goto out;
    }
    persp_error pe;
    const char *id = persp_str_member(j, "id", "", &pe, &bad);
    const char *parent = bad ? NULL : persp_str_member(j, "parent_text", "", &pe, &bad);
    if (bad) {
        srv_set_persp_error(rp, &pe);
        goto out;
    }
    const char *cid = community_arg(con, j, rp, &bad);
    if (bad)
        goto out;
    json_t *ja = json_object_get(j, "article");
    if (ja && !json_is_null(ja)) {
        if (persp_article_from_json(ja, &art, &pe) != 0) {
            srv_set_persp_error(rp, &pe);
            goto out;
        }
        has_article = 1;
    }
    keep_log_text(s, rq, json_string_value(text), json_string_length(text));
    g = srv_gen_acquire(s);
    const ms_policy *p = policy_for(s, g, cid, rq, rp);
    if (!p)
        goto out;
    ms_scorer *sc = srv_scorer_for(s, g, p);
    if (!sc) {
        srv_set_error(rp, 500, "out of memory");
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
        srv_set_error(rp, 500, "scoring failed: %s", ms_strerror(st));
        goto out;
    }
    ms_comment c = {0};
    c.id = (char *)id;
    char *out = ms_result_json(id ? &c : NULL, &r);
    srv_count_action(s, r.action);
    ms_result_clear(&r);
    if (!out) {
        srv_set_error(rp, 500, "out of memory");
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
    srv_set_text(rp, 200, "application/json; charset=utf-8", body, n);
out:
    if (has_article)
        free(art.tags);
    srv_gen_release(g);
    json_decref(j);
}

/* POST /v1/score: a JSON discussion document -> `modscore score --output
 * json`. The community comes from ?communityId= or a top-level
 * "communityId". */
static void handle_score(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    json_t *j = srv_parse_body(s, rq, rp); /* parsed once: the community, then the document */
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
    ms_status st = ms_discussion_from_json(j, rq->body, rq->len, "request", &d, &err);
    if (st != MS_OK) {
        unsigned code = st == MS_ERR_NOMEM ? 500 : 400;
        if (err.line > 0)
            srv_set_error(rp, code, "bad discussion document at line %ld column %ld: %s", err.line,
                          err.column, err.message[0] ? err.message : ms_strerror(st));
        else
            srv_set_error(rp, code, "bad discussion document: %s",
                          err.message[0] ? err.message : ms_strerror(st));
        goto out;
    }
    g = srv_gen_acquire(s);
    const ms_policy *p = policy_for(s, g, cid, rq, rp);
    if (!p)
        goto out;
    ms_scorer *sc = srv_scorer_for(s, g, p);
    f = open_memstream(&buf, &blen);
    if (!sc || !f || ms_reporter_new(MS_OUTPUT_JSON, f, p, &rep) != MS_OK ||
        ms_reporter_set_models(rep, g->models) != MS_OK) {
        srv_set_error(rp, 500, "out of memory");
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
                       .notes = c->notes,
                       .language = c->language};
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
        srv_set_error(rp, 500, "scoring failed: %s", ms_strerror(st));
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
        srv_set_error(rp, 500, "writing the report failed");
        goto out;
    }
    f = NULL;
    srv_set_text(rp, 200, "application/json; charset=utf-8", buf, blen);
    buf = NULL;
out:
    ms_reporter_free(rep);
    if (f)
        fclose(f);
    free(buf);
    ms_discussion_free(d);
    srv_gen_release(g);
    json_decref(j);
}

/* An analyze request answered with Perspective's error pe; the log line
 * says when it was for the comment's language. */
static void analyze_refused(request *rq, reply *rp, const persp_error *pe)
{
    if (pe->error_type && strcmp(pe->error_type, "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE") == 0)
        rq->note = "refused=language";
    srv_set_persp_error(rp, pe);
}

/* POST /v1alpha1/comments:analyze: see perspective.h. */
static void handle_analyze(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    json_t *j = srv_parse_body(s, rq, rp);
    if (!j)
        return;
    generation *g = srv_gen_acquire(s);
    persp_analyze a;
    persp_error pe;
    ms_result r;
    int scored = 0;
    if (persp_parse_analyze(j, g->models, &a, &pe) != 0) {
        analyze_refused(rq, rp, &pe);
        goto out;
    }
    const char *q = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "communityId");
    const ms_policy *p = perspective_policy(g, q ? q : a.community_id, rq);
    ms_scorer *sc = srv_scorer_for(s, g, p);
    if (!sc) {
        srv_set_error(rp, 500, "out of memory");
        goto out;
    }
    keep_log_text(s, rq, a.text, a.len);
    ms_input in = persp_input(&a);
    /* the requested attributes' models only: the others are not mapped */
    a.policy = p;
    if (persp_select(&a, sc, &pe) != 0) {
        ms_scorer_set_categories(sc, NULL, 0);
        analyze_refused(rq, rp, &pe);
        goto out;
    }
    ms_status st = ms_score(sc, &in, &r);
    if (st != MS_OK) {
        ms_scorer_set_categories(sc, NULL, 0);
        srv_set_error(rp, 500, "scoring failed: %s", ms_strerror(st));
        goto out;
    }
    scored = 1;
    json_t *resp = persp_analyze_response(&a, sc, &r, &pe);
    ms_scorer_set_categories(sc, NULL, 0);
    if (!resp) {
        analyze_refused(rq, rp, &pe);
        goto out;
    }
    srv_set_json(rp, 200, resp);
out:
    if (scored)
        ms_result_clear(&r);
    persp_analyze_clear(&a);
    srv_gen_release(g);
    json_decref(j);
}

/* Appends sg's training records to the feedback file; 0, or -1 with the
 * error in rp. */
static int store_feedback(ms_server *s, request *rq, const persp_suggest *sg, reply *rp)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    size_t n = 0;
    char *lines = persp_feedback_records(sg, when, &n);
    if (!lines) {
        srv_set_error(rp, 500, "out of memory");
        return -1;
    }
    ms_status st = srv_feedback_append(s->feedback, lines, n);
    free(lines);
    if (st != MS_OK) { /* nothing of it is in the file (server_feedback.h) */
        rq->note = "feedback=failed(not-stored)";
        srv_set_error(rp, 500,
                      "the feedback was not stored: the server could not write it "
                      "(its disk may be full); nothing of it was kept, send it again "
                      "later");
        return -1;
    }
    rq->note = "feedback=saved";
    return 0;
}

/* POST /v1alpha1/comments:suggestscore: Perspective's SuggestCommentScore.
 * With --feedback the suggestion becomes training records, on disk before
 * the answer; without, it is answered and logged as dropped. */
static void handle_suggest(ms_server *s, request *rq, reply *rp)
{
    json_t *j = srv_parse_body(s, rq, rp);
    if (!j)
        return;
    generation *g = srv_gen_acquire(s); /* the attributes its models answer */
    persp_suggest sg;
    persp_error pe;
    if (persp_parse_suggest(j, g->models, &sg, &pe) != 0) {
        srv_set_persp_error(rp, &pe);
    } else {
        keep_log_text(s, rq, sg.text, sg.len);
        if (!s->feedback)
            rq->note = "feedback=dropped(no --feedback)";
        if (!s->feedback || store_feedback(s, rq, &sg, rp) == 0)
            srv_set_json(rp, 200, persp_suggest_response(&sg));
    }
    srv_gen_release(g);
    json_decref(j);
}

/* GET /$discovery/rest?version=v1alpha1: the discovery document, its
 * rootUrl this server as the client reached it (the Host header, when it
 * is a plain host[:port]; else the address it listens on). */
static void handle_discovery(ms_server *s, struct MHD_Connection *con, reply *rp)
{
    const char *v = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "version");
    if (!v || strcmp(v, "v1alpha1") != 0) {
        srv_set_error(rp, 404, "no discovery document for version %s; this server has v1alpha1",
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
    srv_set_json(rp, 200, persp_discovery(root));
}

/* Answers a request whose body has all arrived, with its endpoint's
 * handler. */
void srv_handle(ms_server *s, struct MHD_Connection *con, request *rq, reply *rp)
{
    /* what reads a body parses it and builds its answer only while holding a
     * scoring worker: --threads bounds the requests doing so at once (their
     * memory), not the connections */
    if (srv_ep_keyed(rq->endpoint))
        srv_worker_hold(s);
    switch (rq->endpoint) {
    case EP_CHECK: handle_check(s, con, rq, rp); break;
    case EP_SCORE: handle_score(s, con, rq, rp); break;
    case EP_ANALYZE: handle_analyze(s, con, rq, rp); break;
    case EP_HEALTHZ: srv_handle_healthz(s, rp); break;
    case EP_METRICS: srv_handle_metrics(s, rp); break;
    case EP_SUGGEST: handle_suggest(s, rq, rp); break;
    case EP_DISCOVERY: handle_discovery(s, con, rp); break;
    default: srv_set_error(rp, 404, "no such endpoint"); break;
    }
}

/* server_gen.c - the reload machinery of the service (server_priv.h):
 * generations of models, policies and keys, built whole and swapped in,
 * refcounted; the scoring workers that hold a generation's scorers. */
#define _GNU_SOURCE
#include "server_priv.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

void srv_gen_release(generation *g)
{
    if (g && atomic_fetch_sub(&g->refs, 1) == 1)
        gen_free(g);
}

/* [A-Za-z0-9_-]{1,64} */
int srv_valid_community_id(const char *id, size_t n)
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

int srv_comm_cmp(const void *a, const void *b)
{
    return strcmp(((const community *)a)->id, ((const community *)b)->id);
}

/* Every DIR/ID.json with a valid ID; one that fails to load fails them all. */
static ms_status load_communities(const char *dir, generation *g, ms_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return ms_fail(err, errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_IO, dir, 0, 0, "%s",
                       strerror(errno));
    ms_status st = MS_OK;
    size_t cap = 0;
    struct dirent *e;
    while (st == MS_OK && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0 ||
            !srv_valid_community_id(e->d_name, n - 5))
            continue;
        if (g->n_comm == MS_SERVER_MAX_COMMUNITIES) {
            st = ms_fail(err, MS_ERR_LIMIT, dir, 0, 0, "more than %u community policies",
                         MS_SERVER_MAX_COMMUNITIES);
            break;
        }
        if (g->n_comm == cap) {
            cap = cap ? cap * 2 : 16;
            community *p = realloc(g->comm, cap * sizeof *p);
            if (!p) {
                st = ms_fail(err, MS_ERR_NOMEM, dir, 0, 0, "out of memory");
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
        qsort(g->comm, g->n_comm, sizeof *g->comm, srv_comm_cmp);
    return st;
}

/* The first category p names that no model of m scores (a typo,
 * "hostilty", or a model that is missing: its thresholds would do
 * nothing), or NULL; off_topic, which the shipped policy names for sets
 * without its model, is let be, as `modscore check` lets it be. */
static const char *unknown_category(const ms_policy *p, const ms_models *m)
{
    return ms_policy_unknown_category(p, m, 0);
}

/* What policy p names that does nothing with models m, said into buf
 * (whose, e.g. "the default policy (policy.json)"); 0 when nothing. */
static int policy_does_nothing(const ms_policy *p, const ms_models *m, const char *whose,
                               char *buf, size_t n)
{
    const char *name = unknown_category(p, m), *cat;
    if (name)
        snprintf(buf, n, "%s names \"%s\", but no loaded model scores it", whose, name);
    else if ((name = ms_policy_stray_kind(p, m, 0, &cat)) != NULL)
        snprintf(buf, n,
                 "%s's perspective_includes lists \"%s\" for \"%s\", whose Perspective answer "
                 "never reads it",
                 whose, name, cat);
    return name != NULL;
}

/* g->unknown: what the default policy or a community's names that does
 * nothing (an unknown category, a kind its category never reads). */
static void find_unknown_categories(const ms_server_config *cfg, generation *g)
{
    char whose[300];
    snprintf(whose, sizeof whose, "the default policy (%s)",
             cfg->policy_path ? cfg->policy_path : "policy.json or --threshold");
    int found = policy_does_nothing(g->policy, g->models, whose, g->unknown, sizeof g->unknown);
    for (size_t i = 0; !found && i < g->n_comm; i++) {
        snprintf(whose, sizeof whose, "the policy of community %s", g->comm[i].id);
        found = policy_does_nothing(g->comm[i].policy, g->models, whose, g->unknown,
                                    sizeof g->unknown);
    }
}

/* One comment scored with policy p (its default selection, its
 * language): ms_score maps what it needs. */
static ms_status warm_policy(const ms_models *m, const ms_policy *p)
{
    static const char text[] = "you are a stupid idiot";
    ms_scorer *sc;
    ms_status st = ms_scorer_new(m, p, &sc);
    if (st != MS_OK)
        return st;
    ms_input in = {.text = text, .len = sizeof text - 1, .language = ms_policy_language(p)};
    ms_result r;
    st = ms_score(sc, &in, &r);
    if (st == MS_OK)
        ms_result_clear(&r);
    ms_scorer_free(sc);
    return st;
}

void srv_gen_warm(ms_server *s, generation *g)
{
    if (s->cfg.lazy)
        return;
    ms_status st = warm_policy(g->models, g->policy);
    for (size_t i = 0; i < g->n_comm; i++) {
        ms_status c = warm_policy(g->models, g->comm[i].policy);
        if (st == MS_OK)
            st = c;
    }
    if (st != MS_OK) /* not fatal: a model that fails here fails its requests, each with its error */
        ms_server_logf(s, "warning: warming the models up: %s", ms_strerror(st));
}

ms_status srv_gen_build(const ms_server_config *cfg, unsigned long serial, atomic_int *live,
                        generation **out, ms_error *err)
{
    *out = NULL;
    generation *g = calloc(1, sizeof *g);
    if (!g)
        return ms_fail(err, MS_ERR_NOMEM, "", 0, 0, "out of memory");
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
    find_unknown_categories(cfg, g);
    *out = g;
    return MS_OK;
}

void srv_worker_clear(worker *w)
{
    for (int i = 0; i < TC_SLOTS; i++) {
        ms_scorer_free(w->slot[i].scorer);
        w->slot[i].scorer = NULL;
        w->slot[i].policy = NULL;
    }
    srv_gen_release(w->gen);
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
void srv_worker_give_back(ms_server *s, worker *w)
{
    pthread_mutex_lock(&s->lock);
    int stale = w->gen && w->gen != s->current;
    pthread_mutex_unlock(&s->lock);
    if (stale)
        srv_worker_clear(w);
    pthread_mutex_lock(&s->lock);
    w->busy = 0;
    w->scored = 0;
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
            srv_worker_give_back(s, w);
    }
}

generation *srv_gen_acquire(ms_server *s)
{
    pthread_mutex_lock(&s->lock);
    generation *g = s->current;
    atomic_fetch_add(&g->refs, 1);
    pthread_mutex_unlock(&s->lock);
    return g;
}

/* This thread's request takes a scoring worker, waiting for one when all
 * are busy, unless it holds one already; the access handler gives it back
 * after the reply. */
void srv_worker_hold(ms_server *s)
{
    if (pthread_getspecific(s->tkey))
        return;
    pthread_setspecific(s->tkey, worker_take(s));
}

/* A scorer for policy p of generation g (NULL on no memory), from the
 * worker this request holds: the first call takes one, waiting for it
 * when all are busy; the access handler gives it back after the reply. */
ms_scorer *srv_scorer_for(ms_server *s, generation *g, const ms_policy *p)
{
    srv_worker_hold(s);
    worker *w = pthread_getspecific(s->tkey);
    if (!w->scored) { /* the tests' hook: once a request is about to score */
        w->scored = 1;
        if (s->cfg.hold)
            s->cfg.hold(s->cfg.hold_arg);
    }
    if (w->gen != g) {
        srv_worker_clear(w);
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

/* The --feedback path opened again (a rotated file is followed), on its
 * own: a path that cannot be opened (a symlink, a FIFO, no room) keeps
 * the file opened before and is logged, and the models and policies
 * reload all the same. */
static void reopen_feedback(ms_server *s)
{
    if (!s->feedback)
        return;
    ms_error fe = {0};
    if (srv_feedback_reopen(s->feedback, &fe) == MS_OK)
        return;
    pthread_mutex_lock(&s->m.lock);
    s->m.feedback_reopen_failed++;
    pthread_mutex_unlock(&s->m.lock);
    ms_server_logf(s, "feedback: cannot reopen %s: %s; still writing to the file opened before",
                   fe.source[0] ? fe.source : s->feedback_path,
                   fe.message[0] ? fe.message : ms_strerror(fe.code));
}

/* "SOURCE:LINE: MESSAGE" of a failure, into buf. */
static void describe_error(const ms_error *err, ms_status st, char *buf, size_t n)
{
    const char *msg = err && err->message[0] ? err->message : ms_strerror(st);
    if (err && err->source[0] && err->line > 0)
        snprintf(buf, n, "%s:%ld: %s", err->source, err->line, msg);
    else if (err && err->source[0])
        snprintf(buf, n, "%s: %s", err->source, msg);
    else
        snprintf(buf, n, "%s", msg);
}

ms_status ms_server_reload(ms_server *s, ms_error *err)
{
    pthread_mutex_lock(&s->lock);
    unsigned long serial = ++s->serial;
    pthread_mutex_unlock(&s->lock);
    generation *g;
    ms_status st = srv_gen_build(&s->cfg, serial, &s->generations, &g, err);
    if (st == MS_OK && g->unknown[0]) { /* a typo would silently drop thresholds */
        st = ms_fail(err, MS_ERR_POLICY, "", 0, 0, "%s", g->unknown);
        srv_gen_release(g);
    }
    reopen_feedback(s);
    pthread_mutex_lock(&s->m.lock);
    if (st == MS_OK) {
        s->m.reloads_ok++;
        s->m.refused[0] = '\0';
    } else {
        s->m.reloads_failed++;
        describe_error(err, st, s->m.refused, sizeof s->m.refused);
        s->m.refused_at = time(NULL);
    }
    pthread_mutex_unlock(&s->m.lock);
    if (st != MS_OK)
        return st;
    srv_gen_warm(s, g); /* before it serves: the old set answers meanwhile */
    pthread_mutex_lock(&s->lock);
    generation *old = s->current;
    s->current = g;
    pthread_mutex_unlock(&s->lock);
    workers_drop_stale(s);
    srv_gen_release(old); /* freed now, or when the last request using it ends */
    return MS_OK;
}

void ms_server_models(ms_server *s, char *buf, size_t n)
{
    generation *g = srv_gen_acquire(s);
    size_t k = 0;
    if (n)
        buf[0] = '\0';
    for (size_t c = 0; c < ms_models_category_count(g->models) && k < n; c++) {
        const ms_category_info *ci = ms_models_category_info(g->models, c);
        int w = snprintf(buf + k, n - k, "%s%s %s", c ? ", " : "", ci->name, ci->version);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    srv_gen_release(g);
}

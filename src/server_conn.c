/* server_conn.c - see server_conn.h. */
#define _GNU_SOURCE
#include "server_conn.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* How often the watcher looks: a request is closed at most this much after
 * its deadline. */
#define WATCH_MS 200

struct srv_conn {
    srv_conn *prev, *next;
    int fd;
    srv_phase phase;
    uint64_t since_ms;
    int timed_out;
};

struct srv_conns {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int stop;
    uint64_t request_ms, between_ms;
    srv_conn *head;
    unsigned long timed_out;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void *watch(void *arg)
{
    srv_conns *cs = arg;
    pthread_mutex_lock(&cs->lock);
    while (!cs->stop) {
        uint64_t now = now_ms();
        for (srv_conn *c = cs->head; c; c = c->next) {
            uint64_t limit = c->phase == SRV_RECEIVING ? cs->request_ms
                             : c->phase == SRV_BETWEEN ? cs->between_ms
                                                       : 0;
            if (limit && !c->timed_out && now - c->since_ms > limit) {
                c->timed_out = 1;
                cs->timed_out++;
                shutdown(c->fd, SHUT_RDWR); /* libmicrohttpd reads EOF and closes */
            }
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += WATCH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&cs->wake, &cs->lock, &until);
    }
    pthread_mutex_unlock(&cs->lock);
    return NULL;
}

srv_conns *srv_conns_start(unsigned request_s, unsigned idle_s)
{
    srv_conns *cs = calloc(1, sizeof *cs);
    if (!cs)
        return NULL;
    cs->request_ms = (uint64_t)request_s * 1000u;
    cs->between_ms = ((uint64_t)idle_s + request_s) * 1000u;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cs->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&cs->lock, NULL);
    if (pthread_create(&cs->thread, NULL, watch, cs) != 0) {
        pthread_cond_destroy(&cs->wake);
        pthread_mutex_destroy(&cs->lock);
        free(cs);
        return NULL;
    }
    return cs;
}

void srv_conns_stop(srv_conns *cs)
{
    if (!cs)
        return;
    pthread_mutex_lock(&cs->lock);
    cs->stop = 1;
    pthread_cond_signal(&cs->wake);
    pthread_mutex_unlock(&cs->lock);
    pthread_join(cs->thread, NULL);
    while (cs->head) {
        srv_conn *c = cs->head;
        cs->head = c->next;
        free(c);
    }
    pthread_cond_destroy(&cs->wake);
    pthread_mutex_destroy(&cs->lock);
    free(cs);
}

srv_conn *srv_conn_open(srv_conns *cs, int fd)
{
    srv_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    c->phase = SRV_BETWEEN;
    c->since_ms = now_ms();
    pthread_mutex_lock(&cs->lock);
    c->next = cs->head;
    if (cs->head)
        cs->head->prev = c;
    cs->head = c;
    pthread_mutex_unlock(&cs->lock);
    return c;
}

void srv_conn_close(srv_conns *cs, srv_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&cs->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        cs->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&cs->lock);
    free(c);
}

void srv_conn_phase(srv_conns *cs, srv_conn *c, srv_phase p)
{
    if (!c)
        return;
    uint64_t now = now_ms();
    pthread_mutex_lock(&cs->lock);
    c->phase = p;
    c->since_ms = now;
    pthread_mutex_unlock(&cs->lock);
}

int srv_conn_timed_out(srv_conns *cs, const srv_conn *c)
{
    if (!c)
        return 0;
    pthread_mutex_lock(&cs->lock);
    int t = c->timed_out;
    pthread_mutex_unlock(&cs->lock);
    return t;
}

unsigned long srv_conns_timed_out(srv_conns *cs)
{
    pthread_mutex_lock(&cs->lock);
    unsigned long n = cs->timed_out;
    pthread_mutex_unlock(&cs->lock);
    return n;
}

/* harness.h - what the service's tests share (test_server.c,
 * test_server_persp.c): a client over real sockets, the fixture that runs
 * a server in-process on a loopback port, and small file helpers. */
#ifndef MS_TEST_SERVER_HARNESS_H
#define MS_TEST_SERVER_HARNESS_H

#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "modscore.h"
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef struct resp {
    int status;
    char *head; /* status line and headers */
    char *body;
    size_t len;
} resp;

typedef struct fixture {
    ms_server *srv;
    unsigned port;
    char dir[64];       /* a temporary directory */
    char models[128];   /* a copy of the shipped models in it */
    char policies[128]; /* community policies */
    char log_path[128];
    FILE *log;
    ms_models *models_ref; /* the library, to compute expected answers */
    ms_policy *policy_ref;
    ms_scorer *scorer_ref;
    ms_server_config over; /* its non-zero fields override start()'s */
    struct gate *gate;     /* holds scoring requests on cue, when set */
    int persp;             /* --feedback, --api-keys and --cors-origin below */
    int warm;              /* the server's warm-up at start and reload (off:
                              --lazy, so that a test sees what each request
                              maps) */
    char feedback[160];
    char keys[160];
} fixture;

/* The server's hold hook: a request that reaches a scoring worker says so
 * (entered) and waits for go. */
typedef struct gate {
    sem_t entered, go;
} gate;

extern const char strict_policy[];

/* harness.c says what each does. */
void resp_free(resp *r);
int dial_from(unsigned port, uint32_t from);
int dial(unsigned port);
void send_all(int fd, const char *p, size_t n);
char *read_to_close(int fd, size_t *len);
resp raw(unsigned port, const char *req, size_t n);
resp http(unsigned port, const char *method, const char *path, const char *extra,
          const char *body, size_t len);
resp post(unsigned port, const char *path, const char *body);
json_t *body_json(const resp *r);
void assert_error(const resp *r, int code, const char *status, const char *in_message);
void post_expect(unsigned port, const char *path, const char *body, int code, const char *status,
                 const char *in_message);
void gate_hold(void *arg);
void write_file(const char *path, const char *text);
char *read_all(const char *path);
int start(fixture *fx, unsigned timeout_s, int log_text);
int setup_opts(void **state, unsigned timeout_s, int log_text, const ms_server_config *over,
               int with_gate);
int setup(void **state);
int setup_short_timeout(void **state);
int setup_log_text(void **state);
int setup_slowloris(void **state);
int setup_small_limits(void **state);
int setup_keepalive(void **state);
int setup_persp(void **state);
int setup_warm(void **state);
int setup_idle4(void **state);
int setup_gate(void **state);
int teardown(void **state);
char *expected_check(fixture *fx, const char *text, const char *id);
void sleep_ms(long ms);
int read_one_response(int fd);

#endif

/* harness.c - see harness.h. */
#include "harness.h"

/* ------------------------------------------------------------ a client */

void resp_free(resp *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* A connection to 127.0.0.1:port from the loopback address from (host
 * order; 0: any). A server that does not answer fails the test after 15 s
 * instead of hanging it. */
int dial_from(unsigned port, uint32_t from)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {15, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (from) {
        struct sockaddr_in b = {0};
        b.sin_family = AF_INET;
        b.sin_addr.s_addr = htonl(from);
        assert_int_equal(bind(fd, (struct sockaddr *)&b, sizeof b), 0);
    }
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

int dial(unsigned port) { return dial_from(port, 0); }

void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return; /* the server may close early (413): read its answer */
        p += k;
        n -= (size_t)k;
    }
}

/* Reads until the server closes the connection: the bytes, NUL-terminated. */
char *read_to_close(int fd, size_t *len)
{
    size_t cap = 65536, got = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (got == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
        ssize_t k = recv(fd, buf + got, cap - got, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* The request bytes req, sent as they are on a new connection; the answer
 * read until the server closes it. */
resp raw(unsigned port, const char *req, size_t n)
{
    int fd = dial(port);
    send_all(fd, req, n);
    size_t got;
    char *buf = read_to_close(fd, &got);
    close(fd);
    resp r = {0};
    char *sep = strstr(buf, "\r\n\r\n");
    assert_non_null(sep);
    *sep = '\0';
    r.head = strdup(buf);
    sscanf(buf, "HTTP/1.%*d %d", &r.status);
    r.len = got - (size_t)(sep + 4 - buf);
    r.body = malloc(r.len + 1);
    memcpy(r.body, sep + 4, r.len);
    r.body[r.len] = '\0';
    free(buf);
    return r;
}

/* One request on its own connection (Connection: close); extra is more
 * header lines, each ending in \r\n. */
resp http(unsigned port, const char *method, const char *path, const char *extra,
                 const char *body, size_t len)
{
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s", method,
                     path, extra ? extra : "");
    if (body && !(extra && strstr(extra, "chunked")))
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n", len);
    n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
    char *req = malloc((size_t)n + len);
    memcpy(req, head, (size_t)n);
    if (body)
        memcpy(req + n, body, len);
    resp r = raw(port, req, (size_t)n + (body ? len : 0));
    free(req);
    return r;
}

resp post(unsigned port, const char *path, const char *body)
{
    return http(port, "POST", path, "Content-Type: application/json\r\n", body, strlen(body));
}

json_t *body_json(const resp *r)
{
    json_error_t je;
    json_t *j = json_loadb(r->body, r->len, 0, &je);
    if (!j)
        fprintf(stderr, "not JSON (%s): %s\n", je.text, r->body);
    assert_non_null(j);
    return j;
}

/* The error shape every endpoint answers with. */
void assert_error(const resp *r, int code, const char *status, const char *in_message)
{
    if (r->status != code)
        fprintf(stderr, "got %d: %s\n", r->status, r->body);
    assert_int_equal(r->status, code);
    json_t *j = body_json(r);
    json_t *e = json_object_get(j, "error");
    assert_true(json_is_object(e));
    assert_int_equal(json_integer_value(json_object_get(e, "code")), code);
    assert_string_equal(json_string_value(json_object_get(e, "status")), status);
    const char *msg = json_string_value(json_object_get(e, "message"));
    assert_non_null(msg);
    if (in_message && !strstr(msg, in_message)) {
        fprintf(stderr, "message '%s' lacks '%s'\n", msg, in_message);
        fail();
    }
    json_decref(j);
}

/* POSTs body as JSON to path and checks the answer's status code, and with
 * status (not NULL) that it is that error (assert_error). */
void post_expect(unsigned port, const char *path, const char *body, int code, const char *status,
                 const char *in_message)
{
    resp r = post(port, path, body);
    if (status)
        assert_error(&r, code, status, in_message);
    else
        assert_int_equal(r.status, code);
    resp_free(&r);
}

/* ------------------------------------------------------------ fixtures */

void gate_hold(void *arg)
{
    gate *g = arg;
    sem_post(&g->entered);
    sem_wait(&g->go);
}

void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&buf, &cap, '\0', f);
    fclose(f);
    if (n < 0) {
        free(buf);
        return strdup("");
    }
    return buf;
}

const char strict_policy[] =
    "{\"name\":\"strict\",\"thresholds\":{\"hostility\":{\"review\":0.01,\"reject\":0.02}},"
    "\"allow\":[],\"deny\":[\"turtles\"]}\n";

int start(fixture *fx, unsigned timeout_s, int log_text)
{
    ms_server_config cfg = {0};
    cfg.listen = "127.0.0.1:0";
    cfg.models_dir = fx->models;
    cfg.policy_dir = fx->policies;
    cfg.max_body = 64 * 1024;
    cfg.timeout_s = timeout_s;
    cfg.threads = fx->over.threads ? fx->over.threads : 4;
    cfg.request_timeout_s = fx->over.request_timeout_s;
    cfg.max_connections = fx->over.max_connections;
    cfg.max_connections_per_ip = fx->over.max_connections_per_ip;
    if (fx->gate) {
        cfg.hold = gate_hold;
        cfg.hold_arg = fx->gate;
    }
    cfg.log_text = log_text;
    cfg.log = fx->log;
    cfg.lazy = !fx->warm;
    static const char *const origins[] = {"https://forum.example"};
    if (fx->persp) {
        snprintf(fx->feedback, sizeof fx->feedback, "%s/feedback.jsonl", fx->dir);
        snprintf(fx->keys, sizeof fx->keys, "%s/keys", fx->dir);
        if (access(fx->keys, F_OK) != 0)
            write_file(fx->keys, "# keys for the test\nkey-one\n  key-two  \n\n");
        cfg.feedback_path = fx->feedback;
        cfg.api_keys_path = fx->keys;
        cfg.cors_origins = origins;
        cfg.n_cors_origins = 1;
    }
    ms_error err = {0};
    ms_status st = ms_server_start(&cfg, &fx->srv, &err);
    if (st != MS_OK)
        fprintf(stderr, "start: %s: %s\n", err.source, err.message);
    assert_int_equal(st, MS_OK);
    fx->port = ms_server_port(fx->srv);
    assert_true(fx->port > 0);
    return 0;
}

int setup_opts(void **state, unsigned timeout_s, int log_text,
                      const ms_server_config *over, int with_gate)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (over)
        fx->over = *over;
    if (with_gate) {
        fx->gate = calloc(1, sizeof *fx->gate);
        sem_init(&fx->gate->entered, 0, 0);
        sem_init(&fx->gate->go, 0, 0);
    }
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ms_server_test.XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->models, sizeof fx->models, "%s/models", fx->dir);
    snprintf(fx->policies, sizeof fx->policies, "%s/policies", fx->dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", MS_MODELS_DIR, fx->models);
    assert_int_equal(system(cmd), 0);
    /* the test runs on the hostility model alone unless one is shipped */
    assert_int_equal(mkdir(fx->policies, 0700), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/strict.json", fx->policies);
    write_file(path, strict_policy);
    snprintf(path, sizeof path, "%s/gardening-forum.json", fx->policies);
    char *community = read_all(MS_TEST_DATA "/policy/community.json");
    write_file(path, community);
    free(community);
    snprintf(fx->log_path, sizeof fx->log_path, "%s/requests.log", fx->dir);
    fx->log = fopen(fx->log_path, "w");
    assert_non_null(fx->log);
    ms_error err = {0};
    assert_int_equal(ms_models_load(fx->models, &fx->models_ref, &err), MS_OK);
    snprintf(path, sizeof path, "%s/policy.json", fx->models);
    assert_int_equal(ms_policy_load(path, &fx->policy_ref, &err), MS_OK);
    assert_int_equal(ms_scorer_new(fx->models_ref, fx->policy_ref, &fx->scorer_ref), MS_OK);
    start(fx, timeout_s, log_text);
    *state = fx;
    return 0;
}

int setup(void **state) { return setup_opts(state, 5, 0, NULL, 0); }
int setup_short_timeout(void **state) { return setup_opts(state, 1, 0, NULL, 0); }
int setup_log_text(void **state) { return setup_opts(state, 5, 1, NULL, 0); }
int setup_slowloris(void **state)
{
    ms_server_config over = {.request_timeout_s = 2}; /* limits: the defaults */
    return setup_opts(state, 5, 0, &over, 0);
}
int setup_small_limits(void **state)
{
    ms_server_config over = {.max_connections = 12, .max_connections_per_ip = 8,
                             .request_timeout_s = 60};
    return setup_opts(state, 60, 0, &over, 0);
}
int setup_keepalive(void **state)
{
    ms_server_config over = {.request_timeout_s = 1};
    return setup_opts(state, 5, 0, &over, 0);
}
/* Perspective's clients: --feedback, --api-keys, --cors-origin */
int setup_persp(void **state)
{
    ms_server_config over = {.threads = 4};
    setup_opts(state, 5, 0, &over, 0);
    fixture *fx = *state;
    ms_server_stop(fx->srv, 0); /* again, with the paths in its directory */
    fx->persp = 1;
    return start(fx, 5, 0);
}
/* the default of `modscore serve`: the policies' categories mapped at
 * start and by each reload */
int setup_warm(void **state)
{
    setup_opts(state, 5, 0, NULL, 0);
    fixture *fx = *state;
    ms_server_stop(fx->srv, 0);
    fx->warm = 1;
    return start(fx, 5, 0);
}
/* Discourse's keep-alive pattern with a short --timeout: 4 s */
int setup_idle4(void **state) { return setup_opts(state, 4, 0, NULL, 0); }
int setup_gate(void **state)
{
    ms_server_config over = {.threads = 2};
    return setup_opts(state, 5, 0, &over, 1);
}

int teardown(void **state)
{
    fixture *fx = *state;
    for (int i = 0; fx->gate && i < 16; i++)
        sem_post(&fx->gate->go); /* a failed test's held requests finish */
    ms_server_stop(fx->srv, 2000);
    fclose(fx->log);
    ms_scorer_free(fx->scorer_ref);
    ms_policy_free(fx->policy_ref);
    ms_models_free(fx->models_ref);
    if (fx->gate) {
        sem_destroy(&fx->gate->entered);
        sem_destroy(&fx->gate->go);
        free(fx->gate);
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    assert_int_equal(system(cmd), 0);
    free(fx);
    return 0;
}

/* The verdict `modscore check` prints for text, with the library. */
char *expected_check(fixture *fx, const char *text, const char *id)
{
    ms_input in = {.text = text, .len = strlen(text)};
    ms_result r;
    assert_int_equal(ms_score(fx->scorer_ref, &in, &r), MS_OK);
    ms_comment c = {0};
    c.id = (char *)id;
    char *j = ms_result_json(id ? &c : NULL, &r);
    ms_result_clear(&r);
    char *out;
    assert_true(asprintf(&out, "%s\n", j) > 0);
    ms_free(j);
    return out;
}

void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Reads one response (headers and a Content-Length body) from a kept-alive
 * connection; its status, 0 when the connection closed first. */
int read_one_response(int fd)
{
    char buf[8192];
    size_t got = 0;
    char *end = NULL;
    while (!end && got < sizeof buf - 1) {
        ssize_t k = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (k <= 0)
            return 0;
        got += (size_t)k;
        buf[got] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    if (!end)
        return 0;
    size_t clen = 0;
    const char *cl = strcasestr(buf, "\r\nContent-Length:");
    if (cl)
        sscanf(cl + 17, "%zu", &clen);
    size_t have = got - (size_t)(end + 4 - buf);
    while (have < clen) {
        ssize_t k = recv(fd, buf, sizeof buf, 0);
        if (k <= 0)
            return 0;
        have += (size_t)k;
    }
    int status = 0;
    sscanf(buf, "HTTP/1.%*d %d", &status);
    return status;
}

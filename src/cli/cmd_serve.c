/* cmd_serve.c - `modscore serve`: the HTTP service (server.h) with its
 * signals: SIGHUP reloads models and policies, SIGTERM and SIGINT drain and
 * exit. Signals are taken by sigwait in the main thread; the server's
 * threads start with them blocked. */
#define _GNU_SOURCE
#include "cli.h"
#include "server.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: modscore serve [OPTION]...\n"
    "Answer check and score requests over HTTP (JSON in and out).\n"
    "\n"
    "  POST /v1/check                   one comment: {\"text\", \"id\"?, \"article\"?,\n"
    "                                   \"parent_text\"?, \"communityId\"?} -> the verdict\n"
    "                                   `modscore check` prints\n"
    "  POST /v1/score                   a JSON discussion document -> the report of\n"
    "                                   `modscore score --output json`\n"
    "  POST /v1alpha1/comments:analyze  Perspective's AnalyzeComment\n"
    "  POST /v1alpha1/comments:suggestscore\n"
    "                                   Perspective's SuggestCommentScore (--feedback)\n"
    "  GET  /$discovery/rest?version=v1alpha1\n"
    "                                   the discovery document, rootUrl this server\n"
    "  GET  /healthz, GET /metrics      health; Prometheus metrics\n"
    "\n"
    "Perspective attributes: each loaded model's card names the one it answers\n"
    "(shipped: TOXICITY = hostility, OFF_TOPIC = off_topic, which needs context); any\n"
    "other gets Perspective's 400 \"Unknown requested attribute\", never a number.\n"
    "Comments in a language no model reads get Perspective's language 400.\n"
    "spanScores count UTF-16 code units.\n"
    "POST bodies must be Content-Type: application/json (else 415); a request from a\n"
    "page on another site (Origin, Sec-Fetch-Site) is 403 unless --cors-origin lets\n"
    "its origin in.\n"
    "\n";

/* The options (a string of its own: one would pass C99's 4095 bytes). */
static const char usage_options[] =
    "      --listen ADDR:PORT  address to listen on (default 127.0.0.1:8080; port 0\n"
    "                          picks a free one, printed on stderr). An address\n"
    "                          another process listens on is refused (exit 69)\n"
    "      --reuse-port        share the address with other servers started with\n"
    "                          --reuse-port by the same user (SO_REUSEPORT): the\n"
    "                          kernel spreads connections between them, each with\n"
    "                          its own models, policies and keys. For a handover\n"
    "                          between two versions only\n"
    "      --lazy              map each model when the first request needs it; by\n"
    "                          default the categories the policies score are\n"
    "                          mapped at start and by each reload, before it serves\n"
    "      --models DIR        model directory (default: the shipped models)\n"
    "      --policy FILE       default community standards (default: DIR/policy.json)\n"
    "      --threshold SPEC    override a default threshold: hostility=0.8\n"
    "      --policy-dir DIR    a request's communityId ID selects DIR/ID.json\n"
    "                          (ID: [A-Za-z0-9_-]{1,64})\n"
    "      --max-body BYTES    largest request body (default 1048576); larger is 413\n"
    "      --timeout SECONDS   close connections idle this long (default 75)\n"
    "      --request-timeout SECONDS\n"
    "                          close a connection whose request (request line,\n"
    "                          headers, body) takes longer to arrive, however it\n"
    "                          trickles in (default 30)\n"
    "      --max-connections N open connections in all (default 1000)\n"
    "      --max-connections-per-ip N\n"
    "                          open connections from one client address (default\n"
    "                          64; raise it behind a proxy, which is one address)\n"
    "      --threads N         scoring workers: requests scoring at once (default:\n"
    "                          one per core); /healthz never waits for one\n"
    "      --drain SECONDS     on SIGTERM, wait this long for requests in flight (default 10)\n"
    "      --log-text          include comment text in the request log\n"
    "      --feedback FILE     append comments:suggestscore as JSON Lines training\n"
    "                          records (train --data reads them), fsync'd before the\n"
    "                          reply; SIGHUP reopens it\n"
    "      --api-keys FILE     one key a line: scoring requests need one (?key= or\n"
    "                          X-Goog-Api-Key); reread on SIGHUP. Without it, keep\n"
    "                          the default loopback address or put an access check\n"
    "                          in front\n"
    "      --cors-origin ORIGIN\n"
    "                          let browsers on ORIGIN call (repeatable; * for any)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Signals: SIGHUP reloads models and policies (a set that fails to load is refused\n"
    "and the running one stays); SIGTERM or SIGINT stops accepting, drains, exits 0.\n"
    "One line per request is logged to stderr.\n";

/* sysexits.h's EX_UNAVAILABLE: the address is another server's. */
enum { EXIT_ADDR_IN_USE = 69 };

enum serve_option {
    OPT_LISTEN = 1,
    OPT_POLICY_DIR,
    OPT_MAX_BODY,
    OPT_TIMEOUT,
    OPT_THREADS,
    OPT_DRAIN,
    OPT_LOG_TEXT,
    OPT_REQUEST_TIMEOUT,
    OPT_MAX_CONNECTIONS,
    OPT_MAX_PER_IP,
    OPT_FEEDBACK,
    OPT_API_KEYS,
    OPT_CORS_ORIGIN,
    OPT_REUSE_PORT,
    OPT_LAZY
};

static const struct option longopts[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"policy-dir", required_argument, NULL, OPT_POLICY_DIR},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
    {"max-connections-per-ip", required_argument, NULL, OPT_MAX_PER_IP},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"drain", required_argument, NULL, OPT_DRAIN},
    {"log-text", no_argument, NULL, OPT_LOG_TEXT},
    {"feedback", required_argument, NULL, OPT_FEEDBACK},
    {"api-keys", required_argument, NULL, OPT_API_KEYS},
    {"cors-origin", required_argument, NULL, OPT_CORS_ORIGIN},
    {"reuse-port", no_argument, NULL, OPT_REUSE_PORT},
    {"lazy", no_argument, NULL, OPT_LAZY},
    {"help", no_argument, NULL, 'h'},
    CLI_COMMON_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

typedef struct serve_opts {
    cli_common common;
    ms_server_config cfg;
    unsigned long long drain_s;
    const char *origins[64];
} serve_opts;

static int parse_uint(const char *opt, const char *arg, unsigned long long min,
                      unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
        cli_errorf("bad %s '%s' (%llu to %llu)", opt, arg, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

/* One option of serve's own: 0 taken, 1 --help printed, -1 a usage error
 * (said), -2 an option serve does not have. */
static int serve_option(serve_opts *o, int opt, const char *arg)
{
    unsigned long long v;
    switch (opt) {
    case OPT_LISTEN: o->cfg.listen = arg; break;
    case OPT_POLICY_DIR: o->cfg.policy_dir = arg; break;
    case OPT_MAX_BODY:
        if (parse_uint("--max-body", arg, 1, MS_MAX_DOCUMENT_BYTES, &v))
            return -1;
        o->cfg.max_body = (size_t)v;
        break;
    case OPT_TIMEOUT:
        if (parse_uint("--timeout", arg, 1, 86400, &v))
            return -1;
        o->cfg.timeout_s = (unsigned)v;
        break;
    case OPT_REQUEST_TIMEOUT:
        if (parse_uint("--request-timeout", arg, 1, 86400, &v))
            return -1;
        o->cfg.request_timeout_s = (unsigned)v;
        break;
    case OPT_MAX_CONNECTIONS:
        if (parse_uint("--max-connections", arg, 1, 100000, &v))
            return -1;
        o->cfg.max_connections = (unsigned)v;
        break;
    case OPT_MAX_PER_IP:
        if (parse_uint("--max-connections-per-ip", arg, 1, 100000, &v))
            return -1;
        o->cfg.max_connections_per_ip = (unsigned)v;
        break;
    case OPT_THREADS:
        if (parse_uint("--threads", arg, 1, 1024, &v))
            return -1;
        o->cfg.threads = (unsigned)v;
        break;
    case OPT_DRAIN:
        if (parse_uint("--drain", arg, 0, 3600, &o->drain_s))
            return -1;
        break;
    case OPT_LOG_TEXT: o->cfg.log_text = 1; break;
    case OPT_FEEDBACK: o->cfg.feedback_path = arg; break;
    case OPT_API_KEYS: o->cfg.api_keys_path = arg; break;
    case OPT_REUSE_PORT: o->cfg.reuse_port = 1; break;
    case OPT_LAZY: o->cfg.lazy = 1; break;
    case OPT_CORS_ORIGIN:
        if (o->cfg.n_cors_origins == sizeof o->origins / sizeof *o->origins || !*arg) {
            cli_errorf("bad --cors-origin '%s' (at most 64 of them)", arg);
            return -1;
        }
        o->origins[o->cfg.n_cors_origins++] = arg;
        o->cfg.cors_origins = o->origins;
        break;
    case 'h': fputs(usage, stdout); fputs(usage_options, stdout); return 1;
    default: return -2;
    }
    return 0;
}

/* argv into o. Returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, serve_opts *o)
{
    o->drain_s = 10;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int c = cli_common_option(&o->common, opt, optarg);
        if (c < 0)
            return EXIT_USAGE;
        if (c)
            continue;
        c = serve_option(o, opt, optarg);
        if (c == -2)
            return cli_bad_option("serve", argv, longopts);
        if (c)
            return c < 0 ? EXIT_USAGE : 0;
    }
    if (optind < argc) {
        cli_errorf("serve takes no operands");
        return EXIT_USAGE;
    }
    o->cfg.models_dir = cli_models_dir(&o->common);
    o->cfg.policy_path = o->common.policy_path;
    o->cfg.thresholds = o->common.thresholds;
    o->cfg.n_thresholds = (size_t)o->common.n_thresholds;
    return -1;
}

/* SIGHUP: reload, and say how it went. */
static void reload(ms_server *srv)
{
    ms_error err = {0};
    if (ms_server_reload(srv, &err) == MS_OK) {
        char models[1024];
        ms_server_models(srv, models, sizeof models);
        ms_server_logf(srv, "reloaded models and policies; serving %s", models);
    } else {
        char where[400] = "";
        if (err.source[0] && err.line > 0)
            snprintf(where, sizeof where, "%s:%ld: ", err.source, err.line);
        else if (err.source[0])
            snprintf(where, sizeof where, "%s: ", err.source);
        ms_server_logf(srv, "reload refused, keeping the running models: %s%s", where,
                       err.message[0] ? err.message : ms_strerror(err.code));
    }
}

/* glibc gives each new thread an arena of its own, up to eight per core,
 * and each keeps what it freed: with a thread per connection, a burst of
 * requests leaves memory in as many arenas as it had connections, though
 * only --threads of them parse and score at once. As many arenas as
 * scoring workers, and one for the rest, let that memory be reused. */
static void limit_arenas(unsigned threads)
{
    long n = threads ? (long)threads : sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_ARENA_MAX, (int)(n > 0 ? n : 1) + 1);
}

/* Until SIGTERM or SIGINT: SIGHUP reloads. */
static void serve_signals(ms_server *srv, const sigset_t *set)
{
    for (;;) {
        int sig;
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(srv);
            continue;
        }
        ms_server_logf(srv, "%s: draining and stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
}

int cmd_serve(int argc, char **argv)
{
    serve_opts o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    const ms_server_config cfg = o.cfg;
    limit_arenas(cfg.threads);
    /* the server's threads inherit this mask: only sigwait below sees them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    ms_server *srv;
    ms_error err = {0};
    ms_status st = ms_server_start(&cfg, &srv, &err);
    const char *addr = cfg.listen ? cfg.listen : MS_SERVER_DEFAULT_LISTEN;
    if (st != MS_OK) {
        cli_error(&err);
        if (st == MS_ERR_CANT_CREATE && strcmp(err.source, addr) == 0)
            return EXIT_ADDR_IN_USE;
        return st == MS_ERR_IO ? EXIT_IOERR : cli_exit_code(st);
    }
    const char *colon = strrchr(addr, ':');
    fprintf(stderr, "modscore: listening on %.*s:%u (models %s)\n",
            (int)(colon ? colon - addr : (long)strlen(addr)), addr, ms_server_port(srv),
            cfg.models_dir);
    if (!cfg.api_keys_path && colon &&
        !(strncmp(addr, "127.", 4) == 0 || strncmp(addr, "[::1]", 5) == 0 ||
          strncmp(addr, "localhost:", 10) == 0))
        fprintf(stderr, "modscore: warning: %s is not a loopback address and no --api-keys: "
                        "anyone who reaches it can use it; put an access check in front\n",
                addr);
    serve_signals(srv, &set);
    ms_server_stop(srv, (unsigned)(o.drain_s * 1000));
    fprintf(stderr, "modscore: stopped\n");
    return 0;
}

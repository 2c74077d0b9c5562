/* server_listen.c - the service's listening socket (server_listen.h). */
#define _GNU_SOURCE
#include "server_listen.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static ms_status fail(ms_error *err, ms_status st, const char *spec, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ms_status fail(ms_error *err, ms_status st, const char *spec, const char *fmt, ...)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = st;
        snprintf(err->source, sizeof err->source, "%s", spec);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return st;
}

static ms_status parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sl,
                              int *v6, ms_error *err)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    const char *h = spec;
    size_t hl;
    if (!colon)
        return fail(err, MS_ERR_ARG, spec, "--listen wants ADDR:PORT");
    hl = (size_t)(colon - spec);
    if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    if (hl == 0 || hl >= sizeof host)
        return fail(err, MS_ERR_ARG, spec, "--listen wants ADDR:PORT");
    memcpy(host, h, hl);
    host[hl] = '\0';
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || port > 65535)
        return fail(err, MS_ERR_ARG, spec, "bad port '%s'", colon + 1);
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(host, NULL, &hints, &ai);
    if (rc != 0 || !ai)
        return fail(err, MS_ERR_ARG, spec, "cannot resolve '%s': %s", host, gai_strerror(rc));
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *sl = ai->ai_addrlen;
    *v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    if (*v6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
    return MS_OK;
}

ms_status srv_listen(const char *spec, int reuse_port, int *fd, int *v6, ms_error *err)
{
    *fd = -1;
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    ms_status st = parse_listen(spec, &ss, &sl, v6, err);
    if (st != MS_OK)
        return st;
    int s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return fail(err, MS_ERR_IO, spec, "cannot listen: socket: %s", strerror(errno));
    int one = 1;
    if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (reuse_port && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) ||
        (*v6 && setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)) {
        int e = errno;
        close(s);
        return fail(err, MS_ERR_IO, spec, "cannot listen: setsockopt: %s", strerror(e));
    }
    if (bind(s, (struct sockaddr *)&ss, sl) != 0 || listen(s, SOMAXCONN) != 0) {
        int e = errno;
        close(s);
        if (e == EADDRINUSE)
            return fail(err, MS_ERR_CANT_CREATE, spec,
                        "address already in use: another process listens on it (another "
                        "modscore serve?); stop it or choose another --listen%s",
                        reuse_port ? " (--reuse-port shares it only with servers started "
                                     "with --reuse-port by the same user)"
                                   : "");
        return fail(err, MS_ERR_IO, spec, "cannot listen: %s", strerror(e));
    }
    *fd = s;
    return MS_OK;
}

unsigned srv_listen_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}

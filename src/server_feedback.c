/* server_feedback.c - see server_feedback.h. */
#define _GNU_SOURCE
#include "server_feedback.h"

#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct srv_feedback {
    pthread_mutex_t lock; /* fd, and one record at a time */
    int fd;
    char *path;
};

ms_status srv_feedback_open(const char *path, srv_feedback **out, ms_error *err)
{
    *out = NULL;
    srv_feedback *f = calloc(1, sizeof *f);
    if (!f || !(f->path = ms_strdup0(path))) {
        free(f);
        return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    ms_status st = ms_open_append(path, &f->fd, err);
    if (st != MS_OK) {
        free(f->path);
        free(f);
        return st;
    }
    pthread_mutex_init(&f->lock, NULL);
    *out = f;
    return MS_OK;
}

ms_status srv_feedback_reopen(srv_feedback *f, ms_error *err)
{
    int fd;
    ms_status st = ms_open_append(f->path, &fd, err);
    if (st != MS_OK)
        return st;
    pthread_mutex_lock(&f->lock);
    int old = f->fd;
    f->fd = fd;
    pthread_mutex_unlock(&f->lock);
    close(old);
    return MS_OK;
}

ms_status srv_feedback_append(srv_feedback *f, const char *data, size_t len)
{
    ms_status st = MS_OK;
    pthread_mutex_lock(&f->lock);
    while (len) {
        ssize_t k = write(f->fd, data, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            st = MS_ERR_IO;
            break;
        }
        data += k;
        len -= (size_t)k;
    }
    if (st == MS_OK && fsync(f->fd) != 0)
        st = MS_ERR_IO;
    pthread_mutex_unlock(&f->lock);
    return st;
}

void srv_feedback_close(srv_feedback *f)
{
    if (!f)
        return;
    close(f->fd);
    pthread_mutex_destroy(&f->lock);
    free(f->path);
    free(f);
}

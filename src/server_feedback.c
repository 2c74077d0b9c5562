/* server_feedback.c - see server_feedback.h. */
#define _GNU_SOURCE
#include "server_feedback.h"

#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct srv_feedback {
    pthread_mutex_t lock; /* fd, torn, and one record at a time */
    int fd;
    char *path;
    off_t torn;   /* -1, or the length fd must be cut back to before the next
                     record: a failed append's cut did not succeed */
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
    f->torn = -1;
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
    f->torn = -1; /* the old file keeps its fragment; the cut was tried there */
    pthread_mutex_unlock(&f->lock);
    close(old);
    return MS_OK;
}

/* Writes all of data[0, len) at the end of fd and syncs it; 0 on success. */
static int write_synced(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t k = write(fd, data, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        data += k;
        len -= (size_t)k;
    }
    return fsync(fd);
}

/* Cuts fd back to len, so a record written in part is never seen; 0 on
 * success. */
static int cut_back(int fd, off_t len)
{
    int r;
    while ((r = ftruncate(fd, len)) != 0 && errno == EINTR)
        ;
    return r == 0 ? fsync(fd) : -1;
}

ms_status srv_feedback_append(srv_feedback *f, const char *data, size_t len)
{
    ms_status st = MS_OK;
    pthread_mutex_lock(&f->lock);
    if (f->torn >= 0) { /* the last failure's fragment is still there */
        if (cut_back(f->fd, f->torn) != 0) {
            pthread_mutex_unlock(&f->lock);
            return MS_ERR_IO; /* never glue a record to it */
        }
        f->torn = -1;
    }
    struct stat sb;
    if (fstat(f->fd, &sb) != 0) {
        pthread_mutex_unlock(&f->lock);
        return MS_ERR_IO;
    }
    if (write_synced(f->fd, data, len) != 0) {
        st = MS_ERR_IO; /* a full disk, a file-size limit, an I/O error */
        if (cut_back(f->fd, sb.st_size) != 0)
            f->torn = sb.st_size;
    }
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

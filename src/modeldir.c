/* modeldir.c - model directories written safely; see modeldir.h. */
#define _GNU_SOURCE
#include "modeldir.h"

#include "card.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER ".modscore-tmp"

static const char *const model_files[] = {"card.json", "model.svm", "idf.bin", "model.bin",
                                          "card.bin"};

/* 1 when name is a model file, or (with temps) the temporary ms_outfile
 * makes for one ("model.svm.tmp.XXXXXX"). */
static int is_model_file(const char *name, int temps)
{
    for (size_t i = 0; i < sizeof model_files / sizeof *model_files; i++) {
        size_t n = strlen(model_files[i]);
        if (!strncmp(name, model_files[i], n) &&
            (!name[n] || (temps && !strncmp(name + n, ".tmp.", 5))))
            return 1;
    }
    return 0;
}

/* out without trailing slashes, resolved when it exists (a symlink to a
 * model directory: the directory is replaced, the link stays). */
static char *resolve(const char *out)
{
    struct stat sb;
    if (stat(out, &sb) == 0)
        return realpath(out, NULL);
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/')
        n--;
    return ms_strndup(out, n);
}

/* Splits path into its directory ("." when none) and its last part. */
static char *split(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        return ms_strdup0(".");
    return ms_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* The first entry of the directory that is not a regular model file (or,
 * with temps, one of their temporaries); "" when none. OUT: *count. */
static int odd_entry(DIR *d, int temps, char *name, size_t cap, size_t *count)
{
    struct dirent *e;
    struct stat sb;
    *count = 0;
    name[0] = '\0';
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        ++*count;
        if (!is_model_file(e->d_name, temps) ||
            fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode)) {
            snprintf(name, cap, "%s", e->d_name);
            return 1;
        }
    }
    return 0;
}

/* NULL when path is a model card of this format (a JSON object with
 * "format": MS_CARD_FORMAT and a "version", whatever model it describes),
 * else why not. */
static const char *card_format(const char *path)
{
    char *data;
    size_t len;
    if (ms_read_regular_file(path, 1u << 24, &data, &len, NULL) != MS_OK)
        return "is missing or unreadable";
    json_t *root = json_loadb(data, len, 0, NULL);
    free(data);
    json_t *format = json_object_get(root, "format");
    int ok = json_is_integer(format) && json_integer_value(format) == MS_CARD_FORMAT &&
             json_is_string(json_object_get(root, "version"));
    json_decref(root);
    return ok ? NULL : "is not a model card of this format";
}

/* A flock (how: LOCK_SH or LOCK_EX) on the directory that holds target,
 * the directory itself (no lock file to leave behind). Every run takes it
 * exclusively while it clears stale temporaries and makes and marks its
 * own, and while it publishes; ms_modeldir_check takes it shared. Each
 * step is short (no training happens under it): a concurrent run waits
 * milliseconds, and two runs of the same target both succeed, the later
 * one to publish leaving its model. Returns the descriptor to close, or
 * -1 where the directory cannot be opened or its file system has no flock
 * (then no unmarked temporary is ever removed, see remove_stale). */
static int lock_dir(const char *target, int how)
{
    const char *base;
    char *dir = split(target, &base);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    free(dir);
    if (fd < 0)
        return -1;
    int r;
    while ((r = flock(fd, how)) != 0 && errno == EINTR)
        ;
    if (r != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void unlock_dir(int fd)
{
    if (fd >= 0)
        close(fd);
}

static ms_status check_unlocked(const char *out, ms_error *err)
{
    struct stat sb;
    if (stat(out, &sb) != 0) {
        if (errno == ENOENT && lstat(out, &sb) != 0)
            return MS_OK; /* absent: created */
        return ms_fail(err, MS_ERR_CANT_CREATE, out, 0, 0, "%s: refused",
                       errno == ENOENT ? "a symbolic link to nothing" : strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode))
        return ms_fail(err, MS_ERR_CANT_CREATE, out, 0, 0,
                       "exists and is not a directory: refused, nothing changed");
    DIR *d = opendir(out);
    if (!d)
        return ms_fail(err, MS_ERR_CANT_CREATE, out, 0, 0, "%s", strerror(errno));
    char odd[256];
    size_t n;
    int found = odd_entry(d, 1, odd, sizeof odd, &n);
    closedir(d);
    if (found)
        return ms_fail(err, MS_ERR_CANT_CREATE, out, 0, 0,
                       "not a model directory (it holds '%s'): refused, nothing changed; "
                       "give a new or empty directory, or a model directory",
                       odd);
    if (n == 0)
        return MS_OK;
    ms_buf path = {0};
    if (ms_buf_printf(&path, "%s/card.json", out) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, out, 0, 0, "out of memory");
    const char *why = card_format(path.data);
    ms_buf_free(&path);
    if (why)
        return ms_fail(err, MS_ERR_CANT_CREATE, out, 0, 0,
                       "not a model directory (card.json %s): refused, nothing changed", why);
    return MS_OK;
}

ms_status ms_modeldir_check(const char *out, ms_error *err)
{
    char *target = resolve(out);
    if (!target)
        return ms_fail(err, MS_ERR_NOMEM, out, 0, 0, "out of memory");
    int lock = lock_dir(target, LOCK_SH); /* not while another run publishes */
    ms_status st = check_unlocked(out, err);
    unlock_dir(lock);
    free(target);
    return st;
}

/* The process id in the marker of the directory dfd; 0 when it has none. */
static long marker_pid(int dfd)
{
    int fd = openat(dfd, MARKER, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[64];
    struct stat sb;
    ssize_t n = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? read(fd, buf, sizeof buf - 1) : -1;
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    if (strncmp(buf, "modscore ", 9))
        return 0;
    char *end;
    long pid = strtol(buf + 9, &end, 10);
    return *end == '\n' && pid > 0 ? pid : 0;
}

static int write_marker(int dfd)
{
    int fd = openat(dfd, MARKER, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    char buf[64];
    int n = snprintf(buf, sizeof buf, "modscore %ld\n", (long)getpid());
    int ok = write(fd, buf, (size_t)n) == n;
    return close(fd) == 0 && ok ? 0 : -1;
}

/* Deletes the model files (and their temporaries) in the directory path,
 * then its marker, then the directory if that left it empty. */
static void clear_marked(const char *path)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return;
    int lfd = dup(dfd);
    DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
    if (!d && lfd >= 0)
        close(lfd);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (is_model_file(e->d_name, 1))
            unlinkat(dfd, e->d_name, 0); /* a link is removed, never followed */
    if (d)
        closedir(d);
    unlinkat(dfd, MARKER, 0);
    close(dfd);
    rmdir(path);
}

/* A run killed between mkdtemp and its marker leaves OUT.tmp.* empty, or
 * holding only an empty marker (killed between creating it and writing
 * it). Such a directory is removed: rmdir never removes one that holds
 * anything, so a directory of the user's is never touched. */
static void remove_unmarked_empty(int parent, const char *name)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat sb;
    if (fstatat(fd, MARKER, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode) &&
        sb.st_size == 0)
        unlinkat(fd, MARKER, 0);
    close(fd);
    unlinkat(parent, name, AT_REMOVEDIR);
}

/* Removes the marked temporaries OUT.tmp.* beside target whose process is
 * gone (training runs that were killed), and, when locked (every live run
 * marks its temporary under the same lock, so an unmarked one is never a
 * live run's), empty unmarked ones. */
static void remove_stale(const char *dir, const char *base, int locked)
{
    DIR *d = opendir(dir);
    size_t n = strlen(base);
    struct dirent *e;
    ms_buf path = {0};
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, base, n) || strncmp(e->d_name + n, ".tmp.", 5))
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue;
        long pid = marker_pid(fd);
        close(fd);
        if (pid <= 0) {
            if (locked)
                remove_unmarked_empty(dirfd(d), e->d_name);
            continue;
        }
        if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        path.len = 0;
        if (ms_buf_printf(&path, "%s/%s", dir, e->d_name) == MS_OK)
            clear_marked(path.data);
    }
    if (d)
        closedir(d);
    ms_buf_free(&path);
}

/* Makes the temporary tmp (a mkdtemp template) and marks it. */
static ms_status make_marked(char *tmp, const char *out, ms_error *err)
{
    if (!mkdtemp(tmp))
        return ms_fail(err, MS_ERR_CANT_CREATE, out, 0, 0,
                       "cannot create a temporary directory beside it: %s", strerror(errno));
    int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 || fchmod(dfd, 0755) != 0 || write_marker(dfd) != 0) {
        int e = errno;
        if (dfd >= 0)
            close(dfd);
        clear_marked(tmp);
        return ms_fail(err, MS_ERR_CANT_CREATE, out, 0, 0, "cannot mark its temporary: %s",
                       strerror(e));
    }
    close(dfd);
    return MS_OK;
}

ms_status ms_modeldir_begin(const char *out, char **tmp, ms_error *err)
{
    *tmp = NULL;
    char *target = resolve(out);
    const char *base;
    char *dir = target ? split(target, &base) : NULL;
    ms_buf b = {0};
    if (!dir || ms_buf_printf(&b, "%s.tmp.XXXXXX", target) != MS_OK) {
        free(dir);
        free(target);
        return ms_fail(err, MS_ERR_NOMEM, out, 0, 0, "out of memory");
    }
    int lock = lock_dir(target, LOCK_EX);
    remove_stale(dir, base, lock >= 0);
    ms_status st = make_marked(b.data, out, err);
    unlock_dir(lock);
    free(dir);
    free(target);
    if (st != MS_OK) {
        ms_buf_free(&b);
        return st;
    }
    *tmp = b.data;
    return MS_OK;
}

/* Moves tmp to target, with tmp unmarked meanwhile so the published model
 * never holds the marker: a new name where target is absent, else an
 * exchange with the directory there (also when another writer, without
 * the lock, put one there first). OUT: *exchanged (tmp then holds the old
 * model). */
static int put_in_place(const char *tmp, const char *target, int *exchanged)
{
    int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    unlinkat(dfd, MARKER, 0);
    struct stat sb;
    int r = -1;
    *exchanged = stat(target, &sb) == 0;
    if (!*exchanged) {
        r = renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_NOREPLACE);
        if (r != 0 && errno == EINVAL)
            r = rename(tmp, target); /* a file system without RENAME_NOREPLACE */
        *exchanged = r != 0 && (errno == EEXIST || errno == ENOTEMPTY);
    }
    if (*exchanged)
        r = renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_EXCHANGE);
    int e = errno;
    if (r != 0)
        write_marker(dfd);
    close(dfd);
    errno = e;
    return r;
}

ms_status ms_modeldir_write_card(const char *tmp, json_t *card, ms_error *err)
{
    ms_buf path = {0};
    char *text = json_dumps(card, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    ms_status st = text && ms_buf_printf(&path, "%s/card.json", tmp) == MS_OK
                       ? ms_write_file_atomic(path.data, text, strlen(text), err)
                       : ms_fail(err, MS_ERR_NOMEM, tmp, 0, 0, "out of memory");
    free(text);
    ms_buf_free(&path);
    return st;
}

ms_status ms_modeldir_trimmed(const ms_linear *lin, json_t *card, ms_linear **trimmed,
                              ms_error *err)
{
    *trimmed = NULL;
    ms_linear *t = calloc(1, sizeof *t);
    if (t && lin->dim > 0)
        t->w = malloc((size_t)lin->dim * sizeof *t->w);
    if (!t || (lin->dim > 0 && !t->w)) {
        free(t);
        return ms_fail(err, MS_ERR_NOMEM, "model", 0, 0, "out of memory");
    }
    if (lin->dim > 0)
        memcpy(t->w, lin->w, (size_t)lin->dim * sizeof *t->w);
    t->dim = lin->dim;
    t->rho = lin->rho;
    t->prob_a = lin->prob_a;
    t->prob_b = lin->prob_b;
    t->positive_first = lin->positive_first;
    ms_trim_stats ts;
    ms_status st = ms_linear_trim(t, MS_WEIGHT_DECIMALS, &ts);
    json_t *storage = st == MS_OK ? json_object_get(card, "storage") : NULL;
    if (st == MS_OK && !json_is_object(storage)) {
        storage = json_object();
        if (!storage || json_object_set_new(card, "storage", storage))
            st = MS_ERR_NOMEM;
    }
    if (st == MS_OK &&
        (json_object_set_new(storage, "weight_decimals", json_integer(MS_WEIGHT_DECIMALS)) ||
         json_object_set_new(storage, "weights", json_integer((json_int_t)ts.kept)) ||
         json_object_set_new(storage, "weights_dropped", json_integer((json_int_t)ts.dropped))))
        st = MS_ERR_NOMEM;
    if (st != MS_OK) {
        ms_linear_free(t);
        return ms_fail(err, st, "model", 0, 0, "cannot trim the weights: %s", ms_strerror(st));
    }
    *trimmed = t;
    return MS_OK;
}

ms_status ms_modeldir_publish(const char *tmp, const char *out, ms_error *err)
{
    char *target = resolve(out);
    if (!target)
        return ms_fail(err, MS_ERR_NOMEM, out, 0, 0, "out of memory");
    /* checked, exchanged and the old model cleared under the lock: a
     * concurrent run never sees the target while it is swapped out */
    int lock = lock_dir(target, LOCK_EX);
    ms_status st = check_unlocked(out, err);
    struct stat sb;
    int exists = st == MS_OK && stat(target, &sb) == 0;
    if (exists)
        chmod(tmp, sb.st_mode & 07777); /* the new model keeps the old one's mode */
    if (st == MS_OK && put_in_place(tmp, target, &exists) != 0)
        st = ms_fail(err, MS_ERR_IO, out, 0, 0, "cannot put the model in place: %s",
                     strerror(errno));
    /* tmp now holds the old model (or nothing): mark it ours, then clear it */
    if (st == MS_OK && exists) {
        int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd >= 0) {
            write_marker(dfd);
            close(dfd);
        }
        clear_marked(tmp);
    }
    const char *base;
    char *dir = st == MS_OK ? split(target, &base) : NULL;
    if (st == MS_OK && (!dir || ms_fsync_dir(dir) != 0))
        st = ms_fail(err, MS_ERR_IO, out, 0, 0, "fsync of its directory failed: %s",
                     dir ? strerror(errno) : "out of memory");
    unlock_dir(lock);
    free(dir);
    free(target);
    return st;
}

void ms_modeldir_discard(const char *tmp)
{
    if (tmp)
        clear_marked(tmp);
}

ms_status ms_modeldir_write_svm(const char *tmp, const ms_linear *lin, json_t *card,
                                ms_buf *path, uint64_t *hash, ms_error *err)
{
    ms_linear *trimmed = NULL;
    path->len = 0;
    if (ms_buf_printf(path, "%s/model.svm", tmp) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, tmp, 0, 0, "out of memory");
    ms_status st = ms_modeldir_trimmed(lin, card, &trimmed, err);
    if (st == MS_OK)
        st = ms_linear_write_libsvm(trimmed, path->data, err);
    ms_linear_free(trimmed);
    if (st == MS_OK)
        st = ms_card_file_hash(path->data, hash, err);
    return st;
}

ms_status ms_modeldir_finish(char *tmp, const char *out, ms_status st, ms_error *err)
{
    if (st == MS_OK)
        st = ms_modeldir_publish(tmp, out, err);
    if (st != MS_OK)
        ms_modeldir_discard(tmp);
    free(tmp);
    return st;
}

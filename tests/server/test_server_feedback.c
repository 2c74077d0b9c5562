/* test_server_feedback.c - the --feedback file of `modscore serve`
 * (src/server_feedback.c): a record that cannot be written whole (a full
 * disk, here a file-size limit, RLIMIT_FSIZE, with SIGXFSZ ignored so the
 * write fails with EFBIG instead of killing the process) leaves nothing of
 * itself in the file, and the next record starts on a line of its own
 * (issue 23: a torn record glued to the next made `train` refuse the whole
 * file). Runs unprivileged. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "server_feedback.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fx {
    char dir[64];
    char path[96];
    struct rlimit saved;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ms_feedback_test.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/fb.jsonl", f->dir);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &f->saved), 0);
    signal(SIGXFSZ, SIG_IGN);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    setrlimit(RLIMIT_FSIZE, &f->saved);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static off_t file_size(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return sb.st_size;
}

static void limit_file_size(const fx *f, rlim_t bytes)
{
    struct rlimit rl = {.rlim_cur = bytes, .rlim_max = f->saved.rlim_max};
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* The file holds exactly want. */
static void assert_file(const char *path, const char *want)
{
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    buf[n] = '\0';
    assert_string_equal(buf, want);
}

static srv_feedback *open_feedback(const fx *f)
{
    srv_feedback *fb = NULL;
    ms_error err = {0};
    assert_int_equal(srv_feedback_open(f->path, &fb, &err), MS_OK);
    return fb;
}

static void test_short_write_is_cut_back(void **state)
{
    fx *f = *state;
    srv_feedback *fb = open_feedback(f);
    const char first[] = "{\"text\":\"first\",\"label\":0}\n";
    assert_int_equal(srv_feedback_append(fb, first, strlen(first)), MS_OK);

    /* room for part of the next record only: the write is short, then EFBIG */
    char big[2048];
    memset(big, 'x', sizeof big);
    memcpy(big, "{\"text\":\"", 9);
    memcpy(big + sizeof big - 15, "\",\"label\":1}\n", 13);
    limit_file_size(f, (rlim_t)strlen(first) + 100);
    assert_int_equal(srv_feedback_append(fb, big, sizeof big - 2), MS_ERR_IO);
    assert_int_equal(file_size(f->path), (off_t)strlen(first));

    /* no room at all: nothing written, nothing left */
    limit_file_size(f, (rlim_t)strlen(first));
    assert_int_equal(srv_feedback_append(fb, first, strlen(first)), MS_ERR_IO);
    assert_int_equal(file_size(f->path), (off_t)strlen(first));

    /* room again: the next record is a line of its own */
    setrlimit(RLIMIT_FSIZE, &f->saved);
    const char second[] = "{\"text\":\"second\",\"label\":1}\n";
    assert_int_equal(srv_feedback_append(fb, second, strlen(second)), MS_OK);
    assert_file(f->path, "{\"text\":\"first\",\"label\":0}\n{\"text\":\"second\",\"label\":1}\n");
    srv_feedback_close(fb);
}

/* A record that fits exactly is written; one byte more is refused whole. */
static void test_exact_fit(void **state)
{
    fx *f = *state;
    srv_feedback *fb = open_feedback(f);
    const char rec[] = "{\"text\":\"a\",\"label\":1}\n";
    limit_file_size(f, (rlim_t)(2 * strlen(rec)));
    assert_int_equal(srv_feedback_append(fb, rec, strlen(rec)), MS_OK);
    assert_int_equal(srv_feedback_append(fb, rec, strlen(rec)), MS_OK);
    assert_int_equal(srv_feedback_append(fb, rec, strlen(rec)), MS_ERR_IO);
    setrlimit(RLIMIT_FSIZE, &f->saved);
    assert_file(f->path, "{\"text\":\"a\",\"label\":1}\n{\"text\":\"a\",\"label\":1}\n");
    srv_feedback_close(fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_short_write_is_cut_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exact_fit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

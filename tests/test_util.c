/* test_util.c - the shared helpers: buffers, locale-proof numbers, atomic
 * writes, and the file primitives every writer uses: a replacement is made
 * beside its target under a name nobody can plant and renamed only over a
 * regular file; a FIFO or a device is written in place, never replaced; an
 * append-only file refuses links and non-regular files; a model file that
 * is a FIFO is refused without blocking. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void test_buf_grows_and_terminates(void **state)
{
    (void)state;
    ms_buf b = {0};
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ms_buf_printf(&b, "%d,", i), MS_OK);
    assert_int_equal(b.data[b.len], '\0');
    assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
    assert_int_equal(strlen(b.data), b.len);
    ms_buf_free(&b);
}

static void test_parse_double_ignores_locale(void **state)
{
    (void)state;
    double v = 0;
    /* A comma-decimal locale, when the machine has one, must not matter. */
    setlocale(LC_NUMERIC, "de_DE.UTF-8");
    assert_int_equal(ms_parse_double("0.12345678901234567", 19, &v), 0);
    assert_true(v == 0.12345678901234567);
    assert_int_equal(ms_parse_double("-1e-3", 5, &v), 0);
    assert_true(v == -1e-3);
    assert_int_not_equal(ms_parse_double("1.5x", 4, &v), 0);
    assert_int_not_equal(ms_parse_double("", 0, &v), 0);
    setlocale(LC_NUMERIC, "C");
}

static void test_atomic_write_replaces_whole_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ms_test_atomicXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    ms_error err;
    assert_int_equal(ms_write_file_atomic(path, "hello", 5, &err), MS_OK);
    char *data;
    size_t len;
    assert_int_equal(ms_read_file(path, 100, &data, &len, &err), MS_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "hello", 5);
    free(data);
    /* a write into a directory that does not exist fails and says so */
    assert_int_equal(ms_write_file_atomic("/nonexistent/dir/x", "a", 1, &err), MS_ERR_CANT_CREATE);
    assert_string_equal(err.source, "/nonexistent/dir/x");
    unlink(path);
}

static void test_read_file_limits(void **state)
{
    (void)state;
    ms_error err;
    char *data;
    size_t len;
    assert_int_equal(ms_read_file("/nonexistent.json", 100, &data, &len, &err), MS_ERR_NOT_FOUND);
    /* a file of its own: a fresh minimal Debian has no /etc/services */
    char path[] = "/tmp/ms_test_limitXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "eleven byte", 11), 11);
    close(fd);
    assert_int_equal(ms_read_file(path, 10, &data, &len, &err), MS_ERR_LIMIT);
    assert_null(data);
    assert_int_equal(ms_read_file(path, 11, &data, &len, &err), MS_OK);
    assert_int_equal(len, 11);
    free(data);
    unlink(path);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(ms_utf8_valid("caf\xc3\xa9 \xf0\x9f\x98\x80", 10));
    assert_true(ms_utf8_valid("", 0));
    assert_false(ms_utf8_valid("\xff", 1));                /* never a lead byte */
    assert_false(ms_utf8_valid("\xc3", 1));                /* cut short */
    assert_false(ms_utf8_valid("\xc0\xaf", 2));           /* overlong '/' */
    assert_false(ms_utf8_valid("\xe0\x80\xaf", 3));       /* overlong, 3 bytes */
    assert_false(ms_utf8_valid("\xed\xa0\x80", 3));       /* a surrogate */
    assert_false(ms_utf8_valid("\xf4\x90\x80\x80", 4));   /* past U+10FFFF */
}

static char dir[48];

static const char *at(const char *name)
{
    static char path[4][128];
    static int i;
    i = (i + 1) % 4;
    snprintf(path[i], sizeof path[i], "%s/%s", dir, name);
    return path[i];
}

static char *slurp(const char *path)
{
    char *data;
    size_t len;
    assert_int_equal(ms_read_file(path, 1 << 20, &data, &len, NULL), MS_OK);
    return data;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* files in dir besides the expected ones: temporaries left behind */
static int entries(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ms_util_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_replace_regular_keeps_mode(void **state)
{
    (void)state;
    put(at("r.txt"), "old");
    assert_int_equal(chmod(at("r.txt"), 0600), 0);
    assert_int_equal(ms_write_file_atomic(at("r.txt"), "new", 3, NULL), MS_OK);
    char *s = slurp(at("r.txt"));
    assert_string_equal(s, "new");
    free(s);
    struct stat sb;
    assert_int_equal(stat(at("r.txt"), &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    assert_int_equal(entries(), 1);
}

/* the old temporary name FILE.tmp.PID, planted as a link to a victim:
 * the victim is never written */
static void test_planted_link_not_followed(void **state)
{
    (void)state;
    put(at("victim"), "precious");
    char name[64];
    snprintf(name, sizeof name, "out.json.tmp.%ld", (long)getpid());
    assert_int_equal(symlink(at("victim"), at(name)), 0);
    assert_int_equal(ms_write_file_atomic(at("out.json"), "report", 6, NULL), MS_OK);
    char *s = slurp(at("victim"));
    assert_string_equal(s, "precious");
    free(s);
    s = slurp(at("out.json"));
    assert_string_equal(s, "report");
    free(s);
}

/* a symlink to a regular file: the file it names is replaced, the link stays */
static void test_symlink_target_replaced(void **state)
{
    (void)state;
    put(at("real"), "old");
    assert_int_equal(symlink("real", at("link")), 0);
    assert_int_equal(ms_write_file_atomic(at("link"), "new", 3, NULL), MS_OK);
    struct stat sb;
    assert_int_equal(lstat(at("link"), &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    char *s = slurp(at("real"));
    assert_string_equal(s, "new");
    free(s);
}

/* a FIFO is written in place and stays a FIFO */
static void test_fifo_written_directly(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(at("fifo"), 0600), 0);
    int rd = open(at("fifo"), O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);
    ms_outfile o;
    assert_int_equal(ms_outfile_open(&o, at("fifo"), NULL), MS_OK);
    assert_null(o.tmp);
    assert_int_equal(ms_outfile_write(&o, "hello", 5, NULL), MS_OK);
    assert_int_equal(ms_outfile_commit(&o, NULL), MS_OK);
    char buf[8] = {0};
    assert_int_equal(read(rd, buf, sizeof buf), 5);
    assert_string_equal(buf, "hello");
    close(rd);
    struct stat sb;
    assert_int_equal(lstat(at("fifo"), &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
}

/* a directory is refused; an aborted write leaves the target as it was and
 * no temporary behind */
static void test_directory_refused_abort_clean(void **state)
{
    (void)state;
    ms_outfile o;
    ms_error err = {0};
    assert_int_equal(ms_outfile_open(&o, dir, &err), MS_ERR_CANT_CREATE);
    put(at("keep"), "kept");
    int before = entries();
    assert_int_equal(ms_outfile_open(&o, at("keep"), NULL), MS_OK);
    assert_int_equal(ms_outfile_write(&o, "partial", 7, NULL), MS_OK);
    ms_outfile_abort(&o);
    ms_outfile_abort(&o);
    assert_int_equal(entries(), before);
    char *s = slurp(at("keep"));
    assert_string_equal(s, "kept");
    free(s);
}

/* the target replaced by a symlink between open and commit: not renamed over */
static void test_commit_only_over_regular(void **state)
{
    (void)state;
    put(at("t"), "old");
    ms_outfile o;
    assert_int_equal(ms_outfile_open(&o, at("t"), NULL), MS_OK);
    assert_int_equal(ms_outfile_write(&o, "new", 3, NULL), MS_OK);
    assert_int_equal(unlink(at("t")), 0);
    assert_int_equal(symlink("elsewhere", at("t")), 0);
    assert_int_equal(ms_outfile_commit(&o, NULL), MS_ERR_CANT_CREATE);
    struct stat sb;
    assert_int_equal(lstat(at("t"), &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
}

static void test_open_append(void **state)
{
    (void)state;
    int fd;
    assert_int_equal(ms_open_append(at("log"), &fd, NULL), MS_OK);
    assert_int_equal(write(fd, "a\n", 2), 2);
    close(fd);
    assert_int_equal(ms_open_append(at("log"), &fd, NULL), MS_OK);
    assert_int_equal(write(fd, "b\n", 2), 2);
    close(fd);
    char *s = slurp(at("log"));
    assert_string_equal(s, "a\nb\n");
    free(s);
    put(at("victim2"), "precious");
    assert_int_equal(symlink(at("victim2"), at("loglink")), 0);
    assert_int_equal(ms_open_append(at("loglink"), &fd, NULL), MS_ERR_CANT_CREATE);
    assert_int_equal(mkfifo(at("logfifo"), 0600), 0);
    assert_int_equal(ms_open_append(at("logfifo"), &fd, NULL), MS_ERR_CANT_CREATE);
    int rd = open(at("logfifo"), O_RDONLY | O_NONBLOCK); /* with a reader too */
    assert_true(rd >= 0);
    assert_int_equal(ms_open_append(at("logfifo"), &fd, NULL), MS_ERR_CANT_CREATE);
    close(rd);
    assert_int_equal(ms_open_append(dir, &fd, NULL), MS_ERR_CANT_CREATE);
    s = slurp(at("victim2"));
    assert_string_equal(s, "precious");
    free(s);
}

/* a FIFO where a model file should be: refused at once, never waited on */
static void test_regular_only_read(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(at("model.bin"), 0600), 0);
    char *data;
    size_t len;
    ms_error err = {0};
    assert_int_equal(ms_read_regular_file(at("model.bin"), 1 << 20, &data, &len, &err), MS_ERR_IO);
    assert_non_null(strstr(err.message, "not a regular file"));
    assert_int_equal(ms_read_regular_file(at("absent"), 1 << 20, &data, &len, NULL),
                     MS_ERR_NOT_FOUND);
    put(at("plain"), "abc");
    assert_int_equal(ms_read_regular_file(at("plain"), 1 << 20, &data, &len, NULL), MS_OK);
    assert_int_equal(len, 3);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows_and_terminates),
        cmocka_unit_test(test_parse_double_ignores_locale),
        cmocka_unit_test(test_atomic_write_replaces_whole_file),
        cmocka_unit_test(test_read_file_limits),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test_setup_teardown(test_replace_regular_keeps_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_planted_link_not_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_target_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_written_directly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_refused_abort_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_only_over_regular, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regular_only_read, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_util.c - the shared helpers: buffers, locale-proof numbers, atomic writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    assert_int_equal(ms_write_file_atomic("/nonexistent/dir/x", "a", 1, &err), MS_ERR_IO);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows_and_terminates),
        cmocka_unit_test(test_parse_double_ignores_locale),
        cmocka_unit_test(test_atomic_write_replaces_whole_file),
        cmocka_unit_test(test_read_file_limits),
        cmocka_unit_test(test_utf8_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

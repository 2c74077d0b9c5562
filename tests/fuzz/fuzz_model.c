/* fuzz_model.c - the libsvm model loader on any bytes: a corrupted model
 * file is an error (MS_ERR_MODEL, ...), never a crash. ms_linear_load reads
 * the file with its own checking parser before anything trusts it. It takes
 * a path, so the bytes go to a temporary file first. (model.bin has no
 * in-memory entry point and is checked by its header and checksums; its
 * damaged forms are in test_compiled.c.) */
#include "model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static int write_temp(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/ms_fuzz_model_XXXXXX", dir && strlen(dir) < 32 ? dir : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0)
            return -1;
        close(fd);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, size, f) == size;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static void cleanup(void)
{
    if (path[0])
        unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int registered;
    if (!registered) {
        registered = 1;
        atexit(cleanup);
    }
    if (write_temp(data, size) != 0)
        return 0;
    ms_error err;
    ms_linear *m = NULL;
    ms_status st = ms_linear_load(path, &m, &err);
    if (st == MS_OK) {
        if (!m || m->dim < 1 || !m->w)
            __builtin_trap();
        double p = ms_linear_probability(m, m->rho);
        (void)p;
        for (int32_t j = 0; j < m->dim; j++)
            (void)m->w[j];
    } else if (m != NULL || err.message[0] == '\0') {
        __builtin_trap();
    }
    ms_linear_free(m);
    return 0;
}

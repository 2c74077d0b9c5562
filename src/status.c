/* status.c - the library-wide face of its status codes and memory:
 * ms_strerror and ms_free (modscore.h). Their own module, below every
 * other: they lived in policy.c, which made every module that names an
 * error a user of the policy's object. */
#include "modscore.h"

#include <stdlib.h>

const char *ms_strerror(ms_status code)
{
    switch (code) {
    case MS_OK: return "success";
    case MS_ERR_NOMEM: return "out of memory";
    case MS_ERR_ARG: return "invalid argument";
    case MS_ERR_IO: return "input/output error";
    case MS_ERR_NOT_FOUND: return "file or directory not found";
    case MS_ERR_PARSE: return "malformed input data";
    case MS_ERR_LIMIT: return "a size or count limit was exceeded";
    case MS_ERR_MODEL: return "model missing, corrupt or of the wrong version";
    case MS_ERR_POLICY: return "invalid policy";
    case MS_ERR_UNSUPPORTED: return "not supported";
    case MS_ERR_INTERNAL: return "internal error (please report it)";
    case MS_ERR_CANT_CREATE: return "cannot create the output";
    }
    return "unknown error code";
}

void ms_free(void *ptr) { free(ptr); }

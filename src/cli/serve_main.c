/* serve_main.c - modscore-serve, the HTTP service as its own executable.
 * `modscore serve ARGS` execs it (from the directory modscore runs from),
 * so only this program links libmicrohttpd and the TLS libraries it pulls
 * in, and `modscore check` does not pay for loading them at every start. */
#include "cli.h"

int main(int argc, char **argv)
{
    cli_malloc_tune();
    return cmd_serve(argc, argv);
}

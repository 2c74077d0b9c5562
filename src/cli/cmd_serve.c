/* cmd_serve.c - `modscore serve`: to be replaced by the HTTP service. */
#include "cli.h"

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("serve: the HTTP service is not built into this version");
    return EXIT_SOFTWARE;
}

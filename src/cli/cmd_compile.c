/* cmd_compile.c - modscore compile: (re)writes a model directory's
 * model.bin from its model.svm and idf.bin (training does this itself;
 * this is for a model.bin that is stale, damaged or missing). */
#include "cli.h"

#include <string.h>

static const char usage[] =
    "Usage: modscore compile MODEL_DIR...\n"
    "Write MODEL_DIR/model.bin, the compiled form of MODEL_DIR/model.svm and\n"
    "MODEL_DIR/idf.bin that loads without parsing the text model.\n";

int cmd_compile(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage, stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        ms_error err = {0};
        ms_status st = ms_model_compile(argv[i], &err);
        if (st != MS_OK) {
            cli_error(&err);
            return cli_exit_code(st);
        }
    }
    return 0;
}

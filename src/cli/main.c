/* main.c - the modscore command: dispatch to a subcommand. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: modscore COMMAND [OPTION]...\n"
    "Score the comments of a discussion for hostility, off-topic content and\n"
    "sentiment, and decide publish / review / reject against community standards.\n"
    "\n"
    "Commands:\n"
    "  score [FILE]...   score discussion files (JSON, JSON Lines, captured page)\n"
    "  check             score one comment before it is published (exit 0/1/2)\n"
    "  train             train a model on labelled data (JSON Lines or CSV)\n"
    "  eval              measure a model on labelled data\n"
    "  serve             answer check and score requests over HTTP\n"
    "  compile DIR...    rebuild a model directory's model.bin (fast loading)\n"
    "\n"
    "  -h, --help        show this help ('modscore COMMAND --help' for a command)\n"
    "  -V, --version     show the version\n";

/* `modscore serve`: the service is its own program, modscore-serve, beside
 * this one (see serve_main.c); exec'd, so it keeps this process's id and
 * signals reach it as before. argv[0] is "serve". */
static int exec_serve(char **argv)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - sizeof "modscore-serve");
    char *slash = n > 0 ? memrchr(path, '/', (size_t)n) : NULL;
    if (!slash) {
        cli_errorf("serve: cannot find this program's directory");
        return EXIT_SOFTWARE;
    }
    memcpy(slash + 1, "modscore-serve", sizeof "modscore-serve");
    argv[0] = (char *)"modscore serve"; /* what getopt's messages name */
    execv(path, argv);
    cli_errorf("serve: cannot run %s: %s", path, strerror(errno));
    return EXIT_SOFTWARE;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {
        {"score", cmd_score}, {"check", cmd_check}, {"train", cmd_train},
        {"eval", cmd_eval},   {"compile", cmd_compile},
    };
    cli_malloc_tune();
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("modscore %s\n", MS_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "serve"))
        return exec_serve(argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_errorf("unknown command '%s' (try 'modscore --help')", argv[1]);
    return EXIT_USAGE;
}

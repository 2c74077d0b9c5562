/* main.c - the modscore command: dispatch to a subcommand. */
#include "cli.h"

#include <string.h>

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

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {
        {"score", cmd_score}, {"check", cmd_check}, {"train", cmd_train},
        {"eval", cmd_eval},   {"serve", cmd_serve}, {"compile", cmd_compile},
    };
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
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_errorf("unknown command '%s' (try 'modscore --help')", argv[1]);
    return EXIT_USAGE;
}

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
    "  -V, --version     show the version and the installed models\n";

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

/* --version: the program's version, then every model the models
 * directory holds ($MODSCORE_MODELS or the installed set) with its
 * version, read from the cards alone: none is mapped here, since a
 * process maps a model when the first comment scored with it comes. */
static int print_version(void)
{
    printf("modscore %s\n", MS_VERSION);
    cli_common common = {.load_flags = MS_LOAD_TRUST_COMPILED};
    const char *dir = cli_models_dir(&common);
    ms_models *m;
    ms_error err = {0};
    if (ms_models_load_flags(dir, MS_LOAD_TRUST_COMPILED, &m, &err) != MS_OK) {
        printf("models: %s: none usable (%s)\n", dir,
               err.message[0] ? err.message : ms_strerror(err.code));
        return 0;
    }
    size_t n = ms_models_category_count(m), mapped = 0;
    for (size_t i = 0; i < n; i++)
        mapped += ms_models_category_mapped(m, i) != 0;
    printf("models: %s: %zu installed, %zu mapped (each is mapped when the first comment "
           "scored with it comes)\n",
           dir, n, mapped);
    for (size_t i = 0; i < n; i++) {
        const ms_category_info *ci = ms_models_category_info(m, i);
        printf("  %-16s %-3s %-36s %-16s %s\n", ci->name, ci->language ? ci->language : "-",
               ci->version ? ci->version : "-",
               ci->perspective_attribute ? ci->perspective_attribute : "-",
               ms_models_category_mapped(m, i) ? "mapped" : "installed");
    }
    ms_models_free(m);
    return 0;
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
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))
        return print_version();
    if (!strcmp(argv[1], "serve"))
        return exec_serve(argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_errorf("unknown command '%s' (try 'modscore --help')", argv[1]);
    return EXIT_USAGE;
}

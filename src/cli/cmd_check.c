/* cmd_check.c - `modscore check`: one comment before it is published; the
 * verdict as JSON on stdout and as the exit status. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: modscore check [OPTION]...\n"
    "Score one comment (from --text, else stdin) before it is published. Prints one\n"
    "JSON verdict and exits 0 publish, 1 review, 2 reject.\n"
    "\n"
    "      --text TEXT       the comment (default: read stdin)\n"
    "      --article FILE    the article it is posted under (JSON document, JSON\n"
    "                        {\"article\":{...}} or a captured page)\n"
    "      --parent TEXT     the comment it answers\n"
    "      --id ID           an id to echo in the verdict\n"
    "      --language L      the language it is written in (ISO 639-1 or a BCP 47\n"
    "                        tag: its models score it when detection is undecided;\n"
    "                        a decisive detection of another language wins)\n"
    "      --models DIR      model directory (default: the shipped models)\n"
    "      --policy FILE     community standards (default: DIR/policy.json)\n"
    "      --threshold SPEC  override a threshold: hostility=0.8, hostility.reject=0.95\n"
    "      --categories LIST score only these categories (comma-separated, e.g.\n"
    "                        hostility,insult); the others' models are not read\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 publish, 1 review, 2 reject; 64 usage, 65 bad input, 66 missing\n"
    "input or models, 70 internal error, 74 I/O error.\n";

/* The comment from f: no more than is scored (MS_MAX_COMMENT_BYTES) and one
 * byte more, which tells the scorer there was more, so it cuts the text on
 * a UTF-8 boundary and notes it "truncated". The rest is left unread: a
 * 200 MB input costs 256 KiB, not 200 MB. OUT: *data (free it), *len.
 * Returns an exit code. */
static int read_comment(FILE *f, char **data, size_t *len)
{
    size_t cap = (size_t)MS_MAX_COMMENT_BYTES + 1, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        cli_errorf("<stdin>: out of memory");
        return EXIT_SOFTWARE;
    }
    while (n < cap) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        cli_errorf("<stdin>: read error: %s", strerror(errno));
        free(buf);
        return EXIT_IOERR;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int cmd_check(int argc, char **argv)
{
    enum { OPT_TEXT = 1, OPT_ARTICLE, OPT_PARENT, OPT_ID, OPT_CATEGORIES, OPT_LANGUAGE };
    static const struct option longopts[] = {
        {"text", required_argument, NULL, OPT_TEXT},
        {"article", required_argument, NULL, OPT_ARTICLE},
        {"parent", required_argument, NULL, OPT_PARENT},
        {"id", required_argument, NULL, OPT_ID},
        {"categories", required_argument, NULL, OPT_CATEGORIES},
        {"language", required_argument, NULL, OPT_LANGUAGE},
        {"help", no_argument, NULL, 'h'},
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    /* one comment: checksumming 24 MB of weights would cost more than
     * scoring it (see compiled.h) */
    cli_common common = {.load_flags = MS_LOAD_TRUST_COMPILED};
    const char *text = NULL, *article_path = NULL, *parent = NULL, *id = NULL, *language = NULL;
    const char *categories = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int c = cli_common_option(&common, opt, optarg);
        if (c < 0)
            return EXIT_USAGE;
        if (c)
            continue;
        switch (opt) {
        case OPT_TEXT: text = optarg; break;
        case OPT_ARTICLE: article_path = optarg; break;
        case OPT_PARENT: parent = optarg; break;
        case OPT_ID: id = optarg; break;
        case OPT_CATEGORIES: categories = optarg; break;
        case OPT_LANGUAGE: language = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: return cli_bad_option("check", argv, longopts);
        }
    }
    if (optind < argc) {
        cli_errorf("check takes no file operands (use --text or stdin)");
        return EXIT_USAGE;
    }
    char *input = NULL;
    size_t len = 0;
    int rc = 0;
    if (text) {
        len = strlen(text);
    } else {
        rc = read_comment(stdin, &input, &len);
        if (rc)
            return rc;
        text = input;
    }
    ms_discussion *article_doc = NULL;
    if (article_path) {
        rc = cli_read_discussion(article_path, MS_FORMAT_AUTO, &article_doc);
        if (!rc && !article_doc->n_articles) {
            cli_errorf("%s: no article found", article_path);
            rc = EXIT_DATAERR;
        }
    }
    ms_models *models = NULL;
    ms_policy *policy = NULL;
    ms_scorer *scorer = NULL;
    if (!rc)
        rc = cli_load(&common, &models, &policy);
    if (!rc && ms_scorer_new(models, policy, &scorer) != MS_OK)
        rc = EXIT_SOFTWARE;
    if (!rc)
        rc = cli_set_categories(scorer, models, categories);
    if (!rc) {
        ms_input in = {text, len, article_doc ? article_doc->articles[0] : NULL, parent,
                       parent ? strlen(parent) : 0, 0, NULL, language};
        ms_result r;
        ms_status st = ms_score(scorer, &in, &r);
        if (st != MS_OK) {
            rc = cli_score_failed(models, st, NULL);
        } else {
            ms_comment c = {0};
            c.id = (char *)id;
            char *json = ms_result_json(id ? &c : NULL, &r);
            if (!json) {
                rc = EXIT_SOFTWARE;
            } else {
                puts(json);
                rc = fflush(stdout) == 0 ? (int)r.action : EXIT_IOERR;
                ms_free(json);
            }
            ms_result_clear(&r);
        }
    }
    ms_scorer_free(scorer);
    ms_models_free(models);
    ms_policy_free(policy);
    ms_discussion_free(article_doc);
    free(input);
    return rc;
}

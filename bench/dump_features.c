/* dump_features.c - writes the hostility model's feature vector of each
 * JSON Lines comment as a libsvm line ("label idx:val ..."), so libsvm's
 * own svm-predict can score the same features (bench/speed.sh).
 * Usage: dump_features MODELS_DIR < comments.jsonl > features.txt
 * The label is the line's "label" (0 when absent). */
#include "card.h"
#include "featurize.h"
#include "lexicon.h"
#include "modscore.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const ms_error *err)
{
    fprintf(stderr, "dump_features: %s: %s\n", what, err->message);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("Usage: dump_features MODELS_DIR < comments.jsonl > features.txt\n", stderr);
        return 64;
    }
    ms_error err = {0};
    ms_buf p = {0};
    ms_card card;
    ms_idf idf;
    ms_lexicon *lx;
    ms_buf_printf(&p, "%s/hostility/card.json", argv[1]);
    if (ms_card_read(p.data, &card, &err) != MS_OK)
        return fail(p.data, &err);
    p.len = 0;
    ms_buf_printf(&p, "%s/hostility/idf.bin", argv[1]);
    if (ms_idf_read(p.data, &idf, &err) != MS_OK)
        return fail(p.data, &err);
    p.len = 0;
    ms_buf_printf(&p, "%s/lexicons", argv[1]);
    if (ms_lexicon_load(p.data, &lx, &err) != MS_OK)
        return fail(p.data, &err);
    ms_featurizer *fz;
    ms_jsonl_reader *jr;
    if (ms_featurizer_new(&card.features, lx, &fz) != MS_OK ||
        ms_jsonl_reader_new("<stdin>", &jr) != MS_OK)
        return 70;
    ms_fvec v = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        ms_comment *c = NULL;
        if (ms_jsonl_reader_line(jr, line, (size_t)n, lineno, &c, &err) != MS_OK || !c)
            continue;
        const char *lab = strstr(line, "\"label\":");
        int label = lab ? atoi(lab + 8 + (lab[8] == ' ')) : 0;
        ms_input in = {c->text, c->text_len, c->article, c->parent_text,
                       c->parent_text ? strlen(c->parent_text) : 0, c->notes, c->author, NULL};
        unsigned notes = 0;
        if (ms_features_build(fz, &idf, &in, 1, &v, &notes) == MS_OK) {
            printf("%d", label);
            for (size_t k = 0; k < v.n; k++)
                printf(" %d:%.17g", v.idx[k], v.val[k]);
            putchar('\n');
        }
        ms_comment_free(c);
    }
    free(line);
    ms_fvec_free(&v);
    ms_jsonl_reader_free(jr);
    ms_featurizer_free(fz);
    ms_lexicon_free(lx);
    free(idf.idf);
    ms_card_clear(&card);
    ms_buf_free(&p);
    return ferror(stdout) ? 74 : 0;
}

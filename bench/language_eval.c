/* language_eval.c - reads "GROUP<TAB>TRUTH<TAB>TEXT" lines on stdin and
 * prints, per group, how ms_language_detect judged them: decisive and
 * right, decisive and wrong (English taken for something else is what
 * refuses a comment), undecided (scored as English). bench/language.sh
 * makes the groups. */
#include "modscore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct group {
    char name[32];
    long n, right, other, undecided, refused;
    long routed;      /* scored in its own language, no site default */
    long routed_site; /* the same with a site default of its language */
} group;

int main(void)
{
    group g[64];
    int ng = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2)
            continue;
        *t1 = *t2 = '\0';
        const char *truth = t1 + 1, *text = t2 + 1;
        int k = 0;
        while (k < ng && strcmp(g[k].name, line) != 0)
            k++;
        if (k == ng) {
            if (ng == 64)
                continue;
            memset(&g[ng], 0, sizeof g[ng]);
            snprintf(g[ng++].name, sizeof g[k].name, "%s", line);
        }
        ms_language l;
        ms_language_detect(text, strlen(text), &l);
        g[k].n++;
        if (!l.decisive)
            g[k].undecided++;
        else if (strcmp(l.code, truth) == 0)
            g[k].right++;
        else
            g[k].other++;
        /* what serve and score do: refuse when decisive and not English */
        g[k].refused += l.decisive && strcmp(l.code, "en") != 0;
        /* routing: decisive -> the detected language; undecided -> the
         * site's default language when the policy names one (a site in
         * one language: the truth), else English */
        int right = l.decisive && strcmp(l.code, truth) == 0;
        g[k].routed += right || (!l.decisive && strcmp(truth, "en") == 0);
        g[k].routed_site += right || !l.decisive;
    }
    free(line);
    printf("%-22s %6s %9s %9s %9s %9s %9s %9s\n", "group", "n", "right", "wrong", "undecided",
           "refused", "routed", "w/site");
    for (int k = 0; k < ng; k++)
        printf("%-22s %6ld %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", g[k].name, g[k].n,
               (double)g[k].right / g[k].n, (double)g[k].other / g[k].n,
               (double)g[k].undecided / g[k].n, (double)g[k].refused / g[k].n,
               (double)g[k].routed / g[k].n, (double)g[k].routed_site / g[k].n);
    return 0;
}

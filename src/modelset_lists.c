/* modelset_lists.c - a language's own word list for the models whose
 * lexicon block reads it (MS_LEXICON_LIST): lexicons/LANG/profanity.txt
 * beside the shared (English) lexicons, checked against the hash the
 * model's card records. */
#include "modelset.h"

#include "util.h"

#include <stdio.h>
#include <string.h>

ms_status ms_models_load_lists(ms_models *m, const char *lexicon_dir, ms_error *err)
{
    for (size_t i = 0; i < m->n; i++) {
        loaded_model *lm = &m->m[i];
        if (lm->card.features.lexicon != MS_LEXICON_LIST)
            continue;
        size_t k = 0;
        while (k < m->n_lists && strcmp(m->lists[k].lang, lm->card.language) != 0)
            k++;
        if (k == m->n_lists) {
            lang_list *l = &m->lists[k];
            ms_status st = ms_lexicon_load_for(lexicon_dir, lm->card.language, lm->card.list_hash,
                                               &l->lx, err);
            if (st != MS_OK)
                return st;
            snprintf(l->lang, sizeof l->lang, "%s", lm->card.language);
            m->n_lists++;
        } else if (ms_lexicon_hash(m->lists[k].lx) != lm->card.list_hash) {
            return ms_fail(err, MS_ERR_MODEL, lm->card.version, 0, 0,
                           "trained with another %s list than the language's other models",
                           lm->card.language);
        }
        lm->list = m->lists[k].lx;
    }
    return MS_OK;
}

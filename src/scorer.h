/* scorer.h - what the scorer (scorer.c) offers the rest of the library
 * beyond modscore.h: a text's hostility attribution, which the spans
 * trainer learns from. Internal. */
#ifndef MS_SCORER_H
#define MS_SCORER_H

#include "modscore.h"
#include "normalise.h"

/* The scorer's hostility attribution of a text (scorer.c): its tokens and
 * each token's contribution to the hostility decision value. OUT: the
 * scorer's, valid until its next call. MS_ERR_UNSUPPORTED without a
 * hostility model. */
ms_status ms_scorer_contrib(ms_scorer *s, const char *text, size_t len, const ms_tokens **t,
                            const double **contrib);

/* The version of the scorer's hostility model (its card's), or NULL. */
const char *ms_scorer_hostility_version(const ms_scorer *s);

#endif

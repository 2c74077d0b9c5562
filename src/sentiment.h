/* sentiment.h - VADER's rule-based valence (Hutto & Gilbert 2014). */
#ifndef MS_SENTIMENT_H
#define MS_SENTIMENT_H

#include "lexicon.h"

/* VADER's compound score in [-1, 1] for a UTF-8 text, with its published
 * rules: negation, boosters and dampeners, "but", ALL-CAPS emphasis,
 * exclamation and question marks, "kind of", "least", idioms. It works on
 * the text as written (capitals matter). Allocates nothing. */
double ms_vader_compound(const ms_lexicon *lx, const char *text, size_t len);

#endif

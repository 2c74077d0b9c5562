/* offlang.h - a comment written in another language than its article
 * (issue 21, off-topic): on a site that publishes in one language, a strong
 * off-topic signal whatever the comment says, and one that needs no model
 * of the comment's language. Internal. */
#ifndef MS_OFFLANG_H
#define MS_OFFLANG_H

#include "modscore.h"

/* How much of an article's body is read to tell its language: its opening
 * is enough, and a long body costs each comment nothing more. */
#define MS_OFFLANG_ARTICLE_BYTES 4096

/* 1 when the comment, decisively detected as comment (its code and
 * parts), is written in none of its article's language; 0 when it is, or
 * when either is undecided. The article's language is its body's (the
 * first MS_OFFLANG_ARTICLE_BYTES), else its title's, when decisive, else
 * site (the site's one language; NULL: none, so only a decisive
 * detection of the article counts). A comment with no article to compare
 * with (in->article NULL) is never one. OUT: article_lang, the article's
 * language when 1 is returned. */
int ms_offlang(const ms_input *in, const ms_language *comment, const char *site,
               char article_lang[8]);

#endif

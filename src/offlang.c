/* offlang.c - is a comment written in its article's language (offlang.h). */
#include "offlang.h"

#include "language.h"

#include <stdio.h>
#include <string.h>

/* The decisive language of text[0, len) read up to max bytes (cut at a
 * UTF-8 boundary) into out; 0 when undecided. */
static int decisive_prefix(const char *text, size_t len, size_t max, char out[8])
{
    if (!text)
        return 0;
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    ms_language l;
    ms_language_detect(text, len, &l);
    if (!l.decisive)
        return 0;
    snprintf(out, 8, "%s", l.code);
    return 1;
}

/* 1 when code is one of the comment's languages. */
static int comment_in(const ms_language *c, const char *code)
{
    if (c->n_parts == 0)
        return ms_language_same(c->code, code);
    for (size_t i = 0; i < c->n_parts; i++)
        if (ms_language_same(c->parts[i].code, code))
            return 1;
    return 0;
}

int ms_offlang(const ms_input *in, const ms_language *comment, const char *site,
               char article_lang[8])
{
    const ms_article *a = in->article;
    if (!a || !comment->decisive)
        return 0;
    char lang[8] = "";
    if (!decisive_prefix(a->body, a->body ? strlen(a->body) : 0, MS_OFFLANG_ARTICLE_BYTES,
                         lang) &&
        !decisive_prefix(a->title, a->title ? strlen(a->title) : 0, MS_OFFLANG_ARTICLE_BYTES,
                         lang)) {
        if (!site || !*site)
            return 0;
        snprintf(lang, sizeof lang, "%s", site);
    }
    if (comment_in(comment, lang))
        return 0;
    memcpy(article_lang, lang, sizeof lang);
    return 1;
}

/* featurize_context.c - the context features of the dense block: how a
 * comment relates to its article and parent (TF-IDF cosines, shared and
 * named words), its length, authorship, links and link bait. See
 * featurize.h for the layout. */
#include "featurize.h"
#include "featurize_int.h"

#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An article with this many distinct content words is a story, not a
 * forum question. */
#define LONG_ARTICLE_WORDS 80

/* ------------------------------------------------------------ context */

static const char *const stopwords[] = {
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "has", "him", "his", "how", "its", "may", "new", "now", "old", "see",
    "two", "who", "did", "get", "let", "put", "say", "she", "too", "use", "that", "with",
    "have", "this", "will", "your", "from", "they", "know", "want", "been", "good", "much",
    "some", "time", "very", "when", "come", "here", "just", "like", "long", "make", "many",
    "more", "only", "over", "such", "take", "than", "them", "well", "were", "what", "which",
    "would", "there", "their", "about", "could", "other", "these", "those", "then", "into",
    "also", "because", "should", "being", "does", "where", "while", "even", "most", "yes",
    "dont", "its", "im", "thats", "really", "think", "said", "going", "still", "why", "lol",
};

static int content_word(const char *w, size_t n)
{
    if (n < 3)
        return 0;
    for (size_t k = 0; k < sizeof stopwords / sizeof *stopwords; k++)
        if (strlen(stopwords[k]) == n && memcmp(stopwords[k], w, n) == 0)
            return 0;
    return 1;
}

static uint32_t word_bucket(const ms_featurizer *f, const char *w, size_t n)
{
    return fmix(hash_bytes(SEED_WORD1, w, n)) & f->mask;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorted distinct content-word buckets of t with L2-normalised TF-IDF
 * weights: the bag a context cosine is taken over. */
static ms_status context_bag(const ms_featurizer *f, const ms_idf *idf, const ms_tokens *t,
                             uint32_t **words, size_t *n_words, size_t *words_cap,
                             double **vec, size_t *vec_cap)
{
    if (ms_grow((void **)words, words_cap, t->n + 1, sizeof **words) != MS_OK ||
        ms_grow((void **)vec, vec_cap, t->n + 1, sizeof **vec) != MS_OK)
        return MS_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < t->n; i++)
        if (content_word(ms_token_text(t, i), t->tok[i].fold_len))
            (*words)[m++] = word_bucket(f, ms_token_text(t, i), t->tok[i].fold_len);
    qsort(*words, m, sizeof **words, cmp_u32);
    size_t u = 0;
    double norm = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && (*words)[j] == (*words)[i])
            j++;
        double w = (1 + log((double)(j - i))) * (idf ? idf->idf[(*words)[i]] : 1.0);
        (*words)[u] = (*words)[i];
        (*vec)[u++] = w;
        norm += w * w;
        i = j;
    }
    norm = sqrt(norm);
    for (size_t i = 0; i < u; i++)
        (*vec)[i] = norm > 0 ? (*vec)[i] / norm : 0;
    *n_words = u;
    return MS_OK;
}

/* Cosine of two sorted bags. */
static double bag_cosine(const uint32_t *a, const double *av, size_t na, const uint32_t *b,
                         const double *bv, size_t nb)
{
    double dot = 0;
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else
            dot += av[i++] * bv[j++];
    }
    return dot;
}

static int bag_has(const uint32_t *a, size_t n, uint32_t key)
{
    return bsearch(&key, a, n, sizeof *a, cmp_u32) != NULL;
}

static uint64_t article_hash(const ms_article *a)
{
    uint64_t h = 0;
    if (a->title)
        h = ms_hash64(a->title, strlen(a->title), h);
    if (a->body)
        h = ms_hash64(a->body, strlen(a->body), h);
    for (size_t i = 0; i < a->n_tags; i++)
        h = ms_hash64(a->tags[i], strlen(a->tags[i]), h);
    return h;
}

static ms_status article_text(const ms_article *a, ms_buf *b)
{
    ms_status st = MS_OK;
    if (a->title)
        st = ms_buf_adds(b, a->title);
    if (st == MS_OK && a->body)
        st = ms_buf_addc(b, '\n') == MS_OK ? ms_buf_adds(b, a->body) : MS_ERR_NOMEM;
    for (size_t i = 0; st == MS_OK && i < a->n_tags; i++)
        st = ms_buf_addc(b, '\n') == MS_OK ? ms_buf_adds(b, a->tags[i]) : MS_ERR_NOMEM;
    return st == MS_OK && ms_buf_add(b, "", 0) == MS_OK ? MS_OK : MS_ERR_NOMEM;
}

static const char *const linkbait[][3] = {
    {"watch", "here", NULL}, {"check", "out", NULL}, {"click", NULL, NULL},
    {"subscribe", NULL, NULL}, {"my", "channel", NULL}, {"my", "blog", NULL},
    {"visit", "my", NULL}, {"follow", "me", NULL}, {"earn", NULL, NULL},
    {"per", "hour", NULL}, {"work", "from", "home"}, {"buy", "now", NULL},
};

/* The article's bag, tokenised and weighted once per article (cached by
 * its address and hash). */
static ms_status article_bag(ms_featurizer *f, const ms_idf *idf, const ms_article *a)
{
    uint64_t h = article_hash(a);
    if (f->cached_article == a && f->cached_article_hash == h)
        return MS_OK;
    ms_buf b = {0};
    unsigned notes = 0;
    ms_status rc = article_text(a, &b);
    if (rc == MS_OK)
        rc = ms_tokenize_fold(b.data, b.len, f->lx, f->cfg->fold, &f->ctx_tok, &notes);
    if (rc == MS_OK)
        rc = context_bag(f, idf, &f->ctx_tok, &f->article_words, &f->n_article_words,
                         &f->article_words_cap, &f->article_vec, &f->article_vec_cap);
    ms_buf_free(&b);
    f->cached_article = rc == MS_OK ? a : NULL;
    f->cached_article_hash = h;
    return rc;
}

/* The comment (its bag cw, cv of ncw words) against its article: cosine,
 * the share of its content words and of its names found in the article
 * (again in the _LONG features for a long article). */
static ms_status article_features(ms_featurizer *f, const ms_idf *idf, const ms_input *in,
                                  const uint32_t *cw, const double *cv, size_t ncw)
{
    ms_context_stats *st = &f->stats;
    double *d = f->dense;
    const ms_tokens *t = &f->tok;
    ms_status rc = article_bag(f, idf, in->article);
    if (rc != MS_OK)
        return rc;
    st->has_article = 1;
    d[MS_DENSE_COS_ARTICLE] = st->cos_article =
        bag_cosine(cw, cv, ncw, f->article_words, f->article_vec, f->n_article_words);
    size_t named = 0, named_hit = 0;
    for (size_t i = 0; i < t->n; i++) {
        const char *w = ms_token_text(t, i);
        size_t n = t->tok[i].fold_len;
        uint32_t key = word_bucket(f, w, n);
        int in_article = bag_has(f->article_words, f->n_article_words, key);
        if (content_word(w, n)) {
            st->content_words++;
            st->shared_words += in_article;
        }
        if (t->tok[i].flags & (MS_TOK_CAPITALISED | MS_TOK_NUMBER) && n >= 2) {
            named++;
            named_hit += in_article;
        }
    }
    d[MS_DENSE_SHARE_IN_ARTICLE] =
        st->content_words ? (double)st->shared_words / (double)st->content_words : 0;
    d[MS_DENSE_NAMED_OVERLAP] = named ? (double)named_hit / (double)named : 0;
    if (f->n_article_words >= LONG_ARTICLE_WORDS) {
        d[MS_DENSE_COS_ARTICLE_LONG] = d[MS_DENSE_COS_ARTICLE];
        d[MS_DENSE_SHARE_IN_ARTICLE_LONG] = d[MS_DENSE_SHARE_IN_ARTICLE];
        d[MS_DENSE_NAMED_OVERLAP_LONG] = d[MS_DENSE_NAMED_OVERLAP];
    }
    return MS_OK;
}

/* The comment (its bag cw, cv of ncw words) against the comment it
 * answers: cosine. */
static ms_status parent_features(ms_featurizer *f, const ms_idf *idf, const ms_input *in,
                                 const uint32_t *cw, const double *cv, size_t ncw)
{
    uint32_t *pw = NULL;
    double *pv = NULL;
    size_t npw = 0, pwcap = 0, pvcap = 0;
    unsigned notes = 0;
    /* the parent is tokenised into ctx_tok: the article's bag is cached */
    ms_status rc = ms_tokenize_fold(in->parent_text, in->parent_len, f->lx, f->cfg->fold,
                                    &f->ctx_tok, &notes);
    if (rc == MS_OK)
        rc = context_bag(f, idf, &f->ctx_tok, &pw, &npw, &pwcap, &pv, &pvcap);
    if (rc == MS_OK) {
        f->stats.has_parent = 1;
        f->stats.cos_parent = bag_cosine(cw, cv, ncw, pw, pv, npw);
        f->dense[MS_DENSE_COS_PARENT] = f->stats.cos_parent;
        f->dense[MS_DENSE_HAS_PARENT] = 1;
    }
    free(pw);
    free(pv);
    return rc;
}

/* Links and link-bait phrases ("check out", "work from home"), each a
 * dense hit on its token. */
static ms_status link_features(ms_featurizer *f)
{
    ms_context_stats *st = &f->stats;
    const ms_tokens *t = &f->tok;
    for (size_t i = 0; i < t->n; i++) {
        if (t->tok[i].flags & MS_TOK_URL) {
            st->links++;
            if (fz_dense_hit(f, MS_DENSE_LINKS, i) != MS_OK)
                return MS_ERR_NOMEM;
        }
        for (size_t k = 0; k < sizeof linkbait / sizeof *linkbait; k++) {
            size_t m = 0;
            while (m < 3 && linkbait[k][m] && word_is(t, i + m, linkbait[k][m]))
                m++;
            if (m == 3 || (m > 0 && !linkbait[k][m])) {
                st->linkbait++;
                if (!st->linkbait_end) {
                    st->linkbait_start = t->tok[i].start;
                    st->linkbait_end = t->tok[i + m - 1].end;
                }
                if (fz_dense_hit(f, MS_DENSE_LINKBAIT, i) != MS_OK)
                    return MS_ERR_NOMEM;
            }
        }
    }
    f->dense[MS_DENSE_LINKS] = squash((double)st->links, 1);
    f->dense[MS_DENSE_LINKBAIT] = squash((double)st->linkbait, 1);
    return MS_OK;
}

ms_status fz_context_block(ms_featurizer *f, const ms_idf *idf, const ms_input *in)
{
    ms_context_stats *st = &f->stats;
    memset(st, 0, sizeof *st);
    double *d = f->dense;
    const ms_tokens *t = &f->tok;
    /* the comment's own bag */
    uint32_t *cw = NULL;
    double *cv = NULL;
    size_t ncw = 0, cwcap = 0, cvcap = 0;
    if (context_bag(f, idf, t, &cw, &ncw, &cwcap, &cv, &cvcap) != MS_OK) {
        free(cw);
        free(cv);
        return MS_ERR_NOMEM;
    }
    ms_status rc = MS_OK;
    if (in->article)
        rc = article_features(f, idf, in, cw, cv, ncw);
    if (rc == MS_OK && in->parent_text)
        rc = parent_features(f, idf, in, cw, cv, ncw);
    free(cw);
    free(cv);
    if (rc != MS_OK)
        return rc;
    d[MS_DENSE_LENGTH] = fmin(1.0, log1p((double)t->n) / log1p(500.0));
    if (in->author && in->article && in->article->author && *in->author &&
        strcmp(in->author, in->article->author) == 0)
        d[MS_DENSE_BY_ARTICLE_AUTHOR] = st->by_article_author = 1;
    d[MS_DENSE_QUESTION] = memchr(in->text, '?', in->len) != NULL;
    return link_features(f);
}

const ms_context_stats *ms_features_context(const ms_featurizer *f) { return &f->stats; }

/* perspective.c - Perspective API v1alpha1 on top of modscore. See
 * perspective.h for the mapping. */
#define _GNU_SOURCE
#include "perspective.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int persp_fail(persp_error *e, unsigned status, const char *fmt, ...)
{
    if (e) {
        memset(e, 0, sizeof *e);
        e->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *persp_status_name(unsigned status)
{
    switch (status) {
    case 400: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 405: return "METHOD_NOT_ALLOWED";
    case 413: return "PAYLOAD_TOO_LARGE";
    case 415: return "UNSUPPORTED_MEDIA_TYPE";
    case 503: return "UNAVAILABLE";
    default: return "INTERNAL";
    }
}

json_t *persp_error_json(unsigned status, const char *message)
{
    return json_pack("{s:{s:i,s:s,s:s}}", "error", "code", (int)status, "message",
                     message ? message : "", "status", persp_status_name(status));
}

json_t *persp_error_body(const persp_error *e)
{
    json_t *j = persp_error_json(e->status, e->message);
    if (!j || !e->error_type)
        return j;
    json_t *d = json_pack("{s:s,s:s}", "@type",
                          "type.googleapis.com/google.commentanalyzer.v1alpha1.Error", "errorType",
                          e->error_type);
    if (d && e->language[0])
        json_object_set_new(d, "languageNotSupportedByAttributeError",
                            json_pack("{s:[s],s:s}", "detectedLanguages", e->language,
                                      "attribute", e->attribute));
    json_object_set_new(json_object_get(j, "error"), "details", json_pack("[o]", d));
    return j;
}

const char *persp_str_member(const json_t *o, const char *key, const char *where,
                             persp_error *e, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        persp_fail(e, 400, "%s%s must be a string", where, key);
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

int persp_article_from_json(const json_t *o, ms_article *a, persp_error *e)
{
    memset(a, 0, sizeof *a);
    if (!json_is_object(o))
        return persp_fail(e, 400, "article must be an object");
    int bad = 0;
    a->id = (char *)persp_str_member(o, "id", "article.", e, &bad);
    if (!bad)
        a->title = (char *)persp_str_member(o, "title", "article.", e, &bad);
    if (!bad)
        a->body = (char *)persp_str_member(o, "body", "article.", e, &bad);
    if (bad)
        return -1;
    json_t *tags = json_object_get(o, "tags");
    if (!tags || json_is_null(tags))
        return 0;
    if (!json_is_array(tags))
        return persp_fail(e, 400, "article.tags must be an array of strings");
    size_t n = json_array_size(tags);
    a->tags = n ? calloc(n, sizeof *a->tags) : NULL;
    if (n && !a->tags)
        return persp_fail(e, 500, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(tags, i);
        if (!json_is_string(t)) {
            free(a->tags);
            a->tags = NULL;
            return persp_fail(e, 400, "article.tags must be an array of strings");
        }
        a->tags[i] = (char *)json_string_value(t);
    }
    a->n_tags = n;
    return 0;
}

const char *persp_community_id(const json_t *body, persp_error *e, int *bad)
{
    const char *v = persp_str_member(body, "communityId", "", e, bad);
    if (!v && !*bad)
        v = persp_str_member(body, "community_id", "", e, bad);
    return v;
}

/* ------------------------------------------------------------ attributes */

int persp_attribute(const ms_models *m, const char *name)
{
    /* categories are data: each model's card names its Perspective attribute */
    return ms_models_category_for_attribute(m, name);
}

/* ------------------------------------------------------------ requests */

void persp_analyze_clear(persp_analyze *a)
{
    if (!a)
        return;
    free(a->article.tags);
    free(a->ctx_text);
    memset(a, 0, sizeof *a);
}

/* 1 when two language codes name the same language: their primary
 * subtags ("pt" of "pt-BR"), case aside. */
static int same_language(const char *x, const char *y)
{
    size_t n = strcspn(x, "-_");
    return n == strcspn(y, "-_") && strncasecmp(x, y, n) == 0;
}

/* 1 when a loaded model answering attribute attr reads language lang (a
 * card without a language reads English). */
static int attribute_reads(const ms_models *m, const char *attr, const char *lang)
{
    for (size_t i = 0; i < ms_models_category_count(m); i++) {
        const ms_category_info *ci = ms_models_category_info(m, i);
        if (ci && ci->perspective_attribute && strcmp(ci->perspective_attribute, attr) == 0 &&
            same_language(ci->language ? ci->language : "en", lang))
            return 1;
    }
    return 0;
}

/* Perspective's 400 for attribute attr, which does not read the languages
 * named in unread. */
static int language_refused(persp_error *e, const char *attr, const char *unread)
{
    persp_fail(e, 400, "Attribute %s does not support request languages: %s", attr, unread);
    e->error_type = "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE";
    return -1;
}

/* languages: an array of codes, none empty; checked against each requested
 * attribute by check_languages once the attributes are known. */
static int parse_languages(const json_t *body, persp_analyze *a, persp_error *e)
{
    json_t *langs = json_object_get(body, "languages");
    if (!langs || json_is_null(langs))
        return 0;
    if (!json_is_array(langs))
        return persp_fail(e, 400, "languages must be an array of language codes");
    for (size_t i = 0; i < json_array_size(langs); i++) {
        const char *l = json_string_value(json_array_get(langs, i));
        if (!l || !*l)
            return persp_fail(e, 400, "languages must be an array of language codes "
                                      "(\"en\", \"de\"), none of them empty");
        if (i == 0)
            snprintf(a->language, sizeof a->language, "%.*s", (int)strcspn(l, "-_"), l);
    }
    if (json_array_size(langs))
        a->languages = langs;
    else
        a->language[0] = '\0';
    return 0;
}

/* Each requested attribute must read every language the request names: an
 * attribute that lacks one is Perspective's 400 for that attribute (the
 * first such, in the request's order), whatever the others read. */
static int check_languages(const persp_analyze *a, const ms_models *m, persp_error *e)
{
    for (size_t i = 0; a->languages && i < a->n_attrs; i++) {
        char unread[256] = "";
        size_t k = 0;
        for (size_t j = 0; j < json_array_size(a->languages); j++) {
            const char *l = json_string_value(json_array_get(a->languages, j));
            if (!attribute_reads(m, a->attrs[i].name, l) && k < sizeof unread)
                k += (size_t)snprintf(unread + k, sizeof unread - k, "%s%s", k ? ", " : "", l);
        }
        if (k)
            return language_refused(e, a->attrs[i].name, unread);
    }
    return 0;
}

/* context: Perspective's context.entries[].text and
 * context.articleAndParentComment, or modscore's "article". */
static int parse_context(const json_t *body, persp_analyze *a, persp_error *e)
{
    json_t *ja = json_object_get(body, "article");
    json_t *ctx = json_object_get(body, "context");
    if (ja && !json_is_null(ja)) {
        if (persp_article_from_json(ja, &a->article, e) != 0)
            return -1;
        a->has_article = 1;
    }
    if (!ctx || json_is_null(ctx))
        return 0;
    if (!json_is_object(ctx))
        return persp_fail(e, 400, "context must be an object");
    json_t *entries = json_object_get(ctx, "entries");
    if (entries && !json_is_array(entries))
        return persp_fail(e, 400, "context.entries must be an array");
    size_t total = 0;
    for (size_t i = 0; i < json_array_size(entries); i++) {
        json_t *t = json_object_get(json_array_get(entries, i), "text");
        if (!json_is_string(t))
            return persp_fail(e, 400, "context.entries[%zu].text must be a string", i);
        total += json_string_length(t) + 2;
    }
    if (total) {
        a->ctx_text = malloc(total + 1);
        if (!a->ctx_text)
            return persp_fail(e, 500, "out of memory");
        size_t k = 0;
        for (size_t i = 0; i < json_array_size(entries); i++) {
            json_t *t = json_object_get(json_array_get(entries, i), "text");
            memcpy(a->ctx_text + k, json_string_value(t), json_string_length(t));
            k += json_string_length(t);
            a->ctx_text[k++] = '\n';
            a->ctx_text[k++] = '\n';
        }
        a->ctx_text[k] = '\0';
    }
    json_t *ap = json_object_get(ctx, "articleAndParentComment");
    const char *atext = NULL;
    if (json_is_object(ap)) {
        atext = json_string_value(json_object_get(json_object_get(ap, "article"), "text"));
        a->parent =
            json_string_value(json_object_get(json_object_get(ap, "parentComment"), "text"));
    }
    if (!a->has_article && (a->ctx_text || atext)) {
        memset(&a->article, 0, sizeof a->article);
        a->article.body = a->ctx_text ? a->ctx_text : (char *)atext;
        a->has_article = 1;
    }
    return 0;
}

/* The loaded category that answers attribute name, or -1 with
 * Perspective's 400 for an attribute no loaded model scores. */
static int known_attribute(const ms_models *m, const char *name, persp_error *e)
{
    int cat = persp_attribute(m, name);
    if (cat < 0)
        return persp_fail(e, 400,
                          "Unknown requested attribute: %s (no loaded modscore model "
                          "scores it)",
                          name);
    return cat;
}

/* Every requested attribute must be one a loaded model scores. */
static int parse_attributes(const json_t *req_attrs, const ms_models *m, persp_analyze *a,
                            persp_error *e)
{
    const char *name;
    json_t *cfg;
    json_object_foreach((json_t *)req_attrs, name, cfg) {
        int cat = known_attribute(m, name, e);
        if (cat < 0)
            return -1;
        if (!json_is_object(cfg))
            return persp_fail(e, 400, "requestedAttributes.%s must be an object", name);
        json_t *st = json_object_get(cfg, "scoreType");
        const char *stype = json_string_value(st);
        if (st && (!stype || strcmp(stype, "PROBABILITY")))
            return persp_fail(e, 400, "Requested score type %s is not supported by attribute %s",
                              stype ? stype : "(not a string)", name);
        json_t *th = json_object_get(cfg, "scoreThreshold");
        if (th && !json_is_number(th))
            return persp_fail(e, 400, "requestedAttributes.%s.scoreThreshold must be a number",
                              name);
        if (ms_models_category_info(m, (size_t)cat)->needs_context && !a->has_article &&
            !a->parent)
            return persp_fail(e, 400,
                              "Attribute %s needs context: context.entries, "
                              "context.articleAndParentComment or article",
                              name);
        if (a->n_attrs == PERSP_MAX_ATTRS)
            return persp_fail(e, 400, "too many requestedAttributes");
        persp_attr *at = &a->attrs[a->n_attrs++];
        at->name = name;
        at->category = cat;
        at->has_threshold = th != NULL;
        at->threshold = th ? json_number_value(th) : 0;
    }
    return 0;
}

/* 1 when text has nothing but white space (ASCII, or U+00A0, U+3000). */
static int blank(const char *t, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)t[i];
        if (c == ' ' || (c >= '\t' && c <= '\r'))
            i++;
        else if (c == 0xC2 && i + 1 < n && (unsigned char)t[i + 1] == 0xA0)
            i += 2;
        else if (c == 0xE3 && i + 2 < n && (unsigned char)t[i + 1] == 0x80 &&
                 (unsigned char)t[i + 2] == 0x80)
            i += 3;
        else
            return 0;
    }
    return 1;
}

/* comment.text: a string that is not blank (Perspective's COMMENT_EMPTY). */
static int comment_text(const json_t *comment, const char **text, size_t *len, persp_error *e)
{
    json_t *t = json_is_object(comment) ? json_object_get(comment, "text") : NULL;
    if (!json_is_string(t))
        return persp_fail(e, 400, "comment.text is required and must be a string");
    *text = json_string_value(t);
    *len = json_string_length(t);
    if (blank(*text, *len)) {
        persp_fail(e, 400, "Comment must be non-empty.");
        e->error_type = "COMMENT_EMPTY";
        return -1;
    }
    return 0;
}

/* comment.type: PLAIN_TEXT, or absent. */
static int comment_type(const json_t *comment, persp_error *e)
{
    int bad = 0;
    const char *ctype = persp_str_member(comment, "type", "comment.", e, &bad);
    if (bad)
        return -1;
    if (ctype && strcmp(ctype, "PLAIN_TEXT") != 0)
        return persp_fail(e, 400, "comment.type %s is not supported; only PLAIN_TEXT is",
                          ctype);
    return 0;
}

int persp_parse_analyze(const json_t *body, const ms_models *m, persp_analyze *a,
                        persp_error *e)
{
    memset(a, 0, sizeof *a);
    a->models = m;
    int bad = 0;
    json_t *comment = json_object_get(body, "comment");
    if (comment_text(comment, &a->text, &a->len, e) != 0)
        return -1;
    if (comment_type(comment, e) != 0)
        return -1;
    json_t *req_attrs = json_object_get(body, "requestedAttributes");
    if (!json_is_object(req_attrs) || json_object_size(req_attrs) == 0)
        return persp_fail(e, 400, "requestedAttributes is required: an object naming at least "
                                  "one attribute, e.g. {\"TOXICITY\":{}}");
    if (parse_languages(body, a, e) != 0)
        return -1;
    json_t *dns = json_object_get(body, "doNotStore");
    json_t *spa = json_object_get(body, "spanAnnotations");
    if ((dns && !json_is_boolean(dns)) || (spa && !json_is_boolean(spa)))
        return persp_fail(e, 400, "doNotStore and spanAnnotations must be true or false");
    a->want_spans = json_is_true(spa);
    a->client_token = persp_str_member(body, "clientToken", "", e, &bad);
    if (!bad)
        a->community_id = persp_community_id(body, e, &bad);
    if (bad)
        return -1;
    if (parse_context(body, a, e) != 0 || parse_attributes(req_attrs, m, a, e) != 0)
        return -1;
    return check_languages(a, m, e);
}

ms_input persp_input(const persp_analyze *a)
{
    ms_input in = {.text = a->text,
                   .len = a->len,
                   .article = a->has_article ? &a->article : NULL,
                   .parent_text = a->parent,
                   .parent_len = a->parent ? strlen(a->parent) : 0,
                   .language = a->language[0] ? a->language : NULL};
    return in;
}

/* ------------------------------------------------------------ responses */

size_t persp_offset(const char *text, size_t byte)
{
    size_t n = 0;
    for (size_t i = 0; i < byte; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c & 0xC0) != 0x80)      /* a character starts here */
            n += c >= 0xF0 ? 2 : 1; /* past U+FFFF: a surrogate pair */
    }
    return n;
}

static json_t *prob(double v)
{
    return json_pack("{s:f,s:s}", "value", v, "type", "PROBABILITY");
}

static int by_start(const void *a, const void *b)
{
    const ms_reason *x = *(const ms_reason *const *)a, *y = *(const ms_reason *const *)b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static json_t *span(const char *text, size_t begin, size_t end, double v)
{
    return json_pack("{s:I,s:I,s:o}", "begin", (json_int_t)persp_offset(text, begin), "end",
                     (json_int_t)persp_offset(text, end), "score", prob(v));
}

/* A category's score in a result, or -1 when it has none. */
static double score_of(const ms_result *r, int cat)
{
    if ((size_t)cat < r->n_scores)
        return r->scores[cat].has_score ? r->scores[cat].score : -1;
    /* a result without per-category scores (built by hand) */
    if (cat == MS_CAT_HOSTILITY)
        return r->has_hostility ? r->hostility : -1;
    if (cat == MS_CAT_OFF_TOPIC)
        return r->has_off_topic ? r->off_topic : -1;
    return -1;
}

/* The model whose score in r answers the attribute of model cat: of the
 * models answering that attribute (one a language), the one that scored
 * the comment (the scorer keeps one score per category); cat when none
 * did. */
static int answering(const ms_models *m, const ms_result *r, int cat)
{
    const ms_category_info *want = ms_models_category_info(m, (size_t)cat);
    if (!want || !want->perspective_attribute || (size_t)cat >= r->n_scores ||
        r->scores[cat].has_score)
        return cat;
    for (size_t i = 0; i < r->n_scores; i++) {
        const ms_category_info *ci = ms_models_category_info(m, i);
        if (r->scores[i].has_score && ci && ci->perspective_attribute &&
            strcmp(ci->perspective_attribute, want->perspective_attribute) == 0)
            return (int)i;
    }
    return cat;
}

/* The kinds category cat's answer reads (ms_models_perspective_kinds)
 * that policy p counts (ms_policy_counts_kind; every one for NULL), into
 * out (MS_MAX_CATEGORIES). Returns how many. */
static size_t counted_kinds(const ms_models *m, const ms_policy *p, size_t cat, size_t *out)
{
    size_t n = ms_models_perspective_kinds(m, cat, out, MS_MAX_CATEGORIES), w = 0;
    const ms_category_info *ci = ms_models_category_info(m, cat);
    for (size_t k = 0; k < n; k++)
        if (!p || ms_policy_counts_kind(p, ci->name, ms_models_category_info(m, out[k])->name))
            out[w++] = out[k];
    return w;
}

/* Category cat's answer on Perspective's scale for r (its map, and the
 * attributes its card includes that policy p counts:
 * ms_models_perspective_answer_of), or -1 when r has no score for it. */
static double answer_of(const ms_models *m, const ms_policy *p, const ms_result *r, int cat)
{
    size_t kinds[MS_MAX_CATEGORIES];
    size_t nk = counted_kinds(m, p, (size_t)cat, kinds);
    double v = ms_models_perspective_answer_of(m, (size_t)cat, r, kinds, nk);
    if (v >= 0)
        return v;
    v = score_of(r, cat); /* a result without per-category scores */
    return v < 0 ? v : ms_models_perspective_score(m, (size_t)cat, v);
}

/* spanScores for the attribute of category cat (named name): see
 * perspective.h. */
static json_t *category_spans(ms_scorer *sc, const persp_analyze *a, const ms_result *r,
                              int cat, const char *name)
{
    const ms_models *m = a->models;
    const char *text = a->text;
    size_t len = a->len;
    json_t *spans = json_array();
    if (!spans)
        return NULL;
    const ms_reason *words[16];
    size_t n = 0;
    for (size_t i = 0; i < r->n_reasons && n < 16; i++)
        if (r->reasons[i].has_span && strcmp(r->reasons[i].category, name) == 0 &&
            r->reasons[i].end <= len)
            words[n++] = &r->reasons[i];
    qsort(words, n, sizeof *words, by_start);
    for (size_t i = 0; i < n; i++) {
        ms_input in = {.text = text + words[i]->start,
                       .len = words[i]->end - words[i]->start,
                       .language = r->language[0] ? r->language : "en"};
        ms_result one;
        if (ms_score(sc, &in, &one) != MS_OK) {
            json_decref(spans);
            return NULL;
        }
        double v = answer_of(m, a->policy, &one, answering(m, &one, cat));
        ms_result_clear(&one);
        json_array_append_new(spans, span(text, words[i]->start, words[i]->end,
                                          v < 0 ? ms_models_perspective_score(m, (size_t)cat, 0)
                                                : v));
    }
    if (n == 0)
        json_array_append_new(spans, span(text, 0, len, answer_of(m, a->policy, r, cat)));
    return spans;
}

/* The comment's language is one no loaded model reads: Perspective's 400. */
static json_t *unread_language(const persp_analyze *a, const ms_result *r, persp_error *e)
{
    const char *name = a->n_attrs ? a->attrs[0].name : "";
    for (size_t i = 0; i < a->n_attrs; i++) /* the first that lacks it */
        if (!attribute_reads(a->models, a->attrs[i].name, r->language)) {
            name = a->attrs[i].name;
            break;
        }
    language_refused(e, name, r->language);
    if (!a->languages) { /* detected, not named */
        snprintf(e->language, sizeof e->language, "%s", r->language);
        snprintf(e->attribute, sizeof e->attribute, "%s", name);
    }
    return NULL;
}

/* The answer's languages, as Perspective gives them: "languages" those the
 * comment was scored as (the request's, else the detected one, else
 * English, which an undecided comment is read as); "detectedLanguages",
 * when the request named none, every language detected in it, the one
 * scored first, then the parts no loaded model reads. */
static int set_languages(json_t *resp, const persp_analyze *a, const ms_result *r)
{
    if (a->languages)
        return json_object_set(resp, "languages", (json_t *)a->languages);
    if (json_object_set_new(resp, "languages", json_pack("[s]", r->language[0] ? r->language
                                                                            : "en")) != 0)
        return -1;
    if (!r->language[0])
        return 0;
    json_t *d = json_pack("[s]", r->language);
    for (const char *p = r->unread; d && *p;) {
        size_t n = strcspn(p, ",");
        if (n && !(n == strlen(r->language) && strncmp(p, r->language, n) == 0))
            json_array_append_new(d, json_stringn(p, n));
        p += n + (p[n] == ',');
    }
    return json_object_set_new(resp, "detectedLanguages", d);
}

json_t *persp_analyze_response(const persp_analyze *a, ms_scorer *sc, const ms_result *r,
                               persp_error *e)
{
    if (r->notes & MS_NOTE_LANGUAGE)
        return unread_language(a, r, e);
    json_t *scores = json_object();
    json_t *resp = json_object();
    if (!scores || !resp || json_object_set_new(resp, "attributeScores", scores) != 0)
        goto nomem;
    for (size_t i = 0; i < a->n_attrs; i++) {
        const persp_attr *at = &a->attrs[i];
        int cat = answering(a->models, r, at->category);
        double v = score_of(r, cat);
        if (v < 0 && r->language[0] && !attribute_reads(a->models, at->name, r->language)) {
            json_decref(resp); /* detected: no model of it answers at */
            return unread_language(a, r, e);
        }
        if (v < 0) {
            const char *why = (size_t)cat < r->n_scores ? r->scores[cat].missing
                                                        : r->off_topic_missing;
            persp_fail(e, 400, "Attribute %s is not available: %s", at->name,
                       why ? why : "no score");
            json_decref(resp);
            return NULL;
        }
        v = answer_of(a->models, a->policy, r, cat);
        if (at->has_threshold && v < at->threshold)
            continue;
        json_t *o = json_pack("{s:o}", "summaryScore", prob(v));
        if (!o)
            goto nomem;
        const ms_category_info *ci = ms_models_category_info(a->models, (size_t)cat);
        if (a->want_spans && ci && !ci->needs_context) {
            json_t *sp = category_spans(sc, a, r, cat, ci->name);
            if (!sp) {
                json_decref(o);
                goto nomem;
            }
            json_object_set_new(o, "spanScores", sp);
        }
        json_object_set_new(scores, at->name, o);
    }
    if (set_languages(resp, a, r) != 0)
        goto nomem;
    if (a->client_token)
        json_object_set_new(resp, "clientToken", json_string(a->client_token));
    return resp;
nomem:
    if (!resp)
        json_decref(scores);
    json_decref(resp);
    persp_fail(e, 500, "out of memory");
    return NULL;
}

int persp_select(const persp_analyze *a, ms_scorer *sc, persp_error *e)
{
    /* each attribute's model, and the kinds its answer reads and the
     * site counts (TOXICITY's threat, identity attack, severe toxicity) */
    const char *names[PERSP_MAX_ATTRS + MS_MAX_CATEGORIES];
    const size_t cap = sizeof names / sizeof *names;
    size_t n = 0, kinds[MS_MAX_CATEGORIES];
    for (size_t i = 0; i < a->n_attrs && n < cap; i++) {
        size_t cat = (size_t)a->attrs[i].category;
        const char *name = ms_models_category_info(a->models, cat)->name;
        if (a->policy && !ms_policy_scores(a->policy, name))
            return persp_fail(e, 400,
                              "Attribute %s is switched off by this site's policy (its "
                              "\"categories\" leave out %s)",
                              a->attrs[i].name, name);
        names[n++] = name;
        size_t nk = counted_kinds(a->models, a->policy, cat, kinds);
        for (size_t k = 0; k < nk && n < cap; k++)
            names[n++] = ms_models_category_info(a->models, kinds[k])->name;
    }
    if (ms_scorer_set_categories(sc, names, n) != MS_OK)
        return persp_fail(e, 500, "selecting the attributes' models failed");
    return 0;
}

/* ------------------------------------------------------ SuggestCommentScore */

int persp_parse_suggest(const json_t *body, const ms_models *m, persp_suggest *sg,
                        persp_error *e)
{
    memset(sg, 0, sizeof *sg);
    int bad = 0;
    json_t *comment = json_object_get(body, "comment");
    if (comment_text(comment, &sg->text, &sg->len, e) != 0 || comment_type(comment, e) != 0)
        return -1;
    json_t *scores = json_object_get(body, "attributeScores");
    if (!json_is_object(scores) || json_object_size(scores) == 0)
        return persp_fail(e, 400, "attributeScores is required: an object naming at least one "
                                  "attribute, e.g. {\"TOXICITY\":{\"summaryScore\":{\"value\":1}}}");
    const char *name;
    json_t *v;
    json_object_foreach(scores, name, v) {
        json_t *val = json_object_get(json_object_get(v, "summaryScore"), "value");
        if (!json_is_number(val) || json_number_value(val) < 0 || json_number_value(val) > 1)
            return persp_fail(e, 400,
                              "attributeScores.%s.summaryScore.value must be a number in [0, 1]",
                              name);
        int cat = known_attribute(m, name, e);
        if (cat < 0)
            return -1;
        if (sg->n_attrs == PERSP_MAX_ATTRS)
            return persp_fail(e, 400, "too many attributeScores");
        sg->attrs[sg->n_attrs].attribute = name;
        sg->attrs[sg->n_attrs].category = ms_models_category_info(m, (size_t)cat)->name;
        sg->attrs[sg->n_attrs++].value = json_number_value(val);
    }
    json_t *langs = json_object_get(body, "languages");
    if (langs && !json_is_null(langs)) {
        if (!json_is_array(langs))
            return persp_fail(e, 400, "languages must be an array of language codes");
        for (size_t i = 0; i < json_array_size(langs); i++)
            if (!json_is_string(json_array_get(langs, i)))
                return persp_fail(e, 400, "languages must be an array of language codes");
        if (json_array_size(langs))
            sg->languages = langs;
    }
    if (sg->languages) {
        snprintf(sg->language, sizeof sg->language, "%s",
                 json_string_value(json_array_get(sg->languages, 0)));
    } else {
        ms_language l;
        ms_language_detect(sg->text, sg->len, &l);
        if (l.decisive)
            snprintf(sg->language, sizeof sg->language, "%s", l.code);
    }
    sg->client_token = persp_str_member(body, "clientToken", "", e, &bad);
    if (!bad)
        sg->community_id = persp_community_id(body, e, &bad);
    return bad ? -1 : 0;
}

char *persp_feedback_records(const persp_suggest *sg, const char *time, size_t *len)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    if (!f)
        return NULL;
    int ok = 1;
    for (size_t i = 0; ok && i < sg->n_attrs; i++) {
        double v = sg->attrs[i].value;
        json_t *r = json_pack("{s:s%,s:i,s:s,s:s,s:f,s:s,s:s}", "text", sg->text, sg->len,
                              "label", v >= 0.5, "category", sg->attrs[i].category, "attribute",
                              sg->attrs[i].attribute, "score", v, "time", time, "source",
                              "suggestscore");
        if (r && sg->language[0])
            json_object_set_new(r, "language", json_string(sg->language));
        if (r && sg->community_id)
            json_object_set_new(r, "communityId", json_string(sg->community_id));
        if (r && sg->client_token)
            json_object_set_new(r, "clientToken", json_string(sg->client_token));
        char *line = r ? json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        ok = line && fputs(line, f) >= 0 && fputc('\n', f) != EOF;
        free(line);
        json_decref(r);
    }
    if (fclose(f) != 0 || !ok) {
        free(out);
        return NULL;
    }
    *len = n;
    return out;
}

json_t *persp_suggest_response(const persp_suggest *sg)
{
    json_t *r = json_object();
    if (r && sg->client_token)
        json_object_set_new(r, "clientToken", json_string(sg->client_token));
    if (r && sg->languages)
        json_object_set(r, "requestedLanguages", (json_t *)sg->languages);
    return r;
}

/* ------------------------------------------------------------ discovery */

static json_t *method(const char *name, const char *path, const char *req, const char *resp,
                      const char *what)
{
    char id[96], flat[96];
    snprintf(id, sizeof id, "commentanalyzer.comments.%s", name);
    snprintf(flat, sizeof flat, "v1alpha1/comments:%s", name);
    return json_pack("{s:s,s:s,s:s,s:s,s:{},s:[],s:{s:s},s:{s:s},s:s}", "id", id, "path", path,
                     "flatPath", flat, "httpMethod", "POST", "parameters", "parameterOrder",
                     "request", "$ref", req, "response", "$ref", resp, "description", what);
}

static json_t *schema(const char *id, const char *what)
{
    return json_pack("{s:s,s:s,s:s,s:{}}", "id", id, "type", "object", "description", what,
                     "properties");
}

json_t *persp_discovery(const char *root_url)
{
    json_t *d = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kind",
        "discovery#restDescription", "discoveryVersion", "v1", "id", "commentanalyzer:v1alpha1",
        "name", "commentanalyzer", "version", "v1alpha1", "revision", MS_VERSION, "title",
        "Perspective Comment Analyzer API (modscore)", "description",
        "modscore's implementation of Perspective's comments:analyze and "
        "comments:suggestscore",
        "protocol", "rest", "rootUrl", root_url, "servicePath", "", "batchPath", "batch",
        "ownerName", "modscore");
    if (!d)
        return NULL;
    char base[1024];
    snprintf(base, sizeof base, "%s", root_url);
    json_object_set_new(d, "baseUrl", json_string(base));
    json_object_set_new(
        d, "parameters",
        json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s},s:{s:s,s:s,s:s,s:[s,s],s:s}}", "key",
                  "type", "string", "location", "query", "description",
                  "API key (--api-keys); also the X-Goog-Api-Key header", "prettyPrint", "type",
                  "boolean", "location", "query", "description", "ignored", "alt", "type",
                  "string", "location", "query", "default", "json", "enum", "json", "media",
                  "description", "only json"));
    json_object_set_new(
        d, "resources",
        json_pack("{s:{s:{s:o,s:o}}}", "comments", "methods", "analyze",
                  method("analyze", "v1alpha1/comments:analyze", "AnalyzeCommentRequest",
                         "AnalyzeCommentResponse",
                         "Analyzes the provided text and returns scores for requested "
                         "attributes."),
                  "suggestscore",
                  method("suggestscore", "v1alpha1/comments:suggestscore",
                         "SuggestCommentScoreRequest", "SuggestCommentScoreResponse",
                         "Suggest comment scores as training data.")));
    json_object_set_new(
        d, "schemas",
        json_pack("{s:o,s:o,s:o,s:o}", "AnalyzeCommentRequest",
                  schema("AnalyzeCommentRequest", "comment, requestedAttributes, languages, "
                                                  "context, spanAnnotations, clientToken, "
                                                  "communityId, doNotStore, sessionId"),
                  "AnalyzeCommentResponse",
                  schema("AnalyzeCommentResponse",
                         "attributeScores, languages, detectedLanguages, clientToken"),
                  "SuggestCommentScoreRequest",
                  schema("SuggestCommentScoreRequest", "comment, attributeScores, languages, "
                                                       "context, clientToken, communityId, "
                                                       "sessionId"),
                  "SuggestCommentScoreResponse",
                  schema("SuggestCommentScoreResponse", "clientToken, requestedLanguages")));
    if (!json_object_get(d, "resources") || !json_object_get(d, "schemas") ||
        !json_object_get(d, "parameters")) {
        json_decref(d);
        return NULL;
    }
    return d;
}

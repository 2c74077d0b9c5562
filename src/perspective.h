/* perspective.h - Perspective API v1alpha1 on top of modscore: request
 * parsing, the attribute table, response and error building, span
 * conversion. A module of the service (src/server.c), not of libmodscore:
 * it knows JSON (jansson) and the public API (modscore.h), and nothing of
 * HTTP, sockets or the server's state, so it is tested on its own
 * (tests/test_perspective.c).
 *
 * Attribute mapping (POST /v1alpha1/comments:analyze), through one
 * function, persp_attribute: an attribute is answered by the loaded
 * category whose model card names it ("perspective_attribute"): shipped,
 * TOXICITY by hostility and OFF_TOPIC by off_topic; a category whose card
 * says needs_context (off_topic) only when the request has context
 * (context.entries[].text, context.articleAndParentComment, or the
 * modscore extension "article":{id,title,body,tags}). Any other attribute
 * (INSULT, SEVERE_TOXICITY, THREAT, ... until a model for it is loaded) is
 * Perspective's 400 "Unknown requested attribute": no attribute is ever
 * answered with another model's number.
 * Scale: an answer (summaryScore, spanScores, and the scoreThreshold it is
 * compared with) is on Perspective's scale, the share of readers who would
 * mark the comment so, through the category card's "perspective_scale"
 * (ms_models_perspective_score); the score itself for a card without one.
 * A card's "perspective_includes" (TOXICITY's kinds: THREAT,
 * IDENTITY_ATTACK, SEVERE_TOXICITY, where their models read on its scale
 * reach 0.7) makes its answer the highest of its own and the kinds'
 * (ms_models_perspective_answer), of the kinds the site's policy counts
 * ("perspective_includes" and "categories": ms_policy_counts_kind). An
 * attribute whose category the policy's "categories" leaves out is a 400.
 * Languages: a request's "languages" are trusted (the comment is scored as
 * that language, or refused with Perspective's 400 "Attribute A does not
 * support request languages: L" when no loaded model reads it); without
 * them the language is detected (ms_language_detect) and returned as
 * detectedLanguages, and a comment decisively in another language gets the
 * same 400. Undecided detections (short text) are scored.
 * spanScores (spanAnnotations: true, for categories without context): for a
 * comment the category's model flags, one span per word that pushed the
 * score up (the verdict's reasons), each scored on its own; otherwise one
 * span over the whole comment with the summary score. begin/end count UTF-16 code units, as Perspective's
 * clients (JavaScript strings) index text.
 * Empty or blank text is Perspective's 400 COMMENT_EMPTY. doNotStore,
 * sessionId and comment.type PLAIN_TEXT are accepted; nothing is stored.
 *
 * Errors are Perspective's shape, {"error":{"code","message","status"}},
 * which every endpoint of the service uses.
 *
 * OWNERSHIP: a persp_analyze borrows its strings from the request's JSON,
 * which must outlive it; persp_analyze_clear frees what it allocated.
 * Functions returning json_t * return a new reference (NULL: no memory).
 */
#ifndef MS_PERSPECTIVE_H
#define MS_PERSPECTIVE_H

#include "modscore.h"

#include <jansson.h>
#include <stddef.h>

/* Attributes one request may name. */
#define PERSP_MAX_ATTRS 64

/* An error to answer with: HTTP status and message. */
typedef struct persp_error {
    unsigned status;
    char message[512];
    const char *error_type; /* Perspective's details[].errorType, or NULL */
    char language[8];       /* LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE: detected */
    char attribute[64];     /* and the attribute */
} persp_error;

/* Fills e (when not NULL) and returns -1. */
int persp_fail(persp_error *e, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Perspective's status name for an HTTP status ("INVALID_ARGUMENT" for
 * 400, ...; "INTERNAL" for codes it has no name for). Never NULL. */
const char *persp_status_name(unsigned status);

/* {"error":{"code":status,"message":message,"status":name}}. */
json_t *persp_error_json(unsigned status, const char *message);

/* persp_error_json of e, with Perspective's "details" when e has an
 * error_type. */
json_t *persp_error_body(const persp_error *e);

/* A string member of o, or NULL when absent or null. When present and not
 * a string: NULL, *bad = 1 and e says "WHEREKEY must be a string". */
const char *persp_str_member(const json_t *o, const char *key, const char *where,
                             persp_error *e, int *bad);

/* The body's "communityId" (or modscore's older "community_id"), NULL
 * when absent; *bad = 1 and e set when not a string. */
const char *persp_community_id(const json_t *body, persp_error *e, int *bad);

/* An article from {"id","title","body","tags"}: strings borrowed from o,
 * tags an allocated array (free a->tags). Returns 0, or -1 with a 400 in e
 * (a 500 when out of memory). */
int persp_article_from_json(const json_t *o, ms_article *a, persp_error *e);

/* The attribute table: the index of the loaded category (in the models'
 * order, as ms_result.scores) whose card names the Perspective attribute
 * called name, or -1 when no loaded model's does. */
int persp_attribute(const ms_models *m, const char *name);

/* One requested attribute. */
typedef struct persp_attr {
    const char *name; /* borrowed from the request */
    int category;     /* the loaded category's index (persp_attribute) */
    int has_threshold;
    double threshold; /* scoreThreshold: scores below it are left out */
} persp_attr;

/* An AnalyzeComment request, parsed. */
typedef struct persp_analyze {
    const char *text; /* comment.text */
    size_t len;
    persp_attr attrs[PERSP_MAX_ATTRS]; /* in the request's order */
    size_t n_attrs;
    const json_t *languages; /* the request's array, or NULL */
    char language[8];        /* its first entry, when given */
    int want_spans;          /* spanAnnotations */
    const char *client_token;
    const char *community_id; /* body "communityId" or "community_id" */
    ms_article article;      /* context, when has_article */
    int has_article;
    const char *parent; /* context.articleAndParentComment.parentComment.text */
    char *ctx_text;     /* owned: context.entries joined */
    const ms_models *models; /* the models the attributes were resolved with */
    const ms_policy *policy; /* the site's, set by the caller before
                                persp_select (NULL: every category and kind) */
} persp_analyze;

/* Parses an AnalyzeComment request body (a JSON object) and resolves its
 * attributes against the models m. OUT: *a (clear with persp_analyze_clear
 * on success and failure alike). Returns 0, or -1 with e set (400 with
 * Perspective's wording, 500 when out of memory). */
int persp_parse_analyze(const json_t *body, const ms_models *m, persp_analyze *a,
                        persp_error *e);
void persp_analyze_clear(persp_analyze *a);

/* The ms_input to score a parsed request with (borrowing from a). */
ms_input persp_input(const persp_analyze *a);

/* Sets sc to score only the categories a's attributes ask for and the
 * kinds their answers read (ms_models_perspective_kinds, less those
 * a->policy does not count: ms_policy_counts_kind), so that a request for
 * TOXICITY maps the hostility model and its counted kinds alone
 * (ms_scorer_set_categories); undo with ms_scorer_set_categories(sc,
 * NULL, 0) before sc serves another request. Returns 0; -1 with e: 400
 * when an attribute's category is one the policy's "categories" leaves out
 * (the site does not score it: answering it would be a number the site
 * switched off), 500 when out of memory. */
int persp_select(const persp_analyze *a, ms_scorer *sc, persp_error *e);

/* The AnalyzeComment response for a request a whose comment scored r; sc
 * (the scorer that scored it) scores each span's words on their own.
 * Returns the response, or NULL with e set (400 when the comment is in a
 * language no loaded model reads, or no model of a requested attribute
 * reads its detected language (LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE for
 * that attribute), or an attribute has no score after all; 500 when out of
 * memory). */
json_t *persp_analyze_response(const persp_analyze *a, ms_scorer *sc, const ms_result *r,
                               persp_error *e);

/* ------------------------------------------------------ SuggestCommentScore */

/* One suggested score: the attribute and the summary score a moderator
 * (or a platform's decision) gives the comment. */
typedef struct persp_suggested {
    const char *attribute; /* borrowed from the request */
    const char *category;  /* the loaded category that answers it (its
                              name, borrowed from the models) */
    double value;          /* in [0, 1] */
} persp_suggested;

/* A SuggestCommentScore request, parsed (strings borrowed from its JSON). */
typedef struct persp_suggest {
    const char *text;
    size_t len;
    persp_suggested attrs[PERSP_MAX_ATTRS];
    size_t n_attrs;
    const json_t *languages; /* or NULL */
    char language[16];       /* the comment's: the first of languages, else the
                                one detected decisively, else "" */
    const char *client_token;
    const char *community_id;
} persp_suggest;

/* Parses a SuggestCommentScore body: comment.text (not blank, type
 * PLAIN_TEXT as analyze takes), attributeScores.A.summaryScore.value in
 * [0, 1] for one or more attributes, each one a model of m answers (else
 * analyze's 400 "Unknown requested attribute": a label for a model that
 * does not exist would be kept as another's); languages, communityId,
 * clientToken, context and sessionId are accepted; the comment's language
 * is the first of languages, else the one detected. OUT: *sg, borrowing
 * from body and m. Returns 0, or -1 with a 400 in e. */
int persp_parse_suggest(const json_t *body, const ms_models *m, persp_suggest *sg,
                        persp_error *e);

/* The training records for a suggestion, one JSON Lines line per suggested
 * attribute: {"text","label","category","attribute","score","time",
 * "source":"suggestscore","language","communityId","clientToken"} (language
 * when it is known: `train --base` adapts a language's model from the
 * records of its language), label 1 when the
 * suggested score is >= 0.5, category modscore's name for the attribute's
 * category ("hostility" for TOXICITY, "insult" for INSULT): `modscore train
 * --task T` reads text and label of the records whose category is T; time
 * as given (ISO 8601 UTC). OUT: *len. Returns malloc'd text (free), or NULL
 * when out of memory. */
char *persp_feedback_records(const persp_suggest *sg, const char *time, size_t *len);

/* The SuggestCommentScore response: {"clientToken"?, "requestedLanguages"?}. */
json_t *persp_suggest_response(const persp_suggest *sg);

/* ------------------------------------------------------------ discovery */

/* The discovery document of commentanalyzer v1alpha1 as modscore serves it
 * (GET /$discovery/rest?version=v1alpha1), so that discovery-based clients
 * (google-api-python-client) build their calls against root_url, e.g.
 * "http://127.0.0.1:8080/": the methods modscore implements (comments.analyze
 * and comments.suggestscore), the key parameter, and the request and
 * response schemas in outline. */
json_t *persp_discovery(const char *root_url);

/* UTF-16 code units in text[0, byte) (valid UTF-8): what Perspective's
 * span offsets count. A character past U+FFFF (4 UTF-8 bytes, an emoji) is
 * two. */
size_t persp_offset(const char *text, size_t byte);

#endif

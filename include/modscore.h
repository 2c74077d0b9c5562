/*
 * modscore.h - the public face of libmodscore, a comment-moderation scorer.
 *
 * OWNERSHIP (one rule for the whole library): whatever the library returns
 * through an OUT parameter or as a pointer, the library frees, through the
 * free function named beside it (ms_discussion_free, ms_result_clear,
 * ms_free, ...). Every free function accepts NULL and does nothing with it.
 * Inputs are borrowed: the library copies what it keeps.
 *
 * Text inputs are pointer plus length and need not be NUL-terminated. Text
 * the library returns is UTF-8 and NUL-terminated.
 *
 * Errors: every fallible call returns an ms_status (MS_OK == 0). Calls that
 * parse something also fill an ms_error (may be NULL) with the source name,
 * line and column of the fault and a message.
 *
 * Threads: ms_models and ms_policy are read-only after loading and may be
 * shared by any number of threads; an ms_scorer is one thread's workspace.
 */
#ifndef MODSCORE_H
#define MODSCORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MS_BUILDING_LIBRARY) && defined(__GNUC__)
#define MS_API __attribute__((visibility("default")))
#else
#define MS_API
#endif

#define MS_VERSION "0.1.0"

/* Limits (documented, enforced; exceeding one is MS_ERR_LIMIT naming it). */
/* One comment's text: a longer one is not an error but cut on a UTF-8
 * boundary, by the readers and by ms_score, and noted MS_NOTE_TRUNCATED. */
#define MS_MAX_COMMENT_BYTES (256u * 1024u)
#define MS_MAX_DOCUMENT_BYTES (256u * 1024u * 1024u) /* one JSON document / page */
#define MS_MAX_JSON_DEPTH 64                        /* nesting in any JSON input */
#define MS_MAX_COMMENTS 1000000u                    /* comments in one document */
#define MS_MAX_LINE_BYTES (1024u * 1024u)           /* one JSON Lines line */
/* Articles a JSON Lines stream remembers for "article_id" (and to share one
 * copy of identical inline articles): past either cap the least recently
 * defined or used article is forgotten, so memory stays flat however many
 * articles a stream defines. */
#define MS_MAX_STREAM_ARTICLES 1024u
#define MS_MAX_STREAM_ARTICLE_BYTES (32u * 1024u * 1024u)

/* Status codes. Never renumbered; new codes are appended. */
typedef enum ms_status {
    MS_OK = 0,
    MS_ERR_NOMEM = 1,       /* out of memory */
    MS_ERR_ARG = 2,         /* invalid argument from the caller */
    MS_ERR_IO = 3,          /* read or write failed */
    MS_ERR_NOT_FOUND = 4,   /* a named file or directory does not exist */
    MS_ERR_PARSE = 5,       /* malformed input data */
    MS_ERR_LIMIT = 6,       /* a documented cap was exceeded */
    MS_ERR_MODEL = 7,       /* model missing parts, corrupt or wrong version */
    MS_ERR_POLICY = 8,      /* policy file is invalid */
    MS_ERR_UNSUPPORTED = 9, /* the request asks for something not available */
    MS_ERR_INTERNAL = 10,   /* a bug: please report it */
    MS_ERR_CANT_CREATE = 11 /* an output cannot be created, or would replace
                               something that is not modscore's to replace */
} ms_status;

/* A static English description of a status code. Never NULL. */
MS_API const char *ms_strerror(ms_status code);

/* Where and why something failed. Filled on failure by calls that take one. */
typedef struct ms_error {
    ms_status code;
    char source[256];  /* file name, "<stdin>", or "" */
    long line;         /* 1-based; 0 when unknown */
    long column;       /* 1-based; 0 when unknown */
    char message[256]; /* reason, without the location */
} ms_error;

/* Frees a string or buffer the library returned as plain memory. */
MS_API void ms_free(void *ptr);

/* ---------------------------------------------------------------- reader */

typedef enum ms_format {
    MS_FORMAT_AUTO = 0,
    MS_FORMAT_JSON = 1,  /* {"article":{...}, "comments":[...]} */
    MS_FORMAT_JSONL = 2, /* one comment (or {"article":...}) per line */
    MS_FORMAT_PAGE = 3,  /* a captured page: article, then its thread */
    MS_FORMAT_CSV = 4    /* training data with named columns */
} ms_format;

/* An article, the context comments are posted under. All fields may be
 * NULL except tags when n_tags > 0. */
typedef struct ms_article {
    char *id;
    char *author;  /* who wrote it (a forum thread's starter); may be NULL */
    char *title;
    char *body;
    char **tags;
    size_t n_tags;
} ms_article;

enum {
    MS_NOTE_INVALID_UTF8 = 1u << 0, /* bad bytes were replaced by U+FFFD */
    MS_NOTE_EMPTY = 1u << 1,        /* no text after trimming */
    MS_NOTE_TRUNCATED = 1u << 2,    /* only the first MS_MAX_COMMENT_BYTES scored */
    MS_NOTE_LANGUAGE = 1u << 3,     /* written in a language no loaded model reads
                                       (ms_result.language): scores left out */
    MS_NOTE_LANGUAGE_PART = 1u << 4, /* partly written in languages no loaded model
                                       reads (ms_result.unread): scored on the rest */
    MS_NOTE_LANGUAGE_DETECTED = 1u << 5, /* declared in one language
                                       (ms_result.declared), decisively detected in
                                       another (ms_result.language): the detected
                                       one's models scored it */
    MS_NOTE_NO_SENTIMENT = 1u << 6 /* scored by a language's models that no sentiment
                                       lexicon reads (VADER is English):
                                       ms_result.sentiment is NAN */
};

/* One comment as read. text holds the original bytes (text_len of them,
 * plus a NUL); it may contain invalid UTF-8, which scoring repairs. */
typedef struct ms_comment {
    char *id;          /* from the input, or "1", "2"... when it has none */
    char *author;      /* may be NULL */
    char *parent;      /* id of the comment it answers; may be NULL */
    char *reply_to;    /* name of the author it answers; may be NULL */
    char *created;     /* as given; may be NULL */
    char *text;
    size_t text_len;
    char *parent_text; /* text of the comment it answers when the input
                          carries it (JSON Lines "parent_text"); may be NULL */
    const ms_article *article; /* borrowed from its discussion or reader */
    long line;         /* input line where it starts; 0 when unknown */
    unsigned notes;    /* MS_NOTE_* the reader found (MS_NOTE_INVALID_UTF8 when
                          it replaced bytes the input's JSON could not hold) */
    char *language;    /* the language the input declares (JSON "language":
                          an ISO 639-1 code or BCP 47 tag); may be NULL */
} ms_comment;

/* A whole discussion: its articles (zero or more) and comments in input
 * order. */
typedef struct ms_discussion {
    ms_article **articles;
    size_t n_articles;
    ms_comment *comments;
    size_t n_comments;
} ms_discussion;

/* Guesses the format of a buffer from its first bytes: JSON, JSON Lines or
 * a captured page. Never returns MS_FORMAT_AUTO. */
MS_API ms_format ms_format_detect(const char *data, size_t len);

/* Parses a whole discussion (JSON document, JSON Lines or captured page).
 * source names the input in errors. OUT: *out, free with ms_discussion_free.
 * For JSON Lines this stops at the first bad line; use ms_jsonl_reader to
 * keep going. On failure *out is NULL and err says where and why. */
MS_API ms_status ms_discussion_parse(const char *data, size_t len, ms_format format,
                                     const char *source, ms_discussion **out,
                                     ms_error *err);
MS_API void ms_discussion_free(ms_discussion *d);

/* Finds the comment a comment answers: by parent id (the latest earlier
 * comment with that id, else the first later one), else by reply_to name
 * (the latest earlier comment by that author). NULL when none. O(1): the
 * parse indexes every comment's parent once (d must come from
 * ms_discussion_parse). */
MS_API const ms_comment *ms_discussion_parent(const ms_discussion *d, size_t index);

/* A JSON Lines stream, read one line at a time in bounded memory. It
 * remembers {"article":{...}} lines (and inline articles) so later comments
 * can name them by "article_id", within MS_MAX_STREAM_ARTICLES. A comment's
 * article stays valid until the comment is freed, even after the reader. */
typedef struct ms_jsonl_reader ms_jsonl_reader;

/* OUT: *out, free with ms_jsonl_reader_free. */
MS_API ms_status ms_jsonl_reader_new(const char *source, ms_jsonl_reader **out);
MS_API void ms_jsonl_reader_free(ms_jsonl_reader *r);

/* Parses one line (without its newline). On MS_OK, *out is a comment (free
 * with ms_comment_free) or NULL when the line only defined an article. On
 * failure (MS_ERR_PARSE, MS_ERR_LIMIT, MS_ERR_NOMEM) *out is NULL and err
 * has the line, column and reason; the reader stays usable. A blank line is
 * an error ("empty line"). */
MS_API ms_status ms_jsonl_reader_line(ms_jsonl_reader *r, const char *line, size_t len,
                                      long lineno, ms_comment **out, ms_error *err);
MS_API void ms_comment_free(ms_comment *c);

/* Labelled training and evaluation data. */
typedef struct ms_example {
    char *text;
    size_t text_len;
    int label;          /* 1 positive (hostile / off-topic), 0 negative */
    char *context;      /* article title + body + tags, or NULL */
    char *parent_text;  /* the comment it answers, or NULL */
    char *author;          /* the comment's author, or NULL */
    char *context_author;  /* the article's (thread starter's) author, or NULL */
    int train_only;        /* 1: always in the training folds, never scored in
                              cross-validation (augmentation such as
                              template sentences; `modscore train --augment`) */
    double weight;         /* its weight in the fit, a multiplier of its C and
                              of its counts in the NB weights (`modscore train
                              --augment-weight`); 0 is read as 1 */
    /* Where the record came from: its line (CSV: its row's first line) in
     * the set's sources[source]. */
    long line;
    size_t source;
    /* What a JSON Lines record says of itself: its "category" (NULL: none);
     * feedback 1 for a decision log record ("source": "suggestscore", what
     * `serve --feedback` writes), with its "time" (NULL: none). */
    char *category;
    int feedback;
    char *time;
    /* its "language" (a decision log record's: the language Perspective's
     * request named or the one detected), or NULL: none said. Adapting a
     * language's model (ms_adapt) reads the records of its language only,
     * a decision log record without one being English. */
    char *language;
} ms_example;

typedef struct ms_dataset {
    ms_example *items;
    size_t n;
    size_t cap;
    char **sources; /* the source names given to ms_dataset_read, in order */
    size_t n_sources;
} ms_dataset;

typedef struct ms_csv_options {
    const char *text_column;  /* default "text" */
    const char *label_column; /* default "label" */
    const char *positive;     /* label value meaning 1; default: 1/true/yes */
} ms_csv_options;

/* Appends the examples in a JSON Lines or CSV buffer to *set (which starts
 * zeroed). JSON Lines records carry "text" and "label" (0/1, true/false,
 * yes/no, or the csv positive value), or a moderator's "decision"
 * ("published"/"approved" = 0, "rejected" = 1) on a modscore record;
 * optional context in "article" (object), "context" (string) and
 * "parent_text". On failure nothing is appended. Free with
 * ms_dataset_clear. */
MS_API ms_status ms_dataset_read(const char *data, size_t len, ms_format format,
                                 const ms_csv_options *csv, const char *source,
                                 ms_dataset *set, ms_error *err);
MS_API void ms_dataset_clear(ms_dataset *set);

/* Keeps the examples i of set with keep[i] (in order) and frees the others. */
MS_API void ms_dataset_keep(ms_dataset *set, const unsigned char *keep);

/* Keeps in set only the records for category: those that name it, and
 * those that name none, except decision log records (feedback), which
 * without a category are hostility's (logs written before records named
 * one). OUT: *dropped, how many were left out (may be NULL). */
MS_API ms_status ms_dataset_select_category(ms_dataset *set, const char *category,
                                            size_t *dropped);

/* Settles texts decided both ways before adapting to set. Where every
 * record of such a text is a decision log record (a moderator revised a
 * decision), or with latest_wins, the latest record wins (by "time" where
 * both have one, else the later one read) and the text's others are
 * dropped; otherwise MS_ERR_PARSE, naming the source and line of two
 * records that disagree. OUT: *revised, the texts settled so (may be NULL). */
MS_API ms_status ms_dataset_settle(ms_dataset *set, int latest_wins, size_t *revised,
                                   ms_error *err);

/* ---------------------------------------------------------------- policy */

/* Categories are data: each model directory under models/ whose card.json
 * names a "category" is one (hostility, off_topic, insult, identity_attack,
 * profanity, threat, or a site's own); see ms_models_category_count. The
 * enum names the two categories every earlier version had, for the calls
 * that take one (ms_policy_review, ms_models_version); the calls ending in
 * _named take any category by name. */
typedef enum ms_category {
    MS_CAT_HOSTILITY = 0,
    MS_CAT_OFF_TOPIC = 1,
    MS_CAT_COUNT = 2
} ms_category;

/* "hostility", "off_topic". */
MS_API const char *ms_category_name(ms_category c);

/* At most this many model directories are loaded from one models
 * directory, every language's together. */
#define MS_MAX_CATEGORIES 64

typedef enum ms_action {
    MS_ACTION_PUBLISH = 0,
    MS_ACTION_REVIEW = 1,
    MS_ACTION_REJECT = 2
} ms_action;

/* "publish", "review", "reject". */
MS_API const char *ms_action_name(ms_action a);

/* Community standards: per category a review and a reject threshold, allow
 * terms (never count against a comment) and deny terms (always at least
 * review, listed as a reason). */
typedef struct ms_policy ms_policy;

/* OUT: *out, free with ms_policy_free. */
MS_API ms_status ms_policy_load(const char *path, ms_policy **out, ms_error *err);
MS_API ms_status ms_policy_parse(const char *data, size_t len, const char *source,
                                 ms_policy **out, ms_error *err);
/* The built-in default (used when models/ has no policy.json). */
MS_API ms_status ms_policy_default(ms_policy **out);
/* The site's language (the policy's "language"), or NULL: a comment's
 * language when it declares none, and the models' when detection is
 * undecided. The string belongs to the policy. */
MS_API const char *ms_policy_language(const ms_policy *p);
/* The action for a comment no loaded model reads any of (the policy's
 * "unread"; default MS_ACTION_REVIEW: text nobody screened is shown to a
 * moderator, never published unread). */
MS_API ms_action ms_policy_unread(const ms_policy *p);
MS_API void ms_policy_free(ms_policy *p);

/* Applies an override such as "hostility=0.8" (the review threshold),
 * "hostility.reject=0.95" or "off_topic.review=0.7". */
MS_API ms_status ms_policy_override(ms_policy *p, const char *spec, ms_error *err);
MS_API double ms_policy_review(const ms_policy *p, ms_category c);
MS_API double ms_policy_reject(const ms_policy *p, ms_category c);

/* A category's thresholds. A score at or above flag lists the category in
 * the result's flags (with the words behind it) without changing the
 * action; at or above review the comment is held; at or above reject it is
 * rejected. A threshold of MS_THRESHOLD_NEVER (above 1) is never reached.
 * flag <= review <= reject. */
typedef struct ms_thresholds {
    double flag, review, reject;
} ms_thresholds;

#define MS_THRESHOLD_NEVER 2.0

/* The thresholds of a category by name (any name: categories are data).
 * A category the policy does not name keeps the built-in default:
 * hostility flag = review 0.5, reject 0.85; off_topic 0.7 / 0.95; any
 * other category flag 0.5 and never review or reject, so a policy written
 * before a category existed decides as it did (the new scores are shown
 * and flagged, never acted on, until the policy names them).
 * OUT: *out. MS_ERR_ARG for a NULL argument. */
MS_API ms_status ms_policy_thresholds(const ms_policy *p, const char *category,
                                      ms_thresholds *out);

/* The categories the policy names (its "thresholds" keys and overrides),
 * in the order first named: for warning about a name no model has. NULL
 * past the end. */
MS_API size_t ms_policy_category_count(const ms_policy *p);
MS_API const char *ms_policy_category(const ms_policy *p, size_t i);

typedef struct ms_models ms_models;
/* The i-th (from 0) category the policy names (in "thresholds",
 * "categories" or "perspective_includes") that no model of m scores (a typo
 * such as "hostilty", or a model that is missing: its thresholds do
 * nothing), NULL past the last. The legacy categories are let be: the
 * shipped policy names off_topic for sets without its model. */
MS_API const char *ms_policy_unknown_category(const ms_policy *p, const ms_models *m, size_t i);

/* The i-th (from 0) kind the policy's "perspective_includes" lists for a
 * category whose cards never include it (an "insult" under hostility,
 * whose TOXICITY reads threat, severe_toxicity and identity_attack): the
 * entry does nothing. *category names the category. NULL past the last;
 * names no model scores are ms_policy_unknown_category's, not these. */
MS_API const char *ms_policy_stray_kind(const ms_policy *p, const ms_models *m, size_t i,
                                        const char **category);

/* Whether the site scores category: the policy's "categories" names it,
 * or the policy has no "categories" (every loaded category is scored). A
 * scorer made with the policy scores only these (ms_scorer_new). */
MS_API int ms_policy_scores(const ms_policy *p, const char *category);

/* Whether the Perspective answer of category counts kind, one of the
 * kinds its card includes (ms_models_perspective_kinds; by category name:
 * "hostility", "threat"): the policy's "perspective_includes" does not name
 * category, or its list for category names kind; and the site scores kind
 * (ms_policy_scores). */
MS_API int ms_policy_counts_kind(const ms_policy *p, const char *category, const char *kind);

/* ---------------------------------------------------------------- models */

/* The loaded models and lexicons: read-only, shareable across threads
 * (ms_models is declared with the policy). */

/* Loads lexicons/ and every model directory under dir whose card.json
 * names a "category" (directories whose card names none, such as a token
 * span model, and directories without a card are passed over; a card of
 * an earlier version in hostility/ or off_topic/ counts as that category).
 * A hostility model is required. Categories are ordered hostility,
 * off_topic, then the others by name. OUT: *out, free with ms_models_free.
 * A missing directory or file is MS_ERR_NOT_FOUND with its path in
 * err->source; two directories naming one category, or more than
 * MS_MAX_CATEGORIES, is MS_ERR_MODEL. */
MS_API ms_status ms_models_load(const char *dir, ms_models **out, ms_error *err);

/* Flags of ms_models_load_flags (0 is ms_models_load). */
enum {
    /* Trust a model directory's compiled model.bin once its header, size
     * and the card's file hashes check out, without checksumming its 12 MB
     * of weights: its pages are then read only as scoring touches them.
     * For short-lived processes (modscore check), where the checksum would
     * cost more than the scoring; damage inside the weights then gives
     * wrong scores instead of MS_ERR_MODEL. ms_models_load verifies. */
    MS_LOAD_TRUST_COMPILED = 1
};

/* ms_models_load with flags (MS_LOAD_*). */
MS_API ms_status ms_models_load_flags(const char *dir, unsigned flags, ms_models **out,
                                      ms_error *err);
MS_API void ms_models_free(ms_models *m);

/* Loads a single model directory (e.g. models/hostility) with the lexicons
 * in lexicon_dir, as `modscore eval --model DIR` does: the set then has
 * that one category. OUT: *out (free with ms_models_free) and *category:
 * MS_CAT_OFF_TOPIC for an off-topic model, else MS_CAT_HOSTILITY (the
 * category's real name is ms_models_category_info(*out, 0)->name). */
MS_API ms_status ms_models_load_single(const char *lexicon_dir, const char *model_dir,
                                       ms_models **out, ms_category *category, ms_error *err);

/* (Re)writes model_dir/model.bin, the compiled form of its model.svm and
 * idf.bin (or, for the reason-spans model, which has no idf.bin, of its
 * model.svm) that loads without parsing, atomically; for a lexicon
 * directory (one with vader_lexicon.txt, as models/lexicons), its
 * lexicon.bin, the word lists' hash table. The build, the installer and
 * training run it; git holds only the sources. MS_ERR_MODEL when the
 * sources are damaged or do not match their card. */
MS_API ms_status ms_model_compile(const char *model_dir, ms_error *err);

/* The version string of a loaded model ("hostility" -> its card's
 * "version"), or NULL when that model is not loaded. */
MS_API const char *ms_models_version(const ms_models *m, ms_category c);

/* A loaded category, as its model card describes it. The strings belong to
 * the models and live as long as they do. */
typedef struct ms_category_info {
    const char *name;                  /* "hostility", "insult", ... */
    const char *perspective_attribute; /* "TOXICITY", "INSULT", ...; NULL when none */
    const char *language;              /* "en" */
    const char *version;               /* the card's "version" */
    int needs_context;                 /* 1: scored only with an article or parent */
} ms_category_info;

/* How many categories are loaded, and the i-th (NULL past the end), in the
 * order of ms_result.scores. */
MS_API size_t ms_models_category_count(const ms_models *m);
MS_API const ms_category_info *ms_models_category_info(const ms_models *m, size_t i);
/* The index of a category by name, or -1 when it is not loaded. */
MS_API int ms_models_category_find(const ms_models *m, const char *name);
/* The index of the category answering a Perspective attribute ("INSULT"),
 * or -1 when no loaded model's card names it. */
MS_API int ms_models_category_for_attribute(const ms_models *m, const char *attribute);
/* 1 when category i's weights are mapped, 0 when it exists (its card was
 * read and checked) but waits for the first comment that needs it: every
 * model is mapped when the first comment scored with it comes (a
 * language's models, models/<language>/<category>, by the first comment in
 * that language; a category by the first comment a scorer scores with it,
 * ms_scorer_set_categories). For /healthz and --version. */
MS_API int ms_models_category_mapped(const ms_models *m, size_t i);
/* Why mapping category i failed (its files damaged or missing since the
 * models were loaded), or NULL when it did not. ms_score then returns the
 * same status for the comments that need it. */
MS_API const ms_error *ms_models_map_error(const ms_models *m, size_t i);
/* The i-th category's score on Perspective's scale, the share of raters
 * who would mark the comment so, through the monotone map its card records
 * ("perspective_scale"); the score itself when the card has none or i is
 * past the end. modscore's own scores (reports, policy, check) are not
 * mapped: this is for answers in Perspective's terms. */
MS_API double ms_models_perspective_score(const ms_models *m, size_t i, double score);

/* ---------------------------------------------------------------- scoring */

/* One word or measurement that pushed a score up. With a spans model
 * (models/spans) a word reason is a run of words a moderator would mark
 * ("go back to where you came from" is one reason), and a word repeated in
 * a comment is one reason per occurrence. A flagged comment always has at
 * least one reason. */
typedef struct ms_reason {
    char *category;  /* "hostility", "off_topic" or "deny" */
    char *term;      /* the words as written in the comment, or NULL */
    char *detail;    /* a sentence for reasons that are not words, or NULL */
    size_t start;    /* byte span [start, end) into the original text, */
    size_t end;      /* valid when has_span */
    int has_span;
    double weight;   /* contribution to the model's decision value */
} ms_reason;

enum {
    MS_FLAG_HOSTILITY = 1u << 0,
    MS_FLAG_OFF_TOPIC = 1u << 1,
    MS_FLAG_DENY = 1u << 2,
    MS_FLAG_OTHER = 1u << 3 /* another category is flagged: see scores[].flagged */
};

/* One loaded category's score for a comment. */
typedef struct ms_category_score {
    const char *category; /* the category's name; belongs to the models */
    double score;         /* probability in [0, 1], when has_score */
    int has_score;
    const char *missing;  /* static text saying why, when !has_score */
    int flagged;          /* at or above the policy's flag threshold */
} ms_category_score;

typedef struct ms_result {
    double hostility;      /* probability in [0, 1] */
    int has_hostility;
    double off_topic;      /* probability in [0, 1] */
    int has_off_topic;
    const char *off_topic_missing; /* static text saying why, when !has_off_topic */
    double sentiment;      /* VADER compound in [-1, 1]; NAN with
                              MS_NOTE_NO_SENTIMENT */
    unsigned flags;        /* MS_FLAG_* */
    unsigned notes;        /* MS_NOTE_* */
    ms_action action;
    ms_reason *reasons;    /* strongest first within each category */
    size_t n_reasons;
    /* Every loaded category's score, in the models' category order (the
     * hostility and off_topic fields above repeat two of them). Owned by
     * the result (ms_result_clear); the names belong to the models. A
     * result built by hand may leave it empty: reports then use the fields
     * above. */
    ms_category_score *scores;
    size_t n_scores;
    char language[8];      /* the comment's language (ISO 639-1) when detected
                              decisively (ms_language.decisive), else "" */
    char unread[32];       /* with MS_NOTE_LANGUAGE_PART: the codes of the parts
                              no loaded model reads, comma-separated ("ru,zh") */
    char declared[8];      /* with MS_NOTE_LANGUAGE_DETECTED: the language the
                              input (or the site's policy) declared */
} ms_result;

/* What one comment is scored with. article and parent_text may be NULL;
 * notes (MS_NOTE_*) are passed through to the result (a comment's notes). */
typedef struct ms_input {
    const char *text;
    size_t len;
    const ms_article *article;
    const char *parent_text;
    size_t parent_len;
    unsigned notes;
    const char *author; /* the comment's author, or NULL: a comment by the
                           article's own author is a context feature */
    const char *language; /* the comment's declared language (ISO 639-1, or a
                             BCP 47 tag), or NULL: the policy's "language",
                             else detected. A decisive detection of another
                             language wins (MS_NOTE_LANGUAGE_DETECTED) */
} ms_input;

/* A scorer: one thread's buffers over shared models and policy (borrowed;
 * they must outlive it). It scores the categories the policy scores
 * (ms_policy_scores; ms_scorer_set_categories changes that). OUT: *out,
 * free with ms_scorer_free. */
typedef struct ms_scorer ms_scorer;
MS_API ms_status ms_scorer_new(const ms_models *models, const ms_policy *policy,
                               ms_scorer **out);
MS_API void ms_scorer_free(ms_scorer *s);

/* Which comments get word reasons (ms_scorer_set_reasons). */
typedef enum ms_reasons_mode {
    MS_REASONS_FLAGGED = 0, /* comments a category flags (the default) */
    MS_REASONS_ALL = 1      /* every comment: its hostility reason spans,
                               flagged or not (`score --reasons all`) */
} ms_reasons_mode;

/* Sets which comments get word reasons. Finding them costs a second pass
 * over the comment's features (and the spans model, when models/spans is
 * loaded), so by default only flagged comments pay it. */
MS_API void ms_scorer_set_reasons(ms_scorer *s, ms_reasons_mode mode);

/* With on != 0, a comment's declared language (ms_input.language) is taken
 * as it is: detection neither overrides it nor adds other languages. For
 * labelled data known to be in the model's language (`modscore eval`),
 * where a short row that CLD2 decisively takes for another language must
 * still be scored by the model under test. Off by default: a comment from
 * a site is routed by what it is written in. */
MS_API void ms_scorer_trust_declared(ms_scorer *s, int on);

/* Scores only the categories named in names[0, n) (every model whose card
 * names one of them, in any language) from the next comment on: the
 * others are left unscored, as another language's models are (no
 * category in ms_result.scores), and this scorer never maps them. A Perspective request for one attribute,
 * or `check --categories hostility`, maps one model; names that the
 * policy's "categories" leaves out are scored all the same (the caller asked
 * for them). n == 0 goes back to the default: the categories the policy
 * scores (ms_policy_scores), every one when it has no "categories".
 * Returns MS_OK; MS_ERR_NOT_FOUND when a
 * name is no loaded model's category (the selection is then unchanged);
 * MS_ERR_ARG for a NULL scorer, or names NULL with n > 0. Deny terms are
 * looked for whatever is selected. */
MS_API ms_status ms_scorer_set_categories(ms_scorer *s, const char *const *names, size_t n);

/* Scores one comment. OUT: *result (zeroed or cleared by the caller first),
 * release its contents with ms_result_clear. Invalid UTF-8 is replaced and
 * noted, never an error. Fails only on MS_ERR_NOMEM or MS_ERR_INTERNAL, or
 * with the status of mapping a model the comment is the first to need
 * (MS_ERR_MODEL, MS_ERR_IO...: ms_models_map_error). */
MS_API ms_status ms_score(ms_scorer *s, const ms_input *in, ms_result *result);
MS_API void ms_result_clear(ms_result *r);
/* Category i's answer on Perspective's scale for a result r of these
 * models: its score through its card's map (ms_models_perspective_score),
 * or, when its card names attributes that are kinds of it
 * ("perspective_includes": a threat is toxic), the highest of that and the
 * scores r has from the models of those attributes in the same language,
 * each read through the card's map for it on category i's scale (what
 * share of raters call a comment toxic at that threat score) where that
 * reading is at least the include's "from". -1 when r has no score for i. */
MS_API double ms_models_perspective_answer(const ms_models *m, size_t i, const ms_result *r);
/* The categories whose scores category i's answer also reads (its card's
 * "perspective_includes", same language): at most max indices into out.
 * Returns how many. A scorer asked for category i alone
 * (ms_scorer_set_categories) must be asked for these too. */
MS_API size_t ms_models_perspective_kinds(const ms_models *m, size_t i, size_t *out, size_t max);
/* Whether any model of category (by name) reads kind's scores in its
 * Perspective answer (ms_models_perspective_kinds). */
MS_API int ms_models_includes_kind(const ms_models *m, const char *category, const char *kind);
/* As ms_models_perspective_answer, counting only the kinds in kinds[0, n)
 * (indices as ms_models_perspective_kinds gives them): those a site's
 * policy counts (ms_policy_counts_kind). */
MS_API double ms_models_perspective_answer_of(const ms_models *m, size_t i, const ms_result *r,
                                              const size_t *kinds, size_t n);

/* Which language a text is written in (CLD2 on all its words, @names and
 * links left out). code is an ISO 639-1 code ("un": unknown); decisive when
 * CLD2 calls it reliable on at least MS_LANGUAGE_FLOOR_BYTES of letters
 * (24): a detection that is not decisive never keeps a comment from being
 * scored, so short English is not taken for something else. A comment
 * written in several languages has each in parts[] with its share, largest
 * first (CLD2 reports three at most). */
#define MS_LANGUAGE_FLOOR_BYTES 24
#define MS_LANGUAGE_PARTS 3
typedef struct ms_language_part {
    char code[8];
    int percent;    /* share of the text's letters in that language */
} ms_language_part;
typedef struct ms_language {
    char code[8];
    int reliable;   /* CLD2's own judgement */
    int percent;    /* share of the text in that language */
    int text_bytes; /* letters CLD2 scored */
    int decisive;
    ms_language_part parts[MS_LANGUAGE_PARTS]; /* parts[0] is code itself */
    size_t n_parts;
} ms_language;

/* OUT: *out. text need not be NUL-terminated; invalid UTF-8 gives "un".
 * The whole text is looked at (up to MS_MAX_COMMENT_BYTES); when the copy
 * it needs cannot be allocated the answer is "un", undecided. */
MS_API void ms_language_detect(const char *text, size_t len, ms_language *out);
/* The English name of a language code ("de" -> "German"; a BCP 47 tag's
 * primary subtag counts), or NULL for a code it does not know. Static. */
MS_API const char *ms_language_name(const char *code);

/* 1 when a loaded model reads the language code (ISO 639-1, or a BCP 47
 * tag such as "en-GB": its primary subtag counts), as its card's
 * "language" says, else 0. A comment in a language none reads is left
 * unscored (MS_NOTE_LANGUAGE). Every shipped model is English. */
MS_API int ms_models_read_language(const ms_models *m, const char *code);

/* The VADER compound sentiment of a text, using the models' lexicon. */
MS_API double ms_sentiment(const ms_models *m, const char *text, size_t len);

/* ---------------------------------------------------------------- report */

typedef enum ms_output {
    MS_OUTPUT_TEXT = 0,
    MS_OUTPUT_JSON = 1,
    MS_OUTPUT_JSONL = 2,
    MS_OUTPUT_CSV = 3,
    MS_OUTPUT_HTML = 4
} ms_output;

/* Writes a report to a stream as comments arrive. JSON Lines and CSV write
 * each record as it comes, flushed at once when the stream is a terminal
 * and through stdio's buffer otherwise (a pipe or a file: one write every
 * few dozen records; ms_reporter_end flushes); JSON, text and HTML may
 * hold records until ms_reporter_end. The stream is borrowed. OUT: *out, free with
 * ms_reporter_free. */
typedef struct ms_reporter ms_reporter;
MS_API ms_status ms_reporter_new(ms_output format, FILE *stream, const ms_policy *policy,
                                 ms_reporter **out);
MS_API void ms_reporter_free(ms_reporter *r);
/* Names the loaded categories, so the CSV header and the text table have a
 * column for each (call before the first ms_reporter_begin; the models
 * must outlive the reporter). Without it they have hostility and off_topic
 * columns; JSON, JSON Lines and HTML list whatever each result carries. */
MS_API ms_status ms_reporter_set_models(ms_reporter *r, const ms_models *models);
/* Starts a discussion's report; article may be NULL. */
MS_API ms_status ms_reporter_begin(ms_reporter *r, const ms_article *article);
MS_API ms_status ms_reporter_comment(ms_reporter *r, const ms_comment *c, const ms_result *res);
/* A JSON Lines input line that could not be read: {"line":N,"error":"..."}. */
MS_API ms_status ms_reporter_error(ms_reporter *r, long line, const char *message);
/* Finishes the report (summary, closing brackets) and flushes the stream.
 * MS_ERR_IO when any write failed. */
MS_API ms_status ms_reporter_end(ms_reporter *r);

/* One comment's verdict as a JSON object text ("id" omitted when c is
 * NULL), as `modscore check` prints it. OUT: free with ms_free. NULL when
 * out of memory. */
MS_API char *ms_result_json(const ms_comment *c, const ms_result *res);

/* Scores one JSON Lines line (without its newline) as `modscore score
 * --output jsonl` does, for callers that write the stream themselves (the
 * Python binding, a job scoring a file in partitions): r is the stream's
 * reader (article lines define articles for later lines), lineno the
 * line's number (a comment without an "id" is given it). OUT: *record, the
 * line the command writes for it without the newline (free with ms_free):
 * the comment's record, or NULL for a line that only defines an article.
 * A line the reader rejects (MS_ERR_PARSE, MS_ERR_LIMIT) returns that
 * status with err filled and *record the command's error record,
 * {"line":N,"error":"..."}; on any other failure *record is NULL. */
MS_API ms_status ms_score_jsonl_line(ms_scorer *s, ms_jsonl_reader *r, const char *line,
                                     size_t len, long lineno, char **record, ms_error *err);

/* ---------------------------------------------------------------- training */

typedef enum ms_task {
    MS_TASK_HOSTILITY = 0,
    MS_TASK_OFF_TOPIC = 1
} ms_task;

typedef struct ms_train_progress {
    const char *stage; /* "features", "cv", "final", "calibrate" */
    int fold, folds;   /* current fold (1-based) during "cv" */
    int grid_point, grid_points;
    double c;
    double elapsed_s;
    double remaining_s; /* estimate; < 0 when unknown */
} ms_train_progress;

/* The training loss (ms_train_options.loss). Either way the model is
 * linear, written as a libsvm linear C-SVC model with Platt's sigmoid. */
typedef enum ms_loss {
    MS_LOSS_DEFAULT = 0, /* the task's default (see ms_train_options) */
    MS_LOSS_HINGE,       /* L2-regularised hinge loss (C-SVC) */
    MS_LOSS_LOGISTIC     /* L2-regularised logistic regression (liblinear's dual
                            solver); not with use_libsvm_solver */
} ms_loss;

#define MS_TRAIN_JOBS_MAX 64

/* ms_train_options.lexicon_block */
enum {
    MS_LEXICON_BLOCK_DEFAULT = 0,
    MS_LEXICON_BLOCK_NONE = 1,
    MS_LEXICON_BLOCK_STYLE = 2,
    MS_LEXICON_BLOCK_LIST = 3 /* style and the language's own profanity list,
                                 lexicon_dir/LANGUAGE/profanity.txt */
};

typedef struct ms_train_options {
    ms_task task;
    int folds;            /* cross-validation folds; default 5 */
    uint64_t seed;        /* same seed, same data: the same model bit for bit */
    const double *c_grid; /* NULL: the default grid */
    size_t n_c;
    int use_libsvm_solver; /* 1: libsvm's own svm_train (slow); 0: the primal
                              linear solver, written as a libsvm model */
    const char *lexicon_dir; /* lexicons to build lexicon features with */
    /* Feature settings; 0 keeps the task's default (char 2-5, words 1-2,
     * min_df 2, 2^20 buckets). */
    int char_ngram_min, char_ngram_max, word_ngram_max, min_df, hash_bits;
    /* Words at most you_window tokens from a second-person word (you, your,
     * u, ...) also count as "aimed" words. 0 keeps the task's default
     * (hostility 4, off-topic off); < 0 is off. */
    int you_window;
    int no_context;  /* 1: the off-topic task without its context features
                        (the comment's words alone; a baseline) */
    /* Model settings; 0 keeps the task's default, chosen by 5-fold
     * cross-validated ROC AUC on the training split (hostility: Impermium
     * train; the card records what was used): */
    ms_loss loss;    /* hostility: logistic (hinge with use_libsvm_solver);
                        off-topic: hinge */
    /* NB-SVM scaling (Wang and Manning 2012): each hashed feature weighted
     * by |r_j|^nb_scale, r_j the log ratio of its document rates in the
     * positive and negative training texts (computed inside each
     * cross-validation fold from that fold's training rows only).
     * Default: hostility 0.5, off-topic off; < 0: off. */
    double nb_scale;
    double char_weight;    /* char n-gram block's norm, the word block's being 1 (1) */
    double lexicon_weight; /* dense lexicon features' scale: hostility 0.15, off-topic 1 */
    int no_class_weight;   /* 1: both classes weigh the same (default: balanced) */
    int no_warm_start;     /* 1: every cross-validation fit starts from zero
                              (default: from the same fold's fit at the
                              previous C; for measuring what that saves) */
    int jobs;              /* threads for the cross-validation folds (0 or 1:
                              one; at most MS_TRAIN_JOBS_MAX); each holds a
                              copy of its fold's training rows. The model is
                              the same for any number. */
    /* Called as training goes on; with jobs > 1 from the fold threads too,
     * never two calls at once. */
    void (*progress)(void *ud, const ms_train_progress *p);
    void *progress_ud;
    /* The category the card names (NULL: the task's, "hostility" or
     * "off_topic"): a hostility-task model trained on insult labels is the
     * "insult" category. perspective_attribute is the card's Perspective
     * attribute (NULL: the category's known one, TOXICITY for hostility,
     * INSULT for insult, ...; none for a name Perspective lacks). */
    const char *category;
    const char *perspective_attribute;
    /* Words at most group_window tokens from a word naming an identity group
     * (women, muslims, jews, immigrants, ...) also count as "group-aimed"
     * words, a feature of their own (hate is aimed at a group); 0 is off,
     * the default for every task (identity_attack is built with 4). */
    int group_window;
    /* 1: the violent-intent block (violent words after an intent or call
     * phrase, aimed at a person: what a threat is made of), version 1 of
     * its word lists; 0 is off, the default for every task. */
    int intent;
    /* The language the card names (NULL: "en"; DESIGN.md, "Languages"). */
    const char *language;
    /* The dense lexicon block: MS_LEXICON_BLOCK_DEFAULT (the task's: the
     * lexicons', which are English), _NONE, or _STYLE (only what holds in
     * any language: capitals, '!', disguised words; VADER, AFINN and the
     * English insult lists mean nothing on other text), or _LIST (style and
     * hits on the language's own profanity list, lexicon_dir/LANGUAGE/
     * profanity.txt, whose hash the card records as "list_hash"). */
    int lexicon_block;
    /* Fold rules a language adds to the text folding, comma-separated
     * (umlaut_e, dotless_i, arabic, devanagari, roman_vowels; NULL or ""
     * none): MS_ERR_ARG for a name modscore does not know. */
    const char *fold;
    /* ms_adapt: the decisions used are at most the last max_decisions of
     * set (a decision log is appended as moderators decide, so these are
     * the latest); the older ones are left out as if not given. 0:
     * MS_ADAPT_MAX_DECISIONS; SIZE_MAX: every one. Each decision used holds
     * its row of features while adapting (about 1.5 KB with hostility's),
     * so this bounds the memory and the time. */
    size_t max_decisions;
    /* Identity terms as one placeholder (the lexicons' identity_terms.txt):
     * MS_GROUP_TERMS_ADD also counts each word 1-3-gram holding a term with
     * the term replaced ("<group> are vermin"), so what is learnt of one
     * group holds for every group; MS_GROUP_TERMS_REPLACE counts terms only
     * so. 0 (MS_GROUP_TERMS_OFF) is off, the default for every task. The
     * card records the list's hash, and the model loads only beside it. */
    int group_terms;
    /* With group_terms, in a sentence naming a group: each word and
     * placeholder after a negation ("not", "dont"), after a verb of saying
     * ("say", "claims", "calling") in its clause, or inside double quotes,
     * marked by that scope ("<group> are not parasites", "stop saying
     * <group> are ..."): MS_GROUP_SCOPE_ADD counts it also so,
     * MS_GROUP_SCOPE_REPLACE only so (its own n-grams left out). 0
     * (MS_GROUP_SCOPE_OFF) is off, the default. English. */
    int group_scope;
    /* Where the char n-grams come from: MS_CHAR_SOURCE_WORDS (0, the
     * default) the folded words; _CHUNKS the text's whitespace-separated
     * chunks, lower-cased, punctuation, emoji and symbols kept
     * (scikit-learn's char_wb analyser on the raw text); _BOTH both, the
     * chunks' n-grams as features of their own. The card records it as
     * "char_chunks". */
    int char_chunks;
} ms_train_options;

/* ms_train_options.group_terms */
enum { MS_GROUP_TERMS_OFF = 0, MS_GROUP_TERMS_ADD = 1, MS_GROUP_TERMS_REPLACE = 2 };
/* ms_train_options.group_scope */
enum { MS_GROUP_SCOPE_OFF = 0, MS_GROUP_SCOPE_ADD = 1, MS_GROUP_SCOPE_REPLACE = 2 };
/* ms_train_options.char_chunks */
enum { MS_CHAR_SOURCE_WORDS = 0, MS_CHAR_SOURCE_CHUNKS = 1, MS_CHAR_SOURCE_BOTH = 2 };

/* ms_train_options.max_decisions' default: a site's latest 100,000
 * decisions (about 150 MB of rows). */
#define MS_ADAPT_MAX_DECISIONS 100000u

/* Trains a model on set and writes the model directory out_dir atomically
 * (a temporary directory beside it, then rename): when training fails, a
 * model already at out_dir is untouched. */
MS_API ms_status ms_train(const ms_dataset *set, const ms_train_options *opt,
                          const char *out_dir, ms_error *err);

/* How ms_adapt combines the base model with a site's decisions. */
typedef enum ms_adapt_method {
    MS_ADAPT_DEFAULT = 0, /* the measured best, MS_ADAPT_PRIOR (README,
                             bench/adapt.sh) */
    MS_ADAPT_FEATURE,     /* the base model's decision value as a feature beside
                             the site's words */
    MS_ADAPT_PRIOR,       /* a prior pulling the weights towards the base
                             model's: |w - w_base|^2 as the regulariser */
    MS_ADAPT_BOTH,        /* the prior, with the base model's weight free */
    MS_ADAPT_ALL          /* every method as a candidate */
} ms_adapt_method;

/* Adapts the model directory base_dir (its weights, idf and feature
 * settings; never its training data) to a site's decisions in set (the
 * last opt->max_decisions of them), and
 * writes the result to out_dir atomically: one libsvm linear model over
 * the base model's features, Platt-calibrated on the site's
 * cross-validated decision values, with a card that names the base model
 * and gives both models' cross-validated figures. The strength is chosen
 * by cross-validation (opt->folds, opt->seed; opt->c_grid overrides the
 * strengths) with the unadapted base model as one candidate. Uses
 * opt->task (must be the base model's), lexicon_dir and progress.
 * MS_ERR_PARSE: fewer than 20 decisions, one class only, a text decided
 * both ways, a base model of another feature version or lexicon set;
 * MS_ERR_ARG: a base model of another task. Nothing is written then. */
MS_API ms_status ms_adapt(const ms_dataset *set, const ms_train_options *opt,
                          const char *base_dir, ms_adapt_method method, const char *out_dir,
                          ms_error *err);

/* Evaluation of a model on labelled data. */
typedef struct ms_eval_report {
    size_t n, positives;
    double roc_auc, pr_auc, brier;
    double threshold_review, threshold_reject;
    /* at the review threshold */
    double precision, recall, f1;
    size_t tp, fp, tn, fn;
    /* at the reject threshold */
    double precision_reject, recall_reject;
    /* reliability: 10 bins of predicted probability */
    double bin_mean_pred[10], bin_frac_pos[10];
    size_t bin_count[10];
} ms_eval_report;

MS_API ms_status ms_eval(const ms_models *models, ms_task task, const ms_policy *policy,
                         const ms_dataset *set, ms_eval_report *out, ms_error *err);
/* ms_eval for a category by name (ms_eval's task names hostility or
 * off_topic). The review and reject thresholds are the policy's for it;
 * the category is scored whatever the policy's "categories" says. */
MS_API ms_status ms_eval_category(const ms_models *models, const char *category,
                                  const ms_policy *policy, const ms_dataset *set,
                                  ms_eval_report *out, ms_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MODSCORE_H */

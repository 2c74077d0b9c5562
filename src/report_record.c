/* report_record.c - one comment's verdict as a JSON object.
 *
 * One record builder serves JSON Lines, JSON and ms_result_json:
 *   {"id":"c2","author":"bob","scores":{"hostility":0.91,"off_topic":0.12,
 *    "sentiment":-0.6},"flags":["hostility","deny"],"action":"reject",
 *    "reasons":[{"category":"hostility","term":"idiot","start":10,"end":15,
 *    "weight":0.83},{"category":"off_topic","detail":"...","weight":0.4}],
 *    "notes":["invalid_utf8","off_topic_missing: no article"]}
 * "author" only when the comment has one; "hostility" and "off_topic" only
 * when scored (a missing off_topic score adds the note "off_topic_missing"
 * with the reason after ": "); "term", "detail", "start"/"end" only when
 * set; "notes" only when there are any. The JSON document's records also
 * carry "text" after "author". */
#include "report_priv.h"
#include "report_lang.h"
#include "category.h"

#include <math.h>
#include <string.h>

static const struct {
    unsigned bit;
    const char *name;
} note_names[] = {
    {MS_NOTE_INVALID_UTF8, "invalid_utf8"},
    {MS_NOTE_EMPTY, "empty"},
    {MS_NOTE_TRUNCATED, "truncated"},
    {MS_NOTE_NO_SENTIMENT, "sentiment_missing: no sentiment lexicon reads the comment's language"},
};

static void w_flag(wbuf *w, int *first, const char *name, const char *sep, int quote)
{
    if (!*first)
        w_adds(w, sep);
    *first = 0;
    if (quote)
        w_json_cstr(w, name);
    else
        w_adds(w, name);
}

/* The flagged categories' names (in the models' order), then "deny", each
 * quoted for JSON (quote 1) or as is, separated by sep. A result without
 * scores (built by hand) has its legacy categories' MS_FLAG_* bits named. */
void w_flags(wbuf *w, const ms_result *res, const char *sep, int quote)
{
    int first = 1;
    for (size_t i = 0; i < res->n_scores; i++)
        if (res->scores[i].flagged && res->scores[i].category)
            w_flag(w, &first, res->scores[i].category, sep, quote);
    for (int c = 0; !res->n_scores && c < MS_CAT_COUNT; c++) {
        const char *name = ms_category_name((ms_category)c);
        if (res->flags & ms_category_flag(name))
            w_flag(w, &first, name, sep, quote);
    }
    if (res->flags & MS_FLAG_DENY)
        w_flag(w, &first, "deny", sep, quote);
}

/* The score of a category in a result (the legacy fields when it has no
 * scores). 1 when it has one. */
int score_of(const ms_result *res, const char *name, double *v)
{
    if (!res->n_scores) {
        int c = ms_category_legacy(name);
        return c >= 0 && ms_result_legacy_score(res, (ms_category)c, v);
    }
    for (size_t i = 0; i < res->n_scores; i++) {
        if (res->scores[i].category && strcmp(res->scores[i].category, name) == 0) {
            *v = res->scores[i].score;
            return res->scores[i].has_score;
        }
    }
    return 0;
}

/* "scores":{...}: each scored category (the legacy fields for a result
 * built by hand), then sentiment unless the language is unread. */
static void w_scores(wbuf *w, const ms_result *res)
{
    int first = 1;
    w_add(w, "{", 1);
    if (res->n_scores) {
        for (size_t i = 0; i < res->n_scores; i++) {
            if (!res->scores[i].has_score || !res->scores[i].category)
                continue;
            w_key(w, &first, res->scores[i].category);
            w_num(w, res->scores[i].score);
        }
    } else {
        for (int c = 0; c < MS_CAT_COUNT; c++) {
            double v;
            if (ms_result_legacy_score(res, (ms_category)c, &v)) {
                w_key(w, &first, ms_category_name((ms_category)c));
                w_num(w, v);
            }
        }
    }
    /* VADER's rules are English too */
    if (!(res->notes & MS_NOTE_LANGUAGE) && isfinite(res->sentiment)) {
        w_key(w, &first, "sentiment");
        w_num(w, res->sentiment);
    }
    w_add(w, "}", 1);
}

static void w_reasons(wbuf *w, const ms_result *res)
{
    w_add(w, "[", 1);
    for (size_t i = 0; i < res->n_reasons; i++) {
        const ms_reason *rs = &res->reasons[i];
        if (i)
            w_add(w, ",", 1);
        int first = 1;
        w_add(w, "{", 1);
        w_key(w, &first, "category");
        w_json_cstr(w, rs->category);
        if (rs->term) {
            w_key(w, &first, "term");
            w_json_cstr(w, rs->term);
        }
        if (rs->detail) {
            w_key(w, &first, "detail");
            w_json_cstr(w, rs->detail);
        }
        if (rs->has_span) {
            w_key(w, &first, "start");
            w_fmt_int(w, (long long)rs->start);
            w_key(w, &first, "end");
            w_fmt_int(w, (long long)rs->end);
        }
        w_key(w, &first, "weight");
        w_num(w, rs->weight);
        w_add(w, "}", 1);
    }
    w_add(w, "]", 1);
}

/* How a list of notes is written: JSON (each a quoted string, separated by
 * commas) or plain for the text table and CSV (sep between them, escaped
 * for mode). The words are the same. */
typedef struct note_style {
    int json;
    const char *sep;
    esc_mode mode;
    int first;
} note_style;

static void note_begin(wbuf *w, note_style *ns)
{
    if (!ns->first)
        w_adds(w, ns->json ? "," : ns->sep);
    ns->first = 0;
    if (ns->json)
        w_add(w, "\"", 1);
}

static void note_end(wbuf *w, const note_style *ns)
{
    if (ns->json)
        w_add(w, "\"", 1);
}

/* The comma-separated language codes as "German (de), Russian (ru)" (a
 * code alone when its name is not known). */
static void w_language_names(wbuf *w, const char *codes, esc_mode mode)
{
    char names[256];
    rl_language_names(codes, names, sizeof names);
    w_clean(w, names, strlen(names), mode);
}

/* One note naming languages: "<a><codes><b><codes2><c>" (codes2 NULL:
 * "<a><codes><b>"). */
static void w_language_note(wbuf *w, note_style *ns, const char *a, const char *codes,
                            const char *b, const char *codes2, const char *c)
{
    esc_mode mode = ns->json ? ESC_JSON : ns->mode;
    note_begin(w, ns);
    w_adds(w, a);
    w_language_names(w, codes, mode);
    w_adds(w, b);
    if (codes2) {
        w_language_names(w, codes2, mode);
        w_adds(w, c);
    }
    note_end(w, ns);
}

/* 1 when off_topic is among the result's categories. */
static int off_topic_listed(const ms_result *res)
{
    int listed = 0;
    for (size_t i = 0; i < res->n_scores; i++)
        listed |= ms_category_legacy(res->scores[i].category) == MS_CAT_OFF_TOPIC;
    return listed;
}

/* The notes: the MS_NOTE_* names, the languages, then why a score is
 * missing ("off_topic_missing: no article"; with no off-topic model loaded
 * at all, that too, as it always did). Returns how many were written. */
static size_t w_note_items(wbuf *w, const ms_result *res, note_style *ns)
{
    size_t n = 0;
    esc_mode mode = ns->json ? ESC_JSON : ns->mode;
    for (size_t i = 0; i < COUNT_OF(note_names); i++) {
        if (res->notes & note_names[i].bit) {
            note_begin(w, ns);
            w_adds(w, note_names[i].name);
            note_end(w, ns);
            n++;
        }
    }
    if (res->notes & MS_NOTE_LANGUAGE_DETECTED)
        w_language_note(w, ns, "language: declared ", res->declared, ", written in ",
                        res->language, ""), n++;
    if (res->notes & MS_NOTE_LANGUAGE)
        w_language_note(w, ns, "not scored: ", res->language, " (no loaded model reads it)",
                        NULL, NULL), n++;
    if (res->notes & MS_NOTE_LANGUAGE_PART)
        w_language_note(w, ns, "language: partly in ", res->unread,
                        ", which no loaded model reads; scored on the rest", NULL, NULL), n++;
    int off_listed = off_topic_listed(res);
    for (size_t i = 0; !(res->notes & MS_NOTE_LANGUAGE) && i <= res->n_scores; i++) {
        const char *name, *why;
        if (i < res->n_scores) {
            if (res->scores[i].has_score || !res->scores[i].category)
                continue;
            name = res->scores[i].category;
            why = res->scores[i].missing;
        } else if (!res->has_off_topic && !off_listed) {
            name = ms_category_name(MS_CAT_OFF_TOPIC);
            why = res->off_topic_missing;
        } else {
            break;
        }
        note_begin(w, ns);
        w_clean(w, name, strlen(name), mode);
        w_adds(w, "_missing");
        if (why && why[0]) {
            w_add(w, ": ", 2);
            w_clean(w, why, strlen(why), mode);
        }
        note_end(w, ns);
        n++;
    }
    return n;
}

void w_notes_plain(wbuf *w, const ms_result *res, const char *sep, esc_mode mode)
{
    note_style ns = {0, sep, mode, 1};
    w_note_items(w, res, &ns);
}

/* "notes":[...] when there are any. */
static void w_notes(wbuf *w, int *first, const ms_result *res)
{
    wbuf items = {{0}, 0};
    note_style ns = {1, ",", ESC_JSON, 1};
    if (!w_note_items(&items, res, &ns)) {
        ms_buf_free(&items.b);
        return;
    }
    w_key(w, first, "notes");
    w_add(w, "[", 1);
    w_add(w, items.b.data, items.b.len);
    w_add(w, "]", 1);
    if (items.nomem)
        w->nomem = 1;
    ms_buf_free(&items.b);
}

void w_record(wbuf *w, const ms_comment *c, const ms_result *res, int with_text)
{
    int first = 1;
    w_add(w, "{", 1);
    if (c) {
        w_key(w, &first, "id");
        w_json_cstr(w, c->id);
        if (c->author) {
            w_key(w, &first, "author");
            w_json_cstr(w, c->author);
        }
        if (with_text) {
            w_key(w, &first, "text");
            if (c->text)
                w_json_str(w, c->text, c->text_len);
            else
                w_adds(w, "null");
        }
    }
    w_key(w, &first, "scores");
    w_scores(w, res);
    if (res->language[0]) {
        w_key(w, &first, "language");
        w_json_cstr(w, res->language);
    }
    w_key(w, &first, "flags");
    w_add(w, "[", 1);
    w_flags(w, res, ",", 1);
    w_add(w, "]", 1);
    w_key(w, &first, "action");
    w_json_cstr(w, ms_action_name(res->action));
    w_key(w, &first, "reasons");
    w_reasons(w, res);
    w_notes(w, &first, res);
    w_add(w, "}", 1);
}

char *ms_result_json(const ms_comment *c, const ms_result *res)
{
    if (!res)
        return NULL;
    wbuf w = {{0}, 0};
    w_record(&w, c, res, 0);
    if (w.nomem) {
        ms_buf_free(&w.b);
        return NULL;
    }
    return w.b.data;
}

/* Up to three distinct terms (ESC_TEXT: quoted and separated by a space;
 * otherwise joined by ';'), or else the first detail. */
void w_top_reasons(wbuf *w, const ms_result *res, esc_mode mode)
{
    size_t shown = 0;
    for (size_t i = 0; i < res->n_reasons && shown < 3; i++) {
        const char *t = res->reasons[i].term;
        if (!t)
            continue;
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = res->reasons[j].term && strcmp(res->reasons[j].term, t) == 0;
        if (dup)
            continue;
        if (shown++)
            w_add(w, mode == ESC_TEXT ? " " : ";", 1);
        if (mode == ESC_TEXT)
            w_add(w, "\"", 1);
        w_clean(w, t, strlen(t), mode);
        if (mode == ESC_TEXT)
            w_add(w, "\"", 1);
    }
    if (shown)
        return;
    for (size_t i = 0; i < res->n_reasons; i++) {
        if (res->reasons[i].detail) {
            w_clean(w, res->reasons[i].detail, strlen(res->reasons[i].detail), mode);
            return;
        }
    }
}

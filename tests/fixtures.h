/* fixtures.h - cmocka set-ups that several test programs share. Header
 * only, as each tests/test_*.c is a program of its own; include it after
 * <cmocka.h>. */
#ifndef MS_TEST_FIXTURES_H
#define MS_TEST_FIXTURES_H

#include "lexicon.h"
#include "modscore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Group set-up: *state is the shipped lexicons (models/lexicons). */
static inline int lexicon_setup(void **state)
{
    const char *dir = MS_MODELS_DIR "/lexicons";
    ms_lexicon *lx = NULL;
    ms_error err;
    memset(&err, 0, sizeof err);
    if (ms_lexicon_load(dir, &lx, &err) != MS_OK) {
        fprintf(stderr, "load %s: %s:%ld: %s\n", dir, err.source, err.line, err.message);
        return -1;
    }
    *state = lx;
    return 0;
}

static inline int lexicon_teardown(void **state)
{
    ms_lexicon_free(*state);
    return 0;
}

/* The shipped models with the default policy, and a scorer over them. */
typedef struct scoring {
    ms_models *models;
    ms_policy *policy;
    ms_scorer *scorer;
} scoring;

static inline void scoring_close(scoring *s)
{
    ms_scorer_free(s->scorer);
    ms_policy_free(s->policy);
    ms_models_free(s->models);
    memset(s, 0, sizeof *s);
}

/* The models in dir with the default policy and a scorer. Returns 0, or
 * -1 (s closed, the reason on stderr) when something does not load. */
static inline int scoring_open_at(scoring *s, const char *dir)
{
    ms_error err;
    memset(s, 0, sizeof *s);
    ms_status st = ms_models_load(dir, &s->models, &err);
    if (st != MS_OK)
        fprintf(stderr, "%s: %s\n", err.source, err.message);
    if (st == MS_OK &&
        ms_policy_default(&s->policy) == MS_OK &&
        ms_scorer_new(s->models, s->policy, &s->scorer) == MS_OK)
        return 0;
    scoring_close(s);
    return -1;
}

/* Returns 0, or -1 (s closed) when something does not load. */
static inline int scoring_open(scoring *s) { return scoring_open_at(s, MS_MODELS_DIR); }

/* Group set-up: *state is a scoring (scoring_teardown frees it). */
static inline int scoring_setup(void **state)
{
    scoring *s = calloc(1, sizeof *s);
    *state = s;
    return s ? scoring_open(s) : -1;
}

static inline int scoring_teardown(void **state)
{
    if (*state)
        scoring_close(*state);
    free(*state);
    return 0;
}

/* A model set in a temporary directory (OUT: dir): the shipped lexicons
 * and the models of cats (space-separated), linked, the card of edit (one
 * of them) the shipped one updated with the members of json (an object's
 * inside, e.g. "\"language\":\"de\""). Remove it with rm -rf. */
static inline int temp_models(char dir[32], const char *cats, const char *edit, const char *json)
{
    strcpy(dir, "/tmp/ms_models.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "set -e; cd '%s'; ln -s '" MS_MODELS_DIR "'/lexicons lexicons; "
             "for c in %s; do mkdir $c; for f in model.svm idf.bin card.json; do "
             "ln -s '" MS_MODELS_DIR "'/$c/$f $c/$f; done; done; rm %s/card.json; "
             "python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); "
             "c.update(json.loads(sys.argv[2])); json.dump(c, open(sys.argv[3], \"w\"))' '"
             MS_MODELS_DIR "/%s/card.json' '{%s}' %s/card.json",
             dir, cats, edit, edit, json, edit);
    return system(cmd) == 0 ? 0 : -1;
}

#endif

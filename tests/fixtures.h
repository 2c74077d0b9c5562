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

/* Returns 0, or -1 (s closed) when something does not load. */
static inline int scoring_open(scoring *s)
{
    ms_error err;
    memset(s, 0, sizeof *s);
    if (ms_models_load(MS_MODELS_DIR, &s->models, &err) == MS_OK &&
        ms_policy_default(&s->policy) == MS_OK &&
        ms_scorer_new(s->models, s->policy, &s->scorer) == MS_OK)
        return 0;
    scoring_close(s);
    return -1;
}

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

#endif

/* test_spans.c - the reason-spans module: the shipped model's spans as a
 * moderator would mark them, every flag with a reason, reasons for every
 * comment on request, reading span data, and a trained model that loads
 * the same from model.bin as from model.svm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "card.h"
#include "fixtures.h"
#include "spans.h"
#include "spans_train.h"
#include "scorer.h"
#include "util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t word_reasons(const ms_result *r, const char *category)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_reasons; i++)
        n += r->reasons[i].has_span && !strcmp(r->reasons[i].category, category);
    return n;
}

static void score(scoring *s, const char *text, ms_result *r)
{
    ms_input in = {.text = text, .len = strlen(text)};
    memset(r, 0, sizeof *r);
    assert_int_equal(ms_score(s->scorer, &in, r), MS_OK);
}

/* The case: many small pushes, each occurrence under the old
 * per-word floor, gave a reject with no reasons at all. */
static void test_every_flag_has_reasons(void **state)
{
    scoring *s = *state;
    ms_buf text = {0};
    for (int i = 0; i < 200; i++)
        assert_int_equal(ms_buf_adds(&text, "you idiot "), MS_OK);
    ms_result r;
    score(s, text.data, &r);
    assert_true(r.flags & MS_FLAG_HOSTILITY);
    assert_true(word_reasons(&r, "hostility") >= 1);
    for (size_t i = 0; i < r.n_reasons; i++) {
        assert_true(r.reasons[i].has_span);
        assert_memory_equal(text.data + r.reasons[i].start, r.reasons[i].term,
                            r.reasons[i].end - r.reasons[i].start);
        assert_non_null(strstr(r.reasons[i].term, "idiot"));
    }
    ms_result_clear(&r);
    ms_buf_free(&text);
}

/* A run of marked words is one reason, with the category and a weight. */
static void test_multi_word_span(void **state)
{
    scoring *s = *state;
    ms_result r;
    score(s, "Shut up you ignorant fool", &r);
    int found = 0;
    for (size_t i = 0; i < r.n_reasons; i++)
        if (r.reasons[i].has_span && !strcmp(r.reasons[i].term, "ignorant fool") &&
            !strcmp(r.reasons[i].category, "hostility")) {
            found = 1;
            assert_int_equal(r.reasons[i].start, 12);
            assert_int_equal(r.reasons[i].end, 25);
            assert_true(r.reasons[i].weight > 0);
        }
    assert_true(found);
    ms_result_clear(&r);
}

/* Reasons for flags only by default; for every comment on request. */
static void test_reasons_all(void **state)
{
    scoring *s = *state;
    const char *text = "Only a moron would vote for that.";
    ms_result r;
    ms_policy *lenient = NULL;
    ms_scorer *sc = NULL;
    assert_int_equal(ms_policy_default(&lenient), MS_OK);
    assert_int_equal(ms_policy_override(lenient, "hostility.reject=0.9999", NULL), MS_OK);
    assert_int_equal(ms_policy_override(lenient, "hostility=0.999", NULL), MS_OK);
    assert_int_equal(ms_scorer_new(s->models, lenient, &sc), MS_OK);
    ms_input in = {.text = text, .len = strlen(text)};
    memset(&r, 0, sizeof r);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_false(r.flags & MS_FLAG_HOSTILITY);
    assert_int_equal(word_reasons(&r, "hostility"), 0);
    ms_result_clear(&r);
    ms_scorer_set_reasons(sc, MS_REASONS_ALL);
    assert_int_equal(ms_score(sc, &in, &r), MS_OK);
    assert_false(r.flags & MS_FLAG_HOSTILITY);
    assert_int_equal(word_reasons(&r, "hostility"), 1);
    assert_string_equal(r.reasons[0].term, "moron");
    ms_result_clear(&r);
    /* and a civil comment has none either way */
    score(s, "Thanks for the thoughtful article.", &r);
    assert_int_equal(r.n_reasons, 0);
    ms_result_clear(&r);
    ms_scorer_free(sc);
    ms_policy_free(lenient);
}

static void test_set_read(void **state)
{
    (void)state;
    ms_spans_set set = {0};
    ms_error err;
    const char good[] = "{\"text\":\"you idiot\",\"spans\":[[4,9]]}\n"
                        "{\"text\":\"fine\",\"spans\":[]}\n";
    assert_int_equal(ms_spans_set_read(good, sizeof good - 1, "t", &set, &err), MS_OK);
    assert_int_equal(set.n, 2);
    assert_int_equal(set.items[0].n_spans, 1);
    assert_int_equal(set.items[0].spans[1], 9);
    const char bad[] = "{\"text\":\"abc\",\"spans\":[[1,2]]}\n{\"text\":\"abc\",\"spans\":[[2,9]]}\n";
    assert_int_equal(ms_spans_set_read(bad, sizeof bad - 1, "t", &set, &err), MS_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(set.n, 2); /* nothing appended */
    ms_spans_set_clear(&set);
}

/* A progress line: counted; each names the span trainer. */
static void count_line(void *ud, const char *line)
{
    assert_true(strncmp(line, "spans: ", 7) == 0);
    assert_null(strchr(line, '\n'));
    (*(int *)ud)++;
}

/* A model trained here loads, from model.bin and from model.svm alone,
 * with the same spans; its card has no "category" (not a scoring
 * category). */
static void test_train_round_trip(void **state)
{
    scoring *s = *state;
    static const char *const insults[] = {"idiot", "moron", "clown", "fool", "loser"};
    static const char *const fillers[] = {"the council", "that plan", "this vote", "my neighbour",
                                          "the mayor", "our team"};
    ms_buf data = {0};
    for (int i = 0; i < 60; i++) {
        const char *f = fillers[i % 6], *w = insults[i % 5];
        char line[256];
        int pre = snprintf(line, sizeof line, "{\"text\":\"I think %s is run by a ", f);
        size_t start = (size_t)pre - strlen("{\"text\":\"");
        snprintf(line + pre, sizeof line - (size_t)pre,
                 "%s, honestly.\",\"spans\":[[%zu,%zu]]}\n", w, start, start + strlen(w));
        assert_int_equal(ms_buf_adds(&data, line), MS_OK);
    }
    ms_spans_set set = {0};
    ms_error err;
    assert_int_equal(ms_spans_set_read(data.data, data.len, "t", &set, &err), MS_OK);
    char dir[] = "/tmp/test_spans.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[64], path[96];
    snprintf(out, sizeof out, "%s/spans", dir);
    ms_spans_options opt = {.hash_bits = 12, .seed = 3, .quiet = 1};
    assert_int_equal(ms_spans_train(s->scorer, ms_models_lexicon(s->models), &set, &opt, out,
                                    &err),
                     MS_OK);
    snprintf(path, sizeof path, "%s/card.json", out);
    char *card;
    size_t len;
    assert_int_equal(ms_read_file(path, 1 << 20, &card, &len, &err), MS_OK);
    assert_null(strstr(card, "\"category\""));
    assert_non_null(strstr(card, "\"task\": \"spans\""));
    free(card);
    /* a second run replaces the model directory; a directory of someone's
     * own files is refused and left as it was (issue 17). Not quiet, its
     * progress goes to the caller's callback: the library prints nothing */
    char errpath[96];
    snprintf(errpath, sizeof errpath, "%s/stderr", dir);
    fflush(stderr);
    int saved = dup(2), fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 2), 2);
    close(fd);
    int lines = 0;
    opt.quiet = 0;
    opt.progress = count_line;
    opt.progress_ud = &lines;
    ms_status st =
        ms_spans_train(s->scorer, ms_models_lexicon(s->models), &set, &opt, out, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(st, MS_OK);
    assert_int_equal(lines, 6); /* the rows, each of the 4 Cs, the model written */
    struct stat es;
    assert_int_equal(stat(errpath, &es), 0);
    assert_int_equal(es.st_size, 0);
    assert_int_equal(unlink(errpath), 0);
    opt.quiet = 1;
    char user[80], notes[96];
    snprintf(user, sizeof user, "%s/user", dir);
    snprintf(notes, sizeof notes, "%s/notes.txt", user);
    assert_int_equal(mkdir(user, 0755), 0);
    FILE *nf = fopen(notes, "w");
    assert_non_null(nf);
    fclose(nf);
    assert_int_equal(ms_spans_train(s->scorer, ms_models_lexicon(s->models), &set, &opt, user,
                                    &err),
                     MS_ERR_CANT_CREATE);
    assert_int_equal(unlink(notes), 0);
    assert_int_equal(rmdir(user), 0);

    const char *text = "I think the mayor is run by a clown, honestly.";
    const ms_tokens *t;
    const double *contrib;
    ms_spans_model *m[2] = {NULL, NULL};
    ms_spans_work *w = NULL;
    assert_int_equal(ms_spans_work_new(&w), MS_OK);
    assert_int_equal(ms_spans_load(out, &m[0], &err), MS_OK);
    snprintf(path, sizeof path, "%s/model.bin", out);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(ms_spans_load(out, &m[1], &err), MS_OK);
    ms_span got[2];
    for (int k = 0; k < 2; k++) {
        const ms_span *sp;
        size_t n;
        assert_int_equal(ms_scorer_contrib(s->scorer, text, strlen(text), &t, &contrib), MS_OK);
        assert_int_equal(ms_spans_find(m[k], w, ms_models_lexicon(s->models), text, t, contrib,
                                       &sp, &n),
                         MS_OK);
        assert_int_equal(n, 1);
        got[k] = sp[0];
    }
    assert_int_equal(got[0].start, 30);
    assert_int_equal(got[0].end, 35);
    assert_int_equal(got[1].start, got[0].start);
    assert_int_equal(got[1].end, got[0].end);
    assert_true(got[0].p == got[1].p); /* bit for bit: the same weights */
    ms_spans_free(m[0]);
    ms_spans_free(m[1]);
    ms_spans_work_free(w);
    /* a damaged model.svm is refused by its card's hash */
    snprintf(path, sizeof path, "%s/model.svm", out);
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs("1:0.5\n", f);
    fclose(f);
    assert_int_equal(ms_spans_load(out, &m[0], &err), MS_ERR_MODEL);
    assert_null(m[0]);
    unlink(path);
    snprintf(path, sizeof path, "%s/card.json", out);
    unlink(path);
    rmdir(out);
    rmdir(dir);
    ms_spans_set_clear(&set);
    ms_buf_free(&data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_flag_has_reasons),
        cmocka_unit_test(test_multi_word_span),
        cmocka_unit_test(test_reasons_all),
        cmocka_unit_test(test_set_read),
        cmocka_unit_test(test_train_round_trip),
    };
    return cmocka_run_group_tests(tests, scoring_setup, scoring_teardown);
}

/* test_deny.c - the deny-term trie finds what a scan of every term at every
 * position finds: each term once, at its first occurrence, in term order;
 * terms that share first words, terms inside other terms, repeated words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deny.h"
#include "util.h"

static size_t scan_first(const ms_tokens *term, const ms_tokens *t)
{
    for (size_t i = 0; term->n && i + term->n <= t->n; i++) {
        size_t k = 0;
        while (k < term->n && t->tok[i + k].fold_len == term->tok[k].fold_len &&
               memcmp(ms_token_text(t, i + k), ms_token_text(term, k), term->tok[k].fold_len) == 0)
            k++;
        if (k == term->n)
            return i;
    }
    return SIZE_MAX;
}

static void words(uint64_t *seed, size_t n, char *out, size_t cap)
{
    static const char *const vocab[] = {"go", "back", "you", "idiot", "home", "f*ck", "fuck"};
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "",
                                vocab[ms_random_next(seed) % 7]);
}

static void test_trie_matches_scan(void **state)
{
    (void)state;
    uint64_t seed = 5;
    for (int round = 0; round < 60; round++) {
        size_t nt = 1 + ms_random_next(&seed) % 12;
        ms_tokens terms[12];
        memset(terms, 0, sizeof terms);
        char buf[512];
        for (size_t d = 0; d < nt; d++) {
            words(&seed, 1 + ms_random_next(&seed) % 3, buf, sizeof buf);
            assert_int_equal(ms_tokenize(buf, strlen(buf), NULL, &terms[d], NULL), MS_OK);
        }
        ms_deny_index *x;
        assert_int_equal(ms_deny_index_new(terms, nt, &x), MS_OK);
        ms_tokens t = {0};
        words(&seed, ms_random_next(&seed) % 40, buf, sizeof buf);
        assert_int_equal(ms_tokenize(buf, strlen(buf), NULL, &t, NULL), MS_OK);
        ms_deny_hit *hits;
        size_t n;
        assert_int_equal(ms_deny_index_match(x, &t, &hits, &n), MS_OK);
        size_t j = 0;
        for (size_t d = 0; d < nt; d++) {
            size_t first = scan_first(&terms[d], &t);
            if (first == SIZE_MAX)
                continue;
            assert_true(j < n);
            assert_int_equal(hits[j].term, d);
            assert_int_equal(hits[j].first, first);
            assert_int_equal(hits[j].n_tokens, terms[d].n);
            j++;
        }
        assert_int_equal(j, n);
        free(hits);
        ms_tokens_free(&t);
        for (size_t d = 0; d < nt; d++)
            ms_tokens_free(&terms[d]);
        ms_deny_index_free(x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trie_matches_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

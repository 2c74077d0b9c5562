/* test_metrics.c - ranking, threshold and calibration metrics against
 * values worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>

#include "metrics.h"

#define CLOSE(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static void test_roc_auc(void **state)
{
    (void)state;
    double auc = -1;
    const double s[] = {0.1, 0.4, 0.35, 0.8};
    const int8_t y[] = {0, 0, 1, 1};
    /* 3 of the 4 positive/negative pairs are ordered right */
    assert_int_equal(ms_roc_auc(s, y, 4, &auc), MS_OK);
    CLOSE(auc, 0.75);

    const double perfect[] = {0.1, 0.2, 0.8, 0.9};
    assert_int_equal(ms_roc_auc(perfect, y, 4, &auc), MS_OK);
    CLOSE(auc, 1.0);
    const int8_t inverted[] = {1, 1, 0, 0};
    assert_int_equal(ms_roc_auc(perfect, inverted, 4, &auc), MS_OK);
    CLOSE(auc, 0.0);

    const double ties[] = {0.5, 0.5, 0.5, 0.5};
    const int8_t mixed[] = {0, 1, 0, 1};
    assert_int_equal(ms_roc_auc(ties, mixed, 4, &auc), MS_OK);
    CLOSE(auc, 0.5);

    /* a tie across the classes counts one half: (1 + 0.5 + 2) / 4 */
    const double some_ties[] = {0.2, 0.5, 0.5, 0.9};
    assert_int_equal(ms_roc_auc(some_ties, y, 4, &auc), MS_OK);
    CLOSE(auc, 0.875);

    /* undefined or invalid */
    const int8_t one_class[] = {1, 1, 1, 1};
    const int8_t bad_label[] = {0, 2, 1, 0};
    const double with_nan[] = {0.1, NAN, 0.3, 0.4};
    assert_int_equal(ms_roc_auc(s, one_class, 4, &auc), MS_ERR_ARG);
    assert_int_equal(ms_roc_auc(s, bad_label, 4, &auc), MS_ERR_ARG);
    assert_int_equal(ms_roc_auc(with_nan, y, 4, &auc), MS_ERR_ARG);
    assert_int_equal(ms_roc_auc(s, y, 0, &auc), MS_ERR_ARG);
}

static void test_average_precision(void **state)
{
    (void)state;
    double ap = -1;
    const double s[] = {0.1, 0.4, 0.35, 0.8};
    const int8_t y[] = {0, 0, 1, 1};
    /* ranks: 0.8 (+) P=1 R=.5; 0.4 (-); 0.35 (+) P=2/3 R=1 */
    assert_int_equal(ms_average_precision(s, y, 4, &ap), MS_OK);
    CLOSE(ap, 0.5 * 1.0 + 0.5 * 2.0 / 3.0);

    const double perfect[] = {0.1, 0.2, 0.8, 0.9};
    assert_int_equal(ms_average_precision(perfect, y, 4, &ap), MS_OK);
    CLOSE(ap, 1.0);

    /* all tied: one threshold, precision = base rate */
    const double ties[] = {0.5, 0.5, 0.5, 0.5};
    const int8_t mixed[] = {0, 1, 0, 0};
    assert_int_equal(ms_average_precision(ties, mixed, 4, &ap), MS_OK);
    CLOSE(ap, 0.25);

    /* no positives: undefined */
    const int8_t none[] = {0, 0, 0, 0};
    assert_int_equal(ms_average_precision(s, none, 4, &ap), MS_ERR_ARG);
}

static void test_confusion_precision_recall_f1(void **state)
{
    (void)state;
    const double s[] = {0.1, 0.4, 0.35, 0.8, 0.5};
    const int8_t y[] = {0, 0, 1, 1, 0};
    ms_confusion c;
    /* >= 0.5 is positive: 0.8 (tp), 0.5 (fp); 0.35 is a miss */
    assert_int_equal(ms_confusion_at(s, y, 5, 0.5, &c), MS_OK);
    assert_int_equal(c.tp, 1);
    assert_int_equal(c.fp, 1);
    assert_int_equal(c.tn, 2);
    assert_int_equal(c.fn, 1);
    CLOSE(ms_precision(&c), 0.5);
    CLOSE(ms_recall(&c), 0.5);
    CLOSE(ms_f1(&c), 0.5);

    assert_int_equal(ms_confusion_at(s, y, 5, 0.3, &c), MS_OK);
    CLOSE(ms_precision(&c), 2.0 / 4.0);
    CLOSE(ms_recall(&c), 1.0);
    CLOSE(ms_f1(&c), 2 * 0.5 * 1.0 / 1.5);

    /* nothing predicted positive: 0, not a division by zero */
    assert_int_equal(ms_confusion_at(s, y, 5, 0.99, &c), MS_OK);
    assert_int_equal(c.tp + c.fp, 0);
    CLOSE(ms_precision(&c), 0.0);
    CLOSE(ms_f1(&c), 0.0);

    const int8_t bad[] = {0, 0, 3, 1, 0};
    assert_int_equal(ms_confusion_at(s, bad, 5, 0.5, &c), MS_ERR_ARG);
}

static void test_brier(void **state)
{
    (void)state;
    const double p[] = {0.1, 0.9, 0.8, 0.3};
    const int8_t y[] = {0, 1, 1, 0};
    double b = -1;
    assert_int_equal(ms_brier(p, y, 4, &b), MS_OK);
    CLOSE(b, (0.01 + 0.01 + 0.04 + 0.09) / 4);
    const double out_of_range[] = {0.1, 1.5, 0.8, 0.3};
    assert_int_equal(ms_brier(out_of_range, y, 4, &b), MS_ERR_ARG);
    assert_int_equal(ms_brier(p, y, 0, &b), MS_ERR_ARG);
}

static void test_reliability(void **state)
{
    (void)state;
    const double p[] = {0.05, 0.15, 0.12, 0.95, 1.0, 0.999};
    const int8_t y[] = {0, 1, 0, 1, 1, 0};
    double mean[MS_RELIABILITY_BINS], frac[MS_RELIABILITY_BINS];
    size_t count[MS_RELIABILITY_BINS];
    assert_int_equal(ms_reliability(p, y, 6, mean, frac, count), MS_OK);
    assert_int_equal(count[0], 1);
    CLOSE(mean[0], 0.05);
    CLOSE(frac[0], 0.0);
    assert_int_equal(count[1], 2);
    CLOSE(mean[1], (0.15 + 0.12) / 2);
    CLOSE(frac[1], 0.5);
    /* p = 1 belongs to the last bin */
    assert_int_equal(count[9], 3);
    CLOSE(mean[9], (0.95 + 1.0 + 0.999) / 3);
    CLOSE(frac[9], 2.0 / 3.0);
    for (int k = 2; k < 9; k++) {
        assert_int_equal(count[k], 0);
        CLOSE(mean[k], 0.0);
        CLOSE(frac[k], 0.0);
    }
}

static void test_threshold_table(void **state)
{
    (void)state;
    const double p[] = {0.1, 0.3, 0.6, 0.9};
    const int8_t y[] = {0, 1, 1, 1};
    ms_threshold_row rows[MS_THRESHOLD_ROWS];
    assert_int_equal(ms_threshold_table(p, y, 4, rows), MS_OK);
    CLOSE(rows[0].threshold, 0.05);
    CLOSE(rows[18].threshold, 0.95);
    /* 0.05: everything is positive */
    CLOSE(rows[0].precision, 0.75);
    CLOSE(rows[0].recall, 1.0);
    /* 0.30: inclusive, so 0.3 counts */
    CLOSE(rows[5].threshold, 0.3);
    CLOSE(rows[5].precision, 1.0);
    CLOSE(rows[5].recall, 1.0);
    /* 0.50 */
    CLOSE(rows[9].precision, 1.0);
    CLOSE(rows[9].recall, 2.0 / 3.0);
    CLOSE(rows[9].f1, 0.8);
    assert_int_equal(rows[9].c.tp, 2);
    assert_int_equal(rows[9].c.fn, 1);
    /* 0.95: nothing */
    CLOSE(rows[18].precision, 0.0);
    CLOSE(rows[18].recall, 0.0);
    /* recall never grows with the threshold */
    for (int k = 1; k < MS_THRESHOLD_ROWS; k++)
        assert_true(rows[k].recall <= rows[k - 1].recall);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roc_auc),
        cmocka_unit_test(test_average_precision),
        cmocka_unit_test(test_confusion_precision_recall_f1),
        cmocka_unit_test(test_brier),
        cmocka_unit_test(test_reliability),
        cmocka_unit_test(test_threshold_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

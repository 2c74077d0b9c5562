/* report_html_chart.c - the summary's histograms: one inline SVG per
 * score, its bars coloured by the zone they fall in and the policy's review
 * and reject thresholds drawn over them. */
#include "report_html_priv.h"
#include "category.h"
#include "policy.h"

#include <math.h>

double hw_threshold(const ms_html *h, ms_category c, int reject)
{
    static const double def_review[MS_CAT_COUNT] = {0.5, 0.7};
    static const double def_reject[MS_CAT_COUNT] = {0.85, 0.95};
    double v = -1.0;
    if (h->policy)
        v = reject ? ms_policy_reject(h->policy, c) : ms_policy_review(h->policy, c);
    if (!(v >= 0.0) || !isfinite(v))
        v = reject ? def_reject[c] : def_review[c];
    return v;
}

/* The chart's size and margins, in SVG units; PW x PH is the plot. */
enum { W = 360, H = 150, L = 34, R = 12, T = 22, B = 28, PW = W - L - R, PH = H - T - B };

/* Counts the comments scored in cat per bin; returns how many in all. */
static size_t chart_bins(const ms_html *h, ms_category cat, size_t bins[HTML_BINS])
{
    size_t total = 0;
    for (size_t i = 0; i < h->n_items; i++) {
        const h_item *it = &h->items[i];
        int has = cat == MS_CAT_HOSTILITY ? it->has_h : it->has_o;
        double v = cat == MS_CAT_HOSTILITY ? it->hostility : it->off_topic;
        if (!has || !isfinite(v))
            continue;
        v = v < 0 ? 0 : v > 1 ? 1 : v;
        int b = (int)(v * HTML_BINS);
        if (b >= HTML_BINS)
            b = HTML_BINS - 1;
        bins[b]++;
        total++;
    }
    return total;
}

/* The figure of a score no comment has, with the reason the first one
 * gives (off-topic: "no article"). */
static void chart_none(hw *w, const ms_html *h, ms_category cat, const char *label)
{
    hw_s(w, "<p class=\"none\">No ");
    hw_s(w, label);
    hw_s(w, " scores");
    const char *why = NULL;
    for (size_t i = 0; i < h->n_items && !why; i++)
        if (cat == MS_CAT_OFF_TOPIC && !h->items[i].has_o)
            why = h->items[i].off_missing;
    if (why && why[0]) {
        hw_s(w, ": ");
        hw_escs(w, why);
    }
    hw_s(w, "</p><figcaption>");
    hw_s(w, label);
    hw_s(w, "</figcaption></figure>\n");
}

/* The bars, coloured by the zone their lower edge falls in. */
static void chart_bars(hw *w, const size_t bins[HTML_BINS], size_t max, double rv, double rj)
{
    for (int b = 0; b < HTML_BINS; b++) {
        if (!bins[b])
            continue;
        long x0 = L + lround((double)b * PW / HTML_BINS);
        long x1 = L + lround((double)(b + 1) * PW / HTML_BINS);
        long bh = lround((double)bins[b] * PH / (double)max);
        if (bh < 2)
            bh = 2;
        double lo = (double)b / HTML_BINS;
        const char *fill = lo >= rj ? "#b3261e" : lo >= rv ? "#d99a00" : "#5877b8";
        hw_s(w, "<rect class=\"bar\" x=\"");
        hw_int(w, x0 + 1);
        hw_s(w, "\" y=\"");
        hw_int(w, T + PH - bh);
        hw_s(w, "\" width=\"");
        hw_int(w, x1 - x0 - 2 > 1 ? x1 - x0 - 2 : 1);
        hw_s(w, "\" height=\"");
        hw_int(w, bh);
        hw_s(w, "\" fill=\"");
        hw_s(w, fill);
        hw_s(w, "\"><title>");
        hw_fixed(w, lo, 2, 0, 0);
        hw_s(w, "\xe2\x80\x93");
        hw_fixed(w, (double)(b + 1) / HTML_BINS, 2, 0, 0);
        hw_s(w, ": ");
        hw_int(w, (long long)bins[b]);
        hw_s(w, bins[b] == 1 ? " comment" : " comments");
        hw_s(w, "</title></rect>\n");
    }
}

static void chart_axes(hw *w, size_t max)
{
    hw_s(w, "<g font-size=\"10\" fill=\"#5b6577\" font-family=\"sans-serif\">");
    hw_s(w, "<line x1=\"");
    hw_int(w, L);
    hw_s(w, "\" y1=\"");
    hw_int(w, T + PH);
    hw_s(w, "\" x2=\"");
    hw_int(w, L + PW);
    hw_s(w, "\" y2=\"");
    hw_int(w, T + PH);
    hw_s(w, "\" stroke=\"#8a93a3\"/>");
    for (int k = 0; k <= 4; k++) {
        long x = L + lround(k * PW / 4.0);
        hw_s(w, "<text x=\"");
        hw_int(w, x);
        hw_s(w, "\" y=\"");
        hw_int(w, H - 12);
        hw_s(w, "\" text-anchor=\"middle\">");
        hw_fixed(w, k / 4.0, k % 2 ? 2 : 1, 0, 0);
        hw_s(w, "</text>");
    }
    hw_s(w, "<text x=\"");
    hw_int(w, L - 6);
    hw_s(w, "\" y=\"");
    hw_int(w, T + 8);
    hw_s(w, "\" text-anchor=\"end\">");
    hw_int(w, (long long)max);
    hw_s(w, "</text><text x=\"");
    hw_int(w, L - 6);
    hw_s(w, "\" y=\"");
    hw_int(w, T + PH);
    hw_s(w, "\" text-anchor=\"end\">0</text></g>\n");
}

/* The review and reject thresholds at xr and xj, labelled above the plot. */
static void chart_thresholds(hw *w, double rv, double rj, long xr, long xj)
{
    for (int j = 0; j < 2; j++) {
        long x = j ? xj : xr;
        hw_s(w, "<g class=\"threshold\" data-threshold=\"");
        hw_s(w, j ? "reject" : "review");
        hw_s(w, "\" data-value=\"");
        hw_num(w, j ? rj : rv);
        hw_s(w, "\"><line x1=\"");
        hw_int(w, x);
        hw_s(w, "\" y1=\"");
        hw_int(w, T - 4);
        hw_s(w, "\" x2=\"");
        hw_int(w, x);
        hw_s(w, "\" y2=\"");
        hw_int(w, T + PH);
        hw_s(w, j ? "\" stroke=\"#b3261e\" stroke-width=\"2\"/>"
                  : "\" stroke=\"#d99a00\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>");
        /* the review label ends at its line; the reject label starts at
         * its line unless it would run off the chart's right edge */
        int after = j && x + 60 <= W;
        hw_s(w, "<text x=\"");
        hw_int(w, x + (after ? 3 : -3));
        hw_s(w, "\" y=\"");
        hw_int(w, T - 8);
        hw_s(w, after ? "\" text-anchor=\"start\"" : "\" text-anchor=\"end\"");
        hw_s(w, " font-size=\"10\" font-family=\"sans-serif\" fill=\"");
        hw_s(w, j ? "#b3261e\">reject " : "#8a5a00\">review ");
        hw_fixed(w, j ? rj : rv, 2, 0, 0);
        hw_s(w, "</text></g>\n");
    }
}


/* One histogram of a score with the review and reject thresholds. */
void hw_write_chart(hw *w, const ms_html *h, ms_category cat)
{
    size_t bins[HTML_BINS] = {0}, max = 0;
    size_t total = chart_bins(h, cat, bins);
    for (int b = 0; b < HTML_BINS; b++)
        if (bins[b] > max)
            max = bins[b];
    double rv = hw_threshold(h, cat, 0), rj = hw_threshold(h, cat, 1);
    const char *cls = ms_category_label(cat), *label = cls;

    hw_s(w, "<figure class=\"chart\" data-score=\"");
    hw_s(w, cls);
    hw_s(w, "\">");
    if (!total) {
        chart_none(w, h, cat, label);
        return;
    }
    hw_s(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    hw_int(w, W);
    hw_s(w, " ");
    hw_int(w, H);
    hw_s(w, "\" role=\"img\" aria-labelledby=\"chart-");
    hw_s(w, cls);
    hw_s(w, "\"><title id=\"chart-");
    hw_s(w, cls);
    hw_s(w, "\">Distribution of ");
    hw_s(w, label);
    hw_s(w, " scores; review at ");
    hw_fixed(w, rv, 2, 0, 0);
    hw_s(w, ", reject at ");
    hw_fixed(w, rj, 2, 0, 0);
    hw_s(w, "</title>\n");
    /* zones behind the bars */
    long xr = L + lround(rv * PW), xj = L + lround(rj * PW);
    hw_s(w, "<rect x=\"");
    hw_int(w, xr);
    hw_s(w, "\" y=\"");
    hw_int(w, T);
    hw_s(w, "\" width=\"");
    hw_int(w, xj - xr > 0 ? xj - xr : 0);
    hw_s(w, "\" height=\"");
    hw_int(w, PH);
    hw_s(w, "\" fill=\"#fff6dc\"/><rect x=\"");
    hw_int(w, xj);
    hw_s(w, "\" y=\"");
    hw_int(w, T);
    hw_s(w, "\" width=\"");
    hw_int(w, L + PW - xj > 0 ? L + PW - xj : 0);
    hw_s(w, "\" height=\"");
    hw_int(w, PH);
    hw_s(w, "\" fill=\"#fdeae7\"/>\n");
    chart_bars(w, bins, max, rv, rj);
    chart_axes(w, max);
    chart_thresholds(w, rv, rj, xr, xj);
    hw_s(w, "</svg><figcaption>");
    hw_s(w, label);
    hw_s(w, ": ");
    hw_int(w, (long long)total);
    hw_s(w, total == 1 ? " comment scored" : " comments scored");
    hw_s(w, "</figcaption></figure>\n");
}

/* reader_page.c - a captured page (an article, then its thread, as text
 * copied from a browser) made into a discussion. */
#include "reader_formats.h"
#include "reader_util.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ captured page */

typedef struct page_line {
    const char *s;  /* the line without its end of line or trailing blanks */
    size_t n;
    size_t indent;  /* leading spaces and tabs */
    const char *c;  /* content: s without the indentation */
    size_t cn;
} page_line;

#define BULLET "\xE2\x80\xA2 " /* U+2022 and a space */

static int is_bullet(const page_line *l) { return rd_mem_starts(l->c, l->cn, BULLET); }

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Date and time lines of page furniture: "07:30 GMT +3", "25 February 2017". */
static int looks_like_date(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i + 3 < n; i++)
        if (is_digit(s[i]) && s[i + 1] == ':' && is_digit(s[i + 2]) && is_digit(s[i + 3]))
            return 1;
    static const char *const months[] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};
    int digit = 0;
    for (size_t i = 0; i < n; i++)
        digit |= is_digit(s[i]);
    if (!digit)
        return 0;
    for (size_t m = 0; m < 12; m++)
        if (rd_mem_find(s, n, months[m]) != (size_t)-1)
            return 1;
    return 0;
}

/* Lines that belong to the site, not to the article or its thread. */
static int is_furniture(const char *s, size_t n)
{
    return rd_mem_starts(s, n, "\xC2\xA9") /* (c) credit lines */ ||
           rd_mem_eq(s, n, "Get short URL") || rd_mem_starts(s, n, "Community standards") ||
           rd_mem_starts(s, n, "Comment via ") || rd_mem_eq(s, n, BULLET "\xD0\xA1omment") ||
           rd_mem_eq(s, n, BULLET "Comment") || rd_mem_eq(s, n, "All comments") ||
           rd_mem_starts(s, n, "Show new comments") || rd_mem_eq(s, n, "avatar") ||
           rd_mem_eq(s, n, "(Show commentHide comment)");
}

static size_t count_words(const char *s, size_t n, size_t *capitalised)
{
    size_t words = 0, caps = 0, i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n)
            break;
        size_t start = i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        words++;
        /* the first letter decides; quotes and brackets before it do not */
        size_t j = start;
        while (j < i) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k =
                utf8proc_iterate((const utf8proc_uint8_t *)s + j, (utf8proc_ssize_t)(i - j), &cp);
            if (k <= 0)
                break;
            utf8proc_category_t cat = utf8proc_category(cp);
            if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
                caps++;
                break;
            }
            if (cat >= UTF8PROC_CATEGORY_LL && cat <= UTF8PROC_CATEGORY_LO)
                break;
            if (cat == UTF8PROC_CATEGORY_ND) {
                caps++; /* numbers are at home in titles */
                break;
            }
            j += (size_t)k;
        }
    }
    if (capitalised)
        *capitalised = caps;
    return words;
}

/* Ends like a sentence: . ! ? : or an ellipsis, maybe inside closing quotes. */
static int ends_sentence(const char *s, size_t n)
{
    for (;;) {
        if (n && (s[n - 1] == '"' || s[n - 1] == '\'' || s[n - 1] == ')' || s[n - 1] == ']'))
            n--;
        else if (n >= 3 && (memcmp(s + n - 3, "\xE2\x80\x9D", 3) == 0 || /* ” */
                            memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0))  /* ’ */
            n -= 3;
        else if (n >= 2 && memcmp(s + n - 2, "\xC2\xBB", 2) == 0) /* » */
            n -= 2;
        else
            break;
    }
    if (!n)
        return 0;
    char c = s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';')
        return 1;
    return n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0; /* … */
}

#define PAGE_LONG_LINE 100

static int is_paragraph(const page_line *l)
{
    if (l->cn >= PAGE_LONG_LINE)
        return 1;
    return ends_sentence(l->c, l->cn) && count_words(l->c, l->cn, NULL) >= 8;
}

/* A thread header "NAMEin reply toOTHER(Show commentHide comment)" (the
 * captured text glues the parts). */
static int parse_reply_header(const char *s, size_t n, char **author, char **reply_to,
                              ms_status *st)
{
    static const char tail[] = "(Show commentHide comment)";
    size_t tn = sizeof tail - 1;
    if (n < tn || memcmp(s + n - tn, tail, tn) != 0)
        return 0;
    n -= tn;
    size_t at = rd_mem_find(s, n, "in reply to");
    if (at == (size_t)-1) {
        *author = rd_dup_trimmed(s, n, st);
        *reply_to = NULL;
    } else {
        *author = rd_dup_trimmed(s, at, st);
        *reply_to = rd_dup_trimmed(s + at + 11, n - at - 11, st);
    }
    return 1;
}

static ms_status join_lines(ms_buf *b, const page_line *ls, size_t from, size_t to,
                            const char *first, size_t first_n)
{
    /* common indentation of the non-blank lines */
    size_t common = (size_t)-1;
    for (size_t i = from; i < to; i++)
        if (ls[i].cn && ls[i].indent < common)
            common = ls[i].indent;
    if (common == (size_t)-1)
        common = 0;
    size_t pending_blank = 0;
    int any = 0;
    if (first && first_n) {
        if (ms_buf_add(b, first, first_n) != MS_OK)
            return MS_ERR_NOMEM;
        any = 1;
    }
    for (size_t i = from; i < to; i++) {
        const page_line *l = &ls[i];
        if (!l->cn) {
            pending_blank++;
            continue;
        }
        if (any) {
            for (size_t k = 0; k <= pending_blank; k++)
                if (ms_buf_addc(b, '\n') != MS_OK)
                    return MS_ERR_NOMEM;
        }
        pending_blank = 0;
        if (ms_buf_add(b, l->s + common, l->n - common) != MS_OK)
            return MS_ERR_NOMEM;
        any = 1;
    }
    if (!b->data && ms_buf_add(b, "", 0) != MS_OK)
        return MS_ERR_NOMEM;
    return MS_OK;
}

static ms_status page_article(const page_line *ls, size_t n, size_t end, ms_article *a)
{
    ms_status st = MS_OK;
    /* tags: the comma-separated line just before "Community standards" */
    size_t body_end = end, tags_line = (size_t)-1;
    if (end < n && rd_mem_starts(ls[end].c, ls[end].cn, "Community standards")) {
        size_t k = end;
        while (k > 0 && !ls[k - 1].cn)
            k--;
        if (k > 0 && rd_mem_find(ls[k - 1].c, ls[k - 1].cn, ", ") != (size_t)-1) {
            tags_line = k - 1;
            body_end = k - 1;
        }
    }
    if (tags_line != (size_t)-1) {
        const char *s = ls[tags_line].c;
        size_t sn = ls[tags_line].cn, count = 1;
        for (size_t i = 0; i + 1 < sn; i++)
            if (s[i] == ',' && s[i + 1] == ' ')
                count++;
        a->tags = calloc(count, sizeof *a->tags);
        if (!a->tags)
            return MS_ERR_NOMEM;
        size_t start = 0;
        for (size_t i = 0; i <= sn; i++) {
            if (i == sn || (s[i] == ',' && i + 1 < sn && s[i + 1] == ' ')) {
                char *t = rd_dup_trimmed(s + start, i - start, &st);
                if (st != MS_OK)
                    return st;
                if (t)
                    a->tags[a->n_tags++] = t;
                start = i + 2;
                i++;
            }
        }
    }
    /* the header: short lines before the first paragraph */
    size_t first_par = body_end;
    for (size_t i = 0; i < body_end; i++)
        if (ls[i].cn && !is_furniture(ls[i].c, ls[i].cn) && !looks_like_date(ls[i].c, ls[i].cn) &&
            is_paragraph(&ls[i])) {
            first_par = i;
            break;
        }
    size_t best = (size_t)-1, best_words = 0;
    double best_share = -1;
    for (size_t i = 0; i < first_par; i++) {
        const page_line *l = &ls[i];
        if (!l->cn || is_furniture(l->c, l->cn) || looks_like_date(l->c, l->cn))
            continue;
        size_t caps, words = count_words(l->c, l->cn, &caps);
        double share = words ? (double)caps / (double)words : 0;
        if (share > best_share || (share == best_share && words > best_words)) {
            best = i;
            best_share = share;
            best_words = words;
        }
    }
    if (best != (size_t)-1 && !(a->title = ms_strndup(ls[best].c, ls[best].cn)))
        return MS_ERR_NOMEM;
    /* the body runs to its last sentence; short unpunctuated lines after it
     * are related headlines */
    size_t last = (size_t)-1;
    for (size_t i = first_par; i < body_end; i++)
        if (ls[i].cn && !is_furniture(ls[i].c, ls[i].cn) &&
            (ends_sentence(ls[i].c, ls[i].cn) || ls[i].cn >= PAGE_LONG_LINE))
            last = i;
    if (last != (size_t)-1) {
        ms_buf b = {0};
        int in_par = 0, any = 0;
        for (size_t i = first_par; i <= last; i++) {
            const page_line *l = &ls[i];
            if (!l->cn) {
                in_par = 0;
                continue;
            }
            if (is_furniture(l->c, l->cn))
                continue;
            const char *sep = in_par ? "\n" : (any ? "\n\n" : "");
            if (ms_buf_adds(&b, sep) != MS_OK || ms_buf_add(&b, l->c, l->cn) != MS_OK) {
                ms_buf_free(&b);
                return MS_ERR_NOMEM;
            }
            in_par = any = 1;
        }
        a->body = b.data;
    }
    return MS_OK;
}

/* The page's lines, each trimmed of its end and measured for indentation;
 * *out is freed by the caller. MS_ERR_NOMEM. */
static ms_status page_lines(const char *data, size_t len, page_line **out, size_t *out_n)
{
    page_line *ls = NULL;
    size_t n = 0, cap = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 128;
            page_line *p = realloc(ls, nc * sizeof *p);
            if (!p) {
                free(ls);
                return MS_ERR_NOMEM;
            }
            ls = p;
            cap = nc;
        }
        page_line *l = &ls[n++];
        l->s = data + pos;
        l->n = end - pos;
        while (l->n && rd_is_blank_char(l->s[l->n - 1]))
            l->n--;
        l->indent = 0;
        while (l->indent < l->n && (l->s[l->indent] == ' ' || l->s[l->indent] == '\t'))
            l->indent++;
        l->c = l->s + l->indent;
        l->cn = l->n - l->indent;
        pos = nl ? end + 1 : len;
    }
    *out = ls;
    *out_n = n;
    return MS_OK;
}

/* Where the article ends and where the thread's comments start: after the
 * "Community standards" and "All comments" furniture when the page has it,
 * else at the first bullet. */
static void page_sections(const page_line *ls, size_t n, size_t *art_end, size_t *thread)
{
    size_t std_line = n, all_line = n;
    for (size_t i = 0; i < n; i++)
        if (rd_mem_starts(ls[i].c, ls[i].cn, "Community standards")) {
            std_line = i;
            break;
        }
    for (size_t i = std_line < n ? std_line : 0; i < n; i++)
        if (rd_mem_eq(ls[i].c, ls[i].cn, "All comments")) {
            all_line = i;
            break;
        }
    *art_end = std_line < n ? std_line : all_line;
    if (*art_end == n) /* no thread furniture: the article ends at the first bullet */
        for (size_t i = 0; i < n; i++)
            if (is_bullet(&ls[i])) {
                *art_end = i;
                break;
            }
    *thread = all_line < n ? all_line + 1 : (std_line < n ? std_line + 1 : *art_end);
}

/* One comment from its bullet line ls[i] to ls[stop]: the author and whom
 * it answers from the header, then the text. index counts from 1. */
static ms_status page_comment(const page_line *ls, size_t i, size_t stop, size_t index,
                              ms_comment *c, const char *source, ms_error *err)
{
    ms_status st = MS_OK;
    const char *rest = ls[i].c + strlen(BULLET);
    size_t rn = ls[i].cn - strlen(BULLET);
    size_t j = i + 1;
    const char *first = NULL;
    size_t first_n = 0;
    if (rd_mem_eq(rest, rn, "avatar")) {
        if (j < stop && parse_reply_header(ls[j].c, ls[j].cn, &c->author, &c->reply_to, &st))
            j++;
    } else if (!parse_reply_header(rest, rn, &c->author, &c->reply_to, &st)) {
        first = rest;
        first_n = rn;
    }
    /* skip stray furniture lines between the header and the text */
    while (j < stop && ls[j].cn &&
           (rd_mem_eq(ls[j].c, ls[j].cn, "avatar") ||
            rd_mem_eq(ls[j].c, ls[j].cn, "(Show commentHide comment)")))
        j++;
    while (!first && j < stop && !ls[j].cn)
        j++;
    size_t tend = stop;
    while (tend > j && !ls[tend - 1].cn)
        tend--;
    ms_buf b = {0};
    if (st == MS_OK && join_lines(&b, ls, j, tend, first, first_n) != MS_OK)
        st = MS_ERR_NOMEM;
    if (st == MS_OK && !(c->id = rd_number_text(index)))
        st = MS_ERR_NOMEM;
    if (st != MS_OK) {
        ms_buf_free(&b);
        return ms_fail(err, st, source, c->line, 0, "out of memory");
    }
    c->text = b.data;
    c->text_len = rd_text_cut(b.data, b.len);
    if (c->text_len < b.len) {
        c->text[c->text_len] = '\0';
        c->notes |= MS_NOTE_TRUNCATED;
    }
    return MS_OK;
}

ms_status rd_parse_page(const char *data, size_t len, const char *source, ms_discussion *d,
                        ms_error *err)
{
    page_line *ls = NULL;
    size_t n = 0, art_end, from;
    if (page_lines(data, len, &ls, &n) != MS_OK)
        return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    page_sections(ls, n, &art_end, &from);

    ms_article *a = calloc(1, sizeof *a);
    d->articles = calloc(1, sizeof *d->articles);
    if (!a || !d->articles) {
        free(a);
        free(ls);
        return ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
    }
    d->articles[0] = a;
    d->n_articles = 1;
    ms_status st = page_article(ls, n, art_end, a);
    if (st != MS_OK) {
        free(ls);
        return ms_fail(err, st, source, 0, 0, "out of memory");
    }

    /* the thread: each comment starts at a bullet */
    size_t ccap = 0;
    for (size_t i = from; i < n;) {
        if (!is_bullet(&ls[i]) || is_furniture(ls[i].c, ls[i].cn)) {
            i++;
            continue;
        }
        /* the comment's lines run to the next bullet or the end of the thread */
        size_t stop = i + 1;
        while (stop < n && !is_bullet(&ls[stop]) &&
               !rd_mem_starts(ls[stop].c, ls[stop].cn, "Show new comments"))
            stop++;
        if (d->n_comments >= MS_MAX_COMMENTS) {
            st = ms_fail(err, MS_ERR_LIMIT, source, (long)i + 1, 0,
                         "more than %u comments (MS_MAX_COMMENTS)", MS_MAX_COMMENTS);
            break;
        }
        if (d->n_comments == ccap) {
            size_t nc = ccap ? ccap * 2 : 16;
            ms_comment *p = realloc(d->comments, nc * sizeof *p);
            if (!p) {
                st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
                break;
            }
            d->comments = p;
            ccap = nc;
        }
        ms_comment *c = &d->comments[d->n_comments++];
        memset(c, 0, sizeof *c);
        c->line = (long)i + 1;
        c->article = a;
        if ((st = page_comment(ls, i, stop, d->n_comments, c, source, err)) != MS_OK)
            break;
        i = stop;
    }
    free(ls);
    return st;
}


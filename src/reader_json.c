/* reader_json.c - a JSON discussion document: {"article":{...},
 * "comments":[...]}, pre-scanned for its caps and each comment's line, then
 * read through the shared helpers in reader_util.c. */
#include "reader_formats.h"
#include "reader_util.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>

ms_status rd_parse_json_document(const char *data, size_t len, const char *source,
                                 json_t *parsed, ms_discussion *d, ms_error *err)
{
    scan_info si = {.track = 1};
    ms_status st = rd_json_prescan(data, len, 1, source, &si, err);
    json_t *root = parsed ? json_incref(parsed) : NULL;
    int repaired = 0;
    if (st == MS_OK && !root)
        st = rd_json_load(data, len, 1, source, &root, &repaired, err);
    if (st != MS_OK)
        goto done;
    if (!json_is_object(root)) {
        st = ms_fail(err, MS_ERR_PARSE, source, 1, 1, "the document is not a JSON object");
        goto done;
    }
    json_t *art = json_object_get(root, "article");
    if (art && !json_is_null(art)) {
        d->articles = calloc(1, sizeof *d->articles);
        if (!d->articles) {
            st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
            goto done;
        }
        if ((st = rd_article_from_json(art, &d->articles[0], source, 0, err)) != MS_OK)
            goto done;
        d->n_articles = 1;
    }
    json_t *cs = json_object_get(root, "comments");
    if (!cs || json_is_null(cs))
        goto done;
    if (!json_is_array(cs)) {
        st = ms_fail(err, MS_ERR_PARSE, source, 0, 0, "\"comments\" is not an array");
        goto done;
    }
    size_t n = json_array_size(cs);
    if (n > MS_MAX_COMMENTS) {
        st = ms_fail(err, MS_ERR_LIMIT, source, 0, 0, "more than %u comments (MS_MAX_COMMENTS)",
                     MS_MAX_COMMENTS);
        goto done;
    }
    int have_lines = si.n_lines == n;
    d->comments = calloc(n ? n : 1, sizeof *d->comments);
    if (!d->comments) {
        st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ms_comment *c = &d->comments[i];
        long line = have_lines ? si.lines[i] : 0;
        if ((st = rd_comment_from_json(json_array_get(cs, i), c, source, line, i + 1, repaired,
                                    err)) != MS_OK)
            goto done;
        d->n_comments++;
        c->article = d->n_articles ? d->articles[0] : NULL;
        if (!c->id && !(c->id = rd_number_text(i + 1))) {
            st = ms_fail(err, MS_ERR_NOMEM, source, 0, 0, "out of memory");
            goto done;
        }
    }
done:
    json_decref(root);
    free(si.lines);
    return st;
}

/* trim_models.c - rewrites model directories' model.svm in the trimmed
 * form that training writes (weights rounded to MS_WEIGHT_DECIMALS places,
 * those that round to 0 dropped; src/model.h), updates the card's hash and
 * size of model.svm and its "storage" record, and compiles model.bin
 * again. For models trained before the trainer trimmed; bench/trim.sh
 * measures what it costs on held-out splits. Not installed.
 *
 * Usage: trim_models [--measured TEXT] MODEL_DIR...
 * --measured records TEXT (what trimming cost, measured) in the card. */
#include "card.h"
#include "model.h"
#include "modeldir.h"
#include "modscore.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static ms_status set_hash(json_t *card, const char *path, ms_error *err)
{
    uint64_t h = 0;
    struct stat sb;
    char hex[17];
    ms_status st = ms_card_file_hash(path, &h, err);
    if (st != MS_OK)
        return st;
    if (stat(path, &sb) != 0)
        return ms_fail(err, MS_ERR_IO, path, 0, 0, "cannot stat");
    ms_hex64(h, hex);
    if (json_object_set_new(card, "model_hash", json_string(hex)) ||
        (json_object_get(card, "model_bytes") &&
         json_object_set_new(card, "model_bytes", json_integer((json_int_t)sb.st_size))))
        return ms_fail(err, MS_ERR_NOMEM, path, 0, 0, "out of memory");
    return MS_OK;
}

static ms_status trim_dir(const char *dir, const char *measured, ms_error *err)
{
    ms_buf card_path = {0}, svm = {0};
    ms_linear *lin = NULL, *t = NULL;
    json_t *card = NULL;
    json_error_t je;
    uint64_t h = 0;
    struct stat sb;
    ms_status st = MS_ERR_NOMEM;
    if (ms_buf_printf(&card_path, "%s/card.json", dir) || ms_buf_printf(&svm, "%s/model.svm", dir))
        goto out;
    card = json_load_file(card_path.data, 0, &je);
    const char *hex = card ? json_string_value(json_object_get(card, "model_hash")) : NULL;
    if (!hex || ms_parse_hex64(hex, &h) != 0) {
        st = ms_fail(err, MS_ERR_MODEL, card_path.data, 0, 0, "no card with a model_hash");
        goto out;
    }
    /* trimmed already at this precision: what the first trim dropped stays
     * the record (trimming again drops nothing) */
    json_t *was = json_object_get(json_object_get(card, "storage"), "weights_dropped");
    json_int_t dropped = json_integer_value(
                             json_object_get(json_object_get(card, "storage"), "weight_decimals")) ==
                                 MS_WEIGHT_DECIMALS
                             ? json_integer_value(was)
                             : 0;
    if ((st = ms_card_check_file(svm.data, h, err)) != MS_OK ||
        (st = ms_linear_load(svm.data, &lin, err)) != MS_OK ||
        (st = ms_modeldir_trimmed(lin, card, &t, err)) != MS_OK)
        goto out;
    json_t *storage = json_object_get(card, "storage");
    if (dropped)
        json_object_set_new(storage, "weights_dropped", json_integer(dropped));
    if (stat(svm.data, &sb) == 0 && !json_object_get(storage, "svm_bytes_untrimmed"))
        json_object_set_new(storage, "svm_bytes_untrimmed", json_integer((json_int_t)sb.st_size));
    if (measured)
        json_object_set_new(storage, "measured", json_string(measured));
    if ((st = ms_linear_write_libsvm(t, svm.data, err)) != MS_OK ||
        (st = set_hash(card, svm.data, err)) != MS_OK ||
        (st = ms_modeldir_write_card(dir, card, err)) != MS_OK)
        goto out;
    st = ms_model_compile(dir, err);
out:
    if (st == MS_ERR_NOMEM && err && !err->message[0])
        ms_fail(err, st, dir, 0, 0, "out of memory");
    json_decref(card);
    ms_linear_free(lin);
    ms_linear_free(t);
    ms_buf_free(&card_path);
    ms_buf_free(&svm);
    return st;
}

int main(int argc, char **argv)
{
    const char *measured = NULL;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "--measured")) {
        measured = argv[i + 1];
        i += 2;
    }
    if (i >= argc) {
        fputs("Usage: trim_models [--measured TEXT] MODEL_DIR...\n", stderr);
        return 64;
    }
    for (; i < argc; i++) {
        ms_error err = {0};
        ms_status st = trim_dir(argv[i], measured, &err);
        if (st != MS_OK) {
            fprintf(stderr, "trim_models: %s: %s\n", err.source[0] ? err.source : argv[i],
                    err.message[0] ? err.message : ms_strerror(st));
            return 70;
        }
    }
    return 0;
}

/* server_access.c - see server_access.h. */
#include "server_access.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void srv_keys_clear(srv_keys *keys)
{
    if (!keys)
        return;
    for (size_t i = 0; i < keys->n; i++)
        free(keys->key[i]);
    free(keys->key);
    memset(keys, 0, sizeof *keys);
}

ms_status srv_keys_load(const char *path, srv_keys *keys, ms_error *err)
{
    memset(keys, 0, sizeof *keys);
    char *data = NULL;
    size_t len = 0, cap = 0;
    ms_status st = ms_read_regular_file(path, (size_t)SRV_MAX_KEYS * (SRV_MAX_KEY_BYTES + 1),
                                        &data, &len, err);
    if (st != MS_OK)
        return st;
    long line = 0;
    size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a BOM */
    for (; st == MS_OK && i < len;) {
        size_t e = i;
        while (e < len && data[e] != '\n')
            e++;
        line++;
        size_t a = i, b = e;
        while (a < b && strchr(" \t\r", data[a]))
            a++;
        while (b > a && strchr(" \t\r", data[b - 1]))
            b--;
        i = e + 1;
        if (a == b || data[a] == '#')
            continue;
        if (b - a > SRV_MAX_KEY_BYTES || memchr(data + a, '\0', b - a))
            st = ms_fail(err, MS_ERR_PARSE, path, line, 0,
                         "not a key (over %u bytes, or a NUL byte)", SRV_MAX_KEY_BYTES);
        else if (keys->n == SRV_MAX_KEYS)
            st = ms_fail(err, MS_ERR_LIMIT, path, line, 0, "more than %u keys", SRV_MAX_KEYS);
        else if ((st = ms_grow((void **)&keys->key, &cap, keys->n + 1, sizeof *keys->key)) ==
                     MS_OK &&
                 !(keys->key[keys->n] = ms_strndup(data + a, b - a)))
            st = MS_ERR_NOMEM;
        else if (st == MS_OK)
            keys->n++;
    }
    free(data);
    if (st == MS_OK && keys->n == 0)
        st = ms_fail(err, MS_ERR_PARSE, path, 0, 0, "no API key in the file");
    if (st != MS_OK) {
        if (st == MS_ERR_NOMEM)
            ms_fail(err, st, path, 0, 0, "out of memory");
        srv_keys_clear(keys);
    }
    return st;
}

/* 1 when a equals b; the time depends on the lengths only. */
static int same(const char *a, size_t an, const char *b, size_t bn)
{
    unsigned char d = an != bn;
    for (size_t i = 0; i < an; i++)
        d |= (unsigned char)a[i] ^ (unsigned char)b[i < bn ? i : 0];
    return d == 0 && bn > 0;
}

int srv_keys_allow(const srv_keys *keys, const char *key)
{
    if (!key || !*key)
        return 0;
    size_t n = strnlen(key, SRV_MAX_KEY_BYTES + 1);
    if (n > SRV_MAX_KEY_BYTES) /* no key is that long: not compared */
        return 0;
    int ok = 0;
    for (size_t i = 0; i < keys->n; i++)
        ok |= same(key, n, keys->key[i], strlen(keys->key[i]));
    return ok;
}

const char *srv_cors_origin(const char *const *origins, size_t n, const char *origin)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(origins[i], "*") == 0)
            return "*";
        if (origin && strcmp(origins[i], origin) == 0)
            return origin;
    }
    return NULL;
}

const char *srv_cross_site(const char *origin, const char *fetch_site, const char *cors)
{
    if (cors) /* --cors-origin lets this origin in */
        return NULL;
    if (origin)
        return "a cross-site request: its Origin is not one --cors-origin lets in";
    if (fetch_site && (strcasecmp(fetch_site, "cross-site") == 0 ||
                       strcasecmp(fetch_site, "same-site") == 0))
        return "a cross-site request (Sec-Fetch-Site): no --cors-origin lets it in";
    return NULL;
}

/* mcp_json.c: the cJSON <-> APR pool bridge. cJSON allocates with malloc;
 * every tree that leaves a function is owned by a pool cleanup, so no
 * caller ever calls cJSON_Delete. cJSON_InitHooks and cJSON_GetErrorPtr
 * are global and not thread-safe: never used. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "mcp_json.h"

static apr_status_t json_cleanup(void *j)
{
    cJSON_Delete(j);
    return APR_SUCCESS;
}

cJSON *mcp_json_own(apr_pool_t *p, cJSON *j)
{
    if (j) {
        apr_pool_cleanup_register(p, j, json_cleanup, apr_pool_cleanup_null);
    }
    return j;
}

/* A byte scan before parsing, so that a deeply nested document never
 * reaches cJSON's recursive parser, and no string holds "\u0000": cJSON
 * strings end at a NUL, so "iss\u0000.evil" would read as "iss". */
static const char *prescan(const char *buf, apr_size_t len, int max_depth)
{
    int depth = 0, in_str = 0;
    apr_size_t i;

    for (i = 0; i < len; ++i) {
        char c = buf[i];
        if (in_str) {
            if (c == '\\') {
                if (i + 5 < len && buf[i + 1] == 'u'
                    && !memcmp(buf + i + 2, "0000", 4)) {
                    return "a string holds a NUL character";
                }
                ++i;
            }
            else if (c == '"') {
                in_str = 0;
            }
            else if (c == '\0') {
                return "a string holds a NUL character";
            }
        }
        else if (c == '"') {
            in_str = 1;
        }
        else if (c == '{' || c == '[') {
            if (++depth > max_depth) {
                return "nested too deeply";
            }
        }
        else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return NULL;
}

static int has_duplicates(apr_pool_t *p, const cJSON *j)
{
    const cJSON *c, *d;
    apr_hash_t *seen = NULL;
    int n = 0;

    if (!cJSON_IsObject(j) && !cJSON_IsArray(j)) {
        return 0;
    }
    for (c = j->child; c; c = c->next) {
        if (has_duplicates(p, c)) {
            return 1;
        }
        if (!cJSON_IsObject(j)) {
            continue;
        }
        if (++n <= 16) {
            /* small objects: a scan of the earlier siblings is cheapest */
            for (d = j->child; d != c; d = d->next) {
                if (strcmp(d->string, c->string) == 0) {
                    return 1;
                }
            }
            continue;
        }
        if (!seen) {
            seen = apr_hash_make(p);
            for (d = j->child; d != c; d = d->next) {
                apr_hash_set(seen, d->string, APR_HASH_KEY_STRING, d);
            }
        }
        if (apr_hash_get(seen, c->string, APR_HASH_KEY_STRING)) {
            return 1;
        }
        apr_hash_set(seen, c->string, APR_HASH_KEY_STRING, c);
    }
    return 0;
}

cJSON *mcp_json_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                      int max_depth, const char **perr)
{
    const char *end = NULL;
    cJSON *j;
    apr_pool_t *scratch;
    int dup;

    *perr = NULL;
    if (!buf || len == 0) {
        *perr = "empty document";
        return NULL;
    }
    if ((*perr = prescan(buf, len, max_depth)) != NULL) {
        return NULL;
    }
    j = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!j) {
        *perr = "not valid JSON";
        return NULL;
    }
    mcp_json_own(p, j);
    while (end && end < buf + len
           && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) {
        ++end;
    }
    if (end && end < buf + len) {
        *perr = "trailing data after the JSON value";
        return NULL;
    }
    apr_pool_create(&scratch, p);
    dup = has_duplicates(scratch, j);
    apr_pool_destroy(scratch);
    if (dup) {
        *perr = "duplicate member name";
        return NULL;
    }
    return j;
}

const char *mcp_json_print(apr_pool_t *p, const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    const char *out = s ? apr_pstrdup(p, s) : NULL;

    cJSON_free(s);
    return out;
}

cJSON *mcp_json_get(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

const char *mcp_json_number_text(apr_pool_t *p, double d)
{
    char buf[32];
    int prec;

    if (!isfinite(d)) {
        return NULL;
    }
    for (prec = 15; prec <= 17; ++prec) {
        snprintf(buf, sizeof(buf), "%.*g", prec, d);
        if (strtod(buf, NULL) == d) {
            break;
        }
    }
    return apr_pstrdup(p, buf);
}

const char *mcp_json_quote(apr_pool_t *p, const char *s)
{
    cJSON *str = cJSON_CreateString(s ? s : "");
    const char *out;

    if (!str) {
        return "\"\"";
    }
    out = mcp_json_print(p, str);
    cJSON_Delete(str);
    return out ? out : "\"\"";
}

/* fuzz_json.c: mcp_json_parse, the one JSON parser every network
 * document goes through (tokens' header and claims, JWK Sets, metadata,
 * introspection answers, JSON-RPC bodies, proxied answers, session
 * records), with its byte pre-scan (depth, "\u0000"), its duplicate member
 * check and its trailing-data check; then mcp_json_print, mcp_json_quote
 * and mcp_json_number_text on what it returns.
 *
 * Input: the document. A first byte below 0x08 is no document byte but
 * picks the depth limit (1, 2, 4, 8, 16, 32, 64, 4 else MCP_MAX_JSON_DEPTH).
 *
 * Properties: an accepted tree is no deeper than the limit, has no
 * object with two members of one name and no string with a NUL; its
 * printed form parses again; a number's text reads back as the number. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "mcp_json.h"

static const int DEPTHS[8] = { 1, 2, 4, 8, 16, 32, 64, 4 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init();
    return 0;
}

/* depth of containers: a scalar is 0, [] is 1 */
static int depth_of(const cJSON *j)
{
    const cJSON *c;
    int d = 0;

    if (!cJSON_IsArray(j) && !cJSON_IsObject(j)) {
        return 0;
    }
    for (c = j->child; c; c = c->next) {
        int k = depth_of(c);

        d = k > d ? k : d;
    }
    return d + 1;
}

static int non_finite;   /* 1e999: cJSON prints infinities as null */

static void walk(apr_pool_t *p, const cJSON *j, int *budget)
{
    const cJSON *c, *d;

    if (--*budget < 0) {
        return;
    }
    if (cJSON_IsString(j)) {
        const char *q = mcp_json_quote(p, j->valuestring);
        const char *err;
        const cJSON *back = mcp_json_parse(p, q, strlen(q), 1, &err);

        FUZZ_CHECK(back && cJSON_IsString(back)
                   && !strcmp(back->valuestring, j->valuestring),
                   "mcp_json_quote reads back");
    }
    else if (cJSON_IsNumber(j)) {
        const char *t = mcp_json_number_text(p, j->valuedouble);

        FUZZ_CHECK(!t || strtod(t, NULL) == j->valuedouble, t);
        non_finite |= !t;
    }
    if (cJSON_IsObject(j)) {
        int n = 0;

        for (c = j->child; c && n < 64; c = c->next, ++n) {
            FUZZ_CHECK(c->string != NULL, "member name");
            FUZZ_CHECK(mcp_json_get(j, c->string) != NULL, "member found");
            for (d = c->next; d; d = d->next) {
                FUZZ_CHECK(strcmp(c->string, d->string) != 0,
                           "duplicate member accepted");
            }
        }
    }
    for (c = (cJSON_IsArray(j) || cJSON_IsObject(j)) ? j->child : NULL; c;
         c = c->next) {
        walk(p, c, budget);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    int max_depth = 32, budget = 2000;
    const char *buf, *err = NULL, *text;
    cJSON *j;

    if (size && data[0] < 8) {
        max_depth = DEPTHS[data[0]];
        ++data;
        --size;
    }
    buf = fuzz_bytes(p, data, size);
    j = mcp_json_parse(p, buf, size, max_depth, &err);
    if (!j) {
        FUZZ_CHECK(err != NULL, "a reason");
        fuzz_pool_done(p);
        return 0;
    }
    FUZZ_CHECK(depth_of(j) <= max_depth, "deeper than max_depth");
    non_finite = 0;
    walk(p, j, &budget);
    text = mcp_json_print(p, j);
    if (text) {
        const cJSON *again = mcp_json_parse(p, text, strlen(text), max_depth,
                                            &err);

        FUZZ_CHECK(again != NULL, err);
        FUZZ_CHECK(non_finite || budget < 0 || cJSON_Compare(j, again, 1),
                   "print + parse");
    }
    fuzz_pool_done(p);
    return 0;
}

/* fuzz_introspect.c: a token introspection response (RFC 7662) read as
 * hostile input: mcp_introspect_parse on an mcp_http_resp_t like the one
 * mcp_http_post builds (body NUL-terminated, in the pool), then what the
 * module does with the claims: mcp_claims_check against a configured
 * location, mcp_claims_keep, and the verdict cache: mcp_cache_encode then
 * mcp_cache_decode must give the same claims back.
 *
 * Input: the body. A first byte below 0x08 is no body byte but picks the
 * status and Content-Type (200 application/json otherwise). */
#include <string.h>

#include <apr_strings.h>

#include "fuzz_common.h"
#include "mcp_cache.h"
#include "mcp_claims.h"
#include "mcp_conf.h"
#include "mcp_introspect.h"
#include "mcp_util.h"

#define NOW apr_time_from_sec(1700000100)

static const mcp_dir_conf_t *dc;
static apr_array_header_t *keep;
static const unsigned char SECRET[MCP_CACHE_SECRET_LEN] = "fuzz-fuzz-fuzz-fuzz-fuzz-fuzz-";

static const struct {
    int status;
    const char *ctype;
} VARIANTS[8] = {
    { 200, "application/json" },
    { 200, "application/json; charset=utf-8" },
    { 200, "Application/JSON;charset=UTF-8" },
    { 200, "application/token-introspection+jwt" },
    { 200, NULL },
    { 401, "application/json" },
    { 500, "application/json" },
    { 200, "text/html" },
};

static apr_array_header_t *strings(apr_pool_t *p, const char *a,
                                   const char *b)
{
    apr_array_header_t *arr = apr_array_make(p, 2, sizeof(const char *));

    APR_ARRAY_PUSH(arr, const char *) = a;
    if (b) {
        APR_ARRAY_PUSH(arr, const char *) = b;
    }
    return arr;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *g = fuzz_init();
    mcp_dir_conf_t *c = mcp_dir_conf_create(g);

    c->resource = "https://mcp.example.com/mcp";
    c->issuers = strings(g, "https://as.example.com", NULL);
    c->required_scopes = strings(g, "mcp:tools", NULL);
    dc = mcp_dir_conf_merge(g, mcp_dir_conf_create(g), c);
    keep = strings(g, "sub", "tenant");
    return 0;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void cache_round_trip(apr_pool_t *p, mcp_claims_t *c,
                             mcp_verdict_e v, const char *desc)
{
    unsigned char id[MCP_CACHE_ID_LEN], *buf = NULL;
    apr_size_t len = 0;
    mcp_cache_entry_t e = { v, v == MCP_OK ? MCP_REASON_NONE
                                           : mcp_reason_of(desc), c, 0 };
    mcp_cache_entry_t *out = NULL;
    const char *err = NULL;
    int i;

    if (v != MCP_OK && v != MCP_INVALID_TOKEN && v != MCP_INSUFFICIENT_SCOPE) {
        return;
    }
    mcp_cache_id(id, dc, "token");
    if (mcp_cache_encode(&buf, &len, p, &e, id, SECRET) != APR_SUCCESS) {
        return;     /* too large to cache */
    }
    FUZZ_CHECK(len <= MCP_CACHE_MAX_ENTRY, "entry size");
    FUZZ_CHECK(mcp_cache_decode(&out, p, buf, len, id, SECRET, &err)
               == APR_SUCCESS, err);
    FUZZ_CHECK(out->verdict == e.verdict && out->reason == e.reason,
               "verdict and reason");
    FUZZ_CHECK(same_str(out->claims->sub, c->sub), "sub");
    FUZZ_CHECK(same_str(out->claims->client_id, c->client_id), "client_id");
    FUZZ_CHECK(same_str(out->claims->iss, c->iss), "iss");
    FUZZ_CHECK(same_str(out->claims->kept, c->kept), "kept");
    FUZZ_CHECK(out->claims->exp == c->exp && out->claims->nbf == c->nbf,
               "exp and nbf");
    FUZZ_CHECK(out->claims->via == c->via, "via");
    FUZZ_CHECK(out->claims->aud->nelts == (c->aud ? c->aud->nelts : 0),
               "aud count");
    for (i = 0; i < out->claims->aud->nelts; ++i) {
        FUZZ_CHECK(same_str(APR_ARRAY_IDX(out->claims->aud, i, const char *),
                            APR_ARRAY_IDX(c->aud, i, const char *)), "aud");
    }
    FUZZ_CHECK(!strcmp(mcp_scopes_join(p, out->claims->scopes),
                       mcp_scopes_join(p, c->scopes)), "scopes");
    (void)mcp_cache_verdict(out, dc, NOW, &err);
    (void)mcp_cache_ttl(dc, out, NOW);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    mcp_http_resp_t resp = { 200, "application/json", NULL, 0 };
    mcp_claims_t *c = NULL;
    const char *err = NULL, *desc = NULL;
    apr_status_t rv;

    if (size && data[0] < 8) {
        resp.status = VARIANTS[data[0]].status;
        resp.content_type = VARIANTS[data[0]].ctype;
        ++data;
        --size;
    }
    resp.body = apr_pstrmemdup(p, (const char *)data, size);
    resp.body_len = size;
    rv = mcp_introspect_parse(&c, p, &resp, &err);
    FUZZ_CHECK((rv == APR_SUCCESS) == (c != NULL), "claims iff success");
    if (rv == APR_SUCCESS) {
        mcp_verdict_e v;

        FUZZ_CHECK(resp.status == 200, "only 200 is read");
        FUZZ_CHECK(c->via == MCP_VIA_INTROSPECTION, "via");
        v = mcp_claims_check(p, c, dc, NOW, &desc);
        FUZZ_CHECK(c->active || v != MCP_OK, "inactive never passes");
        mcp_claims_keep(c, p, keep);
        cache_round_trip(p, c, v, desc);
    }
    else {
        FUZZ_CHECK(err != NULL, "a reason");
    }
    fuzz_pool_done(p);
    return 0;
}

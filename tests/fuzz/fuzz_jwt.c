/* fuzz_jwt.c: JWT access tokens as they arrive in the Authorization
 * header: the JWS compact form (mcp_jwt_looks_like, mcp_jwt_parse), the
 * JOSE header and the claims (mcp_jwt_claims, with strict and lax typ),
 * then what follows in the module: mcp_jwt_verify against the real key
 * set of tests/data/jwt/jwks.json (the signature is almost never right,
 * but the key lookup and the signature decoding run), mcp_claims_check
 * with a directory configuration like tests/unit/test_jwt.c's, and
 * mcp_claims_keep.
 *
 * Two input forms:
 *   - a compact JWS (anything that does not start with '{'): as is;
 *   - "<header JSON>\0<payload JSON>\0<signature bytes>" (starts with '{'):
 *     each part base64url-encoded and joined with dots, so that mutations
 *     reach the JSON and claim checks instead of breaking the base64. */
#include <string.h>

#include <apr_strings.h>

#include "fuzz_common.h"
#include "mcp_claims.h"
#include "mcp_conf.h"
#include "mcp_jwt.h"
#include "mcp_util.h"

#define MAX_LEN 8192
#define NOW     apr_time_from_sec(1700000100)
#define SKEW    apr_time_from_sec(30)

static const mcp_dir_conf_t *dc;
static const mcp_jwks_t *jwks;
static apr_array_header_t *keep;

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
    mcp_jwks_t *set = NULL;
    const char *json, *err = NULL;
    apr_size_t len;
    int skipped;

    c->resource = "https://mcp.example.com/mcp";
    c->issuers = strings(g, "https://as.example.com", NULL);
    c->required_scopes = strings(g, "mcp:tools", NULL);
    dc = mcp_dir_conf_merge(g, mcp_dir_conf_create(g), c);
    json = fuzz_read_file(g, "tests/data/jwt/jwks.json", &len);
    if (mcp_jwks_parse(&set, g, json, len, &skipped, &err) != APR_SUCCESS) {
        fuzz_fail(__FILE__, __LINE__, "jwks.json", err);
    }
    jwks = set;
    keep = strings(g, "sub", "tenant");
    APR_ARRAY_PUSH(keep, const char *) = "aud";
    return 0;
}

/* "{...}\0{...}\0sig" -> b64url(header).b64url(payload).b64url(sig) */
static const char *build(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const uint8_t *part[3] = { data, NULL, NULL };
    size_t len[3] = { size, 0, 0 };
    int i, k = 0;
    size_t j;

    for (j = 0; j < size && k < 2; ++j) {
        if (data[j] == 0) {
            len[k] = (size_t)(data + j - part[k]);
            part[++k] = data + j + 1;
            len[k] = size - j - 1;
        }
    }
    if (k < 2) {
        return NULL;
    }
    {
        const char *seg[3];

        for (i = 0; i < 3; ++i) {
            seg[i] = mcp_b64url_encode(p, part[i], len[i]);
        }
        return apr_pstrcat(p, seg[0], ".", seg[1], ".", seg[2], NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *token, *err = NULL, *desc = NULL;
    mcp_jwt_t *jwt = NULL;
    mcp_claims_t *c = NULL;
    apr_status_t rv;
    int strict;

    token = size && data[0] == '{' ? build(p, data, size)
                                   : fuzz_cstr(p, data, size);
    if (!token) {
        fuzz_pool_done(p);
        return 0;
    }
    (void)mcp_jwt_looks_like(token);
    rv = mcp_jwt_parse(&jwt, p, token, MAX_LEN, &err);
    FUZZ_CHECK((rv == APR_SUCCESS) == (jwt != NULL), "jwt iff success");
    if (rv != APR_SUCCESS) {
        FUZZ_CHECK(err != NULL, "a reason for the failure");
        fuzz_pool_done(p);
        return 0;
    }
    FUZZ_CHECK(strlen(token) <= MAX_LEN, "max_len");
    FUZZ_CHECK(jwt->alg != NULL && jwt->header && jwt->payload,
               "a parsed token has alg, header and payload");
    FUZZ_CHECK(mcp_jwt_looks_like(token), "parsed tokens look like JWTs");
    (void)mcp_jwt_alg_bit(jwt->alg);
    (void)mcp_jwks_has_kid(jwks, jwt->kid);
    (void)mcp_jwks_find(jwks, jwt->kid, jwt->alg);
    err = NULL;
    (void)mcp_jwt_verify(jwt, jwks, MCP_ALGS_ALL, &err);
    (void)mcp_jwt_verify(jwt, jwks, MCP_ALG_ES256 | MCP_ALG_EDDSA, &err);

    for (strict = 0; strict <= 1; ++strict) {
        desc = NULL;
        c = NULL;
        rv = mcp_jwt_claims(&c, p, jwt, strict, NOW, SKEW, &desc);
        if (rv != APR_SUCCESS) {
            FUZZ_CHECK(desc != NULL && mcp_reason_of(desc) != 0,
                       "a fixed reason for refused claims");
            continue;
        }
        FUZZ_CHECK(c != NULL && c->iss != NULL, "claims with iss");
        FUZZ_CHECK(c->exp != MCP_TIME_ABSENT, "claims with exp");
        (void)mcp_claims_check(p, c, dc, NOW, &desc);
        mcp_claims_keep(c, p, keep);
        (void)mcp_claims_path(c->raw, "realm_access.roles");
    }
    fuzz_pool_done(p);
    return 0;
}

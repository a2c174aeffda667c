/* fuzz_jwks.c: a JWK Set as the authorization server's jwks_uri serves
 * it (mcp_jwks_parse: RSA, EC and OKP keys to OpenSSL), then what the
 * module does with the set: mcp_jwks_has_kid, mcp_jwks_find for every
 * algorithm, and mcp_jwt_verify of the valid tokens of tests/data/jwt
 * (RS/PS/ES/EdDSA) against the fuzzed keys.
 *
 * Properties: a parsed set has keys with a kty and an EVP_PKEY, and the
 * key mcp_jwks_find returns has the kid asked for. */
#include <string.h>

#include <apr_strings.h>

#include "fuzz_common.h"
#include "mcp_jwk.h"
#include "mcp_jwt.h"

static const char *const TOKENS[] = {
    "rs256", "ps384", "es256", "es384", "es512", "eddsa", NULL
};
static const char *const ALGS[] = {
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
    "ES512", "EdDSA", "none", "HS256", NULL
};
static const mcp_jwt_t *tokens[sizeof(TOKENS) / sizeof(TOKENS[0])];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *g = fuzz_init();
    int i;

    for (i = 0; TOKENS[i]; ++i) {
        const char *path = apr_pstrcat(g, "tests/data/jwt/", TOKENS[i],
                                       ".jwt", NULL);
        const char *t = fuzz_read_file(g, path, NULL), *err = NULL;
        mcp_jwt_t *jwt = NULL;

        if (mcp_jwt_parse(&jwt, g, t, 8192, &err) != APR_SUCCESS) {
            fuzz_fail(__FILE__, __LINE__, path, err);
        }
        tokens[i] = jwt;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *json = fuzz_bytes(p, data, size), *err = NULL;
    mcp_jwks_t *jwks = NULL;
    int skipped = -1, i, j;

    if (mcp_jwks_parse(&jwks, p, json, size, &skipped, &err)
        != APR_SUCCESS) {
        FUZZ_CHECK(err != NULL, "a reason");
        fuzz_pool_done(p);
        return 0;
    }
    FUZZ_CHECK(jwks && jwks->keys && skipped >= 0, "a set");
    for (i = 0; i < jwks->keys->nelts; ++i) {
        const mcp_jwk_t *k = APR_ARRAY_IDX(jwks->keys, i, const mcp_jwk_t *);

        FUZZ_CHECK(k && k->kty && k->pkey, "key with kty and EVP_PKEY");
        FUZZ_CHECK(mcp_jwks_has_kid(jwks, k->kid) || !k->kid, "has_kid");
        for (j = 0; ALGS[j]; ++j) {
            const mcp_jwk_t *f = mcp_jwks_find(jwks, k->kid, ALGS[j]);

            FUZZ_CHECK(!f || (k->kid && f->kid && !strcmp(f->kid, k->kid))
                       || (!k->kid && jwks->keys->nelts == 1),
                       "find returns a key of that kid");
        }
    }
    (void)mcp_jwks_has_kid(jwks, NULL);
    (void)mcp_jwks_find(jwks, NULL, "RS256");
    for (i = 0; TOKENS[i]; ++i) {
        err = NULL;
        (void)mcp_jwt_verify(tokens[i], jwks, MCP_ALGS_ALL, &err);
    }
    fuzz_pool_done(p);
    return 0;
}

/* mcp_jwk.h: JSON Web Keys (RFC 7517) to OpenSSL public keys: the keys
 * an authorization server signs access tokens with.
 */
#ifndef MCP_JWK_H
#define MCP_JWK_H

#include <openssl/evp.h>

#include "mcp.h"

typedef struct mcp_jwk_t {
    const char *kid;        /* may be NULL */
    const char *kty;        /* RSA, EC, OKP */
    const char *crv;        /* P-256, P-384, P-521, Ed25519; NULL for RSA */
    const char *alg;        /* may be NULL: then any alg of the kty */
    EVP_PKEY *pkey;         /* freed with the pool */
} mcp_jwk_t;

typedef struct mcp_jwks_t {
    apr_array_header_t *keys;   /* const mcp_jwk_t * */
} mcp_jwks_t;

/* Parse a JWK Set. Keys that cannot verify signatures here are skipped
 * and counted in *pskipped: private or symmetric keys, "use" other than
 * "sig", unknown kty or crv, RSA under 2048 bits, bad encodings. Fails
 * only when the document is not a JWK Set at all. */
apr_status_t mcp_jwks_parse(mcp_jwks_t **pjwks, apr_pool_t *p,
                            const char *json, apr_size_t len, int *pskipped,
                            const char **perr);

/* 1 when a key of the set has this kid (kid NULL: the set has exactly one
 * key, the one a token without kid may use). */
int mcp_jwks_has_kid(const mcp_jwks_t *jwks, const char *kid);

/* The key for a token header: same kid (a token without kid matches only
 * a set of exactly one key), a kty and crv that fit alg, and the key's own
 * alg, if it has one, equal to alg. NULL when there is none. */
const mcp_jwk_t *mcp_jwks_find(const mcp_jwks_t *jwks, const char *kid,
                               const char *alg);

#endif /* MCP_JWK_H */

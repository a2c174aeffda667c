/* mcp_jwt.h: JWT access tokens (RFC 9068) in JWS compact form (RFC 7515),
 * verified with OpenSSL 3 EVP. Parsing is strict: three segments of
 * canonical base64url without padding, JSON objects without duplicate
 * members or trailing data, bounded sizes.
 */
#ifndef MCP_JWT_H
#define MCP_JWT_H

#include "mcp_json.h"
#include "mcp_jwk.h"

/* Algorithms, as bits of an allow-list. There is no "none" and no HMAC:
 * a resource server holds no shared secret, so they can never verify. */
#define MCP_ALG_RS256  0x0001u
#define MCP_ALG_RS384  0x0002u
#define MCP_ALG_RS512  0x0004u
#define MCP_ALG_PS256  0x0008u
#define MCP_ALG_PS384  0x0010u
#define MCP_ALG_PS512  0x0020u
#define MCP_ALG_ES256  0x0040u
#define MCP_ALG_ES384  0x0080u
#define MCP_ALG_ES512  0x0100u
#define MCP_ALG_EDDSA  0x0200u
#define MCP_ALGS_ALL   0x03ffu

/* The bit of an algorithm name ("RS256", case-sensitive as in JOSE), or 0
 * for any other name ("none", "HS256", ...). */
unsigned mcp_jwt_alg_bit(const char *name);

typedef struct mcp_jwt_t {
    const char *alg;
    const char *kid;          /* NULL when absent */
    const char *typ;          /* NULL when absent */
    const cJSON *header;
    const cJSON *payload;
    const char *signing_input;    /* header.payload, as received */
    apr_size_t signing_input_len;
    const unsigned char *sig;
    apr_size_t sig_len;
} mcp_jwt_t;

/* 1 when token has the shape of a JWS (three base64url segments): the
 * "auto" validation mode sends those to mcp_jwt_parse, others to
 * introspection. */
int mcp_jwt_looks_like(const char *token);

/* Split, decode and check the form of a compact JWS of at most max_len
 * bytes. */
apr_status_t mcp_jwt_parse(mcp_jwt_t **pjwt, apr_pool_t *p, const char *token,
                           apr_size_t max_len, const char **perr);

/* Verify the signature with a key of jwks. APR_NOTFOUND when no key has
 * the token's kid (the key set may be stale: refresh, then try again);
 * APR_EGENERAL for a disallowed algorithm or a bad signature. The header's
 * jku, x5u, jwk and x5c are never used. */
apr_status_t mcp_jwt_verify(const mcp_jwt_t *jwt, const mcp_jwks_t *jwks,
                            unsigned allowed_algs, const char **perr);

/* The claims of a verified token for mcp_claims_check: iss and exp are
 * required, aud is a string or an array of strings, scopes come from
 * "scope" (a string) or "scp" (a string or an array), the client from
 * client_id (else azp, else Okta's cid). typ must be at+jwt or
 * application/at+jwt (any case) when strict_typ; otherwise JWT,
 * application/jwt, Okta's application/okta-internal-at+jwt or no typ pass
 * too, any other kind of JWT does not. iat must not be in the future beyond skew. The
 * claims' token_type stays NULL. On failure *pdesc is one of the fixed
 * reasons of mcp_claims.h (safe to send to the client). */
apr_status_t mcp_jwt_claims(mcp_claims_t **pclaims, apr_pool_t *p,
                            const mcp_jwt_t *jwt, int strict_typ,
                            apr_time_t now, apr_interval_time_t skew,
                            const char **pdesc);

#endif /* MCP_JWT_H */

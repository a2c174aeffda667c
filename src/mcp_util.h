/* mcp_util.h: small pure helpers: bearer header parsing, token
 * fingerprints, scope lists, form encoding.
 */
#ifndef MCP_UTIL_H
#define MCP_UTIL_H

#include "mcp.h"

/* Parse an Authorization header value (RFC 6750 2.1, RFC 9110 11.4).
 * NULL or a scheme other than Bearer -> MCP_NO_TOKEN; a Bearer with an empty
 * or non-token68 credential -> MCP_BAD_REQUEST; longer than max_len ->
 * MCP_INVALID_TOKEN; else MCP_OK with *ptoken in p. */
mcp_verdict_e mcp_bearer_parse(const char **ptoken, apr_pool_t *p,
                               const char *header, apr_size_t max_len);

/* Short SHA-256 fingerprint (12 hex digits) for log lines: never log the
 * token itself. */
const char *mcp_fingerprint(apr_pool_t *p, const char *s, apr_size_t len);

/* RFC 6749 3.3 scope-token: 1*( %x21 / %x23-5B / %x5D-7E ) */
int mcp_scope_token_valid(const char *s);

/* Split a space-delimited scope string into an array of const char *. */
apr_array_header_t *mcp_scopes_parse(apr_pool_t *p, const char *s);
int mcp_scopes_contains(const apr_array_header_t *scopes, const char *scope);
/* 1 when every element of `need` is in `have`. */
int mcp_scopes_cover(const apr_array_header_t *have,
                     const apr_array_header_t *need);
const char *mcp_scopes_join(apr_pool_t *p, const apr_array_header_t *scopes);

/* application/x-www-form-urlencoded encoding of one name or value. */
const char *mcp_form_encode(apr_pool_t *p, const char *s);

/* 1 when a query string or form body (len bytes, need not be
 * NUL-terminated) has a parameter called `name`. */
int mcp_form_has_param(const char *buf, apr_size_t len, const char *name);

/* Strict base64url (RFC 4648 5) without padding, as JOSE uses it: only
 * [A-Za-z0-9_-], no '=', no length of 4n+1, and unused trailing bits zero
 * (one encoding per value). NULL for anything else. *plen gets the length;
 * the output is NUL-terminated too. */
unsigned char *mcp_b64url_decode(apr_pool_t *p, const char *in,
                                 apr_size_t inlen, apr_size_t *plen);

/* 1 when the Content-Type value ct names media type `type` (parameters
 * such as charset allowed, case-insensitive). */
int mcp_media_type_is(const char *ct, const char *type);

/* base64url without padding. */
const char *mcp_b64url_encode(apr_pool_t *p, const unsigned char *in,
                              apr_size_t len);

#endif /* MCP_UTIL_H */

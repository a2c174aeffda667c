/* mcp_challenge.h: how a verdict is said on the wire: the HTTP status,
 * the one WWW-Authenticate Bearer challenge (RFC 6750 3, RFC 9728 5.1)
 * and a small JSON body, as the MCP SDKs send it.
 */
#ifndef MCP_CHALLENGE_H
#define MCP_CHALLENGE_H

#include "mcp.h"

/* 401, 400, 403, 503 (200 for MCP_OK). */
int mcp_verdict_status(mcp_verdict_e v);

/* The RFC 6750 error code, or NULL (MCP_OK, MCP_NO_TOKEN, MCP_UNAVAILABLE). */
const char *mcp_verdict_error(mcp_verdict_e v);

/* The WWW-Authenticate value, or NULL when the verdict has none (MCP_OK,
 * MCP_UNAVAILABLE). Order: error, error_description, resource_metadata,
 * scope; empty or NULL parameters are left out; values are quoted-strings
 * with '"' and '\' escaped and control bytes dropped. `scope` is only used
 * for 401 and 403. */
const char *mcp_challenge(apr_pool_t *p, mcp_verdict_e v, const char *desc,
                          const char *prm_url, const char *scope);

/* {"error":"...","error_description":"..."} for the response body. */
const char *mcp_error_body(apr_pool_t *p, mcp_verdict_e v, const char *desc);

#endif /* MCP_CHALLENGE_H */

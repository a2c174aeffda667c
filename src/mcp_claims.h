/* mcp_claims.h: the checks every token passes, whichever way it was
 * validated (introspection now, local JWT later): active, type, time,
 * issuer, audience, then scope.
 */
#ifndef MCP_CLAIMS_H
#define MCP_CLAIMS_H

#include "mcp.h"
#include "mcp_conf.h"

/* Empty claims: inactive, every claim absent. */
mcp_claims_t *mcp_claims_create(apr_pool_t *p);

/* MCP_OK, MCP_INVALID_TOKEN or MCP_INSUFFICIENT_SCOPE, with the reason
 * (a fixed string safe to send to the client) in *pdesc. `now` is passed
 * in so that expiry is testable. */
mcp_verdict_e mcp_claims_check(apr_pool_t *p, const mcp_claims_t *c,
                               const mcp_dir_conf_t *dc, apr_time_t now,
                               const char **pdesc);

#endif /* MCP_CLAIMS_H */

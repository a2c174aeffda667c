/* mcp_claims.h: the checks every token passes, whichever way it was
 * validated (introspection now, local JWT later): active, type, time,
 * issuer, audience, then scope.
 */
#ifndef MCP_CLAIMS_H
#define MCP_CLAIMS_H

#include "mcp.h"
#include "mcp_conf.h"

/* Why a token is refused: a fixed set of descriptions, safe to send to
 * clients, that cache entries store by number. */
typedef enum {
    MCP_REASON_NONE = 0,
    MCP_REASON_INACTIVE,
    MCP_REASON_TYPE,
    MCP_REASON_EXPIRED,
    MCP_REASON_NOT_YET_VALID,
    MCP_REASON_ISSUER,
    MCP_REASON_AUDIENCE,
    MCP_REASON_SCOPE,
    MCP_REASON_MALFORMED,
    MCP_REASON_SIGNATURE,
    MCP_REASON_JWT_TYPE,
    MCP_REASON_NO_EXPIRY,
    MCP_REASON_COUNT
} mcp_reason_e;

/* The description of a reason (NULL for MCP_REASON_NONE or out of range),
 * and the reason of a description returned by mcp_claims_check. */
const char *mcp_reason_text(int reason);
int mcp_reason_of(const char *desc);

/* Empty claims: inactive, every claim absent. */
mcp_claims_t *mcp_claims_create(apr_pool_t *p);

/* Keep the claims called `names` (top-level names, const char *) from
 * c->raw in c->kept, as the JSON text of one object; NULL when none of
 * them is there. */
void mcp_claims_keep(mcp_claims_t *c, apr_pool_t *p,
                     const apr_array_header_t *names);

/* The value at a dotted path ("realm_access.roles") in a JSON object, or
 * NULL. */
const struct cJSON *mcp_claims_path(const struct cJSON *obj,
                                    const char *path);

/* MCP_OK, MCP_INVALID_TOKEN or MCP_INSUFFICIENT_SCOPE, with the reason
 * (a fixed string safe to send to the client) in *pdesc. `now` is passed
 * in so that expiry is testable. */
mcp_verdict_e mcp_claims_check(apr_pool_t *p, const mcp_claims_t *c,
                               const mcp_dir_conf_t *dc, apr_time_t now,
                               const char **pdesc);

#endif /* MCP_CLAIMS_H */

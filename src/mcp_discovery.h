/* mcp_discovery.h: authorization server metadata (RFC 8414, OpenID
 * Connect Discovery): where to look for it, and what to take from it.
 */
#ifndef MCP_DISCOVERY_H
#define MCP_DISCOVERY_H

#include "mcp.h"

/* The metadata URLs of an issuer, in the order to try them: RFC 8414
 * (well-known prefix inserted before the issuer's path), then OpenID
 * Connect (suffix appended to the issuer). const char * each. */
apr_array_header_t *mcp_discovery_urls(apr_pool_t *p, const char *issuer);

typedef struct mcp_as_metadata_t {
    const char *issuer;
    const char *jwks_uri;                 /* NULL when absent */
    const char *introspection_endpoint;   /* NULL when absent */
} mcp_as_metadata_t;

/* Read a metadata document of `issuer`. Its "issuer" must be exactly the
 * configured one (RFC 8414 3.3), and the endpoints absolute URLs, https
 * unless allow_http. */
apr_status_t mcp_discovery_parse(mcp_as_metadata_t **pmd, apr_pool_t *p,
                                 const char *json, apr_size_t len,
                                 const char *issuer, int allow_http,
                                 const char **perr);

#endif /* MCP_DISCOVERY_H */

/* mcp_introspect.h: RFC 7662 token introspection: the request (with
 * client_secret_basic or client_secret_post) and the response, read as
 * hostile input.
 */
#ifndef MCP_INTROSPECT_H
#define MCP_INTROSPECT_H

#include "mcp.h"
#include "mcp_conf.h"
#include "mcp_http.h"

/* The POST to dc->introspection_url for token. */
void mcp_introspect_request(mcp_http_req_t *req, apr_pool_t *p,
                            const mcp_dir_conf_t *dc, const char *token);

/* Read the endpoint's answer. APR_SUCCESS with *pclaims (active or not);
 * any other status means the answer cannot be trusted (HTTP error, wrong
 * media type, not JSON, `active` missing or not a boolean, members of the
 * wrong type), with the reason in *perr. */
apr_status_t mcp_introspect_parse(mcp_claims_t **pclaims, apr_pool_t *p,
                                  const mcp_http_resp_t *resp,
                                  const char **perr);

/* Request + transport + parse. */
apr_status_t mcp_introspect(mcp_claims_t **pclaims, apr_pool_t *p,
                            const mcp_dir_conf_t *dc, const char *token,
                            mcp_http_post_fn *post, void *baton,
                            const char **perr);

#endif /* MCP_INTROSPECT_H */

/* mcp_server.h: the MCP lifecycle and methods of the built-in endpoint,
 * independent of HTTP: a POST body in, an HTTP status and body out.
 */
#ifndef MCP_SERVER_H
#define MCP_SERVER_H

#include "mcp_tools.h"

#define MCP_PROTOCOL_LATEST   "2025-11-25"
#define MCP_PROTOCOL_DEFAULT  "2025-03-26"  /* no MCP-Protocol-Version */

typedef struct mcp_reply_t {
    int status;          /* 200, 202 or 400 */
    const char *body;    /* JSON, or NULL for 202 */
    const char *method;  /* the JSON-RPC method, for the log (or NULL) */
} mcp_reply_t;

/* 1 when v is a protocol version this server speaks. */
int mcp_server_version_supported(const char *v);

/* Handle one JSON-RPC message posted to the endpoint. */
void mcp_server_handle(mcp_reply_t *reply, apr_pool_t *p,
                       const mcp_tools_t *tools, const char *body,
                       apr_size_t len);

#endif /* MCP_SERVER_H */

/* mcp_server.h: the MCP lifecycle and methods of the built-in endpoint,
 * independent of HTTP: a POST body in, an HTTP status and body out.
 */
#ifndef MCP_SERVER_H
#define MCP_SERVER_H

#include "mcp_rpc.h"
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

/* Answer one parsed JSON-RPC message (the transport has parsed it with
 * mcp_rpc_parse and applied its own rules, such as sessions): initialize,
 * ping, tools/list (pages of MCP_TOOLS_PAGE_SIZE, nextCursor), tools/call
 * (arguments checked against the inputSchema first: a failure is a tool
 * error), logging/setLevel, completion/complete; -32601 for the rest.
 * ctx tells tools who calls; it may be NULL (the tool then gets an empty
 * one). */
void mcp_server_dispatch(mcp_reply_t *reply, apr_pool_t *p,
                         const mcp_tools_t *tools, const mcp_rpc_msg_t *m,
                         mcp_tool_ctx_t *ctx);

/* Parse, then dispatch: 400 with -32700 or -32600 for what does not
 * parse. */
void mcp_server_handle(mcp_reply_t *reply, apr_pool_t *p,
                       const mcp_tools_t *tools, const char *body,
                       apr_size_t len, mcp_tool_ctx_t *ctx);

#endif /* MCP_SERVER_H */

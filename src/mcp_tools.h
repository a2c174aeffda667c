/* mcp_tools.h: the tool registry of the built-in MCP endpoint, and the
 * API through which tools are added (the built-in math tools, and tools
 * that other Apache modules provide).
 */
#ifndef MCP_TOOLS_H
#define MCP_TOOLS_H

#include "mcp_json.h"

/* Other Apache modules provide tools with
 *   ap_register_provider(p, MCP_TOOL_PROVIDER_GROUP, tool->name,
 *                        MCP_TOOL_PROVIDER_VERSION, tool);
 * in their register_hooks; the module collects them at startup. */
#define MCP_TOOL_PROVIDER_GROUP   "mcp_tool"
#define MCP_TOOL_PROVIDER_VERSION "1"

/* Who calls a tool, and how the tool may talk to the client before its
 * result. */
typedef struct mcp_tool_ctx_t mcp_tool_ctx_t;
struct mcp_tool_ctx_t {
    const char *sub;                   /* NULL without authentication */
    const char *client_id;
    const apr_array_header_t *scopes;  /* const char *; NULL likewise */
    const cJSON *meta;                 /* the request's params._meta */
    /* Send a notification (notifications/progress, notifications/message)
     * before the result. APR_ENOTIMPL when the transport cannot (the tool
     * goes on without). NULL: same. */
    apr_status_t (*notify)(mcp_tool_ctx_t *ctx, const char *method,
                           const cJSON *params);
    void *transport;
};

/* Run a tool. `args` is the arguments object (never NULL: an absent one
 * is passed as {}). Return a CallToolResult built with the helpers below,
 * owned by p. */
typedef cJSON *mcp_tool_fn(apr_pool_t *p, const cJSON *args,
                           mcp_tool_ctx_t *ctx, void *baton);

typedef struct mcp_tool_t {
    const char *name;          /* [A-Za-z0-9_.-]{1,128} */
    const char *title;         /* optional */
    const char *description;
    const char *input_schema;  /* JSON Schema text, "type":"object" */
    const char *output_schema; /* JSON Schema text, or NULL */
    mcp_tool_fn *call;
    void *baton;
} mcp_tool_t;

typedef struct mcp_tools_t mcp_tools_t;

mcp_tools_t *mcp_tools_create(apr_pool_t *p);

/* Add a tool; NULL on success, else why not (bad name or schema, a
 * duplicate name, or the registry is already sealed). */
const char *mcp_tools_add(mcp_tools_t *reg, const mcp_tool_t *tool);

/* Render the tools/list result once; the registry is read-only after. */
const char *mcp_tools_seal(mcp_tools_t *reg);

const mcp_tool_t *mcp_tools_find(const mcp_tools_t *reg, const char *name);

/* The sealed tools/list result (JSON text). */
const char *mcp_tools_list_json(const mcp_tools_t *reg);

/* CallToolResult helpers. */
cJSON *mcp_tool_result(apr_pool_t *p, const char *text, cJSON *structured);
cJSON *mcp_tool_error(apr_pool_t *p, const char *message);

/* The built-in tools: add(a, b) and multiply(x, y). */
const char *mcp_tools_add_math(mcp_tools_t *reg);

#endif /* MCP_TOOLS_H */

/* mcp_tools.h: the tool registry of the built-in MCP endpoint, and the
 * API through which tools are added (the built-in math tools, and tools
 * that other Apache modules provide).
 */
#ifndef MCP_TOOLS_H
#define MCP_TOOLS_H

#include "mcp_json.h"
#include "mcp_schema.h"

/* Other Apache modules provide tools with
 *   ap_register_provider(pconf, MCP_TOOL_PROVIDER_GROUP, tool->name,
 *                        MCP_TOOL_PROVIDER_VERSION, tool);
 * in their register_hooks (or in a directive handler, with cmd->pool).
 * At post_config the module collects every provider of the group, sorted
 * by name, into the registry; an invalid tool refuses startup. The
 * provider name must be the tool's name.
 *
 * A provider module uses only the types and macros of this header, cJSON
 * and APR: the mcp_* functions live inside mod_mcp_auth.so and are no
 * interface between modules. Examples: examples/mod_mcp_example_tools.c.
 */
#define MCP_TOOL_PROVIDER_GROUP   "mcp_tool"
#define MCP_TOOL_PROVIDER_VERSION "1"

/* Who calls a tool, and how the tool may talk to the client before its
 * result. Never NULL when a tool runs. */
typedef struct mcp_tool_ctx_t mcp_tool_ctx_t;
struct mcp_tool_ctx_t {
    const char *sub;                   /* NULL without authentication */
    const char *client_id;
    const apr_array_header_t *scopes;  /* const char *; NULL likewise */
    const cJSON *meta;                 /* the request's params._meta, or
                                        * NULL (progressToken is there) */
    /* Send a notification (notifications/progress, notifications/message)
     * before the result. APR_ENOTIMPL when the transport cannot (the tool
     * goes on without). NULL: same; tools check before calling it. */
    apr_status_t (*notify)(mcp_tool_ctx_t *ctx, const char *method,
                           const cJSON *params);
    void *transport;
};

/* Run a tool. `args` is the arguments object (never NULL: an absent one
 * is passed as {}), already checked against the tool's inputSchema.
 * Return a CallToolResult ({"content":[...]}, optionally "isError":true
 * and "structuredContent"), owned by p (apr_pool_cleanup_register with
 * cJSON_Delete, or mcp_json_own). NULL, or a result without a content
 * array, is answered with an internal error (-32603). */
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

/* tools/list pages hold this many tools; a nextCursor leads to the next. */
#define MCP_TOOLS_PAGE_SIZE 100

mcp_tools_t *mcp_tools_create(apr_pool_t *p);

/* Add a tool; NULL on success, else why not (bad name, no description or
 * function, an input or output schema that is not a JSON Schema object of
 * "type":"object", a duplicate name, or the registry is already sealed).
 * The schemas are parsed and compiled here, once, into the registry's
 * pool; the tool itself is kept by reference and must outlive it. */
const char *mcp_tools_add(mcp_tools_t *reg, const mcp_tool_t *tool);

/* Sort the tools by name and render the tools/list pages once; the
 * registry is read-only after (and safe to share between threads). */
const char *mcp_tools_seal(mcp_tools_t *reg);

const mcp_tool_t *mcp_tools_find(const mcp_tools_t *reg, const char *name);

/* The compiled inputSchema of the tool called name, or NULL. */
const mcp_schema_t *mcp_tools_input_schema(const mcp_tools_t *reg,
                                           const char *name);

int mcp_tools_count(const mcp_tools_t *reg);

/* The sealed tools/list result (JSON text) of the page that cursor names
 * (NULL: the first page); NULL for a cursor that this registry did not
 * issue. */
const char *mcp_tools_list_page(const mcp_tools_t *reg, const char *cursor);

/* The first page. */
const char *mcp_tools_list_json(const mcp_tools_t *reg);

/* CallToolResult helpers (for the built-in tools: modules that provide
 * tools build their results with cJSON, see examples/). */
cJSON *mcp_tool_result(apr_pool_t *p, const char *text, cJSON *structured);
cJSON *mcp_tool_error(apr_pool_t *p, const char *message);

/* The built-in tools add(a, b) and multiply(x, y), NULL-terminated. */
const mcp_tool_t *const *mcp_tools_math(void);

/* Add both to reg (tests; the module registers them as providers). */
const char *mcp_tools_add_math(mcp_tools_t *reg);

#endif /* MCP_TOOLS_H */

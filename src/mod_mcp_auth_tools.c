/* mod_mcp_auth_tools.c: the tool provider API on the httpd side.
 *
 * Every tool of the built-in endpoint is an ap_provider of the group
 * MCP_TOOL_PROVIDER_GROUP ("mcp_tool"), version MCP_TOOL_PROVIDER_VERSION,
 * named after the tool: the module's own add and multiply as much as the
 * tools of other modules (examples/mod_mcp_example_tools.c). post_config
 * collects them all, sorted by name, into the registry of the generation;
 * a tool that the registry refuses refuses startup. */
#include <stdlib.h>
#include <string.h>

#include "mod_mcp_auth.h"

#include "ap_provider.h"
#include "apr_strings.h"

void mcp_tools_register_hooks(apr_pool_t *p)
{
    const mcp_tool_t *const *t;

    for (t = mcp_tools_math(); *t; ++t) {
        ap_register_provider(p, MCP_TOOL_PROVIDER_GROUP, (*t)->name,
                             MCP_TOOL_PROVIDER_VERSION, *t);
    }
}

static int by_provider_name(const void *a, const void *b)
{
    return strcmp(((const ap_list_provider_names_t *)a)->provider_name,
                  ((const ap_list_provider_names_t *)b)->provider_name);
}

int mcp_tools_collect(mcp_tools_t *reg, apr_pool_t *ptemp, server_rec *s)
{
    apr_array_header_t *names, *added;
    const char *err;
    int i;

    names = ap_list_provider_names(ptemp, MCP_TOOL_PROVIDER_GROUP,
                                   MCP_TOOL_PROVIDER_VERSION);
    /* the provider hash has no order: make startup the same every time */
    qsort(names->elts, names->nelts, names->elt_size, by_provider_name);
    added = apr_array_make(ptemp, names->nelts + 1, sizeof(const char *));
    for (i = 0; i < names->nelts; ++i) {
        const char *name = ((ap_list_provider_names_t *)names->elts)[i]
                           .provider_name;
        const mcp_tool_t *tool = ap_lookup_provider(MCP_TOOL_PROVIDER_GROUP,
                                                    name,
                                                    MCP_TOOL_PROVIDER_VERSION);
        if (!tool) {
            continue;   /* registered with NULL: nothing to offer */
        }
        if (!tool->name || strcmp(tool->name, name)) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCPLOGNO(00701)
                         "tool provider \"%s\" of the group \"%s\" offers a "
                         "tool named \"%s\": the provider name must be the "
                         "tool's name; not starting", name,
                         MCP_TOOL_PROVIDER_GROUP,
                         tool->name ? tool->name : "(none)");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        if ((err = mcp_tools_add(reg, tool)) != NULL) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCPLOGNO(00702)
                         "tool provider \"%s\" (group \"%s\"): %s; not "
                         "starting", name, MCP_TOOL_PROVIDER_GROUP, err);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        APR_ARRAY_PUSH(added, const char *) = name;
    }
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, MCPLOGNO(00703)
                 "%d tools: %s", added->nelts, added->nelts
                 ? apr_array_pstrcat(ptemp, added, ' ') : "none");
    return OK;
}

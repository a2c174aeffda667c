/* mcp_policy.h: per-tool scopes (MCPAuthToolScope). A tools/call needs
 * the location's required scopes plus those of every rule whose pattern
 * matches the tool's name; tools/list shows only the tools the token may
 * call. The same code serves the built-in endpoint and proxied servers.
 */
#ifndef MCP_POLICY_H
#define MCP_POLICY_H

#include "mcp_json.h"

typedef struct mcp_tool_rule_t {
    const char *pattern;              /* glob over the name (apr_fnmatch) */
    apr_array_header_t *scopes;       /* const char *, at least one */
} mcp_tool_rule_t;

/* MCPAuthScopeImplies: a broader scope that implies narrower ones. */
typedef struct mcp_scope_rule_t {
    const char *scope;
    apr_array_header_t *implied;      /* const char *, at least one */
} mcp_scope_rule_t;

/* "MCPAuthScopeImplies <scope> <implied> [<implied> ...]". NULL, or what
 * is wrong. */
const char *mcp_policy_parse_implies(mcp_scope_rule_t *rule, apr_pool_t *p,
                                     int argc, char *const argv[]);

/* `have` with every scope its members imply, transitively (rules:
 * mcp_scope_rule_t). `have` itself when no rule adds anything. */
const apr_array_header_t *mcp_scopes_imply(apr_pool_t *p,
                                           const apr_array_header_t *have,
                                           const apr_array_header_t *rules);

/* "MCPAuthToolScope <pattern> <scope> [<scope> ...]": argv holds the
 * pattern then the scopes. NULL, or what is wrong. */
const char *mcp_policy_parse_rule(mcp_tool_rule_t *rule, apr_pool_t *p,
                                  int argc, char *const argv[]);

/* The scopes a call of tool `name` needs: base, then the scopes of every
 * matching rule, each once. */
apr_array_header_t *mcp_policy_needs(apr_pool_t *p,
                                     const apr_array_header_t *rules,
                                     const apr_array_header_t *base,
                                     const char *name);

/* 1 when `granted` holds the scopes of every rule matching `name`. */
int mcp_policy_allows(const apr_array_header_t *rules,
                      const apr_array_header_t *granted, const char *name);

/* Remove, in place, the tools that `granted` may not call from the
 * tools/list result in a JSON-RPC response (or each response of a batch,
 * or a bare result object). A listed tool without a string name goes too.
 * Returns how many were removed. */
int mcp_policy_filter(cJSON *message, const apr_array_header_t *rules,
                      const apr_array_header_t *granted);

/* mcp_policy_filter over JSON text: the text itself when nothing was
 * removed, the filtered text otherwise; NULL when it is not JSON (the
 * caller fails closed). */
const char *mcp_policy_filter_text(apr_pool_t *p, const char *json,
                                   apr_size_t len,
                                   const apr_array_header_t *rules,
                                   const apr_array_header_t *granted);

#endif /* MCP_POLICY_H */

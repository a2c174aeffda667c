/* mod_mcp_auth_audit.c: the audit trail. Request notes that
 * mod_log_config writes with %{name}n (docs/directives.md, "audit"), and
 * with MCPAuditLog On one error-log line per tools/call. Tool arguments
 * appear only with MCPAuditArguments, truncated; tokens and session ids
 * never, only their SHA-256 fingerprints. */
#include <string.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"

#include "mod_mcp_auth.h"
#include "mcp_util.h"

#define MAX_TOOLS_NOTE 512      /* tool names of a batch, joined */

void mcp_audit_message(request_rec *r, const mcp_dir_conf_t *dc,
                       const mcp_body_t *body)
{
    apr_array_header_t *tools = NULL;
    const char *method = "-", *names;
    int i;

    for (i = 0; i < body->msgs->nelts; ++i) {
        const mcp_rpc_msg_t *m = APR_ARRAY_IDX(body->msgs, i, mcp_rpc_msg_t *);
        const char *tool;
        if (!m->method) {
            continue;
        }
        method = m->method;
        if (strcmp(m->method, "tools/call")
            || !(tool = cJSON_GetStringValue(mcp_json_get(m->params,
                                                          "name")))) {
            continue;
        }
        if (!tools) {
            tools = apr_array_make(r->pool, 1, sizeof(const char *));
            if (mcp_conf_audit_args(dc) > 0) {
                const char *args = mcp_json_print(r->pool,
                        mcp_json_get(m->params, "arguments"));
                apr_size_t max = (apr_size_t)mcp_conf_audit_args(dc);
                if (args && strlen(args) > max) {
                    args = apr_pstrcat(r->pool, apr_pstrmemdup(r->pool, args,
                                       max), "...", NULL);
                }
                if (args) {
                    apr_table_setn(r->notes, "mcp-tool-args", args);
                }
            }
        }
        APR_ARRAY_PUSH(tools, const char *) = tool;
    }
    apr_table_setn(r->notes, "mcp-method", body->batch ? "(batch)" : method);
    if (tools) {
        names = apr_array_pstrcat(r->pool, tools, ',');
        if (strlen(names) > MAX_TOOLS_NOTE) {
            names = apr_pstrmemdup(r->pool, names, MAX_TOOLS_NOTE);
        }
        apr_table_setn(r->notes, "mcp-tool", names);
    }
}

static const char *note_or_dash(request_rec *r, const char *name)
{
    const char *v = apr_table_get(r->notes, name);

    return v ? v : "-";
}

/* Before mod_log_config writes the line: the session's fingerprint, and
 * the audit line. */
static int log_transaction(request_rec *r)
{
    const mcp_dir_conf_t *dc;
    const char *sid, *tool, *args, *reason;

    if (!mcp_is_ours(r)) {
        return DECLINED;
    }
    sid = apr_table_get(r->headers_in, "Mcp-Session-Id");
    if (!sid) {
        sid = apr_table_get(r->headers_out, "Mcp-Session-Id");
    }
    if (sid) {
        apr_table_setn(r->notes, "mcp-session",
                       mcp_fingerprint(r->pool, sid, strlen(sid)));
    }
    dc = mcp_dir_conf(r);
    tool = apr_table_get(r->notes, "mcp-tool");
    if (!tool || !mcp_conf_audit_log(dc)) {
        return DECLINED;
    }
    args = apr_table_get(r->notes, "mcp-tool-args");
    reason = apr_table_get(r->notes, "mcp-reason");
    /* the error log escapes control bytes and backslashes itself */
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(01101)
                  "audit: tools/call %s by sub=%s client=%s: %s%s%s%s, "
                  "status %d, session %s%s%s", tool,
                  note_or_dash(r, "mcp-auth-sub"),
                  note_or_dash(r, "mcp-auth-client-id"),
                  note_or_dash(r, "mcp-decision"),
                  reason ? " (" : "", reason ? reason : "", reason ? ")" : "",
                  r->status, note_or_dash(r, "mcp-session"),
                  args ? ", arguments " : "", args ? args : "");
    return DECLINED;
}

void mcp_audit_register_hooks(apr_pool_t *p)
{
    /* before mod_log_config, which logs in the middle */
    ap_hook_log_transaction(log_transaction, NULL, NULL, APR_HOOK_FIRST);
}

/* mcp_server.c: initialize, ping, tools/list, tools/call (MCP 2025-11-25,
 * also speaking 2025-06-18 and 2025-03-26). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_rpc.h"
#include "mcp_server.h"

static const char *const VERSIONS[] = {
    "2025-11-25", "2025-06-18", "2025-03-26", NULL
};

int mcp_server_version_supported(const char *v)
{
    int i;

    for (i = 0; v && VERSIONS[i]; ++i) {
        if (!strcmp(v, VERSIONS[i])) {
            return 1;
        }
    }
    return 0;
}

static void reply_result(mcp_reply_t *reply, apr_pool_t *p,
                         const mcp_rpc_msg_t *m, const char *result_json)
{
    reply->status = 200;
    reply->body = mcp_rpc_result(p, m->id, result_json);
}

static void reply_error(mcp_reply_t *reply, apr_pool_t *p,
                        const mcp_rpc_msg_t *m, int code, const char *message)
{
    reply->status = 200;
    reply->body = mcp_rpc_error(p, m->id, code, message);
}

static void do_initialize(mcp_reply_t *reply, apr_pool_t *p,
                          const mcp_rpc_msg_t *m)
{
    const cJSON *v = mcp_json_get(m->params, "protocolVersion");

    if (!cJSON_IsString(v)) {
        reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS,
                    "initialize needs params.protocolVersion");
        return;
    }
    /* echo what we speak, else offer our latest (never an error) */
    reply_result(reply, p, m, apr_pstrcat(p,
            "{\"protocolVersion\":\"",
            mcp_server_version_supported(v->valuestring)
                ? v->valuestring : MCP_PROTOCOL_LATEST,
            "\",\"capabilities\":{\"tools\":{\"listChanged\":false}},"
            "\"serverInfo\":{\"name\":\"mod_mcp_auth\",\"version\":\""
            MCP_VERSION "\"}}", NULL));
}

static void do_tools_call(mcp_reply_t *reply, apr_pool_t *p,
                          const mcp_tools_t *tools, const mcp_rpc_msg_t *m,
                          mcp_tool_ctx_t *ctx)
{
    const cJSON *name = mcp_json_get(m->params, "name");
    const cJSON *args = mcp_json_get(m->params, "arguments");
    const mcp_tool_t *tool;
    cJSON *result;

    if (!cJSON_IsString(name)) {
        reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS,
                    "tools/call needs params.name");
        return;
    }
    if (args && !cJSON_IsObject(args)) {
        reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS,
                    "tools/call params.arguments must be an object");
        return;
    }
    if (!(tool = mcp_tools_find(tools, name->valuestring))) {
        reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS,
                    apr_psprintf(p, "Unknown tool: %.128s",
                                 name->valuestring));
        return;
    }
    if (!args) {
        args = mcp_json_own(p, cJSON_CreateObject());
    }
    if (ctx) {
        ctx->meta = mcp_json_get(m->params, "_meta");
    }
    result = tool->call(p, args, ctx, tool->baton);
    if (!result) {
        reply_error(reply, p, m, MCP_RPC_INTERNAL_ERROR,
                    "the tool failed");
        return;
    }
    reply_result(reply, p, m, mcp_json_print(p, result));
}

void mcp_server_handle(mcp_reply_t *reply, apr_pool_t *p,
                       const mcp_tools_t *tools, const char *body,
                       apr_size_t len, mcp_tool_ctx_t *ctx)
{
    mcp_rpc_msg_t *m;
    const char *why;
    int code;

    memset(reply, 0, sizeof(*reply));
    if ((code = mcp_rpc_parse(&m, p, body, len, &why)) != 0) {
        reply->status = 400;
        reply->body = mcp_rpc_error(p, NULL, code, why);
        return;
    }
    mcp_server_dispatch(reply, p, tools, m, ctx);
}

void mcp_server_dispatch(mcp_reply_t *reply, apr_pool_t *p,
                         const mcp_tools_t *tools, const mcp_rpc_msg_t *m,
                         mcp_tool_ctx_t *ctx)
{
    memset(reply, 0, sizeof(*reply));
    reply->method = m->method;
    if (m->kind != MCP_RPC_REQUEST) {
        /* notifications and responses are accepted, never answered */
        reply->status = 202;
        return;
    }
    if (!strcmp(m->method, "initialize")) {
        do_initialize(reply, p, m);
    }
    else if (!strcmp(m->method, "ping")) {
        reply_result(reply, p, m, "{}");
    }
    else if (!strcmp(m->method, "tools/list")) {
        if (mcp_json_get(m->params, "cursor")) {
            /* one page holds every tool: no cursor is ever valid */
            reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS,
                        "invalid cursor");
        }
        else {
            reply_result(reply, p, m, mcp_tools_list_json(tools));
        }
    }
    else if (!strcmp(m->method, "tools/call")) {
        do_tools_call(reply, p, tools, m, ctx);
    }
    else {
        reply_error(reply, p, m, MCP_RPC_METHOD_NOT_FOUND,
                    apr_psprintf(p, "Method not found: %.128s", m->method));
    }
}

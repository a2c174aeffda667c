/* mcp_server.c: initialize, ping, tools/list (paginated), tools/call
 * (arguments checked against the inputSchema), logging/setLevel and
 * completion/complete (MCP 2025-11-25, also speaking 2025-06-18 and
 * 2025-03-26). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_rpc.h"
#include "mcp_server.h"

static const char *const VERSIONS[] = {
    "2025-11-25", "2025-06-18", "2025-03-26", NULL
};

/* RFC 5424 severities, as logging/setLevel names them */
static const char *const LEVELS[] = {
    "debug", "info", "notice", "warning", "error", "critical", "alert",
    "emergency", NULL
};

/* Declared only for what is implemented: logging/setLevel and
 * completion/complete answer; tools/list never changes while we run. */
#define CAPABILITIES "{\"tools\":{\"listChanged\":false},\"logging\":{}," \
                     "\"completions\":{}}"

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
            "\",\"capabilities\":" CAPABILITIES ","
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
    mcp_tool_ctx_t none = { 0 };
    const char *why;
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
    /* invalid input is the tool's error (MCP 2025-11-25), for the model
     * to read and correct */
    why = mcp_schema_validate(mcp_tools_input_schema(tools, tool->name), p,
                              args, "arguments");
    if (why) {
        reply_result(reply, p, m, mcp_json_print(p, mcp_tool_error(p, why)));
        return;
    }
    ctx = ctx ? ctx : &none;
    ctx->meta = mcp_json_get(m->params, "_meta");
    result = tool->call(p, args, ctx, tool->baton);
    if (!cJSON_IsObject(result)
        || !cJSON_IsArray(mcp_json_get(result, "content"))) {
        reply_error(reply, p, m, MCP_RPC_INTERNAL_ERROR,
                    "the tool failed");
        return;
    }
    reply_result(reply, p, m, mcp_json_print(p, result));
}

static void do_tools_list(mcp_reply_t *reply, apr_pool_t *p,
                          const mcp_tools_t *tools, const mcp_rpc_msg_t *m)
{
    const cJSON *cursor = mcp_json_get(m->params, "cursor");
    const char *page;

    if (cursor && !cJSON_IsNull(cursor) && !cJSON_IsString(cursor)) {
        reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS,
                    "invalid cursor");
        return;
    }
    page = mcp_tools_list_page(tools, cJSON_GetStringValue(cursor));
    if (!page) {
        reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS, "invalid cursor");
        return;
    }
    reply_result(reply, p, m, page);
}

static void do_set_level(mcp_reply_t *reply, apr_pool_t *p,
                         const mcp_rpc_msg_t *m)
{
    const char *level = cJSON_GetStringValue(mcp_json_get(m->params,
                                                          "level"));
    int i;

    for (i = 0; level && LEVELS[i]; ++i) {
        if (!strcmp(level, LEVELS[i])) {
            /* accepted, not kept yet: the level belongs to the session,
             * and tools' notifications/message go out whatever it is */
            reply_result(reply, p, m, "{}");
            return;
        }
    }
    reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS,
                "logging/setLevel needs params.level: one of debug, info, "
                "notice, warning, error, critical, alert, emergency");
}

static void do_complete(mcp_reply_t *reply, apr_pool_t *p,
                        const mcp_rpc_msg_t *m)
{
    if (!cJSON_IsObject(mcp_json_get(m->params, "ref"))
        || !cJSON_IsObject(mcp_json_get(m->params, "argument"))) {
        reply_error(reply, p, m, MCP_RPC_INVALID_PARAMS,
                    "completion/complete needs params.ref and "
                    "params.argument");
        return;
    }
    /* no prompts or resource templates: nothing to complete */
    reply_result(reply, p, m, "{\"completion\":{\"values\":[],"
                 "\"hasMore\":false,\"total\":0}}");
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
        /* notifications and responses are accepted, never answered.
         * notifications/cancelled too: a running tool call runs to its
         * end (the spec lets a receiver ignore a cancellation, and one
         * for an unknown or finished request is ignored anyway) */
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
        do_tools_list(reply, p, tools, m);
    }
    else if (!strcmp(m->method, "tools/call")) {
        do_tools_call(reply, p, tools, m, ctx);
    }
    else if (!strcmp(m->method, "logging/setLevel")) {
        do_set_level(reply, p, m);
    }
    else if (!strcmp(m->method, "completion/complete")) {
        do_complete(reply, p, m);
    }
    else {
        reply_error(reply, p, m, MCP_RPC_METHOD_NOT_FOUND,
                    apr_psprintf(p, "Method not found: %.128s", m->method));
    }
}

/* fuzz_rpc.c: a POST body of the built-in MCP endpoint: one JSON-RPC
 * message or a batch (mcp_rpc_parse_body), then each message as the
 * handler treats it: MCPAuthToolScope enforcement (mcp_policy_allows,
 * mcp_policy_needs), mcp_server_dispatch (initialize, ping, tools/list
 * with cursors, tools/call with arguments checked against the
 * inputSchema, logging/setLevel, completion/complete), and the tools/list
 * filtering (mcp_policy_filter_text). The whole body also goes through
 * mcp_server_handle (single messages) with the built-in math tools.
 *
 * Registries: the built-in one (add, multiply: mcp_tools_add_math), and a
 * larger one for dispatch: the math tools, a "probe" tool whose
 * inputSchema uses every keyword mcp_schema checks (nested objects,
 * arrays, enums, type arrays, required, additionalProperties) and whose
 * call sends notifications through ctx->notify, and 120 more tools so
 * that tools/list has two pages (nextCursor is followed).
 *
 * Properties: a request gets a 200 reply, a JSON-RPC 2.0 object with its
 * id and exactly one of result / error; notifications and responses get
 * 202 and no body; filtered tools/list answers are JSON. */
#include <string.h>

#include <apr_strings.h>

#include "fuzz_common.h"
#include "mcp_policy.h"
#include "mcp_rpc.h"
#include "mcp_server.h"
#include "mcp_util.h"

static const mcp_tools_t *builtin, *tools;
static apr_array_header_t *rules, *base, *granted;

static apr_status_t probe_notify(mcp_tool_ctx_t *ctx, const char *method,
                                 const cJSON *params)
{
    (void)mcp_json_print((apr_pool_t *)ctx->transport, params);
    return APR_SUCCESS;
}

static cJSON *probe_call(apr_pool_t *p, const cJSON *args,
                         mcp_tool_ctx_t *ctx, void *baton)
{
    const cJSON *token = mcp_json_get(ctx->meta, "progressToken");

    if (ctx->notify && token) {
        cJSON *params = mcp_json_own(p, cJSON_CreateObject());

        cJSON_AddItemToObject(params, "progressToken",
                              cJSON_Duplicate(token, 1));
        cJSON_AddNumberToObject(params, "progress", 1);
        (void)ctx->notify(ctx, "notifications/progress", params);
    }
    return mcp_tool_result(p, mcp_json_print(p, args), NULL);
}

static cJSON *filler_call(apr_pool_t *p, const cJSON *args,
                          mcp_tool_ctx_t *ctx, void *baton)
{
    return mcp_tool_result(p, (const char *)baton, NULL);
}

#define PROBE_SCHEMA \
    "{\"type\":\"object\",\"properties\":{" \
    "\"s\":{\"type\":\"string\",\"enum\":[\"a\",\"b\",\"c\"]}," \
    "\"n\":{\"type\":[\"number\",\"null\"]}," \
    "\"i\":{\"type\":\"integer\"}," \
    "\"b\":{\"type\":\"boolean\"}," \
    "\"arr\":{\"type\":\"array\",\"items\":{\"type\":\"object\"," \
    "\"properties\":{\"k\":{\"type\":\"string\"}},\"required\":[\"k\"]," \
    "\"additionalProperties\":false}}," \
    "\"o\":{\"type\":\"object\",\"properties\":{\"deep\":{\"type\":" \
    "\"object\",\"properties\":{\"x\":{\"enum\":[1,\"1\",null,true]}}}}," \
    "\"additionalProperties\":{\"type\":\"integer\"}}}," \
    "\"required\":[\"s\"],\"additionalProperties\":false}"

static const mcp_tool_t PROBE = {
    "probe", "Probe", "Echo the arguments.", PROBE_SCHEMA, NULL, probe_call,
    NULL
};

static char *const RULES[][3] = {
    { "admin_*", "mcp:admin", NULL },
    { "multiply", "math:write", "math:all" },
    { "t1?", "fill", NULL },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *g = fuzz_init();
    mcp_tools_t *reg = mcp_tools_create(g);
    const char *err;
    int i;

    if ((err = mcp_tools_add_math(reg)) || (err = mcp_tools_seal(reg))) {
        fuzz_fail(__FILE__, __LINE__, "builtin registry", err);
    }
    builtin = reg;
    reg = mcp_tools_create(g);
    if ((err = mcp_tools_add_math(reg)) || (err = mcp_tools_add(reg, &PROBE))) {
        fuzz_fail(__FILE__, __LINE__, "registry", err);
    }
    for (i = 0; i < 120; ++i) {
        mcp_tool_t *t = apr_pcalloc(g, sizeof(*t));

        t->name = apr_psprintf(g, i < 10 ? "admin_%d" : "t%d", i);
        t->description = "A filler tool.";
        t->input_schema = "{\"type\":\"object\"}";
        t->call = filler_call;
        t->baton = (void *)t->name;
        if ((err = mcp_tools_add(reg, t))) {
            fuzz_fail(__FILE__, __LINE__, "filler", err);
        }
    }
    if ((err = mcp_tools_seal(reg))) {
        fuzz_fail(__FILE__, __LINE__, "seal", err);
    }
    tools = reg;

    rules = apr_array_make(g, 3, sizeof(mcp_tool_rule_t));
    for (i = 0; i < 3; ++i) {
        mcp_tool_rule_t *r = apr_array_push(rules);
        int argc2 = RULES[i][2] ? 3 : 2;

        if ((err = mcp_policy_parse_rule(r, g, argc2, RULES[i]))) {
            fuzz_fail(__FILE__, __LINE__, "rule", err);
        }
    }
    base = mcp_scopes_parse(g, "mcp:tools");
    granted = mcp_scopes_parse(g, "mcp:tools math:write fill");
    return 0;
}

static void check_reply(apr_pool_t *p, const mcp_rpc_msg_t *m,
                        const mcp_reply_t *r)
{
    const cJSON *j, *id;
    const char *err = NULL;

    if (m->kind != MCP_RPC_REQUEST) {
        FUZZ_CHECK(r->status == 202 && r->body == NULL, "202, no body");
        return;
    }
    FUZZ_CHECK(r->status == 200 && r->body != NULL, "200 with a body");
    j = mcp_json_parse(p, r->body, strlen(r->body), 64, &err);
    FUZZ_CHECK(j != NULL, r->body);
    FUZZ_CHECK(!strcmp(cJSON_GetStringValue(mcp_json_get(j, "jsonrpc"))
                       ? cJSON_GetStringValue(mcp_json_get(j, "jsonrpc"))
                       : "", "2.0"), r->body);
    FUZZ_CHECK(!mcp_json_get(j, "result") != !mcp_json_get(j, "error"),
               r->body);
    id = mcp_json_get(j, "id");
    FUZZ_CHECK(id && cJSON_Compare(id, m->id, 1), r->body);
}

static void one(apr_pool_t *p, const mcp_rpc_msg_t *m, int follow)
{
    mcp_tool_ctx_t ctx = { "alice", "client-1", NULL, NULL, probe_notify,
                           NULL };
    mcp_reply_t reply;
    const char *name;

    ctx.scopes = granted;
    ctx.transport = p;
    if (m->kind == MCP_RPC_INVALID) {
        const char *e = mcp_rpc_error(p, NULL, MCP_RPC_INVALID_REQUEST,
                                      m->why);
        const char *err;

        FUZZ_CHECK(m->why != NULL, "why");
        FUZZ_CHECK(mcp_json_parse(p, e, strlen(e), 8, &err) != NULL, e);
        return;
    }
    FUZZ_CHECK(m->method || m->kind == MCP_RPC_RESPONSE, "method");
    if (m->kind == MCP_RPC_REQUEST && !strcmp(m->method, "tools/call")
        && (name = cJSON_GetStringValue(mcp_json_get(m->params, "name")))) {
        if (!mcp_policy_allows(rules, granted, name)) {
            apr_array_header_t *need = mcp_policy_needs(p, rules, base, name);

            FUZZ_CHECK(need->nelts > 0, "a refusal names scopes");
        }
    }
    mcp_server_dispatch(&reply, p, tools, m, &ctx);
    check_reply(p, m, &reply);
    if (reply.body && m->method && !strcmp(m->method, "tools/list")) {
        const char *f = mcp_policy_filter_text(p, reply.body,
                                               strlen(reply.body), rules,
                                               granted);
        const cJSON *j, *next;
        const char *err;

        FUZZ_CHECK(f != NULL, "our tools/list answer filters");
        j = mcp_json_parse(p, f, strlen(f), 64, &err);
        FUZZ_CHECK(j != NULL, "filtered answer is JSON");
        next = mcp_json_get(mcp_json_get(j, "result"), "nextCursor");
        if (follow && cJSON_IsString(next)) {
            /* the next page, as a client would ask for it */
            mcp_rpc_msg_t again = *m;
            cJSON *params = mcp_json_own(p, cJSON_CreateObject());

            cJSON_AddStringToObject(params, "cursor", next->valuestring);
            again.params = params;
            one(p, &again, 0);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *body = fuzz_bytes(p, data, size), *why = NULL;
    apr_array_header_t *msgs = NULL;
    mcp_reply_t reply;
    int batch = -1, code, i;

    code = mcp_rpc_parse_body(&msgs, &batch, p, body, size, &why);
    if (code != 0) {
        FUZZ_CHECK(code == MCP_RPC_PARSE_ERROR
                   || code == MCP_RPC_INVALID_REQUEST, "code");
        FUZZ_CHECK(why != NULL, "why");
    }
    else {
        FUZZ_CHECK(msgs && msgs->nelts >= 1
                   && msgs->nelts <= MCP_RPC_MAX_BATCH, "message count");
        FUZZ_CHECK(batch || msgs->nelts == 1, "one message unless batch");
        for (i = 0; i < msgs->nelts; ++i) {
            one(p, APR_ARRAY_IDX(msgs, i, const mcp_rpc_msg_t *), 1);
        }
    }
    /* single messages through the whole of mcp_server_handle */
    mcp_server_handle(&reply, p, builtin, body, size, NULL);
    FUZZ_CHECK(reply.status == 200 || reply.status == 202
               || reply.status == 400, "status");
    if (reply.body) {
        const char *err;

        FUZZ_CHECK(mcp_json_parse(p, reply.body, strlen(reply.body), 64,
                                  &err) != NULL, reply.body);
    }
    fuzz_pool_done(p);
    return 0;
}

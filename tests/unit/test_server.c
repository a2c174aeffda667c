/* test_server.c: the built-in MCP endpoint: lifecycle, ping, tools/list
 * and its pages, tools/call with the math tools and with test tools
 * (argument validation, the tool context), logging/setLevel,
 * completion/complete (src/mcp_server.c, mcp_tools_math.c). */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "mcp_rpc.h"
#include "mcp_server.h"
#include "mcp_test.h"

static const mcp_tools_t *math_tools(void)
{
    mcp_tools_t *reg = mcp_tools_create(mcp_test_pool());

    CU_ASSERT_PTR_NULL(mcp_tools_add_math(reg));
    CU_ASSERT_PTR_NULL(mcp_tools_seal(reg));
    return reg;
}

/* Post body to an endpoint with these tools and this tool context; return
 * the reply's JSON (NULL when there is no body). */
static cJSON *post_to(mcp_reply_t *r, const mcp_tools_t *tools,
                      mcp_tool_ctx_t *ctx, const char *body)
{
    apr_pool_t *p = mcp_test_pool();
    const char *err = NULL;
    cJSON *j;

    mcp_server_handle(r, p, tools, body, strlen(body), ctx);
    if (!r->body) {
        return NULL;
    }
    j = mcp_json_parse(p, r->body, strlen(r->body), 64, &err);
    mcp_test_assert(j != NULL, __LINE__, __FILE__, "reply is not JSON (%s): "
                    "%s", err ? err : "", r->body);
    return j;
}

/* Post body to the math tools. */
static cJSON *post(mcp_reply_t *r, const char *body)
{
    return post_to(r, math_tools(), NULL, body);
}

static const cJSON *at(const cJSON *j, const char *a, const char *b,
                       const char *c)
{
    j = mcp_json_get(j, a);
    j = b ? mcp_json_get(j, b) : j;
    return c ? mcp_json_get(j, c) : j;
}

/* The reply is an error with this code; returns its message. */
static const char *rpc_error_of(const cJSON *j, int code, const char *ctx)
{
    const cJSON *c = at(j, "error", "code", NULL);

    mcp_test_assert(cJSON_IsNumber(c) && c->valueint == code, __LINE__,
                    __FILE__, "%s: want error %d", ctx, code);
    CU_ASSERT_PTR_NULL(mcp_json_get(j, "result"));
    return cJSON_GetStringValue(at(j, "error", "message", NULL));
}

/* tools/call name(args) with id 1; returns the result object. */
static const cJSON *call(mcp_reply_t *r, const char *name, const char *args)
{
    apr_pool_t *p = mcp_test_pool();
    cJSON *j = post(r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":1,"
                                    "\"method\":\"tools/call\",\"params\":"
                                    "{\"name\":\"%s\"%s%s}}", name,
                                    args ? ",\"arguments\":" : "",
                                    args ? args : ""));

    CU_ASSERT_EQUAL(r->status, 200);
    return mcp_json_get(j, "result");
}

static const char *text_of(const cJSON *result)
{
    const cJSON *c = cJSON_GetArrayItem(mcp_json_get(result, "content"), 0);

    MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(c, "type")), "text",
                   "content[0].type");
    return cJSON_GetStringValue(mcp_json_get(c, "text"));
}

static void server_initialize_echoes_supported_versions(void)
{
    static const char *const versions[] = {
        "2025-11-25", "2025-06-18", "2025-03-26",
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(versions); ++i) {
        mcp_reply_t r;
        cJSON *j = post(&r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":1,"
                        "\"method\":\"initialize\",\"params\":"
                        "{\"protocolVersion\":\"%s\",\"capabilities\":{},"
                        "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                        versions[i]));

        MCP_ASSERT_INT(r.status, 200, versions[i]);
        MCP_ASSERT_STR(r.method, "initialize", versions[i]);
        MCP_ASSERT_STR(cJSON_GetStringValue(at(j, "result",
                       "protocolVersion", NULL)), versions[i], versions[i]);
    }
}

static void server_initialize_result_describes_the_server(void)
{
    mcp_reply_t r;
    cJSON *j = post(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":"
                    "\"initialize\",\"params\":{\"protocolVersion\":"
                    "\"2025-11-25\"}}");

    MCP_ASSERT_STR(r.body,
                   "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"result\":"
                   "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":"
                   "{\"tools\":{\"listChanged\":false},\"logging\":{},"
                   "\"completions\":{}},\"serverInfo\":"
                   "{\"name\":\"mod_mcp_auth\",\"version\":\"" MCP_VERSION
                   "\"}}}", "initialize result");
    CU_ASSERT_PTR_NOT_NULL(j);
}

static void server_initialize_offers_latest_for_unknown_versions(void)
{
    static const char *const versions[] = {
        "2024-11-05", "2099-01-01", "", "2025-11-25 ",
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(versions); ++i) {
        mcp_reply_t r;
        cJSON *j = post(&r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":1,"
                        "\"method\":\"initialize\",\"params\":"
                        "{\"protocolVersion\":\"%s\"}}", versions[i]));

        MCP_ASSERT_INT(r.status, 200, versions[i]);
        MCP_ASSERT_STR(cJSON_GetStringValue(at(j, "result",
                       "protocolVersion", NULL)), "2025-11-25", versions[i]);
    }
}

static void server_initialize_needs_a_protocol_version(void)
{
    static const char *const params[] = {
        ",\"params\":{}", "", ",\"params\":{\"protocolVersion\":20251125}",
        ",\"params\":{\"protocolversion\":\"2025-11-25\"}",
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(params); ++i) {
        mcp_reply_t r;
        cJSON *j = post(&r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":1,"
                        "\"method\":\"initialize\"%s}", params[i]));

        MCP_ASSERT_INT(r.status, 200, params[i]);
        rpc_error_of(j, MCP_RPC_INVALID_PARAMS, params[i]);
        MCP_ASSERT_STR(mcp_json_print(p, mcp_json_get(j, "id")), "1",
                       params[i]);
    }
}

static void server_ping_answers_an_empty_result(void)
{
    mcp_reply_t r;

    post(&r, "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"ping\"}");
    MCP_ASSERT_INT(r.status, 200, "ping");
    MCP_ASSERT_STR(r.body, "{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":{}}",
                   "ping");
    MCP_ASSERT_STR(r.method, "ping", "ping");
}

static void server_notifications_and_responses_get_202_without_body(void)
{
    static const char *const bodies[] = {
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
        "\"params\":{\"requestId\":1}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
        "\"params\":{\"requestId\":\"never-sent\",\"reason\":\"x\"}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
        "\"params\":{\"requestId\":null}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"no/such/method\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}",
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":1,"
        "\"message\":\"x\"}}",
    };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(bodies); ++i) {
        mcp_reply_t r;

        CU_ASSERT_PTR_NULL(post(&r, bodies[i]));
        MCP_ASSERT_INT(r.status, 202, bodies[i]);
        MCP_ASSERT_STR(r.body, NULL, bodies[i]);
    }
}

static void server_tools_list_lists_add_and_multiply(void)
{
    mcp_reply_t r;
    cJSON *j = post(&r, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                    "\"tools/list\",\"params\":{}}");
    const cJSON *tools = at(j, "result", "tools", NULL);
    const cJSON *add = cJSON_GetArrayItem(tools, 0);
    const cJSON *mul = cJSON_GetArrayItem(tools, 1);

    MCP_ASSERT_INT(r.status, 200, "tools/list");
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(tools), 2);
    MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(add, "name")), "add",
                   "tool 0");
    MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(mul, "name")),
                   "multiply", "tool 1");
    CU_ASSERT_TRUE(cJSON_IsString(mcp_json_get(add, "description")));
    CU_ASSERT_TRUE(cJSON_IsObject(mcp_json_get(add, "inputSchema")));
    MCP_ASSERT_STR(cJSON_GetStringValue(at(add, "inputSchema", "type",
                                           NULL)), "object", "add schema");
    CU_ASSERT_TRUE(cJSON_IsObject(at(add, "inputSchema", "properties",
                                     "a")));
    CU_ASSERT_TRUE(cJSON_IsObject(at(mul, "inputSchema", "properties",
                                     "y")));
    CU_ASSERT_TRUE(cJSON_IsObject(mcp_json_get(mul, "outputSchema")));
    CU_ASSERT_PTR_NULL(at(j, "result", "nextCursor", NULL));

    /* without params too */
    j = post(&r, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(at(j, "result", "tools", NULL)), 2);
}

static void server_tools_list_refuses_cursors_it_did_not_issue(void)
{
    static const char *const cursors[] = {
        "\"abc\"", "\"\"", "5", "{}", "[]", "true",
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;
    mcp_reply_t r;
    cJSON *j;

    for (i = 0; i < MCP_NELTS(cursors); ++i) {
        j = post(&r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":2,"
                 "\"method\":\"tools/list\",\"params\":{\"cursor\":%s}}",
                 cursors[i]));
        MCP_ASSERT_INT(r.status, 200, cursors[i]);
        MCP_ASSERT_STR(rpc_error_of(j, MCP_RPC_INVALID_PARAMS, cursors[i]),
                       "invalid cursor", cursors[i]);
    }
    /* null is no cursor: the first page */
    j = post(&r, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\","
             "\"params\":{\"cursor\":null}}");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(at(j, "result", "tools", NULL)), 2);
}

static cJSON *echo_tool(apr_pool_t *p, const cJSON *args, mcp_tool_ctx_t *ctx,
                        void *baton)
{
    return mcp_tool_result(p, "echo", NULL);
}

static void server_tools_list_pages_through_every_tool(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    const char *cursor = NULL;
    int i, pages = 0, seen = 0;

    for (i = 0; i < 205; ++i) {
        mcp_tool_t *t = apr_pcalloc(p, sizeof(*t));
        t->name = apr_psprintf(p, "tool_%03d", 204 - i);
        t->description = "Echo.";
        t->input_schema = "{\"type\":\"object\"}";
        t->call = echo_tool;
        CU_ASSERT_PTR_NULL(mcp_tools_add(reg, t));
    }
    CU_ASSERT_PTR_NULL_FATAL(mcp_tools_seal(reg));
    do {
        mcp_reply_t r;
        cJSON *j = post_to(&r, reg, NULL, apr_psprintf(p,
                           "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":"
                           "\"tools/list\"%s%s%s}", pages,
                           cursor ? ",\"params\":{\"cursor\":" : "",
                           cursor ? mcp_json_quote(p, cursor) : "",
                           cursor ? "}" : ""));
        const cJSON *t;

        MCP_ASSERT_INT(r.status, 200, "page");
        CU_ASSERT_PTR_NULL_FATAL(mcp_json_get(j, "error"));
        cJSON_ArrayForEach(t, at(j, "result", "tools", NULL)) {
            MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(t, "name")),
                           apr_psprintf(p, "tool_%03d", seen), "in order");
            ++seen;
        }
        cursor = cJSON_GetStringValue(at(j, "result", "nextCursor", NULL));
    } while (cursor && ++pages < 10);
    MCP_ASSERT_INT(seen, 205, "every tool");
    MCP_ASSERT_INT(pages, 2, "3 pages, 2 cursors");
}

static void server_tools_call_add_returns_text_and_structured_result(void)
{
    mcp_reply_t r;
    const cJSON *res = call(&r, "add", "{\"a\":2,\"b\":3}");

    MCP_ASSERT_STR(text_of(res), "5", "add(2,3) text");
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetNumberValue(at(res, "structuredContent",
                                                   "result", NULL)), 5.0,
                           0.0);
    CU_ASSERT_PTR_NULL(mcp_json_get(res, "isError"));
    MCP_ASSERT_STR(r.body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
                   "{\"content\":[{\"type\":\"text\",\"text\":\"5\"}],"
                   "\"structuredContent\":{\"result\":5}}}", "exact reply");
    MCP_ASSERT_STR(r.method, "tools/call", "method");
}

static void server_tools_call_multiply(void)
{
    mcp_reply_t r;
    const cJSON *res = call(&r, "multiply", "{\"x\":4,\"y\":2.5}");

    MCP_ASSERT_STR(text_of(res), "10", "multiply(4,2.5) text");
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetNumberValue(at(res, "structuredContent",
                                                   "result", NULL)), 10.0,
                           0.0);
    res = call(&r, "multiply", "{\"y\":-1.5,\"x\":2}");
    MCP_ASSERT_STR(text_of(res), "-3", "multiply(2,-1.5)");
}

static void server_tools_call_text_is_the_json_number(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_reply_t r;
    const cJSON *res = call(&r, "add", "{\"a\":0.1,\"b\":0.2}");
    const cJSON *num = at(res, "structuredContent", "result", NULL);
    const char *text = text_of(res);

    CU_ASSERT_PTR_NOT_NULL_FATAL(num);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    MCP_ASSERT_STR(text, mcp_json_number_text(p, num->valuedouble),
                   "text == printed number");
    CU_ASSERT_DOUBLE_EQUAL(strtod(text, NULL), cJSON_GetNumberValue(num),
                           0.0);
}

/* The JSON number in the reply reads back as the double the tool
 * computed: 0.1 + 0.2 is 0.30000000000000004 (as in JavaScript), and
 * 2^53 - 2 + 1 is 9007199254740991, not 9.00719925474099e+15. */
static void server_tools_call_result_reads_back_as_the_computed_double(void)
{
    static const struct {
        const char *tool, *args, *text;
        double value;
    } cases[] = {
        { "add", "{\"a\":0.1,\"b\":0.2}", "0.30000000000000004", 0.1 + 0.2 },
        { "add", "{\"a\":9007199254740990,\"b\":1}", "9007199254740991",
          9007199254740991.0 },
        { "multiply", "{\"x\":3,\"y\":1234567890123}", "3703703670369",
          3703703670369.0 },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_reply_t r;
        const cJSON *res = call(&r, cases[i].tool, cases[i].args);
        const char *text = text_of(res);
        const cJSON *num = at(res, "structuredContent", "result", NULL);
        const char *printed = num ? mcp_json_number_text(p, num->valuedouble)
                                  : NULL;

        MCP_ASSERT_STR(text, cases[i].text, cases[i].args);
        mcp_test_assert(text && strtod(text, NULL) == cases[i].value,
                        __LINE__, __FILE__, "%s: text %s reads back as "
                        "%.17g, want %.17g", cases[i].args,
                        text ? text : "NULL", text ? strtod(text, NULL) : 0,
                        cases[i].value);
        mcp_test_assert(printed && strtod(printed, NULL) == cases[i].value,
                        __LINE__, __FILE__, "%s: structuredContent.result "
                        "%s, want %.17g", cases[i].args,
                        printed ? printed : "NULL", cases[i].value);
    }
}

static void server_tools_call_bad_input_is_a_tool_error(void)
{
    static const struct {
        const char *tool, *args, *text;
    } cases[] = {
        { "add", NULL, "a: is required" },
        { "add", "{}", "a: is required" },
        { "add", "{\"a\":\"x\",\"b\":1}", "a: expected number" },
        { "add", "{\"a\":1,\"b\":\"2\"}", "b: expected number" },
        { "add", "{\"a\":1}", "b: is required" },
        { "add", "{\"a\":null,\"b\":1}", "a: expected number" },
        { "add", "{\"a\":[1],\"b\":1}", "a: expected number" },
        { "add", "{\"a\":1,\"b\":2,\"c\":3}", "c: unexpected property" },
        { "multiply", "{\"a\":1,\"b\":2}", "x: is required" },
        { "multiply", "{\"x\":1,\"y\":2,\"a\":1}", "a: unexpected property" },
        { "multiply", "{\"x\":1e308,\"y\":10}",
          "the result is not a finite number" },
        { "add", "{\"a\":1.7e308,\"b\":1.7e308}",
          "the result is not a finite number" },
    };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_reply_t r;
        const cJSON *res = call(&r, cases[i].tool, cases[i].args);
        const char *ctx = cases[i].args ? cases[i].args : "no arguments";

        mcp_test_assert(cJSON_IsTrue(mcp_json_get(res, "isError")),
                        __LINE__, __FILE__, "%s %s: want isError true",
                        cases[i].tool, ctx);
        MCP_ASSERT_STR(text_of(res), cases[i].text, ctx);
        CU_ASSERT_PTR_NULL(mcp_json_get(res, "structuredContent"));
    }
}

/* A tool that records how it was called; its baton says what to return:
 * "ok", "null" (nothing), "nocontent" (a result without content). */
static int probe_calls;
static mcp_tool_ctx_t *probe_ctx;
static const cJSON *probe_meta;

static cJSON *probe(apr_pool_t *p, const cJSON *args, mcp_tool_ctx_t *ctx,
                    void *baton)
{
    ++probe_calls;
    probe_ctx = ctx;
    probe_meta = ctx ? ctx->meta : NULL;
    if (!strcmp(baton, "null")) {
        return NULL;
    }
    if (!strcmp(baton, "nocontent")) {
        return mcp_json_own(p, cJSON_CreateObject());
    }
    return mcp_tool_result(p, cJSON_IsObject(args) ? "object" : "?", NULL);
}

static const mcp_tools_t *probe_tools(void)
{
    static const char *const batons[] = { "ok", "null", "nocontent" };
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(batons); ++i) {
        mcp_tool_t *t = apr_pcalloc(p, sizeof(*t));
        t->name = apr_pstrcat(p, "probe_", batons[i], NULL);
        t->description = "Probe.";
        t->input_schema = "{\"type\":\"object\",\"properties\":{\"s\":"
                          "{\"type\":\"string\"},\"tags\":{\"type\":"
                          "\"array\",\"items\":{\"enum\":[\"a\",\"b\"]}}},"
                          "\"additionalProperties\":false}";
        t->call = probe;
        t->baton = (void *)batons[i];
        CU_ASSERT_PTR_NULL(mcp_tools_add(reg, t));
    }
    CU_ASSERT_PTR_NULL(mcp_tools_seal(reg));
    return reg;
}

static void server_tools_call_validates_before_the_tool_runs(void)
{
    const mcp_tools_t *tools = probe_tools();
    mcp_reply_t r;
    cJSON *j;

    probe_calls = 0;
    j = post_to(&r, tools, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                "\"tools/call\",\"params\":{\"name\":\"probe_ok\","
                "\"arguments\":{\"s\":\"x\",\"tags\":[\"a\",\"c\"]}}}");
    MCP_ASSERT_INT(r.status, 200, "invalid");
    CU_ASSERT_TRUE(cJSON_IsTrue(at(j, "result", "isError", NULL)));
    MCP_ASSERT_STR(text_of(mcp_json_get(j, "result")),
                   "tags[1]: expected one of \"a\", \"b\"", "invalid");
    MCP_ASSERT_INT(probe_calls, 0, "not called");

    j = post_to(&r, tools, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                "\"tools/call\",\"params\":{\"name\":\"probe_ok\","
                "\"arguments\":{\"s\":\"x\",\"tags\":[\"b\"]}}}");
    MCP_ASSERT_STR(text_of(mcp_json_get(j, "result")), "object", "valid");
    MCP_ASSERT_INT(probe_calls, 1, "called");
}

static void server_tools_call_gives_the_tool_a_context(void)
{
    const mcp_tools_t *tools = probe_tools();
    mcp_tool_ctx_t ctx = { 0 };
    mcp_reply_t r;

    /* without a context from the transport: one of the server's own */
    probe_ctx = NULL;
    post_to(&r, tools, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
            "\"tools/call\",\"params\":{\"name\":\"probe_ok\"}}");
    CU_ASSERT_PTR_NOT_NULL(probe_ctx);
    CU_ASSERT_PTR_NULL(probe_meta);

    ctx.sub = "alice";
    post_to(&r, tools, &ctx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
            "\"tools/call\",\"params\":{\"name\":\"probe_ok\","
            "\"_meta\":{\"progressToken\":\"tok-1\"}}}");
    CU_ASSERT_PTR_EQUAL(probe_ctx, &ctx);
    MCP_ASSERT_STR(probe_ctx ? probe_ctx->sub : NULL, "alice", "identity");
    MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(probe_meta,
                   "progressToken")), "tok-1", "_meta");
    CU_ASSERT_PTR_NULL(ctx.notify);
}

static void server_tools_call_broken_result_is_an_internal_error(void)
{
    static const char *const names[] = { "probe_null", "probe_nocontent" };
    const mcp_tools_t *tools = probe_tools();
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(names); ++i) {
        mcp_reply_t r;
        cJSON *j = post_to(&r, tools, NULL, apr_psprintf(p,
                           "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
                           "\"tools/call\",\"params\":{\"name\":\"%s\"}}",
                           names[i]));

        MCP_ASSERT_INT(r.status, 200, names[i]);
        MCP_ASSERT_STR(rpc_error_of(j, MCP_RPC_INTERNAL_ERROR, names[i]),
                       "the tool failed", names[i]);
    }
}

static void server_logging_set_level(void)
{
    static const char *const levels[] = {
        "debug", "info", "notice", "warning", "error", "critical", "alert",
        "emergency",
    };
    static const char *const bad[] = {
        "{\"level\":\"verbose\"}", "{\"level\":\"INFO\"}",
        "{\"level\":\"\"}", "{\"level\":3}", "{\"level\":null}", "{}",
        NULL,
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(levels); ++i) {
        mcp_reply_t r;

        post(&r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":3,"
             "\"method\":\"logging/setLevel\",\"params\":{\"level\":"
             "\"%s\"}}", levels[i]));
        MCP_ASSERT_INT(r.status, 200, levels[i]);
        MCP_ASSERT_STR(r.body, "{\"jsonrpc\":\"2.0\",\"id\":3,"
                       "\"result\":{}}", levels[i]);
        MCP_ASSERT_STR(r.method, "logging/setLevel", levels[i]);
    }
    for (i = 0; i < MCP_NELTS(bad); ++i) {
        mcp_reply_t r;
        const char *params = bad[i] ? bad[i] : "(none)";
        cJSON *j = post(&r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":4,"
                        "\"method\":\"logging/setLevel\"%s%s}",
                        bad[i] ? ",\"params\":" : "", bad[i] ? bad[i] : ""));

        MCP_ASSERT_INT(r.status, 200, params);
        MCP_ASSERT_HAS(rpc_error_of(j, MCP_RPC_INVALID_PARAMS, params),
                       "one of debug, info", params);
    }
}

static void server_completion_complete_has_nothing_to_offer(void)
{
    static const char *const bad[] = {
        "{\"argument\":{\"name\":\"a\",\"value\":\"x\"}}",
        "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"}}",
        "{\"ref\":\"p\",\"argument\":{\"name\":\"a\"}}",
        "{\"ref\":{\"type\":\"ref/prompt\"},\"argument\":[]}",
        "{}", NULL,
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;
    mcp_reply_t r;

    post(&r, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":"
         "\"completion/complete\",\"params\":{\"ref\":{\"type\":"
         "\"ref/prompt\",\"name\":\"test_prompt_with_arguments\"},"
         "\"argument\":{\"name\":\"arg1\",\"value\":\"par\"}}}");
    MCP_ASSERT_INT(r.status, 200, "complete");
    MCP_ASSERT_STR(r.body, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":"
                   "{\"completion\":{\"values\":[],\"hasMore\":false,"
                   "\"total\":0}}}", "complete");
    MCP_ASSERT_STR(r.method, "completion/complete", "method");
    for (i = 0; i < MCP_NELTS(bad); ++i) {
        const char *params = bad[i] ? bad[i] : "(none)";
        cJSON *j = post(&r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":6,"
                        "\"method\":\"completion/complete\"%s%s}",
                        bad[i] ? ",\"params\":" : "", bad[i] ? bad[i] : ""));

        MCP_ASSERT_INT(r.status, 200, params);
        MCP_ASSERT_HAS(rpc_error_of(j, MCP_RPC_INVALID_PARAMS, params),
                       "params.ref and params.argument", params);
    }
}

static void server_tools_call_protocol_errors(void)
{
    static const struct {
        const char *params, *message;
    } cases[] = {
        { "{\"name\":\"divide\",\"arguments\":{\"a\":1,\"b\":2}}",
          "Unknown tool: divide" },
        { "{\"name\":\"add\",\"arguments\":[2,3]}", NULL },
        { "{\"name\":\"add\",\"arguments\":\"a=2\"}", NULL },
        { "{\"name\":\"add\",\"arguments\":null}", NULL },
        { "{\"arguments\":{\"a\":1,\"b\":2}}", NULL },
        { "{\"name\":5}", NULL },
        { "{}", NULL },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_reply_t r;
        cJSON *j = post(&r, apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":9,"
                        "\"method\":\"tools/call\",\"params\":%s}",
                        cases[i].params));
        const char *msg = rpc_error_of(j, MCP_RPC_INVALID_PARAMS,
                                       cases[i].params);

        MCP_ASSERT_INT(r.status, 200, cases[i].params);
        if (cases[i].message) {
            MCP_ASSERT_STR(msg, cases[i].message, cases[i].params);
        }
    }
}

static void server_unknown_method_is_method_not_found_with_the_id(void)
{
    mcp_reply_t r;

    post(&r, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":"
         "\"resources/list\"}");
    MCP_ASSERT_INT(r.status, 200, "resources/list");
    MCP_ASSERT_STR(r.body, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"error\":"
                   "{\"code\":-32601,\"message\":"
                   "\"Method not found: resources/list\"}}",
                   "resources/list");
    MCP_ASSERT_STR(r.method, "resources/list", "method for the log");
}

static void server_malformed_json_is_400_parse_error_with_null_id(void)
{
    mcp_reply_t r;
    cJSON *j = post(&r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");

    MCP_ASSERT_INT(r.status, 400, "malformed");
    rpc_error_of(j, MCP_RPC_PARSE_ERROR, "malformed");
    CU_ASSERT_TRUE(cJSON_IsNull(mcp_json_get(j, "id")));
    CU_ASSERT_PTR_NULL(r.method);
}

static void server_invalid_request_is_400(void)
{
    mcp_reply_t r;
    cJSON *j = post(&r, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                    "\"ping\"}]");

    MCP_ASSERT_INT(r.status, 400, "batch");
    rpc_error_of(j, MCP_RPC_INVALID_REQUEST, "batch");
    CU_ASSERT_TRUE(cJSON_IsNull(mcp_json_get(j, "id")));
}

static void server_version_supported(void)
{
    CU_ASSERT_TRUE(mcp_server_version_supported("2025-11-25"));
    CU_ASSERT_TRUE(mcp_server_version_supported("2025-06-18"));
    CU_ASSERT_TRUE(mcp_server_version_supported("2025-03-26"));
    CU_ASSERT_FALSE(mcp_server_version_supported("2024-11-05"));
    CU_ASSERT_FALSE(mcp_server_version_supported("2025-11-2"));
    CU_ASSERT_FALSE(mcp_server_version_supported(""));
    CU_ASSERT_FALSE(mcp_server_version_supported(NULL));
}

void mcp_test_add_server_suite(void)
{
    CU_pSuite s = mcp_test_suite("server");

    MCP_TEST(s, server_initialize_echoes_supported_versions);
    MCP_TEST(s, server_initialize_result_describes_the_server);
    MCP_TEST(s, server_initialize_offers_latest_for_unknown_versions);
    MCP_TEST(s, server_initialize_needs_a_protocol_version);
    MCP_TEST(s, server_ping_answers_an_empty_result);
    MCP_TEST(s, server_notifications_and_responses_get_202_without_body);
    MCP_TEST(s, server_tools_list_lists_add_and_multiply);
    MCP_TEST(s, server_tools_list_refuses_cursors_it_did_not_issue);
    MCP_TEST(s, server_tools_list_pages_through_every_tool);
    MCP_TEST(s, server_tools_call_add_returns_text_and_structured_result);
    MCP_TEST(s, server_tools_call_multiply);
    MCP_TEST(s, server_tools_call_text_is_the_json_number);
    MCP_TEST(s, server_tools_call_result_reads_back_as_the_computed_double);
    MCP_TEST(s, server_tools_call_bad_input_is_a_tool_error);
    MCP_TEST(s, server_tools_call_validates_before_the_tool_runs);
    MCP_TEST(s, server_tools_call_gives_the_tool_a_context);
    MCP_TEST(s, server_tools_call_broken_result_is_an_internal_error);
    MCP_TEST(s, server_logging_set_level);
    MCP_TEST(s, server_completion_complete_has_nothing_to_offer);
    MCP_TEST(s, server_tools_call_protocol_errors);
    MCP_TEST(s, server_unknown_method_is_method_not_found_with_the_id);
    MCP_TEST(s, server_malformed_json_is_400_parse_error_with_null_id);
    MCP_TEST(s, server_invalid_request_is_400);
    MCP_TEST(s, server_version_supported);
}

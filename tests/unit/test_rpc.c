/* test_rpc.c: JSON-RPC 2.0 envelopes as MCP uses them (src/mcp_rpc.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_rpc.h"
#include "mcp_test.h"

static int rpc_parse(mcp_rpc_msg_t **pmsg, const char *s, const char **pwhy)
{
    return mcp_rpc_parse(pmsg, mcp_test_pool(), s, strlen(s), pwhy);
}

static void rpc_parses_requests_notifications_and_responses(void)
{
    static const struct {
        const char *in;
        mcp_rpc_kind_e kind;
        const char *method;
        const char *id;       /* the id printed as JSON, or NULL */
        int has_params;
    } cases[] = {
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
          MCP_RPC_REQUEST, "ping", "1", 0 },
        { "{\"method\":\"tools/list\",\"params\":{},\"id\":\"a-1\","
          "\"jsonrpc\":\"2.0\"}",
          MCP_RPC_REQUEST, "tools/list", "\"a-1\"", 1 },
        { "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"x\"}",
          MCP_RPC_REQUEST, "x", "0", 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":-7,\"method\":\"x\"}",
          MCP_RPC_REQUEST, "x", "-7", 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":\"\",\"method\":\"x\"}",
          MCP_RPC_REQUEST, "x", "\"\"", 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":9007199254740991,\"method\":\"x\"}",
          MCP_RPC_REQUEST, "x", "9007199254740991", 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":2.0,\"method\":\"x\"}",
          MCP_RPC_REQUEST, "x", "2", 0 },
        { "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
          MCP_RPC_NOTIFICATION, "notifications/initialized", NULL, 0 },
        { "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"a\":1}}",
          MCP_RPC_NOTIFICATION, "n", NULL, 1 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}",
          MCP_RPC_RESPONSE, NULL, "1", 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":null}",
          MCP_RPC_RESPONSE, NULL, "\"s\"", 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1,"
          "\"message\":\"no\"}}",
          MCP_RPC_RESPONSE, NULL, "1", 0 },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_rpc_msg_t *m = NULL;
        const char *why = NULL;
        int code = rpc_parse(&m, cases[i].in, &why);

        MCP_ASSERT_INT(code, 0, cases[i].in);
        if (!m) {
            mcp_test_assert(0, __LINE__, __FILE__, "%s: no message (%s)",
                            cases[i].in, why ? why : "NULL");
            continue;
        }
        MCP_ASSERT_INT(m->kind, cases[i].kind, cases[i].in);
        MCP_ASSERT_STR(m->method, cases[i].method, cases[i].in);
        MCP_ASSERT_STR(!m->id ? NULL : cJSON_IsNumber(m->id)
                       ? mcp_json_number_text(p, m->id->valuedouble)
                       : mcp_json_print(p, m->id), cases[i].id,
                       cases[i].in);
        MCP_ASSERT_INT(m->params != NULL, cases[i].has_params, cases[i].in);
    }
}

/* What *pmsg holds before a call that must reset it. */
static mcp_rpc_msg_t not_set;

static void rpc_rejects_invalid_messages(void)
{
    static const struct {
        const char *in;
        int code;
        const char *why;      /* part of the message */
    } cases[] = {
        { "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
          MCP_RPC_INVALID_REQUEST, "batch" },
        { "[]", MCP_RPC_INVALID_REQUEST, "batch" },
        { "\"ping\"", MCP_RPC_INVALID_REQUEST, "not a JSON-RPC object" },
        { "42", MCP_RPC_INVALID_REQUEST, "not a JSON-RPC object" },
        { "null", MCP_RPC_INVALID_REQUEST, "not a JSON-RPC object" },
        { "{\"id\":1,\"method\":\"ping\"}", MCP_RPC_INVALID_REQUEST,
          "jsonrpc" },
        { "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "jsonrpc" },
        { "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "jsonrpc" },
        { "{\"jsonrpc\":\"2.0 \",\"id\":1,\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "jsonrpc" },
        { "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1e300,\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"x\"}",
          MCP_RPC_INVALID_REQUEST, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
          MCP_RPC_INVALID_REQUEST, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
          MCP_RPC_INVALID_REQUEST, "method" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":null}",
          MCP_RPC_INVALID_REQUEST, "method" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}",
          MCP_RPC_INVALID_REQUEST, "method" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":[1]}",
          MCP_RPC_INVALID_REQUEST, "params" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":\"a\"}",
          MCP_RPC_INVALID_REQUEST, "params" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":null}",
          MCP_RPC_INVALID_REQUEST, "params" },
        { "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":[]}",
          MCP_RPC_INVALID_REQUEST, "params" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{}}",
          MCP_RPC_INVALID_REQUEST, "neither" },
        { "{\"jsonrpc\":\"2.0\",\"result\":1}",
          MCP_RPC_INVALID_REQUEST, "neither" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1}",
          MCP_RPC_INVALID_REQUEST, "neither" },
        { "{\"jsonrpc\":\"2.0\"}", MCP_RPC_INVALID_REQUEST, "neither" },
        { "{", MCP_RPC_PARSE_ERROR, "Parse error" },
        { "", MCP_RPC_PARSE_ERROR, "Parse error" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x",
          MCP_RPC_PARSE_ERROR, "Parse error" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}",
          MCP_RPC_PARSE_ERROR, "duplicate" },
    };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_rpc_msg_t *m = &not_set;
        const char *why = NULL;
        int code = rpc_parse(&m, cases[i].in, &why);

        MCP_ASSERT_INT(code, cases[i].code, cases[i].in);
        MCP_ASSERT_HAS(why, cases[i].why, cases[i].in);
        CU_ASSERT_PTR_NULL(m);
    }
}

static void rpc_rejects_deep_nesting_as_a_parse_error(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *params = "1";
    mcp_rpc_msg_t *m;
    const char *why;
    int i;

    for (i = 0; i < 40; ++i) {
        params = apr_pstrcat(p, "[", params, "]", NULL);
    }
    MCP_ASSERT_INT(rpc_parse(&m, apr_pstrcat(p, "{\"jsonrpc\":\"2.0\","
                                             "\"id\":1,\"method\":\"x\","
                                             "\"params\":{\"a\":", params,
                                             "}}", NULL), &why),
                   MCP_RPC_PARSE_ERROR, "40 levels");
    MCP_ASSERT_HAS(why, "nested too deeply", "40 levels");
}

static void rpc_result_text(void)
{
    apr_pool_t *p = mcp_test_pool();
    cJSON *sid = mcp_json_own(p, cJSON_CreateString("req-1"));
    cJSON *qid = mcp_json_own(p, cJSON_CreateString("a\"b"));
    cJSON *nid = mcp_json_own(p, cJSON_CreateNumber(7));
    cJSON *big = mcp_json_own(p, cJSON_CreateNumber(9007199254740991.0));

    MCP_ASSERT_STR(mcp_rpc_result(p, sid, "{}"),
                   "{\"jsonrpc\":\"2.0\",\"id\":\"req-1\",\"result\":{}}",
                   "string id");
    MCP_ASSERT_STR(mcp_rpc_result(p, nid, "{\"x\":[1,2]}"),
                   "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"x\":[1,2]}}",
                   "integer id");
    MCP_ASSERT_STR(mcp_rpc_result(p, NULL, "{}"),
                   "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}",
                   "NULL id");
    MCP_ASSERT_STR(mcp_rpc_result(p, qid, "{}"),
                   "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"result\":{}}",
                   "escaped id");
    MCP_ASSERT_STR(mcp_rpc_result(p, big, "{}"),
                   "{\"jsonrpc\":\"2.0\",\"id\":9007199254740991,"
                   "\"result\":{}}", "largest exact integer id");
}

static void rpc_error_text(void)
{
    apr_pool_t *p = mcp_test_pool();
    cJSON *sid = mcp_json_own(p, cJSON_CreateString("req-1"));
    cJSON *nid = mcp_json_own(p, cJSON_CreateNumber(7));

    MCP_ASSERT_STR(mcp_rpc_error(p, sid, MCP_RPC_METHOD_NOT_FOUND,
                                 "Method not found: x"),
                   "{\"jsonrpc\":\"2.0\",\"id\":\"req-1\",\"error\":"
                   "{\"code\":-32601,\"message\":\"Method not found: x\"}}",
                   "string id");
    MCP_ASSERT_STR(mcp_rpc_error(p, nid, MCP_RPC_INVALID_PARAMS, "bad"),
                   "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":"
                   "{\"code\":-32602,\"message\":\"bad\"}}", "integer id");
    MCP_ASSERT_STR(mcp_rpc_error(p, NULL, MCP_RPC_PARSE_ERROR,
                                 "Parse error: \"x\"\n"),
                   "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
                   "{\"code\":-32700,\"message\":"
                   "\"Parse error: \\\"x\\\"\\n\"}}", "NULL id, escaping");
}

static void rpc_body_is_one_message_or_a_batch(void)
{
    apr_pool_t *p = mcp_test_pool();
    apr_array_header_t *msgs;
    const char *why = NULL, *b;
    int batch = -1;

    b = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    MCP_ASSERT_INT(mcp_rpc_parse_body(&msgs, &batch, p, b, strlen(b), &why),
                   0, "one message");
    MCP_ASSERT_INT(batch, 0, "one message: no batch");
    MCP_ASSERT_INT(msgs->nelts, 1, "one message");

    b = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"n\"},{\"x\":1},7]";
    MCP_ASSERT_INT(mcp_rpc_parse_body(&msgs, &batch, p, b, strlen(b), &why),
                   0, "batch");
    MCP_ASSERT_INT(batch, 1, "batch");
    MCP_ASSERT_INT(msgs->nelts, 4, "every member");
    MCP_ASSERT_INT(APR_ARRAY_IDX(msgs, 0, mcp_rpc_msg_t *)->kind,
                   MCP_RPC_REQUEST, "member 0");
    MCP_ASSERT_INT(APR_ARRAY_IDX(msgs, 1, mcp_rpc_msg_t *)->kind,
                   MCP_RPC_NOTIFICATION, "member 1");
    MCP_ASSERT_INT(APR_ARRAY_IDX(msgs, 2, mcp_rpc_msg_t *)->kind,
                   MCP_RPC_INVALID, "member 2");
    MCP_ASSERT_HAS(APR_ARRAY_IDX(msgs, 3, mcp_rpc_msg_t *)->why,
                   "Invalid Request", "member 3");

    MCP_ASSERT_INT(mcp_rpc_parse_body(&msgs, &batch, p, "[]", 2, &why),
                   MCP_RPC_INVALID_REQUEST, "empty batch");
    MCP_ASSERT_INT(mcp_rpc_parse_body(&msgs, &batch, p, "[", 1, &why),
                   MCP_RPC_PARSE_ERROR, "not JSON");
    MCP_ASSERT_INT(mcp_rpc_parse_body(&msgs, &batch, p, "{\"a\":1}", 7,
                                      &why),
                   MCP_RPC_INVALID_REQUEST, "one non-message");
    {
        /* bounded: 65 members */
        char *big = apr_pstrdup(p, "[");
        int i;
        for (i = 0; i < MCP_RPC_MAX_BATCH + 1; ++i) {
            big = apr_pstrcat(p, big, i ? "," : "",
                              "{\"jsonrpc\":\"2.0\",\"method\":\"n\"}", NULL);
        }
        big = apr_pstrcat(p, big, "]", NULL);
        MCP_ASSERT_INT(mcp_rpc_parse_body(&msgs, &batch, p, big, strlen(big),
                                          &why),
                       MCP_RPC_INVALID_REQUEST, "too many");
    }
}

void mcp_test_add_rpc_suite(void)
{
    CU_pSuite s = mcp_test_suite("rpc");

    MCP_TEST(s, rpc_parses_requests_notifications_and_responses);
    MCP_TEST(s, rpc_rejects_invalid_messages);
    MCP_TEST(s, rpc_rejects_deep_nesting_as_a_parse_error);
    MCP_TEST(s, rpc_result_text);
    MCP_TEST(s, rpc_error_text);
    MCP_TEST(s, rpc_body_is_one_message_or_a_batch);
}

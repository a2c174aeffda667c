/* test_tools.c: the tool registry and the CallToolResult helpers
 * (src/mcp_tools.c, mcp_tools_math.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_test.h"
#include "mcp_tools.h"

#define SCHEMA "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":" \
               "\"string\"}}}"

static cJSON *echo(apr_pool_t *p, const cJSON *args, mcp_tool_ctx_t *ctx,
                   void *baton)
{
    return mcp_tool_result(p, "echo", NULL);
}

/* A valid tool called name (copied into the pool, so tests may vary it). */
static mcp_tool_t *tool(const char *name)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_tool_t *t = apr_pcalloc(p, sizeof(*t));

    t->name = name;
    t->description = "Echo a string.";
    t->input_schema = SCHEMA;
    t->call = echo;
    return t;
}

static void tools_accept_valid_names(void)
{
    static const char *const names[] = {
        "a", "echo", "get_weather", "ns.tool-v2", "A_Z.0-9",
    };
    mcp_tools_t *reg = mcp_tools_create(mcp_test_pool());
    char n128[129];
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(names); ++i) {
        MCP_ASSERT_STR(mcp_tools_add(reg, tool(names[i])), NULL, names[i]);
    }
    memset(n128, 'x', 128);
    n128[128] = '\0';
    MCP_ASSERT_STR(mcp_tools_add(reg, tool(n128)), NULL, "128 characters");
}

static void tools_reject_bad_names(void)
{
    static const char *const names[] = {
        "", "a b", " echo", "echo ", "a/b", "tool!", "caf\xc3\xa9", "a:b",
        "a\tb",
    };
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    char n129[130];
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(names); ++i) {
        MCP_ASSERT_HAS(mcp_tools_add(reg, tool(names[i])), "tool name",
                       names[i]);
    }
    MCP_ASSERT_HAS(mcp_tools_add(reg, tool(NULL)), "tool name", "NULL");
    memset(n129, 'x', 129);
    n129[129] = '\0';
    MCP_ASSERT_HAS(mcp_tools_add(reg, tool(n129)), "tool name",
                   "129 characters");
    CU_ASSERT_PTR_NULL(mcp_tools_find(reg, n129));
}

static void tools_reject_duplicate_names(void)
{
    mcp_tools_t *reg = mcp_tools_create(mcp_test_pool());

    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, tool("echo")));
    MCP_ASSERT_HAS(mcp_tools_add(reg, tool("echo")), "defined twice",
                   "second echo");
    /* names are case-sensitive */
    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, tool("Echo")));
}

static void tools_reject_missing_description_function_or_schema(void)
{
    static const char *const schemas[] = {
        "[]", "{\"type\":\"string\"}", "{\"properties\":{}}", "\"object\"",
        "{\"type\":[\"object\"]}", "{", "", "{\"type\":\"object\"} x",
        "{\"type\":\"object\",\"type\":\"object\"}",
    };
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    mcp_tool_t *t;
    apr_size_t i;

    t = tool("t");
    t->description = NULL;
    MCP_ASSERT_HAS(mcp_tools_add(reg, t), "lacks a description",
                   "no description");
    t = tool("t");
    t->call = NULL;
    MCP_ASSERT_HAS(mcp_tools_add(reg, t), "function", "no function");
    t = tool("t");
    t->input_schema = NULL;
    MCP_ASSERT_HAS(mcp_tools_add(reg, t), "schema", "no input schema");
    for (i = 0; i < MCP_NELTS(schemas); ++i) {
        t = tool("t");
        t->input_schema = schemas[i];
        MCP_ASSERT_HAS(mcp_tools_add(reg, t), "object schema", schemas[i]);
        t = tool("t");
        t->output_schema = schemas[i];
        MCP_ASSERT_HAS(mcp_tools_add(reg, t), "object schema",
                       apr_pstrcat(p, "output ", schemas[i], NULL));
    }
    CU_ASSERT_PTR_NULL(mcp_tools_find(reg, "t"));
    t = tool("t");
    t->output_schema = "{\"type\":\"object\"}";
    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, t));
}

static void tools_cannot_be_added_after_seal(void)
{
    mcp_tools_t *reg = mcp_tools_create(mcp_test_pool());

    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, tool("one")));
    CU_ASSERT_PTR_NULL(mcp_tools_seal(reg));
    MCP_ASSERT_STR(mcp_tools_add(reg, tool("two")),
                   "tools cannot be added after startup", "after seal");
    CU_ASSERT_PTR_NULL(mcp_tools_find(reg, "two"));
}

static void tools_find_returns_the_registered_tool(void)
{
    mcp_tools_t *reg = mcp_tools_create(mcp_test_pool());
    mcp_tool_t *a = tool("alpha"), *b = tool("beta");

    CU_ASSERT_PTR_NULL(mcp_tools_find(reg, "alpha"));
    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, a));
    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, b));
    CU_ASSERT_PTR_EQUAL(mcp_tools_find(reg, "alpha"), a);
    CU_ASSERT_PTR_EQUAL(mcp_tools_find(reg, "beta"), b);
    CU_ASSERT_PTR_NULL(mcp_tools_find(reg, "gamma"));
    CU_ASSERT_PTR_NULL(mcp_tools_find(reg, "Alpha"));
    CU_ASSERT_PTR_NULL(mcp_tools_find(reg, "alph"));
}

static void tools_list_has_schemas_as_objects(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    mcp_tool_t *t = tool("echo");
    const char *err, *list;
    const cJSON *j, *e;

    t->title = "Echo";
    t->output_schema = "{\"type\":\"object\",\"required\":[\"s\"]}";
    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, t));
    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, tool("plain")));
    CU_ASSERT_PTR_NULL(mcp_tools_list_json(reg));
    CU_ASSERT_PTR_NULL(mcp_tools_seal(reg));
    list = mcp_tools_list_json(reg);
    MCP_ASSERT_STR(list,
        "{\"tools\":[{\"name\":\"echo\",\"title\":\"Echo\","
        "\"description\":\"Echo a string.\",\"inputSchema\":" SCHEMA ","
        "\"outputSchema\":{\"type\":\"object\",\"required\":[\"s\"]}},"
        "{\"name\":\"plain\",\"description\":\"Echo a string.\","
        "\"inputSchema\":" SCHEMA "}]}", "tools/list result");

    j = list ? mcp_json_parse(p, list, strlen(list), 32, &err) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    e = cJSON_GetArrayItem(mcp_json_get(j, "tools"), 0);
    CU_ASSERT_TRUE(cJSON_IsObject(mcp_json_get(e, "inputSchema")));
    CU_ASSERT_TRUE(cJSON_IsObject(mcp_json_get(e, "outputSchema")));
}

static void tools_list_of_an_empty_registry(void)
{
    mcp_tools_t *reg = mcp_tools_create(mcp_test_pool());

    CU_ASSERT_PTR_NULL(mcp_tools_seal(reg));
    MCP_ASSERT_STR(mcp_tools_list_json(reg), "{\"tools\":[]}", "empty");
}

static void tools_add_math_registers_add_and_multiply(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    const mcp_tool_t *add;
    cJSON *args;
    const char *err;

    CU_ASSERT_PTR_NULL(mcp_tools_add_math(reg));
    add = mcp_tools_find(reg, "add");
    CU_ASSERT_PTR_NOT_NULL_FATAL(add);
    CU_ASSERT_PTR_NOT_NULL(mcp_tools_find(reg, "multiply"));
    CU_ASSERT_PTR_NOT_NULL(add->output_schema);
    /* twice is a duplicate */
    MCP_ASSERT_HAS(mcp_tools_add_math(reg), "defined twice", "math twice");

    args = mcp_json_parse(p, "{\"a\":1,\"b\":-3}", 14, 32, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(args);
    MCP_ASSERT_STR(mcp_json_print(p, add->call(p, args, NULL, add->baton)),
                   "{\"content\":[{\"type\":\"text\",\"text\":\"-2\"}],"
                   "\"structuredContent\":{\"result\":-2}}", "add(1,-3)");
}

static void tool_result_and_error_helpers(void)
{
    apr_pool_t *p = mcp_test_pool();
    cJSON *structured = cJSON_CreateObject();

    cJSON_AddNumberToObject(structured, "result", 1);
    MCP_ASSERT_STR(mcp_json_print(p, mcp_tool_result(p, "hi", NULL)),
                   "{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}",
                   "text only");
    MCP_ASSERT_STR(mcp_json_print(p, mcp_tool_result(p, "1", structured)),
                   "{\"content\":[{\"type\":\"text\",\"text\":\"1\"}],"
                   "\"structuredContent\":{\"result\":1}}", "structured");
    MCP_ASSERT_STR(mcp_json_print(p, mcp_tool_error(p, "bad \"x\"")),
                   "{\"content\":[{\"type\":\"text\",\"text\":"
                   "\"bad \\\"x\\\"\"}],\"isError\":true}", "error");
}

void mcp_test_add_tools_suite(void)
{
    CU_pSuite s = mcp_test_suite("tools");

    MCP_TEST(s, tools_accept_valid_names);
    MCP_TEST(s, tools_reject_bad_names);
    MCP_TEST(s, tools_reject_duplicate_names);
    MCP_TEST(s, tools_reject_missing_description_function_or_schema);
    MCP_TEST(s, tools_cannot_be_added_after_seal);
    MCP_TEST(s, tools_find_returns_the_registered_tool);
    MCP_TEST(s, tools_list_has_schemas_as_objects);
    MCP_TEST(s, tools_list_of_an_empty_registry);
    MCP_TEST(s, tools_add_math_registers_add_and_multiply);
    MCP_TEST(s, tool_result_and_error_helpers);
}

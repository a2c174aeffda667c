/* test_tools.c: the tool registry (schemas compiled at registration,
 * sorted tools/list pages, cursors) and the CallToolResult helpers
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
    static const struct {
        const char *schema, *why;
    } schemas[] = {
        { "[]", "a schema must be an object or a boolean" },
        { "true", "not a JSON Schema object of \"type\":\"object\"" },
        { "{\"type\":\"string\"}",
          "not a JSON Schema object of \"type\":\"object\"" },
        { "{\"properties\":{}}",
          "not a JSON Schema object of \"type\":\"object\"" },
        { "\"object\"", "a schema must be an object or a boolean" },
        { "{\"type\":[\"object\"]}",
          "not a JSON Schema object of \"type\":\"object\"" },
        { "{", "not a JSON document (not valid JSON)" },
        { "", "not a JSON document (empty document)" },
        { "{\"type\":\"object\"} x",
          "not a JSON document (trailing data after the JSON value)" },
        { "{\"type\":\"object\",\"type\":\"object\"}",
          "not a JSON document (duplicate member name)" },
        { "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"strng\"}}}",
          "properties.a: unknown type \"strng\"" },
        { "{\"type\":\"object\",\"required\":\"a\"}",
          "\"required\" must be an array of names" },
    };
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    mcp_tool_t *t;
    apr_size_t i;

    t = tool("t");
    t->description = NULL;
    MCP_ASSERT_STR(mcp_tools_add(reg, t), "tool \"t\" lacks a description",
                   "no description");
    t = tool("t");
    t->description = "";
    MCP_ASSERT_STR(mcp_tools_add(reg, t), "tool \"t\" lacks a description",
                   "empty description");
    t = tool("t");
    t->call = NULL;
    MCP_ASSERT_STR(mcp_tools_add(reg, t), "tool \"t\" lacks a function",
                   "no function");
    t = tool("t");
    t->input_schema = NULL;
    MCP_ASSERT_STR(mcp_tools_add(reg, t), "tool \"t\" lacks an inputSchema",
                   "no input schema");
    for (i = 0; i < MCP_NELTS(schemas); ++i) {
        t = tool("t");
        t->input_schema = schemas[i].schema;
        MCP_ASSERT_STR(mcp_tools_add(reg, t), apr_pstrcat(p, "tool \"t\": "
                       "inputSchema: ", schemas[i].why, NULL),
                       schemas[i].schema);
        t = tool("t");
        t->output_schema = schemas[i].schema;
        MCP_ASSERT_STR(mcp_tools_add(reg, t), apr_pstrcat(p, "tool \"t\": "
                       "outputSchema: ", schemas[i].why, NULL),
                       apr_pstrcat(p, "output ", schemas[i].schema, NULL));
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
    MCP_ASSERT_STR(mcp_tools_seal(reg), "the tools are sealed already",
                   "seal twice");
    MCP_ASSERT_INT(mcp_tools_count(reg), 1, "count");
}

static void tools_schemas_are_compiled_once_at_registration(void)
{
    mcp_tools_t *reg = mcp_tools_create(mcp_test_pool());
    const mcp_schema_t *s;

    CU_ASSERT_PTR_NULL(mcp_tools_add(reg, tool("echo")));
    s = mcp_tools_input_schema(reg, "echo");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_PTR_NULL(mcp_tools_seal(reg));
    /* the same compiled schema for every call */
    CU_ASSERT_PTR_EQUAL(mcp_tools_input_schema(reg, "echo"), s);
    MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(mcp_schema_json(s),
                   "type")), "object", "kept tree");
    CU_ASSERT_PTR_NULL(mcp_tools_input_schema(reg, "nope"));
    CU_ASSERT_PTR_NULL(mcp_tools_input_schema(reg, NULL));
    CU_ASSERT_PTR_NULL(mcp_tools_find(reg, NULL));
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

static void tools_list_is_sorted_by_name(void)
{
    static const char *const names[] = {
        "zeta", "Zeta", "alpha", "mid", "alpha.2", "alpha-2", "_x", "9",
    };
    static const char *const sorted[] = {
        "9", "Zeta", "_x", "alpha", "alpha-2", "alpha.2", "mid", "zeta",
    };
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    const char *err, *list;
    const cJSON *tools;
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(names); ++i) {
        CU_ASSERT_PTR_NULL(mcp_tools_add(reg, tool(names[i])));
    }
    CU_ASSERT_PTR_NULL(mcp_tools_seal(reg));
    list = mcp_tools_list_json(reg);
    tools = mcp_json_get(mcp_json_parse(p, list, strlen(list), 32, &err),
                         "tools");
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(tools), (int)MCP_NELTS(sorted));
    for (i = 0; i < MCP_NELTS(sorted); ++i) {
        MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(
                       cJSON_GetArrayItem(tools, (int)i), "name")),
                       sorted[i], "byte order");
    }
}

/* A registry of n tools called t0000, t0001, ... */
static mcp_tools_t *numbered(int n)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_tools_t *reg = mcp_tools_create(p);
    int i;

    for (i = n - 1; i >= 0; --i) {
        CU_ASSERT_PTR_NULL(mcp_tools_add(reg, tool(apr_psprintf(p, "t%04d",
                                                                i))));
    }
    CU_ASSERT_PTR_NULL(mcp_tools_seal(reg));
    return reg;
}

static const cJSON *page_json(const char *text)
{
    const char *err;

    return text ? mcp_json_parse(mcp_test_pool(), text, strlen(text), 32,
                                 &err) : NULL;
}

static void tools_list_pages_of_100(void)
{
    static const struct {
        int tools, pages, last;
    } cases[] = {
        { 1, 1, 1 }, { 99, 1, 99 }, { 100, 1, 100 }, { 101, 2, 1 },
        { 250, 3, 50 }, { 300, 3, 100 },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t c;

    for (c = 0; c < MCP_NELTS(cases); ++c) {
        mcp_tools_t *reg = numbered(cases[c].tools);
        const char *cursor = NULL, *ctx;
        int page, seen = 0;

        for (page = 0; page < cases[c].pages; ++page) {
            const cJSON *j = page_json(mcp_tools_list_page(reg, cursor));
            const cJSON *tools = mcp_json_get(j, "tools"), *t;
            const cJSON *next = mcp_json_get(j, "nextCursor");
            int last = page == cases[c].pages - 1;

            ctx = apr_psprintf(p, "%d tools, page %d", cases[c].tools, page);
            mcp_test_assert(j != NULL, __LINE__, __FILE__, "%s: no page",
                            ctx);
            if (!j) {
                break;
            }
            MCP_ASSERT_INT(cJSON_GetArraySize(tools),
                           last ? cases[c].last : MCP_TOOLS_PAGE_SIZE, ctx);
            cJSON_ArrayForEach(t, tools) {
                MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(t, "name")),
                               apr_psprintf(p, "t%04d", seen), ctx);
                ++seen;
            }
            mcp_test_assert(last ? next == NULL : cJSON_IsString(next),
                            __LINE__, __FILE__, "%s: nextCursor %s", ctx,
                            next ? "present" : "absent");
            cursor = cJSON_GetStringValue(next);
        }
        MCP_ASSERT_INT(seen, cases[c].tools, "every tool once");
    }
}

static void tools_list_refuses_cursors_it_did_not_issue(void)
{
    mcp_tools_t *reg = numbered(150), *other = numbered(151);
    mcp_tools_t *same = numbered(150), *unsealed;
    const char *cursor = cJSON_GetStringValue(mcp_json_get(page_json(
                             mcp_tools_list_json(reg)), "nextCursor"));
    const char *other_cursor = cJSON_GetStringValue(mcp_json_get(page_json(
                             mcp_tools_list_json(other)), "nextCursor"));

    CU_ASSERT_PTR_NOT_NULL_FATAL(cursor);
    CU_ASSERT_PTR_NOT_NULL_FATAL(other_cursor);
    CU_ASSERT_PTR_NOT_NULL(mcp_tools_list_page(reg, cursor));
    CU_ASSERT_PTR_NULL(mcp_tools_list_page(reg, ""));
    CU_ASSERT_PTR_NULL(mcp_tools_list_page(reg, "abc"));
    CU_ASSERT_PTR_NULL(mcp_tools_list_page(reg, "0"));
    CU_ASSERT_PTR_NULL(mcp_tools_list_page(reg, apr_pstrcat(mcp_test_pool(),
                                           cursor, "x", NULL)));
    /* page 0 has no cursor of its own */
    CU_ASSERT_PTR_NULL(mcp_tools_list_page(reg, apr_pstrndup(mcp_test_pool(),
                       cursor, strlen(cursor) - 1)));
    /* another set of tools, another cursor; the same set, the same one
     * (every child process, and the next configuration generation) */
    CU_ASSERT_STRING_NOT_EQUAL(cursor, other_cursor);
    CU_ASSERT_PTR_NULL(mcp_tools_list_page(reg, other_cursor));
    CU_ASSERT_PTR_NOT_NULL(mcp_tools_list_page(same, cursor));
    /* no pages before the seal */
    unsealed = mcp_tools_create(mcp_test_pool());
    CU_ASSERT_PTR_NULL(mcp_tools_list_page(unsealed, NULL));
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
    CU_ASSERT_PTR_EQUAL(mcp_tools_math()[0], add);
    CU_ASSERT_PTR_EQUAL(mcp_tools_math()[1], mcp_tools_find(reg,
                                                            "multiply"));
    CU_ASSERT_PTR_NULL(mcp_tools_math()[2]);
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
    MCP_TEST(s, tools_schemas_are_compiled_once_at_registration);
    MCP_TEST(s, tools_find_returns_the_registered_tool);
    MCP_TEST(s, tools_list_has_schemas_as_objects);
    MCP_TEST(s, tools_list_is_sorted_by_name);
    MCP_TEST(s, tools_list_pages_of_100);
    MCP_TEST(s, tools_list_refuses_cursors_it_did_not_issue);
    MCP_TEST(s, tools_list_of_an_empty_registry);
    MCP_TEST(s, tools_add_math_registers_add_and_multiply);
    MCP_TEST(s, tool_result_and_error_helpers);
}

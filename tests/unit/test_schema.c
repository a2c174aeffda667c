/* test_schema.c: the JSON Schema subset that tool arguments are checked
 * against (src/mcp_schema.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_schema.h"
#include "mcp_test.h"

static const mcp_schema_t *compiled(const char *text)
{
    mcp_schema_t *s = NULL;
    const char *err = mcp_schema_compile(&s, mcp_test_pool(), text);

    mcp_test_assert(err == NULL && s != NULL, __LINE__, __FILE__,
                    "compile %s: %s", text, err ? err : "no schema");
    return s;
}

static const cJSON *value(const char *text)
{
    const char *err = NULL;
    const cJSON *j = mcp_json_parse(mcp_test_pool(), text, strlen(text), 32,
                                    &err);

    mcp_test_assert(j != NULL, __LINE__, __FILE__, "value %s: %s", text,
                    err ? err : "");
    return j;
}

static void schema_compile_refuses_malformed_keywords(void)
{
    static const struct {
        const char *schema, *why;
    } cases[] = {
        { "{", "not a JSON document" },
        { "", "not a JSON document" },
        { "{\"type\":\"object\"} x", "not a JSON document" },
        { "[]", "a schema must be an object or a boolean" },
        { "\"object\"", "a schema must be an object or a boolean" },
        { "{\"type\":\"strng\"}", "unknown type \"strng\"" },
        { "{\"type\":\"Object\"}", "unknown type \"Object\"" },
        { "{\"type\":[]}", "\"type\" must be a type name or a non-empty" },
        { "{\"type\":5}", "\"type\" must be a type name" },
        { "{\"type\":[\"string\",5]}", "\"type\" must be a type name" },
        { "{\"type\":[\"string\",\"text\"]}", "unknown type \"text\"" },
        { "{\"enum\":{}}", "\"enum\" must be an array" },
        { "{\"enum\":\"a\"}", "\"enum\" must be an array" },
        { "{\"required\":\"a\"}", "\"required\" must be an array of names" },
        { "{\"required\":[\"a\",1]}", "\"required\" must be an array" },
        { "{\"properties\":[]}", "\"properties\" must be an object" },
        { "{\"properties\":{\"a\":5}}",
          "properties.a: a schema must be an object or a boolean" },
        { "{\"properties\":{\"a\":{\"properties\":{\"b\":{\"type\":\"x\"}}}}}",
          "properties.a.properties.b: unknown type \"x\"" },
        { "{\"additionalProperties\":5}",
          "\"additionalProperties\" must be a boolean or a schema" },
        { "{\"additionalProperties\":{\"type\":\"nope\"}}",
          "additionalProperties: unknown type \"nope\"" },
        { "{\"items\":5}", "items: a schema must be an object or a boolean" },
        { "{\"items\":{\"enum\":1}}", "items: \"enum\" must be an array" },
        { "{\"type\":\"object\",\"type\":\"object\"}", "not a JSON document" },
    };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_schema_t *s = (mcp_schema_t *)1;
        const char *err = mcp_schema_compile(&s, mcp_test_pool(),
                                             cases[i].schema);

        MCP_ASSERT_HAS(err, cases[i].why, cases[i].schema);
        CU_ASSERT_PTR_NULL(s);
    }
}

static void schema_compile_accepts_what_it_does_not_check(void)
{
    static const char *const schemas[] = {
        "true", "false", "{}",
        "{\"type\":[\"string\",\"null\"]}",
        "{\"type\":[\"integer\",\"integer\"]}",
        /* unknown keywords, even malformed ones, are not ours to judge */
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        "\"$defs\":{\"a\":{\"type\":\"object\"}},\"properties\":"
        "{\"x\":{\"$ref\":\"#/$defs/a\"}},\"minimum\":\"low\","
        "\"format\":5,\"description\":\"d\"}",
        /* the draft-07 tuple form of items is not checked */
        "{\"items\":[{\"type\":\"string\"},{\"type\":\"bogus\"}]}",
        "{\"additionalProperties\":true,\"properties\":{\"a\":true,"
        "\"b\":false}}",
    };
    mcp_schema_t *none = NULL;
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(schemas); ++i) {
        CU_ASSERT_PTR_NOT_NULL(compiled(schemas[i]));
    }
    MCP_ASSERT_STR(mcp_schema_compile(&none, mcp_test_pool(), NULL),
                   "no schema", "NULL text");
    CU_ASSERT_PTR_NULL(none);
}

static void schema_keeps_the_tree_it_was_given(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *text = "{\"type\":\"object\",\"$defs\":{\"a\":{}},"
                       "\"additionalProperties\":false}";
    const cJSON *tree = value(text);
    mcp_schema_t *s;

    CU_ASSERT_PTR_NULL_FATAL(mcp_schema_compile_json(&s, p, tree));
    CU_ASSERT_PTR_EQUAL(mcp_schema_json(s), tree);
    CU_ASSERT_PTR_NULL_FATAL(mcp_schema_compile(&s, p, text));
    MCP_ASSERT_STR(mcp_json_print(p, mcp_schema_json(s)), text, "as given");
    CU_ASSERT_PTR_NULL(mcp_schema_json(NULL));
    CU_ASSERT_PTR_NOT_NULL(mcp_schema_compile_json(&s, p, NULL));
    CU_ASSERT_PTR_NULL(s);
}

static void schema_validate_types(void)
{
    static const struct {
        const char *schema, *value, *why;   /* why NULL: conforms */
    } cases[] = {
        { "{\"type\":\"string\"}", "\"x\"", NULL },
        { "{\"type\":\"string\"}", "\"\"", NULL },
        { "{\"type\":\"string\"}", "1", "arguments: expected string" },
        { "{\"type\":\"string\"}", "null", "arguments: expected string" },
        { "{\"type\":\"number\"}", "1.5", NULL },
        { "{\"type\":\"number\"}", "-3", NULL },
        { "{\"type\":\"number\"}", "1e308", NULL },
        { "{\"type\":\"number\"}", "\"1\"", "arguments: expected number" },
        { "{\"type\":\"number\"}", "true", "arguments: expected number" },
        { "{\"type\":\"integer\"}", "2", NULL },
        { "{\"type\":\"integer\"}", "2.0", NULL },
        { "{\"type\":\"integer\"}", "-0", NULL },
        { "{\"type\":\"integer\"}", "1e20", NULL },
        { "{\"type\":\"integer\"}", "2.5", "arguments: expected integer" },
        { "{\"type\":\"integer\"}", "\"2\"", "arguments: expected integer" },
        { "{\"type\":\"boolean\"}", "false", NULL },
        { "{\"type\":\"boolean\"}", "true", NULL },
        { "{\"type\":\"boolean\"}", "0", "arguments: expected boolean" },
        { "{\"type\":\"null\"}", "null", NULL },
        { "{\"type\":\"null\"}", "false", "arguments: expected null" },
        { "{\"type\":\"object\"}", "{}", NULL },
        { "{\"type\":\"object\"}", "[]", "arguments: expected object" },
        { "{\"type\":\"array\"}", "[]", NULL },
        { "{\"type\":\"array\"}", "{}", "arguments: expected array" },
        { "{\"type\":[\"string\",\"null\"]}", "null", NULL },
        { "{\"type\":[\"string\",\"null\"]}", "\"s\"", NULL },
        { "{\"type\":[\"string\",\"null\"]}", "3",
          "arguments: expected string or null" },
        { "{\"type\":[\"integer\",\"string\",\"boolean\"]}", "1.5",
          "arguments: expected integer, string or boolean" },
        { "{\"type\":[\"number\",\"integer\"]}", "1.5", NULL },
        { "{}", "[1,{}]", NULL },
        { "true", "null", NULL },
        { "false", "{}", "arguments: not allowed" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const mcp_schema_t *s = compiled(cases[i].schema);
        const char *ctx = apr_pstrcat(p, cases[i].schema, " ",
                                      cases[i].value, NULL);

        MCP_ASSERT_STR(mcp_schema_validate(s, p, value(cases[i].value),
                                           "arguments"), cases[i].why, ctx);
    }
}

static void schema_validate_objects_and_arrays(void)
{
    static const struct {
        const char *schema, *value, *why;
    } cases[] = {
        /* required, in the schema's order, before the members */
        { "{\"required\":[\"a\",\"b\"]}", "{\"a\":1,\"b\":null}", NULL },
        { "{\"required\":[\"a\",\"b\"]}", "{\"a\":1}", "b: is required" },
        { "{\"required\":[\"a\",\"b\"]}", "{}", "a: is required" },
        { "{\"required\":[\"a\"],\"properties\":{\"z\":{\"type\":\"string\"}}}",
          "{\"z\":1}", "a: is required" },
        /* required applies to objects only */
        { "{\"required\":[\"a\"]}", "5", NULL },
        /* properties, nested, with the path of the value */
        { "{\"properties\":{\"a\":{\"type\":\"number\"}}}", "{\"a\":\"x\"}",
          "a: expected number" },
        { "{\"properties\":{\"a\":{\"type\":\"number\"}}}", "{\"b\":\"x\"}",
          NULL },
        { "{\"properties\":{\"p\":{\"properties\":{\"q\":{\"type\":"
          "\"string\"}}}}}", "{\"p\":{\"q\":1}}", "p.q: expected string" },
        { "{\"properties\":{\"p\":{\"required\":[\"q\"]}}}", "{\"p\":{}}",
          "p.q: is required" },
        /* additionalProperties */
        { "{\"properties\":{\"a\":{}},\"additionalProperties\":false}",
          "{\"a\":1}", NULL },
        { "{\"properties\":{\"a\":{}},\"additionalProperties\":false}",
          "{\"a\":1,\"zz\":2}", "zz: unexpected property" },
        { "{\"additionalProperties\":false}", "{\"a\":1}",
          "a: unexpected property" },
        { "{\"additionalProperties\":false}", "{}", NULL },
        { "{\"additionalProperties\":{\"type\":\"number\"}}",
          "{\"x\":1,\"y\":\"s\"}", "y: expected number" },
        { "{\"properties\":{\"a\":{\"type\":\"string\"}},"
          "\"additionalProperties\":{\"type\":\"number\"}}",
          "{\"a\":\"s\",\"b\":2}", NULL },
        { "{\"additionalProperties\":true}", "{\"x\":[]}", NULL },
        { "{\"properties\":{\"x\":false}}", "{\"x\":1}", "x: not allowed" },
        { "{\"properties\":{\"x\":false}}", "{}", NULL },
        /* items */
        { "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}",
          "[1,2,3]", NULL },
        { "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}",
          "[1,2,\"x\"]", "arguments[2]: expected integer" },
        { "{\"properties\":{\"list\":{\"items\":{\"properties\":{\"n\":"
          "{\"type\":\"string\"}}}}}}", "{\"list\":[{\"n\":\"a\"},{\"n\":2}]}",
          "list[1].n: expected string" },
        { "{\"properties\":{\"m\":{\"items\":{\"items\":{\"type\":"
          "\"null\"}}}}}", "{\"m\":[[null],[null,0]]}",
          "m[1][1]: expected null" },
        { "{\"items\":{\"type\":\"string\"}}", "{\"0\":1}", NULL },
        { "{\"items\":[{\"type\":\"string\"}]}", "[1]", NULL },
        { "{\"items\":false}", "[]", NULL },
        { "{\"items\":false}", "[0]", "arguments[0]: not allowed" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const mcp_schema_t *s = compiled(cases[i].schema);
        const char *ctx = apr_pstrcat(p, cases[i].schema, " ",
                                      cases[i].value, NULL);

        MCP_ASSERT_STR(mcp_schema_validate(s, p, value(cases[i].value),
                                           "arguments"), cases[i].why, ctx);
    }
}

static void schema_validate_enum(void)
{
    static const struct {
        const char *schema, *value, *why;
    } cases[] = {
        { "{\"enum\":[\"red\",\"green\"]}", "\"red\"", NULL },
        { "{\"enum\":[\"red\",\"green\"]}", "\"Red\"",
          "arguments: expected one of \"red\", \"green\"" },
        { "{\"enum\":[1,\"1\",null,{\"a\":[1]}]}", "{\"a\":[1]}", NULL },
        { "{\"enum\":[1,\"1\",null,{\"a\":[1]}]}", "null", NULL },
        { "{\"enum\":[1,\"1\",null,{\"a\":[1]}]}", "1", NULL },
        { "{\"enum\":[1,\"1\",null,{\"a\":[1]}]}", "2",
          "arguments: expected one of 1, \"1\", null, {\"a\":[1]}" },
        { "{\"enum\":[]}", "1", "arguments: not allowed (empty enum)" },
        /* type and enum both apply */
        { "{\"type\":\"string\",\"enum\":[\"a\",1]}", "1",
          "arguments: expected string" },
        { "{\"properties\":{\"mode\":{\"enum\":[\"fast\",\"slow\"]}}}",
          "{\"mode\":\"medium\"}",
          "mode: expected one of \"fast\", \"slow\"" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const mcp_schema_t *s = compiled(cases[i].schema);
        const char *ctx = apr_pstrcat(p, cases[i].schema, " ",
                                      cases[i].value, NULL);

        MCP_ASSERT_STR(mcp_schema_validate(s, p, value(cases[i].value),
                                           "arguments"), cases[i].why, ctx);
    }
}

static void schema_unknown_keywords_never_refuse(void)
{
    apr_pool_t *p = mcp_test_pool();
    const mcp_schema_t *s = compiled(
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        "\"type\":\"object\",\"$defs\":{\"address\":{\"type\":\"object\","
        "\"properties\":{\"city\":{\"type\":\"string\"}}}},\"properties\":"
        "{\"name\":{\"type\":\"string\",\"minLength\":100},\"address\":"
        "{\"$ref\":\"#/$defs/address\"},\"n\":{\"type\":\"number\","
        "\"minimum\":10}},\"additionalProperties\":false}");

    MCP_ASSERT_STR(mcp_schema_validate(s, p, value("{\"name\":\"x\","
                   "\"address\":{\"city\":5},\"n\":1}"), "arguments"), NULL,
                   "$ref, minLength, minimum are not checked");
    MCP_ASSERT_STR(mcp_schema_validate(s, p, value("{\"name\":\"x\","
                   "\"zip\":1}"), "arguments"), "zip: unexpected property",
                   "additionalProperties still is");
}

static void schema_messages_stay_short(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *schema = "{\"enum\":[", *why;
    char name[301];
    int i;

    for (i = 0; i < 100; ++i) {
        schema = apr_psprintf(p, "%s%s\"value-number-%d\"", schema,
                              i ? "," : "", i);
    }
    why = mcp_schema_validate(compiled(apr_pstrcat(p, schema, "]}", NULL)),
                              p, value("\"other\""), "arguments");
    MCP_ASSERT_HAS(why, "\"value-number-0\", \"value-number-1\"", "enum");
    MCP_ASSERT_HAS(why, ", ...", "enum");
    mcp_test_assert(why && strlen(why) < 300, __LINE__, __FILE__,
                    "enum message of %zu characters", why ? strlen(why) : 0);

    memset(name, 'n', 300);
    name[300] = '\0';
    why = mcp_schema_validate(compiled("{\"additionalProperties\":false}"),
                              p, value(apr_psprintf(p, "{\"%s\":1}", name)),
                              "arguments");
    mcp_test_assert(why && strlen(why) < 100, __LINE__, __FILE__,
                    "long name: %s", why ? why : "NULL");
    MCP_ASSERT_HAS(why, ": unexpected property", "long name");
}

static void schema_validate_without_value_or_schema(void)
{
    apr_pool_t *p = mcp_test_pool();

    MCP_ASSERT_STR(mcp_schema_validate(compiled("{}"), p, NULL, "arguments"),
                   "arguments: missing", "no value");
    MCP_ASSERT_HAS(mcp_schema_validate(NULL, p, value("{}"), "arguments"),
                   "arguments: no schema", "no schema");
}

static void schema_validation_is_repeatable(void)
{
    apr_pool_t *p = mcp_test_pool();
    const mcp_schema_t *s = compiled("{\"type\":\"object\",\"properties\":"
                                     "{\"a\":{\"type\":\"number\"}},"
                                     "\"required\":[\"a\"]}");
    int i;

    /* one compiled schema, many values (as every tools/call does) */
    for (i = 0; i < 1000; ++i) {
        const char *why = mcp_schema_validate(s, p, value(i % 2
                          ? "{\"a\":1}" : "{\"a\":\"1\"}"), "arguments");
        if (i % 2 ? why != NULL : why == NULL) {
            MCP_ASSERT_STR(why, i % 2 ? NULL : "a: expected number",
                           "repeat");
            break;
        }
    }
}

void mcp_test_add_schema_suite(void)
{
    CU_pSuite s = mcp_test_suite("schema");

    MCP_TEST(s, schema_compile_refuses_malformed_keywords);
    MCP_TEST(s, schema_compile_accepts_what_it_does_not_check);
    MCP_TEST(s, schema_keeps_the_tree_it_was_given);
    MCP_TEST(s, schema_validate_types);
    MCP_TEST(s, schema_validate_objects_and_arrays);
    MCP_TEST(s, schema_validate_enum);
    MCP_TEST(s, schema_unknown_keywords_never_refuse);
    MCP_TEST(s, schema_messages_stay_short);
    MCP_TEST(s, schema_validate_without_value_or_schema);
    MCP_TEST(s, schema_validation_is_repeatable);
}

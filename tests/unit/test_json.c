/* test_json.c: the bounded JSON parser and the pool bridge
 * (src/mcp_json.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_json.h"
#include "mcp_test.h"

static cJSON *parse(const char *s, int max_depth, const char **perr)
{
    return mcp_json_parse(mcp_test_pool(), s, s ? strlen(s) : 0, max_depth,
                          perr);
}

/* n arrays nested in one another: [[[...]]] */
static const char *nested_arrays(apr_pool_t *p, int n)
{
    char *s = apr_palloc(p, 2 * n + 1);

    memset(s, '[', n);
    memset(s + n, ']', n);
    s[2 * n] = '\0';
    return s;
}

/* n objects nested in one another: {"a":{"a":...{}}} */
static const char *nested_objects(apr_pool_t *p, int n)
{
    const char *s = "{}";
    int i;

    for (i = 1; i < n; ++i) {
        s = apr_pstrcat(p, "{\"a\":", s, "}", NULL);
    }
    return s;
}

/* An object with members k0..k(n-1) and then `extra` members. */
static const char *wide_object(apr_pool_t *p, int n, const char *extra)
{
    const char *s = "{";
    int i;

    for (i = 0; i < n; ++i) {
        s = apr_psprintf(p, "%s%s\"k%d\":%d", s, i ? "," : "", i, i);
    }
    return apr_pstrcat(p, s, extra, "}", NULL);
}

static void json_parses_a_document(void)
{
    const char *err = "unset";
    cJSON *j = parse("{\"a\":[1,2,{\"b\":null}],\"c\":\"x\",\"d\":true}", 32,
                     &err);

    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_TRUE(cJSON_IsObject(j));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(mcp_json_get(j, "a")), 3);
    MCP_ASSERT_STR(cJSON_GetStringValue(mcp_json_get(j, "c")), "x", "c");
    CU_ASSERT_TRUE(cJSON_IsTrue(mcp_json_get(j, "d")));
    CU_ASSERT_PTR_NULL(mcp_json_get(j, "missing"));
}

static void json_parses_scalars(void)
{
    const char *err;

    CU_ASSERT_TRUE(cJSON_IsNumber(parse("42", 32, &err)));
    CU_ASSERT_TRUE(cJSON_IsString(parse("\"s\"", 32, &err)));
    CU_ASSERT_TRUE(cJSON_IsNull(parse("null", 32, &err)));
}

static void json_get_is_case_sensitive(void)
{
    const char *err;
    cJSON *j = parse("{\"Name\":1}", 32, &err);

    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_PTR_NULL(mcp_json_get(j, "name"));
    CU_ASSERT_PTR_NOT_NULL(mcp_json_get(j, "Name"));
}

static void json_rejects_nesting_deeper_than_max(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *err;

    CU_ASSERT_PTR_NOT_NULL(parse(nested_arrays(p, 32), 32, &err));
    CU_ASSERT_PTR_NULL(parse(nested_arrays(p, 33), 32, &err));
    MCP_ASSERT_STR(err, "nested too deeply", "33 arrays");
    CU_ASSERT_PTR_NOT_NULL(parse(nested_objects(p, 32), 32, &err));
    CU_ASSERT_PTR_NULL(parse(nested_objects(p, 33), 32, &err));
    MCP_ASSERT_STR(err, "nested too deeply", "33 objects");
    /* far beyond cJSON's own limit: refused before cJSON recurses */
    CU_ASSERT_PTR_NULL(parse(nested_arrays(p, 100000), 32, &err));
    MCP_ASSERT_STR(err, "nested too deeply", "100000 arrays");
    CU_ASSERT_PTR_NULL(parse(nested_arrays(p, 2), 1, &err));
    CU_ASSERT_PTR_NOT_NULL(parse(nested_arrays(p, 1), 1, &err));
}

static void json_brackets_in_strings_do_not_count_as_depth(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *br = nested_arrays(p, 40);
    const char *err;

    CU_ASSERT_PTR_NOT_NULL(parse(apr_psprintf(p, "{\"a\":\"%s\"}", br), 32,
                                 &err));
    /* an escaped quote does not end the string */
    CU_ASSERT_PTR_NOT_NULL(parse(apr_psprintf(p, "[\"\\\"%s\\\\\"]", br), 32,
                                 &err));
    CU_ASSERT_PTR_NOT_NULL(parse("{\"{{{{\":\"}}}}\"}", 1, &err));
}

static void json_rejects_duplicate_member_names(void)
{
    static const char *const dups[] = {
        "{\"a\":1,\"a\":2}",
        "{\"a\":1,\"b\":2,\"a\":3}",
        "{\"x\":{\"a\":1,\"a\":2}}",
        "[1,{\"a\":1,\"a\":2}]",
        "{\"x\":[{\"y\":{\"a\":null,\"a\":null}}]}",
        "{\"active\":false,\"active\":true}",
    };
    const char *err;
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(dups); ++i) {
        CU_ASSERT_PTR_NULL(parse(dups[i], 32, &err));
        MCP_ASSERT_STR(err, "duplicate member name", dups[i]);
    }
    /* names differ only in case: not duplicates */
    CU_ASSERT_PTR_NOT_NULL(parse("{\"a\":1,\"A\":2}", 32, &err));
    /* equal names in sibling objects: not duplicates */
    CU_ASSERT_PTR_NOT_NULL(parse("[{\"a\":1},{\"a\":2}]", 32, &err));
}

static void json_rejects_duplicates_in_large_objects(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *err;

    CU_ASSERT_PTR_NOT_NULL(parse(wide_object(p, 40, ""), 32, &err));
    /* a name among the first 16 repeated after them */
    CU_ASSERT_PTR_NULL(parse(wide_object(p, 20, ",\"k3\":0"), 32, &err));
    MCP_ASSERT_STR(err, "duplicate member name", "k3 repeated at 21");
    /* the 17th member repeated at the 19th */
    CU_ASSERT_PTR_NULL(parse(wide_object(p, 18, ",\"x\":0,\"k16\":0"), 32,
                             &err));
    MCP_ASSERT_STR(err, "duplicate member name", "k16 repeated at 20");
    /* the 16th member repeated at the 17th */
    CU_ASSERT_PTR_NULL(parse(wide_object(p, 16, ",\"k15\":0"), 32, &err));
    MCP_ASSERT_STR(err, "duplicate member name", "k15 repeated at 17");
    /* a large object nested in another */
    CU_ASSERT_PTR_NULL(parse(apr_pstrcat(p, "{\"o\":",
                                         wide_object(p, 30, ",\"k29\":1"),
                                         "}", NULL), 32, &err));
    MCP_ASSERT_STR(err, "duplicate member name", "nested large object");
}

static void json_rejects_trailing_data_but_not_whitespace(void)
{
    const char *err;

    CU_ASSERT_PTR_NULL(parse("{} x", 32, &err));
    MCP_ASSERT_STR(err, "trailing data after the JSON value", "{} x");
    CU_ASSERT_PTR_NULL(parse("{}{}", 32, &err));
    CU_ASSERT_PTR_NULL(parse("[1],", 32, &err));
    CU_ASSERT_PTR_NOT_NULL(parse("{} \r\n\t", 32, &err));
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_PTR_NOT_NULL(parse(" \n{}", 32, &err));
}

static void json_rejects_an_embedded_nul_after_the_value(void)
{
    static const char buf[] = "{}\0x";
    const char *err;

    CU_ASSERT_PTR_NULL(mcp_json_parse(mcp_test_pool(), buf, 4, 32, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
}

/* cJSON strings end at a NUL: "a\u0000b" would read as "a" (an issuer
 * or audience with a tail nobody checks). */
static void json_rejects_nul_characters_in_strings(void)
{
    static const char raw[] = "{\"aud\":\"x\0y\"}";
    const char *err = NULL;

    CU_ASSERT_PTR_NULL(parse("{\"aud\":\"https://h/mcp\\u0000.evil\"}", 32,
                             &err));
    MCP_ASSERT_STR(err, "a string holds a NUL character", "\\u0000");
    CU_ASSERT_PTR_NULL(parse("[\"\\u0000\"]", 32, &err));
    CU_ASSERT_PTR_NULL(parse("{\"a\\u0000b\":1}", 32, &err));
    CU_ASSERT_PTR_NULL(mcp_json_parse(mcp_test_pool(), raw, sizeof(raw) - 1,
                                      32, &err));
    /* an escaped backslash followed by u0000 text is not a NUL */
    CU_ASSERT_PTR_NOT_NULL(parse("[\"\\\\u0000\"]", 32, &err));
    CU_ASSERT_PTR_NOT_NULL(parse("[\"\\u0001\"]", 32, &err));
}

static void json_parses_only_len_bytes(void)
{
    const char *err;

    CU_ASSERT_PTR_NOT_NULL(mcp_json_parse(mcp_test_pool(), "{}garbage", 2,
                                          32, &err));
    CU_ASSERT_PTR_NULL(mcp_json_parse(mcp_test_pool(), "[1,2]", 4, 32,
                                      &err));
}

static void json_rejects_empty_and_invalid_input(void)
{
    const char *err;

    CU_ASSERT_PTR_NULL(parse("", 32, &err));
    MCP_ASSERT_STR(err, "empty document", "empty");
    CU_ASSERT_PTR_NULL(parse(NULL, 32, &err));
    MCP_ASSERT_STR(err, "empty document", "NULL");
    CU_ASSERT_PTR_NULL(parse("   ", 32, &err));
    MCP_ASSERT_STR(err, "not valid JSON", "blanks");
    CU_ASSERT_PTR_NULL(parse("{\"a\":}", 32, &err));
    MCP_ASSERT_STR(err, "not valid JSON", "{\"a\":}");
    CU_ASSERT_PTR_NULL(parse("{'a':1}", 32, &err));
    CU_ASSERT_PTR_NULL(parse("[1,]", 32, &err));
}

static void json_quote_escapes_quotes_backslashes_and_controls(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "plain", "\"plain\"" },
        { "a\"b", "\"a\\\"b\"" },
        { "a\\b", "\"a\\\\b\"" },
        { "\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"" },
        { "\x01\x1f", "\"\\u0001\\u001f\"" },
        { "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
        { "</script>", "\"</script>\"" },
        { "", "\"\"" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_STR(mcp_json_quote(p, cases[i].in), cases[i].out,
                       cases[i].in);
    }
    MCP_ASSERT_STR(mcp_json_quote(p, NULL), "\"\"", "NULL");
}

static void json_own_and_print_round_trip(void)
{
    apr_pool_t *p = mcp_test_pool();
    cJSON *o = mcp_json_own(p, cJSON_CreateObject());
    const char *err;

    CU_ASSERT_PTR_NULL(mcp_json_own(p, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    cJSON_AddNumberToObject(o, "n", 1);
    cJSON_AddStringToObject(o, "s", "x\"y");
    MCP_ASSERT_STR(mcp_json_print(p, o), "{\"n\":1,\"s\":\"x\\\"y\"}",
                   "print");
    MCP_ASSERT_STR(mcp_json_print(p, parse("{ \"a\" : [ 1 , 2 ] }", 32,
                                           &err)),
                   "{\"a\":[1,2]}", "reprint");
}

void mcp_test_add_json_suite(void)
{
    CU_pSuite s = mcp_test_suite("json");

    MCP_TEST(s, json_parses_a_document);
    MCP_TEST(s, json_parses_scalars);
    MCP_TEST(s, json_get_is_case_sensitive);
    MCP_TEST(s, json_rejects_nesting_deeper_than_max);
    MCP_TEST(s, json_brackets_in_strings_do_not_count_as_depth);
    MCP_TEST(s, json_rejects_duplicate_member_names);
    MCP_TEST(s, json_rejects_duplicates_in_large_objects);
    MCP_TEST(s, json_rejects_trailing_data_but_not_whitespace);
    MCP_TEST(s, json_rejects_nul_characters_in_strings);
    MCP_TEST(s, json_rejects_an_embedded_nul_after_the_value);
    MCP_TEST(s, json_parses_only_len_bytes);
    MCP_TEST(s, json_rejects_empty_and_invalid_input);
    MCP_TEST(s, json_quote_escapes_quotes_backslashes_and_controls);
    MCP_TEST(s, json_own_and_print_round_trip);
}

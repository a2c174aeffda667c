/* test_policy.c: per-tool scopes (src/mcp_policy.c) and the SSE framing
 * the gateway filters tools/list streams with (src/mcp_sse.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_policy.h"
#include "mcp_sse.h"
#include "mcp_test.h"
#include "mcp_util.h"

static apr_array_header_t *rules_of(apr_pool_t *p, const char *const *lines)
{
    apr_array_header_t *rules = apr_array_make(p, 4, sizeof(mcp_tool_rule_t));

    for (; *lines; ++lines) {
        char **argv;
        int argc = 0;
        mcp_tool_rule_t rule;
        const char *err;
        apr_tokenize_to_argv(*lines, &argv, p);
        while (argv[argc]) {
            ++argc;
        }
        err = mcp_policy_parse_rule(&rule, p, argc, argv);
        MCP_ASSERT_STR(err, NULL, *lines);
        APR_ARRAY_PUSH(rules, mcp_tool_rule_t) = rule;
    }
    return rules;
}

static void policy_rules_are_parsed_and_bad_ones_refused(void)
{
    apr_pool_t *p = mcp_test_pool();
    static const struct { const char *line; const char *err; } cases[] = {
        { "get-env mcp:admin", NULL },
        { "admin_* mcp:admin mcp:audit", NULL },
        { "files/? mcp:files", NULL },
        { "[ab]* x", NULL },
        { "get-env", "needs a tool name pattern and at least one scope" },
        { "get-env bad\"scope", "is not a valid scope" },
        { "get$env mcp:admin", "is neither a tool name nor a pattern" },
        { "get\x01" "env mcp:admin", "visible ASCII" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
        char **argv;
        int argc = 0;
        mcp_tool_rule_t rule;
        const char *err;
        apr_tokenize_to_argv(cases[i].line, &argv, p);
        while (argv[argc]) {
            ++argc;
        }
        err = mcp_policy_parse_rule(&rule, p, argc, argv);
        if (cases[i].err) {
            MCP_ASSERT_HAS(err, cases[i].err, cases[i].line);
        }
        else {
            MCP_ASSERT_STR(err, NULL, cases[i].line);
        }
    }
}

static void policy_needs_the_base_and_every_matching_rule_once(void)
{
    apr_pool_t *p = mcp_test_pool();
    static const char *const lines[] = {
        "get-env mcp:admin", "*-env mcp:admin mcp:env", "echo mcp:echo",
        NULL
    };
    apr_array_header_t *rules = rules_of(p, lines);
    apr_array_header_t *base = mcp_test_strings(p, "mcp:tools", NULL);

    MCP_ASSERT_STR(mcp_scopes_join(p, mcp_policy_needs(p, rules, base,
                   "get-env")), "mcp:tools mcp:admin mcp:env", "get-env");
    MCP_ASSERT_STR(mcp_scopes_join(p, mcp_policy_needs(p, rules, base,
                   "add")), "mcp:tools", "add: the base only");
    MCP_ASSERT_STR(mcp_scopes_join(p, mcp_policy_needs(p, rules, NULL,
                   "echo")), "mcp:echo", "no base");
    CU_ASSERT_TRUE(mcp_policy_allows(rules, mcp_test_strings(p, "mcp:admin",
                   "mcp:env", NULL), "get-env"));
    CU_ASSERT_FALSE(mcp_policy_allows(rules, mcp_test_strings(p, "mcp:admin",
                    NULL), "get-env"));
    CU_ASSERT_FALSE(mcp_policy_allows(rules, NULL, "echo"));
    CU_ASSERT_TRUE(mcp_policy_allows(rules, NULL, "add"));
    /* names match whole and case-sensitively */
    CU_ASSERT_TRUE(mcp_policy_allows(rules, NULL, "Get-Envx"));
    CU_ASSERT_FALSE(mcp_policy_allows(rules, NULL, "GET-env"));
    CU_ASSERT_TRUE(mcp_policy_allows(rules, NULL, "echo2"));
}

static void policy_scope_implication_is_transitive(void)
{
    apr_pool_t *p = mcp_test_pool();
    apr_array_header_t *rules = apr_array_make(p, 2, sizeof(mcp_scope_rule_t));
    char *a[] = { "mcp:admin", "mcp:write", "mcp:admin", NULL };
    char *b[] = { "mcp:write", "mcp:tools", NULL };
    char *bad[] = { "mcp:admin", NULL };
    char *quote[] = { "mcp:admin", "x\"y", NULL };
    mcp_scope_rule_t rule;
    const apr_array_header_t *have = mcp_test_strings(p, "openid",
                                                      "mcp:admin", NULL);

    CU_ASSERT_PTR_NULL_FATAL(mcp_policy_parse_implies(&rule, p, 3, a));
    MCP_ASSERT_INT(rule.implied->nelts, 1, "itself is dropped");
    APR_ARRAY_PUSH(rules, mcp_scope_rule_t) = rule;
    CU_ASSERT_PTR_NULL_FATAL(mcp_policy_parse_implies(&rule, p, 2, b));
    APR_ARRAY_PUSH(rules, mcp_scope_rule_t) = rule;
    MCP_ASSERT_HAS(mcp_policy_parse_implies(&rule, p, 1, bad),
                   "at least one", "one argument");
    MCP_ASSERT_HAS(mcp_policy_parse_implies(&rule, p, 2, quote),
                   "not a valid scope", "quote");

    MCP_ASSERT_STR(mcp_scopes_join(p, mcp_scopes_imply(p, have, rules)),
                   "openid mcp:admin mcp:write mcp:tools", "transitive");
    CU_ASSERT_PTR_EQUAL(mcp_scopes_imply(p, have, NULL), have);
    have = mcp_test_strings(p, "mcp:tools", NULL);
    CU_ASSERT_PTR_EQUAL(mcp_scopes_imply(p, have, rules), have);
    CU_ASSERT_PTR_NULL(mcp_scopes_imply(p, NULL, rules));
}

static void policy_filters_tools_list_answers(void)
{
    apr_pool_t *p = mcp_test_pool();
    static const char *const lines[] = { "get-env mcp:admin", NULL };
    apr_array_header_t *rules = rules_of(p, lines);
    apr_array_header_t *user = mcp_test_strings(p, "mcp:tools", NULL);
    apr_array_header_t *admin = mcp_test_strings(p, "mcp:tools", "mcp:admin",
                                                 NULL);
    const char *resp = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":"
        "[{\"name\":\"echo\"},{\"name\":\"get-env\"},{\"title\":\"no name\"}"
        ",{\"name\":\"add\"}],\"nextCursor\":\"2\"}}";
    const char *out;

    out = mcp_policy_filter_text(p, resp, strlen(resp), rules, user);
    MCP_ASSERT_STR(out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":"
                   "[{\"name\":\"echo\"},{\"name\":\"add\"}],"
                   "\"nextCursor\":\"2\"}}", "user");
    out = mcp_policy_filter_text(p, resp, strlen(resp), rules, admin);
    MCP_ASSERT_HAS(out, "get-env", "admin sees get-env");
    MCP_ASSERT_HAS(out, "echo", "admin sees echo");
    CU_ASSERT_FALSE(strstr(out, "no name") != NULL);   /* no name: gone */

    /* a batch of answers, and a bare result */
    out = mcp_policy_filter_text(p, apr_pstrcat(p, "[", resp, ",", resp, "]",
                                 NULL), strlen(resp) * 2 + 3, rules, user);
    CU_ASSERT_PTR_NULL(strstr(out, "get-env"));
    MCP_ASSERT_HAS(out, "\"add\"}],\"nextCursor\":\"2\"}},{", "both");
    {
        const char *bare = "{\"tools\":[{\"name\":\"get-env\"}]}";
        out = mcp_policy_filter_text(p, bare, strlen(bare), rules, user);
    }
    MCP_ASSERT_STR(out, "{\"tools\":[]}", "bare result");

    /* nothing removed: the very same text; not JSON: NULL */
    {
        const char *plain = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}";
        CU_ASSERT_PTR_EQUAL(mcp_policy_filter_text(p, plain, strlen(plain),
                            rules, user), plain);
        CU_ASSERT_PTR_NULL(mcp_policy_filter_text(p, "{\"tools\":[", 10,
                           rules, user));
    }
}

static void sse_events_are_found_whatever_the_line_ends(void)
{
    static const struct { const char *buf; apr_size_t want; } cases[] = {
        { "data: x\n\n", 9 },
        { "data: x\r\n\r\ndata: y\r\n\r\n", 11 },
        { "data: x\r\rmore", 9 },
        { "id: 1\nevent: message\ndata: x\n\nid: 2", 30 },
        { "\n", 1 },                    /* an empty event */
        { "data: x\n", 0 },             /* not complete */
        { "data: x\r\n\r", 0 },         /* its CRLF may be split */
        { "data: x\r", 0 },
        { "", 0 },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
        MCP_ASSERT_INT(mcp_sse_event_len(cases[i].buf, strlen(cases[i].buf)),
                       cases[i].want, cases[i].buf);
    }
}

static void sse_event_data_is_read_and_replaced(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *ev = "id: 7\r\nevent: message\r\ndata: {\"a\":\r\ndata:1}\r\n"
                     ": comment\r\n\r\n";
    const char *out;
    apr_size_t dlen;

    MCP_ASSERT_STR(mcp_sse_event_data(p, ev, strlen(ev), &dlen), "{\"a\":\n1}",
                   "two data lines");
    MCP_ASSERT_INT(dlen, 8, "its length");
    MCP_ASSERT_STR(mcp_sse_event_data(p, "data\n\n", 6, &dlen), "", "bare data");
    MCP_ASSERT_STR(mcp_sse_event_data(p, "id: 1\n\n", 7, &dlen), NULL, "no data");
    /* a NUL byte in the data is kept, and counted */
    MCP_ASSERT_STR(mcp_sse_event_data(p, "data: a\0b\n\n", 11, &dlen), "a",
                   "NUL: as a C string");
    MCP_ASSERT_INT(dlen, 3, "NUL: the length counts past it");
    MCP_ASSERT_STR(mcp_sse_event_data(p, "datax: 1\n\n", 10, &dlen), NULL,
                   "datax is another field");
    out = mcp_sse_event_with_data(p, ev, strlen(ev), "{\"b\":2}");
    MCP_ASSERT_STR(out, "id: 7\nevent: message\n: comment\ndata: {\"b\":2}\n\n",
                   "replaced");
    MCP_ASSERT_INT(mcp_sse_event_len(out, strlen(out)), strlen(out),
                   "one event again");
}

void mcp_test_add_policy_suite(void)
{
    CU_pSuite s = mcp_test_suite("policy");

    MCP_TEST(s, policy_rules_are_parsed_and_bad_ones_refused);
    MCP_TEST(s, policy_needs_the_base_and_every_matching_rule_once);
    MCP_TEST(s, policy_scope_implication_is_transitive);
    MCP_TEST(s, policy_filters_tools_list_answers);
    MCP_TEST(s, sse_events_are_found_whatever_the_line_ends);
    MCP_TEST(s, sse_event_data_is_read_and_replaced);
}

/* test_challenge.c: HTTP statuses, WWW-Authenticate challenges and error
 * bodies for each verdict (src/mcp_challenge.c). */
#include "mcp_challenge.h"
#include "mcp_test.h"

#define PRM "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"

static void challenge_without_token_has_metadata_and_scope_only(void)
{
    MCP_ASSERT_STR(mcp_challenge(mcp_test_pool(), MCP_NO_TOKEN,
                                 "ignored description", PRM, "mcp:tools"),
                   "Bearer resource_metadata=\"" PRM "\", scope=\"mcp:tools\"",
                   "no token");
}

static void challenge_for_invalid_token_has_error_and_description(void)
{
    MCP_ASSERT_STR(mcp_challenge(mcp_test_pool(), MCP_INVALID_TOKEN,
                                 "the access token expired", PRM,
                                 "mcp:tools"),
                   "Bearer error=\"invalid_token\", "
                   "error_description=\"the access token expired\", "
                   "resource_metadata=\"" PRM "\", scope=\"mcp:tools\"",
                   "invalid token");
}

static void challenge_for_insufficient_scope_lists_the_scopes(void)
{
    MCP_ASSERT_STR(mcp_challenge(mcp_test_pool(), MCP_INSUFFICIENT_SCOPE,
                                 "the access token lacks a required scope",
                                 PRM, "mcp:tools mcp:admin"),
                   "Bearer error=\"insufficient_scope\", "
                   "error_description=\"the access token lacks a required "
                   "scope\", resource_metadata=\"" PRM "\", "
                   "scope=\"mcp:tools mcp:admin\"",
                   "insufficient scope");
}

static void challenge_for_bad_request_has_no_scope(void)
{
    MCP_ASSERT_STR(mcp_challenge(mcp_test_pool(), MCP_BAD_REQUEST,
                                 "two tokens", PRM, "mcp:tools"),
                   "Bearer error=\"invalid_request\", "
                   "error_description=\"two tokens\", "
                   "resource_metadata=\"" PRM "\"",
                   "bad request");
}

static void challenge_is_null_for_ok_and_unavailable(void)
{
    CU_ASSERT_PTR_NULL(mcp_challenge(mcp_test_pool(), MCP_OK, "x", PRM,
                                     "mcp:tools"));
    CU_ASSERT_PTR_NULL(mcp_challenge(mcp_test_pool(), MCP_UNAVAILABLE, "x",
                                     PRM, "mcp:tools"));
}

static void challenge_escapes_quotes_and_backslashes(void)
{
    MCP_ASSERT_STR(mcp_challenge(mcp_test_pool(), MCP_INVALID_TOKEN,
                                 "say \"hi\" \\o/", "https://h/a\"b\\c",
                                 "a\"b"),
                   "Bearer error=\"invalid_token\", "
                   "error_description=\"say \\\"hi\\\" \\\\o/\", "
                   "resource_metadata=\"https://h/a\\\"b\\\\c\", "
                   "scope=\"a\\\"b\"",
                   "escaping");
}

static void challenge_drops_control_characters(void)
{
    MCP_ASSERT_STR(mcp_challenge(mcp_test_pool(), MCP_INVALID_TOKEN,
                                 "a\r\nSet-Cookie: x=1\x01\x7f\tb", PRM,
                                 "mcp:tools\n"),
                   "Bearer error=\"invalid_token\", "
                   "error_description=\"aSet-Cookie: x=1b\", "
                   "resource_metadata=\"" PRM "\", scope=\"mcp:tools\"",
                   "control characters");
}

static void challenge_leaves_out_empty_parameters(void)
{
    apr_pool_t *p = mcp_test_pool();

    MCP_ASSERT_STR(mcp_challenge(p, MCP_NO_TOKEN, NULL, PRM, ""),
                   "Bearer resource_metadata=\"" PRM "\"", "empty scope");
    MCP_ASSERT_STR(mcp_challenge(p, MCP_NO_TOKEN, NULL, PRM, NULL),
                   "Bearer resource_metadata=\"" PRM "\"", "NULL scope");
    MCP_ASSERT_STR(mcp_challenge(p, MCP_NO_TOKEN, NULL, NULL, "s"),
                   "Bearer scope=\"s\"", "NULL metadata URL");
    MCP_ASSERT_STR(mcp_challenge(p, MCP_NO_TOKEN, NULL, NULL, NULL),
                   "Bearer", "nothing");
    MCP_ASSERT_STR(mcp_challenge(p, MCP_INVALID_TOKEN, "", PRM, ""),
                   "Bearer error=\"invalid_token\", "
                   "resource_metadata=\"" PRM "\"", "empty description");
    MCP_ASSERT_STR(mcp_challenge(p, MCP_INVALID_TOKEN, NULL, NULL, NULL),
                   "Bearer error=\"invalid_token\"", "error only");
}

static void verdict_status_and_error_code(void)
{
    static const struct {
        mcp_verdict_e v;
        int status;
        const char *error;
    } cases[] = {
        { MCP_OK,                 200, NULL },
        { MCP_NO_TOKEN,           401, NULL },
        { MCP_BAD_REQUEST,        400, "invalid_request" },
        { MCP_INVALID_TOKEN,      401, "invalid_token" },
        { MCP_INSUFFICIENT_SCOPE, 403, "insufficient_scope" },
        { MCP_UNAVAILABLE,        503, NULL },
    };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_INT(mcp_verdict_status(cases[i].v), cases[i].status,
                       "status");
        MCP_ASSERT_STR(mcp_verdict_error(cases[i].v), cases[i].error,
                       "error code");
    }
}

static void error_body_for_each_verdict(void)
{
    static const struct {
        mcp_verdict_e v;
        const char *desc, *body;
    } cases[] = {
        { MCP_NO_TOKEN, "ignored",
          "{\"error\":\"unauthorized\","
          "\"error_description\":\"a bearer token is required\"}" },
        { MCP_BAD_REQUEST, "two tokens",
          "{\"error\":\"invalid_request\","
          "\"error_description\":\"two tokens\"}" },
        { MCP_INVALID_TOKEN, "the access token expired",
          "{\"error\":\"invalid_token\","
          "\"error_description\":\"the access token expired\"}" },
        { MCP_INSUFFICIENT_SCOPE, "the access token lacks a required scope",
          "{\"error\":\"insufficient_scope\",\"error_description\":"
          "\"the access token lacks a required scope\"}" },
        { MCP_UNAVAILABLE, "ignored",
          "{\"error\":\"temporarily_unavailable\",\"error_description\":"
          "\"the authorization server is unavailable\"}" },
        { MCP_INVALID_TOKEN, "a \"quoted\" \\ desc\n",
          "{\"error\":\"invalid_token\","
          "\"error_description\":\"a \\\"quoted\\\" \\\\ desc\\n\"}" },
        { MCP_INVALID_TOKEN, NULL,
          "{\"error\":\"invalid_token\",\"error_description\":\"\"}" },
    };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_STR(mcp_error_body(mcp_test_pool(), cases[i].v,
                                      cases[i].desc),
                       cases[i].body, cases[i].desc);
    }
}

void mcp_test_add_challenge_suite(void)
{
    CU_pSuite s = mcp_test_suite("challenge");

    MCP_TEST(s, challenge_without_token_has_metadata_and_scope_only);
    MCP_TEST(s, challenge_for_invalid_token_has_error_and_description);
    MCP_TEST(s, challenge_for_insufficient_scope_lists_the_scopes);
    MCP_TEST(s, challenge_for_bad_request_has_no_scope);
    MCP_TEST(s, challenge_is_null_for_ok_and_unavailable);
    MCP_TEST(s, challenge_escapes_quotes_and_backslashes);
    MCP_TEST(s, challenge_drops_control_characters);
    MCP_TEST(s, challenge_leaves_out_empty_parameters);
    MCP_TEST(s, verdict_status_and_error_code);
    MCP_TEST(s, error_body_for_each_verdict);
}

/* test_util.c: bearer header parsing, fingerprints, scope lists, form
 * encoding (src/mcp_util.c). */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "mcp_test.h"

#define MAX_TOKEN 8192
#include "mcp_util.h"

static void bearer_parse_follows_rfc6750(void)
{
    static const struct {
        const char *in;
        mcp_verdict_e v;
        const char *token;
    } cases[] = {
        { "Bearer abc",               MCP_OK,          "abc" },
        { "bearer abc",               MCP_OK,          "abc" },
        { "BEARER abc",               MCP_OK,          "abc" },
        { "Bearer    abc",            MCP_OK,          "abc" },
        { "Bearer abc  ",             MCP_OK,          "abc" },
        { "Bearer a-._~+/Z9",         MCP_OK,          "a-._~+/Z9" },
        { "Bearer abc=",              MCP_OK,          "abc=" },
        { "Bearer abc==",             MCP_OK,          "abc==" },
        { NULL,                       MCP_NO_TOKEN,    NULL },
        { "",                         MCP_NO_TOKEN,    NULL },
        { "Basic xyz",                MCP_NO_TOKEN,    NULL },
        { "Bearerx abc",              MCP_NO_TOKEN,    NULL },
        { "DPoP abc",                 MCP_NO_TOKEN,    NULL },
        { "Bearer",                   MCP_BAD_REQUEST, NULL },
        { "Bearer ",                  MCP_BAD_REQUEST, NULL },
        { "Bearer a b",               MCP_BAD_REQUEST, NULL },
        { "Bearer a,b",               MCP_BAD_REQUEST, NULL },
        { "Bearer abc,",              MCP_BAD_REQUEST, NULL },
        { "Bearer abc=,",             MCP_BAD_REQUEST, NULL },
        { "Bearer abc, ",             MCP_BAD_REQUEST, NULL },
        { "Bearer a\"b",              MCP_BAD_REQUEST, NULL },
        { "Bearer abc, Bearer def",   MCP_BAD_REQUEST, NULL },
        { "Bearer =abc",              MCP_BAD_REQUEST, NULL },
        { "Bearer ab=c",              MCP_BAD_REQUEST, NULL },
        { "Bearer a;b",               MCP_BAD_REQUEST, NULL },
        { "Bearer realm=\"x\"",       MCP_BAD_REQUEST, NULL },
        { "Bearer \xc3\xa9",          MCP_BAD_REQUEST, NULL },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const char *tok = "unset";
        const char *ctx = apr_psprintf(p, "header %s%s%s",
                                       cases[i].in ? "'" : "",
                                       cases[i].in ? cases[i].in : "NULL",
                                       cases[i].in ? "'" : "");
        mcp_verdict_e v = mcp_bearer_parse(&tok, p, cases[i].in, 64);

        MCP_ASSERT_INT(v, cases[i].v, ctx);
        MCP_ASSERT_STR(tok, cases[i].token, ctx);
    }
}

static void bearer_parse_enforces_max_len(void)
{
    apr_pool_t *p = mcp_test_pool();
    char *big = apr_palloc(p, MAX_TOKEN + 2);
    const char *tok;

    CU_ASSERT_EQUAL(mcp_bearer_parse(&tok, p, "Bearer abcdefgh", 8), MCP_OK);
    MCP_ASSERT_STR(tok, "abcdefgh", "exactly max_len");
    CU_ASSERT_EQUAL(mcp_bearer_parse(&tok, p, "Bearer abcdefghi", 8),
                    MCP_INVALID_TOKEN);
    CU_ASSERT_PTR_NULL(tok);

    memset(big, 'a', MAX_TOKEN + 1);
    big[MAX_TOKEN + 1] = '\0';
    CU_ASSERT_EQUAL(mcp_bearer_parse(&tok, p, apr_pstrcat(p, "Bearer ", big,
                                                          NULL),
                                     MAX_TOKEN), MCP_INVALID_TOKEN);
    big[MAX_TOKEN] = '\0';
    CU_ASSERT_EQUAL(mcp_bearer_parse(&tok, p, apr_pstrcat(p, "Bearer ", big,
                                                          NULL),
                                     MAX_TOKEN), MCP_OK);
    CU_ASSERT(tok && strlen(tok) == MAX_TOKEN);
}

static void fingerprint_is_sha256_prefix(void)
{
    apr_pool_t *p = mcp_test_pool();

    /* sha256("abc") = ba7816bf8f01cfea..., sha256("") = e3b0c44298fc... */
    MCP_ASSERT_STR(mcp_fingerprint(p, "abc", 3), "ba7816bf8f01", "abc");
    MCP_ASSERT_STR(mcp_fingerprint(p, "", 0), "e3b0c44298fc", "empty");
    MCP_ASSERT_STR(mcp_fingerprint(p, "token-1", 7), "3f08aace122e",
                   "token-1");
    /* only len bytes count */
    MCP_ASSERT_STR(mcp_fingerprint(p, "abcdef", 3), "ba7816bf8f01",
                   "prefix of abcdef");
}

static void fingerprint_is_12_lowercase_hex_and_stable(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *a = mcp_fingerprint(p, "token-1", 7);
    const char *b = mcp_fingerprint(p, "token-1", 7);
    const char *c = mcp_fingerprint(p, "token-2", 7);
    apr_size_t i;

    CU_ASSERT_EQUAL_FATAL(strlen(a), 12);
    for (i = 0; i < 12; ++i) {
        CU_ASSERT(apr_isxdigit(a[i]) && !apr_isupper(a[i]));
    }
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
}

static void scope_token_validity_follows_rfc6749(void)
{
    static const struct {
        const char *in;
        int ok;
    } cases[] = {
        { "mcp:tools", 1 }, { "a", 1 }, { "!#[]~", 1 }, { "x/y.z_w-1", 1 },
        { NULL, 0 }, { "", 0 }, { "a b", 0 }, { "a\"b", 0 }, { "a\\b", 0 },
        { "a\tb", 0 }, { "\x7f", 0 }, { "caf\xc3\xa9", 0 },
    };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_INT(mcp_scope_token_valid(cases[i].in), cases[i].ok,
                       cases[i].in ? cases[i].in : "NULL");
    }
}

static void scopes_parse_skips_extra_spaces(void)
{
    apr_pool_t *p = mcp_test_pool();
    apr_array_header_t *a = mcp_scopes_parse(p, "  mcp:tools   mcp:admin x ");

    CU_ASSERT_EQUAL_FATAL(a->nelts, 3);
    MCP_ASSERT_STR(APR_ARRAY_IDX(a, 0, const char *), "mcp:tools", "[0]");
    MCP_ASSERT_STR(APR_ARRAY_IDX(a, 1, const char *), "mcp:admin", "[1]");
    MCP_ASSERT_STR(APR_ARRAY_IDX(a, 2, const char *), "x", "[2]");
    CU_ASSERT_EQUAL(mcp_scopes_parse(p, "")->nelts, 0);
    CU_ASSERT_EQUAL(mcp_scopes_parse(p, "   ")->nelts, 0);
    CU_ASSERT_EQUAL(mcp_scopes_parse(p, NULL)->nelts, 0);
}

static void scopes_contains_cover_and_join(void)
{
    apr_pool_t *p = mcp_test_pool();
    apr_array_header_t *have = mcp_test_strings(p, "a", "b", "c", NULL);
    apr_array_header_t *empty = mcp_test_strings(p, NULL);

    CU_ASSERT_TRUE(mcp_scopes_contains(have, "b"));
    CU_ASSERT_FALSE(mcp_scopes_contains(have, "B"));
    CU_ASSERT_FALSE(mcp_scopes_contains(have, "ab"));
    CU_ASSERT_FALSE(mcp_scopes_contains(NULL, "a"));

    CU_ASSERT_TRUE(mcp_scopes_cover(have, mcp_test_strings(p, "c", "a",
                                                           NULL)));
    CU_ASSERT_FALSE(mcp_scopes_cover(have, mcp_test_strings(p, "a", "d",
                                                            NULL)));
    CU_ASSERT_TRUE(mcp_scopes_cover(have, empty));
    CU_ASSERT_TRUE(mcp_scopes_cover(have, NULL));
    CU_ASSERT_TRUE(mcp_scopes_cover(NULL, NULL));
    CU_ASSERT_FALSE(mcp_scopes_cover(empty, mcp_test_strings(p, "a", NULL)));
    CU_ASSERT_FALSE(mcp_scopes_cover(NULL, mcp_test_strings(p, "a", NULL)));

    MCP_ASSERT_STR(mcp_scopes_join(p, have), "a b c", "join a b c");
    MCP_ASSERT_STR(mcp_scopes_join(p, mcp_test_strings(p, "x", NULL)), "x",
                   "join x");
    MCP_ASSERT_STR(mcp_scopes_join(p, empty), "", "join empty");
    MCP_ASSERT_STR(mcp_scopes_join(p, NULL), "", "join NULL");
}

static void form_encode_escapes_reserved_space_and_utf8(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "abcXYZ019", "abcXYZ019" },
        { "-._*", "-._*" },
        { "a b", "a+b" },
        { "&=+%/?#", "%26%3D%2B%25%2F%3F%23" },
        { ":@!$'(),;~", "%3A%40%21%24%27%28%29%2C%3B%7E" },
        { "\"\\<>", "%22%5C%3C%3E" },
        { "caf\xc3\xa9", "caf%C3%A9" },
        { "\r\n\x7f", "%0D%0A%7F" },
        { "", "" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_STR(mcp_form_encode(p, cases[i].in), cases[i].out,
                       cases[i].in);
    }
}

static void form_has_param_matches_whole_names_only(void)
{
    static const struct {
        const char *in;
        int found;
    } cases[] = {
        { "access_token=x", 1 },
        { "a=1&access_token=x", 1 },
        { "a=1;access_token=x", 1 },
        { "access_token", 1 },
        { "access_token=", 1 },
        { "a=1&access_token&b=2", 1 },
        { "xaccess_token=1", 0 },
        { "access_tokens=1", 0 },
        { "access%5Ftoken=x", 1 },
        { "a=1&access%5ftoken", 1 },
        { "%61ccess_token=x", 1 },
        { "access%5Ftokens=x", 0 },
        { "access%5=x", 0 },
        { "a=access_token", 0 },
        { "access_toke=1", 0 },
        { "Access_Token=1", 0 },
        { "&&", 0 },
        { "", 0 },
    };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_INT(mcp_form_has_param(cases[i].in, strlen(cases[i].in),
                                          "access_token"),
                       cases[i].found, cases[i].in);
    }
    CU_ASSERT_FALSE(mcp_form_has_param(NULL, 0, "access_token"));
}

static void form_has_param_reads_only_len_bytes(void)
{
    /* not NUL-terminated where len ends */
    static const char buf[] = "a=1&access_token=x";

    CU_ASSERT_FALSE(mcp_form_has_param(buf, 10, "access_token"));
    CU_ASSERT_TRUE(mcp_form_has_param(buf, 16, "access_token"));
    CU_ASSERT_FALSE(mcp_form_has_param("access_token", 6, "access_token"));
}

void mcp_test_add_util_suite(void)
{
    CU_pSuite s = mcp_test_suite("util");

    MCP_TEST(s, bearer_parse_follows_rfc6750);
    MCP_TEST(s, bearer_parse_enforces_max_len);
    MCP_TEST(s, fingerprint_is_sha256_prefix);
    MCP_TEST(s, fingerprint_is_12_lowercase_hex_and_stable);
    MCP_TEST(s, scope_token_validity_follows_rfc6749);
    MCP_TEST(s, scopes_parse_skips_extra_spaces);
    MCP_TEST(s, scopes_contains_cover_and_join);
    MCP_TEST(s, form_encode_escapes_reserved_space_and_utf8);
    MCP_TEST(s, form_has_param_matches_whole_names_only);
    MCP_TEST(s, form_has_param_reads_only_len_bytes);
}

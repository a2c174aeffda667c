/* test_parse.c: directive value parsers (src/mcp_parse.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_parse.h"
#include "mcp_test.h"

#define MS(n)  ((apr_interval_time_t)(n) * 1000)
#define SEC(n) apr_time_from_sec(n)

static void parse_duration_accepts_units_within_bounds(void)
{
    static const struct {
        const char *in;
        apr_interval_time_t out;
        const char *err;     /* NULL: accepted; else part of the message */
    } cases[] = {
        { "30",      SEC(30),  NULL },
        { "30s",     SEC(30),  NULL },
        { "30S",     SEC(30),  NULL },
        { "500ms",   MS(500),  NULL },
        { "500MS",   MS(500),  NULL },
        { "2m",      SEC(120), NULL },
        { "5m",      SEC(300), NULL },
        { "1ms",     MS(1),    NULL },
        { "300",     SEC(300), NULL },
        { "007",     SEC(7),   NULL },
        { "30h",     0, "unknown unit" },
        { "30 s",    0, "unknown unit" },
        { "1.5s",    0, "unknown unit" },
        { "30sec",   0, "unknown unit" },
        { "-5",      0, "is not a number" },
        { "-5s",     0, "is not a number" },
        { "abc",     0, "is not a number" },
        { "s",       0, "is not a number" },
        { " 30",     0, "is not a number" },
        { "+30",     0, "is not a number" },
        { "",        0, "is not a number" },
        { NULL,      0, "is not a number" },
        { "0",       0, "out of range" },
        { "0ms",     0, "out of range" },
        { "301",     0, "out of range" },
        { "6m",      0, "out of range" },
        { "300001ms", 0, "out of range" },
        { "9223372036854775807m", 0, "out of range" },
        { "99999999999999999999", 0, "out of range" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        apr_interval_time_t out = -42;
        const char *ctx = cases[i].in ? cases[i].in : "NULL";
        const char *err = mcp_parse_duration(p, cases[i].in, MS(1), SEC(300),
                                             &out);

        if (!cases[i].err) {
            MCP_ASSERT_STR(err, NULL, ctx);
            MCP_ASSERT_INT(out, cases[i].out, ctx);
        }
        else {
            MCP_ASSERT_HAS(err, cases[i].err, ctx);
            MCP_ASSERT_INT(out, -42, ctx);
        }
    }
}

static void parse_duration_error_names_the_value_and_bounds(void)
{
    apr_interval_time_t out;
    const char *err = mcp_parse_duration(mcp_test_pool(), "301", MS(1),
                                         SEC(300), &out);

    MCP_ASSERT_STR(err, "\"301\" is out of range (1ms to 300000ms)", "301");
    err = mcp_parse_duration(mcp_test_pool(), "3d", MS(1), SEC(300), &out);
    MCP_ASSERT_STR(err, "\"3d\": unknown unit (use ms, s or m)", "3d");
}

static void parse_size_accepts_k_and_m_within_bounds(void)
{
    static const struct {
        const char *in;
        apr_off_t out;
        const char *err;
    } cases[] = {
        { "65536", 65536,            NULL },
        { "64k",   65536,            NULL },
        { "64K",   65536,            NULL },
        { "1M",    1048576,          NULL },
        { "1m",    1048576,          NULL },
        { "16M",   16 * 1048576,     NULL },
        { "1",     1,                NULL },
        { "17M",   0, "out of range" },
        { "16385k", 0, "out of range" },
        { "16777217", 0, "out of range" },
        { "0",     0, "out of range" },
        { "9223372036854775807M", 0, "out of range" },
        { "1G",    0, "unknown unit" },
        { "1kb",   0, "unknown unit" },
        { "1 k",   0, "unknown unit" },
        { "-1",    0, "is not a number" },
        { "k",     0, "is not a number" },
        { "",      0, "is not a number" },
        { NULL,    0, "is not a number" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        apr_off_t out = -42;
        const char *ctx = cases[i].in ? cases[i].in : "NULL";
        const char *err = mcp_parse_size(p, cases[i].in, 1, 16 * 1048576,
                                         &out);

        if (!cases[i].err) {
            MCP_ASSERT_STR(err, NULL, ctx);
            MCP_ASSERT_INT(out, cases[i].out, ctx);
        }
        else {
            MCP_ASSERT_HAS(err, cases[i].err, ctx);
            MCP_ASSERT_INT(out, -42, ctx);
        }
    }
}

static void parse_flag_accepts_on_and_off_only(void)
{
    static const struct {
        const char *in;
        int out;          /* -1: rejected */
    } cases[] = {
        { "On", 1 }, { "on", 1 }, { "ON", 1 }, { "Off", 0 }, { "off", 0 },
        { "OFF", 0 }, { "yes", -1 }, { "1", -1 }, { "true", -1 },
        { "On ", -1 }, { "", -1 }, { NULL, -1 },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        int out = -1;
        const char *ctx = cases[i].in ? cases[i].in : "NULL";
        const char *err = mcp_parse_flag(p, cases[i].in, &out);

        if (cases[i].out >= 0) {
            MCP_ASSERT_STR(err, NULL, ctx);
        }
        else {
            MCP_ASSERT_HAS(err, "use On or Off", ctx);
        }
        MCP_ASSERT_INT(out, cases[i].out, ctx);
    }
}

static void parse_url_accepts_absolute_http_urls_only(void)
{
    static const struct {
        const char *in;
        const char *err;
    } cases[] = {
        { "https://mcp.example.com/mcp",     NULL },
        { "http://127.0.0.1:8080/x",         NULL },
        { "HTTPS://MCP.EXAMPLE.COM",         NULL },
        { "https://h/mcp?tenant=a&x=1",      NULL },
        { "https://[::1]:8443/mcp",          NULL },
        { "https://[fe80::1%25eth0]/mcp",    NULL },
        { "https://h:/mcp",                  NULL },
        { "https://[[20]1//]/",              "invalid host" },
        { "https://[20]/mcp",                "invalid host" },
        { "https://a[b]/mcp",                "invalid host" },
        { "https://[::1]x:8443/mcp",         "invalid host" },
        { "https://h<x>/mcp",                "invalid host" },
        { "ftp://h/file",                    "not an absolute http(s) URL" },
        { "/mcp",                            "not an absolute http(s) URL" },
        { "mcp.example.com",                 "not an absolute http(s) URL" },
        { "mcp.example.com/mcp",             "not an absolute http(s) URL" },
        { "https:///mcp",                    "not an absolute http(s) URL" },
        { "https://",                        "not an absolute http(s) URL" },
        { "",                                "not an absolute http(s) URL" },
        { NULL,                              "not an absolute http(s) URL" },
        { "https://h/mcp#frag",              "fragment" },
        { "https://h/mcp#",                  "fragment" },
        { "https://user@h/mcp",              "user info" },
        { "https://user:pw@h/mcp",           "user info" },
        { "https://h/a b",                   "space, quote" },
        { "https://h/a\"b",                  "space, quote" },
        { "https://h/a\\b",                  "space, quote" },
        { "https://h/a\tb",                  "space, quote" },
        { "https://h/caf\xc3\xa9",           "space, quote" },
        { "https://h/\x7f",                  "space, quote" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const char *ctx = cases[i].in ? cases[i].in : "NULL";
        const char *err = mcp_parse_url(p, cases[i].in);

        if (!cases[i].err) {
            MCP_ASSERT_STR(err, NULL, ctx);
        }
        else {
            MCP_ASSERT_HAS(err, cases[i].err, ctx);
        }
    }
}

static void parse_scope_accepts_rfc6749_scope_tokens(void)
{
    apr_pool_t *p = mcp_test_pool();

    MCP_ASSERT_STR(mcp_parse_scope(p, "mcp:tools"), NULL, "mcp:tools");
    MCP_ASSERT_STR(mcp_parse_scope(p, "https://x/scope.read"), NULL, "url");
    MCP_ASSERT_HAS(mcp_parse_scope(p, "a b"), "not a valid scope", "a b");
    MCP_ASSERT_HAS(mcp_parse_scope(p, "a\"b"), "RFC 6749", "a\"b");
    MCP_ASSERT_HAS(mcp_parse_scope(p, ""), "not a valid scope", "empty");
    MCP_ASSERT_HAS(mcp_parse_scope(p, NULL), "not a valid scope", "NULL");
}

static void parse_origin_accepts_star_and_bare_origins_lowercased(void)
{
    static const struct {
        const char *in;
        const char *out;     /* NULL: rejected */
    } cases[] = {
        { "*",                          "*" },
        { "https://a.example",          "https://a.example" },
        { "http://localhost:6274",      "http://localhost:6274" },
        { "HTTPS://A.Example:8443",     "https://a.example:8443" },
        { "https://[::1]:3000",         "https://[::1]:3000" },
        { "https://a.example/",         NULL },
        { "https://a.example/x",        NULL },
        { "https://a.example?x=1",      NULL },
        { "https://a.example#f",        NULL },
        { "https://u@a.example",        NULL },
        { "a.example",                  NULL },
        { "ftp://a.example",            NULL },
        { "null",                       NULL },
        { "**",                         NULL },
        { "",                           NULL },
        { NULL,                         NULL },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const char *out = NULL;
        const char *ctx = cases[i].in ? cases[i].in : "NULL";
        const char *err = mcp_parse_origin(p, cases[i].in, &out);

        if (cases[i].out) {
            MCP_ASSERT_STR(err, NULL, ctx);
            MCP_ASSERT_STR(out, cases[i].out, ctx);
        }
        else {
            mcp_test_assert(err != NULL, __LINE__, __FILE__,
                            "origin %s must be rejected", ctx);
        }
    }
}

void mcp_test_add_parse_suite(void)
{
    CU_pSuite s = mcp_test_suite("parse");

    MCP_TEST(s, parse_duration_accepts_units_within_bounds);
    MCP_TEST(s, parse_duration_error_names_the_value_and_bounds);
    MCP_TEST(s, parse_size_accepts_k_and_m_within_bounds);
    MCP_TEST(s, parse_flag_accepts_on_and_off_only);
    MCP_TEST(s, parse_url_accepts_absolute_http_urls_only);
    MCP_TEST(s, parse_scope_accepts_rfc6749_scope_tokens);
    MCP_TEST(s, parse_origin_accepts_star_and_bare_origins_lowercased);
}

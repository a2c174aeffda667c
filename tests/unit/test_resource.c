/* test_resource.c: canonical resource identifiers, the RFC 9728 metadata
 * URL and document, audience matching (src/mcp_resource.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_resource.h"
#include "mcp_test.h"

static void resource_canonical_form(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "https://mcp.example.com/mcp",      "https://mcp.example.com/mcp" },
        { "HTTPS://MCP.Example.COM/mcp",      "https://mcp.example.com/mcp" },
        { "https://h:443/mcp",                "https://h/mcp" },
        { "http://h:80/mcp",                  "http://h/mcp" },
        { "HTTP://H:80/",                     "http://h/" },
        { "https://h:80/mcp",                 "https://h:80/mcp" },
        { "http://h:443/",                    "http://h:443/" },
        { "https://h:8443/mcp",               "https://h:8443/mcp" },
        { "http://h:3000",                    "http://h:3000/" },
        { "http://h:3000/",                   "http://h:3000/" },
        { "https://h",                        "https://h/" },
        { "https://h/MCP/",                   "https://h/MCP/" },
        { "https://h/a//b/../c",              "https://h/a//b/../c" },
        { "https://h/a%2Fb",                  "https://h/a%2Fb" },
        { "https://h/mcp?b=2&a=1",            "https://h/mcp?b=2&a=1" },
        { "https://h?x=1",                    "https://h/?x=1" },
        { "https://[::1]:8443/mcp",           "https://[::1]:8443/mcp" },
        { "https://[FE80::1]/mcp",            "https://[fe80::1]/mcp" },
        { "https://[::1]:443/",               "https://[::1]/" },
        { "https://h:65535/",                 "https://h:65535/" },
        /* rejected */
        { "https://h/mcp#x",                  NULL },
        { "ftp://h/",                         NULL },
        { "/mcp",                             NULL },
        { "client-123",                       NULL },
        { "https://u@h/mcp",                  NULL },
        { "https://h:0/mcp",                  NULL },
        { "",                                 NULL },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const char *err = NULL;
        const char *c = mcp_resource_canonical(p, cases[i].in, &err);

        MCP_ASSERT_STR(c, cases[i].out, cases[i].in);
        mcp_test_assert(cases[i].out ? err == NULL : err != NULL, __LINE__,
                        __FILE__, "%s: perr %s", cases[i].in,
                        err ? err : "NULL");
    }
}

/* A port is 1*DIGIT within 1..65535 (RFC 3986 3.2.3): anything else must
 * not be read as another port. 65979 - 65536 = 443, the https default,
 * 65616 - 65536 = 80, and -1 would become 65535. */
static void resource_canonical_rejects_invalid_ports(void)
{
    static const char *const bad[] = {
        "https://h:65536/mcp",
        "https://h:65979/mcp",
        "http://h:65616/mcp",
        "https://h:99999/mcp",
        "https://h:-1/mcp",
        "https://h:+443/mcp",
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(bad); ++i) {
        const char *err = NULL;
        MCP_ASSERT_STR(mcp_resource_canonical(p, bad[i], &err), NULL, bad[i]);
    }
}

static void resource_prm_path_and_url_insert_the_well_known_prefix(void)
{
    static const struct {
        const char *resource, *path, *url;
    } cases[] = {
        { "https://h/mcp",
          "/.well-known/oauth-protected-resource/mcp",
          "https://h/.well-known/oauth-protected-resource/mcp" },
        { "https://h/public/mcp",
          "/.well-known/oauth-protected-resource/public/mcp",
          "https://h/.well-known/oauth-protected-resource/public/mcp" },
        { "https://h",
          "/.well-known/oauth-protected-resource",
          "https://h/.well-known/oauth-protected-resource" },
        { "https://h/",
          "/.well-known/oauth-protected-resource",
          "https://h/.well-known/oauth-protected-resource" },
        { "https://h:8443/mcp",
          "/.well-known/oauth-protected-resource/mcp",
          "https://h:8443/.well-known/oauth-protected-resource/mcp" },
        { "https://h/mcp/",
          "/.well-known/oauth-protected-resource/mcp/",
          "https://h/.well-known/oauth-protected-resource/mcp/" },
        { "https://h/mcp?tenant=a",
          "/.well-known/oauth-protected-resource/mcp",
          "https://h/.well-known/oauth-protected-resource/mcp?tenant=a" },
        { "https://h?tenant=a",
          "/.well-known/oauth-protected-resource",
          "https://h/.well-known/oauth-protected-resource?tenant=a" },
        { "https://h/?tenant=a",
          "/.well-known/oauth-protected-resource",
          "https://h/.well-known/oauth-protected-resource?tenant=a" },
        { "http://127.0.0.1:8080/mcp",
          "/.well-known/oauth-protected-resource/mcp",
          "http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp" },
        { "https://[::1]:8443/x/y",
          "/.well-known/oauth-protected-resource/x/y",
          "https://[::1]:8443/.well-known/oauth-protected-resource/x/y" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_STR(mcp_resource_prm_path(p, cases[i].resource),
                       cases[i].path, cases[i].resource);
        MCP_ASSERT_STR(mcp_resource_prm_url(p, cases[i].resource),
                       cases[i].url, cases[i].resource);
    }
}

static void resource_origin_is_scheme_host_port(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "https://mcp.example.com/mcp",      "https://mcp.example.com" },
        { "HTTPS://H.Example:443/mcp?x=1",    "https://h.example" },
        { "http://h:80",                      "http://h" },
        { "http://h:3000/x",                  "http://h:3000" },
        { "https://[::1]:8443/mcp",           "https://[::1]:8443" },
        { "not a url",                        NULL },
        { "/mcp",                             NULL },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_STR(mcp_resource_origin(p, cases[i].in), cases[i].out,
                       cases[i].in);
    }
}

static void resource_audience_match_compares_canonical_forms(void)
{
    static const struct {
        const char *aud;     /* space-separated; "" for none */
        int match;
    } cases[] = {
        { "https://mcp.example.com/mcp",                          1 },
        { "https://MCP.Example.com/mcp",                          1 },
        { "HTTPS://mcp.example.com:443/mcp",                      1 },
        { "https://mcp.example.com",                              1 },
        { "https://mcp.example.com/",                             1 },
        { "client-123 https://mcp.example.com/mcp",               1 },
        { "https://other.example/x https://mcp.example.com/mcp",  1 },
        { "https://mcp.example.com/other",                        0 },
        { "https://mcp.example.com/MCP",                          0 },
        { "https://mcp.example.com/mcp/",                         0 },
        { "https://mcp.example.com/mcp?x=1",                      0 },
        { "https://mcp.example.com/mcp#f",                        0 },
        { "https://mcp.example.com:8443/mcp",                     0 },
        { "http://mcp.example.com/mcp",                           0 },
        { "mcp.example.com/mcp",                                  0 },
        { "client-123",                                           0 },
        { "",                                                     0 },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_array_header_t *accepted = mcp_test_strings(p,
            "https://mcp.example.com/mcp", "https://mcp.example.com/", NULL);
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        apr_array_header_t *aud = apr_array_make(p, 2, sizeof(const char *));
        char *s = apr_pstrdup(p, cases[i].aud), *last, *w;

        for (w = apr_strtok(s, " ", &last); w; w = apr_strtok(NULL, " ",
                                                              &last)) {
            APR_ARRAY_PUSH(aud, const char *) = w;
        }
        MCP_ASSERT_INT(mcp_resource_audience_match(p, aud, accepted),
                       cases[i].match, cases[i].aud);
    }
    CU_ASSERT_FALSE(mcp_resource_audience_match(p, NULL, accepted));
    CU_ASSERT_FALSE(mcp_resource_audience_match(p,
            mcp_test_strings(p, "https://mcp.example.com/mcp", NULL), NULL));
    CU_ASSERT_FALSE(mcp_resource_audience_match(p,
            mcp_test_strings(p, "https://mcp.example.com/mcp", NULL),
            mcp_test_strings(p, NULL)));
}

static void resource_audience_match_looks_at_64_entries(void)
{
    apr_pool_t *p = mcp_test_pool();
    apr_array_header_t *accepted = mcp_test_strings(p, "https://h/mcp",
                                                    NULL);
    apr_array_header_t *aud = apr_array_make(p, 65, sizeof(const char *));
    int i;

    for (i = 0; i < 63; ++i) {
        APR_ARRAY_PUSH(aud, const char *) = apr_psprintf(p, "x-%d", i);
    }
    APR_ARRAY_PUSH(aud, const char *) = "https://h/mcp";  /* the 64th */
    CU_ASSERT_TRUE(mcp_resource_audience_match(p, aud, accepted));
    APR_ARRAY_IDX(aud, 63, const char *) = "x-63";
    APR_ARRAY_PUSH(aud, const char *) = "https://h/mcp";  /* the 65th */
    CU_ASSERT_FALSE(mcp_resource_audience_match(p, aud, accepted));
}

static void prm_document_has_fixed_member_order(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_prm_t prm;

    memset(&prm, 0, sizeof(prm));
    prm.resource = "https://mcp.example.com/mcp";
    prm.issuers = mcp_test_strings(p, "https://auth.example.com", NULL);
    prm.scopes = mcp_test_strings(p, "mcp:tools", NULL);
    prm.name = "Example MCP";
    prm.documentation = "https://docs.example.com/mcp";
    MCP_ASSERT_STR(mcp_prm_document(p, &prm),
        "{\"resource\":\"https://mcp.example.com/mcp\","
        "\"authorization_servers\":[\"https://auth.example.com\"],"
        "\"scopes_supported\":[\"mcp:tools\"],"
        "\"bearer_methods_supported\":[\"header\"],"
        "\"resource_name\":\"Example MCP\","
        "\"resource_documentation\":\"https://docs.example.com/mcp\"}",
        "full document");
}

static void prm_document_leaves_out_absent_members(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_prm_t prm;
    const char *want =
        "{\"resource\":\"https://MCP.example.com:443/mcp\","
        "\"authorization_servers\":[\"https://a.example\","
        "\"https://b.example/tenant\"],"
        "\"bearer_methods_supported\":[\"header\"]}";

    memset(&prm, 0, sizeof(prm));
    /* the resource exactly as configured, not canonicalized */
    prm.resource = "https://MCP.example.com:443/mcp";
    prm.issuers = mcp_test_strings(p, "https://a.example",
                                   "https://b.example/tenant", NULL);
    MCP_ASSERT_STR(mcp_prm_document(p, &prm), want, "no scopes (NULL)");
    prm.scopes = mcp_test_strings(p, NULL);
    MCP_ASSERT_STR(mcp_prm_document(p, &prm), want, "no scopes (empty)");
}

static void prm_document_escapes_strings(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_prm_t prm;

    memset(&prm, 0, sizeof(prm));
    prm.resource = "https://h/mcp";
    prm.issuers = mcp_test_strings(p, "https://as", NULL);
    prm.scopes = mcp_test_strings(p, "a", "b", NULL);
    prm.name = "The \"MCP\" \\ server";
    MCP_ASSERT_STR(mcp_prm_document(p, &prm),
        "{\"resource\":\"https://h/mcp\","
        "\"authorization_servers\":[\"https://as\"],"
        "\"scopes_supported\":[\"a\",\"b\"],"
        "\"bearer_methods_supported\":[\"header\"],"
        "\"resource_name\":\"The \\\"MCP\\\" \\\\ server\"}",
        "escaped name");
}

static void resource_audiences_other_than_http_compare_exactly(void)
{
    apr_pool_t *p = mcp_test_pool();
    static const struct { const char *in, *want; } cases[] = {
        { "HTTPS://MCP.example.com:443", "https://mcp.example.com/" },
        { "api://2f1a0b3c-1111-2222-3333-444455556666",
          "api://2f1a0b3c-1111-2222-3333-444455556666" },
        { "urn:example:mcp", "urn:example:mcp" },
        { "2f1a0b3c-1111-2222-3333-444455556666",
          "2f1a0b3c-1111-2222-3333-444455556666" },
        { "mcp.example.com/mcp", NULL },      /* no scheme, no GUID */
        { "account", NULL },
        { "api:", NULL },
        { "urn:a b", NULL },
        { "2f1a0b3c-1111-2222-3333-44445555666", NULL },
    };
    const apr_array_header_t *accepted;
    const char *err;
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
        MCP_ASSERT_STR(mcp_resource_audience_form(p, cases[i].in, &err),
                       cases[i].want, cases[i].in);
    }
    accepted = mcp_test_strings(p, "https://mcp.example.com/mcp",
                                "api://2f1a0b3c-1111-2222-3333-444455556666",
                                NULL);
    CU_ASSERT_TRUE(mcp_resource_audience_match(p, mcp_test_strings(p,
                   "account", "api://2f1a0b3c-1111-2222-3333-444455556666",
                   NULL), accepted));
    CU_ASSERT_FALSE(mcp_resource_audience_match(p, mcp_test_strings(p,
                    "API://2f1a0b3c-1111-2222-3333-444455556666", NULL),
                    accepted));
}

void mcp_test_add_resource_suite(void)
{
    CU_pSuite s = mcp_test_suite("resource");

    MCP_TEST(s, resource_canonical_form);
    MCP_TEST(s, resource_canonical_rejects_invalid_ports);
    MCP_TEST(s, resource_prm_path_and_url_insert_the_well_known_prefix);
    MCP_TEST(s, resource_origin_is_scheme_host_port);
    MCP_TEST(s, resource_audience_match_compares_canonical_forms);
    MCP_TEST(s, resource_audience_match_looks_at_64_entries);
    MCP_TEST(s, resource_audiences_other_than_http_compare_exactly);
    MCP_TEST(s, prm_document_has_fixed_member_order);
    MCP_TEST(s, prm_document_leaves_out_absent_members);
    MCP_TEST(s, prm_document_escapes_strings);
}

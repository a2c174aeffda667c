/* test_conf.c: configuration create, merge, getters and startup checks
 * (src/mcp_conf.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_conf.h"
#include "mcp_test.h"

/* A section as MCPAuth* directives would leave it: resource from the
 * empty base, so that the audiences are computed as in httpd. */
static mcp_dir_conf_t *complete_conf(apr_pool_t *p)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(p);

    dc->resource = "https://mcp.example.com/mcp";
    dc->issuers = mcp_test_strings(p, "https://auth.example.com", NULL);
    dc->introspection_url = "https://auth.example.com/introspect";
    dc->required_scopes = mcp_test_strings(p, "mcp:tools", NULL);
    return mcp_dir_conf_merge(p, mcp_dir_conf_create(p), dc);
}

static void conf_create_leaves_everything_unset(void)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(mcp_test_pool());

    CU_ASSERT_PTR_NULL(dc->resource);
    CU_ASSERT_PTR_NULL(dc->prm_url);
    CU_ASSERT_PTR_NULL(dc->audiences);
    CU_ASSERT_PTR_NULL(dc->aliases);
    CU_ASSERT_PTR_NULL(dc->resource_name);
    CU_ASSERT_PTR_NULL(dc->resource_doc);
    CU_ASSERT_PTR_NULL(dc->issuers);
    CU_ASSERT_PTR_NULL(dc->required_scopes);
    CU_ASSERT_PTR_NULL(dc->scopes_supported);
    CU_ASSERT_PTR_NULL(dc->introspection_url);
    CU_ASSERT_PTR_NULL(dc->client_id);
    CU_ASSERT_PTR_NULL(dc->client_secret);
    CU_ASSERT_PTR_NULL(dc->allow_origins);
    CU_ASSERT_EQUAL(dc->client_auth, MCP_UNSET);
    CU_ASSERT_EQUAL(dc->timeout, MCP_UNSET);
    CU_ASSERT_EQUAL(dc->connect_timeout, MCP_UNSET);
    CU_ASSERT_EQUAL(dc->clock_skew, MCP_UNSET);
    CU_ASSERT_EQUAL(dc->max_response, MCP_UNSET);
    CU_ASSERT_EQUAL(dc->allow_http, MCP_UNSET);
    CU_ASSERT_EQUAL(dc->max_body, MCP_UNSET);
}

static void conf_getters_apply_defaults(void)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(mcp_test_pool());

    MCP_ASSERT_INT(mcp_conf_timeout(dc), apr_time_from_sec(5), "timeout");
    MCP_ASSERT_INT(mcp_conf_connect_timeout(dc), apr_time_from_sec(2),
                   "connect timeout");
    MCP_ASSERT_INT(mcp_conf_clock_skew(dc), apr_time_from_sec(30), "skew");
    MCP_ASSERT_INT(mcp_conf_max_response(dc), 65536, "max response");
    MCP_ASSERT_INT(mcp_conf_max_body(dc), 1048576, "max body");
    MCP_ASSERT_INT(mcp_conf_allow_http(dc), 0, "allow http");
    MCP_ASSERT_INT(mcp_conf_client_auth(dc), MCP_CLIENT_AUTH_NONE,
                   "client auth");
    CU_ASSERT_PTR_NULL(mcp_conf_scopes_supported(dc));
    CU_ASSERT_PTR_NULL(mcp_conf_audiences(dc));
}

static void conf_getters_return_set_values(void)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(mcp_test_pool());

    dc->timeout = apr_time_from_sec(10);
    dc->connect_timeout = apr_time_from_sec(3);
    dc->clock_skew = 0;
    dc->max_response = 1000;
    dc->max_body = 2000;
    dc->allow_http = 1;
    dc->client_auth = MCP_CLIENT_AUTH_POST;
    MCP_ASSERT_INT(mcp_conf_timeout(dc), apr_time_from_sec(10), "timeout");
    MCP_ASSERT_INT(mcp_conf_connect_timeout(dc), apr_time_from_sec(3),
                   "connect timeout");
    MCP_ASSERT_INT(mcp_conf_clock_skew(dc), 0, "skew 0 is a value");
    MCP_ASSERT_INT(mcp_conf_max_response(dc), 1000, "max response");
    MCP_ASSERT_INT(mcp_conf_max_body(dc), 2000, "max body");
    MCP_ASSERT_INT(mcp_conf_allow_http(dc), 1, "allow http");
    MCP_ASSERT_INT(mcp_conf_client_auth(dc), MCP_CLIENT_AUTH_POST,
                   "client auth");
    dc->allow_http = 0;
    MCP_ASSERT_INT(mcp_conf_allow_http(dc), 0, "allow http off");
}

static void conf_connect_timeout_is_capped_at_total(void)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(mcp_test_pool());

    dc->timeout = apr_time_from_sec(1);
    MCP_ASSERT_INT(mcp_conf_connect_timeout(dc), apr_time_from_sec(1),
                   "default 2s capped at 1s");
    dc->connect_timeout = apr_time_from_sec(4);
    MCP_ASSERT_INT(mcp_conf_connect_timeout(dc), apr_time_from_sec(1),
                   "4s capped at 1s");
    dc->connect_timeout = 500000;
    MCP_ASSERT_INT(mcp_conf_connect_timeout(dc), 500000, "500ms kept");
}

static void conf_scopes_supported_default_to_required(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = mcp_dir_conf_create(p);

    dc->required_scopes = mcp_test_strings(p, "mcp:tools", NULL);
    CU_ASSERT_PTR_EQUAL(mcp_conf_scopes_supported(dc), dc->required_scopes);
    dc->scopes_supported = mcp_test_strings(p, "mcp:tools", "mcp:admin",
                                            NULL);
    CU_ASSERT_PTR_EQUAL(mcp_conf_scopes_supported(dc), dc->scopes_supported);
}

static void conf_merge_inherits_unset_fields(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *base = complete_conf(p), *n;

    base->prm_url = "https://mcp.example.com/.well-known/x";
    base->resource_name = "Example";
    base->resource_doc = "https://docs.example.com/";
    base->scopes_supported = mcp_test_strings(p, "mcp:tools", NULL);
    base->client_auth = MCP_CLIENT_AUTH_BASIC;
    base->client_id = "id";
    base->client_secret = "secret";
    base->timeout = apr_time_from_sec(9);
    base->connect_timeout = apr_time_from_sec(1);
    base->clock_skew = 0;
    base->max_response = 4096;
    base->allow_http = 1;
    base->max_body = 8192;
    base->allow_origins = mcp_test_strings(p, "*", NULL);

    n = mcp_dir_conf_merge(p, base, mcp_dir_conf_create(p));
    MCP_ASSERT_STR(n->resource, base->resource, "resource");
    MCP_ASSERT_STR(n->prm_url, base->prm_url, "prm_url");
    MCP_ASSERT_STR(n->resource_name, "Example", "resource_name");
    MCP_ASSERT_STR(n->resource_doc, base->resource_doc, "resource_doc");
    MCP_ASSERT_STR(n->introspection_url, base->introspection_url,
                   "introspection_url");
    CU_ASSERT_PTR_EQUAL(n->issuers, base->issuers);
    CU_ASSERT_PTR_EQUAL(n->required_scopes, base->required_scopes);
    CU_ASSERT_PTR_EQUAL(n->scopes_supported, base->scopes_supported);
    CU_ASSERT_PTR_EQUAL(n->allow_origins, base->allow_origins);
    CU_ASSERT_PTR_EQUAL(n->audiences, base->audiences);
    MCP_ASSERT_INT(n->client_auth, MCP_CLIENT_AUTH_BASIC, "client_auth");
    MCP_ASSERT_STR(n->client_id, "id", "client_id");
    MCP_ASSERT_STR(n->client_secret, "secret", "client_secret");
    MCP_ASSERT_INT(n->timeout, apr_time_from_sec(9), "timeout");
    MCP_ASSERT_INT(n->connect_timeout, apr_time_from_sec(1), "connect");
    MCP_ASSERT_INT(n->clock_skew, 0, "clock_skew 0 inherited");
    MCP_ASSERT_INT(n->max_response, 4096, "max_response");
    MCP_ASSERT_INT(n->allow_http, 1, "allow_http");
    MCP_ASSERT_INT(n->max_body, 8192, "max_body");
}

static void conf_merge_child_overrides_field_by_field(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *base = complete_conf(p), *add = mcp_dir_conf_create(p);
    mcp_dir_conf_t *n;

    base->timeout = apr_time_from_sec(9);
    base->clock_skew = apr_time_from_sec(60);
    base->allow_http = 1;
    base->max_body = 8192;
    add->timeout = apr_time_from_sec(3);
    add->allow_http = 0;                 /* Off overrides On */
    add->introspection_url = "https://other.example/introspect";
    add->required_scopes = mcp_test_strings(p, "mcp:admin", NULL);

    n = mcp_dir_conf_merge(p, base, add);
    MCP_ASSERT_INT(n->timeout, apr_time_from_sec(3), "timeout overridden");
    MCP_ASSERT_INT(n->allow_http, 0, "allow_http overridden with Off");
    MCP_ASSERT_INT(mcp_conf_allow_http(n), 0, "allow_http getter");
    MCP_ASSERT_INT(n->clock_skew, apr_time_from_sec(60), "skew inherited");
    MCP_ASSERT_INT(n->max_body, 8192, "max_body inherited");
    MCP_ASSERT_STR(n->introspection_url, "https://other.example/introspect",
                   "introspection_url overridden");
    CU_ASSERT_PTR_EQUAL(n->required_scopes, add->required_scopes);
    CU_ASSERT_PTR_EQUAL(n->issuers, base->issuers);
    MCP_ASSERT_STR(n->resource, base->resource, "resource inherited");
    /* the inputs are not modified */
    MCP_ASSERT_INT(base->timeout, apr_time_from_sec(9), "base untouched");
    MCP_ASSERT_INT(add->clock_skew, MCP_UNSET, "add untouched");
}

static void conf_merge_client_credentials_travel_with_the_method(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *base = mcp_dir_conf_create(p);
    mcp_dir_conf_t *add = mcp_dir_conf_create(p), *n;

    base->client_auth = MCP_CLIENT_AUTH_BASIC;
    base->client_id = "parent-id";
    base->client_secret = "parent-secret";
    add->client_auth = MCP_CLIENT_AUTH_POST;
    add->client_id = "child-id";
    add->client_secret = "child-secret";
    n = mcp_dir_conf_merge(p, base, add);
    MCP_ASSERT_INT(mcp_conf_client_auth(n), MCP_CLIENT_AUTH_POST, "method");
    MCP_ASSERT_STR(n->client_id, "child-id", "child id");
    MCP_ASSERT_STR(n->client_secret, "child-secret", "child secret");

    /* a child without a method keeps the parent's method, id and secret */
    n = mcp_dir_conf_merge(p, base, mcp_dir_conf_create(p));
    MCP_ASSERT_INT(mcp_conf_client_auth(n), MCP_CLIENT_AUTH_BASIC, "method");
    MCP_ASSERT_STR(n->client_id, "parent-id", "parent id");
    MCP_ASSERT_STR(n->client_secret, "parent-secret", "parent secret");
}

static void conf_merge_computes_audiences_from_resource_and_aliases(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *add = mcp_dir_conf_create(p), *n, *child;
    const apr_array_header_t *aud;

    add->resource = "HTTPS://MCP.Example.com:443/mcp";
    add->aliases = mcp_test_strings(p, "https://mcp.example.com/",
                                    "https://alias.example/mcp", NULL);
    n = mcp_dir_conf_merge(p, mcp_dir_conf_create(p), add);
    aud = mcp_conf_audiences(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(aud);
    CU_ASSERT_EQUAL_FATAL(aud->nelts, 3);
    MCP_ASSERT_STR(APR_ARRAY_IDX(aud, 0, const char *),
                   "https://mcp.example.com/mcp", "canonical resource");
    MCP_ASSERT_STR(APR_ARRAY_IDX(aud, 1, const char *),
                   "https://mcp.example.com/", "alias 1");
    MCP_ASSERT_STR(APR_ARRAY_IDX(aud, 2, const char *),
                   "https://alias.example/mcp", "alias 2");
    /* the resource itself stays byte-exact for the metadata */
    MCP_ASSERT_STR(n->resource, "HTTPS://MCP.Example.com:443/mcp",
                   "resource as configured");

    /* inherited by a section that sets neither */
    child = mcp_dir_conf_merge(p, n, mcp_dir_conf_create(p));
    aud = mcp_conf_audiences(child);
    CU_ASSERT_PTR_NOT_NULL_FATAL(aud);
    CU_ASSERT_EQUAL(aud->nelts, 3);
    MCP_ASSERT_STR(APR_ARRAY_IDX(aud, 0, const char *),
                   "https://mcp.example.com/mcp", "inherited");
}

static void conf_merge_audiences_follow_a_child_resource(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *parent = complete_conf(p);
    mcp_dir_conf_t *add = mcp_dir_conf_create(p), *n;
    const apr_array_header_t *aud;

    add->resource = "https://mcp.example.com/other";
    n = mcp_dir_conf_merge(p, parent, add);
    aud = mcp_conf_audiences(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(aud);
    CU_ASSERT_EQUAL_FATAL(aud->nelts, 1);
    MCP_ASSERT_STR(APR_ARRAY_IDX(aud, 0, const char *),
                   "https://mcp.example.com/other", "child resource");

    /* aliases added below a parent's resource */
    add = mcp_dir_conf_create(p);
    add->aliases = mcp_test_strings(p, "https://alias.example/", NULL);
    n = mcp_dir_conf_merge(p, parent, add);
    aud = mcp_conf_audiences(n);
    CU_ASSERT_EQUAL_FATAL(aud->nelts, 2);
    MCP_ASSERT_STR(APR_ARRAY_IDX(aud, 0, const char *),
                   "https://mcp.example.com/mcp", "parent resource");
    MCP_ASSERT_STR(APR_ARRAY_IDX(aud, 1, const char *),
                   "https://alias.example/", "child alias");
    /* the parent's list is not appended to */
    CU_ASSERT_EQUAL(mcp_conf_audiences(parent)->nelts, 1);
}

/* MCPAuthResource canonicalises once; merges (one per request) reuse it,
 * and never pair a resource with the canonical form of another. */
static void conf_merge_reuses_the_canonical_resource_of_the_directive(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *base = mcp_dir_conf_create(p);
    mcp_dir_conf_t *add = mcp_dir_conf_create(p), *n;

    base->resource = "HTTPS://MCP.example.com:443/mcp";
    base->resource_canonical = "https://mcp.example.com/mcp (directive)";
    n = mcp_dir_conf_merge(p, mcp_dir_conf_create(p), base);
    MCP_ASSERT_STR(APR_ARRAY_IDX(mcp_conf_audiences(n), 0, const char *),
                   "https://mcp.example.com/mcp (directive)",
                   "the directive's form, not parsed again");
    /* a child's own resource without its form: computed, not inherited */
    add->resource = "HTTPS://Other.example.com/mcp";
    n = mcp_dir_conf_merge(p, base, add);
    CU_ASSERT_PTR_NULL(n->resource_canonical);
    MCP_ASSERT_STR(APR_ARRAY_IDX(mcp_conf_audiences(n), 0, const char *),
                   "https://other.example.com/mcp", "the child's resource");
}

static void conf_check_passes_a_complete_config(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = complete_conf(p);

    MCP_ASSERT_STR(mcp_conf_check(p, dc), NULL, "complete");
    dc->scopes_supported = mcp_test_strings(p, "mcp:admin", "mcp:tools",
                                            NULL);
    MCP_ASSERT_STR(mcp_conf_check(p, dc), NULL, "superset advertised");
    dc->required_scopes = NULL;
    MCP_ASSERT_STR(mcp_conf_check(p, dc), NULL, "no required scope");
    dc->issuers = mcp_test_strings(p, "HTTPS://auth.example.com", NULL);
    MCP_ASSERT_STR(mcp_conf_check(p, dc), NULL, "upper-case HTTPS");
}

static void conf_check_names_the_missing_directive(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = mcp_dir_conf_create(p);

    MCP_ASSERT_HAS(mcp_conf_check(p, dc), "MCPAuthResource", "no resource");
    dc = complete_conf(p);
    dc->issuers = NULL;
    MCP_ASSERT_HAS(mcp_conf_check(p, dc), "MCPAuthIssuer", "no issuer");
    dc->issuers = mcp_test_strings(p, NULL);
    MCP_ASSERT_HAS(mcp_conf_check(p, dc), "MCPAuthIssuer", "empty issuers");
    dc = complete_conf(p);
    dc->introspection_url = NULL;
    MCP_ASSERT_STR(mcp_conf_check(p, dc), NULL,
                   "no introspection URL: discovered");
    dc->discovery = 0;
    MCP_ASSERT_HAS(mcp_conf_check(p, dc), "MCPAuthIntrospectionURL",
                   "no introspection URL, no discovery");
    dc->validation = MCP_VALIDATE_JWT;
    MCP_ASSERT_HAS(mcp_conf_check(p, dc), "MCPAuthJWKSURL",
                   "jwt without keys, no discovery");
    dc->jwks_url = "https://auth.example.com/jwks";
    MCP_ASSERT_STR(mcp_conf_check(p, dc), NULL, "jwt with a JWKS URL");
    dc->validation = MCP_VALIDATE_INTROSPECT;
    MCP_ASSERT_HAS(mcp_conf_check(p, dc), "MCPAuthIntrospectionURL",
                   "introspect without URL, no discovery");
}

static void conf_check_refuses_http_without_allow_http(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = complete_conf(p);
    const char *err;

    dc->issuers = mcp_test_strings(p, "https://a.example",
                                   "http://auth.example.com", NULL);
    err = mcp_conf_check(p, dc);
    MCP_ASSERT_HAS(err, "MCPAuthIssuer", "http issuer");
    MCP_ASSERT_HAS(err, "http://auth.example.com", "http issuer");
    MCP_ASSERT_HAS(err, "MCPAuthAllowHTTP", "http issuer");

    dc = complete_conf(p);
    dc->introspection_url = "http://auth.example.com/introspect";
    err = mcp_conf_check(p, dc);
    MCP_ASSERT_HAS(err, "MCPAuthIntrospectionURL", "http introspection");
    MCP_ASSERT_HAS(err, "MCPAuthAllowHTTP", "http introspection");

    dc->issuers = mcp_test_strings(p, "http://auth.example.com", NULL);
    dc->allow_http = 1;
    MCP_ASSERT_STR(mcp_conf_check(p, dc), NULL, "http allowed");
    dc->allow_http = 0;
    MCP_ASSERT_HAS(mcp_conf_check(p, dc), "MCPAuthAllowHTTP",
                   "allow_http Off");

    /* RFC 9728: the resource itself is https too */
    dc = complete_conf(p);
    dc->resource = "http://mcp.example.com/mcp";
    err = mcp_conf_check(p, dc);
    MCP_ASSERT_HAS(err, "MCPAuthResource", "http resource");
    MCP_ASSERT_HAS(err, "MCPAuthAllowHTTP", "http resource");
}

static void conf_check_requires_advertised_required_scopes(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = complete_conf(p);
    const char *err;

    dc->required_scopes = mcp_test_strings(p, "mcp:tools", "mcp:admin",
                                           NULL);
    dc->scopes_supported = mcp_test_strings(p, "mcp:tools", NULL);
    err = mcp_conf_check(p, dc);
    MCP_ASSERT_HAS(err, "MCPAuthScopesSupported", "scope not advertised");
    MCP_ASSERT_HAS(err, "\"mcp:admin\"", "scope not advertised");
}

void mcp_test_add_conf_suite(void)
{
    CU_pSuite s = mcp_test_suite("conf");

    MCP_TEST(s, conf_create_leaves_everything_unset);
    MCP_TEST(s, conf_getters_apply_defaults);
    MCP_TEST(s, conf_getters_return_set_values);
    MCP_TEST(s, conf_connect_timeout_is_capped_at_total);
    MCP_TEST(s, conf_scopes_supported_default_to_required);
    MCP_TEST(s, conf_merge_inherits_unset_fields);
    MCP_TEST(s, conf_merge_child_overrides_field_by_field);
    MCP_TEST(s, conf_merge_client_credentials_travel_with_the_method);
    MCP_TEST(s, conf_merge_computes_audiences_from_resource_and_aliases);
    MCP_TEST(s, conf_merge_audiences_follow_a_child_resource);
    MCP_TEST(s, conf_merge_reuses_the_canonical_resource_of_the_directive);
    MCP_TEST(s, conf_check_passes_a_complete_config);
    MCP_TEST(s, conf_check_names_the_missing_directive);
    MCP_TEST(s, conf_check_refuses_http_without_allow_http);
    MCP_TEST(s, conf_check_requires_advertised_required_scopes);
}

/* test_introspect.c: the RFC 7662 request, the response read as hostile
 * input, and the exchange through a fake transport
 * (src/mcp_introspect.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_introspect.h"
#include "mcp_test.h"

#define URL "https://auth.example.com/introspect"

static mcp_dir_conf_t *conf_with(apr_pool_t *p, mcp_client_auth_e auth)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(p);

    dc->introspection_url = URL;
    if (auth != MCP_CLIENT_AUTH_NONE) {
        dc->client_auth = auth;
        dc->client_id = "client id:1";
        dc->client_secret = "s&e=c r+t";
    }
    return dc;
}

static int header_count(const mcp_http_req_t *req, const char *prefix)
{
    int i, n = 0;

    for (i = 0; i < req->headers->nelts; ++i) {
        const char *h = APR_ARRAY_IDX(req->headers, i, const char *);
        n += !strncasecmp(h, prefix, strlen(prefix));
    }
    return n;
}

static const char *header(const mcp_http_req_t *req, const char *prefix)
{
    int i;

    for (i = 0; i < req->headers->nelts; ++i) {
        const char *h = APR_ARRAY_IDX(req->headers, i, const char *);
        if (!strncasecmp(h, prefix, strlen(prefix))) {
            return h;
        }
    }
    return NULL;
}

static void introspect_request_without_client_auth(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_http_req_t req;

    mcp_introspect_request(&req, p, conf_with(p, MCP_CLIENT_AUTH_NONE),
                           "abc");
    MCP_ASSERT_STR(req.url, URL, "url");
    MCP_ASSERT_STR(req.body, "token=abc&token_type_hint=access_token",
                   "body");
    MCP_ASSERT_INT(req.body_len, strlen(req.body), "body_len");
    MCP_ASSERT_STR(header(&req, "Content-Type:"),
                   "Content-Type: application/x-www-form-urlencoded",
                   "content type");
    MCP_ASSERT_STR(header(&req, "Accept:"), "Accept: application/json",
                   "accept");
    MCP_ASSERT_INT(header_count(&req, "Authorization:"), 0, "no auth");
}

static void introspect_request_form_encodes_the_token(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_http_req_t req;

    mcp_introspect_request(&req, p, conf_with(p, MCP_CLIENT_AUTH_NONE),
                           "a+b/c.d_e-f~g==");
    MCP_ASSERT_STR(req.body, "token=a%2Bb%2Fc.d_e-f%7Eg%3D%3D"
                   "&token_type_hint=access_token", "body");
}

static void introspect_request_with_client_secret_basic(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_http_req_t req;

    mcp_introspect_request(&req, p, conf_with(p, MCP_CLIENT_AUTH_BASIC),
                           "abc");
    MCP_ASSERT_STR(req.body, "token=abc&token_type_hint=access_token",
                   "credentials stay out of the body");
    /* base64("client+id%3A1:s%26e%3Dc+r%2Bt"): RFC 6749 2.3.1 */
    MCP_ASSERT_STR(header(&req, "Authorization:"),
                   "Authorization: Basic "
                   "Y2xpZW50K2lkJTNBMTpzJTI2ZSUzRGMrciUyQnQ=",
                   "basic header");
    MCP_ASSERT_INT(header_count(&req, "Authorization:"), 1, "one header");
    MCP_ASSERT_INT(header_count(&req, "Content-Type:"), 1, "content type");
    MCP_ASSERT_INT(header_count(&req, "Accept:"), 1, "accept");
}

static void introspect_request_with_client_secret_post(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_http_req_t req;

    mcp_introspect_request(&req, p, conf_with(p, MCP_CLIENT_AUTH_POST),
                           "abc");
    MCP_ASSERT_STR(req.body, "token=abc&token_type_hint=access_token"
                   "&client_id=client+id%3A1&client_secret=s%26e%3Dc+r%2Bt",
                   "body");
    MCP_ASSERT_INT(req.body_len, strlen(req.body), "body_len");
    MCP_ASSERT_INT(header_count(&req, "Authorization:"), 0, "no header");
}

static void introspect_request_copies_limits_from_the_getters(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = conf_with(p, MCP_CLIENT_AUTH_NONE);
    mcp_http_req_t req;

    mcp_introspect_request(&req, p, dc, "abc");
    MCP_ASSERT_INT(req.timeout, apr_time_from_sec(5), "default timeout");
    MCP_ASSERT_INT(req.connect_timeout, apr_time_from_sec(2),
                   "default connect timeout");
    MCP_ASSERT_INT(req.max_response, 65536, "default max response");
    MCP_ASSERT_INT(req.allow_http, 0, "default allow_http");

    dc->timeout = apr_time_from_sec(3);
    dc->connect_timeout = apr_time_from_sec(7);
    dc->max_response = 4096;
    dc->allow_http = 1;
    mcp_introspect_request(&req, p, dc, "abc");
    MCP_ASSERT_INT(req.timeout, apr_time_from_sec(3), "timeout");
    MCP_ASSERT_INT(req.connect_timeout, apr_time_from_sec(3),
                   "connect timeout capped");
    MCP_ASSERT_INT(req.max_response, 4096, "max response");
    MCP_ASSERT_INT(req.allow_http, 1, "allow_http");
}

/* What *pclaims holds before a call that must reset it. */
static mcp_claims_t not_set;

static mcp_http_resp_t *resp(apr_pool_t *p, int status, const char *ctype,
                             const char *body)
{
    mcp_http_resp_t *r = apr_pcalloc(p, sizeof(*r));

    r->status = status;
    r->content_type = ctype;
    r->body = body;
    r->body_len = body ? strlen(body) : 0;
    return r;
}

static mcp_claims_t *parse_ok(const char *body, const char *ctx)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_claims_t *c = NULL;
    const char *err = NULL;
    apr_status_t rv = mcp_introspect_parse(&c, p, resp(p, 200,
                                           "application/json", body), &err);

    mcp_test_assert(rv == APR_SUCCESS && c != NULL, __LINE__, __FILE__,
                    "%s: want success, got rv %d, err %s", ctx, rv,
                    err ? err : "NULL");
    return c;
}

static void introspect_parse_reads_an_active_token(void)
{
    mcp_claims_t *c = parse_ok(
        "{\"active\":true,\"sub\":\"user-1\",\"client_id\":\"c1\","
        "\"username\":\"alice\",\"iss\":\"https://auth.example.com\","
        "\"token_type\":\"Bearer\",\"scope\":\"mcp:tools  mcp:admin\","
        "\"aud\":\"https://mcp.example.com/mcp\",\"exp\":1700000000,"
        "\"nbf\":1699990000,\"iat\":1699990001,\"extension\":{\"x\":[1]}}",
        "all members");

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(c->active);
    MCP_ASSERT_STR(c->sub, "user-1", "sub");
    MCP_ASSERT_STR(c->client_id, "c1", "client_id");
    MCP_ASSERT_STR(c->username, "alice", "username");
    MCP_ASSERT_STR(c->iss, "https://auth.example.com", "iss");
    MCP_ASSERT_STR(c->token_type, "Bearer", "token_type");
    MCP_ASSERT_INT(c->exp, apr_time_from_sec(1700000000), "exp");
    MCP_ASSERT_INT(c->nbf, apr_time_from_sec(1699990000), "nbf");
    MCP_ASSERT_INT(c->iat, apr_time_from_sec(1699990001), "iat");
    CU_ASSERT_EQUAL_FATAL(c->scopes->nelts, 2);
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->scopes, 0, const char *), "mcp:tools",
                   "scope 0");
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->scopes, 1, const char *), "mcp:admin",
                   "scope 1");
    CU_ASSERT_EQUAL_FATAL(c->aud->nelts, 1);
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->aud, 0, const char *),
                   "https://mcp.example.com/mcp", "aud string");
}

static void introspect_parse_reads_minimal_and_null_members(void)
{
    mcp_claims_t *c = parse_ok("{\"active\":true,\"sub\":null,"
                               "\"exp\":null,\"aud\":null}", "minimal");

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(c->active);
    CU_ASSERT_PTR_NULL(c->sub);
    CU_ASSERT_PTR_NULL(c->iss);
    CU_ASSERT_PTR_NULL(c->token_type);
    CU_ASSERT_EQUAL(c->exp, MCP_TIME_ABSENT);
    CU_ASSERT_EQUAL(c->nbf, MCP_TIME_ABSENT);
    CU_ASSERT(c->aud == NULL || c->aud->nelts == 0);
    CU_ASSERT(c->scopes == NULL || c->scopes->nelts == 0);
}

static void introspect_parse_reads_an_audience_array(void)
{
    mcp_claims_t *c = parse_ok("{\"active\":true,\"aud\":[\"client-1\","
                               "\"https://mcp.example.com/mcp\"],"
                               "\"exp\":1700000000.5}", "aud array");

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL_FATAL(c->aud->nelts, 2);
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->aud, 0, const char *), "client-1",
                   "aud 0");
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->aud, 1, const char *),
                   "https://mcp.example.com/mcp", "aud 1");
    MCP_ASSERT_INT(c->exp, apr_time_from_sec(1700000000) + 500000,
                   "fractional exp");
}

static void introspect_inactive_token_is_read_as_inactive(void)
{
    mcp_claims_t *c = parse_ok("{\"active\":false}", "inactive");

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_FALSE(c->active);
    /* members of an inactive answer do not matter */
    c = parse_ok("{\"active\":false,\"sub\":5,\"exp\":\"x\"}",
                 "inactive with junk");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_FALSE(c->active);
}

static void introspect_parse_accepts_json_media_type_parameters(void)
{
    static const char *const types[] = {
        "application/json", "application/json; charset=utf-8",
        "application/json;charset=UTF-8", "Application/JSON",
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(types); ++i) {
        mcp_claims_t *c;
        const char *err = NULL;
        MCP_ASSERT_INT(mcp_introspect_parse(&c, p, resp(p, 200, types[i],
                                            "{\"active\":false}"), &err),
                       APR_SUCCESS, types[i]);
    }
}

static void introspect_parse_rejects_untrustworthy_answers(void)
{
    static const struct {
        int status;
        const char *ctype, *body, *err;
    } cases[] = {
        { 500, "application/json", "{\"active\":true}", "HTTP 500" },
        { 401, "application/json", "{\"active\":true}", "HTTP 401" },
        { 302, "application/json", "{\"active\":true}", "HTTP 302" },
        { 200, "text/html", "{\"active\":true}", "not application/json" },
        { 200, NULL, "{\"active\":true}", "not application/json" },
        { 200, "application/jsonp", "{\"active\":true}", "application/json" },
        { 200, "application/json-seq", "{\"active\":true}", "" },
        { 200, "application/json", "", "empty" },
        { 200, "application/json", "<html>", "not valid JSON" },
        { 200, "application/json", "{\"active\":true", "not valid JSON" },
        { 200, "application/json", "{\"active\":true} x", "trailing" },
        { 200, "application/json", "[{\"active\":true}]", "not a JSON obj" },
        { 200, "application/json", "true", "not a JSON object" },
        { 200, "application/json", "{}", "\"active\"" },
        { 200, "application/json", "{\"active\":\"true\"}", "\"active\"" },
        { 200, "application/json", "{\"active\":1}", "\"active\"" },
        { 200, "application/json", "{\"active\":null}", "\"active\"" },
        { 200, "application/json", "{\"Active\":true}", "\"active\"" },
        { 200, "application/json",
          "{\"active\":true,\"active\":false}", "duplicate" },
        { 200, "application/json",
          "{\"active\":false,\"active\":true}", "duplicate" },
        { 200, "application/json", "{\"active\":true,\"sub\":5}", "type" },
        { 200, "application/json", "{\"active\":true,\"iss\":true}", "type" },
        { 200, "application/json",
          "{\"active\":true,\"client_id\":[\"x\"]}", "type" },
        { 200, "application/json",
          "{\"active\":true,\"token_type\":{}}", "type" },
        { 200, "application/json",
          "{\"active\":true,\"scope\":[\"mcp:tools\"]}", "type" },
        { 200, "application/json",
          "{\"active\":true,\"exp\":\"1700000000\"}", "type" },
        { 200, "application/json", "{\"active\":true,\"exp\":-1}", "type" },
        { 200, "application/json", "{\"active\":true,\"exp\":1e300}", "type" },
        { 200, "application/json", "{\"active\":true,\"nbf\":true}", "type" },
        { 200, "application/json", "{\"active\":true,\"iat\":[1]}", "type" },
        { 200, "application/json",
          "{\"active\":true,\"aud\":{\"a\":1}}", "type" },
        { 200, "application/json", "{\"active\":true,\"aud\":5}", "type" },
        { 200, "application/json",
          "{\"active\":true,\"aud\":[\"https://h/mcp\",1]}", "type" },
        { 200, "application/json",
          "{\"active\":true,\"aud\":[\"https://h/mcp\",null]}", "type" },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_claims_t *c = &not_set;
        const char *err = NULL;
        const char *ctx = apr_psprintf(p, "%d %s %s", cases[i].status,
                                       cases[i].ctype ? cases[i].ctype
                                                      : "(none)",
                                       cases[i].body);
        apr_status_t rv = mcp_introspect_parse(&c, p, resp(p,
                cases[i].status, cases[i].ctype, cases[i].body), &err);

        mcp_test_assert(rv != APR_SUCCESS, __LINE__, __FILE__,
                        "%s: want an error, got success", ctx);
        mcp_test_assert(c == NULL, __LINE__, __FILE__,
                        "%s: want no claims", ctx);
        MCP_ASSERT_HAS(err, cases[i].err, ctx);
    }
}

static void introspect_parse_rejects_more_than_64_audiences(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *body = "{\"active\":true,\"aud\":[\"a0\"";
    mcp_claims_t *c;
    const char *err;
    int i;

    for (i = 1; i < 65; ++i) {
        body = apr_psprintf(p, "%s,\"a%d\"", body, i);
    }
    body = apr_pstrcat(p, body, "]}", NULL);
    CU_ASSERT_NOT_EQUAL(mcp_introspect_parse(&c, p, resp(p, 200,
                        "application/json", body), &err), APR_SUCCESS);
}

/* The fake transport: records the request, answers what it is told. */
typedef struct {
    int calls;
    mcp_http_req_t req;
    apr_status_t rv;
    const char *err;
    mcp_http_resp_t resp;
} fake_as_t;

static apr_status_t fake_post(mcp_http_resp_t **presp, apr_pool_t *p,
                              const mcp_http_req_t *req, void *baton,
                              const char **perr)
{
    fake_as_t *as = baton;

    ++as->calls;
    as->req = *req;
    if (as->rv != APR_SUCCESS) {
        *presp = NULL;
        *perr = as->err;
        return as->rv;
    }
    *presp = apr_pmemdup(p, &as->resp, sizeof(as->resp));
    *perr = NULL;
    return APR_SUCCESS;
}

static void introspect_exchange_succeeds_through_the_transport(void)
{
    apr_pool_t *p = mcp_test_pool();
    fake_as_t as;
    mcp_claims_t *c = NULL;
    const char *err = NULL;
    apr_status_t rv;

    memset(&as, 0, sizeof(as));
    as.resp.status = 200;
    as.resp.content_type = "application/json";
    as.resp.body = "{\"active\":true,\"sub\":\"alice\","
                   "\"scope\":\"mcp:tools\"}";
    as.resp.body_len = strlen(as.resp.body);
    rv = mcp_introspect(&c, p, conf_with(p, MCP_CLIENT_AUTH_POST), "tok",
                        fake_post, &as, &err);
    MCP_ASSERT_INT(rv, APR_SUCCESS, err);
    MCP_ASSERT_INT(as.calls, 1, "one POST");
    MCP_ASSERT_STR(as.req.url, URL, "url");
    MCP_ASSERT_STR(as.req.body, "token=tok&token_type_hint=access_token"
                   "&client_id=client+id%3A1&client_secret=s%26e%3Dc+r%2Bt",
                   "body");
    MCP_ASSERT_INT(header_count(&as.req, "Authorization:"), 0,
                   "no Authorization header with client_secret_post");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(c->active);
    MCP_ASSERT_STR(c->sub, "alice", "sub");
}

static void introspect_exchange_passes_transport_failures_through(void)
{
    apr_pool_t *p = mcp_test_pool();
    fake_as_t as;
    mcp_claims_t *c = &not_set;
    const char *err = NULL;

    memset(&as, 0, sizeof(as));
    as.rv = APR_TIMEUP;
    as.err = "Operation timed out after 5000 milliseconds";
    MCP_ASSERT_INT(mcp_introspect(&c, p, conf_with(p, MCP_CLIENT_AUTH_NONE),
                                  "tok", fake_post, &as, &err),
                   APR_TIMEUP, "rv");
    MCP_ASSERT_INT(as.calls, 1, "one POST");
    MCP_ASSERT_STR(err, as.err, "message");
    CU_ASSERT_PTR_NULL(c);
}

static void introspect_exchange_rejects_an_http_error(void)
{
    apr_pool_t *p = mcp_test_pool();
    fake_as_t as;
    mcp_claims_t *c = NULL;
    const char *err = NULL;

    memset(&as, 0, sizeof(as));
    as.resp.status = 401;
    as.resp.content_type = "application/json";
    as.resp.body = "{\"error\":\"invalid_client\"}";
    as.resp.body_len = strlen(as.resp.body);
    CU_ASSERT_NOT_EQUAL(mcp_introspect(&c, p, conf_with(p,
                                       MCP_CLIENT_AUTH_BASIC), "tok",
                                       fake_post, &as, &err), APR_SUCCESS);
    MCP_ASSERT_HAS(err, "HTTP 401", "401");
    CU_ASSERT_PTR_NULL(c);
}

void mcp_test_add_introspect_suite(void)
{
    CU_pSuite s = mcp_test_suite("introspect");

    MCP_TEST(s, introspect_request_without_client_auth);
    MCP_TEST(s, introspect_request_form_encodes_the_token);
    MCP_TEST(s, introspect_request_with_client_secret_basic);
    MCP_TEST(s, introspect_request_with_client_secret_post);
    MCP_TEST(s, introspect_request_copies_limits_from_the_getters);
    MCP_TEST(s, introspect_parse_reads_an_active_token);
    MCP_TEST(s, introspect_parse_reads_minimal_and_null_members);
    MCP_TEST(s, introspect_parse_reads_an_audience_array);
    MCP_TEST(s, introspect_inactive_token_is_read_as_inactive);
    MCP_TEST(s, introspect_parse_accepts_json_media_type_parameters);
    MCP_TEST(s, introspect_parse_rejects_untrustworthy_answers);
    MCP_TEST(s, introspect_parse_rejects_more_than_64_audiences);
    MCP_TEST(s, introspect_exchange_succeeds_through_the_transport);
    MCP_TEST(s, introspect_exchange_passes_transport_failures_through);
    MCP_TEST(s, introspect_exchange_rejects_an_http_error);
}

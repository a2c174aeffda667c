/* test_claims.c: the checks every token passes: active, type, time,
 * issuer, audience, scope (src/mcp_claims.c). `now` is a parameter, so
 * the times here are exact. */
#include <string.h>

#include <apr_strings.h>

#include "mcp_claims.h"
#include "mcp_introspect.h"
#include "mcp_json.h"
#include "mcp_policy.h"
#include "mcp_test.h"
#include "mcp_util.h"

#define NOW     apr_time_from_sec(1700000000)
#define SEC(n)  apr_time_from_sec(n)

#define D_INACTIVE "the access token is not active"
#define D_TYPE     "the access token type is not Bearer"
#define D_EXPIRED  "the access token expired"
#define D_NOTYET   "the access token is not valid yet"
#define D_ISSUER   "the access token was issued by an unexpected issuer"
#define D_AUD      "the access token was not issued for this resource"
#define D_SCOPE    "the access token lacks a required scope"

/* resource https://mcp.example.com/mcp with the alias
 * https://mcp.example.com/, issuer https://auth.example.com, required
 * scope mcp:tools, default skew (30 s) */
static mcp_dir_conf_t *conf(apr_pool_t *p)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(p);

    dc->resource = "https://mcp.example.com/mcp";
    dc->aliases = mcp_test_strings(p, "https://mcp.example.com/", NULL);
    dc->issuers = mcp_test_strings(p, "https://auth.example.com",
                                   "https://other-as.example", NULL);
    dc->required_scopes = mcp_test_strings(p, "mcp:tools", NULL);
    return mcp_dir_conf_merge(p, mcp_dir_conf_create(p), dc);
}

/* space-separated words, or NULL for "-" */
static apr_array_header_t *words(apr_pool_t *p, const char *s)
{
    return strcmp(s, "-") ? mcp_scopes_parse(p, s) : NULL;
}

static void claims_check_verdicts(void)
{
    static const struct {
        const char *name;
        int active;
        const char *token_type, *iss, *aud, *scope;
        apr_interval_time_t exp, nbf;   /* relative to NOW; 0 = absent */
        mcp_verdict_e v;
        const char *desc;
    } cases[] = {
        { "all good", 1, "Bearer", "https://auth.example.com",
          "https://mcp.example.com/mcp", "mcp:tools", SEC(3600), -SEC(60),
          MCP_OK, NULL },
        { "inactive", 0, "Bearer", "https://auth.example.com",
          "https://mcp.example.com/mcp", "mcp:tools", SEC(3600), 0,
          MCP_INVALID_TOKEN, D_INACTIVE },
        { "inactive wins over expired", 0, NULL, NULL, "-", "-", -SEC(999),
          0, MCP_INVALID_TOKEN, D_INACTIVE },
        { "token_type DPoP", 1, "DPoP", NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0,
          MCP_INVALID_TOKEN, D_TYPE },
        { "token_type N_A", 1, "N_A", NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0,
          MCP_INVALID_TOKEN, D_TYPE },
        { "token_type bearer", 1, "bearer", NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0, MCP_OK, NULL },
        { "token_type BEARER", 1, "BEARER", NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0, MCP_OK, NULL },
        { "token_type absent", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0, MCP_OK, NULL },
        { "expired beyond skew", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", -SEC(31), 0,
          MCP_INVALID_TOKEN, D_EXPIRED },
        { "expired exactly skew ago", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", -SEC(30), 0,
          MCP_INVALID_TOKEN, D_EXPIRED },
        { "expired within skew", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", -SEC(29), 0,
          MCP_OK, NULL },
        { "expires now", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0, MCP_OK, NULL },
        { "expired long ago", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", -SEC(86400), 0,
          MCP_INVALID_TOKEN, D_EXPIRED },
        { "nbf beyond skew", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, SEC(31),
          MCP_INVALID_TOKEN, D_NOTYET },
        { "nbf exactly skew ahead", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, SEC(30),
          MCP_OK, NULL },
        { "nbf within skew", 1, NULL, NULL,
          "https://mcp.example.com/mcp", "mcp:tools", 0, SEC(29),
          MCP_OK, NULL },
        { "issuer unknown", 1, NULL, "https://evil.example",
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0,
          MCP_INVALID_TOKEN, D_ISSUER },
        { "issuer with extra slash", 1, NULL, "https://auth.example.com/",
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0,
          MCP_INVALID_TOKEN, D_ISSUER },
        { "issuer second known", 1, NULL, "https://other-as.example",
          "https://mcp.example.com/mcp", "mcp:tools", 0, 0, MCP_OK, NULL },
        { "audience missing", 1, NULL, NULL, "-", "mcp:tools", 0, 0,
          MCP_INVALID_TOKEN, D_AUD },
        { "audience empty", 1, NULL, NULL, "", "mcp:tools", 0, 0,
          MCP_INVALID_TOKEN, D_AUD },
        { "audience other resource", 1, NULL, NULL,
          "https://mcp.example.com/other", "mcp:tools", 0, 0,
          MCP_INVALID_TOKEN, D_AUD },
        { "audience other host", 1, NULL, NULL,
          "https://evil.example/mcp", "mcp:tools", 0, 0,
          MCP_INVALID_TOKEN, D_AUD },
        { "audience client id only", 1, NULL, NULL, "my-client",
          "mcp:tools", 0, 0, MCP_INVALID_TOKEN, D_AUD },
        { "audience alias", 1, NULL, NULL, "https://mcp.example.com",
          "mcp:tools", 0, 0, MCP_OK, NULL },
        { "audience upper-case host", 1, NULL, NULL,
          "https://MCP.EXAMPLE.COM/mcp", "mcp:tools", 0, 0, MCP_OK, NULL },
        { "audience among others", 1, NULL, NULL,
          "my-client https://mcp.example.com/mcp", "mcp:tools", 0, 0,
          MCP_OK, NULL },
        { "scope missing", 1, NULL, NULL, "https://mcp.example.com/mcp",
          "-", 0, 0, MCP_INSUFFICIENT_SCOPE, D_SCOPE },
        { "scope empty", 1, NULL, NULL, "https://mcp.example.com/mcp",
          "", 0, 0, MCP_INSUFFICIENT_SCOPE, D_SCOPE },
        { "scope other", 1, NULL, NULL, "https://mcp.example.com/mcp",
          "mcp:tool mcp:admin", 0, 0, MCP_INSUFFICIENT_SCOPE, D_SCOPE },
        { "scope superset", 1, NULL, NULL, "https://mcp.example.com/mcp",
          "openid mcp:tools mcp:admin", 0, 0, MCP_OK, NULL },
        { "expiry checked before audience", 1, NULL, NULL, "-", "-",
          -SEC(60), 0, MCP_INVALID_TOKEN, D_EXPIRED },
        { "audience checked before scope", 1, NULL, NULL, "-", "-", 0, 0,
          MCP_INVALID_TOKEN, D_AUD },
    };
    apr_pool_t *p = mcp_test_pool();
    const mcp_dir_conf_t *dc = conf(p);
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_claims_t c = *mcp_claims_create(p);
        const char *desc = "unset";
        mcp_verdict_e v;

        c.active = cases[i].active;
        c.token_type = cases[i].token_type;
        c.iss = cases[i].iss;
        c.aud = words(p, cases[i].aud);
        c.scopes = words(p, cases[i].scope);
        /* an exp of 0 means "expires now" in the table, absent below */
        c.exp = NOW + cases[i].exp;
        c.nbf = cases[i].nbf ? NOW + cases[i].nbf : MCP_TIME_ABSENT;
        v = mcp_claims_check(p, &c, dc, NOW, &desc);
        MCP_ASSERT_INT(v, cases[i].v, cases[i].name);
        MCP_ASSERT_STR(desc, cases[i].desc, cases[i].name);
    }
}

static void claims_without_exp_or_nbf_do_not_expire(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_claims_t c = *mcp_claims_create(p);
    const char *desc;

    c.active = 1;
    c.aud = mcp_test_strings(p, "https://mcp.example.com/mcp", NULL);
    c.scopes = mcp_test_strings(p, "mcp:tools", NULL);
    MCP_ASSERT_INT(mcp_claims_check(p, &c, conf(p), NOW, &desc), MCP_OK,
                   "no exp, no nbf");
    MCP_ASSERT_STR(desc, NULL, "no description on success");
}

static void claims_skew_comes_from_the_config(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = conf(p);
    mcp_claims_t c = *mcp_claims_create(p);
    const char *desc;

    c.active = 1;
    c.aud = mcp_test_strings(p, "https://mcp.example.com/mcp", NULL);
    c.scopes = mcp_test_strings(p, "mcp:tools", NULL);
    dc->clock_skew = 0;
    c.exp = NOW;
    MCP_ASSERT_INT(mcp_claims_check(p, &c, dc, NOW, &desc),
                   MCP_INVALID_TOKEN, "skew 0, exp == now");
    MCP_ASSERT_STR(desc, D_EXPIRED, "skew 0, exp == now");
    c.exp = NOW + 1;
    MCP_ASSERT_INT(mcp_claims_check(p, &c, dc, NOW, &desc), MCP_OK,
                   "skew 0, exp 1 us ahead");
    c.nbf = NOW + 1;
    MCP_ASSERT_INT(mcp_claims_check(p, &c, dc, NOW, &desc),
                   MCP_INVALID_TOKEN, "skew 0, nbf 1 us ahead");
    MCP_ASSERT_STR(desc, D_NOTYET, "skew 0, nbf 1 us ahead");
    dc->clock_skew = SEC(300);
    c.exp = NOW - SEC(299);
    c.nbf = NOW + SEC(299);
    MCP_ASSERT_INT(mcp_claims_check(p, &c, dc, NOW, &desc), MCP_OK,
                   "skew 5 min");
}

static void claims_scope_check_honours_implied_scopes(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = conf(p);
    mcp_claims_t c = *mcp_claims_create(p);
    mcp_scope_rule_t rule;
    char *argv[] = { "mcp:admin", "mcp:tools", NULL };
    const char *desc;

    c.active = 1;
    c.aud = mcp_test_strings(p, "https://mcp.example.com/mcp", NULL);
    c.scopes = mcp_test_strings(p, "mcp:admin", NULL);
    MCP_ASSERT_INT(mcp_claims_check(p, &c, dc, NOW, &desc),
                   MCP_INSUFFICIENT_SCOPE, "no implication configured");
    CU_ASSERT_PTR_NULL_FATAL(mcp_policy_parse_implies(&rule, p, 2, argv));
    dc->scope_implies = apr_array_make(p, 1, sizeof(rule));
    APR_ARRAY_PUSH(dc->scope_implies, mcp_scope_rule_t) = rule;
    MCP_ASSERT_INT(mcp_claims_check(p, &c, dc, NOW, &desc), MCP_OK,
                   "mcp:admin implies mcp:tools");
}

static void claims_keep_only_the_named_ones_and_paths_reach_inside(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *raw = "{\"sub\":\"alice\",\"groups\":[\"ops\",\"dev\"],"
        "\"realm_access\":{\"roles\":[\"admin\"]},\"secret\":\"x\"}";
    const char *err;
    mcp_claims_t *c = mcp_claims_create(p);
    const cJSON *kept, *v;

    c->raw = mcp_json_parse(p, raw, strlen(raw), 8, &err);
    mcp_claims_keep(c, p, mcp_test_strings(p, "groups", "realm_access",
                                           "missing", NULL));
    MCP_ASSERT_STR(c->kept, "{\"groups\":[\"ops\",\"dev\"],\"realm_access\":"
                   "{\"roles\":[\"admin\"]}}", "kept");
    kept = mcp_json_parse(p, c->kept, strlen(c->kept), 8, &err);
    v = mcp_claims_path(kept, "realm_access.roles");
    CU_ASSERT_TRUE(cJSON_IsArray(v));
    CU_ASSERT_PTR_NULL(mcp_claims_path(kept, "realm_access.roles.x"));
    CU_ASSERT_PTR_NULL(mcp_claims_path(kept, "secret"));
    CU_ASSERT_PTR_NULL(mcp_claims_path(kept, "realm_access..roles"));
    CU_ASSERT_PTR_NULL(mcp_claims_path(NULL, "groups"));
    mcp_claims_keep(c, p, mcp_test_strings(p, "missing", NULL));
    CU_ASSERT_PTR_NULL(c->kept);
    mcp_claims_keep(c, p, NULL);
    CU_ASSERT_PTR_NULL(c->kept);
}

static void claims_without_required_scopes_accept_any_scope(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = conf(p);
    mcp_claims_t c = *mcp_claims_create(p);
    const char *desc;

    dc->required_scopes = NULL;
    c.active = 1;
    c.aud = mcp_test_strings(p, "https://mcp.example.com/mcp", NULL);
    MCP_ASSERT_INT(mcp_claims_check(p, &c, dc, NOW, &desc), MCP_OK,
                   "no scope required, none held");
}

static void claims_without_configured_issuers_reject_any_iss(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = conf(p);
    mcp_claims_t c = *mcp_claims_create(p);
    const char *desc;

    dc->issuers = NULL;
    c.active = 1;
    c.iss = "https://auth.example.com";
    c.aud = mcp_test_strings(p, "https://mcp.example.com/mcp", NULL);
    c.scopes = mcp_test_strings(p, "mcp:tools", NULL);
    MCP_ASSERT_INT(mcp_claims_check(p, &c, dc, NOW, &desc),
                   MCP_INVALID_TOKEN, "no issuer configured");
    MCP_ASSERT_STR(desc, D_ISSUER, "no issuer configured");
}

/* "exp":0 is 1970-01-01T00:00:00Z, not "no expiry": an introspection
 * answer that says so must not yield a token that never expires. */
static void claims_exp_zero_from_introspection_is_expired(void)
{
    static const char *const bodies[] = {
        "{\"active\":true,\"aud\":\"https://mcp.example.com/mcp\","
        "\"scope\":\"mcp:tools\",\"exp\":0}",
        "{\"active\":true,\"aud\":\"https://mcp.example.com/mcp\","
        "\"scope\":\"mcp:tools\",\"exp\":0.0000001}",
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(bodies); ++i) {
        mcp_http_resp_t resp;
        mcp_claims_t *c = NULL;
        const char *err = NULL, *desc = NULL;

        memset(&resp, 0, sizeof(resp));
        resp.status = 200;
        resp.content_type = "application/json";
        resp.body = bodies[i];
        resp.body_len = strlen(bodies[i]);
        if (mcp_introspect_parse(&c, p, &resp, &err) != APR_SUCCESS) {
            continue;                   /* refusing the answer is fine too */
        }
        MCP_ASSERT_INT(mcp_claims_check(p, c, conf(p), NOW, &desc),
                       MCP_INVALID_TOKEN, bodies[i]);
        MCP_ASSERT_STR(desc, D_EXPIRED, bodies[i]);
    }
}

void mcp_test_add_claims_suite(void)
{
    CU_pSuite s = mcp_test_suite("claims");

    MCP_TEST(s, claims_check_verdicts);
    MCP_TEST(s, claims_without_exp_or_nbf_do_not_expire);
    MCP_TEST(s, claims_skew_comes_from_the_config);
    MCP_TEST(s, claims_without_required_scopes_accept_any_scope);
    MCP_TEST(s, claims_scope_check_honours_implied_scopes);
    MCP_TEST(s, claims_keep_only_the_named_ones_and_paths_reach_inside);
    MCP_TEST(s, claims_without_configured_issuers_reject_any_iss);
    MCP_TEST(s, claims_exp_zero_from_introspection_is_expired);
}

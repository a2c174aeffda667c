/* mcp_conf.c: configuration create/merge/getters/checks (no httpd). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_conf.h"
#include "mcp_jwt.h"
#include "mcp_policy.h"
#include "mcp_resource.h"
#include "mcp_util.h"

#define MERGE_VAL(f) n->f = (add->f != MCP_UNSET) ? add->f : base->f
#define MERGE_PTR(f) n->f = add->f ? add->f : base->f

mcp_dir_conf_t *mcp_dir_conf_create(apr_pool_t *p)
{
    mcp_dir_conf_t *dc = apr_pcalloc(p, sizeof(*dc));

    dc->client_auth = MCP_UNSET;
    dc->validation = MCP_UNSET;
    dc->discovery = MCP_UNSET;
    dc->jwt_strict_typ = MCP_UNSET;
    dc->keys_refresh = MCP_UNSET;
    dc->keys_cooldown = MCP_UNSET;
    dc->max_token_size = MCP_UNSET;
    dc->timeout = MCP_UNSET;
    dc->connect_timeout = MCP_UNSET;
    dc->clock_skew = MCP_UNSET;
    dc->max_response = MCP_UNSET;
    dc->allow_http = MCP_UNSET;
    dc->max_body = MCP_UNSET;
    dc->max_list = MCP_UNSET;
    dc->audit_log = MCP_UNSET;
    dc->audit_args = MCP_UNSET;
    dc->as_mirror = MCP_UNSET;
    dc->sessions = MCP_UNSET;
    dc->stream = MCP_UNSET;
    dc->stream_max = MCP_UNSET;
    dc->stream_keepalive = MCP_UNSET;
    dc->session_idle = MCP_UNSET;
    dc->cache_max_ttl = MCP_UNSET;
    dc->cache_neg_ttl = MCP_UNSET;
    dc->cache_noexp_ttl = MCP_UNSET;
    return dc;
}

static apr_array_header_t *add_up(apr_pool_t *p, apr_array_header_t *base,
                                  apr_array_header_t *add)
{
    return (base && add) ? apr_array_append(p, base, add)
                         : add ? add : base;
}

mcp_dir_conf_t *mcp_dir_conf_merge(apr_pool_t *p, const mcp_dir_conf_t *base,
                                   const mcp_dir_conf_t *add)
{
    mcp_dir_conf_t *n = apr_pcalloc(p, sizeof(*n));

    MERGE_PTR(resource);
    /* the canonical form goes with the resource it was made from */
    n->resource_canonical = add->resource ? add->resource_canonical
                                          : base->resource_canonical;
    MERGE_PTR(prm_url);
    MERGE_PTR(aliases);
    MERGE_PTR(resource_name);
    MERGE_PTR(resource_doc);
    MERGE_PTR(issuers);
    MERGE_PTR(required_scopes);
    MERGE_PTR(scopes_supported);
    MERGE_PTR(introspection_url);
    MERGE_VAL(validation);
    MERGE_VAL(discovery);
    MERGE_PTR(jwks_url);
    n->jwt_algs = add->jwt_algs ? add->jwt_algs : base->jwt_algs;
    MERGE_VAL(jwt_strict_typ);
    MERGE_VAL(keys_refresh);
    MERGE_VAL(keys_cooldown);
    MERGE_VAL(max_token_size);
    /* client id and secret travel together with the method */
    if (add->client_auth != MCP_UNSET) {
        n->client_auth = add->client_auth;
        n->client_id = add->client_id;
        n->client_secret = add->client_secret;
    }
    else {
        n->client_auth = base->client_auth;
        n->client_id = base->client_id;
        n->client_secret = base->client_secret;
    }
    MERGE_VAL(timeout);
    MERGE_VAL(connect_timeout);
    MERGE_VAL(clock_skew);
    MERGE_VAL(max_response);
    MERGE_VAL(allow_http);
    MERGE_VAL(max_body);
    MERGE_VAL(cache_max_ttl);
    MERGE_VAL(cache_neg_ttl);
    MERGE_VAL(cache_noexp_ttl);
    MERGE_PTR(allow_origins);
    MERGE_VAL(sessions);
    MERGE_VAL(session_idle);
    MERGE_PTR(identity_header[0]);
    MERGE_PTR(identity_header[1]);
    MERGE_PTR(identity_header[2]);
    MERGE_PTR(upstream_auth);
    MERGE_VAL(stream);
    MERGE_VAL(stream_max);
    MERGE_VAL(stream_keepalive);
    MERGE_VAL(max_list);
    MERGE_VAL(audit_log);
    MERGE_VAL(audit_args);
    MERGE_VAL(as_mirror);
    /* rules add up: a nested location adds to what it inherits */
    n->tool_rules = add_up(p, base->tool_rules, add->tool_rules);
    n->scope_implies = add_up(p, base->scope_implies, add->scope_implies);

    /* accepted audiences follow the resource and aliases they come from */
    if (add->resource || add->aliases) {
        const char *err, *canon = n->resource_canonical;
        n->audiences = apr_array_make(p, 2, sizeof(const char *));
        /* merges run per request: the directive canonicalised it once;
         * configurations built in code (unit tests) get it here */
        if (n->resource && !canon) {
            canon = mcp_resource_canonical(p, n->resource, &err);
        }
        if (canon) {
            APR_ARRAY_PUSH(n->audiences, const char *) = canon;
        }
        if (n->aliases) {
            apr_array_cat(n->audiences, n->aliases);
        }
    }
    else {
        n->audiences = base->audiences;
    }
    return n;
}

const apr_array_header_t *mcp_conf_audiences(const mcp_dir_conf_t *dc)
{
    return dc->audiences;
}

apr_interval_time_t mcp_conf_timeout(const mcp_dir_conf_t *dc)
{
    return dc->timeout != MCP_UNSET ? dc->timeout : MCP_DEFAULT_TIMEOUT;
}

apr_interval_time_t mcp_conf_connect_timeout(const mcp_dir_conf_t *dc)
{
    apr_interval_time_t c = dc->connect_timeout != MCP_UNSET
                            ? dc->connect_timeout
                            : MCP_DEFAULT_CONNECT_TIMEOUT;

    /* connecting cannot take longer than the whole exchange */
    return c < mcp_conf_timeout(dc) ? c : mcp_conf_timeout(dc);
}

apr_interval_time_t mcp_conf_clock_skew(const mcp_dir_conf_t *dc)
{
    return dc->clock_skew != MCP_UNSET ? dc->clock_skew
                                       : MCP_DEFAULT_CLOCK_SKEW;
}

apr_off_t mcp_conf_max_response(const mcp_dir_conf_t *dc)
{
    return dc->max_response != MCP_UNSET ? dc->max_response
                                         : MCP_DEFAULT_MAX_RESPONSE;
}

apr_off_t mcp_conf_max_body(const mcp_dir_conf_t *dc)
{
    return dc->max_body != MCP_UNSET ? dc->max_body : MCP_DEFAULT_MAX_BODY;
}

apr_off_t mcp_conf_max_list(const mcp_dir_conf_t *dc)
{
    return dc->max_list != MCP_UNSET ? dc->max_list : MCP_DEFAULT_MAX_LIST;
}

int mcp_conf_as_mirror(const mcp_dir_conf_t *dc)
{
    return dc->as_mirror == 1;              /* unset: Off */
}

int mcp_conf_audit_log(const mcp_dir_conf_t *dc)
{
    return dc->audit_log == 1;              /* unset: Off */
}

apr_off_t mcp_conf_audit_args(const mcp_dir_conf_t *dc)
{
    return dc->audit_args != MCP_UNSET ? dc->audit_args : 0;
}

int mcp_conf_sessions(const mcp_dir_conf_t *dc)
{
    return dc->sessions != 0;               /* unset: On */
}

apr_interval_time_t mcp_conf_session_idle(const mcp_dir_conf_t *dc)
{
    return dc->session_idle != MCP_UNSET ? dc->session_idle
                                         : MCP_DEFAULT_SESSION_IDLE;
}

int mcp_conf_stream(const mcp_dir_conf_t *dc)
{
    return dc->stream == 1;                 /* unset: Off */
}

int mcp_conf_stream_max(const mcp_dir_conf_t *dc)
{
    return dc->stream_max != MCP_UNSET ? dc->stream_max
                                       : MCP_DEFAULT_STREAM_MAX;
}

apr_interval_time_t mcp_conf_stream_keepalive(const mcp_dir_conf_t *dc)
{
    return dc->stream_keepalive != MCP_UNSET ? dc->stream_keepalive
                                             : MCP_DEFAULT_STREAM_KEEPALIVE;
}

const char *mcp_conf_identity_header(const mcp_dir_conf_t *dc, int which)
{
    static const char *const defaults[3] = {
        "X-MCP-Sub", "X-MCP-Client-Id", "X-MCP-Scope"
    };
    const char *h = dc->identity_header[which];

    if (!h) {
        return defaults[which];
    }
    return *h ? h : NULL;
}

int mcp_conf_allow_http(const mcp_dir_conf_t *dc)
{
    return dc->allow_http == 1;
}

apr_interval_time_t mcp_conf_cache_max_ttl(const mcp_dir_conf_t *dc)
{
    return dc->cache_max_ttl != MCP_UNSET ? dc->cache_max_ttl
                                          : MCP_DEFAULT_CACHE_MAX_TTL;
}

apr_interval_time_t mcp_conf_cache_neg_ttl(const mcp_dir_conf_t *dc)
{
    return dc->cache_neg_ttl != MCP_UNSET ? dc->cache_neg_ttl
                                          : MCP_DEFAULT_CACHE_NEG_TTL;
}

apr_interval_time_t mcp_conf_cache_noexp_ttl(const mcp_dir_conf_t *dc)
{
    return dc->cache_noexp_ttl != MCP_UNSET ? dc->cache_noexp_ttl
                                            : MCP_DEFAULT_CACHE_NOEXP_TTL;
}

mcp_validation_e mcp_conf_validation(const mcp_dir_conf_t *dc)
{
    return dc->validation != MCP_UNSET ? (mcp_validation_e)dc->validation
                                       : MCP_VALIDATE_AUTO;
}

int mcp_conf_discovery(const mcp_dir_conf_t *dc)
{
    return dc->discovery != 0;              /* unset: On */
}

unsigned mcp_conf_jwt_algs(const mcp_dir_conf_t *dc)
{
    return dc->jwt_algs ? dc->jwt_algs : MCP_ALGS_ALL;
}

int mcp_conf_jwt_strict_typ(const mcp_dir_conf_t *dc)
{
    return dc->jwt_strict_typ == 1;         /* unset: Off (see security.md) */
}

apr_interval_time_t mcp_conf_keys_refresh(const mcp_dir_conf_t *dc)
{
    return dc->keys_refresh != MCP_UNSET ? dc->keys_refresh
                                         : MCP_DEFAULT_KEYS_REFRESH;
}

apr_interval_time_t mcp_conf_keys_cooldown(const mcp_dir_conf_t *dc)
{
    return dc->keys_cooldown != MCP_UNSET ? dc->keys_cooldown
                                          : MCP_DEFAULT_KEYS_COOLDOWN;
}

apr_size_t mcp_conf_max_token_size(const mcp_dir_conf_t *dc)
{
    return dc->max_token_size != MCP_UNSET ? (apr_size_t)dc->max_token_size
                                           : MCP_DEFAULT_MAX_TOKEN_SIZE;
}

mcp_client_auth_e mcp_conf_client_auth(const mcp_dir_conf_t *dc)
{
    return dc->client_auth != MCP_UNSET ? (mcp_client_auth_e)dc->client_auth
                                        : MCP_CLIENT_AUTH_NONE;
}

const apr_array_header_t *mcp_conf_scopes_published(apr_pool_t *p,
                                                    const mcp_dir_conf_t *dc)
{
    apr_array_header_t *out;
    int i, j;

    if (dc->scopes_supported || !dc->tool_rules) {
        return mcp_conf_scopes_supported(dc);
    }
    out = dc->required_scopes ? apr_array_copy(p, dc->required_scopes)
                              : apr_array_make(p, 4, sizeof(const char *));
    for (i = 0; i < dc->tool_rules->nelts; ++i) {
        const mcp_tool_rule_t *r = &APR_ARRAY_IDX(dc->tool_rules, i,
                                                  mcp_tool_rule_t);
        for (j = 0; j < r->scopes->nelts; ++j) {
            const char *s = APR_ARRAY_IDX(r->scopes, j, const char *);
            if (!mcp_scopes_contains(out, s)) {
                APR_ARRAY_PUSH(out, const char *) = s;
            }
        }
    }
    return out;
}

const apr_array_header_t *mcp_conf_scopes_supported(const mcp_dir_conf_t *dc)
{
    return dc->scopes_supported ? dc->scopes_supported : dc->required_scopes;
}

static const char *check_https(apr_pool_t *p, const mcp_dir_conf_t *dc,
                               const char *directive, const char *url)
{
    if (url && strncasecmp(url, "https://", 8) != 0
        && !mcp_conf_allow_http(dc)) {
        return apr_psprintf(p, "%s: \"%s\" is not https (OAuth 2.1 requires "
                            "TLS; \"MCPAuthAllowHTTP On\" permits http for "
                            "development)", directive, url);
    }
    return NULL;
}

const char *mcp_conf_check(apr_pool_t *p, const mcp_dir_conf_t *dc)
{
    const apr_array_header_t *sup = mcp_conf_scopes_supported(dc);
    const char *err;
    int i;

    if (!dc->resource) {
        return "MCPAuthResource is not set";
    }
    if ((err = check_https(p, dc, "MCPAuthResource", dc->resource)) != NULL) {
        return err;
    }
    if (!dc->issuers || dc->issuers->nelts == 0) {
        return apr_psprintf(p, "MCPAuthIssuer: resource %s has no "
                            "authorization server", dc->resource);
    }
    if (!mcp_conf_discovery(dc)) {
        mcp_validation_e v = mcp_conf_validation(dc);
        if (v == MCP_VALIDATE_INTROSPECT && !dc->introspection_url) {
            return apr_psprintf(p, "MCPAuthIntrospectionURL: resource %s "
                                "has no way to validate tokens (or "
                                "MCPAuthDiscovery On)", dc->resource);
        }
        if (v == MCP_VALIDATE_JWT && !dc->jwks_url) {
            return apr_psprintf(p, "MCPAuthJWKSURL: resource %s has no keys "
                                "to verify tokens with (or MCPAuthDiscovery "
                                "On)", dc->resource);
        }
        if (!dc->introspection_url && !dc->jwks_url) {
            return apr_psprintf(p, "MCPAuthIntrospectionURL: resource %s "
                                "has no way to validate tokens (nor "
                                "MCPAuthJWKSURL, nor MCPAuthDiscovery On)",
                                dc->resource);
        }
    }
    for (i = 0; i < dc->issuers->nelts; ++i) {
        err = check_https(p, dc, "MCPAuthIssuer",
                          APR_ARRAY_IDX(dc->issuers, i, const char *));
        if (err) {
            return err;
        }
    }
    if ((err = check_https(p, dc, "MCPAuthIntrospectionURL",
                           dc->introspection_url)) != NULL
        || (err = check_https(p, dc, "MCPAuthJWKSURL", dc->jwks_url))) {
        return err;
    }
    for (i = 0; dc->required_scopes && i < dc->required_scopes->nelts; ++i) {
        const char *s = APR_ARRAY_IDX(dc->required_scopes, i, const char *);
        if (!mcp_scopes_contains(sup, s)) {
            return apr_psprintf(p, "MCPAuthScopesSupported: resource %s "
                                "requires scope \"%s\" but does not "
                                "advertise it", dc->resource, s);
        }
    }
    /* a client can only ask for a tool's scope if it is published */
    for (i = 0; dc->scopes_supported && dc->tool_rules
                && i < dc->tool_rules->nelts; ++i) {
        const mcp_tool_rule_t *r = &APR_ARRAY_IDX(dc->tool_rules, i,
                                                  mcp_tool_rule_t);
        int j;
        for (j = 0; j < r->scopes->nelts; ++j) {
            const char *s = APR_ARRAY_IDX(r->scopes, j, const char *);
            if (!mcp_scopes_contains(sup, s)) {
                return apr_psprintf(p, "MCPAuthScopesSupported: resource %s "
                                    "has MCPAuthToolScope %s %s but does not "
                                    "advertise \"%s\"", dc->resource,
                                    r->pattern, s, s);
            }
        }
    }
    return NULL;
}

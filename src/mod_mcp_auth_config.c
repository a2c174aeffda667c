/* mod_mcp_auth_config.c: directives and the startup check of every
 * protected resource. Setters are thin: values are parsed by the pure
 * functions of mcp_parse.c, and errors name the directive. */
#include <string.h>

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_core.h"

#include "mod_mcp_auth.h"
#include "mcp_jwt.h"
#include "mcp_memo.h"
#include "mcp_parse.h"
#include "mcp_resource.h"
#include "mcp_util.h"

/* "MCPAuthTimeout: \"abc\" is not a number" */
static const char *named(cmd_parms *cmd, const char *err)
{
    return err ? apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL)
               : NULL;
}

static apr_array_header_t *push(apr_pool_t *p, apr_array_header_t **pa,
                                const char *v)
{
    if (!*pa) {
        *pa = apr_array_make(p, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(*pa, const char *) = v;
    return *pa;
}

static const char *cmd_resource(cmd_parms *cmd, void *dconf, const char *arg)
{
    mcp_dir_conf_t *dc = dconf;
    mcp_srv_conf_t *sc = ap_get_module_config(cmd->server->module_config,
                                              &mcp_auth_module);
    const char *err, *canon;

    if (!cmd->path) {
        return named(cmd, "only inside <Location>, <Directory> or <Files>");
    }
    if (!(canon = mcp_resource_canonical(cmd->pool, arg, &err))) {
        return named(cmd, err);
    }
    if (dc->resource) {
        return named(cmd, "a section protects one resource");
    }
    dc->resource = arg;
    dc->resource_canonical = canon;
    dc->prm_url = mcp_resource_prm_url(cmd->pool, arg);
    APR_ARRAY_PUSH(sc->sections, mcp_dir_conf_t *) = dc;
    return NULL;
}

static const char *cmd_resource_alias(cmd_parms *cmd, void *dconf,
                                      const char *arg)
{
    mcp_dir_conf_t *dc = dconf;
    const char *err, *canon = mcp_resource_audience_form(cmd->pool, arg,
                                                         &err);

    if (!canon) {
        return named(cmd, err);
    }
    push(cmd->pool, &dc->aliases, canon);
    return NULL;
}

static const char *cmd_issuer(cmd_parms *cmd, void *dconf, const char *arg)
{
    mcp_dir_conf_t *dc = dconf;

    if (mcp_parse_url(cmd->pool, arg)) {
        return named(cmd, mcp_parse_url(cmd->pool, arg));
    }
    push(cmd->pool, &dc->issuers, arg);
    return NULL;
}

static const char *cmd_introspection_url(cmd_parms *cmd, void *dconf,
                                         const char *arg)
{
    mcp_dir_conf_t *dc = dconf;
    const char *err = mcp_parse_url(cmd->pool, arg);

    dc->introspection_url = arg;
    return named(cmd, err);
}

static const char *cmd_introspection_auth(cmd_parms *cmd, void *dconf,
                                          const char *method, const char *id,
                                          const char *secret)
{
    mcp_dir_conf_t *dc = dconf;

    if (!strcmp(method, "client_secret_basic")) {
        dc->client_auth = MCP_CLIENT_AUTH_BASIC;
    }
    else if (!strcmp(method, "client_secret_post")) {
        dc->client_auth = MCP_CLIENT_AUTH_POST;
    }
    else {
        return named(cmd, apr_psprintf(cmd->pool, "\"%s\": use "
                     "client_secret_basic or client_secret_post", method));
    }
    if (!*id || !*secret) {
        return named(cmd, "the client id and secret must not be empty");
    }
    dc->client_id = id;
    dc->client_secret = secret;
    return NULL;
}

static const char *scope_list(cmd_parms *cmd, apr_array_header_t **pa,
                              const char *arg)
{
    const char *err = mcp_parse_scope(cmd->pool, arg);

    if (err) {
        return named(cmd, err);
    }
    push(cmd->pool, pa, arg);
    return NULL;
}

static const char *cmd_require_scope(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    return scope_list(cmd, &((mcp_dir_conf_t *)dconf)->required_scopes, arg);
}

static const char *cmd_scopes_supported(cmd_parms *cmd, void *dconf,
                                        const char *arg)
{
    return scope_list(cmd, &((mcp_dir_conf_t *)dconf)->scopes_supported,
                      arg);
}

static const char *cmd_resource_name(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    ((mcp_dir_conf_t *)dconf)->resource_name = arg;
    return NULL;
}

static const char *cmd_resource_doc(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    ((mcp_dir_conf_t *)dconf)->resource_doc = arg;
    return named(cmd, mcp_parse_url(cmd->pool, arg));
}

static const char *cmd_timeout(cmd_parms *cmd, void *dconf,
                               const char *total, const char *connect)
{
    mcp_dir_conf_t *dc = dconf;
    const char *err = mcp_parse_duration(cmd->pool, total,
                                         apr_time_from_msec(10),
                                         apr_time_from_sec(300), &dc->timeout);

    if (!err && connect) {
        err = mcp_parse_duration(cmd->pool, connect, apr_time_from_msec(10),
                                 apr_time_from_sec(300),
                                 &dc->connect_timeout);
    }
    return named(cmd, err);
}

static const char *cmd_clock_skew(cmd_parms *cmd, void *dconf,
                                  const char *arg)
{
    return named(cmd, mcp_parse_duration(cmd->pool, arg, 0,
                                         apr_time_from_sec(600),
                                         &((mcp_dir_conf_t *)dconf)->clock_skew));
}

static const char *cmd_max_response(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    return named(cmd, mcp_parse_size(cmd->pool, arg, 1024, 16 * 1024 * 1024,
                                     &((mcp_dir_conf_t *)dconf)->max_response));
}

static const char *cmd_allow_http(cmd_parms *cmd, void *dconf, int on)
{
    ((mcp_dir_conf_t *)dconf)->allow_http = on;
    return NULL;
}

static const char *ttl(cmd_parms *cmd, const char *arg,
                       apr_interval_time_t *out)
{
    return named(cmd, mcp_parse_duration(cmd->pool, arg, 0,
                                         apr_time_from_sec(86400), out));
}

static const char *cmd_cache_local(cmd_parms *cmd, void *dconf,
                                   const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    apr_off_t n;

    if (!err && !(err = mcp_parse_size(cmd->pool, arg, 0,
                                       MCP_MEMO_MAX_SLOTS, &n))) {
        mcp_cache_local_entries((int)n);
    }
    return named(cmd, err);
}

static const char *cmd_cache_max_ttl(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    return ttl(cmd, arg, &((mcp_dir_conf_t *)dconf)->cache_max_ttl);
}

static const char *cmd_cache_neg_ttl(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    return ttl(cmd, arg, &((mcp_dir_conf_t *)dconf)->cache_neg_ttl);
}

static const char *cmd_cache_noexp_ttl(cmd_parms *cmd, void *dconf,
                                       const char *arg)
{
    return ttl(cmd, arg, &((mcp_dir_conf_t *)dconf)->cache_noexp_ttl);
}

static const char *cmd_validation(cmd_parms *cmd, void *dconf,
                                  const char *arg)
{
    mcp_dir_conf_t *dc = dconf;

    if (!strcasecmp(arg, "auto")) {
        dc->validation = MCP_VALIDATE_AUTO;
    }
    else if (!strcasecmp(arg, "introspect")) {
        dc->validation = MCP_VALIDATE_INTROSPECT;
    }
    else if (!strcasecmp(arg, "jwt")) {
        dc->validation = MCP_VALIDATE_JWT;
    }
    else {
        return named(cmd, apr_psprintf(cmd->pool, "\"%s\": use introspect, "
                                       "jwt or auto", arg));
    }
    return NULL;
}

static const char *cmd_jwks_url(cmd_parms *cmd, void *dconf, const char *arg)
{
    ((mcp_dir_conf_t *)dconf)->jwks_url = arg;
    return named(cmd, mcp_parse_url(cmd->pool, arg));
}

static const char *cmd_discovery(cmd_parms *cmd, void *dconf, int on)
{
    ((mcp_dir_conf_t *)dconf)->discovery = on;
    return NULL;
}

static const char *cmd_jwt_algorithms(cmd_parms *cmd, void *dconf,
                                      const char *arg)
{
    unsigned bit = mcp_jwt_alg_bit(arg);

    if (!bit) {
        return named(cmd, apr_psprintf(cmd->pool, "\"%s\" is not one of "
                     "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 "
                     "EdDSA (none and HMAC never verify here)", arg));
    }
    ((mcp_dir_conf_t *)dconf)->jwt_algs |= bit;
    return NULL;
}

static const char *cmd_jwt_strict_type(cmd_parms *cmd, void *dconf, int on)
{
    ((mcp_dir_conf_t *)dconf)->jwt_strict_typ = on;
    return NULL;
}

static const char *cmd_keys_refresh(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    return named(cmd, mcp_parse_duration(cmd->pool, arg, apr_time_from_sec(10),
                                         apr_time_from_sec(86400),
                                         &((mcp_dir_conf_t *)dconf)->keys_refresh));
}

static const char *cmd_keys_cooldown(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    return named(cmd, mcp_parse_duration(cmd->pool, arg, 0,
                                         apr_time_from_sec(3600),
                                         &((mcp_dir_conf_t *)dconf)->keys_cooldown));
}

static const char *cmd_max_token_size(cmd_parms *cmd, void *dconf,
                                      const char *arg)
{
    return named(cmd, mcp_parse_size(cmd->pool, arg, 256, 65536,
                                     &((mcp_dir_conf_t *)dconf)->max_token_size));
}

static const char *cmd_sessions(cmd_parms *cmd, void *dconf, int on)
{
    ((mcp_dir_conf_t *)dconf)->sessions = on;
    return NULL;
}

static const char *cmd_session_idle(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    return named(cmd, mcp_parse_duration(cmd->pool, arg, apr_time_from_sec(10),
                                         apr_time_from_sec(7 * 86400),
                                         &((mcp_dir_conf_t *)dconf)->session_idle));
}

static const char *cmd_stream(cmd_parms *cmd, void *dconf, int on)
{
    ((mcp_dir_conf_t *)dconf)->stream = on;
    return NULL;
}

static const char *cmd_stream_max(cmd_parms *cmd, void *dconf,
                                  const char *arg)
{
    apr_off_t n;
    const char *err = mcp_parse_size(cmd->pool, arg, 1, 10000, &n);

    ((mcp_dir_conf_t *)dconf)->stream_max = (int)n;
    return named(cmd, err);
}

static const char *cmd_stream_keepalive(cmd_parms *cmd, void *dconf,
                                        const char *arg)
{
    return named(cmd, mcp_parse_duration(cmd->pool, arg, apr_time_from_sec(1),
                                         apr_time_from_sec(300),
                                         &((mcp_dir_conf_t *)dconf)->stream_keepalive));
}

static const char *cmd_identity_header(cmd_parms *cmd, void *dconf,
                                       const char *what, const char *name)
{
    static const char *const whats[3] = { "sub", "client_id", "scope" };
    mcp_dir_conf_t *dc = dconf;
    const char *s;
    int i;

    for (i = 0; i < 3 && strcasecmp(what, whats[i]); ++i) {
    }
    if (i == 3) {
        return named(cmd, apr_psprintf(cmd->pool, "\"%s\": use sub, "
                                       "client_id or scope", what));
    }
    if (!strcasecmp(name, "none")) {
        dc->identity_header[i] = "";
        return NULL;
    }
    for (s = name; *s; ++s) {            /* an HTTP token (RFC 9110 5.6.2) */
        if (!apr_isalnum(*s) && !strchr("!#$%&'*+-.^_`|~", *s)) {
            return named(cmd, apr_psprintf(cmd->pool, "\"%s\" is not a "
                                           "header name", name));
        }
    }
    dc->identity_header[i] = name;
    return NULL;
}

static const char *cmd_upstream_auth(cmd_parms *cmd, void *dconf,
                                     const char *arg)
{
    const char *s;

    for (s = arg; *s; ++s) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return named(cmd, "control characters are not allowed");
        }
    }
    ((mcp_dir_conf_t *)dconf)->upstream_auth = arg;
    return NULL;
}

static const char *cmd_max_body(cmd_parms *cmd, void *dconf, const char *arg)
{
    return named(cmd, mcp_parse_size(cmd->pool, arg, 256, 64 * 1024 * 1024,
                                     &((mcp_dir_conf_t *)dconf)->max_body));
}

static const char *cmd_max_list(cmd_parms *cmd, void *dconf, const char *arg)
{
    return named(cmd, mcp_parse_size(cmd->pool, arg, 1024, 256 * 1024 * 1024,
                                     &((mcp_dir_conf_t *)dconf)->max_list));
}

static const char *cmd_tool_scope(cmd_parms *cmd, void *dconf, int argc,
                                  char *const argv[])
{
    mcp_dir_conf_t *dc = dconf;
    mcp_tool_rule_t rule;
    const char *err = mcp_policy_parse_rule(&rule, cmd->pool, argc, argv);

    if (err) {
        return named(cmd, err);
    }
    if (!dc->tool_rules) {
        dc->tool_rules = apr_array_make(cmd->pool, 4, sizeof(rule));
    }
    APR_ARRAY_PUSH(dc->tool_rules, mcp_tool_rule_t) = rule;
    return NULL;
}

static const char *cmd_scope_implies(cmd_parms *cmd, void *dconf, int argc,
                                     char *const argv[])
{
    mcp_dir_conf_t *dc = dconf;
    mcp_scope_rule_t rule;
    const char *err = mcp_policy_parse_implies(&rule, cmd->pool, argc, argv);

    if (err) {
        return named(cmd, err);
    }
    if (!dc->scope_implies) {
        dc->scope_implies = apr_array_make(cmd->pool, 4, sizeof(rule));
    }
    APR_ARRAY_PUSH(dc->scope_implies, mcp_scope_rule_t) = rule;
    return NULL;
}

static const char *cmd_as_mirror(cmd_parms *cmd, void *dconf, int flag)
{
    ((mcp_dir_conf_t *)dconf)->as_mirror = flag;
    return NULL;
}

static const char *cmd_audit_log(cmd_parms *cmd, void *dconf, int flag)
{
    ((mcp_dir_conf_t *)dconf)->audit_log = flag;
    return NULL;
}

static const char *cmd_audit_args(cmd_parms *cmd, void *dconf,
                                  const char *arg)
{
    mcp_dir_conf_t *dc = dconf;

    if (!strcasecmp(arg, "Off")) {
        dc->audit_args = 0;
        return NULL;
    }
    return named(cmd, mcp_parse_size(cmd->pool, arg, 1, 64 * 1024,
                                     &dc->audit_args));
}

static const char *cmd_allow_origin(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    mcp_dir_conf_t *dc = dconf;
    const char *origin, *err = mcp_parse_origin(cmd->pool, arg, &origin);

    if (err) {
        return named(cmd, err);
    }
    push(cmd->pool, &dc->allow_origins,
         strcmp(origin, "*") ? mcp_resource_origin(cmd->pool, origin) : "*");
    return NULL;
}

/* No directive is allowed in .htaccess (no OR_* override): secrets and
 * the identity of the resource belong to the server's administrator. */
#define WHERE (RSRC_CONF | ACCESS_CONF)

const command_rec mcp_cmds[] = {
    AP_INIT_TAKE1("MCPAuthResource", cmd_resource, NULL, ACCESS_CONF,
        "the canonical URI of the protected MCP resource (RFC 8707)"),
    AP_INIT_ITERATE("MCPAuthResourceAlias", cmd_resource_alias, NULL, WHERE,
        "further URIs accepted as the token audience"),
    AP_INIT_ITERATE("MCPAuthIssuer", cmd_issuer, NULL, WHERE,
        "issuer URL(s) of the authorization server(s)"),
    AP_INIT_TAKE1("MCPAuthIntrospectionURL", cmd_introspection_url, NULL,
        WHERE, "the RFC 7662 token introspection endpoint"),
    AP_INIT_TAKE3("MCPAuthIntrospectionAuth", cmd_introspection_auth, NULL,
        WHERE, "client_secret_basic|client_secret_post <client-id> <secret>"),
    AP_INIT_ITERATE("MCPAuthRequireScope", cmd_require_scope, NULL, WHERE,
        "scopes every token must carry"),
    AP_INIT_ITERATE("MCPAuthScopesSupported", cmd_scopes_supported, NULL,
        WHERE, "scopes published in the resource metadata"),
    AP_INIT_TAKE1("MCPAuthResourceName", cmd_resource_name, NULL, WHERE,
        "human-readable name in the resource metadata"),
    AP_INIT_TAKE1("MCPAuthResourceDocumentation", cmd_resource_doc, NULL,
        WHERE, "documentation URL in the resource metadata"),
    AP_INIT_TAKE12("MCPAuthTimeout", cmd_timeout, NULL, WHERE,
        "<total> [<connect>] for calls to the authorization server"),
    AP_INIT_TAKE1("MCPAuthClockSkew", cmd_clock_skew, NULL, WHERE,
        "tolerance for exp and nbf"),
    AP_INIT_TAKE1("MCPAuthMaxResponseSize", cmd_max_response, NULL, WHERE,
        "largest answer accepted from the authorization server"),
    AP_INIT_FLAG("MCPAuthAllowHTTP", cmd_allow_http, NULL, WHERE,
        "allow http:// authorization server URLs (development only)"),
    AP_INIT_TAKE1("MCPAuthValidation", cmd_validation, NULL, WHERE,
        "introspect | jwt | auto (JWT-shaped tokens locally)"),
    AP_INIT_TAKE1("MCPAuthJWKSURL", cmd_jwks_url, NULL, WHERE,
        "the authorization server's JWK Set (else discovered)"),
    AP_INIT_FLAG("MCPAuthDiscovery", cmd_discovery, NULL, WHERE,
        "discover endpoints from the issuer's metadata"),
    AP_INIT_ITERATE("MCPAuthJWTAlgorithms", cmd_jwt_algorithms, NULL, WHERE,
        "JWS algorithms accepted"),
    AP_INIT_FLAG("MCPAuthJWTStrictType", cmd_jwt_strict_type, NULL, WHERE,
        "require typ at+jwt (RFC 9068)"),
    AP_INIT_TAKE1("MCPAuthKeysRefresh", cmd_keys_refresh, NULL, WHERE,
        "how long metadata and keys are used before fetching them again"),
    AP_INIT_TAKE1("MCPAuthKeysCooldown", cmd_keys_cooldown, NULL, WHERE,
        "least time between fetches caused by unknown kids"),
    AP_INIT_TAKE1("MCPAuthMaxTokenSize", cmd_max_token_size, NULL, WHERE,
        "largest bearer token accepted"),
    AP_INIT_TAKE1("MCPAuthCache", mcp_cmd_cache, NULL, RSRC_CONF,
        "shmcb[:args] | memcache:host:port | redis:host:port | none"),
    AP_INIT_TAKE1("MCPAuthCacheSecret", mcp_cmd_cache_secret, NULL,
        RSRC_CONF, "passphrase that authenticates shared cache entries"),
    AP_INIT_TAKE1("MCPAuthCacheLocalEntries", cmd_cache_local, NULL,
        RSRC_CONF, "verdicts each child keeps in its own memory (0: none)"),
    AP_INIT_TAKE1("MCPAuthCacheMaxTTL", cmd_cache_max_ttl, NULL, WHERE,
        "longest time a valid token's verdict is reused"),
    AP_INIT_TAKE1("MCPAuthCacheNegativeTTL", cmd_cache_neg_ttl, NULL, WHERE,
        "how long a rejected token's verdict is reused"),
    AP_INIT_TAKE1("MCPAuthCacheNoExpTTL", cmd_cache_noexp_ttl, NULL, WHERE,
        "how long to reuse the verdict on a token without exp (0: never)"),
    AP_INIT_TAKE1("MCPMaxBodySize", cmd_max_body, NULL, WHERE,
        "largest JSON-RPC request body"),
    AP_INIT_TAKE2("MCPAuthIdentityHeader", cmd_identity_header, NULL, WHERE,
        "sub|client_id|scope <header>|none: identity passed on"),
    AP_INIT_TAKE1("MCPAuthUpstreamAuthorization", cmd_upstream_auth, NULL,
        WHERE, "Authorization value sent on instead of the client's"),
    AP_INIT_FLAG("MCPSessions", cmd_sessions, NULL, WHERE,
        "issue Mcp-Session-Id on initialize and require it afterwards"),
    AP_INIT_TAKE1("MCPSessionIdleTimeout", cmd_session_idle, NULL, WHERE,
        "how long an unused session lives"),
    AP_INIT_FLAG("MCPServerStream", cmd_stream, NULL, WHERE,
        "answer GET with a server-to-client SSE stream (else 405)"),
    AP_INIT_TAKE1("MCPServerStreamMax", cmd_stream_max, NULL, WHERE,
        "open GET streams per process"),
    AP_INIT_TAKE1("MCPServerStreamKeepAlive", cmd_stream_keepalive, NULL,
        WHERE, "interval of keep-alive comments on GET streams"),
    AP_INIT_TAKE_ARGV("MCPAuthToolScope", cmd_tool_scope, NULL, WHERE,
        "<tool name or pattern> <scope> [<scope> ...]: scopes a tool needs"),
    AP_INIT_TAKE1("MCPMaxListSize", cmd_max_list, NULL, WHERE,
        "largest tools/list answer of a proxied server that is filtered"),
    AP_INIT_TAKE_ARGV("MCPAuthScopeImplies", cmd_scope_implies, NULL, WHERE,
        "<scope> <implied scope> [...]: a broader scope implies narrower ones"),
    AP_INIT_FLAG("MCPAuthASMetadataMirror", cmd_as_mirror, NULL, WHERE,
        "serve the issuer's metadata at /.well-known/oauth-authorization-server"
        " for clients of protocol 2025-03-26"),
    AP_INIT_FLAG("MCPAuditLog", cmd_audit_log, NULL, WHERE,
        "one error-log line (info) per tools/call"),
    AP_INIT_TAKE1("MCPAuditArguments", cmd_audit_args, NULL, WHERE,
        "Off, or how many bytes of tool arguments the audit line shows"),
    AP_INIT_ITERATE("MCPAllowOrigin", cmd_allow_origin, NULL, WHERE,
        "origins allowed to call the MCP endpoint, or *"),
    { NULL }
};

void *mcp_create_dir_conf(apr_pool_t *p, char *dir)
{
    return mcp_dir_conf_create(p);
}

void *mcp_merge_dir_conf(apr_pool_t *p, void *base, void *add)
{
    return mcp_dir_conf_merge(p, base, add);
}

void *mcp_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    mcp_srv_conf_t *sc = apr_pcalloc(p, sizeof(*sc));

    sc->sections = apr_array_make(p, 2, sizeof(mcp_dir_conf_t *));
    return sc;
}

void *mcp_merge_srv_conf(apr_pool_t *p, void *basev, void *addv)
{
    const mcp_srv_conf_t *base = basev, *add = addv;
    mcp_srv_conf_t *sc = apr_pcalloc(p, sizeof(*sc));

    /* <Location>s of the main server apply to every virtual host */
    sc->sections = apr_array_append(p, base->sections, add->sections);
    return sc;
}

const mcp_dir_conf_t *mcp_dir_conf(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &mcp_auth_module);
}

const apr_array_header_t *mcp_published(request_rec *r)
{
    const mcp_srv_conf_t *sc = ap_get_module_config(r->server->module_config,
                                                    &mcp_auth_module);

    return sc->resources;
}

/* Publish the resources of one virtual host: effective configuration
 * (section over virtual host defaults), consistency, metadata document. */
static int publish(apr_pool_t *p, server_rec *s)
{
    mcp_srv_conf_t *sc = ap_get_module_config(s->module_config,
                                              &mcp_auth_module);
    const mcp_dir_conf_t *vdc = ap_get_module_config(s->lookup_defaults,
                                                     &mcp_auth_module);
    int i, j;

    sc->resources = apr_array_make(p, sc->sections->nelts,
                                   sizeof(mcp_published_t));
    for (i = 0; i < sc->sections->nelts; ++i) {
        mcp_dir_conf_t *dc = mcp_dir_conf_merge(p, vdc,
                APR_ARRAY_IDX(sc->sections, i, mcp_dir_conf_t *));
        mcp_published_t *pub;
        mcp_prm_t prm;
        const char *err = mcp_conf_check(p, dc);

        if (err) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         MCPLOGNO(00101) "%s", err);
            return !OK;
        }
        for (j = 0; j < sc->resources->nelts; ++j) {
            pub = &APR_ARRAY_IDX(sc->resources, j, mcp_published_t);
            if (!strcmp(pub->prm_path, mcp_resource_prm_path(p, dc->resource))) {
                ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                             MCPLOGNO(00102) "MCPAuthResource: %s and %s share "
                             "one metadata URL on %s:%u; protect each "
                             "resource in one section only",
                             pub->dc->resource, dc->resource,
                             s->server_hostname, (unsigned)s->port);
                return !OK;
            }
        }
        prm.resource = dc->resource;
        prm.issuers = dc->issuers;
        prm.scopes = mcp_conf_scopes_published(p, dc);
        prm.name = dc->resource_name;
        prm.documentation = dc->resource_doc;

        pub = apr_array_push(sc->resources);
        pub->dc = dc;
        pub->prm_path = mcp_resource_prm_path(p, dc->resource);
        pub->document = mcp_prm_document(p, &prm);
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, MCPLOGNO(00103)
                     "resource %s: metadata at %s, issuer %s, validation %s, "
                     "introspection %s, JWKS %s, required scopes \"%s\", "
                     "published scopes \"%s\", %d tool rule(s), %d scope "
                     "implication(s), sessions %s", dc->resource,
                     dc->prm_url, APR_ARRAY_IDX(dc->issuers, 0, const char *),
                     mcp_conf_validation(dc) == MCP_VALIDATE_JWT ? "jwt"
                     : mcp_conf_validation(dc) == MCP_VALIDATE_INTROSPECT
                       ? "introspection" : "auto",
                     dc->introspection_url ? dc->introspection_url
                                           : "(discovered)",
                     dc->jwks_url ? dc->jwks_url : "(discovered)",
                     mcp_scopes_join(p, dc->required_scopes),
                     mcp_scopes_join(p, prm.scopes),
                     dc->tool_rules ? dc->tool_rules->nelts : 0,
                     dc->scope_implies ? dc->scope_implies->nelts : 0,
                     mcp_conf_sessions(dc) ? "on" : "off");
    }
    return OK;
}

int mcp_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                     server_rec *s)
{
    for (; s; s = s->next) {
        if (publish(pconf, s) != OK) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

/* mcp_conf.h: per-directory and per-server configuration. Fields start
 * "unset" (MCP_UNSET or NULL), merge field by field, and defaults are
 * applied only in the getters, so "unset" is never confused with "set to
 * the default" across <Location> nesting.
 */
#ifndef MCP_CONF_H
#define MCP_CONF_H

#include "mcp.h"

#define MCP_UNSET (-1)

#define MCP_DEFAULT_TIMEOUT          apr_time_from_sec(5)
#define MCP_DEFAULT_CONNECT_TIMEOUT  apr_time_from_sec(2)
#define MCP_DEFAULT_CLOCK_SKEW       apr_time_from_sec(30)
#define MCP_DEFAULT_MAX_RESPONSE     (64 * 1024)
#define MCP_DEFAULT_MAX_BODY         (1024 * 1024)
#define MCP_DEFAULT_CACHE_MAX_TTL    apr_time_from_sec(60)
#define MCP_DEFAULT_CACHE_NEG_TTL    apr_time_from_sec(5)
#define MCP_DEFAULT_CACHE_NOEXP_TTL  0
#define MCP_DEFAULT_KEYS_REFRESH     apr_time_from_sec(3600)
#define MCP_DEFAULT_KEYS_COOLDOWN    apr_time_from_sec(30)
#define MCP_DEFAULT_MAX_TOKEN_SIZE   8192
#define MCP_DEFAULT_SESSION_IDLE     apr_time_from_sec(3600)
#define MCP_DEFAULT_STREAM_MAX       8
#define MCP_DEFAULT_STREAM_KEEPALIVE apr_time_from_sec(15)
#define MCP_DEFAULT_MAX_LIST         (4 * 1024 * 1024)

typedef enum {
    MCP_CLIENT_AUTH_NONE = 0,
    MCP_CLIENT_AUTH_BASIC,      /* client_secret_basic */
    MCP_CLIENT_AUTH_POST        /* client_secret_post */
} mcp_client_auth_e;

typedef enum {
    MCP_VALIDATE_AUTO = 0,      /* JWT-shaped tokens locally, others by
                                 * introspection */
    MCP_VALIDATE_INTROSPECT,
    MCP_VALIDATE_JWT
} mcp_validation_e;

typedef struct mcp_dir_conf_t {
    /* the protected resource */
    const char *resource;             /* as configured: byte-exact in PRM */
    const char *resource_canonical;   /* of resource, set with it by the
                                       * directive (NULL: computed) */
    const char *prm_url;              /* its metadata URL, set with it */
    apr_array_header_t *audiences;    /* canonical resource + aliases */
    apr_array_header_t *aliases;      /* canonical forms, as configured */
    const char *resource_name;
    const char *resource_doc;
    apr_array_header_t *issuers;
    apr_array_header_t *required_scopes;
    apr_array_header_t *scopes_supported;
    /* token validation */
    int validation;                   /* mcp_validation_e or MCP_UNSET */
    int discovery;
    const char *jwks_url;
    unsigned jwt_algs;                /* MCP_ALG_* bits; 0: unset */
    int jwt_strict_typ;
    apr_interval_time_t keys_refresh;
    apr_interval_time_t keys_cooldown;
    apr_off_t max_token_size;
    const char *introspection_url;
    int client_auth;                  /* mcp_client_auth_e or MCP_UNSET */
    const char *client_id;
    const char *client_secret;
    apr_interval_time_t timeout;
    apr_interval_time_t connect_timeout;
    apr_interval_time_t clock_skew;
    apr_off_t max_response;
    int allow_http;
    /* the verdict cache */
    apr_interval_time_t cache_max_ttl;
    apr_interval_time_t cache_neg_ttl;
    apr_interval_time_t cache_noexp_ttl;
    /* the MCP endpoint */
    apr_off_t max_body;
    apr_array_header_t *allow_origins;
    int sessions;
    apr_interval_time_t session_idle;
    /* what the request carries on (handler, proxy) */
    const char *identity_header[3];   /* sub, client_id, scope; "" = none */
    const char *upstream_auth;        /* Authorization sent on, or NULL */
    int stream;                       /* GET: server-to-client SSE */
    int stream_max;                   /* open GET streams per process */
    apr_interval_time_t stream_keepalive;
    /* per-tool scopes (mcp_policy.h) */
    apr_array_header_t *tool_rules;   /* mcp_tool_rule_t, inherited first */
    apr_off_t max_list;               /* a proxied tools/list answer */
    apr_array_header_t *scope_implies;/* mcp_scope_rule_t, inherited first */
    /* the audit trail */
    int audit_log;
    apr_off_t audit_args;             /* bytes of arguments logged; 0: none */
    int as_mirror;                    /* MCPAuthASMetadataMirror */
} mcp_dir_conf_t;

/* Everything protected on one server (virtual host): the section configs
 * that name a resource, and after post_config their effective configs. */
typedef struct mcp_srv_conf_t {
    apr_array_header_t *sections;     /* mcp_dir_conf_t *, as parsed */
    apr_array_header_t *resources;    /* mcp_dir_conf_t *, effective */
} mcp_srv_conf_t;

mcp_dir_conf_t *mcp_dir_conf_create(apr_pool_t *p);
mcp_dir_conf_t *mcp_dir_conf_merge(apr_pool_t *p, const mcp_dir_conf_t *base,
                                   const mcp_dir_conf_t *add);

/* The accepted audiences (canonical): the resource and its aliases.
 * Computed by the merge, so the request path never canonicalizes. */
const apr_array_header_t *mcp_conf_audiences(const mcp_dir_conf_t *dc);

/* Getters that apply the defaults. */
apr_interval_time_t mcp_conf_timeout(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_connect_timeout(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_clock_skew(const mcp_dir_conf_t *dc);
apr_off_t mcp_conf_max_response(const mcp_dir_conf_t *dc);
apr_off_t mcp_conf_max_body(const mcp_dir_conf_t *dc);
apr_off_t mcp_conf_max_list(const mcp_dir_conf_t *dc);
int mcp_conf_audit_log(const mcp_dir_conf_t *dc);
int mcp_conf_as_mirror(const mcp_dir_conf_t *dc);
apr_off_t mcp_conf_audit_args(const mcp_dir_conf_t *dc);
int mcp_conf_sessions(const mcp_dir_conf_t *dc);
/* The request header that carries the caller's sub (0), client_id (1) or
 * scopes (2) on, or NULL for none. Defaults: X-MCP-Sub, X-MCP-Client-Id,
 * X-MCP-Scope. */
const char *mcp_conf_identity_header(const mcp_dir_conf_t *dc, int which);
int mcp_conf_stream(const mcp_dir_conf_t *dc);
int mcp_conf_stream_max(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_stream_keepalive(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_session_idle(const mcp_dir_conf_t *dc);
int mcp_conf_allow_http(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_cache_max_ttl(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_cache_neg_ttl(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_cache_noexp_ttl(const mcp_dir_conf_t *dc);
mcp_client_auth_e mcp_conf_client_auth(const mcp_dir_conf_t *dc);
mcp_validation_e mcp_conf_validation(const mcp_dir_conf_t *dc);
int mcp_conf_discovery(const mcp_dir_conf_t *dc);
unsigned mcp_conf_jwt_algs(const mcp_dir_conf_t *dc);
int mcp_conf_jwt_strict_typ(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_keys_refresh(const mcp_dir_conf_t *dc);
apr_interval_time_t mcp_conf_keys_cooldown(const mcp_dir_conf_t *dc);
apr_size_t mcp_conf_max_token_size(const mcp_dir_conf_t *dc);
/* The scopes published in metadata: MCPAuthScopesSupported, else the
 * required scopes. */
const apr_array_header_t *mcp_conf_scopes_supported(const mcp_dir_conf_t *dc);
/* What the metadata document lists: MCPAuthScopesSupported, else the
 * required scopes and those of every MCPAuthToolScope rule. */
const apr_array_header_t *mcp_conf_scopes_published(apr_pool_t *p,
                                                    const mcp_dir_conf_t *dc);

/* Consistency of an effective resource config, as checked at startup.
 * NULL when fine, else a message naming the directive at fault. */
const char *mcp_conf_check(apr_pool_t *p, const mcp_dir_conf_t *dc);

#endif /* MCP_CONF_H */

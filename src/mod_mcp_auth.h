/* mod_mcp_auth.h: private to the httpd glue (mod_mcp_auth.c and
 * src/mod_mcp_auth_*.c). The core (src/mcp_*) never includes it.
 */
#ifndef MOD_MCP_AUTH_H
#define MOD_MCP_AUTH_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include "mcp_cache.h"
#include "mcp_claims.h"
#include "mcp_conf.h"
#include "mcp_flight.h"
#include "mcp_http.h"
#include "mcp_jwk.h"
#include "mcp_policy.h"
#include "mcp_rpc.h"
#include "mcp_server.h"
#include "mcp_tools.h"

APLOG_USE_MODULE(mcp_auth);

extern module AP_MODULE_DECLARE_DATA mcp_auth_module;

/* Our own log tags: AHnnnnn belong to the httpd distribution. One tag per
 * call site, never reused ("make check-logtags"). */
#define MCPLOGNO(n) "MCP" #n ": "

#define MCP_AUTH_TYPE    "MCP"     /* AuthType MCP */
#define MCP_HANDLER      "mcp"     /* SetHandler mcp */

/* What one virtual host publishes: a protected resource, its effective
 * configuration, and its metadata document rendered at startup. */
typedef struct mcp_published_t {
    const mcp_dir_conf_t *dc;
    const char *prm_path;
    const char *document;
} mcp_published_t;

/* mod_mcp_auth_config.c */
extern const command_rec mcp_cmds[];
void *mcp_create_dir_conf(apr_pool_t *p, char *dir);
void *mcp_merge_dir_conf(apr_pool_t *p, void *base, void *add);
void *mcp_create_srv_conf(apr_pool_t *p, server_rec *s);
void *mcp_merge_srv_conf(apr_pool_t *p, void *base, void *add);
int mcp_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                     server_rec *s);
const mcp_dir_conf_t *mcp_dir_conf(request_rec *r);
/* The resources published on r's virtual host (mcp_published_t). */
const apr_array_header_t *mcp_published(request_rec *r);

/* mod_mcp_auth_authn.c */
void mcp_authn_register_hooks(apr_pool_t *p);
/* 1 when r is under AuthType MCP. */
int mcp_is_ours(request_rec *r);
/* Answer a verdict: its status, WWW-Authenticate challenge (naming
 * `scope`, or NULL for the location's scopes) and JSON body. */
int mcp_deny(request_rec *r, const mcp_dir_conf_t *dc, mcp_verdict_e v,
             const char *desc, const char *scope);
/* The audit notes mcp-decision (allow/deny) and mcp-reason. */
void mcp_decision(request_rec *r, int allow, const char *reason);

/* What this module knows about a request (r->request_config). */
typedef struct mcp_req_t {
    const mcp_claims_t *claims;        /* the caller's token, validated */
    const apr_array_header_t *scopes;  /* its scopes and those they imply */
    const struct cJSON *kept;          /* claims->kept, parsed when needed */
    int kept_parsed;
} mcp_req_t;
mcp_req_t *mcp_req(request_rec *r);

/* mod_mcp_auth_session.c: sessions of the built-in endpoint */
int mcp_sessions_on(const mcp_dir_conf_t *dc);
/* Session rules before a message is answered: DECLINED to go on, OK when
 * the answer is written (400 without an id, 404 unknown). */
int mcp_session_before(request_rec *r, const mcp_dir_conf_t *dc,
                       const mcp_rpc_msg_t *m);
/* After a successful initialize: create the session (Mcp-Session-Id).
 * DECLINED to go on, OK when the answer is written (503: no store). */
int mcp_session_after(request_rec *r, const mcp_dir_conf_t *dc,
                      const mcp_rpc_msg_t *m, const mcp_reply_t *reply);
/* The answers 404 (unknown session) and 400 (no Mcp-Session-Id). */
int mcp_session_not_found(request_rec *r);
int mcp_session_missing(request_rec *r);
/* 1 while sid is the caller's live session (or the store fails). */
int mcp_session_alive(request_rec *r, const mcp_dir_conf_t *dc,
                      const char *sid);
/* Sessions of proxied servers: record the caller as the owner of the
 * server's session sid (after its initialize answer); 1 while sid is
 * bound to the caller (or the store fails); forget it (after DELETE). */
void mcp_session_bind(request_rec *r, const mcp_dir_conf_t *dc,
                      const char *sid);
int mcp_session_bound(request_rec *r, const mcp_dir_conf_t *dc,
                      const char *sid);
void mcp_session_unbind(request_rec *r, const mcp_dir_conf_t *dc,
                        const char *sid);
/* mod_mcp_auth_stream.c: GET, the server-to-client SSE stream. OK when
 * answered, DECLINED when streams are off (405 then). */
int mcp_stream_get(request_rec *r, const mcp_dir_conf_t *dc);
/* DELETE: end the caller's session (OK, the answer is written), or
 * DECLINED when sessions are off. */
int mcp_session_delete(request_rec *r, const mcp_dir_conf_t *dc);

/* mod_mcp_auth_handler.c */
/* A POST body of JSON-RPC messages. */
typedef struct mcp_body_t {
    char *buf;
    apr_size_t len;
    apr_array_header_t *msgs;     /* mcp_rpc_msg_t * */
    int batch;
} mcp_body_t;
/* Read (at most MCPMaxBodySize) and parse a POST body: HTTP_OK, or the
 * status to answer with *perr (JSON-RPC error text, or NULL for none):
 * 415 not JSON, 413 too large, 400 unreadable or no JSON-RPC. */
int mcp_body_read(request_rec *r, const mcp_dir_conf_t *dc, mcp_body_t *body,
                  const char **perr);
/* Write a complete response (JSON body, or none) from a handler. */
int mcp_respond(request_rec *r, int status, const char *json);
void mcp_handler_register_hooks(apr_pool_t *p);
/* Check the Origin header (MCP transport: 403 for a foreign origin) and
 * set the CORS response headers. OK or HTTP_FORBIDDEN. */
int mcp_origin_check(request_rec *r, const mcp_dir_conf_t *dc);
/* Answer status with a JSON body, from a hook that returns `status`. */
int mcp_error_response(request_rec *r, int status, const char *json);

/* mod_mcp_auth_authz.c: Require mcp-scope, Require mcp-claim */
void mcp_authz_register_hooks(apr_pool_t *p);
/* The claim names Require mcp-claim lines use: kept with verdicts. */
const apr_array_header_t *mcp_authz_claim_names(void);

/* mod_mcp_auth_audit.c: the audit notes and MCPAuditLog */
void mcp_audit_register_hooks(apr_pool_t *p);
/* The notes mcp-method and mcp-tool (and mcp-tool-args with
 * MCPAuditArguments) of a parsed body. */
void mcp_audit_message(request_rec *r, const mcp_dir_conf_t *dc,
                       const mcp_body_t *body);

/* mod_mcp_auth_gateway.c: per-tool scopes, and MCP servers behind
 * mod_proxy */
void mcp_gateway_register_hooks(apr_pool_t *p);
/* The scopes of the caller's token (NULL without one). */
const apr_array_header_t *mcp_policy_granted(request_rec *r);
/* MCPAuthToolScope over every tools/call in msgs: OK, or 403 with an
 * insufficient_scope challenge naming every scope the request needs. */
int mcp_policy_enforce(request_rec *r, const mcp_dir_conf_t *dc,
                       const apr_array_header_t *msgs);

/* mod_mcp_auth_status.c: counters in shared memory, shown by mod_status
 * (names in COUNTER_NAMES there) */
typedef enum {
    MCP_COUNT_HITS,
    MCP_COUNT_NEGATIVE_HITS,
    MCP_COUNT_LOCAL_HITS,               /* of those, from the memo */
    MCP_COUNT_MISSES,
    MCP_COUNT_VALIDATIONS,
    MCP_COUNT_ERRORS,
    MCP_COUNT_WAITS,
    MCP_COUNT_JWKS_FETCHES,
    MCP_COUNT_METADATA_FETCHES,
    MCP_COUNT_REQUESTS,
    MCP_COUNT_DENIED_400,
    MCP_COUNT_DENIED_401,
    MCP_COUNT_DENIED_403,
    MCP_COUNT_UNAVAILABLE_503,
    MCP_COUNT_VALIDATIONS_JWT,
    MCP_COUNT_VALIDATIONS_INTROSPECTION,
    MCP_COUNT_SESSIONS_CREATED,
    MCP_COUNT_SESSIONS_DELETED,
    MCP_COUNT_STREAMS_OPEN,             /* goes down too */
    MCP_COUNT_AS_CALLS,                 /* latency: calls, sum, max (us) */
    MCP_COUNT_AS_LATENCY_SUM,
    MCP_COUNT_AS_LATENCY_MAX,
    MCP_COUNTER_COUNT
} mcp_counter_e;

/* Why a request was refused, beyond the token reasons (mcp_reason_e,
 * 1 to MCP_REASON_COUNT - 1), for the per-reason counters. */
typedef enum {
    MCP_DENY_NO_TOKEN = MCP_REASON_COUNT,
    MCP_DENY_BAD_REQUEST,      /* malformed header, token in query/form */
    MCP_DENY_TOO_LONG,
    MCP_DENY_TOOL_SCOPE,       /* MCPAuthToolScope */
    MCP_DENY_POLICY,           /* a Require mcp-* line */
    MCP_DENY_UNAVAILABLE,      /* the authorization server failed us */
    MCP_DENY_COUNT
} mcp_deny_e;

void mcp_status_register_hooks(apr_pool_t *p);
void mcp_count(mcp_counter_e which);
void mcp_uncount(mcp_counter_e which);
/* A refusal: its status and why (mcp_reason_e or mcp_deny_e). */
void mcp_count_denial(int status, int why);
/* How long a call to the authorization server took. */
void mcp_count_latency(apr_interval_time_t took);

/* mod_mcp_auth_cache.c: the verdict cache */
const char *mcp_cmd_cache(cmd_parms *cmd, void *dconf, const char *arg);
const char *mcp_cmd_cache_secret(cmd_parms *cmd, void *dconf,
                                 const char *arg);
/* MCPAuthCacheLocalEntries, parsed by the directive (0: no memo). */
void mcp_cache_local_entries(int entries);
void mcp_cache_register_hooks(apr_pool_t *p);
/* This process's memo of verdicts (NULL when off). */
struct mcp_memo_t *mcp_memo(void);
int mcp_cache_enabled(void);
/* 1 when the cache failed in this process within the last seconds. */
int mcp_cache_troubled(void);
const unsigned char *mcp_cache_secret(void);
void mcp_count(mcp_counter_e which);
/* A rate-limited warning about the cache (and a count of it). */
void mcp_cache_warn(request_rec *r, const char *what);
/* APR_SUCCESS, APR_NOTFOUND, or APR_EGENERAL for trouble (logged; read
 * it as a miss). *plen: in, the room in buf; out, the length. */
apr_status_t mcp_socache_get(request_rec *r, const unsigned char *id,
                             unsigned char *buf, apr_size_t *plen);
apr_status_t mcp_socache_set(request_rec *r, const unsigned char *id,
                             const unsigned char *data, apr_size_t len,
                             apr_interval_time_t ttl);
void mcp_socache_del(request_rec *r, const unsigned char *id);
/* Store unless present: APR_SUCCESS (stored), APR_EEXIST, or trouble. */
apr_status_t mcp_socache_add(request_rec *r, const unsigned char *id,
                             const unsigned char *data, apr_size_t len,
                             apr_interval_time_t ttl);

/* mod_mcp_auth_keys.c: metadata discovery and signing keys */
typedef struct mcp_keyset_t mcp_keyset_t;
void mcp_keys_child_init(apr_pool_t *pchild);
/* The JWKS (jwks != 0) or introspection URL of dc: configured, else
 * discovered from its first issuer; *purl NULL when there is none.
 * APR_EGENERAL when discovery was needed and failed. */
apr_status_t mcp_endpoint(request_rec *r, const mcp_dir_conf_t *dc,
                          int jwks, const char **purl);
/* The current keys of the JWK Set at url, refreshed when stale, or when
 * kid is unknown (at most once per cooldown). Release the handle after
 * verifying. APR_EGENERAL when no keys could be had. */
apr_status_t mcp_keys_get(mcp_keyset_t **phandle, request_rec *r,
                          const mcp_dir_conf_t *dc, const char *url,
                          const char *kid);
const mcp_jwks_t *mcp_keys_jwks(mcp_keyset_t *handle);
/* The metadata document of dc's first issuer, as it published it (from
 * the shared cache, else fetched, its issuer checked). */
apr_status_t mcp_issuer_metadata(request_rec *r, const mcp_dir_conf_t *dc,
                                 const char **pdoc, apr_size_t *plen);
void mcp_keys_release(mcp_keyset_t *handle);

/* mod_mcp_auth_verdict.c: one validation per token */
mcp_verdict_e mcp_verdict(request_rec *r, const mcp_dir_conf_t *dc,
                          const char *token, mcp_claims_t **pclaims,
                          const char **pdesc);

/* mod_mcp_auth_tools.c: the tool provider API (MCP_TOOL_PROVIDER_GROUP) */
/* Register the built-in tools (add, multiply) as providers. */
void mcp_tools_register_hooks(apr_pool_t *p);
/* Add every tool provider, sorted by name, to reg (not sealed). OK, or
 * HTTP_INTERNAL_SERVER_ERROR after logging why a tool was refused. */
int mcp_tools_collect(mcp_tools_t *reg, apr_pool_t *ptemp, server_rec *s);

/* mod_mcp_auth.c: process-wide state */
mcp_http_client_t *mcp_http_client(void);
mcp_flight_t *mcp_flight(void);
const mcp_tools_t *mcp_tools(void);

#endif /* MOD_MCP_AUTH_H */

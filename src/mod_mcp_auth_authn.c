/* mod_mcp_auth_authn.c: AuthType MCP. check_authn takes the bearer token
 * from the Authorization header only, validates it, and answers 401, 403,
 * 400 or 503 with the exact WWW-Authenticate challenge MCP clients need
 * to find the authorization server on their own. */
#include <string.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"
#include "util_filter.h"

#include "mod_mcp_auth.h"
#include "mcp_challenge.h"
#include "mcp_resource.h"
#include "mcp_util.h"

#define FORM_PEEK_BYTES 8192

int mcp_is_ours(request_rec *r)
{
    const char *type = ap_auth_type(r);

    return type && !strcasecmp(type, MCP_AUTH_TYPE);
}

static int is_preflight(request_rec *r)
{
    return r->method_number == M_OPTIONS
           && apr_table_get(r->headers_in, "Origin")
           && apr_table_get(r->headers_in, "Access-Control-Request-Method");
}

/* A CORS preflight never carries credentials (Fetch standard): let it
 * through to the handler without authentication. */
static int access_checker_ex(request_rec *r)
{
    return (mcp_is_ours(r) && is_preflight(r)) ? OK : DECLINED;
}

/* Fail closed: with AuthType MCP every other request is authenticated,
 * even where an inherited "Require all granted" would not ask for it. */
static int force_authn(request_rec *r)
{
    return (mcp_is_ours(r) && !is_preflight(r)) ? OK : DECLINED;
}

/* RFC 6750 2.2: a form-encoded body may carry the token. MCP never posts
 * forms, so a look at the bytes already received is enough to refuse one
 * (the body is left unread for the handler). */
static int form_has_token(request_rec *r)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    apr_bucket_brigade *bb;
    char buf[FORM_PEEK_BYTES];
    apr_size_t len = sizeof(buf);
    apr_size_t i;
    int found = 0;

    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
        return 0;
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    if (ap_get_brigade(r->input_filters, bb, AP_MODE_SPECULATIVE,
                       APR_BLOCK_READ, sizeof(buf)) == APR_SUCCESS
        && apr_brigade_flatten(bb, buf, &len) == APR_SUCCESS) {
        /* parameter at the start, after '&', or after a chunk line */
        for (i = 0; i + 13 <= len && !found; ++i) {
            found = (i == 0 || buf[i - 1] == '&' || buf[i - 1] == '\n')
                    && !memcmp(buf + i, "access_token=", 13);
        }
    }
    apr_brigade_destroy(bb);
    return found;
}

/* A token in the query string would reach the access log through %r, %q
 * or %U%q: cut the query out of everything the log reads. */
static void redact_query(request_rec *r)
{
    char *q;

    r->args = NULL;
    if ((q = strchr(r->unparsed_uri, '?')) != NULL) {
        *q = '\0';
    }
    if (r->the_request && (q = strchr(r->the_request, '?')) != NULL) {
        const char *proto = strchr(q, ' ');
        r->the_request = apr_pstrcat(r->pool,
                apr_pstrmemdup(r->pool, r->the_request, q - r->the_request),
                "?[redacted]", proto ? proto : "", NULL);
    }
}

/* The scopes a challenge names: everything the request needs. */
static const char *challenge_scope(request_rec *r, const mcp_dir_conf_t *dc)
{
    const apr_array_header_t *s = dc->required_scopes;

    if (!s || s->nelts == 0) {
        s = mcp_conf_scopes_supported(dc);
    }
    return mcp_scopes_join(r->pool, s);
}

/* Why a verdict was given, for the counters and the audit notes. */
static int deny_reason(mcp_verdict_e v, const char *desc, const char *scope)
{
    int why = mcp_reason_of(desc);

    if (why != MCP_REASON_NONE) {
        return why;
    }
    switch (v) {
    case MCP_NO_TOKEN:           return MCP_DENY_NO_TOKEN;
    case MCP_BAD_REQUEST:        return MCP_DENY_BAD_REQUEST;
    case MCP_INVALID_TOKEN:      return MCP_DENY_TOO_LONG;
    case MCP_INSUFFICIENT_SCOPE: return scope ? MCP_DENY_TOOL_SCOPE
                                              : MCP_DENY_POLICY;
    default:                     return MCP_DENY_UNAVAILABLE;
    }
}

void mcp_decision(request_rec *r, int allow, const char *reason)
{
    apr_table_setn(r->notes, "mcp-decision", allow ? "allow" : "deny");
    if (reason) {
        apr_table_setn(r->notes, "mcp-reason", reason);
    }
    else {
        apr_table_unset(r->notes, "mcp-reason");
    }
}

int mcp_deny(request_rec *r, const mcp_dir_conf_t *dc, mcp_verdict_e v,
             const char *desc, const char *scope)
{
    int status = mcp_verdict_status(v);
    const char *hdr = mcp_challenge(r->pool, v, desc, dc->prm_url,
                                    scope ? scope : challenge_scope(r, dc));

    mcp_count_denial(status, deny_reason(v, desc, scope));
    mcp_decision(r, 0, desc ? desc : v == MCP_NO_TOKEN ? "no token"
                       : v == MCP_UNAVAILABLE ? "authorization server "
                         "unavailable" : mcp_verdict_error(v));
    if (hdr) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate", hdr);
    }
    if (v == MCP_UNAVAILABLE) {
        apr_table_setn(r->err_headers_out, "Retry-After",
                       APR_STRINGIFY(MCP_RETRY_AFTER_SEC));
    }
    return mcp_error_response(r, status, mcp_error_body(r->pool, v, desc));
}

/* What log lines say instead of the token. */
static const char *fingerprint(request_rec *r, const char *token)
{
    return mcp_fingerprint(r->pool, token, strlen(token));
}

mcp_req_t *mcp_req(request_rec *r)
{
    mcp_req_t *q = ap_get_module_config(r->request_config, &mcp_auth_module);

    if (!q) {
        q = apr_pcalloc(r->pool, sizeof(*q));
        ap_set_module_config(r->request_config, &mcp_auth_module, q);
    }
    return q;
}

static void set_identity(request_rec *r, const mcp_dir_conf_t *dc,
                         const mcp_claims_t *c)
{
    const char *scope = mcp_scopes_join(r->pool, c->scopes);
    mcp_req_t *q = mcp_req(r);

    q->claims = c;
    q->scopes = mcp_scopes_imply(r->pool, c->scopes, dc->scope_implies);
    mcp_decision(r, 1, NULL);
    if (c->via != MCP_VIA_UNKNOWN) {
        apr_table_setn(r->notes, "mcp-auth-via", c->via == MCP_VIA_JWT
                       ? "jwt" : "introspection");
    }
    r->user = (char *)(c->sub ? c->sub : c->client_id ? c->client_id : "");
    if (c->sub) {
        apr_table_setn(r->notes, "mcp-auth-sub", c->sub);
        apr_table_setn(r->subprocess_env, "MCP_AUTH_SUB", c->sub);
    }
    if (c->iss) {
        apr_table_setn(r->notes, "mcp-auth-iss", c->iss);
    }
    if (c->client_id) {
        apr_table_setn(r->notes, "mcp-auth-client-id", c->client_id);
        apr_table_setn(r->subprocess_env, "MCP_AUTH_CLIENT_ID", c->client_id);
    }
    apr_table_setn(r->notes, "mcp-auth-scope", scope);
    apr_table_setn(r->subprocess_env, "MCP_AUTH_SCOPE", scope);
}

static int check_authn(request_rec *r)
{
    const mcp_dir_conf_t *dc;
    const char *token, *desc = NULL;
    mcp_claims_t *claims;
    mcp_verdict_e v;
    int status;

    if (!mcp_is_ours(r)) {
        return DECLINED;
    }
    dc = mcp_dir_conf(r);
    mcp_count(MCP_COUNT_REQUESTS);
    if (!dc->resource || !dc->audiences) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCPLOGNO(00201)
                      "AuthType MCP at %s without MCPAuthResource", r->uri);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((status = mcp_origin_check(r, dc)) != OK) {
        return status;
    }
    if (r->args && mcp_form_has_param(r->args, strlen(r->args),
                                      "access_token")) {
        redact_query(r);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00209)
                      "token offered in the query string: 400");
        return mcp_deny(r, dc, MCP_BAD_REQUEST, "access tokens are accepted "
                        "only in the Authorization header", NULL);
    }
    if (form_has_token(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00202)
                      "token offered in a form body: 400");
        return mcp_deny(r, dc, MCP_BAD_REQUEST, "access tokens are accepted "
                        "only in the Authorization header", NULL);
    }

    v = mcp_bearer_parse(&token, r->pool,
                         apr_table_get(r->headers_in, "Authorization"),
                         mcp_conf_max_token_size(dc));
    switch (v) {
    case MCP_OK:
        break;
    case MCP_NO_TOKEN:
        ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r, MCPLOGNO(00203)
                      "no bearer token: 401 challenge");
        return mcp_deny(r, dc, v, NULL, NULL);
    case MCP_BAD_REQUEST:
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00204)
                      "malformed Authorization header: 400");
        return mcp_deny(r, dc, v, "malformed Authorization header", NULL);
    default:
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00205)
                      "bearer token longer than %" APR_SIZE_T_FMT
                      " bytes: 401", mcp_conf_max_token_size(dc));
        return mcp_deny(r, dc, MCP_INVALID_TOKEN,
                        "the access token is too long", NULL);
    }

    v = mcp_verdict(r, dc, token, &claims, &desc);
    if (v == MCP_UNAVAILABLE) {
        return mcp_deny(r, dc, v, NULL, NULL);  /* logged where it failed */
    }
    if (v != MCP_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00207)
                      "token rejected (%s), fp=%s, sub=%s", desc,
                      fingerprint(r, token),
                      claims->sub ? claims->sub : "-");
        return mcp_deny(r, dc, v, desc, NULL);
    }
    set_identity(r, dc, claims);
    if (APLOGrdebug(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, MCPLOGNO(00208)
                      "token accepted: fp=%s, sub=%s, client_id=%s, "
                      "scope=\"%s\"", fingerprint(r, token),
                      claims->sub ? claims->sub : "-",
                      claims->client_id ? claims->client_id : "-",
                      apr_table_get(r->notes, "mcp-auth-scope"));
    }
    return OK;
}

/* What the request carries on to the handler or a proxied backend: never
 * the client's token (MCP forbids passing it through), the identity in
 * configured headers (client-supplied copies removed first), and an
 * upstream credential if one is configured. */
static int fixups(request_rec *r)
{
    static const char *const notes[3] = {
        "mcp-auth-sub", "mcp-auth-client-id", "mcp-auth-scope"
    };
    const mcp_dir_conf_t *dc;
    int i;

    if (!mcp_is_ours(r)) {
        return DECLINED;
    }
    dc = mcp_dir_conf(r);
    apr_table_unset(r->headers_in, "Authorization");
    for (i = 0; i < 3; ++i) {
        const char *h = mcp_conf_identity_header(dc, i);
        const char *v = apr_table_get(r->notes, notes[i]);
        if (h) {
            apr_table_unset(r->headers_in, h);
            if (v && r->user) {
                apr_table_setn(r->headers_in, h, v);
            }
        }
    }
    if (dc->upstream_auth) {
        apr_table_setn(r->headers_in, "Authorization", dc->upstream_auth);
    }
    return DECLINED;
}

void mcp_authn_register_hooks(apr_pool_t *p)
{
    ap_hook_check_access_ex(access_checker_ex, NULL, NULL, APR_HOOK_FIRST,
                            AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_force_authn(force_authn, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_authn(check_authn, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_fixups(fixups, NULL, NULL, APR_HOOK_FIRST);
}

/* mod_mcp_auth: OAuth 2.1 resource server for MCP endpoints.
 *
 *   AuthType MCP          bearer tokens checked in check_authn (RFC 6750,
 *                         RFC 7662 introspection, RFC 8707 audience)
 *   /.well-known/oauth-protected-resource...
 *                         RFC 9728 metadata, served before authentication
 *   SetHandler mcp        a Streamable HTTP MCP endpoint with tools
 *
 * This file holds the module record and the process-wide state; the
 * hooks live in src/mod_mcp_auth_{config,authn,handler}.c and all logic
 * that needs no httpd in src/mcp_*.c.
 */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "mod_mcp_auth.h"

static void register_hooks(apr_pool_t *p);

module AP_MODULE_DECLARE_DATA mcp_auth_module = {
    STANDARD20_MODULE_STUFF,
    mcp_create_dir_conf,
    mcp_merge_dir_conf,
    mcp_create_srv_conf,
    mcp_merge_srv_conf,
    mcp_cmds,
    register_hooks,
#if defined(AP_MODULE_FLAG_NONE)
    AP_MODULE_FLAG_NONE
#endif
};

/* Process-wide: the tool registry (one per configuration generation,
 * read-only once sealed) and the pool of curl handles (one per child). */
static mcp_tools_t *tools;
static mcp_http_client_t *http_client;
static mcp_flight_t *flight;

const mcp_tools_t *mcp_tools(void)
{
    return tools;
}

mcp_http_client_t *mcp_http_client(void)
{
    return http_client;
}

mcp_flight_t *mcp_flight(void)
{
    return flight;
}

/* Apache's own trace logging writes the request line (core, TRACE5) and
 * every request and response header (http, TRACE4) to the error log:
 * bearer tokens, session ids and all. Whatever LogLevel says, those two
 * are capped for every request, so that no log level ever records them. */
static int core_index = -1, http_index = -1;

static void cap_trace_logging(request_rec *r)
{
    const struct ap_logconf *cur = r->log ? r->log : &r->server->log;
    struct ap_logconf *capped;

    if (core_index < 0 || http_index < 0
        || (ap_get_request_module_loglevel(r, core_index) < APLOG_TRACE5
            && ap_get_request_module_loglevel(r, http_index) < APLOG_TRACE4)) {
        return;
    }
    capped = ap_new_log_config(r->pool, cur);
    if (ap_get_request_module_loglevel(r, core_index) > APLOG_TRACE4) {
        ap_set_module_loglevel(r->pool, capped, core_index, APLOG_TRACE4);
    }
    if (ap_get_request_module_loglevel(r, http_index) > APLOG_TRACE3) {
        ap_set_module_loglevel(r->pool, capped, http_index, APLOG_TRACE3);
    }
    r->log = capped;
}

static void pre_read_request(request_rec *r, conn_rec *c)
{
    cap_trace_logging(r);     /* before the request line is read */
}

static int post_read_request(request_rec *r)
{
    cap_trace_logging(r);     /* before the request headers are dumped */
    return DECLINED;
}

static int fixups(request_rec *r)
{
    /* the per-directory LogLevel replaced r->log: cap it again before the
     * response headers (Mcp-Session-Id) are dumped */
    cap_trace_logging(r);
    return DECLINED;
}

static apr_status_t curl_cleanup(void *unused)
{
    curl_global_cleanup();
    return APR_SUCCESS;
}

static apr_status_t tools_cleanup(void *unused)
{
    tools = NULL;
    return APR_SUCCESS;
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                       server_rec *s)
{
    const char *err;
    module *m;

    core_index = (m = ap_find_linked_module("core.c")) ? m->module_index : -1;
    http_index = (m = ap_find_linked_module("http_core.c"))
                 ? m->module_index : -1;

    /* before any thread exists; reference-counted by libcurl */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCPLOGNO(00001)
                     "curl_global_init failed");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, NULL, curl_cleanup,
                              apr_pool_cleanup_null);

    tools = mcp_tools_create(pconf);
    apr_pool_cleanup_register(pconf, NULL, tools_cleanup,
                              apr_pool_cleanup_null);
    if (mcp_tools_collect(tools, ptemp, s) != OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((err = mcp_tools_seal(tools)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCPLOGNO(00002)
                     "tools: %s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, MCPLOGNO(00003)
                 "mod_mcp_auth/%s ready (%s, %s)", MCP_VERSION,
                 curl_version(), OpenSSL_version(OPENSSL_VERSION));
    return OK;
}

static void child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv = mcp_http_client_create(&http_client, pchild);

    if (rv != APR_SUCCESS) {
        /* without it every call opens its own connection: slower, works */
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, MCPLOGNO(00004)
                     "cannot create the HTTP client pool");
        http_client = NULL;
    }
    mcp_keys_child_init(pchild);
    if ((rv = mcp_flight_create(&flight, pchild)) != APR_SUCCESS) {
        /* without it threads validate one token side by side */
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, MCPLOGNO(00005)
                     "cannot create the single-flight table");
        flight = NULL;
    }
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_check_config(mcp_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_pre_read_request(pre_read_request, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_post_read_request(post_read_request, NULL, NULL,
                              APR_HOOK_REALLY_FIRST);
    ap_hook_fixups(fixups, NULL, NULL, APR_HOOK_REALLY_LAST);
    mcp_cache_register_hooks(p);
    mcp_authn_register_hooks(p);
    mcp_handler_register_hooks(p);
    mcp_gateway_register_hooks(p);
    mcp_status_register_hooks(p);
    mcp_audit_register_hooks(p);
    mcp_authz_register_hooks(p);
    mcp_tools_register_hooks(p);
}

/* mod_mcp_auth_status.c: counters in shared memory (one array for every
 * process of this generation, atomic updates, no lock) and the section
 * mod_status shows in /server-status and /server-status?auto. */
#include <string.h>

#include "apr_atomic.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "mod_status.h"

#include "mod_mcp_auth.h"

static const char *const COUNTER_NAMES[MCP_COUNTER_COUNT] = {
    "MCPAuthCacheHits", "MCPAuthCacheNegativeHits", "MCPAuthCacheLocalHits",
    "MCPAuthCacheMisses",
    "MCPAuthValidations", "MCPAuthCacheErrors", "MCPAuthFlightWaits",
    "MCPAuthJWKSFetches", "MCPAuthMetadataFetches", "MCPAuthRequests",
    "MCPAuthDenied400", "MCPAuthDenied401", "MCPAuthDenied403",
    "MCPAuthUnavailable503", "MCPAuthValidationsJWT",
    "MCPAuthValidationsIntrospection", "MCPSessionsCreated",
    "MCPSessionsDeleted", "MCPStreamsOpen", "MCPAuthASCalls",
    NULL, NULL        /* the latency sum and max: shown as mean and max */
};

/* MCPAuthDenied<name>, by mcp_reason_e then mcp_deny_e */
static const char *const DENY_NAMES[MCP_DENY_COUNT] = {
    NULL, "Inactive", "TokenType", "Expired", "NotYetValid", "Issuer",
    "Audience", "Scope", "Malformed", "Signature", "JWTType", "NoExpiry",
    "NoToken", "BadRequest", "TooLong", "ToolScope", "Policy", "Unavailable"
};

static volatile apr_uint64_t *counters;   /* MCP_COUNTER_COUNT, then
                                           * MCP_DENY_COUNT by reason */

void mcp_count(mcp_counter_e which)
{
    if (counters) {
        apr_atomic_inc64(&counters[which]);
    }
}

void mcp_uncount(mcp_counter_e which)
{
    if (counters) {
        apr_atomic_dec64(&counters[which]);
    }
}

void mcp_count_denial(int status, int why)
{
    switch (status) {
    case HTTP_BAD_REQUEST:       mcp_count(MCP_COUNT_DENIED_400); break;
    case HTTP_UNAUTHORIZED:      mcp_count(MCP_COUNT_DENIED_401); break;
    case HTTP_FORBIDDEN:         mcp_count(MCP_COUNT_DENIED_403); break;
    case HTTP_SERVICE_UNAVAILABLE: mcp_count(MCP_COUNT_UNAVAILABLE_503); break;
    default: break;
    }
    if (counters && why > 0 && why < MCP_DENY_COUNT) {
        apr_atomic_inc64(&counters[MCP_COUNTER_COUNT + why]);
    }
}

void mcp_count_latency(apr_interval_time_t took)
{
    volatile apr_uint64_t *max;
    apr_uint64_t seen, t = took > 0 ? (apr_uint64_t)took : 0;

    if (!counters) {
        return;
    }
    apr_atomic_inc64(&counters[MCP_COUNT_AS_CALLS]);
    apr_atomic_add64(&counters[MCP_COUNT_AS_LATENCY_SUM], t);
    max = &counters[MCP_COUNT_AS_LATENCY_MAX];
    while ((seen = apr_atomic_read64(max)) < t
           && apr_atomic_cas64(max, t, seen) != seen) {
        ;                       /* another process raised it: look again */
    }
}

static void row(request_rec *r, int flags, const char *name, const char *v)
{
    if (flags & AP_STATUS_SHORT) {
        ap_rprintf(r, "%s: %s\n", name, v);
    }
    else {
        ap_rprintf(r, "<tr><td>%s</td><td>%s</td></tr>\n", name, v);
    }
}

static int status_hook(request_rec *r, int flags)
{
    apr_uint64_t calls, sum;
    int i;

    if (!counters) {
        return OK;
    }
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("<hr />\n<h2>mod_mcp_auth</h2>\n<table>\n", r);
    }
    for (i = 0; i < MCP_COUNTER_COUNT; ++i) {
        if (COUNTER_NAMES[i]) {
            row(r, flags, COUNTER_NAMES[i], apr_psprintf(r->pool,
                "%" APR_UINT64_T_FMT, apr_atomic_read64(&counters[i])));
        }
    }
    calls = apr_atomic_read64(&counters[MCP_COUNT_AS_CALLS]);
    sum = apr_atomic_read64(&counters[MCP_COUNT_AS_LATENCY_SUM]);
    row(r, flags, "MCPAuthASLatencyMeanMs", apr_psprintf(r->pool, "%.3f",
        calls ? (double)sum / (double)calls / 1000.0 : 0.0));
    row(r, flags, "MCPAuthASLatencyMaxMs", apr_psprintf(r->pool, "%.3f",
        (double)apr_atomic_read64(&counters[MCP_COUNT_AS_LATENCY_MAX])
        / 1000.0));
    for (i = 1; i < MCP_DENY_COUNT; ++i) {
        row(r, flags, apr_pstrcat(r->pool, "MCPAuthDenied", DENY_NAMES[i],
                                  NULL),
            apr_psprintf(r->pool, "%" APR_UINT64_T_FMT,
                         apr_atomic_read64(&counters[MCP_COUNTER_COUNT + i])));
    }
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("</table>\n", r);
    }
    return OK;
}

static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    counters = NULL;
    return OK;
}

static apr_status_t forget(void *data)
{
    counters = NULL;
    return APR_SUCCESS;
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                       server_rec *s)
{
    apr_shm_t *shm;
    apr_status_t rv;

    /* startup reads the configuration twice; the first pass is a dry run */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    /* anonymous shared memory, new with each generation: the counters
     * count since the last (re)start */
    rv = apr_shm_create(&shm, sizeof(apr_uint64_t)
                        * (MCP_COUNTER_COUNT + MCP_DENY_COUNT), NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, MCPLOGNO(00405)
                     "no shared memory for counters; they stay at 0");
        return OK;
    }
    counters = apr_shm_baseaddr_get(shm);
    memset((void *)counters, 0, apr_shm_size_get(shm));
    apr_pool_cleanup_register(pconf, NULL, forget, apr_pool_cleanup_null);
    return OK;
}

void mcp_status_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
}

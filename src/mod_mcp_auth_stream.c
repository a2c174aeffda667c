/* mod_mcp_auth_stream.c: the server-to-client SSE stream a client opens
 * with GET (MCP Streamable HTTP). The server sends no requests or
 * notifications of its own yet, so a stream carries keep-alive comments
 * until its session ends (DELETE anywhere, or idle expiry), the client
 * goes, or the server stops. Each holds a worker thread: the number open
 * in a process is bounded (MCPServerStreamMax). Resumption with
 * Last-Event-ID is not offered: there are no events to replay. */
#include "apr_atomic.h"
#include "apr_strings.h"
#include "ap_mpm.h"
#include "http_protocol.h"

#include "mod_mcp_auth.h"
#include "mcp_rpc.h"

#define SESSION_HEADER "Mcp-Session-Id"
#define TICK apr_time_from_sec(1)

static volatile apr_uint32_t open_streams;   /* this process */

static int stopping(void)
{
    int state = AP_MPMQ_RUNNING;

    ap_mpm_query(AP_MPMQ_MPM_STATE, &state);
    return state == AP_MPMQ_STOPPING;
}

/* Keep-alive comments until the stream has no reason to live. */
static void serve(request_rec *r, const mcp_dir_conf_t *dc, const char *sid)
{
    apr_interval_time_t every = mcp_conf_stream_keepalive(dc), waited = 0;

    ap_rputs(": stream open\n\n", r);
    if (ap_rflush(r) != APR_SUCCESS) {
        return;
    }
    while (!r->connection->aborted && !stopping()) {
        apr_sleep(TICK);
        waited += TICK;
        if (waited < every) {
            continue;
        }
        waited = 0;
        if (sid && !mcp_session_alive(r, dc, sid)) {
            break;                            /* deleted or expired */
        }
        ap_rputs(": keep-alive\n\n", r);
        if (ap_rflush(r) != APR_SUCCESS) {
            break;                            /* the client went */
        }
    }
}

int mcp_stream_get(request_rec *r, const mcp_dir_conf_t *dc)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");
    const char *sid = apr_table_get(r->headers_in, SESSION_HEADER);

    if (!mcp_conf_stream(dc)) {
        return DECLINED;
    }
    if (!accept || !ap_strcasestr(accept, "text/event-stream")) {
        return mcp_respond(r, HTTP_NOT_ACCEPTABLE, mcp_rpc_error(r->pool,
                           NULL, -32000, "Not Acceptable: the client must "
                           "accept text/event-stream"));
    }
    if (mcp_sessions_on(dc)) {
        if (!sid) {
            return mcp_session_missing(r);
        }
        if (!mcp_session_alive(r, dc, sid)) {
            return mcp_session_not_found(r);
        }
    }
    else {
        sid = NULL;
    }
    if (apr_atomic_inc32(&open_streams) >= (apr_uint32_t)mcp_conf_stream_max(dc)) {
        apr_atomic_dec32(&open_streams);
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, MCPLOGNO(00901)
                      "%d GET streams open in this process "
                      "(MCPServerStreamMax): 503", mcp_conf_stream_max(dc));
        apr_table_setn(r->err_headers_out, "Retry-After",
                       APR_STRINGIFY(MCP_RETRY_AFTER_SEC));
        return mcp_respond(r, HTTP_SERVICE_UNAVAILABLE, mcp_rpc_error(
                           r->pool, NULL, -32000, "too many open streams"));
    }
    r->status = HTTP_OK;
    ap_set_content_type(r, "text/event-stream");
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    mcp_count(MCP_COUNT_STREAMS_OPEN);
    serve(r, dc, sid);
    mcp_uncount(MCP_COUNT_STREAMS_OPEN);
    apr_atomic_dec32(&open_streams);
    return OK;
}

/* mod_mcp_auth_handler.c: what the module serves itself: RFC 9728
 * metadata (a quick handler, so that no access control of the host can
 * hide it), the MCP endpoint (SetHandler mcp), CORS, and JSON errors. */
#include <string.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "mod_mcp_auth.h"
#include "mcp_resource.h"
#include "mcp_rpc.h"
#include "mcp_server.h"
#include "mcp_session.h"
#include "mcp_util.h"

#define CORS_ALLOW_HEADERS "Authorization, Content-Type, Accept, " \
    "MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID"
#define CORS_EXPOSE_HEADERS "WWW-Authenticate, Mcp-Session-Id"
#define ENDPOINT_METHODS "POST, DELETE, OPTIONS"
#define PRM_METHODS "GET, HEAD, OPTIONS"

static const char *const JSON_TYPE = "application/json";

/* Error bodies are JSON: ap_send_error_response() writes our custom
 * response but labels it text/html; this filter, inserted through the
 * insert_error_filter hook (error responses start with fresh filters),
 * puts that right. */
static apr_status_t json_type_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    ap_set_content_type(f->r, JSON_TYPE);
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

int mcp_error_response(request_rec *r, int status, const char *json)
{
    ap_custom_response(r, status, json);
    apr_table_setn(r->notes, "mcp-json-error", "1");
    return status;
}

static void insert_error_filter(request_rec *r)
{
    if (apr_table_get(r->notes, "mcp-json-error")) {
        ap_add_output_filter("MCP_JSON_TYPE", NULL, r, r->connection);
    }
}

/* Write a complete response from a handler. */
int mcp_respond(request_rec *r, int status, const char *json)
{
    r->status = status;
    if (json) {
        ap_set_content_type(r, JSON_TYPE);
        ap_set_content_length(r, strlen(json));
        if (!r->header_only) {
            ap_rputs(json, r);
        }
    }
    else {
        ap_set_content_length(r, 0);
    }
    return OK;
}

/* The origins a request may come from: the configured list; else the
 * resource's own origin; else this server's name and the loopback names
 * on the port the request came in on. */
static int origin_allowed(request_rec *r, const mcp_dir_conf_t *dc,
                          const char *origin)
{
    const char *o = mcp_resource_origin(r->pool, origin);
    const char *scheme = ap_http_scheme(r);
    apr_port_t port = r->connection->local_addr->port;
    const char *self[] = { r->server->server_hostname, "localhost",
                           "127.0.0.1", "[::1]" };
    int i;

    if (!o || strcmp(origin, "null") == 0) {
        return 0;
    }
    if (dc->allow_origins) {
        for (i = 0; i < dc->allow_origins->nelts; ++i) {
            const char *a = APR_ARRAY_IDX(dc->allow_origins, i, const char *);
            if (!strcmp(a, "*") || !strcmp(a, o)) {
                return 1;
            }
        }
        return 0;
    }
    if (dc->resource) {
        return !strcmp(o, mcp_resource_origin(r->pool, dc->resource));
    }
    for (i = 0; i < 4; ++i) {
        const char *s = self[i] ? mcp_resource_origin(r->pool,
                apr_psprintf(r->pool, "%s://%s:%u", scheme, self[i],
                             (unsigned)port)) : NULL;
        if (s && !strcmp(s, o)) {
            return 1;
        }
    }
    return 0;
}

int mcp_origin_check(request_rec *r, const mcp_dir_conf_t *dc)
{
    const char *origin = apr_table_get(r->headers_in, "Origin");

    if (!origin) {
        return OK;     /* not a browser: nothing to rebind */
    }
    if (!origin_allowed(r, dc, origin)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00301)
                      "Origin \"%s\" is not allowed here: 403", origin);
        return mcp_error_response(r, HTTP_FORBIDDEN,
                mcp_rpc_error(r->pool, NULL, -32000,
                              "Forbidden: origin not allowed"));
    }
    apr_table_setn(r->err_headers_out, "Access-Control-Allow-Origin",
                   origin);
    apr_table_mergen(r->err_headers_out, "Vary", "Origin");
    apr_table_setn(r->err_headers_out, "Access-Control-Expose-Headers",
                   CORS_EXPOSE_HEADERS);
    return OK;
}

#define AS_WELL_KNOWN "/.well-known/oauth-authorization-server"

/* MCPAuthASMetadataMirror: the first issuer's metadata on the resource's
 * own host, where clients of protocol 2025-03-26 look for it. Off by
 * default: newer clients check that the issuer in it is the URL they
 * fetched, which a copy on another origin never is. */
static int as_mirror(request_rec *r, const apr_array_header_t *pubs)
{
    const mcp_published_t *pub = NULL;
    const char *doc;
    apr_size_t len;
    int i;

    for (i = 0; i < pubs->nelts && !pub; ++i) {
        const mcp_published_t *p = &APR_ARRAY_IDX(pubs, i, mcp_published_t);
        if (mcp_conf_as_mirror(p->dc)) {
            pub = p;
        }
    }
    if (!pub) {
        return DECLINED;
    }
    apr_table_setn(r->headers_out, "Access-Control-Allow-Origin", "*");
    if (r->method_number != M_GET) {
        apr_table_setn(r->headers_out, "Allow", PRM_METHODS);
        return mcp_respond(r, r->method_number == M_OPTIONS ? HTTP_NO_CONTENT
                           : HTTP_METHOD_NOT_ALLOWED, NULL);
    }
    if (mcp_issuer_metadata(r, pub->dc, &doc, &len) != APR_SUCCESS) {
        apr_table_setn(r->headers_out, "Retry-After",
                       APR_STRINGIFY(MCP_RETRY_AFTER_SEC));
        return mcp_respond(r, HTTP_SERVICE_UNAVAILABLE,
                           "{\"error\":\"temporarily_unavailable\"}");
    }
    r->status = HTTP_OK;
    ap_set_content_type(r, JSON_TYPE);
    ap_set_content_length(r, len);
    if (!r->header_only) {
        ap_rwrite(doc, (int)len, r);
    }
    return OK;
}

/* RFC 9728 metadata for the resources of this virtual host. */
static int prm_handler(request_rec *r, int lookup_uri)
{
    const apr_array_header_t *pubs;
    const mcp_published_t *pub = NULL;
    int i;

    if (!lookup_uri && !strcmp(r->uri, AS_WELL_KNOWN)
        && (pubs = mcp_published(r)) != NULL) {
        return as_mirror(r, pubs);
    }
    if (lookup_uri || strncmp(r->uri, MCP_PRM_WELL_KNOWN,
                              sizeof(MCP_PRM_WELL_KNOWN) - 1) != 0
        || !(pubs = mcp_published(r)) || pubs->nelts == 0) {
        return DECLINED;
    }
    for (i = 0; i < pubs->nelts && !pub; ++i) {
        const mcp_published_t *p = &APR_ARRAY_IDX(pubs, i, mcp_published_t);
        if (!strcmp(r->uri, p->prm_path)) {
            pub = p;
        }
    }
    /* the root location too, for clients that only look there, when it
     * cannot be ambiguous */
    if (!pub && pubs->nelts == 1 && !strcmp(r->uri, MCP_PRM_WELL_KNOWN)) {
        pub = &APR_ARRAY_IDX(pubs, 0, mcp_published_t);
    }
    if (!pub) {
        return DECLINED;
    }
    apr_table_setn(r->headers_out, "Access-Control-Allow-Origin", "*");
    switch (r->method_number) {
    case M_GET:   /* HEAD too */
        return mcp_respond(r, HTTP_OK, pub->document);
    case M_OPTIONS:
        apr_table_setn(r->headers_out, "Access-Control-Allow-Methods",
                       PRM_METHODS);
        apr_table_setn(r->headers_out, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, MCP-Protocol-Version");
        apr_table_setn(r->headers_out, "Access-Control-Max-Age", "86400");
        apr_table_setn(r->headers_out, "Allow", PRM_METHODS);
        return mcp_respond(r, HTTP_NO_CONTENT, NULL);
    default:
        apr_table_setn(r->headers_out, "Allow", PRM_METHODS);
        return mcp_respond(r, HTTP_METHOD_NOT_ALLOWED,
                       "{\"error\":\"method_not_allowed\"}");
    }
}

/* Does the Accept header let us answer with JSON? (absent: yes) */
static int accepts_json(const char *accept)
{
    const char *s = accept;

    if (!s) {
        return 1;
    }
    while (*s) {
        apr_size_t n;
        while (*s == ' ' || *s == ',') {
            ++s;
        }
        n = strcspn(s, ";, ");
        if ((n == 16 && !strncasecmp(s, "application/json", 16))
            || (n == 13 && !strncasecmp(s, "application/*", 13))
            || (n == 3 && !strncmp(s, "*/*", 3))) {
            return 1;
        }
        s += strcspn(s, ",");
    }
    return 0;
}

/* Does the client take a text/event-stream answer (MCP clients send
 * "application/json, text/event-stream")? */
static int accepts_sse(const char *accept)
{
    return accept && ap_strcasestr(accept, "text/event-stream") != NULL;
}

/* A POST answer as an SSE stream: started by the first notification a
 * tool sends before its result, ended by the result. */
typedef struct {
    request_rec *r;
    int allowed;       /* the client accepts text/event-stream */
    int streaming;
} sse_t;

static apr_status_t sse_event(request_rec *r, const char *json)
{
    ap_rvputs(r, "event: message\ndata: ", json, "\n\n", NULL);
    return ap_rflush(r);
}

static apr_status_t sse_notify(mcp_tool_ctx_t *ctx, const char *method,
                               const cJSON *params)
{
    sse_t *s = ctx->transport;
    request_rec *r = s->r;

    if (!s->allowed) {
        return APR_ENOTIMPL;
    }
    if (!strcmp(method, "notifications/message")) {
        /* below the level the client set (logging/setLevel): not sent */
        const char *min = apr_table_get(r->notes, "mcp-session-level");
        const cJSON *level = mcp_json_get(params, "level");
        if (min && mcp_log_level_rank(cJSON_GetStringValue(level))
                   < mcp_log_level_rank(min)) {
            return APR_SUCCESS;
        }
    }
    if (!s->streaming) {
        r->status = HTTP_OK;
        ap_set_content_type(r, "text/event-stream");
        apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
        s->streaming = 1;
    }
    return sse_event(r, apr_pstrcat(r->pool,
                     "{\"jsonrpc\":\"2.0\",\"method\":",
                     mcp_json_quote(r->pool, method), ",\"params\":",
                     params ? mcp_json_print(r->pool, params) : "{}", "}",
                     NULL));
}

/* Read the body, at most max bytes. HTTP_OK, or a status to answer. */
static int read_body_bytes(request_rec *r, apr_off_t max, char **pbuf,
                     apr_size_t *plen)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_bucket_brigade *bb, *body;
    apr_bucket *b;
    apr_off_t len = 0;
    int seen_eos = 0;

    if (cl && apr_atoi64(cl) > max) {
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    body = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!seen_eos) {
        apr_status_t rv = ap_get_brigade(r->input_filters, bb,
                                         AP_MODE_READBYTES, APR_BLOCK_READ,
                                         HUGE_STRING_LEN);
        if (rv != APR_SUCCESS) {
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
             b = APR_BUCKET_NEXT(b)) {
            seen_eos = seen_eos || APR_BUCKET_IS_EOS(b);
            /* transient data must outlive this read */
            apr_bucket_setaside(b, r->pool);
        }
        APR_BRIGADE_CONCAT(body, bb);
        if (apr_brigade_length(body, 1, &len) != APR_SUCCESS) {
            return HTTP_BAD_REQUEST;
        }
        if (len > max) {
            return HTTP_REQUEST_ENTITY_TOO_LARGE;
        }
    }
    if (apr_brigade_pflatten(body, pbuf, plen, r->pool) != APR_SUCCESS) {
        return HTTP_BAD_REQUEST;
    }
    apr_brigade_destroy(body);
    return HTTP_OK;
}

int mcp_body_read(request_rec *r, const mcp_dir_conf_t *dc, mcp_body_t *body,
                  const char **perr)
{
    const char *why;
    int status, code;

    *perr = NULL;
    if (!mcp_media_type_is(apr_table_get(r->headers_in, "Content-Type"),
                           "application/json")) {
        *perr = mcp_rpc_error(r->pool, NULL, -32000, "Unsupported Media "
                              "Type: Content-Type must be application/json");
        return HTTP_UNSUPPORTED_MEDIA_TYPE;
    }
    status = read_body_bytes(r, mcp_conf_max_body(dc), &body->buf,
                             &body->len);
    if (status != HTTP_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00302)
                      "request body rejected: %d", status);
        if (status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
            r->connection->keepalive = AP_CONN_CLOSE;  /* unread rest */
            *perr = mcp_rpc_error(r->pool, NULL, -32000, "Payload Too Large");
        }
        return status;
    }
    code = mcp_rpc_parse_body(&body->msgs, &body->batch, r->pool, body->buf,
                              body->len, &why);
    if (code != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00303)
                      "request body is no JSON-RPC message: %s", why);
        *perr = mcp_rpc_error(r->pool, NULL, code, why);
        return HTTP_BAD_REQUEST;
    }
    mcp_audit_message(r, dc, body);
    return HTTP_OK;
}

/* tools/list shows only the tools the caller may call. */
static void filter_reply(request_rec *r, const mcp_dir_conf_t *dc,
                         const mcp_rpc_msg_t *m, mcp_reply_t *reply)
{
    const char *body;

    if (dc->tool_rules && reply->body && m->method
        && !strcmp(m->method, "tools/list")) {
        body = mcp_policy_filter_text(r->pool, reply->body,
                                      strlen(reply->body), dc->tool_rules,
                                      mcp_policy_granted(r));
        reply->body = body ? body : mcp_rpc_error(r->pool, m->id,
                                                  MCP_RPC_INTERNAL_ERROR,
                                                  "Internal error");
    }
}

/* A batch (JSON array): only in protocol version 2025-03-26, the last
 * that had them. Every member is answered on its own; the answers come
 * back as one array, or 202 when there is nothing to answer. */
static int answer_batch(request_rec *r, const apr_array_header_t *msgs,
                        mcp_tool_ctx_t *ctx)
{
    const char *version = apr_table_get(r->notes, "mcp-session-version");
    apr_array_header_t *out = apr_array_make(r->pool, msgs->nelts,
                                             sizeof(const char *));
    mcp_reply_t reply;
    int i;

    if (!version) {
        version = apr_table_get(r->headers_in, "MCP-Protocol-Version");
    }
    if (version && strcmp(version, MCP_PROTOCOL_DEFAULT) != 0) {
        return mcp_respond(r, HTTP_BAD_REQUEST, mcp_rpc_error(r->pool, NULL,
                           MCP_RPC_INVALID_REQUEST, apr_psprintf(r->pool,
                           "Invalid Request: no batches in protocol version "
                           "%.32s", version)));
    }
    for (i = 0; i < msgs->nelts; ++i) {
        const mcp_rpc_msg_t *m = APR_ARRAY_IDX(msgs, i, mcp_rpc_msg_t *);
        const char *body = NULL;
        if (m->kind == MCP_RPC_INVALID) {
            body = mcp_rpc_error(r->pool, NULL, MCP_RPC_INVALID_REQUEST,
                                 m->why);
        }
        else if (m->method && !strcmp(m->method, "initialize")) {
            body = m->id ? mcp_rpc_error(r->pool, m->id,
                                         MCP_RPC_INVALID_REQUEST,
                                         "Invalid Request: initialize must "
                                         "not be part of a batch") : NULL;
        }
        else {
            ctx->notify = NULL;         /* no streaming inside a batch */
            mcp_server_dispatch(&reply, r->pool, mcp_tools(), m, ctx);
            filter_reply(r, mcp_dir_conf(r), m, &reply);
            body = reply.body;
        }
        if (body) {
            APR_ARRAY_PUSH(out, const char *) = body;
        }
    }
    if (out->nelts == 0) {
        return mcp_respond(r, HTTP_ACCEPTED, NULL);
    }
    return mcp_respond(r, HTTP_OK, apr_pstrcat(r->pool, "[",
                       apr_array_pstrcat(r->pool, out, ','), "]", NULL));
}

static int endpoint_handler(request_rec *r)
{
    const mcp_dir_conf_t *dc;
    const char *version;
    mcp_tool_ctx_t ctx = { 0 };
    sse_t sse = { r, 0, 0 };
    mcp_body_t body;
    mcp_rpc_msg_t *m;
    mcp_reply_t reply;
    const char *err;
    int status;

    if (!r->handler || strcmp(r->handler, MCP_HANDLER)) {
        return DECLINED;
    }
    dc = mcp_dir_conf(r);
    if ((status = mcp_origin_check(r, dc)) != OK) {
        return status;
    }
    if (r->method_number == M_OPTIONS) {
        apr_table_setn(r->headers_out, "Allow", ENDPOINT_METHODS);
        if (apr_table_get(r->headers_in, "Origin")) {
            apr_table_setn(r->headers_out, "Access-Control-Allow-Methods",
                           "GET, POST, DELETE, OPTIONS");
            apr_table_setn(r->headers_out, "Access-Control-Allow-Headers",
                           CORS_ALLOW_HEADERS);
            apr_table_setn(r->headers_out, "Access-Control-Max-Age", "600");
        }
        return mcp_respond(r, HTTP_NO_CONTENT, NULL);
    }
    if (r->method_number == M_DELETE
        && mcp_session_delete(r, dc) == OK) {
        return OK;
    }
    if (r->method_number == M_GET && !r->header_only
        && mcp_stream_get(r, dc) == OK) {
        return OK;
    }
    if (r->method_number != M_POST) {
        /* GET without MCPServerStream, HEAD, PUT, ... */
        apr_table_setn(r->headers_out, "Allow", ENDPOINT_METHODS);
        return mcp_respond(r, HTTP_METHOD_NOT_ALLOWED, mcp_rpc_error(r->pool,
                       NULL, -32000, "Method not allowed"));
    }
    version = apr_table_get(r->headers_in, "MCP-Protocol-Version");
    if (version && !mcp_server_version_supported(version)) {
        return mcp_respond(r, HTTP_BAD_REQUEST, mcp_rpc_error(r->pool, NULL,
                       -32000, apr_psprintf(r->pool, "Bad Request: "
                       "unsupported MCP-Protocol-Version %.32s (supported: "
                       "2025-11-25, 2025-06-18, 2025-03-26)", version)));
    }
    if (!accepts_json(apr_table_get(r->headers_in, "Accept"))) {
        return mcp_respond(r, HTTP_NOT_ACCEPTABLE, mcp_rpc_error(r->pool, NULL,
                       -32000, "Not Acceptable: the client must accept "
                       "application/json"));
    }
    if ((status = mcp_body_read(r, dc, &body, &err)) != HTTP_OK) {
        return err ? mcp_respond(r, status, err) : status;
    }
    m = APR_ARRAY_IDX(body.msgs, 0, mcp_rpc_msg_t *);
    if (mcp_session_before(r, dc, m) == OK) {
        return OK;
    }
    if ((status = mcp_policy_enforce(r, dc, body.msgs)) != OK) {
        return status;
    }
    ctx.sub = apr_table_get(r->notes, "mcp-auth-sub");
    ctx.client_id = apr_table_get(r->notes, "mcp-auth-client-id");
    ctx.scopes = mcp_policy_granted(r);  /* with the scopes they imply */
    if (body.batch) {
        return answer_batch(r, body.msgs, &ctx);
    }
    sse.allowed = accepts_sse(apr_table_get(r->headers_in, "Accept"));
    ctx.notify = sse_notify;
    ctx.transport = &sse;
    mcp_server_dispatch(&reply, r->pool, mcp_tools(), m, &ctx);
    filter_reply(r, dc, m, &reply);
    if (sse.streaming) {
        /* the stream ends with the response to the request */
        if (reply.body) {
            sse_event(r, reply.body);
        }
        return OK;
    }
    if (mcp_session_after(r, dc, m, &reply) == OK) {
        return OK;
    }
    return mcp_respond(r, reply.status, reply.body);
}

void mcp_handler_register_hooks(apr_pool_t *p)
{
    static const char *const before_proxy[] = { "mod_proxy.c", NULL };

    ap_hook_quick_handler(prm_handler, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(endpoint_handler, NULL, before_proxy, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(insert_error_filter, NULL, NULL,
                                APR_HOOK_MIDDLE);
    ap_register_output_filter("MCP_JSON_TYPE", json_type_filter, NULL,
                              AP_FTYPE_CONTENT_SET);
}

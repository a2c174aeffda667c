/* mod_mcp_auth_gateway.c: per-tool scopes (MCPAuthToolScope) for the
 * built-in endpoint and for MCP servers behind mod_proxy, and what a
 * proxied server needs besides: the body is read and checked before the
 * proxy sends it on (then handed to the proxy again), tools/list answers
 * are filtered on their way back (JSON or SSE), and the server's session
 * ids are bound to the user who opened them. */
#include <string.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "mod_mcp_auth.h"
#include "mcp_rpc.h"
#include "mcp_sse.h"
#include "mcp_util.h"

#define SESSION_HEADER "Mcp-Session-Id"
#define KEPT_FILTER    "MCP_KEPT_BODY"
#define OUT_FILTER     "MCP_GATEWAY_OUT"

const apr_array_header_t *mcp_policy_granted(request_rec *r)
{
    return r->user ? mcp_req(r)->scopes : NULL;
}

int mcp_policy_enforce(request_rec *r, const mcp_dir_conf_t *dc,
                       const apr_array_header_t *msgs)
{
    const apr_array_header_t *granted;
    apr_array_header_t *need = NULL;
    const char *denied = NULL;
    int i, j;

    if (!dc->tool_rules) {
        return OK;
    }
    granted = mcp_policy_granted(r);
    for (i = 0; i < msgs->nelts; ++i) {
        const mcp_rpc_msg_t *m = APR_ARRAY_IDX(msgs, i, mcp_rpc_msg_t *);
        const char *name;
        apr_array_header_t *n;
        if (m->kind != MCP_RPC_REQUEST || strcmp(m->method, "tools/call")
            || !(name = cJSON_GetStringValue(mcp_json_get(m->params,
                                                          "name")))
            || mcp_policy_allows(dc->tool_rules, granted, name)) {
            continue;
        }
        /* one challenge names every scope the whole request needs */
        n = mcp_policy_needs(r->pool, dc->tool_rules, dc->required_scopes,
                             name);
        if (!need) {
            need = n;
        }
        for (j = 0; j < n->nelts && need != n; ++j) {
            const char *s = APR_ARRAY_IDX(n, j, const char *);
            if (!mcp_scopes_contains(need, s)) {
                APR_ARRAY_PUSH(need, const char *) = s;
            }
        }
        denied = name;
    }
    if (!denied) {
        return OK;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(01001)
                  "tools/call of \"%.128s\" by %s needs scope \"%s\": 403",
                  denied, r->user, mcp_scopes_join(r->pool, need));
    apr_table_setn(r->notes, "mcp-denied-tool", denied);
    return mcp_deny(r, dc, MCP_INSUFFICIENT_SCOPE,
                    "the tool needs more scope than the token has",
                    mcp_scopes_join(r->pool, need));
}

/* ---- the request body, handed to the proxy again ---------------------- */

typedef struct {
    const char *buf;
    apr_size_t len, off;
    int eos;
} kept_t;

static apr_status_t kept_body_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                                     ap_input_mode_t mode,
                                     apr_read_type_e block,
                                     apr_off_t readbytes)
{
    kept_t *k = f->ctx;
    apr_bucket_alloc_t *ba = f->c->bucket_alloc;
    apr_size_t n;

    if (mode != AP_MODE_READBYTES && mode != AP_MODE_SPECULATIVE
        && mode != AP_MODE_EXHAUSTIVE) {
        return ap_get_brigade(f->next, bb, mode, block, readbytes);
    }
    if (k->eos) {                   /* as HTTP_IN does after the end */
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
        return APR_SUCCESS;
    }
    n = k->len - k->off;
    if (mode != AP_MODE_EXHAUSTIVE && readbytes > 0
        && (apr_size_t)readbytes < n) {
        n = (apr_size_t)readbytes;
    }
    if (n) {
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(
                                k->buf + k->off, n, ba));
    }
    if (mode != AP_MODE_SPECULATIVE) {
        k->off += n;
        if (k->off == k->len) {
            APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
            k->eos = 1;
        }
    }
    return APR_SUCCESS;
}

static void keep_body(request_rec *r, const mcp_body_t *body)
{
    kept_t *k = apr_pcalloc(r->pool, sizeof(*k));

    k->buf = body->buf;         /* r->pool: lives as long as the request */
    k->len = body->len;
    ap_add_input_filter(KEPT_FILTER, k, r, r->connection);
    /* the proxy sends exactly these bytes on, with their length */
    apr_table_unset(r->headers_in, "Transfer-Encoding");
    apr_table_setn(r->headers_in, "Content-Length",
                   apr_off_t_toa(r->pool, (apr_off_t)body->len));
    r->expecting_100 = 0;       /* the body is here already */
}

/* ---- answers on their way back ---------------------------------------- */

typedef enum { OUT_START, OUT_JSON, OUT_SSE, OUT_DISCARD } out_mode_e;

typedef struct {
    const mcp_dir_conf_t *dc;
    int init;                   /* request had initialize and no session */
    const char *delete_sid;     /* DELETE of this session */
    int lists;                  /* request had tools/list */
    out_mode_e mode;
    apr_bucket_brigade *held;   /* JSON: the whole answer */
    char *pend;                 /* SSE: bytes of an incomplete event */
    apr_size_t pend_len, pend_cap;
} out_t;

static const char *filtered(request_rec *r, out_t *o, const char *json,
                            apr_size_t len)
{
    return mcp_policy_filter_text(r->pool, json, len, o->dc->tool_rules,
                                  mcp_policy_granted(r));
}

/* A proxied tools/list answer that cannot be filtered is not sent. */
static apr_status_t unfilterable(ap_filter_t *f, apr_bucket_brigade *bb,
                                 const char *why)
{
    request_rec *r = f->r;
    out_t *o = f->ctx;
    const char *json = mcp_rpc_error(r->pool, NULL, MCP_RPC_INTERNAL_ERROR,
                                     "Bad Gateway: the server's tools/list "
                                     "answer could not be checked");

    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCPLOGNO(01002)
                  "proxied tools/list answer %s: 502 instead", why);
    apr_brigade_cleanup(bb);
    r->status = HTTP_BAD_GATEWAY;
    r->status_line = NULL;
    ap_set_content_type(r, "application/json");
    ap_set_content_length(r, strlen(json));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(json, strlen(json),
                            f->c->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(f->c->bucket_alloc));
    o->mode = OUT_DISCARD;      /* whatever the server sends after this */
    return ap_pass_brigade(f->next, bb);
}

static apr_status_t out_json(ap_filter_t *f, out_t *o, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    int eos = !APR_BRIGADE_EMPTY(bb)
              && APR_BUCKET_IS_EOS(APR_BRIGADE_LAST(bb));
    apr_off_t len;
    char *buf;
    apr_size_t n;
    const char *json;

    if (ap_save_brigade(f, &o->held, &bb, r->pool) != APR_SUCCESS
        || apr_brigade_length(o->held, 1, &len) != APR_SUCCESS) {
        return unfilterable(f, bb, "could not be read");
    }
    if (len > mcp_conf_max_list(o->dc)) {
        return unfilterable(f, bb, "is larger than MCPMaxListSize");
    }
    if (!eos) {
        return APR_SUCCESS;                       /* the rest to come */
    }
    if (apr_brigade_pflatten(o->held, &buf, &n, r->pool) != APR_SUCCESS
        || !(json = filtered(r, o, buf, n))) {
        return unfilterable(f, bb, "is not JSON");
    }
    apr_brigade_cleanup(bb);
    apr_brigade_cleanup(o->held);
    ap_set_content_length(r, strlen(json));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_pool_create(json, strlen(json),
                            r->pool, f->c->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(f->c->bucket_alloc));
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* Each complete event goes on as soon as it is complete; an event whose
 * data is a tools/list answer goes on filtered. */
static apr_status_t out_sse(ap_filter_t *f, out_t *o, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    apr_bucket_alloc_t *ba = f->c->bucket_alloc;
    apr_bucket_brigade *out = apr_brigade_create(r->pool, ba);
    apr_size_t max = (apr_size_t)mcp_conf_max_list(o->dc), used = 0, n;
    int eos = 0, flush = 0;
    apr_bucket *b;

    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
         b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t len;
        if (APR_BUCKET_IS_EOS(b)) {
            eos = 1;
            break;
        }
        flush = flush || APR_BUCKET_IS_FLUSH(b);
        if (APR_BUCKET_IS_METADATA(b)) {
            continue;
        }
        if (apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS) {
            return APR_EGENERAL;
        }
        if (o->pend_len + len > max) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCPLOGNO(01003)
                          "proxied tools/list stream: an event larger than "
                          "MCPMaxListSize; the stream is cut");
            return APR_EGENERAL;
        }
        if (o->pend_len + len > o->pend_cap) {
            char *grown;
            o->pend_cap = (o->pend_len + len) * 2;
            grown = apr_palloc(r->pool, o->pend_cap);
            if (o->pend_len) {
                memcpy(grown, o->pend, o->pend_len);
            }
            o->pend = grown;
        }
        memcpy(o->pend + o->pend_len, data, len);
        o->pend_len += len;
    }
    apr_brigade_cleanup(bb);
    while ((n = mcp_sse_event_len(o->pend + used, o->pend_len - used))) {
        const char *ev = o->pend + used, *data = NULL, *text = NULL;
        apr_size_t dlen = 0;
        /* a NUL byte ends the text early for whoever reads it as a C
         * string, this filter included: such an event is not sent */
        int nul = memchr(ev, 0, n) != NULL;
        if (!nul && (!(data = mcp_sse_event_data(r->pool, ev, n, &dlen))
                     || dlen == 0)) {
            text = apr_pstrmemdup(r->pool, ev, n);    /* nothing to check */
        }
        else if (!nul && (text = filtered(r, o, data, dlen)) != NULL) {
            text = text == data ? apr_pstrmemdup(r->pool, ev, n)
                                : mcp_sse_event_with_data(r->pool, ev, n,
                                                          text);
        }
        else {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, MCPLOGNO(01004)
                          "proxied tools/list stream: an event whose data "
                          "is not JSON (or holds a NUL byte) was dropped");
        }
        if (text) {
            APR_BRIGADE_INSERT_TAIL(out, apr_bucket_pool_create(text,
                                    strlen(text), r->pool, ba));
        }
        used += n;
    }
    if (used) {
        memmove(o->pend, o->pend + used, o->pend_len - used);
        o->pend_len -= used;
    }
    if (flush || eos) {
        APR_BRIGADE_INSERT_TAIL(out, eos ? apr_bucket_eos_create(ba)
                                         : apr_bucket_flush_create(ba));
    }
    /* an event cut off by the end of the stream is dropped, as a client
     * would drop it */
    return APR_BRIGADE_EMPTY(out) ? APR_SUCCESS : ap_pass_brigade(f->next,
                                                                 out);
}

static apr_status_t gateway_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    out_t *o = f->ctx;

    if (o->mode == OUT_JSON) {
        return out_json(f, o, bb);
    }
    if (o->mode == OUT_SSE) {
        return out_sse(f, o, bb);
    }
    if (o->mode == OUT_DISCARD) {
        apr_brigade_cleanup(bb);
        return APR_SUCCESS;
    }
    /* the first brigade: the server's status and headers are known */
    if (ap_is_HTTP_SUCCESS(r->status)) {
        const char *sid = apr_table_get(r->headers_out, SESSION_HEADER);
        if (o->init && sid) {
            mcp_session_bind(r, o->dc, sid);
        }
        if (o->delete_sid) {
            mcp_session_unbind(r, o->dc, o->delete_sid);
        }
    }
    if (!o->lists || r->status != HTTP_OK) {
        ap_remove_output_filter(f);
        return ap_pass_brigade(f->next, bb);
    }
    if (apr_table_get(r->headers_out, "Content-Encoding")) {
        return unfilterable(f, bb, "is content-encoded");
    }
    if (mcp_media_type_is(r->content_type, "application/json")) {
        apr_table_unset(r->headers_out, "Content-Length");
        o->mode = OUT_JSON;
        return out_json(f, o, bb);
    }
    if (mcp_media_type_is(r->content_type, "text/event-stream")) {
        apr_table_unset(r->headers_out, "Content-Length");
        o->mode = OUT_SSE;
        return out_sse(f, o, bb);
    }
    return unfilterable(f, bb, apr_psprintf(r->pool, "has Content-Type "
                        "\"%.64s\"", r->content_type ? r->content_type
                                                      : "(none)"));
}

/* ---- the request, before mod_proxy sends it ---------------------------- */

static int is_proxied(request_rec *r)
{
    return mcp_is_ours(r) && r->user
           && r->filename && !strncmp(r->filename, "proxy:", 6);
}

static int gateway_fixups(request_rec *r)
{
    const mcp_dir_conf_t *dc;
    const char *sid, *err;
    mcp_body_t body;
    out_t *o;
    int i, status;

    if (!is_proxied(r)) {
        return DECLINED;
    }
    dc = mcp_dir_conf(r);
    sid = apr_table_get(r->headers_in, SESSION_HEADER);
    if (sid && mcp_sessions_on(dc) && !mcp_session_bound(r, dc, sid)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(01005)
                      "proxied session unknown or another user's: 404");
        mcp_decision(r, 0, "session not found");
        return mcp_error_response(r, HTTP_NOT_FOUND, mcp_rpc_error(r->pool,
                                  NULL, -32001, "Session not found"));
    }
    o = apr_pcalloc(r->pool, sizeof(*o));
    o->dc = dc;
    if (r->method_number == M_DELETE && sid && mcp_sessions_on(dc)) {
        o->delete_sid = sid;
        ap_add_output_filter(OUT_FILTER, o, r, r->connection);
    }
    if (r->method_number == M_GET && dc->tool_rules) {
        /* a GET stream may replay a tools/list answer (Last-Event-ID) */
        o->lists = 1;
        apr_table_unset(r->headers_in, "Accept-Encoding");
        ap_add_output_filter(OUT_FILTER, o, r, r->connection);
    }
    if (r->method_number != M_POST) {
        return DECLINED;        /* GET streams, DELETE: no body to check */
    }
    if ((status = mcp_body_read(r, dc, &body, &err)) != HTTP_OK) {
        return err ? mcp_error_response(r, status, err) : status;
    }
    for (i = 0; i < body.msgs->nelts; ++i) {
        const mcp_rpc_msg_t *m = APR_ARRAY_IDX(body.msgs, i, mcp_rpc_msg_t *);
        if (m->kind == MCP_RPC_INVALID) {
            return mcp_error_response(r, HTTP_BAD_REQUEST, mcp_rpc_error(
                       r->pool, NULL, MCP_RPC_INVALID_REQUEST, m->why));
        }
        if (m->kind != MCP_RPC_REQUEST) {
            continue;
        }
        if (!strcmp(m->method, "tools/call")
            && !cJSON_IsString(mcp_json_get(m->params, "name"))) {
            return mcp_error_response(r, HTTP_BAD_REQUEST, mcp_rpc_error(
                       r->pool, m->id, MCP_RPC_INVALID_PARAMS,
                       "tools/call needs params.name"));
        }
        o->lists = o->lists || !strcmp(m->method, "tools/list");
        o->init = o->init || (!sid && !strcmp(m->method, "initialize"));
    }
    if ((status = mcp_policy_enforce(r, dc, body.msgs)) != OK) {
        return status;
    }
    keep_body(r, &body);
    o->lists = o->lists && dc->tool_rules;
    if (o->lists) {
        /* an answer we must read comes uncompressed */
        apr_table_unset(r->headers_in, "Accept-Encoding");
    }
    if (o->lists || (o->init && mcp_sessions_on(dc))) {
        ap_add_output_filter(OUT_FILTER, o, r, r->connection);
    }
    return DECLINED;
}

void mcp_gateway_register_hooks(apr_pool_t *p)
{
    static const char *const after_rewrite[] = { "mod_rewrite.c", NULL };

    ap_hook_fixups(gateway_fixups, after_rewrite, NULL, APR_HOOK_MIDDLE);
    ap_register_input_filter(KEPT_FILTER, kept_body_filter, NULL,
                             AP_FTYPE_RESOURCE);
    ap_register_output_filter(OUT_FILTER, gateway_out_filter, NULL,
                              AP_FTYPE_RESOURCE);
}

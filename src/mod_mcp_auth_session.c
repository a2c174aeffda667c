/* mod_mcp_auth_session.c: MCP sessions of the built-in endpoint. A
 * session is created by a successful initialize and lives in the shared
 * cache, so any process of any server sharing the cache serves it. It is
 * bound to the issuer and subject of the token that created it: another
 * user presenting its id gets 404, exactly as for an unknown id. A
 * session is never authentication: every request is authenticated on its
 * own before it gets here. */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "mod_mcp_auth.h"
#include "mcp_rpc.h"
#include "mcp_server.h"
#include "mcp_session.h"

#define SESSION_HEADER "Mcp-Session-Id"

int mcp_sessions_on(const mcp_dir_conf_t *dc)
{
    /* sessions need a place every process can read */
    return mcp_conf_sessions(dc) && mcp_cache_enabled();
}

static const char *caller(request_rec *r)
{
    const char *sub = apr_table_get(r->notes, "mcp-auth-sub");

    return mcp_session_owner(r->pool, apr_table_get(r->notes, "mcp-auth-iss"),
                             sub ? sub : apr_table_get(r->notes,
                                                       "mcp-auth-client-id"));
}

/* The cache id of a proxied server's session sid. */
static void foreign_id(unsigned char id[MCP_CACHE_ID_LEN], request_rec *r,
                       const mcp_dir_conf_t *dc, const char *sid)
{
    mcp_session_foreign_cache_id(id, r->pool, dc->resource, sid);
}

static apr_status_t store_id(request_rec *r, const mcp_dir_conf_t *dc,
                             const unsigned char *id, const mcp_session_t *s)
{
    unsigned char *buf;
    apr_size_t len;

    buf = mcp_session_encode(r->pool, s, id, mcp_cache_secret(), &len);
    return buf ? mcp_socache_set(r, id, buf, len, mcp_conf_session_idle(dc))
               : APR_EGENERAL;
}

static apr_status_t store(request_rec *r, const mcp_dir_conf_t *dc,
                          const char *sid, const mcp_session_t *s)
{
    unsigned char id[MCP_CACHE_ID_LEN];

    mcp_session_cache_id(id, sid);
    return store_id(r, dc, id, s);
}

/* A stand-in while the store fails: a session holds no data, and every
 * request is authenticated anyway, so it is served (degraded) rather than
 * refused. */
static mcp_session_t unverified = { "", MCP_PROTOCOL_DEFAULT, NULL, 0, 0 };

/* The caller's live session sid, or NULL (unknown, expired, malformed
 * id, or another user's: all look the same from outside). */
static mcp_session_t *lookup_id(request_rec *r, const mcp_dir_conf_t *dc,
                                const unsigned char *id)
{
    unsigned char buf[1024];
    apr_size_t len = sizeof(buf);
    mcp_session_t *s;
    apr_status_t rv;

    if ((rv = mcp_socache_get(r, id, buf, &len)) != APR_SUCCESS) {
        return rv == APR_NOTFOUND ? NULL : &unverified;
    }
    if (mcp_session_decode(&s, r->pool, buf, len, id, mcp_cache_secret())
        != APR_SUCCESS) {
        mcp_cache_warn(r, "a session record is not authenticated");
        return NULL;
    }
    if (strcmp(s->owner, caller(r)) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00801)
                      "session presented by another user than its owner: "
                      "404");
        return NULL;
    }
    if (apr_time_now() > s->used + mcp_conf_session_idle(dc)) {
        return NULL;
    }
    return s;
}

static mcp_session_t *lookup(request_rec *r, const mcp_dir_conf_t *dc,
                             const char *sid)
{
    unsigned char id[MCP_CACHE_ID_LEN];

    if (!mcp_session_id_valid(sid)) {
        return NULL;
    }
    mcp_session_cache_id(id, sid);
    return lookup_id(r, dc, id);
}

/* Keep a session alive; writing on every request would cost a store
 * each. */
static void touch(request_rec *r, const mcp_dir_conf_t *dc,
                  const unsigned char *id, mcp_session_t *s)
{
    apr_time_t now = apr_time_now();

    if (s != &unverified && now - s->used > mcp_conf_session_idle(dc) / 8) {
        s->used = now;
        store_id(r, dc, id, s);
    }
}

int mcp_session_not_found(request_rec *r)
{
    mcp_decision(r, 0, "session not found");
    return mcp_respond(r, HTTP_NOT_FOUND, mcp_rpc_error(r->pool, NULL,
                       -32001, "Session not found"));
}

int mcp_session_missing(request_rec *r)
{
    return mcp_respond(r, HTTP_BAD_REQUEST, mcp_rpc_error(r->pool, NULL,
                       -32000, "Bad Request: Mcp-Session-Id header is "
                       "required"));
}

int mcp_session_before(request_rec *r, const mcp_dir_conf_t *dc,
                       const mcp_rpc_msg_t *m)
{
    const char *sid = apr_table_get(r->headers_in, SESSION_HEADER);
    int initialize = m->kind == MCP_RPC_REQUEST
                     && !strcmp(m->method, "initialize");
    unsigned char id[MCP_CACHE_ID_LEN];
    mcp_session_t *s;

    if (!mcp_sessions_on(dc)) {
        return DECLINED;
    }
    if (!sid) {
        /* while the store fails, sessions could not be created either:
         * serve without one rather than fail (degraded, as the cache) */
        if (initialize || mcp_cache_troubled()) {
            return DECLINED;
        }
        return mcp_session_missing(r);
    }
    if (!(s = lookup(r, dc, sid))) {
        return mcp_session_not_found(r);
    }
    if (initialize) {
        return mcp_respond(r, HTTP_BAD_REQUEST, mcp_rpc_error(r->pool, m->id,
                           MCP_RPC_INVALID_REQUEST, "Invalid Request: the "
                           "session is already initialized"));
    }
    if (s == &unverified) {
        return DECLINED;
    }
    mcp_session_cache_id(id, sid);
    touch(r, dc, id, s);
    apr_table_setn(r->notes, "mcp-sid", sid);
    apr_table_setn(r->notes, "mcp-session-version", s->version);
    if (s->level) {
        apr_table_setn(r->notes, "mcp-session-level", s->level);
    }
    return DECLINED;
}

/* logging/setLevel succeeded: the level this session's log messages
 * start at, from now on */
static void keep_level(request_rec *r, const mcp_dir_conf_t *dc,
                       const cJSON *level)
{
    const char *sid = apr_table_get(r->notes, "mcp-sid");
    mcp_session_t *s = sid ? lookup(r, dc, sid) : NULL;

    if (s && s != &unverified && cJSON_IsString(level)) {
        s->level = level->valuestring;
        store(r, dc, sid, s);
    }
}

int mcp_session_after(request_rec *r, const mcp_dir_conf_t *dc,
                      const mcp_rpc_msg_t *m, const mcp_reply_t *reply)
{
    const cJSON *v = mcp_json_get(m->params, "protocolVersion");
    unsigned char random[MCP_SESSION_RANDOM_LEN];
    mcp_session_t s;
    const char *sid;

    if (mcp_sessions_on(dc) && m->kind == MCP_RPC_REQUEST
        && !strcmp(m->method, "logging/setLevel")
        && reply->status == HTTP_OK
        && mcp_log_level_rank(cJSON_GetStringValue(mcp_json_get(m->params,
                                                                "level")))
           >= 0) {
        keep_level(r, dc, mcp_json_get(m->params, "level"));
        return DECLINED;
    }
    if (!mcp_sessions_on(dc) || m->kind != MCP_RPC_REQUEST
        || strcmp(m->method, "initialize") || reply->status != HTTP_OK
        || !cJSON_IsString(v)) {
        return DECLINED;
    }
    if (apr_generate_random_bytes(random, sizeof(random)) != APR_SUCCESS) {
        return mcp_respond(r, HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    sid = mcp_session_id(r->pool, random, sizeof(random));
    s.owner = caller(r);
    s.version = mcp_server_version_supported(v->valuestring)
                ? v->valuestring : MCP_PROTOCOL_LATEST;
    s.created = s.used = apr_time_now();
    s.level = NULL;
    if (store(r, dc, sid, &s) != APR_SUCCESS) {
        /* no id nobody can find again: this client goes without a
         * session (cache trouble degrades, it never fails a request) */
        return DECLINED;
    }
    apr_table_setn(r->headers_out, SESSION_HEADER, sid);
    apr_table_setn(r->notes, "mcp-sid", sid);
    mcp_count(MCP_COUNT_SESSIONS_CREATED);
    return DECLINED;
}

int mcp_session_alive(request_rec *r, const mcp_dir_conf_t *dc,
                      const char *sid)
{
    return lookup(r, dc, sid) != NULL;
}

int mcp_session_delete(request_rec *r, const mcp_dir_conf_t *dc)
{
    const char *sid = apr_table_get(r->headers_in, SESSION_HEADER);
    unsigned char id[MCP_CACHE_ID_LEN];

    if (!mcp_sessions_on(dc)) {
        return DECLINED;                /* no sessions: not allowed */
    }
    if (!sid) {
        return mcp_session_missing(r);
    }
    if (!lookup(r, dc, sid)) {
        return mcp_session_not_found(r);
    }
    /* (while the store fails, the delete fails alike: logged there) */
    mcp_session_cache_id(id, sid);
    mcp_socache_del(r, id);
    mcp_count(MCP_COUNT_SESSIONS_DELETED);
    return mcp_respond(r, HTTP_OK, NULL);
}

/* Sessions of proxied servers: the server issues the id; we record who
 * opened it (initialize), and only that user may use it. */
void mcp_session_bind(request_rec *r, const mcp_dir_conf_t *dc,
                      const char *sid)
{
    unsigned char id[MCP_CACHE_ID_LEN];
    const char *v = apr_table_get(r->headers_in, "MCP-Protocol-Version");
    mcp_session_t s;

    if (!mcp_sessions_on(dc) || !mcp_session_foreign_id_valid(sid)) {
        return;              /* an unbound id is never accepted later */
    }
    foreign_id(id, r, dc, sid);
    s.owner = caller(r);
    s.version = v ? v : "";
    s.level = NULL;
    s.created = s.used = apr_time_now();
    if (store_id(r, dc, id, &s) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, MCPLOGNO(00802)
                      "the proxied server's session could not be recorded; "
                      "its requests will get 404");
        return;
    }
    mcp_count(MCP_COUNT_SESSIONS_CREATED);
}

int mcp_session_bound(request_rec *r, const mcp_dir_conf_t *dc,
                      const char *sid)
{
    unsigned char id[MCP_CACHE_ID_LEN];
    mcp_session_t *s;

    if (!mcp_session_foreign_id_valid(sid)) {
        return 0;
    }
    foreign_id(id, r, dc, sid);
    if (!(s = lookup_id(r, dc, id))) {
        return 0;
    }
    touch(r, dc, id, s);
    return 1;
}

void mcp_session_unbind(request_rec *r, const mcp_dir_conf_t *dc,
                        const char *sid)
{
    unsigned char id[MCP_CACHE_ID_LEN];

    if (mcp_session_foreign_id_valid(sid)) {
        foreign_id(id, r, dc, sid);
        mcp_socache_del(r, id);
        mcp_count(MCP_COUNT_SESSIONS_DELETED);
    }
}

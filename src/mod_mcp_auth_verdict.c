/* mod_mcp_auth_verdict.c: one validation per token. The verdict on a
 * token comes, in this order, from the shared cache; from a validation of
 * the same token already running in this process (mcp_flight) or in
 * another one (a marker in the shared cache); or from validating it here,
 * after which it is stored for the others. Cache trouble falls back to
 * validating; it never fails a request. */
#include <string.h>

#include "apr_strings.h"

#include "mod_mcp_auth.h"
#include "mcp_claims.h"
#include "mcp_introspect.h"
#include "mcp_util.h"

#define POLL_INTERVAL apr_time_from_msec(10)

typedef struct {
    request_rec *r;
    const mcp_dir_conf_t *dc;
    const char *token;
    unsigned char id[MCP_CACHE_ID_LEN];
} ask_t;

/* Entry bytes -> verdict at this moment. 0 when the bytes are unusable. */
static int from_bytes(ask_t *a, const unsigned char *buf, apr_size_t len,
                      mcp_verdict_e *pv, mcp_claims_t **pclaims,
                      const char **pdesc)
{
    mcp_cache_entry_t *e;
    const char *err;

    if (mcp_cache_decode(&e, a->r->pool, buf, len, a->id, mcp_cache_secret(),
                         &err) != APR_SUCCESS) {
        mcp_cache_warn(a->r, err);
        return 0;
    }
    *pv = mcp_cache_verdict(e, a->dc, apr_time_now(), pdesc);
    *pclaims = e->claims;
    return 1;
}

/* The stored entry of this token, if any, into buf (MCP_CACHE_MAX_ENTRY
 * bytes). */
static int fetch(ask_t *a, unsigned char *buf, apr_size_t *plen)
{
    *plen = MCP_CACHE_MAX_ENTRY;
    return mcp_socache_get(a->r, a->id, buf, plen) == APR_SUCCESS;
}

/* Validate here. On success *pbuf holds the encoded entry (NULL when it
 * cannot be encoded), stored in the cache for its TTL. */
static mcp_verdict_e validate(ask_t *a, mcp_claims_t **pclaims,
                              const char **pdesc, unsigned char **pbuf,
                              apr_size_t *plen)
{
    request_rec *r = a->r;
    mcp_cache_entry_t e;
    const char *err = NULL;
    apr_status_t rv;

    *pbuf = NULL;
    mcp_count(MCP_COUNT_VALIDATIONS);
    rv = mcp_introspect(pclaims, r->pool, a->dc, a->token, mcp_http_post,
                        mcp_http_client(), &err);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, MCPLOGNO(00501)
                      "introspection at %s failed (token fp=%s): %s",
                      a->dc->introspection_url,
                      mcp_fingerprint(r->pool, a->token, strlen(a->token)),
                      err ? err : "");
        return MCP_UNAVAILABLE;
    }
    e.verdict = mcp_claims_check(r->pool, *pclaims, a->dc, apr_time_now(),
                                 pdesc);
    e.reason = mcp_reason_of(*pdesc);
    e.claims = *pclaims;
    rv = mcp_cache_encode(pbuf, plen, r->pool, &e, a->id, mcp_cache_secret());
    if (rv != APR_SUCCESS) {
        *pbuf = NULL;
        mcp_cache_warn(r, "encoding a verdict (entry too large)");
    }
    else {
        mcp_socache_set(r, a->id, *pbuf, *plen,
                        mcp_cache_ttl(a->dc, &e, apr_time_now()));
    }
    return e.verdict;
}

/* Another process validates this token: wait (bounded) for its entry to
 * appear in the cache (into buf), or for its marker to go. */
static int wait_for_other(ask_t *a, const unsigned char *mark,
                          apr_interval_time_t wait, unsigned char *buf,
                          apr_size_t *plen)
{
    apr_time_t deadline = apr_time_now() + wait;
    unsigned char m[64];
    apr_size_t mlen;

    mcp_count(MCP_COUNT_WAITS);
    while (apr_time_now() < deadline) {
        apr_sleep(POLL_INTERVAL);
        if (fetch(a, buf, plen)) {
            return 1;
        }
        mlen = sizeof(m);
        if (mcp_socache_get(a->r, mark, m, &mlen) != APR_SUCCESS) {
            return 0;         /* done without a cacheable verdict */
        }
    }
    return 0;
}

mcp_verdict_e mcp_verdict(request_rec *r, const mcp_dir_conf_t *dc,
                          const char *token, mcp_claims_t **pclaims,
                          const char **pdesc)
{
    ask_t a = { r, dc, token, { 0 } };
    apr_interval_time_t wait = mcp_conf_timeout(dc) + apr_time_from_msec(500);
    unsigned char mark[MCP_CACHE_ID_LEN], stored[MCP_CACHE_MAX_ENTRY], *buf;
    const unsigned char *res;
    apr_size_t len;
    mcp_verdict_e v;
    int marked = 0;

    mcp_cache_id(a.id, dc, token);
    if (fetch(&a, stored, &len) && from_bytes(&a, stored, len, &v, pclaims,
                                              pdesc)) {
        mcp_count(v == MCP_OK ? MCP_COUNT_HITS : MCP_COUNT_NEGATIVE_HITS);
        return v;
    }
    mcp_count(MCP_COUNT_MISSES);

    switch (mcp_flight_join(mcp_flight(), a.id, wait, r->pool, &res, &len)) {
    case MCP_FLIGHT_RESULT:
        mcp_count(MCP_COUNT_WAITS);
        if (from_bytes(&a, res, len, &v, pclaims, pdesc)) {
            return v;
        }
        return validate(&a, pclaims, pdesc, &buf, &len);
    case MCP_FLIGHT_FAILED:
        mcp_count(MCP_COUNT_WAITS);
        return MCP_UNAVAILABLE;
    case MCP_FLIGHT_TIMEOUT:
        return validate(&a, pclaims, pdesc, &buf, &len);
    case MCP_FLIGHT_LEAD:
        break;
    }

    /* this process leads; is another process on it already? */
    if (mcp_cache_enabled()) {
        mcp_cache_flight_id(mark, a.id);
        /* memcache and redis keep nothing for less than a second */
        switch (mcp_socache_add(r, mark, (const unsigned char *)"P", 1,
                                wait < apr_time_from_sec(1)
                                ? apr_time_from_sec(1) : wait)) {
        case APR_SUCCESS:
            marked = 1;
            break;
        case APR_EEXIST:
            if (wait_for_other(&a, mark, wait, stored, &len)) {
                mcp_flight_land(mcp_flight(), a.id, stored, len);
                if (from_bytes(&a, stored, len, &v, pclaims, pdesc)) {
                    return v;
                }
                return validate(&a, pclaims, pdesc, &buf, &len);
            }
            break;
        default:
            break;            /* trouble: validate without the marker */
        }
    }
    v = validate(&a, pclaims, pdesc, &buf, &len);
    if (marked) {
        mcp_socache_del(r, mark);
    }
    mcp_flight_land(mcp_flight(), a.id, v == MCP_UNAVAILABLE ? NULL : buf,
                    buf ? len : 0);
    return v;
}

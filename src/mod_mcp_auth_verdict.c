/* mod_mcp_auth_verdict.c: one validation per token. The verdict on a
 * token comes, in this order, from this process's memo (mcp_memo) or the
 * shared cache; from a validation of
 * the same token already running in this process (mcp_flight) or in
 * another one (a marker in the shared cache); or from validating it here,
 * after which it is stored for the others. Cache trouble falls back to
 * validating; it never fails a request. */
#include <string.h>

#include "apr_strings.h"

#include "mod_mcp_auth.h"
#include "mcp_claims.h"
#include "mcp_introspect.h"
#include "mcp_jwt.h"
#include "mcp_memo.h"
#include "mcp_util.h"

#define POLL_INTERVAL apr_time_from_msec(10)

typedef struct {
    request_rec *r;
    const mcp_dir_conf_t *dc;
    const char *token;
    unsigned char id[MCP_CACHE_ID_LEN];
} ask_t;

/* Entry bytes -> verdict at now. Between processes an entry travels
 * SEALED (data and tag); within one (mcp_memo, mcp_flight) as its data
 * alone, VERIFIED: its tag checked when it was read from the shared
 * cache, or encoded here. So a memo hit costs no HMAC. Of sealed bytes
 * *plen becomes the length of their data, the first bytes of buf. 0 when
 * the bytes are unusable; *puntil (if asked) is when the caches drop the
 * entry. */
#define SEALED   1
#define VERIFIED 0
static int from_bytes(ask_t *a, const unsigned char *buf, apr_size_t *plen,
                      int sealed, mcp_verdict_e *pv, mcp_claims_t **pclaims,
                      const char **pdesc, apr_time_t now, apr_time_t *puntil)
{
    mcp_cache_entry_t *e;
    const char *err;
    apr_status_t rv;

    rv = sealed ? mcp_cache_decode(&e, a->r->pool, buf, *plen, a->id,
                                   mcp_cache_secret(), &err)
                : mcp_cache_parse(&e, a->r->pool, buf, *plen, &err);
    if (rv != APR_SUCCESS) {
        mcp_cache_warn(a->r, err);
        return 0;
    }
    if (sealed) {
        *plen -= MCP_CACHE_TAG_LEN;
    }
    *pv = mcp_cache_verdict(e, a->dc, now, pdesc);
    *pclaims = e->claims;
    if (puntil) {
        *puntil = e->until;
    }
    return 1;
}

/* The entry the shared cache holds for this token, if any, into buf
 * (MCP_CACHE_MAX_ENTRY bytes). */
static int fetch(ask_t *a, unsigned char *buf, apr_size_t *plen)
{
    *plen = MCP_CACHE_MAX_ENTRY;
    return mcp_socache_get(a->r, a->id, buf, plen) == APR_SUCCESS;
}

/* The sealed entry in buf, fetched from the shared cache, as a verdict,
 * if it is still current: an entry past its `until` is no verdict,
 * whatever a cache that counts in whole seconds still holds. Its data
 * (*plen bytes of buf) is then kept in the memo. */
static int shared_hit(ask_t *a, unsigned char *buf, apr_size_t *plen,
                      mcp_verdict_e *pv, mcp_claims_t **pclaims,
                      const char **pdesc)
{
    apr_time_t now = apr_time_now(), until;

    if (!from_bytes(a, buf, plen, SEALED, pv, pclaims, pdesc, now, &until)
        || now >= until) {
        return 0;
    }
    mcp_memo_put(mcp_memo(), a->id, buf, *plen, until, now);
    return 1;
}

/* The stored verdict on this token, from the memo, else from the shared
 * cache; its data into buf (MCP_CACHE_MAX_ENTRY bytes). */
static int lookup(ask_t *a, unsigned char *buf, apr_size_t *plen,
                  mcp_verdict_e *pv, mcp_claims_t **pclaims,
                  const char **pdesc)
{
    apr_time_t now = apr_time_now();

    *plen = MCP_CACHE_MAX_ENTRY;
    if (mcp_memo_get(mcp_memo(), a->id, now, buf, plen)
        && from_bytes(a, buf, plen, VERIFIED, pv, pclaims, pdesc, now,
                      NULL)) {
        mcp_count(MCP_COUNT_LOCAL_HITS);
        return 1;
    }
    return fetch(a, buf, plen) && shared_hit(a, buf, plen, pv, pclaims,
                                             pdesc);
}

/* A local JWT verdict: parse, keys, signature, then the claims. */
static mcp_verdict_e validate_jwt(ask_t *a, const char *jwks_url,
                                  mcp_claims_t **pclaims, const char **pdesc)
{
    request_rec *r = a->r;
    const char *err = NULL;
    mcp_keyset_t *keys;
    mcp_jwt_t *jwt;
    apr_status_t rv;

    if (mcp_jwt_parse(&jwt, r->pool, a->token,
                      mcp_conf_max_token_size(a->dc), &err) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, MCPLOGNO(00502)
                      "JWT rejected: %s", err);
        *pdesc = mcp_reason_text(MCP_REASON_MALFORMED);
        return MCP_INVALID_TOKEN;
    }
    if (mcp_keys_get(&keys, r, a->dc, jwks_url, jwt->kid) != APR_SUCCESS) {
        return MCP_UNAVAILABLE;           /* logged where it failed */
    }
    rv = mcp_jwt_verify(jwt, mcp_keys_jwks(keys), mcp_conf_jwt_algs(a->dc),
                        &err);
    mcp_keys_release(keys);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, MCPLOGNO(00503)
                      "JWT (alg %s, kid %s) rejected: %s", jwt->alg,
                      jwt->kid ? jwt->kid : "-", err);
        *pdesc = mcp_reason_text(MCP_REASON_SIGNATURE);
        return MCP_INVALID_TOKEN;
    }
    if (mcp_jwt_claims(pclaims, r->pool, jwt, mcp_conf_jwt_strict_typ(a->dc),
                       apr_time_now(), mcp_conf_clock_skew(a->dc), pdesc)
        != APR_SUCCESS) {
        *pclaims = mcp_claims_create(r->pool);   /* nothing to tell */
        return MCP_INVALID_TOKEN;
    }
    return mcp_claims_check(r->pool, *pclaims, a->dc, apr_time_now(), pdesc);
}

/* A verdict from the introspection endpoint at url. */
static mcp_verdict_e validate_introspect(ask_t *a, const char *url,
                                         mcp_claims_t **pclaims,
                                         const char **pdesc)
{
    apr_time_t started;
    request_rec *r = a->r;
    mcp_dir_conf_t at = *a->dc;           /* the endpoint may be discovered */
    const char *err = NULL;
    apr_status_t rv;

    at.introspection_url = url;
    started = apr_time_now();
    rv = mcp_introspect(pclaims, r->pool, &at, a->token, mcp_http_post,
                        mcp_http_client(), &err);
    mcp_count_latency(apr_time_now() - started);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, MCPLOGNO(00501)
                      "introspection at %s failed (token fp=%s): %s", url,
                      mcp_fingerprint(r->pool, a->token, strlen(a->token)),
                      err ? err : "");
        return MCP_UNAVAILABLE;
    }
    return mcp_claims_check(r->pool, *pclaims, a->dc, apr_time_now(), pdesc);
}

/* Validate here, by the method the configuration and the token's shape
 * call for. The entry is stored in the cache for its TTL; *pbuf holds its
 * data (NULL when it cannot be encoded). */
static mcp_verdict_e validate(ask_t *a, mcp_claims_t **pclaims,
                              const char **pdesc, unsigned char **pbuf,
                              apr_size_t *plen)
{
    request_rec *r = a->r;
    mcp_validation_e mode = mcp_conf_validation(a->dc);
    int jwt = mode == MCP_VALIDATE_JWT
              || (mode == MCP_VALIDATE_AUTO && mcp_jwt_looks_like(a->token));
    const char *url = NULL;
    mcp_cache_entry_t e;
    apr_interval_time_t ttl;
    apr_time_t now;

    *pbuf = NULL;
    *pclaims = mcp_claims_create(r->pool);
    /* only the endpoint this token needs is looked up (or discovered) */
    if (mcp_endpoint(r, a->dc, jwt, &url) != APR_SUCCESS) {
        return MCP_UNAVAILABLE;
    }
    if (!url && jwt && mode == MCP_VALIDATE_AUTO
        && mcp_endpoint(r, a->dc, 0, &url) == APR_SUCCESS && url) {
        jwt = 0;              /* no keys here: ask the server about it */
    }
    mcp_count(MCP_COUNT_VALIDATIONS);
    if (!url) {
        /* no way to validate this kind of token here */
        *pdesc = mcp_reason_text(MCP_REASON_MALFORMED);
        e.verdict = MCP_INVALID_TOKEN;
    }
    else if (jwt) {
        mcp_count(MCP_COUNT_VALIDATIONS_JWT);
        e.verdict = validate_jwt(a, url, pclaims, pdesc);
    }
    else {
        mcp_count(MCP_COUNT_VALIDATIONS_INTROSPECTION);
        e.verdict = validate_introspect(a, url, pclaims, pdesc);
    }
    if (e.verdict == MCP_UNAVAILABLE) {
        return e.verdict;
    }
    e.reason = mcp_reason_of(*pdesc);
    e.claims = *pclaims;
    /* only the claims that Require mcp-claim lines ask about */
    mcp_claims_keep(*pclaims, r->pool, mcp_authz_claim_names());
    now = apr_time_now();
    ttl = mcp_cache_ttl(a->dc, &e, now);
    e.until = now + ttl;
    if (mcp_cache_encode(pbuf, plen, r->pool, &e, a->id, mcp_cache_secret())
        != APR_SUCCESS) {
        *pbuf = NULL;
        mcp_cache_warn(r, "encoding a verdict (entry too large)");
    }
    else {
        apr_size_t sealed = *plen;

        *plen -= MCP_CACHE_TAG_LEN;          /* the data, kept in-process */
        if (mcp_socache_set(r, a->id, *pbuf, sealed, ttl) == APR_SUCCESS) {
            mcp_memo_put(mcp_memo(), a->id, *pbuf, *plen, e.until, now);
        }
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
            /* the entry may have landed between the two reads */
            return fetch(a, buf, plen);
        }
    }
    return 0;
}

mcp_verdict_e mcp_verdict(request_rec *r, const mcp_dir_conf_t *dc,
                          const char *token, mcp_claims_t **pclaims,
                          const char **pdesc)
{
    ask_t a = { r, dc, token, { 0 } };
    /* as long as the leader may take: with discovery, two metadata URLs
     * before the key set or the introspection endpoint is asked */
    apr_interval_time_t wait = (mcp_conf_discovery(dc) ? 3 : 1)
                               * mcp_conf_timeout(dc)
                               + apr_time_from_msec(500);
    unsigned char mark[MCP_CACHE_ID_LEN], stored[MCP_CACHE_MAX_ENTRY], *buf;
    const unsigned char *res;
    apr_size_t len;
    mcp_verdict_e v;
    int marked = 0;

    mcp_cache_id(a.id, dc, token);
    if (lookup(&a, stored, &len, &v, pclaims, pdesc)) {
        mcp_count(v == MCP_OK ? MCP_COUNT_HITS : MCP_COUNT_NEGATIVE_HITS);
        apr_table_setn(r->notes, "mcp-auth-cache",
                       v == MCP_OK ? "hit" : "negative-hit");
        return v;
    }
    mcp_count(MCP_COUNT_MISSES);
    /* "wait" when another thread or process gave the verdict */
    apr_table_setn(r->notes, "mcp-auth-cache", "miss");

    switch (mcp_flight_join(mcp_flight(), a.id, wait, r->pool, &res, &len)) {
    case MCP_FLIGHT_RESULT:
        mcp_count(MCP_COUNT_WAITS);
        apr_table_setn(r->notes, "mcp-auth-cache", "wait");
        /* an empty result: the leader's verdict could not be encoded */
        if (len && from_bytes(&a, res, &len, VERIFIED, &v, pclaims, pdesc,
                              apr_time_now(), NULL)) {
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
            /* another process may have stored its verdict and dropped
             * its marker between our miss and our marker */
            if (lookup(&a, stored, &len, &v, pclaims, pdesc)) {
                mcp_socache_del(r, mark);
                mcp_flight_land(mcp_flight(), a.id, stored, len);
                return v;
            }
            break;
        case APR_EEXIST:
            /* the other process's verdict, if it came in time and is
             * still current; else this process validates after all */
            if (wait_for_other(&a, mark, wait, stored, &len)
                && shared_hit(&a, stored, &len, &v, pclaims, pdesc)) {
                apr_table_setn(r->notes, "mcp-auth-cache", "wait");
                mcp_flight_land(mcp_flight(), a.id, stored, len);
                return v;
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
    /* NULL tells the waiting threads that the server failed (503 them
     * too); an empty result that they must validate on their own */
    mcp_flight_land(mcp_flight(), a.id,
                    v == MCP_UNAVAILABLE ? NULL
                    : buf ? buf : (const unsigned char *)"", buf ? len : 0);
    return v;
}

/* mod_mcp_auth_keys.c: where validation finds the authorization server:
 * its metadata (RFC 8414 / OpenID discovery) for endpoints that are not
 * configured, and its signing keys (JWK Set) for local JWT validation.
 *
 * Documents are shared between processes and servers through the cache,
 * sealed with the cache secret; parsed keys are kept per process, in a
 * key set with a reference count so that a refresh never frees keys a
 * thread is verifying with. Network fetches happen without any lock held;
 * threads that need the same document wait for the first (mcp_flight). */
#include <string.h>

#include "apr_hash.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

#include "mod_mcp_auth.h"
#include "mcp_discovery.h"
#include "mcp_jwk.h"

#define STAMP_LEN 8            /* a document's fetch time, before its bytes */

typedef struct keyset_t {
    apr_pool_t *pool;
    mcp_jwks_t *jwks;
    apr_time_t fetched;
    int refs;                  /* holders: the source (current) + threads */
} keyset_t;

typedef struct {
    keyset_t *current;
    apr_time_t last_fetch;     /* network fetch or attempt */
} keysource_t;

typedef struct {
    const char *jwks_uri;
    const char *introspection;
    apr_time_t fetched;
} metadata_t;

/* Per process (child_init). */
static apr_pool_t *pool;
static apr_thread_mutex_t *lock;
static apr_hash_t *sources;    /* JWKS URL -> keysource_t */
static apr_hash_t *metadata;   /* issuer -> metadata_t */

void mcp_keys_child_init(apr_pool_t *pchild)
{
    pool = pchild;
    sources = apr_hash_make(pchild);
    metadata = apr_hash_make(pchild);
    if (apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, pchild)
        != APR_SUCCESS) {
        lock = NULL;
    }
}

static void lock_on(void)
{
    if (lock) {
        apr_thread_mutex_lock(lock);
    }
}

static void lock_off(void)
{
    if (lock) {
        apr_thread_mutex_unlock(lock);
    }
}

static apr_int64_t get_stamp(const unsigned char *b)
{
    apr_uint64_t v = 0;
    int i;

    for (i = 0; i < STAMP_LEN; ++i) {
        v = (v << 8) | b[i];
    }
    return (apr_int64_t)v;
}

/* The document at url as the shared cache has it, with its fetch time;
 * NULL when it has none (or a forged one). */
static const char *doc_shared(request_rec *r, const unsigned char *id,
                              apr_size_t *plen, apr_time_t *pfetched)
{
    apr_size_t len = MCP_CACHE_MAX_DOC, dlen;
    unsigned char *buf = apr_palloc(r->pool, len);
    const unsigned char *data;

    if (mcp_socache_get(r, id, buf, &len) != APR_SUCCESS) {
        return NULL;
    }
    data = mcp_cache_unseal(r->pool, id, buf, len, mcp_cache_secret(), &dlen);
    if (!data || dlen < STAMP_LEN) {
        mcp_cache_warn(r, "a cached document is not authenticated");
        return NULL;
    }
    *pfetched = get_stamp(data);
    *plen = dlen - STAMP_LEN;
    return apr_pstrmemdup(r->pool, (const char *)data + STAMP_LEN, *plen);
}

/* GET url from the authorization server; on success the document is also
 * stored, sealed and stamped, in the shared cache for `ttl`. */
static const char *doc_fetch(request_rec *r, const mcp_dir_conf_t *dc,
                             const unsigned char *id, const char *url,
                             apr_interval_time_t ttl, apr_size_t *plen,
                             const char **perr)
{
    mcp_http_req_t req;
    mcp_http_resp_t *resp;
    apr_time_t now = apr_time_now(), started;
    unsigned char *stamped, *sealed;
    apr_size_t slen;
    apr_status_t rv;
    int i;

    memset(&req, 0, sizeof(req));
    req.url = url;
    req.headers = apr_array_make(r->pool, 1, sizeof(const char *));
    APR_ARRAY_PUSH(req.headers, const char *) = "Accept: application/json";
    req.timeout = mcp_conf_timeout(dc);
    req.connect_timeout = mcp_conf_connect_timeout(dc);
    req.max_response = (apr_size_t)mcp_conf_max_response(dc);
    req.allow_http = mcp_conf_allow_http(dc);
    started = apr_time_now();
    rv = mcp_http_post(&resp, r->pool, &req, mcp_http_client(), perr);
    mcp_count_latency(apr_time_now() - started);
    if (rv != APR_SUCCESS) {
        return NULL;
    }
    if (resp->status != 200) {
        *perr = apr_psprintf(r->pool, "HTTP %d", resp->status);
        return NULL;
    }
    stamped = apr_palloc(r->pool, STAMP_LEN + resp->body_len);
    for (i = STAMP_LEN - 1; i >= 0; --i, now >>= 8) {
        stamped[i] = (unsigned char)(now & 0xff);
    }
    memcpy(stamped + STAMP_LEN, resp->body, resp->body_len);
    sealed = mcp_cache_seal(r->pool, id, stamped, STAMP_LEN + resp->body_len,
                            mcp_cache_secret(), &slen);
    if (sealed && slen <= MCP_CACHE_MAX_DOC) {
        mcp_socache_set(r, id, sealed, slen, ttl);
    }
    *plen = resp->body_len;
    return resp->body;
}

/* --- metadata ------------------------------------------------------------ */

static apr_status_t discover(request_rec *r, const mcp_dir_conf_t *dc,
                             const char *issuer, metadata_t *out,
                             const char **pdoc, apr_size_t *pdlen)
{
    const apr_array_header_t *urls = mcp_discovery_urls(r->pool, issuer);
    apr_interval_time_t refresh = mcp_conf_keys_refresh(dc);
    mcp_as_metadata_t *md = NULL;
    const char *doc, *err = NULL;
    unsigned char id[MCP_CACHE_ID_LEN];
    apr_time_t fetched = apr_time_now();
    apr_size_t len;
    int i;

    mcp_cache_doc_id(id, "metadata", issuer);
    doc = doc_shared(r, id, &len, &fetched);
    if (doc && mcp_discovery_parse(&md, r->pool, doc, len, issuer,
                                   mcp_conf_allow_http(dc), &err)
               != APR_SUCCESS) {
        md = NULL;
    }
    for (i = 0; !md && i < urls->nelts; ++i) {
        const char *url = APR_ARRAY_IDX(urls, i, const char *);
        mcp_count(MCP_COUNT_METADATA_FETCHES);
        fetched = apr_time_now();
        doc = doc_fetch(r, dc, id, url, refresh, &len, &err);
        if (doc && mcp_discovery_parse(&md, r->pool, doc, len, issuer,
                                       mcp_conf_allow_http(dc), &err)
                   != APR_SUCCESS) {
            md = NULL;
            mcp_socache_del(r, id);
        }
        if (!md) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, MCPLOGNO(00601)
                          "metadata of %s at %s: %s", issuer, url, err);
        }
    }
    if (!md) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCPLOGNO(00602)
                      "cannot discover the metadata of issuer %s: %s",
                      issuer, err ? err : "no document");
        return APR_EGENERAL;
    }
    out->jwks_uri = md->jwks_uri;
    out->introspection = md->introspection_endpoint;
    out->fetched = fetched;
    if (pdoc) {
        *pdoc = doc;
        *pdlen = len;
    }
    return APR_SUCCESS;
}

apr_status_t mcp_issuer_metadata(request_rec *r, const mcp_dir_conf_t *dc,
                                 const char **pdoc, apr_size_t *plen)
{
    metadata_t found;

    return discover(r, dc, APR_ARRAY_IDX(dc->issuers, 0, const char *),
                    &found, pdoc, plen);
}

/* Copy s into the process pool unless it is what old already says
 * (strings there live as long as the process: copy only on change). */
static const char *keep(const char *old, const char *s)
{
    if (!s) {
        return NULL;
    }
    return old && !strcmp(old, s) ? old : apr_pstrdup(pool, s);
}

apr_status_t mcp_endpoint(request_rec *r, const mcp_dir_conf_t *dc,
                          int jwks, const char **purl)
{
    const char *issuer = APR_ARRAY_IDX(dc->issuers, 0, const char *);
    metadata_t *md, found;
    apr_time_t now = apr_time_now();

    *purl = jwks ? dc->jwks_url : dc->introspection_url;
    if (*purl || !mcp_conf_discovery(dc) || !pool) {
        return APR_SUCCESS;
    }
    lock_on();
    md = apr_hash_get(metadata, issuer, APR_HASH_KEY_STRING);
    if (md && now < md->fetched + mcp_conf_keys_refresh(dc)) {
        found = *md;
        lock_off();
    }
    else {
        lock_off();
        if (discover(r, dc, issuer, &found, NULL, NULL) != APR_SUCCESS) {
            if (!md) {
                return APR_EGENERAL;
            }
            found = *md;          /* stale beats nothing */
        }
        lock_on();
        if (!(md = apr_hash_get(metadata, issuer, APR_HASH_KEY_STRING))) {
            md = apr_pcalloc(pool, sizeof(*md));
            apr_hash_set(metadata, apr_pstrdup(pool, issuer),
                         APR_HASH_KEY_STRING, md);
        }
        md->jwks_uri = keep(md->jwks_uri, found.jwks_uri);
        md->introspection = keep(md->introspection, found.introspection);
        md->fetched = found.fetched;
        found = *md;
        lock_off();
    }
    *purl = jwks ? found.jwks_uri : found.introspection;
    return APR_SUCCESS;
}

/* --- key sets ------------------------------------------------------------ */

/* Drop one reference (under the lock). */
static void unref(keyset_t *ks)
{
    if (ks && --ks->refs == 0) {
        apr_pool_destroy(ks->pool);
    }
}

void mcp_keys_release(mcp_keyset_t *handle)
{
    lock_on();
    unref((keyset_t *)handle);
    lock_off();
}

const mcp_jwks_t *mcp_keys_jwks(mcp_keyset_t *handle)
{
    return ((keyset_t *)handle)->jwks;
}

/* Parse doc into a new key set and make it the source's current one. */
static keyset_t *install(request_rec *r, const char *url, const char *doc,
                         apr_size_t len, apr_time_t fetched)
{
    keyset_t *ks;
    keysource_t *src;
    apr_pool_t *kp;
    const char *err;
    int skipped;

    apr_pool_create(&kp, pool);
    ks = apr_pcalloc(kp, sizeof(*ks));
    ks->pool = kp;
    ks->fetched = fetched;
    if (mcp_jwks_parse(&ks->jwks, kp, doc, len, &skipped, &err)
        != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCPLOGNO(00603)
                      "JWK Set at %s: %s", url, err);
        apr_pool_destroy(kp);
        return NULL;
    }
    if (skipped) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(00604)
                      "JWK Set at %s: %d key(s) not usable for signature "
                      "verification, skipped", url, skipped);
    }
    lock_on();
    src = apr_hash_get(sources, url, APR_HASH_KEY_STRING);
    ks->refs = 1;
    unref(src->current);
    src->current = ks;
    lock_off();
    return ks;
}

apr_status_t mcp_keys_get(mcp_keyset_t **phandle, request_rec *r,
                          const mcp_dir_conf_t *dc, const char *url,
                          const char *kid)
{
    apr_time_t now = apr_time_now(), fetched = 0;
    apr_interval_time_t refresh = mcp_conf_keys_refresh(dc);
    apr_interval_time_t cooldown = mcp_conf_keys_cooldown(dc);
    unsigned char id[MCP_CACHE_ID_LEN], mark[MCP_CACHE_ID_LEN];
    const unsigned char *res;
    keysource_t *src;
    keyset_t *ks, *held;
    const char *doc, *err = NULL;
    apr_size_t len;
    int fresh, known, may_fetch;

    *phandle = NULL;
    if (!pool) {
        return APR_EGENERAL;
    }
    mcp_cache_doc_id(id, "jwks", url);
    lock_on();
    if (!(src = apr_hash_get(sources, url, APR_HASH_KEY_STRING))) {
        src = apr_pcalloc(pool, sizeof(*src));
        apr_hash_set(sources, apr_pstrdup(pool, url), APR_HASH_KEY_STRING,
                     src);
    }
    ks = src->current;
    fresh = ks && now < ks->fetched + refresh;
    known = ks && mcp_jwks_has_kid(ks->jwks, kid);
    /* an unknown kid refetches at most once per cooldown */
    may_fetch = !ks || !fresh || now >= src->last_fetch + cooldown;
    if (ks && (known || !may_fetch) && fresh) {
        ++ks->refs;
        *phandle = (mcp_keyset_t *)ks;
        lock_off();
        return APR_SUCCESS;
    }
    if (may_fetch) {
        src->last_fetch = now;
    }
    /* hold what we looked at: another leader may replace it meanwhile */
    if ((held = ks) != NULL) {
        ++held->refs;
    }
    lock_off();

    /* one thread of this process fetches; the others wait for it */
    if (mcp_flight_join(mcp_flight(), id, mcp_conf_timeout(dc)
                        + apr_time_from_msec(500), r->pool, &res, &len)
        == MCP_FLIGHT_LEAD) {
        /* a newer copy from another process first */
        doc = doc_shared(r, id, &len, &fetched);
        if (doc && (!ks || fetched > ks->fetched)) {
            ks = install(r, url, doc, len, fetched);
        }
        if ((!ks || now >= ks->fetched + refresh || !mcp_jwks_has_kid(ks->jwks, kid))
            && may_fetch) {
            /* one network fetch per cooldown on this server: a marker in
             * the cache tells the other processes (the first load of a
             * process that has no keys at all does not wait for it) */
            mcp_cache_flight_id(mark, id);
            if (!ks || mcp_socache_add(r, mark, (const unsigned char *)"C",
                                       1, cooldown < apr_time_from_sec(1)
                                       ? apr_time_from_sec(1) : cooldown)
                       != APR_EEXIST) {
                mcp_count(MCP_COUNT_JWKS_FETCHES);
                fetched = apr_time_now();
                doc = doc_fetch(r, dc, id, url, refresh, &len, &err);
                if (doc) {
                    install(r, url, doc, len, fetched);
                }
                else {
                    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                                  MCPLOGNO(00605) "cannot fetch the JWK Set "
                                  "at %s: %s", url, err ? err : "");
                }
            }
        }
        mcp_flight_land(mcp_flight(), id, (const unsigned char *)"", 0);
    }
    lock_on();
    unref(held);
    if ((ks = src->current) != NULL) {
        ++ks->refs;
        *phandle = (mcp_keyset_t *)ks;
    }
    lock_off();
    return ks ? APR_SUCCESS : APR_EGENERAL;
}

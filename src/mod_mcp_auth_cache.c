/* mod_mcp_auth_cache.c: the verdict cache on Apache's shared-object cache
 * providers (ap_socache: shmcb, memcache, redis) and its lifecycle.
 *
 * Lifecycle (as mod_cache_socache): mutex type registered in pre_config;
 * provider found and instance created in check_config (so "apache2 -t"
 * sees bad values); global mutex (only for providers that need one) and
 * init in post_config; mutex re-attached in child_init. Locks are taken
 * only around in-memory providers, never around a network call.
 *
 * In front of it, each child keeps a memo of recent verdicts (mcp_memo,
 * MCPAuthCacheLocalEntries), so that a hit takes neither the global mutex
 * nor a round trip to memcache or redis. */
#include <string.h>

#include "apr_atomic.h"
#include "apr_global_mutex.h"
#include "apr_strings.h"
#include "ap_provider.h"
#include "ap_socache.h"
#include "http_core.h"
#include "http_protocol.h"
#include "util_mutex.h"

#include <openssl/evp.h>

#include "mod_mcp_auth.h"
#include "mcp_memo.h"

#define MUTEX_TYPE   "mcp-auth-cache"   /* "Mutex <mech> mcp-auth-cache" */
#define NAMESPACE    "mcpauth"          /* shared by every server */
#define DEFAULT_SPEC "shmcb"
#define WARN_EVERY   apr_time_from_sec(10)
#define DEFAULT_LOCAL 1024              /* MCPAuthCacheLocalEntries */

/* Set while the configuration is read; reset in pre_config. */
static const char *spec;
static const char *passphrase;
static int local_entries = -1;

/* The current generation. */
static const ap_socache_provider_t *provider;
static ap_socache_instance_t *instance;
static apr_global_mutex_t *mutex;
static unsigned char secret[MCP_CACHE_SECRET_LEN];
static apr_time_t last_warning;
static apr_time_t last_trouble;

/* Each child's own. */
static mcp_memo_t *memo;

const char *mcp_cmd_cache(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err) {
        return err;
    }
    spec = arg;
    return NULL;
}

const char *mcp_cmd_cache_secret(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err) {
        return err;
    }
    if (strlen(arg) < 16) {
        return "MCPAuthCacheSecret: use at least 16 characters";
    }
    passphrase = arg;
    return NULL;
}

void mcp_cache_local_entries(int entries)
{
    local_entries = entries;
}

mcp_memo_t *mcp_memo(void)
{
    return memo;
}

const unsigned char *mcp_cache_secret(void)
{
    return secret;
}

int mcp_cache_enabled(void)
{
    return instance != NULL;
}

int mcp_cache_troubled(void)
{
    return last_trouble && apr_time_now() - last_trouble < WARN_EVERY;
}

/* Cache trouble is a warning, at most one per process every 10 s. */
static void cache_trouble(request_rec *r, apr_status_t rv, const char *what)
{
    apr_time_t now = apr_time_now();

    last_trouble = now;
    mcp_count(MCP_COUNT_ERRORS);
    if (now - last_warning > WARN_EVERY) {
        last_warning = now;
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r, MCPLOGNO(00401)
                      "verdict cache (%s): %s failed; validating without "
                      "it", spec ? spec : DEFAULT_SPEC, what);
    }
}

void mcp_cache_warn(request_rec *r, const char *what)
{
    cache_trouble(r, APR_SUCCESS, what);
}

/* An id that could not be computed is every token's: trouble, never a
 * key (mcp_cache_id_usable). */
static int id_refused(request_rec *r, const unsigned char *id)
{
    if (mcp_cache_id_usable(id)) {
        return 0;
    }
    cache_trouble(r, APR_EGENERAL, "computing a cache id (SHA-256)");
    return 1;
}

static apr_status_t lock(void)
{
    return mutex ? apr_global_mutex_lock(mutex) : APR_SUCCESS;
}

static void unlock(void)
{
    if (mutex) {
        apr_global_mutex_unlock(mutex);
    }
}

apr_status_t mcp_socache_get(request_rec *r, const unsigned char *id,
                             unsigned char *buf, apr_size_t *plen)
{
    unsigned int len = (unsigned int)*plen;
    apr_status_t rv;

    if (!instance) {
        return APR_NOTFOUND;
    }
    if (id_refused(r, id)) {
        return APR_EGENERAL;
    }
    if ((rv = lock()) == APR_SUCCESS) {
        rv = provider->retrieve(instance, r->server, id, MCP_CACHE_ID_LEN,
                                buf, &len, r->pool);
        unlock();
    }
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        cache_trouble(r, rv, "retrieve");
        return APR_EGENERAL;
    }
    *plen = len;
    return rv;
}

static apr_status_t store_locked(request_rec *r, const unsigned char *id,
                                 const unsigned char *data, apr_size_t len,
                                 apr_interval_time_t ttl)
{
    return provider->store(instance, r->server, id, MCP_CACHE_ID_LEN,
                           apr_time_now() + ttl, (unsigned char *)data,
                           (unsigned int)len, r->pool);
}

apr_status_t mcp_socache_set(request_rec *r, const unsigned char *id,
                             const unsigned char *data, apr_size_t len,
                             apr_interval_time_t ttl)
{
    apr_status_t rv;

    if (!instance || ttl <= 0) {
        return APR_ENOTIMPL;
    }
    if (id_refused(r, id)) {
        return APR_EGENERAL;
    }
    if ((rv = lock()) == APR_SUCCESS) {
        rv = store_locked(r, id, data, len, ttl);
        unlock();
    }
    if (rv != APR_SUCCESS) {
        cache_trouble(r, rv, "store");
    }
    return rv;
}

void mcp_socache_del(request_rec *r, const unsigned char *id)
{
    if (instance && mcp_cache_id_usable(id) && lock() == APR_SUCCESS) {
        provider->remove(instance, r->server, id, MCP_CACHE_ID_LEN, r->pool);
        unlock();
    }
}

apr_status_t mcp_socache_add(request_rec *r, const unsigned char *id,
                             const unsigned char *data, apr_size_t len,
                             apr_interval_time_t ttl)
{
    unsigned char buf[64];
    unsigned int blen = sizeof(buf);
    apr_status_t rv;

    if (!instance) {
        return APR_SUCCESS;
    }
    if (id_refused(r, id)) {
        return APR_EGENERAL;
    }
    /* atomic for shmcb (one lock around both); a race between two network
     * round trips for memcache and redis costs at most one more call */
    if ((rv = lock()) != APR_SUCCESS) {
        return rv;
    }
    rv = provider->retrieve(instance, r->server, id, MCP_CACHE_ID_LEN, buf,
                            &blen, r->pool);
    if (rv == APR_NOTFOUND) {
        rv = store_locked(r, id, data, len, ttl);
    }
    else if (rv == APR_SUCCESS) {
        rv = APR_EEXIST;
    }
    unlock();
    return rv;
}

/* --- lifecycle ----------------------------------------------------------- */

static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    spec = passphrase = NULL;
    local_entries = -1;
    memo = NULL;
    provider = NULL;
    instance = NULL;
    mutex = NULL;
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

static int check_config(apr_pool_t *pconf, apr_pool_t *plog,
                        apr_pool_t *ptemp, server_rec *s)
{
    const char *sp = spec ? spec : DEFAULT_SPEC;
    const char *colon = strchr(sp, ':'), *name, *err;

    if (!strcasecmp(sp, "none")) {
        return OK;
    }
    name = colon ? apr_pstrmemdup(ptemp, sp, colon - sp) : sp;
    provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                  AP_SOCACHE_PROVIDER_VERSION);
    if (!provider) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     MCPLOGNO(00402) "MCPAuthCache: no shared object cache "
                     "\"%s\" (LoadModule socache_%s_module?)", name, name);
        return !OK;
    }
    if (strcmp(name, "shmcb") && !passphrase) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     MCPLOGNO(00403) "MCPAuthCacheSecret: required with "
                     "MCPAuthCache %s (every server sharing the cache uses "
                     "the same secret)", sp);
        return !OK;
    }
    err = provider->create(&instance, colon ? colon + 1 : NULL, ptemp, pconf);
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     MCPLOGNO(00404) "MCPAuthCache: %s", err);
        instance = NULL;
        return !OK;
    }
    return OK;
}

static apr_status_t cache_cleanup(void *data)
{
    if (provider && instance) {
        provider->destroy(instance, data);
    }
    instance = NULL;
    return APR_SUCCESS;
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                       server_rec *s)
{
    struct ap_socache_hints hints = { MCP_CACHE_ID_LEN, 256,
                                      apr_time_from_sec(60) };
    apr_status_t rv;

    /* startup reads the configuration twice; the first pass is a dry run */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    if (passphrase) {
        EVP_Digest(passphrase, strlen(passphrase), secret, NULL, EVP_sha256(),
                   NULL);
    }
    else if ((rv = apr_generate_random_bytes(secret, sizeof(secret)))
             != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, MCPLOGNO(00406)
                     "cannot generate the verdict cache secret");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!instance) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, MCPLOGNO(00407)
                     "verdict cache off (MCPAuthCache none)");
        return OK;
    }
    if (provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&mutex, NULL, MUTEX_TYPE, NULL, s, pconf,
                                    0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, MCPLOGNO(00408)
                         "cannot create the verdict cache mutex");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    rv = provider->init(instance, NAMESPACE, &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, MCPLOGNO(00409)
                     "cannot initialise the verdict cache (%s)",
                     spec ? spec : DEFAULT_SPEC);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, s, cache_cleanup, apr_pool_cleanup_null);
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, MCPLOGNO(00410)
                 "verdict cache %s ready%s", spec ? spec : DEFAULT_SPEC,
                 mutex ? " (with a global mutex)" : "");
    return OK;
}

static void child_init(apr_pool_t *p, server_rec *s)
{
    int entries = local_entries < 0 ? DEFAULT_LOCAL : local_entries;
    apr_status_t rv;

    if (mutex) {
        rv = apr_global_mutex_child_init(&mutex,
                                         apr_global_mutex_lockfile(mutex), p);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, MCPLOGNO(00411)
                         "cannot attach the verdict cache mutex; cache off "
                         "in this process");
            instance = NULL;
        }
    }
    /* the memo is a copy of what the shared cache holds: without the
     * shared cache (MCPAuthCache none) nothing is kept at all */
    if (instance && entries > 0
        && (rv = mcp_memo_create(&memo, p, entries)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, MCPLOGNO(00412)
                     "cannot create the local verdict memo; every hit "
                     "goes to the shared cache");
        memo = NULL;
    }
}

void mcp_cache_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
}

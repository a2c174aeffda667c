/* mcp_cache.h: what the verdict cache stores, and for how long: keys,
 * entries in a compact versioned encoding authenticated with HMAC-SHA256,
 * and the TTL policy. The glue moves the bytes (ap_socache); nothing here
 * knows where they are kept.
 */
#ifndef MCP_CACHE_H
#define MCP_CACHE_H

#include "mcp.h"
#include "mcp_conf.h"

/* Cache ids: a kind byte, then SHA-256. shmcb spreads entries by the first
 * bytes, so the kind goes last. */
#define MCP_CACHE_ID_LEN     33
#define MCP_CACHE_MAX_ENTRY  4096        /* larger entries are not cached */
#define MCP_CACHE_SECRET_LEN 32
#define MCP_CACHE_MAX_DOC    16384       /* larger documents stay private */
#define MCP_CACHE_TAG_LEN    32          /* sealed: the data, then this */

typedef struct mcp_cache_entry_t {
    mcp_verdict_e verdict;   /* MCP_OK, MCP_INVALID_TOKEN, MCP_INSUFFICIENT_SCOPE */
    int reason;              /* mcp_reason_e, MCP_REASON_NONE for MCP_OK */
    mcp_claims_t *claims;    /* sub, client_id, iss, scopes, aud, exp, nbf */
    apr_time_t until;        /* when every cache must drop it: the time it
                              * was stored plus mcp_cache_ttl() */
} mcp_cache_entry_t;

/* The id of the verdict on token by the verifier dc: SHA-256 over the
 * token and everything about dc that decides the verdict (validation mode,
 * algorithms and typ policy, configured endpoints, client, audiences,
 * issuers, required scopes), so that no verdict crosses locations with
 * other settings. */
void mcp_cache_id(unsigned char id[MCP_CACHE_ID_LEN],
                  const mcp_dir_conf_t *dc, const char *token);

/* 0 for an id that could not be computed (SHA-256 failed): such an id is
 * the same for every input, so nothing may be stored, read, or shared
 * under it (the socache glue, mcp_memo and mcp_flight refuse it, and the
 * request is validated without the cache). */
int mcp_cache_id_usable(const unsigned char id[MCP_CACHE_ID_LEN]);

/* The id of the "validation in progress" marker that goes with a verdict
 * id (unusable if id is). */
void mcp_cache_flight_id(unsigned char out[MCP_CACHE_ID_LEN],
                         const unsigned char id[MCP_CACHE_ID_LEN]);

/* Any bytes to store under id, sealed with an HMAC-SHA256 tag over id and
 * data (documents such as JWK Sets: whoever can write to the cache must
 * not choose which keys are trusted). */
unsigned char *mcp_cache_seal(apr_pool_t *p,
                              const unsigned char id[MCP_CACHE_ID_LEN],
                              const unsigned char *data, apr_size_t len,
                              const unsigned char *secret, apr_size_t *plen);

/* The data of sealed bytes, or NULL when the tag does not match. */
const unsigned char *mcp_cache_unseal(apr_pool_t *p,
                                      const unsigned char id[MCP_CACHE_ID_LEN],
                                      const unsigned char *buf,
                                      apr_size_t len,
                                      const unsigned char *secret,
                                      apr_size_t *plen);

/* The id of a document (kind "jwks" or "metadata") fetched from url. */
void mcp_cache_doc_id(unsigned char id[MCP_CACHE_ID_LEN], const char *kind,
                      const char *url);

/* Encode e for storage under id, with an HMAC-SHA256 tag over id and the
 * bytes. APR_ENOSPC when it would be larger than MCP_CACHE_MAX_ENTRY. */
apr_status_t mcp_cache_encode(unsigned char **pbuf, apr_size_t *plen,
                              apr_pool_t *p, const mcp_cache_entry_t *e,
                              const unsigned char id[MCP_CACHE_ID_LEN],
                              const unsigned char *secret);

/* Verify and decode what was stored under id: mcp_cache_unseal, then
 * mcp_cache_parse. APR_EGENERAL with a reason for a wrong tag (another
 * secret, or tampering), an unknown version, or malformed bytes. */
apr_status_t mcp_cache_decode(mcp_cache_entry_t **pe, apr_pool_t *p,
                              const unsigned char *buf, apr_size_t len,
                              const unsigned char id[MCP_CACHE_ID_LEN],
                              const unsigned char *secret,
                              const char **perr);

/* Decode the data of an entry that needs no tag: what mcp_cache_unseal
 * returned, or what this process encoded itself (mcp_memo and mcp_flight
 * hold such data). Every field is still checked. */
apr_status_t mcp_cache_parse(mcp_cache_entry_t **pe, apr_pool_t *p,
                             const unsigned char *data, apr_size_t len,
                             const char **perr);

/* How long to keep e (0: do not store): positive verdicts until exp, at
 * most MCPAuthCacheMaxTTL (MCPAuthCacheNoExpTTL without exp); negative
 * ones MCPAuthCacheNegativeTTL. Never past exp. Whole seconds, since
 * memcache and redis count in seconds. */
apr_interval_time_t mcp_cache_ttl(const mcp_dir_conf_t *dc,
                                  const mcp_cache_entry_t *e, apr_time_t now);

/* The verdict a stored entry gives at `now` (expiry checked again), with
 * its description. */
mcp_verdict_e mcp_cache_verdict(const mcp_cache_entry_t *e,
                                const mcp_dir_conf_t *dc, apr_time_t now,
                                const char **pdesc);

#endif /* MCP_CACHE_H */

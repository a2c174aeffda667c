/* mcp_session.h: MCP sessions (Streamable HTTP, Mcp-Session-Id): ids from
 * a CSPRNG, and the record every process and server reads from the shared
 * cache: who owns the session and what was negotiated.
 */
#ifndef MCP_SESSION_H
#define MCP_SESSION_H

#include "mcp.h"
#include "mcp_cache.h"

#define MCP_SESSION_RANDOM_LEN 16          /* 128 bits */

typedef struct mcp_session_t {
    const char *owner;      /* iss + sub of the token that created it */
    const char *version;    /* the negotiated protocol version */
    const char *level;      /* logging/setLevel, or NULL: everything */
    apr_time_t created;
    apr_time_t used;        /* last request */
} mcp_session_t;

/* A session id from random bytes: base64url, visible ASCII only. */
const char *mcp_session_id(apr_pool_t *p, const unsigned char *random,
                           apr_size_t len);

/* 1 when sid has the form of an id we issue (anything else is unknown). */
int mcp_session_id_valid(const char *sid);

/* Who owns a session: the issuer and subject of the caller's token (both
 * may be NULL without authentication). */
const char *mcp_session_owner(apr_pool_t *p, const char *iss,
                              const char *sub);

/* The rank of an MCP (RFC 5424) log level, debug 0 to emergency 7, or -1
 * for anything else. */
int mcp_log_level_rank(const char *level);

/* The cache id of a session's record. */
void mcp_session_cache_id(unsigned char id[MCP_CACHE_ID_LEN],
                          const char *sid);

/* A proxied server's session id: what the transport allows (visible
 * ASCII, MCP 2025-11-25), at most MCP_SESSION_MAX_FOREIGN bytes. */
#define MCP_SESSION_MAX_FOREIGN 256
int mcp_session_foreign_id_valid(const char *sid);

/* The cache id of the record binding a proxied server's session to its
 * owner; `resource` keeps servers with the same ids apart. */
void mcp_session_foreign_cache_id(unsigned char id[MCP_CACHE_ID_LEN],
                                  apr_pool_t *p, const char *resource,
                                  const char *sid);

/* The record, sealed for storage under id. */
unsigned char *mcp_session_encode(apr_pool_t *p, const mcp_session_t *s,
                                  const unsigned char id[MCP_CACHE_ID_LEN],
                                  const unsigned char *secret,
                                  apr_size_t *plen);

/* A stored record; APR_EGENERAL when it is not authentic or malformed. */
apr_status_t mcp_session_decode(mcp_session_t **ps, apr_pool_t *p,
                                const unsigned char *buf, apr_size_t len,
                                const unsigned char id[MCP_CACHE_ID_LEN],
                                const unsigned char *secret);

#endif /* MCP_SESSION_H */

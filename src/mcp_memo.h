/* mcp_memo.h: the verdict cache's first level, private to one process.
 *
 * Every hit in the shared cache takes its global mutex (shmcb) or makes a
 * network round trip (memcache, redis). The memo keeps the data of
 * recent entries in this process's memory, their tag already checked
 * (mcp_cache_parse reads them), so that a token seen again costs a
 * striped thread lock, a copy and a decode, without an HMAC. An entry
 * lives no longer than its own `until` (the moment the shared cache drops
 * it), so the memo never extends the life of a verdict; and no longer than
 * MCP_MEMO_MAX_AGE, so that a verdict the shared cache lost early and
 * another process replaced (eviction, a flushed memcached) reaches this
 * process within seconds.
 *
 * Direct-mapped by id: a newer entry simply replaces an older one in its
 * slot. Entries larger than MCP_MEMO_SLOT_DATA stay in the shared cache
 * only.
 */
#ifndef MCP_MEMO_H
#define MCP_MEMO_H

#include "mcp.h"
#include "mcp_cache.h"

#define MCP_MEMO_SLOT_DATA 1024     /* typical entries: 200 to 500 bytes */
#define MCP_MEMO_MAX_SLOTS 65536
#define MCP_MEMO_MAX_AGE   apr_time_from_sec(5)

typedef struct mcp_memo_t mcp_memo_t;

/* One per process (child_init), with `slots` entries (1 to
 * MCP_MEMO_MAX_SLOTS); lives as long as p. The data pages are touched
 * only as slots fill: at most slots x MCP_MEMO_SLOT_DATA bytes. */
apr_status_t mcp_memo_create(mcp_memo_t **pm, apr_pool_t *p, int slots);

/* Copy the bytes stored for id into buf (*plen: its size, then the
 * length). 0 when absent, replaced, past its `until` at now, or larger
 * than *plen. m may be NULL: always 0. */
int mcp_memo_get(mcp_memo_t *m, const unsigned char id[MCP_CACHE_ID_LEN],
                 apr_time_t now, unsigned char *buf, apr_size_t *plen);

/* Keep len bytes for id until `until`, at most MCP_MEMO_MAX_AGE from now
 * (nothing when now >= until, len > MCP_MEMO_SLOT_DATA, or the id is not
 * usable). m may be NULL. */
void mcp_memo_put(mcp_memo_t *m, const unsigned char id[MCP_CACHE_ID_LEN],
                  const unsigned char *data, apr_size_t len,
                  apr_time_t until, apr_time_t now);

#endif /* MCP_MEMO_H */

/* mcp_memo.c: the per-process first level of the verdict cache (see
 * mcp_memo.h). Slots are guarded by a few striped mutexes, held only for
 * a compare and a copy of at most MCP_MEMO_SLOT_DATA bytes. */
#include <string.h>

#include <apr_thread_mutex.h>

#include "mcp_memo.h"

#define STRIPES 64

typedef struct {
    unsigned char id[MCP_CACHE_ID_LEN];
    apr_time_t until;                    /* 0: empty */
    apr_size_t len;
} head_t;

struct mcp_memo_t {
    unsigned nslots;
    head_t *heads;                       /* touched at creation */
    unsigned char *data;                 /* nslots x MCP_MEMO_SLOT_DATA,
                                          * touched as slots fill */
#if APR_HAS_THREADS
    apr_thread_mutex_t *locks[STRIPES];
#endif
};

apr_status_t mcp_memo_create(mcp_memo_t **pm, apr_pool_t *p, int slots)
{
    mcp_memo_t *m;
#if APR_HAS_THREADS
    apr_status_t rv;
    int i;
#endif

    *pm = NULL;
    if (slots < 1 || slots > MCP_MEMO_MAX_SLOTS) {
        return APR_EINVAL;
    }
    m = apr_pcalloc(p, sizeof(*m));
    m->nslots = (unsigned)slots;
    m->heads = apr_pcalloc(p, sizeof(head_t) * m->nslots);
    /* not zeroed: a slot's bytes are read only after a put wrote them */
    m->data = apr_palloc(p, (apr_size_t)MCP_MEMO_SLOT_DATA * m->nslots);
#if APR_HAS_THREADS
    for (i = 0; i < STRIPES; ++i) {
        rv = apr_thread_mutex_create(&m->locks[i], APR_THREAD_MUTEX_DEFAULT,
                                     p);
        if (rv != APR_SUCCESS) {
            return rv;
        }
    }
#endif
    *pm = m;
    return APR_SUCCESS;
}

/* Ids are SHA-256 outputs: their first bytes are already uniform. */
static unsigned slot_of(const mcp_memo_t *m, const unsigned char *id)
{
    apr_uint32_t h = ((apr_uint32_t)id[0] << 24) | ((apr_uint32_t)id[1] << 16)
                     | ((apr_uint32_t)id[2] << 8) | id[3];

    return h % m->nslots;
}

#if APR_HAS_THREADS
#define LOCK(m, i)   apr_thread_mutex_lock((m)->locks[(i) % STRIPES])
#define UNLOCK(m, i) apr_thread_mutex_unlock((m)->locks[(i) % STRIPES])
#else
#define LOCK(m, i)
#define UNLOCK(m, i)
#endif

int mcp_memo_get(mcp_memo_t *m, const unsigned char id[MCP_CACHE_ID_LEN],
                 apr_time_t now, unsigned char *buf, apr_size_t *plen)
{
    unsigned i;
    head_t *h;
    int found = 0;

    if (!m || !mcp_cache_id_usable(id)) {
        return 0;
    }
    i = slot_of(m, id);
    h = &m->heads[i];
    LOCK(m, i);
    if (now < h->until && h->len <= *plen
        && !memcmp(h->id, id, MCP_CACHE_ID_LEN)) {
        memcpy(buf, m->data + (apr_size_t)i * MCP_MEMO_SLOT_DATA, h->len);
        *plen = h->len;
        found = 1;
    }
    UNLOCK(m, i);
    return found;
}

void mcp_memo_put(mcp_memo_t *m, const unsigned char id[MCP_CACHE_ID_LEN],
                  const unsigned char *data, apr_size_t len,
                  apr_time_t until, apr_time_t now)
{
    unsigned i;
    head_t *h;

    if (!m || now >= until || len > MCP_MEMO_SLOT_DATA
        || !mcp_cache_id_usable(id)) {
        return;
    }
    if (until > now + MCP_MEMO_MAX_AGE) {
        until = now + MCP_MEMO_MAX_AGE;
    }
    i = slot_of(m, id);
    h = &m->heads[i];
    LOCK(m, i);
    memcpy(h->id, id, MCP_CACHE_ID_LEN);
    memcpy(m->data + (apr_size_t)i * MCP_MEMO_SLOT_DATA, data, len);
    h->len = len;
    h->until = until;
    UNLOCK(m, i);
}

/* mcp_flight.c: per-process single flight (see mcp_flight.h). Slots are
 * recycled through a free list, so a long-running process allocates no
 * more than its peak number of concurrent flights. The lock is never held
 * while validating. */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>

#include "mcp_flight.h"

#if APR_HAS_THREADS

typedef struct slot_t slot_t;
struct slot_t {
    unsigned char id[MCP_CACHE_ID_LEN];
    apr_thread_cond_t *cond;
    int refs;                 /* leader + waiting threads */
    int done, failed;
    apr_size_t len;
    unsigned char data[MCP_CACHE_MAX_ENTRY];
    slot_t *next;             /* free list */
};

struct mcp_flight_t {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock;
    apr_hash_t *flying;       /* id -> slot_t */
    slot_t *free;
};

apr_status_t mcp_flight_create(mcp_flight_t **pf, apr_pool_t *p)
{
    mcp_flight_t *f = apr_pcalloc(p, sizeof(*f));
    apr_status_t rv;

    f->pool = p;
    f->flying = apr_hash_make(p);
    rv = apr_thread_mutex_create(&f->lock, APR_THREAD_MUTEX_DEFAULT, p);
    *pf = rv == APR_SUCCESS ? f : NULL;
    return rv;
}

static slot_t *slot_get(mcp_flight_t *f)
{
    slot_t *s = f->free;

    if (s) {
        f->free = s->next;
    }
    else {
        s = apr_pcalloc(f->pool, sizeof(*s));
        if (apr_thread_cond_create(&s->cond, f->pool) != APR_SUCCESS) {
            return NULL;
        }
    }
    s->refs = 1;
    s->done = s->failed = 0;
    s->len = 0;
    s->next = NULL;
    return s;
}

static void slot_put(mcp_flight_t *f, slot_t *s)
{
    if (--s->refs == 0) {
        s->next = f->free;
        f->free = s;
    }
}

mcp_flight_e mcp_flight_join(mcp_flight_t *f, const unsigned char *id,
                             apr_interval_time_t wait, apr_pool_t *p,
                             const unsigned char **pres, apr_size_t *plen)
{
    apr_time_t deadline = apr_time_now() + wait;
    mcp_flight_e rv;
    slot_t *s;

    *pres = NULL;
    *plen = 0;
    /* an unusable id is every token's: each asker leads alone */
    if (!f || !mcp_cache_id_usable(id)) {
        return MCP_FLIGHT_LEAD;
    }
    apr_thread_mutex_lock(f->lock);
    s = apr_hash_get(f->flying, id, MCP_CACHE_ID_LEN);
    if (!s) {
        if ((s = slot_get(f)) != NULL) {
            memcpy(s->id, id, MCP_CACHE_ID_LEN);
            apr_hash_set(f->flying, s->id, MCP_CACHE_ID_LEN, s);
        }
        apr_thread_mutex_unlock(f->lock);
        return MCP_FLIGHT_LEAD;  /* without a slot: lead alone */
    }
    ++s->refs;
    while (!s->done && apr_time_now() < deadline) {
        apr_thread_cond_timedwait(s->cond, f->lock,
                                  deadline - apr_time_now());
    }
    if (!s->done) {
        rv = MCP_FLIGHT_TIMEOUT;
    }
    else if (s->failed) {
        rv = MCP_FLIGHT_FAILED;
    }
    else {
        unsigned char *copy = apr_pmemdup(p, s->data, s->len);
        *pres = copy;
        *plen = s->len;
        rv = MCP_FLIGHT_RESULT;
    }
    slot_put(f, s);
    apr_thread_mutex_unlock(f->lock);
    return rv;
}

void mcp_flight_land(mcp_flight_t *f, const unsigned char *id,
                     const unsigned char *res, apr_size_t len)
{
    slot_t *s;

    if (!f || !mcp_cache_id_usable(id)) {
        return;
    }
    apr_thread_mutex_lock(f->lock);
    s = apr_hash_get(f->flying, id, MCP_CACHE_ID_LEN);
    if (s) {
        /* later arrivals start their own flight (and find the cache) */
        apr_hash_set(f->flying, s->id, MCP_CACHE_ID_LEN, NULL);
        s->done = 1;
        s->failed = !res || len > sizeof(s->data);
        if (!s->failed) {
            memcpy(s->data, res, len);
            s->len = len;
        }
        apr_thread_cond_broadcast(s->cond);
        slot_put(f, s);
    }
    apr_thread_mutex_unlock(f->lock);
}

#else /* !APR_HAS_THREADS: one request at a time, nothing to share */

apr_status_t mcp_flight_create(mcp_flight_t **pf, apr_pool_t *p)
{
    *pf = NULL;
    return APR_SUCCESS;
}

mcp_flight_e mcp_flight_join(mcp_flight_t *f, const unsigned char *id,
                             apr_interval_time_t wait, apr_pool_t *p,
                             const unsigned char **pres, apr_size_t *plen)
{
    *pres = NULL;
    *plen = 0;
    return MCP_FLIGHT_LEAD;
}

void mcp_flight_land(mcp_flight_t *f, const unsigned char *id,
                     const unsigned char *res, apr_size_t len)
{
}

#endif

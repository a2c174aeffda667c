/* mcp_flight.h: single flight inside one process. Threads that need the
 * same verdict at the same time wait for the first one (the leader) and
 * take a copy of its result, so a burst of requests with a new token
 * makes one validation, not one per thread.
 */
#ifndef MCP_FLIGHT_H
#define MCP_FLIGHT_H

#include "mcp.h"
#include "mcp_cache.h"

typedef struct mcp_flight_t mcp_flight_t;

/* One per process (child_init); lives as long as p. */
apr_status_t mcp_flight_create(mcp_flight_t **pf, apr_pool_t *p);

typedef enum {
    MCP_FLIGHT_LEAD,      /* validate, then call mcp_flight_land() */
    MCP_FLIGHT_RESULT,    /* the leader's result was copied out */
    MCP_FLIGHT_FAILED,    /* the leader could not validate (503 it too) */
    MCP_FLIGHT_TIMEOUT    /* waited `wait` in vain: validate yourself */
} mcp_flight_e;

/* Join the flight for id. For MCP_FLIGHT_RESULT, *pres and *plen hold a
 * copy (in p) of what the leader landed. f may be NULL: always LEAD. */
mcp_flight_e mcp_flight_join(mcp_flight_t *f, const unsigned char *id,
                             apr_interval_time_t wait, apr_pool_t *p,
                             const unsigned char **pres, apr_size_t *plen);

/* End the flight that this thread leads: hand res (NULL when validation
 * failed) to the waiting threads. */
void mcp_flight_land(mcp_flight_t *f, const unsigned char *id,
                     const unsigned char *res, apr_size_t len);

#endif /* MCP_FLIGHT_H */

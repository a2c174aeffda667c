/* mcp_sse.h: Server-Sent Events as a proxy sees them (WHATWG HTML
 * "server-sent events"): find where an event ends, read its data, and
 * write it again with other data. Lines may end in CRLF, LF or CR.
 */
#ifndef MCP_SSE_H
#define MCP_SSE_H

#include "mcp.h"

/* The length of the first complete event in buf, through the blank line
 * that ends it, or 0 when no event is complete yet. */
apr_size_t mcp_sse_event_len(const char *buf, apr_size_t len);

/* The data of an event: its data lines joined with LF, *pdlen bytes
 * (NUL-terminated too, but it may hold NUL bytes: use *pdlen); NULL when
 * it has no data field (a comment, or only id/event/retry). */
const char *mcp_sse_event_data(apr_pool_t *p, const char *ev,
                               apr_size_t len, apr_size_t *pdlen);

/* The event with its data replaced by `data` (one line): its other
 * fields in their order, then "data: <data>", then the blank line. */
const char *mcp_sse_event_with_data(apr_pool_t *p, const char *ev,
                                    apr_size_t len, const char *data);

#endif /* MCP_SSE_H */

/* mcp_parse.h: directive value parsers. Pure: each returns NULL on success
 * or an error message (in p) that the glue prefixes with the directive
 * name, so "apache2 -t" says exactly what is wrong.
 */
#ifndef MCP_PARSE_H
#define MCP_PARSE_H

#include "mcp.h"

/* "30", "30s", "500ms", "2m" -> *out, within [min, max]. */
const char *mcp_parse_duration(apr_pool_t *p, const char *arg,
                               apr_interval_time_t min,
                               apr_interval_time_t max,
                               apr_interval_time_t *out);

/* "65536", "64k", "1M" -> *out bytes, within [min, max]. */
const char *mcp_parse_size(apr_pool_t *p, const char *arg, apr_off_t min,
                           apr_off_t max, apr_off_t *out);

/* "On" / "Off" (case-insensitive) -> 1 / 0. */
const char *mcp_parse_flag(apr_pool_t *p, const char *arg, int *out);

/* An absolute http(s) URL with a host, no user info and no fragment. */
const char *mcp_parse_url(apr_pool_t *p, const char *arg);

/* An RFC 6749 scope-token. */
const char *mcp_parse_scope(apr_pool_t *p, const char *arg);

/* A CORS origin: "scheme://host[:port]" with nothing after it, or "*". */
const char *mcp_parse_origin(apr_pool_t *p, const char *arg,
                             const char **out);

#endif /* MCP_PARSE_H */

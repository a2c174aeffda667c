/* mcp_json.h: cJSON tied to APR pools, with the bounds we want on network
 * input (nesting depth, duplicate members, trailing data).
 */
#ifndef MCP_JSON_H
#define MCP_JSON_H

#include <cJSON.h>

#include "mcp.h"

/* Parse len bytes as one JSON value. The tree is freed with p. Rejects
 * nesting deeper than max_depth, duplicate object member names and
 * anything but whitespace after the value. NULL on failure, with a short
 * reason in *perr. */
cJSON *mcp_json_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                      int max_depth, const char **perr);

/* Make p the owner of a tree built with cJSON_Create*. Returns j. */
cJSON *mcp_json_own(apr_pool_t *p, cJSON *j);

/* Print unformatted into pool memory. */
const char *mcp_json_print(apr_pool_t *p, const cJSON *j);

/* Member `name` of object `o`, or NULL (case-sensitive). */
cJSON *mcp_json_get(const cJSON *o, const char *name);

/* The shortest JSON text of a finite number that reads back as exactly
 * d (cJSON's own printer rounds to 15 digits), or NULL for NaN and
 * infinities. */
const char *mcp_json_number_text(apr_pool_t *p, double d);

/* JSON-escape s into a quoted JSON string literal. */
const char *mcp_json_quote(apr_pool_t *p, const char *s);

#endif /* MCP_JSON_H */

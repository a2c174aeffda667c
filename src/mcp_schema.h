/* mcp_schema.h: the part of JSON Schema that tool arguments are checked
 * against before a tool runs: type (and type arrays), enum, properties,
 * required, additionalProperties and items. Other keywords ($schema, $defs,
 * $ref, description, minimum, ...) are ignored: they are kept in the
 * schema that tools/list shows, and never refuse a value.
 *
 * A schema is compiled once (when the tool is registered) into a form
 * whose validation allocates nothing unless the value is refused.
 */
#ifndef MCP_SCHEMA_H
#define MCP_SCHEMA_H

#include "mcp_json.h"

typedef struct mcp_schema_t mcp_schema_t;

/* Parse text and compile it. NULL on success; else why not (not JSON, or
 * a keyword we use has a malformed value, such as an unknown type name).
 * The schema and its JSON tree live in p. */
const char *mcp_schema_compile(mcp_schema_t **pschema, apr_pool_t *p,
                               const char *text);

/* The same for a tree that is already parsed; the tree must live at least
 * as long as p (it is kept, not copied). */
const char *mcp_schema_compile_json(mcp_schema_t **pschema, apr_pool_t *p,
                                    const cJSON *json);

/* The schema's JSON tree, as given. */
const cJSON *mcp_schema_json(const mcp_schema_t *schema);

/* NULL when value conforms; else the first reason it does not, as
 * "<path>: <why>", e.g. "a: expected number", "items[2].name: is
 * required", "c: unexpected property"; the path of the value itself is
 * `root`. The text is allocated from p. */
const char *mcp_schema_validate(const mcp_schema_t *schema, apr_pool_t *p,
                                const cJSON *value, const char *root);

#endif /* MCP_SCHEMA_H */

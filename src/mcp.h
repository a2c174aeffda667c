/* mcp.h: types shared by the whole core (src/mcp_*). No httpd header here:
 * the core is unit-tested with CUnit against APR, cJSON, libcurl, OpenSSL.
 */
#ifndef MCP_H
#define MCP_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#define MCP_VERSION "0.1.0"

/* Bounds on everything that arrives from the network. */
#define MCP_MAX_JSON_DEPTH      32          /* nesting of any JSON we parse */
#define MCP_RETRY_AFTER_SEC     5           /* Retry-After on 503 */

/* Why a request did or did not pass. Each maps to one HTTP answer in
 * the glue (see mcp_challenge.h), never to anything else. */
typedef enum {
    MCP_OK = 0,
    MCP_NO_TOKEN,           /* 401, challenge without error= */
    MCP_BAD_REQUEST,        /* 400 invalid_request */
    MCP_INVALID_TOKEN,      /* 401 invalid_token */
    MCP_INSUFFICIENT_SCOPE, /* 403 insufficient_scope */
    MCP_UNAVAILABLE         /* 503, the authorization server failed us */
} mcp_verdict_e;

#define MCP_TIME_ABSENT ((apr_time_t)-1)

#define MCP_VIA_UNKNOWN       0
#define MCP_VIA_JWT           1
#define MCP_VIA_INTROSPECTION 2

/* What a validated token says about its holder. Strings are NULL when the
 * claim was absent; times are MCP_TIME_ABSENT when absent (0 is a time:
 * 1970, long expired). */
typedef struct mcp_claims_t {
    int active;
    const char *sub;
    const char *client_id;
    const char *username;
    const char *iss;
    const char *token_type;
    apr_array_header_t *aud;     /* const char * */
    apr_array_header_t *scopes;  /* const char * */
    const struct cJSON *raw;     /* every claim, as validated (not cached) */
    const char *kept;            /* the claims that Require mcp-claim names,
                                  * JSON text of one object (cached) */
    int via;                     /* MCP_VIA_*, how it was validated */
    apr_time_t exp;
    apr_time_t nbf;
    apr_time_t iat;
} mcp_claims_t;

#endif /* MCP_H */

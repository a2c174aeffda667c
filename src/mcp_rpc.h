/* mcp_rpc.h: JSON-RPC 2.0 messages as MCP uses them: one message per POST
 * body, envelopes checked, errors and results written.
 */
#ifndef MCP_RPC_H
#define MCP_RPC_H

#include "mcp_json.h"

#define MCP_RPC_PARSE_ERROR      (-32700)
#define MCP_RPC_INVALID_REQUEST  (-32600)
#define MCP_RPC_METHOD_NOT_FOUND (-32601)
#define MCP_RPC_INVALID_PARAMS   (-32602)
#define MCP_RPC_INTERNAL_ERROR   (-32603)

typedef enum {
    MCP_RPC_REQUEST,        /* method + id: answered */
    MCP_RPC_NOTIFICATION,   /* method, no id: never answered */
    MCP_RPC_RESPONSE,       /* result or error + id: from the client */
    MCP_RPC_INVALID         /* a batch member that is no message (why) */
} mcp_rpc_kind_e;

#define MCP_RPC_MAX_BATCH 64

typedef struct mcp_rpc_msg_t {
    mcp_rpc_kind_e kind;
    const char *method;
    const cJSON *id;        /* string or integer; NULL for notifications */
    const cJSON *params;    /* object, or NULL */
    const char *why;        /* MCP_RPC_INVALID: what is wrong */
} mcp_rpc_msg_t;

/* Parse one message. 0 on success; else MCP_RPC_PARSE_ERROR or
 * MCP_RPC_INVALID_REQUEST with a message for the error object. */
int mcp_rpc_parse(mcp_rpc_msg_t **pmsg, apr_pool_t *p, const char *buf,
                  apr_size_t len, const char **pwhy);

/* A POST body: one message, or (*pbatch) a JSON array of at most
 * MCP_RPC_MAX_BATCH, whose members that are not messages come back as
 * MCP_RPC_INVALID. 0, or MCP_RPC_PARSE_ERROR / MCP_RPC_INVALID_REQUEST for
 * the whole body. */
int mcp_rpc_parse_body(apr_array_header_t **pmsgs, int *pbatch,
                       apr_pool_t *p, const char *buf, apr_size_t len,
                       const char **pwhy);

/* {"jsonrpc":"2.0","id":<id>,"result":<result>}; result_json is JSON text. */
const char *mcp_rpc_result(apr_pool_t *p, const cJSON *id,
                           const char *result_json);

/* {"jsonrpc":"2.0","id":<id|null>,"error":{"code":..,"message":..}} */
const char *mcp_rpc_error(apr_pool_t *p, const cJSON *id, int code,
                          const char *message);

#endif /* MCP_RPC_H */

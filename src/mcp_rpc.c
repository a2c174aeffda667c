/* mcp_rpc.c: JSON-RPC 2.0 envelope rules (jsonrpc.org/specification and
 * the MCP base protocol: ids are strings or integers, never null). */
#include <math.h>
#include <string.h>

#include <apr_strings.h>

#include "mcp_rpc.h"

static int id_valid(const cJSON *id)
{
    if (cJSON_IsString(id)) {
        return 1;
    }
    return cJSON_IsNumber(id) && isfinite(id->valuedouble)
           && id->valuedouble == floor(id->valuedouble)
           && fabs(id->valuedouble) <= 9007199254740991.0;
}

/* One message from its JSON object: 0, or the error code with *pwhy. */
static int message_from(mcp_rpc_msg_t **pmsg, apr_pool_t *p, const cJSON *j,
                        const char **pwhy)
{
    const cJSON *v, *method, *id, *params;
    mcp_rpc_msg_t *m;

    *pmsg = NULL;
    if (!cJSON_IsObject(j)) {
        *pwhy = "Invalid Request: not a JSON-RPC object";
        return MCP_RPC_INVALID_REQUEST;
    }
    v = mcp_json_get(j, "jsonrpc");
    if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0") != 0) {
        *pwhy = "Invalid Request: jsonrpc must be \"2.0\"";
        return MCP_RPC_INVALID_REQUEST;
    }
    method = mcp_json_get(j, "method");
    id = mcp_json_get(j, "id");
    params = mcp_json_get(j, "params");
    if (id && !id_valid(id)) {
        *pwhy = "Invalid Request: id must be a string or an integer";
        return MCP_RPC_INVALID_REQUEST;
    }
    m = apr_pcalloc(p, sizeof(*m));
    if (method) {
        if (!cJSON_IsString(method) || !*method->valuestring) {
            *pwhy = "Invalid Request: method must be a string";
            return MCP_RPC_INVALID_REQUEST;
        }
        if (params && !cJSON_IsObject(params)) {
            *pwhy = "Invalid Request: params must be an object";
            return MCP_RPC_INVALID_REQUEST;
        }
        m->kind = id ? MCP_RPC_REQUEST : MCP_RPC_NOTIFICATION;
        m->method = method->valuestring;
        m->id = id;
        m->params = params;
    }
    else {
        int has_result = mcp_json_get(j, "result") != NULL;
        int has_error = mcp_json_get(j, "error") != NULL;
        if (!id || has_result == has_error) {
            *pwhy = "Invalid Request: neither a request, a notification "
                    "nor a response";
            return MCP_RPC_INVALID_REQUEST;
        }
        m->kind = MCP_RPC_RESPONSE;
        m->id = id;
    }
    *pmsg = m;
    return 0;
}

int mcp_rpc_parse(mcp_rpc_msg_t **pmsg, apr_pool_t *p, const char *buf,
                  apr_size_t len, const char **pwhy)
{
    const cJSON *j;
    const char *err;

    *pmsg = NULL;
    j = mcp_json_parse(p, buf, len, MCP_MAX_JSON_DEPTH, &err);
    if (!j) {
        *pwhy = apr_pstrcat(p, "Parse error: ", err, NULL);
        return MCP_RPC_PARSE_ERROR;
    }
    if (cJSON_IsArray(j)) {
        *pwhy = "Invalid Request: batching is not supported";
        return MCP_RPC_INVALID_REQUEST;
    }
    return message_from(pmsg, p, j, pwhy);
}

int mcp_rpc_parse_body(apr_array_header_t **pmsgs, int *pbatch,
                       apr_pool_t *p, const char *buf, apr_size_t len,
                       const char **pwhy)
{
    const cJSON *j, *e;
    const char *err;
    int n = 0;

    *pmsgs = apr_array_make(p, 1, sizeof(mcp_rpc_msg_t *));
    *pbatch = 0;
    j = mcp_json_parse(p, buf, len, MCP_MAX_JSON_DEPTH, &err);
    if (!j) {
        *pwhy = apr_pstrcat(p, "Parse error: ", err, NULL);
        return MCP_RPC_PARSE_ERROR;
    }
    if (!cJSON_IsArray(j)) {
        mcp_rpc_msg_t *m;
        int code = message_from(&m, p, j, pwhy);
        if (!code) {
            APR_ARRAY_PUSH(*pmsgs, mcp_rpc_msg_t *) = m;
        }
        return code;
    }
    *pbatch = 1;
    if (cJSON_GetArraySize(j) == 0) {
        *pwhy = "Invalid Request: an empty batch";
        return MCP_RPC_INVALID_REQUEST;
    }
    cJSON_ArrayForEach(e, j) {
        mcp_rpc_msg_t *m;
        const char *why;
        if (++n > MCP_RPC_MAX_BATCH) {
            *pwhy = "Invalid Request: too many messages in a batch";
            return MCP_RPC_INVALID_REQUEST;
        }
        if (message_from(&m, p, e, &why) != 0) {
            /* answered on its own, as JSON-RPC 2.0 says */
            m = apr_pcalloc(p, sizeof(*m));
            m->kind = MCP_RPC_INVALID;
            m->why = why;
        }
        APR_ARRAY_PUSH(*pmsgs, mcp_rpc_msg_t *) = m;
    }
    return 0;
}

static const char *id_json(apr_pool_t *p, const cJSON *id)
{
    const char *s = cJSON_IsNumber(id) ? mcp_json_number_text(p,
                                                             id->valuedouble)
                    : id ? mcp_json_print(p, id) : NULL;

    return s ? s : "null";
}

const char *mcp_rpc_result(apr_pool_t *p, const cJSON *id,
                           const char *result_json)
{
    return apr_pstrcat(p, "{\"jsonrpc\":\"2.0\",\"id\":", id_json(p, id),
                       ",\"result\":", result_json, "}", NULL);
}

const char *mcp_rpc_error(apr_pool_t *p, const cJSON *id, int code,
                          const char *message)
{
    return apr_psprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":"
                        "{\"code\":%d,\"message\":%s}}", id_json(p, id), code,
                        mcp_json_quote(p, message));
}

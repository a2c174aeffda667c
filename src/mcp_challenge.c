/* mcp_challenge.c: WWW-Authenticate values and error bodies. */
#include <string.h>

#include <apr_strings.h>

#include "mcp_challenge.h"
#include "mcp_json.h"

int mcp_verdict_status(mcp_verdict_e v)
{
    switch (v) {
    case MCP_OK:                 return 200;
    case MCP_BAD_REQUEST:        return 400;
    case MCP_INSUFFICIENT_SCOPE: return 403;
    case MCP_UNAVAILABLE:        return 503;
    case MCP_NO_TOKEN:
    case MCP_INVALID_TOKEN:
    default:                     return 401;
    }
}

const char *mcp_verdict_error(mcp_verdict_e v)
{
    switch (v) {
    case MCP_BAD_REQUEST:        return "invalid_request";
    case MCP_INVALID_TOKEN:      return "invalid_token";
    case MCP_INSUFFICIENT_SCOPE: return "insufficient_scope";
    default:                     return NULL;
    }
}

/* RFC 9110 5.6.4 quoted-string. */
static const char *quote(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 2 * strlen(s) + 3), *o = out;

    *o++ = '"';
    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) {
            continue;
        }
        if (c == '"' || c == '\\') {
            *o++ = '\\';
        }
        *o++ = c;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* Append ", name=value" (or "Bearer name=value" first) when value is set. */
static const char *add_param(apr_pool_t *p, const char *hdr,
                             const char *name, const char *value)
{
    if (!value || !*value) {
        return hdr;
    }
    return apr_pstrcat(p, hdr, hdr[6] ? ", " : " ", name, "=",
                       quote(p, value), NULL);
}

const char *mcp_challenge(apr_pool_t *p, mcp_verdict_e v, const char *desc,
                          const char *prm_url, const char *scope)
{
    const char *hdr = "Bearer";

    if (v == MCP_OK || v == MCP_UNAVAILABLE) {
        return NULL;
    }
    hdr = add_param(p, hdr, "error", mcp_verdict_error(v));
    if (v != MCP_NO_TOKEN) {
        hdr = add_param(p, hdr, "error_description", desc);
    }
    hdr = add_param(p, hdr, "resource_metadata", prm_url);
    if (v != MCP_BAD_REQUEST) {
        hdr = add_param(p, hdr, "scope", scope);
    }
    return hdr;
}

const char *mcp_error_body(apr_pool_t *p, mcp_verdict_e v, const char *desc)
{
    const char *error = mcp_verdict_error(v);

    if (v == MCP_NO_TOKEN) {
        error = "unauthorized";
        desc = "a bearer token is required";
    }
    else if (v == MCP_UNAVAILABLE) {
        error = "temporarily_unavailable";
        desc = "the authorization server is unavailable";
    }
    return apr_pstrcat(p, "{\"error\":", mcp_json_quote(p, error ? error : ""),
                       ",\"error_description\":",
                       mcp_json_quote(p, desc ? desc : ""), "}", NULL);
}

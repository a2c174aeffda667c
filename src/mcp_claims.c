/* mcp_claims.c: claim checks shared by every validation method. */
#include <string.h>

#include "mcp_claims.h"
#include "mcp_json.h"
#include "mcp_policy.h"
#include "mcp_resource.h"
#include "mcp_util.h"

static const char *const REASONS[MCP_REASON_COUNT] = {
    NULL,
    "the access token is not active",
    "the access token type is not Bearer",
    "the access token expired",
    "the access token is not valid yet",
    "the access token was issued by an unexpected issuer",
    "the access token was not issued for this resource",
    "the access token lacks a required scope",
    "the access token is malformed",
    "the access token signature is not valid",
    "the access token is not a JWT access token",
    "the access token has no expiry",
};

const char *mcp_reason_text(int reason)
{
    return reason > 0 && reason < MCP_REASON_COUNT ? REASONS[reason] : NULL;
}

int mcp_reason_of(const char *desc)
{
    int i;

    for (i = 1; desc && i < MCP_REASON_COUNT; ++i) {
        if (desc == REASONS[i] || !strcmp(desc, REASONS[i])) {
            return i;
        }
    }
    return MCP_REASON_NONE;
}

mcp_claims_t *mcp_claims_create(apr_pool_t *p)
{
    mcp_claims_t *c = apr_pcalloc(p, sizeof(*c));

    c->exp = c->nbf = c->iat = MCP_TIME_ABSENT;
    return c;
}

void mcp_claims_keep(mcp_claims_t *c, apr_pool_t *p,
                     const apr_array_header_t *names)
{
    cJSON *out = NULL;
    int i;

    c->kept = NULL;
    for (i = 0; c->raw && names && i < names->nelts; ++i) {
        const char *name = APR_ARRAY_IDX(names, i, const char *);
        const cJSON *v = mcp_json_get(c->raw, name);
        if (!v || (out && mcp_json_get(out, name))) {
            continue;
        }
        if (!out) {
            out = mcp_json_own(p, cJSON_CreateObject());
        }
        cJSON_AddItemToObject(out, name, cJSON_Duplicate(v, 1));
    }
    c->kept = out ? mcp_json_print(p, out) : NULL;
}

const cJSON *mcp_claims_path(const cJSON *obj, const char *path)
{
    char name[256];
    const char *dot;
    apr_size_t n;

    while (obj && path) {
        dot = strchr(path, '.');
        n = dot ? (apr_size_t)(dot - path) : strlen(path);
        if (!cJSON_IsObject(obj) || n == 0 || n >= sizeof(name)) {
            return NULL;
        }
        memcpy(name, path, n);
        name[n] = '\0';
        obj = mcp_json_get(obj, name);
        path = dot ? dot + 1 : NULL;
    }
    return obj;
}

static int issuer_known(const mcp_dir_conf_t *dc, const char *iss)
{
    int i;

    for (i = 0; dc->issuers && i < dc->issuers->nelts; ++i) {
        if (!strcmp(APR_ARRAY_IDX(dc->issuers, i, const char *), iss)) {
            return 1;
        }
    }
    return 0;
}

mcp_verdict_e mcp_claims_check(apr_pool_t *p, const mcp_claims_t *c,
                               const mcp_dir_conf_t *dc, apr_time_t now,
                               const char **pdesc)
{
    apr_interval_time_t skew = mcp_conf_clock_skew(dc);

    *pdesc = NULL;
    if (!c->active) {
        *pdesc = REASONS[MCP_REASON_INACTIVE];
        return MCP_INVALID_TOKEN;
    }
    if (c->token_type && strcasecmp(c->token_type, "Bearer") != 0) {
        /* e.g. a DPoP-bound token presented without its proof */
        *pdesc = REASONS[MCP_REASON_TYPE];
        return MCP_INVALID_TOKEN;
    }
    if (c->exp != MCP_TIME_ABSENT && now >= c->exp + skew) {
        *pdesc = REASONS[MCP_REASON_EXPIRED];
        return MCP_INVALID_TOKEN;
    }
    if (c->nbf != MCP_TIME_ABSENT && now + skew < c->nbf) {
        *pdesc = REASONS[MCP_REASON_NOT_YET_VALID];
        return MCP_INVALID_TOKEN;
    }
    if (c->iss && !issuer_known(dc, c->iss)) {
        *pdesc = REASONS[MCP_REASON_ISSUER];
        return MCP_INVALID_TOKEN;
    }
    /* RFC 8707 / MCP: a token without our audience is not for us */
    if (!mcp_resource_audience_match(p, c->aud, mcp_conf_audiences(dc))) {
        *pdesc = REASONS[MCP_REASON_AUDIENCE];
        return MCP_INVALID_TOKEN;
    }
    if (!mcp_scopes_cover(mcp_scopes_imply(p, c->scopes, dc->scope_implies),
                          dc->required_scopes)) {
        *pdesc = REASONS[MCP_REASON_SCOPE];
        return MCP_INSUFFICIENT_SCOPE;
    }
    return MCP_OK;
}

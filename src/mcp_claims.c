/* mcp_claims.c: claim checks shared by every validation method. */
#include <string.h>

#include "mcp_claims.h"
#include "mcp_resource.h"
#include "mcp_util.h"

mcp_claims_t *mcp_claims_create(apr_pool_t *p)
{
    mcp_claims_t *c = apr_pcalloc(p, sizeof(*c));

    c->exp = c->nbf = c->iat = MCP_TIME_ABSENT;
    return c;
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
        *pdesc = "the access token is not active";
        return MCP_INVALID_TOKEN;
    }
    if (c->token_type && strcasecmp(c->token_type, "Bearer") != 0) {
        /* e.g. a DPoP-bound token presented without its proof */
        *pdesc = "the access token type is not Bearer";
        return MCP_INVALID_TOKEN;
    }
    if (c->exp != MCP_TIME_ABSENT && now >= c->exp + skew) {
        *pdesc = "the access token expired";
        return MCP_INVALID_TOKEN;
    }
    if (c->nbf != MCP_TIME_ABSENT && now + skew < c->nbf) {
        *pdesc = "the access token is not valid yet";
        return MCP_INVALID_TOKEN;
    }
    if (c->iss && !issuer_known(dc, c->iss)) {
        *pdesc = "the access token was issued by an unexpected issuer";
        return MCP_INVALID_TOKEN;
    }
    /* RFC 8707 / MCP: a token without our audience is not for us */
    if (!mcp_resource_audience_match(p, c->aud, mcp_conf_audiences(dc))) {
        *pdesc = "the access token was not issued for this resource";
        return MCP_INVALID_TOKEN;
    }
    if (!mcp_scopes_cover(c->scopes, dc->required_scopes)) {
        *pdesc = "the access token lacks a required scope";
        return MCP_INSUFFICIENT_SCOPE;
    }
    return MCP_OK;
}

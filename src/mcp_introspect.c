/* mcp_introspect.c: RFC 7662 client. */
#include <math.h>
#include <string.h>

#include <apr_base64.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "mcp_claims.h"
#include "mcp_introspect.h"
#include "mcp_json.h"
#include "mcp_util.h"

#define MAX_AUD 64

void mcp_introspect_request(mcp_http_req_t *req, apr_pool_t *p,
                            const mcp_dir_conf_t *dc, const char *token)
{
    const char *body;

    memset(req, 0, sizeof(*req));
    req->url = dc->introspection_url;
    req->headers = apr_array_make(p, 3, sizeof(const char *));
    APR_ARRAY_PUSH(req->headers, const char *) =
        "Content-Type: application/x-www-form-urlencoded";
    APR_ARRAY_PUSH(req->headers, const char *) = "Accept: application/json";

    body = apr_pstrcat(p, "token=", mcp_form_encode(p, token),
                       "&token_type_hint=access_token", NULL);
    switch (dc->client_id && dc->client_secret ? mcp_conf_client_auth(dc)
                                               : MCP_CLIENT_AUTH_NONE) {
    case MCP_CLIENT_AUTH_BASIC: {
        /* RFC 6749 2.3.1: both parts form-encoded before base64 */
        const char *cred = apr_pstrcat(p,
                mcp_form_encode(p, dc->client_id), ":",
                mcp_form_encode(p, dc->client_secret), NULL);
        char *b64 = apr_palloc(p, apr_base64_encode_len(strlen(cred)));
        apr_base64_encode(b64, cred, strlen(cred));
        APR_ARRAY_PUSH(req->headers, const char *) =
            apr_pstrcat(p, "Authorization: Basic ", b64, NULL);
        break;
    }
    case MCP_CLIENT_AUTH_POST:
        body = apr_pstrcat(p, body,
                           "&client_id=", mcp_form_encode(p, dc->client_id),
                           "&client_secret=",
                           mcp_form_encode(p, dc->client_secret), NULL);
        break;
    case MCP_CLIENT_AUTH_NONE:
        break;
    }
    req->body = body;
    req->body_len = strlen(body);
    req->timeout = mcp_conf_timeout(dc);
    req->connect_timeout = mcp_conf_connect_timeout(dc);
    req->max_response = (apr_size_t)mcp_conf_max_response(dc);
    req->allow_http = mcp_conf_allow_http(dc);
}

/* A string member, or NULL when absent; wrong type sets *bad. */
static const char *member_str(const cJSON *o, const char *name, int *bad)
{
    const cJSON *m = mcp_json_get(o, name);

    if (!m || cJSON_IsNull(m)) {
        return NULL;
    }
    if (!cJSON_IsString(m)) {
        *bad = 1;
        return NULL;
    }
    return m->valuestring;
}

/* A NumericDate member (RFC 7519 2), or MCP_TIME_ABSENT. */
static apr_time_t member_time(const cJSON *o, const char *name, int *bad)
{
    const cJSON *m = mcp_json_get(o, name);

    if (!m || cJSON_IsNull(m)) {
        return MCP_TIME_ABSENT;
    }
    /* beyond year 9999 or negative: nothing an honest server sends */
    if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble)
        || m->valuedouble < 0 || m->valuedouble > 253402300799.0) {
        *bad = 1;
        return MCP_TIME_ABSENT;
    }
    return (apr_time_t)(m->valuedouble * APR_USEC_PER_SEC);
}

static apr_array_header_t *member_aud(apr_pool_t *p, const cJSON *o, int *bad)
{
    const cJSON *m = mcp_json_get(o, "aud"), *e;
    apr_array_header_t *a = apr_array_make(p, 1, sizeof(const char *));

    if (!m || cJSON_IsNull(m)) {
        return a;
    }
    if (cJSON_IsString(m)) {
        APR_ARRAY_PUSH(a, const char *) = m->valuestring;
        return a;
    }
    if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) > MAX_AUD) {
        *bad = 1;
        return a;
    }
    cJSON_ArrayForEach(e, m) {
        if (!cJSON_IsString(e)) {
            *bad = 1;
            return a;
        }
        APR_ARRAY_PUSH(a, const char *) = e->valuestring;
    }
    return a;
}

apr_status_t mcp_introspect_parse(mcp_claims_t **pclaims, apr_pool_t *p,
                                  const mcp_http_resp_t *resp,
                                  const char **perr)
{
    const cJSON *j, *active;
    mcp_claims_t *c;
    const char *scope;
    int bad = 0;

    *pclaims = NULL;
    if (resp->status != 200) {
        *perr = apr_psprintf(p, "introspection endpoint answered HTTP %d",
                             resp->status);
        return APR_EGENERAL;
    }
    if (!mcp_media_type_is(resp->content_type, "application/json")) {
        *perr = "introspection response is not application/json";
        return APR_EGENERAL;
    }
    j = mcp_json_parse(p, resp->body, resp->body_len, MCP_MAX_JSON_DEPTH,
                       perr);
    if (!j) {
        *perr = apr_pstrcat(p, "introspection response: ", *perr, NULL);
        return APR_EGENERAL;
    }
    if (!cJSON_IsObject(j)) {
        *perr = "introspection response is not a JSON object";
        return APR_EGENERAL;
    }
    active = mcp_json_get(j, "active");
    if (!cJSON_IsBool(active)) {
        *perr = "introspection response has no boolean \"active\"";
        return APR_EGENERAL;
    }
    c = mcp_claims_create(p);
    c->active = cJSON_IsTrue(active);
    c->raw = j;
    c->via = MCP_VIA_INTROSPECTION;
    if (c->active) {
        c->sub = member_str(j, "sub", &bad);
        c->client_id = member_str(j, "client_id", &bad);
        c->username = member_str(j, "username", &bad);
        c->iss = member_str(j, "iss", &bad);
        c->token_type = member_str(j, "token_type", &bad);
        scope = member_str(j, "scope", &bad);
        c->scopes = mcp_scopes_parse(p, scope);
        c->aud = member_aud(p, j, &bad);
        c->exp = member_time(j, "exp", &bad);
        c->nbf = member_time(j, "nbf", &bad);
        c->iat = member_time(j, "iat", &bad);
        if (bad) {
            *perr = "introspection response has a member of the wrong type";
            return APR_EGENERAL;
        }
    }
    *pclaims = c;
    return APR_SUCCESS;
}

apr_status_t mcp_introspect(mcp_claims_t **pclaims, apr_pool_t *p,
                            const mcp_dir_conf_t *dc, const char *token,
                            mcp_http_post_fn *post, void *baton,
                            const char **perr)
{
    mcp_http_req_t req;
    mcp_http_resp_t *resp;
    apr_status_t rv;

    *pclaims = NULL;
    mcp_introspect_request(&req, p, dc, token);
    rv = post(&resp, p, &req, baton, perr);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    return mcp_introspect_parse(pclaims, p, resp, perr);
}

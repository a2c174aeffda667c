/* mcp_discovery.c: authorization server metadata. */
#include <string.h>

#include <apr_strings.h>

#include "mcp_discovery.h"
#include "mcp_json.h"
#include "mcp_parse.h"

apr_array_header_t *mcp_discovery_urls(apr_pool_t *p, const char *issuer)
{
    apr_array_header_t *urls = apr_array_make(p, 2, sizeof(const char *));
    const char *s = strstr(issuer, "://");
    apr_size_t origin = s ? (s + 3 - issuer) + strcspn(s + 3, "/") : 0;
    const char *path = issuer + origin;
    apr_size_t plen = strlen(path);

    /* "https://as/" has no path: no trailing slash in either form */
    while (plen > 0 && path[plen - 1] == '/') {
        --plen;
    }
    APR_ARRAY_PUSH(urls, const char *) = apr_pstrcat(p,
            apr_pstrmemdup(p, issuer, origin),
            "/.well-known/oauth-authorization-server",
            apr_pstrmemdup(p, path, plen), NULL);
    APR_ARRAY_PUSH(urls, const char *) = apr_pstrcat(p,
            apr_pstrmemdup(p, issuer, origin + plen),
            "/.well-known/openid-configuration", NULL);
    return urls;
}

static const char *endpoint(apr_pool_t *p, const cJSON *doc,
                            const char *name, int allow_http, int *bad)
{
    const cJSON *m = mcp_json_get(doc, name);

    if (!m) {
        return NULL;
    }
    if (!cJSON_IsString(m) || mcp_parse_url(p, m->valuestring)
        || (!allow_http && strncasecmp(m->valuestring, "https://", 8))) {
        *bad = 1;
        return NULL;
    }
    return m->valuestring;
}

apr_status_t mcp_discovery_parse(mcp_as_metadata_t **pmd, apr_pool_t *p,
                                 const char *json, apr_size_t len,
                                 const char *issuer, int allow_http,
                                 const char **perr)
{
    const cJSON *doc, *iss;
    mcp_as_metadata_t *md;
    int bad = 0;

    *pmd = NULL;
    doc = mcp_json_parse(p, json, len, MCP_MAX_JSON_DEPTH, perr);
    if (!doc) {
        return APR_EGENERAL;
    }
    iss = mcp_json_get(doc, "issuer");
    if (!cJSON_IsObject(doc) || !cJSON_IsString(iss)
        || strcmp(iss->valuestring, issuer) != 0) {
        *perr = apr_psprintf(p, "metadata is not about issuer %s", issuer);
        return APR_EGENERAL;
    }
    md = apr_pcalloc(p, sizeof(*md));
    md->issuer = iss->valuestring;
    md->jwks_uri = endpoint(p, doc, "jwks_uri", allow_http, &bad);
    md->introspection_endpoint = endpoint(p, doc, "introspection_endpoint",
                                          allow_http, &bad);
    if (bad) {
        *perr = "metadata endpoint is not an acceptable URL";
        return APR_EGENERAL;
    }
    *pmd = md;
    return APR_SUCCESS;
}

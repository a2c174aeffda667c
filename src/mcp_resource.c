/* mcp_resource.c: resource identifiers and Protected Resource Metadata. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_uri.h>

#include "mcp_json.h"
#include "mcp_parse.h"
#include "mcp_resource.h"

#define MAX_AUD_ENTRIES 64

static char *lower(char *s)
{
    char *c;

    for (c = s; *c; ++c) {
        *c = apr_tolower(*c);
    }
    return s;
}

/* scheme://host[:port] of a parsed URI, canonical. */
static const char *origin_of(apr_pool_t *p, const apr_uri_t *u)
{
    const char *scheme = lower(apr_pstrdup(p, u->scheme));
    const char *host = lower(apr_pstrdup(p, u->hostname));
    int v6 = strchr(host, ':') != NULL;
    apr_port_t def = !strcmp(scheme, "https") ? 443 : 80;

    if (u->port_str && *u->port_str && u->port != def) {
        return apr_psprintf(p, "%s://%s%s%s:%u", scheme, v6 ? "[" : "", host,
                            v6 ? "]" : "", (unsigned)u->port);
    }
    return apr_psprintf(p, "%s://%s%s%s", scheme, v6 ? "[" : "", host,
                        v6 ? "]" : "");
}

const char *mcp_resource_canonical(apr_pool_t *p, const char *uri,
                                   const char **perr)
{
    apr_uri_t u;

    if ((*perr = mcp_parse_url(p, uri)) != NULL) {
        return NULL;
    }
    apr_uri_parse(p, uri, &u);
    return apr_pstrcat(p, origin_of(p, &u),
                       (u.path && *u.path) ? u.path : "/",
                       u.query ? "?" : "", u.query ? u.query : "", NULL);
}

/* scheme ":" rest, RFC 3986 3.1 */
static int has_scheme(const char *s)
{
    const char *c = s;

    if (!apr_isalpha(*c)) {
        return 0;
    }
    while (apr_isalnum(*c) || *c == '+' || *c == '-' || *c == '.') {
        ++c;
    }
    return *c == ':' && c[1] != '\0';
}

static int is_guid(const char *s)
{
    int i;

    for (i = 0; i < 36; ++i) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !apr_isxdigit(s[i])) {
            return 0;
        }
    }
    return s[36] == '\0';
}

const char *mcp_resource_audience_form(apr_pool_t *p, const char *aud,
                                       const char **perr)
{
    const char *c;

    if (!strncasecmp(aud, "http://", 7) || !strncasecmp(aud, "https://", 8)) {
        return mcp_resource_canonical(p, aud, perr);
    }
    for (c = aud; *c; ++c) {
        if (*c <= ' ' || *c > '~') {
            *perr = "an audience must be visible ASCII";
            return NULL;
        }
    }
    if (c - aud > 2048 || !(has_scheme(aud) || is_guid(aud))) {
        *perr = apr_psprintf(p, "\"%.64s\" is neither an absolute URI nor "
                             "an application id (GUID)", aud);
        return NULL;
    }
    *perr = NULL;
    return aud;
}

const char *mcp_resource_origin(apr_pool_t *p, const char *resource)
{
    apr_uri_t u;

    if (apr_uri_parse(p, resource, &u) != APR_SUCCESS || !u.scheme
        || !u.hostname) {
        return NULL;
    }
    return origin_of(p, &u);
}

/* Offset of the path (or query) in an absolute URI: the first '/' or '?'
 * after "scheme://". */
static apr_size_t path_offset(const char *resource)
{
    const char *s = strstr(resource, "://");

    s = s ? s + 3 : resource;
    return strcspn(s, "/?") + (s - resource);
}

const char *mcp_resource_prm_path(apr_pool_t *p, const char *resource)
{
    const char *rest = resource + path_offset(resource);
    const char *q = strchr(rest, '?');
    apr_size_t plen = q ? (apr_size_t)(q - rest) : strlen(rest);

    /* the root resource's metadata lives at the well-known URI itself */
    if (plen == 1 && rest[0] == '/') {
        plen = 0;
    }
    return apr_pstrcat(p, MCP_PRM_WELL_KNOWN, apr_pstrmemdup(p, rest, plen),
                       NULL);
}

const char *mcp_resource_prm_url(apr_pool_t *p, const char *resource)
{
    apr_size_t off = path_offset(resource);
    const char *q = strchr(resource + off, '?');

    return apr_pstrcat(p, apr_pstrmemdup(p, resource, off),
                       mcp_resource_prm_path(p, resource), q ? q : "", NULL);
}

int mcp_resource_audience_match(apr_pool_t *p, const apr_array_header_t *aud,
                                const apr_array_header_t *accepted)
{
    int i, j;

    if (!accepted) {
        return 0;
    }
    for (i = 0; aud && i < aud->nelts && i < MAX_AUD_ENTRIES; ++i) {
        const char *err, *a = APR_ARRAY_IDX(aud, i, const char *);
        const char *c = a ? mcp_resource_audience_form(p, a, &err) : NULL;

        for (j = 0; c && j < accepted->nelts; ++j) {
            if (!strcmp(c, APR_ARRAY_IDX(accepted, j, const char *))) {
                return 1;
            }
        }
    }
    return 0;
}

static cJSON *string_array(const apr_array_header_t *a)
{
    cJSON *arr = cJSON_CreateArray();
    int i;

    for (i = 0; arr && a && i < a->nelts; ++i) {
        cJSON_AddItemToArray(arr,
                cJSON_CreateString(APR_ARRAY_IDX(a, i, const char *)));
    }
    return arr;
}

const char *mcp_prm_document(apr_pool_t *p, const mcp_prm_t *prm)
{
    cJSON *doc = mcp_json_own(p, cJSON_CreateObject());
    cJSON *methods;

    if (!doc) {
        return NULL;
    }
    cJSON_AddStringToObject(doc, "resource", prm->resource);
    cJSON_AddItemToObject(doc, "authorization_servers",
                          string_array(prm->issuers));
    if (prm->scopes && prm->scopes->nelts) {
        cJSON_AddItemToObject(doc, "scopes_supported",
                              string_array(prm->scopes));
    }
    methods = cJSON_AddArrayToObject(doc, "bearer_methods_supported");
    cJSON_AddItemToArray(methods, cJSON_CreateString("header"));
    if (prm->name) {
        cJSON_AddStringToObject(doc, "resource_name", prm->name);
    }
    if (prm->documentation) {
        cJSON_AddStringToObject(doc, "resource_documentation",
                                prm->documentation);
    }
    return mcp_json_print(p, doc);
}

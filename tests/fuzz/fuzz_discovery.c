/* fuzz_discovery.c: an authorization server metadata document (RFC 8414,
 * OpenID Connect Discovery) as fetched from the server: mcp_discovery_parse
 * with the issuer it must name, with and without MCPAuthAllowHTTP.
 *
 * Properties: what is accepted names exactly the issuer, and its
 * endpoints are URLs that mcp_parse_url accepts (https unless allowed).
 * The document's issuer member is also run through mcp_discovery_urls. */
#include <string.h>
#include <strings.h>

#include "fuzz_common.h"
#include "mcp_discovery.h"
#include "mcp_json.h"
#include "mcp_parse.h"

static const char *const ISSUERS[] = {
    "https://as.example.com", "https://as.example.com/tenant/a", NULL
};

static void check_url(apr_pool_t *p, const char *url, int allow_http)
{
    if (url) {
        FUZZ_CHECK(mcp_parse_url(p, url) == NULL, url);
        FUZZ_CHECK(allow_http || !strncasecmp(url, "https://", 8), url);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *json = fuzz_bytes(p, data, size), *err;
    int i, allow;

    for (i = 0; ISSUERS[i]; ++i) {
        for (allow = 0; allow <= 1; ++allow) {
            mcp_as_metadata_t *md = NULL;

            err = NULL;
            if (mcp_discovery_parse(&md, p, json, size, ISSUERS[i], allow,
                                    &err) != APR_SUCCESS) {
                FUZZ_CHECK(md == NULL && err != NULL, "failure with reason");
                continue;
            }
            FUZZ_CHECK(md && !strcmp(md->issuer, ISSUERS[i]), "issuer");
            check_url(p, md->jwks_uri, allow);
            check_url(p, md->introspection_endpoint, allow);
        }
    }
    /* the issuer the document names, as if configured */
    {
        const cJSON *doc = mcp_json_parse(p, json, size, MCP_MAX_JSON_DEPTH,
                                          &err);
        const cJSON *iss = doc ? mcp_json_get(doc, "issuer") : NULL;

        if (cJSON_IsString(iss) && mcp_parse_url(p, iss->valuestring) == NULL) {
            apr_array_header_t *urls = mcp_discovery_urls(p,
                                                          iss->valuestring);

            FUZZ_CHECK(urls && urls->nelts >= 1, "discovery urls");
        }
    }
    fuzz_pool_done(p);
    return 0;
}

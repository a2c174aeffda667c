/* fuzz_resource.c: resource identifiers and audiences: the aud claim of
 * tokens and introspection answers (mcp_resource_audience_form,
 * mcp_resource_audience_match), resource URIs (mcp_resource_canonical,
 * the configuration's MCPAuthResource), and what is derived from them:
 * the RFC 9728 metadata path and URL (mcp_resource_prm_path, _prm_url),
 * the origin (also applied to Origin headers), the PRM document;
 * mcp_parse_url and mcp_parse_origin on the same bytes.
 *
 * Input: lines (LF). The first line is the URI; all lines are the aud
 * array.
 *
 * Properties: canonical forms are fixed points and accepted URLs; an aud
 * matches its own canonical form; the PRM path starts with the
 * well-known prefix; the PRM document is JSON. */
#include <string.h>

#include "fuzz_common.h"
#include "mcp_json.h"
#include "mcp_parse.h"
#include "mcp_resource.h"

static apr_array_header_t *accepted;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *g = fuzz_init();
    const char *err;

    accepted = apr_array_make(g, 2, sizeof(const char *));
    APR_ARRAY_PUSH(accepted, const char *) =
        mcp_resource_canonical(g, "https://mcp.example.com/mcp", &err);
    APR_ARRAY_PUSH(accepted, const char *) = "api://mcp-example";
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    apr_array_header_t *lines = fuzz_split(p, data, size, '\n');
    const char *uri = APR_ARRAY_IDX(lines, 0, const char *);
    const char *canon, *err = NULL, *form, *origin;
    int i;

    /* the aud claim as it arrives */
    (void)mcp_resource_audience_match(p, lines, accepted);
    for (i = 0; i < lines->nelts && i < 8; ++i) {
        const char *a = APR_ARRAY_IDX(lines, i, const char *);

        form = mcp_resource_audience_form(p, a, &err);
        FUZZ_CHECK(form || err, "a form or a reason");
        if (form) {
            apr_array_header_t *one = apr_array_make(p, 1, sizeof(char *));
            apr_array_header_t *acc = apr_array_make(p, 1, sizeof(char *));

            APR_ARRAY_PUSH(one, const char *) = a;
            APR_ARRAY_PUSH(acc, const char *) = form;
            FUZZ_CHECK(mcp_resource_audience_match(p, one, acc),
                       "an audience matches its own form");
        }
    }

    /* the URI as a resource identifier */
    canon = mcp_resource_canonical(p, uri, &err);
    if (canon) {
        const char *again = mcp_resource_canonical(p, canon, &err);
        const char *path, *url;
        mcp_prm_t prm = { canon, accepted, lines, "n", NULL };
        const cJSON *doc;

        FUZZ_CHECK(again && !strcmp(again, canon), canon);
        FUZZ_CHECK(mcp_parse_url(p, canon) == NULL, canon);
        path = mcp_resource_prm_path(p, uri);
        FUZZ_CHECK(!strncmp(path, MCP_PRM_WELL_KNOWN,
                            strlen(MCP_PRM_WELL_KNOWN)), path);
        url = mcp_resource_prm_url(p, uri);
        FUZZ_CHECK(url != NULL, "prm url");
        (void)mcp_resource_prm_path(p, canon);
        (void)mcp_resource_prm_url(p, canon);
        FUZZ_CHECK(mcp_resource_origin(p, uri) != NULL, "origin of a URL");
        prm.resource = uri;
        doc = mcp_json_parse(p, mcp_prm_document(p, &prm),
                             strlen(mcp_prm_document(p, &prm)), 8, &err);
        (void)doc;
    }
    else {
        FUZZ_CHECK(err != NULL, "a reason");
    }
    /* config-style and header-style parsers on the same bytes */
    origin = mcp_resource_origin(p, uri);
    (void)origin;
    (void)mcp_parse_url(p, uri);
    {
        const char *o = NULL;

        if (mcp_parse_origin(p, uri, &o) == NULL) {
            FUZZ_CHECK(o != NULL, "origin out");
        }
    }
    fuzz_pool_done(p);
    return 0;
}

/* mcp_resource.h: the protected resource's identity: canonical resource
 * URIs (RFC 8707), audience matching, the RFC 9728 metadata URL and
 * document.
 */
#ifndef MCP_RESOURCE_H
#define MCP_RESOURCE_H

#include "mcp.h"

#define MCP_PRM_WELL_KNOWN "/.well-known/oauth-protected-resource"

/* Canonical form of an absolute http(s) URI for comparison: scheme and
 * host lower-cased, default port dropped, no fragment (refused), an empty
 * path written "/". NULL with *perr when uri is not acceptable as a
 * resource identifier. */
const char *mcp_resource_canonical(apr_pool_t *p, const char *uri,
                                   const char **perr);

/* How an audience is compared: http(s) URIs in canonical form; other
 * absolute URIs (api://..., urn:...) and application ids (a GUID, as
 * Entra ID v2 tokens carry) exactly as written. NULL with *perr for
 * anything else. */
const char *mcp_resource_audience_form(apr_pool_t *p, const char *aud,
                                       const char **perr);

/* The path at which the resource's metadata is served on its host
 * (RFC 9728 3.1: the well-known prefix inserted before the path), e.g.
 * "/.well-known/oauth-protected-resource/mcp". */
const char *mcp_resource_prm_path(apr_pool_t *p, const char *resource);

/* The absolute metadata URL, built from the configured resource only. */
const char *mcp_resource_prm_url(apr_pool_t *p, const char *resource);

/* The origin (scheme://host[:port], lower case, default port dropped). */
const char *mcp_resource_origin(apr_pool_t *p, const char *resource);

/* 1 when some element of aud (const char *) has the canonical form of
 * one of the accepted canonical identifiers. At most 64 aud entries are
 * looked at. */
int mcp_resource_audience_match(apr_pool_t *p, const apr_array_header_t *aud,
                                const apr_array_header_t *accepted);

typedef struct mcp_prm_t {
    const char *resource;
    const apr_array_header_t *issuers;
    const apr_array_header_t *scopes;
    const char *name;
    const char *documentation;
} mcp_prm_t;

/* The RFC 9728 document, members in a fixed order. */
const char *mcp_prm_document(apr_pool_t *p, const mcp_prm_t *prm);

#endif /* MCP_RESOURCE_H */

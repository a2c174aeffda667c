/* mcp_http.h: outgoing HTTP to the authorization server through libcurl:
 * bounded in time and size, no redirects, https unless allowed, and
 * connections kept alive in a per-process pool of easy handles.
 *
 * Token validation reaches the network only through mcp_http_post_fn, so
 * unit tests give it canned answers.
 */
#ifndef MCP_HTTP_H
#define MCP_HTTP_H

#include "mcp.h"

typedef struct mcp_http_req_t {
    const char *url;
    const char *body;                 /* POST body; NULL for a GET */
    apr_size_t body_len;
    apr_array_header_t *headers;      /* "Name: value" (const char *) */
    apr_interval_time_t timeout;      /* whole exchange */
    apr_interval_time_t connect_timeout;
    apr_size_t max_response;          /* larger bodies are an error */
    int allow_http;
} mcp_http_req_t;

typedef struct mcp_http_resp_t {
    int status;
    const char *content_type;         /* NULL when absent */
    const char *body;                 /* NUL-terminated, in the pool */
    apr_size_t body_len;
} mcp_http_resp_t;

typedef apr_status_t mcp_http_post_fn(mcp_http_resp_t **presp, apr_pool_t *p,
                                      const mcp_http_req_t *req, void *baton,
                                      const char **perr);

/* A pool of reusable curl handles, one per process, shared by threads. */
typedef struct mcp_http_client_t mcp_http_client_t;

/* Create in the process pool (child_init); handles die with p. */
apr_status_t mcp_http_client_create(mcp_http_client_t **pclient,
                                    apr_pool_t *p);

/* The libcurl transport (POST, or GET when req->body is NULL); baton is an
 * mcp_http_client_t, or NULL for a handle used once. */
apr_status_t mcp_http_post(mcp_http_resp_t **presp, apr_pool_t *p,
                           const mcp_http_req_t *req, void *baton,
                           const char **perr);

#endif /* MCP_HTTP_H */

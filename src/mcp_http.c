/* mcp_http.c: the libcurl transport behind mcp_http_post_fn.
 *
 * Easy handles keep their connections (and TLS sessions) open between
 * transfers, so handles are pooled per process: a thread takes one, uses
 * it without any lock held, and gives it back. curl_global_init is the
 * glue's job (post_config, before threads exist). */
#include <string.h>

#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <curl/curl.h>

#include "mcp_http.h"

#define MAX_IDLE_HANDLES 16

struct mcp_http_client_t {
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;
#endif
    CURL *idle[MAX_IDLE_HANDLES];
    int nidle;
};

static apr_status_t client_cleanup(void *data)
{
    mcp_http_client_t *c = data;

    while (c->nidle > 0) {
        curl_easy_cleanup(c->idle[--c->nidle]);
    }
    return APR_SUCCESS;
}

apr_status_t mcp_http_client_create(mcp_http_client_t **pclient,
                                    apr_pool_t *p)
{
    mcp_http_client_t *c = apr_pcalloc(p, sizeof(*c));
    apr_status_t rv = APR_SUCCESS;

#if APR_HAS_THREADS
    rv = apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, p);
#endif
    apr_pool_cleanup_register(p, c, client_cleanup, apr_pool_cleanup_null);
    *pclient = c;
    return rv;
}

static CURL *handle_take(mcp_http_client_t *c)
{
    CURL *h = NULL;

    if (c) {
#if APR_HAS_THREADS
        apr_thread_mutex_lock(c->lock);
#endif
        if (c->nidle > 0) {
            h = c->idle[--c->nidle];
        }
#if APR_HAS_THREADS
        apr_thread_mutex_unlock(c->lock);
#endif
    }
    if (h) {
        curl_easy_reset(h);   /* options go, connections stay */
        return h;
    }
    return curl_easy_init();
}

static void handle_give(mcp_http_client_t *c, CURL *h)
{
    if (c && h) {
#if APR_HAS_THREADS
        apr_thread_mutex_lock(c->lock);
#endif
        if (c->nidle < MAX_IDLE_HANDLES) {
            c->idle[c->nidle++] = h;
            h = NULL;
        }
#if APR_HAS_THREADS
        apr_thread_mutex_unlock(c->lock);
#endif
    }
    curl_easy_cleanup(h);
}

typedef struct {
    char *buf;
    apr_size_t len, cap, max;
    apr_pool_t *p;
    int too_large;
} sink_t;

static size_t sink_write(char *data, size_t size, size_t nmemb, void *baton)
{
    sink_t *s = baton;
    apr_size_t n = size * nmemb;

    if (n > s->max - s->len) {
        s->too_large = 1;
        return 0;                   /* aborts with CURLE_WRITE_ERROR */
    }
    if (s->len + n + 1 > s->cap) {
        apr_size_t cap = s->cap ? s->cap : 4096;
        char *nb;
        while (cap < s->len + n + 1) {
            cap *= 2;
        }
        nb = apr_palloc(s->p, cap);
        if (s->len) {
            memcpy(nb, s->buf, s->len);
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return n;
}

static long ms(apr_interval_time_t t)
{
    long v = (long)(t / 1000);

    return v > 0 ? v : 1;
}

apr_status_t mcp_http_post(mcp_http_resp_t **presp, apr_pool_t *p,
                           const mcp_http_req_t *req, void *baton,
                           const char **perr)
{
    mcp_http_client_t *client = baton;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL, *tmp;
    sink_t sink = { NULL, 0, 0, req->max_response, p, 0 };
    mcp_http_resp_t *resp;
    const char *ctype = NULL;
    long status = 0;
    apr_status_t rv = APR_SUCCESS;
    CURLcode cc;
    CURL *h;
    int i;

    *presp = NULL;
    *perr = NULL;
    if (!(h = handle_take(client))) {
        *perr = "curl_easy_init failed";
        return APR_ENOMEM;
    }
    for (i = 0; req->headers && i < req->headers->nelts; ++i) {
        tmp = curl_slist_append(hdrs, APR_ARRAY_IDX(req->headers, i,
                                                    const char *));
        if (!tmp) {
            *perr = "out of memory";
            rv = APR_ENOMEM;
            goto leave;
        }
        hdrs = tmp;
    }
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR,
                     req->allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms(req->timeout));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms(req->connect_timeout));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "mod_mcp_auth/" MCP_VERSION);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (req->body) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)req->body_len);
    }
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)req->max_response);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);

    cc = curl_easy_perform(h);
    if (sink.too_large || cc == CURLE_FILESIZE_EXCEEDED) {
        *perr = apr_psprintf(p, "response larger than %" APR_SIZE_T_FMT
                             " bytes", req->max_response);
        rv = APR_ENOSPC;
        goto leave;
    }
    if (cc != CURLE_OK) {
        *perr = apr_pstrdup(p, errbuf[0] ? errbuf : curl_easy_strerror(cc));
        rv = cc == CURLE_OPERATION_TIMEDOUT ? APR_TIMEUP : APR_EGENERAL;
        goto leave;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype);

    resp = apr_pcalloc(p, sizeof(*resp));
    resp->status = (int)status;
    resp->content_type = ctype ? apr_pstrdup(p, ctype) : NULL;
    resp->body = sink.buf ? sink.buf : "";
    resp->body_len = sink.len;
    *presp = resp;

leave:
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    if (rv == APR_SUCCESS || rv == APR_ENOSPC) {
        handle_give(client, h);
    }
    else {
        curl_easy_cleanup(h);   /* a broken connection is not worth keeping */
    }
    return rv;
}

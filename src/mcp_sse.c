/* mcp_sse.c: Server-Sent Events framing, see mcp_sse.h. */
#include <string.h>

#include <apr_strings.h>

#include "mcp_sse.h"

/* The next line of ev from *pos: its start and length without the line
 * end; 0 when there is none left. */
static int next_line(const char *ev, apr_size_t len, apr_size_t *pos,
                     const char **pline, apr_size_t *plen)
{
    apr_size_t i = *pos;

    if (i >= len) {
        return 0;
    }
    *pline = ev + i;
    while (i < len && ev[i] != '\n' && ev[i] != '\r') {
        ++i;
    }
    *plen = i - *pos;
    if (i < len && ev[i] == '\r' && i + 1 < len && ev[i + 1] == '\n') {
        ++i;
    }
    *pos = i + 1;
    return 1;
}

/* Is this line a data field? *pvalue gets its value. */
static int data_field(const char *line, apr_size_t n, const char **pvalue,
                      apr_size_t *pvlen)
{
    if (n < 4 || memcmp(line, "data", 4) != 0 || (n > 4 && line[4] != ':')) {
        return 0;
    }
    if (n == 4) {
        *pvalue = line + 4;
        *pvlen = 0;
        return 1;
    }
    *pvalue = line + 5;
    *pvlen = n - 5;
    if (*pvlen && **pvalue == ' ') {        /* one space is dropped */
        ++*pvalue;
        --*pvlen;
    }
    return 1;
}

apr_size_t mcp_sse_event_len(const char *buf, apr_size_t len)
{
    apr_size_t i = 0, start = 0;

    while (i < len) {
        if (buf[i] == '\n' || buf[i] == '\r') {
            apr_size_t end = i + 1;
            if (buf[i] == '\r') {
                if (i + 1 == len) {
                    return 0;               /* a CRLF may be split */
                }
                if (buf[i + 1] == '\n') {
                    end = i + 2;
                }
            }
            if (i == start) {
                return end;                 /* a blank line ends it */
            }
            start = i = end;
        }
        else {
            ++i;
        }
    }
    return 0;
}

const char *mcp_sse_event_data(apr_pool_t *p, const char *ev,
                               apr_size_t len, apr_size_t *pdlen)
{
    apr_size_t pos = 0, n, vlen;
    const char *line, *v;
    char *out = NULL;
    apr_size_t olen = 0;

    while (next_line(ev, len, &pos, &line, &n)) {
        if (!data_field(line, n, &v, &vlen)) {
            continue;
        }
        if (!out) {
            out = apr_palloc(p, len + 1);   /* data never outgrows ev */
        }
        else {
            out[olen++] = '\n';
        }
        memcpy(out + olen, v, vlen);
        olen += vlen;
    }
    if (out) {
        out[olen] = '\0';
    }
    *pdlen = olen;
    return out;
}

const char *mcp_sse_event_with_data(apr_pool_t *p, const char *ev,
                                    apr_size_t len, const char *data)
{
    apr_size_t pos = 0, n, vlen;
    const char *line, *v;
    apr_array_header_t *parts = apr_array_make(p, 8, sizeof(const char *));

    while (next_line(ev, len, &pos, &line, &n)) {
        if (n && !data_field(line, n, &v, &vlen)) {
            APR_ARRAY_PUSH(parts, const char *) =
                apr_pstrcat(p, apr_pstrmemdup(p, line, n), "\n", NULL);
        }
    }
    APR_ARRAY_PUSH(parts, const char *) = apr_pstrcat(p, "data: ", data,
                                                      "\n\n", NULL);
    return apr_array_pstrcat(p, parts, '\0');
}

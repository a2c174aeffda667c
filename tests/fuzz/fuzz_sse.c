/* fuzz_sse.c: what a proxied MCP server answers, as the gateway's output
 * filter reads it (src/mod_mcp_auth_gateway.c): a text/event-stream is cut
 * into events (mcp_sse_event_len), each event's data is read
 * (mcp_sse_event_data; an event with a NUL byte is dropped), filtered
 * with the MCPAuthToolScope rules
 * (mcp_policy_filter_text, which removes tools the token may not call
 * from tools/list results) and, when something was removed, written again
 * (mcp_sse_event_with_data). An application/json answer goes through
 * mcp_policy_filter_text whole; the input is also read that way.
 *
 * Properties: events are cut the same way whatever the stream's chunks
 * (an event found in a prefix of the stream is the one found in all of
 * it); a rewritten event is one event whose data is the filtered text;
 * filtering is idempotent; events are forwarded whole; no tool that the
 * rules refuse reaches the client (the stream the gateway sends is read
 * back as a client reads it). */
#include <string.h>

#include <apr_strings.h>

#include "fuzz_common.h"
#include "mcp_json.h"
#include "mcp_policy.h"
#include "mcp_sse.h"
#include "mcp_util.h"

static apr_array_header_t *rules, *granted;

static char *const RULES[][3] = {
    { "admin_*", "mcp:admin", NULL },
    { "get-env", "mcp:admin", NULL },
    { "*write*", "files:write", "files:all" },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *g = fuzz_init();
    const char *err;
    int i;

    rules = apr_array_make(g, 3, sizeof(mcp_tool_rule_t));
    for (i = 0; i < 3; ++i) {
        mcp_tool_rule_t *r = apr_array_push(rules);

        if ((err = mcp_policy_parse_rule(r, g, RULES[i][2] ? 3 : 2,
                                         RULES[i]))) {
            fuzz_fail(__FILE__, __LINE__, "rule", err);
        }
    }
    granted = mcp_scopes_parse(g, "mcp:tools files:all");
    return 0;
}

/* No tool the rules refuse is left in a filtered tools/list result. */
static void no_refused_tool(const cJSON *j, int depth)
{
    const cJSON *c;

    if (!j || depth > MCP_MAX_JSON_DEPTH) {
        return;
    }
    if (cJSON_IsArray(j)) {
        cJSON_ArrayForEach(c, j) {
            no_refused_tool(c, depth + 1);
        }
        return;
    }
    /* where a client finds a tools/list result: result.tools, or a bare
     * result's tools */
    c = mcp_json_get(j, "result");
    c = mcp_json_get(cJSON_IsObject(c) ? c : j, "tools");
    if (cJSON_IsArray(c)) {
        const cJSON *t;

        cJSON_ArrayForEach(t, c) {
            const char *name = cJSON_GetStringValue(mcp_json_get(t, "name"));

            FUZZ_CHECK(name && mcp_policy_allows(rules, granted, name),
                       name ? name : "a tool without a name");
        }
    }
}

static const char *filter(apr_pool_t *p, const char *json, apr_size_t len)
{
    const char *f = mcp_policy_filter_text(p, json, len, rules, granted);

    if (f && f != json) {
        const char *err;
        const cJSON *j;

        /* filtering what was filtered removes nothing */
        FUZZ_CHECK(mcp_policy_filter_text(p, f, strlen(f), rules, granted)
                   == f, "filter is idempotent");
        j = mcp_json_parse(p, f, strlen(f), MCP_MAX_JSON_DEPTH, &err);
        FUZZ_CHECK(j != NULL, "filtered text is JSON");
        no_refused_tool(j, 0);
    }
    return f;
}

/* What a client reads from the stream the gateway sends: every event's
 * data that is JSON must hold no refused tool. */
static void client_reads(apr_pool_t *p, const char *out, apr_size_t len)
{
    apr_size_t used = 0, n;
    int events = 0;

    while ((n = mcp_sse_event_len(out + used, len - used)) != 0
           && ++events <= 512) {
        apr_size_t dlen = 0;
        const char *d = mcp_sse_event_data(p, out + used, n, &dlen), *err;
        const cJSON *j = d ? mcp_json_parse(p, d, dlen, MCP_MAX_JSON_DEPTH,
                                            &err) : NULL;

        no_refused_tool(j, 0);
        used += n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *buf = fuzz_bytes(p, data, size);
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(const char *));
    apr_size_t used = 0, n;
    int events = 0;
    const char *sent;

    /* application/json */
    (void)filter(p, buf, size);

    /* text/event-stream, as the gateway's output filter handles it */
    while ((n = mcp_sse_event_len(buf + used, size - used)) != 0) {
        const char *ev = buf + used, *d, *text = NULL;
        apr_size_t i, dlen = 0;
        int checked = 0;

        FUZZ_CHECK(n <= size - used, "event within the buffer");
        /* the same event from any prefix that holds a complete one */
        for (i = 1; i < n && checked < 32; ++i) {
            if (ev[i - 1] == '\n' || ev[i - 1] == '\r') {
                apr_size_t k = mcp_sse_event_len(ev, i);

                FUZZ_CHECK(k == 0 || k == n, "event cut by the chunking");
                ++checked;
            }
        }
        /* Finding 2 (docs/fuzzing.md), as the gateway now handles it: an
         * event with a NUL byte is dropped (filtering stops at a NUL for
         * whoever reads the data as a C string, and so does sending). */
        if (memchr(ev, '\0', n)) {
            used += n;
            continue;
        }
        d = mcp_sse_event_data(p, ev, n, &dlen);
        FUZZ_CHECK(!d || (d[dlen] == '\0' && strlen(d) == dlen), "dlen");
        if (!d || dlen == 0) {
            text = apr_pstrmemdup(p, ev, n);        /* nothing to check */
            /* the gateway sends strlen(text) bytes: all of the event? */
            FUZZ_CHECK(strlen(text) == n, "an event is forwarded whole");
        }
        else if ((text = filter(p, d, dlen)) != NULL) {
            if (text == d) {
                text = apr_pstrmemdup(p, ev, n);
                FUZZ_CHECK(strlen(text) == n, "an event is forwarded whole");
            }
            else {
                const char *w = mcp_sse_event_with_data(p, ev, n, text);
                apr_size_t wl = strlen(w), d2len = 0;
                const char *d2;

                FUZZ_CHECK(mcp_sse_event_len(w, wl) == wl,
                           "a rewritten event is one event");
                d2 = mcp_sse_event_data(p, w, wl, &d2len);
                FUZZ_CHECK(d2 && !strcmp(d2, text),
                           "a rewritten event carries the filtered data");
                text = w;
            }
        }
        if (text) {
            APR_ARRAY_PUSH(out, const char *) = text;
        }
        used += n;
        if (++events > 256) {
            break;
        }
    }
    sent = apr_array_pstrcat(p, out, '\0');
    client_reads(p, sent, strlen(sent));
    fuzz_pool_done(p);
    return 0;
}

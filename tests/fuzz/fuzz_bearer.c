/* fuzz_bearer.c: what arrives in request headers and query strings: the
 * Authorization header (mcp_bearer_parse), base64url (mcp_b64url_decode,
 * as JOSE segments are decoded), the query string / form body scan for
 * access_token (mcp_form_has_param), Content-Type (mcp_media_type_is),
 * scope strings (mcp_scopes_parse) and Mcp-Session-Id values.
 *
 * Properties: a parsed bearer token is token68 within max_len; what
 * mcp_b64url_decode accepts re-encodes to exactly the input (one encoding
 * per value); mcp_form_has_param finds a parameter appended to any input;
 * a scope list survives join + parse. */
#include <string.h>

#include <apr_strings.h>

#include "fuzz_common.h"
#include "mcp_session.h"
#include "mcp_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init();
    return 0;
}

static int token68(const char *t)
{
    apr_size_t n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                             "qrstuvwxyz0123456789-._~+/");

    return n > 0 && strspn(t + n, "=") == strlen(t + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *s = fuzz_cstr(p, data, size);
    const char *bytes = fuzz_bytes(p, data, size);
    const char *tok = NULL, *query;
    static const apr_size_t limits[] = { 4096, 16, 0 };
    unsigned char *dec;
    apr_size_t i, dlen = 0;
    apr_array_header_t *scopes, *again;

    /* Authorization: the header value as httpd hands it over */
    for (i = 0; i < sizeof(limits) / sizeof(limits[0]); ++i) {
        mcp_verdict_e v = mcp_bearer_parse(&tok, p, s, limits[i]);

        FUZZ_CHECK(v == MCP_OK || v == MCP_NO_TOKEN || v == MCP_BAD_REQUEST
                   || v == MCP_INVALID_TOKEN, "verdict");
        FUZZ_CHECK((v == MCP_OK) == (tok != NULL), "token iff OK");
        if (v == MCP_OK) {
            FUZZ_CHECK(strlen(tok) <= limits[i], "token within max_len");
            FUZZ_CHECK(token68(tok), tok);
            (void)mcp_fingerprint(p, tok, strlen(tok));
        }
    }
    (void)mcp_bearer_parse(&tok, p, NULL, 4096);

    /* base64url: exact bytes, no NUL after them */
    dec = mcp_b64url_decode(p, bytes, size, &dlen);
    if (dec) {
        const char *enc = mcp_b64url_encode(p, dec, dlen);

        FUZZ_CHECK(dec[dlen] == '\0', "decoded output NUL-terminated");
        FUZZ_CHECK(strlen(enc) == size && !memcmp(enc, bytes, size),
                   "accepted base64url re-encodes to the input");
    }
    /* and every value's encoding decodes back */
    {
        const char *enc = mcp_b64url_encode(p, data, size);
        unsigned char *back = mcp_b64url_decode(p, enc, strlen(enc), &dlen);

        FUZZ_CHECK(back && dlen == size && !memcmp(back, data, size),
                   "encode then decode");
    }

    /* query string / form body: exact bytes */
    (void)mcp_form_has_param(bytes, size, "access_token");
    query = apr_pstrcat(p, s, "&access_token=x", NULL);
    FUZZ_CHECK(mcp_form_has_param(query, strlen(query), "access_token"),
               "an appended access_token is found");
    (void)mcp_form_has_param(bytes, size, "");
    (void)mcp_form_encode(p, s);

    /* Content-Type */
    (void)mcp_media_type_is(s, "application/json");
    (void)mcp_media_type_is(s, "text/event-stream");
    (void)mcp_media_type_is(NULL, "application/json");

    /* scope strings (token scope claims, configuration) */
    (void)mcp_scope_token_valid(s);
    scopes = mcp_scopes_parse(p, s);
    again = mcp_scopes_parse(p, mcp_scopes_join(p, scopes));
    FUZZ_CHECK(again->nelts == scopes->nelts && mcp_scopes_cover(again, scopes)
               && mcp_scopes_cover(scopes, again), "scopes join + parse");

    /* Mcp-Session-Id */
    (void)mcp_session_id_valid(s);
    (void)mcp_session_foreign_id_valid(s);

    fuzz_pool_done(p);
    return 0;
}

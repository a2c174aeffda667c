/* mcp_util.c: small pure helpers shared by the core and the glue. */
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>
#include <openssl/evp.h>

#include "mcp_digest.h"
#include "mcp_util.h"

static int is_token68_char(int c)
{
    return apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'
           || c == '+' || c == '/';
}

mcp_verdict_e mcp_bearer_parse(const char **ptoken, apr_pool_t *p,
                               const char *header, apr_size_t max_len)
{
    const char *s = header, *tok;
    apr_size_t n;

    *ptoken = NULL;
    if (!s) {
        return MCP_NO_TOKEN;
    }
    while (*s == ' ' || *s == '\t') {
        ++s;
    }
    if (strncasecmp(s, "Bearer", 6) != 0) {
        return MCP_NO_TOKEN;
    }
    s += 6;
    if (*s == '\0') {
        return MCP_BAD_REQUEST;        /* "Bearer" and nothing else */
    }
    if (*s != ' ') {
        return MCP_NO_TOKEN;           /* "Bearerx ...": another scheme */
    }
    while (*s == ' ') {
        ++s;
    }
    tok = s;
    while (is_token68_char(*s)) {
        ++s;
    }
    n = s - tok;
    while (*s == '=') {                /* token68 padding */
        ++s;
    }
    if (n == 0) {
        return MCP_BAD_REQUEST;
    }
    while (*s == ' ' || *s == '\t') {  /* trailing OWS */
        ++s;
    }
    if (*s != '\0') {
        /* anything else: a second credential, auth-params, a comma from
         * two joined Authorization headers, or a forbidden byte */
        return MCP_BAD_REQUEST;
    }
    n = s - tok;
    while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t')) {
        --n;
    }
    if (n > max_len) {
        return MCP_INVALID_TOKEN;
    }
    *ptoken = apr_pstrmemdup(p, tok, n);
    return MCP_OK;
}

const char *mcp_fingerprint(apr_pool_t *p, const char *s, apr_size_t len)
{
    static const char HEX[] = "0123456789abcdef";
    unsigned char md[MCP_SHA256_LEN];
    EVP_MD_CTX *ctx = mcp_sha256_begin();
    char *hex;
    int i;

    if (!ctx || !EVP_DigestUpdate(ctx, s, len) || !mcp_sha256_final(ctx, md)) {
        return "-";
    }
    hex = apr_palloc(p, 13);
    for (i = 0; i < 6; ++i) {
        hex[2 * i] = HEX[md[i] >> 4];
        hex[2 * i + 1] = HEX[md[i] & 0x0f];
    }
    hex[12] = '\0';
    return hex;
}

int mcp_scope_token_valid(const char *s)
{
    if (!s || !*s) {
        return 0;
    }
    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e) {
            return 0;
        }
    }
    return 1;
}

apr_array_header_t *mcp_scopes_parse(apr_pool_t *p, const char *s)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    const char *start;

    while (s && *s) {
        while (*s == ' ') {
            ++s;
        }
        start = s;
        while (*s && *s != ' ') {
            ++s;
        }
        if (s > start) {
            APR_ARRAY_PUSH(a, const char *) = apr_pstrmemdup(p, start,
                                                             s - start);
        }
    }
    return a;
}

int mcp_scopes_contains(const apr_array_header_t *scopes, const char *scope)
{
    int i;

    for (i = 0; scopes && i < scopes->nelts; ++i) {
        if (strcmp(APR_ARRAY_IDX(scopes, i, const char *), scope) == 0) {
            return 1;
        }
    }
    return 0;
}

int mcp_scopes_cover(const apr_array_header_t *have,
                     const apr_array_header_t *need)
{
    int i;

    for (i = 0; need && i < need->nelts; ++i) {
        if (!mcp_scopes_contains(have, APR_ARRAY_IDX(need, i, const char *))) {
            return 0;
        }
    }
    return 1;
}

const char *mcp_scopes_join(apr_pool_t *p, const apr_array_header_t *scopes)
{
    if (!scopes || scopes->nelts == 0) {
        return "";
    }
    return apr_array_pstrcat(p, scopes, ' ');
}

const char *mcp_form_encode(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, 3 * strlen(s) + 1), *o = out;

    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        if (apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '*') {
            *o++ = c;
        }
        else if (c == ' ') {
            *o++ = '+';
        }
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

static int hexval(int c)
{
    return apr_isdigit(c) ? c - '0' : apr_isxdigit(c) ? (c | 0x20) - 'a' + 10
                                                      : -1;
}

/* Is the form-encoded key buf[0..len) equal to name once decoded? */
static int key_equals(const char *buf, apr_size_t len, const char *name)
{
    apr_size_t i = 0;

    for (; *name; ++name) {
        int c;
        if (i >= len) {
            return 0;
        }
        c = (unsigned char)buf[i++];
        if (c == '+') {
            c = ' ';
        }
        else if (c == '%' && i + 1 < len && hexval(buf[i]) >= 0
                 && hexval(buf[i + 1]) >= 0) {
            c = hexval(buf[i]) * 16 + hexval(buf[i + 1]);
            i += 2;
        }
        if (c != (unsigned char)*name) {
            return 0;
        }
    }
    return i == len;
}

int mcp_form_has_param(const char *buf, apr_size_t len, const char *name)
{
    apr_size_t i = 0;

    while (buf && i < len) {
        apr_size_t start = i, klen;
        while (i < len && buf[i] != '&' && buf[i] != ';') {
            ++i;
        }
        /* name, name=, name=value all count, also percent-encoded */
        for (klen = 0; start + klen < i && buf[start + klen] != '='; ++klen) {
        }
        if (key_equals(buf + start, klen, name)) {
            return 1;
        }
        ++i;
    }
    return 0;
}

static int b64url_value(int c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

unsigned char *mcp_b64url_decode(apr_pool_t *p, const char *in,
                                 apr_size_t inlen, apr_size_t *plen)
{
    unsigned char *out = apr_palloc(p, inlen / 4 * 3 + 3);
    apr_uint32_t acc = 0;
    apr_size_t i, n = 0;
    int bits = 0;

    if (inlen % 4 == 1) {
        return NULL;
    }
    for (i = 0; i < inlen; ++i) {
        int v = b64url_value((unsigned char)in[i]);
        if (v < 0) {
            return NULL;
        }
        acc = (acc << 6) | (apr_uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) {
        return NULL;            /* non-canonical: leftover bits set */
    }
    out[n] = '\0';
    *plen = n;
    return out;
}

const char *mcp_b64url_encode(apr_pool_t *p, const unsigned char *in,
                              apr_size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                              "0123456789-_";
    char *out = apr_palloc(p, len / 3 * 4 + 5), *o = out;
    apr_size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        apr_uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
        *o++ = abc[v >> 18];
        *o++ = abc[(v >> 12) & 63];
        *o++ = abc[(v >> 6) & 63];
        *o++ = abc[v & 63];
    }
    if (len - i == 1) {
        *o++ = abc[in[i] >> 2];
        *o++ = abc[(in[i] & 3) << 4];
    }
    else if (len - i == 2) {
        apr_uint32_t v = (in[i] << 8) | in[i + 1];
        *o++ = abc[v >> 10];
        *o++ = abc[(v >> 4) & 63];
        *o++ = abc[(v & 15) << 2];
    }
    *o = '\0';
    return out;
}

int mcp_media_type_is(const char *ct, const char *type)
{
    apr_size_t n = strlen(type);

    return ct && strcspn(ct, "; \t") == n && !strncasecmp(ct, type, n);
}

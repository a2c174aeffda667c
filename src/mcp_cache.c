/* mcp_cache.c: verdict cache keys, entries and TTL policy.
 *
 * Entry layout, version 3 (integers big-endian):
 *   'M' 3 | verdict u8 | reason u8 | until i64 | exp i64 | nbf i64 (usec,
 *   -1 absent) | sub | client_id | iss | scope (str) | n u8 | n x aud (str)
 *   | via u8 | kept (str)
 *   | HMAC-SHA256(secret, id || everything before) (32 bytes)
 *   str = length u16 (0xffff: absent) + bytes (no NUL)
 */
#include <string.h>

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "mcp_cache.h"
#include "mcp_claims.h"
#include "mcp_digest.h"
#include "mcp_policy.h"
#include "mcp_util.h"

#define VERSION   3
#define NO_STR    0xffff
#define MAX_AUD   32

enum { KIND_VERDICT = 'V', KIND_FLIGHT = 'F', KIND_DOCUMENT = 'D',
       KIND_NONE = 0 };

static void digest_str(EVP_MD_CTX *md, const char *s)
{
    /* length-prefixed, so that no two field lists hash alike */
    apr_uint32_t n = s ? (apr_uint32_t)strlen(s) : 0xffffffffu;

    EVP_DigestUpdate(md, &n, sizeof(n));
    if (s) {
        EVP_DigestUpdate(md, s, strlen(s));
    }
}

static void digest_list(EVP_MD_CTX *md, const apr_array_header_t *a)
{
    int i, n = a ? a->nelts : 0;

    EVP_DigestUpdate(md, &n, sizeof(n));
    for (i = 0; i < n; ++i) {
        digest_str(md, APR_ARRAY_IDX(a, i, const char *));
    }
}

void mcp_cache_id(unsigned char id[MCP_CACHE_ID_LEN],
                  const mcp_dir_conf_t *dc, const char *token)
{
    EVP_MD_CTX *md = mcp_sha256_begin();
    int i;

    memset(id, 0, MCP_CACHE_ID_LEN);
    if (md) {
        int v[3] = { mcp_conf_validation(dc), (int)mcp_conf_jwt_algs(dc),
                     mcp_conf_jwt_strict_typ(dc) };

        digest_str(md, "mcp_auth verdict v1");
        EVP_DigestUpdate(md, v, sizeof(v));
        digest_str(md, dc->introspection_url);
        digest_str(md, dc->jwks_url);
        digest_str(md, dc->client_id);
        digest_list(md, mcp_conf_audiences(dc));
        digest_list(md, dc->issuers);
        digest_list(md, dc->required_scopes);
        for (i = 0; dc->scope_implies && i < dc->scope_implies->nelts; ++i) {
            const mcp_scope_rule_t *rule = &APR_ARRAY_IDX(dc->scope_implies,
                                                          i, mcp_scope_rule_t);
            digest_str(md, rule->scope);
            digest_list(md, rule->implied);
        }
        digest_str(md, token);
        if (mcp_sha256_final(md, id)) {
            id[MCP_CACHE_ID_LEN - 1] = KIND_VERDICT;
        }
    }
}

int mcp_cache_id_usable(const unsigned char id[MCP_CACHE_ID_LEN])
{
    return id[MCP_CACHE_ID_LEN - 1] != KIND_NONE;
}

void mcp_cache_flight_id(unsigned char out[MCP_CACHE_ID_LEN],
                         const unsigned char id[MCP_CACHE_ID_LEN])
{
    memcpy(out, id, MCP_CACHE_ID_LEN);
    if (mcp_cache_id_usable(id)) {
        out[MCP_CACHE_ID_LEN - 1] = KIND_FLIGHT;
    }
}

/* HMAC-SHA256(secret, id || data) */
static int tag(unsigned char out[MCP_CACHE_TAG_LEN], apr_pool_t *p,
               const unsigned char *id, const unsigned char *data,
               apr_size_t len, const unsigned char *secret)
{
    return mcp_hmac_sha256(out, secret, MCP_CACHE_SECRET_LEN, id,
                           MCP_CACHE_ID_LEN, data, len);
}

typedef struct {
    unsigned char *buf;
    apr_size_t len, cap;
    int overflow;
} writer_t;

static void put(writer_t *w, const void *data, apr_size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = 1;
        return;
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
}

static void put_u8(writer_t *w, unsigned v)
{
    unsigned char b = (unsigned char)v;

    put(w, &b, 1);
}

static void put_i64(writer_t *w, apr_int64_t v)
{
    unsigned char b[8];
    apr_uint64_t u = (apr_uint64_t)v;
    int i;

    for (i = 7; i >= 0; --i, u >>= 8) {
        b[i] = (unsigned char)(u & 0xff);
    }
    put(w, b, 8);
}

static void put_str(writer_t *w, const char *s)
{
    apr_size_t n = s ? strlen(s) : NO_STR;

    if (s && n >= NO_STR) {
        w->overflow = 1;
        return;
    }
    put_u8(w, (unsigned)(n >> 8));
    put_u8(w, (unsigned)(n & 0xff));
    if (s) {
        put(w, s, n);
    }
}

unsigned char *mcp_cache_seal(apr_pool_t *p,
                              const unsigned char id[MCP_CACHE_ID_LEN],
                              const unsigned char *data, apr_size_t len,
                              const unsigned char *secret, apr_size_t *plen)
{
    unsigned char *out = apr_palloc(p, len + MCP_CACHE_TAG_LEN);

    memcpy(out, data, len);
    if (!tag(out + len, p, id, data, len, secret)) {
        return NULL;
    }
    *plen = len + MCP_CACHE_TAG_LEN;
    return out;
}

const unsigned char *mcp_cache_unseal(apr_pool_t *p,
                                      const unsigned char id[MCP_CACHE_ID_LEN],
                                      const unsigned char *buf,
                                      apr_size_t len,
                                      const unsigned char *secret,
                                      apr_size_t *plen)
{
    unsigned char want[MCP_CACHE_TAG_LEN];
    apr_size_t n = len - MCP_CACHE_TAG_LEN;

    if (len < MCP_CACHE_TAG_LEN || !tag(want, p, id, buf, n, secret)
        || CRYPTO_memcmp(want, buf + n, MCP_CACHE_TAG_LEN) != 0) {
        return NULL;
    }
    *plen = n;
    return buf;
}

void mcp_cache_doc_id(unsigned char id[MCP_CACHE_ID_LEN], const char *kind,
                      const char *url)
{
    EVP_MD_CTX *md = mcp_sha256_begin();

    memset(id, 0, MCP_CACHE_ID_LEN);
    if (md) {
        digest_str(md, "mcp_auth document v1");
        digest_str(md, kind);
        digest_str(md, url);
        if (mcp_sha256_final(md, id)) {
            id[MCP_CACHE_ID_LEN - 1] = KIND_DOCUMENT;
        }
    }
}

apr_status_t mcp_cache_encode(unsigned char **pbuf, apr_size_t *plen,
                              apr_pool_t *p, const mcp_cache_entry_t *e,
                              const unsigned char id[MCP_CACHE_ID_LEN],
                              const unsigned char *secret)
{
    const mcp_claims_t *c = e->claims ? e->claims : mcp_claims_create(p);
    writer_t w = { apr_palloc(p, MCP_CACHE_MAX_ENTRY), 0,
                   MCP_CACHE_MAX_ENTRY - MCP_CACHE_TAG_LEN, 0 };
    int i, naud = c->aud ? c->aud->nelts : 0;

    if (naud > MAX_AUD) {
        return APR_ENOSPC;
    }
    put_u8(&w, 'M');
    put_u8(&w, VERSION);
    put_u8(&w, (unsigned)e->verdict);
    put_u8(&w, (unsigned)e->reason);
    put_i64(&w, e->until);
    put_i64(&w, c->exp);
    put_i64(&w, c->nbf);
    put_str(&w, c->sub);
    put_str(&w, c->client_id);
    put_str(&w, c->iss);
    put_str(&w, mcp_scopes_join(p, c->scopes));
    put_u8(&w, (unsigned)naud);
    for (i = 0; i < naud; ++i) {
        put_str(&w, APR_ARRAY_IDX(c->aud, i, const char *));
    }
    put_u8(&w, (unsigned)c->via);
    put_str(&w, c->kept);
    if (w.overflow) {
        return APR_ENOSPC;
    }
    *pbuf = mcp_cache_seal(p, id, w.buf, w.len, secret, plen);
    return *pbuf ? APR_SUCCESS : APR_EGENERAL;
}

typedef struct {
    const unsigned char *buf;
    apr_size_t len, pos;
    int bad;
} reader_t;

static unsigned get_u8(reader_t *r)
{
    if (r->pos >= r->len) {
        r->bad = 1;
        return 0;
    }
    return r->buf[r->pos++];
}

static apr_int64_t get_i64(reader_t *r)
{
    apr_uint64_t u = 0;
    int i;

    for (i = 0; i < 8; ++i) {
        u = (u << 8) | get_u8(r);
    }
    return (apr_int64_t)u;
}

static const char *get_str(reader_t *r, apr_pool_t *p)
{
    apr_size_t n = get_u8(r) << 8;
    const char *s;

    n |= get_u8(r);
    if (r->bad || n == NO_STR) {
        return NULL;
    }
    if (n > r->len - r->pos || memchr(r->buf + r->pos, 0, n)) {
        r->bad = 1;
        return NULL;
    }
    s = apr_pstrmemdup(p, (const char *)r->buf + r->pos, n);
    r->pos += n;
    return s;
}

/* Absent, or a time the parsers could have produced (up to the year
 * 9999): later arithmetic on it (skew, TTL) cannot overflow. */
static int time_ok(apr_time_t t)
{
    return t == MCP_TIME_ABSENT
           || (t >= 0 && t <= apr_time_from_sec(APR_INT64_C(253402300799)));
}

apr_status_t mcp_cache_decode(mcp_cache_entry_t **pe, apr_pool_t *p,
                              const unsigned char *buf, apr_size_t len,
                              const unsigned char id[MCP_CACHE_ID_LEN],
                              const unsigned char *secret,
                              const char **perr)
{
    const unsigned char *data;
    apr_size_t dlen;

    *pe = NULL;
    if (!(data = mcp_cache_unseal(p, id, buf, len, secret, &dlen))) {
        *perr = "entry not authenticated (another MCPAuthCacheSecret?)";
        return APR_EGENERAL;
    }
    return mcp_cache_parse(pe, p, data, dlen, perr);
}

apr_status_t mcp_cache_parse(mcp_cache_entry_t **pe, apr_pool_t *p,
                             const unsigned char *data, apr_size_t len,
                             const char **perr)
{
    reader_t r = { data, len, 0, 0 };
    mcp_cache_entry_t *e;
    mcp_claims_t *c;
    unsigned n, i;

    *pe = NULL;
    if (get_u8(&r) != 'M' || get_u8(&r) != VERSION) {
        *perr = "unknown entry version";
        return APR_EGENERAL;
    }
    e = apr_pcalloc(p, sizeof(*e));
    e->claims = c = mcp_claims_create(p);
    e->verdict = (mcp_verdict_e)get_u8(&r);
    e->reason = (int)get_u8(&r);
    e->until = get_i64(&r);
    c->exp = get_i64(&r);
    c->nbf = get_i64(&r);
    c->sub = get_str(&r, p);
    c->client_id = get_str(&r, p);
    c->iss = get_str(&r, p);
    c->scopes = mcp_scopes_parse(p, get_str(&r, p));
    n = get_u8(&r);
    c->aud = apr_array_make(p, n ? n : 1, sizeof(const char *));
    for (i = 0; i < n && !r.bad; ++i) {
        APR_ARRAY_PUSH(c->aud, const char *) = get_str(&r, p);
    }
    c->via = (int)get_u8(&r);
    c->kept = get_str(&r, p);
    if (r.bad || r.pos != r.len || n > MAX_AUD
        || (e->verdict != MCP_OK && e->verdict != MCP_INVALID_TOKEN
            && e->verdict != MCP_INSUFFICIENT_SCOPE)
        || (e->verdict == MCP_OK) != (e->reason == MCP_REASON_NONE)
        || e->reason >= MCP_REASON_COUNT || c->via > MCP_VIA_INTROSPECTION
        || !time_ok(c->exp) || !time_ok(c->nbf)
        || e->until == MCP_TIME_ABSENT || !time_ok(e->until)) {
        *perr = "malformed entry";
        return APR_EGENERAL;
    }
    c->active = e->verdict != MCP_INVALID_TOKEN
                || e->reason != MCP_REASON_INACTIVE;
    *pe = e;
    return APR_SUCCESS;
}

/* Down to whole seconds; under one second is not worth storing. */
static apr_interval_time_t whole_seconds(apr_interval_time_t t)
{
    return t < APR_USEC_PER_SEC ? 0
                                : apr_time_from_sec(apr_time_sec(t));
}

apr_interval_time_t mcp_cache_ttl(const mcp_dir_conf_t *dc,
                                  const mcp_cache_entry_t *e, apr_time_t now)
{
    apr_interval_time_t ttl;

    switch (e->verdict) {
    case MCP_OK:
    case MCP_INSUFFICIENT_SCOPE:
        if (e->claims->exp == MCP_TIME_ABSENT) {
            return whole_seconds(mcp_conf_cache_noexp_ttl(dc));
        }
        ttl = e->claims->exp - now;
        if (ttl > mcp_conf_cache_max_ttl(dc)) {
            ttl = mcp_conf_cache_max_ttl(dc);
        }
        return whole_seconds(ttl);
    case MCP_INVALID_TOKEN:
        return whole_seconds(mcp_conf_cache_neg_ttl(dc));
    default:
        return 0;        /* authorization server trouble: never kept */
    }
}

mcp_verdict_e mcp_cache_verdict(const mcp_cache_entry_t *e,
                                const mcp_dir_conf_t *dc, apr_time_t now,
                                const char **pdesc)
{
    const mcp_claims_t *c = e->claims;

    if (e->verdict != MCP_INVALID_TOKEN && c->exp != MCP_TIME_ABSENT
        && now >= c->exp + mcp_conf_clock_skew(dc)) {
        *pdesc = mcp_reason_text(MCP_REASON_EXPIRED);
        return MCP_INVALID_TOKEN;
    }
    *pdesc = mcp_reason_text(e->reason);
    return e->verdict;
}

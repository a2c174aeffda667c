/* fuzz_cache.c: the decoders of what the shared cache (ap_socache:
 * shmcb, memcache, redis) gives back: verdict entries (mcp_cache_decode,
 * and mcp_cache_parse as the memo reads their data) and session records
 * (mcp_session_decode), plus mcp_cache_unseal.
 *
 * Whoever can write to the cache but has no MCPAuthCacheSecret cannot get
 * past the HMAC tag, so the decoders only ever see authenticated bytes:
 * the input is sealed with the real mcp_cache_seal and a fixed secret,
 * and that reaches the decoders with arbitrary bytes. The unsealed input
 * is decoded too (as an attacker writing to the cache would send it):
 * that must always be refused.
 *
 * Properties: a decoded entry re-encodes and decodes to the same entry;
 * the same bytes without their tag parse to the same decision; a decoded
 * session record likewise; unsealed bytes never decode. */
#include <string.h>

#include "fuzz_common.h"
#include "mcp_cache.h"
#include "mcp_claims.h"
#include "mcp_conf.h"
#include "mcp_session.h"
#include "mcp_util.h"

#define NOW apr_time_from_sec(1700000100)

static const unsigned char SECRET[MCP_CACHE_SECRET_LEN] =
    "0123456789abcdef0123456789abcdef";
static unsigned char entry_id[MCP_CACHE_ID_LEN], session_id[MCP_CACHE_ID_LEN];
static const mcp_dir_conf_t *dc;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *g = fuzz_init();
    mcp_dir_conf_t *c = mcp_dir_conf_create(g);

    c->resource = "https://mcp.example.com/mcp";
    dc = mcp_dir_conf_merge(g, mcp_dir_conf_create(g), c);
    mcp_cache_id(entry_id, dc, "a-token");
    mcp_session_cache_id(session_id, "AAAAAAAAAAAAAAAAAAAAAA");
    return 0;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* MCP_TIME_ABSENT, or a time up to the year 9999 (what the claims
 * parsers accept) */
static int sane_time(apr_time_t t)
{
    return t == MCP_TIME_ABSENT
           || (t >= 0 && t <= apr_time_from_sec(253402300799LL));
}

static void entry(apr_pool_t *p, const unsigned char *sealed, apr_size_t len)
{
    mcp_cache_entry_t *e = NULL, *e2 = NULL;
    unsigned char *buf = NULL;
    apr_size_t blen = 0;
    const char *err = NULL;
    int i;

    if (mcp_cache_decode(&e, p, sealed, len, entry_id, SECRET, &err)
        != APR_SUCCESS) {
        FUZZ_CHECK(e == NULL && err != NULL, "failure with reason");
        return;
    }
    /* Finding 3 (docs/fuzzing.md), fixed in 1e1cae9: mcp_cache_decode
     * took any 64-bit exp and nbf; exp + skew (mcp_cache_verdict) and
     * exp - now (mcp_cache_ttl) then overflowed. */
    if (fuzz_skip_known() && (!sane_time(e->claims->exp)
                              || !sane_time(e->claims->nbf))) {
        return;
    }
    (void)mcp_cache_verdict(e, dc, NOW, &err);
    (void)mcp_cache_ttl(dc, e, NOW);
    if (mcp_cache_encode(&buf, &blen, p, e, entry_id, SECRET)
        != APR_SUCCESS) {
        return;
    }
    FUZZ_CHECK(mcp_cache_decode(&e2, p, buf, blen, entry_id, SECRET, &err)
               == APR_SUCCESS, err);
    FUZZ_CHECK(e2->verdict == e->verdict && e2->reason == e->reason,
               "verdict");
    FUZZ_CHECK(same_str(e2->claims->sub, e->claims->sub)
               && same_str(e2->claims->client_id, e->claims->client_id)
               && same_str(e2->claims->iss, e->claims->iss)
               && same_str(e2->claims->kept, e->claims->kept), "strings");
    FUZZ_CHECK(e2->claims->exp == e->claims->exp
               && e2->claims->nbf == e->claims->nbf
               && e2->until == e->until
               && e2->claims->via == e->claims->via
               && e2->claims->active == e->claims->active, "numbers");
    FUZZ_CHECK(!strcmp(mcp_scopes_join(p, e2->claims->scopes),
                       mcp_scopes_join(p, e->claims->scopes)), "scopes");
    FUZZ_CHECK(e2->claims->aud->nelts == e->claims->aud->nelts, "aud");
    for (i = 0; i < e->claims->aud->nelts; ++i) {
        FUZZ_CHECK(same_str(APR_ARRAY_IDX(e2->claims->aud, i, const char *),
                            APR_ARRAY_IDX(e->claims->aud, i, const char *)),
                   "aud member");
    }
}

/* What the memo keeps is the data alone, read by mcp_cache_parse: it must
 * decide exactly as mcp_cache_decode does on the sealed bytes. */
static void same_as_sealed(apr_pool_t *p, const unsigned char *data,
                           apr_size_t len, const unsigned char *sealed,
                           apr_size_t slen)
{
    mcp_cache_entry_t *a = NULL, *b = NULL;
    const char *err = NULL;
    int parsed = mcp_cache_parse(&a, p, data, len, &err) == APR_SUCCESS;
    int decoded = mcp_cache_decode(&b, p, sealed, slen, entry_id, SECRET,
                                   &err) == APR_SUCCESS;

    FUZZ_CHECK(parsed == decoded, "parse and decode disagree");
    if (parsed) {
        FUZZ_CHECK(a->verdict == b->verdict && a->reason == b->reason
                   && a->until == b->until
                   && a->claims->exp == b->claims->exp
                   && same_str(a->claims->sub, b->claims->sub),
                   "parse and decode give other entries");
    }
}

static void session(apr_pool_t *p, const unsigned char *sealed,
                    apr_size_t len)
{
    mcp_session_t *s = NULL, *s2 = NULL;
    unsigned char *buf;
    apr_size_t blen = 0;

    if (mcp_session_decode(&s, p, sealed, len, session_id, SECRET)
        != APR_SUCCESS) {
        FUZZ_CHECK(s == NULL, "no record on failure");
        return;
    }
    FUZZ_CHECK(s->owner && s->version && s->created >= 0 && s->used >= 0,
               "record");
    FUZZ_CHECK(!s->level || mcp_log_level_rank(s->level) >= 0, "level");
    buf = mcp_session_encode(p, s, session_id, SECRET, &blen);
    FUZZ_CHECK(buf != NULL, "encode");
    FUZZ_CHECK(mcp_session_decode(&s2, p, buf, blen, session_id, SECRET)
               == APR_SUCCESS, "re-decode");
    FUZZ_CHECK(!strcmp(s2->owner, s->owner)
               && !strcmp(s2->version, s->version)
               && same_str(s2->level, s->level)
               && s2->created == s->created && s2->used == s->used,
               "session round trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const unsigned char *raw = (const unsigned char *)fuzz_bytes(p, data,
                                                                 size);
    const unsigned char *sealed, *opened;
    apr_size_t slen = 0, olen = 0;
    mcp_cache_entry_t *e = NULL;
    mcp_session_t *s = NULL;
    const char *err = NULL;

    /* as an attacker without the secret would write them */
    FUZZ_CHECK(mcp_cache_decode(&e, p, raw, size, entry_id, SECRET, &err)
               != APR_SUCCESS, "unsealed entry accepted");
    FUZZ_CHECK(mcp_session_decode(&s, p, raw, size, session_id, SECRET)
               != APR_SUCCESS, "unsealed session accepted");
    FUZZ_CHECK(mcp_cache_unseal(p, entry_id, raw, size, SECRET, &olen)
               == NULL, "unsealed bytes authenticated");

    /* authenticated bytes */
    sealed = mcp_cache_seal(p, entry_id, raw, size, SECRET, &slen);
    FUZZ_CHECK(sealed && slen == size + 32, "seal");
    opened = mcp_cache_unseal(p, entry_id, sealed, slen, SECRET, &olen);
    FUZZ_CHECK(opened && olen == size && !memcmp(opened, data, size),
               "unseal");
    entry(p, sealed, slen);
    same_as_sealed(p, raw, size, sealed, slen);
    /* a sealed entry under another id is refused */
    FUZZ_CHECK(mcp_cache_decode(&e, p, sealed, slen, session_id, SECRET,
                                &err) != APR_SUCCESS, "id is bound");
    sealed = mcp_cache_seal(p, session_id, raw, size, SECRET, &slen);
    session(p, sealed, slen);
    fuzz_pool_done(p);
    return 0;
}

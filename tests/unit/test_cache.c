/* test_cache.c: verdict cache ids, entries and TTL policy
 * (src/mcp_cache.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_cache.h"
#include "mcp_claims.h"
#include "mcp_digest.h"
#include "mcp_test.h"
#include "mcp_util.h"
#include "mcp_util.h"

#define NOW     apr_time_from_sec(1700000000)
#define SEC(n)  apr_time_from_sec(n)

static const unsigned char SECRET[MCP_CACHE_SECRET_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char OTHER[MCP_CACHE_SECRET_LEN] = "fedcba9876543210fedcba987654321";

static mcp_dir_conf_t *conf(apr_pool_t *p, const char *resource)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(p);

    dc->resource = resource;
    dc->issuers = mcp_test_strings(p, "https://auth.example.com", NULL);
    dc->introspection_url = "https://auth.example.com/introspect";
    dc->required_scopes = mcp_test_strings(p, "mcp:tools", NULL);
    return mcp_dir_conf_merge(p, mcp_dir_conf_create(p), dc);
}

static mcp_cache_entry_t *entry(apr_pool_t *p, mcp_verdict_e v, int reason,
                                apr_time_t exp)
{
    mcp_cache_entry_t *e = apr_pcalloc(p, sizeof(*e));

    e->verdict = v;
    e->reason = reason;
    e->claims = mcp_claims_create(p);
    e->claims->active = 1;
    e->claims->sub = "alice";
    e->claims->client_id = "client-1";
    e->claims->iss = "https://auth.example.com";
    e->claims->scopes = mcp_scopes_parse(p, "mcp:tools openid");
    e->claims->aud = mcp_test_strings(p, "https://mcp.example.com/mcp",
                                      "other", NULL);
    e->claims->exp = exp;
    return e;
}

static void cache_id_depends_on_token_and_verifier(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *a = conf(p, "https://mcp.example.com/mcp");
    mcp_dir_conf_t *b = conf(p, "https://mcp.example.com/other");
    mcp_dir_conf_t *c = conf(p, "https://mcp.example.com/mcp");
    unsigned char i1[MCP_CACHE_ID_LEN], i2[MCP_CACHE_ID_LEN];

    mcp_cache_id(i1, a, "tok");
    mcp_cache_id(i2, a, "tok");
    CU_ASSERT(memcmp(i1, i2, MCP_CACHE_ID_LEN) == 0);
    mcp_cache_id(i2, c, "tok");
    CU_ASSERT(memcmp(i1, i2, MCP_CACHE_ID_LEN) == 0);   /* same settings */
    mcp_cache_id(i2, a, "tok2");
    CU_ASSERT(memcmp(i1, i2, MCP_CACHE_ID_LEN) != 0);
    mcp_cache_id(i2, b, "tok");                         /* other resource */
    CU_ASSERT(memcmp(i1, i2, MCP_CACHE_ID_LEN) != 0);
    c->required_scopes = mcp_test_strings(p, "mcp:tools", "mcp:admin", NULL);
    mcp_cache_id(i2, c, "tok");                         /* other scopes */
    CU_ASSERT(memcmp(i1, i2, MCP_CACHE_ID_LEN) != 0);
    c = conf(p, "https://mcp.example.com/mcp");
    c->issuers = mcp_test_strings(p, "https://other.example.com", NULL);
    mcp_cache_id(i2, c, "tok");                         /* other issuer */
    CU_ASSERT(memcmp(i1, i2, MCP_CACHE_ID_LEN) != 0);
    c = conf(p, "https://mcp.example.com/mcp");
    c->introspection_url = "https://auth.example.com/other";
    mcp_cache_id(i2, c, "tok");                         /* other endpoint */
    CU_ASSERT(memcmp(i1, i2, MCP_CACHE_ID_LEN) != 0);
    /* length prefixes: moving a byte between fields changes the id */
    c = conf(p, "https://mcp.example.com/mcp");
    c->client_id = "ab";
    mcp_cache_id(i1, c, "c");
    c->client_id = "a";
    mcp_cache_id(i2, c, "bc");
    CU_ASSERT(memcmp(i1, i2, MCP_CACHE_ID_LEN) != 0);
}

static void cache_hmac_and_digest_match_known_vectors(void)
{
    /* RFC 4231 test case 2, the data split in two as tags are */
    static const unsigned char want[MCP_SHA256_LEN] = {
        0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
        0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
        0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43
    };
    unsigned char out[MCP_SHA256_LEN];
    EVP_MD_CTX *md;
    int i;

    for (i = 0; i < 3; ++i) {      /* the thread's context is reused */
        memset(out, 0, sizeof(out));
        CU_ASSERT_TRUE(mcp_hmac_sha256(out, (const unsigned char *)"Jefe", 4,
                                       "what do ya", 10,
                                       " want for nothing?", 18));
        CU_ASSERT_EQUAL(memcmp(out, want, sizeof(want)), 0);
    }
    /* SHA-256("abc") begins ba7816bf */
    md = mcp_sha256_begin();
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    EVP_DigestUpdate(md, "abc", 3);
    CU_ASSERT_TRUE(mcp_sha256_final(md, out));
    CU_ASSERT_EQUAL(out[0], 0xba);
    CU_ASSERT_EQUAL(out[3], 0xbf);
    MCP_ASSERT_STR(mcp_fingerprint(mcp_test_pool(), "abc", 3), "ba7816bf8f01",
                   "fingerprint");
}

static void cache_flight_id_differs_from_verdict_id(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], f[MCP_CACHE_ID_LEN];

    mcp_cache_id(id, conf(p, "https://mcp.example.com/mcp"), "tok");
    mcp_cache_flight_id(f, id);
    CU_ASSERT(memcmp(id, f, MCP_CACHE_ID_LEN) != 0);
    CU_ASSERT(memcmp(id, f, MCP_CACHE_ID_LEN - 1) == 0);
    CU_ASSERT(mcp_cache_id_usable(id) && mcp_cache_id_usable(f));
    mcp_cache_doc_id(f, "jwks", "https://auth.example.com/jwks");
    CU_ASSERT(mcp_cache_id_usable(f));

    /* what a failed SHA-256 leaves (all zero) stays unusable, marker
     * included: it would be the same for every token */
    memset(id, 0, sizeof(id));
    CU_ASSERT_FALSE(mcp_cache_id_usable(id));
    mcp_cache_flight_id(f, id);
    CU_ASSERT_FALSE(mcp_cache_id_usable(f));
}

static void cache_entry_round_trips(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], *buf;
    apr_size_t len;
    mcp_cache_entry_t *in = entry(p, MCP_INSUFFICIENT_SCOPE, MCP_REASON_SCOPE,
                                  NOW + SEC(100)), *out;
    const char *err = NULL;

    in->claims->nbf = NOW - SEC(5);
    in->until = NOW + SEC(60);
    mcp_cache_id(id, conf(p, "https://mcp.example.com/mcp"), "tok");
    CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                          APR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                           &err), APR_SUCCESS);
    /* when the caches drop it travels with it (the memo obeys it) */
    CU_ASSERT_EQUAL(out->until, NOW + SEC(60));
    MCP_ASSERT_INT(out->verdict, MCP_INSUFFICIENT_SCOPE, "verdict");
    MCP_ASSERT_INT(out->reason, MCP_REASON_SCOPE, "reason");
    MCP_ASSERT_STR(out->claims->sub, "alice", "sub");
    MCP_ASSERT_STR(out->claims->client_id, "client-1", "client_id");
    MCP_ASSERT_STR(out->claims->iss, "https://auth.example.com", "iss");
    MCP_ASSERT_STR(mcp_scopes_join(p, out->claims->scopes),
                   "mcp:tools openid", "scopes");
    MCP_ASSERT_INT(out->claims->aud->nelts, 2, "aud count");
    MCP_ASSERT_STR(APR_ARRAY_IDX(out->claims->aud, 1, const char *), "other",
                   "aud[1]");
    CU_ASSERT_EQUAL(out->claims->exp, NOW + SEC(100));
    CU_ASSERT_EQUAL(out->claims->nbf, NOW - SEC(5));
    CU_ASSERT_EQUAL(out->claims->iat, MCP_TIME_ABSENT);
    MCP_ASSERT_INT(out->claims->via, MCP_VIA_UNKNOWN, "via");
    CU_ASSERT_PTR_NULL(out->claims->kept);

    /* how it was validated and the kept claims travel with it */
    in->claims->via = MCP_VIA_JWT;
    in->claims->kept = "{\"groups\":[\"ops\"]}";
    CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                          APR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                           &err), APR_SUCCESS);
    MCP_ASSERT_INT(out->claims->via, MCP_VIA_JWT, "via jwt");
    MCP_ASSERT_STR(out->claims->kept, "{\"groups\":[\"ops\"]}", "kept");

    /* absent strings stay absent */
    in = entry(p, MCP_OK, MCP_REASON_NONE, MCP_TIME_ABSENT);
    in->claims->sub = NULL;
    in->claims->aud = NULL;
    CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                          APR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                           &err), APR_SUCCESS);
    CU_ASSERT_PTR_NULL(out->claims->sub);
    CU_ASSERT_EQUAL(out->claims->exp, MCP_TIME_ABSENT);
    MCP_ASSERT_INT(out->claims->aud->nelts, 0, "no aud");
}

static void cache_entry_rejects_other_secret_other_id_and_tampering(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], other[MCP_CACHE_ID_LEN], *buf;
    apr_size_t len, i;
    mcp_cache_entry_t *out;
    const char *err;

    mcp_cache_id(id, conf(p, "https://mcp.example.com/mcp"), "tok");
    mcp_cache_id(other, conf(p, "https://mcp.example.com/mcp"), "tok2");
    CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p,
            entry(p, MCP_OK, MCP_REASON_NONE, NOW), id, SECRET), APR_SUCCESS);
    err = NULL;
    CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, len, id, OTHER, &err),
                        APR_SUCCESS);
    MCP_ASSERT_HAS(err, "MCPAuthCacheSecret", "other secret");
    CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, len, other, SECRET,
                                         &err), APR_SUCCESS);
    for (i = 0; i < len; ++i) {         /* every single flipped bit */
        buf[i] ^= 0x10;
        CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                             &err), APR_SUCCESS);
        buf[i] ^= 0x10;
    }
    CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, len - 1, id, SECRET,
                                         &err), APR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, 3, id, SECRET, &err),
                        APR_SUCCESS);
    CU_ASSERT_EQUAL(mcp_cache_decode(&out, p, buf, len, id, SECRET, &err),
                    APR_SUCCESS);
}

/* What the memo keeps: the data before the tag, parsed without an HMAC,
 * every field still checked. */
static void cache_entry_data_parses_without_its_tag(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], *buf, *copy;
    apr_size_t len, dlen;
    mcp_cache_entry_t *in = entry(p, MCP_OK, MCP_REASON_NONE, NOW + SEC(100));
    mcp_cache_entry_t *out;
    const char *err = NULL;

    in->until = NOW + SEC(60);
    mcp_cache_id(id, conf(p, "https://mcp.example.com/mcp"), "tok");
    CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                          APR_SUCCESS);
    CU_ASSERT_FATAL(len > MCP_CACHE_TAG_LEN);
    dlen = len - MCP_CACHE_TAG_LEN;
    CU_ASSERT_EQUAL_FATAL(mcp_cache_parse(&out, p, buf, dlen, &err),
                          APR_SUCCESS);
    MCP_ASSERT_INT(out->verdict, MCP_OK, "verdict");
    MCP_ASSERT_STR(out->claims->sub, "alice", "sub");
    CU_ASSERT_EQUAL(out->until, NOW + SEC(60));
    CU_ASSERT_EQUAL(out->claims->exp, NOW + SEC(100));

    /* the sealed bytes are not data: the tag is trailing garbage */
    CU_ASSERT_NOT_EQUAL(mcp_cache_parse(&out, p, buf, len, &err),
                        APR_SUCCESS);
    MCP_ASSERT_STR(err, "malformed entry", "tag is not data");
    /* truncated data, another version, an unknown verdict */
    CU_ASSERT_NOT_EQUAL(mcp_cache_parse(&out, p, buf, dlen - 1, &err),
                        APR_SUCCESS);
    copy = apr_pmemdup(p, buf, dlen);
    copy[1] ^= 0x01;
    CU_ASSERT_NOT_EQUAL(mcp_cache_parse(&out, p, copy, dlen, &err),
                        APR_SUCCESS);
    MCP_ASSERT_STR(err, "unknown entry version", "version");
    copy = apr_pmemdup(p, buf, dlen);
    copy[2] = 0x7f;
    CU_ASSERT_NOT_EQUAL(mcp_cache_parse(&out, p, copy, dlen, &err),
                        APR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(mcp_cache_parse(&out, p, buf, 0, &err), APR_SUCCESS);
}

/* A token refused before its claims were read has none: its verdict is
 * still stored (negative caching). */
/* Found by fuzzing (tests/fuzz/crashes/cache-entry-*-exp-overflow.bin):
 * an authentic entry whose exp or nbf no parser could have produced is
 * malformed, so that adding the skew or computing a TTL cannot overflow. */
static void cache_entry_with_out_of_range_times_is_refused(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], *buf;
    static const apr_time_t bad[] = {
        APR_INT64_MAX, APR_INT64_MIN, -2,
        apr_time_from_sec(APR_INT64_C(253402300800))
    };
    mcp_cache_entry_t *in, *out;
    const char *err;
    apr_size_t len, i;

    mcp_cache_id(id, conf(p, "https://mcp.example.com/mcp"), "tok");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i) {
        in = entry(p, MCP_OK, MCP_REASON_NONE, bad[i]);
        CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                              APR_SUCCESS);
        CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                             &err), APR_SUCCESS);
        in = entry(p, MCP_OK, MCP_REASON_NONE, NOW + SEC(60));
        in->claims->nbf = bad[i];
        CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                              APR_SUCCESS);
        CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                             &err), APR_SUCCESS);
        in = entry(p, MCP_OK, MCP_REASON_NONE, NOW + SEC(60));
        in->until = bad[i];
        CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                              APR_SUCCESS);
        CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                             &err), APR_SUCCESS);
    }
    /* an entry without its `until` would live in the memo for ever */
    in = entry(p, MCP_OK, MCP_REASON_NONE, NOW + SEC(60));
    in->until = MCP_TIME_ABSENT;
    CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                          APR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                         &err), APR_SUCCESS);
    /* the year 9999 and absent times are fine */
    in = entry(p, MCP_OK, MCP_REASON_NONE,
               apr_time_from_sec(APR_INT64_C(253402300799)));
    CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, in, id, SECRET),
                          APR_SUCCESS);
    CU_ASSERT_EQUAL(mcp_cache_decode(&out, p, buf, len, id, SECRET, &err),
                    APR_SUCCESS);
}

static void cache_entry_without_claims_encodes(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], *buf;
    apr_size_t len;
    mcp_cache_entry_t e = { MCP_INVALID_TOKEN, MCP_REASON_JWT_TYPE, NULL,
                            NOW + SEC(5) };
    mcp_cache_entry_t *out;
    const char *err;

    mcp_cache_id(id, conf(p, "https://mcp.example.com/mcp"), "tok");
    CU_ASSERT_EQUAL_FATAL(mcp_cache_encode(&buf, &len, p, &e, id, SECRET),
                          APR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(mcp_cache_decode(&out, p, buf, len, id, SECRET,
                                           &err), APR_SUCCESS);
    MCP_ASSERT_INT(out->reason, MCP_REASON_JWT_TYPE, "reason");
    CU_ASSERT_PTR_NULL(out->claims->sub);
}

static void cache_entry_too_large_is_refused(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], *buf;
    apr_size_t len;
    mcp_cache_entry_t *e = entry(p, MCP_OK, MCP_REASON_NONE, NOW);
    char *big = apr_palloc(p, 5000);

    memset(big, 'x', 4999);
    big[4999] = '\0';
    e->claims->sub = big;
    mcp_cache_id(id, conf(p, "https://mcp.example.com/mcp"), "tok");
    CU_ASSERT_EQUAL(mcp_cache_encode(&buf, &len, p, e, id, SECRET),
                    APR_ENOSPC);
}

static void cache_ttl_follows_exp_and_configuration(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = conf(p, "https://mcp.example.com/mcp");

    /* defaults: max 60 s, negative 5 s, without exp 0 */
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_OK, 0, NOW + SEC(3)), NOW),
                    SEC(3));
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_OK, 0, NOW + SEC(3600)),
                                  NOW), SEC(60));
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_OK, 0, NOW + 2500000),
                                  NOW), SEC(2));      /* rounded down */
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_OK, 0, NOW + 900000),
                                  NOW), 0);           /* under a second */
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_OK, 0, NOW - SEC(1)),
                                  NOW), 0);           /* never past exp */
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_OK, 0, MCP_TIME_ABSENT),
                                  NOW), 0);
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_INSUFFICIENT_SCOPE,
                                            MCP_REASON_SCOPE, NOW + SEC(30)),
                                  NOW), SEC(30));
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_INVALID_TOKEN,
                                            MCP_REASON_INACTIVE, NOW + SEC(30)),
                                  NOW), SEC(5));
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_UNAVAILABLE, 0,
                                            NOW + SEC(30)), NOW), 0);

    dc->cache_max_ttl = SEC(10);
    dc->cache_neg_ttl = 0;
    dc->cache_noexp_ttl = SEC(7);
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_OK, 0, NOW + SEC(3600)),
                                  NOW), SEC(10));
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_INVALID_TOKEN,
                                            MCP_REASON_AUDIENCE, NOW), NOW),
                    0);
    CU_ASSERT_EQUAL(mcp_cache_ttl(dc, entry(p, MCP_OK, 0, MCP_TIME_ABSENT),
                                  NOW), SEC(7));
}

static void cache_verdict_checks_expiry_again(void)
{
    apr_pool_t *p = mcp_test_pool();
    mcp_dir_conf_t *dc = conf(p, "https://mcp.example.com/mcp");
    const char *desc = "unset";

    dc->clock_skew = SEC(10);
    MCP_ASSERT_INT(mcp_cache_verdict(entry(p, MCP_OK, 0, NOW + SEC(1)), dc,
                                     NOW, &desc), MCP_OK, "valid");
    MCP_ASSERT_STR(desc, NULL, "valid: no description");
    MCP_ASSERT_INT(mcp_cache_verdict(entry(p, MCP_OK, 0, NOW - SEC(5)), dc,
                                     NOW, &desc), MCP_OK, "within skew");
    MCP_ASSERT_INT(mcp_cache_verdict(entry(p, MCP_OK, 0, NOW - SEC(10)), dc,
                                     NOW, &desc), MCP_INVALID_TOKEN,
                   "expired");
    MCP_ASSERT_STR(desc, "the access token expired", "expired");
    MCP_ASSERT_INT(mcp_cache_verdict(entry(p, MCP_INSUFFICIENT_SCOPE,
                                           MCP_REASON_SCOPE, NOW + SEC(9)),
                                     dc, NOW, &desc),
                   MCP_INSUFFICIENT_SCOPE, "scope");
    MCP_ASSERT_STR(desc, "the access token lacks a required scope", "scope");
    MCP_ASSERT_INT(mcp_cache_verdict(entry(p, MCP_INVALID_TOKEN,
                                           MCP_REASON_AUDIENCE, NOW + SEC(9)),
                                     dc, NOW, &desc),
                   MCP_INVALID_TOKEN, "audience");
    MCP_ASSERT_STR(desc, "the access token was not issued for this resource",
                   "audience");
}

void mcp_test_add_cache_suite(void)
{
    CU_pSuite s = mcp_test_suite("cache");

    MCP_TEST(s, cache_id_depends_on_token_and_verifier);
    MCP_TEST(s, cache_flight_id_differs_from_verdict_id);
    MCP_TEST(s, cache_hmac_and_digest_match_known_vectors);
    MCP_TEST(s, cache_entry_round_trips);
    MCP_TEST(s, cache_entry_data_parses_without_its_tag);
    MCP_TEST(s, cache_entry_with_out_of_range_times_is_refused);
    MCP_TEST(s, cache_entry_rejects_other_secret_other_id_and_tampering);
    MCP_TEST(s, cache_entry_without_claims_encodes);
    MCP_TEST(s, cache_entry_too_large_is_refused);
    MCP_TEST(s, cache_ttl_follows_exp_and_configuration);
    MCP_TEST(s, cache_verdict_checks_expiry_again);
}

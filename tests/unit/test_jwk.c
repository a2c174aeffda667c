/* test_jwk.c: JWK Sets to public keys, and the choice of a key for a
 * token header (src/mcp_jwk.c). The sets are files of tests/data/jwt/,
 * written by tests/data/jwt/make-fixtures.mjs. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "mcp_jwk.h"
#include "mcp_test.h"

#define JWK_DATA "tests/data/jwt/"

/* Parse a set of tests/data/jwt/; NULL when it does not parse. */
static const mcp_jwks_t *load(apr_pool_t *p, const char *file, int *pskipped,
                              const char **perr)
{
    const char *path = apr_pstrcat(p, JWK_DATA, file, NULL);
    apr_size_t len;
    const char *json = mcp_test_read_file(p, path, &len);
    mcp_jwks_t *jwks = NULL;
    int skipped = -1;
    const char *err = NULL;

    if (!json) {
        return NULL;
    }
    if (mcp_jwks_parse(&jwks, p, json, len, &skipped, &err) != APR_SUCCESS) {
        jwks = NULL;
    }
    if (pskipped) {
        *pskipped = skipped;
    }
    if (perr) {
        *perr = err;
    }
    return jwks;
}

static int strcmp_p(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The kids of the loaded keys ("-" for none), sorted, space-separated:
 * the order of the keys is not part of the contract. */
static const char *kids(apr_pool_t *p, const mcp_jwks_t *jwks)
{
    apr_array_header_t *a = apr_array_make(p, 8, sizeof(const char *));
    const char *s = "";
    int i;

    for (i = 0; jwks->keys && i < jwks->keys->nelts; ++i) {
        const mcp_jwk_t *k = APR_ARRAY_IDX(jwks->keys, i, const mcp_jwk_t *);
        APR_ARRAY_PUSH(a, const char *) = k->kid ? k->kid : "-";
    }
    qsort(a->elts, a->nelts, sizeof(const char *), strcmp_p);
    for (i = 0; i < a->nelts; ++i) {
        s = apr_pstrcat(p, s, i ? " " : "", APR_ARRAY_IDX(a, i, const char *),
                        NULL);
    }
    return s;
}

static void jwks_sets_load_only_keys_that_verify_signatures(void)
{
    static const struct {
        const char *file;
        int ok;
        int skipped;
        const char *kids;       /* sorted */
    } cases[] = {
        { "jwks.json", 1, 0, "ec256 ec384 ec521 ed1 rsa1" },
        { "jwks-one.json", 1, 0, "rsa1" },
        /* rsa-priv, ec-priv, ed-priv have "d" */
        { "jwks-private.json", 1, 3, "ec256" },
        { "jwks-oct.json", 1, 1, "ed1" },
        { "jwks-rsa1024.json", 1, 1, "rsa1" },
        /* use "enc" skipped, no "use" at all is fine */
        { "jwks-use-enc.json", 1, 1, "ec256 ed-nouse" },
        /* kty XYZ, P-192, secp256k1, X25519, no kty */
        { "jwks-unknown.json", 1, 5, "rsa1" },
        /* '+', '/', "==", '*', ' ' in n; n a number; no e; '+' in x; no y;
         * a point off the curve; a short Ed25519 x */
        { "jwks-bad-b64.json", 1, 11, "ec256" },
        /* a kid may name several keys (of different kty, for instance) */
        { "jwks-dup-kid.json", 1, 0, "dup dup same same" },
        { "jwks-empty.json", 1, 0, "" },
        { "jwks-junk-entries.json", 1, 5, "ec256" },
        { "jwks-alg.json", 1, 0, "- ec256-noalg ec384 ed1 ps256-only "
                                 "rs256-only" },
        { "jwks-not-object.json", 0, 0, NULL },
        { "jwks-keys-not-array.json", 0, 0, NULL },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        int skipped;
        const char *err;
        const mcp_jwks_t *jwks = load(p, cases[i].file, &skipped, &err);

        if (!cases[i].ok) {
            mcp_test_assert(jwks == NULL, __LINE__, __FILE__,
                            "%s: want a failure", cases[i].file);
            mcp_test_assert(err != NULL, __LINE__, __FILE__,
                            "%s: want a reason", cases[i].file);
            continue;
        }
        mcp_test_assert(jwks != NULL, __LINE__, __FILE__,
                        "%s: want a JWK Set, got the error %s",
                        cases[i].file, err ? err : "NULL");
        if (!jwks) {
            continue;
        }
        MCP_ASSERT_STR(kids(p, jwks), cases[i].kids, cases[i].file);
        MCP_ASSERT_INT(skipped, cases[i].skipped,
                       apr_psprintf(p, "%s: skipped", cases[i].file));
    }
}

/* Documents that are not JWK Sets fail; a set with extra members or
 * whitespace around is one. */
static void jwks_parse_fails_only_for_documents_that_are_not_sets(void)
{
    static const struct {
        const char *json;
        int ok;
    } cases[] = {
        { "", 0 },
        { "null", 0 },
        { "true", 0 },
        { "42", 0 },
        { "\"keys\"", 0 },
        { "[]", 0 },
        { "{}", 0 },
        { "{\"keys\":null}", 0 },
        { "{\"keys\":{}}", 0 },
        { "{\"keys\":\"rsa1\"}", 0 },
        { "{\"Keys\":[]}", 0 },
        { "{\"keys\":[]", 0 },
        { "{\"keys\":[]} x", 0 },
        { "{\"keys\":[]}{}", 0 },
        { "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
          "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}", 0 },
        { "{\"keys\":[]}", 1 },
        { " {\"keys\" : [ ] }\n", 1 },
        { "{\"keys\":[],\"issuer\":\"https://as.example.com\"}", 1 },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        mcp_jwks_t *jwks = NULL;
        int skipped = -1;
        const char *err = NULL;
        apr_status_t rv = mcp_jwks_parse(&jwks, p, cases[i].json,
                                         strlen(cases[i].json), &skipped,
                                         &err);

        if (cases[i].ok) {
            mcp_test_assert(rv == APR_SUCCESS && jwks != NULL, __LINE__,
                            __FILE__, "'%s': want a set, got %d (%s)",
                            cases[i].json, rv, err ? err : "NULL");
            if (rv == APR_SUCCESS && jwks) {
                MCP_ASSERT_INT(jwks->keys ? jwks->keys->nelts : 0, 0,
                               cases[i].json);
                MCP_ASSERT_INT(skipped, 0, cases[i].json);
            }
        }
        else {
            mcp_test_assert(rv != APR_SUCCESS, __LINE__, __FILE__,
                            "'%s': want a failure", cases[i].json);
            mcp_test_assert(err != NULL, __LINE__, __FILE__,
                            "'%s': want a reason", cases[i].json);
        }
    }
}

/* len bounds the document: nothing after it is read. */
static void jwks_parse_reads_len_bytes_only(void)
{
    static const char doc[] = "{\"keys\":[]}, \"trailing\"";
    apr_pool_t *p = mcp_test_pool();
    mcp_jwks_t *jwks = NULL;
    int skipped = -1;
    const char *err = NULL;

    MCP_ASSERT_INT(mcp_jwks_parse(&jwks, p, doc, 11, &skipped, &err),
                   APR_SUCCESS, "the first 11 bytes");
    MCP_ASSERT_INT(mcp_jwks_parse(&jwks, p, doc, strlen(doc), &skipped,
                                  &err) == APR_SUCCESS, 0, "all bytes");
    MCP_ASSERT_INT(mcp_jwks_parse(&jwks, p, doc, 10, &skipped, &err)
                   == APR_SUCCESS, 0, "10 bytes");
}

static void jwks_keys_carry_kty_crv_alg_and_an_evp_key(void)
{
    static const struct {
        const char *kid, *kty, *crv, *alg, *evp;
        int bits;
    } cases[] = {
        { "rsa1", "RSA", NULL, NULL, "RSA", 2048 },
        { "ec256", "EC", "P-256", "ES256", "EC", 256 },
        { "ec384", "EC", "P-384", "ES384", "EC", 384 },
        { "ec521", "EC", "P-521", "ES512", "EC", 521 },
        { "ed1", "OKP", "Ed25519", "EdDSA", "ED25519", 256 },
    };
    apr_pool_t *p = mcp_test_pool();
    const mcp_jwks_t *jwks = load(p, "jwks.json", NULL, NULL);
    apr_size_t i;
    int j;

    CU_ASSERT_PTR_NOT_NULL_FATAL(jwks);
    MCP_ASSERT_INT(jwks->keys->nelts, MCP_NELTS(cases), "jwks.json keys");
    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const mcp_jwk_t *k = NULL;

        for (j = 0; j < jwks->keys->nelts; ++j) {
            const mcp_jwk_t *c = APR_ARRAY_IDX(jwks->keys, j,
                                               const mcp_jwk_t *);
            if (c->kid && !strcmp(c->kid, cases[i].kid)) {
                k = c;
            }
        }
        mcp_test_assert(k != NULL, __LINE__, __FILE__, "no key %s",
                        cases[i].kid);
        if (!k) {
            continue;
        }
        MCP_ASSERT_STR(k->kty, cases[i].kty, cases[i].kid);
        MCP_ASSERT_STR(k->crv, cases[i].crv, cases[i].kid);
        MCP_ASSERT_STR(k->alg, cases[i].alg, cases[i].kid);
        mcp_test_assert(k->pkey && EVP_PKEY_is_a(k->pkey, cases[i].evp),
                        __LINE__, __FILE__, "%s: want an %s EVP_PKEY",
                        cases[i].kid, cases[i].evp);
        if (k->pkey) {
            MCP_ASSERT_INT(EVP_PKEY_get_bits(k->pkey), cases[i].bits,
                           cases[i].kid);
        }
    }
}

/* "kid/kty/crv" of a key, "-" for an absent member */
static const char *key_id(apr_pool_t *p, const mcp_jwk_t *k)
{
    return k ? apr_pstrcat(p, k->kid ? k->kid : "-", "/", k->kty, "/",
                           k->crv ? k->crv : "-", NULL)
             : NULL;
}

static void jwks_find_matches_kid_kty_crv_and_key_alg(void)
{
    static const struct {
        const char *file, *kid, *alg;
        const char *want;       /* key_id() or NULL */
    } cases[] = {
        /* rsa1 has no alg: every RS and PS alg */
        { "jwks.json", "rsa1", "RS256", "rsa1/RSA/-" },
        { "jwks.json", "rsa1", "RS384", "rsa1/RSA/-" },
        { "jwks.json", "rsa1", "RS512", "rsa1/RSA/-" },
        { "jwks.json", "rsa1", "PS256", "rsa1/RSA/-" },
        { "jwks.json", "rsa1", "PS384", "rsa1/RSA/-" },
        { "jwks.json", "rsa1", "PS512", "rsa1/RSA/-" },
        /* but no other kty's alg, and no alg that is not one */
        { "jwks.json", "rsa1", "ES256", NULL },
        { "jwks.json", "rsa1", "EdDSA", NULL },
        { "jwks.json", "rsa1", "none", NULL },
        { "jwks.json", "rsa1", "HS256", NULL },
        { "jwks.json", "rsa1", "rs256", NULL },
        { "jwks.json", "rsa1", "", NULL },
        /* EC: the curve of the alg, and the key's alg */
        { "jwks.json", "ec256", "ES256", "ec256/EC/P-256" },
        { "jwks.json", "ec256", "ES384", NULL },
        { "jwks.json", "ec256", "ES512", NULL },
        { "jwks.json", "ec256", "RS256", NULL },
        { "jwks.json", "ec256", "EdDSA", NULL },
        { "jwks.json", "ec384", "ES384", "ec384/EC/P-384" },
        { "jwks.json", "ec384", "ES256", NULL },
        { "jwks.json", "ec521", "ES512", "ec521/EC/P-521" },
        { "jwks.json", "ec521", "ES384", NULL },
        { "jwks.json", "ed1", "EdDSA", "ed1/OKP/Ed25519" },
        { "jwks.json", "ed1", "ES256", NULL },
        { "jwks.json", "ed1", "RS256", NULL },
        /* kids are compared exactly */
        { "jwks.json", "rsa2", "RS256", NULL },
        { "jwks.json", "RSA1", "RS256", NULL },
        { "jwks.json", "rsa1 ", "RS256", NULL },
        { "jwks.json", "", "RS256", NULL },
        /* no kid: only a set of exactly one key */
        { "jwks.json", NULL, "RS256", NULL },
        { "jwks.json", NULL, "EdDSA", NULL },
        { "jwks-one.json", NULL, "RS256", "rsa1/RSA/-" },
        { "jwks-one.json", NULL, "PS512", "rsa1/RSA/-" },
        { "jwks-one.json", NULL, "ES256", NULL },
        { "jwks-one.json", "rsa1", "RS256", "rsa1/RSA/-" },
        { "jwks-one.json", "rsa2", "RS256", NULL },
        /* the key's own alg */
        { "jwks-alg.json", "rs256-only", "RS256", "rs256-only/RSA/-" },
        { "jwks-alg.json", "rs256-only", "RS384", NULL },
        { "jwks-alg.json", "rs256-only", "RS512", NULL },
        { "jwks-alg.json", "rs256-only", "PS256", NULL },
        { "jwks-alg.json", "ps256-only", "PS256", "ps256-only/RSA/-" },
        { "jwks-alg.json", "ps256-only", "RS256", NULL },
        { "jwks-alg.json", "ps256-only", "PS384", NULL },
        { "jwks-alg.json", "ec256-noalg", "ES256", "ec256-noalg/EC/P-256" },
        { "jwks-alg.json", "ec256-noalg", "ES384", NULL },
        { "jwks-alg.json", "ec256-noalg", "ES512", NULL },
        { "jwks-alg.json", "ec256-noalg", "RS256", NULL },
        { "jwks-alg.json", "ec256-noalg", "EdDSA", NULL },
        { "jwks-alg.json", "ed1", "EdDSA", "ed1/OKP/Ed25519" },
        { "jwks-alg.json", "ed1", "ES256", NULL },
        /* a key without kid is no key for a token without kid in a set of
         * several, nor for a token with one */
        { "jwks-alg.json", NULL, "ES512", NULL },
        { "jwks-alg.json", "x", "ES512", NULL },
        /* one kid, two kty */
        { "jwks-dup-kid.json", "dup", "RS256", "dup/RSA/-" },
        { "jwks-dup-kid.json", "dup", "PS384", "dup/RSA/-" },
        { "jwks-dup-kid.json", "dup", "ES256", "dup/EC/P-256" },
        { "jwks-dup-kid.json", "dup", "ES384", NULL },
        { "jwks-dup-kid.json", "dup", "EdDSA", NULL },
        { "jwks-dup-kid.json", "same", "RS256", "same/RSA/-" },
        /* an alg that contradicts the curve or kty: no match ever */
        { "jwks-alg-conflict.json", "ec384-as-es256", "ES256", NULL },
        { "jwks-alg-conflict.json", "ec384-as-es256", "ES384", NULL },
        { "jwks-alg-conflict.json", "ec256-as-es384", "ES384", NULL },
        { "jwks-alg-conflict.json", "ec256-as-es384", "ES256", NULL },
        { "jwks-alg-conflict.json", "rsa-as-es256", "ES256", NULL },
        { "jwks-alg-conflict.json", "rsa-as-es256", "RS256", NULL },
        { "jwks-alg-conflict.json", "ed-as-rs256", "RS256", NULL },
        { "jwks-alg-conflict.json", "ed-as-rs256", "EdDSA", NULL },
        /* skipped keys are not found */
        { "jwks-use-enc.json", "rsa-enc", "RS256", NULL },
        { "jwks-use-enc.json", "ed-nouse", "EdDSA", "ed-nouse/OKP/Ed25519" },
        { "jwks-rsa1024.json", "rsa-small", "RS256", NULL },
        { "jwks-private.json", "rsa-priv", "RS256", NULL },
        { "jwks-private.json", "ec-priv", "ES256", NULL },
        { "jwks-oct.json", "hmac", "HS256", NULL },
        { "jwks-bad-b64.json", "n-padded", "RS256", NULL },
        { "jwks-bad-b64.json", "n-plus", "RS256", NULL },
        { "jwks-bad-b64.json", "off-curve", "ES256", NULL },
        { "jwks-unknown.json", "crv-secp256k1", "ES256", NULL },
        { "jwks-empty.json", NULL, "RS256", NULL },
        { "jwks-empty.json", "rsa1", "RS256", NULL },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const char *ctx = apr_psprintf(p, "%s, kid %s, alg %s", cases[i].file,
                                       cases[i].kid ? cases[i].kid : "NULL",
                                       cases[i].alg);
        const mcp_jwks_t *jwks = load(p, cases[i].file, NULL, NULL);

        mcp_test_assert(jwks != NULL, __LINE__, __FILE__, "%s: no set", ctx);
        if (!jwks) {
            continue;
        }
        MCP_ASSERT_STR(key_id(p, mcp_jwks_find(jwks, cases[i].kid,
                                               cases[i].alg)),
                       cases[i].want, ctx);
    }
}

/* A token without kid and an alg that fits no key of the one-key set. */
static void jwks_find_without_kid_needs_exactly_one_key(void)
{
    apr_pool_t *p = mcp_test_pool();
    const mcp_jwks_t *one = load(p, "jwks-one.json", NULL, NULL);
    const mcp_jwks_t *empty = load(p, "jwks-empty.json", NULL, NULL);
    const mcp_jwks_t *five = load(p, "jwks.json", NULL, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    CU_ASSERT_PTR_NOT_NULL_FATAL(empty);
    CU_ASSERT_PTR_NOT_NULL_FATAL(five);
    MCP_ASSERT_INT(one->keys->nelts, 1, "jwks-one.json");
    CU_ASSERT_PTR_EQUAL(mcp_jwks_find(one, NULL, "RS256"),
                        APR_ARRAY_IDX(one->keys, 0, const mcp_jwk_t *));
    CU_ASSERT_PTR_NULL(mcp_jwks_find(one, NULL, "EdDSA"));
    CU_ASSERT_PTR_NULL(mcp_jwks_find(empty, NULL, "RS256"));
    CU_ASSERT_PTR_NULL(mcp_jwks_find(five, NULL, "RS256"));
}

void mcp_test_add_jwk_suite(void)
{
    CU_pSuite s = mcp_test_suite("jwk");

    MCP_TEST(s, jwks_sets_load_only_keys_that_verify_signatures);
    MCP_TEST(s, jwks_parse_fails_only_for_documents_that_are_not_sets);
    MCP_TEST(s, jwks_parse_reads_len_bytes_only);
    MCP_TEST(s, jwks_keys_carry_kty_crv_alg_and_an_evp_key);
    MCP_TEST(s, jwks_find_matches_kid_kty_crv_and_key_alg);
    MCP_TEST(s, jwks_find_without_kid_needs_exactly_one_key);
}

/* mcp_jwk.c: JWK Sets to OpenSSL 3 public keys (EVP_PKEY, owned by the
 * pool). Only what can verify a signature here is loaded. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "mcp_json.h"
#include "mcp_jwk.h"
#include "mcp_util.h"

#define MAX_KEYS      64
#define MIN_RSA_BITS  2048

static apr_status_t pkey_cleanup(void *data)
{
    EVP_PKEY_free(data);
    return APR_SUCCESS;
}

static const char *str_member(const cJSON *o, const char *name)
{
    const cJSON *m = mcp_json_get(o, name);

    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* A base64url member, decoded; NULL when absent or badly encoded. */
static unsigned char *b64_member(apr_pool_t *p, const cJSON *o,
                                 const char *name, apr_size_t *plen)
{
    const char *s = str_member(o, name);

    return s ? mcp_b64url_decode(p, s, strlen(s), plen) : NULL;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pkey = NULL;

    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

static EVP_PKEY *rsa_key(apr_pool_t *p, const cJSON *k)
{
    apr_size_t nlen = 0, elen = 0;
    unsigned char *n = b64_member(p, k, "n", &nlen);
    unsigned char *e = b64_member(p, k, "e", &elen);
    OSSL_PARAM_BLD *bld = NULL;
    BIGNUM *bn = NULL, *be = NULL;
    EVP_PKEY *pkey = NULL;

    if (!n || !e || nlen == 0 || elen == 0 || elen > 8 || n[0] == 0) {
        return NULL;
    }
    bn = BN_bin2bn(n, (int)nlen, NULL);
    be = BN_bin2bn(e, (int)elen, NULL);
    bld = OSSL_PARAM_BLD_new();
    if (bn && be && bld && BN_num_bits(bn) >= MIN_RSA_BITS
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be)) {
        pkey = from_params("RSA", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    return pkey;
}

static EVP_PKEY *ec_key(apr_pool_t *p, const cJSON *k, const char *crv)
{
    static const struct {
        const char *crv, *group;
        apr_size_t size;
    } curves[] = {
        { "P-256", "prime256v1", 32 },
        { "P-384", "secp384r1", 48 },
        { "P-521", "secp521r1", 66 },
    };
    apr_size_t xlen = 0, ylen = 0, i;
    unsigned char *x = b64_member(p, k, "x", &xlen);
    unsigned char *y = b64_member(p, k, "y", &ylen);
    unsigned char *point;
    OSSL_PARAM_BLD *bld;
    EVP_PKEY_CTX *check;
    EVP_PKEY *pkey = NULL;

    for (i = 0; i < 3 && strcmp(crv, curves[i].crv); ++i) {
    }
    if (i == 3 || !x || !y || xlen != curves[i].size
        || ylen != curves[i].size) {
        return NULL;
    }
    /* uncompressed point: 04 || x || y */
    point = apr_palloc(p, 1 + 2 * xlen);
    point[0] = 0x04;
    memcpy(point + 1, x, xlen);
    memcpy(point + 1 + xlen, y, ylen);
    if ((bld = OSSL_PARAM_BLD_new()) != NULL
        && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                           curves[i].group, 0)
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                            point, 1 + 2 * xlen)) {
        pkey = from_params("EC", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    /* the point must lie on the curve */
    check = pkey ? EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL) : NULL;
    if (pkey && (!check || EVP_PKEY_public_check(check) != 1)) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    EVP_PKEY_CTX_free(check);
    return pkey;
}

static EVP_PKEY *okp_key(apr_pool_t *p, const cJSON *k, const char *crv)
{
    apr_size_t xlen = 0;
    unsigned char *x = b64_member(p, k, "x", &xlen);

    if (strcmp(crv, "Ed25519") || !x || xlen != 32) {
        return NULL;
    }
    return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, xlen);
}

/* One JWK, or NULL when it cannot verify signatures here. */
static mcp_jwk_t *load_key(apr_pool_t *p, const cJSON *k)
{
    const char *kty = str_member(k, "kty"), *use = str_member(k, "use");
    const char *crv = str_member(k, "crv");
    const cJSON *ops = mcp_json_get(k, "key_ops"), *op;
    mcp_jwk_t *jwk;
    EVP_PKEY *pkey = NULL;
    int verify = !ops;

    if (!cJSON_IsObject(k) || !kty || mcp_json_get(k, "d")
        || (use && strcmp(use, "sig"))) {
        return NULL;          /* private, not for signatures, or nonsense */
    }
    cJSON_ArrayForEach(op, ops) {
        verify |= cJSON_IsString(op) && !strcmp(op->valuestring, "verify");
    }
    if (!verify) {
        return NULL;
    }
    if (!strcmp(kty, "RSA")) {
        pkey = rsa_key(p, k);
        crv = NULL;
    }
    else if (!strcmp(kty, "EC") && crv) {
        pkey = ec_key(p, k, crv);
    }
    else if (!strcmp(kty, "OKP") && crv) {
        pkey = okp_key(p, k, crv);
    }
    if (!pkey) {
        return NULL;
    }
    apr_pool_cleanup_register(p, pkey, pkey_cleanup, apr_pool_cleanup_null);
    jwk = apr_pcalloc(p, sizeof(*jwk));
    jwk->kid = str_member(k, "kid") ? apr_pstrdup(p, str_member(k, "kid"))
                                    : NULL;
    jwk->kty = apr_pstrdup(p, kty);
    jwk->crv = crv ? apr_pstrdup(p, crv) : NULL;
    jwk->alg = str_member(k, "alg") ? apr_pstrdup(p, str_member(k, "alg"))
                                    : NULL;
    jwk->pkey = pkey;
    return jwk;
}

apr_status_t mcp_jwks_parse(mcp_jwks_t **pjwks, apr_pool_t *p,
                            const char *json, apr_size_t len, int *pskipped,
                            const char **perr)
{
    const cJSON *doc, *keys, *k;
    mcp_jwks_t *jwks;
    int n = 0;

    *pjwks = NULL;
    *pskipped = 0;
    doc = mcp_json_parse(p, json, len, MCP_MAX_JSON_DEPTH, perr);
    if (!doc) {
        return APR_EGENERAL;
    }
    keys = mcp_json_get(doc, "keys");
    if (!cJSON_IsObject(doc) || !cJSON_IsArray(keys)) {
        *perr = "not a JWK Set (no \"keys\" array)";
        return APR_EGENERAL;
    }
    ERR_clear_error();
    jwks = apr_pcalloc(p, sizeof(*jwks));
    jwks->keys = apr_array_make(p, 4, sizeof(const mcp_jwk_t *));
    cJSON_ArrayForEach(k, keys) {
        const mcp_jwk_t *jwk = ++n <= MAX_KEYS ? load_key(p, k) : NULL;
        if (jwk) {
            APR_ARRAY_PUSH(jwks->keys, const mcp_jwk_t *) = jwk;
        }
        else {
            ++*pskipped;
        }
    }
    ERR_clear_error();          /* leave no stale errors to mod_ssl */
    *pjwks = jwks;
    return APR_SUCCESS;
}

/* The kty and crv an algorithm needs. */
static int alg_fits(const mcp_jwk_t *k, const char *alg)
{
    if (!strncmp(alg, "RS", 2) || !strncmp(alg, "PS", 2)) {
        return !strcmp(k->kty, "RSA");
    }
    if (!strcmp(alg, "ES256")) {
        return !strcmp(k->kty, "EC") && !strcmp(k->crv, "P-256");
    }
    if (!strcmp(alg, "ES384")) {
        return !strcmp(k->kty, "EC") && !strcmp(k->crv, "P-384");
    }
    if (!strcmp(alg, "ES512")) {
        return !strcmp(k->kty, "EC") && !strcmp(k->crv, "P-521");
    }
    if (!strcmp(alg, "EdDSA")) {
        return !strcmp(k->kty, "OKP") && !strcmp(k->crv, "Ed25519");
    }
    return 0;
}

int mcp_jwks_has_kid(const mcp_jwks_t *jwks, const char *kid)
{
    int i;

    if (!jwks) {
        return 0;
    }
    if (!kid) {
        return jwks->keys->nelts == 1;
    }
    for (i = 0; i < jwks->keys->nelts; ++i) {
        const mcp_jwk_t *k = APR_ARRAY_IDX(jwks->keys, i, const mcp_jwk_t *);
        if (k->kid && !strcmp(k->kid, kid)) {
            return 1;
        }
    }
    return 0;
}

const mcp_jwk_t *mcp_jwks_find(const mcp_jwks_t *jwks, const char *kid,
                               const char *alg)
{
    int i;

    if (!jwks || !alg || (!kid && jwks->keys->nelts != 1)) {
        return NULL;
    }
    for (i = 0; i < jwks->keys->nelts; ++i) {
        const mcp_jwk_t *k = APR_ARRAY_IDX(jwks->keys, i, const mcp_jwk_t *);
        if ((!kid || (k->kid && !strcmp(k->kid, kid))) && alg_fits(k, alg)
            && (!k->alg || !strcmp(k->alg, alg))) {
            return k;
        }
    }
    return NULL;
}

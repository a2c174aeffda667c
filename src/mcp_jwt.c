/* mcp_jwt.c: JWS compact parsing and verification (RFC 7515, 7518, 8037)
 * and RFC 9068 access-token claims. */
#include <math.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "mcp_claims.h"
#include "mcp_jwt.h"
#include "mcp_util.h"

#define MAX_AUD 64

typedef enum { PKCS1, PSS, ECDSA, EDDSA } sig_kind_e;

static const struct alg_t {
    const char *name;
    unsigned bit;
    sig_kind_e kind;
    const char *md;           /* NULL for EdDSA */
    apr_size_t coord;         /* ECDSA: bytes of r and of s */
} ALGS[] = {
    { "RS256", MCP_ALG_RS256, PKCS1, "SHA256", 0 },
    { "RS384", MCP_ALG_RS384, PKCS1, "SHA384", 0 },
    { "RS512", MCP_ALG_RS512, PKCS1, "SHA512", 0 },
    { "PS256", MCP_ALG_PS256, PSS, "SHA256", 0 },
    { "PS384", MCP_ALG_PS384, PSS, "SHA384", 0 },
    { "PS512", MCP_ALG_PS512, PSS, "SHA512", 0 },
    { "ES256", MCP_ALG_ES256, ECDSA, "SHA256", 32 },
    { "ES384", MCP_ALG_ES384, ECDSA, "SHA384", 48 },
    { "ES512", MCP_ALG_ES512, ECDSA, "SHA512", 66 },
    { "EdDSA", MCP_ALG_EDDSA, EDDSA, NULL, 0 },
};

static const struct alg_t *find_alg(const char *name)
{
    apr_size_t i;

    for (i = 0; name && i < sizeof(ALGS) / sizeof(ALGS[0]); ++i) {
        if (!strcmp(ALGS[i].name, name)) {
            return &ALGS[i];
        }
    }
    return NULL;
}

unsigned mcp_jwt_alg_bit(const char *name)
{
    const struct alg_t *a = find_alg(name);

    return a ? a->bit : 0;
}

static int is_b64url(int c)
{
    return apr_isalnum(c) || c == '-' || c == '_';
}

int mcp_jwt_looks_like(const char *token)
{
    int dots = 0, seglen = 0;

    for (; token && *token; ++token) {
        if (*token == '.') {
            if (seglen == 0 && dots < 2) {
                return 0;     /* empty header or payload */
            }
            ++dots;
            seglen = 0;
        }
        else if (!is_b64url(*token)) {
            return 0;
        }
        else {
            ++seglen;
        }
    }
    return dots == 2;
}

/* One segment as a JSON object. */
static const cJSON *json_segment(apr_pool_t *p, const char *s, apr_size_t n,
                                 const char **perr)
{
    apr_size_t len;
    unsigned char *raw = mcp_b64url_decode(p, s, n, &len);
    const cJSON *j;

    if (!raw) {
        *perr = "a segment is not canonical base64url";
        return NULL;
    }
    j = mcp_json_parse(p, (const char *)raw, len, MCP_MAX_JSON_DEPTH, perr);
    if (j && !cJSON_IsObject(j)) {
        *perr = "a segment is not a JSON object";
        return NULL;
    }
    return j;
}

static const char *opt_string(const cJSON *o, const char *name, int *bad)
{
    const cJSON *m = mcp_json_get(o, name);

    if (!m) {
        return NULL;
    }
    if (!cJSON_IsString(m)) {
        *bad = 1;
        return NULL;
    }
    return m->valuestring;
}

apr_status_t mcp_jwt_parse(mcp_jwt_t **pjwt, apr_pool_t *p, const char *token,
                           apr_size_t max_len, const char **perr)
{
    const char *dot1, *dot2;
    mcp_jwt_t *jwt;
    int bad = 0;

    *pjwt = NULL;
    if (!token || strlen(token) > max_len) {
        *perr = "token too long";
        return APR_EGENERAL;
    }
    dot1 = strchr(token, '.');
    dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot2 || strchr(dot2 + 1, '.')) {
        *perr = "not three segments";
        return APR_EGENERAL;
    }
    jwt = apr_pcalloc(p, sizeof(*jwt));
    if (!(jwt->header = json_segment(p, token, dot1 - token, perr))
        || !(jwt->payload = json_segment(p, dot1 + 1, dot2 - dot1 - 1,
                                         perr))) {
        return APR_EGENERAL;
    }
    jwt->sig = mcp_b64url_decode(p, dot2 + 1, strlen(dot2 + 1),
                                 &jwt->sig_len);
    if (!jwt->sig || jwt->sig_len == 0) {
        *perr = "no signature, or one that is not canonical base64url";
        return APR_EGENERAL;
    }
    jwt->alg = opt_string(jwt->header, "alg", &bad);
    jwt->kid = opt_string(jwt->header, "kid", &bad);
    jwt->typ = opt_string(jwt->header, "typ", &bad);
    if (bad || !jwt->alg) {
        *perr = "header without a string alg, or with a non-string kid/typ";
        return APR_EGENERAL;
    }
    /* RFC 7515 4.1.11: extensions we do not implement must be refused */
    if (mcp_json_get(jwt->header, "crit")) {
        *perr = "header has crit extensions";
        return APR_EGENERAL;
    }
    jwt->signing_input = token;
    jwt->signing_input_len = dot2 - token;
    *pjwt = jwt;
    return APR_SUCCESS;
}

/* JOSE ECDSA signatures are r || s; OpenSSL verifies DER. r and s must
 * lie in [1, n-1]. */
static unsigned char *ecdsa_der(apr_pool_t *p, const mcp_jwt_t *jwt,
                                const struct alg_t *a, EVP_PKEY *pkey,
                                apr_size_t *plen)
{
    BIGNUM *r = NULL, *s = NULL, *order = NULL;
    ECDSA_SIG *es = NULL;
    unsigned char *der = NULL, *out = NULL;
    char group[32];
    int len;

    if (jwt->sig_len != 2 * a->coord
        || !EVP_PKEY_get_utf8_string_param(pkey, "group", group,
                                           sizeof(group), NULL)) {
        return NULL;
    }
    r = BN_bin2bn(jwt->sig, (int)a->coord, NULL);
    s = BN_bin2bn(jwt->sig + a->coord, (int)a->coord, NULL);
    order = BN_new();
    if (!r || !s || !order
        || !EVP_PKEY_get_bn_param(pkey, "order", &order)
        || BN_is_zero(r) || BN_is_zero(s) || BN_cmp(r, order) >= 0
        || BN_cmp(s, order) >= 0 || !(es = ECDSA_SIG_new())
        || !ECDSA_SIG_set0(es, r, s)) {
        goto leave;
    }
    r = s = NULL;                     /* owned by es now */
    if ((len = i2d_ECDSA_SIG(es, &der)) > 0) {
        out = apr_pmemdup(p, der, len);
        *plen = (apr_size_t)len;
    }
leave:
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
    BN_free(r);
    BN_free(s);
    BN_free(order);
    return out;
}

apr_status_t mcp_jwt_verify(const mcp_jwt_t *jwt, const mcp_jwks_t *jwks,
                            unsigned allowed_algs, const char **perr)
{
    const struct alg_t *a = find_alg(jwt->alg);
    const mcp_jwk_t *key;
    const unsigned char *sig = jwt->sig;
    apr_size_t sig_len = jwt->sig_len;
    EVP_MD_CTX *md = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    apr_pool_t *p;
    apr_status_t rv = APR_EGENERAL;

    if (!a || !(a->bit & allowed_algs)) {
        *perr = "algorithm not allowed";
        return APR_EGENERAL;
    }
    if (!(key = mcp_jwks_find(jwks, jwt->kid, jwt->alg))) {
        /* a known kid on a key of another kind is not a stale key set */
        *perr = "no key for this kid and alg";
        return jwt->kid && mcp_jwks_has_kid(jwks, jwt->kid) ? APR_EGENERAL
                                                            : APR_NOTFOUND;
    }
    apr_pool_create(&p, NULL);
    ERR_clear_error();
    if (a->kind == ECDSA
        && !(sig = ecdsa_der(p, jwt, a, key->pkey, &sig_len))) {
        *perr = "ECDSA signature not r || s of the curve's size in range";
        goto leave;
    }
    if (!(md = EVP_MD_CTX_new())
        || EVP_DigestVerifyInit_ex(md, &pctx, a->md, NULL, NULL, key->pkey,
                                   NULL) != 1) {
        *perr = "cannot set up the verification";
        goto leave;
    }
    if (a->kind == PSS
        && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST)
               != 1)) {
        *perr = "cannot set up PSS";
        goto leave;
    }
    if (EVP_DigestVerify(md, sig, sig_len,
                         (const unsigned char *)jwt->signing_input,
                         jwt->signing_input_len) != 1) {
        *perr = "bad signature";
        goto leave;
    }
    rv = APR_SUCCESS;
leave:
    EVP_MD_CTX_free(md);        /* frees pctx too */
    ERR_clear_error();
    apr_pool_destroy(p);
    return rv;
}

/* A NumericDate claim: MCP_TIME_ABSENT, or -2 when not a number. */
static apr_time_t date_claim(const cJSON *o, const char *name)
{
    const cJSON *m = mcp_json_get(o, name);

    if (!m) {
        return MCP_TIME_ABSENT;
    }
    if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble)
        || m->valuedouble < 0 || m->valuedouble > 253402300799.0) {
        return -2;
    }
    return (apr_time_t)(m->valuedouble * APR_USEC_PER_SEC);
}

/* A string or an array of strings, into arr; 0 for anything else. */
static int strings(apr_pool_t *p, const cJSON *m, apr_array_header_t **arr,
                   int split_spaces)
{
    const cJSON *e;

    if (cJSON_IsString(m)) {
        *arr = split_spaces ? mcp_scopes_parse(p, m->valuestring)
                            : apr_array_make(p, 1, sizeof(const char *));
        if (!split_spaces) {
            APR_ARRAY_PUSH(*arr, const char *) = m->valuestring;
        }
        return 1;
    }
    if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) > MAX_AUD) {
        return 0;
    }
    *arr = apr_array_make(p, 4, sizeof(const char *));
    cJSON_ArrayForEach(e, m) {
        if (!cJSON_IsString(e)) {
            return 0;
        }
        APR_ARRAY_PUSH(*arr, const char *) = e->valuestring;
    }
    return 1;
}

static int typ_is_access_token(const char *typ)
{
    return typ && (!strcasecmp(typ, "at+jwt")
                   || !strcasecmp(typ, "application/at+jwt"));
}

/* What real providers put in typ of their access tokens: Keycloak and
 * Entra ID "JWT", Okta its own media type, some none at all. Issuer,
 * audience and signature already keep ID tokens and tokens for other
 * APIs out; other JWT kinds (DPoP proofs, logout and event tokens) are
 * still refused. */
static int typ_is_lenient_access_token(const char *typ)
{
    return !typ || typ_is_access_token(typ) || !strcasecmp(typ, "JWT")
           || !strcasecmp(typ, "application/jwt")
           || !strcasecmp(typ, "application/okta-internal-at+jwt");
}

apr_status_t mcp_jwt_claims(mcp_claims_t **pclaims, apr_pool_t *p,
                            const mcp_jwt_t *jwt, int strict_typ,
                            apr_time_t now, apr_interval_time_t skew,
                            const char **pdesc)
{
    const cJSON *pl = jwt->payload, *aud, *scope, *scp;
    mcp_claims_t *c = mcp_claims_create(p);
    int bad = 0;

    c->raw = pl;
    c->via = MCP_VIA_JWT;
    *pclaims = NULL;
    *pdesc = mcp_reason_text(MCP_REASON_MALFORMED);
    if (strict_typ ? !typ_is_access_token(jwt->typ)
                   : !typ_is_lenient_access_token(jwt->typ)) {
        *pdesc = mcp_reason_text(MCP_REASON_JWT_TYPE);
        return APR_EGENERAL;
    }
    c->active = 1;
    c->iss = opt_string(pl, "iss", &bad);
    c->sub = opt_string(pl, "sub", &bad);
    c->client_id = opt_string(pl, "client_id", &bad);
    if (!c->client_id) {
        c->client_id = opt_string(pl, "azp", &bad);
    }
    if (!c->client_id) {
        c->client_id = opt_string(pl, "cid", &bad);      /* Okta */
    }
    c->exp = date_claim(pl, "exp");
    c->nbf = date_claim(pl, "nbf");
    c->iat = date_claim(pl, "iat");
    aud = mcp_json_get(pl, "aud");
    scope = mcp_json_get(pl, "scope");
    scp = mcp_json_get(pl, "scp");
    if (bad || c->exp == -2 || c->nbf == -2 || c->iat == -2
        || (aud && !strings(p, aud, &c->aud, 0))
        || (scope && (!cJSON_IsString(scope)
                      || !strings(p, scope, &c->scopes, 1)))
        || (!scope && scp && !strings(p, scp, &c->scopes, 1))) {
        return APR_EGENERAL;
    }
    if (!c->scopes) {
        c->scopes = apr_array_make(p, 1, sizeof(const char *));
    }
    if (!c->iss) {
        *pdesc = mcp_reason_text(MCP_REASON_ISSUER);
        return APR_EGENERAL;
    }
    if (c->exp == MCP_TIME_ABSENT) {
        *pdesc = mcp_reason_text(MCP_REASON_NO_EXPIRY);
        return APR_EGENERAL;
    }
    if (c->iat != MCP_TIME_ABSENT && c->iat > now + skew) {
        *pdesc = mcp_reason_text(MCP_REASON_NOT_YET_VALID);
        return APR_EGENERAL;
    }
    *pdesc = NULL;
    *pclaims = c;
    return APR_SUCCESS;
}

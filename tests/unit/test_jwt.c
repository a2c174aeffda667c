/* test_jwt.c: JWT access tokens: parsing, signature verification and
 * claims (src/mcp_jwt.c), then mcp_claims_check. The tokens, key sets and
 * the expectation for each token (manifest.json) are files of
 * tests/data/jwt/, written by tests/data/jwt/make-fixtures.mjs. */
#include <string.h>

#include <apr_base64.h>
#include <apr_strings.h>

#include "mcp_claims.h"
#include "mcp_jwt.h"
#include "mcp_test.h"
#include "mcp_util.h"

#define JWT_DATA    "tests/data/jwt/"
#define NOW         apr_time_from_sec(1700000100)
#define SKEW        apr_time_from_sec(30)
#define SEC(n)      apr_time_from_sec(n)
#define MAX_LEN     8192

#define RESOURCE    "https://mcp.example.com/mcp"
#define ISSUER      "https://as.example.com"

#define D_MALFORMED "the access token is malformed"
#define D_SIGNATURE "the access token signature is not valid"
#define D_JWT_TYPE  "the access token is not a JWT access token"
#define D_NO_EXPIRY "the access token has no expiry"
#define D_EXPIRED   "the access token expired"
#define D_NOTYET    "the access token is not valid yet"
#define D_ISSUER    "the access token was issued by an unexpected issuer"
#define D_AUD       "the access token was not issued for this resource"
#define D_SCOPE     "the access token lacks a required scope"

/* resource https://mcp.example.com/mcp, issuer https://as.example.com,
 * required scope mcp:tools, default skew (30 s) */
static const mcp_dir_conf_t *conf(apr_pool_t *p)
{
    mcp_dir_conf_t *dc = mcp_dir_conf_create(p);

    dc->resource = RESOURCE;
    dc->issuers = mcp_test_strings(p, ISSUER, NULL);
    dc->required_scopes = mcp_test_strings(p, "mcp:tools", NULL);
    return mcp_dir_conf_merge(p, mcp_dir_conf_create(p), dc);
}

static const char *data_file(apr_pool_t *p, const char *file)
{
    return mcp_test_read_file(p, apr_pstrcat(p, JWT_DATA, file, NULL), NULL);
}

/* The token tests/data/jwt/<name>.jwt */
static const char *token(apr_pool_t *p, const char *name)
{
    return data_file(p, apr_pstrcat(p, name, ".jwt", NULL));
}

static const mcp_jwks_t *jwks_file(apr_pool_t *p, const char *file)
{
    const char *json = data_file(p, file);
    mcp_jwks_t *jwks = NULL;
    const char *err = NULL;
    int skipped;

    if (!json
        || mcp_jwks_parse(&jwks, p, json, strlen(json), &skipped, &err)
           != APR_SUCCESS) {
        mcp_test_assert(0, __LINE__, __FILE__, "%s: %s", file,
                        err ? err : "unreadable");
        return NULL;
    }
    return jwks;
}

/* Parse a token file that must parse. */
static const mcp_jwt_t *parsed(apr_pool_t *p, const char *name)
{
    const char *t = token(p, name);
    mcp_jwt_t *jwt = NULL;
    const char *err = NULL;

    if (!t || mcp_jwt_parse(&jwt, p, t, MAX_LEN, &err) != APR_SUCCESS) {
        mcp_test_assert(0, __LINE__, __FILE__, "%s: does not parse: %s",
                        name, err ? err : "unreadable");
        return NULL;
    }
    return jwt;
}

/* The claims of a token file that must parse and verify with jwks.json. */
static mcp_claims_t *claims_of(apr_pool_t *p, const char *name, int strict,
                               const char **pdesc)
{
    const mcp_jwt_t *jwt = parsed(p, name);
    const mcp_jwks_t *jwks = jwks_file(p, "jwks.json");
    mcp_claims_t *c = NULL;
    const char *err = NULL;

    *pdesc = "not reached";
    if (!jwt || !jwks) {
        return NULL;
    }
    if (mcp_jwt_verify(jwt, jwks, MCP_ALGS_ALL, &err) != APR_SUCCESS) {
        mcp_test_assert(0, __LINE__, __FILE__, "%s: does not verify: %s",
                        name, err ? err : "NULL");
        return NULL;
    }
    *pdesc = NULL;
    if (mcp_jwt_claims(&c, p, jwt, strict, NOW, SKEW, pdesc)
        != APR_SUCCESS) {
        return NULL;
    }
    return c;
}

static void jwt_alg_bit_knows_the_ten_algorithms_and_nothing_else(void)
{
    static const struct {
        const char *name;
        unsigned bit;
    } cases[] = {
        { "RS256", MCP_ALG_RS256 }, { "RS384", MCP_ALG_RS384 },
        { "RS512", MCP_ALG_RS512 }, { "PS256", MCP_ALG_PS256 },
        { "PS384", MCP_ALG_PS384 }, { "PS512", MCP_ALG_PS512 },
        { "ES256", MCP_ALG_ES256 }, { "ES384", MCP_ALG_ES384 },
        { "ES512", MCP_ALG_ES512 }, { "EdDSA", MCP_ALG_EDDSA },
        { "none", 0 }, { "None", 0 }, { "NONE", 0 }, { "nOnE", 0 },
        { "HS256", 0 }, { "HS384", 0 }, { "HS512", 0 },
        { "rs256", 0 }, { "Rs256", 0 }, { "EDDSA", 0 }, { "eddsa", 0 },
        { "Ed25519", 0 }, { "ES256K", 0 }, { "RS1", 0 }, { "RS", 0 },
        { "RS256 ", 0 }, { " RS256", 0 }, { "RS2560", 0 }, { "RS25", 0 },
        { "PS256\n", 0 }, { "RSA-OAEP", 0 }, { "dir", 0 }, { "", 0 },
        { NULL, 0 },
    };
    unsigned all = 0;
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        unsigned bit = mcp_jwt_alg_bit(cases[i].name);

        MCP_ASSERT_INT(bit, cases[i].bit,
                       cases[i].name ? cases[i].name : "NULL");
        mcp_test_assert(!(all & bit), __LINE__, __FILE__,
                        "%s: bit 0x%x seen before", cases[i].name, bit);
        all |= bit;
    }
    MCP_ASSERT_INT(all, MCP_ALGS_ALL, "the ten bits make MCP_ALGS_ALL");
}

static void jwt_looks_like_three_base64url_segments(void)
{
    static const struct {
        const char *token;
        int want;
    } cases[] = {
        { "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", 1 },
        { "a.b.c", 1 },
        { "A-_z.09.xY", 1 },
        { "", 0 },
        { "2YotnFZFEjr1zCsicMWpAA", 0 },
        { "a.b", 0 },
        { "a.b.c.d", 0 },
        { "a.b.c.d.e", 0 },
        { "a+b.c.d", 0 },
        { "a/b.c.d", 0 },
        { "a.b.c=", 0 },
        { "a.b.c ", 0 },
        { "a b.c.d", 0 },
        { "a.b*.c", 0 },
        { "a.b.c\n", 0 },
        { "mF_9.B5f-4.1JqM~", 0 },
    };
    apr_pool_t *p = mcp_test_pool();
    static const char *const files[] = { "rs256", "es512", "eddsa" };
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        MCP_ASSERT_INT(mcp_jwt_looks_like(cases[i].token), cases[i].want,
                       apr_psprintf(p, "'%s'", cases[i].token));
    }
    for (i = 0; i < MCP_NELTS(files); ++i) {
        const char *t = token(p, files[i]);

        MCP_ASSERT_INT(t && mcp_jwt_looks_like(t), 1, files[i]);
    }
}

/* What a token of the manifest must give, in order: parse, verify,
 * claims (strict typ), mcp_claims_check. */
typedef struct {
    const char *name, *about, *file, *jwks;
    apr_size_t max_len;
    const char *parse, *verify, *claims, *check;
    const char *desc;
    int has_lax;
    const char *lax_desc;
} row_t;

static const char *member_str(const cJSON *o, const char *name)
{
    const cJSON *m = mcp_json_get(o, name);

    return cJSON_IsString(m) ? m->valuestring : NULL;
}

static int stage_ok(const char *want, int ok, const char *ctx)
{
    if (!want) {
        mcp_test_assert(0, __LINE__, __FILE__, "%s: the manifest says "
                        "nothing of this stage", ctx);
    }
    else if (!strcmp(want, "ok")) {
        mcp_test_assert(ok, __LINE__, __FILE__, "%s: want success", ctx);
    }
    else if (!strcmp(want, "fail")) {
        mcp_test_assert(!ok, __LINE__, __FILE__, "%s: want a failure", ctx);
    }
    else {
        mcp_test_assert(!strcmp(want, "either"), __LINE__, __FILE__,
                        "%s: unknown expectation %s", ctx, want);
    }
    return ok;
}

/* Claims with strict or lax typ, then mcp_claims_check: the final
 * description (NULL when accepted). */
static const char *claims_and_check(apr_pool_t *p, const row_t *r,
                                    const mcp_jwt_t *jwt, int strict,
                                    const mcp_dir_conf_t *dc)
{
    const char *ctx = apr_psprintf(p, "%s (%s): claims, %s typ", r->name,
                                   r->about, strict ? "strict" : "lax");
    mcp_claims_t *c = NULL;
    const char *desc = "unset";
    apr_status_t rv;
    mcp_verdict_e v;

    rv = mcp_jwt_claims(&c, p, jwt, strict, NOW, SKEW, &desc);
    if (strict) {
        stage_ok(r->claims, rv == APR_SUCCESS, ctx);
    }
    if (rv != APR_SUCCESS) {
        mcp_test_assert(mcp_reason_of(desc) != MCP_REASON_NONE, __LINE__,
                        __FILE__, "%s: not a fixed reason: %s", ctx,
                        desc ? desc : "NULL");
        return desc;
    }
    mcp_test_assert(c != NULL && c->active && c->token_type == NULL,
                    __LINE__, __FILE__,
                    "%s: want active claims without token_type", ctx);
    if (!c) {
        return "no claims";
    }
    v = mcp_claims_check(p, c, dc, NOW, &desc);
    if (strict && r->check && !strcmp(r->check, "?")) {
        /* any verdict */
    }
    else if (strict && r->check) {
        mcp_verdict_e want = !strcmp(r->check, "ok") ? MCP_OK
            : !strcmp(r->check, "insufficient_scope") ? MCP_INSUFFICIENT_SCOPE
            : MCP_INVALID_TOKEN;

        MCP_ASSERT_INT(v, want, apr_pstrcat(p, r->name, ": check ",
                                            r->check, NULL));
    }
    else if (strict) {
        mcp_test_assert(0, __LINE__, __FILE__, "%s: checked, but the "
                        "manifest says nothing of the check", ctx);
    }
    return desc;
}

/* The final description against the manifest's: "*" is any reason (the
 * token is refused), "?" any outcome. */
static void assert_desc(const char *got, const char *want, const char *ctx)
{
    if (want && !strcmp(want, "*")) {
        mcp_test_assert(got != NULL, __LINE__, __FILE__,
                        "%s: want a refusal, got acceptance", ctx);
    }
    else if (!want || strcmp(want, "?")) {
        MCP_ASSERT_STR(got, want, ctx);
    }
}

static void run_row(apr_pool_t *p, const row_t *r, const mcp_dir_conf_t *dc)
{
    const char *t = data_file(p, r->file);
    const char *ctx = apr_psprintf(p, "%s (%s)", r->name, r->about);
    const mcp_jwks_t *jwks = jwks_file(p, r->jwks);
    mcp_jwt_t *jwt = NULL;
    const char *err = NULL, *desc;
    apr_status_t rv;

    if (!t || !jwks) {
        return;
    }
    rv = mcp_jwt_parse(&jwt, p, t, r->max_len, &err);
    stage_ok(r->parse, rv == APR_SUCCESS,
             apr_psprintf(p, "%s: parse (%s)", ctx, err ? err : "no error"));
    if (rv != APR_SUCCESS) {
        mcp_test_assert(err != NULL, __LINE__, __FILE__,
                        "%s: parse failed without a reason", ctx);
        /* "either": the later stage's reason is for when parse passes */
        assert_desc(D_MALFORMED, r->parse && !strcmp(r->parse, "either")
                                 ? D_MALFORMED : r->desc, ctx);
        return;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(jwt);

    err = NULL;
    rv = mcp_jwt_verify(jwt, jwks, MCP_ALGS_ALL, &err);
    ctx = apr_psprintf(p, "%s: verify with %s (%s)", ctx, r->jwks,
                       err ? err : "no error");
    if (!r->verify) {
        mcp_test_assert(0, __LINE__, __FILE__, "%s: parsed, but the "
                        "manifest says nothing of verify", ctx);
    }
    else if (!strcmp(r->verify, "ok")) {
        MCP_ASSERT_INT(rv, APR_SUCCESS, ctx);
    }
    else if (!strcmp(r->verify, "fail")) {
        MCP_ASSERT_INT(rv, APR_EGENERAL, ctx);
    }
    else if (!strcmp(r->verify, "unknown_key")) {
        MCP_ASSERT_INT(rv, APR_NOTFOUND, ctx);
    }
    else {
        mcp_test_assert(!strcmp(r->verify, "not_ok") && rv != APR_SUCCESS,
                        __LINE__, __FILE__, "%s: want a failure, got %d",
                        ctx, rv);
    }
    if (rv != APR_SUCCESS) {
        mcp_test_assert(err != NULL, __LINE__, __FILE__,
                        "%s: verify failed without a reason", ctx);
        assert_desc(D_SIGNATURE, r->desc, ctx);
        return;
    }

    desc = claims_and_check(p, r, jwt, 1, dc);
    assert_desc(desc, r->desc, apr_pstrcat(p, r->name, " (", r->about,
                                           "): strict typ", NULL));
    desc = claims_and_check(p, r, jwt, 0, dc);
    assert_desc(desc, r->has_lax ? r->lax_desc : r->desc,
                apr_pstrcat(p, r->name, " (", r->about, "): lax typ", NULL));
}

/* Every token of the manifest stops at its stage with its reason. */
static void jwt_manifest_tokens_stop_at_the_expected_stage(void)
{
    apr_pool_t *p = mcp_test_pool();
    const mcp_dir_conf_t *dc = conf(p);
    const char *text = data_file(p, "manifest.json");
    const char *err = NULL;
    const cJSON *manifest, *rows, *row;
    int n = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    manifest = mcp_json_parse(p, text, strlen(text), MCP_MAX_JSON_DEPTH,
                              &err);
    mcp_test_assert(manifest != NULL, __LINE__, __FILE__,
                    "manifest.json: %s", err ? err : "NULL");
    CU_ASSERT_PTR_NOT_NULL_FATAL(manifest);
    rows = mcp_json_get(manifest, "tokens");
    CU_ASSERT_FATAL(cJSON_IsArray(rows));

    cJSON_ArrayForEach(row, rows) {
        apr_pool_t *rp;
        const cJSON *m;
        row_t r;

        apr_pool_create(&rp, p);
        memset(&r, 0, sizeof(r));
        r.name = member_str(row, "name");
        r.about = member_str(row, "about");
        r.file = member_str(row, "file");
        r.jwks = member_str(row, "jwks");
        m = mcp_json_get(row, "max_len");
        r.max_len = cJSON_IsNumber(m) ? (apr_size_t)m->valuedouble : MAX_LEN;
        r.parse = member_str(row, "parse");
        r.verify = member_str(row, "verify");
        r.claims = member_str(row, "claims");
        r.check = member_str(row, "check");
        r.desc = member_str(row, "desc");
        m = mcp_json_get(row, "lax_desc");
        r.has_lax = m != NULL;
        r.lax_desc = member_str(row, "lax_desc");
        CU_ASSERT_PTR_NOT_NULL_FATAL(r.name);
        if (!r.about) {
            r.about = "";
        }
        if (!r.file) {
            r.file = apr_pstrcat(rp, r.name, ".jwt", NULL);
        }
        if (!r.jwks) {
            r.jwks = "jwks.json";
        }
        run_row(rp, &r, dc);
        apr_pool_destroy(rp);
        ++n;
    }
    mcp_test_assert(n >= 100, __LINE__, __FILE__,
                    "want the whole manifest, got %d rows", n);
}

/* The fields of a parsed token, and the signature length of each alg. */
static void jwt_parse_fills_every_field(void)
{
    static const struct {
        const char *name, *alg, *kid;
        apr_size_t sig_len;
    } cases[] = {
        { "rs256", "RS256", "rsa1", 256 }, { "rs384", "RS384", "rsa1", 256 },
        { "rs512", "RS512", "rsa1", 256 }, { "ps256", "PS256", "rsa1", 256 },
        { "ps384", "PS384", "rsa1", 256 }, { "ps512", "PS512", "rsa1", 256 },
        { "es256", "ES256", "ec256", 64 }, { "es384", "ES384", "ec384", 96 },
        { "es512", "ES512", "ec521", 132 }, { "eddsa", "EdDSA", "ed1", 64 },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const char *t = token(p, cases[i].name);
        const char *dot;
        const mcp_jwt_t *jwt = parsed(p, cases[i].name);

        if (!t || !jwt) {
            continue;
        }
        dot = strrchr(t, '.');
        MCP_ASSERT_STR(jwt->alg, cases[i].alg, cases[i].name);
        MCP_ASSERT_STR(jwt->kid, cases[i].kid, cases[i].name);
        MCP_ASSERT_STR(jwt->typ, "at+jwt", cases[i].name);
        MCP_ASSERT_STR(member_str(jwt->header, "alg"), cases[i].alg,
                       cases[i].name);
        MCP_ASSERT_STR(member_str(jwt->payload, "sub"), "alice",
                       cases[i].name);
        MCP_ASSERT_INT(jwt->signing_input_len, dot - t, cases[i].name);
        mcp_test_assert(jwt->signing_input
                        && !memcmp(jwt->signing_input, t, dot - t),
                        __LINE__, __FILE__, "%s: signing input",
                        cases[i].name);
        MCP_ASSERT_INT(jwt->sig_len, cases[i].sig_len, cases[i].name);
        CU_ASSERT_PTR_NOT_NULL(jwt->sig);
    }
}

static void jwt_parse_fields_absent_from_the_header_are_null(void)
{
    apr_pool_t *p = mcp_test_pool();
    const mcp_jwt_t *jwt = parsed(p, "no-kid");

    if (jwt) {
        CU_ASSERT_PTR_NULL(jwt->kid);
        MCP_ASSERT_STR(jwt->typ, "at+jwt", "no-kid");
    }
    jwt = parsed(p, "typ-missing");
    if (jwt) {
        CU_ASSERT_PTR_NULL(jwt->typ);
        MCP_ASSERT_STR(jwt->kid, "rsa1", "typ-missing");
    }
}

static void jwt_parse_takes_at_most_max_len_bytes(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *t = token(p, "rs256");
    mcp_jwt_t *jwt;
    const char *err;
    apr_size_t len;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    len = strlen(t);
    err = NULL;
    MCP_ASSERT_INT(mcp_jwt_parse(&jwt, p, t, len, &err), APR_SUCCESS,
                   "max_len = length");
    err = NULL;
    CU_ASSERT_NOT_EQUAL(mcp_jwt_parse(&jwt, p, t, len - 1, &err),
                        APR_SUCCESS);
    CU_ASSERT_PTR_NOT_NULL(err);
    CU_ASSERT_NOT_EQUAL(mcp_jwt_parse(&jwt, p, t, 0, &err), APR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(mcp_jwt_parse(&jwt, p, "", MAX_LEN, &err),
                        APR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(mcp_jwt_parse(&jwt, p, "..", MAX_LEN, &err),
                        APR_SUCCESS);
}

/* base64url without padding, in p */
static const char *b64url(apr_pool_t *p, const char *s, apr_size_t len)
{
    char *out = apr_palloc(p, apr_base64_encode_len((int)len));
    char *c;

    apr_base64_encode(out, s, (int)len);
    for (c = out; *c; ++c) {
        if (*c == '+') {
            *c = '-';
        }
        else if (*c == '/') {
            *c = '_';
        }
        else if (*c == '=') {
            *c = '\0';
            break;
        }
    }
    return out;
}

/* A 1 MiB token (the payload of rs256 with a 1 MiB claim, the signature of
 * rs256): refused at 8192 bytes; with a limit that lets it through it
 * parses (or is refused as too large), and never verifies. Built here, not
 * committed. */
static void jwt_parse_refuses_a_1mib_token(void)
{
    apr_pool_t *p;
    const char *t, *payload, *dot1, *dot2, *err = NULL;
    char *pad, *big;
    mcp_jwt_t *jwt = NULL;
    apr_size_t n = 1024 * 1024;
    apr_status_t rv;

    apr_pool_create(&p, mcp_test_pool());
    t = token(p, "rs256");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    dot1 = strchr(t, '.');
    dot2 = strrchr(t, '.');
    pad = apr_palloc(p, n + 1);
    memset(pad, 'x', n);
    pad[n] = '\0';
    payload = apr_pstrcat(p, "{\"iss\":\"" ISSUER "\",\"sub\":\"alice\","
                          "\"aud\":\"" RESOURCE "\",\"scope\":\"mcp:tools\","
                          "\"iat\":1700000000,\"exp\":1700003600,"
                          "\"pad\":\"", pad, "\"}", NULL);
    big = apr_pstrcat(p, apr_pstrmemdup(p, t, dot1 - t), ".",
                      b64url(p, payload, strlen(payload)), dot2, NULL);
    mcp_test_assert(strlen(big) > n, __LINE__, __FILE__, "%lu bytes",
                    (unsigned long)strlen(big));

    rv = mcp_jwt_parse(&jwt, p, big, MAX_LEN, &err);
    CU_ASSERT_NOT_EQUAL(rv, APR_SUCCESS);
    CU_ASSERT_PTR_NOT_NULL(err);

    jwt = NULL;
    rv = mcp_jwt_parse(&jwt, p, big, 2 * n, &err);
    if (rv == APR_SUCCESS) {
        const mcp_jwks_t *jwks = jwks_file(p, "jwks.json");

        CU_ASSERT_PTR_NOT_NULL_FATAL(jwt);
        MCP_ASSERT_INT(strlen(member_str(jwt->payload, "pad")), n, "pad");
        err = NULL;
        MCP_ASSERT_INT(jwks ? mcp_jwt_verify(jwt, jwks, MCP_ALGS_ALL, &err)
                            : APR_EGENERAL,
                       APR_EGENERAL, "1 MiB token, signature of rs256");
    }
    apr_pool_destroy(p);
}

/* Each alg verifies when it is allowed, and only then. */
static void jwt_verify_honours_the_allow_list(void)
{
    static const struct {
        const char *name;
        unsigned bit;
    } cases[] = {
        { "rs256", MCP_ALG_RS256 }, { "rs384", MCP_ALG_RS384 },
        { "rs512", MCP_ALG_RS512 }, { "ps256", MCP_ALG_PS256 },
        { "ps384", MCP_ALG_PS384 }, { "ps512", MCP_ALG_PS512 },
        { "es256", MCP_ALG_ES256 }, { "es384", MCP_ALG_ES384 },
        { "es512", MCP_ALG_ES512 }, { "eddsa", MCP_ALG_EDDSA },
    };
    apr_pool_t *p = mcp_test_pool();
    const mcp_jwks_t *jwks = jwks_file(p, "jwks.json");
    apr_size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(jwks);
    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const mcp_jwt_t *jwt = parsed(p, cases[i].name);
        const char *err;
        apr_status_t rv;

        if (!jwt) {
            continue;
        }
        err = NULL;
        rv = mcp_jwt_verify(jwt, jwks, cases[i].bit, &err);
        MCP_ASSERT_INT(rv, APR_SUCCESS,
                       apr_psprintf(p, "%s, allowed alone (%s)",
                                    cases[i].name, err ? err : "no error"));
        err = NULL;
        MCP_ASSERT_INT(mcp_jwt_verify(jwt, jwks, MCP_ALGS_ALL & ~cases[i].bit,
                                      &err),
                       APR_EGENERAL,
                       apr_psprintf(p, "%s, all others allowed",
                                    cases[i].name));
        CU_ASSERT_PTR_NOT_NULL(err);
        MCP_ASSERT_INT(mcp_jwt_verify(jwt, jwks, 0, &err), APR_EGENERAL,
                       apr_psprintf(p, "%s, nothing allowed", cases[i].name));
    }
}

/* The key of ec256 says ES256: an ES384 signature made with it is not
 * checked against it; a key restricted to RS256 verifies no RS384 or PS256
 * token, even with a good signature. */
static void jwt_verify_uses_a_key_only_for_its_alg(void)
{
    static const struct {
        const char *name, *jwks;
        apr_status_t want;
    } cases[] = {
        { "es384-with-ec256-key", "jwks.json", APR_EGENERAL },
        { "kid-kty-mismatch", "jwks.json", APR_EGENERAL },
        { "rs256-key-alg-rs256", "jwks-alg.json", APR_SUCCESS },
        { "rs384-key-alg-rs256", "jwks-alg.json", APR_EGENERAL },
        { "ps256-key-alg-rs256", "jwks-alg.json", APR_EGENERAL },
        { "es384-key-alg-es256", "jwks-alg-conflict.json", APR_EGENERAL },
        { "es256-key-on-p384", "jwks-alg-conflict.json", APR_EGENERAL },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const mcp_jwt_t *jwt = parsed(p, cases[i].name);
        const mcp_jwks_t *jwks = jwks_file(p, cases[i].jwks);
        const char *err = NULL;
        apr_status_t rv;

        if (!jwt || !jwks) {
            continue;
        }
        rv = mcp_jwt_verify(jwt, jwks, MCP_ALGS_ALL, &err);
        MCP_ASSERT_INT(rv, cases[i].want,
                       apr_psprintf(p, "%s with %s (%s)", cases[i].name,
                                    cases[i].jwks, err ? err : "no error"));
    }
}

/* The tokens of one key set do not verify with another; an empty set has
 * no key for anyone (the caller refreshes it). */
static void jwt_verify_needs_the_key_in_the_set(void)
{
    apr_pool_t *p = mcp_test_pool();
    const mcp_jwt_t *rs = parsed(p, "rs256");
    const mcp_jwt_t *nokid = parsed(p, "no-kid");
    const mcp_jwks_t *empty = jwks_file(p, "jwks-empty.json");
    const mcp_jwks_t *one = jwks_file(p, "jwks-one.json");
    const mcp_jwks_t *dup = jwks_file(p, "jwks-dup-kid.json");
    const char *err = NULL;

    CU_ASSERT_FATAL(rs && nokid && empty && one && dup);
    MCP_ASSERT_INT(mcp_jwt_verify(rs, empty, MCP_ALGS_ALL, &err),
                   APR_NOTFOUND, "rs256, empty set");
    MCP_ASSERT_INT(mcp_jwt_verify(rs, one, MCP_ALGS_ALL, &err), APR_SUCCESS,
                   "rs256, the set of rsa1 alone");
    MCP_ASSERT_INT(mcp_jwt_verify(nokid, one, MCP_ALGS_ALL, &err),
                   APR_SUCCESS, "no kid, the set of rsa1 alone");
    MCP_ASSERT_INT(mcp_jwt_verify(nokid, empty, MCP_ALGS_ALL, &err)
                   == APR_SUCCESS, 0, "no kid, empty set");
    MCP_ASSERT_INT(mcp_jwt_verify(rs, dup, MCP_ALGS_ALL, &err),
                   APR_NOTFOUND, "kid rsa1, set with kids dup and same");
}

/* Every field of the claims of the valid tokens. */
static void jwt_claims_fill_every_field(void)
{
    apr_pool_t *p = mcp_test_pool();
    const char *desc;
    mcp_claims_t *c;

    c = claims_of(p, "rs256", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    MCP_ASSERT_INT(c->active, 1, "active");
    MCP_ASSERT_STR(c->iss, ISSUER, "iss");
    MCP_ASSERT_STR(c->sub, "alice", "sub");
    MCP_ASSERT_STR(c->client_id, "client-1", "client_id");
    MCP_ASSERT_STR(c->token_type, NULL, "token_type");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->aud);
    MCP_ASSERT_INT(c->aud->nelts, 1, "aud");
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->aud, 0, const char *), RESOURCE, "aud");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->scopes);
    MCP_ASSERT_INT(c->scopes->nelts, 1, "scopes");
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->scopes, 0, const char *), "mcp:tools",
                   "scopes");
    MCP_ASSERT_INT(c->exp, SEC(1700003600), "exp");
    MCP_ASSERT_INT(c->iat, SEC(1700000000), "iat");
    MCP_ASSERT_INT(c->nbf, MCP_TIME_ABSENT, "nbf");

    c = claims_of(p, "nbf-past", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    MCP_ASSERT_INT(c->nbf, SEC(1700000000), "nbf");

    c = claims_of(p, "aud-array", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->aud);
    MCP_ASSERT_INT(c->aud->nelts, 2, "aud array");
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->aud, 0, const char *),
                   "https://other.example/api", "aud[0]");
    MCP_ASSERT_STR(APR_ARRAY_IDX(c->aud, 1, const char *), RESOURCE,
                   "aud[1]");

    c = claims_of(p, "aud-missing", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    mcp_test_assert(!c->aud || !c->aud->nelts, __LINE__, __FILE__,
                    "aud-missing: no audience");

    c = claims_of(p, "azp", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    MCP_ASSERT_STR(c->client_id, "client-azp", "client_id from azp");

    c = claims_of(p, "client-id-and-azp", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    MCP_ASSERT_STR(c->client_id, "client-1", "client_id before azp");

    c = claims_of(p, "scp-array", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->scopes);
    MCP_ASSERT_STR(mcp_scopes_join(p, c->scopes), "mcp:tools mcp:admin",
                   "scopes from scp array");

    c = claims_of(p, "scp-string", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->scopes);
    MCP_ASSERT_STR(mcp_scopes_join(p, c->scopes), "mcp:tools mcp:admin",
                   "scopes from scp string");

    c = claims_of(p, "scope-several", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->scopes);
    MCP_ASSERT_STR(mcp_scopes_join(p, c->scopes),
                   "openid mcp:tools mcp:admin", "scopes from scope");

    c = claims_of(p, "scope-missing", 1, &desc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    mcp_test_assert(!c->scopes || !c->scopes->nelts, __LINE__, __FILE__,
                    "scope-missing: no scopes");
}

/* typ: at+jwt or application/at+jwt in any case when strict; otherwise
 * also JWT, Okta's type or none, but never another kind of JWT. */
static void jwt_claims_check_typ_only_when_strict(void)
{
    static const struct {
        const char *name;
        int strict_ok, lax_ok;
    } cases[] = {
        { "rs256", 1, 1 }, { "typ-application", 1, 1 }, { "typ-upper", 1, 1 },
        { "typ-application-mixed", 1, 1 }, { "typ-jwt", 0, 1 },
        { "typ-dpop", 0, 0 }, { "typ-at-jwt-space", 0, 0 },
        { "typ-missing", 0, 1 },
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const char *desc;
        mcp_claims_t *c = claims_of(p, cases[i].name, 1, &desc);

        MCP_ASSERT_INT(c != NULL, cases[i].strict_ok,
                       apr_pstrcat(p, cases[i].name, ", strict", NULL));
        MCP_ASSERT_STR(desc, cases[i].strict_ok ? NULL : D_JWT_TYPE,
                       apr_pstrcat(p, cases[i].name, ", strict", NULL));
        c = claims_of(p, cases[i].name, 0, &desc);
        MCP_ASSERT_INT(c != NULL, cases[i].lax_ok,
                       apr_pstrcat(p, cases[i].name, ", lax", NULL));
    }
}

/* iat may be ahead of now by the skew, not more; skew 0 means none. */
static void jwt_claims_allow_iat_ahead_by_the_skew_only(void)
{
    static const struct {
        const char *name;
        apr_interval_time_t skew;
        const char *desc;
    } cases[] = {
        { "iat-within-skew", SEC(30), NULL },       /* iat = now + 20 */
        { "iat-within-skew", SEC(21), NULL },
        { "iat-within-skew", SEC(19), D_NOTYET },
        { "iat-within-skew", 0, D_NOTYET },
        { "iat-future", SEC(30), D_NOTYET },        /* iat = now + 900 */
        { "iat-future", SEC(901), NULL },
        { "rs256", 0, NULL },                       /* iat = now - 100 */
    };
    apr_pool_t *p = mcp_test_pool();
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(cases); ++i) {
        const mcp_jwt_t *jwt = parsed(p, cases[i].name);
        const char *ctx = apr_psprintf(p, "%s, skew %ld s", cases[i].name,
                                       (long)apr_time_sec(cases[i].skew));
        mcp_claims_t *c = NULL;
        const char *desc = "unset";
        apr_status_t rv;

        if (!jwt) {
            continue;
        }
        rv = mcp_jwt_claims(&c, p, jwt, 1, NOW, cases[i].skew, &desc);
        MCP_ASSERT_INT(rv == APR_SUCCESS, cases[i].desc == NULL, ctx);
        if (rv != APR_SUCCESS) {
            MCP_ASSERT_STR(desc, cases[i].desc, ctx);
        }
    }
}

/* An exp beyond what apr_time_t holds is refused or kept in the far
 * future: never wrapped into the past or present (the manifest runs them
 * through mcp_claims_check, under UBSan too). */
static void jwt_claims_keep_far_expiry_in_the_future(void)
{
    static const char *const names[] = { "exp-huge", "exp-1e19",
                                          "exp-apr-max" };
    apr_pool_t *p = mcp_test_pool();
    const mcp_dir_conf_t *dc = conf(p);
    apr_size_t i;

    for (i = 0; i < MCP_NELTS(names); ++i) {
        const char *desc;
        mcp_claims_t *c = claims_of(p, names[i], 1, &desc);

        if (!c) {
            mcp_test_assert(mcp_reason_of(desc) != MCP_REASON_NONE,
                            __LINE__, __FILE__, "%s: refused with %s",
                            names[i], desc ? desc : "NULL");
            continue;
        }
        mcp_test_assert(c->exp > NOW + SEC(86400), __LINE__, __FILE__,
                        "%s: exp %" APR_TIME_T_FMT " not in the future",
                        names[i], c->exp);
        mcp_test_assert(mcp_claims_check(p, c, dc, NOW, &desc)
                        != MCP_INVALID_TOKEN || strcmp(desc, D_EXPIRED),
                        __LINE__, __FILE__, "%s: expired", names[i]);
    }
}

void mcp_test_add_jwt_suite(void)
{
    CU_pSuite s = mcp_test_suite("jwt");

    MCP_TEST(s, jwt_alg_bit_knows_the_ten_algorithms_and_nothing_else);
    MCP_TEST(s, jwt_looks_like_three_base64url_segments);
    MCP_TEST(s, jwt_manifest_tokens_stop_at_the_expected_stage);
    MCP_TEST(s, jwt_parse_fills_every_field);
    MCP_TEST(s, jwt_parse_fields_absent_from_the_header_are_null);
    MCP_TEST(s, jwt_parse_takes_at_most_max_len_bytes);
    MCP_TEST(s, jwt_parse_refuses_a_1mib_token);
    MCP_TEST(s, jwt_verify_honours_the_allow_list);
    MCP_TEST(s, jwt_verify_uses_a_key_only_for_its_alg);
    MCP_TEST(s, jwt_verify_needs_the_key_in_the_set);
    MCP_TEST(s, jwt_claims_fill_every_field);
    MCP_TEST(s, jwt_claims_check_typ_only_when_strict);
    MCP_TEST(s, jwt_claims_allow_iat_ahead_by_the_skew_only);
    MCP_TEST(s, jwt_claims_keep_far_expiry_in_the_future);
}

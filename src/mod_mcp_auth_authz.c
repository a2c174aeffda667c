/* mod_mcp_auth_authz.c: authorization providers for mod_authz_core,
 *
 *   Require mcp-scope <scope> [<scope> ...]       every scope (implied too)
 *   Require mcp-claim <name> <value>|/<regex>/    a claim, dotted paths
 *
 * and the answer when they refuse an authenticated caller: 403 with an
 * insufficient_scope challenge, not the 401 mod_authz_core would send
 * (a 401 would make an MCP client sign in again for nothing). */
#include <string.h>

#include "apr_strings.h"
#include "ap_provider.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"

#include "mod_mcp_auth.h"
#include "mcp_challenge.h"
#include "mcp_json.h"
#include "mcp_util.h"

#define NOTE_SCOPE  "mcp-authz-scope"    /* scopes a failed line needs */
#define NOTE_FAILED "mcp-authz-failed"

/* The claim names that Require mcp-claim lines use (top level), kept with
 * cached verdicts. Read while the configuration is; reset in pre_config. */
static apr_array_header_t *claim_names;

const apr_array_header_t *mcp_authz_claim_names(void)
{
    return claim_names;
}

/* ---- Require mcp-scope ------------------------------------------------- */

static const char *scope_parse(cmd_parms *cmd, const char *line,
                               const void **parsed)
{
    apr_array_header_t *need = mcp_scopes_parse(cmd->pool, line);
    int i;

    if (need->nelts == 0) {
        return "Require mcp-scope: needs at least one scope";
    }
    for (i = 0; i < need->nelts; ++i) {
        if (!mcp_scope_token_valid(APR_ARRAY_IDX(need, i, const char *))) {
            return apr_psprintf(cmd->pool, "Require mcp-scope: \"%s\" is not "
                                "a valid scope (RFC 6749 3.3)",
                                APR_ARRAY_IDX(need, i, const char *));
        }
    }
    *parsed = need;
    return NULL;
}

static authz_status scope_check(request_rec *r, const char *line,
                                const void *parsed)
{
    const apr_array_header_t *need = parsed;
    const apr_array_header_t *have;
    const char *noted;
    int i;

    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    if (!mcp_is_ours(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCPLOGNO(01201)
                      "Require mcp-scope needs AuthType MCP");
        return AUTHZ_GENERAL_ERROR;
    }
    have = mcp_req(r)->scopes;
    if (have && mcp_scopes_cover(have, need)) {
        return AUTHZ_GRANTED;
    }
    /* the challenge names every scope a failed line needs */
    noted = apr_table_get(r->notes, NOTE_SCOPE);
    for (i = 0; i < need->nelts; ++i) {
        const char *s = APR_ARRAY_IDX(need, i, const char *);
        if (!noted || !mcp_scopes_contains(mcp_scopes_parse(r->pool, noted),
                                           s)) {
            noted = noted ? apr_pstrcat(r->pool, noted, " ", s, NULL) : s;
        }
    }
    apr_table_setn(r->notes, NOTE_SCOPE, noted);
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, MCPLOGNO(01202)
                  "Require mcp-scope %s: not in the token's scopes", line);
    return AUTHZ_DENIED;
}

/* ---- Require mcp-claim ------------------------------------------------- */

typedef struct {
    const char *path;
    const char *value;          /* exact, or */
    ap_regex_t *re;             /* /regex/ */
} claim_rule_t;

static const char *claim_parse(cmd_parms *cmd, const char *line,
                               const void **parsed)
{
    claim_rule_t *c = apr_pcalloc(cmd->pool, sizeof(*c));
    const char *rest = line, *name, *dot;
    apr_size_t n;

    c->path = ap_getword_conf(cmd->pool, &rest);
    c->value = ap_getword_conf(cmd->pool, &rest);
    if (!*c->path || !*c->value || *rest) {
        return "Require mcp-claim: needs a claim name and one value or "
               "/regex/";
    }
    n = strlen(c->value);
    if (n >= 2 && c->value[0] == '/' && c->value[n - 1] == '/') {
        c->re = ap_pregcomp(cmd->pool, apr_pstrmemdup(cmd->pool,
                            c->value + 1, n - 2), AP_REG_NOSUB);
        if (!c->re) {
            return apr_psprintf(cmd->pool, "Require mcp-claim: %s is not a "
                                "valid regular expression", c->value);
        }
    }
    dot = strchr(c->path, '.');
    name = dot ? apr_pstrmemdup(cmd->pool, c->path, dot - c->path) : c->path;
    if (!*name || strstr(c->path, "..") || c->path[strlen(c->path) - 1] == '.') {
        return apr_psprintf(cmd->pool, "Require mcp-claim: \"%s\" is not a "
                            "claim name or dotted path", c->path);
    }
    if (!claim_names) {
        claim_names = apr_array_make(cmd->pool, 4, sizeof(const char *));
    }
    if (!mcp_scopes_contains(claim_names, name)) {
        APR_ARRAY_PUSH(claim_names, const char *) = name;
    }
    *parsed = c;
    return NULL;
}

static int value_matches(request_rec *r, const claim_rule_t *c,
                         const cJSON *v)
{
    const char *s;

    if (cJSON_IsString(v)) {
        s = v->valuestring;
    }
    else if (cJSON_IsNumber(v) || cJSON_IsBool(v)) {
        s = mcp_json_print(r->pool, v);
    }
    else {
        return 0;
    }
    return c->re ? ap_regexec(c->re, s, 0, NULL, 0) == 0
                 : strcmp(s, c->value) == 0;
}

static authz_status claim_check(request_rec *r, const char *line,
                                const void *parsed)
{
    const claim_rule_t *c = parsed;
    mcp_req_t *q;
    const cJSON *v, *e;
    const char *err;

    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    if (!mcp_is_ours(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCPLOGNO(01203)
                      "Require mcp-claim needs AuthType MCP");
        return AUTHZ_GENERAL_ERROR;
    }
    q = mcp_req(r);
    if (!q->kept_parsed) {
        q->kept_parsed = 1;
        q->kept = q->claims && q->claims->kept
                  ? mcp_json_parse(r->pool, q->claims->kept,
                                   strlen(q->claims->kept),
                                   MCP_MAX_JSON_DEPTH, &err) : NULL;
    }
    v = mcp_claims_path(q->kept, c->path);
    if (cJSON_IsArray(v)) {
        cJSON_ArrayForEach(e, v) {
            if (value_matches(r, c, e)) {
                return AUTHZ_GRANTED;
            }
        }
    }
    else if (v && value_matches(r, c, v)) {
        return AUTHZ_GRANTED;
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, MCPLOGNO(01204)
                  "Require mcp-claim %s: %s", line,
                  v ? "no match" : "claim absent");
    return AUTHZ_DENIED;
}

static const authz_provider SCOPE_PROVIDER = { scope_check, scope_parse };
static const authz_provider CLAIM_PROVIDER = { claim_check, claim_parse };

/* ---- the answer --------------------------------------------------------- */

/* mod_authz_core reports a refused authenticated user here (then 401). */
static int note_auth_failure(request_rec *r, const char *type)
{
    if (strcasecmp(type, MCP_AUTH_TYPE)) {
        return DECLINED;
    }
    apr_table_setn(r->notes, NOTE_FAILED, "1");
    return OK;
}

/* An authenticated caller that authorization refused: 403 with the
 * challenge (401 from mod_authz_core by default, 403 with
 * AuthzSendForbiddenOnFailure On). Our own answers are left alone. */
static void authz_answer(request_rec *r)
{
    const mcp_dir_conf_t *dc;
    const char *scope, *desc, *hdr;
    int status = r->status;

    if (!mcp_is_ours(r) || !r->user || apr_table_get(r->notes, "mcp-json-error")
        || (status != HTTP_UNAUTHORIZED && status != HTTP_FORBIDDEN)
        || (!apr_table_get(r->notes, NOTE_FAILED)
            && !apr_table_get(r->notes, NOTE_SCOPE))) {
        return;
    }
    dc = mcp_dir_conf(r);
    scope = apr_table_get(r->notes, NOTE_SCOPE);
    if (scope) {
        /* the location's scopes too: clients replace theirs with these */
        apr_array_header_t *all = apr_array_copy(r->pool,
                dc->required_scopes ? dc->required_scopes
                : apr_array_make(r->pool, 1, sizeof(const char *)));
        const apr_array_header_t *more = mcp_scopes_parse(r->pool, scope);
        int i;
        for (i = 0; i < more->nelts; ++i) {
            const char *s = APR_ARRAY_IDX(more, i, const char *);
            if (!mcp_scopes_contains(all, s)) {
                APR_ARRAY_PUSH(all, const char *) = s;
            }
        }
        scope = mcp_scopes_join(r->pool, all);
    }
    desc = scope ? mcp_reason_text(MCP_REASON_SCOPE)
                 : "access denied by the server's policy";
    hdr = mcp_challenge(r->pool, MCP_INSUFFICIENT_SCOPE, desc, dc->prm_url,
                        scope);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCPLOGNO(01205)
                  "authorization refused %s%s%s: 403", r->user,
                  scope ? ", needs scope " : "", scope ? scope : "");
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", hdr);
    mcp_count_denial(HTTP_FORBIDDEN, MCP_DENY_POLICY);
    mcp_decision(r, 0, desc);
    /* the body is looked up under the status the error started with */
    mcp_error_response(r, status, mcp_error_body(r->pool,
                       MCP_INSUFFICIENT_SCOPE, desc));
    r->status = HTTP_FORBIDDEN;
    r->status_line = NULL;
}

static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    claim_names = NULL;
    return OK;
}

void mcp_authz_register_hooks(apr_pool_t *p)
{
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "mcp-scope",
                              AUTHZ_PROVIDER_VERSION, &SCOPE_PROVIDER,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "mcp-claim",
                              AUTHZ_PROVIDER_VERSION, &CLAIM_PROVIDER,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_note_auth_failure(note_auth_failure, NULL, NULL, APR_HOOK_MIDDLE);
    /* before the hook that labels our error bodies JSON */
    ap_hook_insert_error_filter(authz_answer, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
}

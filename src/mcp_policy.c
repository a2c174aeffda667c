/* mcp_policy.c: per-tool scopes, see mcp_policy.h. */
#include <string.h>

#include <apr_fnmatch.h>
#include <apr_strings.h>

#include "mcp_policy.h"
#include "mcp_util.h"

#define MAX_PATTERN 256

const char *mcp_policy_parse_rule(mcp_tool_rule_t *rule, apr_pool_t *p,
                                  int argc, char *const argv[])
{
    const char *s;
    int i;

    if (argc < 2) {
        return "needs a tool name pattern and at least one scope";
    }
    if (!*argv[0] || strlen(argv[0]) > MAX_PATTERN) {
        return apr_psprintf(p, "the tool name pattern must have 1 to %d "
                            "characters", MAX_PATTERN);
    }
    for (s = argv[0]; *s; ++s) {
        if (*s <= ' ' || *s > '~') {
            return "the tool name pattern must be visible ASCII";
        }
    }
    if (apr_fnmatch_test(argv[0]) == 0 && strspn(argv[0],
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            "0123456789_.-/") != strlen(argv[0])) {
        return apr_psprintf(p, "\"%s\" is neither a tool name nor a "
                            "pattern (*, ?, [...])", argv[0]);
    }
    rule->pattern = apr_pstrdup(p, argv[0]);
    rule->scopes = apr_array_make(p, argc - 1, sizeof(const char *));
    for (i = 1; i < argc; ++i) {
        if (!mcp_scope_token_valid(argv[i])) {
            return apr_psprintf(p, "\"%s\" is not a valid scope (RFC 6749 "
                                "3.3)", argv[i]);
        }
        if (!mcp_scopes_contains(rule->scopes, argv[i])) {
            APR_ARRAY_PUSH(rule->scopes, const char *) =
                apr_pstrdup(p, argv[i]);
        }
    }
    return NULL;
}

const char *mcp_policy_parse_implies(mcp_scope_rule_t *rule, apr_pool_t *p,
                                     int argc, char *const argv[])
{
    int i;

    if (argc < 2) {
        return "needs a scope and at least one scope it implies";
    }
    for (i = 0; i < argc; ++i) {
        if (!mcp_scope_token_valid(argv[i])) {
            return apr_psprintf(p, "\"%s\" is not a valid scope (RFC 6749 "
                                "3.3)", argv[i]);
        }
    }
    rule->scope = apr_pstrdup(p, argv[0]);
    rule->implied = apr_array_make(p, argc - 1, sizeof(const char *));
    for (i = 1; i < argc; ++i) {
        if (strcmp(argv[i], argv[0])
            && !mcp_scopes_contains(rule->implied, argv[i])) {
            APR_ARRAY_PUSH(rule->implied, const char *) =
                apr_pstrdup(p, argv[i]);
        }
    }
    return NULL;
}

const apr_array_header_t *mcp_scopes_imply(apr_pool_t *p,
                                           const apr_array_header_t *have,
                                           const apr_array_header_t *rules)
{
    apr_array_header_t *out = NULL;
    int i, j, grew = 1;

    if (!have || !rules || rules->nelts == 0) {
        return have;
    }
    /* to a fixed point: each pass adds at least one scope or ends */
    while (grew) {
        grew = 0;
        for (i = 0; i < rules->nelts; ++i) {
            const mcp_scope_rule_t *rule = &APR_ARRAY_IDX(rules, i,
                                                          mcp_scope_rule_t);
            if (!mcp_scopes_contains(out ? out : have, rule->scope)) {
                continue;
            }
            for (j = 0; j < rule->implied->nelts; ++j) {
                const char *s = APR_ARRAY_IDX(rule->implied, j, const char *);
                if (mcp_scopes_contains(out ? out : have, s)) {
                    continue;
                }
                if (!out) {
                    out = apr_array_copy(p, have);
                }
                APR_ARRAY_PUSH(out, const char *) = s;
                grew = 1;
            }
        }
    }
    return out ? out : have;
}

static int matches(const mcp_tool_rule_t *rule, const char *name)
{
    return apr_fnmatch(rule->pattern, name, 0) == APR_SUCCESS;
}

apr_array_header_t *mcp_policy_needs(apr_pool_t *p,
                                     const apr_array_header_t *rules,
                                     const apr_array_header_t *base,
                                     const char *name)
{
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(const char *));
    int i, j;

    for (i = 0; base && i < base->nelts; ++i) {
        const char *s = APR_ARRAY_IDX(base, i, const char *);
        if (!mcp_scopes_contains(out, s)) {
            APR_ARRAY_PUSH(out, const char *) = s;
        }
    }
    for (i = 0; rules && i < rules->nelts; ++i) {
        const mcp_tool_rule_t *rule = &APR_ARRAY_IDX(rules, i,
                                                     mcp_tool_rule_t);
        if (!matches(rule, name)) {
            continue;
        }
        for (j = 0; j < rule->scopes->nelts; ++j) {
            const char *s = APR_ARRAY_IDX(rule->scopes, j, const char *);
            if (!mcp_scopes_contains(out, s)) {
                APR_ARRAY_PUSH(out, const char *) = s;
            }
        }
    }
    return out;
}

int mcp_policy_allows(const apr_array_header_t *rules,
                      const apr_array_header_t *granted, const char *name)
{
    int i;

    for (i = 0; rules && i < rules->nelts; ++i) {
        const mcp_tool_rule_t *rule = &APR_ARRAY_IDX(rules, i,
                                                     mcp_tool_rule_t);
        if (matches(rule, name)
            && (!granted || !mcp_scopes_cover(granted, rule->scopes))) {
            return 0;
        }
    }
    return 1;
}

/* The tools array of a tools/list result, in a response or bare. */
static cJSON *tools_of(cJSON *message)
{
    cJSON *result = mcp_json_get(message, "result");
    cJSON *tools = mcp_json_get(cJSON_IsObject(result) ? result : message,
                                "tools");

    return cJSON_IsArray(tools) ? tools : NULL;
}

int mcp_policy_filter(cJSON *message, const apr_array_header_t *rules,
                      const apr_array_header_t *granted)
{
    cJSON *tools, *t, *next;
    int removed = 0;

    if (cJSON_IsArray(message)) {
        cJSON_ArrayForEach(t, message) {
            removed += mcp_policy_filter(t, rules, granted);
        }
        return removed;
    }
    if (!cJSON_IsObject(message) || !(tools = tools_of(message))) {
        return 0;
    }
    for (t = tools->child; t; t = next) {
        const char *name = cJSON_GetStringValue(mcp_json_get(t, "name"));
        next = t->next;
        if (!name || !mcp_policy_allows(rules, granted, name)) {
            cJSON_Delete(cJSON_DetachItemViaPointer(tools, t));
            ++removed;
        }
    }
    return removed;
}

const char *mcp_policy_filter_text(apr_pool_t *p, const char *json,
                                   apr_size_t len,
                                   const apr_array_header_t *rules,
                                   const apr_array_header_t *granted)
{
    const char *err;
    cJSON *j = mcp_json_parse(p, json, len, MCP_MAX_JSON_DEPTH, &err);

    if (!j) {
        return NULL;
    }
    if (mcp_policy_filter(j, rules, granted) == 0) {
        return json;
    }
    return mcp_json_print(p, j);
}

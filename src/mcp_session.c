/* mcp_session.c: session ids and records. A record is a small JSON
 * object sealed with the cache secret, so that whoever can write to a
 * shared cache cannot hand a session to another user. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "mcp_json.h"
#include "mcp_session.h"
#include "mcp_util.h"

#define MIN_ID_LEN 16
#define MAX_ID_LEN 64

const char *mcp_session_id(apr_pool_t *p, const unsigned char *random,
                           apr_size_t len)
{
    return mcp_b64url_encode(p, random, len);
}

int mcp_session_id_valid(const char *sid)
{
    apr_size_t n = 0;

    for (; sid && *sid; ++sid, ++n) {
        if (!apr_isalnum(*sid) && *sid != '-' && *sid != '_') {
            return 0;
        }
    }
    return n >= MIN_ID_LEN && n <= MAX_ID_LEN;
}

const char *mcp_session_owner(apr_pool_t *p, const char *iss,
                              const char *sub)
{
    /* a newline never appears in either (JSON strings could hold one, so
     * both are quoted) */
    return apr_pstrcat(p, mcp_json_quote(p, iss ? iss : ""), " ",
                       mcp_json_quote(p, sub ? sub : ""), NULL);
}

int mcp_log_level_rank(const char *level)
{
    static const char *const levels[] = {
        "debug", "info", "notice", "warning", "error", "critical", "alert",
        "emergency", NULL
    };
    int i;

    for (i = 0; level && levels[i]; ++i) {
        if (!strcmp(level, levels[i])) {
            return i;
        }
    }
    return -1;
}

void mcp_session_cache_id(unsigned char id[MCP_CACHE_ID_LEN],
                          const char *sid)
{
    mcp_cache_doc_id(id, "session", sid);
}

int mcp_session_foreign_id_valid(const char *sid)
{
    apr_size_t n = 0;

    for (; sid && *sid; ++sid, ++n) {
        if (*sid < 0x21 || *sid > 0x7e) {
            return 0;
        }
    }
    return n >= 1 && n <= MCP_SESSION_MAX_FOREIGN;
}

void mcp_session_foreign_cache_id(unsigned char id[MCP_CACHE_ID_LEN],
                                  apr_pool_t *p, const char *resource,
                                  const char *sid)
{
    /* a newline is in neither: resources are URIs, ids visible ASCII */
    mcp_cache_doc_id(id, "proxied-session",
                     apr_pstrcat(p, resource, "\n", sid, NULL));
}

unsigned char *mcp_session_encode(apr_pool_t *p, const mcp_session_t *s,
                                  const unsigned char id[MCP_CACHE_ID_LEN],
                                  const unsigned char *secret,
                                  apr_size_t *plen)
{
    const char *json = apr_psprintf(p, "{\"owner\":%s,\"version\":%s,"
                                    "\"created\":%" APR_TIME_T_FMT ","
                                    "\"used\":%" APR_TIME_T_FMT "%s%s}",
                                    mcp_json_quote(p, s->owner),
                                    mcp_json_quote(p, s->version),
                                    s->created, s->used,
                                    s->level ? ",\"level\":" : "",
                                    s->level ? mcp_json_quote(p, s->level)
                                             : "");

    return mcp_cache_seal(p, id, (const unsigned char *)json, strlen(json),
                          secret, plen);
}

/* A time in microseconds, or -1. Bounded before the conversion: a double
 * beyond the range of apr_time_t does not convert (undefined behaviour),
 * and times are added to (idle timeouts) without overflowing. */
#define MAX_TIME 4e18

static apr_time_t time_member(const cJSON *o, const char *name)
{
    const cJSON *m = mcp_json_get(o, name);

    return cJSON_IsNumber(m) && m->valuedouble >= 0
           && m->valuedouble <= MAX_TIME ? (apr_time_t)m->valuedouble : -1;
}

apr_status_t mcp_session_decode(mcp_session_t **ps, apr_pool_t *p,
                                const unsigned char *buf, apr_size_t len,
                                const unsigned char id[MCP_CACHE_ID_LEN],
                                const unsigned char *secret)
{
    const unsigned char *data;
    const cJSON *j, *owner, *version, *level;
    const char *err;
    mcp_session_t *s;
    apr_size_t dlen;

    *ps = NULL;
    if (!(data = mcp_cache_unseal(p, id, buf, len, secret, &dlen))
        || !(j = mcp_json_parse(p, (const char *)data, dlen, 4, &err))) {
        return APR_EGENERAL;
    }
    owner = mcp_json_get(j, "owner");
    version = mcp_json_get(j, "version");
    level = mcp_json_get(j, "level");
    if (!cJSON_IsString(owner) || !cJSON_IsString(version)
        || (level && mcp_log_level_rank(cJSON_GetStringValue(level)) < 0)) {
        return APR_EGENERAL;
    }
    s = apr_pcalloc(p, sizeof(*s));
    s->owner = owner->valuestring;
    s->version = version->valuestring;
    s->level = level ? level->valuestring : NULL;
    s->created = time_member(j, "created");
    s->used = time_member(j, "used");
    if (s->created < 0 || s->used < 0) {
        return APR_EGENERAL;
    }
    *ps = s;
    return APR_SUCCESS;
}

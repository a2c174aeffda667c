/* mcp_parse.c: directive value parsers (see mcp_parse.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_uri.h>

#include "mcp_parse.h"
#include "mcp_util.h"

/* Leading decimal digits of arg, then a unit from `units`. */
static const char *parse_number(apr_pool_t *p, const char *arg,
                                apr_int64_t *num, const char **unit)
{
    char *end;

    if (!arg || !apr_isdigit(*arg)) {
        return apr_psprintf(p, "\"%s\" is not a number", arg ? arg : "");
    }
    errno = 0;
    *num = apr_strtoi64(arg, &end, 10);
    if (errno || *num < 0) {
        return apr_psprintf(p, "\"%s\" is out of range", arg);
    }
    *unit = end;
    return NULL;
}

const char *mcp_parse_duration(apr_pool_t *p, const char *arg,
                               apr_interval_time_t min,
                               apr_interval_time_t max,
                               apr_interval_time_t *out)
{
    apr_int64_t n, scale;
    const char *unit, *err;

    if ((err = parse_number(p, arg, &n, &unit)) != NULL) {
        return err;
    }
    if (!*unit || !strcasecmp(unit, "s")) {
        scale = APR_USEC_PER_SEC;
    }
    else if (!strcasecmp(unit, "ms")) {
        scale = 1000;
    }
    else if (!strcasecmp(unit, "m")) {
        scale = 60 * APR_USEC_PER_SEC;
    }
    else {
        return apr_psprintf(p, "\"%s\": unknown unit (use ms, s or m)", arg);
    }
    if (n > max / scale || n * scale < min || n * scale > max) {
        return apr_psprintf(p, "\"%s\" is out of range (%" APR_INT64_T_FMT
                            "ms to %" APR_INT64_T_FMT "ms)", arg,
                            (apr_int64_t)(min / 1000),
                            (apr_int64_t)(max / 1000));
    }
    *out = n * scale;
    return NULL;
}

const char *mcp_parse_size(apr_pool_t *p, const char *arg, apr_off_t min,
                           apr_off_t max, apr_off_t *out)
{
    apr_int64_t n, scale;
    const char *unit, *err;

    if ((err = parse_number(p, arg, &n, &unit)) != NULL) {
        return err;
    }
    if (!*unit) {
        scale = 1;
    }
    else if (!strcasecmp(unit, "k")) {
        scale = 1024;
    }
    else if (!strcasecmp(unit, "m")) {
        scale = 1024 * 1024;
    }
    else {
        return apr_psprintf(p, "\"%s\": unknown unit (use k or M)", arg);
    }
    if (n > max / scale || n * scale < min || n * scale > max) {
        return apr_psprintf(p, "\"%s\" is out of range (%" APR_OFF_T_FMT
                            " to %" APR_OFF_T_FMT " bytes)", arg, min, max);
    }
    *out = (apr_off_t)(n * scale);
    return NULL;
}

const char *mcp_parse_flag(apr_pool_t *p, const char *arg, int *out)
{
    if (arg && !strcasecmp(arg, "on")) {
        *out = 1;
    }
    else if (arg && !strcasecmp(arg, "off")) {
        *out = 0;
    }
    else {
        return apr_psprintf(p, "\"%s\": use On or Off", arg ? arg : "");
    }
    return NULL;
}

/* The host as RFC 3986 3.2.2 writes it: an IP literal in brackets (APR
 * hands it over without them) or a reg-name / IPv4 address, and nothing
 * in the authority that apr_uri_parse would pass over (it takes
 * "[[a]1" for the host "[a]" and drops the rest), so that the URL means
 * one thing to every reader and its canonical form is a fixed point. */
static int host_ok(apr_pool_t *p, const apr_uri_t *u)
{
#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    const char *h = u->hostname;
    int literal = strchr(h, ':') != NULL;   /* IPv6, maybe with a zone */

    if (h[strspn(h, literal ? ALNUM ":.-_~%" : ALNUM "-._~%!$&'()*+,;=")]) {
        return 0;
    }
#undef ALNUM
    /* user info is refused before: the authority is host[:port] */
    return u->hostinfo
           && !strcasecmp(u->hostinfo,
                          apr_pstrcat(p, literal ? "[" : "", h,
                                      literal ? "]" : "",
                                      u->port_str ? ":" : "", u->port_str,
                                      NULL));
}

const char *mcp_parse_url(apr_pool_t *p, const char *arg)
{
    apr_uri_t u;

    if (!arg || apr_uri_parse(p, arg, &u) != APR_SUCCESS || !u.scheme
        || (strcasecmp(u.scheme, "https") && strcasecmp(u.scheme, "http"))
        || !u.hostname || !*u.hostname) {
        return apr_psprintf(p, "\"%s\" is not an absolute http(s) URL",
                            arg ? arg : "");
    }
    if (u.user || u.password) {
        return apr_psprintf(p, "\"%s\": user info is not allowed in the URL",
                            arg);
    }
    if (!host_ok(p, &u)) {
        return apr_psprintf(p, "\"%s\" has an invalid host", arg);
    }
    if (u.port_str && *u.port_str
        && (strspn(u.port_str, "0123456789") != strlen(u.port_str)
            || strlen(u.port_str) > 5 || atoi(u.port_str) < 1
            || atoi(u.port_str) > 65535)) {
        return apr_psprintf(p, "\"%s\" has an invalid port", arg);
    }
    if (u.fragment || strchr(arg, '#')) {
        return apr_psprintf(p, "\"%s\" must not have a fragment", arg);
    }
    for (; *arg; ++arg) {
        if ((unsigned char)*arg <= 0x20 || *arg == '"' || *arg == '\\'
            || (unsigned char)*arg >= 0x7f) {
            return "the URL has a space, quote, backslash or non-ASCII byte";
        }
    }
    return NULL;
}

const char *mcp_parse_scope(apr_pool_t *p, const char *arg)
{
    if (!mcp_scope_token_valid(arg)) {
        return apr_psprintf(p, "\"%s\" is not a valid scope (RFC 6749 3.3: "
                            "printable ASCII without space, '\"' or '\\')",
                            arg ? arg : "");
    }
    return NULL;
}

const char *mcp_parse_origin(apr_pool_t *p, const char *arg,
                             const char **out)
{
    apr_uri_t u;
    char *s;

    if (arg && !strcmp(arg, "*")) {
        *out = "*";
        return NULL;
    }
    if (mcp_parse_url(p, arg) != NULL) {
        return apr_psprintf(p, "\"%s\" is not an origin (scheme://host[:port])",
                            arg ? arg : "");
    }
    apr_uri_parse(p, arg, &u);
    if ((u.path && *u.path) || u.query) {
        return apr_psprintf(p, "\"%s\": an origin has no path or query", arg);
    }
    /* browsers send scheme and host in lower case */
    s = apr_pstrdup(p, arg);
    for (*out = s; *s; ++s) {
        *s = apr_tolower(*s);
    }
    return NULL;
}

/* support.c: the per-suite pool and the descriptive assertions. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>

#include "mcp_test.h"

static apr_pool_t *suite_pool;

static int suite_init(void)
{
    return apr_pool_create(&suite_pool, NULL) == APR_SUCCESS ? 0 : 1;
}

static int suite_cleanup(void)
{
    if (suite_pool) {
        apr_pool_destroy(suite_pool);
        suite_pool = NULL;
    }
    return 0;
}

CU_pSuite mcp_test_suite(const char *name)
{
    return CU_add_suite(name, suite_init, suite_cleanup);
}

apr_pool_t *mcp_test_pool(void)
{
    return suite_pool;
}

apr_array_header_t *mcp_test_strings(apr_pool_t *p, ...)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    const char *s;
    va_list ap;

    va_start(ap, p);
    while ((s = va_arg(ap, const char *)) != NULL) {
        APR_ARRAY_PUSH(a, const char *) = s;
    }
    va_end(ap);
    return a;
}

void mcp_test_assert(int ok, unsigned int line, const char *file,
                     const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* CUnit copies the condition text of a failure */
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, "",
                            CU_FALSE);
}

void mcp_test_assert_str(const char *got, const char *want, const char *ctx,
                         unsigned int line, const char *file)
{
    int ok = (!got && !want) || (got && want && !strcmp(got, want));

    mcp_test_assert(ok, line, file, "%s: want %s%s%s, got %s%s%s",
                    ctx ? ctx : "", want ? "\"" : "", want ? want : "NULL",
                    want ? "\"" : "", got ? "\"" : "", got ? got : "NULL",
                    got ? "\"" : "");
}

void mcp_test_assert_int(long long got, long long want, const char *ctx,
                         unsigned int line, const char *file)
{
    mcp_test_assert(got == want, line, file, "%s: want %lld, got %lld",
                    ctx ? ctx : "", want, got);
}

void mcp_test_assert_has(const char *got, const char *part, const char *ctx,
                         unsigned int line, const char *file)
{
    mcp_test_assert(got && strstr(got, part) != NULL, line, file,
                    "%s: want text containing \"%s\", got %s%s%s",
                    ctx ? ctx : "", part, got ? "\"" : "",
                    got ? got : "NULL", got ? "\"" : "");
}

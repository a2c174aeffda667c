/* support.c: the per-suite pool and the descriptive assertions. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <apr_file_io.h>
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

const char *mcp_test_read_file(apr_pool_t *p, const char *path,
                               apr_size_t *plen)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t got = 0;
    char *buf = NULL;
    apr_status_t rv;

    rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY,
                       APR_FPROT_OS_DEFAULT, p);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
        if (rv == APR_SUCCESS) {
            buf = apr_palloc(p, (apr_size_t)fi.size + 1);
            rv = fi.size ? apr_file_read_full(f, buf, (apr_size_t)fi.size,
                                              &got)
                         : APR_SUCCESS;
            buf[got] = '\0';
        }
        apr_file_close(f);
    }
    mcp_test_assert(rv == APR_SUCCESS, __LINE__, __FILE__,
                    "cannot read %s (run from the top of the repository)",
                    path);
    if (plen) {
        *plen = rv == APR_SUCCESS ? got : 0;
    }
    return rv == APR_SUCCESS ? buf : NULL;
}

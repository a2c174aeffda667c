/* mcp_test.h: what the CUnit unit tests of the core (src/mcp_*) share:
 * one suite-registration function per core module, the per-suite pool,
 * and a few assertions that print what they got when they fail.
 */
#ifndef MCP_TEST_H
#define MCP_TEST_H

#include <CUnit/CUnit.h>

#include <apr_pools.h>
#include <apr_tables.h>

/* One per core module; main.c calls them all. */
void mcp_test_add_util_suite(void);
void mcp_test_add_json_suite(void);
void mcp_test_add_parse_suite(void);
void mcp_test_add_resource_suite(void);
void mcp_test_add_challenge_suite(void);
void mcp_test_add_conf_suite(void);
void mcp_test_add_introspect_suite(void);
void mcp_test_add_claims_suite(void);
void mcp_test_add_rpc_suite(void);
void mcp_test_add_server_suite(void);
void mcp_test_add_tools_suite(void);
void mcp_test_add_schema_suite(void);
void mcp_test_add_cache_suite(void);
void mcp_test_add_flight_suite(void);
void mcp_test_add_memo_suite(void);
void mcp_test_add_session_suite(void);
void mcp_test_add_jwk_suite(void);
void mcp_test_add_jwt_suite(void);
void mcp_test_add_policy_suite(void);

/* A suite whose init creates the pool that mcp_test_pool() returns and
 * whose cleanup destroys it. NULL (and a CUnit error) on failure. */
CU_pSuite mcp_test_suite(const char *name);

/* Register the test function fn under its own (behavioural) name. */
#define MCP_TEST(suite, fn) CU_add_test((suite), #fn, (fn))

/* The pool of the running suite. */
apr_pool_t *mcp_test_pool(void);

/* An array of const char * from a NULL-terminated argument list. */
apr_array_header_t *mcp_test_strings(apr_pool_t *p, ...)
    __attribute__((sentinel));

/* A CUnit assertion with a printf-style description, so that a failing
 * table row says which row and what it got. */
void mcp_test_assert(int ok, unsigned int line, const char *file,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Strings equal (two NULLs are equal). ctx names the case. */
void mcp_test_assert_str(const char *got, const char *want, const char *ctx,
                         unsigned int line, const char *file);
void mcp_test_assert_int(long long got, long long want, const char *ctx,
                         unsigned int line, const char *file);
/* `got` contains `part` (NULL never does). */
void mcp_test_assert_has(const char *got, const char *part, const char *ctx,
                         unsigned int line, const char *file);

/* The whole file at path (relative to the top of the repository, where
 * the tests run), NUL-terminated, in p; NULL, and a failed assertion, when
 * it cannot be read. */
const char *mcp_test_read_file(apr_pool_t *p, const char *path,
                               apr_size_t *plen);

#define MCP_ASSERT_STR(got, want, ctx) \
    mcp_test_assert_str((got), (want), (ctx), __LINE__, __FILE__)
#define MCP_ASSERT_INT(got, want, ctx) \
    mcp_test_assert_int((long long)(got), (long long)(want), (ctx), \
                        __LINE__, __FILE__)
#define MCP_ASSERT_HAS(got, part, ctx) \
    mcp_test_assert_has((got), (part), (ctx), __LINE__, __FILE__)

#define MCP_NELTS(a) (sizeof(a) / sizeof((a)[0]))

#endif /* MCP_TEST_H */

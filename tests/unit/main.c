/* main.c: the CUnit runner for the core's unit tests (no httpd).
 *
 *   ./build/unit            every suite
 *   ./build/unit json rpc   only the suites named
 *
 * The exit code comes from CUnit's counters: CU_basic_run_tests() returns
 * CUE_SUCCESS even when assertions fail. */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <apr_general.h>

#include "mcp_test.h"

/* Run only the suites named on the command line. */
static void select_suites(int argc, char **argv)
{
    unsigned int pos;
    CU_pSuite s;
    int i, wanted;

    CU_set_fail_on_inactive(CU_FALSE);
    for (pos = 1; (s = CU_get_suite_at_pos(pos)) != NULL; ++pos) {
        for (wanted = 0, i = 1; i < argc; ++i) {
            wanted |= !strcmp(argv[i], s->pName);
        }
        CU_set_suite_active(s, wanted ? CU_TRUE : CU_FALSE);
    }
}

int main(int argc, char **argv)
{
    unsigned int failures;
    int i;

    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "apr_initialize failed\n");
        return 2;
    }
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        apr_terminate();
        return 2;
    }
    mcp_test_add_util_suite();
    mcp_test_add_json_suite();
    mcp_test_add_parse_suite();
    mcp_test_add_resource_suite();
    mcp_test_add_challenge_suite();
    mcp_test_add_conf_suite();
    mcp_test_add_introspect_suite();
    mcp_test_add_claims_suite();
    mcp_test_add_rpc_suite();
    mcp_test_add_server_suite();
    mcp_test_add_tools_suite();
    mcp_test_add_schema_suite();
    mcp_test_add_cache_suite();
    mcp_test_add_flight_suite();
    mcp_test_add_memo_suite();
    mcp_test_add_session_suite();
    mcp_test_add_jwk_suite();
    mcp_test_add_jwt_suite();
    mcp_test_add_policy_suite();
    if (CU_get_error() != CUE_SUCCESS) {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        CU_cleanup_registry();
        apr_terminate();
        return 2;
    }

    for (i = 1; i < argc; ++i) {
        if (!CU_get_suite(argv[i])) {
            fprintf(stderr, "no suite called \"%s\"\n", argv[i]);
            CU_cleanup_registry();
            apr_terminate();
            return 2;
        }
    }
    if (argc > 1) {
        select_suites(argc, argv);
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed()
               + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    apr_terminate();
    return failures ? 1 : 0;
}

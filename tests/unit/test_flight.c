/* test_flight.c: single flight inside one process (src/mcp_flight.c):
 * threads asking at once for one verdict wait for the first. */
#include <string.h>

#include <apr_atomic.h>
#include <apr_thread_proc.h>
#include <apr_time.h>

#include "mcp_flight.h"
#include "mcp_test.h"

#define THREADS 8

static mcp_flight_t *flight;
static volatile apr_uint32_t leaders, results, arrived;
/* 33 bytes, the last one a kind: a usable id (mcp_cache_id_usable) */
static const unsigned char ID[MCP_CACHE_ID_LEN] =
    "flight-test-id-0123456789abcdef-V";

static void *APR_THREAD_FUNC worker(apr_thread_t *t, void *data)
{
    apr_pool_t *p;
    const unsigned char *res;
    apr_size_t len;

    apr_pool_create(&p, NULL);
    apr_atomic_inc32(&arrived);
    switch (mcp_flight_join(flight, ID, apr_time_from_sec(5), p, &res,
                            &len)) {
    case MCP_FLIGHT_LEAD:
        apr_atomic_inc32(&leaders);
        /* "validating" until every thread has come to ask, however slowly
         * a loaded machine starts them */
        while (apr_atomic_read32(&arrived) < THREADS) {
            apr_sleep(apr_time_from_msec(10));
        }
        apr_sleep(apr_time_from_msec(200));
        mcp_flight_land(flight, ID, (const unsigned char *)"verdict", 7);
        break;
    case MCP_FLIGHT_RESULT:
        if (len == 7 && !memcmp(res, "verdict", 7)) {
            apr_atomic_inc32(&results);
        }
        break;
    default:
        break;
    }
    apr_pool_destroy(p);
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static void flight_concurrent_askers_share_one_leader(void)
{
    apr_pool_t *p = mcp_test_pool();
    apr_thread_t *t[THREADS];
    apr_status_t rv;
    int i;

    CU_ASSERT_EQUAL_FATAL(mcp_flight_create(&flight, p), APR_SUCCESS);
    leaders = results = arrived = 0;
    for (i = 0; i < THREADS; ++i) {
        CU_ASSERT_EQUAL_FATAL(apr_thread_create(&t[i], NULL, worker, NULL, p),
                              APR_SUCCESS);
    }
    for (i = 0; i < THREADS; ++i) {
        apr_thread_join(&rv, t[i]);
    }
    MCP_ASSERT_INT(leaders, 1, "one leader");
    MCP_ASSERT_INT(results, THREADS - 1, "everyone else got its result");

    /* the flight is over: the next asker leads a new one */
    {
        const unsigned char *res;
        apr_size_t len;
        MCP_ASSERT_INT(mcp_flight_join(flight, ID, 0, p, &res, &len),
                       MCP_FLIGHT_LEAD, "after landing");
        mcp_flight_land(flight, ID, NULL, 0);
    }
}

static void flight_failure_and_timeout_reach_the_waiters(void)
{
    apr_pool_t *p = mcp_test_pool();
    const unsigned char *res;
    apr_size_t len;
    mcp_flight_t *f;

    CU_ASSERT_EQUAL_FATAL(mcp_flight_create(&f, p), APR_SUCCESS);
    MCP_ASSERT_INT(mcp_flight_join(f, ID, 0, p, &res, &len), MCP_FLIGHT_LEAD,
                   "first");
    /* the leader has not landed: a bounded wait runs out */
    MCP_ASSERT_INT(mcp_flight_join(f, ID, apr_time_from_msec(20), p, &res,
                                   &len), MCP_FLIGHT_TIMEOUT, "timeout");
    mcp_flight_land(f, ID, NULL, 0);
    MCP_ASSERT_INT(mcp_flight_join(f, ID, 0, p, &res, &len), MCP_FLIGHT_LEAD,
                   "new flight after a failed one");
    mcp_flight_land(f, ID, NULL, 0);
    /* an id that could not be computed: every asker leads alone, nobody
     * waits for (or gets) another token's verdict */
    {
        unsigned char none[MCP_CACHE_ID_LEN];
        memset(none, 0, sizeof(none));
        MCP_ASSERT_INT(mcp_flight_join(f, none, 0, p, &res, &len),
                       MCP_FLIGHT_LEAD, "unusable id, first");
        MCP_ASSERT_INT(mcp_flight_join(f, none, apr_time_from_msec(20), p,
                                       &res, &len), MCP_FLIGHT_LEAD,
                       "unusable id, second: leads too");
        mcp_flight_land(f, none, NULL, 0);
    }
    /* no table: everyone leads */
    MCP_ASSERT_INT(mcp_flight_join(NULL, ID, 0, p, &res, &len),
                   MCP_FLIGHT_LEAD, "NULL table");
}

static void *APR_THREAD_FUNC failing_leader(apr_thread_t *t, void *data)
{
    apr_sleep(apr_time_from_msec(100));
    mcp_flight_land(data, ID, NULL, 0);
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static void flight_waiter_learns_that_the_leader_failed(void)
{
    apr_pool_t *p = mcp_test_pool();
    const unsigned char *res;
    apr_size_t len;
    apr_thread_t *t;
    apr_status_t rv;
    mcp_flight_t *f;

    CU_ASSERT_EQUAL_FATAL(mcp_flight_create(&f, p), APR_SUCCESS);
    MCP_ASSERT_INT(mcp_flight_join(f, ID, 0, p, &res, &len), MCP_FLIGHT_LEAD,
                   "leader");
    CU_ASSERT_EQUAL_FATAL(apr_thread_create(&t, NULL, failing_leader, f, p),
                          APR_SUCCESS);
    MCP_ASSERT_INT(mcp_flight_join(f, ID, apr_time_from_sec(5), p, &res,
                                   &len), MCP_FLIGHT_FAILED, "waiter");
    apr_thread_join(&rv, t);
}

void mcp_test_add_flight_suite(void)
{
    CU_pSuite s = mcp_test_suite("flight");

    MCP_TEST(s, flight_concurrent_askers_share_one_leader);
    MCP_TEST(s, flight_failure_and_timeout_reach_the_waiters);
    MCP_TEST(s, flight_waiter_learns_that_the_leader_failed);
}

/* test_memo.c: the per-process first level of the verdict cache
 * (src/mcp_memo.c): what it gives back, for how long, and that threads
 * reading and replacing slots at once never see a torn entry. */
#include <string.h>

#include <apr_atomic.h>
#include <apr_thread_proc.h>
#include <apr_time.h>

#include "mcp_memo.h"
#include "mcp_test.h"

#define NOW apr_time_from_sec(1700000000)

static void id_of(unsigned char id[MCP_CACHE_ID_LEN], unsigned n)
{
    memset(id, 0, MCP_CACHE_ID_LEN);
    id[0] = (unsigned char)(n >> 8);
    id[1] = (unsigned char)n;
    id[5] = 'x';
    id[MCP_CACHE_ID_LEN - 1] = 'V';     /* a usable id */
}

static void memo_gives_back_what_was_put_until_its_time(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], buf[64];
    apr_size_t len = sizeof(buf);
    mcp_memo_t *m;

    CU_ASSERT_EQUAL_FATAL(mcp_memo_create(&m, p, 16), APR_SUCCESS);
    id_of(id, 1);
    MCP_ASSERT_INT(mcp_memo_get(m, id, NOW, buf, &len), 0, "empty");
    mcp_memo_put(m, id, (const unsigned char *)"entry-1", 7,
                 NOW + apr_time_from_sec(5), NOW);
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, id, NOW + apr_time_from_sec(4), buf, &len),
                   1, "before until");
    MCP_ASSERT_INT((int)len, 7, "length");
    CU_ASSERT(!memcmp(buf, "entry-1", 7));
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, id, NOW + apr_time_from_sec(5), buf, &len),
                   0, "at until: gone, never longer than the shared cache");
    /* what has no time left is not kept at all */
    mcp_memo_put(m, id, (const unsigned char *)"entry-2", 7, NOW, NOW);
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, id, NOW - 1, buf, &len), 1,
                   "the older entry is still there");
    CU_ASSERT(!memcmp(buf, "entry-1", 7));
}

static void memo_rereads_the_shared_cache_every_few_seconds(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], none[MCP_CACHE_ID_LEN], buf[64];
    apr_size_t len;
    mcp_memo_t *m;

    CU_ASSERT_EQUAL_FATAL(mcp_memo_create(&m, p, 16), APR_SUCCESS);
    id_of(id, 7);
    /* the shared cache keeps it a minute; the memo a few seconds of it,
     * so a verdict another process replaced there arrives here soon */
    mcp_memo_put(m, id, (const unsigned char *)"e", 1,
                 NOW + apr_time_from_sec(60), NOW);
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, id, NOW + MCP_MEMO_MAX_AGE - 1, buf, &len),
                   1, "within the memo's age");
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, id, NOW + MCP_MEMO_MAX_AGE, buf, &len), 0,
                   "older than MCP_MEMO_MAX_AGE: read the shared cache");
    /* an id that could not be computed is every token's: never kept */
    memset(none, 0, sizeof(none));
    CU_ASSERT_FALSE(mcp_cache_id_usable(none));
    mcp_memo_put(m, none, (const unsigned char *)"e", 1, NOW + 10, NOW);
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, none, NOW, buf, &len), 0,
                   "unusable id");
}

static void memo_slot_holds_one_id_at_a_time(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char a[MCP_CACHE_ID_LEN], b[MCP_CACHE_ID_LEN], buf[64];
    apr_size_t len;
    mcp_memo_t *m;

    /* one slot: every id maps to it */
    CU_ASSERT_EQUAL_FATAL(mcp_memo_create(&m, p, 1), APR_SUCCESS);
    id_of(a, 1);
    id_of(b, 2);
    mcp_memo_put(m, a, (const unsigned char *)"A", 1, NOW + 10, NOW);
    mcp_memo_put(m, b, (const unsigned char *)"B", 1, NOW + 10, NOW);
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, a, NOW, buf, &len), 0,
                   "replaced: never another id's bytes");
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, b, NOW, buf, &len), 1, "the newer one");
    CU_ASSERT(buf[0] == 'B');
}

static void memo_bounds_sizes_and_arguments(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], big[MCP_MEMO_SLOT_DATA + 1], buf[8];
    apr_size_t len;
    mcp_memo_t *m;

    MCP_ASSERT_INT(mcp_memo_create(&m, p, 0), APR_EINVAL, "0 slots");
    CU_ASSERT_PTR_NULL(m);
    MCP_ASSERT_INT(mcp_memo_create(&m, p, MCP_MEMO_MAX_SLOTS + 1), APR_EINVAL,
                   "too many slots");
    CU_ASSERT_EQUAL_FATAL(mcp_memo_create(&m, p, 4), APR_SUCCESS);
    id_of(id, 3);
    memset(big, 'z', sizeof(big));
    mcp_memo_put(m, id, big, sizeof(big), NOW + 10, NOW);
    len = MCP_MEMO_SLOT_DATA + 1;
    MCP_ASSERT_INT(mcp_memo_get(m, id, NOW, big, &len), 0,
                   "larger than a slot: not kept");
    mcp_memo_put(m, id, big, 16, NOW + 10, NOW);
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(m, id, NOW, buf, &len), 0,
                   "larger than the caller's buffer: not copied");
    /* off: NULL memo */
    mcp_memo_put(NULL, id, big, 16, NOW + 10, NOW);
    len = sizeof(buf);
    MCP_ASSERT_INT(mcp_memo_get(NULL, id, NOW, buf, &len), 0, "NULL memo");
}

#if APR_HAS_THREADS
#define THREADS 4
#define ROUNDS  20000

static mcp_memo_t *shared;
static volatile apr_uint32_t torn;

/* Each id's bytes are its own number repeated: a reader that ever sees a
 * mix of two entries, or an id with another id's bytes, counts it. */
static void *APR_THREAD_FUNC hammer(apr_thread_t *t, void *data)
{
    unsigned self = (unsigned)(apr_uintptr_t)data, i, n;
    unsigned char id[MCP_CACHE_ID_LEN], in[200], out[MCP_MEMO_SLOT_DATA];
    apr_size_t len, k;

    for (i = 0; i < ROUNDS; ++i) {
        n = (i * 7 + self) % 64;
        id_of(id, n);
        memset(in, (int)n, 50 + n);
        mcp_memo_put(shared, id, in, 50 + n, NOW + 100, NOW);
        n = (i * 13 + self * 5) % 64;
        id_of(id, n);
        len = sizeof(out);
        if (mcp_memo_get(shared, id, NOW, out, &len)) {
            for (k = 0; k < len; ++k) {
                if (out[k] != n || len != 50 + n) {
                    apr_atomic_inc32(&torn);
                    break;
                }
            }
        }
    }
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static void memo_concurrent_readers_and_writers_never_tear(void)
{
    apr_pool_t *p = mcp_test_pool();
    apr_thread_t *t[THREADS];
    apr_status_t rv;
    unsigned i;

    /* fewer slots than ids: slots are replaced all the time */
    CU_ASSERT_EQUAL_FATAL(mcp_memo_create(&shared, p, 8), APR_SUCCESS);
    torn = 0;
    for (i = 0; i < THREADS; ++i) {
        CU_ASSERT_EQUAL_FATAL(apr_thread_create(&t[i], NULL, hammer,
                                                (void *)(apr_uintptr_t)i, p),
                              APR_SUCCESS);
    }
    for (i = 0; i < THREADS; ++i) {
        apr_thread_join(&rv, t[i]);
    }
    MCP_ASSERT_INT(torn, 0, "torn or foreign entries seen");
}
#endif

void mcp_test_add_memo_suite(void)
{
    CU_pSuite s = mcp_test_suite("memo");

    MCP_TEST(s, memo_gives_back_what_was_put_until_its_time);
    MCP_TEST(s, memo_rereads_the_shared_cache_every_few_seconds);
    MCP_TEST(s, memo_slot_holds_one_id_at_a_time);
    MCP_TEST(s, memo_bounds_sizes_and_arguments);
#if APR_HAS_THREADS
    MCP_TEST(s, memo_concurrent_readers_and_writers_never_tear);
#endif
}

/* test_session.c: session ids and records (src/mcp_session.c). */
#include <string.h>

#include <apr_strings.h>

#include "mcp_session.h"
#include "mcp_test.h"

static const unsigned char SECRET[MCP_CACHE_SECRET_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char OTHER[MCP_CACHE_SECRET_LEN] = "fedcba9876543210fedcba987654321";

static void session_ids_are_visible_ascii_and_checked(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char r1[MCP_SESSION_RANDOM_LEN], r2[MCP_SESSION_RANDOM_LEN];
    const char *a, *b, *s;

    memset(r1, 0xff, sizeof(r1));
    memset(r2, 0x00, sizeof(r2));
    a = mcp_session_id(p, r1, sizeof(r1));
    b = mcp_session_id(p, r2, sizeof(r2));
    MCP_ASSERT_INT(strlen(a), 22, "16 bytes: 22 characters");
    CU_ASSERT(strcmp(a, b) != 0);
    for (s = a; *s; ++s) {
        CU_ASSERT(*s >= 0x21 && *s <= 0x7e);
    }
    CU_ASSERT_TRUE(mcp_session_id_valid(a));
    CU_ASSERT_TRUE(mcp_session_id_valid(b));
    CU_ASSERT_FALSE(mcp_session_id_valid(NULL));
    CU_ASSERT_FALSE(mcp_session_id_valid(""));
    CU_ASSERT_FALSE(mcp_session_id_valid("short"));
    CU_ASSERT_FALSE(mcp_session_id_valid("0123456789abcdef 01"));
    CU_ASSERT_FALSE(mcp_session_id_valid("0123456789abcdef/..x"));
    CU_ASSERT_FALSE(mcp_session_id_valid(apr_pstrcat(p, a, a, a, a, NULL)));
}

static void session_owner_tells_users_apart(void)
{
    apr_pool_t *p = mcp_test_pool();

    MCP_ASSERT_STR(mcp_session_owner(p, "https://as", "alice"),
                   mcp_session_owner(p, "https://as", "alice"), "same");
    CU_ASSERT(strcmp(mcp_session_owner(p, "https://as", "alice"),
                     mcp_session_owner(p, "https://as", "bob")) != 0);
    CU_ASSERT(strcmp(mcp_session_owner(p, "https://as", "alice"),
                     mcp_session_owner(p, "https://other", "alice")) != 0);
    /* no way to shift a character between the two parts */
    CU_ASSERT(strcmp(mcp_session_owner(p, "a b", "c"),
                     mcp_session_owner(p, "a", "b c")) != 0);
    CU_ASSERT(strcmp(mcp_session_owner(p, NULL, NULL),
                     mcp_session_owner(p, "", "x")) != 0);
}

static void session_record_round_trips_and_is_sealed(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], other[MCP_CACHE_ID_LEN], *buf;
    mcp_session_t in = { "\"https://as\" \"alice\"", "2025-06-18", "error",
                         apr_time_from_sec(1700000000),
                         apr_time_from_sec(1700000100) }, *out;
    apr_size_t len, i;

    mcp_session_cache_id(id, "abcdefghijklmnopqrstuv");
    mcp_session_cache_id(other, "abcdefghijklmnopqrstuw");
    CU_ASSERT(memcmp(id, other, MCP_CACHE_ID_LEN) != 0);
    buf = mcp_session_encode(p, &in, id, SECRET, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    CU_ASSERT_EQUAL_FATAL(mcp_session_decode(&out, p, buf, len, id, SECRET),
                          APR_SUCCESS);
    MCP_ASSERT_STR(out->owner, in.owner, "owner");
    MCP_ASSERT_STR(out->version, "2025-06-18", "version");
    MCP_ASSERT_STR(out->level, "error", "level");
    CU_ASSERT_EQUAL(out->created, in.created);
    CU_ASSERT_EQUAL(out->used, in.used);
    /* another secret, another session's id, any flipped byte: refused */
    CU_ASSERT_NOT_EQUAL(mcp_session_decode(&out, p, buf, len, id, OTHER),
                        APR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(mcp_session_decode(&out, p, buf, len, other, SECRET),
                        APR_SUCCESS);
    for (i = 0; i < len; ++i) {
        buf[i] ^= 0x01;
        CU_ASSERT_NOT_EQUAL(mcp_session_decode(&out, p, buf, len, id, SECRET),
                            APR_SUCCESS);
        buf[i] ^= 0x01;
    }
}

/* Found by fuzzing (tests/fuzz/crashes/cache-session-time-overflow.bin):
 * an authentic record whose times do not fit apr_time_t is malformed. */
static void session_record_with_out_of_range_times_is_refused(void)
{
    apr_pool_t *p = mcp_test_pool();
    unsigned char id[MCP_CACHE_ID_LEN], *buf;
    static const char *const records[] = {
        "{\"owner\":\"a\",\"version\":\"2025-06-18\",\"created\":1e300,"
        "\"used\":1}",
        "{\"owner\":\"a\",\"version\":\"2025-06-18\",\"created\":1,"
        "\"used\":9.3e18}",
        "{\"owner\":\"a\",\"version\":\"2025-06-18\",\"created\":-1,"
        "\"used\":1}",
    };
    mcp_session_t *out;
    apr_size_t len, i;

    mcp_session_cache_id(id, "abcdefghijklmnopqrstuv");
    for (i = 0; i < sizeof(records) / sizeof(records[0]); ++i) {
        buf = mcp_cache_seal(p, id, (const unsigned char *)records[i],
                             strlen(records[i]), SECRET, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        CU_ASSERT_NOT_EQUAL(mcp_session_decode(&out, p, buf, len, id, SECRET),
                            APR_SUCCESS);
    }
}

static void session_log_levels_are_ranked(void)
{
    MCP_ASSERT_INT(mcp_log_level_rank("debug"), 0, "debug");
    MCP_ASSERT_INT(mcp_log_level_rank("info"), 1, "info");
    MCP_ASSERT_INT(mcp_log_level_rank("warning"), 3, "warning");
    MCP_ASSERT_INT(mcp_log_level_rank("emergency"), 7, "emergency");
    MCP_ASSERT_INT(mcp_log_level_rank("warn"), -1, "warn");
    MCP_ASSERT_INT(mcp_log_level_rank("INFO"), -1, "INFO");
    MCP_ASSERT_INT(mcp_log_level_rank(NULL), -1, "NULL");
}

void mcp_test_add_session_suite(void)
{
    CU_pSuite s = mcp_test_suite("session");

    MCP_TEST(s, session_ids_are_visible_ascii_and_checked);
    MCP_TEST(s, session_owner_tells_users_apart);
    MCP_TEST(s, session_record_round_trips_and_is_sealed);
    MCP_TEST(s, session_record_with_out_of_range_times_is_refused);
    MCP_TEST(s, session_log_levels_are_ranked);
}

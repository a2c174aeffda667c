/* fuzz_common.h: what the libFuzzer targets of tests/fuzz/ share: APR
 * set-up, one pool per input, copies of the input in the shapes the core
 * receives it (exact-length bytes, NUL-terminated strings), and a check
 * that aborts (so that libFuzzer saves the input) when a property fails.
 *
 * fuzz_common.c also replaces apr_palloc/apr_pcalloc by malloc-backed
 * allocations freed when their pool is cleared or destroyed, so that
 * AddressSanitizer sees every pool allocation with its own red zones
 * (plain APR carves allocations out of 8 KB blocks, where an overflow by
 * a few bytes goes unnoticed). MCP_FUZZ_REAL_POOLS=1 in the environment
 * turns that off.
 */
#ifndef MCP_FUZZ_COMMON_H
#define MCP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <apr_pools.h>
#include <apr_tables.h>

#include "mcp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* apr_initialize (once) and a process-lifetime pool for what a target
 * sets up once (registries, key sets, configurations). */
apr_pool_t *fuzz_init(void);

/* A fresh pool for one input; destroy it with fuzz_pool_done. */
apr_pool_t *fuzz_pool(void);
void fuzz_pool_done(apr_pool_t *p);

/* The input as exactly len bytes of their own heap block (no NUL after
 * them: a read past the end is a heap-buffer-overflow). */
const char *fuzz_bytes(apr_pool_t *p, const uint8_t *data, size_t len);

/* The input as a NUL-terminated string (up to its first NUL, as an HTTP
 * header or a configuration value would be). */
const char *fuzz_cstr(apr_pool_t *p, const uint8_t *data, size_t len);

/* The input split at `sep` into NUL-terminated strings (const char *). */
apr_array_header_t *fuzz_split(apr_pool_t *p, const uint8_t *data,
                               size_t len, char sep);

/* A property that must hold: print what, and abort, when it does not. */
#define FUZZ_CHECK(cond, what) \
    do { \
        if (!(cond)) { \
            fuzz_fail(__FILE__, __LINE__, #cond, (what)); \
        } \
    } while (0)

void fuzz_fail(const char *file, int line, const char *cond,
               const char *what) __attribute__((noreturn));

/* 1 when MCP_FUZZ_SKIP_KNOWN=1: the targets then step around the inputs
 * of known, reported findings (docs/fuzzing.md, tests/fuzz/crashes/)
 * instead of stopping at them, so that a long run explores the rest.
 * Without it, a known finding fails the run like any other. */
int fuzz_skip_known(void);

/* A file of the repository (MCP_FUZZ_ROOT, the top of it, is set by
 * tests/fuzz/Makefile), NUL-terminated, in p; aborts when unreadable. */
const char *fuzz_read_file(apr_pool_t *p, const char *rel, apr_size_t *plen);

#endif /* MCP_FUZZ_COMMON_H */

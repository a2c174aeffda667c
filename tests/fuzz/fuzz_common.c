/* fuzz_common.c: see fuzz_common.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_file_io.h>
#include <apr_strings.h>

#include "fuzz_common.h"

/* ---- pool allocations through malloc ------------------------------------
 *
 * Every apr_palloc (from the core, and from libapr's own apr_pstrdup,
 * apr_array_push, apr_hash_set, ... which call it through the PLT) gets a
 * malloc block of exactly the size asked for. The blocks of a pool are
 * listed in a record found by the pool's address; one pool cleanup,
 * registered with the first allocation, frees them all when the pool is
 * cleared or destroyed. apr_psprintf and apr_pvsprintf write into the
 * pool's own blocks (they never call apr_palloc): those stay unchecked.
 */

typedef struct block_t {
    void *mem;
    struct block_t *next;
} block_t;

typedef struct record_t {
    apr_pool_t *pool;
    block_t *blocks;
    struct record_t *next;
} record_t;

#define NBUCKETS 1024

static record_t *buckets[NBUCKETS];
static int registering;     /* our own apr_pool_cleanup_register */
static int use_real = -1;   /* MCP_FUZZ_REAL_POOLS */
static void *(*real_palloc)(apr_pool_t *, apr_size_t);

static void *real(apr_pool_t *p, apr_size_t size)
{
    if (!real_palloc) {
        real_palloc = (void *(*)(apr_pool_t *, apr_size_t))
                      dlsym(RTLD_NEXT, "apr_palloc");
        if (!real_palloc) {
            fprintf(stderr, "fuzz: no apr_palloc in libapr\n");
            abort();
        }
    }
    return real_palloc(p, size);
}

static record_t **slot(apr_pool_t *p)
{
    uintptr_t h = (uintptr_t)p;

    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15ull;
    return &buckets[(h >> 20) % NBUCKETS];
}

static apr_status_t free_blocks(void *data)
{
    record_t *rec = data, **r;
    block_t *b, *next;

    for (b = rec->blocks; b; b = next) {
        next = b->next;
        free(b->mem);
        free(b);
    }
    for (r = slot(rec->pool); *r; r = &(*r)->next) {
        if (*r == rec) {
            *r = rec->next;
            break;
        }
    }
    free(rec);
    return APR_SUCCESS;
}

/* apr_pools.h makes apr_pcalloc a macro; the library has the function */
#undef apr_pcalloc
void *apr_pcalloc(apr_pool_t *p, apr_size_t size);

void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    record_t *rec;
    block_t *b;

    if (use_real < 0) {
        const char *e = getenv("MCP_FUZZ_REAL_POOLS");
        use_real = e && *e && strcmp(e, "0") != 0;
    }
    if (use_real || registering) {
        return real(p, size);
    }
    for (rec = *slot(p); rec && rec->pool != p; rec = rec->next) {
    }
    if (!rec) {
        rec = calloc(1, sizeof(*rec));
        if (!rec) {
            abort();
        }
        rec->pool = p;
        rec->next = *slot(p);
        *slot(p) = rec;
        registering = 1;
        apr_pool_cleanup_register(p, rec, free_blocks,
                                  apr_pool_cleanup_null);
        registering = 0;
    }
    b = malloc(sizeof(*b));
    if (!b || !(b->mem = malloc(size))) {
        /* APR would call the pool's abort function: out of memory */
        fprintf(stderr, "fuzz: out of memory (%lu bytes)\n",
                (unsigned long)size);
        abort();
    }
    b->next = rec->blocks;
    rec->blocks = b;
    return b->mem;
}

void *apr_pcalloc(apr_pool_t *p, apr_size_t size)
{
    void *m = apr_palloc(p, size);

    memset(m, 0, size);
    return m;
}

/* ---- the rest ------------------------------------------------------------ */

static apr_pool_t *global_pool;

apr_pool_t *fuzz_init(void)
{
    if (!global_pool) {
        if (apr_initialize() != APR_SUCCESS
            || apr_pool_create(&global_pool, NULL) != APR_SUCCESS) {
            fprintf(stderr, "fuzz: apr_initialize failed\n");
            abort();
        }
    }
    return global_pool;
}

apr_pool_t *fuzz_pool(void)
{
    apr_pool_t *p = NULL;

    fuzz_init();
    if (apr_pool_create(&p, NULL) != APR_SUCCESS) {
        abort();
    }
    return p;
}

void fuzz_pool_done(apr_pool_t *p)
{
    apr_pool_destroy(p);
}

const char *fuzz_bytes(apr_pool_t *p, const uint8_t *data, size_t len)
{
    char *b = apr_palloc(p, len ? len : 1);

    if (len) {
        memcpy(b, data, len);
    }
    return b;
}

const char *fuzz_cstr(apr_pool_t *p, const uint8_t *data, size_t len)
{
    return apr_pstrmemdup(p, (const char *)data, len);
}

apr_array_header_t *fuzz_split(apr_pool_t *p, const uint8_t *data,
                               size_t len, char sep)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    size_t i, start = 0;

    for (i = 0; i <= len; ++i) {
        if (i == len || data[i] == (uint8_t)sep) {
            APR_ARRAY_PUSH(a, const char *) =
                apr_pstrmemdup(p, (const char *)data + start, i - start);
            start = i + 1;
        }
    }
    return a;
}

void fuzz_fail(const char *file, int line, const char *cond,
               const char *what)
{
    fprintf(stderr, "\n%s:%d: property failed: %s (%s)\n", file, line, cond,
            what ? what : "");
    abort();
}

int fuzz_skip_known(void)
{
    static int skip = -1;

    if (skip < 0) {
        const char *e = getenv("MCP_FUZZ_SKIP_KNOWN");

        skip = e && *e && strcmp(e, "0") != 0;
    }
    return skip;
}

#ifndef MCP_FUZZ_ROOT
#define MCP_FUZZ_ROOT "."
#endif

const char *fuzz_read_file(apr_pool_t *p, const char *rel, apr_size_t *plen)
{
    const char *path = apr_pstrcat(p, MCP_FUZZ_ROOT, "/", rel, NULL);
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "fuzz: cannot read %s\n", path);
        abort();
    }
    buf = apr_palloc(p, (apr_size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "fuzz: cannot read %s\n", path);
        abort();
    }
    fclose(f);
    buf[n] = '\0';
    if (plen) {
        *plen = (apr_size_t)n;
    }
    return buf;
}

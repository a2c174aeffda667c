/* mcp_digest.c: per-thread SHA-256 and HMAC-SHA256 contexts, see
 * mcp_digest.h. */
#include <pthread.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "mcp_digest.h"

typedef struct {
    EVP_MD_CTX *md;
    EVP_MAC_CTX *mac;
} per_thread_t;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static int key_ok;
static EVP_MD *sha256;          /* fetched once, kept for the process */
static EVP_MAC *hmac;

static void free_thread(void *data)
{
    per_thread_t *t = data;

    EVP_MD_CTX_free(t->md);
    EVP_MAC_CTX_free(t->mac);
    OPENSSL_free(t);
}

static void init_once(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    key_ok = pthread_key_create(&key, free_thread) == 0;
}

static per_thread_t *thread_state(void)
{
    OSSL_PARAM params[2];
    per_thread_t *t;

    if (pthread_once(&once, init_once) != 0 || !key_ok || !sha256 || !hmac) {
        return NULL;
    }
    if ((t = pthread_getspecific(key)) != NULL) {
        return t;
    }
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    /* the digest is set once: naming it at every init fetches it again,
     * under a lock of OpenSSL's provider store */
    if (!(t = OPENSSL_zalloc(sizeof(*t)))
        || !(t->md = EVP_MD_CTX_new())
        || !(t->mac = EVP_MAC_CTX_new(hmac))
        || !EVP_MAC_CTX_set_params(t->mac, params)
        || pthread_setspecific(key, t) != 0) {
        if (t) {
            free_thread(t);
        }
        return NULL;
    }
    return t;
}

EVP_MD_CTX *mcp_sha256_begin(void)
{
    per_thread_t *t = thread_state();

    if (!t || !EVP_DigestInit_ex2(t->md, sha256, NULL)) {
        return NULL;
    }
    return t->md;
}

int mcp_sha256_final(EVP_MD_CTX *md, unsigned char out[MCP_SHA256_LEN])
{
    unsigned int n = 0;

    return EVP_DigestFinal_ex(md, out, &n) && n == MCP_SHA256_LEN;
}

int mcp_hmac_sha256(unsigned char out[MCP_SHA256_LEN],
                    const unsigned char *k, apr_size_t keylen,
                    const void *a, apr_size_t alen,
                    const void *b, apr_size_t blen)
{
    per_thread_t *t = thread_state();
    size_t n = 0;

    if (!t) {
        return 0;
    }
    return EVP_MAC_init(t->mac, k, keylen, NULL)
           && EVP_MAC_update(t->mac, a, alen)
           && (blen == 0 || EVP_MAC_update(t->mac, b, blen))
           && EVP_MAC_final(t->mac, out, &n, MCP_SHA256_LEN)
           && n == MCP_SHA256_LEN;
}

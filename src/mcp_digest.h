/* mcp_digest.h: SHA-256 and HMAC-SHA256 for the request path. The
 * algorithms are fetched once per process and each thread keeps its own
 * contexts, reset for every use: no EVP fetch and no malloc per request
 * (EVP_Q_mac and EVP_MD_CTX_new cost both, every time).
 */
#ifndef MCP_DIGEST_H
#define MCP_DIGEST_H

#include <openssl/evp.h>

#include "mcp.h"

#define MCP_SHA256_LEN 32

/* This thread's SHA-256 context, initialized for a new digest; NULL when
 * OpenSSL fails. Finish with mcp_sha256_final before the next begin. */
EVP_MD_CTX *mcp_sha256_begin(void);

/* 1 on success. */
int mcp_sha256_final(EVP_MD_CTX *md, unsigned char out[MCP_SHA256_LEN]);

/* HMAC-SHA256(key, a || b) into out; 1 on success. */
int mcp_hmac_sha256(unsigned char out[MCP_SHA256_LEN],
                    const unsigned char *key, apr_size_t keylen,
                    const void *a, apr_size_t alen,
                    const void *b, apr_size_t blen);

#endif /* MCP_DIGEST_H */

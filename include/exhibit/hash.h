/*
 * exhibit/hash.h — one pass over a file's bytes, both digests from it.
 *
 * Every file in a bundle needs its SHA-256 (manifests) and its BLAKE2b-512
 * (what a minisign "ED" signature signs).  An ex_digest computes both from
 * the same bytes, so hashing rides along with copying or writing and no
 * file is read twice for its digests.  An ex_digest is a plain value the
 * caller owns (stack or struct member); nothing in it needs freeing.
 */
#ifndef EXHIBIT_HASH_H
#define EXHIBIT_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "exhibit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EX_SHA256_BYTES 32
#define EX_SHA256_HEX (EX_SHA256_BYTES * 2 + 1)
#define EX_BLAKE2B_BYTES 64

typedef struct ex_digest {
	crypto_hash_sha256_state sha256;
	crypto_generichash_state blake2b;
	uint64_t size;              /* bytes seen so far */
} ex_digest;

typedef struct ex_digest_result {
	unsigned char sha256[EX_SHA256_BYTES];
	unsigned char blake2b[EX_BLAKE2B_BYTES];
	uint64_t size;
} ex_digest_result;

/* ex_digest_init also calls sodium_init() (safe to repeat). */
ex_status ex_digest_init(ex_digest *d, ex_error *err);
void ex_digest_update(ex_digest *d, const void *buf, size_t len);
void ex_digest_final(ex_digest *d, ex_digest_result *out);

/* Digest a whole file, reading it in chunks (never loaded whole). */
ex_status ex_digest_file(const char *path, ex_digest_result *out,
    ex_error *err);
/* Digest an open descriptor from its current position to EOF. */
ex_status ex_digest_fd(int fd, const char *name, ex_digest_result *out,
    ex_error *err);
/* Digest a memory buffer. */
void ex_digest_buffer(const void *buf, size_t len, ex_digest_result *out);

/* Lower-case hex of a SHA-256: hex must hold EX_SHA256_HEX bytes. */
char *ex_sha256_hex(const unsigned char sha256[EX_SHA256_BYTES], char *hex);
/* Parse 64 hex digits (either case); EX_ERR_FORMAT otherwise. */
ex_status ex_sha256_from_hex(const char *hex, unsigned char out[EX_SHA256_BYTES],
    ex_error *err);

/* Constant-time comparison of two digests of len bytes. */
int ex_digest_equal(const unsigned char *a, const unsigned char *b,
    size_t len);

#ifdef __cplusplus
}
#endif

#endif

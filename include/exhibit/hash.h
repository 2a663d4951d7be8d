/*
 * exhibit/hash.h — one pass over a file's bytes, both digests from it.
 *
 * Every file in a bundle needs its SHA-256 (manifests) and its BLAKE2b-512
 * (what a minisign "ED" signature signs).  An ex_digest computes both from
 * the same bytes, so hashing rides along with copying or writing and no
 * file is read twice for its digests.  An ex_digest is a value the caller
 * owns (stack or struct member), but ex_digest_init may allocate (libcrypto's
 * BLAKE2b context): every digest it started ends in ex_digest_final or, when
 * abandoned, ex_digest_discard; both release it.  Discard also accepts a
 * digest already finalised or discarded, or filled with zero bytes, so a
 * cleanup path may call it unconditionally.
 *
 * Speed.  Both digests come from OpenSSL's libcrypto when exhibit is built
 * with it: SHA-256 uses the CPU's SHA instructions (~1.6 GB/s here against
 * ~350 MB/s for libsodium 1.0.18's portable C) and its BLAKE2b runs at
 * ~870 MB/s against libsodium 1.0.18's ~590 MB/s (coreutils' b2sum: ~700-900
 * MB/s).  Without libcrypto both come from libsodium.  An ex_hasher runs the
 * BLAKE2b half of each update on a helper thread while the caller's thread
 * does the SHA-256 half and its own I/O, so one large file is digested on
 * two cores.  Either way the digests are the same.
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
	union {                     /* libcrypto's or libsodium's state */
		crypto_hash_sha256_state sodium;
		unsigned char raw[128];
		uint64_t align;
	} sha256;
	union {                     /* libcrypto's context or libsodium's state */
		crypto_generichash_state sodium;
		void *evp;          /* EVP_MD_CTX *, owned; NULL when none */
	} blake2b;
	uint64_t size;              /* bytes seen so far */
} ex_digest;

typedef struct ex_digest_result {
	unsigned char sha256[EX_SHA256_BYTES];
	unsigned char blake2b[EX_BLAKE2B_BYTES];
	uint64_t size;
} ex_digest_result;

/* ex_digest_init also calls sodium_init() (safe to repeat).  EX_ERR_NOMEM
 * or EX_ERR_CRYPTO; on failure d holds nothing to release.  ex_digest_update
 * needs a digest that ex_digest_init started and nothing has ended yet. */
ex_status ex_digest_init(ex_digest *d, ex_error *err);
void ex_digest_update(ex_digest *d, const void *buf, size_t len);
/* The digests; releases what d held and zeroes it. */
void ex_digest_final(ex_digest *d, ex_digest_result *out);
/* Abandon d: release what it holds, zero it (see the top of this file). */
void ex_digest_discard(ex_digest *d);

/* Digest a whole file, reading it in chunks (never loaded whole; the
 * next chunk is read while the last one is digested, on two threads). */
ex_status ex_digest_file(const char *path, ex_digest_result *out,
    ex_error *err);
/* Digest an open descriptor from its current position to EOF. */
ex_status ex_digest_fd(int fd, const char *name, ex_digest_result *out,
    ex_error *err);
/* Digest a memory buffer. */
void ex_digest_buffer(const void *buf, size_t len, ex_digest_result *out);

/*
 * SHA-256 alone of a whole file, and its size (for checking that a file
 * still has the bytes an earlier digest saw: half the work of
 * ex_digest_file).
 */
ex_status ex_sha256_file(const char *path, unsigned char out[EX_SHA256_BYTES],
    uint64_t *size, ex_error *err);

/*
 * ex_hasher: a helper thread for ex_digest updates.  ex_hasher_update()
 * hands the BLAKE2b half of an update to the helper and does the SHA-256
 * half before it returns; ex_hasher_wait() waits for the helper.  Between
 * the two, buf and d must not change (d must not be read or finalised),
 * and the caller is free to write buf elsewhere or read the next chunk
 * into another buffer: that is where the time is won.  One update in
 * flight per hasher; a hasher serves one thread.  Updates shorter than
 * EX_HASHER_MIN bytes are done entirely in the caller (a hand-off costs
 * more than it saves).  h may be NULL in update and wait: then every
 * update is done in the caller, so callers need no second code path when
 * a thread cannot be had.
 */
#define EX_HASHER_MIN (64 * 1024)
typedef struct ex_hasher ex_hasher;

/* Start the helper thread.  EX_ERR_NOMEM, or EX_ERR_IO when no thread
 * can be started (callers may go on with h NULL). */
ex_status ex_hasher_new(ex_hasher **out, ex_error *err);
void ex_hasher_update(ex_hasher *h, ex_digest *d, const void *buf,
    size_t len);
void ex_hasher_wait(ex_hasher *h);
/* Wait, stop the thread, free; accepts NULL; sets *h to NULL. */
void ex_hasher_free(ex_hasher **h);

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

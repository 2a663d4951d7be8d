/*
 * test_hash.c — the digests: known answers for SHA-256 and BLAKE2b-512
 * (whichever library computes them; ex_digest_buffer's one-shot BLAKE2b is
 * always libsodium's, so comparing it with a streamed digest compares the
 * two libraries), abandoned digests released by ex_digest_discard (ASan's
 * leak check fails a digest that keeps its context), the two-thread
 * ex_hasher giving the same digests as one thread for every chunk size and
 * keeping to its buffer contract, and whole-file digests (ex_digest_file,
 * ex_sha256_file) agreeing with the in-memory ones.
 */
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhibit/hash.h"
#include "scratch.h"

static void
hex(const unsigned char *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
assert_digest(const ex_digest_result *r, const char *sha, const char *b2)
{
	char buf[EX_BLAKE2B_BYTES * 2 + 1];

	hex(r->sha256, EX_SHA256_BYTES, buf);
	assert_string_equal(buf, sha);
	if (b2 != NULL) {
		hex(r->blake2b, EX_BLAKE2B_BYTES, buf);
		assert_string_equal(buf, b2);
	}
}

/* Deterministic pseudo-random bytes (xorshift). */
static unsigned char *
noise(size_t n, uint64_t seed)
{
	unsigned char *p = malloc(n ? n : 1);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = (unsigned char)(seed >> 24);
	}
	return p;
}

static void
test_known_answers(void **state)
{
	ex_digest_result r;
	ex_digest d;
	char *a;
	size_t done, step;

	(void)state;
	ex_digest_buffer("", 0, &r);
	assert_int_equal(r.size, 0);
	assert_digest(&r,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
	    "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
	ex_digest_buffer("abc", 3, &r);
	assert_int_equal(r.size, 3);
	assert_digest(&r,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
	    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");

	/* One million 'a' (FIPS 180-2), fed in uneven pieces. */
	a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	assert_int_equal(ex_digest_init(&d, NULL), EX_OK);
	for (done = 0, step = 1; done < 1000000; done += step, step = step *
	    3 + 1) {
		if (step > 1000000 - done)
			step = 1000000 - done;
		ex_digest_update(&d, a + done, step);
	}
	ex_digest_final(&d, &r);
	assert_int_equal(r.size, 1000000);
	assert_digest(&r,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	    "98fb3efb7206fd19ebf69b6f312cf7b64e3b94dbe1a17107913975a793f177e1"
	    "d077609d7fba363cbba00d05f7aa4e4fa8715d6428104c0a75643b0ff3fd3eaf");
	free(a);
}

/* A digest abandoned at any point is released by ex_digest_discard, which
 * a cleanup path may call again, after a final, or on zero bytes. */
static void
test_discard(void **state)
{
	ex_digest_result r;
	ex_digest d;

	(void)state;
	memset(&d, 0, sizeof(d));
	ex_digest_discard(&d);          /* zero bytes: nothing to release */
	ex_digest_discard(NULL);
	assert_int_equal(ex_digest_init(&d, NULL), EX_OK);
	ex_digest_discard(&d);          /* started, never fed */
	ex_digest_discard(&d);          /* twice */
	assert_int_equal(ex_digest_init(&d, NULL), EX_OK);
	ex_digest_update(&d, "abd", 3);
	ex_digest_discard(&d);          /* fed, abandoned */
	/* The next digest starts afresh: no byte of the abandoned one. */
	assert_int_equal(ex_digest_init(&d, NULL), EX_OK);
	ex_digest_update(&d, "ab", 2);
	ex_digest_update(&d, "c", 1);
	ex_digest_final(&d, &r);
	ex_digest_discard(&d);          /* after a final */
	assert_int_equal(r.size, 3);
	assert_digest(&r,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
	    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
}

/* Digest data in chunks of the given sizes through h (may be NULL),
 * copying each chunk into one of two buffers in turn and scribbling over
 * a buffer as soon as the contract allows: a helper that read a buffer
 * late would digest the scribble. */
static void
hasher_digest(ex_hasher *h, const unsigned char *data, size_t len,
    const size_t *sizes, size_t nsizes, ex_digest_result *out)
{
	unsigned char *buf[2];
	size_t done = 0, k = 0;
	ex_digest d;
	int cur = 0;

	buf[0] = malloc(4 << 20);
	buf[1] = malloc(4 << 20);
	assert_non_null(buf[0]);
	assert_non_null(buf[1]);
	assert_int_equal(ex_digest_init(&d, NULL), EX_OK);
	while (done < len) {
		size_t n = sizes[k++ % nsizes];

		if (n > len - done)
			n = len - done;
		memcpy(buf[cur], data + done, n);
		ex_hasher_update(h, &d, buf[cur], n);
		/* The other buffer was released by this update's wait. */
		memset(buf[cur ^ 1], 0xA5, 4 << 20);
		done += n;
		cur ^= 1;
	}
	ex_hasher_wait(h);
	memset(buf[0], 0x5A, 4 << 20);
	memset(buf[1], 0x5A, 4 << 20);
	ex_digest_final(&d, out);
	free(buf[0]);
	free(buf[1]);
}

static void
test_hasher_matches_one_thread(void **state)
{
	static const size_t mixed[] = { 1, 1000, EX_HASHER_MIN - 1,
	    EX_HASHER_MIN, EX_HASHER_MIN + 1, 1 << 20, (3 << 20) - 7, 17 };
	static const size_t big[] = { 1 << 20 };
	const size_t len = (9 << 20) + 123;
	unsigned char *data = noise(len, 0x9e3779b97f4a7c15ULL);
	ex_digest_result want, got;
	ex_hasher *h = NULL;

	(void)state;
	ex_digest_buffer(data, len, &want);
	assert_int_equal(want.size, len);
	assert_int_equal(ex_hasher_new(&h, NULL), EX_OK);
	assert_non_null(h);

	hasher_digest(h, data, len, mixed, sizeof(mixed) / sizeof(*mixed),
	    &got);
	assert_memory_equal(&got, &want, sizeof(want));
	hasher_digest(h, data, len, big, 1, &got);
	assert_memory_equal(&got, &want, sizeof(want));
	/* Without a helper (NULL) every update happens in the caller. */
	hasher_digest(NULL, data, len, mixed, sizeof(mixed) / sizeof(*mixed),
	    &got);
	assert_memory_equal(&got, &want, sizeof(want));

	/* A different byte anywhere gives different digests. */
	data[len / 2] ^= 1;
	hasher_digest(h, data, len, big, 1, &got);
	assert_memory_not_equal(got.sha256, want.sha256, EX_SHA256_BYTES);
	assert_memory_not_equal(got.blake2b, want.blake2b, EX_BLAKE2B_BYTES);

	ex_hasher_free(&h);
	assert_null(h);
	ex_hasher_free(&h);             /* NULL is fine */
	ex_hasher_free(NULL);
	free(data);
}

static void
test_file_digests(void **state)
{
	const size_t lens[] = { 0, 1, (1 << 20) - 1, 1 << 20, (3 << 20) + 17 };
	char dir[PATH_MAX / 2], path[PATH_MAX];
	size_t i;

	(void)state;
	assert_int_equal(scratch_make(dir, sizeof(dir), "test_hash"), 0);
	snprintf(path, sizeof(path), "%s/data", dir);
	for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		unsigned char *data = noise(lens[i], 1000 + i);
		unsigned char sha[EX_SHA256_BYTES];
		ex_digest_result want, got;
		uint64_t size = 12345;
		FILE *fp = fopen(path, "wb");
		ex_error err;

		assert_non_null(fp);
		assert_int_equal(fwrite(data, 1, lens[i], fp), lens[i]);
		assert_int_equal(fclose(fp), 0);
		ex_digest_buffer(data, lens[i], &want);
		memset(&got, 0, sizeof(got));
		assert_int_equal(ex_digest_file(path, &got, &err), EX_OK);
		assert_memory_equal(&got, &want, sizeof(want));
		assert_int_equal(ex_sha256_file(path, sha, &size, &err), EX_OK);
		assert_memory_equal(sha, want.sha256, EX_SHA256_BYTES);
		assert_int_equal(size, lens[i]);
		free(data);
	}
	assert_int_equal(unlink(path), 0);
	scratch_remove(dir);
}

static void
test_missing_file(void **state)
{
	unsigned char sha[EX_SHA256_BYTES];
	ex_digest_result r;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(ex_digest_file("no/such/file", &r, &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "no/such/file"));
	assert_non_null(strstr(err.message, "No such file"));
	ex_error_clear(&err);
	assert_int_equal(ex_sha256_file("no/such/file", sha, NULL, &err),
	    EX_ERR_IO);
	assert_non_null(strstr(err.message, "no/such/file"));
	assert_non_null(strstr(err.message, "No such file"));
	/* A folder opens but cannot be read. */
	ex_error_clear(&err);
	assert_int_equal(ex_sha256_file(".", sha, NULL, &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "Is a directory"));
	ex_error_clear(&err);
	assert_int_equal(ex_digest_file(".", &r, &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "Is a directory"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_hasher_matches_one_thread),
		cmocka_unit_test(test_file_digests),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

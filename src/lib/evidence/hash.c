/* hash.c — SHA-256 and BLAKE2b-512 of the same bytes in one pass. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhibit/hash.h"

#define CHUNK (1 << 20)

ex_status
ex_digest_init(ex_digest *d, ex_error *err)
{
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");
	crypto_hash_sha256_init(&d->sha256);
	crypto_generichash_init(&d->blake2b, NULL, 0, EX_BLAKE2B_BYTES);
	d->size = 0;
	return EX_OK;
}

void
ex_digest_update(ex_digest *d, const void *buf, size_t len)
{
	crypto_hash_sha256_update(&d->sha256, buf, len);
	crypto_generichash_update(&d->blake2b, buf, len);
	d->size += len;
}

void
ex_digest_final(ex_digest *d, ex_digest_result *out)
{
	crypto_hash_sha256_final(&d->sha256, out->sha256);
	crypto_generichash_final(&d->blake2b, out->blake2b, EX_BLAKE2B_BYTES);
	out->size = d->size;
	sodium_memzero(d, sizeof(*d));
}

ex_status
ex_digest_fd(int fd, const char *name, ex_digest_result *out, ex_error *err)
{
	unsigned char *buf;
	ex_digest d;
	ex_status st;
	ssize_t n;

	if ((st = ex_digest_init(&d, err)) != EX_OK)
		return st;
	if ((buf = malloc(CHUNK)) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "%s: out of memory",
		    name);
	for (;;) {
		n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = ex_error_errno(err, "%s: read", name);
			free(buf);
			return st;
		}
		if (n == 0)
			break;
		ex_digest_update(&d, buf, (size_t)n);
	}
	free(buf);
	ex_digest_final(&d, out);
	return EX_OK;
}

ex_status
ex_digest_file(const char *path, ex_digest_result *out, ex_error *err)
{
	ex_status st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ex_error_errno(err, "%s", path);
	st = ex_digest_fd(fd, path, out, err);
	close(fd);
	return st;
}

void
ex_digest_buffer(const void *buf, size_t len, ex_digest_result *out)
{
	ex_digest d;

	(void)ex_digest_init(&d, NULL);
	ex_digest_update(&d, buf, len);
	ex_digest_final(&d, out);
}

char *
ex_sha256_hex(const unsigned char sha256[EX_SHA256_BYTES], char *hex)
{
	return sodium_bin2hex(hex, EX_SHA256_HEX, sha256, EX_SHA256_BYTES);
}

ex_status
ex_sha256_from_hex(const char *hex, unsigned char out[EX_SHA256_BYTES],
    ex_error *err)
{
	size_t binlen = 0;
	const char *end = NULL;

	if (hex == NULL || strlen(hex) != EX_SHA256_BYTES * 2 ||
	    sodium_hex2bin(out, EX_SHA256_BYTES, hex, strlen(hex), NULL,
	    &binlen, &end) != 0 || binlen != EX_SHA256_BYTES || *end != '\0')
		return ex_error_set(err, EX_ERR_FORMAT,
		    "'%.80s' is not a SHA-256 in hex", hex != NULL ? hex : "");
	return EX_OK;
}

int
ex_digest_equal(const unsigned char *a, const unsigned char *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

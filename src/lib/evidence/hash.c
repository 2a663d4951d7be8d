/*
 * hash.c — SHA-256 and BLAKE2b-512 of the same bytes in one pass.
 *
 * SHA-256 is OpenSSL's when configure found libcrypto (HAVE_LIBCRYPTO):
 * its assembly uses the SHA extensions where the CPU has them and runs
 * about five times as fast as libsodium 1.0.18's portable C, which is the
 * fallback.  The low-level SHA256_* calls are used (not EVP) because
 * their state is a plain struct that fits in ex_digest without an
 * allocation, so an ex_digest stays a value that needs no freeing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBCRYPTO
/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP,
 * but still there and as fast; ask for the 1.1.1 API to keep them. */
# define OPENSSL_API_COMPAT 0x10101000L
# include <openssl/sha.h>
#endif

#include "base.h"
#include "exhibit/hash.h"

#define CHUNK (256 * 1024)

#ifdef HAVE_LIBCRYPTO
_Static_assert(sizeof(SHA256_CTX) <= sizeof(((ex_digest *)0)->sha256.raw),
    "SHA256_CTX does not fit in ex_digest");
# define SHA_CTX_OF(d) ((SHA256_CTX *)(void *)(d)->sha256.raw)
#endif

/* ---- SHA-256, from whichever library ------------------------------------ */

static void
sha_init(ex_digest *d)
{
#ifdef HAVE_LIBCRYPTO
	SHA256_Init(SHA_CTX_OF(d));
#else
	crypto_hash_sha256_init(&d->sha256.sodium);
#endif
}

static void
sha_update(ex_digest *d, const void *buf, size_t len)
{
#ifdef HAVE_LIBCRYPTO
	SHA256_Update(SHA_CTX_OF(d), buf, len);
#else
	crypto_hash_sha256_update(&d->sha256.sodium, buf, len);
#endif
}

static void
sha_final(ex_digest *d, unsigned char out[EX_SHA256_BYTES])
{
#ifdef HAVE_LIBCRYPTO
	SHA256_Final(out, SHA_CTX_OF(d));
#else
	crypto_hash_sha256_final(&d->sha256.sodium, out);
#endif
}

/* ---- the digest --------------------------------------------------------- */

ex_status
ex_digest_init(ex_digest *d, ex_error *err)
{
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");
	sha_init(d);
	crypto_generichash_init(&d->blake2b, NULL, 0, EX_BLAKE2B_BYTES);
	d->size = 0;
	return EX_OK;
}

void
ex_digest_update(ex_digest *d, const void *buf, size_t len)
{
	sha_update(d, buf, len);
	crypto_generichash_update(&d->blake2b, buf, len);
	d->size += len;
}

void
ex_digest_final(ex_digest *d, ex_digest_result *out)
{
	sha_final(d, out->sha256);
	crypto_generichash_final(&d->blake2b, out->blake2b, EX_BLAKE2B_BYTES);
	out->size = d->size;
	sodium_memzero(d, sizeof(*d));
}

/* ---- the helper thread -------------------------------------------------- */

struct ex_hasher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;        /* a job posted, done, or quit */
	crypto_generichash_state *state;   /* the job: BLAKE2b of buf */
	const void *buf;
	size_t len;
	int busy;                   /* a job is posted and not done */
	int quit;
};

static void *
hasher_main(void *arg)
{
	ex_hasher *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->busy && !h->quit)
			pthread_cond_wait(&h->cond, &h->lock);
		if (!h->busy)
			break;
		pthread_mutex_unlock(&h->lock);
		crypto_generichash_update(h->state, h->buf, h->len);
		pthread_mutex_lock(&h->lock);
		h->busy = 0;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

ex_status
ex_hasher_new(ex_hasher **out, ex_error *err)
{
	ex_hasher *h;
	int e;

	*out = NULL;
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return base_nomem(err);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	if ((e = pthread_create(&h->thread, NULL, hasher_main, h)) != 0) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		free(h);
		errno = e;
		return ex_error_errno(err, "cannot start a hashing thread");
	}
	*out = h;
	return EX_OK;
}

void
ex_hasher_wait(ex_hasher *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	while (h->busy)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

void
ex_hasher_update(ex_hasher *h, ex_digest *d, const void *buf, size_t len)
{
	if (h == NULL || len < EX_HASHER_MIN) {
		ex_hasher_wait(h);
		ex_digest_update(d, buf, len);
		return;
	}
	pthread_mutex_lock(&h->lock);
	while (h->busy)
		pthread_cond_wait(&h->cond, &h->lock);
	h->state = &d->blake2b;
	h->buf = buf;
	h->len = len;
	h->busy = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	sha_update(d, buf, len);
	d->size += len;
}

void
ex_hasher_free(ex_hasher **hp)
{
	ex_hasher *h;

	if (hp == NULL || (h = *hp) == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	while (h->busy)
		pthread_cond_wait(&h->cond, &h->lock);
	h->quit = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
	*hp = NULL;
}

/* ---- files and buffers -------------------------------------------------- */

/* read() that retries on EINTR. */
static ssize_t
read_some(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

ex_status
ex_digest_fd(int fd, const char *name, ex_digest_result *out, ex_error *err)
{
	unsigned char *buf[2] = { NULL, NULL };
	ex_hasher *h = NULL;
	ex_digest d;
	ex_status st;
	ssize_t n;
	int cur = 0;

	if ((st = ex_digest_init(&d, err)) != EX_OK)
		return st;
	if ((buf[0] = malloc(CHUNK)) == NULL ||
	    (buf[1] = malloc(CHUNK)) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "%s: out of memory", name);
		goto out;
	}
	/* Without a helper thread the digest is simply done here. */
	(void)ex_hasher_new(&h, NULL);
	for (;;) {
		/* Read into one buffer while the other is being digested. */
		if ((n = read_some(fd, buf[cur], CHUNK)) < 0) {
			st = ex_error_errno(err, "%s: read", name);
			goto out;
		}
		if (n == 0)
			break;
		ex_hasher_update(h, &d, buf[cur], (size_t)n);
		cur ^= 1;
	}
	ex_hasher_wait(h);
	ex_digest_final(&d, out);
	st = EX_OK;
out:
	ex_hasher_free(&h);
	free(buf[0]);
	free(buf[1]);
	if (st != EX_OK)
		sodium_memzero(&d, sizeof(d));
	return st;
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

ex_status
ex_sha256_file(const char *path, unsigned char out[EX_SHA256_BYTES],
    uint64_t *size, ex_error *err)
{
	unsigned char *buf = NULL;
	ex_digest d;
	uint64_t total = 0;
	ex_status st;
	ssize_t n;
	int fd;

	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return ex_error_errno(err, "%s", path);
	if ((buf = malloc(CHUNK)) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "%s: out of memory", path);
		goto out;
	}
	sha_init(&d);
	for (;;) {
		if ((n = read_some(fd, buf, CHUNK)) < 0) {
			st = ex_error_errno(err, "%s: read", path);
			goto out;
		}
		if (n == 0)
			break;
		sha_update(&d, buf, (size_t)n);
		total += (uint64_t)n;
	}
	sha_final(&d, out);
	if (size != NULL)
		*size = total;
	st = EX_OK;
out:
	free(buf);
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

/*
 * seckey.c — minisign secret keys: generating one in secure memory
 * (sodium_malloc), the passphrase (scrypt over the key block), encoding
 * the secret key file and loading it back.
 *
 * Secret key:  "untrusted comment: ..." then base64 of
 *   "Ed" | kdf ("Sc" or 00 00) | "B2" | salt[32] | opslimit u64le |
 *   memlimit u64le | block[104]
 * where block = keyid[8] | sk[64] | chk[32], chk = BLAKE2b-256("Ed" |
 * keyid | sk), and for "Sc" the block is XORed with 104 bytes of
 * scryptsalsa208sha256(passphrase, salt, opslimit, memlimit).  minisign
 * 0.11 writes -W keys with kdf 00 00 and salt, limits and chk all zero.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "evidence/sign_private.h"
#include "exhibit/fileio.h"

#define KDF_SCRYPT "Sc"
#define CHK_BLAKE2B "B2"
#define SEC_COMMENT "minisign encrypted secret key"

/* minisign's scrypt parameters */
#define OPSLIMIT crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE
#define MEMLIMIT crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE

/* The raw secret key record, laid out as in the file. */
typedef struct seckey_raw {
	unsigned char sig_alg[2];
	unsigned char kdf_alg[2];
	unsigned char chk_alg[2];
	unsigned char salt[MINISIGN_SALT_BYTES];
	unsigned char opslimit_le[8];
	unsigned char memlimit_le[8];
	unsigned char block[MINISIGN_BLOCK_BYTES];
} seckey_raw;

/* --- secret keys ------------------------------------------------------- */

static ex_status
sodium_ready(ex_error *err)
{
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");
	return EX_OK;
}

static ex_seckey *
seckey_alloc(ex_error *err)
{
	ex_seckey *sk = sodium_malloc(sizeof(*sk));

	if (sk == NULL)
		ex_error_set(err, EX_ERR_NOMEM,
		    "out of secure memory for a secret key");
	return sk;
}

ex_status
ex_key_generate(ex_seckey **out, ex_error *err)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	ex_seckey *sk;
	ex_status st;

	*out = NULL;
	if ((st = sodium_ready(err)) != EX_OK)
		return st;
	if ((sk = seckey_alloc(err)) == NULL)
		return EX_ERR_NOMEM;
	randombytes_buf(sk->keyid, sizeof(sk->keyid));
	crypto_sign_keypair(pk, sk->sk);
	*out = sk;
	return EX_OK;
}

void
ex_seckey_free(ex_seckey **sk)
{
	if (sk == NULL || *sk == NULL)
		return;
	sodium_free(*sk);       /* wipes before freeing */
	*sk = NULL;
}

void
ex_seckey_pubkey(const ex_seckey *sk, ex_pubkey *out)
{
	memcpy(out->keyid, sk->keyid, EX_KEYID_BYTES);
	crypto_sign_ed25519_sk_to_pk(out->pk, sk->sk);
}

static void
le64_store(unsigned char out[8], uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		out[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
le64_load(const unsigned char in[8])
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | in[i];
	return v;
}

/* chk = BLAKE2b-256(sig_alg | keyid | sk) */
static void
seckey_chk(unsigned char chk[MINISIGN_CHK_BYTES], const unsigned char *keyid,
    const unsigned char *sk)
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, MINISIGN_CHK_BYTES);
	crypto_generichash_update(&h, (const unsigned char *)MINISIGN_SIGALG,
	    2);
	crypto_generichash_update(&h, keyid, EX_KEYID_BYTES);
	crypto_generichash_update(&h, sk, crypto_sign_SECRETKEYBYTES);
	crypto_generichash_final(&h, chk, MINISIGN_CHK_BYTES);
	sodium_memzero(&h, sizeof(h));
}

/* XOR the block with scrypt(passphrase, salt, limits) as minisign does. */
static ex_status
block_xor(seckey_raw *raw, const char *passphrase, ex_error *err)
{
	unsigned char *stream;
	size_t i;

	if ((stream = sodium_malloc(MINISIGN_BLOCK_BYTES)) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of secure memory");
	if (crypto_pwhash_scryptsalsa208sha256(stream, MINISIGN_BLOCK_BYTES,
	    passphrase, strlen(passphrase), raw->salt,
	    le64_load(raw->opslimit_le), (size_t)le64_load(raw->memlimit_le))
	    != 0) {
		sodium_free(stream);
		return ex_error_set(err, EX_ERR_NOMEM,
		    "not enough memory to derive the key from the passphrase");
	}
	for (i = 0; i < MINISIGN_BLOCK_BYTES; i++)
		raw->block[i] ^= stream[i];
	sodium_free(stream);
	return EX_OK;
}

ex_status
evidence_seckey_encode(const ex_seckey *sk, const char *passphrase, char **text,
    size_t *len, ex_error *err)
{
	size_t b64len = sodium_base64_ENCODED_LEN(MINISIGN_SEC_RAW,
	    sodium_base64_VARIANT_ORIGINAL);
	size_t cap = strlen(MINISIGN_UNTRUSTED) + strlen(SEC_COMMENT) + 2 +
	    b64len;
	seckey_raw *raw = NULL;
	ex_status st;
	char *t = NULL;
	int n;

	*text = NULL;
	if (passphrase != NULL && passphrase[0] == '\0')
		return ex_error_set(err, EX_ERR_USAGE,
		    "empty passphrase (make a key without one instead)");
	if (passphrase != NULL && strlen(passphrase) > EX_PASSPHRASE_MAX)
		return ex_error_set(err, EX_ERR_USAGE,
		    "passphrase is longer than %d bytes", EX_PASSPHRASE_MAX);
	if ((st = sodium_ready(err)) != EX_OK)
		return st;
	raw = sodium_malloc(sizeof(*raw));
	t = sodium_malloc(cap);
	if (raw == NULL || t == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of secure memory");
		goto out;
	}
	memset(raw, 0, sizeof(*raw));
	memcpy(raw->sig_alg, MINISIGN_SIGALG, 2);
	memcpy(raw->chk_alg, CHK_BLAKE2B, 2);
	memcpy(raw->block, sk->keyid, EX_KEYID_BYTES);
	memcpy(raw->block + EX_KEYID_BYTES, sk->sk, crypto_sign_SECRETKEYBYTES);
	if (passphrase != NULL) {
		memcpy(raw->kdf_alg, KDF_SCRYPT, 2);
		randombytes_buf(raw->salt, sizeof(raw->salt));
		le64_store(raw->opslimit_le, OPSLIMIT);
		le64_store(raw->memlimit_le, MEMLIMIT);
		seckey_chk(raw->block + EX_KEYID_BYTES +
		    crypto_sign_SECRETKEYBYTES, sk->keyid, sk->sk);
		if ((st = block_xor(raw, passphrase, err)) != EX_OK)
			goto out;
	}
	/* else: kdf 00 00, salt, limits and chk zero, as minisign 0.11 -W */
	n = snprintf(t, cap, "%s%s\n", MINISIGN_UNTRUSTED, SEC_COMMENT);
	sodium_bin2base64(t + n, cap - (size_t)n, (unsigned char *)raw,
	    sizeof(*raw), sodium_base64_VARIANT_ORIGINAL);
	n += (int)strlen(t + n);
	t[n++] = '\n';
	t[n] = '\0';
	*len = (size_t)n;
	*text = t;
	t = NULL;
out:
	sodium_free(raw);
	sodium_free(t);
	return st;
}

/* Read and decode a secret key file into raw (no decryption). */
static ex_status
seckey_read_raw(const char *path, seckey_raw *raw, ex_error *err)
{
	size_t prefix = strlen(MINISIGN_UNTRUSTED), len = 0, n;
	evidence_line lines[2];
	ex_status st;
	char *buf;
	int nul;

	if ((buf = sodium_malloc(MINISIGN_FILE_CAP)) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of secure memory");
	if ((st = evidence_read_small(path, EVIDENCE_FILE_SECRET, buf,
	    MINISIGN_FILE_CAP, &len, err)) != EX_OK)
		goto out;
	n = evidence_split_lines(buf, len, lines, 2, &nul);
	if (nul || n != 2 || lines[0].len < prefix ||
	    memcmp(lines[0].p, MINISIGN_UNTRUSTED, prefix) != 0) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: not a minisign secret key file", path);
		goto out;
	}
	if ((st = evidence_b64_decode(lines[1].p, lines[1].len,
	    (unsigned char *)raw, sizeof(*raw), "secret key", err)) != EX_OK) {
		ex_error_prefix(err, "%s", path);
		goto out;
	}
	if (memcmp(raw->sig_alg, MINISIGN_SIGALG, 2) != 0 ||
	    memcmp(raw->chk_alg, CHK_BLAKE2B, 2) != 0 ||
	    (memcmp(raw->kdf_alg, KDF_SCRYPT, 2) != 0 &&
	     memcmp(raw->kdf_alg, "\0\0", 2) != 0)) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: unsupported secret key algorithms", path);
		goto out;
	}
	if (memcmp(raw->kdf_alg, KDF_SCRYPT, 2) == 0 &&
	    (le64_load(raw->opslimit_le) > OPSLIMIT ||
	     le64_load(raw->memlimit_le) > MEMLIMIT)) {
		st = ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "%s: key derivation limits are larger than minisign's; "
		    "refusing to use them", path);
		goto out;
	}
out:
	sodium_free(buf);
	return st;
}

ex_status
ex_seckey_file_is_encrypted(const char *path, int *encrypted, ex_error *err)
{
	seckey_raw *raw;
	ex_status st;

	if ((st = sodium_ready(err)) != EX_OK)
		return st;
	if ((raw = sodium_malloc(sizeof(*raw))) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of secure memory");
	if ((st = seckey_read_raw(path, raw, err)) == EX_OK)
		*encrypted = memcmp(raw->kdf_alg, KDF_SCRYPT, 2) == 0;
	sodium_free(raw);
	return st;
}

ex_status
ex_seckey_load(const char *path, const char *passphrase, ex_seckey **out,
    ex_error *err)
{
	unsigned char chk[MINISIGN_CHK_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
	const unsigned char *keyid, *sk_bytes, *file_chk;
	unsigned char *check = NULL;
	seckey_raw *raw = NULL;
	ex_seckey *sk = NULL;
	ex_status st;
	int encrypted;

	*out = NULL;
	if ((st = sodium_ready(err)) != EX_OK)
		return st;
	raw = sodium_malloc(sizeof(*raw));
	check = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (raw == NULL || check == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of secure memory");
		goto out;
	}
	if ((st = seckey_read_raw(path, raw, err)) != EX_OK)
		goto out;
	encrypted = memcmp(raw->kdf_alg, KDF_SCRYPT, 2) == 0;
	keyid = raw->block;
	sk_bytes = raw->block + EX_KEYID_BYTES;
	file_chk = raw->block + EX_KEYID_BYTES + crypto_sign_SECRETKEYBYTES;
	if (encrypted) {
		if (passphrase == NULL) {
			st = ex_error_set(err, EX_ERR_USAGE,
			    "%s: secret key is passphrase-protected and no "
			    "passphrase was given", path);
			goto out;
		}
		if ((st = block_xor(raw, passphrase, err)) != EX_OK) {
			ex_error_prefix(err, "%s", path);
			goto out;
		}
	}
	seckey_chk(chk, keyid, sk_bytes);
	if (sodium_memcmp(chk, file_chk, MINISIGN_CHK_BYTES) != 0 &&
	    (encrypted || !sodium_is_zero(file_chk, MINISIGN_CHK_BYTES))) {
		if (encrypted)
			st = ex_error_set(err, EX_ERR_CRYPTO,
			    "%s: wrong passphrase for this secret key", path);
		else
			st = ex_error_set(err, EX_ERR_FORMAT,
			    "%s: secret key checksum does not match "
			    "(damaged file)", path);
		goto out;
	}
	/* The seed must give the public key stored beside it. */
	crypto_sign_seed_keypair(pk, check, sk_bytes);
	if (sodium_memcmp(pk, sk_bytes + crypto_sign_SEEDBYTES,
	    sizeof(pk)) != 0) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: secret key is damaged (its two halves disagree)", path);
		goto out;
	}
	if ((sk = seckey_alloc(err)) == NULL) {
		st = EX_ERR_NOMEM;
		goto out;
	}
	memcpy(sk->keyid, keyid, EX_KEYID_BYTES);
	memcpy(sk->sk, sk_bytes, crypto_sign_SECRETKEYBYTES);
	*out = sk;
out:
	sodium_memzero(chk, sizeof(chk));
	sodium_free(raw);
	sodium_free(check);
	return st;
}


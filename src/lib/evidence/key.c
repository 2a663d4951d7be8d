/*
 * key.c — minisign key pairs: generate, write, read.
 *
 * Public key:  "untrusted comment: ..." then base64("Ed" | keyid | pk).
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

#include "evidence/sign_private.h"
#include "exhibit/fileio.h"

#define KDF_SCRYPT "Sc"
#define CHK_BLAKE2B "B2"
#define SALT_BYTES crypto_pwhash_scryptsalsa208sha256_SALTBYTES
#define CHK_BYTES crypto_generichash_BYTES
#define BLOCK_BYTES (EX_KEYID_BYTES + crypto_sign_SECRETKEYBYTES + CHK_BYTES)
#define PUB_RAW (2 + EX_KEYID_BYTES + EX_PUBKEY_BYTES)
#define SEC_RAW (2 + 2 + 2 + SALT_BYTES + 8 + 8 + BLOCK_BYTES)
#define SEC_COMMENT "minisign encrypted secret key"
#define FILE_CAP 4096

/* minisign's scrypt parameters */
#define OPSLIMIT crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE
#define MEMLIMIT crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE

/* The raw secret key record, laid out as in the file. */
typedef struct seckey_raw {
	unsigned char sig_alg[2];
	unsigned char kdf_alg[2];
	unsigned char chk_alg[2];
	unsigned char salt[SALT_BYTES];
	unsigned char opslimit_le[8];
	unsigned char memlimit_le[8];
	unsigned char block[BLOCK_BYTES];
} seckey_raw;

/* --- shared helpers (declared in sign_private.h) ----------------------- */

size_t
ex_sign_split_lines(const char *text, size_t len, ex_line *lines, size_t max,
    int *nul_found)
{
	size_t n = 0, start = 0, i;

	*nul_found = memchr(text, '\0', len) != NULL;
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		size_t l = end - start;

		if (n == max)
			return max + 1;
		if (nl != NULL && l > 0 && text[end - 1] == '\r')
			l--;
		lines[n].p = text + start;
		lines[n].len = l;
		n++;
		start = nl != NULL ? end + 1 : len;
	}
	for (i = n; i < max; i++) {
		lines[i].p = NULL;
		lines[i].len = 0;
	}
	return n;
}

ex_status
ex_sign_b64_decode(const char *b64, size_t b64len, unsigned char *out,
    size_t outlen, const char *what, ex_error *err)
{
	size_t want = (outlen + 2) / 3 * 4, got = 0;
	const char *end = NULL;

	if (b64len != want)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: base64 line has %zu characters, expected %zu", what,
		    b64len, want);
	if (sodium_base642bin(out, outlen, b64, b64len, NULL, &got, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || end != b64 + b64len ||
	    got != outlen)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: invalid base64", what);
	return EX_OK;
}

ex_status
ex_sign_read_fd(int fd, const char *path, void *buf, size_t cap,
    size_t *have, ex_error *err)
{
	ssize_t n;

	*have = 0;
	while (*have < cap) {
		n = read(fd, (char *)buf + *have, cap - *have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ex_error_errno(err, "%s: read", path);
		if (n == 0)
			break;
		*have += (size_t)n;
	}
	return EX_OK;
}

/*
 * What a key or signature file is, by its content alone: the length of
 * the base64 line after "untrusted comment:" tells a public key (56), a
 * signature (100) and a secret key (212) apart.  NULL when it is none.
 */
static const char *
sign_file_kind(const char *text, size_t len)
{
	const char *p = memchr(text, '\n', len), *e;
	size_t n;

	if (len < 19 || strncmp(text, "untrusted comment:", 18) != 0 ||
	    p == NULL)
		return NULL;
	p++;
	e = memchr(p, '\n', len - (size_t)(p - text));
	n = (e != NULL ? (size_t)(e - p) : len - (size_t)(p - text));
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == sodium_base64_ENCODED_LEN(2 + EX_KEYID_BYTES +
	    crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL) - 1)
		return "public key";
	if (n == sodium_base64_ENCODED_LEN(2 + EX_KEYID_BYTES + EX_SIG_BYTES,
	    sodium_base64_VARIANT_ORIGINAL) - 1)
		return "signature";
	if (n == sodium_base64_ENCODED_LEN(SEC_RAW,
	    sodium_base64_VARIANT_ORIGINAL) - 1)
		return "secret key";
	return NULL;
}

ex_status
ex_sign_read_small(const char *path, ex_sign_kind want, char *buf,
    size_t cap, size_t *len, ex_error *err)
{
	static const char *const wanted[] = {
		[EX_SIGN_FILE_PUBLIC] = "public key",
		[EX_SIGN_FILE_SECRET] = "secret key",
		[EX_SIGN_FILE_SIGNATURE] = "signature",
	};
	const char *kind;
	struct stat sb;
	ex_status st = EX_OK;
	size_t have = 0;
	int fd;

	/* Never waited on: a FIFO or a device is refused unread. */
	if ((st = ex_file_open(AT_FDCWD, path, 0, NULL, &fd, &sb, err)) !=
	    EX_OK)
		return st;
	if ((st = ex_sign_read_fd(fd, path, buf, cap, &have, err)) != EX_OK)
		goto out;
	if (have == cap) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: too large for a key or signature file", path);
		goto out;
	}
	/* A key file given for the other one is named as such, before any
	 * advice about its mode or its base64 that would not apply. */
	kind = sign_file_kind(buf, have);
	if (kind != NULL && strcmp(kind, wanted[want]) != 0) {
		st = ex_error_set(err, EX_ERR_FORMAT, "%s: this is a minisign "
		    "%s, not a %s%s", path, kind, wanted[want],
		    want == EX_SIGN_FILE_SECRET ? " (-s needs the secret key "
		    "file that keygen wrote with -s)" :
		    want == EX_SIGN_FILE_PUBLIC ? " (-p needs a public key "
		    "file, such as the one keygen wrote with -p)" : "");
		goto out;
	}
	if (want == EX_SIGN_FILE_SECRET &&
	    (sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		st = ex_error_set(err, EX_ERR_USAGE,
		    "%s: secret key file is accessible by group or others "
		    "(mode %04o); run 'chmod 600 %s'", path,
		    (unsigned)(sb.st_mode & 07777), path);
		goto out;
	}
	*len = have;
out:
	close(fd);
	return st;
}

/* --- key IDs and public keys ------------------------------------------ */

char *
ex_keyid_format(const unsigned char keyid[EX_KEYID_BYTES], char *buf,
    size_t size)
{
	uint64_t v = 0;
	int i;

	for (i = EX_KEYID_BYTES - 1; i >= 0; i--)
		v = (v << 8) | keyid[i];
	if (size > 0)
		snprintf(buf, size, "%" PRIX64, v);
	return buf;
}

char *
ex_pubkey_base64(const ex_pubkey *pk, char buf[EX_PUBKEY_B64_TEXT])
{
	unsigned char raw[PUB_RAW];

	memcpy(raw, EX_MS_SIGALG, 2);
	memcpy(raw + 2, pk->keyid, EX_KEYID_BYTES);
	memcpy(raw + 2 + EX_KEYID_BYTES, pk->pk, EX_PUBKEY_BYTES);
	return sodium_bin2base64(buf, EX_PUBKEY_B64_TEXT, raw, sizeof(raw),
	    sodium_base64_VARIANT_ORIGINAL);
}

static ex_status
check_comment(const char *comment, size_t max, const char *what,
    ex_error *err)
{
	if (comment == NULL)
		return EX_OK;
	if (strpbrk(comment, "\r\n") != NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s must be one line (no CR or LF)", what);
	if (strlen(comment) > max)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s is longer than %zu bytes", what, max);
	return EX_OK;
}

ex_status
ex_pubkey_format(const ex_pubkey *pk, const char *comment, char **text,
    size_t *len, ex_error *err)
{
	char id[EX_KEYID_TEXT], b64[EX_PUBKEY_B64_TEXT];
	size_t cap;
	ex_status st;
	int n;

	*text = NULL;
	if ((st = check_comment(comment, EX_UNTRUSTED_COMMENT_MAX - 64,
	    "public key comment", err)) != EX_OK)
		return st;
	cap = 128 + EX_PUBKEY_B64_TEXT + (comment != NULL ?
	    strlen(comment) : 0);
	if ((*text = malloc(cap)) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	ex_keyid_format(pk->keyid, id, sizeof(id));
	ex_pubkey_base64(pk, b64);
	if (comment != NULL && comment[0] != '\0')
		n = snprintf(*text, cap, "%sminisign public key %s (%s)\n%s\n",
		    EX_MS_UNTRUSTED, id, comment, b64);
	else
		n = snprintf(*text, cap, "%sminisign public key %s\n%s\n",
		    EX_MS_UNTRUSTED, id, b64);
	if (len != NULL)
		*len = (size_t)n;
	return EX_OK;
}

static ex_status
pubkey_decode(const char *b64, size_t b64len, ex_pubkey *out, ex_error *err)
{
	unsigned char raw[PUB_RAW];
	ex_status st;

	if ((st = ex_sign_b64_decode(b64, b64len, raw, sizeof(raw),
	    "public key", err)) != EX_OK)
		return st;
	if (memcmp(raw, EX_MS_SIGALG, 2) != 0)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "public key: unsupported algorithm (not Ed25519 'Ed')");
	memcpy(out->keyid, raw + 2, EX_KEYID_BYTES);
	memcpy(out->pk, raw + 2 + EX_KEYID_BYTES, EX_PUBKEY_BYTES);
	return EX_OK;
}

ex_status
ex_pubkey_parse(const char *text, size_t len, ex_pubkey *out, ex_error *err)
{
	ex_line lines[3];
	size_t n, prefix = strlen(EX_MS_UNTRUSTED);
	int nul;

	n = ex_sign_split_lines(text, len, lines, 2, &nul);
	if (nul)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "public key: contains a NUL byte");
	if (n == 1)     /* a bare base64 line, as minisign -P takes it */
		return pubkey_decode(lines[0].p, lines[0].len, out, err);
	if (n != 2)
		return ex_error_set(err, EX_ERR_FORMAT, n == 0 ?
		    "public key: empty" :
		    "public key: expected a comment line and a key line");
	if (lines[0].len < prefix ||
	    memcmp(lines[0].p, EX_MS_UNTRUSTED, prefix) != 0)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "public key: first line does not start with '%s'",
		    EX_MS_UNTRUSTED);
	return pubkey_decode(lines[1].p, lines[1].len, out, err);
}

ex_status
ex_pubkey_load(const char *path, ex_pubkey *out, ex_error *err)
{
	char buf[FILE_CAP];
	size_t len = 0;
	ex_status st;

	if ((st = ex_sign_read_small(path, EX_SIGN_FILE_PUBLIC, buf,
	    sizeof(buf), &len, err))
	    != EX_OK)
		return st;
	if ((st = ex_pubkey_parse(buf, len, out, err)) != EX_OK)
		ex_error_prefix(err, "%s", path);
	return st;
}

int
ex_pubkey_equal(const ex_pubkey *a, const ex_pubkey *b)
{
	return memcmp(a->keyid, b->keyid, EX_KEYID_BYTES) == 0 &&
	    memcmp(a->pk, b->pk, EX_PUBKEY_BYTES) == 0;
}

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
seckey_chk(unsigned char chk[CHK_BYTES], const unsigned char *keyid,
    const unsigned char *sk)
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, CHK_BYTES);
	crypto_generichash_update(&h, (const unsigned char *)EX_MS_SIGALG, 2);
	crypto_generichash_update(&h, keyid, EX_KEYID_BYTES);
	crypto_generichash_update(&h, sk, crypto_sign_SECRETKEYBYTES);
	crypto_generichash_final(&h, chk, CHK_BYTES);
	sodium_memzero(&h, sizeof(h));
}

/* XOR the block with scrypt(passphrase, salt, limits) as minisign does. */
static ex_status
block_xor(seckey_raw *raw, const char *passphrase, ex_error *err)
{
	unsigned char *stream;
	size_t i;

	if ((stream = sodium_malloc(BLOCK_BYTES)) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of secure memory");
	if (crypto_pwhash_scryptsalsa208sha256(stream, BLOCK_BYTES,
	    passphrase, strlen(passphrase), raw->salt,
	    le64_load(raw->opslimit_le), (size_t)le64_load(raw->memlimit_le))
	    != 0) {
		sodium_free(stream);
		return ex_error_set(err, EX_ERR_NOMEM,
		    "not enough memory to derive the key from the passphrase");
	}
	for (i = 0; i < BLOCK_BYTES; i++)
		raw->block[i] ^= stream[i];
	sodium_free(stream);
	return EX_OK;
}

/* The whole secret key file's text, in sodium_malloc() memory. */
static ex_status
seckey_encode(const ex_seckey *sk, const char *passphrase, char **text,
    size_t *len, ex_error *err)
{
	size_t b64len = sodium_base64_ENCODED_LEN(SEC_RAW,
	    sodium_base64_VARIANT_ORIGINAL);
	size_t cap = strlen(EX_MS_UNTRUSTED) + strlen(SEC_COMMENT) + 2 + b64len;
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
	memcpy(raw->sig_alg, EX_MS_SIGALG, 2);
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
	n = snprintf(t, cap, "%s%s\n", EX_MS_UNTRUSTED, SEC_COMMENT);
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

static ex_status
write_all(int fd, const char *path, const char *buf, size_t len,
    ex_error *err)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ex_error_errno(err, "%s: write", path);
		buf += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		return ex_error_errno(err, "%s: fsync", path);
	return EX_OK;
}

static int
create_excl(const char *path, mode_t mode, ex_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW | O_NOCTTY, mode);

	if (fd < 0 && errno == EEXIST)
		ex_error_set(err, EX_ERR_EXISTS,
		    "%s: already exists; refusing to overwrite it", path);
	else if (fd < 0)
		ex_error_errno(err, "%s", path);
	return fd;
}

static ex_status
close_checked(int *fd, const char *path, ex_error *err)
{
	int r = close(*fd);

	*fd = -1;
	if (r != 0)
		return ex_error_errno(err, "%s: close", path);
	return EX_OK;
}

/* Create path (O_EXCL, mode) holding exactly text; nothing is left behind
 * on failure. */
static ex_status
write_new_file(const char *path, mode_t mode, const char *text, size_t len,
    ex_error *err)
{
	ex_status st;
	int fd;

	if ((fd = create_excl(path, mode, err)) < 0)
		return err != NULL ? err->code : EX_ERR_IO;
	if ((st = write_all(fd, path, text, len, err)) == EX_OK)
		st = close_checked(&fd, path, err);
	if (fd >= 0)
		close(fd);
	if (st != EX_OK)
		unlink(path);
	return st;
}

ex_status
ex_pubkey_write(const ex_pubkey *pk, const char *path, const char *comment,
    ex_error *err)
{
	char *text = NULL;
	size_t len = 0;
	ex_status st;

	if ((st = ex_pubkey_format(pk, comment, &text, &len, err)) == EX_OK)
		st = write_new_file(path, 0644, text, len, err);
	free(text);
	return st;
}

ex_status
ex_seckey_write(const ex_seckey *sk, const char *path, const char *passphrase,
    ex_error *err)
{
	char *text = NULL;
	size_t len = 0;
	ex_status st;

	if ((st = seckey_encode(sk, passphrase, &text, &len, err)) == EX_OK)
		st = write_new_file(path, 0600, text, len, err);
	sodium_free(text);
	return st;
}

/*
 * A new file beside path, under a hidden temporary name (0600): *tmp gets
 * the name (malloc'd), the descriptor is returned, -1 on failure.
 */
static int
create_temp_beside(const char *path, char **tmp, ex_error *err)
{
	int fd;

	if ((*tmp = ex_file_sibling_template(path, "partial")) == NULL) {
		ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		return -1;
	}
	if ((fd = mkstemp(*tmp)) < 0) {
		ex_error_errno(err, "%s: cannot make a temporary file beside "
		    "it", path);
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

ex_status
ex_key_write_files(const ex_seckey *sk, const char *seckey_path,
    const char *pubkey_path, const char *passphrase, const char *comment,
    ex_error *err)
{
	char *sec_text = NULL, *pub_text = NULL, *stmp = NULL, *ptmp = NULL;
	size_t sec_len = 0, pub_len = 0;
	int sfd = -1, pfd = -1, linked = 0;
	struct stat sb;
	ex_pubkey pk;
	ex_status st;

	ex_seckey_pubkey(sk, &pk);
	if ((st = ex_pubkey_format(&pk, comment, &pub_text, &pub_len, err))
	    != EX_OK)
		goto out;
	if (passphrase != NULL && passphrase[0] == '\0') {
		st = ex_error_set(err, EX_ERR_USAGE,
		    "empty passphrase (make a key without one instead)");
		goto out;
	}
	/* Refuse an existing name before the slow key derivation; the
	 * link() below is what guarantees it. */
	if (lstat(seckey_path, &sb) == 0 || lstat(pubkey_path, &sb) == 0) {
		st = ex_error_set(err, EX_ERR_EXISTS, "%s: already exists; "
		    "refusing to overwrite it", lstat(seckey_path, &sb) == 0 ?
		    seckey_path : pubkey_path);
		goto out;
	}
	/* The slow key derivation comes first, before any file exists, so
	 * that Ctrl-C during it leaves nothing at all.  Both files are then
	 * written under hidden temporary names and linked to their names
	 * only when whole: no empty or partial key file is ever seen. */
	if ((st = seckey_encode(sk, passphrase, &sec_text, &sec_len, err))
	    != EX_OK)
		goto out;
	if ((sfd = create_temp_beside(seckey_path, &stmp, err)) < 0 ||
	    (pfd = create_temp_beside(pubkey_path, &ptmp, err)) < 0) {
		st = err != NULL ? err->code : EX_ERR_IO;
		goto out;
	}
	if (fchmod(pfd, 0644) != 0) {
		st = ex_error_errno(err, "%s", ptmp);
		goto out;
	}
	if ((st = write_all(sfd, seckey_path, sec_text, sec_len, err))
	    != EX_OK || (st = close_checked(&sfd, seckey_path, err)) != EX_OK)
		goto out;
	if ((st = write_all(pfd, pubkey_path, pub_text, pub_len, err))
	    != EX_OK || (st = close_checked(&pfd, pubkey_path, err)) != EX_OK)
		goto out;
	if (link(stmp, seckey_path) != 0) {
		st = errno == EEXIST ? ex_error_set(err, EX_ERR_EXISTS,
		    "%s: already exists; refusing to overwrite it",
		    seckey_path) : ex_error_errno(err, "%s", seckey_path);
		goto out;
	}
	linked = 1;
	if (link(ptmp, pubkey_path) != 0) {
		st = errno == EEXIST ? ex_error_set(err, EX_ERR_EXISTS,
		    "%s: already exists; refusing to overwrite it",
		    pubkey_path) : ex_error_errno(err, "%s", pubkey_path);
		goto out;
	}
	linked = 2;
out:
	if (sfd >= 0)
		close(sfd);
	if (pfd >= 0)
		close(pfd);
	if (stmp != NULL)
		unlink(stmp);
	if (ptmp != NULL)
		unlink(ptmp);
	if (st != EX_OK && linked >= 1)
		unlink(seckey_path);
	free(stmp);
	free(ptmp);
	sodium_free(sec_text);
	free(pub_text);
	return st;
}

/* Read and decode a secret key file into raw (no decryption). */
static ex_status
seckey_read_raw(const char *path, seckey_raw *raw, ex_error *err)
{
	size_t prefix = strlen(EX_MS_UNTRUSTED), len = 0, n;
	ex_line lines[2];
	ex_status st;
	char *buf;
	int nul;

	if ((buf = sodium_malloc(FILE_CAP)) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of secure memory");
	if ((st = ex_sign_read_small(path, EX_SIGN_FILE_SECRET, buf, FILE_CAP,
	    &len, err))
	    != EX_OK)
		goto out;
	n = ex_sign_split_lines(buf, len, lines, 2, &nul);
	if (nul || n != 2 || lines[0].len < prefix ||
	    memcmp(lines[0].p, EX_MS_UNTRUSTED, prefix) != 0) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: not a minisign secret key file", path);
		goto out;
	}
	if ((st = ex_sign_b64_decode(lines[1].p, lines[1].len,
	    (unsigned char *)raw, sizeof(*raw), "secret key", err)) != EX_OK) {
		ex_error_prefix(err, "%s", path);
		goto out;
	}
	if (memcmp(raw->sig_alg, EX_MS_SIGALG, 2) != 0 ||
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
	unsigned char chk[CHK_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
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
	if (sodium_memcmp(chk, file_chk, CHK_BYTES) != 0 &&
	    (encrypted || !sodium_is_zero(file_chk, CHK_BYTES))) {
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

/*
 * sign.c — minisign signatures: make ("ED" only) and check ("ED", "Ed").
 *
 *   untrusted comment: <text>
 *   base64(alg[2] | keyid[8] | sig[64])
 *   trusted comment: <text>
 *   base64(global_sig[64])
 *
 * "ED": sig is Ed25519 over BLAKE2b-512(data); "Ed" (legacy): Ed25519 over
 * the data itself.  global_sig is Ed25519 over sig | trusted comment text.
 * Plain Ed25519 throughout: never crypto_sign_*ph, which minisign does not
 * use.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base.h"
#include "evidence/sign_private.h"

#define SIG_RAW (2 + EX_KEYID_BYTES + EX_SIG_BYTES)
#define DEFAULT_UNTRUSTED EX_SIG_UNTRUSTED_COMMENT
#define SIG_FILE_CAP (2 * EX_UNTRUSTED_COMMENT_MAX + EX_TRUSTED_COMMENT_MAX + 1024)

static ex_status
check_line(const char *s, size_t max, const char *what, ex_error *err)
{
	if (strpbrk(s, "\r\n") != NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s must be one line (no CR or LF)", what);
	if (strlen(s) > max)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s is longer than %zu bytes", what, max);
	return EX_OK;
}

ex_status
ex_sign_digest(const ex_seckey *sk,
    const unsigned char blake2b[EX_BLAKE2B_BYTES],
    const char *trusted_comment, const char *untrusted_comment,
    char **sig_text, size_t *sig_len, ex_error *err)
{
	unsigned char raw[SIG_RAW], global[EX_SIG_BYTES];
	char stamp[64];
	unsigned char *signed_tc = NULL;
	size_t tc_len;
	ex_status st;

	*sig_text = NULL;
	if (trusted_comment == NULL) {
		snprintf(stamp, sizeof(stamp), "timestamp:%" PRIdMAX,
		    (intmax_t)time(NULL));
		trusted_comment = stamp;
	}
	if (untrusted_comment == NULL)
		untrusted_comment = DEFAULT_UNTRUSTED;
	if ((st = check_line(trusted_comment, EX_TRUSTED_COMMENT_MAX,
	    "trusted comment", err)) != EX_OK ||
	    (st = check_line(untrusted_comment, EX_UNTRUSTED_COMMENT_MAX,
	    "untrusted comment", err)) != EX_OK)
		return st;
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");

	memcpy(raw, MINISIGN_SIGALG_HASHED, 2);
	memcpy(raw + 2, sk->keyid, EX_KEYID_BYTES);
	crypto_sign_detached(raw + 2 + EX_KEYID_BYTES, NULL, blake2b,
	    EX_BLAKE2B_BYTES, sk->sk);

	tc_len = strlen(trusted_comment);
	if ((signed_tc = malloc(EX_SIG_BYTES + tc_len)) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	memcpy(signed_tc, raw + 2 + EX_KEYID_BYTES, EX_SIG_BYTES);
	memcpy(signed_tc + EX_SIG_BYTES, trusted_comment, tc_len);
	crypto_sign_detached(global, NULL, signed_tc, EX_SIG_BYTES + tc_len,
	    sk->sk);

	{
		ex_signature sig;

		memset(&sig, 0, sizeof(sig));
		sig.alg = EX_SIG_HASHED;
		memcpy(sig.keyid, sk->keyid, EX_KEYID_BYTES);
		memcpy(sig.sig, raw + 2 + EX_KEYID_BYTES, EX_SIG_BYTES);
		memcpy(sig.global_sig, global, EX_SIG_BYTES);
		memcpy(sig.untrusted_comment, untrusted_comment,
		    strlen(untrusted_comment));
		memcpy(sig.trusted_comment, trusted_comment, tc_len);
		st = ex_sig_format(&sig, sig_text, sig_len, err);
	}
out:
	free(signed_tc);
	return st;
}

ex_status
ex_sig_format(const ex_signature *sig, char **text, size_t *len,
    ex_error *err)
{
	unsigned char raw[SIG_RAW];
	char b64_sig[sodium_base64_ENCODED_LEN(SIG_RAW,
	    sodium_base64_VARIANT_ORIGINAL)];
	char b64_global[sodium_base64_ENCODED_LEN(EX_SIG_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t cap;
	char *t;
	int n;

	*text = NULL;
	memcpy(raw, sig->alg == EX_SIG_LEGACY ? MINISIGN_SIGALG :
	    MINISIGN_SIGALG_HASHED, 2);
	memcpy(raw + 2, sig->keyid, EX_KEYID_BYTES);
	memcpy(raw + 2 + EX_KEYID_BYTES, sig->sig, EX_SIG_BYTES);
	sodium_bin2base64(b64_sig, sizeof(b64_sig), raw, sizeof(raw),
	    sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b64_global, sizeof(b64_global), sig->global_sig,
	    EX_SIG_BYTES, sodium_base64_VARIANT_ORIGINAL);
	cap = strlen(MINISIGN_UNTRUSTED) + sizeof(sig->untrusted_comment) +
	    sizeof(b64_sig) + strlen(MINISIGN_TRUSTED) +
	    sizeof(sig->trusted_comment) + sizeof(b64_global) + 8;
	if ((t = malloc(cap)) == NULL)
		return base_nomem(err);
	n = snprintf(t, cap, "%s%s\n%s\n%s%s\n%s\n", MINISIGN_UNTRUSTED,
	    sig->untrusted_comment, b64_sig, MINISIGN_TRUSTED,
	    sig->trusted_comment, b64_global);
	if (len != NULL)
		*len = (size_t)n;
	*text = t;
	return EX_OK;
}

ex_status
ex_sign_buffer(const ex_seckey *sk, const void *buf, size_t len,
    const char *trusted_comment, const char *untrusted_comment,
    char **sig_text, size_t *sig_len, ex_error *err)
{
	ex_digest_result d;

	ex_digest_buffer(buf, len, &d);
	return ex_sign_digest(sk, d.blake2b, trusted_comment,
	    untrusted_comment, sig_text, sig_len, err);
}

ex_status
ex_sign_file(const ex_seckey *sk, const char *path,
    const char *trusted_comment, const char *untrusted_comment,
    char **sig_text, size_t *sig_len, ex_error *err)
{
	ex_digest_result d;
	ex_status st;

	*sig_text = NULL;
	if ((st = ex_digest_file(path, &d, err)) != EX_OK)
		return st;
	return ex_sign_digest(sk, d.blake2b, trusted_comment,
	    untrusted_comment, sig_text, sig_len, err);
}

static int
has_prefix(const evidence_line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && memcmp(l->p, prefix, n) == 0;
}

ex_status
ex_sig_parse(const char *text, size_t len, ex_signature *out, ex_error *err)
{
	size_t ulen = strlen(MINISIGN_UNTRUSTED);
	size_t tlen = strlen(MINISIGN_TRUSTED);
	unsigned char raw[SIG_RAW];
	evidence_line lines[4];
	ex_status st;
	size_t n;
	int nul;

	memset(out, 0, sizeof(*out));
	n = evidence_split_lines(text, len, lines, 4, &nul);
	if (nul)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "signature: contains a NUL byte");
	if (n != 4)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "signature: expected 4 lines, found %s",
		    n > 4 ? "more" : n == 3 ? "3" : n == 2 ? "2" :
		    n == 1 ? "1" : "none");
	if (!has_prefix(&lines[0], MINISIGN_UNTRUSTED))
		return ex_error_set(err, EX_ERR_FORMAT,
		    "signature: line 1 does not start with '%s'",
		    MINISIGN_UNTRUSTED);
	if (lines[0].len - ulen > EX_UNTRUSTED_COMMENT_MAX)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "signature: untrusted comment is too long");
	if (!has_prefix(&lines[2], MINISIGN_TRUSTED))
		return ex_error_set(err, EX_ERR_FORMAT,
		    "signature: line 3 does not start with '%s'",
		    MINISIGN_TRUSTED);
	if (lines[2].len - tlen > EX_TRUSTED_COMMENT_MAX)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "signature: trusted comment is too long");
	if ((st = evidence_b64_decode(lines[1].p, lines[1].len, raw,
	    sizeof(raw), "signature", err)) != EX_OK)
		return st;
	if (memcmp(raw, MINISIGN_SIGALG_HASHED, 2) == 0)
		out->alg = EX_SIG_HASHED;
	else if (memcmp(raw, MINISIGN_SIGALG, 2) == 0)
		out->alg = EX_SIG_LEGACY;
	else
		return ex_error_set(err, EX_ERR_FORMAT,
		    "signature: unknown algorithm (neither 'ED' nor 'Ed')");
	if ((st = evidence_b64_decode(lines[3].p, lines[3].len,
	    out->global_sig, EX_SIG_BYTES, "trusted comment signature", err))
	    != EX_OK)
		return st;
	memcpy(out->keyid, raw + 2, EX_KEYID_BYTES);
	memcpy(out->sig, raw + 2 + EX_KEYID_BYTES, EX_SIG_BYTES);
	memcpy(out->untrusted_comment, lines[0].p + ulen, lines[0].len - ulen);
	memcpy(out->trusted_comment, lines[2].p + tlen, lines[2].len - tlen);
	return EX_OK;
}

ex_status
ex_sig_load(const char *path, ex_signature *out, ex_error *err)
{
	size_t len = 0;
	ex_status st;
	char *buf;

	if ((buf = malloc(SIG_FILE_CAP)) == NULL)
		return base_nomem(err);
	if ((st = evidence_read_small(path, EVIDENCE_FILE_SIGNATURE, buf,
	    SIG_FILE_CAP, &len, err))
	    == EX_OK && (st = ex_sig_parse(buf, len, out, err)) != EX_OK)
		ex_error_prefix(err, "%s", path);
	free(buf);
	return st;
}

/* Key ID, then signature over msg, then the global signature. */
static ex_status
verify_common(const ex_pubkey *pk, const ex_signature *sig,
    const unsigned char *msg, size_t msg_len, ex_error *err)
{
	char have[EX_KEYID_TEXT], want[EX_KEYID_TEXT];
	unsigned char *signed_tc = NULL;
	size_t tc_len;
	ex_status st = EX_OK;

	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");
	if (memcmp(sig->keyid, pk->keyid, EX_KEYID_BYTES) != 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "signed by key ID %s, not %s",
		    ex_keyid_format(sig->keyid, have, sizeof(have)),
		    ex_keyid_format(pk->keyid, want, sizeof(want)));
	if (crypto_sign_verify_detached(sig->sig, msg, msg_len, pk->pk) != 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "signature does not match");
	tc_len = strnlen(sig->trusted_comment, EX_TRUSTED_COMMENT_MAX);
	if ((signed_tc = malloc(EX_SIG_BYTES + tc_len)) == NULL)
		return base_nomem(err);
	memcpy(signed_tc, sig->sig, EX_SIG_BYTES);
	memcpy(signed_tc + EX_SIG_BYTES, sig->trusted_comment, tc_len);
	if (crypto_sign_verify_detached(sig->global_sig, signed_tc,
	    EX_SIG_BYTES + tc_len, pk->pk) != 0)
		st = ex_error_set(err, EX_ERR_CRYPTO,
		    "trusted comment has been altered");
	free(signed_tc);
	return st;
}

ex_status
ex_sig_verify_digest(const ex_pubkey *pk, const ex_signature *sig,
    const unsigned char blake2b[EX_BLAKE2B_BYTES], ex_error *err)
{
	if (sig->alg != EX_SIG_HASHED)
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "legacy (non-prehashed) signature: it can only be "
		    "checked against the data itself");
	return verify_common(pk, sig, blake2b, EX_BLAKE2B_BYTES, err);
}

ex_status
ex_sig_verify_buffer(const ex_pubkey *pk, const ex_signature *sig,
    const void *buf, size_t len, ex_error *err)
{
	ex_digest_result d;

	if (sig->alg == EX_SIG_LEGACY)
		return verify_common(pk, sig, buf, len, err);
	ex_digest_buffer(buf, len, &d);
	return ex_sig_verify_digest(pk, sig, d.blake2b, err);
}

/* The whole file in memory, for a legacy signature. */
static ex_status
read_whole(const char *path, unsigned char **out, size_t *len, ex_error *err)
{
	unsigned char *buf = NULL;
	struct stat sb;
	size_t have = 0, cap;
	ex_status st = EX_OK;
	int fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return ex_error_errno(err, "%s", path);
	if (fstat(fd, &sb) != 0) {
		st = ex_error_errno(err, "%s", path);
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || (uintmax_t)sb.st_size >= SIZE_MAX) {
		st = ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "%s: cannot check a legacy signature on this file", path);
		goto out;
	}
	cap = (size_t)sb.st_size + 1;
	if ((buf = malloc(cap)) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM,
		    "%s: not enough memory to check a legacy signature", path);
		goto out;
	}
	if ((st = evidence_read_fd(fd, path, buf, cap, &have, err)) != EX_OK)
		goto out;
	if (have == cap) {
		st = ex_error_set(err, EX_ERR_IO,
		    "%s: file grew while being read", path);
		goto out;
	}
	*out = buf;
	*len = have;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return st;
}

ex_status
ex_sig_verify_file(const ex_pubkey *pk, const ex_signature *sig,
    const char *path, ex_error *err)
{
	unsigned char *data = NULL;
	ex_digest_result d;
	size_t len = 0;
	ex_status st;

	if (sig->alg == EX_SIG_LEGACY) {
		if ((st = read_whole(path, &data, &len, err)) != EX_OK)
			return st;
		st = verify_common(pk, sig, data, len, err);
		free(data);
	} else {
		if ((st = ex_digest_file(path, &d, err)) != EX_OK)
			return st;
		st = ex_sig_verify_digest(pk, sig, d.blake2b, err);
	}
	if (st != EX_OK && st != EX_ERR_IO && st != EX_ERR_NOMEM &&
	    st != EX_ERR_UNSUPPORTED)
		ex_error_prefix(err, "%s", path);
	return st;
}

/*
 * key.c — minisign key files: the helpers key and signature files share,
 * key IDs and public keys (format, parse, load), and writing key files
 * (a new file never overwrites one; a key pair appears whole or not at
 * all).  Secret keys themselves, their passphrase and secure memory are
 * seckey.c's.
 *
 * Public key:  "untrusted comment: ..." then base64("Ed" | keyid | pk).
 * Secret key:  see sign_private.h (MINISIGN_SEC_RAW).
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


/* --- shared helpers (declared in sign_private.h) ----------------------- */

size_t
evidence_split_lines(const char *text, size_t len, evidence_line *lines,
    size_t max, int *nul_found)
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
evidence_b64_decode(const char *b64, size_t b64len, unsigned char *out,
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
evidence_read_fd(int fd, const char *path, void *buf, size_t cap,
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
	if (n == sodium_base64_ENCODED_LEN(MINISIGN_SEC_RAW,
	    sodium_base64_VARIANT_ORIGINAL) - 1)
		return "secret key";
	return NULL;
}

ex_status
evidence_read_small(const char *path, evidence_file_kind want, char *buf,
    size_t cap, size_t *len, ex_error *err)
{
	static const char *const wanted[] = {
		[EVIDENCE_FILE_PUBLIC] = "public key",
		[EVIDENCE_FILE_SECRET] = "secret key",
		[EVIDENCE_FILE_SIGNATURE] = "signature",
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
	if ((st = evidence_read_fd(fd, path, buf, cap, &have, err)) != EX_OK)
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
		    want == EVIDENCE_FILE_SECRET ? " (-s needs the secret key "
		    "file that keygen wrote with -s)" :
		    want == EVIDENCE_FILE_PUBLIC ? " (-p needs a public key "
		    "file, such as the one keygen wrote with -p)" : "");
		goto out;
	}
	if (want == EVIDENCE_FILE_SECRET &&
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
	unsigned char raw[MINISIGN_PUB_RAW];

	memcpy(raw, MINISIGN_SIGALG, 2);
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
		return base_nomem(err);
	ex_keyid_format(pk->keyid, id, sizeof(id));
	ex_pubkey_base64(pk, b64);
	if (comment != NULL && comment[0] != '\0')
		n = snprintf(*text, cap, "%sminisign public key %s (%s)\n%s\n",
		    MINISIGN_UNTRUSTED, id, comment, b64);
	else
		n = snprintf(*text, cap, "%sminisign public key %s\n%s\n",
		    MINISIGN_UNTRUSTED, id, b64);
	if (len != NULL)
		*len = (size_t)n;
	return EX_OK;
}

static ex_status
pubkey_decode(const char *b64, size_t b64len, ex_pubkey *out, ex_error *err)
{
	unsigned char raw[MINISIGN_PUB_RAW];
	ex_status st;

	if ((st = evidence_b64_decode(b64, b64len, raw, sizeof(raw),
	    "public key", err)) != EX_OK)
		return st;
	if (memcmp(raw, MINISIGN_SIGALG, 2) != 0)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "public key: unsupported algorithm (not Ed25519 'Ed')");
	memcpy(out->keyid, raw + 2, EX_KEYID_BYTES);
	memcpy(out->pk, raw + 2 + EX_KEYID_BYTES, EX_PUBKEY_BYTES);
	return EX_OK;
}

ex_status
ex_pubkey_parse(const char *text, size_t len, ex_pubkey *out, ex_error *err)
{
	evidence_line lines[3];
	size_t n, prefix = strlen(MINISIGN_UNTRUSTED);
	int nul;

	n = evidence_split_lines(text, len, lines, 2, &nul);
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
	    memcmp(lines[0].p, MINISIGN_UNTRUSTED, prefix) != 0)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "public key: first line does not start with '%s'",
		    MINISIGN_UNTRUSTED);
	return pubkey_decode(lines[1].p, lines[1].len, out, err);
}

ex_status
ex_pubkey_load(const char *path, ex_pubkey *out, ex_error *err)
{
	char buf[MINISIGN_FILE_CAP];
	size_t len = 0;
	ex_status st;

	if ((st = evidence_read_small(path, EVIDENCE_FILE_PUBLIC, buf,
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

/* --- writing key files ------------------------------------------------- */

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

	if ((st = evidence_seckey_encode(sk, passphrase, &text, &len,
	    err)) == EX_OK)
		st = write_new_file(path, 0600, text, len, err);
	sodium_free(text);
	return st;
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
	if ((st = evidence_seckey_encode(sk, passphrase, &sec_text,
	    &sec_len, err)) != EX_OK)
		goto out;
	/* New files beside the paths, under hidden temporary names (0600). */
	if ((st = base_sibling_file(seckey_path, "partial", &stmp, &sfd,
	    err)) != EX_OK || (st = base_sibling_file(pubkey_path, "partial",
	    &ptmp, &pfd, err)) != EX_OK)
		goto out;
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

/* test_sign.c — minisign-compatible keys and signatures. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhibit/sign.h"
#include "scratch.h"

#define FIX TEST_SRCDIR "/tests/fixtures/keys/"
/* Key IDs of the fixtures, as stock minisign printed them. */
#define MS_W_ID "7135FD7A29375142"
#define MS_E_ID "88EE4781909E614A"
#define MS_E_PASS "correct horse"

static char tmpdir[256];

/* --- helpers ----------------------------------------------------------- */

static char *
tmp_path(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static void
spit(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0)
		fail_msg("%s: %s", path, strerror(errno));
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Copy a fixture key into the private folder, mode 0600. */
static const char *
private_copy(const char *fixture, const char *name)
{
	static char path[2][512];
	static int i;
	size_t len;
	char *text = slurp(fixture, &len);

	i = !i;
	snprintf(path[i], sizeof(path[i]), "%s", tmp_path(name));
	spit(path[i], text, len, 0600);
	free(text);
	return path[i];
}

static void
expect_err(ex_status got, const ex_error *err, ex_status want,
    const char *needle)
{
	if (got != want)
		fail_msg("status %s, want %s: %s", ex_status_name(got),
		    ex_status_name(want), err->message);
	assert_int_equal(err->code, want);
	if (strstr(err->message, needle) == NULL)
		fail_msg("'%s' lacks '%s'", err->message, needle);
}

static void
ok(ex_status st, const ex_error *err)
{
	if (st != EX_OK)
		fail_msg("%s: %s", ex_status_name(st), err->message);
}

static void
pubkey_fixture(const char *name, ex_pubkey *pk)
{
	ex_error err;

	ex_error_clear(&err);
	ok(ex_pubkey_load(name, pk, &err), &err);
}

/* --- key IDs and public keys ------------------------------------------ */

static void
test_keyid_format(void **state)
{
	const unsigned char id1[8] = { 0xce, 0xc5, 0xb1, 0x86, 0xb7, 0xd6,
	    0xeb, 0x98 };
	const unsigned char id2[8] = { 0x0a, 0x01, 0, 0, 0, 0, 0, 0 };
	const unsigned char id3[8] = { 0 };
	char buf[EX_KEYID_TEXT];

	(void)state;
	assert_string_equal(ex_keyid_format(id1, buf, sizeof(buf)),
	    "98EBD6B786B1C5CE");
	/* little-endian, no zero padding, as minisign 0.11 prints it */
	assert_string_equal(ex_keyid_format(id2, buf, sizeof(buf)), "10A");
	assert_string_equal(ex_keyid_format(id3, buf, sizeof(buf)), "0");
}

static void
test_pubkey_fixture_round_trip(void **state)
{
	char b64[EX_PUBKEY_B64_TEXT], id[EX_KEYID_TEXT], *file, *text = NULL;
	ex_pubkey pk, bare;
	ex_error err;
	size_t flen, len = 0;

	(void)state;
	ex_error_clear(&err);
	pubkey_fixture(FIX "minisign-w.pub", &pk);
	assert_string_equal(ex_keyid_format(pk.keyid, id, sizeof(id)),
	    MS_W_ID);
	/* our formatting is byte for byte what minisign wrote */
	file = slurp(FIX "minisign-w.pub", &flen);
	ok(ex_pubkey_format(&pk, NULL, &text, &len, &err), &err);
	assert_int_equal(len, flen);
	assert_string_equal(text, file);
	/* a bare base64 line (minisign -P) gives the same key */
	ex_pubkey_base64(&pk, b64);
	assert_int_equal(strlen(b64), EX_PUBKEY_B64_TEXT - 1);
	assert_non_null(strstr(file, b64));
	ok(ex_pubkey_parse(b64, strlen(b64), &bare, &err), &err);
	assert_true(ex_pubkey_equal(&pk, &bare));
	free(text);
	/* a comment goes after the ID and survives a parse */
	ok(ex_pubkey_format(&pk, "Control room, desk 2", &text, &len, &err),
	    &err);
	assert_non_null(strstr(text, "minisign public key " MS_W_ID
	    " (Control room, desk 2)\n"));
	ok(ex_pubkey_parse(text, len, &bare, &err), &err);
	assert_true(ex_pubkey_equal(&pk, &bare));
	free(text);
	expect_err(ex_pubkey_format(&pk, "two\nlines", &text, &len, &err),
	    &err, EX_ERR_USAGE, "no CR or LF");
	assert_null(text);
	free(file);
}

static void
test_pubkey_malformed(void **state)
{
	char b64[EX_PUBKEY_B64_TEXT], bad[256];
	ex_pubkey pk;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	pubkey_fixture(FIX "minisign-w.pub", &pk);
	ex_pubkey_base64(&pk, b64);

	/* truncated */
	expect_err(ex_pubkey_parse(b64, 40, &pk, &err), &err, EX_ERR_FORMAT,
	    "40 characters, expected 56");
	/* garbage in the base64 */
	strcpy(bad, b64);
	bad[20] = '*';
	expect_err(ex_pubkey_parse(bad, strlen(bad), &pk, &err), &err,
	    EX_ERR_FORMAT, "invalid base64");
	/* embedded whitespace is not base64 either */
	strcpy(bad, b64);
	bad[20] = ' ';
	expect_err(ex_pubkey_parse(bad, strlen(bad), &pk, &err), &err,
	    EX_ERR_FORMAT, "invalid base64");
	/* another algorithm: "Ed" -> "EC" ("RW" -> "RU" changes byte 2) */
	strcpy(bad, b64);
	bad[1] = 'U';
	expect_err(ex_pubkey_parse(bad, strlen(bad), &pk, &err), &err,
	    EX_ERR_FORMAT, "unsupported algorithm");
	/* comment line without the prefix */
	snprintf(bad, sizeof(bad), "comment: x\n%s\n", b64);
	expect_err(ex_pubkey_parse(bad, strlen(bad), &pk, &err), &err,
	    EX_ERR_FORMAT, "does not start with 'untrusted comment: '");
	/* trailing junk line */
	snprintf(bad, sizeof(bad), "untrusted comment: x\n%s\nmore\n", b64);
	expect_err(ex_pubkey_parse(bad, strlen(bad), &pk, &err), &err,
	    EX_ERR_FORMAT, "expected a comment line and a key line");
	expect_err(ex_pubkey_parse("", 0, &pk, &err), &err, EX_ERR_FORMAT,
	    "empty");
	/* a signature file is not a public key */
	expect_err(ex_pubkey_load(FIX "data.txt.minisig", &pk, &err), &err,
	    EX_ERR_FORMAT, "data.txt.minisig: this is a minisign signature, "
	    "not a public key");
}

/* --- signatures: round trips and rejections ----------------------------- */

static const char data[] = "Camera 3, 2024-10-27 01:59:30 BST\n";

static void
test_sign_verify_round_trip(void **state)
{
	char *text = NULL, *text2 = NULL, id1[EX_KEYID_TEXT], id2[EX_KEYID_TEXT];
	ex_seckey *sk = NULL;
	ex_digest_result d;
	ex_signature sig;
	ex_pubkey pk;
	ex_error err;
	size_t len = 0, len2 = 0;

	(void)state;
	ex_error_clear(&err);
	ok(ex_key_generate(&sk, &err), &err);
	ex_seckey_pubkey(sk, &pk);
	ok(ex_sign_buffer(sk, data, strlen(data), "case=C1\texhibit=JD/1",
	    "from a test", &text, &len, &err), &err);
	assert_int_equal(strlen(text), len);
	/* "ED" -> base64 "RU" */
	assert_true(strncmp(text, "untrusted comment: from a test\nRU", 33)
	    == 0);
	assert_non_null(strstr(text, "\ntrusted comment: case=C1\texhibit=JD/1\n"));
	ok(ex_sig_parse(text, len, &sig, &err), &err);
	assert_int_equal(sig.alg, EX_SIG_HASHED);
	assert_string_equal(sig.trusted_comment, "case=C1\texhibit=JD/1");
	assert_string_equal(sig.untrusted_comment, "from a test");
	assert_string_equal(ex_keyid_format(sig.keyid, id1, sizeof(id1)),
	    ex_keyid_format(pk.keyid, id2, sizeof(id2)));
	ok(ex_sig_verify_buffer(&pk, &sig, data, strlen(data), &err), &err);
	ex_digest_buffer(data, strlen(data), &d);
	ok(ex_sig_verify_digest(&pk, &sig, d.blake2b, &err), &err);

	/* signing the digest gives the same signature (Ed25519 is
	 * deterministic), so ex_sign_digest and ex_sign_buffer agree */
	ok(ex_sign_digest(sk, d.blake2b, "case=C1\texhibit=JD/1",
	    "from a test", &text2, &len2, &err), &err);
	assert_string_equal(text, text2);
	free(text2);
	text2 = NULL;
	/* defaults: timestamp trusted comment, exhibit untrusted comment */
	ok(ex_sign_digest(sk, d.blake2b, NULL, NULL, &text2, &len2, &err),
	    &err);
	assert_non_null(strstr(text2, "untrusted comment: signature from "
	    "exhibit secret key\n"));
	assert_non_null(strstr(text2, "\ntrusted comment: timestamp:"));
	ok(ex_sig_parse(text2, len2, &sig, &err), &err);
	ok(ex_sig_verify_buffer(&pk, &sig, data, strlen(data), &err), &err);
	free(text2);
	free(text);
	ex_seckey_free(&sk);
	assert_null(sk);
	ex_seckey_free(&sk);    /* NULL is fine */
	ex_seckey_free(NULL);
}

static void
test_sign_refuses_multiline_comments(void **state)
{
	ex_seckey *sk = NULL;
	char *text = NULL, *longc;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	ok(ex_key_generate(&sk, &err), &err);
	expect_err(ex_sign_buffer(sk, data, 3, "a\nb", NULL, &text, NULL,
	    &err), &err, EX_ERR_USAGE, "trusted comment must be one line");
	assert_null(text);
	expect_err(ex_sign_buffer(sk, data, 3, "a\rb", NULL, &text, NULL,
	    &err), &err, EX_ERR_USAGE, "trusted comment must be one line");
	expect_err(ex_sign_buffer(sk, data, 3, "ok", "x\ny", &text, NULL,
	    &err), &err, EX_ERR_USAGE, "untrusted comment must be one line");
	longc = malloc(EX_TRUSTED_COMMENT_MAX + 2);
	assert_non_null(longc);
	memset(longc, 'x', EX_TRUSTED_COMMENT_MAX + 1);
	longc[EX_TRUSTED_COMMENT_MAX + 1] = '\0';
	expect_err(ex_sign_buffer(sk, data, 3, longc, NULL, &text, NULL,
	    &err), &err, EX_ERR_USAGE, "trusted comment is longer");
	free(longc);
	ex_seckey_free(&sk);
}

/* Sign data with a fresh key; hand back the key, its text and pubkey. */
static char *
fresh_signature(ex_seckey **sk, ex_pubkey *pk, size_t *len)
{
	char *text = NULL;
	ex_error err;

	ex_error_clear(&err);
	ok(ex_key_generate(sk, &err), &err);
	ex_seckey_pubkey(*sk, pk);
	ok(ex_sign_buffer(*sk, data, strlen(data), "trusted", NULL, &text,
	    len, &err), &err);
	return text;
}

static void
test_verify_rejects_tampering(void **state)
{
	ex_seckey *sk = NULL, *other = NULL;
	ex_pubkey pk, other_pk, same_id;
	char *text, *copy, mine[EX_KEYID_TEXT], theirs[EX_KEYID_TEXT],
	    needle[64];
	ex_signature sig, edited;
	ex_error err;
	size_t len = 0;

	(void)state;
	ex_error_clear(&err);
	text = fresh_signature(&sk, &pk, &len);
	ok(ex_sig_parse(text, len, &sig, &err), &err);

	/* one bit flipped in the data */
	copy = strdup(data);
	copy[5] ^= 0x01;
	expect_err(ex_sig_verify_buffer(&pk, &sig, copy, strlen(copy), &err),
	    &err, EX_ERR_CRYPTO, "signature does not match");
	free(copy);

	/* another key: named by both key IDs */
	ok(ex_key_generate(&other, &err), &err);
	ex_seckey_pubkey(other, &other_pk);
	snprintf(needle, sizeof(needle), "signed by key ID %s, not %s",
	    ex_keyid_format(pk.keyid, mine, sizeof(mine)),
	    ex_keyid_format(other_pk.keyid, theirs, sizeof(theirs)));
	expect_err(ex_sig_verify_buffer(&other_pk, &sig, data, strlen(data),
	    &err), &err, EX_ERR_CRYPTO, needle);

	/* another key wearing the right key ID */
	same_id = other_pk;
	memcpy(same_id.keyid, pk.keyid, EX_KEYID_BYTES);
	expect_err(ex_sig_verify_buffer(&same_id, &sig, data, strlen(data),
	    &err), &err, EX_ERR_CRYPTO, "signature does not match");

	/* trusted comment edited after signing */
	edited = sig;
	strcpy(edited.trusted_comment, "trusted!");
	expect_err(ex_sig_verify_buffer(&pk, &edited, data, strlen(data),
	    &err), &err, EX_ERR_CRYPTO, "trusted comment has been altered");
	/* ... and in the text */
	copy = malloc(len + 2);
	assert_non_null(copy);
	{
		const char *tc = "\ntrusted comment: trusted\n";
		size_t head = 0;

		while (head < len && strncmp(text + head, tc,
		    strlen(tc)) != 0)
			head++;
		assert_true(head < len);
		head += strlen(tc) - 1;     /* before its newline */
		memcpy(copy, text, head);
		copy[head] = 'X';
		memcpy(copy + head + 1, text + head, len - head);
		ok(ex_sig_parse(copy, len + 1, &edited, &err), &err);
		expect_err(ex_sig_verify_buffer(&pk, &edited, data,
		    strlen(data), &err), &err, EX_ERR_CRYPTO,
		    "trusted comment has been altered");
	}
	free(copy);

	/* one bit of the signature itself */
	edited = sig;
	edited.sig[10] ^= 0x40;
	expect_err(ex_sig_verify_buffer(&pk, &edited, data, strlen(data),
	    &err), &err, EX_ERR_CRYPTO, "signature does not match");

	free(text);
	ex_seckey_free(&sk);
	ex_seckey_free(&other);
}

static void
expect_parse_error(const char *text, const char *needle)
{
	ex_signature sig;
	ex_error err;

	ex_error_clear(&err);
	expect_err(ex_sig_parse(text, strlen(text), &sig, &err), &err,
	    EX_ERR_FORMAT, needle);
}

static void
test_sig_parse_malformed(void **state)
{
	char *good, buf[2048], *l2, *l4;
	ex_signature sig;
	ex_error err;
	size_t len;
	int i;

	(void)state;
	ex_error_clear(&err);
	good = slurp(FIX "data.txt.minisig", &len);
	ok(ex_sig_parse(good, len, &sig, &err), &err);
	/* without the final newline, and with CRLF line ends, still fine */
	ok(ex_sig_parse(good, len - 1, &sig, &err), &err);
	{
		size_t j, k = 0;

		for (j = 0; j < len; j++) {
			if (good[j] == '\n')
				buf[k++] = '\r';
			buf[k++] = good[j];
		}
		ok(ex_sig_parse(buf, k, &sig, &err), &err);
		assert_string_equal(sig.trusted_comment,
		    "exhibit fixture: prehashed");
	}
	l2 = strchr(good, '\n') + 1;
	l4 = strchr(strchr(l2, '\n') + 1, '\n') + 1;

	expect_parse_error("", "expected 4 lines, found none");
	memcpy(buf, good, (size_t)(l4 - good));
	buf[l4 - good] = '\0';
	expect_parse_error(buf, "expected 4 lines, found 3");
	snprintf(buf, sizeof(buf), "%sextra\n", good);
	expect_parse_error(buf, "expected 4 lines, found more");
	snprintf(buf, sizeof(buf), "comment: %s", good + strlen(
	    "untrusted comment: "));
	expect_parse_error(buf, "line 1 does not start with");
	strcpy(buf, good);
	memcpy(strstr(buf, "trusted comment: exhibit"), "trusted-comment:", 16);
	expect_parse_error(buf, "line 3 does not start with");

	/* garbage in the signature's base64 */
	strcpy(buf, good);
	buf[l2 - good + 30] = '!';
	expect_parse_error(buf, "signature: invalid base64");
	/* garbage in the global signature's base64 */
	strcpy(buf, good);
	buf[l4 - good + 3] = '-';
	expect_parse_error(buf, "trusted comment signature: invalid base64");
	/* non-canonical base64: the global signature is 64 bytes, so its
	 * last character before "==" carries 4 unused bits that must be 0 */
	strcpy(buf, good);
	for (i = 0; buf[l4 - good + i] != '='; i++)
		;
	assert_int_equal(i, 86);
	assert_true(strchr("AQgw", buf[l4 - good + 85]) != NULL);
	buf[l4 - good + 85] += 1;       /* sets an unused low bit */
	expect_parse_error(buf, "trusted comment signature: invalid base64");
	/* missing padding */
	strcpy(buf, good);
	memmove(buf + (l4 - good) + 86, buf + (l4 - good) + 88,
	    strlen(buf + (l4 - good) + 88) + 1);
	expect_parse_error(buf, "86 characters, expected 88");
	/* unknown algorithm: "ED" -> "ET" ("RU" -> "RV") */
	strcpy(buf, good);
	assert_memory_equal(buf + (l2 - good), "RU", 2);
	buf[l2 - good + 1] = 'V';
	expect_parse_error(buf, "unknown algorithm");
	/* a NUL byte hiding in the trusted comment */
	{
		char *nul = strdup(good);
		char *tc = strstr(nul, "exhibit fixture");

		tc[7] = '\0';
		expect_err(ex_sig_parse(nul, len, &sig, &err), &err,
		    EX_ERR_FORMAT, "NUL");
		free(nul);
	}
	/* not a signature file at all */
	expect_err(ex_sig_load(FIX "minisign-w.pub", &sig, &err), &err,
	    EX_ERR_FORMAT, "minisign-w.pub: this is a minisign public key, "
	    "not a signature");
	free(good);
}

/* --- signatures made by stock minisign (fixtures) ------------------------ */

static void
test_minisign_fixture_signatures(void **state)
{
	ex_signature sig;
	ex_digest_result d;
	ex_pubkey pk, other;
	ex_error err;
	char needle[96];

	(void)state;
	ex_error_clear(&err);
	pubkey_fixture(FIX "minisign-w.pub", &pk);
	pubkey_fixture(FIX "minisign-e.pub", &other);

	/* prehashed ("ED", minisign's default) */
	ok(ex_sig_load(FIX "data.txt.minisig", &sig, &err), &err);
	assert_int_equal(sig.alg, EX_SIG_HASHED);
	assert_string_equal(sig.trusted_comment, "exhibit fixture: prehashed");
	ok(ex_sig_verify_file(&pk, &sig, FIX "data.txt", &err), &err);
	ok(ex_digest_file(FIX "data.txt", &d, &err), &err);
	ok(ex_sig_verify_digest(&pk, &sig, d.blake2b, &err), &err);
	expect_err(ex_sig_verify_file(&pk, &sig, FIX "data-tampered.txt",
	    &err), &err, EX_ERR_CRYPTO,
	    "data-tampered.txt: signature does not match");
	snprintf(needle, sizeof(needle), "signed by key ID %s, not %s",
	    MS_W_ID, MS_E_ID);
	expect_err(ex_sig_verify_file(&other, &sig, FIX "data.txt", &err),
	    &err, EX_ERR_CRYPTO, needle);

	/* legacy ("Ed", minisign -l) */
	ok(ex_sig_load(FIX "data.txt.legacy.minisig", &sig, &err), &err);
	assert_int_equal(sig.alg, EX_SIG_LEGACY);
	assert_string_equal(sig.trusted_comment, "exhibit fixture: legacy");
	ok(ex_sig_verify_file(&pk, &sig, FIX "data.txt", &err), &err);
	expect_err(ex_sig_verify_file(&pk, &sig, FIX "data-tampered.txt",
	    &err), &err, EX_ERR_CRYPTO, "signature does not match");
	expect_err(ex_sig_verify_digest(&pk, &sig, d.blake2b, &err), &err,
	    EX_ERR_UNSUPPORTED, "legacy");

	/* trusted comment edited */
	ok(ex_sig_load(FIX "data.txt.comment-edited.minisig", &sig, &err),
	    &err);
	expect_err(ex_sig_verify_file(&pk, &sig, FIX "data.txt", &err), &err,
	    EX_ERR_CRYPTO, "trusted comment has been altered");
}

/* --- secret key files ---------------------------------------------------- */

static void
test_unencrypted_key_files(void **state)
{
	ex_seckey *sk = NULL, *loaded = NULL;
	ex_pubkey pk, pk2, filepk;
	char *text = NULL, *file;
	ex_signature sig;
	struct stat sb;
	ex_error err;
	size_t len = 0;
	int enc = -1;

	(void)state;
	ex_error_clear(&err);
	ok(ex_key_generate(&sk, &err), &err);
	ex_seckey_pubkey(sk, &pk);
	ok(ex_key_write_files(sk, tmp_path("w.key"), tmp_path("w.pub"), NULL,
	    "test key", &err), &err);
	assert_int_equal(stat(tmp_path("w.key"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* laid out as minisign 0.11 -W writes it: kdf, salt, limits and
	 * checksum all zero; same comment line; same length */
	file = slurp(tmp_path("w.key"), &len);
	{
		size_t mslen;
		char *ms = slurp(FIX "minisign-w.key", &mslen);

		size_t head = strlen("untrusted comment: minisign encrypted "
		    "secret key\n");

		assert_int_equal(len, mslen);
		/* comment, "Ed" 00 00 "B2" (8 chars), 48 zero bytes (64) */
		assert_memory_equal(file, ms, head + 8 + 64);
		assert_memory_equal(file + head, "RWQAAEIy", 8);
		/* the last 44 characters hold only the zero checksum */
		assert_memory_equal(file + len - 45, ms + mslen - 45, 45);
		free(ms);
	}
	free(file);

	ok(ex_seckey_file_is_encrypted(tmp_path("w.key"), &enc, &err), &err);
	assert_int_equal(enc, 0);
	ok(ex_seckey_load(tmp_path("w.key"), NULL, &loaded, &err), &err);
	ex_seckey_pubkey(loaded, &pk2);
	assert_true(ex_pubkey_equal(&pk, &pk2));
	ok(ex_pubkey_load(tmp_path("w.pub"), &filepk, &err), &err);
	assert_true(ex_pubkey_equal(&pk, &filepk));
	ok(ex_sign_buffer(loaded, data, strlen(data), "t", NULL, &text, &len,
	    &err), &err);
	ok(ex_sig_parse(text, len, &sig, &err), &err);
	ok(ex_sig_verify_buffer(&filepk, &sig, data, strlen(data), &err),
	    &err);
	free(text);

	/* never overwrite: neither file, and nothing left behind */
	expect_err(ex_seckey_write(sk, tmp_path("w.key"), NULL, &err), &err,
	    EX_ERR_EXISTS, "w.key: already exists");
	expect_err(ex_pubkey_write(&pk, tmp_path("w.pub"), NULL, &err), &err,
	    EX_ERR_EXISTS, "w.pub: already exists");
	expect_err(ex_key_write_files(sk, tmp_path("new.key"),
	    tmp_path("w.pub"), NULL, NULL, &err), &err, EX_ERR_EXISTS,
	    "w.pub: already exists");
	assert_int_equal(access(tmp_path("new.key"), F_OK), -1);

	/* group-readable secret key refused, before any passphrase */
	assert_int_equal(chmod(tmp_path("w.key"), 0640), 0);
	expect_err(ex_seckey_load(tmp_path("w.key"), NULL, &loaded, &err),
	    &err, EX_ERR_USAGE, "chmod 600");
	assert_null(loaded);
	expect_err(ex_seckey_file_is_encrypted(tmp_path("w.key"), &enc, &err),
	    &err, EX_ERR_USAGE, "accessible by group or others (mode 0640)");
	assert_int_equal(chmod(tmp_path("w.key"), 0604), 0);
	expect_err(ex_seckey_load(tmp_path("w.key"), NULL, &loaded, &err),
	    &err, EX_ERR_USAGE, "chmod 600");

	ex_seckey_free(&sk);
}

static void
test_minisign_unencrypted_key(void **state)
{
	const char *path = private_copy(FIX "minisign-w.key", "ms-w.key");
	ex_seckey *sk = NULL;
	ex_pubkey pk, filepk;
	ex_signature sig;
	char *text = NULL, *file, *b64;
	ex_error err;
	size_t len = 0;

	(void)state;
	ex_error_clear(&err);
	ok(ex_seckey_load(path, NULL, &sk, &err), &err);
	ex_seckey_pubkey(sk, &pk);
	pubkey_fixture(FIX "minisign-w.pub", &filepk);
	assert_true(ex_pubkey_equal(&pk, &filepk));
	ok(ex_sign_file(sk, FIX "data.txt", "exhibit fixture: prehashed",
	    "signature from minisign secret key", &text, &len, &err), &err);
	/* byte for byte what minisign -S made with the same key and comments */
	file = slurp(FIX "data.txt.minisig", NULL);
	assert_string_equal(text, file);
	ok(ex_sig_parse(text, len, &sig, &err), &err);
	ok(ex_sig_verify_file(&filepk, &sig, FIX "data.txt", &err), &err);
	free(file);
	free(text);
	ex_seckey_free(&sk);

	/* a damaged secret half is caught (checksum is zero in -W keys, so
	 * by the public half stored beside it) */
	file = slurp(path, &len);
	b64 = strchr(file, '\n') + 1;
	b64[120] = b64[120] == 'A' ? 'B' : 'A';
	spit(tmp_path("damaged.key"), file, len, 0600);
	expect_err(ex_seckey_load(tmp_path("damaged.key"), NULL, &sk, &err),
	    &err, EX_ERR_FORMAT, "damaged");
	assert_null(sk);
	/* and a broken base64 line */
	b64[10] = '#';
	spit(tmp_path("broken.key"), file, len, 0600);
	expect_err(ex_seckey_load(tmp_path("broken.key"), NULL, &sk, &err),
	    &err, EX_ERR_FORMAT, "broken.key: secret key: invalid base64");
	free(file);
}

/* Each of these derives a key with minisign's scrypt limits (1 GiB, a
 * few seconds), so they are kept few. */
static void
test_encrypted_keys(void **state)
{
	const char *ms_path = private_copy(FIX "minisign-e.key", "ms-e.key");
	ex_seckey *sk = NULL, *loaded = NULL;
	ex_pubkey pk, pk2, filepk;
	char *file;
	ex_error err;
	size_t len;
	int enc = -1;

	(void)state;
	ex_error_clear(&err);

	/* minisign's own encrypted key, right and wrong passphrase */
	ok(ex_seckey_file_is_encrypted(ms_path, &enc, &err), &err);
	assert_int_equal(enc, 1);
	expect_err(ex_seckey_load(ms_path, NULL, &loaded, &err), &err,
	    EX_ERR_USAGE, "no passphrase was given");
	expect_err(ex_seckey_load(ms_path, "correct horse!", &loaded, &err),
	    &err, EX_ERR_CRYPTO, "wrong passphrase");
	assert_null(loaded);
	ok(ex_seckey_load(ms_path, MS_E_PASS, &loaded, &err), &err);
	ex_seckey_pubkey(loaded, &pk2);
	pubkey_fixture(FIX "minisign-e.pub", &filepk);
	assert_true(ex_pubkey_equal(&pk2, &filepk));
	ex_seckey_free(&loaded);

	/* ours: same layout as minisign's (kdf "Sc", checksum "B2", its
	 * limits), loads back with the passphrase */
	ok(ex_key_generate(&sk, &err), &err);
	ex_seckey_pubkey(sk, &pk);
	expect_err(ex_seckey_write(sk, tmp_path("e.key"), "", &err), &err,
	    EX_ERR_USAGE, "empty passphrase");
	assert_int_equal(access(tmp_path("e.key"), F_OK), -1);
	ok(ex_seckey_write(sk, tmp_path("e.key"), "s3cret pass", &err), &err);
	file = slurp(tmp_path("e.key"), &len);
	/* "Ed" "Sc" "B2" -> base64 "RWRTY0Iy"; opslimit 2^25, memlimit 2^30
	 * follow the 32-byte salt */
	assert_non_null(strstr(file, "\nRWRTY0Iy"));
	{
		unsigned char raw[158];
		size_t got = 0;
		char *b64 = strchr(file, '\n') + 1;

		assert_int_equal(sodium_base642bin(raw, sizeof(raw), b64,
		    strcspn(b64, "\n"), NULL, &got, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		assert_int_equal(got, 158);
		assert_memory_equal(raw + 38,
		    "\0\0\0\2\0\0\0\0" "\0\0\0\100\0\0\0\0", 16);
	}
	free(file);
	ok(ex_seckey_load(tmp_path("e.key"), "s3cret pass", &loaded, &err),
	    &err);
	ex_seckey_pubkey(loaded, &pk2);
	assert_true(ex_pubkey_equal(&pk, &pk2));
	ex_seckey_free(&loaded);
	ex_seckey_free(&sk);
}

static int
setup(void **state)
{
	(void)state;
	return scratch_make(tmpdir, sizeof(tmpdir), "test_sign");
}

static int
teardown(void **state)
{
	(void)state;
	scratch_remove(tmpdir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyid_format),
		cmocka_unit_test(test_pubkey_fixture_round_trip),
		cmocka_unit_test(test_pubkey_malformed),
		cmocka_unit_test(test_sign_verify_round_trip),
		cmocka_unit_test(test_sign_refuses_multiline_comments),
		cmocka_unit_test(test_verify_rejects_tampering),
		cmocka_unit_test(test_sig_parse_malformed),
		cmocka_unit_test(test_minisign_fixture_signatures),
		cmocka_unit_test(test_unencrypted_key_files),
		cmocka_unit_test(test_minisign_unencrypted_key),
		cmocka_unit_test(test_encrypted_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

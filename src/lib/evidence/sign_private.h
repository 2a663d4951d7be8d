/*
 * sign_private.h — what key.c, seckey.c and sign.c share inside libexhibit
 * (not part of the public API; see exhibit/sign.h).
 */
#ifndef EXHIBIT_SIGN_PRIVATE_H
#define EXHIBIT_SIGN_PRIVATE_H

#include <stddef.h>

#include <sodium.h>

#include "exhibit/sign.h"

/* minisign's algorithm tags */
#define MINISIGN_SIGALG "Ed"          /* key files, legacy signatures */
#define MINISIGN_SIGALG_HASHED "ED"   /* prehashed signatures */
#define MINISIGN_UNTRUSTED "untrusted comment: "
#define MINISIGN_TRUSTED "trusted comment: "

/* Sizes of the key files' records (key.c, seckey.c). */
#define MINISIGN_SALT_BYTES crypto_pwhash_scryptsalsa208sha256_SALTBYTES
#define MINISIGN_CHK_BYTES crypto_generichash_BYTES
#define MINISIGN_BLOCK_BYTES \
	(EX_KEYID_BYTES + crypto_sign_SECRETKEYBYTES + MINISIGN_CHK_BYTES)
#define MINISIGN_PUB_RAW (2 + EX_KEYID_BYTES + EX_PUBKEY_BYTES)
#define MINISIGN_SEC_RAW \
	(2 + 2 + 2 + MINISIGN_SALT_BYTES + 8 + 8 + MINISIGN_BLOCK_BYTES)
/* Largest key file read. */
#define MINISIGN_FILE_CAP 4096

/* Lives in sodium_malloc() memory; sk is libsodium's 64-byte Ed25519
 * secret key (seed || public key). */
struct ex_seckey {
	unsigned char keyid[EX_KEYID_BYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

/* One line of text: start and length without its "\n" (or "\r\n"). */
typedef struct evidence_line {
	const char *p;
	size_t len;
} evidence_line;

/* Split text into at most max lines.  A final newline does not start a
 * further line.  Returns the number of lines, or max + 1 when there are
 * more; *nul_found is set when text holds a NUL byte. */
size_t evidence_split_lines(const char *text, size_t len, evidence_line *lines,
    size_t max, int *nul_found);

/* Decode canonical base64 (with padding, no whitespace) of exactly
 * outlen bytes; EX_ERR_FORMAT naming what otherwise. */
ex_status evidence_b64_decode(const char *b64, size_t b64len,
    unsigned char *out, size_t outlen, const char *what, ex_error *err);

/* Read a whole small regular file into buf (cap bytes; a file of cap
 * bytes or more is EX_ERR_FORMAT "too large").  private_only: refuse a
 * file that group or others may access (EX_ERR_USAGE, says to chmod 600).
 * Messages are prefixed with path. */
/* Read fd into buf until end of file or until cap bytes are in (*have
 * says how many; have == cap means the file may hold more).  Errors are
 * prefixed with path. */
ex_status evidence_read_fd(int fd, const char *path, void *buf, size_t cap,
    size_t *have, ex_error *err);

/* What a caller expects a small file to be. */
typedef enum evidence_file_kind {
	EVIDENCE_FILE_PUBLIC,
	EVIDENCE_FILE_SECRET,        /* also: must be private (mode 0600) */
	EVIDENCE_FILE_SIGNATURE
} evidence_file_kind;

/* Read a key or signature file (a regular file, never waited on) into
 * buf.  A file that is recognisably another kind (a public key given as
 * the secret key, ...) is EX_ERR_FORMAT naming both kinds, checked before
 * a secret key's mode.  Errors are prefixed with path. */
ex_status evidence_read_small(const char *path, evidence_file_kind want,
    char *buf, size_t cap, size_t *len, ex_error *err);

/* The whole secret key file's text (seckey.c), in sodium_malloc()
 * memory: encrypted with passphrase, or not when it is NULL. */
ex_status evidence_seckey_encode(const ex_seckey *sk,
    const char *passphrase, char **text, size_t *len, ex_error *err);

#endif

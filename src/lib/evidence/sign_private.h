/*
 * sign_private.h — what key.c and sign.c share inside libexhibit
 * (not part of the public API; see exhibit/sign.h).
 */
#ifndef EXHIBIT_SIGN_PRIVATE_H
#define EXHIBIT_SIGN_PRIVATE_H

#include <stddef.h>

#include <sodium.h>

#include "exhibit/sign.h"

/* minisign's algorithm tags */
#define EX_MS_SIGALG "Ed"          /* key files, legacy signatures */
#define EX_MS_SIGALG_HASHED "ED"   /* prehashed signatures */
#define EX_MS_UNTRUSTED "untrusted comment: "
#define EX_MS_TRUSTED "trusted comment: "

/* Lives in sodium_malloc() memory; sk is libsodium's 64-byte Ed25519
 * secret key (seed || public key). */
struct ex_seckey {
	unsigned char keyid[EX_KEYID_BYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

/* One line of text: start and length without its "\n" (or "\r\n"). */
typedef struct ex_line {
	const char *p;
	size_t len;
} ex_line;

/* Split text into at most max lines.  A final newline does not start a
 * further line.  Returns the number of lines, or max + 1 when there are
 * more; *nul_found is set when text holds a NUL byte. */
size_t ex_sign_split_lines(const char *text, size_t len, ex_line *lines,
    size_t max, int *nul_found);

/* Decode canonical base64 (with padding, no whitespace) of exactly
 * outlen bytes; EX_ERR_FORMAT naming what otherwise. */
ex_status ex_sign_b64_decode(const char *b64, size_t b64len,
    unsigned char *out, size_t outlen, const char *what, ex_error *err);

/* Read a whole small regular file into buf (cap bytes; a file of cap
 * bytes or more is EX_ERR_FORMAT "too large").  private_only: refuse a
 * file that group or others may access (EX_ERR_USAGE, says to chmod 600).
 * Messages are prefixed with path. */
/* Read fd into buf until end of file or until cap bytes are in (*have
 * says how many; have == cap means the file may hold more).  Errors are
 * prefixed with path. */
ex_status ex_sign_read_fd(int fd, const char *path, void *buf, size_t cap,
    size_t *have, ex_error *err);

/* What a caller expects a small file to be. */
typedef enum ex_sign_kind {
	EX_SIGN_FILE_PUBLIC,
	EX_SIGN_FILE_SECRET,        /* also: must be private (mode 0600) */
	EX_SIGN_FILE_SIGNATURE
} ex_sign_kind;

/* Read a key or signature file (a regular file, never waited on) into
 * buf.  A file that is recognisably another kind (a public key given as
 * the secret key, ...) is EX_ERR_FORMAT naming both kinds, checked before
 * a secret key's mode.  Errors are prefixed with path. */
ex_status ex_sign_read_small(const char *path, ex_sign_kind want,
    char *buf, size_t cap, size_t *len, ex_error *err);

#endif

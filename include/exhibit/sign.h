/*
 * exhibit/sign.h — minisign-compatible keys and signatures.
 *
 * Keys are minisign key files and signatures are .minisig files, so anyone
 * can check a bundle with the stock `minisign -V`.  Signatures are always
 * made in minisign's prehashed form (algorithm "ED": Ed25519 over the
 * BLAKE2b-512 of the file), which is what lets hashing ride along with
 * copying (see exhibit/hash.h); verification also accepts the legacy "Ed"
 * form (Ed25519 over the whole file) that stock minisign -l writes.
 *
 * Ownership:
 *  - ex_pubkey and ex_signature are plain values owned by the caller
 *    (stack or struct member); nothing in them needs freeing.
 *  - ex_seckey is opaque and lives in sodium_malloc() memory (guarded,
 *    locked, wiped when freed).  It is created by ex_key_generate() or
 *    ex_seckey_load() and freed by ex_seckey_free(), which wipes it, nulls
 *    the caller's pointer and accepts NULL.
 *  - Text results (char **text / char **sig_text) are malloc()ed,
 *    NUL-terminated, and owned by the caller, who frees them with free().
 *  - Strings passed in are only read, never kept.
 *
 * Errors: EX_ERR_FORMAT for malformed key or signature text, EX_ERR_CRYPTO
 * when a signature or key check fails (wrong passphrase included),
 * EX_ERR_EXISTS when a key file would be overwritten, EX_ERR_USAGE for bad
 * arguments (and for a secret key file that others can read), EX_ERR_IO
 * for system errors.
 */
#ifndef EXHIBIT_SIGN_H
#define EXHIBIT_SIGN_H

#include <stddef.h>

#include "exhibit/error.h"
#include "exhibit/hash.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EX_KEYID_BYTES 8
#define EX_PUBKEY_BYTES 32        /* Ed25519 public key */
#define EX_SIG_BYTES 64           /* Ed25519 signature */
/* Key ID as text: up to 16 upper-case hex digits and a NUL. */
#define EX_KEYID_TEXT 17
/* The base64 line of a public key ("RW..."): 56 characters and a NUL. */
#define EX_PUBKEY_B64_TEXT 57
/* Longest comment text accepted (after the "untrusted comment: " or
 * "trusted comment: " prefix), as minisign 0.11 allows. */
#define EX_UNTRUSTED_COMMENT_MAX 1024
#define EX_TRUSTED_COMMENT_MAX 8192
/* Longest passphrase accepted. */
#define EX_PASSPHRASE_MAX 1024

typedef struct ex_pubkey {
	unsigned char keyid[EX_KEYID_BYTES];
	unsigned char pk[EX_PUBKEY_BYTES];
} ex_pubkey;

typedef struct ex_seckey ex_seckey;

typedef enum ex_sig_alg {
	EX_SIG_HASHED = 1,        /* "ED": over BLAKE2b-512 of the data */
	EX_SIG_LEGACY = 2         /* "Ed": over the data itself */
} ex_sig_alg;

/* A parsed .minisig file. */
typedef struct ex_signature {
	ex_sig_alg alg;
	unsigned char keyid[EX_KEYID_BYTES];           /* who signed */
	unsigned char sig[EX_SIG_BYTES];
	unsigned char global_sig[EX_SIG_BYTES];        /* over sig||trusted */
	char untrusted_comment[EX_UNTRUSTED_COMMENT_MAX + 1];
	char trusted_comment[EX_TRUSTED_COMMENT_MAX + 1]; /* NUL-terminated */
} ex_signature;

/* --- key IDs and public keys ---------------------------------------- */

/* The key ID as minisign 0.11 prints it: the 8 bytes read as a
 * little-endian u64, upper-case hex, no zero padding ("98EBD6B786B1C5CE").
 * Writes at most size bytes (EX_KEYID_TEXT is always enough); returns buf. */
char *ex_keyid_format(const unsigned char keyid[EX_KEYID_BYTES], char *buf,
    size_t size);

/* The bare base64 line of a public key ("RW" + 54 more); buf must hold
 * EX_PUBKEY_B64_TEXT bytes.  Returns buf. */
char *ex_pubkey_base64(const ex_pubkey *pk, char buf[EX_PUBKEY_B64_TEXT]);

/* A public key file's text:
 *   "untrusted comment: minisign public key <ID>[ (<comment>)]\n<base64>\n"
 * comment may be NULL; it must not contain CR or LF.  *text is malloc()ed
 * (caller frees); *len (if not NULL) gets its length. */
ex_status ex_pubkey_format(const ex_pubkey *pk, const char *comment,
    char **text, size_t *len, ex_error *err);

/* Parse a public key file's text, or a bare base64 line (as minisign -P
 * takes it).  Strict: algorithm "Ed", exact length, canonical base64. */
ex_status ex_pubkey_parse(const char *text, size_t len, ex_pubkey *out,
    ex_error *err);

/* Read and parse a public key file (errors are prefixed with the path). */
ex_status ex_pubkey_load(const char *path, ex_pubkey *out, ex_error *err);

/* Write a public key file (mode 0644, O_EXCL: EX_ERR_EXISTS if present). */
ex_status ex_pubkey_write(const ex_pubkey *pk, const char *path,
    const char *comment, ex_error *err);

/* 1 if a and b are the same key (ID and key bytes), else 0. */
int ex_pubkey_equal(const ex_pubkey *a, const ex_pubkey *b);

/* --- secret keys ----------------------------------------------------- */

/* A fresh key pair with a random key ID. */
ex_status ex_key_generate(ex_seckey **sk, ex_error *err);

/* Wipe and free; *sk becomes NULL.  Accepts NULL and *sk == NULL. */
void ex_seckey_free(ex_seckey **sk);

/* The public half (key ID and Ed25519 public key). */
void ex_seckey_pubkey(const ex_seckey *sk, ex_pubkey *out);

/* Write a secret key file, created with mode 0600 and O_EXCL
 * (EX_ERR_EXISTS if present; a partly written file is removed).
 * passphrase != NULL: protected exactly as minisign does it (kdf "Sc",
 * scryptsalsa208sha256 with minisign's limits, checksum "B2").  Deriving
 * the key takes 1 GiB of memory and a few seconds, as minisign's does.
 * passphrase == NULL: unencrypted, as minisign 0.11 -W writes it.
 * An empty passphrase is refused (EX_ERR_USAGE). */
ex_status ex_seckey_write(const ex_seckey *sk, const char *path,
    const char *passphrase, ex_error *err);

/* keygen in one step: create both files with O_EXCL before writing either,
 * so nothing is written when one of them exists; on failure neither file
 * is left behind.  comment goes on the public key (may be NULL). */
ex_status ex_key_write_files(const ex_seckey *sk, const char *seckey_path,
    const char *pubkey_path, const char *passphrase, const char *comment,
    ex_error *err);

/* Whether a secret key file is passphrase-protected (*encrypted = 1) or
 * not (0), so the caller knows whether to ask.  Performs the same checks
 * as ex_seckey_load() that need no passphrase, permissions included, so
 * a caller fails before asking for a passphrase in vain. */
ex_status ex_seckey_file_is_encrypted(const char *path, int *encrypted,
    ex_error *err);

/* Load a secret key file.  passphrase is NULL for an unencrypted key (and
 * ignored for one).  Refuses a file that group or others may access
 * (EX_ERR_USAGE, the message says to chmod 600); an encrypted key without
 * a passphrase is EX_ERR_USAGE; a wrong passphrase is EX_ERR_CRYPTO
 * ("wrong passphrase"); a damaged file is EX_ERR_FORMAT. */
ex_status ex_seckey_load(const char *path, const char *passphrase,
    ex_seckey **out, ex_error *err);

/* --- signing --------------------------------------------------------- */

/* Make a complete .minisig text (algorithm "ED") for data whose BLAKE2b-512
 * is blake2b (see ex_digest_result.blake2b):
 *   untrusted comment: <untrusted_comment>
 *   <base64 "ED"|keyid|signature>
 *   trusted comment: <trusted_comment>
 *   <base64 global signature over signature||trusted_comment>
 * trusted_comment NULL means "timestamp:<unix time>"; untrusted_comment
 * NULL means "signature from exhibit secret key".  Comments containing CR
 * or LF, or longer than the limits above, are refused (EX_ERR_USAGE).
 * *sig_text is malloc()ed (caller frees); *sig_len (if not NULL) gets its
 * length. */
ex_status ex_sign_digest(const ex_seckey *sk,
    const unsigned char blake2b[EX_BLAKE2B_BYTES],
    const char *trusted_comment, const char *untrusted_comment,
    char **sig_text, size_t *sig_len, ex_error *err);

/* As ex_sign_digest, over a memory buffer. */
ex_status ex_sign_buffer(const ex_seckey *sk, const void *buf, size_t len,
    const char *trusted_comment, const char *untrusted_comment,
    char **sig_text, size_t *sig_len, ex_error *err);

/* As ex_sign_digest, over a file read in chunks (never loaded whole). */
ex_status ex_sign_file(const ex_seckey *sk, const char *path,
    const char *trusted_comment, const char *untrusted_comment,
    char **sig_text, size_t *sig_len, ex_error *err);

/* --- verifying ------------------------------------------------------- */

/* Parse .minisig text strictly: exactly four lines ("untrusted comment: ",
 * base64, "trusted comment: ", base64; the last newline optional),
 * canonical base64 of exact length, algorithm "ED" or "Ed".  Anything else
 * is EX_ERR_FORMAT. */
ex_status ex_sig_parse(const char *text, size_t len, ex_signature *out,
    ex_error *err);

/* The .minisig text of a parsed signature exactly as ex_sign_digest
 * writes it: four lines, each ending in LF, canonical base64.  A file
 * whose bytes differ from this is not in exhibit's form (verify refuses
 * it: its untrusted comment and line ends are covered by no signature).
 * *text is malloc()ed; *len (if not NULL) gets its length. */
ex_status ex_sig_format(const ex_signature *sig, char **text, size_t *len,
    ex_error *err);

/* The untrusted comment exhibit writes in every .minisig. */
#define EX_SIG_UNTRUSTED_COMMENT "signature from exhibit secret key"

/* Read and parse a .minisig file (errors prefixed with the path). */
ex_status ex_sig_load(const char *path, ex_signature *out, ex_error *err);

/* Check a signature against the data's BLAKE2b-512: first that the key
 * IDs match ("signed by key ID X, not Y"), then the signature ("signature
 * does not match"), then the global signature ("trusted comment has been
 * altered"); all EX_ERR_CRYPTO.  A legacy "Ed" signature cannot be checked
 * from a digest: EX_ERR_UNSUPPORTED (use the _buffer or _file form). */
ex_status ex_sig_verify_digest(const ex_pubkey *pk, const ex_signature *sig,
    const unsigned char blake2b[EX_BLAKE2B_BYTES], ex_error *err);

/* As ex_sig_verify_digest over a memory buffer; also accepts "Ed". */
ex_status ex_sig_verify_buffer(const ex_pubkey *pk, const ex_signature *sig,
    const void *buf, size_t len, ex_error *err);

/* As ex_sig_verify_digest over a file; also accepts "Ed" (a legacy
 * signature needs the whole file in memory, as it does in minisign).
 * Errors are prefixed with the path. */
ex_status ex_sig_verify_file(const ex_pubkey *pk, const ex_signature *sig,
    const char *path, ex_error *err);

#ifdef __cplusplus
}
#endif

#endif

/*
 * exhibit/register.h — the disclosure register: every export on record.
 *
 * The register is an SQLite database (ex_register_default_path: the
 * --register option, else $EXHIBIT_REGISTER, else
 * $XDG_DATA_HOME/exhibit/register.sqlite, else ~/.local/share/...).  One
 * row per released bundle: when, who exported it and with which key, who
 * asked and why, the case and exhibit, cameras and range, what the bundle
 * holds, its path, size and manifest SHA-256.
 *
 * Tamper evidence.  Each row is a canonical text (its "record",
 * ex_register_record_text; exhibit(1), REGISTER FORMAT) that names the
 * SHA-256 of the row before it; the row's hash is the SHA-256 of its
 * record, and the record is signed (minisign, algorithm ED) by the
 * exporting operator's key.  A head record, signed the same way and
 * replaced with every row, names how many rows there are and the last
 * one's hash, so rows removed from the end are seen too.  A bundle's
 * manifest names its row's number and the hash it is chained on.
 *
 * Writing (the export).  ex_register_open() opens or makes the database
 * and refuses one it cannot write or one from a newer exhibit, before
 * any work.  ex_register_begin() takes the register's write lock
 * (waiting for another export's seal, until cancel is set) and says the
 * next row's number and link; ex_register_append() signs and inserts the
 * row and the new head and commits, in one transaction; anything else
 * (ex_register_close, a failure) rolls it back.  Once the bundle could not
 * be put in place after all, ex_register_retract() takes the row back out
 * if it is still the last.
 *
 * Every column read back is checked before use (type, length): the file
 * is outside input.  Ownership: see src/lib/base.h; rows from
 * ex_register_list belong to the caller (ex_register_rows_free).
 */
#ifndef EXHIBIT_REGISTER_H
#define EXHIBIT_REGISTER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/error.h"
#include "exhibit/hash.h"
#include "exhibit/sign.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The register's schema version (PRAGMA user_version) this exhibit
 * writes; a database of a higher version is refused. */
#define EX_REGISTER_SCHEMA 1

/* Why footage was released (--purpose). */
typedef enum ex_purpose {
	EX_PURPOSE_NONE = 0,            /* not given */
	EX_PURPOSE_POLICE,              /* police-investigation */
	EX_PURPOSE_COURT,               /* court */
	EX_PURPOSE_CIVIL,               /* civil-proceedings */
	EX_PURPOSE_SUBJECT_ACCESS,      /* subject-access */
	EX_PURPOSE_INSURANCE,           /* insurance */
	EX_PURPOSE_INTERNAL,            /* internal-review */
	EX_PURPOSE_OTHER,               /* other */
	EX_PURPOSE_COUNT
} ex_purpose;

/* The purpose's name ("police-investigation"...; "" for NONE). */
const char *ex_purpose_name(ex_purpose p);
/* 0 and *out for a name above (not ""); -1 for anything else. */
int ex_purpose_parse(const char *name, ex_purpose *out);

/* What a bundle holds (ex_register_row.holds). */
#define EX_HOLDS_MASTERS  0x1
#define EX_HOLDS_NATIVE   0x2
#define EX_HOLDS_WORKING  0x4
#define EX_HOLDS_REDACTED 0x8           /* pictures redacted (masks) */

typedef struct ex_register_row {
	int64_t row;                    /* number in the chain, from 1 */
	ex_instant time;                /* of the export, true UTC */
	char *operator_name;            /* required */
	char *organisation;
	char key_id[EX_KEYID_TEXT];     /* the signer's, hex */
	char *requester, *requester_org;
	ex_purpose purpose;
	char *case_ref, *exhibit_ref;   /* required */
	char *reason;
	char **cameras;                 /* at least one */
	size_t ncameras;
	ex_instant from, to;            /* the range, true UTC */
	unsigned holds;                 /* EX_HOLDS_* */
	char *container;                /* "zip", "dir", "tar", "iso" */
	char *bundle;                   /* absolute path released at */
	uint64_t bytes;                 /* the bundle's size */
	char manifest_sha256[EX_SHA256_HEX];
	char *tool;                     /* "exhibit 0.1.0" */
	char previous[EX_SHA256_HEX];   /* the row before's hash (64 zeros
	                                   for row 1) */
	char hash[EX_SHA256_HEX];       /* SHA-256 of this row's record */
	char *signature;                /* minisign text over the record */
} ex_register_row;

typedef struct ex_register ex_register;

/* The default register path (not made): see above.  EX_ERR_USAGE when
 * none can be named (no HOME nor XDG_DATA_HOME). */
ex_status ex_register_default_path(char **path, ex_error *err);

/* Open path; create (with its folders) a missing one when create is 1,
 * else EX_ERR_IO (no such file).  Refused: a file that is not a register, one of
 * a newer schema (EX_ERR_UNSUPPORTED, saying which), one that cannot be
 * written when create is 1 (EX_ERR_IO: a read-only file or folder, a
 * full disk).  cancel (may be NULL) stops a wait for another exhibit. */
ex_status ex_register_open(const char *path, int create,
    const volatile sig_atomic_t *cancel, ex_register **out, ex_error *err);
/* Roll back an open transaction, close, free; accepts NULL; sets NULL. */
void ex_register_close(ex_register **r);
const char *ex_register_path(const ex_register *r);

/* Take the write lock and say the next row's number and the hash it is
 * chained on.  EX_ERR_INTERRUPTED when cancel was set while waiting. */
ex_status ex_register_begin(ex_register *r, int64_t *row,
    char previous[EX_SHA256_HEX], ex_error *err);
/* Sign row (row->row and row->previous as begin gave them; key_id,
 * hash, signature are filled in here), insert it and the new head, and
 * commit.  On failure the transaction is rolled back: no row. */
ex_status ex_register_append(ex_register *r, ex_register_row *row,
    const ex_seckey *key, ex_error *err);
/* Remove row number `row` and put back the head before it, if it is the
 * last row (signed with key).  EX_ERR_EXISTS when a later row is there. */
ex_status ex_register_retract(ex_register *r, int64_t row,
    const ex_seckey *key, ex_error *err);

/* --- reading -------------------------------------------------------- */

typedef struct ex_register_filter {
	ex_instant from, to;            /* export time in [from, to); NONE:
	                                   open */
	const char *case_ref;           /* exact; NULL: any */
} ex_register_filter;

/* The rows in storage order that pass f (NULL: all). */
ex_status ex_register_list(ex_register *r, const ex_register_filter *f,
    ex_register_row **rows, size_t *nrows, ex_error *err);
void ex_register_rows_free(ex_register_row **rows, size_t nrows);
/* Free what one row owns and zero it. */
void ex_register_row_clear(ex_register_row *row);

/* The canonical record of a row (what is hashed and signed); *text is
 * malloc()ed. */
ex_status ex_register_record_text(const ex_register_row *row, char **text,
    size_t *len, ex_error *err);

/* --- checking ------------------------------------------------------- */

typedef enum ex_register_fault {
	EX_REGISTER_INTACT = 0,
	EX_REGISTER_EDITED,             /* contents not as signed */
	EX_REGISTER_INSERTED,           /* a row that is not in the chain */
	EX_REGISTER_REMOVED,            /* rows missing (inside, or at the end
	                                   against the signed head) */
	EX_REGISTER_REORDERED,          /* rows out of their order */
	EX_REGISTER_UNTRUSTED,          /* signed by a key not given */
	EX_REGISTER_HEAD                /* the head record missing or wrong */
} ex_register_fault;

/* "intact", "edited", "inserted", "removed", "reordered",
 * "untrusted-signer", "head". */
const char *ex_register_fault_name(ex_register_fault f);

typedef struct ex_register_check {
	ex_register_fault fault;        /* the first found */
	int64_t position;               /* 1-based place in storage order of
	                                   the first row that fails (0: the
	                                   head) */
	int64_t row;                    /* its row number (0: unknown) */
	char message[512];              /* why, for people */
	int64_t rows;                   /* rows read */
	char head_hash[EX_SHA256_HEX];  /* the intact chain's last hash */
} ex_register_check;

/* Check every row and the head against keys (any one of them may have
 * signed each).  EX_OK when the check ran: the answer is in *out. */
ex_status ex_register_verify(ex_register *r, const ex_pubkey *keys,
    size_t nkeys, ex_register_check *out, ex_error *err);

/* --- for programs and for the annual report ------------------------- */

/* CSV (RFC 4180, a header line, CRLF) of rows. */
ex_status ex_register_csv(const ex_register_row *rows, size_t n,
    char **text, size_t *len, ex_error *err);
/* XML (urn:exhibit:register:1, schemas/register.xsd) of rows. */
ex_status ex_register_xml(const ex_register_row *rows, size_t n,
    const ex_register_filter *f, char **text, size_t *len, ex_error *err);
const char *ex_register_xsd(size_t *len);

/* A period's sums. */
typedef struct ex_register_count {
	char *name;                     /* purpose name, organisation */
	int64_t requests;
	int64_t cameras;                /* camera exports (a camera in two
	                                   disclosures counts twice) */
	double hours;                   /* hours of footage released */
} ex_register_count;

typedef struct ex_register_sums {
	ex_instant from, to;            /* the period */
	int64_t requests, redacted, camera_exports, distinct_cameras;
	double hours;
	uint64_t bytes;
	ex_register_count *by_purpose;  /* every purpose, in enum order, then
	                                   "not given" when any */
	size_t npurposes;
	ex_register_count *by_org;      /* by requesting organisation, most
	                                   requests first ("not given") */
	size_t norgs;
} ex_register_sums;

ex_status ex_register_sum(const ex_register_row *rows, size_t n,
    ex_instant from, ex_instant to, ex_register_sums *out, ex_error *err);
void ex_register_sums_clear(ex_register_sums *s);
/* The report as text, CSV or a self-contained HTML page (inline SVG
 * charts, no script, nothing fetched). title names the period. */
ex_status ex_register_report_text(const ex_register_sums *s,
    const char *title, char **text, size_t *len, ex_error *err);
ex_status ex_register_report_csv(const ex_register_sums *s, char **text,
    size_t *len, ex_error *err);
ex_status ex_register_report_html(const ex_register_sums *s,
    const char *title, const char *zone, char **text, size_t *len,
    ex_error *err);

#ifdef __cplusplus
}
#endif

#endif

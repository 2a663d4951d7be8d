/*
 * register_private.h — what the files of the register share (not
 * installed).
 *
 *   store.c    the database: open, schema and migrations, the write lock,
 *              append, retract
 *   rows.c     the rows read back (every column checked), the listing
 *   record.c   purposes, the canonical record and head texts, signing
 *   check.c    ex_register_verify: the chain, the signatures, the head
 *   listing.c  rows as CSV and XML
 *   report.c   a period's sums, as text and CSV
 *   report_html.c  the sums as a self-contained HTML page with charts
 */
#ifndef EXHIBIT_REGISTER_PRIVATE_H
#define EXHIBIT_REGISTER_PRIVATE_H

#include <sqlite3.h>

#include "base.h"

#include "exhibit/register.h"

#define REGISTER_TEXT_MAX 65536     /* longest text column read back */

/* Every column of a row, in the order rows.c reads them. */
#define COLUMNS "row, previous, hash, time, operator, organisation, " \
	"key_id, requester, requester_org, purpose, case_ref, exhibit_ref, " \
	"reason, cameras, ncameras, range_from, range_to, holds, container, " \
	"bundle, bytes, manifest_sha256, tool, signature"

/* An open register (store.c). */
struct ex_register {
	char *path;
	sqlite3 *db;
	const volatile sig_atomic_t *cancel;
	int waited_ms;
	int writing;                /* a write transaction is open */
};

/* err from SQLite's rc (the system's reason when there is one). */
ex_status register_fail(ex_register *r, int rc, const char *doing,
    ex_error *err);
/* sqlite3_exec, the busy wait started afresh. */
int register_exec(ex_register *r, const char *sql);

/* The head record as stored. */
typedef struct register_head {
	int present;
	int64_t rows;
	char hash[EX_SHA256_HEX];
	ex_instant time;
	char *signature;
} register_head;

/* A row as read back for checking: the row, and what is wrong with its
 * columns (empty: nothing). */
typedef struct register_read {
	ex_register_row r;
	char problem[256];
} register_read;

/* Every row in storage order, columns checked: a row whose column is
 * wrong has a problem and as much as could be read. */
ex_status register_read_all(ex_register *reg, register_read **rows,
    size_t *n, register_head *head, ex_error *err);
void register_reads_free(register_read **rows, size_t n);
void register_head_clear(register_head *h);

/* The head record's canonical text. */
ex_status register_head_text(int64_t rows, const char *hash, ex_instant time,
    char **text, size_t *len, ex_error *err);
/* The trusted comment of a row's or the head's signature. */
void register_trusted(char *buf, size_t size, const char *what, int64_t n,
    ex_instant time, const char *hash);
/* Sign text; *sig malloc()ed. */
ex_status register_sign(const ex_seckey *key, const char *text, size_t len,
    const char *trusted, char **sig, ex_error *err);
/* SHA-256 of text as lower-case hex. */
void register_sha256_hex(const char *text, size_t len,
    char hex[EX_SHA256_HEX]);

/* Field values of the record: the escaping (\\, \n, \r, \xHH). */
void register_escape(base_buf *b, const char *s);

#endif

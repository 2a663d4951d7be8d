/*
 * check.c — ex_register_verify: every row's columns, its record against
 * its hash and its signature (by a key given), its number and link in the
 * chain, and the signed head against the last row.  The first fault found
 * is named with its kind: edited, inserted, removed, reordered, untrusted
 * signer, or the head.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/register_private.h"

static const char *const faults[] = {
	"intact", "edited", "inserted", "removed", "reordered",
	"untrusted-signer", "head",
};

const char *
ex_register_fault_name(ex_register_fault f)
{
	return f >= 0 && (size_t)f < sizeof(faults) / sizeof(faults[0]) ?
	    faults[f] : "unknown";
}

/* The first fault, once: later ones are not looked at. */
static void
found(ex_register_check *c, ex_register_fault f, int64_t position,
    int64_t row, const char *fmt, ...)
{
	va_list ap;

	if (c->fault != EX_REGISTER_INTACT)
		return;
	c->fault = f;
	c->position = position;
	c->row = row;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
}

/* Which of keys signed sig over text with this trusted comment: 0,
 * 1 the key is not given (*keyid says which), 2 the signature fails. */
static int
check_signature(const char *sigtext, const char *text, size_t len,
    const char *trusted, const ex_pubkey *keys, size_t nkeys,
    char keyid[EX_KEYID_TEXT])
{
	ex_signature *sig;
	ex_error e;
	size_t k;
	int rc = 2;

	keyid[0] = '\0';
	if (sigtext == NULL || (sig = malloc(sizeof(*sig))) == NULL)
		return 2;
	if (ex_sig_parse(sigtext, strlen(sigtext), sig, &e) != EX_OK)
		goto out;
	ex_keyid_format(sig->keyid, keyid, EX_KEYID_TEXT);
	rc = 1;
	for (k = 0; k < nkeys; k++) {
		if (memcmp(keys[k].keyid, sig->keyid, EX_KEYID_BYTES) != 0)
			continue;
		rc = ex_sig_verify_buffer(&keys[k], sig, text, len, &e) ==
		    EX_OK && strcmp(sig->trusted_comment, trusted) == 0 ? 0 : 2;
		break;
	}
out:
	free(sig);
	return rc;
}

/* One row's record, hash and signature. */
static void
check_row(const register_read *rd, int64_t pos, const ex_pubkey *keys,
    size_t nkeys, ex_register_check *c, char hash[EX_SHA256_HEX],
    ex_error *err)
{
	const ex_register_row *w = &rd->r;
	char trusted[256], keyid[EX_KEYID_TEXT], *text = NULL;
	size_t len;
	int rc;

	hash[0] = '\0';
	if (rd->problem[0] != '\0') {
		found(c, EX_REGISTER_EDITED, pos, w->row, "the row at place "
		    "%" PRId64 " was edited: %s", pos, rd->problem);
		return;
	}
	if (ex_register_record_text(w, &text, &len, err) != EX_OK) {
		found(c, EX_REGISTER_EDITED, pos, w->row, "%s", err->message);
		return;
	}
	register_sha256_hex(text, len, hash);
	register_trusted(trusted, sizeof(trusted), "register-row", w->row,
	    w->time, hash);
	rc = check_signature(w->signature, text, len, trusted, keys, nkeys,
	    keyid);
	free(text);
	if (rc == 1)
		found(c, EX_REGISTER_UNTRUSTED, pos, w->row, "row %" PRId64
		    " is signed by key ID %s, which was not given with -p "
		    "(an untrusted signer)", w->row, keyid);
	else if (rc == 2)
		found(c, EX_REGISTER_EDITED, pos, w->row, "row %" PRId64 " was "
		    "edited: its contents do not match its signature", w->row);
	else if (strcmp(hash, w->hash) != 0)
		found(c, EX_REGISTER_EDITED, pos, w->row, "row %" PRId64 " was "
		    "edited: its hash column does not match its contents",
		    w->row);
}

/* Is a row numbered `row` at a place after pos? */
static int
later(const register_read *rows, size_t n, size_t pos, int64_t row)
{
	size_t i;

	for (i = pos + 1; i < n; i++)
		if (rows[i].r.row == row)
			return 1;
	return 0;
}

/* Was a row numbered `row` at a place before pos? */
static int
earlier(const register_read *rows, size_t pos, int64_t row)
{
	size_t i;

	for (i = 0; i < pos; i++)
		if (rows[i].r.row == row)
			return 1;
	return 0;
}

/* The row's place in the chain: its number and the link it names. */
static void
check_link(const register_read *rows, size_t n, size_t i, int64_t expect,
    const char *prev, ex_register_check *c)
{
	const ex_register_row *w = &rows[i].r;
	int64_t pos = (int64_t)i + 1;

	if (w->row > expect && later(rows, n, i, expect))
		found(c, EX_REGISTER_REORDERED, pos, w->row, "row %" PRId64
		    " stands where row %" PRId64 " should, which comes later "
		    "(rows were reordered)", w->row, expect);
	else if (w->row > expect)
		found(c, EX_REGISTER_REMOVED, pos, w->row, "row %" PRId64
		    " follows row %" PRId64 ": %s %" PRId64 "%s%.0" PRId64
		    " removed", w->row, expect - 1, w->row - expect > 1 ?
		    "rows" : "row", expect, w->row - expect > 1 ? " to " : "",
		    w->row - expect > 1 ? w->row - 1 : 0);
	else if (w->row < expect && earlier(rows, i, w->row))
		found(c, EX_REGISTER_INSERTED, pos, w->row, "a second row "
		    "numbered %" PRId64 " after row %" PRId64 " (a row was "
		    "inserted)", w->row, expect - 1);
	else if (w->row < expect)
		found(c, EX_REGISTER_REORDERED, pos, w->row, "row %" PRId64
		    " comes after row %" PRId64 " (rows were reordered)",
		    w->row, expect - 1);
	else if (strcmp(w->previous, prev) != 0)
		found(c, EX_REGISTER_INSERTED, pos, w->row, "row %" PRId64
		    " is not chained on the row before it (a row was inserted "
		    "or replaced)", w->row);
}

/* The signed head against the chain's end. */
static void
check_head(const register_head *h, int64_t last, const char *hash,
    size_t n, const ex_pubkey *keys, size_t nkeys, ex_register_check *c,
    ex_error *err)
{
	char trusted[256], keyid[EX_KEYID_TEXT], *text = NULL;
	size_t len;
	int rc;

	if (!h->present) {
		if (n > 0)
			found(c, EX_REGISTER_HEAD, 0, 0, "the signed head "
			    "record is missing (it was deleted)");
		return;
	}
	if (register_head_text(h->rows, h->hash, h->time, &text, &len, err) !=
	    EX_OK) {
		found(c, EX_REGISTER_HEAD, 0, 0, "%s", err->message);
		return;
	}
	register_trusted(trusted, sizeof(trusted), "register-head", h->rows,
	    h->time, h->hash);
	rc = check_signature(h->signature, text, len, trusted, keys, nkeys,
	    keyid);
	free(text);
	if (rc == 1)
		found(c, EX_REGISTER_UNTRUSTED, 0, 0, "the head record is "
		    "signed by key ID %s, which was not given with -p (an "
		    "untrusted signer)", keyid);
	else if (rc == 2)
		found(c, EX_REGISTER_HEAD, 0, 0, "the head record was edited: "
		    "its contents do not match its signature");
	else if (h->rows > last)
		found(c, EX_REGISTER_REMOVED, (int64_t)n + 1, last + 1,
		    "%s %" PRId64 "%s%.0" PRId64 " removed from the end (the "
		    "signed head records %" PRId64 " rows, the register ends "
		    "at row %" PRId64 ")", h->rows - last > 1 ? "rows" : "row",
		    last + 1, h->rows - last > 1 ? " to " : "",
		    h->rows - last > 1 ? h->rows : 0, h->rows, last);
	else if (h->rows < last)
		found(c, EX_REGISTER_INSERTED, (int64_t)n, last, "rows after "
		    "row %" PRId64 " are not covered by the signed head (rows "
		    "were added without exhibit)", h->rows);
	else if (strcmp(h->hash, hash) != 0)
		found(c, EX_REGISTER_HEAD, 0, 0, "the last row is not the one "
		    "the signed head records (row %" PRId64 " was replaced)",
		    last);
}

ex_status
ex_register_verify(ex_register *r, const ex_pubkey *keys, size_t nkeys,
    ex_register_check *c, ex_error *err)
{
	char prev[EX_SHA256_HEX], hash[EX_SHA256_HEX];
	register_read *rows = NULL;
	register_head head;
	int64_t expect = 1, last = 0;
	size_t n = 0, i;
	ex_status st;

	memset(c, 0, sizeof(*c));
	memset(prev, '0', EX_SHA256_HEX - 1);
	prev[EX_SHA256_HEX - 1] = '\0';
	if ((st = register_read_all(r, &rows, &n, &head, err)) != EX_OK)
		return st;
	c->rows = (int64_t)n;
	for (i = 0; i < n && c->fault == EX_REGISTER_INTACT; i++) {
		check_row(&rows[i], (int64_t)i + 1, keys, nkeys, c, hash, err);
		check_link(rows, n, i, expect, prev, c);
		memcpy(prev, hash, sizeof(prev));
		last = rows[i].r.row;
		expect = last + 1;
	}
	if (c->fault == EX_REGISTER_INTACT)
		check_head(&head, last, prev, n, keys, nkeys, c, err);
	if (c->fault == EX_REGISTER_INTACT)
		memcpy(c->head_hash, prev, sizeof(prev));
	register_head_clear(&head);
	register_reads_free(&rows, n);
	return EX_OK;
}

/*
 * rows.c — the register's rows read back (exhibit/register.h): every
 * column checked for its type and length before a byte of it is used (the
 * file is outside input: anyone may have edited it), a row whose column is
 * wrong kept with the problem for register verify, and the listing.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/register_private.h"

/* ---- reading back --------------------------------------------------------- */

/* Column i as text of at most REGISTER_TEXT_MAX bytes, copied; NULL allowed when
 * optional.  0, or -1 with a problem. */
static int
col_text(sqlite3_stmt *q, int i, int optional, char **out, char *problem,
    size_t size)
{
	const unsigned char *s;
	int type = sqlite3_column_type(q, i), n;

	*out = NULL;
	if (type == SQLITE_NULL && optional)
		return 0;
	if (type != SQLITE_TEXT || (n = sqlite3_column_bytes(q, i)) >
	    REGISTER_TEXT_MAX || (s = sqlite3_column_text(q, i)) == NULL ||
	    memchr(s, '\0', (size_t)n) != NULL) {
		if (problem[0] == '\0')
			snprintf(problem, size, "column %s is not text",
			    sqlite3_column_name(q, i));
		return -1;
	}
	if ((*out = strdup((const char *)s)) == NULL)
		return -2;
	return 0;
}

/* Column i as an integer. */
static int64_t
col_int(sqlite3_stmt *q, int i, char *problem, size_t size)
{
	if (sqlite3_column_type(q, i) != SQLITE_INTEGER) {
		if (problem[0] == '\0')
			snprintf(problem, size, "column %s is not a whole "
			    "number", sqlite3_column_name(q, i));
		return 0;
	}
	return sqlite3_column_int64(q, i);
}

/* Column i as a fixed-width text (hex hash, key ID). */
static void
col_fixed(sqlite3_stmt *q, int i, char *out, size_t size, size_t exact,
    char *problem, size_t psize)
{
	char *s = NULL;
	int rc = col_text(q, i, 0, &s, problem, psize);

	out[0] = '\0';
	if (rc == 0 && (exact ? strlen(s) != exact : strlen(s) >= size)) {
		if (problem[0] == '\0')
			snprintf(problem, psize, "column %s has the wrong "
			    "length", sqlite3_column_name(q, i));
	} else if (rc == 0) {
		snprintf(out, size, "%s", s);
	}
	free(s);
}

/* Split the cameras column into the row. */
static int
split_cameras(const char *s, ex_register_row *w)
{
	const char *p = s, *nl;
	size_t n = 1, i;

	for (nl = s; (nl = strchr(nl, '\n')) != NULL; nl++)
		n++;
	if ((w->cameras = calloc(n, sizeof(*w->cameras))) == NULL)
		return -2;
	for (i = 0; i < n; i++) {
		nl = strchr(p, '\n');
		w->cameras[i] = nl != NULL ? strndup(p, (size_t)(nl - p)) :
		    strdup(p);
		if (w->cameras[i] == NULL)
			return -2;
		w->ncameras++;
		p = nl != NULL ? nl + 1 : p;
	}
	return 0;
}

/* One row from q; -2 when memory is short. */
static int
read_row(sqlite3_stmt *q, register_read *out)
{
	ex_register_row *w = &out->r;
	char *purpose = NULL, *cams = NULL, *p = out->problem;
	size_t ps = sizeof(out->problem);
	int nomem = 0;

#define TEXT(i, optional, dst) \
	(nomem |= col_text(q, i, optional, dst, p, ps) == -2)

	w->row = col_int(q, 0, p, ps);
	col_fixed(q, 1, w->previous, sizeof(w->previous), EX_SHA256_HEX - 1,
	    p, ps);
	col_fixed(q, 2, w->hash, sizeof(w->hash), EX_SHA256_HEX - 1, p, ps);
	w->time = col_int(q, 3, p, ps);
	TEXT(4, 0, &w->operator_name);
	TEXT(5, 1, &w->organisation);
	col_fixed(q, 6, w->key_id, sizeof(w->key_id), 0, p, ps);
	TEXT(7, 1, &w->requester);
	TEXT(8, 1, &w->requester_org);
	TEXT(9, 1, &purpose);
	TEXT(10, 0, &w->case_ref);
	TEXT(11, 0, &w->exhibit_ref);
	TEXT(12, 1, &w->reason);
	TEXT(13, 0, &cams);
	(void)col_int(q, 14, p, ps);
	w->from = col_int(q, 15, p, ps);
	w->to = col_int(q, 16, p, ps);
	w->holds = (unsigned)col_int(q, 17, p, ps);
	TEXT(18, 0, &w->container);
	TEXT(19, 0, &w->bundle);
	w->bytes = (uint64_t)col_int(q, 20, p, ps);
	col_fixed(q, 21, w->manifest_sha256, sizeof(w->manifest_sha256),
	    EX_SHA256_HEX - 1, p, ps);
	TEXT(22, 0, &w->tool);
	TEXT(23, 0, &w->signature);
	if (purpose != NULL && ex_purpose_parse(purpose, &w->purpose) != 0 &&
	    p[0] == '\0')
		snprintf(p, ps, "purpose '%.64s' is not one exhibit knows",
		    purpose);
	free(purpose);
	if (cams != NULL && !nomem && split_cameras(cams, w) == -2)
		nomem = 1;
	free(cams);
	return nomem ? -2 : 0;
#undef TEXT
}

static ex_status
read_head(ex_register *r, register_head *h, ex_error *err)
{
	char problem[128] = "";
	sqlite3_stmt *q;
	int rc;

	memset(h, 0, sizeof(*h));
	if ((rc = sqlite3_prepare_v2(r->db, "SELECT rows, hash, time, "
	    "signature FROM head WHERE id = 1", -1, &q, NULL)) != SQLITE_OK)
		return register_fail(r, rc, "read its head", err);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		h->present = 1;
		h->rows = col_int(q, 0, problem, sizeof(problem));
		col_fixed(q, 1, h->hash, sizeof(h->hash), EX_SHA256_HEX - 1,
		    problem, sizeof(problem));
		h->time = col_int(q, 2, problem, sizeof(problem));
		if (col_text(q, 3, 0, &h->signature, problem,
		    sizeof(problem)) == -2) {
			sqlite3_finalize(q);
			return base_nomem(err);
		}
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return register_fail(r, rc, "read its head", err);
	return EX_OK;
}

ex_status
register_read_all(ex_register *r, register_read **rows, size_t *n,
    register_head *head, ex_error *err)
{
	register_read *v = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *q;
	ex_status st;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((rc = register_exec(r, "BEGIN")) != SQLITE_OK)
		return register_fail(r, rc, "read it", err);
	if ((rc = sqlite3_prepare_v2(r->db, "SELECT " COLUMNS " FROM "
	    "disclosure ORDER BY id", -1, &q, NULL)) != SQLITE_OK) {
		st = register_fail(r, rc, "read its rows", err);
		goto out;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (BASE_GROW(v, cap, k + 1) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		memset(&v[k], 0, sizeof(v[k]));
		k++;
		if (read_row(q, &v[k - 1]) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		st = register_fail(r, rc, "read its rows", err);
		goto out;
	}
	if (head != NULL && (st = read_head(r, head, err)) != EX_OK)
		goto out;
	*rows = v;
	*n = k;
	v = NULL;
	k = 0;
	st = EX_OK;
out:
	register_exec(r, "COMMIT");
	register_reads_free(&v, k);
	return st;
}

void
register_reads_free(register_read **rows, size_t n)
{
	size_t i;

	if (rows == NULL || *rows == NULL)
		return;
	for (i = 0; i < n; i++)
		ex_register_row_clear(&(*rows)[i].r);
	free(*rows);
	*rows = NULL;
}

void
register_head_clear(register_head *h)
{
	free(h->signature);
	memset(h, 0, sizeof(*h));
}

ex_status
ex_register_list(ex_register *r, const ex_register_filter *f,
    ex_register_row **rows, size_t *nrows, ex_error *err)
{
	register_read *all = NULL;
	ex_register_row *v = NULL;
	size_t n = 0, i, k = 0;
	ex_status st;

	*rows = NULL;
	*nrows = 0;
	if ((st = register_read_all(r, &all, &n, NULL, err)) != EX_OK)
		return st;
	for (i = 0; i < n; i++)
		if (all[i].problem[0] != '\0') {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: the row at "
			    "place %zu cannot be read: %s (exhibit register "
			    "verify checks it)", r->path, i + 1,
			    all[i].problem);
			goto out;
		}
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const ex_register_row *w = &all[i].r;

		if (f != NULL && ((f->from != EX_INSTANT_NONE && w->time <
		    f->from) || (f->to != EX_INSTANT_NONE && w->time >= f->to) ||
		    (f->case_ref != NULL && strcmp(f->case_ref, w->case_ref) !=
		    0)))
			continue;
		v[k++] = all[i].r;          /* moved: its strings with it */
		memset(&all[i].r, 0, sizeof(all[i].r));
	}
	*rows = v;
	*nrows = k;
	v = NULL;
out:
	free(v);
	register_reads_free(&all, n);
	return st;
}

void
ex_register_rows_free(ex_register_row **rows, size_t nrows)
{
	size_t i;

	if (rows == NULL || *rows == NULL)
		return;
	for (i = 0; i < nrows; i++)
		ex_register_row_clear(&(*rows)[i]);
	free(*rows);
	*rows = NULL;
}

/*
 * test_register.c — the disclosure register (exhibit/register.h): the
 * canonical record, the chain and every kind of tampering it must name,
 * the schema guard, the write lock, the sums of the annual report and the
 * CSV a spreadsheet reads.
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "exhibit/register.h"
#include "scratch.h"

#define T0 INT64_C(1719835200000000)       /* 2024-07-01T12:00:00Z */
#define HOUR INT64_C(3600000000)

static char dir[4096];
static char path[4200];
static ex_seckey *key, *other;

static int
setup(void **state)
{
	ex_error err;

	(void)state;
	if (scratch_make(dir, sizeof(dir), "test_register") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/register.sqlite", dir);
	if (ex_key_generate(&key, &err) != EX_OK ||
	    ex_key_generate(&other, &err) != EX_OK)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	scratch_remove(dir);
	ex_seckey_free(&key);
	ex_seckey_free(&other);
	return 0;
}

/* A fresh register for each test. */
static int
fresh(void **state)
{
	char p[4300];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	return 0;
}

static char *cams1[] = { "cam1" };
static char *cams2[] = { "cam1", "cam2" };

/* Append one row: purpose p, org, cameras, hours of range. */
static int64_t
add(ex_register *r, const ex_seckey *k, ex_purpose p, const char *org,
    char **cams, size_t ncams, int hours, unsigned holds)
{
	ex_register_row w;
	ex_error err;
	int64_t row;

	memset(&w, 0, sizeof(w));
	assert_int_equal(ex_register_begin(r, &row, w.previous, &err), EX_OK);
	w.row = row;
	w.time = T0 + row * HOUR;
	w.operator_name = strdup("Op One");
	w.requester_org = org != NULL ? strdup(org) : NULL;
	w.purpose = p;
	w.case_ref = strdup("C-1");
	w.exhibit_ref = strdup("E/1");
	w.cameras = calloc(ncams, sizeof(char *));
	for (w.ncameras = 0; w.ncameras < ncams; w.ncameras++)
		w.cameras[w.ncameras] = strdup(cams[w.ncameras]);
	w.from = T0;
	w.to = T0 + hours * HOUR;
	w.holds = holds;
	w.container = strdup("zip");
	w.bundle = strdup("/evidence/b.zip");
	w.bytes = 1000;
	memset(w.manifest_sha256, 'a', 64);
	w.tool = strdup("exhibit test");
	assert_int_equal(ex_register_append(r, &w, k, &err), EX_OK);
	ex_register_row_clear(&w);
	return row;
}

static ex_register *
open_rw(void)
{
	ex_register *r = NULL;
	ex_error err;

	assert_int_equal(ex_register_open(path, 1, NULL, &r, &err), EX_OK);
	return r;
}

/* A register of n rows, closed. */
static void
make(int n)
{
	ex_register *r = open_rw();
	int i;

	for (i = 0; i < n; i++)
		add(r, key, EX_PURPOSE_POLICE, "Police", cams1, 1, 1,
		    EX_HOLDS_MASTERS | EX_HOLDS_NATIVE | EX_HOLDS_WORKING);
	ex_register_close(&r);
}

static void
sql(const char *q)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Verify with the keys given; the fault found. */
static ex_register_fault
check(int with_other, ex_register_check *c)
{
	ex_pubkey pk[2];
	ex_register *r = NULL;
	ex_error err;

	ex_seckey_pubkey(key, &pk[0]);
	ex_seckey_pubkey(other, &pk[1]);
	assert_int_equal(ex_register_open(path, 0, NULL, &r, &err), EX_OK);
	assert_int_equal(ex_register_verify(r, with_other ? pk + 1 : pk,
	    1, c, &err), EX_OK);
	ex_register_close(&r);
	return c->fault;
}

/* ---- names and texts ------------------------------------------------- */

static void
test_purposes(void **state)
{
	ex_purpose p;
	int i;

	(void)state;
	for (i = 1; i < EX_PURPOSE_COUNT; i++) {
		assert_int_equal(ex_purpose_parse(ex_purpose_name(
		    (ex_purpose)i), &p), 0);
		assert_int_equal(p, i);
	}
	assert_string_equal(ex_purpose_name(EX_PURPOSE_SUBJECT_ACCESS),
	    "subject-access");
	assert_int_equal(ex_purpose_parse("police", &p), -1);
	assert_int_equal(ex_purpose_parse("", &p), -1);
	assert_int_equal(ex_purpose_parse("Court", &p), -1);
}

/* The record is exactly the documented text: escapes and all. */
static void
test_record_text(void **state)
{
	char *cams[] = { "cam\n1", "c\\2" };
	ex_register_row w;
	char *text = NULL;
	size_t len;
	ex_error err;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.row = 3;
	memset(w.previous, 'b', 64);
	w.time = T0;
	w.operator_name = "Op\tOne";
	strcpy(w.key_id, "ABC");
	w.requester = "DC \x01Smith";
	w.purpose = EX_PURPOSE_COURT;
	w.case_ref = "C-1";
	w.exhibit_ref = "E/1";
	w.cameras = cams;
	w.ncameras = 2;
	w.from = T0;
	w.to = T0 + 10;
	w.holds = EX_HOLDS_NATIVE | EX_HOLDS_REDACTED;
	w.container = "dir";
	w.bundle = "/x/b";
	w.bytes = 42;
	memset(w.manifest_sha256, 'c', 64);
	w.tool = "exhibit 0.1.0";
	assert_int_equal(ex_register_record_text(&w, &text, &len, &err),
	    EX_OK);
	assert_string_equal(text,
	    "exhibit register row 1\n"
	    "row: 3\n"
	    "previous: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
	    "time: 1719835200000000\n"
	    "operator: Op\\x09One\n"
	    "organisation: \n"
	    "key-id: ABC\n"
	    "requester: DC \\x01Smith\n"
	    "requester-organisation: \n"
	    "purpose: court\n"
	    "case: C-1\n"
	    "exhibit: E/1\n"
	    "reason: \n"
	    "camera: cam\\n1\n"
	    "camera: c\\\\2\n"
	    "from: 1719835200000000\n"
	    "to: 1719835200000010\n"
	    "holds: native redacted\n"
	    "container: dir\n"
	    "bundle: /x/b\n"
	    "bytes: 42\n"
	    "manifest-sha256: cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\n"
	    "tool: exhibit 0.1.0\n");
	assert_int_equal(len, strlen(text));
	free(text);
}

/* ---- the chain --------------------------------------------------------- */

static void
test_intact_chain(void **state)
{
	ex_register_row *rows = NULL;
	ex_register_check c;
	ex_register *r;
	size_t n = 0, i;
	ex_error err;

	(void)state;
	make(5);
	assert_int_equal(check(0, &c), EX_REGISTER_INTACT);
	assert_int_equal(c.rows, 5);
	r = open_rw();
	assert_int_equal(ex_register_list(r, NULL, &rows, &n, &err), EX_OK);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		assert_int_equal(rows[i].row, (int64_t)i + 1);
		if (i == 0)
			assert_string_equal(rows[i].previous, "0000000000000000"
			    "000000000000000000000000000000000000000000000000");
		else
			assert_string_equal(rows[i].previous,
			    rows[i - 1].hash);
	}
	assert_string_equal(c.head_hash, rows[4].hash);
	ex_register_rows_free(&rows, n);
	ex_register_close(&r);
}

static void
test_edited(void **state)
{
	ex_register_check c;

	(void)state;
	make(4);
	sql("UPDATE disclosure SET requester_org = 'Insurer' WHERE row = 3");
	assert_int_equal(check(0, &c), EX_REGISTER_EDITED);
	assert_int_equal(c.row, 3);
	assert_non_null(strstr(c.message, "row 3 was edited"));
}

static void
test_edited_column_type(void **state)
{
	ex_register_check c;

	(void)state;
	make(3);
	sql("UPDATE disclosure SET bytes = 'many' WHERE row = 2");
	assert_int_equal(check(0, &c), EX_REGISTER_EDITED);
	assert_int_equal(c.position, 2);
	assert_non_null(strstr(c.message, "bytes"));
}

static void
test_removed_inside(void **state)
{
	ex_register_check c;

	(void)state;
	make(5);
	sql("DELETE FROM disclosure WHERE row IN (2, 3)");
	assert_int_equal(check(0, &c), EX_REGISTER_REMOVED);
	assert_int_equal(c.row, 4);
	assert_non_null(strstr(c.message, "rows 2 to 3 removed"));
}

static void
test_removed_tail(void **state)
{
	ex_register_check c;

	(void)state;
	make(5);
	sql("DELETE FROM disclosure WHERE row >= 4");
	assert_int_equal(check(0, &c), EX_REGISTER_REMOVED);
	assert_int_equal(c.row, 4);
	assert_non_null(strstr(c.message, "removed from the end"));
	/* and the head taken with them */
	sql("DELETE FROM head");
	assert_int_equal(check(0, &c), EX_REGISTER_HEAD);
	assert_non_null(strstr(c.message, "head record is missing"));
}

static void
test_reordered(void **state)
{
	ex_register_check c;

	(void)state;
	make(4);
	sql("UPDATE disclosure SET id = id * 10; "
	    "UPDATE disclosure SET id = 15 WHERE row = 3");
	assert_int_equal(check(0, &c), EX_REGISTER_REORDERED);
	assert_int_equal(c.position, 2);
	assert_int_equal(c.row, 3);
}

static void
test_inserted(void **state)
{
	ex_register_check c;

	(void)state;
	make(4);
	/* a copy of a genuine, signed row put back later in the chain */
	sql("UPDATE disclosure SET id = id * 10; INSERT INTO disclosure "
	    "SELECT 35, row, previous, hash, time, operator, organisation, "
	    "key_id, requester, requester_org, purpose, case_ref, "
	    "exhibit_ref, reason, cameras, ncameras, range_from, range_to, "
	    "holds, container, bundle, bytes, manifest_sha256, tool, "
	    "signature FROM disclosure WHERE row = 1");
	assert_int_equal(check(0, &c), EX_REGISTER_INSERTED);
	assert_int_equal(c.position, 4);
	assert_non_null(strstr(c.message, "second row numbered 1"));
}

/* A row signed by someone else's (valid) key, chained correctly. */
static void
test_untrusted_signer(void **state)
{
	ex_register_check c;
	ex_register *r;

	(void)state;
	make(2);
	r = open_rw();
	add(r, other, EX_PURPOSE_OTHER, NULL, cams1, 1, 1, 0);
	ex_register_close(&r);
	assert_int_equal(check(0, &c), EX_REGISTER_UNTRUSTED);
	assert_int_equal(c.row, 3);
	/* The other key alone: row 1 is the first it cannot vouch for. */
	assert_int_equal(check(1, &c), EX_REGISTER_UNTRUSTED);
	assert_int_equal(c.row, 1);
}

static void
test_head_edited(void **state)
{
	ex_register_check c;

	(void)state;
	make(3);
	sql("UPDATE head SET rows = 2");
	assert_int_equal(check(0, &c), EX_REGISTER_HEAD);
	assert_non_null(strstr(c.message, "head record was edited"));
}

/* ---- writing under faults ------------------------------------------- */

/* A begun row that is never appended leaves nothing. */
static void
test_abandoned_write(void **state)
{
	char prev[EX_SHA256_HEX];
	ex_register_check c;
	ex_register *r;
	int64_t row;
	ex_error err;

	(void)state;
	make(2);
	r = open_rw();
	assert_int_equal(ex_register_begin(r, &row, prev, &err), EX_OK);
	assert_int_equal(row, 3);
	ex_register_close(&r);
	assert_int_equal(check(0, &c), EX_REGISTER_INTACT);
	assert_int_equal(c.rows, 2);
}

/* The lock: a second writer waits, and gives up when cancelled. */
static void
test_lock_and_cancel(void **state)
{
	volatile sig_atomic_t cancel = 1;
	char prev[EX_SHA256_HEX];
	ex_register *a, *b = NULL;
	int64_t row;
	ex_error err;

	(void)state;
	make(1);
	a = open_rw();
	assert_int_equal(ex_register_begin(a, &row, prev, &err), EX_OK);
	assert_int_equal(ex_register_open(path, 1, &cancel, &b, &err),
	    EX_ERR_INTERRUPTED);
	assert_null(b);
	assert_non_null(strstr(err.message, "interrupted"));
	ex_register_close(&a);
	assert_int_equal(ex_register_open(path, 1, &cancel, &b, &err), EX_OK);
	ex_register_close(&b);
}

static void
test_retract(void **state)
{
	ex_register_check c;
	ex_register *r;
	ex_error err;

	(void)state;
	make(3);
	r = open_rw();
	assert_int_equal(ex_register_retract(r, 2, key, &err), EX_ERR_EXISTS);
	assert_int_equal(ex_register_retract(r, 3, key, &err), EX_OK);
	ex_register_close(&r);
	assert_int_equal(check(0, &c), EX_REGISTER_INTACT);
	assert_int_equal(c.rows, 2);
}

static void
test_schema_guard(void **state)
{
	ex_register *r = NULL;
	ex_error err;
	FILE *f;

	(void)state;
	make(1);
	sql("PRAGMA user_version = 9");
	assert_int_equal(ex_register_open(path, 1, NULL, &r, &err),
	    EX_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.message, "newer exhibit"));
	assert_int_equal(ex_register_open(path, 0, NULL, &r, &err),
	    EX_ERR_UNSUPPORTED);
	fresh(NULL);
	sql("CREATE TABLE people (name TEXT)");
	assert_int_equal(ex_register_open(path, 1, NULL, &r, &err),
	    EX_ERR_FORMAT);
	assert_non_null(strstr(err.message, "not an exhibit register"));
	fresh(NULL);
	f = fopen(path, "w");
	fputs("this is not a database, but it is long enough to look like "
	    "a header of one if you squint at it hard, so say no", f);
	fclose(f);
	assert_int_equal(ex_register_open(path, 1, NULL, &r, &err),
	    EX_ERR_FORMAT);
	fresh(NULL);
	assert_int_equal(ex_register_open(path, 0, NULL, &r, &err), EX_ERR_IO);
	assert_null(r);
}

/* ---- the annual report and the CSV ---------------------------------- */

static void
test_sums(void **state)
{
	ex_register_row *rows = NULL;
	ex_register_sums s;
	ex_register *r;
	size_t n = 0, i;
	ex_error err;

	(void)state;
	r = open_rw();
	add(r, key, EX_PURPOSE_POLICE, "Police", cams2, 2, 1, 7);   /* row 1 */
	add(r, key, EX_PURPOSE_POLICE, "Police", cams1, 1, 2, 7);
	add(r, key, EX_PURPOSE_INSURANCE, "Insurer", cams1, 1, 1,
	    EX_HOLDS_WORKING | EX_HOLDS_REDACTED);
	add(r, key, EX_PURPOSE_NONE, NULL, cams2, 2, 3, 7);
	add(r, key, EX_PURPOSE_COURT, "Court", cams1, 1, 1, 7);    /* row 5 */
	assert_int_equal(ex_register_list(r, NULL, &rows, &n, &err), EX_OK);
	ex_register_close(&r);
	/* rows 1..4 (times T0 + row hours; row 5 is outside) */
	assert_int_equal(ex_register_sum(rows, n, T0, T0 + 5 * HOUR, &s,
	    &err), EX_OK);
	assert_int_equal(s.requests, 4);
	assert_int_equal(s.redacted, 1);
	assert_int_equal(s.camera_exports, 6);
	assert_int_equal(s.distinct_cameras, 2);
	assert_true(s.hours > 10.99 && s.hours < 11.01);   /* 2+2+1+6 */
	assert_int_equal(s.npurposes, EX_PURPOSE_COUNT);   /* "not given" */
	for (i = 0; i < s.npurposes; i++) {
		if (strcmp(s.by_purpose[i].name, "police-investigation") == 0)
			assert_int_equal(s.by_purpose[i].requests, 2);
		else if (strcmp(s.by_purpose[i].name, "court") == 0)
			assert_int_equal(s.by_purpose[i].requests, 0);
	}
	assert_string_equal(s.by_purpose[s.npurposes - 1].name,
	    "(not given)");
	assert_int_equal(s.by_purpose[s.npurposes - 1].requests, 1);
	assert_int_equal(s.norgs, 3);
	assert_string_equal(s.by_org[0].name, "Police");
	assert_int_equal(s.by_org[0].requests, 2);
	assert_int_equal(s.by_org[0].cameras, 3);
	ex_register_sums_clear(&s);
	ex_register_rows_free(&rows, n);
}

static void
test_csv_cells(void **state)
{
	char *cams[] = { "a,b" };
	ex_register_row w;
	char *text = NULL;
	size_t len;
	ex_error err;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.row = 1;
	w.time = T0;
	w.operator_name = "O \"Q\" R";
	w.requester = "=HYPERLINK(\"http://x\")";
	w.case_ref = "C\n1";
	w.exhibit_ref = "E";
	w.cameras = cams;
	w.ncameras = 1;
	w.from = T0;
	w.to = T0 + HOUR;
	w.container = "zip";
	w.bundle = "/b";
	assert_int_equal(ex_register_csv(&w, 1, &text, &len, &err), EX_OK);
	assert_non_null(strstr(text, ",\"O \"\"Q\"\" R\","));
	assert_non_null(strstr(text, ",\"'=HYPERLINK(\"\"http://x\"\")\","));
	assert_non_null(strstr(text, ",\"C\n1\","));
	assert_non_null(strstr(text, ",\"a,b\","));
	assert_non_null(strstr(text, ",1.000,"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purposes),
		cmocka_unit_test(test_record_text),
		cmocka_unit_test_setup(test_intact_chain, fresh),
		cmocka_unit_test_setup(test_edited, fresh),
		cmocka_unit_test_setup(test_edited_column_type, fresh),
		cmocka_unit_test_setup(test_removed_inside, fresh),
		cmocka_unit_test_setup(test_removed_tail, fresh),
		cmocka_unit_test_setup(test_reordered, fresh),
		cmocka_unit_test_setup(test_inserted, fresh),
		cmocka_unit_test_setup(test_untrusted_signer, fresh),
		cmocka_unit_test_setup(test_head_edited, fresh),
		cmocka_unit_test_setup(test_abandoned_write, fresh),
		cmocka_unit_test_setup(test_lock_and_cancel, fresh),
		cmocka_unit_test_setup(test_retract, fresh),
		cmocka_unit_test_setup(test_schema_guard, fresh),
		cmocka_unit_test_setup(test_sums, fresh),
		cmocka_unit_test(test_csv_cells),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * store.c — the register's database (exhibit/register.h): where it is,
 * opening and making it, its schema and the migrations from the first
 * release on, the write lock an export holds while it seals its bundle,
 * appending and retracting a row, and every row read back with each
 * column checked (the file is outside input: anyone may have edited it).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exhibit/version.h"
#include "register/register_private.h"

#define APPLICATION_ID 0x45584852   /* "EXHR": PRAGMA application_id */
#define WAIT_MS 20                  /* between looks at a busy register */
#define WAIT_MAX_MS (10 * 60 * 1000)/* then waiting for the lock fails */
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

/*
 * The schema, one step per version: migrations[v] takes a database of
 * version v to v + 1.  A release that changes the schema adds a step and
 * raises EX_REGISTER_SCHEMA; it never edits an earlier step.
 */
static const char *const migrations[EX_REGISTER_SCHEMA] = {
	/* 0 -> 1: the first release. */
	"CREATE TABLE disclosure ("
	" id INTEGER PRIMARY KEY,"          /* storage order */
	" row INTEGER NOT NULL,"            /* number in the chain (signed) */
	" previous TEXT NOT NULL,"
	" hash TEXT NOT NULL,"
	" time INTEGER NOT NULL,"           /* microseconds, UTC */
	" operator TEXT NOT NULL,"
	" organisation TEXT,"
	" key_id TEXT NOT NULL,"
	" requester TEXT,"
	" requester_org TEXT,"
	" purpose TEXT,"
	" case_ref TEXT NOT NULL,"
	" exhibit_ref TEXT NOT NULL,"
	" reason TEXT,"
	" cameras TEXT NOT NULL,"           /* one per line */
	" ncameras INTEGER NOT NULL,"
	" range_from INTEGER NOT NULL,"
	" range_to INTEGER NOT NULL,"
	" holds INTEGER NOT NULL,"
	" container TEXT NOT NULL,"
	" bundle TEXT NOT NULL,"
	" bytes INTEGER NOT NULL,"
	" manifest_sha256 TEXT NOT NULL,"
	" tool TEXT NOT NULL,"
	" signature TEXT NOT NULL);"
	"CREATE INDEX disclosure_time ON disclosure (time);"
	"CREATE TABLE head ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" rows INTEGER NOT NULL,"
	" hash TEXT NOT NULL,"
	" time INTEGER NOT NULL,"
	" signature TEXT NOT NULL);",
};



/* ---- where it is ------------------------------------------------------ */

ex_status
ex_register_default_path(char **path, ex_error *err)
{
	const char *env = getenv("EXHIBIT_REGISTER");
	base_buf b = BASE_BUF_INIT;
	char *dir;
	ex_status st;

	*path = NULL;
	if (env != NULL && env[0] != '\0') {
		if ((*path = strdup(env)) == NULL)
			return base_nomem(err);
		return EX_OK;
	}
	if ((st = base_exhibit_dir("XDG_DATA_HOME", ".local/share", &dir,
	    err)) != EX_OK) {
		ex_error_set(err, st, "the disclosure register: %s "
		    "(--register FILE names one)", err->message);
		return st;
	}
	base_buf_adds(&b, dir);
	base_buf_adds(&b, "/register.sqlite");
	free(dir);
	if ((*path = base_buf_take(&b)) == NULL)
		return base_nomem(err);
	return EX_OK;
}

const char *
ex_register_path(const ex_register *r)
{
	return r != NULL ? r->path : NULL;
}

/* ---- SQLite's errors ---------------------------------------------------- */

ex_status
register_fail(ex_register *r, int rc, const char *doing, ex_error *err)
{
	int e = r->db != NULL ? sqlite3_system_errno(r->db) : 0;
	const char *why = r->db != NULL ? sqlite3_errmsg(r->db) :
	    sqlite3_errstr(rc);

	if ((rc & 0xff) == SQLITE_NOMEM)
		return base_nomem(err);
	if (e != 0 && ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) ==
	    SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_FULL || (rc & 0xff) ==
	    SQLITE_READONLY))
		why = strerror(e);
	if ((rc & 0xff) == SQLITE_INTERRUPT || ((rc & 0xff) == SQLITE_BUSY &&
	    ex_cancel_requested(r->cancel)))
		return ex_error_set(err, EX_ERR_INTERRUPTED, "%s: interrupted "
		    "while waiting for another exhibit to release the "
		    "register", r->path);
	if ((rc & 0xff) == SQLITE_BUSY)
		return ex_error_set(err, EX_ERR_IO, "%s: still locked by "
		    "another program after %d minutes", r->path,
		    WAIT_MAX_MS / 60000);
	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		return ex_error_set(err, EX_ERR_FORMAT, "%s: not a usable "
		    "register (%s)", r->path, why);
	return ex_error_set(err, EX_ERR_IO, "%s: cannot %s: %s", r->path,
	    doing, why);
}

/* Another exhibit holds the lock: wait, unless the user has asked to
 * stop or it has lasted too long. */
static int
busy(void *p, int count)
{
	ex_register *r = p;
	struct timespec ts = { 0, WAIT_MS * 1000000L };

	(void)count;
	if (ex_cancel_requested(r->cancel) || r->waited_ms >= WAIT_MAX_MS)
		return 0;
	nanosleep(&ts, NULL);
	r->waited_ms += WAIT_MS;
	return 1;
}

/* sqlite3_exec, the busy wait started afresh. */
int
register_exec(ex_register *r, const char *sql)
{
	r->waited_ms = 0;
	return sqlite3_exec(r->db, sql, NULL, NULL, NULL);
}

static int
query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *q;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(q, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	return rc;
}

/* ---- opening and the schema ------------------------------------------- */

/* Bring the schema up to EX_REGISTER_SCHEMA under the write lock (two
 * exhibits making it at once make it once).  Refuses a newer one and a
 * database that is not a register. */
static ex_status
migrate(ex_register *r, int writable, ex_error *err)
{
	int64_t v, app, tables;
	char sql[64];
	ex_status st;
	int rc;

	if ((rc = query_int(r->db, "PRAGMA user_version", &v)) != SQLITE_OK ||
	    (rc = query_int(r->db, "PRAGMA application_id", &app)) !=
	    SQLITE_OK || (rc = query_int(r->db, "SELECT count(*) FROM "
	    "sqlite_schema", &tables)) != SQLITE_OK)
		return register_fail(r, rc, "read it", err);
	if ((app != 0 && app != APPLICATION_ID) || (app == 0 && tables > 0))
		return ex_error_set(err, EX_ERR_FORMAT, "%s: an SQLite "
		    "database, but not an exhibit register", r->path);
	if (v > EX_REGISTER_SCHEMA)
		return ex_error_set(err, EX_ERR_UNSUPPORTED, "%s: written by "
		    "a newer exhibit (register schema %" PRId64 "; this "
		    "exhibit, %s, knows schema %d and older): use that "
		    "exhibit or a newer one", r->path, v, ex_version(),
		    EX_REGISTER_SCHEMA);
	if (v == EX_REGISTER_SCHEMA || !writable)
		return EX_OK;
	if ((rc = register_exec(r, "BEGIN IMMEDIATE")) != SQLITE_OK)
		return register_fail(r, rc, "write it", err);
	if ((rc = query_int(r->db, "PRAGMA user_version", &v)) != SQLITE_OK) {
		st = register_fail(r, rc, "read it", err);
		goto rollback;
	}
	for (; v < EX_REGISTER_SCHEMA; v++)
		if ((rc = register_exec(r, migrations[v])) != SQLITE_OK) {
			st = register_fail(r, rc, "make its tables", err);
			goto rollback;
		}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    EX_REGISTER_SCHEMA);
	if ((rc = register_exec(r, sql)) == SQLITE_OK) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
		    APPLICATION_ID);
		rc = register_exec(r, sql);
	}
	if (rc != SQLITE_OK || (rc = register_exec(r, "COMMIT")) != SQLITE_OK) {
		st = register_fail(r, rc, "write it", err);
		goto rollback;
	}
	return EX_OK;
rollback:
	if (!sqlite3_get_autocommit(r->db))
		register_exec(r, "ROLLBACK");
	return st;
}

/* Make path's folder, then path itself (mode 0600: it names people). */
static ex_status
make_file(const char *path, ex_error *err)
{
	const char *slash = strrchr(path, '/');
	struct stat sb;
	int fd;

	if (slash != NULL && slash != path) {
		char *dir = strndup(path, (size_t)(slash - path));

		if (dir == NULL)
			return base_nomem(err);
		if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			ex_status st = ex_error_errno(err, "%s: the register's "
			    "folder", dir);

			free(dir);
			return st;
		}
		free(dir);
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) >= 0)
		close(fd);
	else if (errno != EEXIST)
		return ex_error_errno(err, "%s: cannot create the register",
		    path);
	return EX_OK;
}

ex_status
ex_register_open(const char *path, int create,
    const volatile sig_atomic_t *cancel, ex_register **out, ex_error *err)
{
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	ex_register *r;
	struct stat sb;
	ex_status st;
	int rc;

	*out = NULL;
	if (lstat(path, &sb) == 0) {
		if (!S_ISREG(sb.st_mode))
			return ex_error_set(err, EX_ERR_USAGE, "%s: the "
			    "register is not a regular file", path);
	} else if (errno != ENOENT || !create) {
		return ex_error_errno(err, "%s: no register there", path);
	} else if ((st = make_file(path, err)) != EX_OK) {
		return st;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL) {
		free(r);
		return base_nomem(err);
	}
	r->cancel = cancel;
	flags |= create ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if ((rc = sqlite3_open_v2(path, &r->db, flags, NULL)) != SQLITE_OK) {
		st = register_fail(r, rc, "open it", err);
		goto bad;
	}
	/* Outside input: nothing in its schema runs or is trusted. */
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_limit(r->db, SQLITE_LIMIT_LENGTH, REGISTER_TEXT_MAX * 4);
	sqlite3_limit(r->db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_busy_handler(r->db, busy, r);
	/* SQLite opens a file it may not write read-only without a word:
	 * say so before anything else fails for it. */
	if (create && sqlite3_db_readonly(r->db, "main") == 1) {
		st = ex_error_set(err, EX_ERR_IO, "%s: the register cannot be "
		    "written (read-only file or file system)", path);
		goto bad;
	}
	if (create && ((rc = register_exec(r, "PRAGMA journal_mode = WAL")) !=
	    SQLITE_OK || (rc = register_exec(r, "PRAGMA synchronous = FULL")) !=
	    SQLITE_OK)) {
		st = register_fail(r, rc, "write it", err);
		goto bad;
	}
	if ((st = migrate(r, create, err)) != EX_OK)
		goto bad;
	if (create) {
		/* Writable now, not only when the bundle is done: take the
		 * write lock once (a read-only file, folder or medium fails
		 * here, before any work). */
		if (sqlite3_db_readonly(r->db, "main") == 1) {
			st = ex_error_set(err, EX_ERR_IO, "%s: the register "
			    "cannot be written (read-only)", path);
			goto bad;
		}
		if ((rc = register_exec(r, "BEGIN IMMEDIATE")) != SQLITE_OK ||
		    (rc = register_exec(r, "ROLLBACK")) != SQLITE_OK) {
			st = register_fail(r, rc, "write it", err);
			goto bad;
		}
	}
	*out = r;
	return EX_OK;
bad:
	ex_register_close(&r);
	return st;
}

void
ex_register_close(ex_register **rp)
{
	ex_register *r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	if (r->db != NULL && !sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(r->db);
	free(r->path);
	free(r);
	*rp = NULL;
}

/* ---- the row before and the write lock ---------------------------------- */

/* The last row's number and hash (0 and zeros when there is none). */
static int
last_row(ex_register *r, int64_t *row, char hash[EX_SHA256_HEX])
{
	sqlite3_stmt *q;
	const unsigned char *h;
	int rc;

	*row = 0;
	snprintf(hash, EX_SHA256_HEX, "%s", ZEROS);
	if ((rc = sqlite3_prepare_v2(r->db, "SELECT row, hash FROM "
	    "disclosure ORDER BY id DESC LIMIT 1", -1, &q, NULL)) !=
	    SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*row = sqlite3_column_int64(q, 0);
		h = sqlite3_column_text(q, 1);
		if (h != NULL && strlen((const char *)h) == EX_SHA256_HEX - 1)
			memcpy(hash, h, EX_SHA256_HEX);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	return rc;
}

ex_status
ex_register_begin(ex_register *r, int64_t *row, char previous[EX_SHA256_HEX],
    ex_error *err)
{
	int64_t last;
	int rc;

	if (r->writing)
		return ex_error_set(err, EX_ERR_USAGE, "%s: a row is already "
		    "being written", r->path);
	if ((rc = register_exec(r, "BEGIN IMMEDIATE")) != SQLITE_OK)
		return register_fail(r, rc, "take its write lock", err);
	r->writing = 1;
	if ((rc = last_row(r, &last, previous)) != SQLITE_OK) {
		ex_status st = register_fail(r, rc, "read its last row", err);

		register_exec(r, "ROLLBACK");
		r->writing = 0;
		return st;
	}
	*row = last + 1;
	return EX_OK;
}

/* ---- writing ------------------------------------------------------------ */

static void
bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

static int
insert_row(ex_register *r, const ex_register_row *w)
{
	base_buf cams = BASE_BUF_INIT;
	sqlite3_stmt *q;
	size_t i;
	int rc;

	for (i = 0; i < w->ncameras; i++) {
		if (i > 0)
			base_buf_addc(&cams, '\n');
		base_buf_adds(&cams, w->cameras[i]);
	}
	if (base_buf_failed(&cams))
		return SQLITE_NOMEM;
	if ((rc = sqlite3_prepare_v2(r->db, "INSERT INTO disclosure ("
	    COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
	    -1, &q, NULL)) != SQLITE_OK) {
		base_buf_free(&cams);
		return rc;
	}
	sqlite3_bind_int64(q, 1, w->row);
	bind_text(q, 2, w->previous);
	bind_text(q, 3, w->hash);
	sqlite3_bind_int64(q, 4, w->time);
	bind_text(q, 5, w->operator_name);
	bind_text(q, 6, w->organisation);
	bind_text(q, 7, w->key_id);
	bind_text(q, 8, w->requester);
	bind_text(q, 9, w->requester_org);
	bind_text(q, 10, w->purpose != EX_PURPOSE_NONE ?
	    ex_purpose_name(w->purpose) : NULL);
	bind_text(q, 11, w->case_ref);
	bind_text(q, 12, w->exhibit_ref);
	bind_text(q, 13, w->reason);
	bind_text(q, 14, cams.data);
	sqlite3_bind_int64(q, 15, (int64_t)w->ncameras);
	sqlite3_bind_int64(q, 16, w->from);
	sqlite3_bind_int64(q, 17, w->to);
	sqlite3_bind_int64(q, 18, (int64_t)w->holds);
	bind_text(q, 19, w->container);
	bind_text(q, 20, w->bundle);
	sqlite3_bind_int64(q, 21, (int64_t)w->bytes);
	bind_text(q, 22, w->manifest_sha256);
	bind_text(q, 23, w->tool);
	bind_text(q, 24, w->signature);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	base_buf_free(&cams);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The head for rows rows ending in hash, signed with key (rows 0: none). */
static ex_status
put_head(ex_register *r, int64_t rows, const char *hash, ex_instant time,
    const ex_seckey *key, ex_error *err)
{
	char trusted[256], *text = NULL, *sig = NULL;
	sqlite3_stmt *q;
	size_t len;
	ex_status st;
	int rc;

	if (rows == 0) {
		if ((rc = register_exec(r, "DELETE FROM head")) != SQLITE_OK)
			return register_fail(r, rc, "write its head", err);
		return EX_OK;
	}
	if ((st = register_head_text(rows, hash, time, &text, &len, err)) !=
	    EX_OK)
		return st;
	register_trusted(trusted, sizeof(trusted), "register-head", rows, time,
	    hash);
	st = register_sign(key, text, len, trusted, &sig, err);
	free(text);
	if (st != EX_OK)
		return st;
	if ((rc = sqlite3_prepare_v2(r->db, "INSERT OR REPLACE INTO head "
	    "(id, rows, hash, time, signature) VALUES (1, ?1, ?2, ?3, ?4)",
	    -1, &q, NULL)) == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, rows);
		bind_text(q, 2, hash);
		sqlite3_bind_int64(q, 3, time);
		bind_text(q, 4, sig);
		rc = sqlite3_step(q);
		sqlite3_finalize(q);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	free(sig);
	return rc == SQLITE_OK ? EX_OK : register_fail(r, rc, "write its head", err);
}

ex_status
ex_register_append(ex_register *r, ex_register_row *w, const ex_seckey *key,
    ex_error *err)
{
	char trusted[256], *text = NULL;
	ex_pubkey pk;
	size_t len;
	ex_status st;
	int rc;

	if (!r->writing)
		return ex_error_set(err, EX_ERR_USAGE, "%s: append without "
		    "begin", r->path);
	ex_seckey_pubkey(key, &pk);
	ex_keyid_format(pk.keyid, w->key_id, sizeof(w->key_id));
	free(w->signature);
	w->signature = NULL;
	if ((st = ex_register_record_text(w, &text, &len, err)) != EX_OK)
		goto rollback;
	register_sha256_hex(text, len, w->hash);
	register_trusted(trusted, sizeof(trusted), "register-row", w->row,
	    w->time, w->hash);
	st = register_sign(key, text, len, trusted, &w->signature, err);
	free(text);
	if (st != EX_OK)
		goto rollback;
	if ((rc = insert_row(r, w)) != SQLITE_OK) {
		st = register_fail(r, rc, "write its row", err);
		goto rollback;
	}
	if ((st = put_head(r, w->row, w->hash, w->time, key, err)) != EX_OK)
		goto rollback;
	if ((rc = register_exec(r, "COMMIT")) != SQLITE_OK) {
		st = register_fail(r, rc, "write its row", err);
		goto rollback;
	}
	r->writing = 0;
	return EX_OK;
rollback:
	if (!sqlite3_get_autocommit(r->db))
		register_exec(r, "ROLLBACK");
	r->writing = 0;
	return st;
}

ex_status
ex_register_retract(ex_register *r, int64_t row, const ex_seckey *key,
    ex_error *err)
{
	char prev[EX_SHA256_HEX], hash[EX_SHA256_HEX];
	int64_t last, before;
	ex_status st = EX_OK;
	int rc;

	if ((rc = register_exec(r, "BEGIN IMMEDIATE")) != SQLITE_OK)
		return register_fail(r, rc, "take its write lock", err);
	if ((rc = last_row(r, &last, hash)) != SQLITE_OK) {
		st = register_fail(r, rc, "read its last row", err);
		goto out;
	}
	if (last != row) {
		st = ex_error_set(err, EX_ERR_EXISTS, "%s: row %" PRId64 " is "
		    "no longer the last", r->path, row);
		goto out;
	}
	if ((rc = register_exec(r, "DELETE FROM disclosure WHERE id = (SELECT "
	    "max(id) FROM disclosure)")) != SQLITE_OK ||
	    (rc = last_row(r, &before, prev)) != SQLITE_OK) {
		st = register_fail(r, rc, "remove its row", err);
		goto out;
	}
	if ((st = put_head(r, before, prev, (ex_instant)time(NULL) *
	    EX_USEC_PER_SEC, key, err)) != EX_OK)
		goto out;
	if ((rc = register_exec(r, "COMMIT")) != SQLITE_OK)
		st = register_fail(r, rc, "remove its row", err);
out:
	if (!sqlite3_get_autocommit(r->db))
		register_exec(r, "ROLLBACK");
	return st;
}


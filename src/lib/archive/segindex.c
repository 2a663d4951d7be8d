/*
 * segindex.c — the segment index (segindex.h): one SQLite table of what
 * probing each recorder file learnt, keyed by its path and checked
 * against its size, times, inode and device.  The database is outside
 * input: every column read back is checked (type, length, range) before a
 * byte of it reaches a segment, and a database that is damaged is removed
 * and made anew.  Nothing here fails its caller but for memory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "archive/segindex.h"
#include "base.h"

/* The layout of the table (PRAGMA user_version).  A database of a lower
 * version is emptied and made anew, one of a higher version left alone. */
#define SCHEMA_VERSION 1
#define BUSY_MS 5000            /* wait for another exhibit's write */
#define VALUE_MAX (1 << 20)     /* longest string or row SQLite returns */
#define REBUILDS_MAX 3          /* then the index is given up */
#define STR_(x) #x
#define STR(x) STR_(x)

enum { Q_GET, Q_PUT, Q_READ, Q_WRITE, Q_COMMIT, Q_ROLLBACK, Q_COUNT };

static const char *const queries[Q_COUNT] = {
	archive_index_select,
	archive_index_insert,
	"BEGIN",
	"BEGIN IMMEDIATE",
	"COMMIT",
	"ROLLBACK",
};

/* What connecting gave. */
enum conn { CONN_OK, CONN_DAMAGED, CONN_NEWER, CONN_FAILED, CONN_NOMEM };

struct archive_index {
	char *path;               /* the database */
	sqlite3 *db;              /* NULL: given up (could not be rebuilt) */
	sqlite3_stmt *q[Q_COUNT];
	base_buf streams;         /* a row's streams, reused */
	char *note;               /* pending for archive_index_take_note */
	char why[PATH_MAX + 256]; /* what the last connect found */
	int newer;                /* the schema version found, if higher */
	/* The open transaction: gets read in one snapshot (a read lock per
	 * get costs twice the get), puts write in one batch. */
	enum { TX_NONE, TX_READ, TX_WRITE } tx;
	int skip;                 /* this batch is dropped */
	int troubled;             /* a note on trouble was given */
	int rebuilds;
};

/* --- file keys --------------------------------------------------------- */

/* Nanoseconds since the epoch; wraps (never overflows) for absurd times. */
static int64_t
nanoseconds(const struct timespec *ts)
{
	return (int64_t)((uint64_t)ts->tv_sec * 1000000000u +
	    (uint64_t)ts->tv_nsec);
}

void
archive_file_key_from(const struct stat *sb, archive_file_key *key)
{
	key->size = (int64_t)sb->st_size;
	key->mtime_ns = nanoseconds(&sb->st_mtim);
	key->ctime_ns = nanoseconds(&sb->st_ctim);
	key->ino = (uint64_t)sb->st_ino;
	key->dev = (uint64_t)sb->st_dev;
}

int
archive_file_key_of(const char *path, archive_file_key *key)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	archive_file_key_from(&sb, key);
	return 0;
}

/* --- notes ------------------------------------------------------------- */

/* Keep a note for the caller (the first one until it is taken).  -1 when
 * memory is short. */
static int
note(archive_index *ix, const char *fmt, ...)
{
	base_buf b = BASE_BUF_INIT;
	va_list ap;

	if (ix->note != NULL)
		return 0;
	va_start(ap, fmt);
	base_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return (ix->note = base_buf_take(&b)) != NULL ? 0 : -1;
}

char *
archive_index_take_note(archive_index *ix)
{
	char *n;

	if (ix == NULL)
		return NULL;
	n = ix->note;
	ix->note = NULL;
	return n;
}

const char *
archive_index_path(const archive_index *ix)
{
	return ix != NULL ? ix->path : NULL;
}

/* --- the database file ------------------------------------------------- */

/* The default database: $XDG_CACHE_HOME/exhibit/segments.sqlite, else
 * $HOME/.cache/exhibit/...; its folders made.  0 with ix->path, 1 with
 * ix->why saying why there is none, -1 for out of memory. */
static int
default_path(archive_index *ix)
{
	base_buf b = BASE_BUF_INIT;
	ex_error err;
	char *dir;

	if (base_exhibit_dir("XDG_CACHE_HOME", ".cache", &dir, &err) !=
	    EX_OK) {
		if (err.code == EX_ERR_NOMEM)
			return -1;
		snprintf(ix->why, sizeof(ix->why), "%s", err.message);
		return 1;
	}
	base_buf_adds(&b, dir);
	base_buf_adds(&b, "/segments.sqlite");
	free(dir);
	return (ix->path = base_buf_take(&b)) != NULL ? 0 : -1;
}

/* Remove the database and what SQLite keeps beside it. */
static void
remove_files(const char *path)
{
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	base_buf b = BASE_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		base_buf_truncate(&b, 0);
		base_buf_adds(&b, path);
		base_buf_adds(&b, sides[i]);
		if (!base_buf_failed(&b))
			(void)unlink(b.data);
	}
	base_buf_free(&b);
}

/* --- connecting -------------------------------------------------------- */

static int
is_damage(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

static void
disconnect(archive_index *ix)
{
	size_t i;

	for (i = 0; i < Q_COUNT; i++) {
		sqlite3_finalize(ix->q[i]);
		ix->q[i] = NULL;
	}
	sqlite3_close_v2(ix->db);
	ix->db = NULL;
	ix->tx = TX_NONE;
	ix->skip = 0;
}

/* The integer a statement (a PRAGMA) gives. */
static int
query_int(sqlite3 *db, const char *sql, int *v)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*v = sqlite3_column_int(q, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	return rc;
}

/* Write WAL, and the table if this database has none of this version
 * (made under the write lock, so that two exhibits making it at once make
 * it once).  SQLITE_OK, an error, or -1: a newer schema (ix->newer). */
static int
prepare_schema(archive_index *ix)
{
	sqlite3 *db = ix->db;
	int rc, v = 0;

	if ((rc = query_int(db, "PRAGMA user_version", &v)) != SQLITE_OK)
		return rc;
	if (v > SCHEMA_VERSION)
		goto newer;
	if ((rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = NORMAL", NULL, NULL, NULL)) != SQLITE_OK)
		return rc;
	if (v == SCHEMA_VERSION)
		return SQLITE_OK;
	if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) !=
	    SQLITE_OK)
		return rc;
	if ((rc = query_int(db, "PRAGMA user_version", &v)) != SQLITE_OK)
		goto rollback;
	if (v > SCHEMA_VERSION) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		goto newer;
	}
	if (v < SCHEMA_VERSION && ((rc = sqlite3_exec(db,
	    "DROP TABLE IF EXISTS segment", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_exec(db, archive_index_schema, NULL, NULL, NULL)) !=
	    SQLITE_OK || (rc = sqlite3_exec(db, "PRAGMA user_version = "
	    STR(SCHEMA_VERSION), NULL, NULL, NULL)) != SQLITE_OK))
		goto rollback;
	if ((rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) == SQLITE_OK)
		return SQLITE_OK;
rollback:
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
newer:
	ix->newer = v;
	return -1;
}

/* Why rc, in ix->why: the system's reason when SQLite has one, else
 * SQLite's; after "cannot open PATH: " unless it is damage. */
static void
say_why(archive_index *ix, int rc)
{
	int e = ix->db != NULL ? sqlite3_system_errno(ix->db) : 0;
	const char *why;

	if (is_damage(rc) || ix->db == NULL)
		why = sqlite3_errstr(rc);
	else if (e != 0 && ((rc & 0xff) == SQLITE_CANTOPEN ||
	    (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_READONLY))
		why = strerror(e);
	else
		why = sqlite3_errmsg(ix->db);
	if (is_damage(rc))
		snprintf(ix->why, sizeof(ix->why), "%s", why);
	else
		snprintf(ix->why, sizeof(ix->why), "cannot open %s: %s",
		    ix->path, why);
}

/* Open ix->path, set it up and prepare the statements.  On anything but
 * CONN_OK the database is closed again and ix->why says why. */
static enum conn
connect_db(archive_index *ix)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	struct stat sb;
	enum conn c;
	size_t i;
	int rc, fd;

	/* Not through a link (folders above it may be links: ~/.cache).
	 * Made here, mode 0600 (SQLite gives its -wal and -shm the same):
	 * it lists where the footage is. */
	if (lstat(ix->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		snprintf(ix->why, sizeof(ix->why), "%s is not a regular file",
		    ix->path);
		return CONN_FAILED;
	}
	if ((fd = open(ix->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) >= 0)
		close(fd);
	else if (errno != EEXIST) {
		snprintf(ix->why, sizeof(ix->why), "cannot create %s: %s",
		    ix->path, strerror(errno));
		return CONN_FAILED;
	}
	if ((rc = sqlite3_open_v2(ix->path, &ix->db, flags, NULL)) !=
	    SQLITE_OK)
		goto fail;
	/* Outside input: no triggers or views of its own run, nothing in
	 * its schema is trusted, no value is larger than a row can be. */
	sqlite3_db_config(ix->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(ix->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(ix->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(ix->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_limit(ix->db, SQLITE_LIMIT_LENGTH, VALUE_MAX);
	sqlite3_limit(ix->db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_busy_timeout(ix->db, BUSY_MS);
	if ((rc = prepare_schema(ix)) != SQLITE_OK) {
		if (rc == -1) {
			snprintf(ix->why, sizeof(ix->why), "written by a newer "
			    "exhibit");
			c = CONN_NEWER;
			goto out;
		}
		goto fail;
	}
	if (sqlite3_db_readonly(ix->db, "main") == 1) {
		snprintf(ix->why, sizeof(ix->why), "cannot write %s", ix->path);
		c = CONN_FAILED;
		goto out;
	}
	for (i = 0; i < Q_COUNT; i++)
		if ((rc = sqlite3_prepare_v3(ix->db, queries[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &ix->q[i], NULL)) != SQLITE_OK) {
			/* Its own version, but not its table: as damaged. */
			if ((rc & 0xff) == SQLITE_ERROR)
				rc = SQLITE_CORRUPT;
			goto fail;
		}
	return CONN_OK;
fail:
	if ((rc & 0xff) == SQLITE_NOMEM || ix->db == NULL)
		c = CONN_NOMEM;
	else if (is_damage(rc))
		c = CONN_DAMAGED;
	else
		c = CONN_FAILED;
	say_why(ix, rc);
out:
	disconnect(ix);
	return c;
}

/* The database is damaged (why): remove it and make it anew, with a note. */
static void
rebuild(archive_index *ix, const char *why)
{
	char was[256];

	snprintf(was, sizeof(was), "%s", why);
	disconnect(ix);
	remove_files(ix->path);
	if (++ix->rebuilds <= REBUILDS_MAX && connect_db(ix) == CONN_OK)
		(void)note(ix, "segment index %s was damaged (%s) and has been "
		    "rebuilt", ix->path, was);
	else
		(void)note(ix, "segment index %s was damaged (%s) and could "
		    "not be rebuilt (%s): no segment index", ix->path, was,
		    ix->rebuilds > REBUILDS_MAX ? "damaged again" : ix->why);
}

ex_status
archive_index_open(const char *file, archive_index **out, char **notep,
    ex_error *err)
{
	archive_index *ix;
	enum conn c;
	int r = 0;

	*out = NULL;
	*notep = NULL;
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return base_nomem(err);
	if (file != NULL)
		r = (ix->path = strdup(file)) != NULL ? 0 : -1;
	else
		r = default_path(ix);
	if (r < 0)
		goto nomem;
	if (r > 0) {
		if (note(ix, "no segment index: %s", ix->why) != 0)
			goto nomem;
		goto none;
	}
	if ((c = connect_db(ix)) == CONN_DAMAGED) {
		rebuild(ix, ix->why);
		if (ix->note == NULL)
			goto nomem;
		c = ix->db != NULL ? CONN_OK : CONN_FAILED;
		if (c != CONN_OK)
			goto none;
	}
	switch (c) {
	case CONN_OK:
		*out = ix;
		*notep = archive_index_take_note(ix);
		return EX_OK;
	case CONN_NEWER:
		r = note(ix, "segment index %s was written by a newer exhibit "
		    "(schema version %d; this one knows %d): left as it is, no "
		    "segment index", ix->path, ix->newer, SCHEMA_VERSION);
		break;
	case CONN_NOMEM:
		goto nomem;
	default:
		r = note(ix, "no segment index: %s", ix->why);
		break;
	}
	if (r != 0)
		goto nomem;
none:
	*notep = archive_index_take_note(ix);
	archive_index_close(&ix);
	return EX_OK;
nomem:
	archive_index_close(&ix);
	return base_nomem(err);
}

void
archive_index_close(archive_index **ixp)
{
	archive_index *ix;

	if (ixp == NULL || (ix = *ixp) == NULL)
		return;
	archive_index_commit(ix);
	disconnect(ix);
	base_buf_free(&ix->streams);
	free(ix->note);
	free(ix->path);
	free(ix);
	*ixp = NULL;
}

/* --- trouble ----------------------------------------------------------- */

/* Step a statement that returns no row; its result code. */
static int
run(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	sqlite3_reset(q);
	return rc;
}

/* A statement failed with rc while reading or writing: damage is
 * rebuilt; other trouble is noted once, and a write drops the batch.  -1
 * when rc is out of memory, else 0. */
static int
failed(archive_index *ix, int rc, int writing)
{
	if (is_damage(rc)) {
		rebuild(ix, sqlite3_errstr(rc));
		return 0;
	}
	if (writing) {
		if (!sqlite3_get_autocommit(ix->db))
			(void)run(ix->q[Q_ROLLBACK]);
		ix->skip = 1;
	}
	if (sqlite3_get_autocommit(ix->db))
		ix->tx = TX_NONE;
	if ((rc & 0xff) == SQLITE_NOMEM)
		return -1;
	if (!ix->troubled) {
		ix->troubled = 1;
		(void)note(ix, "segment index %s could not be %s (%s): %s",
		    ix->path, writing ? "written" : "read", sqlite3_errstr(rc),
		    writing ? "what was probed is not kept" :
		    "files are probed instead");
	}
	return 0;
}

int
archive_index_get(archive_index *ix, const char *path,
    const archive_file_key *key, ex_segment *seg, archive_probe_times *times)
{
	archive_probe_times tm;
	ex_segment t;
	sqlite3_stmt *q;
	size_t n;
	int rc, r = 0;

	if (ix == NULL || ix->db == NULL || path == NULL || key == NULL ||
	    seg == NULL || (n = strlen(path)) > VALUE_MAX)
		return 0;
	memset(&t, 0, sizeof(t));
	if (ix->tx == TX_NONE && run(ix->q[Q_READ]) == SQLITE_DONE)
		ix->tx = TX_READ;
	q = ix->q[Q_GET];
	if ((rc = sqlite3_bind_blob(q, 1, path, (int)n, SQLITE_STATIC)) ==
	    SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
		r = archive_index_row_take(q, key, &t, &tm);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (r == 1) {
		archive_index_row_give(seg, &t);
		if (times != NULL)
			*times = tm;
		return 1;
	}
	free(t.problem);
	free(t.streams);
	if (r < 0)
		return -1;
	if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		return failed(ix, rc, 0);
	return 0;
}

void
archive_index_put(archive_index *ix, const ex_segment *seg,
    const archive_file_key *key, const archive_probe_times *times)
{
	static const archive_probe_times none = { 0, 0, 0, EX_INSTANT_NONE };
	sqlite3_stmt *q;
	int rc;

	if (ix == NULL || ix->db == NULL || ix->skip || seg == NULL ||
	    seg->path == NULL || key == NULL || strlen(seg->path) >
	    VALUE_MAX / 2 || seg->nstreams > ARCHIVE_INDEX_MAX_STREAMS ||
	    (seg->nstreams > 0 && seg->streams == NULL))
		return;
	if (ix->tx == TX_READ) {
		(void)run(ix->q[Q_COMMIT]);   /* a snapshot cannot write */
		ix->tx = TX_NONE;
	}
	if (ix->tx == TX_NONE) {
		if ((rc = run(ix->q[Q_WRITE])) != SQLITE_DONE) {
			(void)failed(ix, rc, 1);
			return;
		}
		ix->tx = TX_WRITE;
	}
	q = ix->q[Q_PUT];
	if ((rc = archive_index_row_bind(q, seg, key, times != NULL ? times :
	    &none, &ix->streams)) == SQLITE_OK)
		rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE)
		(void)failed(ix, rc, 1);
}

void
archive_index_commit(archive_index *ix)
{
	int rc;

	if (ix == NULL || ix->db == NULL)
		return;
	if (ix->tx != TX_NONE && (rc = run(ix->q[Q_COMMIT])) != SQLITE_DONE)
		(void)failed(ix, rc, ix->tx == TX_WRITE);
	ix->tx = TX_NONE;
	if (ix->db != NULL)
		ix->skip = 0;
}

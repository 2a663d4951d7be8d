/*
 * test_segindex_damage.c — the segment index when things go wrong: a
 * damaged database (not one at all, a page overwritten, cut short) is
 * rebuilt with a note, at open or at the first get; a newer one is left
 * alone byte for byte; an older one is made anew; the default folder, and
 * no index (with the folder and the reason) where it cannot be made or
 * written, also as root; two processes writing at once; a write lock held
 * past the wait drops one batch with one note.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "archive/segindex.h"
#include "scratch.h"
#include "test_segindex.h"

/* Open the index at file: the note must start with want (and contain
 * also, if not NULL); *ixp gets what open gave. */
static void
open_noted(const char *file, archive_index **ixp, const char *want,
    const char *also)
{
	char *note = NULL;
	ex_error err;

	assert_int_equal(archive_index_open(file, ixp, &note, &err), EX_OK);
	assert_non_null(note);
	if (strncmp(note, want, strlen(want)) != 0)
		fail_msg("note \"%s\" does not start \"%s\"", note, want);
	if (also != NULL && strstr(note, also) == NULL)
		fail_msg("note \"%s\" does not say \"%s\"", note, also);
	free(note);
}

/* The i-th path of fill. */
static void
fill_path(char *path, size_t size, int i)
{
	snprintf(path, size, "/rec/camera-%02d/2026-12-%02d/%02d/%02d.%02d.mp4"
	    "#%d", i % 7, i % 28 + 1, i % 24, i % 60, i % 59, i);
}

/* A database of n rows at file, closed (so all in the file itself). */
static void
fill(const char *file, int n)
{
	char path[256];
	ex_segment seg;
	archive_index *ix;
	int i;

	ix = open_ok(file);
	for (i = 0; i < n; i++) {
		fill_path(path, sizeof(path), i);
		make_seg(&seg, path, 0);
		archive_index_put(ix, &seg, &key1, NULL);
		free_seg(&seg);
	}
	archive_index_close(&ix);
	assert_int_equal(access(at("segments.sqlite-wal"), F_OK), -1);
}

/* After damage: the index works (a put is kept and found). */
static void
works(archive_index *ix)
{
	char path[] = "/rec/after";
	ex_segment seg, back;

	make_seg(&seg, path, 0);
	archive_index_put(ix, &seg, &key1, NULL);
	archive_index_commit(ix);
	memset(&back, 0, sizeof(back));
	assert_int_equal(archive_index_get(ix, path, &key1, &back, NULL), 1);
	assert_same_seg(&seg, &back);
	free_seg(&back);
	free_seg(&seg);
	assert_null(archive_index_take_note(ix));
}

void
test_garbage_file(void **state)
{
	const char *file = at("segments.sqlite");
	char want[8192], garbage[8192];
	archive_index *ix = NULL;

	(void)state;
	memset(garbage, 'x', sizeof(garbage) - 1);
	garbage[sizeof(garbage) - 1] = '\0';
	write_file(file, garbage);
	snprintf(want, sizeof(want), "segment index %s was damaged (file is "
	    "not a database) and has been rebuilt", file);
	open_noted(file, &ix, want, NULL);
	assert_non_null(ix);
	works(ix);
	archive_index_close(&ix);
	ix = open_ok(file);
	archive_index_close(&ix);
}

/* Damage file (bytes overwritten or cut): the note comes at open, or at
 * a get (or a put or commit, if writing), and the index works after. */
static void
damaged(const char *file, int truncated, int writing)
{
	char want[8192], path[256], *note = NULL;
	archive_index *ix = NULL;
	ex_segment seg;
	struct stat sb;
	char junk[3 * 4096];
	int fd, i, found = 0;
	ex_error err;

	fill(file, 3000);
	assert_int_equal(stat(file, &sb), 0);
	assert_true(sb.st_size > 20 * 4096);
	if (truncated) {
		assert_int_equal(truncate(file, sb.st_size / 2), 0);
	} else {
		memset(junk, 0x5a, sizeof(junk));
		assert_true((fd = open(file, O_WRONLY)) >= 0);
		assert_int_equal(pwrite(fd, junk, sizeof(junk), 4096),
		    (ssize_t)sizeof(junk));
		assert_int_equal(close(fd), 0);
	}
	assert_int_equal(archive_index_open(file, &ix, &note, &err), EX_OK);
	assert_non_null(ix);
	for (i = 0; i < 3000 && note == NULL; i++) {
		fill_path(path, sizeof(path), writing ? 3000 + i : i);
		if (writing) {
			make_seg(&seg, path, 0);
			archive_index_put(ix, &seg, &key1, NULL);
			if (i % 100 == 99)
				archive_index_commit(ix);
		} else {
			memset(&seg, 0, sizeof(seg));
			found += archive_index_get(ix, path, &key1, &seg,
			    NULL);
		}
		free_seg(&seg);
		note = archive_index_take_note(ix);
	}
	snprintf(want, sizeof(want), "segment index %s was damaged (database "
	    "disk image is malformed) and has been rebuilt", file);
	if (note == NULL)
		fail_msg("no note after %d %s (%d found)", i, writing ?
		    "puts" : "gets", found);
	assert_string_equal(note, want);
	free(note);
	works(ix);
	archive_index_close(&ix);
}

void
test_corrupt_page(void **state)
{
	(void)state;
	damaged(at("segments.sqlite"), 0, 0);
}

void
test_damage_found_writing(void **state)
{
	(void)state;
	damaged(at("segments.sqlite"), 0, 1);
}

void
test_truncated(void **state)
{
	(void)state;
	damaged(at("segments.sqlite"), 1, 0);
}

static unsigned char *
slurp(const char *path, size_t *n)
{
	unsigned char *b;
	struct stat sb;
	FILE *f;

	assert_int_equal(stat(path, &sb), 0);
	*n = (size_t)sb.st_size;
	assert_non_null(b = malloc(*n + 1));
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(b, 1, *n, f), *n);
	fclose(f);
	return b;
}

void
test_schema_versions(void **state)
{
	const char *file = at("segments.sqlite");
	unsigned char *before, *after;
	char want[8192];
	archive_index *ix = (archive_index *)1;
	size_t n, m;

	(void)state;
	/* Newer: left alone, byte for byte. */
	fill(file, 10);
	sql(file, "PRAGMA user_version = 99");
	before = slurp(file, &n);
	snprintf(want, sizeof(want), "segment index %s was written by a "
	    "newer exhibit (schema version 99; this one knows 1)", file);
	open_noted(file, &ix, want, NULL);
	assert_null(ix);
	after = slurp(file, &m);
	assert_int_equal(n, m);
	assert_memory_equal(before, after, n);
	free(before);
	free(after);

	/* Older (or someone else's table of that name): made anew. */
	assert_int_equal(unlink(file), 0);
	sql(file, "CREATE TABLE segment (x); INSERT INTO segment VALUES (1)");
	ix = open_ok(file);
	works(ix);
	archive_index_close(&ix);
}

void
test_default_folder(void **state)
{
	char want[8192], *home = NULL, *xdg = NULL;
	archive_index *ix = NULL;
	struct stat sb;

	(void)state;
	if (getenv("HOME") != NULL)
		home = strdup(getenv("HOME"));
	if (getenv("XDG_CACHE_HOME") != NULL)
		xdg = strdup(getenv("XDG_CACHE_HOME"));

	/* XDG_CACHE_HOME relative: $HOME/.cache/exhibit, made 0700. */
	setenv("HOME", at("home"), 1);
	setenv("XDG_CACHE_HOME", "relative/cache", 1);
	ix = open_ok(NULL);
	snprintf(want, sizeof(want), "%s/.cache/exhibit/segments.sqlite",
	    at("home"));
	assert_string_equal(archive_index_path(ix), want);
	archive_index_close(&ix);
	assert_int_equal(stat(at("home/.cache/exhibit"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(at("home/.cache"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);

	/* XDG_CACHE_HOME absolute (a trailing slash is no folder). */
	snprintf(want, sizeof(want), "%s/", at("xdg"));
	setenv("XDG_CACHE_HOME", want, 1);
	ix = open_ok(NULL);
	snprintf(want, sizeof(want), "%s/exhibit/segments.sqlite", at("xdg"));
	assert_string_equal(archive_index_path(ix), want);
	archive_index_close(&ix);

	/* Beneath a regular file: no index, the folder and why named. */
	write_file(at("file"), "not a folder\n");
	setenv("XDG_CACHE_HOME", at("file/cache"), 1);
	snprintf(want, sizeof(want), "no segment index: cannot make folder "
	    "%s/exhibit: Not a directory", at("file/cache"));
	open_noted(NULL, &ix, want, NULL);
	assert_null(ix);

	/* Nowhere to put it. */
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	open_noted(NULL, &ix, "no segment index: no folder for it: HOME is "
	    "not set", NULL);
	assert_null(ix);

	/* A link where the database should be is not followed. */
	assert_int_equal(symlink("elsewhere.sqlite", at("link.sqlite")), 0);
	snprintf(want, sizeof(want), "no segment index: %s is not a regular "
	    "file", at("link.sqlite"));
	open_noted(at("link.sqlite"), &ix, want, NULL);
	assert_null(ix);
	assert_int_equal(access(at("elsewhere.sqlite"), F_OK), -1);

	if (home != NULL)
		setenv("HOME", home, 1);
	if (xdg != NULL)
		setenv("XDG_CACHE_HOME", xdg, 1);
	free(home);
	free(xdg);
}

/* In a child that cannot write ro/ (nobody when run as root): the note
 * of opening under a read-only cache folder, and under one whose exhibit
 * folder is read-only.  Exit 77: cannot be nobody here. */
static void
readonly_child(int fd)
{
	archive_index *ix = NULL;
	char *note = NULL;
	ex_error err;
	int i;

	if (geteuid() == 0 && (setgroups(0, NULL) != 0 ||
	    setgid(65534) != 0 || setuid(65534) != 0))
		_exit(77);
	if (access(at("ro"), X_OK) != 0 || access(at("ro"), W_OK) == 0)
		_exit(77);
	for (i = 0; i < 2; i++) {
		setenv("XDG_CACHE_HOME", at(i == 0 ? "ro" : "ro2"), 1);
		if (archive_index_open(NULL, &ix, &note, &err) != EX_OK)
			_exit(1);
		dprintf(fd, "%s\n", ix != NULL ? "(an index)" : note != NULL ?
		    note : "(no note)");
		archive_index_close(&ix);
		free(note);
	}
	_exit(0);
}

void
test_readonly_folder(void **state)
{
	char got[16384], want[8192], *line;
	int p[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(mkdir(at("ro"), 0555), 0);
	assert_int_equal(mkdir(at("ro2"), 0755), 0);
	assert_int_equal(mkdir(at("ro2/exhibit"), 0555), 0);
	assert_int_equal(chmod(at("ro"), 0555), 0);
	assert_int_equal(chmod(at("ro2/exhibit"), 0555), 0);
	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(p[0]);
		readonly_child(p[1]);
	}
	close(p[1]);
	while ((n = read(p[0], got + len, sizeof(got) - 1 - (size_t)len)) > 0)
		len += n;
	close(p[0]);
	got[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("skipped: running as root, and user 65534 cannot "
		    "reach %s to be refused there\n", dir);
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	line = strtok(got, "\n");
	snprintf(want, sizeof(want), "no segment index: cannot make folder "
	    "%s/exhibit: Permission denied", at("ro"));
	assert_string_equal(line, want);
	line = strtok(NULL, "\n");
	snprintf(want, sizeof(want), "no segment index: cannot create "
	    "%s/exhibit/segments.sqlite: Permission denied", at("ro2"));
	assert_string_equal(line, want);
}

/* Put n rows named /two/<tag>/<i> into file, committing every 500; 0 if
 * all went without a note. */
static int
put_many(const char *file, const char *tag, int n)
{
	archive_index *ix = NULL;
	char path[256], *note = NULL;
	ex_segment seg;
	ex_error err;
	int i, bad = 0;

	if (archive_index_open(file, &ix, &note, &err) != EX_OK || ix == NULL)
		return 1;
	bad |= note != NULL;
	free(note);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/two/%s/%d", tag, i);
		make_seg(&seg, path, 0);
		archive_index_put(ix, &seg, &key1, NULL);
		free_seg(&seg);
		if (i % 500 == 499)
			archive_index_commit(ix);
		if ((note = archive_index_take_note(ix)) != NULL) {
			free(note);
			bad = 1;
		}
	}
	archive_index_close(&ix);
	return bad;
}

void
test_two_processes(void **state)
{
	const char *file = at("segments.sqlite");
	archive_index *ix;
	char path[256], go = 'g';
	int p[2], status, i, t, n = 0;
	ex_segment seg;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &go, 1) != 1)
			_exit(2);
		_exit(put_many(file, "child", 20000));
	}
	close(p[0]);
	assert_int_equal(write(p[1], &go, 1), 1);   /* both start now */
	close(p[1]);
	assert_int_equal(put_many(file, "parent", 20000), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	ix = open_ok(file);
	for (t = 0; t < 2; t++)
		for (i = 0; i < 20000; i++) {
			snprintf(path, sizeof(path), "/two/%s/%d",
			    t == 0 ? "child" : "parent", i);
			memset(&seg, 0, sizeof(seg));
			n += archive_index_get(ix, path, &key1, &seg, NULL);
			free_seg(&seg);
		}
	assert_int_equal(n, 40000);
	archive_index_close(&ix);
}

/* Another process holds the write lock past the wait: that batch is
 * dropped with one note, the next one is kept. */
void
test_busy(void **state)
{
	const char *file = at("segments.sqlite");
	char p1[] = "/busy/1", p2[] = "/busy/2", p3[] = "/busy/3", *note;
	archive_index *ix;
	ex_segment seg, back;
	sqlite3 *db;
	char want[8192];

	(void)state;
	ix = open_ok(file);
	assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	make_seg(&seg, p1, 0);
	archive_index_put(ix, &seg, &key1, NULL);   /* waits, then drops */
	seg.path = p2;
	archive_index_put(ix, &seg, &key1, NULL);   /* dropped at once */
	archive_index_commit(ix);
	snprintf(want, sizeof(want), "segment index %s could not be written "
	    "(database is locked): what was probed is not kept", file);
	assert_non_null(note = archive_index_take_note(ix));
	assert_string_equal(note, want);
	free(note);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	seg.path = p3;
	archive_index_put(ix, &seg, &key1, NULL);
	archive_index_commit(ix);
	memset(&back, 0, sizeof(back));
	assert_int_equal(archive_index_get(ix, p1, &key1, &back, NULL), 0);
	assert_int_equal(archive_index_get(ix, p2, &key1, &back, NULL), 0);
	assert_int_equal(archive_index_get(ix, p3, &key1, &back, NULL), 1);
	free_seg(&back);
	free_seg(&seg);
	assert_null(archive_index_take_note(ix));
	archive_index_close(&ix);
}

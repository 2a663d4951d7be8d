/*
 * test_segindex.c — the segment index (src/lib/archive/segindex.h): every
 * probe field kept and given back; a row is fresh only for the same size,
 * times, inode and device (hard links are rows of their own) and probe
 * version; hostile rows are not taken.  The scaffolding the other file
 * shares (test_segindex.h) and main.  SEGINDEX_BENCH=N also times N puts
 * (one transaction) and N gets.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "archive/segindex.h"
#include "scratch.h"
#include "test_segindex.h"

char dir[4096];

const char *
at(const char *name)
{
	static char path[4][8192];
	static int turn;

	turn = (turn + 1) % 4;
	snprintf(path[turn], sizeof(path[turn]), "%s/%s", dir, name);
	return path[turn];
}

int
setup(void **state)
{
	(void)state;
	return scratch_make(dir, sizeof(dir), "test_segindex");
}

int
teardown(void **state)
{
	(void)state;
	scratch_remove(dir);
	return 0;
}

void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The segment a probe of a damaged HEVC file with three streams gives
 * (variant 0), or of an unreadable one (1: no streams listed, no times),
 * or of a file with no streams at all (2). */
void
make_seg(ex_segment *seg, char *path, int variant)
{
	static const ex_segment_stream three[] = {
		{ "video", "hevc" }, { "audio", "aac" }, { "data", "tmcd" },
	};

	memset(seg, 0, sizeof(*seg));
	seg->path = path;
	seg->frames = seg->keyframes = -1;
	if (variant == 1) {
		seg->state = EX_SEG_UNREADABLE;
		seg->problem = strdup("not readable as media: Invalid data "
		    "found when processing input");
		seg->refused = 1;
		seg->size = 7;
		return;
	}
	seg->state = variant == 0 ? EX_SEG_DAMAGED : EX_SEG_OK;
	if (variant == 0)
		seg->problem = strdup("49 of 50 frames readable (file "
		    "truncated?)");
	snprintf(seg->container, sizeof(seg->container), "%s",
	    "matroska,webm");
	snprintf(seg->codec, sizeof(seg->codec), "%s", "hevc");
	seg->width = 160;
	seg->height = 90;
	seg->fps_num = 30000;
	seg->fps_den = 1001;
	seg->frames = 49;
	seg->keyframes = 3;
	seg->vfr = 1;
	seg->nstreams = variant == 0 ? 3 : 0;
	seg->streams = calloc(seg->nstreams + 1, sizeof(*seg->streams));
	assert_non_null(seg->streams);
	memcpy(seg->streams, three, seg->nstreams * sizeof(*seg->streams));
	seg->signatures = EX_SIGNED_AXIS | EX_SIGNED_ONVIF;
	seg->size = 123456789012;
}

void
free_seg(ex_segment *seg)
{
	free(seg->problem);
	free(seg->streams);
	seg->problem = NULL;
	seg->streams = NULL;
}

/* A segment whose probe fields hold junk (allocations to be replaced). */
static void
junk_seg(ex_segment *seg)
{
	memset(seg, 0x5a, sizeof(*seg));
	seg->path = NULL;
	seg->problem = strdup("old problem");
	seg->streams = calloc(5, sizeof(*seg->streams));
	seg->nstreams = 4;
	assert_non_null(seg->problem);
	assert_non_null(seg->streams);
}

void
assert_same_seg(const ex_segment *a, const ex_segment *b)
{
	size_t i;

	assert_int_equal(a->state, b->state);
	if (a->problem == NULL)
		assert_null(b->problem);
	else
		assert_string_equal(a->problem, b->problem);
	assert_int_equal(a->refused, b->refused);
	assert_string_equal(a->container, b->container);
	assert_string_equal(a->codec, b->codec);
	assert_int_equal(a->width, b->width);
	assert_int_equal(a->height, b->height);
	assert_int_equal(a->fps_num, b->fps_num);
	assert_int_equal(a->fps_den, b->fps_den);
	assert_int_equal(a->frames, b->frames);
	assert_int_equal(a->keyframes, b->keyframes);
	assert_int_equal(a->vfr, b->vfr);
	assert_int_equal(a->signatures, b->signatures);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->nstreams, b->nstreams);
	assert_int_equal(a->streams == NULL, b->streams == NULL);
	for (i = 0; i < a->nstreams; i++) {
		assert_string_equal(a->streams[i].type, b->streams[i].type);
		assert_string_equal(a->streams[i].codec, b->streams[i].codec);
	}
}

const archive_file_key key1 = { 123456789012, 1700000000123456789,
	1700000001987654321, UINT64_MAX - 5, 0x10302 };

/* Open the index at file: there must be one, and no note. */
archive_index *
open_ok(const char *file)
{
	archive_index *ix = NULL;
	char *note = NULL;
	ex_error err;

	assert_int_equal(archive_index_open(file, &ix, &note, &err), EX_OK);
	assert_null(note);
	assert_non_null(ix);
	return ix;
}

/* Run SQL on the database file behind the index's back. */
void
sql(const char *file, const char *text)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", text, msg);
	sqlite3_close(db);
}

static void
test_round_trip(void **state)
{
	char p0[] = "/rec/cam1/2026-12-07/00.00.mkv";
	char p1[] = "/rec/cam1/bad\n\xff name.mp4";
	char p2[] = "/rec/cam1/no streams.ts";
	char *paths[] = { p0, p1, p2 };
	const char *file = at("segments.sqlite");
	archive_probe_times t = { -40000, 2000000, 1966667,
		1765065600000000 }, none = { 0, 0, 0, EX_INSTANT_NONE }, got;
	ex_segment seg[3], back;
	archive_index *ix;
	struct stat sb;
	int i;

	(void)state;
	ix = open_ok(file);
	assert_string_equal(archive_index_path(ix), file);
	for (i = 0; i < 3; i++) {
		make_seg(&seg[i], paths[i], i);
		archive_index_put(ix, &seg[i], &key1, i == 0 ? &t : NULL);
	}
	archive_index_close(&ix);
	assert_null(ix);
	assert_int_equal(stat(file, &sb), 0);       /* it lists footage */
	assert_int_equal(sb.st_mode & 0777, 0600);

	ix = open_ok(file);
	for (i = 0; i < 3; i++) {
		junk_seg(&back);
		memset(&got, 0x33, sizeof(got));
		assert_int_equal(archive_index_get(ix, paths[i], &key1, &back,
		    &got), 1);
		assert_same_seg(&seg[i], &back);
		assert_memory_equal(i == 0 ? &t : &none, &got, sizeof(got));
		free_seg(&back);
		free_seg(&seg[i]);
	}
	/* No row: 0, and the segment is untouched. */
	junk_seg(&back);
	assert_int_equal(archive_index_get(ix, "/rec/cam1/other.mkv", &key1,
	    &back, NULL), 0);
	assert_string_equal(back.problem, "old problem");
	assert_int_equal(back.nstreams, 4);
	free_seg(&back);
	assert_null(archive_index_take_note(ix));
	archive_index_close(&ix);
}

/* The freshness of path's row for the file at path as it is now. */
static int
fresh(archive_index *ix, const char *path)
{
	archive_file_key key;
	ex_segment seg;
	int r;

	assert_int_equal(archive_file_key_of(path, &key), 0);
	memset(&seg, 0, sizeof(seg));
	r = archive_index_get(ix, path, &key, &seg, NULL);
	free_seg(&seg);
	return r;
}

static void
put_file(archive_index *ix, char *path)
{
	archive_file_key key;
	ex_segment seg;

	assert_int_equal(archive_file_key_of(path, &key), 0);
	make_seg(&seg, path, 0);
	archive_index_put(ix, &seg, &key, NULL);
	archive_index_commit(ix);
	free_seg(&seg);
}

/* Give path the access and modification times of sb, the latter plus
 * some seconds. */
static void
set_times(const char *path, const struct stat *sb, int plus)
{
	struct timespec ts[2];

	ts[0] = sb->st_atim;
	ts[1] = sb->st_mtim;
	ts[1].tv_sec += plus;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void
test_stale_rows(void **state)
{
	char path[8192], tmp[8192];
	archive_file_key key, other;
	struct stat sb;
	ex_segment seg;
	archive_index *ix;
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s", at("seg.mp4"));
	snprintf(tmp, sizeof(tmp), "%s", at("seg.tmp"));
	ix = open_ok(at("segments.sqlite"));
	write_file(path, "first content");
	put_file(ix, path);
	assert_int_equal(fresh(ix, path), 1);

	/* Same size, new content, a new modification time. */
	assert_int_equal(stat(path, &sb), 0);
	write_file(path, "other content");
	set_times(path, &sb, 10);
	assert_int_equal(fresh(ix, path), 0);
	put_file(ix, path);
	assert_int_equal(fresh(ix, path), 1);

	/* Renamed over by another file of the same size and modification
	 * time: another inode (and change time). */
	assert_int_equal(stat(path, &sb), 0);
	write_file(tmp, "third content");
	set_times(tmp, &sb, 0);
	assert_int_equal(rename(tmp, path), 0);
	assert_int_equal(fresh(ix, path), 0);

	/* Each part of the key on its own. */
	put_file(ix, path);
	assert_int_equal(archive_file_key_of(path, &key), 0);
	for (i = 0; i < 5; i++) {
		other = key;
		switch (i) {
		case 0: other.size++; break;
		case 1: other.mtime_ns++; break;
		case 2: other.ctime_ns++; break;
		case 3: other.ino++; break;
		default: other.dev++; break;
		}
		memset(&seg, 0, sizeof(seg));
		assert_int_equal(archive_index_get(ix, path, &other, &seg,
		    NULL), 0);
		assert_null(seg.problem);
	}
	assert_int_equal(fresh(ix, path), 1);

	/* A row of another probe version. */
	archive_index_close(&ix);
	sql(at("segments.sqlite"), "UPDATE segment SET probe = probe + 1");
	ix = open_ok(at("segments.sqlite"));
	assert_int_equal(fresh(ix, path), 0);
	archive_index_close(&ix);
}

static void
test_hard_links(void **state)
{
	char a[8192], b[8192];
	archive_file_key ka, kb;
	ex_segment seg, back;
	archive_index *ix;

	(void)state;
	snprintf(a, sizeof(a), "%s", at("a.mp4"));
	snprintf(b, sizeof(b), "%s", at("b.mp4"));
	write_file(a, "one file, two names");
	assert_int_equal(link(a, b), 0);
	assert_int_equal(archive_file_key_of(a, &ka), 0);
	assert_int_equal(archive_file_key_of(b, &kb), 0);
	assert_memory_equal(&ka, &kb, sizeof(ka));

	ix = open_ok(at("segments.sqlite"));
	put_file(ix, a);
	assert_int_equal(fresh(ix, a), 1);
	assert_int_equal(fresh(ix, b), 0);
	make_seg(&seg, b, 2);
	archive_index_put(ix, &seg, &kb, NULL);
	archive_index_commit(ix);
	memset(&back, 0, sizeof(back));
	assert_int_equal(archive_index_get(ix, b, &kb, &back, NULL), 1);
	assert_same_seg(&seg, &back);
	free_seg(&back);
	assert_int_equal(archive_index_get(ix, a, &ka, &back, NULL), 1);
	assert_int_equal(back.state, EX_SEG_DAMAGED);
	assert_int_equal(back.nstreams, 3);
	free_seg(&back);
	free_seg(&seg);
	archive_index_close(&ix);
}

/* Rows whose columns were changed behind the index's back are not
 * taken, and the segment asked for is left as it was. */
static void
test_hostile_rows(void **state)
{
	static const struct {
		const char *set;
		int taken;
	} cases[] = {
		{ "container = '1234567890123456789012345678901'", 1 },
		{ "container = '12345678901234567890123456789012'", 0 },
		{ "container = X'41'", 0 },
		{ "codec = CAST(X'6800323634' AS TEXT)", 0 },
		{ "state = 3", 0 },
		{ "state = -1", 0 },
		{ "state = 'OK'", 0 },
		{ "refused = 2", 0 },
		{ "width = 1.5", 0 },
		{ "width = 'abc'", 0 },
		{ "height = 2147483648", 0 },
		{ "fps_den = -1", 0 },
		{ "frames = -2", 0 },
		{ "keyframes = X'00'", 0 },
		{ "vfr = 2", 0 },
		{ "signatures = 4294967296", 0 },
		{ "bytes = -1", 0 },
		{ "size = 'x'", 0 },
		{ "created = 'yesterday'", 0 },
		{ "first_offset = 0.5", 0 },
		{ "problem = CAST(X'610062' AS TEXT)", 0 },
		{ "problem = substr(hex(zeroblob(2048)), 1, 4096)", 1 },
		{ "problem = substr(hex(zeroblob(2049)), 1, 4097)", 0 },
		{ "problem = X'61'", 0 },
		{ "problem = 7", 1 },   /* TEXT affinity: stored as '7' */
		{ "streams = 'video'", 0 },
		{ "streams = X'766964656f00'", 0 },           /* odd fields */
		{ "streams = X'766964656f0068323634'", 0 },   /* no last NUL */
		{ "streams = X'766964656f006832363400'", 1 },
		{ "streams = X'766964656f766964656f766964656f760000'", 0 },
		{ "streams = zeroblob(2000)", 1 },            /* 1000 streams */
		{ "streams = zeroblob(2002)", 0 },            /* 1001 */
		{ "streams = zeroblob(0)", 1 },
	};
	char path[] = "/rec/cam1/00.00.mkv";
	const char *file = at("segments.sqlite");
	char update[512];
	ex_segment seg, back;
	archive_index *ix;
	size_t i;

	(void)state;
	make_seg(&seg, path, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ix = open_ok(file);
		archive_index_put(ix, &seg, &key1, NULL);
		archive_index_close(&ix);
		snprintf(update, sizeof(update), "UPDATE segment SET %s",
		    cases[i].set);
		sql(file, update);
		ix = open_ok(file);
		junk_seg(&back);
		if (archive_index_get(ix, path, &key1, &back, NULL) !=
		    cases[i].taken)
			fail_msg("%s: %s", cases[i].set, cases[i].taken ?
			    "not taken" : "taken");
		if (!cases[i].taken) {
			assert_string_equal(back.problem, "old problem");
			assert_int_equal(back.nstreams, 4);
		}
		assert_null(archive_index_take_note(ix));
		free_seg(&back);
		archive_index_close(&ix);
	}
	free_seg(&seg);
}

static void
test_null_safety(void **state)
{
	archive_index *ix = NULL;
	ex_segment seg;

	(void)state;
	archive_index_close(NULL);
	archive_index_close(&ix);
	assert_null(ix);
	assert_null(archive_index_take_note(NULL));
	assert_null(archive_index_path(NULL));
	memset(&seg, 0, sizeof(seg));
	assert_int_equal(archive_index_get(NULL, "/x", &key1, &seg, NULL), 0);
	archive_index_put(NULL, &seg, &key1, NULL);
	archive_index_commit(NULL);
}

static double
seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The i-th segment of a Frigate archive of four cameras (ten seconds
 * each; the same name again after 28 days). */
static void
bench_path(char *path, size_t size, int i)
{
	snprintf(path, size, "/recordings/2026-12-%02d/%02d/camera_%d/"
	    "%02d.%02d.mp4", i / 34560 % 28 + 1, i / 1440 % 24, i % 4,
	    i / 24 % 60, i / 4 % 6 * 10);
}

/* SEGINDEX_BENCH=N: N puts in one transaction, then N gets. */
static void
test_bench(void **state)
{
	const char *env = getenv("SEGINDEX_BENCH");
	archive_index *ix;
	char path[256];
	ex_segment seg, back;
	double t0, t1, t2, c0, c1, c2;
	int i, n = 0, found = 0;

	(void)state;
	if (env == NULL || (n = atoi(env)) <= 0)
		skip();
	ix = open_ok(at("segments.sqlite"));
	t0 = seconds(CLOCK_MONOTONIC);
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		bench_path(path, sizeof(path), i);
		make_seg(&seg, path, 0);
		archive_index_put(ix, &seg, &key1, NULL);
		free_seg(&seg);
	}
	archive_index_commit(ix);
	t1 = seconds(CLOCK_MONOTONIC);
	c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		bench_path(path, sizeof(path), i);
		memset(&back, 0, sizeof(back));
		found += archive_index_get(ix, path, &key1, &back, NULL);
		free_seg(&back);
	}
	t2 = seconds(CLOCK_MONOTONIC);
	c2 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	print_message("segindex bench: %d puts and a commit %.3f s (cpu "
	    "%.3f s, %.1f us each), %d gets %.3f s (cpu %.3f s, %.1f us "
	    "each), %d found\n", n, t1 - t0, c1 - c0, (c1 - c0) * 1e6 / n, n,
	    t2 - t1, c2 - c1, (c2 - c1) * 1e6 / n, found);
	assert_true(found > 0);
	archive_index_close(&ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_safety),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_rows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hard_links, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_rows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_garbage_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_damage_found_writing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_schema_versions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_folder, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_readonly_folder, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_two_processes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bench, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

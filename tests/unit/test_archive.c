/*
 * test_archive.c — recorder archive readers (indexed, Frigate, plain),
 * probing (damage never crashes, never fails the archive) and the
 * timeline (gaps, overlaps, continuity within a frame).
 *
 * Each test builds its archive in a fresh temporary folder from the tiny
 * clips in tests/fixtures/archive (160x90, 10 fps, 2 s = 20 frames).
 * This file: the shared helpers (test_archive.h), names, Frigate, plain
 * folders, and main; test_archive_index.c: the indexed reader, the
 * timeline on its own, the SEI signatures.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhibit/archive.h"
#include "scratch.h"
#include "archive/archive_private.h"
#include "test_archive.h"

/* --- helpers ----------------------------------------------------------- */

ex_instant
at(const char *iso)
{
	ex_instant t = 0;
	ex_error err;

	ex_error_clear(&err);
	if (ex_time_parse(iso, "UTC", &t, &err) != EX_OK)
		fail_msg("%s: %s", iso, err.message);
	return t;
}

void
assert_time(ex_instant got, const char *iso)
{
	char buf[EX_TIME_BUFSZ];

	if (got != at(iso))
		fail_msg("got %s (%lld), want %s",
		    ex_time_format_utc(got, buf, sizeof(buf)),
		    (long long)got, iso);
}

void
assert_contains(const char *text, const char *needle)
{
	if (text == NULL || strstr(text, needle) == NULL)
		fail_msg("'%s' lacks '%s'", text ? text : "(null)", needle);
}

/* mkdir -p of the folder part of path (relative to dir). */
static void
make_parents(const char *dir, const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

/* Copy the first `limit` bytes (all if < 0) of a fixture to dir/rel. */
void
put(const char *dir, const char *rel, const char *fixture, long limit)
{
	char src[PATH_MAX], dst[PATH_MAX], buf[65536];
	FILE *in, *out;
	size_t n, want;

	make_parents(dir, rel);
	snprintf(src, sizeof(src), FIX "%s", fixture);
	snprintf(dst, sizeof(dst), "%s/%s", dir, rel);
	in = fopen(src, "rb");
	out = fopen(dst, "wb");
	if (in == NULL || out == NULL)
		fail_msg("copy %s to %s: %s", src, dst, strerror(errno));
	for (;;) {
		want = sizeof(buf);
		if (limit >= 0 && (size_t)limit < want)
			want = (size_t)limit;
		if (want == 0 || (n = fread(buf, 1, want, in)) == 0)
			break;
		assert_int_equal(fwrite(buf, 1, n, out), n);
		if (limit >= 0)
			limit -= (long)n;
	}
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

void
write_text(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	make_parents(dir, rel);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static long
fixture_size(const char *fixture)
{
	char path[PATH_MAX];
	struct stat sb;

	snprintf(path, sizeof(path), FIX "%s", fixture);
	assert_int_equal(stat(path, &sb), 0);
	return (long)sb.st_size;
}

static int
setup_dir(void **state)
{
	char *dir = malloc(PATH_MAX);

	if (dir == NULL || scratch_make(dir, PATH_MAX, "test_archive") != 0) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int
teardown_dir(void **state)
{
	scratch_remove(*state);
	free(*state);
	return 0;
}

ex_archive *
open_ok(const char *path, const ex_archive_options *opts)
{
	ex_archive *a = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_archive_open(path, opts, &a, &err) != EX_OK)
		fail_msg("open %s: %s", path, err.message);
	return a;
}

/* ex_archive_open must fail with code and a message holding needle, and
 * must print nothing on stderr while doing so. */
void
open_fails(const char *path, const ex_archive_options *opts, ex_status code,
    const char *needle)
{
	char dir[PATH_MAX / 2], out[PATH_MAX];
	ex_archive *a = NULL;
	ex_error err;
	struct stat sb;
	int fd, saved;

	ex_error_clear(&err);
	assert_int_equal(scratch_make(dir, sizeof(dir), "test_archive"), 0);
	snprintf(out, sizeof(out), "%s/stderr", dir);
	assert_true((fd = open(out, O_RDWR | O_CREAT | O_EXCL, 0600)) >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	assert_int_equal(ex_archive_open(path, opts, &a, &err), code);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(fstat(fd, &sb), 0);
	close(fd);
	scratch_remove(dir);
	assert_null(a);
	assert_int_equal(err.code, code);
	assert_contains(err.message, needle);
	if (sb.st_size != 0)
		fail_msg("%lld bytes written to stderr", (long long)sb.st_size);
}

const ex_segment *
segment(const ex_camera *c, const char *relpath)
{
	size_t i;

	for (i = 0; i < c->nsegments; i++)
		if (strcmp(c->segments[i].relpath, relpath) == 0)
			return &c->segments[i];
	fail_msg("no segment %s in camera %s", relpath, c->id);
	return NULL;
}

/* --- names and paths ------------------------------------------------- */

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(ex_layout_name(EX_LAYOUT_INDEXED), "indexed");
	assert_string_equal(ex_layout_name(EX_LAYOUT_FRIGATE), "frigate");
	assert_string_equal(ex_layout_name(EX_LAYOUT_PLAIN), "plain");
	assert_string_equal(ex_segment_state_name(EX_SEG_OK), "ok");
	assert_string_equal(ex_segment_state_name(EX_SEG_DAMAGED), "damaged");
	assert_string_equal(ex_segment_state_name(EX_SEG_UNREADABLE),
	    "unreadable");
}

static void
test_time_from_name(void **state)
{
	ex_instant t = 0;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(archive_plain_time_from_name("cam1_20241027T005930Z.mp4",
	    "Europe/London", &t, &err), EX_OK);
	assert_time(t, "2024-10-27T00:59:30Z");
	/* Local names: summer time in London is UTC+1, in UTC none. */
	assert_int_equal(archive_plain_time_from_name("2024-07-01T12-00-00.mkv",
	    "Europe/London", &t, &err), EX_OK);
	assert_time(t, "2024-07-01T11:00:00Z");
	assert_int_equal(archive_plain_time_from_name("x-2024-07-01T12-00-00-y.ts",
	    "UTC", &t, &err), EX_OK);
	assert_time(t, "2024-07-01T12:00:00Z");
	/* The UTC form wins over a local one in the same name. */
	assert_int_equal(archive_plain_time_from_name(
	    "2024-07-01T12-00-00_20240701T100000Z.mp4", "Europe/London", &t,
	    &err), EX_OK);
	assert_time(t, "2024-07-01T10:00:00Z");
	/* The repeated hour when the clocks go back is refused. */
	assert_int_equal(archive_plain_time_from_name("2024-10-27T01-30-00.mp4",
	    "Europe/London", &t, &err), EX_ERR_TIME);
	assert_contains(err.message, "ambiguous");
	assert_int_equal(archive_plain_time_from_name("2024-13-01T01-30-00.mp4",
	    "Europe/London", &t, &err), EX_ERR_TIME);
	/* No time at all. */
	assert_int_equal(archive_plain_time_from_name("clip.mp4", "UTC", &t, NULL),
	    EX_ERR_FORMAT);
	assert_int_equal(archive_plain_time_from_name("120241027T005930Z.mp4",
	    "UTC", &t, NULL), EX_ERR_FORMAT);
}

static void
test_relpath_problem(void **state)
{
	(void)state;
	assert_null(archive_relpath_problem("cam1/a.mp4"));
	assert_null(archive_relpath_problem("a..b/c.mp4"));
	assert_contains(archive_relpath_problem("/etc/passwd"), "absolute");
	assert_contains(archive_relpath_problem("cam1/../../x"), "..");
	assert_contains(archive_relpath_problem(".."), "..");
	assert_contains(archive_relpath_problem("./a"), "'.'");
	assert_contains(archive_relpath_problem("a//b"), "empty");
	assert_contains(archive_relpath_problem("a\\b"), "backslash");
	assert_contains(archive_relpath_problem(""), "empty");
}

/* --- Frigate ----------------------------------------------------------- */

static void
build_frigate(const char *dir)
{
	/* cam1: 12:00:00-12:00:04 (two 2 s files), a gap, 12:00:06-08. */
	put(dir, "recordings/2024-10-27/12/cam1/00.00.mp4", "clip.mp4", -1);
	put(dir, "recordings/2024-10-27/12/cam1/00.02.mp4", "clip.mp4", -1);
	put(dir, "recordings/2024-10-27/12/cam1/00.06.mp4", "clip.mp4", -1);
	put(dir, "recordings/2024-10-27/12/cam2/59.59.mp4", "clip_hevc.mp4",
	    -1);
}

static void
check_frigate(const ex_archive *a)
{
	const ex_camera *c;
	const ex_segment *s;

	assert_int_equal(a->layout, EX_LAYOUT_FRIGATE);
	assert_non_null(strstr(a->root, "/recordings"));
	assert_int_equal(a->ncameras, 2);
	assert_string_equal(a->cameras[0].id, "cam1");
	assert_string_equal(a->cameras[1].id, "cam2");
	c = ex_archive_camera(a, "cam1");
	assert_ptr_equal(c, &a->cameras[0]);
	assert_int_equal(c->nsegments, 3);
	s = &c->segments[0];
	assert_string_equal(s->relpath, "2024-10-27/12/cam1/00.00.mp4");
	assert_string_equal(s->time_source, "path");
	assert_int_equal(s->state, EX_SEG_OK);
	assert_null(s->problem);
	assert_string_equal(s->codec, "h264");
	assert_non_null(strstr(s->container, "mp4"));
	assert_int_equal(s->width, 160);
	assert_int_equal(s->height, 90);
	assert_int_equal(s->fps_num, 10);
	assert_int_equal(s->fps_den, 1);
	assert_int_equal(s->frames, 20);
	assert_int_equal(s->keyframes, 2);
	assert_int_equal(s->vfr, 0);
	assert_int_equal(s->size, fixture_size("clip.mp4"));
	assert_time(s->start, "2024-10-27T12:00:00Z");
	assert_time(s->end, "2024-10-27T12:00:02Z");
	assert_int_equal(c->ncovered, 2);
	assert_time(c->covered[0].start, "2024-10-27T12:00:00Z");
	assert_time(c->covered[0].end, "2024-10-27T12:00:04Z");
	assert_time(c->covered[1].start, "2024-10-27T12:00:06Z");
	assert_time(c->covered[1].end, "2024-10-27T12:00:08Z");
	assert_int_equal(c->ngaps, 1);
	assert_time(c->gaps[0].start, "2024-10-27T12:00:04Z");
	assert_time(c->gaps[0].end, "2024-10-27T12:00:06Z");
	assert_int_equal(c->noverlaps, 0);
	c = ex_archive_camera(a, "cam2");
	assert_int_equal(c->nsegments, 1);
	assert_string_equal(c->segments[0].codec, "hevc");
	assert_int_equal(c->segments[0].frames, 20);
	assert_time(c->segments[0].start, "2024-10-27T12:59:59Z");
	assert_time(c->segments[0].end, "2024-10-27T13:00:01Z");
	assert_null(ex_archive_camera(a, "cam3"));
}

static void
test_frigate(void **state)
{
	char path[PATH_MAX];
	ex_archive *a;

	build_frigate(*state);
	/* Either the folder above recordings/ or recordings/ itself. */
	a = open_ok(*state, NULL);
	check_frigate(a);
	ex_archive_free(&a);
	assert_null(a);
	snprintf(path, sizeof(path), "%s/recordings", (char *)*state);
	a = open_ok(path, NULL);
	check_frigate(a);
	ex_archive_free(&a);
	ex_archive_free(NULL);
}

static void
test_damage_reported(void **state)
{
	const char *dir = *state;
	ex_archive *a;
	const ex_camera *c;
	const ex_segment *s;
	long size = fixture_size("clip.mp4");

	put(dir, "recordings/2024-10-27/12/cam1/00.00.mp4", "clip.mp4", -1);
	put(dir, "recordings/2024-10-27/12/cam1/00.02.mp4", "empty.mp4", -1);
	put(dir, "recordings/2024-10-27/12/cam1/00.04.mp4", "notmedia.mp4",
	    -1);
	/* Cut after the ftyp box: no moov box at all; cut inside the moov
	 * box: no usable stream. */
	put(dir, "recordings/2024-10-27/12/cam1/00.06.mp4", "clip.mp4", 32);
	put(dir, "recordings/2024-10-27/12/cam1/00.07.mp4", "clip.mp4", 200);
	/* Cut in the middle of the media data: some frames survive. */
	put(dir, "recordings/2024-10-27/12/cam1/00.08.mp4", "clip.mp4",
	    size * 3 / 5);
	write_text(dir, "recordings/2024-10-27/12/cam1/notes.txt", "hello\n");
	a = open_ok(dir, NULL);
	c = &a->cameras[0];
	assert_int_equal(c->nsegments, 7);

	s = segment(c, "2024-10-27/12/cam1/00.00.mp4");
	assert_int_equal(s->state, EX_SEG_OK);

	s = segment(c, "2024-10-27/12/cam1/00.02.mp4");
	assert_int_equal(s->state, EX_SEG_UNREADABLE);
	assert_contains(s->problem, "empty file");
	assert_int_equal(s->size, 0);

	s = segment(c, "2024-10-27/12/cam1/00.04.mp4");
	assert_int_equal(s->state, EX_SEG_UNREADABLE);
	assert_contains(s->problem, "not readable as media");

	s = segment(c, "2024-10-27/12/cam1/00.06.mp4");
	assert_int_equal(s->state, EX_SEG_UNREADABLE);
	assert_contains(s->problem, "moov atom not found");

	s = segment(c, "2024-10-27/12/cam1/00.07.mp4");
	assert_int_equal(s->state, EX_SEG_UNREADABLE);
	assert_contains(s->problem, "no video stream");

	s = segment(c, "2024-10-27/12/cam1/00.08.mp4");
	assert_int_equal(s->state, EX_SEG_DAMAGED);
	assert_contains(s->problem, " of 20 frames readable");
	assert_contains(s->problem, "truncated");
	assert_true(s->frames > 0 && s->frames < 20);
	assert_time(s->start, "2024-10-27T12:00:08Z");
	assert_true(s->end > s->start &&
	    s->end < at("2024-10-27T12:00:10Z"));

	s = segment(c, "2024-10-27/12/cam1/notes.txt");
	assert_int_equal(s->state, EX_SEG_UNREADABLE);
	assert_contains(s->problem, "MM.SS.mp4");

	/* Unreadable files are listed last and cover nothing; the damaged
	 * one covers what it holds. */
	assert_int_equal(c->segments[0].state, EX_SEG_OK);
	assert_int_equal(c->segments[1].state, EX_SEG_DAMAGED);
	assert_int_equal(c->segments[2].state, EX_SEG_UNREADABLE);
	assert_int_equal(c->ncovered, 2);
	assert_time(c->covered[0].end, "2024-10-27T12:00:02Z");
	assert_time(c->covered[1].start, "2024-10-27T12:00:08Z");
	assert_int_equal(c->ngaps, 1);
	assert_time(c->gaps[0].start, "2024-10-27T12:00:02Z");
	assert_time(c->gaps[0].end, "2024-10-27T12:00:08Z");
	ex_archive_free(&a);
}

/* Matroska and MPEG-TS cut while writing: what was written is kept. */
static void
test_truncated_mkv_ts(void **state)
{
	const char *dir = *state;
	ex_archive *a;
	const ex_segment *s;

	put(dir, "cam/20240101T000000Z.mkv", "clip.mkv",
	    fixture_size("clip.mkv") * 55 / 100);
	put(dir, "cam/20240101T000010Z.ts", "clip.ts", 188 * 70 + 1);
	put(dir, "cam/20240101T000020Z.ts", "clip.ts", 188 * 70);
	a = open_ok(dir, NULL);
	s = segment(&a->cameras[0], "cam/20240101T000000Z.mkv");
	assert_int_equal(s->state, EX_SEG_DAMAGED);
	assert_contains(s->problem, "frames readable");
	assert_true(s->frames > 0 && s->frames < 20);
	assert_true(s->end > s->start && s->end - s->start < 2 * SEC);
	s = segment(&a->cameras[0], "cam/20240101T000010Z.ts");
	assert_int_equal(s->state, EX_SEG_DAMAGED);
	assert_contains(s->problem, "transport stream packet");
	assert_true(s->frames > 0 && s->frames < 20);
	/* Cut on a packet boundary: nothing to tell it from a short file. */
	s = segment(&a->cameras[0], "cam/20240101T000020Z.ts");
	assert_int_equal(s->state, EX_SEG_OK);
	ex_archive_free(&a);
}

/* --- plain folders ----------------------------------------------------- */

static void
test_plain(void **state)
{
	const char *dir = *state;
	ex_archive_options opts;
	ex_archive *a;
	const ex_camera *c;
	const ex_segment *s;

	put(dir, "door/front_20240601T100000Z.mp4", "clip.mp4", -1);
	put(dir, "door/clip.mkv", "clip.mkv", -1);      /* DateUTC 10:00:02 */
	put(dir, "door/nothing.mp4", "clip_hevc.mp4", -1);  /* no time */
	put(dir, "yard/2024-07-01T12-00-00.ts", "clip.ts", -1);
	put(dir, "yard/2024-10-27T01-30-00.mp4", "clip.mp4", -1);
	put(dir, "yard/20240701T110001Z-vfr.mkv", "vfr.mkv", -1);
	write_text(dir, "README.txt", "not a camera\n");
	memset(&opts, 0, sizeof(opts));
	a = open_ok(dir, &opts);
	assert_int_equal(a->layout, EX_LAYOUT_PLAIN);
	assert_null(a->recorder.timezone);
	assert_int_equal(a->ncameras, 2);

	c = ex_archive_camera(a, "door");
	s = segment(c, "door/front_20240601T100000Z.mp4");
	assert_string_equal(s->time_source, "path");   /* not the container */
	assert_time(s->start, "2024-06-01T10:00:00Z");
	s = segment(c, "door/clip.mkv");
	assert_string_equal(s->time_source, "container");
	assert_non_null(strstr(s->container, "matroska"));
	assert_int_equal(s->frames, 20);
	assert_time(s->start, "2024-06-01T10:00:02Z");
	assert_time(s->end, "2024-06-01T10:00:04Z");
	s = segment(c, "door/nothing.mp4");
	assert_int_equal(s->state, EX_SEG_UNREADABLE);
	assert_contains(s->problem, "no start time");
	/* Back to back (name, then container time): one recorded span. */
	assert_int_equal(c->ncovered, 1);
	assert_int_equal(c->ngaps, 0);
	assert_time(c->covered[0].start, "2024-06-01T10:00:00Z");
	assert_time(c->covered[0].end, "2024-06-01T10:00:04Z");

	c = ex_archive_camera(a, "yard");
	s = segment(c, "yard/2024-07-01T12-00-00.ts");
	assert_string_equal(s->container, "mpegts");
	assert_int_equal(s->frames, 20);
	/* Local London name (BST); the TS start offset is not added. */
	assert_time(s->start, "2024-07-01T11:00:00Z");
	assert_time(s->end, "2024-07-01T11:00:02Z");
	s = segment(c, "yard/2024-10-27T01-30-00.mp4");
	assert_int_equal(s->state, EX_SEG_UNREADABLE);
	assert_contains(s->problem, "ambiguous");
	s = segment(c, "yard/20240701T110001Z-vfr.mkv");
	assert_int_equal(s->vfr, 1);
	assert_int_equal(s->frames, 20);
	assert_time(s->end, "2024-07-01T11:00:03.800Z");
	/* The TS and the VFR clip overlap by one second. */
	assert_int_equal(c->ncovered, 1);
	assert_int_equal(c->noverlaps, 1);
	assert_time(c->overlaps[0].start, "2024-07-01T11:00:01Z");
	assert_time(c->overlaps[0].end, "2024-07-01T11:00:02Z");
	ex_archive_free(&a);

	/* The same names read in UTC, one camera only. */
	opts.zone = "UTC";
	opts.camera = "yard";
	a = open_ok(dir, &opts);
	assert_int_equal(a->ncameras, 1);
	assert_string_equal(a->cameras[0].id, "yard");
	s = segment(&a->cameras[0], "yard/2024-07-01T12-00-00.ts");
	assert_time(s->start, "2024-07-01T12:00:00Z");
	s = segment(&a->cameras[0], "yard/2024-10-27T01-30-00.mp4");
	assert_int_equal(s->state, EX_SEG_OK);
	assert_time(s->start, "2024-10-27T01:30:00Z");
	ex_archive_free(&a);
}

static void
test_camera_and_folder_errors(void **state)
{
	const char *dir = *state;
	ex_archive_options opts;
	char path[PATH_MAX];

	memset(&opts, 0, sizeof(opts));
	/* An empty folder is no archive. */
	open_fails(dir, NULL, EX_ERR_UNSUPPORTED, "not a recorder archive");
	snprintf(path, sizeof(path), "%s/missing", dir);
	open_fails(path, NULL, EX_ERR_IO, "No such file");
	put(dir, "cam1/20240101T000000Z.mp4", "clip.mp4", -1);
	put(dir, "cam2/20240101T000000Z.mp4", "clip.mp4", -1);
	snprintf(path, sizeof(path), "%s/cam1/20240101T000000Z.mp4", dir);
	open_fails(path, NULL, EX_ERR_USAGE, "not a folder");
	opts.camera = "cam9";
	open_fails(dir, &opts, EX_ERR_USAGE, "no camera 'cam9'");
	open_fails(dir, &opts, EX_ERR_USAGE, "cameras: cam1, cam2");
	opts.camera = NULL;
	opts.zone = "Mars/Olympus";
	open_fails(dir, &opts, EX_ERR_TIME, "Mars/Olympus");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_sei_signatures),
		cmocka_unit_test(test_time_from_name),
		cmocka_unit_test(test_relpath_problem),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test_setup_teardown(test_frigate, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_damage_reported,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_truncated_mkv_ts,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_plain, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_camera_and_folder_errors,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_indexed, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_indexed_refusals,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_indexed_hardened_reader,
		    setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

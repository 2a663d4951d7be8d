/*
 * test_media_streams.c — what the media results say became of every
 * source stream (issue 13): kept packet for packet, re-encoded as what, or
 * left out and why.
 *
 * Clips are made at test time with the ffmpeg CLI, 2 s at 25 fps:
 *   a.mov  H.264, AAC, a timecode track (tmcd)
 *   b.mkv  H.264, G.711 A-law, AAC, a SubRip subtitle
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhibit/media.h"
#include "scratch.h"

#ifndef FFMPEG
#define FFMPEG "ffmpeg"
#endif

#define SEC EX_USEC_PER_SEC
#define T0 INT64_C(1719835200000000)    /* 2024-07-01T12:00:00Z */

static char tmpdir[256];
static ex_segment seg_a, seg_b;

static void
run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "failed: %s\n", cmd);
		exit(1);
	}
}

static void
fill_seg(ex_segment *seg, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	memset(seg, 0, sizeof(*seg));
	seg->path = strdup(path);
	seg->relpath = strdup(name);
	seg->start = T0;
	seg->end = T0 + 2 * SEC;
	seg->state = EX_SEG_OK;
	snprintf(seg->codec, sizeof(seg->codec), "h264");
	seg->width = 160;
	seg->height = 120;
	seg->fps_num = 25;
	seg->fps_den = 1;
	seg->frames = 50;
}

static int
make_all(void **state)
{
	(void)state;
	if (scratch_make(tmpdir, sizeof(tmpdir), "test_media_streams") != 0)
		return -1;
	run("cd '%s' && printf '1\\n00:00:00,000 --> 00:00:01,500\\nhello\\n' "
	    "> s.srt", tmpdir);
	run("cd '%s' && " FFMPEG " -nostdin -hide_banner -loglevel error -y "
	    "-f lavfi -i testsrc2=s=160x120:r=25:d=2 -f lavfi -i sine=d=2 "
	    "-c:v libx264 -preset ultrafast -g 25 -pix_fmt yuv420p -c:a aac "
	    "-timecode 01:00:00:00 a.mov", tmpdir);
	run("cd '%s' && " FFMPEG " -nostdin -hide_banner -loglevel error -y "
	    "-f lavfi -i testsrc2=s=160x120:r=25:d=2 "
	    "-f lavfi -i sine=d=2:sample_rate=8000 -f lavfi -i sine=d=2 "
	    "-i s.srt -map 0 -map 1 -map 2 -map 3 -c:v libx264 "
	    "-preset ultrafast -g 25 -pix_fmt yuv420p -c:a:0 pcm_alaw "
	    "-c:a:1 aac -c:s srt b.mkv", tmpdir);
	fill_seg(&seg_a, "a.mov");
	fill_seg(&seg_b, "b.mkv");
	return 0;
}

static int
remove_all(void **state)
{
	(void)state;
	scratch_remove(tmpdir);
	free(seg_a.path);
	free(seg_a.relpath);
	free(seg_b.path);
	free(seg_b.relpath);
	return 0;
}

static const char *
outdir(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	run("rm -rf '%s' && mkdir -p '%s'", path, path);
	return path;
}

static ex_media_result *
cut(const ex_segment *seg, int working, const char *dir)
{
	ex_media_range r = { T0 + SEC / 2, T0 + 3 * SEC / 2, 0, "UTC" };
	ex_media_working_options o;
	ex_media_result *res = NULL;
	ex_error err;

	ex_error_clear(&err);
	memset(&o, 0, sizeof(o));
	o.preset = "ultrafast";
	o.crf = -1;
	o.threads = 1;
	if (working)
		assert_int_equal(ex_media_working(seg, 1, &r, &o, dir, "w",
		    NULL, &res, &err), EX_OK);
	else
		assert_int_equal(ex_media_native(seg, 1, &r, dir, "n", NULL,
		    &res, &err), EX_OK);
	assert_int_equal(res->nfiles, 1);
	return res;
}

static void
check_stream(const ex_media_stream *s, int src, const char *type,
    const char *codec, ex_media_fate fate, int out, const char *out_codec,
    const char *reason_part)
{
	assert_int_equal(s->source_index, src);
	assert_string_equal(s->type, type);
	assert_string_equal(s->codec, codec);
	assert_int_equal(s->fate, fate);
	assert_int_equal(s->output_index, out);
	assert_string_equal(s->out_codec, out_codec);
	if (reason_part == NULL)
		assert_null(s->reason);
	else {
		assert_non_null(s->reason);
		if (strstr(s->reason, reason_part) == NULL)
			fail_msg("reason '%s' lacks '%s'", s->reason,
			    reason_part);
	}
}

static void
test_native_mov(void **state)
{
	ex_media_result *res = cut(&seg_a, 0, outdir("na"));
	const ex_media_file *f = &res->files[0];

	(void)state;
	assert_int_equal(f->nstreams, 3);
	check_stream(&f->streams[0], 0, "video", "h264", EX_MEDIA_KEPT, 0,
	    "h264", NULL);
	assert_int_equal(f->streams[0].packets, f->frames);
	check_stream(&f->streams[1], 1, "audio", "aac", EX_MEDIA_KEPT, 1,
	    "aac", NULL);
	/* From the keyframe at 0 s to 1.52 s: 44.1 kHz AAC in packets of
	 * 1024 samples, 65 or 66 of them. */
	assert_in_range(f->streams[1].packets, 65, 66);
	check_stream(&f->streams[2], 2, "data", "tmcd", EX_MEDIA_KEPT, 2,
	    "tmcd", "timecode");
	ex_media_result_free(&res);
}

static void
test_native_mkv(void **state)
{
	ex_media_result *res = cut(&seg_b, 0, outdir("nb"));
	const ex_media_file *f = &res->files[0];

	(void)state;
	assert_int_equal(f->nstreams, 4);
	check_stream(&f->streams[0], 0, "video", "h264", EX_MEDIA_KEPT, 0,
	    "h264", NULL);
	check_stream(&f->streams[1], 1, "audio", "pcm_alaw",
	    EX_MEDIA_LEFT_OUT, -1, "", "G.711 audio cannot be stored in MP4");
	check_stream(&f->streams[2], 2, "audio", "aac", EX_MEDIA_KEPT, 1,
	    "aac", NULL);
	assert_true(f->streams[2].packets > 0);
	check_stream(&f->streams[3], 3, "subtitle", "subrip",
	    EX_MEDIA_LEFT_OUT, -1, "", "subtitle cannot be stored in MP4");
	assert_int_equal(f->streams[3].packets, 0);
	ex_media_result_free(&res);
}

static void
test_working_mov(void **state)
{
	ex_media_result *res = cut(&seg_a, 1, outdir("wa"));
	const ex_media_file *f = &res->files[0];

	(void)state;
	assert_int_equal(f->nstreams, 3);
	check_stream(&f->streams[0], 0, "video", "h264", EX_MEDIA_REENCODED,
	    0, "h264", "re-encoded as H.264");
	/* After the burn-in's cue track (stream 1). */
	check_stream(&f->streams[1], 1, "audio", "aac", EX_MEDIA_REENCODED,
	    2, "aac", "re-encoded as AAC");
	check_stream(&f->streams[2], 2, "data", "tmcd", EX_MEDIA_LEFT_OUT,
	    -1, "", "the picture and its sound only");
	ex_media_result_free(&res);
}

static void
test_working_mkv(void **state)
{
	ex_media_result *res = cut(&seg_b, 1, outdir("wb"));
	const ex_media_file *f = &res->files[0];
	int reencoded = 0;

	(void)state;
	assert_int_equal(f->nstreams, 4);
	/* One of the two sound tracks becomes the AAC stream, the other is
	 * left out (the native copy keeps the AAC one). */
	for (int i = 1; i <= 2; i++) {
		const ex_media_stream *s = &f->streams[i];

		if (s->fate == EX_MEDIA_REENCODED) {
			reencoded++;
			assert_int_equal(s->output_index, 2);
			assert_string_equal(s->out_codec, "aac");
		} else {
			assert_int_equal(s->fate, EX_MEDIA_LEFT_OUT);
			assert_non_null(strstr(s->reason, "one sound track"));
		}
	}
	assert_int_equal(reencoded, 1);
	assert_int_equal(f->streams[3].fate, EX_MEDIA_LEFT_OUT);
	ex_media_result_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_mov),
		cmocka_unit_test(test_native_mkv),
		cmocka_unit_test(test_working_mov),
		cmocka_unit_test(test_working_mkv),
	};

	return cmocka_run_group_tests(tests, make_all, remove_all);
}

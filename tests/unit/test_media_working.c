/*
 * test_media_working.c — working copies: reproducible, burned in, pixel
 * formats, exact bounds, segments, gaps, clock offset; progress, cancel,
 * damage, refusals, and the cue track (the burn-in's own record); part
 * of the test_media program (main, the clips and the probes: test_media.c).
 */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
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

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/intreadwrite.h>

#include "exhibit/media.h"
#include "scratch.h"
#include "media/media_private.h"
#include "test_media.h"

/* ---- working ---------------------------------------------------------- */

void
check_working_file(const ex_media_file *f, int first_index, int n)
{
	probe p;

	probe_file(f->path, &p);
	assert_int_equal(p.codec, AV_CODEC_ID_H264);
	/* FFmpeg's decoder names full-range 4:2:0 "yuvj420p". */
	if (p.range == AVCOL_RANGE_JPEG)
		assert_int_equal(p.pix_fmt, AV_PIX_FMT_YUVJ420P);
	else
		assert_int_equal(p.pix_fmt, AV_PIX_FMT_YUV420P);
	assert_int_equal(p.npackets, n);
	assert_int_equal(p.nstreams, 2);      /* video and its cue track */
	assert_true(p.first_packet_key);
	assert_true(p.key[0]);
	assert_indexes(&p, first_index, n);
	assert_spacing(&p);
	assert_int_equal(f->frames, n);
	assert_int_equal(check_faststart(f->path), f->first_true / SEC);
}

int
same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	unsigned char *ba = slurp(a, &la), *bb = slurp(b, &lb);
	int same = la == lb && memcmp(ba, bb, la) == 0;

	free(ba);
	free(bb);
	return same;
}

void
test_working_reproducible_and_burned_in(void **state)
{
	/* A slower preset (B-frames), two threads: the same bytes twice. */
	ex_media_working_options o = wopts(0);
	ex_media_range r = range_of(T0 + 3300 * MS, T0 + 4700 * MS);
	ex_media_result *a = NULL, *b = NULL;
	const char *dir;
	char first[600];
	ex_error err;
	probe p;

	(void)state;
	ex_error_clear(&err);
	o.preset = "fast";
	o.crf = 18;
	o.threads = 2;
	r.clock_offset = -40 * MS;   /* exercises the third overlay line */
	dir = outdir("repro1");
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o, dir,
	    "clip", NULL, &a, &err), EX_OK);
	snprintf(first, sizeof(first), "%s", a->files[0].path);
	dir = outdir("repro2");
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o, dir,
	    "clip", NULL, &b, &err), EX_OK);
	assert_true(same_bytes(first, b->files[0].path));
	/* Recorder 40 ms slow: true 3.30 s is recorder 3.26 s, frame 82. */
	check_working_file(&b->files[0], 82, 35);
	/* The box is drawn (black with white text) at the top-left. */
	probe_file(b->files[0].path, &p);
	assert_true(p.corner_luma < 40);
	assert_true(p.corner_max > 200);
	ex_media_result_free(&a);
	ex_media_result_free(&b);
	/* Without the burn-in the corner is the source's grey. */
	o.no_overlay = 1;
	dir = outdir("repro3");
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o, dir,
	    "clip", NULL, &a, &err), EX_OK);
	probe_file(a->files[0].path, &p);
	assert_in_range(p.corner_luma, 120, 136);
	assert_int_equal(p.nstreams, 1);    /* nothing drawn: no cue track */
	ex_media_result_free(&a);
}

void
test_working_pixel_formats(void **state)
{
	const char *dir = outdir("pixfmt1");
	ex_media_result *res;
	probe p;

	(void)state;
	/* yuvj420p (full range) is converted to limited-range yuv420p, the
	 * form every player reads right (issue 13). */
	res = working_ok(&fullrange, range_of(T0, T0 + SEC), 0, dir);
	check_working_file(&res->files[0], 0, 25);
	probe_file(res->files[0].path, &p);
	assert_int_equal(p.range, AVCOL_RANGE_MPEG);
	ex_media_result_free(&res);
	/* 4:2:2 is converted to 4:2:0. */
	dir = outdir("pixfmt2");
	res = working_ok(&chroma422, range_of(T0, T0 + SEC), 0, dir);
	check_working_file(&res->files[0], 0, 25);
	ex_media_result_free(&res);
}

void
test_working_mid_gop_across_segments(void **state)
{
	/* First frame at or after 5.30 s is 133 (5.32 s); the last before
	 * 9.10 s is 227 (9.08 s): 95 frames from two segments. */
	const char *dir = outdir("working1");
	ex_media_result *res = working_ok(&h264,
	    range_of(T0 + 5300 * MS, T0 + 9100 * MS), 0, dir);
	ex_media_file *f;

	(void)state;
	assert_int_equal(res->nfiles, 1);
	f = &res->files[0];
	assert_int_equal(res->actual_from, T0 + 5320 * MS);
	assert_int_equal(res->actual_to, T0 + 9120 * MS);
	assert_int_equal(f->first_true, T0 + 5320 * MS);
	assert_int_equal(f->last_true, T0 + 9080 * MS);
	assert_int_equal(f->last_recorder, T0 + 9080 * MS);
	assert_int_equal(f->end_true, T0 + 9120 * MS);
	assert_int_equal(f->nsources, 2);
	assert_int_equal(res->nproblems, 0);
	check_working_file(f, 133, 95);
	ex_media_result_free(&res);
}

void
test_working_exact_bounds(void **state)
{
	/* A frame exactly at `from` is in, one exactly at `to` is out. */
	const char *dir = outdir("working2");
	ex_media_result *res = working_ok(&h264,
	    range_of(T0 + 1040 * MS, T0 + 1480 * MS), 0, dir);

	(void)state;
	assert_int_equal(res->nfiles, 1);
	assert_int_equal(res->files[0].first_true, T0 + 1040 * MS);
	assert_int_equal(res->files[0].last_true, T0 + 1440 * MS);
	check_working_file(&res->files[0], 26, 11);
	ex_media_result_free(&res);
}

void
test_working_segments(void **state)
{
	/* 2 s .. 12 s in 3-second files: 3 + 3 + 3 + 1 s. */
	const char *dir = outdir("working3");
	ex_media_result *res = working_ok(&h264,
	    range_of(T0 + 2 * SEC, T0 + 12 * SEC), 3 * SEC, dir);

	(void)state;
	assert_int_equal(res->nfiles, 4);
	assert_int_equal(count_files(dir), 4);
	assert_string_equal(res->files[3].name, "clip-004.mp4");
	check_working_file(&res->files[0], 50, 75);
	check_working_file(&res->files[1], 125, 75);
	check_working_file(&res->files[2], 200, 75);
	check_working_file(&res->files[3], 275, 25);
	assert_int_equal(res->files[1].first_true, T0 + 5 * SEC);
	assert_int_equal(res->files[3].end_true, T0 + 12 * SEC);
	ex_media_result_free(&res);
}

void
test_working_splits_at_gap(void **state)
{
	const char *dir = outdir("working4");
	ex_media_result *res = working_ok(&h264,
	    range_of(T0 + 15 * SEC, T0 + 21 * SEC), 0, dir);

	(void)state;
	assert_int_equal(res->nfiles, 2);
	check_working_file(&res->files[0], 375, 25);
	check_working_file(&res->files[1], 400, 25);
	assert_int_equal(res->files[1].first_true, T0 + 20 * SEC);
	ex_media_result_free(&res);
}

void
test_working_clock_offset(void **state)
{
	/* The recorder ran 2.5 s fast: true [3.0, 4.0) is recorder
	 * [5.5, 6.5), frames 138 (5.52) to 162 (6.48). */
	const char *dir = outdir("working5");
	ex_media_range r = range_of(T0 + 3 * SEC, T0 + 4 * SEC);
	ex_media_result *res;

	(void)state;
	r.clock_offset = 2500 * MS;
	res = working_ok(&h264, r, 0, dir);
	assert_int_equal(res->nfiles, 1);
	assert_int_equal(res->files[0].first_true, T0 + 3020 * MS);
	assert_int_equal(res->files[0].first_recorder, T0 + 5520 * MS);
	assert_int_equal(res->files[0].last_true, T0 + 3980 * MS);
	check_working_file(&res->files[0], 138, 25);
	ex_media_result_free(&res);
	/* Without the offset the same true range holds frames 75-99. */
	dir = outdir("working5b");
	res = working_ok(&h264, range_of(T0 + 3 * SEC, T0 + 4 * SEC), 0, dir);
	check_working_file(&res->files[0], 75, 25);
	ex_media_result_free(&res);
}

void
test_working_bframes_hevc_ts(void **state)
{
	const char *dir = outdir("working6");
	ex_media_result *res;

	(void)state;
	/* B-frames, Matroska, mid-GOP start after a seek. */
	res = working_ok(&mkv_bframes, range_of(T0 + 2730 * MS,
	    T0 + 5210 * MS), 0, dir);
	assert_int_equal(res->nfiles, 1);
	check_working_file(&res->files[0], 69, 62);
	ex_media_result_free(&res);
	dir = outdir("working7");
	res = working_ok(&hevc, range_of(T0 + 3500 * MS, T0 + 4500 * MS), 0,
	    dir);
	check_working_file(&res->files[0], 88, 25);
	ex_media_result_free(&res);
	dir = outdir("working8");
	res = working_ok(&ts, range_of(T0 + 3500 * MS, T0 + 4500 * MS), 0,
	    dir);
	check_working_file(&res->files[0], 88, 25);
	ex_media_result_free(&res);
}

void
on_progress(void *user, int64_t done, int64_t expected)
{
	progress_state *ps = user;

	/* Reports come from the calling thread, not the decoding one. */
	assert_true(pthread_equal(pthread_self(), ps->caller));
	if (ps->calls++ == 0 && ps->sleep_first_usec > 0)
		usleep((useconds_t)ps->sleep_first_usec);
	assert_true(done >= ps->last_done);
	assert_true(expected >= done);
	ps->last_done = done;
	ps->last_expected = expected;
}

typedef struct watcher {
	const char *dir;
	volatile sig_atomic_t cancel;
	volatile sig_atomic_t stop;
} watcher;

/* Request a cancel once three output files exist. */
static void *
watch(void *arg)
{
	watcher *wt = arg;

	while (!ex_cancel_requested(&wt->stop)) {
		DIR *d = opendir(wt->dir);
		struct dirent *e;
		int n = 0;

		while (d != NULL && (e = readdir(d)) != NULL)
			n += e->d_name[0] != '.';
		if (d != NULL)
			closedir(d);
		if (n >= 3) {
			ex_cancel_request(&wt->cancel);
			break;
		}
		usleep(500);
	}
	return NULL;
}

void
test_progress(void **state)
{
	const char *dir = outdir("progress");
	ex_media_working_options o = wopts(0);
	ex_media_range r = range_of(T0, T0 + 2 * SEC);
	progress_state ps = { 0, 0, 0, pthread_self(), 0 };
	ex_media_control ctl = { on_progress, &ps, NULL };
	ex_media_result *res = NULL;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o, dir,
	    "clip", &ctl, &res, &err), EX_OK);
	/* The first frame and the end at least; the final report is
	 * complete and the estimate was right. */
	assert_true(ps.calls >= 2);
	assert_int_equal(ps.last_done, 50);
	assert_int_equal(ps.last_expected, 50);
	ex_media_result_free(&res);
}

void
test_cancel_removes_outputs(void **state)
{
	const char *dir = outdir("cancel");
	ex_media_working_options o = wopts(SEC / 2);
	ex_media_range r = range_of(T0, T0 + 16 * SEC);
	watcher wt = { dir, 0, 0 };
	ex_media_control ctl = { NULL, NULL, &wt.cancel };
	ex_media_result *res = NULL;
	pthread_t tid;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(pthread_create(&tid, NULL, watch, &wt), 0);
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o, dir,
	    "clip", &ctl, &res, &err), EX_ERR_INTERRUPTED);
	ex_cancel_request(&wt.stop);
	pthread_join(tid, NULL);
	assert_int_equal(wt.cancel, 1);
	assert_null(res);
	assert_non_null(strstr(err.message, "interrupted"));
	assert_int_equal(count_files(dir), 0);
	/* The native cut too (cancelled before it starts). */
	ex_error_clear(&err);
	assert_int_equal(ex_media_native(h264.segs, h264.n, &r, dir, "clip",
	    &ctl, &res, &err), EX_ERR_INTERRUPTED);
	assert_non_null(strstr(err.message, "interrupted"));
	assert_int_equal(count_files(dir), 0);
}

void
test_damaged_segment_reported(void **state)
{
	const char *dir = outdir("damaged");
	ex_media_result *res;

	(void)state;
	res = working_ok(&damaged, range_of(T0 + 3 * SEC, T0 + 5 * SEC), 0,
	    dir);
	assert_int_equal(res->nproblems, 1);
	assert_true(res->problems[0].skipped);
	assert_string_equal(res->problems[0].source, "cam1/broken.mp4");
	assert_non_null(strstr(res->problems[0].message, "segment skipped"));
	assert_int_equal(res->nfiles, 1);
	check_working_file(&res->files[0], 100, 25);
	ex_media_result_free(&res);
	dir = outdir("damaged2");
	res = native_ok(&damaged, range_of(T0 + 3 * SEC, T0 + 5 * SEC), dir);
	assert_int_equal(res->nproblems, 1);
	assert_true(res->problems[0].skipped);
	assert_int_equal(res->nfiles, 1);
	assert_int_equal(res->files[0].frames, 25);
	ex_media_result_free(&res);
}

void
test_truncated_data_reported(void **state)
{
	/* The index survives but the data stops part-way: what is there is
	 * exported, the loss is reported, the call succeeds. */
	const char *dir = outdir("short");
	ex_media_result *res;
	probe p;

	(void)state;
	res = working_ok(&cutshort, range_of(T0, T0 + 4 * SEC), 0, dir);
	assert_true(res->nproblems >= 1);
	assert_string_equal(res->problems[0].source, "cam1/short.mp4");
	assert_non_null(strstr(res->problems[0].message, "corrupt packet"));
	assert_true(res->problems[0].at_true > T0 &&
	    res->problems[0].at_true < T0 + 4 * SEC);
	assert_false(res->problems[0].skipped);
	assert_int_equal(res->nfiles, 1);
	assert_true(res->files[0].frames > 0 && res->files[0].frames < 100);
	probe_file(res->files[0].path, &p);
	assert_int_equal(p.nframes, res->files[0].frames);
	assert_int_equal(p.index[0], 0);
	ex_media_result_free(&res);
	dir = outdir("short2");
	res = native_ok(&cutshort, range_of(T0, T0 + 4 * SEC), dir);
	assert_true(res->nproblems >= 1);
	assert_int_equal(res->nfiles, 1);
	assert_true(res->files[0].frames < 100);
	ex_media_result_free(&res);
}

void
test_refusals(void **state)
{
	const char *dir = outdir("refuse");
	ex_media_range r = range_of(T0 + 2 * SEC, T0 + 1 * SEC);
	ex_media_working_options o = wopts(0);
	ex_media_result *res = NULL;
	ex_error err;
	char path[600];

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(ex_media_native(h264.segs, h264.n, &r, dir, "clip",
	    NULL, &res, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "ends before it starts"));
	/* An existing output is never overwritten. */
	r = range_of(T0, T0 + SEC);
	snprintf(path, sizeof(path), "%s/clip-001.mp4", dir);
	run("echo keep > '%s'", path);
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o, dir,
	    "clip", NULL, &res, &err), EX_ERR_EXISTS);
	assert_non_null(strstr(err.message, "already exists"));
	assert_null(res);
	assert_int_equal(count_files(dir), 1);
	/* A preset libx264 does not know. */
	o.preset = "warp9";
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o, dir,
	    "other", NULL, &res, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "warp9"));
	assert_int_equal(count_files(dir), 1);
	/* Nothing in range: success, no files. */
	r = range_of(T0 + 17 * SEC, T0 + 19 * SEC);
	res = working_ok(&h264, r, 0, dir);
	assert_int_equal(res->nfiles, 0);
	assert_int_equal(res->actual_from, EX_INSTANT_NONE);
	ex_media_result_free(&res);
	res = native_ok(&h264, r, dir);
	assert_int_equal(res->nfiles, 0);
	ex_media_result_free(&res);
	assert_int_equal(count_files(dir), 1);
}


/* ---- the cue track: the burn-in's own record ---------------------------- */

typedef struct cues {
	int n;
	int64_t pts[MAXF], dur[MAXF];     /* µs */
	char text[MAXF][160];
	char lang[8], handler[64];
	int video_default, cue_codec_ok;
} cues;

static cues cue_read;

/* Read stream 1 of a working copy, sample by sample (tx3g: a 16-bit
 * length, then the UTF-8 text). */
static void
read_cues(const char *path, cues *c)
{
	AVFormatContext *fmt = NULL;
	AVDictionaryEntry *e;
	AVPacket *pkt = av_packet_alloc();
	AVStream *st;

	memset(c, 0, sizeof(*c));
	assert_int_equal(avformat_open_input(&fmt, path, NULL, NULL), 0);
	assert_true(avformat_find_stream_info(fmt, NULL) >= 0);
	assert_int_equal(fmt->nb_streams, 2);
	c->video_default = (fmt->streams[0]->disposition &
	    AV_DISPOSITION_DEFAULT) != 0;
	st = fmt->streams[1];
	c->cue_codec_ok = st->codecpar->codec_id == AV_CODEC_ID_MOV_TEXT &&
	    st->codecpar->codec_tag == MKTAG('t', 'x', '3', 'g');
	if ((e = av_dict_get(st->metadata, "language", NULL, 0)) != NULL)
		snprintf(c->lang, sizeof(c->lang), "%s", e->value);
	if ((e = av_dict_get(st->metadata, "handler_name", NULL, 0)) != NULL)
		snprintf(c->handler, sizeof(c->handler), "%s", e->value);
	while (av_read_frame(fmt, pkt) >= 0) {
		int len;

		if (pkt->stream_index == 1 && pkt->size >= 2 &&
		    (len = AV_RB16(pkt->data)) > 0) {
			assert_true(c->n < MAXF);
			assert_true(len + 2 <= pkt->size &&
			    len < (int)sizeof(c->text[0]));
			memcpy(c->text[c->n], pkt->data + 2, (size_t)len);
			c->text[c->n][len] = '\0';
			c->pts[c->n] = av_rescale_q(pkt->pts, st->time_base,
			    AV_TIME_BASE_Q);
			c->dur[c->n] = av_rescale_q(pkt->duration,
			    st->time_base, AV_TIME_BASE_Q);
			c->n++;
		}
		av_packet_unref(pkt);
	}
	avformat_close_input(&fmt);
	av_packet_free(&pkt);
}

void
test_working_cue_track(void **state)
{
	/* The recorder runs 250 ms fast; true [9.5 s, 10.5 s) crosses the
	 * end of BST (T0 + 10 s = 01:00:00Z): recorder frames 244 (9.76 s,
	 * true 9.51 s) to 268 (10.72 s, true 10.47 s). */
	const char *dir = outdir("cues");
	ex_media_range r = range_of(T0 + 9500 * MS, T0 + 10500 * MS);
	ex_media_result *res;
	ex_media_file *f;
	cues *c = &cue_read;
	probe p;
	int bst = 0, gmt = 0;

	(void)state;
	r.clock_offset = 250 * MS;
	res = working_ok(&h264, r, 0, dir);
	assert_int_equal(res->nfiles, 1);
	f = &res->files[0];
	check_working_file(f, 244, 25);
	assert_int_equal(f->first_true, T0 + 9510 * MS);
	probe_file(f->path, &p);
	read_cues(f->path, c);
	assert_true(c->cue_codec_ok);
	assert_true(c->video_default);
	assert_string_equal(c->lang, "eng");
	assert_string_equal(c->handler, "Burned-in time");
	/* One cue per frame, at the frame's own time, lasting one frame, with
	 * the frame's true time (from its band: recorder minus offset). */
	assert_int_equal(c->n, p.nframes);
	for (int i = 0; i < c->n; i++) {
		char want[200], when[EX_TIME_BUFSZ];
		ex_instant t = T0 + (ex_instant)p.index[i] * FRAME - 250 * MS;

		assert_int_equal(c->pts[i], p.pts[i]);
		assert_int_equal(c->dur[i], FRAME);
		assert_int_equal(f->first_true + c->pts[i], t);
		snprintf(want, sizeof(want), "%s\nrecorder clock corrected by "
		    "-0.250 s", ex_time_format_display(t, "Europe/London",
		    when, sizeof(when)));
		if (strcmp(c->text[i], want) != 0)
			fail_msg("cue %d: '%s', expected '%s'", i, c->text[i],
			    want);
		bst += strstr(c->text[i], " BST\n") != NULL;
		gmt += strstr(c->text[i], " GMT\n") != NULL;
	}
	assert_string_equal(c->text[0],
	    "2024-10-27 01:59:59.510 BST\nrecorder clock corrected by -0.250 s");
	assert_string_equal(c->text[13],
	    "2024-10-27 01:00:00.030 GMT\nrecorder clock corrected by -0.250 s");
	assert_int_equal(bst, 13);
	assert_int_equal(gmt, 12);
	ex_media_result_free(&res);
	/* No offset: the time line alone. */
	dir = outdir("cues2");
	res = working_ok(&h264, range_of(T0 + 9920 * MS, T0 + 10040 * MS), 0,
	    dir);
	read_cues(res->files[0].path, c);
	assert_int_equal(c->n, 3);
	assert_string_equal(c->text[0], "2024-10-27 01:59:59.920 BST");
	assert_string_equal(c->text[2], "2024-10-27 01:00:00.000 GMT");
	ex_media_result_free(&res);
}

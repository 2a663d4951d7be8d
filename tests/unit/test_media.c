/*
 * test_media.c — native cuts and working copies.
 *
 * The clips are made at test time with the ffmpeg CLI (320x180, 25 fps,
 * GOP 25).  Every frame carries its index as a 12-bit code in a band at
 * the bottom of the picture (the burn-in covers the top-left), so reading
 * the outputs back proves which source frames they hold: none dropped,
 * none repeated.  Segment k of a set holds frames 100k .. 100k+99 and
 * starts at T0 + 4k s (set "h264": segments 0-3 back to back, segment 4
 * after a 4 s hole).
 *
 * This file: making the clips, reading outputs back (test_media.h), the
 * native cuts, and main; test_media_working.c: working copies;
 * test_media_still.c: stills and the decoding and encoding threads.
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

char tmpdir[256];

set h264, hevc, ts, mkv_bframes, damaged, fullrange, chroma422,
    cutshort;

/* ---- making clips ------------------------------------------------------ */

void
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

/* A clip of nframes frames whose indexes start at first. */
static void
make_clip(const char *name, int first, int nframes, const char *codec_args)
{
	run("cd '%s' && " FFMPEG " -nostdin -hide_banner -loglevel error -y "
	    "-f lavfi -i color=c=gray:s=320x180:r=25 -frames:v %d "
	    "-vf \"geq=lum='if(lt(Y,H*7/8),128,"
	    "if(bitand(N+%d,pow(2,floor(X*12/W))),235,16))':cb=128:cr=128\" "
	    "%s %s", tmpdir, nframes, first, codec_args, name);
}

static void
add_seg(set *s, const char *name, ex_instant start, int nframes,
    const char *codec)
{
	ex_segment *seg = &s->segs[s->n++];
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	memset(seg, 0, sizeof(*seg));
	seg->path = strdup(path);
	seg->relpath = strdup(name);
	seg->start = start;
	seg->end = start + (ex_instant)nframes * FRAME;
	seg->state = EX_SEG_OK;
	snprintf(seg->codec, sizeof(seg->codec), "%s", codec);
	seg->width = 320;
	seg->height = 180;
	seg->fps_num = 25;
	seg->fps_den = 1;
	seg->frames = nframes;
}

#define X264 "-c:v libx264 -preset superfast -g 25 -keyint_min 25 " \
	"-sc_threshold 0 -pix_fmt yuv420p"

static int
make_all(void **state)
{
	char name[64];
	int i;

	(void)state;
	if (scratch_make(tmpdir, sizeof(tmpdir), "test_media") != 0)
		return -1;
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "cam1/%02d.mp4", i);
		if (i == 0)
			run("mkdir -p '%s/cam1' '%s/cam2' '%s/cam3' '%s/cam4'",
			    tmpdir, tmpdir, tmpdir, tmpdir);
		make_clip(name, 100 * i, 100, X264 " -bf 0");
		/* Segment 4 follows a 4-second hole. */
		add_seg(&h264, name, T0 + (i < 4 ? i : 5) * 4 * SEC, 100,
		    "h264");
	}
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "cam2/%02d.mp4", i);
		make_clip(name, 100 * i, 100, "-c:v libx265 -x265-params "
		    "log-level=none:keyint=25:min-keyint=25:scenecut=0:"
		    "bframes=0 -pix_fmt yuv420p");
		add_seg(&hevc, name, T0 + i * 4 * SEC, 100, "hevc");
	}
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "cam3/%02d.ts", i);
		make_clip(name, 100 * i, 100, X264 " -bf 0 -f mpegts");
		add_seg(&ts, name, T0 + i * 4 * SEC, 100, "h264");
	}
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "cam4/%02d.mkv", i);
		make_clip(name, 100 * i, 100, X264 " -bf 3");
		add_seg(&mkv_bframes, name, T0 + i * 4 * SEC, 100, "h264");
	}
	/* Damage: a recording cut off before its index was written (moov at
	 * the end), then a good segment. */
	make_clip("cam1/broken.mp4", 0, 100, X264 " -bf 0");
	run("cd '%s' && truncate -s 4000 cam1/broken.mp4", tmpdir);
	add_seg(&damaged, "cam1/broken.mp4", T0, 100, "h264");
	damaged.segs[damaged.n++] = h264.segs[1];
	/* Full-range (yuvj420p) and 4:2:2 sources. */
	make_clip("cam1/full.mp4", 0, 25, X264 " -bf 0 -pix_fmt yuvj420p");
	add_seg(&fullrange, "cam1/full.mp4", T0, 25, "h264");
	make_clip("cam1/422.mp4", 0, 25, X264 " -bf 0 -pix_fmt yuv422p");
	add_seg(&chroma422, "cam1/422.mp4", T0, 25, "h264");
	/* Index at the front, data cut off part-way (recorder died). */
	make_clip("cam1/short.mp4", 0, 100, X264 " -bf 0 -movflags +faststart");
	run("cd '%s' && truncate -s %d cam1/short.mp4", tmpdir, 6000);
	add_seg(&cutshort, "cam1/short.mp4", T0, 100, "h264");
	return 0;
}

static void
free_set(set *s, size_t keep_from)
{
	for (size_t i = keep_from; i < s->n; i++) {
		free(s->segs[i].path);
		free(s->segs[i].relpath);
	}
}

static int
remove_all(void **state)
{
	(void)state;
	if (getenv("TEST_MEDIA_KEEP") == NULL)
		scratch_remove(tmpdir);
	else
		fprintf(stderr, "kept %s\n", tmpdir);
	free_set(&h264, 0);
	free_set(&hevc, 0);
	free_set(&ts, 0);
	free_set(&mkv_bframes, 0);
	free_set(&fullrange, 0);
	free_set(&chroma422, 0);
	free_set(&cutshort, 0);
	free(damaged.segs[0].path);   /* segs[1] belongs to h264 */
	free(damaged.segs[0].relpath);
	return 0;
}

/* A fresh, empty output folder. */
const char *
outdir(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/out-%s", tmpdir, name);
	run("rm -rf '%s' && mkdir -p '%s'", path, path);
	return path;
}

int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- reading outputs back ---------------------------------------------- */

static int
read_code(const AVFrame *f)
{
	int y = f->height - f->height / 16, code = 0;

	for (int bit = 0; bit < 12; bit++) {
		int x = (2 * bit + 1) * f->width / 24;

		if (f->data[0][y * f->linesize[0] + x] > 128)
			code |= 1 << bit;
	}
	return code;
}

static void
take_frames(AVCodecContext *dec, AVFrame *fr, AVStream *st, probe *p)
{
	while (avcodec_receive_frame(dec, fr) == 0) {
		assert_true(p->nframes < MAXF);
		p->pts[p->nframes] = av_rescale_q(fr->best_effort_timestamp,
		    st->time_base, AV_TIME_BASE_Q);
		p->index[p->nframes] = read_code(fr);
		p->key[p->nframes] = fr->key_frame;
		if (p->nframes == 0) {
			p->pix_fmt = fr->format;
			p->range = fr->color_range;
			p->corner_luma = fr->data[0][2 * fr->linesize[0] + 2];
			for (int y = 0; y < 20; y++)
				for (int x = 0; x < 60; x++)
					if (fr->data[0][y * fr->linesize[0] + x] >
					    p->corner_max)
						p->corner_max = fr->data[0][y *
						    fr->linesize[0] + x];
		}
		p->nframes++;
		av_frame_unref(fr);
	}
}

void
probe_file(const char *path, probe *p)
{
	AVFormatContext *fmt = NULL;
	AVCodecContext *dec;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *fr = av_frame_alloc();
	AVStream *st;

	memset(p, 0, sizeof(*p));
	p->first_pts = INT64_MAX;
	assert_int_equal(avformat_open_input(&fmt, path, NULL, NULL), 0);
	assert_true(avformat_find_stream_info(fmt, NULL) >= 0);
	p->nstreams = (int)fmt->nb_streams;
	st = fmt->streams[0];
	assert_int_equal(st->codecpar->codec_type, AVMEDIA_TYPE_VIDEO);
	p->codec = st->codecpar->codec_id;
	p->tag = st->codecpar->codec_tag;
	p->width = st->codecpar->width;
	p->height = st->codecpar->height;
	dec = avcodec_alloc_context3(avcodec_find_decoder(p->codec));
	avcodec_parameters_to_context(dec, st->codecpar);
	assert_int_equal(avcodec_open2(dec, dec->codec, NULL), 0);
	while (av_read_frame(fmt, pkt) >= 0) {
		int64_t t = av_rescale_q(pkt->pts, st->time_base,
		    AV_TIME_BASE_Q);

		if (pkt->stream_index != 0) {
			av_packet_unref(pkt);
			continue;
		}
		if (p->npackets == 0)
			p->first_packet_key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
		if (t < p->first_pts)
			p->first_pts = t;
		p->npackets++;
		assert_int_equal(avcodec_send_packet(dec, pkt), 0);
		av_packet_unref(pkt);
		take_frames(dec, fr, st, p);
	}
	avcodec_send_packet(dec, NULL);
	take_frames(dec, fr, st, p);
	avcodec_free_context(&dec);
	avformat_close_input(&fmt);
	av_packet_free(&pkt);
	av_frame_free(&fr);
}

/* Decoded indexes are first, first+1, ... first+n-1. */
void
assert_indexes(const probe *p, int first, int n)
{
	assert_int_equal(p->nframes, n);
	for (int i = 0; i < n; i++)
		if (p->index[i] != first + i)
			fail_msg("frame %d holds source frame %d, expected %d",
			    i, p->index[i], first + i);
}

/* Frames are FRAME apart, the first at 0. */
void
assert_spacing(const probe *p)
{
	assert_int_equal(p->pts[0], 0);
	for (int i = 1; i < p->nframes; i++)
		if (p->pts[i] - p->pts[i - 1] != FRAME)
			fail_msg("frames %d-%d are %lld us apart", i - 1, i,
			    (long long)(p->pts[i] - p->pts[i - 1]));
}

unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | *p++;
	return v;
}

/* moov comes before mdat; returns mvhd creation_time as Unix seconds. */
int64_t
check_faststart(const char *path)
{
	size_t len, off = 0, moov = 0, mdat = 0;
	unsigned char *b = slurp(path, &len);
	int64_t ctime = -1;

	while (off + 8 <= len) {
		uint64_t size = be(b + off, 4);

		if (memcmp(b + off + 4, "moov", 4) == 0 && moov == 0) {
			const unsigned char *m = b + off + 8;

			moov = off + 1;
			assert_memory_equal(m + 4, "mvhd", 4);
			ctime = (int64_t)(m[8] == 1 ? be(m + 12, 8) :
			    be(m + 12, 4)) - INT64_C(2082844800);
		}
		if (memcmp(b + off + 4, "mdat", 4) == 0 && mdat == 0)
			mdat = off + 1;
		if (size == 1)
			size = be(b + off + 8, 8);
		if (size < 8)
			break;
		off += size;
	}
	free(b);
	assert_true(moov > 0 && mdat > 0);
	if (moov > mdat)
		fail_msg("%s: moov after mdat", path);
	return ctime;
}

ex_media_range
range_of(ex_instant from, ex_instant to)
{
	ex_media_range r = { from, to, 0, "Europe/London" };

	return r;
}

ex_media_working_options
wopts(int64_t segment_usec)
{
	ex_media_working_options o;

	memset(&o, 0, sizeof(o));
	o.preset = "ultrafast";
	o.crf = 10;
	o.threads = 1;
	o.segment_usec = segment_usec;
	o.label = "CAM1 High Street North   Exhibit ABC/1";
	return o;
}

ex_media_result *
native_ok(const set *s, ex_media_range r, const char *dir)
{
	ex_media_result *res = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_media_native(s->segs, s->n, &r, dir, "clip", NULL, &res,
	    &err) != EX_OK)
		fail_msg("native: %s", err.message);
	assert_non_null(res);
	return res;
}

ex_media_result *
working_ok(const set *s, ex_media_range r, int64_t segment_usec,
    const char *dir)
{
	ex_media_working_options o = wopts(segment_usec);
	ex_media_result *res = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_media_working(s->segs, s->n, &r, &o, dir, "clip", NULL, &res,
	    &err) != EX_OK)
		fail_msg("working: %s", err.message);
	assert_non_null(res);
	return res;
}

/* ---- native ----------------------------------------------------------- */

static void
test_native_starts_on_keyframe(void **state)
{
	/* 5.30 s is frame 133 (mid-GOP): the cut starts on keyframe 125 at
	 * 5.00 s and ends with frame 227 (9.08 s), the last before 9.10 s. */
	const char *dir = outdir("native1");
	ex_media_result *res = native_ok(&h264,
	    range_of(T0 + 5300 * MS, T0 + 9100 * MS), dir);
	ex_media_file *f;
	probe p;

	(void)state;
	assert_int_equal(res->nfiles, 1);
	f = &res->files[0];
	assert_string_equal(f->name, "clip-001.mp4");
	assert_int_equal(res->requested_from, T0 + 5300 * MS);
	assert_int_equal(res->actual_from, T0 + 5000 * MS);
	assert_int_equal(res->actual_to, T0 + 9120 * MS);
	assert_int_equal(f->first_true, T0 + 5000 * MS);
	assert_int_equal(f->first_recorder, T0 + 5000 * MS);
	assert_int_equal(f->last_true, T0 + 9080 * MS);
	assert_int_equal(f->end_true, T0 + 9120 * MS);
	assert_int_equal(f->frames, 103);
	assert_string_equal(f->codec, "h264");
	assert_int_equal(f->width, 320);
	assert_int_equal(f->height, 180);
	assert_int_equal(f->nsources, 2);
	assert_string_equal(f->sources[0], "cam1/01.mp4");
	assert_string_equal(f->sources[1], "cam1/02.mp4");
	assert_int_equal(res->nproblems, 0);
	probe_file(f->path, &p);
	assert_int_equal(p.codec, AV_CODEC_ID_H264);
	assert_int_equal(p.tag, MKTAG('a', 'v', 'c', '1'));
	assert_int_equal(p.npackets, 103);
	assert_true(p.first_packet_key);
	assert_int_equal(p.first_pts, 0);
	assert_indexes(&p, 125, 103);
	assert_spacing(&p);
	assert_int_equal(check_faststart(f->path), (T0 + 5000 * MS) / SEC);
	ex_media_result_free(&res);
	assert_null(res);
}

static void
test_native_splits_at_gap(void **state)
{
	/* 14 s .. 22 s: segment 3 from its keyframe at 14 s, then the hole
	 * 16-20 s, then segment 4 from 20 s: two files. */
	const char *dir = outdir("native2");
	ex_media_result *res = native_ok(&h264,
	    range_of(T0 + 14 * SEC, T0 + 22 * SEC), dir);
	probe p;

	(void)state;
	assert_int_equal(res->nfiles, 2);
	assert_string_equal(res->files[1].name, "clip-002.mp4");
	assert_int_equal(res->files[0].frames, 50);
	assert_int_equal(res->files[0].first_true, T0 + 14 * SEC);
	assert_int_equal(res->files[0].end_true, T0 + 16 * SEC);
	assert_int_equal(res->files[1].frames, 50);
	assert_int_equal(res->files[1].first_true, T0 + 20 * SEC);
	assert_int_equal(res->files[1].nsources, 1);
	assert_string_equal(res->files[1].sources[0], "cam1/04.mp4");
	probe_file(res->files[0].path, &p);
	assert_indexes(&p, 350, 50);
	probe_file(res->files[1].path, &p);
	assert_indexes(&p, 400, 50);
	assert_int_equal(p.first_pts, 0);
	assert_int_equal(p.nstreams, 1);    /* no cue track in a native cut */
	ex_media_result_free(&res);
}

static void
test_native_hevc_tagged_hvc1(void **state)
{
	const char *dir = outdir("native3");
	ex_media_result *res = native_ok(&hevc,
	    range_of(T0 + 3100 * MS, T0 + 4500 * MS), dir);
	probe p;

	(void)state;
	assert_int_equal(res->nfiles, 1);
	/* Keyframe 75 (3.00 s) to frame 112 (4.48 s). */
	assert_int_equal(res->files[0].frames, 38);
	assert_string_equal(res->files[0].codec, "hevc");
	probe_file(res->files[0].path, &p);
	assert_int_equal(p.codec, AV_CODEC_ID_HEVC);
	assert_int_equal(p.tag, MKTAG('h', 'v', 'c', '1'));
	assert_indexes(&p, 75, 38);
	check_faststart(res->files[0].path);
	ex_media_result_free(&res);
}

static void
test_native_from_mpegts(void **state)
{
	const char *dir = outdir("native4");
	ex_media_result *res = native_ok(&ts,
	    range_of(T0 + 2 * SEC, T0 + 6 * SEC), dir);
	probe p;

	(void)state;
	assert_int_equal(res->nfiles, 1);
	assert_int_equal(res->files[0].frames, 100);
	probe_file(res->files[0].path, &p);
	assert_int_equal(p.tag, MKTAG('a', 'v', 'c', '1'));
	assert_indexes(&p, 50, 100);
	assert_spacing(&p);
	ex_media_result_free(&res);
}

static void
test_native_bframes_cover_range(void **state)
{
	/* With B-frames the cut still starts on keyframe 25 and every frame
	 * shown before `to` is there and decodable. */
	const char *dir = outdir("native5");
	ex_media_result *res = native_ok(&mkv_bframes,
	    range_of(T0 + 1500 * MS, T0 + 4500 * MS), dir);
	probe p;

	(void)state;
	assert_int_equal(res->nfiles, 1);
	assert_int_equal(res->actual_from, T0 + 1 * SEC);
	probe_file(res->files[0].path, &p);
	assert_int_equal(p.first_pts, 0);
	assert_true(p.nframes >= 88);
	for (int i = 0; i < 88; i++)
		assert_int_equal(p.index[i], 25 + i);
	ex_media_result_free(&res);
}

static void
test_native_bframes_end_without_holes(void **state)
{
	/* Wherever `to` falls, the cut ends without a hole: a reference
	 * frame shown at or after `to` that an earlier B-frame needs is kept,
	 * and so is every frame shown between `to` and it. */
	(void)state;
	for (int end = 110; end < 116; end++) {
		const char *dir = outdir("native6");
		ex_media_result *res = native_ok(&mkv_bframes,
		    range_of(T0 + 1500 * MS, T0 + end * FRAME + 10 * MS), dir);
		probe p;

		assert_int_equal(res->nfiles, 1);
		probe_file(res->files[0].path, &p);
		assert_true(p.nframes >= end + 1 - 25);
		for (int i = 0; i < p.nframes; i++)
			if (p.index[i] != 25 + i)
				fail_msg("to at frame %d: frame %d holds source "
				    "frame %d, expected %d", end, i,
				    p.index[i], 25 + i);
		assert_int_equal(res->files[0].frames, p.nframes);
		ex_media_result_free(&res);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_starts_on_keyframe),
		cmocka_unit_test(test_native_splits_at_gap),
		cmocka_unit_test(test_native_hevc_tagged_hvc1),
		cmocka_unit_test(test_native_from_mpegts),
		cmocka_unit_test(test_native_bframes_cover_range),
		cmocka_unit_test(test_native_bframes_end_without_holes),
		cmocka_unit_test(test_working_mid_gop_across_segments),
		cmocka_unit_test(test_working_exact_bounds),
		cmocka_unit_test(test_working_segments),
		cmocka_unit_test(test_working_splits_at_gap),
		cmocka_unit_test(test_working_clock_offset),
		cmocka_unit_test(test_working_bframes_hevc_ts),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_cancel_removes_outputs),
		cmocka_unit_test(test_damaged_segment_reported),
		cmocka_unit_test(test_working_reproducible_and_burned_in),
		cmocka_unit_test(test_working_pixel_formats),
		cmocka_unit_test(test_truncated_data_reported),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_working_cue_track),
		cmocka_unit_test(test_still_frame_and_burn_in),
		cmocka_unit_test(test_still_boundaries),
		cmocka_unit_test(test_still_damage_and_refusals),
		cmocka_unit_test(test_working_same_bytes_however_threads_interleave),
		cmocka_unit_test(test_working_fails_mid_stream),
		cmocka_unit_test(test_queue_bounded_in_order),
		cmocka_unit_test(test_queue_close_stops_producer),
		cmocka_unit_test(test_picpool_reuses_buffers),
		cmocka_unit_test(test_decoder_threads_from_budget),
	};

	if (access(FFMPEG, X_OK) != 0 && strcmp(FFMPEG, "ffmpeg") != 0)
		return 77;    /* no ffmpeg to make clips: skip */
	av_log_set_level(AV_LOG_QUIET);
	return cmocka_run_group_tests(tests, make_all, remove_all);
}

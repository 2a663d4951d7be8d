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
#include "media/media_private.h"

#ifndef FFMPEG
#define FFMPEG "ffmpeg"
#endif

#define SEC EX_USEC_PER_SEC
#define MS 1000
#define FRAME (40 * MS)
#define MAXF 1024

/* 2024-10-27T00:59:50Z: the clocks go back ten seconds later in London. */
#define T0 INT64_C(1729990790000000)

static char tmpdir[256];

typedef struct set {
	ex_segment segs[6];
	size_t n;
} set;

static set h264, hevc, ts, mkv_bframes, damaged, fullrange, chroma422,
    cutshort;

/* ---- making clips ------------------------------------------------------ */

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
	const char *tmp = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_media.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
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
		run("rm -rf '%s'", tmpdir);
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
static const char *
outdir(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/out-%s", tmpdir, name);
	run("rm -rf '%s' && mkdir -p '%s'", path, path);
	return path;
}

static int
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

typedef struct probe {
	enum AVCodecID codec;
	uint32_t tag;
	int width, height;
	enum AVPixelFormat pix_fmt;
	enum AVColorRange range;
	int corner_luma;          /* first frame, inside the burn-in box */
	int corner_max;           /* brightest luma in the box area */
	int nstreams;             /* streams in the file (video is stream 0) */
	int npackets;             /* video packets */
	int64_t first_pts;        /* µs, first packet in presentation order */
	int first_packet_key;
	int nframes;              /* decoded, presentation order */
	int64_t pts[MAXF];        /* µs */
	int index[MAXF];          /* code read from the band */
	int key[MAXF];
} probe;

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

static void
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
static void
assert_indexes(const probe *p, int first, int n)
{
	assert_int_equal(p->nframes, n);
	for (int i = 0; i < n; i++)
		if (p->index[i] != first + i)
			fail_msg("frame %d holds source frame %d, expected %d",
			    i, p->index[i], first + i);
}

/* Frames are FRAME apart, the first at 0. */
static void
assert_spacing(const probe *p)
{
	assert_int_equal(p->pts[0], 0);
	for (int i = 1; i < p->nframes; i++)
		if (p->pts[i] - p->pts[i - 1] != FRAME)
			fail_msg("frames %d-%d are %lld us apart", i - 1, i,
			    (long long)(p->pts[i] - p->pts[i - 1]));
}

static unsigned char *
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
static int64_t
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

static ex_media_range
range_of(ex_instant from, ex_instant to)
{
	ex_media_range r = { from, to, 0, "Europe/London" };

	return r;
}

static ex_media_working_options
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

static ex_media_result *
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

static ex_media_result *
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

/* ---- working ---------------------------------------------------------- */

static void
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

static int
same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	unsigned char *ba = slurp(a, &la), *bb = slurp(b, &lb);
	int same = la == lb && memcmp(ba, bb, la) == 0;

	free(ba);
	free(bb);
	return same;
}

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

typedef struct progress_state {
	int calls;
	int64_t last_done, last_expected;
	pthread_t caller;
	int sleep_first_usec;     /* hold the encoding thread up once */
} progress_state;

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

/* ---- stills ------------------------------------------------------------ */

typedef struct still_probe {
	int width, height;
	enum AVPixelFormat fmt;
	int code;                 /* band code */
	int corner;               /* red at (2, 2): inside the burn-in box */
	int corner_max;
} still_probe;

static void
probe_still(const char *path, still_probe *sp)
{
	AVFormatContext *fmt = NULL;
	AVCodecContext *dec;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *fr = av_frame_alloc();

	memset(sp, 0, sizeof(*sp));
	assert_int_equal(avformat_open_input(&fmt, path, NULL, NULL), 0);
	assert_true(avformat_find_stream_info(fmt, NULL) >= 0);
	assert_int_equal(fmt->streams[0]->codecpar->codec_id, AV_CODEC_ID_PNG);
	dec = avcodec_alloc_context3(avcodec_find_decoder(AV_CODEC_ID_PNG));
	avcodec_parameters_to_context(dec, fmt->streams[0]->codecpar);
	assert_int_equal(avcodec_open2(dec, dec->codec, NULL), 0);
	assert_true(av_read_frame(fmt, pkt) >= 0);
	assert_int_equal(avcodec_send_packet(dec, pkt), 0);
	assert_int_equal(avcodec_receive_frame(dec, fr), 0);
	sp->width = fr->width;
	sp->height = fr->height;
	sp->fmt = fr->format;
	if (fr->format == AV_PIX_FMT_RGB24) {
		int y = fr->height - fr->height / 16;

		/* The band is grey: its red channel reads like luma. */
		for (int bit = 0; bit < 12; bit++) {
			int x = (2 * bit + 1) * fr->width / 24;

			if (fr->data[0][y * fr->linesize[0] + 3 * x] > 128)
				sp->code |= 1 << bit;
		}
		sp->corner = fr->data[0][2 * fr->linesize[0] + 3 * 2];
		for (int yy = 0; yy < 20; yy++)
			for (int x = 0; x < 60; x++)
				if (fr->data[0][yy * fr->linesize[0] + 3 * x] >
				    sp->corner_max)
					sp->corner_max = fr->data[0][yy *
					    fr->linesize[0] + 3 * x];
	}
	avcodec_free_context(&dec);
	avformat_close_input(&fmt);
	av_packet_free(&pkt);
	av_frame_free(&fr);
}

static int
file_holds(const char *path, const void *needle, size_t n)
{
	size_t len;
	unsigned char *b = slurp(path, &len);
	int found = 0;

	for (size_t i = 0; !found && i + n <= len; i++)
		found = memcmp(b + i, needle, n) == 0;
	free(b);
	return found;
}

static ex_media_result *
still_ok(const set *s, ex_media_range r, ex_instant at, const char *dir,
    const char *base)
{
	ex_media_working_options o = wopts(0);
	ex_media_result *res = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_media_still(s->segs, s->n, &r, at, &o, dir, base, &res,
	    &err) != EX_OK)
		fail_msg("still: %s", err.message);
	assert_non_null(res);
	return res;
}

static void
test_still_frame_and_burn_in(void **state)
{
	/* Recorder 250 ms fast.  True T0 + 5.000 s is recorder 5.250 s: the
	 * frame on screen is 131 (recorder 5.24 s, true 4.99 s), in the
	 * second segment, reached by a seek. */
	const char *dir = outdir("still1");
	ex_media_range r = range_of(T0, T0 + 16 * SEC);
	static const char itxt[] = "iTXtBurned-in text\0\0\0\0\0"
	    "CAM1 High Street North   Exhibit ABC/1\n"
	    "2024-10-27 01:59:54.990 BST\n"
	    "recorder clock corrected by -0.250 s";
	ex_media_result *res;
	ex_media_file *f;
	still_probe sp;
	char path[600];

	(void)state;
	r.clock_offset = 250 * MS;
	res = still_ok(&h264, r, T0 + 5 * SEC, dir, "shot");
	assert_int_equal(res->nfiles, 1);
	f = &res->files[0];
	assert_string_equal(f->name, "shot.png");
	snprintf(path, sizeof(path), "%s/shot.png", dir);
	assert_string_equal(f->path, path);
	assert_string_equal(f->codec, "png");
	assert_int_equal(f->frames, 1);
	assert_int_equal(f->width, 320);
	assert_int_equal(f->height, 180);
	assert_int_equal(f->first_recorder, T0 + 5240 * MS);
	assert_int_equal(f->first_true, T0 + 4990 * MS);
	assert_int_equal(f->last_true, T0 + 4990 * MS);
	assert_int_equal(f->end_true, T0 + 5030 * MS);
	assert_int_equal(res->actual_from, T0 + 4990 * MS);
	assert_int_equal(res->actual_to, T0 + 5030 * MS);
	assert_int_equal(f->nsources, 1);
	assert_string_equal(f->sources[0], "cam1/01.mp4");
	assert_int_equal(res->nproblems, 0);
	probe_still(path, &sp);
	assert_int_equal(sp.width, 320);
	assert_int_equal(sp.height, 180);
	assert_int_equal(sp.fmt, AV_PIX_FMT_RGB24);
	assert_int_equal(sp.code, 131);
	assert_true(sp.corner < 30);       /* the box is drawn ... */
	assert_true(sp.corner_max > 220);  /* ... with white text */
	/* The PNG records exactly the lines drawn. */
	assert_true(file_holds(path, itxt, sizeof(itxt) - 1));
	assert_int_equal(count_files(dir), 1);
	ex_media_result_free(&res);
}

static void
test_still_boundaries(void **state)
{
	const char *dir = outdir("still2");
	ex_media_range r = range_of(T0, T0 + 24 * SEC);
	ex_media_result *res;
	still_probe sp;

	(void)state;
	/* Exactly at a frame: that frame; a microsecond before: the one
	 * before it. */
	res = still_ok(&h264, r, T0 + 131 * FRAME, dir, "a");
	assert_int_equal(res->files[0].first_true, T0 + 131 * FRAME);
	probe_still(res->files[0].path, &sp);
	assert_int_equal(sp.code, 131);
	ex_media_result_free(&res);
	res = still_ok(&h264, r, T0 + 131 * FRAME - 1, dir, "b");
	probe_still(res->files[0].path, &sp);
	assert_int_equal(sp.code, 130);
	ex_media_result_free(&res);
	/* The last frame before the 4-second hole lasts until 16 s. */
	res = still_ok(&h264, r, T0 + 16 * SEC - 1, dir, "c");
	probe_still(res->files[0].path, &sp);
	assert_int_equal(sp.code, 399);
	assert_string_equal(res->files[0].sources[0], "cam1/03.mp4");
	ex_media_result_free(&res);
	/* In the hole: no picture, no file, no failure. */
	res = still_ok(&h264, r, T0 + 16 * SEC, dir, "d");
	assert_int_equal(res->nfiles, 0);
	assert_int_equal(res->actual_from, EX_INSTANT_NONE);
	ex_media_result_free(&res);
	res = still_ok(&h264, r, T0 + 18 * SEC, dir, "e");
	assert_int_equal(res->nfiles, 0);
	ex_media_result_free(&res);
	/* B-frames in Matroska, mid-GOP after a seek. */
	res = still_ok(&mkv_bframes, r, T0 + 2730 * MS, dir, "f");
	probe_still(res->files[0].path, &sp);
	assert_int_equal(sp.code, 68);
	ex_media_result_free(&res);
	/* MPEG-TS (no index: decoded from the start of the segment). */
	res = still_ok(&ts, r, T0 + 6 * SEC + 10 * MS, dir, "g");
	probe_still(res->files[0].path, &sp);
	assert_int_equal(sp.code, 150);
	ex_media_result_free(&res);
	/* Full-range and 4:2:2 sources: drawn in their own format. */
	res = still_ok(&fullrange, r, T0 + 500 * MS, dir, "h");
	probe_still(res->files[0].path, &sp);
	assert_int_equal(sp.code, 12);
	assert_true(sp.corner < 30 && sp.corner_max > 220);
	ex_media_result_free(&res);
	res = still_ok(&chroma422, r, T0 + 500 * MS, dir, "i");
	probe_still(res->files[0].path, &sp);
	assert_int_equal(sp.code, 12);
	assert_true(sp.corner < 30 && sp.corner_max > 220);
	ex_media_result_free(&res);
	assert_int_equal(count_files(dir), 7);    /* a-c, f-i */
}

static void
test_still_damage_and_refusals(void **state)
{
	const char *dir = outdir("still3");
	ex_media_range r = range_of(T0, T0 + 8 * SEC);
	ex_media_working_options o = wopts(0);
	ex_media_result *res = NULL;
	ex_error err;
	char path[600];
	size_t len;
	unsigned char *b;

	(void)state;
	ex_error_clear(&err);
	/* Only a broken recording at that time: reported, no still. */
	res = still_ok(&damaged, r, T0 + 2 * SEC, dir, "broken");
	assert_int_equal(res->nfiles, 0);
	assert_int_equal(res->nproblems, 1);
	assert_true(res->problems[0].skipped);
	assert_non_null(strstr(res->problems[0].message, "segment skipped"));
	ex_media_result_free(&res);
	/* Outside the range: a usage error. */
	assert_int_equal(ex_media_still(h264.segs, h264.n, &r, T0 + 8 * SEC,
	    &o, dir, "late", &res, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "outside the range"));
	assert_null(res);
	/* Never overwrites. */
	snprintf(path, sizeof(path), "%s/kept.png", dir);
	run("echo keep > '%s'", path);
	assert_int_equal(ex_media_still(h264.segs, h264.n, &r, T0 + SEC, &o,
	    dir, "kept", &res, &err), EX_ERR_EXISTS);
	assert_non_null(strstr(err.message, "already exists"));
	assert_null(res);
	b = slurp(path, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(b, "keep\n", 5);
	free(b);
	/* A name that is not a file name. */
	assert_int_equal(ex_media_still(h264.segs, h264.n, &r, T0 + SEC, &o,
	    dir, "a/b", &res, &err), EX_ERR_USAGE);
	assert_int_equal(count_files(dir), 1);
}

/* ---- decoding and encoding threads ------------------------------------- */

static void
test_working_same_bytes_however_threads_interleave(void **state)
{
	/* The encoding thread held up at its first frame lets the decoding
	 * thread fill the queue and wait: a different interleaving, the same
	 * bytes as a run without the hold-up. */
	ex_media_working_options o = wopts(0);
	ex_media_range r = range_of(T0 + 2300 * MS, T0 + 5100 * MS);
	progress_state ps = { 0, 0, 0, pthread_self(), 300000 };
	ex_media_control ctl = { on_progress, &ps, NULL };
	ex_media_result *a = NULL, *b = NULL;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	o.threads = 2;
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o,
	    outdir("interleave1"), "clip", NULL, &a, &err), EX_OK);
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o,
	    outdir("interleave2"), "clip", &ctl, &b, &err), EX_OK);
	assert_true(ps.calls >= 2);
	assert_int_equal(a->nfiles, 1);
	assert_int_equal(b->nfiles, 1);
	assert_true(same_bytes(a->files[0].path, b->files[0].path));
	/* Across the segment boundary at 4 s: frames 58 .. 127. */
	check_working_file(&b->files[0], 58, 70);
	ex_media_result_free(&a);
	ex_media_result_free(&b);
}

static void
test_working_fails_mid_stream(void **state)
{
	/* The second output file exists: the encoding side fails while the
	 * decoding thread is ahead of it; the call stops that thread, keeps
	 * the file it did not write and deletes the one it did. */
	const char *dir = outdir("midfail");
	ex_media_working_options o = wopts(SEC);
	ex_media_range r = range_of(T0, T0 + 12 * SEC);
	ex_media_result *res = NULL;
	unsigned char *b;
	char path[600];
	ex_error err;
	size_t len;

	(void)state;
	ex_error_clear(&err);
	snprintf(path, sizeof(path), "%s/clip-002.mp4", dir);
	run("echo keep > '%s'", path);
	assert_int_equal(ex_media_working(h264.segs, h264.n, &r, &o, dir,
	    "clip", NULL, &res, &err), EX_ERR_EXISTS);
	assert_non_null(strstr(err.message, "clip-002.mp4: already exists"));
	assert_null(res);
	assert_int_equal(count_files(dir), 1);
	b = slurp(path, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(b, "keep\n", 5);
	free(b);
}

/* A producer of numbered items (rec = 0, 1, ...) into a queue. */
typedef struct producer {
	media_queue *q;
	int total;
	pthread_mutex_t lock;
	int pushed;               /* items accepted so far */
	int refused;              /* a push failed */
	ex_status finish_with;
} producer;

static void *
produce(void *arg)
{
	producer *p = arg;
	ex_error err;

	for (int i = 0; i < p->total; i++) {
		media_item it;

		memset(&it, 0, sizeof(it));
		it.rec = i;
		it.pic = av_frame_alloc();   /* owned by the queue once pushed */
		if (media_queue_push(p->q, &it) != 0) {
			av_frame_free(&it.pic);
			pthread_mutex_lock(&p->lock);
			p->refused = 1;
			pthread_mutex_unlock(&p->lock);
			break;
		}
		assert_null(it.pic);
		pthread_mutex_lock(&p->lock);
		p->pushed++;
		pthread_mutex_unlock(&p->lock);
	}
	ex_error_clear(&err);
	if (p->finish_with != EX_OK)
		ex_error_set(&err, p->finish_with, "decoder gave up");
	media_queue_finish(p->q, p->finish_with, &err);
	return NULL;
}

static int
pushed_so_far(producer *p)
{
	int n;

	pthread_mutex_lock(&p->lock);
	n = p->pushed;
	pthread_mutex_unlock(&p->lock);
	return n;
}

static void
test_queue_bounded_in_order(void **state)
{
	producer p = { NULL, 40, PTHREAD_MUTEX_INITIALIZER, 0, 0,
	    EX_ERR_MEDIA };
	media_item it;
	ex_status st;
	pthread_t tid;
	ex_error err;
	int n = 0;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(media_queue_new(0, &p.q, &err), EX_ERR_USAGE);
	assert_null(p.q);
	assert_int_equal(media_queue_new(3, &p.q, &err), EX_OK);
	assert_int_equal(pthread_create(&tid, NULL, produce, &p), 0);
	/* Nobody takes: the producer stops at the capacity and waits.  Wait
	 * (up to 30 s, for a loaded machine) until it has filled the queue,
	 * then give it time to push more if the queue let it. */
	for (int i = 0; pushed_so_far(&p) < 3 && i < 30000; i++)
		usleep(1000);
	usleep(100000);
	assert_int_equal(pushed_so_far(&p), 3);
	/* Everything comes out once, in order, then the producer's outcome. */
	while (media_queue_pop(p.q, &it, &st, &err)) {
		assert_int_equal(st, EX_OK);
		assert_int_equal(it.rec, n);
		assert_non_null(it.pic);
		av_frame_free(&it.pic);
		n++;
	}
	assert_int_equal(n, 40);
	assert_int_equal(st, EX_ERR_MEDIA);
	assert_string_equal(err.message, "decoder gave up");
	/* And again: the end stays the end. */
	assert_int_equal(media_queue_pop(p.q, &it, &st, &err), 0);
	assert_int_equal(st, EX_ERR_MEDIA);
	pthread_join(tid, NULL);
	assert_false(p.refused);
	media_queue_free(&p.q);
	assert_null(p.q);
	media_queue_free(&p.q);     /* NULL is fine */
	media_queue_free(NULL);
}

static void
test_queue_close_stops_producer(void **state)
{
	producer p = { NULL, 1000, PTHREAD_MUTEX_INITIALIZER, 0, 0, EX_OK };
	media_item it;
	ex_status st;
	pthread_t tid;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(media_queue_new(2, &p.q, &err), EX_OK);
	assert_int_equal(pthread_create(&tid, NULL, produce, &p), 0);
	assert_int_equal(media_queue_pop(p.q, &it, &st, &err), 1);
	assert_int_equal(it.rec, 0);
	av_frame_free(&it.pic);
	/* The consumer gives up with items queued and the producer blocked:
	 * the producer is woken, its push fails, it ends; the queued
	 * frames are freed (the sanitizer build would see a leak).  Wait
	 * (up to 30 s) until the queue is full again (item 0 taken, 1 and 2
	 * queued), so the producer is blocked even on a loaded machine. */
	for (int i = 0; pushed_so_far(&p) < 3 && i < 30000; i++)
		usleep(1000);
	usleep(50000);
	media_queue_close(p.q);
	pthread_join(tid, NULL);
	assert_true(p.refused);
	assert_true(pushed_so_far(&p) < 1000);
	media_queue_free(&p.q);
}

static void
test_picpool_reuses_buffers(void **state)
{
	media_picpool *pool = NULL;
	AVFrame *a = NULL, *b = NULL;
	uint8_t *first;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(media_picpool_get(&pool, 100, 50, &a, &err),
	    EX_OK);
	assert_non_null(pool);
	assert_int_equal(a->format, AV_PIX_FMT_YUV420P);
	assert_int_equal(a->width, 100);
	assert_int_equal(a->height, 50);
	assert_true(av_frame_is_writable(a));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(a->linesize[i] % 64, 0);
		assert_true(a->linesize[i] >= (i == 0 ? 100 : 50));
	}
	/* The planes follow each other inside one buffer. */
	assert_true(a->data[1] >= a->data[0] + 50 * a->linesize[0]);
	assert_true(a->data[2] >= a->data[1] + 25 * a->linesize[1]);
	memset(a->data[0], 235, (size_t)(50 * a->linesize[0]));
	first = a->data[0];
	/* Held: another buffer.  Returned: the same one again. */
	assert_int_equal(media_picpool_get(&pool, 100, 50, &b, &err),
	    EX_OK);
	assert_ptr_not_equal(b->data[0], first);
	av_frame_free(&b);
	av_frame_free(&a);
	assert_int_equal(media_picpool_get(&pool, 100, 50, &a, &err),
	    EX_OK);
	/* The buffer last returned, as it was left: not fresh (zeroed,
	 * faulted-in) memory. */
	assert_ptr_equal(a->data[0], first);
	assert_int_equal(a->data[0][49 * a->linesize[0] + 99], 235);
	/* A frame referenced elsewhere is not writable. */
	b = av_frame_clone(a);
	assert_non_null(b);
	assert_false(av_frame_is_writable(a));
	av_frame_free(&b);
	/* Another size: a new pool; the old buffer outlives its pool. */
	assert_int_equal(media_picpool_get(&pool, 64, 36, &b, &err),
	    EX_OK);
	assert_int_equal(b->width, 64);
	media_picpool_free(&pool);
	assert_null(pool);
	a->data[0][0] = 1;
	b->data[0][0] = 1;
	av_frame_free(&a);
	av_frame_free(&b);
	media_picpool_free(&pool);
	assert_int_equal(media_picpool_get(&pool, 0, 36, &a, &err),
	    EX_ERR_MEDIA);
	assert_non_null(strstr(err.message, "bad picture size 0x36"));
	assert_null(a);
}

static void
test_decoder_threads_from_budget(void **state)
{
	/* One decoder thread per four of the budget, 1 to 2: decoding runs
	 * beside the encoder and needs only a fraction of the cores. */
	static const int budget[] = { 0, 1, 2, 7, 8, 11, 12, 64 };
	static const int want[] = { 1, 1, 1, 1, 2, 2, 2, 2 };
	media_in *in = NULL;
	AVCodecContext *dec = NULL;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(media_in_open(&h264.segs[0], &in, &err), EX_OK);
	for (size_t i = 0; i < sizeof(budget) / sizeof(budget[0]); i++) {
		assert_int_equal(media_decoder_open(in, budget[i], &dec,
		    &err), EX_OK);
		if (dec->thread_count != want[i])
			fail_msg("budget %d: %d decoder threads, expected %d",
			    budget[i], dec->thread_count, want[i]);
		avcodec_free_context(&dec);
	}
	media_in_close(&in);
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

/*
 * test_media_still.c — stills (frame, burn-in, boundaries, damage) and
 * the decoding and encoding threads (same bytes however they interleave,
 * the bounded queue, the picture pool, the thread budget); part of the
 * test_media program (main, the clips and the probes: test_media.c).
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

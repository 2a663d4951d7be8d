/*
 * working.c — the frame-accurate working copy: decode, burn in, encode.
 *
 * Two threads share the work, joined by a small bounded frame queue
 * (queue.c).  A decoding thread: demux → decode → select by true time →
 * copy into a pooled yuv420p picture (or convert) → overlay; the calling
 * thread: split into files → libx264 → MP4, with the text drawn going, as
 * the frame's cue, into the MP4's subtitle track.  So decoding and the
 * burn-in run beside the encoder instead of between its frames.  Nothing
 * is buffered beyond QUEUE_FRAMES frames and what the codecs hold, so
 * memory does not grow with the range; the output does not depend on how
 * the two threads happen to interleave (only the encoder's thread count
 * matters).  Problems are recorded by the decoding thread only, files and
 * progress by the calling thread only (disjoint parts of the result).
 * A picture from a camera mounted on its side (a display matrix) is
 * turned upright before the burn-in, so the working copy needs no
 * rotation flag and its text reads level.  A frame is kept when from <= its true time < to, and only if it
 * is later than the last frame kept (segments that overlap do not repeat
 * footage).  Its output timestamp is its true time minus the file's first
 * frame's, so the source's frame spacing survives.  Each output file has
 * its own encoder, so each begins with an IDR frame.
 *
 * The first relevant segment of an indexed container (MP4, Matroska) is
 * entered by seeking to a keyframe a second before `from`; if the first
 * frame decoded after the seek is already past `from`, the segment is
 * decoded again from its beginning, so no frame is ever lost to a seek.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "exhibit/overlay.h"
#include "media/media_private.h"

#define SEEK_MARGIN_USEC EX_USEC_PER_SEC
#define TIME_BASE_90K ((AVRational){ 1, 90000 })
/* Frames between decoder and encoder: enough to ride out the encoder's
 * uneven pace, few enough to keep memory flat (3 MB each at 1080p). */
#define QUEUE_FRAMES 3

/* The decoding thread's state. */
typedef struct decoding {
	ex_overlay *ov;
	int ov_width, ov_height;  /* the picture size ov was made for */
	struct SwsContext *sws;
	enum AVPixelFormat sws_fmt;   /* what sws was made for */
	int sws_width, sws_height, sws_full;
	enum AVColorSpace sws_space, sws_srcspace;
	ex_media_picpool *pool;
	int rotation;             /* degrees clockwise the open segment's
	                             pictures are turned to stand upright
	                             (its display matrix): 0, 90, 180, 270 */
	ex_media_picpool *rpool;  /* turned pictures */
	ex_instant last_true;     /* last frame kept */
	ex_instant prev_end_rec;  /* end of the last frame kept (recorder) */
	ex_instant prev_dur;
	int split_pending;        /* a hole in the timeline: next frame starts a file */
	int64_t repeats;          /* frames of this segment already covered */
	/* The sound: the call's format (0 until a segment has sound), and
	 * the open segment's reader, its stream and why it has none. */
	int arate, achannels;
	ex_media_audio_in *ain;
	int aindex;
	const char *awhy;
} decoding;

typedef struct working {
	ex_media_job job;
	const char *preset;
	int crf, threads, overlay;
	int64_t segment_usec;
	const char *label;
	ex_instant from_rec, to_rec;
	const ex_segment *segs;
	size_t nsegs;
	ex_media_queue *q;
	decoding d;               /* decoding thread only */
	/* The calling (encoding) thread only.  The open output file: */
	ex_media_out *out;
	AVCodecContext *enc;
	ex_media_audio_out *aout; /* its sound, or NULL */
	int aout_rate;
	AVPacket *epkt;
	size_t file;              /* its index in job.res */
	ex_instant file_first_true;
	int width, height;
	enum AVPixelFormat src_fmt;
	ex_instant prev_dur;      /* duration of the last frame encoded */
} working;

/* ---- the encoding side (calling thread) ---------------------------------- */

static ex_status
drain_encoder(working *w, ex_error *err)
{
	char ebuf[128];
	ex_status st;
	int ret;

	for (;;) {
		ret = avcodec_receive_packet(w->enc, w->epkt);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return EX_OK;
		if (ret < 0)
			return ex_error_set(err, EX_ERR_MEDIA,
			    "H.264 encoder failed: %s",
			    ex_media_averr(ret, ebuf, sizeof(ebuf)));
		/* x264 does not know frame durations (the rate may vary); the
		 * MP4 muxer takes each sample's from the next one's dts, so this
		 * matters for the last: it lasts as long as its source frame. */
		if (w->epkt->duration <= 0)
			w->epkt->duration = av_rescale_q(w->prev_dur,
			    AV_TIME_BASE_Q, w->enc->time_base);
		st = ex_media_out_write(w->out, w->epkt, w->enc->time_base, err);
		av_packet_unref(w->epkt);
		if (st != EX_OK)
			return st;
	}
}

static void
drop_writer(working *w)
{
	ex_media_out_abort(&w->out);
	avcodec_free_context(&w->enc);
	ex_media_audio_out_free(&w->aout);
}

static ex_status
finish_writer(working *w, ex_error *err)
{
	char ebuf[128];
	ex_status st;
	int ret;

	if (w->out == NULL)
		return EX_OK;
	ret = avcodec_send_frame(w->enc, NULL);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "H.264 encoder flush: %s",
		    ex_media_averr(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	st = drain_encoder(w, err);
	if (st != EX_OK)
		goto out;
	if (w->aout != NULL &&
	    (st = ex_media_audio_out_finish(w->aout, w->out, err)) != EX_OK)
		goto out;
	st = ex_media_out_finish(&w->out, err);
out:
	drop_writer(w);
	return st;
}

/* Record in f what became of every stream of the segment the file starts
 * with: the picture re-encoded as H.264, the main sound (when the file
 * has it) as AAC, the rest left out. */
static ex_status
describe_streams(working *w, ex_media_file *f, const ex_media_item *it,
    int audio_out, ex_error *err)
{
	ex_media_in *in = NULL;
	ex_error ierr;
	ex_status st = EX_OK;
	int aout_index = w->overlay ? 2 : 1;

	ex_error_clear(&ierr);
	if (ex_media_in_open(it->seg, &in, &ierr) != EX_OK)
		return EX_OK;   /* the decoding thread has read it: rare */
	for (unsigned i = 0; i < in->fmt->nb_streams && st == EX_OK; i++) {
		AVStream *s = in->fmt->streams[i];

		if ((int)i == in->index)
			st = ex_media_file_add_stream(f, s, EX_MEDIA_REENCODED,
			    0, "h264", "re-encoded as H.264 with the time "
			    "burned in", NULL, err);
		else if ((int)i == it->audio_index && audio_out)
			st = ex_media_file_add_stream(f, s, EX_MEDIA_REENCODED,
			    aout_index, "aac", "re-encoded as AAC, cut to the "
			    "copy's frames", NULL, err);
		else if ((int)i == it->audio_index)
			st = ex_media_file_add_stream(f, s, EX_MEDIA_LEFT_OUT,
			    -1, NULL, it->audio_why != NULL ? it->audio_why :
			    "the footage before it in this file has no sound",
			    NULL, err);
		else
			st = ex_media_file_add_stream(f, s, EX_MEDIA_LEFT_OUT,
			    -1, NULL, s->codecpar->codec_type ==
			    AVMEDIA_TYPE_AUDIO ? "a working copy carries one "
			    "sound track (the native copy and the original "
			    "keep this one)" : "a working copy carries the "
			    "picture and its sound only (the native copy or "
			    "the original keeps this stream)", NULL, err);
	}
	ex_media_in_close(&in);
	return st;
}

static ex_status
open_writer(working *w, const ex_media_item *it, ex_error *err)
{
	const AVFrame *pic = it->pic;
	AVCodecParameters *par = NULL;
	ex_media_file *f;
	char *path = NULL;
	ex_status st;

	st = ex_media_encoder_open(pic->width, pic->height, pic,
	    pic->sample_aspect_ratio, w->preset, w->crf, w->threads, &w->enc,
	    err);
	if (st != EX_OK)
		goto out;
	par = avcodec_parameters_alloc();
	if (par == NULL || avcodec_parameters_from_context(par, w->enc) < 0) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = ex_media_job_next_path(&w->job, &path, err);
	if (st != EX_OK)
		goto out;
	st = ex_media_out_create(path, par, w->enc->time_base, it->t,
	    w->overlay, &w->out, err);
	if (st != EX_OK)
		goto out;
	if (it->audio != NULL &&
	    (st = ex_media_audio_out_open(w->out, it->audio->sample_rate,
	    it->audio->ch_layout.nb_channels, &w->aout, err)) != EX_OK)
		goto out;
	w->aout_rate = it->audio != NULL ? it->audio->sample_rate : 0;
	if ((st = ex_media_out_start(w->out, err)) != EX_OK)
		goto out;
	st = ex_media_job_add_file(&w->job, path, "h264", pic->width,
	    pic->height, &f, err);
	path = NULL;    /* owned by the result now, or freed */
	if (st != EX_OK)
		goto out;
	if ((st = describe_streams(w, f, it, w->aout != NULL, err)) != EX_OK)
		goto out;
	w->file = w->job.res->nfiles - 1;
	w->file_first_true = it->t;
	w->width = pic->width;
	w->height = pic->height;
	w->src_fmt = it->src_fmt;
out:
	free(path);
	avcodec_parameters_free(&par);
	if (st != EX_OK)
		drop_writer(w);
	return st;
}

/* Encode one frame from the queue into the current file (starting a new
 * one when the frame asks for it, the file is full, or the picture
 * changed), and record it. */
static ex_status
encode_item(working *w, ex_media_item *it, ex_error *err)
{
	AVFrame *pic = it->pic;
	char ebuf[128];
	int64_t dur90k;
	ex_status st;
	int ret;

	if (w->out != NULL && (it->split ||
	    it->t - w->file_first_true >= w->segment_usec ||
	    pic->width != w->width || pic->height != w->height ||
	    it->src_fmt != w->src_fmt)) {
		st = finish_writer(w, err);
		if (st != EX_OK)
			return st;
	}
	if (w->out == NULL) {
		st = open_writer(w, it, err);
		if (st != EX_OK)
			return st;
	}
	pic->pts = av_rescale_q(it->t - w->file_first_true, AV_TIME_BASE_Q,
	    TIME_BASE_90K);
	if (it->has_cue) {
		dur90k = av_rescale_q(it->dur, AV_TIME_BASE_Q, TIME_BASE_90K);
		st = ex_media_out_cue(w->out, it->cue, pic->pts, dur90k,
		    TIME_BASE_90K, err);
		if (st != EX_OK)
			return st;
	}
	pic->pict_type = AV_PICTURE_TYPE_NONE;  /* let x264 choose */
	w->prev_dur = it->dur;
	ret = avcodec_send_frame(w->enc, pic);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "H.264 encoder: %s",
		    ex_media_averr(ret, ebuf, sizeof(ebuf)));
	st = drain_encoder(w, err);
	if (st != EX_OK)
		return st;
	/* The frame's sound; silence for a frame from footage without. */
	if (w->aout != NULL && (st = ex_media_audio_out_write(w->aout, w->out,
	    it->audio, it->audio != NULL ? 0 : av_rescale(it->dur,
	    w->aout_rate, EX_USEC_PER_SEC), err)) != EX_OK)
		return st;
	st = ex_media_file_add_source(&w->job.res->files[w->file], it->seg,
	    err);
	if (st != EX_OK)
		return st;
	ex_media_file_add_frame(&w->job.res->files[w->file], it->rec, it->dur,
	    w->job.range->clock_offset);
	w->job.done++;
	ex_media_job_progress(&w->job, 0);
	return EX_OK;
}

/* ---- the decoding side (its own thread) ---------------------------------- */

/*
 * The colour description a working copy carries: the source's primaries,
 * transfer and matrix where it states them; where it does not, what
 * players assume from the picture size: BT.709 for HD (wider than 1024 or
 * taller than 576 lines), BT.601 for SD (the 625-line variant, BT.470BG
 * primaries and matrix, for 576- and 288-line pictures; the 525-line
 * SMPTE 170M one otherwise).  The range is always limited (TV).
 */
static void
working_colours(const AVFrame *frame, AVFrame *p)
{
	int hd = frame->width > 1024 || frame->height > 576;
	int pal = frame->height == 576 || frame->height == 288;

	p->color_range = AVCOL_RANGE_MPEG;
	p->color_primaries = frame->color_primaries;
	p->color_trc = frame->color_trc;
	p->colorspace = frame->colorspace;
	if (p->color_primaries == AVCOL_PRI_UNSPECIFIED ||
	    p->color_primaries == AVCOL_PRI_RESERVED ||
	    p->color_primaries == AVCOL_PRI_RESERVED0)
		p->color_primaries = hd ? AVCOL_PRI_BT709 : pal ?
		    AVCOL_PRI_BT470BG : AVCOL_PRI_SMPTE170M;
	if (p->color_trc == AVCOL_TRC_UNSPECIFIED ||
	    p->color_trc == AVCOL_TRC_RESERVED ||
	    p->color_trc == AVCOL_TRC_RESERVED0)
		p->color_trc = hd ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M;
	if (p->colorspace == AVCOL_SPC_UNSPECIFIED ||
	    p->colorspace == AVCOL_SPC_RESERVED ||
	    p->colorspace == AVCOL_SPC_RGB)
		p->colorspace = hd ? AVCOL_SPC_BT709 : pal ?
		    AVCOL_SPC_BT470BG : AVCOL_SPC_SMPTE170M;
}

/* Is the decoded picture full range (yuvj*, or tagged so)? */
static int
full_range(const AVFrame *frame)
{
	switch (frame->format) {
	case AV_PIX_FMT_YUVJ420P:
	case AV_PIX_FMT_YUVJ422P:
	case AV_PIX_FMT_YUVJ440P:
	case AV_PIX_FMT_YUVJ444P:
	case AV_PIX_FMT_YUVJ411P:
		return 1;
	default:
		return frame->color_range == AVCOL_RANGE_JPEG;
	}
}

/* The converter for frame's format, size and range into limited-range
 * yuv420p, made anew only when one of those (or the matrix) changes.
 * swscale is told both ranges, so full-range levels (0-255) are mapped
 * onto limited ones (16-235, chroma 16-240); an RGB source is converted
 * with the matrix the copy is tagged with. */
static ex_status
converter(decoding *d, const AVFrame *frame, const AVFrame *p,
    ex_error *err)
{
	int full = full_range(frame);
	enum AVColorSpace srcspace =
	    frame->colorspace == AVCOL_SPC_UNSPECIFIED ?
	    p->colorspace : frame->colorspace;
	enum AVPixelFormat fmt = frame->format;

	if (d->sws != NULL && d->sws_fmt == fmt &&
	    d->sws_width == frame->width && d->sws_height == frame->height &&
	    d->sws_full == full && d->sws_space == p->colorspace &&
	    d->sws_srcspace == srcspace)
		return EX_OK;
	sws_freeContext(d->sws);
	/* yuvj* are yuv* with a full range: name the range, not the format
	 * (swscale warns about the deprecated formats). */
	switch (fmt) {
	case AV_PIX_FMT_YUVJ420P: fmt = AV_PIX_FMT_YUV420P; break;
	case AV_PIX_FMT_YUVJ422P: fmt = AV_PIX_FMT_YUV422P; break;
	case AV_PIX_FMT_YUVJ440P: fmt = AV_PIX_FMT_YUV440P; break;
	case AV_PIX_FMT_YUVJ444P: fmt = AV_PIX_FMT_YUV444P; break;
	case AV_PIX_FMT_YUVJ411P: fmt = AV_PIX_FMT_YUV411P; break;
	default: break;
	}
	/* The ranges are options set before the context is initialised:
	 * set afterwards (sws_setColorspaceDetails) they would not reach the
	 * plain-copy path swscale picks for equal formats. */
	d->sws = sws_alloc_context();
	if (d->sws == NULL ||
	    av_opt_set_int(d->sws, "srcw", frame->width, 0) < 0 ||
	    av_opt_set_int(d->sws, "srch", frame->height, 0) < 0 ||
	    av_opt_set_int(d->sws, "src_format", fmt, 0) < 0 ||
	    av_opt_set_int(d->sws, "dstw", frame->width, 0) < 0 ||
	    av_opt_set_int(d->sws, "dsth", frame->height, 0) < 0 ||
	    av_opt_set_int(d->sws, "dst_format", AV_PIX_FMT_YUV420P, 0) < 0 ||
	    av_opt_set_int(d->sws, "sws_flags", SWS_BICUBIC |
	    SWS_ACCURATE_RND | SWS_BITEXACT, 0) < 0 ||
	    av_opt_set_int(d->sws, "src_range", full, 0) < 0 ||
	    av_opt_set_int(d->sws, "dst_range", 0, 0) < 0 ||
	    sws_init_context(d->sws, NULL, NULL) < 0 ||
	    sws_setColorspaceDetails(d->sws, sws_getCoefficients(srcspace),
	    full, sws_getCoefficients(p->colorspace), 0, 0, 1 << 16,
	    1 << 16) < 0) {
		sws_freeContext(d->sws);
		d->sws = NULL;
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "cannot convert %s%s pictures to limited-range yuv420p",
		    av_get_pix_fmt_name(frame->format),
		    full ? " (full range)" : "");
	}
	d->sws_fmt = frame->format;
	d->sws_width = frame->width;
	d->sws_height = frame->height;
	d->sws_full = full;
	d->sws_space = p->colorspace;
	d->sws_srcspace = srcspace;
	return EX_OK;
}

/* The frame as a writable limited-range yuv420p picture of its own, from
 * the pool: the decoder keeps references to its pictures, so they are
 * copied (limited-range yuv420p) or converted (anything else) rather than
 * drawn on. */
static ex_status
to_yuv420p(working *w, AVFrame *frame, AVFrame **pic, ex_error *err)
{
	decoding *d = &w->d;
	AVFrame *p = NULL;
	char ebuf[128];
	ex_status st;
	int ret;

	*pic = NULL;
	st = ex_media_picpool_get(&d->pool, frame->width, frame->height, &p,
	    err);
	if (st != EX_OK)
		return st;
	ret = av_frame_copy_props(p, frame);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "frame properties: %s",
		    ex_media_averr(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	working_colours(frame, p);
	if (frame->format == AV_PIX_FMT_YUV420P && !full_range(frame)) {
		ret = av_frame_copy(p, frame);
		if (ret < 0) {
			st = ex_error_set(err, EX_ERR_MEDIA, "frame copy: %s",
			    ex_media_averr(ret, ebuf, sizeof(ebuf)));
			goto out;
		}
	} else {
		st = converter(d, frame, p, err);
		if (st != EX_OK)
			goto out;
		sws_scale(d->sws, (const uint8_t *const *)frame->data,
		    frame->linesize, 0, frame->height, p->data, p->linesize);
	}
	*pic = p;
	p = NULL;
out:
	av_frame_free(&p);
	return st;
}

/*
 * How far a stream's pictures must be turned, clockwise, to stand as the
 * camera meant them: its display matrix (a camera mounted on its side)
 * read as FFmpeg's own player does, to the nearest quarter turn.
 */
static int
stream_rotation(const AVStream *st)
{
	const int32_t *m = (const int32_t *)av_stream_get_side_data(st,
	    AV_PKT_DATA_DISPLAYMATRIX, NULL);
	double theta;
	int q;

	if (m == NULL)
		return 0;
	theta = -av_display_rotation_get(m) / 90.0;
	if (theta != theta)     /* NaN: not a rotation */
		return 0;
	q = (int)(theta < 0 ? theta - 0.5 : theta + 0.5) % 4;
	return (q < 0 ? q + 4 : q) * 90;
}

/* One plane turned: src w x h into dst (h x w for a quarter turn). */
static void
turn_plane(const uint8_t *src, int sstride, int w, int h, uint8_t *dst,
    int dstride, int rotation)
{
	int x, y;

	for (y = 0; y < h; y++) {
		const uint8_t *row = src + (size_t)y * sstride;

		for (x = 0; x < w; x++) {
			uint8_t v = row[x];

			if (rotation == 90)             /* clockwise */
				dst[(size_t)x * dstride + (h - 1 - y)] = v;
			else if (rotation == 270)       /* anticlockwise */
				dst[(size_t)(w - 1 - x) * dstride + y] = v;
			else                            /* half turn */
				dst[(size_t)(h - 1 - y) * dstride +
				    (w - 1 - x)] = v;
		}
	}
}

/* Turn *pic (yuv420p) upright by d->rotation into a picture of its own;
 * the burn-in is then drawn on the upright picture. */
static ex_status
upright(decoding *d, AVFrame **pic, ex_error *err)
{
	AVFrame *in = *pic, *out = NULL;
	int quarter = d->rotation != 180, i;
	ex_status st;

	st = ex_media_picpool_get(&d->rpool, quarter ? in->height : in->width,
	    quarter ? in->width : in->height, &out, err);
	if (st != EX_OK)
		return st;
	if (av_frame_copy_props(out, in) < 0) {
		av_frame_free(&out);
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < 3; i++) {
		int w = i == 0 ? in->width : (in->width + 1) / 2;
		int h = i == 0 ? in->height : (in->height + 1) / 2;

		turn_plane(in->data[i], in->linesize[i], w, h, out->data[i],
		    out->linesize[i], d->rotation);
	}
	av_frame_free(pic);
	*pic = out;
	return EX_OK;
}

/* Draw the burn-in of a frame at true time t into it->pic, and keep the
 * same text as the frame's cue. */
static ex_status
burn_in(working *w, ex_media_item *it, ex_error *err)
{
	decoding *d = &w->d;
	AVFrame *pic = it->pic;
	ex_media_burn b;
	ex_status st;

	if (!w->overlay)
		return EX_OK;
	if (d->ov == NULL || pic->width != d->ov_width ||
	    pic->height != d->ov_height) {
		ex_overlay_free(&d->ov);
		st = ex_overlay_new(pic->width, pic->height, AV_PIX_FMT_YUV420P,
		    &d->ov, err);
		if (st != EX_OK)
			return st;
		d->ov_width = pic->width;
		d->ov_height = pic->height;
	}
	ex_media_burn_text(&b, w->job.range, w->label, it->t);
	st = ex_overlay_draw(d->ov, pic, b.lines, b.nlines, err);
	if (st != EX_OK)
		return st;
	snprintf(it->cue, sizeof(it->cue), "%s", b.record);
	it->has_cue = 1;
	return EX_OK;
}

/* Select a decoded frame by its true time; a frame kept is made into an
 * item (copied, burned in) and queued for the encoder.  *stop: the
 * encoding side has closed the queue. */
static ex_status
handle_frame(working *w, ex_media_in *in, const ex_segment *seg,
    AVFrame *frame, int *stop, ex_error *err)
{
	decoding *d = &w->d;
	int64_t ts = frame->best_effort_timestamp;
	ex_media_item it;
	ex_instant rec, t, dur;
	ex_status st;

	memset(&it, 0, sizeof(it));
	if (ts == AV_NOPTS_VALUE)
		ts = frame->pts;
	if (ts == AV_NOPTS_VALUE) {
		ex_media_job_problem(&w->job, seg, d->prev_end_rec, 0,
		    "decoded frame without a timestamp dropped");
		return EX_OK;
	}
	rec = ex_media_in_instant(in, ts);
	t = ex_time_recorder_to_true(rec, w->job.range->clock_offset);
	if (t < w->job.range->from || t >= w->job.range->to)
		return EX_OK;
	if (d->last_true != EX_INSTANT_NONE && t <= d->last_true) {
		d->repeats++;
		return EX_OK;
	}
	dur = frame->pkt_duration > 0 ?
	    av_rescale_q(frame->pkt_duration, in->tb, AV_TIME_BASE_Q) :
	    in->frame_usec;
	if (frame->decode_error_flags != 0 ||
	    (frame->flags & AV_FRAME_FLAG_CORRUPT))
		ex_media_job_problem(&w->job, seg, rec, 0,
		    "damaged frame (decoder concealed the errors)");
	it.seg = seg;
	it.rec = rec;
	it.t = t;
	it.dur = dur;
	it.src_fmt = frame->format;
	it.split = d->split_pending;
	d->split_pending = 0;
	st = to_yuv420p(w, frame, &it.pic, err);
	if (st == EX_OK && d->rotation != 0)
		st = upright(d, &it.pic, err);
	if (st == EX_OK)
		st = burn_in(w, &it, err);
	if (st != EX_OK)
		goto out;
	/* Its sound: the source's, or silence when this segment has none
	 * but earlier footage of the call had. */
	it.audio_index = d->aindex;
	it.audio_why = d->awhy;
	if (d->ain != NULL)
		st = ex_media_audio_take(d->ain, rec, dur, &it.audio, err);
	if (st != EX_OK)
		goto out;
	d->last_true = t;
	d->prev_end_rec = rec + dur;
	d->prev_dur = dur;
	if (ex_media_queue_push(w->q, &it) != 0)
		*stop = 1;
out:
	av_frame_free(&it.pic);
	av_frame_free(&it.audio);
	return st;
}

static ex_status
receive_frames(working *w, ex_media_in *in, const ex_segment *seg,
    AVCodecContext *dec, AVFrame *frame, int *seek_check, int *restart,
    int *stop, ex_error *err)
{
	char ebuf[128];
	ex_status st;
	int ret;

	for (;;) {
		ret = avcodec_receive_frame(dec, frame);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return EX_OK;
		if (ret < 0) {
			ex_media_job_problem(&w->job, seg, w->d.prev_end_rec, 0,
			    "decode error: %s",
			    ex_media_averr(ret, ebuf, sizeof(ebuf)));
			return EX_OK;
		}
		if (*seek_check) {
			int64_t ts = frame->best_effort_timestamp;

			*seek_check = 0;
			if (ts != AV_NOPTS_VALUE &&
			    ex_media_in_instant(in, ts) > w->from_rec) {
				*restart = 1;
				av_frame_unref(frame);
				return EX_OK;
			}
		}
		st = handle_frame(w, in, seg, frame, stop, err);
		av_frame_unref(frame);
		if (st != EX_OK || *stop)
			return st;
	}
}

/* Decode one segment; *restart asks the caller to decode it again from
 * its beginning (a seek landed after `from`). */
static ex_status
decode_segment(working *w, const ex_segment *seg, int allow_seek,
    int *restart, int *stop, ex_error *err)
{
	decoding *d = &w->d;
	ex_media_in *in = NULL;
	AVCodecContext *dec = NULL;
	AVPacket *pkt = NULL;
	AVFrame *frame = NULL;
	ex_error ierr;
	char ebuf[128];
	int seek_check = 0, ret;
	ex_status st = EX_OK;

	*restart = 0;
	d->repeats = 0;
	ex_error_clear(&ierr);
	if (ex_media_in_open(seg, &in, &ierr) != EX_OK ||
	    ex_media_decoder_open(in, w->threads, &dec, &ierr) != EX_OK) {
		ex_media_job_problem(&w->job, seg, EX_INSTANT_NONE, 1,
		    "segment skipped: %s", ierr.message);
		goto out;
	}
	pkt = av_packet_alloc();
	frame = av_frame_alloc();
	if (pkt == NULL || frame == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	d->rotation = stream_rotation(in->st);
	if (d->prev_end_rec != EX_INSTANT_NONE &&
	    seg->start - d->prev_end_rec > d->prev_dur / 2)
		d->split_pending = 1;
	st = ex_media_audio_open(seg, w->from_rec, allow_seek ? w->from_rec :
	    seg->start, &d->arate, &d->achannels, &d->aindex, &d->ain,
	    &d->awhy, err);
	if (st != EX_OK)
		goto out;
	if (allow_seek && in->indexed && in->first_pts != AV_NOPTS_VALUE &&
	    w->from_rec - SEEK_MARGIN_USEC > seg->start) {
		if (av_seek_frame(in->fmt, in->index,
		    ex_media_in_ts(in, w->from_rec - SEEK_MARGIN_USEC),
		    AVSEEK_FLAG_BACKWARD) >= 0)
			seek_check = 1;
		else
			*restart = 1;   /* position unknown: start over */
		if (*restart)
			goto out;
	}
	for (;;) {
		int64_t dts;

		if (ex_media_job_cancelled(&w->job)) {
			st = ex_error_set(err, EX_ERR_INTERRUPTED,
			    "working copy interrupted");
			goto out;
		}
		ret = av_read_frame(in->fmt, pkt);
		if (ret == AVERROR_EOF)
			break;
		if (ret < 0) {
			ex_media_job_problem(&w->job, seg, d->prev_end_rec, 0,
			    "read error: %s",
			    ex_media_averr(ret, ebuf, sizeof(ebuf)));
			break;
		}
		if (pkt->stream_index != in->index) {
			av_packet_unref(pkt);
			continue;
		}
		/* pts >= dts: once dts reaches `to`, no later frame is wanted.
		 * Without a dts, a keyframe shown at or after `to` ends it. */
		dts = pkt->dts;
		if ((dts != AV_NOPTS_VALUE &&
		    ex_media_in_instant(in, dts) >= w->to_rec) ||
		    (dts == AV_NOPTS_VALUE && pkt->pts != AV_NOPTS_VALUE &&
		    (pkt->flags & AV_PKT_FLAG_KEY) &&
		    ex_media_in_instant(in, pkt->pts) >= w->to_rec)) {
			av_packet_unref(pkt);
			break;
		}
		if (dts == AV_NOPTS_VALUE)
			dts = pkt->pts;
		if (pkt->flags & AV_PKT_FLAG_CORRUPT)
			ex_media_job_problem(&w->job, seg,
			    dts != AV_NOPTS_VALUE ?
			    ex_media_in_instant(in, dts) : EX_INSTANT_NONE, 0,
			    "corrupt packet");
		ret = avcodec_send_packet(dec, pkt);
		if (ret < 0 && ret != AVERROR(EAGAIN))
			ex_media_job_problem(&w->job, seg,
			    dts != AV_NOPTS_VALUE ?
			    ex_media_in_instant(in, dts) : EX_INSTANT_NONE, 0,
			    "decode error: %s",
			    ex_media_averr(ret, ebuf, sizeof(ebuf)));
		av_packet_unref(pkt);
		st = receive_frames(w, in, seg, dec, frame, &seek_check,
		    restart, stop, err);
		if (st != EX_OK || *restart || *stop)
			goto out;
	}
	ret = avcodec_send_packet(dec, NULL);
	if (ret >= 0)
		st = receive_frames(w, in, seg, dec, frame, &seek_check,
		    restart, stop, err);
	if (st == EX_OK && !*restart && !*stop && d->repeats > 0)
		ex_media_job_problem(&w->job, seg, EX_INSTANT_NONE, 0,
		    "%lld frames overlapping earlier footage not repeated",
		    (long long)d->repeats);
out:
	ex_media_audio_close(&d->ain);
	av_frame_free(&frame);
	av_packet_free(&pkt);
	avcodec_free_context(&dec);
	ex_media_in_close(&in);
	return st;
}

/* The decoding thread: every relevant segment in turn, then the end (and
 * its outcome) into the queue. */
static void *
decode_all(void *arg)
{
	working *w = arg;
	int first = 1, restart = 0, stop = 0;
	ex_status st = EX_OK;
	ex_error err;

	ex_error_clear(&err);
	for (size_t i = 0; i < w->nsegs && !stop; i++) {
		const ex_segment *seg = &w->segs[i];

		if (!ex_media_seg_relevant(seg, w->from_rec, w->to_rec))
			continue;
		st = decode_segment(w, seg, first, &restart, &stop, &err);
		if (st == EX_OK && restart && !stop)
			st = decode_segment(w, seg, 0, &restart, &stop, &err);
		if (st != EX_OK)
			break;
		first = 0;
	}
	ex_media_queue_finish(w->q, st, &err);
	ex_overlay_free(&w->d.ov);
	sws_freeContext(w->d.sws);
	w->d.sws = NULL;
	ex_media_picpool_free(&w->d.pool);
	ex_media_picpool_free(&w->d.rpool);
	return NULL;
}

/* ---- the job ------------------------------------------------------------- */

/* Take frames from the decoding thread and encode them until it ends. */
static ex_status
encode_all(working *w, ex_error *err)
{
	ex_media_item it;
	ex_status st = EX_OK;

	while (ex_media_queue_pop(w->q, &it, &st, err)) {
		if (ex_media_job_cancelled(&w->job))
			st = ex_error_set(err, EX_ERR_INTERRUPTED,
			    "working copy interrupted");
		else
			st = encode_item(w, &it, err);
		av_frame_free(&it.pic);
		av_frame_free(&it.audio);
		if (st != EX_OK)
			return st;
	}
	if (st != EX_OK)
		return st;
	return finish_writer(w, err);
}

ex_status
ex_media_working(const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, const ex_media_working_options *opts,
    const char *outdir, const char *base, const ex_media_control *ctl,
    ex_media_result **out, ex_error *err)
{
	working w;
	pthread_t decoder;
	int started = 0;
	ex_status st;

	memset(&w, 0, sizeof(w));
	if (out == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "media: no result");
	*out = NULL;
	st = ex_media_job_init(&w.job, segs, nsegs, range, outdir, base, ctl,
	    err);
	if (st != EX_OK)
		goto out;
	w.preset = opts != NULL && opts->preset != NULL ? opts->preset :
	    EX_MEDIA_DEFAULT_PRESET;
	w.crf = opts != NULL && opts->crf >= 0 ? opts->crf :
	    EX_MEDIA_DEFAULT_CRF;
	w.threads = opts != NULL && opts->threads > 0 ? opts->threads : 1;
	w.segment_usec = opts != NULL && opts->segment_usec > 0 ?
	    opts->segment_usec : EX_MEDIA_DEFAULT_SEGMENT_USEC;
	w.label = opts != NULL ? opts->label : NULL;
	w.overlay = opts == NULL || !opts->no_overlay;
	w.from_rec = ex_time_true_to_recorder(range->from, range->clock_offset);
	w.to_rec = ex_time_true_to_recorder(range->to, range->clock_offset);
	w.segs = segs;
	w.nsegs = nsegs;
	w.d.last_true = EX_INSTANT_NONE;
	w.d.prev_end_rec = EX_INSTANT_NONE;
	w.epkt = av_packet_alloc();
	if (w.epkt == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = ex_media_queue_new(QUEUE_FRAMES, &w.q, err);
	if (st != EX_OK)
		goto out;
	if (pthread_create(&decoder, NULL, decode_all, &w) != 0) {
		st = ex_error_set(err, EX_ERR_NOMEM,
		    "cannot start the decoding thread");
		goto out;
	}
	started = 1;
	st = encode_all(&w, err);
	if (st != EX_OK)
		goto out;
	if (w.job.res->nfiles > 0) {
		ex_media_result *res = w.job.res;

		res->actual_from = res->files[0].first_true;
		res->actual_to = res->files[res->nfiles - 1].end_true;
	}
	ex_media_job_progress(&w.job, 1);
out:
	if (started) {
		/* On failure this wakes and stops the decoding thread. */
		ex_media_queue_close(w.q);
		pthread_join(decoder, NULL);
	}
	if (st == EX_OK) {
		*out = w.job.res;
		w.job.res = NULL;
	}
	drop_writer(&w);
	ex_media_queue_free(&w.q);
	av_packet_free(&w.epkt);
	ex_media_job_fail(&w.job);
	return st;
}

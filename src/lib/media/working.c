/*
 * working.c — the frame-accurate working copy: decode, burn in, encode.
 *
 * Two threads share the work, joined by a small bounded frame queue
 * (queue.c).  A decoding thread (this file): demux → decode → select by
 * true time → copy into a pooled yuv420p picture (or convert, picture.c)
 * → overlay; the calling thread (working_encode.c): split into files →
 * libx264 → MP4, with the text drawn going, as the frame's cue, into the
 * MP4's subtitle track.  So decoding and the burn-in run beside the
 * encoder instead of between its frames.  Nothing is buffered beyond
 * QUEUE_FRAMES frames and what the codecs hold, so memory does not grow
 * with the range; the output does not depend on how the two threads
 * happen to interleave (only the encoder's thread count matters).
 * Problems are recorded by the decoding thread only, files and progress
 * by the calling thread only (disjoint parts of the result).  A picture
 * from a camera mounted on its side (a display matrix) is turned upright
 * before the burn-in, so the working copy needs no rotation flag and its
 * text reads level.  A frame is kept when from <= its true time < to, and
 * only if it is later than the last frame kept (segments that overlap do
 * not repeat footage).  Its output timestamp is its true time minus the
 * file's first frame's, so the source's frame spacing survives.
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

#include "media/working_private.h"

/* Frames between decoder and encoder: enough to ride out the encoder's
 * uneven pace, few enough to keep memory flat (3 MB each at 1080p). */
#define QUEUE_FRAMES 3

/* ---- the decoding side (its own thread) ---------------------------------- */

/* Draw the masks, then the burn-in above them, of a frame at true time t
 * into it->pic, and keep the burn-in's text as the frame's cue. */
static ex_status
burn_in(media_working *w, media_item *it, ex_error *err)
{
	media_decoding *d = &w->d;
	AVFrame *pic = it->pic;
	media_burn b;
	ex_status st;

	media_mask_draw(pic, w->masks, w->camera, it->t, NULL);
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
	media_burn_text(&b, w->job.range, w->label, it->t);
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
handle_frame(media_working *w, media_in *in, const ex_segment *seg,
    AVFrame *frame, int *stop, ex_error *err)
{
	media_decoding *d = &w->d;
	int64_t ts = frame->best_effort_timestamp;
	media_item it;
	ex_instant rec, t, dur;
	ex_status st;

	memset(&it, 0, sizeof(it));
	if (ts == AV_NOPTS_VALUE)
		ts = frame->pts;
	if (ts == AV_NOPTS_VALUE) {
		media_job_problem(&w->job, seg, d->prev_end_rec, 0,
		    "decoded frame without a timestamp dropped");
		return EX_OK;
	}
	rec = media_in_instant(in, ts);
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
		media_job_problem(&w->job, seg, rec, 0,
		    "damaged frame (decoder concealed the errors)");
	it.seg = seg;
	it.rec = rec;
	it.t = t;
	it.dur = dur;
	it.src_fmt = frame->format;
	it.split = d->split_pending;
	d->split_pending = 0;
	st = media_conv_yuv420p(&d->conv, frame, &it.pic, err);
	if (st == EX_OK && d->rotation != 0)
		st = media_upright(&it.pic, d->rotation,
		    &d->conv.rpool, err);
	if (st == EX_OK)
		st = burn_in(w, &it, err);
	if (st != EX_OK)
		goto out;
	/* Its sound: the source's, or silence when this segment has none
	 * but earlier footage of the call had. */
	it.audio_index = d->aindex;
	it.audio_why = d->awhy;
	if (d->ain != NULL)
		st = media_audio_take(d->ain, rec, dur, &it.audio, err);
	if (st != EX_OK)
		goto out;
	d->last_true = t;
	d->prev_end_rec = rec + dur;
	d->prev_dur = dur;
	if (media_queue_push(w->q, &it) != 0)
		*stop = 1;
out:
	av_frame_free(&it.pic);
	av_frame_free(&it.audio);
	return st;
}

static ex_status
receive_frames(media_working *w, media_in *in, const ex_segment *seg,
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
			media_job_problem(&w->job, seg, w->d.prev_end_rec, 0,
			    "decode error: %s",
			    base_av_err(ret, ebuf, sizeof(ebuf)));
			return EX_OK;
		}
		if (*seek_check) {
			int64_t ts = frame->best_effort_timestamp;

			*seek_check = 0;
			if (ts != AV_NOPTS_VALUE &&
			    media_in_instant(in, ts) > w->from_rec) {
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
decode_segment(media_working *w, const ex_segment *seg, int allow_seek,
    int *restart, int *stop, ex_error *err)
{
	media_decoding *d = &w->d;
	media_dec md;
	media_in *in;
	AVCodecContext *dec;
	AVPacket *pkt;
	AVFrame *frame;
	char ebuf[128];
	int seek_check = 0, ret;
	ex_status st;

	*restart = 0;
	d->repeats = 0;
	st = media_dec_open(&w->job, seg, w->threads, &md, err);
	if (st != EX_OK || md.in == NULL)
		return st;
	in = md.in;
	dec = md.dec;
	pkt = md.pkt;
	frame = md.frame;
	d->rotation = media_rotation(in->st);
	if (d->prev_end_rec != EX_INSTANT_NONE &&
	    seg->start - d->prev_end_rec > d->prev_dur / 2)
		d->split_pending = 1;
	st = media_audio_open(seg, w->from_rec, allow_seek ? w->from_rec :
	    seg->start, &d->arate, &d->achannels, &d->aindex, &d->ain,
	    &d->awhy, err);
	if (st != EX_OK)
		goto out;
	if (allow_seek && (seek_check = media_dec_seek(&md, seg,
	    w->from_rec)) < 0) {
		*restart = 1;   /* position unknown: start over */
		goto out;
	}
	for (;;) {
		int64_t dts;

		if (media_job_cancelled(&w->job)) {
			st = ex_error_set(err, EX_ERR_INTERRUPTED,
			    "working copy interrupted");
			goto out;
		}
		ret = av_read_frame(in->fmt, pkt);
		if (ret == AVERROR_EOF)
			break;
		if (ret < 0) {
			media_job_problem(&w->job, seg, d->prev_end_rec, 0,
			    "read error: %s",
			    base_av_err(ret, ebuf, sizeof(ebuf)));
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
		    media_in_instant(in, dts) >= w->to_rec) ||
		    (dts == AV_NOPTS_VALUE && pkt->pts != AV_NOPTS_VALUE &&
		    (pkt->flags & AV_PKT_FLAG_KEY) &&
		    media_in_instant(in, pkt->pts) >= w->to_rec)) {
			av_packet_unref(pkt);
			break;
		}
		if (dts == AV_NOPTS_VALUE)
			dts = pkt->pts;
		if (pkt->flags & AV_PKT_FLAG_CORRUPT)
			media_job_problem(&w->job, seg,
			    dts != AV_NOPTS_VALUE ?
			    media_in_instant(in, dts) : EX_INSTANT_NONE, 0,
			    "corrupt packet");
		ret = avcodec_send_packet(dec, pkt);
		if (ret < 0 && ret != AVERROR(EAGAIN))
			media_job_problem(&w->job, seg,
			    dts != AV_NOPTS_VALUE ?
			    media_in_instant(in, dts) : EX_INSTANT_NONE, 0,
			    "decode error: %s",
			    base_av_err(ret, ebuf, sizeof(ebuf)));
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
		media_job_problem(&w->job, seg, EX_INSTANT_NONE, 0,
		    "%lld frames overlapping earlier footage not repeated",
		    (long long)d->repeats);
out:
	media_audio_close(&d->ain);
	media_dec_close(&md);
	return st;
}

/* The decoding thread: every relevant segment in turn, then the end (and
 * its outcome) into the queue. */
static void *
decode_all(void *arg)
{
	media_working *w = arg;
	int first = 1, restart = 0, stop = 0;
	ex_status st = EX_OK;
	ex_error err;

	ex_error_clear(&err);
	for (size_t i = 0; i < w->nsegs && !stop; i++) {
		const ex_segment *seg = &w->segs[i];

		if (!media_seg_relevant(seg, w->from_rec, w->to_rec))
			continue;
		st = decode_segment(w, seg, first, &restart, &stop, &err);
		if (st == EX_OK && restart && !stop)
			st = decode_segment(w, seg, 0, &restart, &stop, &err);
		if (st != EX_OK)
			break;
		first = 0;
	}
	media_queue_finish(w->q, st, &err);
	ex_overlay_free(&w->d.ov);
	media_conv_free(&w->d.conv);
	return NULL;
}

/* ---- the job ------------------------------------------------------------- */

ex_status
ex_media_working(const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, const ex_media_working_options *opts,
    const char *outdir, const char *base, const ex_media_control *ctl,
    ex_media_result **out, ex_error *err)
{
	media_working w;
	pthread_t decoder;
	int started = 0;
	ex_status st;

	memset(&w, 0, sizeof(w));
	if (out == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "media: no result");
	*out = NULL;
	st = media_job_init(&w.job, segs, nsegs, range, outdir, base, ctl,
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
	w.masks = opts != NULL ? opts->masks : NULL;
	w.camera = opts != NULL ? opts->camera : NULL;
	w.from_rec = ex_time_true_to_recorder(range->from, range->clock_offset);
	w.to_rec = ex_time_true_to_recorder(range->to, range->clock_offset);
	w.segs = segs;
	w.nsegs = nsegs;
	w.d.last_true = EX_INSTANT_NONE;
	w.d.prev_end_rec = EX_INSTANT_NONE;
	w.epkt = av_packet_alloc();
	if (w.epkt == NULL) {
		st = base_nomem(err);
		goto out;
	}
	st = media_queue_new(QUEUE_FRAMES, &w.q, err);
	if (st != EX_OK)
		goto out;
	if (pthread_create(&decoder, NULL, decode_all, &w) != 0) {
		st = ex_error_set(err, EX_ERR_NOMEM,
		    "cannot start the decoding thread");
		goto out;
	}
	started = 1;
	st = media_working_encode_all(&w, err);
	if (st != EX_OK)
		goto out;
	if (w.job.res->nfiles > 0) {
		ex_media_result *res = w.job.res;

		res->actual_from = res->files[0].first_true;
		res->actual_to = res->files[res->nfiles - 1].end_true;
	}
	media_job_progress(&w.job, 1);
out:
	if (started) {
		/* On failure this wakes and stops the decoding thread. */
		media_queue_close(w.q);
		pthread_join(decoder, NULL);
	}
	if (st == EX_OK) {
		*out = w.job.res;
		w.job.res = NULL;
	}
	media_working_drop_writer(&w);
	media_queue_free(&w.q);
	av_packet_free(&w.epkt);
	media_job_fail(&w.job);
	return st;
}

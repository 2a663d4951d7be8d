/*
 * working_encode.c — the encoding side of a working copy (the calling
 * thread): frames taken from the decoding thread's queue are split into
 * files (a hole in the timeline, the file's length or a change of picture
 * starts a new one), each with its own libx264 encoder, so each begins
 * with an IDR frame; the burn-in's text goes into the cue track and the
 * sound into the AAC stream; every file records what became of each
 * source stream.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "media/working_private.h"

static ex_status
drain_encoder(media_working *w, ex_error *err)
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
			    base_av_err(ret, ebuf, sizeof(ebuf)));
		/* x264 does not know frame durations (the rate may vary); the
		 * MP4 muxer takes each sample's from the next one's dts, so this
		 * matters for the last: it lasts as long as its source frame. */
		if (w->epkt->duration <= 0)
			w->epkt->duration = av_rescale_q(w->prev_dur,
			    AV_TIME_BASE_Q, w->enc->time_base);
		st = media_out_write(w->out, w->epkt, w->enc->time_base, err);
		av_packet_unref(w->epkt);
		if (st != EX_OK)
			return st;
	}
}

void
media_working_drop_writer(media_working *w)
{
	media_out_abort(&w->out);
	avcodec_free_context(&w->enc);
	media_audio_out_free(&w->aout);
}

static ex_status
finish_writer(media_working *w, ex_error *err)
{
	char ebuf[128];
	ex_status st;
	int ret;

	if (w->out == NULL)
		return EX_OK;
	ret = avcodec_send_frame(w->enc, NULL);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "H.264 encoder flush: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	st = drain_encoder(w, err);
	if (st != EX_OK)
		goto out;
	if (w->aout != NULL &&
	    (st = media_audio_out_finish(w->aout, w->out, err)) != EX_OK)
		goto out;
	st = media_out_finish(&w->out, err);
out:
	media_working_drop_writer(w);
	return st;
}

/* Record in f what became of every stream of the segment the file starts
 * with: the picture re-encoded as H.264, the main sound (when the file
 * has it) as AAC, the rest left out. */
static ex_status
describe_streams(media_working *w, ex_media_file *f, const media_item *it,
    int audio_out, ex_error *err)
{
	media_in *in = NULL;
	ex_error ierr;
	ex_status st = EX_OK;
	int aout_index = w->overlay ? 2 : 1;

	ex_error_clear(&ierr);
	if (media_in_open(it->seg, &in, &ierr) != EX_OK)
		return EX_OK;   /* the decoding thread has read it: rare */
	for (unsigned i = 0; i < in->fmt->nb_streams && st == EX_OK; i++) {
		AVStream *s = in->fmt->streams[i];

		if ((int)i == in->index)
			st = media_file_add_stream(f, s, EX_MEDIA_REENCODED,
			    0, "h264", "re-encoded as H.264 with the time "
			    "burned in", NULL, err);
		else if ((int)i == it->audio_index && audio_out)
			st = media_file_add_stream(f, s, EX_MEDIA_REENCODED,
			    aout_index, "aac", "re-encoded as AAC, cut to the "
			    "copy's frames", NULL, err);
		else if ((int)i == it->audio_index)
			st = media_file_add_stream(f, s, EX_MEDIA_LEFT_OUT,
			    -1, NULL, it->audio_why != NULL ? it->audio_why :
			    "the footage before it in this file has no sound",
			    NULL, err);
		else
			st = media_file_add_stream(f, s, EX_MEDIA_LEFT_OUT,
			    -1, NULL, s->codecpar->codec_type ==
			    AVMEDIA_TYPE_AUDIO ? "a working copy carries one "
			    "sound track (the native copy and the original "
			    "keep this one)" : "a working copy carries the "
			    "picture and its sound only (the native copy or "
			    "the original keeps this stream)", NULL, err);
	}
	media_in_close(&in);
	return st;
}

static ex_status
open_writer(media_working *w, const media_item *it, ex_error *err)
{
	const AVFrame *pic = it->pic;
	AVCodecParameters *par = NULL;
	ex_media_file *f;
	char *path = NULL;
	ex_status st;

	st = media_encoder_open(pic->width, pic->height, pic,
	    pic->sample_aspect_ratio, w->preset, w->crf, w->threads, &w->enc,
	    err);
	if (st != EX_OK)
		goto out;
	par = avcodec_parameters_alloc();
	if (par == NULL || avcodec_parameters_from_context(par, w->enc) < 0) {
		st = base_nomem(err);
		goto out;
	}
	st = media_job_next_path(&w->job, &path, err);
	if (st != EX_OK)
		goto out;
	st = media_out_create(path, par, w->enc->time_base, it->t,
	    w->overlay, &w->out, err);
	if (st != EX_OK)
		goto out;
	if (it->audio != NULL &&
	    (st = media_audio_out_open(w->out, it->audio->sample_rate,
	    it->audio->ch_layout.nb_channels, &w->aout, err)) != EX_OK)
		goto out;
	w->aout_rate = it->audio != NULL ? it->audio->sample_rate : 0;
	if ((st = media_out_start(w->out, err)) != EX_OK)
		goto out;
	st = media_job_add_file(&w->job, path, "h264", pic->width,
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
		media_working_drop_writer(w);
	return st;
}

/* Encode one frame from the queue into the current file (starting a new
 * one when the frame asks for it, the file is full, or the picture
 * changed), and record it. */
static ex_status
encode_item(media_working *w, media_item *it, ex_error *err)
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
		st = media_out_cue(w->out, it->cue, pic->pts, dur90k,
		    TIME_BASE_90K, err);
		if (st != EX_OK)
			return st;
	}
	pic->pict_type = AV_PICTURE_TYPE_NONE;  /* let x264 choose */
	w->prev_dur = it->dur;
	ret = avcodec_send_frame(w->enc, pic);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "H.264 encoder: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
	st = drain_encoder(w, err);
	if (st != EX_OK)
		return st;
	/* The frame's sound; silence for a frame from footage without. */
	if (w->aout != NULL && (st = media_audio_out_write(w->aout, w->out,
	    it->audio, it->audio != NULL ? 0 : av_rescale(it->dur,
	    w->aout_rate, EX_USEC_PER_SEC), err)) != EX_OK)
		return st;
	st = media_file_add_source(&w->job.res->files[w->file], it->seg,
	    err);
	if (st != EX_OK)
		return st;
	media_file_add_frame(&w->job.res->files[w->file], it->rec, it->dur,
	    w->job.range->clock_offset);
	w->job.done++;
	media_job_progress(&w->job, 0);
	return EX_OK;
}

/* Take frames from the decoding thread and encode them until it ends. */
ex_status
media_working_encode_all(media_working *w, ex_error *err)
{
	media_item it;
	ex_status st = EX_OK;

	while (media_queue_pop(w->q, &it, &st, err)) {
		if (media_job_cancelled(&w->job))
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

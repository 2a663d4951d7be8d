/*
 * decode.c — the video decoder for a recorder file's stream, and a
 * segment opened for decoding (its file, decoder, packet and frame), with
 * the seek a second before the instant wanted (working copies, stills).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "media/media_private.h"

ex_status
media_decoder_open(const media_in *in, int threads, AVCodecContext **out,
    ex_error *err)
{
	const AVCodec *codec;
	AVCodecContext *dec = NULL;
	char ebuf[128];
	ex_status st = EX_OK;
	int ret;

	*out = NULL;
	codec = avcodec_find_decoder(in->st->codecpar->codec_id);
	if (codec == NULL) {
		st = ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "no decoder for codec '%s'",
		    avcodec_get_name(in->st->codecpar->codec_id));
		goto out;
	}
	dec = avcodec_alloc_context3(codec);
	if (dec == NULL) {
		st = base_nomem(err);
		goto out;
	}
	ret = avcodec_parameters_to_context(dec, in->st->codecpar);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "decoder parameters: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	dec->pkt_timebase = in->tb;
	threads /= MEDIA_DECODE_SHARE;
	dec->thread_count = threads < 1 ? 1 :
	    threads > MEDIA_DECODE_THREADS ? MEDIA_DECODE_THREADS :
	    threads;
	ret = avcodec_open2(dec, codec, NULL);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "cannot open %s decoder: %s",
		    codec->name, base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	*out = dec;
	dec = NULL;
out:
	avcodec_free_context(&dec);
	return st;
}

ex_status
media_dec_open(media_job *job, const ex_segment *seg, int threads,
    media_dec *d, ex_error *err)
{
	ex_error ierr;

	memset(d, 0, sizeof(*d));
	ex_error_clear(&ierr);
	if (media_in_open(seg, &d->in, &ierr) != EX_OK ||
	    media_decoder_open(d->in, threads, &d->dec, &ierr) != EX_OK) {
		media_job_problem(job, seg, EX_INSTANT_NONE, 1,
		    "segment skipped: %s", ierr.message);
		media_dec_close(d);
		return EX_OK;
	}
	d->pkt = av_packet_alloc();
	d->frame = av_frame_alloc();
	if (d->pkt == NULL || d->frame == NULL) {
		media_dec_close(d);
		return base_nomem(err);
	}
	return EX_OK;
}

int
media_dec_seek(media_dec *d, const ex_segment *seg, ex_instant at)
{
	media_in *in = d->in;

	if (!in->indexed || in->first_pts == AV_NOPTS_VALUE ||
	    at - MEDIA_SEEK_MARGIN_USEC <= seg->start)
		return 0;
	if (av_seek_frame(in->fmt, in->index, media_in_ts(in,
	    at - MEDIA_SEEK_MARGIN_USEC), AVSEEK_FLAG_BACKWARD) < 0)
		return -1;
	return 1;
}

void
media_dec_close(media_dec *d)
{
	if (d == NULL)
		return;
	av_frame_free(&d->frame);
	av_packet_free(&d->pkt);
	avcodec_free_context(&d->dec);
	media_in_close(&d->in);
}

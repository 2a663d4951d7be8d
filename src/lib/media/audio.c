/*
 * audio.c — the sound of working copies: read, decode and place on the
 * recorder's clock (the decoding thread), then encode as AAC (the
 * encoding thread).
 *
 * The decoding thread opens each segment a second time for its audio
 * alone, so the sound can be read as far ahead of the picture as a
 * frame needs, however the file interleaves them (MP4 files often store a
 * second or more of one before the other), without holding pictures.  For
 * each video frame kept, media_audio_take cuts the samples of exactly
 * that frame's time, [t, t + duration), at sample positions counted from
 * one anchor for the whole call, so consecutive frames' pieces tile
 * without a gap or a repeat, and a file's sound starts with its first
 * frame and ends with its last.  Where the source has no sound for part of
 * a frame (before its first audio packet, after its last, across a hole
 * of its own) silence fills it.
 *
 * Samples are converted to planar float at the source's own rate (no
 * resampling: every rate AAC can store is kept as it is) and, beyond two
 * channels, the first two are kept; a source whose rate AAC cannot store
 * is left out with a reason.  The encoder is FFmpeg's native AAC-LC
 * encoder, bitexact.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>

#include "media/media_private.h"

/* Seek this far before the first frame wanted (audio frames are short,
 * but a container's index may be coarse). */
#define AUDIO_SEEK_MARGIN_USEC (2 * EX_USEC_PER_SEC)
/* A jump in the source's timestamps smaller than this is taken for
 * rounding, not a hole or an overlap: samples run on. */
#define AUDIO_SLACK_DIV 50     /* 1/50 s */
/* Silence is written in pieces of this many samples. */
#define SILENCE_CHUNK 4096

struct media_audio_in {
	media_in *in;          /* a second opening, audio only */
	AVStream *st;
	AVCodecContext *dec;
	AVPacket *pkt;
	AVFrame *frame;
	AVAudioFifo *fifo;        /* planar float, channels, rate */
	int rate, channels;
	ex_instant anchor;        /* recorder instant of position 0 */
	int64_t fifo_pos;         /* position of the fifo's first sample */
	int eof;
	float *conv[2];           /* conversion buffers */
	int conv_size;
};

struct media_audio_out {
	AVCodecContext *enc;
	AVAudioFifo *fifo;
	AVFrame *frame;
	AVPacket *pkt;
	int index;                /* output stream */
	int64_t sent;             /* samples given to the encoder */
};

static const int aac_rates[] = { 96000, 88200, 64000, 48000, 44100, 32000,
    24000, 22050, 16000, 12000, 11025, 8000, 7350 };

int
media_audio_rate_ok(int rate)
{
	for (size_t i = 0; i < sizeof(aac_rates) / sizeof(aac_rates[0]); i++)
		if (aac_rates[i] == rate)
			return 1;
	return 0;
}

static int64_t
position(const media_audio_in *a, ex_instant t)
{
	return av_rescale_rnd(t - a->anchor, a->rate, EX_USEC_PER_SEC,
	    AV_ROUND_NEAR_INF);
}

void
media_audio_close(media_audio_in **pa)
{
	media_audio_in *a;

	if (pa == NULL || *pa == NULL)
		return;
	a = *pa;
	avcodec_free_context(&a->dec);
	av_packet_free(&a->pkt);
	av_frame_free(&a->frame);
	if (a->fifo != NULL)
		av_audio_fifo_free(a->fifo);
	free(a->conv[0]);
	free(a->conv[1]);
	media_in_close(&a->in);
	free(a);
	*pa = NULL;
}

ex_status
media_audio_open(const ex_segment *seg, ex_instant anchor,
    ex_instant seek_to, int *rate, int *channels, int *index,
    media_audio_in **out, const char **why, ex_error *err)
{
	media_audio_in *a = NULL;
	const AVCodec *codec;
	ex_error ierr;
	int ret, ch;
	ex_status st = EX_OK;

	*out = NULL;
	*why = NULL;
	*index = -1;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return base_nomem(err);
	ex_error_clear(&ierr);
	if (media_in_open(seg, &a->in, &ierr) != EX_OK)
		goto none;      /* the picture's reader reports it */
	ret = av_find_best_stream(a->in->fmt, AVMEDIA_TYPE_AUDIO, -1,
	    a->in->index, NULL, 0);
	if (ret < 0)
		goto none;
	a->st = a->in->fmt->streams[ret];
	*index = ret;
	for (unsigned i = 0; i < a->in->fmt->nb_streams; i++)
		a->in->fmt->streams[i]->discard = (int)i == ret ?
		    AVDISCARD_DEFAULT : AVDISCARD_ALL;
	codec = avcodec_find_decoder(a->st->codecpar->codec_id);
	if (codec == NULL) {
		*why = "FFmpeg cannot decode this audio";
		goto none;
	}
	a->dec = avcodec_alloc_context3(codec);
	a->pkt = av_packet_alloc();
	a->frame = av_frame_alloc();
	if (a->dec == NULL || a->pkt == NULL || a->frame == NULL) {
		st = base_nomem(err);
		goto fail;
	}
	if (avcodec_parameters_to_context(a->dec, a->st->codecpar) < 0 ||
	    (a->dec->pkt_timebase = a->st->time_base,
	    a->dec->thread_count = 1,
	    avcodec_open2(a->dec, codec, NULL)) < 0) {
		*why = "FFmpeg cannot decode this audio";
		goto none;
	}
	if (!media_audio_rate_ok(a->dec->sample_rate)) {
		*why = "AAC cannot store sound at this sample rate";
		goto none;
	}
	ch = a->dec->ch_layout.nb_channels;
	if (ch <= 0) {
		*why = "the audio does not say how many channels it has";
		goto none;
	}
	/* The first segment with sound sets the format of the call. */
	if (*rate == 0) {
		*rate = a->dec->sample_rate;
		*channels = ch > 2 ? 2 : ch;
	}
	if (a->dec->sample_rate != *rate) {
		*why = "its sample rate differs from the earlier footage's";
		goto none;
	}
	a->rate = *rate;
	a->channels = *channels;
	a->anchor = anchor;
	a->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, a->channels, 4096);
	if (a->fifo == NULL) {
		st = base_nomem(err);
		goto fail;
	}
	if (a->in->indexed && seek_to - AUDIO_SEEK_MARGIN_USEC > seg->start)
		(void)av_seek_frame(a->in->fmt, -1, av_rescale_q(
		    media_in_ts(a->in, seek_to - AUDIO_SEEK_MARGIN_USEC),
		    a->in->tb, AV_TIME_BASE_Q), AVSEEK_FLAG_BACKWARD);
	*out = a;
	return EX_OK;
none:
	media_audio_close(&a);
	return EX_OK;
fail:
	media_audio_close(&a);
	return st;
}

/* Sample i of channel c of a decoded frame, as a float. */
static float
sample_at(const AVFrame *f, int c, int i)
{
	enum AVSampleFormat fmt = f->format;
	int planar = av_sample_fmt_is_planar(fmt);
	int nch = f->ch_layout.nb_channels;
	const uint8_t *p = planar ? f->extended_data[c] : f->extended_data[0];
	int k = planar ? i : i * nch + c;

	switch (av_get_packed_sample_fmt(fmt)) {
	case AV_SAMPLE_FMT_U8:
		return ((int)p[k] - 128) / 128.0f;
	case AV_SAMPLE_FMT_S16:
		return ((const int16_t *)(const void *)p)[k] / 32768.0f;
	case AV_SAMPLE_FMT_S32:
		return (float)(((const int32_t *)(const void *)p)[k] /
		    2147483648.0);
	case AV_SAMPLE_FMT_S64:
		return (float)(((const int64_t *)(const void *)p)[k] /
		    9223372036854775808.0);
	case AV_SAMPLE_FMT_FLT:
		return ((const float *)(const void *)p)[k];
	case AV_SAMPLE_FMT_DBL:
		return (float)((const double *)(const void *)p)[k];
	default:
		return 0.0f;
	}
}

static ex_status
fifo_silence(AVAudioFifo *fifo, int channels, int64_t n, ex_error *err)
{
	static const float zero[SILENCE_CHUNK];
	void *planes[2] = { (void *)zero, (void *)zero };

	(void)channels;
	while (n > 0) {
		int k = n > SILENCE_CHUNK ? SILENCE_CHUNK : (int)n;

		if (av_audio_fifo_write(fifo, planes, k) < k)
			return base_nomem(err);
		n -= k;
	}
	return EX_OK;
}

/* Place a decoded frame's samples in the fifo by its timestamp. */
static ex_status
append(media_audio_in *a, const AVFrame *f, ex_error *err)
{
	int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ?
	    f->best_effort_timestamp : f->pts;
	int64_t p, end, skip = 0;
	int n = f->nb_samples, nch = f->ch_layout.nb_channels;
	void *planes[2];
	ex_status st;

	if (n <= 0 || nch <= 0 || f->sample_rate != a->rate)
		return EX_OK;
	if (ts == AV_NOPTS_VALUE && av_audio_fifo_size(a->fifo) == 0)
		return EX_OK;   /* nowhere to put it */
	end = a->fifo_pos + av_audio_fifo_size(a->fifo);
	p = ts == AV_NOPTS_VALUE ? end :
	    position(a, media_in_instant_of(a->in, a->st, ts));
	if (av_audio_fifo_size(a->fifo) == 0) {
		a->fifo_pos = p;
	} else if (p > end + a->rate / AUDIO_SLACK_DIV) {
		/* A hole in the source's sound. */
		if ((st = fifo_silence(a->fifo, a->channels, p - end, err)) !=
		    EX_OK)
			return st;
	} else if (p < end - a->rate / AUDIO_SLACK_DIV) {
		skip = end - p;     /* sound already had */
	}
	if (skip >= n)
		return EX_OK;
	if (a->conv_size < n) {
		for (int c = 0; c < 2; c++) {
			float *g = realloc(a->conv[c], (size_t)n * sizeof(float));

			if (g == NULL)
				return base_nomem(err);
			a->conv[c] = g;
		}
		a->conv_size = n;
	}
	for (int c = 0; c < a->channels; c++) {
		/* Mono from a mono source, or channel c of one with more. */
		int from = c < nch ? c : nch - 1;

		for (int i = (int)skip; i < n; i++)
			a->conv[c][i - skip] = sample_at(f, from, i);
	}
	planes[0] = a->conv[0];
	planes[1] = a->conv[1];
	if (av_audio_fifo_write(a->fifo, planes, n - (int)skip) < n - skip)
		return base_nomem(err);
	return EX_OK;
}

/* Read and decode until one more frame is placed, or the end. */
static ex_status
read_more(media_audio_in *a, ex_error *err)
{
	ex_status st;
	int ret;

	while (!a->eof) {
		ret = avcodec_receive_frame(a->dec, a->frame);
		if (ret == 0) {
			st = append(a, a->frame, err);
			av_frame_unref(a->frame);
			return st;
		}
		if (ret == AVERROR_EOF) {
			a->eof = 1;
			break;
		}
		if (ret != AVERROR(EAGAIN)) {
			/* A frame the decoder cannot read: silence there. */
			continue;
		}
		ret = av_read_frame(a->in->fmt, a->pkt);
		if (ret < 0) {
			(void)avcodec_send_packet(a->dec, NULL);
			continue;
		}
		if (a->pkt->stream_index == a->st->index)
			(void)avcodec_send_packet(a->dec, a->pkt);
		av_packet_unref(a->pkt);
	}
	return EX_OK;
}

ex_status
media_audio_take(media_audio_in *a, ex_instant r, ex_instant d,
    AVFrame **out, ex_error *err)
{
	int64_t s0 = position(a, r), s1 = position(a, r + d), n = s1 - s0;
	int64_t lead, take, size;
	AVFrame *f = NULL;
	ex_status st;

	*out = NULL;
	if (n <= 0)
		return EX_OK;
	while (!a->eof && (av_audio_fifo_size(a->fifo) == 0 ||
	    a->fifo_pos + av_audio_fifo_size(a->fifo) < s1))
		if ((st = read_more(a, err)) != EX_OK)
			return st;
	size = av_audio_fifo_size(a->fifo);
	if (size > 0 && a->fifo_pos < s0) {
		int64_t k = s0 - a->fifo_pos < size ? s0 - a->fifo_pos : size;

		av_audio_fifo_drain(a->fifo, (int)k);
		a->fifo_pos += k;
		size -= k;
	}
	if ((st = media_audio_frame(a->rate, a->channels, (int)n, &f,
	    err)) != EX_OK)
		return st;
	lead = size > 0 && a->fifo_pos > s0 ? a->fifo_pos - s0 : 0;
	if (size == 0)
		lead = n;
	if (lead > n)
		lead = n;
	take = n - lead < size ? n - lead : size;
	if (take > 0) {
		void *planes[2] = { (float *)(void *)f->extended_data[0] + lead,
		    a->channels > 1 ?
		    (float *)(void *)f->extended_data[1] + lead : NULL };

		if (av_audio_fifo_read(a->fifo, planes, (int)take) < take) {
			av_frame_free(&f);
			return ex_error_set(err, EX_ERR_MEDIA,
			    "audio buffer read failed");
		}
		a->fifo_pos += take;
	}
	*out = f;
	return EX_OK;
}

ex_status
media_audio_frame(int rate, int channels, int nb_samples, AVFrame **out,
    ex_error *err)
{
	AVFrame *f = av_frame_alloc();

	*out = NULL;
	if (f == NULL)
		return base_nomem(err);
	f->format = AV_SAMPLE_FMT_FLTP;
	f->sample_rate = rate;
	av_channel_layout_default(&f->ch_layout, channels);
	f->nb_samples = nb_samples;
	if (av_frame_get_buffer(f, 0) < 0) {
		av_frame_free(&f);
		return base_nomem(err);
	}
	av_samples_set_silence(f->extended_data, 0, nb_samples, channels,
	    AV_SAMPLE_FMT_FLTP);
	*out = f;
	return EX_OK;
}

/* ---- the encoder (encoding thread) --------------------------------------- */

void
media_audio_out_free(media_audio_out **pa)
{
	media_audio_out *a;

	if (pa == NULL || *pa == NULL)
		return;
	a = *pa;
	avcodec_free_context(&a->enc);
	if (a->fifo != NULL)
		av_audio_fifo_free(a->fifo);
	av_frame_free(&a->frame);
	av_packet_free(&a->pkt);
	free(a);
	*pa = NULL;
}

ex_status
media_audio_out_open(media_out *o, int rate, int channels,
    media_audio_out **out, ex_error *err)
{
	media_audio_out *a;
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
	AVCodecParameters *par = NULL;
	char ebuf[128];
	ex_status st = EX_OK;
	int ret;

	*out = NULL;
	if (codec == NULL)
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "FFmpeg was built without an AAC encoder");
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return base_nomem(err);
	a->enc = avcodec_alloc_context3(codec);
	a->pkt = av_packet_alloc();
	par = avcodec_parameters_alloc();
	if (a->enc == NULL || a->pkt == NULL || par == NULL) {
		st = base_nomem(err);
		goto out;
	}
	a->enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
	a->enc->sample_rate = rate;
	av_channel_layout_default(&a->enc->ch_layout, channels);
	a->enc->bit_rate = channels > 1 ? 128000 : 64000;
	if (a->enc->bit_rate > 6 * rate * channels)
		a->enc->bit_rate = 6 * rate * channels;
	a->enc->time_base = (AVRational){ 1, rate };
	a->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_BITEXACT;
	ret = avcodec_open2(a->enc, codec, NULL);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA,
		    "cannot open the AAC encoder (%d Hz, %d channels): %s",
		    rate, channels, base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	a->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels,
	    a->enc->frame_size * 2);
	if (a->fifo == NULL ||
	    media_audio_frame(rate, channels, a->enc->frame_size, &a->frame,
	    err) != EX_OK ||
	    avcodec_parameters_from_context(par, a->enc) < 0) {
		st = base_nomem(err);
		goto out;
	}
	st = media_out_add(o, par, a->enc->time_base, NULL, &a->index, err);
	if (st != EX_OK)
		goto out;
	*out = a;
	a = NULL;
out:
	avcodec_parameters_free(&par);
	media_audio_out_free(&a);
	return st;
}

static ex_status
drain(media_audio_out *a, media_out *o, ex_error *err)
{
	char ebuf[128];
	ex_status st;
	int ret;

	for (;;) {
		ret = avcodec_receive_packet(a->enc, a->pkt);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return EX_OK;
		if (ret < 0)
			return ex_error_set(err, EX_ERR_MEDIA,
			    "AAC encoder failed: %s",
			    base_av_err(ret, ebuf, sizeof(ebuf)));
		st = media_out_write_to(o, a->index, a->pkt,
		    a->enc->time_base, err);
		av_packet_unref(a->pkt);
		if (st != EX_OK)
			return st;
	}
}

/* Encode n samples from the fifo (n <= frame size). */
static ex_status
encode(media_audio_out *a, media_out *o, int n, ex_error *err)
{
	char ebuf[128];
	int ret;

	ret = av_frame_make_writable(a->frame);
	if (ret < 0)
		return base_nomem(err);
	a->frame->nb_samples = n;
	if (av_audio_fifo_read(a->fifo, (void **)a->frame->extended_data, n) <
	    n)
		return ex_error_set(err, EX_ERR_MEDIA,
		    "audio buffer read failed");
	a->frame->pts = a->sent;
	a->sent += n;
	ret = avcodec_send_frame(a->enc, a->frame);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "AAC encoder: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
	return drain(a, o, err);
}

ex_status
media_audio_out_write(media_audio_out *a, media_out *o,
    const AVFrame *samples, int64_t silence, ex_error *err)
{
	int fs = a->enc->frame_size;
	ex_status st;

	if (samples != NULL) {
		if (samples->ch_layout.nb_channels !=
		    a->enc->ch_layout.nb_channels ||
		    samples->sample_rate != a->enc->sample_rate)
			silence = samples->nb_samples;
		else if (av_audio_fifo_write(a->fifo,
		    (void **)samples->extended_data, samples->nb_samples) <
		    samples->nb_samples)
			return base_nomem(err);
	}
	if (silence > 0 && (st = fifo_silence(a->fifo,
	    a->enc->ch_layout.nb_channels, silence, err)) != EX_OK)
		return st;
	while (av_audio_fifo_size(a->fifo) >= fs)
		if ((st = encode(a, o, fs, err)) != EX_OK)
			return st;
	return EX_OK;
}

ex_status
media_audio_out_finish(media_audio_out *a, media_out *o,
    ex_error *err)
{
	char ebuf[128];
	ex_status st;
	int n = av_audio_fifo_size(a->fifo), ret;

	if (n > 0 && (st = encode(a, o, n, err)) != EX_OK)
		return st;
	ret = avcodec_send_frame(a->enc, NULL);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "AAC encoder flush: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
	return drain(a, o, err);
}

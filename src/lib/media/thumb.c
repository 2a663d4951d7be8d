/*
 * thumb.c — ex_media_thumbnail: the first frame of a clip as a small PNG
 * (index.html's thumbnails), beside the stills.
 *
 * Decode on one thread, scale with swscale in bit-exact mode to RGB24, and
 * encode with FFmpeg's PNG encoder in bit-exact mode, so a file gives the
 * same bytes every time.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "base.h"
#include "base_av.h"
#include "exhibit/media.h"

/* Frames to read before giving up on finding one that decodes. */
#define MAX_PACKETS 2000

static ex_status
media_error(ex_error *err, const char *path, const char *what, int code)
{
	char buf[AV_ERROR_MAX_STRING_SIZE] = "";

	if (code < 0)
		av_strerror(code, buf, sizeof(buf));
	return ex_error_set(err, EX_ERR_MEDIA, "%s: %s%s%s", path, what,
	    code < 0 ? ": " : "", buf);
}

/* The first frame of the best video stream, or an error. */
static ex_status
first_frame(const char *path, AVFrame *frame, AVRational *stream_sar,
    ex_error *err)
{
	AVFormatContext *fmt = NULL;
	AVCodecContext *dec = NULL;
	AVPacket *pkt = NULL;
	const AVCodec *codec = NULL;
	int idx, rc, npkt = 0, flushed = 0;
	ex_status st;

	if ((st = base_av_open(path, NULL, &fmt, err)) != EX_OK) {
		ex_error_prefix(err, "%s", path);
		goto out;
	}
	if ((rc = avformat_find_stream_info(fmt, NULL)) < 0) {
		st = media_error(err, path, "cannot read the streams", rc);
		goto out;
	}
	idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
	if (idx < 0 || codec == NULL) {
		st = media_error(err, path, "no video stream it can decode",
		    idx < 0 ? idx : 0);
		goto out;
	}
	*stream_sar = fmt->streams[idx]->sample_aspect_ratio;
	if ((dec = avcodec_alloc_context3(codec)) == NULL ||
	    (pkt = av_packet_alloc()) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	if ((rc = avcodec_parameters_to_context(dec,
	    fmt->streams[idx]->codecpar)) < 0) {
		st = media_error(err, path, "bad codec parameters", rc);
		goto out;
	}
	dec->thread_count = 1;
	dec->flags |= AV_CODEC_FLAG_BITEXACT;
	if ((rc = avcodec_open2(dec, codec, NULL)) < 0) {
		st = media_error(err, path, "cannot open the decoder", rc);
		goto out;
	}
	for (;;) {
		rc = avcodec_receive_frame(dec, frame);
		if (rc == 0) {
			st = EX_OK;
			goto out;
		}
		if (rc != AVERROR(EAGAIN) || flushed) {
			st = media_error(err, path, "no picture decoded",
			    rc == AVERROR_EOF ? 0 : rc);
			goto out;
		}
		/* Skip other streams' packets (sound, text); unref clears
		 * stream_index to 0, so test it before, not after: an empty
		 * packet sent would flush the decoder. */
		for (;;) {
			rc = npkt++ < MAX_PACKETS ? av_read_frame(fmt, pkt) :
			    AVERROR_EOF;
			if (rc < 0 || pkt->stream_index == idx)
				break;
			av_packet_unref(pkt);
		}
		if (rc < 0) {
			flushed = 1;
			rc = avcodec_send_packet(dec, NULL);
		} else {
			rc = avcodec_send_packet(dec, pkt);
			av_packet_unref(pkt);
			/* A damaged packet: try the next one. */
			if (rc == AVERROR_INVALIDDATA)
				rc = 0;
		}
		if (rc < 0 && rc != AVERROR_EOF) {
			st = media_error(err, path, "decode error", rc);
			goto out;
		}
	}
out:
	av_packet_free(&pkt);
	avcodec_free_context(&dec);
	avformat_close_input(&fmt);
	return st;
}

static ex_status
scale_rgb(const char *path, const AVFrame *in, int ow, int oh,
    AVFrame **outp, ex_error *err)
{
	struct SwsContext *sws = NULL;
	AVFrame *out = NULL;
	const int *coef;
	int full, cs;
	ex_status st;

	if ((out = av_frame_alloc()) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	out->format = AV_PIX_FMT_RGB24;
	out->width = ow;
	out->height = oh;
	if (av_frame_get_buffer(out, 0) < 0) {
		st = base_nomem(err);
		goto out;
	}
	sws = sws_getContext(in->width, in->height, in->format, ow, oh,
	    AV_PIX_FMT_RGB24, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT |
	    SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
	if (sws == NULL) {
		st = media_error(err, path, "cannot convert the picture", 0);
		goto out;
	}
	full = in->color_range == AVCOL_RANGE_JPEG ||
	    in->format == AV_PIX_FMT_YUVJ420P ||
	    in->format == AV_PIX_FMT_YUVJ422P ||
	    in->format == AV_PIX_FMT_YUVJ444P;
	switch (in->colorspace) {
	case AVCOL_SPC_BT709:
		cs = SWS_CS_ITU709;
		break;
	case AVCOL_SPC_BT470BG:
	case AVCOL_SPC_SMPTE170M:
		cs = SWS_CS_ITU601;
		break;
	default:
		cs = in->height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
		break;
	}
	coef = sws_getCoefficients(cs);
	(void)sws_setColorspaceDetails(sws, coef, full, coef, 1, 0,
	    1 << 16, 1 << 16);
	if (sws_scale(sws, (const uint8_t *const *)in->data, in->linesize, 0,
	    in->height, out->data, out->linesize) != oh) {
		st = media_error(err, path, "cannot convert the picture", 0);
		goto out;
	}
	*outp = out;
	out = NULL;
	st = EX_OK;
out:
	sws_freeContext(sws);
	av_frame_free(&out);
	return st;
}

static ex_status
encode_png(const char *path, AVFrame *rgb, unsigned char **png,
    size_t *len, ex_error *err)
{
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
	AVCodecContext *enc = NULL;
	AVPacket *pkt = NULL;
	int rc;
	ex_status st;

	if (codec == NULL)
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "this FFmpeg has no PNG encoder");
	if ((enc = avcodec_alloc_context3(codec)) == NULL ||
	    (pkt = av_packet_alloc()) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	enc->width = rgb->width;
	enc->height = rgb->height;
	enc->pix_fmt = AV_PIX_FMT_RGB24;
	enc->time_base = (AVRational){ 1, 1 };
	enc->thread_count = 1;
	enc->flags |= AV_CODEC_FLAG_BITEXACT;
	enc->compression_level = 9;
	if ((rc = avcodec_open2(enc, codec, NULL)) < 0) {
		st = media_error(err, path, "cannot open the PNG encoder", rc);
		goto out;
	}
	rgb->pts = 0;
	if ((rc = avcodec_send_frame(enc, rgb)) < 0 ||
	    (rc = avcodec_send_frame(enc, NULL)) < 0 ||
	    (rc = avcodec_receive_packet(enc, pkt)) < 0) {
		st = media_error(err, path, "cannot encode the thumbnail", rc);
		goto out;
	}
	if ((*png = malloc((size_t)pkt->size)) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	memcpy(*png, pkt->data, (size_t)pkt->size);
	*len = (size_t)pkt->size;
	st = EX_OK;
out:
	av_packet_free(&pkt);
	avcodec_free_context(&enc);
	return st;
}

ex_status
ex_media_thumbnail(const char *video_path, int max_width,
    unsigned char **png, size_t *len, ex_error *err)
{
	AVFrame *frame = NULL, *rgb = NULL;
	AVRational sar = { 0, 1 };
	double dw;
	int ow, oh;
	ex_status st;

	*png = NULL;
	*len = 0;
	if (video_path == NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "thumbnail: no video given");
	if (max_width < 1)
		return ex_error_set(err, EX_ERR_USAGE,
		    "thumbnail: no width given");
	if ((frame = av_frame_alloc()) == NULL)
		return base_nomem(err);
	if ((st = first_frame(video_path, frame, &sar, err)) != EX_OK)
		goto out;
	if (frame->width <= 0 || frame->height <= 0) {
		st = media_error(err, video_path, "picture has no size", 0);
		goto out;
	}
	if (frame->sample_aspect_ratio.num > 0 &&
	    frame->sample_aspect_ratio.den > 0)
		sar = frame->sample_aspect_ratio;
	if (sar.num <= 0 || sar.den <= 0)
		sar = (AVRational){ 1, 1 };
	/* Display width of the picture; the thumbnail is no wider. */
	dw = (double)frame->width * sar.num / sar.den;
	ow = dw < max_width ? (int)(dw + 0.5) : max_width;
	if (ow < 1)
		ow = 1;
	oh = (int)((double)ow * frame->height / dw + 0.5);
	if (oh < 1)
		oh = 1;
	if ((st = scale_rgb(video_path, frame, ow, oh, &rgb, err)) != EX_OK)
		goto out;
	st = encode_png(video_path, rgb, png, len, err);
out:
	av_frame_free(&rgb);
	av_frame_free(&frame);
	return st;
}

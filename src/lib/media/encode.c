/*
 * encode.c — the H.264 encoder for working copies.
 *
 * libx264 with the caller's preset, crf and an explicit thread count (x264
 * output is reproducible only for a fixed thread count), bitexact, global
 * headers for MP4.  Frames carry pts in 1/90000 s: their true time since
 * the file's first frame, so the source's frame spacing (including
 * variable frame rate) is kept; there is no frame rate conversion.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libavutil/opt.h>

#include "media/media_private.h"

static int
known_preset(const char *preset)
{
	static const char *const presets[] = { "ultrafast", "superfast",
	    "veryfast", "faster", "fast", "medium", "slow", "slower",
	    "veryslow", "placebo" };

	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(preset, presets[i]) == 0)
			return 1;
	return 0;
}

ex_status
media_encoder_open(int width, int height, const AVFrame *ref,
    AVRational sar, const char *preset, int crf, int threads,
    AVCodecContext **out, ex_error *err)
{
	const AVCodec *codec;
	AVCodecContext *enc = NULL;
	AVDictionary *opts = NULL;
	char ebuf[128];
	ex_status st = EX_OK;
	int ret;

	*out = NULL;
	/* x264 prints an unknown preset's name itself: check it first. */
	if (!known_preset(preset)) {
		st = ex_error_set(err, EX_ERR_USAGE,
		    "unknown x264 preset '%s' (ultrafast, superfast, veryfast, "
		    "faster, fast, medium, slow, slower, veryslow, placebo)",
		    preset);
		goto out;
	}
	if (crf < 0 || crf > 51) {
		st = ex_error_set(err, EX_ERR_USAGE,
		    "crf %d is out of range (0-51)", crf);
		goto out;
	}
	codec = avcodec_find_encoder_by_name("libx264");
	if (codec == NULL) {
		st = ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "FFmpeg was built without libx264");
		goto out;
	}
	enc = avcodec_alloc_context3(codec);
	if (enc == NULL) {
		st = base_nomem(err);
		goto out;
	}
	enc->width = width;
	enc->height = height;
	enc->pix_fmt = AV_PIX_FMT_YUV420P;
	enc->time_base = (AVRational){ 1, 90000 };
	enc->sample_aspect_ratio = sar;
	enc->thread_count = threads > 0 ? threads : 1;
	enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_BITEXACT;
	if (ref != NULL) {
		/* Working copies are limited range whatever the source
		 * (working.c converts full-range pictures). */
		enc->color_range = AVCOL_RANGE_MPEG;
		enc->color_primaries = ref->color_primaries;
		enc->color_trc = ref->color_trc;
		enc->colorspace = ref->colorspace;
		enc->chroma_sample_location = ref->chroma_location;
	}
	av_dict_set(&opts, "preset", preset, 0);
	av_dict_set_int(&opts, "crf", crf, 0);
	ret = avcodec_open2(enc, codec, &opts);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA,
		    "cannot open libx264 (preset '%s', crf %d): %s", preset, crf,
		    base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (av_dict_count(opts) > 0) {
		st = ex_error_set(err, EX_ERR_USAGE,
		    "libx264 did not accept option '%s'",
		    av_dict_get(opts, "", NULL, AV_DICT_IGNORE_SUFFIX)->key);
		goto out;
	}
	*out = enc;
	enc = NULL;
out:
	av_dict_free(&opts);
	avcodec_free_context(&enc);
	return st;
}

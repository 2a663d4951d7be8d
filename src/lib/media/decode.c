/* decode.c — the video decoder for a recorder file's stream. */
#include "config.h"

#include <stdio.h>

#include "media/media_private.h"

ex_status
ex_media_decoder_open(const ex_media_in *in, int threads, AVCodecContext **out,
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
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	ret = avcodec_parameters_to_context(dec, in->st->codecpar);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "decoder parameters: %s",
		    ex_media_averr(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	dec->pkt_timebase = in->tb;
	threads /= EX_MEDIA_DECODE_SHARE;
	dec->thread_count = threads < 1 ? 1 :
	    threads > EX_MEDIA_DECODE_THREADS ? EX_MEDIA_DECODE_THREADS :
	    threads;
	ret = avcodec_open2(dec, codec, NULL);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "cannot open %s decoder: %s",
		    codec->name, ex_media_averr(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	*out = dec;
	dec = NULL;
out:
	avcodec_free_context(&dec);
	return st;
}

/*
 * mux.c — MP4 output files.
 *
 * The video stream first, AVFMT_FLAG_BITEXACT (no encoder version
 * strings, so the same packets give the same bytes), +faststart so the index precedes
 * the data (players and browsers can start at once), and the mvhd
 * creation_time set from the file's first frame.  The faststart pass
 * reopens the file by name, so outputs are always real files.
 *
 * Working copies add a second stream: the burn-in's cues, encoded by
 * FFmpeg's mov_text encoder (which takes ASS dialogue lines and writes
 * the tx3g sample description) and interleaved with the video by dts.
 * Further streams (a native copy's audio and subtitles, a working copy's
 * AAC) are added between creation and start (media_out_add); the
 * muxer interleaves all of them by dts.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/media_private.h"

#define CUE_TITLE "Burned-in time"

/* The ASS script header the mov_text encoder reads its default style
 * from: white sans-serif text at the bottom. */
static const char cue_header[] =
    "[Script Info]\r\n"
    "ScriptType: v4.00+\r\n"
    "PlayResX: 384\r\n"
    "PlayResY: 288\r\n"
    "\r\n"
    "[V4+ Styles]\r\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, "
    "ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
    "Alignment, MarginL, MarginR, MarginV, Encoding\r\n"
    "Style: Default,Serif,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,"
    "0,1,1,0,2,10,10,10,0\r\n"
    "\r\n"
    "[Events]\r\n"
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
    "Effect, Text\r\n";

/* The mov_text encoder and stream 1, before the header is written. */
static ex_status
add_cue_stream(media_out *o, const AVCodecParameters *video,
    AVRational tb, ex_error *err)
{
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MOV_TEXT);
	AVCodecContext *enc;
	char ebuf[128];
	int ret;

	if (codec == NULL)
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "FFmpeg was built without the mov_text encoder");
	enc = o->cue_enc = avcodec_alloc_context3(codec);
	o->cue_pkt = av_packet_alloc();
	if (enc == NULL || o->cue_pkt == NULL)
		return base_nomem(err);
	enc->time_base = tb;
	enc->width = video->width;
	enc->height = video->height;
	enc->flags |= AV_CODEC_FLAG_BITEXACT;
	enc->subtitle_header = av_malloc(sizeof(cue_header));
	if (enc->subtitle_header == NULL)
		return base_nomem(err);
	memcpy(enc->subtitle_header, cue_header, sizeof(cue_header));
	enc->subtitle_header_size = (int)sizeof(cue_header) - 1;
	ret = avcodec_open2(enc, codec, NULL);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA,
		    "cannot open the mov_text encoder: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
	o->cue_st = avformat_new_stream(o->fmt, NULL);
	if (o->cue_st == NULL ||
	    avcodec_parameters_from_context(o->cue_st->codecpar, enc) < 0)
		return base_nomem(err);
	o->cue_st->time_base = tb;
	o->cue_st->disposition = 0;
	o->st->disposition = AV_DISPOSITION_DEFAULT;
	if (av_dict_set(&o->cue_st->metadata, "language", "eng", 0) < 0 ||
	    av_dict_set(&o->cue_st->metadata, "handler_name", CUE_TITLE,
	    0) < 0 ||
	    av_dict_set(&o->cue_st->metadata, "title", CUE_TITLE, 0) < 0)
		return base_nomem(err);
	return EX_OK;
}

ex_status
media_out_cue(media_out *o, const char *text, int64_t pts,
    int64_t duration, AVRational tb, ex_error *err)
{
	AVSubtitleRect rect, *rects[1];
	AVSubtitle sub;
	char ass[512], ebuf[128];
	uint8_t buf[1024];
	size_t n;
	int len, ret;

	if (o->cue_enc == NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: opened without a cue track", o->path);
	/* An ASS dialogue line: ReadOrder, Layer, Style, Name, MarginL,
	 * MarginR, MarginV, Effect, Text; "\N" breaks a line. */
	n = (size_t)snprintf(ass, sizeof(ass), "%lld,0,Default,,0,0,0,,",
	    (long long)o->cue_order++);
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '{' || *p == '}' || *p == '\\')
			return ex_error_set(err, EX_ERR_USAGE,
			    "cue text may not hold '%c'", *p);
		if (n + 3 > sizeof(ass))
			return ex_error_set(err, EX_ERR_USAGE,
			    "cue text too long");
		if (*p == '\n') {
			ass[n++] = '\\';
			ass[n++] = 'N';
		} else {
			ass[n++] = *p;
		}
	}
	ass[n] = '\0';
	memset(&rect, 0, sizeof(rect));
	memset(&sub, 0, sizeof(sub));
	rect.type = SUBTITLE_ASS;
	rect.ass = ass;
	rects[0] = &rect;
	sub.num_rects = 1;
	sub.rects = rects;
	sub.pts = av_rescale_q(pts, tb, AV_TIME_BASE_Q);
	sub.end_display_time = (uint32_t)av_rescale_q(duration, tb,
	    (AVRational){ 1, 1000 });
	len = avcodec_encode_subtitle(o->cue_enc, buf, (int)sizeof(buf), &sub);
	if (len < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "%s: cue: %s", o->path,
		    base_av_err(len, ebuf, sizeof(ebuf)));
	av_packet_unref(o->cue_pkt);
	ret = av_new_packet(o->cue_pkt, len);
	if (ret < 0)
		return base_nomem(err);
	memcpy(o->cue_pkt->data, buf, (size_t)len);
	o->cue_pkt->pts = o->cue_pkt->dts = pts;
	o->cue_pkt->duration = duration;
	o->cue_pkt->flags |= AV_PKT_FLAG_KEY;
	o->cue_pkt->stream_index = o->cue_st->index;
	o->cue_pkt->pos = -1;
	av_packet_rescale_ts(o->cue_pkt, tb, o->cue_st->time_base);
	ret = av_interleaved_write_frame(o->fmt, o->cue_pkt);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "%s: write failed: %s",
		    o->path, base_av_err(ret, ebuf, sizeof(ebuf)));
	return EX_OK;
}

ex_status
media_out_create(const char *path, const AVCodecParameters *par,
    AVRational tb, ex_instant creation, int with_cues, media_out **out,
    ex_error *err)
{
	media_out *o = NULL;
	char tbuf[EX_TIME_BUFSZ];
	struct stat sb;
	ex_status st = EX_OK;
	int ret;

	*out = NULL;
	if (lstat(path, &sb) == 0) {
		st = ex_error_set(err, EX_ERR_EXISTS,
		    "%s: already exists (not overwritten)", path);
		goto out;
	}
	o = av_mallocz(sizeof(*o));
	if (o == NULL || (o->path = av_strdup(path)) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	ret = avformat_alloc_output_context2(&o->fmt, NULL, "mp4", path);
	if (ret < 0 || o->fmt == NULL) {
		st = ex_error_set(err, EX_ERR_MEDIA, "no MP4 muxer");
		goto out;
	}
	o->fmt->flags |= AVFMT_FLAG_BITEXACT;
	o->st = avformat_new_stream(o->fmt, NULL);
	if (o->st == NULL) {
		st = base_nomem(err);
		goto out;
	}
	ret = avcodec_parameters_copy(o->st->codecpar, par);
	if (ret < 0) {
		st = base_nomem(err);
		goto out;
	}
	switch (par->codec_id) {
	case AV_CODEC_ID_H264:
		o->st->codecpar->codec_tag = MKTAG('a', 'v', 'c', '1');
		break;
	case AV_CODEC_ID_HEVC:
		o->st->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
		break;
	default:
		o->st->codecpar->codec_tag = 0;
		break;
	}
	o->st->time_base = tb;
	if (with_cues && (st = add_cue_stream(o, par, tb, err)) != EX_OK)
		goto out;
	if (creation != EX_INSTANT_NONE)
		av_dict_set(&o->fmt->metadata, "creation_time",
		    ex_time_format_utc(creation, tbuf, sizeof(tbuf)), 0);
	*out = o;
	o = NULL;
out:
	media_out_abort(&o);
	return st;
}

ex_status
media_out_add(media_out *o, const AVCodecParameters *par,
    AVRational tb, const char *language, int *index, ex_error *err)
{
	AVStream *st;

	*index = -1;
	if (o->header_written)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: stream added after the start", o->path);
	st = avformat_new_stream(o->fmt, NULL);
	if (st == NULL || avcodec_parameters_copy(st->codecpar, par) < 0)
		return base_nomem(err);
	/* The muxer chooses the MP4 sample entry for the codec. */
	st->codecpar->codec_tag = 0;
	st->time_base = tb;
	st->disposition = 0;
	if (language != NULL && language[0] != '\0' &&
	    av_dict_set(&st->metadata, "language", language, 0) < 0)
		return base_nomem(err);
	*index = st->index;
	return EX_OK;
}

ex_status
media_out_start(media_out *o, ex_error *err)
{
	AVDictionary *opts = NULL;
	char ebuf[128];
	ex_status st = EX_OK;
	int ret;

	ret = avio_open(&o->fmt->pb, o->path, AVIO_FLAG_WRITE);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_IO, "%s: cannot create: %s",
		    o->path, base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	av_dict_set(&opts, "movflags", "+faststart", 0);
	ret = avformat_write_header(o->fmt, &opts);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "%s: cannot start MP4: %s",
		    o->path, base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	o->header_written = 1;
out:
	av_dict_free(&opts);
	return st;
}

ex_status
media_out_open(const char *path, const AVCodecParameters *par,
    AVRational tb, ex_instant creation, int with_cues, media_out **out,
    ex_error *err)
{
	ex_status st;

	st = media_out_create(path, par, tb, creation, with_cues, out, err);
	if (st == EX_OK && (st = media_out_start(*out, err)) != EX_OK)
		media_out_abort(out);
	return st;
}

ex_status
media_out_write_to(media_out *o, int index, AVPacket *pkt,
    AVRational tb, ex_error *err)
{
	char ebuf[128];
	int ret;

	if (index < 0 || (unsigned)index >= o->fmt->nb_streams)
		return ex_error_set(err, EX_ERR_USAGE, "%s: no stream %d",
		    o->path, index);
	pkt->stream_index = index;
	pkt->pos = -1;
	av_packet_rescale_ts(pkt, tb, o->fmt->streams[index]->time_base);
	ret = av_interleaved_write_frame(o->fmt, pkt);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "%s: write failed: %s",
		    o->path, base_av_err(ret, ebuf, sizeof(ebuf)));
	return EX_OK;
}

ex_status
media_out_write(media_out *o, AVPacket *pkt, AVRational tb,
    ex_error *err)
{
	return media_out_write_to(o, 0, pkt, tb, err);
}

ex_status
media_out_finish(media_out **po, ex_error *err)
{
	media_out *o = *po;
	char ebuf[128];
	ex_status st = EX_OK;
	int ret;

	ret = av_write_trailer(o->fmt);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "%s: cannot finish MP4: %s",
		    o->path, base_av_err(ret, ebuf, sizeof(ebuf)));
		media_out_abort(po);
		return st;
	}
	o->header_written = 0;
	/* The faststart pass reopens the file by o->fmt->url. */
	ret = avio_closep(&o->fmt->pb);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_IO, "%s: close failed: %s",
		    o->path, base_av_err(ret, ebuf, sizeof(ebuf)));
		media_out_abort(po);
		return st;
	}
	avformat_free_context(o->fmt);
	avcodec_free_context(&o->cue_enc);
	av_packet_free(&o->cue_pkt);
	av_free(o->path);
	av_freep(po);
	return EX_OK;
}

void
media_out_abort(media_out **po)
{
	media_out *o;

	if (po == NULL || *po == NULL)
		return;
	o = *po;
	if (o->fmt != NULL) {
		if (o->fmt->pb != NULL) {
			avio_closep(&o->fmt->pb);
			if (o->path != NULL)
				unlink(o->path);
		}
		avformat_free_context(o->fmt);
	}
	avcodec_free_context(&o->cue_enc);
	av_packet_free(&o->cue_pkt);
	av_free(o->path);
	av_freep(po);
}

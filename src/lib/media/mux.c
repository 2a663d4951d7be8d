/*
 * mux.c — MP4 output files.
 *
 * One video stream, AVFMT_FLAG_BITEXACT (no encoder version strings, so
 * the same packets give the same bytes), +faststart so the index precedes
 * the data (players and browsers can start at once), and the mvhd
 * creation_time set from the file's first frame.  The faststart pass
 * reopens the file by name, so outputs are always real files.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/media_private.h"

ex_status
ex_media_out_open(const char *path, const AVCodecParameters *par,
    AVRational tb, ex_instant creation, ex_media_out **out, ex_error *err)
{
	ex_media_out *o = NULL;
	AVDictionary *opts = NULL;
	char ebuf[128], tbuf[EX_TIME_BUFSZ];
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
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	ret = avcodec_parameters_copy(o->st->codecpar, par);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
	if (creation != EX_INSTANT_NONE)
		av_dict_set(&o->fmt->metadata, "creation_time",
		    ex_time_format_utc(creation, tbuf, sizeof(tbuf)), 0);
	ret = avio_open(&o->fmt->pb, path, AVIO_FLAG_WRITE);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_IO, "%s: cannot create: %s", path,
		    ex_media_averr(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	av_dict_set(&opts, "movflags", "+faststart", 0);
	ret = avformat_write_header(o->fmt, &opts);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "%s: cannot start MP4: %s",
		    path, ex_media_averr(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	o->header_written = 1;
	*out = o;
	o = NULL;
out:
	av_dict_free(&opts);
	ex_media_out_abort(&o);
	return st;
}

ex_status
ex_media_out_write(ex_media_out *o, AVPacket *pkt, AVRational tb,
    ex_error *err)
{
	char ebuf[128];
	int ret;

	pkt->stream_index = 0;
	pkt->pos = -1;
	av_packet_rescale_ts(pkt, tb, o->st->time_base);
	ret = av_interleaved_write_frame(o->fmt, pkt);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "%s: write failed: %s",
		    o->path, ex_media_averr(ret, ebuf, sizeof(ebuf)));
	return EX_OK;
}

ex_status
ex_media_out_finish(ex_media_out **po, ex_error *err)
{
	ex_media_out *o = *po;
	char ebuf[128];
	ex_status st = EX_OK;
	int ret;

	ret = av_write_trailer(o->fmt);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "%s: cannot finish MP4: %s",
		    o->path, ex_media_averr(ret, ebuf, sizeof(ebuf)));
		ex_media_out_abort(po);
		return st;
	}
	o->header_written = 0;
	/* The faststart pass reopens the file by o->fmt->url. */
	ret = avio_closep(&o->fmt->pb);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_IO, "%s: close failed: %s",
		    o->path, ex_media_averr(ret, ebuf, sizeof(ebuf)));
		ex_media_out_abort(po);
		return st;
	}
	avformat_free_context(o->fmt);
	av_free(o->path);
	av_freep(po);
	return EX_OK;
}

void
ex_media_out_abort(ex_media_out **po)
{
	ex_media_out *o;

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
	av_free(o->path);
	av_freep(po);
}

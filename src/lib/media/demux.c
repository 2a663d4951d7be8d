/*
 * demux.c — opening recorder files safely and placing their packets on the
 * recorder's clock.
 *
 * Recorder files are untrusted input: they are opened as every file the
 * library gives FFmpeg is (base_av.h): only through the file protocol,
 * only with the demuxers exhibit supports, and with a bounded probe.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/error.h>
#include <libavutil/mathematics.h>

#include "exhibit/fileio.h"
#include "media/media_private.h"

int
media_seg_relevant(const ex_segment *seg, ex_instant from, ex_instant to)
{
	if (seg->state == EX_SEG_UNREADABLE || seg->path == NULL)
		return 0;
	if (seg->start != EX_INSTANT_NONE && seg->start >= to)
		return 0;
	if (seg->end != EX_INSTANT_NONE && seg->end > seg->start &&
	    seg->end <= from)
		return 0;
	return 1;
}

ex_status
media_in_open(const ex_segment *seg, media_in **out, ex_error *err)
{
	media_in *in = NULL;
	const char *name;
	char ebuf[128];
	ex_error ferr;
	ex_status st = EX_OK;
	int ret, fd = -1;

	*out = NULL;
	/* Only a regular file, opened without waiting (exhibit/fileio.h);
	 * libavformat then opens this very file (base_av.h). */
	if ((st = ex_file_open(AT_FDCWD, seg->path, 0, "cannot open", &fd,
	    NULL, &ferr)) != EX_OK)
		return ex_error_set(err, st == EX_ERR_NOMEM ? st :
		    EX_ERR_MEDIA, "%s", ferr.message);
	in = av_mallocz(sizeof(*in));
	if (in == NULL) {
		st = base_nomem(err);
		goto out;
	}
	ret = base_av_open_fd(fd, seg->path, NULL, &in->fmt);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "cannot open: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	ret = avformat_find_stream_info(in->fmt, NULL);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "cannot read streams: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	ret = av_find_best_stream(in->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "no video stream");
		goto out;
	}
	in->index = ret;
	in->st = in->fmt->streams[ret];
	in->tb = in->st->time_base;
	in->first_pts = in->st->start_time;
	in->seg_start = seg->start;
	in->frame_usec = 40000;
	if (in->st->avg_frame_rate.num > 0 && in->st->avg_frame_rate.den > 0)
		in->frame_usec = av_rescale(EX_USEC_PER_SEC,
		    in->st->avg_frame_rate.den, in->st->avg_frame_rate.num);
	else if (seg->fps_num > 0 && seg->fps_den > 0)
		in->frame_usec = av_rescale(EX_USEC_PER_SEC, seg->fps_den,
		    seg->fps_num);
	name = in->fmt->iformat->name;
	in->indexed = strstr(name, "mp4") != NULL ||
	    strstr(name, "matroska") != NULL;
	/* Only the video stream is read. */
	for (unsigned i = 0; i < in->fmt->nb_streams; i++)
		if ((int)i != in->index)
			in->fmt->streams[i]->discard = AVDISCARD_ALL;
	*out = in;
	in = NULL;
out:
	media_in_close(&in);
	close(fd);
	return st;
}

void
media_in_close(media_in **in)
{
	if (in == NULL || *in == NULL)
		return;
	avformat_close_input(&(*in)->fmt);
	av_freep(in);
}

ex_instant
media_in_instant(media_in *in, int64_t ts)
{
	if (in->first_pts == AV_NOPTS_VALUE)
		in->first_pts = ts;
	return in->seg_start + av_rescale_q(ts - in->first_pts, in->tb,
	    AV_TIME_BASE_Q);
}

int64_t
media_in_ts(const media_in *in, ex_instant t)
{
	int64_t first = in->first_pts == AV_NOPTS_VALUE ? 0 : in->first_pts;

	return first + av_rescale_q(t - in->seg_start, AV_TIME_BASE_Q, in->tb);
}

ex_instant
media_in_instant_of(const media_in *in, const AVStream *st, int64_t ts)
{
	int64_t first = in->first_pts == AV_NOPTS_VALUE ? 0 : in->first_pts;

	return in->seg_start + av_rescale_q(ts, st->time_base,
	    AV_TIME_BASE_Q) - av_rescale_q(first, in->tb, AV_TIME_BASE_Q);
}

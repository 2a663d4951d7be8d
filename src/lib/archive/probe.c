/*
 * probe.c — open one segment file read-only with libavformat, describe it
 * and read its video packets (no decoding) for the exact first and last
 * frame, the frame and keyframe counts and variable frame rate.  Damage
 * becomes the segment's state and problem, never a failure.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "archive/archive_private.h"
#include "base.h"
#include "base_av.h"
#include "exhibit/fileio.h"

/* --- MPEG program streams cut while writing ---------------------------- */

#define PS_TAIL (256 * 1024)	/* > the largest pack a PES can make */

/* Walk the packs from b[at], a pack start code, to the end of the n bytes:
 * 1 if a length runs past the end (the file was cut inside a pack), 0 if
 * everything ends cleanly, -1 if this was no pack after all. */
static int
ps_walk(const unsigned char *b, size_t n, size_t at)
{
	size_t p = at, len;

	for (;;) {
		if (n - p < 5)
			return 1;
		if ((b[p + 4] & 0xc4) == 0x44) {		/* MPEG-2 */
			if (n - p < 14)
				return 1;
			p += 14 + (b[p + 13] & 7);
		} else if ((b[p + 4] & 0xf1) == 0x21) {	/* MPEG-1 */
			p += 12;
		} else
			return -1;
		for (;;) {
			if (p >= n)
				return p > n;
			if (n - p < 4)
				return 1;
			if (b[p] != 0 || b[p + 1] != 0 || b[p + 2] != 1 ||
			    b[p + 3] < 0xb9)
				return -1;
			if (b[p + 3] == 0xb9)		/* program end */
				return 0;
			if (b[p + 3] == 0xba)		/* the next pack */
				break;
			if (n - p < 6)
				return 1;
			len = 6 + ((size_t)b[p + 4] << 8 | b[p + 5]);
			if (len > n - p)
				return 1;
			p += len;
		}
	}
}

/* Does the MPEG program stream in fd end inside a pack?  The demuxer
 * reads a cut-short last packet as a whole one, so look at the last pack
 * itself: its packets' lengths must end at the end of the file (or at a
 * program end code).  A pack start code found inside payload data is
 * passed over for an earlier one. */
static int
ps_cut_short(int fd, int64_t size)
{
	unsigned char *b;
	size_t n, i;
	int cut = 0, w;

	n = size > PS_TAIL ? PS_TAIL : (size_t)size;
	if (n < 4 || (b = malloc(n)) == NULL)
		return 0;
	if (pread(fd, b, n, (off_t)(size - (int64_t)n)) != (ssize_t)n)
		goto out;
	for (i = n - 3; i-- > 0;) {
		if (b[i] != 0 || b[i + 1] != 0 || b[i + 2] != 1 ||
		    b[i + 3] != 0xba)
			continue;
		if ((w = ps_walk(b, n, i)) >= 0) {
			cut = w;
			break;
		}
	}
out:
	free(b);
	return cut;
}

/* --- probing ----------------------------------------------------------- */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
copy_name(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* " (last FFmpeg error)" or "" */
static const char *
log_detail(char *buf, size_t size)
{
	if (base_avlog_last()[0] == '\0')
		buf[0] = '\0';
	else
		snprintf(buf, size, " (%s)", base_avlog_last());
	return buf;
}

/* Every stream of the file: its type and codec (or tag). */
static ex_status
list_streams(ex_segment *seg, const AVFormatContext *ic, ex_error *err)
{
	char tag[AV_FOURCC_MAX_STRING_SIZE];
	const char *type;
	unsigned i;

	free(seg->streams);
	seg->nstreams = 0;
	if ((seg->streams = calloc(ic->nb_streams + 1,
	    sizeof(*seg->streams))) == NULL)
		return base_nomem(err);
	for (i = 0; i < ic->nb_streams; i++) {
		const AVCodecParameters *par = ic->streams[i]->codecpar;
		ex_segment_stream *s = &seg->streams[i];

		type = av_get_media_type_string(par->codec_type);
		copy_name(s->type, sizeof(s->type), type != NULL ? type :
		    "unknown");
		if (par->codec_id != AV_CODEC_ID_NONE || par->codec_tag == 0)
			copy_name(s->codec, sizeof(s->codec),
			    avcodec_get_name(par->codec_id));
		else
			copy_name(s->codec, sizeof(s->codec),
			    av_fourcc_make_string(tag, par->codec_tag));
	}
	seg->nstreams = ic->nb_streams;
	return EX_OK;
}

ex_status
archive_probe_segment(ex_segment *seg, int64_t *first_offset,
    int64_t *length, int64_t *last_offset, ex_instant *created,
    ex_error *err)
{
	AVFormatContext *ic = NULL;
	AVDictionaryEntry *tag;
	AVPacket *pkt = NULL;
	AVStream *vs;
	AVRational tb;
	int64_t *pts = NULL, maxpts = INT64_MIN, lastdur = 0, zero, dmin, dmax;
	int64_t declared;
	size_t n = 0, cap = 0, i;
	int64_t corrupt = 0, keys = 0;
	char detail[300], ebuf[AV_ERROR_MAX_STRING_SIZE];
	struct stat sb;
	ex_error ferr;
	ex_status st = EX_OK;
	int ret, vi, read_error = 0, fd = -1, hevc, lsize;

	*first_offset = 0;
	*length = 0;
	*last_offset = 0;
	*created = EX_INSTANT_NONE;
	base_avlog_reset();
	/* A FIFO, folder, device or link loop named like a segment is
	 * damage, found without waiting on it (exhibit/fileio.h). */
	if ((st = ex_file_open(AT_FDCWD, seg->path, 0, "", &fd, &sb,
	    &ferr)) != EX_OK) {
		if (st == EX_ERR_NOMEM)
			goto nomem;
		archive_segment_refuse(seg, "%s%s", st ==
		    EX_ERR_UNSUPPORTED ? "" : "cannot open: ", ferr.message);
		st = EX_OK;
		goto out;
	}
	seg->size = (int64_t)sb.st_size;
	if (sb.st_size == 0) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "empty file (0 bytes)");
		goto out;
	}
	/* Only the decoders exhibit needs may see recorder data. */
	ret = base_av_open_fd(fd, seg->path, "h264,hevc", &ic);
	if (ret == AVERROR(ENOMEM))
		goto nomem;
	if (ret < 0) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "not readable as media: %s%s", av_make_error_string(ebuf,
		    sizeof(ebuf), ret), log_detail(detail, sizeof(detail)));
		goto out;
	}
	copy_name(seg->container, sizeof(seg->container), ic->iformat->name);
	if ((tag = av_dict_get(ic->metadata, "creation_time", NULL, 0)) !=
	    NULL && ex_time_parse(tag->value, "UTC", created, NULL) != EX_OK)
		*created = EX_INSTANT_NONE;
	base_avlog_reset();
	if ((ret = avformat_find_stream_info(ic, NULL)) < 0) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "no stream information: %s%s", av_make_error_string(ebuf,
		    sizeof(ebuf), ret), log_detail(detail, sizeof(detail)));
		goto out;
	}
	if ((st = list_streams(seg, ic, err)) != EX_OK)
		goto out;
	vi = av_find_best_stream(ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (vi < 0) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "no video stream%s", log_detail(detail, sizeof(detail)));
		goto out;
	}
	vs = ic->streams[vi];
	tb = vs->time_base;
	for (i = 0; i < ic->nb_streams; i++)
		if ((int)i != vi)
			ic->streams[i]->discard = AVDISCARD_ALL;
	copy_name(seg->codec, sizeof(seg->codec),
	    avcodec_get_name(vs->codecpar->codec_id));
	/* A codec FFmpeg cannot decode cannot be cut or re-encoded either:
	 * the file is kept (as a master) but nothing can be read from it. */
	if (vs->codecpar->codec_id == AV_CODEC_ID_NONE ||
	    avcodec_find_decoder(vs->codecpar->codec_id) == NULL) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "unknown video codec '%s': no decoder for it",
		    seg->codec);
		goto out;
	}
	/* exhibit decodes only what recorders write: H.264 and H.265. */
	if (vs->codecpar->codec_id != AV_CODEC_ID_H264 &&
	    vs->codecpar->codec_id != AV_CODEC_ID_HEVC) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "unsupported video codec '%s' (exhibit reads H.264 and "
		    "H.265); the file is kept as a master only", seg->codec);
		goto out;
	}
	seg->width = vs->codecpar->width;
	seg->height = vs->codecpar->height;
	if (vs->avg_frame_rate.num > 0 && vs->avg_frame_rate.den > 0) {
		seg->fps_num = vs->avg_frame_rate.num;
		seg->fps_den = vs->avg_frame_rate.den;
	}
	if (*created == EX_INSTANT_NONE && (tag = av_dict_get(vs->metadata,
	    "creation_time", NULL, 0)) != NULL &&
	    ex_time_parse(tag->value, "UTC", created, NULL) != EX_OK)
		*created = EX_INSTANT_NONE;
	declared = vs->nb_frames;
	hevc = vs->codecpar->codec_id == AV_CODEC_ID_HEVC;
	lsize = archive_sei_length_size(vs->codecpar->extradata,
	    (size_t)(vs->codecpar->extradata_size > 0 ?
	    vs->codecpar->extradata_size : 0), hevc);

	if ((pkt = av_packet_alloc()) == NULL)
		goto nomem;
	base_avlog_reset();
	for (;;) {
		int64_t t;

		ret = av_read_frame(ic, pkt);
		if (ret < 0) {
			if (ret != AVERROR_EOF)
				read_error = ret;
			break;
		}
		if (pkt->stream_index != vi ||
		    (pkt->flags & AV_PKT_FLAG_DISCARD)) {
			av_packet_unref(pkt);
			continue;
		}
		t = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
		if (pkt->flags & AV_PKT_FLAG_CORRUPT) {
			corrupt++;   /* cut short: not a recoverable frame */
			av_packet_unref(pkt);
			continue;
		}
		if (t == AV_NOPTS_VALUE) {
			av_packet_unref(pkt);
			continue;
		}
		if (base_grow(&pts, &cap, n + 1, sizeof(*pts), 1024) != 0) {
			av_packet_unref(pkt);
			goto nomem;
		}
		pts[n++] = t;
		if (t >= maxpts) {
			maxpts = t;
			lastdur = pkt->duration;
		}
		if (pkt->flags & AV_PKT_FLAG_KEY)
			keys++;
		if (seg->signatures != (EX_SIGNED_AXIS | EX_SIGNED_ONVIF))
			seg->signatures |= archive_sei_signatures(pkt->data,
			    (size_t)pkt->size, hevc, lsize);
		av_packet_unref(pkt);
	}
	seg->frames = (int64_t)n;
	seg->keyframes = keys;
	if (n == 0) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "no video frame could be read%s",
		    log_detail(detail, sizeof(detail)));
		goto out;
	}
	qsort(pts, n, sizeof(*pts), cmp_i64);
	dmin = INT64_MAX;
	dmax = 0;
	for (i = 1; i < n; i++) {
		int64_t d = pts[i] - pts[i - 1];

		if (d < dmin)
			dmin = d;
		if (d > dmax)
			dmax = d;
	}
	seg->vfr = n > 2 && dmax - dmin > 2 && (dmax - dmin) * 20 > dmax;
	if (lastdur <= 0) {
		if (seg->fps_num > 0)
			lastdur = av_rescale_q(1, (AVRational){ seg->fps_den,
			    seg->fps_num }, tb);
		else if (n > 1)
			lastdur = pts[n - 1] - pts[n - 2];
	}
	/* MPEG-TS and MPEG-PS stamp pictures on a free-running 90 kHz clock
	 * (PCR/SCR) that does not start at zero: the file starts at its
	 * first timestamp.  MP4, Matroska and AVI count from the file's
	 * start (AVI by frame number). */
	zero = 0;
	if (strcmp(ic->iformat->name, "mpegts") == 0 ||
	    strcmp(ic->iformat->name, "mpeg") == 0)
		zero = ic->start_time != AV_NOPTS_VALUE ? ic->start_time :
		    av_rescale_q(pts[0], tb, AV_TIME_BASE_Q);
	*first_offset = av_rescale_q(pts[0], tb, AV_TIME_BASE_Q) - zero;
	*length = av_rescale_q(pts[n - 1] + lastdur - pts[0], tb,
	    AV_TIME_BASE_Q);
	*last_offset = av_rescale_q(pts[n - 1] - pts[0], tb, AV_TIME_BASE_Q);

	/* MPEG-TS carries no frame count: a file that ends inside a
	 * 188-byte packet (or 192/204 variants) was cut while writing. */
	if (strcmp(ic->iformat->name, "mpegts") == 0 && seg->size % 188 != 0 &&
	    seg->size % 192 != 0 && seg->size % 204 != 0)
		archive_segment_problem(seg, EX_SEG_DAMAGED,
		    "%zu frames readable; the file ends inside a transport "
		    "stream packet (file truncated)", n);
	if (strcmp(ic->iformat->name, "mpeg") == 0 &&
	    ps_cut_short(fd, seg->size))
		archive_segment_problem(seg, EX_SEG_DAMAGED,
		    "%zu frames readable; the file ends inside a program "
		    "stream pack (file truncated)", n);
	if (read_error != 0 || corrupt > 0 || (declared > 0 &&
	    (int64_t)n < declared) || base_avlog_errors() > 0) {
		char what[200];
		size_t w;

		if (declared > (int64_t)n)
			w = (size_t)snprintf(what, sizeof(what),
			    "%zu of %lld frames readable", n,
			    (long long)declared);
		else
			w = (size_t)snprintf(what, sizeof(what),
			    "%zu frames readable", n);
		if (corrupt > 0 && w < sizeof(what))
			w += (size_t)snprintf(what + w, sizeof(what) - w,
			    ", %lld cut short (file truncated)",
			    (long long)corrupt);
		else if (declared > (int64_t)n && read_error == 0 &&
		    w < sizeof(what))
			w += (size_t)snprintf(what + w, sizeof(what) - w,
			    " (file truncated?)");
		if (read_error != 0 && w < sizeof(what))
			snprintf(what + w, sizeof(what) - w,
			    ", then a read error: %s", av_make_error_string(
			    ebuf, sizeof(ebuf), read_error));
		archive_segment_problem(seg, EX_SEG_DAMAGED, "%s%s", what,
		    log_detail(detail, sizeof(detail)));
	}
	goto out;
nomem:
	st = base_nomem(err);
out:
	free(pts);
	av_packet_free(&pkt);
	avformat_close_input(&ic);
	if (fd >= 0)
		close(fd);
	return st;
}

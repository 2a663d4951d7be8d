/*
 * still.c — ex_media_still: the frame shown at one instant, burned in, as
 * a PNG.
 *
 * The segment that holds the instant is decoded (entered by a seek a
 * second before it in MP4 and Matroska, from its beginning otherwise, or
 * again from its beginning when the seek landed too late) up to the first
 * frame after the instant; the last frame at or before it is kept.  The
 * burn-in is drawn in the decoder's own pixel format (converted to
 * yuv420p first only when the overlay cannot draw into it), then the
 * picture is converted once to RGB and encoded by FFmpeg's PNG encoder.
 * The lines drawn are written into the PNG as an iTXt chunk, so the file
 * carries its own record of the text in its pixels.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/crc.h>
#include <libavutil/intreadwrite.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "exhibit/overlay.h"
#include "media/media_private.h"

#define ITXT_KEYWORD "Burned-in text"
#define PNG_SIG_AND_IHDR (8 + 4 + 4 + 13 + 4)

/* The frame found. */
typedef struct pick {
	AVFrame *frame;           /* NULL until a frame at or before `at` */
	ex_instant rec;           /* its recorder instant */
	ex_instant dur;           /* its duration */
	int rotation;             /* degrees clockwise it is turned upright */
} pick;

/* Decode seg up to the first frame after at_rec; keep the last frame at or
 * before it in p.  *restart: the seek landed after at_rec. */
static ex_status
scan_segment(media_job *job, const ex_segment *seg, ex_instant at_rec,
    int allow_seek, int threads, pick *p, int *restart, ex_error *err)
{
	media_dec md;
	media_in *in;
	AVFrame *frame;
	char ebuf[128];
	int seek_check = 0, done = 0, eof = 0, ret;
	ex_status st;

	*restart = 0;
	st = media_dec_open(job, seg, threads, &md, err);
	if (st != EX_OK || md.in == NULL)
		return st;
	in = md.in;
	frame = md.frame;
	if (allow_seek && (seek_check = media_dec_seek(&md, seg,
	    at_rec)) < 0) {
		*restart = 1;
		goto out;
	}
	while (!done) {
		if (!eof) {
			ret = av_read_frame(in->fmt, md.pkt);
			if (ret < 0) {
				if (ret != AVERROR_EOF)
					media_job_problem(job, seg, at_rec, 0,
					    "read error: %s", base_av_err(ret,
					    ebuf, sizeof(ebuf)));
				eof = 1;
				ret = avcodec_send_packet(md.dec, NULL);
			} else if (md.pkt->stream_index != in->index) {
				av_packet_unref(md.pkt);
				continue;
			} else {
				ret = avcodec_send_packet(md.dec, md.pkt);
				av_packet_unref(md.pkt);
				if (ret < 0 && ret != AVERROR(EAGAIN))
					media_job_problem(job, seg, at_rec, 0,
					    "decode error: %s", base_av_err(ret,
					    ebuf, sizeof(ebuf)));
			}
		}
		for (;;) {
			int64_t ts;
			ex_instant rec;

			ret = avcodec_receive_frame(md.dec, frame);
			if (ret == AVERROR(EAGAIN) && !eof)
				break;
			if (ret == AVERROR_EOF || ret == AVERROR(EAGAIN)) {
				done = 1;
				break;
			}
			if (ret < 0) {
				media_job_problem(job, seg, at_rec, 0,
				    "decode error: %s", base_av_err(ret, ebuf,
				    sizeof(ebuf)));
				if (eof)
					done = 1;
				break;
			}
			ts = frame->best_effort_timestamp != AV_NOPTS_VALUE ?
			    frame->best_effort_timestamp : frame->pts;
			if (ts == AV_NOPTS_VALUE) {
				av_frame_unref(frame);
				continue;
			}
			rec = media_in_instant(in, ts);
			if (seek_check) {
				seek_check = 0;
				if (rec > at_rec) {
					*restart = 1;
					goto out;
				}
			}
			if (rec > at_rec) {
				done = 1;
				break;
			}
			if (p->frame == NULL && (p->frame = av_frame_alloc()) ==
			    NULL) {
				st = base_nomem(err);
				goto out;
			}
			av_frame_unref(p->frame);
			av_frame_move_ref(p->frame, frame);
			p->rec = rec;
			p->rotation = media_rotation(in->st);
			p->dur = p->frame->pkt_duration > 0 ?
			    av_rescale_q(p->frame->pkt_duration, in->tb,
			    AV_TIME_BASE_Q) : in->frame_usec;
		}
	}
out:
	media_dec_close(&md);
	return st;
}

/* src converted to yuv420p, in a new frame *conv. */
static ex_status
plain_yuv420p(const AVFrame *src, AVFrame **conv, ex_error *err)
{
	struct SwsContext *sws;

	sws = sws_getContext(src->width, src->height, src->format,
	    src->width, src->height, AV_PIX_FMT_YUV420P,
	    SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT, NULL, NULL, NULL);
	if (sws == NULL)
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "cannot convert %s pictures to yuv420p",
		    av_get_pix_fmt_name(src->format));
	*conv = av_frame_alloc();
	if (*conv == NULL) {
		sws_freeContext(sws);
		return base_nomem(err);
	}
	(*conv)->format = AV_PIX_FMT_YUV420P;
	(*conv)->width = src->width;
	(*conv)->height = src->height;
	if (av_frame_get_buffer(*conv, 0) < 0 ||
	    av_frame_copy_props(*conv, src) < 0) {
		sws_freeContext(sws);
		return base_nomem(err);
	}
	sws_scale(sws, (const uint8_t *const *)src->data, src->linesize, 0,
	    src->height, (*conv)->data, (*conv)->linesize);
	sws_freeContext(sws);
	if ((*conv)->color_range == AVCOL_RANGE_UNSPECIFIED)
		(*conv)->color_range = AVCOL_RANGE_MPEG;
	return EX_OK;
}

/* Bring the picture to a format the overlay can draw into: its own when
 * possible, else yuv420p.  *pic is p->frame (made writable) or *conv. */
static ex_status
drawable(AVFrame *src, AVFrame **conv, ex_overlay **ov, AVFrame **pic,
    ex_error *err)
{
	ex_error oerr;
	ex_status st;

	ex_error_clear(&oerr);
	st = ex_overlay_new(src->width, src->height, src->format, ov, &oerr);
	if (st == EX_OK) {
		if (av_frame_make_writable(src) < 0)
			return base_nomem(err);
		*pic = src;
		return EX_OK;
	}
	if (st != EX_ERR_UNSUPPORTED) {
		if (err != NULL)
			*err = oerr;
		return st;
	}
	if ((st = plain_yuv420p(src, conv, err)) != EX_OK)
		return st;
	*pic = *conv;
	return ex_overlay_new(src->width, src->height, AV_PIX_FMT_YUV420P, ov,
	    err);
}

/* The picture as packed RGB, full range. */
static ex_status
to_rgb(const AVFrame *pic, AVFrame **rgb, ex_error *err)
{
	enum AVPixelFormat fmt = pic->format;
	int full = pic->color_range == AVCOL_RANGE_JPEG;
	struct SwsContext *sws;
	int cs;

	/* The yuvj formats are full-range yuv: say so rather than let
	 * swscale guess (and warn). */
	switch (fmt) {
	case AV_PIX_FMT_YUVJ420P: fmt = AV_PIX_FMT_YUV420P; full = 1; break;
	case AV_PIX_FMT_YUVJ422P: fmt = AV_PIX_FMT_YUV422P; full = 1; break;
	case AV_PIX_FMT_YUVJ444P: fmt = AV_PIX_FMT_YUV444P; full = 1; break;
	default: break;
	}
	sws = sws_getContext(pic->width, pic->height, fmt, pic->width,
	    pic->height, AV_PIX_FMT_RGB24, SWS_BICUBIC | SWS_ACCURATE_RND |
	    SWS_BITEXACT | SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
	if (sws == NULL)
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "cannot convert %s pictures to RGB",
		    av_get_pix_fmt_name(pic->format));
	/* Unknown matrices are taken as BT.601 (swscale's default). */
	cs = pic->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 :
	    pic->colorspace == AVCOL_SPC_BT2020_NCL ? SWS_CS_BT2020 :
	    SWS_CS_DEFAULT;
	sws_setColorspaceDetails(sws, sws_getCoefficients(cs), full,
	    sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
	*rgb = av_frame_alloc();
	if (*rgb == NULL) {
		sws_freeContext(sws);
		return base_nomem(err);
	}
	(*rgb)->format = AV_PIX_FMT_RGB24;
	(*rgb)->width = pic->width;
	(*rgb)->height = pic->height;
	if (av_frame_get_buffer(*rgb, 0) < 0) {
		sws_freeContext(sws);
		return base_nomem(err);
	}
	sws_scale(sws, (const uint8_t *const *)pic->data, pic->linesize, 0,
	    pic->height, (*rgb)->data, (*rgb)->linesize);
	sws_freeContext(sws);
	(*rgb)->sample_aspect_ratio = pic->sample_aspect_ratio;
	return EX_OK;
}

static ex_status
encode_png(const AVFrame *rgb, AVPacket **out, ex_error *err)
{
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
	AVCodecContext *enc = NULL;
	AVPacket *pkt = NULL;
	char ebuf[128];
	ex_status st = EX_OK;
	int ret;

	*out = NULL;
	if (codec == NULL)
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "FFmpeg was built without the PNG encoder");
	enc = avcodec_alloc_context3(codec);
	pkt = av_packet_alloc();
	if (enc == NULL || pkt == NULL) {
		st = base_nomem(err);
		goto out;
	}
	enc->width = rgb->width;
	enc->height = rgb->height;
	enc->pix_fmt = AV_PIX_FMT_RGB24;
	enc->time_base = (AVRational){ 1, 25 };
	enc->sample_aspect_ratio = rgb->sample_aspect_ratio;
	enc->thread_count = 1;
	enc->flags |= AV_CODEC_FLAG_BITEXACT;
	ret = avcodec_open2(enc, codec, NULL);
	if (ret >= 0)
		ret = avcodec_send_frame(enc, rgb);
	if (ret >= 0)
		ret = avcodec_send_frame(enc, NULL);
	if (ret >= 0)
		ret = avcodec_receive_packet(enc, pkt);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "PNG encoder: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (pkt->size < PNG_SIG_AND_IHDR ||
	    memcmp(pkt->data + 12, "IHDR", 4) != 0) {
		st = ex_error_set(err, EX_ERR_MEDIA,
		    "PNG encoder: unexpected output");
		goto out;
	}
	*out = pkt;
	pkt = NULL;
out:
	av_packet_free(&pkt);
	avcodec_free_context(&enc);
	return st;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* An iTXt chunk (uncompressed, no language) holding text. */
static uint8_t *
itxt_chunk(const char *text, size_t *len)
{
	static const char key[] = ITXT_KEYWORD;
	/* keyword NUL, compression flag, method, language NUL, translated
	 * keyword NUL, text */
	size_t data = sizeof(key) + 2 + 1 + 1 + strlen(text);
	uint8_t *c = malloc(data + 12), *d;
	uint32_t crc;

	if (c == NULL)
		return NULL;
	AV_WB32(c, (uint32_t)data);
	memcpy(c + 4, "iTXt", 4);
	d = c + 8;
	memcpy(d, key, sizeof(key));
	d += sizeof(key);
	*d++ = 0;
	*d++ = 0;
	*d++ = 0;
	*d++ = 0;
	memcpy(d, text, strlen(text));
	crc = av_crc(av_crc_get_table(AV_CRC_32_IEEE_LE), UINT32_MAX, c + 4,
	    data + 4) ^ UINT32_MAX;
	AV_WB32(c + 8 + data, crc);
	*len = data + 12;
	return c;
}

/* Write the PNG to path (which must not exist) with the iTXt after IHDR.
 * *created: the file was made (and so is ours to delete). */
static ex_status
write_png(const char *path, const AVPacket *png, const char *text,
    int *created, ex_error *err)
{
	uint8_t *chunk;
	size_t clen;
	int fd, bad;

	*created = 0;
	chunk = itxt_chunk(text, &clen);
	if (chunk == NULL)
		return base_nomem(err);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;

		free(chunk);
		if (e == EEXIST)
			return ex_error_set(err, EX_ERR_EXISTS,
			    "%s: already exists (not overwritten)", path);
		errno = e;
		return ex_error_errno(err, "%s: cannot create", path);
	}
	*created = 1;
	bad = write_all(fd, png->data, PNG_SIG_AND_IHDR) != 0 ||
	    write_all(fd, chunk, clen) != 0 ||
	    write_all(fd, png->data + PNG_SIG_AND_IHDR,
	    (size_t)png->size - PNG_SIG_AND_IHDR) != 0;
	free(chunk);
	if (close(fd) != 0)
		bad = 1;
	if (bad)
		return ex_error_errno(err, "%s: write failed", path);
	return EX_OK;
}

/* Burn in, convert, encode and write the picked frame. */
static ex_status
make_still(media_job *job, const ex_segment *seg, pick *p,
    const ex_media_working_options *opts, ex_error *err)
{
	ex_instant t = ex_time_recorder_to_true(p->rec,
	    job->range->clock_offset);
	ex_overlay *ov = NULL;
	AVFrame *conv = NULL, *rgb = NULL, *pic = p->frame;
	AVPacket *png = NULL;
	ex_media_file *f;
	media_burn b;
	char *path = NULL;
	size_t len;
	int created = 0;
	ex_status st;

	/* A camera mounted on its side: the still stands upright, as the
	 * working copy does (8-bit planar pictures are turned as they are,
	 * others first converted to yuv420p). */
	if (p->rotation != 0) {
		if (!media_upright_can(p->frame->format)) {
			if ((st = plain_yuv420p(p->frame, &conv, err)) != EX_OK)
				goto out;
			/* swscale took yuvj* as full range, made limited. */
			if (strncmp(av_get_pix_fmt_name(p->frame->format),
			    "yuvj", 4) == 0)
				conv->color_range = AVCOL_RANGE_MPEG;
			av_frame_free(&p->frame);
			p->frame = conv;
			conv = NULL;
		}
		if ((st = media_upright(&p->frame, p->rotation, NULL,
		    err)) != EX_OK)
			goto out;
		pic = p->frame;
	}
	/* Masks are drawn in yuv420p (limited range), as in the working
	 * copies; the burn-in then goes above them in that picture. */
	if (opts != NULL && opts->masks != NULL && opts->masks->nmasks > 0) {
		if (p->frame->format != AV_PIX_FMT_YUV420P) {
			if ((st = plain_yuv420p(p->frame, &conv, err)) != EX_OK)
				goto out;
			av_frame_free(&p->frame);
			p->frame = conv;
			conv = NULL;
		} else if (av_frame_make_writable(p->frame) < 0) {
			st = base_nomem(err);
			goto out;
		}
		pic = p->frame;
		media_mask_draw(pic, opts->masks, opts->camera, t, NULL);
	}
	media_burn_text(&b, job->range, opts != NULL ? opts->label : NULL,
	    t);
	if (opts == NULL || !opts->no_overlay) {
		st = drawable(p->frame, &conv, &ov, &pic, err);
		if (st == EX_OK)
			st = ex_overlay_draw(ov, pic, b.lines, b.nlines, err);
		if (st != EX_OK)
			goto out;
	}
	if ((st = to_rgb(pic, &rgb, err)) != EX_OK ||
	    (st = encode_png(rgb, &png, err)) != EX_OK)
		goto out;
	len = strlen(job->outdir) + strlen(job->base) + sizeof("/.png");
	if ((path = malloc(len)) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	snprintf(path, len, "%s/%s.png", job->outdir, job->base);
	{
		/* The record: every line drawn, or none when nothing was. */
		char record[1024] = "";

		if (ov != NULL)
			for (int i = 0; i < b.nlines; i++)
				snprintf(record + strlen(record),
				    sizeof(record) - strlen(record), "%s%s",
				    i > 0 ? "\n" : "", b.lines[i]);
		st = write_png(path, png, record, &created, err);
	}
	if (created) {
		/* From here the result owns the file (and deletes it on
		 * failure). */
		ex_status ast = media_job_add_file(job, path, "png",
		    pic->width, pic->height, &f, err);

		path = NULL;
		if (ast != EX_OK) {
			st = ast;
			goto out;
		}
		if (st != EX_OK)
			goto out;
		if ((st = media_file_add_source(f, seg, err)) != EX_OK)
			goto out;
		media_file_add_frame(f, p->rec, p->dur,
		    job->range->clock_offset);
		job->res->actual_from = f->first_true;
		job->res->actual_to = f->end_true;
	}
out:
	if (path != NULL && created)
		unlink(path);
	free(path);
	av_packet_free(&png);
	av_frame_free(&rgb);
	av_frame_free(&conv);
	ex_overlay_free(&ov);
	return st;
}

ex_status
ex_media_still(const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, ex_instant at,
    const ex_media_working_options *opts, const char *outdir,
    const char *base, ex_media_result **out, ex_error *err)
{
	media_job job;
	pick p;
	ex_instant at_rec;
	int threads, restart;
	ex_status st;

	memset(&p, 0, sizeof(p));
	if (out == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "media: no result");
	*out = NULL;
	st = media_job_init(&job, segs, nsegs, range, outdir, base, NULL,
	    err);
	if (st != EX_OK)
		goto out;
	if (at < range->from || at >= range->to) {
		char a[EX_TIME_BUFSZ];

		st = ex_error_set(err, EX_ERR_USAGE,
		    "media: still time %s is outside the range",
		    ex_time_format_utc(at, a, sizeof(a)));
		goto out;
	}
	threads = opts != NULL && opts->threads > 0 ? opts->threads : 1;
	at_rec = ex_time_true_to_recorder(at, range->clock_offset);
	for (size_t i = 0; i < nsegs; i++) {
		const ex_segment *s = &segs[i];

		/* Segments that may hold the frame shown at at_rec. */
		if (s->state == EX_SEG_UNREADABLE || s->path == NULL ||
		    s->start == EX_INSTANT_NONE || s->start > at_rec ||
		    (s->end != EX_INSTANT_NONE && s->end > s->start &&
		    s->end <= at_rec))
			continue;
		av_frame_free(&p.frame);
		st = scan_segment(&job, s, at_rec, 1, threads, &p, &restart,
		    err);
		if (st == EX_OK && restart) {
			av_frame_free(&p.frame);
			st = scan_segment(&job, s, at_rec, 0, threads, &p,
			    &restart, err);
		}
		if (st != EX_OK)
			goto out;
		/* Shown at at_rec: at or before it, and lasting past it. */
		if (p.frame != NULL && at_rec < p.rec + p.dur) {
			st = make_still(&job, s, &p, opts, err);
			if (st != EX_OK)
				goto out;
			break;
		}
	}
	*out = job.res;
	job.res = NULL;
out:
	av_frame_free(&p.frame);
	media_job_fail(&job);
	return st;
}

/*
 * picture.c — a decoded picture made ready for the burn-in: converted to
 * limited-range yuv420p with the colour description a working copy
 * carries, and turned upright when the camera was mounted on its side
 * (working copies and stills alike).
 */
#include "config.h"

#include <stdio.h>

#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "media/media_private.h"

/*
 * The colour description a working copy carries: the source's primaries,
 * transfer and matrix where it states them; where it does not, what
 * players assume from the picture size: BT.709 for HD (wider than 1024 or
 * taller than 576 lines), BT.601 for SD (the 625-line variant, BT.470BG
 * primaries and matrix, for 576- and 288-line pictures; the 525-line
 * SMPTE 170M one otherwise).  The range is always limited (TV).
 */
static void
working_colours(const AVFrame *frame, AVFrame *p)
{
	int hd = frame->width > 1024 || frame->height > 576;
	int pal = frame->height == 576 || frame->height == 288;

	p->color_range = AVCOL_RANGE_MPEG;
	p->color_primaries = frame->color_primaries;
	p->color_trc = frame->color_trc;
	p->colorspace = frame->colorspace;
	if (p->color_primaries == AVCOL_PRI_UNSPECIFIED ||
	    p->color_primaries == AVCOL_PRI_RESERVED ||
	    p->color_primaries == AVCOL_PRI_RESERVED0)
		p->color_primaries = hd ? AVCOL_PRI_BT709 : pal ?
		    AVCOL_PRI_BT470BG : AVCOL_PRI_SMPTE170M;
	if (p->color_trc == AVCOL_TRC_UNSPECIFIED ||
	    p->color_trc == AVCOL_TRC_RESERVED ||
	    p->color_trc == AVCOL_TRC_RESERVED0)
		p->color_trc = hd ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M;
	if (p->colorspace == AVCOL_SPC_UNSPECIFIED ||
	    p->colorspace == AVCOL_SPC_RESERVED ||
	    p->colorspace == AVCOL_SPC_RGB)
		p->colorspace = hd ? AVCOL_SPC_BT709 : pal ?
		    AVCOL_SPC_BT470BG : AVCOL_SPC_SMPTE170M;
}

/* Is the decoded picture full range (yuvj*, or tagged so)? */
static int
full_range(const AVFrame *frame)
{
	switch (frame->format) {
	case AV_PIX_FMT_YUVJ420P:
	case AV_PIX_FMT_YUVJ422P:
	case AV_PIX_FMT_YUVJ440P:
	case AV_PIX_FMT_YUVJ444P:
	case AV_PIX_FMT_YUVJ411P:
		return 1;
	default:
		return frame->color_range == AVCOL_RANGE_JPEG;
	}
}

/* The converter for frame's format, size and range into limited-range
 * yuv420p, made anew only when one of those (or the matrix) changes.
 * swscale is told both ranges, so full-range levels (0-255) are mapped
 * onto limited ones (16-235, chroma 16-240); an RGB source is converted
 * with the matrix the copy is tagged with. */
static ex_status
converter(media_conv *d, const AVFrame *frame, const AVFrame *p,
    ex_error *err)
{
	int full = full_range(frame);
	enum AVColorSpace srcspace =
	    frame->colorspace == AVCOL_SPC_UNSPECIFIED ?
	    p->colorspace : frame->colorspace;
	enum AVPixelFormat fmt = frame->format;

	if (d->sws != NULL && d->sws_fmt == fmt &&
	    d->sws_width == frame->width && d->sws_height == frame->height &&
	    d->sws_full == full && d->sws_space == p->colorspace &&
	    d->sws_srcspace == srcspace)
		return EX_OK;
	sws_freeContext(d->sws);
	/* yuvj* are yuv* with a full range: name the range, not the format
	 * (swscale warns about the deprecated formats). */
	switch (fmt) {
	case AV_PIX_FMT_YUVJ420P: fmt = AV_PIX_FMT_YUV420P; break;
	case AV_PIX_FMT_YUVJ422P: fmt = AV_PIX_FMT_YUV422P; break;
	case AV_PIX_FMT_YUVJ440P: fmt = AV_PIX_FMT_YUV440P; break;
	case AV_PIX_FMT_YUVJ444P: fmt = AV_PIX_FMT_YUV444P; break;
	case AV_PIX_FMT_YUVJ411P: fmt = AV_PIX_FMT_YUV411P; break;
	default: break;
	}
	/* The ranges are options set before the context is initialised:
	 * set afterwards (sws_setColorspaceDetails) they would not reach the
	 * plain-copy path swscale picks for equal formats. */
	d->sws = sws_alloc_context();
	if (d->sws == NULL ||
	    av_opt_set_int(d->sws, "srcw", frame->width, 0) < 0 ||
	    av_opt_set_int(d->sws, "srch", frame->height, 0) < 0 ||
	    av_opt_set_int(d->sws, "src_format", fmt, 0) < 0 ||
	    av_opt_set_int(d->sws, "dstw", frame->width, 0) < 0 ||
	    av_opt_set_int(d->sws, "dsth", frame->height, 0) < 0 ||
	    av_opt_set_int(d->sws, "dst_format", AV_PIX_FMT_YUV420P, 0) < 0 ||
	    av_opt_set_int(d->sws, "sws_flags", SWS_BICUBIC |
	    SWS_ACCURATE_RND | SWS_BITEXACT, 0) < 0 ||
	    av_opt_set_int(d->sws, "src_range", full, 0) < 0 ||
	    av_opt_set_int(d->sws, "dst_range", 0, 0) < 0 ||
	    sws_init_context(d->sws, NULL, NULL) < 0 ||
	    sws_setColorspaceDetails(d->sws, sws_getCoefficients(srcspace),
	    full, sws_getCoefficients(p->colorspace), 0, 0, 1 << 16,
	    1 << 16) < 0) {
		sws_freeContext(d->sws);
		d->sws = NULL;
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "cannot convert %s%s pictures to limited-range yuv420p",
		    av_get_pix_fmt_name(frame->format),
		    full ? " (full range)" : "");
	}
	d->sws_fmt = frame->format;
	d->sws_width = frame->width;
	d->sws_height = frame->height;
	d->sws_full = full;
	d->sws_space = p->colorspace;
	d->sws_srcspace = srcspace;
	return EX_OK;
}

/* The frame as a writable limited-range yuv420p picture of its own, from
 * the pool: the decoder keeps references to its pictures, so they are
 * copied (limited-range yuv420p) or converted (anything else) rather than
 * drawn on. */
ex_status
media_conv_yuv420p(media_conv *d, AVFrame *frame, AVFrame **pic,
    ex_error *err)
{
	AVFrame *p = NULL;
	char ebuf[128];
	ex_status st;
	int ret;

	*pic = NULL;
	st = media_picpool_get(&d->pool, frame->width, frame->height, &p,
	    err);
	if (st != EX_OK)
		return st;
	ret = av_frame_copy_props(p, frame);
	if (ret < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "frame properties: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	working_colours(frame, p);
	if (frame->format == AV_PIX_FMT_YUV420P && !full_range(frame)) {
		ret = av_frame_copy(p, frame);
		if (ret < 0) {
			st = ex_error_set(err, EX_ERR_MEDIA, "frame copy: %s",
			    base_av_err(ret, ebuf, sizeof(ebuf)));
			goto out;
		}
	} else {
		st = converter(d, frame, p, err);
		if (st != EX_OK)
			goto out;
		sws_scale(d->sws, (const uint8_t *const *)frame->data,
		    frame->linesize, 0, frame->height, p->data, p->linesize);
	}
	*pic = p;
	p = NULL;
out:
	av_frame_free(&p);
	return st;
}

/*
 * How far a stream's pictures must be turned, clockwise, to stand as the
 * camera meant them: its display matrix (a camera mounted on its side)
 * read as FFmpeg's own player does, to the nearest quarter turn.
 */
int
media_rotation(const AVStream *st)
{
	const int32_t *m = (const int32_t *)av_stream_get_side_data(st,
	    AV_PKT_DATA_DISPLAYMATRIX, NULL);
	double theta;
	int q;

	if (m == NULL)
		return 0;
	theta = -av_display_rotation_get(m) / 90.0;
	if (theta != theta)     /* NaN: not a rotation */
		return 0;
	q = (int)(theta < 0 ? theta - 0.5 : theta + 0.5) % 4;
	return (q < 0 ? q + 4 : q) * 90;
}

/* One plane turned: src w x h into dst (h x w for a quarter turn). */
static void
turn_plane(const uint8_t *src, int sstride, int w, int h, uint8_t *dst,
    int dstride, int rotation)
{
	int x, y;

	for (y = 0; y < h; y++) {
		const uint8_t *row = src + (size_t)y * sstride;

		for (x = 0; x < w; x++) {
			uint8_t v = row[x];

			if (rotation == 90)             /* clockwise */
				dst[(size_t)x * dstride + (h - 1 - y)] = v;
			else if (rotation == 270)       /* anticlockwise */
				dst[(size_t)(w - 1 - x) * dstride + y] = v;
			else                            /* half turn */
				dst[(size_t)(h - 1 - y) * dstride +
				    (w - 1 - x)] = v;
		}
	}
}

/* Can media_upright turn pictures of this format: 8-bit planar (or one
 * plane), its chroma subsampled alike both ways (yuv420p, yuvj420p,
 * yuv444p, gray...)? */
static int
turnable(const AVPixFmtDescriptor *desc)
{
	if (desc == NULL || (desc->flags & (AV_PIX_FMT_FLAG_PAL |
	    AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL)) ||
	    (!(desc->flags & AV_PIX_FMT_FLAG_PLANAR) &&
	    desc->nb_components != 1) ||
	    desc->log2_chroma_w != desc->log2_chroma_h)
		return 0;
	for (int i = 0; i < desc->nb_components; i++)
		if (desc->comp[i].depth != 8 || desc->comp[i].step != 1)
			return 0;
	return 1;
}

int
media_upright_can(enum AVPixelFormat fmt)
{
	return turnable(av_pix_fmt_desc_get(fmt));
}

ex_status
media_upright(AVFrame **pic, int rotation, media_picpool **pool,
    ex_error *err)
{
	AVFrame *in = *pic, *out = NULL;
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(in->format);
	int quarter = rotation != 180, i;
	int width = quarter ? in->height : in->width;
	int height = quarter ? in->width : in->height;
	ex_status st;

	if (!turnable(desc))
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "cannot turn %s pictures upright",
		    av_get_pix_fmt_name(in->format));
	if (pool != NULL) {
		st = media_picpool_get(pool, width, height, &out, err);
		if (st != EX_OK)
			return st;
	} else {
		if ((out = av_frame_alloc()) == NULL)
			return base_nomem(err);
		out->format = in->format;
		out->width = width;
		out->height = height;
		if (av_frame_get_buffer(out, 0) < 0) {
			av_frame_free(&out);
			return base_nomem(err);
		}
	}
	if (av_frame_copy_props(out, in) < 0) {
		av_frame_free(&out);
		return base_nomem(err);
	}
	for (i = 0; i < av_pix_fmt_count_planes(in->format); i++) {
		int chroma = i == 1 || i == 2;
		int w = chroma ? AV_CEIL_RSHIFT(in->width, desc->log2_chroma_w) :
		    in->width;
		int h = chroma ? AV_CEIL_RSHIFT(in->height,
		    desc->log2_chroma_h) : in->height;

		turn_plane(in->data[i], in->linesize[i], w, h, out->data[i],
		    out->linesize[i], rotation);
	}
	av_frame_free(pic);
	*pic = out;
	return EX_OK;
}

void
media_conv_free(media_conv *c)
{
	if (c == NULL)
		return;
	sws_freeContext(c->sws);
	c->sws = NULL;
	media_picpool_free(&c->pool);
	media_picpool_free(&c->rpool);
}

ex_status
ex_media_display_size(const char *path, int *width, int *height,
    ex_error *err)
{
	AVFormatContext *fmt = NULL;
	const AVCodecParameters *par;
	int idx, rc, rot;
	ex_status st;

	*width = *height = 0;
	if ((st = base_av_open(path, NULL, &fmt, err)) != EX_OK) {
		ex_error_prefix(err, "%s", path);
		return st;
	}
	if ((rc = avformat_find_stream_info(fmt, NULL)) < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "%s: cannot read the "
		    "streams", path);
		goto out;
	}
	if ((idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL,
	    0)) < 0) {
		st = ex_error_set(err, EX_ERR_MEDIA, "%s: no video stream",
		    path);
		goto out;
	}
	par = fmt->streams[idx]->codecpar;
	rot = media_rotation(fmt->streams[idx]);
	*width = rot == 90 || rot == 270 ? par->height : par->width;
	*height = rot == 90 || rot == 270 ? par->width : par->height;
out:
	avformat_close_input(&fmt);
	return st;
}

/*
 * overlay.c — the burn-in: a black box with white text, blitted straight
 * into a frame's planes in its own pixel format.
 *
 * The glyphs come from the blob in font.c (layout in fontgen/fontgen.c):
 * one large anti-aliased rendering of each character in a common cell.
 * ex_overlay_new decodes each glyph once and scales it to the chosen text
 * size by area averaging in exact integer arithmetic (so the result is the
 * same on every machine), and keeps per glyph the rows and columns that
 * hold ink.  ex_overlay_draw then only touches the box: it fills the box
 * with black (and neutral chroma) and, for every glyph, raises luma towards
 * white by the glyph's coverage (max-combined, so overhanging neighbours
 * do not erase each other).
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/common.h>
#include <libavutil/pixdesc.h>

#include "base.h"
#include "exhibit/overlay.h"

/* The embedded font (generated font.c). */
extern const unsigned char ex_font_blob[];
extern const size_t ex_font_blob_size;

#define FONT_HEADER 16
#define FONT_ENTRY 10
#define NCODES 256

/* Scale rule: line height = picture height / LINE_DIVISOR, clamped to
 * [LINE_MIN, master cell height]. */
#define LINE_DIVISOR 22
#define LINE_MIN 12

enum layout { LAYOUT_PLANAR, LAYOUT_NV12, LAYOUT_GRAY };

struct glyph {
	uint8_t *cov;           /* gw * line_h coverage, row by row */
	int r0, r1, c0, c1;     /* rows [r0, r1) and columns [c0, c1) with ink */
};

struct ex_overlay {
	int width, height;
	enum AVPixelFormat fmt;
	enum layout layout;
	int cw_shift, ch_shift; /* chroma subsampling (log2) */
	int full_range;         /* 1: always full range (yuvj*) */
	int gray;               /* gray: full range unless the frame says MPEG */

	int advance;            /* pen advance, pixels */
	int line_h;             /* line height, pixels */
	int gw;                 /* scaled glyph image width */
	int ox;                 /* image column of the pen origin */
	int pad_x, pad_y;

	uint8_t lut_limited[256], lut_full[256];
	struct glyph glyphs[NCODES];
	uint8_t *store;         /* the glyphs' coverage, one allocation */
};

struct font {
	int cell_w, cell_h, advance, origin_x, baseline, nglyphs;
	const unsigned char *table;
};

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static ex_status
font_open(struct font *f, ex_error *err)
{
	const unsigned char *b = ex_font_blob;
	size_t n = ex_font_blob_size;

	if (n < FONT_HEADER || memcmp(b, "EXF1", 4) != 0)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "embedded font: bad header");
	f->cell_w = (int)be16(b + 4);
	f->cell_h = (int)be16(b + 6);
	f->advance = (int)be16(b + 8);
	f->origin_x = (int)be16(b + 10);
	f->baseline = (int)be16(b + 12);
	f->nglyphs = (int)be16(b + 14);
	f->table = b + FONT_HEADER;
	if (f->cell_w <= 0 || f->cell_h <= 0 || f->advance <= 0 ||
	    f->origin_x >= f->cell_w || f->nglyphs <= 0 ||
	    (size_t)f->nglyphs * FONT_ENTRY > n - FONT_HEADER)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "embedded font: bad metrics");
	return EX_OK;
}

/* Decode glyph i's cell into cell (cell_w * cell_h bytes); *cp gets its
 * code point. */
static ex_status
font_glyph(const struct font *f, int i, unsigned *cp, uint8_t *cell,
    ex_error *err)
{
	const unsigned char *e = f->table + (size_t)i * FONT_ENTRY;
	uint32_t off = be32(e + 2), len = be32(e + 6);
	size_t need = (size_t)f->cell_w * (size_t)f->cell_h, got = 0, k;
	const unsigned char *p;

	*cp = be16(e);
	if (off > ex_font_blob_size || len > ex_font_blob_size - off)
		goto bad;
	p = ex_font_blob + off;
	for (k = 0; k < len; k++) {
		unsigned char v = p[k];
		size_t run = 1;

		if (v == 0 || v == 255) {
			if (++k == len || p[k] == 0)
				goto bad;
			run = p[k];
		}
		if (run > need - got)
			goto bad;
		memset(cell + got, v, run);
		got += run;
	}
	if (got != need)
		goto bad;
	return EX_OK;
bad:
	return ex_error_set(err, EX_ERR_FORMAT,
	    "embedded font: glyph %d is damaged", i);
}

/*
 * Area-average the master cell (cw x chh) into g->cov (gw x line_h).
 * Horizontally the master's advance A maps to the overlay's advance a:
 * measured in units of 1/a master pixel, master column k spans
 * [k*a, (k+1)*a) and image column j spans [(j-ox)*A + o*a, ... + A).
 * Vertically master row k spans [k*h, (k+1)*h) and image row i spans
 * [i*H, (i+1)*H) in units of 1/h master row.  All exact integers.
 */
static void
scale_glyph(const struct ex_overlay *ov, const struct font *f,
    const uint8_t *cell, uint32_t *tmp, struct glyph *g)
{
	int A = f->advance, a = ov->advance, H = f->cell_h, h = ov->line_h;
	int i, j, k;
	uint32_t total = (uint32_t)A * (uint32_t)H;

	/* Horizontal pass: tmp[row][j] = sum over columns of weight * v. */
	for (j = 0; j < ov->gw; j++) {
		long lo = (long)(j - ov->ox) * A + (long)f->origin_x * a;
		long hi = lo + A;
		int k0 = (int)(lo < 0 ? 0 : lo / a);
		int r;

		for (r = 0; r < H; r++)
			tmp[(size_t)r * (size_t)ov->gw + (size_t)j] = 0;
		for (k = k0; k < f->cell_w && (long)k * a < hi; k++) {
			long s = FFMAX(lo, (long)k * a);
			long e = FFMIN(hi, (long)(k + 1) * a);
			uint32_t w;

			if (e <= s)
				continue;
			w = (uint32_t)(e - s);
			for (r = 0; r < H; r++)
				tmp[(size_t)r * (size_t)ov->gw + (size_t)j] +=
				    w * cell[(size_t)r * (size_t)f->cell_w +
				    (size_t)k];
		}
	}
	/* Vertical pass and rounding. */
	g->r0 = h;
	g->r1 = 0;
	g->c0 = ov->gw;
	g->c1 = 0;
	for (i = 0; i < h; i++) {
		long lo = (long)i * H, hi = lo + H;
		int k0 = (int)(lo / h);

		for (j = 0; j < ov->gw; j++) {
			uint32_t sum = 0;
			uint8_t v;

			for (k = k0; k < H && (long)k * h < hi; k++) {
				long s = FFMAX(lo, (long)k * h);
				long e = FFMIN(hi, (long)(k + 1) * h);

				if (e > s)
					sum += (uint32_t)(e - s) *
					    tmp[(size_t)k * (size_t)ov->gw +
					    (size_t)j];
			}
			v = (uint8_t)((sum + total / 2) / total);
			g->cov[(size_t)i * (size_t)ov->gw + (size_t)j] = v;
			if (v != 0) {
				g->r0 = FFMIN(g->r0, i);
				g->r1 = FFMAX(g->r1, i + 1);
				g->c0 = FFMIN(g->c0, j);
				g->c1 = FFMAX(g->c1, j + 1);
			}
		}
	}
	if (g->r1 == 0)
		g->r0 = g->c0 = g->c1 = 0;
}

static ex_status
pick_format(ex_overlay *ov, enum AVPixelFormat fmt, ex_error *err)
{
	const AVPixFmtDescriptor *d;

	switch (fmt) {
	case AV_PIX_FMT_YUVJ420P:
	case AV_PIX_FMT_YUVJ422P:
	case AV_PIX_FMT_YUVJ444P:
		ov->full_range = 1;
		/* FALLTHROUGH */
	case AV_PIX_FMT_YUV420P:
	case AV_PIX_FMT_YUV422P:
	case AV_PIX_FMT_YUV444P:
		ov->layout = LAYOUT_PLANAR;
		break;
	case AV_PIX_FMT_NV12:
		ov->layout = LAYOUT_NV12;
		break;
	case AV_PIX_FMT_GRAY8:
		ov->layout = LAYOUT_GRAY;
		ov->gray = 1;
		break;
	default:
		d = av_pix_fmt_desc_get(fmt);
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "burn-in overlay: pixel format %s is not supported "
		    "(yuv420p, yuvj420p, nv12, yuv422p, yuvj422p, yuv444p, "
		    "yuvj444p, gray)", d != NULL ? d->name : "(unknown)");
	}
	d = av_pix_fmt_desc_get(fmt);
	ov->cw_shift = ov->layout == LAYOUT_GRAY ? 0 : d->log2_chroma_w;
	ov->ch_shift = ov->layout == LAYOUT_GRAY ? 0 : d->log2_chroma_h;
	ov->fmt = fmt;
	return EX_OK;
}

static void
make_lut(uint8_t lut[256], int black, int white)
{
	int v;

	for (v = 0; v < 256; v++)
		lut[v] = (uint8_t)(black + ((white - black) * v + 127) / 255);
}

ex_status
ex_overlay_new(int width, int height, enum AVPixelFormat fmt,
    ex_overlay **out, ex_error *err)
{
	ex_overlay *ov = NULL;
	struct font f = { 0 };
	uint8_t *cell = NULL;
	uint32_t *tmp = NULL;
	size_t gsize;
	int i, nstored = 0;
	unsigned cp;
	ex_status st;

	if (out == NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "burn-in overlay: no output pointer");
	*out = NULL;
	if (width <= 0 || height <= 0 || width > 32768 || height > 32768)
		return ex_error_set(err, EX_ERR_USAGE,
		    "burn-in overlay: bad picture size %dx%d", width, height);
	if ((st = font_open(&f, err)) != EX_OK)
		return st;
	ov = calloc(1, sizeof(*ov));
	if (ov == NULL) {
		st = base_nomem(err);
		ex_error_prefix(err, "burn-in overlay");
		goto out;
	}
	ov->width = width;
	ov->height = height;
	if ((st = pick_format(ov, fmt, err)) != EX_OK)
		goto out;

	/* The scale rule. */
	ov->line_h = (height + LINE_DIVISOR / 2) / LINE_DIVISOR;
	ov->line_h = av_clip(ov->line_h, LINE_MIN, f.cell_h);
	ov->advance = FFMAX(1, (f.advance * ov->line_h + f.cell_h / 2) /
	    f.cell_h);
	ov->ox = (f.origin_x * ov->advance + f.advance - 1) / f.advance;
	ov->gw = ov->ox + ((f.cell_w - f.origin_x) * ov->advance +
	    f.advance - 1) / f.advance;
	ov->pad_x = FFMAX(2, ov->advance / 2);
	ov->pad_y = FFMAX(2, ov->line_h / 8);
	make_lut(ov->lut_limited, 16, 235);
	make_lut(ov->lut_full, 0, 255);

	gsize = (size_t)ov->gw * (size_t)ov->line_h;
	cell = malloc((size_t)f.cell_w * (size_t)f.cell_h);
	tmp = malloc((size_t)ov->gw * (size_t)f.cell_h * sizeof(*tmp));
	ov->store = calloc((size_t)f.nglyphs, gsize);
	if (cell == NULL || tmp == NULL || ov->store == NULL) {
		st = base_nomem(err);
		ex_error_prefix(err, "burn-in overlay");
		goto out;
	}
	for (i = 0; i < f.nglyphs; i++) {
		struct glyph *g;

		if ((st = font_glyph(&f, i, &cp, cell, err)) != EX_OK)
			goto out;
		if (cp >= NCODES || ov->glyphs[cp].cov != NULL) {
			st = ex_error_set(err, EX_ERR_FORMAT, "embedded font: "
			    "bad code point U+%04X", cp);
			goto out;
		}
		g = &ov->glyphs[cp];
		g->cov = ov->store + (size_t)nstored++ * gsize;
		scale_glyph(ov, &f, cell, tmp, g);
	}
	if (ov->glyphs['?'].cov == NULL) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "embedded font: no '?' glyph");
		goto out;
	}
	/* Characters the font lacks draw as '?'. */
	for (i = 0; i < NCODES; i++)
		if (ov->glyphs[i].cov == NULL)
			ov->glyphs[i] = ov->glyphs['?'];
	*out = ov;
	ov = NULL;
	st = EX_OK;
out:
	free(cell);
	free(tmp);
	ex_overlay_free(&ov);
	return st;
}

void
ex_overlay_free(ex_overlay **ov)
{
	if (ov == NULL || *ov == NULL)
		return;
	free((*ov)->store);
	free(*ov);
	*ov = NULL;
}

/*
 * Next character of a UTF-8 string as a Latin-1 code (0..255), advancing
 * *s.  Anything outside Latin-1, control characters and malformed bytes
 * (one '?' per bad byte) come back as '?'.  Returns -1 at the end.
 */
static int
next_char(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c;
	int n, i;

	if (*p == 0)
		return -1;
	c = *p;
	if (c < 0x80)
		n = 0;
	else if (c >= 0xc2 && c <= 0xdf)
		n = 1, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, c &= 0x07;
	else {
		*s = p + 1;
		return '?';
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + 1;
			return '?';
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 ||
	    c > 0x10ffff))) {
		*s = p + 1;
		return '?';
	}
	*s = p + n + 1;
	if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c > 0xff)
		return '?';
	return (int)c;
}

static int
line_chars(const char *line)
{
	const unsigned char *p = (const unsigned char *)(line ? line : "");
	int n = 0;

	while (next_char(&p) >= 0 && n < INT_MAX / 2)
		n++;
	return n;
}

static int
round_up_shift(int v, int shift)
{
	return ((v + (1 << shift) - 1) >> shift) << shift;
}

int
ex_overlay_box_height(const ex_overlay *ov, int nlines)
{
	long h;

	if (ov == NULL || nlines <= 0)
		return 0;
	h = 2L * ov->pad_y + (long)nlines * ov->line_h;
	if (h >= ov->height)
		return ov->height;
	return (int)FFMIN(round_up_shift((int)h, ov->ch_shift), ov->height);
}

int
ex_overlay_box_width(const ex_overlay *ov, const char *const *lines,
    int nlines)
{
	long w;
	int i, most = 0;

	if (ov == NULL || lines == NULL || nlines <= 0)
		return 0;
	for (i = 0; i < nlines; i++)
		most = FFMAX(most, line_chars(lines[i]));
	w = 2L * ov->pad_x + (long)most * ov->advance;
	if (w >= ov->width)
		return ov->width;
	return (int)FFMIN(round_up_shift((int)w, ov->cw_shift), ov->width);
}

void
ex_overlay_cell_size(const ex_overlay *ov, int *cell_w, int *cell_h)
{
	if (cell_w != NULL)
		*cell_w = ov != NULL ? ov->advance : 0;
	if (cell_h != NULL)
		*cell_h = ov != NULL ? ov->line_h : 0;
}

static void
fill_rows(uint8_t *data, int linesize, int rows, int bytes, uint8_t v)
{
	int y;

	for (y = 0; y < rows; y++)
		memset(data + (ptrdiff_t)y * linesize, v, (size_t)bytes);
}

/* Draw one glyph with its pen at (px, py), clipped to the box bw x bh. */
static void
blit(const ex_overlay *ov, const struct glyph *g, const uint8_t *lut,
    uint8_t *y0, int linesize, int px, int py, int bw, int bh)
{
	int left = px - ov->ox;
	int c0 = FFMAX(g->c0, -left), c1 = FFMIN(g->c1, bw - left);
	int r0 = FFMAX(g->r0, -py), r1 = FFMIN(g->r1, bh - py);
	int r, c;

	for (r = r0; r < r1; r++) {
		const uint8_t *src = g->cov + (size_t)r * (size_t)ov->gw;
		uint8_t *dst = y0 + (ptrdiff_t)(py + r) * linesize + left;

		for (c = c0; c < c1; c++) {
			uint8_t v = lut[src[c]];

			if (v > dst[c])
				dst[c] = v;
		}
	}
}

ex_status
ex_overlay_draw(ex_overlay *ov, AVFrame *frame, const char *const *lines,
    int nlines, ex_error *err)
{
	const uint8_t *lut;
	int bw, bh, i, full;

	if (ov == NULL || frame == NULL || nlines < 0 ||
	    (nlines > 0 && lines == NULL))
		return ex_error_set(err, EX_ERR_USAGE,
		    "burn-in overlay: bad arguments");
	if (frame->width != ov->width || frame->height != ov->height ||
	    frame->format != (int)ov->fmt) {
		const char *name = av_get_pix_fmt_name(frame->format);

		return ex_error_set(err, EX_ERR_USAGE, "burn-in overlay: "
		    "frame is %dx%d %s, overlay was made for %dx%d %s",
		    frame->width, frame->height, name ? name : "(unknown)",
		    ov->width, ov->height, av_get_pix_fmt_name(ov->fmt));
	}
	if (frame->data[0] == NULL || (ov->layout != LAYOUT_GRAY &&
	    frame->data[1] == NULL) || (ov->layout == LAYOUT_PLANAR &&
	    frame->data[2] == NULL))
		return ex_error_set(err, EX_ERR_USAGE,
		    "burn-in overlay: frame has no picture data");
	if (frame->buf[0] != NULL && !av_frame_is_writable(frame))
		return ex_error_set(err, EX_ERR_USAGE, "burn-in overlay: "
		    "frame is shared (call av_frame_make_writable first)");
	if (nlines == 0)
		return EX_OK;

	if (ov->full_range)
		full = 1;
	else if (ov->gray)
		full = frame->color_range != AVCOL_RANGE_MPEG;
	else
		full = frame->color_range == AVCOL_RANGE_JPEG;
	lut = full ? ov->lut_full : ov->lut_limited;

	bw = ex_overlay_box_width(ov, lines, nlines);
	bh = ex_overlay_box_height(ov, nlines);

	/* The box: black luma, neutral chroma over the chroma samples that
	 * the box covers. */
	fill_rows(frame->data[0], frame->linesize[0], bh, bw, lut[0]);
	if (ov->layout != LAYOUT_GRAY) {
		int cw = AV_CEIL_RSHIFT(bw, ov->cw_shift);
		int chh = AV_CEIL_RSHIFT(bh, ov->ch_shift);

		if (ov->layout == LAYOUT_NV12) {
			fill_rows(frame->data[1], frame->linesize[1], chh,
			    2 * cw, 128);
		} else {
			fill_rows(frame->data[1], frame->linesize[1], chh,
			    cw, 128);
			fill_rows(frame->data[2], frame->linesize[2], chh,
			    cw, 128);
		}
	}

	/* The text. */
	for (i = 0; i < nlines; i++) {
		const unsigned char *p = (const unsigned char *)
		    (lines[i] != NULL ? lines[i] : "");
		int py = ov->pad_y + i * ov->line_h;
		int px = ov->pad_x, c;

		if (py >= bh)
			break;
		while ((c = next_char(&p)) >= 0 && px - ov->ox < bw) {
			blit(ov, &ov->glyphs[c], lut, frame->data[0],
			    frame->linesize[0], px, py, bw, bh);
			px += ov->advance;
		}
	}
	return EX_OK;
}

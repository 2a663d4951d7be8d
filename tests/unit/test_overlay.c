/* test_overlay.c — the burn-in box and text drawn into frames. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>

#include "exhibit/overlay.h"

static const char *const two_lines[] = {
	"CAM01 North Street",
	"2024-10-27 01:59:59.960 BST",
};

/* A frame of the given format filled with a deterministic busy pattern
 * (values 40..219, never the box's black or the text's white). */
static AVFrame *
make_frame(int w, int h, enum AVPixelFormat fmt)
{
	AVFrame *f = av_frame_alloc();
	uint32_t seed = 12345u + (uint32_t)w * 31u + (uint32_t)h;
	int p, x, y;

	assert_non_null(f);
	f->width = w;
	f->height = h;
	f->format = fmt;
	assert_int_equal(av_frame_get_buffer(f, 0), 0);
	for (p = 0; p < av_pix_fmt_count_planes(fmt); p++) {
		/* Fill whole lines, padding included, so that writes into
		 * the padding are caught too. */
		int rows = p == 0 ? h : (fmt == AV_PIX_FMT_YUV422P ||
		    fmt == AV_PIX_FMT_YUVJ422P || fmt == AV_PIX_FMT_YUV444P ||
		    fmt == AV_PIX_FMT_YUVJ444P ? h : (h + 1) / 2);

		for (y = 0; y < rows; y++)
			for (x = 0; x < f->linesize[p]; x++) {
				seed = seed * 1103515245u + 12345u;
				f->data[p][y * f->linesize[p] + x] =
				    (uint8_t)(40 + (seed >> 16) % 180);
			}
	}
	return f;
}

static int
plane_rows(const AVFrame *f, int p)
{
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);

	return p == 0 ? f->height : AV_CEIL_RSHIFT(f->height, d->log2_chroma_h);
}

static int
plane_bytes(const AVFrame *f, int p)
{
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
	int cw = AV_CEIL_RSHIFT(f->width, d->log2_chroma_w);

	if (p == 0)
		return f->width;
	return f->format == AV_PIX_FMT_NV12 ? 2 * cw : cw;
}

static int
nplanes(const AVFrame *f)
{
	return av_pix_fmt_count_planes(f->format);
}

static ex_overlay *
new_ok(int w, int h, enum AVPixelFormat fmt)
{
	ex_overlay *ov = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_overlay_new(w, h, fmt, &ov, &err) != EX_OK)
		fail_msg("ex_overlay_new %dx%d: %s", w, h, err.message);
	assert_non_null(ov);
	return ov;
}

static void
draw_ok(ex_overlay *ov, AVFrame *f, const char *const *lines, int n)
{
	ex_error err;

	ex_error_clear(&err);
	if (ex_overlay_draw(ov, f, lines, n, &err) != EX_OK)
		fail_msg("ex_overlay_draw: %s", err.message);
}

/* FNV-1a over the luma and chroma bytes of the top-left w x h region. */
static uint64_t
hash_box(const AVFrame *f, int w, int h)
{
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
	uint64_t v = 1469598103934665603u;
	int p, x, y;

	for (p = 0; p < nplanes(f); p++) {
		int pw = p == 0 ? w : AV_CEIL_RSHIFT(w, d->log2_chroma_w);
		int ph = p == 0 ? h : AV_CEIL_RSHIFT(h, d->log2_chroma_h);

		if (p > 0 && f->format == AV_PIX_FMT_NV12)
			pw *= 2;
		for (y = 0; y < ph; y++)
			for (x = 0; x < pw; x++) {
				v ^= f->data[p][y * f->linesize[p] + x];
				v *= 1099511628211u;
			}
	}
	return v;
}

/*
 * Draw two lines into a frame and check everything about the result:
 * outside the box (and in the row padding) nothing changed; inside, the
 * luma is black except for the glyphs, which reach near white; the chroma
 * samples the box covers are neutral.
 */
static void
check_draw(int w, int h, enum AVPixelFormat fmt, int black, int white,
    enum AVColorRange range)
{
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fmt);
	ex_overlay *ov = new_ok(w, h, fmt);
	AVFrame *f = make_frame(w, h, fmt), *orig = make_frame(w, h, fmt);
	int bw, bh, p, x, y, line, cell_w, cell_h;
	long dark = 0, bright = 0, total = 0;

	f->color_range = range;
	bw = ex_overlay_box_width(ov, two_lines, 2);
	bh = ex_overlay_box_height(ov, 2);
	ex_overlay_cell_size(ov, &cell_w, &cell_h);
	assert_true(bw > 0 && bw <= w);
	assert_true(bh > 0 && bh <= h);
	/* The box holds the longest line and both lines. */
	assert_true(bw >= (int)strlen(two_lines[1]) * cell_w || bw == w);
	assert_true(bh >= 2 * cell_h);
	/* Sizes cover whole chroma samples unless clipped at the edge. */
	assert_true(bw % (1 << d->log2_chroma_w) == 0 || bw == w);
	assert_true(bh % (1 << d->log2_chroma_h) == 0 || bh == h);
	/* Legible from 360p up: text cell about 1/22 of the height. */
	assert_true(cell_h >= 12);
	assert_true(cell_h >= h / 24 || cell_h >= 85);
	assert_true(cell_h <= h / 18 || cell_h == 12);
	draw_ok(ov, f, two_lines, 2);

	for (p = 0; p < nplanes(f); p++) {
		int rows = plane_rows(f, p), bytes = plane_bytes(f, p);
		int cbw = p == 0 ? bw : AV_CEIL_RSHIFT(bw, d->log2_chroma_w);
		int cbh = p == 0 ? bh : AV_CEIL_RSHIFT(bh, d->log2_chroma_h);

		if (p > 0 && fmt == AV_PIX_FMT_NV12)
			cbw *= 2;
		for (y = 0; y < rows; y++)
			for (x = 0; x < f->linesize[p]; x++) {
				uint8_t v = f->data[p][y * f->linesize[p] + x];
				uint8_t o = orig->data[p][y *
				    orig->linesize[p] + x];

				if (x >= bytes || x >= cbw || y >= cbh) {
					if (v != o)
						fail_msg("%dx%d %s plane %d "
						    "(%d,%d) changed outside "
						    "the box", w, h,
						    d->name, p, x, y);
				} else if (p > 0) {
					if (v != 128)
						fail_msg("chroma %d at (%d,%d) "
						    "not neutral", v, x, y);
				} else {
					assert_in_range(v, black, white);
					total++;
					dark += v == black;
					bright += v >= white - 20;
				}
			}
	}
	/* Mostly black, with a real amount of white text. */
	assert_true(dark * 2 > total);
	assert_true(bright * 50 > total);
	/* Each line has bright pixels in its own band; the top padding row
	 * and left padding column have none. */
	for (line = 0; line < 2; line++) {
		int found = 0;

		for (y = 0; y < cell_h; y++)
			for (x = 0; x < bw; x++) {
				int yy = y + line * cell_h +
				    (bh - 2 * cell_h) / 2;

				if (yy < bh && f->data[0][yy * f->linesize[0]
				    + x] >= white - 20)
					found = 1;
			}
		assert_true(found);
	}
	for (x = 0; x < bw; x++)
		assert_int_equal(f->data[0][x], black);
	for (y = 0; y < bh; y++)
		assert_int_equal(f->data[0][y * f->linesize[0]], black);

	av_frame_free(&f);
	av_frame_free(&orig);
	ex_overlay_free(&ov);
	assert_null(ov);
}

static void
test_yuv420p_sizes(void **state)
{
	(void)state;
	check_draw(320, 180, AV_PIX_FMT_YUV420P, 16, 235, AVCOL_RANGE_MPEG);
	check_draw(640, 360, AV_PIX_FMT_YUV420P, 16, 235, AVCOL_RANGE_MPEG);
	check_draw(641, 361, AV_PIX_FMT_YUV420P, 16, 235,
	    AVCOL_RANGE_UNSPECIFIED);
	check_draw(1920, 1080, AV_PIX_FMT_YUV420P, 16, 235, AVCOL_RANGE_MPEG);
	check_draw(3840, 2160, AV_PIX_FMT_YUV420P, 16, 235, AVCOL_RANGE_MPEG);
}

static void
test_nv12(void **state)
{
	(void)state;
	check_draw(1920, 1080, AV_PIX_FMT_NV12, 16, 235, AVCOL_RANGE_MPEG);
	check_draw(641, 361, AV_PIX_FMT_NV12, 16, 235, AVCOL_RANGE_MPEG);
}

static void
test_other_formats_and_ranges(void **state)
{
	(void)state;
	check_draw(640, 360, AV_PIX_FMT_YUV422P, 16, 235, AVCOL_RANGE_MPEG);
	check_draw(641, 361, AV_PIX_FMT_YUV444P, 16, 235, AVCOL_RANGE_MPEG);
	/* yuvj* are full range whatever the frame says. */
	check_draw(641, 361, AV_PIX_FMT_YUVJ420P, 0, 255, AVCOL_RANGE_MPEG);
	check_draw(640, 360, AV_PIX_FMT_YUVJ422P, 0, 255, AVCOL_RANGE_JPEG);
	check_draw(640, 360, AV_PIX_FMT_YUVJ444P, 0, 255,
	    AVCOL_RANGE_UNSPECIFIED);
	/* A yuv420p frame tagged full range gets full-range black/white. */
	check_draw(640, 360, AV_PIX_FMT_YUV420P, 0, 255, AVCOL_RANGE_JPEG);
	/* gray: full range unless tagged limited. */
	check_draw(641, 361, AV_PIX_FMT_GRAY8, 0, 255,
	    AVCOL_RANGE_UNSPECIFIED);
	check_draw(640, 360, AV_PIX_FMT_GRAY8, 16, 235, AVCOL_RANGE_MPEG);
}

/* A frame whose planes are exact-size heap blocks (linesize == width, no
 * padding), so that AddressSanitizer sees any write past the picture. */
static AVFrame *
tight_frame(int w, int h)
{
	AVFrame *f = av_frame_alloc();
	int cw = (w + 1) / 2, ch = (h + 1) / 2;

	assert_non_null(f);
	f->width = w;
	f->height = h;
	f->format = AV_PIX_FMT_YUV420P;
	f->data[0] = malloc((size_t)w * (size_t)h);
	f->data[1] = malloc((size_t)cw * (size_t)ch);
	f->data[2] = malloc((size_t)cw * (size_t)ch);
	assert_non_null(f->data[0]);
	assert_non_null(f->data[1]);
	assert_non_null(f->data[2]);
	memset(f->data[0], 77, (size_t)w * (size_t)h);
	memset(f->data[1], 99, (size_t)cw * (size_t)ch);
	memset(f->data[2], 99, (size_t)cw * (size_t)ch);
	f->linesize[0] = w;
	f->linesize[1] = f->linesize[2] = cw;
	return f;
}

static void
free_tight(AVFrame **f)
{
	free((*f)->data[0]);
	free((*f)->data[1]);
	free((*f)->data[2]);
	av_frame_free(f);
}

static void
test_clipping(void **state)
{
	static const int sizes[][2] = { { 320, 180 }, { 33, 17 }, { 1, 1 },
	    { 641, 361 } };
	char longline[600];
	const char *lines[40];
	size_t i;
	int k;

	(void)state;
	for (k = 0; k < (int)sizeof(longline) - 1; k++)
		longline[k] = (char)('A' + k % 26);
	longline[sizeof(longline) - 1] = '\0';
	for (k = 0; k < 40; k++)
		lines[k] = k % 3 ? longline : "\xc3\xa9t\xc3\xa9 W";
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int w = sizes[i][0], h = sizes[i][1], x, y;
		ex_overlay *ov = new_ok(w, h, AV_PIX_FMT_YUV420P);
		AVFrame *f = tight_frame(w, h);

		/* Too long and too many lines: the box is the whole frame. */
		assert_int_equal(ex_overlay_box_width(ov, lines, 40), w);
		assert_int_equal(ex_overlay_box_height(ov, 40), h);
		draw_ok(ov, f, lines, 40);
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++)
				assert_in_range(f->data[0][y * w + x], 16, 235);
		for (x = 0; x < ((w + 1) / 2) * ((h + 1) / 2); x++)
			assert_int_equal(f->data[1][x], 128);
		/* One long line: full width, only the top rows. */
		free_tight(&f);
		f = tight_frame(w, h);
		draw_ok(ov, f, lines + 1, 1);
		if (ex_overlay_box_height(ov, 1) < h)
			assert_int_equal(f->data[0][(h - 1) * w], 77);
		assert_int_equal(ex_overlay_box_width(ov, lines + 1, 1), w);
		free_tight(&f);
		ex_overlay_free(&ov);
	}
}

static void
test_unsupported_format(void **state)
{
	ex_overlay *ov = NULL;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(ex_overlay_new(640, 360, AV_PIX_FMT_RGB24, &ov, &err),
	    EX_ERR_UNSUPPORTED);
	assert_null(ov);
	assert_int_equal(err.code, EX_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.message, "pixel format rgb24"));
	ex_error_clear(&err);
	assert_int_equal(ex_overlay_new(640, 360, AV_PIX_FMT_YUV420P10LE, &ov,
	    &err), EX_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.message, "yuv420p10le"));
	ex_error_clear(&err);
	assert_int_equal(ex_overlay_new(0, 360, AV_PIX_FMT_YUV420P, &ov,
	    &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "bad picture size 0x360"));
}

static void
test_frame_mismatch(void **state)
{
	ex_overlay *ov = new_ok(640, 360, AV_PIX_FMT_YUV420P);
	AVFrame *f = make_frame(640, 360, AV_PIX_FMT_NV12);
	AVFrame *g = make_frame(1280, 720, AV_PIX_FMT_YUV420P);
	AVFrame *shared = NULL;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(ex_overlay_draw(ov, f, two_lines, 2, &err),
	    EX_ERR_USAGE);
	assert_non_null(strstr(err.message,
	    "frame is 640x360 nv12, overlay was made for 640x360 yuv420p"));
	ex_error_clear(&err);
	assert_int_equal(ex_overlay_draw(ov, g, two_lines, 2, &err),
	    EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "frame is 1280x720 yuv420p"));
	/* A frame whose buffers another reference shares is refused, and
	 * left untouched. */
	av_frame_free(&g);
	g = make_frame(640, 360, AV_PIX_FMT_YUV420P);
	shared = av_frame_clone(g);
	assert_non_null(shared);
	ex_error_clear(&err);
	assert_int_equal(ex_overlay_draw(ov, g, two_lines, 2, &err),
	    EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "frame is shared"));
	assert_int_not_equal(g->data[0][0], 16);
	/* Bad arguments. */
	ex_error_clear(&err);
	assert_int_equal(ex_overlay_draw(ov, shared, NULL, 2, &err),
	    EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "bad arguments"));
	/* nlines 0 draws nothing. */
	av_frame_free(&shared);
	draw_ok(ov, g, two_lines, 0);
	assert_int_not_equal(g->data[0][0], 16);
	assert_int_equal(ex_overlay_box_height(ov, 0), 0);
	assert_int_equal(ex_overlay_box_width(ov, two_lines, 0), 0);
	av_frame_free(&f);
	av_frame_free(&g);
	ex_overlay_free(&ov);
	ex_overlay_free(&ov);
	ex_overlay_free(NULL);
}

/* Hash of the box after drawing lines on a fresh overlay and frame. */
static uint64_t
render_hash(int w, int h, enum AVPixelFormat fmt, const char *const *lines,
    int n)
{
	ex_overlay *ov = new_ok(w, h, fmt);
	AVFrame *f = make_frame(w, h, fmt);
	uint64_t v;

	draw_ok(ov, f, lines, n);
	v = hash_box(f, ex_overlay_box_width(ov, lines, n),
	    ex_overlay_box_height(ov, n));
	av_frame_free(&f);
	ex_overlay_free(&ov);
	return v;
}

static void
test_golden(void **state)
{
	/*
	 * The glyphs are scaled in exact integer arithmetic, so a rendering
	 * is the same on every machine.  GOLDEN is the 640x360 yuv420p box
	 * of two_lines; if font.c or the scale rule changes on purpose,
	 * update it from the failure message.
	 */
	const uint64_t golden = UINT64_C(0x8c7bb6ab8a4cf10e);
	uint64_t a, b, c;

	(void)state;
	a = render_hash(640, 360, AV_PIX_FMT_YUV420P, two_lines, 2);
	b = render_hash(640, 360, AV_PIX_FMT_YUV420P, two_lines, 2);
	assert_true(a == b);
	c = render_hash(1920, 1080, AV_PIX_FMT_NV12, two_lines, 2);
	assert_true(c == render_hash(1920, 1080, AV_PIX_FMT_NV12, two_lines,
	    2));
	if (a != golden)
		fail_msg("golden box hash is 0x%016llx, expected 0x%016llx",
		    (unsigned long long)a, (unsigned long long)golden);
}

static void
test_characters(void **state)
{
	static const char *const latin1[] = { "x\xc3\xa9\xc2\xb0" };
	static const char *const unknown[] = {
		"x\xe2\x82\xac",     /* euro sign: outside Latin-1 */
		"x\xff",             /* not UTF-8 */
		"x\t",               /* control character */
		"x\xc3",             /* truncated sequence */
		"x\xc0\xaf",         /* overlong (two bad bytes: '??') */
	};
	static const char *const q1[] = { "x?" }, *const q2[] = { "x??" };
	static const char *const same_width[] = { "x\xc3\xa9\xc2\xb0",
	    "xyz" };
	uint64_t digits[10];
	int i, j;

	(void)state;
	for (i = 0; i < 4; i++) {
		const char *const one[] = { unknown[i] };

		assert_true(render_hash(640, 360, AV_PIX_FMT_YUV420P, one, 1) ==
		    render_hash(640, 360, AV_PIX_FMT_YUV420P, q1, 1));
	}
	{
		const char *const one[] = { unknown[4] };

		assert_true(render_hash(640, 360, AV_PIX_FMT_YUV420P, one, 1) ==
		    render_hash(640, 360, AV_PIX_FMT_YUV420P, q2, 1));
	}
	/* é and ° are real glyphs, not '?', and count as one cell each. */
	{
		ex_overlay *ov = new_ok(640, 360, AV_PIX_FMT_YUV420P);

		assert_int_equal(ex_overlay_box_width(ov, same_width, 1),
		    ex_overlay_box_width(ov, same_width + 1, 1));
		ex_overlay_free(&ov);
	}
	{
		static const char *const qq[] = { "x??" };

		assert_true(render_hash(640, 360, AV_PIX_FMT_YUV420P, latin1, 1)
		    != render_hash(640, 360, AV_PIX_FMT_YUV420P, qq, 1));
	}
	/* Readability: every digit renders differently even at the
	 * smallest size. */
	for (i = 0; i < 10; i++) {
		char text[2] = { (char)('0' + i), '\0' };
		const char *const one[] = { text };

		digits[i] = render_hash(320, 180, AV_PIX_FMT_YUV420P, one, 1);
		for (j = 0; j < i; j++)
			assert_true(digits[i] != digits[j]);
	}
}

/* Glyphs are drawn independently and overlapping edges combine by max:
 * a string renders as the brightest of its characters drawn alone at
 * their positions (the others replaced by spaces). */
static void
test_glyphs_combine(void **state)
{
	static const char text[] = "WW__ww&&RRW_w&R_AW|W-w.R:";
	const int n = (int)sizeof(text) - 1;
	ex_overlay *ov = new_ok(1920, 1080, AV_PIX_FMT_YUV420P);
	AVFrame *whole = make_frame(1920, 1080, AV_PIX_FMT_YUV420P);
	AVFrame *one = make_frame(1920, 1080, AV_PIX_FMT_YUV420P);
	const char *lines[1];
	char alone[sizeof(text)];
	uint8_t *max;
	int bw, bh, i, x, y;

	(void)state;
	lines[0] = text;
	draw_ok(ov, whole, lines, 1);
	bw = ex_overlay_box_width(ov, lines, 1);
	bh = ex_overlay_box_height(ov, 1);
	max = calloc((size_t)bw * (size_t)bh, 1);
	assert_non_null(max);
	lines[0] = alone;
	for (i = 0; i < n; i++) {
		memset(alone, ' ', (size_t)n);
		alone[n] = '\0';
		alone[i] = text[i];
		draw_ok(ov, one, lines, 1);
		for (y = 0; y < bh; y++)
			for (x = 0; x < bw; x++) {
				uint8_t v = one->data[0][y * one->linesize[0] +
				    x];

				if (v > max[y * bw + x])
					max[y * bw + x] = v;
			}
	}
	for (y = 0; y < bh; y++)
		for (x = 0; x < bw; x++)
			if (whole->data[0][y * whole->linesize[0] + x] !=
			    max[y * bw + x])
				fail_msg("pixel (%d,%d) is %d, glyphs alone "
				    "give %d", x, y, whole->data[0][y *
				    whole->linesize[0] + x], max[y * bw + x]);
	free(max);
	av_frame_free(&whole);
	av_frame_free(&one);
	ex_overlay_free(&ov);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yuv420p_sizes),
		cmocka_unit_test(test_nv12),
		cmocka_unit_test(test_other_formats_and_ranges),
		cmocka_unit_test(test_clipping),
		cmocka_unit_test(test_unsupported_format),
		cmocka_unit_test(test_frame_mismatch),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_characters),
		cmocka_unit_test(test_glyphs_combine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

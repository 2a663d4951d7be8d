/*
 * test_mask_draw.c — redaction masks drawn into pictures
 * (media_mask_draw, media_mask_block): every plane compared byte for byte,
 * padding and guard bytes around the planes included, with a reference
 * drawn here pixel by pixel (point in polygon at pixel centres); and the
 * time a 1080p frame takes (printed, never asserted).
 */
#include "config.h"

#include <limits.h>
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

#include "media/media_private.h"

#define GUARD 64

/* A yuv420p picture in one buffer of our own: guard bytes, then each
 * plane (lines of linesize > width), guard bytes after each. */
typedef struct tpic {
	AVFrame *f;
	uint8_t *buf, *orig, *want;
	size_t size, off[3];
	int w, h, pw[3], ph[3], ls[3];
} tpic;

static void
pic_make(tpic *p, int w, int h, int extra)
{
	uint32_t seed = 2463534242u + (uint32_t)w * 7u + (uint32_t)h;
	size_t at = GUARD, i;
	int k;

	memset(p, 0, sizeof(*p));
	p->w = w;
	p->h = h;
	for (k = 0; k < 3; k++) {
		p->pw[k] = k ? (w + 1) / 2 : w;
		p->ph[k] = k ? (h + 1) / 2 : h;
		p->ls[k] = p->pw[k] + extra;
		p->off[k] = at;
		at += (size_t)p->ls[k] * (size_t)p->ph[k] + GUARD;
	}
	p->size = at;
	p->buf = malloc(at);
	p->orig = malloc(at);
	p->want = malloc(at);
	assert_non_null(p->buf);
	assert_non_null(p->orig);
	assert_non_null(p->want);
	for (i = 0; i < at; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		p->buf[i] = (uint8_t)(40 + seed % 180);
	}
	memcpy(p->orig, p->buf, at);
	memcpy(p->want, p->buf, at);
	p->f = av_frame_alloc();
	assert_non_null(p->f);
	p->f->width = w;
	p->f->height = h;
	p->f->format = AV_PIX_FMT_YUV420P;
	for (k = 0; k < 3; k++) {
		p->f->data[k] = p->buf + p->off[k];
		p->f->linesize[k] = p->ls[k];
	}
}

static void
pic_free(tpic *p)
{
	av_frame_free(&p->f);
	free(p->buf);
	free(p->orig);
	free(p->want);
}

static uint8_t *
at(tpic *p, uint8_t *b, int k, int x, int y)
{
	return b + p->off[k] + (size_t)y * (size_t)p->ls[k] + (size_t)x;
}

/* pnpoly: is (px, py) inside by the even-odd rule? */
static int
inside(const ex_mask_point *pt, size_t n, double px, double py)
{
	size_t i, j;
	int c = 0;

	for (i = 0, j = n - 1; i < n; j = i++)
		if ((pt[i].y > py) != (pt[j].y > py) &&
		    px < (double)pt[i].x + ((double)pt[j].x - pt[i].x) *
		    (py - pt[i].y) / ((double)pt[j].y - pt[i].y))
			c = !c;
	return c;
}

/* Mark the luma pixels shapes cover in cov (w * h). */
static void
cover(tpic *p, const ex_mask_shape *s, size_t n, uint8_t *cov)
{
	size_t i;
	int x, y, c;

	for (y = 0; y < p->h; y++)
		for (x = 0; x < p->w; x++)
			for (i = 0; i < n; i++) {
				if (s[i].kind == EX_MASK_RECT)
					c = x >= s[i].x &&
					    (long long)x < (long long)s[i].x +
					    s[i].width && y >= s[i].y &&
					    (long long)y < (long long)s[i].y +
					    s[i].height;
				else
					c = inside(s[i].points, s[i].npoints,
					    x + 0.5, y + 0.5);
				if (c)
					cov[(size_t)y * p->w + x] = 1;
			}
}

/* Is sample (x, y) of plane k covered? */
static int
covered(tpic *p, const uint8_t *cov, int k, int x, int y)
{
	int dx, dy, lx, ly;

	if (k == 0)
		return cov[(size_t)y * p->w + x];
	for (dy = 0; dy < 2; dy++)
		for (dx = 0; dx < 2; dx++) {
			lx = 2 * x + dx;
			ly = 2 * y + dy;
			if (lx < p->w && ly < p->h &&
			    cov[(size_t)ly * p->w + lx])
				return 1;
		}
	return 0;
}

/* Draw the reference into p->want: fill or pixelate what cov covers. */
static void
reference(tpic *p, const uint8_t *cov, ex_mask_style style)
{
	int b, k, x, y, bx, by, n;
	unsigned long sum;

	for (k = 0; k < 3; k++) {
		if (style == EX_MASK_FILL) {
			for (y = 0; y < p->ph[k]; y++)
				for (x = 0; x < p->pw[k]; x++)
					if (covered(p, cov, k, x, y))
						*at(p, p->want, k, x, y) =
						    k ? 128 : 16;
			continue;
		}
		b = media_mask_block(p->w, p->h) / (k ? 2 : 1);
		for (by = 0; by < p->ph[k]; by += b)
			for (bx = 0; bx < p->pw[k]; bx += b) {
				sum = 0;
				n = 0;
				for (y = by; y < by + b && y < p->ph[k]; y++)
					for (x = bx; x < bx + b &&
					    x < p->pw[k]; x++)
						if (covered(p, cov, k, x, y)) {
							sum += *at(p, p->want,
							    k, x, y);
							n++;
						}
				for (y = by; y < by + b && y < p->ph[k]; y++)
					for (x = bx; x < bx + b &&
					    x < p->pw[k]; x++)
						if (covered(p, cov, k, x, y))
							*at(p, p->want, k, x,
							    y) = (uint8_t)((sum +
							    (unsigned)n / 2) /
							    (unsigned)n);
			}
	}
}

/* The whole buffer (guards and padding too) is what the reference says;
 * on a difference, name the first byte. */
static void
expect_want(tpic *p)
{
	size_t i;

	for (i = 0; i < p->size; i++)
		if (p->buf[i] != p->want[i]) {
			print_error("byte %zu: %d, want %d (orig %d)\n", i,
			    p->buf[i], p->want[i], p->orig[i]);
			fail();
		}
}

static ex_mask
still_mask(const char *cam, ex_mask_style style, ex_mask_shape *s, size_t n)
{
	ex_mask m;

	memset(&m, 0, sizeof(m));
	m.number = 1;
	m.camera = (char *)cam;
	m.style = style;
	m.from = m.to = EX_INSTANT_NONE;
	m.shapes = s;
	m.nshapes = n;
	return m;
}

static ex_mask_shape
rect(int x, int y, int w, int h)
{
	ex_mask_shape s;

	memset(&s, 0, sizeof(s));
	s.kind = EX_MASK_RECT;
	s.x = x;
	s.y = y;
	s.width = w;
	s.height = h;
	return s;
}

static ex_mask_shape
polygon(ex_mask_point *pt, size_t n)
{
	ex_mask_shape s;
	size_t i;
	long long x1 = INT_MIN, y1 = INT_MIN;

	memset(&s, 0, sizeof(s));
	s.kind = EX_MASK_POLYGON;
	s.points = pt;
	s.npoints = n;
	s.x = s.y = INT_MAX;
	for (i = 0; i < n; i++) {
		s.x = pt[i].x < s.x ? pt[i].x : s.x;
		s.y = pt[i].y < s.y ? pt[i].y : s.y;
		x1 = pt[i].x > x1 ? pt[i].x : x1;
		y1 = pt[i].y > y1 ? pt[i].y : y1;
	}
	/* The bounding box as documented (clamped: far points in tests). */
	s.width = (int)(x1 - s.x + 1 < INT_MAX ? x1 - s.x + 1 : INT_MAX);
	s.height = (int)(y1 - s.y + 1 < INT_MAX ? y1 - s.y + 1 : INT_MAX);
	return s;
}

/* Draw one still mask of shapes on a w x h picture and compare it with
 * the reference; returns how many luma pixels it covers. */
static size_t
draw_one(int w, int h, int extra, ex_mask_style style, ex_mask_shape *s,
    size_t n)
{
	ex_mask m = still_mask("cam1", style, s, n);
	ex_mask_set set = { &m, 1, NULL, 0 };
	unsigned char applied = 0;
	uint8_t *cov;
	size_t i, c = 0;
	tpic p;

	pic_make(&p, w, h, extra);
	cov = calloc((size_t)w * (size_t)h, 1);
	assert_non_null(cov);
	cover(&p, s, n, cov);
	reference(&p, cov, style);
	media_mask_draw(p.f, &set, "cam1", 0, &applied);
	assert_int_equal(applied, 1);
	expect_want(&p);
	for (i = 0; i < (size_t)w * (size_t)h; i++)
		c += cov[i];
	free(cov);
	pic_free(&p);
	return c;
}

/* A rect at odd coordinates: its luma black, every chroma sample touching
 * it neutral, nothing else (padding, guards) touched. */
static void
test_fill_rect(void **state)
{
	ex_mask_shape s = rect(7, 5, 11, 9);

	(void)state;
	assert_int_equal(draw_one(64, 48, 13, EX_MASK_FILL, &s, 1), 11 * 9);
	s = rect(8, 6, 1, 1);   /* one pixel: one chroma sample */
	assert_int_equal(draw_one(64, 48, 0, EX_MASK_FILL, &s, 1), 1);
}

/* A triangle, a concave U, a self-crossing star (even-odd: its middle is
 * not covered) and two overlapping shapes, fill and pixelate. */
static void
test_polygons(void **state)
{
	ex_mask_point tri[] = { { 3, 2 }, { 70, 10 }, { 20, 55 } };
	ex_mask_point u[] = { { 10, 10 }, { 60, 10 }, { 60, 50 },
	    { 45, 50 }, { 45, 25 }, { 25, 25 }, { 25, 50 }, { 10, 50 } };
	ex_mask_point star[] = { { 40, 2 }, { 63, 58 }, { 5, 22 },
	    { 75, 22 }, { 17, 58 } };
	ex_mask_point diag[] = { { 0, 0 }, { 30, 30 }, { 0, 30 } };
	ex_mask_shape s[2];
	size_t c;
	uint8_t cov[80 * 60];
	tpic p;

	(void)state;
	s[0] = polygon(tri, 3);
	assert_true(draw_one(80, 60, 5, EX_MASK_FILL, s, 1) > 1000);
	assert_true(draw_one(80, 60, 5, EX_MASK_PIXELATE, s, 1) > 1000);
	s[0] = polygon(u, 8);
	c = draw_one(80, 60, 3, EX_MASK_FILL, s, 1);
	assert_int_equal(c, 50 * 15 + 2 * 15 * 25);   /* the U's area */
	draw_one(80, 60, 3, EX_MASK_PIXELATE, s, 1);
	s[0] = polygon(star, 5);
	draw_one(80, 60, 0, EX_MASK_FILL, s, 1);
	pic_make(&p, 80, 60, 0);
	memset(cov, 0, sizeof(cov));
	cover(&p, s, 1, cov);
	assert_int_equal(cov[30 * 80 + 40], 0);    /* the star's middle */
	assert_int_equal(cov[10 * 80 + 40], 1);    /* a point of it */
	pic_free(&p);
	/* Edges through pixel centres: the 45-degree edge. */
	s[0] = polygon(diag, 3);
	draw_one(40, 40, 1, EX_MASK_FILL, s, 1);
	s[0] = polygon(u, 8);
	s[1] = rect(20, 20, 30, 20);
	draw_one(80, 60, 2, EX_MASK_FILL, s, 2);
	draw_one(80, 60, 2, EX_MASK_PIXELATE, s, 2);
}

/* The block: even, at least 16, at least a 24th of the shorter side. */
static void
test_block(void **state)
{
	int s, b;

	(void)state;
	assert_int_equal(media_mask_block(1920, 1080), 46);
	assert_int_equal(media_mask_block(1080, 1920), 46);
	assert_int_equal(media_mask_block(320, 240), 16);
	assert_int_equal(media_mask_block(640, 385), 18);
	assert_int_equal(media_mask_block(3840, 2160), 90);
	for (s = 1; s < 5000; s++) {
		b = media_mask_block(s + 7, s);
		assert_int_equal(b % 2, 0);
		assert_true(b >= 16);
		assert_true((long)b * 24 >= s);
		assert_true(b <= 16 || (long)(b - 2) * 24 < s);
	}
}

/* Pixelate: each block uniform over its covered pixels and their mean
 * (the reference), at 1080p (blocks of 46) and on a small picture. */
static void
test_pixelate(void **state)
{
	ex_mask_point tri[] = { { 100, 90 }, { 700, 200 }, { 333, 801 } };
	ex_mask_shape s[2];
	uint8_t v;
	int x, y;
	ex_mask m;
	ex_mask_set set = { &m, 1, NULL, 0 };
	tpic p;

	(void)state;
	s[0] = rect(10, 7, 53, 40);
	draw_one(200, 150, 4, EX_MASK_PIXELATE, s, 1);
	s[0] = rect(1001, 501, 301, 99);
	s[1] = polygon(tri, 3);
	draw_one(1920, 1080, 0, EX_MASK_PIXELATE, s, 2);
	/* One block filled whole: one value throughout, and not all pixels
	 * kept (the pattern is busy). */
	s[0] = rect(46, 92, 46, 46);
	m = still_mask("cam1", EX_MASK_PIXELATE, s, 1);
	pic_make(&p, 1920, 1080, 0);
	media_mask_draw(p.f, &set, "cam1", 0, NULL);
	v = *at(&p, p.buf, 0, 46, 92);
	for (y = 92; y < 138; y++)
		for (x = 46; x < 92; x++)
			assert_int_equal(*at(&p, p.buf, 0, x, y), v);
	assert_int_not_equal(memcmp(p.buf, p.orig, p.size), 0);
	assert_int_equal(*at(&p, p.buf, 0, 45, 92), *at(&p, p.orig, 0, 45,
	    92));
	pic_free(&p);
}

/* A keyed box between its keys is the interpolated box rounded outward;
 * nothing before the first key or after the last. */
static void
test_keyed(void **state)
{
	ex_mask_key keys[] = {
		{ 0, 10, 10, 20, 20 },
		{ 10 * EX_USEC_PER_SEC, 50, 30, 20, 20 },
	};
	ex_mask m;
	ex_mask_set set = { &m, 1, NULL, 0 };
	ex_mask_shape box;
	unsigned char applied;
	uint8_t cov[100 * 80];
	tpic p;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.camera = "cam1";
	m.style = EX_MASK_FILL;
	m.keys = keys;
	m.nkeys = 2;
	m.from = keys[0].time;
	m.to = keys[1].time;
	/* At a third of the way: x 23.33..43.33, y 16.67..36.67. */
	pic_make(&p, 100, 80, 3);
	box = rect(23, 16, 21, 21);
	memset(cov, 0, sizeof(cov));
	cover(&p, &box, 1, cov);
	reference(&p, cov, EX_MASK_FILL);
	applied = 0;
	media_mask_draw(p.f, &set, "cam1", 10 * EX_USEC_PER_SEC / 3,
	    &applied);
	assert_int_equal(applied, 1);
	expect_want(&p);
	pic_free(&p);
	/* Before the first key, after the last: nothing. */
	pic_make(&p, 100, 80, 3);
	applied = 0;
	media_mask_draw(p.f, &set, "cam1", -1, &applied);
	media_mask_draw(p.f, &set, "cam1", 10 * EX_USEC_PER_SEC + 1,
	    &applied);
	assert_int_equal(applied, 0);
	assert_memory_equal(p.buf, p.orig, p.size);
	/* At the last key: its box. */
	box = rect(50, 30, 20, 20);
	memset(cov, 0, sizeof(cov));
	cover(&p, &box, 1, cov);
	reference(&p, cov, EX_MASK_FILL);
	media_mask_draw(p.f, &set, "cam1", 10 * EX_USEC_PER_SEC, &applied);
	assert_int_equal(applied, 1);
	expect_want(&p);
	pic_free(&p);
}

/* Only the camera's masks, only those active: applied says which. */
static void
test_cameras_applied(void **state)
{
	ex_mask_shape s = rect(0, 0, 10, 10);
	ex_mask m[3];
	ex_mask_set set = { m, 3, NULL, 0 };
	unsigned char applied[3] = { 0, 0, 0 };
	tpic p;

	(void)state;
	m[0] = still_mask("cam2", EX_MASK_FILL, &s, 1);
	m[1] = still_mask("cam1", EX_MASK_FILL, &s, 1);
	m[1].from = 100;
	m[1].to = 200;          /* [100, 200): not at 200 */
	m[2] = still_mask("cam10", EX_MASK_PIXELATE, &s, 1);
	pic_make(&p, 32, 32, 0);
	media_mask_draw(p.f, &set, "cam1", 200, applied);
	media_mask_draw(p.f, &set, "cam1", 99, applied);
	media_mask_draw(p.f, NULL, "cam1", 150, NULL);
	assert_memory_equal(p.buf, p.orig, p.size);
	assert_memory_equal(applied, "\0\0\0", 3);
	media_mask_draw(p.f, &set, "cam1", 100, applied);
	assert_memory_equal(applied, "\0\1\0", 3);
	assert_int_equal(*at(&p, p.buf, 0, 9, 9), 16);
	assert_int_equal(*at(&p, p.buf, 0, 10, 9), *at(&p, p.orig, 0, 10, 9));
	media_mask_draw(p.f, &set, "cam2", 100, applied);
	assert_memory_equal(applied, "\1\1\0", 3);
	pic_free(&p);
}

/* Shapes over the picture's edges (and far out of it) are clipped. */
static void
test_clipping(void **state)
{
	ex_mask_point out[] = { { -50, -40 }, { 90, 5 }, { 10, 200 } };
	ex_mask_point far[] = { { INT_MIN, INT_MIN }, { INT_MAX, 0 },
	    { 0, INT_MAX } };
	ex_mask_shape s[4];

	(void)state;
	s[0] = rect(-5, -5, 20, 20);
	s[1] = rect(64 - 7, 48 - 3, 50, 50);
	s[2] = rect(10, 30, INT_MAX, 4);
	s[3] = polygon(out, 3);
	draw_one(64, 48, 5, EX_MASK_FILL, s, 4);
	draw_one(64, 48, 5, EX_MASK_PIXELATE, s, 4);
	s[0] = rect(100, 100, 10, 10);          /* wholly outside */
	assert_int_equal(draw_one(64, 48, 5, EX_MASK_FILL, s, 1), 0);
	s[0] = rect(INT_MIN, INT_MIN, INT_MAX, INT_MAX);
	assert_int_equal(draw_one(64, 48, 5, EX_MASK_FILL, s, 1), 0);
	s[0] = polygon(far, 3);
	draw_one(64, 48, 5, EX_MASK_FILL, s, 1);
}

/* An odd-sized picture with lines longer than it is wide: the last
 * (half-covered) chroma column and row, guards untouched. */
static void
test_odd_size(void **state)
{
	ex_mask_point tri[] = { { 200, 100 }, { 330, 150 }, { 250, 260 } };
	ex_mask_shape s[3];

	(void)state;
	s[0] = rect(300, 0, 21, 241);
	s[1] = rect(0, 230, 321, 11);
	s[2] = polygon(tri, 3);
	draw_one(321, 241, 11, EX_MASK_FILL, s, 3);
	draw_one(321, 241, 11, EX_MASK_PIXELATE, s, 3);
	s[0] = rect(320, 240, 1, 1);    /* the last pixel alone */
	assert_int_equal(draw_one(321, 241, 1, EX_MASK_FILL, s, 1), 1);
	draw_one(321, 241, 1, EX_MASK_PIXELATE, s, 1);
	draw_one(17, 17, 3, EX_MASK_PIXELATE, s, 3);
}

/* Not a test: the time one 1080p frame takes with three masks (a moving
 * box, a rect, a polygon), printed for bench/README.md. */
static void
test_timing(void **state)
{
	ex_mask_point pt[] = { { 1200, 600 }, { 1500, 650 }, { 1450, 900 },
	    { 1300, 950 }, { 1150, 800 } };
	ex_mask_key keys[] = {
		{ 0, 100, 100, 200, 300 },
		{ 10 * EX_USEC_PER_SEC, 600, 200, 200, 300 },
	};
	ex_mask_shape s[2];
	ex_mask m[3];
	ex_mask_set set = { m, 3, NULL, 0 };
	struct timespec a, b;
	int style, i, n = 200;
	double ns;
	tpic p;

	(void)state;
	s[0] = rect(800, 100, 240, 180);
	s[1] = polygon(pt, 5);
	pic_make(&p, 1920, 1080, 0);
	for (style = EX_MASK_FILL; style <= EX_MASK_PIXELATE; style++) {
		memset(m, 0, sizeof(m));
		m[0].camera = "cam1";
		m[0].keys = keys;
		m[0].nkeys = 2;
		m[1] = still_mask("cam1", (ex_mask_style)style, &s[0], 1);
		m[2] = still_mask("cam1", (ex_mask_style)style, &s[1], 1);
		m[0].style = (ex_mask_style)style;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		for (i = 0; i < n; i++)
			media_mask_draw(p.f, &set, "cam1",
			    (ex_instant)i * 40000, NULL);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 +
		    (double)(b.tv_nsec - a.tv_nsec)) / n;
		print_message("mask_draw 1080p, 3 masks, %s: %.0f ns/frame\n",
		    ex_mask_style_name((ex_mask_style)style), ns);
	}
	pic_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_rect),
		cmocka_unit_test(test_polygons),
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_pixelate),
		cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_cameras_applied),
		cmocka_unit_test(test_clipping),
		cmocka_unit_test(test_odd_size),
		cmocka_unit_test(test_timing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

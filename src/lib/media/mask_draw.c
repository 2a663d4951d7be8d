/*
 * mask_draw.c — the redaction masks drawn into a picture
 * (media_mask_draw, media_mask_block): each mask's shapes turned into
 * covered spans row by row (a pixel is covered when its centre is inside;
 * polygons by the even-odd rule), then filled black or pixelated in
 * blocks on the picture's grid.  Nothing is allocated: spans and block
 * sums live on the stack.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/pixfmt.h>

#include "media/media_private.h"

/* Most spans on one row of one group of shapes: a polygon gives at most
 * half its points, so one polygon always fits. */
#define SPANS_MAX EX_MASK_MAX_POINTS
/* Most pixelation blocks across summed at once (more: the row is done in
 * pieces of this many). */
#define BLOCKS_MAX 512

/* Covered pixels [x0, x1) of one row. */
typedef struct span {
	int x0, x1;
} span;

/* Shapes drawn together (their union), clipped to the picture: the
 * shapes of a mask, split only when their spans could overflow SPANS_MAX
 * (then pixelation blocks are uniform within each group). */
typedef struct group {
	const ex_mask_shape *shapes;
	size_t n;
	int w, h;                 /* the picture (luma) */
	int x0, y0, x1, y1;       /* the union's bounding box, clipped */
} group;

/* One plane of the picture. */
typedef struct plane {
	uint8_t *data;
	int linesize;
	int w, h;
	int chroma;               /* a half-size plane: covered when any of
	                             its 2x2 luma pixels is */
} plane;

int
media_mask_block(int width, int height)
{
	int s = width < height ? width : height;
	int b;

	if (s <= 0)
		return 16;
	b = s / 24 + (s % 24 != 0);
	if (b < 16)
		b = 16;
	return b + (b & 1);
}

static int
clampi(long long v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : (int)v;
}

/* The first pixel whose centre lies at or right of the point where the
 * row's centre line (y + 0.5) crosses edge a-b (a.y != b.y), clamped to
 * [0, w]. */
static int
crossing(const ex_mask_point *a, const ex_mask_point *b, int y, int w)
{
	double dx = (double)b->x - a->x, dy = (double)b->y - a->y;
	double c = (double)a->x + dx * ((double)y + 0.5 - a->y) / dy;
	double first = ceil(c - 0.5);

	if (first < 0)
		return 0;
	if (first > w)
		return w;
	return (int)first;
}

/* Append shape s's spans on row y (clipped to [0, w)) to out; returns the
 * new count.  A polygon's are in order and disjoint. */
static int
shape_spans(const ex_mask_shape *s, int y, int w, span *out, int n)
{
	int xs[EX_MASK_MAX_POINTS];
	const ex_mask_point *a, *b;
	size_t i, np;
	int k, m, v;

	if (s->kind == EX_MASK_RECT) {
		if (y < s->y || (long long)y >= (long long)s->y + s->height)
			return n;
		out[n].x0 = clampi(s->x, 0, w);
		out[n].x1 = clampi((long long)s->x + s->width, 0, w);
		return out[n].x0 < out[n].x1 ? n + 1 : n;
	}
	if (s->kind != EX_MASK_POLYGON || s->points == NULL || s->npoints < 3)
		return n;
	np = s->npoints < EX_MASK_MAX_POINTS ? s->npoints : EX_MASK_MAX_POINTS;
	m = 0;
	for (i = 0; i < np; i++) {
		a = &s->points[i];
		b = &s->points[(i + 1) % np];
		/* Centre line strictly between: y + 0.5 is never a vertex's y. */
		if ((a->y <= y) == (b->y <= y))
			continue;
		v = crossing(a, b, y, w);
		for (k = m; k > 0 && xs[k - 1] > v; k--)
			xs[k] = xs[k - 1];
		xs[k] = v;
		m++;
	}
	for (k = 0; k + 1 < m; k += 2)
		if (xs[k] < xs[k + 1]) {
			out[n].x0 = xs[k];
			out[n].x1 = xs[k + 1];
			n++;
		}
	return n;
}

static int
span_cmp(const void *a, const void *b)
{
	const span *p = a, *q = b;

	return (p->x0 > q->x0) - (p->x0 < q->x0);
}

/* Sort (when asked) and merge overlapping or touching spans in place. */
static int
spans_merge(span *s, int n, int sort)
{
	span v;
	int i, m;

	if (n < 2)
		return n;
	if (sort && n > 16)
		qsort(s, (size_t)n, sizeof(*s), span_cmp);
	else if (sort)
		for (i = 1; i < n; i++) {
			v = s[i];
			for (m = i; m > 0 && s[m - 1].x0 > v.x0; m--)
				s[m] = s[m - 1];
			s[m] = v;
		}
	for (m = 0, i = 1; i < n; i++) {
		if (s[i].x0 <= s[m].x1) {
			if (s[i].x1 > s[m].x1)
				s[m].x1 = s[i].x1;
		} else
			s[++m] = s[i];
	}
	return m + 1;
}

/* The group's covered luma pixels on row y, in order and disjoint. */
static int
luma_spans(const group *g, int y, span *out)
{
	size_t i;
	int n = 0;

	if (y < g->y0 || y >= g->y1)
		return 0;
	for (i = 0; i < g->n; i++)
		n = shape_spans(&g->shapes[i], y, g->w, out, n);
	return spans_merge(out, n, g->n > 1);
}

/* The covered samples of plane row r: luma row r, or for chroma the
 * samples under luma rows 2r and 2r + 1.  out holds 2 * SPANS_MAX. */
static int
plane_spans(const group *g, const plane *p, int r, span *out)
{
	int i, n;

	if (!p->chroma)
		return luma_spans(g, r, out);
	n = luma_spans(g, 2 * r, out);
	if (2 * r + 1 < g->h)
		n += luma_spans(g, 2 * r + 1, out + n);
	for (i = 0; i < n; i++) {
		out[i].x0 >>= 1;
		out[i].x1 = (out[i].x1 + 1) >> 1;
	}
	return spans_merge(out, n, 1);
}

/* The plane rows [*r0, *r1) the group can cover. */
static void
plane_rows(const group *g, const plane *p, int *r0, int *r1)
{
	*r0 = p->chroma ? g->y0 >> 1 : g->y0;
	*r1 = p->chroma ? (g->y1 + 1) >> 1 : g->y1;
}

static void
plane_fill(const group *g, const plane *p, uint8_t v)
{
	span s[2 * SPANS_MAX];
	int i, n, r, r0, r1;

	plane_rows(g, p, &r0, &r1);
	for (r = r0; r < r1; r++) {
		n = plane_spans(g, p, r, s);
		for (i = 0; i < n; i++)
			memset(p->data + (ptrdiff_t)r * p->linesize + s[i].x0, v,
			    (size_t)(s[i].x1 - s[i].x0));
	}
}

/* The sum of n bytes, eight at a time in 16-bit lanes. */
static uint64_t
bytes_sum(const uint8_t *p, int n)
{
	const uint64_t lo = UINT64_C(0x00ff00ff00ff00ff);
	uint64_t v, lanes, sum = 0;
	int i, k;

	for (i = 0; i + 8 <= n; ) {
		/* At most 64 words per round: lanes stay under 65536. */
		for (lanes = 0, k = 0; k < 64 && i + 8 <= n; k++, i += 8) {
			memcpy(&v, p + i, sizeof(v));
			lanes += (v & lo) + ((v >> 8) & lo);
		}
		sum += (lanes * UINT64_C(0x0001000100010001)) >> 48;
	}
	for (; i < n; i++)
		sum += p[i];
	return sum;
}

/* One row r of a band of blocks (block columns from bx0, samples [cx0,
 * cx1)): its covered samples summed and counted per block, or, when val
 * is not NULL, set to their block's value. */
static void
row_blocks(const group *g, const plane *p, int r, int b, int bx0, int cx0,
    int cx1, uint64_t *sum, uint32_t *cnt, const uint8_t *val)
{
	span s[2 * SPANS_MAX];
	uint8_t *row = p->data + (ptrdiff_t)r * p->linesize;
	int bx, i, n, x, xe, xs;

	n = plane_spans(g, p, r, s);
	for (i = 0; i < n; i++) {
		xs = s[i].x0 > cx0 ? s[i].x0 : cx0;
		xe = s[i].x1 < cx1 ? s[i].x1 : cx1;
		if (xs >= xe)
			continue;
		/* One division a span: block bx ends at (bx + 1) * b. */
		for (bx = xs / b; xs < xe; xs = x, bx++) {
			x = (bx + 1) * b < xe ? (bx + 1) * b : xe;
			if (val != NULL)
				memset(row + xs, val[bx - bx0], (size_t)(x - xs));
			else {
				sum[bx - bx0] += bytes_sum(row + xs, x - xs);
				cnt[bx - bx0] += (uint32_t)(x - xs);
			}
		}
	}
}

/*
 * Pixelate one plane in blocks of b samples from its top-left corner:
 * every covered sample of a block gets the mean (rounded half up) of the
 * block's covered samples.  Block columns are summed BLOCKS_MAX at a time.
 */
static void
plane_pixelate(const group *g, const plane *p, int b)
{
	uint64_t sum[BLOCKS_MAX];
	uint32_t cnt[BLOCKS_MAX];
	uint8_t val[BLOCKS_MAX];
	int c0, c1, cx0, cx1, br, bx, bx0, r, r0, r1, rb0, rb1;

	plane_rows(g, p, &r0, &r1);
	c0 = p->chroma ? g->x0 >> 1 : g->x0;
	c1 = p->chroma ? (g->x1 + 1) >> 1 : g->x1;
	if (r0 >= r1 || c0 >= c1)
		return;
	for (br = r0 / b; br <= (r1 - 1) / b; br++) {
		rb0 = br * b > r0 ? br * b : r0;
		rb1 = br * b + b < r1 ? br * b + b : r1;
		for (bx0 = c0 / b; bx0 <= (c1 - 1) / b; bx0 += BLOCKS_MAX) {
			cx0 = bx0 * b;
			cx1 = (long long)(bx0 + BLOCKS_MAX) * b < p->w ?
			    (bx0 + BLOCKS_MAX) * b : p->w;
			memset(sum, 0, sizeof(sum));
			memset(cnt, 0, sizeof(cnt));
			for (r = rb0; r < rb1; r++)
				row_blocks(g, p, r, b, bx0, cx0, cx1, sum, cnt,
				    NULL);
			for (bx = 0; bx < BLOCKS_MAX; bx++)
				val[bx] = cnt[bx] ? (uint8_t)((sum[bx] +
				    cnt[bx] / 2) / cnt[bx]) : 0;
			for (r = rb0; r < rb1; r++)
				row_blocks(g, p, r, b, bx0, cx0, cx1, NULL, NULL,
				    val);
		}
	}
}

/* Shape s's bounding box clipped to the picture; 0 when nothing is left. */
static int
shape_box(const ex_mask_shape *s, int w, int h, int *x0, int *y0, int *x1,
    int *y1)
{
	long long ax, ay, bx, by;
	size_t i;

	if (s->kind == EX_MASK_RECT) {
		ax = s->x;
		ay = s->y;
		bx = (long long)s->x + s->width;
		by = (long long)s->y + s->height;
	} else if (s->kind == EX_MASK_POLYGON && s->npoints >= 3 &&
	    s->points != NULL) {
		ax = ay = LLONG_MAX;
		bx = by = LLONG_MIN;
		for (i = 0; i < s->npoints && i < EX_MASK_MAX_POINTS; i++) {
			ax = s->points[i].x < ax ? s->points[i].x : ax;
			ay = s->points[i].y < ay ? s->points[i].y : ay;
			bx = s->points[i].x > bx ? s->points[i].x : bx;
			by = s->points[i].y > by ? s->points[i].y : by;
		}
	} else
		return 0;
	*x0 = clampi(ax, 0, w);
	*y0 = clampi(ay, 0, h);
	*x1 = clampi(bx, 0, w);
	*y1 = clampi(by, 0, h);
	return *x0 < *x1 && *y0 < *y1;
}

/* The spans shape s can give on one row. */
static size_t
shape_cost(const ex_mask_shape *s)
{
	return s->kind == EX_MASK_RECT ? 1 : s->npoints / 2 + 1;
}

static void
group_draw(group *g, AVFrame *pic, ex_mask_style style)
{
	plane p[3];
	int b, i;

	for (i = 0; i < 3; i++) {
		p[i].data = pic->data[i];
		p[i].linesize = pic->linesize[i];
		p[i].chroma = i > 0;
		p[i].w = i > 0 ? (pic->width + 1) >> 1 : pic->width;
		p[i].h = i > 0 ? (pic->height + 1) >> 1 : pic->height;
	}
	if (style == EX_MASK_FILL) {
		plane_fill(g, &p[0], 16);
		plane_fill(g, &p[1], 128);
		plane_fill(g, &p[2], 128);
		return;
	}
	b = media_mask_block(pic->width, pic->height);
	plane_pixelate(g, &p[0], b);
	plane_pixelate(g, &p[1], b / 2);
	plane_pixelate(g, &p[2], b / 2);
}

/* Draw shapes[0..n) in groups whose spans fit SPANS_MAX. */
static void
shapes_draw(AVFrame *pic, const ex_mask_shape *shapes, size_t n,
    ex_mask_style style)
{
	group g;
	size_t i, cost, c;
	int x0, y0, x1, y1, any;

	for (i = 0; i < n; ) {
		g.shapes = &shapes[i];
		g.n = 0;
		g.w = pic->width;
		g.h = pic->height;
		g.x0 = g.y0 = INT_MAX;
		g.x1 = g.y1 = 0;
		any = 0;
		for (cost = 0; i < n; i++, g.n++) {
			c = shape_cost(&shapes[i]);
			if (g.n > 0 && cost + c > SPANS_MAX)
				break;
			cost += c;
			if (!shape_box(&shapes[i], g.w, g.h, &x0, &y0, &x1, &y1))
				continue;
			any = 1;
			g.x0 = x0 < g.x0 ? x0 : g.x0;
			g.y0 = y0 < g.y0 ? y0 : g.y0;
			g.x1 = x1 > g.x1 ? x1 : g.x1;
			g.y1 = y1 > g.y1 ? y1 : g.y1;
		}
		if (any)
			group_draw(&g, pic, style);
	}
}

void
media_mask_draw(AVFrame *pic, const ex_mask_set *set, const char *camera,
    ex_instant t, unsigned char *applied)
{
	const ex_mask *m;
	ex_mask_shape box;
	size_t k;

	if (set == NULL || pic == NULL || pic->width <= 0 ||
	    pic->height <= 0 || (pic->format != AV_PIX_FMT_YUV420P &&
	    pic->format != AV_PIX_FMT_YUVJ420P))
		return;
	for (k = 0; k < set->nmasks; k++) {
		m = &set->masks[k];
		if (m->camera == NULL || camera == NULL ||
		    strcmp(m->camera, camera) != 0 || !ex_mask_at(m, t, &box))
			continue;
		if (m->nkeys > 0)
			shapes_draw(pic, &box, 1, m->style);
		else
			shapes_draw(pic, m->shapes, m->nshapes, m->style);
		if (applied != NULL)
			applied[k] = 1;
	}
}

/*
 * geometry.c — what a mask covers at a moment (ex_mask_at): a keyed
 * mask's box between its keys, linear in time and rounded outward; the
 * style names.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>

#include "exhibit/mask.h"

const char *
ex_mask_style_name(ex_mask_style s)
{
	return s == EX_MASK_FILL ? "fill" : s == EX_MASK_PIXELATE ?
	    "pixelate" : "";
}

/* a + (b - a) * f, f in [0, 1]. */
static double
lerp(int a, int b, double f)
{
	return (double)a + ((double)b - (double)a) * f;
}

int
ex_mask_at(const ex_mask *m, ex_instant t, ex_mask_shape *box)
{
	const ex_mask_key *a, *b;
	double f, x0, y0, x1, y1;
	size_t i;

	if (m->nkeys == 0) {
		if (m->from != EX_INSTANT_NONE && t < m->from)
			return 0;
		if (m->to != EX_INSTANT_NONE && t >= m->to)
			return 0;
		return 1;
	}
	if (t < m->keys[0].time || t > m->keys[m->nkeys - 1].time)
		return 0;
	for (i = 1; i < m->nkeys - 1 && m->keys[i].time < t; i++)
		;
	a = &m->keys[i - 1];
	b = &m->keys[i];
	f = b->time > a->time ? (double)(t - a->time) /
	    (double)(b->time - a->time) : 1.0;
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	/* Each edge on its own line, rounded outward: the box is never
	 * smaller than the one the keys describe at t. */
	x0 = floor(lerp(a->x, b->x, f));
	y0 = floor(lerp(a->y, b->y, f));
	x1 = ceil(lerp(a->x + a->width, b->x + b->width, f));
	y1 = ceil(lerp(a->y + a->height, b->y + b->height, f));
	box->kind = EX_MASK_RECT;
	box->x = (int)x0;
	box->y = (int)y0;
	box->width = (int)(x1 - x0);
	box->height = (int)(y1 - y0);
	box->points = NULL;
	box->npoints = 0;
	return 1;
}

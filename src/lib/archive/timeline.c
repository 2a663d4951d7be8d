/*
 * timeline.c — one camera's segments in time order, the spans they cover,
 * the gaps between those spans and the times recorded twice.
 *
 * Recorders cut segments on their own clock, so the next file may start
 * a few milliseconds after (or before) the previous one ends.  A start
 * within one frame duration of the running end continues the span; only
 * a hole longer than that is a gap, and only an overlap of at least one
 * frame is reported.  Unreadable segments are listed (last) but cover
 * nothing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "archive/archive_private.h"
#include "base.h"

#define usable archive_segment_usable

int
archive_segment_usable(const ex_segment *s)
{
	return s->state != EX_SEG_UNREADABLE && s->start != EX_INSTANT_NONE &&
	    s->end != EX_INSTANT_NONE;
}

int
archive_timeline_cmp(const void *a, const void *b)
{
	const ex_segment *x = a, *y = b;
	int ux = usable(x), uy = usable(y);

	if (ux != uy)
		return uy - ux;            /* usable first */
	if (ux) {
		if (x->start != y->start)
			return x->start < y->start ? -1 : 1;
		if (x->end != y->end)
			return x->end < y->end ? -1 : 1;
	}
	return strcmp(x->relpath, y->relpath);
}

/* One frame of this segment in microseconds, 0 if unknown. */
static int64_t
frame_usec(const ex_segment *s)
{
	if (s->fps_num <= 0 || s->fps_den <= 0)
		return 0;
	return (int64_t)s->fps_den * EX_USEC_PER_SEC / s->fps_num;
}

/* Append [start, end) to list (n of cap). */
static int
push(ex_span **list, size_t *n, size_t *cap, ex_instant start,
    ex_instant end)
{
	if (BASE_GROW(*list, *cap, *n + 1) != 0)
		return -1;
	(*list)[*n].start = start;
	(*list)[*n].end = end;
	(*n)++;
	return 0;
}

void
archive_tl_reset(ex_camera *c, archive_tl *tl)
{
	free(c->covered);
	free(c->covered_last);
	free(c->gaps);
	free(c->overlaps);
	c->covered = c->gaps = c->overlaps = NULL;
	c->covered_last = NULL;
	c->ncovered = c->ngaps = c->noverlaps = 0;
	memset(tl, 0, sizeof(*tl));
}

/* Close the open span: covered, with its last frame. */
static int
close_span(ex_camera *c, archive_tl *tl)
{
	size_t n = c->ncovered;

	if (push(&c->covered, &c->ncovered, &tl->capc, tl->cur.start,
	    tl->cur.end) != 0 ||
	    BASE_GROW(c->covered_last, tl->capl, n + 1) != 0)
		return -1;
	c->covered_last[n] = tl->last;
	return 0;
}

ex_status
archive_tl_add(ex_camera *c, archive_tl *tl, const ex_segment *s,
    ex_error *err)
{
	int64_t ft = frame_usec(s), t = tl->tol > ft ? tl->tol : ft;

	if (!usable(s))
		return EX_OK;
	if (tl->open && s->start <= tl->cur.end + t) {
		if (s->start < tl->cur.end) {
			ex_instant oe = s->end < tl->cur.end ? s->end :
			    tl->cur.end;

			if (oe - s->start >= (t > 0 ? t : 1)) {
				ex_span *last = c->noverlaps ?
				    &c->overlaps[c->noverlaps - 1] : NULL;

				if (last != NULL && s->start <= last->end) {
					if (oe > last->end)
						last->end = oe;
				} else if (push(&c->overlaps, &c->noverlaps,
				    &tl->capo, s->start, oe) != 0)
					return base_nomem(err);
			}
		}
		if (s->end > tl->cur.end) {
			tl->cur.end = s->end;
			tl->tol = ft;
			tl->last = s->last_frame;
		} else if (s->end == tl->cur.end &&
		    tl->last == EX_INSTANT_NONE) {
			tl->last = s->last_frame;
		}
		return EX_OK;
	}
	if (tl->open && (close_span(c, tl) != 0 ||
	    push(&c->gaps, &c->ngaps, &tl->capg, tl->cur.end, s->start) != 0))
		return base_nomem(err);
	tl->cur.start = s->start;
	tl->cur.end = s->end;
	tl->tol = ft;
	tl->last = s->last_frame;
	tl->open = 1;
	return EX_OK;
}

ex_status
archive_tl_end(ex_camera *c, archive_tl *tl, ex_error *err)
{
	if (tl->open && close_span(c, tl) != 0)
		return base_nomem(err);
	tl->open = 0;
	return EX_OK;
}

void
archive_timeline_sort(ex_camera *c)
{
	if (c->nsegments > 1)
		qsort(c->segments, c->nsegments, sizeof(*c->segments),
		    archive_timeline_cmp);
}

ex_status
archive_timeline_build(ex_camera *c, ex_error *err)
{
	archive_tl tl;
	ex_status st;
	size_t i;

	archive_tl_reset(c, &tl);
	archive_timeline_sort(c);
	for (i = 0; i < c->nsegments && usable(&c->segments[i]); i++)
		if ((st = archive_tl_add(c, &tl, &c->segments[i], err)) !=
		    EX_OK)
			return st;
	return archive_tl_end(c, &tl, err);
}

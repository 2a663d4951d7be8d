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

static int
usable(const ex_segment *s)
{
	return s->state != EX_SEG_UNREADABLE && s->start != EX_INSTANT_NONE &&
	    s->end != EX_INSTANT_NONE;
}

static int
cmp_segment(const void *a, const void *b)
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

/* A span list being built: its capacity beside the camera's count. */
typedef struct spans {
	ex_span **list;
	size_t *n, cap;
} spans;

/* Append [start, end) to the list. */
static int
push(spans *l, ex_instant start, ex_instant end)
{
	if (BASE_GROW(*l->list, l->cap, *l->n + 1) != 0)
		return -1;
	(*l->list)[*l->n].start = start;
	(*l->list)[*l->n].end = end;
	(*l->n)++;
	return 0;
}

ex_status
archive_timeline_build(ex_camera *c, ex_error *err)
{
	spans covered = { &c->covered, &c->ncovered, 0 };
	spans gaps = { &c->gaps, &c->ngaps, 0 };
	spans overlaps = { &c->overlaps, &c->noverlaps, 0 };
	ex_span cur = { 0, 0 };
	int64_t tol = 0;
	size_t i;
	int open = 0;

	free(c->covered);
	free(c->gaps);
	free(c->overlaps);
	c->covered = c->gaps = c->overlaps = NULL;
	c->ncovered = c->ngaps = c->noverlaps = 0;
	if (c->nsegments > 1)
		qsort(c->segments, c->nsegments, sizeof(*c->segments),
		    cmp_segment);
	for (i = 0; i < c->nsegments; i++) {
		const ex_segment *s = &c->segments[i];
		int64_t ft;

		if (!usable(s))
			break;             /* the rest are unreadable */
		ft = frame_usec(s);
		if (open && s->start <= cur.end + (tol > ft ? tol : ft)) {
			if (s->start < cur.end) {
				ex_instant oe = s->end < cur.end ? s->end :
				    cur.end;
				int64_t t = tol > ft ? tol : ft;

				if (oe - s->start >= (t > 0 ? t : 1)) {
					ex_span *last = c->noverlaps ?
					    &c->overlaps[c->noverlaps - 1] :
					    NULL;

					if (last != NULL &&
					    s->start <= last->end) {
						if (oe > last->end)
							last->end = oe;
					} else if (push(&overlaps,
					    s->start, oe) != 0)
						goto nomem;
				}
			}
			if (s->end > cur.end) {
				cur.end = s->end;
				tol = ft;
			}
			continue;
		}
		if (open) {
			if (push(&covered, cur.start, cur.end) != 0 ||
			    push(&gaps, cur.end, s->start) != 0)
				goto nomem;
		}
		cur.start = s->start;
		cur.end = s->end;
		tol = ft;
		open = 1;
	}
	if (open && push(&covered, cur.start, cur.end) != 0)
		goto nomem;
	return EX_OK;
nomem:
	return base_nomem(err);
}

/*
 * walk.c — how each listed segment's facts are settled, folder by folder
 * (archive_private.h, "the walk"): from the segment index when it holds
 * this very file unchanged, from a probe (spread over threads), or, in a
 * scan that is not deep, from the names alone; then into the camera's
 * timeline, and out of memory again in a summary.  With a range, only the
 * files the range needs are kept and probed, each afresh.
 *
 * What names may stand in for: a segment whose listed start is one usual
 * segment length after its predecessor's, give or take a second (names
 * carry whole seconds), is taken to run until its successor starts.
 * Everything else is opened: the first segment of a camera (which gives
 * the usual length), the last, both sides of a spacing that differs from
 * the usual length (a gap or an overlap is reported only as the files
 * show it), an empty or much smaller file than the one before, and a file
 * without a start in its name.  So every gap, overlap and damaged file a
 * scan reports is real; damage inside files not opened is not seen until
 * a deep scan.
 */
#include "config.h"

#include <stdatomic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/archive_private.h"
#include "archive/segindex.h"
#include "base.h"

/* A range's listing begins this long before it: the margin in which a
 * segment that starts before the range may still reach into it without
 * another listing. */
#define WINDOW_MARGIN (15 * EX_USEC_PER_SEC)
/* Names carry whole seconds. */
#define NAME_SLACK (EX_USEC_PER_SEC)

struct archive_wcam {
	archive_tl tl;
	size_t done;              /* segments[0, done) are settled */
	int64_t usual;            /* usual segment length learnt, 0: none */
	int64_t last_size;        /* size of the last segment settled */
	int probe_first;          /* the next flush opens its first segment
	                             (the far side of an odd spacing) */
};

/* One segment being settled in a flush. */
typedef struct pending {
	ex_segment *seg;
	archive_file_key key;
	int keyed;                /* key holds (the file could be stat'ed) */
	int regular;              /* it is a regular file */
	int probe;                /* to be opened */
	archive_probe_times times;
} pending;

/* ---- setting up ---------------------------------------------------------- */

ex_status
archive_walk_init(archive_walk *w, ex_archive *a,
    const ex_archive_options *opts, ex_instant lo, ex_error *err)
{
	long n;

	memset(w, 0, sizeof(*w));
	w->a = a;
	w->opts = opts;
	w->widen = EX_INSTANT_NONE;
	if (opts->from < opts->to) {
		w->window = 1;
		w->lo = lo != EX_INSTANT_NONE ? lo : opts->from -
		    WINDOW_MARGIN;
		w->hi = opts->to;
	}
	w->jobs = opts->jobs;
	if (w->jobs == 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		w->jobs = n > 0 ? (unsigned)n : 1;
	}
	if (w->jobs > 64)
		w->jobs = 64;
	(void)err;
	return EX_OK;
}

void
archive_walk_note(archive_walk *w, char *note)
{
	ex_archive *a = w->a;
	char **v;

	if (note == NULL)
		return;
	v = realloc(a->notes, (a->nnotes + 1) * sizeof(*v));
	if (v == NULL) {
		free(note);
		return;
	}
	a->notes = v;
	a->notes[a->nnotes++] = note;
}

/* The index, opened at the first need (an export without files of
 * unknown start never opens it); NULL when there is none. */
static archive_index *
walk_index(archive_walk *w)
{
	char *note = NULL;

	if (w->ix_tried || w->opts->no_cache)
		return w->ix;
	w->ix_tried = 1;
	if (archive_index_open(NULL, &w->ix, &note, NULL) != EX_OK)
		w->ix = NULL;
	archive_walk_note(w, note);
	if (w->ix != NULL && w->a->index_path == NULL)
		w->a->index_path = strdup(archive_index_path(w->ix));
	return w->ix;
}

void
archive_walk_done(archive_walk *w)
{
	if (w->ix != NULL) {
		archive_index_commit(w->ix);
		archive_walk_note(w, archive_index_take_note(w->ix));
		archive_index_close(&w->ix);
	}
	free(w->cams);
	w->cams = NULL;
	w->ncams = 0;
}

int
archive_walk_wants(const archive_walk *w, const char *id)
{
	const ex_archive_options *o = w->opts;
	size_t i;

	if (o->camera != NULL && strcmp(o->camera, id) != 0)
		return 0;
	if (o->cameras == NULL)
		return 1;
	for (i = 0; i < o->ncameras; i++)
		if (strcmp(o->cameras[i], id) == 0)
			return 1;
	return 0;
}

int
archive_walk_meets(const archive_walk *w, ex_instant start, ex_instant end)
{
	return !w->window || (start < w->hi && end > w->lo);
}

int
archive_walk_has_before(const archive_walk *w, size_t cam, int after)
{
	const ex_camera *c = &w->a->cameras[cam];
	size_t i;

	for (i = 0; i < c->nsegments; i++)
		if (c->segments[i].start != EX_INSTANT_NONE && (after ?
		    c->segments[i].start >= w->hi :
		    c->segments[i].start < w->lo))
			return 1;
	return 0;
}

/* The walk's state of camera cam, grown to the archive's cameras. */
static struct archive_wcam *
wcam(archive_walk *w, size_t cam)
{
	size_t i, n = w->a->ncameras;
	struct archive_wcam *v;

	if (cam >= w->ncams) {
		if ((v = realloc(w->cams, n * sizeof(*v))) == NULL)
			return NULL;
		for (i = w->ncams; i < n; i++) {
			memset(&v[i], 0, sizeof(v[i]));
		}
		w->cams = v;
		w->ncams = n;
	}
	return &w->cams[cam];
}

/* ---- facts --------------------------------------------------------------- */

static void
segment_clear(ex_segment *s)
{
	free(s->path);
	free(s->relpath);
	free(s->problem);
	free(s->streams);
	memset(s, 0, sizeof(*s));
}

/* Settle start, end and last frame from what a probe (now, or kept in
 * the index) gave (detect.c did this after each probe). */
static void
apply_times(ex_segment *seg, const archive_probe_times *t)
{
	if (seg->start == EX_INSTANT_NONE && t->created != EX_INSTANT_NONE) {
		seg->start = t->created;
		seg->time_source = "container";
	}
	if (seg->state == EX_SEG_UNREADABLE)
		return;
	if (seg->start == EX_INSTANT_NONE) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "no start time: none in the file name and no creation "
		    "time in the container");
		return;
	}
	seg->start += t->first_offset;
	seg->end = seg->start + t->length;
	seg->last_frame = seg->start + t->last_offset;
}

/* The probes of a flush, shared by its threads. */
typedef struct pool {
	pending **v;
	size_t n;
	atomic_size_t next, done;
	atomic_int nomem;
} pool;

static void
probe_some(pool *p, archive_walk *w, int report)
{
	size_t i;

	while (!atomic_load(&p->nomem) &&
	    (i = atomic_fetch_add(&p->next, 1)) < p->n) {
		pending *q = p->v[i];
		archive_probe_times *t = &q->times;

		if (archive_probe_segment(q->seg, &t->first_offset,
		    &t->length, &t->last_offset, &t->created, NULL) != EX_OK)
			atomic_store(&p->nomem, 1);
		atomic_fetch_add(&p->done, 1);
		if (report && w->opts->progress != NULL) {
			ex_archive_progress pr = w->prog;
			size_t d = atomic_load(&p->done);

			pr.probed += d;
			pr.listed += d;
			w->opts->progress(w->opts->progress_user, &pr);
		}
	}
}

typedef struct worker {
	pool *p;
	archive_walk *w;
} worker;

static void *
probe_thread(void *arg)
{
	worker *k = arg;

	probe_some(k->p, k->w, 0);
	return NULL;
}

/* Open every pending entry marked probe, over the walk's threads. */
static ex_status
probe_pending(archive_walk *w, pending *q, size_t n, ex_error *err)
{
	pthread_t tid[64];
	worker k;
	pool p;
	size_t i, m = 0, nt = 0;

	memset(&p, 0, sizeof(p));
	if ((p.v = calloc(n + 1, sizeof(*p.v))) == NULL)
		return base_nomem(err);
	for (i = 0; i < n; i++)
		if (q[i].probe)
			p.v[m++] = &q[i];
	p.n = m;
	k.p = &p;
	k.w = w;
	while (nt + 1 < w->jobs && nt + 1 < m &&
	    pthread_create(&tid[nt], NULL, probe_thread, &k) == 0)
		nt++;
	probe_some(&p, w, 1);
	for (i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	free(p.v);
	w->prog.probed += m;
	if (atomic_load(&p.nomem))
		return base_nomem(err);
	for (i = 0; i < n; i++) {
		if (!q[i].probe)
			continue;
		q[i].seg->facts = "probe";
		apply_times(q[i].seg, &q[i].times);
		/* An export's probes are its own: it never writes the
		 * index (nor reads it for what it bundles). */
		if (!w->window && q[i].keyed && walk_index(w) != NULL &&
		    !q[i].seg->refused)
			archive_index_put(w->ix, q[i].seg, &q[i].key,
			    &q[i].times);
	}
	return EX_OK;
}

/* The index's facts for q's file, if it keeps them fresh. */
static int
from_index(archive_walk *w, pending *q)
{
	archive_index *ix;
	int got;

	if (!q->keyed || (ix = walk_index(w)) == NULL)
		return 0;
	got = archive_index_get(ix, q->seg->path, &q->key, q->seg,
	    &q->times);
	if (got != 1)
		return got;
	q->seg->facts = "index";
	apply_times(q->seg, &q->times);
	w->prog.indexed++;
	return 1;
}

/* ---- counting and keeping ------------------------------------------------ */

static ex_status
count_segment(ex_camera *c, const ex_segment *s, ex_error *err)
{
	size_t i, k;

	c->nlisted++;
	if ((unsigned)s->state < 3)
		c->nstate[s->state]++;
	if (s->facts != NULL && strcmp(s->facts, "probe") == 0)
		c->nprobed++;
	else if (s->facts != NULL && strcmp(s->facts, "index") == 0)
		c->nindexed++;
	else if (s->facts != NULL)
		c->nnamed++;
	if (s->signatures != 0)
		c->nsigned++;
	c->signatures |= s->signatures;
	for (i = 0; i < s->nstreams; i++) {
		for (k = 0; k < c->nkinds; k++)
			if (strcmp(c->kinds[k].type, s->streams[i].type) == 0 &&
			    strcmp(c->kinds[k].codec, s->streams[i].codec) == 0)
				break;
		if (k < c->nkinds || c->nkinds >= 64)
			continue;
		{
			ex_segment_stream *v = realloc(c->kinds,
			    (c->nkinds + 1) * sizeof(*v));

			if (v == NULL)
				return base_nomem(err);
			c->kinds = v;
			c->kinds[c->nkinds++] = s->streams[i];
		}
	}
	return EX_OK;
}

static int
cmp_listed(const void *a, const void *b)
{
	const ex_segment *x = a, *y = b;

	if ((x->start == EX_INSTANT_NONE) != (y->start == EX_INSTANT_NONE))
		return x->start == EX_INSTANT_NONE ? 1 : -1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->relpath, y->relpath);
}

/* ---- a scan's flush ------------------------------------------------------ */

/* May q (not yet settled) be marked to be opened? */
static int
open_to_facts(const pending *q)
{
	return q->seg->facts == NULL && q->seg->state != EX_SEG_UNREADABLE;
}

/*
 * Mark which of q[0, n) must be opened in a scan that is not deep; next
 * is the listed start after the last (EX_INSTANT_NONE: the camera's end).
 * Without a usual length yet, only the first candidate is marked (it
 * gives one).  Returns how many were marked.
 */
static size_t
choose_probes(struct archive_wcam *wc, pending *q, size_t n,
    ex_instant next)
{
	size_t i, marked = 0;

	for (i = 0; i < n; i++) {
		ex_segment *s = q[i].seg;
		ex_instant after = i + 1 < n ? q[i + 1].seg->start : next;
		int64_t odd;

		if (!open_to_facts(&q[i]))
			continue;
		if (i == 0 && wc->probe_first)
			q[i].probe = 1;
		if (!q[i].regular || s->start == EX_INSTANT_NONE ||
		    after == EX_INSTANT_NONE || wc->usual == 0 || s->size <= 0 ||
		    (wc->last_size > 0 && s->size < wc->last_size / 4)) {
			q[i].probe = 1;
		} else {
			odd = after - s->start - wc->usual;
			if (odd > NAME_SLACK || odd < -NAME_SLACK) {
				q[i].probe = 1;
				if (i + 1 < n && open_to_facts(&q[i + 1]))
					q[i + 1].probe = 1;
				else if (i + 1 == n)
					wc->probe_first = 2;
			}
		}
		if (q[i].probe)
			marked++;
		if (wc->usual == 0 && q[i].probe)
			return marked;   /* learn the usual length first */
		if (!q[i].probe)
			wc->last_size = s->size;
	}
	return marked;
}

/* Facts from names for the rest of q[0, n). */
static void
name_facts(pending *q, size_t n, ex_instant next)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ex_segment *s = q[i].seg;

		if (s->facts != NULL || s->state == EX_SEG_UNREADABLE)
			continue;
		s->facts = "name";
		s->end = i + 1 < n ? q[i + 1].seg->start : next;
	}
}

/* The usual length of a camera's segments: that of the latest one whose
 * facts came from its contents. */
static void
learn(struct archive_wcam *wc, pending *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const ex_segment *s = q[i].seg;

		if (s->facts != NULL && strcmp(s->facts, "name") != 0 &&
		    archive_segment_usable(s) && s->end > s->start) {
			wc->usual = s->end - s->start;
			wc->last_size = s->size;
		}
	}
}

/* Settle segments [from, upto) of camera c; next is the listed start of
 * the segment after them. */
static ex_status
settle_scan(archive_walk *w, struct archive_wcam *wc, ex_camera *c,
    size_t from, size_t upto, ex_instant next, ex_error *err)
{
	size_t i, n = upto - from;
	struct stat sb;
	pending *q;
	ex_status st = EX_OK;

	if (n == 0)
		return EX_OK;
	if ((q = calloc(n, sizeof(*q))) == NULL)
		return base_nomem(err);
	for (i = 0; i < n; i++) {
		ex_segment *s = &c->segments[from + i];

		q[i].seg = s;
		if (s->state == EX_SEG_UNREADABLE)
			continue;   /* refused while listing: never opened */
		if (stat(s->path, &sb) == 0) {
			archive_file_key_from(&sb, &q[i].key);
			q[i].keyed = 1;
			q[i].regular = S_ISREG(sb.st_mode);
			s->size = q[i].key.size;
		}
		if (from_index(w, &q[i]) < 0) {
			st = base_nomem(err);
			goto out;
		}
		if (w->opts->deep && s->facts == NULL)
			q[i].probe = 1;
	}
	/* Until nothing more needs opening: a round opens the first file
	 * while the usual length is unknown, then every file the names
	 * cannot vouch for.  Opened files are settled, so this ends. */
	if (w->opts->deep) {
		st = probe_pending(w, q, n, err);
	} else {
		for (;;) {
			learn(wc, q, n);
			if (choose_probes(wc, q, n, next) == 0)
				break;
			if ((st = probe_pending(w, q, n, err)) != EX_OK)
				goto out;
			for (i = 0; i < n; i++)
				q[i].probe = 0;
		}
		wc->probe_first = wc->probe_first == 2;
	}
	if (st == EX_OK)
		name_facts(q, n, next);
out:
	free(q);
	return st;
}

/* Add segments [from, upto) of c to the timeline and the counts; in a
 * summary drop the ok ones. */
static ex_status
keep(archive_walk *w, struct archive_wcam *wc, ex_camera *c, size_t from,
    size_t upto, ex_error *err)
{
	size_t i, k = from, rest = c->nsegments - upto;
	ex_status st;

	if (upto == from)
		return EX_OK;
	qsort(c->segments + from, upto - from, sizeof(*c->segments),
	    archive_timeline_cmp);
	for (i = from; i < upto; i++) {
		ex_segment *s = &c->segments[i];

		if ((st = archive_tl_add(c, &wc->tl, s, err)) != EX_OK ||
		    (st = count_segment(c, s, err)) != EX_OK)
			return st;
		w->prog.listed++;
		if (w->opts->summary && s->state == EX_SEG_OK)
			segment_clear(s);
		else
			c->segments[k++] = *s;
	}
	if (rest > 0)
		memmove(c->segments + k, c->segments + upto,
		    rest * sizeof(*c->segments));
	c->nsegments = k + rest;
	wc->done = k;
	return EX_OK;
}

/* ---- a range's final flush ----------------------------------------------- */

/* Drop segments[i] of c. */
static void
drop(ex_camera *c, size_t i)
{
	segment_clear(&c->segments[i]);
	if (i + 1 < c->nsegments)
		memmove(c->segments + i, c->segments + i + 1,
		    (c->nsegments - i - 1) * sizeof(*c->segments));
	c->nsegments--;
}

/* Would the index say that s, whose start no name gives, is outside the
 * window?  It only guides: a file kept is probed afresh. */
static int
index_says_outside(archive_walk *w, const ex_segment *s)
{
	archive_probe_times t;
	archive_file_key key;
	ex_segment tmp;
	int out = 0;

	if (archive_file_key_of(s->path, &key) != 0 || walk_index(w) == NULL)
		return 0;
	memset(&tmp, 0, sizeof(tmp));
	tmp.start = EX_INSTANT_NONE;
	if (archive_index_get(w->ix, s->path, &key, &tmp, &t) == 1 &&
	    tmp.state != EX_SEG_UNREADABLE && t.created != EX_INSTANT_NONE)
		out = !archive_walk_meets(w, t.created + t.first_offset,
		    t.created + t.first_offset + t.length);
	free(tmp.problem);
	free(tmp.streams);
	return out;
}

/* Is s listed as starting before the window? */
static int
listed_before(const archive_walk *w, const ex_segment *s)
{
	return s->start != EX_INSTANT_NONE && s->start < w->lo;
}

/* Is s listed as starting after the range? */
static int
listed_after(const archive_walk *w, const ex_segment *s)
{
	return s->start != EX_INSTANT_NONE && s->start >= w->hi;
}

static ex_status
settle_window(archive_walk *w, ex_camera *c, ex_error *err)
{
	size_t i, before = (size_t)-1, after = (size_t)-1;
	pending *q;
	ex_status st;

	/* What the index puts outside the range; of what is listed after
	 * it, only the first (the nearest recording after the range). */
	for (i = 0; i < c->nsegments; i++)
		if (listed_after(w, &c->segments[i]) &&
		    (after == (size_t)-1 ||
		    c->segments[i].start < c->segments[after].start))
			after = i;
	for (i = 0; i < c->nsegments; ) {
		ex_segment *s = &c->segments[i];

		if (s->start == EX_INSTANT_NONE ? index_says_outside(w, s) :
		    (i != after && listed_after(w, s))) {
			drop(c, i);
			if (after != (size_t)-1 && after > i)
				after--;
		} else {
			i++;
		}
	}
	/* Of those listed before the window, only the latest. */
	for (i = 0; i < c->nsegments; i++)
		if (listed_before(w, &c->segments[i]) &&
		    (before == (size_t)-1 ||
		    c->segments[i].start >= c->segments[before].start))
			before = i;
	for (i = 0; i < c->nsegments; ) {
		if (i != before && listed_before(w, &c->segments[i])) {
			drop(c, i);
			if (before != (size_t)-1 && before > i)
				before--;
		} else {
			i++;
		}
	}
	if ((q = calloc(c->nsegments + 1, sizeof(*q))) == NULL)
		return base_nomem(err);
	for (i = 0; i < c->nsegments; i++) {
		q[i].seg = &c->segments[i];
		q[i].probe = c->segments[i].state != EX_SEG_UNREADABLE;
	}
	st = probe_pending(w, q, c->nsegments, err);
	free(q);
	if (st != EX_OK)
		return st;
	/* Files without a name's start that the probe put outside. */
	for (i = 0; i < c->nsegments; ) {
		ex_segment *s = &c->segments[i];

		if (i != before && !listed_after(w, s) &&
		    s->time_source != NULL &&
		    strcmp(s->time_source, "container") == 0 &&
		    archive_segment_usable(s) &&
		    !archive_walk_meets(w, s->start, s->end)) {
			drop(c, i);
			if (before != (size_t)-1 && before > i)
				before--;
		} else {
			i++;
		}
	}
	/* The neighbour before the window must not reach into the range:
	 * else list again from before it. */
	if (before != (size_t)-1) {
		const ex_segment *b = &c->segments[before];

		if (!archive_segment_usable(b) || b->end > w->opts->from) {
			ex_instant lo = b->start - WINDOW_MARGIN;

			if (w->widen == EX_INSTANT_NONE || lo < w->widen)
				w->widen = lo;
		}
	}
	for (i = 0; i < c->nsegments; i++)
		if ((st = count_segment(c, &c->segments[i], err)) != EX_OK)
			return st;
	return archive_timeline_build(c, err);
}

/* ---- the flush ----------------------------------------------------------- */

ex_status
archive_walk_flush(archive_walk *w, size_t cam, int final, ex_error *err)
{
	ex_camera *c = &w->a->cameras[cam];
	struct archive_wcam *wc = wcam(w, cam);
	size_t upto, i;
	ex_instant next;
	ex_status st;

	if (wc == NULL)
		return base_nomem(err);
	if (!archive_walk_wants(w, c->id)) {
		for (i = wc->done; i < c->nsegments; i++)
			segment_clear(&c->segments[i]);
		c->nsegments = wc->done;
		return EX_OK;
	}
	if (w->window) {
		if (!final)
			return EX_OK;
		return settle_window(w, c, err);
	}
	if (c->nsegments > wc->done)
		qsort(c->segments + wc->done, c->nsegments - wc->done,
		    sizeof(*c->segments), cmp_listed);
	/* The last waits for its successor, unless this is the end. */
	upto = final || c->nsegments == wc->done ? c->nsegments :
	    c->nsegments - 1;
	next = upto < c->nsegments ? c->segments[upto].start :
	    EX_INSTANT_NONE;
	if ((st = settle_scan(w, wc, c, wc->done, upto, next, err)) != EX_OK ||
	    (st = keep(w, wc, c, wc->done, upto, err)) != EX_OK)
		return st;
	if (w->ix != NULL)
		archive_index_commit(w->ix);
	if (w->opts->progress != NULL)
		w->opts->progress(w->opts->progress_user, &w->prog);
	if (final) {
		if ((st = archive_tl_end(c, &wc->tl, err)) != EX_OK)
			return st;
		archive_timeline_sort(c);
	}
	return EX_OK;
}

/*
 * iso_compare.c — the ISO 9660 check's comparisons (reader_iso.c has the
 * whole story): no name twice in a tree, the Rock Ridge and Joliet trees
 * alike, both as libarchive's entries, and every sector of the image
 * accounted for by a structure, a file or zero padding.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "bundle/reader_iso.h"

/* ---- comparing the views ------------------------------------------------ */

int
iso_path_cmp(const void *a, const void *b)
{
	const struct iso_node *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Two entries of one name in one tree: readers would pick either. */
ex_status
iso_dup_check(struct iso *s, int tree, int *dups)
{
	struct iso_tree *t = &s->t[tree];
	const char **ix = NULL;
	size_t i;
	ex_status st = EX_OK;

	*dups = 0;
	for (i = 1; i < t->n; i++) {
		if (strcmp(t->v[i - 1].path, t->v[i].path) == 0) {
			*dups = 1;
			return iso_bad(s, EX_PROBLEM_AMBIGUOUS, t->v[i].path,
			    "two entries of this name in the %s tree "
			    "(readers would pick either)", iso_tree_name[tree]);
		}
	}
	if (tree != TREE_RR)
		return EX_OK;
	if ((ix = calloc(t->n + 1, sizeof(*ix))) == NULL)
		return base_nomem(s->err);
	for (i = 0; i < t->n; i++)
		ix[i] = t->v[i].isopath;
	qsort(ix, t->n, sizeof(*ix), str_cmp);
	for (i = 1; i < t->n; i++) {
		if (strcmp(ix[i - 1], ix[i]) == 0) {
			*dups = 1;
			st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, ix[i],
			    "two entries of this ISO 9660 name in one folder "
			    "(a reader without extensions would pick "
			    "either)");
			break;
		}
	}
	free(ix);
	return st;
}

/*
 * The Rock Ridge and Joliet trees must list the same paths, each a file
 * or a folder in both, a file at the same extent with the same size.
 */
ex_status
iso_compare_trees(struct iso *s)
{
	struct iso_tree *r = &s->t[TREE_RR], *j = &s->t[TREE_JOLIET];
	size_t a = 0, b = 0, reported = 0, more = 0, left = 0, x, y;
	char p1[600], p2[600];
	ex_status st = EX_OK;

#define REPORT(...) do { \
	if (reported++ < ISO_REPORT_MAX) { \
		if ((st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, __VA_ARGS__)) != \
		    EX_OK) \
			return st; \
	} else \
		more++; \
} while (0)
	while (a < r->n && b < j->n) {
		int c = strcmp(r->v[a].path, j->v[b].path);

		if (c < 0) {
			a++;
			continue;
		}
		if (c > 0) {
			b++;
			continue;
		}
		r->v[a].matched = j->v[b].matched = 1;
		if (r->v[a].dir != j->v[b].dir)
			REPORT(r->v[a].path, "Joliet shows a %s, Rock Ridge a "
			    "%s", j->v[b].dir ? "folder" : "file",
			    r->v[a].dir ? "folder" : "file");
		else if (!r->v[a].dir && r->v[a].size > 0 &&
		    r->v[a].loc != j->v[b].loc)
			REPORT(r->v[a].path, "Joliet points at other data than "
			    "Rock Ridge (sector %lu, not %lu): Windows and "
			    "7-Zip would open other bytes",
			    (unsigned long)j->v[b].loc,
			    (unsigned long)r->v[a].loc);
		else if (!r->v[a].dir && r->v[a].size != j->v[b].size)
			REPORT(r->v[a].path, "Joliet gives it %llu bytes, Rock "
			    "Ridge %llu", (unsigned long long)j->v[b].size,
			    (unsigned long long)r->v[a].size);
		a++;
		b++;
	}
	/* A file under another name: the same data in the other tree
	 * (looked for only when few are left over: the search is slow). */
	for (y = 0; y < j->n; y++)
		left += !j->v[y].matched;
	for (y = 0; left <= ISO_REPORT_MAX && y < j->n; y++) {
		if (j->v[y].matched)
			continue;
		for (x = 0; x < r->n && reported < ISO_REPORT_MAX; x++) {
			if (r->v[x].matched || r->v[x].dir != j->v[y].dir ||
			    r->v[x].loc != j->v[y].loc ||
			    r->v[x].size != j->v[y].size ||
			    (!r->v[x].dir && r->v[x].size == 0))
				continue;
			r->v[x].matched = j->v[y].matched = 1;
			REPORT(r->v[x].path, "Joliet names it '%s', Rock Ridge "
			    "names it '%s': Windows and 7-Zip would show "
			    "another name",
			    iso_shown(iso_rel(s, j->v[y].path), p1,
			    sizeof(p1)), iso_shown(iso_rel(s, r->v[x].path), p2,
			    sizeof(p2)));
			break;
		}
	}
	for (y = 0; y < j->n; y++)
		if (!j->v[y].matched)
			REPORT(j->v[y].path, "only in the Joliet tree: Windows "
			    "and 7-Zip would show a %s that Rock Ridge "
			    "(Linux, verify) does not", j->v[y].dir ?
			    "folder" : "file");
	for (x = 0; x < r->n; x++)
		if (!r->v[x].matched)
			REPORT(r->v[x].path, "only in the Rock Ridge tree: "
			    "Windows and 7-Zip would not show this %s",
			    r->v[x].dir ? "folder" : "file");
	if (more > 0)
		st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, "", "and %zu more "
		    "differences between the Joliet and Rock Ridge trees",
		    more);
#undef REPORT
	return st;
}

/* An entry's stored name without a trailing '/'. */
static size_t
stored_len(const ex_bundle_entry *e)
{
	size_t n = strlen(e->stored_name);

	while (n > 0 && e->stored_name[n - 1] == '/')
		n--;
	return n;
}

static int
entry_cmp(const void *a, const void *b)
{
	const ex_bundle_entry *x = *(const ex_bundle_entry *const *)a;
	const ex_bundle_entry *y = *(const ex_bundle_entry *const *)b;
	size_t nx = stored_len(x), ny = stored_len(y);
	int c = memcmp(x->stored_name, y->stored_name, nx < ny ? nx : ny);

	if (c != 0)
		return c;
	return nx < ny ? -1 : nx > ny;
}

/* libarchive (what verify hashed) must have read exactly the Rock Ridge
 * tree: every file and folder, files with their sizes. */
ex_status
iso_compare_entries(struct iso *s)
{
	struct iso_tree *r = &s->t[TREE_RR];
	const ex_bundle *bd = s->L->b;
	const ex_bundle_entry **v = NULL;
	size_t n = 0, i, a = 1, reported = 0;
	ex_status st = EX_OK;

	if ((v = calloc(bd->nentries + 1, sizeof(*v))) == NULL)
		return base_nomem(s->err);
	for (i = 0; i < bd->nentries; i++)
		if (bd->entries[i].type == EX_ENTRY_FILE ||
		    bd->entries[i].type == EX_ENTRY_DIR)
			v[n++] = &bd->entries[i];
	qsort(v, n, sizeof(*v), entry_cmp);
	/* r->v is sorted by path; node 0 is the root ("") */
	i = 0;
	while ((a < r->n || i < n) && reported < ISO_REPORT_MAX &&
	    st == EX_OK) {
		int c;
		size_t nl = i < n ? stored_len(v[i]) : 0;

		if (a >= r->n)
			c = 1;
		else if (i >= n)
			c = -1;
		else {
			size_t pl = strlen(r->v[a].path);

			c = memcmp(r->v[a].path, v[i]->stored_name,
			    pl < nl ? pl : nl);
			if (c == 0)
				c = pl < nl ? -1 : pl > nl;
		}
		if (c < 0 && r->v[a].dir && bd->top != NULL &&
		    strcmp(r->v[a].path, bd->top) == 0) {
			a++;            /* the top folder: never an entry */
		} else if (c < 0) {
			reported++;
			st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, r->v[a].path,
			    "in the Rock Ridge tree, but not among the "
			    "entries libarchive read");
			a++;
		} else if (c > 0) {
			reported++;
			st = iso_bad(s, EX_PROBLEM_AMBIGUOUS,
			    v[i]->path, "read by libarchive, but not in the "
			    "Rock Ridge tree");
			i++;
		} else {
			if ((v[i]->type == EX_ENTRY_DIR) != r->v[a].dir ||
			    (!r->v[a].dir && (v[i]->declared_size < 0 ||
			    (uint64_t)v[i]->declared_size != r->v[a].size))) {
				reported++;
				st = iso_bad(s, EX_PROBLEM_AMBIGUOUS,
				    v[i]->path, "libarchive read it as a %s of "
				    "%lld bytes; the Rock Ridge tree says a %s "
				    "of %llu", v[i]->type == EX_ENTRY_DIR ?
				    "folder" : "file",
				    (long long)v[i]->declared_size,
				    r->v[a].dir ? "folder" : "file",
				    (unsigned long long)r->v[a].size);
			}
			a++;
			i++;
		}
	}
	free(v);
	return st;
}

/* ---- every sector accounted for ---------------------------------------- */

static int
span_cmp(const void *a, const void *b)
{
	const struct iso_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static int
area_cmp(const void *a, const void *b)
{
	const struct iso_area *x = a, *y = b;

	if (x->sector != y->sector)
		return x->sector < y->sector ? -1 : 1;
	return (x->off > y->off) - (x->off < y->off);
}

/*
 * Files and structures must not share a sector, must lie inside the
 * volume, and every byte that none of them uses must be zero.
 */
ex_status
iso_account(struct iso *s)
{
	struct iso_tree *r = &s->t[TREE_RR];
	uint64_t pos, at, i, k;
	char a[600];
	ex_status st;
	int z;

	if ((st = iso_span_add(s, 16, s->term - 16 + 1, 0, "the volume "
	    "descriptors")) != EX_OK ||
	    (st = iso_span_add(s, s->term + 1, 1, 0,
	    "the information sector")) != EX_OK)
		return st;
	for (i = 0; i < r->n; i++) {
		const struct iso_node *f = &r->v[i];

		if (f->dir || f->size == 0)
			continue;       /* empty: no extent (libarchive gives
			                   it a location past the volume) */
		if ((st = iso_span_add(s, f->loc, (f->size + ISO_SECTOR - 1) /
		    ISO_SECTOR, (uint64_t)f->loc * ISO_SECTOR + f->size,
		    "%s", iso_shown(iso_rel(s, f->path), a, sizeof(a)))) !=
		    EX_OK)
			return st;
	}
	qsort(s->areas, s->nareas, sizeof(*s->areas), area_cmp);
	for (i = 0; i < s->nareas; i++) {
		if (i > 0 && s->areas[i].sector == s->areas[i - 1].sector)
			continue;
		if ((st = iso_span_add(s, s->areas[i].sector, 1, 0,
		    "a Rock Ridge continuation area")) != EX_OK)
			return st;
	}
	for (i = 0; i < s->nspans; i++) {
		if (s->spans[i].end > s->sectors || s->spans[i].end <
		    s->spans[i].start)
			return iso_bad(s, EX_PROBLEM_FORM, "", "%s: its extent "
			    "lies outside the ISO volume (sector %llu of %llu)",
			    s->spans[i].what,
			    (unsigned long long)s->spans[i].start,
			    (unsigned long long)s->sectors);
	}
	qsort(s->spans, s->nspans, sizeof(*s->spans), span_cmp);
	for (i = 1; i < s->nspans; i++) {
		if (s->spans[i].start < s->spans[i - 1].end)
			return iso_bad(s, EX_PROBLEM_FORM, "", "%s and %s "
			    "share sector %llu of the ISO image",
			    s->spans[i - 1].what,
			    s->spans[i].what,
			    (unsigned long long)s->spans[i].start);
	}
	/* Unused sectors, the system area included, hold zeros only. */
	pos = 0;
	for (i = 0; i <= s->nspans; i++) {
		uint64_t next = i < s->nspans ? s->spans[i].start : s->sectors;

		if (next > pos) {
			z = iso_zero_range(s, pos * ISO_SECTOR,
			    (next - pos) * ISO_SECTOR, &at);
			if (z < 0)
				return ex_error_errno(s->err, "ISO image");
			if (z == 0)
				return iso_bad(s, EX_PROBLEM_TRAILING, "",
				    "data hidden in ISO sectors that no file "
				    "or structure uses (byte %llu)",
				    (unsigned long long)at);
		}
		if (i < s->nspans) {
			const struct iso_span *sp = &s->spans[i];

			/* ... and so does the rest of a file's last
			 * sector. */
			if (sp->used_end > 0) {
				z = iso_zero_range(s, sp->used_end, sp->end *
				    ISO_SECTOR - sp->used_end, &at);
				if (z < 0)
					return ex_error_errno(s->err,
					    "ISO image");
				if (z == 0)
					return iso_bad(s, EX_PROBLEM_TRAILING,
					    "", "%s: data hidden after its end "
					    "(byte %llu)", sp->what,
					    (unsigned long long)at);
			}
			pos = sp->end;
		}
	}
	/* Continuation sectors: zero outside the areas. */
	for (i = 0; i < s->nareas; i = k) {
		uint32_t sec = s->areas[i].sector, from = 0;

		if (bundle_read_at(s->fd, s->sec, ISO_SECTOR,
		    (uint64_t)sec * ISO_SECTOR) != 0)
			return ex_error_errno(s->err, "ISO image");
		for (k = i; k < s->nareas && s->areas[k].sector == sec; k++) {
			if (s->areas[k].off < from)
				return iso_bad(s, EX_PROBLEM_FORM, "", "Rock "
				    "Ridge continuation areas overlap (sector "
				    "%lu)", (unsigned long)sec);
			if (!all_zero(s->sec + from, s->areas[k].off - from))
				break;
			from = s->areas[k].off + s->areas[k].len;
		}
		if (k < s->nareas && s->areas[k].sector == sec)
			return iso_bad(s, EX_PROBLEM_TRAILING, "", "data "
			    "hidden in a Rock Ridge continuation sector (%lu)",
			    (unsigned long)sec);
		if (!all_zero(s->sec + from, ISO_SECTOR - from))
			return iso_bad(s, EX_PROBLEM_TRAILING, "", "data "
			    "hidden in a Rock Ridge continuation sector (%lu)",
			    (unsigned long)sec);
	}
	return EX_OK;
}


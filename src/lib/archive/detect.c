/*
 * detect.c — ex_archive_open: resolve the folder, find its layout in the
 * table of layouts (each registered by its own file), let that layout's
 * reader list the segments, then probe them and build the timeline.  A
 * folder one level too high or too low is told apart from an unknown one.
 */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive_private.h"
#include "base.h"

/* Every layout, those with strong signs first; the last, without strong
 * signs, is how a folder that shows none is read. */
static const archive_layout *const layouts[] = {
	&archive_indexed,
	&archive_frigate,
	&archive_plain,
};
#define NLAYOUTS (sizeof(layouts) / sizeof(layouts[0]))
#define FALLBACK (layouts[NLAYOUTS - 1])

const char *
ex_layout_name(ex_layout layout)
{
	size_t i;

	for (i = 0; i < NLAYOUTS; i++)
		if (layouts[i]->layout == layout)
			return layouts[i]->name;
	return "unknown";
}

/* Which layout does dir show by its own signs (the fallback's only when
 * weak is set)?  NULL: none. */
static const archive_layout *
layout_of(const char *dir, int weak)
{
	size_t i;

	for (i = 0; i < NLAYOUTS; i++)
		if ((layouts[i]->strong || weak) && layouts[i]->bid(dir))
			return layouts[i];
	return NULL;
}

/*
 * The operator gave a folder one level too high (it holds an archive) or
 * too low (it is one camera's folder).  Called when root shows no layout
 * of its own; strong signs (recorder.xml, Frigate) in a subfolder always
 * win over reading root as plain camera folders, plain ones only when root
 * has no camera folders of its own (plain_failed).  EX_OK when neither.
 */
static ex_status
wrong_level(const char *path, const char *root, int plain_failed,
    ex_error *err)
{
	struct dirent **list = NULL;
	char sub[PATH_MAX], found[512];
	size_t used = 0;
	int n, i, count = 0;

	found[0] = '\0';
	if ((n = archive_list(root, &list)) < 0)
		n = 0;
	for (i = 0; i < n; i++) {
		const archive_layout *kind;

		if (snprintf(sub, sizeof(sub), "%s/%s", root,
		    list[i]->d_name) < (int)sizeof(sub) &&
		    archive_is_dir(sub) &&
		    (kind = layout_of(sub, plain_failed)) != NULL &&
		    used < sizeof(found)) {
			int w = snprintf(found + used, sizeof(found) - used,
			    "%s%s/%s (%s layout)", count ? ", " : "", path,
			    list[i]->d_name, kind->sign);

			if (w > 0)
				used += (size_t)w;
			count++;
		}
	}
	archive_list_free(list, n);
	if (count > 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s is not a recorder archive, but it holds %s: %s; give "
		    "that folder", path, count > 1 ? "archives" : "one",
		    found);
	if (plain_failed && archive_plain_is_camera(root))
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s looks like one camera's folder, not a recorder "
		    "archive; give the folder that holds the camera folders",
		    path);
	return EX_OK;
}

/* List the archive at a->root (path as the operator gave it): the layout
 * it shows by its own signs, else the fallback's, unless the folder is
 * one level off. */
static ex_status
list_archive(archive_walk *w, const char *path, const char *zone,
    ex_error *err)
{
	ex_archive *a = w->a;
	const archive_layout *l = layout_of(a->root, 0);
	ex_error perr;
	ex_status st;

	if (l != NULL) {
		a->layout = l->layout;
		return l->read(w, zone, err);
	}
	if ((st = wrong_level(path, a->root, 0, err)) != EX_OK)
		return st;
	a->layout = FALLBACK->layout;
	ex_error_clear(&perr);
	st = FALLBACK->read(w, zone, &perr);
	/* No camera folders here: perhaps one level off. */
	if (st == EX_ERR_UNSUPPORTED && a->ncameras == 0 &&
	    wrong_level(path, a->root, 1, &perr) != EX_OK)
		st = perr.code;
	if (st != EX_OK && err != NULL)
		*err = perr;
	return st;
}

static int
cmp_camera(const void *a, const void *b)
{
	return strcmp(((const ex_camera *)a)->id, ((const ex_camera *)b)->id);
}

/* Keep only the cameras asked for (before any file is probed); a usage
 * error naming the cameras there are when one is not in the archive. */
static ex_status
select_cameras(ex_archive *a, const char *const *ids, size_t nids,
    ex_error *err)
{
	char list[512];
	size_t i, k, kept = 0, used = 0;

	for (k = 0; k < nids; k++) {
		for (i = 0; i < a->ncameras; i++)
			if (strcmp(a->cameras[i].id, ids[k]) == 0)
				break;
		if (i < a->ncameras)
			continue;
		list[0] = '\0';
		for (i = 0; i < a->ncameras && used < sizeof(list); i++) {
			int n = snprintf(list + used, sizeof(list) - used,
			    "%s%s", i ? ", " : "", a->cameras[i].id);
			if (n < 0)
				break;
			used += (size_t)n;
		}
		return ex_error_set(err, EX_ERR_USAGE,
		    "no camera '%s' in %s (cameras: %s)", ids[k], a->root,
		    a->ncameras ? list : "none");
	}
	for (i = 0; i < a->ncameras; i++) {
		int want = 0;

		for (k = 0; k < nids && !want; k++)
			want = strcmp(a->cameras[i].id, ids[k]) == 0;
		if (!want)
			archive_camera_free(&a->cameras[i]);
		else
			a->cameras[kept++] = a->cameras[i];
	}
	a->ncameras = kept;
	return EX_OK;
}

/* Passes of a range's listing before it takes the whole archive. */
#define MAX_WIDEN 8

/* One listing of the archive at path: from lo on when a range is asked
 * (EX_INSTANT_NONE: its usual margin); *widen is where the next must
 * begin, or EX_INSTANT_NONE when this one is enough. */
static ex_status
open_once(const char *path, const ex_archive_options *opts,
    const char *zone, ex_instant lo, ex_archive **out, ex_instant *widen,
    ex_error *err)
{
	ex_archive *a;
	archive_walk w;
	ex_status st;
	size_t i;
	int walking = 0;

	*widen = EX_INSTANT_NONE;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return base_nomem(err);
	if ((a->root = realpath(path, NULL)) == NULL) {
		st = ex_error_errno(err, "%s", path);
		goto out;
	}
	if (!archive_is_dir(a->root)) {
		st = ex_error_set(err, EX_ERR_USAGE, "%s: not a folder", path);
		goto out;
	}
	if ((st = archive_walk_init(&w, a, opts, lo, err)) != EX_OK)
		goto out;
	walking = 1;
	if ((st = list_archive(&w, path, zone, err)) != EX_OK)
		goto out;
	for (i = 0; i < a->ncameras; i++)
		if ((st = archive_walk_flush(&w, i, 1, err)) != EX_OK)
			goto out;
	*widen = w.widen;
	archive_walk_done(&w);
	walking = 0;
	if (opts->camera != NULL &&
	    (st = select_cameras(a, &opts->camera, 1, err)) != EX_OK)
		goto out;
	if (opts->cameras != NULL &&
	    (st = select_cameras(a, opts->cameras, opts->ncameras, err)) !=
	    EX_OK)
		goto out;
	if (a->ncameras > 1)
		qsort(a->cameras, a->ncameras, sizeof(*a->cameras),
		    cmp_camera);
	*out = a;
	return EX_OK;
out:
	if (walking)
		archive_walk_done(&w);
	ex_archive_free(&a);
	return st;
}

ex_status
ex_archive_open(const char *path, const ex_archive_options *opts,
    ex_archive **out, ex_error *err)
{
	static const ex_archive_options defaults;
	ex_instant lo = EX_INSTANT_NONE, widen;
	const char *zone;
	ex_status st;
	int pass;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || out == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "no archive given");
	if (opts == NULL)
		opts = &defaults;
	zone = opts->zone != NULL ? opts->zone : EX_TIME_DEFAULT_ZONE;
	if (opts->zone != NULL &&
	    (st = ex_time_zone_check(opts->zone, err)) != EX_OK)
		return st;
	/* A range: list again from earlier while the segment before the
	 * listing reaches into the range, then, after MAX_WIDEN passes,
	 * from the archive's beginning. */
	for (pass = 0; ; pass++) {
		if ((st = open_once(path, opts, zone, lo, out, &widen, err)) !=
		    EX_OK || widen == EX_INSTANT_NONE)
			return st;
		ex_archive_free(out);
		lo = pass + 1 < MAX_WIDEN ? widen : INT64_MIN / 2;
	}
}

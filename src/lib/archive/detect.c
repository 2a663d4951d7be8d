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
list_archive(ex_archive *a, const char *path, const char *zone,
    ex_error *err)
{
	const archive_layout *l = layout_of(a->root, 0);
	ex_error perr;
	ex_status st;

	if (l != NULL) {
		a->layout = l->layout;
		return l->read(a, zone, err);
	}
	if ((st = wrong_level(path, a->root, 0, err)) != EX_OK)
		return st;
	a->layout = FALLBACK->layout;
	ex_error_clear(&perr);
	st = FALLBACK->read(a, zone, &perr);
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

/* Probe a listed segment and settle its start and end. */
static ex_status
settle_segment(ex_segment *seg, ex_error *err)
{
	int64_t first = 0, length = 0, last = 0;
	ex_instant created = EX_INSTANT_NONE;
	ex_status st;

	if (seg->state == EX_SEG_UNREADABLE)
		return EX_OK;   /* refused while listing: never opened */
	st = archive_probe_segment(seg, &first, &length, &last, &created, err);
	if (st != EX_OK)
		return st;
	if (seg->start == EX_INSTANT_NONE && created != EX_INSTANT_NONE) {
		seg->start = created;
		seg->time_source = "container";
	}
	if (seg->state == EX_SEG_UNREADABLE)
		return EX_OK;
	if (seg->start == EX_INSTANT_NONE) {
		archive_segment_problem(seg, EX_SEG_UNREADABLE,
		    "no start time: none in the file name and no creation "
		    "time in the container");
		return EX_OK;
	}
	seg->start += first;
	seg->end = seg->start + length;
	seg->last_frame = seg->start + last;
	return EX_OK;
}

ex_status
ex_archive_open(const char *path, const ex_archive_options *opts,
    ex_archive **out, ex_error *err)
{
	static const ex_archive_options defaults;
	ex_archive *a = NULL;
	const char *zone;
	ex_status st = EX_OK;
	size_t i, j;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || out == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "no archive given");
	if (opts == NULL)
		opts = &defaults;
	zone = opts->zone != NULL ? opts->zone : EX_TIME_DEFAULT_ZONE;
	if (opts->zone != NULL &&
	    (st = ex_time_zone_check(opts->zone, err)) != EX_OK)
		goto out;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	if ((a->root = realpath(path, NULL)) == NULL) {
		st = ex_error_errno(err, "%s", path);
		goto out;
	}
	if (!archive_is_dir(a->root)) {
		st = ex_error_set(err, EX_ERR_USAGE, "%s: not a folder", path);
		goto out;
	}
	st = list_archive(a, path, zone, err);
	if (st != EX_OK)
		goto out;
	if (opts->camera != NULL &&
	    (st = select_cameras(a, &opts->camera, 1, err)) != EX_OK)
		goto out;
	if (opts->cameras != NULL &&
	    (st = select_cameras(a, opts->cameras, opts->ncameras, err)) !=
	    EX_OK)
		goto out;
	for (i = 0; i < a->ncameras; i++) {
		for (j = 0; j < a->cameras[i].nsegments; j++) {
			st = settle_segment(&a->cameras[i].segments[j], err);
			if (st != EX_OK)
				goto out;
		}
	}
	if (a->ncameras > 1)
		qsort(a->cameras, a->ncameras, sizeof(*a->cameras),
		    cmp_camera);
	for (i = 0; i < a->ncameras; i++)
		if ((st = archive_timeline_build(&a->cameras[i], err)) != EX_OK)
			goto out;
	*out = a;
	a = NULL;
out:
	ex_archive_free(&a);
	return st;
}

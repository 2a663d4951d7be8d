/*
 * frigate.c — Frigate NVR recordings: recordings/YYYY-MM-DD/HH/<camera>/
 * MM.SS.mp4, the segment's start in UTC spelled by its path.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive/archive_private.h"

/* Does s match the pattern, where '9' is any digit and others are literal? */
static int
matches(const char *s, const char *pattern)
{
	for (; *pattern != '\0'; s++, pattern++) {
		if (*pattern == '9') {
			if (!isdigit((unsigned char)*s))
				return 0;
		} else if (*s != *pattern) {
			return 0;
		}
	}
	return *s == '\0';
}

static int
hour_dir(const char *path, const char *name)
{
	return matches(name, "99") && archive_is_dir(path);
}

static int
day_dir(const char *path, const char *name)
{
	return matches(name, "9999-99-99") && archive_holds(path, hour_dir);
}

/* Does dir look like a Frigate recordings/ folder (holds YYYY-MM-DD/HH/)? */
static int
is_recordings(const char *dir)
{
	return archive_holds(dir, day_dir);
}

#define HOUR (3600 * EX_USEC_PER_SEC)

/* Is the entry name of folder dir (inside the archive) a link that leads
 * outside it?  Only links are resolved: a million plain files cost no
 * realpath each. */
static int
leads_outside(const ex_archive *a, const char *dir, const struct dirent *d)
{
	char path[PATH_MAX];
	struct stat sb;

	if (d->d_type != DT_LNK && d->d_type != DT_UNKNOWN)
		return 0;
	if (snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >=
	    (int)sizeof(path) || lstat(path, &sb) != 0 || !S_ISLNK(sb.st_mode))
		return 0;
	return archive_path_inside(a->root, path) == 0;
}

/* One camera folder of one hour: add its MM.SS.mp4 files. */
static ex_status
read_camera_hour(archive_walk *w, size_t cam, const char *day,
    const char *hour, const char *camera, ex_error *err)
{
	ex_archive *a = w->a;
	struct dirent **files = NULL;
	char rel[PATH_MAX], dir[PATH_MAX], when[32] = "";
	ex_segment *seg;
	ex_instant start;
	ex_status st = EX_OK;
	int n, i, dir_outside;

	snprintf(dir, sizeof(dir), "%s/%s/%s/%s", a->root, day, hour, camera);
	if ((n = archive_list(dir, &files)) < 0)
		return ex_error_errno(err, "%s", dir);
	dir_outside = archive_path_inside(a->root, dir) == 0;
	for (i = 0; i < n; i++) {
		const char *name = files[i]->d_name;

		if (snprintf(rel, sizeof(rel), "%s/%s/%s/%s", day, hour,
		    camera, name) >= (int)sizeof(rel))
			continue;
		start = EX_INSTANT_NONE;
		if (matches(name, "99.99.mp4")) {
			snprintf(when, sizeof(when), "%.10sT%.2s:%.2s:%.2sZ",
			    day, hour, name, name + 3);
			if (ex_time_parse(when, "UTC", &start, NULL) != EX_OK)
				start = EX_INSTANT_NONE;
		}
		seg = archive_add_segment(a, cam, rel, start, "path", err);
		if (seg == NULL) {
			st = EX_ERR_NOMEM;
			goto out;
		}
		if (dir_outside || leads_outside(a, dir, files[i]))
			archive_segment_refuse(seg,
			    "refused: a link that leads outside the archive");
		else if (!matches(name, "99.99.mp4"))
			archive_segment_problem(seg, EX_SEG_UNREADABLE,
			    "name is not a Frigate MM.SS.mp4 segment name");
		else if (start == EX_INSTANT_NONE)
			archive_segment_problem(seg, EX_SEG_UNREADABLE,
			    "path is not a valid time (%s)", when);
	}
	st = archive_walk_flush(w, cam, 0, err);
out:
	if (n > 0)
		archive_list_free(files, n);
	return st;
}

/* When the hour folder day/hour begins (EX_INSTANT_NONE: not a time). */
static ex_instant
hour_start(const char *day, const char *hour)
{
	char when[32];
	ex_instant t;

	snprintf(when, sizeof(when), "%.10sT%.2s:00:00Z", day, hour);
	return ex_time_parse(when, "UTC", &t, NULL) == EX_OK ? t :
	    EX_INSTANT_NONE;
}

/* The camera folders of one hour folder: each camera is added (so that
 * the cameras there are can be named), the files only of those wanted;
 * only is a camera's index to read alone, or -1 for all. */
static ex_status
read_hour(archive_walk *w, const char *day, const char *hour, long only,
    ex_error *err)
{
	struct dirent **cams = NULL;
	char path[PATH_MAX], cp[PATH_MAX];
	ex_status st = EX_OK;
	long cam;
	int n, k;

	snprintf(path, sizeof(path), "%s/%s/%s", w->a->root, day, hour);
	if ((n = archive_list(path, &cams)) < 0)
		return EX_OK;
	for (k = 0; k < n && st == EX_OK; k++) {
		const char *name = cams[k]->d_name;

		if (snprintf(cp, sizeof(cp), "%s/%s", path, name) >=
		    (int)sizeof(cp) || !archive_is_dir(cp))
			continue;
		if ((cam = archive_add_camera(w->a, name, err)) < 0) {
			st = EX_ERR_NOMEM;
			break;
		}
		if ((only < 0 || cam == only) &&
		    archive_walk_wants(w, name))
			st = read_camera_hour(w, (size_t)cam, day, hour, name,
			    err);
	}
	archive_list_free(cams, n);
	return st;
}

/* The hour folders of day, in order. */
static int
list_hours(const ex_archive *a, const char *day, struct dirent ***hours)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", a->root, day);
	return archive_list(path, hours);
}

/* Read camera id's folder in day/hour if there is one. */
static ex_status
read_one(archive_walk *w, const char *day, const char *hour,
    const char *id, ex_error *err)
{
	char path[PATH_MAX];
	long cam;

	if (snprintf(path, sizeof(path), "%s/%s/%s/%s", w->a->root, day, hour,
	    id) >= (int)sizeof(path) || !archive_is_dir(path))
		return EX_OK;
	if ((cam = archive_add_camera(w->a, id, err)) < 0)
		return EX_ERR_NOMEM;
	return read_camera_hour(w, (size_t)cam, day, hour, id, err);
}

/* Has camera id a segment listed before the window (after it)? */
static int
has_before(const archive_walk *w, const char *id, int after)
{
	size_t cam;

	for (cam = 0; cam < w->a->ncameras; cam++)
		if (strcmp(w->a->cameras[cam].id, id) == 0)
			return archive_walk_has_before(w, cam, after);
	return 0;
}

/*
 * A range's listing must hold, for every camera asked for, the segment
 * before it (to check that it does not reach into the range) and the one
 * after it (the nearest recording after the range): walk back through
 * earlier hour folders, latest first, until one holds that camera's
 * files, then on through later ones.
 */
static ex_status
read_around(archive_walk *w, const char *id, struct dirent **days,
    int ndays, ex_error *err)
{
	struct dirent **hours = NULL;
	ex_status st = EX_OK;
	int i, j, nhours, back;

	for (back = 1; back >= 0; back--) {
		for (i = back ? ndays - 1 : 0; i >= 0 && i < ndays &&
		    st == EX_OK && !has_before(w, id, !back);
		    i += back ? -1 : 1) {
			const char *day = days[i]->d_name;

			if (!matches(day, "9999-99-99") ||
			    (nhours = list_hours(w->a, day, &hours)) < 0)
				continue;
			for (j = back ? nhours - 1 : 0; j >= 0 && j < nhours &&
			    st == EX_OK && !has_before(w, id, !back);
			    j += back ? -1 : 1) {
				ex_instant h = hour_start(day,
				    hours[j]->d_name);

				if (matches(hours[j]->d_name, "99") &&
				    h != EX_INSTANT_NONE && (back ?
				    h + HOUR <= w->lo : h >= w->hi))
					st = read_one(w, day, hours[j]->d_name,
					    id, err);
			}
			archive_list_free(hours, nhours);
			hours = NULL;
		}
	}
	return st;
}

static ex_status
read_before(archive_walk *w, struct dirent **days, int ndays,
    ex_error *err)
{
	const ex_archive_options *o = w->opts;
	ex_status st = EX_OK;
	size_t i;

	if (o->camera != NULL)
		return read_around(w, o->camera, days, ndays, err);
	if (o->cameras != NULL) {
		for (i = 0; i < o->ncameras && st == EX_OK; i++)
			st = read_around(w, o->cameras[i], days, ndays, err);
		return st;
	}
	for (i = 0; i < w->a->ncameras && st == EX_OK; i++)
		st = read_around(w, w->a->cameras[i].id, days, ndays, err);
	return st;
}

/* Does dir hold a Frigate recordings/ folder?  Its path in path. */
static int
holds_recordings(const char *dir, char path[PATH_MAX])
{
	return snprintf(path, PATH_MAX, "%s/recordings", dir) < PATH_MAX &&
	    archive_is_dir(path) && is_recordings(path);
}

/* Does dir hold a recordings/ folder, or is it one? */
static int
bid(const char *dir)
{
	char path[PATH_MAX];

	return holds_recordings(dir, path) || is_recordings(dir);
}

static ex_status
read_frigate(archive_walk *w, const char *zone, ex_error *err)
{
	ex_archive *a = w->a;
	struct dirent **days = NULL, **hours = NULL;
	char path[PATH_MAX];
	int ndays, nhours = 0, i, j;
	ex_status st = EX_OK;

	(void)zone;   /* Frigate names its files in UTC */
	/* Given the folder above recordings/: read that. */
	if (holds_recordings(a->root, path)) {
		char *real = realpath(path, NULL);

		if (real == NULL)
			return ex_error_errno(err, "%s", path);
		free(a->root);
		a->root = real;
	}
	if ((ndays = archive_list(a->root, &days)) < 0)
		return ex_error_errno(err, "%s", a->root);
	/* Day by day, hour by hour: only the hours a range meets. */
	for (i = 0; i < ndays && st == EX_OK; i++) {
		const char *day = days[i]->d_name;
		ex_instant d = hour_start(day, "00");

		if (!matches(day, "9999-99-99") || (d != EX_INSTANT_NONE &&
		    !archive_walk_meets(w, d, d + 24 * HOUR)))
			continue;
		if ((nhours = list_hours(a, day, &hours)) < 0)
			continue;
		for (j = 0; j < nhours && st == EX_OK; j++) {
			const char *hour = hours[j]->d_name;
			ex_instant h = hour_start(day, hour);

			if (!matches(hour, "99") || (h != EX_INSTANT_NONE &&
			    !archive_walk_meets(w, h, h + HOUR)))
				continue;
			st = read_hour(w, day, hour, -1, err);
		}
		archive_list_free(hours, nhours);
		hours = NULL;
	}
	if (st == EX_OK && w->window)
		st = read_before(w, days, ndays, err);
	archive_list_free(days, ndays);
	if (st == EX_OK && a->ncameras == 0)
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: Frigate recordings folder without camera folders",
		    a->root);
	return st;
}

const archive_layout archive_frigate = {
	EX_LAYOUT_FRIGATE, "frigate", "Frigate", 1, bid, read_frigate
};

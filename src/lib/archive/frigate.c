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

/* One camera folder of one hour: add its MM.SS.mp4 files. */
static ex_status
read_camera_hour(ex_archive *a, const char *day, const char *hour,
    const char *camera, ex_error *err)
{
	struct dirent **files = NULL;
	char rel[PATH_MAX], dir[PATH_MAX], when[32] = "";
	ex_segment *seg;
	ex_instant start;
	ex_status st = EX_OK;
	long cam;
	int n, i;

	snprintf(dir, sizeof(dir), "%s/%s/%s/%s", a->root, day, hour, camera);
	if ((n = archive_list(dir, &files)) < 0)
		return ex_error_errno(err, "%s", dir);
	if ((cam = archive_add_camera(a, camera, err)) < 0) {
		st = err != NULL ? err->code : EX_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *name = files[i]->d_name;
		int inside;

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
		seg = archive_add_segment(a, (size_t)cam, rel, start,
		    "path", err);
		if (seg == NULL) {
			st = EX_ERR_NOMEM;
			goto out;
		}
		inside = archive_path_inside(a->root, seg->path);
		if (inside == 0)
			archive_segment_refuse(seg,
			    "refused: a link that leads outside the archive");
		else if (!matches(name, "99.99.mp4"))
			archive_segment_problem(seg, EX_SEG_UNREADABLE,
			    "name is not a Frigate MM.SS.mp4 segment name");
		else if (start == EX_INSTANT_NONE)
			archive_segment_problem(seg, EX_SEG_UNREADABLE,
			    "path is not a valid time (%s)", when);
	}
out:
	if (n > 0)
		archive_list_free(files, n);
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
read_frigate(ex_archive *a, const char *zone, ex_error *err)
{
	struct dirent **days = NULL, **hours = NULL, **cams = NULL;
	char path[PATH_MAX];
	int ndays, nhours = 0, ncams = 0, i, j, k;
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
	for (i = 0; i < ndays && st == EX_OK; i++) {
		const char *day = days[i]->d_name;

		if (!matches(day, "9999-99-99"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", a->root, day);
		if ((nhours = archive_list(path, &hours)) < 0)
			continue;
		for (j = 0; j < nhours && st == EX_OK; j++) {
			const char *hour = hours[j]->d_name;

			if (!matches(hour, "99"))
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", a->root, day,
			    hour);
			if ((ncams = archive_list(path, &cams)) < 0)
				continue;
			for (k = 0; k < ncams && st == EX_OK; k++) {
				char cp[PATH_MAX];

				if (snprintf(cp, sizeof(cp), "%s/%s", path,
				    cams[k]->d_name) >= (int)sizeof(cp) ||
				    !archive_is_dir(cp))
					continue;
				st = read_camera_hour(a, day, hour,
				    cams[k]->d_name, err);
			}
			archive_list_free(cams, ncams);
			cams = NULL;
		}
		archive_list_free(hours, nhours);
		hours = NULL;
	}
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

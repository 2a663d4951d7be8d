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
not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void
free_list(struct dirent **list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int
ex_frigate_is_recordings(const char *dir)
{
	struct dirent **days = NULL, **hours = NULL;
	char path[PATH_MAX];
	int ndays, nhours = 0, i, j, found = 0;

	ndays = scandir(dir, &days, not_hidden, alphasort);
	for (i = 0; i < ndays && !found; i++) {
		if (!matches(days[i]->d_name, "9999-99-99"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, days[i]->d_name);
		nhours = scandir(path, &hours, not_hidden, alphasort);
		for (j = 0; j < nhours; j++) {
			char hp[PATH_MAX];

			if (snprintf(hp, sizeof(hp), "%s/%s", path,
			    hours[j]->d_name) >= (int)sizeof(hp))
				continue;
			if (matches(hours[j]->d_name, "99") && is_dir(hp))
				found = 1;
		}
		if (nhours > 0)
			free_list(hours, nhours);
		hours = NULL;
	}
	if (ndays > 0)
		free_list(days, ndays);
	return found;
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
	if ((n = scandir(dir, &files, not_hidden, alphasort)) < 0)
		return ex_error_errno(err, "%s", dir);
	if ((cam = ex_archive_add_camera(a, camera, err)) < 0) {
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
		seg = ex_archive_add_segment(a, (size_t)cam, rel, start,
		    "path", err);
		if (seg == NULL) {
			st = EX_ERR_NOMEM;
			goto out;
		}
		inside = ex_archive_path_inside(a->root, seg->path);
		if (inside == 0)
			ex_segment_refuse(seg,
			    "refused: a link that leads outside the archive");
		else if (!matches(name, "99.99.mp4"))
			ex_segment_set_problem(seg, EX_SEG_UNREADABLE,
			    "name is not a Frigate MM.SS.mp4 segment name");
		else if (start == EX_INSTANT_NONE)
			ex_segment_set_problem(seg, EX_SEG_UNREADABLE,
			    "path is not a valid time (%s)", when);
	}
out:
	if (n > 0)
		free_list(files, n);
	return st;
}

ex_status
ex_archive_read_frigate(ex_archive *a, ex_error *err)
{
	struct dirent **days = NULL, **hours = NULL, **cams = NULL;
	char path[PATH_MAX];
	int ndays, nhours = 0, ncams = 0, i, j, k;
	ex_status st = EX_OK;

	if ((ndays = scandir(a->root, &days, not_hidden, alphasort)) < 0)
		return ex_error_errno(err, "%s", a->root);
	for (i = 0; i < ndays && st == EX_OK; i++) {
		const char *day = days[i]->d_name;

		if (!matches(day, "9999-99-99"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", a->root, day);
		if ((nhours = scandir(path, &hours, not_hidden,
		    alphasort)) < 0)
			continue;
		for (j = 0; j < nhours && st == EX_OK; j++) {
			const char *hour = hours[j]->d_name;

			if (!matches(hour, "99"))
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", a->root, day,
			    hour);
			if ((ncams = scandir(path, &cams, not_hidden,
			    alphasort)) < 0)
				continue;
			for (k = 0; k < ncams && st == EX_OK; k++) {
				char cp[PATH_MAX];

				if (snprintf(cp, sizeof(cp), "%s/%s", path,
				    cams[k]->d_name) >= (int)sizeof(cp) ||
				    !is_dir(cp))
					continue;
				st = read_camera_hour(a, day, hour,
				    cams[k]->d_name, err);
			}
			free_list(cams, ncams);
			cams = NULL;
		}
		free_list(hours, nhours);
		hours = NULL;
	}
	free_list(days, ndays);
	if (st == EX_OK && a->ncameras == 0)
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: Frigate recordings folder without camera folders",
		    a->root);
	return st;
}

/*
 * plain.c — plain camera folders: ARCHIVE/<camera>/<file>, the start in
 * the file name (YYYYMMDDTHHMMSSZ in UTC, YYYY-MM-DDTHH-MM-SS in a zone)
 * or, failing that, in the container (detect.c applies it after probing).
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

/* Does the text at s start with the pattern ('9' = any digit)? */
static int
starts_with(const char *s, const char *pattern)
{
	for (; *pattern != '\0'; s++, pattern++) {
		if (*s == '\0')
			return 0;
		if (*pattern == '9') {
			if (!isdigit((unsigned char)*s))
				return 0;
		} else if (*s != *pattern) {
			return 0;
		}
	}
	return 1;
}

static int
num(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

ex_status
archive_plain_time_from_name(const char *name, const char *zone,
    ex_instant *out, ex_error *err)
{
	const char *p;
	char utc[17];
	ex_local_time lt;

	for (p = name; *p != '\0'; p++) {
		if (starts_with(p, "99999999T999999Z") &&
		    (p == name || !isdigit((unsigned char)p[-1]))) {
			memcpy(utc, p, 16);
			utc[16] = '\0';
			return ex_time_parse(utc, "UTC", out, err);
		}
	}
	for (p = name; *p != '\0'; p++) {
		if (starts_with(p, "9999-99-99T99-99-99") &&
		    (p == name || !isdigit((unsigned char)p[-1]))) {
			memset(&lt, 0, sizeof(lt));
			lt.year = num(p, 4);
			lt.month = num(p + 5, 2);
			lt.day = num(p + 8, 2);
			lt.hour = num(p + 11, 2);
			lt.minute = num(p + 14, 2);
			lt.second = num(p + 17, 2);
			if (lt.month < 1 || lt.month > 12 || lt.day < 1 ||
			    lt.day > 31 || lt.hour > 23 || lt.minute > 59 ||
			    lt.second > 59)
				return ex_error_set(err, EX_ERR_TIME,
				    "'%.19s' is not a valid date and time", p);
			return ex_time_from_local(&lt, zone, out, err);
		}
	}
	return EX_ERR_FORMAT;
}

/* A file named with a start time. */
static int
timed_file(const char *path, const char *name)
{
	ex_instant t;
	ex_error terr;

	return !archive_is_dir(path) &&
	    archive_plain_time_from_name(name, "UTC", &t, &terr) !=
	    EX_ERR_FORMAT;
}

int
archive_plain_is_camera(const char *dir)
{
	return archive_holds(dir, timed_file);
}

/* A camera folder. */
static int
camera_dir(const char *path, const char *name)
{
	(void)name;
	return archive_is_dir(path) && archive_plain_is_camera(path);
}

/* Does dir hold camera folders with timed files? */
static int
bid(const char *dir)
{
	return archive_holds(dir, camera_dir);
}

static ex_status
read_camera(ex_archive *a, const char *camera, const char *zone,
    ex_error *err)
{
	struct dirent **files = NULL;
	char dir[PATH_MAX], rel[PATH_MAX];
	ex_segment *seg;
	ex_status st = EX_OK;
	long cam = -1;
	int n, i;

	snprintf(dir, sizeof(dir), "%s/%s", a->root, camera);
	if ((n = archive_list(dir, &files)) < 0)
		return ex_error_errno(err, "%s", dir);
	for (i = 0; i < n; i++) {
		const char *name = files[i]->d_name;
		ex_instant start = EX_INSTANT_NONE;
		ex_error terr;
		ex_status tst;
		struct stat sb;
		int inside;

		if (snprintf(rel, sizeof(rel), "%s/%s", camera, name) >=
		    (int)sizeof(rel))
			continue;
		if (snprintf(dir, sizeof(dir), "%s/%s", a->root, rel) >=
		    (int)sizeof(dir))
			continue;
		ex_error_clear(&terr);
		tst = archive_plain_time_from_name(name, zone, &start, &terr);
		/* A folder is not a segment, unless it is named like one:
		 * then it is listed, to be found unreadable (probe.c). */
		if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    tst == EX_ERR_FORMAT)
			continue;
		if (cam < 0 && (cam = archive_add_camera(a, camera,
		    err)) < 0) {
			st = EX_ERR_NOMEM;
			goto out;
		}
		seg = archive_add_segment(a, (size_t)cam, rel,
		    tst == EX_OK ? start : EX_INSTANT_NONE, "path", err);
		if (seg == NULL) {
			st = EX_ERR_NOMEM;
			goto out;
		}
		if (tst == EX_ERR_TIME)
			archive_segment_problem(seg, EX_SEG_UNREADABLE,
			    "time in the name: %s", terr.message);
		inside = archive_path_inside(a->root, seg->path);
		if (inside == 0)
			archive_segment_refuse(seg,
			    "refused: a link that leads outside the archive");
	}
out:
	if (n > 0)
		archive_list_free(files, n);
	return st;
}

static ex_status
read_plain(archive_walk *w, const char *zone, ex_error *err)
{
	ex_archive *a = w->a;
	struct dirent **cams = NULL;
	char path[PATH_MAX];
	ex_status st = EX_OK;
	int n, i;

	if ((n = archive_list(a->root, &cams)) < 0)
		return ex_error_errno(err, "%s", a->root);
	for (i = 0; i < n && st == EX_OK; i++) {
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s", a->root,
		    cams[i]->d_name);
		if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
			continue;
		if (archive_path_inside(a->root, path) != 1)
			continue;   /* a camera folder linked from elsewhere */
		st = read_camera(a, cams[i]->d_name, zone, err);
	}
	if (n > 0)
		archive_list_free(cams, n);
	if (st == EX_OK && a->ncameras == 0)
		st = ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "%s: not a recorder archive: no recorder.xml, no Frigate "
		    "recordings/ folder and no camera folders with files",
		    a->root);
	return st;
}

const archive_layout archive_plain = {
	EX_LAYOUT_PLAIN, "plain", "plain", 0, bid, read_plain
};

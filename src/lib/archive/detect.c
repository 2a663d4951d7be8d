/*
 * detect.c — ex_archive_open: resolve the folder, detect its layout, let
 * the layout's reader list the segments, probe them, build the timeline.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/archive_private.h"

const char *
ex_layout_name(ex_layout layout)
{
	switch (layout) {
	case EX_LAYOUT_INDEXED:
		return "indexed";
	case EX_LAYOUT_FRIGATE:
		return "frigate";
	case EX_LAYOUT_PLAIN:
		return "plain";
	}
	return "unknown";
}

const char *
ex_segment_state_name(ex_segment_state state)
{
	switch (state) {
	case EX_SEG_OK:
		return "ok";
	case EX_SEG_DAMAGED:
		return "damaged";
	case EX_SEG_UNREADABLE:
		return "unreadable";
	}
	return "unknown";
}

/* Grow an array of n elements so that element n fits: capacity is the
 * next power of two, so reallocate when n is 0 or a power of two. */
static int
grow(void **array, size_t n, size_t elem)
{
	size_t cap;
	void *p;

	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return 0;
	cap = n == 0 ? 4 : n * 2;
	if (cap > SIZE_MAX / elem)
		return -1;
	p = realloc(*array, cap * elem);
	if (p == NULL)
		return -1;
	*array = p;
	return 0;
}

long
ex_archive_add_camera(ex_archive *archive, const char *id, ex_error *err)
{
	ex_camera *cam;
	size_t i;

	for (i = 0; i < archive->ncameras; i++)
		if (strcmp(archive->cameras[i].id, id) == 0)
			return (long)i;
	if (grow((void **)&archive->cameras, archive->ncameras,
	    sizeof(*archive->cameras)) != 0)
		goto nomem;
	cam = &archive->cameras[archive->ncameras];
	memset(cam, 0, sizeof(*cam));
	if ((cam->id = strdup(id)) == NULL)
		goto nomem;
	return (long)archive->ncameras++;
nomem:
	ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	return -1;
}

ex_segment *
ex_archive_add_segment(ex_archive *archive, size_t cam, const char *relpath,
    ex_instant start, const char *time_source, ex_error *err)
{
	ex_camera *c = &archive->cameras[cam];
	ex_segment *seg;
	size_t len;

	if (grow((void **)&c->segments, c->nsegments, sizeof(*c->segments))
	    != 0)
		goto nomem;
	seg = &c->segments[c->nsegments];
	memset(seg, 0, sizeof(*seg));
	len = strlen(archive->root) + 1 + strlen(relpath) + 1;
	seg->relpath = strdup(relpath);
	seg->path = malloc(len);
	if (seg->relpath == NULL || seg->path == NULL) {
		free(seg->relpath);
		free(seg->path);
		goto nomem;
	}
	snprintf(seg->path, len, "%s/%s", archive->root, relpath);
	seg->start = start;
	seg->end = EX_INSTANT_NONE;
	seg->last_frame = EX_INSTANT_NONE;
	seg->size = -1;
	seg->frames = -1;
	seg->keyframes = -1;
	seg->time_source = time_source;
	c->nsegments++;
	return seg;
nomem:
	ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	return NULL;
}

void
ex_segment_set_problem(ex_segment *seg, ex_segment_state state,
    const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (state > seg->state)
		seg->state = state;
	if (seg->problem != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	seg->problem = strdup(buf);   /* NULL on ENOMEM: state still says it */
}

void
ex_segment_refuse(ex_segment *seg, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ex_segment_set_problem(seg, EX_SEG_UNREADABLE, "%s", buf);
	seg->refused = 1;
}

int
ex_archive_path_inside(const char *root_real, const char *path)
{
	char *real;
	size_t n = strlen(root_real);
	int inside;

	real = realpath(path, NULL);
	if (real == NULL)
		return -1;
	inside = strncmp(real, root_real, n) == 0 &&
	    (real[n] == '/' || (n == 1 && root_real[0] == '/'));
	free(real);
	return inside;
}

const char *
ex_archive_relpath_problem(const char *relpath)
{
	const char *p, *c;
	size_t len;

	if (relpath[0] == '\0')
		return "empty path";
	if (relpath[0] == '/')
		return "absolute path";
	for (p = relpath; *p != '\0'; p++) {
		if (*p == '\\')
			return "backslash in path";
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "control character in path";
	}
	for (p = relpath; ; p = c + 1) {
		c = strchr(p, '/');
		len = c != NULL ? (size_t)(c - p) : strlen(p);
		if (len == 0)
			return "empty path component";
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return "'..' in path";
		if (len == 1 && p[0] == '.')
			return "'.' in path";
		if (c == NULL)
			break;
	}
	return NULL;
}

static void
free_camera(ex_camera *c)
{
	size_t i;

	for (i = 0; i < c->nsegments; i++) {
		free(c->segments[i].path);
		free(c->segments[i].relpath);
		free(c->segments[i].problem);
		free(c->segments[i].streams);
	}
	free(c->segments);
	free(c->covered);
	free(c->gaps);
	free(c->overlaps);
	free(c->id);
	free(c->name);
	free(c->location);
}

void
ex_archive_free(ex_archive **archive)
{
	ex_archive *a;
	size_t i;

	if (archive == NULL || *archive == NULL)
		return;
	a = *archive;
	for (i = 0; i < a->ncameras; i++)
		free_camera(&a->cameras[i]);
	free(a->cameras);
	free(a->recorder.make);
	free(a->recorder.model);
	free(a->recorder.serial);
	free(a->recorder.site);
	free(a->recorder.timezone);
	free(a->root);
	free(a);
	*archive = NULL;
}

const ex_camera *
ex_archive_camera(const ex_archive *archive, const char *id)
{
	size_t i;

	if (archive == NULL || id == NULL)
		return NULL;
	for (i = 0; i < archive->ncameras; i++)
		if (strcmp(archive->cameras[i].id, id) == 0)
			return &archive->cameras[i];
	return NULL;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Does dir hold a file whose name carries a start time as the plain
 * layout spells it (a camera folder)? */
static int
holds_timed_files(const char *dir)
{
	struct dirent **list = NULL;
	char path[PATH_MAX];
	ex_instant t;
	ex_error terr;
	int n, i, found = 0;

	if ((n = scandir(dir, &list, visible, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!found && snprintf(path, sizeof(path), "%s/%s", dir,
		    list[i]->d_name) < (int)sizeof(path) && !is_dir(path) &&
		    ex_plain_time_from_name(list[i]->d_name, "UTC", &t,
		    &terr) != EX_ERR_FORMAT)
			found = 1;
		free(list[i]);
	}
	free(list);
	return found;
}

/* Which layout does dir show by its own signs: recorder.xml (indexed), a
 * Frigate recordings/ folder or being one (frigate), camera folders with
 * timed files (plain, only when plain is set)?  NULL: none. */
static const char *
layout_of(const char *dir, int plain)
{
	struct dirent **list = NULL;
	char path[PATH_MAX];
	const char *kind = NULL;
	int n, i;

	if (snprintf(path, sizeof(path), "%s/recorder.xml", dir) <
	    (int)sizeof(path) && access(path, F_OK) == 0)
		return "indexed";
	if (snprintf(path, sizeof(path), "%s/recordings", dir) <
	    (int)sizeof(path) && is_dir(path) && ex_frigate_is_recordings(path))
		return "Frigate";
	if (ex_frigate_is_recordings(dir))
		return "Frigate";
	if (!plain || (n = scandir(dir, &list, visible, alphasort)) < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		if (kind == NULL && snprintf(path, sizeof(path), "%s/%s", dir,
		    list[i]->d_name) < (int)sizeof(path) && is_dir(path) &&
		    holds_timed_files(path))
			kind = "plain";
		free(list[i]);
	}
	free(list);
	return kind;
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
	if ((n = scandir(root, &list, visible, alphasort)) < 0)
		n = 0;
	for (i = 0; i < n; i++) {
		const char *kind;

		if (snprintf(sub, sizeof(sub), "%s/%s", root,
		    list[i]->d_name) < (int)sizeof(sub) && is_dir(sub) &&
		    (kind = layout_of(sub, plain_failed)) != NULL &&
		    used < sizeof(found)) {
			int w = snprintf(found + used, sizeof(found) - used,
			    "%s%s/%s (%s layout)", count ? ", " : "", path,
			    list[i]->d_name, kind);

			if (w > 0)
				used += (size_t)w;
			count++;
		}
		free(list[i]);
	}
	free(list);
	if (count > 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s is not a recorder archive, but it holds %s: %s; give "
		    "that folder", path, count > 1 ? "archives" : "one",
		    found);
	if (plain_failed && holds_timed_files(root))
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s looks like one camera's folder, not a recorder "
		    "archive; give the folder that holds the camera folders",
		    path);
	return EX_OK;
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
			free_camera(&a->cameras[i]);
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
	st = ex_probe_segment(seg, &first, &length, &last, &created, err);
	if (st != EX_OK)
		return st;
	if (seg->start == EX_INSTANT_NONE && created != EX_INSTANT_NONE) {
		seg->start = created;
		seg->time_source = "container";
	}
	if (seg->state == EX_SEG_UNREADABLE)
		return EX_OK;
	if (seg->start == EX_INSTANT_NONE) {
		ex_segment_set_problem(seg, EX_SEG_UNREADABLE,
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
	char *sub = NULL;
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
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((a->root = realpath(path, NULL)) == NULL) {
		st = ex_error_errno(err, "%s", path);
		goto out;
	}
	if (!is_dir(a->root)) {
		st = ex_error_set(err, EX_ERR_USAGE, "%s: not a folder", path);
		goto out;
	}
	if (asprintf(&sub, "%s/recorder.xml", a->root) < 0) {
		sub = NULL;
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (access(sub, F_OK) == 0) {
		a->layout = EX_LAYOUT_INDEXED;
		st = ex_archive_read_indexed(a, err);
		goto listed;
	}
	free(sub);
	if (asprintf(&sub, "%s/recordings", a->root) < 0) {
		sub = NULL;
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (is_dir(sub) && ex_frigate_is_recordings(sub)) {
		char *real = realpath(sub, NULL);

		if (real == NULL) {
			st = ex_error_errno(err, "%s", sub);
			goto out;
		}
		free(a->root);
		a->root = real;
	}
	if (ex_frigate_is_recordings(a->root)) {
		a->layout = EX_LAYOUT_FRIGATE;
		st = ex_archive_read_frigate(a, err);
	} else if ((st = wrong_level(path, a->root, 0, err)) == EX_OK) {
		ex_error perr;

		a->layout = EX_LAYOUT_PLAIN;
		ex_error_clear(&perr);
		st = ex_archive_read_plain(a, zone, &perr);
		/* No camera folders here: perhaps one level off. */
		if (st == EX_ERR_UNSUPPORTED && a->ncameras == 0 &&
		    wrong_level(path, a->root, 1, &perr) != EX_OK)
			st = perr.code;
		if (st != EX_OK && err != NULL)
			*err = perr;
	}
listed:
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
		if ((st = ex_timeline_build(&a->cameras[i], err)) != EX_OK)
			goto out;
	*out = a;
	a = NULL;
out:
	free(sub);
	ex_archive_free(&a);
	return st;
}

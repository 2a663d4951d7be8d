/*
 * model.c — the archive as the layouts build it: cameras and segments
 * added one at a time, a segment's problem, the path checks every layout
 * makes, and freeing (exhibit/archive.h, archive_private.h).  Nothing here
 * reads a folder or a file's contents.
 */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive/archive_private.h"
#include "base.h"

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

/* The room BASE_GROW gave an array that now holds n elements (the arrays
 * of ex_archive keep no capacity): 0, or the power of two >= n from 16. */
static size_t
room(size_t n)
{
	size_t cap = 16;

	if (n == 0)
		return 0;
	while (cap < n)
		cap *= 2;
	return cap;
}

long
archive_add_camera(ex_archive *archive, const char *id, ex_error *err)
{
	ex_camera *cam;
	size_t i, cap = room(archive->ncameras);

	for (i = 0; i < archive->ncameras; i++)
		if (strcmp(archive->cameras[i].id, id) == 0)
			return (long)i;
	if (BASE_GROW(archive->cameras, cap, archive->ncameras + 1) != 0)
		goto nomem;
	cam = &archive->cameras[archive->ncameras];
	memset(cam, 0, sizeof(*cam));
	if ((cam->id = strdup(id)) == NULL)
		goto nomem;
	return (long)archive->ncameras++;
nomem:
	base_nomem(err);
	return -1;
}

ex_segment *
archive_add_segment(ex_archive *archive, size_t cam, const char *relpath,
    ex_instant start, const char *time_source, ex_error *err)
{
	ex_camera *c = &archive->cameras[cam];
	ex_segment *seg;
	size_t cap = room(c->nsegments);

	if (BASE_GROW(c->segments, cap, c->nsegments + 1) != 0)
		goto nomem;
	seg = &c->segments[c->nsegments];
	memset(seg, 0, sizeof(*seg));
	seg->relpath = strdup(relpath);
	if (asprintf(&seg->path, "%s/%s", archive->root, relpath) < 0)
		seg->path = NULL;
	if (seg->relpath == NULL || seg->path == NULL) {
		free(seg->relpath);
		free(seg->path);
		goto nomem;
	}
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
	base_nomem(err);
	return NULL;
}

static void
set_problem(ex_segment *seg, ex_segment_state state, const char *fmt,
    va_list ap)
{
	char buf[512];

	if (state > seg->state)
		seg->state = state;
	if (seg->problem != NULL)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	seg->problem = strdup(buf);   /* NULL on ENOMEM: state still says it */
}

void
archive_segment_problem(ex_segment *seg, ex_segment_state state,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_problem(seg, state, fmt, ap);
	va_end(ap);
}

void
archive_segment_refuse(ex_segment *seg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_problem(seg, EX_SEG_UNREADABLE, fmt, ap);
	va_end(ap);
	seg->refused = 1;
}

int
archive_path_inside(const char *root_real, const char *path)
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
archive_relpath_problem(const char *relpath)
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

void
archive_camera_free(ex_camera *c)
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
	free(c->covered_last);
	free(c->kinds);
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
		archive_camera_free(&a->cameras[i]);
	free(a->cameras);
	free(a->recorder.make);
	free(a->recorder.model);
	free(a->recorder.serial);
	free(a->recorder.site);
	free(a->recorder.timezone);
	for (i = 0; i < a->nnotes; i++)
		free(a->notes[i]);
	free(a->notes);
	free(a->index_path);
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

/* ---- folders, as every layout lists them ------------------------------ */

int
archive_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int
archive_list(const char *dir, struct dirent ***list)
{
	*list = NULL;
	return scandir(dir, list, visible, alphasort);
}

void
archive_list_free(struct dirent **list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int
archive_holds(const char *dir, int (*what)(const char *path,
    const char *name))
{
	struct dirent **list;
	char path[PATH_MAX];
	int n, i, found = 0;

	if ((n = archive_list(dir, &list)) < 0)
		return 0;
	for (i = 0; i < n && !found; i++)
		found = snprintf(path, sizeof(path), "%s/%s", dir,
		    list[i]->d_name) < (int)sizeof(path) &&
		    what(path, list[i]->d_name);
	archive_list_free(list, n);
	return found;
}

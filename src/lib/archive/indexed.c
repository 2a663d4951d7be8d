/*
 * indexed.c — an archive described by recorder.xml (schemas/recorder.xsd):
 * the recorder, its cameras and their segment files with start times and,
 * optionally, the SHA-256 the recorder wrote.
 *
 * The index is untrusted input: it is read whole only up to
 * ARCHIVE_INDEX_MAX and through the core's one hardened XML reader
 * (src/lib/xmlread.c: UTF-8 only, no DOCTYPE, entity or XInclude, no
 * network, libxml2's limits on, nothing printed), and must validate
 * against the schema compiled into the binary.  Segment paths must be
 * relative, free of "." and "..", and must not lead outside the archive
 * through a link.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "archive/archive_private.h"
#include "base.h"
#include "exhibit/fileio.h"
#include "xmlread_private.h"

#define INDEX_NAME "recorder.xml"
#define RECORDER_NS "urn:exhibit:recorder:1"

/* Read the whole index (bounded) into *buf. */
static ex_status
read_index(const char *path, char **buf, size_t *len, ex_error *err)
{
	struct stat sb;
	ssize_t r;
	size_t got = 0;
	ex_status st = EX_OK;
	int fd;

	*buf = NULL;
	if ((st = ex_file_open(AT_FDCWD, path, 0, NULL, &fd, &sb, err)) !=
	    EX_OK)
		return st;
	if (sb.st_size > ARCHIVE_INDEX_MAX) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: larger than %d MiB: refused", path,
		    ARCHIVE_INDEX_MAX / (1024 * 1024));
		goto out;
	}
	if ((*buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		r = read(fd, *buf + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st = ex_error_errno(err, "%s", path);
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	(*buf)[got] = '\0';
	*len = got;
out:
	if (st != EX_OK) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return st;
}

static int
is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    xmlStrcmp(n->ns->href, BAD_CAST RECORDER_NS) == 0 &&
	    xmlStrcmp(n->name, BAD_CAST name) == 0;
}

/* strdup of an element's text or attribute (NULL if absent); -1 ENOMEM */
static int
dup_text(xmlChar *value, char **out)
{
	*out = NULL;
	if (value == NULL)
		return 0;
	*out = strdup((const char *)value);
	xmlFree(value);
	return *out == NULL ? -1 : 0;
}

static ex_status
read_segment(ex_archive *a, size_t cam, xmlNodePtr n, ex_error *err)
{
	char *file = NULL, *start = NULL, *sha = NULL;
	const char *why;
	ex_instant t;
	ex_segment *seg;
	ex_status st = EX_OK;
	int inside;
	size_t i;

	if (dup_text(xmlGetProp(n, BAD_CAST "file"), &file) != 0 ||
	    dup_text(xmlGetProp(n, BAD_CAST "start"), &start) != 0 ||
	    dup_text(xmlGetProp(n, BAD_CAST "sha256"), &sha) != 0) {
		st = base_nomem(err);
		goto out;
	}
	if (file == NULL || start == NULL) {   /* the schema requires both */
		st = ex_error_set(err, EX_ERR_FORMAT,
		    INDEX_NAME ":%ld: segment without file or start",
		    xmlGetLineNo(n));
		goto out;
	}
	if ((why = archive_relpath_problem(file)) != NULL) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    INDEX_NAME ":%ld: segment file '%s' refused: %s",
		    xmlGetLineNo(n), file, why);
		goto out;
	}
	if ((st = ex_time_parse(start, "UTC", &t, err)) != EX_OK) {
		ex_error_prefix(err, INDEX_NAME ":%ld", xmlGetLineNo(n));
		st = EX_ERR_FORMAT;
		if (err != NULL)
			err->code = st;
		goto out;
	}
	if ((seg = archive_add_segment(a, cam, file, t, "index", err)) ==
	    NULL) {
		st = EX_ERR_NOMEM;
		goto out;
	}
	if (sha != NULL && strlen(sha) == 64) {
		for (i = 0; i < 64; i++)
			seg->recorder_sha256[i] =
			    (char)tolower((unsigned char)sha[i]);
		seg->recorder_sha256[64] = '\0';
	}
	inside = archive_path_inside(a->root, seg->path);
	if (inside == 0)
		st = ex_error_set(err, EX_ERR_FORMAT,
		    INDEX_NAME ":%ld: segment file '%s' refused: a link that "
		    "leads outside the archive", xmlGetLineNo(n), file);
	/* A missing file (inside == -1) is reported by the probe. */
out:
	free(file);
	free(start);
	free(sha);
	return st;
}

static ex_status
read_camera(ex_archive *a, xmlNodePtr n, ex_error *err)
{
	ex_camera *c;
	xmlNodePtr s;
	char *id = NULL;
	ex_status st = EX_OK;
	long cam;

	if (dup_text(xmlGetProp(n, BAD_CAST "id"), &id) != 0 || id == NULL)
		return ex_error_set(err, id == NULL ? EX_ERR_FORMAT :
		    EX_ERR_NOMEM, INDEX_NAME ": camera without id");
	if ((cam = archive_add_camera(a, id, err)) < 0) {
		st = EX_ERR_NOMEM;
		goto out;
	}
	c = &a->cameras[cam];
	if ((c->name == NULL && dup_text(xmlGetProp(n, BAD_CAST "name"),
	    &c->name) != 0) || (c->location == NULL &&
	    dup_text(xmlGetProp(n, BAD_CAST "location"), &c->location) !=
	    0)) {
		st = base_nomem(err);
		goto out;
	}
	for (s = n->children; s != NULL && st == EX_OK; s = s->next)
		if (is_elem(s, "segment"))
			st = read_segment(a, (size_t)cam, s, err);
out:
	free(id);
	return st;
}

/* Does dir hold a recorder.xml? */
static int
bid(const char *dir)
{
	char path[PATH_MAX];

	return snprintf(path, sizeof(path), "%s/" INDEX_NAME, dir) <
	    (int)sizeof(path) && access(path, F_OK) == 0;
}

static ex_status
read_indexed(archive_walk *w, const char *zone, ex_error *err)
{
	ex_archive *a = w->a;
	/*
	 * A recorder wrote the index, not exhibit: every rule of the core
	 * reader but those that hold only for exhibit's own documents, so
	 * comments and processing instructions are allowed and a UTF-8
	 * byte-order mark (Windows tools write one; the bytes are UTF-8
	 * either way) is skipped.
	 */
	base_xmlread_rules rules = {
		.what = INDEX_NAME,
		.xsd = ex_recorder_xsd,
		.xsdlen = ex_recorder_xsd_len,
		.max = ARCHIVE_INDEX_MAX,
		.flags = 0,
	};
	char *path = NULL, *buf = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	size_t len = 0;
	ex_status st;

	(void)zone;   /* the index spells its times with an offset */
	if (asprintf(&path, "%s/" INDEX_NAME, a->root) < 0) {
		path = NULL;
		st = base_nomem(err);
		goto out;
	}
	if (archive_path_inside(a->root, path) == 0) {
		st = ex_error_set(err, EX_ERR_FORMAT, INDEX_NAME
		    ": a link that leads outside the archive: refused");
		goto out;
	}
	if ((st = read_index(path, &buf, &len, err)) != EX_OK)
		goto out;
	if ((st = base_xmlread_parse(&rules, buf, len, &doc, err)) !=
	    EX_OK)
		goto out;
	root = xmlDocGetRootElement(doc);
	for (n = root->children; n != NULL && st == EX_OK; n = n->next) {
		char **field = NULL;

		if (is_elem(n, "make"))
			field = &a->recorder.make;
		else if (is_elem(n, "model"))
			field = &a->recorder.model;
		else if (is_elem(n, "serial"))
			field = &a->recorder.serial;
		else if (is_elem(n, "site"))
			field = &a->recorder.site;
		else if (is_elem(n, "timezone"))
			field = &a->recorder.timezone;
		else if (is_elem(n, "camera"))
			st = read_camera(a, n, err);
		if (field != NULL && *field == NULL &&
		    dup_text(xmlNodeGetContent(n), field) != 0)
			st = base_nomem(err);
	}
	if (st == EX_OK && a->recorder.timezone != NULL &&
	    ex_time_zone_check(a->recorder.timezone, err) != EX_OK) {
		ex_error_prefix(err, INDEX_NAME);
		st = EX_ERR_FORMAT;
		if (err != NULL)
			err->code = st;
	}
out:
	xmlFreeDoc(doc);
	free(buf);
	free(path);
	return st;
}

const archive_layout archive_indexed = {
	EX_LAYOUT_INDEXED, "indexed", "indexed", 1, bid, read_indexed
};

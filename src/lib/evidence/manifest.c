/*
 * manifest.c — the manifest.xml model: writer, secure parser, schema.
 *
 * The element layout is schemas/manifest.xsd; the writer and the reader
 * below follow it in the same order, one function per complex type.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/xml_private.h"
#include "exhibit/manifest.h"

#define MANIFEST_NS "urn:exhibit:manifest:1"
#define WHAT "manifest.xml"

static const char *const role_names[] = { "master", "native", "working",
    "still", "document" };

const char *
ex_manifest_role_name(ex_manifest_role role)
{
	if ((unsigned)role >= sizeof(role_names) / sizeof(role_names[0]))
		return NULL;
	return role_names[role];
}

static int
role_from_name(const char *name, ex_manifest_role *out)
{
	size_t i;

	for (i = 0; name != NULL &&
	    i < sizeof(role_names) / sizeof(role_names[0]); i++) {
		if (strcmp(name, role_names[i]) == 0) {
			*out = (ex_manifest_role)i;
			return 1;
		}
	}
	return 0;
}

static const char *const fate_names[] = { "recorded", "kept", "re-encoded",
	"left-out", "added" };

const char *
ex_manifest_fate_name(ex_manifest_fate fate)
{
	if ((unsigned)fate >= sizeof(fate_names) / sizeof(fate_names[0]))
		return NULL;
	return fate_names[fate];
}

const char *
ex_manifest_xsd(size_t *len)
{
	if (len != NULL)
		*len = ex_manifest_xsd_text_len;
	return (const char *)ex_manifest_xsd_text;
}

/* ---- model ------------------------------------------------------------ */

ex_status
ex_manifest_new(ex_manifest **out, ex_error *err)
{
	ex_manifest *m;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "manifest: out of memory");
	m->bundle.export_time = EX_INSTANT_NONE;
	m->request.from = m->request.to = EX_INSTANT_NONE;
	*out = m;
	return EX_OK;
}

/* Grow *array (of *n elements of size sz) by one zeroed element. */
static void *
grow(void *array_ptr, size_t *n, size_t sz, ex_error *err)
{
	void **array = array_ptr;
	char *p;

	if ((p = realloc(*array, (*n + 1) * sz)) == NULL) {
		ex_error_set(err, EX_ERR_NOMEM, "manifest: out of memory");
		return NULL;
	}
	*array = p;
	memset(p + *n * sz, 0, sz);
	return p + (*n)++ * sz;
}

ex_status
ex_manifest_add_camera(ex_manifest *m, ex_manifest_camera **out,
    ex_error *err)
{
	ex_manifest_camera *c;

	if ((c = grow(&m->cameras, &m->ncameras, sizeof(*c), err)) == NULL)
		return EX_ERR_NOMEM;
	c->requested.from = c->requested.to = EX_INSTANT_NONE;
	*out = c;
	return EX_OK;
}

ex_status
ex_manifest_add_file(ex_manifest_camera *cam, ex_manifest_file **out,
    ex_error *err)
{
	ex_manifest_file *f;

	if ((f = grow(&cam->files, &cam->nfiles, sizeof(*f), err)) == NULL)
		return EX_ERR_NOMEM;
	f->start = f->end = EX_INSTANT_NONE;
	f->requested.from = f->requested.to = EX_INSTANT_NONE;
	f->first_frame = f->last_frame = EX_INSTANT_NONE;
	f->frames = -1;
	*out = f;
	return EX_OK;
}

ex_status
ex_manifest_add_document(ex_manifest *m, ex_manifest_file **out,
    ex_error *err)
{
	ex_manifest_file *f;

	if ((f = grow(&m->documents, &m->ndocuments, sizeof(*f), err)) == NULL)
		return EX_ERR_NOMEM;
	f->role = EX_ROLE_DOCUMENT;
	f->start = f->end = EX_INSTANT_NONE;
	f->requested.from = f->requested.to = EX_INSTANT_NONE;
	f->first_frame = f->last_frame = EX_INSTANT_NONE;
	f->frames = -1;
	*out = f;
	return EX_OK;
}

ex_status
ex_manifest_add_stream(ex_manifest_file *f, ex_manifest_stream **out,
    ex_error *err)
{
	ex_manifest_stream *st;

	if ((st = grow(&f->streams, &f->nstreams, sizeof(*st), err)) == NULL)
		return EX_ERR_NOMEM;
	st->index = st->source_index = -1;
	*out = st;
	return EX_OK;
}

ex_status
ex_manifest_add_string(char ***list, size_t *n, const char *s,
    ex_error *err)
{
	char *copy, **slot;

	if ((copy = strdup(s)) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "manifest: out of memory");
	if ((slot = grow(list, n, sizeof(*slot), err)) == NULL) {
		free(copy);
		return EX_ERR_NOMEM;
	}
	*slot = copy;
	return EX_OK;
}

static void
free_strings(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void
free_file(ex_manifest_file *f)
{
	size_t i;

	free(f->path);
	free(f->source_path);
	free(f->signature_path);
	free(f->codec);
	free_strings(f->derived_from, f->nderived_from);
	free(f->encoder_preset);
	for (i = 0; i < f->nstreams; i++) {
		free(f->streams[i].type);
		free(f->streams[i].codec);
		free(f->streams[i].reason);
		free(f->streams[i].signatures);
	}
	free(f->streams);
}

static void
free_camera(ex_manifest_camera *c)
{
	size_t i;

	free(c->id);
	free(c->name);
	free(c->location);
	free(c->coverage);
	free(c->gaps);
	for (i = 0; i < c->ndamage; i++) {
		free(c->damage[i].relpath);
		free(c->damage[i].state);
		free(c->damage[i].message);
	}
	free(c->damage);
	for (i = 0; i < c->nfiles; i++)
		free_file(&c->files[i]);
	free(c->files);
}

void
ex_manifest_free(ex_manifest **mp)
{
	ex_manifest *m;
	size_t i;

	if (mp == NULL || (m = *mp) == NULL)
		return;
	free(m->bundle.case_ref);
	free(m->bundle.exhibit_ref);
	free(m->bundle.operator_name);
	free(m->bundle.organisation);
	free(m->bundle.reason);
	free(m->bundle.tool_name);
	free(m->bundle.tool_version);
	for (i = 0; i < m->bundle.nlibraries; i++) {
		free(m->bundle.libraries[i].name);
		free(m->bundle.libraries[i].version);
	}
	free(m->bundle.libraries);
	free(m->bundle.signer_key_id);
	free(m->bundle.signer_public_key);
	free(m->recorder.layout);
	free(m->recorder.make);
	free(m->recorder.model);
	free(m->recorder.serial);
	free(m->recorder.site);
	free(m->recorder.zone);
	free(m->recorder.clock_offset_by);
	free(m->recorder.clock_offset_note);
	free(m->recorder.archive_path);
	free_strings(m->request.cameras, m->request.ncameras);
	free(m->request.zone);
	free(m->request.preset);
	free(m->request.container);
	for (i = 0; i < m->ncameras; i++)
		free_camera(&m->cameras[i]);
	free(m->cameras);
	for (i = 0; i < m->ndocuments; i++)
		free_file(&m->documents[i]);
	free(m->documents);
	free(m);
	*mp = NULL;
}

/* ---- checks before writing -------------------------------------------- */

#define NEED_STR(v, name) do { \
	if ((v) == NULL || (v)[0] == '\0') \
		return ex_error_set(err, EX_ERR_USAGE, \
		    "manifest: %s is missing", name); \
} while (0)
#define NEED_TIME(v, name) do { \
	if ((v) == EX_INSTANT_NONE) \
		return ex_error_set(err, EX_ERR_USAGE, \
		    "manifest: %s is missing", name); \
} while (0)

static int
is_sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[64] == '\0';
}

static ex_status
check_file(const ex_manifest_camera *c, const ex_manifest_file *f,
    ex_error *err)
{
	size_t i;

	NEED_STR(f->path, "file path");
	if (ex_manifest_role_name(f->role) == NULL ||
	    (c != NULL) != (f->role != EX_ROLE_DOCUMENT))
		return ex_error_set(err, EX_ERR_USAGE,
		    "manifest: %s: role %d does not belong %s", f->path,
		    (int)f->role, c != NULL ? "to a camera" :
		    "among the documents");
	if (!is_sha256_hex(f->sha256))
		return ex_error_set(err, EX_ERR_USAGE,
		    "manifest: %s: sha256 is not 64 lower-case hex digits",
		    f->path);
	NEED_STR(f->signature_path, "file signature path");
	if (c == NULL)
		return EX_OK;
	NEED_TIME(f->start, "file start");
	NEED_TIME(f->end, "file end");
	for (i = 0; i < f->nstreams; i++) {
		const ex_manifest_stream *st = &f->streams[i];

		NEED_STR(st->type, "stream type");
		if (ex_manifest_fate_name(st->fate) == NULL ||
		    (st->fate == EX_FATE_LEFT_OUT) != (st->index < 0) ||
		    (st->fate == EX_FATE_RECORDED || st->fate ==
		    EX_FATE_ADDED) != (st->source_index < 0))
			return ex_error_set(err, EX_ERR_USAGE,
			    "manifest: %s: stream %zu: fate %d does not fit "
			    "its indexes", f->path, i, (int)st->fate);
	}
	return EX_OK;
}

static ex_status
check_model(const ex_manifest *m, ex_error *err)
{
	const ex_manifest_bundle *b = &m->bundle;
	const ex_manifest_request *q = &m->request;
	ex_status st;
	size_t i, j;

	NEED_STR(b->case_ref, "case reference");
	NEED_STR(b->exhibit_ref, "exhibit reference");
	NEED_STR(b->operator_name, "operator");
	NEED_TIME(b->export_time, "export time");
	NEED_STR(b->tool_name, "tool name");
	NEED_STR(b->tool_version, "tool version");
	for (i = 0; i < b->nlibraries; i++) {
		NEED_STR(b->libraries[i].name, "library name");
		NEED_STR(b->libraries[i].version, "library version");
	}
	NEED_STR(b->signer_key_id, "signer key ID");
	NEED_STR(b->signer_public_key, "signer public key");
	NEED_STR(m->recorder.layout, "recorder layout");
	NEED_STR(m->recorder.archive_path, "archive path");
	if (q->ncameras == 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "manifest: the request names no camera");
	for (i = 0; i < q->ncameras; i++)
		NEED_STR(q->cameras[i], "requested camera");
	NEED_TIME(q->from, "request start");
	NEED_TIME(q->to, "request end");
	NEED_STR(q->zone, "request time zone");
	NEED_STR(q->preset, "request preset");
	NEED_STR(q->container, "request container");
	if (q->segment_seconds <= 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "manifest: segment length must be positive");
	if (m->ncameras == 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "manifest: no camera");
	for (i = 0; i < m->ncameras; i++) {
		const ex_manifest_camera *c = &m->cameras[i];

		NEED_STR(c->id, "camera id");
		NEED_TIME(c->requested.from, "camera requested start");
		NEED_TIME(c->requested.to, "camera requested end");
		for (j = 0; j < c->ncoverage; j++) {
			if (ex_manifest_role_name(c->coverage[j].role) == NULL)
				return ex_error_set(err, EX_ERR_USAGE,
				    "manifest: camera %s: unknown coverage "
				    "role", c->id);
		}
		for (j = 0; j < c->ndamage; j++) {
			NEED_STR(c->damage[j].relpath, "damage path");
			NEED_STR(c->damage[j].state, "damage state");
		}
		for (j = 0; j < c->nfiles; j++) {
			if ((st = check_file(c, &c->files[j], err)) != EX_OK)
				return st;
		}
	}
	for (i = 0; i < m->ndocuments; i++) {
		if ((st = check_file(NULL, &m->documents[i], err)) != EX_OK)
			return st;
	}
	return EX_OK;
}

/* ---- writing ---------------------------------------------------------- */

static void
write_range(base_xw *x, const char *name, ex_manifest_range r)
{
	base_xw_start(x, name);
	base_xw_attr_time(x, "from", r.from);
	base_xw_attr_time(x, "to", r.to);
	base_xw_end(x);
}

/* A file's start or end: recorder, true UTC and local readings. */
static void
write_readings(base_xw *x, const char *name, ex_instant t,
    const ex_manifest *m)
{
	const char *zone = m->request.zone;
	char buf[EX_TIME_BUFSZ];
	ex_local_time lt;

	base_xw_start(x, name);
	base_xw_attr_time(x, "recorder",
	    ex_time_true_to_recorder(t, m->recorder.clock_offset_usec));
	base_xw_attr_time(x, "utc", t);
	base_xw_attr(x, "local", base_xml_time_local(t, zone, buf, sizeof(buf)));
	base_xw_attr(x, "zone", zone);
	if (ex_time_local(t, zone, &lt, NULL) != EX_OK)
		snprintf(lt.abbrev, sizeof(lt.abbrev), "UTC");
	base_xw_attr(x, "abbrev", lt.abbrev);
	base_xw_end(x);
}

static void
write_bundle(base_xw *x, const ex_manifest_bundle *b)
{
	size_t i;

	base_xw_start(x, "bundle");
	base_xw_element(x, "case", b->case_ref);
	base_xw_element(x, "exhibit", b->exhibit_ref);
	base_xw_element(x, "operator", b->operator_name);
	base_xw_element(x, "organisation", b->organisation);
	base_xw_element(x, "reason", b->reason);
	base_xw_start(x, "exported");
	base_xw_attr_time(x, "utc", b->export_time);
	base_xw_end(x);
	base_xw_start(x, "tool");
	base_xw_attr(x, "name", b->tool_name);
	base_xw_attr(x, "version", b->tool_version);
	for (i = 0; i < b->nlibraries; i++) {
		base_xw_start(x, "library");
		base_xw_attr(x, "name", b->libraries[i].name);
		base_xw_attr(x, "version", b->libraries[i].version);
		base_xw_end(x);
	}
	base_xw_end(x);
	base_xw_start(x, "signer");
	base_xw_attr(x, "key-id", b->signer_key_id);
	base_xw_element(x, "public-key", b->signer_public_key);
	base_xw_end(x);
	base_xw_end(x);
}

static void
write_recorder(base_xw *x, const ex_manifest_recorder *r)
{
	int64_t off = r->clock_offset_usec;
	uint64_t mag = off < 0 ? (uint64_t)0 - (uint64_t)off : (uint64_t)off;

	base_xw_start(x, "recorder");
	base_xw_attr(x, "layout", r->layout);
	base_xw_element(x, "make", r->make);
	base_xw_element(x, "model", r->model);
	base_xw_element(x, "serial", r->serial);
	base_xw_element(x, "site", r->site);
	base_xw_element(x, "zone", r->zone);
	base_xw_start(x, "clock-offset");
	base_xw_attr_fmt(x, "microseconds", "%" PRId64, off);
	base_xw_attr_fmt(x, "seconds", "%s%" PRIu64 ".%06" PRIu64,
	    off < 0 ? "-" : "", mag / 1000000, mag % 1000000);
	base_xw_element(x, "determined-by", r->clock_offset_by);
	base_xw_element(x, "note", r->clock_offset_note);
	base_xw_end(x);
	base_xw_element(x, "archive", r->archive_path);
	base_xw_end(x);
}

static void
write_request(base_xw *x, const ex_manifest_request *q)
{
	size_t i;

	base_xw_start(x, "request");
	base_xw_attr_time(x, "from", q->from);
	base_xw_attr_time(x, "to", q->to);
	base_xw_attr(x, "zone", q->zone);
	base_xw_attr_fmt(x, "segment-seconds", "%d", q->segment_seconds);
	base_xw_attr(x, "preset", q->preset);
	base_xw_attr_fmt(x, "crf", "%d", q->crf);
	base_xw_attr(x, "container", q->container);
	base_xw_attr(x, "masters", q->no_masters ? "false" : "true");
	base_xw_attr(x, "working", q->no_working ? "false" : "true");
	if (q->allow_empty)
		base_xw_attr(x, "allow-empty", "true");
	for (i = 0; i < q->ncameras; i++)
		base_xw_element(x, "camera", q->cameras[i]);
	base_xw_end(x);
}

/* size, hash and signature: what every file and document has. */
static void
write_integrity(base_xw *x, const ex_manifest_file *f)
{
	char size[32];

	snprintf(size, sizeof(size), "%" PRIu64, f->size);
	base_xw_element(x, "size", size);
	base_xw_start(x, "hash");
	base_xw_attr(x, "algorithm", "sha256");
	if (!x->failed && xmlTextWriterWriteString(x->w,
	    BAD_CAST f->sha256) < 0)
		x->failed = 1;
	base_xw_end(x);
	base_xw_element(x, "signature", f->signature_path);
}

static void
write_document(base_xw *x, const ex_manifest_file *f)
{
	base_xw_start(x, "document");
	base_xw_element(x, "path", f->path);
	write_integrity(x, f);
	base_xw_end(x);
}

static void
write_stream(base_xw *x, const ex_manifest_stream *st)
{
	base_xw_start(x, "stream");
	if (st->index >= 0)
		base_xw_attr_fmt(x, "index", "%d", st->index);
	base_xw_attr(x, "type", st->type);
	base_xw_attr(x, "codec", st->codec);
	base_xw_attr(x, "fate", ex_manifest_fate_name(st->fate));
	if (st->source_index >= 0)
		base_xw_attr_fmt(x, "source-index", "%d", st->source_index);
	base_xw_attr(x, "signatures", st->signatures);
	base_xw_attr(x, "reason", st->reason);
	base_xw_end(x);
}

static void
write_file(base_xw *x, const ex_manifest_file *f, const ex_manifest *m)
{
	size_t i;

	base_xw_start(x, "file");
	base_xw_attr(x, "role", ex_manifest_role_name(f->role));
	base_xw_element(x, "path", f->path);
	base_xw_element(x, "source", f->source_path);
	write_integrity(x, f);
	write_readings(x, "start", f->start, m);
	write_readings(x, "end", f->end, m);
	if (f->requested.from != EX_INSTANT_NONE &&
	    f->requested.to != EX_INSTANT_NONE)
		write_range(x, "requested", f->requested);
	if (f->codec != NULL || f->width > 0 || f->height > 0 ||
	    f->frames >= 0 || f->first_frame != EX_INSTANT_NONE ||
	    f->last_frame != EX_INSTANT_NONE) {
		base_xw_start(x, "video");
		base_xw_attr(x, "codec", f->codec);
		if (f->width > 0)
			base_xw_attr_fmt(x, "width", "%d", f->width);
		if (f->height > 0)
			base_xw_attr_fmt(x, "height", "%d", f->height);
		if (f->frames >= 0)
			base_xw_attr_fmt(x, "frames", "%" PRId64, f->frames);
		base_xw_attr_time(x, "first-frame", f->first_frame);
		base_xw_attr_time(x, "last-frame", f->last_frame);
		base_xw_end(x);
	}
	for (i = 0; i < f->nderived_from; i++)
		base_xw_element(x, "derived-from", f->derived_from[i]);
	if (f->encoder_preset != NULL) {
		base_xw_start(x, "encoder");
		base_xw_attr(x, "preset", f->encoder_preset);
		base_xw_attr_fmt(x, "crf", "%d", f->encoder_crf);
		base_xw_attr_fmt(x, "threads", "%d", f->encoder_threads);
		base_xw_end(x);
	}
	for (i = 0; i < f->nstreams; i++)
		write_stream(x, &f->streams[i]);
	base_xw_end(x);
}

static void
write_camera(base_xw *x, const ex_manifest_camera *c, const ex_manifest *m)
{
	size_t i;

	base_xw_start(x, "camera");
	base_xw_attr(x, "id", c->id);
	base_xw_element(x, "name", c->name);
	base_xw_element(x, "location", c->location);
	write_range(x, "requested", c->requested);
	for (i = 0; i < c->ncoverage; i++) {
		base_xw_start(x, "coverage");
		base_xw_attr_time(x, "from", c->coverage[i].from);
		base_xw_attr_time(x, "to", c->coverage[i].to);
		base_xw_attr(x, "role", ex_manifest_role_name(c->coverage[i].role));
		base_xw_end(x);
	}
	for (i = 0; i < c->ngaps; i++)
		write_range(x, "gap", c->gaps[i]);
	for (i = 0; i < c->ndamage; i++) {
		base_xw_start(x, "damage");
		base_xw_attr(x, "state", c->damage[i].state);
		base_xw_attr_time(x, "time", c->damage[i].time);
		base_xw_element(x, "path", c->damage[i].relpath);
		base_xw_element(x, "message", c->damage[i].message != NULL ?
		    c->damage[i].message : "");
		base_xw_end(x);
	}
	for (i = 0; i < c->nfiles; i++)
		write_file(x, &c->files[i], m);
	base_xw_end(x);
}

ex_status
ex_manifest_write(const ex_manifest *m, char **xml, size_t *len,
    ex_error *err)
{
	ex_status st;
	base_xw x;
	size_t i;

	*xml = NULL;
	*len = 0;
	if ((st = check_model(m, err)) != EX_OK)
		return st;
	if ((st = base_xw_open(&x, "manifest", MANIFEST_NS, err)) != EX_OK)
		return st;
	base_xw_attr(&x, "format", "1");
	write_bundle(&x, &m->bundle);
	write_recorder(&x, &m->recorder);
	write_request(&x, &m->request);
	for (i = 0; i < m->ncameras; i++)
		write_camera(&x, &m->cameras[i], m);
	for (i = 0; i < m->ndocuments; i++)
		write_document(&x, &m->documents[i]);
	base_xw_end(&x);
	return base_xw_close(&x, WHAT, xml, len, err);
}

/* ---- reading ---------------------------------------------------------- */

static void
read_range(ex_xr *r, xmlNodePtr n, ex_manifest_range *out)
{
	out->from = ex_xr_attr_time(r, n, "from");
	out->to = ex_xr_attr_time(r, n, "to");
}

static ex_manifest_role
read_role(ex_xr *r, xmlNodePtr n)
{
	char *s = ex_xr_attr(r, n, "role");
	ex_manifest_role role = EX_ROLE_MASTER;

	if (s != NULL && !role_from_name(s, &role))
		ex_xr_fail(r, EX_ERR_FORMAT, "unknown role '%s'", s);
	free(s);
	return role;
}

static void
read_bundle(ex_xr *r, xmlNodePtr n, ex_manifest_bundle *b)
{
	xmlNodePtr tool, lib, signer;
	ex_manifest_library *l;

	b->case_ref = ex_xr_child_text(r, n, "case");
	b->exhibit_ref = ex_xr_child_text(r, n, "exhibit");
	b->operator_name = ex_xr_child_text(r, n, "operator");
	b->organisation = ex_xr_child_text(r, n, "organisation");
	b->reason = ex_xr_child_text(r, n, "reason");
	b->export_time = ex_xr_attr_time(r, ex_xr_child(n, "exported"), "utc");
	tool = ex_xr_child(n, "tool");
	b->tool_name = ex_xr_attr(r, tool, "name");
	b->tool_version = ex_xr_attr(r, tool, "version");
	for (lib = ex_xr_child(tool, "library"); lib != NULL;
	    lib = ex_xr_next(lib->next, "library")) {
		if ((l = grow(&b->libraries, &b->nlibraries, sizeof(*l),
		    r->err)) == NULL) {
			ex_xr_fail(r, EX_ERR_NOMEM, "out of memory");
			return;
		}
		l->name = ex_xr_attr(r, lib, "name");
		l->version = ex_xr_attr(r, lib, "version");
	}
	signer = ex_xr_child(n, "signer");
	b->signer_key_id = ex_xr_attr(r, signer, "key-id");
	b->signer_public_key = ex_xr_child_text(r, signer, "public-key");
}

static void
read_recorder(ex_xr *r, xmlNodePtr n, ex_manifest_recorder *rec)
{
	xmlNodePtr off = ex_xr_child(n, "clock-offset");

	rec->layout = ex_xr_attr(r, n, "layout");
	rec->make = ex_xr_child_text(r, n, "make");
	rec->model = ex_xr_child_text(r, n, "model");
	rec->serial = ex_xr_child_text(r, n, "serial");
	rec->site = ex_xr_child_text(r, n, "site");
	rec->zone = ex_xr_child_text(r, n, "zone");
	rec->clock_offset_usec = ex_xr_attr_int(r, off, "microseconds", 0);
	rec->clock_offset_by = ex_xr_child_text(r, off, "determined-by");
	rec->clock_offset_note = ex_xr_child_text(r, off, "note");
	rec->archive_path = ex_xr_child_text(r, n, "archive");
}

static int
read_bool(ex_xr *r, xmlNodePtr n, const char *name)
{
	char *s = ex_xr_attr(r, n, name);
	int v = s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);

	free(s);
	return v;
}

static void
read_request(ex_xr *r, xmlNodePtr n, ex_manifest_request *q)
{
	xmlNodePtr c;
	char *id;

	q->from = ex_xr_attr_time(r, n, "from");
	q->to = ex_xr_attr_time(r, n, "to");
	q->zone = ex_xr_attr(r, n, "zone");
	q->segment_seconds = (int)ex_xr_attr_int(r, n, "segment-seconds", 0);
	q->preset = ex_xr_attr(r, n, "preset");
	q->crf = (int)ex_xr_attr_int(r, n, "crf", 0);
	q->container = ex_xr_attr(r, n, "container");
	q->no_masters = !read_bool(r, n, "masters");
	q->no_working = !read_bool(r, n, "working");
	q->allow_empty = read_bool(r, n, "allow-empty");
	for (c = ex_xr_child(n, "camera"); c != NULL;
	    c = ex_xr_next(c->next, "camera")) {
		if ((id = ex_xr_text(r, c)) == NULL)
			return;
		if (ex_manifest_add_string(&q->cameras, &q->ncameras, id,
		    r->err) != EX_OK)
			ex_xr_fail(r, EX_ERR_NOMEM, "out of memory");
		free(id);
	}
}

/* path, size, hash, signature: every file and document. */
static void
read_integrity(ex_xr *r, xmlNodePtr n, ex_manifest_file *f)
{
	xmlNodePtr hash;
	char *s;

	f->path = ex_xr_child_text(r, n, "path");
	if ((s = ex_xr_child_text(r, n, "size")) != NULL) {
		char *end;

		f->size = strtoull(s, &end, 10);
		if (end == s || *end != '\0')
			ex_xr_fail(r, EX_ERR_FORMAT, "%s: bad size '%s'",
			    f->path != NULL ? f->path : "file", s);
		free(s);
	}
	hash = ex_xr_child(n, "hash");
	if ((s = ex_xr_attr(r, hash, "algorithm")) != NULL &&
	    strcmp(s, "sha256") != 0)
		ex_xr_fail(r, EX_ERR_UNSUPPORTED,
		    "%s: hash algorithm '%s' is not supported (only sha256)",
		    f->path != NULL ? f->path : "file", s);
	free(s);
	if ((s = ex_xr_text(r, hash)) != NULL) {
		if (strlen(s) == 64)
			memcpy(f->sha256, s, 65);
		else
			ex_xr_fail(r, EX_ERR_FORMAT, "%s: bad sha256",
			    f->path != NULL ? f->path : "file");
		free(s);
	}
	f->signature_path = ex_xr_child_text(r, n, "signature");
}

static void
read_stream(ex_xr *r, xmlNodePtr n, ex_manifest_file *f)
{
	ex_manifest_stream *st;
	char *fate;
	size_t i;

	if (ex_manifest_add_stream(f, &st, r->err) != EX_OK) {
		ex_xr_fail(r, EX_ERR_NOMEM, "out of memory");
		return;
	}
	st->index = (int)ex_xr_attr_int(r, n, "index", -1);
	st->source_index = (int)ex_xr_attr_int(r, n, "source-index", -1);
	st->type = ex_xr_attr(r, n, "type");
	st->codec = ex_xr_attr(r, n, "codec");
	st->reason = ex_xr_attr(r, n, "reason");
	st->signatures = ex_xr_attr(r, n, "signatures");
	if ((fate = ex_xr_attr(r, n, "fate")) == NULL)
		return;
	for (i = 0; i < sizeof(fate_names) / sizeof(fate_names[0]); i++)
		if (strcmp(fate, fate_names[i]) == 0)
			st->fate = (ex_manifest_fate)i;
	free(fate);
}

static void
read_file(ex_xr *r, xmlNodePtr n, ex_manifest_file *f)
{
	xmlNodePtr video, enc, d;
	char *s;

	f->role = read_role(r, n);
	if (f->role == EX_ROLE_DOCUMENT)
		ex_xr_fail(r, EX_ERR_FORMAT, "a camera's file has role "
		    "'document'");
	read_integrity(r, n, f);
	f->source_path = ex_xr_child_text(r, n, "source");
	f->start = ex_xr_attr_time(r, ex_xr_child(n, "start"), "utc");
	f->end = ex_xr_attr_time(r, ex_xr_child(n, "end"), "utc");
	if ((d = ex_xr_child(n, "requested")) != NULL)
		read_range(r, d, &f->requested);
	if ((video = ex_xr_child(n, "video")) != NULL) {
		f->codec = ex_xr_attr(r, video, "codec");
		f->width = (int)ex_xr_attr_int(r, video, "width", 0);
		f->height = (int)ex_xr_attr_int(r, video, "height", 0);
		f->frames = ex_xr_attr_int(r, video, "frames", -1);
		f->first_frame = ex_xr_attr_time(r, video, "first-frame");
		f->last_frame = ex_xr_attr_time(r, video, "last-frame");
	}
	for (d = ex_xr_child(n, "derived-from"); d != NULL;
	    d = ex_xr_next(d->next, "derived-from")) {
		if ((s = ex_xr_text(r, d)) == NULL)
			return;
		if (ex_manifest_add_string(&f->derived_from,
		    &f->nderived_from, s, r->err) != EX_OK)
			ex_xr_fail(r, EX_ERR_NOMEM, "out of memory");
		free(s);
	}
	if ((enc = ex_xr_child(n, "encoder")) != NULL) {
		f->encoder_preset = ex_xr_attr(r, enc, "preset");
		f->encoder_crf = (int)ex_xr_attr_int(r, enc, "crf", 0);
		f->encoder_threads = (int)ex_xr_attr_int(r, enc, "threads", 0);
	}
	for (d = ex_xr_child(n, "stream"); d != NULL && r->status == EX_OK;
	    d = ex_xr_next(d->next, "stream"))
		read_stream(r, d, f);
}

static void
read_camera(ex_xr *r, xmlNodePtr n, ex_manifest_camera *c)
{
	ex_manifest_coverage *cov;
	ex_manifest_range *gap;
	ex_manifest_damage *dmg;
	ex_manifest_file *f;
	xmlNodePtr k;

	c->id = ex_xr_attr(r, n, "id");
	c->name = ex_xr_child_text(r, n, "name");
	c->location = ex_xr_child_text(r, n, "location");
	read_range(r, ex_xr_child(n, "requested"), &c->requested);
	for (k = ex_xr_child(n, NULL); k != NULL && r->status == EX_OK;
	    k = ex_xr_next(k->next, NULL)) {
		if (xmlStrcmp(k->name, BAD_CAST "coverage") == 0) {
			if ((cov = grow(&c->coverage, &c->ncoverage,
			    sizeof(*cov), r->err)) == NULL)
				break;
			cov->role = read_role(r, k);
			cov->from = ex_xr_attr_time(r, k, "from");
			cov->to = ex_xr_attr_time(r, k, "to");
		} else if (xmlStrcmp(k->name, BAD_CAST "gap") == 0) {
			if ((gap = grow(&c->gaps, &c->ngaps, sizeof(*gap),
			    r->err)) == NULL)
				break;
			read_range(r, k, gap);
		} else if (xmlStrcmp(k->name, BAD_CAST "damage") == 0) {
			if ((dmg = grow(&c->damage, &c->ndamage, sizeof(*dmg),
			    r->err)) == NULL)
				break;
			dmg->state = ex_xr_attr(r, k, "state");
			dmg->time = ex_xr_attr_time(r, k, "time");
			dmg->relpath = ex_xr_child_text(r, k, "path");
			dmg->message = ex_xr_child_text(r, k, "message");
		} else if (xmlStrcmp(k->name, BAD_CAST "file") == 0) {
			if (ex_manifest_add_file(c, &f, r->err) != EX_OK)
				break;
			read_file(r, k, f);
		}
	}
	if (k != NULL && r->status == EX_OK)
		ex_xr_fail(r, EX_ERR_NOMEM, "out of memory");
}

ex_status
ex_manifest_parse(const char *xml, size_t len, ex_manifest **out,
    ex_error *err)
{
	ex_manifest *m = NULL;
	ex_manifest_camera *c;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	ex_status st;
	ex_xr r;

	*out = NULL;
	r.what = WHAT;
	r.err = err;
	r.status = EX_OK;
	if ((st = ex_xml_read(WHAT, xml, len, ex_manifest_xsd_text,
	    ex_manifest_xsd_text_len, &doc, err)) != EX_OK)
		goto out;
	if ((st = ex_manifest_new(&m, err)) != EX_OK)
		goto out;
	root = xmlDocGetRootElement(doc);
	read_bundle(&r, ex_xr_child(root, "bundle"), &m->bundle);
	read_recorder(&r, ex_xr_child(root, "recorder"), &m->recorder);
	read_request(&r, ex_xr_child(root, "request"), &m->request);
	for (n = ex_xr_child(root, "camera"); n != NULL && r.status == EX_OK;
	    n = ex_xr_next(n->next, "camera")) {
		if (ex_manifest_add_camera(m, &c, err) != EX_OK) {
			r.status = EX_ERR_NOMEM;
			break;
		}
		read_camera(&r, n, c);
	}
	for (n = ex_xr_child(root, "document"); n != NULL && r.status == EX_OK;
	    n = ex_xr_next(n->next, "document")) {
		ex_manifest_file *f;

		if (ex_manifest_add_document(m, &f, err) != EX_OK) {
			r.status = EX_ERR_NOMEM;
			break;
		}
		read_integrity(&r, n, f);
	}
	if ((st = r.status) != EX_OK)
		goto out;
	*out = m;
	m = NULL;
out:
	ex_manifest_free(&m);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return st;
}

/*
 * manifest_write.c — ex_manifest_write: the checks a manifest must pass
 * before it is written (every required field, well-formed hashes) and
 * the writer, through the core's one XML writer (xmlwrite_private.h), in
 * the order of schemas/manifest.xsd.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "evidence/xml_private.h"
#include "exhibit/manifest.h"

#define MANIFEST_NS "urn:exhibit:manifest:1"
#define WHAT "manifest.xml"

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

static void
write_disclosure(base_xw *x, const ex_manifest_disclosure *d)
{
	if (!d->present)
		return;
	base_xw_start(x, "disclosure");
	base_xw_attr(x, "kind", d->kind);
	base_xw_attr(x, "purpose", d->purpose);
	base_xw_element(x, "requester", d->requester);
	base_xw_element(x, "requester-organisation", d->requester_org);
	if (d->masks_path != NULL) {
		base_xw_start(x, "masks");
		base_xw_attr(x, "path", d->masks_path);
		base_xw_attr(x, "sha256", d->masks_sha256);
		base_xw_attr_fmt(x, "count", "%d", d->nmasks);
		base_xw_text(x, d->masks_text);
		base_xw_end(x);
	}
	base_xw_start(x, "register");
	if (d->recorded) {
		base_xw_attr_fmt(x, "row", "%" PRId64, d->register_row);
		base_xw_attr(x, "previous", d->register_previous);
	} else {
		base_xw_attr(x, "recorded", "false");
	}
	base_xw_end(x);
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
	if (f->masks != NULL) {
		base_xw_start(x, "masks");
		base_xw_attr(x, "applied", f->masks);
		base_xw_end(x);
	}
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
	write_disclosure(&x, &m->disclosure);
	for (i = 0; i < m->ncameras; i++)
		write_camera(&x, &m->cameras[i], m);
	for (i = 0; i < m->ndocuments; i++)
		write_document(&x, &m->documents[i]);
	base_xw_end(&x);
	return base_xw_close(&x, WHAT, xml, len, err);
}


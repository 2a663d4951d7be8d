/*
 * manifest_read.c — ex_manifest_parse: manifest.xml read with the hardened
 * reader of exhibit's own documents (xml.c), validated against the
 * schema, then walked into the model in the order of schemas/manifest.xsd.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "evidence/xml_private.h"
#include "exhibit/manifest.h"

#define WHAT "manifest.xml"

/* The role named name (ex_manifest_role_name's inverse): 1, or 0 when
 * name is NULL or no role's name. */
static int
role_from_name(const char *name, ex_manifest_role *out)
{
	const char *s;
	int i;

	for (i = 0; name != NULL &&
	    (s = ex_manifest_role_name((ex_manifest_role)i)) != NULL; i++) {
		if (strcmp(name, s) == 0) {
			*out = (ex_manifest_role)i;
			return 1;
		}
	}
	return 0;
}

/* ---- reading ---------------------------------------------------------- */

static void
read_range(evidence_xr *r, xmlNodePtr n, ex_manifest_range *out)
{
	out->from = evidence_xr_attr_time(r, n, "from");
	out->to = evidence_xr_attr_time(r, n, "to");
}

static ex_manifest_role
read_role(evidence_xr *r, xmlNodePtr n)
{
	char *s = evidence_xr_attr(r, n, "role");
	ex_manifest_role role = EX_ROLE_MASTER;

	if (s != NULL && !role_from_name(s, &role))
		evidence_xr_fail(r, EX_ERR_FORMAT, "unknown role '%s'", s);
	free(s);
	return role;
}

static void
read_bundle(evidence_xr *r, xmlNodePtr n, ex_manifest_bundle *b)
{
	xmlNodePtr tool, lib, signer;
	ex_manifest_library *l;

	b->case_ref = evidence_xr_child_text(r, n, "case");
	b->exhibit_ref = evidence_xr_child_text(r, n, "exhibit");
	b->operator_name = evidence_xr_child_text(r, n, "operator");
	b->organisation = evidence_xr_child_text(r, n, "organisation");
	b->reason = evidence_xr_child_text(r, n, "reason");
	b->export_time = evidence_xr_attr_time(r,
	    evidence_xr_child(n, "exported"), "utc");
	tool = evidence_xr_child(n, "tool");
	b->tool_name = evidence_xr_attr(r, tool, "name");
	b->tool_version = evidence_xr_attr(r, tool, "version");
	for (lib = evidence_xr_child(tool, "library"); lib != NULL;
	    lib = evidence_xr_next(lib->next, "library")) {
		if ((l = evidence_push(&b->libraries, &b->nlibraries,
		    sizeof(*l), r->err)) == NULL) {
			evidence_xr_nomem(r);
			return;
		}
		l->name = evidence_xr_attr(r, lib, "name");
		l->version = evidence_xr_attr(r, lib, "version");
	}
	signer = evidence_xr_child(n, "signer");
	b->signer_key_id = evidence_xr_attr(r, signer, "key-id");
	b->signer_public_key = evidence_xr_child_text(r, signer, "public-key");
}

static void
read_recorder(evidence_xr *r, xmlNodePtr n, ex_manifest_recorder *rec)
{
	xmlNodePtr off = evidence_xr_child(n, "clock-offset");

	rec->layout = evidence_xr_attr(r, n, "layout");
	rec->make = evidence_xr_child_text(r, n, "make");
	rec->model = evidence_xr_child_text(r, n, "model");
	rec->serial = evidence_xr_child_text(r, n, "serial");
	rec->site = evidence_xr_child_text(r, n, "site");
	rec->zone = evidence_xr_child_text(r, n, "zone");
	rec->clock_offset_usec = evidence_xr_attr_int(r, off, "microseconds",
	    0);
	rec->clock_offset_by = evidence_xr_child_text(r, off, "determined-by");
	rec->clock_offset_note = evidence_xr_child_text(r, off, "note");
	rec->archive_path = evidence_xr_child_text(r, n, "archive");
}

static int
read_bool(evidence_xr *r, xmlNodePtr n, const char *name)
{
	char *s = evidence_xr_attr(r, n, name);
	int v = s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);

	free(s);
	return v;
}

static void
read_request(evidence_xr *r, xmlNodePtr n, ex_manifest_request *q)
{
	xmlNodePtr c;
	char *id;

	q->from = evidence_xr_attr_time(r, n, "from");
	q->to = evidence_xr_attr_time(r, n, "to");
	q->zone = evidence_xr_attr(r, n, "zone");
	q->segment_seconds = (int)evidence_xr_attr_int(r, n,
	    "segment-seconds", 0);
	q->preset = evidence_xr_attr(r, n, "preset");
	q->crf = (int)evidence_xr_attr_int(r, n, "crf", 0);
	q->container = evidence_xr_attr(r, n, "container");
	q->no_masters = !read_bool(r, n, "masters");
	q->no_working = !read_bool(r, n, "working");
	q->allow_empty = read_bool(r, n, "allow-empty");
	for (c = evidence_xr_child(n, "camera"); c != NULL;
	    c = evidence_xr_next(c->next, "camera")) {
		if ((id = evidence_xr_text(r, c)) == NULL)
			return;
		if (ex_manifest_add_string(&q->cameras, &q->ncameras, id,
		    r->err) != EX_OK)
			evidence_xr_nomem(r);
		free(id);
	}
}

static void
read_disclosure(evidence_xr *r, xmlNodePtr n, ex_manifest_disclosure *d)
{
	xmlNodePtr reg;
	char *prev;

	if (n == NULL)
		return;
	d->present = 1;
	d->kind = evidence_xr_attr(r, n, "kind");
	d->purpose = evidence_xr_attr(r, n, "purpose");
	if ((reg = evidence_xr_child(n, "masks")) != NULL) {
		d->masks_path = evidence_xr_attr(r, reg, "path");
		d->nmasks = (int)evidence_xr_attr_int(r, reg, "count", 0);
		d->masks_text = evidence_xr_text(r, reg);
		if ((prev = evidence_xr_attr(r, reg, "sha256")) != NULL)
			snprintf(d->masks_sha256, sizeof(d->masks_sha256),
			    "%s", prev);
		free(prev);
	}
	d->requester = evidence_xr_child_text(r, n, "requester");
	d->requester_org = evidence_xr_child_text(r, n,
	    "requester-organisation");
	if ((reg = evidence_xr_child(n, "register")) == NULL)
		return;
	d->register_row = evidence_xr_attr_int(r, reg, "row", 0);
	d->recorded = d->register_row > 0;
	if ((prev = evidence_xr_attr(r, reg, "previous")) != NULL)
		snprintf(d->register_previous, sizeof(d->register_previous),
		    "%s", prev);
	free(prev);
}

/* path, size, hash, signature: every file and document. */
static void
read_integrity(evidence_xr *r, xmlNodePtr n, ex_manifest_file *f)
{
	xmlNodePtr hash;
	char *s;

	f->path = evidence_xr_child_text(r, n, "path");
	if ((s = evidence_xr_child_text(r, n, "size")) != NULL) {
		char *end;

		f->size = strtoull(s, &end, 10);
		if (end == s || *end != '\0')
			evidence_xr_fail(r, EX_ERR_FORMAT, "%s: bad size '%s'",
			    f->path != NULL ? f->path : "file", s);
		free(s);
	}
	hash = evidence_xr_child(n, "hash");
	if ((s = evidence_xr_attr(r, hash, "algorithm")) != NULL &&
	    strcmp(s, "sha256") != 0)
		evidence_xr_fail(r, EX_ERR_UNSUPPORTED,
		    "%s: hash algorithm '%s' is not supported (only sha256)",
		    f->path != NULL ? f->path : "file", s);
	free(s);
	if ((s = evidence_xr_text(r, hash)) != NULL) {
		if (strlen(s) == 64)
			memcpy(f->sha256, s, 65);
		else
			evidence_xr_fail(r, EX_ERR_FORMAT, "%s: bad sha256",
			    f->path != NULL ? f->path : "file");
		free(s);
	}
	f->signature_path = evidence_xr_child_text(r, n, "signature");
}

static void
read_stream(evidence_xr *r, xmlNodePtr n, ex_manifest_file *f)
{
	ex_manifest_stream *st;
	const char *name;
	char *fate;
	int i;

	if (ex_manifest_add_stream(f, &st, r->err) != EX_OK) {
		evidence_xr_nomem(r);
		return;
	}
	st->index = (int)evidence_xr_attr_int(r, n, "index", -1);
	st->source_index = (int)evidence_xr_attr_int(r, n, "source-index", -1);
	st->type = evidence_xr_attr(r, n, "type");
	st->codec = evidence_xr_attr(r, n, "codec");
	st->reason = evidence_xr_attr(r, n, "reason");
	st->signatures = evidence_xr_attr(r, n, "signatures");
	if ((fate = evidence_xr_attr(r, n, "fate")) == NULL)
		return;
	for (i = 0; (name = ex_manifest_fate_name((ex_manifest_fate)i)) !=
	    NULL; i++)
		if (strcmp(fate, name) == 0)
			st->fate = (ex_manifest_fate)i;
	free(fate);
}

static void
read_file(evidence_xr *r, xmlNodePtr n, ex_manifest_file *f)
{
	xmlNodePtr video, enc, d;
	char *s;

	f->role = read_role(r, n);
	if (f->role == EX_ROLE_DOCUMENT)
		evidence_xr_fail(r, EX_ERR_FORMAT, "a camera's file has role "
		    "'document'");
	read_integrity(r, n, f);
	f->source_path = evidence_xr_child_text(r, n, "source");
	f->start = evidence_xr_attr_time(r, evidence_xr_child(n, "start"),
	    "utc");
	f->end = evidence_xr_attr_time(r, evidence_xr_child(n, "end"), "utc");
	if ((d = evidence_xr_child(n, "requested")) != NULL)
		read_range(r, d, &f->requested);
	if ((video = evidence_xr_child(n, "video")) != NULL) {
		f->codec = evidence_xr_attr(r, video, "codec");
		f->width = (int)evidence_xr_attr_int(r, video, "width", 0);
		f->height = (int)evidence_xr_attr_int(r, video, "height", 0);
		f->frames = evidence_xr_attr_int(r, video, "frames", -1);
		f->first_frame = evidence_xr_attr_time(r, video, "first-frame");
		f->last_frame = evidence_xr_attr_time(r, video, "last-frame");
	}
	for (d = evidence_xr_child(n, "derived-from"); d != NULL;
	    d = evidence_xr_next(d->next, "derived-from")) {
		if ((s = evidence_xr_text(r, d)) == NULL)
			return;
		if (ex_manifest_add_string(&f->derived_from,
		    &f->nderived_from, s, r->err) != EX_OK)
			evidence_xr_nomem(r);
		free(s);
	}
	if ((enc = evidence_xr_child(n, "encoder")) != NULL) {
		f->encoder_preset = evidence_xr_attr(r, enc, "preset");
		f->encoder_crf = (int)evidence_xr_attr_int(r, enc, "crf", 0);
		f->encoder_threads = (int)evidence_xr_attr_int(r, enc,
		    "threads", 0);
	}
	for (d = evidence_xr_child(n, "stream");
	    d != NULL && r->status == EX_OK;
	    d = evidence_xr_next(d->next, "stream"))
		read_stream(r, d, f);
	if ((d = evidence_xr_child(n, "masks")) != NULL &&
	    (f->masks = evidence_xr_attr(r, d, "applied")) == NULL)
		f->masks = strdup("");
}

static void
read_camera(evidence_xr *r, xmlNodePtr n, ex_manifest_camera *c)
{
	ex_manifest_coverage *cov;
	ex_manifest_range *gap;
	ex_manifest_damage *dmg;
	ex_manifest_file *f;
	xmlNodePtr k;

	c->id = evidence_xr_attr(r, n, "id");
	c->name = evidence_xr_child_text(r, n, "name");
	c->location = evidence_xr_child_text(r, n, "location");
	read_range(r, evidence_xr_child(n, "requested"), &c->requested);
	for (k = evidence_xr_child(n, NULL); k != NULL && r->status == EX_OK;
	    k = evidence_xr_next(k->next, NULL)) {
		if (xmlStrcmp(k->name, BAD_CAST "coverage") == 0) {
			if ((cov = evidence_push(&c->coverage, &c->ncoverage,
			    sizeof(*cov), r->err)) == NULL)
				break;
			cov->role = read_role(r, k);
			cov->from = evidence_xr_attr_time(r, k, "from");
			cov->to = evidence_xr_attr_time(r, k, "to");
		} else if (xmlStrcmp(k->name, BAD_CAST "gap") == 0) {
			if ((gap = evidence_push(&c->gaps, &c->ngaps,
			    sizeof(*gap), r->err)) == NULL)
				break;
			read_range(r, k, gap);
		} else if (xmlStrcmp(k->name, BAD_CAST "damage") == 0) {
			if ((dmg = evidence_push(&c->damage, &c->ndamage,
			    sizeof(*dmg), r->err)) == NULL)
				break;
			dmg->state = evidence_xr_attr(r, k, "state");
			dmg->time = evidence_xr_attr_time(r, k, "time");
			dmg->relpath = evidence_xr_child_text(r, k, "path");
			dmg->message = evidence_xr_child_text(r, k, "message");
		} else if (xmlStrcmp(k->name, BAD_CAST "file") == 0) {
			if (ex_manifest_add_file(c, &f, r->err) != EX_OK)
				break;
			read_file(r, k, f);
		}
	}
	if (k != NULL && r->status == EX_OK)
		evidence_xr_nomem(r);
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
	evidence_xr r;

	*out = NULL;
	if ((st = evidence_xr_start(&r, WHAT, xml, len, ex_manifest_xsd_text,
	    ex_manifest_xsd_text_len, &doc, err)) != EX_OK)
		goto out;
	if ((st = ex_manifest_new(&m, err)) != EX_OK)
		goto out;
	root = xmlDocGetRootElement(doc);
	read_bundle(&r, evidence_xr_child(root, "bundle"), &m->bundle);
	read_recorder(&r, evidence_xr_child(root, "recorder"), &m->recorder);
	read_request(&r, evidence_xr_child(root, "request"), &m->request);
	read_disclosure(&r, evidence_xr_child(root, "disclosure"),
	    &m->disclosure);
	for (n = evidence_xr_child(root, "camera");
	    n != NULL && r.status == EX_OK;
	    n = evidence_xr_next(n->next, "camera")) {
		if (ex_manifest_add_camera(m, &c, err) != EX_OK) {
			r.status = EX_ERR_NOMEM;
			break;
		}
		read_camera(&r, n, c);
	}
	for (n = evidence_xr_child(root, "document");
	    n != NULL && r.status == EX_OK;
	    n = evidence_xr_next(n->next, "document")) {
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


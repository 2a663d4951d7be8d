/*
 * manifest.c — the manifest.xml model: names of roles and fates, the
 * schema, building a manifest (ex_manifest_add_*) and freeing it.  The
 * writer is manifest_write.c, the secure parser manifest_read.c; both
 * follow schemas/manifest.xsd in the same order, one function per complex
 * type.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "evidence/xml_private.h"
#include "exhibit/manifest.h"


static const char *const role_names[] = { "master", "native", "working",
    "still", "document" };

const char *
ex_manifest_role_name(ex_manifest_role role)
{
	if ((unsigned)role >= sizeof(role_names) / sizeof(role_names[0]))
		return NULL;
	return role_names[role];
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
		return base_nomem(err);
	m->bundle.export_time = EX_INSTANT_NONE;
	m->request.from = m->request.to = EX_INSTANT_NONE;
	*out = m;
	return EX_OK;
}

void *
evidence_push(void *array_ptr, size_t *n, size_t size, ex_error *err)
{
	void **array = array_ptr;
	size_t cap = *n;     /* the arrays keep no capacity: what they hold */
	char *p;

	if (base_grow(array, &cap, *n + 1, size, 1) != 0) {
		base_nomem(err);
		return NULL;
	}
	p = *array;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

ex_status
ex_manifest_add_camera(ex_manifest *m, ex_manifest_camera **out,
    ex_error *err)
{
	ex_manifest_camera *c;

	if ((c = evidence_push(&m->cameras, &m->ncameras, sizeof(*c),
	    err)) == NULL)
		return EX_ERR_NOMEM;
	c->requested.from = c->requested.to = EX_INSTANT_NONE;
	*out = c;
	return EX_OK;
}

/* Append a file (no time known yet, frames not counted) to files. */
static ex_status
push_file(ex_manifest_file **files, size_t *n, ex_manifest_file **out,
    ex_error *err)
{
	ex_manifest_file *f;

	if ((f = evidence_push(files, n, sizeof(*f), err)) == NULL)
		return EX_ERR_NOMEM;
	f->start = f->end = EX_INSTANT_NONE;
	f->requested.from = f->requested.to = EX_INSTANT_NONE;
	f->first_frame = f->last_frame = EX_INSTANT_NONE;
	f->frames = -1;
	*out = f;
	return EX_OK;
}

ex_status
ex_manifest_add_file(ex_manifest_camera *cam, ex_manifest_file **out,
    ex_error *err)
{
	return push_file(&cam->files, &cam->nfiles, out, err);
}

ex_status
ex_manifest_add_document(ex_manifest *m, ex_manifest_file **out,
    ex_error *err)
{
	ex_status st;

	if ((st = push_file(&m->documents, &m->ndocuments, out, err)) ==
	    EX_OK)
		(*out)->role = EX_ROLE_DOCUMENT;
	return st;
}

ex_status
ex_manifest_add_stream(ex_manifest_file *f, ex_manifest_stream **out,
    ex_error *err)
{
	ex_manifest_stream *st;

	if ((st = evidence_push(&f->streams, &f->nstreams, sizeof(*st),
	    err)) == NULL)
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
		return base_nomem(err);
	if ((slot = evidence_push(list, n, sizeof(*slot), err)) == NULL) {
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
	free(f->masks);
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
	free(m->disclosure.purpose);
	free(m->disclosure.kind);
	free(m->disclosure.masks_path);
	free(m->disclosure.masks_text);
	free(m->disclosure.requester);
	free(m->disclosure.requester_org);
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


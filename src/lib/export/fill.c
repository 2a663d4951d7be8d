/*
 * fill.c — what goes into the bundle beside each file and into the
 * manifest for it: the signature (its trusted comment), the file's entry,
 * the streams of a derived copy, the native, working and still copies of
 * a camera, damage and coverage, the generated documents and the
 * manifest's fixed parts.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "exhibit/version.h"
#include "export/export_private.h"

/*
 * with it) names the export time, the file, the exhibit and the SHA-256:
 * "timestamp:T<TAB>file:NAME<TAB>hashed<TAB>exhibit:REF<TAB>sha256:HEX".
 * Control characters (TAB included) in the values become '_', so a value
 * can never forge another field.
 */
ex_status
export_sign_digest(const ex_export_request *req, const char *bag_path,
    const ex_digest_result *d, char **sig, size_t *siglen, ex_error *err)
{
	char trusted[2048], hex[EX_SHA256_HEX], name[512], ref[512];
	const char *base = strrchr(bag_path, '/');
	char *p;

	snprintf(name, sizeof(name), "%s", base != NULL ? base + 1 : bag_path);
	snprintf(ref, sizeof(ref), "%s", req->exhibit_ref);
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	for (p = ref; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	snprintf(trusted, sizeof(trusted),
	    "timestamp:%lld\tfile:%s\thashed\texhibit:%s\tsha256:%s",
	    (long long)(req->now / EX_USEC_PER_SEC), name, ref,
	    ex_sha256_hex(d->sha256, hex));
	return ex_sign_digest(req->key, d->blake2b, trusted,
	    "signature from exhibit secret key", sig, siglen, err);
}

ex_status
export_add_signature(struct exporter *x, const char *bag_path,
    const ex_digest_result *d, ex_error *err)
{
	char sigpath[PATH_MAX];
	char *sig = NULL;
	size_t siglen = 0;
	ex_status st;

	if ((st = export_sign_digest(x->req, bag_path, d, &sig, &siglen,
	    err)) != EX_OK)
		return st;
	snprintf(sigpath, sizeof(sigpath), "%s.minisig", bag_path);
	st = ex_bundle_add_buffer(x->w, sigpath, sig, siglen, NULL, err);
	free(sig);
	return st;
}

ex_status
export_fill_file(ex_manifest_file *f, const char *bag_path,
    const ex_digest_result *d, ex_error *err)
{
	char sigpath[PATH_MAX];

	snprintf(sigpath, sizeof(sigpath), "%s.minisig", bag_path);
	f->path = strdup(bag_path);
	f->signature_path = strdup(sigpath);
	if (f->path == NULL || f->signature_path == NULL)
		return base_nomem(err);
	f->size = d->size;
	ex_sha256_hex(d->sha256, f->sha256);
	return EX_OK;
}

/* ---- streams in the manifest ----------------------------------------- */

ex_status
export_add_stream(ex_manifest_file *f, int index, int source_index,
    const char *type, const char *codec, ex_manifest_fate fate,
    const char *reason, unsigned signatures, ex_error *err)
{
	ex_manifest_stream *ms;
	char names[128];

	if (ex_manifest_add_stream(f, &ms, err) != EX_OK)
		return EX_ERR_NOMEM;
	ms->index = index;
	ms->source_index = source_index;
	ms->fate = fate;
	ms->type = strdup(type);
	ms->codec = codec != NULL && codec[0] != '\0' ? strdup(codec) : NULL;
	ms->reason = reason != NULL ? strdup(reason) : NULL;
	if (signatures != 0 && ex_signatures_names(signatures, names,
	    sizeof(names)) > 0)
		ms->signatures = strdup(names);
	if (ms->type == NULL || (codec != NULL && codec[0] != '\0' &&
	    ms->codec == NULL) || (reason != NULL && ms->reason == NULL) ||
	    (signatures != 0 && ms->signatures == NULL))
		return base_nomem(err);
	return EX_OK;
}

/* The segment a derived file was first made from (its in-stream
 * signatures), or NULL. */
static const ex_segment *
first_source(const struct cam_job *job, const ex_media_file *mf)
{
	size_t i;

	if (mf->nsources == 0)
		return NULL;
	for (i = 0; i < job->nsegs; i++)
		if (strcmp(job->segs[i].relpath, mf->sources[0]) == 0)
			return &job->segs[i];
	return NULL;
}

/*
 * A native or working copy's streams, in the file's index order, then the
 * source's streams it left out: what became of each (media.h), the burn-in's
 * text track of a working copy as a stream exhibit added, and for a native
 * copy the signatures its untouched video keeps.
 */
static ex_status
derived_streams(ex_manifest_file *f, const ex_media_file *mf,
    const struct cam_job *job, ex_manifest_role role, ex_error *err)
{
	const ex_segment *src = first_source(job, mf);
	ex_status st;
	size_t i;
	int index, top = -1, cue;

	for (i = 0; i < mf->nstreams; i++)
		if (mf->streams[i].output_index > top)
			top = mf->streams[i].output_index;
	/* The burn-in's text track is stream 1 of a working copy. */
	cue = role == EX_ROLE_WORKING;
	for (i = 0; i < mf->nstreams && cue; i++)
		cue = mf->streams[i].output_index != 1;
	if (cue && top < 1)
		top = 1;
	for (index = 0; index <= top; index++) {
		if (cue && index == 1) {
			if ((st = export_add_stream(f, 1, -1, "subtitle",
			    "mov_text", EX_FATE_ADDED,
			    "the burned-in text of each frame", 0, err)) !=
			    EX_OK)
				return st;
			continue;
		}
		for (i = 0; i < mf->nstreams; i++) {
			const ex_media_stream *ms = &mf->streams[i];
			int video = ms->source_index >= 0 && src != NULL &&
			    (size_t)ms->source_index < src->nstreams &&
			    strcmp(ms->type, "video") == 0 &&
			    ms->fate == EX_MEDIA_KEPT;

			if (ms->output_index != index)
				continue;
			if ((st = export_add_stream(f, index, ms->source_index,
			    ms->type, ms->out_codec[0] != '\0' ?
			    ms->out_codec : ms->codec,
			    ms->fate == EX_MEDIA_KEPT ? EX_FATE_KEPT :
			    EX_FATE_REENCODED, ms->reason,
			    video ? src->signatures : 0, err)) != EX_OK)
				return st;
		}
	}
	for (i = 0; i < mf->nstreams; i++) {
		const ex_media_stream *ms = &mf->streams[i];

		if (ms->output_index >= 0)
			continue;
		if ((st = export_add_stream(f, -1, ms->source_index, ms->type,
		    ms->codec, EX_FATE_LEFT_OUT, ms->reason != NULL ?
		    ms->reason : "not carried", 0, err)) != EX_OK)
			return st;
	}
	return EX_OK;
}

/* The numbers of camera's masks active at some moment of [first, last]
 * (a file's first and last frame), space-separated; NULL for no memory. */
static char *
masks_applied(const ex_mask_set *set, const char *camera, ex_instant first,
    ex_instant last)
{
	base_buf b = BASE_BUF_INIT;
	size_t k;

	for (k = 0; k < set->nmasks; k++) {
		const ex_mask *m = &set->masks[k];
		ex_instant from = m->from, to = m->to;

		if (strcmp(m->camera, camera) != 0)
			continue;
		/* Still shapes are active in [from, to), keys in [from,
		 * to]; NONE is the whole export. */
		if ((from != EX_INSTANT_NONE && last < from) ||
		    (to != EX_INSTANT_NONE && (m->nkeys > 0 ? first > to :
		    first >= to)))
			continue;
		base_buf_printf(&b, "%s%d", b.len > 0 ? " " : "", m->number);
	}
	if (b.len == 0 && !base_buf_failed(&b))
		return strdup("");
	return base_buf_take(&b);
}

/* The files of one media result; report: say so as progress (not while the
 * camera is still encoding, when its line shows the encoder). */
ex_status
export_add_media_files(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, const ex_media_result *r, ex_manifest_role role,
    int report, ex_error *err)
{
	const ex_export_request *req = x->req;
	const char *sub = role == EX_ROLE_NATIVE ? "native" :
	    role == EX_ROLE_STILL ? "still" : "working";
	char bag[PATH_MAX];
	size_t i, k;
	ex_status st;

	if (r == NULL)
		return EX_OK;
	for (i = 0; i < r->nfiles; i++) {
		const ex_media_file *mf = &r->files[i];
		ex_manifest_file *f;
		ex_digest_result d;

		if (export_cancelled(req))
			return ex_error_set(err, EX_ERR_INTERRUPTED,
			    "export interrupted");
		snprintf(bag, sizeof(bag), "data/%s/%s/%s", job->dirname, sub,
		    mf->name);
		/* A preview for index.html from the staged copy before it
		 * goes; the page does without one that cannot be made. */
		if (role == EX_ROLE_WORKING) {
			unsigned char *png = NULL;
			size_t pnglen = 0;

			if (ex_media_thumbnail(mf->path, EX_REPORT_THUMB_WIDTH,
			    &png, &pnglen, NULL) == EX_OK &&
			    (st = ex_report_extras_add_thumb(&x->report, bag,
			    png, pnglen, err)) != EX_OK)
				return st;
		}
		/* Into the bundle; the staged copy goes (a folder bundle
		 * takes it by rename, no copy). */
		if ((st = ex_bundle_add_move(x->w, bag, mf->path, &d, err)) !=
		    EX_OK)
			return st;
		if ((st = export_add_signature(x, bag, &d, err)) != EX_OK)
			return st;
		if ((st = ex_manifest_add_file(mc, &f, err)) != EX_OK)
			return st;
		f->role = role;
		if ((st = export_fill_file(f, bag, &d, err)) != EX_OK)
			return st;
		f->start = mf->first_true;
		f->end = mf->end_true;
		f->first_frame = mf->first_true;
		f->last_frame = mf->last_true;
		f->requested.from = req->from;
		f->requested.to = req->to;
		f->codec = strdup(role == EX_ROLE_WORKING ? "h264" : mf->codec);
		f->width = mf->width;
		f->height = mf->height;
		f->frames = mf->frames;
		for (k = 0; k < mf->nsources; k++) {
			if ((st = ex_manifest_add_string(&f->derived_from,
			    &f->nderived_from, mf->sources[k], err)) != EX_OK)
				return st;
		}
		if (role != EX_ROLE_STILL && (st = derived_streams(f, mf,
		    job, role, err)) != EX_OK)
			return st;
		if (req->masks != NULL && role != EX_ROLE_NATIVE &&
		    (f->masks = masks_applied(req->masks, job->cam->id,
		    mf->first_true, mf->last_true)) == NULL)
			return base_nomem(err);
		if (role == EX_ROLE_WORKING) {
			f->encoder_preset = strdup(req->preset != NULL ?
			    req->preset : EX_MEDIA_DEFAULT_PRESET);
			f->encoder_crf = req->crf >= 0 ? req->crf :
			    EX_MEDIA_DEFAULT_CRF;
			f->encoder_threads = job->threads;
		}
		x->res->files++;
		x->res->bytes += d.size;
		if (req->progress != NULL && report)
			req->progress(req->progress_user, job->index,
			    EX_STAGE_BUNDLE, (int64_t)i + 1,
			    (int64_t)r->nfiles);
	}
	if (r->nfiles > 0 && role != EX_ROLE_STILL && (st =
	    export_add_coverage(job, mc, role, r->actual_from, r->actual_to,
	    err)) != EX_OK)
		return st;
	for (i = 0; i < r->nproblems; i++) {
		const ex_media_problem *p = &r->problems[i];

		if ((st = export_add_damage(job, mc, p->source != NULL ?
		    p->source : "", p->skipped ? "skipped" : "decode-error",
		    p->message, p->at_true, err)) != EX_OK)
			return st;
		export_add_note(x, job->cam->id, "%s (%s): %s", p->source, sub,
		    p->message);
	}
	return EX_OK;
}

ex_status
export_add_stills(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, ex_error *err)
{
	const ex_export_request *req = x->req;
	char when[EX_TIME_BUFSZ];
	size_t k;
	ex_status st;

	for (k = 0; k < req->nstills; k++) {
		const ex_media_result *r = job->stills[k];

		ex_time_format_display(req->stills[k], req->zone, when,
		    sizeof(when));
		if (req->stills[k] < req->from || req->stills[k] >= req->to) {
			if (job->index == 0)
				export_add_note(x, NULL, "--still %s: outside "
				    "the exported range, no still made", when);
			continue;
		}
		if (r == NULL || r->nfiles == 0)
			export_add_note(x, job->cam->id, "--still %s: no "
			    "picture at that time (a gap in the recording)",
			    when);
		if (r == NULL)
			continue;
		if ((st = export_add_media_files(x, job, mc, r, EX_ROLE_STILL,
		    1, err)) != EX_OK)
			return st;
		if (r->nfiles > 0) {
			/* What was asked of it: the instant. */
			mc->files[mc->nfiles - 1].requested.from =
			    req->stills[k];
			mc->files[mc->nfiles - 1].requested.to = req->stills[k];
		}
	}
	return EX_OK;
}

ex_status
export_add_damage(struct cam_job *job, ex_manifest_camera *mc,
    const char *relpath, const char *state, const char *message,
    ex_instant when, ex_error *err)
{
	ex_manifest_damage *dm;

	if (BASE_GROW(mc->damage, job->damagecap, mc->ndamage + 1) != 0)
		return base_nomem(err);
	dm = mc->damage;
	dm[mc->ndamage].relpath = strdup(relpath);
	dm[mc->ndamage].state = strdup(state);
	dm[mc->ndamage].message = strdup(message);
	dm[mc->ndamage].time = when;
	mc->ndamage++;
	return EX_OK;
}

ex_status
export_add_coverage(struct cam_job *job, ex_manifest_camera *mc,
    ex_manifest_role role, ex_instant from, ex_instant to, ex_error *err)
{
	ex_manifest_coverage *c;

	if (BASE_GROW(mc->coverage, job->coveragecap, mc->ncoverage + 1) != 0)
		return base_nomem(err);
	c = mc->coverage;
	c[mc->ncoverage].role = role;
	c[mc->ncoverage].from = from;
	c[mc->ncoverage].to = to;
	mc->ncoverage++;
	return EX_OK;
}

/* ---- documents ----------------------------------------------------------- */

ex_status
export_add_document(struct exporter *x, const char *bag, const void *buf,
    size_t len, ex_error *err)
{
	ex_manifest_file *f;
	ex_digest_result d;
	ex_status st;

	if ((st = ex_bundle_add_buffer(x->w, bag, buf, len, &d, err)) != EX_OK)
		return st;
	if ((st = export_add_signature(x, bag, &d, err)) != EX_OK)
		return st;
	if ((st = ex_manifest_add_document(x->m, &f, err)) != EX_OK)
		return st;
	f->role = EX_ROLE_DOCUMENT;
	if ((st = export_fill_file(f, bag, &d, err)) != EX_OK)
		return st;
	x->res->files++;
	x->res->bytes += d.size;
	return EX_OK;
}

/* ---- the manifest's fixed parts ----------------------------------------- */

ex_status
export_fill_manifest_head(ex_manifest *m, const ex_export_request *req,
    const ex_archive *a, const ex_pubkey *pk, ex_error *err)
{
	ex_lib_version libs[EX_LIB_VERSIONS_MAX];
	char keyid[EX_KEYID_TEXT], b64[EX_PUBKEY_B64_TEXT];
	const char *container = ex_bundle_container_name(req->container);
	int i, n;
	size_t c;
	ex_status st;

	m->bundle.case_ref = export_strdup(req->case_ref);
	m->bundle.exhibit_ref = export_strdup(req->exhibit_ref);
	m->bundle.operator_name = export_strdup(req->operator_name);
	m->bundle.organisation = export_strdup(req->organisation);
	m->bundle.reason = export_strdup(req->reason);
	m->bundle.export_time = req->now;
	m->bundle.tool_name = strdup("exhibit");
	m->bundle.tool_version = strdup(ex_version());
	n = ex_lib_versions(libs, EX_LIB_VERSIONS_MAX);
	m->bundle.libraries = calloc((size_t)n, sizeof(*m->bundle.libraries));
	if (m->bundle.libraries == NULL)
		return base_nomem(err);
	for (i = 0; i < n; i++) {
		m->bundle.libraries[i].name = strdup(libs[i].name);
		m->bundle.libraries[i].version = strdup(libs[i].version);
	}
	m->bundle.nlibraries = (size_t)n;
	m->bundle.signer_key_id = strdup(ex_keyid_format(pk->keyid, keyid,
	    sizeof(keyid)));
	m->bundle.signer_public_key = strdup(ex_pubkey_base64(pk, b64));

	m->recorder.layout = strdup(ex_layout_name(a->layout));
	m->recorder.make = export_strdup(a->recorder.make);
	m->recorder.model = export_strdup(a->recorder.model);
	m->recorder.serial = export_strdup(a->recorder.serial);
	m->recorder.site = export_strdup(a->recorder.site);
	m->recorder.zone = export_strdup(a->recorder.timezone);
	m->recorder.clock_offset_usec = req->clock_offset;
	if (req->clock_offset != 0)
		m->recorder.clock_offset_by = export_strdup(req->operator_name);
	m->recorder.archive_path = export_strdup(req->archive);

	for (c = 0; c < req->ncameras; c++) {
		if ((st = ex_manifest_add_string(&m->request.cameras,
		    &m->request.ncameras, req->cameras[c], err)) != EX_OK)
			return st;
	}
	m->request.from = req->from;
	m->request.to = req->to;
	m->request.zone = strdup(req->zone);
	m->request.segment_seconds = req->segment_seconds;
	m->request.preset = strdup(req->preset != NULL ? req->preset :
	    EX_MEDIA_DEFAULT_PRESET);
	m->request.crf = req->crf >= 0 ? req->crf : EX_MEDIA_DEFAULT_CRF;
	m->request.container = strdup(container);
	m->request.no_masters = req->no_masters;
	m->request.no_working = req->no_working;
	m->request.allow_empty = req->allow_empty != 0;
	m->disclosure.present = 1;
	if (req->purpose != EX_PURPOSE_NONE &&
	    (m->disclosure.purpose = strdup(ex_purpose_name(req->purpose))) ==
	    NULL)
		return base_nomem(err);
	if ((req->requester != NULL && (m->disclosure.requester =
	    strdup(req->requester)) == NULL) || (req->requester_org != NULL &&
	    (m->disclosure.requester_org = strdup(req->requester_org)) ==
	    NULL))
		return base_nomem(err);
	m->disclosure.recorded = !req->no_register;
	if ((m->disclosure.kind = strdup(req->redacted ? "redacted" :
	    "full")) == NULL)
		return base_nomem(err);
	if (req->masks != NULL) {
		ex_digest_result d;

		if ((m->disclosure.masks_path = strdup(EXPORT_MASKS_PATH)) ==
		    NULL)
			return base_nomem(err);
		ex_digest_buffer(req->masks->text, req->masks->len, &d);
		ex_sha256_hex(d.sha256, m->disclosure.masks_sha256);
		m->disclosure.nmasks = (int)req->masks->nmasks;
		if ((m->disclosure.masks_text = strdup(req->masks->text)) ==
		    NULL)
			return base_nomem(err);
	}
	return EX_OK;
}

/*
 * export.c — the main job: archive → timeline → media → evidence → bundle,
 * as ex_export's five phases, the notes it leaves and its result.
 *
 * Threads.  The bundle writer is not thread-safe, so the calling thread
 * owns it: it copies the masters (hashing while copying: masters.c) while
 * worker threads, one camera at a time each, cut the native copies and
 * encode the working copies into a staging folder beside the output (the
 * native cut, demux and mux only, in a thread of its own beside the
 * encoder: pool.c).  Once the masters are in, a thread re-hashes their
 * sources (SHA-256 only: proof that they did not change while they were
 * read) while the calling thread takes in each staged file as soon as it
 * is ready (a camera's native cut while its working copy is still being
 * encoded; a folder bundle takes them by rename, after one read for the
 * digests), signing each from the digest taken as it went in (fill.c).
 * Then it checks the re-hash, writes manifest.xml, its signature and
 * custody.xml, and finishes the bundle (which renames it into place).
 *
 * ex_export runs five phases in turn: open_job, export_start_cameras,
 * take_masters, take_cameras, seal; close_job stops and frees whatever
 * ran, whichever phase failed.  The plan and the checks before any work
 * are plan.c's.
 *
 * Entry order in the bundle is fixed (cameras in request order; masters,
 * then native, then working), so with SOURCE_DATE_EPOCH and the same
 * thread count two exports are byte-identical.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base.h"
#include "exhibit/custody.h"
#include "exhibit/version.h"
#include "export/export_private.h"

/* ---- small helpers ---------------------------------------------------- */

char *
export_strdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

char *
export_safe_name(const char *s)
{
	size_t i, n = strlen(s);
	char *out = malloc(n + 2);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.') ? (char)c : '_';
	}
	out[n] = '\0';
	if (n == 0 || out[0] == '.')
		out[0] = '_';
	if (n == 0)
		out[1] = '\0';
	return out;
}

int
export_cancelled(const ex_export_request *req)
{
	return ex_cancel_requested(req->cancel);
}

ex_status
export_add_note(struct exporter *x, const char *camera, const char *fmt,
    ...)
{
	ex_export_result *res = x->res;
	ex_export_note *n;
	char buf[1024];
	va_list ap;

	if (BASE_GROW(res->notes, x->notecap, res->nnotes + 1) != 0)
		return EX_ERR_NOMEM;
	n = res->notes;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n[res->nnotes].camera = export_strdup(camera);
	n[res->nnotes].message = strdup(buf);
	res->nnotes++;
	return EX_OK;
}

/* ---- the disclosure register -------------------------------------------- */

/* The output as an absolute path (its folder resolved), for the row. */
static char *
absolute_output(const char *output)
{
	const char *slash = strrchr(output, '/');
	char dir[PATH_MAX], *parent, *abs = NULL;

	if ((parent = slash != NULL ? strndup(output, (size_t)(slash - output)) :
	    strdup(".")) == NULL)
		return NULL;
	if (realpath(parent[0] != '\0' ? parent : "/", dir) != NULL &&
	    asprintf(&abs, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir,
	    slash != NULL ? slash + 1 : output) < 0)
		abs = NULL;
	free(parent);
	return abs;
}

/* Open (or make) the register before any work, so that one that cannot
 * be written, or one from a newer exhibit, fails first; and fill what the
 * row knows already. */
static ex_status
open_register(struct exporter *x, ex_error *err)
{
	const ex_export_request *req = x->req;
	ex_register_row *w = &x->row;
	char *path = NULL, tool[64];
	size_t c;
	ex_status st;

	if (req->no_register)
		return EX_OK;
	if (req->register_path != NULL)
		path = strdup(req->register_path);
	else if ((st = ex_register_default_path(&path, err)) != EX_OK)
		return st;
	if (path == NULL)
		return base_nomem(err);
	st = ex_register_open(path, 1, req->cancel, &x->reg, err);
	free(path);
	if (st != EX_OK)
		return st;
	snprintf(tool, sizeof(tool), "exhibit %s", ex_version());
	w->time = req->now;
	w->purpose = req->purpose;
	w->from = req->from;
	w->to = req->to;
	w->holds = (req->no_masters ? 0 : EX_HOLDS_MASTERS) |
	    (req->redacted ? EX_HOLDS_REDACTED : EX_HOLDS_NATIVE) |
	    (req->no_working ? 0 : EX_HOLDS_WORKING);
	if ((w->operator_name = strdup(req->operator_name)) == NULL ||
	    (req->organisation != NULL && (w->organisation =
	    strdup(req->organisation)) == NULL) ||
	    (req->requester != NULL && (w->requester =
	    strdup(req->requester)) == NULL) ||
	    (req->requester_org != NULL && (w->requester_org =
	    strdup(req->requester_org)) == NULL) ||
	    (w->case_ref = strdup(req->case_ref)) == NULL ||
	    (w->exhibit_ref = strdup(req->exhibit_ref)) == NULL ||
	    (req->reason != NULL && (w->reason = strdup(req->reason)) ==
	    NULL) || (w->container = strdup(ex_bundle_container_name(
	    req->container))) == NULL || (w->tool = strdup(tool)) == NULL ||
	    (w->bundle = absolute_output(req->output)) == NULL ||
	    (w->cameras = calloc(req->ncameras, sizeof(*w->cameras))) == NULL)
		return base_nomem(err);
	for (c = 0; c < req->ncameras; c++, w->ncameras++)
		if ((w->cameras[c] = strdup(req->cameras[c])) == NULL)
			return base_nomem(err);
	if ((x->res->register_path = strdup(ex_register_path(x->reg))) == NULL)
		return base_nomem(err);
	return EX_OK;
}

/* ---- the phases ---------------------------------------------------------- */

/*
 * Phase 1: check the request, take its plan (the caller's, or one made
 * here: the archive read, only the requested cameras, an unknown one a
 * usage error naming those there are), refuse a camera with no footage
 * unless allow_empty, open the bundle and the staging folder (so an
 * unusable output fails before any work) and select each camera's files.
 */
static ex_status
open_job(struct exporter *x, ex_error *err)
{
	const ex_export_request *req = x->req;
	ex_bundle_options bopt;
	ex_bag_field *fields = NULL;
	size_t nfields = 0;
	char top[128];
	size_t c, d, maxchecks = 0;
	ex_status st;

	if ((st = export_check_request(req, err)) != EX_OK)
		return st;
	if ((x->res = calloc(1, sizeof(*x->res))) == NULL)
		return base_nomem(err);
	if (req->plan != NULL) {
		if (!export_plan_matches(req->plan, req))
			return ex_error_set(err, EX_ERR_USAGE,
			    "the plan given is not of this request");
		x->plan = req->plan;
	} else {
		if ((st = ex_export_prepare(req, &x->own_plan, err)) != EX_OK)
			return st;
		x->plan = x->own_plan;
	}
	x->archive = x->plan->archive;
	for (c = 0; c < req->ncameras; c++) {
		char a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ];

		if (x->plan->cameras[c].empty && !req->allow_empty)
			return ex_error_set(err, EX_ERR_USAGE,
			    "%s: no footage from %s to %s; nothing written "
			    "(an export that documents the absence must say "
			    "so: --allow-empty)", req->cameras[c],
			    ex_time_format_utc(req->from, a, sizeof(a)),
			    ex_time_format_utc(req->to, b, sizeof(b)));
	}

	ex_seckey_pubkey(req->key, &x->pk);
	ex_keyid_format(x->pk.keyid, x->res->signer_key_id,
	    sizeof(x->res->signer_key_id));
	if ((st = open_register(x, err)) != EX_OK)
		return st;
	/* bag-info.txt is not signed: it says exactly what the manifest
	 * will, so verify can require it (ex_bundle_exhibit_bag_info). */
	if ((st = ex_bundle_exhibit_bag_info(req->organisation,
	    req->operator_name, req->case_ref, req->exhibit_ref, req->now,
	    ex_version(), &fields, &nfields, err)) != EX_OK)
		return st;
	memset(&bopt, 0, sizeof(bopt));
	bopt.mtime = req->now / EX_USEC_PER_SEC;
	bopt.bag_info = fields;
	bopt.nbag_info = nfields;
	ex_bundle_top_name(req->exhibit_ref, top, sizeof(top));
	st = ex_bundle_writer_open(req->output, req->container, top, &bopt,
	    &x->w, err);
	ex_bundle_bag_info_free(&fields, nfields);
	if (st != EX_OK)
		return st;
	/* A staging folder beside the output: ".<name>.staging-XXXXXX". */
	if ((st = base_sibling_dir(req->output, "staging", &x->stage, err)) !=
	    EX_OK)
		return st;

	if ((x->jobs = calloc(req->ncameras, sizeof(*x->jobs))) == NULL)
		return base_nomem(err);
	for (c = 0; c < req->ncameras; c++) {
		struct cam_job *job = &x->jobs[c];
		char path[PATH_MAX];

		job->req = req;
		job->pool = &x->pool;
		job->index = (int)c;
		job->stop = &x->stop;
		job->cam = x->plan->cameras[c].camera;
		if ((job->dirname = export_safe_name(job->cam->id)) == NULL)
			return base_nomem(err);
		for (d = 0; d < c; d++) {
			if (strcmp(job->dirname, x->jobs[d].dirname) == 0)
				return ex_error_set(err, EX_ERR_USAGE,
				    "camera '%s' is named twice",
				    req->cameras[c]);
		}
		if ((st = export_select_segments(job->cam,
		    ex_time_true_to_recorder(req->from, req->clock_offset),
		    ex_time_true_to_recorder(req->to, req->clock_offset),
		    &job->segs, &job->nsegs, err)) != EX_OK)
			return st;
		maxchecks += job->nsegs;
		if (req->nstills > 0 && (job->stills = calloc(req->nstills,
		    sizeof(*job->stills))) == NULL)
			return base_nomem(err);
		snprintf(path, sizeof(path), "%s/%zu", x->stage, c);
		if (mkdir(path, 0700) != 0 || (job->stage = strdup(path)) ==
		    NULL)
			return ex_error_errno(err, "%s", path);
	}
	if ((x->checks = calloc(maxchecks + 1, sizeof(*x->checks))) == NULL)
		return base_nomem(err);
	return EX_OK;
}

/* Phase 3, while the cameras work: the manifest's head, each camera's
 * entry and its masters (hashed as they are copied in); then the re-hash
 * of the masters' sources starts beside what follows. */
static ex_status
take_masters(struct exporter *x, ex_error *err)
{
	const ex_export_request *req = x->req;
	size_t c;
	ex_status st;

	if ((st = ex_manifest_new(&x->m, err)) != EX_OK)
		return st;
	if ((st = export_fill_manifest_head(x->m, req, x->archive, &x->pk,
	    err)) != EX_OK)
		return st;
	for (c = 0; c < req->ncameras; c++) {
		struct cam_job *job = &x->jobs[c];
		ex_manifest_camera *mc;

		if ((st = ex_manifest_add_camera(x->m, &mc, err)) != EX_OK)
			return st;
		mc->id = strdup(job->cam->id);
		mc->name = export_strdup(job->cam->name);
		mc->location = export_strdup(job->cam->location);
		mc->requested.from = req->from;
		mc->requested.to = req->to;
		if ((st = export_range_gaps(&x->plan->cameras[c], mc, err)) !=
		    EX_OK)
			return st;
		if (job->nsegs == 0)
			export_add_note(x, job->cam->id, "no footage in the "
			    "range: the bundle documents its absence "
			    "(--allow-empty)");
		st = req->no_masters ? export_add_scan_damage(x, job, mc, err) :
		    export_add_masters(x, job, mc, err);
		if (st != EX_OK)
			return st;
	}
	x->rc.req = req;
	x->rc.stop = &x->stop;
	x->rc.checks = x->checks;
	x->rc.nchecks = x->nchecks;
	export_recheck_start(&x->rc);
	return EX_OK;
}

/*
 * Phase 4: each camera's files as soon as they are ready, in the fixed
 * order (cameras in request order; native, working, stills), so a
 * camera's native cut goes in while its working copy is still being
 * encoded.  A camera that failed stops the intake; joining the workers
 * then says which one it was.
 */
static ex_status
take_cameras(struct exporter *x, ex_error *err)
{
	const ex_export_request *req = x->req;
	size_t c;
	int finished;
	ex_status st;

	for (c = 0; c < req->ncameras; c++) {
		struct cam_job *job = &x->jobs[c];
		ex_manifest_camera *mc = &x->m->cameras[c];

		export_wait_camera(job, 1);
		if (export_camera_failed(job, 1, &finished) ||
		    export_cancelled(req))
			break;
		if ((st = export_add_media_files(x, job, mc, job->native,
		    EX_ROLE_NATIVE, finished, err)) != EX_OK)
			return st;
		export_wait_camera(job, 0);
		if (export_camera_failed(job, 0, &finished) ||
		    export_cancelled(req))
			break;
		if ((st = export_add_media_files(x, job, mc, job->working,
		    EX_ROLE_WORKING, 1, err)) != EX_OK)
			return st;
		if ((st = export_add_stills(x, job, mc, err)) != EX_OK)
			return st;
	}
	if ((st = export_join_cameras(x, EX_OK, err)) != EX_OK)
		return st;
	if (export_cancelled(req))
		return ex_error_set(err, EX_ERR_INTERRUPTED,
		    "export interrupted");
	return EX_OK;
}

/* index.html and README.txt, from the manifest so far. */
static ex_status
add_pages(struct exporter *x, ex_error *err)
{
	const ex_export_request *req = x->req;
	char *page = NULL;
	size_t pagelen = 0;
	ex_status st;

	if ((st = ex_report_extras_add_event(&x->report, 1, req->now,
	    req->operator_name, "exported", req->reason,
	    x->res->signer_key_id, err)) != EX_OK)
		return st;
	if ((st = ex_report_html(x->m, &x->report, &page, &pagelen, err)) !=
	    EX_OK)
		return st;
	st = export_add_document(x, "data/index.html", page, pagelen, err);
	free(page);
	page = NULL;
	if (st != EX_OK)
		return st;
	if ((st = ex_report_readme(x->m, &x->report, &page, &pagelen, err)) !=
	    EX_OK)
		return st;
	st = export_add_document(x, "data/README.txt", page, pagelen, err);
	free(page);
	return st;
}

/*
 * Phase 5: once the sources are known unchanged: the pages a person
 * reads, the signer's key and the schemas, manifest.xml signed over its
 * raw bytes, custody.xml with event 1 (the export), and the bundle
 * finished (renamed into place).
 */
static ex_status
seal(struct exporter *x, ex_error *err)
{
	const ex_export_request *req = x->req;
	ex_custody *custody = NULL;
	ex_digest_result md;
	const char *xsd;
	char *buf = NULL;
	size_t len = 0;
	ex_status st;

	if ((st = export_recheck_finish(&x->rc, err)) != EX_OK)
		return st;
	if ((st = add_pages(x, err)) != EX_OK)
		return st;
	if ((st = ex_pubkey_format(&x->pk, "exhibit bundle signer", &buf,
	    &len, err)) != EX_OK)
		return st;
	st = export_add_document(x, "data/signer.pub", buf, len, err);
	free(buf);
	buf = NULL;
	if (st != EX_OK)
		return st;
	xsd = ex_manifest_xsd(&len);
	if ((st = export_add_document(x, "data/schemas/manifest.xsd", xsd, len,
	    err)) != EX_OK)
		return st;
	xsd = ex_custody_xsd(&len);
	if ((st = export_add_document(x, "data/schemas/custody.xsd", xsd, len,
	    err)) != EX_OK)
		return st;
	/* The masks drawn, byte for byte as the operator wrote them, and
	 * their schema: a reader can see what was hidden and check it. */
	if (req->masks != NULL && ((st = export_add_document(x,
	    EXPORT_MASKS_PATH, req->masks->text, req->masks->len, err)) !=
	    EX_OK || (st = export_add_document(x, EXPORT_MASKS_XSD_PATH,
	    (xsd = ex_mask_xsd(&len)), len, err)) != EX_OK))
		return st;

	/* The register's write lock from here to the commit: the manifest
	 * names the row's number and the hash it is chained on. */
	if (x->reg != NULL) {
		if ((st = ex_register_begin(x->reg, &x->row.row,
		    x->row.previous, err)) != EX_OK)
			return st;
		x->m->disclosure.register_row = x->row.row;
		memcpy(x->m->disclosure.register_previous, x->row.previous,
		    sizeof(x->row.previous));
	}
	if ((st = ex_manifest_write(x->m, &buf, &len, err)) != EX_OK)
		return st;
	st = ex_bundle_add_buffer(x->w, "manifest.xml", buf, len, &md, err);
	free(buf);
	buf = NULL;
	if (st != EX_OK)
		return st;
	ex_sha256_hex(md.sha256, x->res->manifest_sha256);
	if ((st = export_sign_digest(req, "manifest.xml", &md, &buf, &len,
	    err)) != EX_OK)
		return st;
	st = ex_bundle_add_buffer(x->w, "manifest.xml.minisig", buf, len, NULL,
	    err);
	free(buf);
	buf = NULL;
	if (st != EX_OK)
		return st;

	if ((st = ex_custody_new(req->exhibit_ref, &custody, err)) == EX_OK &&
	    (st = ex_custody_append(custody, req->key, req->operator_name,
	    "exported", req->reason, req->now, md.sha256, err)) == EX_OK &&
	    (st = ex_custody_write(custody, &buf, &len, err)) == EX_OK)
		st = ex_bundle_add_buffer(x->w, "custody.xml", buf, len, NULL,
		    err);
	free(buf);
	ex_custody_free(&custody);
	if (st != EX_OK)
		return st;
	if ((st = ex_bundle_seal(x->w, &x->row.bytes, err)) != EX_OK)
		return st;
	/* The last moment a signal stops the export: after the row is
	 * committed the bundle is released whatever comes. */
	if (export_cancelled(req))
		return ex_error_set(err, EX_ERR_INTERRUPTED,
		    "export interrupted");
	if (x->reg != NULL) {
		memcpy(x->row.manifest_sha256, x->res->manifest_sha256,
		    sizeof(x->row.manifest_sha256));
		if ((st = ex_register_append(x->reg, &x->row, req->key, err)) !=
		    EX_OK)
			return st;
		x->res->register_row = x->row.row;
	}
	if ((st = ex_bundle_finish(x->w, err)) != EX_OK && x->reg != NULL) {
		ex_error e2, first;

		/* Never a row for a bundle that was not released. */
		ex_error_clear(&first);
		if (err != NULL)
			first = *err;
		if (ex_register_retract(x->reg, x->row.row, req->key, &e2) !=
		    EX_OK)
			ex_error_set(err, st, "%s; and its row %lld could not "
			    "be taken out of the register %s: %s",
			    first.message, (long long)x->row.row,
			    ex_register_path(x->reg), e2.message);
		x->res->register_row = 0;
	}
	return st;
}

/* Stop and join whatever still runs; remove what is not the bundle. */
static void
close_job(struct exporter *x, ex_status st)
{
	size_t c, k;

	if (st != EX_OK)
		ex_cancel_request(&x->stop);    /* the cameras, the re-hash */
	(void)export_join_cameras(x, st, NULL);
	(void)export_recheck_finish(&x->rc, NULL);
	free(x->threads);
	pthread_cond_destroy(&x->pool.changed);
	pthread_mutex_destroy(&x->pool.lock);
	ex_bundle_writer_free(&x->w);
	if (x->stage != NULL) {
		(void)base_remove_tree(x->stage);
		free(x->stage);
	}
	for (c = 0; x->jobs != NULL && c < x->req->ncameras; c++) {
		struct cam_job *job = &x->jobs[c];

		free(job->dirname);
		free(job->segs);
		free(job->stage);
		ex_media_result_free(&job->native);
		ex_media_result_free(&job->working);
		for (k = 0; job->stills != NULL && k < x->req->nstills; k++)
			ex_media_result_free(&job->stills[k]);
		free(job->stills);
	}
	free(x->jobs);
	free(x->checks);
	ex_report_extras_clear(&x->report);
	ex_register_close(&x->reg);             /* an open write: rolled back */
	ex_register_row_clear(&x->row);
	ex_manifest_free(&x->m);
	ex_export_plan_free(&x->own_plan);
	ex_export_result_free(&x->res);
}

ex_status
ex_export(const ex_export_request *req, ex_export_result **out,
    ex_error *err)
{
	struct exporter *x;
	ex_status st;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return base_nomem(err);
	x->reqv = *req;
	x->req = &x->reqv;
	if (x->reqv.zone == NULL)
		x->reqv.zone = EX_TIME_DEFAULT_ZONE;
	if (x->reqv.segment_seconds == 0)
		x->reqv.segment_seconds = EX_EXPORT_DEFAULT_SEGMENT;
	/* A redacted disclosure holds no unredacted picture: no masters
	 * (and no native copies: pool.c). */
	if (x->reqv.redacted)
		x->reqv.no_masters = 1;
	pthread_mutex_init(&x->pool.lock, NULL);
	pthread_cond_init(&x->pool.changed, NULL);

	if ((st = open_job(x, err)) == EX_OK &&
	    (st = export_start_cameras(x, err)) == EX_OK &&
	    (st = take_masters(x, err)) == EX_OK &&
	    (st = take_cameras(x, err)) == EX_OK &&
	    (st = seal(x, err)) == EX_OK) {
		if (req->progress != NULL)
			req->progress(req->progress_user, -1, EX_STAGE_DONE,
			    1, 1);
		*out = x->res;
		x->res = NULL;
	}
	close_job(x, st);
	free(x);
	return st;
}

void
ex_export_result_free(ex_export_result **res)
{
	size_t i;

	if (res == NULL || *res == NULL)
		return;
	for (i = 0; i < (*res)->nnotes; i++) {
		free((*res)->notes[i].camera);
		free((*res)->notes[i].message);
	}
	free((*res)->notes);
	free((*res)->register_path);
	free(*res);
	*res = NULL;
}

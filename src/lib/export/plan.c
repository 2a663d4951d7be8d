/*
 * plan.c — the plan of an export before any work: the quick checks of a
 * request (what needs no key, then what does), the coverage of each camera
 * in the range (holes, footage, the nearest recordings) and the segments
 * each camera contributes.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "export/export_private.h"

/* ---- selecting segments ------------------------------------------------ */

/*
 * The segments of cam that overlap the range [from, to) on the recorder's
 * clock.  An unreadable segment has no trustworthy end; it is taken when
 * it starts inside the range or less than the camera's longest segment
 * before it, so a damaged file that may hold part of the range is still
 * kept as a master.
 */
ex_status
export_select_segments(const ex_camera *cam, ex_instant from,
    ex_instant to, ex_segment **out, size_t *nout, ex_error *err)
{
	ex_instant longest = 60 * EX_USEC_PER_SEC;
	size_t i, n = 0;
	ex_segment *v;

	for (i = 0; i < cam->nsegments; i++) {
		const ex_segment *s = &cam->segments[i];

		if (s->state != EX_SEG_UNREADABLE && s->end > s->start &&
		    s->end - s->start > longest)
			longest = s->end - s->start;
	}
	v = calloc(cam->nsegments + 1, sizeof(*v));
	if (v == NULL)
		return base_nomem(err);
	for (i = 0; i < cam->nsegments; i++) {
		const ex_segment *s = &cam->segments[i];
		int take;

		if (s->start == EX_INSTANT_NONE)
			continue;
		if (s->state == EX_SEG_UNREADABLE || s->end <= s->start)
			take = s->start < to && s->start >= from - longest;
		else
			take = s->start < to && s->end > from;
		if (take)
			v[n++] = *s;
	}
	*out = v;
	*nout = n;
	return EX_OK;
}

/*
 * Where cam's recordings begin and end, and the nearest ones around
 * [from, to) (recorder clock), as true times.  The plan's archive lists
 * only the files around the range, so for a camera with nothing in it
 * (the operator is told what it does hold) the camera is read again
 * whole, as a scan reads it: by names and the segment index, without
 * opening every file.
 */
static void
plan_holdings(const ex_export_request *req, const ex_camera *cam, int again,
    ex_instant from, ex_instant to, ex_export_coverage *cov)
{
	ex_archive_options aopt;
	ex_archive *whole = NULL;
	const ex_camera *wc;
	int64_t offset = req->clock_offset;
	size_t i;

	memset(&aopt, 0, sizeof(aopt));
	aopt.camera = cam->id;
	aopt.summary = 1;
	aopt.no_cache = req->no_cache;
	aopt.jobs = req->jobs > 0 ? (unsigned)req->jobs : 0;
	if (!again || ex_archive_open(req->archive, &aopt, &whole, NULL) !=
	    EX_OK || (wc = ex_archive_camera(whole, cam->id)) == NULL)
		wc = cam;
	if (wc->ncovered > 0) {
		cov->first = ex_time_recorder_to_true(wc->covered[0].start,
		    offset);
		cov->last = ex_time_recorder_to_true(
		    wc->covered[wc->ncovered - 1].end, offset);
	}
	for (i = 0; i < wc->ncovered; i++) {
		const ex_span *sp = &wc->covered[i];

		if (sp->end <= from) {
			cov->before.start = ex_time_recorder_to_true(sp->start,
			    offset);
			cov->before.end = ex_time_recorder_to_true(sp->end,
			    offset);
		} else if (sp->start >= to &&
		    cov->after.start == EX_INSTANT_NONE) {
			cov->after.start = ex_time_recorder_to_true(sp->start,
			    offset);
			cov->after.end = ex_time_recorder_to_true(sp->end,
			    offset);
		}
	}
	ex_archive_free(&whole);
}

/*
 * What cam holds for [from, to) (recorder clock), as true times: every
 * hole in the range, the footage there is, the nearest recordings.
 */
static ex_status
plan_camera(const ex_export_request *req, const ex_camera *cam,
    ex_instant from, ex_instant to, ex_export_coverage *cov, ex_error *err)
{
	int64_t offset = req->clock_offset;
	ex_instant cursor = from;
	int64_t missing = 0;
	ex_segment *segs = NULL;
	size_t i, nsegs = 0, gapcap = 0;
	ex_status st;

	cov->camera = cam;
	cov->first = cov->last = EX_INSTANT_NONE;
	cov->before.start = cov->before.end = EX_INSTANT_NONE;
	cov->after.start = cov->after.end = EX_INSTANT_NONE;
	for (i = 0; i <= cam->ncovered; i++) {
		ex_instant s = i < cam->ncovered ? cam->covered[i].start : to;
		ex_instant e = i < cam->ncovered ? cam->covered[i].end : to;
		ex_span *g;

		if (s > to)
			s = to;
		if (s > cursor) {
			if (BASE_GROW(cov->gaps, gapcap, cov->ngaps + 1) != 0)
				return base_nomem(err);
			g = cov->gaps;
			g[cov->ngaps].start = ex_time_recorder_to_true(cursor,
			    offset);
			g[cov->ngaps].end = ex_time_recorder_to_true(s, offset);
			cov->ngaps++;
			missing += s - cursor;
		}
		if (e > cursor)
			cursor = e;
		if (cursor >= to)
			break;
	}
	cov->covered = (to - from) - missing;
	/* The same choice of files as the export's. */
	if ((st = export_select_segments(cam, from, to, &segs, &nsegs, err)) !=
	    EX_OK)
		return st;
	free(segs);
	cov->nsegments = nsegs;
	cov->empty = nsegs == 0;
	plan_holdings(req, cam, nsegs == 0, from, to, cov);
	return EX_OK;
}

ex_status
export_range_gaps(const ex_export_coverage *cov, ex_manifest_camera *mc,
    ex_error *err)
{
	size_t i;

	if (cov->ngaps == 0)
		return EX_OK;
	if ((mc->gaps = calloc(cov->ngaps, sizeof(*mc->gaps))) == NULL)
		return base_nomem(err);
	for (i = 0; i < cov->ngaps; i++) {
		mc->gaps[i].from = cov->gaps[i].start;
		mc->gaps[i].to = cov->gaps[i].end;
	}
	mc->ngaps = cov->ngaps;
	return EX_OK;
}

/* ---- the checks -------------------------------------------------------- */

/*
 * The output must not exist, and its folder must exist and take a new
 * entry: said now, in those words, not as a failure to make a temporary
 * file once the work has begun.
 */
static ex_status
check_output(const char *output, ex_error *err)
{
	struct stat st;
	char *path, *slash;
	const char *dir;
	ex_status rv = EX_OK;

	if (lstat(output, &st) == 0)
		return ex_error_set(err, EX_ERR_EXISTS,
		    "%s: already exists; exhibit never overwrites a bundle",
		    output);
	if (errno != ENOENT && errno != ENOTDIR)
		return ex_error_errno(err, "%s", output);
	if ((path = strdup(output)) == NULL)
		return base_nomem(err);
	/* "out/" names the folder bundle "out". */
	while (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	if ((slash = strrchr(path, '/')) == NULL) {
		dir = ".";
	} else {
		if (slash == path)
			slash++;
		*slash = '\0';
		dir = path;
	}
	if (stat(dir, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			rv = ex_error_set(err, EX_ERR_IO, "cannot write %s: "
			    "the folder %s does not exist", output, dir);
		else
			rv = ex_error_errno(err, "cannot write %s: the folder "
			    "%s", output, dir);
	} else if (!S_ISDIR(st.st_mode)) {
		rv = ex_error_set(err, EX_ERR_IO, "cannot write %s: %s is not "
		    "a folder", output, dir);
	} else if (access(dir, W_OK | X_OK) != 0) {
		rv = ex_error_errno(err, "cannot write %s: the folder %s is "
		    "not writable", output, dir);
	}
	free(path);
	return rv;
}

/* What ex_export_prepare checks: everything that needs no key. */
static ex_status
check_plan_request(const ex_export_request *req, ex_error *err)
{
	size_t c, d;
	ex_status st;

	if (req->archive == NULL || req->output == NULL ||
	    req->ncameras == 0 || req->cameras == NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "archive, output and camera are required");
	for (c = 0; c < req->ncameras; c++) {
		if (req->cameras[c] == NULL || req->cameras[c][0] == '\0')
			return ex_error_set(err, EX_ERR_USAGE,
			    "an empty camera name");
		for (d = 0; d < c; d++) {
			if (strcmp(req->cameras[c], req->cameras[d]) == 0)
				return ex_error_set(err, EX_ERR_USAGE,
				    "camera '%s' is named twice",
				    req->cameras[c]);
		}
	}
	if (req->from >= req->to)
		return ex_error_set(err, EX_ERR_USAGE,
		    "--from must be before --to");
	if (req->redacted && req->masks == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "--disclosure redacted "
		    "needs --mask FILE: without masks nothing would be "
		    "redacted");
	if (req->masks != NULL && req->no_working)
		return ex_error_set(err, EX_ERR_USAGE, "--mask with "
		    "--no-working: masks are drawn in the working copies, and "
		    "there would be none");
	if ((st = ex_time_zone_check(req->zone, err)) != EX_OK)
		return st;
	{
		ex_container named;

		if (ex_bundle_container_from_name(req->output, &named) &&
		    named != req->container)
			return ex_error_set(err, EX_ERR_USAGE,
			    "%s: the name says %s but --container is %s; a "
			    "bundle's name must not lie about its content",
			    req->output, ex_bundle_container_name(named),
			    ex_bundle_container_name(req->container));
	}
	return check_output(req->output, err);
}

ex_status
export_check_request(const ex_export_request *req, ex_error *err)
{
	if (req->key == NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "archive, output, camera and key are required");
	if (req->case_ref == NULL || req->case_ref[0] == '\0' ||
	    req->exhibit_ref == NULL || req->exhibit_ref[0] == '\0' ||
	    req->operator_name == NULL || req->operator_name[0] == '\0')
		return ex_error_set(err, EX_ERR_USAGE,
		    "--case, --exhibit and --operator are required");
	if (req->segment_seconds <= 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "--segment must be a positive number of seconds");
	return check_plan_request(req, err);
}

/* ---- the plan ----------------------------------------------------------- */

void
ex_export_plan_free(ex_export_plan **plan)
{
	size_t c;

	if (plan == NULL || *plan == NULL)
		return;
	for (c = 0; (*plan)->cameras != NULL && c < (*plan)->ncameras; c++)
		free((*plan)->cameras[c].gaps);
	free((*plan)->cameras);
	free((*plan)->archive_path);
	ex_archive_free(&(*plan)->archive);
	free(*plan);
	*plan = NULL;
}

/* The masks against the cameras (each one's picture as displayed, from
 * its first readable file in the range) and the range. */
static ex_status
check_masks(const ex_export_request *req, const ex_export_plan *p,
    ex_error *err)
{
	ex_mask_camera *mc;
	ex_instant from = ex_time_true_to_recorder(req->from,
	    req->clock_offset);
	ex_instant to = ex_time_true_to_recorder(req->to, req->clock_offset);
	size_t c, k;
	ex_status st = EX_OK;

	if ((mc = calloc(req->ncameras, sizeof(*mc))) == NULL)
		return base_nomem(err);
	for (c = 0; c < req->ncameras && st == EX_OK; c++) {
		const ex_camera *cam = p->cameras[c].camera;

		mc[c].id = cam->id;
		for (k = 0; k < cam->nsegments; k++) {
			const ex_segment *s = &cam->segments[k];

			if (s->state == EX_SEG_UNREADABLE ||
			    s->start == EX_INSTANT_NONE || s->start >= to ||
			    s->end <= from)
				continue;
			if (ex_media_display_size(s->path, &mc[c].width,
			    &mc[c].height, NULL) == EX_OK)
				break;
		}
	}
	st = ex_mask_check(req->masks, mc, req->ncameras, req->from, req->to,
	    err);
	free(mc);
	return st;
}

ex_status
ex_export_prepare(const ex_export_request *req, ex_export_plan **out,
    ex_error *err)
{
	ex_archive_options aopt;
	ex_export_plan *p;
	size_t c;
	ex_status st;

	*out = NULL;
	if ((st = check_plan_request(req, err)) != EX_OK)
		return st;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->archive_path = strdup(req->archive)) == NULL ||
	    (p->cameras = calloc(req->ncameras, sizeof(*p->cameras))) ==
	    NULL) {
		st = base_nomem(err);
		goto fail;
	}
	p->ncameras = req->ncameras;
	p->from = req->from;
	p->to = req->to;
	p->clock_offset = req->clock_offset;
	memset(&aopt, 0, sizeof(aopt));
	aopt.cameras = req->cameras;
	aopt.ncameras = req->ncameras;
	/* Only the files the range needs are listed and probed. */
	aopt.from = ex_time_true_to_recorder(req->from, req->clock_offset);
	aopt.to = ex_time_true_to_recorder(req->to, req->clock_offset);
	aopt.no_cache = req->no_cache;
	aopt.jobs = req->jobs > 0 ? (unsigned)req->jobs : 0;
	if ((st = ex_archive_open(req->archive, &aopt, &p->archive, err)) !=
	    EX_OK)
		goto fail;
	for (c = 0; c < req->ncameras; c++) {
		const ex_camera *cam = ex_archive_camera(p->archive,
		    req->cameras[c]);

		if (cam == NULL) {
			st = ex_error_set(err, EX_ERR_USAGE,
			    "no camera '%s' in %s", req->cameras[c],
			    p->archive->root);
			goto fail;
		}
		if ((st = plan_camera(req, cam, aopt.from, aopt.to,
		    &p->cameras[c], err)) != EX_OK)
			goto fail;
	}
	if (req->masks != NULL && (st = check_masks(req, p, err)) != EX_OK)
		goto fail;
	*out = p;
	return EX_OK;
fail:
	if (p != NULL && st == EX_OK)
		st = EX_ERR_NOMEM;
	ex_export_plan_free(&p);
	return st;
}

int
export_plan_matches(const ex_export_plan *p, const ex_export_request *req)
{
	size_t c;

	if (strcmp(p->archive_path, req->archive) != 0 ||
	    p->from != req->from || p->to != req->to ||
	    p->clock_offset != req->clock_offset ||
	    p->ncameras != req->ncameras)
		return 0;
	for (c = 0; c < p->ncameras; c++) {
		if (strcmp(p->cameras[c].camera->id, req->cameras[c]) != 0)
			return 0;
	}
	return 1;
}

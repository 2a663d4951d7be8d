/*
 * masters.c — the masters: each selected segment copied into the bundle
 * byte for byte (hashed as it goes, signed, described with its streams and
 * damage), a segment with nothing to copy recorded as damage, the scan's
 * damage when no masters are kept, and the re-hash of the masters'
 * sources in a thread of its own (proof they did not change meanwhile).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "exhibit/fileio.h"
#include "export/export_private.h"


/* A master's streams, as the camera wrote them; the in-stream signatures
 * are the video's. */
static ex_status
master_streams(ex_manifest_file *f, const ex_segment *s, ex_error *err)
{
	ex_status st;
	size_t i;
	int video_seen = 0;

	for (i = 0; i < s->nstreams; i++) {
		int video = !video_seen &&
		    strcmp(s->streams[i].type, "video") == 0;

		video_seen |= video;
		if ((st = export_add_stream(f, (int)i, -1, s->streams[i].type,
		    s->streams[i].codec, EX_FATE_RECORDED, NULL,
		    video ? s->signatures : 0, err)) != EX_OK)
			return st;
	}
	return EX_OK;
}

/* ex_bundle_add_stream's reader: the open source file *user. */
static ssize_t
read_fd(void *user, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(*(const int *)user, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* When s starts, on the true clock (EX_INSTANT_NONE: unknown). */
static ex_instant
seg_start(const struct exporter *x, const ex_segment *s)
{
	return s->start == EX_INSTANT_NONE ? EX_INSTANT_NONE :
	    ex_time_recorder_to_true(s->start, x->req->clock_offset);
}

/* A damaged, unreadable or refused segment (the scan's word): a note and
 * the manifest's damage at when. */
static ex_status
seg_damage(struct exporter *x, struct cam_job *job, ex_manifest_camera *mc,
    const ex_segment *s, ex_instant when, ex_error *err)
{
	const char *why = s->problem != NULL ? s->problem : "damaged";

	export_add_note(x, job->cam->id, "%s is %s: %s", s->relpath,
	    ex_segment_state_name(s->state), why);
	return export_add_damage(job, mc, s->relpath,
	    ex_segment_state_name(s->state), why, when, err);
}

/*
 * A segment with nothing to copy (refused by the scan: a FIFO, a folder,
 * a device, a link loop named like a segment, a link that leads outside
 * the archive; or one that became so after the scan) is damage, not
 * failure: recorded and reported, no master.
 */
static ex_status
no_master(struct exporter *x, struct cam_job *job, ex_manifest_camera *mc,
    const ex_segment *s, const char *why, ex_error *err)
{
	if (why == NULL)
		why = "not a regular file";
	export_add_note(x, job->cam->id, "%s is unreadable: %s (no master "
	    "kept)", s->relpath, why);
	return export_add_damage(job, mc, s->relpath,
	    ex_segment_state_name(EX_SEG_UNREADABLE), why, seg_start(x, s),
	    err);
}

/*
 * Without masters (--no-masters), the scan's damage is still recorded: a
 * segment in the range that is damaged, unreadable or refused.
 */
ex_status
export_add_scan_damage(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, ex_error *err)
{
	size_t i;
	ex_status st;

	for (i = 0; i < job->nsegs; i++) {
		const ex_segment *s = &job->segs[i];

		if (s->state != EX_SEG_OK && (st = seg_damage(x, job, mc, s,
		    seg_start(x, s), err)) != EX_OK)
			return st;
	}
	return EX_OK;
}

/* Copy the masters of one camera into the bundle, hashing as they go. */
ex_status
export_add_masters(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, ex_error *err)
{
	const ex_export_request *req = x->req;
	char bag[PATH_MAX];
	ex_instant first = EX_INSTANT_NONE, last = EX_INSTANT_NONE;
	size_t i;
	ex_status st;

	for (i = 0; i < job->nsegs; i++) {
		const ex_segment *s = &job->segs[i];
		ex_manifest_file *f;
		ex_digest_result d;
		ex_error ferr;
		struct stat sb;
		char *flat;
		int fd;

		if (export_cancelled(req))
			return ex_error_set(err, EX_ERR_INTERRUPTED,
			    "export interrupted");
		if (s->refused) {
			if ((st = no_master(x, job, mc, s, s->problem, err)) !=
			    EX_OK)
				return st;
			continue;
		}
		/* Opened as exhibit/fileio.h says: never waiting on a FIFO
		 * swapped in since the scan. */
		if ((st = ex_file_open(AT_FDCWD, s->path, 0, "cannot open",
		    &fd, &sb, &ferr)) != EX_OK) {
			if (st == EX_ERR_NOMEM)
				return base_nomem(err);
			if ((st = no_master(x, job, mc, s, ferr.message,
			    err)) != EX_OK)
				return st;
			continue;
		}
		if ((flat = export_safe_name(s->relpath)) == NULL) {
			close(fd);
			return base_nomem(err);
		}
		snprintf(bag, sizeof(bag), "data/%s/master/%s", job->dirname,
		    flat);
		free(flat);
		st = ex_bundle_add_stream(x->w, bag, (uint64_t)sb.st_size,
		    read_fd, &fd, &d, err);
		close(fd);
		if (st != EX_OK)
			return ex_error_prefix(err, "master copy of %s",
			    s->relpath);
		x->checks[x->nchecks].seg = s;
		x->checks[x->nchecks].copied = d;
		x->nchecks++;
		if ((st = export_add_signature(x, bag, &d, err)) != EX_OK)
			return st;
		if ((st = ex_manifest_add_file(mc, &f, err)) != EX_OK)
			return st;
		f->role = EX_ROLE_MASTER;
		if ((st = export_fill_file(f, bag, &d, err)) != EX_OK)
			return st;
		f->source_path = strdup(s->relpath);
		if (s->start != EX_INSTANT_NONE)
			f->start = seg_start(x, s);
		if (s->end != EX_INSTANT_NONE && s->end > s->start)
			f->end = ex_time_recorder_to_true(s->end,
			    req->clock_offset);
		else
			f->end = f->start;
		if (s->state != EX_SEG_UNREADABLE) {
			f->first_frame = f->start;
			f->codec = s->codec[0] != '\0' ? strdup(s->codec) :
			    NULL;
			f->width = s->width;
			f->height = s->height;
			f->frames = s->frames;
		}
		if ((st = master_streams(f, s, err)) != EX_OK)
			return st;
		if (first == EX_INSTANT_NONE || f->start < first)
			first = f->start;
		if (last == EX_INSTANT_NONE || f->end > last)
			last = f->end;
		if (s->state != EX_SEG_OK && (st = seg_damage(x, job, mc, s,
		    f->start, err)) != EX_OK)
			return st;
		if (s->recorder_sha256[0] != '\0') {
			char hex[EX_SHA256_HEX];

			ex_sha256_hex(d.sha256, hex);
			if (strcmp(hex, s->recorder_sha256) != 0) {
				char msg[300];

				snprintf(msg, sizeof(msg), "SHA-256 %s differs "
				    "from the recorder's %s", hex,
				    s->recorder_sha256);
				if ((st = export_add_damage(job, mc, s->relpath,
				    "hash-mismatch", msg, EX_INSTANT_NONE,
				    err)) != EX_OK)
					return st;
				export_add_note(x, job->cam->id, "%s: %s",
				    s->relpath, msg);
			}
		}
		x->res->files++;
		x->res->bytes += d.size;
		if (req->progress != NULL)
			req->progress(req->progress_user, job->index,
			    EX_STAGE_MASTER, (int64_t)i + 1,
			    (int64_t)job->nsegs);
	}
	if (first != EX_INSTANT_NONE)
		return export_add_coverage(job, mc, EX_ROLE_MASTER, first, last,
		    err);
	return EX_OK;
}

/* ---- the sources, read again ------------------------------------------- */

/* Each master's source must still have the bytes copied from it. */
static void *
recheck_main(void *arg)
{
	struct recheck *rc = arg;
	unsigned char sha[EX_SHA256_BYTES];
	char fdname[32];
	uint64_t size;
	size_t c;
	int fd;

	rc->status = EX_OK;
	for (c = 0; c < rc->nchecks; c++) {
		const struct master_check *k = &rc->checks[c];

		if (ex_cancel_requested(rc->stop) ||
		    export_cancelled(rc->req)) {
			rc->status = ex_error_set(&rc->err, EX_ERR_INTERRUPTED,
			    "export interrupted");
			break;
		}
		/* Opened as exhibit/fileio.h says, then hashed by the name
		 * of this very file. */
		if ((rc->status = ex_file_open(AT_FDCWD, k->seg->path, 0, NULL,
		    &fd, NULL, &rc->err)) != EX_OK)
			break;
		rc->status = ex_sha256_file(ex_file_fd_name(fd, k->seg->path,
		    fdname, sizeof(fdname)), sha, &size, &rc->err);
		close(fd);
		if (rc->status != EX_OK)
			break;
		if (size != k->copied.size || !ex_digest_equal(sha,
		    k->copied.sha256, EX_SHA256_BYTES)) {
			rc->status = ex_error_set(&rc->err, EX_ERR_IO,
			    "%s: the recorder file changed while it was being "
			    "exported; export it again when the recorder has "
			    "finished writing it", k->seg->path);
			break;
		}
	}
	return NULL;
}

void
export_recheck_start(struct recheck *rc)
{
	if (pthread_create(&rc->thread, NULL, recheck_main, rc) == 0)
		rc->started = 1;
	else
		(void)recheck_main(rc);
}

ex_status
export_recheck_finish(struct recheck *rc, ex_error *err)
{
	if (rc->started) {
		pthread_join(rc->thread, NULL);
		rc->started = 0;
	}
	if (rc->status != EX_OK && err != NULL)
		*err = rc->err;
	return rc->status;
}

/*
 * export.c — the main job: archive → timeline → media → evidence → bundle.
 *
 * Threads.  The bundle writer is not thread-safe, so the calling thread
 * owns it: it copies the masters (hashing while copying) while worker
 * threads, one camera at a time each, cut the native copies and encode the
 * working copies into a staging folder beside the output (the native cut,
 * demux and mux only, in a thread of its own beside the encoder).  Once
 * the masters are in, a thread re-hashes their sources (SHA-256 only:
 * proof that they did not change while they were read) while the calling
 * thread takes in each staged file as soon as it is ready (a camera's
 * native cut while its working copy is still being encoded; a folder
 * bundle takes them by rename, after one read for the digests), signing
 * each from the digest taken as it went in.  Then it checks the re-hash,
 * writes manifest.xml, its signature and custody.xml, and finishes the
 * bundle (which renames it into place).
 *
 * ex_export runs five phases in turn: open_job, start_cameras,
 * take_masters, take_cameras, seal; close_job stops and frees whatever
 * ran, whichever phase failed.
 *
 * Entry order in the bundle is fixed (cameras in request order; masters,
 * then native, then working), so with SOURCE_DATE_EPOCH and the same
 * thread count two exports are byte-identical.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exhibit/archive.h"
#include "exhibit/custody.h"
#include "exhibit/export.h"
#include "exhibit/fileio.h"
#include "exhibit/hash.h"
#include "exhibit/manifest.h"
#include "exhibit/media.h"
#include "exhibit/report.h"
#include "exhibit/version.h"

struct pool;

/* One camera's share of the job. */
struct cam_job {
	const ex_export_request *req;
	struct pool *pool;
	int index;                      /* into req->cameras */
	const ex_camera *cam;
	char *dirname;                  /* camera id made path-safe */
	ex_segment *segs;               /* overlapping segments (shallow
	                                   copies; strings owned by archive) */
	size_t nsegs;
	char *stage;                    /* staging folder of this camera */
	int threads;                    /* encoder threads */
	volatile sig_atomic_t *stop;    /* shared: set to stop every camera */
	ex_media_result *native;
	ex_media_result *working;
	ex_media_result **stills;       /* one per req->stills[k]; NULL when
	                                   the time is outside the range */
	ex_status status;
	ex_error err;
	int native_quiet;               /* 1: the native cut runs beside the
	                                   encoder and reports no progress */
	/* Under pool->lock, for the calling thread that takes the files in
	 * as they are ready: */
	int native_ready;               /* the native cut has ended ... */
	ex_status native_status;        /* ... this way */
	int finished;                   /* everything of the camera ended */
};

struct master_check {
	const ex_segment *seg;
	ex_digest_result copied;
};

/* The re-hash of the masters' sources, in a thread of its own. */
struct recheck {
	const ex_export_request *req;
	volatile sig_atomic_t *stop;
	const struct master_check *checks;
	size_t nchecks;
	pthread_t thread;
	int started;                    /* 1: thread running (join it) */
	ex_status status;
	ex_error err;
};

/* The camera workers' queue, and what they tell the calling thread. */
struct pool {
	struct cam_job *jobs;
	size_t njobs;
	size_t next;
	pthread_mutex_t lock;
	pthread_cond_t changed;         /* a camera's native_ready/finished */
};

/* ---- small helpers ---------------------------------------------------- */

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* A file or folder name from free text: ASCII letters, digits, - _ . kept,
 * every other byte '_', no leading '.'. */
static char *
safe_name(const char *s)
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

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) != 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) != 0 && errno != ENOENT ? -1 : 0;
}

static void
remove_tree(const char *path)
{
	if (path != NULL)
		(void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int
cancelled(const ex_export_request *req)
{
	return ex_cancel_requested(req->cancel);
}

/* Media calls check one flag: the job's shared stop flag.  The user's
 * cancel flag (set by a signal handler) is copied into it at every
 * progress report, and the calling thread sets it when it fails. */
static void
poll_cancel(struct cam_job *job)
{
	if (cancelled(job->req))
		ex_cancel_request(job->stop);
}

static ex_status
add_note(ex_export_result *res, const char *camera, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static ex_status
add_note(ex_export_result *res, const char *camera, const char *fmt, ...)
{
	ex_export_note *n;
	char buf[1024];
	va_list ap;

	n = realloc(res->notes, (res->nnotes + 1) * sizeof(*n));
	if (n == NULL)
		return EX_ERR_NOMEM;
	res->notes = n;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n[res->nnotes].camera = xstrdup(camera);
	n[res->nnotes].message = strdup(buf);
	res->nnotes++;
	return EX_OK;
}

/* ---- selecting segments ------------------------------------------------ */

/*
 * The segments of cam that overlap the range [from, to) on the recorder's
 * clock.  An unreadable segment has no trustworthy end; it is taken when
 * it starts inside the range or less than the camera's longest segment
 * before it, so a damaged file that may hold part of the range is still
 * kept as a master.
 */
static ex_status
select_segments(const ex_camera *cam, ex_instant from, ex_instant to,
    ex_segment **out, size_t *nout, ex_error *err)
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
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
 * What cam holds for [from, to) (recorder clock), as true times: every
 * hole in the range, the footage there is, the nearest recordings.
 */
static ex_status
plan_camera(const ex_camera *cam, ex_instant from, ex_instant to,
    int64_t offset, ex_export_coverage *cov, ex_error *err)
{
	ex_instant cursor = from;
	int64_t missing = 0;
	ex_segment *segs = NULL;
	size_t i, nsegs = 0;
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
			g = realloc(cov->gaps, (cov->ngaps + 1) * sizeof(*g));
			if (g == NULL)
				return ex_error_set(err, EX_ERR_NOMEM,
				    "out of memory");
			cov->gaps = g;
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
	if (cam->ncovered > 0) {
		cov->first = ex_time_recorder_to_true(cam->covered[0].start,
		    offset);
		cov->last = ex_time_recorder_to_true(
		    cam->covered[cam->ncovered - 1].end, offset);
	}
	for (i = 0; i < cam->ncovered; i++) {
		const ex_span *sp = &cam->covered[i];

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
	/* The same choice of files as the export's (select_segments). */
	if ((st = select_segments(cam, from, to, &segs, &nsegs, err)) !=
	    EX_OK)
		return st;
	free(segs);
	cov->nsegments = nsegs;
	cov->empty = nsegs == 0;
	return EX_OK;
}

/* The manifest's gaps of a camera: the plan's holes in the range. */
static ex_status
range_gaps(const ex_export_coverage *cov, ex_manifest_camera *mc,
    ex_error *err)
{
	size_t i;

	if (cov->ngaps == 0)
		return EX_OK;
	if ((mc->gaps = calloc(cov->ngaps, sizeof(*mc->gaps))) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	for (i = 0; i < cov->ngaps; i++) {
		mc->gaps[i].from = cov->gaps[i].start;
		mc->gaps[i].to = cov->gaps[i].end;
	}
	mc->ngaps = cov->ngaps;
	return EX_OK;
}

/* ---- camera workers ---------------------------------------------------- */

static void
media_progress(void *user, int64_t done, int64_t expected)
{
	struct cam_job *job = user;

	poll_cancel(job);
	if (job->req->progress != NULL)
		job->req->progress(job->req->progress_user, job->index,
		    EX_STAGE_WORKING, done, expected);
}

static void
native_progress(void *user, int64_t done, int64_t expected)
{
	struct cam_job *job = user;

	poll_cancel(job);
	if (job->req->progress != NULL && !job->native_quiet)
		job->req->progress(job->req->progress_user, job->index,
		    EX_STAGE_NATIVE, done, expected);
}

/* The burn-in's first line: "cam1 High Street North   Exhibit ABC/1". */
static const char *
burn_label(const struct cam_job *job, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s   Exhibit %s", job->cam->id,
	    job->cam->name != NULL ? " " : "",
	    job->cam->name != NULL ? job->cam->name : "",
	    job->req->exhibit_ref);
	return buf;
}

static void
media_range(const ex_export_request *req, ex_media_range *range)
{
	range->from = req->from;
	range->to = req->to;
	range->clock_offset = req->clock_offset;
	range->zone = req->zone;
}

/* The native cut of one camera (the worker's thread or its own). */
struct native_run {
	struct cam_job *job;
	ex_status status;
	ex_error err;
};

static void *
run_native(void *arg)
{
	struct native_run *nr = arg;
	struct cam_job *job = nr->job;
	ex_media_range range;
	ex_media_control ctl;
	char dir[PATH_MAX], base[PATH_MAX];

	media_range(job->req, &range);
	memset(&ctl, 0, sizeof(ctl));
	ctl.cancel = job->stop;
	ctl.progress_user = job;
	ctl.progress = native_progress;
	snprintf(dir, sizeof(dir), "%s/native", job->stage);
	snprintf(base, sizeof(base), "%s-native", job->dirname);
	if (mkdir(dir, 0700) != 0)
		nr->status = ex_error_errno(&nr->err, "%s", dir);
	else
		nr->status = ex_media_native(job->segs, job->nsegs, &range,
		    dir, base, &ctl, &job->native, &nr->err);
	/* A failed cut stops the encoder beside it (and every camera, as
	 * any camera's failure does). */
	if (nr->status != EX_OK)
		ex_cancel_request(job->stop);
	pthread_mutex_lock(&job->pool->lock);
	job->native_ready = 1;
	job->native_status = nr->status;
	pthread_cond_broadcast(&job->pool->changed);
	pthread_mutex_unlock(&job->pool->lock);
	return NULL;
}

static void
run_camera(struct cam_job *job)
{
	const ex_export_request *req = job->req;
	ex_media_range range;
	ex_media_control ctl;
	ex_media_working_options wo;
	struct native_run nr;
	pthread_t native_thread;
	int native_started = 0;
	char dir[PATH_MAX], base[PATH_MAX], label[512];

	media_range(req, &range);
	memset(&ctl, 0, sizeof(ctl));
	ctl.cancel = job->stop;
	ctl.progress_user = job;
	poll_cancel(job);
	if (ex_cancel_requested(job->stop)) {
		job->status = ex_error_set(&job->err, EX_ERR_INTERRUPTED,
		    "export interrupted");
		return;
	}

	/* The native cut is demux and mux only: with a working copy to
	 * encode it runs in its own thread beside the encoder, else here. */
	memset(&nr, 0, sizeof(nr));
	nr.job = job;
	if (!req->no_working) {
		job->native_quiet = 1;
		native_started = pthread_create(&native_thread, NULL,
		    run_native, &nr) == 0;
		if (!native_started)
			job->native_quiet = 0;
	}
	if (!native_started) {
		(void)run_native(&nr);
		if (nr.status != EX_OK || req->no_working) {
			job->status = nr.status;
			job->err = nr.err;
			return;
		}
	}

	ctl.progress = media_progress;
	snprintf(dir, sizeof(dir), "%s/working", job->stage);
	snprintf(base, sizeof(base), "%s-working", job->dirname);
	if (mkdir(dir, 0700) != 0) {
		job->status = ex_error_errno(&job->err, "%s", dir);
		ex_cancel_request(job->stop);   /* the native cut too */
	} else {
		memset(&wo, 0, sizeof(wo));
		wo.preset = req->preset;
		wo.crf = req->crf;
		wo.threads = job->threads;
		wo.segment_usec = (int64_t)req->segment_seconds *
		    EX_USEC_PER_SEC;
		wo.label = burn_label(job, label, sizeof(label));
		job->status = ex_media_working(job->segs, job->nsegs, &range,
		    &wo, dir, base, &ctl, &job->working, &job->err);
	}
	if (native_started) {
		pthread_join(native_thread, NULL);
		/* The cut's own failure, not the interruption it caused. */
		if (nr.status != EX_OK && (job->status == EX_OK ||
		    job->status == EX_ERR_INTERRUPTED)) {
			job->status = nr.status;
			job->err = nr.err;
		}
	}
}

/* One still per requested time inside the range, into stage/still. */
static void
run_stills(struct cam_job *job)
{
	const ex_export_request *req = job->req;
	ex_media_range range;
	ex_media_working_options wo;
	char dir[PATH_MAX], base[PATH_MAX], label[512], when[EX_TIME_BUFSZ];
	size_t k;

	if (req->nstills == 0)
		return;
	media_range(req, &range);
	memset(&wo, 0, sizeof(wo));
	wo.threads = job->threads;
	wo.label = burn_label(job, label, sizeof(label));
	snprintf(dir, sizeof(dir), "%s/still", job->stage);
	if (mkdir(dir, 0700) != 0) {
		job->status = ex_error_errno(&job->err, "%s", dir);
		return;
	}
	for (k = 0; k < req->nstills; k++) {
		char *p, *q;

		poll_cancel(job);
		if (ex_cancel_requested(job->stop)) {
			job->status = ex_error_set(&job->err,
			    EX_ERR_INTERRUPTED, "export interrupted");
			return;
		}
		if (req->stills[k] < req->from || req->stills[k] >= req->to)
			continue;
		/* "2024-10-27T00:59:59.500Z" -> "20241027T005959.500Z" */
		ex_time_format_utc(req->stills[k], when, sizeof(when));
		for (p = q = when; *p != '\0'; p++)
			if (*p != '-' && *p != ':')
				*q++ = *p;
		*q = '\0';
		snprintf(base, sizeof(base), "%s-still-%s", job->dirname, when);
		job->status = ex_media_still(job->segs, job->nsegs, &range,
		    req->stills[k], &wo, dir, base, &job->stills[k],
		    &job->err);
		if (job->status != EX_OK)
			return;
	}
}

static void *
worker(void *arg)
{
	struct pool *pool = arg;

	for (;;) {
		struct cam_job *job;

		pthread_mutex_lock(&pool->lock);
		job = pool->next < pool->njobs ? &pool->jobs[pool->next++] :
		    NULL;
		pthread_mutex_unlock(&pool->lock);
		if (job == NULL)
			return NULL;
		run_camera(job);
		if (job->status == EX_OK)
			run_stills(job);
		if (job->status != EX_OK) {
			ex_cancel_request(job->stop);
			if (job->status != EX_ERR_INTERRUPTED)
				ex_error_prefix(&job->err, "camera %s",
				    job->cam->id);
		}
		pthread_mutex_lock(&pool->lock);
		job->finished = 1;
		pthread_cond_broadcast(&pool->changed);
		pthread_mutex_unlock(&pool->lock);
	}
}

/* Wait until the camera has ended, or (native_only) its native cut has. */
static void
wait_camera(struct cam_job *job, int native_only)
{
	pthread_mutex_lock(&job->pool->lock);
	while (!job->finished && !(native_only && job->native_ready))
		pthread_cond_wait(&job->pool->changed, &job->pool->lock);
	pthread_mutex_unlock(&job->pool->lock);
}

/* ---- adding files to the bundle ---------------------------------------- */

/* The whole job, shared by ex_export's phases. */
struct exporter {
	ex_export_request reqv;         /* the request, defaults filled in */
	const ex_export_request *req;   /* &reqv */
	const ex_export_plan *plan;     /* req->plan, or own_plan */
	ex_export_plan *own_plan;       /* made by ex_export itself */
	const ex_archive *archive;      /* plan->archive */
	ex_pubkey pk;                   /* the signer's */
	ex_bundle_writer *w;
	char *stage;                    /* staging folder beside the output */
	ex_manifest *m;
	ex_export_result *res;
	ex_report_extras report;        /* for index.html: thumbnails */
	struct cam_job *jobs;           /* one per requested camera */
	struct pool pool;
	pthread_t *threads;             /* camera workers ... */
	size_t started;                 /* ... running (join them) */
	struct master_check *checks;    /* one per master copied in */
	size_t nchecks;
	struct recheck rc;
	volatile sig_atomic_t stop;     /* stops the cameras and the re-hash */
};

/*
 * The .minisig text for the file at bag_path: its trusted comment (signed
 * with it) names the export time, the file, the exhibit and the SHA-256:
 * "timestamp:T<TAB>file:NAME<TAB>hashed<TAB>exhibit:REF<TAB>sha256:HEX".
 * Control characters (TAB included) in the values become '_', so a value
 * can never forge another field.
 */
static ex_status
sign_digest_for(const ex_export_request *req, const char *bag_path,
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

/* Sign a file added at bag_path (from its digest) and add the .minisig. */
static ex_status
add_signature(struct exporter *x, const char *bag_path,
    const ex_digest_result *d, ex_error *err)
{
	char sigpath[PATH_MAX];
	char *sig = NULL;
	size_t siglen = 0;
	ex_status st;

	if ((st = sign_digest_for(x->req, bag_path, d, &sig, &siglen, err)) !=
	    EX_OK)
		return st;
	snprintf(sigpath, sizeof(sigpath), "%s.minisig", bag_path);
	st = ex_bundle_add_buffer(x->w, sigpath, sig, siglen, NULL, err);
	free(sig);
	return st;
}

/* Fill the manifest entry common to every file. */
static ex_status
fill_file(ex_manifest_file *f, const char *bag_path,
    const ex_digest_result *d, ex_error *err)
{
	char sigpath[PATH_MAX];

	snprintf(sigpath, sizeof(sigpath), "%s.minisig", bag_path);
	f->path = strdup(bag_path);
	f->signature_path = strdup(sigpath);
	if (f->path == NULL || f->signature_path == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	f->size = d->size;
	ex_sha256_hex(d->sha256, f->sha256);
	return EX_OK;
}

/* The files of one media result; report: say so as progress (not while the
 * camera is still encoding, when its line shows the encoder). */
/* ---- streams in the manifest ----------------------------------------- */

/* Append a stream to f; strings copied (NULL stays NULL). */
static ex_status
add_stream(ex_manifest_file *f, int index, int source_index,
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
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	return EX_OK;
}

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
		if ((st = add_stream(f, (int)i, -1, s->streams[i].type,
		    s->streams[i].codec, EX_FATE_RECORDED, NULL,
		    video ? s->signatures : 0, err)) != EX_OK)
			return st;
	}
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
			if ((st = add_stream(f, 1, -1, "subtitle", "mov_text",
			    EX_FATE_ADDED, "the burned-in text of each frame",
			    0, err)) != EX_OK)
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
			if ((st = add_stream(f, index, ms->source_index,
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
		if ((st = add_stream(f, -1, ms->source_index, ms->type,
		    ms->codec, EX_FATE_LEFT_OUT, ms->reason != NULL ?
		    ms->reason : "not carried", 0, err)) != EX_OK)
			return st;
	}
	return EX_OK;
}

static ex_status
add_media_files(struct exporter *x, struct cam_job *job,
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

		if (cancelled(req))
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
		if ((st = add_signature(x, bag, &d, err)) != EX_OK)
			return st;
		if ((st = ex_manifest_add_file(mc, &f, err)) != EX_OK)
			return st;
		f->role = role;
		if ((st = fill_file(f, bag, &d, err)) != EX_OK)
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
	if (r->nfiles > 0 && role != EX_ROLE_STILL) {
		ex_manifest_coverage *c = realloc(mc->coverage,
		    (mc->ncoverage + 1) * sizeof(*c));

		if (c == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		mc->coverage = c;
		c[mc->ncoverage].role = role;
		c[mc->ncoverage].from = r->actual_from;
		c[mc->ncoverage].to = r->actual_to;
		mc->ncoverage++;
	}
	for (i = 0; i < r->nproblems; i++) {
		const ex_media_problem *p = &r->problems[i];
		ex_manifest_damage *dm = realloc(mc->damage,
		    (mc->ndamage + 1) * sizeof(*dm));

		if (dm == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		mc->damage = dm;
		dm[mc->ndamage].relpath = strdup(p->source != NULL ?
		    p->source : "");
		dm[mc->ndamage].state = strdup(p->skipped ? "skipped" :
		    "decode-error");
		dm[mc->ndamage].message = strdup(p->message);
		dm[mc->ndamage].time = p->at_true;
		mc->ndamage++;
		add_note(x->res, job->cam->id, "%s (%s): %s", p->source, sub,
		    p->message);
	}
	return EX_OK;
}

/* The stills of one camera; a time that gave none is a note. */
static ex_status
add_stills(struct exporter *x, struct cam_job *job, ex_manifest_camera *mc,
    ex_error *err)
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
				add_note(x->res, NULL, "--still %s: outside the "
				    "exported range, no still made", when);
			continue;
		}
		if (r == NULL || r->nfiles == 0)
			add_note(x->res, job->cam->id, "--still %s: no picture "
			    "at that time (a gap in the recording)", when);
		if (r == NULL)
			continue;
		if ((st = add_media_files(x, job, mc, r, EX_ROLE_STILL, 1,
		    err)) != EX_OK)
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

static ex_status
add_damage(ex_manifest_camera *mc, const char *relpath, const char *state,
    const char *message, ex_instant when, ex_error *err)
{
	ex_manifest_damage *dm = realloc(mc->damage,
	    (mc->ndamage + 1) * sizeof(*dm));

	if (dm == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	mc->damage = dm;
	dm[mc->ndamage].relpath = strdup(relpath);
	dm[mc->ndamage].state = strdup(state);
	dm[mc->ndamage].message = strdup(message);
	dm[mc->ndamage].time = when;
	mc->ndamage++;
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
	ex_instant when = s->start == EX_INSTANT_NONE ? EX_INSTANT_NONE :
	    ex_time_recorder_to_true(s->start, x->req->clock_offset);

	if (why == NULL)
		why = "not a regular file";
	add_note(x->res, job->cam->id, "%s is unreadable: %s (no master "
	    "kept)", s->relpath, why);
	return add_damage(mc, s->relpath,
	    ex_segment_state_name(EX_SEG_UNREADABLE), why, when, err);
}

/*
 * Without masters (--no-masters), the scan's damage is still recorded: a
 * segment in the range that is damaged, unreadable or refused.
 */
static ex_status
add_scan_damage(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, ex_error *err)
{
	const char *why;
	size_t i;
	ex_status st;

	for (i = 0; i < job->nsegs; i++) {
		const ex_segment *s = &job->segs[i];

		if (s->state == EX_SEG_OK)
			continue;
		why = s->problem != NULL ? s->problem : "damaged";
		add_note(x->res, job->cam->id, "%s is %s: %s", s->relpath,
		    ex_segment_state_name(s->state), why);
		if ((st = add_damage(mc, s->relpath,
		    ex_segment_state_name(s->state), why,
		    s->start == EX_INSTANT_NONE ? EX_INSTANT_NONE :
		    ex_time_recorder_to_true(s->start, x->req->clock_offset),
		    err)) != EX_OK)
			return st;
	}
	return EX_OK;
}

/* Copy the masters of one camera into the bundle, hashing as they go. */
static ex_status
add_masters(struct exporter *x, struct cam_job *job, ex_manifest_camera *mc,
    struct master_check *checks, size_t *nchecks, ex_error *err)
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

		if (cancelled(req))
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
				return ex_error_set(err, st, "out of memory");
			if ((st = no_master(x, job, mc, s, ferr.message,
			    err)) != EX_OK)
				return st;
			continue;
		}
		if ((flat = safe_name(s->relpath)) == NULL) {
			close(fd);
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
		checks[*nchecks].seg = s;
		checks[*nchecks].copied = d;
		(*nchecks)++;
		if ((st = add_signature(x, bag, &d, err)) != EX_OK)
			return st;
		if ((st = ex_manifest_add_file(mc, &f, err)) != EX_OK)
			return st;
		f->role = EX_ROLE_MASTER;
		if ((st = fill_file(f, bag, &d, err)) != EX_OK)
			return st;
		f->source_path = strdup(s->relpath);
		if (s->start != EX_INSTANT_NONE)
			f->start = ex_time_recorder_to_true(s->start,
			    req->clock_offset);
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
		if (s->state != EX_SEG_OK) {
			if ((st = add_damage(mc, s->relpath,
			    ex_segment_state_name(s->state),
			    s->problem != NULL ? s->problem : "damaged",
			    f->start, err)) != EX_OK)
				return st;
			add_note(x->res, job->cam->id, "%s is %s: %s",
			    s->relpath, ex_segment_state_name(s->state),
			    s->problem != NULL ? s->problem : "damaged");
		}
		if (s->recorder_sha256[0] != '\0') {
			char hex[EX_SHA256_HEX];

			ex_sha256_hex(d.sha256, hex);
			if (strcmp(hex, s->recorder_sha256) != 0) {
				char msg[300];

				snprintf(msg, sizeof(msg), "SHA-256 %s differs "
				    "from the recorder's %s", hex,
				    s->recorder_sha256);
				if ((st = add_damage(mc, s->relpath,
				    "hash-mismatch", msg, EX_INSTANT_NONE,
				    err)) != EX_OK)
					return st;
				add_note(x->res, job->cam->id, "%s: %s",
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
	if (first != EX_INSTANT_NONE) {
		ex_manifest_coverage *c = realloc(mc->coverage,
		    (mc->ncoverage + 1) * sizeof(*c));

		if (c == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		mc->coverage = c;
		c[mc->ncoverage].role = EX_ROLE_MASTER;
		c[mc->ncoverage].from = first;
		c[mc->ncoverage].to = last;
		mc->ncoverage++;
	}
	return EX_OK;
}

/* Add a small generated payload file (and its signature). */
static ex_status
add_document(struct exporter *x, const char *bag, const void *buf,
    size_t len, ex_error *err)
{
	ex_manifest_file *f;
	ex_digest_result d;
	ex_status st;

	if ((st = ex_bundle_add_buffer(x->w, bag, buf, len, &d, err)) != EX_OK)
		return st;
	if ((st = add_signature(x, bag, &d, err)) != EX_OK)
		return st;
	if ((st = ex_manifest_add_document(x->m, &f, err)) != EX_OK)
		return st;
	f->role = EX_ROLE_DOCUMENT;
	if ((st = fill_file(f, bag, &d, err)) != EX_OK)
		return st;
	x->res->files++;
	x->res->bytes += d.size;
	return EX_OK;
}

/* ---- the manifest's fixed parts ----------------------------------------- */

static ex_status
fill_manifest_head(ex_manifest *m, const ex_export_request *req,
    const ex_archive *a, const ex_pubkey *pk, ex_error *err)
{
	ex_lib_version libs[EX_LIB_VERSIONS_MAX];
	char keyid[EX_KEYID_TEXT], b64[EX_PUBKEY_B64_TEXT];
	const char *container = ex_bundle_container_name(req->container);
	int i, n;
	size_t c;
	ex_status st;

	m->bundle.case_ref = xstrdup(req->case_ref);
	m->bundle.exhibit_ref = xstrdup(req->exhibit_ref);
	m->bundle.operator_name = xstrdup(req->operator_name);
	m->bundle.organisation = xstrdup(req->organisation);
	m->bundle.reason = xstrdup(req->reason);
	m->bundle.export_time = req->now;
	m->bundle.tool_name = strdup("exhibit");
	m->bundle.tool_version = strdup(ex_version());
	n = ex_lib_versions(libs, EX_LIB_VERSIONS_MAX);
	m->bundle.libraries = calloc((size_t)n, sizeof(*m->bundle.libraries));
	if (m->bundle.libraries == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		m->bundle.libraries[i].name = strdup(libs[i].name);
		m->bundle.libraries[i].version = strdup(libs[i].version);
	}
	m->bundle.nlibraries = (size_t)n;
	m->bundle.signer_key_id = strdup(ex_keyid_format(pk->keyid, keyid,
	    sizeof(keyid)));
	m->bundle.signer_public_key = strdup(ex_pubkey_base64(pk, b64));

	m->recorder.layout = strdup(ex_layout_name(a->layout));
	m->recorder.make = xstrdup(a->recorder.make);
	m->recorder.model = xstrdup(a->recorder.model);
	m->recorder.serial = xstrdup(a->recorder.serial);
	m->recorder.site = xstrdup(a->recorder.site);
	m->recorder.zone = xstrdup(a->recorder.timezone);
	m->recorder.clock_offset_usec = req->clock_offset;
	if (req->clock_offset != 0)
		m->recorder.clock_offset_by = xstrdup(req->operator_name);
	m->recorder.archive_path = xstrdup(req->archive);

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

		if (ex_cancel_requested(rc->stop) || cancelled(rc->req)) {
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

/* Start the re-hash in its own thread (or, without one, do it now). */
static void
recheck_start(struct recheck *rc)
{
	if (pthread_create(&rc->thread, NULL, recheck_main, rc) == 0)
		rc->started = 1;
	else
		(void)recheck_main(rc);
}

static ex_status
recheck_finish(struct recheck *rc, ex_error *err)
{
	if (rc->started) {
		pthread_join(rc->thread, NULL);
		rc->started = 0;
	}
	if (rc->status != EX_OK && err != NULL)
		*err = rc->err;
	return rc->status;
}

/* ---- the job ------------------------------------------------------------ */

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
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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

static ex_status
check_request(const ex_export_request *req, ex_error *err)
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
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto fail;
	}
	p->ncameras = req->ncameras;
	p->from = req->from;
	p->to = req->to;
	p->clock_offset = req->clock_offset;
	memset(&aopt, 0, sizeof(aopt));
	aopt.cameras = req->cameras;
	aopt.ncameras = req->ncameras;
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
		if ((st = plan_camera(cam,
		    ex_time_true_to_recorder(req->from, req->clock_offset),
		    ex_time_true_to_recorder(req->to, req->clock_offset),
		    req->clock_offset, &p->cameras[c], err)) != EX_OK)
			goto fail;
	}
	*out = p;
	return EX_OK;
fail:
	if (p != NULL && st == EX_OK)
		st = EX_ERR_NOMEM;
	ex_export_plan_free(&p);
	return st;
}

/* Is plan the plan of req? */
static int
plan_matches(const ex_export_plan *p, const ex_export_request *req)
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

static int
default_jobs(void)
{
	cpu_set_t set;
	long n;

	/* The cores this process may run on (taskset, a container's
	 * cpuset), not every core the machine has. */
	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* A staging folder beside the output: ".<name>.staging-XXXXXX". */
static char *
make_stage(const char *output, ex_error *err)
{
	char *copy = strdup(output), *slash, *path;
	const char *dir = ".", *name = output;
	size_t len;

	if (copy == NULL)
		return NULL;
	if ((slash = strrchr(copy, '/')) != NULL) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		name = slash + 1;
	} else {
		name = copy;
	}
	len = strlen(dir) + strlen(name) + 32;
	if ((path = malloc(len)) == NULL) {
		free(copy);
		return NULL;
	}
	snprintf(path, len, "%s/.%s.staging-XXXXXX", dir, name);
	free(copy);
	if (mkdtemp(path) == NULL) {
		ex_error_errno(err, "%s", path);
		free(path);
		return NULL;
	}
	return path;
}

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

	if ((st = check_request(req, err)) != EX_OK)
		return st;
	if ((x->res = calloc(1, sizeof(*x->res))) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	if (req->plan != NULL) {
		if (!plan_matches(req->plan, req))
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
	if ((x->stage = make_stage(req->output, err)) == NULL)
		return err != NULL && err->code != EX_OK ? err->code :
		    EX_ERR_NOMEM;

	if ((x->jobs = calloc(req->ncameras, sizeof(*x->jobs))) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	for (c = 0; c < req->ncameras; c++) {
		struct cam_job *job = &x->jobs[c];
		char path[PATH_MAX];

		job->req = req;
		job->pool = &x->pool;
		job->index = (int)c;
		job->stop = &x->stop;
		job->cam = x->plan->cameras[c].camera;
		if ((job->dirname = safe_name(job->cam->id)) == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		for (d = 0; d < c; d++) {
			if (strcmp(job->dirname, x->jobs[d].dirname) == 0)
				return ex_error_set(err, EX_ERR_USAGE,
				    "camera '%s' is named twice",
				    req->cameras[c]);
		}
		if ((st = select_segments(job->cam,
		    ex_time_true_to_recorder(req->from, req->clock_offset),
		    ex_time_true_to_recorder(req->to, req->clock_offset),
		    &job->segs, &job->nsegs, err)) != EX_OK)
			return st;
		maxchecks += job->nsegs;
		if (req->nstills > 0 && (job->stills = calloc(req->nstills,
		    sizeof(*job->stills))) == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		snprintf(path, sizeof(path), "%s/%zu", x->stage, c);
		if (mkdir(path, 0700) != 0 || (job->stage = strdup(path)) ==
		    NULL)
			return ex_error_errno(err, "%s", path);
	}
	if ((x->checks = calloc(maxchecks + 1, sizeof(*x->checks))) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	return EX_OK;
}

/* Phase 2: the camera workers.  The cores are shared between the cameras
 * running at once; each camera's encoder gets its share. */
static ex_status
start_cameras(struct exporter *x, ex_error *err)
{
	const ex_export_request *req = x->req;
	int jobsn = req->jobs > 0 ? req->jobs : default_jobs();
	int concurrent = (int)req->ncameras < jobsn ? (int)req->ncameras :
	    jobsn;
	size_t c;

	for (c = 0; c < req->ncameras; c++)
		x->jobs[c].threads = jobsn / concurrent > 0 ?
		    jobsn / concurrent : 1;
	x->pool.jobs = x->jobs;
	x->pool.njobs = req->ncameras;
	if ((x->threads = calloc((size_t)concurrent, sizeof(*x->threads))) ==
	    NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	for (x->started = 0; x->started < (size_t)concurrent; x->started++) {
		if (pthread_create(&x->threads[x->started], NULL, worker,
		    &x->pool) != 0)
			return ex_error_errno(err, "cannot start a thread");
	}
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
	if ((st = fill_manifest_head(x->m, req, x->archive, &x->pk, err)) !=
	    EX_OK)
		return st;
	for (c = 0; c < req->ncameras; c++) {
		struct cam_job *job = &x->jobs[c];
		ex_manifest_camera *mc;

		if ((st = ex_manifest_add_camera(x->m, &mc, err)) != EX_OK)
			return st;
		mc->id = strdup(job->cam->id);
		mc->name = xstrdup(job->cam->name);
		mc->location = xstrdup(job->cam->location);
		mc->requested.from = req->from;
		mc->requested.to = req->to;
		if ((st = range_gaps(&x->plan->cameras[c], mc, err)) != EX_OK)
			return st;
		if (job->nsegs == 0)
			add_note(x->res, job->cam->id, "no footage in the "
			    "range: the bundle documents its absence "
			    "(--allow-empty)");
		st = req->no_masters ? add_scan_damage(x, job, mc, err) :
		    add_masters(x, job, mc, x->checks, &x->nchecks, err);
		if (st != EX_OK)
			return st;
	}
	x->rc.req = req;
	x->rc.stop = &x->stop;
	x->rc.checks = x->checks;
	x->rc.nchecks = x->nchecks;
	recheck_start(&x->rc);
	return EX_OK;
}

/* Join the camera workers; st, or the error of the camera that failed
 * (not of those its failure stopped). */
static ex_status
join_cameras(struct exporter *x, ex_status st, ex_error *err)
{
	size_t c;

	for (c = 0; c < x->started; c++)
		pthread_join(x->threads[c], NULL);
	x->started = 0;
	for (c = 0; x->jobs != NULL && c < x->req->ncameras; c++) {
		if (x->jobs[c].status != EX_OK && (st == EX_OK ||
		    st == EX_ERR_INTERRUPTED)) {
			if (err != NULL)
				*err = x->jobs[c].err;
			st = x->jobs[c].status;
		}
	}
	return st;
}

/* 1 if the camera (or, native_only, its native cut) has not succeeded;
 * call after wait_camera(job, native_only). */
static int
camera_failed(struct cam_job *job, int native_only, int *finished)
{
	int failed;

	pthread_mutex_lock(&job->pool->lock);
	*finished = job->finished;
	failed = native_only ?
	    !job->native_ready || job->native_status != EX_OK :
	    job->status != EX_OK;
	pthread_mutex_unlock(&job->pool->lock);
	return failed;
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

		wait_camera(job, 1);
		if (camera_failed(job, 1, &finished) || cancelled(req))
			break;
		if ((st = add_media_files(x, job, mc, job->native,
		    EX_ROLE_NATIVE, finished, err)) != EX_OK)
			return st;
		wait_camera(job, 0);
		if (camera_failed(job, 0, &finished) || cancelled(req))
			break;
		if ((st = add_media_files(x, job, mc, job->working,
		    EX_ROLE_WORKING, 1, err)) != EX_OK)
			return st;
		if ((st = add_stills(x, job, mc, err)) != EX_OK)
			return st;
	}
	if ((st = join_cameras(x, EX_OK, err)) != EX_OK)
		return st;
	if (cancelled(req))
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
	st = add_document(x, "data/index.html", page, pagelen, err);
	free(page);
	page = NULL;
	if (st != EX_OK)
		return st;
	if ((st = ex_report_readme(x->m, &x->report, &page, &pagelen, err)) !=
	    EX_OK)
		return st;
	st = add_document(x, "data/README.txt", page, pagelen, err);
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

	if ((st = recheck_finish(&x->rc, err)) != EX_OK)
		return st;
	if ((st = add_pages(x, err)) != EX_OK)
		return st;
	if ((st = ex_pubkey_format(&x->pk, "exhibit bundle signer", &buf,
	    &len, err)) != EX_OK)
		return st;
	st = add_document(x, "data/signer.pub", buf, len, err);
	free(buf);
	buf = NULL;
	if (st != EX_OK)
		return st;
	xsd = ex_manifest_xsd(&len);
	if ((st = add_document(x, "data/schemas/manifest.xsd", xsd, len,
	    err)) != EX_OK)
		return st;
	xsd = ex_custody_xsd(&len);
	if ((st = add_document(x, "data/schemas/custody.xsd", xsd, len,
	    err)) != EX_OK)
		return st;

	if ((st = ex_manifest_write(x->m, &buf, &len, err)) != EX_OK)
		return st;
	st = ex_bundle_add_buffer(x->w, "manifest.xml", buf, len, &md, err);
	free(buf);
	buf = NULL;
	if (st != EX_OK)
		return st;
	ex_sha256_hex(md.sha256, x->res->manifest_sha256);
	if ((st = sign_digest_for(req, "manifest.xml", &md, &buf, &len,
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
	if (cancelled(req))
		return ex_error_set(err, EX_ERR_INTERRUPTED,
		    "export interrupted");
	return ex_bundle_finish(x->w, err);
}

/* Stop and join whatever still runs; remove what is not the bundle. */
static void
close_job(struct exporter *x, ex_status st)
{
	size_t c, k;

	if (st != EX_OK)
		ex_cancel_request(&x->stop);    /* the cameras, the re-hash */
	(void)join_cameras(x, st, NULL);
	(void)recheck_finish(&x->rc, NULL);
	free(x->threads);
	pthread_cond_destroy(&x->pool.changed);
	pthread_mutex_destroy(&x->pool.lock);
	ex_bundle_writer_free(&x->w);
	if (x->stage != NULL) {
		remove_tree(x->stage);
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
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	x->reqv = *req;
	x->req = &x->reqv;
	if (x->reqv.zone == NULL)
		x->reqv.zone = EX_TIME_DEFAULT_ZONE;
	if (x->reqv.segment_seconds == 0)
		x->reqv.segment_seconds = EX_EXPORT_DEFAULT_SEGMENT;
	pthread_mutex_init(&x->pool.lock, NULL);
	pthread_cond_init(&x->pool.changed, NULL);

	if ((st = open_job(x, err)) == EX_OK &&
	    (st = start_cameras(x, err)) == EX_OK &&
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
	free(*res);
	*res = NULL;
}

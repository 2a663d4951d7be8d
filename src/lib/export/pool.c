/*
 * pool.c — the camera workers: threads that take one camera at a time and
 * cut its native copy (in a thread of its own beside the encoder), encode
 * its working copy and make its stills into the camera's staging folder,
 * reporting progress; and how the calling thread waits for each camera's
 * files and joins the workers.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "export/export_private.h"

/* Media calls check one flag: the job's shared stop flag.  The user's
 * cancel flag (set by a signal handler) is copied into it at every
 * progress report, and the calling thread sets it when it fails. */
static void
poll_cancel(struct cam_job *job)
{
	if (export_cancelled(job->req))
		ex_cancel_request(job->stop);
}

/* ---- the workers --------------------------------------------------------- */

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
	if (job->req->redacted)
		nr->status = EX_OK;     /* a redacted disclosure: no native copy */
	else if (mkdir(dir, 0700) != 0)
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
		wo.masks = req->masks;
		wo.camera = job->cam->id;
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
	wo.masks = req->masks;
	wo.camera = job->cam->id;
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

void
export_wait_camera(struct cam_job *job, int native_only)
{
	pthread_mutex_lock(&job->pool->lock);
	while (!job->finished && !(native_only && job->native_ready))
		pthread_cond_wait(&job->pool->changed, &job->pool->lock);
	pthread_mutex_unlock(&job->pool->lock);
}

/* ---- the pool, for the calling thread ----------------------------------- */

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

/* Phase 2 of ex_export: the camera workers.  The cores are shared between
 * the cameras running at once; each camera's encoder gets its share. */
ex_status
export_start_cameras(struct exporter *x, ex_error *err)
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
		return base_nomem(err);
	for (x->started = 0; x->started < (size_t)concurrent; x->started++) {
		if (pthread_create(&x->threads[x->started], NULL, worker,
		    &x->pool) != 0)
			return ex_error_errno(err, "cannot start a thread");
	}
	return EX_OK;
}

ex_status
export_join_cameras(struct exporter *x, ex_status st, ex_error *err)
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

int
export_camera_failed(struct cam_job *job, int native_only, int *finished)
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

/*
 * progress.c — export's progress on a terminal: one line per camera (its
 * stage, frames done of expected, an ETA while encoding), redrawn in
 * place on stderr (through diag.c) from the export's worker threads.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

struct camera {
	int64_t done, expected;
	ex_export_stage stage;
	struct timespec start;  /* of the stage */
};

struct cli_progress {
	pthread_mutex_t lock;
	const char *const *cameras;
	size_t ncameras;
	struct timespec last;
	int drawn;
	struct camera cam[];
};

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static const char *
stage_name(ex_export_stage s)
{
	switch (s) {
	case EX_STAGE_MASTER:  return "copying originals";
	case EX_STAGE_NATIVE:  return "cutting native copy";
	case EX_STAGE_WORKING: return "encoding working copy";
	case EX_STAGE_BUNDLE:  return "writing bundle";
	case EX_STAGE_DONE:    return "done";
	}
	return "waiting";
}

/* Counts are redrawn at most four times a second; a new stage is drawn at
 * once, so a fast machine still shows every stage a camera went through. */
static void
draw(cli_progress *p, int at_once)
{
	struct timespec now;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!at_once && p->drawn && elapsed(&p->last, &now) < 0.25)
		return;
	p->last = now;
	if (p->drawn)
		cli_drawf("\033[%zuA", p->ncameras);
	for (i = 0; i < p->ncameras; i++) {
		const struct camera *c = &p->cam[i];
		char eta[32] = "";
		double t = elapsed(&c->start, &now);

		if (c->stage == EX_STAGE_WORKING && c->done > 0 &&
		    c->expected > c->done) {
			double left = t / (double)c->done *
			    (double)(c->expected - c->done);

			snprintf(eta, sizeof(eta), ", ETA %d:%02d",
			    (int)left / 60, (int)left % 60);
		}
		cli_drawf("\r\033[K%-12s %-22s %lld/%lld%s\n",
		    p->cameras[i], stage_name(c->stage), (long long)c->done,
		    (long long)c->expected, eta);
	}
	p->drawn = 1;
}

cli_progress *
cli_progress_new(const char *const *cameras, size_t ncameras)
{
	cli_progress *p;

	if ((p = calloc(1, sizeof(*p) + ncameras * sizeof(p->cam[0]))) ==
	    NULL)
		return NULL;
	if (pthread_mutex_init(&p->lock, NULL) != 0) {
		free(p);
		return NULL;
	}
	p->cameras = cameras;
	p->ncameras = ncameras;
	return p;
}

void
cli_progress_update(void *user, int camera, ex_export_stage stage,
    int64_t done, int64_t expected)
{
	cli_progress *p = user;
	int changed = 0;
	size_t i;

	pthread_mutex_lock(&p->lock);
	if (camera >= 0 && (size_t)camera < p->ncameras) {
		if (p->cam[camera].stage != stage) {
			clock_gettime(CLOCK_MONOTONIC, &p->cam[camera].start);
			changed = 1;
		}
		p->cam[camera].stage = stage;
		p->cam[camera].done = done;
		p->cam[camera].expected = expected;
	} else if (stage == EX_STAGE_DONE) {
		/* The bundle as a whole is sealed: every camera is done. */
		for (i = 0; i < p->ncameras; i++)
			p->cam[i].stage = EX_STAGE_DONE;
		changed = 1;
	}
	draw(p, changed);
	pthread_mutex_unlock(&p->lock);
}

void
cli_progress_free(cli_progress **pp)
{
	cli_progress *p;

	if (pp == NULL || (p = *pp) == NULL)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p);
	*pp = NULL;
}

/*
 * export_private.h — what the files of the export job share (not
 * installed): the job (struct exporter), one camera's share of it
 * (struct cam_job), the camera workers' queue and the re-hash of the
 * masters' sources, and the functions each file offers the others.
 *
 *   plan.c     the quick checks of a request and its plan (coverage, gaps,
 *              the segments each camera contributes)
 *   pool.c     the camera workers: native cut, working copy, stills, in
 *              threads, and how the calling thread waits for them
 *   fill.c     signatures and the manifest's entries for what is added
 *   masters.c  the masters copied in (hashed as they go) and re-hashed
 *   export.c   ex_export's five phases, notes and the result
 */
#ifndef EXHIBIT_EXPORT_PRIVATE_H
#define EXHIBIT_EXPORT_PRIVATE_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "exhibit/export.h"
#include "exhibit/hash.h"
#include "exhibit/manifest.h"
#include "exhibit/media.h"
#include "exhibit/register.h"
#include "exhibit/report.h"

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
	/* The calling thread's only: room in its manifest entry's arrays. */
	size_t damagecap, coveragecap;
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
	size_t notecap;                 /* room in res->notes */
	ex_report_extras report;        /* for index.html: thumbnails */
	struct cam_job *jobs;           /* one per requested camera */
	struct pool pool;
	pthread_t *threads;             /* camera workers ... */
	size_t started;                 /* ... running (join them) */
	struct master_check *checks;    /* one per master copied in */
	size_t nchecks;
	struct recheck rc;
	volatile sig_atomic_t stop;     /* stops the cameras and the re-hash */
	ex_register *reg;               /* the disclosure register, or NULL
	                                   (no_register) */
	ex_register_row row;            /* its row for this export */
};

/* Where the mask file goes in the bag, and its schema. */
#define EXPORT_MASKS_PATH "data/masks.xml"
#define EXPORT_MASKS_XSD_PATH "data/schemas/mask.xsd"

/* ---- export.c: small helpers ---- */

/* strdup that keeps NULL as NULL. */
char *export_strdup(const char *s);
/* A file or folder name from free text: ASCII letters, digits, - _ . kept,
 * every other byte '_', no leading '.'; NULL when memory is short. */
char *export_safe_name(const char *s);
/* Has the user asked to stop (req->cancel)? */
int export_cancelled(const ex_export_request *req);
/* A note for the result (camera may be NULL); lost when memory is short. */
ex_status export_add_note(struct exporter *x, const char *camera,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- plan.c ---- */

/* The segments of cam that overlap [from, to) (recorder clock); *out a
 * new array of shallow copies, freed by the caller. */
ex_status export_select_segments(const ex_camera *cam, ex_instant from,
    ex_instant to, ex_segment **out, size_t *nout, ex_error *err);
/* The manifest's gaps of a camera: the plan's holes in the range. */
ex_status export_range_gaps(const ex_export_coverage *cov,
    ex_manifest_camera *mc, ex_error *err);
/* Everything ex_export checks before any work (the plan's checks too). */
ex_status export_check_request(const ex_export_request *req,
    ex_error *err);
/* Is plan the plan of req? */
int export_plan_matches(const ex_export_plan *p,
    const ex_export_request *req);

/* ---- pool.c ---- */

/* Start the camera workers on x->jobs (x->started of them run). */
ex_status export_start_cameras(struct exporter *x, ex_error *err);
/* Join the camera workers; st, or the error of the camera that failed
 * (not of those its failure stopped). */
ex_status export_join_cameras(struct exporter *x, ex_status st,
    ex_error *err);
/* Wait until the camera has ended, or (native_only) its native cut has. */
void export_wait_camera(struct cam_job *job, int native_only);
/* 1 if the camera (or, native_only, its native cut) has not succeeded;
 * call after export_wait_camera(job, native_only). */
int export_camera_failed(struct cam_job *job, int native_only,
    int *finished);

/* ---- fill.c ---- */

/* The .minisig text for the file at bag_path, from its digest. */
ex_status export_sign_digest(const ex_export_request *req,
    const char *bag_path, const ex_digest_result *d, char **sig,
    size_t *siglen, ex_error *err);
/* Sign a file added at bag_path (from its digest) and add the .minisig. */
ex_status export_add_signature(struct exporter *x, const char *bag_path,
    const ex_digest_result *d, ex_error *err);
/* Fill the manifest entry common to every file. */
ex_status export_fill_file(ex_manifest_file *f, const char *bag_path,
    const ex_digest_result *d, ex_error *err);
/* Append a stream to f; strings copied (NULL stays NULL). */
ex_status export_add_stream(ex_manifest_file *f, int index,
    int source_index, const char *type, const char *codec,
    ex_manifest_fate fate, const char *reason, unsigned signatures,
    ex_error *err);
/* Append a damage entry (strings copied) or a coverage to job's camera. */
ex_status export_add_damage(struct cam_job *job, ex_manifest_camera *mc,
    const char *relpath, const char *state, const char *message,
    ex_instant when, ex_error *err);
ex_status export_add_coverage(struct cam_job *job, ex_manifest_camera *mc,
    ex_manifest_role role, ex_instant from, ex_instant to, ex_error *err);
/* The files of one media result; report: say so as progress. */
ex_status export_add_media_files(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, const ex_media_result *r,
    ex_manifest_role role, int report, ex_error *err);
/* The stills of one camera; a time that gave none is a note. */
ex_status export_add_stills(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, ex_error *err);
/* Add a small generated payload file (and its signature). */
ex_status export_add_document(struct exporter *x, const char *bag,
    const void *buf, size_t len, ex_error *err);
/* The manifest's fixed parts: bundle, recorder, request. */
ex_status export_fill_manifest_head(ex_manifest *m,
    const ex_export_request *req, const ex_archive *a, const ex_pubkey *pk,
    ex_error *err);

/* ---- masters.c ---- */

/* Copy the masters of one camera into the bundle, hashing as they go;
 * each one copied is added to x->checks. */
ex_status export_add_masters(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, ex_error *err);
/* Without masters: the scan's damage of the camera's segments. */
ex_status export_add_scan_damage(struct exporter *x, struct cam_job *job,
    ex_manifest_camera *mc, ex_error *err);
/* Start the re-hash in its own thread (or, without one, do it now);
 * finish: join it, its status (and err). */
void export_recheck_start(struct recheck *rc);
ex_status export_recheck_finish(struct recheck *rc, ex_error *err);

#endif

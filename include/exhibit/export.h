/*
 * exhibit/export.h — the main job: a time range of cameras to a signed
 * bundle.
 *
 * ex_export() opens the recorder archive, and for each camera (several in
 * parallel) copies the original files that overlap the range (masters),
 * cuts the range without re-encoding (native) and makes frame-accurate
 * working copies with the burn-in (working).  Every file is hashed while it
 * is copied into the bundle and signed; manifest.xml, its signature and
 * custody.xml (event 1: the export) complete a BagIt bag written as ZIP,
 * tar, ISO or a folder (exhibit/bundle.h).
 *
 * Nothing appears at the output path until the bundle is complete; on any
 * failure or cancel the partial output and every temporary file are
 * removed.  Unless no_register, the export is recorded in the disclosure
 * register: the register is opened (made when missing) before any work,
 * so one that cannot be written fails first; its write lock is taken
 * before manifest.xml is written (which names the row's number and the
 * hash it is chained on), the row is committed once the bundle is
 * complete and only then is the bundle renamed into place.  A failure
 * before that leaves no row and no bundle; if the rename itself fails,
 * the row is taken back out.  Recorder files are only ever opened read-only; each master's
 * hash is taken while it is copied and taken again from the source after
 * the export, and the two (and the recorder's own hash, when the archive
 * has one) must agree.
 *
 * Damage in the footage does not fail an export: it is reported in the
 * result and the manifest.  A camera with no footage in the range (no
 * segment file overlaps it) fails the export (EX_ERR_USAGE, nothing
 * written) unless allow_empty says that documenting the absence is the
 * point.
 *
 * Before the work: ex_export_prepare() does every check that needs no key
 * (the range, the zone, the output: it must not exist, its folder must
 * exist and be writable, its name must agree with the container), opens
 * the archive (only the requested cameras: an unknown one is an error
 * naming those there are) and tells, per camera, what the archive holds
 * for the range: coverage, every hole, the nearest recordings.  It writes
 * nothing, and req->key may still be NULL, so a caller can show it and
 * stop before it asks for a passphrase.  Given back in req->plan, the
 * plan's archive is the one ex_export uses (it is not read again); without
 * one, ex_export makes its own.
 *
 * Bundle layout (relative to the bag root):
 *   data/<camera>/master/<archive relpath, '/' -> '_'>    (+ .minisig)
 *   data/<camera>/native/<camera>-native-NNN.mp4          (+ .minisig)
 *   data/<camera>/working/<camera>-working-NNN.mp4        (+ .minisig)
 *   data/<camera>/still/<camera>-still-<UTC>.png          (+ .minisig)
 *       one per --still time, <UTC> the time asked for in basic form,
 *       "20241027T005959.500Z"; a time outside the range, or with no
 *       picture (a gap), is a note, not a failure
 *   data/signer.pub                                       (+ .minisig)
 *   data/schemas/manifest.xsd, custody.xsd                (+ .minisig)
 *   manifest.xml, manifest.xml.minisig, custody.xml, BagIt tag files
 *
 * Ownership: the request (and the plan it names) is only read.  The
 * result belongs to the caller (ex_export_result_free).
 */
#ifndef EXHIBIT_EXPORT_H
#define EXHIBIT_EXPORT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/archive.h"
#include "exhibit/bundle.h"
#include "exhibit/error.h"
#include "exhibit/mask.h"
#include "exhibit/register.h"
#include "exhibit/sign.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a progress report is about. */
typedef enum ex_export_stage {
	EX_STAGE_MASTER = 1,    /* copying originals (bytes) */
	EX_STAGE_NATIVE,        /* cutting without re-encoding (packets) */
	EX_STAGE_WORKING,       /* encoding working copies (frames) */
	EX_STAGE_BUNDLE,        /* writing the bundle (files) */
	EX_STAGE_DONE
} ex_export_stage;

/* Called from export threads (serialise in the callback): camera is an
 * index into request->cameras, or -1 for the bundle as a whole. */
typedef void (*ex_export_progress_fn)(void *user, int camera,
    ex_export_stage stage, int64_t done, int64_t expected);

struct ex_export_plan;

typedef struct ex_export_request {
	const char *archive;            /* recorder archive folder */
	const char *output;             /* bundle path (must not exist) */
	const char *const *cameras;     /* camera IDs */
	size_t ncameras;
	ex_instant from, to;            /* TRUE time, [from, to) */
	const char *zone;               /* IANA zone for local times (NULL:
	                                   Europe/London) */
	int64_t clock_offset;           /* recorder minus true, µs */
	const char *case_ref, *exhibit_ref, *operator_name;   /* required */
	const char *organisation, *reason;                    /* optional */
	int segment_seconds;            /* working copy file length (>0) */
	ex_container container;
	int no_masters, no_working;
	const ex_instant *stills;       /* TRUE times of still pictures of
	                                   every camera (may be NULL) */
	size_t nstills;
	const char *preset;             /* x264 preset (NULL: default) */
	int crf;                        /* < 0: default */
	int jobs;                       /* threads in all (<= 0: cores) */
	int no_cache;                   /* 1: the segment index is not used
	                                   even to guide (it never gives the
	                                   facts of a bundled file) */
	const ex_seckey *key;           /* signer */
	ex_instant now;                 /* export time (SOURCE_DATE_EPOCH) */
	ex_export_progress_fn progress; /* may be NULL */
	void *progress_user;
	const volatile sig_atomic_t *cancel;   /* may be NULL */
	int allow_empty;                /* 1: a camera with no footage in the
	                                   range is exported (the bundle
	                                   documents the absence), not an
	                                   error */
	const struct ex_export_plan *plan;     /* ex_export_prepare() of this
	                                   request (same archive, cameras,
	                                   range and clock offset), or NULL */
	/* The disclosure (exhibit/register.h): who asked, and why. */
	const char *requester, *requester_org;  /* optional */
	ex_purpose purpose;             /* EX_PURPOSE_NONE: not given */
	const char *register_path;      /* NULL: ex_register_default_path */
	int no_register;                /* 1: no row (the manifest says so) */
	/* Redaction (exhibit/mask.h). */
	const struct ex_mask_set *masks;        /* drawn in the working copies
	                                   and stills; NULL: none.  Checked
	                                   against the cameras (their pictures
	                                   as displayed) and the range before
	                                   any work; the file itself goes into
	                                   the bundle as data/masks.xml */
	int redacted;                   /* --disclosure redacted: no masters,
	                                   no native copies; needs masks and
	                                   working copies */
} ex_export_request;

/*
 * What the archive holds for the range, for one camera.  Times are TRUE
 * times (the clock offset applied); a span is [start, end).
 */
typedef struct ex_export_coverage {
	const ex_camera *camera;        /* in plan->archive */
	int64_t covered;                /* µs of the range with footage */
	ex_span *gaps;                  /* every hole in the range, in order:
	                                   one that starts at the range's
	                                   start is footage missing at the
	                                   start, one that ends at its end
	                                   missing at the end; the whole
	                                   range when covered is 0 */
	size_t ngaps;
	size_t nsegments;               /* segment files that overlap the
	                                   range (damaged ones included) */
	int empty;                      /* 1: nsegments is 0, nothing of
	                                   the camera would be exported */
	ex_instant first, last;         /* the camera's first recorded
	                                   instant and the end of its last
	                                   recording; EX_INSTANT_NONE when it
	                                   holds no readable footage */
	ex_span before, after;          /* the recorded spans nearest the
	                                   range: the last ending at or before
	                                   its start, the first starting at or
	                                   after its end; both members
	                                   EX_INSTANT_NONE when there is none */
} ex_export_coverage;

typedef struct ex_export_plan {
	ex_archive *archive;            /* the requested cameras only */
	ex_instant from, to;            /* the range, true time */
	int64_t clock_offset;
	ex_export_coverage *cameras;    /* in request order */
	size_t ncameras;
	char *archive_path;             /* as requested */
} ex_export_plan;

/* A warning for the operator: damage, gaps, missing cameras' footage. */
typedef struct ex_export_note {
	char *camera;
	char *message;
} ex_export_note;

typedef struct ex_export_result {
	size_t files;                   /* payload files written */
	uint64_t bytes;                 /* bundle bytes written */
	ex_export_note *notes;
	size_t nnotes;
	char manifest_sha256[65];
	char signer_key_id[EX_KEYID_TEXT];
	int64_t register_row;           /* the row recorded; 0: none */
	char *register_path;            /* the register it is in, or NULL */
} ex_export_result;

#define EX_EXPORT_DEFAULT_SEGMENT 60

/* The quick checks and the coverage of req (see above); *out belongs to
 * the caller (ex_export_plan_free) and must outlive any ex_export that is
 * given it.  req->key, req->now and the progress fields are not used. */
ex_status ex_export_prepare(const ex_export_request *req,
    ex_export_plan **out, ex_error *err);
void ex_export_plan_free(ex_export_plan **plan);

ex_status ex_export(const ex_export_request *req, ex_export_result **out,
    ex_error *err);
void ex_export_result_free(ex_export_result **res);

#ifdef __cplusplus
}
#endif

#endif

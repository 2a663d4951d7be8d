/*
 * exhibit/archive.h — recorder archives and the timeline they hold.
 *
 * ex_archive_open() detects the layout of a folder (indexed recorder.xml,
 * Frigate NVR, plain camera folders), settles each segment file's facts
 * (probing it read-only with libavformat, or from the segment index, or,
 * when the options allow, from its name alone: see ex_segment.facts and
 * ex_archive_options), and builds a timeline per camera: segments in
 * start order, the gaps between them, overlaps, and files that could not
 * be read.  With a range it lists and probes only the files the range
 * needs.  Damage is data, not failure: an unreadable segment is kept with
 * state EX_SEG_UNREADABLE and its reason.  So is an entry named like a
 * segment that is not a regular file (a FIFO, a folder, a device, a link
 * loop: see refused); it is never opened for reading, so it cannot make
 * exhibit wait.  ex_archive_open fails only when the archive as a whole
 * cannot be read (no such folder, unknown layout, malformed recorder.xml).
 *
 * Ownership: the ex_archive and everything reachable from it belong to
 * the archive and are freed by ex_archive_free(); strings are NUL-terminated
 * UTF-8.  Times are ex_instant on the RECORDER's clock (no clock offset
 * applied: that is the export's job, see exhibit/time.h).
 */
#ifndef EXHIBIT_ARCHIVE_H
#define EXHIBIT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/error.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ex_layout {
	EX_LAYOUT_INDEXED = 1,    /* recorder.xml */
	EX_LAYOUT_FRIGATE,        /* recordings/YYYY-MM-DD/HH/<camera>/MM.SS.mp4 */
	EX_LAYOUT_PLAIN           /* <camera>/<file> */
} ex_layout;

typedef enum ex_segment_state {
	EX_SEG_OK = 0,            /* probed and fully readable */
	EX_SEG_DAMAGED,           /* partly readable (e.g. truncated) */
	EX_SEG_UNREADABLE         /* nothing usable (empty, not media, ...) */
} ex_segment_state;

/* In-stream signatures a camera writes into its video (SEI user data
 * unregistered messages with the framework's UUID). */
#define EX_SIGNED_AXIS  0x1u    /* Axis Signed Video */
#define EX_SIGNED_ONVIF 0x2u    /* ONVIF Media Signing */

/* The names of the signatures in flags, space-separated, as the manifest
 * writes them ("axis-signed-video onvif-media-signing"); "" for none.
 * Returns the length written (truncated to fit size). */
size_t ex_signatures_names(unsigned flags, char *buf, size_t size);

/* One stream of a segment file, as probed. */
typedef struct ex_segment_stream {
	char type[16];            /* "video", "audio", "subtitle", "data",
	                             "attachment", "unknown" */
	char codec[32];           /* FFmpeg's codec name, or the stream's
	                             tag when FFmpeg has none ("tmcd") */
} ex_segment_stream;

typedef struct ex_segment {
	char *path;               /* path to open (root joined with relpath) */
	char *relpath;            /* path relative to the archive root, '/'-separated */
	ex_instant start;         /* recorder-clock instant of the first video frame */
	ex_instant end;           /* instant just after the last video frame
	                             (last frame's time + its duration) */
	ex_instant last_frame;    /* presentation time of the last video frame
	                             (EX_INSTANT_NONE when unreadable) */
	int64_t size;             /* bytes */
	ex_segment_state state;
	char *problem;            /* why DAMAGED/UNREADABLE, NULL when OK */
	int refused;              /* 1: nothing at path is read, now or by
	                             the export: not a regular file (a
	                             FIFO, a folder, a device, a socket, a
	                             link loop), cannot be opened, or a
	                             link that leads outside the archive.
	                             UNREADABLE; no bytes to keep */
	/* From probing (zero/empty when unreadable). */
	char container[32];       /* "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "mpegts" */
	char codec[32];           /* "h264", "hevc" */
	int width, height;
	int fps_num, fps_den;     /* average frame rate, 0/0 if unknown */
	int64_t frames;           /* video frames counted, -1 if not counted */
	int64_t keyframes;        /* keyframes counted, -1 if not counted */
	int vfr;                  /* 1 when frame durations vary */
	ex_segment_stream *streams;       /* every stream, in file order */
	size_t nstreams;
	unsigned signatures;      /* EX_SIGNED_* seen in the video's SEI */
	/* Where the start time came from: "index", "path", "container". */
	const char *time_source;
	/* SHA-256 the recorder wrote for this file (lower-case hex), or "" */
	char recorder_sha256[65];
	/* Where the facts beyond start came from: "probe" (the file was
	 * opened now), "index" (the segment index kept them from an earlier
	 * probe of this very file), "name" (not opened: the layout's name
	 * says when it starts, and its end is the next segment's start;
	 * frames, codec and streams unknown).  Never "name" in an export. */
	const char *facts;
} ex_segment;

typedef struct ex_span {
	ex_instant start, end;    /* [start, end) */
} ex_span;

typedef struct ex_camera {
	char *id;                 /* as used on the command line (--camera) */
	char *name;               /* human name, or NULL */
	char *location;           /* or NULL */
	ex_segment *segments;     /* sorted by start; unreadable ones last */
	size_t nsegments;
	ex_span *covered;         /* maximal recorded spans, in order */
	size_t ncovered;
	ex_span *gaps;            /* holes between covered spans */
	size_t ngaps;
	ex_span *overlaps;        /* times recorded by more than one segment */
	size_t noverlaps;
	ex_instant *covered_last; /* per covered span, the time of its last
	                             frame (EX_INSTANT_NONE when unknown) */
	/* Counts over every segment listed.  In a summary (see
	 * ex_archive_options.summary) segments[] keeps only those that are
	 * not ok, so nsegments is smaller than nlisted. */
	size_t nlisted;
	size_t nstate[3];         /* by ex_segment_state */
	size_t nprobed, nindexed, nnamed;  /* facts from a probe now, from
	                             the index, from names (ex_segment.facts) */
	ex_segment_stream *kinds; /* each (type, codec) seen, in order seen */
	size_t nkinds;
	unsigned signatures;      /* EX_SIGNED_* seen in any segment */
	size_t nsigned;           /* segments with in-stream signatures */
} ex_camera;

typedef struct ex_recorder_info {
	char *make, *model, *serial, *site;   /* NULL when not known */
	char *timezone;           /* IANA zone of the recorder, or NULL */
} ex_recorder_info;

typedef struct ex_archive {
	ex_layout layout;
	char *root;               /* the archive folder as resolved */
	ex_recorder_info recorder;
	ex_camera *cameras;       /* sorted by id */
	size_t ncameras;
	/* Sentences for the operator about the segment index (damaged and
	 * rebuilt, not usable), to be shown as warnings; may be empty. */
	char **notes;
	size_t nnotes;
	char *index_path;         /* the segment index used, or NULL */
} ex_archive;

/* Progress of ex_archive_open, reported from the calling thread. */
typedef struct ex_archive_progress {
	size_t listed;            /* segment files listed so far */
	size_t probed;            /* of which opened and read now */
	size_t indexed;           /* of which known from the segment index */
	const char *where;        /* the folder being read (relative), or "" */
} ex_archive_progress;

typedef struct ex_archive_options {
	const char *camera;       /* only this camera (NULL: all) */
	const char *const *cameras;       /* or only these (ncameras of them;
	                                     NULL: all): the others are not
	                                     even probed */
	size_t ncameras;
	const char *zone;         /* zone for names without an offset
	                             (plain layout); NULL: recorder's or
	                             EX_TIME_DEFAULT_ZONE */
	int count_frames;         /* 1: read every packet to count frames and
	                             find the exact end (slower, exact) */
	/* Recorder-sized archives. */
	ex_instant from, to;      /* from < to: only the files that can hold
	                             part of [from, to) (recorder clock) are
	                             listed and probed, each afresh (the index
	                             at most guides the choice), and the
	                             neighbour before them is checked not to
	                             reach into it (export).  Else the whole
	                             archive. */
	int deep;                 /* 1: open every file (the index still
	                             answers for files it knows unchanged);
	                             0: only what the layout and the index
	                             cannot say (see ex_segment.facts) */
	int summary;              /* 1: keep only the timeline, the counts and
	                             the segments that are not ok: memory does
	                             not grow with the archive's length for
	                             layouts listed folder by folder */
	int no_cache;             /* 1: do not use the segment index */
	unsigned jobs;            /* threads that probe (0: one per processor) */
	void (*progress)(void *user, const ex_archive_progress *p);
	void *progress_user;
} ex_archive_options;

/* Name of a layout: "indexed", "frigate", "plain". */
const char *ex_layout_name(ex_layout layout);
const char *ex_segment_state_name(ex_segment_state state);

ex_status ex_archive_open(const char *path, const ex_archive_options *opts,
    ex_archive **out, ex_error *err);
void ex_archive_free(ex_archive **archive);

/* The camera with this id, or NULL. */
const ex_camera *ex_archive_camera(const ex_archive *archive, const char *id);

/* ---- the scan report (src/lib/archive/scan_xml.c) ---------------------- */
/* The time of the last frame of a covered span of camera c: that of the
 * segment that ends the span (EX_INSTANT_NONE when unknown). */
ex_instant ex_camera_span_last_frame(const ex_camera *c, const ex_span *sp);
/* usec as "12.345" seconds, truncated to the millisecond, in buf. */
char *ex_span_seconds(int64_t usec, char *buf, size_t size);
/*
 * The archive as an XML document in namespace urn:exhibit:scan:1
 * (schemas/scan.xsd), local times in zone; strings from the archive are
 * escaped as a terminal shows them (exhibit/text.h, ex_text_escape).  On
 * success *xml is a malloc'd NUL-terminated document of *len bytes, owned
 * by the caller; on failure NULL and 0 (EX_ERR_NOMEM).
 */
ex_status ex_archive_xml(const ex_archive *a, const char *zone, char **xml,
    size_t *len, ex_error *err);
/* ---- end of the scan report ------------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif

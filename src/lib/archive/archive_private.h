/*
 * archive_private.h — what the recorder archive readers share inside
 * libexhibit (not part of the public interface, see exhibit/archive.h).
 *
 * ex_archive_open (detect.c) resolves the folder and walks the table of
 * layouts: each layout (indexed.c, frigate.c, plain.c) registers an
 * archive_layout, a bid that recognises a folder by its own signs and a
 * reader.  A reader only lists cameras and segment files with the start
 * its index or file name gives (cheap, no media access), through the
 * builder of model.c, and hands them to the walk (walk.c) folder by
 * folder; the walk settles each file's facts (segment index, probe.c, or
 * names), resolves starts from the container where the reader found none,
 * and builds each camera's timeline (timeline.c); detect.c then drops
 * cameras that were not asked for (their files were never opened).
 *
 * Conventions beyond exhibit/archive.h: an UNREADABLE segment keeps the
 * start its index or name gave (or EX_INSTANT_NONE) and has end ==
 * EX_INSTANT_NONE; it covers nothing.  Video packets are always read (no
 * decoding; fast), so frames/keyframes are always counted and
 * ex_archive_options.count_frames changes nothing for now.
 *
 * Ownership: everything added with the helpers below belongs to the
 * archive and is freed by ex_archive_free().
 */
#ifndef EXHIBIT_ARCHIVE_PRIVATE_H
#define EXHIBIT_ARCHIVE_PRIVATE_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/archive.h"

/* schemas/recorder.xsd, embedded at build time (recorder_xsd.c). */
extern const unsigned char ex_recorder_xsd[];
extern const size_t ex_recorder_xsd_len;

/* Largest recorder.xml accepted. */
#define ARCHIVE_INDEX_MAX (16 * 1024 * 1024)

/* --- building an archive (model.c) ------------------------------------- */

/* Find the camera with this id or append a new one (cameras are sorted
 * later).  Returns its index in archive->cameras, or -1 (err set). */
long archive_add_camera(ex_archive *archive, const char *id,
    ex_error *err);

/* Append a segment to camera `cam` for the file at relpath ('/'-separated,
 * relative to archive->root); path becomes root + "/" + relpath.  start is
 * the time from the index or the file name, or EX_INSTANT_NONE (then the
 * container's creation time is used after probing).  Returns the new
 * segment (valid until the next add), or NULL (err set). */
ex_segment *archive_add_segment(ex_archive *archive, size_t cam,
    const char *relpath, ex_instant start, const char *time_source,
    ex_error *err);

/* Mark a segment unreadable with a printf-style reason (keeps the first
 * reason if it already has one). */
void archive_segment_problem(ex_segment *seg, ex_segment_state state,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same for a segment of which nothing is to be read (state
 * UNREADABLE, seg->refused = 1; see exhibit/archive.h). */
void archive_segment_refuse(ex_segment *seg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Is path (a file, possibly a symlink) inside the folder root_real (a
 * realpath())?  1 yes, 0 no (it leaves the archive), -1 it does not exist
 * or cannot be resolved (errno set). */
int archive_path_inside(const char *root_real, const char *path);

/* Is relpath a safe relative path: not empty, not absolute, no "." or ".."
 * component, no empty component, no backslash or control character?
 * Returns NULL when safe, else a short reason. */
const char *archive_relpath_problem(const char *relpath);

/* Free what a camera holds (not the camera itself). */
void archive_camera_free(ex_camera *c);

/* Is path a folder (following links)? */
int archive_is_dir(const char *path);
/* The visible entries of dir (not starting with '.'), sorted: scandir's
 * count (-1 with errno when dir cannot be read) and *list, freed with
 * archive_list_free(). */
int archive_list(const char *dir, struct dirent ***list);
void archive_list_free(struct dirent **list, int n);
/* Does some visible entry of dir pass what(path, name) (path: dir joined
 * with the entry's name)?  0 when dir cannot be read. */
int archive_holds(const char *dir, int (*what)(const char *path,
    const char *name));

/* --- the walk: listing, settling, the timeline (walk.c) --------------- */

struct archive_index;
struct archive_wcam;

/*
 * One ex_archive_open: what is listed and how each listed segment's facts
 * are settled (segment index, probe, or names), folder by folder.
 *
 * A layout lists segments with archive_add_segment and may call
 * archive_walk_flush(w, cam, 0) whenever the segments it listed for cam so
 * far all start before any it will list later (Frigate: after each
 * camera-hour folder); detect.c calls archive_walk_flush(w, cam, 1) for
 * every camera at the end.  A flush settles what is new (the last segment
 * waits for the next flush, which knows its successor), adds it to the
 * camera's timeline and, in a summary, keeps only the segments not ok.
 *
 * With a range (window), nothing is settled until the final flush: then
 * only the segments whose listed start falls in [lo, hi), those without
 * a listed start that can reach it, and the nearest segments before lo
 * and after hi are kept and probed afresh.  When that neighbour reaches into the range
 * (or cannot be read), lo must move before it: widen is set to the new
 * lo and detect.c lists again.
 */
typedef struct archive_walk {
	ex_archive *a;
	const ex_archive_options *opts;
	int window;               /* 1: list [lo, hi) and the segment before */
	ex_instant lo, hi;
	ex_instant widen;         /* set by the final flush: list from here */
	struct archive_index *ix; /* or NULL: no index (not wanted, none) */
	int ix_tried;             /* the index was opened (or failed to) */
	struct archive_wcam *cams;        /* per camera of a->cameras */
	size_t ncams;
	unsigned jobs;
	ex_archive_progress prog;
} archive_walk;

/* Set up a walk of a for opts (window from opts->from/to widened by a
 * margin); archive_walk_done releases what it holds (not a). */
ex_status archive_walk_init(archive_walk *w, ex_archive *a,
    const ex_archive_options *opts, ex_instant lo, ex_error *err);
void archive_walk_done(archive_walk *w);
/* Is camera id asked for? */
int archive_walk_wants(const archive_walk *w, const char *id);
/* Can segments listed as starting in [start, end) be wanted (the window,
 * or anything when there is none)? */
int archive_walk_meets(const archive_walk *w, ex_instant start,
    ex_instant end);
/* Is there a segment of camera cam listed before lo (after: at or after
 * hi), the neighbours a window needs? */
int archive_walk_has_before(const archive_walk *w, size_t cam, int after);
ex_status archive_walk_flush(archive_walk *w, size_t cam, int final,
    ex_error *err);
/* A note for the operator (copied into a->notes); NULL is ignored. */
void archive_walk_note(archive_walk *w, char *note);

/* --- the layouts (indexed.c, frigate.c, plain.c) ----------------------- */

/* One layout, as detect.c's table holds it (libarchive's format
 * registration). */
typedef struct archive_layout {
	ex_layout layout;
	const char *name;         /* ex_layout_name */
	const char *sign;         /* as a "one folder off" message names it */
	/* 1: recognised by its own signs (recorder.xml, a recordings/
	 * folder); 0: the layout of a folder that shows none. */
	int strong;
	/* Does the folder dir look like this layout? */
	int (*bid)(const char *dir);
	/* List cameras and segments of w->a->root (already resolved) that
	 * the walk wants (archive_walk_wants, archive_walk_meets); zone for
	 * times without an offset. */
	ex_status (*read)(struct archive_walk *w, const char *zone,
	    ex_error *err);
} archive_layout;

extern const archive_layout archive_indexed;
extern const archive_layout archive_frigate;
extern const archive_layout archive_plain;

/* Does dir hold a file whose name carries a start time as the plain
 * layout spells it (a camera folder)? */
int archive_plain_is_camera(const char *dir);

/* Start time from a plain-layout file name: "YYYYMMDDTHHMMSSZ" anywhere in
 * the name (UTC), else "YYYY-MM-DDTHH-MM-SS" (local time in zone).
 * EX_OK with *out set; EX_ERR_FORMAT when the name holds no time (no
 * message needed); EX_ERR_TIME for an ambiguous/impossible local time or
 * an unknown zone (message set). */
ex_status archive_plain_time_from_name(const char *name, const char *zone,
    ex_instant *out, ex_error *err);

/* --- in-stream signatures (sei.c) -------------------------------------- */

/* The EX_SIGNED_* flags of the SEI messages in one video packet: NAL
 * units after a length of length_size bytes (1-4: MP4, Matroska), or
 * after start codes (0: Annex B, MPEG-TS and MPEG-PS). */
unsigned archive_sei_signatures(const unsigned char *data, size_t size,
    int hevc, int length_size);
/* The NAL length size that extradata (avcC or hvcC) gives, 0 for Annex B
 * or no extradata. */
int archive_sei_length_size(const unsigned char *extradata, size_t size,
    int hevc);

/* --- probing (probe.c) ------------------------------------------------- */

/* Probe seg->path read-only with libavformat and fill the probe fields,
 * state and problem of seg.  Media trouble is never an error: it becomes
 * seg->state and seg->problem.  On return *first_offset is the first video
 * frame's time relative to the container's zero and *length the time from
 * the first video frame to the end of the last, *last_offset from the first
 * video frame to the last one (all microseconds, 0 when
 * unknown), *created the container's creation time or EX_INSTANT_NONE.
 * Fails only for out-of-memory. */
ex_status archive_probe_segment(ex_segment *seg, int64_t *first_offset,
    int64_t *length, int64_t *last_offset, ex_instant *created,
    ex_error *err);

/* FFmpeg's log capture is the base layer's (base_av.h). */

/* --- the timeline (timeline.c) ----------------------------------------- */

/* Sort the camera's segments (readable by start, then unreadable by path)
 * and compute covered spans, gaps and overlaps.  A segment that starts
 * within one frame duration of the previous end continues the span. */
ex_status archive_timeline_build(ex_camera *camera, ex_error *err);
/* Sort the camera's segments as archive_timeline_build does, with this
 * qsort order. */
void archive_timeline_sort(ex_camera *camera);
int archive_timeline_cmp(const void *a, const void *b);

/* The same built as segments arrive, in start order (a walk's flushes):
 * reset, add each segment (unusable ones are ignored), end. */
typedef struct archive_tl {
	ex_span cur;
	int64_t tol;
	ex_instant last;          /* last frame of the segment ending cur */
	int open;
	size_t capc, capl, capg, capo;
} archive_tl;
void archive_tl_reset(ex_camera *c, archive_tl *tl);
ex_status archive_tl_add(ex_camera *c, archive_tl *tl, const ex_segment *s,
    ex_error *err);
ex_status archive_tl_end(ex_camera *c, archive_tl *tl, ex_error *err);
/* Is s usable in a timeline (readable, with start and end)? */
int archive_segment_usable(const ex_segment *s);

#endif

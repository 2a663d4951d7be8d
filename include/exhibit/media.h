/*
 * exhibit/media.h — the media pipeline: native cuts and working copies.
 *
 * Both functions take one camera's segments (exhibit/archive.h; times on
 * the RECORDER's clock) and a range in TRUE time, and write MP4 files into
 * an existing folder:
 *
 *   ex_media_native()   the range cut from the original streams without
 *                       re-encoding, from the keyframe at or before `from`
 *                       to the last video packet before `to`: the video
 *                       stream, and every audio and subtitle stream MP4
 *                       can carry, packet for packet (see below).
 *   ex_media_working()  the range, frame-accurate (first frame at or after
 *                       `from`, last frame before `to`, none dropped or
 *                       repeated), camera and date/time burned into every
 *                       frame, re-encoded to H.264 yuv420p, original frame
 *                       timing kept, split into files of segment_usec.
 *
 * Time: a packet's recorder instant is its segment's start plus its pts
 * minus the segment's first pts; true = recorder - clock_offset
 * (exhibit/time.h).  Segments are taken in array order (the archive keeps
 * them sorted by start); unreadable ones (EX_SEG_UNREADABLE) and those
 * outside the range are skipped.  A hole in the timeline (more than 1.5
 * frame durations between one segment's last frame and the next one's
 * first) or a change of codec or picture size starts a new output file.
 *
 * Output naming: files are always numbered, "<base>-001.mp4",
 * "<base>-002.mp4", ... in time order, even when there is only one.  An
 * existing file of that name is never overwritten (EX_ERR_EXISTS).  All
 * outputs are MP4 with the index (moov) before the data (faststart),
 * written with AVFMT_FLAG_BITEXACT; the mvhd creation_time is the true
 * time of the file's first frame (whole seconds, as MP4 stores it).  H.264
 * is tagged avc1 and H.265 hvc1.
 *
 * The burn-in's own record: a working copy with the burn-in carries, after
 * its video stream (stream 0, the default), a mov_text (tx3g) subtitle
 * stream (language "eng", handler name "Burned-in time") with one cue per
 * frame, shown from the frame's timestamp for its duration.  A cue's text
 * is the very strings drawn on that frame below the label: the time line
 * ("2024-10-27 01:59:59.960 BST") and, when a clock offset is applied, the
 * correction line, separated by '\n'.  The MP4 muxer marks the first
 * track of each kind enabled, so players that show timed text may show it.
 * A still (ex_media_still) records the lines it draws in an iTXt chunk
 * (keyword "Burned-in text", UTF-8, lines separated by '\n').
 *
 * Streams other than the video (native copies): an audio stream of AAC,
 * MP3, AC-3, E-AC-3 or Opus, and a mov_text subtitle stream, is copied
 * packet for packet: the packets whose start lies within the video cut
 * (from its first keyframe to the end of its last frame), on the same
 * clock as the video, so they stay in sync.  A QuickTime timecode track
 * (tmcd) becomes the MP4's timecode track, restarted at the timecode of
 * the cut's first frame.  Anything else is left out, and the file's
 * streams say so and why: PCM and G.711 (A-law, mu-law) audio, which
 * FFmpeg's MP4 muxer does not take (the working copy carries it as AAC),
 * data tracks (telemetry and the like), other subtitle formats,
 * attachments and further video streams.  Nothing is filtered: the
 * video packets, and the in-stream data in them (SEI messages, including
 * signed-video signatures), are written as they were read (MPEG-TS
 * sources' Annex B start codes become MP4 length prefixes, and their
 * AAC's ADTS headers are dropped: the muxer's framing, not the data).
 *
 * Audio in working copies: the source's main audio stream (FFmpeg's
 * choice among several; any codec FFmpeg decodes, G.711 and PCM
 * included), decoded and encoded as AAC-LC by FFmpeg's native encoder
 * (64 kbit/s mono, 128 kbit/s stereo, at most 6 bits a sample), at the
 * source's own sample rate (not resampled; a rate AAC cannot store
 * leaves the sound out, with the reason) and in one or two channels (the
 * first two of more).  It is
 * stream 2, after the burn-in's cue track, or stream 1 without a
 * burn-in.  It covers exactly the file's frames: the first sample at the
 * first frame's time, the last at the end of the last frame (silence
 * fills where the source has none), so picture and sound stay within one
 * AAC frame (1024 samples) of each other.  A file takes its sound format
 * from the first footage of the call that has sound; footage with none
 * (or of another rate) gets silence in a file that has sound.
 *
 * Orientation (working copies): a source whose display matrix turns its
 * pictures (a camera mounted on its side) is turned upright, to the
 * nearest quarter turn as FFmpeg's player does, before the burn-in: the
 * working copy carries no rotation and its text reads level.  A native
 * copy keeps the source's display matrix.
 *
 * Colour (working copies): always yuv420p in limited (TV) range.  A
 * full-range source (yuvj420p, or tagged full range) is converted by
 * swscale told both ranges.  The colour primaries, transfer and matrix
 * are the source's where it states them, otherwise what players assume
 * for the picture size: BT.709 for HD (wider than 1024 or taller than
 * 576), BT.601 for SD (BT.470BG primaries and matrix for 576 and 288
 * lines, SMPTE 170M otherwise).
 *
 * Damage is data, not failure: a segment that cannot be opened is skipped
 * and a read or decode error is recorded in the result's problems; neither
 * fails the call.  A range with no frames at all succeeds with no files.
 * A call fails (and deletes every file it wrote) on a bad argument, an
 * output that cannot be written, an encoder failure, or a cancel request
 * (EX_ERR_INTERRUPTED).
 *
 * Recorder files are opened read-only through libavformat restricted to
 * the file protocol and the mov/mp4, matroska and mpegts demuxers, with a
 * bounded probe size.  The library installs no FFmpeg log callback and
 * does not change the log level: that is the application's choice.
 *
 * Threads: ex_media_working decodes and burns in on a thread of its own
 * that it starts and joins, feeding the encoder on the calling thread
 * through a queue of a few frames (memory does not grow with the range);
 * progress reports and the result are made on the calling thread.
 *
 * Ownership: the ex_media_result returned belongs to the caller and is
 * freed with ex_media_result_free(); every string and array in it belongs
 * to it.  Inputs (segments, range, options, control) are only read during
 * the call and may be freed afterwards.  Each call is independent: several
 * may run at once in different threads (one per camera).
 */
#ifndef EXHIBIT_MEDIA_H
#define EXHIBIT_MEDIA_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/archive.h"
#include "exhibit/error.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EX_MEDIA_DEFAULT_PRESET "medium"
#define EX_MEDIA_DEFAULT_CRF 18
#define EX_MEDIA_DEFAULT_SEGMENT_USEC (60 * EX_USEC_PER_SEC)

/* What to export: [from, to) in TRUE time. */
typedef struct ex_media_range {
	ex_instant from;          /* true time: first instant wanted */
	ex_instant to;            /* true time: end, exclusive */
	int64_t clock_offset;     /* recorder minus true, microseconds */
	const char *zone;         /* IANA zone for the burned-in time;
	                             NULL: EX_TIME_DEFAULT_ZONE */
} ex_media_range;

/* Called from the exporting thread at most about 4 times a second, and
 * once at the end: frames written so far, and an estimate of the frames
 * the range holds (from the segments' frame rates; may be off). */
typedef void (*ex_media_progress_fn)(void *user, int64_t done,
    int64_t expected);

typedef struct ex_media_control {
	ex_media_progress_fn progress;   /* NULL: no progress reports */
	void *progress_user;
	/* Checked for every packet or frame; when it becomes non-zero the call
	 * stops, deletes the files it wrote and returns EX_ERR_INTERRUPTED. */
	const volatile sig_atomic_t *cancel;
} ex_media_control;

/* What became of one stream of the source in a file written. */
typedef enum ex_media_fate {
	EX_MEDIA_KEPT = 1,        /* copied packet for packet */
	EX_MEDIA_REENCODED,       /* decoded and encoded again (out_codec) */
	EX_MEDIA_LEFT_OUT         /* not in the file; reason says why */
} ex_media_fate;

typedef struct ex_media_stream {
	int source_index;         /* stream index in the source file */
	char type[16];            /* "video", "audio", "data", "subtitle",
	                             "attachment", "unknown" */
	char codec[32];           /* the source's codec ("h264", "aac",
	                             "pcm_alaw"), or for a stream FFmpeg has
	                             no codec for its tag ("tmcd", "gpmd") */
	ex_media_fate fate;
	int output_index;         /* stream index in the file; -1 left out */
	char out_codec[32];       /* in the file: "h264", "aac", "tmcd" ...;
	                             "" when left out */
	char *reason;             /* plain words: why left out, or how it was
	                             carried when not as is; NULL otherwise */
	int64_t packets;          /* packets written (kept streams) */
} ex_media_stream;

/* One file written. */
typedef struct ex_media_file {
	char *path;               /* outdir "/" name */
	char *name;               /* "<base>-NNN.mp4" */
	ex_instant first_recorder, first_true;  /* first frame (presentation order) */
	ex_instant last_recorder, last_true;    /* last frame */
	ex_instant end_recorder, end_true;      /* last frame + its duration */
	int64_t frames;           /* video frames (packets for native) */
	char codec[32];           /* "h264", "hevc" */
	int width, height;
	char **sources;           /* relpaths of the segments it was made from */
	size_t nsources;
	/* Every stream of the (first) source segment and what became of it
	 * in this file, in source order; the camera's video stream is
	 * always there (kept for native, re-encoded as h264 for working). */
	ex_media_stream *streams;
	size_t nstreams;
} ex_media_file;

/* Something wrong met in an input; never fatal. */
typedef struct ex_media_problem {
	char *source;             /* segment relpath */
	ex_instant at_recorder;   /* where, or EX_INSTANT_NONE for the whole file */
	ex_instant at_true;       /* the same in true time, or EX_INSTANT_NONE */
	int skipped;              /* 1: the whole segment was skipped */
	char *message;            /* "decode error: Invalid data found ..." */
} ex_media_problem;

typedef struct ex_media_result {
	ex_instant requested_from, requested_to;   /* true time, as asked */
	/* True time of the first frame written and the end of the last one;
	 * EX_INSTANT_NONE when no file was written.  For a native cut
	 * actual_from is the keyframe's time, usually before requested_from. */
	ex_instant actual_from, actual_to;
	ex_media_file *files;     /* in time order */
	size_t nfiles;
	ex_media_problem *problems;
	size_t nproblems;
	size_t problems_dropped;  /* problems not listed (beyond a cap) */
} ex_media_result;

void ex_media_result_free(ex_media_result **result);

/*
 * Cut [range->from, range->to) from segs[0..nsegs) into
 * outdir/<base>-NNN.mp4 without re-encoding.  Each file starts on a
 * keyframe (the first at or before `from` for the first file) with pts 0,
 * and ends with the last packet, in decode order, whose frame is shown
 * before `to`.  ctl may be NULL.
 */
ex_status ex_media_native(const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, const char *outdir, const char *base,
    const ex_media_control *ctl, ex_media_result **out, ex_error *err);

typedef struct ex_media_working_options {
	const char *preset;       /* libx264 preset; NULL: EX_MEDIA_DEFAULT_PRESET */
	int crf;                  /* < 0: EX_MEDIA_DEFAULT_CRF */
	int threads;              /* libx264 threads; <= 0: 1.  Decoding
	                             and the burn-in run in one more thread
	                             beside the encoder (its decoder uses 1
	                             thread per 4 of these, 1 to 2).  Output
	                             bytes are identical for the same value
	                             (and x264 build), however the threads
	                             interleave. */
	int64_t segment_usec;     /* content per file; <= 0: 60 s */
	/* First burned-in line, e.g. "CAM1 High Street North   Exhibit ABC/1";
	 * NULL: none.  The frame's true time in range->zone follows
	 * ("2024-10-27 01:59:59.960 BST"), and when clock_offset is not zero a
	 * line "recorder clock corrected by -2.500 s". */
	const char *label;
	int no_overlay;           /* 1: burn nothing in */
	/* Redaction (exhibit/mask.h): the masks of `camera` active at a
	 * frame's true time are drawn into it before the burn-in (working
	 * copies and stills).  NULL: none. */
	const struct ex_mask_set *masks;
	const char *camera;
} ex_media_working_options;

/*
 * Make the working copy of [range->from, range->to) from segs[0..nsegs)
 * into outdir/<base>-NNN.mp4.  Every file starts with an IDR frame; frame
 * timestamps are the frames' true times relative to the file's first
 * frame (variable frame rate preserved).  opts and ctl may be NULL.
 */
ex_status ex_media_working(const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, const ex_media_working_options *opts,
    const char *outdir, const char *base, const ex_media_control *ctl,
    ex_media_result **out, ex_error *err);

/*
 * A still picture: the frame shown at true time `at` (the last frame whose
 * true time is at or before `at`, provided `at` falls within that frame's
 * duration), with the same burn-in as a working copy (opts->label, the
 * frame's own true time in range->zone, the correction line), drawn in the
 * decoder's pixel format and then converted to RGB (8 bits per channel) and
 * written as outdir/<base>.png.  Only opts->label, opts->no_overlay and
 * opts->threads are used; opts may be NULL.
 *
 * The result has one file (name "<base>.png", codec "png", frames 1,
 * first/last the frame's time, end the end of its duration, sources the
 * segment it came from), or none when no frame is shown at `at` (a gap, or
 * only damaged footage there: the damage is in the problems).  `at` must
 * lie in [range->from, range->to) (EX_ERR_USAGE otherwise).  An existing
 * file is never overwritten (EX_ERR_EXISTS); on failure nothing is left.
 */
ex_status ex_media_still(const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, ex_instant at,
    const ex_media_working_options *opts, const char *outdir,
    const char *base, ex_media_result **out, ex_error *err);

/* The picture's size as displayed (turned upright, as working copies and
 * stills are): what mask coordinates (exhibit/mask.h) are pixels of. */
ex_status ex_media_display_size(const char *path, int *width, int *height,
    ex_error *err);

/* Buffers of EX_MEDIA_CORRECTION_BUFSZ always suffice. */
#define EX_MEDIA_CORRECTION_BUFSZ 64

/*
 * The burn-in's correction line for a clock offset (recorder minus true,
 * microseconds): the correction applied is -offset, e.g. offset 2.5 s
 * gives "recorder clock corrected by -2.500 s" and -0.040 s gives
 * "... by +0.040 s".  Milliseconds are shown, or microseconds ("-0.000500
 * s") when the offset is not a whole number of milliseconds, so a non-zero
 * correction never reads as zero.  Offset 0 gives "".  Returns buf.
 */
char *ex_media_correction_text(int64_t clock_offset, char *buf, size_t size);

/*
 * A PNG of the first frame of the video at video_path (a regular file,
 * opened as every recorder file is: src/lib/base_av.h), scaled to at most
 * max_width pixels wide (never wider than the picture) keeping the display
 * aspect ratio, RGB 24-bit: the thumbnails of index.html.  Scaled and
 * encoded bit-exactly, so the same file gives the same bytes.  *png is
 * malloc'd and freed by the caller.  EX_ERR_MEDIA (naming the file) when
 * it cannot be opened or has no decodable video frame; EX_ERR_USAGE for no
 * path or a max_width below 1.
 */
ex_status ex_media_thumbnail(const char *video_path, int max_width,
    unsigned char **png, size_t *len, ex_error *err);

#ifdef __cplusplus
}
#endif

#endif

/*
 * working_private.h — what the two sides of a working copy share: the
 * call's state, split between the decoding thread (working.c) and the
 * calling thread that encodes and writes the files (working_encode.c).
 * Not installed.
 */
#ifndef EXHIBIT_MEDIA_WORKING_PRIVATE_H
#define EXHIBIT_MEDIA_WORKING_PRIVATE_H

#include "exhibit/overlay.h"
#include "media/media_private.h"

#define TIME_BASE_90K ((AVRational){ 1, 90000 })

/* The decoding thread's state. */
typedef struct media_decoding {
	ex_overlay *ov;
	int ov_width, ov_height;  /* the picture size ov was made for */
	media_conv conv;          /* conversion to yuv420p, turned pictures */
	int rotation;             /* degrees clockwise the open segment's
	                             pictures are turned to stand upright
	                             (its display matrix): 0, 90, 180, 270 */
	ex_instant last_true;     /* last frame kept */
	ex_instant prev_end_rec;  /* end of the last frame kept (recorder) */
	ex_instant prev_dur;
	int split_pending;        /* a hole in the timeline: next frame starts a file */
	int64_t repeats;          /* frames of this segment already covered */
	/* The sound: the call's format (0 until a segment has sound), and
	 * the open segment's reader, its stream and why it has none. */
	int arate, achannels;
	media_audio_in *ain;
	int aindex;
	const char *awhy;
} media_decoding;

/* The state of one ex_media_working call. */
typedef struct media_working {
	media_job job;
	const char *preset;
	int crf, threads, overlay;
	int64_t segment_usec;
	const char *label;
	const ex_mask_set *masks;     /* drawn before the burn-in, or NULL */
	const char *camera;
	ex_instant from_rec, to_rec;
	const ex_segment *segs;
	size_t nsegs;
	media_queue *q;
	media_decoding d;             /* decoding thread only */
	/* The calling (encoding) thread only.  The open output file: */
	media_out *out;
	AVCodecContext *enc;
	media_audio_out *aout; /* its sound, or NULL */
	int aout_rate;
	AVPacket *epkt;
	size_t file;              /* its index in job.res */
	ex_instant file_first_true;
	int width, height;
	enum AVPixelFormat src_fmt;
	ex_instant prev_dur;      /* duration of the last frame encoded */
} media_working;

/* Take frames from the decoding thread and encode them into files until
 * it ends (calling thread). */
ex_status media_working_encode_all(media_working *w, ex_error *err);
/* Drop the open file (deleted), its encoders; accepts none open. */
void media_working_drop_writer(media_working *w);

#endif

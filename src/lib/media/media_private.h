/*
 * media_private.h — what the media pipeline's stages share.
 *
 * demux.c   opening recorder files safely, mapping pts to instants
 * decode.c  video decoder for an input stream
 * encode.c  the libx264 encoder for working copies
 * audio.c   the sound of working copies: placed by time, encoded as AAC
 * mux.c     MP4 output files (faststart, bitexact, creation_time)
 * result.c  the result object, problems, progress, cancel, file naming
 * native.c  ex_media_native: the stream-copy cut of the video, and its
 *           packet queues (native_private.h)
 * native_streams.c  the cut's other streams: kept or left out, drained
 * working.c ex_media_working: the decoding thread and the call
 * working_encode.c  the encoding side: files, libx264, cues, sound
 *           (working_private.h)
 * picture.c pictures to limited-range yuv420p, turned upright
 * queue.c   the frame queue between its decoding and encoding threads,
 *           and the pool of picture buffers frames are copied into
 * burn.c    the burn-in's text lines (shared by working copies and stills)
 * still.c   ex_media_still: one frame, burned in, as PNG
 */
#ifndef EXHIBIT_MEDIA_PRIVATE_H
#define EXHIBIT_MEDIA_PRIVATE_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "base.h"
#include "base_av.h"
#include "exhibit/mask.h"
#include "exhibit/media.h"

/* ---- demux.c ---------------------------------------------------------- */

/* An open recorder file: its video stream and the map from that stream's
 * timestamps to recorder instants. */
typedef struct media_in {
	AVFormatContext *fmt;
	AVStream *st;             /* the video stream */
	int index;                /* its index */
	AVRational tb;
	int64_t first_pts;        /* AV_NOPTS_VALUE until known */
	ex_instant seg_start;     /* recorder instant of first_pts */
	ex_instant frame_usec;    /* nominal frame duration (40000 if unknown) */
	int indexed;              /* container has a seek index (mov, mkv) */
} media_in;

/* Open seg read-only (whitelisted protocol and demuxers, bounded probe).
 * Fails with EX_ERR_MEDIA and a message (without the path) when the file
 * cannot be opened or has no video stream. */
ex_status media_in_open(const ex_segment *seg, media_in **out,
    ex_error *err);
void media_in_close(media_in **in);

/* Recorder instant of a timestamp of another stream st of in's file, on
 * the clock its video's first timestamp anchors. */
ex_instant media_in_instant_of(const media_in *in, const AVStream *st,
    int64_t ts);
/* Recorder instant of a timestamp of the video stream (the first one seen
 * becomes first_pts if the container did not give a start time). */
ex_instant media_in_instant(media_in *in, int64_t ts);
/* Stream timestamp of a recorder instant (for seeking). */
int64_t media_in_ts(const media_in *in, ex_instant t);
/* Does the segment overlap recorder time [from, to)? */
int media_seg_relevant(const ex_segment *seg, ex_instant from,
    ex_instant to);

/* ---- decode.c --------------------------------------------------------- */

/* threads: the caller's thread budget (the encoder's thread count).  The
 * decoder runs in a thread of its own beside the encoder and needs a
 * fraction of it: one thread per MEDIA_DECODE_SHARE of the budget,
 * at least 1 and at most MEDIA_DECODE_THREADS (H.264 frame threads
 * each add a frame of delay and a decoder context's memory, and do not
 * change the pictures). */
#define MEDIA_DECODE_SHARE 4
#define MEDIA_DECODE_THREADS 2
ex_status media_decoder_open(const media_in *in, int threads,
    AVCodecContext **out, ex_error *err);

/* ---- encode.c --------------------------------------------------------- */

/* A libx264 encoder for limited-range yuv420p width x height frames with
 * pts in 1/90000 s; the colour primaries, transfer, matrix and chroma
 * location are copied from ref (a converted frame) when not NULL, and the
 * range is always tagged limited (MPEG). */
ex_status media_encoder_open(int width, int height, const AVFrame *ref,
    AVRational sar, const char *preset, int crf, int threads,
    AVCodecContext **out, ex_error *err);

/* ---- mux.c ------------------------------------------------------------ */

typedef struct media_out {
	AVFormatContext *fmt;
	AVStream *st;
	char *path;
	int header_written;
	/* The cue track (with_cues): mov_text encoder and stream. */
	AVCodecContext *cue_enc;
	AVStream *cue_st;
	AVPacket *cue_pkt;
	int64_t cue_order;        /* ASS ReadOrder of the next cue */
} media_out;

/* Create path (refusing an existing file) as MP4 with one video stream of
 * par in time base tb; creation is the mvhd creation_time (true time).
 * with_cues adds stream 1, the burn-in's mov_text track (media.h), for
 * media_out_cue; the video stream is then marked the default. */
ex_status media_out_open(const char *path, const AVCodecParameters *par,
    AVRational tb, ex_instant creation, int with_cues, media_out **out,
    ex_error *err);
/* The same in steps: create (the video stream, and the cue stream when
 * with_cues), add further streams (copies of par, in time base tb, with
 * an ISO 639-2 language or NULL; *index is the stream's), then start
 * (creates the file and writes the header).  Metadata of o->st (e.g.
 * "timecode", which makes the muxer write a tmcd track) may be set
 * before the start. */
ex_status media_out_create(const char *path, const AVCodecParameters *par,
    AVRational tb, ex_instant creation, int with_cues, media_out **out,
    ex_error *err);
ex_status media_out_add(media_out *o, const AVCodecParameters *par,
    AVRational tb, const char *language, int *index, ex_error *err);
ex_status media_out_start(media_out *o, ex_error *err);
/* Write a packet of stream index, its timestamps in tb (rescaled). */
ex_status media_out_write_to(media_out *o, int index, AVPacket *pkt,
    AVRational tb, ex_error *err);
/* Write a packet of the video stream, timestamps in tb (rescaled). */
ex_status media_out_write(media_out *o, AVPacket *pkt,
    AVRational tb, ex_error *err);
/* Write one cue of the burn-in track: text (lines separated by '\n',
 * no '{', '}' or '\\') shown from pts for duration, both in tb. */
ex_status media_out_cue(media_out *o, const char *text, int64_t pts,
    int64_t duration, AVRational tb, ex_error *err);
/* Write the trailer (moving the index to the front) and close. */
ex_status media_out_finish(media_out **o, ex_error *err);
/* Close without finishing and delete the file. */
void media_out_abort(media_out **o);

/* ---- audio.c ---------------------------------------------------------- */

/* Can AAC store sound at this sample rate? */
int media_audio_rate_ok(int rate);

/* The sound of one segment for a working copy (decoding thread). */
typedef struct media_audio_in media_audio_in;

/* Open seg's main audio stream (*index its source index, or -1 when it
 * has none), ready to give the samples from about recorder instant
 * seek_to on; sample positions count from recorder instant anchor.
 * *rate and *channels are the call's format: 0 until the first segment
 * with sound sets them (its rate; 1 or 2 channels).  *out is NULL (and
 * the status EX_OK) when there is no sound to take, with *why saying why
 * when there is an audio stream.  Fails only for lack of memory. */
ex_status media_audio_open(const ex_segment *seg, ex_instant anchor,
    ex_instant seek_to, int *rate, int *channels, int *index,
    media_audio_in **out, const char **why, ex_error *err);
/* The samples of recorder time [r, r + d) as a new planar float frame
 * (owned by the caller; silence where the source has no sound); *out is
 * NULL when the span holds no sample position. */
ex_status media_audio_take(media_audio_in *a, ex_instant r,
    ex_instant d, AVFrame **out, ex_error *err);
void media_audio_close(media_audio_in **a);
/* A new planar float frame of silence. */
ex_status media_audio_frame(int rate, int channels, int nb_samples,
    AVFrame **out, ex_error *err);

/* The AAC encoder of one working copy file (encoding thread). */
typedef struct media_audio_out media_audio_out;

/* Add an AAC stream to o (created, not yet started). */
ex_status media_audio_out_open(media_out *o, int rate, int channels,
    media_audio_out **out, ex_error *err);
/* Append samples (planar float; NULL for none) and then `silence`
 * samples of silence, encoding every full AAC frame. */
ex_status media_audio_out_write(media_audio_out *a, media_out *o,
    const AVFrame *samples, int64_t silence, ex_error *err);
/* Encode what is left (a short last frame) and flush the encoder. */
ex_status media_audio_out_finish(media_audio_out *a, media_out *o,
    ex_error *err);
void media_audio_out_free(media_audio_out **a);

/* ---- burn.c ----------------------------------------------------------- */

/* The lines burned into one frame: [label,] time line[, correction]. */
typedef struct media_burn {
	char when[EX_TIME_BUFSZ];
	char corr[EX_MEDIA_CORRECTION_BUFSZ];
	const char *lines[3];
	int nlines;
	int time_line;            /* index of the time line in lines */
	char record[EX_TIME_BUFSZ + EX_MEDIA_CORRECTION_BUFSZ];
	                          /* the time line and the correction line
	                             joined by '\n': the cue text */
} media_burn;

/* Fill b for a frame at true time t (label may be NULL). */
void media_burn_text(media_burn *b, const ex_media_range *range,
    const char *label, ex_instant t);

/* ---- mask_draw.c ------------------------------------------------------- */

/*
 * The redaction masks (exhibit/mask.h) of `camera` active at true time t,
 * drawn into pic: a writable yuv420p, limited-range, upright frame, before
 * the burn-in.  "fill" makes every pixel a mask covers black (Y 16, Cb Cr
 * 128); "pixelate" replaces them, in blocks of media_mask_block(width,
 * height) luma pixels aligned to the picture's grid from its top-left
 * corner, by the mean of the block's covered pixels (each plane; chroma in
 * blocks of half that size).  A chroma sample is covered when any of the
 * luma pixels it belongs to is (so no colour of a masked pixel survives in
 * a shared sample).  Shapes are clipped to the picture.  applied (may be
 * NULL) has set->nmasks entries: applied[k] is set to 1 for each mask k
 * drawn.  set may be NULL (nothing drawn).
 */
void media_mask_draw(AVFrame *pic, const ex_mask_set *set,
    const char *camera, ex_instant t, unsigned char *applied);

/* The pixelation block in luma pixels for a width x height picture: even,
 * at least 16, and at least a 24th of the shorter side (46 for 1080p). */
int media_mask_block(int width, int height);

/* ---- queue.c ---------------------------------------------------------- */

/* One frame on its way from the decoding thread to the encoder. */
typedef struct media_item {
	AVFrame *pic;             /* writable yuv420p, burn-in drawn; owned */
	const ex_segment *seg;    /* where it came from */
	ex_instant rec, t, dur;   /* recorder and true instant, duration */
	enum AVPixelFormat src_fmt;   /* the decoder's pixel format */
	AVFrame *audio;           /* the sound of [t, t + dur): planar float
	                             samples (working.c), or NULL when the
	                             source has no audio; owned */
	int audio_index;          /* the source's main audio stream, or -1 */
	const char *audio_why;    /* why that has no sound here, or NULL */
	int split;                /* a hole before it: it starts a new file */
	int has_cue;              /* cue holds the text drawn (the cue track) */
	char cue[EX_TIME_BUFSZ + EX_MEDIA_CORRECTION_BUFSZ];
} media_item;

/* A bounded queue of items between one producer and one consumer thread.
 * Ownership: media_queue_push moves *item (and its pic) into the queue
 * and zeroes *item; media_queue_pop moves one out to the caller. */
typedef struct media_queue media_queue;

ex_status media_queue_new(size_t capacity, media_queue **out,
    ex_error *err);
/* Producer: append, waiting while the queue is full.  0, or -1 when the
 * consumer has closed the queue or the producer has finished (*item is
 * then left to the caller). */
int media_queue_push(media_queue *q, media_item *item);
/* Producer: no more items; st (and err when st != EX_OK) is its outcome,
 * delivered to the consumer after the items already queued. */
void media_queue_finish(media_queue *q, ex_status st,
    const ex_error *err);
/* Consumer: the next item (1), waiting while the queue is empty; or 0 at
 * the end, with *st the producer's outcome (and err its message). */
int media_queue_pop(media_queue *q, media_item *item,
    ex_status *st, ex_error *err);
/* Consumer: take no more; frees the items queued and wakes the producer,
 * whose pushes then fail. */
void media_queue_close(media_queue *q);
/* Free (with any items left); accepts NULL and *q NULL. */
void media_queue_free(media_queue **q);

/* Picture buffers that are reused once every reference to them is gone
 * (from any thread), for frames that must be copied out of the decoder. */
typedef struct media_picpool media_picpool;

/* A new frame (owned by the caller) of writable yuv420p width x height
 * whose buffer comes from *pool; the pool is made, or remade for another
 * size, as needed.  Only format, width, height, data and linesize are
 * set. */
ex_status media_picpool_get(media_picpool **pool, int width,
    int height, AVFrame **out, ex_error *err);
/* Free the pool (buffers still in frames are freed when they return);
 * accepts NULL and *pool NULL. */
void media_picpool_free(media_picpool **pool);

/* ---- picture.c -------------------------------------------------------- */

struct SwsContext;

/* Converting decoded pictures to limited-range yuv420p (one thread's):
 * the converter in use (made anew when the picture changes) and the pools
 * of converted and of turned pictures.  Start it zeroed. */
typedef struct media_conv {
	struct SwsContext *sws;
	enum AVPixelFormat sws_fmt;   /* what sws was made for */
	int sws_width, sws_height, sws_full;
	enum AVColorSpace sws_space, sws_srcspace;
	media_picpool *pool;
	media_picpool *rpool;     /* turned pictures */
} media_conv;

/* The frame as a writable limited-range yuv420p picture of its own (*pic,
 * from c's pool), tagged with the colours a working copy carries. */
ex_status media_conv_yuv420p(media_conv *c, AVFrame *frame, AVFrame **pic,
    ex_error *err);
/* Free what c holds (c itself is the caller's); accepts NULL. */
void media_conv_free(media_conv *c);

/* Degrees clockwise (0, 90, 180, 270) a stream's pictures are turned to
 * stand as the camera meant them (its display matrix). */
int media_rotation(const AVStream *st);
/* Can media_upright turn pictures of format fmt? */
int media_upright_can(enum AVPixelFormat fmt);
/* Replace *pic by a copy turned rotation degrees clockwise: from *pool
 * when pool is not NULL (yuv420p only), else in a buffer of its own; on
 * failure *pic is left as it was. */
ex_status media_upright(AVFrame **pic, int rotation, media_picpool **pool,
    ex_error *err);

/* ---- result.c --------------------------------------------------------- */

#define MEDIA_MAX_PROBLEMS 200

/* Per-call state shared by native.c and working.c. */
typedef struct media_job {
	const ex_media_range *range;
	const char *outdir, *base;
	const ex_media_control *ctl;
	ex_media_result *res;
	int64_t done, expected;
	int64_t last_progress;    /* av_gettime_relative() of last report */
	int next_number;          /* for <base>-NNN.mp4 */
} media_job;

ex_status media_job_init(media_job *job, const ex_segment *segs,
    size_t nsegs, const ex_media_range *range, const char *outdir,
    const char *base, const ex_media_control *ctl, ex_error *err);
/* On failure: delete every file in the result and free it. */
void media_job_fail(media_job *job);
int media_job_cancelled(const media_job *job);
void media_job_progress(media_job *job, int final);
/* Next output path "<outdir>/<base>-NNN.mp4" (malloc'd) and its name. */
ex_status media_job_next_path(media_job *job, char **path,
    ex_error *err);

/* Append a problem (recorder instant or EX_INSTANT_NONE). */
void media_job_problem(media_job *job, const ex_segment *seg,
    ex_instant at_recorder, int skipped, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Append a new file record for path (taking ownership of path). */
ex_status media_job_add_file(media_job *job, char *path,
    const char *codec, int width, int height, ex_media_file **out,
    ex_error *err);
/* Record that file f took frames from seg (once per segment). */
ex_status media_file_add_source(ex_media_file *f, const ex_segment *seg,
    ex_error *err);
/* "video", "audio", ... (ex_media_stream.type) */
const char *media_stream_type(const AVStream *st);
/* Record what became of source stream st in file f (reason may be NULL;
 * out_codec is ignored when left out); *out, when not NULL, is the
 * record (valid until the next one is added). */
ex_status media_file_add_stream(ex_media_file *f, const AVStream *st,
    ex_media_fate fate, int output_index, const char *out_codec,
    const char *reason, ex_media_stream **out, ex_error *err);
/* Fold one frame (recorder instant, duration) into f's facts. */
void media_file_add_frame(ex_media_file *f, ex_instant rec,
    ex_instant duration, int64_t offset);

/* ---- decode.c: a segment opened for decoding --------------------------- */

/* How far before the instant wanted an indexed file is entered. */
#define MEDIA_SEEK_MARGIN_USEC EX_USEC_PER_SEC

/* A segment opened for decoding its video (working copies, stills). */
typedef struct media_dec {
	media_in *in;
	AVCodecContext *dec;
	AVPacket *pkt;
	AVFrame *frame;
} media_dec;

/* Open seg, its video decoder (threads as for media_decoder_open), a
 * packet and a frame into *d.  A segment that cannot be opened or decoded
 * is recorded as a problem of job ("segment skipped: ...") and gives
 * EX_OK with d->in NULL; fails only for lack of memory (*d then empty). */
ex_status media_dec_open(media_job *job, const ex_segment *seg,
    int threads, media_dec *d, ex_error *err);
/* Seek d's file to a keyframe MEDIA_SEEK_MARGIN_USEC before recorder
 * instant at, when its container has an index and at is that far into
 * seg: 1 sought, 0 no seek needed, -1 the seek failed (the position is
 * unknown: decode the segment from its beginning). */
int media_dec_seek(media_dec *d, const ex_segment *seg, ex_instant at);
/* Free what d holds (d itself is the caller's); accepts NULL. */
void media_dec_close(media_dec *d);

#endif

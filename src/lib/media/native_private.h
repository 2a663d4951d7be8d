/*
 * native_private.h — what the two halves of the native cut share: the
 * call's state, its packet queues (native.c) and the handling of the
 * streams besides the video (native_streams.c).  Not installed.
 */
#ifndef EXHIBIT_MEDIA_NATIVE_PRIVATE_H
#define EXHIBIT_MEDIA_NATIVE_PRIVATE_H

#include "media/media_private.h"

/* Packets held back, each with the recorder instant it is shown at. */
typedef struct media_pktq {
	AVPacket **pkts;
	ex_instant *at;           /* each packet's recorder instant */
	size_t n;
	size_t cap, cap_at;       /* room in pkts, in at */
} media_pktq;

/* What happens to one source stream (by index in its segment). */
typedef struct media_sidemap {
	int carry;                /* 1: copied into the file */
	int out;                  /* its output stream, -1 until opened */
	const char *reason;       /* why left out, or NULL */
} media_sidemap;

/* The state of one ex_media_native call. */
typedef struct media_native {
	media_job job;
	ex_instant from_rec, to_rec;
	media_out *out;
	size_t file;              /* index of the open file in job.res */
	AVCodecParameters *par;   /* parameters of the open file's stream */
	AVRational out_tb;
	ex_instant file_seg0;     /* segment start the file's clock is based on */
	int64_t origin_ticks;     /* out_tb ticks of the first keyframe */
	ex_instant prev_end;      /* end of the last packet written (recorder) */
	ex_instant prev_dur;
	media_pktq hold;          /* GOP before the start, or packets past `to` */
	int64_t last_dts;         /* out_tb dts of the last packet written,
	                             AV_NOPTS_VALUE at the start of a file */
	/* The other streams. */
	media_sidemap *map;       /* per stream of the open segment */
	unsigned nmap;
	AVCodecParameters **side_par; /* the open file's side streams */
	int *side_src;            /* their source indexes */
	int64_t *side_last_dts;   /* per side stream, in its time base */
	AVRational *side_tb;      /* per side stream (output k + 1) */
	unsigned nside;
	ex_instant file_start;    /* recorder instant of the file's keyframe */
	media_pktq pre;           /* side packets before a file is open (raw) */
	media_pktq pending;       /* side packets mapped, waiting for video */
} media_native;

/* ---- native.c: the packet queues ---------------------------------------- */

/* A packet's presentation time, or its decoding time when it has none. */
int64_t media_packet_ts(const AVPacket *pkt);
void media_pktq_clear(media_pktq *q);
void media_pktq_free(media_pktq *q);
/* Move pkt's reference, shown at recorder instant at, to the end of q
 * (pkt keeps it when this fails). */
ex_status media_pktq_push_at(media_pktq *q, AVPacket *pkt, ex_instant at,
    ex_error *err);
/* Drop the first k packets of q. */
void media_pktq_shift(media_pktq *q, size_t k);

/* ---- native_streams.c: the streams besides the video -------------------- */

/* Decide, for the segment just opened, which streams are carried. */
ex_status media_side_plan(media_native *n, media_in *in, ex_error *err);
/* Do the open file's side streams match this segment's? */
int media_side_same(const media_native *n, const media_in *in);
void media_side_free(media_native *n);
/* Restate the source's timecode for the file whose first packet is key. */
void media_side_timecode(media_native *n, media_in *in, const AVPacket *key);
/* Add the carried streams to the file being opened, and record every
 * source stream's fate in f. */
ex_status media_side_open(media_native *n, media_in *in, ex_media_file *f,
    ex_error *err);
/* Side packet pkt of in, from source stream s, onto the file's clock. */
void media_side_map_ts(const media_native *n, const media_in *in,
    const AVStream *s, AVPacket *pkt);
/* Write the waiting side packets that the video written so far covers;
 * final: the file ends. */
ex_status media_side_flush(media_native *n, int final, ex_error *err);
/* A packet of a stream other than the video. */
ex_status media_side_packet(media_native *n, media_in *in, AVPacket *pkt,
    ex_error *err);
/* Read on (pkt a spare packet) to recorder instant drain_to for the side
 * packets of the cut's last moments. */
ex_status media_side_drain(media_native *n, media_in *in, AVPacket *pkt,
    ex_instant drain_to, ex_error *err);

#endif

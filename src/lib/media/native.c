/*
 * native.c — the range cut from the original stream, without re-encoding.
 *
 * Packets of the video stream are copied as they are.  Before the range
 * starts, the packets since the last keyframe are held (at most one GOP),
 * so the cut begins on the keyframe at or before `from`.  Once started,
 * packets shown at or after `to` are held back until a later packet shown
 * before `to` proves them needed (B-frame references), and then every
 * packet shown before the last one copied is kept too, so the cut has no
 * hole; a keyframe shown at or after `to` ends the cut.  Output timestamps
 * continue across segments: a packet's instant is its segment's start plus
 * its offset into the segment, and the file's clock starts at 0 on its
 * first keyframe.
 *
 * The other streams MP4 can carry (media.h) come along on the same clock:
 * their packets are held until the video shows that they fall within the
 * cut (a packet is kept when it starts at or after the file's first
 * keyframe and before the end of the last frame written), then written as
 * they were read.  A timecode track is carried as the MP4's timecode
 * (the muxer writes the tmcd track from the video stream's "timecode"),
 * restarted at the cut's first frame.  No bitstream filter is applied to
 * the video, so every NAL unit, SEI messages included, reaches the file as
 * the camera wrote it (the MP4 muxer only turns Annex B start codes into
 * length prefixes, for MPEG-TS sources).  AAC from MPEG-TS loses its ADTS
 * headers the same way (the muxer's automatic aac_adtstoasc: MP4 stores
 * the same AAC frames without them).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/timecode.h>

#include "media/media_private.h"

/* How far past the cut's end side packets are looked for (interleaving
 * in MP4 files is by chunks of up to a second or so). */
#define SIDE_DRAIN_USEC (2 * EX_USEC_PER_SEC)

typedef struct pktq {
	AVPacket **pkts;
	ex_instant *at;           /* each packet's recorder instant */
	size_t n, cap;
} pktq;

/* What happens to one source stream (by index in its segment). */
typedef struct sidemap {
	int carry;                /* 1: copied into the file */
	int out;                  /* its output stream, -1 until opened */
	const char *reason;       /* why left out, or NULL */
} sidemap;

typedef struct native {
	ex_media_job job;
	ex_instant from_rec, to_rec;
	ex_media_out *out;
	size_t file;              /* index of the open file in job.res */
	AVCodecParameters *par;   /* parameters of the open file's stream */
	AVRational out_tb;
	ex_instant file_seg0;     /* segment start the file's clock is based on */
	int64_t origin_ticks;     /* out_tb ticks of the first keyframe */
	ex_instant prev_end;      /* end of the last packet written (recorder) */
	ex_instant prev_dur;
	pktq hold;                /* GOP before the start, or packets past `to` */
	int64_t last_dts;         /* out_tb dts of the last packet written,
	                             AV_NOPTS_VALUE at the start of a file */
	/* The other streams. */
	sidemap *map;             /* per stream of the open segment */
	unsigned nmap;
	AVCodecParameters **side_par; /* the open file's side streams */
	int *side_src;            /* their source indexes */
	int64_t *side_last_dts;   /* per side stream, in its time base */
	AVRational *side_tb;      /* per side stream (output k + 1) */
	unsigned nside;
	ex_instant file_start;    /* recorder instant of the file's keyframe */
	pktq pre;                 /* side packets before a file is open (raw) */
	pktq pending;             /* side packets mapped, waiting for video */
} native;

static void
pktq_clear(pktq *q)
{
	for (size_t i = 0; i < q->n; i++)
		av_packet_free(&q->pkts[i]);
	q->n = 0;
}

static void
pktq_free(pktq *q)
{
	pktq_clear(q);
	free(q->pkts);
	free(q->at);
	q->pkts = NULL;
	q->at = NULL;
	q->cap = 0;
}

/* Move pkt's reference, shown at recorder instant at, to the end of q. */
static ex_status
pktq_push_at(pktq *q, AVPacket *pkt, ex_instant at, ex_error *err)
{
	AVPacket *copy;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		AVPacket **grown = realloc(q->pkts, cap * sizeof(*grown));
		ex_instant *agrown;

		if (grown == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		q->pkts = grown;
		agrown = realloc(q->at, cap * sizeof(*agrown));
		if (agrown == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		q->at = agrown;
		q->cap = cap;
	}
	copy = av_packet_alloc();
	if (copy == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	av_packet_move_ref(copy, pkt);
	q->at[q->n] = at;
	q->pkts[q->n++] = copy;
	return EX_OK;
}

static ex_status
pktq_push(pktq *q, AVPacket *pkt, ex_error *err)
{
	return pktq_push_at(q, pkt, EX_INSTANT_NONE, err);
}

/* Drop the first k packets of q. */
static void
pktq_shift(pktq *q, size_t k)
{
	if (k == 0)
		return;         /* (an empty queue has no arrays to move) */
	for (size_t i = 0; i < k; i++)
		av_packet_free(&q->pkts[i]);
	memmove(q->pkts, q->pkts + k, (q->n - k) * sizeof(*q->pkts));
	memmove(q->at, q->at + k, (q->n - k) * sizeof(*q->at));
	q->n -= k;
}

/* Drop the packets of q shown before t (side packets before a keyframe
 * that a later one has replaced as the start). */
static void
pktq_drop_before(pktq *q, ex_instant t)
{
	size_t k = 0;

	for (size_t i = 0; i < q->n; i++) {
		if (q->at[i] < t)
			av_packet_free(&q->pkts[i]);
		else {
			q->pkts[k] = q->pkts[i];
			q->at[k++] = q->at[i];
		}
	}
	q->n = k;
}

static int64_t
packet_ts(const AVPacket *pkt)
{
	return pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
}

/* ---- the streams besides the video --------------------------------------- */

/* Can the file carry source stream st as it is?  NULL: yes; otherwise
 * why not, in plain words. */
static const char *
side_fate(const ex_media_in *in, const AVStream *st, int *carry)
{
	const AVCodecParameters *par = st->codecpar;

	*carry = 0;
	switch (par->codec_type) {
	case AVMEDIA_TYPE_AUDIO:
		switch (par->codec_id) {
		case AV_CODEC_ID_AAC:
		case AV_CODEC_ID_MP2:	/* MPEG-PS recorders, DVD */
		case AV_CODEC_ID_MP3:
		case AV_CODEC_ID_AC3:
		case AV_CODEC_ID_EAC3:
		case AV_CODEC_ID_OPUS:
			*carry = 1;
			return NULL;
		case AV_CODEC_ID_PCM_ALAW:
		case AV_CODEC_ID_PCM_MULAW:
			return "G.711 audio cannot be stored in MP4 without "
			    "converting it; the working copy has this sound "
			    "as AAC";
		default:
			if (par->codec_id >= AV_CODEC_ID_FIRST_AUDIO &&
			    par->codec_id < AV_CODEC_ID_ADPCM_IMA_QT)
				return "uncompressed (PCM) audio cannot be "
				    "stored in MP4 without converting it; the "
				    "working copy has this sound as AAC";
			return "this kind of audio cannot be stored in MP4 "
			    "without converting it; the working copy has "
			    "this sound as AAC";
		}
	case AVMEDIA_TYPE_SUBTITLE:
		if (par->codec_id == AV_CODEC_ID_MOV_TEXT) {
			*carry = 1;
			return NULL;
		}
		return "this kind of subtitle cannot be stored in MP4";
	case AVMEDIA_TYPE_DATA:
		if (par->codec_tag == MKTAG('t', 'm', 'c', 'd'))
			return NULL;    /* carried as the file's timecode */
		return "MP4 cannot hold this data track (the original "
		    "recording keeps it)";
	case AVMEDIA_TYPE_ATTACHMENT:
		return "attached files are not part of the recording's "
		    "timeline (the original recording keeps them)";
	case AVMEDIA_TYPE_VIDEO:
		(void)in;
		return "only the camera's main video stream is copied (the "
		    "original recording keeps this one)";
	default:
		return "a stream of unknown type cannot be stored in MP4";
	}
}

/* Decide, for the segment just opened, which streams are carried. */
static ex_status
side_plan(native *n, ex_media_in *in, ex_error *err)
{
	unsigned ns = in->fmt->nb_streams;

	free(n->map);
	n->map = calloc(ns ? ns : 1, sizeof(*n->map));
	if (n->map == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	n->nmap = ns;
	for (unsigned i = 0; i < ns; i++) {
		AVStream *st = in->fmt->streams[i];

		n->map[i].out = -1;
		if ((int)i == in->index) {
			n->map[i].carry = 0;
			continue;
		}
		n->map[i].reason = side_fate(in, st, &n->map[i].carry);
		if (n->map[i].carry)
			st->discard = AVDISCARD_DEFAULT;
	}
	return EX_OK;
}

/* Do the open file's side streams match this segment's?  (Otherwise a new
 * file starts, as for a change of video stream.) */
static int
same_sides(const native *n, const ex_media_in *in)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n->nmap; i++) {
		const AVCodecParameters *a, *b;

		if (!n->map[i].carry)
			continue;
		if (k >= n->nside)
			return 0;
		a = n->side_par[k++];
		b = in->fmt->streams[i]->codecpar;
		if (a->codec_id != b->codec_id ||
		    a->sample_rate != b->sample_rate ||
		    a->ch_layout.nb_channels != b->ch_layout.nb_channels ||
		    a->extradata_size != b->extradata_size ||
		    (a->extradata_size > 0 && memcmp(a->extradata,
		    b->extradata, (size_t)a->extradata_size) != 0))
			return 0;
	}
	return k == n->nside;
}

static void
side_free(native *n)
{
	for (unsigned i = 0; i < n->nside; i++)
		avcodec_parameters_free(&n->side_par[i]);
	free(n->side_par);
	free(n->side_src);
	free(n->side_last_dts);
	free(n->side_tb);
	n->side_tb = NULL;
	n->side_par = NULL;
	n->side_src = NULL;
	n->side_last_dts = NULL;
	n->nside = 0;
}


/* The timecode of the video's first packet in the file, from the source's
 * timecode (of its first frame) and the frames since. */
static void
side_timecode(native *n, ex_media_in *in, const AVPacket *key)
{
	AVDictionaryEntry *e = av_dict_get(in->st->metadata, "timecode",
	    NULL, 0);
	AVRational rate = in->st->r_frame_rate;
	AVTimecode tc;
	char buf[AV_TIMECODE_STR_SIZE];
	int64_t frame;

	for (unsigned i = 0; e == NULL && i < in->fmt->nb_streams; i++)
		if (in->fmt->streams[i]->codecpar->codec_tag ==
		    MKTAG('t', 'm', 'c', 'd'))
			e = av_dict_get(in->fmt->streams[i]->metadata,
			    "timecode", NULL, 0);
	if (e == NULL)
		return;
	if (rate.num <= 0 || rate.den <= 0)
		rate = in->st->avg_frame_rate;
	if (rate.num <= 0 || rate.den <= 0 ||
	    av_timecode_init_from_string(&tc, rate, e->value, NULL) < 0)
		return;
	frame = av_rescale_q_rnd(packet_ts(key) - in->first_pts, in->tb,
	    av_inv_q(rate), AV_ROUND_NEAR_INF);
	if (frame < 0 || frame > INT32_MAX)
		return;
	/* The muxer reads the timecode's rate from the stream's. */
	n->out->st->avg_frame_rate = rate;
	av_dict_set(&n->out->st->metadata, "timecode",
	    av_timecode_make_string(&tc, buf, (int)frame), 0);
}

/* Add the carried streams to the file being opened (before its start),
 * and record every source stream's fate in f, in source order. */
static ex_status
side_open(native *n, ex_media_in *in, ex_media_file *f, ex_error *err)
{
	unsigned ns = in->fmt->nb_streams, k = 0;
	int has_tc, tc_index;
	ex_status st;

	side_free(n);
	has_tc = av_dict_get(n->out->st->metadata, "timecode", NULL,
	    0) != NULL;
	n->side_par = calloc(ns ? ns : 1, sizeof(*n->side_par));
	n->side_src = calloc(ns ? ns : 1, sizeof(*n->side_src));
	n->side_last_dts = calloc(ns ? ns : 1, sizeof(*n->side_last_dts));
	n->side_tb = calloc(ns ? ns : 1, sizeof(*n->side_tb));
	if (n->side_par == NULL || n->side_src == NULL ||
	    n->side_last_dts == NULL || n->side_tb == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	for (unsigned i = 0; i < ns; i++) {
		AVStream *s = in->fmt->streams[i];
		AVDictionaryEntry *lang = av_dict_get(s->metadata, "language",
		    NULL, 0);
		int out = -1;

		if (!n->map[i].carry)
			continue;
		st = ex_media_out_add(n->out, s->codecpar, s->time_base,
		    lang != NULL ? lang->value : NULL, &out, err);
		if (st != EX_OK)
			return st;
		n->side_par[k] = avcodec_parameters_alloc();
		if (n->side_par[k] == NULL ||
		    avcodec_parameters_copy(n->side_par[k], s->codecpar) < 0)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		n->side_src[k] = (int)i;
		n->side_last_dts[k] = AV_NOPTS_VALUE;
		n->side_tb[k] = s->time_base;
		n->map[i].out = out;
		n->nside = ++k;
	}
	/* The muxer adds the timecode track after every other stream. */
	tc_index = (int)n->out->fmt->nb_streams;
	for (unsigned i = 0; i < ns; i++) {
		AVStream *s = in->fmt->streams[i];
		const char *why = n->map[i].reason;

		if ((int)i == in->index)
			st = ex_media_file_add_stream(f, s, EX_MEDIA_KEPT, 0,
			    avcodec_get_name(s->codecpar->codec_id), NULL,
			    NULL, err);
		else if (n->map[i].carry)
			st = ex_media_file_add_stream(f, s, EX_MEDIA_KEPT,
			    n->map[i].out,
			    avcodec_get_name(s->codecpar->codec_id), NULL,
			    NULL, err);
		else if (s->codecpar->codec_tag ==
		    MKTAG('t', 'm', 'c', 'd') && has_tc && tc_index > 0) {
			st = ex_media_file_add_stream(f, s, EX_MEDIA_KEPT,
			    tc_index, "tmcd", "carried as the MP4 timecode "
			    "track, starting at the timecode of the copy's "
			    "first frame", NULL, err);
			tc_index = -1;  /* the muxer writes one */
		} else
			st = ex_media_file_add_stream(f, s, EX_MEDIA_LEFT_OUT,
			    -1, NULL, why != NULL ? why : "the timecode "
			    "cannot be restated for this frame rate (the "
			    "original recording keeps it)", NULL, err);
		if (st != EX_OK)
			return st;
	}
	return EX_OK;
}

static int
same_params(const AVCodecParameters *a, const AVCodecParameters *b)
{
	return a->codec_id == b->codec_id && a->width == b->width &&
	    a->height == b->height && a->extradata_size == b->extradata_size &&
	    (a->extradata_size == 0 ||
	    memcmp(a->extradata, b->extradata, a->extradata_size) == 0);
}

/* Side packet pkt of `in`, read from source stream s: its timestamps
 * onto the file's clock (in s's time base) and its output stream. */
static void
side_map_ts(const native *n, const ex_media_in *in, const AVStream *s,
    AVPacket *pkt)
{
	int64_t first = in->first_pts == AV_NOPTS_VALUE ? 0 : in->first_pts;
	int64_t shift = av_rescale_q(first, in->tb, s->time_base) -
	    av_rescale_q(in->seg_start - n->file_seg0, AV_TIME_BASE_Q,
	    s->time_base) + av_rescale_q(n->origin_ticks, n->out_tb,
	    s->time_base);

	if (pkt->pts != AV_NOPTS_VALUE)
		pkt->pts -= shift;
	if (pkt->dts != AV_NOPTS_VALUE)
		pkt->dts -= shift;
	pkt->stream_index = n->map[s->index].out;
}

/* Write a mapped side packet (its stream_index the output stream). */
static ex_status
side_write(native *n, AVPacket *pkt, ex_error *err)
{
	unsigned k = (unsigned)pkt->stream_index - 1;
	ex_status st;

	if (k >= n->nside) {
		av_packet_unref(pkt);
		return EX_OK;
	}
	if (pkt->pts == AV_NOPTS_VALUE)
		pkt->pts = pkt->dts;
	if (pkt->dts == AV_NOPTS_VALUE)
		pkt->dts = pkt->pts;
	if (n->side_last_dts[k] != AV_NOPTS_VALUE &&
	    pkt->dts <= n->side_last_dts[k])
		pkt->dts = n->side_last_dts[k] + 1;
	if (pkt->pts < pkt->dts)
		pkt->pts = pkt->dts;
	n->side_last_dts[k] = pkt->dts;
	st = ex_media_out_write_to(n->out, pkt->stream_index, pkt,
	    n->side_tb[k], err);
	av_packet_unref(pkt);
	if (st == EX_OK) {
		ex_media_file *f = &n->job.res->files[n->file];

		for (size_t i = 0; i < f->nstreams; i++)
			if (f->streams[i].output_index == (int)k + 1)
				f->streams[i].packets++;
	}
	return st;
}

/* Write the waiting side packets that start before the end of the video
 * written so far; final: the file ends, the rest are outside the cut. */
static ex_status
side_flush(native *n, int final, ex_error *err)
{
	ex_status st = EX_OK;
	size_t i;

	if (n->out == NULL)
		return EX_OK;
	for (i = 0; i < n->pending.n && st == EX_OK; i++) {
		if (n->prev_end == EX_INSTANT_NONE ||
		    n->pending.at[i] >= n->prev_end) {
			if (!final)
				break;
			continue;
		}
		st = side_write(n, n->pending.pkts[i], err);
	}
	if (final)
		pktq_clear(&n->pending);
	else
		pktq_shift(&n->pending, i);
	return st;
}

/* A packet of a stream other than the video. */
static ex_status
side_packet(native *n, ex_media_in *in, AVPacket *pkt, ex_error *err)
{
	unsigned i = (unsigned)pkt->stream_index;
	AVStream *s;
	ex_instant at;

	if (i >= n->nmap || !n->map[i].carry ||
	    packet_ts(pkt) == AV_NOPTS_VALUE) {
		av_packet_unref(pkt);
		return EX_OK;
	}
	s = in->fmt->streams[i];
	at = ex_media_in_instant_of(in, s, packet_ts(pkt));
	if (n->out == NULL)
		return pktq_push_at(&n->pre, pkt, at, err);
	if (at < n->file_start || n->map[i].out < 0) {
		av_packet_unref(pkt);
		return EX_OK;
	}
	side_map_ts(n, in, s, pkt);
	return pktq_push_at(&n->pending, pkt, at, err);
}

static ex_status
finish_file(native *n, ex_error *err)
{
	ex_status st;

	if (n->out == NULL)
		return EX_OK;
	avcodec_parameters_free(&n->par);
	st = side_flush(n, 1, err);
	if (st == EX_OK)
		st = ex_media_out_finish(&n->out, err);
	side_free(n);
	return st;
}

/* Start a new output file whose first packet is the keyframe key. */
static ex_status
open_file(native *n, ex_media_in *in, const ex_segment *seg,
    const AVPacket *key, ex_error *err)
{
	ex_media_file *f;
	char *path = NULL;
	ex_instant at = ex_media_in_instant(in, packet_ts(key));
	ex_status st;

	st = ex_media_job_next_path(&n->job, &path, err);
	if (st != EX_OK)
		return st;
	st = ex_media_out_create(path, in->st->codecpar, in->tb,
	    ex_time_recorder_to_true(at, n->job.range->clock_offset), 0,
	    &n->out, err);
	if (st != EX_OK) {
		free(path);
		return st;
	}
	st = ex_media_job_add_file(&n->job, path,
	    avcodec_get_name(in->st->codecpar->codec_id),
	    in->st->codecpar->width, in->st->codecpar->height, &f, err);
	if (st != EX_OK) {
		ex_media_out_abort(&n->out);
		return st;
	}
	n->file = n->job.res->nfiles - 1;
	n->par = avcodec_parameters_alloc();
	if (n->par == NULL ||
	    avcodec_parameters_copy(n->par, in->st->codecpar) < 0)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	n->out_tb = in->tb;
	n->file_seg0 = in->seg_start;
	n->origin_ticks = packet_ts(key) - in->first_pts;
	n->last_dts = AV_NOPTS_VALUE;
	n->file_start = at;
	side_timecode(n, in, key);
	/* The camera's rotation (display matrix), as the source states it. */
	{
		size_t size = 0;
		uint8_t *m = av_stream_get_side_data(in->st,
		    AV_PKT_DATA_DISPLAYMATRIX, &size);
		uint8_t *copy;

		if (m != NULL && size > 0) {
			copy = av_stream_new_side_data(n->out->st,
			    AV_PKT_DATA_DISPLAYMATRIX, size);
			if (copy == NULL)
				return ex_error_set(err, EX_ERR_NOMEM,
				    "out of memory");
			memcpy(copy, m, size);
		}
	}
	if ((st = side_open(n, in, f, err)) != EX_OK ||
	    (st = ex_media_out_start(n->out, err)) != EX_OK)
		return st;
	/* The side packets read before the file began that belong to it. */
	for (size_t i = 0; i < n->pre.n && st == EX_OK; i++) {
		AVPacket *p = n->pre.pkts[i];

		if (n->pre.at[i] < at) {
			av_packet_unref(p);
			continue;
		}
		side_map_ts(n, in, in->fmt->streams[p->stream_index], p);
		st = pktq_push_at(&n->pending, p, n->pre.at[i], err);
	}
	pktq_clear(&n->pre);
	(void)seg;
	return st;
}

static int64_t
map_ts(const native *n, const ex_media_in *in, int64_t ts)
{
	if (ts == AV_NOPTS_VALUE)
		return ts;
	return av_rescale_q(ts - in->first_pts, in->tb, n->out_tb) +
	    av_rescale_q(in->seg_start - n->file_seg0, AV_TIME_BASE_Q,
	    n->out_tb) - n->origin_ticks;
}

static ex_status
write_packet(native *n, ex_media_in *in, const ex_segment *seg, AVPacket *pkt,
    ex_error *err)
{
	ex_media_file *f = &n->job.res->files[n->file];
	ex_instant at = ex_media_in_instant(in, packet_ts(pkt));
	ex_instant dur = pkt->duration > 0 ?
	    av_rescale_q(pkt->duration, in->tb, AV_TIME_BASE_Q) :
	    in->frame_usec;
	ex_status st;

	st = ex_media_file_add_source(f, seg, err);
	if (st != EX_OK)
		return st;
	ex_media_file_add_frame(f, at, dur, n->job.range->clock_offset);
	for (size_t i = 0; i < f->nstreams; i++)
		if (f->streams[i].output_index == 0)
			f->streams[i].packets++;
	if (pkt->pts != AV_NOPTS_VALUE)
		pkt->pts = map_ts(n, in, pkt->pts);
	if (pkt->dts != AV_NOPTS_VALUE)
		pkt->dts = map_ts(n, in, pkt->dts);
	if (pkt->pts == AV_NOPTS_VALUE)
		pkt->pts = pkt->dts;
	/*
	 * Matroska stores no decoding times: with B-frames the demuxer leaves
	 * the first packets of every file without one.  MP4 needs them, so
	 * make one that keeps decode order strictly increasing and never
	 * after the presentation time.
	 */
	if (pkt->dts == AV_NOPTS_VALUE) {
		int64_t delay = av_rescale_q((int64_t)(in->st->codecpar->
		    video_delay > 0 ? in->st->codecpar->video_delay : 0) *
		    in->frame_usec, AV_TIME_BASE_Q, n->out_tb);

		pkt->dts = n->last_dts == AV_NOPTS_VALUE ? pkt->pts - delay :
		    n->last_dts + 1;
		if (pkt->dts > pkt->pts)
			pkt->dts = pkt->pts;
	}
	if (n->last_dts != AV_NOPTS_VALUE && pkt->dts <= n->last_dts)
		pkt->dts = n->last_dts + 1;
	if (pkt->pts < pkt->dts)
		pkt->pts = pkt->dts;
	n->last_dts = pkt->dts;
	pkt->duration = av_rescale_q(pkt->duration, in->tb, n->out_tb);
	st = ex_media_out_write(n->out, pkt, n->out_tb, err);
	av_packet_unref(pkt);
	if (st != EX_OK)
		return st;
	if (n->prev_end == EX_INSTANT_NONE || at + dur > n->prev_end)
		n->prev_end = at + dur;
	n->prev_dur = dur;
	n->job.done++;
	ex_media_job_progress(&n->job, 0);
	return side_flush(n, 0, err);
}

static ex_status
write_held(native *n, ex_media_in *in, const ex_segment *seg, ex_error *err)
{
	ex_status st = EX_OK;

	for (size_t i = 0; i < n->hold.n && st == EX_OK; i++)
		st = write_packet(n, in, seg, n->hold.pkts[i], err);
	pktq_clear(&n->hold);
	return st;
}

/*
 * One segment.  *started: the range has begun (a file may or may not be
 * open); *done: the cut has ended.
 */
static ex_status
cut_segment(native *n, const ex_segment *seg, int *started, int *done,
    ex_error *err)
{
	ex_media_in *in = NULL;
	AVPacket *pkt = NULL;
	ex_error ierr;
	char ebuf[128];
	int need_key = *started, ret;
	int64_t nokey = 0, overlap = 0;   /* packets not copied, and */
	ex_instant nokey_usec = 0, overlap_usec = 0;   /* their length */
	ex_instant drain_to = EX_INSTANT_NONE;
	ex_status st = EX_OK;

	ex_error_clear(&ierr);
	pktq_clear(&n->hold);   /* held packets belong to another file */
	pktq_clear(&n->pre);
	if (ex_media_in_open(seg, &in, &ierr) != EX_OK) {
		ex_media_job_problem(&n->job, seg, EX_INSTANT_NONE, 1,
		    "segment skipped: %s", ierr.message);
		goto out;
	}
	pkt = av_packet_alloc();
	if (pkt == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((st = side_plan(n, in, err)) != EX_OK)
		goto out;
	/* A hole in the timeline or a change of stream starts a new file. */
	if (n->out != NULL && (!same_params(n->par, in->st->codecpar) ||
	    !same_sides(n, in) ||
	    (n->prev_end != EX_INSTANT_NONE && seg->start - n->prev_end >
	    n->prev_dur / 2))) {
		st = finish_file(n, err);
		if (st != EX_OK)
			goto out;
	}
	for (;;) {
		ex_instant at;
		int key;

		if (ex_media_job_cancelled(&n->job)) {
			st = ex_error_set(err, EX_ERR_INTERRUPTED,
			    "native cut interrupted");
			goto out;
		}
		ret = av_read_frame(in->fmt, pkt);
		if (ret == AVERROR_EOF)
			break;
		if (ret < 0) {
			ex_media_job_problem(&n->job, seg,
			    n->prev_end, 0, "read error: %s",
			    ex_media_averr(ret, ebuf, sizeof(ebuf)));
			break;
		}
		if (pkt->stream_index != in->index) {
			st = side_packet(n, in, pkt, err);
			if (st != EX_OK)
				goto out;
			continue;
		}
		if (packet_ts(pkt) == AV_NOPTS_VALUE) {
			av_packet_unref(pkt);
			continue;
		}
		at = ex_media_in_instant(in, packet_ts(pkt));
		key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
		if (pkt->flags & AV_PKT_FLAG_CORRUPT)
			ex_media_job_problem(&n->job, seg, at, 0,
			    "corrupt packet (copied as it is)");
		if (!*started) {
			if (key) {
				pktq_clear(&n->hold);
				pktq_drop_before(&n->pre, at);
			}
			if (at < n->from_rec) {
				if (key || n->hold.n > 0) {
					st = pktq_push(&n->hold, pkt, err);
					if (st != EX_OK)
						goto out;
				}
				av_packet_unref(pkt);
				continue;
			}
			*started = 1;
			if (n->hold.n > 0) {
				st = open_file(n, in, seg, n->hold.pkts[0], err);
				if (st == EX_OK)
					st = write_held(n, in, seg, err);
				if (st != EX_OK)
					goto out;
			} else {
				need_key = 1;
			}
		}
		if (need_key) {
			ex_instant d = pkt->duration > 0 ?
			    av_rescale_q(pkt->duration, in->tb,
			    AV_TIME_BASE_Q) : in->frame_usec;

			if (n->prev_end != EX_INSTANT_NONE &&
			    at < n->prev_end - n->prev_dur / 2) {
				overlap++;
				overlap_usec += d;
				av_packet_unref(pkt);
				continue;
			}
			if (!key) {
				nokey++;
				nokey_usec += d;
				if (n->out == NULL)
					pktq_drop_before(&n->pre, at + d);
				av_packet_unref(pkt);
				continue;
			}
			need_key = 0;
			if (at >= n->to_rec) {
				*done = 1;
				break;
			}
			if (n->out == NULL) {
				st = open_file(n, in, seg, pkt, err);
				if (st != EX_OK)
					goto out;
			}
		}
		/* Past `to`, a packet is kept only when it fills a hole: it is
		 * shown before a frame already copied (a reference an earlier
		 * B-frame needed), so leaving it out would drop a frame. */
		if (at >= n->to_rec && (n->prev_end == EX_INSTANT_NONE ||
		    at >= n->prev_end - n->prev_dur / 2)) {
			if (key) {
				*done = 1;
				break;
			}
			st = pktq_push(&n->hold, pkt, err);
			if (st != EX_OK)
				goto out;
			continue;
		}
		st = write_held(n, in, seg, err);
		if (st == EX_OK)
			st = write_packet(n, in, seg, pkt, err);
		if (st != EX_OK)
			goto out;
	}
	/* The loop may end holding the packet that ended it; av_read_frame
	 * would overwrite (and leak) that reference. */
	av_packet_unref(pkt);
	/* The cut has ended: the side packets of its last moments may come
	 * after the video's in the file (interleaving); read on a little. */
	if (*done && st == EX_OK && n->out != NULL && n->nside > 0 &&
	    n->prev_end != EX_INSTANT_NONE)
		drain_to = n->prev_end + SIDE_DRAIN_USEC;
	while (drain_to != EX_INSTANT_NONE && !ex_media_job_cancelled(&n->job)) {
		unsigned i;

		if (av_read_frame(in->fmt, pkt) < 0)
			break;
		i = (unsigned)pkt->stream_index;
		if ((int)i == in->index || i >= n->nmap || !n->map[i].carry ||
		    packet_ts(pkt) == AV_NOPTS_VALUE) {
			av_packet_unref(pkt);
			continue;
		}
		if (ex_media_in_instant_of(in, in->fmt->streams[i],
		    packet_ts(pkt)) >=
		    drain_to) {
			av_packet_unref(pkt);
			break;
		}
		if ((st = side_packet(n, in, pkt, err)) != EX_OK)
			goto out;
	}
	if (nokey > 0)
		ex_media_job_problem(&n->job, seg, EX_INSTANT_NONE, 0,
		    "the first %.1f s of this file (%lld frames) could not be "
		    "copied without re-encoding: those pictures depend on "
		    "one recorded before the file starts",
		    (double)nokey_usec / EX_USEC_PER_SEC, (long long)nokey);
	if (overlap > 0)
		ex_media_job_problem(&n->job, seg, EX_INSTANT_NONE, 0,
		    "%.1f s of this file (%lld frames) repeats footage "
		    "already copied from the file before it, and was not "
		    "copied again",
		    (double)overlap_usec / EX_USEC_PER_SEC, (long long)overlap);
out:
	av_packet_free(&pkt);
	ex_media_in_close(&in);
	return st;
}

ex_status
ex_media_native(const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, const char *outdir, const char *base,
    const ex_media_control *ctl, ex_media_result **out, ex_error *err)
{
	native n;
	int started = 0, done = 0;
	ex_status st;

	memset(&n, 0, sizeof(n));
	if (out == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "media: no result");
	*out = NULL;
	st = ex_media_job_init(&n.job, segs, nsegs, range, outdir, base, ctl,
	    err);
	if (st != EX_OK)
		goto out;
	n.from_rec = ex_time_true_to_recorder(range->from, range->clock_offset);
	n.to_rec = ex_time_true_to_recorder(range->to, range->clock_offset);
	n.prev_end = EX_INSTANT_NONE;
	n.last_dts = AV_NOPTS_VALUE;
	for (size_t i = 0; i < nsegs && !done; i++) {
		if (!ex_media_seg_relevant(&segs[i], n.from_rec, n.to_rec))
			continue;
		st = cut_segment(&n, &segs[i], &started, &done, err);
		if (st != EX_OK)
			goto out;
	}
	st = finish_file(&n, err);
	if (st != EX_OK)
		goto out;
	if (n.job.res->nfiles > 0) {
		ex_media_result *res = n.job.res;

		res->actual_from = res->files[0].first_true;
		res->actual_to = res->files[res->nfiles - 1].end_true;
	}
	ex_media_job_progress(&n.job, 1);
	*out = n.job.res;
	n.job.res = NULL;
out:
	pktq_free(&n.hold);
	pktq_free(&n.pre);
	pktq_free(&n.pending);
	side_free(&n);
	free(n.map);
	avcodec_parameters_free(&n.par);
	ex_media_out_abort(&n.out);
	ex_media_job_fail(&n.job);
	return st;
}

/*
 * native_streams.c — the native cut's streams besides the video: which
 * source streams a copy keeps and which it leaves out (and why, in plain
 * words for the report), their output streams and timecode, and their
 * packets, held until the video shows they fall within the cut, then
 * written on the file's clock; at the end of the cut, the drain that reads
 * on for the side packets interleaved after the last video.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/timecode.h>

#include "media/native_private.h"

/* Can the file carry source stream st as it is?  NULL: yes; otherwise
 * why not, in plain words. */
static const char *
side_fate(const media_in *in, const AVStream *st, int *carry)
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
ex_status
media_side_plan(media_native *n, media_in *in, ex_error *err)
{
	unsigned ns = in->fmt->nb_streams;

	free(n->map);
	n->map = calloc(ns ? ns : 1, sizeof(*n->map));
	if (n->map == NULL)
		return base_nomem(err);
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
int
media_side_same(const media_native *n, const media_in *in)
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

void
media_side_free(media_native *n)
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
void
media_side_timecode(media_native *n, media_in *in, const AVPacket *key)
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
	frame = av_rescale_q_rnd(media_packet_ts(key) - in->first_pts, in->tb,
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
ex_status
media_side_open(media_native *n, media_in *in, ex_media_file *f, ex_error *err)
{
	unsigned ns = in->fmt->nb_streams, k = 0;
	int has_tc, tc_index;
	ex_status st;

	media_side_free(n);
	has_tc = av_dict_get(n->out->st->metadata, "timecode", NULL,
	    0) != NULL;
	n->side_par = calloc(ns ? ns : 1, sizeof(*n->side_par));
	n->side_src = calloc(ns ? ns : 1, sizeof(*n->side_src));
	n->side_last_dts = calloc(ns ? ns : 1, sizeof(*n->side_last_dts));
	n->side_tb = calloc(ns ? ns : 1, sizeof(*n->side_tb));
	if (n->side_par == NULL || n->side_src == NULL ||
	    n->side_last_dts == NULL || n->side_tb == NULL)
		return base_nomem(err);
	for (unsigned i = 0; i < ns; i++) {
		AVStream *s = in->fmt->streams[i];
		AVDictionaryEntry *lang = av_dict_get(s->metadata, "language",
		    NULL, 0);
		int out = -1;

		if (!n->map[i].carry)
			continue;
		st = media_out_add(n->out, s->codecpar, s->time_base,
		    lang != NULL ? lang->value : NULL, &out, err);
		if (st != EX_OK)
			return st;
		n->side_par[k] = avcodec_parameters_alloc();
		if (n->side_par[k] == NULL ||
		    avcodec_parameters_copy(n->side_par[k], s->codecpar) < 0)
			return base_nomem(err);
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
			st = media_file_add_stream(f, s, EX_MEDIA_KEPT, 0,
			    avcodec_get_name(s->codecpar->codec_id), NULL,
			    NULL, err);
		else if (n->map[i].carry)
			st = media_file_add_stream(f, s, EX_MEDIA_KEPT,
			    n->map[i].out,
			    avcodec_get_name(s->codecpar->codec_id), NULL,
			    NULL, err);
		else if (s->codecpar->codec_tag ==
		    MKTAG('t', 'm', 'c', 'd') && has_tc && tc_index > 0) {
			st = media_file_add_stream(f, s, EX_MEDIA_KEPT,
			    tc_index, "tmcd", "carried as the MP4 timecode "
			    "track, starting at the timecode of the copy's "
			    "first frame", NULL, err);
			tc_index = -1;  /* the muxer writes one */
		} else
			st = media_file_add_stream(f, s, EX_MEDIA_LEFT_OUT,
			    -1, NULL, why != NULL ? why : "the timecode "
			    "cannot be restated for this frame rate (the "
			    "original recording keeps it)", NULL, err);
		if (st != EX_OK)
			return st;
	}
	return EX_OK;
}

/* Side packet pkt of `in`, read from source stream s: its timestamps
 * onto the file's clock (in s's time base) and its output stream. */
void
media_side_map_ts(const media_native *n, const media_in *in, const AVStream *s,
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
side_write(media_native *n, AVPacket *pkt, ex_error *err)
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
	st = media_out_write_to(n->out, pkt->stream_index, pkt,
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
ex_status
media_side_flush(media_native *n, int final, ex_error *err)
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
		media_pktq_clear(&n->pending);
	else
		media_pktq_shift(&n->pending, i);
	return st;
}

/* A packet of a stream other than the video. */
ex_status
media_side_packet(media_native *n, media_in *in, AVPacket *pkt, ex_error *err)
{
	unsigned i = (unsigned)pkt->stream_index;
	AVStream *s;
	ex_instant at;

	if (i >= n->nmap || !n->map[i].carry ||
	    media_packet_ts(pkt) == AV_NOPTS_VALUE) {
		av_packet_unref(pkt);
		return EX_OK;
	}
	s = in->fmt->streams[i];
	at = media_in_instant_of(in, s, media_packet_ts(pkt));
	if (n->out == NULL)
		return media_pktq_push_at(&n->pre, pkt, at, err);
	if (at < n->file_start || n->map[i].out < 0) {
		av_packet_unref(pkt);
		return EX_OK;
	}
	media_side_map_ts(n, in, s, pkt);
	return media_pktq_push_at(&n->pending, pkt, at, err);
}

/* The cut has ended: read on to drain_to for the side packets of its last
 * moments (they may come after the video's in the file). */
ex_status
media_side_drain(media_native *n, media_in *in, AVPacket *pkt,
    ex_instant drain_to, ex_error *err)
{
	ex_status st;

	while (!media_job_cancelled(&n->job)) {
		unsigned i;

		if (av_read_frame(in->fmt, pkt) < 0)
			break;
		i = (unsigned)pkt->stream_index;
		if ((int)i == in->index || i >= n->nmap || !n->map[i].carry ||
		    media_packet_ts(pkt) == AV_NOPTS_VALUE) {
			av_packet_unref(pkt);
			continue;
		}
		if (media_in_instant_of(in, in->fmt->streams[i],
		    media_packet_ts(pkt)) >= drain_to) {
			av_packet_unref(pkt);
			break;
		}
		if ((st = media_side_packet(n, in, pkt, err)) != EX_OK)
			return st;
	}
	return EX_OK;
}

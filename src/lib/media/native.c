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
 * The other streams MP4 can carry (media.h) come along on the same clock
 * (native_streams.c):
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

#include "media/native_private.h"

/* How far past the cut's end side packets are looked for (interleaving
 * in MP4 files is by chunks of up to a second or so). */
#define SIDE_DRAIN_USEC (2 * EX_USEC_PER_SEC)

/* ---- the packet queues -------------------------------------------------- */

void
media_pktq_clear(media_pktq *q)
{
	for (size_t i = 0; i < q->n; i++)
		av_packet_free(&q->pkts[i]);
	q->n = 0;
}

void
media_pktq_free(media_pktq *q)
{
	media_pktq_clear(q);
	free(q->pkts);
	free(q->at);
	q->pkts = NULL;
	q->at = NULL;
	q->cap = 0;
	q->cap_at = 0;
}

/* Move pkt's reference, shown at recorder instant at, to the end of q. */
ex_status
media_pktq_push_at(media_pktq *q, AVPacket *pkt, ex_instant at, ex_error *err)
{
	AVPacket *copy;

	if (BASE_GROW(q->pkts, q->cap, q->n + 1) != 0 ||
	    BASE_GROW(q->at, q->cap_at, q->n + 1) != 0)
		return base_nomem(err);
	copy = av_packet_alloc();
	if (copy == NULL)
		return base_nomem(err);
	av_packet_move_ref(copy, pkt);
	q->at[q->n] = at;
	q->pkts[q->n++] = copy;
	return EX_OK;
}

static ex_status
pktq_push(media_pktq *q, AVPacket *pkt, ex_error *err)
{
	return media_pktq_push_at(q, pkt, EX_INSTANT_NONE, err);
}

/* Drop the first k packets of q. */
void
media_pktq_shift(media_pktq *q, size_t k)
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
pktq_drop_before(media_pktq *q, ex_instant t)
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

int64_t
media_packet_ts(const AVPacket *pkt)
{
	return pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
}

/* ---- the cut ------------------------------------------------------------ */

static int
same_params(const AVCodecParameters *a, const AVCodecParameters *b)
{
	return a->codec_id == b->codec_id && a->width == b->width &&
	    a->height == b->height && a->extradata_size == b->extradata_size &&
	    (a->extradata_size == 0 ||
	    memcmp(a->extradata, b->extradata, a->extradata_size) == 0);
}

static ex_status
finish_file(media_native *n, ex_error *err)
{
	ex_status st;

	if (n->out == NULL)
		return EX_OK;
	avcodec_parameters_free(&n->par);
	st = media_side_flush(n, 1, err);
	if (st == EX_OK)
		st = media_out_finish(&n->out, err);
	media_side_free(n);
	return st;
}

/* Start a new output file whose first packet is the keyframe key. */
static ex_status
open_file(media_native *n, media_in *in, const ex_segment *seg,
    const AVPacket *key, ex_error *err)
{
	ex_media_file *f;
	char *path = NULL;
	ex_instant at = media_in_instant(in, media_packet_ts(key));
	ex_status st;

	st = media_job_next_path(&n->job, &path, err);
	if (st != EX_OK)
		return st;
	st = media_out_create(path, in->st->codecpar, in->tb,
	    ex_time_recorder_to_true(at, n->job.range->clock_offset), 0,
	    &n->out, err);
	if (st != EX_OK) {
		free(path);
		return st;
	}
	st = media_job_add_file(&n->job, path,
	    avcodec_get_name(in->st->codecpar->codec_id),
	    in->st->codecpar->width, in->st->codecpar->height, &f, err);
	if (st != EX_OK) {
		media_out_abort(&n->out);
		return st;
	}
	n->file = n->job.res->nfiles - 1;
	n->par = avcodec_parameters_alloc();
	if (n->par == NULL ||
	    avcodec_parameters_copy(n->par, in->st->codecpar) < 0)
		return base_nomem(err);
	n->out_tb = in->tb;
	n->file_seg0 = in->seg_start;
	n->origin_ticks = media_packet_ts(key) - in->first_pts;
	n->last_dts = AV_NOPTS_VALUE;
	n->file_start = at;
	media_side_timecode(n, in, key);
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
				return base_nomem(err);
			memcpy(copy, m, size);
		}
	}
	if ((st = media_side_open(n, in, f, err)) != EX_OK ||
	    (st = media_out_start(n->out, err)) != EX_OK)
		return st;
	/* The side packets read before the file began that belong to it. */
	for (size_t i = 0; i < n->pre.n && st == EX_OK; i++) {
		AVPacket *p = n->pre.pkts[i];

		if (n->pre.at[i] < at) {
			av_packet_unref(p);
			continue;
		}
		media_side_map_ts(n, in, in->fmt->streams[p->stream_index], p);
		st = media_pktq_push_at(&n->pending, p, n->pre.at[i], err);
	}
	media_pktq_clear(&n->pre);
	(void)seg;
	return st;
}

static int64_t
map_ts(const media_native *n, const media_in *in, int64_t ts)
{
	if (ts == AV_NOPTS_VALUE)
		return ts;
	return av_rescale_q(ts - in->first_pts, in->tb, n->out_tb) +
	    av_rescale_q(in->seg_start - n->file_seg0, AV_TIME_BASE_Q,
	    n->out_tb) - n->origin_ticks;
}

static ex_status
write_packet(media_native *n, media_in *in, const ex_segment *seg,
    AVPacket *pkt, ex_error *err)
{
	ex_media_file *f = &n->job.res->files[n->file];
	ex_instant at = media_in_instant(in, media_packet_ts(pkt));
	ex_instant dur = pkt->duration > 0 ?
	    av_rescale_q(pkt->duration, in->tb, AV_TIME_BASE_Q) :
	    in->frame_usec;
	ex_status st;

	st = media_file_add_source(f, seg, err);
	if (st != EX_OK)
		return st;
	media_file_add_frame(f, at, dur, n->job.range->clock_offset);
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
	st = media_out_write(n->out, pkt, n->out_tb, err);
	av_packet_unref(pkt);
	if (st != EX_OK)
		return st;
	if (n->prev_end == EX_INSTANT_NONE || at + dur > n->prev_end)
		n->prev_end = at + dur;
	n->prev_dur = dur;
	n->job.done++;
	media_job_progress(&n->job, 0);
	return media_side_flush(n, 0, err);
}

static ex_status
write_held(media_native *n, media_in *in, const ex_segment *seg,
    ex_error *err)
{
	ex_status st = EX_OK;

	for (size_t i = 0; i < n->hold.n && st == EX_OK; i++)
		st = write_packet(n, in, seg, n->hold.pkts[i], err);
	media_pktq_clear(&n->hold);
	return st;
}

/* A problem about `count` frames (`usec` long) of seg not copied: "[the
 * first ]<s> s of this file (<count> frames) <why>". */
static void
skipped_problem(media_native *n, const ex_segment *seg, int64_t count,
    ex_instant usec, int first, const char *why)
{
	if (count > 0)
		media_job_problem(&n->job, seg, EX_INSTANT_NONE, 0,
		    "%s%.1f s of this file (%lld frames) %s",
		    first ? "the first " : "", (double)usec / EX_USEC_PER_SEC,
		    (long long)count, why);
}

/*
 * One segment.  *started: the range has begun (a file may or may not be
 * open); *done: the cut has ended.
 */
static ex_status
cut_segment(media_native *n, const ex_segment *seg, int *started, int *done,
    ex_error *err)
{
	media_in *in = NULL;
	AVPacket *pkt = NULL;
	ex_error ierr;
	char ebuf[128];
	int need_key = *started, ret;
	int64_t nokey = 0, overlap = 0;   /* packets not copied, and */
	ex_instant nokey_usec = 0, overlap_usec = 0;   /* their length */
	ex_instant drain_to = EX_INSTANT_NONE;
	ex_status st = EX_OK;

	ex_error_clear(&ierr);
	media_pktq_clear(&n->hold);   /* held packets belong to another file */
	media_pktq_clear(&n->pre);
	if (media_in_open(seg, &in, &ierr) != EX_OK) {
		media_job_problem(&n->job, seg, EX_INSTANT_NONE, 1,
		    "segment skipped: %s", ierr.message);
		goto out;
	}
	pkt = av_packet_alloc();
	if (pkt == NULL) {
		st = base_nomem(err);
		goto out;
	}
	if ((st = media_side_plan(n, in, err)) != EX_OK)
		goto out;
	/* A hole in the timeline or a change of stream starts a new file. */
	if (n->out != NULL && (!same_params(n->par, in->st->codecpar) ||
	    !media_side_same(n, in) ||
	    (n->prev_end != EX_INSTANT_NONE && seg->start - n->prev_end >
	    n->prev_dur / 2))) {
		st = finish_file(n, err);
		if (st != EX_OK)
			goto out;
	}
	for (;;) {
		ex_instant at;
		int key;

		if (media_job_cancelled(&n->job)) {
			st = ex_error_set(err, EX_ERR_INTERRUPTED,
			    "native cut interrupted");
			goto out;
		}
		ret = av_read_frame(in->fmt, pkt);
		if (ret == AVERROR_EOF)
			break;
		if (ret < 0) {
			media_job_problem(&n->job, seg,
			    n->prev_end, 0, "read error: %s",
			    base_av_err(ret, ebuf, sizeof(ebuf)));
			break;
		}
		if (pkt->stream_index != in->index) {
			st = media_side_packet(n, in, pkt, err);
			if (st != EX_OK)
				goto out;
			continue;
		}
		if (media_packet_ts(pkt) == AV_NOPTS_VALUE) {
			av_packet_unref(pkt);
			continue;
		}
		at = media_in_instant(in, media_packet_ts(pkt));
		key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
		if (pkt->flags & AV_PKT_FLAG_CORRUPT)
			media_job_problem(&n->job, seg, at, 0,
			    "corrupt packet (copied as it is)");
		if (!*started) {
			if (key) {
				media_pktq_clear(&n->hold);
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
	if (drain_to != EX_INSTANT_NONE &&
	    (st = media_side_drain(n, in, pkt, drain_to, err)) != EX_OK)
		goto out;
	skipped_problem(n, seg, nokey, nokey_usec, 1, "could not be copied "
	    "without re-encoding: those pictures depend on one recorded "
	    "before the file starts");
	skipped_problem(n, seg, overlap, overlap_usec, 0, "repeats footage "
	    "already copied from the file before it, and was not copied "
	    "again");
out:
	av_packet_free(&pkt);
	media_in_close(&in);
	return st;
}

ex_status
ex_media_native(const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, const char *outdir, const char *base,
    const ex_media_control *ctl, ex_media_result **out, ex_error *err)
{
	media_native n;
	int started = 0, done = 0;
	ex_status st;

	memset(&n, 0, sizeof(n));
	if (out == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "media: no result");
	*out = NULL;
	st = media_job_init(&n.job, segs, nsegs, range, outdir, base, ctl,
	    err);
	if (st != EX_OK)
		goto out;
	n.from_rec = ex_time_true_to_recorder(range->from, range->clock_offset);
	n.to_rec = ex_time_true_to_recorder(range->to, range->clock_offset);
	n.prev_end = EX_INSTANT_NONE;
	n.last_dts = AV_NOPTS_VALUE;
	for (size_t i = 0; i < nsegs && !done; i++) {
		if (!media_seg_relevant(&segs[i], n.from_rec, n.to_rec))
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
	media_job_progress(&n.job, 1);
	*out = n.job.res;
	n.job.res = NULL;
out:
	media_pktq_free(&n.hold);
	media_pktq_free(&n.pre);
	media_pktq_free(&n.pending);
	media_side_free(&n);
	free(n.map);
	avcodec_parameters_free(&n.par);
	media_out_abort(&n.out);
	media_job_fail(&n.job);
	return st;
}

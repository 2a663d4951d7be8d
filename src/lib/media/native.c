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
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "media/media_private.h"

typedef struct pktq {
	AVPacket **pkts;
	size_t n, cap;
} pktq;

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
	q->pkts = NULL;
	q->cap = 0;
}

/* Move pkt's reference to the end of q. */
static ex_status
pktq_push(pktq *q, AVPacket *pkt, ex_error *err)
{
	AVPacket *copy;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		AVPacket **grown = realloc(q->pkts, cap * sizeof(*grown));

		if (grown == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		q->pkts = grown;
		q->cap = cap;
	}
	copy = av_packet_alloc();
	if (copy == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	av_packet_move_ref(copy, pkt);
	q->pkts[q->n++] = copy;
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

static int64_t
packet_ts(const AVPacket *pkt)
{
	return pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
}

static ex_status
finish_file(native *n, ex_error *err)
{
	ex_status st;

	if (n->out == NULL)
		return EX_OK;
	avcodec_parameters_free(&n->par);
	st = ex_media_out_finish(&n->out, err);
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
	st = ex_media_out_open(path, in->st->codecpar, in->tb,
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
	(void)seg;
	return EX_OK;
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
	return EX_OK;
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
	int64_t skipped = 0;
	ex_status st = EX_OK;

	ex_error_clear(&ierr);
	pktq_clear(&n->hold);   /* held packets belong to another file */
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
	/* A hole in the timeline or a change of stream starts a new file. */
	if (n->out != NULL && (!same_params(n->par, in->st->codecpar) ||
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
		if (pkt->stream_index != in->index ||
		    packet_ts(pkt) == AV_NOPTS_VALUE) {
			av_packet_unref(pkt);
			continue;
		}
		at = ex_media_in_instant(in, packet_ts(pkt));
		key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
		if (pkt->flags & AV_PKT_FLAG_CORRUPT)
			ex_media_job_problem(&n->job, seg, at, 0,
			    "corrupt packet (copied as it is)");
		if (!*started) {
			if (key)
				pktq_clear(&n->hold);
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
			if (!key || (n->prev_end != EX_INSTANT_NONE &&
			    at < n->prev_end - n->prev_dur / 2)) {
				skipped++;
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
	if (skipped > 0)
		ex_media_job_problem(&n->job, seg, EX_INSTANT_NONE, 0,
		    "%lld packets before the segment's first usable keyframe "
		    "or overlapping earlier footage not copied",
		    (long long)skipped);
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
	avcodec_parameters_free(&n.par);
	ex_media_out_abort(&n.out);
	ex_media_job_fail(&n.job);
	return st;
}

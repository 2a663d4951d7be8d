/*
 * result.c — the per-call job: result object, problems, progress, cancel
 * and output names.  Shared by the native cut and the working copy.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/time.h>

#include "media/media_private.h"

#define PROGRESS_INTERVAL_USEC 250000

static void
file_clear(ex_media_file *f)
{
	free(f->path);
	for (size_t i = 0; i < f->nsources; i++)
		free(f->sources[i]);
	free(f->sources);
	for (size_t i = 0; i < f->nstreams; i++)
		free(f->streams[i].reason);
	free(f->streams);
}

const char *
media_stream_type(const AVStream *st)
{
	switch (st->codecpar->codec_type) {
	case AVMEDIA_TYPE_VIDEO:
		return "video";
	case AVMEDIA_TYPE_AUDIO:
		return "audio";
	case AVMEDIA_TYPE_DATA:
		return "data";
	case AVMEDIA_TYPE_SUBTITLE:
		return "subtitle";
	case AVMEDIA_TYPE_ATTACHMENT:
		return "attachment";
	default:
		return "unknown";
	}
}

ex_status
media_file_add_stream(ex_media_file *f, const AVStream *st,
    ex_media_fate fate, int output_index, const char *out_codec,
    const char *reason, ex_media_stream **out, ex_error *err)
{
	const AVCodecParameters *par = st->codecpar;
	ex_media_stream *grown, *s;
	char tag[AV_FOURCC_MAX_STRING_SIZE];

	grown = realloc(f->streams, (f->nstreams + 1) * sizeof(*f->streams));
	if (grown == NULL)
		return base_nomem(err);
	f->streams = grown;
	s = &f->streams[f->nstreams];
	memset(s, 0, sizeof(*s));
	s->source_index = st->index;
	snprintf(s->type, sizeof(s->type), "%s", media_stream_type(st));
	if (par->codec_id != AV_CODEC_ID_NONE || par->codec_tag == 0)
		snprintf(s->codec, sizeof(s->codec), "%s",
		    avcodec_get_name(par->codec_id));
	else
		snprintf(s->codec, sizeof(s->codec), "%s",
		    av_fourcc_make_string(tag, par->codec_tag));
	s->fate = fate;
	s->output_index = fate == EX_MEDIA_LEFT_OUT ? -1 : output_index;
	snprintf(s->out_codec, sizeof(s->out_codec), "%s",
	    fate == EX_MEDIA_LEFT_OUT || out_codec == NULL ? "" : out_codec);
	if (reason != NULL && (s->reason = strdup(reason)) == NULL)
		return base_nomem(err);
	f->nstreams++;
	if (out != NULL)
		*out = s;
	return EX_OK;
}

void
ex_media_result_free(ex_media_result **pres)
{
	ex_media_result *res;

	if (pres == NULL || *pres == NULL)
		return;
	res = *pres;
	for (size_t i = 0; i < res->nfiles; i++)
		file_clear(&res->files[i]);
	free(res->files);
	for (size_t i = 0; i < res->nproblems; i++) {
		free(res->problems[i].source);
		free(res->problems[i].message);
	}
	free(res->problems);
	free(res);
	*pres = NULL;
}

/* Frames the range should hold, from the segments' nominal rates. */
static int64_t
estimate_frames(const ex_segment *segs, size_t nsegs, ex_instant from,
    ex_instant to)
{
	int64_t total = 0;

	for (size_t i = 0; i < nsegs; i++) {
		const ex_segment *s = &segs[i];
		ex_instant a, b;

		if (!media_seg_relevant(s, from, to) || s->fps_num <= 0 ||
		    s->fps_den <= 0 || s->end == EX_INSTANT_NONE)
			continue;
		a = s->start > from ? s->start : from;
		b = s->end < to ? s->end : to;
		if (b > a)
			total += av_rescale(b - a, s->fps_num,
			    (int64_t)s->fps_den * EX_USEC_PER_SEC);
	}
	return total;
}

ex_status
media_job_init(media_job *job, const ex_segment *segs, size_t nsegs,
    const ex_media_range *range, const char *outdir, const char *base,
    const ex_media_control *ctl, ex_error *err)
{
	memset(job, 0, sizeof(*job));
	if (range == NULL || outdir == NULL || base == NULL ||
	    (segs == NULL && nsegs > 0))
		return ex_error_set(err, EX_ERR_USAGE,
		    "media: missing range, output folder or name");
	if (range->to <= range->from)
		return ex_error_set(err, EX_ERR_USAGE,
		    "media: the range ends before it starts");
	if (base[0] == '\0' || strchr(base, '/') != NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "media: '%s' is not a file name", base);
	job->range = range;
	job->outdir = outdir;
	job->base = base;
	job->ctl = ctl;
	job->next_number = 1;
	job->res = calloc(1, sizeof(*job->res));
	if (job->res == NULL)
		return base_nomem(err);
	job->res->requested_from = range->from;
	job->res->requested_to = range->to;
	job->res->actual_from = EX_INSTANT_NONE;
	job->res->actual_to = EX_INSTANT_NONE;
	job->expected = estimate_frames(segs, nsegs,
	    ex_time_true_to_recorder(range->from, range->clock_offset),
	    ex_time_true_to_recorder(range->to, range->clock_offset));
	/* The first frame is reported at once. */
	job->last_progress = av_gettime_relative() - PROGRESS_INTERVAL_USEC;
	return EX_OK;
}

void
media_job_fail(media_job *job)
{
	if (job->res == NULL)
		return;
	for (size_t i = 0; i < job->res->nfiles; i++)
		if (job->res->files[i].path != NULL)
			unlink(job->res->files[i].path);
	ex_media_result_free(&job->res);
}

int
media_job_cancelled(const media_job *job)
{
	return job->ctl != NULL && ex_cancel_requested(job->ctl->cancel);
}

void
media_job_progress(media_job *job, int final)
{
	int64_t now;

	if (job->ctl == NULL || job->ctl->progress == NULL)
		return;
	now = av_gettime_relative();
	if (!final && now - job->last_progress < PROGRESS_INTERVAL_USEC)
		return;
	job->last_progress = now;
	job->ctl->progress(job->ctl->progress_user, job->done,
	    job->expected > job->done ? job->expected : job->done);
}

ex_status
media_job_next_path(media_job *job, char **path, ex_error *err)
{
	size_t len;

	*path = NULL;
	if (job->next_number > 999)
		return ex_error_set(err, EX_ERR_UNSUPPORTED,
		    "media: more than 999 output files for one range");
	len = strlen(job->outdir) + strlen(job->base) + sizeof("/-000.mp4");
	*path = malloc(len);
	if (*path == NULL)
		return base_nomem(err);
	snprintf(*path, len, "%s/%s-%03d.mp4", job->outdir, job->base,
	    job->next_number++);
	return EX_OK;
}

void
media_job_problem(media_job *job, const ex_segment *seg,
    ex_instant at_recorder, int skipped, const char *fmt, ...)
{
	ex_media_result *res = job->res;
	ex_media_problem *p, *grown;
	char msg[EX_ERROR_MAX];
	va_list ap;

	if (res->nproblems >= MEDIA_MAX_PROBLEMS) {
		res->problems_dropped++;
		return;
	}
	grown = realloc(res->problems,
	    (res->nproblems + 1) * sizeof(*res->problems));
	if (grown == NULL) {
		res->problems_dropped++;
		return;
	}
	res->problems = grown;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p = &res->problems[res->nproblems];
	memset(p, 0, sizeof(*p));
	p->source = strdup(seg->relpath != NULL ? seg->relpath : seg->path);
	p->message = strdup(msg);
	if (p->source == NULL || p->message == NULL) {
		free(p->source);
		free(p->message);
		res->problems_dropped++;
		return;
	}
	p->at_recorder = at_recorder;
	p->at_true = at_recorder == EX_INSTANT_NONE ? EX_INSTANT_NONE :
	    ex_time_recorder_to_true(at_recorder, job->range->clock_offset);
	p->skipped = skipped;
	res->nproblems++;
}

ex_status
media_job_add_file(media_job *job, char *path, const char *codec,
    int width, int height, ex_media_file **out, ex_error *err)
{
	ex_media_result *res = job->res;
	ex_media_file *grown, *f;
	const char *slash;

	grown = realloc(res->files, (res->nfiles + 1) * sizeof(*res->files));
	if (grown == NULL) {
		free(path);
		return base_nomem(err);
	}
	res->files = grown;
	f = &res->files[res->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = path;
	slash = strrchr(path, '/');
	f->name = slash != NULL ? (char *)slash + 1 : path;
	f->first_recorder = f->first_true = EX_INSTANT_NONE;
	f->last_recorder = f->last_true = EX_INSTANT_NONE;
	f->end_recorder = f->end_true = EX_INSTANT_NONE;
	snprintf(f->codec, sizeof(f->codec), "%s", codec);
	f->width = width;
	f->height = height;
	*out = f;
	return EX_OK;
}

ex_status
media_file_add_source(ex_media_file *f, const ex_segment *seg,
    ex_error *err)
{
	const char *rel = seg->relpath != NULL ? seg->relpath : seg->path;
	char **grown;

	if (f->nsources > 0 && strcmp(f->sources[f->nsources - 1], rel) == 0)
		return EX_OK;
	grown = realloc(f->sources, (f->nsources + 1) * sizeof(*f->sources));
	if (grown == NULL)
		return base_nomem(err);
	f->sources = grown;
	f->sources[f->nsources] = strdup(rel);
	if (f->sources[f->nsources] == NULL)
		return base_nomem(err);
	f->nsources++;
	return EX_OK;
}

void
media_file_add_frame(ex_media_file *f, ex_instant rec, ex_instant duration,
    int64_t offset)
{
	if (f->first_recorder == EX_INSTANT_NONE || rec < f->first_recorder)
		f->first_recorder = rec;
	if (f->last_recorder == EX_INSTANT_NONE || rec > f->last_recorder)
		f->last_recorder = rec;
	if (f->end_recorder == EX_INSTANT_NONE ||
	    rec + duration > f->end_recorder)
		f->end_recorder = rec + duration;
	f->first_true = ex_time_recorder_to_true(f->first_recorder, offset);
	f->last_true = ex_time_recorder_to_true(f->last_recorder, offset);
	f->end_true = ex_time_recorder_to_true(f->end_recorder, offset);
	f->frames++;
}

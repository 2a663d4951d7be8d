/*
 * queue.c — what lets decoding and encoding overlap: a small bounded
 * queue of frames between the decoding thread and the encoding thread,
 * and a pool of picture buffers so that the frame copied out of the
 * decoder (which still references its own) reuses memory instead of
 * faulting in, zeroing and unmapping 3 MB for every 1080p frame.
 *
 * The queue holds at most `capacity` frames, so memory stays flat however
 * long the range: a producer that gets ahead waits.  Either side can end
 * it: the producer with media_queue_finish (its status travels to the
 * consumer behind the frames already queued), the consumer with
 * media_queue_close (the producer's next push fails, so it stops).
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/imgutils.h>

#include "media/media_private.h"

/* Rows are padded to a multiple of this many bytes (SIMD-friendly). */
#define PIC_ALIGN 64

struct media_queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;     /* an item came or went, or the end */
	media_item *items;       /* ring of capacity slots */
	size_t capacity, head, count;
	int finished;               /* producer: no more items */
	int closed;                 /* consumer: takes no more */
	ex_status status;           /* the producer's outcome */
	ex_error err;
};

static void
item_clear(media_item *item)
{
	av_frame_free(&item->pic);
	av_frame_free(&item->audio);
	memset(item, 0, sizeof(*item));
}

ex_status
media_queue_new(size_t capacity, media_queue **out, ex_error *err)
{
	media_queue *q;

	*out = NULL;
	if (capacity == 0)
		return ex_error_set(err, EX_ERR_USAGE, "media: empty queue");
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return base_nomem(err);
	q->items = calloc(capacity, sizeof(*q->items));
	if (q->items == NULL) {
		free(q);
		return base_nomem(err);
	}
	if (pthread_mutex_init(&q->lock, NULL) != 0) {
		free(q->items);
		free(q);
		return ex_error_set(err, EX_ERR_NOMEM, "cannot create a lock");
	}
	if (pthread_cond_init(&q->changed, NULL) != 0) {
		pthread_mutex_destroy(&q->lock);
		free(q->items);
		free(q);
		return ex_error_set(err, EX_ERR_NOMEM,
		    "cannot create a condition variable");
	}
	q->capacity = capacity;
	ex_error_clear(&q->err);
	*out = q;
	return EX_OK;
}

int
media_queue_push(media_queue *q, media_item *item)
{
	int ok;

	pthread_mutex_lock(&q->lock);
	while (q->count == q->capacity && !q->closed)
		pthread_cond_wait(&q->changed, &q->lock);
	ok = !q->closed && !q->finished;
	if (ok) {
		q->items[(q->head + q->count) % q->capacity] = *item;
		q->count++;
		memset(item, 0, sizeof(*item));
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return ok ? 0 : -1;
}

void
media_queue_finish(media_queue *q, ex_status st, const ex_error *err)
{
	pthread_mutex_lock(&q->lock);
	if (!q->finished) {
		q->finished = 1;
		q->status = st;
		if (st != EX_OK && err != NULL)
			q->err = *err;
	}
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

int
media_queue_pop(media_queue *q, media_item *item, ex_status *st,
    ex_error *err)
{
	int got = 0;

	memset(item, 0, sizeof(*item));
	*st = EX_OK;
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->finished && !q->closed)
		pthread_cond_wait(&q->changed, &q->lock);
	if (q->count > 0 && !q->closed) {
		*item = q->items[q->head];
		memset(&q->items[q->head], 0, sizeof(q->items[q->head]));
		q->head = (q->head + 1) % q->capacity;
		q->count--;
		got = 1;
		pthread_cond_broadcast(&q->changed);
	} else if (q->finished) {
		*st = q->status;
		if (q->status != EX_OK && err != NULL)
			*err = q->err;
	} else {
		*st = ex_error_set(err, EX_ERR_USAGE, "media: queue closed");
	}
	pthread_mutex_unlock(&q->lock);
	return got;
}

void
media_queue_close(media_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	while (q->count > 0) {
		item_clear(&q->items[q->head]);
		q->head = (q->head + 1) % q->capacity;
		q->count--;
	}
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

void
media_queue_free(media_queue **pq)
{
	media_queue *q;

	if (pq == NULL || *pq == NULL)
		return;
	q = *pq;
	for (size_t i = 0; i < q->count; i++)
		item_clear(&q->items[(q->head + i) % q->capacity]);
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
	free(q->items);
	free(q);
	*pq = NULL;
}

/* ---- picture pool -------------------------------------------------------- */

struct media_picpool {
	AVBufferPool *pool;
	int width, height;
	int linesize[4];
	size_t size;
};

void
media_picpool_free(media_picpool **pp)
{
	if (pp == NULL || *pp == NULL)
		return;
	/* Buffers still in frames keep the pool alive until they return. */
	av_buffer_pool_uninit(&(*pp)->pool);
	free(*pp);
	*pp = NULL;
}

static ex_status
picpool_reset(media_picpool **pp, int width, int height, ex_error *err)
{
	media_picpool *p;
	ptrdiff_t linesizes[4];
	size_t sizes[4];
	int i;

	media_picpool_free(pp);
	if (width <= 0 || height <= 0 ||
	    av_image_check_size((unsigned)width, (unsigned)height, 0,
	    NULL) < 0)
		return ex_error_set(err, EX_ERR_MEDIA,
		    "bad picture size %dx%d", width, height);
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return base_nomem(err);
	if (av_image_fill_linesizes(p->linesize, AV_PIX_FMT_YUV420P,
	    FFALIGN(width, PIC_ALIGN)) < 0)
		goto bad;
	for (i = 0; i < 4; i++)
		linesizes[i] = p->linesize[i];
	if (av_image_fill_plane_sizes(sizes, AV_PIX_FMT_YUV420P, height,
	    linesizes) < 0)
		goto bad;
	p->size = PIC_ALIGN;        /* slack for SIMD reads past the end */
	for (i = 0; i < 4; i++)
		p->size += sizes[i];
	p->pool = av_buffer_pool_init(p->size, av_buffer_alloc);
	if (p->pool == NULL) {
		free(p);
		return base_nomem(err);
	}
	p->width = width;
	p->height = height;
	*pp = p;
	return EX_OK;
bad:
	free(p);
	return ex_error_set(err, EX_ERR_MEDIA, "bad picture size %dx%d",
	    width, height);
}

ex_status
media_picpool_get(media_picpool **pp, int width, int height,
    AVFrame **out, ex_error *err)
{
	AVFrame *f = NULL;
	ex_status st;

	*out = NULL;
	if (*pp == NULL || (*pp)->width != width || (*pp)->height != height) {
		st = picpool_reset(pp, width, height, err);
		if (st != EX_OK)
			return st;
	}
	f = av_frame_alloc();
	if (f == NULL)
		return base_nomem(err);
	f->buf[0] = av_buffer_pool_get((*pp)->pool);
	if (f->buf[0] == NULL) {
		av_frame_free(&f);
		return base_nomem(err);
	}
	if (av_image_fill_pointers(f->data, AV_PIX_FMT_YUV420P, height,
	    f->buf[0]->data, (*pp)->linesize) < 0) {
		av_frame_free(&f);
		return ex_error_set(err, EX_ERR_MEDIA, "bad picture size %dx%d",
		    width, height);
	}
	memcpy(f->linesize, (*pp)->linesize, sizeof((*pp)->linesize));
	f->extended_data = f->data;
	f->format = AV_PIX_FMT_YUV420P;
	f->width = width;
	f->height = height;
	*out = f;
	return EX_OK;
}

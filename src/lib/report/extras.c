/*
 * extras.c — what the pages show that the manifest does not hold: the
 * custody events known at export and the thumbnails of the working copies
 * (ex_report_extras, which owns them), and the look-ups the page makes in
 * them.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "report/report_private.h"

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

ex_status
ex_report_extras_add_event(ex_report_extras *x, uint64_t seq,
    ex_instant time, const char *actor, const char *action,
    const char *note, const char *key_id, ex_error *err)
{
	ex_report_event *e;

	if (BASE_GROW(x->events, x->eventcap, x->nevents + 1) != 0)
		return base_nomem(err);
	e = &x->events[x->nevents];
	memset(e, 0, sizeof(*e));
	e->seq = seq;
	e->time = time;
	e->actor = dup_or_null(actor);
	e->action = dup_or_null(action);
	e->note = dup_or_null(note);
	e->key_id = dup_or_null(key_id);
	x->nevents++;
	if ((actor != NULL && e->actor == NULL) ||
	    (action != NULL && e->action == NULL) ||
	    (note != NULL && e->note == NULL) ||
	    (key_id != NULL && e->key_id == NULL))
		return base_nomem(err);
	return EX_OK;
}

ex_status
ex_report_extras_add_thumb(ex_report_extras *x, const char *path,
    unsigned char *png, size_t len, ex_error *err)
{
	char *p;

	if (path == NULL || png == NULL) {
		free(png);
		return ex_error_set(err, EX_ERR_USAGE,
		    "thumbnail: path and picture are required");
	}
	if ((p = strdup(path)) == NULL ||
	    BASE_GROW(x->thumbs, x->thumbcap, x->nthumbs + 1) != 0) {
		free(p);
		free(png);
		return base_nomem(err);
	}
	x->thumbs[x->nthumbs].path = p;
	x->thumbs[x->nthumbs].png = png;
	x->thumbs[x->nthumbs].len = len;
	x->nthumbs++;
	return EX_OK;
}

void
ex_report_extras_clear(ex_report_extras *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nevents; i++) {
		free(x->events[i].actor);
		free(x->events[i].action);
		free(x->events[i].note);
		free(x->events[i].key_id);
	}
	free(x->events);
	for (i = 0; i < x->nthumbs; i++) {
		free(x->thumbs[i].path);
		free(x->thumbs[i].png);
	}
	free(x->thumbs);
	memset(x, 0, sizeof(*x));
}

const ex_report_thumb *
report_find_thumb(const ex_report_extras *x, const char *path)
{
	size_t i;

	if (x == NULL || path == NULL)
		return NULL;
	for (i = 0; i < x->nthumbs; i++)
		if (x->thumbs[i].path != NULL &&
		    strcmp(x->thumbs[i].path, path) == 0)
			return &x->thumbs[i];
	return NULL;
}

void
report_png_size(const unsigned char *png, size_t len, int *w, int *h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1A, '\n' };

	*w = *h = 0;
	if (png == NULL || len < 24 || memcmp(png, sig, 8) != 0 ||
	    memcmp(png + 12, "IHDR", 4) != 0)
		return;
	*w = (int)((uint32_t)png[16] << 24 | (uint32_t)png[17] << 16 |
	    (uint32_t)png[18] << 8 | png[19]) & 0xFFFFFF;
	*h = (int)((uint32_t)png[20] << 24 | (uint32_t)png[21] << 16 |
	    (uint32_t)png[22] << 8 | png[23]) & 0xFFFFFF;
}

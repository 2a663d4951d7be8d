/*
 * burn.c — the text of the burn-in, made once per frame and used for both
 * the pixels (ex_overlay_draw) and the record of what was drawn (the cue
 * track of a working copy, the iTXt chunk of a still), so the two cannot
 * disagree.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "media/media_private.h"

char *
ex_media_correction_text(int64_t clock_offset, char *buf, size_t size)
{
	/* The correction applied is -offset; the magnitude is unsigned so
	 * that even INT64_MIN has one. */
	char sign = clock_offset > 0 ? '-' : '+';
	uint64_t mag;

	if (size == 0)
		return buf;
	if (clock_offset == 0) {
		buf[0] = '\0';
		return buf;
	}
	mag = clock_offset < 0 ? (uint64_t)0 - (uint64_t)clock_offset :
	    (uint64_t)clock_offset;
	if (mag % 1000 == 0)
		snprintf(buf, size, "recorder clock corrected by %c%llu.%03llu s",
		    sign, (unsigned long long)(mag / 1000000),
		    (unsigned long long)(mag % 1000000 / 1000));
	else
		snprintf(buf, size, "recorder clock corrected by %c%llu.%06llu s",
		    sign, (unsigned long long)(mag / 1000000),
		    (unsigned long long)(mag % 1000000));
	return buf;
}

void
media_burn_text(media_burn *b, const ex_media_range *range,
    const char *label, ex_instant t)
{
	b->nlines = 0;
	if (label != NULL)
		b->lines[b->nlines++] = label;
	b->time_line = b->nlines;
	b->lines[b->nlines++] = ex_time_format_display(t, range->zone, b->when,
	    sizeof(b->when));
	b->corr[0] = '\0';
	if (range->clock_offset != 0)
		b->lines[b->nlines++] = ex_media_correction_text(
		    range->clock_offset, b->corr, sizeof(b->corr));
	snprintf(b->record, sizeof(b->record), "%s%s%s", b->when,
	    b->corr[0] != '\0' ? "\n" : "", b->corr);
}

/*
 * exhibit/time.h — instants, ISO 8601, time zones and clock offsets.
 *
 * An instant (ex_instant) is a count of microseconds since
 * 1970-01-01T00:00:00Z, the same unit as FFmpeg's AV_TIME_BASE, so stream
 * times convert with av_rescale_q(ts, tb, AV_TIME_BASE_Q).  Leap seconds
 * are not counted (POSIX time).
 *
 * Zones are IANA names ("Europe/London", "UTC") resolved through the
 * system's zoneinfo; NULL means EX_TIME_DEFAULT_ZONE.  All functions are
 * safe to call from several threads.  Formatting truncates toward the past
 * to whole milliseconds, so a frame at .9999 s shows .999, never the next
 * second.
 */
#ifndef EXHIBIT_TIME_H
#define EXHIBIT_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t ex_instant;

#define EX_TIME_DEFAULT_ZONE "Europe/London"
#define EX_USEC_PER_SEC INT64_C(1000000)
#define EX_INSTANT_NONE INT64_MIN

/* Broken-down local time of an instant in a zone. */
typedef struct ex_local_time {
	int year, month, day;       /* month 1..12, day 1..31 */
	int hour, minute, second;
	int usec;                   /* 0..999999 */
	int utc_offset;             /* seconds east of UTC, e.g. 3600 for BST */
	int is_dst;
	char abbrev[16];            /* "BST", "GMT", "CET" or "+0530" */
} ex_local_time;

/*
 * Parse an ISO 8601 date-time: "2024-10-27T00:59:30Z",
 * "2024-10-27T01:59:30.250+01:00", or a local time without an offset
 * ("2024-10-27T01:30:00", also with a space for the T), which is read in
 * zone.  A local time that the zone makes ambiguous (the hour repeated
 * when clocks go back) or impossible (the hour skipped) fails with
 * EX_ERR_TIME and a message naming the two readings.
 */
ex_status ex_time_parse(const char *text, const char *zone, ex_instant *out,
    ex_error *err);

/*
 * 1 when text, a TIME that ex_time_parse accepts, carries its own offset
 * ("Z" or "+01:00": read as given), 0 when it is a local time read in
 * the zone (so that a caller can say how it was read).
 */
int ex_time_has_offset(const char *text);

/* Parse a clock offset in seconds ("-2.5", "+90", "0.040") to microseconds. */
ex_status ex_time_parse_offset(const char *text, int64_t *out_usec,
    ex_error *err);

/* Local time of t in zone.  Fails for an unknown zone. */
ex_status ex_time_local(ex_instant t, const char *zone, ex_local_time *out,
    ex_error *err);

/* Is zone a zone this machine knows? (EX_ERR_TIME with a message if not) */
ex_status ex_time_zone_check(const char *zone, ex_error *err);

/*
 * Convert a wall-clock reading in zone (fields of lt; utc_offset, is_dst
 * and abbrev ignored) to an instant.  Same ambiguity rules as
 * ex_time_parse.
 */
ex_status ex_time_from_local(const ex_local_time *lt, const char *zone,
    ex_instant *out, ex_error *err);

/* Formats.  Each writes a NUL-terminated string and returns buf; buffers
 * of EX_TIME_BUFSZ always suffice. */
#define EX_TIME_BUFSZ 48
/* "2024-10-27T00:59:30.000Z" */
char *ex_time_format_utc(ex_instant t, char *buf, size_t size);
/* "2024-10-27T01:59:30.000+01:00" (falls back to UTC for a bad zone) */
char *ex_time_format_iso_local(ex_instant t, const char *zone, char *buf,
    size_t size);
/* "2024-10-27 01:59:59.960 BST": the burn-in and human-report form */
char *ex_time_format_display(ex_instant t, const char *zone, char *buf,
    size_t size);
/* "+01:00" from seconds east of UTC */
char *ex_time_format_offset(int utc_offset, char *buf, size_t size);

/*
 * Hold the C library's process-wide zone at `zone` until
 * ex_time_zone_leave(): for code that calls localtime() itself (such as
 * libarchive's ZIP writer, which stores DOS times in local time).  Other
 * threads' conversions wait meanwhile; do not call other ex_time_*
 * functions in between.
 */
void ex_time_zone_enter(const char *zone);
void ex_time_zone_leave(void);

/* The recorder's clock ran offset_usec ahead of true time (recorder minus
 * true).  Convert between the two readings. */
static inline ex_instant
ex_time_recorder_to_true(ex_instant recorder, int64_t offset_usec)
{
	return recorder - offset_usec;
}

static inline ex_instant
ex_time_true_to_recorder(ex_instant truetime, int64_t offset_usec)
{
	return truetime + offset_usec;
}

#ifdef __cplusplus
}
#endif

#endif

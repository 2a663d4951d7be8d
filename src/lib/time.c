/*
 * time.c — ISO 8601, time zones, daylight saving and clock offsets.
 *
 * Zone rules come from the system's zoneinfo through the C library.  The
 * C library keeps one current zone per process (the TZ variable), so every
 * conversion takes tz_lock, switches TZ only when the zone differs from
 * the last one used, and copies what it needs out of struct tm before
 * unlocking.  Exports normally use a single zone, so the switch is rare.
 *
 * Local-to-instant conversion does not trust mktime's tm_isdst guessing:
 * it tries each UTC offset in force within a day either side and keeps the
 * readings that map back to the same wall clock.  None is an impossible
 * time (clocks went forward), two an ambiguous one (clocks went back).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "exhibit/time.h"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static char tz_current[256];

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : mdays[m - 1];
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int
zone_name_ok(const char *zone)
{
	const char *p;

	if (zone[0] == '\0' || zone[0] == '/' || strlen(zone) >= 200 ||
	    strstr(zone, "..") != NULL)
		return 0;
	for (p = zone; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
			return 0;
	}
	return 1;
}

ex_status
ex_time_zone_check(const char *zone, ex_error *err)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat st;

	if (zone == NULL)
		zone = EX_TIME_DEFAULT_ZONE;
	if (strcmp(zone, "UTC") == 0)
		return EX_OK;
	if (!zone_name_ok(zone))
		return ex_error_set(err, EX_ERR_TIME,
		    "'%s' is not a time zone name (use an IANA name such as "
		    "Europe/London)", zone);
	snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL && dir[0] != '\0' ? dir : "/usr/share/zoneinfo", zone);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return ex_error_set(err, EX_ERR_TIME,
		    "unknown time zone '%s' (not in the system's zoneinfo)",
		    zone);
	return EX_OK;
}

/* With tz_lock held: make zone the C library's current zone. */
static void
switch_zone(const char *zone)
{
	char val[sizeof(tz_current) + 1];

	if (strcmp(tz_current, zone) == 0)
		return;
	snprintf(val, sizeof(val), ":%s", zone);
	setenv("TZ", val, 1);
	tzset();
	snprintf(tz_current, sizeof(tz_current), "%s", zone);
}

void
ex_time_zone_enter(const char *zone)
{
	pthread_mutex_lock(&tz_lock);
	switch_zone(zone != NULL ? zone : EX_TIME_DEFAULT_ZONE);
}

void
ex_time_zone_leave(void)
{
	pthread_mutex_unlock(&tz_lock);
}

/* Local time of the whole second s in zone (which has been checked). */
static void
local_of(int64_t s, const char *zone, struct tm *tm, long *gmtoff,
    char *abbrev, size_t abbrevsz)
{
	time_t t = (time_t)s;

	pthread_mutex_lock(&tz_lock);
	switch_zone(zone);
	localtime_r(&t, tm);
	*gmtoff = tm->tm_gmtoff;
	if (abbrev != NULL)
		snprintf(abbrev, abbrevsz, "%s",
		    tm->tm_zone != NULL ? tm->tm_zone : "");
	pthread_mutex_unlock(&tz_lock);
}

static long
offset_at(int64_t s, const char *zone)
{
	struct tm tm;
	long off;

	local_of(s, zone, &tm, &off, NULL, 0);
	return off;
}

ex_status
ex_time_local(ex_instant t, const char *zone, ex_local_time *out,
    ex_error *err)
{
	int64_t s, days, rem;
	long off;
	struct tm tm;
	ex_status st;

	if (zone == NULL)
		zone = EX_TIME_DEFAULT_ZONE;
	if ((st = ex_time_zone_check(zone, err)) != EX_OK)
		return st;
	s = floor_div(t, EX_USEC_PER_SEC);
	local_of(s, zone, &tm, &off, out->abbrev, sizeof(out->abbrev));
	out->utc_offset = (int)off;
	out->is_dst = tm.tm_isdst > 0;
	out->usec = (int)(t - s * EX_USEC_PER_SEC);
	/* Compute the fields ourselves so years beyond time_t's taste agree. */
	s += off;
	days = floor_div(s, 86400);
	rem = s - days * 86400;
	civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(rem / 3600);
	out->minute = (int)(rem / 60 % 60);
	out->second = (int)(rem % 60);
	return EX_OK;
}

char *
ex_time_format_offset(int off, char *buf, size_t size)
{
	int a = off < 0 ? -off : off;

	snprintf(buf, size, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600,
	    a / 60 % 60);
	return buf;
}

static void
utc_fields(ex_instant t, ex_local_time *lt)
{
	int64_t s = floor_div(t, EX_USEC_PER_SEC);
	int64_t days = floor_div(s, 86400);
	int64_t rem = s - days * 86400;

	memset(lt, 0, sizeof(*lt));
	civil_from_days(days, &lt->year, &lt->month, &lt->day);
	lt->hour = (int)(rem / 3600);
	lt->minute = (int)(rem / 60 % 60);
	lt->second = (int)(rem % 60);
	lt->usec = (int)(t - s * EX_USEC_PER_SEC);
	snprintf(lt->abbrev, sizeof(lt->abbrev), "UTC");
}

char *
ex_time_format_utc(ex_instant t, char *buf, size_t size)
{
	ex_local_time lt;

	utc_fields(t, &lt);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", lt.year,
	    lt.month, lt.day, lt.hour, lt.minute, lt.second, lt.usec / 1000);
	return buf;
}

char *
ex_time_format_iso_local(ex_instant t, const char *zone, char *buf,
    size_t size)
{
	ex_local_time lt;
	char off[16];

	if (ex_time_local(t, zone, &lt, NULL) != EX_OK)
		return ex_time_format_utc(t, buf, size);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", lt.year,
	    lt.month, lt.day, lt.hour, lt.minute, lt.second, lt.usec / 1000,
	    ex_time_format_offset(lt.utc_offset, off, sizeof(off)));
	return buf;
}

char *
ex_time_format_display(ex_instant t, const char *zone, char *buf,
    size_t size)
{
	ex_local_time lt;

	if (ex_time_local(t, zone, &lt, NULL) != EX_OK)
		utc_fields(t, &lt);
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d.%03d %s", lt.year,
	    lt.month, lt.day, lt.hour, lt.minute, lt.second, lt.usec / 1000,
	    lt.abbrev);
	return buf;
}

static int64_t
wall_seconds(const ex_local_time *lt)
{
	return days_from_civil(lt->year, lt->month, lt->day) * 86400 +
	    lt->hour * 3600 + lt->minute * 60 + lt->second;
}

ex_status
ex_time_from_local(const ex_local_time *lt, const char *zone,
    ex_instant *out, ex_error *err)
{
	int64_t wall, found[3];
	long offs[3], foundoff[3];
	int nfound = 0, i, j;
	char a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ], oa[16], ob[16];
	ex_status st;

	if (zone == NULL)
		zone = EX_TIME_DEFAULT_ZONE;
	if ((st = ex_time_zone_check(zone, err)) != EX_OK)
		return st;
	wall = wall_seconds(lt);
	offs[0] = offset_at(wall - 86400, zone);
	offs[1] = offset_at(wall, zone);
	offs[2] = offset_at(wall + 86400, zone);
	for (i = 0; i < 3; i++) {
		int64_t cand = wall - offs[i];
		int dup = 0;

		for (j = 0; j < i; j++)
			dup |= offs[j] == offs[i];
		if (dup || offset_at(cand, zone) != offs[i])
			continue;
		foundoff[nfound] = offs[i];
		found[nfound++] = cand;
	}
	snprintf(a, sizeof(a), "%04d-%02d-%02dT%02d:%02d:%02d", lt->year,
	    lt->month, lt->day, lt->hour, lt->minute, lt->second);
	if (nfound == 1) {
		*out = found[0] * EX_USEC_PER_SEC + lt->usec;
		return EX_OK;
	}
	if (nfound == 0) {
		/* Skipped: name the readings with the offsets either side. */
		long before = offs[0], after = offs[2];

		ex_time_format_utc((wall - before) * EX_USEC_PER_SEC, b,
		    sizeof(b));
		{
			char c[EX_TIME_BUFSZ];

			ex_time_format_utc((wall - after) * EX_USEC_PER_SEC, c,
			    sizeof(c));
			return ex_error_set(err, EX_ERR_TIME,
			    "%s does not exist in %s (the clocks went forward "
			    "over it); it could mean %s%s (%s) or %s%s (%s): "
			    "give the time with its UTC offset", a, zone, a,
			    ex_time_format_offset((int)before, oa, sizeof(oa)),
			    b, a,
			    ex_time_format_offset((int)after, ob, sizeof(ob)),
			    c);
		}
	}
	{
		char c[EX_TIME_BUFSZ];
		int first = found[0] < found[1] ? 0 : 1;

		ex_time_format_utc(found[first] * EX_USEC_PER_SEC, b,
		    sizeof(b));
		ex_time_format_utc(found[1 - first] * EX_USEC_PER_SEC, c,
		    sizeof(c));
		return ex_error_set(err, EX_ERR_TIME,
		    "%s is ambiguous in %s (the clocks went back and it "
		    "happened twice): it could mean %s%s (%s) or %s%s (%s): "
		    "give the time with its UTC offset", a, zone, a,
		    ex_time_format_offset((int)foundoff[first], oa, sizeof(oa)),
		    b, a,
		    ex_time_format_offset((int)foundoff[1 - first], ob,
		    sizeof(ob)), c);
	}
}

/* Read exactly n digits at *p into *val. */
static int
digits(const char **p, int n, int *val)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return 0;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*val = v;
	return 1;
}

ex_status
ex_time_parse(const char *text, const char *zone, ex_instant *out,
    ex_error *err)
{
	const char *p = text;
	ex_local_time lt;
	int basic, has_offset = 0, off = 0;

	memset(&lt, 0, sizeof(lt));
	if (text == NULL)
		return ex_error_set(err, EX_ERR_TIME, "no time given");
	/* Date: YYYY-MM-DD (extended) or YYYYMMDD (basic). */
	if (!digits(&p, 4, &lt.year))
		goto bad;
	basic = *p != '-';
	if (!basic)
		p++;
	if (!digits(&p, 2, &lt.month))
		goto bad;
	if (!basic && *p++ != '-')
		goto bad;
	if (!digits(&p, 2, &lt.day))
		goto bad;
	if (*p != 'T' && *p != 't' && *p != ' ')
		goto bad;
	p++;
	if (!digits(&p, 2, &lt.hour))
		goto bad;
	if (!basic && *p++ != ':')
		goto bad;
	if (!digits(&p, 2, &lt.minute))
		goto bad;
	if ((!basic && *p == ':') || (basic && isdigit((unsigned char)*p))) {
		if (!basic)
			p++;
		if (!digits(&p, 2, &lt.second))
			goto bad;
		if (*p == '.' || *p == ',') {
			int n = 0, scale = 100000;

			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			for (; isdigit((unsigned char)*p); p++, n++) {
				if (n < 6) {
					lt.usec += (*p - '0') * scale;
					scale /= 10;
				} else if (n >= 9) {
					goto bad;
				}
			}
		}
	}
	if (*p == 'Z' || *p == 'z') {
		has_offset = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om = 0;

		p++;
		if (!digits(&p, 2, &oh))
			goto bad;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && !digits(&p, 2, &om))
			goto bad;
		if (oh > 18 || om > 59)
			goto bad;
		off = sign * (oh * 3600 + om * 60);
		has_offset = 1;
	}
	if (*p != '\0')
		goto bad;
	if (lt.year < 1 || lt.month < 1 || lt.month > 12 || lt.day < 1 ||
	    lt.day > days_in_month(lt.year, lt.month) || lt.hour > 23 ||
	    lt.minute > 59 || lt.second > 59)
		return ex_error_set(err, EX_ERR_TIME,
		    "'%s' is not a valid date and time", text);
	if (has_offset) {
		*out = (wall_seconds(&lt) - off) * EX_USEC_PER_SEC + lt.usec;
		return EX_OK;
	}
	return ex_time_from_local(&lt, zone, out, err);
bad:
	return ex_error_set(err, EX_ERR_TIME,
	    "'%s' is not an ISO 8601 time (expected e.g. 2024-10-27T00:59:30Z, "
	    "2024-10-27T01:59:30+01:00 or a local 2024-10-27T01:59:30)", text);
}

int
ex_time_has_offset(const char *text)
{
	const char *t;

	if (text == NULL)
		return 0;
	/* The date holds '-'; after the 'T' (or the space) only an offset
	 * does. */
	t = strpbrk(text, "Tt ");
	return t != NULL && strpbrk(t + 1, "Zz+-") != NULL;
}

ex_status
ex_time_parse_offset(const char *text, int64_t *out_usec, ex_error *err)
{
	const char *p = text;
	int64_t whole = 0, frac = 0, scale = 100000, sign = 1;
	int n = 0;

	if (text == NULL)
		goto bad;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p) && !(*p == '.' &&
	    isdigit((unsigned char)p[1])))
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > INT64_C(10) * 366 * 86400)
			return ex_error_set(err, EX_ERR_TIME,
			    "clock offset '%s' is more than ten years", text);
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, n++) {
			if (n < 6) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (*p != '\0')
		goto bad;
	*out_usec = sign * (whole * EX_USEC_PER_SEC + frac);
	return EX_OK;
bad:
	return ex_error_set(err, EX_ERR_TIME,
	    "'%s' is not a clock offset in seconds (e.g. -2.5 or 90)",
	    text != NULL ? text : "");
}

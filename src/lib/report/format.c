/*
 * format.c — the words and numbers both pages print the same way: text
 * cleaned and HTML-escaped, sizes, spans, offsets and durations, times in
 * the request's zone and in UTC, a clock change inside a range, links to
 * bag paths, counts.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "exhibit/text.h"
#include "report/report_private.h"

void
report_buf_html(base_buf *b, const char *s)
{
	char *c;
	const char *p;

	if (s == NULL)
		return;
	if ((c = ex_text_clean(s, REPORT_ONE_LINE)) == NULL) {
		b->failed = 1;
		return;
	}
	for (p = c; *p != '\0'; p++) {
		switch (*p) {
		case '&': base_buf_adds(b, "&amp;"); break;
		case '<': base_buf_adds(b, "&lt;"); break;
		case '>': base_buf_adds(b, "&gt;"); break;
		case '"': base_buf_adds(b, "&quot;"); break;
		case '\'': base_buf_adds(b, "&#39;"); break;
		default: base_buf_add(b, p, 1); break;
		}
	}
	free(c);
}

ex_status
report_buf_finish(base_buf *b, char **out, size_t *len, ex_error *err)
{
	size_t n = b->len;

	if ((*out = base_buf_take(b)) == NULL)
		return base_nomem(err);
	if (len != NULL)
		*len = n;
	return EX_OK;
}

/* ---- strings ------------------------------------------------------------- */

size_t
report_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

char *
report_format_size(uint64_t bytes, char *buf, size_t size)
{
	char digits[32], grouped[48];
	size_t n, i, o = 0;

	snprintf(digits, sizeof(digits), "%" PRIu64, bytes);
	n = strlen(digits);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	if (bytes >= UINT64_C(1000000000))
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " GB (%s bytes)",
		    bytes / UINT64_C(1000000000),
		    bytes % UINT64_C(1000000000) / UINT64_C(100000000),
		    grouped);
	else if (bytes >= UINT64_C(1000000))
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " MB (%s bytes)",
		    bytes / UINT64_C(1000000),
		    bytes % UINT64_C(1000000) / UINT64_C(100000), grouped);
	else if (bytes >= UINT64_C(1000))
		snprintf(buf, size, "%" PRIu64 " kB (%s bytes)",
		    bytes / UINT64_C(1000), grouped);
	else
		snprintf(buf, size, "%s bytes", grouped);
	return buf;
}

char *
report_format_span(int64_t usec, char *buf, size_t size)
{
	uint64_t a = usec < 0 ? (uint64_t)0 - (uint64_t)usec : (uint64_t)usec;

	snprintf(buf, size, "%s%" PRIu64 ".%03" PRIu64 " s", usec < 0 ? "-" :
	    "", a / 1000000, a % 1000000 / 1000);
	return buf;
}

char *
report_format_offset(int64_t usec, char *buf, size_t size)
{
	if (usec == 0) {
		snprintf(buf, size, "0 s");
		return buf;
	}
	if (usec > 0) {
		buf[0] = '+';
		report_format_span(usec, buf + 1, size - 1);
	} else {
		report_format_span(usec, buf, size);
	}
	return buf;
}

char *
report_local(ex_instant t, const char *zone, char *buf, size_t size)
{
	if (t == EX_INSTANT_NONE)
		snprintf(buf, size, "unknown");
	else
		ex_time_format_display(t, zone, buf, size);
	return buf;
}

char *
report_utc(ex_instant t, char *buf, size_t size)
{
	if (t == EX_INSTANT_NONE)
		snprintf(buf, size, "unknown");
	else
		ex_time_format_utc(t, buf, size);
	return buf;
}

char *
report_href(const char *bag_path)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *p = bag_path;
	base_buf b = BASE_BUF_INIT;

	if (strncmp(p, "data/", 5) == 0)
		p += 5;
	else
		base_buf_adds(&b, "../");
	while (*p == '/')
		p++;
	for (; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/' && (p[1] == '/' || p[1] == '\0'))
			continue;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '~' || c == '-' || c == '/') {
			base_buf_add(&b, p, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			base_buf_add(&b, e, 3);
		}
	}
	return base_buf_take(&b);
}

const char *
report_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

size_t
report_count_role(const ex_manifest_camera *c, ex_manifest_role role)
{
	size_t i, n = 0;

	for (i = 0; i < c->nfiles; i++)
		if (c->files[i].role == role)
			n++;
	return n;
}

char *
report_count(size_t n, const char *one, const char *many, char *buf,
    size_t size)
{
	snprintf(buf, size, "%zu %s", n, n == 1 ? one : many);
	return buf;
}

/* ---- durations and clock changes ----------------------------------------- */

char *
report_format_duration(int64_t usec, char *buf, size_t size)
{
	uint64_t a = usec < 0 ? (uint64_t)0 - (uint64_t)usec : (uint64_t)usec;
	uint64_t ms = a / 1000, h = ms / 3600000, m = ms / 60000 % 60,
	    s = ms / 1000 % 60, frac = ms % 1000;
	size_t o = 0;

	buf[0] = '\0';
	if (h > 0)
		o += (size_t)snprintf(buf + o, size - o, "%" PRIu64 " hour%s",
		    h, h == 1 ? "" : "s");
	if (m > 0 && o < size)
		o += (size_t)snprintf(buf + o, size - o, "%s%" PRIu64
		    " minute%s", o > 0 ? " " : "", m, m == 1 ? "" : "s");
	if (o >= size)
		return buf;
	if (frac != 0) {
		char f[8];
		int k = 3;

		snprintf(f, sizeof(f), "%03" PRIu64, frac);
		while (k > 1 && f[k - 1] == '0')
			f[--k] = '\0';
		snprintf(buf + o, size - o, "%s%" PRIu64 ".%s seconds",
		    o > 0 ? " " : "", s, f);
	} else if (s > 0 || o == 0) {
		snprintf(buf + o, size - o, "%s%" PRIu64 " second%s",
		    o > 0 ? " " : "", s, s == 1 ? "" : "s");
	}
	return buf;
}

static int
offset_at(ex_instant t, const char *zone, ex_local_time *lt)
{
	return ex_time_local(t, zone, lt, NULL) == EX_OK ? 0 : -1;
}

/* "02:00" for the wall clock of instant t read at utc_offset. */
static void
wall_hhmm(ex_instant t, int utc_offset, char *buf, size_t size)
{
	int64_t s = t / EX_USEC_PER_SEC + utc_offset, d;

	d = s % 86400;
	if (d < 0)
		d += 86400;
	snprintf(buf, size, "%02d:%02d", (int)(d / 3600),
	    (int)(d / 60 % 60));
}

int
report_clock_change(ex_instant from, ex_instant to, const char *zone,
    report_change *c)
{
	ex_local_time a, b, mid;
	ex_instant lo = from, hi = to;

	memset(c, 0, sizeof(*c));
	if (from == EX_INSTANT_NONE || to == EX_INSTANT_NONE || to <= from ||
	    offset_at(from, zone, &a) != 0 || offset_at(to, zone, &b) != 0 ||
	    a.utc_offset == b.utc_offset)
		return 0;
	/* The offset is a step: find the first instant that reads as b. */
	while (hi - lo > 1) {
		ex_instant m = lo + (hi - lo) / 2;

		if (offset_at(m, zone, &mid) != 0)
			return 0;
		if (mid.utc_offset == a.utc_offset)
			lo = m;
		else
			hi = m;
	}
	c->at = hi;
	c->before = a.utc_offset;
	c->after = b.utc_offset;
	snprintf(c->abbr_before, sizeof(c->abbr_before), "%s", a.abbrev);
	snprintf(c->abbr_after, sizeof(c->abbr_after), "%s", b.abbrev);
	wall_hhmm(hi, a.utc_offset, c->wall_before, sizeof(c->wall_before));
	wall_hhmm(hi, b.utc_offset, c->wall_after, sizeof(c->wall_after));
	wall_hhmm(hi, 0, c->wall_utc, sizeof(c->wall_utc));
	{
		int d = c->after - c->before, ad = d < 0 ? -d : d;

		if (ad == 3600)
			snprintf(c->amount, sizeof(c->amount), "an hour");
		else if (ad % 3600 == 0)
			snprintf(c->amount, sizeof(c->amount), "%d hours",
			    ad / 3600);
		else
			snprintf(c->amount, sizeof(c->amount), "%d minutes",
			    ad / 60);
		c->direction = d < 0 ? "back" : "forward";
	}
	return 1;
}

char *
report_range_note(ex_instant from, ex_instant to, const char *zone)
{
	report_change c;
	char len[64];
	size_t n = 256;
	char *s;

	if (!report_clock_change(from, to, zone, &c))
		return NULL;
	if ((s = malloc(n)) == NULL)
		return NULL;
	snprintf(s, n, "Lasts %s: the clocks went %s %s during it (%s %s "
	    "became %s %s).", report_format_duration(to - from, len,
	    sizeof(len)), c.direction, c.amount, c.wall_before, c.abbr_before,
	    c.wall_after, c.abbr_after);
	return s;
}

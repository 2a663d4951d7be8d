/*
 * common.c — what index.html and README.txt share: a text buffer, UTF-8
 * cleaning, the extras, and the content both pages say in the same words.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/bundle.h"
#include "exhibit/text.h"
#include "report/report_private.h"

/* ---- text buffer --------------------------------------------------------- */

static int
buf_grow(ex_report_buf *b, size_t more)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return -1;
	want = b->len + more + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap > 0 ? b->cap : 4096;
	while (cap < want)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
ex_report_buf_putn(ex_report_buf *b, const char *s, size_t n)
{
	if (buf_grow(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
ex_report_buf_put(ex_report_buf *b, const char *s)
{
	if (s != NULL)
		ex_report_buf_putn(b, s, strlen(s));
}

void
ex_report_buf_printf(ex_report_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
ex_report_buf_html(ex_report_buf *b, const char *s)
{
	char *c;
	const char *p;

	if (s == NULL)
		return;
	if ((c = ex_report_clean(s, 0)) == NULL) {
		b->failed = 1;
		return;
	}
	for (p = c; *p != '\0'; p++) {
		switch (*p) {
		case '&': ex_report_buf_put(b, "&amp;"); break;
		case '<': ex_report_buf_put(b, "&lt;"); break;
		case '>': ex_report_buf_put(b, "&gt;"); break;
		case '"': ex_report_buf_put(b, "&quot;"); break;
		case '\'': ex_report_buf_put(b, "&#39;"); break;
		default: ex_report_buf_putn(b, p, 1); break;
		}
	}
	free(c);
}

ex_status
ex_report_buf_finish(ex_report_buf *b, char **out, size_t *len,
    ex_error *err)
{
	if (b->failed || buf_grow(b, 0) != 0) {
		ex_report_buf_free(b);
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	}
	*out = b->p;
	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return EX_OK;
}

void
ex_report_buf_free(ex_report_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- strings ------------------------------------------------------------- */

char *
ex_report_clean(const char *s, int keep_lf)
{
	return ex_text_clean(s, EX_TEXT_TAB_SPACE |
	    (keep_lf ? 0u : EX_TEXT_LF_SPACE));
}

size_t
ex_report_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

char *
ex_report_format_size(uint64_t bytes, char *buf, size_t size)
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
		    bytes % UINT64_C(1000000000) / UINT64_C(100000000), grouped);
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
ex_report_format_span(int64_t usec, char *buf, size_t size)
{
	uint64_t a = usec < 0 ? (uint64_t)0 - (uint64_t)usec : (uint64_t)usec;

	snprintf(buf, size, "%s%" PRIu64 ".%03" PRIu64 " s", usec < 0 ? "-" :
	    "", a / 1000000, a % 1000000 / 1000);
	return buf;
}

char *
ex_report_format_offset(int64_t usec, char *buf, size_t size)
{
	if (usec == 0) {
		snprintf(buf, size, "0 s");
		return buf;
	}
	if (usec > 0) {
		buf[0] = '+';
		ex_report_format_span(usec, buf + 1, size - 1);
	} else {
		ex_report_format_span(usec, buf, size);
	}
	return buf;
}

char *
ex_report_local(ex_instant t, const char *zone, char *buf, size_t size)
{
	if (t == EX_INSTANT_NONE)
		snprintf(buf, size, "unknown");
	else
		ex_time_format_display(t, zone, buf, size);
	return buf;
}

char *
ex_report_utc(ex_instant t, char *buf, size_t size)
{
	if (t == EX_INSTANT_NONE)
		snprintf(buf, size, "unknown");
	else
		ex_time_format_utc(t, buf, size);
	return buf;
}

char *
ex_report_href(const char *bag_path)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *p = bag_path;
	ex_report_buf b = { 0 };
	char *out = NULL;

	if (strncmp(p, "data/", 5) == 0)
		p += 5;
	else
		ex_report_buf_put(&b, "../");
	while (*p == '/')
		p++;
	for (; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/' && (p[1] == '/' || p[1] == '\0'))
			continue;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '~' || c == '-' || c == '/') {
			ex_report_buf_putn(&b, p, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			ex_report_buf_putn(&b, e, 3);
		}
	}
	if (ex_report_buf_finish(&b, &out, NULL, NULL) != EX_OK)
		return NULL;
	return out;
}

const char *
ex_report_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

const ex_report_thumb *
ex_report_find_thumb(const ex_report_extras *x, const char *path)
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
ex_report_png_size(const unsigned char *png, size_t len, int *w, int *h)
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

size_t
ex_report_count_role(const ex_manifest_camera *c, ex_manifest_role role)
{
	size_t i, n = 0;

	for (i = 0; i < c->nfiles; i++)
		if (c->files[i].role == role)
			n++;
	return n;
}

char *
ex_report_count(size_t n, const char *one, const char *many, char *buf,
    size_t size)
{
	snprintf(buf, size, "%zu %s", n, n == 1 ? one : many);
	return buf;
}

/* ---- durations and clock changes ----------------------------------------- */

char *
ex_report_format_duration(int64_t usec, char *buf, size_t size)
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
ex_report_clock_change(ex_instant from, ex_instant to, const char *zone,
    ex_report_change *c)
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
ex_report_range_note(ex_instant from, ex_instant to, const char *zone)
{
	ex_report_change c;
	char len[64];
	size_t n = 256;
	char *s;

	if (!ex_report_clock_change(from, to, zone, &c))
		return NULL;
	if ((s = malloc(n)) == NULL)
		return NULL;
	snprintf(s, n, "Lasts %s: the clocks went %s %s during it (%s %s "
	    "became %s %s).", ex_report_format_duration(to - from, len,
	    sizeof(len)), c.direction, c.amount, c.wall_before, c.abbr_before,
	    c.wall_after, c.abbr_after);
	return s;
}

/* ---- extras -------------------------------------------------------------- */

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
	ex_report_event *v, *e;

	v = realloc(x->events, (x->nevents + 1) * sizeof(*v));
	if (v == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	x->events = v;
	e = &v[x->nevents];
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
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	return EX_OK;
}

ex_status
ex_report_extras_add_thumb(ex_report_extras *x, const char *path,
    unsigned char *png, size_t len, ex_error *err)
{
	ex_report_thumb *v;
	char *p;

	if (path == NULL || png == NULL) {
		free(png);
		return ex_error_set(err, EX_ERR_USAGE,
		    "thumbnail: path and picture are required");
	}
	p = strdup(path);
	v = p != NULL ? realloc(x->thumbs, (x->nthumbs + 1) * sizeof(*v)) :
	    NULL;
	if (v == NULL) {
		free(p);
		free(png);
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	}
	x->thumbs = v;
	v[x->nthumbs].path = p;
	v[x->nthumbs].png = png;
	v[x->nthumbs].len = len;
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

/* ---- shared content -------------------------------------------------------- */

void
ex_report_items_free(ex_report_items *it)
{
	size_t i;

	for (i = 0; i < it->n; i++) {
		free(it->v[i].label);
		free(it->v[i].text);
	}
	free(it->v);
	memset(it, 0, sizeof(*it));
}

static void
item_add(ex_report_items *it, ex_report_kind kind, const char *label,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
item_add(ex_report_items *it, ex_report_kind kind, const char *label,
    const char *fmt, ...)
{
	ex_report_item *v;
	va_list ap;
	char *text = NULL;
	int n;

	if (it->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && (text = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	v = text != NULL ? realloc(it->v, (it->n + 1) * sizeof(*v)) : NULL;
	if (v == NULL) {
		free(text);
		it->failed = 1;
		return;
	}
	it->v = v;
	v[it->n].kind = kind;
	v[it->n].text = text;
	v[it->n].label = label != NULL ? strdup(label) : NULL;
	if (label != NULL && v[it->n].label == NULL)
		it->failed = 1;
	it->n++;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

char *
ex_report_title(const ex_manifest *m)
{
	const char *ex = or_empty(m->bundle.exhibit_ref);
	const char *cs = or_empty(m->bundle.case_ref);
	size_t n = strlen(ex) + strlen(cs) + 64;
	char *t = malloc(n);

	if (t != NULL)
		snprintf(t, n, "CCTV evidence: exhibit %s, case %s", ex, cs);
	return t;
}

void
ex_report_facts(const ex_manifest *m, ex_report_items *it)
{
	const ex_manifest_bundle *b = &m->bundle;
	const ex_manifest_recorder *r = &m->recorder;
	const ex_manifest_request *q = &m->request;
	const char *zone = q->zone != NULL ? q->zone : EX_TIME_DEFAULT_ZONE;
	char l1[EX_TIME_BUFSZ], l2[EX_TIME_BUFSZ], u1[EX_TIME_BUFSZ],
	    u2[EX_TIME_BUFSZ], off[48];
	ex_report_change ch;
	size_t i;

	item_add(it, EX_RI_FACT, "Case", "%s", or_empty(b->case_ref));
	item_add(it, EX_RI_FACT, "Exhibit", "%s", or_empty(b->exhibit_ref));
	item_add(it, EX_RI_FACT, "Exported by", "%s",
	    or_empty(b->operator_name));
	if (b->organisation != NULL)
		item_add(it, EX_RI_FACT, "Organisation", "%s", b->organisation);
	if (b->reason != NULL)
		item_add(it, EX_RI_FACT, "Reason", "%s", b->reason);
	item_add(it, EX_RI_FACT, "Exported at", "%s\nUTC %s",
	    ex_report_local(b->export_time, zone, l1, sizeof(l1)),
	    ex_report_utc(b->export_time, u1, sizeof(u1)));
	{
		ex_report_buf rb = { 0 };
		char *s = NULL;

		if (r->make != NULL || r->model != NULL) {
			ex_report_buf_put(&rb, or_empty(r->make));
			if (r->make != NULL && r->model != NULL)
				ex_report_buf_put(&rb, " ");
			ex_report_buf_put(&rb, or_empty(r->model));
		} else {
			ex_report_buf_put(&rb, "Not named by the archive");
		}
		if (r->serial != NULL)
			ex_report_buf_printf(&rb, ", serial %s", r->serial);
		if (r->site != NULL)
			ex_report_buf_printf(&rb, ", at %s", r->site);
		if (r->layout != NULL)
			ex_report_buf_printf(&rb, " (%s archive)", r->layout);
		if (ex_report_buf_finish(&rb, &s, NULL, NULL) != EX_OK) {
			it->failed = 1;
			return;
		}
		item_add(it, EX_RI_FACT, "Recorder", "%s", s);
		free(s);
	}
	if (r->zone != NULL)
		item_add(it, EX_RI_FACT, "Recorder time zone", "%s", r->zone);
	ex_report_format_offset(r->clock_offset_usec, off, sizeof(off));
	if (r->clock_offset_usec == 0)
		item_add(it, EX_RI_FACT, "Clock offset",
		    "None (0 s): the recorder's clock was taken to be right, "
		    "so the times shown are the times the recorder wrote.");
	else
		item_add(it, EX_RI_FACT, "Clock offset",
		    "%s applied: the recorder's clock was %s %s true time when it "
		    "was checked%s%s. Every time in this bundle, and the time "
		    "burned into the working copies, is the true time (the "
		    "recorder's reading %s %s); manifest.xml records both.",
		    off, off + 1,
		    r->clock_offset_usec > 0 ? "ahead of" : "behind",
		    r->clock_offset_by != NULL ? ", by " : "",
		    or_empty(r->clock_offset_by),
		    r->clock_offset_usec > 0 ? "minus" : "plus", off + 1);
	if (r->clock_offset_note != NULL)
		item_add(it, EX_RI_FACT, "Clock check", "%s",
		    r->clock_offset_note);
	{
		ex_report_buf cb = { 0 };
		char *s = NULL;

		for (i = 0; i < q->ncameras; i++)
			ex_report_buf_printf(&cb, "%s%s", i > 0 ? ", " : "",
			    q->cameras[i]);
		if (ex_report_buf_finish(&cb, &s, NULL, NULL) != EX_OK) {
			it->failed = 1;
			return;
		}
		item_add(it, EX_RI_FACT, "Cameras", "%s", s);
		free(s);
	}
	item_add(it, EX_RI_FACT, "Requested", "%s to %s\nUTC %s to %s",
	    ex_report_local(q->from, zone, l1, sizeof(l1)),
	    ex_report_local(q->to, zone, l2, sizeof(l2)),
	    ex_report_utc(q->from, u1, sizeof(u1)),
	    ex_report_utc(q->to, u2, sizeof(u2)));
	if (ex_report_clock_change(q->from, q->to, zone, &ch)) {
		char len[64], not[128];

		ex_report_format_duration(q->to - q->from, len, sizeof(len));
		/* Back: the end reads earlier than the start; forward: the
		 * clock faces differ by the change plus the length. */
		if (ch.after < ch.before)
			snprintf(not, sizeof(not), "before it");
		else
			snprintf(not, sizeof(not), "%s and %s after it",
			    ch.amount, len);
		item_add(it, EX_RI_FACT, "Clock change", "The clocks went %s "
		    "%s during the requested time: at %s %s (%s UTC) local "
		    "time became %s %s. Local times after that moment read %s "
		    "%s, so %s comes %s after %s, not %s. The requested time "
		    "lasts %s. UTC times (the world standard time, which has "
		    "no summer time) run straight on.", ch.direction,
		    ch.amount, ch.wall_before, ch.abbr_before, ch.wall_utc,
		    ch.wall_after, ch.abbr_after, ch.amount,
		    ch.after < ch.before ? "earlier" : "later",
		    ex_report_local(q->to, zone, l2, sizeof(l2)), len,
		    ex_report_local(q->from, zone, l1, sizeof(l1)), not, len);
	}
	item_add(it, EX_RI_FACT, "Local times in", "%s", zone);
	item_add(it, EX_RI_FACT, "Working copies", "H.264 video in MP4 files "
	    "of up to %d s each, re-encoded at quality CRF %d (x264 preset %s; "
	    "see \"Words used here\")", q->segment_seconds, q->crf,
	    or_empty(q->preset));
	item_add(it, EX_RI_FACT, "Exporter's key ID", "%s (compare it with "
	    "the key ID the control room gives you: see \"How to check this "
	    "evidence\")", or_empty(b->signer_key_id));
	item_add(it, EX_RI_FACT, "Made with", "%s %s", or_empty(b->tool_name),
	    or_empty(b->tool_version));
}

/* The container's own words: how to get at the bag root. */
static void
where_to_run(const ex_manifest *m, ex_report_items *it, const char *top)
{
	const char *k = m->request.container != NULL ?
	    m->request.container : "zip";

	if (strcmp(k, "dir") == 0) {
		item_add(it, EX_RI_PARA, NULL, "Run these in the bag root: "
		    "the bundle folder itself, which holds manifest-sha256.txt "
		    "and the data folder (where index.html and README.txt are; "
		    "from the data folder, the bag root is one folder up: "
		    "cd ..). If the folder was packed into a ZIP or other file "
		    "since, unpack it first.");
		return;
	}
	item_add(it, EX_RI_PARA, NULL, "Unpack the bundle first: %s. That "
	    "gives one folder, %s: the bag root, which holds "
	    "manifest-sha256.txt and the data folder (where index.html and "
	    "README.txt are). Run these in the bag root (from the data "
	    "folder, that is one folder up: cd ..):",
	    strcmp(k, "tar") == 0 ? "tar -xf with the tar file's name" :
	    strcmp(k, "iso") == 0 ? "open the ISO image (or mount it, or "
	    "unpack it with 7z x or bsdtar -xf)" : "unzip with the ZIP "
	    "file's name, or open it and copy its folder out", top);
}

void
ex_report_howto(const ex_manifest *m, ex_report_items *it)
{
	const char *kid = or_empty(m->bundle.signer_key_id);
	const char *who = m->bundle.organisation != NULL ?
	    m->bundle.organisation : m->bundle.operator_name != NULL ?
	    m->bundle.operator_name : "the control room";
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;
	const char *first = NULL;
	char top[128];
	size_t c, f;

	for (c = 0; c < m->ncameras && first == NULL; c++)
		for (f = 0; f < m->cameras[c].nfiles && first == NULL; f++)
			if (m->cameras[c].files[f].role == EX_ROLE_WORKING)
				first = m->cameras[c].files[f].path;
	for (c = 0; c < m->ncameras && first == NULL; c++)
		if (m->cameras[c].nfiles > 0)
			first = m->cameras[c].files[0].path;
	ex_bundle_top_name(or_empty(m->bundle.exhibit_ref), top, sizeof(top));

	item_add(it, EX_RI_HEAD, NULL, "First: the exporter's public key, "
	    "from outside the bundle");
	item_add(it, EX_RI_PARA, NULL, "A signature proves who made a file "
	    "only when it is checked with a key you got from the control room "
	    "itself. Whoever could change the evidence could also change "
	    "anything inside the bundle: the copy of the key in "
	    "data/signer.pub, and the key ID on this page. So ask %s for its "
	    "public key by a route of its own: the key it publishes (on its "
	    "website or in a letter), a copy handed over on paper or on a "
	    "separate disk, or an e-mail confirmed by a phone call. Ask for "
	    "its key ID too: it must be %s, the key ID this bundle names. If "
	    "it is not, this bundle was not signed with the control room's "
	    "key.", who, kid);
	item_add(it, EX_RI_PARA, NULL, "Save the key as a file, here called "
	    "control-room.pub. A key file is two lines: \"untrusted comment: "
	    "minisign public key\" and the key ID, then the key itself, a "
	    "line of 56 characters beginning RW; a key given on paper can be "
	    "typed into such a file.");

	item_add(it, EX_RI_HEAD, NULL, "1. With exhibit");
	item_add(it, EX_RI_PARA, NULL, "Put the bundle you received (the ZIP, "
	    "tar or ISO file, or the folder) in place of BUNDLE:");
	item_add(it, EX_RI_CMD, NULL, "exhibit verify BUNDLE -p "
	    "control-room.pub");
	item_add(it, EX_RI_PARA, NULL, "\"RESULT: PASS\" means every file is "
	    "present and unchanged, nothing was added, and the export was "
	    "signed with the control room's key. Custody events added later "
	    "(for example by the officer who received the bundle) are checked "
	    "and listed too; one signed by a key you did not give is shown as "
	    "unverified, which does not make the result FAIL. To check those "
	    "signers as well, get each one's public key from them in the same "
	    "way and add it with -p (OFFICER.pub here); --strict makes the "
	    "result FAIL unless every signer is checked:");
	item_add(it, EX_RI_CMD, NULL, "exhibit verify BUNDLE --strict -p "
	    "control-room.pub -p OFFICER.pub");
	item_add(it, EX_RI_PARA, NULL, "Any other result names the problem "
	    "with each file.");

	item_add(it, EX_RI_HEAD, NULL, "2. With sha256sum and minisign "
	    "(free standard tools)");
	where_to_run(m, it, top);
	item_add(it, EX_RI_CMD, NULL, "sha256sum -c manifest-sha256.txt");
	item_add(it, EX_RI_CMD, NULL, "sha256sum -c tagmanifest-sha256.txt");
	item_add(it, EX_RI_PARA, NULL, "Every line must end in OK: the files "
	    "match the lists. The lists are not signed themselves, so this "
	    "alone does not show who made them; the signatures do. Check "
	    "manifest.xml, the signed list of every file and its SHA-256, "
	    "and any file you rely on, with the control room's key:");
	item_add(it, EX_RI_CMD, NULL, "minisign -Vm manifest.xml -p "
	    "control-room.pub");
	if (first != NULL)
		item_add(it, EX_RI_CMD, NULL, "minisign -Vm %s -p "
		    "control-room.pub", first);
	item_add(it, EX_RI_PARA, NULL, "minisign must answer \"Signature and "
	    "comment signature verified\" and show the trusted comment, which "
	    "names the file, its SHA-256 and the exhibit; any other answer "
	    "means the file is not the one that was signed. Every file has "
	    "its signature beside it (the same name ending in .minisig), so "
	    "any file can be checked this way, also a clip handed on alone: "
	    "put its path in place of the example. The custody events are "
	    "signed inside custody.xml, which only exhibit checks.");

	item_add(it, EX_RI_HEAD, NULL, "About the times");
	item_add(it, EX_RI_PARA, NULL, "Times are given in %s local time with "
	    "the zone's abbreviation (BST or GMT in the UK, for example), and "
	    "in UTC. When the clocks go back, an hour of local time happens "
	    "twice; the abbreviation and the UTC time tell the two apart, and "
	    "a range that spans a clock change says so and how long it "
	    "really lasts. A working copy shows the same time, to the "
	    "millisecond, burned into every frame.", zone);
	if (m->recorder.clock_offset_usec != 0) {
		char off[48];

		item_add(it, EX_RI_PARA, NULL, "The recorder's clock was "
		    "found to be %s out (recorder minus true time). The times "
		    "here and in the pictures have been corrected for it, and "
		    "the working copies say so on screen.",
		    ex_report_format_offset(m->recorder.clock_offset_usec,
		    off, sizeof(off)));
	}
}

void
ex_report_howto_intro(const ex_manifest *m, ex_report_items *it)
{
	item_add(it, EX_RI_PARA, NULL, "Every file in this bundle has a "
	    "fingerprint (SHA-256) in the lists manifest.xml and "
	    "manifest-sha256.txt, and a signature made with the exporter's "
	    "key (key ID %s); manifest.xml is signed too. index.html and "
	    "README.txt are among those files, so a change to them is caught "
	    "like any other.",
	    or_empty(m->bundle.signer_key_id));
}

void
ex_report_nocli(ex_report_items *it)
{
	item_add(it, EX_RI_PARA, NULL, "Open index.html (in this folder) in "
	    "a web browser such as Edge, Chrome or Firefox and use \"Check "
	    "files on this computer\": pick files of the bundle and the page "
	    "says whether each one matches the SHA-256 listed for it. Or "
	    "compute a file's SHA-256 with any tool (in Windows PowerShell: "
	    "Get-FileHash FILE; on a Mac, in Terminal: shasum -a 256 FILE) and "
	    "compare it with the SHA-256 listed for that file above.");
	item_add(it, EX_RI_PARA, NULL, "%s", ex_report_filecheck_limits());
}

const char *
ex_report_filecheck_limits(void)
{
	return "A match shows that your file is, byte for byte, the file "
	    "this page lists. It does not show who made the page: someone "
	    "who replaced a clip could have replaced the page too. Only a "
	    "signature check with the key the control room gave you (below) "
	    "shows that the bundle is the control room's.";
}

/* Does any file of m have a stream of codec (NULL: any), or, when sig,
 * one with in-stream signatures? */
static int
any_stream(const ex_manifest *m, const char *codec, int sig)
{
	size_t c, f, s;

	for (c = 0; c < m->ncameras; c++)
		for (f = 0; f < m->cameras[c].nfiles; f++) {
			const ex_manifest_file *mf = &m->cameras[c].files[f];

			for (s = 0; s < mf->nstreams; s++) {
				const ex_manifest_stream *st = &mf->streams[s];

				if (sig ? st->signatures != NULL :
				    codec == NULL || (st->codec != NULL &&
				    strcmp(st->codec, codec) == 0))
					return 1;
			}
		}
	return 0;
}

void
ex_report_glossary(const ex_manifest *m, ex_report_items *it)
{
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;
	char crf[32];

	if (any_stream(m, "aac", 0))
		item_add(it, EX_RI_FACT, "AAC", "The usual sound format of "
		    "MP4 files, which every ordinary video player plays.");
	item_add(it, EX_RI_FACT, "Bag root", "The top folder of the bundle, "
	    "which holds manifest-sha256.txt and the data folder (the bundle "
	    "follows BagIt, a standard for packing files with their "
	    "checksums; a bundle is a \"bag\").");
	if (strcmp(zone, "Europe/London") == 0)
		item_add(it, EX_RI_FACT, "BST, GMT", "British Summer Time "
		    "(UTC+1, from late March to late October) and Greenwich "
		    "Mean Time (UTC+0, the rest of the year): the local time "
		    "in the UK.");
	item_add(it, EX_RI_FACT, "Burn-in", "The date, time and camera written "
	    "into every picture of a working copy, so they stay with the "
	    "picture whatever plays it.");
	if (any_stream(m, NULL, 1))
		item_add(it, EX_RI_FACT, "Camera's signature", "Some cameras "
		    "sign their video as they record it, inside the video "
		    "itself (Axis Signed Video, ONVIF Media Signing). The "
		    "camera maker's tools check such a signature: it shows the "
		    "pictures are the ones the camera made. Only an untouched "
		    "copy keeps it; re-encoding removes it.");
	item_add(it, EX_RI_FACT, "Clock change", "When the clocks go back "
	    "(for the end of summer time) an hour of local time happens "
	    "twice; when they go forward, an hour is skipped.");
	snprintf(crf, sizeof(crf), "CRF %d", m->request.crf);
	item_add(it, EX_RI_FACT, crf, "The working copies' quality setting "
	    "(Constant Rate Factor): lower is better; around 18 the picture "
	    "looks the same as the original.");
	item_add(it, EX_RI_FACT, "Custody event", "An entry in the custody log "
	    "saying who received, copied or handed on the evidence, and when, "
	    "signed with that person's own key.");
	item_add(it, EX_RI_FACT, "Damaged segment", "A recorder file that was "
	    "cut short or is partly unreadable (recorders can fail mid-write); "
	    "what could be recovered is in the bundle, what could not is "
	    "named.");
	if (any_stream(m, "pcm_alaw", 0) || any_stream(m, "pcm_mulaw",
	    0))
		item_add(it, EX_RI_FACT, "G.711", "The sound format of "
		    "telephones, common on IP cameras (A-law in most of the "
		    "world, \xce\xbc-law in North America and Japan). MP4 "
		    "files cannot hold it as recorded, so a working copy has "
		    "the sound as AAC.");
	item_add(it, EX_RI_FACT, "Key ID", "The 16-character name of a key "
	    "(letters A-F and digits); a signature names the key ID that made "
	    "it.");
	item_add(it, EX_RI_FACT, "Keyframe", "A complete picture. The pictures "
	    "between keyframes record only what changed, so a copy that is "
	    "not re-encoded can only start on a keyframe.");
	item_add(it, EX_RI_FACT, "Master", "An original recorder file, copied "
	    "bit for bit. It is whole, so it usually starts before and ends "
	    "after the requested time.");
	item_add(it, EX_RI_FACT, "Native copy", "The requested time cut from "
	    "the original recording without re-encoding: every picture is "
	    "exactly as the camera recorded it. It starts on a keyframe.");
	item_add(it, EX_RI_FACT, "No recording (gap)", "A stretch of the "
	    "requested time for which the recorder holds no footage of that "
	    "camera.");
	item_add(it, EX_RI_FACT, "Public key", "The half of a key pair that "
	    "anyone may have: it checks signatures but cannot make them. Get "
	    "it from its owner, not from the bundle.");
	item_add(it, EX_RI_FACT, "Re-encoding", "Compressing the pictures "
	    "again, as a working copy is: it looks the same, but it is not "
	    "the original bit for bit (the master and native copy are).");
	item_add(it, EX_RI_FACT, "SHA-256", "A fingerprint of a file: 64 "
	    "characters computed from its contents. Changing even one bit of "
	    "the file changes it completely.");
	item_add(it, EX_RI_FACT, "Signature", "A code that only the holder of "
	    "a secret key can make for a file; anyone with the matching "
	    "public key can check it. Each file's is in the .minisig file "
	    "beside it.");
	if (any_stream(m, NULL, 0))
		item_add(it, EX_RI_FACT, "Stream", "One track of a video file: "
		    "the picture, the sound, the camera's timecode or other "
		    "data. Each file's entry here lists the streams it keeps "
		    "and any it leaves out, and why.");
	item_add(it, EX_RI_FACT, "UTC", "Coordinated Universal Time, the world "
	    "standard time. It has no summer time, so UTC times always run "
	    "in order.");
	item_add(it, EX_RI_FACT, "Working copy", "A copy to play in any "
	    "ordinary video player (H.264 video in an MP4 file), re-encoded "
	    "with the burn-in, starting and ending at the requested times.");
}

/* A span for a sentence: "1 second". */
static const char *
span_words(int64_t usec, char *buf, size_t size)
{
	return ex_report_format_duration(usec, buf, size);
}

void
ex_report_camera_notes(const ex_manifest_camera *cam, const char *zone,
    ex_report_items *it)
{
	const ex_manifest_range *q = &cam->requested;
	char l[EX_TIME_BUFSZ], d1[64], d2[64];
	size_t i;

	if (q->from == EX_INSTANT_NONE || q->to == EX_INSTANT_NONE)
		return;
	for (i = 0; i < cam->ncoverage; i++) {
		const ex_manifest_coverage *cv = &cam->coverage[i];

		if (cv->from == EX_INSTANT_NONE || cv->to == EX_INSTANT_NONE)
			continue;
		if (cv->role == EX_ROLE_NATIVE && cv->from < q->from)
			item_add(it, EX_RI_PARA, NULL, "The native copy starts "
			    "at %s, %s before the requested start. A copy "
			    "made without re-encoding can only begin on a "
			    "keyframe (a complete picture; the pictures in "
			    "between record only what changed), so it begins "
			    "at the last keyframe before the requested time. "
			    "The working copy starts exactly at the requested "
			    "time.", ex_report_local(cv->from, zone, l,
			    sizeof(l)), span_words(q->from - cv->from, d1,
			    sizeof(d1)));
		if (cv->role == EX_ROLE_MASTER && (cv->from < q->from ||
		    cv->to > q->to)) {
			if (cv->from < q->from && cv->to > q->to)
				item_add(it, EX_RI_PARA, NULL, "The original "
				    "files are whole recorder files, so "
				    "together they start %s before and end %s "
				    "after the requested time.", span_words(
				    q->from - cv->from, d1, sizeof(d1)),
				    span_words(cv->to - q->to, d2,
				    sizeof(d2)));
			else if (cv->from < q->from)
				item_add(it, EX_RI_PARA, NULL, "The original "
				    "files are whole recorder files, so they "
				    "start %s before the requested time.",
				    span_words(q->from - cv->from, d1,
				    sizeof(d1)));
			else
				item_add(it, EX_RI_PARA, NULL, "The original "
				    "files are whole recorder files, so they "
				    "end %s after the requested time.",
				    span_words(cv->to - q->to, d2,
				    sizeof(d2)));
		}
	}
}

/* ---- what a file holds ----------------------------------------------------- */

/* A codec in plain words ("G.711 A-law", "AAC"); else FFmpeg's name. */
static const char *
codec_words(const char *codec)
{
	static const struct {
		const char *name, *words;
	} tab[] = {
		{ "aac", "AAC" }, { "pcm_alaw", "G.711 A-law" },
		{ "pcm_mulaw", "G.711 \xce\xbc-law" }, { "mp3", "MP3" },
		{ "opus", "Opus" }, { "ac3", "AC-3" }, { "eac3", "E-AC-3" },
		{ "adpcm_g726", "G.726" }, { "adpcm_g726le", "G.726" },
		{ "g722", "G.722" }, { "h264", "H.264" }, { "hevc", "H.265" },
		{ "mjpeg", "Motion JPEG" }, { "mpeg4", "MPEG-4" },
		{ "mpeg2video", "MPEG-2" }, { "tmcd", "timecode" },
		{ "mov_text", "text" },
	};
	size_t i;

	if (codec == NULL)
		return NULL;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(codec, tab[i].name) == 0)
			return tab[i].words;
	if (strncmp(codec, "pcm_", 4) == 0)
		return "uncompressed PCM";
	return codec;
}

/* "the camera's sound (G.711 A-law)" into buf. */
static const char *
stream_words(const char *type, const char *codec, char *buf, size_t size)
{
	const char *cw = codec_words(codec);
	const char *what = type == NULL ? "a stream" :
	    strcmp(type, "video") == 0 ? "the camera's picture" :
	    strcmp(type, "audio") == 0 ? "the camera's sound" :
	    strcmp(type, "subtitle") == 0 ? "a text track" :
	    strcmp(type, "attachment") == 0 ? "an attached file" :
	    codec != NULL && (strcmp(codec, "tmcd") == 0 ||
	    strcmp(codec, "timecode") == 0) ? "the camera's timecode" :
	    "a data track";

	if (cw != NULL && strcmp(cw, "timecode") != 0)
		snprintf(buf, size, "%s (%s)", what, cw);
	else
		snprintf(buf, size, "%s", what);
	return buf;
}

/* The file of camera c of `role` made from the same recorder file as f
 * (a master: that file itself), or NULL. */
static const ex_manifest_file *
sibling(const ex_manifest_camera *c, const ex_manifest_file *f,
    ex_manifest_role role)
{
	const char *src = f->nderived_from > 0 ? f->derived_from[0] : NULL;
	size_t i;

	if (src == NULL)
		return NULL;
	for (i = 0; i < c->nfiles; i++) {
		const ex_manifest_file *g = &c->files[i];

		if (g->role != role || g == f)
			continue;
		if (role == EX_ROLE_MASTER && g->source_path != NULL &&
		    strcmp(g->source_path, src) == 0)
			return g;
		if (role != EX_ROLE_MASTER && g->nderived_from > 0 &&
		    strcmp(g->derived_from[0], src) == 0)
			return g;
	}
	return NULL;
}

/* The codec of source stream `source_index` of f's recorder file, from
 * its master or its native copy; NULL when neither says. */
static const char *
source_codec(const ex_manifest_camera *c, const ex_manifest_file *f,
    int source_index)
{
	const ex_manifest_file *g;
	size_t i;

	if (source_index < 0)
		return NULL;
	if ((g = sibling(c, f, EX_ROLE_MASTER)) != NULL)
		for (i = 0; i < g->nstreams; i++)
			if (g->streams[i].index == source_index)
				return g->streams[i].codec;
	if ((g = sibling(c, f, EX_ROLE_NATIVE)) != NULL)
		for (i = 0; i < g->nstreams; i++)
			if (g->streams[i].source_index == source_index)
				return g->streams[i].codec;
	return NULL;
}

/* The in-stream signatures of a file's video (NULL: none). */
static const char *
video_signatures(const ex_manifest_file *f)
{
	size_t i;

	if (f == NULL)
		return NULL;
	for (i = 0; i < f->nstreams; i++)
		if (f->streams[i].signatures != NULL &&
		    f->streams[i].signatures[0] != '\0')
			return f->streams[i].signatures;
	return NULL;
}

/* "Axis Signed Video and ONVIF Media Signing" for the tokens. */
static void
signature_words(const char *tokens, ex_report_buf *b)
{
	const char *p = tokens, *q;
	int first = 1;

	while (*p != '\0') {
		size_t n;

		while (*p == ' ')
			p++;
		for (q = p; *q != '\0' && *q != ' '; q++)
			;
		n = (size_t)(q - p);
		if (n == 0)
			break;
		if (!first)
			ex_report_buf_put(b, " and ");
		first = 0;
		if (n == 17 && strncmp(p, "axis-signed-video", n) == 0)
			ex_report_buf_put(b, "Axis Signed Video");
		else if (n == 19 && strncmp(p, "onvif-media-signing", n) == 0)
			ex_report_buf_put(b, "ONVIF Media Signing");
		else
			ex_report_buf_putn(b, p, n);
		p = q;
	}
}

void
ex_report_file_streams(const ex_manifest_camera *c,
    const ex_manifest_file *f, ex_report_items *it)
{
	const ex_manifest_stream *sound = NULL, *gone = NULL;
	const char *sigs;
	char w[160];
	size_t i;

	if (f->nstreams == 0 || f->role == EX_ROLE_STILL)
		return;
	for (i = 0; i < f->nstreams; i++) {
		const ex_manifest_stream *s = &f->streams[i];

		if (s->type == NULL || strcmp(s->type, "audio") != 0)
			continue;
		if (s->fate == EX_FATE_LEFT_OUT) {
			if (gone == NULL)
				gone = s;
		} else if (sound == NULL) {
			sound = s;
		}
	}
	if (sound != NULL) {
		const char *from = sound->fate == EX_FATE_REENCODED ?
		    source_codec(c, f, sound->source_index) : sound->codec;

		stream_words("audio", from, w, sizeof(w));
		if (sound->fate == EX_FATE_REENCODED)
			item_add(it, EX_RI_FACT, "Sound", "yes \xe2\x80\x94 %s, "
			    "re-encoded as %s", w, or_empty(codec_words(
			    sound->codec)));
		else if (sound->fate == EX_FATE_KEPT)
			item_add(it, EX_RI_FACT, "Sound", "yes \xe2\x80\x94 %s, "
			    "kept as recorded", w);
		else
			item_add(it, EX_RI_FACT, "Sound", "yes \xe2\x80\x94 %s, "
			    "as recorded", w);
	} else if (gone != NULL) {
		if (f->role != EX_ROLE_WORKING)
			item_add(it, EX_RI_FACT, "Sound", "not in this copy "
			    "(see Left out)");
		else
			item_add(it, EX_RI_FACT, "Sound", "not in this copy: "
			    "%s is left out: %s", stream_words("audio",
			    gone->codec, w, sizeof(w)), gone->reason != NULL ?
			    gone->reason : "it cannot be carried");
	} else {
		item_add(it, EX_RI_FACT, "Sound", "none recorded");
	}

	if (f->role != EX_ROLE_WORKING) {
		ex_report_buf b = { 0 };
		char *kept = NULL;
		int n = 0;

		for (i = 0; i < f->nstreams; i++) {
			const ex_manifest_stream *s = &f->streams[i];

			if (s->fate != EX_FATE_KEPT &&
			    s->fate != EX_FATE_RECORDED)
				continue;
			ex_report_buf_put(&b, n++ > 0 ? ", " : "");
			ex_report_buf_put(&b, stream_words(s->type, s->codec,
			    w, sizeof(w)));
		}
		if (n > 0 && ex_report_buf_finish(&b, &kept, NULL, NULL) !=
		    EX_OK)
			it->failed = 1;
		ex_report_buf_free(&b);
		if (kept != NULL)
			item_add(it, EX_RI_FACT, "Kept", "%s: %s", f->role ==
			    EX_ROLE_MASTER ? "every stream, as the camera "
			    "recorded it" : "as the camera recorded them, "
			    "packet for packet", kept);
		free(kept);
		for (i = 0; i < f->nstreams; i++) {
			const ex_manifest_stream *s = &f->streams[i];

			if (s->fate != EX_FATE_LEFT_OUT)
				continue;
			item_add(it, EX_RI_FACT, "Left out", "%s is not in "
			    "this copy: %s", stream_words(s->type, s->codec, w,
			    sizeof(w)), s->reason != NULL ? s->reason :
			    "it cannot be carried");
		}
	}

	sigs = video_signatures(f);
	if (sigs == NULL && f->role == EX_ROLE_WORKING) {
		sigs = video_signatures(sibling(c, f, EX_ROLE_MASTER));
		if (sigs == NULL)
			sigs = video_signatures(sibling(c, f,
			    EX_ROLE_NATIVE));
	}
	if (sigs != NULL) {
		ex_report_buf b = { 0 };
		char *names = NULL;

		signature_words(sigs, &b);
		if (ex_report_buf_finish(&b, &names, NULL, NULL) != EX_OK)
			it->failed = 1;
		else if (f->role == EX_ROLE_MASTER)
			item_add(it, EX_RI_FACT, "Camera's signature", "The "
			    "camera signed its video (%s). This original file "
			    "holds those signatures as recorded, and they can "
			    "be checked with the camera maker's tools.",
			    names);
		else
			item_add(it, EX_RI_FACT, "Camera's signature", "The "
			    "camera signed its video (%s). The native copy "
			    "keeps those signatures byte for byte, and they "
			    "can be checked with the camera maker's tools; "
			    "the working copy (re-encoded) does not carry "
			    "them.", names);
		free(names);
	}
}

const char *
ex_report_coverage_label(ex_manifest_role role)
{
	switch (role) {
	case EX_ROLE_MASTER:
		return "Original files";
	case EX_ROLE_NATIVE:
		return "Native copies";
	case EX_ROLE_WORKING:
		return "Working copies";
	default:
		return "Files";
	}
}

const char *
ex_report_custody_intro(void)
{
	return "The custody log (custody.xml) records who has held this "
	    "evidence. Event 1 is the export; everyone who later receives, "
	    "copies or hands on the bundle adds an event signed with their "
	    "own key and chained to the one before, so no event can be "
	    "changed or removed unnoticed. This page lists the events known "
	    "when it was made; \"exhibit custody show BUNDLE\" lists them "
	    "all.";
}

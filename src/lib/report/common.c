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
	item_add(it, EX_RI_FACT, "Local times in", "%s", zone);
	item_add(it, EX_RI_FACT, "Working copies", "H.264 in MP4, in files of "
	    "up to %d s (x264 preset %s, CRF %d)", q->segment_seconds,
	    or_empty(q->preset), q->crf);
	item_add(it, EX_RI_FACT, "Signer key ID", "%s",
	    or_empty(b->signer_key_id));
	item_add(it, EX_RI_FACT, "Made with", "%s %s", or_empty(b->tool_name),
	    or_empty(b->tool_version));
}

void
ex_report_howto(const ex_manifest *m, ex_report_items *it)
{
	const char *key = or_empty(m->bundle.signer_public_key);
	const char *kid = or_empty(m->bundle.signer_key_id);
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;
	const char *first = NULL;
	char top[128];
	size_t c, f;

	for (c = 0; c < m->ncameras && first == NULL; c++)
		for (f = 0; f < m->cameras[c].nfiles && first == NULL; f++)
			if (m->cameras[c].files[f].role == EX_ROLE_WORKING)
				first = m->cameras[c].files[f].path;
	ex_bundle_top_name(or_empty(m->bundle.exhibit_ref), top, sizeof(top));

	item_add(it, EX_RI_PARA, NULL, "Every file in this bundle is listed "
	    "with its SHA-256 in manifest.xml and in manifest-sha256.txt, and "
	    "is signed with the exporter's key (key ID %s); manifest.xml is "
	    "signed too. This page is one of those files, so a change to it "
	    "is caught like any other. Any of the three checks below finds a "
	    "file that was changed, added or removed.", kid);
	item_add(it, EX_RI_PARA, NULL, "Get the exporter's public key from "
	    "them by a separate route (letter, e-mail, phone call). The copy "
	    "in data/signer.pub travels with the evidence, so on its own it "
	    "only tells you who claims to have signed it.");

	item_add(it, EX_RI_HEAD, NULL, "1. With exhibit");
	item_add(it, EX_RI_PARA, NULL, "Name the bundle you received (the ZIP "
	    "file or the folder) and the exporter's public key file:");
	item_add(it, EX_RI_CMD, NULL, "exhibit verify BUNDLE -p KEY.pub");
	item_add(it, EX_RI_PARA, NULL, "It names every file it checked and "
	    "ends with PASS only when every file is present, unchanged and "
	    "signed by that key, and nothing was added; otherwise FAIL, with "
	    "the reason for each file. It also checks the custody log.");

	item_add(it, EX_RI_HEAD, NULL, "2. With minisign");
	item_add(it, EX_RI_PARA, NULL, "Every file has its signature beside "
	    "it, in a file of the same name ending in .minisig, so one clip "
	    "handed on alone can still be checked. The exporter's public key "
	    "(key ID %s) is:", kid);
	item_add(it, EX_RI_CMD, NULL, "%s", key);
	item_add(it, EX_RI_PARA, NULL, "To check a file, run this in the "
	    "folder that holds it, with FILE replaced by its name:");
	item_add(it, EX_RI_CMD, NULL, "minisign -Vm FILE -P %s", key);
	if (first != NULL) {
		item_add(it, EX_RI_PARA, NULL, "For example, in the bag root "
		    "(see 3 below):");
		item_add(it, EX_RI_CMD, NULL, "minisign -Vm %s -P %s", first,
		    key);
	}
	item_add(it, EX_RI_PARA, NULL, "minisign answers \"Signature and "
	    "comment signature verified\" and shows the trusted comment, "
	    "which names the file, its SHA-256 and the exhibit reference. "
	    "Any other answer means the file is not the one that was signed.");

	item_add(it, EX_RI_HEAD, NULL, "3. With sha256sum");
	if (m->request.container != NULL &&
	    strcmp(m->request.container, "dir") == 0)
		item_add(it, EX_RI_PARA, NULL, "In the bag root (the bundle "
		    "folder itself, which holds manifest-sha256.txt), run:");
	else
		item_add(it, EX_RI_PARA, NULL, "Unpack the bundle and, in the "
		    "bag root (the folder %s, which holds manifest-sha256.txt), "
		    "run:", top);
	item_add(it, EX_RI_CMD, NULL, "sha256sum -c manifest-sha256.txt");
	item_add(it, EX_RI_CMD, NULL, "sha256sum -c tagmanifest-sha256.txt");
	item_add(it, EX_RI_PARA, NULL, "Every line must end in OK. This shows "
	    "that the files match the lists; only the signatures (1 and 2) "
	    "show who made them.");

	item_add(it, EX_RI_HEAD, NULL, "About the times");
	item_add(it, EX_RI_PARA, NULL, "Times are given in %s local time with "
	    "the zone's abbreviation (BST or GMT in the UK, for example), and "
	    "in UTC. When the clocks go back an hour of local time happens "
	    "twice; the abbreviation and the UTC time tell the two apart. A "
	    "working copy shows the same time, to the millisecond, burned "
	    "into every frame.", zone);
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

const char *
ex_report_coverage_label(ex_manifest_role role)
{
	switch (role) {
	case EX_ROLE_MASTER:
		return "Masters cover";
	case EX_ROLE_NATIVE:
		return "Native covers";
	case EX_ROLE_WORKING:
		return "Working covers";
	default:
		return "Files cover";
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

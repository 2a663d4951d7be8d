/*
 * scan_xml.c — the scan report for programs: an archive's cameras, spans,
 * gaps, overlaps and segments as XML (urn:exhibit:scan:1,
 * schemas/scan.xsd), written with the library's one XML writer
 * (xmlwrite_private.h).  Uses the archive's public API only.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "exhibit/archive.h"
#include "../xmlwrite_private.h"

#define SCAN_NS "urn:exhibit:scan:1"

ex_instant
ex_camera_span_last_frame(const ex_camera *c, const ex_span *sp)
{
	size_t i;

	if (c->covered_last != NULL && sp >= c->covered &&
	    sp < c->covered + c->ncovered)
		return c->covered_last[sp - c->covered];
	for (i = 0; i < c->nsegments; i++) {
		const ex_segment *s = &c->segments[i];

		if (s->state != EX_SEG_UNREADABLE && s->end == sp->end &&
		    s->start >= sp->start && s->last_frame != EX_INSTANT_NONE)
			return s->last_frame;
	}
	return EX_INSTANT_NONE;
}

char *
ex_span_seconds(int64_t usec, char *buf, size_t size)
{
	snprintf(buf, size, "%s%" PRId64 ".%03" PRId64, usec < 0 ? "-" : "",
	    (usec < 0 ? -usec : usec) / EX_USEC_PER_SEC,
	    ((usec < 0 ? -usec : usec) % EX_USEC_PER_SEC) / 1000);
	return buf;
}

/* name="UTC" name-local="local time in zone"; nothing for no time. */
static void
attr_time(base_xw *x, const char *name, ex_instant t, const char *zone)
{
	char buf[EX_TIME_BUFSZ], lname[64];

	if (t == EX_INSTANT_NONE)
		return;
	snprintf(lname, sizeof(lname), "%s-local", name);
	base_xw_attr(x, name, ex_time_format_utc(t, buf, sizeof(buf)));
	base_xw_attr(x, lname, ex_time_format_iso_local(t, zone, buf,
	    sizeof(buf)));
}

static void
xml_span(base_xw *x, const char *elem, const ex_span *sp, ex_instant last,
    const char *zone)
{
	char d[32];

	base_xw_start(x, elem);
	attr_time(x, "start", sp->start, zone);
	attr_time(x, "end", sp->end, zone);
	base_xw_attr(x, "seconds", ex_span_seconds(sp->end - sp->start, d,
	    sizeof(d)));
	attr_time(x, "last-frame", last, zone);
	base_xw_end(x);
}

static void
xml_segment(base_xw *x, const ex_segment *s, const char *zone)
{
	char names[128];
	size_t i;

	base_xw_start(x, "segment");
	base_xw_attr(x, "path", s->relpath);
	base_xw_attr(x, "state", ex_segment_state_name(s->state));
	attr_time(x, "start", s->start, zone);
	attr_time(x, "end", s->end, zone);
	base_xw_attr(x, "time-source", s->start != EX_INSTANT_NONE ?
	    s->time_source : NULL);
	if (s->facts != NULL && strcmp(s->facts, "name") == 0)
		base_xw_attr(x, "facts", "name");
	if (s->size >= 0)
		base_xw_attr_fmt(x, "size", "%" PRId64, (int64_t)s->size);
	if (s->container[0] != '\0') {
		base_xw_attr(x, "container", s->container);
		base_xw_attr(x, "codec", s->codec);
		base_xw_attr_fmt(x, "width", "%" PRId64, (int64_t)s->width);
		base_xw_attr_fmt(x, "height", "%" PRId64, (int64_t)s->height);
	}
	if (s->fps_num > 0)
		base_xw_attr_fmt(x, "fps", "%d/%d", s->fps_num, s->fps_den);
	if (s->frames >= 0) {
		base_xw_attr_fmt(x, "frames", "%" PRId64, (int64_t)s->frames);
		base_xw_attr_fmt(x, "keyframes", "%" PRId64,
		    (int64_t)s->keyframes);
		base_xw_attr(x, "vfr", s->vfr ? "true" : "false");
	}
	if (s->recorder_sha256[0] != '\0')
		base_xw_attr(x, "recorder-sha256", s->recorder_sha256);
	if (s->signatures != 0) {
		ex_signatures_names(s->signatures, names, sizeof(names));
		base_xw_attr(x, "signatures", names);
	}
	base_xw_attr(x, "problem", s->problem);
	for (i = 0; i < s->nstreams; i++) {
		base_xw_start(x, "stream");
		base_xw_attr_fmt(x, "index", "%zu", i);
		base_xw_attr(x, "type", s->streams[i].type);
		base_xw_attr(x, "codec", s->streams[i].codec);
		base_xw_end(x);
	}
	base_xw_end(x);
}

static void
xml_camera(base_xw *x, const ex_camera *c, const char *zone)
{
	size_t i;

	base_xw_start(x, "camera");
	base_xw_attr(x, "id", c->id);
	base_xw_attr(x, "name", c->name);
	base_xw_attr(x, "location", c->location);
	for (i = 0; i < c->ncovered; i++)
		xml_span(x, "recorded", &c->covered[i],
		    ex_camera_span_last_frame(c, &c->covered[i]), zone);
	for (i = 0; i < c->ngaps; i++)
		xml_span(x, "gap", &c->gaps[i], EX_INSTANT_NONE, zone);
	for (i = 0; i < c->noverlaps; i++)
		xml_span(x, "overlap", &c->overlaps[i], EX_INSTANT_NONE, zone);
	for (i = 0; i < c->nsegments; i++)
		xml_segment(x, &c->segments[i], zone);
	base_xw_end(x);
}

ex_status
ex_archive_xml(const ex_archive *a, const char *zone, char **xml,
    size_t *len, ex_error *err)
{
	const ex_recorder_info *r = &a->recorder;
	base_xw x;
	ex_status st;
	size_t i;

	*xml = NULL;
	*len = 0;
	if ((st = base_xw_open(&x, "scan", SCAN_NS, err)) != EX_OK)
		return st;
	base_xw_shown(&x, "  ");
	base_xw_attr(&x, "version", "1");
	base_xw_start(&x, "archive");
	base_xw_attr(&x, "root", a->root);
	base_xw_attr(&x, "layout", ex_layout_name(a->layout));
	base_xw_attr(&x, "zone", zone);
	base_xw_end(&x);
	if (r->make || r->model || r->serial || r->site || r->timezone) {
		base_xw_start(&x, "recorder");
		base_xw_attr(&x, "make", r->make);
		base_xw_attr(&x, "model", r->model);
		base_xw_attr(&x, "serial", r->serial);
		base_xw_attr(&x, "site", r->site);
		base_xw_attr(&x, "timezone", r->timezone);
		base_xw_end(&x);
	}
	for (i = 0; i < a->ncameras; i++)
		xml_camera(&x, &a->cameras[i], zone);
	base_xw_end(&x);
	return base_xw_close(&x, "scan report", xml, len, err);
}

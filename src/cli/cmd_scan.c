/*
 * cmd_scan.c — exhibit scan ARCHIVE [--camera ID] [--xml] [--tz ZONE]:
 * what a recorder archive holds, per camera: recorded spans (first and
 * last frame, end of coverage), gaps, overlaps, damaged and unreadable
 * files.  Human-readable by default; --xml for programs
 * (urn:exhibit:scan:1, schemas/scan.xsd).
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "cli.h"
#include "exhibit/archive.h"
#include "exhibit/text.h"

#define SCAN_NS "urn:exhibit:scan:1"

static void
usage(FILE *fp)
{
	fputs(
"Usage: exhibit scan ARCHIVE [--camera ID] [--xml] [--tz ZONE]\n"
"Show what a recorder archive holds, per camera: the recorded spans with\n"
"their first and last frame, the gaps between them, overlaps, and damaged\n"
"or unreadable files.  The layout is detected: recorder.xml (indexed),\n"
"Frigate recordings/YYYY-MM-DD/HH/<camera>/MM.SS.mp4, or plain\n"
"<camera>/<file> folders.\n"
"\n"
"  -c, --camera ID  only this camera\n"
"  -x, --xml        machine-readable XML (urn:exhibit:scan:1) on stdout\n"
"  -z, --tz ZONE    zone of local times in plain file names\n"
"                   (YYYY-MM-DDTHH-MM-SS) and of the local times shown;\n"
"                   default: the recorder's zone, else Europe/London\n"
"  -h, --help       this help\n"
"\n"
"Times are on the recorder's clock, shown in UTC and in local time.\n"
"Exit status: 0 the archive was read (even with damaged files);\n"
"2 usage or system error.\n", fp);
}

/* The time of the last frame of a covered span: that of the segment that
 * ends the span (EX_INSTANT_NONE when unknown). */
static ex_instant
span_last_frame(const ex_camera *c, const ex_span *sp)
{
	size_t i;

	for (i = 0; i < c->nsegments; i++) {
		const ex_segment *s = &c->segments[i];

		if (s->state != EX_SEG_UNREADABLE && s->end == sp->end &&
		    s->start >= sp->start && s->last_frame != EX_INSTANT_NONE)
			return s->last_frame;
	}
	return EX_INSTANT_NONE;
}

/* "12.345" seconds, truncated to the millisecond. */
static char *
seconds(int64_t usec, char *buf, size_t size)
{
	snprintf(buf, size, "%s%" PRId64 ".%03" PRId64, usec < 0 ? "-" : "",
	    (usec < 0 ? -usec : usec) / EX_USEC_PER_SEC,
	    ((usec < 0 ? -usec : usec) % EX_USEC_PER_SEC) / 1000);
	return buf;
}

/* --- for people -------------------------------------------------------- */

static void
print_instant(const char *label, ex_instant t, const char *zone)
{
	char u[EX_TIME_BUFSZ], l[EX_TIME_BUFSZ];

	printf("    %-12s %s  %s\n", label, ex_time_format_utc(t, u, sizeof(u)),
	    cli_esc(ex_time_format_display(t, zone, l, sizeof(l))));
}

static void
print_span(const char *label, const ex_span *sp, const char *zone)
{
	char a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ], la[EX_TIME_BUFSZ],
	    lb[EX_TIME_BUFSZ], d[32];

	printf("  %-10s %s .. %s  (%s s)\n", label,
	    ex_time_format_utc(sp->start, a, sizeof(a)),
	    ex_time_format_utc(sp->end, b, sizeof(b)),
	    seconds(sp->end - sp->start, d, sizeof(d)));
	printf("  %-10s %s .. %s\n", "",
	    cli_esc(ex_time_format_display(sp->start, zone, la, sizeof(la))),
	    cli_esc(ex_time_format_display(sp->end, zone, lb, sizeof(lb))));
}

/*
 * The kinds of stream the camera's files hold ("video h264, audio aac"),
 * each once, and the in-stream signatures seen in any of them, with how
 * many files carry them.
 */
static void
print_streams(const ex_camera *c)
{
	char seen[512], one[64], names[128];
	unsigned all = 0;
	size_t i, j, used = 0, signed_files = 0;

	seen[0] = '\0';
	for (i = 0; i < c->nsegments; i++) {
		const ex_segment *s = &c->segments[i];

		for (j = 0; j < s->nstreams; j++) {
			snprintf(one, sizeof(one), "%s %s", s->streams[j].type,
			    s->streams[j].codec);
			if (strstr(seen, one) != NULL &&
			    (strstr(seen, one)[strlen(one)] == ',' ||
			    strstr(seen, one)[strlen(one)] == '\0'))
				continue;
			if (used + strlen(one) + 3 < sizeof(seen))
				used += (size_t)snprintf(seen + used,
				    sizeof(seen) - used, "%s%s",
				    used > 0 ? ", " : "", one);
		}
		if (s->signatures != 0)
			signed_files++;
		all |= s->signatures;
	}
	if (used > 0)
		printf("  %-10s %s\n", "streams", cli_esc(seen));
	if (all != 0) {
		ex_signatures_names(all, names, sizeof(names));
		printf("  %-10s %s in %zu of %zu files (in-stream "
		    "signatures, kept by native copies)\n", "signed", names,
		    signed_files, c->nsegments);
	}
}

static void
print_camera(const ex_camera *c, const char *zone)
{
	size_t i, n[3] = { 0, 0, 0 };

	for (i = 0; i < c->nsegments; i++)
		n[c->segments[i].state]++;
	printf("\ncamera %s\n", cli_esc(c->id));
	if (c->name != NULL)
		printf("  %-10s %s\n", "name", cli_esc(c->name));
	if (c->location != NULL)
		printf("  %-10s %s\n", "location", cli_esc(c->location));
	printf("  %-10s %zu (%zu ok, %zu damaged, %zu unreadable)\n",
	    "segments", c->nsegments, n[EX_SEG_OK], n[EX_SEG_DAMAGED],
	    n[EX_SEG_UNREADABLE]);
	if (c->ncovered == 0)
		printf("  %-10s nothing\n", "recorded");
	for (i = 0; i < c->ncovered; i++) {
		ex_instant last = span_last_frame(c, &c->covered[i]);

		print_span("recorded", &c->covered[i], zone);
		print_instant("first frame", c->covered[i].start, zone);
		if (last != EX_INSTANT_NONE)
			print_instant("last frame", last, zone);
		print_instant("ends", c->covered[i].end, zone);
	}
	for (i = 0; i < c->ngaps; i++)
		print_span("gap", &c->gaps[i], zone);
	for (i = 0; i < c->noverlaps; i++)
		print_span("overlap", &c->overlaps[i], zone);
	print_streams(c);
	for (i = 0; i < c->nsegments; i++) {
		const ex_segment *s = &c->segments[i];

		if (s->state == EX_SEG_OK)
			continue;
		printf("  %-10s %s: %s\n", ex_segment_state_name(s->state),
		    cli_esc(s->relpath), s->problem != NULL ?
		    cli_esc(s->problem) : "?");
	}
}

static void
print_text(const ex_archive *a, const char *zone)
{
	const ex_recorder_info *r = &a->recorder;
	size_t i;

	printf("archive    %s\n", cli_esc(a->root));
	printf("layout     %s\n", ex_layout_name(a->layout));
	if (r->make != NULL || r->model != NULL || r->serial != NULL ||
	    r->site != NULL) {
		printf("recorder   %s%s%s", cli_esc(r->make),
		    r->make && r->model ? " " : "", cli_esc(r->model));
		if (r->serial != NULL)
			printf(", serial %s", cli_esc(r->serial));
		if (r->site != NULL)
			printf(", site %s", cli_esc(r->site));
		putchar('\n');
	}
	if (r->timezone != NULL)
		printf("zone       %s (recorder)\n", cli_esc(r->timezone));
	printf("times      recorder clock; UTC, and local time in %s\n",
	    cli_esc(zone));
	printf("cameras    %zu\n", a->ncameras);
	for (i = 0; i < a->ncameras; i++)
		print_camera(&a->cameras[i], zone);
}

/* --- for programs ------------------------------------------------------ */

static int
attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *shown;
	int rc;

	if (value == NULL)
		return 0;
	/* Shown as text prints it (xmlTextWriter escapes only & < > and CR,
	 * and XML cannot carry most control characters at all). */
	if ((shown = ex_text_escape(value)) == NULL)
		return -1;
	rc = xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST shown);
	free(shown);
	return rc < 0 ? -1 : 0;
}

static int
attr_i64(xmlTextWriterPtr w, const char *name, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return attr(w, name, buf);
}

static int
attr_time(xmlTextWriterPtr w, const char *name, ex_instant t,
    const char *zone)
{
	char buf[EX_TIME_BUFSZ], lname[64];

	if (t == EX_INSTANT_NONE)
		return 0;
	snprintf(lname, sizeof(lname), "%s-local", name);
	if (attr(w, name, ex_time_format_utc(t, buf, sizeof(buf))) != 0)
		return -1;
	return attr(w, lname, ex_time_format_iso_local(t, zone, buf,
	    sizeof(buf)));
}

static int
xml_span(xmlTextWriterPtr w, const char *elem, const ex_span *sp,
    ex_instant last, const char *zone)
{
	char d[32];

	if (xmlTextWriterStartElement(w, BAD_CAST elem) < 0 ||
	    attr_time(w, "start", sp->start, zone) != 0 ||
	    attr_time(w, "end", sp->end, zone) != 0 ||
	    attr(w, "seconds", seconds(sp->end - sp->start, d, sizeof(d)))
	    != 0 || attr_time(w, "last-frame", last, zone) != 0 ||
	    xmlTextWriterEndElement(w) < 0)
		return -1;
	return 0;
}

static int
xml_segment(xmlTextWriterPtr w, const ex_segment *s, const char *zone)
{
	char buf[32], names[128];
	size_t i;

	if (xmlTextWriterStartElement(w, BAD_CAST "segment") < 0 ||
	    attr(w, "path", s->relpath) != 0 ||
	    attr(w, "state", ex_segment_state_name(s->state)) != 0 ||
	    attr_time(w, "start", s->start, zone) != 0 ||
	    attr_time(w, "end", s->end, zone) != 0 ||
	    attr(w, "time-source", s->start != EX_INSTANT_NONE ?
	    s->time_source : NULL) != 0 ||
	    (s->size >= 0 && attr_i64(w, "size", s->size) != 0))
		return -1;
	if (s->container[0] != '\0' && (attr(w, "container", s->container) !=
	    0 || attr(w, "codec", s->codec) != 0 ||
	    attr_i64(w, "width", s->width) != 0 ||
	    attr_i64(w, "height", s->height) != 0))
		return -1;
	if (s->fps_num > 0) {
		snprintf(buf, sizeof(buf), "%d/%d", s->fps_num, s->fps_den);
		if (attr(w, "fps", buf) != 0)
			return -1;
	}
	if (s->frames >= 0 && (attr_i64(w, "frames", s->frames) != 0 ||
	    attr_i64(w, "keyframes", s->keyframes) != 0 ||
	    attr(w, "vfr", s->vfr ? "true" : "false") != 0))
		return -1;
	if (s->recorder_sha256[0] != '\0' &&
	    attr(w, "recorder-sha256", s->recorder_sha256) != 0)
		return -1;
	if (s->signatures != 0) {
		ex_signatures_names(s->signatures, names, sizeof(names));
		if (attr(w, "signatures", names) != 0)
			return -1;
	}
	if (s->problem != NULL && attr(w, "problem", s->problem) != 0)
		return -1;
	for (i = 0; i < s->nstreams; i++)
		if (xmlTextWriterStartElement(w, BAD_CAST "stream") < 0 ||
		    attr_i64(w, "index", (int64_t)i) != 0 ||
		    attr(w, "type", s->streams[i].type) != 0 ||
		    attr(w, "codec", s->streams[i].codec) != 0 ||
		    xmlTextWriterEndElement(w) < 0)
			return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
xml_camera(xmlTextWriterPtr w, const ex_camera *c, const char *zone)
{
	size_t i;

	if (xmlTextWriterStartElement(w, BAD_CAST "camera") < 0 ||
	    attr(w, "id", c->id) != 0 || attr(w, "name", c->name) != 0 ||
	    attr(w, "location", c->location) != 0)
		return -1;
	for (i = 0; i < c->ncovered; i++)
		if (xml_span(w, "recorded", &c->covered[i],
		    span_last_frame(c, &c->covered[i]), zone) != 0)
			return -1;
	for (i = 0; i < c->ngaps; i++)
		if (xml_span(w, "gap", &c->gaps[i], EX_INSTANT_NONE, zone) != 0)
			return -1;
	for (i = 0; i < c->noverlaps; i++)
		if (xml_span(w, "overlap", &c->overlaps[i], EX_INSTANT_NONE,
		    zone) != 0)
			return -1;
	for (i = 0; i < c->nsegments; i++)
		if (xml_segment(w, &c->segments[i], zone) != 0)
			return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
print_xml(const ex_archive *a, const char *zone)
{
	const ex_recorder_info *r = &a->recorder;
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	int rc = -1;
	size_t i;

	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		goto out;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(w, NULL, BAD_CAST "scan",
	    BAD_CAST SCAN_NS) < 0 || attr(w, "version", "1") != 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "archive") < 0 ||
	    attr(w, "root", a->root) != 0 ||
	    attr(w, "layout", ex_layout_name(a->layout)) != 0 ||
	    attr(w, "zone", zone) != 0 || xmlTextWriterEndElement(w) < 0)
		goto out;
	if (r->make || r->model || r->serial || r->site || r->timezone) {
		if (xmlTextWriterStartElement(w, BAD_CAST "recorder") < 0 ||
		    attr(w, "make", r->make) != 0 ||
		    attr(w, "model", r->model) != 0 ||
		    attr(w, "serial", r->serial) != 0 ||
		    attr(w, "site", r->site) != 0 ||
		    attr(w, "timezone", r->timezone) != 0 ||
		    xmlTextWriterEndElement(w) < 0)
			goto out;
	}
	for (i = 0; i < a->ncameras; i++)
		if (xml_camera(w, &a->cameras[i], zone) != 0)
			goto out;
	if (xmlTextWriterEndDocument(w) < 0)
		goto out;
	xmlFreeTextWriter(w);   /* flushes into buf */
	w = NULL;
	fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), stdout);
	rc = 0;
out:
	xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	return rc;
}

int
cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "camera", required_argument, NULL, 'c' },
		{ "xml",    no_argument,       NULL, 'x' },
		{ "tz",     required_argument, NULL, 'z' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ex_archive_options opts;
	ex_archive *archive = NULL;
	const char *zone;
	ex_error err;
	int c, xml = 0, status = EXIT_TROUBLE;

	memset(&opts, 0, sizeof(opts));
	opts.count_frames = 1;
	ex_error_clear(&err);
	optind = 1;
	while ((c = cli_getopt(argc, argv, "c:xz:h", longopts)) != -1) {
		switch (c) {
		case 'c':
			opts.camera = optarg;
			break;
		case 'x':
			xml = 1;
			break;
		case 'z':
			opts.zone = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_usage_hint("scan");
		}
	}
	if (argc - optind != 1) {
		cli_errorf("%s", argc - optind < 1 ? "no ARCHIVE given" :
		    "more than one ARCHIVE given");
		return cli_usage_hint("scan");
	}
	if (ex_archive_open(argv[optind], &opts, &archive, &err) != EX_OK) {
		cli_error(&err);
		goto out;
	}
	zone = opts.zone != NULL ? opts.zone :
	    archive->recorder.timezone != NULL ? archive->recorder.timezone :
	    EX_TIME_DEFAULT_ZONE;
	if (xml) {
		if (print_xml(archive, zone) != 0) {
			cli_errorf("cannot write the XML report");
			goto out;
		}
	} else {
		print_text(archive, zone);
	}
	status = EXIT_OK;
out:
	ex_archive_free(&archive);
	return status;
}

/*
 * test_archive_index.c — the indexed reader (recorder.xml, hardened),
 * the timeline on its own and the SEI signature sniffing; part of the
 * test_archive program (main and the shared helpers: test_archive.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhibit/archive.h"
#include "scratch.h"
#include "archive/archive_private.h"
#include "test_archive.h"

/* --- indexed (recorder.xml) -------------------------------------------- */

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define REC_OPEN "<recorder xmlns=\"urn:exhibit:recorder:1\" version=\"1\">\n"

void
test_indexed(void **state)
{
	const char *dir = *state;
	ex_archive *a;
	const ex_camera *c;
	const ex_segment *s;

	put(dir, "cam1/a.mp4", "clip.mp4", -1);
	put(dir, "cam1/b.mkv", "clip.mkv", -1);
	put(dir, "cam1/c.ts", "clip.ts", -1);
	put(dir, "cam2/x.mp4", "clip.mp4", -1);
	write_text(dir, "recorder.xml", XML_HEAD REC_OPEN
	    "  <make>Acme</make><model>NVR-8</model><serial>AC-0001</serial>\n"
	    "  <site>Town Hall CCTV</site><timezone>Europe/London</timezone>\n"
	    "  <camera id=\"cam2\">\n"
	    "    <segment file=\"cam2/x.mp4\" start=\"2024-10-27T01:59:30+01:00\"/>\n"
	    "    <segment file=\"cam2/gone.mp4\" start=\"2024-10-27T01:00:00Z\"/>\n"
	    "  </camera>\n"
	    "  <camera id=\"cam1\" name=\"High Street North\" location=\"High St / Market Sq\">\n"
	    /* 50 ms after the previous end: within one frame (100 ms). */
	    "    <segment file=\"cam1/b.mkv\" start=\"2024-10-27T00:00:02.050Z\"/>\n"
	    "    <segment file=\"cam1/a.mp4\" start=\"2024-10-27T00:00:00Z\"\n"
	    "      sha256=\"ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789\"/>\n"
	    "    <segment file=\"cam1/c.ts\" start=\"2024-10-27T00:00:06.000Z\"/>\n"
	    "  </camera>\n"
	    "</recorder>\n");
	a = open_ok(dir, NULL);
	assert_int_equal(a->layout, EX_LAYOUT_INDEXED);
	assert_string_equal(a->recorder.make, "Acme");
	assert_string_equal(a->recorder.model, "NVR-8");
	assert_string_equal(a->recorder.serial, "AC-0001");
	assert_string_equal(a->recorder.site, "Town Hall CCTV");
	assert_string_equal(a->recorder.timezone, "Europe/London");
	assert_int_equal(a->ncameras, 2);
	c = &a->cameras[0];
	assert_string_equal(c->id, "cam1");
	assert_string_equal(c->name, "High Street North");
	assert_string_equal(c->location, "High St / Market Sq");
	assert_int_equal(c->nsegments, 3);
	s = &c->segments[0];
	assert_string_equal(s->relpath, "cam1/a.mp4");
	assert_string_equal(s->time_source, "index");
	assert_string_equal(s->recorder_sha256,
	    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	assert_string_equal(c->segments[1].recorder_sha256, "");
	assert_int_equal(c->ncovered, 2);
	assert_time(c->covered[0].start, "2024-10-27T00:00:00Z");
	assert_time(c->covered[0].end, "2024-10-27T00:00:04.050Z");
	assert_int_equal(c->ngaps, 1);
	assert_time(c->gaps[0].start, "2024-10-27T00:00:04.050Z");
	assert_time(c->gaps[0].end, "2024-10-27T00:00:06Z");
	assert_time(c->covered[1].end, "2024-10-27T00:00:08Z");
	c = &a->cameras[1];
	assert_null(c->name);
	s = segment(c, "cam2/x.mp4");
	assert_time(s->start, "2024-10-27T00:59:30Z");
	s = segment(c, "cam2/gone.mp4");
	assert_int_equal(s->state, EX_SEG_UNREADABLE);
	assert_contains(s->problem, "No such file");
	ex_archive_free(&a);
}

static void
index_refused(const char *dir, const char *body, ex_status code,
    const char *needle)
{
	write_text(dir, "recorder.xml", body);
	open_fails(dir, NULL, code, needle);
}

void
test_indexed_refusals(void **state)
{
	const char *dir = *state;
	char outside[PATH_MAX], link[PATH_MAX];

	put(dir, "cam1/a.mp4", "clip.mp4", -1);
	index_refused(dir, XML_HEAD REC_OPEN
	    "<camera id=\"c\"><segment file=\"/etc/passwd\" "
	    "start=\"2024-10-27T00:00:00Z\"/></camera></recorder>",
	    EX_ERR_FORMAT, "schema");
	index_refused(dir, XML_HEAD REC_OPEN
	    "<camera id=\"c\"><segment file=\"cam1/../../etc/passwd\" "
	    "start=\"2024-10-27T00:00:00Z\"/></camera></recorder>",
	    EX_ERR_FORMAT, "'..' in path");
	/* A link inside the archive that leads out of it. */
	snprintf(outside, sizeof(outside), "%s.outside", dir);
	assert_int_equal(mkdir(outside, 0755), 0);
	put(outside, "x.mp4", "clip.mp4", -1);
	snprintf(link, sizeof(link), "%s/cam1/link.mp4", dir);
	snprintf(outside, sizeof(outside), "%s.outside/x.mp4", dir);
	assert_int_equal(symlink(outside, link), 0);
	index_refused(dir, XML_HEAD REC_OPEN
	    "<camera id=\"c\"><segment file=\"cam1/link.mp4\" "
	    "start=\"2024-10-27T00:00:00Z\"/></camera></recorder>",
	    EX_ERR_FORMAT, "leads outside the archive");
	unlink(outside);
	snprintf(outside, sizeof(outside), "%s.outside", dir);
	rmdir(outside);
	/* No DTDs, no entities. */
	index_refused(dir, XML_HEAD
	    "<!DOCTYPE recorder [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	    REC_OPEN "<make>&x;</make><camera id=\"c\"/></recorder>",
	    EX_ERR_FORMAT, "DOCTYPE");
	index_refused(dir, XML_HEAD REC_OPEN "<camera id=\"c\">",
	    EX_ERR_FORMAT, "not well-formed");
	/* A start without its offset, a wrong namespace, a bad hash. */
	index_refused(dir, XML_HEAD REC_OPEN
	    "<camera id=\"c\"><segment file=\"cam1/a.mp4\" "
	    "start=\"2024-10-27T00:00:00\"/></camera></recorder>",
	    EX_ERR_FORMAT, "start");
	index_refused(dir, XML_HEAD "<recorder version=\"1\"><camera id=\"c\"/>"
	    "</recorder>", EX_ERR_FORMAT, "schema");
	index_refused(dir, XML_HEAD REC_OPEN
	    "<camera id=\"c\"><segment file=\"cam1/a.mp4\" "
	    "start=\"2024-10-27T00:00:00Z\" sha256=\"abc\"/></camera>"
	    "</recorder>", EX_ERR_FORMAT, "sha256");
	index_refused(dir, XML_HEAD REC_OPEN
	    "<timezone>Mars/Olympus</timezone><camera id=\"c\"/></recorder>",
	    EX_ERR_FORMAT, "Mars/Olympus");
	index_refused(dir, XML_HEAD REC_OPEN
	    "<camera id=\"c\"/><camera id=\"c\"/></recorder>",
	    EX_ERR_FORMAT, "schema");
}

/*
 * recorder.xml goes through the same hardened reader as exhibit's own
 * XML: no DTD, entity or XInclude, UTF-8 only.  A recorder (not exhibit)
 * wrote it, so comments, processing instructions and a UTF-8 byte-order
 * mark are allowed.
 */
void
test_indexed_hardened_reader(void **state)
{
	const char *dir = *state;
	ex_archive *a;

	index_refused(dir, XML_HEAD "<!DOCTYPE recorder [<!ENTITY e \"x\">]>\n"
	    REC_OPEN "<make>&e;</make><camera id=\"c\"/></recorder>\n",
	    EX_ERR_FORMAT,
	    "recorder.xml: has a DOCTYPE (DTDs and entities are not allowed)");
	index_refused(dir, XML_HEAD REC_OPEN "<make>&e;</make>"
	    "<camera id=\"c\"/></recorder>\n", EX_ERR_FORMAT,
	    "recorder.xml: not well-formed XML: line 3: Entity 'e' not defined");
	index_refused(dir, XML_HEAD REC_OPEN "<!-- <!ENTITY e \"x\"> -->"
	    "<camera id=\"c\"/></recorder>\n", EX_ERR_FORMAT,
	    "recorder.xml: declares an entity (not allowed)");
	index_refused(dir, XML_HEAD REC_OPEN
	    "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
	    "href=\"/etc/passwd\" parse=\"text\"/>"
	    "<camera id=\"c\"/></recorder>\n", EX_ERR_FORMAT,
	    "recorder.xml: uses XInclude at line 3 (not allowed)");
	index_refused(dir, XML_HEAD REC_OPEN "<camera id=\"c\">\n"
	    "<xi:include xmlns:xi=\"http://www.w3.org/2003/XInclude\" "
	    "href=\"other.xml\"/></camera></recorder>\n", EX_ERR_FORMAT,
	    "recorder.xml: uses XInclude at line 4 (not allowed)");
	index_refused(dir, XML_HEAD REC_OPEN "<make>Acme \xff</make>"
	    "<camera id=\"c\"/></recorder>\n", EX_ERR_FORMAT,
	    "recorder.xml: not valid UTF-8 (byte 105)");
	index_refused(dir, XML_HEAD REC_OPEN "<make>Acme \xc0\xbc</make>"
	    "<camera id=\"c\"/></recorder>\n", EX_ERR_FORMAT,
	    "recorder.xml: not valid UTF-8");
	index_refused(dir, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	    REC_OPEN "<camera id=\"c\"/></recorder>\n", EX_ERR_FORMAT,
	    "recorder.xml: declares encoding 'ISO-8859-1' (only UTF-8 is read)");

	/* What a vendor may add: a byte-order mark, comments and PIs. */
	write_text(dir, "recorder.xml", "\xef\xbb\xbf" XML_HEAD
	    "<!-- written by NVR-8 firmware 4.2 -->\n"
	    "<?vendor-info build=\"1234\"?>\n" REC_OPEN
	    "<make>Acme<!-- brand --></make><camera id=\"c\"/></recorder>\n");
	a = open_ok(dir, NULL);
	assert_int_equal(a->layout, EX_LAYOUT_INDEXED);
	assert_string_equal(a->recorder.make, "Acme");
	assert_int_equal(a->ncameras, 1);
	ex_archive_free(&a);
}

/* --- the timeline on its own -------------------------------------------- */

static void
add(ex_segment *s, const char *rel, const char *start, const char *end,
    ex_segment_state state)
{
	memset(s, 0, sizeof(*s));
	s->relpath = (char *)rel;
	s->start = at(start);
	s->end = end != NULL ? at(end) : EX_INSTANT_NONE;
	s->state = state;
	s->fps_num = 25;
	s->fps_den = 1;
}

void
test_timeline(void **state)
{
	ex_segment segs[7];
	ex_camera c;
	ex_error err;

	(void)state;
	/* Out of order; 20 ms short of continuous is still continuous at
	 * 25 fps (40 ms); two overlaps that touch merge into one. */
	add(&segs[0], "e", "2024-01-01T00:01:00Z", "2024-01-01T00:01:10Z",
	    EX_SEG_OK);
	add(&segs[1], "u", "2024-01-01T00:00:20Z", NULL, EX_SEG_UNREADABLE);
	add(&segs[2], "b", "2024-01-01T00:00:10.020Z",
	    "2024-01-01T00:00:20Z", EX_SEG_OK);
	add(&segs[3], "a", "2024-01-01T00:00:00Z", "2024-01-01T00:00:10Z",
	    EX_SEG_OK);
	add(&segs[4], "c", "2024-01-01T00:00:15Z", "2024-01-01T00:00:25Z",
	    EX_SEG_DAMAGED);
	add(&segs[5], "d", "2024-01-01T00:00:18Z", "2024-01-01T00:00:30Z",
	    EX_SEG_OK);
	/* 30 ms of overlap: less than a frame, not reported. */
	add(&segs[6], "f", "2024-01-01T00:01:09.970Z",
	    "2024-01-01T00:01:20Z", EX_SEG_OK);
	memset(&c, 0, sizeof(c));
	c.segments = segs;
	c.nsegments = 7;
	ex_error_clear(&err);
	assert_int_equal(archive_timeline_build(&c, &err), EX_OK);
	assert_string_equal(segs[0].relpath, "a");
	assert_string_equal(segs[1].relpath, "b");
	assert_string_equal(segs[5].relpath, "f");
	assert_string_equal(segs[6].relpath, "u");
	assert_int_equal(c.ncovered, 2);
	assert_time(c.covered[0].start, "2024-01-01T00:00:00Z");
	assert_time(c.covered[0].end, "2024-01-01T00:00:30Z");
	assert_time(c.covered[1].start, "2024-01-01T00:01:00Z");
	assert_time(c.covered[1].end, "2024-01-01T00:01:20Z");
	assert_int_equal(c.ngaps, 1);
	assert_time(c.gaps[0].start, "2024-01-01T00:00:30Z");
	assert_time(c.gaps[0].end, "2024-01-01T00:01:00Z");
	assert_int_equal(c.noverlaps, 1);
	assert_time(c.overlaps[0].start, "2024-01-01T00:00:15Z");
	assert_time(c.overlaps[0].end, "2024-01-01T00:00:25Z");
	/* Rebuilding gives the same answer (nothing leaks or doubles). */
	assert_int_equal(archive_timeline_build(&c, &err), EX_OK);
	assert_int_equal(c.ncovered, 2);
	assert_int_equal(c.noverlaps, 1);
	free(c.covered);
	free(c.covered_last);
	free(c.gaps);
	free(c.overlaps);
}

/* SEI user data unregistered with the signing frameworks' UUIDs, in the
 * framings recorders use; anything else, or cut short, finds nothing. */
static const unsigned char axis_uuid[16] = { 0x53, 0x69, 0x67, 0x6e, 0x65,
	0x64, 0x20, 0x56, 0x69, 0x64, 0x65, 0x6f, 0x2e, 0x2e, 0x2e, 0x30 };
static const unsigned char onvif_uuid[16] = { 0x00, 0x5b, 0xc9, 0x3f, 0x2d,
	0x71, 0x5e, 0x95, 0xad, 0xa4, 0x79, 0x6f, 0x90, 0x87, 0x7a, 0x6f };
/* x264's own version message: user data unregistered, not a signature */
static const unsigned char x264_uuid[16] = { 0xdc, 0x45, 0xe9, 0xbd, 0xe6,
	0xd9, 0x48, 0xb7, 0x96, 0x2c, 0xd8, 0x20, 0xd9, 0x23, 0xee, 0xef };

/* One SEI NAL unit (header, messages, trailing bits): per uuid a message
 * of payload type 5, the uuid and the bytes 00 00 01, which need an
 * emulation prevention byte (00 00 03 01) that the reader must take out
 * to find the next message. */
static size_t
sei_nal(unsigned char *out, int hevc, const unsigned char *uuid,
    const unsigned char *uuid2)
{
	unsigned char rbsp[64];
	size_t n = 0, o = 0, i, zeros = 0;

	for (; uuid != NULL; uuid = uuid2, uuid2 = NULL) {
		rbsp[n++] = 5;          /* payload type */
		rbsp[n++] = 19;         /* payload size */
		memcpy(rbsp + n, uuid, 16);
		n += 16;
		rbsp[n++] = 0;
		rbsp[n++] = 0;
		rbsp[n++] = 1;
	}
	rbsp[n++] = 0x80;       /* rbsp trailing bits */
	if (hevc) {
		out[o++] = 39 << 1; /* prefix SEI */
		out[o++] = 1;
	} else {
		out[o++] = 6;
	}
	for (i = 0; i < n; i++) {
		if (zeros >= 2 && rbsp[i] <= 3) {
			out[o++] = 3;
			zeros = 0;
		}
		out[o++] = rbsp[i];
		zeros = rbsp[i] == 0 ? zeros + 1 : 0;
	}
	return o;
}

void
test_sei_signatures(void **state)
{
	unsigned char pkt[256], nal[96];
	size_t n, m;
	int hevc;

	(void)state;
	for (hevc = 0; hevc <= 1; hevc++) {
		/* Length-prefixed (MP4): a slice-like NAL, then the SEI. */
		m = sei_nal(nal, hevc, axis_uuid, NULL);
		n = 0;
		pkt[n++] = 0; pkt[n++] = 0; pkt[n++] = 0; pkt[n++] = 2;
		pkt[n++] = hevc ? 1 << 1 : 0x65;
		pkt[n++] = 0x88;
		pkt[n++] = 0; pkt[n++] = 0; pkt[n++] = 0;
		pkt[n++] = (unsigned char)m;
		memcpy(pkt + n, nal, m);
		n += m;
		assert_int_equal(archive_sei_signatures(pkt, n, hevc, 4),
		    EX_SIGNED_AXIS);
		/* The same bytes cut short: nothing, and no overread. */
		assert_int_equal(archive_sei_signatures(pkt, n - 3, hevc, 4), 0);
		/* The other codec's NAL header: not an SEI there. */
		assert_int_equal(archive_sei_signatures(pkt, n, !hevc, 4), 0);
		/* Annex B (MPEG-TS): start codes, ONVIF and x264's UUIDs. */
		n = 0;
		pkt[n++] = 0; pkt[n++] = 0; pkt[n++] = 0; pkt[n++] = 1;
		m = sei_nal(nal, hevc, x264_uuid, NULL);
		memcpy(pkt + n, nal, m);
		n += m;
		assert_int_equal(archive_sei_signatures(pkt, n, hevc, 0), 0);
		pkt[n++] = 0; pkt[n++] = 0; pkt[n++] = 1;
		m = sei_nal(nal, hevc, onvif_uuid, NULL);
		memcpy(pkt + n, nal, m);
		n += m;
		assert_int_equal(archive_sei_signatures(pkt, n, hevc, 0),
		    EX_SIGNED_ONVIF);
		/* A signature message after another one in the same NAL unit
		 * is found only if the emulation prevention byte in the first
		 * is taken out. */
		n = 0;
		pkt[n++] = 0; pkt[n++] = 0; pkt[n++] = 1;
		m = sei_nal(nal, hevc, x264_uuid, axis_uuid);
		assert_true(memmem(nal, m, "\0\0\3\1", 4) != NULL);
		memcpy(pkt + n, nal, m);
		n += m;
		assert_int_equal(archive_sei_signatures(pkt, n, hevc, 0),
		    EX_SIGNED_AXIS);
	}
	assert_int_equal(archive_sei_length_size((const unsigned char *)"\1\x64"
	    "\0\x1f\xff", 5, 0), 4);
	assert_int_equal(archive_sei_length_size((const unsigned char *)"\0\0\0"
	    "\1", 4, 0), 0);
	assert_int_equal(archive_sei_length_size(NULL, 0, 1), 0);
	{
		char names[64];

		ex_signatures_names(EX_SIGNED_AXIS | EX_SIGNED_ONVIF, names,
		    sizeof(names));
		assert_string_equal(names,
		    "axis-signed-video onvif-media-signing");
		ex_signatures_names(0, names, sizeof(names));
		assert_string_equal(names, "");
	}
}

/*
 * test_manifest.c — manifest.xml: writer, schema, round trip, hostile input.
 * This file: the sample manifest and helpers (test_manifest.h), the writer,
 * the round trip, the embedded schema, the golden fixture, and main;
 * test_manifest_hostile.c: the parser against hostile input.
 */
#include "config.h"

#include <fcntl.h>
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

#include "exhibit/manifest.h"
#include "scratch.h"
#include "test_manifest.h"

ex_instant
at(const char *text)
{
	ex_instant t = 0;
	ex_error err;

	if (ex_time_parse(text, LONDON, &t, &err) != EX_OK)
		fail_msg("%s: %s", text, err.message);
	return t;
}

static char *
sdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static void
add_str(char ***list, size_t *n, const char *s)
{
	assert_int_equal(ex_manifest_add_string(list, n, s, NULL), EX_OK);
}

static void
add_stream(ex_manifest_file *f, int index, int source, const char *type,
    const char *codec, ex_manifest_fate fate, const char *reason,
    const char *signatures)
{
	ex_manifest_stream *st;

	assert_int_equal(ex_manifest_add_stream(f, &st, NULL), EX_OK);
	assert_int_equal(st->index, -1);
	assert_int_equal(st->source_index, -1);
	st->index = index;
	st->source_index = source;
	st->type = sdup(type);
	st->codec = codec != NULL ? sdup(codec) : NULL;
	st->fate = fate;
	st->reason = reason != NULL ? sdup(reason) : NULL;
	st->signatures = signatures != NULL ? sdup(signatures) : NULL;
}

/* An export of one camera across the October 2024 clock change: a master,
 * a native cut and a working copy, with a gap and a damaged segment. */
ex_manifest *
sample(void)
{
	ex_manifest *m = NULL;
	ex_manifest_camera *c;
	ex_manifest_file *f;
	ex_error err;

	assert_int_equal(ex_manifest_new(&m, &err), EX_OK);
	m->bundle.case_ref = sdup("CASE-2024/1027");
	m->bundle.exhibit_ref = sdup("JS/1");
	m->bundle.operator_name = sdup("Jo Smith");
	m->bundle.organisation = sdup("Example Council CCTV");
	m->bundle.reason = sdup("Police request 44 <urgent> & \"quoted\"");
	m->bundle.export_time = at("2024-10-28T09:00:00.000001Z");
	m->bundle.tool_name = sdup("exhibit");
	m->bundle.tool_version = sdup("0.1.0");
	m->bundle.libraries = calloc(2, sizeof(ex_manifest_library));
	assert_non_null(m->bundle.libraries);
	m->bundle.nlibraries = 2;
	m->bundle.libraries[0].name = sdup("libavformat");
	m->bundle.libraries[0].version = sdup("59.27.100");
	m->bundle.libraries[1].name = sdup("libxml2");
	m->bundle.libraries[1].version = sdup("2.9.14");
	m->bundle.signer_key_id = sdup("98EBD6B786B1C5CE");
	m->bundle.signer_public_key =
	    sdup("RWTOxbGGt9brmHYHd4sYc2a0Tm8jBvVV2XHlaBwN2Px5ohu3WoDx9R7q");
	m->recorder.layout = sdup("frigate");
	m->recorder.make = sdup("Frigate");
	m->recorder.site = sdup("Market Square");
	m->recorder.zone = sdup(LONDON);
	m->recorder.clock_offset_usec = -2500000;
	m->recorder.clock_offset_by = sdup("Operator against MSF time signal");
	m->recorder.clock_offset_note = sdup("line one\nline two\twith tab");
	m->recorder.archive_path = sdup("/srv/nvr");
	add_str(&m->request.cameras, &m->request.ncameras, "cam1");
	m->request.from = at("2024-10-27T00:59:30Z");
	m->request.to = at("2024-10-27T01:00:30Z");
	m->request.zone = sdup(LONDON);
	m->request.segment_seconds = 60;
	m->request.preset = sdup("veryfast");
	m->request.crf = 18;
	m->request.container = sdup("zip");
	m->request.no_masters = 0;
	m->request.no_working = 0;

	assert_int_equal(ex_manifest_add_camera(m, &c, &err), EX_OK);
	c->id = sdup("cam1");
	c->name = sdup("High Street east");
	c->location = sdup("Pole 7");
	c->requested.from = m->request.from;
	c->requested.to = m->request.to;
	c->coverage = calloc(1, sizeof(*c->coverage));
	assert_non_null(c->coverage);
	c->ncoverage = 1;
	c->coverage[0].role = EX_ROLE_WORKING;
	c->coverage[0].from = at("2024-10-27T00:59:30.040Z");
	c->coverage[0].to = at("2024-10-27T01:00:20Z");
	c->gaps = calloc(1, sizeof(*c->gaps));
	assert_non_null(c->gaps);
	c->ngaps = 1;
	c->gaps[0].from = at("2024-10-27T01:00:20Z");
	c->gaps[0].to = at("2024-10-27T01:00:30Z");
	c->damage = calloc(1, sizeof(*c->damage));
	assert_non_null(c->damage);
	c->ndamage = 1;
	c->damage[0].relpath = sdup("recordings/2024-10-27/01/cam1/00.10.mp4");
	c->damage[0].state = sdup("damaged");
	c->damage[0].message = sdup("moov atom not found");
	c->damage[0].time = at("2024-10-27T01:00:10Z");

	assert_int_equal(ex_manifest_add_file(c, &f, &err), EX_OK);
	f->role = EX_ROLE_MASTER;
	f->path = sdup("data/cam1/master/00.00.mp4");
	f->source_path = sdup("recordings/2024-10-27/00/cam1/59.30.mp4");
	f->size = UINT64_C(5000000000);
	memcpy(f->sha256, HEX_A, 65);
	f->signature_path = sdup("data/cam1/master/00.00.mp4.minisig");
	f->start = at("2024-10-27T00:59:30Z");       /* 01:59:30 BST */
	f->end = at("2024-10-27T01:00:10Z");         /* 01:00:10 GMT */
	f->codec = sdup("h264");
	f->width = 1920;
	f->height = 1080;
	f->frames = 1000;
	f->first_frame = f->start;
	f->last_frame = at("2024-10-27T01:00:09.960Z");
	add_stream(f, 0, -1, "video", "h264", EX_FATE_RECORDED, NULL,
	    "axis-signed-video");
	add_stream(f, 1, -1, "audio", "pcm_alaw", EX_FATE_RECORDED, NULL, NULL);
	add_stream(f, 2, -1, "data", "bin_data", EX_FATE_RECORDED, NULL, NULL);

	assert_int_equal(ex_manifest_add_file(c, &f, &err), EX_OK);
	f->role = EX_ROLE_WORKING;
	f->path = sdup("data/cam1/working/cam1-001.mp4");
	f->size = 123456;
	memcpy(f->sha256, HEX_B, 65);
	f->signature_path = sdup("data/cam1/working/cam1-001.mp4.minisig");
	f->start = at("2024-10-27T00:59:30.040123Z");
	f->end = at("2024-10-27T01:00:20Z");
	f->requested = c->requested;
	f->codec = sdup("h264");
	f->width = 1280;
	f->height = 720;
	f->frames = 1249;
	f->first_frame = f->start;
	f->last_frame = at("2024-10-27T01:00:19.960Z");
	add_str(&f->derived_from, &f->nderived_from,
	    "data/cam1/master/00.00.mp4");
	add_str(&f->derived_from, &f->nderived_from,
	    "recordings/2024-10-27/01/cam1/00.10.mp4");
	f->encoder_preset = sdup("veryfast");
	f->encoder_crf = 18;
	f->encoder_threads = 2;
	add_stream(f, 0, 0, "video", "h264", EX_FATE_REENCODED, NULL, NULL);
	add_stream(f, 1, 1, "audio", "aac", EX_FATE_REENCODED,
	    "G.711 A-law decoded, encoded as AAC", NULL);
	add_stream(f, 2, -1, "subtitle", "mov_text", EX_FATE_ADDED,
	    "the burned-in text of each frame", NULL);
	add_stream(f, -1, 2, "data", "bin_data", EX_FATE_LEFT_OUT,
	    "a working copy carries picture and sound only", NULL);

	assert_int_equal(ex_manifest_add_document(m, &f, &err), EX_OK);
	assert_int_equal(f->role, EX_ROLE_DOCUMENT);
	f->path = sdup("data/index.html");
	f->size = 2048;
	memcpy(f->sha256, HEX_B, 65);
	f->signature_path = sdup("data/index.html.minisig");
	return m;
}

void
write_ok(const ex_manifest *m, char **xml, size_t *len)
{
	ex_error err;

	ex_error_clear(&err);
	if (ex_manifest_write(m, xml, len, &err) != EX_OK)
		fail_msg("write: %s", err.message);
	assert_int_equal(strlen(*xml), *len);
}

static ex_manifest *
parse_ok(const char *xml, size_t len)
{
	ex_manifest *m = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_manifest_parse(xml, len, &m, &err) != EX_OK)
		fail_msg("parse: %s", err.message);
	assert_non_null(m);
	return m;
}

static void
expect_has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("'%s' not found in:\n%s", needle, hay);
}

/* The writer's output passes the stock xmllint against schemas/. */
static void
test_output_valid_with_xmllint(void **state)
{
	ex_manifest *m = sample();
	char dir[1024], path[1100], cmd[2400];
	size_t len;
	char *xml;
	int fd, rc;

	(void)state;
	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		skip();
	write_ok(m, &xml, &len);
	assert_int_equal(scratch_make(dir, sizeof(dir), "test_manifest"), 0);
	snprintf(path, sizeof(path), "%s/manifest.xml", dir);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) >= 0);
	assert_int_equal(write(fd, xml, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet --schema "
	    "'%s/schemas/manifest.xsd' '%s' 2>/dev/null", TEST_SRCDIR, path);
	rc = system(cmd);
	scratch_remove(dir);
	assert_int_equal(rc, 0);
	free(xml);
	ex_manifest_free(&m);
	assert_null(m);
}

static void
test_deterministic(void **state)
{
	static const char head[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<manifest format=\"1\" xmlns=\"urn:exhibit:manifest:1\">\n"
	    "  <bundle>\n";
	ex_manifest *m = sample();
	char *a, *b;
	size_t la, lb;

	(void)state;
	write_ok(m, &a, &la);
	write_ok(m, &b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	/* Namespaced, UTF-8, indented. */
	assert_true(strncmp(a, head, strlen(head)) == 0);
	free(a);
	free(b);
	ex_manifest_free(&m);
}

/* Start and end of one file either side of the clock change: recorder,
 * true and local readings with the zone abbreviation. */
static void
test_three_readings_across_dst(void **state)
{
	ex_manifest *m = sample();
	size_t len;
	char *xml;

	(void)state;
	write_ok(m, &xml, &len);
	/* Recorder 2.5 s slow: recorder = true - 2.5 s. */
	expect_has(xml, "<start recorder=\"2024-10-27T00:59:27.500000Z\" "
	    "utc=\"2024-10-27T00:59:30.000000Z\" "
	    "local=\"2024-10-27T01:59:30.000000+01:00\" "
	    "zone=\"Europe/London\" abbrev=\"BST\"/>");
	expect_has(xml, "<end recorder=\"2024-10-27T01:00:07.500000Z\" "
	    "utc=\"2024-10-27T01:00:10.000000Z\" "
	    "local=\"2024-10-27T01:00:10.000000+00:00\" "
	    "zone=\"Europe/London\" abbrev=\"GMT\"/>");
	expect_has(xml, "microseconds=\"-2500000\" seconds=\"-2.500000\"");
	expect_has(xml, "utc=\"2024-10-27T00:59:30.040123Z\"");
	expect_has(xml, "<hash algorithm=\"sha256\">" HEX_A "</hash>");
	expect_has(xml, "Police request 44 &lt;urgent&gt; &amp; &quot;quoted&quot;");
	free(xml);
	ex_manifest_free(&m);
}

/* The disclosure (register row, requester, purpose, kind, masks) and a
 * file's masks, written, parsed back and written again unchanged; and
 * an export recorded in no register. */
static void
test_disclosure_round_trip(void **state)
{
	ex_manifest *m = sample(), *p;
	ex_manifest_disclosure *d = &m->disclosure;
	char *a, *b;
	size_t la, lb;

	(void)state;
	d->present = 1;
	d->kind = strdup("redacted");
	d->purpose = strdup("subject-access");
	d->requester = strdup("A. Person");
	d->requester_org = strdup("Self & \"family\"");
	d->masks_path = strdup("data/masks.xml");
	memcpy(d->masks_sha256, HEX_B, sizeof(d->masks_sha256));
	d->nmasks = 2;
	d->masks_text = strdup("<masks xmlns=\"urn:exhibit:mask:1\">\n"
	    "  <!-- two -->\n</masks>\n");
	d->recorded = 1;
	d->register_row = 17;
	memcpy(d->register_previous, HEX_A, sizeof(d->register_previous));
	m->cameras[0].files[1].masks = strdup("1 2");
	write_ok(m, &a, &la);
	expect_has(a, "<disclosure kind=\"redacted\" "
	    "purpose=\"subject-access\">");
	expect_has(a, "<register row=\"17\" previous=\"" HEX_A "\"/>");
	expect_has(a, "<masks applied=\"1 2\"/>");
	p = parse_ok(a, la);
	write_ok(p, &b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_string_equal(p->disclosure.kind, "redacted");
	assert_string_equal(p->disclosure.requester_org, "Self & \"family\"");
	assert_string_equal(p->disclosure.masks_text, d->masks_text);
	assert_string_equal(p->disclosure.masks_sha256, HEX_B);
	assert_int_equal(p->disclosure.nmasks, 2);
	assert_int_equal(p->disclosure.recorded, 1);
	assert_int_equal(p->disclosure.register_row, 17);
	assert_string_equal(p->disclosure.register_previous, HEX_A);
	assert_string_equal(p->cameras[0].files[1].masks, "1 2");
	assert_null(p->cameras[0].files[0].masks);
	free(a);
	free(b);
	ex_manifest_free(&p);
	/* Not recorded: said so, and nothing else of the register. */
	d->recorded = 0;
	d->register_row = 0;
	write_ok(m, &a, &la);
	expect_has(a, "<register recorded=\"false\"/>");
	p = parse_ok(a, la);
	assert_int_equal(p->disclosure.recorded, 0);
	assert_int_equal(p->disclosure.register_row, 0);
	free(a);
	ex_manifest_free(&p);
	ex_manifest_free(&m);
}

static void
test_round_trip(void **state)
{
	ex_manifest *m = sample(), *p;
	const ex_manifest_file *f;
	const ex_manifest_camera *c;
	char *a, *b;
	size_t la, lb;

	(void)state;
	write_ok(m, &a, &la);
	p = parse_ok(a, la);
	/* Writing the parsed model gives the same bytes: nothing was lost. */
	write_ok(p, &b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	/* And field by field, where the writer derives or formats. */
	assert_string_equal(p->bundle.case_ref, m->bundle.case_ref);
	assert_string_equal(p->bundle.reason, m->bundle.reason);
	assert_int_equal(p->bundle.export_time, m->bundle.export_time);
	assert_int_equal(p->bundle.nlibraries, 2);
	assert_string_equal(p->bundle.libraries[1].version, "2.9.14");
	assert_string_equal(p->bundle.signer_public_key,
	    m->bundle.signer_public_key);
	assert_int_equal(p->recorder.clock_offset_usec, -2500000);
	assert_string_equal(p->recorder.clock_offset_note,
	    "line one\nline two\twith tab");
	assert_null(p->recorder.model);
	assert_int_equal(p->request.from, m->request.from);
	assert_int_equal(p->request.ncameras, 1);
	assert_string_equal(p->request.cameras[0], "cam1");
	assert_int_equal(p->request.segment_seconds, 60);
	assert_int_equal(p->request.crf, 18);
	assert_int_equal(p->request.no_masters, 0);
	assert_int_equal(p->ncameras, 1);
	c = &p->cameras[0];
	assert_string_equal(c->location, "Pole 7");
	assert_int_equal(c->ncoverage, 1);
	assert_int_equal(c->coverage[0].role, EX_ROLE_WORKING);
	assert_int_equal(c->ngaps, 1);
	assert_int_equal(c->gaps[0].to, m->cameras[0].gaps[0].to);
	assert_int_equal(c->ndamage, 1);
	assert_int_equal(c->damage[0].time, m->cameras[0].damage[0].time);
	assert_string_equal(c->damage[0].message, "moov atom not found");
	assert_int_equal(c->nfiles, 2);
	f = &c->files[0];
	assert_int_equal(f->role, EX_ROLE_MASTER);
	assert_int_equal(f->size, UINT64_C(5000000000));
	assert_string_equal(f->sha256, HEX_A);
	assert_string_equal(f->source_path,
	    "recordings/2024-10-27/00/cam1/59.30.mp4");
	assert_int_equal(f->requested.from, EX_INSTANT_NONE);
	assert_null(f->encoder_preset);
	f = &c->files[1];
	assert_int_equal(f->start, m->cameras[0].files[1].start);
	assert_int_equal(f->last_frame, m->cameras[0].files[1].last_frame);
	assert_int_equal(f->frames, 1249);
	assert_int_equal(f->width, 1280);
	assert_int_equal(f->nderived_from, 2);
	assert_string_equal(f->derived_from[1],
	    "recordings/2024-10-27/01/cam1/00.10.mp4");
	assert_string_equal(f->encoder_preset, "veryfast");
	assert_int_equal(f->encoder_threads, 2);
	/* Every stream and what became of it. */
	assert_int_equal(f->nstreams, 4);
	assert_int_equal(f->streams[2].fate, EX_FATE_ADDED);
	assert_int_equal(f->streams[2].source_index, -1);
	assert_int_equal(f->streams[1].fate, EX_FATE_REENCODED);
	assert_string_equal(f->streams[1].codec, "aac");
	assert_string_equal(f->streams[1].reason,
	    "G.711 A-law decoded, encoded as AAC");
	assert_int_equal(f->streams[3].fate, EX_FATE_LEFT_OUT);
	assert_int_equal(f->streams[3].index, -1);
	assert_int_equal(f->streams[3].source_index, 2);
	assert_int_equal(c->files[0].nstreams, 3);
	assert_int_equal(c->files[0].streams[0].fate, EX_FATE_RECORDED);
	assert_int_equal(c->files[0].streams[0].source_index, -1);
	assert_string_equal(c->files[0].streams[0].signatures,
	    "axis-signed-video");
	assert_null(c->files[0].streams[1].signatures);
	assert_int_equal(p->request.allow_empty, 0);
	assert_int_equal(p->ndocuments, 1);
	f = &p->documents[0];
	assert_int_equal(f->role, EX_ROLE_DOCUMENT);
	assert_string_equal(f->path, "data/index.html");
	assert_int_equal(f->size, 2048);
	assert_string_equal(f->sha256, HEX_B);
	assert_string_equal(f->signature_path, "data/index.html.minisig");
	assert_int_equal(f->start, EX_INSTANT_NONE);
	free(a);
	free(b);
	ex_manifest_free(&m);
	ex_manifest_free(&p);
	ex_manifest_free(&p);   /* NULL-safe */
	ex_manifest_free(NULL);
}

/* Control characters and invalid UTF-8 in the model are cleaned on write,
 * so the output stays well-formed and parses to the cleaned text. */
static void
test_strings_cleaned(void **state)
{
	ex_manifest *m = sample(), *p;
	size_t len;
	char *xml;

	(void)state;
	free(m->bundle.operator_name);
	m->bundle.operator_name = sdup("Jo\x01\x1b Sm\xffith\x7f\r");
	free(m->bundle.reason);
	/* overlong '/', a lone surrogate, a C1 control, then good UTF-8 */
	m->bundle.reason = sdup("a\xc0\xaf" "b\xed\xa0\x80" "c\xc2\x85"
	    "d caf\xc3\xa9 \xe2\x82\xac");
	free(m->cameras[0].id);
	m->cameras[0].id = sdup("cam\t1\n");
	write_ok(m, &xml, &len);
	p = parse_ok(xml, len);
	assert_string_equal(p->bundle.operator_name, "Jo Sm\xef\xbf\xbdith");
	assert_string_equal(p->bundle.reason,
	    "a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd" "cd caf\xc3\xa9 \xe2\x82\xac");
	/* In attributes TAB and LF become spaces (XML would on reading). */
	assert_string_equal(p->cameras[0].id, "cam 1 ");
	free(xml);
	ex_manifest_free(&m);
	ex_manifest_free(&p);
}

static void
test_write_refuses_incomplete_model(void **state)
{
	ex_manifest *m = sample();
	size_t len = 1;
	char *xml = (char *)"x";
	ex_error err;

	(void)state;
	free(m->bundle.case_ref);
	m->bundle.case_ref = NULL;
	assert_int_equal(ex_manifest_write(m, &xml, &len, &err), EX_ERR_USAGE);
	assert_null(xml);
	assert_int_equal(len, 0);
	expect_has(err.message, "case reference is missing");
	m->bundle.case_ref = sdup("C");
	m->cameras[0].files[0].sha256[3] = 'X';
	assert_int_equal(ex_manifest_write(m, &xml, &len, &err), EX_ERR_USAGE);
	expect_has(err.message, "data/cam1/master/00.00.mp4: sha256 is not");
	m->cameras[0].files[0].sha256[3] = '3';
	m->documents[0].role = EX_ROLE_WORKING;
	assert_int_equal(ex_manifest_write(m, &xml, &len, &err), EX_ERR_USAGE);
	expect_has(err.message, "data/index.html: role 2 does not belong "
	    "among the documents");
	m->documents[0].role = EX_ROLE_DOCUMENT;
	/* A stream left out has no index in the file; a kept one has. */
	m->cameras[0].files[1].streams[3].index = 2;
	assert_int_equal(ex_manifest_write(m, &xml, &len, &err), EX_ERR_USAGE);
	expect_has(err.message, "data/cam1/working/cam1-001.mp4: stream 3: "
	    "fate 3 does not fit its indexes");
	m->cameras[0].files[1].streams[3].index = -1;
	/* An added stream comes from no source stream. */
	m->cameras[0].files[1].streams[2].source_index = 0;
	assert_int_equal(ex_manifest_write(m, &xml, &len, &err), EX_ERR_USAGE);
	expect_has(err.message, "stream 2: fate 4 does not fit");
	m->cameras[0].files[1].streams[2].source_index = -1;
	m->cameras[0].files[1].streams[0].source_index = -1;
	assert_int_equal(ex_manifest_write(m, &xml, &len, &err), EX_ERR_USAGE);
	expect_has(err.message, "stream 0: fate 2 does not fit");
	ex_manifest_free(&m);
}

/* The embedded schema is schemas/manifest.xsd, byte for byte. */
static void
test_embedded_xsd_matches_file(void **state)
{
	char path[512], *buf;
	const char *xsd;
	size_t len, n;
	FILE *fp;

	(void)state;
	xsd = ex_manifest_xsd(&len);
	snprintf(path, sizeof(path), "%s/schemas/manifest.xsd", TEST_SRCDIR);
	assert_non_null(fp = fopen(path, "rb"));
	buf = malloc(len + 2);
	assert_non_null(buf);
	n = fread(buf, 1, len + 1, fp);
	fclose(fp);
	assert_int_equal(n, len);
	assert_memory_equal(buf, xsd, len);
	assert_int_equal(xsd[len], '\0');
	free(buf);
}

/*
 * tests/fixtures/manifest/sample.xml is the writer's output for sample():
 * a change to the format shows up here and must be deliberate.  Set
 * EXHIBIT_REGEN_FIXTURES=1 to rewrite it after such a change.
 */
static void
test_golden_fixture(void **state)
{
	ex_manifest *m = sample(), *p;
	char path[512], *xml, *buf;
	size_t len, n;
	FILE *fp;

	(void)state;
	write_ok(m, &xml, &len);
	snprintf(path, sizeof(path), "%s/tests/fixtures/manifest/sample.xml",
	    TEST_SRCDIR);
	if (getenv("EXHIBIT_REGEN_FIXTURES") != NULL) {
		assert_non_null(fp = fopen(path, "wb"));
		assert_int_equal(fwrite(xml, 1, len, fp), len);
		assert_int_equal(fclose(fp), 0);
	}
	assert_non_null(fp = fopen(path, "rb"));
	assert_non_null(buf = malloc(len + 2));
	n = fread(buf, 1, len + 1, fp);
	fclose(fp);
	assert_int_equal(n, len);
	assert_memory_equal(buf, xml, len);
	p = parse_ok(buf, n);
	assert_string_equal(p->bundle.exhibit_ref, "JS/1");
	free(buf);
	free(xml);
	ex_manifest_free(&m);
	ex_manifest_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_valid_with_xmllint),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_three_readings_across_dst),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_disclosure_round_trip),
		cmocka_unit_test(test_strings_cleaned),
		cmocka_unit_test(test_write_refuses_incomplete_model),
		cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_external_entity_refused),
		cmocka_unit_test(test_billion_laughs_refused),
		cmocka_unit_test(test_utf16_refused),
		cmocka_unit_test(test_deep_nesting_refused),
		cmocka_unit_test(test_huge_attribute_refused),
		cmocka_unit_test(test_unknown_hash_algorithm_refused),
		cmocka_unit_test(test_schema_violations_refused),
		cmocka_unit_test(test_xinclude_refused),
		cmocka_unit_test(test_only_the_form_exhibit_writes),
		cmocka_unit_test(test_not_utf8_refused),
		cmocka_unit_test(test_libxml2_is_silent),
		cmocka_unit_test(test_embedded_xsd_matches_file),
		cmocka_unit_test(test_golden_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

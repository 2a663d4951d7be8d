/*
 * test_report.c — data/index.html and data/README.txt:
 * hostile strings escaped, the same bytes for the same model, a <video>
 * and a thumbnail for every working copy, no URL that leaves the bundle,
 * times in local time and UTC across the clock change, README wrapped at
 * 78 columns, what each file holds (its sound and what became of it,
 * streams kept and left out, the camera's in-stream signature), and
 * thumbnails of the sample footage.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhibit/manifest.h"
#include "exhibit/report.h"

/* 2024-10-27T00:59:58Z: 01:59:58 BST, two seconds before the clocks go
 * back; 01:00:02Z is 01:00:02 GMT. */
#define T0 INT64_C(1729990798000000)
#define SEC INT64_C(1000000)
#define KEY "RWT/fgP8zFp021O0/NOmvTZYfST+CqQDU/8ZQI5EXV+HFmA+/Pfbi40x"

/* ---- a model like the export's ------------------------------------------ */

static char *
xs(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

static void
add_file(ex_manifest_camera *c, ex_manifest_role role, const char *path,
    ex_instant start, ex_instant end, const char *sha_digit)
{
	ex_manifest_file *f;
	char sig[512];

	assert_int_equal(ex_manifest_add_file(c, &f, NULL), EX_OK);
	f->role = role;
	f->path = xs(path);
	snprintf(sig, sizeof(sig), "%s.minisig", path);
	f->signature_path = xs(sig);
	f->size = 178313;
	memset(f->sha256, sha_digit[0], 64);
	f->sha256[64] = '\0';
	f->start = start;
	f->end = end;
	f->codec = xs("h264");
	f->width = 640;
	f->height = 360;
	f->frames = (end - start) / 40000;
	if (role == EX_ROLE_MASTER)
		f->source_path = xs("cam1/20241027T010000Z.mp4");
}

/* Two cameras; cam1 has a gap and damage.  `hostile` puts markup, quotes,
 * control characters and invalid UTF-8 in every free-text field. */
static ex_manifest *
model(int hostile)
{
	ex_manifest *m = NULL;
	ex_manifest_camera *c;

	assert_int_equal(ex_manifest_new(&m, NULL), EX_OK);
	m->bundle.case_ref = xs(hostile ? "C-1<script>alert(1)</script>" :
	    "C-1");
	m->bundle.exhibit_ref = xs("ABC/1");
	m->bundle.operator_name = xs(hostile ? "\"Jo\" & 'Co'\x01\xff" :
	    "Jo Bloggs");
	m->bundle.organisation = xs("Town Council");
	m->bundle.reason = xs(hostile ? "</td></table><img src=x>" :
	    "Assault outside the bank");
	m->bundle.export_time = T0 + 3600 * SEC;
	m->bundle.tool_name = xs("exhibit");
	m->bundle.tool_version = xs("0.1.0");
	m->bundle.signer_key_id = xs("DB745ACCFC037EFF");
	m->bundle.signer_public_key = xs(KEY);
	m->recorder.layout = xs("indexed");
	m->recorder.make = xs("Acme Security");
	m->recorder.model = xs("NVR-8");
	m->recorder.zone = xs("Europe/London");
	m->recorder.clock_offset_usec = 2500000;
	m->recorder.clock_offset_by = xs("Jo Bloggs");
	m->recorder.archive_path = xs("/srv/archive");
	assert_int_equal(ex_manifest_add_string(&m->request.cameras,
	    &m->request.ncameras, "cam1", NULL), EX_OK);
	assert_int_equal(ex_manifest_add_string(&m->request.cameras,
	    &m->request.ncameras, "cam2", NULL), EX_OK);
	m->request.from = T0;
	m->request.to = T0 + 4 * SEC;
	m->request.zone = xs("Europe/London");
	m->request.segment_seconds = 2;
	m->request.preset = xs("ultrafast");
	m->request.crf = 18;
	m->request.container = xs("zip");

	assert_int_equal(ex_manifest_add_camera(m, &c, NULL), EX_OK);
	c->id = xs("cam1");
	c->name = xs(hostile ? "<img src=x onerror=alert(1)>" :
	    "High Street North");
	c->location = xs("High St / Market Sq");
	c->requested.from = T0;
	c->requested.to = T0 + 4 * SEC;
	c->gaps = calloc(1, sizeof(*c->gaps));
	assert_non_null(c->gaps);
	c->gaps[0].from = T0;
	c->gaps[0].to = T0 + 2 * SEC;
	c->ngaps = 1;
	c->damage = calloc(1, sizeof(*c->damage));
	assert_non_null(c->damage);
	c->damage[0].relpath = xs("cam1/20241027T010000Z.mp4");
	c->damage[0].state = xs("damaged");
	c->damage[0].message = xs(hostile ? "moov <b>broken</b> & \"gone\"" :
	    "moov atom not found");
	c->damage[0].time = EX_INSTANT_NONE;
	c->ndamage = 1;
	add_file(c, EX_ROLE_MASTER, "data/cam1/master/cam1_x.mp4",
	    T0 + 2 * SEC, T0 + 12 * SEC, "a");
	add_file(c, EX_ROLE_NATIVE, "data/cam1/native/cam1-native-001.mp4",
	    T0 + 2 * SEC, T0 + 4 * SEC, "b");
	add_file(c, EX_ROLE_WORKING, hostile ?
	    "data/cam 1/working/a\"b<c>.mp4" :
	    "data/cam1/working/cam1-working-001.mp4", T0 + 2 * SEC,
	    T0 + 4 * SEC, "c");

	assert_int_equal(ex_manifest_add_camera(m, &c, NULL), EX_OK);
	c->id = xs("cam2");
	c->requested.from = T0;
	c->requested.to = T0 + 4 * SEC;
	add_file(c, EX_ROLE_WORKING, "data/cam2/working/cam2-working-001.mp4",
	    T0, T0 + 2 * SEC, "d");
	add_file(c, EX_ROLE_WORKING, "data/cam2/working/cam2-working-002.mp4",
	    T0 + 2 * SEC, T0 + 4 * SEC, "e");
	add_file(c, EX_ROLE_STILL, "data/cam2/still/cam2-still-1.png",
	    T0 + SEC, T0 + SEC, "f");
	return m;
}

/* A tiny but real PNG header (IHDR 8x4) followed by junk: the page only
 * embeds the bytes and reads the size. */
static unsigned char *
fake_png(size_t *len)
{
	static const unsigned char head[] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 8,
	    0, 0, 0, 4, 8, 2, 0, 0, 0, 0xff, 0xfe, 0xfd };
	unsigned char *p = malloc(sizeof(head));

	assert_non_null(p);
	memcpy(p, head, sizeof(head));
	*len = sizeof(head);
	return p;
}

/* Extras: event 1 and thumbnails for all working copies but the last. */
static void
extras(ex_report_extras *x, const ex_manifest *m, int hostile)
{
	size_t c, f, len;
	unsigned char *png;

	memset(x, 0, sizeof(*x));
	assert_int_equal(ex_report_extras_add_event(x, 1, T0 + 3600 * SEC,
	    hostile ? "<b>Jo</b>" : "Jo Bloggs", "exported",
	    hostile ? "note & <i>" : NULL, "DB745ACCFC037EFF", NULL), EX_OK);
	for (c = 0; c < m->ncameras; c++) {
		for (f = 0; f < m->cameras[c].nfiles; f++) {
			const ex_manifest_file *mf = &m->cameras[c].files[f];

			if (mf->role != EX_ROLE_WORKING ||
			    strstr(mf->path, "-002.mp4") != NULL)
				continue;
			png = fake_png(&len);
			assert_int_equal(ex_report_extras_add_thumb(x,
			    mf->path, png, len, NULL), EX_OK);
		}
	}
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (hay = strstr(hay, needle); hay != NULL;
	    hay = strstr(hay + 1, needle))
		n++;
	return n;
}

static char *
page(const ex_manifest *m, const ex_report_extras *x)
{
	char *html = NULL;
	size_t len = 0;
	ex_error err;

	assert_int_equal(ex_report_html(m, x, &html, &len, &err), EX_OK);
	assert_non_null(html);
	assert_int_equal(strlen(html), len);
	return html;
}

static char *
readme(const ex_manifest *m, const ex_report_extras *x)
{
	char *txt = NULL;
	size_t len = 0;
	ex_error err;

	assert_int_equal(ex_report_readme(m, x, &txt, &len, &err), EX_OK);
	assert_non_null(txt);
	assert_int_equal(strlen(txt), len);
	return txt;
}

/* ---- index.html ---------------------------------------------------------- */

static void
test_html_escapes_hostile_strings(void **state)
{
	ex_manifest *m = model(1);
	ex_report_extras x;
	char *html;

	(void)state;
	extras(&x, m, 1);
	html = page(m, &x);
	/* Nothing from the model becomes markup: the only scripts are the
	 * page's own (the file list, which is data, and the file check), and
	 * the list escapes what could end it. */
	assert_int_equal(count(html, "<script"), 2);
	assert_int_equal(count(html, "</script"), 2);
	assert_non_null(strstr(html,
	    "<script type=\"application/json\" id=\"exhibit-files\">"));
	assert_non_null(strstr(html, "\"path\":\"cam 1/working/"
	    "a\\u0022b\\u003cc\\u003e.mp4\""));
	assert_null(strstr(html, "<img src=x"));
	assert_null(strstr(html, "</td></table><img"));
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, "<i>"));
	assert_non_null(strstr(html, "C-1&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "&quot;Jo&quot; &amp; &#39;Co&#39;"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(html, "moov &lt;b&gt;broken&lt;/b&gt; &amp; "
	    "&quot;gone&quot;"));
	assert_non_null(strstr(html, "&lt;b&gt;Jo&lt;/b&gt;"));
	assert_non_null(strstr(html, "note &amp; &lt;i&gt;"));
	/* Control characters dropped, invalid UTF-8 replaced. */
	assert_null(strchr(html, '\x01'));
	assert_null(strstr(html, "\xff"));
	assert_non_null(strstr(html, "&#39;Co&#39;\xEF\xBF\xBD"));
	/* A path with a space, quote and markup: percent-encoded in src. */
	assert_non_null(strstr(html,
	    "src=\"cam%201/working/a%22b%3Cc%3E.mp4\""));
	/* The only <img> and <video> tags are the page's own. */
	assert_int_equal(count(html, "<img "), 3);    /* 2 thumbs, 1 still */
	assert_int_equal(count(html, "<video "), 3);
	free(html);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);
}

static void
test_html_deterministic(void **state)
{
	ex_manifest *m = model(0);
	ex_report_extras x;
	char *a, *b, *c, *d;

	(void)state;
	extras(&x, m, 0);
	a = page(m, &x);
	b = page(m, &x);
	assert_string_equal(a, b);
	c = readme(m, &x);
	d = readme(m, &x);
	assert_string_equal(c, d);
	free(a);
	free(b);
	free(c);
	free(d);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);
}

static void
test_html_video_and_thumbnail_per_working_copy(void **state)
{
	ex_manifest *m = model(0);
	ex_report_extras x;
	char *html;
	const char *v1 = "<video controls preload=\"metadata\" width=\"640\" "
	    "height=\"360\" src=\"cam1/working/cam1-working-001.mp4\">";

	(void)state;
	extras(&x, m, 0);
	html = page(m, &x);
	/* Three working copies, three players, each its own file. */
	assert_int_equal(count(html, "<video "), 3);
	assert_non_null(strstr(html, v1));
	assert_non_null(strstr(html,
	    "src=\"cam2/working/cam2-working-001.mp4\">"));
	assert_non_null(strstr(html,
	    "src=\"cam2/working/cam2-working-002.mp4\">"));
	/* Thumbnails for the two that have one, at their own size, as
	 * data: URIs of the PNG given; the third says it has none. */
	assert_int_equal(count(html, "<img class=\"thumb\" width=\"8\" "
	    "height=\"4\" alt=\"First frame of "), 2);
	assert_int_equal(count(html, "src=\"data:image/png;base64,iVBORw0KGgo"
	    "AAAANSUhEUgAAAAgAAAAECAIAAAD//v0=\">"), 2);
	assert_int_equal(count(html, "No preview picture"), 1);
	/* Masters and native cuts are listed (not played), with links. */
	assert_non_null(strstr(html, "href=\"cam1/master/cam1_x.mp4\""));
	assert_non_null(strstr(html,
	    "href=\"cam1/native/cam1-native-001.mp4\""));
	assert_int_equal(count(html, "<td class=\"hash\">"), 6);
	/* A still is shown as itself, not played and not in the table. */
	assert_non_null(strstr(html, "<img class=\"thumb\" alt=\"Still "
	    "cam2-still-1.png\" src=\"cam2/still/cam2-still-1.png\">"));
	assert_null(strstr(html, "<video controls preload=\"metadata\" "
	    "width=\"640\" height=\"360\" src=\"cam2/still"));
	assert_non_null(strstr(html, "178 kB (178,313 bytes)"));
	/* Gap, damage, custody event. */
	assert_non_null(strstr(html, "<strong>No recording</strong> "
	    "2024-10-27 01:59:58.000 BST to 2024-10-27 01:00:00.000 GMT"));
	assert_non_null(strstr(html, "moov atom not found"));
	assert_non_null(strstr(html, "<td>Jo Bloggs</td><td>exported"));
	free(html);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);
}

/* Every src= and href= value, in order, into a caller's callback. */
static void
each_url(const char *html, void (*fn)(const char *v, size_t n))
{
	static const char *const attrs[] = { " src=\"", " href=\"" };
	size_t a;

	for (a = 0; a < 2; a++) {
		const char *p = html;

		while ((p = strstr(p, attrs[a])) != NULL) {
			const char *v = p + strlen(attrs[a]);
			const char *e = strchr(v, '"');

			assert_non_null(e);
			fn(v, (size_t)(e - v));
			p = e;
		}
	}
}

static void
check_url(const char *v, size_t n)
{
	/* data: (thumbnails, the icon) or a path relative to data/. */
	if (strncmp(v, "data:", 5) == 0)
		return;
	assert_true(n > 0);
	assert_true(v[0] != '/');
	assert_null(memchr(v, ':', n));
	assert_true(strncmp(v, "cam", 3) == 0);
	assert_null(memmem(v, n, "//", 2));
}

static void
test_html_no_outside_url(void **state)
{
	ex_manifest *m = model(0);
	ex_report_extras x;
	char *html, *p, *q;

	(void)state;
	extras(&x, m, 0);
	html = page(m, &x);
	each_url(html, check_url);
	assert_non_null(strstr(html, "<link rel=\"icon\" href=\"data:,\">"));
	/* One script, pinned by its hash in the policy. */
	assert_non_null(strstr(html, "Content-Security-Policy\" content=\""
	    "default-src 'none'; img-src data: 'self'; media-src 'self'; "
	    "style-src 'unsafe-inline'; script-src 'sha256-"));
	assert_non_null(strstr(html, "'; base-uri 'none'; form-action "
	    "'none'\""));
	assert_int_equal(count(html, "<script>"), 1);
	/* No font, no stylesheet or other file fetched. */
	assert_null(strstr(html, "@font-face"));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "<link rel=\"stylesheet"));
	assert_null(strstr(html, "<iframe"));
	/* With the base64 of data: URIs cut out, no scheme and no "//". */
	for (p = strstr(html, "base64,"); p != NULL;
	    p = strstr(p, "base64,")) {
		for (q = p + 7; *q != '"'; q++)
			*q = 'A';
		p = q;
	}
	assert_null(strstr(html, "http:"));
	assert_null(strstr(html, "https:"));
	assert_null(strstr(html, "ftp:"));
	assert_null(strstr(html, "//"));
	free(html);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);
}

static void
test_html_times_and_howto(void **state)
{
	ex_manifest *m = model(0);
	ex_report_extras x;
	char *html;

	(void)state;
	extras(&x, m, 0);
	html = page(m, &x);
	/* Local with zone abbreviation, and UTC, across the change. */
	assert_non_null(strstr(html, "2024-10-27 01:59:58.000 BST to "
	    "2024-10-27 01:00:02.000 GMT<br><span class=\"utc\">UTC "
	    "2024-10-27T00:59:58.000Z to 2024-10-27T01:00:02.000Z</span>"));
	/* The facts a solicitor needs, and what the offset means. */
	assert_non_null(strstr(html, "<title>CCTV evidence: exhibit ABC/1, "
	    "case C-1</title>"));
	assert_non_null(strstr(html, "<th>Organisation</th><td>Town Council"));
	assert_non_null(strstr(html, "+2.500 s applied: the recorder&#39;s "
	    "clock was 2.500 s ahead of true time"));
	assert_non_null(strstr(html, "recorder&#39;s reading minus 2.500 s"));
	assert_non_null(strstr(html, "Acme Security NVR-8"));
	/* The ways to check, with the control room's key from outside the
	 * bundle: never the key printed inside it. */
	assert_non_null(strstr(html,
	    "<pre><code>exhibit verify BUNDLE -p control-room.pub</code></pre>"));
	assert_non_null(strstr(html, "<pre><code>exhibit verify BUNDLE "
	    "--strict -p control-room.pub -p OFFICER.pub</code></pre>"));
	assert_non_null(strstr(html, "<pre><code>minisign -Vm manifest.xml "
	    "-p control-room.pub\nminisign -Vm "
	    "data/cam1/working/cam1-working-001.mp4 -p control-room.pub"
	    "</code></pre>"));
	assert_null(strstr(html, KEY));
	assert_non_null(strstr(html, "<pre><code>sha256sum -c "
	    "manifest-sha256.txt\nsha256sum -c tagmanifest-sha256.txt"
	    "</code></pre>"));
	assert_non_null(strstr(html, "gives one folder, ABC_1: the bag root, "
	    "which holds manifest-sha256.txt"));
	assert_non_null(strstr(html, "(key ID DB745ACCFC037EFF)"));
	/* The clock change, and the words explained. */
	assert_non_null(strstr(html, "<th>Clock change</th><td>The clocks "
	    "went back an hour during the requested time: at 02:00 BST "
	    "(01:00 UTC) local time became 01:00 GMT."));
	assert_non_null(strstr(html, "<span class=\"dst\">Lasts 4 seconds: "
	    "the clocks went back an hour during it (02:00 BST became 01:00 "
	    "GMT).</span>"));
	assert_non_null(strstr(html, "<h2 id=\"words\">Words used here</h2>"));
	assert_non_null(strstr(html, "<tr><th>CRF 18</th><td>"));
	/* Print-friendly: the players give way to the thumbnails. */
	assert_non_null(strstr(html, "@media print{"));
	assert_non_null(strstr(html, "video{display:none}"));
	free(html);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);
}

/* ---- README.txt ---------------------------------------------------------- */

static void
assert_wrapped(const char *txt)
{
	const char *line = txt;

	assert_null(strchr(txt, '\r'));
	assert_true(strlen(txt) > 0 && txt[strlen(txt) - 1] == '\n');
	while (*line != '\0') {
		const char *nl = strchr(line, '\n'), *p;
		size_t chars = 0;

		assert_non_null(nl);
		for (p = line; p < nl; p++)
			if (((unsigned char)*p & 0xC0) != 0x80)
				chars++;
		if (chars > 78)
			fail_msg("line of %zu characters: %.*s", chars,
			    (int)(nl - line), line);
		if (nl > line && nl[-1] == ' ')
			fail_msg("trailing space: %.*s", (int)(nl - line),
			    line);
		line = nl + 1;
	}
}

static void
test_readme_wraps(void **state)
{
	ex_manifest *m = model(0);
	ex_report_extras x;
	char *txt, sha[80];

	(void)state;
	/* Long words and non-ASCII text. */
	free(m->bundle.reason);
	m->bundle.reason = xs("Zoë Ångström’s report: "
	    "a-very-long-word-without-any-space-that-cannot-fit-on-one-line-"
	    "of-seventy-eight-characters-at-all-so-it-must-be-split and more "
	    "ordinary words after it to wrap across several lines of text.");
	extras(&x, m, 0);
	txt = readme(m, &x);
	assert_wrapped(txt);
	/* Content: the same facts as the page. */
	assert_non_null(strstr(txt, "CCTV evidence: exhibit ABC/1, case C-1\n"
	    "======================================\n"));
	assert_non_null(strstr(txt, "\nReason:             Zoë Ångström’s "
	    "report:\n"));
	assert_non_null(strstr(txt, "\nRequested:          2024-10-27 "
	    "01:59:58.000 BST to 2024-10-27 01:00:02.000 GMT\n"
	    "                    UTC 2024-10-27T00:59:58.000Z to "
	    "2024-10-27T01:00:02.000Z\n"));
	assert_non_null(strstr(txt, "\n  cam1/working/cam1-working-001.mp4\n"
	    "    (working copy, plays in any video player)\n"
	    "    From:    2024-10-27 01:00:00.000 GMT "
	    "(UTC 2024-10-27T01:00:00.000Z)\n"));
	assert_non_null(strstr(txt, "  NO RECORDING:    2024-10-27 "
	    "01:59:58.000 BST to 2024-10-27 01:00:00.000 GMT\n"));
	/* A SHA-256 stays on one line, whole. */
	memset(sha, 'c', 64);
	sha[64] = '\0';
	assert_non_null(strstr(txt, sha));
	/* Commands start "  $ " and paste as one. */
	assert_non_null(strstr(txt, "\n  $ exhibit verify BUNDLE -p "
	    "control-room.pub\n"));
	assert_non_null(strstr(txt, "\n  $ sha256sum -c manifest-sha256.txt\n"
	    "  $ sha256sum -c tagmanifest-sha256.txt\n"));
	assert_null(strstr(txt, KEY));
	assert_non_null(strstr(txt, "\n                   Lasts 4 seconds: "
	    "the clocks went back an hour during it\n"));
	assert_non_null(strstr(txt, "\nClock change:       The clocks went "
	    "back an hour during the requested time: at\n"));
	assert_non_null(strstr(txt, "\nWORDS USED HERE\n"));
	assert_non_null(strstr(txt, "\n  Event 1:         2024-10-27 "
	    "01:59:58.000 GMT (UTC 2024-10-27T01:59:58.000Z)\n"));
	/* Not HTML. */
	assert_null(strstr(txt, "&amp;"));
	assert_null(strstr(txt, "<br>"));
	free(txt);

	/* Hostile text: control characters and invalid UTF-8 cleaned, lines
	 * still no longer than 78. */
	ex_manifest_free(&m);
	ex_report_extras_clear(&x);
	m = model(1);
	extras(&x, m, 1);
	txt = readme(m, &x);
	assert_wrapped(txt);
	assert_null(strchr(txt, '\x01'));
	assert_null(strstr(txt, "\xff"));
	assert_non_null(strstr(txt, "\"Jo\" & 'Co'\xEF\xBF\xBD\n"));
	free(txt);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);
}

/* ---- what each file holds ------------------------------------------------ */

static void
add_stream(ex_manifest_file *f, int index, int source_index,
    const char *type, const char *codec, ex_manifest_fate fate,
    const char *reason, const char *signatures)
{
	ex_manifest_stream *s;

	assert_int_equal(ex_manifest_add_stream(f, &s, NULL), EX_OK);
	s->index = index;
	s->source_index = source_index;
	s->type = xs(type);
	s->codec = codec != NULL ? xs(codec) : NULL;
	s->fate = fate;
	s->reason = reason != NULL ? xs(reason) : NULL;
	s->signatures = signatures != NULL ? xs(signatures) : NULL;
}

static void
derived(ex_manifest_file *f)
{
	assert_int_equal(ex_manifest_add_string(&f->derived_from,
	    &f->nderived_from, "cam1/20241027T010000Z.mp4", NULL), EX_OK);
}

/* cam1 as a signed camera with G.711 sound (master, native copy without
 * the sound, working copy with it as AAC), cam2 without sound. */
static ex_manifest *
model_streams(int hostile)
{
	ex_manifest *m = model(hostile);
	ex_manifest_camera *c = &m->cameras[0];
	ex_manifest_file *ma = &c->files[0], *na = &c->files[1],
	    *wo = &c->files[2];
	size_t i;

	add_stream(ma, 0, -1, "video", "h264", EX_FATE_RECORDED, NULL,
	    "axis-signed-video onvif-media-signing");
	add_stream(ma, 1, -1, "audio", "pcm_alaw", EX_FATE_RECORDED, NULL,
	    NULL);
	add_stream(ma, 2, -1, "data", "tmcd", EX_FATE_RECORDED, NULL, NULL);
	derived(na);
	add_stream(na, 0, 0, "video", "h264", EX_FATE_KEPT, NULL,
	    "axis-signed-video onvif-media-signing");
	add_stream(na, 1, 2, "data", "tmcd", EX_FATE_KEPT, "carried as the "
	    "MP4 timecode track", NULL);
	add_stream(na, -1, 1, "audio", "pcm_alaw", EX_FATE_LEFT_OUT, hostile ?
	    "<b>MP4</b> & \"G.711\"" : "G.711 audio cannot be stored in MP4 "
	    "without converting it; the working copy has this sound as AAC",
	    NULL);
	derived(wo);
	add_stream(wo, 0, 0, "video", "h264", EX_FATE_REENCODED,
	    "re-encoded as H.264 with the time burned in", NULL);
	add_stream(wo, 1, -1, "subtitle", "mov_text", EX_FATE_ADDED,
	    "the burned-in text of each frame", NULL);
	add_stream(wo, 2, 1, "audio", "aac", EX_FATE_REENCODED,
	    "re-encoded as AAC, cut to the copy's frames", NULL);
	add_stream(wo, -1, 2, "data", "tmcd", EX_FATE_LEFT_OUT, "a working "
	    "copy carries the picture and its sound only", NULL);
	c = &m->cameras[1];
	for (i = 0; i < c->nfiles; i++) {
		if (c->files[i].role != EX_ROLE_WORKING)
			continue;
		add_stream(&c->files[i], 0, 0, "video", "h264",
		    EX_FATE_REENCODED, NULL, NULL);
		add_stream(&c->files[i], 1, -1, "subtitle", "mov_text",
		    EX_FATE_ADDED, NULL, NULL);
	}
	return m;
}

static void
test_streams_sound_and_signatures(void **state)
{
	ex_manifest *m = model(0);
	ex_report_extras x;
	char *html, *txt;
	const char *p;

	(void)state;
	/* Without stream records (an older model): no such lines. */
	extras(&x, m, 0);
	html = page(m, &x);
	assert_null(strstr(html, "<th>Sound</th>"));
	assert_null(strstr(html, "Camera&#39;s signature"));
	assert_null(strstr(html, "<th>G.711</th>"));
	free(html);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);

	m = model_streams(0);
	extras(&x, m, 0);
	html = page(m, &x);
	/* The working clip: its sound and what became of it, the camera's
	 * signature; the <video> is not muted. */
	assert_non_null(p = strstr(html, "<tr class=\"streams\"><th>Sound"
	    "</th><td>yes \xe2\x80\x94 the camera&#39;s sound (G.711 A-law), "
	    "re-encoded as AAC</td></tr>\n"
	    "<tr class=\"streams\"><th>Camera&#39;s signature</th><td>The "
	    "camera signed its video (Axis Signed Video and ONVIF Media "
	    "Signing). The native copy keeps those signatures byte for byte, "
	    "and they can be checked with the camera maker&#39;s tools; the "
	    "working copy (re-encoded) does not carry them.</td></tr>\n"));
	for (p = strstr(html, "<video"); p != NULL; p = strstr(p + 1,
	    "<video")) {
		const char *end = strchr(p, '>');
		const char *mu = strstr(p, "muted");

		assert_non_null(end);
		assert_true(mu == NULL || mu > end);
	}
	/* cam2's clips: none. */
	assert_non_null(p = strstr(html, "<tr class=\"streams\"><th>Sound"
	    "</th><td>none recorded</td></tr>\n"));
	assert_non_null(strstr(p + 1, "<th>Sound</th><td>none recorded"));
	/* The master and the native copy: kept, left out and why. */
	assert_non_null(strstr(html, "<span class=\"line streams\">Sound: yes "
	    "\xe2\x80\x94 the camera&#39;s sound (G.711 A-law), as recorded"
	    "</span><span class=\"line streams\">Kept: every stream, as the "
	    "camera recorded it: the camera&#39;s picture (H.264), the "
	    "camera&#39;s sound (G.711 A-law), the camera&#39;s timecode"
	    "</span><span class=\"line streams\">Camera&#39;s signature: The "
	    "camera signed its video (Axis Signed Video and ONVIF Media "
	    "Signing). This original file holds those signatures as "
	    "recorded, and they can be checked with the camera maker&#39;s "
	    "tools.</span>"));
	assert_non_null(strstr(html, "<span class=\"line streams\">Sound: not "
	    "in this copy (see Left out)</span><span class=\"line streams\">"
	    "Kept: as the camera recorded them, packet for packet: the "
	    "camera&#39;s picture (H.264), the camera&#39;s timecode</span>"
	    "<span class=\"line streams\">Left out: the camera&#39;s sound "
	    "(G.711 A-law) is not in this copy: G.711 audio cannot be stored "
	    "in MP4 without converting it; the working copy has this sound "
	    "as AAC</span><span class=\"line streams\">Camera&#39;s "
	    "signature: The camera signed its video"));
	/* The new words explained. */
	assert_non_null(strstr(html, "<tr><th>AAC</th><td>The usual sound "));
	assert_non_null(strstr(html, "<tr><th>G.711</th><td>The sound format "
	    "of telephones"));
	assert_non_null(strstr(html, "<tr><th>Camera&#39;s signature</th>"
	    "<td>Some cameras sign their video"));
	assert_non_null(strstr(html, "<tr><th>Stream</th><td>One track of "));
	free(html);

	/* README.txt: the same lines, wrapped. */
	txt = readme(m, &x);
	assert_wrapped(txt);
	assert_non_null(strstr(txt, "\n    Sound:   yes \xe2\x80\x94 the "
	    "camera's sound (G.711 A-law), re-encoded as AAC\n"
	    "    Camera's signature: The camera signed its video (Axis Signed "
	    "Video and\n"));
	assert_non_null(strstr(txt, "\n    Sound:   none recorded\n"));
	assert_non_null(strstr(txt, "\n    Sound:   not in this copy (see "
	    "Left out)\n    Kept:    as the camera recorded them, packet for "
	    "packet: the camera's\n             picture (H.264), the camera's "
	    "timecode\n    Left out: the camera's sound (G.711 A-law) is not "
	    "in this copy: G.711\n"));
	assert_non_null(strstr(txt, "\nG.711:                The sound "
	    "format of telephones"));
	free(txt);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);

	/* A reason with markup is escaped on the page. */
	m = model_streams(1);
	extras(&x, m, 1);
	html = page(m, &x);
	assert_non_null(strstr(html, "is not in this copy: &lt;b&gt;MP4&lt;/b"
	    "&gt; &amp; &quot;G.711&quot;</span>"));
	assert_null(strstr(html, "<b>MP4"));
	free(html);
	ex_report_extras_clear(&x);
	ex_manifest_free(&m);
}

/* ---- extras ---------------------------------------------------------------- */

static void
test_extras_ownership(void **state)
{
	ex_report_extras x;
	ex_error err;
	unsigned char *png;
	size_t len;

	(void)state;
	memset(&x, 0, sizeof(x));
	/* A thumbnail without a path is refused and its PNG freed (the
	 * leak checker of the sanitizer build would see it otherwise). */
	png = fake_png(&len);
	assert_int_equal(ex_report_extras_add_thumb(&x, NULL, png, len, &err),
	    EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "path and picture are required"));
	assert_int_equal(x.nthumbs, 0);
	png = fake_png(&len);
	assert_int_equal(ex_report_extras_add_thumb(&x, "data/a.mp4", png, len,
	    &err), EX_OK);
	assert_int_equal(x.nthumbs, 1);
	assert_string_equal(x.thumbs[0].path, "data/a.mp4");
	ex_report_extras_clear(&x);
	assert_int_equal(x.nthumbs, 0);
	assert_null(x.thumbs);
	ex_report_extras_clear(&x);
	ex_report_extras_clear(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escapes_hostile_strings),
		cmocka_unit_test(test_html_deterministic),
		cmocka_unit_test(test_html_video_and_thumbnail_per_working_copy),
		cmocka_unit_test(test_html_no_outside_url),
		cmocka_unit_test(test_html_times_and_howto),
		cmocka_unit_test(test_readme_wraps),
		cmocka_unit_test(test_streams_sound_and_signatures),
		cmocka_unit_test(test_extras_ownership),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_mask.c — the mask module: the mask file read back exactly
 * (parse.c), every error it names, the hardened reader's refusals, the
 * file read from disk, the checks against an export, and what a mask
 * covers at a moment (geometry.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhibit/mask.h"
#include "scratch.h"

#define HEAD "<masks xmlns=\"urn:exhibit:mask:1\">\n"
#define TAIL "</masks>\n"
#define SEC 1000000LL
/* 2024-10-27T00:59:40Z */
#define T40 (1729990780LL * SEC)

/* A document of HEAD, body and TAIL (static storage): body's first line
 * is line 2. */
static const char *
doc(const char *body)
{
	static char buf[1 << 16];

	snprintf(buf, sizeof(buf), HEAD "%s" TAIL, body);
	return buf;
}

static ex_mask_set *
parse_ok(const char *xml)
{
	ex_mask_set *set = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_mask_parse(xml, strlen(xml), "Europe/London", &set, &err) !=
	    EX_OK)
		fail_msg("%s", err.message);
	return set;
}

/* Parsing xml fails with code and exactly message. */
static void
parse_fails(const char *xml, size_t len, ex_status code, const char *message)
{
	ex_mask_set *set = (ex_mask_set *)1;
	ex_error err;

	ex_error_clear(&err);
	assert_int_equal(ex_mask_parse(xml, len, NULL, &set, &err), code);
	assert_null(set);
	assert_int_equal(err.code, code);
	assert_string_equal(err.message, message);
}

/* Parsing xml fails with EX_ERR_FORMAT and a message holding part. */
static void
format_fails(const char *xml, size_t len, const char *part)
{
	ex_mask_set *set = (ex_mask_set *)1;
	ex_error err;

	ex_error_clear(&err);
	assert_int_equal(ex_mask_parse(xml, len, NULL, &set, &err),
	    EX_ERR_FORMAT);
	assert_null(set);
	if (strstr(err.message, part) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err.message, part);
}

static const char every_form[] =
    HEAD
    "  <!-- a comment: people write these files -->\n"
    "  <mask camera=\"cam1\" style=\"fill\">\n"
    "    <key time=\"2024-10-27T00:59:40Z\" x=\"100\" y=\"50\" "
    "width=\"60\" height=\"120\"/>\n"
    "    <key time=\"2024-10-27T00:59:48Z\" x=\"301\" y=\"60\" "
    "width=\"60\" height=\"121\"/>\n"
    "  </mask>\n"
    "  <mask camera=\"cam2\" style=\"pixelate\" "
    "from=\"2024-10-27T00:59:40Z\" to=\"2024-10-27T00:59:50.5Z\">\n"
    "    <rect x=\"500\" y=\"240\" width=\"80\" height=\"80\"/>\n"
    "    <polygon points=\"10,10 90,12 50,80\"/>\n"
    "  </mask>\n"
    "  <mask camera=\"cam1\" style=\"fill\">\n"
    "    <rect x=\"0\" y=\"0\" width=\"1\" height=\"1\"/>\n"
    "  </mask>\n"
    TAIL;

static void
test_every_form(void **state)
{
	ex_mask_set *set = parse_ok(every_form);
	const ex_mask *m;
	const ex_mask_shape *s;
	size_t len;

	(void)state;
	assert_int_equal(set->nmasks, 3);
	assert_int_equal(set->len, strlen(every_form));
	assert_string_equal(set->text, every_form);

	m = &set->masks[0];
	assert_int_equal(m->number, 1);
	assert_int_equal(m->line, 3);
	assert_string_equal(m->camera, "cam1");
	assert_int_equal(m->style, EX_MASK_FILL);
	assert_int_equal(m->nkeys, 2);
	assert_int_equal(m->nshapes, 0);
	assert_null(m->shapes);
	assert_int_equal(m->keys[0].time, T40);
	assert_int_equal(m->keys[0].x, 100);
	assert_int_equal(m->keys[0].y, 50);
	assert_int_equal(m->keys[0].width, 60);
	assert_int_equal(m->keys[0].height, 120);
	assert_int_equal(m->keys[1].time, T40 + 8 * SEC);
	assert_int_equal(m->keys[1].x, 301);
	assert_int_equal(m->keys[1].height, 121);
	assert_int_equal(m->from, T40);
	assert_int_equal(m->to, T40 + 8 * SEC);

	m = &set->masks[1];
	assert_int_equal(m->number, 2);
	assert_int_equal(m->line, 7);
	assert_string_equal(m->camera, "cam2");
	assert_int_equal(m->style, EX_MASK_PIXELATE);
	assert_int_equal(m->from, T40);
	assert_int_equal(m->to, T40 + 10 * SEC + SEC / 2);
	assert_int_equal(m->nkeys, 0);
	assert_null(m->keys);
	assert_int_equal(m->nshapes, 2);
	s = &m->shapes[0];
	assert_int_equal(s->kind, EX_MASK_RECT);
	assert_int_equal(s->x, 500);
	assert_int_equal(s->y, 240);
	assert_int_equal(s->width, 80);
	assert_int_equal(s->height, 80);
	assert_null(s->points);
	s = &m->shapes[1];
	assert_int_equal(s->kind, EX_MASK_POLYGON);
	assert_int_equal(s->npoints, 3);
	assert_int_equal(s->points[0].x, 10);
	assert_int_equal(s->points[0].y, 10);
	assert_int_equal(s->points[1].x, 90);
	assert_int_equal(s->points[1].y, 12);
	assert_int_equal(s->points[2].x, 50);
	assert_int_equal(s->points[2].y, 80);
	/* The bounding box: [10, 90] x [10, 80]. */
	assert_int_equal(s->x, 10);
	assert_int_equal(s->y, 10);
	assert_int_equal(s->width, 81);
	assert_int_equal(s->height, 71);

	m = &set->masks[2];
	assert_int_equal(m->from, EX_INSTANT_NONE);
	assert_int_equal(m->to, EX_INSTANT_NONE);
	assert_int_equal(m->nshapes, 1);

	ex_mask_set_free(&set);
	assert_null(set);
	ex_mask_set_free(&set);
	ex_mask_set_free(NULL);

	assert_string_equal(ex_mask_style_name(EX_MASK_FILL), "fill");
	assert_string_equal(ex_mask_style_name(EX_MASK_PIXELATE), "pixelate");
	assert_string_equal(ex_mask_style_name((ex_mask_style)0), "");
	assert_non_null(strstr(ex_mask_xsd(&len), "urn:exhibit:mask:1"));
	assert_int_equal(len, strlen(ex_mask_xsd(NULL)));
}

/* A local time is read in the zone: 12:00 BST is 11:00Z. */
static void
test_local_time(void **state)
{
	ex_mask_set *set;

	(void)state;
	set = parse_ok(doc("<mask camera=\"c\" style=\"fill\" "
	    "from=\"2024-07-01T12:00:00\" to=\"2024-07-01 12:00:01\">"
	    "<rect x=\"0\" y=\"0\" width=\"2\" height=\"2\"/></mask>\n"));
	assert_int_equal(set->masks[0].from, 1719831600LL * SEC);
	assert_int_equal(set->masks[0].to, 1719831601LL * SEC);
	ex_mask_set_free(&set);
}

static void
expect_box(const ex_mask *m, ex_instant t, int x, int y, int w, int h)
{
	ex_mask_shape box;

	memset(&box, 0xa5, sizeof(box));
	assert_int_equal(ex_mask_at(m, t, &box), 1);
	assert_int_equal(box.kind, EX_MASK_RECT);
	assert_int_equal(box.x, x);
	assert_int_equal(box.y, y);
	assert_int_equal(box.width, w);
	assert_int_equal(box.height, h);
	assert_null(box.points);
	assert_int_equal(box.npoints, 0);
}

static void
test_at(void **state)
{
	ex_mask_set *set = parse_ok(every_form);
	const ex_mask *k = &set->masks[0], *s = &set->masks[1];
	ex_mask_shape box;

	(void)state;
	/* At the keys: their boxes. */
	expect_box(k, T40, 100, 50, 60, 120);
	expect_box(k, T40 + 8 * SEC, 301, 60, 60, 121);
	/* Between: x 100 -> 301 over 8 s, at 1 s 125.125 (floor 125),
	 * the right edge 160 -> 361, 185.125 (ceil 186); y 50 -> 60:
	 * 51.25 (51), bottom 170 -> 181: 171.375 (172). */
	expect_box(k, T40 + SEC, 125, 51, 61, 121);
	/* Halfway: 200.5 -> 200, 260.5 -> 261; 55, 175.5 -> 176. */
	expect_box(k, T40 + 4 * SEC, 200, 55, 61, 121);
	/* Before the first key and after the last: not active, box
	 * untouched. */
	memset(&box, 0, sizeof(box));
	assert_int_equal(ex_mask_at(k, T40 - 1, &box), 0);
	assert_int_equal(ex_mask_at(k, T40 + 8 * SEC + 1, &box), 0);
	assert_int_equal(box.width, 0);

	/* Still shapes in [from, to): box untouched. */
	box.width = 7;
	assert_int_equal(ex_mask_at(s, T40 - 1, &box), 0);
	assert_int_equal(ex_mask_at(s, T40, &box), 1);
	assert_int_equal(ex_mask_at(s, T40 + 10 * SEC + SEC / 2 - 1, &box),
	    1);
	assert_int_equal(ex_mask_at(s, T40 + 10 * SEC + SEC / 2, &box), 0);
	assert_int_equal(box.width, 7);
	/* Without from/to: the whole export. */
	assert_int_equal(ex_mask_at(&set->masks[2], 0, &box), 1);
	assert_int_equal(ex_mask_at(&set->masks[2], T40 * 2, &box), 1);
	assert_int_equal(box.width, 7);
	ex_mask_set_free(&set);
}

#define KEY(t, x) "<key time=\"" t "\" x=\"" x "\" y=\"0\" width=\"8\" " \
    "height=\"8\"/>\n"
#define RECT "<rect x=\"0\" y=\"0\" width=\"8\" height=\"8\"/>\n"

static void
usage(const char *body, const char *message)
{
	const char *xml = doc(body);

	parse_fails(xml, strlen(xml), EX_ERR_USAGE, message);
}

static void
test_usage_errors(void **state)
{
	(void)state;
	usage("<mask camera=\"c\" style=\"fill\">\n" RECT "</mask>\n"
	    "<mask camera=\"c\" style=\"fill\">\n"
	    KEY("2024-10-27T00:59:40Z", "1")
	    KEY("2024-10-27T00:59:48Z", "1")
	    KEY("2024-10-27T00:59:40Z", "1") "</mask>\n",
	    "mask 2 (line 8): keys out of order: 00:59:48 before 00:59:40");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    KEY("2024-10-27T23:59:40Z", "1")
	    KEY("2024-10-26T23:59:48.250Z", "1") "</mask>\n",
	    "mask 1 (line 4): keys out of order: 2024-10-27T23:59:40Z "
	    "before 2024-10-26T23:59:48.250Z");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    KEY("2024-10-27T00:59:40Z", "1")
	    KEY("2024-10-27T00:59:40Z", "1") "</mask>\n",
	    "mask 1 (line 4): two keys at 00:59:40");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    KEY("2024-10-27T00:59:40Z", "1") "</mask>\n",
	    "mask 1 (line 2): one key (a moving mask needs at least two)");
	usage("<mask camera=\"c\" style=\"fill\" from=\"2024-10-27T00:59:40Z\">\n"
	    KEY("2024-10-27T00:59:40Z", "1")
	    KEY("2024-10-27T00:59:41Z", "1") "</mask>\n",
	    "mask 1 (line 2): from and to are not allowed with keys (a "
	    "moving mask is active from its first key to its last)");
	usage("<mask camera=\"c\" style=\"fill\" to=\"2024-10-27T00:59:40Z\">\n"
	    KEY("2024-10-27T00:59:40Z", "1")
	    KEY("2024-10-27T00:59:41Z", "1") "</mask>\n",
	    "mask 1 (line 2): from and to are not allowed with keys (a "
	    "moving mask is active from its first key to its last)");
	usage("<mask camera=\"c\" style=\"fill\" from=\"2024-10-27T00:59:40Z\" "
	    "to=\"2024-10-27T00:59:40Z\">\n" RECT "</mask>\n",
	    "mask 1 (line 2): to 2024-10-27T00:59:40Z is not after from "
	    "2024-10-27T00:59:40Z");
	usage("<mask camera=\"c\" style=\"fill\" from=\"2024-10-27T00:59:41Z\" "
	    "to=\"2024-10-27T00:59:40Z\">\n" RECT "</mask>\n",
	    "mask 1 (line 2): to 2024-10-27T00:59:40Z is not after from "
	    "2024-10-27T00:59:41Z");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    "<polygon points=\"1,1 5,5\"/></mask>\n",
	    "mask 1 (line 3): polygon of 2 points (at least 3)");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    "<polygon points=\"1,1\"/></mask>\n",
	    "mask 1 (line 3): polygon of 1 point (at least 3)");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    KEY("yesterday", "1") KEY("2024-10-27T00:59:41Z", "1") "</mask>\n",
	    "mask 1 (line 3): time: 'yesterday' is not an ISO 8601 time "
	    "(expected e.g. 2024-10-27T00:59:30Z, 2024-10-27T01:59:30+01:00 "
	    "or a local 2024-10-27T01:59:30)");
	usage("<mask camera=\"c\" style=\"fill\" from=\"2024-10-27T01:30:00\">"
	    "\n" RECT "</mask>\n",
	    "mask 1 (line 2): from: 2024-10-27T01:30:00 is ambiguous in "
	    "Europe/London (the clocks went back and it happened twice): it "
	    "could mean 2024-10-27T01:30:00+01:00 (2024-10-27T00:30:00.000Z) "
	    "or 2024-10-27T01:30:00+00:00 (2024-10-27T01:30:00.000Z): give "
	    "the time with its UTC offset");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    "<rect x=\"2147483648\" y=\"0\" width=\"8\" height=\"8\"/>"
	    "</mask>\n",
	    "mask 1 (line 3): x 2147483648 is out of range (at most "
	    "2147483647)");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    "<rect x=\"2147483647\" y=\"0\" width=\"8\" height=\"8\"/>"
	    "</mask>\n",
	    "mask 1 (line 3): box 2147483647,0 8x8 reaches past 2147483647");
	usage("<mask camera=\"c\" style=\"fill\">\n"
	    "<polygon points=\"1,1 5,99999999999 9,1\"/></mask>\n",
	    "mask 1 (line 3): polygon point 2 is out of range (at most "
	    "2147483647)");
}

static void
test_format_errors(void **state)
{
	static const char laughs[] =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE masks [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    "]>\n" HEAD "<mask camera=\"&lol2;\" style=\"fill\">" RECT
	    "</mask>" TAIL;
	static const char utf16[] = "\xff\xfe<\0m\0a\0s\0k\0s\0>\0";
	char *big;
	const char *x;
	size_t n;

	(void)state;
	format_fails(laughs, strlen(laughs), "has a DOCTYPE");
	x = "<!DOCTYPE masks SYSTEM \"http://example.com/m.dtd\">\n"
	    HEAD "<mask camera=\"c\" style=\"fill\">" RECT "</mask>" TAIL;
	format_fails(x, strlen(x), "has a DOCTYPE");
	/* An entity without a DOCTYPE: refused before libxml2 sees it. */
	x = HEAD "<!ENTITY e SYSTEM \"file:///etc/passwd\">"
	    "<mask camera=\"c\" style=\"fill\">" RECT "</mask>" TAIL;
	format_fails(x, strlen(x), "declares an entity");
	x = HEAD "<mask camera=\"&e;\" style=\"fill\">" RECT "</mask>" TAIL;
	format_fails(x, strlen(x), "not well-formed XML");
	x = HEAD "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
	    "href=\"/etc/passwd\" parse=\"text\"/>"
	    "<mask camera=\"c\" style=\"fill\">" RECT "</mask>" TAIL;
	format_fails(x, strlen(x), "uses XInclude");
	x = "<masks xmlns=\"urn:exhibit:mask:2\"><mask camera=\"c\" "
	    "style=\"fill\">" RECT "</mask>" TAIL;
	format_fails(x, strlen(x), "No matching global declaration");
	x = "<mask xmlns=\"urn:exhibit:mask:1\" camera=\"c\" style=\"fill\">"
	    RECT "</mask>\n";
	format_fails(x, strlen(x), "No matching global declaration");
	x = doc("<mask camera=\"c\" style=\"fill\">"
	    "<rect x=\"1e3\" y=\"0\" width=\"8\" height=\"8\"/></mask>");
	format_fails(x, strlen(x), "'1e3' is not a valid value");
	x = doc("<mask camera=\"c\" style=\"fill\">"
	    "<rect x=\"-1\" y=\"0\" width=\"8\" height=\"8\"/></mask>");
	format_fails(x, strlen(x), "'-1'");
	x = doc("<mask camera=\"c\" style=\"fill\">"
	    "<rect x=\"1\" y=\"0\" width=\"0\" height=\"8\"/></mask>");
	format_fails(x, strlen(x), "'0'");
	x = doc("<mask camera=\"c\" style=\"blur\">" RECT "</mask>");
	format_fails(x, strlen(x), "'blur'");
	x = doc("<mask camera=\"c\" style=\"fill\"></mask>");
	format_fails(x, strlen(x), "Missing child element");
	x = doc("<mask camera=\"c\" style=\"fill\">"
	    KEY("2024-10-27T00:59:40Z", "1") RECT "</mask>");
	format_fails(x, strlen(x), "This element is not expected");
	x = doc("<mask camera=\"c\" style=\"fill\">"
	    "<polygon points=\"1,1,2 3,3 4,4\"/></mask>");
	format_fails(x, strlen(x), "[facet 'pattern']");
	x = HEAD "<mask camera=\"c\xc3\x28\" style=\"fill\">" RECT "</mask>"
	    TAIL;
	format_fails(x, strlen(x), "mask file: not valid UTF-8 (byte 51)");
	format_fails(utf16, sizeof(utf16) - 1, "contains a NUL byte");
	x = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" HEAD "<mask "
	    "camera=\"c\" style=\"fill\">" RECT "</mask>" TAIL;
	format_fails(x, strlen(x), "declares encoding 'UTF-16'");

	/* One byte over the limit, as a comment in an otherwise good file. */
	x = doc("<mask camera=\"c\" style=\"fill\">" RECT "</mask>");
	n = EX_MASK_MAX_BYTES + 1;
	big = malloc(n);
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, x, strlen(x));
	parse_fails(big, n, EX_ERR_FORMAT, "mask file: too large (1048577 "
	    "bytes; the limit is 1048576)");
	free(big);
	parse_fails("", 0, EX_ERR_FORMAT, "mask file: empty");
}

/* Over EX_MASK_MAX_MASKS masks: the schema refuses. */
static void
test_too_many(void **state)
{
	static const char one[] = "<mask camera=\"c\" style=\"fill\">" RECT
	    "</mask>";
	size_t n = sizeof(HEAD) + sizeof(TAIL) +
	    (EX_MASK_MAX_MASKS + 1) * (sizeof(one) - 1), i;
	char *xml = malloc(n), *p = xml;
	ex_mask_set *set = NULL;
	ex_error err;

	(void)state;
	assert_non_null(xml);
	p += sprintf(p, HEAD);
	for (i = 0; i < EX_MASK_MAX_MASKS; i++)
		p += sprintf(p, "%s", one);
	strcpy(p, TAIL);
	assert_int_equal(ex_mask_parse(xml, strlen(xml), NULL, &set, &err),
	    EX_OK);
	assert_int_equal(set->nmasks, EX_MASK_MAX_MASKS);
	ex_mask_set_free(&set);
	sprintf(p, "%s" TAIL, one);
	format_fails(xml, strlen(xml), "This element is not expected");
	free(xml);
}

static const ex_mask_camera cams[] = {
	{ "cam1", 640, 480 }, { "cam2", 0, 0 }
};

static void
check_fails(const char *body, ex_instant from, ex_instant to,
    const char *message)
{
	ex_mask_set *set = parse_ok(doc(body));
	ex_error err;

	ex_error_clear(&err);
	assert_int_equal(ex_mask_check(set, cams, 2, from, to, &err),
	    EX_ERR_USAGE);
	assert_string_equal(err.message, message);
	ex_mask_set_free(&set);
}

static void
test_check(void **state)
{
	ex_mask_set *set = parse_ok(doc(
	    "<mask camera=\"cam1\" style=\"fill\">\n"
	    "<rect x=\"560\" y=\"400\" width=\"80\" height=\"80\"/>\n"
	    "<polygon points=\"0,0 639,0 639,479\"/></mask>\n"
	    "<mask camera=\"cam1\" style=\"fill\">\n"
	    KEY("2024-10-27T00:59:30Z", "0") KEY("2024-10-27T00:59:50Z", "632")
	    "</mask>\n"
	    "<mask camera=\"cam2\" style=\"fill\" "
	    "from=\"2024-10-27T00:59:30Z\" to=\"2024-10-27T00:59:50Z\">"
	    "<rect x=\"99999\" y=\"99999\" width=\"80\" height=\"80\"/>"
	    "</mask>\n"));
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	/* Exactly fitting the picture and the range. */
	assert_int_equal(ex_mask_check(set, cams, 2, T40 - 10 * SEC,
	    T40 + 10 * SEC, &err), EX_OK);
	assert_int_equal(ex_mask_check(NULL, cams, 2, 0, 0, &err), EX_OK);
	ex_mask_set_free(&set);

	check_fails("<mask camera=\"cam9\" style=\"fill\">\n" RECT "</mask>\n",
	    T40, T40 + SEC,
	    "mask 1 (line 2): camera cam9 is not exported (cameras: cam1, "
	    "cam2)");
	check_fails("<mask camera=\"cam1\" style=\"fill\">" RECT "</mask>\n"
	    "<mask camera=\"cam1\" style=\"fill\">" RECT "</mask>\n"
	    "<mask camera=\"cam1\" style=\"fill\">\n" RECT
	    "<rect x=\"600\" y=\"240\" width=\"80\" height=\"80\"/></mask>\n",
	    T40, T40 + SEC,
	    "mask 3 (line 6): rect 600,240 80x80 leaves the 640x480 picture");
	check_fails("<mask camera=\"cam1\" style=\"fill\">"
	    "<rect x=\"0\" y=\"401\" width=\"80\" height=\"80\"/></mask>\n",
	    T40, T40 + SEC,
	    "mask 1 (line 2): rect 0,401 80x80 leaves the 640x480 picture");
	check_fails("<mask camera=\"cam1\" style=\"fill\">"
	    "<polygon points=\"10,10 640,10 50,80\"/></mask>\n",
	    T40, T40 + SEC,
	    "mask 1 (line 2): polygon (bounding box 10,10 631x71) leaves the "
	    "640x480 picture");
	check_fails("<mask camera=\"cam1\" style=\"fill\">"
	    KEY("2024-10-27T00:59:40Z", "0") KEY("2024-10-27T00:59:41Z", "633")
	    "</mask>\n", T40, T40 + SEC,
	    "mask 1 (line 2): key at 2024-10-27T00:59:41Z: box 633,0 8x8 "
	    "leaves the 640x480 picture");
	check_fails("<mask camera=\"cam1\" style=\"fill\" "
	    "from=\"2024-10-27T00:59:20Z\">" RECT "</mask>\n",
	    T40 - 10 * SEC, T40,
	    "mask 1 (line 2): from 2024-10-27T00:59:20Z is before the "
	    "range's start 2024-10-27T00:59:30Z");
	check_fails("<mask camera=\"cam1\" style=\"fill\" "
	    "to=\"2024-10-27T00:59:41Z\">" RECT "</mask>\n",
	    T40 - 10 * SEC, T40,
	    "mask 1 (line 2): to 2024-10-27T00:59:41Z is after the range's "
	    "end 2024-10-27T00:59:40Z");
	check_fails("<mask camera=\"cam1\" style=\"fill\">"
	    KEY("2024-10-27T00:59:29.5Z", "0") KEY("2024-10-27T00:59:35Z", "0")
	    "</mask>\n", T40 - 10 * SEC, T40,
	    "mask 1 (line 2): first key 2024-10-27T00:59:29.500Z is before "
	    "the range's start 2024-10-27T00:59:30Z");
	check_fails("<mask camera=\"cam1\" style=\"fill\">"
	    KEY("2024-10-27T00:59:35Z", "0") KEY("2024-10-27T00:59:41Z", "0")
	    "</mask>\n", T40 - 10 * SEC, T40,
	    "mask 1 (line 2): last key 2024-10-27T00:59:41Z is after the "
	    "range's end 2024-10-27T00:59:40Z");
}

static void
test_load(void **state)
{
	char dir[4096], path[4200];
	ex_mask_set *set = (ex_mask_set *)1;
	ex_error err;
	FILE *f;

	(void)state;
	assert_int_equal(scratch_make(dir, sizeof(dir), "test_mask"), 0);
	snprintf(path, sizeof(path), "%s/m.xml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(every_form, f);
	fclose(f);
	assert_int_equal(ex_mask_load(path, NULL, &set, &err), EX_OK);
	assert_int_equal(set->nmasks, 3);
	assert_int_equal(set->len, strlen(every_form));
	assert_string_equal(set->text, every_form);
	ex_mask_set_free(&set);

	/* A usage error names the path too. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(doc("<mask camera=\"c\" style=\"fill\">\n"
	    "<polygon points=\"1,1 5,5\"/></mask>\n"), f);
	fclose(f);
	set = (ex_mask_set *)1;
	assert_int_equal(ex_mask_load(path, NULL, &set, &err), EX_ERR_USAGE);
	assert_null(set);
	assert_non_null(strstr(err.message,
	    "/m.xml: mask 1 (line 3): polygon of 2 points (at least 3)"));
	assert_int_equal(strncmp(err.message, path, strlen(path)), 0);

	/* The reader's errors name it as well. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("<!DOCTYPE x>" HEAD TAIL, f);
	fclose(f);
	assert_int_equal(ex_mask_load(path, NULL, &set, &err), EX_ERR_FORMAT);
	assert_int_equal(strncmp(err.message, path, strlen(path)), 0);
	assert_non_null(strstr(err.message, ": has a DOCTYPE"));

	/* Over the limit: refused before reading. */
	assert_int_equal(truncate(path, (off_t)EX_MASK_MAX_BYTES + 1), 0);
	assert_int_equal(ex_mask_load(path, NULL, &set, &err), EX_ERR_FORMAT);
	assert_null(set);
	assert_non_null(strstr(err.message, "/m.xml: too large (1048577 "
	    "bytes; the limit is 1048576)"));

	/* Not a regular file; not there. */
	assert_int_equal(ex_mask_load(dir, NULL, &set, &err),
	    EX_ERR_UNSUPPORTED);
	assert_null(set);
	assert_non_null(strstr(err.message, ": not a regular file (a folder)"));
	snprintf(path, sizeof(path), "%s/none.xml", dir);
	assert_int_equal(ex_mask_load(path, NULL, &set, &err), EX_ERR_IO);
	assert_null(set);
	assert_non_null(strstr(err.message, "/none.xml: No such file"));
	scratch_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_form),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_at),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

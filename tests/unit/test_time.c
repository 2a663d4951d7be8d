/* test_time.c — the core module: ISO 8601, zones, daylight saving, clock
 * offsets; and the text it shows (exhibit/text.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhibit/text.h"
#include "exhibit/time.h"

#define LONDON "Europe/London"

static ex_instant
parse_ok(const char *text)
{
	ex_instant t = 0;
	ex_error err;

	ex_error_clear(&err);
	if (ex_time_parse(text, LONDON, &t, &err) != EX_OK)
		fail_msg("%s: %s", text, err.message);
	return t;
}

static void
expect_utc(const char *text, const char *utc)
{
	char buf[EX_TIME_BUFSZ];

	assert_string_equal(ex_time_format_utc(parse_ok(text), buf,
	    sizeof(buf)), utc);
}

static void
test_parse_utc_and_offsets(void **state)
{
	(void)state;
	expect_utc("2024-10-27T00:59:30Z", "2024-10-27T00:59:30.000Z");
	expect_utc("2024-10-27T01:59:30+01:00", "2024-10-27T00:59:30.000Z");
	expect_utc("2024-10-27T01:59:30.250+0100", "2024-10-27T00:59:30.250Z");
	expect_utc("2024-10-26T19:29:30-05:30", "2024-10-27T00:59:30.000Z");
	expect_utc("20241027T005930Z", "2024-10-27T00:59:30.000Z");
	expect_utc("2024-02-29 12:00:00Z", "2024-02-29T12:00:00.000Z");
	expect_utc("2024-10-27T00:59Z", "2024-10-27T00:59:00.000Z");
	assert_int_equal(parse_ok("1970-01-01T00:00:00.000001Z"), 1);
	assert_int_equal(parse_ok("1969-12-31T23:59:59.999Z"), -1000);
}

static void
test_parse_local_london(void **state)
{
	(void)state;
	/* Summer: BST, UTC+1. Winter: GMT. */
	expect_utc("2024-07-01T12:00:00", "2024-07-01T11:00:00.000Z");
	expect_utc("2024-12-01T12:00:00.5", "2024-12-01T12:00:00.500Z");
	/* Either side of the October 2024 change (02:00 BST -> 01:00 GMT). */
	expect_utc("2024-10-27T00:59:59", "2024-10-26T23:59:59.000Z");
	expect_utc("2024-10-27T02:00:00", "2024-10-27T02:00:00.000Z");
}

static void
expect_time_error(const char *text, const char *needle1, const char *needle2)
{
	ex_instant t = 0;
	ex_error err;

	ex_error_clear(&err);
	assert_int_equal(ex_time_parse(text, LONDON, &t, &err), EX_ERR_TIME);
	assert_int_equal(err.code, EX_ERR_TIME);
	if (strstr(err.message, needle1) == NULL)
		fail_msg("'%s' lacks '%s'", err.message, needle1);
	if (needle2 != NULL && strstr(err.message, needle2) == NULL)
		fail_msg("'%s' lacks '%s'", err.message, needle2);
}

static void
test_ambiguous_hour_refused(void **state)
{
	(void)state;
	/* 01:30 happened at 00:30Z (BST) and again at 01:30Z (GMT). */
	expect_time_error("2024-10-27T01:30:00", "ambiguous",
	    "2024-10-27T01:30:00+01:00 (2024-10-27T00:30:00.000Z)");
	expect_time_error("2024-10-27T01:30:00", "ambiguous",
	    "2024-10-27T01:30:00+00:00 (2024-10-27T01:30:00.000Z)");
}

static void
test_skipped_hour_refused(void **state)
{
	(void)state;
	/* 2024-03-31 01:00 GMT -> 02:00 BST: 01:30 never happened. */
	expect_time_error("2024-03-31T01:30:00", "does not exist",
	    "2024-03-31T01:30:00+00:00 (2024-03-31T01:30:00.000Z)");
	expect_time_error("2024-03-31T01:30:00", "does not exist",
	    "2024-03-31T01:30:00+01:00 (2024-03-31T00:30:00.000Z)");
}

static void
test_malformed_refused(void **state)
{
	static const char *bad[] = {
		"", "yesterday", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
		"2023-02-29T00:00:00Z", "2024-10-27T24:00:00Z",
		"2024-10-27T00:60:00Z", "2024-10-27T00:00:61Z",
		"2024-10-27T00:00:00+25:00", "2024-10-27T00:00:00Zjunk",
		"2024-10-27", "2024-10-27T00:00:00.Z",
		"2024-10-27T00:00:00.1234567890Z",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ex_instant t;
		ex_error err;

		ex_error_clear(&err);
		if (ex_time_parse(bad[i], LONDON, &t, &err) != EX_ERR_TIME)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(strlen(err.message) > 0);
	}
}

static void
test_unknown_zone(void **state)
{
	ex_instant t;
	ex_error err;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(ex_time_parse("2024-10-27T01:00:00", "Mars/Olympus",
	    &t, &err), EX_ERR_TIME);
	assert_non_null(strstr(err.message, "unknown time zone"));
	assert_int_equal(ex_time_zone_check("../etc/passwd", &err),
	    EX_ERR_TIME);
	assert_int_equal(ex_time_zone_check("UTC", &err), EX_OK);
}

static void
test_display_across_dst(void **state)
{
	char buf[EX_TIME_BUFSZ];
	ex_instant t = parse_ok("2024-10-27T00:59:59.960Z");

	(void)state;
	assert_string_equal(ex_time_format_display(t, LONDON, buf,
	    sizeof(buf)), "2024-10-27 01:59:59.960 BST");
	assert_string_equal(ex_time_format_iso_local(t, LONDON, buf,
	    sizeof(buf)), "2024-10-27T01:59:59.960+01:00");
	/* Forty milliseconds later the clocks have gone back. */
	t += 40000;
	assert_string_equal(ex_time_format_display(t, LONDON, buf,
	    sizeof(buf)), "2024-10-27 01:00:00.000 GMT");
	assert_string_equal(ex_time_format_iso_local(t, LONDON, buf,
	    sizeof(buf)), "2024-10-27T01:00:00.000+00:00");
	assert_string_equal(ex_time_format_display(t, "UTC", buf,
	    sizeof(buf)), "2024-10-27 01:00:00.000 UTC");
	/* Truncation, never rounding up into the next second. */
	assert_string_equal(ex_time_format_utc(parse_ok(
	    "2024-10-27T00:00:00.999999Z"), buf, sizeof(buf)),
	    "2024-10-27T00:00:00.999Z");
	assert_string_equal(ex_time_format_utc(-1, buf, sizeof(buf)),
	    "1969-12-31T23:59:59.999Z");
}

static void
test_clock_offset(void **state)
{
	int64_t off;
	ex_error err;
	ex_instant rec;

	(void)state;
	assert_int_equal(ex_time_parse_offset("-2.5", &off, NULL), EX_OK);
	assert_int_equal(off, -2500000);
	assert_int_equal(ex_time_parse_offset("+90", &off, NULL), EX_OK);
	assert_int_equal(off, 90000000);
	assert_int_equal(ex_time_parse_offset("0.040", &off, NULL), EX_OK);
	assert_int_equal(off, 40000);
	assert_int_equal(ex_time_parse_offset(".001", &off, NULL), EX_OK);
	assert_int_equal(off, 1000);
	assert_int_equal(ex_time_parse_offset("abc", &off, &err), EX_ERR_TIME);
	assert_int_equal(ex_time_parse_offset("1e3", &off, &err), EX_ERR_TIME);
	assert_int_equal(ex_time_parse_offset("", &off, &err), EX_ERR_TIME);
	assert_int_equal(ex_time_parse_offset("-", &off, &err), EX_ERR_TIME);
	/* A recorder 1.234 s fast: its 12:00:01.234 is true 12:00:00.000. */
	assert_int_equal(ex_time_parse_offset("1.234", &off, NULL), EX_OK);
	rec = parse_ok("2024-06-01T12:00:01.234Z");
	assert_int_equal(ex_time_recorder_to_true(rec, off),
	    parse_ok("2024-06-01T12:00:00.000Z"));
	assert_int_equal(ex_time_true_to_recorder(
	    parse_ok("2024-06-01T12:00:00.000Z"), off), rec);
	/* A slow recorder, to the millisecond across midnight. */
	assert_int_equal(ex_time_parse_offset("-0.001", &off, NULL), EX_OK);
	assert_int_equal(ex_time_recorder_to_true(
	    parse_ok("2024-06-01T23:59:59.999Z"), off),
	    parse_ok("2024-06-02T00:00:00.000Z"));
}

/* ---- text shown from a bundle or an archive (exhibit/text.h) --------- */

static void
expect_escaped(const char *in, const char *want)
{
	char *got = ex_text_escape(in);
	const unsigned char *p;

	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("escaped to '%s', want '%s'", got, want);
	for (p = (const unsigned char *)got; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("raw byte 0x%02x left in '%s'", *p, got);
	free(got);
}

static void
test_escape_controls(void **state)
{
	(void)state;
	assert_null(ex_text_escape(NULL));
	expect_escaped("", "");
	expect_escaped("plain data/cam1/00.00.mp4", "plain data/cam1/00.00.mp4");
	/* The fake verdict a hostile path would paint. */
	expect_escaped("a\033[2J\033[1;32mRESULT: PASS\r",
	    "a\\x1b[2J\\x1b[1;32mRESULT: PASS\\x0d");
	/* Every C0 control, TAB and LF too (the fields are one line), DEL. */
	expect_escaped("\001\b\t\n\v\f\r\037\177",
	    "\\x01\\x08\\x09\\x0a\\x0b\\x0c\\x0d\\x1f\\x7f");
	/* A backslash is doubled, so a literal "\x1b" reads as itself. */
	expect_escaped("C:\\x1b\\", "C:\\\\x1b\\\\");
}

static void
test_escape_unicode(void **state)
{
	(void)state;
	/* Printable UTF-8 passes: accents, euro sign, CJK, an emoji, ZWJ. */
	expect_escaped("caf\xc3\xa9 \xe2\x82\xac \xe6\x9d\xb1 \xf0\x9f\x93\xb7"
	    " \xe2\x80\x8d", "caf\xc3\xa9 \xe2\x82\xac \xe6\x9d\xb1 "
	    "\xf0\x9f\x93\xb7 \xe2\x80\x8d");
	/* C1 controls: NEL and the 8-bit CSI. */
	expect_escaped("\xc2\x85x\xc2\x9b" "2J\xc2\x80\xc2\x9f",
	    "\\u{0085}x\\u{009b}2J\\u{0080}\\u{009f}");
	/* Bidi overrides, embeddings, isolates and marks. */
	expect_escaped("cam\xe2\x80\xae" "4pm.exe\xe2\x80\xac",
	    "cam\\u{202e}4pm.exe\\u{202c}");
	expect_escaped("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xad"
	    "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"
	    "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c",
	    "\\u{202a}\\u{202b}\\u{202d}\\u{2066}\\u{2067}\\u{2068}"
	    "\\u{2069}\\u{200e}\\u{200f}\\u{061c}");
	/* Their neighbours are ordinary text. */
	expect_escaped("\xe2\x80\xa9\xe2\x80\xa8\xe2\x80\xaf\xe2\x81\xa5"
	    "\xe2\x81\xaa", "\\u{2029}\\u{2028}\xe2\x80\xaf\xe2\x81\xa5"
	    "\xe2\x81\xaa");
	/* What XML 1.0 cannot carry. */
	expect_escaped("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd",
	    "\\u{fffe}\\u{ffff}\xef\xbf\xbd");
}

static void
test_escape_invalid_utf8(void **state)
{
	(void)state;
	/* Each byte of a bad sequence is shown, and the rest still reads. */
	expect_escaped("a\xff" "b\x9b" "c", "a\\xffb\\x9bc");
	/* Overlong '/', a lone surrogate, beyond U+10FFFF. */
	expect_escaped("\xc0\xaf", "\\xc0\\xaf");
	expect_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");
	expect_escaped("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	/* A sequence cut short by the end of the string or by ESC. */
	expect_escaped("ok\xe2\x82", "ok\\xe2\\x82");
	expect_escaped("\xe2\x82\033[m", "\\xe2\\x82\\x1b[m");
	/* The worst case, four bytes out for each byte in, fits. */
	expect_escaped("\001\001\001", "\\x01\\x01\\x01");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_utc_and_offsets),
		cmocka_unit_test(test_parse_local_london),
		cmocka_unit_test(test_ambiguous_hour_refused),
		cmocka_unit_test(test_skipped_hour_refused),
		cmocka_unit_test(test_malformed_refused),
		cmocka_unit_test(test_unknown_zone),
		cmocka_unit_test(test_display_across_dst),
		cmocka_unit_test(test_clock_offset),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_unicode),
		cmocka_unit_test(test_escape_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_time.c — ISO 8601, zones, daylight saving, clock offsets. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

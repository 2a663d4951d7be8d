/*
 * test_clock.c — clock offsets to the millisecond.
 *
 * The recorder's clock reads offset ahead of true time (recorder minus
 * true).  What is checked: parsing an offset to the microsecond, the two
 * conversions, the time line burned into a frame (and written to its cue)
 * on both sides of the end of BST on 2024-10-27, and the correction line,
 * whose sign is the correction applied (-offset) and which never shows a
 * non-zero correction as zero.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exhibit/media.h"
#include "exhibit/time.h"

#define MS 1000

static int64_t
offset_ok(const char *text)
{
	int64_t off = 0;
	ex_error err;

	ex_error_clear(&err);
	if (ex_time_parse_offset(text, &off, &err) != EX_OK)
		fail_msg("offset '%s': %s", text, err.message);
	return off;
}

static ex_instant
utc(const char *text)
{
	ex_instant t = 0;
	ex_error err;

	ex_error_clear(&err);
	if (ex_time_parse(text, "UTC", &t, &err) != EX_OK)
		fail_msg("time '%s': %s", text, err.message);
	return t;
}

/* The burned-in time line of the frame the recorder stamped `rec`. */
static const char *
shown(const char *rec, const char *offset, char *buf)
{
	return ex_time_format_display(ex_time_recorder_to_true(utc(rec),
	    offset_ok(offset)), "Europe/London", buf, EX_TIME_BUFSZ);
}

static void
test_parse_to_the_microsecond(void **state)
{
	(void)state;
	assert_int_equal(offset_ok("0.513"), 513 * MS);
	assert_int_equal(offset_ok("-0.487"), -487 * MS);
	assert_int_equal(offset_ok("+0.000500"), 500);
	assert_int_equal(offset_ok("-3600.001"), -INT64_C(3600001000));
	assert_int_equal(offset_ok("0"), 0);
	assert_int_equal(offset_ok("-0.0"), 0);
	/* Beyond the microsecond is cut, not rounded. */
	assert_int_equal(offset_ok("0.0000019"), 1);
}

static void
test_conversions_round_trip(void **state)
{
	int64_t off = offset_ok("0.513");
	ex_instant rec = utc("2024-10-27T01:00:00.512Z");

	(void)state;
	/* 0.513 s fast: recorder 01:00:00.512Z is true 00:59:59.999Z. */
	assert_int_equal(ex_time_recorder_to_true(rec, off),
	    utc("2024-10-27T00:59:59.999Z"));
	assert_int_equal(ex_time_true_to_recorder(
	    ex_time_recorder_to_true(rec, off), off), rec);
	/* Slow by 0.487 s: recorder 00:59:59.513Z is true 01:00:00.000Z. */
	off = offset_ok("-0.487");
	assert_int_equal(ex_time_recorder_to_true(
	    utc("2024-10-27T00:59:59.513Z"), off),
	    utc("2024-10-27T01:00:00.000Z"));
	/* Microseconds survive both ways. */
	off = offset_ok("0.000001");
	assert_int_equal(ex_time_recorder_to_true(utc("2024-10-27T01:00:00Z"),
	    off), utc("2024-10-27T00:59:59.999999Z"));
}

static void
test_burned_time_across_the_change(void **state)
{
	char buf[EX_TIME_BUFSZ];

	(void)state;
	/* The recorder's 01:00:00.512Z is true 00:59:59.999Z: still BST. */
	assert_string_equal(shown("2024-10-27T01:00:00.512Z", "0.513", buf),
	    "2024-10-27 01:59:59.999 BST");
	/* One millisecond later the clocks have gone back. */
	assert_string_equal(shown("2024-10-27T01:00:00.513Z", "0.513", buf),
	    "2024-10-27 01:00:00.000 GMT");
	/* Without the offset the same frame would read half a second and an
	 * hour differently. */
	assert_string_equal(shown("2024-10-27T01:00:00.512Z", "0", buf),
	    "2024-10-27 01:00:00.512 GMT");
	/* A slow recorder pushes a BST reading over the change. */
	assert_string_equal(shown("2024-10-27T00:59:59.600Z", "-0.487", buf),
	    "2024-10-27 01:00:00.087 GMT");
	/* 999 µs past the millisecond shows that millisecond, never the
	 * next (truncation toward the past). */
	assert_string_equal(shown("2024-10-27T01:00:01.001Z", "0.000001",
	    buf), "2024-10-27 01:00:01.000 GMT");
	assert_string_equal(shown("2024-10-27T01:00:00Z", "0.000001", buf),
	    "2024-10-27 01:59:59.999 BST");
}

static void
test_correction_line(void **state)
{
	char buf[EX_MEDIA_CORRECTION_BUFSZ];

	(void)state;
	/* Fast recorder: its times are corrected downwards. */
	assert_string_equal(ex_media_correction_text(offset_ok("2.5"), buf,
	    sizeof(buf)), "recorder clock corrected by -2.500 s");
	assert_string_equal(ex_media_correction_text(offset_ok("0.513"), buf,
	    sizeof(buf)), "recorder clock corrected by -0.513 s");
	/* Slow recorder: upwards. */
	assert_string_equal(ex_media_correction_text(offset_ok("-0.040"), buf,
	    sizeof(buf)), "recorder clock corrected by +0.040 s");
	assert_string_equal(ex_media_correction_text(offset_ok("-3600.001"),
	    buf, sizeof(buf)), "recorder clock corrected by +3600.001 s");
	/* Not a whole millisecond: microseconds, never "0.000". */
	assert_string_equal(ex_media_correction_text(offset_ok("0.0005"), buf,
	    sizeof(buf)), "recorder clock corrected by -0.000500 s");
	assert_string_equal(ex_media_correction_text(offset_ok("-1.000001"),
	    buf, sizeof(buf)), "recorder clock corrected by +1.000001 s");
	/* No offset: no line. */
	assert_string_equal(ex_media_correction_text(0, buf, sizeof(buf)), "");
	/* The extreme does not overflow. */
	ex_media_correction_text(INT64_MIN, buf, sizeof(buf));
	assert_string_equal(buf,
	    "recorder clock corrected by +9223372036854.775808 s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_to_the_microsecond),
		cmocka_unit_test(test_conversions_round_trip),
		cmocka_unit_test(test_burned_time_across_the_change),
		cmocka_unit_test(test_correction_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

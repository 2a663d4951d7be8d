/*
 * test_export_plan.c — ex_export_prepare(): the checks that need no key
 * and what the archive holds for the range, per camera (coverage, every
 * hole, the nearest recordings), on samples/archive (read only); that
 * ex_export refuses a camera with no footage unless allow_empty and a plan
 * of another request, leaving nothing behind; ex_time_has_offset().
 */
#include "config.h"

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

#include "exhibit/export.h"
#include "exhibit/sign.h"
#include "exhibit/time.h"
#include "scratch.h"

typedef struct work {
	char dir[PATH_MAX / 4];
	char archive[PATH_MAX / 2];
	char output[PATH_MAX / 2];
	const char *cameras[2];
	ex_export_request req;
} work;

static ex_instant
t(const char *text)
{
	ex_instant v = 0;
	ex_error err;

	assert_int_equal(ex_time_parse(text, NULL, &v, &err), EX_OK);
	return v;
}

static int
setup(void **state)
{
	work *w = calloc(1, sizeof(*w));

	if (w == NULL || scratch_make(w->dir, sizeof(w->dir),
	    "test_export_plan") != 0)
		return -1;
	snprintf(w->archive, sizeof(w->archive), "%s/samples/archive",
	    TEST_SRCDIR);
	snprintf(w->output, sizeof(w->output), "%s/out.zip", w->dir);
	w->cameras[0] = "cam1";
	w->cameras[1] = "cam2";
	w->req.archive = w->archive;
	w->req.output = w->output;
	w->req.cameras = w->cameras;
	w->req.ncameras = 2;
	w->req.from = t("2024-10-27T00:59:38Z");
	w->req.to = t("2024-10-27T01:00:05Z");
	w->req.container = EX_CONTAINER_ZIP;
	w->req.case_ref = "C-1";
	w->req.exhibit_ref = "ABC/1";
	w->req.operator_name = "Jo Bloggs";
	w->req.segment_seconds = EX_EXPORT_DEFAULT_SEGMENT;
	w->req.no_working = 1;
	w->req.jobs = 1;
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	work *w = *state;

	scratch_remove(w->dir);
	free(w);
	return 0;
}

/* The scratch folder holds nothing: no bundle, no temporary file. */
static void
assert_nothing_left(const work *w)
{
	assert_string_equal(scratch_listing(w->dir), "");
}

/* README's example: cam1's 10 s gap, cam2 whole. */
static void
test_readme_range(void **state)
{
	work *w = *state;
	ex_export_plan *p = NULL;
	const ex_export_coverage *c1, *c2;
	ex_error err;

	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_OK);
	assert_int_equal(p->ncameras, 2);
	c1 = &p->cameras[0];
	c2 = &p->cameras[1];
	assert_string_equal(c1->camera->id, "cam1");
	assert_int_equal(c1->covered, 17 * EX_USEC_PER_SEC);
	assert_int_equal(c1->ngaps, 1);
	assert_int_equal(c1->gaps[0].start, t("2024-10-27T00:59:50Z"));
	assert_int_equal(c1->gaps[0].end, t("2024-10-27T01:00:00Z"));
	assert_false(c1->empty);
	assert_true(c1->nsegments >= 2);
	assert_int_equal(c1->first, t("2024-10-27T00:59:30Z"));
	assert_int_equal(c1->last, t("2024-10-27T01:00:20Z"));
	assert_string_equal(c2->camera->id, "cam2");
	assert_int_equal(c2->covered, 27 * EX_USEC_PER_SEC);
	assert_int_equal(c2->ngaps, 0);
	assert_false(c2->empty);
	ex_export_plan_free(&p);
	assert_null(p);
	assert_nothing_left(w);
}

/* A range that starts before the recording: the hole at the start. */
static void
test_missing_start(void **state)
{
	work *w = *state;
	ex_export_plan *p = NULL;
	ex_error err;

	w->req.cameras = &w->cameras[1];
	w->req.ncameras = 1;
	w->req.from = t("2024-10-27T00:59:30Z");
	w->req.to = t("2024-10-27T00:59:40Z");
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_OK);
	assert_int_equal(p->cameras[0].covered, 5 * EX_USEC_PER_SEC);
	assert_int_equal(p->cameras[0].ngaps, 1);
	assert_int_equal(p->cameras[0].gaps[0].start, w->req.from);
	assert_int_equal(p->cameras[0].gaps[0].end, p->cameras[0].first);
	assert_int_equal(p->cameras[0].first, t("2024-10-27T00:59:35Z"));
	ex_export_plan_free(&p);
}

/* scan's UTC time read as local time: an hour early, nothing there; the
 * nearest recording is the first, after the range. */
static void
test_empty_hour_off(void **state)
{
	work *w = *state;
	ex_export_plan *p = NULL;
	const ex_export_coverage *c;
	ex_error err;

	w->req.ncameras = 1;
	assert_int_equal(ex_time_parse("2024-10-27T00:59:38", "Europe/London",
	    &w->req.from, &err), EX_OK);
	assert_int_equal(ex_time_parse("2024-10-27T00:59:58", "Europe/London",
	    &w->req.to, &err), EX_OK);
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_OK);
	c = &p->cameras[0];
	assert_true(c->empty);
	assert_int_equal(c->nsegments, 0);
	assert_int_equal(c->covered, 0);
	assert_int_equal(c->ngaps, 1);
	assert_int_equal(c->gaps[0].start, w->req.from);
	assert_int_equal(c->gaps[0].end, w->req.to);
	assert_int_equal(c->before.start, EX_INSTANT_NONE);
	assert_int_equal(c->before.end, EX_INSTANT_NONE);
	assert_int_equal(c->after.start, t("2024-10-27T00:59:30Z"));
	assert_int_equal(c->after.end, t("2024-10-27T00:59:50Z"));
	ex_export_plan_free(&p);
	assert_nothing_left(w);
}

/* Times in the plan are true times: the recorder ran 2 s ahead. */
static void
test_clock_offset(void **state)
{
	work *w = *state;
	ex_export_plan *p = NULL;
	ex_error err;

	w->req.ncameras = 1;
	w->req.clock_offset = 2 * EX_USEC_PER_SEC;
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_OK);
	assert_int_equal(p->cameras[0].ngaps, 1);
	assert_int_equal(p->cameras[0].gaps[0].start,
	    t("2024-10-27T00:59:48Z"));
	assert_int_equal(p->cameras[0].gaps[0].end, t("2024-10-27T00:59:58Z"));
	assert_int_equal(p->cameras[0].first, t("2024-10-27T00:59:28Z"));
	ex_export_plan_free(&p);
}

/* The checks that need no key, each named; nothing made. */
static void
test_quick_checks(void **state)
{
	work *w = *state;
	ex_export_plan *p = NULL;
	const char *bad[] = { "cam1", "cam9" }, *twice[] = { "cam1", "cam1" };
	char path[PATH_MAX];
	ex_error err;
	FILE *fp;

	w->req.cameras = bad;
	assert_int_not_equal(ex_export_prepare(&w->req, &p, &err), EX_OK);
	assert_non_null(strstr(err.message, "no camera 'cam9'"));
	assert_null(p);
	w->req.cameras = twice;
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_ERR_USAGE);
	assert_string_equal(err.message, "camera 'cam1' is named twice");
	w->req.cameras = w->cameras;

	snprintf(path, sizeof(path), "%s/no/such/x.zip", w->dir);
	w->req.output = path;
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "/no/such does not exist"));
	assert_non_null(strstr(err.message, "cannot write "));
	assert_nothing_left(w);

	w->req.output = w->output;
	assert_non_null(fp = fopen(w->output, "w"));
	fclose(fp);
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_ERR_EXISTS);
	assert_non_null(strstr(err.message, "already exists"));
	unlink(w->output);

	snprintf(path, sizeof(path), "%s/x.tar", w->dir);
	w->req.output = path;
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_ERR_USAGE);
	w->req.output = w->output;

	w->req.to = w->req.from;
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_ERR_USAGE);
	assert_string_equal(err.message, "--from must be before --to");
	assert_null(p);
	assert_nothing_left(w);
}

/* ex_export: an empty camera is refused without allow_empty, a plan of
 * another request is refused; nothing is left either way. */
static void
test_export_refusals(void **state)
{
	work *w = *state;
	ex_export_plan *p = NULL;
	ex_export_result *res = NULL;
	ex_seckey *key = NULL;
	ex_error err;

	assert_int_equal(ex_key_generate(&key, &err), EX_OK);
	w->req.key = key;
	w->req.ncameras = 1;
	w->req.from = t("2024-10-26T23:59:38Z");
	w->req.to = t("2024-10-26T23:59:58Z");
	assert_int_equal(ex_export(&w->req, &res, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "cam1: no footage from "
	    "2024-10-26T23:59:38.000Z to 2024-10-26T23:59:58.000Z"));
	assert_null(res);
	assert_nothing_left(w);

	/* A plan of one range given with another. */
	assert_int_equal(ex_export_prepare(&w->req, &p, &err), EX_OK);
	w->req.plan = p;
	w->req.to = t("2024-10-27T00:00:00Z");
	assert_int_equal(ex_export(&w->req, &res, &err), EX_ERR_USAGE);
	assert_string_equal(err.message, "the plan given is not of this "
	    "request");
	assert_nothing_left(w);

	/* The same empty range on purpose: a bundle, and the note says so. */
	w->req.to = t("2024-10-26T23:59:58Z");
	w->req.allow_empty = 1;
	w->req.now = t("2024-10-27T12:00:00Z");
	assert_int_equal(ex_export(&w->req, &res, &err), EX_OK);
	assert_non_null(res);
	assert_int_equal(res->nnotes, 1);
	assert_string_equal(res->notes[0].camera, "cam1");
	assert_non_null(strstr(res->notes[0].message, "--allow-empty"));
	assert_string_equal(scratch_listing(w->dir), "out.zip");
	ex_export_result_free(&res);
	ex_export_plan_free(&p);
	ex_seckey_free(&key);
}

static void
test_has_offset(void **state)
{
	(void)state;
	assert_true(ex_time_has_offset("2024-10-27T00:59:30Z"));
	assert_true(ex_time_has_offset("2024-10-27t00:59:30z"));
	assert_true(ex_time_has_offset("2024-10-27T01:59:30.250+01:00"));
	assert_true(ex_time_has_offset("2024-10-27 01:59:30-0500"));
	assert_true(ex_time_has_offset("20241027T005930Z"));
	assert_false(ex_time_has_offset("2024-10-27T00:59:30"));
	assert_false(ex_time_has_offset("2024-10-27 00:59:30.5"));
	assert_false(ex_time_has_offset("20241027T005930"));
	assert_false(ex_time_has_offset(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_readme_range, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_start, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_hour_off, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_clock_offset, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_quick_checks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_export_refusals, setup,
		    teardown),
		cmocka_unit_test(test_has_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

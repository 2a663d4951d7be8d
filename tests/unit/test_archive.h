/*
 * test_archive.h — what the files of the test_archive program share:
 * the helpers of test_archive.c and the tests the other files define.
 */
#ifndef EXHIBIT_TEST_ARCHIVE_H
#define EXHIBIT_TEST_ARCHIVE_H

#define FIX TEST_SRCDIR "/tests/fixtures/archive/"
#define SEC EX_USEC_PER_SEC
#define MS (EX_USEC_PER_SEC / 1000)

ex_instant at(const char *iso);
void assert_time(ex_instant got, const char *iso);
void assert_contains(const char *text, const char *needle);
void put(const char *dir, const char *rel, const char *fixture, long limit);
void write_text(const char *dir, const char *rel, const char *text);
ex_archive *open_ok(const char *path, const ex_archive_options *opts);
void
open_fails(const char *path, const ex_archive_options *opts, ex_status code,
    const char *needle);
const ex_segment *segment(const ex_camera *c, const char *relpath);
void test_indexed(void **state);
void test_indexed_refusals(void **state);
void test_indexed_hardened_reader(void **state);
void test_timeline(void **state);
void test_sei_signatures(void **state);

#endif

/*
 * test_segindex.h — what the files of the test_segindex program share:
 * the scaffolding of test_segindex.c and the tests test_segindex_damage.c
 * defines.
 */
#ifndef EXHIBIT_TEST_SEGINDEX_H
#define EXHIBIT_TEST_SEGINDEX_H

/* The test's scratch folder (setup, teardown) and a path in it (four
 * results live at once). */
extern char dir[4096];
const char *at(const char *name);
int setup(void **state);
int teardown(void **state);
void write_file(const char *path, const char *text);
/* A probed segment at path: variant 0 damaged HEVC with three streams, 1
 * unreadable and refused (no streams listed), 2 readable with none. */
void make_seg(ex_segment *seg, char *path, int variant);
void free_seg(ex_segment *seg);
void assert_same_seg(const ex_segment *a, const ex_segment *b);
extern const archive_file_key key1;
/* The index at file, opened with no note. */
archive_index *open_ok(const char *file);
/* SQL run on the database file behind the index's back. */
void sql(const char *file, const char *text);

void test_garbage_file(void **state);
void test_corrupt_page(void **state);
void test_damage_found_writing(void **state);
void test_truncated(void **state);
void test_schema_versions(void **state);
void test_default_folder(void **state);
void test_readonly_folder(void **state);
void test_two_processes(void **state);
void test_busy(void **state);

#endif

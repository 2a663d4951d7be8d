/*
 * test_bundle.h — what the files of the test_bundle program share:
 * the scaffolding and sample bundle of test_bundle.c and the tests the
 * other files define.
 */
#ifndef EXHIBIT_TEST_BUNDLE_H
#define EXHIBIT_TEST_BUNDLE_H

/* 2024-10-27T01:00:00Z: the night the UK clocks went back. */
#define MTIME INT64_C(1729990800)
#define REF "EX/2024 001"
#define TOP "EX_2024_001"

typedef struct work {
	char dir[PATH_MAX / 4];
	char buf[PATH_MAX];
} work;

typedef struct sample {
	const char *bag_path;
	const char *src;            /* source file name, NULL: buffer */
} sample;

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))
#define MEDIA_SIZE 150001

extern const char manifest_xml[];
extern const char manifest_sig[];
extern const sample samples[6];
extern const ex_bag_field fields[3];

#define expect_bag_problems(b, ...) do { \
	const char *const want_[] = { __VA_ARGS__, NULL }; \
	expect_bag_problems_v((b), want_ + (want_[0] == NULL)); \
} while (0)


const char *at(work *w, const char *fmt, ...);
char *path_dup(work *w, const char *rel);
void write_file(const char *path, const void *data, size_t len);
unsigned char *slurp(const char *path, size_t *len);
void make_sources(work *w);
void write_sample(work *w, ex_container kind, const char *out, int64_t mtime);
ex_bundle *load_ok(const char *path, const ex_bundle_limits *lim);
void print_problems(const ex_bundle *b);
const ex_bundle_entry *entry(const ex_bundle *b, const char *path);
void expect_content(const ex_bundle *b, const char *path, const char *want);
void expect_bag_problems_v(const ex_bundle *b, const char *const *want);
void check_sample(work *w, const ex_bundle *b);
int run(work *w, const char *fmt, ...);
void test_zip_roundtrip(void **state);
void test_tar_roundtrip(void **state);
void test_dir_roundtrip(void **state);
void test_iso_roundtrip(void **state);
void test_iso_long_name(void **state);
void test_reproducible_zip_tar(void **state);
void test_reproducible_dir(void **state);
void test_existing_output_refused(void **state);
void test_abort_leaves_nothing(void **state);
void test_failure_leaves_nothing(void **state);
void test_hostile_tar(void **state);
void test_hostile_zip(void **state);
void test_encrypted_zip_fixture(void **state);
void test_extra_data_around_archive(void **state);
void test_hostile_folder(void **state);
void test_check_bag_finds_tampering(void **state);
void test_check_bag_malformed(void **state);
void test_limits(void **state);
void test_not_a_bundle(void **state);
void test_add_move(void **state);
void test_desktop_file_rule(void **state);
void test_folder_desktop_files(void **state);
void test_bundle_held(void **state);

#endif

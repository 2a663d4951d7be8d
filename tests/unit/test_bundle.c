/*
 * test_bundle.c — the evidence bundle: BagIt layout, ZIP/tar/ISO/folder
 * writers, atomic output, reproducibility, and the reader's handling of
 * hostile bundles.  Each test works in a fresh folder under the build
 * tree, removed at the end.
 *
 * This file: the scaffolding and the sample bundle (test_bundle.h), names
 * and options, and main; test_bundle_write.c: each container written and
 * read back, reproducible, atomic; test_bundle_read.c: the reader against
 * hostile bundles, moving a file in, folder bundles.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>

#include "exhibit/bundle.h"
#include "exhibit/hash.h"
#include "scratch.h"
#include "test_bundle.h"

/* ---- scaffolding ------------------------------------------------------ */

static int
setup(void **state)
{
	work *w = calloc(1, sizeof(*w));

	if (w == NULL || scratch_make(w->dir, sizeof(w->dir), "test_bundle") != 0)
		return -1;
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

/* A path in the test's folder (a static-ish buffer per call site). */
const char *
at(work *w, const char *fmt, ...)
{
	char rel[PATH_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(w->buf, sizeof(w->buf), "%s/%s", w->dir, rel);
	return w->buf;
}

char *
path_dup(work *w, const char *rel)
{
	char *p = strdup(at(w, "%s", rel));

	assert_non_null(p);
	return p;
}

void
write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return data;
}

/* ---- the sample bundle ------------------------------------------------ */

const char manifest_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest/>\n";
const char manifest_sig[] =
    "untrusted comment: signature\nRWQ...\n";

const sample samples[] = {
	{ "data/cam1/master/a.mp4", "a.mp4" },
	{ "data/cam1/master/a.mp4.minisig", "a.mp4.minisig" },
	{ "data/cam1/working/empty.bin", "empty.bin" },
	{ "data/key.pub", "key.pub" },
	{ "manifest.xml", NULL },
	{ "manifest.xml.minisig", NULL },
};
void
make_sources(work *w)
{
	unsigned char *media = malloc(MEDIA_SIZE);
	uint32_t x = 12345;
	size_t i;

	assert_non_null(media);
	for (i = 0; i < MEDIA_SIZE; i++) {
		x = x * 1103515245u + 12345u;
		media[i] = (unsigned char)(x >> 16);
	}
	mkdir(at(w, "src"), 0755);
	write_file(at(w, "src/a.mp4"), media, MEDIA_SIZE);
	write_file(at(w, "src/a.mp4.minisig"), "untrusted comment: x\n", 21);
	write_file(at(w, "src/empty.bin"), "", 0);
	write_file(at(w, "src/key.pub"), "untrusted comment: key\nRWQ=\n", 28);
	free(media);
	mkdir(at(w, "out"), 0755);
}

const ex_bag_field fields[] = {
	{ "Source-Organization", "Test Council Security Centre" },
	{ "External-Identifier", REF },
	{ "Bagging-Date", "2024-10-27" },
};

void
write_sample(work *w, ex_container kind, const char *out, int64_t mtime)
{
	char output[PATH_MAX];
	ex_bundle_options opt = { mtime, fields, 3, 0 };
	ex_bundle_writer *bw = NULL;
	ex_digest_result got, want;
	ex_error err;
	size_t i;
	char *src;

	snprintf(output, sizeof(output), "%s", out);
	ex_error_clear(&err);
	if (ex_bundle_writer_open(output, kind, REF, &opt, &bw, &err) != EX_OK)
		fail_msg("open %s: %s", output, err.message);
	for (i = 0; i < NSAMPLES; i++) {
		if (samples[i].src == NULL) {
			const char *b = i == 4 ? manifest_xml : manifest_sig;

			if (ex_bundle_add_buffer(bw, samples[i].bag_path, b,
			    strlen(b), &got, &err) != EX_OK)
				fail_msg("%s: %s", samples[i].bag_path,
				    err.message);
			ex_digest_buffer(b, strlen(b), &want);
		} else {
			src = strdup(at(w, "src/%s", samples[i].src));
			if (ex_bundle_add_file(bw, samples[i].bag_path, src,
			    &got, &err) != EX_OK)
				fail_msg("%s: %s", samples[i].bag_path,
				    err.message);
			assert_int_equal(ex_digest_file(src, &want, NULL),
			    EX_OK);
			free(src);
		}
		/* The digests are of exactly the source's bytes. */
		assert_memory_equal(got.sha256, want.sha256, EX_SHA256_BYTES);
		assert_memory_equal(got.blake2b, want.blake2b,
		    EX_BLAKE2B_BYTES);
		assert_int_equal(got.size, want.size);
	}
	if (ex_bundle_finish(bw, &err) != EX_OK)
		fail_msg("finish %s: %s", output, err.message);
	ex_bundle_writer_free(&bw);
	assert_null(bw);
}

ex_bundle *
load_ok(const char *path, const ex_bundle_limits *lim)
{
	ex_bundle *b = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_bundle_load(path, lim, &b, &err) != EX_OK)
		fail_msg("load %s: %s", path, err.message);
	return b;
}

void
print_problems(const ex_bundle *b)
{
	size_t i;

	for (i = 0; i < b->nproblems; i++)
		print_message("problem: %s\n", b->problems[i].message);
}

const ex_bundle_entry *
entry(const ex_bundle *b, const char *path)
{
	const ex_bundle_entry *e = ex_bundle_find(b, path);

	if (e == NULL)
		fail_msg("no entry '%s' in the bundle", path);
	return e;
}

void
expect_content(const ex_bundle *b, const char *path, const char *want)
{
	const ex_bundle_entry *e = entry(b, path);

	assert_non_null(e->content);
	assert_int_equal(e->content_len, strlen(want));
	assert_string_equal((const char *)e->content, want);
}

/* ex_bundle_check_bag's messages must be exactly want (NULL-ended). */
void
expect_bag_problems_v(const ex_bundle *b, const char *const *want)
{
	char **got = NULL;
	size_t n = 0, i, j;
	ex_error err;

	assert_int_equal(ex_bundle_check_bag(b, &got, &n, &err), EX_OK);
	for (i = 0; want[i] != NULL; i++) {
		for (j = 0; j < n; j++) {
			if (got[j] != NULL && strstr(got[j], want[i]) != NULL)
				break;
		}
		if (j == n) {
			for (j = 0; j < n; j++)
				print_message("bag problem: %s\n", got[j]);
			fail_msg("no bag problem with '%s'", want[i]);
		}
	}
	if (n != i) {
		for (j = 0; j < n; j++)
			print_message("bag problem: %s\n", got[j]);
		fail_msg("%zu bag problems, expected %zu", n, i);
	}
	for (j = 0; j < n; j++)
		free(got[j]);
	free(got);
}

/* Check a loaded sample bundle: payload, tag files, BagIt texts. */
void
check_sample(work *w, const ex_bundle *b)
{
	ex_digest_result want;
	const ex_bundle_entry *e;
	char hex[EX_SHA256_HEX], line[256], expect[4096];
	const char *tags[] = { "bag-info.txt", "bagit.txt",
	    "manifest-sha256.txt", "manifest.xml", "manifest.xml.minisig" };
	size_t i;

	print_problems(b);
	assert_int_equal(b->nproblems, 0);
	assert_string_equal(b->top, b->kind == EX_CONTAINER_DIR ? "bag" : TOP);
	for (i = 0; i < NSAMPLES; i++) {
		e = entry(b, samples[i].bag_path);
		assert_int_equal(e->type, EX_ENTRY_FILE);
		assert_true(e->digested);
		if (samples[i].src != NULL) {
			assert_int_equal(ex_digest_file(at(w, "src/%s",
			    samples[i].src), &want, NULL), EX_OK);
		} else {
			const char *t = i == 4 ? manifest_xml : manifest_sig;

			ex_digest_buffer(t, strlen(t), &want);
		}
		assert_int_equal(e->size, want.size);
		assert_memory_equal(e->digest.sha256, want.sha256,
		    EX_SHA256_BYTES);
		assert_memory_equal(e->digest.blake2b, want.blake2b,
		    EX_BLAKE2B_BYTES);
	}
	/* Folders are entries too. */
	assert_int_equal(entry(b, "data")->type, EX_ENTRY_DIR);
	assert_int_equal(entry(b, "data/cam1/working")->type, EX_ENTRY_DIR);
	/* The keep rule: media never, tag-like files always. */
	assert_null(entry(b, "data/cam1/master/a.mp4")->content);
	assert_null(entry(b, "data/cam1/working/empty.bin")->content);
	expect_content(b, "data/cam1/master/a.mp4.minisig",
	    "untrusted comment: x\n");
	expect_content(b, "data/key.pub", "untrusted comment: key\nRWQ=\n");
	expect_content(b, "manifest.xml", manifest_xml);

	expect_content(b, "bagit.txt",
	    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
	snprintf(expect, sizeof(expect),
	    "Source-Organization: Test Council Security Centre\n"
	    "External-Identifier: " REF "\n"
	    "Bagging-Date: 2024-10-27\n"
	    "Payload-Oxum: %d.4\n", MEDIA_SIZE + 21 + 0 + 28);
	expect_content(b, "bag-info.txt", expect);

	/* manifest-sha256.txt: every payload file, sorted, from sources. */
	expect[0] = '\0';
	for (i = 0; i < 4; i++) {
		assert_int_equal(ex_digest_file(at(w, "src/%s",
		    samples[i].src), &want, NULL), EX_OK);
		snprintf(line, sizeof(line), "%s  %s\n",
		    ex_sha256_hex(want.sha256, hex), samples[i].bag_path);
		strcat(expect, line);
	}
	expect_content(b, "manifest-sha256.txt", expect);

	/* tagmanifest: every tag file but itself, never data/, sorted. */
	expect[0] = '\0';
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		e = entry(b, tags[i]);
		assert_non_null(e->content);
		ex_digest_buffer(e->content, e->content_len, &want);
		assert_memory_equal(want.sha256, e->digest.sha256,
		    EX_SHA256_BYTES);
		snprintf(line, sizeof(line), "%s  %s\n",
		    ex_sha256_hex(want.sha256, hex), tags[i]);
		strcat(expect, line);
	}
	expect_content(b, "tagmanifest-sha256.txt", expect);
	expect_bag_problems(b, NULL);
}

/* ---- names and options ------------------------------------------------ */

static void
test_container_and_top_names(void **state)
{
	ex_container k = 0;
	ex_error err;
	char buf[128];

	(void)state;
	assert_int_equal(ex_bundle_container_parse("zip", &k, NULL), EX_OK);
	assert_int_equal(k, EX_CONTAINER_ZIP);
	assert_int_equal(ex_bundle_container_parse("dir", &k, NULL), EX_OK);
	assert_int_equal(k, EX_CONTAINER_DIR);
	assert_int_equal(ex_bundle_container_parse("tar", &k, NULL), EX_OK);
	assert_int_equal(k, EX_CONTAINER_TAR);
	assert_int_equal(ex_bundle_container_parse("iso", &k, NULL), EX_OK);
	assert_int_equal(k, EX_CONTAINER_ISO);
	assert_int_equal(ex_bundle_container_parse("rar", &k, &err),
	    EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "unknown container 'rar'"));
	assert_string_equal(ex_bundle_container_name(EX_CONTAINER_TAR), "tar");

	assert_string_equal(ex_bundle_top_name(REF, buf, sizeof(buf)), TOP);
	assert_string_equal(ex_bundle_top_name("../../etc", buf, sizeof(buf)),
	    "_._.._etc");
	assert_string_equal(ex_bundle_top_name("..", buf, sizeof(buf)), "_.");
	assert_string_equal(ex_bundle_top_name("", buf, sizeof(buf)),
	    "exhibit");
	assert_string_equal(ex_bundle_top_name("caf\xc3\xa9", buf,
	    sizeof(buf)), "caf__");
	assert_string_equal(ex_bundle_top_name("ABCDEFGH", buf, 5), "ABCD");
}

static void
expect_add_refused(ex_bundle_writer *bw, const char *bag_path,
    const char *why)
{
	ex_error err;

	ex_error_clear(&err);
	assert_int_equal(ex_bundle_add_buffer(bw, bag_path, "x", 1, NULL,
	    &err), EX_ERR_USAGE);
	if (strstr(err.message, why) == NULL)
		fail_msg("%s: expected '%s', got '%s'", bag_path, why,
		    err.message);
}

static void
test_bad_bag_paths_refused(void **state)
{
	work *w = *state;
	ex_bundle_options opt = { MTIME, NULL, 0, 0 };
	ex_bundle_writer *bw = NULL;
	ex_bundle *b;
	ex_error err;

	assert_int_equal(ex_bundle_writer_open(at(w, "b.zip"),
	    EX_CONTAINER_ZIP, REF, &opt, &bw, &err), EX_OK);
	assert_int_equal(ex_bundle_add_buffer(bw, "data/cam1/a.txt", "a", 1,
	    NULL, &err), EX_OK);
	expect_add_refused(bw, "", "empty bundle path");
	expect_add_refused(bw, "/etc/passwd", "absolute bundle path");
	expect_add_refused(bw, "data/../../evil", "'.' or '..'");
	expect_add_refused(bw, "data/./a", "'.' or '..'");
	expect_add_refused(bw, "data//a", "empty component");
	expect_add_refused(bw, "data/caf\xc3\xa9", "non-ASCII byte");
	expect_add_refused(bw, "data/a\tb", "control character");
	expect_add_refused(bw, "data/a\\b", "character '\\'");
	expect_add_refused(bw, "data/50%", "character '%'");
	expect_add_refused(bw, "data/trailing.", "may not end in '.'");
	expect_add_refused(bw, "data/cam1/a.txt", "duplicate path");
	expect_add_refused(bw, "data/CAM1/b.txt", "differs only in case");
	expect_add_refused(bw, "data/cam1/A.TXT", "differs only in case");
	expect_add_refused(bw, "data/cam1/a.txt/x", "is already a file");
	expect_add_refused(bw, "data/cam1", "already a folder");
	expect_add_refused(bw, "bagit.txt", "reserved name");
	expect_add_refused(bw, "Manifest-MD5.txt", "reserved name");
	expect_add_refused(bw, "tagmanifest-sha256.txt", "reserved name");
	/* Refusals leave the writer usable. */
	assert_int_equal(ex_bundle_add_buffer(bw, "data/cam1/b.txt", "b", 1,
	    NULL, &err), EX_OK);
	assert_int_equal(ex_bundle_finish(bw, &err), EX_OK);
	ex_bundle_writer_free(&bw);
	b = load_ok(at(w, "b.zip"), NULL);
	assert_int_equal(b->nproblems, 0);
	assert_non_null(ex_bundle_find(b, "data/cam1/b.txt"));
	ex_bundle_free(&b);
	assert_null(b);
}

static void
test_bad_options_refused(void **state)
{
	work *w = *state;
	ex_bag_field f[1];
	ex_bundle_options opt = { MTIME, f, 1, 0 };
	ex_bundle_writer *bw = NULL;
	ex_error err;

	f[0].label = "Contact:Name";
	f[0].value = "x";
	assert_int_equal(ex_bundle_writer_open(at(w, "b.zip"),
	    EX_CONTAINER_ZIP, REF, &opt, &bw, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "bad label"));
	f[0].label = "Contact-Name";
	f[0].value = "two\nlines";
	assert_int_equal(ex_bundle_writer_open(at(w, "b.zip"),
	    EX_CONTAINER_ZIP, REF, &opt, &bw, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "control character"));
	f[0].label = "Payload-Oxum";
	f[0].value = "1.1";
	assert_int_equal(ex_bundle_writer_open(at(w, "b.zip"),
	    EX_CONTAINER_ZIP, REF, &opt, &bw, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "computed by the writer"));
	assert_null(bw);
	assert_string_equal(scratch_listing(w->dir), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: it checks the process zone does not leak into
		 * ZIP times, before anything else has set the zone. */
		cmocka_unit_test_setup_teardown(test_zip_roundtrip, setup,
		    teardown),
		cmocka_unit_test(test_container_and_top_names),
		cmocka_unit_test_setup_teardown(test_bad_bag_paths_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_options_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tar_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dir_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_iso_long_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_iso_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reproducible_zip_tar,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reproducible_dir, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_existing_output_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_leaves_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_tar, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_zip, setup,
		    teardown),
		cmocka_unit_test(test_encrypted_zip_fixture),
		cmocka_unit_test_setup_teardown(test_extra_data_around_archive,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_folder, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_bag_finds_tampering,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_bag_malformed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_move, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_a_bundle, setup,
		    teardown),
		cmocka_unit_test(test_desktop_file_rule),
		cmocka_unit_test_setup_teardown(test_folder_desktop_files,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_held, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

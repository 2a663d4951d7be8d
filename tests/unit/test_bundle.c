/*
 * test_bundle.c — the evidence bundle: BagIt layout, ZIP/tar/ISO/folder
 * writers, atomic output, reproducibility, and the reader's handling of
 * hostile bundles.  Each test works in a fresh folder under the build
 * tree, removed at the end.
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

/* 2024-10-27T01:00:00Z: the night the UK clocks went back. */
#define MTIME INT64_C(1729990800)
#define REF "EX/2024 001"
#define TOP "EX_2024_001"

/* ---- scaffolding ------------------------------------------------------ */

typedef struct work {
	char dir[PATH_MAX / 4];
	char buf[PATH_MAX];
} work;

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
static const char *
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

static char *
path_dup(work *w, const char *rel)
{
	char *p = strdup(at(w, "%s", rel));

	assert_non_null(p);
	return p;
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static unsigned char *
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

static const char manifest_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest/>\n";
static const char manifest_sig[] =
    "untrusted comment: signature\nRWQ...\n";

typedef struct sample {
	const char *bag_path;
	const char *src;            /* source file name, NULL: buffer */
} sample;

static const sample samples[] = {
	{ "data/cam1/master/a.mp4", "a.mp4" },
	{ "data/cam1/master/a.mp4.minisig", "a.mp4.minisig" },
	{ "data/cam1/working/empty.bin", "empty.bin" },
	{ "data/key.pub", "key.pub" },
	{ "manifest.xml", NULL },
	{ "manifest.xml.minisig", NULL },
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))
#define MEDIA_SIZE 150001

static void
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

static const ex_bag_field fields[] = {
	{ "Source-Organization", "Test Council Security Centre" },
	{ "External-Identifier", REF },
	{ "Bagging-Date", "2024-10-27" },
};

static void
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

static ex_bundle *
load_ok(const char *path, const ex_bundle_limits *lim)
{
	ex_bundle *b = NULL;
	ex_error err;

	ex_error_clear(&err);
	if (ex_bundle_load(path, lim, &b, &err) != EX_OK)
		fail_msg("load %s: %s", path, err.message);
	return b;
}

static void
print_problems(const ex_bundle *b)
{
	size_t i;

	for (i = 0; i < b->nproblems; i++)
		print_message("problem: %s\n", b->problems[i].message);
}

static const ex_bundle_entry *
entry(const ex_bundle *b, const char *path)
{
	const ex_bundle_entry *e = ex_bundle_find(b, path);

	if (e == NULL)
		fail_msg("no entry '%s' in the bundle", path);
	return e;
}

static void
expect_content(const ex_bundle *b, const char *path, const char *want)
{
	const ex_bundle_entry *e = entry(b, path);

	assert_non_null(e->content);
	assert_int_equal(e->content_len, strlen(want));
	assert_string_equal((const char *)e->content, want);
}

/* ex_bundle_check_bag's messages must be exactly want (NULL-ended). */
static void
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

#define expect_bag_problems(b, ...) do { \
	const char *const want_[] = { __VA_ARGS__, NULL }; \
	expect_bag_problems_v((b), want_ + (want_[0] == NULL)); \
} while (0)

/* Check a loaded sample bundle: payload, tag files, BagIt texts. */
static void
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

/* ---- each container, written and read back ---------------------------- */

/* The first ZIP local header's DOS time and date must be UTC. */
static void
check_dos_time_utc(const char *zip)
{
	unsigned char h[30];
	struct tm tm;
	time_t t = (time_t)MTIME;
	FILE *fp = fopen(zip, "rb");
	unsigned dos_time, dos_date;

	assert_non_null(fp);
	assert_int_equal(fread(h, 1, sizeof(h), fp), sizeof(h));
	fclose(fp);
	assert_memory_equal(h, "PK\3\4", 4);
	/* Stored, no compression (method 0). */
	assert_int_equal(h[8] | h[9] << 8, 0);
	dos_time = h[10] | (unsigned)h[11] << 8;
	dos_date = h[12] | (unsigned)h[13] << 8;
	gmtime_r(&t, &tm);
	assert_int_equal(dos_time, (unsigned)(tm.tm_hour << 11 |
	    tm.tm_min << 5 | tm.tm_sec / 2));
	assert_int_equal(dos_date, (unsigned)((tm.tm_year - 80) << 9 |
	    (tm.tm_mon + 1) << 5 | tm.tm_mday));
}

/* Entry metadata as libarchive reads it back. */
static void
check_archive_meta(const char *path, int64_t mtime, int want_dirs)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int dirs = 0, files = 0;

	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240),
	    ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		assert_int_equal(strncmp(name, TOP "/", strlen(TOP) + 1), 0);
		assert_int_equal(archive_entry_mtime(e), mtime);
		assert_int_equal(archive_entry_uid(e), 0);
		assert_int_equal(archive_entry_gid(e), 0);
		assert_true(archive_entry_uname(e) == NULL ||
		    archive_entry_uname(e)[0] == '\0');
		assert_true(archive_entry_gname(e) == NULL ||
		    archive_entry_gname(e)[0] == '\0');
		if (archive_entry_filetype(e) == AE_IFDIR) {
			assert_int_equal(archive_entry_perm(e), 0755);
			dirs++;
		} else {
			assert_int_equal(archive_entry_perm(e), 0644);
			files++;
		}
	}
	archive_read_free(a);
	assert_int_equal(files, NSAMPLES + 4);
	assert_int_equal(dirs, want_dirs);
}

/* Run a shell command in the test folder; 0 when it succeeds. */
static int
run(work *w, const char *fmt, ...)
{
	char cmd[2 * PATH_MAX + 256], tail[PATH_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", w->dir, tail);
	return system(cmd);
}

static const char check_bag[] =
    "sha256sum --quiet -c manifest-sha256.txt && "
    "sha256sum --quiet -c tagmanifest-sha256.txt";

static void
test_zip_roundtrip(void **state)
{
	work *w = *state;
	ex_bundle *b;
	size_t i, f = 0;
	const char *order[] = { "data/cam1/master/a.mp4",
	    "data/cam1/master/a.mp4.minisig", "data/cam1/working/empty.bin",
	    "data/key.pub", "manifest.xml", "manifest.xml.minisig",
	    "bagit.txt", "bag-info.txt", "manifest-sha256.txt",
	    "tagmanifest-sha256.txt" };

	/* DOS times are local times: a zone far from UTC must not leak in.
	 * (This test runs first, before anything has switched the zone.) */
	setenv("TZ", "America/New_York", 1);
	tzset();
	make_sources(w);
	write_sample(w, EX_CONTAINER_ZIP, at(w, "out/b.zip"), MTIME);
	assert_string_equal(scratch_listing(at(w, "out")), "b.zip");
	check_dos_time_utc(at(w, "out/b.zip"));
	/* top, data, cam1, master, working */
	check_archive_meta(at(w, "out/b.zip"), MTIME, 5);
	b = load_ok(at(w, "out/b.zip"), NULL);
	assert_int_equal(b->kind, EX_CONTAINER_ZIP);
	check_sample(w, b);
	/* Files in the order added, then the tag files. */
	for (i = 0; i < b->nentries; i++) {
		if (b->entries[i].type != EX_ENTRY_FILE)
			continue;
		assert_string_equal(b->entries[i].path, order[f]);
		f++;
	}
	assert_int_equal(f, 10);
	ex_bundle_free(&b);
	/* Free tools agree: unzip tests it, sha256sum checks the bag. */
	assert_int_equal(run(w, "unzip -tqq out/b.zip && mkdir x && cd x && "
	    "unzip -qq ../out/b.zip && cd " TOP " && %s", check_bag), 0);
}

static void
test_tar_roundtrip(void **state)
{
	work *w = *state;
	ex_bundle *b;

	make_sources(w);
	write_sample(w, EX_CONTAINER_TAR, at(w, "out/b.tar"), MTIME);
	check_archive_meta(at(w, "out/b.tar"), MTIME, 5);
	b = load_ok(at(w, "out/b.tar"), NULL);
	assert_int_equal(b->kind, EX_CONTAINER_TAR);
	check_sample(w, b);
	ex_bundle_free(&b);
	assert_int_equal(run(w, "mkdir x && tar -xf out/b.tar -C x && cd x/"
	    TOP " && %s", check_bag), 0);
}

static void
test_dir_roundtrip(void **state)
{
	work *w = *state;
	struct stat st;
	ex_bundle *b;

	make_sources(w);
	write_sample(w, EX_CONTAINER_DIR, at(w, "out/bag"), MTIME);
	assert_string_equal(scratch_listing(at(w, "out")), "bag");
	assert_string_equal(scratch_listing(at(w, "out/bag")), "bag-info.txt "
	    "bagit.txt data manifest-sha256.txt manifest.xml "
	    "manifest.xml.minisig tagmanifest-sha256.txt");
	assert_int_equal(lstat(at(w, "out/bag"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_mtime, MTIME);
	assert_int_equal(lstat(at(w, "out/bag/data/cam1/master/a.mp4"), &st),
	    0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_mtime, MTIME);
	b = load_ok(at(w, "out/bag"), NULL);
	assert_int_equal(b->kind, EX_CONTAINER_DIR);
	check_sample(w, b);
	ex_bundle_free(&b);
	assert_int_equal(run(w, "cd out/bag && %s", check_bag), 0);
}

static void
test_iso_roundtrip(void **state)
{
	work *w = *state;
	ex_bundle *b;

	make_sources(w);
	write_sample(w, EX_CONTAINER_ISO, at(w, "out/b.iso"), MTIME);
	b = load_ok(at(w, "out/b.iso"), NULL);
	assert_int_equal(b->kind, EX_CONTAINER_ISO);
	/* Rock Ridge keeps the names exactly. */
	check_sample(w, b);
	ex_bundle_free(&b);
}

/* A name Joliet would cut short is refused for ISO (and only for ISO). */
static void
test_iso_long_name(void **state)
{
	work *w = *state;
	ex_bundle_options opt = { MTIME, fields, 3, 0 };
	ex_bundle_writer *bw = NULL;
	char name[160], path[200];
	ex_error err;

	ex_error_clear(&err);
	memset(name, 'a', 104);
	name[104] = '\0';
	snprintf(path, sizeof(path), "data/%s", name);
	assert_int_equal(ex_bundle_writer_open(at(w, "long.iso"),
	    EX_CONTAINER_ISO, "T", &opt, &bw, &err), EX_OK);
	assert_int_equal(ex_bundle_add_buffer(bw, path, "x", 1, NULL, &err),
	    EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "does not fit an ISO 9660"));
	path[strlen(path) - 1] = '\0';         /* 103: fits */
	assert_int_equal(ex_bundle_add_buffer(bw, path, "x", 1, NULL, &err),
	    EX_OK);
	ex_bundle_writer_free(&bw);
	assert_int_equal(ex_bundle_writer_open(at(w, "long.zip"),
	    EX_CONTAINER_ZIP, "T", &opt, &bw, &err), EX_OK);
	snprintf(path, sizeof(path), "data/%s", name);   /* 104 again */
	assert_int_equal(ex_bundle_add_buffer(bw, path, "x", 1, NULL, &err),
	    EX_OK);
	ex_bundle_writer_free(&bw);
}

/* ---- reproducible, atomic --------------------------------------------- */

/* Write the sample in a child process (another pid, another run). */
static void
write_sample_in_child(work *w, ex_container kind, const char *out)
{
	char output[PATH_MAX];
	pid_t pid;

	snprintf(output, sizeof(output), "%s", out);
	pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		ex_bundle_options opt = { MTIME, fields, 3, 0 };
		ex_bundle_writer *bw = NULL;
		char *src;
		size_t i;
		int bad = 0;

		bad |= ex_bundle_writer_open(output, kind, REF, &opt, &bw,
		    NULL) != EX_OK;
		for (i = 0; !bad && i < NSAMPLES; i++) {
			if (samples[i].src == NULL) {
				const char *t = i == 4 ? manifest_xml :
				    manifest_sig;

				bad |= ex_bundle_add_buffer(bw,
				    samples[i].bag_path, t, strlen(t), NULL,
				    NULL) != EX_OK;
				continue;
			}
			src = strdup(at(w, "src/%s", samples[i].src));
			bad |= src == NULL || ex_bundle_add_file(bw,
			    samples[i].bag_path, src, NULL, NULL) != EX_OK;
			free(src);
		}
		bad |= bad || ex_bundle_finish(bw, NULL) != EX_OK;
		ex_bundle_writer_free(&bw);
		_exit(bad ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
expect_same_bytes(const char *a, const char *b)
{
	unsigned char *x, *y;
	size_t nx, ny;

	x = slurp(a, &nx);
	y = slurp(b, &ny);
	assert_int_equal(nx, ny);
	assert_memory_equal(x, y, nx);
	free(x);
	free(y);
}

static void
test_reproducible_zip_tar(void **state)
{
	work *w = *state;
	char *a, *b;

	make_sources(w);
	write_sample(w, EX_CONTAINER_ZIP, at(w, "out/1.zip"), MTIME);
	write_sample_in_child(w, EX_CONTAINER_ZIP, at(w, "out/2.zip"));
	a = path_dup(w, "out/1.zip");
	b = path_dup(w, "out/2.zip");
	expect_same_bytes(a, b);
	free(a);
	free(b);
	write_sample(w, EX_CONTAINER_TAR, at(w, "out/1.tar"), MTIME);
	write_sample_in_child(w, EX_CONTAINER_TAR, at(w, "out/2.tar"));
	a = path_dup(w, "out/1.tar");
	b = path_dup(w, "out/2.tar");
	expect_same_bytes(a, b);
	free(a);
	free(b);
	/* Another mtime gives another ZIP: the test can fail. */
	write_sample(w, EX_CONTAINER_ZIP, at(w, "out/3.zip"), MTIME + 2);
	{
		size_t n1, n3;
		unsigned char *x = slurp(at(w, "out/1.zip"), &n1);
		unsigned char *y = slurp(at(w, "out/3.zip"), &n3);

		assert_int_equal(n1, n3);
		assert_true(memcmp(x, y, n1) != 0);
		free(x);
		free(y);
	}
}

/* Compare two folder trees: names, types, modes, mtimes, bytes. */
static int
same_tree(const char *a, const char *b)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd),
	    "cd '%s' && find . -printf '%%p %%y %%m %%T@ %%s\\n' | sort >"
	    " ../a.lst && cd '%s' && find . -printf '%%p %%y %%m %%T@ %%s\\n' "
	    "| sort > ../b.lst && cmp -s ../a.lst ../b.lst && "
	    "diff -r '%s' '%s' >/dev/null", a, b, a, b);
	return system(cmd) == 0;
}

static void
test_reproducible_dir(void **state)
{
	work *w = *state;
	char *a, *b;

	make_sources(w);
	write_sample(w, EX_CONTAINER_DIR, at(w, "out/1"), MTIME);
	write_sample_in_child(w, EX_CONTAINER_DIR, at(w, "out/2"));
	a = path_dup(w, "out/1");
	b = path_dup(w, "out/2");
	assert_true(same_tree(a, b));
	free(b);
	/* A different mtime is seen by the comparison. */
	write_sample(w, EX_CONTAINER_DIR, at(w, "out/3"), MTIME + 1);
	b = path_dup(w, "out/3");
	assert_false(same_tree(a, b));
	free(a);
	free(b);
}

static void
test_existing_output_refused(void **state)
{
	work *w = *state;
	ex_bundle_options opt = { MTIME, NULL, 0, 0 };
	ex_bundle_writer *bw = NULL;
	ex_error err;
	size_t len;
	unsigned char *keep;

	mkdir(at(w, "out"), 0755);
	write_file(at(w, "out/b.zip"), "precious", 8);
	mkdir(at(w, "out/bag"), 0755);
	assert_int_equal(ex_bundle_writer_open(at(w, "out/b.zip"),
	    EX_CONTAINER_ZIP, REF, &opt, &bw, &err), EX_ERR_EXISTS);
	assert_non_null(strstr(err.message, "already exists"));
	assert_int_equal(ex_bundle_writer_open(at(w, "out/bag"),
	    EX_CONTAINER_DIR, REF, &opt, &bw, &err), EX_ERR_EXISTS);
	assert_non_null(strstr(err.message, "already exists"));
	assert_null(bw);
	keep = slurp(at(w, "out/b.zip"), &len);
	assert_int_equal(len, 8);
	free(keep);
	assert_string_equal(scratch_listing(at(w, "out")), "b.zip bag");

	/* Something that appears at the output meanwhile is not replaced. */
	assert_int_equal(ex_bundle_writer_open(at(w, "out/late"),
	    EX_CONTAINER_DIR, REF, &opt, &bw, &err), EX_OK);
	mkdir(at(w, "out/late"), 0755);
	assert_int_equal(ex_bundle_finish(bw, &err), EX_ERR_EXISTS);
	assert_non_null(strstr(err.message, "appeared while"));
	ex_bundle_writer_free(&bw);
	assert_string_equal(scratch_listing(at(w, "out")), "b.zip bag late");
	assert_string_equal(scratch_listing(at(w, "out/late")), "");
}

static void
check_abort(work *w, ex_container kind)
{
	ex_bundle_options opt = { MTIME, NULL, 0, 0 };
	ex_bundle_writer *bw = NULL;
	ex_error err;
	const char *names;

	assert_int_equal(ex_bundle_writer_open(at(w, "out/b"), kind, REF,
	    &opt, &bw, &err), EX_OK);
	assert_int_equal(ex_bundle_add_file(bw, "data/cam1/a.mp4",
	    at(w, "src/a.mp4"), NULL, &err), EX_OK);
	/* While it is written, nothing is at the output, only a hidden
	 * temporary beside it. */
	names = scratch_listing(at(w, "out"));
	assert_int_equal(strncmp(names, ".b.partial-", 11), 0);
	assert_null(strchr(names, ' '));
	ex_bundle_abort(&bw);
	assert_null(bw);
	assert_string_equal(scratch_listing(at(w, "out")), "");
	/* A writer freed unfinished is aborted too. */
	assert_int_equal(ex_bundle_writer_open(at(w, "out/b"), kind, REF,
	    &opt, &bw, &err), EX_OK);
	assert_int_equal(ex_bundle_add_file(bw, "data/a.mp4",
	    at(w, "src/a.mp4"), NULL, &err), EX_OK);
	ex_bundle_writer_free(&bw);
	assert_string_equal(scratch_listing(at(w, "out")), "");
}

static void
test_abort_leaves_nothing(void **state)
{
	work *w = *state;

	make_sources(w);
	check_abort(w, EX_CONTAINER_ZIP);
	check_abort(w, EX_CONTAINER_TAR);
	check_abort(w, EX_CONTAINER_DIR);
	check_abort(w, EX_CONTAINER_ISO);
	ex_bundle_abort(NULL);
	ex_bundle_writer_free(NULL);
}

/* A source that holds more than its size says fails mid-copy: the
 * writer gives up and leaves nothing behind. */
static void
check_failure_mid_file(work *w, ex_container kind)
{
	ex_bundle_options opt = { MTIME, NULL, 0, 0 };
	ex_bundle_writer *bw = NULL;
	ex_error err;

	assert_int_equal(ex_bundle_writer_open(at(w, "out/b"), kind, REF,
	    &opt, &bw, &err), EX_OK);
	assert_int_equal(ex_bundle_add_file(bw, "data/a.mp4",
	    at(w, "src/a.mp4"), NULL, &err), EX_OK);
	/* /proc files report size 0 but have content. */
	assert_int_equal(ex_bundle_add_file(bw, "data/status.txt",
	    "/proc/self/status", NULL, &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "grew while being copied"));
	assert_string_equal(scratch_listing(at(w, "out")), "");
	assert_int_equal(ex_bundle_add_file(bw, "data/b.mp4",
	    at(w, "src/a.mp4"), NULL, &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "abandoned after an earlier"));
	assert_int_equal(ex_bundle_finish(bw, &err), EX_ERR_IO);
	ex_bundle_writer_free(&bw);
	assert_string_equal(scratch_listing(at(w, "out")), "");
}

static void
test_failure_leaves_nothing(void **state)
{
	work *w = *state;
	ex_bundle_options opt = { MTIME, NULL, 0, 0 };
	ex_bundle_writer *bw = NULL;
	ex_error err;

	make_sources(w);
	check_failure_mid_file(w, EX_CONTAINER_ZIP);
	check_failure_mid_file(w, EX_CONTAINER_DIR);
	/* A missing source or a folder as source is refused before any
	 * byte is written, and the writer stays usable. */
	assert_int_equal(ex_bundle_writer_open(at(w, "out/b.zip"),
	    EX_CONTAINER_ZIP, REF, &opt, &bw, &err), EX_OK);
	assert_int_equal(ex_bundle_add_file(bw, "data/x", at(w, "nope"),
	    NULL, &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "No such file"));
	assert_int_equal(ex_bundle_add_file(bw, "data/x", at(w, "src"),
	    NULL, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "not a regular file"));
	assert_int_equal(ex_bundle_finish(bw, &err), EX_OK);
	ex_bundle_writer_free(&bw);
	assert_string_equal(scratch_listing(at(w, "out")), "b.zip");
	/* No output folder: an I/O error naming it. */
	assert_int_equal(ex_bundle_writer_open(at(w, "missing/b.zip"),
	    EX_CONTAINER_ZIP, REF, &opt, &bw, &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "missing/b.zip"));
}

/* ---- the reader against hostile bundles ------------------------------- */

typedef struct craft {
	const char *name;
	int type;                   /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFIFO,
	                               or 0 for a hard link */
	const char *data;           /* file content, or link target */
} craft;

static void
craft_archive(const char *path, int zip, const craft *c, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t i;

	if (zip)
		archive_write_set_format_zip(a);
	else
		archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_copy_pathname(e, c[i].name);
		archive_entry_set_mtime(e, MTIME, 0);
		if (c[i].type == 0) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_copy_hardlink(e, c[i].data);
			archive_entry_set_perm(e, 0644);
		} else {
			archive_entry_set_filetype(e, (unsigned)c[i].type);
			archive_entry_set_perm(e, c[i].type == AE_IFDIR ?
			    0755 : 0644);
		}
		if (c[i].type == AE_IFLNK)
			archive_entry_copy_symlink(e, c[i].data);
		if (c[i].type == AE_IFREG)
			archive_entry_set_size(e, (la_int64_t)strlen(
			    c[i].data));
		/* WARN: a non-ASCII name in the C locale (written raw). */
		if (archive_write_header(a, e) < ARCHIVE_WARN)
			fail_msg("%s: %s", c[i].name, archive_error_string(a));
		if (c[i].type == AE_IFREG)
			assert_int_equal(archive_write_data(a, c[i].data,
			    strlen(c[i].data)), (la_ssize_t)strlen(c[i].data));
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* Require a problem of this kind whose message contains want. */
static void
expect_problem(const ex_bundle *b, ex_bundle_problem_kind kind,
    const char *want)
{
	size_t i;

	for (i = 0; i < b->nproblems; i++) {
		if (b->problems[i].kind == kind &&
		    strstr(b->problems[i].message, want) != NULL)
			return;
	}
	print_problems(b);
	fail_msg("no problem of kind %d with '%s'", (int)kind, want);
}

static const craft hostile[] = {
	{ "EX-1/", AE_IFDIR, NULL },
	{ "EX-1/bagit.txt", AE_IFREG, "BagIt-Version: 1.0\n" },
	{ "EX-1/bagit.txt", AE_IFREG, "BagIt-Version: 0.97\n" },
	{ "EX-1/data/a.txt", AE_IFREG, "a" },
	{ "EX-1/data/A.TXT", AE_IFREG, "A" },
	{ "EX-1/../evil", AE_IFREG, "evil" },
	{ "../evil2", AE_IFREG, "evil" },
	{ "/abs/x", AE_IFREG, "abs" },
	{ "EX-1/data/link", AE_IFLNK, "/etc/passwd" },
	{ "EX-2/data/x", AE_IFREG, "other" },
	{ "top.txt", AE_IFREG, "top" },
	{ "EX-1/data/f", AE_IFREG, "file" },
	{ "EX-1/data/f/g", AE_IFREG, "under a file" },
	{ "EX-1/data/caf\xc3\xa9", AE_IFREG, "utf-8" },
	{ "EX-1/./data//b.txt", AE_IFREG, "b" },
	{ "EX-1/data/b.txt", AE_IFREG, "b again" },
};

static void
check_hostile(const ex_bundle *b)
{
	assert_string_equal(b->top, "EX-1");
	expect_problem(b, EX_PROBLEM_DUPLICATE,
	    "bagit.txt: two entries with this name");
	expect_problem(b, EX_PROBLEM_DUPLICATE,
	    "data/A.TXT: name differs only in case from 'data/a.txt'");
	expect_problem(b, EX_PROBLEM_DOTDOT,
	    "EX-1/../evil: path leaves the bundle");
	expect_problem(b, EX_PROBLEM_DOTDOT, "../evil2: path leaves the bundle");
	expect_problem(b, EX_PROBLEM_ABSOLUTE, "/abs/x: absolute path");
	expect_problem(b, EX_PROBLEM_SYMLINK,
	    "data/link: symbolic link to '/etc/passwd'");
	expect_problem(b, EX_PROBLEM_TOP,
	    "EX-2/data/x: in a second top-level folder 'EX-2'");
	expect_problem(b, EX_PROBLEM_TOP, "top.txt: outside the bundle's top");
	expect_problem(b, EX_PROBLEM_DUPLICATE,
	    "data/f/g: 'data/f' is a file but is also used as a folder");
	expect_problem(b, EX_PROBLEM_NAME,
	    "EX-1/data/caf\\xc3\\xa9: name is not plain ASCII");
	/* "./" and "//" do not hide a duplicate. */
	expect_problem(b, EX_PROBLEM_DUPLICATE,
	    "data/b.txt: two entries with this name");
	/* Entries outside the bag are kept, marked, and not found by path. */
	assert_null(ex_bundle_find(b, "evil"));
	assert_null(ex_bundle_find(b, "data/x"));
	/* Everything was still read and digested. */
	assert_true(entry(b, "data/a.txt")->digested);
	assert_true(entry(b, "data/A.TXT")->digested);
}

static void
test_hostile_tar(void **state)
{
	work *w = *state;
	craft more[sizeof(hostile) / sizeof(hostile[0]) + 2];
	size_t n = sizeof(hostile) / sizeof(hostile[0]);
	ex_bundle *b;

	memcpy(more, hostile, sizeof(hostile));
	more[n].name = "EX-1/data/hl";
	more[n].type = 0;
	more[n].data = "EX-1/bagit.txt";
	more[n + 1].name = "EX-1/data/fifo";
	more[n + 1].type = AE_IFIFO;
	more[n + 1].data = NULL;
	craft_archive(at(w, "h.tar"), 0, more, n + 2);
	b = load_ok(at(w, "h.tar"), NULL);
	assert_int_equal(b->kind, EX_CONTAINER_TAR);
	check_hostile(b);
	expect_problem(b, EX_PROBLEM_HARDLINK,
	    "data/hl: hard link to 'EX-1/bagit.txt'");
	expect_problem(b, EX_PROBLEM_SPECIAL, "data/fifo: device, fifo");
	assert_int_equal(entry(b, "data/hl")->type, EX_ENTRY_HARDLINK);
	assert_int_equal(entry(b, "data/fifo")->type, EX_ENTRY_OTHER);
	ex_bundle_free(&b);
}

static void
test_hostile_zip(void **state)
{
	work *w = *state;
	ex_bundle *b;

	craft_archive(at(w, "h.zip"), 1, hostile,
	    sizeof(hostile) / sizeof(hostile[0]));
	b = load_ok(at(w, "h.zip"), NULL);
	assert_int_equal(b->kind, EX_CONTAINER_ZIP);
	check_hostile(b);
	ex_bundle_free(&b);
}

static void
test_encrypted_zip_fixture(void **state)
{
	ex_bundle *b;

	(void)state;
	b = load_ok(TEST_SRCDIR "/tests/fixtures/bundle/encrypted.zip", NULL);
	assert_string_equal(b->top, "EX-1");
	expect_problem(b, EX_PROBLEM_ENCRYPTED,
	    "data/secret.txt: encrypted entry");
	assert_false(entry(b, "data/secret.txt")->digested);
	/* The plain entry beside it is read as usual. */
	expect_content(b, "bagit.txt",
	    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
	/* Info-ZIP made it, so its form is refused too (one problem: the
	 * raw walk stops at the first). */
	expect_problem(b, EX_PROBLEM_FORM, "ZIP flags");
	assert_int_equal(b->nproblems, 2);
	ex_bundle_free(&b);
}

static void
test_extra_data_around_archive(void **state)
{
	work *w = *state;
	unsigned char *zip;
	size_t len;
	ex_bundle *b;
	FILE *fp;

	make_sources(w);
	write_sample(w, EX_CONTAINER_ZIP, at(w, "out/b.zip"), MTIME);
	zip = slurp(at(w, "out/b.zip"), &len);
	/* A second archive (or anything) appended after the end. */
	fp = fopen(at(w, "appended.zip"), "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(zip, 1, len, fp), len);
	assert_int_equal(fwrite("PK\5\6 trailing", 1, 13, fp), 13);
	fclose(fp);
	b = load_ok(at(w, "appended.zip"), NULL);
	expect_problem(b, EX_PROBLEM_TRAILING, "after the end of the ZIP");
	ex_bundle_free(&b);
	/* Something put in front of it. */
	fp = fopen(at(w, "prepended.zip"), "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite("#!/bin/sh\nexit 0\n", 1, 17, fp), 17);
	assert_int_equal(fwrite(zip, 1, len, fp), len);
	fclose(fp);
	b = load_ok(at(w, "prepended.zip"), NULL);
	expect_problem(b, EX_PROBLEM_TRAILING, "before the ZIP proper");
	ex_bundle_free(&b);
	free(zip);
	/* The untouched one has no problem. */
	b = load_ok(at(w, "out/b.zip"), NULL);
	assert_int_equal(b->nproblems, 0);
	ex_bundle_free(&b);

	/* A second tar after the first one's end marker. */
	write_sample(w, EX_CONTAINER_TAR, at(w, "out/b.tar"), MTIME);
	assert_int_equal(run(w, "cat out/b.tar out/b.tar > two.tar"), 0);
	b = load_ok(at(w, "two.tar"), NULL);
	expect_problem(b, EX_PROBLEM_TRAILING,
	    "data after the end of the tar archive");
	ex_bundle_free(&b);
	/* Zero padding after it is fine. */
	assert_int_equal(run(w, "cp out/b.tar padded.tar && "
	    "head -c 20480 /dev/zero >> padded.tar"), 0);
	b = load_ok(at(w, "padded.tar"), NULL);
	assert_int_equal(b->nproblems, 0);
	ex_bundle_free(&b);
}

static void
test_hostile_folder(void **state)
{
	work *w = *state;
	ex_bundle *b;

	make_sources(w);
	write_sample(w, EX_CONTAINER_DIR, at(w, "out/bag"), MTIME);
	assert_int_equal(symlink("../../../etc/passwd",
	    at(w, "out/bag/data/link")), 0);
	assert_int_equal(symlink("/", at(w, "out/bag/data/rootlink")), 0);
	assert_int_equal(mkfifo(at(w, "out/bag/data/fifo"), 0644), 0);
	{
		char *from = path_dup(w, "out/bag/manifest.xml");

		assert_int_equal(link(from, at(w, "out/bag/data/hl.xml")), 0);
		free(from);
	}
	write_file(at(w, "out/bag/data/KEY.PUB"), "dup", 3);
	b = load_ok(at(w, "out/bag"), NULL);
	expect_problem(b, EX_PROBLEM_SYMLINK,
	    "data/link: symbolic link to '../../../etc/passwd'");
	expect_problem(b, EX_PROBLEM_SYMLINK,
	    "data/rootlink: symbolic link to '/'");
	expect_problem(b, EX_PROBLEM_SPECIAL, "data/fifo: device, fifo");
	expect_problem(b, EX_PROBLEM_HARDLINK, "data/hl.xml: hard link");
	expect_problem(b, EX_PROBLEM_HARDLINK, "manifest.xml: hard link");
	expect_problem(b, EX_PROBLEM_DUPLICATE,
	    "data/key.pub: name differs only in case from 'data/KEY.PUB'");
	/* Links are not followed: nothing under data/rootlink. */
	assert_null(ex_bundle_find(b, "data/rootlink/etc"));
	assert_int_equal(entry(b, "data/rootlink")->type, EX_ENTRY_SYMLINK);
	assert_int_equal(b->nproblems, 6);
	ex_bundle_free(&b);
}

static void
test_check_bag_finds_tampering(void **state)
{
	work *w = *state;
	ex_bundle *b;

	make_sources(w);
	write_sample(w, EX_CONTAINER_DIR, at(w, "out/bag"), MTIME);
	/* Same size, other bytes. */
	write_file(at(w, "out/bag/data/cam1/master/a.mp4.minisig"),
	    "untrusted comment: X\n", 21);
	write_file(at(w, "out/bag/data/extra.txt"), "extra", 5);
	assert_int_equal(unlink(at(w, "out/bag/data/key.pub")), 0);
	write_file(at(w, "out/bag/bagit.txt"), "BagIt-Version: 0.97\n"
	    "Tag-File-Character-Encoding: UTF-8\n", 55);
	write_file(at(w, "out/bag/notes.txt"), "n", 1);
	b = load_ok(at(w, "out/bag"), NULL);
	expect_bag_problems(b,
	    "data/cam1/master/a.mp4.minisig: SHA-256 ",
	    "data/key.pub: listed in manifest-sha256.txt but missing",
	    "data/extra.txt: payload file not listed in manifest-sha256.txt",
	    "bagit.txt: not exactly",
	    "bagit.txt: SHA-256 ",
	    "notes.txt: tag file not listed in tagmanifest-sha256.txt",
	    "bag-info.txt: Payload-Oxum 150050.4 but the payload is "
	    "150027.4");
	ex_bundle_free(&b);
}

static void
test_check_bag_malformed(void **state)
{
	work *w = *state;
	ex_bundle *b;
	FILE *fp;

	make_sources(w);
	write_sample(w, EX_CONTAINER_DIR, at(w, "out/bag"), MTIME);
	fp = fopen(at(w, "out/bag/manifest-sha256.txt"), "a");
	assert_non_null(fp);
	fputs("not a line\n", fp);
	fputs("0000000000000000000000000000000000000000000000000000000000000000"
	    "  bagit.txt\n", fp);
	fputs("0000000000000000000000000000000000000000000000000000000000000000"
	    "  data/key.pub\n", fp);
	fclose(fp);
	write_file(at(w, "out/bag/bag-info.txt"), "Source-Organization: x\n",
	    23);
	b = load_ok(at(w, "out/bag"), NULL);
	expect_bag_problems(b,
	    "manifest-sha256.txt: line 5 is not 'SHA-256 path'",
	    "bagit.txt: a tag file is listed in manifest-sha256.txt",
	    "data/key.pub: listed twice in manifest-sha256.txt",
	    "bag-info.txt: no Payload-Oxum",
	    "bag-info.txt: SHA-256 ",
	    "manifest-sha256.txt: SHA-256 ");
	ex_bundle_free(&b);
	/* An empty folder is no bag at all. */
	mkdir(at(w, "empty"), 0755);
	b = load_ok(at(w, "empty"), NULL);
	expect_bag_problems(b, "bagit.txt: missing",
	    "manifest-sha256.txt: missing",
	    "tagmanifest-sha256.txt: missing", "bag-info.txt: missing");
	ex_bundle_free(&b);
}

static void
test_limits(void **state)
{
	work *w = *state;
	ex_bundle_limits lim;
	ex_bundle *b;

	make_sources(w);
	write_sample(w, EX_CONTAINER_TAR, at(w, "out/b.tar"), MTIME);
	ex_bundle_limits_default(&lim);
	lim.max_entries = 3;
	b = load_ok(at(w, "out/b.tar"), &lim);
	assert_int_equal(b->nentries, 3);
	expect_problem(b, EX_PROBLEM_LIMIT, "more than 3 entries");
	ex_bundle_free(&b);

	ex_bundle_limits_default(&lim);
	lim.max_total_bytes = 1000;
	b = load_ok(at(w, "out/b.tar"), &lim);
	expect_problem(b, EX_PROBLEM_LIMIT,
	    "data/cam1/master/a.mp4: more than 1000 bytes of content");
	assert_false(entry(b, "data/cam1/master/a.mp4")->digested);
	ex_bundle_free(&b);

	/* A tag file over keep_max is digested but not kept. */
	ex_bundle_limits_default(&lim);
	lim.keep_max = 30;
	b = load_ok(at(w, "out/b.tar"), &lim);
	assert_int_equal(b->nproblems, 0);
	assert_null(entry(b, "bag-info.txt")->content);
	assert_true(entry(b, "bag-info.txt")->digested);
	expect_content(b, "data/key.pub", "untrusted comment: key\nRWQ=\n");
	ex_bundle_free(&b);
}

static void
test_not_a_bundle(void **state)
{
	work *w = *state;
	ex_bundle *b = NULL;
	ex_error err;

	write_file(at(w, "notes.txt"), "just some text\n", 15);
	assert_int_equal(ex_bundle_load(at(w, "notes.txt"), NULL, &b, &err),
	    EX_ERR_FORMAT);
	assert_non_null(strstr(err.message, "not a ZIP, tar or ISO 9660"));
	assert_null(b);
	write_file(at(w, "empty"), "", 0);
	assert_int_equal(ex_bundle_load(at(w, "empty"), NULL, &b, &err),
	    EX_ERR_FORMAT);
	assert_non_null(strstr(err.message, "not a ZIP, tar or ISO 9660"));
	assert_int_equal(ex_bundle_load(at(w, "missing.zip"), NULL, &b,
	    &err), EX_ERR_IO);
	assert_non_null(strstr(err.message, "No such file"));
	assert_null(b);
	ex_bundle_free(NULL);
	ex_bundle_free(&b);
}

/* ---- moving a finished file in ------------------------------------------ */

#define MOVE_SIZE ((3 << 20) + 5)      /* several chunks, helper thread */

static unsigned char *
move_data(void)
{
	unsigned char *p = malloc(MOVE_SIZE);
	uint32_t x = 777;
	size_t i;

	assert_non_null(p);
	for (i = 0; i < MOVE_SIZE; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)(x >> 16);
	}
	return p;
}

/* The entry at path of the bundle at out has digest *want. */
static void
assert_loaded_digest(const char *out, const char *path,
    const ex_digest_result *want)
{
	const ex_bundle_entry *e;
	char **problems = NULL;
	size_t nproblems = 0;
	ex_bundle *b = NULL;
	ex_error err;

	assert_int_equal(ex_bundle_load(out, NULL, &b, &err), EX_OK);
	assert_int_equal(b->nproblems, 0);
	assert_int_equal(ex_bundle_check_bag(b, &problems, &nproblems, &err),
	    EX_OK);
	assert_int_equal(nproblems, 0);
	e = ex_bundle_find(b, path);
	assert_non_null(e);
	assert_true(e->digested);
	assert_memory_equal(&e->digest, want, sizeof(*want));
	ex_bundle_free(&b);
}

static void
test_add_move(void **state)
{
	work *w = *state;
	ex_bundle_options opt = { MTIME, NULL, 0, 0 };
	unsigned char *data = move_data();
	ex_digest_result want, got, got2;
	ex_bundle_writer *bw = NULL;
	struct stat before, after, other;
	char *src, *src2, *link2, *out, *zout, *stored;
	ex_error err;

	ex_digest_buffer(data, MOVE_SIZE, &want);
	src = path_dup(w, "staged.mp4");
	src2 = path_dup(w, "staged2.mp4");
	link2 = path_dup(w, "other-name.mp4");
	out = path_dup(w, "bag");
	zout = path_dup(w, "bag.zip");
	write_file(src, data, MOVE_SIZE);
	write_file(src2, data, MOVE_SIZE);
	assert_int_equal(link(src2, link2), 0);
	assert_int_equal(stat(src, &before), 0);

	/* Folder bundle: the very file goes in by rename, digested once. */
	assert_int_equal(ex_bundle_writer_open(out, EX_CONTAINER_DIR, REF,
	    &opt, &bw, &err), EX_OK);
	/* A refused path leaves the source and the writer as they were. */
	ex_error_clear(&err);
	assert_int_equal(ex_bundle_add_move(bw, "data/../x.mp4", src, NULL,
	    &err), EX_ERR_USAGE);
	assert_int_equal(access(src, F_OK), 0);
	memset(&got, 0, sizeof(got));
	assert_int_equal(ex_bundle_add_move(bw, "data/cam1/native/n.mp4", src,
	    &got, &err), EX_OK);
	assert_memory_equal(&got, &want, sizeof(want));
	assert_int_equal(access(src, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	/* A file with a second name is copied, never moved: the other name
	 * keeps its own inode and content. */
	assert_int_equal(ex_bundle_add_move(bw, "data/cam1/native/m.mp4", src2,
	    &got2, &err), EX_OK);
	assert_memory_equal(&got2, &want, sizeof(want));
	assert_int_equal(access(src2, F_OK), -1);
	assert_int_equal(stat(link2, &other), 0);
	assert_int_equal(other.st_nlink, 1);
	/* The same name twice is refused. */
	write_file(src, "x", 1);
	ex_error_clear(&err);
	assert_int_equal(ex_bundle_add_move(bw, "data/cam1/native/n.mp4", src,
	    NULL, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "duplicate"));
	assert_int_equal(access(src, F_OK), 0);
	assert_int_equal(ex_bundle_finish(bw, &err), EX_OK);
	ex_bundle_writer_free(&bw);

	stored = path_dup(w, "bag/data/cam1/native/n.mp4");
	assert_int_equal(stat(stored, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_dev, before.st_dev);
	assert_int_equal(after.st_mode & 07777, 0644);
	assert_int_equal(after.st_mtime, MTIME);
	assert_int_equal(after.st_nlink, 1);
	free(stored);
	stored = path_dup(w, "bag/data/cam1/native/m.mp4");
	assert_int_equal(stat(stored, &after), 0);
	assert_true(after.st_ino != other.st_ino);
	assert_int_equal(after.st_mtime, MTIME);
	free(stored);
	assert_loaded_digest(out, "data/cam1/native/n.mp4", &want);
	assert_loaded_digest(out, "data/cam1/native/m.mp4", &want);

	/* ZIP: copied in, then the source is removed. */
	write_file(src, data, MOVE_SIZE);
	assert_int_equal(ex_bundle_writer_open(zout, EX_CONTAINER_ZIP, REF,
	    &opt, &bw, &err), EX_OK);
	assert_int_equal(ex_bundle_add_move(bw, "data/n.mp4", src, &got, &err),
	    EX_OK);
	assert_memory_equal(&got, &want, sizeof(want));
	assert_int_equal(access(src, F_OK), -1);
	/* A source that is not there fails and names it. */
	ex_error_clear(&err);
	assert_int_equal(ex_bundle_add_move(bw, "data/o.mp4", src, NULL, &err),
	    EX_ERR_IO);
	assert_non_null(strstr(err.message, "staged.mp4"));
	assert_int_equal(ex_bundle_finish(bw, &err), EX_OK);
	ex_bundle_writer_free(&bw);
	assert_loaded_digest(zout, "data/n.mp4", &want);

	free(src);
	free(src2);
	free(link2);
	free(out);
	free(zout);
	free(data);
}

/* ---- folder bundles: desktop files; a folder that holds bundles ---- */

static void
test_desktop_file_rule(void **state)
{
	(void)state;
	assert_string_equal(ex_bundle_desktop_file(".DS_Store", 0),
	    "added by macOS Finder");
	assert_non_null(ex_bundle_desktop_file("data/cam1/.DS_Store", 0));
	assert_non_null(ex_bundle_desktop_file("data/Thumbs.db", 0));
	assert_non_null(ex_bundle_desktop_file("desktop.ini", 0));
	assert_non_null(ex_bundle_desktop_file("data/._README.txt", 0));
	assert_non_null(ex_bundle_desktop_file("__MACOSX", 1));
	assert_non_null(ex_bundle_desktop_file("__MACOSX/data", 1));
	assert_non_null(ex_bundle_desktop_file("__MACOSX/data/._x", 0));
	assert_non_null(ex_bundle_desktop_file("__MACOSX/.DS_Store", 0));
	/* Nothing else: other names and cases, "._" alone, folders named
	 * like the files, another name under __MACOSX/, __MACOSX lower. */
	assert_null(ex_bundle_desktop_file("data/thumbs.db", 0));
	assert_null(ex_bundle_desktop_file("Desktop.ini", 0));
	assert_null(ex_bundle_desktop_file(".ds_store", 0));
	assert_null(ex_bundle_desktop_file("data/._", 0));
	assert_null(ex_bundle_desktop_file("data/x.DS_Store", 0));
	assert_null(ex_bundle_desktop_file(".DS_Store", 1));
	assert_null(ex_bundle_desktop_file("data/._x", 1));
	assert_null(ex_bundle_desktop_file("__MACOSX/Thumbs.db", 0));
	assert_null(ex_bundle_desktop_file("__MACOSX/README.txt", 0));
	assert_null(ex_bundle_desktop_file("__MACOSX", 0));
	assert_null(ex_bundle_desktop_file("data/__MACOSX", 1));
	assert_null(ex_bundle_desktop_file("manifest.xml", 0));
}

static void
test_folder_desktop_files(void **state)
{
	work *w = *state;
	ex_bundle *b;
	char **bagp = NULL;
	size_t nbagp = 0, i;
	ex_error err;

	make_sources(w);
	write_sample(w, EX_CONTAINER_DIR, at(w, "out/bag"), MTIME);
	write_file(at(w, "out/bag/.DS_Store"), "Bud1", 4);
	write_file(at(w, "out/bag/data/Thumbs.db"), "t", 1);
	write_file(at(w, "out/bag/data/._a.mp4"), "a", 1);
	assert_int_equal(mkdir(at(w, "out/bag/__MACOSX"), 0755), 0);
	assert_int_equal(mkdir(at(w, "out/bag/__MACOSX/data"), 0755), 0);
	write_file(at(w, "out/bag/__MACOSX/data/._a.mp4"), "a", 1);
	write_file(at(w, "out/bag/__MACOSX/evil.txt"), "e", 1);
	assert_int_equal(symlink("../manifest.xml",
	    at(w, "out/bag/data/desktop.ini")), 0);
	b = load_ok(at(w, "out/bag"), NULL);
	assert_int_equal(b->nignored, 5);
	assert_string_equal(b->ignored[0].path, ".DS_Store");
	assert_string_equal(b->ignored[1].path, "__MACOSX");
	assert_string_equal(b->ignored[2].path, "__MACOSX/data/._a.mp4");
	assert_string_equal(b->ignored[3].path, "data/._a.mp4");
	assert_string_equal(b->ignored[4].path, "data/Thumbs.db");
	assert_string_equal(b->ignored[4].origin,
	    "thumbnail cache added by Windows Explorer");
	/* Ignored ones are no entries; the rest are, and fail as ever. */
	assert_null(ex_bundle_find(b, ".DS_Store"));
	assert_null(ex_bundle_find(b, "data/Thumbs.db"));
	assert_null(ex_bundle_find(b, "__MACOSX"));
	assert_int_equal(entry(b, "__MACOSX/evil.txt")->type, EX_ENTRY_FILE);
	assert_int_equal(entry(b, "data/desktop.ini")->type,
	    EX_ENTRY_SYMLINK);
	expect_problem(b, EX_PROBLEM_SYMLINK, "data/desktop.ini: symbolic link");
	assert_int_equal(b->nproblems, 1);
	/* The BagIt check does not see them either. */
	assert_int_equal(ex_bundle_check_bag(b, &bagp, &nbagp, &err), EX_OK);
	for (i = 0; i < nbagp; i++) {
		assert_null(strstr(bagp[i], "DS_Store"));
		assert_null(strstr(bagp[i], "Thumbs"));
		assert_null(strstr(bagp[i], "._a"));
		free(bagp[i]);
	}
	free(bagp);
	ex_bundle_free(&b);
}

static void
test_bundle_held(void **state)
{
	work *w = *state;
	char **names = NULL;
	size_t n = 0, i;
	ex_error err;

	make_sources(w);
	assert_int_equal(mkdir(at(w, "holder"), 0755), 0);
	write_sample(w, EX_CONTAINER_DIR, at(w, "holder/bag"), MTIME);
	write_file(at(w, "holder/copy.ZIP"), "PK", 2);
	write_file(at(w, "holder/notes.txt"), "n", 1);
	assert_int_equal(mkdir(at(w, "holder/empty"), 0755), 0);
	assert_int_equal(symlink("bag", at(w, "holder/link")), 0);
	assert_int_equal(symlink("copy.ZIP", at(w, "holder/link.zip")), 0);
	assert_int_equal(ex_bundle_held(at(w, "holder"), &names, &n, &err),
	    EX_OK);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "bag");
	assert_string_equal(names[1], "copy.ZIP");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	/* A bag itself, a file, a missing path: none. */
	assert_int_equal(ex_bundle_held(at(w, "holder/bag"), &names, &n,
	    &err), EX_OK);
	assert_int_equal(n, 0);
	assert_null(names);
	assert_int_equal(ex_bundle_held(at(w, "holder/notes.txt"), &names,
	    &n, &err), EX_OK);
	assert_int_equal(n, 0);
	assert_int_equal(ex_bundle_held(at(w, "nowhere"), &names, &n, &err),
	    EX_OK);
	assert_int_equal(n, 0);
	/* Any of a bag's top names, even a dangling link, makes it one. */
	assert_int_equal(symlink("nowhere", at(w, "holder/custody.xml")), 0);
	assert_int_equal(ex_bundle_held(at(w, "holder"), &names, &n, &err),
	    EX_OK);
	assert_int_equal(n, 0);
	assert_null(names);
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

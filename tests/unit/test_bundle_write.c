/*
 * test_bundle_write.c — each container written and read back, and the
 * writer's promises: reproducible bytes, atomic output, nothing left
 * behind on abort or failure; part of the test_bundle program (main and
 * the shared scaffolding: test_bundle.c).
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
int
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

void
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

void
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

void
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

void
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
void
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

void
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

void
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

void
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

void
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

void
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

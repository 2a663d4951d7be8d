/*
 * test_bundle_read.c — the reader against hostile bundles, moving a
 * finished file in, folder bundles (desktop files, a folder holding
 * bundles); part of the test_bundle program (main and the shared
 * scaffolding: test_bundle.c).
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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

/*
 * test_export_io.c — the I/O side of the export job: the re-hash of the
 * recorder files (now in a thread of its own, beside the media work)
 * still catches a source that changed after it was copied; a folder
 * bundle takes the staged native copy by rename and ends up with the same
 * bytes as a ZIP, which copies it; nothing is left beside the output.
 * Works on a copy of samples/archive in a fresh folder, removed at the
 * end.
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
#include <unistd.h>

#include <cmocka.h>

#include "exhibit/bundle.h"
#include "exhibit/export.h"
#include "exhibit/sign.h"
#include "exhibit/verify.h"
#include "scratch.h"

typedef struct work {
	char dir[PATH_MAX / 4];
	char archive[PATH_MAX / 2];
	ex_seckey *key;
	ex_pubkey pub;
	int tampered;                   /* set by the progress callback */
} work;

static int
setup(void **state)
{
	work *w = calloc(1, sizeof(*w));
	char cmd[PATH_MAX * 2];
	ex_error err;

	if (w == NULL || scratch_make(w->dir, sizeof(w->dir),
	    "test_export_io") != 0)
		return -1;
	snprintf(w->archive, sizeof(w->archive), "%s/archive", w->dir);
	/* Writable even when the source tree is not (make distcheck). */
	snprintf(cmd, sizeof(cmd), "cp -R '%s/samples/archive' '%s' && "
	    "chmod -R u+w '%s'", TEST_SRCDIR, w->archive, w->archive);
	if (system(cmd) != 0 || ex_key_generate(&w->key, &err) != EX_OK)
		return -1;
	ex_seckey_pubkey(w->key, &w->pub);
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	work *w = *state;

	ex_seckey_free(&w->key);
	scratch_remove(w->dir);
	free(w);
	return 0;
}

static void
request(work *w, ex_export_request *req, const char *out,
    ex_container kind)
{
	static const char *const cams[] = { "cam1" };
	ex_error err;

	memset(req, 0, sizeof(*req));
	req->archive = w->archive;
	req->output = out;
	req->cameras = cams;
	req->ncameras = 1;
	assert_int_equal(ex_time_parse("2024-10-27T01:00:00Z", NULL,
	    &req->from, &err), EX_OK);
	req->to = req->from + 2 * EX_USEC_PER_SEC;
	req->case_ref = "C-1";
	req->exhibit_ref = "ABC/1";
	req->operator_name = "Jo Bloggs";
	req->container = kind;
	req->no_working = 1;
	req->crf = -1;
	req->jobs = 2;
	req->key = w->key;
	req->now = INT64_C(1730000000) * EX_USEC_PER_SEC;
}

/* Once every master of camera 0 is copied, add a byte to each of the
 * camera's recorder files (as a recorder still writing would). */
static void
append_to_sources(void *user, int camera, ex_export_stage stage,
    int64_t done, int64_t expected)
{
	work *w = user;
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *de;
	DIR *d;

	if (camera != 0 || stage != EX_STAGE_MASTER || done != expected ||
	    w->tampered)
		return;
	snprintf(dir, sizeof(dir), "%s/cam1", w->archive);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((fd = open(path, O_WRONLY | O_APPEND)) >= 0) {
			if (write(fd, "X", 1) == 1)
				w->tampered++;
			close(fd);
		}
	}
	closedir(d);
}

static void
test_source_changed_after_copy(void **state)
{
	work *w = *state;
	ex_export_request req;
	ex_export_result *res = NULL;
	char out[PATH_MAX];
	ex_error err;

	snprintf(out, sizeof(out), "%s/b.zip", w->dir);
	request(w, &req, out, EX_CONTAINER_ZIP);
	req.progress = append_to_sources;
	req.progress_user = w;
	ex_error_clear(&err);
	assert_int_equal(ex_export(&req, &res, &err), EX_ERR_IO);
	assert_null(res);
	assert_true(w->tampered > 0);
	assert_non_null(strstr(err.message, "changed while it was being "
	    "exported"));
	assert_non_null(strstr(err.message, "/cam1/"));
	/* No bundle, no staging or partial file beside it. */
	assert_string_equal(scratch_listing(w->dir), "archive");
}

/* The digest of the entry at path in the bundle at out. */
static ex_digest_result
entry_digest(const char *out, const char *path)
{
	const ex_bundle_entry *e;
	ex_digest_result d;
	ex_bundle *b = NULL;
	ex_error err;

	assert_int_equal(ex_bundle_load(out, NULL, &b, &err), EX_OK);
	e = ex_bundle_find(b, path);
	assert_non_null(e);
	assert_true(e->digested);
	d = e->digest;
	ex_bundle_free(&b);
	return d;
}

static void
test_dir_takes_staged_files(void **state)
{
	static const char native[] = "data/cam1/native/cam1-native-001.mp4";
	work *w = *state;
	ex_export_request req;
	ex_export_result *res = NULL;
	ex_verify_report *rep = NULL;
	ex_digest_result dz, dd;
	char zout[PATH_MAX], dout[PATH_MAX], path[PATH_MAX * 2];
	struct stat st;
	ex_error err;

	snprintf(zout, sizeof(zout), "%s/b.zip", w->dir);
	snprintf(dout, sizeof(dout), "%s/bag", w->dir);
	request(w, &req, zout, EX_CONTAINER_ZIP);
	assert_int_equal(ex_export(&req, &res, &err), EX_OK);
	ex_export_result_free(&res);
	request(w, &req, dout, EX_CONTAINER_DIR);
	assert_int_equal(ex_export(&req, &res, &err), EX_OK);
	ex_export_result_free(&res);
	/* Nothing left over: no staging folder, no partial bundle. */
	assert_string_equal(scratch_listing(w->dir), "archive b.zip bag");

	snprintf(path, sizeof(path), "%s/%s", dout, native);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_mtime, 1730000000);
	/* Renamed in or copied in: the same bytes. */
	dz = entry_digest(zout, native);
	dd = entry_digest(dout, native);
	assert_memory_equal(&dz, &dd, sizeof(dz));
	assert_true(dz.size > 0);

	assert_int_equal(ex_verify(dout, &w->pub, 1, &rep, &err), EX_OK);
	assert_true(rep->passed);
	ex_verify_report_free(&rep);
	assert_int_equal(ex_verify(zout, &w->pub, 1, &rep, &err), EX_OK);
	assert_true(rep->passed);
	ex_verify_report_free(&rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_source_changed_after_copy,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_takes_staged_files,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

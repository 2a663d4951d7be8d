/* test_fileio.c — ex_file_open: regular files only, never waiting, each
 * refusal named (exhibit/fileio.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhibit/fileio.h"
#include "scratch.h"

static char dir[4096];

static const char *
at(const char *name)
{
	static char path[8192];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static int
setup(void **state)
{
	FILE *f;

	(void)state;
	if (scratch_make(dir, sizeof(dir), "test_fileio") != 0)
		return -1;
	if ((f = fopen(at("file"), "w")) == NULL)
		return -1;
	fputs("bytes\n", f);
	fclose(f);
	if (mkfifo(at("fifo"), 0600) != 0 || mkdir(at("folder"), 0700) != 0 ||
	    symlink("file", at("link")) != 0 ||
	    symlink("loop", at("loop")) != 0 ||
	    symlink("/dev/null", at("device")) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	scratch_remove(dir);
	return 0;
}

/* ex_file_open must refuse path with code, the message being exactly
 * "<path>: <why>", and leave no descriptor. */
static void
refused(const char *name, unsigned flags, ex_status code, const char *why)
{
	char want[9000];
	ex_error err;
	int fd = 7;

	ex_error_clear(&err);
	assert_int_equal(ex_file_open(AT_FDCWD, at(name), flags, NULL, &fd,
	    NULL, &err), code);
	assert_int_equal(fd, -1);
	snprintf(want, sizeof(want), "%s: %s", at(name), why);
	assert_string_equal(err.message, want);
}

static void
test_regular_file(void **state)
{
	struct stat sb;
	char buf[16];
	ex_error err;
	int fd;

	(void)state;
	ex_error_clear(&err);
	assert_int_equal(ex_file_open(AT_FDCWD, at("file"), EX_FILE_NOFOLLOW,
	    NULL, &fd, &sb, &err), EX_OK);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_size, 6);
	/* O_NONBLOCK is cleared once the file is known to be regular. */
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 6);
	close(fd);
	/* A link to it is followed unless told not to. */
	assert_int_equal(ex_file_open(AT_FDCWD, at("link"), 0, NULL, &fd,
	    NULL, &err), EX_OK);
	close(fd);
}

static void
test_refusals(void **state)
{
	(void)state;
	refused("fifo", 0, EX_ERR_UNSUPPORTED, "not a regular file (a FIFO)");
	refused("folder", 0, EX_ERR_UNSUPPORTED,
	    "not a regular file (a folder)");
	refused("device", 0, EX_ERR_UNSUPPORTED,
	    "not a regular file (a character device)");
	refused("link", EX_FILE_NOFOLLOW, EX_ERR_UNSUPPORTED,
	    "not a regular file (a symbolic link)");
	refused("loop", 0, EX_ERR_IO, strerror(ELOOP));
	refused("missing", 0, EX_ERR_IO, strerror(ENOENT));
	assert_int_equal(errno, ENOENT);
}

static void
test_folder_allowed(void **state)
{
	struct stat sb;
	ex_error err;
	int fd;

	(void)state;
	assert_int_equal(ex_file_open(AT_FDCWD, at("folder"), EX_FILE_DIR,
	    NULL, &fd, &sb, &err), EX_OK);
	assert_true(S_ISDIR(sb.st_mode));
	close(fd);
	/* ... but still not a FIFO. */
	refused("fifo", EX_FILE_DIR, EX_ERR_UNSUPPORTED,
	    "not a regular file (a FIFO)");
}

static void
test_shown(void **state)
{
	ex_error err;
	int fd, dfd;

	(void)state;
	/* Relative to a folder, shown as asked; "" leaves the why alone. */
	assert_true((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(ex_file_open(dfd, "fifo", 0, "the key", &fd, NULL,
	    &err), EX_ERR_UNSUPPORTED);
	assert_string_equal(err.message, "the key: not a regular file (a FIFO)");
	assert_int_equal(ex_file_open(dfd, "fifo", 0, "", &fd, NULL, &err),
	    EX_ERR_UNSUPPORTED);
	assert_string_equal(err.message, "not a regular file (a FIFO)");
	close(dfd);
}

static void
test_fd_name(void **state)
{
	struct stat a, b;
	char buf[32];
	const char *name;
	ex_error err;
	int fd;

	(void)state;
	assert_int_equal(ex_file_open(AT_FDCWD, at("file"), 0, NULL, &fd, &a,
	    &err), EX_OK);
	name = ex_file_fd_name(fd, "fallback", buf, sizeof(buf));
	/* Either the /proc name of this very file, or the fallback. */
	if (strcmp(name, "fallback") != 0) {
		assert_int_equal(stat(name, &b), 0);
		assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	}
	assert_string_equal(ex_file_fd_name(fd, "fallback", buf, 4),
	    "fallback");
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular_file),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_folder_allowed),
		cmocka_unit_test(test_shown),
		cmocka_unit_test(test_fd_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

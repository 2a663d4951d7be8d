/* fileio.c — opening an input file without waiting and only if it is a
 * regular file (see exhibit/fileio.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhibit/fileio.h"

const char *
ex_file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "an unknown kind of file";
}

/* "<shown>: <why>", or the why alone when shown is ""; errno = e. */
static ex_status
refuse(ex_error *err, ex_status code, const char *shown, const char *why,
    int e)
{
	ex_error_set(err, code, "%s%s%s", shown, shown[0] != '\0' ? ": " : "",
	    why);
	errno = e;
	return code;
}

/* The same for the errno of the call that failed. */
static ex_status
refuse_errno(ex_error *err, const char *shown)
{
	int e = errno;

	return refuse(err, e == ENOMEM ? EX_ERR_NOMEM : EX_ERR_IO, shown,
	    strerror(e), e);
}

/* Is mode what the flags accept? */
static int
acceptable(mode_t mode, unsigned flags)
{
	return S_ISREG(mode) || ((flags & EX_FILE_DIR) && S_ISDIR(mode));
}

ex_status
ex_file_open(int dirfd, const char *path, unsigned flags, const char *shown,
    int *fdp, struct stat *sb, ex_error *err)
{
	struct stat before, after;
	char why[64];
	int nofollow = (flags & EX_FILE_NOFOLLOW) != 0;
	int fd, fl;
	ex_status st;

	*fdp = -1;
	if (shown == NULL)
		shown = path;
	/* Look first: what is not a regular file is never opened. */
	if (fstatat(dirfd, path, &before, nofollow ? AT_SYMLINK_NOFOLLOW : 0)
	    != 0)
		return refuse_errno(err, shown);
	if (!acceptable(before.st_mode, flags)) {
		snprintf(why, sizeof(why), "not a regular file (%s)",
		    ex_file_kind(before.st_mode));
		return refuse(err, EX_ERR_UNSUPPORTED, shown, why, 0);
	}
	fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
	    (nofollow ? O_NOFOLLOW : 0) |
	    (S_ISDIR(before.st_mode) ? O_DIRECTORY : 0));
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR || errno == ENXIO)
			return refuse(err, EX_ERR_IO, shown,
			    "changed while it was opened", 0);
		return refuse_errno(err, shown);
	}
	if (fstat(fd, &after) != 0) {
		st = refuse_errno(err, shown);
		goto fail;
	}
	if (!acceptable(after.st_mode, flags) ||
	    after.st_dev != before.st_dev || after.st_ino != before.st_ino) {
		st = refuse(err, EX_ERR_IO, shown,
		    "changed while it was opened", 0);
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		st = refuse_errno(err, shown);
		goto fail;
	}
	if (sb != NULL)
		*sb = after;
	*fdp = fd;
	return EX_OK;
fail:
	fl = errno;
	close(fd);
	errno = fl;
	return st;
}

char *
ex_file_sibling_template(const char *path, const char *tag)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + strlen(tag) + 16;
	char *t = malloc(n);

	if (t != NULL)
		snprintf(t, n, "%.*s.%s.%s-XXXXXX", (int)dirlen, path,
		    path + dirlen, tag);
	return t;
}

const char *
ex_file_fd_name(int fd, const char *fallback, char *buf, size_t size)
{
	struct stat a, b;
	int n;

	n = snprintf(buf, size, "/proc/self/fd/%d", fd);
	if (n < 0 || (size_t)n >= size || fstat(fd, &a) != 0 ||
	    stat(buf, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return fallback;
	return buf;
}

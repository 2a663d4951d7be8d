/*
 * read_file.c — read one file out of a finished bundle (ex_bundle_read_file):
 * from a folder without following links, or from a ZIP, tar or ISO through
 * libarchive.  Also the archive helpers the rewrite shares (copy.c): entry
 * names split at the top folder, opening the archive, its errors.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle/bundle_private.h"
#include "exhibit/fileio.h"

/* ---- archive entry names ---------------------------------------------- */

int
bundle_split_name(const char *stored, char *buf, size_t size, size_t *top_len,
    const char **rel)
{
	const char *p = stored, *q;
	size_t o = 0, n;

	if (stored == NULL || stored[0] == '/')
		return -1;
	buf[0] = '\0';
	while (*p != '\0') {
		q = strchr(p, '/');
		n = q != NULL ? (size_t)(q - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (o + n + 2 > size)
				return -1;
			if (o > 0)
				buf[o++] = '/';
			memcpy(buf + o, p, n);
			o += n;
			buf[o] = '\0';
		}
		p += n;
		if (*p == '/')
			p++;
	}
	if (o == 0)
		return -2;      /* the archive's root ("." in an ISO) */
	*top_len = strcspn(buf, "/");
	*rel = buf[*top_len] == '/' ? buf + *top_len + 1 : NULL;
	return 0;
}

ex_status
bundle_read_error(struct archive *a, const char *path, const char *what,
    ex_error *err)
{
	if (archive_errno(a) == ENOMEM)
		return base_nomem(err);
	return bundle_archive_error(a, path, what, err);
}

ex_status
bundle_read_open(const char *path, int fd, struct archive **out, ex_error *err)
{
	struct archive *a;
	char fdname[32];

	*out = NULL;
	if ((a = archive_read_new()) == NULL)
		return base_nomem(err);
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_iso9660(a);
	if (archive_read_open_filename(a, ex_file_fd_name(fd, path, fdname,
	    sizeof(fdname)), 65536) != ARCHIVE_OK) {
		ex_status st = bundle_read_error(a, path, "open", err);

		archive_read_free(a);
		return st;
	}
	*out = a;
	return EX_OK;
}

/* ---- reading one file --------------------------------------------------- */

/* Read all of fd (at most max bytes) into a new NUL-terminated buffer. */
static ex_status
slurp_fd(int fd, const char *shown, size_t max, char **data, size_t *len,
    ex_error *err)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t r;

	if (fstat(fd, &st) != 0)
		return ex_error_errno(err, "%s", shown);
	if (!S_ISREG(st.st_mode))
		return ex_error_set(err, EX_ERR_FORMAT, "%s: not a regular "
		    "file", shown);
	if ((uint64_t)st.st_size > max)
		return ex_error_set(err, EX_ERR_FORMAT, "%s: larger than %zu "
		    "bytes", shown, max);
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		return base_nomem(err);
	for (;;) {
		r = read(fd, buf + got, (size_t)st.st_size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return ex_error_errno(err, "%s", shown);
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > (size_t)st.st_size) {
			free(buf);
			return ex_error_set(err, EX_ERR_IO, "%s: grew while "
			    "being read", shown);
		}
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return EX_OK;
}

/*
 * Open bag_path below the folder bundle open at dfd (shown as path),
 * following no link on the way, as exhibit/fileio.h says: *fdp is a
 * regular file.  EX_ERR_FORMAT when it is missing or not a regular file.
 */
static ex_status
open_below(int dfd, const char *path, const char *bag_path, int *fdp,
    ex_error *err)
{
	char comp[BUNDLE_PATH_MAX], shown[BUNDLE_PATH_MAX + 4096];
	const char *p = bag_path, *slash;
	int fd = dup(dfd), next, e;
	ex_status s;

	*fdp = -1;
	while (fd >= 0 && (slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);

		if (n == 0 || n >= sizeof(comp)) {
			close(fd);
			fd = -1;
			errno = ENOENT;
			break;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	e = errno;
	snprintf(shown, sizeof(shown), "%s/%s", path, bag_path);
	if (fd < 0) {
		errno = e;
		s = ex_error_errno(err, "%s", shown);
	} else {
		s = ex_file_open(fd, p, EX_FILE_NOFOLLOW, shown, fdp, NULL,
		    err);
		e = errno;
		close(fd);
	}
	if (s == EX_ERR_IO && (e == ENOENT || e == ELOOP || e == ENOTDIR))
		return ex_error_set(err, EX_ERR_FORMAT, "%s: no file %s in the "
		    "bundle", path, bag_path);
	if (s == EX_ERR_UNSUPPORTED) {  /* a FIFO, a link, ...: malformed */
		s = EX_ERR_FORMAT;
		if (err != NULL)
			err->code = s;
	}
	return s;
}

ex_status
bundle_read_dir_file(int dfd, const char *path, const char *bag_path, size_t max,
    char **data, size_t *len, int64_t *mtime, ex_error *err)
{
	struct stat st;
	ex_status s;
	int fd;

	if ((s = open_below(dfd, path, bag_path, &fd, err)) != EX_OK)
		return s;
	s = slurp_fd(fd, bag_path, max, data, len, err);
	if (s == EX_OK && mtime != NULL && fstat(fd, &st) == 0)
		*mtime = (int64_t)st.st_mtime;
	close(fd);
	return s;
}

static ex_status
read_archive_file(int fd, const char *path, const char *bag_path, size_t max,
    char **data, size_t *len, int64_t *mtime, ex_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *ae;
	char name[BUNDLE_PATH_MAX], *buf = NULL;
	const char *rel;
	size_t top_len, got = 0;
	la_int64_t size;
	la_ssize_t n;
	ex_status st;
	int r;

	if ((st = bundle_read_open(path, fd, &a, err)) != EX_OK)
		return st;
	for (;;) {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF) {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: no file %s "
			    "in the bundle", path, bag_path);
			goto out;
		}
		if (r < ARCHIVE_WARN) {
			st = bundle_read_error(a, path, "read", err);
			goto out;
		}
		if (bundle_split_name(archive_entry_pathname(ae), name, sizeof(name),
		    &top_len, &rel) != 0 || rel == NULL ||
		    strcmp(rel, bag_path) != 0)
			continue;
		if (archive_entry_filetype(ae) != AE_IFREG ||
		    archive_entry_hardlink(ae) != NULL) {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: %s is not a "
			    "regular file", path, bag_path);
			goto out;
		}
		break;
	}
	size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1;
	if (size > (la_int64_t)max) {
		st = ex_error_set(err, EX_ERR_FORMAT, "%s: %s is larger than "
		    "%zu bytes", path, bag_path, max);
		goto out;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	while ((n = archive_read_data(a, buf + got, max + 1 - got)) > 0) {
		got += (size_t)n;
		if (got > max) {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: %s is larger "
			    "than %zu bytes", path, bag_path, max);
			goto out;
		}
	}
	if (n < 0) {
		st = bundle_read_error(a, path, bag_path, err);
		goto out;
	}
	buf[got] = '\0';
	if (mtime != NULL)
		*mtime = (int64_t)archive_entry_mtime(ae);
	*data = buf;
	*len = got;
	buf = NULL;
	st = EX_OK;
out:
	free(buf);
	archive_read_free(a);
	return st;
}

ex_status
ex_bundle_read_file(const char *path, const char *bag_path, size_t max,
    char **data, size_t *len, int64_t *mtime, ex_error *err)
{
	struct stat st;
	ex_status s;
	int fd;

	*data = NULL;
	*len = 0;
	if (path == NULL || bag_path == NULL || bag_path[0] == '\0')
		return ex_error_set(err, EX_ERR_USAGE, "bundle: no path");
	/* The bundle: a folder or a regular file, never waited on. */
	if ((s = ex_file_open(AT_FDCWD, path, EX_FILE_DIR, NULL, &fd, &st,
	    err)) != EX_OK)
		return s;
	if (S_ISDIR(st.st_mode))
		s = bundle_read_dir_file(fd, path, bag_path, max, data, len, mtime,
		    err);
	else
		s = read_archive_file(fd, path, bag_path, max, data, len,
		    mtime, err);
	close(fd);
	return s;
}

/*
 * copy.c — rewrite a finished bundle's tag files without touching its
 * payload (see "rewriting a bundle" in exhibit/bundle.h).
 *
 * A ZIP, tar or ISO cannot be changed in place, so ex_bundle_copy streams
 * every entry of the old archive into a new writer (which the caller
 * finishes under a temporary name and renames over the old one).  A
 * folder can be: ex_bundle_dir_replace builds a sibling tree of hard
 * links with the few new files, then swaps the two folders in one
 * renameat2(RENAME_EXCHANGE).  Hard links rather than copies because the
 * payload may be gigabytes and its bytes must stay exactly as they were
 * (the same inode cannot differ); the exchange rather than renaming the
 * new files in one by one because custody.xml and tagmanifest-sha256.txt
 * must change together: after a crash between two renames the bag would
 * not check.  With the exchange a reader sees either the old bundle or
 * the new one, never a mixture.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle/bundle_private.h"
#include "exhibit/fileio.h"

static ex_status
nomem(ex_error *err)
{
	return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
}

/* ---- archive entry names ---------------------------------------------- */

/*
 * Normalise an archive entry name into buf (empty and "." components
 * dropped) and split it: *top_len is the length of the first component,
 * *rel the rest (NULL when the name is the top component alone).
 * -1 when the name is absolute, has ".." or does not fit; -2 when
 * nothing is left (the archive root).
 */
static int
split_name(const char *stored, char *buf, size_t size, size_t *top_len,
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

static int
is_sys_error(struct archive *a)
{
	int e = archive_errno(a);

	return e > 0 && e != EILSEQ && e != EINVAL;
}

static ex_status
archive_err(struct archive *a, const char *path, const char *what,
    ex_error *err)
{
	const char *msg = archive_error_string(a);

	if (archive_errno(a) == ENOMEM)
		return nomem(err);
	return ex_error_set(err, is_sys_error(a) ? EX_ERR_IO : EX_ERR_FORMAT,
	    "%s: %s: %s", path, what, msg != NULL ? msg : "unknown error");
}

/* libarchive on the bundle path, already open at fd as exhibit/fileio.h
 * says: it opens this very file again by name (ex_file_fd_name). */
static ex_status
open_archive(const char *path, int fd, struct archive **out, ex_error *err)
{
	struct archive *a;
	char fdname[32];

	*out = NULL;
	if ((a = archive_read_new()) == NULL)
		return nomem(err);
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_iso9660(a);
	if (archive_read_open_filename(a, ex_file_fd_name(fd, path, fdname,
	    sizeof(fdname)), 65536) != ARCHIVE_OK) {
		ex_status st = archive_err(a, path, "open", err);

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
		return nomem(err);
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

static ex_status
read_dir_file(int dfd, const char *path, const char *bag_path, size_t max,
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

	if ((st = open_archive(path, fd, &a, err)) != EX_OK)
		return st;
	for (;;) {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF) {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: no file %s "
			    "in the bundle", path, bag_path);
			goto out;
		}
		if (r < ARCHIVE_WARN) {
			st = archive_err(a, path, "read", err);
			goto out;
		}
		if (split_name(archive_entry_pathname(ae), name, sizeof(name),
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
		st = nomem(err);
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
		st = archive_err(a, path, bag_path, err);
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
		s = read_dir_file(fd, path, bag_path, max, data, len, mtime,
		    err);
	else
		s = read_archive_file(fd, path, bag_path, max, data, len,
		    mtime, err);
	close(fd);
	return s;
}

/* ---- bag-info.txt -------------------------------------------------------- */

void
ex_bundle_bag_info_free(ex_bag_field **fields, size_t nfields)
{
	size_t i;

	if (fields == NULL || *fields == NULL)
		return;
	for (i = 0; i < nfields; i++) {
		free((char *)(*fields)[i].label);
		free((char *)(*fields)[i].value);
	}
	free(*fields);
	*fields = NULL;
}

ex_status
ex_bundle_bag_info_parse(const char *text, size_t len, ex_bag_field **fields,
    size_t *nfields, int *bag_size, ex_error *err)
{
	ex_bag_field *v = NULL;
	const char *p = text, *end = text + len, *nl, *sep;
	size_t n = 0, lineno = 0;
	ex_status st = EX_OK;

	*fields = NULL;
	*nfields = 0;
	*bag_size = 0;
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			st = ex_error_set(err, EX_ERR_UNSUPPORTED, "bag-info.txt "
			    "line %zu: does not end in a newline", lineno);
			goto out;
		}
		sep = memchr(p, ':', (size_t)(nl - p));
		if (*p == ' ' || *p == '\t' || sep == NULL || sep == p ||
		    sep + 1 >= nl || sep[1] != ' ') {
			st = ex_error_set(err, EX_ERR_UNSUPPORTED, "bag-info.txt "
			    "line %zu: not a 'Label: value' line", lineno);
			goto out;
		}
		if ((size_t)(sep - p) == 12 &&
		    strncasecmp(p, "Payload-Oxum", 12) == 0) {
			p = nl + 1;
			continue;
		}
		if ((size_t)(sep - p) == 8 && strncasecmp(p, "Bag-Size", 8) == 0) {
			*bag_size = 1;
			p = nl + 1;
			continue;
		}
		{
			ex_bag_field *g = realloc(v, (n + 1) * sizeof(*v));

			if (g == NULL) {
				st = nomem(err);
				goto out;
			}
			v = g;
		}
		v[n].label = strndup(p, (size_t)(sep - p));
		v[n].value = strndup(sep + 2, (size_t)(nl - sep - 2));
		n++;
		if (v[n - 1].label == NULL || v[n - 1].value == NULL) {
			st = nomem(err);
			goto out;
		}
		p = nl + 1;
	}
	*fields = v;
	*nfields = n;
	v = NULL;
out:
	ex_bundle_bag_info_free(&v, n);
	return st;
}

/* ---- copying an archive ------------------------------------------------- */

/* The files the writer makes itself at finish. */
static int
writer_tag(const char *rel)
{
	size_t n = strlen(rel);

	if (strcmp(rel, "bagit.txt") == 0 || strcmp(rel, "bag-info.txt") == 0)
		return 1;
	if (n < 4 || strcmp(rel + n - 4, ".txt") != 0 || strchr(rel, '/'))
		return 0;
	return strncmp(rel, "manifest-", 9) == 0 ||
	    strncmp(rel, "tagmanifest-", 12) == 0;
}

struct copy_src {
	struct archive *a;
	int failed;                 /* archive_read_data failed */
};

static ssize_t
copy_read(void *user, void *buf, size_t n)
{
	struct copy_src *cs = user;
	la_ssize_t r = archive_read_data(cs->a, buf, n);

	if (r < 0) {
		cs->failed = 1;
		errno = archive_errno(cs->a) > 0 ? archive_errno(cs->a) : EIO;
		return -1;
	}
	return (ssize_t)r;
}

ex_status
ex_bundle_copy(const char *src, ex_bundle_writer *w,
    const ex_bundle_replacement *repl, size_t nrepl,
    ex_bundle_copy_check check, void *user, ex_error *err)
{
	struct archive_entry *ae;
	struct copy_src cs;
	char name[BUNDLE_PATH_MAX], top[BUNDLE_PATH_MAX] = "";
	char *done = NULL;
	const char *rel;
	size_t top_len, i;
	ex_digest_result d;
	ex_status st;
	int r, fd = -1;

	memset(&cs, 0, sizeof(cs));
	if (w == NULL || src == NULL || (nrepl > 0 && repl == NULL))
		return ex_error_set(err, EX_ERR_USAGE, "bundle copy: no "
		    "source or writer");
	if ((done = calloc(nrepl + 1, 1)) == NULL)
		return nomem(err);
	if ((st = ex_file_open(AT_FDCWD, src, 0, NULL, &fd, NULL, err)) !=
	    EX_OK || (st = open_archive(src, fd, &cs.a, err)) != EX_OK)
		goto out;
	for (;;) {
		r = archive_read_next_header(cs.a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			st = archive_err(cs.a, src, "read", err);
			goto out;
		}
		r = split_name(archive_entry_pathname(ae), name, sizeof(name),
		    &top_len, &rel);
		if (r == -2 && archive_entry_filetype(ae) == AE_IFDIR)
			continue;
		if (r != 0) {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: entry '%s' "
			    "has an unusable name", src,
			    archive_entry_pathname(ae) != NULL ?
			    archive_entry_pathname(ae) : "");
			goto out;
		}
		if (top[0] == '\0')
			memcpy(top, name, top_len);
		if (strncmp(top, name, top_len) != 0 || top[top_len] != '\0') {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: %s is outside "
			    "the top folder %s", src, name, top);
			goto out;
		}
		if (archive_entry_filetype(ae) == AE_IFDIR &&
		    archive_entry_hardlink(ae) == NULL)
			continue;       /* the writer makes folders */
		if (rel == NULL || archive_entry_filetype(ae) != AE_IFREG ||
		    archive_entry_hardlink(ae) != NULL ||
		    !archive_entry_size_is_set(ae) ||
		    archive_entry_size(ae) < 0) {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: %s is not a "
			    "regular file of known size inside the top folder",
			    src, name);
			goto out;
		}
		if (writer_tag(rel))
			continue;
		for (i = 0; i < nrepl; i++) {
			if (strcmp(repl[i].path, rel) == 0)
				break;
		}
		if (i < nrepl) {
			st = ex_bundle_add_buffer(w, rel, repl[i].data,
			    repl[i].len, &d, err);
			done[i] = 1;
		} else {
			cs.failed = 0;
			st = ex_bundle_add_stream(w, rel,
			    (uint64_t)archive_entry_size(ae), copy_read, &cs,
			    &d, err);
			if (st != EX_OK && cs.failed)
				st = archive_err(cs.a, src, rel, err);
		}
		if (st != EX_OK)
			goto out;
		if (check != NULL && (st = check(user, rel, &d, err)) != EX_OK)
			goto out;
	}
	for (i = 0; i < nrepl; i++) {
		if (!done[i]) {
			st = ex_error_set(err, EX_ERR_FORMAT, "%s: no file %s in "
			    "the bundle", src, repl[i].path);
			goto out;
		}
	}
	st = EX_OK;
out:
	if (cs.a != NULL)
		archive_read_free(cs.a);
	if (fd >= 0)
		close(fd);
	free(done);
	return st;
}

/* ---- rewriting a folder ------------------------------------------------- */

struct dir_job {
	const ex_bundle_replacement *repl;
	size_t nrepl;
	const char *tagmanifest;    /* new text */
	size_t tagmanifest_len;
	ex_bundle_copy_check check;
	void *user;
	const char *shown;          /* the bundle's path, for messages */
};

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

static ex_status
link_error(const char *shown, const char *rel, ex_error *err)
{
	if (errno == EPERM || errno == EXDEV || errno == EMLINK ||
	    errno == ENOTSUP || errno == ENOSYS)
		return ex_error_set(err, EX_ERR_UNSUPPORTED, "%s/%s: cannot "
		    "hard-link it into the rewritten folder (%s); this needs "
		    "a file system with hard links", shown, rel,
		    strerror(errno));
	return ex_error_errno(err, "%s/%s", shown, rel);
}

/* Write a new file name in dfd with data, mode and times of old. */
static ex_status
write_new(struct dir_job *J, int dfd, const char *name, const char *rel,
    const void *data, size_t len, const struct stat *old, ex_error *err)
{
	struct timespec times[2];
	const unsigned char *p = data;
	ex_digest_result d;
	size_t left = len;
	ssize_t r;
	int fd;

	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, old->st_mode & 0777);
	if (fd < 0)
		return ex_error_errno(err, "%s/%s", J->shown, rel);
	while (left > 0) {
		r = write(fd, p, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			goto fail;
		}
		p += r;
		left -= (size_t)r;
	}
	times[0] = old->st_atim;
	times[1] = old->st_mtim;
	if (fchmod(fd, old->st_mode & 0777) != 0 || futimens(fd, times) != 0 ||
	    fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (J->check != NULL) {
		ex_digest_buffer(data, len, &d);
		return J->check(J->user, rel, &d, err);
	}
	return EX_OK;
fail:
	{
		ex_status st = ex_error_errno(err, "%s/%s", J->shown, rel);

		if (fd >= 0)
			close(fd);
		return st;
	}
}

/* Fill the folder dst with hard links to (or new versions of) src's. */
static ex_status
build_tree(struct dir_job *J, int src, int dst, const char *prefix,
    int depth, ex_error *err)
{
	DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	struct timespec times[2];
	char rel[BUNDLE_PATH_MAX];
	ex_status s = EX_OK;
	size_t i;
	int sfd, dfd, ffd = -1;

	if (depth > 64)
		return ex_error_set(err, EX_ERR_FORMAT, "%s/%s: folders nested "
		    "too deep", J->shown, prefix);
	if ((ffd = dup(src)) < 0 || (d = fdopendir(ffd)) == NULL) {
		s = ex_error_errno(err, "%s/%s", J->shown, prefix);
		if (ffd >= 0)
			close(ffd);
		return s;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(rel, sizeof(rel), "%s%s%s", prefix,
		    prefix[0] != '\0' ? "/" : "", de->d_name) >= sizeof(rel)) {
			s = ex_error_set(err, EX_ERR_FORMAT, "%s/%s...: path too "
			    "long", J->shown, prefix);
			goto out;
		}
		if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			s = ex_error_errno(err, "%s/%s", J->shown, rel);
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdirat(dst, de->d_name, 0700) != 0) {
				s = ex_error_errno(err, "%s/%s", J->shown, rel);
				goto out;
			}
			sfd = openat(src, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			dfd = openat(dst, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (sfd < 0 || dfd < 0)
				s = ex_error_errno(err, "%s/%s", J->shown, rel);
			else
				s = build_tree(J, sfd, dfd, rel, depth + 1, err);
			/* The folder's mode and times last: adding to it
			 * changes its mtime. */
			times[0] = st.st_atim;
			times[1] = st.st_mtim;
			if (s == EX_OK && (fchmod(dfd, st.st_mode & 07777) != 0 ||
			    fsync(dfd) != 0 || futimens(dfd, times) != 0))
				s = ex_error_errno(err, "%s/%s", J->shown, rel);
			if (sfd >= 0)
				close(sfd);
			if (dfd >= 0)
				close(dfd);
			if (s != EX_OK)
				goto out;
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			s = ex_error_set(err, EX_ERR_FORMAT, "%s/%s: not a file "
			    "or folder", J->shown, rel);
			goto out;
		}
		for (i = 0; i < J->nrepl; i++) {
			if (strcmp(J->repl[i].path, rel) == 0)
				break;
		}
		if (i < J->nrepl)
			s = write_new(J, dst, de->d_name, rel, J->repl[i].data,
			    J->repl[i].len, &st, err);
		else if (strcmp(rel, "tagmanifest-sha256.txt") == 0)
			s = write_new(J, dst, de->d_name, rel, J->tagmanifest,
			    J->tagmanifest_len, &st, err);
		else if (linkat(src, de->d_name, dst, de->d_name, 0) != 0)
			s = link_error(J->shown, rel, err);
		if (s != EX_OK)
			goto out;
	}
	if (errno != 0)
		s = ex_error_errno(err, "%s/%s", J->shown, prefix);
out:
	closedir(d);
	return s;
}

/* The tag manifest text with each replaced file's line updated. */
static ex_status
update_tagmanifest(const char *shown, char *text, size_t len,
    const ex_bundle_replacement *repl, size_t nrepl, ex_error *err)
{
	ex_digest_result d;
	char hex[EX_SHA256_HEX];
	size_t i;

	for (i = 0; i < nrepl; i++) {
		size_t plen = strlen(repl[i].path);
		char *line = text, *nl;
		int found = 0;

		while (line < text + len) {
			nl = memchr(line, '\n', (size_t)(text + len - line));
			if (nl == NULL)
				nl = text + len;
			if ((size_t)(nl - line) == 66 + plen &&
			    line[64] == ' ' && line[65] == ' ' &&
			    memcmp(line + 66, repl[i].path, plen) == 0) {
				ex_digest_buffer(repl[i].data, repl[i].len, &d);
				memcpy(line, ex_sha256_hex(d.sha256, hex), 64);
				found = 1;
				break;
			}
			line = nl + 1;
		}
		if (!found)
			return ex_error_set(err, EX_ERR_FORMAT, "%s: "
			    "tagmanifest-sha256.txt does not list %s", shown,
			    repl[i].path);
	}
	return EX_OK;
}

ex_status
ex_bundle_dir_replace(const char *dir, const ex_bundle_replacement *repl,
    size_t nrepl, ex_bundle_copy_check check, void *user, ex_error *err)
{
	struct dir_job J;
	struct stat st;
	struct timespec times[2];
	char *path = NULL, *tmp = NULL, *tm = NULL, *base;
	size_t tmlen = 0, n, i;
	int srcfd = -1, dstfd = -1, made = 0, swapped = 0;
	ex_status s;

	if (dir == NULL || dir[0] == '\0' || (nrepl > 0 && repl == NULL))
		return ex_error_set(err, EX_ERR_USAGE, "bundle: no folder");
	for (i = 0; i < nrepl; i++) {
		if ((s = bundle_path_check(repl[i].path, err)) != EX_OK)
			return s;
		if (bundle_is_payload(repl[i].path))
			return ex_error_set(err, EX_ERR_USAGE, "%s: the payload "
			    "is never rewritten", repl[i].path);
	}
	/* dir without trailing slashes, and ".<base>.rewrite-XXXXXX". */
	if ((path = strdup(dir)) == NULL)
		return nomem(err);
	for (n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	base = strrchr(path, '/');
	n = strlen(path) + 32;
	if ((tmp = malloc(n)) == NULL) {
		s = nomem(err);
		goto out;
	}
	if (base == NULL)
		snprintf(tmp, n, ".%s.rewrite-XXXXXX", path);
	else
		snprintf(tmp, n, "%.*s/.%s.rewrite-XXXXXX", (int)(base - path),
		    path, base + 1);

	srcfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (srcfd < 0 || fstat(srcfd, &st) != 0) {
		s = ex_error_errno(err, "%s", path);
		goto out;
	}
	if ((s = read_dir_file(srcfd, path, "tagmanifest-sha256.txt",
	    (size_t)16 << 20, &tm, &tmlen, NULL, err)) != EX_OK)
		goto out;
	if ((s = update_tagmanifest(path, tm, tmlen, repl, nrepl, err)) !=
	    EX_OK)
		goto out;
	if (mkdtemp(tmp) == NULL) {
		s = ex_error_errno(err, "%s: cannot make a temporary folder "
		    "beside it", path);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	made = 1;
	dstfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dstfd < 0) {
		s = ex_error_errno(err, "%s", tmp);
		goto out;
	}
	memset(&J, 0, sizeof(J));
	J.repl = repl;
	J.nrepl = nrepl;
	J.tagmanifest = tm;
	J.tagmanifest_len = tmlen;
	J.check = check;
	J.user = user;
	J.shown = path;
	if ((s = build_tree(&J, srcfd, dstfd, "", 0, err)) != EX_OK)
		goto out;
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (fchmod(dstfd, st.st_mode & 07777) != 0 || fsync(dstfd) != 0 ||
	    futimens(dstfd, times) != 0) {
		s = ex_error_errno(err, "%s", tmp);
		goto out;
	}
	/* The only moment the bundle's path changes: both at once. */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) != 0) {
		if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)
			s = ex_error_set(err, EX_ERR_UNSUPPORTED, "%s: the file "
			    "system cannot swap folders atomically "
			    "(renameat2 RENAME_EXCHANGE: %s)", path,
			    strerror(errno));
		else
			s = ex_error_errno(err, "%s: swapping in the rewritten "
			    "folder", path);
		goto out;
	}
	swapped = 1;
	/* The swap may touch the folder's times: set them again. */
	(void)futimens(dstfd, times);
	{
		int pfd;
		char *slash = strrchr(tmp, '/');

		if (slash != NULL)
			*slash = '\0';
		pfd = open(slash != NULL ? (slash == tmp ? "/" : tmp) : ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (slash != NULL)
			*slash = '/';
		if (pfd >= 0) {
			(void)fsync(pfd);
			close(pfd);
		}
	}
	s = EX_OK;
out:
	if (srcfd >= 0)
		close(srcfd);
	if (dstfd >= 0)
		close(dstfd);
	/* Before the swap tmp holds the new tree, after it the old one;
	 * either way it goes (hard links: the files live on in path). */
	if (made && (swapped || s != EX_OK))
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmp);
	free(tm);
	free(path);
	return s;
}

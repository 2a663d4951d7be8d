/*
 * writer_dir.c — the bundle writer's folder kind: a real tree in a
 * temporary folder beside the output, every file 0644 and folder 0755 at
 * the bundle's mtime, each synced before finish renames the folder into
 * place.  A finished file can be renamed in (ex_bundle_add_move): one
 * read for the digests, no copy.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "bundle/writer_private.h"

static void
set_times(const ex_bundle_writer *w, struct timespec times[2])
{
	times[0].tv_sec = times[1].tv_sec = (time_t)w->mtime;
	times[0].tv_nsec = times[1].tv_nsec = 0;
}

static ex_status
dir_open(ex_bundle_writer *w, ex_error *err)
{
	ex_status st;

	if ((st = base_sibling_dir(w->output, "partial", &w->tmp, err)) !=
	    EX_OK)
		return st;
	w->rootfd = open(w->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (w->rootfd < 0 || fchmod(w->rootfd, 0755) != 0)
		return ex_error_errno(err, "%s", w->tmp);
	return EX_OK;
}

static ex_status
dir_dir(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	if (mkdirat(w->rootfd, rel, 0755) != 0 ||
	    fchmodat(w->rootfd, rel, 0755, 0) != 0)
		return bundle_writer_fail(w, ex_error_errno(err, "%s/%s",
		    w->output, rel));
	return EX_OK;
}

static ex_status
dir_file_begin(ex_bundle_writer *w, const char *rel, uint64_t size,
    ex_error *err)
{
	(void)size;
	w->outfd = openat(w->rootfd, rel, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0644);
	if (w->outfd < 0 || fchmod(w->outfd, 0644) != 0)
		return bundle_writer_fail(w, ex_error_errno(err, "%s/%s",
		    w->output, rel));
	return EX_OK;
}

static ssize_t
dir_write(ex_bundle_writer *w, const void *p, size_t n)
{
	ssize_t r;

	do
		r = write(w->outfd, p, n);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		errno = EIO;
	if (r > 0)
		bundle_writer_kick(w, w->outfd, (size_t)r);
	return r;
}

static ex_status
dir_write_error(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	return bundle_writer_fail(w, ex_error_errno(err, "%s/%s", w->output,
	    rel));
}

static ex_status
dir_file_end(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	struct timespec times[2];
	int fd = w->outfd;

	set_times(w, times);
	if (fsync(fd) != 0 || futimens(fd, times) != 0)
		return bundle_writer_fail(w, ex_error_errno(err, "%s/%s",
		    w->output, rel));
	w->outfd = -1;
	if (close(fd) != 0)
		return bundle_writer_fail(w, ex_error_errno(err, "%s/%s",
		    w->output, rel));
	return EX_OK;
}

/* ---- moving a file in ------------------------------------------------- */

/* Digest the open file fd (size bytes, from its start) for a move. */
static ex_status
digest_for_move(ex_bundle_writer *w, int fd, const char *name, uint64_t size,
    ex_digest_result *res, ex_error *err)
{
	ex_digest d;
	uint64_t done = 0;
	ex_status st;
	ssize_t n;
	int cur = 0;

	if ((st = ex_digest_init(&d, err)) != EX_OK)
		return st;
	if (w->hasher == NULL && size >= 2 * EX_HASHER_MIN)
		(void)ex_hasher_new(&w->hasher, NULL);
	for (;;) {
		do
			n = read(fd, w->chunk[cur], BUNDLE_WRITE_CHUNK);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			st = ex_error_errno(err, "%s", name);
			goto out;
		}
		if (n == 0)
			break;
		ex_hasher_update(w->hasher, &d, w->chunk[cur], (size_t)n);
		done += (uint64_t)n;
		cur ^= 1;
	}
	ex_hasher_wait(w->hasher);
	if (done != size) {
		st = ex_error_set(err, EX_ERR_IO, "%s: changed size while being "
		    "moved into the bundle (%llu bytes, expected %llu)", name,
		    (unsigned long long)done, (unsigned long long)size);
		goto out;
	}
	ex_digest_final(&d, res);
	return EX_OK;
out:
	ex_hasher_wait(w->hasher);
	ex_digest_discard(&d);
	return st;
}

static ex_status
dir_move(ex_bundle_writer *w, const char *bag_path, const char *src_path,
    ex_digest_result *digest_out, ex_error *err)
{
	struct timespec times[2];
	struct stat st, after;
	ex_digest_result res;
	bundle_source src;
	ex_status s;
	int fd, r;

	fd = open(src_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ex_error_errno(err, "%s", src_path);
	if (fstat(fd, &st) != 0) {
		s = ex_error_errno(err, "%s", src_path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		s = ex_error_set(err, EX_ERR_USAGE, "%s: not a regular file",
		    src_path);
		goto out;
	}
	if ((s = bundle_writer_parents(w, bag_path, err)) != EX_OK)
		goto out;
	/* A file with other names could change through them after it was
	 * digested: copy it instead (as does a move across file systems). */
	if (st.st_nlink != 1)
		goto copy;
	if ((s = digest_for_move(w, fd, src_path, (uint64_t)st.st_size, &res,
	    err)) != EX_OK) {
		s = bundle_writer_fail(w, s);
		goto out;
	}
	set_times(w, times);
	if (fchmod(fd, 0644) != 0 || futimens(fd, times) != 0 ||
	    fsync(fd) != 0) {
		s = bundle_writer_fail(w, ex_error_errno(err, "%s", src_path));
		goto out;
	}
#ifdef RENAME_NOREPLACE
	r = renameat2(AT_FDCWD, src_path, w->rootfd, bag_path,
	    RENAME_NOREPLACE);
#else
	r = -1;
	errno = ENOSYS;
#endif
	if (r != 0) {
		if (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
		    errno == EPERM)
			goto copy;
		s = bundle_writer_fail(w, ex_error_errno(err, "%s/%s",
		    w->output, bag_path));
		goto out;
	}
	/* It must be the very file that was digested. */
	if (fstatat(w->rootfd, bag_path, &after, AT_SYMLINK_NOFOLLOW) != 0 ||
	    after.st_ino != st.st_ino || after.st_dev != st.st_dev) {
		s = bundle_writer_fail(w, ex_error_set(err, EX_ERR_IO,
		    "%s/%s: not the file that was moved in", w->output,
		    bag_path));
		goto out;
	}
	if ((s = bundle_writer_record(w, bag_path, &res, err)) != EX_OK)
		goto out;
	if (digest_out != NULL)
		*digest_out = res;
	s = EX_OK;
	goto out;
copy:
	if (lseek(fd, 0, SEEK_SET) != 0) {
		s = ex_error_errno(err, "%s", src_path);
		goto out;
	}
	src = (bundle_source){ .fd = fd, .name = src_path };
	if ((s = bundle_writer_add(w, bag_path, &src, (uint64_t)st.st_size,
	    digest_out, err)) == EX_OK)
		(void)unlink(src_path);
out:
	close(fd);
	return s;
}

/* ---- finish and discard ----------------------------------------------- */

/* Give every folder its mode and mtime, sync it. */
static ex_status
dir_close(ex_bundle_writer *w, ex_error *err)
{
	struct timespec times[2];
	size_t i;
	int fd;

	set_times(w, times);
	for (i = w->ndirs; i-- > 0;) {
		fd = openat(w->rootfd, w->dirs[i], O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || futimens(fd, times) != 0 || fsync(fd) != 0) {
			if (fd >= 0)
				close(fd);
			return bundle_writer_fail(w, ex_error_errno(err,
			    "%s/%s", w->output, w->dirs[i]));
		}
		close(fd);
	}
	if (futimens(w->rootfd, times) != 0 || fsync(w->rootfd) != 0)
		return bundle_writer_fail(w, ex_error_errno(err, "%s",
		    w->tmp));
	return EX_OK;
}

/* Renaming may touch the folder's times; set them again. */
static void
dir_renamed(ex_bundle_writer *w)
{
	struct timespec times[2];

	if (w->rootfd < 0)
		return;
	set_times(w, times);
	(void)futimens(w->rootfd, times);
	close(w->rootfd);
	w->rootfd = -1;
}

static void
dir_discard(ex_bundle_writer *w)
{
	if (w->outfd >= 0) {
		close(w->outfd);
		w->outfd = -1;
	}
	if (w->rootfd >= 0) {
		close(w->rootfd);
		w->rootfd = -1;
	}
	if (w->tmp != NULL)
		(void)base_remove_tree(w->tmp);
}

const bundle_writer_ops bundle_writer_dir = {
	dir_open,
	dir_dir,
	dir_file_begin,
	dir_write,
	dir_write_error,
	dir_file_end,
	dir_move,
	dir_close,
	dir_renamed,
	dir_discard,
	1,
};

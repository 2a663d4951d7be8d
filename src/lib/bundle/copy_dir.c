/*
 * copy_dir.c — rewrite a folder bundle's tag files in place
 * (ex_bundle_dir_replace): build a sibling tree of hard links with the few
 * new files, then swap the two folders in one renameat2(RENAME_EXCHANGE).
 * Hard links rather than copies because the payload may be gigabytes and
 * its bytes must stay exactly as they were (the same inode cannot differ);
 * the exchange rather than renaming the new files in one by one because
 * custody.xml and tagmanifest-sha256.txt must change together: after a
 * crash between two renames the bag would not check.  With the exchange a
 * reader sees either the old bundle or the new one, never a mixture.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle_private.h"

struct dir_job {
	const ex_bundle_replacement *repl;
	size_t nrepl;
	const char *tagmanifest;    /* new text */
	size_t tagmanifest_len;
	ex_bundle_copy_check check;
	void *user;
	const char *shown;          /* the bundle's path, for messages */
};

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
	char *path = NULL, *tmp = NULL, *tm = NULL;
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
	/* dir without trailing slashes. */
	if ((path = strdup(dir)) == NULL)
		return base_nomem(err);
	for (n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	srcfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (srcfd < 0 || fstat(srcfd, &st) != 0) {
		s = ex_error_errno(err, "%s", path);
		goto out;
	}
	if ((s = bundle_read_dir_file(srcfd, path, "tagmanifest-sha256.txt",
	    (size_t)16 << 20, &tm, &tmlen, NULL, err)) != EX_OK)
		goto out;
	if ((s = update_tagmanifest(path, tm, tmlen, repl, nrepl, err)) !=
	    EX_OK)
		goto out;
	/* ".<base>.rewrite-XXXXXX" */
	if ((s = base_sibling_dir(path, "rewrite", &tmp, err)) != EX_OK)
		goto out;
	made = 1;
	dstfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dstfd < 0) {
		s = ex_error_errno(err, "%s", tmp);
		goto out;
	}
	J = (struct dir_job){ repl, nrepl, tm, tmlen, check, user, path };
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
		(void)base_remove_tree(tmp);
	free(tmp);
	free(tm);
	free(path);
	return s;
}

/*
 * reader_dir.c — load a folder bundle: the folder is the bag root.
 *
 * The walk never follows a link: every name is looked at with
 * fstatat(AT_SYMLINK_NOFOLLOW) relative to its folder's descriptor,
 * folders are opened with openat(O_DIRECTORY | O_NOFOLLOW) and files with
 * ex_file_open(EX_FILE_NOFOLLOW) (exhibit/fileio.h: a fifo swapped in
 * cannot block), and an opened file must be the one that was looked at.
 * A link, a FIFO, a device or a socket is recorded as a problem and never
 * opened.  Names are visited in byte
 * order so the entry list does not depend on the file system.
 *
 * The files desktop systems add to a folder they show (.DS_Store,
 * Thumbs.db, desktop.ini, ._NAME, __MACOSX/; ex_bundle_desktop_file) are
 * not entries: each is listed in bundle->ignored and never opened.
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
#include "exhibit/fileio.h"

#define DIR_DEPTH_MAX 64

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the folder open at dfd, sorted; *n their count. */
static ex_status
list_names(int dfd, const char *shown, char ***names, size_t *n,
    ex_error *err)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0, count = 0;
	int fd;
	ex_status st = EX_OK;

	*names = NULL;
	*n = 0;
	if ((fd = dup(dfd)) < 0)
		return ex_error_errno(err, "%s", shown);
	if ((d = fdopendir(fd)) == NULL) {
		st = ex_error_errno(err, "%s", shown);
		close(fd);
		return st;
	}
	rewinddir(d);
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				st = ex_error_errno(err, "%s", shown);
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (BASE_GROW(v, cap, count + 1) != 0 ||
		    (v[count] = strdup(de->d_name)) == NULL) {
			st = base_nomem(err);
			break;
		}
		count++;
	}
	closedir(d);
	if (st != EX_OK) {
		while (count > 0)
			free(v[--count]);
		free(v);
		return st;
	}
	if (count > 1)
		qsort(v, count, sizeof(*v), name_cmp);
	*names = v;
	*n = count;
	return EX_OK;
}

/* Read the regular file name (looked at as *lst) in the folder dfd. */
static ex_status
read_file(bundle_loader *L, int dfd, const char *name, const char *rel,
    const struct stat *lst, ex_error *err)
{
	struct stat st;
	ex_error ferr;
	ssize_t n;
	int fd, complete = 0;
	ex_status s;

	s = ex_file_open(dfd, name, EX_FILE_NOFOLLOW, "", &fd, &st, &ferr);
	if (s == EX_ERR_NOMEM)
		return base_nomem(err);
	if (s != EX_OK || st.st_ino != lst->st_ino ||
	    st.st_dev != lst->st_dev) {
		s = s == EX_ERR_IO && errno != 0 ?
		    bundle_problem(L, EX_PROBLEM_UNREADABLE, rel, err,
		    "cannot be opened: %s", ferr.message) :
		    bundle_problem(L, EX_PROBLEM_UNREADABLE, rel, err,
		    "changed while the bundle was read");
		if (fd >= 0)
			close(fd);
		if (s == EX_OK)
			s = bundle_entry_end(L, 0, err);
		return s;
	}
	s = EX_OK;
	for (;;) {
		n = read(fd, L->chunk, BUNDLE_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s = ex_error_errno(err, "%s", rel);
			break;
		}
		if (n == 0) {
			complete = 1;
			break;
		}
		if ((s = bundle_entry_data(L, L->chunk, (size_t)n, err))
		    != EX_OK || L->stopped)
			break;
	}
	close(fd);
	if (s != EX_OK) {
		(void)bundle_entry_end(L, 0, NULL);
		return s;
	}
	return bundle_entry_end(L, complete && !L->stopped, err);
}

static ex_status walk(bundle_loader *L, int dfd, const char *prefix,
    int depth, ex_error *err);

const char *
ex_bundle_desktop_file(const char *rel, int is_dir)
{
	const char *base = strrchr(rel, '/');
	int macosx = strncmp(rel, "__MACOSX/", 9) == 0;

	base = base != NULL ? base + 1 : rel;
	if (is_dir)
		return strcmp(rel, "__MACOSX") == 0 || macosx ?
		    "added by macOS when a ZIP file was unpacked" : NULL;
	if (macosx)
		return strncmp(base, "._", 2) == 0 && base[2] != '\0' ?
		    "AppleDouble file added by macOS when a ZIP file was "
		    "unpacked" : strcmp(base, ".DS_Store") == 0 ?
		    "added by macOS Finder" : NULL;
	if (strcmp(base, ".DS_Store") == 0)
		return "added by macOS Finder";
	if (strncmp(base, "._", 2) == 0 && base[2] != '\0')
		return "AppleDouble file added by macOS";
	if (strcmp(base, "Thumbs.db") == 0)
		return "thumbnail cache added by Windows Explorer";
	if (strcmp(base, "desktop.ini") == 0)
		return "folder settings added by Windows Explorer";
	return NULL;
}

/* Record rel as an ignored desktop file (counted against max_entries). */
static ex_status
ignore(bundle_loader *L, const char *rel, const char *origin, ex_error *err)
{
	ex_bundle *b = L->b;
	ex_bundle_ignored *v;

	if (b->nentries + b->nignored >= L->lim.max_entries) {
		L->stopped = 1;
		return bundle_problem(L, EX_PROBLEM_LIMIT, "", err,
		    "more than %llu entries: stopped reading",
		    (unsigned long long)L->lim.max_entries);
	}
	if (BASE_GROW(b->ignored, L->capignored, b->nignored + 1) != 0)
		return base_nomem(err);
	v = &b->ignored[b->nignored];
	if ((v->path = strdup(rel)) == NULL)
		return base_nomem(err);
	v->origin = origin;
	b->nignored++;
	return EX_OK;
}

/* Walk the folder name (rel) in dfd, one level below depth; macosx: it
 * is in __MACOSX/ (its folders are no entries). */
static ex_status
descend(bundle_loader *L, int dfd, const char *name, const char *rel,
    int depth, int macosx, ex_error *err)
{
	ex_status s;
	int fd;

	if (depth >= DIR_DEPTH_MAX) {
		L->stopped = 1;
		return bundle_problem(L, EX_PROBLEM_LIMIT, rel, err,
		    "folders nested more than %d deep", DIR_DEPTH_MAX);
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return ex_error_errno(err, "%s", rel);
	L->in_macosx += macosx;
	s = walk(L, fd, rel, depth + 1, err);
	L->in_macosx -= macosx;
	close(fd);
	return s;
}

static ex_status
visit(bundle_loader *L, int dfd, const char *name, const char *rel,
    int depth, ex_error *err)
{
	struct stat lst;
	char target[4096];
	const char *origin;
	ssize_t tn;
	ex_status s;

	if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) != 0)
		return ex_error_errno(err, "%s", rel);
	if ((s = bundle_name_check(L, name, rel, err)) != EX_OK)
		return s;
	/* A desktop system's file: named, never opened (a link or a file
	 * with a second name is not one: it is an entry, and fails). */
	if (S_ISREG(lst.st_mode) && lst.st_nlink == 1 &&
	    (origin = ex_bundle_desktop_file(rel, 0)) != NULL)
		return ignore(L, rel, origin, err);
	if (S_ISDIR(lst.st_mode) && (L->in_macosx ||
	    strcmp(rel, "__MACOSX") == 0)) {
		/* Its folders are no entries; what it holds that is not a
		 * desktop file is one (and fails: no signature covers it). */
		if (!L->in_macosx && (s = ignore(L, rel,
		    ex_bundle_desktop_file(rel, 1), err)) != EX_OK)
			return s;
		return descend(L, dfd, name, rel, depth, 1, err);
	}
	if (S_ISDIR(lst.st_mode)) {
		if ((s = bundle_entry_begin(L, rel, rel, EX_ENTRY_DIR, -1,
		    err)) != EX_OK || L->cur == NULL ||
		    (s = bundle_entry_end(L, 1, err)) != EX_OK)
			return s;
		return descend(L, dfd, name, rel, depth, 0, err);
	}
	if (S_ISREG(lst.st_mode)) {
		if ((s = bundle_entry_begin(L, rel, rel, EX_ENTRY_FILE,
		    (int64_t)lst.st_size, err)) != EX_OK || L->cur == NULL)
			return s;
		if (lst.st_nlink > 1 && (s = bundle_problem(L,
		    EX_PROBLEM_HARDLINK, rel, err, "hard link (%lu names "
		    "for one file)", (unsigned long)lst.st_nlink)) != EX_OK) {
			(void)bundle_entry_end(L, 0, NULL);
			return s;
		}
		return read_file(L, dfd, name, rel, &lst, err);
	}
	if (S_ISLNK(lst.st_mode)) {
		if ((s = bundle_entry_begin(L, rel, rel, EX_ENTRY_SYMLINK, -1,
		    err)) != EX_OK || L->cur == NULL)
			return s;
		tn = readlinkat(dfd, name, target, sizeof(target) - 1);
		target[tn >= 0 ? tn : 0] = '\0';
		if ((L->cur->link_target = strdup(target)) == NULL)
			return base_nomem(err);
		s = bundle_problem(L, EX_PROBLEM_SYMLINK, rel, err,
		    "symbolic link to '%s'", target);
		bundle_entry_end(L, 0, NULL);
		return s;
	}
	if ((s = bundle_entry_begin(L, rel, rel, EX_ENTRY_OTHER, -1, err))
	    != EX_OK || L->cur == NULL)
		return s;
	bundle_entry_end(L, 0, NULL);
	return bundle_problem(L, EX_PROBLEM_SPECIAL, rel, err,
	    "device, fifo, socket or other special file (%s, mode %06o)",
	    ex_file_kind(lst.st_mode), (unsigned)lst.st_mode);
}

static ex_status
walk(bundle_loader *L, int dfd, const char *prefix, int depth, ex_error *err)
{
	char **names = NULL, *rel;
	size_t n = 0, i, len;
	ex_status s;

	if ((s = list_names(dfd, prefix[0] ? prefix : ".", &names, &n, err))
	    != EX_OK)
		return s;
	for (i = 0; i < n && s == EX_OK && !L->stopped; i++) {
		len = strlen(prefix) + strlen(names[i]) + 2;
		if ((rel = malloc(len)) == NULL) {
			s = base_nomem(err);
			break;
		}
		snprintf(rel, len, "%s%s%s", prefix, prefix[0] ? "/" : "",
		    names[i]);
		s = visit(L, dfd, names[i], rel, depth, err);
		free(rel);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return s;
}

ex_status
bundle_load_dir(bundle_loader *L, const char *path, ex_error *err)
{
	const char *base, *end;
	ex_status s;
	int fd;

	end = path + strlen(path);
	while (end > path + 1 && end[-1] == '/')
		end--;
	for (base = end; base > path && base[-1] != '/'; base--)
		;
	if ((L->b->top = strndup(base, (size_t)(end - base))) == NULL)
		return base_nomem(err);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ex_error_errno(err, "%s", path);
	s = walk(L, fd, "", 0, err);
	close(fd);
	if (s != EX_OK)
		return ex_error_prefix(err, "%s", path);
	return EX_OK;
}

/* The names at a bag's top: any of them makes a folder a bundle. */
static const char *const bag_top_names[] = {
	"bagit.txt", "bag-info.txt", "manifest.xml", "manifest.xml.minisig",
	"custody.xml", "manifest-sha256.txt", "tagmanifest-sha256.txt", "data",
};

/* 1 when the folder name in dfd (not a link) has a regular bagit.txt or
 * manifest.xml at its top. */
static int
holds_bag(int dfd, const char *name)
{
	struct stat st;
	int fd, yes;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return 0;
	yes = (fstatat(fd, "bagit.txt", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode)) ||
	    (fstatat(fd, "manifest.xml", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode));
	close(fd);
	return yes;
}

ex_status
ex_bundle_held(const char *path, char ***names, size_t *n, ex_error *err)
{
	struct stat st;
	ex_container kind;
	ex_error ferr;
	char **v = NULL;
	size_t count = 0, i, k = 0;
	ex_status s;
	int fd;

	*names = NULL;
	*n = 0;
	s = ex_file_open(AT_FDCWD, path, EX_FILE_DIR, NULL, &fd, &st, &ferr);
	if (s == EX_ERR_NOMEM)
		return base_nomem(err);
	if (s != EX_OK)
		return EX_OK;
	if (!S_ISDIR(st.st_mode))
		goto out;
	/* Anything of a bag at the top (even a link, even unreadable):
	 * a bundle, to be verified as one. */
	for (i = 0; i < sizeof(bag_top_names) / sizeof(bag_top_names[0]);
	    i++) {
		if (fstatat(fd, bag_top_names[i], &st,
		    AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
			goto out;
	}
	if ((s = list_names(fd, path, &v, &count, &ferr)) != EX_OK) {
		if (s == EX_ERR_NOMEM)
			s = base_nomem(err);
		else
			s = EX_OK;
		goto out;
	}
	for (i = 0; i < count; i++) {
		int bundle = 0;

		if (fstatat(fd, v[i], &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISDIR(st.st_mode))
				bundle = holds_bag(fd, v[i]);
			else if (S_ISREG(st.st_mode))
				bundle = ex_bundle_container_from_name(v[i],
				    &kind);
		}
		if (bundle)
			v[k++] = v[i];
		else
			free(v[i]);
	}
	count = k;
	if (count == 0) {
		free(v);
		v = NULL;
	}
	*names = v;
	*n = count;
out:
	close(fd);
	return s;
}

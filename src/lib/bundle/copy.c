/*
 * copy.c — rewrite a ZIP, tar or ISO bundle's tag files without touching
 * its payload (see "rewriting a bundle" in exhibit/bundle.h).
 *
 * An archive cannot be changed in place, so ex_bundle_copy streams every
 * entry of the old archive into a new writer (which the caller finishes
 * under a temporary name and renames over the old one).  A folder bundle
 * is rewritten in place instead (copy_dir.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle/bundle_private.h"
#include "exhibit/fileio.h"

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
		return base_nomem(err);
	if ((st = ex_file_open(AT_FDCWD, src, 0, NULL, &fd, NULL, err)) !=
	    EX_OK || (st = bundle_read_open(src, fd, &cs.a, err)) != EX_OK)
		goto out;
	for (;;) {
		r = archive_read_next_header(cs.a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			st = bundle_read_error(cs.a, src, "read", err);
			goto out;
		}
		r = bundle_split_name(archive_entry_pathname(ae), name, sizeof(name),
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
				st = bundle_read_error(cs.a, src, rel, err);
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

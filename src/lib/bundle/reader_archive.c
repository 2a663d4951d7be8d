/*
 * reader_archive.c — a ZIP, tar or ISO 9660 bundle read through
 * libarchive for the loader (reader.c): each entry placed relative to the
 * bag root, flagged (links, special files, encryption) and its data fed
 * to the loader; then the format's raw structure check (reader_zip.c,
 * reader_tar.c, reader_iso.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "base.h"
#include "bundle/bundle_private.h"

/* ---- archives --------------------------------------------------------- */

/*
 * Where an archive entry sits.  Sets *rel to a new string relative to the
 * bag root, or NULL when the entry is outside it (the problem recorded);
 * *skip when the entry is the top folder itself or the archive root.
 */
static ex_status
place(bundle_loader *L, const char *stored, int is_dir, char **rel,
    int *skip, ex_error *err)
{
	ex_bundle *b = L->b;
	char *norm, *out, *comp, *save = NULL;
	size_t ncomp = 0, toplen;
	int dotdot = 0;
	ex_status st;

	*rel = NULL;
	*skip = 0;
	if (stored[0] == '\0')
		return bundle_problem(L, EX_PROBLEM_NAME, "(empty)", err,
		    "entry with an empty name");
	if ((st = bundle_name_check(L, stored, stored, err)) != EX_OK)
		return st;
	if (stored[0] == '/')
		return bundle_problem(L, EX_PROBLEM_ABSOLUTE, stored, err,
		    "absolute path: leaves the bundle");
	/* Normalise: drop empty and "." components. */
	if ((norm = strdup(stored)) == NULL ||
	    (out = calloc(1, strlen(stored) + 1)) == NULL) {
		free(norm);
		return base_nomem(err);
	}
	for (comp = strtok_r(norm, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0)
			dotdot = 1;
		if (ncomp++ > 0)
			strcat(out, "/");
		strcat(out, comp);
	}
	free(norm);
	if (dotdot) {
		free(out);
		return bundle_problem(L, EX_PROBLEM_DOTDOT, stored, err,
		    "path leaves the bundle (..)");
	}
	if (ncomp == 0) {
		free(out);
		*skip = is_dir;
		if (is_dir)
			return EX_OK;
		return bundle_problem(L, EX_PROBLEM_NAME, stored, err,
		    "entry with an empty name");
	}
	toplen = strcspn(out, "/");
	if (b->top == NULL && (ncomp >= 2 || is_dir)) {
		if ((b->top = strndup(out, toplen)) == NULL) {
			free(out);
			return base_nomem(err);
		}
	}
	if (ncomp == 1 && !is_dir) {
		free(out);
		return bundle_problem(L, EX_PROBLEM_TOP, stored, err,
		    "outside the bundle's top folder (at the top level)");
	}
	if (strlen(b->top) != toplen || strncmp(out, b->top, toplen) != 0) {
		st = bundle_problem(L, EX_PROBLEM_TOP, stored, err,
		    "in a second top-level folder '%.*s' (the bundle's is "
		    "'%s')", (int)toplen, out, b->top);
		free(out);
		return st;
	}
	if (ncomp == 1) {
		free(out);
		*skip = 1;
		return EX_OK;
	}
	memmove(out, out + toplen + 1, strlen(out + toplen + 1) + 1);
	*rel = out;
	return EX_OK;
}

static ex_bundle_entry_type
entry_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e) != NULL)
		return EX_ENTRY_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: return EX_ENTRY_FILE;
	case AE_IFDIR: return EX_ENTRY_DIR;
	case AE_IFLNK: return EX_ENTRY_SYMLINK;
	default: return EX_ENTRY_OTHER;
	}
}

/* One archive entry: place it, flag it, read its data. */
static ex_status
load_entry(bundle_loader *L, struct archive *a, struct archive_entry *ae,
    const char *path, int *fatal, ex_error *err)
{
	ex_bundle_entry_type type = entry_type(ae);
	const char *stored = archive_entry_pathname(ae);
	const char *shown, *target;
	char *rel = NULL;
	ex_bundle_entry *e;
	int skip, complete = 0;
	la_ssize_t n;
	ex_status st;

	if (stored == NULL)
		stored = archive_entry_pathname_utf8(ae);
	if (stored == NULL)
		stored = "(unreadable name)";
	if ((st = place(L, stored, type == EX_ENTRY_DIR, &rel, &skip, err))
	    != EX_OK)
		goto out;
	if (skip)
		goto out;
	if ((st = bundle_entry_begin(L, stored, rel, type,
	    archive_entry_size_is_set(ae) && (type == EX_ENTRY_FILE) ?
	    (int64_t)archive_entry_size(ae) : -1, err)) != EX_OK ||
	    L->cur == NULL)
		goto out;
	e = L->cur;
	shown = e->path;
	if (type == EX_ENTRY_SYMLINK || type == EX_ENTRY_HARDLINK) {
		target = type == EX_ENTRY_SYMLINK ? archive_entry_symlink(ae) :
		    archive_entry_hardlink(ae);
		if (target != NULL &&
		    (e->link_target = strdup(target)) == NULL) {
			st = base_nomem(err);
			goto out;
		}
		st = bundle_problem(L, type == EX_ENTRY_SYMLINK ?
		    EX_PROBLEM_SYMLINK : EX_PROBLEM_HARDLINK, shown, err,
		    "%s link to '%s'", type == EX_ENTRY_SYMLINK ?
		    "symbolic" : "hard", target != NULL ? target : "?");
		goto end;
	}
	if (type == EX_ENTRY_OTHER) {
		st = bundle_problem(L, EX_PROBLEM_SPECIAL, shown, err,
		    "device, fifo or other special entry (mode %06o)",
		    (unsigned)archive_entry_mode(ae));
		goto end;
	}
	if (type != EX_ENTRY_FILE)
		goto end;
	if (archive_entry_is_encrypted(ae)) {
		st = bundle_problem(L, EX_PROBLEM_ENCRYPTED, shown, err,
		    "encrypted entry");
		goto end;
	}
	for (;;) {
		n = archive_read_data(a, L->chunk, BUNDLE_CHUNK);
		if (n == 0) {
			complete = 1;
			break;
		}
		if (n < 0) {
			if (n == ARCHIVE_FATAL && bundle_archive_sys_error(a)) {
				st = bundle_archive_error(a, path, shown, err);
				goto end;
			}
			if (n == ARCHIVE_FATAL)
				*fatal = 1;
			st = bundle_problem(L, EX_PROBLEM_UNREADABLE, shown,
			    err, "cannot be read: %s",
			    bundle_archive_msg(a, "unknown error"));
			break;
		}
		if ((st = bundle_entry_data(L, L->chunk, (size_t)n, err))
		    != EX_OK || L->stopped)
			break;
	}
end:
	if (st == EX_OK)
		st = bundle_entry_end(L, complete && !L->stopped, err);
	else
		(void)bundle_entry_end(L, 0, NULL);
out:
	free(rel);
	return st;
}

ex_status
bundle_load_archive(bundle_loader *L, const char *path, ex_error *err)
{
	struct archive *a;
	struct archive_entry *ae;
	ex_status st = EX_OK;
	int r, fatal = 0, first = 1;

	if ((a = archive_read_new()) == NULL)
		return base_nomem(err);
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_iso9660(a);
	if (archive_read_open_filename(a, path, BUNDLE_CHUNK) != ARCHIVE_OK) {
		if (bundle_archive_sys_error(a))
			st = bundle_archive_error(a, path, "open", err);
		else
			st = ex_error_set(err, EX_ERR_FORMAT,
			    "%s: not a ZIP, tar or ISO 9660 bundle (%s)", path,
			    bundle_archive_msg(a, "unknown format"));
		goto out;
	}
	while (!L->stopped && !fatal) {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (first && r < ARCHIVE_WARN &&
		    !bundle_archive_sys_error(a) &&
		    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
		    ARCHIVE_FORMAT_ZIP) {
			/* ZIP: the raw walk (reader_zip.c) names why not even
			 * the first entry reads, e.g. a copy cut short. */
			L->b->kind = EX_CONTAINER_ZIP;
			first = 0;
			st = bundle_problem(L, EX_PROBLEM_UNREADABLE, "", err,
			    "damaged archive: %s",
			    bundle_archive_msg(a, "unknown error"));
			if (st != EX_OK)
				goto out;
			fatal = 1;
			break;
		}
		if (first && r < ARCHIVE_WARN) {
			if (bundle_archive_sys_error(a))
				st = bundle_archive_error(a, path, "read", err);
			else
				st = ex_error_set(err, EX_ERR_FORMAT,
				    "%s: not a ZIP, tar or ISO 9660 bundle "
				    "(%s)", path,
				    bundle_archive_msg(a, "unknown format"));
			goto out;
		}
		if (first) {
			switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
			case ARCHIVE_FORMAT_ZIP:
				L->b->kind = EX_CONTAINER_ZIP;
				break;
			case ARCHIVE_FORMAT_ISO9660:
				L->b->kind = EX_CONTAINER_ISO;
				break;
			default:
				L->b->kind = EX_CONTAINER_TAR;
				break;
			}
			first = 0;
		}
		if (r < ARCHIVE_WARN) {
			if (r == ARCHIVE_FATAL && bundle_archive_sys_error(a)) {
				st = bundle_archive_error(a, path, "read", err);
				goto out;
			}
			st = bundle_problem(L, EX_PROBLEM_UNREADABLE, "", err,
			    "damaged archive: %s",
			    bundle_archive_msg(a, "unknown error"));
			/* tar, ZIP: the raw walk still runs (a cut-short copy
			 * is one TRUNCATED problem, not this one). */
			if (st == EX_OK && r == ARCHIVE_FATAL &&
			    (L->b->kind == EX_CONTAINER_TAR ||
			    L->b->kind == EX_CONTAINER_ZIP)) {
				fatal = 1;
				break;
			}
			if (st != EX_OK || r == ARCHIVE_FATAL)
				goto out;
			continue;
		}
		if ((st = load_entry(L, a, ae, path, &fatal, err)) != EX_OK)
			goto out;
	}
	if (first) {
		/* No entry at all: an empty tar is still a tar. */
		if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) !=
		    ARCHIVE_FORMAT_TAR) {
			st = ex_error_set(err, EX_ERR_FORMAT,
			    "%s: not a ZIP, tar or ISO 9660 bundle", path);
			goto out;
		}
		L->b->kind = EX_CONTAINER_TAR;
	}
	if (L->b->kind == EX_CONTAINER_ZIP)
		st = bundle_zip_check(L, path, err);
	else if (L->b->kind == EX_CONTAINER_TAR && !L->stopped)
		st = bundle_tar_check(L, path, archive_read_header_position(a),
		    err);
	else if (L->b->kind == EX_CONTAINER_ISO && !L->stopped)
		st = bundle_iso_check(L, path, err);
out:
	archive_read_free(a);
	return st;
}

/*
 * writer_archive.c — the bundle writer's ZIP, tar and ISO 9660 kinds:
 * one temporary file beside the output, written through libarchive with
 * every entry under the top folder, owned by root, at the bundle's mtime.
 * The formats differ only in how libarchive is set up (the table below).
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

#include "base.h"
#include "bundle/writer_private.h"
#include "exhibit/time.h"

/* The writer's own mapping (bundle_archive_error is the reader's): a
 * failed write is EX_ERR_IO whatever libarchive's errno, never a format
 * error. */
static ex_status
archive_fail(ex_bundle_writer *w, const char *what, ex_error *err)
{
	int e = archive_errno(w->a);
	ex_status st;

	st = ex_error_set(err, e == ENOMEM ? EX_ERR_NOMEM : EX_ERR_IO,
	    "%s: %s: %s", w->output, what,
	    bundle_archive_msg(w->a, "write failed"));
	return bundle_writer_fail(w, st);
}

/* ---- the formats ------------------------------------------------------ */

static int
zip_format(ex_bundle_writer *w)
{
	int r = archive_write_set_format_zip(w->a);

	if (r == ARCHIVE_OK)
		r = archive_write_set_format_option(w->a, "zip",
		    "compression", "store");
	/* No 10 KiB blocking: a ZIP is not padded (its last block is
	 * 1 byte), so the bytes are the same, in a few large writes
	 * instead of a hundred small ones per MB. */
	if (r == ARCHIVE_OK)
		r = archive_write_set_bytes_per_block(w->a, 0);
	return r;
}

static int
tar_format(ex_bundle_writer *w)
{
	return archive_write_set_format_pax_restricted(w->a);
}

static int
iso_format(ex_bundle_writer *w)
{
	char volid[33];
	size_t i;
	int r;

	for (i = 0; w->top[i] != '\0' && i < sizeof(volid) - 1; i++) {
		char c = w->top[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		volid[i] = (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') ? c : '_';
	}
	volid[i] = '\0';
	r = archive_write_set_format_iso9660(w->a);
	if (r == ARCHIVE_OK)
		r = archive_write_set_format_option(w->a, "iso9660",
		    "iso-level", "3");
	if (r == ARCHIVE_OK)
		r = archive_write_set_format_option(w->a, "iso9660",
		    "joliet", "long");
	if (r == ARCHIVE_OK)
		r = archive_write_set_format_option(w->a, "iso9660",
		    "rockridge", "useful");
	if (r == ARCHIVE_OK)
		r = archive_write_set_format_option(w->a, "iso9660",
		    "volume-id", volid);
	return r;
}

static const struct {
	ex_container kind;
	int (*format)(ex_bundle_writer *w);
	int dos_times;              /* times stored in local time (ZIP) */
} formats[] = {
	{ EX_CONTAINER_ZIP, zip_format, 1 },
	{ EX_CONTAINER_TAR, tar_format, 0 },
	{ EX_CONTAINER_ISO, iso_format, 0 },
};

static int
dos_times(const ex_bundle_writer *w)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].kind == w->kind)
			return formats[i].dos_times;
	return 0;
}

/* ---- entries ---------------------------------------------------------- */

/* A libarchive entry at TOP/rel (rel NULL: the top folder itself). */
static struct archive_entry *
new_entry(ex_bundle_writer *w, const char *rel, int is_dir, uint64_t size)
{
	struct archive_entry *e = archive_entry_new();
	size_t n;
	char *name;

	if (e == NULL)
		return NULL;
	n = strlen(w->top) + (rel != NULL ? strlen(rel) : 0) + 3;
	if ((name = malloc(n)) == NULL) {
		archive_entry_free(e);
		return NULL;
	}
	snprintf(name, n, "%s%s%s%s", w->top, rel != NULL ? "/" : "",
	    rel != NULL ? rel : "", is_dir ? "/" : "");
	archive_entry_copy_pathname(e, name);
	free(name);
	archive_entry_set_filetype(e, is_dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, is_dir ? 0755 : 0644);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, (time_t)w->mtime, 0);
	archive_entry_set_size(e, is_dir ? 0 : (la_int64_t)size);
	if (is_dir)
		archive_entry_set_nlink(e, 2);
	else
		archive_entry_set_nlink(e, 1);
	return e;
}

static ex_status
write_header(ex_bundle_writer *w, struct archive_entry *e, ex_error *err)
{
	int r;

	/* ZIP stores DOS times in local time: make that UTC. */
	ex_time_zone_enter("UTC");
	r = archive_write_header(w->a, e);
	ex_time_zone_leave();
	archive_entry_free(e);
	if (r != ARCHIVE_OK)
		return archive_fail(w, "write header", err);
	return EX_OK;
}

static ex_status
archive_dir(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	struct archive_entry *e;

	if ((e = new_entry(w, rel, 1, 0)) == NULL)
		return base_nomem(err);
	return write_header(w, e, err);
}

static ex_status
archive_file_begin(ex_bundle_writer *w, const char *rel, uint64_t size,
    ex_error *err)
{
	struct archive_entry *e;

	if ((e = new_entry(w, rel, 0, size)) == NULL)
		return base_nomem(err);
	return write_header(w, e, err);
}

static ssize_t
archive_write(ex_bundle_writer *w, const void *p, size_t n)
{
	ssize_t r = archive_write_data(w->a, p, n);

	if (r > 0)
		bundle_writer_kick(w, w->fd, (size_t)r);
	return r;
}

static ex_status
archive_write_error(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	return archive_fail(w, rel, err);
}

static ex_status
archive_file_end(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	if (archive_write_finish_entry(w->a) != ARCHIVE_OK)
		return archive_fail(w, rel, err);
	return EX_OK;
}

/* ---- open, close, discard --------------------------------------------- */

static ex_status
archive_open(ex_bundle_writer *w, ex_error *err)
{
	size_t i;
	ex_status st;
	int r = ARCHIVE_OK;

	if ((st = base_sibling_file(w->output, "partial", &w->tmp, &w->fd,
	    err)) != EX_OK)
		return st;
	if (fcntl(w->fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    fchmod(w->fd, 0644) != 0)
		return ex_error_errno(err, "%s", w->tmp);
	if ((w->a = archive_write_new()) == NULL)
		return base_nomem(err);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].kind == w->kind)
			r = formats[i].format(w);
	if (r != ARCHIVE_OK)
		return ex_error_set(err, EX_ERR_IO, "%s: %s", w->output,
		    archive_error_string(w->a));
	if (archive_write_open_fd(w->a, w->fd) != ARCHIVE_OK)
		return ex_error_set(err, EX_ERR_IO, "%s: %s", w->output,
		    archive_error_string(w->a));
	return archive_dir(w, NULL, err);
}

static ex_status
archive_close(ex_bundle_writer *w, ex_error *err)
{
	int r, local = dos_times(w);

	if (local)
		ex_time_zone_enter("UTC");
	r = archive_write_close(w->a);
	if (local)
		ex_time_zone_leave();
	if (r != ARCHIVE_OK)
		return archive_fail(w, "close", err);
	archive_write_free(w->a);
	w->a = NULL;
	if (fsync(w->fd) != 0 || close(w->fd) != 0) {
		w->fd = -1;
		return bundle_writer_fail(w, ex_error_errno(err, "%s",
		    w->tmp));
	}
	w->fd = -1;
	return EX_OK;
}

static void
archive_discard(ex_bundle_writer *w)
{
	if (w->a != NULL) {
		/* archive_write_free() finishes the archive (an ISO copies its
		 * whole image then): send that to /dev/null.  (Marking it
		 * failed instead would leak libarchive's buffers.) */
		int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (nul >= 0 && w->fd >= 0)
			dup2(nul, w->fd);
		if (nul >= 0)
			close(nul);
		archive_write_free(w->a);   /* the fd stays ours */
		w->a = NULL;
	}
	if (w->fd >= 0) {
		close(w->fd);
		w->fd = -1;
	}
	if (w->tmp != NULL)
		unlink(w->tmp);
}

const bundle_writer_ops bundle_writer_archive = {
	archive_open,
	archive_dir,
	archive_file_begin,
	archive_write,
	archive_write_error,
	archive_file_end,
	NULL,                       /* a move copies the bytes */
	archive_close,
	NULL,
	archive_discard,
	0,
};

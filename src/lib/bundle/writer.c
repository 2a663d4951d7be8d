/*
 * writer.c — write a bundle: a ZIP, tar or ISO through libarchive, or a
 * real folder tree, under a temporary name that finish renames into place.
 *
 * Every file is copied in chunks; each chunk is digested (SHA-256 and
 * BLAKE2b-512) and then written, so the digests are of exactly the bytes
 * in the bundle.  The writer remembers each file's path and SHA-256 for
 * the BagIt manifests that finish writes last.
 *
 * Speed: two chunk buffers take turns, and an ex_hasher computes each
 * chunk's BLAKE2b on a helper thread while this thread computes its
 * SHA-256, writes it and reads the next chunk into the other buffer.
 * Written data is handed to the kernel's write-back as it goes
 * (sync_file_range), so the fsyncs that make the bundle durable wait
 * for little.  A folder bundle can take a finished file by renaming it
 * in (ex_bundle_add_move): one read for the digests, no copy.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "exhibit/fileio.h"
#include "bundle/bundle_private.h"
#include "exhibit/time.h"

struct ex_bundle_writer {
	ex_container kind;
	char *output;               /* final path */
	char *tmp;                  /* temporary file or folder */
	char *top;                  /* top folder inside a ZIP/tar/ISO */
	int fd;                     /* temporary file (archives) */
	int rootfd;                 /* temporary folder (DIR) */
	struct archive *a;
	int64_t mtime;
	ex_bag_field *fields;       /* copies */
	size_t nfields;
	int bag_size;
	bundle_item *items;         /* files written */
	size_t nitems, capitems;
	char **dirs;                /* folders written, parents first */
	size_t ndirs, capdirs;
	bundle_names names;         /* every file and folder name */
	unsigned char *chunk[2];    /* BUNDLE_CHUNK each, used in turn */
	ex_hasher *hasher;          /* BLAKE2b helper; NULL: none (yet) */
	uint64_t unsynced;          /* archive bytes not yet sent to disk */
	int failed;                 /* a write failed: only abort/free */
	int finished;
};

/* ---- helpers ---------------------------------------------------------- */

static ex_status
nomem(ex_error *err)
{
	return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Remove the temporary, whatever state it is in. */
static void
remove_tmp(ex_bundle_writer *w)
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
	if (w->rootfd >= 0) {
		close(w->rootfd);
		w->rootfd = -1;
	}
	if (w->tmp != NULL) {
		if (w->kind == EX_CONTAINER_DIR)
			nftw(w->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		else
			unlink(w->tmp);
		free(w->tmp);
		w->tmp = NULL;
	}
}

/* Mark the writer failed and remove what it wrote; returns st. */
static ex_status
fail(ex_bundle_writer *w, ex_status st)
{
	w->failed = 1;
	remove_tmp(w);
	return st;
}

static ex_status
archive_fail(ex_bundle_writer *w, const char *what, ex_error *err)
{
	int e = archive_errno(w->a);
	ex_status st;

	st = ex_error_set(err, e == ENOMEM ? EX_ERR_NOMEM : EX_ERR_IO,
	    "%s: %s: %s", w->output, what,
	    archive_error_string(w->a) != NULL ?
	    archive_error_string(w->a) : "write failed");
	return fail(w, st);
}

/* fsync the folder that holds path. */
static void
sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Rename tmp to output without ever replacing something there. */
static int
rename_noreplace(const char *tmp, const char *output, int is_dir)
{
	struct stat st;

#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, output, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	if (!is_dir) {
		if (link(tmp, output) != 0)
			return -1;
		unlink(tmp);
		return 0;
	}
	if (lstat(output, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, output);
}

/* ---- open ------------------------------------------------------------- */

static ex_status
copy_fields(ex_bundle_writer *w, const ex_bundle_options *opt, ex_error *err)
{
	size_t i;

	if (opt->nbag_info == 0)
		return EX_OK;
	w->fields = calloc(opt->nbag_info, sizeof(*w->fields));
	if (w->fields == NULL)
		return nomem(err);
	for (i = 0; i < opt->nbag_info; i++) {
		w->fields[i].label = strdup(opt->bag_info[i].label);
		w->fields[i].value = strdup(opt->bag_info[i].value);
		w->nfields = i + 1;
		if (w->fields[i].label == NULL || w->fields[i].value == NULL)
			return nomem(err);
	}
	return EX_OK;
}

static ex_status
open_archive(ex_bundle_writer *w, ex_error *err)
{
	char volid[33];
	size_t i;
	int r = ARCHIVE_OK;

	if ((w->a = archive_write_new()) == NULL)
		return nomem(err);
	switch (w->kind) {
	case EX_CONTAINER_ZIP:
		r = archive_write_set_format_zip(w->a);
		if (r == ARCHIVE_OK)
			r = archive_write_set_format_option(w->a, "zip",
			    "compression", "store");
		/* No 10 KiB blocking: a ZIP is not padded (its last block is
		 * 1 byte), so the bytes are the same, in a few large writes
		 * instead of a hundred small ones per MB. */
		if (r == ARCHIVE_OK)
			r = archive_write_set_bytes_per_block(w->a, 0);
		break;
	case EX_CONTAINER_TAR:
		r = archive_write_set_format_pax_restricted(w->a);
		break;
	case EX_CONTAINER_ISO:
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
		break;
	default:
		break;
	}
	if (r != ARCHIVE_OK)
		return ex_error_set(err, EX_ERR_IO, "%s: %s", w->output,
		    archive_error_string(w->a));
	if (archive_write_open_fd(w->a, w->fd) != ARCHIVE_OK)
		return ex_error_set(err, EX_ERR_IO, "%s: %s", w->output,
		    archive_error_string(w->a));
	return EX_OK;
}

static ex_status write_dir(ex_bundle_writer *w, const char *rel,
    ex_error *err);

ex_status
ex_bundle_writer_open(const char *output, ex_container kind, const char *top,
    const ex_bundle_options *opt, ex_bundle_writer **out, ex_error *err)
{
	ex_bundle_writer *w = NULL;
	char topbuf[128];
	struct stat st;
	ex_status st_ = EX_OK;

	*out = NULL;
	if (output == NULL || output[0] == '\0' || opt == NULL ||
	    (opt->nbag_info > 0 && opt->bag_info == NULL))
		return ex_error_set(err, EX_ERR_USAGE,
		    "bundle: no output or options given");
	if (kind != EX_CONTAINER_ZIP && kind != EX_CONTAINER_DIR &&
	    kind != EX_CONTAINER_TAR && kind != EX_CONTAINER_ISO)
		return ex_error_set(err, EX_ERR_USAGE,
		    "bundle: unknown container kind %d", (int)kind);
	if (output[strlen(output) - 1] == '/')
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: give the bundle's name, not a folder to put it in",
		    output);
	if ((st_ = bundle_bag_info_check(opt->bag_info, opt->nbag_info, err))
	    != EX_OK)
		return st_;
	if (lstat(output, &st) == 0)
		return ex_error_set(err, EX_ERR_EXISTS,
		    "%s: already exists (refusing to overwrite it)", output);
	if (errno != ENOENT)
		return ex_error_errno(err, "%s", output);

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return nomem(err);
	w->kind = kind;
	w->fd = w->rootfd = -1;
	w->mtime = opt->mtime;
	w->bag_size = opt->bag_size;
	ex_bundle_top_name(top, topbuf, sizeof(topbuf));
	if ((w->output = strdup(output)) == NULL ||
	    (w->top = strdup(topbuf)) == NULL ||
	    (w->chunk[0] = malloc(BUNDLE_CHUNK)) == NULL ||
	    (w->chunk[1] = malloc(BUNDLE_CHUNK)) == NULL ||
	    (w->tmp = ex_file_sibling_template(output, "partial")) ==
	    NULL) {
		st_ = nomem(err);
		goto out;
	}
	if ((st_ = copy_fields(w, opt, err)) != EX_OK)
		goto out;

	if (kind == EX_CONTAINER_DIR) {
		if (mkdtemp(w->tmp) == NULL) {
			st_ = ex_error_errno(err, "%s: cannot make a "
			    "temporary folder beside it", output);
			free(w->tmp);
			w->tmp = NULL;
			goto out;
		}
		w->rootfd = open(w->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (w->rootfd < 0 || fchmod(w->rootfd, 0755) != 0) {
			st_ = ex_error_errno(err, "%s", w->tmp);
			goto out;
		}
	} else {
		w->fd = mkostemp(w->tmp, O_CLOEXEC);
		if (w->fd < 0) {
			st_ = ex_error_errno(err, "%s: cannot make a "
			    "temporary file beside it", output);
			free(w->tmp);
			w->tmp = NULL;
			goto out;
		}
		if (fchmod(w->fd, 0644) != 0) {
			st_ = ex_error_errno(err, "%s", w->tmp);
			goto out;
		}
		if ((st_ = open_archive(w, err)) != EX_OK)
			goto out;
		if ((st_ = write_dir(w, NULL, err)) != EX_OK)
			goto out;
	}
out:
	if (st_ != EX_OK) {
		ex_bundle_writer_free(&w);
		return st_;
	}
	*out = w;
	return EX_OK;
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

/* Write the folder rel (NULL: the top folder of an archive). */
static ex_status
write_dir(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	struct archive_entry *e;
	char *copy;

	if (rel != NULL) {
		if (w->ndirs == w->capdirs) {
			size_t cap = w->capdirs ? w->capdirs * 2 : 16;
			char **d = realloc(w->dirs, cap * sizeof(*d));

			if (d == NULL)
				return nomem(err);
			w->dirs = d;
			w->capdirs = cap;
		}
		if ((copy = strdup(rel)) == NULL)
			return nomem(err);
		w->dirs[w->ndirs++] = copy;
		if (bundle_names_add(&w->names, copy, 1, w->ndirs - 1) != 0)
			return nomem(err);
	}
	if (w->kind == EX_CONTAINER_DIR) {
		if (mkdirat(w->rootfd, rel, 0755) != 0 ||
		    fchmodat(w->rootfd, rel, 0755, 0) != 0)
			return fail(w, ex_error_errno(err, "%s/%s", w->output,
			    rel));
		return EX_OK;
	}
	if ((e = new_entry(w, rel, 1, 0)) == NULL)
		return nomem(err);
	return write_header(w, e, err);
}

/* May rel be added as a file?  Conflicts with what is already there. */
static ex_status
check_conflicts(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	const bundle_name *hit;
	const char *slash, *comp;

	/* Joliet holds at most 103 characters a name: a longer one would be
	 * cut short there and the ISO's trees would disagree (verify
	 * refuses such a bundle), so it is refused here. */
	for (comp = rel; w->kind == EX_CONTAINER_ISO && *comp != '\0';
	    comp += strcspn(comp, "/") + (comp[strcspn(comp, "/")] == '/'))
		if (strcspn(comp, "/") > BUNDLE_ISO_NAME_MAX)
			return ex_error_set(err, EX_ERR_USAGE, "%s: a name of "
			    "more than %d characters does not fit an ISO "
			    "9660 bundle's Joliet tree (use --container zip, "
			    "tar or dir)", rel, BUNDLE_ISO_NAME_MAX);
	for (slash = strchr(rel, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		hit = bundle_names_find(&w->names, rel, (size_t)(slash - rel));
		if (hit == NULL)
			continue;
		if (!hit->is_dir)
			return ex_error_set(err, EX_ERR_USAGE,
			    "%s: '%s' is already a file in the bundle", rel,
			    hit->name);
		if (strncmp(hit->name, rel, (size_t)(slash - rel)) != 0)
			return ex_error_set(err, EX_ERR_USAGE,
			    "%s: folder differs only in case from '%s'", rel,
			    hit->name);
	}
	hit = bundle_names_find(&w->names, rel, strlen(rel));
	if (hit == NULL)
		return EX_OK;
	if (hit->is_dir)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: already a folder in the bundle", rel);
	if (strcmp(hit->name, rel) == 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: already in the bundle (duplicate path)", rel);
	return ex_error_set(err, EX_ERR_USAGE,
	    "%s: differs only in case from '%s' already in the bundle", rel,
	    hit->name);
}

/* Write the missing parent folders of rel. */
static ex_status
write_parents(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	const char *slash;
	char *prefix;
	ex_status st;

	for (slash = strchr(rel, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		if (bundle_names_find(&w->names, rel, (size_t)(slash - rel))
		    != NULL)
			continue;
		if ((prefix = strndup(rel, (size_t)(slash - rel))) == NULL)
			return nomem(err);
		st = write_dir(w, prefix, err);
		free(prefix);
		if (st != EX_OK)
			return st;
	}
	return EX_OK;
}

/* The source of a file's bytes: a descriptor, a buffer or a callback. */
typedef struct source {
	int fd;                     /* -1 for a buffer or a callback */
	const char *name;
	const unsigned char *buf;
	size_t len;
	ex_bundle_read_fn read;     /* not NULL: read through this */
	void *user;
} source;

/* Up to n bytes of src: read into buf, or (a buffer source) in place;
 * *data points at them.  -1 on error (errno). */
static ssize_t
source_read(source *src, unsigned char *buf, size_t n,
    const unsigned char **data)
{
	ssize_t r;

	*data = buf;
	if (src->read != NULL)
		return src->read(src->user, buf, n);
	if (src->fd < 0) {
		if (n > src->len)
			n = src->len;
		*data = src->buf;
		src->buf += n;
		src->len -= n;
		return (ssize_t)n;
	}
	do
		r = read(src->fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Start write-back of what the archive file has gained, every few MB, so
 * the final fsync has little left to wait for. */
static void
kick_writeback(ex_bundle_writer *w, int fd, size_t n)
{
#ifdef SYNC_FILE_RANGE_WRITE
	w->unsynced += n;
	if (fd >= 0 && w->unsynced >= ((uint64_t)8 << 20)) {
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		w->unsynced = 0;
	}
#else
	(void)w;
	(void)fd;
	(void)n;
#endif
}

static ex_status
sink_write(ex_bundle_writer *w, int outfd, const char *rel,
    const unsigned char *p, size_t n, ex_error *err)
{
	ssize_t r;

	while (n > 0) {
		if (outfd >= 0)
			r = write(outfd, p, n);
		else
			r = archive_write_data(w->a, p, n);
		if (r < 0 && outfd >= 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (outfd < 0)
				return archive_fail(w, rel, err);
			if (r == 0)
				errno = EIO;
			return fail(w, ex_error_errno(err, "%s/%s", w->output,
			    rel));
		}
		p += r;
		n -= (size_t)r;
	}
	return EX_OK;
}

static ex_status record_item(ex_bundle_writer *w, const char *rel,
    const ex_digest_result *res, ex_error *err);

/* Add one file of size bytes from src at rel (already checked). */
static ex_status
add_entry(ex_bundle_writer *w, const char *rel, source *src, uint64_t size,
    ex_digest_result *digest_out, ex_error *err)
{
	struct archive_entry *e;
	struct timespec times[2];
	ex_digest d;
	ex_digest_result res;
	uint64_t done = 0;
	const unsigned char *data;
	int outfd = -1, cur = 0;
	ssize_t n;
	ex_status st;

	if ((st = ex_digest_init(&d, err)) != EX_OK)
		return st;
	/* A helper thread for BLAKE2b once a file is worth it (none: the
	 * digests are done in this thread). */
	if (w->hasher == NULL && size >= 2 * EX_HASHER_MIN)
		(void)ex_hasher_new(&w->hasher, NULL);
	if (w->nitems == w->capitems) {
		size_t cap = w->capitems ? w->capitems * 2 : 64;
		bundle_item *it = realloc(w->items, cap * sizeof(*it));

		if (it == NULL)
			return nomem(err);
		w->items = it;
		w->capitems = cap;
	}
	if ((st = write_parents(w, rel, err)) != EX_OK)
		return st;
	if (w->kind == EX_CONTAINER_DIR) {
		outfd = openat(w->rootfd, rel, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (outfd < 0 || fchmod(outfd, 0644) != 0) {
			st = fail(w, ex_error_errno(err, "%s/%s", w->output,
			    rel));
			goto out;
		}
	} else {
		if ((e = new_entry(w, rel, 0, size)) == NULL)
			return nomem(err);
		if ((st = write_header(w, e, err)) != EX_OK)
			goto out;
	}
	/* Read one byte more than expected, to notice a file that grew. */
	for (;;) {
		size_t want = size - done + 1 < BUNDLE_CHUNK ?
		    (size_t)(size - done + 1) : BUNDLE_CHUNK;

		n = source_read(src, w->chunk[cur], want, &data);
		if (n < 0) {
			st = fail(w, ex_error_errno(err, "%s", src->name));
			goto out;
		}
		if (n == 0)
			break;
		if (done + (uint64_t)n > size) {
			st = fail(w, ex_error_set(err, EX_ERR_IO,
			    "%s: grew while being copied into the bundle "
			    "(expected %llu bytes)", src->name,
			    (unsigned long long)size));
			goto out;
		}
		/* BLAKE2b of this chunk runs on the helper while it is
		 * written and the next one is read into the other buffer. */
		ex_hasher_update(w->hasher, &d, data, (size_t)n);
		if ((st = sink_write(w, outfd, rel, data, (size_t)n, err)) !=
		    EX_OK)
			goto out;
		kick_writeback(w, outfd >= 0 ? outfd : w->fd, (size_t)n);
		done += (uint64_t)n;
		cur ^= 1;
	}
	ex_hasher_wait(w->hasher);
	if (done != size) {
		st = fail(w, ex_error_set(err, EX_ERR_IO,
		    "%s: shrank while being copied into the bundle (%llu of "
		    "%llu bytes)", src->name, (unsigned long long)done,
		    (unsigned long long)size));
		goto out;
	}
	if (outfd >= 0) {
		times[0].tv_sec = times[1].tv_sec = (time_t)w->mtime;
		times[0].tv_nsec = times[1].tv_nsec = 0;
		if (fsync(outfd) != 0 || futimens(outfd, times) != 0) {
			st = fail(w, ex_error_errno(err, "%s/%s", w->output,
			    rel));
			goto out;
		}
		if (close(outfd) != 0) {
			outfd = -1;
			st = fail(w, ex_error_errno(err, "%s/%s", w->output,
			    rel));
			goto out;
		}
		outfd = -1;
	} else if (archive_write_finish_entry(w->a) != ARCHIVE_OK) {
		st = archive_fail(w, rel, err);
		goto out;
	}
	ex_digest_final(&d, &res);
	if ((st = record_item(w, rel, &res, err)) != EX_OK)
		goto out;
	if (digest_out != NULL)
		*digest_out = res;
	st = EX_OK;
out:
	ex_hasher_wait(w->hasher);     /* d and the chunks are free again */
	if (outfd >= 0)
		close(outfd);
	return st;
}

static ex_status
check_usable(ex_bundle_writer *w, ex_error *err)
{
	if (w == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "bundle: no writer");
	if (w->finished)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: bundle already finished", w->output);
	if (w->failed)
		return ex_error_set(err, EX_ERR_IO,
		    "%s: bundle abandoned after an earlier error", w->output);
	return EX_OK;
}

ex_status
ex_bundle_add_file(ex_bundle_writer *w, const char *bag_path,
    const char *src_path, ex_digest_result *digest_out, ex_error *err)
{
	struct stat st;
	source src;
	ex_status s;
	int fd;

	if ((s = check_usable(w, err)) != EX_OK ||
	    (s = bundle_path_check(bag_path, err)) != EX_OK ||
	    (s = check_conflicts(w, bag_path, err)) != EX_OK)
		return s;
	fd = open(src_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ex_error_errno(err, "%s", src_path);
	if (fstat(fd, &st) != 0) {
		s = ex_error_errno(err, "%s", src_path);
		close(fd);
		return s;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: not a regular file", src_path);
	}
	memset(&src, 0, sizeof(src));
	src.fd = fd;
	src.name = src_path;
	s = add_entry(w, bag_path, &src, (uint64_t)st.st_size, digest_out,
	    err);
	close(fd);
	return s;
}

ex_status
ex_bundle_add_buffer(ex_bundle_writer *w, const char *bag_path,
    const void *buf, size_t len, ex_digest_result *digest_out, ex_error *err)
{
	source src;
	ex_status s;

	if ((s = check_usable(w, err)) != EX_OK ||
	    (s = bundle_path_check(bag_path, err)) != EX_OK ||
	    (s = check_conflicts(w, bag_path, err)) != EX_OK)
		return s;
	if (buf == NULL && len > 0)
		return ex_error_set(err, EX_ERR_USAGE, "%s: no buffer",
		    bag_path);
	memset(&src, 0, sizeof(src));
	src.fd = -1;
	src.name = bag_path;
	src.buf = buf;
	src.len = len;
	return add_entry(w, bag_path, &src, len, digest_out, err);
}

ex_status
ex_bundle_add_stream(ex_bundle_writer *w, const char *bag_path,
    uint64_t size, ex_bundle_read_fn read_fn, void *user,
    ex_digest_result *digest_out, ex_error *err)
{
	source src;
	ex_status s;

	if ((s = check_usable(w, err)) != EX_OK ||
	    (s = bundle_path_check(bag_path, err)) != EX_OK ||
	    (s = check_conflicts(w, bag_path, err)) != EX_OK)
		return s;
	if (read_fn == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "%s: no reader",
		    bag_path);
	memset(&src, 0, sizeof(src));
	src.fd = -1;
	src.name = bag_path;
	src.read = read_fn;
	src.user = user;
	return add_entry(w, bag_path, &src, size, digest_out, err);
}

/* Remember a file now at rel with digest res, for the manifests. */
static ex_status
record_item(ex_bundle_writer *w, const char *rel, const ex_digest_result *res,
    ex_error *err)
{
	bundle_item *item;

	if (w->nitems == w->capitems) {
		size_t cap = w->capitems ? w->capitems * 2 : 64;
		bundle_item *it = realloc(w->items, cap * sizeof(*it));

		if (it == NULL)
			return fail(w, nomem(err));
		w->items = it;
		w->capitems = cap;
	}
	item = &w->items[w->nitems];
	if ((item->path = strdup(rel)) == NULL)
		return fail(w, nomem(err));
	memcpy(item->sha256, res->sha256, sizeof(item->sha256));
	item->size = res->size;
	w->nitems++;
	if (bundle_names_add(&w->names, item->path, 0, w->nitems - 1) != 0)
		return fail(w, nomem(err));
	return EX_OK;
}

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
			n = read(fd, w->chunk[cur], BUNDLE_CHUNK);
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
	return st;
}

ex_status
ex_bundle_add_move(ex_bundle_writer *w, const char *bag_path,
    const char *src_path, ex_digest_result *digest_out, ex_error *err)
{
	struct timespec times[2];
	struct stat st, after;
	ex_digest_result res;
	source src;
	ex_status s;
	int fd, r;

	if ((s = check_usable(w, err)) != EX_OK)
		return s;
	if (w->kind != EX_CONTAINER_DIR) {
		/* Into a ZIP, tar or ISO the bytes have to be copied. */
		if ((s = ex_bundle_add_file(w, bag_path, src_path, digest_out,
		    err)) == EX_OK)
			(void)unlink(src_path);
		return s;
	}
	if ((s = bundle_path_check(bag_path, err)) != EX_OK ||
	    (s = check_conflicts(w, bag_path, err)) != EX_OK)
		return s;
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
	if ((s = write_parents(w, bag_path, err)) != EX_OK)
		goto out;
	/* A file with other names could change through them after it was
	 * digested: copy it instead (as does a move across file systems). */
	if (st.st_nlink != 1)
		goto copy;
	if ((s = digest_for_move(w, fd, src_path, (uint64_t)st.st_size, &res,
	    err)) != EX_OK) {
		s = fail(w, s);
		goto out;
	}
	times[0].tv_sec = times[1].tv_sec = (time_t)w->mtime;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	if (fchmod(fd, 0644) != 0 || futimens(fd, times) != 0 ||
	    fsync(fd) != 0) {
		s = fail(w, ex_error_errno(err, "%s", src_path));
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
		s = fail(w, ex_error_errno(err, "%s/%s", w->output, bag_path));
		goto out;
	}
	/* It must be the very file that was digested. */
	if (fstatat(w->rootfd, bag_path, &after, AT_SYMLINK_NOFOLLOW) != 0 ||
	    after.st_ino != st.st_ino || after.st_dev != st.st_dev) {
		s = fail(w, ex_error_set(err, EX_ERR_IO, "%s/%s: not the file "
		    "that was moved in", w->output, bag_path));
		goto out;
	}
	if ((s = record_item(w, bag_path, &res, err)) != EX_OK)
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
	memset(&src, 0, sizeof(src));
	src.fd = fd;
	src.name = src_path;
	if ((s = add_entry(w, bag_path, &src, (uint64_t)st.st_size,
	    digest_out, err)) == EX_OK)
		(void)unlink(src_path);
out:
	close(fd);
	return s;
}

/* ---- finish ----------------------------------------------------------- */

/* A tag file the writer makes itself (no reserved-name check). */
static ex_status
add_tag(ex_bundle_writer *w, const char *name, bundle_buf *b, ex_error *err)
{
	source src;

	if (b->failed)
		return fail(w, nomem(err));
	memset(&src, 0, sizeof(src));
	src.fd = -1;
	src.name = name;
	src.buf = (const unsigned char *)(b->data != NULL ? b->data : "");
	src.len = b->len;
	return add_entry(w, name, &src, b->len, NULL, err);
}

/* Folder bundle: give every folder its mode and mtime, sync it. */
static ex_status
settle_dirs(ex_bundle_writer *w, ex_error *err)
{
	struct timespec times[2];
	size_t i;
	int fd;

	times[0].tv_sec = times[1].tv_sec = (time_t)w->mtime;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	for (i = w->ndirs; i-- > 0;) {
		fd = openat(w->rootfd, w->dirs[i], O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || futimens(fd, times) != 0 || fsync(fd) != 0) {
			if (fd >= 0)
				close(fd);
			return fail(w, ex_error_errno(err, "%s/%s", w->output,
			    w->dirs[i]));
		}
		close(fd);
	}
	if (futimens(w->rootfd, times) != 0 || fsync(w->rootfd) != 0)
		return fail(w, ex_error_errno(err, "%s", w->tmp));
	return EX_OK;
}

ex_status
ex_bundle_finish(ex_bundle_writer *w, ex_error *err)
{
	struct timespec times[2];
	bundle_buf b = { NULL, 0, 0, 0 };
	ex_status st;
	int r;

	if ((st = check_usable(w, err)) != EX_OK)
		return st;
	bundle_buf_printf(&b, "%s", BUNDLE_BAGIT_TXT);
	if ((st = add_tag(w, "bagit.txt", &b, err)) != EX_OK)
		goto out;
	b.len = 0;
	bundle_bag_info_text(&b, w->fields, w->nfields, w->items, w->nitems,
	    w->bag_size);
	if ((st = add_tag(w, "bag-info.txt", &b, err)) != EX_OK)
		goto out;
	b.len = 0;
	if ((st = bundle_manifest_text(&b, w->items, w->nitems, 1, err))
	    != EX_OK || (st = add_tag(w, "manifest-sha256.txt", &b, err))
	    != EX_OK)
		goto out;
	b.len = 0;
	if ((st = bundle_manifest_text(&b, w->items, w->nitems, 0, err))
	    != EX_OK || (st = add_tag(w, "tagmanifest-sha256.txt", &b, err))
	    != EX_OK)
		goto out;

	if (w->kind == EX_CONTAINER_DIR) {
		if ((st = settle_dirs(w, err)) != EX_OK)
			goto out;
	} else {
		if (w->kind == EX_CONTAINER_ZIP)
			ex_time_zone_enter("UTC");
		r = archive_write_close(w->a);
		if (w->kind == EX_CONTAINER_ZIP)
			ex_time_zone_leave();
		if (r != ARCHIVE_OK) {
			st = archive_fail(w, "close", err);
			goto out;
		}
		archive_write_free(w->a);
		w->a = NULL;
		if (fsync(w->fd) != 0 || close(w->fd) != 0) {
			w->fd = -1;
			st = fail(w, ex_error_errno(err, "%s", w->tmp));
			goto out;
		}
		w->fd = -1;
	}
	if (rename_noreplace(w->tmp, w->output, w->kind == EX_CONTAINER_DIR)
	    != 0) {
		st = fail(w, errno == EEXIST ? ex_error_set(err,
		    EX_ERR_EXISTS, "%s: appeared while the bundle was "
		    "written (refusing to overwrite it)", w->output) :
		    ex_error_errno(err, "%s: rename", w->output));
		goto out;
	}
	free(w->tmp);
	w->tmp = NULL;
	if (w->rootfd >= 0) {
		/* Renaming may touch the folder's times; set them again. */
		times[0].tv_sec = times[1].tv_sec = (time_t)w->mtime;
		times[0].tv_nsec = times[1].tv_nsec = 0;
		(void)futimens(w->rootfd, times);
		close(w->rootfd);
		w->rootfd = -1;
	}
	sync_parent(w->output);
	w->finished = 1;
	st = EX_OK;
out:
	bundle_buf_free(&b);
	return st;
}

/* ---- abort and free --------------------------------------------------- */

void
ex_bundle_abort(ex_bundle_writer **wp)
{
	ex_bundle_writer *w;
	size_t i;

	if (wp == NULL || (w = *wp) == NULL)
		return;
	if (!w->finished)
		remove_tmp(w);
	if (w->a != NULL)
		archive_write_free(w->a);
	if (w->fd >= 0)
		close(w->fd);
	if (w->rootfd >= 0)
		close(w->rootfd);
	for (i = 0; i < w->nfields; i++) {
		free((char *)w->fields[i].label);
		free((char *)w->fields[i].value);
	}
	free(w->fields);
	for (i = 0; i < w->nitems; i++)
		free(w->items[i].path);
	free(w->items);
	for (i = 0; i < w->ndirs; i++)
		free(w->dirs[i]);
	free(w->dirs);
	bundle_names_free(&w->names);
	ex_hasher_free(&w->hasher);
	free(w->chunk[0]);
	free(w->chunk[1]);
	free(w->tmp);
	free(w->top);
	free(w->output);
	free(w);
	*wp = NULL;
}

void
ex_bundle_writer_free(ex_bundle_writer **w)
{
	ex_bundle_abort(w);
}

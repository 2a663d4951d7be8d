/*
 * writer.c — write a bundle: the front every container kind shares (the
 * ex_bundle_writer API, the names and items it records, the temporary
 * that finish renames into place).  How a kind writes is in its table of
 * operations: writer_archive.c (ZIP, tar, ISO through libarchive) and
 * writer_dir.c (a real folder tree).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "exhibit/fileio.h"
#include "bundle/writer_private.h"

/* The container kinds: how each is written. */
static const struct {
	ex_container kind;
	const bundle_writer_ops *ops;
	size_t name_max;            /* longest name component; 0: any */
} kinds[] = {
	{ EX_CONTAINER_ZIP, &bundle_writer_archive, 0 },
	{ EX_CONTAINER_DIR, &bundle_writer_dir, 0 },
	{ EX_CONTAINER_TAR, &bundle_writer_archive, 0 },
	/* Joliet holds at most 103 characters a name. */
	{ EX_CONTAINER_ISO, &bundle_writer_archive, BUNDLE_ISO_NAME_MAX },
};

/* ---- helpers ---------------------------------------------------------- */

/* Remove the temporary, whatever state it is in. */
static void
remove_tmp(ex_bundle_writer *w)
{
	w->ops->discard(w);
	free(w->tmp);
	w->tmp = NULL;
}

ex_status
bundle_writer_fail(ex_bundle_writer *w, ex_status st)
{
	w->failed = 1;
	remove_tmp(w);
	return st;
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
		return base_nomem(err);
	for (i = 0; i < opt->nbag_info; i++) {
		w->fields[i].label = strdup(opt->bag_info[i].label);
		w->fields[i].value = strdup(opt->bag_info[i].value);
		w->nfields = i + 1;
		if (w->fields[i].label == NULL || w->fields[i].value == NULL)
			return base_nomem(err);
	}
	return EX_OK;
}

ex_status
ex_bundle_writer_open(const char *output, ex_container kind, const char *top,
    const ex_bundle_options *opt, ex_bundle_writer **out, ex_error *err)
{
	ex_bundle_writer *w = NULL;
	char topbuf[128];
	struct stat st;
	ex_status st_ = EX_OK;
	size_t k;

	*out = NULL;
	if (output == NULL || output[0] == '\0' || opt == NULL ||
	    (opt->nbag_info > 0 && opt->bag_info == NULL))
		return ex_error_set(err, EX_ERR_USAGE,
		    "bundle: no output or options given");
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (kinds[k].kind == kind)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
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
		return base_nomem(err);
	w->kind = kind;
	w->ops = kinds[k].ops;
	w->name_max = kinds[k].name_max;
	w->fd = w->rootfd = w->outfd = -1;
	w->mtime = opt->mtime;
	w->bag_size = opt->bag_size;
	ex_bundle_top_name(top, topbuf, sizeof(topbuf));
	if ((w->output = strdup(output)) == NULL ||
	    (w->top = strdup(topbuf)) == NULL ||
	    (w->chunk[0] = malloc(BUNDLE_WRITE_CHUNK)) == NULL ||
	    (w->chunk[1] = malloc(BUNDLE_WRITE_CHUNK)) == NULL) {
		st_ = base_nomem(err);
		goto out;
	}
	if ((st_ = copy_fields(w, opt, err)) != EX_OK)
		goto out;
	st_ = w->ops->open(w, err);
out:
	if (st_ != EX_OK) {
		ex_bundle_writer_free(&w);
		return st_;
	}
	*out = w;
	return EX_OK;
}

/* ---- entries ---------------------------------------------------------- */

/* Write the folder rel, remembering it. */
static ex_status
write_dir(ex_bundle_writer *w, const char *rel, ex_error *err)
{
	char *copy;

	if (BASE_GROW(w->dirs, w->capdirs, w->ndirs + 1) != 0)
		return base_nomem(err);
	if ((copy = strdup(rel)) == NULL)
		return base_nomem(err);
	w->dirs[w->ndirs++] = copy;
	if (bundle_names_add(&w->names, copy, 1, w->ndirs - 1) != 0)
		return base_nomem(err);
	return w->ops->dir(w, rel, err);
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
	for (comp = rel; w->name_max != 0 && *comp != '\0';
	    comp += strcspn(comp, "/") + (comp[strcspn(comp, "/")] == '/'))
		if (strcspn(comp, "/") > w->name_max)
			return ex_error_set(err, EX_ERR_USAGE, "%s: a name of "
			    "more than %zu characters does not fit an ISO "
			    "9660 bundle's Joliet tree (use --container zip, "
			    "tar or dir)", rel, w->name_max);
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
ex_status
bundle_writer_parents(ex_bundle_writer *w, const char *rel, ex_error *err)
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
			return base_nomem(err);
		st = write_dir(w, prefix, err);
		free(prefix);
		if (st != EX_OK)
			return st;
	}
	return EX_OK;
}

/* Up to n bytes of src: read into buf, or (a buffer source) in place;
 * *data points at them.  -1 on error (errno). */
static ssize_t
source_read(bundle_source *src, unsigned char *buf, size_t n,
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
void
bundle_writer_kick(ex_bundle_writer *w, int fd, size_t n)
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

/* Write n bytes of the current file. */
static ex_status
write_all(ex_bundle_writer *w, const char *rel, const unsigned char *p,
    size_t n, ex_error *err)
{
	ssize_t r;

	while (n > 0) {
		if ((r = w->ops->write(w, p, n)) <= 0)
			return w->ops->write_error(w, rel, err);
		p += r;
		n -= (size_t)r;
	}
	return EX_OK;
}

ex_status
bundle_writer_add(ex_bundle_writer *w, const char *rel, bundle_source *src,
    uint64_t size, ex_digest_result *digest_out, ex_error *err)
{
	ex_digest d;
	ex_digest_result res;
	uint64_t done = 0;
	const unsigned char *data;
	int cur = 0;
	ssize_t n;
	ex_status st;

	/* A helper thread for BLAKE2b once a file is worth it (none: the
	 * digests are done in this thread). */
	if (w->hasher == NULL && size >= 2 * EX_HASHER_MIN)
		(void)ex_hasher_new(&w->hasher, NULL);
	if (BASE_GROW(w->items, w->capitems, w->nitems + 1) != 0)
		return base_nomem(err);
	if ((st = bundle_writer_parents(w, rel, err)) != EX_OK)
		return st;
	if ((st = ex_digest_init(&d, err)) != EX_OK)
		return st;
	if ((st = w->ops->file_begin(w, rel, size, err)) != EX_OK)
		goto out;
	/* Read one byte more than expected, to notice a file that grew. */
	for (;;) {
		size_t want = size - done + 1 < BUNDLE_WRITE_CHUNK ?
		    (size_t)(size - done + 1) : BUNDLE_WRITE_CHUNK;

		n = source_read(src, w->chunk[cur], want, &data);
		if (n < 0) {
			st = bundle_writer_fail(w, ex_error_errno(err, "%s",
			    src->name));
			goto out;
		}
		if (n == 0)
			break;
		if (done + (uint64_t)n > size) {
			st = bundle_writer_fail(w, ex_error_set(err, EX_ERR_IO,
			    "%s: grew while being copied into the bundle "
			    "(expected %llu bytes)", src->name,
			    (unsigned long long)size));
			goto out;
		}
		/* BLAKE2b of this chunk runs on the helper while it is
		 * written and the next one is read into the other buffer. */
		ex_hasher_update(w->hasher, &d, data, (size_t)n);
		if ((st = write_all(w, rel, data, (size_t)n, err)) != EX_OK)
			goto out;
		done += (uint64_t)n;
		cur ^= 1;
	}
	ex_hasher_wait(w->hasher);
	if (done != size) {
		st = bundle_writer_fail(w, ex_error_set(err, EX_ERR_IO,
		    "%s: shrank while being copied into the bundle (%llu of "
		    "%llu bytes)", src->name, (unsigned long long)done,
		    (unsigned long long)size));
		goto out;
	}
	if ((st = w->ops->file_end(w, rel, err)) != EX_OK)
		goto out;
	ex_digest_final(&d, &res);
	if ((st = bundle_writer_record(w, rel, &res, err)) != EX_OK)
		goto out;
	if (digest_out != NULL)
		*digest_out = res;
	st = EX_OK;
out:
	ex_hasher_wait(w->hasher);     /* d and the chunks are free again */
	ex_digest_discard(&d);         /* nothing left after a final */
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
	if (w->sealed)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: bundle already sealed", w->output);
	return EX_OK;
}

/* May a file be added at bag_path? */
static ex_status
check_new(ex_bundle_writer *w, const char *bag_path, ex_error *err)
{
	ex_status s;

	if ((s = check_usable(w, err)) != EX_OK ||
	    (s = bundle_path_check(bag_path, err)) != EX_OK)
		return s;
	return check_conflicts(w, bag_path, err);
}

ex_status
ex_bundle_add_file(ex_bundle_writer *w, const char *bag_path,
    const char *src_path, ex_digest_result *digest_out, ex_error *err)
{
	struct stat st;
	bundle_source src;
	ex_status s;
	int fd;

	if ((s = check_new(w, bag_path, err)) != EX_OK)
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
	src = (bundle_source){ .fd = fd, .name = src_path };
	s = bundle_writer_add(w, bag_path, &src, (uint64_t)st.st_size,
	    digest_out, err);
	close(fd);
	return s;
}

/* Add src's size bytes at bag_path, when it may be added and the caller
 * gave it (missing: "<bag_path>: no <what>"). */
static ex_status
add_given(ex_bundle_writer *w, const char *bag_path, int missing,
    const char *what, bundle_source *src, uint64_t size,
    ex_digest_result *digest_out, ex_error *err)
{
	ex_status s;

	if ((s = check_new(w, bag_path, err)) != EX_OK)
		return s;
	if (missing)
		return ex_error_set(err, EX_ERR_USAGE, "%s: no %s", bag_path,
		    what);
	return bundle_writer_add(w, bag_path, src, size, digest_out, err);
}

ex_status
ex_bundle_add_buffer(ex_bundle_writer *w, const char *bag_path,
    const void *buf, size_t len, ex_digest_result *digest_out, ex_error *err)
{
	bundle_source src = { .fd = -1, .name = bag_path, .buf = buf,
	    .len = len };

	return add_given(w, bag_path, buf == NULL && len > 0, "buffer", &src,
	    len, digest_out, err);
}

ex_status
ex_bundle_add_stream(ex_bundle_writer *w, const char *bag_path,
    uint64_t size, ex_bundle_read_fn read_fn, void *user,
    ex_digest_result *digest_out, ex_error *err)
{
	bundle_source src = { .fd = -1, .name = bag_path, .read = read_fn,
	    .user = user };

	return add_given(w, bag_path, read_fn == NULL, "reader", &src, size,
	    digest_out, err);
}

ex_status
bundle_writer_record(ex_bundle_writer *w, const char *rel,
    const ex_digest_result *res, ex_error *err)
{
	bundle_item *item;

	if (BASE_GROW(w->items, w->capitems, w->nitems + 1) != 0)
		return bundle_writer_fail(w, base_nomem(err));
	item = &w->items[w->nitems];
	if ((item->path = strdup(rel)) == NULL)
		return bundle_writer_fail(w, base_nomem(err));
	memcpy(item->sha256, res->sha256, sizeof(item->sha256));
	item->size = res->size;
	w->nitems++;
	if (bundle_names_add(&w->names, item->path, 0, w->nitems - 1) != 0)
		return bundle_writer_fail(w, base_nomem(err));
	return EX_OK;
}

ex_status
ex_bundle_add_move(ex_bundle_writer *w, const char *bag_path,
    const char *src_path, ex_digest_result *digest_out, ex_error *err)
{
	ex_status s;

	if ((s = check_usable(w, err)) != EX_OK)
		return s;
	if (w->ops->move == NULL) {
		/* This kind has to copy the bytes. */
		if ((s = ex_bundle_add_file(w, bag_path, src_path, digest_out,
		    err)) == EX_OK)
			(void)unlink(src_path);
		return s;
	}
	if ((s = bundle_path_check(bag_path, err)) != EX_OK ||
	    (s = check_conflicts(w, bag_path, err)) != EX_OK)
		return s;
	return w->ops->move(w, bag_path, src_path, digest_out, err);
}

/* ---- finish ----------------------------------------------------------- */

/* A tag file the writer makes itself (no reserved-name check). */
static ex_status
add_tag(ex_bundle_writer *w, const char *name, base_buf *b, ex_error *err)
{
	bundle_source src;

	if (base_buf_failed(b))
		return bundle_writer_fail(w, base_nomem(err));
	src = (bundle_source){ .fd = -1, .name = name,
	    .buf = (const unsigned char *)(b->data != NULL ? b->data : ""),
	    .len = b->len };
	return bundle_writer_add(w, name, &src, b->len, NULL, err);
}

ex_status
ex_bundle_seal(ex_bundle_writer *w, uint64_t *bytes, ex_error *err)
{
	base_buf b = BASE_BUF_INIT;
	struct stat sb;
	ex_status st;
	size_t i;

	if ((st = check_usable(w, err)) != EX_OK)
		return st;
	base_buf_adds(&b, BUNDLE_BAGIT_TXT);
	if ((st = add_tag(w, "bagit.txt", &b, err)) != EX_OK)
		goto out;
	base_buf_truncate(&b, 0);
	bundle_bag_info_text(&b, w->fields, w->nfields, w->items, w->nitems,
	    w->bag_size);
	if ((st = add_tag(w, "bag-info.txt", &b, err)) != EX_OK)
		goto out;
	base_buf_truncate(&b, 0);
	if ((st = bundle_manifest_text(&b, w->items, w->nitems, 1, err))
	    != EX_OK || (st = add_tag(w, "manifest-sha256.txt", &b, err))
	    != EX_OK)
		goto out;
	base_buf_truncate(&b, 0);
	if ((st = bundle_manifest_text(&b, w->items, w->nitems, 0, err))
	    != EX_OK || (st = add_tag(w, "tagmanifest-sha256.txt", &b, err))
	    != EX_OK)
		goto out;

	if ((st = w->ops->close(w, err)) != EX_OK)
		goto out;
	w->sealed = 1;
	w->bytes = 0;
	if (!w->ops->is_dir && stat(w->tmp, &sb) == 0)
		w->bytes = (uint64_t)sb.st_size;
	for (i = 0; w->ops->is_dir && i < w->nitems; i++)
		w->bytes += w->items[i].size;
	if (bytes != NULL)
		*bytes = w->bytes;
	st = EX_OK;
out:
	base_buf_free(&b);
	return st;
}

ex_status
ex_bundle_finish(ex_bundle_writer *w, ex_error *err)
{
	ex_status st;

	if (!w->sealed && (st = ex_bundle_seal(w, NULL, err)) != EX_OK)
		return st;
	if (w->failed || w->finished)
		return ex_error_set(err, EX_ERR_USAGE, "%s: bundle already "
		    "finished or abandoned", w->output);
	if (rename_noreplace(w->tmp, w->output, w->ops->is_dir) != 0)
		return bundle_writer_fail(w, errno == EEXIST ? ex_error_set(err,
		    EX_ERR_EXISTS, "%s: appeared while the bundle was "
		    "written (refusing to overwrite it)", w->output) :
		    ex_error_errno(err, "%s: rename", w->output));
	free(w->tmp);
	w->tmp = NULL;
	if (w->ops->renamed != NULL)
		w->ops->renamed(w);
	sync_parent(w->output);
	w->finished = 1;
	return EX_OK;
}

/* ---- abort and free --------------------------------------------------- */

void
ex_bundle_abort(ex_bundle_writer **wp)
{
	ex_bundle_writer *w;
	size_t i;

	if (wp == NULL || (w = *wp) == NULL)
		return;
	remove_tmp(w);      /* after finish: nothing is left to remove */
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

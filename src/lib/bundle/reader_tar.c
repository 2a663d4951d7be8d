/*
 * reader_tar.c — the raw tar structures behind libarchive's reading.
 *
 * exhibit writes tar through libarchive's restricted pax writer
 * (writer.c): POSIX ustar headers ('5' folders, mode 0755, then '0'
 * files, mode 0644), uid and gid 0, no owner names, one mtime, and a pax
 * 'x' header before an entry only where ustar cannot state the path
 * (longer than ustar can split), the size (8 GiB or more) or the mtime
 * (before 1970 or after 2038).  The archive ends with two zero blocks.
 *
 * A tar states some things twice (a pax record and the ustar field under
 * it), and readers differ in which they believe: GNU tar, bsdtar and
 * Python honour pax, a ustar-only reader does not.  So this file walks
 * the 512-byte blocks itself, rebuilds every header exactly as the writer
 * would make it from what the header says (tar_pax.c), and refuses any
 * difference: what it accepts reads the same in every reader.  It then
 * requires the walk to list the very entries libarchive loaded.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/reader_tar.h"

/* ---- the walk ---------------------------------------------------------- */


ex_status
tar_problem(struct tar_walk *w, ex_bundle_problem_kind kind,
    const char *fmt, ...)
{
	ex_status s;
	va_list ap;

	w->bad = 1;
	va_start(ap, fmt);
	s = bundle_problemv(w->L, kind, "", w->err, fmt, ap);
	va_end(ap);
	return s;
}

static ex_status
truncated(struct tar_walk *w, const char *where)
{
	w->truncated = 1;
	return tar_problem(w, EX_PROBLEM_TRUNCATED, "incomplete copy: the tar "
	    "ends at byte %llu %s", (unsigned long long)w->fsize, where);
}

static void
shown_name(char *buf, const char *name)
{
	bundle_display_n((const unsigned char *)name, strlen(name), buf,
	    TAR_SHOWN);
}

/* n bytes at off must be zeros; within the file. */
static ex_status
zero_padding(struct tar_walk *w, uint64_t off, size_t n, const char *what)
{
	unsigned char pad[TAR_BLOCK];
	char where[TAR_SHOWN + 32];
	size_t i;

	if (n == 0)
		return EX_OK;
	if (off + n > w->fsize) {
		snprintf(where, sizeof(where), "inside entry '%s'", w->shown);
		return truncated(w, where);
	}
	if (bundle_read_at(w->fd, pad, n, off) != 0)
		return ex_error_errno(w->err, "tar padding");
	for (i = 0; i < n; i++)
		if (pad[i] != 0)
			return tar_problem(w, EX_PROBLEM_TRAILING, "bytes "
			    "hidden in the padding of %s'%s' (at byte %llu)",
			    what, w->shown, (unsigned long long)(off + i));
	return EX_OK;
}

/* Compare a header with the one the writer would make. */
static ex_status
same_header(struct tar_walk *w, const unsigned char *h,
    const unsigned char *want, uint64_t off, const char *what)
{
	size_t i;

	for (i = 0; i < TAR_BLOCK && h[i] == want[i]; i++)
		;
	if (i == TAR_BLOCK)
		return EX_OK;
	return tar_problem(w, EX_PROBLEM_FORM, "%s'%s': the %s field of the "
	    "tar header at byte %llu is not as exhibit writes it",
	    what, w->shown, tar_field_name((unsigned)i),
	    (unsigned long long)off);
}

/*
 * The entry described by the header h at off (and the pending pax
 * header, if any): its name, size and mtime as a pax reader and as a
 * ustar-only reader see them must be one; its header and the pax header
 * must be the writer's.
 */
static ex_status
check_entry(struct tar_walk *w, const unsigned char *h, uint64_t off,
    const char **path, int64_t *size)
{
	struct tar_pax *px = &w->pax;
	unsigned char want[TAR_BLOCK];
	char a[TAR_SHOWN], b[TAR_SHOWN], shownkey[64];
	int64_t usize, umtime, mtime, v, uv;
	const char *key, *val;
	size_t plen, i;
	int type = h[F_TYPE], rank, last = 0, is_dir = type == '5', needs;
	ex_status s;

	tar_header_name(h, w->ustar_name);
	*path = w->ustar_name;
	shown_name(w->shown, *path);
	if (tar_field_number(h + F_SIZE, 12, &usize) != 0 || usize < 0 ||
	    tar_field_number(h + F_MTIME, 12, &umtime) != 0)
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': unreadable size "
		    "or mtime in the tar header at byte %llu",
		    w->shown, (unsigned long long)off);
	*size = usize;
	mtime = umtime;
	for (i = 0; px->present && i < px->n; i++) {
		key = px->key[i];
		val = px->val[i];
		bundle_display_n((const unsigned char *)key, strlen(key),
		    shownkey, sizeof(shownkey));
		rank = tar_pax_rank(key);
		if (rank < 0)
			return tar_problem(w, EX_PROBLEM_FORM, "'%s': pax "
			    "record '%s' that exhibit does not write",
			    w->shown, shownkey);
		if (strcmp(key, "path") == 0) {
			if ((s = tar_writer_names(val, &needs, w->made,
			    w->xname, w->err)) != EX_OK)
				return s;
			shown_name(a, val);
			if (strcmp(w->made, w->ustar_name) != 0)
				return tar_problem(w, EX_PROBLEM_AMBIGUOUS,
				    "pax path and ustar name disagree, so "
				    "readers that honour pax and readers that "
				    "do not see different files: pax path "
				    "'%s', ustar name '%s'", a, w->shown);
			if (!needs)
				return tar_problem(w, EX_PROBLEM_FORM, "'%s': "
				    "pax path record that exhibit does not "
				    "write (the name fits the ustar header)",
				    a);
			*path = val;
			shown_name(w->shown, val);
		} else if (strcmp(key, "size") == 0 ||
		    strcmp(key, "mtime") == 0 || strcmp(key, "uid") == 0 ||
		    strcmp(key, "gid") == 0) {
			const unsigned char *f = h + (key[0] == 's' ? F_SIZE :
			    key[0] == 'm' ? F_MTIME : key[0] == 'u' ? F_UID :
			    F_GID);

			if (tar_field_number(f, key[0] == 's' || key[0] == 'm' ?
			    12 : 8, &uv) != 0)
				uv = -1;
			if (tar_pax_number(val, &v) != 0)
				return tar_problem(w, EX_PROBLEM_FORM, "'%s': "
				    "pax %s '%.40s' is not a plain number",
				    w->shown, shownkey, val);
			if (v != uv)
				return tar_problem(w, EX_PROBLEM_AMBIGUOUS,
				    "'%s': pax %s %lld contradicts the ustar "
				    "%s %lld: readers that honour pax and "
				    "readers that do not see different files",
				    w->shown, shownkey, (long long)v, shownkey,
				    (long long)uv);
			if (rank == 2 && v >= (int64_t)1 << 33)
				*size = v;
			else if (rank == 3 && (v < 0 || v >= 0x7fffffff))
				mtime = v;
			else
				return tar_problem(w, EX_PROBLEM_FORM, "'%s': "
				    "pax %s record that exhibit does not "
				    "write (the ustar header holds it)",
				    w->shown, shownkey);
		} else {
			/* uname, gname, linkpath: ustar has them too. */
			const char *f = (const char *)h + (key[0] == 'u' ?
			    F_UNAME : key[0] == 'g' ? F_GNAME : F_LINK);
			size_t fl = strnlen(f, key[0] == 'l' ? 100 : 32);

			shown_name(a, val);
			bundle_display_n((const unsigned char *)f, fl, b,
			    sizeof(b));
			if (fl != strlen(val) || memcmp(f, val, fl) != 0)
				return tar_problem(w, EX_PROBLEM_AMBIGUOUS,
				    "'%s': pax %s '%s' contradicts the ustar "
				    "%s '%s': readers that honour pax and "
				    "readers that do not see different files",
				    w->shown, shownkey, a, shownkey, b);
			return tar_problem(w, EX_PROBLEM_FORM, "'%s': pax "
			    "record '%s' that exhibit does not write",
			    w->shown, shownkey);
		}
		if (rank <= last)
			return tar_problem(w, EX_PROBLEM_FORM, "'%s': pax "
			    "records not in the order exhibit writes them",
			    w->shown);
		last = rank;
	}
	if (is_dir && *size != 0)
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': folder entry "
		    "carrying %lld bytes of data", w->shown, (long long)*size);
	plen = strlen(*path);
	if (is_dir && (plen == 0 || (*path)[plen - 1] != '/'))
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': folder entry "
		    "whose name does not end in '/'", w->shown);
	if (!is_dir && plen > 0 && (*path)[plen - 1] == '/')
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': file entry "
		    "whose name ends in '/' (read as a folder by some readers)",
		    w->shown);
	if (tar_ustar_header(want, w->ustar_name, type, is_dir ? 0755 : 0644,
	    *size, mtime, 0) != 0)
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': the name in the "
		    "tar header at byte %llu is not as exhibit writes it",
		    w->shown, (unsigned long long)off);
	if ((s = same_header(w, h, want, off, "")) != EX_OK || w->bad)
		return s;
	if (!px->present)
		return EX_OK;
	/* The 'x' header itself: as libarchive makes it for this entry. */
	if ((s = tar_writer_names(*path, &needs, w->made, w->xname, w->err)) !=
	    EX_OK)
		return s;
	if (tar_ustar_header(want, w->xname, 'x', is_dir ? 0755 : 0644,
	    (int64_t)px->len, mtime < 0 ? 0 : mtime > 0x7fffffff ?
	    0x7fffffff : mtime, 1) != 0)
		return tar_problem(w, EX_PROBLEM_FORM, "the pax header before "
		    "'%s' is not as exhibit writes it", w->shown);
	return same_header(w, px->hdr, want, px->off, "the pax header of ");
}

static ex_status
add_raw(struct tar_walk *w, const char *name, int is_dir, uint64_t size)
{
	struct tar_raw *r;

	if (base_grow(&w->raw, &w->capraw, w->nraw + 1, sizeof(*w->raw),
	    64) != 0)
		return base_nomem(w->err);
	r = &w->raw[w->nraw];
	if ((r->name = strdup(name)) == NULL)
		return base_nomem(w->err);
	r->is_dir = is_dir;
	r->size = size;
	w->nraw++;
	return EX_OK;
}

/* From the first zero block at off: a second zero block, then zeros. */
static ex_status
check_end(struct tar_walk *w, uint64_t off)
{
	bundle_loader *L = w->L;
	uint64_t at = off;
	ssize_t n, i;

	if (w->pax.present)
		return tar_problem(w, EX_PROBLEM_FORM, "a pax header with no "
		    "entry after it (at byte %llu)",
		    (unsigned long long)w->pax.off);
	for (;;) {
		n = pread(w->fd, L->chunk, BUNDLE_CHUNK, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ex_error_errno(w->err, "tar end");
		if (n == 0)
			break;
		for (i = 0; i < n && L->chunk[i] == 0; i++)
			;
		if (i < n)
			return tar_problem(w, EX_PROBLEM_TRAILING, "data "
			    "after the end of the tar archive (at byte %llu)",
			    (unsigned long long)(at + (uint64_t)i));
		at += (uint64_t)n;
	}
	if (w->fsize - off < 2 * TAR_BLOCK)
		return truncated(w, "inside its end marker (two zero blocks)");
	return EX_OK;
}

static ex_status
walk(struct tar_walk *w)
{
	unsigned char h[TAR_BLOCK];
	char where[TAR_SHOWN + 64];
	uint64_t off = 0, data, pad;
	const char *path, *never;
	int64_t size, stored;
	ex_status s;
	int type;

	snprintf(w->last, sizeof(w->last), "%s", "");
	for (;;) {
		if (off + TAR_BLOCK > w->fsize) {
			if (off == w->fsize && w->last[0] != '\0')
				snprintf(where, sizeof(where), "without its "
				    "end marker (after entry '%s')", w->last);
			else
				snprintf(where, sizeof(where), "inside the "
				    "header at byte %llu (after entry '%s')",
				    (unsigned long long)off, w->last);
			return truncated(w, where);
		}
		if (bundle_read_at(w->fd, h, TAR_BLOCK, off) != 0)
			return ex_error_errno(w->err, "tar header");
		for (size = 0; size < TAR_BLOCK && h[size] == 0; size++)
			;
		if (size == TAR_BLOCK)
			return check_end(w, off);
		snprintf(w->shown, sizeof(w->shown), "at byte %llu",
		    (unsigned long long)off);
		if (tar_field_number(h + F_CHKSUM, 8, &stored) != 0 ||
		    (unsigned)stored != tar_header_sum(h))
			return tar_problem(w, EX_PROBLEM_FORM, "the tar "
			    "header at byte %llu has a wrong or malformed "
			    "checksum (readers differ in what they skip)",
			    (unsigned long long)off);
		if (memcmp(h + F_MAGIC, "ustar\0" "00", 8) != 0)
			return tar_problem(w, EX_PROBLEM_FORM, "the tar "
			    "header at byte %llu is not POSIX ustar (GNU or "
			    "old tar format): exhibit never writes one",
			    (unsigned long long)off);
		type = h[F_TYPE];
		never = NULL;
		switch (type) {
		case '0':
		case '5':
		case 'x':
			break;
		case 'g':
			never = "global pax header";
			break;
		case 'L':
			never = "GNU long name header";
			break;
		case 'K':
			never = "GNU long link name header";
			break;
		case 'S':
			never = "GNU sparse file";
			break;
		case '1':
			never = "hard link";
			break;
		case '2':
			never = "symbolic link";
			break;
		default:
			return tar_problem(w, EX_PROBLEM_FORM, "tar entry "
			    "type '\\x%02x' at byte %llu: exhibit writes only "
			    "files ('0'), folders ('5') and pax headers ('x')",
			    (unsigned)type, (unsigned long long)off);
		}
		if (never != NULL)
			return tar_problem(w, EX_PROBLEM_FORM, "a %s ('%c', at "
			    "byte %llu): exhibit never writes one", never,
			    type, (unsigned long long)off);
		if (type == 'x') {
			if (w->pax.present)
				return tar_problem(w, EX_PROBLEM_FORM, "two "
				    "pax headers in a row (at byte %llu)",
				    (unsigned long long)off);
			if (tar_field_number(h + F_SIZE, 12, &size) != 0 ||
			    size < 0 || size > TAR_PAX_MAX)
				return tar_problem(w, EX_PROBLEM_FORM, "a pax "
				    "header of unreadable or excessive size "
				    "(at byte %llu)", (unsigned long long)off);
			data = off + TAR_BLOCK;
			if (data + (uint64_t)size > w->fsize) {
				snprintf(where, sizeof(where), "inside the "
				    "pax header at byte %llu",
				    (unsigned long long)off);
				return truncated(w, where);
			}
			w->pax.present = 1;
			w->pax.off = off;
			memcpy(w->pax.hdr, h, TAR_BLOCK);
			if ((s = tar_read_pax(w, data, (size_t)size)) !=
			    EX_OK || w->bad)
				return s;
			pad = (TAR_BLOCK - (uint64_t)size % TAR_BLOCK) %
			    TAR_BLOCK;
			if ((s = zero_padding(w, data + (uint64_t)size,
			    (size_t)pad, "the pax header before ")) != EX_OK ||
			    w->bad)
				return s;
			off = data + (uint64_t)size + pad;
			continue;
		}
		if ((s = check_entry(w, h, off, &path, &size)) != EX_OK ||
		    w->bad)
			return s;
		w->pax.present = 0;
		data = off + TAR_BLOCK;
		if (data + (uint64_t)size > w->fsize) {
			snprintf(where, sizeof(where), "inside entry '%s'",
			    w->shown);
			return truncated(w, where);
		}
		pad = (TAR_BLOCK - (uint64_t)size % TAR_BLOCK) % TAR_BLOCK;
		if ((s = zero_padding(w, data + (uint64_t)size, (size_t)pad,
		    "")) != EX_OK || w->bad)
			return s;
		if ((s = add_raw(w, path, type == '5', (uint64_t)size)) !=
		    EX_OK)
			return s;
		snprintf(w->last, sizeof(w->last), "%s", w->shown);
		off = data + (uint64_t)size + pad;
	}
}

/* A folder entry libarchive's loader leaves out: the top folder itself
 * (at most one component besides "." and empty ones). */
static int
skipped_dir(const char *name)
{
	int comps = 0;
	const char *p = name, *q;

	while (*p != '\0') {
		q = strchr(p, '/');
		if (q == NULL)
			q = p + strlen(p);
		if (q > p && !(q - p == 1 && *p == '.'))
			comps++;
		p = *q == '/' ? q + 1 : q;
	}
	return comps <= 1;
}

/* The walk's entries must be libarchive's, in order. */
static ex_status
same_entries(struct tar_walk *w)
{
	const ex_bundle *b = w->L->b;
	const ex_bundle_entry *e;
	const struct tar_raw *r;
	char a[TAR_SHOWN], c[TAR_SHOWN];
	size_t i, j = 0;

	for (i = 0; i < w->nraw; i++) {
		r = &w->raw[i];
		e = j < b->nentries ? &b->entries[j] : NULL;
		if (e != NULL && strcmp(e->stored_name, r->name) == 0 &&
		    (r->is_dir ? e->type == EX_ENTRY_DIR :
		    e->type == EX_ENTRY_FILE &&
		    e->declared_size == (int64_t)r->size)) {
			j++;
			continue;
		}
		if (r->is_dir && skipped_dir(r->name))
			continue;
		shown_name(a, r->name);
		if (e == NULL)
			return tar_problem(w, EX_PROBLEM_AMBIGUOUS, "the tar "
			    "headers hold '%s' (%llu bytes), which libarchive "
			    "did not read", a, (unsigned long long)r->size);
		shown_name(c, e->stored_name);
		return tar_problem(w, EX_PROBLEM_AMBIGUOUS, "the tar headers "
		    "hold '%s' (%llu bytes) where libarchive read '%s' (%lld "
		    "bytes)",
		    a, (unsigned long long)r->size, c,
		    (long long)e->declared_size);
	}
	if (j < b->nentries) {
		shown_name(c, b->entries[j].stored_name);
		return tar_problem(w, EX_PROBLEM_AMBIGUOUS, "libarchive read "
		    "'%s', which the tar headers do not hold", c);
	}
	return EX_OK;
}

/*
 * tar: walk the headers from byte 0 to the end marker and account for
 * every byte (see the top of the file).  end, where libarchive stopped,
 * is not needed: the walk finds the end itself.
 */
ex_status
bundle_tar_check(bundle_loader *L, const char *path, int64_t end,
    ex_error *err)
{
	struct tar_walk w;
	struct stat st;
	ex_status s = EX_OK;
	size_t i;

	(void)end;
	memset(&w, 0, sizeof(w));
	w.L = L;
	w.err = err;
	w.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (w.fd < 0)
		return ex_error_errno(err, "%s", path);
	if (fstat(w.fd, &st) != 0) {
		s = ex_error_errno(err, "%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		s = ex_error_set(err, EX_ERR_FORMAT, "%s: not a regular file",
		    path);
		goto out;
	}
	w.fsize = (uint64_t)st.st_size;
	s = walk(&w);
	if (s == EX_OK && w.truncated) {
		/* the TRUNCATED problem is the last one: keep it */
		bundle_drop_damage(L);
	} else if (s == EX_OK && !w.bad) {
		s = same_entries(&w);
	}
out:
	for (i = 0; i < w.nraw; i++)
		free(w.raw[i].name);
	free(w.raw);
	free(w.pax.data);
	close(w.fd);
	return s;
}

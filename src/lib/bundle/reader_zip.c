/*
 * reader_zip.c — the raw ZIP structures behind libarchive's reading.
 *
 * exhibit writes ZIP through libarchive's writer (writer.c), every entry
 * stored, in one form:
 *
 *   local header  folder: version 2.0, flags 0, CRC 0, sizes 0;
 *                 file: version 1.0 (4.5 with Zip64), flags 0x0008 (a
 *                 data descriptor follows), CRC 0, both sizes (0xffffffff
 *                 with Zip64); the name; the extra fields UT (0x5455:
 *                 flags 1, mtime) and ux (0x7875: version 1, uid 0 and
 *                 gid 0 in 4 bytes each), then for files of 4 GiB or more
 *                 Zip64 (0x0001: both sizes).
 *   data          stored; a folder has none.
 *   descriptor    files: "PK\7\8", CRC, both sizes (8 bytes each with
 *                 Zip64, else 4).
 *   central entry made by Unix with the local header's version; version
 *                 needed, flags, method, DOS time, name as local; CRC and
 *                 sizes; disk 0, internal attributes 0, external
 *                 attributes the Unix mode (0100644, folders 040755) << 16;
 *                 no comment; UT and ux as local, then Zip64 (0x0001: the
 *                 sizes and offset that do not fit in 32 bits) where one
 *                 does not fit (version needed then 4.5).
 *   end           in order of the entries, the central directory, then a
 *                 Zip64 end record and locator only where the directory's
 *                 count, size or place does not fit the classic record,
 *                 then the classic end record: disk 0, no comment, the
 *                 last 22 bytes of the file.
 *
 * Wherever ZIP states a thing twice (local and central headers, a Unicode
 * Path field and the raw name, the data descriptor and the directory, the
 * DOS time and the UT time, the Zip64 and classic end records), readers
 * differ in which copy they believe.  This file walks the structures
 * itself (one entry's checks in zip_entry.c), accounts for every byte from
 * 0 to the end, refuses anything the writer would not make, and requires
 * the central directory to list, in order, exactly the entries libarchive
 * streamed.  It stops at the first problem: one named reason is enough
 * to refuse, and later ones would only follow from it.  A copy cut short
 * is one TRUNCATED problem.
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

#include "bundle/reader_zip.h"


/* Record a problem and stop the walk.  Returns -1. */
int
zip_refuse(struct zip_walk *w, ex_bundle_problem_kind kind, const char *path,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	w->s = bundle_problemv(w->L, kind, path, w->err, fmt, ap);
	va_end(ap);
	w->bad = 1;
	return -1;
}

/* A read that must succeed (the size is known): -1 with w->s set. */
int
zip_read(struct zip_walk *w, void *buf, size_t n, uint64_t off)
{
	if (bundle_read_at(w->fd, buf, n, off) == 0)
		return 0;
	w->bad = 1;
	w->s = ex_error_set(w->err, EX_ERR_IO, "ZIP: cannot read %zu bytes "
	    "at byte %llu", n, (unsigned long long)off);
	return -1;
}

/* ---- a cut-short copy ------------------------------------------------ */

static int
zip_truncated(struct zip_walk *w)
{
	bundle_drop_damage(w->L);
	return zip_refuse(w, EX_PROBLEM_TRUNCATED, "", "incomplete copy: the "
	    "ZIP ends at byte %llu, before its central directory",
	    (unsigned long long)w->size);
}

/* Does the file start with a local header (so it is a ZIP, cut short
 * when its end is missing)? */
static int
starts_as_zip(struct zip_walk *w)
{
	unsigned char head[4];

	return w->size >= 4 && bundle_read_at(w->fd, head, 4, 0) == 0 &&
	    bundle_le32(head) == ZIP_SIG_LOCAL;
}

/* ---- the end records ------------------------------------------------- */

/*
 * The classic end record must be the last 22 bytes; a Zip64 end record
 * and locator just before it only where the writer makes them, and then
 * every field the two share must agree.  Sets w->cd_off, cd_size, count.
 */
static int
zip_end(struct zip_walk *w)
{
	unsigned char tail[65557], rec[56], loc[20];
	uint64_t start, eocd = 0, end_of_cd, count, cd_size, cd_off;
	unsigned disk, cd_disk, here, clen;
	size_t n, i;
	int found = 0;

	n = w->size < sizeof(tail) ? (size_t)w->size : sizeof(tail);
	start = w->size - n;
	if (n < 22 || zip_read(w, tail, n, start) != 0) {
		if (w->bad)
			return -1;
		if (starts_as_zip(w))
			return zip_truncated(w);
		return zip_refuse(w, EX_PROBLEM_TRAILING, "", "ZIP too short "
		    "for an end-of-central-directory record");
	}
	for (i = n - 22 + 1; i-- > 0;) {
		if (bundle_le32(tail + i) == ZIP_SIG_END) {
			eocd = start + i;
			found = 1;
			break;
		}
	}
	if (!found) {
		if (starts_as_zip(w))
			return zip_truncated(w);
		return zip_refuse(w, EX_PROBLEM_TRAILING, "", "no ZIP "
		    "end-of-central-directory record near the end of the "
		    "file (data appended after the ZIP?)");
	}
	i = (size_t)(eocd - start);
	clen = zip_le16(tail + i + 20);
	if (eocd + 22 + clen != w->size) {
		if (eocd + 22 + clen > w->size)
			return zip_refuse(w, EX_PROBLEM_FORM, "", "ZIP archive "
			    "comment (%u bytes, cut short): exhibit writes "
			    "none", clen);
		return zip_refuse(w, EX_PROBLEM_TRAILING, "", "%llu bytes "
		    "after the end of the ZIP",
		    (unsigned long long)(w->size - eocd - 22 - clen));
	}
	if (clen != 0)
		return zip_refuse(w, EX_PROBLEM_FORM, "", "ZIP archive comment "
		    "(%u bytes): exhibit writes none", clen);
	disk = zip_le16(tail + i + 4);
	cd_disk = zip_le16(tail + i + 6);
	here = zip_le16(tail + i + 8);
	count = zip_le16(tail + i + 10);
	cd_size = bundle_le32(tail + i + 12);
	cd_off = bundle_le32(tail + i + 16);
	if (disk != 0 || cd_disk != 0)
		return zip_refuse(w, EX_PROBLEM_FORM, "", "ZIP end record "
		    "names disk %u (central directory on disk %u): exhibit "
		    "writes one-disk ZIPs", disk, cd_disk);
	if (here != count)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, "", "ZIP end record "
		    "counts %u entries on this disk but %llu in all", here,
		    (unsigned long long)count);
	end_of_cd = eocd;
	if (eocd >= 20 && zip_read(w, loc, 20, eocd - 20) == 0 &&
	    bundle_le32(loc) == ZIP_SIG_LOCATOR) {
		uint64_t z64 = bundle_le64(loc + 8), c64, s64, o64;

		if (bundle_le32(loc + 4) != 0 || bundle_le32(loc + 16) != 1 ||
		    eocd < 76 || z64 > eocd - 76 ||
		    zip_read(w, rec, 56, z64) != 0 ||
		    bundle_le32(rec) != ZIP_SIG_END64 ||
		    z64 + 12 + bundle_le64(rec + 4) != eocd - 20) {
			if (w->bad)
				return -1;
			return zip_refuse(w, EX_PROBLEM_TRAILING, "", "ZIP64 "
			    "end-of-central-directory record is not where the "
			    "locator says");
		}
		c64 = bundle_le64(rec + 32);
		s64 = bundle_le64(rec + 40);
		o64 = bundle_le64(rec + 48);
		/* Where the classic record is not saturated it must say the
		 * same (the writer saturates only what does not fit). */
		if ((count != ZIP_MAX16 ? count != c64 : c64 < ZIP_MAX16) ||
		    (cd_size != ZIP_MAX32 ? cd_size != s64 : s64 < ZIP_MAX32) ||
		    (cd_off != ZIP_MAX32 ? cd_off != o64 : o64 < ZIP_MAX32) ||
		    bundle_le64(rec + 24) != c64)
			return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, "", "the "
			    "ZIP64 and classic end records describe different "
			    "central directories (Zip64: %llu entries, %llu "
			    "bytes at byte %llu; classic: %llu entries, %llu "
			    "bytes at byte %llu)", (unsigned long long)c64,
			    (unsigned long long)s64, (unsigned long long)o64,
			    (unsigned long long)count,
			    (unsigned long long)cd_size,
			    (unsigned long long)cd_off);
		if (bundle_le64(rec + 4) != 44 || zip_le16(rec + 12) != 45 ||
		    zip_le16(rec + 14) != 45 || bundle_le32(rec + 16) != 0 ||
		    bundle_le32(rec + 20) != 0)
			return zip_refuse(w, EX_PROBLEM_FORM, "", "ZIP64 end "
			    "record is not as exhibit writes it (version, "
			    "disk or size fields)");
		if (c64 <= ZIP_MAX16 && s64 <= ZIP_MAX32 && o64 <= ZIP_MAX32)
			return zip_refuse(w, EX_PROBLEM_FORM, "", "ZIP64 end "
			    "record where exhibit writes none (%llu entries, "
			    "%llu bytes at byte %llu fit the classic one)",
			    (unsigned long long)c64, (unsigned long long)s64,
			    (unsigned long long)o64);
		count = c64;
		cd_size = s64;
		cd_off = o64;
		end_of_cd = z64;
	} else if (w->bad) {
		return -1;
	}
	if (cd_off > end_of_cd || cd_size > end_of_cd - cd_off) {
		if (cd_off + cd_size > w->size && starts_as_zip(w))
			return zip_truncated(w);
		return zip_refuse(w, EX_PROBLEM_TRAILING, "", "ZIP central "
		    "directory is not where the end record says (it would "
		    "run past byte %llu)", (unsigned long long)end_of_cd);
	}
	if (cd_off + cd_size != end_of_cd)
		return zip_refuse(w, EX_PROBLEM_TRAILING, "", "ZIP central "
		    "directory is not where the end record says (%llu bytes "
		    "before the ZIP proper?)",
		    (unsigned long long)(end_of_cd - cd_off - cd_size));
	if (cd_off > 0 && !starts_as_zip(w))
		return zip_refuse(w, EX_PROBLEM_TRAILING, "", "data before the "
		    "first ZIP entry");
	w->cd_off = cd_off;
	w->cd_size = cd_size;
	w->count = count;
	return 0;
}

/* Where place() (reader.c) leaves an entry out: the top folder itself. */
static int
skipped_dir(const ex_bundle *b, const char *name)
{
	const char *p = name, *q;
	size_t ncomp = 0, len;
	int first_is_top = 0;

	while (*p != '\0') {
		q = strchr(p, '/');
		len = q != NULL ? (size_t)(q - p) : strlen(p);
		if (len > 0 && !(len == 1 && p[0] == '.')) {
			if (ncomp++ == 0)
				first_is_top = b->top != NULL &&
				    strlen(b->top) == len &&
				    strncmp(b->top, p, len) == 0;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	return ncomp == 0 || (ncomp == 1 && first_is_top);
}

/* The central entry must be the next entry libarchive streamed: the same
 * name, kind and size. */
static int
zip_same_as_read(struct zip_walk *w, const struct zip_entry *c)
{
	const ex_bundle *b = w->L->b;
	const ex_bundle_entry *e;
	char name[65536 + 1], seen[ZIP_SHOWN];
	size_t len;

	memcpy(name, c->rec + 46, c->nlen);
	name[c->nlen] = '\0';
	if (w->L->stopped)
		return 0;
	e = w->seen < b->nentries ? &b->entries[w->seen] : NULL;
	if (e != NULL && strlen(name) == c->nlen &&
	    strcmp(e->stored_name, name) == 0 &&
	    (c->dir ? e->type == EX_ENTRY_DIR : e->type == EX_ENTRY_FILE &&
	    (!e->digested || e->size == c->usize))) {
		w->seen++;
		return 0;
	}
	/* libarchive may give a folder's name without its '/' */
	len = strlen(e != NULL ? e->stored_name : "");
	if (e != NULL && c->dir && e->type == EX_ENTRY_DIR &&
	    len + 1 == c->nlen && strncmp(e->stored_name, name, len) == 0) {
		w->seen++;
		return 0;
	}
	if (c->dir && strlen(name) == c->nlen && skipped_dir(b, name))
		return 0;
	if (e == NULL)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "the ZIP "
		    "central directory lists '%s' (%llu bytes), which "
		    "libarchive did not read", c->shown,
		    (unsigned long long)c->usize);
	bundle_display_n((const unsigned char *)e->stored_name,
	    strlen(e->stored_name), seen, sizeof(seen));
	return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "the ZIP central "
	    "directory lists '%s' (%llu bytes) where libarchive read '%s' "
	    "(%llu bytes)", c->shown, (unsigned long long)c->usize, seen,
	    (unsigned long long)e->size);
}


/* Name the entry for problems: relative to the top folder when inside
 * it (as ex_bundle_entry.path), else as stored. */
static void
zip_names(const ex_bundle *b, struct zip_entry *c)
{
	const char *name = (const char *)c->rec + 46;
	size_t tl = b->top != NULL ? strlen(b->top) : 0, n = c->nlen;

	bundle_display_n(c->rec + 46, c->nlen, c->shown, sizeof(c->shown));
	if (tl > 0 && n > tl + 1 && strncmp(name, b->top, tl) == 0 &&
	    name[tl] == '/') {
		name += tl + 1;
		n -= tl + 1;
		if (name[n - 1] == '/')
			n--;
	}
	if (n >= sizeof(c->path))
		n = sizeof(c->path) - 1;
	memcpy(c->path, name, n);
	c->path[n] = '\0';         /* (a NUL in the name ends it) */
}

/* ---- the walk ---------------------------------------------------------- */

static int
zip_walk_entries(struct zip_walk *w)
{
	unsigned char *cd = NULL;
	struct zip_entry c;
	uint64_t pos = 0, i;
	int r = -1;

	if (w->cd_size > ((uint64_t)64 << 20))
		return zip_refuse(w, EX_PROBLEM_LIMIT, "", "ZIP central "
		    "directory too large (%llu bytes, %llu entries)",
		    (unsigned long long)w->cd_size,
		    (unsigned long long)w->count);
	if (w->count > w->cd_size / 46)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, "", "the ZIP end "
		    "record counts %llu entries, more than its central "
		    "directory of %llu bytes can hold",
		    (unsigned long long)w->count,
		    (unsigned long long)w->cd_size);
	if ((cd = malloc(w->cd_size + 1)) == NULL ||
	    (w->offs = calloc(w->count + 1, sizeof(*w->offs))) == NULL) {
		free(cd);
		w->bad = 1;
		w->s = base_nomem(w->err);
		return -1;
	}
	if (w->cd_size > 0 && zip_read(w, cd, (size_t)w->cd_size,
	    w->cd_off) != 0)
		goto out;
	w->next = 0;
	w->cd = cd;
	for (i = 0; i < w->count; i++) {
		const unsigned char *e = cd + pos;

		w->pos = pos;
		memset(&c, 0, sizeof(c));
		if (pos == w->cd_size) {
			(void)zip_refuse(w, EX_PROBLEM_AMBIGUOUS, "", "the ZIP "
			    "end record counts %llu entries but the central "
			    "directory holds only %llu",
			    (unsigned long long)w->count,
			    (unsigned long long)i);
			goto out;
		}
		if (pos + 46 > w->cd_size ||
		    bundle_le32(e) != ZIP_SIG_CENTRAL ||
		    pos + 46 + zip_le16(e + 28) + zip_le16(e + 30) +
		    zip_le16(e + 32) > w->cd_size) {
			(void)zip_refuse(w, EX_PROBLEM_UNREADABLE, "", "ZIP "
			    "central directory entry %llu is damaged",
			    (unsigned long long)i + 1);
			goto out;
		}
		c.rec = e;
		c.vm = zip_le16(e + 4);
		c.vn = zip_le16(e + 6);
		c.flags = zip_le16(e + 8);
		c.method = zip_le16(e + 10);
		c.crc = bundle_le32(e + 16);
		c.csize = bundle_le32(e + 20);
		c.usize = bundle_le32(e + 24);
		c.nlen = zip_le16(e + 28);
		c.xlen = zip_le16(e + 30);
		c.clen = zip_le16(e + 32);
		c.off = bundle_le32(e + 42);
		c.dir = c.nlen > 0 && e[46 + c.nlen - 1] == '/';
		zip_names(w->L->b, &c);
		if (zip_central_form(w, &c) != 0 || zip_local(w, &c) != 0 ||
		    zip_same_as_read(w, &c) != 0)
			goto out;
		pos += 46 + c.nlen + c.xlen + c.clen;
	}
	if (pos != w->cd_size) {
		if (w->cd_size - pos >= 4 &&
		    bundle_le32(cd + pos) == ZIP_SIG_CENTRAL)
			(void)zip_refuse(w, EX_PROBLEM_AMBIGUOUS, "", "the ZIP "
			    "end record counts %llu entries but the central "
			    "directory holds more: readers that read the whole "
			    "directory see more files",
			    (unsigned long long)w->count);
		else
			(void)zip_refuse(w, EX_PROBLEM_TRAILING, "", "%llu "
			    "bytes in the ZIP central directory after its last "
			    "entry", (unsigned long long)(w->cd_size - pos));
		goto out;
	}
	if (w->next != w->cd_off) {
		(void)zip_gap(w, w->next, w->cd_off);
		goto out;
	}
	if (!w->L->stopped && w->seen < w->L->b->nentries) {
		char seen[ZIP_SHOWN];
		const char *sn = w->L->b->entries[w->seen].stored_name;

		bundle_display_n((const unsigned char *)sn, strlen(sn), seen,
		    sizeof(seen));
		(void)zip_refuse(w, EX_PROBLEM_AMBIGUOUS, "", "libarchive "
		    "read '%s', which the ZIP central directory does not list",
		    seen);
		goto out;
	}
	r = 0;
out:
	free(cd);
	w->cd = NULL;
	free(w->offs);
	w->offs = NULL;
	return r;
}

static ex_status
zip_open(struct zip_walk *w, bundle_loader *L, const char *path,
    ex_error *err)
{
	struct stat st;

	memset(w, 0, sizeof(*w));
	w->L = L;
	w->err = err;
	w->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (w->fd < 0)
		return ex_error_errno(err, "%s", path);
	if (fstat(w->fd, &st) != 0) {
		ex_status s = ex_error_errno(err, "%s", path);

		close(w->fd);
		return s;
	}
	if (!S_ISREG(st.st_mode)) {
		close(w->fd);
		return ex_error_set(err, EX_ERR_FORMAT, "%s: not a regular "
		    "file", path);
	}
	w->size = (uint64_t)st.st_size;
	return EX_OK;
}

ex_status
bundle_zip_check(bundle_loader *L, const char *path, ex_error *err)
{
	struct zip_walk w;
	ex_status s;

	if ((s = zip_open(&w, L, path, err)) != EX_OK)
		return s;
	if (zip_end(&w) == 0)
		(void)zip_walk_entries(&w);
	close(w.fd);
	return w.s;
}

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
 * itself, accounts for every byte from 0 to the end, refuses anything the
 * writer would not make, and requires the central directory to list, in
 * order, exactly the entries libarchive streamed.  It stops at the first
 * problem: one named reason is enough to refuse, and later ones would
 * only follow from it.  A copy cut short is one TRUNCATED problem.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle/bundle_private.h"

#define ZIP_SIG_LOCAL     0x04034b50u
#define ZIP_SIG_CENTRAL   0x02014b50u
#define ZIP_SIG_DESC      0x08074b50u
#define ZIP_SIG_END       0x06054b50u
#define ZIP_SIG_END64     0x06064b50u
#define ZIP_SIG_LOCATOR   0x07064b50u

#define ZIP_ID_ZIP64      0x0001u
#define ZIP_ID_UT         0x5455u
#define ZIP_ID_UX         0x7875u
#define ZIP_ID_UPATH      0x7075u

#define ZIP_FLAG_DESC     0x0008u
#define ZIP_MODE_FILE     0100644u
#define ZIP_MODE_DIR      040755u
#define ZIP_HOST_UNIX     3u
#define ZIP_MAX32         0xffffffffu
#define ZIP_MAX16         0xffffu
#define ZIP_SHOWN         300
#define ZIP_EXTRA_MAX     64        /* the most the writer puts in one */

struct zip_walk {
	bundle_loader *L;
	ex_error *err;
	int fd;
	uint64_t size;              /* of the file */
	uint64_t cd_off, cd_size, count;
	const unsigned char *cd;    /* the central directory, in memory */
	uint64_t pos;               /* the entry being walked in it */
	uint64_t next;              /* where the next local header must be */
	uint64_t *offs;             /* the local headers so far, ascending */
	size_t noffs;
	size_t seen;                /* libarchive's entries matched so far */
	int bad;                    /* a problem was recorded: stop */
	ex_status s;
};

/* One central directory entry, as read. */
struct zip_entry {
	const unsigned char *rec;   /* the 46-byte record, name, extra */
	unsigned nlen, xlen, clen;
	unsigned vm, vn, flags, method;
	uint32_t crc;
	uint64_t csize, usize, off; /* Zip64 values where given */
	int dir;                    /* the name ends in '/' */
	int zip64_local;            /* the writer puts Zip64 in the local
	                               header (a file of 4 GiB or more) */
	char path[ZIP_SHOWN];       /* for the problem: relative to the top
	                               folder when inside it, else raw */
	char shown[ZIP_SHOWN];      /* the raw name, escaped */
};

static int zip_refuse(struct zip_walk *w, ex_bundle_problem_kind kind,
    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Record a problem and stop the walk.  Returns -1. */
static int
zip_refuse(struct zip_walk *w, ex_bundle_problem_kind kind, const char *path,
    const char *fmt, ...)
{
	char why[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	w->bad = 1;
	w->s = bundle_problem(w->L, kind, path, w->err, "%s", why);
	return -1;
}

/* A read that must succeed (the size is known): -1 with w->s set. */
static int
zip_read(struct zip_walk *w, void *buf, size_t n, uint64_t off)
{
	if (bundle_read_at(w->fd, buf, n, off) == 0)
		return 0;
	w->bad = 1;
	w->s = ex_error_set(w->err, EX_ERR_IO, "ZIP: cannot read %zu bytes "
	    "at byte %llu", n, (unsigned long long)off);
	return -1;
}

static unsigned
le16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static unsigned char *
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	return p + 2;
}

static unsigned char *
put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
	return p + 4;
}

static unsigned char *
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
	return p + 8;
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
	clen = le16(tail + i + 20);
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
	disk = le16(tail + i + 4);
	cd_disk = le16(tail + i + 6);
	here = le16(tail + i + 8);
	count = le16(tail + i + 10);
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
		if (bundle_le64(rec + 4) != 44 || le16(rec + 12) != 45 ||
		    le16(rec + 14) != 45 || bundle_le32(rec + 16) != 0 ||
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

/* ---- extra fields ------------------------------------------------------ */

/*
 * Only UT, ux and Zip64 fields, each whole; an Info-ZIP Unicode Path
 * field is refused (readers differ on whether they use it), naming both
 * names when they differ.
 */
static int
zip_extra_ids(struct zip_walk *w, const struct zip_entry *c,
    const unsigned char *x, unsigned xlen, const char *where)
{
	unsigned k = 0, id, sz;

	while (k < xlen) {
		if (k + 4 > xlen || k + 4 + le16(x + k + 2) > xlen)
			return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP "
			    "extra field in the %s is malformed (at its byte "
			    "%u)", where, k);
		id = le16(x + k);
		sz = le16(x + k + 2);
		if (id == ZIP_ID_UPATH) {
			const unsigned char *name = x + k + 9;
			char other[ZIP_SHOWN];

			if (sz < 5 || sz - 5 != c->nlen ||
			    memcmp(name, c->rec + 46, c->nlen) != 0) {
				bundle_display_n(name, sz >= 5 ? sz - 5 : 0,
				    other, sizeof(other));
				return zip_refuse(w, EX_PROBLEM_AMBIGUOUS,
				    c->path, "ZIP Unicode Path field in the "
				    "%s names this entry '%s', its raw name is "
				    "'%s': readers differ on which they use",
				    where, other, c->shown);
			}
			return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP "
			    "Unicode Path field in the %s (the same name "
			    "again): exhibit writes none", where);
		}
		if (id != ZIP_ID_UT && id != ZIP_ID_UX && id != ZIP_ID_ZIP64)
			return zip_refuse(w, EX_PROBLEM_FORM, c->path,
			    "unknown ZIP extra field 0x%04x (%u bytes) in the "
			    "%s: exhibit writes only UT, ux and Zip64", id, sz,
			    where);
		k += 4 + sz;
	}
	return 0;
}

/*
 * The extra fields the writer makes for c: UT with the mtime that x's own
 * UT field gives (4 zero bytes if it has none), ux, and Zip64 where
 * needed (local: both sizes of a file of 4 GiB or more; central: what
 * does not fit in 32 bits).  Returns the length.
 */
static size_t
zip_extra_made(unsigned char *out, const struct zip_entry *c,
    const unsigned char *x, unsigned xlen, int local)
{
	static const unsigned char ux[15] = { 'u', 'x', 11, 0, 1, 4, 0, 0, 0,
	    0, 4, 0, 0, 0, 0 };
	unsigned char *p = out, *z;

	p = put16(p, ZIP_ID_UT);
	p = put16(p, 5);
	*p++ = 1;
	if (xlen >= 9 && le16(x) == ZIP_ID_UT)
		memcpy(p, x + 5, 4);
	else
		memset(p, 0, 4);
	p += 4;
	memcpy(p, ux, sizeof(ux));
	p += sizeof(ux);
	if (local && c->zip64_local) {
		p = put16(p, ZIP_ID_ZIP64);
		p = put16(p, 16);
		p = put64(p, c->usize);
		p = put64(p, c->csize);
	} else if (!local && (c->usize > ZIP_MAX32 || c->csize > ZIP_MAX32 ||
	    c->off > ZIP_MAX32)) {
		z = p;
		p = put16(p, ZIP_ID_ZIP64);
		p += 2;
		if (c->usize >= ZIP_MAX32)
			p = put64(p, c->usize);
		if (c->csize >= ZIP_MAX32)
			p = put64(p, c->csize);
		if (c->off >= ZIP_MAX32)
			p = put64(p, c->off);
		put16(z + 2, (unsigned)(p - z - 4));
	}
	return (size_t)(p - out);
}

/* The sizes and offset a central entry's Zip64 field gives. */
static void
zip64_values(struct zip_entry *c)
{
	const unsigned char *x = c->rec + 46 + c->nlen;
	unsigned k = 0, id, sz, q;

	while (k + 4 <= c->xlen) {
		id = le16(x + k);
		sz = le16(x + k + 2);
		q = k + 4;
		if (k + 4 + sz > c->xlen)
			break;
		if (id == ZIP_ID_ZIP64) {
			if (c->usize == ZIP_MAX32 && q + 8 <= k + 4 + sz)
				c->usize = bundle_le64(x + q), q += 8;
			if (c->csize == ZIP_MAX32 && q + 8 <= k + 4 + sz)
				c->csize = bundle_le64(x + q), q += 8;
			if (c->off == ZIP_MAX32 && q + 8 <= k + 4 + sz)
				c->off = bundle_le64(x + q);
		}
		k += 4 + sz;
	}
}

/* ---- one entry --------------------------------------------------------- */

/* The DOS date and time the writer makes from a UT mtime (in UTC), or -1
 * outside the years both libarchive's old and new code agree on. */
static long
dos_time(uint32_t mtime)
{
	time_t t = (time_t)mtime;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 80 || tm.tm_year > 207)
		return -1;
	return (long)((unsigned long)((tm.tm_year - 80) << 9 |
	    (tm.tm_mon + 1) << 5 | tm.tm_mday) << 16 |
	    (unsigned long)(tm.tm_hour << 11 | tm.tm_min << 5 |
	    tm.tm_sec >> 1));
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

/* Does a central entry after the current one point at byte at? */
static int
zip_listed_later(const struct zip_walk *w, uint64_t at)
{
	struct zip_entry c;
	uint64_t pos = w->pos;
	const unsigned char *e;

	while (pos + 46 <= w->cd_size) {
		e = w->cd + pos;
		memset(&c, 0, sizeof(c));
		c.rec = e;
		c.nlen = le16(e + 28);
		c.xlen = le16(e + 30);
		if (bundle_le32(e) != ZIP_SIG_CENTRAL ||
		    pos + 46 + c.nlen + c.xlen + le16(e + 32) > w->cd_size)
			return 0;
		c.csize = bundle_le32(e + 20);
		c.usize = bundle_le32(e + 24);
		c.off = bundle_le32(e + 42);
		zip64_values(&c);
		if (c.off == at)
			return 1;
		pos += 46 + c.nlen + c.xlen + le16(e + 32);
	}
	return 0;
}

/* Bytes between two entries (or before the first, or before the central
 * directory): a local header there is an entry only streaming readers
 * see, unless the directory lists it later (out of order). */
static int
zip_gap(struct zip_walk *w, uint64_t at, uint64_t upto)
{
	unsigned char lh[30], name[ZIP_SHOWN];
	char shown[ZIP_SHOWN];
	unsigned nlen;

	if (upto - at >= 30 && zip_read(w, lh, 30, at) == 0 &&
	    bundle_le32(lh) == ZIP_SIG_LOCAL) {
		if (zip_listed_later(w, at))
			return zip_refuse(w, EX_PROBLEM_FORM, "", "the ZIP "
			    "central directory lists the entries out of their "
			    "order in the file (the one at byte %llu later): "
			    "exhibit writes them in order",
			    (unsigned long long)at);
		nlen = le16(lh + 26);
		if (nlen > sizeof(name) - 1)
			nlen = sizeof(name) - 1;
		if (at + 30 + nlen > upto)
			nlen = (unsigned)(upto - at - 30);
		if (zip_read(w, name, nlen, at + 30) != 0)
			return -1;
		bundle_display_n(name, nlen, shown, sizeof(shown));
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, "", "a ZIP entry "
		    "'%s' at byte %llu that the central directory does not "
		    "list: streaming readers see it, others do not", shown,
		    (unsigned long long)at);
	}
	if (w->bad)
		return -1;
	if (at == 0)
		return zip_refuse(w, EX_PROBLEM_TRAILING, "", "data before "
		    "the first ZIP entry");
	return zip_refuse(w, EX_PROBLEM_TRAILING, "", "%llu bytes hidden "
	    "between ZIP entries (at byte %llu)",
	    (unsigned long long)(upto - at), (unsigned long long)at);
}

/* The central entry's own fields. */
static int
zip_central_form(struct zip_walk *w, struct zip_entry *c)
{
	const unsigned char *e = c->rec, *x = c->rec + 46 + c->nlen;
	unsigned char made[ZIP_EXTRA_MAX];
	unsigned vn_local, mode = c->dir ? ZIP_MODE_DIR : ZIP_MODE_FILE;
	uint32_t ea = bundle_le32(e + 38);
	size_t n;
	long dos;

	if (zip_extra_ids(w, c, x, c->xlen, "central directory") != 0)
		return -1;
	zip64_values(c);
	c->zip64_local = !c->dir && c->usize > ZIP_MAX32;
	vn_local = c->dir ? 20 : c->zip64_local ? 45 : 10;
	if (c->vm >> 8 != ZIP_HOST_UNIX)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP entry made "
		    "by %s (host %u), not Unix: its attributes 0x%08lx would "
		    "be read differently", c->vm >> 8 == 0 ? "MS-DOS" :
		    "another system", c->vm >> 8, (unsigned long)ea);
	if (c->method != 0)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "compressed "
		    "(ZIP method %u): exhibit stores every entry", c->method);
	if (c->flags != (c->dir ? 0 : ZIP_FLAG_DESC))
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP flags "
		    "0x%04x: exhibit writes 0x%04x", c->flags,
		    c->dir ? 0 : ZIP_FLAG_DESC);
	/* the writer raises "needed" to 4.5 where it adds a Zip64 field */
	if (c->vm != (ZIP_HOST_UNIX << 8 | vn_local) || (c->vn != vn_local &&
	    !(c->vn == 45 && (c->usize > ZIP_MAX32 || c->csize > ZIP_MAX32 ||
	    c->off > ZIP_MAX32))))
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP version "
		    "made by 0x%04x, needed %u: exhibit writes 0x%04x, %u",
		    c->vm, c->vn, ZIP_HOST_UNIX << 8 | vn_local, vn_local);
	if (le16(e + 34) != 0 || le16(e + 36) != 0)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP entry on "
		    "disk %u with internal attributes 0x%04x: exhibit writes "
		    "0 and 0", le16(e + 34), le16(e + 36));
	if (ea != (uint32_t)mode << 16)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP external "
		    "attributes 0x%08lx: exhibit writes mode 0%o for a %s",
		    (unsigned long)ea, mode, c->dir ? "folder" : "file");
	if (c->clen != 0)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP file "
		    "comment (%u bytes): exhibit writes none", c->clen);
	if (c->dir && (c->csize != 0 || c->usize != 0 || c->crc != 0))
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "folder entry "
		    "carries %llu bytes of data (CRC %08lx): a folder has "
		    "none", (unsigned long long)c->usize,
		    (unsigned long)c->crc);
	if (c->csize != c->usize)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP sizes %llu "
		    "(stored) and %llu (uncompressed) differ for a stored "
		    "entry", (unsigned long long)c->csize,
		    (unsigned long long)c->usize);
	n = zip_extra_made(made, c, x, c->xlen, 0);
	if (n != c->xlen || memcmp(made, x, n) != 0)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP extra "
		    "fields in the central directory are not as exhibit writes "
		    "them (UT, ux, and Zip64 only where needed)");
	dos = dos_time((uint32_t)bundle_le32(x + 5));
	if (dos >= 0 && (unsigned long)dos != bundle_le32(e + 12))
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "ZIP DOS "
		    "time 0x%08lx and UT time disagree (exhibit writes the UT "
		    "time in UTC, 0x%08lx)", (unsigned long)bundle_le32(e + 12),
		    (unsigned long)dos);
	return 0;
}

static int
off_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* The local header, data and descriptor of c: where the entries so far
 * end, and as the central directory says. */
static int
zip_local(struct zip_walk *w, struct zip_entry *c)
{
	unsigned char lh[30], name[65536], lx[65536], made[ZIP_EXTRA_MAX];
	unsigned char dd[24];
	unsigned lnlen, lxlen, ddlen = c->zip64_local ? 24 : 16;
	uint64_t dend;
	char lshown[ZIP_SHOWN];
	size_t n;

	if (c->off > w->cd_off || w->cd_off - c->off < 30 ||
	    zip_read(w, lh, 30, c->off) != 0 ||
	    bundle_le32(lh) != ZIP_SIG_LOCAL) {
		if (w->bad)
			return -1;
		return zip_refuse(w, EX_PROBLEM_UNREADABLE, c->path, "no ZIP "
		    "local header where the central directory says (offset "
		    "%llu)", (unsigned long long)c->off);
	}
	if (c->off > w->next)
		return zip_gap(w, w->next, c->off);
	if (c->off < w->next && bsearch(&c->off, w->offs, w->noffs,
	    sizeof(*w->offs), off_cmp) != NULL)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "two ZIP "
		    "central directory entries point at one local header "
		    "(byte %llu)", (unsigned long long)c->off);
	if (c->off < w->next)
		return zip_refuse(w, EX_PROBLEM_TRAILING, c->path, "ZIP "
		    "entries overlap (at byte %llu)",
		    (unsigned long long)c->off);
	w->offs[w->noffs++] = c->off;
	lnlen = le16(lh + 26);
	lxlen = le16(lh + 28);
	if (c->off + 30 + lnlen + lxlen > w->cd_off)
		return zip_refuse(w, EX_PROBLEM_SIZE, c->path, "ZIP entry data "
		    "runs past the central directory");
	if (zip_read(w, name, lnlen, c->off + 30) != 0 ||
	    zip_read(w, lx, lxlen, c->off + 30 + lnlen) != 0)
		return -1;
	if (lnlen != c->nlen || memcmp(name, c->rec + 46, c->nlen) != 0) {
		bundle_display_n(name, lnlen, lshown, sizeof(lshown));
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "ZIP "
		    "central directory and local header disagree: the local "
		    "header names it '%s'", lshown);
	}
	if (le16(lh + 6) != c->flags || le16(lh + 8) != c->method)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "ZIP "
		    "central directory and local header disagree on flags or "
		    "compression");
	if (le16(lh + 4) != (c->dir ? 20u : c->zip64_local ? 45u : 10u) ||
	    memcmp(lh + 10, c->rec + 12, 4) != 0)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "ZIP "
		    "central directory and local header disagree on version or "
		    "time");
	if (bundle_le32(lh + 14) != (c->dir ? c->crc : 0) ||
	    (c->zip64_local ? bundle_le32(lh + 18) != ZIP_MAX32 ||
	    bundle_le32(lh + 22) != ZIP_MAX32 : bundle_le32(lh + 18) !=
	    c->csize || bundle_le32(lh + 22) != c->usize))
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "ZIP "
		    "central directory and local header disagree on CRC or "
		    "size");
	if (zip_extra_ids(w, c, lx, lxlen, "local header") != 0)
		return -1;
	/* UT and ux as in the central directory (the same mtime) */
	n = zip_extra_made(made, c, c->rec + 46 + c->nlen, c->xlen, 1);
	if (n != lxlen || memcmp(made, lx, n) != 0)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP extra "
		    "fields in the local header are not as exhibit writes them "
		    "(UT and ux as in the central directory, Zip64 only for 4 "
		    "GiB or more)");
	dend = c->off + 30 + lnlen + lxlen;
	if (c->csize > w->cd_off - dend)
		return zip_refuse(w, EX_PROBLEM_SIZE, c->path, "ZIP entry data "
		    "runs past the central directory");
	dend += c->csize;
	w->next = dend;
	if (c->dir)
		return 0;
	if (ddlen > w->cd_off - dend || zip_read(w, dd, ddlen, dend) != 0 ||
	    bundle_le32(dd) != ZIP_SIG_DESC) {
		if (w->bad)
			return -1;
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "no ZIP data "
		    "descriptor as exhibit writes it after the data (at byte "
		    "%llu)", (unsigned long long)dend);
	}
	if (bundle_le32(dd + 4) != c->crc)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "ZIP data "
		    "descriptor and central directory disagree on CRC (at "
		    "byte %llu)", (unsigned long long)dend);
	if (c->zip64_local ? bundle_le64(dd + 8) != c->csize ||
	    bundle_le64(dd + 16) != c->usize : bundle_le32(dd + 8) !=
	    c->csize || bundle_le32(dd + 12) != c->usize)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "ZIP data "
		    "descriptor and central directory disagree on size (at "
		    "byte %llu)", (unsigned long long)dend);
	w->next = dend + ddlen;
	return 0;
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
		w->s = ex_error_set(w->err, EX_ERR_NOMEM, "out of memory");
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
		    pos + 46 + le16(e + 28) + le16(e + 30) + le16(e + 32) >
		    w->cd_size) {
			(void)zip_refuse(w, EX_PROBLEM_UNREADABLE, "", "ZIP "
			    "central directory entry %llu is damaged",
			    (unsigned long long)i + 1);
			goto out;
		}
		c.rec = e;
		c.vm = le16(e + 4);
		c.vn = le16(e + 6);
		c.flags = le16(e + 8);
		c.method = le16(e + 10);
		c.crc = bundle_le32(e + 16);
		c.csize = bundle_le32(e + 20);
		c.usize = bundle_le32(e + 24);
		c.nlen = le16(e + 28);
		c.xlen = le16(e + 30);
		c.clen = le16(e + 32);
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

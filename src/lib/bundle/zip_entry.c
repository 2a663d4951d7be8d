/*
 * zip_entry.c — one ZIP entry as reader_zip.c's walk meets it: the
 * central directory entry's own fields, its extra fields (only UT, ux
 * and Zip64, exactly as the writer makes them), its local header, data
 * and data descriptor (each agreeing with the central entry), and the
 * bytes between entries that no entry accounts for.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle/reader_zip.h"

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
		if (k + 4 > xlen || k + 4 + zip_le16(x + k + 2) > xlen)
			return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP "
			    "extra field in the %s is malformed (at its byte "
			    "%u)", where, k);
		id = zip_le16(x + k);
		sz = zip_le16(x + k + 2);
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
	if (xlen >= 9 && zip_le16(x) == ZIP_ID_UT)
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
		id = zip_le16(x + k);
		sz = zip_le16(x + k + 2);
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
		c.nlen = zip_le16(e + 28);
		c.xlen = zip_le16(e + 30);
		if (bundle_le32(e) != ZIP_SIG_CENTRAL ||
		    pos + 46 + c.nlen + c.xlen + zip_le16(e + 32) > w->cd_size)
			return 0;
		c.csize = bundle_le32(e + 20);
		c.usize = bundle_le32(e + 24);
		c.off = bundle_le32(e + 42);
		zip64_values(&c);
		if (c.off == at)
			return 1;
		pos += 46 + c.nlen + c.xlen + zip_le16(e + 32);
	}
	return 0;
}

/* Bytes between two entries (or before the first, or before the central
 * directory): a local header there is an entry only streaming readers
 * see, unless the directory lists it later (out of order). */
int
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
		nlen = zip_le16(lh + 26);
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
int
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
	if (zip_le16(e + 34) != 0 || zip_le16(e + 36) != 0)
		return zip_refuse(w, EX_PROBLEM_FORM, c->path, "ZIP entry on "
		    "disk %u with internal attributes 0x%04x: exhibit writes "
		    "0 and 0", zip_le16(e + 34), zip_le16(e + 36));
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
int
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
	lnlen = zip_le16(lh + 26);
	lxlen = zip_le16(lh + 28);
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
	if (zip_le16(lh + 6) != c->flags || zip_le16(lh + 8) != c->method)
		return zip_refuse(w, EX_PROBLEM_AMBIGUOUS, c->path, "ZIP "
		    "central directory and local header disagree on flags or "
		    "compression");
	if (zip_le16(lh + 4) != (c->dir ? 20u : c->zip64_local ? 45u : 10u) ||
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

/*
 * reader_iso.c — the raw ISO 9660 structures behind libarchive's reading.
 *
 * An ISO image states its files three times: the primary ISO 9660 tree
 * (what a reader without extensions shows), the Rock Ridge fields in the
 * same records (Linux, bsdtar and libarchive, which verify reads through)
 * and a separate Joliet tree (Windows Explorer, 7-Zip).  A hostile image
 * can make them disagree, so that verify checks one file and Windows
 * opens another.  This file accepts an image only in the form libarchive's
 * writer gives it with exhibit's options (writer.c: iso-level 3, Joliet
 * long names, Rock Ridge "useful") and only when every view shows the
 * same files at the same extents with the same sizes as the entries
 * libarchive loaded, and every byte of the image belongs to a structure,
 * to a file or to zero padding.
 *
 * The form, as libarchive 3.6 writes it: sectors 0-15 zero; at 16 the
 * primary volume descriptor, the Joliet supplementary one (UCS-2 level 3)
 * and the terminator; one information sector ("INFO ..."); path tables;
 * the primary folders, then the Joliet folders (each followed by its
 * Rock Ridge continuation sectors, if a long name needs one); the Rock
 * Ridge ER sector; the files' data, each from a sector boundary with
 * zeros after its end; 150 zero sectors.  Folder records never cross a
 * sector; Rock Ridge gives every record RR, PX, TF and, except "." and
 * "..", NM; the root's "." also SP and a CE pointing at the ER.  Files of
 * 4 GiB or more are split into extents of 4 GiB - 2 KiB that follow one
 * another, the records marked multi-extent.
 *
 * The image is never trusted: every offset and length is checked before
 * use, folders are read at most ISO_DEPTH_MAX deep and ISO_DIR_BYTES_MAX
 * in all, continuation chains end after ISO_CE_HOPS, and a folder that
 * leads back to one of its parents is refused, not followed.
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

#include "bundle/bundle_private.h"

#define ISO_SECTOR 2048u
#define ISO_DEPTH_MAX 16                 /* folder levels (exhibit: 5) */
#define ISO_DIR_BYTES_MAX ((uint64_t)64 << 20) /* folders, per tree */
#define ISO_DIR_MAX ((uint64_t)16 << 20) /* one folder */
#define ISO_PATH_TABLE_MAX ((uint64_t)16 << 20)
#define ISO_CE_HOPS 16
#define ISO_EXTENT_PART 0xfffff800u      /* a multi-extent part */
#define ISO_REPORT_MAX 16                /* tree differences reported */
#define ISO_MODE_FILE 0100444u           /* writer.c's 0644, made "useful" */
#define ISO_MODE_DIR 040555u

enum { TREE_RR = 0, TREE_JOLIET = 1 };
static const char *const tree_name[2] = { "ISO 9660 (Rock Ridge)", "Joliet" };

/* A file or folder as one tree shows it. */
struct iso_node {
	char *path;             /* from the image root ("E1/data/x.mp4");
	                           "" for the root */
	char *isopath;          /* primary tree: with the ISO 9660 names */
	unsigned char *id;      /* folders: the raw identifier */
	size_t idlen;
	uint32_t loc;           /* first sector of the data */
	uint64_t size;
	int dir;
	int depth;              /* root 0 */
	size_t parent;          /* node index of the parent folder */
	size_t bfs;             /* folders: number in the path table */
	int matched;
};

struct iso_tree {
	struct iso_node *v;
	size_t n, cap;
	uint64_t dirbytes;      /* folder bytes read */
	int broken;             /* a problem stopped the walk */
	uint32_t root_loc, root_size;
	uint32_t pt_size, pt_l, pt_m; /* path tables from the descriptor */
};

/* Sectors [start, end) used by a structure or a file. */
struct iso_span {
	uint64_t start, end;
	uint64_t used_end;      /* byte after the last used one (files,
	                           path tables); 0: all used */
	char what[200];
};

/* A Rock Ridge continuation area: bytes [off, off + len) of a sector. */
struct iso_area {
	uint32_t sector, off, len;
};

struct iso {
	bundle_loader *L;
	ex_error *err;
	int fd;
	uint64_t sectors;       /* volume space size */
	uint32_t term;          /* the terminator's sector */
	struct iso_tree t[2];
	struct iso_span *spans;
	size_t nspans, capspans;
	struct iso_area *areas;
	size_t nareas, capareas;
	uint64_t records;
	uint32_t anc[ISO_DEPTH_MAX + 2]; /* locations of the folders above */
	unsigned char sec[ISO_SECTOR];
};

/* ---- small helpers ---------------------------------------------------- */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static unsigned
le16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* A 7.3.3 field (both byte orders): 1 and *v when the halves agree. */
static int
both32(const unsigned char *p, uint32_t *v)
{
	*v = bundle_le32(p);
	return *v == be32(p + 4);
}

static int
both16(const unsigned char *p, unsigned *v)
{
	*v = le16(p);
	return *v == be16(p + 2);
}

static int
all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* The bag path of an image path: without the top folder, as the entries
 * have it (an image path outside the top folder stays whole). */
static const char *
rel(const struct iso *s, const char *path)
{
	const char *top = s->L->b->top;
	size_t n;

	if (top == NULL || top[0] == '\0')
		return path;
	n = strlen(top);
	if (strncmp(path, top, n) == 0 && path[n] == '/')
		return path + n + 1;
	if (strcmp(path, top) == 0)
		return "";
	return path;
}

/* Text as it may be shown (control bytes and non-ASCII escaped). */
static const char *
shown(const char *text, char *buf, size_t size)
{
	bundle_display_n((const unsigned char *)text, strlen(text), buf,
	    size);
	return buf;
}

static ex_status iso_bad(struct iso *s, ex_bundle_problem_kind kind,
    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Record a problem against path (an image path). */
static ex_status
iso_bad(struct iso *s, ex_bundle_problem_kind kind, const char *path,
    const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (kind == EX_PROBLEM_TRUNCATED)
		bundle_drop_damage(s->L);
	return bundle_problem(s->L, kind, rel(s, path), s->err, "%s", why);
}

static ex_status
nomem(struct iso *s)
{
	return ex_error_set(s->err, EX_ERR_NOMEM, "out of memory");
}

static ex_status
span_add(struct iso *s, uint64_t start, uint64_t nsec, uint64_t used_end,
    const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static ex_status
span_add(struct iso *s, uint64_t start, uint64_t nsec, uint64_t used_end,
    const char *fmt, ...)
{
	struct iso_span *sp;
	va_list ap;

	if (s->nspans == s->capspans) {
		size_t cap = s->capspans ? s->capspans * 2 : 64;

		if ((sp = realloc(s->spans, cap * sizeof(*sp))) == NULL)
			return nomem(s);
		s->spans = sp;
		s->capspans = cap;
	}
	sp = &s->spans[s->nspans++];
	sp->start = start;
	sp->end = start + nsec;
	sp->used_end = used_end;
	va_start(ap, fmt);
	vsnprintf(sp->what, sizeof(sp->what), fmt, ap);
	va_end(ap);
	return EX_OK;
}

/* Append a node; *idx gets its index. */
static ex_status
node_add(struct iso *s, struct iso_tree *t, const char *path, size_t plen,
    size_t *idx)
{
	struct iso_node *v;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;

		if ((v = realloc(t->v, cap * sizeof(*v))) == NULL)
			return nomem(s);
		t->v = v;
		t->cap = cap;
	}
	v = &t->v[t->n];
	memset(v, 0, sizeof(*v));
	if ((v->path = malloc(plen + 1)) == NULL)
		return nomem(s);
	memcpy(v->path, path, plen);
	v->path[plen] = '\0';
	*idx = t->n++;
	return EX_OK;
}

/* Bytes [off, off + len) of the image must be zero: 1 if so, 0 (and
 * *at the first other byte) if not, -1 when they cannot be read. */
static int
zero_range(struct iso *s, uint64_t off, uint64_t len, uint64_t *at)
{
	while (len > 0) {
		size_t n = len < BUNDLE_CHUNK ? (size_t)len : BUNDLE_CHUNK;
		size_t i;

		if (bundle_read_at(s->fd, s->L->chunk, n, off) != 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (s->L->chunk[i] != 0) {
				*at = off + i;
				return 0;
			}
		}
		off += n;
		len -= n;
	}
	return 1;
}

/* ---- volume descriptors ----------------------------------------------- */

/* The root record of a volume descriptor (34 bytes at 156). */
static ex_status
vd_root(struct iso *s, const unsigned char *vd, int tree, int *ok)
{
	const unsigned char *r = vd + 156;
	uint32_t loc, size;

	*ok = 0;
	if (r[0] != 34 || r[1] != 0 || !both32(r + 2, &loc) ||
	    !both32(r + 10, &size) || r[25] != 0x02 || r[26] != 0 ||
	    r[27] != 0 || r[32] != 1 || r[33] != 0)
		return iso_bad(s, EX_PROBLEM_FORM, "", "the %s volume "
		    "descriptor's root folder record is not in the form "
		    "exhibit writes", tree == TREE_RR ? "primary" : "Joliet");
	s->t[tree].root_loc = loc;
	s->t[tree].root_size = size;
	*ok = 1;
	return EX_OK;
}

/*
 * Sector 16 on: exactly the primary descriptor, the Joliet one and the
 * terminator, then libarchive's information sector.  Sets s->sectors from
 * the primary descriptor.  *ok = 0 when a problem was recorded.
 */
static ex_status
vd_check(struct iso *s, uint64_t filesize, int *ok)
{
	unsigned char *vd = s->sec;
	uint32_t vss = 0, v;
	unsigned u;
	int tree, good;
	ex_status st;

	*ok = 0;
	for (tree = 0; tree < 2; tree++) {
		uint64_t at = (uint64_t)(16 + tree) * ISO_SECTOR;

		if (at + ISO_SECTOR > filesize ||
		    bundle_read_at(s->fd, vd, ISO_SECTOR, at) != 0)
			return iso_bad(s, EX_PROBLEM_TRUNCATED, "",
			    "incomplete copy: the ISO image ends before its "
			    "volume descriptors");
		if (memcmp(vd + 1, "CD001", 5) != 0 || vd[6] != 1 ||
		    vd[0] != (tree == TREE_RR ? 1 : 2))
			return iso_bad(s, EX_PROBLEM_FORM, "", "ISO 9660 "
			    "volume descriptor %u is a%s (type %u): exhibit "
			    "writes the primary descriptor, the Joliet one and "
			    "the terminator, nothing else", 16 + tree,
			    vd[0] == 0 ? " boot record" :
			    vd[0] == 1 ? " second primary descriptor" :
			    vd[0] == 2 ? " supplementary descriptor" :
			    vd[0] == 255 ? " terminator" : "n unknown kind",
			    vd[0]);
		if (vd[7] != 0 || vd[881] != 1 ||
		    !both32(vd + 80, &v) || !both16(vd + 120, &u) || u != 1 ||
		    !both16(vd + 124, &u) || u != 1 ||
		    !both16(vd + 128, &u) || u != ISO_SECTOR ||
		    (tree == TREE_RR ? !all_zero(vd + 88, 32) :
		    memcmp(vd + 88, "%/E", 3) != 0 || !all_zero(vd + 91, 29)) ||
		    bundle_le32(vd + 144) != 0 || bundle_le32(vd + 152) != 0)
			return iso_bad(s, EX_PROBLEM_FORM, "", "the %s volume "
			    "descriptor is not in the form exhibit writes "
			    "(flags, volume set, block size, escape sequences "
			    "or optional path tables)",
			    tree == TREE_RR ? "primary" :
			    "Joliet");
		/* Unused fields and the application use area (libarchive
		 * fills it with spaces) hold nothing. */
		for (u = 883; u < 1395 && (vd[u] == ' ' || vd[u] == 0); u++)
			;
		if (!all_zero(vd + 72, 8) || vd[882] != 0 || u < 1395 ||
		    !all_zero(vd + 1395, ISO_SECTOR - 1395))
			return iso_bad(s, EX_PROBLEM_TRAILING, "", "data "
			    "hidden in the unused fields of the %s volume "
			    "descriptor",
			    tree == TREE_RR ? "primary" : "Joliet");
		if (tree == TREE_RR)
			vss = v;
		else if (v != vss)
			return iso_bad(s, EX_PROBLEM_AMBIGUOUS, "", "the "
			    "primary and Joliet volume descriptors disagree on "
			    "the volume size (%lu and %lu sectors)",
			    (unsigned long)vss, (unsigned long)v);
		if (!both32(vd + 132, &s->t[tree].pt_size))
			return iso_bad(s, EX_PROBLEM_AMBIGUOUS, "", "the %s "
			    "volume descriptor states its path table size "
			    "twice, differently", tree == TREE_RR ? "primary" :
			    "Joliet");
		s->t[tree].pt_l = bundle_le32(vd + 140);
		s->t[tree].pt_m = be32(vd + 148);
		if ((st = vd_root(s, vd, tree, &good)) != EX_OK || !good)
			return st;
	}
	s->sectors = vss;
	s->term = 18;
	if (bundle_read_at(s->fd, vd, ISO_SECTOR, 18 * ISO_SECTOR) != 0)
		return iso_bad(s, EX_PROBLEM_TRUNCATED, "", "incomplete copy: "
		    "the ISO image ends before its volume descriptors");
	if (vd[0] != 255 || memcmp(vd + 1, "CD001", 5) != 0 || vd[6] != 1)
		return iso_bad(s, EX_PROBLEM_FORM, "", "ISO 9660 volume "
		    "descriptor 18 is a%s (type %u): exhibit writes the "
		    "primary descriptor, the Joliet one and the terminator, "
		    "nothing else", memcmp(vd + 1, "CD001", 5) != 0 ?
		    " damaged one" : vd[0] == 0 ? " boot record" :
		    vd[0] == 1 ? " second primary descriptor" :
		    vd[0] == 2 ? " second supplementary descriptor" :
		    "n unknown kind", vd[0]);
	if (!all_zero(vd + 7, ISO_SECTOR - 7))
		return iso_bad(s, EX_PROBLEM_TRAILING, "", "data hidden in the "
		    "ISO 9660 volume descriptor set terminator");
	*ok = 1;
	return EX_OK;
}

/* libarchive's information sector after the terminator: "INFO ", text,
 * zeros. */
static ex_status
info_check(struct iso *s)
{
	unsigned char *p = s->sec;
	size_t i;

	if (bundle_read_at(s->fd, p, ISO_SECTOR,
	    (uint64_t)(s->term + 1) * ISO_SECTOR) != 0)
		return iso_bad(s, EX_PROBLEM_TRUNCATED, "", "incomplete copy: "
		    "the ISO image ends after its volume descriptors");
	if (memcmp(p, "CD001", 5) == 0 || memcmp(p + 1, "CD001", 5) == 0)
		return iso_bad(s, EX_PROBLEM_FORM, "", "an ISO 9660 volume "
		    "descriptor after the terminator (sector %lu)",
		    (unsigned long)s->term + 1);
	if (memcmp(p, "INFO ", 5) != 0)
		return iso_bad(s, EX_PROBLEM_FORM, "", "sector %lu is not the "
		    "information sector libarchive writes",
		    (unsigned long)s->term + 1);
	for (i = 0; i < ISO_SECTOR && p[i] != 0; i++)
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] >= 0x7f)
			break;
	if (!all_zero(p + i, ISO_SECTOR - i))
		return iso_bad(s, EX_PROBLEM_TRAILING, "", "data hidden in the "
		    "ISO information sector (byte %lu)",
		    (unsigned long)((s->term + 1) * ISO_SECTOR + i));
	return EX_OK;
}

/* ---- Rock Ridge ------------------------------------------------------- */

struct rr_info {
	char name[256];
	size_t namelen;
	int nm, nm_done, rr, px, tf, sp, ce, er;
};

enum rec_kind { REC_NORMAL, REC_DOT, REC_DOTDOT };

static ex_status
area_add(struct iso *s, uint32_t sector, uint32_t off, uint32_t len)
{
	struct iso_area *a;

	if (s->nareas == s->capareas) {
		size_t cap = s->capareas ? s->capareas * 2 : 16;

		if ((a = realloc(s->areas, cap * sizeof(*a))) == NULL)
			return nomem(s);
		s->areas = a;
		s->capareas = cap;
	}
	a = &s->areas[s->nareas++];
	a->sector = sector;
	a->off = off;
	a->len = len;
	return EX_OK;
}

/*
 * Parse the System Use fields of a primary record (su, n bytes) and the
 * continuation areas they lead to.  where is the image path shown in
 * problems.  *ok = 0 when a problem was recorded.
 */
static ex_status
rr_parse(struct iso *s, const unsigned char *su, size_t n,
    enum rec_kind kind, int root_dot, int isdir, const char *where,
    struct rr_info *ri, int *ok)
{
	unsigned char area[ISO_SECTOR];
	const unsigned char *p = su;
	size_t len = n, i;
	int hops = 0, in_ce = 0;
	char sig[16];

	*ok = 0;
	memset(ri, 0, sizeof(*ri));
	for (;;) {
		uint32_t ce_loc = 0, ce_off = 0, ce_len = 0;
		int have_ce = 0;

		for (i = 0; i + 4 <= len;) {
			const unsigned char *e = p + i;
			unsigned el = e[2];

			if (el < 4 || i + el > len || e[3] != 1) {
				if (all_zero(e, len - i))
					break;
				return iso_bad(s, EX_PROBLEM_FORM, where,
				    "damaged Rock Ridge field");
			}
			if (e[0] == 'S' && e[1] == 'P') {
				if (!root_dot || in_ce || i != 0 || el != 7 ||
				    e[4] != 0xbe || e[5] != 0xef || e[6] != 0 ||
				    ri->sp++)
					goto foreign;
			} else if (e[0] == 'R' && e[1] == 'R') {
				if (el != 5 || ri->rr++ ||
				    e[4] != (kind == REC_NORMAL ? 0x89 : 0x81))
					return iso_bad(s, EX_PROBLEM_FORM,
					    where, "Rock Ridge RR field not in "
					    "the form exhibit writes (flags "
					    "0x%02x)",
					    el >= 5 ? e[4] : 0);
			} else if (e[0] == 'N' && e[1] == 'M') {
				size_t nl = el - 5;

				if (kind != REC_NORMAL || el < 5 ||
				    ri->nm_done || (e[4] & ~1u) != 0 ||
				    ri->namelen + nl >= sizeof(ri->name))
					return iso_bad(s, EX_PROBLEM_FORM,
					    where, "Rock Ridge name (NM) not "
					    "in the form exhibit writes");
				memcpy(ri->name + ri->namelen, e + 5, nl);
				ri->namelen += nl;
				ri->nm = 1;
				if (!(e[4] & 1))
					ri->nm_done = 1;
			} else if (e[0] == 'P' && e[1] == 'X') {
				uint32_t mode, uid, gid, links;

				if (el != 44 || ri->px++ ||
				    !both32(e + 4, &mode) ||
				    !both32(e + 12, &links) ||
				    !both32(e + 20, &uid) ||
				    !both32(e + 28, &gid) ||
				    bundle_le32(e + 36) != be32(e + 40))
					return iso_bad(s, EX_PROBLEM_FORM,
					    where, "Rock Ridge attributes (PX) "
					    "not in the form exhibit writes");
				if ((mode & 0170000) != (isdir ? 040000u :
				    0100000u))
					return iso_bad(s, EX_PROBLEM_AMBIGUOUS,
					    where, "Rock Ridge gives it mode "
					    "%06lo, but ISO 9660 says it is a "
					    "%s",
					    (unsigned long)mode,
					    isdir ? "folder" : "file");
				if (mode != (isdir ? ISO_MODE_DIR :
				    ISO_MODE_FILE) || uid != 0 || gid != 0)
					return iso_bad(s, EX_PROBLEM_FORM,
					    where, "Rock Ridge mode %06lo, "
					    "owner %lu:%lu (exhibit writes "
					    "%06o, 0:0)", (unsigned long)mode,
					    (unsigned long)uid,
					    (unsigned long)gid, isdir ?
					    ISO_MODE_DIR : ISO_MODE_FILE);
			} else if (e[0] == 'T' && e[1] == 'F') {
				unsigned f = el >= 5 ? e[4] : 0, k, c = 0;

				for (k = 0; k < 7; k++)
					c += (f >> k) & 1;
				if (el != 5 + 7 * c || (f & 0x80) || ri->tf++)
					return iso_bad(s, EX_PROBLEM_FORM,
					    where, "Rock Ridge times (TF) not "
					    "in the form exhibit writes");
			} else if (e[0] == 'C' && e[1] == 'E') {
				if (el != 28 || have_ce ||
				    !both32(e + 4, &ce_loc) ||
				    !both32(e + 12, &ce_off) ||
				    !both32(e + 20, &ce_len))
					return iso_bad(s, EX_PROBLEM_FORM,
					    where, "damaged Rock Ridge "
					    "continuation (CE) field");
				have_ce = 1;
			} else if (e[0] == 'E' && e[1] == 'R') {
				unsigned lid = el >= 8 ? e[4] : 0;

				if (!root_dot || !in_ce || ri->er++ ||
				    el < 8 || 8u + e[4] + e[5] + e[6] != el ||
				    lid != 10 || memcmp(e + 8, "RRIP_1991A",
				    10) != 0 || e[7] != 1)
					goto foreign;
			} else
				goto foreign;
			i += el;
		}
		if (i < len && !all_zero(p + i, len - i))
			return iso_bad(s, EX_PROBLEM_FORM, where,
			    "damaged Rock Ridge field");
		if (!have_ce)
			break;
		if (++hops > ISO_CE_HOPS || ce_loc >= s->sectors ||
		    ce_off >= ISO_SECTOR || ce_len < 4 ||
		    ce_len > ISO_SECTOR - ce_off)
			return iso_bad(s, EX_PROBLEM_FORM, where, "Rock Ridge "
			    "continuation area outside the image or too long "
			    "a chain (sector %lu, offset %lu, %lu bytes)",
			    (unsigned long)ce_loc, (unsigned long)ce_off,
			    (unsigned long)ce_len);
		if (bundle_read_at(s->fd, area, ce_len,
		    (uint64_t)ce_loc * ISO_SECTOR + ce_off) != 0)
			return ex_error_errno(s->err, "ISO image");
		if (area_add(s, ce_loc, ce_off, ce_len) != EX_OK)
			return nomem(s);
		ri->ce++;
		p = area;
		len = ce_len;
		in_ce = 1;
	}
	if (kind == REC_NORMAL && (!ri->nm_done || ri->namelen == 0))
		return iso_bad(s, EX_PROBLEM_FORM, where, "no complete Rock "
		    "Ridge name (NM): Linux would show the ISO 9660 name");
	if (!ri->rr || !ri->px || !ri->tf || (root_dot && (!ri->sp ||
	    !ri->er)))
		return iso_bad(s, EX_PROBLEM_FORM, where, "Rock Ridge fields "
		    "missing (exhibit writes %s)", root_dot ?
		    "SP, RR, PX, TF and the ER" : "RR, PX and TF");
	*ok = 1;
	return EX_OK;
foreign:
	bundle_display_n(p + i, 2, sig, sizeof(sig));
	return iso_bad(s, EX_PROBLEM_FORM, where, "Rock Ridge or SUSP field "
	    "'%s' where exhibit writes none (links, devices, relocated "
	    "folders, compression are not part of a bundle)", sig);
}

/* ---- names ------------------------------------------------------------- */

/* Joliet UCS-2/UTF-16BE to UTF-8 in out (size bytes); 0 if invalid. */
static int
joliet_name(const unsigned char *p, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	if (n == 0 || n % 2 != 0)
		return 0;
	for (i = 0; i < n; i += 2) {
		uint32_t c = be16(p + i);

		if (c >= 0xd800 && c <= 0xdbff) {
			uint32_t d;

			if (i + 4 > n)
				return 0;
			d = be16(p + i + 2);
			if (d < 0xdc00 || d > 0xdfff)
				return 0;
			c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
			i += 2;
		} else if (c >= 0xdc00 && c <= 0xdfff)
			return 0;
		if (c == 0 || c == '/')
			return 0;
		if (o + 5 >= size)
			return 0;
		if (c < 0x80)
			out[o++] = (char)c;
		else if (c < 0x800) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | c >> 18);
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
	return 1;
}

/* A primary identifier as libarchive writes it at level 3: d-characters
 * and at most one '.', for a file ";1" after them. */
static int
iso_ident_ok(const unsigned char *p, size_t n, int isdir)
{
	size_t i, dots = 0;

	if (!isdir) {
		if (n < 3 || p[n - 2] != ';' || p[n - 1] != '1')
			return 0;
		n -= 2;
	}
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '.' && ++dots == 1)
			continue;
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_'))
			return 0;
	}
	return 1;
}

/* ---- the trees ---------------------------------------------------------- */

static char *
join(const char *dir, const char *name, size_t nlen)
{
	size_t dl = strlen(dir);
	char *p = malloc(dl + 1 + nlen + 1);

	if (p == NULL)
		return NULL;
	if (dl > 0) {
		memcpy(p, dir, dl);
		p[dl++] = '/';
	}
	memcpy(p + dl, name, nlen);
	p[dl + nlen] = '\0';
	return p;
}

/*
 * Read the folder t->v[self] and append its entries, then walk its
 * sub-folders.  Records the first problem in the tree, sets t->broken and
 * returns EX_OK; fails only for memory or I/O.
 */
static ex_status
walk(struct iso *s, int tree, size_t self, int depth)
{
	struct iso_tree *t = &s->t[tree];
	unsigned char *buf = NULL;
	uint32_t loc = t->v[self].loc;
	uint64_t size = t->v[self].size, off = 0, k;
	size_t first = t->n, last, idx, nrec = 0;
	char dirpath[BUNDLE_PATH_MAX + 8], name[1100];
	/* a multi-extent file being put together */
	char pend_name[1100];
	uint32_t pend_loc = 0, pend_next = 0;
	uint64_t pend_size = 0;
	int pending = 0, i, ok;
	ex_status st = EX_OK;

#define BAD(kind, where, ...) do { \
	st = iso_bad(s, kind, where, __VA_ARGS__); t->broken = 1; goto out; \
} while (0)
	snprintf(dirpath, sizeof(dirpath), "%s", t->v[self].path);
	if (depth > ISO_DEPTH_MAX)
		BAD(EX_PROBLEM_FORM, dirpath, "folders nested more than %d "
		    "deep in the %s tree", ISO_DEPTH_MAX, tree_name[tree]);
	if (size == 0 || size % ISO_SECTOR != 0 || size > ISO_DIR_MAX ||
	    loc < 16 || (uint64_t)loc + size / ISO_SECTOR > s->sectors)
		BAD(EX_PROBLEM_FORM, dirpath, "the %s folder record points "
		    "outside the image or has a bad size (sector %lu, %llu "
		    "bytes)", tree_name[tree], (unsigned long)loc,
		    (unsigned long long)size);
	t->dirbytes += size;
	if (t->dirbytes > ISO_DIR_BYTES_MAX)
		BAD(EX_PROBLEM_LIMIT, "", "more than %llu MiB of %s folders",
		    (unsigned long long)(ISO_DIR_BYTES_MAX >> 20),
		    tree_name[tree]);
	if ((st = span_add(s, loc, size / ISO_SECTOR, 0, "the %s folder "
	    "'%s'", tree_name[tree], shown(rel(s, dirpath), name,
	    sizeof(name)))) != EX_OK)
		goto out;
	if ((buf = malloc((size_t)size)) == NULL) {
		st = nomem(s);
		goto out;
	}
	if (bundle_read_at(s->fd, buf, (size_t)size,
	    (uint64_t)loc * ISO_SECTOR) != 0) {
		st = ex_error_errno(s->err, "ISO image");
		goto out;
	}
	s->anc[depth] = loc;
	while (off < size) {
		uint64_t send = (off / ISO_SECTOR + 1) * ISO_SECTOR;
		const unsigned char *r = buf + off;
		unsigned l = r[0], nl, flags;
		uint32_t rloc, rsize;
		enum rec_kind kind;
		int isdir;
		size_t suoff;
		struct rr_info ri;
		char *path = NULL, *isopath = NULL;

		if (l == 0) {
			if (!all_zero(r, (size_t)(send - off)))
				BAD(EX_PROBLEM_TRAILING, dirpath, "data hidden "
				    "in the %s folder after its records",
				    tree_name[tree]);
			off = send;
			continue;
		}
		if (++s->records > s->L->lim.max_entries * 4 + 64)
			BAD(EX_PROBLEM_LIMIT, "", "more than %llu ISO 9660 "
			    "folder records", (unsigned long long)
			    s->L->lim.max_entries * 4 + 64);
		if (l < 34 || l % 2 != 0 || off + l > send)
			BAD(EX_PROBLEM_FORM, dirpath, "damaged %s folder "
			    "record (at byte %llu of the folder)",
			    tree_name[tree],
			    (unsigned long long)off);
		nl = r[32];
		if (33u + nl > l || nl == 0)
			BAD(EX_PROBLEM_FORM, dirpath, "damaged %s folder "
			    "record (at byte %llu of the folder)",
			    tree_name[tree],
			    (unsigned long long)off);
		if (!both32(r + 2, &rloc) || !both32(r + 10, &rsize) ||
		    le16(r + 28) != be16(r + 30))
			BAD(EX_PROBLEM_AMBIGUOUS, dirpath, "a %s folder record "
			    "states its extent, size or volume twice, "
			    "differently (readers take either)",
			    tree_name[tree]);
		flags = r[25];
		isdir = (flags & 0x02) != 0;
		if (r[1] != 0)
			BAD(EX_PROBLEM_FORM, dirpath, "a record with an "
			    "extended attribute record in the %s tree",
			    tree_name[tree]);
		if (r[26] != 0 || r[27] != 0)
			BAD(EX_PROBLEM_FORM, dirpath, "an interleaved record "
			    "(file unit size %u, gap %u) in the %s tree", r[26],
			    r[27], tree_name[tree]);
		if (le16(r + 28) != 1)
			BAD(EX_PROBLEM_FORM, dirpath, "a record on volume %u "
			    "of a set in the %s tree", le16(r + 28),
			    tree_name[tree]);
		if (flags & 0x01)
			BAD(EX_PROBLEM_FORM, dirpath, "a hidden record in the "
			    "%s tree (readers that honour the flag hide it)",
			    tree_name[tree]);
		if (flags & 0x04)
			BAD(EX_PROBLEM_FORM, dirpath, "an associated file in "
			    "the %s tree", tree_name[tree]);
		if (flags & ~(0x02u | 0x80u))
			BAD(EX_PROBLEM_FORM, dirpath, "a record with flags "
			    "0x%02x in the %s tree", flags, tree_name[tree]);
		kind = nrec == 0 ? REC_DOT : nrec == 1 ? REC_DOTDOT :
		    REC_NORMAL;
		if ((nl == 1 && r[33] <= 1) != (kind != REC_NORMAL) ||
		    (kind != REC_NORMAL && r[33] != (kind == REC_DOTDOT)))
			BAD(EX_PROBLEM_FORM, dirpath, "the %s folder does not "
			    "start with its '.' and '..' records",
			    tree_name[tree]);
		if (kind == REC_DOT && (!isdir || rloc != loc || rsize != size))
			BAD(EX_PROBLEM_AMBIGUOUS, dirpath, "the %s folder's "
			    "'.' record points elsewhere", tree_name[tree]);
		if (kind == REC_DOTDOT && (!isdir ||
		    rloc != t->v[t->v[self].parent].loc ||
		    rsize != t->v[t->v[self].parent].size))
			BAD(EX_PROBLEM_AMBIGUOUS, dirpath, "the %s folder's "
			    "'..' record does not point at its parent",
			    tree_name[tree]);
		suoff = 33 + nl + (nl % 2 == 0);
		if (suoff > l || (nl % 2 == 0 && r[33 + nl] != 0))
			BAD(EX_PROBLEM_FORM, dirpath, "damaged %s folder "
			    "record (at byte %llu of the folder)",
			    tree_name[tree],
			    (unsigned long long)off);
		if (tree == TREE_JOLIET) {
			if (suoff != l)
				BAD(EX_PROBLEM_FORM, dirpath, "system use data "
				    "in a Joliet record (exhibit writes none)");
			if (kind == REC_NORMAL && !joliet_name(r + 33, nl, name,
			    sizeof(name)))
				BAD(EX_PROBLEM_FORM, dirpath, "a Joliet name "
				    "that is not valid UCS-2");
		} else {
			char where[BUNDLE_PATH_MAX + 300];

			if (kind == REC_NORMAL && !iso_ident_ok(r + 33, nl,
			    isdir)) {
				bundle_display_n(r + 33, nl, name,
				    sizeof(name));
				BAD(EX_PROBLEM_FORM, dirpath, "ISO 9660 name "
				    "'%s' is not in the form exhibit writes",
				    name);
			}
			if (kind == REC_NORMAL) {
				char id[256];
				unsigned q;

				for (q = 0; q < nl; q++)
					id[q] = r[33 + q] ? (char)r[33 + q] :
					    '?';
				id[nl] = '\0';
				snprintf(where, sizeof(where), "%s%s%s",
				    dirpath, dirpath[0] ? "/" : "", id);
			} else
				snprintf(where, sizeof(where), "%s", dirpath);
			if ((st = rr_parse(s, r + suoff, l - suoff, kind,
			    kind == REC_DOT && depth == 0, isdir, where, &ri,
			    &ok)) != EX_OK)
				goto out;
			if (!ok) {
				t->broken = 1;
				goto out;
			}
			if (kind == REC_NORMAL) {
				if (memchr(ri.name, '/', ri.namelen) != NULL ||
				    memchr(ri.name, '\0', ri.namelen) != NULL ||
				    (ri.namelen == 1 && ri.name[0] == '.') ||
				    (ri.namelen == 2 && ri.name[0] == '.' &&
				    ri.name[1] == '.'))
					BAD(EX_PROBLEM_FORM, where, "a Rock "
					    "Ridge name with '/', NUL, '.' or "
					    "'..'");
				memcpy(name, ri.name, ri.namelen);
				name[ri.namelen] = '\0';
			}
		}
		nrec++;
		off += l;
		if (kind != REC_NORMAL)
			continue;
		/* Multi-extent: parts of 4 GiB - 2 KiB, one after another,
		 * under one name, all but the last flagged. */
		if (flags & 0x80) {
			if (isdir || rsize != ISO_EXTENT_PART || (pending &&
			    (strcmp(pend_name, name) != 0 ||
			    rloc != pend_next)))
				BAD(EX_PROBLEM_FORM, dirpath, "a multi-extent "
				    "file in the %s tree not in the form "
				    "exhibit writes", tree_name[tree]);
			if (!pending) {
				snprintf(pend_name, sizeof(pend_name), "%s",
				    name);
				pend_loc = rloc;
				pend_size = 0;
				pending = 1;
			}
			pend_size += rsize;
			pend_next = rloc + rsize / ISO_SECTOR;
			continue;
		}
		if (pending) {
			if (strcmp(pend_name, name) != 0 || rloc != pend_next)
				BAD(EX_PROBLEM_FORM, dirpath, "a multi-extent "
				    "file in the %s tree not in the form "
				    "exhibit writes", tree_name[tree]);
			rloc = pend_loc;
			pending = 0;
		}
		if ((path = join(dirpath, name, strlen(name))) == NULL) {
			st = nomem(s);
			goto out;
		}
		if (strlen(path) > BUNDLE_PATH_MAX) {
			free(path);
			BAD(EX_PROBLEM_LIMIT, dirpath, "a path longer than %d "
			    "bytes in the %s tree", BUNDLE_PATH_MAX,
			    tree_name[tree]);
		}
		st = node_add(s, t, path, strlen(path), &idx);
		free(path);
		if (st != EX_OK)
			goto out;
		t->v[idx].loc = rloc;
		t->v[idx].size = (uint64_t)rsize + pend_size;
		pend_size = 0;
		t->v[idx].dir = isdir;
		t->v[idx].depth = depth + 1;
		t->v[idx].parent = self;
		if (tree == TREE_RR) {
			const char *pp = t->v[self].isopath != NULL ?
			    t->v[self].isopath : "";

			if ((isopath = join(pp, (const char *)r + 33, nl)) ==
			    NULL) {
				st = nomem(s);
				goto out;
			}
			t->v[idx].isopath = isopath;
		}
		if (isdir) {
			if ((t->v[idx].id = malloc(nl)) == NULL) {
				st = nomem(s);
				goto out;
			}
			memcpy(t->v[idx].id, r + 33, nl);
			t->v[idx].idlen = nl;
		}
	}
	if (nrec < 2)
		BAD(EX_PROBLEM_FORM, dirpath, "the %s folder does not start "
		    "with its '.' and '..' records", tree_name[tree]);
	if (pending)
		BAD(EX_PROBLEM_FORM, dirpath, "a multi-extent file in the %s "
		    "tree not in the form exhibit writes", tree_name[tree]);
	free(buf);
	buf = NULL;
	last = t->n;
	for (k = first; k < last; k++) {
		if (!t->v[k].dir)
			continue;
		for (i = 0; i <= depth; i++)
			if (s->anc[i] == t->v[k].loc)
				BAD(EX_PROBLEM_FORM, t->v[k].path, "the %s "
				    "folder record leads back to a folder "
				    "above it (a folder loop)",
				    tree_name[tree]);
		if ((st = walk(s, tree, (size_t)k, depth + 1)) != EX_OK ||
		    t->broken)
			goto out;
	}
#undef BAD
out:
	free(buf);
	return st;
}

/* Walk one tree from the root its descriptor names. */
static ex_status
walk_tree(struct iso *s, int tree)
{
	struct iso_tree *t = &s->t[tree];
	size_t idx;
	ex_status st;

	if ((st = node_add(s, t, "", 0, &idx)) != EX_OK)
		return st;
	t->v[0].loc = t->root_loc;
	t->v[0].size = t->root_size;
	t->v[0].dir = 1;
	t->v[0].parent = 0;
	if (tree == TREE_RR && (t->v[0].isopath = strdup("")) == NULL)
		return nomem(s);
	return walk(s, tree, 0, 0);
}

/* ---- path tables -------------------------------------------------------- */

/* A folder to number: its parent's number, then its own node index
 * (the records' order, which is the identifiers' order). */
struct bfs_key {
	size_t pbfs, idx;
};

static int
bfs_cmp(const void *a, const void *b)
{
	const struct bfs_key *x = a, *y = b;

	if (x->pbfs != y->pbfs)
		return x->pbfs < y->pbfs ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * The path tables (type L and M) list every folder again, level by level:
 * Windows finds folders through them, Linux through the records.  Both
 * must be exactly the tables the folders give.
 */
static ex_status
path_tables(struct iso *s, int tree)
{
	struct iso_tree *t = &s->t[tree];
	size_t *order = NULL, n = 0, i, next_bfs = 1;
	struct bfs_key *keys = NULL;
	unsigned char *want_l = NULL, *want_m = NULL, *have = NULL;
	size_t len = 0, o, nk;
	int depth, maxdepth = 0, w;
	ex_status st = EX_OK;

	if ((order = calloc(t->n + 1, sizeof(*order))) == NULL ||
	    (keys = calloc(t->n + 1, sizeof(*keys))) == NULL) {
		free(order);
		return nomem(s);
	}
	/* Number the folders: by level, then parent's number, then the
	 * order of the records (sorted by identifier, as the table is). */
	order[n++] = 0;
	t->v[0].bfs = next_bfs++;
	for (i = 0; i < t->n; i++)
		if (t->v[i].dir && t->v[i].depth > maxdepth)
			maxdepth = t->v[i].depth;
	for (depth = 1; depth <= maxdepth; depth++) {
		nk = 0;
		for (i = 1; i < t->n; i++) {
			if (t->v[i].dir && t->v[i].depth == depth) {
				keys[nk].pbfs = t->v[t->v[i].parent].bfs;
				keys[nk++].idx = i;
			}
		}
		qsort(keys, nk, sizeof(*keys), bfs_cmp);
		for (i = 0; i < nk; i++) {
			order[n++] = keys[i].idx;
			t->v[keys[i].idx].bfs = next_bfs++;
		}
	}
	if (n > 65535) {
		st = iso_bad(s, EX_PROBLEM_LIMIT, "", "more than 65535 "
		    "folders in the %s tree", tree_name[tree]);
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t idl = i == 0 ? 1 : t->v[order[i]].idlen;

		len += 8 + idl + (idl % 2);
	}
	if (len != t->pt_size) {
		st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, "", "the %s path table "
		    "is %lu bytes, but its folders need %zu (Windows reads "
		    "folders from the path table)", tree_name[tree],
		    (unsigned long)t->pt_size, len);
		goto out;
	}
	if ((want_l = calloc(1, len + 1)) == NULL ||
	    (want_m = calloc(1, len + 1)) == NULL ||
	    (have = malloc(len + 1)) == NULL) {
		st = nomem(s);
		goto out;
	}
	for (i = 0, o = 0; i < n; i++) {
		const struct iso_node *d = &t->v[order[i]];
		size_t idl = i == 0 ? 1 : d->idlen;
		size_t par = i == 0 ? 1 : t->v[d->parent].bfs;

		want_l[o] = want_m[o] = (unsigned char)idl;
		want_l[o + 2] = (unsigned char)d->loc;
		want_l[o + 3] = (unsigned char)(d->loc >> 8);
		want_l[o + 4] = (unsigned char)(d->loc >> 16);
		want_l[o + 5] = (unsigned char)(d->loc >> 24);
		want_m[o + 2] = (unsigned char)(d->loc >> 24);
		want_m[o + 3] = (unsigned char)(d->loc >> 16);
		want_m[o + 4] = (unsigned char)(d->loc >> 8);
		want_m[o + 5] = (unsigned char)d->loc;
		want_l[o + 6] = (unsigned char)par;
		want_l[o + 7] = (unsigned char)(par >> 8);
		want_m[o + 6] = (unsigned char)(par >> 8);
		want_m[o + 7] = (unsigned char)par;
		if (i > 0) {
			memcpy(want_l + o + 8, d->id, idl);
			memcpy(want_m + o + 8, d->id, idl);
		}
		o += 8 + idl + (idl % 2);
	}
	for (w = 0; w < 2; w++) {
		uint32_t at = w == 0 ? t->pt_l : t->pt_m;
		uint64_t nsec = (len + ISO_SECTOR - 1) / ISO_SECTOR;

		if (len > ISO_PATH_TABLE_MAX || at < 16 ||
		    at + nsec > s->sectors) {
			st = iso_bad(s, EX_PROBLEM_FORM, "", "the %s path "
			    "table lies outside the image", tree_name[tree]);
			goto out;
		}
		if (bundle_read_at(s->fd, have, len,
		    (uint64_t)at * ISO_SECTOR) != 0) {
			st = ex_error_errno(s->err, "ISO image");
			goto out;
		}
		if (memcmp(have, w == 0 ? want_l : want_m, len) != 0) {
			st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, "", "the %s path "
			    "table (type %c) disagrees with the folders "
			    "(Windows reads folders from the path table)",
			    tree_name[tree], w == 0 ? 'L' : 'M');
			goto out;
		}
		if ((st = span_add(s, at, nsec, (uint64_t)at * ISO_SECTOR + len,
		    "the %s path table (type %c)", tree_name[tree],
		    w == 0 ? 'L' : 'M')) != EX_OK)
			goto out;
	}
out:
	free(order);
	free(keys);
	free(want_l);
	free(want_m);
	free(have);
	return st;
}

/* ---- comparing the views ------------------------------------------------ */

static int
path_cmp(const void *a, const void *b)
{
	const struct iso_node *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Two entries of one name in one tree: readers would pick either. */
static ex_status
dup_check(struct iso *s, int tree, int *dups)
{
	struct iso_tree *t = &s->t[tree];
	const char **ix = NULL;
	size_t i;
	ex_status st = EX_OK;

	*dups = 0;
	for (i = 1; i < t->n; i++) {
		if (strcmp(t->v[i - 1].path, t->v[i].path) == 0) {
			*dups = 1;
			return iso_bad(s, EX_PROBLEM_AMBIGUOUS, t->v[i].path,
			    "two entries of this name in the %s tree "
			    "(readers would pick either)", tree_name[tree]);
		}
	}
	if (tree != TREE_RR)
		return EX_OK;
	if ((ix = calloc(t->n + 1, sizeof(*ix))) == NULL)
		return nomem(s);
	for (i = 0; i < t->n; i++)
		ix[i] = t->v[i].isopath;
	qsort(ix, t->n, sizeof(*ix), str_cmp);
	for (i = 1; i < t->n; i++) {
		if (strcmp(ix[i - 1], ix[i]) == 0) {
			*dups = 1;
			st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, ix[i],
			    "two entries of this ISO 9660 name in one folder "
			    "(a reader without extensions would pick "
			    "either)");
			break;
		}
	}
	free(ix);
	return st;
}

/*
 * The Rock Ridge and Joliet trees must list the same paths, each a file
 * or a folder in both, a file at the same extent with the same size.
 */
static ex_status
compare_trees(struct iso *s)
{
	struct iso_tree *r = &s->t[TREE_RR], *j = &s->t[TREE_JOLIET];
	size_t a = 0, b = 0, reported = 0, more = 0, left = 0, x, y;
	char p1[600], p2[600];
	ex_status st = EX_OK;

#define REPORT(...) do { \
	if (reported++ < ISO_REPORT_MAX) { \
		if ((st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, __VA_ARGS__)) != \
		    EX_OK) \
			return st; \
	} else \
		more++; \
} while (0)
	while (a < r->n && b < j->n) {
		int c = strcmp(r->v[a].path, j->v[b].path);

		if (c < 0) {
			a++;
			continue;
		}
		if (c > 0) {
			b++;
			continue;
		}
		r->v[a].matched = j->v[b].matched = 1;
		if (r->v[a].dir != j->v[b].dir)
			REPORT(r->v[a].path, "Joliet shows a %s, Rock Ridge a "
			    "%s", j->v[b].dir ? "folder" : "file",
			    r->v[a].dir ? "folder" : "file");
		else if (!r->v[a].dir && r->v[a].size > 0 &&
		    r->v[a].loc != j->v[b].loc)
			REPORT(r->v[a].path, "Joliet points at other data than "
			    "Rock Ridge (sector %lu, not %lu): Windows and "
			    "7-Zip would open other bytes",
			    (unsigned long)j->v[b].loc,
			    (unsigned long)r->v[a].loc);
		else if (!r->v[a].dir && r->v[a].size != j->v[b].size)
			REPORT(r->v[a].path, "Joliet gives it %llu bytes, Rock "
			    "Ridge %llu", (unsigned long long)j->v[b].size,
			    (unsigned long long)r->v[a].size);
		a++;
		b++;
	}
	/* A file under another name: the same data in the other tree
	 * (looked for only when few are left over: the search is slow). */
	for (y = 0; y < j->n; y++)
		left += !j->v[y].matched;
	for (y = 0; left <= ISO_REPORT_MAX && y < j->n; y++) {
		if (j->v[y].matched)
			continue;
		for (x = 0; x < r->n && reported < ISO_REPORT_MAX; x++) {
			if (r->v[x].matched || r->v[x].dir != j->v[y].dir ||
			    r->v[x].loc != j->v[y].loc ||
			    r->v[x].size != j->v[y].size ||
			    (!r->v[x].dir && r->v[x].size == 0))
				continue;
			r->v[x].matched = j->v[y].matched = 1;
			REPORT(r->v[x].path, "Joliet names it '%s', Rock Ridge "
			    "names it '%s': Windows and 7-Zip would show "
			    "another name", shown(rel(s, j->v[y].path), p1,
			    sizeof(p1)), shown(rel(s, r->v[x].path), p2,
			    sizeof(p2)));
			break;
		}
	}
	for (y = 0; y < j->n; y++)
		if (!j->v[y].matched)
			REPORT(j->v[y].path, "only in the Joliet tree: Windows "
			    "and 7-Zip would show a %s that Rock Ridge "
			    "(Linux, verify) does not", j->v[y].dir ?
			    "folder" : "file");
	for (x = 0; x < r->n; x++)
		if (!r->v[x].matched)
			REPORT(r->v[x].path, "only in the Rock Ridge tree: "
			    "Windows and 7-Zip would not show this %s",
			    r->v[x].dir ? "folder" : "file");
	if (more > 0)
		st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, "", "and %zu more "
		    "differences between the Joliet and Rock Ridge trees",
		    more);
#undef REPORT
	return st;
}

/* An entry's stored name without a trailing '/'. */
static size_t
stored_len(const ex_bundle_entry *e)
{
	size_t n = strlen(e->stored_name);

	while (n > 0 && e->stored_name[n - 1] == '/')
		n--;
	return n;
}

static int
entry_cmp(const void *a, const void *b)
{
	const ex_bundle_entry *x = *(const ex_bundle_entry *const *)a;
	const ex_bundle_entry *y = *(const ex_bundle_entry *const *)b;
	size_t nx = stored_len(x), ny = stored_len(y);
	int c = memcmp(x->stored_name, y->stored_name, nx < ny ? nx : ny);

	if (c != 0)
		return c;
	return nx < ny ? -1 : nx > ny;
}

/* libarchive (what verify hashed) must have read exactly the Rock Ridge
 * tree: every file and folder, files with their sizes. */
static ex_status
compare_entries(struct iso *s)
{
	struct iso_tree *r = &s->t[TREE_RR];
	const ex_bundle *bd = s->L->b;
	const ex_bundle_entry **v = NULL;
	size_t n = 0, i, a = 1, reported = 0;
	ex_status st = EX_OK;

	if ((v = calloc(bd->nentries + 1, sizeof(*v))) == NULL)
		return nomem(s);
	for (i = 0; i < bd->nentries; i++)
		if (bd->entries[i].type == EX_ENTRY_FILE ||
		    bd->entries[i].type == EX_ENTRY_DIR)
			v[n++] = &bd->entries[i];
	qsort(v, n, sizeof(*v), entry_cmp);
	/* r->v is sorted by path; node 0 is the root ("") */
	i = 0;
	while ((a < r->n || i < n) && reported < ISO_REPORT_MAX &&
	    st == EX_OK) {
		int c;
		size_t nl = i < n ? stored_len(v[i]) : 0;

		if (a >= r->n)
			c = 1;
		else if (i >= n)
			c = -1;
		else {
			size_t pl = strlen(r->v[a].path);

			c = memcmp(r->v[a].path, v[i]->stored_name,
			    pl < nl ? pl : nl);
			if (c == 0)
				c = pl < nl ? -1 : pl > nl;
		}
		if (c < 0 && r->v[a].dir && bd->top != NULL &&
		    strcmp(r->v[a].path, bd->top) == 0) {
			a++;            /* the top folder: never an entry */
		} else if (c < 0) {
			reported++;
			st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, r->v[a].path,
			    "in the Rock Ridge tree, but not among the "
			    "entries libarchive read");
			a++;
		} else if (c > 0) {
			reported++;
			st = iso_bad(s, EX_PROBLEM_AMBIGUOUS,
			    v[i]->path, "read by libarchive, but not in the "
			    "Rock Ridge tree");
			i++;
		} else {
			if ((v[i]->type == EX_ENTRY_DIR) != r->v[a].dir ||
			    (!r->v[a].dir && (v[i]->declared_size < 0 ||
			    (uint64_t)v[i]->declared_size != r->v[a].size))) {
				reported++;
				st = iso_bad(s, EX_PROBLEM_AMBIGUOUS,
				    v[i]->path, "libarchive read it as a %s of "
				    "%lld bytes; the Rock Ridge tree says a %s "
				    "of %llu", v[i]->type == EX_ENTRY_DIR ?
				    "folder" : "file",
				    (long long)v[i]->declared_size,
				    r->v[a].dir ? "folder" : "file",
				    (unsigned long long)r->v[a].size);
			}
			a++;
			i++;
		}
	}
	free(v);
	return st;
}

/* ---- every sector accounted for ---------------------------------------- */

static int
span_cmp(const void *a, const void *b)
{
	const struct iso_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static int
area_cmp(const void *a, const void *b)
{
	const struct iso_area *x = a, *y = b;

	if (x->sector != y->sector)
		return x->sector < y->sector ? -1 : 1;
	return (x->off > y->off) - (x->off < y->off);
}

/*
 * Files and structures must not share a sector, must lie inside the
 * volume, and every byte that none of them uses must be zero.
 */
static ex_status
account(struct iso *s)
{
	struct iso_tree *r = &s->t[TREE_RR];
	uint64_t pos, at, i, k;
	char a[600];
	ex_status st;
	int z;

	if ((st = span_add(s, 16, s->term - 16 + 1, 0, "the volume "
	    "descriptors")) != EX_OK ||
	    (st = span_add(s, s->term + 1, 1, 0, "the information sector")) !=
	    EX_OK)
		return st;
	for (i = 0; i < r->n; i++) {
		const struct iso_node *f = &r->v[i];

		if (f->dir || f->size == 0)
			continue;       /* empty: no extent (libarchive gives
			                   it a location past the volume) */
		if ((st = span_add(s, f->loc, (f->size + ISO_SECTOR - 1) /
		    ISO_SECTOR, (uint64_t)f->loc * ISO_SECTOR + f->size,
		    "%s", shown(rel(s, f->path), a, sizeof(a)))) != EX_OK)
			return st;
	}
	qsort(s->areas, s->nareas, sizeof(*s->areas), area_cmp);
	for (i = 0; i < s->nareas; i++) {
		if (i > 0 && s->areas[i].sector == s->areas[i - 1].sector)
			continue;
		if ((st = span_add(s, s->areas[i].sector, 1, 0, "a Rock Ridge "
		    "continuation area")) != EX_OK)
			return st;
	}
	for (i = 0; i < s->nspans; i++) {
		if (s->spans[i].end > s->sectors || s->spans[i].end <
		    s->spans[i].start)
			return iso_bad(s, EX_PROBLEM_FORM, "", "%s: its extent "
			    "lies outside the ISO volume (sector %llu of %llu)",
			    s->spans[i].what,
			    (unsigned long long)s->spans[i].start,
			    (unsigned long long)s->sectors);
	}
	qsort(s->spans, s->nspans, sizeof(*s->spans), span_cmp);
	for (i = 1; i < s->nspans; i++) {
		if (s->spans[i].start < s->spans[i - 1].end)
			return iso_bad(s, EX_PROBLEM_FORM, "", "%s and %s "
			    "share sector %llu of the ISO image",
			    s->spans[i - 1].what,
			    s->spans[i].what,
			    (unsigned long long)s->spans[i].start);
	}
	/* Unused sectors, the system area included, hold zeros only. */
	pos = 0;
	for (i = 0; i <= s->nspans; i++) {
		uint64_t next = i < s->nspans ? s->spans[i].start : s->sectors;

		if (next > pos) {
			z = zero_range(s, pos * ISO_SECTOR,
			    (next - pos) * ISO_SECTOR, &at);
			if (z < 0)
				return ex_error_errno(s->err, "ISO image");
			if (z == 0)
				return iso_bad(s, EX_PROBLEM_TRAILING, "",
				    "data hidden in ISO sectors that no file "
				    "or structure uses (byte %llu)",
				    (unsigned long long)at);
		}
		if (i < s->nspans) {
			const struct iso_span *sp = &s->spans[i];

			/* ... and so does the rest of a file's last
			 * sector. */
			if (sp->used_end > 0) {
				z = zero_range(s, sp->used_end, sp->end *
				    ISO_SECTOR - sp->used_end, &at);
				if (z < 0)
					return ex_error_errno(s->err,
					    "ISO image");
				if (z == 0)
					return iso_bad(s, EX_PROBLEM_TRAILING,
					    "", "%s: data hidden after its end "
					    "(byte %llu)", sp->what,
					    (unsigned long long)at);
			}
			pos = sp->end;
		}
	}
	/* Continuation sectors: zero outside the areas. */
	for (i = 0; i < s->nareas; i = k) {
		uint32_t sec = s->areas[i].sector, from = 0;

		if (bundle_read_at(s->fd, s->sec, ISO_SECTOR,
		    (uint64_t)sec * ISO_SECTOR) != 0)
			return ex_error_errno(s->err, "ISO image");
		for (k = i; k < s->nareas && s->areas[k].sector == sec; k++) {
			if (s->areas[k].off < from)
				return iso_bad(s, EX_PROBLEM_FORM, "", "Rock "
				    "Ridge continuation areas overlap (sector "
				    "%lu)", (unsigned long)sec);
			if (!all_zero(s->sec + from, s->areas[k].off - from))
				break;
			from = s->areas[k].off + s->areas[k].len;
		}
		if (k < s->nareas && s->areas[k].sector == sec)
			return iso_bad(s, EX_PROBLEM_TRAILING, "", "data "
			    "hidden in a Rock Ridge continuation sector (%lu)",
			    (unsigned long)sec);
		if (!all_zero(s->sec + from, ISO_SECTOR - from))
			return iso_bad(s, EX_PROBLEM_TRAILING, "", "data "
			    "hidden in a Rock Ridge continuation sector (%lu)",
			    (unsigned long)sec);
	}
	return EX_OK;
}

/* ---- entry point -------------------------------------------------------- */

static void
tree_free(struct iso_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].isopath);
		free(t->v[i].id);
	}
	free(t->v);
}

ex_status
bundle_iso_check(bundle_loader *L, const char *path, ex_error *err)
{
	struct iso *s = NULL;
	struct stat sb;
	uint64_t size, want;
	size_t before = L->b->nproblems;
	int tree, ok, dups;
	ex_status st = EX_OK;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	s->L = L;
	s->err = err;
	s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (s->fd < 0) {
		st = ex_error_errno(err, "%s", path);
		goto out;
	}
	if (fstat(s->fd, &sb) != 0) {
		st = ex_error_errno(err, "%s", path);
		goto out;
	}
	size = (uint64_t)sb.st_size;
	if ((st = vd_check(s, size, &ok)) != EX_OK || !ok)
		goto out;
	want = s->sectors * ISO_SECTOR;
	if (size < want) {
		/* One problem: everything after this follows from it. */
		st = iso_bad(s, EX_PROBLEM_TRUNCATED, "", "incomplete copy: "
		    "the ISO image ends at byte %llu of %llu",
		    (unsigned long long)size, (unsigned long long)want);
		goto out;
	}
	if (size > want &&
	    (st = iso_bad(s, EX_PROBLEM_TRAILING, "", "%llu bytes after the "
	    "end of the ISO image", (unsigned long long)(size - want))) !=
	    EX_OK)
		goto out;
	if ((st = info_check(s)) != EX_OK)
		goto out;
	for (tree = 0; tree < 2; tree++) {
		if ((st = walk_tree(s, tree)) != EX_OK)
			goto out;
		if (s->t[tree].broken)
			goto out;
	}
	for (tree = 0; tree < 2; tree++)
		if ((st = path_tables(s, tree)) != EX_OK)
			goto out;
	if (L->b->nproblems != before)
		goto out;
	for (tree = 0; tree < 2; tree++) {
		qsort(s->t[tree].v, s->t[tree].n, sizeof(*s->t[tree].v),
		    path_cmp);
		if ((st = dup_check(s, tree, &dups)) != EX_OK || dups)
			goto out;
	}
	if ((st = compare_trees(s)) != EX_OK ||
	    (st = compare_entries(s)) != EX_OK)
		goto out;
	if (L->b->nproblems != before)
		goto out;
	st = account(s);
out:
	if (s->fd >= 0)
		close(s->fd);
	for (tree = 0; tree < 2; tree++)
		tree_free(&s->t[tree]);
	free(s->spans);
	free(s->areas);
	free(s);
	return st;
}

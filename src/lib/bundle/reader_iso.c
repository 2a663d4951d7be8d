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

#include "base.h"
#include "bundle/reader_iso.h"

const char *const iso_tree_name[2] = { "ISO 9660 (Rock Ridge)",
    "Joliet" };


const char *
iso_rel(const struct iso *s, const char *path)
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
const char *
iso_shown(const char *text, char *buf, size_t size)
{
	bundle_display_n((const unsigned char *)text, strlen(text), buf,
	    size);
	return buf;
}

/* Record a problem against path (an image path). */
ex_status
iso_bad(struct iso *s, ex_bundle_problem_kind kind, const char *path,
    const char *fmt, ...)
{
	ex_status st;
	va_list ap;

	if (kind == EX_PROBLEM_TRUNCATED)
		bundle_drop_damage(s->L);
	va_start(ap, fmt);
	st = bundle_problemv(s->L, kind, iso_rel(s, path), s->err, fmt, ap);
	va_end(ap);
	return st;
}

ex_status
iso_span_add(struct iso *s, uint64_t start, uint64_t nsec,
    uint64_t used_end, const char *fmt, ...)
{
	struct iso_span *sp;
	va_list ap;

	if (BASE_GROW(s->spans, s->capspans, s->nspans + 1) != 0)
		return base_nomem(s->err);
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
ex_status
iso_node_add(struct iso *s, struct iso_tree *t, const char *path, size_t plen,
    size_t *idx)
{
	struct iso_node *v;

	if (BASE_GROW(t->v, t->cap, t->n + 1) != 0)
		return base_nomem(s->err);
	v = &t->v[t->n];
	memset(v, 0, sizeof(*v));
	if ((v->path = malloc(plen + 1)) == NULL)
		return base_nomem(s->err);
	memcpy(v->path, path, plen);
	v->path[plen] = '\0';
	*idx = t->n++;
	return EX_OK;
}

/* Bytes [off, off + len) of the image must be zero: 1 if so, 0 (and
 * *at the first other byte) if not, -1 when they cannot be read. */
int
iso_zero_range(struct iso *s, uint64_t off, uint64_t len, uint64_t *at)
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
		return base_nomem(err);
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
		if ((st = iso_walk_tree(s, tree)) != EX_OK)
			goto out;
		if (s->t[tree].broken)
			goto out;
	}
	for (tree = 0; tree < 2; tree++)
		if ((st = iso_path_tables(s, tree)) != EX_OK)
			goto out;
	if (L->b->nproblems != before)
		goto out;
	for (tree = 0; tree < 2; tree++) {
		qsort(s->t[tree].v, s->t[tree].n, sizeof(*s->t[tree].v),
		    iso_path_cmp);
		if ((st = iso_dup_check(s, tree, &dups)) != EX_OK || dups)
			goto out;
	}
	if ((st = iso_compare_trees(s)) != EX_OK ||
	    (st = iso_compare_entries(s)) != EX_OK)
		goto out;
	if (L->b->nproblems != before)
		goto out;
	st = iso_account(s);
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

/*
 * iso_tree.c — the ISO 9660 check's trees (reader_iso.c has the whole
 * story): each tree's folders walked record by record with their Rock
 * Ridge fields and continuation areas, Joliet and ISO 9660 names, and
 * the path tables that must list the same folders.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "bundle/reader_iso.h"

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

	if (BASE_GROW(s->areas, s->capareas, s->nareas + 1) != 0)
		return base_nomem(s->err);
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
			return base_nomem(s->err);
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
		    "deep in the %s tree", ISO_DEPTH_MAX, iso_tree_name[tree]);
	if (size == 0 || size % ISO_SECTOR != 0 || size > ISO_DIR_MAX ||
	    loc < 16 || (uint64_t)loc + size / ISO_SECTOR > s->sectors)
		BAD(EX_PROBLEM_FORM, dirpath, "the %s folder record points "
		    "outside the image or has a bad size (sector %lu, %llu "
		    "bytes)", iso_tree_name[tree], (unsigned long)loc,
		    (unsigned long long)size);
	t->dirbytes += size;
	if (t->dirbytes > ISO_DIR_BYTES_MAX)
		BAD(EX_PROBLEM_LIMIT, "", "more than %llu MiB of %s folders",
		    (unsigned long long)(ISO_DIR_BYTES_MAX >> 20),
		    iso_tree_name[tree]);
	if ((st = iso_span_add(s, loc, size / ISO_SECTOR, 0, "the %s folder "
	    "'%s'", iso_tree_name[tree], iso_shown(iso_rel(s, dirpath), name,
	    sizeof(name)))) != EX_OK)
		goto out;
	if ((buf = malloc((size_t)size)) == NULL) {
		st = base_nomem(s->err);
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
				    iso_tree_name[tree]);
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
			    iso_tree_name[tree],
			    (unsigned long long)off);
		nl = r[32];
		if (33u + nl > l || nl == 0)
			BAD(EX_PROBLEM_FORM, dirpath, "damaged %s folder "
			    "record (at byte %llu of the folder)",
			    iso_tree_name[tree],
			    (unsigned long long)off);
		if (!both32(r + 2, &rloc) || !both32(r + 10, &rsize) ||
		    le16(r + 28) != be16(r + 30))
			BAD(EX_PROBLEM_AMBIGUOUS, dirpath, "a %s folder record "
			    "states its extent, size or volume twice, "
			    "differently (readers take either)",
			    iso_tree_name[tree]);
		flags = r[25];
		isdir = (flags & 0x02) != 0;
		if (r[1] != 0)
			BAD(EX_PROBLEM_FORM, dirpath, "a record with an "
			    "extended attribute record in the %s tree",
			    iso_tree_name[tree]);
		if (r[26] != 0 || r[27] != 0)
			BAD(EX_PROBLEM_FORM, dirpath, "an interleaved record "
			    "(file unit size %u, gap %u) in the %s tree", r[26],
			    r[27], iso_tree_name[tree]);
		if (le16(r + 28) != 1)
			BAD(EX_PROBLEM_FORM, dirpath, "a record on volume %u "
			    "of a set in the %s tree", le16(r + 28),
			    iso_tree_name[tree]);
		if (flags & 0x01)
			BAD(EX_PROBLEM_FORM, dirpath, "a hidden record in the "
			    "%s tree (readers that honour the flag hide it)",
			    iso_tree_name[tree]);
		if (flags & 0x04)
			BAD(EX_PROBLEM_FORM, dirpath, "an associated file in "
			    "the %s tree", iso_tree_name[tree]);
		if (flags & ~(0x02u | 0x80u))
			BAD(EX_PROBLEM_FORM, dirpath, "a record with flags "
			    "0x%02x in the %s tree", flags,
			    iso_tree_name[tree]);
		kind = nrec == 0 ? REC_DOT : nrec == 1 ? REC_DOTDOT :
		    REC_NORMAL;
		if ((nl == 1 && r[33] <= 1) != (kind != REC_NORMAL) ||
		    (kind != REC_NORMAL && r[33] != (kind == REC_DOTDOT)))
			BAD(EX_PROBLEM_FORM, dirpath, "the %s folder does not "
			    "start with its '.' and '..' records",
			    iso_tree_name[tree]);
		if (kind == REC_DOT && (!isdir || rloc != loc || rsize != size))
			BAD(EX_PROBLEM_AMBIGUOUS, dirpath, "the %s folder's "
			    "'.' record points elsewhere", iso_tree_name[tree]);
		if (kind == REC_DOTDOT && (!isdir ||
		    rloc != t->v[t->v[self].parent].loc ||
		    rsize != t->v[t->v[self].parent].size))
			BAD(EX_PROBLEM_AMBIGUOUS, dirpath, "the %s folder's "
			    "'..' record does not point at its parent",
			    iso_tree_name[tree]);
		suoff = 33 + nl + (nl % 2 == 0);
		if (suoff > l || (nl % 2 == 0 && r[33 + nl] != 0))
			BAD(EX_PROBLEM_FORM, dirpath, "damaged %s folder "
			    "record (at byte %llu of the folder)",
			    iso_tree_name[tree],
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
				    "exhibit writes", iso_tree_name[tree]);
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
				    "exhibit writes", iso_tree_name[tree]);
			rloc = pend_loc;
			pending = 0;
		}
		if ((path = join(dirpath, name, strlen(name))) == NULL) {
			st = base_nomem(s->err);
			goto out;
		}
		if (strlen(path) > BUNDLE_PATH_MAX) {
			free(path);
			BAD(EX_PROBLEM_LIMIT, dirpath, "a path longer than %d "
			    "bytes in the %s tree", BUNDLE_PATH_MAX,
			    iso_tree_name[tree]);
		}
		st = iso_node_add(s, t, path, strlen(path), &idx);
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
				st = base_nomem(s->err);
				goto out;
			}
			t->v[idx].isopath = isopath;
		}
		if (isdir) {
			if ((t->v[idx].id = malloc(nl)) == NULL) {
				st = base_nomem(s->err);
				goto out;
			}
			memcpy(t->v[idx].id, r + 33, nl);
			t->v[idx].idlen = nl;
		}
	}
	if (nrec < 2)
		BAD(EX_PROBLEM_FORM, dirpath, "the %s folder does not start "
		    "with its '.' and '..' records", iso_tree_name[tree]);
	if (pending)
		BAD(EX_PROBLEM_FORM, dirpath, "a multi-extent file in the %s "
		    "tree not in the form exhibit writes", iso_tree_name[tree]);
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
				    iso_tree_name[tree]);
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
ex_status
iso_walk_tree(struct iso *s, int tree)
{
	struct iso_tree *t = &s->t[tree];
	size_t idx;
	ex_status st;

	if ((st = iso_node_add(s, t, "", 0, &idx)) != EX_OK)
		return st;
	t->v[0].loc = t->root_loc;
	t->v[0].size = t->root_size;
	t->v[0].dir = 1;
	t->v[0].parent = 0;
	if (tree == TREE_RR && (t->v[0].isopath = strdup("")) == NULL)
		return base_nomem(s->err);
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
ex_status
iso_path_tables(struct iso *s, int tree)
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
		return base_nomem(s->err);
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
		    "folders in the %s tree", iso_tree_name[tree]);
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t idl = i == 0 ? 1 : t->v[order[i]].idlen;

		len += 8 + idl + (idl % 2);
	}
	if (len != t->pt_size) {
		st = iso_bad(s, EX_PROBLEM_AMBIGUOUS, "", "the %s path table "
		    "is %lu bytes, but its folders need %zu (Windows reads "
		    "folders from the path table)", iso_tree_name[tree],
		    (unsigned long)t->pt_size, len);
		goto out;
	}
	if ((want_l = calloc(1, len + 1)) == NULL ||
	    (want_m = calloc(1, len + 1)) == NULL ||
	    (have = malloc(len + 1)) == NULL) {
		st = base_nomem(s->err);
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
			    "table lies outside the image",
			    iso_tree_name[tree]);
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
			    iso_tree_name[tree], w == 0 ? 'L' : 'M');
			goto out;
		}
		if ((st = iso_span_add(s, at, nsec,
		    (uint64_t)at * ISO_SECTOR + len, "the %s path table (type %c)", iso_tree_name[tree],
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


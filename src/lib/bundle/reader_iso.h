/*
 * reader_iso.h — what the ISO 9660 check's files share (reader_iso.c:
 * volume descriptors, the helpers and the entry point; iso_tree.c: the
 * folder trees, Rock Ridge, Joliet names and path tables; iso_compare.c:
 * the views compared and every sector accounted for).  Private to them.
 */
#ifndef EXHIBIT_BUNDLE_READER_ISO_H
#define EXHIBIT_BUNDLE_READER_ISO_H

#include <stddef.h>
#include <stdint.h>

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
/* "ISO 9660 (Rock Ridge)", "Joliet" */
extern const char *const iso_tree_name[2];

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

static inline uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline unsigned
le16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static inline unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* A 7.3.3 field (both byte orders): 1 and *v when the halves agree. */
static inline int
both32(const unsigned char *p, uint32_t *v)
{
	*v = bundle_le32(p);
	return *v == be32(p + 4);
}

static inline int
both16(const unsigned char *p, unsigned *v)
{
	*v = le16(p);
	return *v == be16(p + 2);
}

static inline int
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

/* The bag path of an image path: without the top folder, as the entries
 * have it (an image path outside the top folder stays whole). */
const char *iso_rel(const struct iso *s, const char *path);
/* Text as it may be shown (control bytes and non-ASCII escaped). */
const char *iso_shown(const char *text, char *buf, size_t size);
/* Record a problem against path (an image path). */
ex_status iso_bad(struct iso *s, ex_bundle_problem_kind kind,
    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Record sectors [start, start + nsec) as used by what fmt says. */
ex_status iso_span_add(struct iso *s, uint64_t start, uint64_t nsec,
    uint64_t used_end, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Append a node; *idx gets its index. */
ex_status iso_node_add(struct iso *s, struct iso_tree *t,
    const char *path, size_t plen, size_t *idx);
/* Bytes [off, off + len) of the image must be zero: 1 if so, 0 (and
 * *at the first other byte) if not, -1 when they cannot be read. */
int iso_zero_range(struct iso *s, uint64_t off, uint64_t len,
    uint64_t *at);

/* iso_tree.c: walk one tree's folders; check its path tables. */
ex_status iso_walk_tree(struct iso *s, int tree);
ex_status iso_path_tables(struct iso *s, int tree);

/* iso_compare.c: names twice in a tree, the two trees against each other
 * and against libarchive's entries, every sector accounted for. */
/* qsort order of nodes: by path. */
int iso_path_cmp(const void *a, const void *b);
ex_status iso_dup_check(struct iso *s, int tree, int *dups);
ex_status iso_compare_trees(struct iso *s);
ex_status iso_compare_entries(struct iso *s);
ex_status iso_account(struct iso *s);

#endif

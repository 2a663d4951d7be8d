/*
 * reader_tar.h — what the two files of the raw tar check share
 * (reader_tar.c: the walk of the 512-byte blocks, each entry checked, the
 * end, the match with libarchive's entries; tar_pax.c: the writer's
 * headers rebuilt, header fields read, pax records parsed): the ustar
 * field offsets, the walk's state.  Private to src/lib/bundle.
 */
#ifndef EXHIBIT_BUNDLE_READER_TAR_H
#define EXHIBIT_BUNDLE_READER_TAR_H

#include <stdint.h>

#include "bundle/bundle_private.h"


#define TAR_BLOCK 512
#define TAR_PAX_MAX 65536           /* far more than the writer makes */
#define TAR_PAX_RECORDS 16
#define TAR_SHOWN 300

/* Offsets of the ustar header fields. */
enum {
	F_NAME = 0, F_MODE = 100, F_UID = 108, F_GID = 116, F_SIZE = 124,
	F_MTIME = 136, F_CHKSUM = 148, F_TYPE = 156, F_LINK = 157,
	F_MAGIC = 257, F_VERSION = 263, F_UNAME = 265, F_GNAME = 297,
	F_DEVMAJOR = 329, F_DEVMINOR = 337, F_PREFIX = 345, F_PAD = 500
};

struct tar_raw {
	char *name;
	int is_dir;
	uint64_t size;
};

struct tar_pax {
	int present;
	uint64_t off;                   /* its header */
	unsigned char hdr[TAR_BLOCK];
	unsigned char *data;            /* records, NUL-terminated values */
	size_t len;
	size_t n;
	const char *key[TAR_PAX_RECORDS];
	const char *val[TAR_PAX_RECORDS];
	size_t vlen[TAR_PAX_RECORDS];
};

struct tar_walk {
	bundle_loader *L;
	ex_error *err;
	int fd;
	uint64_t fsize;
	int bad;                        /* a problem was recorded: stop */
	int truncated;
	struct tar_raw *raw;
	size_t nraw, capraw;
	char shown[TAR_SHOWN];          /* the current entry, escaped */
	char last[TAR_SHOWN];           /* the last whole entry, escaped */
	struct tar_pax pax;
	char ustar_name[TAR_BLOCK];
	char made[TAR_BLOCK];
	char xname[TAR_BLOCK];
};

/* Record a problem (against no path) and stop the walk. */
ex_status tar_problem(struct tar_walk *w, ex_bundle_problem_kind kind,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- headers and pax records (tar_pax.c) ------------------------------ */
/* The name of the header field at byte off of a header. */
const char *tar_field_name(unsigned off);
/* The checksum of header h (its checksum field taken as spaces). */
unsigned tar_header_sum(const unsigned char *h);
/* The header the writer makes for name (already in its ustar form),
 * typeflag, mode, size and mtime, with uid/gid 0 and no owner names;
 * strict: octal numbers only.  -1 when name does not fit. */
int tar_ustar_header(unsigned char *h, const char *name, int type,
    int mode, int64_t size, int64_t mtime, int strict);
/* A numeric field as tar readers take it (octal or base-256); -1 when
 * malformed. */
int tar_field_number(const unsigned char *p, size_t n, int64_t *out);
/* The name in header h: prefix "/" name, into out (TAR_BLOCK bytes). */
void tar_header_name(const unsigned char *h, char *out);
/* What libarchive's pax writer makes of path: *needs = 1 when it puts
 * the path in a pax record; ustar the name in its ustar header, xname
 * the name of its pax header (each TAR_BLOCK bytes). */
ex_status tar_writer_names(const char *path, int *needs, char *ustar,
    char *xname, ex_error *err);
/* A pax number exactly as the writer prints it ("%lld"); -1 otherwise. */
int tar_pax_number(const char *s, int64_t *out);
/* Read the pax records of an 'x' header (len bytes at off) into w->pax;
 * a malformed one is a problem (w->bad set). */
ex_status tar_read_pax(struct tar_walk *w, uint64_t off, size_t len);
/* The rank of a pax key in the order the writer adds them; 0: a key
 * that states something the ustar header states too; -1: other. */
int tar_pax_rank(const char *key);

#endif

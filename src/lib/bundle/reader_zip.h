/*
 * reader_zip.h — what the two files of the raw ZIP check share
 * (reader_zip.c: the end records, the walk of the central directory and
 * the match with libarchive's entries; zip_entry.c: one entry's central
 * fields, extra fields, local header and data descriptor): the record
 * signatures and the writer's constants, the walk's state and one entry
 * as read.  Private to src/lib/bundle.
 */
#ifndef EXHIBIT_BUNDLE_READER_ZIP_H
#define EXHIBIT_BUNDLE_READER_ZIP_H

#include <stdint.h>

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

/* Record a problem against path and stop the walk.  Returns -1. */
int zip_refuse(struct zip_walk *w, ex_bundle_problem_kind kind,
    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A read that must succeed (the size is known): -1 with w->s set. */
int zip_read(struct zip_walk *w, void *buf, size_t n, uint64_t off);

static inline unsigned
zip_le16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

/* ---- one entry (zip_entry.c) ------------------------------------------ */
/* The central entry's own fields; sets c's Zip64 values and zip64_local. */
int zip_central_form(struct zip_walk *w, struct zip_entry *c);
/* The local header, data and descriptor of c: where the entries so far
 * end, and as the central directory says.  Advances w->next. */
int zip_local(struct zip_walk *w, struct zip_entry *c);
/* Bytes from at to upto that no entry accounts for: refused, naming a
 * local header there (an entry only streaming readers see).  -1. */
int zip_gap(struct zip_walk *w, uint64_t at, uint64_t upto);

#endif

/*
 * bundle_private.h — what the bundle module's files share: bag path
 * rules, a case-insensitive name set, the BagIt tag-file texts, reading
 * one file of a bundle for the rewrite, and the reader's loader.  Nothing
 * here is part of libexhibit's interface.
 */
#ifndef EXHIBIT_BUNDLE_PRIVATE_H
#define EXHIBIT_BUNDLE_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "exhibit/bundle.h"

#define BUNDLE_CHUNK (1 << 20)
#define BUNDLE_PATH_MAX 1024

#define BUNDLE_BAGIT_TXT \
	"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

/* EX_OK when bag_path may be added by a caller (rules in bundle.h). */
ex_status bundle_path_check(const char *bag_path, ex_error *err);
/* 1 when path (relative to the bag root) is a payload file. */
int bundle_is_payload(const char *path);

/* ---- a set of names compared in ASCII case-insensitive form ---------- */
typedef struct bundle_name {
	char *key;                  /* lower-cased name, NULL: empty slot */
	const char *name;           /* as given (not owned) */
	int is_dir;
	size_t index;               /* the owner's index for the name */
} bundle_name;

typedef struct bundle_names {
	bundle_name *slots;
	size_t cap, count;
} bundle_names;

/* The slot whose name equals name ignoring ASCII case, or NULL. */
bundle_name *bundle_names_find(const bundle_names *set, const char *name,
    size_t len);
/* Add name (the caller keeps name alive as long as the set); -1 on ENOMEM. */
int bundle_names_add(bundle_names *set, const char *name, int is_dir,
    size_t index);
void bundle_names_free(bundle_names *set);

/* ---- BagIt tag files -------------------------------------------------- */
typedef struct bundle_item {
	char *path;                 /* relative to the bag root */
	unsigned char sha256[EX_SHA256_BYTES];
	uint64_t size;
} bundle_item;

/* Check bag-info fields supplied by a caller. */
ex_status bundle_bag_info_check(const ex_bag_field *fields, size_t n,
    ex_error *err);
/* bag-info.txt: fields, Payload-Oxum of the payload items, Bag-Size. */
void bundle_bag_info_text(base_buf *b, const ex_bag_field *fields,
    size_t n, const bundle_item *items, size_t nitems, int bag_size);
/* "sha256  path\n" for the payload items (payload = 1) or the others,
 * sorted by path (byte order). */
ex_status bundle_manifest_text(base_buf *b, const bundle_item *items,
    size_t nitems, int payload, ex_error *err);

/* ---- reading one file of a bundle (read_file.c; copy.c, copy_dir.c) -- */
struct archive;

/*
 * Normalise an archive entry name into buf (empty and "." components
 * dropped) and split it: *top_len is the length of the first component,
 * *rel the rest (NULL when the name is the top component alone).
 * -1 when the name is absolute, has ".." or does not fit; -2 when
 * nothing is left (the archive root).
 */
int bundle_split_name(const char *stored, char *buf, size_t size,
    size_t *top_len, const char **rel);
/* libarchive reading the bundle path, already open at fd as
 * exhibit/fileio.h says: it opens this very file again by name
 * (ex_file_fd_name).  *out is NULL on failure. */
ex_status bundle_read_open(const char *path, int fd, struct archive **out,
    ex_error *err);
/* bundle_archive_error, but "out of memory" when memory ran out. */
ex_status bundle_read_error(struct archive *a, const char *path,
    const char *what, ex_error *err);
/* Read bag_path (at most max bytes) below the folder bundle open at dfd
 * (shown as path), following no link: *data NUL-terminated, owned by the
 * caller; *mtime (may be NULL) its mtime.  EX_ERR_FORMAT when it is
 * missing, not a regular file or too large. */
ex_status bundle_read_dir_file(int dfd, const char *path,
    const char *bag_path, size_t max, char **data, size_t *len,
    int64_t *mtime, ex_error *err);

/* ---- libarchive errors (libarchive.c; reader and writer) ------------ */
struct archive;

/* 1 when libarchive's error is a system one (the disk, permissions), 0
 * for a malformed archive (EILSEQ), misuse (EINVAL) or an unknown one. */
int bundle_archive_sys_error(struct archive *a);
/* libarchive's error text, or fallback when it has none. */
const char *bundle_archive_msg(struct archive *a, const char *fallback);
/* Set err from libarchive's error on path: EX_ERR_NOMEM "<path>: <msg>"
 * when memory ran out, else EX_ERR_IO (a system error) or EX_ERR_FORMAT
 * "<path>: <what>: <msg>" ("unknown error" when libarchive has no text).
 * Returns the status set. */
ex_status bundle_archive_error(struct archive *a, const char *path,
    const char *what, ex_error *err);
/* ---- end of libarchive errors ---------------------------------------- */

/* ---- the reader's loader (reader.c), shared with reader_dir.c ------- */
typedef struct bundle_loader {
	ex_bundle *b;
	ex_bundle_limits lim;
	size_t capentries, capproblems;
	uint64_t kept_total;
	int stopped;                /* a limit was hit: read no more */
	int in_macosx;              /* walking a folder bundle's __MACOSX/ */
	size_t capignored;
	/* Read the next chunk into chunk (BUNDLE_CHUNK bytes).  It is one
	 * of two buffers: bundle_entry_data() hands it to the hasher (BLAKE2b
	 * on a helper thread) and switches chunk to the other one, so the
	 * next read overlaps the digest of the last chunk. */
	unsigned char *chunk;
	unsigned char *chunks[2];
	ex_hasher *hasher;          /* NULL: digests done in this thread */
	/* the entry being read */
	ex_bundle_entry *cur;
	ex_digest digest;
	int keep;
	size_t keepcap;
} bundle_loader;

/* Record a problem; message is "<display of path>: <why>".  Returns
 * EX_OK or EX_ERR_NOMEM. */
ex_status bundle_problem(bundle_loader *L, ex_bundle_problem_kind kind,
    const char *path, ex_error *err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* bundle_problem with the arguments in ap (the raw checks' own
 * problem helpers pass theirs on). */
ex_status bundle_problemv(bundle_loader *L, ex_bundle_problem_kind kind,
    const char *path, ex_error *err, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* Start an entry.  stored is the name as stored; rel the path relative
 * to the bag root (NULL: outside it, then stored is used).  Sets L->cur.
 * Fails only for ENOMEM; when max_entries is reached it records the
 * problem, sets L->stopped and returns EX_OK with L->cur NULL. */
ex_status bundle_entry_begin(bundle_loader *L, const char *stored,
    const char *rel, ex_bundle_entry_type type, int64_t declared,
    ex_error *err);
/* Content bytes of the current entry (digested, maybe kept).  Sets
 * L->stopped when max_total_bytes is exceeded.  buf (normally L->chunk)
 * must not change until the next bundle_entry_data or bundle_entry_end
 * call; when buf is L->chunk, L->chunk is switched to the other buffer. */
ex_status bundle_entry_data(bundle_loader *L, const void *buf, size_t n,
    ex_error *err);
/* Finish the current entry: complete = 1 when its data was read to the
 * end (then the digest is valid and the size is compared). */
ex_status bundle_entry_end(bundle_loader *L, int complete, ex_error *err);
/* Check a name's bytes (non-ASCII, control, backslash): records
 * EX_PROBLEM_NAME against shown. */
ex_status bundle_name_check(bundle_loader *L, const char *name,
    const char *shown, ex_error *err);
/* Load a folder bundle (reader_dir.c). */
ex_status bundle_load_dir(bundle_loader *L, const char *path, ex_error *err);
/* Load a ZIP, tar or ISO 9660 bundle through libarchive, then run the
 * format's raw check (reader_archive.c). */
ex_status bundle_load_archive(bundle_loader *L, const char *path,
    ex_error *err);

/* The longest name (path component) an ISO 9660 bundle holds: what
 * libarchive's Joliet "long" option keeps whole. */
#define BUNDLE_ISO_NAME_MAX 103

/* ---- raw structure checks, run after libarchive has loaded the entries
 * (L->b->entries in container order): each records problems against
 * the entries and returns EX_OK unless memory or the disk fails. */
/* ZIP (reader_zip.c): end records, central directory, local headers. */
ex_status bundle_zip_check(bundle_loader *L, const char *path, ex_error *err);
/* tar (reader_tar.c); end is where libarchive's reading stopped. */
ex_status bundle_tar_check(bundle_loader *L, const char *path, int64_t end,
    ex_error *err);
/* ISO 9660 (reader_iso.c): volume size, primary, Joliet, Rock Ridge. */
ex_status bundle_iso_check(bundle_loader *L, const char *path, ex_error *err);

/* For a cut-short copy: drop the loader's follow-on UNREADABLE and SIZE
 * problems, which the one TRUNCATED problem explains. */
void bundle_drop_damage(bundle_loader *L);

/* Little-endian fields, and pread of exactly n bytes (0, or -1 at EOF or
 * on error) for the raw checks. */
uint32_t bundle_le32(const unsigned char *p);
uint64_t bundle_le64(const unsigned char *p);
int bundle_read_at(int fd, void *buf, size_t n, uint64_t off);
/* n bytes (not NUL-terminated) as they may be shown: control bytes,
 * non-ASCII and '\' as \xHH; truncated to size - 1. */
void bundle_display_n(const unsigned char *p, size_t n, char *buf,
    size_t size);

#endif

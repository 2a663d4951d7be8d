/*
 * writer_private.h — what the bundle writer's files share: the writer
 * itself, the per-container operations (writer_archive.c: ZIP, tar and
 * ISO through libarchive; writer_dir.c: a real folder tree) and the front's
 * helpers they call (writer.c).  Only writer*.c include it.
 */
#ifndef EXHIBIT_BUNDLE_WRITER_PRIVATE_H
#define EXHIBIT_BUNDLE_WRITER_PRIVATE_H

#include <sys/types.h>

#include "bundle/bundle_private.h"

struct archive;
typedef struct bundle_writer_ops bundle_writer_ops;

/*
 * The writer's chunk: small enough that the two chunk buffers cost few
 * fresh pages (a first touch of a page is dear in a virtual machine:
 * 1 MB chunks cost ~500 page faults, tens of ms, per process) and that a
 * chunk is still in the core's cache when the digests and the write read
 * it; large enough that a syscall moves a good many bytes.
 */
#define BUNDLE_WRITE_CHUNK (256 * 1024)

struct ex_bundle_writer {
	ex_container kind;
	const bundle_writer_ops *ops;   /* how this kind is written */
	size_t name_max;            /* longest name component; 0: any */
	char *output;               /* final path */
	char *tmp;                  /* temporary file or folder */
	char *top;                  /* top folder inside a ZIP/tar/ISO */
	int fd;                     /* temporary file (archives) */
	struct archive *a;          /* (archives) */
	int rootfd;                 /* temporary folder (DIR) */
	int outfd;                  /* the file being written (DIR) */
	int64_t mtime;
	ex_bag_field *fields;       /* copies */
	size_t nfields;
	int bag_size;
	bundle_item *items;         /* files written */
	size_t nitems, capitems;
	char **dirs;                /* folders written, parents first */
	size_t ndirs, capdirs;
	bundle_names names;         /* every file and folder name */
	unsigned char *chunk[2];    /* BUNDLE_WRITE_CHUNK each, in turn */
	ex_hasher *hasher;          /* BLAKE2b helper; NULL: none (yet) */
	uint64_t unsynced;          /* bytes not yet sent to disk */
	int failed;                 /* a write failed: only abort/free */
	int sealed;                 /* ex_bundle_seal done: only finish */
	uint64_t bytes;             /* its size, once sealed */
	int finished;
};

/*
 * One container kind (libarchive's format registration in small).  Each
 * operation that fails sets err; those that leave the writer unusable
 * call bundle_writer_fail() first, as the front does.
 */
struct bundle_writer_ops {
	/* Make the temporary beside w->output (w->tmp) and get it ready. */
	ex_status (*open)(ex_bundle_writer *w, ex_error *err);
	/* Write the folder rel (NULL: an archive's top folder). */
	ex_status (*dir)(ex_bundle_writer *w, const char *rel, ex_error *err);
	/* A file of size bytes at rel: begin, its bytes, end. */
	ex_status (*file_begin)(ex_bundle_writer *w, const char *rel,
	    uint64_t size, ex_error *err);
	/* Up to n bytes of the file: how many were written (and handed to
	 * bundle_writer_kick), or <= 0 when the write failed ... */
	ssize_t (*write)(ex_bundle_writer *w, const void *p, size_t n);
	/* ... then this says why (and fails the writer). */
	ex_status (*write_error)(ex_bundle_writer *w, const char *rel,
	    ex_error *err);
	ex_status (*file_end)(ex_bundle_writer *w, const char *rel,
	    ex_error *err);
	/* Take the finished file src_path in at bag_path (checked) without
	 * copying it; NULL: the kind copies (ex_bundle_add_file). */
	ex_status (*move)(ex_bundle_writer *w, const char *bag_path,
	    const char *src_path, ex_digest_result *digest_out,
	    ex_error *err);
	/* Everything is written: make the temporary durable. */
	ex_status (*close)(ex_bundle_writer *w, ex_error *err);
	/* The temporary is now w->output (may be NULL). */
	void (*renamed)(ex_bundle_writer *w);
	/* Release what the kind holds and remove w->tmp if it is set. */
	void (*discard)(ex_bundle_writer *w);
	int is_dir;                 /* the temporary is a folder */
};

extern const bundle_writer_ops bundle_writer_archive;  /* writer_archive.c */
extern const bundle_writer_ops bundle_writer_dir;      /* writer_dir.c */

/* The source of a file's bytes: a descriptor, a buffer or a callback. */
typedef struct bundle_source {
	int fd;                     /* -1 for a buffer or a callback */
	const char *name;
	const unsigned char *buf;
	size_t len;
	ex_bundle_read_fn read;     /* not NULL: read through this */
	void *user;
} bundle_source;

/* Mark the writer failed and remove what it wrote; returns st. */
ex_status bundle_writer_fail(ex_bundle_writer *w, ex_status st);
/* Write the missing parent folders of rel. */
ex_status bundle_writer_parents(ex_bundle_writer *w, const char *rel,
    ex_error *err);
/* Add one file of size bytes from src at rel (already checked). */
ex_status bundle_writer_add(ex_bundle_writer *w, const char *rel,
    bundle_source *src, uint64_t size, ex_digest_result *digest_out,
    ex_error *err);
/* Remember a file now at rel with digest res, for the manifests. */
ex_status bundle_writer_record(ex_bundle_writer *w, const char *rel,
    const ex_digest_result *res, ex_error *err);
/* Start write-back of what fd has gained, every few MB. */
void bundle_writer_kick(ex_bundle_writer *w, int fd, size_t n);

#endif

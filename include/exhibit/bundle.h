/*
 * exhibit/bundle.h — the evidence bundle: a BagIt 1.0 bag (RFC 8493) in a
 * ZIP, tar or ISO 9660 file or a plain folder; a writer that makes one and
 * a reader that loads one for verification without extracting anything.
 *
 * Layout.  A serialised bundle (ZIP, tar, ISO) holds one top-level folder
 * named after the exhibit reference (see ex_bundle_top_name) and the bag
 * inside it.  A folder bundle IS the bag: OUTPUT/bagit.txt, OUTPUT/data/...
 * Paths given to and returned by this module are '/'-separated and
 * relative to the bag root ("data/cam1/master/x.mp4", "manifest.xml").
 *
 * Writer.  ex_bundle_writer_open() refuses an existing OUTPUT and writes
 * under a hidden temporary name in OUTPUT's folder
 * (".<name>.partial-XXXXXX"); ex_bundle_finish() adds the BagIt tag files,
 * syncs and renames it to OUTPUT.  Until then nothing exists at OUTPUT, and
 * ex_bundle_abort() (also done by ex_bundle_writer_free() on an unfinished
 * writer) removes the temporary.  Entries appear in the order added, then
 * bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt.
 * Directory entries are written (0755), each just before the first entry
 * inside it; files are 0644, uid/gid 0, no owner names, mtime = opt->mtime
 * and no other time.  ZIP entries are stored (no compression; Zip64 only
 * for files of 4 GiB and more); tar is restricted pax.  With the same
 * inputs and mtime, ZIP, tar and folder output is byte-identical; ISO never
 * is (volume dates come from the clock).  The writer is not thread-safe;
 * use one per thread.
 *
 * Reader.  ex_bundle_load() detects ZIP/tar/ISO from the content (a folder
 * by being one), visits every entry once, digests every file while reading
 * it in chunks and keeps in memory only small tag-like files.  Structural
 * problems (two top folders, duplicate names, "..", links, devices,
 * encrypted entries, size mismatches, data appended after a ZIP, limits)
 * are collected, each naming its entry, and do not stop loading; only an
 * I/O error (EX_ERR_IO) or input that is not a ZIP/tar/ISO/folder at all
 * (EX_ERR_FORMAT) fails.  In a folder bundle the files desktop systems
 * add (ex_bundle_desktop_file) are listed apart, in bundle->ignored.
 *
 * Ownership: every string and array reachable from an ex_bundle belongs to
 * it and is freed by ex_bundle_free().  Options and limits are read during
 * the call; the writer copies what it keeps (bag-info fields, top name).
 */
#ifndef EXHIBIT_BUNDLE_H
#define EXHIBIT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "exhibit/error.h"
#include "exhibit/hash.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ex_container {
	EX_CONTAINER_ZIP = 1,
	EX_CONTAINER_DIR,
	EX_CONTAINER_TAR,
	EX_CONTAINER_ISO
} ex_container;

/* "zip", "dir", "tar", "iso" to a kind; EX_ERR_USAGE naming the choices. */
ex_status ex_bundle_container_parse(const char *name, ex_container *out,
    ex_error *err);
/* The kind's name ("zip", ...), or "unknown". */
const char *ex_bundle_container_name(ex_container kind);

/* The kind a file name promises by its ending (".zip", ".tar", ".iso", in
 * any case): 1 and *out set, or 0 when the name promises none.  A bundle
 * whose name and content disagree is refused by export and by verify. */
int ex_bundle_container_from_name(const char *path, ex_container *out);

/*
 * The top-level folder name for an exhibit reference: ASCII letters,
 * digits, '-', '_' and '.' are kept, every other byte becomes '_'; a
 * leading '.' becomes '_' (no hidden or "." / ".." folder); an empty
 * reference gives "exhibit"; at most 100 bytes.  Writes a NUL-terminated
 * string to buf (truncated to size - 1) and returns buf.
 */
char *ex_bundle_top_name(const char *exhibit_ref, char *buf, size_t size);

/* ---- writer (writer.c; writer_archive.c, writer_dir.c) ------------------ */

/* One bag-info.txt line, "Label: value".  Labels are printable ASCII
 * without ':'; values have no control characters (a UTF-8 value is fine). */
typedef struct ex_bag_field {
	const char *label;
	const char *value;
} ex_bag_field;

typedef struct ex_bundle_options {
	int64_t mtime;               /* seconds since the epoch, every entry
	                                (SOURCE_DATE_EPOCH or the export time) */
	const ex_bag_field *bag_info; /* written first, in this order; the
	                                writer appends Payload-Oxum itself */
	size_t nbag_info;
	int bag_size;                /* 1: also append Bag-Size ("1.2 MB") */
} ex_bundle_options;

typedef struct ex_bundle_writer ex_bundle_writer;

/*
 * Start a bundle at output.  top names the top-level folder of a ZIP, tar
 * or ISO (made filename-safe with ex_bundle_top_name; ignored for a
 * folder bundle, whose root is output itself).  EX_ERR_EXISTS when
 * output exists, EX_ERR_USAGE for bad options, EX_ERR_IO otherwise.
 */
ex_status ex_bundle_writer_open(const char *output, ex_container kind,
    const char *top, const ex_bundle_options *opt, ex_bundle_writer **out,
    ex_error *err);

/*
 * Copy the regular file src_path into the bundle at bag_path, in chunks,
 * computing SHA-256 and BLAKE2b-512 of exactly the bytes written (stored
 * in *digest_out when not NULL).  bag_path is relative to the bag root;
 * payload goes under "data/", anything else is a tag file (manifest.xml,
 * manifest.xml.minisig, custody.xml, ...) and is listed in the tag
 * manifest.  EX_ERR_USAGE for a bad bag_path: empty, absolute, with "."
 * or ".." or empty components, non-ASCII, control characters or any of
 * \ : * ? " < > | %, a component ending in '.' or ' ', a name already
 * added (also one differing only in ASCII case), a file where a folder is
 * needed or the reverse, or a name the writer makes itself (bagit.txt,
 * bag-info.txt, fetch.txt, [tag]manifest-*.txt).  Such refusals leave the
 * writer usable; a failure while writing (I/O, a source that changed size)
 * makes every later call but abort/free fail.
 */
ex_status ex_bundle_add_file(ex_bundle_writer *w, const char *bag_path,
    const char *src_path, ex_digest_result *digest_out, ex_error *err);
/* The same from memory (buf is not kept). */
ex_status ex_bundle_add_buffer(ex_bundle_writer *w, const char *bag_path,
    const void *buf, size_t len, ex_digest_result *digest_out,
    ex_error *err);

/*
 * The same from a reader: read_fn(user, buf, n) fills buf with up to n
 * bytes and returns how many (0 at the end, -1 with errno set on error).
 * Exactly size bytes must come (more or fewer fails like a source file
 * that changed size).  Nothing is buffered beyond one chunk.
 */
typedef ssize_t (*ex_bundle_read_fn)(void *user, void *buf, size_t n);
ex_status ex_bundle_add_stream(ex_bundle_writer *w, const char *bag_path,
    uint64_t size, ex_bundle_read_fn read_fn, void *user,
    ex_digest_result *digest_out, ex_error *err);

/*
 * Like ex_bundle_add_file, but src_path is a finished file the caller
 * gives up (a staged media file): it is gone afterwards.  A folder bundle
 * takes it by rename when it is on the same file system and has no other
 * name (one read for the digests, no copy; the file gets mode 0644 and
 * opt->mtime and is synced before the rename); otherwise, and for ZIP,
 * tar and ISO, it is copied like ex_bundle_add_file and then removed.
 * The digests are of the bytes read, which are the bundle's bytes: the
 * caller must not change the file during the call.  Errors as for
 * ex_bundle_add_file; after a failure src_path may or may not still exist.
 */
ex_status ex_bundle_add_move(ex_bundle_writer *w, const char *bag_path,
    const char *src_path, ex_digest_result *digest_out, ex_error *err);

/*
 * Write bagit.txt, bag-info.txt, manifest-sha256.txt (every file under
 * data/, sorted by path) and tagmanifest-sha256.txt (every other file,
 * sorted; never data/ and not itself), close, fsync and rename to output
 * (never replacing anything that appeared there meanwhile).  On failure
 * nothing is left at output and the temporary is removed.  The writer
 * must still be freed.
 */
ex_status ex_bundle_finish(ex_bundle_writer *w, ex_error *err);

/*
 * The first half of ex_bundle_finish: every tag file written, the
 * temporary closed and synced, but not yet renamed; *bytes (may be NULL)
 * gets the bundle's size (a ZIP, tar or ISO file's; a folder's files'
 * sum).  Nothing more can be added; ex_bundle_finish then only renames
 * (the export commits its register row between the two).
 */
ex_status ex_bundle_seal(ex_bundle_writer *w, uint64_t *bytes,
    ex_error *err);

/* Stop: remove every temporary file and folder, free, set *w to NULL.
 * Accepts NULL and a finished writer (whose output is kept). */
void ex_bundle_abort(ex_bundle_writer **w);
/* Free (aborting first if unfinished); accepts NULL; sets *w to NULL. */
void ex_bundle_writer_free(ex_bundle_writer **w);

/* ---- reader ------------------------------------------------------------ */

typedef enum ex_bundle_entry_type {
	EX_ENTRY_FILE = 1,
	EX_ENTRY_DIR,
	EX_ENTRY_SYMLINK,
	EX_ENTRY_HARDLINK,
	EX_ENTRY_OTHER              /* device, fifo, socket, unknown */
} ex_bundle_entry_type;

typedef enum ex_bundle_problem_kind {
	EX_PROBLEM_TOP = 1,         /* a second top-level folder or a
	                               non-folder at the top level */
	EX_PROBLEM_DUPLICATE,       /* two entries with one name (also when
	                               they differ only in ASCII case, or a
	                               file is also used as a folder) */
	EX_PROBLEM_ABSOLUTE,        /* name starts with '/' */
	EX_PROBLEM_DOTDOT,          /* a ".." component: leaves the bundle */
	EX_PROBLEM_NAME,            /* non-ASCII, control character, '\' */
	EX_PROBLEM_SYMLINK,
	EX_PROBLEM_HARDLINK,
	EX_PROBLEM_SPECIAL,         /* device, fifo, socket */
	EX_PROBLEM_ENCRYPTED,       /* encrypted ZIP entry */
	EX_PROBLEM_SIZE,            /* bytes read differ from declared size */
	EX_PROBLEM_UNREADABLE,      /* the entry's data could not be read */
	EX_PROBLEM_TRAILING,        /* data before or after the ZIP proper */
	EX_PROBLEM_LIMIT,           /* a limit was hit; loading stopped */
	EX_PROBLEM_AMBIGUOUS,       /* the format states a thing twice and
	                               the two disagree (ZIP local/central
	                               headers, Unicode path fields, Zip64/
	                               classic end records; tar ustar/pax;
	                               ISO 9660/Joliet/Rock Ridge trees):
	                               readers would see different files */
	EX_PROBLEM_FORM,            /* a structure exhibit never writes
	                               (comments, unknown extra fields, a
	                               folder entry with data, ...) */
	EX_PROBLEM_TRUNCATED        /* the file ends before the container
	                               says it does: an incomplete copy */
} ex_bundle_problem_kind;

typedef struct ex_bundle_problem {
	ex_bundle_problem_kind kind;
	char *path;                 /* the entry (as in ex_bundle_entry.path),
	                               or "" for the bundle as a whole */
	char *message;              /* "<path>: <why>", e.g.
	                               "../evil: path leaves the bundle (..)" */
} ex_bundle_problem;

typedef struct ex_bundle_entry {
	/* Relative to the bag root (the top folder of a ZIP/tar/ISO), '/'-
	 * separated, "." and empty components removed, no trailing '/'.
	 * For an entry outside the top folder (flagged EX_PROBLEM_TOP,
	 * outside = 1), absolute or with "..", the whole name as stored. */
	char *path;
	char *stored_name;          /* exactly as in the container */
	ex_bundle_entry_type type;
	int outside;                /* 1: not inside the bag root */
	int64_t declared_size;      /* from the header/stat; -1 if none */
	uint64_t size;              /* bytes actually read */
	ex_digest_result digest;    /* of the bytes read (files only) */
	int digested;               /* 1 when digest is valid (whole file
	                               read without error) */
	char *link_target;          /* symlink or hard link target, or NULL */
	/* Content kept in memory (NUL-terminated; content_len excludes the
	 * NUL) for files of at most limits->keep_max bytes that are tag-like:
	 * every file outside data/, and under data/ files whose name ends in
	 * .minisig, .pub, .txt or .xml.  NULL otherwise. */
	unsigned char *content;
	size_t content_len;
} ex_bundle_entry;

typedef struct ex_bundle_limits {
	uint64_t max_entries;       /* default 100000 */
	uint64_t max_total_bytes;   /* of content read; default 1 TiB */
	size_t keep_max;            /* per kept file; default 16 MiB */
	uint64_t keep_total_max;    /* all kept content; default 256 MiB */
} ex_bundle_limits;

/* Fill limits with the defaults above. */
void ex_bundle_limits_default(ex_bundle_limits *limits);

/* A file that a desktop system adds to a folder it shows, left out of a
 * folder bundle's entries (see ex_bundle_desktop_file). */
typedef struct ex_bundle_ignored {
	char *path;                 /* relative to the bag root */
	const char *origin;         /* static: "added by macOS Finder", ... */
} ex_bundle_ignored;

typedef struct ex_bundle {
	ex_container kind;          /* what the content turned out to be */
	char *top;                  /* the top folder's name (for a folder
	                               bundle: its base name) */
	ex_bundle_entry *entries;   /* in container order (folder: sorted) */
	size_t nentries;
	ex_bundle_problem *problems; /* in the order found */
	size_t nproblems;
	ex_bundle_ignored *ignored; /* folder bundles only: desktop files
	                               left out of entries, never opened */
	size_t nignored;
	uint64_t total_bytes;       /* content bytes read */
	struct ex_bundle_index *index; /* private: path lookup for find */
} ex_bundle;

/*
 * The metadata files that desktop systems add to a folder they show, which
 * a FOLDER bundle tolerates (a ZIP, tar or ISO never: there each is an
 * entry no signature covers).  rel is a bag path, is_dir whether it is a
 * folder; the caller has already seen (without following links) that it
 * is a regular file with one name, or a folder.  Returns who adds it, a
 * static phrase ("added by macOS Finder"), or NULL when it is none:
 *   a file named exactly .DS_Store (macOS Finder), Thumbs.db or
 *   desktop.ini (Windows Explorer), or ._NAME (AppleDouble, macOS), in
 *   any folder;
 *   the folder __MACOSX at the bag root (macOS's unzip) and the folders
 *   inside it, and inside it only files named ._NAME or .DS_Store.
 * Nothing else: other names under __MACOSX/, other cases of the names,
 * links and special files are not ignored.  ex_bundle_load applies it to
 * folder bundles: such entries are listed in bundle->ignored, never read,
 * and verify names them; a path the manifest lists that is ignored reads
 * as missing, so a signed file is never skipped.
 */
const char *ex_bundle_desktop_file(const char *rel, int is_dir);

/*
 * Whether the folder at path is not itself a bundle but holds bundles one
 * level down (`exhibit verify .` from the folder an unpacked bundle or a
 * ZIP sits in).  It is a bundle, and *n is 0, when any of bagit.txt,
 * bag-info.txt, manifest.xml, manifest.xml.minisig, custody.xml,
 * manifest-sha256.txt, tagmanifest-sha256.txt or data is at its top, of
 * whatever type (so a bundle that lost some of them is still verified as
 * one, and fails).  Otherwise *names gets the sorted names of what it
 * holds that is a bundle: a folder (not a link) with a regular bagit.txt
 * or manifest.xml at its top, or a regular file (not a link) named .zip,
 * .tar or .iso in any case.  *names is a new array of new strings (free
 * each, then the array); NULL and 0 when there are none, also when path
 * is not a folder or cannot be read (ex_bundle_load then says why).
 * EX_ERR_NOMEM only.
 */
ex_status ex_bundle_held(const char *path, char ***names, size_t *n,
    ex_error *err);

/* Load path (limits may be NULL for the defaults).  See the top of file. */
ex_status ex_bundle_load(const char *path, const ex_bundle_limits *limits,
    ex_bundle **out, ex_error *err);
void ex_bundle_free(ex_bundle **bundle);

/* The entry at a bag path inside the bag root (the first, if duplicated),
 * or NULL.  Takes O(log n). */
const ex_bundle_entry *ex_bundle_find(const ex_bundle *bundle,
    const char *path);
/*
 * Check the bag as loaded, against the BagIt files it carries:
 * bagit.txt is exactly "BagIt-Version: 1.0\nTag-File-Character-Encoding:
 * UTF-8\n"; manifest-sha256.txt lists every file under data/ exactly once
 * with its SHA-256 and nothing else; tagmanifest-sha256.txt lists every
 * other file (but itself) with its SHA-256 and nothing under data/;
 * bag-info.txt's Payload-Oxum equals the payload's octets.count; and
 * both manifests are exactly as the writer makes them (lower-case hex,
 * two spaces, sorted by path, LF line ends, nothing else).  Each
 * failure becomes one message "<path>: <why>" in *problems (a new array
 * of new strings: free each, then the array; NULL and 0 when the bag is
 * right).  Only EX_ERR_NOMEM fails.  Uses the digests ex_bundle_load
 * computed; reads nothing.
 */
ex_status ex_bundle_check_bag(const ex_bundle *bundle, char ***problems,
    size_t *nproblems, ex_error *err);

/*
 * The bag-info.txt fields of an exhibit, made from what its signed
 * manifest records, so that bag-info.txt says nothing unsigned: export
 * writes exactly these and verify requires exactly these (then
 * Payload-Oxum, nothing else):
 *   Source-Organization: <organisation, else the operator>
 *   Contact-Name: <operator>
 *   External-Identifier: <exhibit reference>
 *   External-Description: CCTV evidence, case <case>, exhibit <exhibit>
 *   Bagging-Date: <the export time's UTC date, YYYY-MM-DD>
 *   Bag-Software-Agent: exhibit <tool version>
 * organisation may be NULL.  *fields is a new array of new strings (free
 * with ex_bundle_bag_info_free); EX_ERR_NOMEM only.
 */
ex_status ex_bundle_exhibit_bag_info(const char *organisation,
    const char *operator_name, const char *case_ref, const char *exhibit_ref,
    int64_t export_time_usec, const char *tool_version, ex_bag_field **fields,
    size_t *nfields, ex_error *err);

/*
 * Require bag-info.txt to be exactly the given fields ("Label: value"
 * lines in this order) followed by the payload's Payload-Oxum, as the
 * writer makes it.  *problem is NULL when it is, else a new string
 * "bag-info.txt: <why>" naming the first line that differs.
 * EX_ERR_NOMEM only.
 */
ex_status ex_bundle_check_bag_info(const ex_bundle *bundle,
    const ex_bag_field *fields, size_t nfields, char **problem,
    ex_error *err);

/* "file", "dir", "symlink", "hardlink", "other". */
const char *ex_bundle_entry_type_name(ex_bundle_entry_type type);

/* ---- rewriting a bundle (read_file.c, bag_info.c, copy.c, copy_dir.c) - */

/*
 * These serve jobs that change a finished bundle's tag files (custody add)
 * without touching its payload.  They expect a bundle that was loaded and
 * checked first (ex_bundle_load/ex_verify) and refuse anything unusual
 * (links, special files, continuation lines) rather than guess.
 */

/* New content for one file of a bundle (data is not kept). */
typedef struct ex_bundle_replacement {
	const char *path;            /* bag path of a file the bundle has */
	const void *data;
	size_t len;
} ex_bundle_replacement;

/* Called with every file copied into the new bundle, replacements too,
 * with the digest of the bytes written; anything but EX_OK stops the
 * copy with that error (the new bundle is abandoned). */
typedef ex_status (*ex_bundle_copy_check)(void *user, const char *bag_path,
    const ex_digest_result *digest, ex_error *err);

/*
 * Read one small file of the bundle at path (a ZIP, tar or ISO: by
 * walking the entry headers and skipping the other entries' data, which
 * costs a seek for ZIP and tar; a folder: the file itself, no links
 * followed) into *data (malloc'd, NUL-terminated, *len without the NUL).
 * *mtime (if not NULL) gets the entry's modification time.  Both the
 * bundle and a folder bundle's file are opened as exhibit/fileio.h says
 * (never waiting on a FIFO).  EX_ERR_FORMAT when the file is missing, not
 * a regular file or larger than max bytes; EX_ERR_UNSUPPORTED when the
 * bundle is neither a folder nor a regular file; EX_ERR_IO when it cannot
 * be read.
 */
ex_status ex_bundle_read_file(const char *path, const char *bag_path,
    size_t max, char **data, size_t *len, int64_t *mtime, ex_error *err);

/*
 * Parse bag-info.txt as the writer makes it ("Label: value" lines) into
 * fields for ex_bundle_options, leaving out the lines the writer computes:
 * Payload-Oxum, and Bag-Size (*bag_size = 1 when present).  With the same
 * payload the writer then makes the same bag-info.txt again.
 * EX_ERR_UNSUPPORTED for a continuation line or a line without ": ".
 * Free with ex_bundle_bag_info_free().
 */
ex_status ex_bundle_bag_info_parse(const char *text, size_t len,
    ex_bag_field **fields, size_t *nfields, int *bag_size, ex_error *err);
/* Free fields from ex_bundle_bag_info_parse; accepts NULL; *fields = NULL. */
void ex_bundle_bag_info_free(ex_bag_field **fields, size_t nfields);

/*
 * Copy the ZIP, tar or ISO bundle at src into w (opened with the same
 * top folder and mtime, and bag-info fields from
 * ex_bundle_bag_info_parse): every file, streamed in chunks, in the
 * order src holds them, except folders (the writer makes each just
 * before the first file in it, as when the bundle was made) and the BagIt
 * files the writer makes itself at finish (bagit.txt, bag-info.txt,
 * manifest-*.txt, tagmanifest-*.txt).  A file named in repl is written
 * with the replacement bytes in its place.  check (may be NULL) sees
 * every file written.  EX_ERR_FORMAT when src holds something other than
 * files and folders under one top folder, or a replacement's file is not
 * in it; the writer is then unusable (abort it).  Does not finish w.
 */
ex_status ex_bundle_copy(const char *src, ex_bundle_writer *w,
    const ex_bundle_replacement *repl, size_t nrepl,
    ex_bundle_copy_check check, void *user, ex_error *err);

/*
 * Replace files of the folder bundle at dir atomically: a sibling folder
 * ".<name>.rewrite-XXXXXX" is made with the same folders (mode and
 * mtime), a hard link to every file of dir except the replaced ones
 * (written new, keeping the old file's mtime) and tagmanifest-sha256.txt
 * (the old one with the replaced files' lines updated; each replaced file
 * must be listed there); then the two folders are swapped with
 * renameat2(RENAME_EXCHANGE), the only moment dir changes, and the old
 * tree is removed.  The payload and every other file keep their inodes,
 * so they are byte-identical by construction.  The replaced paths must
 * be outside data/.  check (may be NULL) sees each replaced file and the
 * new tag manifest.  On any failure before the swap dir is untouched and
 * the sibling is removed.  EX_ERR_UNSUPPORTED when the file system
 * cannot hard-link or exchange (e.g. FAT, some network file systems).
 */
ex_status ex_bundle_dir_replace(const char *dir,
    const ex_bundle_replacement *repl, size_t nrepl,
    ex_bundle_copy_check check, void *user, ex_error *err);

#ifdef __cplusplus
}
#endif

#endif

/*
 * segindex.h — the segment index: what probing each recorder file learnt,
 * kept in an SQLite database under $XDG_CACHE_HOME/exhibit/ (else
 * $HOME/.cache/exhibit/) so that a later scan or export need not open the
 * file again.  Never inside the archive.  Private to libexarchive.
 *
 * A row is keyed by the file's path (absolute, as ex_segment.path) and is
 * fresh only while the file's size, modification time, change time (both
 * to the nanosecond), inode and device are those it was probed with: a
 * file rewritten in place, even at the same size, is probed again.  Hard
 * links are different paths, so different rows.
 *
 * The index only guides.  Every failure of the index itself is a note
 * (a sentence for a warning), never an error: a damaged file is removed
 * and made anew ("rebuilt"), a folder that cannot be written means no
 * index (archive_index_open gives NULL and a note), a database busy with
 * another exhibit beyond the wait is skipped for this batch.  Two exhibit
 * processes may use one index at once (WAL journal, busy timeout).
 *
 * Threads: one archive_index is used by one thread at a time.
 */
#ifndef EXHIBIT_ARCHIVE_SEGINDEX_H
#define EXHIBIT_ARCHIVE_SEGINDEX_H

#include <stdint.h>
#include <sys/stat.h>

#include "exhibit/archive.h"
#include "exhibit/error.h"

typedef struct archive_index archive_index;

/* The version of what archive_probe_segment (probe.c) learns.  The index
 * keeps it in every row; a row written under another version is not
 * fresh.  Bump it whenever probe.c's results change for the same file. */
#define ARCHIVE_PROBE_VERSION 1

/* The most streams a row may hold (FFmpeg's own default max_streams): a
 * file with more is not kept, a row claiming more is not fresh. */
#define ARCHIVE_INDEX_MAX_STREAMS 1000

/* What identifies one version of a file (from stat(2), links followed). */
typedef struct archive_file_key {
	int64_t size;
	int64_t mtime_ns, ctime_ns;       /* seconds * 1e9 + nanoseconds */
	uint64_t ino, dev;
} archive_file_key;

/* What a probe gives beyond the segment's own fields (see
 * archive_probe_segment in archive_private.h), in microseconds. */
typedef struct archive_probe_times {
	int64_t first_offset, length, last_offset;
	ex_instant created;               /* or EX_INSTANT_NONE */
} archive_probe_times;

/* The key of the file at path (stat, following links).  0, or -1 with
 * errno. */
int archive_file_key_of(const char *path, archive_file_key *key);
/* The same from a stat(2) result. */
void archive_file_key_from(const struct stat *sb, archive_file_key *key);

/*
 * Open (create) the index.  file: the database to use, or NULL for the
 * default ($XDG_CACHE_HOME/exhibit/segments.sqlite, $XDG_CACHE_HOME unset
 * or not absolute: $HOME/.cache/...; the folders are made, mode 0700).
 * Always returns EX_OK, except EX_ERR_NOMEM: *out is the index, or NULL
 * when none can be used; *note (malloc'd, the caller's) is NULL or a
 * sentence for the operator ("segment index /x/segments.sqlite was damaged
 * (file is not a database) and has been rebuilt", "no segment index:
 * cannot make /x: Read-only file system").  A database written by a newer
 * exhibit (its schema version is higher) is left alone: NULL and a note;
 * one of an older schema is emptied and made anew.  A symbolic link at
 * file is not followed (no index, a note).
 */
ex_status archive_index_open(const char *file, archive_index **out,
    char **note, ex_error *err);
/* Commits what is pending and closes.  Accepts NULL; sets *ix to NULL. */
void archive_index_close(archive_index **ix);
/* The database's path (borrowed). */
const char *archive_index_path(const archive_index *ix);

/*
 * The facts kept for path if its row is fresh for key: 1 with the probe
 * fields of seg (state, problem, refused, container, codec, width,
 * height, fps, frames, keyframes, vfr, streams, signatures, size) and
 * *times (if not NULL) filled; seg->problem and seg->streams are replaced
 * (the old ones freed) by malloc'd copies, as probe.c makes them.  0 when
 * there is no fresh row, or the row is not one this exhibit wrote (every
 * column is checked: types, lengths, ranges): seg untouched.  -1 only for
 * out of memory (seg untouched).  Any trouble with the database is 0, and
 * a damaged database is rebuilt (the note is kept for
 * archive_index_take_note).
 */
int archive_index_get(archive_index *ix, const char *path,
    const archive_file_key *key, ex_segment *seg, archive_probe_times *times);

/*
 * Keep what probing seg (at seg->path, with key taken before the probe)
 * learnt (times may be NULL: zeros, no creation time).  Rows are
 * written in batches: a transaction (BEGIN IMMEDIATE, which holds the
 * database's one write lock) is begun on the first put and committed by
 * archive_index_commit (or close), so commit often (every few hundred
 * rows or every second) when another exhibit may be writing too: it
 * waits at most 5 s for the lock, then drops its batch.  Trouble with the
 * database is not reported (the index only guides) beyond a note; a batch
 * that cannot be written is dropped whole, later puts of it too, until
 * the next commit.  Gets, too, read in one transaction (one snapshot,
 * half the cost of a get on its own) from the first get to the next
 * commit or put: commit between a scan's phases, so that the snapshot
 * is not held while probing (it keeps other exhibits' journal from
 * being folded back into the database).
 */
void archive_index_put(archive_index *ix, const ex_segment *seg,
    const archive_file_key *key, const archive_probe_times *times);
void archive_index_commit(archive_index *ix);

/* A note that arose since open (damage found later, a busy database):
 * malloc'd, the caller's; NULL when none. */
char *archive_index_take_note(archive_index *ix);

/* --- one row (segindex_row.c), for segindex.c only -------------------- */

struct sqlite3_stmt;
struct base_buf;

/* The table (CREATE TABLE), the lookup (?1: the path) and the insert. */
extern const char archive_index_schema[];
extern const char archive_index_select[];
extern const char archive_index_insert[];

/* The row q stands on (from archive_index_select), if it is fresh for key
 * and one this exhibit writes: 1 with the probe fields in t (zeroed by
 * the caller; t->problem and t->streams malloc'd, the caller's even when
 * the result is not 1) and *tm; 0 when it is not; -1 out of memory. */
int archive_index_row_take(struct sqlite3_stmt *q,
    const archive_file_key *key, ex_segment *t, archive_probe_times *tm);
/* Move t's probe fields (and allocations) into seg, freeing seg's old
 * problem and streams. */
void archive_index_row_give(ex_segment *seg, ex_segment *t);
/* Bind seg's row to q (archive_index_insert); streams is a buffer for
 * the streams column, which must live until q is stepped.  SQLITE_OK or
 * an SQLite error (SQLITE_NOMEM). */
int archive_index_row_bind(struct sqlite3_stmt *q, const ex_segment *seg,
    const archive_file_key *key, const archive_probe_times *tm,
    struct base_buf *streams);

#endif

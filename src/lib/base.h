/*
 * base.h — the base layer under every module of the library (libexcore):
 * the one string buffer, the one array growth, the one out-of-memory
 * error, the one tree removal, the one sibling temporary name and the one
 * way FFmpeg is allowed to open a recorder's file.  Not installed.
 *
 * Names.  The public API (include/exhibit/) is ex_*.  Everything shared
 * between files but not public is named after where it lives: base_* here,
 * archive_*, bundle_*, media_*, evidence_*, report_*, export_* in each
 * module's *_private.h.  A name that starts ex_ is public.
 *
 * Ownership (the rule every _free, _take and out-parameter follows):
 *   - Whoever gets a pointer from a function named *_new, *_take, *_dup,
 *     *_open, *_load or through an out-parameter owns it and releases it
 *     with the matching *_free / *_close (free() for a plain char *).
 *   - Every *_free and *_close accepts NULL and does nothing with it.
 *     Those that take a pointer to the pointer (T **) also set it to NULL.
 *   - A const pointer in a result is borrowed: it lives as long as the
 *     object it came from and is never freed by the caller.
 *   - On failure a function leaves its out-parameters NULL (or unchanged
 *     where its header says so) and owns nothing it allocated.
 */
#ifndef EXHIBIT_BASE_H
#define EXHIBIT_BASE_H

#include <stdarg.h>
#include <stddef.h>

#include "exhibit/error.h"

/* ---- out of memory ------------------------------------------------------
 * The one message for a failed allocation: sets err to EX_ERR_NOMEM
 * "out of memory" and returns EX_ERR_NOMEM. */
ex_status base_nomem(ex_error *err);

/* ---- array growth -------------------------------------------------------
 * Make room for at least `need` elements of `size` bytes in *ptr, whose
 * room is *cap elements: doubling from `first` (when *cap is 0), checked
 * against size_t overflow.  0 on success (*ptr and *cap updated), -1 with
 * *ptr and *cap unchanged when memory is short or the size overflows. */
int base_grow(void *ptr, size_t *cap, size_t need, size_t size,
    size_t first);

/* BASE_GROW(arr, cap, need): base_grow for an array of *arr's type. */
#define BASE_GROW(arr, cap, need) \
	base_grow(&(arr), &(cap), (need), sizeof(*(arr)), 16)

/* ---- the string buffer --------------------------------------------------
 * A growing NUL-terminated byte string (curl's dynbuf).  Start it zeroed
 * (BASE_BUF_INIT).  An allocation failure is remembered: later appends do
 * nothing and base_buf_failed() is true, so a writer appends freely and
 * checks once at the end. */
typedef struct base_buf {
	char *data;             /* NUL-terminated once anything is added */
	size_t len, cap;
	int failed;             /* an allocation failed */
} base_buf;

#define BASE_BUF_INIT { NULL, 0, 0, 0 }

void base_buf_add(base_buf *b, const void *p, size_t n);
void base_buf_adds(base_buf *b, const char *s);
void base_buf_addc(base_buf *b, char c);
void base_buf_printf(base_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void base_buf_vprintf(base_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Shorten to len bytes (len <= b->len). */
void base_buf_truncate(base_buf *b, size_t len);
int base_buf_failed(const base_buf *b);
/* EX_OK, or base_nomem(err) when an append failed. */
ex_status base_buf_status(const base_buf *b, ex_error *err);
/* The string, owned by the caller ("" when nothing was added); NULL when
 * an append failed.  The buffer is empty again either way. */
char *base_buf_take(base_buf *b);
void base_buf_free(base_buf *b);

/* ---- files ----------------------------------------------------------- */

/* Remove path and everything below it without following symbolic links
 * (a link is removed, not its target).  Missing entries are no error.
 * 0, or -1 with errno from the first entry that could not be removed. */
int base_remove_tree(const char *path);

/* Create a temporary file (mkstemp) or folder (mkdtemp) beside path, named
 * ".<name>.<tag>-XXXXXX" (exhibit/fileio.h: ex_file_sibling_template), so
 * that a rename onto path stays on one file system.  The name is returned
 * in *tmp (owned by the caller); a file's descriptor in *fdp (opened
 * O_RDWR, mode 0600).  On failure err names path and the reason. */
ex_status base_sibling_file(const char *path, const char *tag, char **tmp,
    int *fdp, ex_error *err);
ex_status base_sibling_dir(const char *path, const char *tag, char **tmp,
    ex_error *err);

/* exhibit's folder under $var (an absolute path), else under
 * $HOME/home_below: "$XDG_DATA_HOME/exhibit", "~/.local/share/exhibit".
 * Made with its missing parents (mode 0700).  EX_ERR_USAGE when neither
 * is set to an absolute path, EX_ERR_IO when it cannot be made. */
ex_status base_exhibit_dir(const char *var, const char *home_below,
    char **dir, ex_error *err);

#endif

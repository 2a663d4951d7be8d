/*
 * exhibit/fileio.h — opening an input file so that it cannot make exhibit
 * wait or read the wrong kind of thing.
 *
 * Every file exhibit reads as input (a bundle, a file inside a folder
 * bundle, a key or signature file, the passphrase file, a recorder segment
 * or index) is opened with ex_file_open(): looked at first (a FIFO, a
 * device or a socket is refused without being opened at all), then opened
 * with O_NONBLOCK (so one swapped in meanwhile cannot block the open),
 * checked with fstat() to be a regular file, and the very file that was
 * looked at, before a byte is read; O_NONBLOCK is then cleared.
 */
#ifndef EXHIBIT_FILEIO_H
#define EXHIBIT_FILEIO_H

#include <stddef.h>
#include <sys/stat.h>

#include "exhibit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EX_FILE_NOFOLLOW 0x1u   /* a symbolic link as the last component
                                   is refused, not followed */
#define EX_FILE_DIR      0x2u   /* a folder is accepted too (opened
                                   O_DIRECTORY) */

/*
 * Open path (relative to the folder dirfd, or AT_FDCWD) read-only as
 * above.  On EX_OK *fdp is the open descriptor (the caller closes it) and
 * *sb (if not NULL) its fstat().  On failure *fdp is -1 and err holds
 * "<shown>: <why>" (shown NULL: path; shown "": the why alone), the why
 * being one of
 *   "not a regular file (a FIFO)" (or a folder, a character device, a
 *     block device, a socket, a symbolic link): EX_ERR_UNSUPPORTED;
 *   "changed while it was opened": EX_ERR_IO;
 *   strerror(errno) when it cannot be looked at or opened (no such file,
 *     no permission, a link loop): EX_ERR_IO (EX_ERR_NOMEM for ENOMEM).
 * errno is then that of the call that failed, or 0 for the first two.
 */
ex_status ex_file_open(int dirfd, const char *path, unsigned flags,
    const char *shown, int *fdp, struct stat *sb, ex_error *err);

/*
 * A mkstemp()/mkdtemp() template for a temporary name beside path, hidden
 * and named after it: "dir/.base.TAG-XXXXXX" for "dir/base" (malloc'd;
 * NULL when out of memory).  Outputs are made under such a name and
 * renamed or linked into place only when complete, so an interrupted job
 * leaves nothing at path.
 */
char *ex_file_sibling_template(const char *path, const char *tag);

/* The kind of file a mode describes, with its article: "a regular file",
 * "a folder", "a FIFO", "a character device", "a block device",
 * "a socket", "a symbolic link", "an unknown kind of file". */
const char *ex_file_kind(mode_t mode);

/*
 * A name that opens again exactly the file open at fd, for a library that
 * takes names only (libavformat): "/proc/self/fd/N" in buf when that names
 * the same file, else fallback (no /proc: the path it was opened by).
 */
const char *ex_file_fd_name(int fd, const char *fallback, char *buf,
    size_t size);

#ifdef __cplusplus
}
#endif

#endif

/*
 * reader_tar.c — the raw tar structures behind libarchive's reading.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle_private.h"

/*
 * tar: after the end-of-archive marker (at end, where libarchive stopped)
 * only zero padding may follow; a second archive appended there would be
 * invisible to us and visible to another tool.
 */
ex_status
bundle_tar_check(bundle_loader *L, const char *path, int64_t end,
    ex_error *err)
{
	uint64_t off = end > 0 ? (uint64_t)end : 0;
	ssize_t n, i;
	ex_status s = EX_OK;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ex_error_errno(err, "%s", path);
	for (;;) {
		n = pread(fd, L->chunk, BUNDLE_CHUNK, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s = ex_error_errno(err, "%s", path);
			break;
		}
		if (n == 0)
			break;
		for (i = 0; i < n && L->chunk[i] == 0; i++)
			;
		if (i < n) {
			s = bundle_problem(L, EX_PROBLEM_TRAILING, "", err,
			    "data after the end of the tar archive (at byte "
			    "%llu)", (unsigned long long)(off + (uint64_t)i));
			break;
		}
		off += (uint64_t)n;
	}
	close(fd);
	return s;
}

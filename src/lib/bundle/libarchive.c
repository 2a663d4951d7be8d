/*
 * libarchive.c — the bundle module's one mapping of a libarchive error to
 * an ex_error (reader, writer): out of memory, a system error (the disk,
 * permissions) or a malformed archive.
 */
#include "config.h"

#include <errno.h>

#include <archive.h>

#include "bundle/bundle_private.h"

/*
 * Is libarchive's error a system one (the disk, permissions) rather than
 * a malformed archive?  libarchive reports format errors as EILSEQ
 * (ARCHIVE_ERRNO_FILE_FORMAT on Linux), misuse as EINVAL and others as -1.
 */
int
bundle_archive_sys_error(struct archive *a)
{
	int e = archive_errno(a);

	return e > 0 && e != EILSEQ && e != EINVAL;
}

const char *
bundle_archive_msg(struct archive *a, const char *fallback)
{
	const char *msg = archive_error_string(a);

	return msg != NULL ? msg : fallback;
}

ex_status
bundle_archive_error(struct archive *a, const char *path, const char *what,
    ex_error *err)
{
	const char *msg = bundle_archive_msg(a, "unknown error");

	if (archive_errno(a) == ENOMEM)
		return ex_error_set(err, EX_ERR_NOMEM, "%s: %s", path, msg);
	return ex_error_set(err, bundle_archive_sys_error(a) ? EX_ERR_IO :
	    EX_ERR_FORMAT, "%s: %s: %s", path, what, msg);
}

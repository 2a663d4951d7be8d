/*
 * reader_iso.c — the raw ISO 9660 structures behind libarchive's reading.
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

ex_status
bundle_iso_check(bundle_loader *L, const char *path, ex_error *err)
{
	(void)L;
	(void)path;
	(void)err;
	return EX_OK;
}

/*
 * scratch.h — a scratch folder for a unit test file: made under the
 * current directory (the build tree), listed, removed with everything in
 * it.  Header-only (static inline functions) for the cmocka tests; include after
 * the system headers.
 */
#ifndef EXHIBIT_TEST_SCRATCH_H
#define EXHIBIT_TEST_SCRATCH_H

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline int
scratch_rm_one(const char *p, const struct stat *st, int flag,
    struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* "<cwd>/<name>.XXXXXX" made into dir (size bytes); 0, or -1. */
static inline int
scratch_make(char *dir, size_t size, const char *name)
{
	char cwd[4096];

	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    (size_t)snprintf(dir, size, "%s/%s.XXXXXX", cwd, name) >= size)
		return -1;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* Remove dir and everything under it (links are not followed). */
static inline void
scratch_remove(const char *dir)
{
	(void)nftw(dir, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Names in a folder, sorted, joined by ' ' (for "what is left here");
 * "?" when it cannot be read; the result lives until the next call. */
static inline const char *
scratch_listing(const char *dir)
{
	static char out[4096];
	struct dirent **names;
	int n, i;

	out[0] = '\0';
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return "?";
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 &&
		    strcmp(names[i]->d_name, "..") != 0) {
			size_t o = strlen(out);

			snprintf(out + o, sizeof(out) - o, "%s%s",
			    o > 0 ? " " : "", names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return out;
}

#endif

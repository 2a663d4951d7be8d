/*
 * fuzz_common.h — what the libFuzzer targets share: a private scratch
 * folder under $TMPDIR (made once per process) and writing an input to a
 * file in it,
 * for the parsers that take a path.  See README.md.
 */
#ifndef EXHIBIT_FUZZ_COMMON_H
#define EXHIBIT_FUZZ_COMMON_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char fuzz_dir[4096];

/* The scratch folder, made on first use (removed by the OS's tmp cleaning
 * or by run.sh; a fuzzing process may be killed at any moment). */
static inline const char *
fuzz_scratch(void)
{
	if (fuzz_dir[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/exhibit-fuzz-XXXXXX",
		    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
	}
	return fuzz_dir;
}

/* Write data to <scratch>/name with the given mode; returns the path
 * (static storage). */
static inline const char *
fuzz_write(const char *name, const uint8_t *data, size_t size, mode_t mode)
{
	static char path[4200];
	size_t done = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_scratch(), name);
	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		abort();
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	if (close(fd) != 0)
		abort();
	return path;
}

/* A NUL-terminated copy of data (the caller frees it). */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif

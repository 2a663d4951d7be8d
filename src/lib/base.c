/*
 * base.c — the base layer (base.h): out-of-memory errors, array growth,
 * the string buffer, tree removal and sibling temporary names.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "exhibit/fileio.h"

ex_status
base_nomem(ex_error *err)
{
	return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
}

int
base_grow(void *ptr, size_t *cap, size_t need, size_t size, size_t first)
{
	void **pp = ptr;
	size_t n = *cap != 0 ? *cap : (first != 0 ? first : 1);
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			goto big;
		n *= 2;
	}
	if (size != 0 && n > SIZE_MAX / size)
		goto big;
	if ((p = realloc(*pp, n * size)) == NULL)
		return -1;
	*pp = p;
	*cap = n;
	return 0;
big:
	errno = ENOMEM;
	return -1;
}

/* ---- the string buffer ------------------------------------------------ */

/* Room for n more bytes and the NUL. */
static int
buf_room(base_buf *b, size_t n)
{
	if (b->failed)
		return -1;
	if (n > SIZE_MAX - b->len - 1 ||
	    base_grow(&b->data, &b->cap, b->len + n + 1, 1, 256) != 0) {
		b->failed = 1;
		return -1;
	}
	return 0;
}

void
base_buf_add(base_buf *b, const void *p, size_t n)
{
	if (buf_room(b, n) != 0)
		return;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
base_buf_adds(base_buf *b, const char *s)
{
	base_buf_add(b, s, strlen(s));
}

void
base_buf_addc(base_buf *b, char c)
{
	base_buf_add(b, &c, 1);
}

void
base_buf_vprintf(base_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (b->failed)
		return;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (buf_room(b, (size_t)n) != 0)
		return;
	vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

void
base_buf_printf(base_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	base_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
base_buf_truncate(base_buf *b, size_t len)
{
	if (b->data != NULL && len <= b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

int
base_buf_failed(const base_buf *b)
{
	return b->failed;
}

ex_status
base_buf_status(const base_buf *b, ex_error *err)
{
	return b->failed ? base_nomem(err) : EX_OK;
}

char *
base_buf_take(base_buf *b)
{
	char *s = b->data;

	if (b->failed) {
		base_buf_free(b);
		return NULL;
	}
	if (s == NULL)
		s = strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void
base_buf_free(base_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

/* ---- files ------------------------------------------------------------ */

static _Thread_local int remove_errno;

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	int rc;

	(void)st;
	(void)ftw;
	rc = flag == FTW_DP ? rmdir(path) : unlink(path);
	if (rc != 0 && errno != ENOENT && remove_errno == 0)
		remove_errno = errno;
	return 0;       /* go on: remove as much as can be removed */
}

int
base_remove_tree(const char *path)
{
	remove_errno = 0;
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 &&
	    errno != ENOENT && remove_errno == 0)
		remove_errno = errno;
	if (remove_errno != 0) {
		errno = remove_errno;
		return -1;
	}
	return 0;
}

static ex_status
sibling(const char *path, const char *tag, int dir, char **tmp, int *fdp,
    ex_error *err)
{
	char *t;
	int fd = -1;

	*tmp = NULL;
	if ((t = ex_file_sibling_template(path, tag)) == NULL)
		return base_nomem(err);
	if (dir ? mkdtemp(t) == NULL : (fd = mkstemp(t)) < 0) {
		ex_status st = ex_error_errno(err, "%s: cannot make a "
		    "temporary %s beside it", path, dir ? "folder" : "file");

		free(t);
		return st;
	}
	if (fdp != NULL)
		*fdp = fd;
	*tmp = t;
	return EX_OK;
}

ex_status
base_sibling_file(const char *path, const char *tag, char **tmp, int *fdp,
    ex_error *err)
{
	return sibling(path, tag, 0, tmp, fdp, err);
}

ex_status
base_sibling_dir(const char *path, const char *tag, char **tmp,
    ex_error *err)
{
	return sibling(path, tag, 1, tmp, NULL, err);
}

/* ---- the user's folders ---------------------------------------------- */

/* One folder of a path: there already (a folder, links followed) or made
 * with mode 0700.  0, or -1 with errno. */
static int
folder(const char *dir)
{
	struct stat sb;

	if (stat(dir, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return 0;
		errno = ENOTDIR;
		return -1;
	}
	if (errno != ENOENT)
		return -1;
	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;   /* another exhibit made it meanwhile */
	return -1;
}

/* Make dir (absolute) and the folders above it that are missing. */
static int
folders(char *dir)
{
	char *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (folder(dir) != 0) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return folder(dir);
}

ex_status
base_exhibit_dir(const char *var, const char *home_below, char **dir,
    ex_error *err)
{
	const char *xdg = getenv(var), *home = getenv("HOME");
	base_buf b = BASE_BUF_INIT;
	size_t n;

	*dir = NULL;
	if (xdg != NULL && xdg[0] == '/')
		home = NULL;
	else if (home != NULL && home[0] == '/')
		xdg = NULL;
	else
		return ex_error_set(err, EX_ERR_USAGE, "no folder for it: "
		    "HOME is not set to an absolute path (nor %s)", var);
	if (xdg != NULL) {
		for (n = strlen(xdg); n > 1 && xdg[n - 1] == '/'; n--)
			;
		base_buf_add(&b, xdg, n);
	} else {
		for (n = strlen(home); n > 1 && home[n - 1] == '/'; n--)
			;
		base_buf_add(&b, home, n);
		base_buf_addc(&b, '/');
		base_buf_adds(&b, home_below);
	}
	base_buf_adds(&b, "/exhibit");
	if (base_buf_failed(&b))
		return base_nomem(err);
	if (folders(b.data) != 0) {
		ex_status st = ex_error_errno(err, "cannot make folder %s",
		    b.data);

		base_buf_free(&b);
		return st;
	}
	*dir = base_buf_take(&b);
	return EX_OK;
}

/*
 * reader_tar.c — the raw tar structures behind libarchive's reading.
 *
 * exhibit writes tar through libarchive's restricted pax writer
 * (writer.c): POSIX ustar headers ('5' folders, mode 0755, then '0'
 * files, mode 0644), uid and gid 0, no owner names, one mtime, and a pax
 * 'x' header before an entry only where ustar cannot state the path
 * (longer than ustar can split), the size (8 GiB or more) or the mtime
 * (before 1970 or after 2038).  The archive ends with two zero blocks.
 *
 * A tar states some things twice (a pax record and the ustar field under
 * it), and readers differ in which they believe: GNU tar, bsdtar and
 * Python honour pax, a ustar-only reader does not.  So this file walks
 * the 512-byte blocks itself, rebuilds every header exactly as the writer
 * would make it from what the header says, and refuses any difference:
 * what it accepts reads the same in every reader.  It then requires the
 * walk to list the very entries libarchive loaded.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle/bundle_private.h"

#define TAR_BLOCK 512
#define TAR_PAX_MAX 65536           /* far more than the writer makes */
#define TAR_PAX_RECORDS 16
#define TAR_SHOWN 300

/* Offsets of the ustar header fields. */
enum {
	F_NAME = 0, F_MODE = 100, F_UID = 108, F_GID = 116, F_SIZE = 124,
	F_MTIME = 136, F_CHKSUM = 148, F_TYPE = 156, F_LINK = 157,
	F_MAGIC = 257, F_VERSION = 263, F_UNAME = 265, F_GNAME = 297,
	F_DEVMAJOR = 329, F_DEVMINOR = 337, F_PREFIX = 345, F_PAD = 500
};

static const struct {
	unsigned off;
	const char *name;
} tar_fields[] = {
	{ F_NAME, "name" }, { F_MODE, "mode" }, { F_UID, "uid" },
	{ F_GID, "gid" }, { F_SIZE, "size" }, { F_MTIME, "mtime" },
	{ F_CHKSUM, "checksum" }, { F_TYPE, "type" },
	{ F_LINK, "link name" }, { F_MAGIC, "magic" },
	{ F_VERSION, "version" }, { F_UNAME, "user name" },
	{ F_GNAME, "group name" }, { F_DEVMAJOR, "device major" },
	{ F_DEVMINOR, "device minor" }, { F_PREFIX, "name prefix" },
	{ F_PAD, "padding" }
};

static const char *
field_name(unsigned off)
{
	size_t i;

	for (i = sizeof(tar_fields) / sizeof(tar_fields[0]); i-- > 0;)
		if (tar_fields[i].off <= off)
			return tar_fields[i].name;
	return "name";
}

/* ---- the writer's header, rebuilt (libarchive 3.6 ustar/pax) --------- */

static void
put_octal(int64_t v, unsigned char *p, int s)
{
	int len = s;

	if (v < 0) {
		memset(p, '0', (size_t)s);
		return;
	}
	p += s;
	while (s-- > 0) {
		*--p = (unsigned char)('0' + (v & 7));
		v >>= 3;
	}
	if (v != 0)
		memset(p, '7', (size_t)len);
}

/* Octal with its terminator if it fits, else over the terminator, else
 * base-256 (non-strict); strict: octal only. */
static void
put_number(int64_t v, unsigned char *p, int s, int maxsize, int strict)
{
	int64_t limit = (int64_t)1 << (s * 3);

	if (strict) {
		put_octal(v, p, s);
		return;
	}
	if (v >= 0) {
		while (s <= maxsize) {
			if (v < limit) {
				put_octal(v, p, s);
				return;
			}
			s++;
			limit <<= 3;
		}
	}
	p += maxsize;
	for (s = maxsize; s-- > 0;) {
		*--p = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	*p |= 0x80;
}

static unsigned
header_sum(const unsigned char *h)
{
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < TAR_BLOCK; i++)
		sum += i >= F_CHKSUM && i < F_CHKSUM + 8 ? ' ' : h[i];
	return sum;
}

/*
 * The header the writer makes for name (already in its ustar form),
 * typeflag, mode, size and mtime, with uid/gid 0 and no owner names.
 * -1 when name does not fit a ustar header.
 */
static int
ustar_header(unsigned char *h, const char *name, int type, int mode,
    int64_t size, int64_t mtime, int strict)
{
	size_t len = strlen(name);
	const char *p;
	unsigned sum;
	int i;

	memset(h, 0, TAR_BLOCK);
	for (i = F_MODE; i <= F_GID; i += 8)
		memcpy(h + i, "000000 ", 7);
	memcpy(h + F_SIZE, "00000000000 ", 12);
	memcpy(h + F_MTIME, "00000000000 ", 12);
	memset(h + F_CHKSUM, ' ', 8);
	memcpy(h + F_MAGIC, "ustar\0" "00", 8);
	memcpy(h + F_DEVMAJOR, "000000 ", 7);
	memcpy(h + F_DEVMINOR, "000000 ", 7);
	if (len <= 100) {
		memcpy(h + F_NAME, name, len);
	} else {
		p = strchr(name + len - 100 - 1, '/');
		if (p == name)
			p = strchr(p + 1, '/');
		if (p == NULL || p[1] == '\0' || p > name + 155)
			return -1;
		memcpy(h + F_PREFIX, name, (size_t)(p - name));
		memcpy(h + F_NAME, p + 1, len - (size_t)(p - name) - 1);
	}
	put_number(mode & 07777, h + F_MODE, 6, 8, strict);
	put_number(size, h + F_SIZE, 11, 12, strict);
	put_number(mtime, h + F_MTIME, 11, 11, strict);
	h[F_TYPE] = (unsigned char)type;
	sum = header_sum(h);
	h[F_CHKSUM + 6] = '\0';
	put_octal(sum, h + F_CHKSUM, 6);
	return 0;
}

/* ---- reading what a header says ---------------------------------------- */

/* A numeric field as tar readers take it: base-256 when the top bit of
 * the first byte is set, else octal between spaces and NULs. */
static int
field_number(const unsigned char *p, size_t n, int64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) {
		/* bit 6 is the sign; each byte must leave room for the next */
		v = (p[0] & 0x40) ? UINT64_MAX : 0;
		v = v << 7 | (uint64_t)(p[0] & 0x7f);
		for (i = 1; i < n; i++) {
			if ((v >> 55) != 0 && (v >> 55) != 0x1ff)
				return -1;
			v = v << 8 | p[i];
		}
		*out = (int64_t)v;
		return 0;
	}
	while (i < n && p[i] == ' ')
		i++;
	if (i == n || p[i] < '0' || p[i] > '7')
		return -1;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v << 3 | (uint64_t)(p[i] - '0');
	}
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	*out = (int64_t)v;
	return 0;
}

/* The name in a header: prefix "/" name. */
static void
header_name(const unsigned char *h, char *out)
{
	size_t plen = strnlen((const char *)h + F_PREFIX, 155), i = plen;
	size_t nlen = strnlen((const char *)h + F_NAME, 100);

	memcpy(out, h + F_PREFIX, plen);
	if (plen > 0)
		out[i++] = '/';
	memcpy(out + i, h + F_NAME, nlen);
	out[i + nlen] = '\0';
}

/* Do the pax records (n bytes at d) have one for key? */
static int
has_record(const unsigned char *d, size_t n, const char *key)
{
	size_t klen = strlen(key), pos = 0, i, rl;

	while (pos < n) {
		for (i = pos, rl = 0; i < n && d[i] >= '0' && d[i] <= '9'; i++)
			rl = rl * 10 + (size_t)(d[i] - '0');
		if (i >= n || d[i] != ' ' || rl == 0 || rl > n - pos)
			return 0;
		if (i + 1 + klen < pos + rl && memcmp(d + i + 1, key, klen) ==
		    0 && d[i + 1 + klen] == '=')
			return 1;
		pos += rl;
	}
	return 0;
}

/*
 * What the writer does with a path ustar cannot hold: libarchive's pax
 * writer (the one writer.c uses) is asked to write a header for it, and
 * its output read back: *needs = 1 when it puts the path in a pax
 * record, ustar gets the name it then puts in the ustar header and xname
 * the name of its pax header (each at least TAR_BLOCK bytes).  Asking
 * the library rather than copying its rules keeps verify in step with
 * the writer of the very libarchive exhibit is built with.
 */
static ex_status
writer_names(const char *path, int *needs, char *ustar, char *xname,
    ex_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *e = NULL;
	unsigned char *buf = NULL;
	size_t cap = strlen(path) + 8 * TAR_BLOCK, used = 0, off = 0;
	int64_t n;
	ex_status s = EX_OK;

	*needs = 0;
	ustar[0] = xname[0] = '\0';
	if ((buf = calloc(1, cap)) == NULL ||
	    (a = archive_write_new()) == NULL ||
	    (e = archive_entry_new()) == NULL) {
		s = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	archive_entry_copy_pathname(e, path);
	archive_entry_set_filetype(e, path[0] != '\0' &&
	    path[strlen(path) - 1] == '/' ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 0);
	/* An mtime before 1970 makes the writer add a pax header always,
	 * so that its name is known too. */
	archive_entry_set_mtime(e, -1, 0);
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
	    archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK ||
	    archive_write_header(a, e) < ARCHIVE_WARN ||
	    archive_write_close(a) != ARCHIVE_OK)
		goto out;       /* no name: nothing will match */
	if (used >= 2 * TAR_BLOCK && buf[F_TYPE] == 'x' &&
	    field_number(buf + F_SIZE, 12, &n) == 0 && n >= 0 &&
	    (uint64_t)n < cap) {
		*needs = has_record(buf + TAR_BLOCK, (size_t)n, "path");
		header_name(buf, xname);
		off = TAR_BLOCK + ((size_t)n + TAR_BLOCK - 1) / TAR_BLOCK *
		    TAR_BLOCK;
	}
	if (off + TAR_BLOCK <= used)
		header_name(buf + off, ustar);
out:
	archive_entry_free(e);
	archive_write_free(a);
	free(buf);
	return s;
}

/* A pax number exactly as the writer prints it ("%lld"). */
static int
pax_number(const char *s, int64_t *out)
{
	char buf[32];
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	snprintf(buf, sizeof(buf), "%lld", v);
	if (strcmp(buf, s) != 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* ---- the walk ---------------------------------------------------------- */

struct tar_raw {
	char *name;
	int is_dir;
	uint64_t size;
};

struct tar_pax {
	int present;
	uint64_t off;                   /* its header */
	unsigned char hdr[TAR_BLOCK];
	unsigned char *data;            /* records, NUL-terminated values */
	size_t len;
	size_t n;
	const char *key[TAR_PAX_RECORDS];
	const char *val[TAR_PAX_RECORDS];
	size_t vlen[TAR_PAX_RECORDS];
};

struct tar_walk {
	bundle_loader *L;
	ex_error *err;
	int fd;
	uint64_t fsize;
	int bad;                        /* a problem was recorded: stop */
	int truncated;
	struct tar_raw *raw;
	size_t nraw, capraw;
	char shown[TAR_SHOWN];          /* the current entry, escaped */
	char last[TAR_SHOWN];           /* the last whole entry, escaped */
	struct tar_pax pax;
	char ustar_name[TAR_BLOCK];
	char made[TAR_BLOCK];
	char xname[TAR_BLOCK];
};

static ex_status
tar_problem(struct tar_walk *w, ex_bundle_problem_kind kind,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static ex_status
tar_problem(struct tar_walk *w, ex_bundle_problem_kind kind,
    const char *fmt, ...)
{
	char why[600];
	va_list ap;

	w->bad = 1;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return bundle_problem(w->L, kind, "", w->err, "%s", why);
}

static ex_status
truncated(struct tar_walk *w, const char *where)
{
	w->truncated = 1;
	return tar_problem(w, EX_PROBLEM_TRUNCATED, "incomplete copy: the tar "
	    "ends at byte %llu %s", (unsigned long long)w->fsize, where);
}

static void
shown_name(char *buf, const char *name)
{
	bundle_display_n((const unsigned char *)name, strlen(name), buf,
	    TAR_SHOWN);
}

/* n bytes at off must be zeros; within the file. */
static ex_status
zero_padding(struct tar_walk *w, uint64_t off, size_t n, const char *what)
{
	unsigned char pad[TAR_BLOCK];
	char where[TAR_SHOWN + 32];
	size_t i;

	if (n == 0)
		return EX_OK;
	if (off + n > w->fsize) {
		snprintf(where, sizeof(where), "inside entry '%s'", w->shown);
		return truncated(w, where);
	}
	if (bundle_read_at(w->fd, pad, n, off) != 0)
		return ex_error_errno(w->err, "tar padding");
	for (i = 0; i < n; i++)
		if (pad[i] != 0)
			return tar_problem(w, EX_PROBLEM_TRAILING, "bytes "
			    "hidden in the padding of %s'%s' (at byte %llu)",
			    what, w->shown, (unsigned long long)(off + i));
	return EX_OK;
}

/* Compare a header with the one the writer would make. */
static ex_status
same_header(struct tar_walk *w, const unsigned char *h,
    const unsigned char *want, uint64_t off, const char *what)
{
	size_t i;

	for (i = 0; i < TAR_BLOCK && h[i] == want[i]; i++)
		;
	if (i == TAR_BLOCK)
		return EX_OK;
	return tar_problem(w, EX_PROBLEM_FORM, "%s'%s': the %s field of the "
	    "tar header at byte %llu is not as exhibit writes it",
	    what, w->shown, field_name((unsigned)i), (unsigned long long)off);
}

/* Read the pax records of an 'x' header (len bytes after it at off). */
static ex_status
read_pax(struct tar_walk *w, uint64_t off, size_t len)
{
	struct tar_pax *px = &w->pax;
	unsigned char *d;
	size_t pos = 0, rl, k, i;
	char shownkey[64];

	free(px->data);
	px->data = NULL;
	px->n = 0;
	px->len = len;
	if ((px->data = malloc(len + 1)) == NULL)
		return ex_error_set(w->err, EX_ERR_NOMEM, "out of memory");
	d = px->data;
	if (len > 0 && bundle_read_at(w->fd, d, len, off) != 0)
		return ex_error_errno(w->err, "tar pax header");
	d[len] = '\0';
	if (len == 0)
		return tar_problem(w, EX_PROBLEM_FORM, "an empty pax header "
		    "before '%s': exhibit never writes one", w->shown);
	while (pos < len) {
		rl = 0;
		for (i = pos; i < len && d[i] >= '0' && d[i] <= '9' &&
		    i - pos < 6; i++)
			rl = rl * 10 + (size_t)(d[i] - '0');
		if (i == pos || i >= len || d[i] != ' ' ||
		    (d[pos] == '0') || rl < (i - pos) + 4 ||
		    rl > len - pos || d[pos + rl - 1] != '\n')
			return tar_problem(w, EX_PROBLEM_FORM, "a malformed "
			    "pax record (at byte %zu of the pax header before "
			    "'%s')", pos, w->shown);
		k = i + 1;
		for (i = k; i < pos + rl - 1 && d[i] != '='; i++)
			;
		if (i == k || i >= pos + rl - 1)
			return tar_problem(w, EX_PROBLEM_FORM, "a pax record "
			    "without 'key=value' (at byte %zu of the pax "
			    "header before '%s')", pos, w->shown);
		if (px->n == TAR_PAX_RECORDS)
			return tar_problem(w, EX_PROBLEM_FORM, "too many pax "
			    "records before '%s'", w->shown);
		d[i] = '\0';
		d[pos + rl - 1] = '\0';
		px->key[px->n] = (const char *)d + k;
		px->val[px->n] = (const char *)d + i + 1;
		px->vlen[px->n] = pos + rl - 1 - (i + 1);
		bundle_display_n(d + k, strlen((char *)d + k), shownkey,
		    sizeof(shownkey));
		if (strlen(px->key[px->n]) != i - k ||
		    strlen(px->val[px->n]) != px->vlen[px->n])
			return tar_problem(w, EX_PROBLEM_FORM, "pax record "
			    "'%s' holds a NUL byte (before '%s')",
			    shownkey, w->shown);
		for (i = 0; i < px->n; i++)
			if (strcmp(px->key[i], px->key[px->n]) == 0)
				return tar_problem(w, EX_PROBLEM_AMBIGUOUS,
				    "pax record '%s' given twice (before "
				    "'%s'): readers differ in which one they "
				    "take", shownkey, w->shown);
		px->n++;
		pos += rl;
	}
	return EX_OK;
}

/* The rank of a pax key in the order the writer adds them; 0: a key
 * that states something the ustar header states too; -1: other. */
static int
pax_rank(const char *key)
{
	if (strcmp(key, "path") == 0)
		return 1;
	if (strcmp(key, "size") == 0)
		return 2;
	if (strcmp(key, "mtime") == 0)
		return 3;
	if (strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0 ||
	    strcmp(key, "uname") == 0 || strcmp(key, "gname") == 0 ||
	    strcmp(key, "linkpath") == 0)
		return 0;
	return -1;
}

/*
 * The entry described by the header h at off (and the pending pax
 * header, if any): its name, size and mtime as a pax reader and as a
 * ustar-only reader see them must be one; its header and the pax header
 * must be the writer's.
 */
static ex_status
check_entry(struct tar_walk *w, const unsigned char *h, uint64_t off,
    const char **path, int64_t *size)
{
	struct tar_pax *px = &w->pax;
	unsigned char want[TAR_BLOCK];
	char a[TAR_SHOWN], b[TAR_SHOWN], shownkey[64];
	int64_t usize, umtime, mtime, v, uv;
	const char *key, *val;
	size_t plen, i;
	int type = h[F_TYPE], rank, last = 0, is_dir = type == '5', needs;
	ex_status s;

	header_name(h, w->ustar_name);
	*path = w->ustar_name;
	shown_name(w->shown, *path);
	if (field_number(h + F_SIZE, 12, &usize) != 0 || usize < 0 ||
	    field_number(h + F_MTIME, 12, &umtime) != 0)
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': unreadable size "
		    "or mtime in the tar header at byte %llu",
		    w->shown, (unsigned long long)off);
	*size = usize;
	mtime = umtime;
	for (i = 0; px->present && i < px->n; i++) {
		key = px->key[i];
		val = px->val[i];
		bundle_display_n((const unsigned char *)key, strlen(key),
		    shownkey, sizeof(shownkey));
		rank = pax_rank(key);
		if (rank < 0)
			return tar_problem(w, EX_PROBLEM_FORM, "'%s': pax "
			    "record '%s' that exhibit does not write",
			    w->shown, shownkey);
		if (strcmp(key, "path") == 0) {
			if ((s = writer_names(val, &needs, w->made, w->xname,
			    w->err)) != EX_OK)
				return s;
			shown_name(a, val);
			if (strcmp(w->made, w->ustar_name) != 0)
				return tar_problem(w, EX_PROBLEM_AMBIGUOUS,
				    "pax path and ustar name disagree, so "
				    "readers that honour pax and readers that "
				    "do not see different files: pax path "
				    "'%s', ustar name '%s'", a, w->shown);
			if (!needs)
				return tar_problem(w, EX_PROBLEM_FORM, "'%s': "
				    "pax path record that exhibit does not "
				    "write (the name fits the ustar header)",
				    a);
			*path = val;
			shown_name(w->shown, val);
		} else if (strcmp(key, "size") == 0 ||
		    strcmp(key, "mtime") == 0 || strcmp(key, "uid") == 0 ||
		    strcmp(key, "gid") == 0) {
			const unsigned char *f = h + (key[0] == 's' ? F_SIZE :
			    key[0] == 'm' ? F_MTIME : key[0] == 'u' ? F_UID :
			    F_GID);

			if (field_number(f, key[0] == 's' || key[0] == 'm' ?
			    12 : 8, &uv) != 0)
				uv = -1;
			if (pax_number(val, &v) != 0)
				return tar_problem(w, EX_PROBLEM_FORM, "'%s': "
				    "pax %s '%.40s' is not a plain number",
				    w->shown, shownkey, val);
			if (v != uv)
				return tar_problem(w, EX_PROBLEM_AMBIGUOUS,
				    "'%s': pax %s %lld contradicts the ustar "
				    "%s %lld: readers that honour pax and "
				    "readers that do not see different files",
				    w->shown, shownkey, (long long)v, shownkey,
				    (long long)uv);
			if (rank == 2 && v >= (int64_t)1 << 33)
				*size = v;
			else if (rank == 3 && (v < 0 || v >= 0x7fffffff))
				mtime = v;
			else
				return tar_problem(w, EX_PROBLEM_FORM, "'%s': "
				    "pax %s record that exhibit does not "
				    "write (the ustar header holds it)",
				    w->shown, shownkey);
		} else {
			/* uname, gname, linkpath: ustar has them too. */
			const char *f = (const char *)h + (key[0] == 'u' ?
			    F_UNAME : key[0] == 'g' ? F_GNAME : F_LINK);
			size_t fl = strnlen(f, key[0] == 'l' ? 100 : 32);

			shown_name(a, val);
			bundle_display_n((const unsigned char *)f, fl, b,
			    sizeof(b));
			if (fl != strlen(val) || memcmp(f, val, fl) != 0)
				return tar_problem(w, EX_PROBLEM_AMBIGUOUS,
				    "'%s': pax %s '%s' contradicts the ustar "
				    "%s '%s': readers that honour pax and "
				    "readers that do not see different files",
				    w->shown, shownkey, a, shownkey, b);
			return tar_problem(w, EX_PROBLEM_FORM, "'%s': pax "
			    "record '%s' that exhibit does not write",
			    w->shown, shownkey);
		}
		if (rank <= last)
			return tar_problem(w, EX_PROBLEM_FORM, "'%s': pax "
			    "records not in the order exhibit writes them",
			    w->shown);
		last = rank;
	}
	if (is_dir && *size != 0)
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': folder entry "
		    "carrying %lld bytes of data", w->shown, (long long)*size);
	plen = strlen(*path);
	if (is_dir && (plen == 0 || (*path)[plen - 1] != '/'))
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': folder entry "
		    "whose name does not end in '/'", w->shown);
	if (!is_dir && plen > 0 && (*path)[plen - 1] == '/')
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': file entry "
		    "whose name ends in '/' (read as a folder by some readers)",
		    w->shown);
	if (ustar_header(want, w->ustar_name, type, is_dir ? 0755 : 0644,
	    *size, mtime, 0) != 0)
		return tar_problem(w, EX_PROBLEM_FORM, "'%s': the name in the "
		    "tar header at byte %llu is not as exhibit writes it",
		    w->shown, (unsigned long long)off);
	if ((s = same_header(w, h, want, off, "")) != EX_OK || w->bad)
		return s;
	if (!px->present)
		return EX_OK;
	/* The 'x' header itself: as libarchive makes it for this entry. */
	if ((s = writer_names(*path, &needs, w->made, w->xname, w->err)) !=
	    EX_OK)
		return s;
	if (ustar_header(want, w->xname, 'x', is_dir ? 0755 : 0644,
	    (int64_t)px->len, mtime < 0 ? 0 : mtime > 0x7fffffff ?
	    0x7fffffff : mtime, 1) != 0)
		return tar_problem(w, EX_PROBLEM_FORM, "the pax header before "
		    "'%s' is not as exhibit writes it", w->shown);
	return same_header(w, px->hdr, want, px->off, "the pax header of ");
}

static ex_status
add_raw(struct tar_walk *w, const char *name, int is_dir, uint64_t size)
{
	struct tar_raw *r;

	if (w->nraw == w->capraw) {
		size_t cap = w->capraw ? w->capraw * 2 : 64;

		if ((r = realloc(w->raw, cap * sizeof(*r))) == NULL)
			return ex_error_set(w->err, EX_ERR_NOMEM,
			    "out of memory");
		w->raw = r;
		w->capraw = cap;
	}
	r = &w->raw[w->nraw];
	if ((r->name = strdup(name)) == NULL)
		return ex_error_set(w->err, EX_ERR_NOMEM, "out of memory");
	r->is_dir = is_dir;
	r->size = size;
	w->nraw++;
	return EX_OK;
}

/* From the first zero block at off: a second zero block, then zeros. */
static ex_status
check_end(struct tar_walk *w, uint64_t off)
{
	bundle_loader *L = w->L;
	uint64_t at = off;
	ssize_t n, i;

	if (w->pax.present)
		return tar_problem(w, EX_PROBLEM_FORM, "a pax header with no "
		    "entry after it (at byte %llu)",
		    (unsigned long long)w->pax.off);
	for (;;) {
		n = pread(w->fd, L->chunk, BUNDLE_CHUNK, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ex_error_errno(w->err, "tar end");
		if (n == 0)
			break;
		for (i = 0; i < n && L->chunk[i] == 0; i++)
			;
		if (i < n)
			return tar_problem(w, EX_PROBLEM_TRAILING, "data "
			    "after the end of the tar archive (at byte %llu)",
			    (unsigned long long)(at + (uint64_t)i));
		at += (uint64_t)n;
	}
	if (w->fsize - off < 2 * TAR_BLOCK)
		return truncated(w, "inside its end marker (two zero blocks)");
	return EX_OK;
}

static ex_status
walk(struct tar_walk *w)
{
	unsigned char h[TAR_BLOCK];
	char where[TAR_SHOWN + 64];
	uint64_t off = 0, data, pad;
	const char *path;
	int64_t size, stored;
	ex_status s;
	int type;

	snprintf(w->last, sizeof(w->last), "%s", "");
	for (;;) {
		if (off + TAR_BLOCK > w->fsize) {
			if (off == w->fsize && w->last[0] != '\0')
				snprintf(where, sizeof(where), "without its "
				    "end marker (after entry '%s')", w->last);
			else
				snprintf(where, sizeof(where), "inside the "
				    "header at byte %llu (after entry '%s')",
				    (unsigned long long)off, w->last);
			return truncated(w, where);
		}
		if (bundle_read_at(w->fd, h, TAR_BLOCK, off) != 0)
			return ex_error_errno(w->err, "tar header");
		for (size = 0; size < TAR_BLOCK && h[size] == 0; size++)
			;
		if (size == TAR_BLOCK)
			return check_end(w, off);
		snprintf(w->shown, sizeof(w->shown), "at byte %llu",
		    (unsigned long long)off);
		if (field_number(h + F_CHKSUM, 8, &stored) != 0 ||
		    (unsigned)stored != header_sum(h))
			return tar_problem(w, EX_PROBLEM_FORM, "the tar "
			    "header at byte %llu has a wrong or malformed "
			    "checksum (readers differ in what they skip)",
			    (unsigned long long)off);
		if (memcmp(h + F_MAGIC, "ustar\0" "00", 8) != 0)
			return tar_problem(w, EX_PROBLEM_FORM, "the tar "
			    "header at byte %llu is not POSIX ustar (GNU or "
			    "old tar format): exhibit never writes one",
			    (unsigned long long)off);
		type = h[F_TYPE];
		switch (type) {
		case '0':
		case '5':
		case 'x':
			break;
		case 'g':
			return tar_problem(w, EX_PROBLEM_FORM, "a global pax "
			    "header ('g', at byte %llu): exhibit never writes "
			    "one", (unsigned long long)off);
		case 'L':
		case 'K':
			return tar_problem(w, EX_PROBLEM_FORM, "a GNU long %s "
			    "header ('%c', at byte %llu): exhibit never "
			    "writes one",
			    type == 'L' ? "name" : "link name", type,
			    (unsigned long long)off);
		case 'S':
			return tar_problem(w, EX_PROBLEM_FORM, "a GNU sparse "
			    "file ('S', at byte %llu): exhibit never writes "
			    "one", (unsigned long long)off);
		case '1':
		case '2':
			return tar_problem(w, EX_PROBLEM_FORM, "a %s link "
			    "('%c', at byte %llu): exhibit never writes one",
			    type == '1' ? "hard" : "symbolic", type,
			    (unsigned long long)off);
		default:
			return tar_problem(w, EX_PROBLEM_FORM, "tar entry "
			    "type '\\x%02x' at byte %llu: exhibit writes only "
			    "files ('0'), folders ('5') and pax headers ('x')",
			    (unsigned)type, (unsigned long long)off);
		}
		if (type == 'x') {
			if (w->pax.present)
				return tar_problem(w, EX_PROBLEM_FORM, "two "
				    "pax headers in a row (at byte %llu)",
				    (unsigned long long)off);
			if (field_number(h + F_SIZE, 12, &size) != 0 ||
			    size < 0 || size > TAR_PAX_MAX)
				return tar_problem(w, EX_PROBLEM_FORM, "a pax "
				    "header of unreadable or excessive size "
				    "(at byte %llu)", (unsigned long long)off);
			data = off + TAR_BLOCK;
			if (data + (uint64_t)size > w->fsize) {
				snprintf(where, sizeof(where), "inside the "
				    "pax header at byte %llu",
				    (unsigned long long)off);
				return truncated(w, where);
			}
			w->pax.present = 1;
			w->pax.off = off;
			memcpy(w->pax.hdr, h, TAR_BLOCK);
			if ((s = read_pax(w, data, (size_t)size)) != EX_OK ||
			    w->bad)
				return s;
			pad = (TAR_BLOCK - (uint64_t)size % TAR_BLOCK) %
			    TAR_BLOCK;
			if ((s = zero_padding(w, data + (uint64_t)size,
			    (size_t)pad, "the pax header before ")) != EX_OK ||
			    w->bad)
				return s;
			off = data + (uint64_t)size + pad;
			continue;
		}
		if ((s = check_entry(w, h, off, &path, &size)) != EX_OK ||
		    w->bad)
			return s;
		w->pax.present = 0;
		data = off + TAR_BLOCK;
		if (data + (uint64_t)size > w->fsize) {
			snprintf(where, sizeof(where), "inside entry '%s'",
			    w->shown);
			return truncated(w, where);
		}
		pad = (TAR_BLOCK - (uint64_t)size % TAR_BLOCK) % TAR_BLOCK;
		if ((s = zero_padding(w, data + (uint64_t)size, (size_t)pad,
		    "")) != EX_OK || w->bad)
			return s;
		if ((s = add_raw(w, path, type == '5', (uint64_t)size)) !=
		    EX_OK)
			return s;
		snprintf(w->last, sizeof(w->last), "%s", w->shown);
		off = data + (uint64_t)size + pad;
	}
}

/* A folder entry libarchive's loader leaves out: the top folder itself
 * (at most one component besides "." and empty ones). */
static int
skipped_dir(const char *name)
{
	int comps = 0;
	const char *p = name, *q;

	while (*p != '\0') {
		q = strchr(p, '/');
		if (q == NULL)
			q = p + strlen(p);
		if (q > p && !(q - p == 1 && *p == '.'))
			comps++;
		p = *q == '/' ? q + 1 : q;
	}
	return comps <= 1;
}

/* The walk's entries must be libarchive's, in order. */
static ex_status
same_entries(struct tar_walk *w)
{
	const ex_bundle *b = w->L->b;
	const ex_bundle_entry *e;
	const struct tar_raw *r;
	char a[TAR_SHOWN], c[TAR_SHOWN];
	size_t i, j = 0;

	for (i = 0; i < w->nraw; i++) {
		r = &w->raw[i];
		e = j < b->nentries ? &b->entries[j] : NULL;
		if (e != NULL && strcmp(e->stored_name, r->name) == 0 &&
		    (r->is_dir ? e->type == EX_ENTRY_DIR :
		    e->type == EX_ENTRY_FILE &&
		    e->declared_size == (int64_t)r->size)) {
			j++;
			continue;
		}
		if (r->is_dir && skipped_dir(r->name))
			continue;
		shown_name(a, r->name);
		if (e == NULL)
			return tar_problem(w, EX_PROBLEM_AMBIGUOUS, "the tar "
			    "headers hold '%s' (%llu bytes), which libarchive "
			    "did not read", a, (unsigned long long)r->size);
		shown_name(c, e->stored_name);
		return tar_problem(w, EX_PROBLEM_AMBIGUOUS, "the tar headers "
		    "hold '%s' (%llu bytes) where libarchive read '%s' (%lld "
		    "bytes)",
		    a, (unsigned long long)r->size, c,
		    (long long)e->declared_size);
	}
	if (j < b->nentries) {
		shown_name(c, b->entries[j].stored_name);
		return tar_problem(w, EX_PROBLEM_AMBIGUOUS, "libarchive read "
		    "'%s', which the tar headers do not hold", c);
	}
	return EX_OK;
}

/*
 * tar: walk the headers from byte 0 to the end marker and account for
 * every byte (see the top of the file).  end, where libarchive stopped,
 * is not needed: the walk finds the end itself.
 */
ex_status
bundle_tar_check(bundle_loader *L, const char *path, int64_t end,
    ex_error *err)
{
	struct tar_walk w;
	struct stat st;
	ex_status s = EX_OK;
	size_t i;

	(void)end;
	memset(&w, 0, sizeof(w));
	w.L = L;
	w.err = err;
	w.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (w.fd < 0)
		return ex_error_errno(err, "%s", path);
	if (fstat(w.fd, &st) != 0) {
		s = ex_error_errno(err, "%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		s = ex_error_set(err, EX_ERR_FORMAT, "%s: not a regular file",
		    path);
		goto out;
	}
	w.fsize = (uint64_t)st.st_size;
	s = walk(&w);
	if (s == EX_OK && w.truncated) {
		/* the TRUNCATED problem is the last one: keep it */
		bundle_drop_damage(L);
	} else if (s == EX_OK && !w.bad) {
		s = same_entries(&w);
	}
out:
	for (i = 0; i < w.nraw; i++)
		free(w.raw[i].name);
	free(w.raw);
	free(w.pax.data);
	close(w.fd);
	return s;
}

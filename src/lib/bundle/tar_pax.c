/*
 * tar_pax.c — tar headers for reader_tar.c's walk: the header the writer
 * (libarchive's restricted pax writer) makes, rebuilt from what a header
 * says; numeric fields and names read as tar readers take them; the
 * names libarchive's writer gives a long path (asked of the library
 * itself); and the records of a pax 'x' header parsed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle/reader_tar.h"

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

const char *
tar_field_name(unsigned off)
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

unsigned
tar_header_sum(const unsigned char *h)
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
int
tar_ustar_header(unsigned char *h, const char *name, int type,
    int mode, int64_t size, int64_t mtime, int strict)
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
	sum = tar_header_sum(h);
	h[F_CHKSUM + 6] = '\0';
	put_octal(sum, h + F_CHKSUM, 6);
	return 0;
}

/* ---- reading what a header says ---------------------------------------- */

/* A numeric field as tar readers take it: base-256 when the top bit of
 * the first byte is set, else octal between spaces and NULs. */
int
tar_field_number(const unsigned char *p, size_t n, int64_t *out)
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
void
tar_header_name(const unsigned char *h, char *out)
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
ex_status
tar_writer_names(const char *path, int *needs, char *ustar,
    char *xname, ex_error *err)
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
		s = base_nomem(err);
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
	    tar_field_number(buf + F_SIZE, 12, &n) == 0 && n >= 0 &&
	    (uint64_t)n < cap) {
		*needs = has_record(buf + TAR_BLOCK, (size_t)n, "path");
		tar_header_name(buf, xname);
		off = TAR_BLOCK + ((size_t)n + TAR_BLOCK - 1) / TAR_BLOCK *
		    TAR_BLOCK;
	}
	if (off + TAR_BLOCK <= used)
		tar_header_name(buf + off, ustar);
out:
	archive_entry_free(e);
	archive_write_free(a);
	free(buf);
	return s;
}

/* A pax number exactly as the writer prints it ("%lld"). */
int
tar_pax_number(const char *s, int64_t *out)
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

/* Read the pax records of an 'x' header (len bytes after it at off). */
ex_status
tar_read_pax(struct tar_walk *w, uint64_t off, size_t len)
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
		return base_nomem(w->err);
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
int
tar_pax_rank(const char *key)
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


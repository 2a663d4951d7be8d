/*
 * diff_walk.c — fuzz_verify_diff's raw walkers: ZIP and tar read byte by
 * byte, independently of libarchive and of exhibit's own readers, into a
 * view (diff_view.h) to compare with what verify checked.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "diff_view.h"

/* ---- (b) a raw walker: ZIP -------------------------------------------- */

static uint32_t crc_table[256];

void
crc_init(void)
{
	uint32_t c, i, k;

	for (i = 0; i < 256; i++) {
		for (c = i, k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t
crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n-- > 0)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

unsigned
le16(const uint8_t *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/*
 * Like unzip: the last end record in the file's last 64 KiB + 22 bytes,
 * the Zip64 record its locator points to (when there is one), the
 * central directory it names (shifted by any bytes before the ZIP, as
 * unzip and zipfile allow), and for each of its entries the data after
 * that entry's local header, of the central directory's size.
 */
void
walk_zip(struct view *w, const uint8_t *d, size_t size)
{
	crypto_hash_sha256_state h;
	unsigned char sha[32];
	uint64_t eocd = 0, count, cd_size, cd_off, cd_end, i, pos;
	int64_t shift;
	size_t k;
	int found = 0;

	w->who = "raw ZIP walker (end record, central directory)";
	for (k = size >= 22 ? size - 22 + 1 : 0; k-- > 0;) {
		if (size - k > 22 + 65535)
			break;
		if (le32(d + k) == 0x06054b50) {
			eocd = k;
			found = 1;
			break;
		}
	}
	if (!found) {
		view_fail(w, "no end-of-central-directory record");
		return;
	}
	count = le16(d + eocd + 10);
	cd_size = le32(d + eocd + 12);
	cd_off = le32(d + eocd + 16);
	cd_end = eocd;
	if (eocd >= 20 && le32(d + eocd - 20) == 0x07064b50) {
		uint64_t z = le64(d + eocd - 20 + 8);

		if (z > size || size - z < 56 || le32(d + z) != 0x06064b50) {
			view_fail(w, "a Zip64 locator pointing to no Zip64 "
			    "end record");
			return;
		}
		count = le64(d + z + 32);
		cd_size = le64(d + z + 40);
		cd_off = le64(d + z + 48);
		cd_end = z;
	}
	if (cd_size > cd_end || cd_off > cd_end - cd_size) {
		view_fail(w, "an end record whose central directory does not "
		    "fit before it");
		return;
	}
	shift = (int64_t)(cd_end - cd_size - cd_off);
	pos = cd_off + (uint64_t)shift;
	for (i = 0; i < count && w->fail[0] == '\0'; i++) {
		const uint8_t *e = d + pos, *x, *name, *l;
		uint64_t csize, usize, off, data;
		unsigned nlen, xlen, clen, flags, method, host, mode, q;
		size_t namelen;
		enum kind kind;
		const char *other = NULL;

		if (pos + 46 > cd_end || le32(e) != 0x02014b50) {
			view_fail(w, "central directory entry %llu is damaged",
			    (unsigned long long)i + 1);
			return;
		}
		nlen = le16(e + 28);
		xlen = le16(e + 30);
		clen = le16(e + 32);
		if (pos + 46 + nlen + xlen + clen > cd_end) {
			view_fail(w, "central directory entry %llu runs past "
			    "the directory", (unsigned long long)i + 1);
			return;
		}
		flags = le16(e + 8);
		method = le16(e + 10);
		csize = le32(e + 20);
		usize = le32(e + 24);
		off = le32(e + 42);
		name = e + 46;
		namelen = nlen;
		for (x = e + 46 + nlen, q = 0; q + 4 <= xlen;) {
			unsigned id = le16(x + q), sz = le16(x + q + 2);
			const uint8_t *f = x + q + 4;
			unsigned at = 0;

			if (q + 4 + sz > xlen)
				break;
			if (id == 0x0001) {
				/* Zip64: the fields that read 0xffffffff, in
				 * order. */
				if (usize == 0xffffffffu && at + 8 <= sz)
					usize = le64(f + at), at += 8;
				if (csize == 0xffffffffu && at + 8 <= sz)
					csize = le64(f + at), at += 8;
				if (off == 0xffffffffu && at + 8 <= sz)
					off = le64(f + at);
			} else if (id == 0x7075 && sz >= 5 && f[0] == 1 &&
			    le32(f + 1) == crc32_of(e + 46, nlen)) {
				/* Info-ZIP Unicode Path: unzip prefers it when
				 * it belongs to this raw name. */
				name = f + 5;
				namelen = sz - 5;
			}
			q += 4 + sz;
		}
		pos += 46 + nlen + xlen + clen;
		host = e[5];
		mode = le32(e + 38) >> 16;
		kind = namelen > 0 && name[namelen - 1] == '/' ? K_DIR : K_FILE;
		if (host == 3 && (mode & S_IFMT) != 0) {
			if (S_ISDIR(mode))
				kind = K_DIR;
			else if (S_ISLNK(mode))
				other = "symbolic link";
			else if (!S_ISREG(mode))
				other = "device, FIFO or other special entry";
		} else if (host == 0 && (le32(e + 38) & 0x10))
			kind = K_DIR;
		if (other != NULL || kind == K_DIR) {
			if (kind == K_DIR && csize != 0) {
				char b[300];

				view_fail(w, "folder entry '%s' carrying %llu "
				    "bytes", shown((const char *)name, namelen,
				    b, sizeof(b)), (unsigned long long)csize);
				return;
			}
			view_add(w, (const char *)name, namelen, kind, other,
			    0, NULL);
			continue;
		}
		if (flags & 0x0001) {
			view_fail(w, "an encrypted entry");
			return;
		}
		if (method != 0) {
			view_fail(w, "an entry compressed with method %u (this "
			    "walker reads stored entries only)", method);
			return;
		}
		off += (uint64_t)shift;
		if (off > size || size - off < 30 ||
		    le32(d + off) != 0x04034b50) {
			view_fail(w, "no local header at byte %llu",
			    (unsigned long long)off);
			return;
		}
		l = d + off;
		data = off + 30 + le16(l + 26) + le16(l + 28);
		if (data > size || size - data < csize) {
			view_fail(w, "entry data past the end of the file");
			return;
		}
		if (csize != usize) {
			view_fail(w, "a stored entry whose sizes differ "
			    "(%llu, %llu)", (unsigned long long)csize,
			    (unsigned long long)usize);
			return;
		}
		if (crc32_of(d + data, (size_t)csize) != le32(e + 16)) {
			char b[300];

			view_fail(w, "bad CRC for '%s'", shown((const char *)
			    name, namelen, b, sizeof(b)));
			return;
		}
		crypto_hash_sha256_init(&h);
		crypto_hash_sha256_update(&h, d + data, (size_t)csize);
		crypto_hash_sha256_final(&h, sha);
		view_add(w, (const char *)name, namelen, K_FILE, NULL, csize,
		    sha);
	}
}

/* ---- (b) a raw walker: tar -------------------------------------------- */

/* A tar number field as GNU tar reads it: base-256 when the top bit is
 * set, else octal after leading blanks, ended by a blank or NUL.
 * -1 when it is neither. */
static int64_t
tar_number(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) {
		if (p[0] != 0x80)
			return -1;      /* negative or too large */
		for (i = 1; i < n; i++) {
			if (v >> 55)
				return -1;
			v = v << 8 | p[i];
		}
		return (int64_t)v;
	}
	while (i < n && p[i] == ' ')
		i++;
	if (i == n)
		return -1;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v << 3 | (uint64_t)(p[i] - '0');
	}
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	return (int64_t)v;
}

struct pax {
	char *path;             /* NULL: not set */
	int64_t size;           /* -1: not set */
};

static void
pax_clear(struct pax *p)
{
	free(p->path);
	p->path = NULL;
	p->size = -1;
}

/* "LEN key=value\n" records into p; 0, or -1 when malformed. */
static int
pax_parse(const uint8_t *d, size_t n, struct pax *p)
{
	size_t at = 0;

	while (at < n) {
		size_t len = 0, i = at, eq;
		const uint8_t *rec = d + at;

		while (i < n && d[i] >= '0' && d[i] <= '9' && len < n)
			len = len * 10 + (size_t)(d[i++] - '0');
		if (i == at || i >= n || d[i] != ' ' || len > n - at ||
		    len < i - at + 3 || rec[len - 1] != '\n')
			return -1;
		i++;
		for (eq = i; eq < at + len - 1 && d[eq] != '='; eq++)
			;
		if (eq >= at + len - 1)
			return -1;
		if (eq - i == 4 && memcmp(d + i, "path", 4) == 0) {
			free(p->path);
			if ((p->path = strndup((const char *)d + eq + 1,
			    at + len - 1 - eq - 1)) == NULL)
				abort();
			if (strlen(p->path) != at + len - 1 - eq - 1)
				return -1;      /* a NUL in the path */
		} else if (eq - i == 4 && memcmp(d + i, "size", 4) == 0) {
			int64_t v = 0;
			size_t j;

			if (eq + 1 == at + len - 1)
				return -1;
			for (j = eq + 1; j < at + len - 1; j++) {
				if (d[j] < '0' || d[j] > '9' ||
				    v > INT64_MAX / 11)
					return -1;
				v = v * 10 + (d[j] - '0');
			}
			p->size = v;
		} else if (eq - i > 11 && memcmp(d + i, "GNU.sparse.", 11) == 0)
			return -1;      /* sparse files: not read here */
		at += len;
	}
	return 0;
}

static void
tar_file(struct view *w, const char *name, const uint8_t *p, uint64_t len)
{
	crypto_hash_sha256_state h;
	unsigned char sha[32];

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, p, (size_t)len);
	crypto_hash_sha256_final(&h, sha);
	view_add(w, name, strlen(name), K_FILE, NULL, len, sha);
}

/*
 * Like GNU tar: header after header until a zero block; a pax 'x' header
 * sets the next entry's path and size, a 'g' header every later entry's,
 * a GNU 'L' header the next entry's name; otherwise the ustar name, after
 * the prefix in the POSIX magic.  Unknown types are regular files.
 */
void
walk_tar(struct view *w, const uint8_t *d, size_t size)
{
	struct pax global = { NULL, -1 }, local = { NULL, -1 };
	char *longname = NULL, *name = NULL;
	uint64_t pos = 0;

	w->who = "raw tar walker (512-byte headers, pax, GNU)";
	while (w->fail[0] == '\0') {
		const uint8_t *hd = d + pos;
		uint64_t sum = 0, data, len;
		int64_t chk, sz, ssum = 0;
		char type;
		size_t i;

		if (pos == size)
			break;          /* no end blocks: GNU tar stops too */
		if (size - pos < 512) {
			view_fail(w, "the file ends inside a header (at byte "
			    "%llu)", (unsigned long long)pos);
			break;
		}
		for (i = 0; i < 512 && hd[i] == 0; i++)
			;
		if (i == 512)
			break;          /* the end-of-archive block */
		/* GNU tar and libarchive take the sum of the bytes as
		 * unsigned or as signed chars. */
		for (i = 0; i < 512; i++) {
			unsigned char c = i >= 148 && i < 156 ? ' ' : hd[i];

			sum += c;
			ssum += (signed char)c;
		}
		chk = tar_number(hd + 148, 8);
		if (chk < 0 || ((uint64_t)chk != sum && chk != ssum)) {
			view_fail(w, "a header with a bad checksum at byte "
			    "%llu", (unsigned long long)pos);
			break;
		}
		if ((sz = tar_number(hd + 124, 12)) < 0) {
			view_fail(w, "a header with a bad size at byte %llu",
			    (unsigned long long)pos);
			break;
		}
		type = (char)hd[156];
		len = (uint64_t)sz;
		if (type != 'x' && type != 'g' && type != 'L' && type != 'K') {
			if (local.size >= 0)
				len = (uint64_t)local.size;
			else if (global.size >= 0)
				len = (uint64_t)global.size;
		}
		data = pos + 512;
		if (type == '5' && len != 0) {
			/* GNU tar reads the blocks after a folder's header as
			 * headers, whatever size it declares. */
			view_fail(w, "a folder entry declaring %llu bytes of "
			    "data (at byte %llu)", (unsigned long long)len,
			    (unsigned long long)pos);
			break;
		}
		if (len > size - data) {
			view_fail(w, "entry data past the end of the file (at "
			    "byte %llu)", (unsigned long long)pos);
			break;
		}
		pos = data + (len + 511) / 512 * 512;
		if (pos > size)
			pos = size;     /* a short last block: the next header
			                   read fails */
		if (type == 'x' || type == 'g') {
			if (pax_parse(d + data, (size_t)len, type == 'x' ?
			    &local : &global) != 0)
				view_fail(w, "a malformed pax header at byte "
				    "%llu", (unsigned long long)(data - 512));
			continue;
		}
		if (type == 'L') {
			free(longname);
			if ((longname = strndup((const char *)d + data,
			    (size_t)len)) == NULL)
				abort();
			continue;
		}
		if (type == 'K')
			continue;       /* a long link name: links fail below */
		free(name);
		if (local.path != NULL)
			name = strdup(local.path);
		else if (global.path != NULL)
			name = strdup(global.path);
		else if (longname != NULL)
			name = strdup(longname);
		else if (memcmp(hd + 257, "ustar\0", 6) == 0 &&
		    hd[345] != '\0') {
			if (asprintf(&name, "%.155s/%.100s",
			    (const char *)hd + 345, (const char *)hd) < 0)
				name = NULL;
		} else
			name = strndup((const char *)hd, 100);
		if (name == NULL)
			abort();
		free(longname);
		longname = NULL;
		pax_clear(&local);
		switch (type) {
		case '0': case '\0': case '7':
			tar_file(w, name, d + data, len);
			break;
		case '5':
			view_add(w, name, strlen(name), K_DIR, NULL, 0, NULL);
			break;
		case '1':
			view_add(w, name, strlen(name), K_FILE, "hard link", 0,
			    NULL);
			break;
		case '2':
			view_add(w, name, strlen(name), K_FILE,
			    "symbolic link", 0, NULL);
			break;
		case '3': case '4': case '6':
			view_add(w, name, strlen(name), K_FILE,
			    "device or FIFO", 0, NULL);
			break;
		case 'V':
			break;          /* a volume label: GNU tar skips it */
		case 'D': case 'M': case 'N': case 'S':
			view_fail(w, "a GNU '%c' entry (not read here)", type);
			break;
		default:
			/* GNU tar: "Unknown file type; extracted as normal
			 * file". */
			tar_file(w, name, d + data, len);
			break;
		}
	}
	free(name);
	free(longname);
	pax_clear(&local);
	pax_clear(&global);
}


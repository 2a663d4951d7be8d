/*
 * reader_zip.c — the raw ZIP structures behind libarchive's reading: the
 * end records, the central directory and every local header must describe
 * one and the same set of entries, and account for every byte.
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

/* ---- ZIP: nothing before or after the ZIP proper ----------------------- */

/*
 * Every central directory entry must agree with its local header (name,
 * flags, method, and CRC and sizes when the header carries them), and the
 * entries must tile the file from byte 0 to the central directory with
 * nothing hidden between them and nothing shared.  Readers differ in which
 * of the two copies of a name they believe (libarchive takes the local
 * header, unzip the central directory), so any disagreement could make
 * verify check one set of files and an extractor write another.
 */
struct zip_span {
	uint64_t off;           /* local header */
	uint64_t end;           /* end of data (descriptor excluded) */
	uint32_t crc;
	int descriptor;         /* flag bit 3: a data descriptor follows */
};

static int
span_cmp(const void *a, const void *b)
{
	const struct zip_span *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

static ex_status
zip_headers_check(bundle_loader *L, int fd, uint64_t cd_off,
    uint64_t cd_size, uint64_t count, ex_error *err)
{
	unsigned char *cd = NULL, lh[30], lname[65536], dd[24];
	struct zip_span *v = NULL;
	uint64_t pos = 0, i, n = 0;
	char shown[300];
	ex_status s = EX_OK;

#define ZIP_BAD(kind, ...) do { \
	s = bundle_problem(L, kind, shown, err, __VA_ARGS__); goto out; \
} while (0)
	snprintf(shown, sizeof(shown), "%s", "");
	if (cd_size > ((uint64_t)64 << 20) || count > cd_size / 46 + 1)
		ZIP_BAD(EX_PROBLEM_LIMIT, "ZIP central directory too large "
		    "(%llu bytes, %llu entries)", (unsigned long long)cd_size,
		    (unsigned long long)count);
	if ((cd = malloc(cd_size + 1)) == NULL ||
	    (v = calloc(count + 1, sizeof(*v))) == NULL) {
		s = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (cd_size > 0 && bundle_read_at(fd, cd, (size_t)cd_size, cd_off) != 0)
		ZIP_BAD(EX_PROBLEM_UNREADABLE, "ZIP central directory cannot "
		    "be read");
	for (i = 0; i < count; i++) {
		const unsigned char *e = cd + pos;
		uint64_t csize, usize, off, dend;
		unsigned nlen, xlen, clen, lnlen, lxlen, flags;

		if (pos + 46 > cd_size || bundle_le32(e) != 0x02014b50)
			ZIP_BAD(EX_PROBLEM_UNREADABLE, "ZIP central directory "
			    "entry %llu is damaged", (unsigned long long)i + 1);
		nlen = e[28] | (unsigned)e[29] << 8;
		xlen = e[30] | (unsigned)e[31] << 8;
		clen = e[32] | (unsigned)e[33] << 8;
		if (pos + 46 + nlen + xlen + clen > cd_size)
			ZIP_BAD(EX_PROBLEM_UNREADABLE, "ZIP central directory "
			    "entry %llu is damaged", (unsigned long long)i + 1);
		snprintf(shown, sizeof(shown), "%.*s", (int)nlen, e + 46);
		flags = e[8] | (unsigned)e[9] << 8;
		csize = bundle_le32(e + 20);
		usize = bundle_le32(e + 24);
		off = bundle_le32(e + 42);
		/* Zip64: the fields that read 0xffffffff follow in order. */
		{
			const unsigned char *x = e + 46 + nlen;
			unsigned k = 0;

			while (k + 4 <= xlen) {
				unsigned id = x[k] | (unsigned)x[k + 1] << 8;
				unsigned sz = x[k + 2] | (unsigned)x[k + 3] << 8;
				unsigned q = k + 4;

				if (k + 4 + sz > xlen)
					break;
				if (id == 0x0001) {
					if (usize == 0xffffffffu && q + 8 <= k + 4 + sz)
						usize = bundle_le64(x + q), q += 8;
					if (csize == 0xffffffffu && q + 8 <= k + 4 + sz)
						csize = bundle_le64(x + q), q += 8;
					if (off == 0xffffffffu && q + 8 <= k + 4 + sz)
						off = bundle_le64(x + q);
				}
				k += 4 + sz;
			}
		}
		if (off + 30 > cd_off || bundle_read_at(fd, lh, 30, off) != 0 ||
		    bundle_le32(lh) != 0x04034b50)
			ZIP_BAD(EX_PROBLEM_UNREADABLE, "no ZIP local header "
			    "where the central directory says (offset %llu)",
			    (unsigned long long)off);
		lnlen = lh[26] | (unsigned)lh[27] << 8;
		lxlen = lh[28] | (unsigned)lh[29] << 8;
		if (lnlen != nlen || off + 30 + lnlen > cd_off ||
		    bundle_read_at(fd, lname, lnlen, off + 30) != 0 ||
		    memcmp(lname, e + 46, nlen) != 0) {
			char lshown[300];

			bundle_display_n(lname, lnlen <= cd_off - off - 30 ? lnlen : 0,
			    lshown, sizeof(lshown));
			ZIP_BAD(EX_PROBLEM_UNREADABLE, "ZIP central directory "
			    "and local header disagree: the local header names "
			    "it '%s'", lshown);
		}
		if (((lh[6] | (unsigned)lh[7] << 8) & 0x0009) !=
		    (flags & 0x0009) || memcmp(lh + 8, e + 10, 2) != 0)
			ZIP_BAD(EX_PROBLEM_UNREADABLE, "ZIP central directory "
			    "and local header disagree on flags or compression");
		if (!(flags & 0x0008) && (memcmp(lh + 14, e + 16, 4) != 0 ||
		    (bundle_le32(lh + 18) != 0xffffffffu &&
		    (bundle_le32(lh + 18) != csize || bundle_le32(lh + 22) != usize))))
			ZIP_BAD(EX_PROBLEM_SIZE, "ZIP central directory and "
			    "local header disagree on CRC or size");
		dend = off + 30 + lnlen + lxlen + csize;
		if (dend < off || dend > cd_off)
			ZIP_BAD(EX_PROBLEM_SIZE, "ZIP entry data runs past the "
			    "central directory");
		v[n].off = off;
		v[n].end = dend;
		v[n].crc = bundle_le32(e + 16);
		v[n].descriptor = (flags & 0x0008) != 0;
		n++;
		pos += 46 + nlen + xlen + clen;
	}
	snprintf(shown, sizeof(shown), "%s", "");
	if (pos != cd_size)
		ZIP_BAD(EX_PROBLEM_TRAILING, "%llu bytes in the ZIP central "
		    "directory after its last entry",
		    (unsigned long long)(cd_size - pos));
	qsort(v, n, sizeof(*v), span_cmp);
	for (i = 0; i < n; i++) {
		uint64_t next = i + 1 < n ? v[i + 1].off : cd_off;
		uint64_t gap;

		if (next < v[i].end)
			ZIP_BAD(EX_PROBLEM_TRAILING, "ZIP entries overlap (at "
			    "byte %llu)", (unsigned long long)next);
		gap = next - v[i].end;
		if (v[i].descriptor) {
			/* crc, sizes (4 or 8 bytes each), maybe a signature */
			size_t sig = 0;

			if (gap > sizeof(dd) || bundle_read_at(fd, dd, (size_t)gap,
			    v[i].end) != 0)
				goto hidden;
			if (gap >= 4 && bundle_le32(dd) == 0x08074b50)
				sig = 4;
			if (gap - sig != 12 && gap - sig != 20)
				goto hidden;
			if (bundle_le32(dd + sig) != v[i].crc)
				ZIP_BAD(EX_PROBLEM_SIZE, "ZIP data descriptor "
				    "and central directory disagree on CRC (at "
				    "byte %llu)", (unsigned long long)v[i].end);
			continue;
		}
		if (gap == 0)
			continue;
hidden:
		ZIP_BAD(EX_PROBLEM_TRAILING, "%llu bytes hidden between ZIP "
		    "entries (at byte %llu)", (unsigned long long)gap,
		    (unsigned long long)v[i].end);
	}
	if (n > 0 && v[0].off != 0)
		ZIP_BAD(EX_PROBLEM_TRAILING, "data before the first ZIP entry");
#undef ZIP_BAD
out:
	free(cd);
	free(v);
	return s;
}

/*
 * The end-of-central-directory record must end the file, and the central
 * directory must end where it starts (or where the Zip64 record does):
 * otherwise something was appended or prepended that a reader could see
 * and another would not.
 */
ex_status
bundle_zip_check(bundle_loader *L, const char *path, ex_error *err)
{
	unsigned char tail[65557], rec[56], head[4];
	uint64_t size, start, eocd = 0, cd_off, cd_size, end_of_cd, count;
	size_t n, i;
	int fd, found = 0;
	struct stat st;
	ex_status s = EX_OK;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ex_error_errno(err, "%s", path);
	if (fstat(fd, &st) != 0) {
		s = ex_error_errno(err, "%s", path);
		goto out;
	}
	size = (uint64_t)st.st_size;
	n = size < sizeof(tail) ? (size_t)size : sizeof(tail);
	start = size - n;
	if (n < 22 || bundle_read_at(fd, tail, n, start) != 0) {
		s = bundle_problem(L, EX_PROBLEM_TRAILING, "", err,
		    "ZIP too short for an end-of-central-directory record");
		goto out;
	}
	for (i = n - 22 + 1; i-- > 0;) {
		if (bundle_le32(tail + i) == 0x06054b50) {
			eocd = start + i;
			found = 1;
			break;
		}
	}
	if (!found) {
		s = bundle_problem(L, EX_PROBLEM_TRAILING, "", err,
		    "no ZIP end-of-central-directory record near the end of "
		    "the file (data appended after the ZIP?)");
		goto out;
	}
	i = (size_t)(eocd - start);
	if (eocd + 22 + (tail[i + 20] | (unsigned)tail[i + 21] << 8) != size) {
		s = bundle_problem(L, EX_PROBLEM_TRAILING, "", err,
		    "%llu bytes after the end of the ZIP",
		    (unsigned long long)(size - eocd - 22 -
		    (tail[i + 20] | (unsigned)tail[i + 21] << 8)));
		goto out;
	}
	count = tail[i + 10] | (unsigned)tail[i + 11] << 8;
	cd_size = bundle_le32(tail + i + 12);
	cd_off = bundle_le32(tail + i + 16);
	end_of_cd = eocd;
	if (eocd >= 20 && bundle_read_at(fd, rec, 20, eocd - 20) == 0 &&
	    bundle_le32(rec) == 0x07064b50) {
		uint64_t z64 = bundle_le64(rec + 8);

		if (z64 + 56 > eocd - 20 || bundle_read_at(fd, rec, 56, z64) != 0 ||
		    bundle_le32(rec) != 0x06064b50 ||
		    z64 + 12 + bundle_le64(rec + 4) != eocd - 20) {
			s = bundle_problem(L, EX_PROBLEM_TRAILING, "", err,
			    "ZIP64 end-of-central-directory record is not "
			    "where the locator says");
			goto out;
		}
		count = bundle_le64(rec + 32);
		cd_size = bundle_le64(rec + 40);
		cd_off = bundle_le64(rec + 48);
		end_of_cd = z64;
	}
	if (cd_off + cd_size != end_of_cd) {
		s = bundle_problem(L, EX_PROBLEM_TRAILING, "", err,
		    "ZIP central directory is not where the end record says "
		    "(%llu bytes before the ZIP proper?)",
		    (unsigned long long)(end_of_cd - cd_off - cd_size));
		goto out;
	}
	if (cd_off > 0 && (bundle_read_at(fd, head, 4, 0) != 0 ||
	    bundle_le32(head) != 0x04034b50)) {
		s = bundle_problem(L, EX_PROBLEM_TRAILING, "", err,
		    "data before the first ZIP entry");
		goto out;
	}
	s = zip_headers_check(L, fd, cd_off, cd_size, count, err);
out:
	close(fd);
	return s;
}

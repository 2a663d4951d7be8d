/*
 * fuzz_verify_diff.c — a differential target for ex_verify (issue 11):
 * whenever verify PASSES an input (intact, and signed by the committed
 * test key tests/fixtures/keys/minisign-w.pub), two other readers must
 * see exactly the files verify checked, with the same sizes and SHA-256:
 *
 *  (a) libarchive read another way than exhibit's loader: ZIP through
 *      archive_read_support_format_zip_seekable (the central directory
 *      decides, as unzip and Python's zipfile do; exhibit streams the
 *      local headers), tar through the plain tar reader from memory;
 *  (b) a raw walker written here and sharing no code with src/lib/bundle:
 *      ZIP from the end record (and Zip64 locator) through the central
 *      directory to each local header's stored data, honouring Zip64
 *      sizes and the Info-ZIP Unicode Path field as unzip does; tar from
 *      the 512-byte headers, honouring pax 'x'/'g' path and size records,
 *      GNU 'L' long names and the ustar prefix as GNU tar does.
 *
 * Paths are compared relative to the single top folder (and the top
 * folder against the report's).  Any difference, or a reader that cannot
 * read what verify passed, calls abort() with a message saying which
 * reader saw what.  ISO and folder bundles are out of scope.
 *
 * Environment (read once):
 *   FUZZ_DIFF_SELFTEST=1   every input must PASS verify and agree; then
 *                          each planted disagreement below must be caught
 *                          (run.sh runs the seeds this way first);
 *   FUZZ_DIFF_PLANT=libarchive|raw   corrupt that reader's view (flip a
 *                          bit of its first file's SHA-256, or drop its
 *                          last file): the target must then abort.
 */
#include "config.h"

#include <stdarg.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include "exhibit/sign.h"
#include "exhibit/verify.h"
#include "diff_view.h"
#include "fuzz_common.h"

/* tests/fixtures/keys/minisign-w.pub: the seeds are signed with it. */
static const char trusted_text[] =
    "untrusted comment: minisign public key 7135FD7A29375142\n"
    "RWRCUTcpev01cYDGlNDONJYLU0n/aaskZMO5FvbFuo1F7Rw4dmepeffU\n";
static ex_pubkey trusted;

enum plant { PLANT_NONE, PLANT_LIBARCHIVE, PLANT_RAW };
static enum plant plant_mode;
static int selftest;
/* Inputs run, and those verify passed (each then compared). */
static unsigned long long runs, passes;

/* ---- one reader's view of the bundle --------------------------------- */

/* (struct item, struct view: diff_view.h) */

static void
view_free(struct view *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
	free(w->top);
	memset(w, 0, sizeof(*w));
}

/* s as it may be printed: control bytes, non-ASCII and '\' as \xHH. */
const char *
shown(const char *s, size_t n, char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

/* Record the first reason this reader cannot read the bundle. */
void
view_fail(struct view *w, const char *fmt, ...)
{
	va_list ap;

	if (w->fail[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(w->fail, sizeof(w->fail), fmt, ap);
	va_end(ap);
	if (w->fail[0] == '\0')
		snprintf(w->fail, sizeof(w->fail), "?");
}

static void
sha_hex(const unsigned char sha[32], char hex[65])
{
	size_t i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sha[i]);
}

/*
 * Add an entry named name (n bytes, as stored) to the view, as an
 * extractor would place it: empty and "." components dropped; "..", an
 * absolute name, a NUL in the name, a second top folder or a file at the
 * top level make the view fail.  kind_name is NULL for a file or folder,
 * else what else it is ("symbolic link", ...), which also fails.
 */
void
view_add(struct view *w, const char *name, size_t n, enum kind kind,
    const char *kind_name, uint64_t size, const unsigned char sha[32])
{
	char buf[300], *norm = NULL, *rest;
	size_t i, o = 0, ncomp = 0, toplen = 0;

	if (w->fail[0] != '\0')
		return;
	shown(name, n, buf, sizeof(buf));
	if (kind_name != NULL) {
		view_fail(w, "a %s at '%s'", kind_name, buf);
		return;
	}
	if (memchr(name, '\0', n) != NULL || n == 0) {
		view_fail(w, "an entry '%s' with an empty name or a NUL byte "
		    "in it", buf);
		return;
	}
	if (name[0] == '/') {
		view_fail(w, "an absolute name '%s'", buf);
		return;
	}
	if ((norm = malloc(n + 1)) == NULL)
		abort();
	for (i = 0; i < n;) {
		size_t len = 0;

		while (i + len < n && name[i + len] != '/')
			len++;
		if (len == 0 || (len == 1 && name[i] == '.')) {
			i += len + 1;
			continue;
		}
		if (len == 2 && name[i] == '.' && name[i + 1] == '.') {
			view_fail(w, "a name leaving the bundle '%s'", buf);
			goto out;
		}
		if (ncomp++ > 0)
			norm[o++] = '/';
		else
			toplen = len;
		memcpy(norm + o, name + i, len);
		o += len;
		i += len + 1;
	}
	norm[o] = '\0';
	if (ncomp == 0) {
		if (kind != K_DIR)
			view_fail(w, "a file without a name '%s'", buf);
		goto out;
	}
	if (w->top == NULL) {
		if ((w->top = strndup(norm, toplen)) == NULL)
			abort();
	} else if (strlen(w->top) != toplen ||
	    strncmp(w->top, norm, toplen) != 0) {
		view_fail(w, "'%s' in a second top folder", buf);
		goto out;
	}
	if (ncomp == 1) {
		if (kind != K_DIR)
			view_fail(w, "a file '%s' at the top level", buf);
		goto out;
	}
	rest = norm + toplen + 1;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct item *v = realloc(w->v, cap * sizeof(*v));

		if (v == NULL)
			abort();
		w->v = v;
		w->cap = cap;
	}
	memset(&w->v[w->n], 0, sizeof(w->v[w->n]));
	if ((w->v[w->n].path = strdup(rest)) == NULL)
		abort();
	w->v[w->n].kind = kind;
	w->v[w->n].size = size;
	if (kind == K_FILE)
		sha_hex(sha, w->v[w->n].sha);
	w->n++;
out:
	free(norm);
}

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c != 0 ? c : (int)x->kind - (int)y->kind;
}

/* ---- what verify checked ---------------------------------------------- */

static void
view_from_report(struct view *w, const ex_verify_report *r)
{
	size_t i;

	w->who = "ex_verify";
	if ((w->top = strdup(r->top != NULL ? r->top : "")) == NULL)
		abort();
	if ((w->v = calloc(r->nfiles + 1, sizeof(*w->v))) == NULL)
		abort();
	w->cap = r->nfiles + 1;
	for (i = 0; i < r->nfiles; i++) {
		const ex_verify_file *f = &r->files[i];
		struct item *it = &w->v[w->n++];

		if ((it->path = strdup(f->path)) == NULL)
			abort();
		it->kind = f->role != NULL && strcmp(f->role, "folder") == 0 ?
		    K_DIR : K_FILE;
		it->size = f->size;
		snprintf(it->sha, sizeof(it->sha), "%s", f->sha256);
	}
}

/* ---- (a) libarchive, read another way --------------------------------- */

static void
read_libarchive(struct view *w, const uint8_t *data, size_t size, int zip)
{
	static unsigned char buf[65536];
	crypto_hash_sha256_state h;
	unsigned char sha[32];
	struct archive *a;
	struct archive_entry *ae;
	const char *name;
	la_ssize_t got;
	uint64_t n;
	int r;

	w->who = zip ? "libarchive (zip_seekable: central directory)" :
	    "libarchive (tar, from memory)";
	if ((a = archive_read_new()) == NULL)
		abort();
	if (zip)
		archive_read_support_format_zip_seekable(a);
	else
		archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, data, size) != ARCHIVE_OK) {
		view_fail(w, "cannot open it: %s", archive_error_string(a) ?
		    archive_error_string(a) : "?");
		goto out;
	}
	while (w->fail[0] == '\0') {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			view_fail(w, "damaged: %s", archive_error_string(a) ?
			    archive_error_string(a) : "?");
			break;
		}
		if ((name = archive_entry_pathname(ae)) == NULL)
			name = "";
		if (archive_entry_hardlink(ae) != NULL) {
			view_add(w, name, strlen(name), K_FILE, "hard link",
			    0, NULL);
			continue;
		}
		switch (archive_entry_filetype(ae)) {
		case AE_IFDIR:
			view_add(w, name, strlen(name), K_DIR, NULL, 0, NULL);
			continue;
		case AE_IFREG:
			break;
		case AE_IFLNK:
			view_add(w, name, strlen(name), K_FILE,
			    "symbolic link", 0, NULL);
			continue;
		default:
			view_add(w, name, strlen(name), K_FILE,
			    "device, FIFO or other special entry", 0, NULL);
			continue;
		}
		crypto_hash_sha256_init(&h);
		n = 0;
		while ((got = archive_read_data(a, buf, sizeof(buf))) > 0) {
			crypto_hash_sha256_update(&h, buf, (size_t)got);
			n += (uint64_t)got;
		}
		crypto_hash_sha256_final(&h, sha);
		if (got < 0) {
			char b[300];

			view_fail(w, "cannot read the data of '%s': %s",
			    shown(name, strlen(name), b, sizeof(b)),
			    archive_error_string(a) ?
			    archive_error_string(a) : "?");
			break;
		}
		view_add(w, name, strlen(name), K_FILE, NULL, n, sha);
	}
out:
	archive_read_free(a);
}

/* ---- comparing --------------------------------------------------------- */

/*
 * The regular files of got against those verify checked (ref): same
 * paths, sizes and SHA-256, and the same top folder.  Folders are not
 * compared (a folder verify covers holds a covered file).  Returns 0, or
 * -1 with the first difference in msg.
 */
static int
view_compare(struct view *ref, struct view *got, char *msg, size_t size)
{
	struct view *w[2] = { ref, got };
	char b1[300], b2[300];
	size_t i, k, a = 0, b = 0;

	if (got->fail[0] != '\0') {
		snprintf(msg, size, "verify PASSED it but %s cannot read it: "
		    "%s", got->who, got->fail);
		return -1;
	}
	if (got->top == NULL || strcmp(got->top, ref->top) != 0) {
		snprintf(msg, size, "verify checked top folder '%s', %s sees "
		    "'%s'", shown(ref->top, strlen(ref->top), b1, sizeof(b1)),
		    got->who, got->top == NULL ? "(none)" :
		    shown(got->top, strlen(got->top), b2, sizeof(b2)));
		return -1;
	}
	/* Keep the files only, sorted. */
	for (k = 0; k < 2; k++) {
		size_t o = 0;

		for (i = 0; i < w[k]->n; i++) {
			if (w[k]->v[i].kind == K_FILE)
				w[k]->v[o++] = w[k]->v[i];
			else
				free(w[k]->v[i].path);
		}
		w[k]->n = o;
		qsort(w[k]->v, w[k]->n, sizeof(*w[k]->v), item_cmp);
		for (i = 1; i < w[k]->n; i++) {
			if (strcmp(w[k]->v[i].path, w[k]->v[i - 1].path) == 0) {
				snprintf(msg, size, "%s sees '%s' twice",
				    w[k]->who, shown(w[k]->v[i].path,
				    strlen(w[k]->v[i].path), b1, sizeof(b1)));
				return -1;
			}
		}
	}
	while (a < ref->n || b < got->n) {
		const struct item *x = a < ref->n ? &ref->v[a] : NULL;
		const struct item *y = b < got->n ? &got->v[b] : NULL;
		int c = x == NULL ? 1 : y == NULL ? -1 :
		    strcmp(x->path, y->path);

		if (c < 0) {
			snprintf(msg, size, "verify checked '%s' (%llu bytes) "
			    "but %s does not see it", shown(x->path,
			    strlen(x->path), b1, sizeof(b1)),
			    (unsigned long long)x->size, got->who);
			return -1;
		}
		if (c > 0) {
			snprintf(msg, size, "%s sees a file '%s' (%llu bytes, "
			    "sha256 %s) that verify did not check", got->who,
			    shown(y->path, strlen(y->path), b1, sizeof(b1)),
			    (unsigned long long)y->size, y->sha);
			return -1;
		}
		if (x->size != y->size || strcmp(x->sha, y->sha) != 0) {
			snprintf(msg, size, "'%s': verify checked %llu bytes "
			    "with sha256 %s, %s reads %llu bytes with sha256 "
			    "%s", shown(x->path, strlen(x->path), b1,
			    sizeof(b1)), (unsigned long long)x->size, x->sha,
			    got->who, (unsigned long long)y->size, y->sha);
			return -1;
		}
		a++;
		b++;
	}
	return 0;
}

/* Damage one reader's view on purpose (FUZZ_DIFF_PLANT, the self-test). */
static void
view_plant(struct view *w)
{
	size_t i;

	if (w->fail[0] != '\0')
		return;
	if (plant_mode == PLANT_LIBARCHIVE) {
		for (i = 0; i < w->n; i++) {
			if (w->v[i].kind == K_FILE) {
				w->v[i].sha[0] = w->v[i].sha[0] == '0' ?
				    '1' : '0';
				return;
			}
		}
	} else if (plant_mode == PLANT_RAW) {
		for (i = w->n; i-- > 0;) {
			if (w->v[i].kind == K_FILE) {
				free(w->v[i].path);
				memmove(&w->v[i], &w->v[i + 1],
				    (w->n - i - 1) * sizeof(w->v[i]));
				w->n--;
				return;
			}
		}
	}
}

/* Read the bundle both ways and compare each with verify's report.
 * Returns 0, or -1 with the first difference in msg. */
static int
differ(const ex_verify_report *r, const uint8_t *data, size_t size,
    char *msg, size_t msgsize)
{
	struct view ref, la, raw;
	int zip = strcmp(r->container, "zip") == 0, bad;

	memset(&la, 0, sizeof(la));
	memset(&raw, 0, sizeof(raw));
	read_libarchive(&la, data, size, zip);
	if (zip)
		walk_zip(&raw, data, size);
	else
		walk_tar(&raw, data, size);
	if (plant_mode == PLANT_LIBARCHIVE)
		view_plant(&la);
	else if (plant_mode == PLANT_RAW)
		view_plant(&raw);
	memset(&ref, 0, sizeof(ref));
	view_from_report(&ref, r);
	bad = view_compare(&ref, &la, msg, msgsize);
	if (!bad) {
		view_free(&ref);
		view_from_report(&ref, r);
		bad = view_compare(&ref, &raw, msg, msgsize);
	}
	view_free(&ref);
	view_free(&la);
	view_free(&raw);
	return bad;
}

/* ---- a mutator that keeps the signed bytes -------------------------- */

/*
 * A byte changed inside a signed file can never pass verify, and files
 * are most of a bundle; so most mutations go to the container's own
 * structures: ZIP local and central headers, data descriptors and end
 * records, tar header blocks (their checksum then mostly made right
 * again) and pax records.  One has a byte changed or is mutated in
 * place, is duplicated, removed, or has bytes inserted after it; else the
 * whole input is mutated as libFuzzer would.
 */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
    unsigned int seed);

struct region {
	size_t off, len;
	int tar;                /* a tar header block (has a checksum) */
};

static size_t
find_regions(const uint8_t *d, size_t size, struct region *v, size_t max)
{
	size_t n = 0, i, len;

	if (size >= 4 && memcmp(d, "PK\3\4", 4) == 0) {
		for (i = 0; i + 4 <= size && n < max; i++) {
			if (d[i] != 'P' || d[i + 1] != 'K')
				continue;
			len = 0;
			switch (le32(d + i)) {
			case 0x04034b50:
				if (i + 30 <= size)
					len = 30 + le16(d + i + 26) +
					    le16(d + i + 28);
				break;
			case 0x02014b50:
				if (i + 46 <= size)
					len = 46 + le16(d + i + 28) +
					    le16(d + i + 30) + le16(d + i + 32);
				break;
			case 0x06054b50: len = 22; break;
			case 0x06064b50: len = 56; break;
			case 0x07064b50: len = 20; break;
			case 0x08074b50: len = 16; break;
			}
			if (len == 0)
				continue;
			if (len > size - i)
				len = size - i;
			v[n].off = i;
			v[n].len = len;
			v[n++].tar = 0;
		}
		return n;
	}
	for (i = 0; i + 512 <= size && n < max; i += 512) {
		if (memcmp(d + i + 257, "ustar", 5) != 0)
			continue;
		v[n].off = i;
		v[n].len = 512;
		v[n++].tar = 1;
		if ((d[i + 156] == 'x' || d[i + 156] == 'g') &&
		    i + 1024 <= size && n < max) {
			v[n].off = i + 512;
			v[n].len = 512;
			v[n++].tar = 0;
		}
	}
	return n;
}

static void
tar_fix_checksum(uint8_t *h)
{
	unsigned sum = 0, i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum & 0777777);
	h[155] = ' ';
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
    unsigned int seed)
{
	static struct region v[4096];
	static uint8_t tmp[65536];
	uint32_t x = seed * 2654435761u + 1;
	size_t n, k, len;
	struct region *r;

#define RND() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
	n = find_regions(data, size, v, sizeof(v) / sizeof(v[0]));
	if (n == 0 || RND() % 8 == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	r = &v[RND() % n];
	len = r->len < sizeof(tmp) ? r->len : sizeof(tmp);
	switch (RND() % 8) {
	case 0:         /* duplicate it right after itself */
		if (size + len > max_size)
			return size;
		memmove(data + r->off + len, data + r->off, size - r->off);
		return size + len;
	case 1:         /* remove it */
		memmove(data + r->off, data + r->off + r->len,
		    size - r->off - r->len);
		return size - r->len;
	case 2:         /* insert bytes after it: zeros or a mutated copy */
		k = 1 + RND() % (r->tar ? 512 : 64);
		if (RND() % 2 && r->tar)
			k = 512;
		if (size + k > max_size || k > sizeof(tmp))
			return size;
		memset(tmp, 0, k);
		if (RND() % 2) {
			memcpy(tmp, data + r->off, k < len ? k : len);
			k = LLVMFuzzerMutate(tmp, k < len ? k : len, k);
		}
		memmove(data + r->off + r->len + k, data + r->off + r->len,
		    size - r->off - r->len);
		memcpy(data + r->off + r->len, tmp, k);
		return size + k;
	case 3:         /* one byte of it: a field verify may not check */
	case 4:
		k = RND() % len;
		switch (RND() % 4) {
		case 0: data[r->off + k] = 0; break;
		case 1: data[r->off + k] ^= (uint8_t)(1u << RND() % 8); break;
		case 2: data[r->off + k] = (uint8_t)('0' + RND() % 8); break;
		default: data[r->off + k] = (uint8_t)RND(); break;
		}
		if (r->tar && RND() % 4 != 0)
			tar_fix_checksum(data + r->off);
		return size;
	default:        /* mutate it in place, same length */
		memcpy(tmp, data + r->off, len);
		k = LLVMFuzzerMutate(tmp, len, len);
		memcpy(data + r->off, tmp, k);
		if (r->tar && RND() % 4 != 0)
			tar_fix_checksum(data + r->off);
		return size;
	}
#undef RND
}

/* ---- the target -------------------------------------------------------- */

static void
say_counts(void)
{
	fprintf(stderr, "fuzz_verify_diff: %llu inputs, %llu passed verify "
	    "and were compared\n", runs, passes);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *p = getenv("FUZZ_DIFF_PLANT");
	ex_error err;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	crc_init();
	if (ex_pubkey_parse(trusted_text, sizeof(trusted_text) - 1, &trusted,
	    &err) != EX_OK) {
		fprintf(stderr, "fuzz_verify_diff: the test key does not "
		    "parse\n");
		abort();
	}
	if (p != NULL && strcmp(p, "libarchive") == 0)
		plant_mode = PLANT_LIBARCHIVE;
	else if (p != NULL && strcmp(p, "raw") == 0)
		plant_mode = PLANT_RAW;
	else if (p != NULL && p[0] != '\0') {
		fprintf(stderr, "fuzz_verify_diff: FUZZ_DIFF_PLANT is "
		    "'libarchive' or 'raw'\n");
		abort();
	}
	selftest = getenv("FUZZ_DIFF_SELFTEST") != NULL &&
	    strcmp(getenv("FUZZ_DIFF_SELFTEST"), "1") == 0;
	atexit(say_counts);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ex_verify_report *r = NULL;
	const char *name = "bundle", *path;
	char msg[2048];
	ex_error err;
	size_t i;

	/* Named by what it holds, so verify's name check passes. */
	if (size >= 4 && memcmp(data, "PK\3\4", 4) == 0)
		name = "bundle.zip";
	else if (size >= 263 && memcmp(data + 257, "ustar", 5) == 0)
		name = "bundle.tar";
	path = fuzz_write(name, data, size, 0600);
	runs++;
	if (ex_verify(path, &trusted, 1, &r, &err) != EX_OK) {
		if (selftest) {
			fprintf(stderr, "fuzz_verify_diff: self-test: verify "
			    "cannot examine the seed: %s\n", err.message);
			abort();
		}
		return 0;
	}
	if (!r->passed || (strcmp(r->container, "zip") != 0 &&
	    strcmp(r->container, "tar") != 0)) {
		if (selftest) {
			fprintf(stderr, "fuzz_verify_diff: self-test: the seed "
			    "does not PASS verify (container %s); remake the "
			    "seeds (README.md).  Files with problems:\n",
			    r->container);
			for (i = 0; i < r->nfiles; i++)
				if (r->files[i].problem != NULL)
					fprintf(stderr, "  %s\n",
					    r->files[i].problem);
			abort();
		}
		goto out;
	}
	passes++;
	if (differ(r, data, size, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "fuzz_verify_diff: %s bundle: %s\n",
		    r->container, msg);
		abort();
	}
	if (selftest && plant_mode == PLANT_NONE) {
		static const enum plant plants[] = { PLANT_LIBARCHIVE,
		    PLANT_RAW };

		/* The comparison must fire when the readers disagree. */
		for (i = 0; i < sizeof(plants) / sizeof(plants[0]); i++) {
			plant_mode = plants[i];
			if (differ(r, data, size, msg, sizeof(msg)) == 0) {
				fprintf(stderr, "fuzz_verify_diff: self-test: "
				    "a planted disagreement (%s) was not "
				    "caught\n", i == 0 ? "libarchive" : "raw");
				abort();
			}
			fprintf(stderr, "fuzz_verify_diff: self-test: "
			    "planted (%s) caught: %s\n", i == 0 ?
			    "libarchive" : "raw", msg);
		}
		plant_mode = PLANT_NONE;
	}
out:
	ex_verify_report_free(&r);
	return 0;
}

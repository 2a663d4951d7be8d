/*
 * reader.c — load a bundle for verification without extracting it.
 *
 * ZIP, tar and ISO 9660 are read through libarchive (the format is found
 * from the content); a folder is walked by reader_dir.c.  Both feed the
 * loader below, which gives every entry its place relative to the bag
 * root, digests its bytes in chunks and keeps small tag-like files in
 * memory.  Anything structurally wrong is recorded as a problem naming the
 * entry and loading goes on, so verify can report everything at once.
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

#include "base.h"
#include "bundle/bundle_private.h"
#include "exhibit/fileio.h"

void
ex_bundle_limits_default(ex_bundle_limits *limits)
{
	limits->max_entries = 100000;
	limits->max_total_bytes = UINT64_C(1) << 40;
	limits->keep_max = (size_t)16 << 20;
	limits->keep_total_max = UINT64_C(256) << 20;
}

const char *
ex_bundle_entry_type_name(ex_bundle_entry_type type)
{
	switch (type) {
	case EX_ENTRY_FILE: return "file";
	case EX_ENTRY_DIR: return "dir";
	case EX_ENTRY_SYMLINK: return "symlink";
	case EX_ENTRY_HARDLINK: return "hardlink";
	default: return "other";
	}
}

/* ---- the loader ------------------------------------------------------- */

/* A name as it may be shown: control bytes, non-ASCII and '\' as \xHH. */
static void
display(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s != '\0' && o + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (*s != '\0' && o + 4 <= size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* display() of n bytes that need not be NUL-terminated. */
void
bundle_display_n(const unsigned char *p, size_t n, char *buf, size_t size)
{
	char tmp[300];

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	display(tmp, buf, size);
}

ex_status
bundle_problem(bundle_loader *L, ex_bundle_problem_kind kind,
    const char *path, ex_error *err, const char *fmt, ...)
{
	ex_status s;
	va_list ap;

	va_start(ap, fmt);
	s = bundle_problemv(L, kind, path, err, fmt, ap);
	va_end(ap);
	return s;
}

ex_status
bundle_problemv(bundle_loader *L, ex_bundle_problem_kind kind,
    const char *path, ex_error *err, const char *fmt, va_list ap)
{
	ex_bundle *b = L->b;
	ex_bundle_problem *p;
	char shown[512], why[512];
	size_t n;

	if (BASE_GROW(b->problems, L->capproblems, b->nproblems + 1) != 0)
		return base_nomem(err);
	vsnprintf(why, sizeof(why), fmt, ap);
	display(path, shown, sizeof(shown));
	p = &b->problems[b->nproblems];
	p->kind = kind;
	p->path = strdup(path);
	n = strlen(shown) + strlen(why) + 3;
	p->message = malloc(n);
	if (p->path == NULL || p->message == NULL) {
		free(p->path);
		free(p->message);
		return base_nomem(err);
	}
	if (shown[0] != '\0')
		snprintf(p->message, n, "%s: %s", shown, why);
	else
		snprintf(p->message, n, "%s", why);
	b->nproblems++;
	return EX_OK;
}

ex_status
bundle_name_check(bundle_loader *L, const char *name, const char *shown,
    ex_error *err)
{
	const unsigned char *c;

	for (c = (const unsigned char *)name; *c != '\0'; c++) {
		if (*c < 0x20 || *c == 0x7f)
			return bundle_problem(L, EX_PROBLEM_NAME, shown, err,
			    "name has a control character");
		if (*c >= 0x80)
			return bundle_problem(L, EX_PROBLEM_NAME, shown, err,
			    "name is not plain ASCII");
		if (*c == '\\')
			return bundle_problem(L, EX_PROBLEM_NAME, shown, err,
			    "name has a backslash");
	}
	return EX_OK;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Files whose content verify needs to parse (see bundle.h). */
static int
tag_like(const char *rel)
{
	return !bundle_is_payload(rel) || ends_with(rel, ".minisig") ||
	    ends_with(rel, ".pub") || ends_with(rel, ".txt") ||
	    ends_with(rel, ".xml");
}

ex_status
bundle_entry_begin(bundle_loader *L, const char *stored, const char *rel,
    ex_bundle_entry_type type, int64_t declared, ex_error *err)
{
	ex_bundle *b = L->b;
	ex_bundle_entry *e;
	ex_status st;

	L->cur = NULL;
	if (b->nentries >= L->lim.max_entries) {
		L->stopped = 1;
		return bundle_problem(L, EX_PROBLEM_LIMIT, "", err,
		    "more than %llu entries: stopped reading",
		    (unsigned long long)L->lim.max_entries);
	}
	if (base_grow(&b->entries, &L->capentries, b->nentries + 1,
	    sizeof(*b->entries), 64) != 0)
		return base_nomem(err);
	e = &b->entries[b->nentries];
	memset(e, 0, sizeof(*e));
	e->stored_name = strdup(stored);
	e->path = strdup(rel != NULL ? rel : stored);
	if (e->stored_name == NULL || e->path == NULL) {
		free(e->stored_name);
		free(e->path);
		return base_nomem(err);
	}
	b->nentries++;
	e->type = type;
	e->outside = rel == NULL;
	e->declared_size = declared;
	L->cur = e;
	L->keep = 0;
	L->keepcap = 0;
	if (type == EX_ENTRY_FILE) {
		/* One a failure left open (none after an end). */
		ex_hasher_wait(L->hasher);
		ex_digest_discard(&L->digest);
		if ((st = ex_digest_init(&L->digest, err)) != EX_OK)
			return st;
		L->keep = rel != NULL && tag_like(rel) && (declared < 0 ||
		    (uint64_t)declared <= L->lim.keep_max);
	}
	return EX_OK;
}

ex_status
bundle_entry_data(bundle_loader *L, const void *buf, size_t n, ex_error *err)
{
	ex_bundle_entry *e = L->cur;
	ex_bundle *b = L->b;

	if (b->total_bytes + n > L->lim.max_total_bytes) {
		L->stopped = 1;
		return bundle_problem(L, EX_PROBLEM_LIMIT, e->path, err,
		    "more than %llu bytes of content in the bundle: stopped "
		    "reading", (unsigned long long)L->lim.max_total_bytes);
	}
	ex_hasher_update(L->hasher, &L->digest, buf, n);
	if (buf == L->chunk)
		L->chunk = L->chunk == L->chunks[0] ? L->chunks[1] :
		    L->chunks[0];
	e->size += n;
	b->total_bytes += n;
	if (!L->keep)
		return EX_OK;
	if (e->content_len + n > L->lim.keep_max ||
	    L->kept_total + n > L->lim.keep_total_max) {
		ex_status st = EX_OK;

		if (L->kept_total + n > L->lim.keep_total_max)
			st = bundle_problem(L, EX_PROBLEM_LIMIT, e->path, err,
			    "more than %llu bytes of tag files",
			    (unsigned long long)L->lim.keep_total_max);
		L->kept_total -= e->content_len;
		free(e->content);
		e->content = NULL;
		e->content_len = 0;
		L->keep = 0;
		return st;
	}
	if (base_grow(&e->content, &L->keepcap, e->content_len + n + 1, 1,
	    4096) != 0)
		return base_nomem(err);
	memcpy(e->content + e->content_len, buf, n);
	e->content_len += n;
	e->content[e->content_len] = '\0';
	L->kept_total += n;
	return EX_OK;
}

ex_status
bundle_entry_end(bundle_loader *L, int complete, ex_error *err)
{
	ex_bundle_entry *e = L->cur;

	L->cur = NULL;
	ex_hasher_wait(L->hasher);
	if (e == NULL || e->type != EX_ENTRY_FILE)
		return EX_OK;
	if (!complete) {
		ex_digest_discard(&L->digest);
		L->kept_total -= e->content_len;
		free(e->content);
		e->content = NULL;
		e->content_len = 0;
		return EX_OK;
	}
	ex_digest_final(&L->digest, &e->digest);
	e->digested = 1;
	if (L->keep && e->content == NULL) {
		/* An empty tag file: keep "" so it reads as present. */
		if ((e->content = calloc(1, 1)) == NULL)
			return base_nomem(err);
	}
	if (e->declared_size >= 0 && (uint64_t)e->declared_size != e->size)
		return bundle_problem(L, EX_PROBLEM_SIZE, e->path, err,
		    "declared size %lld bytes but %llu bytes read",
		    (long long)e->declared_size,
		    (unsigned long long)e->size);
	return EX_OK;
}

/* Drop the loader's follow-on damage reports for a cut-short copy: the
 * one TRUNCATED problem says it all. */
void
bundle_drop_damage(bundle_loader *L)
{
	ex_bundle *b = L->b;
	size_t i, k = 0;

	for (i = 0; i < b->nproblems; i++) {
		if (b->problems[i].kind == EX_PROBLEM_UNREADABLE ||
		    b->problems[i].kind == EX_PROBLEM_SIZE) {
			free(b->problems[i].path);
			free(b->problems[i].message);
			continue;
		}
		b->problems[k++] = b->problems[i];
	}
	b->nproblems = k;
}

/* ---- raw bytes, for the format checks (reader_zip.c, reader_tar.c) -- */

uint32_t
bundle_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint64_t
bundle_le64(const unsigned char *p)
{
	return (uint64_t)bundle_le32(p) | (uint64_t)bundle_le32(p + 4) << 32;
}

int
bundle_read_at(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t r;
	size_t done = 0;

	while (done < n) {
		r = pread(fd, (char *)buf + done, n - done,
		    (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

/* ---- names: duplicates and file/folder clashes ------------------------ */

static ex_status
check_names(bundle_loader *L, ex_error *err)
{
	ex_bundle *b = L->b;
	bundle_names set = { NULL, 0, 0 };
	char **implicit = NULL;
	size_t nimplicit = 0, capimplicit = 0, i, len;
	const bundle_name *hit;
	const char *path, *slash;
	ex_status st = EX_OK;
	char *prefix;

	for (i = 0; i < b->nentries; i++) {
		const ex_bundle_entry *e = &b->entries[i];

		if (e->outside)
			continue;
		path = e->path;
		for (slash = strchr(path, '/'); slash != NULL;
		    slash = strchr(slash + 1, '/')) {
			len = (size_t)(slash - path);
			hit = bundle_names_find(&set, path, len);
			if (hit == NULL) {
				if (BASE_GROW(implicit, capimplicit,
				    nimplicit + 1) != 0 ||
				    (prefix = strndup(path, len)) == NULL)
					goto nomem;
				implicit[nimplicit++] = prefix;
				if (bundle_names_add(&set, prefix, 1,
				    SIZE_MAX) != 0)
					goto nomem;
				continue;
			}
			if (!hit->is_dir) {
				st = bundle_problem(L, EX_PROBLEM_DUPLICATE,
				    path, err, "'%.*s' is a file but is also "
				    "used as a folder", (int)len, path);
				break;
			}
			if (strncmp(hit->name, path, len) != 0) {
				st = bundle_problem(L, EX_PROBLEM_DUPLICATE,
				    path, err, "folder '%.*s' differs only in "
				    "case from '%s'", (int)len, path,
				    hit->name);
				break;
			}
		}
		if (st != EX_OK)
			goto out;
		hit = bundle_names_find(&set, path, strlen(path));
		if (hit == NULL) {
			if (bundle_names_add(&set, path,
			    e->type == EX_ENTRY_DIR, i) != 0)
				goto nomem;
		} else if (strcmp(hit->name, path) != 0) {
			st = bundle_problem(L, EX_PROBLEM_DUPLICATE, path, err,
			    "name differs only in case from '%s'", hit->name);
		} else if (hit->is_dir && e->type == EX_ENTRY_DIR) {
			/* a folder named twice holds nothing: harmless */
		} else if (hit->is_dir && hit->index == SIZE_MAX) {
			st = bundle_problem(L, EX_PROBLEM_DUPLICATE, path, err,
			    "is used both as a folder and as a %s",
			    ex_bundle_entry_type_name(e->type));
		} else {
			st = bundle_problem(L, EX_PROBLEM_DUPLICATE, path, err,
			    "two entries with this name");
		}
		if (st != EX_OK)
			goto out;
	}
	goto out;
nomem:
	st = base_nomem(err);
out:
	bundle_names_free(&set);
	for (i = 0; i < nimplicit; i++)
		free(implicit[i]);
	free(implicit);
	return st;
}

/* ---- lookup by path ---------------------------------------------------- */

struct index_item {
	const char *path;
	size_t i;
};

struct ex_bundle_index {
	struct index_item *v;
	size_t n;
};

static int
index_cmp(const void *a, const void *b)
{
	const struct index_item *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static ex_status
build_index(ex_bundle *b, ex_error *err)
{
	struct ex_bundle_index *ix;
	size_t i;

	if ((ix = calloc(1, sizeof(*ix))) == NULL ||
	    (ix->v = calloc(b->nentries + 1, sizeof(*ix->v))) == NULL) {
		free(ix);
		return base_nomem(err);
	}
	for (i = 0; i < b->nentries; i++) {
		if (b->entries[i].outside)
			continue;
		ix->v[ix->n].path = b->entries[i].path;
		ix->v[ix->n].i = i;
		ix->n++;
	}
	qsort(ix->v, ix->n, sizeof(*ix->v), index_cmp);
	b->index = ix;
	return EX_OK;
}

/* ---- entry points ----------------------------------------------------- */

/* Content read from a ZIP/tar/ISO file may exceed its size at most this
 * many times, plus the slack (room for a recompressed bag of tag files). */
#define BUNDLE_EXPANSION_MAX 16
#define BUNDLE_EXPANSION_SLACK ((uint64_t)64 << 20)

ex_status
ex_bundle_load(const char *path, const ex_bundle_limits *limits,
    ex_bundle **out, ex_error *err)
{
	bundle_loader L;
	struct stat st;
	ex_status s = EX_OK;
	int fd;

	*out = NULL;
	memset(&L, 0, sizeof(L));
	if (limits != NULL)
		L.lim = *limits;
	else
		ex_bundle_limits_default(&L.lim);
	if (path == NULL || path[0] == '\0')
		return ex_error_set(err, EX_ERR_USAGE, "no bundle given");
	/* A folder or a regular file, looked at without waiting
	 * (exhibit/fileio.h); a FIFO or a device is EX_ERR_UNSUPPORTED. */
	if ((s = ex_file_open(AT_FDCWD, path, EX_FILE_DIR, NULL, &fd, &st,
	    err)) != EX_OK)
		return s;
	close(fd);
	if ((L.b = calloc(1, sizeof(*L.b))) == NULL ||
	    (L.chunks[0] = malloc(BUNDLE_CHUNK)) == NULL ||
	    (L.chunks[1] = malloc(BUNDLE_CHUNK)) == NULL) {
		s = base_nomem(err);
		goto out;
	}
	L.chunk = L.chunks[0];
	/* BLAKE2b on a second core; without the thread, on this one. */
	(void)ex_hasher_new(&L.hasher, NULL);
	if (S_ISDIR(st.st_mode)) {
		L.b->kind = EX_CONTAINER_DIR;
		s = bundle_load_dir(&L, path, err);
	} else if (S_ISREG(st.st_mode)) {
		/* exhibit stores entries uncompressed; a bundle whose content
		 * is many times its size is a compression bomb: stop early. */
		uint64_t cap = (uint64_t)st.st_size * BUNDLE_EXPANSION_MAX +
		    BUNDLE_EXPANSION_SLACK;
		int capped = cap < L.lim.max_total_bytes;

		if (capped)
			L.lim.max_total_bytes = cap;
		s = bundle_load_archive(&L, path, err);
		if (s == EX_OK && capped && L.stopped &&
		    L.b->total_bytes + BUNDLE_CHUNK > cap)
			s = bundle_problem(&L, EX_PROBLEM_LIMIT, "", err,
			    "content expands to more than %d times the size of "
			    "the file (a compression bomb?): stopped reading",
			    BUNDLE_EXPANSION_MAX);
	} else {
		s = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: not a file or a folder", path);
	}
	if (s == EX_OK && L.b->top == NULL)
		L.b->top = strdup("");
	if (s == EX_OK && L.b->top == NULL)
		s = base_nomem(err);
	if (s == EX_OK)
		s = check_names(&L, err);
	if (s == EX_OK)
		s = build_index(L.b, err);
out:
	ex_hasher_free(&L.hasher);
	ex_digest_discard(&L.digest);   /* an entry a failure left open */
	free(L.chunks[0]);
	free(L.chunks[1]);
	if (s != EX_OK) {
		ex_bundle_free(&L.b);
		return s;
	}
	*out = L.b;
	return EX_OK;
}

void
ex_bundle_free(ex_bundle **bp)
{
	ex_bundle *b;
	size_t i;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	for (i = 0; i < b->nentries; i++) {
		free(b->entries[i].path);
		free(b->entries[i].stored_name);
		free(b->entries[i].link_target);
		free(b->entries[i].content);
	}
	free(b->entries);
	for (i = 0; i < b->nproblems; i++) {
		free(b->problems[i].path);
		free(b->problems[i].message);
	}
	free(b->problems);
	for (i = 0; i < b->nignored; i++)
		free(b->ignored[i].path);
	free(b->ignored);
	if (b->index != NULL)
		free(b->index->v);
	free(b->index);
	free(b->top);
	free(b);
	*bp = NULL;
}

const ex_bundle_entry *
ex_bundle_find(const ex_bundle *b, const char *path)
{
	size_t lo = 0, hi, mid;
	const struct ex_bundle_index *ix;

	if (b == NULL || path == NULL || (ix = b->index) == NULL)
		return NULL;
	/* The first item not below path: the lowest index among equals. */
	hi = ix->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ix->v[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && strcmp(ix->v[lo].path, path) == 0)
		return &b->entries[ix->v[lo].i];
	return NULL;
}

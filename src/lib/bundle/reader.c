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

#include <archive.h>
#include <archive_entry.h>

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
	ex_bundle *b = L->b;
	ex_bundle_problem *p;
	char shown[512], why[512];
	size_t n;
	va_list ap;

	if (b->nproblems == L->capproblems) {
		size_t cap = L->capproblems ? L->capproblems * 2 : 16;

		p = realloc(b->problems, cap * sizeof(*p));
		if (p == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		b->problems = p;
		L->capproblems = cap;
	}
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	display(path, shown, sizeof(shown));
	p = &b->problems[b->nproblems];
	p->kind = kind;
	p->path = strdup(path);
	n = strlen(shown) + strlen(why) + 3;
	p->message = malloc(n);
	if (p->path == NULL || p->message == NULL) {
		free(p->path);
		free(p->message);
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
	if (b->nentries == L->capentries) {
		size_t cap = L->capentries ? L->capentries * 2 : 64;

		e = realloc(b->entries, cap * sizeof(*e));
		if (e == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		b->entries = e;
		L->capentries = cap;
	}
	e = &b->entries[b->nentries];
	memset(e, 0, sizeof(*e));
	e->stored_name = strdup(stored);
	e->path = strdup(rel != NULL ? rel : stored);
	if (e->stored_name == NULL || e->path == NULL) {
		free(e->stored_name);
		free(e->path);
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	}
	b->nentries++;
	e->type = type;
	e->outside = rel == NULL;
	e->declared_size = declared;
	L->cur = e;
	L->keep = 0;
	L->keepcap = 0;
	if (type == EX_ENTRY_FILE) {
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
	unsigned char *p;

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
	if (e->content_len + n + 1 > L->keepcap) {
		size_t cap = L->keepcap ? L->keepcap : 4096;

		while (cap < e->content_len + n + 1)
			cap *= 2;
		if ((p = realloc(e->content, cap)) == NULL)
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		e->content = p;
		L->keepcap = cap;
	}
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
	ex_digest_result scratch;

	L->cur = NULL;
	ex_hasher_wait(L->hasher);
	if (e == NULL || e->type != EX_ENTRY_FILE)
		return EX_OK;
	if (!complete) {
		ex_digest_final(&L->digest, &scratch);
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
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
	size_t nimplicit = 0, i, len;
	const bundle_name *hit;
	const char *path, *slash;
	ex_status st = EX_OK;
	char *prefix;

	if ((implicit = calloc(b->nentries + 1, sizeof(*implicit))) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
				char **more;

				if ((prefix = strndup(path, len)) == NULL)
					goto nomem;
				more = realloc(implicit, (nimplicit + 2) *
				    sizeof(*more));
				if (more == NULL) {
					free(prefix);
					goto nomem;
				}
				implicit = more;
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
	st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
out:
	bundle_names_free(&set);
	for (i = 0; i < nimplicit; i++)
		free(implicit[i]);
	free(implicit);
	return st;
}

/* ---- archives --------------------------------------------------------- */

/*
 * Where an archive entry sits.  Sets *rel to a new string relative to the
 * bag root, or NULL when the entry is outside it (the problem recorded);
 * *skip when the entry is the top folder itself or the archive root.
 */
static ex_status
place(bundle_loader *L, const char *stored, int is_dir, char **rel,
    int *skip, ex_error *err)
{
	ex_bundle *b = L->b;
	char *norm, *out, *comp, *save = NULL;
	size_t ncomp = 0, toplen;
	int dotdot = 0;
	ex_status st;

	*rel = NULL;
	*skip = 0;
	if (stored[0] == '\0')
		return bundle_problem(L, EX_PROBLEM_NAME, "(empty)", err,
		    "entry with an empty name");
	if ((st = bundle_name_check(L, stored, stored, err)) != EX_OK)
		return st;
	if (stored[0] == '/')
		return bundle_problem(L, EX_PROBLEM_ABSOLUTE, stored, err,
		    "absolute path: leaves the bundle");
	/* Normalise: drop empty and "." components. */
	if ((norm = strdup(stored)) == NULL ||
	    (out = calloc(1, strlen(stored) + 1)) == NULL) {
		free(norm);
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	}
	for (comp = strtok_r(norm, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0)
			dotdot = 1;
		if (ncomp++ > 0)
			strcat(out, "/");
		strcat(out, comp);
	}
	free(norm);
	if (dotdot) {
		free(out);
		return bundle_problem(L, EX_PROBLEM_DOTDOT, stored, err,
		    "path leaves the bundle (..)");
	}
	if (ncomp == 0) {
		free(out);
		*skip = is_dir;
		if (is_dir)
			return EX_OK;
		return bundle_problem(L, EX_PROBLEM_NAME, stored, err,
		    "entry with an empty name");
	}
	toplen = strcspn(out, "/");
	if (b->top == NULL && (ncomp >= 2 || is_dir)) {
		if ((b->top = strndup(out, toplen)) == NULL) {
			free(out);
			return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		}
	}
	if (ncomp == 1 && !is_dir) {
		free(out);
		return bundle_problem(L, EX_PROBLEM_TOP, stored, err,
		    "outside the bundle's top folder (at the top level)");
	}
	if (strlen(b->top) != toplen || strncmp(out, b->top, toplen) != 0) {
		st = bundle_problem(L, EX_PROBLEM_TOP, stored, err,
		    "in a second top-level folder '%.*s' (the bundle's is "
		    "'%s')", (int)toplen, out, b->top);
		free(out);
		return st;
	}
	if (ncomp == 1) {
		free(out);
		*skip = 1;
		return EX_OK;
	}
	memmove(out, out + toplen + 1, strlen(out + toplen + 1) + 1);
	*rel = out;
	return EX_OK;
}

static ex_bundle_entry_type
entry_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e) != NULL)
		return EX_ENTRY_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: return EX_ENTRY_FILE;
	case AE_IFDIR: return EX_ENTRY_DIR;
	case AE_IFLNK: return EX_ENTRY_SYMLINK;
	default: return EX_ENTRY_OTHER;
	}
}

/* One archive entry: place it, flag it, read its data. */
static ex_status
load_entry(bundle_loader *L, struct archive *a, struct archive_entry *ae,
    const char *path, int *fatal, ex_error *err)
{
	ex_bundle_entry_type type = entry_type(ae);
	const char *stored = archive_entry_pathname(ae);
	const char *shown, *target;
	char *rel = NULL;
	ex_bundle_entry *e;
	int skip, complete = 0;
	la_ssize_t n;
	ex_status st;

	if (stored == NULL)
		stored = archive_entry_pathname_utf8(ae);
	if (stored == NULL)
		stored = "(unreadable name)";
	if ((st = place(L, stored, type == EX_ENTRY_DIR, &rel, &skip, err))
	    != EX_OK)
		goto out;
	if (skip)
		goto out;
	if ((st = bundle_entry_begin(L, stored, rel, type,
	    archive_entry_size_is_set(ae) && (type == EX_ENTRY_FILE) ?
	    (int64_t)archive_entry_size(ae) : -1, err)) != EX_OK ||
	    L->cur == NULL)
		goto out;
	e = L->cur;
	shown = e->path;
	if (type == EX_ENTRY_SYMLINK || type == EX_ENTRY_HARDLINK) {
		target = type == EX_ENTRY_SYMLINK ? archive_entry_symlink(ae) :
		    archive_entry_hardlink(ae);
		if (target != NULL &&
		    (e->link_target = strdup(target)) == NULL) {
			st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
			goto out;
		}
		st = bundle_problem(L, type == EX_ENTRY_SYMLINK ?
		    EX_PROBLEM_SYMLINK : EX_PROBLEM_HARDLINK, shown, err,
		    "%s link to '%s'", type == EX_ENTRY_SYMLINK ?
		    "symbolic" : "hard", target != NULL ? target : "?");
		goto end;
	}
	if (type == EX_ENTRY_OTHER) {
		st = bundle_problem(L, EX_PROBLEM_SPECIAL, shown, err,
		    "device, fifo or other special entry (mode %06o)",
		    (unsigned)archive_entry_mode(ae));
		goto end;
	}
	if (type != EX_ENTRY_FILE)
		goto end;
	if (archive_entry_is_encrypted(ae)) {
		st = bundle_problem(L, EX_PROBLEM_ENCRYPTED, shown, err,
		    "encrypted entry");
		goto end;
	}
	for (;;) {
		n = archive_read_data(a, L->chunk, BUNDLE_CHUNK);
		if (n == 0) {
			complete = 1;
			break;
		}
		if (n < 0) {
			if (n == ARCHIVE_FATAL && bundle_archive_sys_error(a)) {
				st = bundle_archive_error(a, path, shown, err);
				goto end;
			}
			if (n == ARCHIVE_FATAL)
				*fatal = 1;
			st = bundle_problem(L, EX_PROBLEM_UNREADABLE, shown,
			    err, "cannot be read: %s",
			    bundle_archive_msg(a, "unknown error"));
			break;
		}
		if ((st = bundle_entry_data(L, L->chunk, (size_t)n, err))
		    != EX_OK || L->stopped)
			break;
	}
end:
	if (st == EX_OK)
		st = bundle_entry_end(L, complete && !L->stopped, err);
	else
		(void)bundle_entry_end(L, 0, NULL);
out:
	free(rel);
	return st;
}

static ex_status
load_archive(bundle_loader *L, const char *path, ex_error *err)
{
	struct archive *a;
	struct archive_entry *ae;
	ex_status st = EX_OK;
	int r, fatal = 0, first = 1;

	if ((a = archive_read_new()) == NULL)
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_iso9660(a);
	if (archive_read_open_filename(a, path, BUNDLE_CHUNK) != ARCHIVE_OK) {
		if (bundle_archive_sys_error(a))
			st = bundle_archive_error(a, path, "open", err);
		else
			st = ex_error_set(err, EX_ERR_FORMAT,
			    "%s: not a ZIP, tar or ISO 9660 bundle (%s)", path,
			    bundle_archive_msg(a, "unknown format"));
		goto out;
	}
	while (!L->stopped && !fatal) {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (first && r < ARCHIVE_WARN &&
		    !bundle_archive_sys_error(a) &&
		    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
		    ARCHIVE_FORMAT_ZIP) {
			/* ZIP: the raw walk (reader_zip.c) names why not even
			 * the first entry reads, e.g. a copy cut short. */
			L->b->kind = EX_CONTAINER_ZIP;
			first = 0;
			st = bundle_problem(L, EX_PROBLEM_UNREADABLE, "", err,
			    "damaged archive: %s",
			    bundle_archive_msg(a, "unknown error"));
			if (st != EX_OK)
				goto out;
			fatal = 1;
			break;
		}
		if (first && r < ARCHIVE_WARN) {
			if (bundle_archive_sys_error(a))
				st = bundle_archive_error(a, path, "read", err);
			else
				st = ex_error_set(err, EX_ERR_FORMAT,
				    "%s: not a ZIP, tar or ISO 9660 bundle "
				    "(%s)", path,
				    bundle_archive_msg(a, "unknown format"));
			goto out;
		}
		if (first) {
			switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
			case ARCHIVE_FORMAT_ZIP:
				L->b->kind = EX_CONTAINER_ZIP;
				break;
			case ARCHIVE_FORMAT_ISO9660:
				L->b->kind = EX_CONTAINER_ISO;
				break;
			default:
				L->b->kind = EX_CONTAINER_TAR;
				break;
			}
			first = 0;
		}
		if (r < ARCHIVE_WARN) {
			if (r == ARCHIVE_FATAL && bundle_archive_sys_error(a)) {
				st = bundle_archive_error(a, path, "read", err);
				goto out;
			}
			st = bundle_problem(L, EX_PROBLEM_UNREADABLE, "", err,
			    "damaged archive: %s",
			    bundle_archive_msg(a, "unknown error"));
			/* tar, ZIP: the raw walk still runs (a cut-short copy
			 * is one TRUNCATED problem, not this one). */
			if (st == EX_OK && r == ARCHIVE_FATAL &&
			    (L->b->kind == EX_CONTAINER_TAR ||
			    L->b->kind == EX_CONTAINER_ZIP)) {
				fatal = 1;
				break;
			}
			if (st != EX_OK || r == ARCHIVE_FATAL)
				goto out;
			continue;
		}
		if ((st = load_entry(L, a, ae, path, &fatal, err)) != EX_OK)
			goto out;
	}
	if (first) {
		/* No entry at all: an empty tar is still a tar. */
		if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) !=
		    ARCHIVE_FORMAT_TAR) {
			st = ex_error_set(err, EX_ERR_FORMAT,
			    "%s: not a ZIP, tar or ISO 9660 bundle", path);
			goto out;
		}
		L->b->kind = EX_CONTAINER_TAR;
	}
	if (L->b->kind == EX_CONTAINER_ZIP)
		st = bundle_zip_check(L, path, err);
	else if (L->b->kind == EX_CONTAINER_TAR && !L->stopped)
		st = bundle_tar_check(L, path, archive_read_header_position(a),
		    err);
	else if (L->b->kind == EX_CONTAINER_ISO && !L->stopped)
		st = bundle_iso_check(L, path, err);
out:
	archive_read_free(a);
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
		return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
		s = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
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
		s = load_archive(&L, path, err);
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
		s = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
	if (s == EX_OK)
		s = check_names(&L, err);
	if (s == EX_OK)
		s = build_index(L.b, err);
out:
	ex_hasher_free(&L.hasher);
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

/*
 * check.c — check a loaded bag against its own BagIt files (for verify).
 *
 * Works only on what ex_bundle_load kept: the tag files' contents and
 * every entry's digest.  The rules are the writer's (bagit.c), read back:
 * bagit.txt exact, every payload file in manifest-sha256.txt once with its
 * SHA-256, every other file but the tag manifest itself in
 * tagmanifest-sha256.txt, Payload-Oxum right.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_private.h"

typedef struct checker {
	const ex_bundle *b;
	char **v;
	size_t n, cap;
	int nomem;
	unsigned char *listed;      /* per entry: listed in the manifest */
} checker;

static void problem(checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
problem(checker *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (c->nomem)
		return;
	if (BASE_GROW(c->v, c->cap, c->n + 1) != 0) {
		c->nomem = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((c->v[c->n] = strdup(buf)) == NULL) {
		c->nomem = 1;
		return;
	}
	c->n++;
}

/* The kept content of a tag file, or NULL (with the problem recorded). */
static const ex_bundle_entry *
tag_file(checker *c, const char *name)
{
	const ex_bundle_entry *e = ex_bundle_find(c->b, name);

	if (e == NULL) {
		problem(c, "%s: missing", name);
		return NULL;
	}
	if (e->type != EX_ENTRY_FILE) {
		problem(c, "%s: not a regular file (a %s)", name,
		    ex_bundle_entry_type_name(e->type));
		return NULL;
	}
	if (e->content == NULL) {
		problem(c, "%s: could not be read (or is too large) to be "
		    "checked", name);
		return NULL;
	}
	return e;
}

static int
hexval(char h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	if (h >= 'a' && h <= 'f')
		return h - 'a' + 10;
	if (h >= 'A' && h <= 'F')
		return h - 'A' + 10;
	return -1;
}

/* Decode the %0A, %0D and %25 that RFC 8493 allows in manifest paths, in
 * place; 0 on a bad escape. */
static int
percent_decode(char *s)
{
	char *o = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if ((hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0)
			return 0;
		*o++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*o = '\0';
	return 1;
}

/*
 * Check one manifest (payload = 1: manifest-sha256.txt, listing data/;
 * 0: tagmanifest-sha256.txt, listing everything else but itself).
 */
static void
check_manifest(checker *c, const char *name, int payload)
{
	const ex_bundle *b = c->b;
	const ex_bundle_entry *m = tag_file(c, name), *e;
	unsigned char sha[EX_SHA256_BYTES];
	char hex[EX_SHA256_HEX], *text, *line, *next, *path;
	size_t i, lineno = 0, k;

	memset(c->listed, 0, b->nentries + 1);
	if (m == NULL)
		return;
	if ((text = strdup((const char *)m->content)) == NULL) {
		c->nomem = 1;
		return;
	}
	for (line = text; line != NULL && *line != '\0'; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			problem(c, "%s: line %zu does not end with a newline",
			    name, lineno);
		for (k = 0; k < 64 && hexval(line[k]) >= 0; k++)
			;
		path = line + k;
		if (k != 64 || (*path != ' ' && *path != '\t')) {
			problem(c, "%s: line %zu is not 'SHA-256 path'", name,
			    lineno);
			continue;
		}
		memcpy(hex, line, 64);
		hex[64] = '\0';
		if (ex_sha256_from_hex(hex, sha, NULL) != EX_OK) {
			problem(c, "%s: line %zu is not 'SHA-256 path'", name,
			    lineno);
			continue;
		}
		while (*path == ' ' || *path == '\t')
			path++;
		if (*path == '\0' || !percent_decode(path)) {
			problem(c, "%s: line %zu has no usable path", name,
			    lineno);
			continue;
		}
		if (bundle_is_payload(path) != payload) {
			problem(c, "%s: %s is listed in %s, which is for %s",
			    path, payload ? "a tag file" : "a payload file",
			    name, payload ? "data/ only" :
			    "tag files only");
			continue;
		}
		if (!payload && strcmp(path, name) == 0) {
			problem(c, "%s: lists itself", name);
			continue;
		}
		if ((e = ex_bundle_find(b, path)) == NULL) {
			problem(c, "%s: listed in %s but missing", path, name);
			continue;
		}
		i = (size_t)(e - b->entries);
		if (c->listed[i]) {
			problem(c, "%s: listed twice in %s", path, name);
			continue;
		}
		c->listed[i] = 1;
		if (e->type != EX_ENTRY_FILE) {
			problem(c, "%s: listed in %s but is a %s", path, name,
			    ex_bundle_entry_type_name(e->type));
			continue;
		}
		if (!e->digested) {
			problem(c, "%s: could not be read to check it against "
			    "%s", path, name);
			continue;
		}
		if (!ex_digest_equal(e->digest.sha256, sha, EX_SHA256_BYTES))
			problem(c, "%s: SHA-256 %s differs from %s's", path,
			    ex_sha256_hex(e->digest.sha256, hex), name);
	}
	free(text);
	for (i = 0; i < b->nentries; i++) {
		e = &b->entries[i];
		if (e->outside || e->type != EX_ENTRY_FILE || c->listed[i] ||
		    bundle_is_payload(e->path) != payload)
			continue;
		if (!payload && strcmp(e->path, name) == 0)
			continue;
		if (ex_bundle_find(b, e->path) != e)
			continue;   /* a duplicate: reported by the loader */
		problem(c, "%s: %s not listed in %s", e->path,
		    payload ? "payload file" : "tag file", name);
	}
}

/* The bag's files as writer items (payload or not; never entries outside
 * the bag, duplicates or the tag manifest itself).  NULL on ENOMEM. */
static bundle_item *
bag_items(const ex_bundle *b, size_t *n)
{
	bundle_item *v = calloc(b->nentries + 1, sizeof(*v));
	size_t i;

	*n = 0;
	if (v == NULL)
		return NULL;
	for (i = 0; i < b->nentries; i++) {
		const ex_bundle_entry *e = &b->entries[i];

		if (e->outside || e->type != EX_ENTRY_FILE ||
		    ex_bundle_find(b, e->path) != e ||
		    strcmp(e->path, "tagmanifest-sha256.txt") == 0)
			continue;
		v[*n].path = e->path;
		memcpy(v[*n].sha256, e->digest.sha256, EX_SHA256_BYTES);
		v[*n].size = e->size;
		(*n)++;
	}
	return v;
}

/* Line number (from 1) of the first difference between a and b. */
static size_t
first_diff_line(const char *a, const char *b)
{
	size_t line = 1;

	for (; *a != '\0' && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	return line;
}

/*
 * When the manifest's lines said nothing wrong, its bytes must still be
 * exactly the writer's (lower-case hex, two spaces, sorted, LF): another
 * checker may read a form we tolerate differently.
 */
static void
check_manifest_form(checker *c, const char *name, int payload)
{
	const ex_bundle_entry *m = ex_bundle_find(c->b, name);
	base_buf want = BASE_BUF_INIT;
	bundle_item *items;
	size_t n;

	if (m == NULL || m->content == NULL)
		return;
	if ((items = bag_items(c->b, &n)) == NULL) {
		c->nomem = 1;
		return;
	}
	if (bundle_manifest_text(&want, items, n, payload, NULL) != EX_OK ||
	    base_buf_failed(&want))
		c->nomem = 1;
	else if (want.data == NULL && m->content_len == 0)
		;
	else if (strcmp(want.data != NULL ? want.data : "",
	    (const char *)m->content) != 0)
		problem(c, "%s: not in the form exhibit writes (line %zu): "
		    "lower-case SHA-256, two spaces, path, sorted by path, "
		    "LF line ends", name, first_diff_line(want.data != NULL ?
		    want.data : "", (const char *)m->content));
	base_buf_free(&want);
	free(items);
}

static void
check_oxum(checker *c)
{
	const ex_bundle *b = c->b;
	const ex_bundle_entry *info = tag_file(c, "bag-info.txt");
	unsigned long long octets = 0, count = 0, o, n;
	const char *p;
	size_t i;
	int found = 0;

	if (info == NULL)
		return;
	for (i = 0; i < b->nentries; i++) {
		if (!b->entries[i].outside &&
		    b->entries[i].type == EX_ENTRY_FILE &&
		    bundle_is_payload(b->entries[i].path)) {
			octets += b->entries[i].size;
			count++;
		}
	}
	for (p = (const char *)info->content; p != NULL && *p != '\0';
	    p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char tail;

		if (strncmp(p, "Payload-Oxum:", 13) != 0)
			continue;
		if (found++) {
			problem(c, "bag-info.txt: Payload-Oxum given twice");
			return;
		}
		if (sscanf(p + 13, " %llu.%llu%c", &o, &n, &tail) != 3 ||
		    tail != '\n') {
			problem(c, "bag-info.txt: Payload-Oxum is not "
			    "'octets.count'");
			return;
		}
		if (o != octets || n != count)
			problem(c, "bag-info.txt: Payload-Oxum %llu.%llu but "
			    "the payload is %llu.%llu", o, n, octets, count);
	}
	if (!found)
		problem(c, "bag-info.txt: no Payload-Oxum");
}

ex_status
ex_bundle_check_bag(const ex_bundle *b, char ***problems, size_t *nproblems,
    ex_error *err)
{
	checker c;
	const ex_bundle_entry *e;
	size_t i;

	*problems = NULL;
	*nproblems = 0;
	memset(&c, 0, sizeof(c));
	c.b = b;
	if ((c.listed = calloc(b->nentries + 1, 1)) == NULL)
		return base_nomem(err);
	if ((e = tag_file(&c, "bagit.txt")) != NULL &&
	    strcmp((const char *)e->content, BUNDLE_BAGIT_TXT) != 0)
		problem(&c, "bagit.txt: not exactly \"BagIt-Version: 1.0\\n"
		    "Tag-File-Character-Encoding: UTF-8\\n\"");
	{
		size_t before = c.n;

		check_manifest(&c, "manifest-sha256.txt", 1);
		if (c.n == before)
			check_manifest_form(&c, "manifest-sha256.txt", 1);
		before = c.n;
		check_manifest(&c, "tagmanifest-sha256.txt", 0);
		if (c.n == before)
			check_manifest_form(&c, "tagmanifest-sha256.txt", 0);
	}
	check_oxum(&c);
	free(c.listed);
	if (c.nomem) {
		for (i = 0; i < c.n; i++)
			free(c.v[i]);
		free(c.v);
		return base_nomem(err);
	}
	*problems = c.v;
	*nproblems = c.n;
	return EX_OK;
}

ex_status
ex_bundle_check_bag_info(const ex_bundle *b, const ex_bag_field *fields,
    size_t nfields, char **problem_out, ex_error *err)
{
	const ex_bundle_entry *e = ex_bundle_find(b, "bag-info.txt");
	base_buf want = BASE_BUF_INIT, why = BASE_BUF_INIT;
	bundle_item *items;
	size_t n;
	int failed;

	*problem_out = NULL;
	if (e == NULL || e->type != EX_ENTRY_FILE || e->content == NULL)
		return EX_OK;       /* ex_bundle_check_bag names it */
	if ((items = bag_items(b, &n)) == NULL)
		return base_nomem(err);
	bundle_bag_info_text(&want, fields, nfields, items, n, 0);
	free(items);
	failed = base_buf_failed(&want);
	if (!failed && strcmp(want.data, (const char *)e->content) != 0) {
		const char *got = (const char *)e->content, *w = want.data;
		size_t line = first_diff_line(w, got), k;
		const char *gl = got, *wl = w;
		char shown[160];

		for (k = 1; k < line && strchr(gl, '\n') != NULL &&
		    strchr(wl, '\n') != NULL; k++) {
			gl = strchr(gl, '\n') + 1;
			wl = strchr(wl, '\n') + 1;
		}
		bundle_display_n((const unsigned char *)gl,
		    strcspn(gl, "\n"), shown, sizeof(shown));
		base_buf_printf(&why, "bag-info.txt: line %zu is '%s'; the "
		    "signed manifest makes it '%.*s' (bag-info.txt is not "
		    "signed, so it must say exactly what the manifest says)",
		    line, shown, (int)strcspn(wl, "\n"), wl);
	}
	base_buf_free(&want);
	if (failed || base_buf_failed(&why)) {
		base_buf_free(&why);
		return base_nomem(err);
	}
	*problem_out = why.data;
	return EX_OK;
}

/*
 * bagit.c — the BagIt side of a bundle: container names, the top folder
 * name, which bag paths are allowed, and the texts of bagit.txt,
 * bag-info.txt and the manifests.  Also the case-insensitive name set the
 * writer and the reader share.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exhibit/text.h"
#include "exhibit/time.h"
#include "bundle/bundle_private.h"

static const struct {
	const char *name;
	ex_container kind;
} containers[] = {
	{ "zip", EX_CONTAINER_ZIP },
	{ "dir", EX_CONTAINER_DIR },
	{ "tar", EX_CONTAINER_TAR },
	{ "iso", EX_CONTAINER_ISO },
};

ex_status
ex_bundle_container_parse(const char *name, ex_container *out, ex_error *err)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(containers) /
	    sizeof(containers[0]); i++) {
		if (strcmp(name, containers[i].name) == 0) {
			*out = containers[i].kind;
			return EX_OK;
		}
	}
	return ex_error_set(err, EX_ERR_USAGE,
	    "unknown container '%.64s' (choose zip, dir, tar or iso)",
	    name != NULL ? name : "");
}

const char *
ex_bundle_container_name(ex_container kind)
{
	size_t i;

	for (i = 0; i < sizeof(containers) / sizeof(containers[0]); i++) {
		if (containers[i].kind == kind)
			return containers[i].name;
	}
	return "unknown";
}

int
ex_bundle_container_from_name(const char *path, ex_container *out)
{
	size_t n = path != NULL ? strlen(path) : 0;
	size_t i;

	if (n < 5 || path[n - 4] != '.')
		return 0;
	for (i = 0; i < sizeof(containers) / sizeof(containers[0]); i++) {
		if (containers[i].kind != EX_CONTAINER_DIR &&
		    strcasecmp(path + n - 3, containers[i].name) == 0) {
			*out = containers[i].kind;
			return 1;
		}
	}
	return 0;
}

char *
ex_bundle_top_name(const char *exhibit_ref, char *buf, size_t size)
{
	size_t i, n;
	char c;

	if (size == 0)
		return buf;
	if (exhibit_ref == NULL || exhibit_ref[0] == '\0')
		exhibit_ref = "exhibit";
	n = strlen(exhibit_ref);
	if (n > 100)
		n = 100;
	if (n > size - 1)
		n = size - 1;
	for (i = 0; i < n; i++) {
		c = exhibit_ref[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && i > 0)))
			c = '_';
		buf[i] = c;
	}
	buf[n] = '\0';
	return buf;
}

/* ---- bag paths -------------------------------------------------------- */

int
bundle_is_payload(const char *path)
{
	return strncmp(path, "data/", 5) == 0;
}

static int
reserved_name(const char *path)
{
	size_t n = strlen(path);

	if (strchr(path, '/') != NULL)
		return 0;
	if (strcasecmp(path, "bagit.txt") == 0 ||
	    strcasecmp(path, "bag-info.txt") == 0 ||
	    strcasecmp(path, "fetch.txt") == 0 ||
	    strcasecmp(path, "data") == 0)
		return 1;
	if (n > 4 && strcasecmp(path + n - 4, ".txt") == 0 &&
	    (strncasecmp(path, "manifest-", 9) == 0 ||
	    strncasecmp(path, "tagmanifest-", 12) == 0))
		return 1;
	return 0;
}

ex_status
bundle_path_check(const char *p, ex_error *err)
{
	const char *c, *comp;
	size_t len;

	if (p == NULL || p[0] == '\0')
		return ex_error_set(err, EX_ERR_USAGE, "empty bundle path");
	if (strlen(p) > BUNDLE_PATH_MAX)
		return ex_error_set(err, EX_ERR_USAGE,
		    "%.64s...: bundle path too long", p);
	if (p[0] == '/')
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: absolute bundle path (give it relative to the bag)",
		    p);
	for (c = p; *c != '\0'; c++) {
		unsigned char u = (unsigned char)*c;

		if (u < 0x20 || u == 0x7f)
			return ex_error_set(err, EX_ERR_USAGE,
			    "bundle path with a control character (byte %u "
			    "at offset %zu)", u, (size_t)(c - p));
		if (u >= 0x80)
			return ex_error_set(err, EX_ERR_USAGE,
			    "bundle path with a non-ASCII byte (0x%02x at "
			    "offset %zu): bundle names are plain ASCII", u,
			    (size_t)(c - p));
		if (strchr("\\:*?\"<>|%", u) != NULL)
			return ex_error_set(err, EX_ERR_USAGE,
			    "%s: character '%c' is not allowed in bundle "
			    "paths", p, u);
	}
	for (comp = p;; comp += len + 1) {
		len = strcspn(comp, "/");
		if (len == 0)
			return ex_error_set(err, EX_ERR_USAGE,
			    "%s: empty component in bundle path", p);
		if ((len == 1 && comp[0] == '.') ||
		    (len == 2 && comp[0] == '.' && comp[1] == '.'))
			return ex_error_set(err, EX_ERR_USAGE,
			    "%s: '.' or '..' in bundle path", p);
		if (comp[len - 1] == '.' || comp[len - 1] == ' ')
			return ex_error_set(err, EX_ERR_USAGE,
			    "%s: a name may not end in '.' or ' '", p);
		if (comp[len] == '\0')
			break;
	}
	if (reserved_name(p))
		return ex_error_set(err, EX_ERR_USAGE,
		    "%s: reserved name (the bundle writer makes it)", p);
	return EX_OK;
}

/* ---- name set --------------------------------------------------------- */

static uint64_t
name_hash(const char *s, size_t len)
{
	uint64_t h = UINT64_C(1469598103934665603);
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * UINT64_C(1099511628211);
	}
	return h;
}

bundle_name *
bundle_names_find(const bundle_names *set, const char *name, size_t len)
{
	size_t i;

	if (set->cap == 0)
		return NULL;
	for (i = name_hash(name, len) & (set->cap - 1);
	    set->slots[i].key != NULL; i = (i + 1) & (set->cap - 1)) {
		if (strlen(set->slots[i].key) == len &&
		    strncasecmp(set->slots[i].key, name, len) == 0)
			return &set->slots[i];
	}
	return NULL;
}

static int
names_grow(bundle_names *set)
{
	bundle_names bigger = { NULL, set->cap ? set->cap * 2 : 64, 0 };
	size_t i, j;

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (bigger.slots == NULL)
		return -1;
	for (i = 0; i < set->cap; i++) {
		if (set->slots[i].key == NULL)
			continue;
		j = name_hash(set->slots[i].key, strlen(set->slots[i].key)) &
		    (bigger.cap - 1);
		while (bigger.slots[j].key != NULL)
			j = (j + 1) & (bigger.cap - 1);
		bigger.slots[j] = set->slots[i];
	}
	bigger.count = set->count;
	free(set->slots);
	*set = bigger;
	return 0;
}

int
bundle_names_add(bundle_names *set, const char *name, int is_dir,
    size_t index)
{
	size_t i, len = strlen(name);
	char *key;

	if ((set->count + 1) * 2 > set->cap && names_grow(set) != 0)
		return -1;
	if ((key = strdup(name)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] - 'A' + 'a');
	}
	for (i = name_hash(key, len) & (set->cap - 1);
	    set->slots[i].key != NULL; i = (i + 1) & (set->cap - 1))
		;
	set->slots[i].key = key;
	set->slots[i].name = name;
	set->slots[i].is_dir = is_dir;
	set->slots[i].index = index;
	set->count++;
	return 0;
}

void
bundle_names_free(bundle_names *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slots[i].key);
	free(set->slots);
	set->slots = NULL;
	set->cap = set->count = 0;
}

/* ---- tag files -------------------------------------------------------- */

/* 1 when s is well-formed UTF-8 without control characters. */
static int
text_ok(const char *s)
{
	size_t len = strlen(s), i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return ex_utf8_invalid_at(s, len) == len;
}

ex_status
bundle_bag_info_check(const ex_bag_field *fields, size_t n, ex_error *err)
{
	const char *l;
	size_t i;

	for (i = 0; i < n; i++) {
		l = fields[i].label;
		if (l == NULL || l[0] == '\0' || l[0] == ' ' ||
		    l[strlen(l) - 1] == ' ' || strchr(l, ':') != NULL ||
		    !text_ok(l) || fields[i].value == NULL)
			return ex_error_set(err, EX_ERR_USAGE,
			    "bag-info field %zu: bad label '%.64s'", i + 1,
			    l != NULL ? l : "");
		if (strcasecmp(l, "Payload-Oxum") == 0 ||
		    strcasecmp(l, "Bag-Size") == 0)
			return ex_error_set(err, EX_ERR_USAGE,
			    "bag-info field '%s' is computed by the writer", l);
		if (!text_ok(fields[i].value))
			return ex_error_set(err, EX_ERR_USAGE,
			    "bag-info field '%s': the value has a control "
			    "character or is not UTF-8", l);
	}
	return EX_OK;
}

void
bundle_bag_info_text(base_buf *b, const ex_bag_field *fields, size_t n,
    const bundle_item *items, size_t nitems, int bag_size)
{
	static const char *units[] = { "KB", "MB", "GB", "TB", "PB" };
	uint64_t octets = 0, count = 0;
	double v;
	size_t i, u;

	for (i = 0; i < n; i++)
		base_buf_printf(b, "%s: %s\n", fields[i].label,
		    fields[i].value);
	for (i = 0; i < nitems; i++) {
		if (bundle_is_payload(items[i].path)) {
			octets += items[i].size;
			count++;
		}
	}
	base_buf_printf(b, "Payload-Oxum: %llu.%llu\n",
	    (unsigned long long)octets, (unsigned long long)count);
	if (!bag_size)
		return;
	if (octets < 1000) {
		base_buf_printf(b, "Bag-Size: %llu bytes\n",
		    (unsigned long long)octets);
		return;
	}
	v = (double)octets / 1000.0;
	for (u = 0; v >= 1000.0 && u + 1 < sizeof(units) / sizeof(units[0]);
	    u++)
		v /= 1000.0;
	base_buf_printf(b, "Bag-Size: %.1f %s\n", v, units[u]);
}

static int
item_cmp(const void *a, const void *b)
{
	const bundle_item *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

ex_status
bundle_manifest_text(base_buf *b, const bundle_item *items, size_t nitems,
    int payload, ex_error *err)
{
	const bundle_item **sorted;
	char hex[EX_SHA256_HEX];
	size_t i, n = 0;

	sorted = calloc(nitems ? nitems : 1, sizeof(*sorted));
	if (sorted == NULL)
		return base_nomem(err);
	for (i = 0; i < nitems; i++) {
		if (bundle_is_payload(items[i].path) == payload)
			sorted[n++] = &items[i];
	}
	qsort(sorted, n, sizeof(*sorted), item_cmp);
	for (i = 0; i < n; i++)
		base_buf_printf(b, "%s  %s\n",
		    ex_sha256_hex(sorted[i]->sha256, hex), sorted[i]->path);
	free(sorted);
	return EX_OK;
}

ex_status
ex_bundle_exhibit_bag_info(const char *organisation,
    const char *operator_name, const char *case_ref, const char *exhibit_ref,
    int64_t export_time_usec, const char *tool_version, ex_bag_field **fields,
    size_t *nfields, ex_error *err)
{
	static const char *const labels[] = {
		"Source-Organization", "Contact-Name", "External-Identifier",
		"External-Description", "Bagging-Date", "Bag-Software-Agent",
	};
	enum { NFIELDS = sizeof(labels) / sizeof(labels[0]) };
	ex_bag_field *v;
	ex_local_time lt;
	base_buf desc = BASE_BUF_INIT, date = BASE_BUF_INIT,
	    agent = BASE_BUF_INIT;
	const char *values[NFIELDS];
	size_t i;
	int failed;

	*fields = NULL;
	*nfields = 0;
	memset(&lt, 0, sizeof(lt));
	(void)ex_time_local(export_time_usec, "UTC", &lt, NULL);
	base_buf_printf(&desc, "CCTV evidence, case %s, exhibit %s",
	    case_ref, exhibit_ref);
	base_buf_printf(&date, "%04d-%02d-%02d", lt.year, lt.month, lt.day);
	base_buf_printf(&agent, "exhibit %s", tool_version);
	values[0] = organisation != NULL ? organisation : operator_name;
	values[1] = operator_name;
	values[2] = exhibit_ref;
	values[3] = desc.data;
	values[4] = date.data;
	values[5] = agent.data;
	failed = base_buf_failed(&desc) || base_buf_failed(&date) ||
	    base_buf_failed(&agent);
	v = failed ? NULL : calloc(NFIELDS, sizeof(*v));
	for (i = 0; v != NULL && i < NFIELDS; i++) {
		v[i].label = strdup(labels[i]);
		v[i].value = strdup(values[i] != NULL ? values[i] : "");
		if (v[i].label == NULL || v[i].value == NULL)
			failed = 1;
	}
	base_buf_free(&desc);
	base_buf_free(&date);
	base_buf_free(&agent);
	if (v == NULL || failed) {
		ex_bundle_bag_info_free(&v, v != NULL ? NFIELDS : 0);
		return base_nomem(err);
	}
	*fields = v;
	*nfields = NFIELDS;
	return EX_OK;
}

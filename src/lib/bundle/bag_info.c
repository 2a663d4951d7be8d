/*
 * bag_info.c — read bag-info.txt back into its fields (for a rewrite,
 * which writes them again): Payload-Oxum and Bag-Size are the writer's,
 * so they are dropped, and Bag-Size only remembered as wanted.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle/bundle_private.h"

void
ex_bundle_bag_info_free(ex_bag_field **fields, size_t nfields)
{
	size_t i;

	if (fields == NULL || *fields == NULL)
		return;
	for (i = 0; i < nfields; i++) {
		free((char *)(*fields)[i].label);
		free((char *)(*fields)[i].value);
	}
	free(*fields);
	*fields = NULL;
}

ex_status
ex_bundle_bag_info_parse(const char *text, size_t len, ex_bag_field **fields,
    size_t *nfields, int *bag_size, ex_error *err)
{
	ex_bag_field *v = NULL;
	const char *p = text, *end = text + len, *nl, *sep;
	size_t n = 0, cap = 0, lineno = 0;
	ex_status st = EX_OK;

	*fields = NULL;
	*nfields = 0;
	*bag_size = 0;
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			st = ex_error_set(err, EX_ERR_UNSUPPORTED, "bag-info.txt "
			    "line %zu: does not end in a newline", lineno);
			goto out;
		}
		sep = memchr(p, ':', (size_t)(nl - p));
		if (*p == ' ' || *p == '\t' || sep == NULL || sep == p ||
		    sep + 1 >= nl || sep[1] != ' ') {
			st = ex_error_set(err, EX_ERR_UNSUPPORTED, "bag-info.txt "
			    "line %zu: not a 'Label: value' line", lineno);
			goto out;
		}
		if ((size_t)(sep - p) == 12 &&
		    strncasecmp(p, "Payload-Oxum", 12) == 0) {
			p = nl + 1;
			continue;
		}
		if ((size_t)(sep - p) == 8 && strncasecmp(p, "Bag-Size", 8) == 0) {
			*bag_size = 1;
			p = nl + 1;
			continue;
		}
		if (BASE_GROW(v, cap, n + 1) != 0) {
			st = base_nomem(err);
			goto out;
		}
		v[n].label = strndup(p, (size_t)(sep - p));
		v[n].value = strndup(sep + 2, (size_t)(nl - sep - 2));
		n++;
		if (v[n - 1].label == NULL || v[n - 1].value == NULL) {
			st = base_nomem(err);
			goto out;
		}
		p = nl + 1;
	}
	*fields = v;
	*nfields = n;
	v = NULL;
out:
	ex_bundle_bag_info_free(&v, n);
	return st;
}

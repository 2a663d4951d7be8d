/*
 * xml.c — secure reading of exhibit's XML documents (manifest.xml,
 * custody.xml); the writer is the core's (src/lib/xmlwrite.c).
 *
 * Reading: through the core's one hardened reader (src/lib/xmlread.c),
 * in its strictest form, since exhibit wrote these documents: besides
 * what every XML document must satisfy (UTF-8, no DOCTYPE, entity or
 * XInclude, schema-valid), no byte-order mark, comment, processing
 * instruction or CDATA section.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "base.h"
#include "evidence/xml_private.h"
#include "xmlread_private.h"
#include "exhibit/text.h"
#include "exhibit/manifest.h"

/* ---- reading ---------------------------------------------------------- */

/* exhibit wrote these documents: accept only the form it writes. */
ex_status
evidence_xml_read(const char *what, const char *xml, size_t len,
    const unsigned char *xsd, size_t xsdlen, xmlDocPtr *out, ex_error *err)
{
	base_xmlread_rules rules = {
		.what = what,
		.xsd = xsd,
		.xsdlen = xsdlen,
		.max = EX_MANIFEST_MAX_BYTES,
		.flags = BASE_XMLREAD_EXHIBIT,
	};

	return base_xmlread_parse(&rules, xml, len, out, err);
}

ex_status
evidence_xr_start(evidence_xr *r, const char *what, const char *xml,
    size_t len, const unsigned char *xsd, size_t xsdlen, xmlDocPtr *out,
    ex_error *err)
{
	r->what = what;
	r->err = err;
	r->status = EX_OK;
	return evidence_xml_read(what, xml, len, xsd, xsdlen, out, err);
}

xmlNodePtr
evidence_xr_next(xmlNodePtr n, const char *name)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    (name == NULL || xmlStrcmp(n->name, BAD_CAST name) == 0))
			return n;
	}
	return NULL;
}

xmlNodePtr
evidence_xr_child(xmlNodePtr parent, const char *name)
{
	return parent != NULL ? evidence_xr_next(parent->children, name) : NULL;
}

ex_status
evidence_xr_fail(evidence_xr *r, ex_status status, const char *fmt, ...)
{
	char msg[EX_ERROR_MAX - 64];
	va_list ap;

	if (r->status != EX_OK)
		return r->status;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->status = ex_error_set(r->err, status, "%s: %s", r->what, msg);
	return status;
}

void
evidence_xr_nomem(evidence_xr *r)
{
	if (r->status != EX_OK)
		return;
	r->status = base_nomem(r->err);
	ex_error_prefix(r->err, "%s", r->what);
}

static char *
own(evidence_xr *r, xmlChar *s)
{
	char *copy;

	if (s == NULL)
		return NULL;
	if ((copy = strdup((const char *)s)) == NULL)
		evidence_xr_nomem(r);
	xmlFree(s);
	return copy;
}

char *
evidence_xr_attr(evidence_xr *r, xmlNodePtr n, const char *name)
{
	return n != NULL ? own(r, xmlGetProp(n, BAD_CAST name)) : NULL;
}

char *
evidence_xr_text(evidence_xr *r, xmlNodePtr n)
{
	xmlChar *s;

	if (n == NULL)
		return NULL;
	if ((s = xmlNodeGetContent(n)) == NULL) {
		evidence_xr_nomem(r);
		return NULL;
	}
	return own(r, s);
}

char *
evidence_xr_child_text(evidence_xr *r, xmlNodePtr parent, const char *name)
{
	return evidence_xr_text(r, evidence_xr_child(parent, name));
}

int64_t
evidence_xr_attr_int(evidence_xr *r, xmlNodePtr n, const char *name,
    int64_t def)
{
	char *s = evidence_xr_attr(r, n, name), *end;
	long long v;

	if (s == NULL)
		return def;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		evidence_xr_fail(r, EX_ERR_FORMAT, "%s='%s' is not a number",
		    name, s);
	free(s);
	return (int64_t)v;
}

uint64_t
evidence_xr_attr_uint(evidence_xr *r, xmlNodePtr n, const char *name)
{
	char *s = evidence_xr_attr(r, n, name), *end;
	unsigned long long v;

	if (s == NULL)
		return 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || s[0] == '-')
		evidence_xr_fail(r, EX_ERR_FORMAT, "%s='%s' is not a size",
		    name, s);
	free(s);
	return (uint64_t)v;
}

ex_instant
evidence_xr_attr_time(evidence_xr *r, xmlNodePtr n, const char *name)
{
	char *s = evidence_xr_attr(r, n, name);
	ex_instant t = EX_INSTANT_NONE;
	ex_error e;

	if (s == NULL)
		return EX_INSTANT_NONE;
	if (ex_time_parse(s, "UTC", &t, &e) != EX_OK) {
		evidence_xr_fail(r, EX_ERR_FORMAT, "%s: %s", name, e.message);
		t = EX_INSTANT_NONE;
	}
	free(s);
	return t;
}

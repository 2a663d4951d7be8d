/*
 * xml.c — secure reading and careful writing of exhibit's XML documents
 * (manifest.xml, custody.xml).
 *
 * Reading: through the core's one hardened reader (src/lib/xmlread.c),
 * in its strictest form, since exhibit wrote these documents: besides
 * what every XML document must satisfy (UTF-8, no DOCTYPE, entity or
 * XInclude, schema-valid), no byte-order mark, comment, processing
 * instruction or CDATA section.
 *
 * Writing: xmlTextWriter escapes only & < > and CR, so every string is
 * cleaned first (ex_xml_clean).
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "evidence/xml_private.h"
#include "xmlread_private.h"
#include "exhibit/text.h"
#include "exhibit/manifest.h"

/* ---- cleaning --------------------------------------------------------- */

char *
ex_xml_clean(const char *s, int attr)
{
	return ex_text_clean(s, attr ? EX_TEXT_TAB_SPACE | EX_TEXT_LF_SPACE :
	    0);
}

/* ---- times ------------------------------------------------------------ */

/* Extend "....SS.mmm..." to "....SS.mmmuuu..." with t's microseconds. */
static char *
add_usec(ex_instant t, char *buf, size_t size)
{
	char *dot = strchr(buf, '.');
	int us = (int)(((t % 1000) + 1000) % 1000);
	size_t len = strlen(buf);

	if (dot == NULL || (size_t)(dot - buf) + 4 > len || len + 4 > size)
		return buf;
	dot += 4;
	memmove(dot + 3, dot, strlen(dot) + 1);
	dot[0] = (char)('0' + us / 100);
	dot[1] = (char)('0' + us / 10 % 10);
	dot[2] = (char)('0' + us % 10);
	return buf;
}

char *
ex_xml_time_utc(ex_instant t, char *buf, size_t size)
{
	return add_usec(t, ex_time_format_utc(t, buf, size), size);
}

char *
ex_xml_time_local(ex_instant t, const char *zone, char *buf, size_t size)
{
	return add_usec(t, ex_time_format_iso_local(t, zone, buf, size),
	    size);
}

/* ---- writing ---------------------------------------------------------- */

ex_status
ex_xw_open(ex_xw *x, const char *root, const char *ns, ex_error *err)
{
	memset(x, 0, sizeof(*x));
	if ((x->buf = xmlBufferCreate()) == NULL ||
	    (x->w = xmlNewTextWriterMemory(x->buf, 0)) == NULL) {
		ex_xw_discard(x);
		return ex_error_set(err, EX_ERR_NOMEM,
		    "%s: out of memory", root);
	}
	if (xmlTextWriterSetIndent(x->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(x->w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(x->w, NULL, BAD_CAST root,
	    BAD_CAST ns) < 0)
		x->failed = 1;
	return EX_OK;
}

void
ex_xw_start(ex_xw *x, const char *name)
{
	if (!x->failed && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->failed = 1;
}

void
ex_xw_end(ex_xw *x)
{
	if (!x->failed && xmlTextWriterEndElement(x->w) < 0)
		x->failed = 1;
}

void
ex_xw_attr(ex_xw *x, const char *name, const char *value)
{
	char *clean;

	if (value == NULL || x->failed)
		return;
	if ((clean = ex_xml_clean(value, 1)) == NULL ||
	    xmlTextWriterWriteAttribute(x->w, BAD_CAST name,
	    BAD_CAST clean) < 0)
		x->failed = 1;
	free(clean);
}

void
ex_xw_attr_fmt(ex_xw *x, const char *name, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ex_xw_attr(x, name, buf);
}

void
ex_xw_attr_time(ex_xw *x, const char *name, ex_instant t)
{
	char buf[EX_TIME_BUFSZ];

	if (t != EX_INSTANT_NONE)
		ex_xw_attr(x, name, ex_xml_time_utc(t, buf, sizeof(buf)));
}

void
ex_xw_element(ex_xw *x, const char *name, const char *text)
{
	char *clean;

	if (text == NULL || x->failed)
		return;
	if ((clean = ex_xml_clean(text, 0)) == NULL ||
	    xmlTextWriterWriteElement(x->w, BAD_CAST name,
	    BAD_CAST clean) < 0)
		x->failed = 1;
	free(clean);
}

ex_status
ex_xw_close(ex_xw *x, const char *what, char **xml, size_t *len,
    ex_error *err)
{
	ex_status st = EX_OK;
	const xmlChar *content;
	size_t n;

	*xml = NULL;
	*len = 0;
	if (!x->failed && xmlTextWriterEndDocument(x->w) < 0)
		x->failed = 1;
	/* Freeing the writer flushes it into the buffer. */
	xmlFreeTextWriter(x->w);
	x->w = NULL;
	if (x->failed) {
		st = ex_error_set(err, EX_ERR_NOMEM,
		    "%s: could not write the XML (out of memory)", what);
		goto out;
	}
	content = xmlBufferContent(x->buf);
	n = (size_t)xmlBufferLength(x->buf);
	/* A text file ends with a newline. */
	if ((*xml = malloc(n + 2)) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "%s: out of memory", what);
		goto out;
	}
	memcpy(*xml, content, n);
	if (n == 0 || (*xml)[n - 1] != '\n')
		(*xml)[n++] = '\n';
	(*xml)[n] = '\0';
	*len = n;
out:
	ex_xw_discard(x);
	return st;
}

void
ex_xw_discard(ex_xw *x)
{
	if (x->w != NULL)
		xmlFreeTextWriter(x->w);
	if (x->buf != NULL)
		xmlBufferFree(x->buf);
	x->w = NULL;
	x->buf = NULL;
}

/* ---- reading ---------------------------------------------------------- */

/* exhibit wrote these documents: accept only the form it writes. */
ex_status
ex_xml_read(const char *what, const char *xml, size_t len,
    const unsigned char *xsd, size_t xsdlen, xmlDocPtr *out, ex_error *err)
{
	ex_xmlread_rules rules = {
		.what = what,
		.xsd = xsd,
		.xsdlen = xsdlen,
		.max = EX_MANIFEST_MAX_BYTES,
		.flags = EX_XMLREAD_EXHIBIT,
	};

	return ex_xmlread_parse(&rules, xml, len, out, err);
}

xmlNodePtr
ex_xr_next(xmlNodePtr n, const char *name)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    (name == NULL || xmlStrcmp(n->name, BAD_CAST name) == 0))
			return n;
	}
	return NULL;
}

xmlNodePtr
ex_xr_child(xmlNodePtr parent, const char *name)
{
	return parent != NULL ? ex_xr_next(parent->children, name) : NULL;
}

ex_status
ex_xr_fail(ex_xr *r, ex_status status, const char *fmt, ...)
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

static char *
own(ex_xr *r, xmlChar *s)
{
	char *copy;

	if (s == NULL)
		return NULL;
	if ((copy = strdup((const char *)s)) == NULL)
		ex_xr_fail(r, EX_ERR_NOMEM, "out of memory");
	xmlFree(s);
	return copy;
}

char *
ex_xr_attr(ex_xr *r, xmlNodePtr n, const char *name)
{
	return n != NULL ? own(r, xmlGetProp(n, BAD_CAST name)) : NULL;
}

char *
ex_xr_text(ex_xr *r, xmlNodePtr n)
{
	xmlChar *s;

	if (n == NULL)
		return NULL;
	if ((s = xmlNodeGetContent(n)) == NULL) {
		ex_xr_fail(r, EX_ERR_NOMEM, "out of memory");
		return NULL;
	}
	return own(r, s);
}

char *
ex_xr_child_text(ex_xr *r, xmlNodePtr parent, const char *name)
{
	return ex_xr_text(r, ex_xr_child(parent, name));
}

int64_t
ex_xr_attr_int(ex_xr *r, xmlNodePtr n, const char *name, int64_t def)
{
	char *s = ex_xr_attr(r, n, name), *end;
	long long v;

	if (s == NULL)
		return def;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		ex_xr_fail(r, EX_ERR_FORMAT, "%s='%s' is not a number", name, s);
	free(s);
	return (int64_t)v;
}

uint64_t
ex_xr_attr_uint(ex_xr *r, xmlNodePtr n, const char *name)
{
	char *s = ex_xr_attr(r, n, name), *end;
	unsigned long long v;

	if (s == NULL)
		return 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || s[0] == '-')
		ex_xr_fail(r, EX_ERR_FORMAT, "%s='%s' is not a size", name, s);
	free(s);
	return (uint64_t)v;
}

ex_instant
ex_xr_attr_time(ex_xr *r, xmlNodePtr n, const char *name)
{
	char *s = ex_xr_attr(r, n, name);
	ex_instant t = EX_INSTANT_NONE;
	ex_error e;

	if (s == NULL)
		return EX_INSTANT_NONE;
	if (ex_time_parse(s, "UTC", &t, &e) != EX_OK) {
		ex_xr_fail(r, EX_ERR_FORMAT, "%s: %s", name, e.message);
		t = EX_INSTANT_NONE;
	}
	free(s);
	return t;
}

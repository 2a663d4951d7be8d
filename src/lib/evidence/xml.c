/*
 * xml.c — secure reading and careful writing of exhibit's XML documents
 * (manifest.xml, custody.xml).
 *
 * Reading: the bytes are checked before libxml2 sees them (size limit, no
 * NUL byte — so no UTF-16/32 that could hide markup from the DOCTYPE scan
 * —, no DOCTYPE), then parsed with XML_PARSE_NONET and none of NOENT,
 * DTDLOAD, DTDVALID, XINCLUDE or HUGE (so libxml2's depth and length
 * limits stay on), the tree is checked again for any DTD, entity or
 * XInclude node, and validated against the embedded schema.  libxml2's
 * error output is redirected to a collector for the duration (its error
 * handlers are per thread), so the library prints nothing and the first
 * error becomes the message.
 *
 * Writing: xmlTextWriter escapes only & < > and CR, so every string is
 * cleaned first (ex_xml_clean).
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "evidence/xml_private.h"
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

/* The first libxml2 error of a read, as "line N: message". */
typedef struct collector {
	int have;
	char message[512];
} collector;

static void
collect_structured(void *ctx, xmlErrorPtr e)
{
	collector *c = ctx;
	size_t n;

	if (c == NULL || c->have || e == NULL ||
	    e->level < XML_ERR_ERROR)
		return;
	c->have = 1;
	if (e->line > 0)
		snprintf(c->message, sizeof(c->message), "line %d: %s",
		    e->line, e->message != NULL ? e->message : "error");
	else
		snprintf(c->message, sizeof(c->message), "%s",
		    e->message != NULL ? e->message : "error");
	/* libxml2's messages end with a newline. */
	n = strlen(c->message);
	while (n > 0 && isspace((unsigned char)c->message[n - 1]))
		c->message[--n] = '\0';
}

static void
collect_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Case-insensitive search for needle (ASCII) in the first len bytes. */
static int
contains_ci(const char *hay, size_t len, const char *needle)
{
	size_t nl = strlen(needle), i, j;

	for (i = 0; i + nl <= len; i++) {
		if (hay[i] != '<')
			continue;
		for (j = 0; j < nl; j++) {
			if (tolower((unsigned char)hay[i + j]) !=
			    tolower((unsigned char)needle[j]))
				break;
		}
		if (j == nl)
			return 1;
	}
	return 0;
}

/* Refuse any node that a DTD, an entity or XInclude would leave. */
static const char *
forbidden_node(xmlNodePtr n, int depth)
{
	const char *why;

	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case XML_DTD_NODE:
		case XML_DOCUMENT_TYPE_NODE:
			return "has a DOCTYPE";
		case XML_ENTITY_REF_NODE:
		case XML_ENTITY_NODE:
		case XML_ENTITY_DECL:
			return "uses an entity";
		case XML_XINCLUDE_START:
		case XML_XINCLUDE_END:
			return "uses XInclude";
		default:
			break;
		}
		/* libxml2's own depth limit (256) keeps this recursion short. */
		if (n->type == XML_ELEMENT_NODE && n->children != NULL &&
		    depth < 1024 &&
		    (why = forbidden_node(n->children, depth + 1)) != NULL)
			return why;
	}
	return NULL;
}

ex_status
ex_xml_read(const char *what, const char *xml, size_t len,
    const unsigned char *xsd, size_t xsdlen, xmlDocPtr *out, ex_error *err)
{
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_gerror = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlSchemaParserCtxtPtr spc = NULL;
	xmlSchemaValidCtxtPtr svc = NULL;
	xmlParserCtxtPtr pc = NULL;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr doc = NULL;
	ex_status st = EX_OK;
	collector col;
	const char *why;
	int rc;

	*out = NULL;
	memset(&col, 0, sizeof(col));
	if (xml == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "%s: no document", what);
	if (len > EX_MANIFEST_MAX_BYTES)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: too large (%zu bytes; the limit is %zu)", what, len,
		    (size_t)EX_MANIFEST_MAX_BYTES);
	if (len == 0)
		return ex_error_set(err, EX_ERR_FORMAT, "%s: empty", what);
	if (memchr(xml, '\0', len) != NULL)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: contains a NUL byte (not UTF-8 XML)", what);
	if (contains_ci(xml, len, "<!DOCTYPE"))
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: has a DOCTYPE (DTDs and entities are not allowed)",
		    what);
	if (contains_ci(xml, len, "<!ENTITY"))
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: declares an entity (not allowed)", what);

	xmlSetStructuredErrorFunc(&col, collect_structured);
	xmlSetGenericErrorFunc(&col, collect_generic);

	if ((pc = xmlNewParserCtxt()) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "%s: out of memory", what);
		goto out;
	}
	doc = xmlCtxtReadMemory(pc, xml, (int)len, what, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA);
	if (doc == NULL || !pc->wellFormed) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: not well-formed XML: %s", what,
		    col.have ? col.message : "parse failed");
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: has a DOCTYPE (DTDs and entities are not allowed)",
		    what);
		goto out;
	}
	if ((why = forbidden_node(doc->children, 0)) != NULL) {
		st = ex_error_set(err, EX_ERR_FORMAT, "%s: %s (not allowed)",
		    what, why);
		goto out;
	}

	if ((spc = xmlSchemaNewMemParserCtxt((const char *)xsd,
	    (int)xsdlen)) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "%s: out of memory", what);
		goto out;
	}
	xmlSchemaSetParserStructuredErrors(spc, collect_structured, &col);
	if ((schema = xmlSchemaParse(spc)) == NULL) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: the built-in schema does not compile: %s", what,
		    col.have ? col.message : "unknown error");
		goto out;
	}
	if ((svc = xmlSchemaNewValidCtxt(schema)) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "%s: out of memory", what);
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(svc, collect_structured, &col);
	rc = xmlSchemaValidateDoc(svc, doc);
	if (rc != 0) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: not valid against its schema: %s", what,
		    col.have ? col.message : "validation failed");
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	if (svc != NULL)
		xmlSchemaFreeValidCtxt(svc);
	if (schema != NULL)
		xmlSchemaFree(schema);
	if (spc != NULL)
		xmlSchemaFreeParserCtxt(spc);
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (pc != NULL)
		xmlFreeParserCtxt(pc);
	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_gerror);
	return st;
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

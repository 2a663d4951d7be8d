/*
 * xmlread.c — the one hardened XML reader (see xmlread_private.h for the
 * rules it enforces).
 *
 * The bytes are checked before libxml2 sees them (size, byte-order mark,
 * NUL, UTF-8, DOCTYPE and ENTITY scans), parsed with XML_PARSE_NONET and
 * none of NOENT, DTDLOAD, DTDVALID, XINCLUDE or HUGE, read as UTF-8
 * whatever the declaration says (XML_PARSE_IGNORE_ENC) and so refused if
 * it says anything else, then the tree is walked for nodes that a DTD,
 * an entity or XInclude would leave (and, for exhibit's own documents,
 * comments, processing instructions and CDATA), and last validated
 * against the schema.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "exhibit/text.h"
#include "xmlread_private.h"

#define BOM "\xef\xbb\xbf"
#define XINCLUDE_NS_2001 "http://www.w3.org/2001/XInclude"
#define XINCLUDE_NS_2003 "http://www.w3.org/2003/XInclude"

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

/* Case-insensitive search for markup needle ("<!...") in len bytes. */
static int
has_markup(const char *hay, size_t len, const char *needle)
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

/*
 * The encoding named by the XML declaration at the start of xml, copied
 * into buf ("" when there is no declaration or it names none).  Called
 * after libxml2 has found the declaration well-formed.
 */
static const char *
declared_encoding(const char *xml, size_t len, char *buf, size_t size)
{
	const char *end, *p;
	char quote;
	size_t n;

	buf[0] = '\0';
	if (len < 6 || memcmp(xml, "<?xml", 5) != 0 ||
	    !isspace((unsigned char)xml[5]) ||
	    (end = memmem(xml, len, "?>", 2)) == NULL ||
	    (p = memmem(xml, (size_t)(end - xml), "encoding", 8)) == NULL)
		return buf;
	for (p += 8; p < end && (isspace((unsigned char)*p) || *p == '=');
	    p++)
		continue;
	if (p >= end || (*p != '"' && *p != '\''))
		return buf;
	quote = *p++;
	for (n = 0; p + n < end && p[n] != quote && n + 1 < size; n++)
		buf[n] = p[n];
	buf[n] = '\0';
	return buf;
}

/*
 * What about the nodes from n on (and below) is refused ("has a
 * comment"), with why (*why) and where (*line); NULL when nothing is.
 * libxml2's own depth limit (256) keeps the recursion short.
 */
static const char *
forbidden_node(xmlNodePtr n, unsigned flags, int depth, const char **why,
    long *line)
{
	static const char not_allowed[] = "not allowed";
	static const char not_written[] = "exhibit writes none";
	int exhibit = (flags & BASE_XMLREAD_EXHIBIT) != 0;
	const char *what;

	for (; n != NULL; n = n->next) {
		what = NULL;
		*why = not_allowed;
		switch (n->type) {
		case XML_DTD_NODE:
		case XML_DOCUMENT_TYPE_NODE:
			what = "has a DOCTYPE";
			*why = "DTDs and entities are not allowed";
			break;
		case XML_ENTITY_REF_NODE:
		case XML_ENTITY_NODE:
		case XML_ENTITY_DECL:
			what = "uses an entity";
			break;
		case XML_XINCLUDE_START:
		case XML_XINCLUDE_END:
			what = "uses XInclude";
			break;
		case XML_ELEMENT_NODE:
			if (n->ns != NULL && n->ns->href != NULL &&
			    (xmlStrcmp(n->ns->href,
			    BAD_CAST XINCLUDE_NS_2001) == 0 ||
			    xmlStrcmp(n->ns->href,
			    BAD_CAST XINCLUDE_NS_2003) == 0))
				what = "uses XInclude";
			break;
		case XML_COMMENT_NODE:
			what = exhibit ? "has a comment" : NULL;
			*why = not_written;
			break;
		case XML_PI_NODE:
			what = exhibit ? "has a processing instruction" : NULL;
			*why = not_written;
			break;
		case XML_CDATA_SECTION_NODE:
			what = exhibit ? "has a CDATA section" : NULL;
			*why = not_written;
			break;
		default:
			break;
		}
		if (what != NULL) {
			*line = xmlGetLineNo(n);
			return what;
		}
		if (n->type == XML_ELEMENT_NODE && n->children != NULL &&
		    depth < 1024 && (what = forbidden_node(n->children, flags,
		    depth + 1, why, line)) != NULL)
			return what;
	}
	return NULL;
}

ex_status
base_xmlread_parse(const base_xmlread_rules *rules, const char *xml,
    size_t len, xmlDocPtr *out, ex_error *err)
{
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_gerror = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	const char *what = rules->what, *refused, *why;
	xmlSchemaParserCtxtPtr spc = NULL;
	xmlSchemaValidCtxtPtr svc = NULL;
	xmlParserCtxtPtr pc = NULL;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr doc = NULL;
	ex_status st = EX_OK;
	char encoding[32];
	collector col;
	size_t bad, skipped = 0;
	long line = 0;
	int options;

	*out = NULL;
	memset(&col, 0, sizeof(col));
	if (xml == NULL)
		return ex_error_set(err, EX_ERR_USAGE, "%s: no document", what);
	if (len > rules->max || len > INT_MAX)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: too large (%zu bytes; the limit is %zu)", what, len,
		    rules->max);
	if (len >= 3 && memcmp(xml, BOM, 3) == 0) {
		if (rules->flags & BASE_XMLREAD_EXHIBIT)
			return ex_error_set(err, EX_ERR_FORMAT,
			    "%s: starts with a byte-order mark "
			    "(exhibit writes none)", what);
		skipped = 3;
		xml += skipped;
		len -= skipped;
	}
	if (len == 0)
		return ex_error_set(err, EX_ERR_FORMAT, "%s: empty", what);
	if (memchr(xml, '\0', len) != NULL)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: contains a NUL byte (not UTF-8 XML)", what);
	if ((bad = ex_utf8_invalid_at(xml, len)) < len)
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: not valid UTF-8 (byte %zu)", what,
		    skipped + bad + 1);
	if (has_markup(xml, len, "<!DOCTYPE"))
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: has a DOCTYPE (DTDs and entities are not allowed)",
		    what);
	if (has_markup(xml, len, "<!ENTITY"))
		return ex_error_set(err, EX_ERR_FORMAT,
		    "%s: declares an entity (not allowed)", what);

	xmlInitParser();
	xmlSetStructuredErrorFunc(&col, collect_structured);
	xmlSetGenericErrorFunc(&col, collect_generic);

	if ((pc = xmlNewParserCtxt()) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "%s: out of memory", what);
		goto out;
	}
	/* exhibit's own documents keep CDATA nodes, to be refused below. */
	options = XML_PARSE_NONET | XML_PARSE_IGNORE_ENC;
	if (!(rules->flags & BASE_XMLREAD_EXHIBIT))
		options |= XML_PARSE_NOCDATA;
	doc = xmlCtxtReadMemory(pc, xml, (int)len, what, "UTF-8", options);
	if (doc == NULL || !pc->wellFormed) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: not well-formed XML: %s", what,
		    col.have ? col.message : "parse failed");
		goto out;
	}
	if (doc->version == NULL ||
	    xmlStrcmp(doc->version, BAD_CAST "1.0") != 0) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: declares XML version '%.16s' (only 1.0 is read)",
		    what, doc->version != NULL ? (const char *)doc->version :
		    "");
		goto out;
	}
	declared_encoding(xml, len, encoding, sizeof(encoding));
	if (encoding[0] != '\0' && strcasecmp(encoding, "UTF-8") != 0) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: declares encoding '%s' (only UTF-8 is read)", what,
		    encoding);
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: has a DOCTYPE (DTDs and entities are not allowed)",
		    what);
		goto out;
	}
	if ((refused = forbidden_node(doc->children, rules->flags, 0, &why,
	    &line)) != NULL) {
		st = ex_error_set(err, EX_ERR_FORMAT, "%s: %s at line %ld (%s)",
		    what, refused, line, why);
		goto out;
	}

	if ((spc = xmlSchemaNewMemParserCtxt((const char *)rules->xsd,
	    (int)rules->xsdlen)) == NULL) {
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
	if (xmlSchemaValidateDoc(svc, doc) != 0) {
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

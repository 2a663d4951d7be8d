/*
 * xmlread_private.h — the one hardened reader for every XML document
 * exhibit reads: manifest.xml and custody.xml (src/lib/evidence) and a
 * recorder's recorder.xml (src/lib/archive).  It lives in the core
 * (libexcore) because the archive layer may not use the evidence layer.
 * Not installed.
 *
 * What every document must be (each refusal is EX_ERR_FORMAT with the
 * message "<what>: <why>"):
 *   - at most rules->max bytes, not empty;
 *   - UTF-8: no NUL byte (so no UTF-16/32 hiding markup from the scans
 *     below), every byte sequence well-formed UTF-8 (RFC 3629: no
 *     overlong forms, no surrogates, nothing beyond U+10FFFF), and an XML
 *     declaration, if any, naming version 1.0 and no encoding but UTF-8;
 *   - no DOCTYPE (so no DTD, internal or external), no entity declaration
 *     or reference, no XInclude element;
 *   - well-formed as libxml2 reads it with no network (XML_PARSE_NONET),
 *     no entity substitution, no DTD loading or validation, no XInclude
 *     and without XML_PARSE_HUGE, so libxml2's depth (256) and node-size
 *     (10 MB) limits stay on;
 *   - valid against the schema rules->xsd (compiled into the binary).
 * With BASE_XMLREAD_EXHIBIT (a document exhibit wrote) also: no byte-order
 * mark, no comment, no processing instruction (the XML declaration is not
 * one) and no CDATA section, anywhere.  Without it a UTF-8 byte-order
 * mark is skipped, and comments and processing instructions are allowed
 * (and ignored by whoever walks the tree).
 *
 * libxml2's error output is redirected to a collector for the duration
 * (its error handlers are per thread), so nothing is printed and the
 * first error becomes the message.
 */
#ifndef EXHIBIT_XMLREAD_PRIVATE_H
#define EXHIBIT_XMLREAD_PRIVATE_H

#include <stddef.h>

#include <libxml/tree.h>

#include "exhibit/error.h"

/* Accept only the form exhibit writes (see above). */
#define BASE_XMLREAD_EXHIBIT 1u

typedef struct base_xmlread_rules {
	const char *what;               /* names the document: "recorder.xml" */
	const unsigned char *xsd;       /* the schema's text (not copied) */
	size_t xsdlen;
	size_t max;                     /* largest document, in bytes */
	unsigned flags;                 /* BASE_XMLREAD_* */
} base_xmlread_rules;

/*
 * Read the len bytes at xml (need not be NUL-terminated) under rules.  On
 * success *out is the validated tree, which the caller frees with
 * xmlFreeDoc(); on failure *out is NULL and err says why.
 */
ex_status base_xmlread_parse(const base_xmlread_rules *rules, const char *xml,
    size_t len, xmlDocPtr *out, ex_error *err);

#endif

/*
 * xml_private.h — what the manifest files and custody.c share: the reader of
 * exhibit's own documents (the core's hardened reader, xmlread_private.h,
 * in its strictest form).  They write with the core's one writer
 * (xmlwrite_private.h).
 * Not installed; nothing outside src/lib/evidence includes it.
 */
#ifndef EXHIBIT_EVIDENCE_XML_PRIVATE_H
#define EXHIBIT_EVIDENCE_XML_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "exhibit/error.h"
#include "exhibit/time.h"
#include "xmlwrite_private.h"

/* Generated from schemas/manifest.xsd and custody.xsd by embed.sh. */
extern const unsigned char ex_manifest_xsd_text[];
extern const size_t ex_manifest_xsd_text_len;
extern const unsigned char ex_custody_xsd_text[];
extern const size_t ex_custody_xsd_text_len;

/* ---- reading -------------------------------------------------------- */

/*
 * Parse xml, a document exhibit wrote, with base_xmlread_parse() under
 * BASE_XMLREAD_EXHIBIT (only the form exhibit writes: no byte-order mark,
 * comment, processing instruction or CDATA section) and at most
 * EX_MANIFEST_MAX_BYTES, and validate it against the schema xsd.  what
 * names the document in messages ("manifest.xml").  On success *out is a
 * tree the caller frees with xmlFreeDoc().
 */
ex_status evidence_xml_read(const char *what, const char *xml, size_t len,
    const unsigned char *xsd, size_t xsdlen, xmlDocPtr *out, ex_error *err);

/*
 * A walk over a validated tree that keeps the first failure (out of
 * memory, a bad time) so the walker can test once at the end.
 */
typedef struct evidence_xr {
	const char *what;
	ex_error *err;
	ex_status status;
} evidence_xr;

/* Start a walk: r reports to err under what, over the tree that
 * evidence_xml_read() makes of xml (its result). */
ex_status evidence_xr_start(evidence_xr *r, const char *what,
    const char *xml, size_t len, const unsigned char *xsd, size_t xsdlen,
    xmlDocPtr *out, ex_error *err);

/* First element child of parent called name (any name for NULL). */
xmlNodePtr evidence_xr_child(xmlNodePtr parent, const char *name);
/* Next element sibling of node called name (any name for NULL). */
xmlNodePtr evidence_xr_next(xmlNodePtr node, const char *name);
/* malloc'd copies (NULL when absent; an allocation failure is recorded). */
char *evidence_xr_attr(evidence_xr *r, xmlNodePtr n, const char *name);
char *evidence_xr_text(evidence_xr *r, xmlNodePtr n);
char *evidence_xr_child_text(evidence_xr *r, xmlNodePtr parent,
    const char *name);
/* Attribute as a number / time; def (or EX_INSTANT_NONE) when absent. */
int64_t evidence_xr_attr_int(evidence_xr *r, xmlNodePtr n, const char *name,
    int64_t def);
uint64_t evidence_xr_attr_uint(evidence_xr *r, xmlNodePtr n, const char *name);
ex_instant evidence_xr_attr_time(evidence_xr *r, xmlNodePtr n,
    const char *name);
/* Record a failure (first wins); returns status. */
ex_status evidence_xr_fail(evidence_xr *r, ex_status status,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Record an allocation failure (first wins): "<what>: out of memory". */
void evidence_xr_nomem(evidence_xr *r);

/* ---- the models ------------------------------------------------------ */

/* Append one zeroed element of size bytes to *array_ptr, which holds *n
 * (the arrays of the public models keep no capacity, and a caller may
 * have allocated one itself); *n grows by one.  The new element, or NULL
 * (base_nomem) with the array unchanged. */
void *evidence_push(void *array_ptr, size_t *n, size_t size, ex_error *err);

#endif

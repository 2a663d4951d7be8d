/*
 * xmlwrite_private.h — the library's one XML writer (libexcore): an
 * xmlTextWriter wrapper that cleans every string it is given (invalid
 * UTF-8 and control characters cannot reach the document) and remembers
 * its first failure, and microsecond time stamps.  Used for manifest.xml,
 * custody.xml and the scan and verify reports.  Not installed.
 */
#ifndef EXHIBIT_XMLWRITE_PRIVATE_H
#define EXHIBIT_XMLWRITE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlwriter.h>

#include "exhibit/error.h"
#include "exhibit/time.h"

/*
 * A malloc'd copy of s (NULL for NULL or out of memory) with invalid
 * UTF-8 replaced by U+FFFD and control characters (C0 but TAB and LF,
 * DEL, C1) dropped; U+FFFE/U+FFFF become U+FFFD.  With attr, TAB and LF
 * become spaces (XML attribute normalisation would do it on reading).
 */
char *base_xml_clean(const char *s, int attr);

/* "2024-10-27T00:59:30.123456Z"; buf holds EX_TIME_BUFSZ. */
char *base_xml_time_utc(ex_instant t, char *buf, size_t size);
/* "2024-10-27T01:59:30.123456+01:00" in zone. */
char *base_xml_time_local(ex_instant t, const char *zone, char *buf,
    size_t size);

/* ---- writing -------------------------------------------------------- */

typedef struct base_xw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int failed;             /* a libxml2 call or an allocation failed */
	int shown;              /* strings escaped as shown (base_xw_shown) */
} base_xw;

/* Start a document whose root element `root` is in namespace ns. */
ex_status base_xw_open(base_xw *x, const char *root, const char *ns,
    ex_error *err);
void base_xw_start(base_xw *x, const char *name);
void base_xw_end(base_xw *x);
/* Attribute (cleaned); nothing when value is NULL. */
void base_xw_attr(base_xw *x, const char *name, const char *value);
void base_xw_attr_fmt(base_xw *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Time attribute in UTC with microseconds; nothing for EX_INSTANT_NONE. */
void base_xw_attr_time(base_xw *x, const char *name, ex_instant t);
/* <name>text</name> (cleaned); nothing when text is NULL. */
void base_xw_element(base_xw *x, const char *name, const char *text);
/* End the document; on success hand over a malloc'd NUL-terminated copy.
 * Always releases the writer. */
ex_status base_xw_close(base_xw *x, const char *what, char **xml, size_t *len,
    ex_error *err);
void base_xw_discard(base_xw *x);

/* ---- reports the CLI prints (scan, verify) ---------------------------- */
/* After base_xw_open: indent with `indent` instead of two spaces, and
 * escape every string as a terminal shows it (ex_text_escape: a reader of
 * the XML sees what the officer sees; nothing is lost) instead of
 * cleaning it. */
void base_xw_shown(base_xw *x, const char *indent);
/* Text content of the open element (cleaned or escaped); nothing when
 * text is NULL. */
void base_xw_text(base_xw *x, const char *text);

#endif

/*
 * xmlwrite.c — the library's one XML writer (xmlwrite_private.h).
 * xmlTextWriter escapes only & < > and CR, so every string is cleaned
 * first (base_xml_clean).
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmlwrite_private.h"
#include "exhibit/text.h"

/* ---- cleaning --------------------------------------------------------- */

char *
base_xml_clean(const char *s, int attr)
{
	return ex_text_clean(s, attr ? EX_TEXT_TAB_SPACE | EX_TEXT_LF_SPACE :
	    0);
}

/* A string as this writer puts it in the document (malloc'd). */
static char *
prepare(const base_xw *x, const char *s, int attr)
{
	return x->shown ? ex_text_escape(s) : base_xml_clean(s, attr);
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
base_xml_time_utc(ex_instant t, char *buf, size_t size)
{
	return add_usec(t, ex_time_format_utc(t, buf, size), size);
}

char *
base_xml_time_local(ex_instant t, const char *zone, char *buf, size_t size)
{
	return add_usec(t, ex_time_format_iso_local(t, zone, buf, size),
	    size);
}

/* ---- writing ---------------------------------------------------------- */

ex_status
base_xw_open(base_xw *x, const char *root, const char *ns, ex_error *err)
{
	memset(x, 0, sizeof(*x));
	if ((x->buf = xmlBufferCreate()) == NULL ||
	    (x->w = xmlNewTextWriterMemory(x->buf, 0)) == NULL) {
		base_xw_discard(x);
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
base_xw_start(base_xw *x, const char *name)
{
	if (!x->failed && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->failed = 1;
}

void
base_xw_end(base_xw *x)
{
	if (!x->failed && xmlTextWriterEndElement(x->w) < 0)
		x->failed = 1;
}

void
base_xw_attr(base_xw *x, const char *name, const char *value)
{
	char *clean;

	if (value == NULL || x->failed)
		return;
	if ((clean = prepare(x, value, 1)) == NULL ||
	    xmlTextWriterWriteAttribute(x->w, BAD_CAST name,
	    BAD_CAST clean) < 0)
		x->failed = 1;
	free(clean);
}

void
base_xw_attr_fmt(base_xw *x, const char *name, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	base_xw_attr(x, name, buf);
}

void
base_xw_attr_time(base_xw *x, const char *name, ex_instant t)
{
	char buf[EX_TIME_BUFSZ];

	if (t != EX_INSTANT_NONE)
		base_xw_attr(x, name, base_xml_time_utc(t, buf, sizeof(buf)));
}

void
base_xw_element(base_xw *x, const char *name, const char *text)
{
	if (text == NULL)
		return;
	base_xw_start(x, name);
	base_xw_text(x, text);
	base_xw_end(x);
}

ex_status
base_xw_close(base_xw *x, const char *what, char **xml, size_t *len,
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
	base_xw_discard(x);
	return st;
}

void
base_xw_discard(base_xw *x)
{
	if (x->w != NULL)
		xmlFreeTextWriter(x->w);
	if (x->buf != NULL)
		xmlBufferFree(x->buf);
	x->w = NULL;
	x->buf = NULL;
}


void
base_xw_shown(base_xw *x, const char *indent)
{
	x->shown = 1;
	if (!x->failed && xmlTextWriterSetIndentString(x->w,
	    BAD_CAST indent) < 0)
		x->failed = 1;
}

void
base_xw_text(base_xw *x, const char *text)
{
	char *clean;

	if (text == NULL || x->failed)
		return;
	if ((clean = prepare(x, text, 0)) == NULL ||
	    xmlTextWriterWriteString(x->w, BAD_CAST clean) < 0)
		x->failed = 1;
	free(clean);
}

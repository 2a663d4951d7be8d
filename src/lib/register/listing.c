/*
 * listing.c — register rows for programs: CSV (RFC 4180) and XML
 * (urn:exhibit:register:1, schemas/register.xsd, compiled in).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/register_private.h"
#include "xmlwrite_private.h"

#define REGISTER_NS "urn:exhibit:register:1"

extern const unsigned char ex_register_xsd_text[];
extern const size_t ex_register_xsd_text_len;

const char *
ex_register_xsd(size_t *len)
{
	if (len != NULL)
		*len = ex_register_xsd_text_len;
	return (const char *)ex_register_xsd_text;
}

/* ---- CSV ------------------------------------------------------------- */

/* One cell: quoted when it must be; a cell a spreadsheet would take for
 * a formula (= + - @, TAB, CR first) gets a leading ' (OWASP's advice:
 * a requester's name must not run as a formula in the office). */
static void
cell(base_buf *b, const char *s, int last)
{
	const char *p;

	s = s != NULL ? s : "";
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0') {
		base_buf_adds(b, "\"'");
	} else if (strpbrk(s, ",\"\r\n") != NULL) {
		base_buf_addc(b, '"');
	} else {
		base_buf_adds(b, s);
		base_buf_adds(b, last ? "\r\n" : ",");
		return;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			base_buf_addc(b, '"');
		base_buf_addc(b, *p);
	}
	base_buf_adds(b, last ? "\"\r\n" : "\",");
}

static void
cell_int(base_buf *b, int64_t v)
{
	base_buf_printf(b, "%" PRId64 ",", v);
}

static const char *
utc(ex_instant t, char *buf)
{
	return ex_time_format_utc(t, buf, EX_TIME_BUFSZ);
}

/* "masters native working redacted", as held. */
static void
holds_text(unsigned h, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", h & EX_HOLDS_MASTERS ? "masters " :
	    "", h & EX_HOLDS_NATIVE ? "native " : "", h & EX_HOLDS_WORKING ?
	    "working " : "", h & EX_HOLDS_REDACTED ? "redacted " : "");
	if (buf[0] != '\0')
		buf[strlen(buf) - 1] = '\0';
}

ex_status
ex_register_csv(const ex_register_row *rows, size_t n, char **text,
    size_t *len, ex_error *err)
{
	base_buf b = BASE_BUF_INIT, cams = BASE_BUF_INIT;
	char t[EX_TIME_BUFSZ], holds[64];
	size_t i, k;

	*text = NULL;
	base_buf_adds(&b, "row,time,operator,organisation,key_id,requester,"
	    "requester_organisation,purpose,case,exhibit,reason,cameras,from,"
	    "to,hours,holds,container,bundle,bytes,manifest_sha256,hash\r\n");
	for (i = 0; i < n; i++) {
		const ex_register_row *w = &rows[i];

		base_buf_truncate(&cams, 0);
		for (k = 0; k < w->ncameras; k++) {
			if (k > 0)
				base_buf_addc(&cams, ';');
			base_buf_adds(&cams, w->cameras[k]);
		}
		holds_text(w->holds, holds, sizeof(holds));
		cell_int(&b, w->row);
		cell(&b, utc(w->time, t), 0);
		cell(&b, w->operator_name, 0);
		cell(&b, w->organisation, 0);
		cell(&b, w->key_id, 0);
		cell(&b, w->requester, 0);
		cell(&b, w->requester_org, 0);
		cell(&b, ex_purpose_name(w->purpose), 0);
		cell(&b, w->case_ref, 0);
		cell(&b, w->exhibit_ref, 0);
		cell(&b, w->reason, 0);
		cell(&b, cams.data, 0);
		cell(&b, utc(w->from, t), 0);
		cell(&b, utc(w->to, t), 0);
		base_buf_printf(&b, "%.3f,", (double)(w->to - w->from) *
		    (double)w->ncameras / 3600e6);
		cell(&b, holds, 0);
		cell(&b, w->container, 0);
		cell(&b, w->bundle, 0);
		cell_int(&b, (int64_t)w->bytes);
		cell(&b, w->manifest_sha256, 0);
		cell(&b, w->hash, 1);
	}
	base_buf_free(&cams);
	if (base_buf_failed(&b))
		return base_nomem(err);
	*len = b.len;
	*text = base_buf_take(&b);
	return EX_OK;
}

/* ---- XML ------------------------------------------------------------- */

static void
write_row(base_xw *x, const ex_register_row *w)
{
	size_t k;

	base_xw_start(x, "disclosure");
	base_xw_attr_fmt(x, "row", "%" PRId64, w->row);
	base_xw_attr_time(x, "time", w->time);
	base_xw_attr(x, "key-id", w->key_id);
	base_xw_attr(x, "hash", w->hash);
	base_xw_attr(x, "previous", w->previous);
	base_xw_element(x, "operator", w->operator_name);
	base_xw_element(x, "organisation", w->organisation);
	base_xw_element(x, "requester", w->requester);
	base_xw_element(x, "requester-organisation", w->requester_org);
	if (w->purpose != EX_PURPOSE_NONE)
		base_xw_element(x, "purpose", ex_purpose_name(w->purpose));
	base_xw_element(x, "case", w->case_ref);
	base_xw_element(x, "exhibit", w->exhibit_ref);
	base_xw_element(x, "reason", w->reason);
	for (k = 0; k < w->ncameras; k++)
		base_xw_element(x, "camera", w->cameras[k]);
	base_xw_start(x, "range");
	base_xw_attr_time(x, "from", w->from);
	base_xw_attr_time(x, "to", w->to);
	base_xw_end(x);
	base_xw_start(x, "holds");
	base_xw_attr(x, "masters", w->holds & EX_HOLDS_MASTERS ? "true" :
	    "false");
	base_xw_attr(x, "native", w->holds & EX_HOLDS_NATIVE ? "true" :
	    "false");
	base_xw_attr(x, "working", w->holds & EX_HOLDS_WORKING ? "true" :
	    "false");
	base_xw_attr(x, "redacted", w->holds & EX_HOLDS_REDACTED ? "true" :
	    "false");
	base_xw_end(x);
	base_xw_start(x, "bundle");
	base_xw_attr(x, "container", w->container);
	base_xw_attr_fmt(x, "bytes", "%" PRIu64, w->bytes);
	base_xw_attr(x, "manifest-sha256", w->manifest_sha256);
	base_xw_text(x, w->bundle);
	base_xw_end(x);
	base_xw_element(x, "tool", w->tool);
	base_xw_element(x, "signature", w->signature);
	base_xw_end(x);
}

ex_status
ex_register_xml(const ex_register_row *rows, size_t n,
    const ex_register_filter *f, char **text, size_t *len, ex_error *err)
{
	base_xw x;
	size_t i;
	ex_status st;

	*text = NULL;
	if ((st = base_xw_open(&x, "register", REGISTER_NS, err)) != EX_OK)
		return st;
	base_xw_attr(&x, "format", "1");
	base_xw_attr_fmt(&x, "rows", "%zu", n);
	if (f != NULL && (f->from != EX_INSTANT_NONE || f->to !=
	    EX_INSTANT_NONE || f->case_ref != NULL)) {
		base_xw_start(&x, "filter");
		base_xw_attr_time(&x, "from", f->from);
		base_xw_attr_time(&x, "to", f->to);
		base_xw_attr(&x, "case", f->case_ref);
		base_xw_end(&x);
	}
	for (i = 0; i < n; i++)
		write_row(&x, &rows[i]);
	base_xw_end(&x);
	return base_xw_close(&x, "the register listing", text, len, err);
}

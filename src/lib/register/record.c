/*
 * record.c — the register's texts: purposes by name, a row's canonical
 * record and the head record (what is hashed and signed; their form is
 * exhibit(1)'s REGISTER FORMAT, so another program can check a register),
 * and signing them in minisign's form.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/register_private.h"

static const char *const purposes[EX_PURPOSE_COUNT] = {
	"", "police-investigation", "court", "civil-proceedings",
	"subject-access", "insurance", "internal-review", "other",
};

const char *
ex_purpose_name(ex_purpose p)
{
	return p >= 0 && p < EX_PURPOSE_COUNT ? purposes[p] : "";
}

int
ex_purpose_parse(const char *name, ex_purpose *out)
{
	int i;

	for (i = 1; i < EX_PURPOSE_COUNT; i++)
		if (strcmp(name, purposes[i]) == 0) {
			*out = (ex_purpose)i;
			return 0;
		}
	return -1;
}

void
ex_register_row_clear(ex_register_row *r)
{
	size_t i;

	free(r->operator_name);
	free(r->organisation);
	free(r->requester);
	free(r->requester_org);
	free(r->case_ref);
	free(r->exhibit_ref);
	free(r->reason);
	for (i = 0; i < r->ncameras; i++)
		free(r->cameras[i]);
	free(r->cameras);
	free(r->container);
	free(r->bundle);
	free(r->tool);
	free(r->signature);
	memset(r, 0, sizeof(*r));
}

void
register_escape(base_buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0';
	    p++) {
		if (*p == '\\')
			base_buf_adds(b, "\\\\");
		else if (*p == '\n')
			base_buf_adds(b, "\\n");
		else if (*p == '\r')
			base_buf_adds(b, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			base_buf_printf(b, "\\x%02x", *p);
		else
			base_buf_addc(b, (char)*p);
	}
}

static void
field(base_buf *b, const char *name, const char *value)
{
	base_buf_adds(b, name);
	base_buf_adds(b, ": ");
	register_escape(b, value);
	base_buf_addc(b, '\n');
}

static void
number(base_buf *b, const char *name, int64_t v)
{
	base_buf_printf(b, "%s: %" PRId64 "\n", name, v);
}

ex_status
ex_register_record_text(const ex_register_row *w, char **text, size_t *len,
    ex_error *err)
{
	base_buf b = BASE_BUF_INIT;
	size_t i;

	*text = NULL;
	base_buf_adds(&b, "exhibit register row 1\n");
	number(&b, "row", w->row);
	field(&b, "previous", w->previous);
	number(&b, "time", w->time);
	field(&b, "operator", w->operator_name);
	field(&b, "organisation", w->organisation);
	field(&b, "key-id", w->key_id);
	field(&b, "requester", w->requester);
	field(&b, "requester-organisation", w->requester_org);
	field(&b, "purpose", ex_purpose_name(w->purpose));
	field(&b, "case", w->case_ref);
	field(&b, "exhibit", w->exhibit_ref);
	field(&b, "reason", w->reason);
	for (i = 0; i < w->ncameras; i++)
		field(&b, "camera", w->cameras[i]);
	number(&b, "from", w->from);
	number(&b, "to", w->to);
	base_buf_printf(&b, "holds:%s%s%s%s\n",
	    w->holds & EX_HOLDS_MASTERS ? " masters" : "",
	    w->holds & EX_HOLDS_NATIVE ? " native" : "",
	    w->holds & EX_HOLDS_WORKING ? " working" : "",
	    w->holds & EX_HOLDS_REDACTED ? " redacted" : "");
	field(&b, "container", w->container);
	field(&b, "bundle", w->bundle);
	number(&b, "bytes", (int64_t)w->bytes);
	field(&b, "manifest-sha256", w->manifest_sha256);
	field(&b, "tool", w->tool);
	if (base_buf_failed(&b))
		return base_nomem(err);
	*len = b.len;
	*text = base_buf_take(&b);
	return EX_OK;
}

ex_status
register_head_text(int64_t rows, const char *hash, ex_instant time,
    char **text, size_t *len, ex_error *err)
{
	base_buf b = BASE_BUF_INIT;

	*text = NULL;
	base_buf_printf(&b, "exhibit register head 1\nrows: %" PRId64 "\n"
	    "hash: %s\ntime: %" PRId64 "\n", rows, hash, time);
	if (base_buf_failed(&b))
		return base_nomem(err);
	*len = b.len;
	*text = base_buf_take(&b);
	return EX_OK;
}

void
register_trusted(char *buf, size_t size, const char *what, int64_t n,
    ex_instant time, const char *hash)
{
	snprintf(buf, size, "timestamp:%" PRId64 "\t%s:%" PRId64
	    "\tsha256:%s", time / EX_USEC_PER_SEC, what, n, hash);
}

ex_status
register_sign(const ex_seckey *key, const char *text, size_t len,
    const char *trusted, char **sig, ex_error *err)
{
	return ex_sign_buffer(key, text, len, trusted, NULL, sig, NULL, err);
}

void
register_sha256_hex(const char *text, size_t len, char hex[EX_SHA256_HEX])
{
	ex_digest_result d;

	ex_digest_buffer(text, len, &d);
	ex_sha256_hex(d.sha256, hex);
}

/*
 * verify_xml.c — the verify report for programs: a verification's three
 * answers, every file, custody event and problem as XML
 * (urn:exhibit:verify:1, schemas/verify.xsd), written with the library's
 * one XML writer (xmlwrite_private.h).
 */
#include "config.h"

#include <string.h>

#include "exhibit/verify.h"
#include "xmlwrite_private.h"

/* Text from the bundle may be NULL where the report has none: "". */
static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

static const char *
yes(int b)
{
	return b ? "true" : "false";
}

/* The three answers: the files, the exporter, the custody log. */
static void
answers(base_xw *x, const ex_verify_report *r)
{
	size_t i, n;

	for (i = 0, n = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].role, "folder") != 0 || !r->files[i].ok)
			n++;
	base_xw_start(x, "integrity");
	base_xw_attr(x, "status", r->incomplete ? "incomplete" :
	    r->intact ? "intact" : "not-intact");
	base_xw_attr_fmt(x, "files", "%zu", n);
	base_xw_attr_fmt(x, "ignored", "%zu", r->nignored);
	base_xw_end(x);
	base_xw_start(x, "exporter");
	base_xw_attr(x, "key-id", r->signer_key_id);
	base_xw_attr(x, "status", r->signer_trusted ? "trusted" :
	    r->signer_key_id[0] != '\0' ? "untrusted" : "unknown");
	base_xw_end(x);
	base_xw_start(x, "custody");
	base_xw_attr_fmt(x, "events", "%zu", r->custody.nevents);
	base_xw_attr(x, "chain", ex_verify_custody_state(r));
	base_xw_attr_fmt(x, "unverified", "%zu", r->custody_unverified);
	base_xw_end(x);
}

static void
file(base_xw *x, const ex_verify_file *f)
{
	base_xw_start(x, "file");
	base_xw_attr(x, "path", nz(f->path));
	base_xw_attr(x, "role", f->role);
	base_xw_attr(x, "status", f->ok ? "pass" : "fail");
	base_xw_attr_fmt(x, "size", "%llu", (unsigned long long)f->size);
	if (f->sha256[0] != '\0')
		base_xw_attr(x, "sha256", f->sha256);
	if (!f->ok)
		base_xw_text(x, f->problem);
	base_xw_end(x);
}

static void
event(base_xw *x, const ex_verify_report *r, size_t i)
{
	const ex_custody_event_report *e = &r->custody.events[i];
	const ex_custody_event *ev = r->custody_log != NULL &&
	    i < r->custody_log->nevents ? &r->custody_log->events[i] : NULL;
	char when[EX_TIME_BUFSZ];

	base_xw_start(x, "custody-event");
	base_xw_attr_fmt(x, "seq", "%llu", (unsigned long long)e->seq);
	base_xw_attr(x, "key-id", e->key_id);
	base_xw_attr(x, "status", e->seq_ok && e->link_ok &&
	    e->signature_ok && e->manifest_ok ? "pass" : "fail");
	base_xw_attr(x, "trusted", yes(e->trusted));
	base_xw_attr(x, "signer", e->trusted ? "trusted" : "unverified");
	if (ev != NULL) {
		base_xw_attr(x, "action", nz(ev->action));
		base_xw_attr(x, "actor", nz(ev->actor));
		base_xw_attr(x, "time", ex_time_format_utc(ev->time, when,
		    sizeof(when)));
	}
	if (e->problem[0] != '\0')
		base_xw_text(x, e->problem);
	base_xw_end(x);
}

ex_status
ex_verify_xml(const char *path, const ex_verify_report *r, char **xml,
    size_t *len, ex_error *err)
{
	base_xw x;
	ex_status st;
	size_t i;

	*xml = NULL;
	*len = 0;
	if ((st = base_xw_open(&x, "verify", "urn:exhibit:verify:1", err)) !=
	    EX_OK)
		return st;
	base_xw_shown(&x, " ");
	base_xw_attr(&x, "result", r->passed ? "pass" : "fail");
	base_xw_attr(&x, "intact", yes(r->intact));
	base_xw_attr(&x, "trusted", yes(r->trusted));
	base_xw_attr(&x, "strict", yes(r->strict));
	base_xw_start(&x, "bundle");
	base_xw_attr(&x, "path", nz(path));
	base_xw_attr(&x, "container", r->container);
	base_xw_attr(&x, "top", nz(r->top));
	if (r->case_ref != NULL) {
		base_xw_attr(&x, "case", r->case_ref);
		base_xw_attr(&x, "exhibit", nz(r->exhibit_ref));
	}
	base_xw_end(&x);
	base_xw_start(&x, "signer");
	base_xw_attr(&x, "key-id", r->signer_key_id);
	base_xw_attr(&x, "trusted", yes(r->signer_trusted));
	base_xw_end(&x);
	answers(&x, r);
	for (i = 0; i < r->nignored; i++) {
		base_xw_start(&x, "ignored");
		base_xw_attr(&x, "path", nz(r->ignored[i].path));
		base_xw_attr(&x, "origin", r->ignored[i].origin);
		base_xw_end(&x);
	}
	for (i = 0; i < r->nfiles; i++)
		file(&x, &r->files[i]);
	for (i = 0; i < r->custody.nevents; i++)
		event(&x, r, i);
	for (i = 0; i < r->nproblems; i++) {
		base_xw_start(&x, "problem");
		base_xw_attr(&x, "kind",
		    ex_verify_kind_name(r->problems[i].kind));
		if (r->problems[i].path[0] != '\0')
			base_xw_attr(&x, "path", r->problems[i].path);
		base_xw_text(&x, nz(r->problems[i].message));
		base_xw_end(&x);
	}
	base_xw_end(&x);
	return base_xw_close(&x, "verify report", xml, len, err);
}

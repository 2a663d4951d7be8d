/*
 * verify_report.c — the verify report as data: the names of its problem
 * kinds and of its custody state, and its freeing (exhibit/verify.h).
 * Made by verify.c, written as XML by verify_xml.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "exhibit/verify.h"

const char *
ex_verify_kind_name(ex_verify_kind kind)
{
	switch (kind) {
	case EX_VERIFY_STRUCTURE: return "structure";
	case EX_VERIFY_INCOMPLETE: return "incomplete";
	case EX_VERIFY_MISSING: return "missing";
	case EX_VERIFY_UNLISTED: return "unlisted";
	case EX_VERIFY_CONTENT: return "content";
	case EX_VERIFY_SIGNATURE: return "signature";
	case EX_VERIFY_BINDING: return "binding";
	case EX_VERIFY_BAGIT: return "bagit";
	case EX_VERIFY_CUSTODY: return "custody";
	case EX_VERIFY_UNTRUSTED: return "untrusted";
	}
	return "unknown";
}

/* The custody.xml entry failed (form, exhibit, chain or event 1). */
static int
custody_file_failed(const ex_verify_report *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].role, "custody") == 0 && !r->files[i].ok)
			return 1;
	return r->custody.nevents == 0;
}

const char *
ex_verify_custody_state(const ex_verify_report *r)
{
	return r->incomplete ? "unchecked" : r->custody.nevents == 0 ?
	    "unreadable" : r->custody_ok && !custody_file_failed(r) ?
	    "intact" : "broken";
}

void
ex_verify_report_free(ex_verify_report **report)
{
	ex_verify_report *r;
	size_t i;

	if (report == NULL || (r = *report) == NULL)
		return;
	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].role);
		free(r->files[i].problem);
	}
	free(r->files);
	for (i = 0; i < r->nproblems; i++) {
		free(r->problems[i].path);
		free(r->problems[i].message);
	}
	free(r->problems);
	ex_custody_report_free(&r->custody);
	ex_custody_free(&r->custody_log);
	for (i = 0; i < r->nignored; i++)
		free(r->ignored[i].path);
	free(r->ignored);
	free(r->container);
	free(r->top);
	free(r->case_ref);
	free(r->exhibit_ref);
	free(r);
	*report = NULL;
}

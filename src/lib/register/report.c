/*
 * report.c — a period's sums for the annual report (ex_register_sum):
 * requests by purpose and by requesting organisation, cameras and hours
 * of footage released, redacted disclosures; and the sums as text and
 * CSV.  The HTML page is report_html.c's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/register_private.h"

#define NOT_GIVEN "(not given)"

static double
hours_of(const ex_register_row *w)
{
	return (double)(w->to - w->from) * (double)w->ncameras / 3600e6;
}

static void
count(ex_register_count *c, const ex_register_row *w)
{
	c->requests++;
	c->cameras += (int64_t)w->ncameras;
	c->hours += hours_of(w);
}

static int
by_requests(const void *a, const void *b)
{
	const ex_register_count *x = a, *y = b;

	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The organisation's count, made when new. */
static ex_register_count *
org(ex_register_sums *s, size_t *cap, const char *name)
{
	size_t i;

	for (i = 0; i < s->norgs; i++)
		if (strcmp(s->by_org[i].name, name) == 0)
			return &s->by_org[i];
	if (BASE_GROW(s->by_org, *cap, s->norgs + 1) != 0)
		return NULL;
	memset(&s->by_org[s->norgs], 0, sizeof(s->by_org[0]));
	if ((s->by_org[s->norgs].name = strdup(name)) == NULL)
		return NULL;
	return &s->by_org[s->norgs++];
}

/* Distinct camera IDs among the rows counted. */
static ex_status
distinct(const ex_register_row *rows, size_t n, ex_instant from,
    ex_instant to, int64_t *out, ex_error *err)
{
	char **ids = NULL;
	size_t cap = 0, k = 0, i, j;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (rows[i].time < from || rows[i].time >= to)
			continue;
		for (j = 0; j < rows[i].ncameras; j++) {
			if (BASE_GROW(ids, cap, k + 1) != 0) {
				free(ids);
				return base_nomem(err);
			}
			ids[k++] = rows[i].cameras[j];
		}
	}
	if (k > 0)
		qsort(ids, k, sizeof(*ids), by_name);
	for (i = 0; i < k; i++)
		if (i == 0 || strcmp(ids[i], ids[i - 1]) != 0)
			(*out)++;
	free(ids);
	return EX_OK;
}

/* Where a purpose is counted: the purposes in their order, then "not
 * given" last. */
static size_t
purpose_slot(ex_purpose p)
{
	return p == EX_PURPOSE_NONE ? EX_PURPOSE_COUNT - 1 : (size_t)p - 1;
}

ex_status
ex_register_sum(const ex_register_row *rows, size_t n, ex_instant from,
    ex_instant to, ex_register_sums *s, ex_error *err)
{
	size_t i, cap = 0;
	int p;
	ex_register_count *c;

	memset(s, 0, sizeof(*s));
	s->from = from;
	s->to = to;
	if ((s->by_purpose = calloc(EX_PURPOSE_COUNT,
	    sizeof(*s->by_purpose))) == NULL)
		return base_nomem(err);
	/* Every purpose is listed (a zero is a figure too); "not given"
	 * only when a row gave none. */
	s->npurposes = EX_PURPOSE_COUNT;
	for (p = 0; p < EX_PURPOSE_COUNT; p++)
		if ((s->by_purpose[purpose_slot((ex_purpose)p)].name = strdup(
		    p == EX_PURPOSE_NONE ? NOT_GIVEN :
		    ex_purpose_name((ex_purpose)p))) == NULL)
			goto nomem;
	for (i = 0; i < n; i++) {
		const ex_register_row *w = &rows[i];

		if (w->time < from || w->time >= to)
			continue;
		s->requests++;
		s->camera_exports += (int64_t)w->ncameras;
		s->hours += hours_of(w);
		s->bytes += w->bytes;
		if (w->holds & EX_HOLDS_REDACTED)
			s->redacted++;
		count(&s->by_purpose[purpose_slot(w->purpose)], w);
		if ((c = org(s, &cap, w->requester_org != NULL &&
		    w->requester_org[0] != '\0' ? w->requester_org :
		    NOT_GIVEN)) == NULL)
			goto nomem;
		count(c, w);
	}
	if (s->by_purpose[EX_PURPOSE_COUNT - 1].requests == 0) {
		free(s->by_purpose[EX_PURPOSE_COUNT - 1].name);
		s->npurposes--;
	}
	if (s->norgs > 0)
		qsort(s->by_org, s->norgs, sizeof(*s->by_org), by_requests);
	return distinct(rows, n, from, to, &s->distinct_cameras, err);
nomem:
	ex_register_sums_clear(s);
	return base_nomem(err);
}

void
ex_register_sums_clear(ex_register_sums *s)
{
	size_t i;

	for (i = 0; s->by_purpose != NULL && i < s->npurposes; i++)
		free(s->by_purpose[i].name);
	for (i = 0; i < s->norgs; i++)
		free(s->by_org[i].name);
	free(s->by_purpose);
	free(s->by_org);
	memset(s, 0, sizeof(*s));
}

/* ---- text and CSV ------------------------------------------------------- */

static void
table(base_buf *b, const char *title, const ex_register_count *c, size_t n)
{
	size_t i;

	base_buf_printf(b, "\n%s\n  %-34s %8s %8s %10s\n", title, "",
	    "requests", "cameras", "hours");
	for (i = 0; i < n; i++)
		base_buf_printf(b, "  %-34.34s %8" PRId64 " %8" PRId64
		    " %10.2f\n", c[i].name, c[i].requests, c[i].cameras,
		    c[i].hours);
}

ex_status
ex_register_report_text(const ex_register_sums *s, const char *title,
    char **text, size_t *len, ex_error *err)
{
	base_buf b = BASE_BUF_INIT;

	*text = NULL;
	base_buf_printf(&b, "Disclosures of CCTV footage: %s\n\n", title);
	base_buf_printf(&b, "  requests served          %" PRId64 "\n",
	    s->requests);
	base_buf_printf(&b, "  redacted disclosures     %" PRId64 "\n",
	    s->redacted);
	base_buf_printf(&b, "  cameras released         %" PRId64 " (%" PRId64
	    " different cameras)\n", s->camera_exports, s->distinct_cameras);
	base_buf_printf(&b, "  hours of footage         %.2f\n", s->hours);
	base_buf_printf(&b, "  bytes released           %" PRIu64 "\n",
	    s->bytes);
	table(&b, "By purpose", s->by_purpose, s->npurposes);
	table(&b, "By requesting organisation", s->by_org, s->norgs);
	if (base_buf_failed(&b))
		return base_nomem(err);
	*len = b.len;
	*text = base_buf_take(&b);
	return EX_OK;
}

static void
csv_name(base_buf *b, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL && strchr("=+-@\t", s[0]) == NULL)
	{
		base_buf_adds(b, s);
		return;
	}
	base_buf_addc(b, '"');
	if (s[0] != '\0' && strchr("=+-@\t", s[0]) != NULL)
		base_buf_addc(b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			base_buf_addc(b, '"');
		base_buf_addc(b, *p);
	}
	base_buf_addc(b, '"');
}

static void
csv_rows(base_buf *b, const char *section, const ex_register_count *c,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		base_buf_printf(b, "%s,", section);
		csv_name(b, c[i].name);
		base_buf_printf(b, ",%" PRId64 ",%" PRId64 ",%.3f\r\n",
		    c[i].requests, c[i].cameras, c[i].hours);
	}
}

ex_status
ex_register_report_csv(const ex_register_sums *s, char **text, size_t *len,
    ex_error *err)
{
	base_buf b = BASE_BUF_INIT;
	char f[EX_TIME_BUFSZ], t[EX_TIME_BUFSZ];

	*text = NULL;
	base_buf_adds(&b, "section,name,requests,cameras,hours\r\n");
	base_buf_printf(&b, "period,%s/%s,%" PRId64 ",%" PRId64 ",%.3f\r\n",
	    ex_time_format_utc(s->from, f, sizeof(f)),
	    ex_time_format_utc(s->to, t, sizeof(t)), s->requests,
	    s->camera_exports, s->hours);
	base_buf_printf(&b, "total,redacted,%" PRId64 ",,\r\n", s->redacted);
	base_buf_printf(&b, "total,distinct-cameras,,%" PRId64 ",\r\n",
	    s->distinct_cameras);
	csv_rows(&b, "purpose", s->by_purpose, s->npurposes);
	csv_rows(&b, "organisation", s->by_org, s->norgs);
	if (base_buf_failed(&b))
		return base_nomem(err);
	*len = b.len;
	*text = base_buf_take(&b);
	return EX_OK;
}

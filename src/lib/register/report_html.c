/*
 * report_html.c — the annual report as one self-contained HTML page: the
 * figures, a table and a bar chart (inline SVG) per breakdown.  Nothing is
 * fetched and nothing runs: its Content-Security-Policy allows no script,
 * no connection and only its own inline style, so it opens the same from
 * a USB stick, an e-mail or a court's offline laptop.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/register_private.h"

#define BAR_MAX 420     /* px of the longest bar */
#define BAR_H 22
#define LABEL_W 230

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,"
	"sans-serif;margin:2rem auto;max-width:52rem;padding:0 1rem;"
	"color:#1b1b1b;line-height:1.45}"
	"h1{font-size:1.6rem;margin-bottom:.2rem}"
	"h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}"
	".sub{color:#555;margin-top:0}"
	".figs{display:grid;grid-template-columns:repeat(auto-fit,"
	"minmax(11rem,1fr));gap:.8rem;margin:1.2rem 0}"
	".fig{border:1px solid #ccc;border-radius:6px;padding:.6rem .8rem}"
	".fig b{display:block;font-size:1.7rem}"
	"table{border-collapse:collapse;width:100%;margin:.8rem 0}"
	"th,td{padding:.25rem .5rem;border-bottom:1px solid #e3e3e3;"
	"text-align:right}th:first-child,td:first-child{text-align:left}"
	"svg text{font-size:13px;fill:#1b1b1b}"
	"@media print{body{margin:0}}";

static void
esc(base_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': base_buf_adds(b, "&amp;"); break;
		case '<': base_buf_adds(b, "&lt;"); break;
		case '>': base_buf_adds(b, "&gt;"); break;
		case '"': base_buf_adds(b, "&quot;"); break;
		case '\'': base_buf_adds(b, "&#39;"); break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				base_buf_addc(b, ' ');
			else
				base_buf_addc(b, *s);
		}
	}
}

static void
figure(base_buf *b, const char *label, const char *value)
{
	base_buf_adds(b, "<div class=\"fig\"><b>");
	esc(b, value);
	base_buf_adds(b, "</b>");
	esc(b, label);
	base_buf_adds(b, "</div>\n");
}

/* A horizontal bar chart of requests, with the counts written beside. */
static void
chart(base_buf *b, const char *title, const ex_register_count *c,
    size_t n)
{
	int64_t most = 1;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].requests > most)
			most = c[i].requests;
	base_buf_printf(b, "<svg role=\"img\" width=\"%d\" height=\"%zu\" "
	    "viewBox=\"0 0 %d %zu\" xmlns=\"http://www.w3.org/2000/svg\">"
	    "<title>", LABEL_W + BAR_MAX + 60, n * BAR_H + 4,
	    LABEL_W + BAR_MAX + 60, n * BAR_H + 4);
	esc(b, title);
	base_buf_adds(b, "</title>\n");
	for (i = 0; i < n; i++) {
		int w = (int)(c[i].requests * BAR_MAX / most);
		size_t y = i * BAR_H + 2;

		base_buf_printf(b, "<text x=\"%d\" y=\"%zu\" "
		    "text-anchor=\"end\">", LABEL_W - 8, y + 15);
		esc(b, c[i].name);
		base_buf_printf(b, "</text><rect x=\"%d\" y=\"%zu\" width=\"%d\" "
		    "height=\"%d\" fill=\"#2f6f9f\"/><text x=\"%d\" y=\"%zu\">"
		    "%" PRId64 "</text>\n", LABEL_W, y + 2, w, BAR_H - 6,
		    LABEL_W + w + 6, y + 15, c[i].requests);
	}
	base_buf_adds(b, "</svg>\n");
}

static void
breakdown(base_buf *b, const char *title, const char *first,
    const ex_register_count *c, size_t n)
{
	size_t i;

	base_buf_adds(b, "<h2>");
	esc(b, title);
	base_buf_adds(b, "</h2>\n");
	if (n == 0) {
		base_buf_adds(b, "<p>No disclosures in this period.</p>\n");
		return;
	}
	chart(b, title, c, n);
	base_buf_adds(b, "<table><thead><tr><th>");
	esc(b, first);
	base_buf_adds(b, "</th><th>Requests</th><th>Cameras</th>"
	    "<th>Hours of footage</th></tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		base_buf_adds(b, "<tr><td>");
		esc(b, c[i].name);
		base_buf_printf(b, "</td><td>%" PRId64 "</td><td>%" PRId64
		    "</td><td>%.2f</td></tr>\n", c[i].requests, c[i].cameras,
		    c[i].hours);
	}
	base_buf_adds(b, "</tbody></table>\n");
}

ex_status
ex_register_report_html(const ex_register_sums *s, const char *title,
    const char *zone, char **text, size_t *len, ex_error *err)
{
	base_buf b = BASE_BUF_INIT;
	char f[EX_TIME_BUFSZ], t[EX_TIME_BUFSZ], v[64];

	*text = NULL;
	base_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-"
	    "Policy\" content=\"default-src 'none'; style-src "
	    "'unsafe-inline'\">\n<meta name=\"viewport\" content=\"width="
	    "device-width, initial-scale=1\">\n<title>Disclosures of CCTV "
	    "footage: ");
	esc(&b, title);
	base_buf_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<h1>Disclosures of CCTV footage</h1>\n<p class=\"sub\">", style);
	esc(&b, title);
	base_buf_adds(&b, ": from ");
	esc(&b, ex_time_format_display(s->from, zone, f, sizeof(f)));
	base_buf_adds(&b, " to ");
	esc(&b, ex_time_format_display(s->to, zone, t, sizeof(t)));
	base_buf_adds(&b, ", from the disclosure register.</p>\n"
	    "<div class=\"figs\">\n");
	snprintf(v, sizeof(v), "%" PRId64, s->requests);
	figure(&b, "requests served", v);
	snprintf(v, sizeof(v), "%" PRId64, s->redacted);
	figure(&b, "redacted disclosures", v);
	snprintf(v, sizeof(v), "%" PRId64, s->camera_exports);
	figure(&b, "cameras released", v);
	snprintf(v, sizeof(v), "%" PRId64, s->distinct_cameras);
	figure(&b, "different cameras", v);
	snprintf(v, sizeof(v), "%.2f", s->hours);
	figure(&b, "hours of footage", v);
	base_buf_adds(&b, "</div>\n");
	breakdown(&b, "Requests by purpose", "Purpose", s->by_purpose,
	    s->npurposes);
	breakdown(&b, "Requests by requesting organisation", "Organisation",
	    s->by_org, s->norgs);
	base_buf_adds(&b, "<p class=\"sub\">Made by exhibit register report. "
	    "Cameras count each camera of each disclosure; hours are the "
	    "range of each disclosure times its cameras.</p>\n</body>\n"
	    "</html>\n");
	if (base_buf_failed(&b))
		return base_nomem(err);
	*len = b.len;
	*text = base_buf_take(&b);
	return EX_OK;
}

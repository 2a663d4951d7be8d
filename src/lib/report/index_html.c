/*
 * index_html.c — data/index.html: the page a solicitor opens.
 *
 * One self-contained page: inline CSS, one inline script, no font, no
 * external URL.  Thumbnails are data: URIs, videos and links are relative
 * to data/.  Every string from the model goes through ex_report_buf_html()
 * (or, in the list of files the script reads, json_str()).
 *
 * The script is the "Check files on this computer" control: the reader
 * picks files and the browser computes their SHA-256 (crypto.subtle, which
 * Chromium and Firefox offer to file: pages) and compares them with the
 * list of files on the page (a JSON data block, which is not run).  It
 * reads nothing the reader did not pick and sends nothing anywhere.
 *
 * A Content-Security-Policy makes the browser refuse anything else, should
 * a later edit of this file ever let a URL or a script in: nothing but
 * inline style, pictures and media from data: URIs or the page's own
 * origin, and the one script whose SHA-256 the policy names (computed
 * here from check_script, so the two cannot drift apart).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "report/report_private.h"

static const char style[] =
	":root{--ink:#1d2430;--muted:#5b6575;--line:#d5dae1;--band:#f3f5f8;"
	"--accent:#1f4e79;--warn:#8a3b00;--warnbg:#fff4e5}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 "
	"system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
	"sans-serif}\n"
	"main{max-width:1040px;margin:0 auto;padding:24px 28px 48px}\n"
	"header.top{border-bottom:3px solid var(--accent);padding-bottom:12px;"
	"margin-bottom:20px}\n"
	".kicker{color:var(--muted);text-transform:uppercase;"
	"letter-spacing:.08em;font-size:12px;margin:0}\n"
	"h1{font-size:26px;margin:4px 0 2px}\n"
	"h2{font-size:19px;margin:32px 0 10px;padding-bottom:4px;"
	"border-bottom:1px solid var(--line);color:var(--accent)}\n"
	"h3{font-size:17px;margin:22px 0 6px}\n"
	"h4{font-size:14px;margin:16px 0 6px;color:var(--muted);"
	"text-transform:uppercase;letter-spacing:.05em}\n"
	"p{margin:6px 0 10px}\n"
	"code,pre,.hash,.mono{font-family:ui-monospace,\"DejaVu Sans Mono\","
	"Menlo,Consolas,monospace;font-size:13px}\n"
	"pre{background:var(--band);border:1px solid var(--line);"
	"border-radius:4px;padding:8px 10px;white-space:pre-wrap;"
	"word-break:break-all;margin:6px 0 12px}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;vertical-align:top;padding:5px 8px;"
	"border-bottom:1px solid var(--line)}\n"
	"th{font-weight:600;white-space:nowrap}\n"
	"table.facts th{width:13em;color:var(--muted)}\n"
	"table.files{font-size:13px}\n"
	"table.files th{background:var(--band)}\n"
	".hash{word-break:break-all;font-size:12px}\n"
	"td.size{white-space:nowrap}\n"
	".utc{color:var(--muted);font-size:13px}\n"
	".camera{margin-top:28px}\n"
	".where{color:var(--muted);margin-top:0}\n"
	".clip{border:1px solid var(--line);border-radius:6px;padding:12px;"
	"margin:12px 0;break-inside:avoid}\n"
	".clip-head{display:flex;gap:16px;align-items:flex-start}\n"
	".clip-head table{flex:1}\n"
	".clip-head th{width:7em;color:var(--muted)}\n"
	".thumb{flex:none;width:240px;height:auto;border:1px solid var(--line);"
	"background:#000}\n"
	".nothumb{flex:none;width:240px;padding:40px 8px;text-align:center;"
	"color:var(--muted);border:1px dashed var(--line)}\n"
	"video{display:block;width:100%;max-width:720px;height:auto;"
	"margin-top:12px;background:#000}\n"
	".notice{background:var(--warnbg);border-left:4px solid var(--warn);"
	"padding:8px 12px;margin:8px 0}\n"
	".note{background:var(--band);border-left:4px solid var(--accent);"
	"padding:8px 12px;margin:8px 0}\n"
	".line{display:block;margin-top:4px}\n"
	".dst{display:block;margin-top:2px;color:var(--warn);font-size:13px}\n"
	".check{border:2px solid var(--accent);border-radius:6px;"
	"padding:12px 16px;margin:12px 0 20px;background:#f7fafd}\n"
	".check h3{margin-top:4px}\n"
	".check label{display:inline-block;font-weight:600;margin:4px 0 8px}\n"
	".check input{display:block;margin:4px 0 10px;font:inherit}\n"
	"#check-out{list-style:none;padding:0;margin:8px 0}\n"
	"#check-out li{padding:6px 10px;margin:4px 0;border-radius:4px;"
	"word-break:break-word}\n"
	"#check-out li.good{background:#e6f4ea;border-left:4px solid #1e7b34}\n"
	"#check-out li.bad{background:#fdecea;border-left:4px solid #b3261e}\n"
	"#check-out li.wait{background:var(--band)}\n"
	".limits{color:var(--muted);font-size:14px}\n"
	"table.words th{width:13em}\n"
	"footer{margin-top:40px;color:var(--muted);font-size:13px;"
	"border-top:1px solid var(--line);padding-top:8px}\n"
	"@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
	"video{display:none}a{color:inherit;text-decoration:none}"
	"h2{break-after:avoid}.camera{break-inside:auto}.check input{display:none}}\n";

/*
 * The file check.  No "//" and no URL in it (the page has none); textContent
 * only, never HTML.  Its SHA-256 goes into the page's policy.
 */
static const char check_script[] =
	"(function () {\n"
	"'use strict';\n"
	"var list = JSON.parse(document.getElementById('exhibit-files')"
	".textContent);\n"
	"var input = document.getElementById('check-input');\n"
	"var out = document.getElementById('check-out');\n"
	"function hex(buf) {\n"
	"  var a = new Uint8Array(buf), s = '', i;\n"
	"  for (i = 0; i < a.length; i++)\n"
	"    s += (a[i] < 16 ? '0' : '') + a[i].toString(16);\n"
	"  return s;\n"
	"}\n"
	"function say(li, cls, text) {\n"
	"  li.className = cls;\n"
	"  li.textContent = text;\n"
	"}\n"
	"function check(f) {\n"
	"  var li = document.createElement('li');\n"
	"  say(li, 'wait', f.name + ': checking\\u2026');\n"
	"  out.appendChild(li);\n"
	"  f.arrayBuffer().then(function (b) {\n"
	"    return crypto.subtle.digest('SHA-256', b);\n"
	"  }).then(function (d) {\n"
	"    var h = hex(d), i, hit = null, same = null;\n"
	"    for (i = 0; i < list.length; i++) {\n"
	"      if (list[i].sha256 === h && hit === null) hit = list[i];\n"
	"      if (list[i].name === f.name && same === null) same = list[i];\n"
	"    }\n"
	"    if (hit !== null)\n"
	"      say(li, 'good', '\\u2714 ' + f.name + ' matches the file listed"
	" as ' + hit.path + ' (SHA-256 ' + h + ').');\n"
	"    else if (same !== null)\n"
	"      say(li, 'bad', '\\u2718 ' + f.name + ' does not match: it is not"
	" the file listed as ' + same.path + '. Its SHA-256 is ' + h + ';"
	" the list says ' + same.sha256 + '.');\n"
	"    else\n"
	"      say(li, 'bad', '\\u2718 ' + f.name + ' does not match any file"
	" listed on this page (SHA-256 ' + h + ').');\n"
	"  }, function (e) {\n"
	"    say(li, 'bad', '\\u2718 ' + f.name + ' could not be checked"
	" here (' + e.message + '); a very large file may be too big for the"
	" browser: use sha256sum, below.');\n"
	"  });\n"
	"}\n"
	"if (!(window.crypto && crypto.subtle)) {\n"
	"  input.disabled = true;\n"
	"  say(out.appendChild(document.createElement('li')), 'bad',"
	" 'This browser does not offer the check to a page opened from a"
	" file; use one of the checks below.');\n"
	"  return;\n"
	"}\n"
	"input.addEventListener('change', function () {\n"
	"  out.textContent = '';\n"
	"  Array.prototype.forEach.call(input.files, check);\n"
	"});\n"
	"})();\n";

static void
put_time(ex_report_buf *b, ex_instant t, const char *zone)
{
	char l[EX_TIME_BUFSZ], u[EX_TIME_BUFSZ];

	ex_report_buf_html(b, ex_report_local(t, zone, l, sizeof(l)));
	ex_report_buf_put(b, "<br><span class=\"utc\">UTC ");
	ex_report_buf_html(b, ex_report_utc(t, u, sizeof(u)));
	ex_report_buf_put(b, "</span>");
}

/* For a range spanning a clock change: how long it lasts, and why the
 * local times seem to run backwards. */
static void
put_dst(ex_report_buf *b, ex_instant from, ex_instant to, const char *zone)
{
	char *note = ex_report_range_note(from, to, zone);
	ex_report_change c;

	if (note == NULL) {
		if (ex_report_clock_change(from, to, zone, &c))
			b->failed = 1;
		return;
	}
	ex_report_buf_put(b, "<span class=\"dst\">");
	ex_report_buf_html(b, note);
	ex_report_buf_put(b, "</span>");
	free(note);
}

static void
put_range(ex_report_buf *b, ex_instant from, ex_instant to,
    const char *zone)
{
	char l1[EX_TIME_BUFSZ], l2[EX_TIME_BUFSZ], u1[EX_TIME_BUFSZ],
	    u2[EX_TIME_BUFSZ];

	ex_report_buf_html(b, ex_report_local(from, zone, l1, sizeof(l1)));
	ex_report_buf_put(b, " to ");
	ex_report_buf_html(b, ex_report_local(to, zone, l2, sizeof(l2)));
	ex_report_buf_put(b, "<br><span class=\"utc\">UTC ");
	ex_report_buf_html(b, ex_report_utc(from, u1, sizeof(u1)));
	ex_report_buf_put(b, " to ");
	ex_report_buf_html(b, ex_report_utc(to, u2, sizeof(u2)));
	ex_report_buf_put(b, "</span>");
	put_dst(b, from, to, zone);
}

/* An href/src attribute value for a bag path. */
static void
put_href(ex_report_buf *b, const char *bag_path)
{
	char *h = ex_report_href(bag_path);

	if (h == NULL) {
		b->failed = 1;
		return;
	}
	ex_report_buf_html(b, h);
	free(h);
}

/* Text whose LFs become line breaks: the first line as is, the others
 * (the UTC reading of a time) in the muted style. */
static void
put_lines(ex_report_buf *b, const char *text)
{
	char *copy = strdup(text != NULL ? text : ""), *line, *nl;
	int first = 1;

	if (copy == NULL) {
		b->failed = 1;
		return;
	}
	for (line = copy; line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (!first)
			ex_report_buf_put(b, "<br><span class=\"utc\">");
		ex_report_buf_html(b, line);
		if (!first)
			ex_report_buf_put(b, "</span>");
		first = 0;
	}
	free(copy);
}

static void
put_items(ex_report_buf *b, const ex_report_items *it)
{
	size_t i;
	int in_facts = 0;

	for (i = 0; i < it->n; i++) {
		const ex_report_item *e = &it->v[i];

		if (e->kind == EX_RI_FACT && !in_facts) {
			ex_report_buf_put(b, "<table class=\"facts\">\n");
			in_facts = 1;
		} else if (e->kind != EX_RI_FACT && in_facts) {
			ex_report_buf_put(b, "</table>\n");
			in_facts = 0;
		}
		switch (e->kind) {
		case EX_RI_FACT:
			ex_report_buf_put(b, "<tr><th>");
			ex_report_buf_html(b, e->label);
			ex_report_buf_put(b, "</th><td>");
			put_lines(b, e->text);
			ex_report_buf_put(b, "</td></tr>\n");
			break;
		case EX_RI_HEAD:
			ex_report_buf_put(b, "<h3>");
			ex_report_buf_html(b, e->text);
			ex_report_buf_put(b, "</h3>\n");
			break;
		case EX_RI_PARA:
			ex_report_buf_put(b, "<p>");
			ex_report_buf_html(b, e->text);
			ex_report_buf_put(b, "</p>\n");
			break;
		case EX_RI_CMD:
			/* Commands in a row share one block, a line each. */
			if (i == 0 || it->v[i - 1].kind != EX_RI_CMD)
				ex_report_buf_put(b, "<pre><code>");
			ex_report_buf_html(b, e->text);
			if (i + 1 < it->n && it->v[i + 1].kind == EX_RI_CMD)
				ex_report_buf_put(b, "\n");
			else
				ex_report_buf_put(b, "</code></pre>\n");
			break;
		}
	}
	if (in_facts)
		ex_report_buf_put(b, "</table>\n");
}

static void
put_thumb(ex_report_buf *b, const ex_report_thumb *t, const char *name)
{
	size_t n;
	char *b64;
	int w, h;

	ex_report_png_size(t != NULL ? t->png : NULL, t != NULL ? t->len : 0,
	    &w, &h);
	if (w <= 0 || h <= 0) {
		ex_report_buf_put(b, "<div class=\"nothumb\">No preview "
		    "picture</div>\n");
		return;
	}
	n = sodium_base64_encoded_len(t->len, sodium_base64_VARIANT_ORIGINAL);
	if ((b64 = malloc(n)) == NULL) {
		b->failed = 1;
		return;
	}
	sodium_bin2base64(b64, n, t->png, t->len,
	    sodium_base64_VARIANT_ORIGINAL);
	ex_report_buf_printf(b, "<img class=\"thumb\" width=\"%d\" "
	    "height=\"%d\" alt=\"First frame of ", w, h);
	ex_report_buf_html(b, name);
	ex_report_buf_put(b, "\" src=\"data:image/png;base64,");
	ex_report_buf_put(b, b64);
	ex_report_buf_put(b, "\">\n");
	free(b64);
}

/* What file f holds (ex_report_file_streams): rows of the clip's table,
 * or, as_lines, lines under the file's name. */
static void
put_streams(ex_report_buf *b, const ex_manifest_camera *c,
    const ex_manifest_file *f, int as_lines)
{
	ex_report_items it = { 0 };
	size_t i;

	ex_report_file_streams(c, f, &it);
	if (it.failed)
		b->failed = 1;
	for (i = 0; i < it.n; i++) {
		ex_report_buf_put(b, as_lines ? "<span class=\"line "
		    "streams\">" : "<tr class=\"streams\"><th>");
		ex_report_buf_html(b, it.v[i].label);
		ex_report_buf_put(b, as_lines ? ": " : "</th><td>");
		ex_report_buf_html(b, it.v[i].text);
		ex_report_buf_put(b, as_lines ? "</span>" : "</td></tr>\n");
	}
	ex_report_items_free(&it);
}

static void
put_clip(ex_report_buf *b, const ex_manifest_camera *c,
    const ex_manifest_file *f, const ex_report_extras *x, const char *zone)
{
	const char *name = ex_report_basename(f->path);
	char size[96], span[48];

	ex_report_buf_put(b, "<div class=\"clip\">\n<div class=\"clip-head\">\n");
	put_thumb(b, ex_report_find_thumb(x, f->path), name);
	ex_report_buf_put(b, "<table>\n<tr><th>Clip</th><td><a href=\"");
	put_href(b, f->path);
	ex_report_buf_put(b, "\">");
	ex_report_buf_html(b, name);
	ex_report_buf_put(b, "</a></td></tr>\n<tr><th>From</th><td>");
	put_time(b, f->start, zone);
	ex_report_buf_put(b, "</td></tr>\n<tr><th>To</th><td>");
	put_time(b, f->end, zone);
	ex_report_buf_put(b, "</td></tr>\n<tr><th>Length</th><td>");
	if (f->start != EX_INSTANT_NONE && f->end != EX_INSTANT_NONE)
		ex_report_buf_html(b, ex_report_format_span(f->end - f->start,
		    span, sizeof(span)));
	if (f->frames >= 0)
		ex_report_buf_printf(b, ", %lld frames", (long long)f->frames);
	if (f->width > 0 && f->height > 0)
		ex_report_buf_printf(b, ", %d&#215;%d", f->width, f->height);
	put_dst(b, f->start, f->end, zone);
	ex_report_buf_put(b, "</td></tr>\n");
	put_streams(b, c, f, 0);
	ex_report_buf_put(b, "<tr><th>Size</th><td>");
	ex_report_buf_html(b, ex_report_format_size(f->size, size,
	    sizeof(size)));
	ex_report_buf_put(b, "</td></tr>\n<tr><th>SHA-256</th>"
	    "<td class=\"hash\">");
	ex_report_buf_html(b, f->sha256);
	ex_report_buf_put(b, "</td></tr>\n</table>\n</div>\n");
	/* Not muted: the clip plays with the camera's sound. */
	ex_report_buf_put(b, "<video controls preload=\"metadata\"");
	if (f->width > 0 && f->height > 0)
		ex_report_buf_printf(b, " width=\"%d\" height=\"%d\"", f->width,
		    f->height);
	ex_report_buf_put(b, " src=\"");
	put_href(b, f->path);
	ex_report_buf_put(b, "\">This browser cannot play the clip here; open "
	    "the file ");
	ex_report_buf_html(b, name);
	ex_report_buf_put(b, " in a video player.</video>\n</div>\n");
}

static const char *
role_title(ex_manifest_role role)
{
	switch (role) {
	case EX_ROLE_MASTER:
		return "Master: the original recorder file, bit for bit";
	case EX_ROLE_NATIVE:
		return "Native copy: cut without re-encoding";
	case EX_ROLE_STILL:
		return "Still picture";
	default:
		return "File";
	}
}

static void
put_other_files(ex_report_buf *b, const ex_manifest_camera *c,
    const char *zone)
{
	char size[96];
	size_t i;
	int any = 0;

	for (i = 0; i < c->nfiles; i++) {
		const ex_manifest_file *f = &c->files[i];

		if (f->role == EX_ROLE_WORKING || f->role == EX_ROLE_STILL)
			continue;
		if (!any) {
			ex_report_buf_put(b, "<h4>Original files (masters) "
			    "and native copies</h4>\n<table class=\"files\">\n<tr><th>File</th>"
			    "<th>Covers</th><th>Size</th><th>SHA-256</th>"
			    "</tr>\n");
			any = 1;
		}
		ex_report_buf_put(b, "<tr><td><a href=\"");
		put_href(b, f->path);
		ex_report_buf_put(b, "\">");
		ex_report_buf_html(b, ex_report_basename(f->path));
		ex_report_buf_put(b, "</a><br><span class=\"utc\">");
		ex_report_buf_html(b, role_title(f->role));
		if (f->source_path != NULL) {
			ex_report_buf_put(b, "; on the recorder: ");
			ex_report_buf_html(b, f->source_path);
		}
		ex_report_buf_put(b, "</span>");
		put_streams(b, c, f, 1);
		ex_report_buf_put(b, "</td><td>");
		put_range(b, f->start, f->end, zone);
		ex_report_buf_put(b, "</td><td class=\"size\">");
		ex_report_buf_html(b, ex_report_format_size(f->size, size,
		    sizeof(size)));
		ex_report_buf_put(b, "</td><td class=\"hash\">");
		ex_report_buf_html(b, f->sha256);
		ex_report_buf_put(b, "</td></tr>\n");
	}
	if (any)
		ex_report_buf_put(b, "</table>\n");
}

/* Stills (--still): the picture itself, with its time and hash. */
static void
put_stills(ex_report_buf *b, const ex_manifest_camera *c, const char *zone)
{
	char size[96];
	size_t i;
	int any = 0;

	for (i = 0; i < c->nfiles; i++) {
		const ex_manifest_file *f = &c->files[i];

		if (f->role != EX_ROLE_STILL)
			continue;
		if (!any) {
			ex_report_buf_put(b, "<h4>Still pictures</h4>\n");
			any = 1;
		}
		ex_report_buf_put(b, "<div class=\"clip\">\n<div "
		    "class=\"clip-head\">\n<img class=\"thumb\" alt=\"Still ");
		ex_report_buf_html(b, ex_report_basename(f->path));
		ex_report_buf_put(b, "\" src=\"");
		put_href(b, f->path);
		ex_report_buf_put(b, "\">\n<table>\n<tr><th>Still</th><td>"
		    "<a href=\"");
		put_href(b, f->path);
		ex_report_buf_put(b, "\">");
		ex_report_buf_html(b, ex_report_basename(f->path));
		ex_report_buf_put(b, "</a></td></tr>\n<tr><th>Shows</th><td>");
		put_time(b, f->start, zone);
		ex_report_buf_put(b, "</td></tr>\n<tr><th>Size</th><td>");
		ex_report_buf_html(b, ex_report_format_size(f->size, size,
		    sizeof(size)));
		ex_report_buf_put(b, "</td></tr>\n<tr><th>SHA-256</th>"
		    "<td class=\"hash\">");
		ex_report_buf_html(b, f->sha256);
		ex_report_buf_put(b, "</td></tr>\n</table>\n</div>\n</div>\n");
	}
}

static void
put_camera(ex_report_buf *b, const ex_manifest_camera *c,
    const ex_report_extras *x, const char *zone)
{
	char n1[32];
	size_t i, nworking = ex_report_count_role(c, EX_ROLE_WORKING);

	ex_report_buf_put(b, "<section class=\"camera\">\n<h3>Camera ");
	ex_report_buf_html(b, c->id);
	if (c->name != NULL) {
		ex_report_buf_put(b, " &#8212; ");
		ex_report_buf_html(b, c->name);
	}
	ex_report_buf_put(b, "</h3>\n");
	if (c->location != NULL) {
		ex_report_buf_put(b, "<p class=\"where\">");
		ex_report_buf_html(b, c->location);
		ex_report_buf_put(b, "</p>\n");
	}
	ex_report_buf_put(b, "<table class=\"facts\">\n<tr><th>Requested</th>"
	    "<td>");
	put_range(b, c->requested.from, c->requested.to, zone);
	ex_report_buf_put(b, "</td></tr>\n");
	for (i = 0; i < c->ncoverage; i++) {
		ex_report_buf_put(b, "<tr><th>");
		ex_report_buf_html(b,
		    ex_report_coverage_label(c->coverage[i].role));
		ex_report_buf_put(b, "</th><td>");
		put_range(b, c->coverage[i].from, c->coverage[i].to, zone);
		ex_report_buf_put(b, "</td></tr>\n");
	}
	ex_report_buf_put(b, "</table>\n");
	{
		ex_report_items notes = { 0 };

		ex_report_camera_notes(c, zone, &notes);
		if (notes.failed)
			b->failed = 1;
		for (i = 0; i < notes.n; i++) {
			ex_report_buf_put(b, "<p class=\"note\">");
			ex_report_buf_html(b, notes.v[i].text);
			ex_report_buf_put(b, "</p>\n");
		}
		ex_report_items_free(&notes);
	}
	for (i = 0; i < c->ngaps; i++) {
		char d[64];

		ex_report_buf_put(b, "<p class=\"notice\"><strong>No recording"
		    "</strong> ");
		put_range(b, c->gaps[i].from, c->gaps[i].to, zone);
		ex_report_buf_put(b, "<span class=\"line\">The recorder holds "
		    "no footage of this camera for this stretch: ");
		ex_report_buf_html(b, ex_report_format_duration(
		    c->gaps[i].to - c->gaps[i].from, d, sizeof(d)));
		ex_report_buf_put(b, ".</span></p>\n");
	}
	for (i = 0; i < c->ndamage; i++) {
		const ex_manifest_damage *d = &c->damage[i];

		ex_report_buf_put(b, "<p class=\"notice\"><strong>Damaged "
		    "segment (");
		ex_report_buf_html(b, d->state);
		ex_report_buf_put(b, ")</strong> in ");
		ex_report_buf_html(b, d->relpath);
		if (d->time != EX_INSTANT_NONE) {
			ex_report_buf_put(b, " at ");
			put_time(b, d->time, zone);
		}
		ex_report_buf_put(b, ": ");
		ex_report_buf_html(b, d->message);
		ex_report_buf_put(b, "</p>\n");
	}
	if (nworking > 0) {
		ex_report_buf_put(b, "<h4>Working copies to play (");
		ex_report_buf_put(b, ex_report_count(nworking, "clip", "clips",
		    n1, sizeof(n1)));
		ex_report_buf_put(b, ")</h4>\n");
		for (i = 0; i < c->nfiles; i++)
			if (c->files[i].role == EX_ROLE_WORKING)
				put_clip(b, c, &c->files[i], x, zone);
	} else if (c->nfiles == 0) {
		ex_report_buf_put(b, "<p>This camera recorded nothing in the "
		    "requested range.</p>\n");
	}
	put_stills(b, c, zone);
	put_other_files(b, c, zone);
	ex_report_buf_put(b, "</section>\n");
}

/* s as a JSON string inside a <script> data block: cleaned, and nothing
 * that could end the block or the string ("<" ">" "&" as \\u escapes). */
static void
json_str(ex_report_buf *b, const char *s)
{
	char *c = ex_report_clean(s != NULL ? s : "", 0);
	const unsigned char *p;

	if (c == NULL) {
		b->failed = 1;
		return;
	}
	ex_report_buf_put(b, "\"");
	for (p = (const unsigned char *)c; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\' || *p == '<' || *p == '>' ||
		    *p == '&' || *p < 0x20 || *p == 0x7f)
			ex_report_buf_printf(b, "\\u%04x", *p);
		else
			ex_report_buf_putn(b, (const char *)p, 1);
	}
	ex_report_buf_put(b, "\"");
	free(c);
}

/* "sha256-<base64>" of the check script, for the policy. */
static void
script_hash(char *out, size_t size)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)check_script,
	    sizeof(check_script) - 1);
	snprintf(out, size, "sha256-");
	sodium_bin2base64(out + 7, size - 7, h, sizeof(h),
	    sodium_base64_VARIANT_ORIGINAL);
}

/* "Check files on this computer": the control, the list it compares
 * with, and what a match does and does not show. */
static void
put_filecheck(ex_report_buf *b, const ex_manifest *m)
{
	size_t c, f;
	int first = 1;

	ex_report_buf_put(b, "<section class=\"check\" id=\"check\">\n"
	    "<h3>Check files on this computer (no command line needed)</h3>\n"
	    "<p>Pick one or more files of this bundle (clips, original files, "
	    "native copies; not the .minisig files). The browser computes "
	    "each file's SHA-256 fingerprint here, on this computer, and says "
	    "whether it matches the SHA-256 this page lists for it. Nothing is "
	    "sent anywhere.</p>\n"
	    "<label for=\"check-input\">Files to check:</label>\n"
	    "<input type=\"file\" id=\"check-input\" multiple>\n"
	    "<ul id=\"check-out\" aria-live=\"polite\"></ul>\n"
	    "<p class=\"limits\">");
	ex_report_buf_html(b, ex_report_filecheck_limits());
	ex_report_buf_put(b, "</p>\n</section>\n"
	    "<script type=\"application/json\" id=\"exhibit-files\">[");
	for (c = 0; c < m->ncameras; c++) {
		for (f = 0; f < m->cameras[c].nfiles; f++) {
			const ex_manifest_file *mf = &m->cameras[c].files[f];
			const char *path = mf->path != NULL ? mf->path : "";

			if (strncmp(path, "data/", 5) == 0)
				path += 5;
			ex_report_buf_put(b, first ? "\n{\"name\":" :
			    ",\n{\"name\":");
			json_str(b, ex_report_basename(path));
			ex_report_buf_put(b, ",\"path\":");
			json_str(b, path);
			ex_report_buf_put(b, ",\"sha256\":");
			json_str(b, mf->sha256);
			ex_report_buf_put(b, "}");
			first = 0;
		}
	}
	ex_report_buf_put(b, "\n]</script>\n<script>");
	ex_report_buf_put(b, check_script);
	ex_report_buf_put(b, "</script>\n");
}

static void
put_glossary(ex_report_buf *b, const ex_manifest *m)
{
	ex_report_items words = { 0 };
	size_t i;

	ex_report_glossary(m, &words);
	if (words.failed)
		b->failed = 1;
	ex_report_buf_put(b, "<h2 id=\"words\">Words used here</h2>\n"
	    "<table class=\"words\">\n");
	for (i = 0; i < words.n; i++) {
		ex_report_buf_put(b, "<tr><th>");
		ex_report_buf_html(b, words.v[i].label);
		ex_report_buf_put(b, "</th><td>");
		ex_report_buf_html(b, words.v[i].text);
		ex_report_buf_put(b, "</td></tr>\n");
	}
	ex_report_buf_put(b, "</table>\n");
	ex_report_items_free(&words);
}

static void
put_custody(ex_report_buf *b, const ex_report_extras *x, const char *zone)
{
	size_t i;

	ex_report_buf_put(b, "<h2>Custody chain</h2>\n<p>");
	ex_report_buf_html(b, ex_report_custody_intro());
	ex_report_buf_put(b, "</p>\n");
	if (x == NULL || x->nevents == 0)
		return;
	ex_report_buf_put(b, "<table class=\"files\">\n<tr><th>#</th>"
	    "<th>When</th><th>Who</th><th>What</th><th>Signer key ID</th>"
	    "</tr>\n");
	for (i = 0; i < x->nevents; i++) {
		const ex_report_event *e = &x->events[i];

		ex_report_buf_printf(b, "<tr><td>%llu</td><td>",
		    (unsigned long long)e->seq);
		put_time(b, e->time, zone);
		ex_report_buf_put(b, "</td><td>");
		ex_report_buf_html(b, e->actor);
		ex_report_buf_put(b, "</td><td>");
		ex_report_buf_html(b, e->action);
		if (e->note != NULL) {
			ex_report_buf_put(b, "<br><span class=\"utc\">");
			ex_report_buf_html(b, e->note);
			ex_report_buf_put(b, "</span>");
		}
		ex_report_buf_put(b, "</td><td class=\"mono\">");
		ex_report_buf_html(b, e->key_id);
		ex_report_buf_put(b, "</td></tr>\n");
	}
	ex_report_buf_put(b, "</table>\n");
}

ex_status
ex_report_html(const ex_manifest *m, const ex_report_extras *x, char **out,
    size_t *len, ex_error *err)
{
	ex_report_buf b = { 0 };
	ex_report_items facts = { 0 }, intro = { 0 }, howto = { 0 };
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;
	char *title = NULL, n1[32], n2[32], hash[64];
	size_t c, nworking = 0;
	ex_status st;

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium cannot be initialised");
	if ((title = ex_report_title(m)) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	ex_report_facts(m, &facts);
	ex_report_howto_intro(m, &intro);
	ex_report_howto(m, &howto);
	if (facts.failed || intro.failed || howto.failed) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (c = 0; c < m->ncameras; c++)
		nworking += ex_report_count_role(&m->cameras[c],
		    EX_ROLE_WORKING);

	ex_report_buf_put(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; img-src data: 'self'; media-src 'self'; "
	    "style-src 'unsafe-inline'; script-src '");
	script_hash(hash, sizeof(hash));
	ex_report_buf_put(&b, hash);
	ex_report_buf_put(&b, "'; base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<link rel=\"icon\" href=\"data:,\">\n<title>");
	ex_report_buf_html(&b, title);
	ex_report_buf_put(&b, "</title>\n<style>\n");
	ex_report_buf_put(&b, style);
	ex_report_buf_put(&b, "</style>\n</head>\n<body>\n<main>\n"
	    "<header class=\"top\">\n<p class=\"kicker\">CCTV evidence "
	    "bundle</p>\n<h1>Exhibit ");
	ex_report_buf_html(&b, m->bundle.exhibit_ref);
	ex_report_buf_put(&b, "</h1>\n<p>Case ");
	ex_report_buf_html(&b, m->bundle.case_ref);
	ex_report_buf_put(&b, " &#183; ");
	ex_report_buf_put(&b, ex_report_count(m->ncameras, "camera",
	    "cameras", n1, sizeof(n1)));
	ex_report_buf_put(&b, " &#183; ");
	ex_report_buf_put(&b, ex_report_count(nworking, "clip to play",
	    "clips to play", n2, sizeof(n2)));
	ex_report_buf_put(&b, "</p>\n<p class=\"where\">To check the files "
	    "without a command line, see \"Check files on this computer\" "
	    "under How to check this evidence; the words used are explained "
	    "at the end of the page.</p>\n</header>\n");

	ex_report_buf_put(&b, "<h2>Summary</h2>\n");
	put_items(&b, &facts);

	ex_report_buf_put(&b, "<h2>Cameras and clips</h2>\n<p>Each working "
	    "copy below plays in this page; the same file plays in any "
	    "ordinary video player. The date, time and camera are burned into "
	    "every frame. The original recorder files and the cuts made "
	    "without re-encoding are listed under each camera.</p>\n");
	for (c = 0; c < m->ncameras; c++)
		put_camera(&b, &m->cameras[c], x, zone);

	put_custody(&b, x, zone);

	ex_report_buf_put(&b, "<h2>How to check this evidence</h2>\n");
	put_items(&b, &intro);
	put_filecheck(&b, m);
	put_items(&b, &howto);

	put_glossary(&b, m);

	ex_report_buf_put(&b, "<footer>Made by ");
	ex_report_buf_html(&b, m->bundle.tool_name);
	ex_report_buf_put(&b, " ");
	ex_report_buf_html(&b, m->bundle.tool_version);
	ex_report_buf_put(&b, ". The same facts, in full, are in manifest.xml "
	    "and custody.xml; README.txt says this in plain text.</footer>\n"
	    "</main>\n</body>\n</html>\n");
	st = ex_report_buf_finish(&b, out, len, err);
out:
	ex_report_buf_free(&b);
	ex_report_items_free(&facts);
	ex_report_items_free(&intro);
	ex_report_items_free(&howto);
	free(title);
	return st;
}

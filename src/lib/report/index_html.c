/*
 * index_html.c — data/index.html: the page a solicitor opens.
 *
 * One self-contained page: inline CSS, one inline script, no font, no
 * external URL.  Thumbnails are data: URIs, videos and links are relative
 * to data/.  Every string from the model goes through report_buf_html()
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
 * in index_static.c from the script, so the two cannot drift apart).
 * The style sheet and the script are in index_static.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "exhibit/text.h"
#include "report/report_private.h"

static void
put_time(base_buf *b, ex_instant t, const char *zone)
{
	char l[EX_TIME_BUFSZ], u[EX_TIME_BUFSZ];

	report_buf_html(b, report_local(t, zone, l, sizeof(l)));
	base_buf_adds(b, "<br><span class=\"utc\">UTC ");
	report_buf_html(b, report_utc(t, u, sizeof(u)));
	base_buf_adds(b, "</span>");
}

/* For a range spanning a clock change: how long it lasts, and why the
 * local times seem to run backwards. */
static void
put_dst(base_buf *b, ex_instant from, ex_instant to, const char *zone)
{
	char *note = report_range_note(from, to, zone);
	report_change c;

	if (note == NULL) {
		if (report_clock_change(from, to, zone, &c))
			b->failed = 1;
		return;
	}
	base_buf_adds(b, "<span class=\"dst\">");
	report_buf_html(b, note);
	base_buf_adds(b, "</span>");
	free(note);
}

static void
put_range(base_buf *b, ex_instant from, ex_instant to,
    const char *zone)
{
	char l1[EX_TIME_BUFSZ], l2[EX_TIME_BUFSZ], u1[EX_TIME_BUFSZ],
	    u2[EX_TIME_BUFSZ];

	report_buf_html(b, report_local(from, zone, l1, sizeof(l1)));
	base_buf_adds(b, " to ");
	report_buf_html(b, report_local(to, zone, l2, sizeof(l2)));
	base_buf_adds(b, "<br><span class=\"utc\">UTC ");
	report_buf_html(b, report_utc(from, u1, sizeof(u1)));
	base_buf_adds(b, " to ");
	report_buf_html(b, report_utc(to, u2, sizeof(u2)));
	base_buf_adds(b, "</span>");
	put_dst(b, from, to, zone);
}

/* An href/src attribute value for a bag path. */
static void
put_href(base_buf *b, const char *bag_path)
{
	char *h = report_href(bag_path);

	if (h == NULL) {
		b->failed = 1;
		return;
	}
	report_buf_html(b, h);
	free(h);
}

/* Text whose LFs become line breaks: the first line as is, the others
 * (the UTC reading of a time) in the muted style. */
static void
put_lines(base_buf *b, const char *text)
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
			base_buf_adds(b, "<br><span class=\"utc\">");
		report_buf_html(b, line);
		if (!first)
			base_buf_adds(b, "</span>");
		first = 0;
	}
	free(copy);
}

static void
put_items(base_buf *b, const report_items *it)
{
	size_t i;
	int in_facts = 0;

	for (i = 0; i < it->n; i++) {
		const report_item *e = &it->v[i];

		if (e->kind == REPORT_FACT && !in_facts) {
			base_buf_adds(b, "<table class=\"facts\">\n");
			in_facts = 1;
		} else if (e->kind != REPORT_FACT && in_facts) {
			base_buf_adds(b, "</table>\n");
			in_facts = 0;
		}
		switch (e->kind) {
		case REPORT_FACT:
			base_buf_adds(b, "<tr><th>");
			report_buf_html(b, e->label);
			base_buf_adds(b, "</th><td>");
			put_lines(b, e->text);
			base_buf_adds(b, "</td></tr>\n");
			break;
		case REPORT_HEAD:
			base_buf_adds(b, "<h3>");
			report_buf_html(b, e->text);
			base_buf_adds(b, "</h3>\n");
			break;
		case REPORT_PARA:
			base_buf_adds(b, "<p>");
			report_buf_html(b, e->text);
			base_buf_adds(b, "</p>\n");
			break;
		case REPORT_CMD:
			/* Commands in a row share one block, a line each. */
			if (i == 0 || it->v[i - 1].kind != REPORT_CMD)
				base_buf_adds(b, "<pre><code>");
			report_buf_html(b, e->text);
			if (i + 1 < it->n && it->v[i + 1].kind == REPORT_CMD)
				base_buf_adds(b, "\n");
			else
				base_buf_adds(b, "</code></pre>\n");
			break;
		}
	}
	if (in_facts)
		base_buf_adds(b, "</table>\n");
}

static void
put_thumb(base_buf *b, const ex_report_thumb *t, const char *name)
{
	size_t n;
	char *b64;
	int w, h;

	report_png_size(t != NULL ? t->png : NULL, t != NULL ? t->len : 0,
	    &w, &h);
	if (w <= 0 || h <= 0) {
		base_buf_adds(b, "<div class=\"nothumb\">No preview "
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
	base_buf_printf(b, "<img class=\"thumb\" width=\"%d\" "
	    "height=\"%d\" alt=\"First frame of ", w, h);
	report_buf_html(b, name);
	base_buf_adds(b, "\" src=\"data:image/png;base64,");
	base_buf_adds(b, b64);
	base_buf_adds(b, "\">\n");
	free(b64);
}

/* What file f holds (report_file_streams): rows of the clip's table,
 * or, as_lines, lines under the file's name. */
static void
put_streams(base_buf *b, const ex_manifest_camera *c,
    const ex_manifest_file *f, int as_lines)
{
	report_items it = { 0 };
	size_t i;

	report_file_streams(c, f, &it);
	if (it.failed)
		b->failed = 1;
	for (i = 0; i < it.n; i++) {
		base_buf_adds(b, as_lines ? "<span class=\"line "
		    "streams\">" : "<tr class=\"streams\"><th>");
		report_buf_html(b, it.v[i].label);
		base_buf_adds(b, as_lines ? ": " : "</th><td>");
		report_buf_html(b, it.v[i].text);
		base_buf_adds(b, as_lines ? "</span>" : "</td></tr>\n");
	}
	report_items_free(&it);
}

/* The last rows of a clip's or a still's table: size and SHA-256. */
static void
put_size_hash(base_buf *b, const ex_manifest_file *f)
{
	char size[96];

	base_buf_adds(b, "<tr><th>Size</th><td>");
	report_buf_html(b, report_format_size(f->size, size,
	    sizeof(size)));
	base_buf_adds(b, "</td></tr>\n<tr><th>SHA-256</th>"
	    "<td class=\"hash\">");
	report_buf_html(b, f->sha256);
	base_buf_adds(b, "</td></tr>\n</table>\n</div>\n");
}

static void
put_clip(base_buf *b, const ex_manifest_camera *c,
    const ex_manifest_file *f, const ex_report_extras *x, const char *zone)
{
	const char *name = report_basename(f->path);
	char span[48];

	base_buf_adds(b, "<div class=\"clip\">\n<div class=\"clip-head\">\n");
	put_thumb(b, report_find_thumb(x, f->path), name);
	base_buf_adds(b, "<table>\n<tr><th>Clip</th><td><a href=\"");
	put_href(b, f->path);
	base_buf_adds(b, "\">");
	report_buf_html(b, name);
	base_buf_adds(b, "</a></td></tr>\n<tr><th>From</th><td>");
	put_time(b, f->start, zone);
	base_buf_adds(b, "</td></tr>\n<tr><th>To</th><td>");
	put_time(b, f->end, zone);
	base_buf_adds(b, "</td></tr>\n<tr><th>Length</th><td>");
	if (f->start != EX_INSTANT_NONE && f->end != EX_INSTANT_NONE)
		report_buf_html(b, report_format_span(f->end - f->start,
		    span, sizeof(span)));
	if (f->frames >= 0)
		base_buf_printf(b, ", %lld frames", (long long)f->frames);
	if (f->width > 0 && f->height > 0)
		base_buf_printf(b, ", %d&#215;%d", f->width, f->height);
	put_dst(b, f->start, f->end, zone);
	base_buf_adds(b, "</td></tr>\n");
	put_streams(b, c, f, 0);
	put_size_hash(b, f);
	/* Not muted: the clip plays with the camera's sound. */
	base_buf_adds(b, "<video controls preload=\"metadata\"");
	if (f->width > 0 && f->height > 0)
		base_buf_printf(b, " width=\"%d\" height=\"%d\"", f->width,
		    f->height);
	base_buf_adds(b, " src=\"");
	put_href(b, f->path);
	base_buf_adds(b, "\">This browser cannot play the clip here; open "
	    "the file ");
	report_buf_html(b, name);
	base_buf_adds(b, " in a video player.</video>\n</div>\n");
}

static void
put_other_files(base_buf *b, const ex_manifest_camera *c,
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
			base_buf_adds(b, "<h4>Original files (masters) "
			    "and native copies</h4>\n<table class=\"files\">\n"
			    "<tr><th>File</th><th>Covers</th><th>Size</th>"
			    "<th>SHA-256</th></tr>\n");
			any = 1;
		}
		base_buf_adds(b, "<tr><td><a href=\"");
		put_href(b, f->path);
		base_buf_adds(b, "\">");
		report_buf_html(b, report_basename(f->path));
		base_buf_adds(b, "</a><br><span class=\"utc\">");
		report_buf_html(b, report_role(f->role)->title);
		if (f->source_path != NULL) {
			base_buf_adds(b, "; on the recorder: ");
			report_buf_html(b, f->source_path);
		}
		base_buf_adds(b, "</span>");
		put_streams(b, c, f, 1);
		base_buf_adds(b, "</td><td>");
		put_range(b, f->start, f->end, zone);
		base_buf_adds(b, "</td><td class=\"size\">");
		report_buf_html(b, report_format_size(f->size, size,
		    sizeof(size)));
		base_buf_adds(b, "</td><td class=\"hash\">");
		report_buf_html(b, f->sha256);
		base_buf_adds(b, "</td></tr>\n");
	}
	if (any)
		base_buf_adds(b, "</table>\n");
}

/* Stills (--still): the picture itself, with its time and hash. */
static void
put_stills(base_buf *b, const ex_manifest_camera *c, const char *zone)
{
	size_t i;
	int any = 0;

	for (i = 0; i < c->nfiles; i++) {
		const ex_manifest_file *f = &c->files[i];

		if (f->role != EX_ROLE_STILL)
			continue;
		if (!any) {
			base_buf_adds(b, "<h4>Still pictures</h4>\n");
			any = 1;
		}
		base_buf_adds(b, "<div class=\"clip\">\n<div "
		    "class=\"clip-head\">\n<img class=\"thumb\" alt=\"Still ");
		report_buf_html(b, report_basename(f->path));
		base_buf_adds(b, "\" src=\"");
		put_href(b, f->path);
		base_buf_adds(b, "\">\n<table>\n<tr><th>Still</th><td>"
		    "<a href=\"");
		put_href(b, f->path);
		base_buf_adds(b, "\">");
		report_buf_html(b, report_basename(f->path));
		base_buf_adds(b, "</a></td></tr>\n<tr><th>Shows</th><td>");
		put_time(b, f->start, zone);
		base_buf_adds(b, "</td></tr>\n");
		put_size_hash(b, f);
		base_buf_adds(b, "</div>\n");
	}
}

static void
put_camera(base_buf *b, const ex_manifest_camera *c,
    const ex_report_extras *x, const char *zone)
{
	char n1[32];
	size_t i, nworking = report_count_role(c, EX_ROLE_WORKING);

	base_buf_adds(b, "<section class=\"camera\">\n<h3>Camera ");
	report_buf_html(b, c->id);
	if (c->name != NULL) {
		base_buf_adds(b, " &#8212; ");
		report_buf_html(b, c->name);
	}
	base_buf_adds(b, "</h3>\n");
	if (c->location != NULL) {
		base_buf_adds(b, "<p class=\"where\">");
		report_buf_html(b, c->location);
		base_buf_adds(b, "</p>\n");
	}
	base_buf_adds(b, "<table class=\"facts\">\n<tr><th>Requested</th>"
	    "<td>");
	put_range(b, c->requested.from, c->requested.to, zone);
	base_buf_adds(b, "</td></tr>\n");
	for (i = 0; i < c->ncoverage; i++) {
		base_buf_adds(b, "<tr><th>");
		report_buf_html(b,
		    report_role(c->coverage[i].role)->covers);
		base_buf_adds(b, "</th><td>");
		put_range(b, c->coverage[i].from, c->coverage[i].to, zone);
		base_buf_adds(b, "</td></tr>\n");
	}
	base_buf_adds(b, "</table>\n");
	{
		report_items notes = { 0 };

		report_camera_notes(c, zone, &notes);
		if (notes.failed)
			b->failed = 1;
		for (i = 0; i < notes.n; i++) {
			base_buf_adds(b, "<p class=\"note\">");
			report_buf_html(b, notes.v[i].text);
			base_buf_adds(b, "</p>\n");
		}
		report_items_free(&notes);
	}
	for (i = 0; i < c->ngaps; i++) {
		char d[64];

		base_buf_adds(b, "<p class=\"notice\"><strong>No recording"
		    "</strong> ");
		put_range(b, c->gaps[i].from, c->gaps[i].to, zone);
		base_buf_adds(b, "<span class=\"line\">The recorder holds "
		    "no footage of this camera for this stretch: ");
		report_buf_html(b, report_format_duration(
		    c->gaps[i].to - c->gaps[i].from, d, sizeof(d)));
		base_buf_adds(b, ".</span></p>\n");
	}
	for (i = 0; i < c->ndamage; i++) {
		const ex_manifest_damage *d = &c->damage[i];

		base_buf_adds(b, "<p class=\"notice\"><strong>Damaged "
		    "segment (");
		report_buf_html(b, d->state);
		base_buf_adds(b, ")</strong> in ");
		report_buf_html(b, d->relpath);
		if (d->time != EX_INSTANT_NONE) {
			base_buf_adds(b, " at ");
			put_time(b, d->time, zone);
		}
		base_buf_adds(b, ": ");
		report_buf_html(b, d->message);
		base_buf_adds(b, "</p>\n");
	}
	if (nworking > 0) {
		base_buf_adds(b, "<h4>Working copies to play (");
		base_buf_adds(b, report_count(nworking, "clip", "clips",
		    n1, sizeof(n1)));
		base_buf_adds(b, ")</h4>\n");
		for (i = 0; i < c->nfiles; i++)
			if (c->files[i].role == EX_ROLE_WORKING)
				put_clip(b, c, &c->files[i], x, zone);
	} else if (c->nfiles == 0) {
		base_buf_adds(b, "<p>This camera recorded nothing in the "
		    "requested range.</p>\n");
	}
	put_stills(b, c, zone);
	put_other_files(b, c, zone);
	base_buf_adds(b, "</section>\n");
}

/* s as a JSON string inside a <script> data block: cleaned, and nothing
 * that could end the block or the string ("<" ">" "&" as \\u escapes). */
static void
json_str(base_buf *b, const char *s)
{
	char *c = ex_text_clean(s != NULL ? s : "", REPORT_ONE_LINE);
	const unsigned char *p;

	if (c == NULL) {
		b->failed = 1;
		return;
	}
	base_buf_adds(b, "\"");
	for (p = (const unsigned char *)c; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\' || *p == '<' || *p == '>' ||
		    *p == '&' || *p < 0x20 || *p == 0x7f)
			base_buf_printf(b, "\\u%04x", *p);
		else
			base_buf_add(b, (const char *)p, 1);
	}
	base_buf_adds(b, "\"");
	free(c);
}

/* "Check files on this computer": the control, the list it compares
 * with, and what a match does and does not show. */
static void
put_filecheck(base_buf *b, const ex_manifest *m)
{
	size_t c, f;
	int first = 1;

	base_buf_adds(b, "<section class=\"check\" id=\"check\">\n"
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
	report_buf_html(b, report_filecheck_limits());
	base_buf_adds(b, "</p>\n</section>\n"
	    "<script type=\"application/json\" id=\"exhibit-files\">[");
	for (c = 0; c < m->ncameras; c++) {
		for (f = 0; f < m->cameras[c].nfiles; f++) {
			const ex_manifest_file *mf = &m->cameras[c].files[f];
			const char *path = mf->path != NULL ? mf->path : "";

			if (strncmp(path, "data/", 5) == 0)
				path += 5;
			base_buf_adds(b, first ? "\n{\"name\":" :
			    ",\n{\"name\":");
			json_str(b, report_basename(path));
			base_buf_adds(b, ",\"path\":");
			json_str(b, path);
			base_buf_adds(b, ",\"sha256\":");
			json_str(b, mf->sha256);
			base_buf_adds(b, "}");
			first = 0;
		}
	}
	base_buf_adds(b, "\n]</script>\n<script>");
	base_buf_adds(b, report_html_script);
	base_buf_adds(b, "</script>\n");
}

static void
put_glossary(base_buf *b, const report_items *words)
{
	size_t i;

	base_buf_adds(b, "<h2 id=\"words\">Words used here</h2>\n"
	    "<table class=\"words\">\n");
	for (i = 0; i < words->n; i++) {
		base_buf_adds(b, "<tr><th>");
		report_buf_html(b, words->v[i].label);
		base_buf_adds(b, "</th><td>");
		report_buf_html(b, words->v[i].text);
		base_buf_adds(b, "</td></tr>\n");
	}
	base_buf_adds(b, "</table>\n");
}

static void
put_custody(base_buf *b, const ex_report_extras *x, const char *zone)
{
	size_t i;

	base_buf_adds(b, "<h2>Custody chain</h2>\n<p>");
	report_buf_html(b, report_custody_intro());
	base_buf_adds(b, "</p>\n");
	if (x == NULL || x->nevents == 0)
		return;
	base_buf_adds(b, "<table class=\"files\">\n<tr><th>#</th>"
	    "<th>When</th><th>Who</th><th>What</th><th>Signer key ID</th>"
	    "</tr>\n");
	for (i = 0; i < x->nevents; i++) {
		const ex_report_event *e = &x->events[i];

		base_buf_printf(b, "<tr><td>%llu</td><td>",
		    (unsigned long long)e->seq);
		put_time(b, e->time, zone);
		base_buf_adds(b, "</td><td>");
		report_buf_html(b, e->actor);
		base_buf_adds(b, "</td><td>");
		report_buf_html(b, e->action);
		if (e->note != NULL) {
			base_buf_adds(b, "<br><span class=\"utc\">");
			report_buf_html(b, e->note);
			base_buf_adds(b, "</span>");
		}
		base_buf_adds(b, "</td><td class=\"mono\">");
		report_buf_html(b, e->key_id);
		base_buf_adds(b, "</td></tr>\n");
	}
	base_buf_adds(b, "</table>\n");
}

ex_status
ex_report_html(const ex_manifest *m, const ex_report_extras *x, char **out,
    size_t *len, ex_error *err)
{
	base_buf b = BASE_BUF_INIT;
	report_content rc;
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;
	char n1[32], n2[32], hash[64];
	size_t c, nworking = 0;
	ex_status st;

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium cannot be initialised");
	if ((st = report_content_make(m, &rc, err)) != EX_OK)
		return st;
	for (c = 0; c < m->ncameras; c++)
		nworking += report_count_role(&m->cameras[c],
		    EX_ROLE_WORKING);

	base_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; img-src data: 'self'; media-src 'self'; "
	    "style-src 'unsafe-inline'; script-src '");
	report_html_script_hash(hash, sizeof(hash));
	base_buf_adds(&b, hash);
	base_buf_adds(&b, "'; base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<link rel=\"icon\" href=\"data:,\">\n<title>");
	report_buf_html(&b, rc.title);
	base_buf_adds(&b, "</title>\n<style>\n");
	base_buf_adds(&b, report_html_style);
	base_buf_adds(&b, "</style>\n</head>\n<body>\n<main>\n"
	    "<header class=\"top\">\n<p class=\"kicker\">CCTV evidence "
	    "bundle</p>\n<h1>Exhibit ");
	report_buf_html(&b, m->bundle.exhibit_ref);
	base_buf_adds(&b, "</h1>\n<p>Case ");
	report_buf_html(&b, m->bundle.case_ref);
	base_buf_adds(&b, " &#183; ");
	base_buf_adds(&b, report_count(m->ncameras, "camera",
	    "cameras", n1, sizeof(n1)));
	base_buf_adds(&b, " &#183; ");
	base_buf_adds(&b, report_count(nworking, "clip to play",
	    "clips to play", n2, sizeof(n2)));
	base_buf_adds(&b, "</p>\n<p class=\"where\">To check the files "
	    "without a command line, see \"Check files on this computer\" "
	    "under How to check this evidence; the words used are explained "
	    "at the end of the page.</p>\n</header>\n");

	base_buf_adds(&b, "<h2>Summary</h2>\n");
	put_items(&b, &rc.facts);

	base_buf_adds(&b, "<h2>Cameras and clips</h2>\n<p>Each working "
	    "copy below plays in this page; the same file plays in any "
	    "ordinary video player. The date, time and camera are burned into "
	    "every frame. The original recorder files and the cuts made "
	    "without re-encoding are listed under each camera.</p>\n");
	for (c = 0; c < m->ncameras; c++)
		put_camera(&b, &m->cameras[c], x, zone);

	put_custody(&b, x, zone);

	base_buf_adds(&b, "<h2>How to check this evidence</h2>\n");
	put_items(&b, &rc.intro);
	put_filecheck(&b, m);
	put_items(&b, &rc.howto);

	put_glossary(&b, &rc.words);

	base_buf_adds(&b, "<footer>Made by ");
	report_buf_html(&b, m->bundle.tool_name);
	base_buf_adds(&b, " ");
	report_buf_html(&b, m->bundle.tool_version);
	base_buf_adds(&b, ". The same facts, in full, are in manifest.xml "
	    "and custody.xml; README.txt says this in plain text.</footer>\n"
	    "</main>\n</body>\n</html>\n");
	st = report_buf_finish(&b, out, len, err);
	base_buf_free(&b);
	report_content_free(&rc);
	return st;
}

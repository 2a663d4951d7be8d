/*
 * readme_txt.c — data/README.txt: index.html's content as plain text.
 *
 * UTF-8, LF line ends, no line longer than WIDTH characters (code points)
 * and no trailing spaces.  Text is wrapped at spaces; a word longer than a
 * line is split.  A command to type is the one kind of line that starts
 * "  $ " (so a reader, and a test, can find every one); it is never wrapped
 * at a space without a shell continuation (" \"), so it still pastes as
 * one command, continued on lines indented 6.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "exhibit/text.h"
#include "report/report_private.h"

#define WIDTH 78
/* Where values start: the summary, a camera's facts, a file's facts. */
#define SUMMARY_COL 20
#define CAMERA_COL 19
#define FILE_COL 13

/* Bytes of s making up at most `chars` characters (at least one). */
static size_t
take_chars(const char *s, size_t n, size_t chars)
{
	size_t i = 0, c = 0;

	if (chars == 0)
		chars = 1;
	while (i < n) {
		size_t j = i + 1;

		while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
			j++;
		if (c + 1 > chars)
			break;
		c++;
		i = j;
	}
	return i;
}

static void
newline(base_buf *b, const char *prefix, size_t *col)
{
	base_buf_adds(b, "\n");
	base_buf_adds(b, prefix);
	*col = report_width(prefix, strlen(prefix));
}

/*
 * Write raw text wrapped at WIDTH: the first line starts with `first`,
 * every other with `next`; LF in the text starts a new line.  Ends with a
 * newline.
 */
static void
wrap(base_buf *b, const char *first, const char *next,
    const char *raw)
{
	char *t = ex_text_clean(raw != NULL ? raw : "",
	    EX_TEXT_TAB_SPACE);
	const char *p;
	size_t col;
	int at_start = 1;

	if (t == NULL) {
		b->failed = 1;
		return;
	}
	base_buf_adds(b, first);
	col = report_width(first, strlen(first));
	p = t;
	while (*p != '\0') {
		const char *q;
		size_t n, w;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '\n') {
			newline(b, next, &col);
			at_start = 1;
			p++;
			continue;
		}
		for (q = p; *q != '\0' && *q != ' ' && *q != '\n'; q++)
			;
		n = (size_t)(q - p);
		w = report_width(p, n);
		if (!at_start && col + 1 + w > WIDTH) {
			newline(b, next, &col);
			at_start = 1;
		}
		if (!at_start) {
			base_buf_adds(b, " ");
			col++;
		}
		while (col + w > WIDTH) {
			size_t k = take_chars(p, n, WIDTH > col ? WIDTH - col :
			    1);

			base_buf_add(b, p, k);
			p += k;
			n -= k;
			w = report_width(p, n);
			newline(b, next, &col);
		}
		base_buf_add(b, p, n);
		col += w;
		at_start = 0;
		p = q;
	}
	base_buf_adds(b, "\n");
	free(t);
}

/* A command, after "  $ "; too long, it is split at a space with " \" and
 * continued indented 6 (or, with no space to split at, split anyway). */
static void
command(base_buf *b, const char *raw)
{
	char *t = ex_text_clean(raw, REPORT_ONE_LINE);
	const char *p;
	size_t indent = 4;
	int first = 1;

	if (t == NULL) {
		b->failed = 1;
		return;
	}
	p = t;
	for (;;) {
		size_t n = strlen(p), room = WIDTH - indent, k, cut;

		if (first)
			base_buf_adds(b, "  $ ");
		else
			base_buf_printf(b, "%*s", (int)indent, "");
		first = 0;
		if (report_width(p, n) <= room) {
			base_buf_adds(b, p);
			base_buf_adds(b, "\n");
			break;
		}
		/* Leave room for " \". */
		k = take_chars(p, n, room - 2);
		for (cut = k; cut > 0 && p[cut] != ' '; cut--)
			;
		if (cut > 0) {
			base_buf_add(b, p, cut);
			base_buf_adds(b, " \\\n");
			p += cut + 1;
		} else {
			k = take_chars(p, n, room);
			base_buf_add(b, p, k);
			base_buf_adds(b, "\n");
			p += k;
		}
		indent = 6;
	}
	free(t);
}

static void
heading(base_buf *b, const char *text, char under)
{
	size_t i, w;
	char *u;

	base_buf_adds(b, "\n");
	wrap(b, "", "", text);
	w = report_width(text, strlen(text));
	if (w > WIDTH)
		w = WIDTH;
	if ((u = malloc(w + 2)) == NULL) {
		b->failed = 1;
		return;
	}
	for (i = 0; i < w; i++)
		u[i] = under;
	u[w] = '\n';
	u[w + 1] = '\0';
	base_buf_adds(b, u);
	free(u);
}

/* "Label:" padded to col, the value wrapped under it (a label too long
 * for that is followed by one space). */
static void
fact(base_buf *b, const char *indent, size_t col, const char *label,
    const char *value)
{
	char first[160], next[64];
	size_t il = strlen(indent), lw = report_width(label, strlen(label));

	if (il + lw + 2 <= col && lw < 100) {
		snprintf(first, sizeof(first), "%s%s:%*s", indent, label,
		    (int)(col - il - lw - 1), "");
		snprintf(next, sizeof(next), "%*s", (int)col, "");
	} else {
		snprintf(first, sizeof(first), "%s%s: ", indent, label);
		snprintf(next, sizeof(next), "%s  ", indent);
	}
	wrap(b, first, next, value);
}

static void
put_items(base_buf *b, const report_items *it, size_t col)
{
	size_t i;

	for (i = 0; i < it->n; i++) {
		const report_item *e = &it->v[i];

		switch (e->kind) {
		case REPORT_FACT:
			fact(b, "", col, e->label, e->text);
			break;
		case REPORT_HEAD:
			base_buf_adds(b, "\n");
			wrap(b, "", "", e->text);
			break;
		case REPORT_PARA:
			base_buf_adds(b, "\n");
			wrap(b, "", "", e->text);
			break;
		case REPORT_CMD:
			if (i == 0 || it->v[i - 1].kind != REPORT_CMD)
				base_buf_adds(b, "\n");
			command(b, e->text);
			break;
		}
	}
}

/* "<local> (UTC <utc>)" */
static char *
when(ex_instant t, const char *zone, char *buf, size_t size)
{
	char l[EX_TIME_BUFSZ], u[EX_TIME_BUFSZ];

	snprintf(buf, size, "%s (UTC %s)", report_local(t, zone, l,
	    sizeof(l)), report_utc(t, u, sizeof(u)));
	return buf;
}

/* "<local> to <local>\nUTC <utc> to <utc>", and a third line when the
 * range spans a clock change (report_range_note). */
static char *
range(ex_instant from, ex_instant to, const char *zone, char *buf,
    size_t size)
{
	char l1[EX_TIME_BUFSZ], l2[EX_TIME_BUFSZ], u1[EX_TIME_BUFSZ],
	    u2[EX_TIME_BUFSZ];

	char *note = report_range_note(from, to, zone);

	snprintf(buf, size, "%s to %s\nUTC %s to %s%s%s",
	    report_local(from, zone, l1, sizeof(l1)),
	    report_local(to, zone, l2, sizeof(l2)),
	    report_utc(from, u1, sizeof(u1)),
	    report_utc(to, u2, sizeof(u2)), note != NULL ? "\n" : "",
	    note != NULL ? note : "");
	free(note);
	return buf;
}

static void
put_file(base_buf *b, const ex_manifest_camera *c,
    const ex_manifest_file *f, const char *zone)
{
	report_items streams = { 0 };
	size_t i;
	char t[2 * EX_TIME_BUFSZ + 16 + 256], size[96], span[48], info[160];
	char *href = report_href(f->path);

	base_buf_adds(b, "\n");
	wrap(b, "  ", "    ", href != NULL ? href : f->path);
	free(href);
	snprintf(info, sizeof(info), "(%s)", report_role(f->role)->text);
	wrap(b, "    ", "     ", info);
	if (f->source_path != NULL)
		fact(b, "    ", FILE_COL, "On the recorder", f->source_path);
	fact(b, "    ", FILE_COL, "From", when(f->start, zone, t,
	    sizeof(t)));
	fact(b, "    ", FILE_COL, "To", when(f->end, zone, t, sizeof(t)));
	if (f->start != EX_INSTANT_NONE && f->end != EX_INSTANT_NONE)
		report_format_span(f->end - f->start, span, sizeof(span));
	else
		snprintf(span, sizeof(span), "unknown");
	snprintf(info, sizeof(info), "%s", span);
	if (f->frames >= 0)
		snprintf(info + strlen(info), sizeof(info) - strlen(info),
		    ", %lld frames", (long long)f->frames);
	if (f->width > 0 && f->height > 0)
		snprintf(info + strlen(info), sizeof(info) - strlen(info),
		    ", %dx%d", f->width, f->height);
	{
		char *note = report_range_note(f->start, f->end, zone);

		if (note != NULL) {
			snprintf(t, sizeof(t), "%s\n%s", info, note);
			fact(b, "    ", FILE_COL, "Length", t);
		} else {
			fact(b, "    ", FILE_COL, "Length", info);
		}
		free(note);
	}
	report_file_streams(c, f, &streams);
	if (streams.failed)
		b->failed = 1;
	for (i = 0; i < streams.n; i++)
		fact(b, "    ", FILE_COL, streams.v[i].label,
		    streams.v[i].text);
	report_items_free(&streams);
	fact(b, "    ", FILE_COL, "Size", report_format_size(f->size, size,
	    sizeof(size)));
	fact(b, "    ", FILE_COL, "SHA-256", f->sha256);
}

static void
put_camera(base_buf *b, const ex_manifest_camera *c, const char *zone)
{
	char t[4 * EX_TIME_BUFSZ + 32 + 256];
	size_t i;
	base_buf hb = BASE_BUF_INIT;
	report_items notes = { 0 };
	char *head = NULL;

	base_buf_printf(&hb, "Camera %s", c->id != NULL ? c->id : "");
	if (c->name != NULL)
		base_buf_printf(&hb, " - %s", c->name);
	if ((head = base_buf_take(&hb)) == NULL) {
		b->failed = 1;
		return;
	}
	base_buf_adds(b, "\n");
	wrap(b, "", "  ", head);
	free(head);
	if (c->location != NULL)
		fact(b, "  ", CAMERA_COL, "Location", c->location);
	fact(b, "  ", CAMERA_COL, "Requested", range(c->requested.from,
	    c->requested.to, zone, t, sizeof(t)));
	for (i = 0; i < c->ncoverage; i++) {
		fact(b, "  ", CAMERA_COL,
		    report_role(c->coverage[i].role)->covers,
		    range(c->coverage[i].from,
		    c->coverage[i].to, zone, t, sizeof(t)));
	}
	for (i = 0; i < c->ngaps; i++) {
		char d[64];
		size_t o;

		range(c->gaps[i].from, c->gaps[i].to, zone, t, sizeof(t));
		o = strlen(t);
		snprintf(t + o, sizeof(t) - o, "\nThe recorder holds no "
		    "footage of this camera for this stretch: %s.",
		    report_format_duration(c->gaps[i].to - c->gaps[i].from,
		    d, sizeof(d)));
		fact(b, "  ", CAMERA_COL, "NO RECORDING", t);
	}
	for (i = 0; i < c->ndamage; i++) {
		const ex_manifest_damage *d = &c->damage[i];
		base_buf db = BASE_BUF_INIT;
		char *s = NULL;

		base_buf_printf(&db, "%s in %s", d->state != NULL ?
		    d->state : "", d->relpath != NULL ? d->relpath : "");
		if (d->time != EX_INSTANT_NONE)
			base_buf_printf(&db, " at %s", when(d->time, zone,
			    t, sizeof(t)));
		base_buf_printf(&db, ": %s", d->message != NULL ?
		    d->message : "");
		if ((s = base_buf_take(&db)) == NULL) {
			b->failed = 1;
			return;
		}
		fact(b, "  ", CAMERA_COL, "DAMAGED SEGMENT", s);
		free(s);
	}
	report_camera_notes(c, zone, &notes);
	if (notes.failed)
		b->failed = 1;
	for (i = 0; i < notes.n; i++) {
		base_buf_adds(b, "\n");
		wrap(b, "  ", "  ", notes.v[i].text);
	}
	report_items_free(&notes);
	if (c->nfiles == 0) {
		base_buf_adds(b, "\n");
		wrap(b, "  ", "  ", "This camera recorded nothing in the "
		    "requested range.");
	}
	for (i = 0; i < c->nfiles; i++)
		if (c->files[i].role == EX_ROLE_WORKING)
			put_file(b, c, &c->files[i], zone);
	for (i = 0; i < c->nfiles; i++)
		if (c->files[i].role != EX_ROLE_WORKING)
			put_file(b, c, &c->files[i], zone);
}

static void
put_custody(base_buf *b, const ex_report_extras *x, const char *zone)
{
	char t[2 * EX_TIME_BUFSZ + 16], num[32];
	size_t i;

	heading(b, "CUSTODY CHAIN", '-');
	base_buf_adds(b, "\n");
	wrap(b, "", "", report_custody_intro());
	for (i = 0; x != NULL && i < x->nevents; i++) {
		const ex_report_event *e = &x->events[i];

		snprintf(num, sizeof(num), "Event %llu",
		    (unsigned long long)e->seq);
		base_buf_adds(b, "\n");
		fact(b, "  ", CAMERA_COL, num, when(e->time, zone, t,
		    sizeof(t)));
		fact(b, "  ", CAMERA_COL, "Who", e->actor);
		fact(b, "  ", CAMERA_COL, "What", e->action);
		if (e->note != NULL)
			fact(b, "  ", CAMERA_COL, "Note", e->note);
		fact(b, "  ", CAMERA_COL, "Signer key ID", e->key_id);
	}
}

/* Drop spaces before each LF (a wrapped empty value leaves some). */
static void
strip_trailing(base_buf *b)
{
	size_t i, o = 0;

	if (b->data == NULL)
		return;
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\n')
			while (o > 0 && b->data[o - 1] == ' ')
				o--;
		b->data[o++] = b->data[i];
	}
	base_buf_truncate(b, o);
}

ex_status
ex_report_readme(const ex_manifest *m, const ex_report_extras *x,
    char **out, size_t *len, ex_error *err)
{
	base_buf b = BASE_BUF_INIT;
	report_content rc;
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;
	const char *title;
	size_t c;
	ex_status st;

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if ((st = report_content_make(m, &rc, err)) != EX_OK)
		return st;
	title = rc.title;
	wrap(&b, "", "", title);
	{
		size_t w = report_width(title, strlen(title)), i;

		for (i = 0; i < (w > WIDTH ? WIDTH : w); i++)
			base_buf_adds(&b, "=");
		base_buf_adds(&b, "\n");
	}
	base_buf_adds(&b, "\n");
	wrap(&b, "", "", "This is a signed CCTV evidence bundle. The file "
	    "index.html beside this one says the same in a web browser and "
	    "plays the clips. The working copies (in each camera's working "
	    "folder) play in any ordinary video player, with the date, time "
	    "and camera burned into every frame. The words used are explained "
	    "at the end (WORDS USED HERE). Commands to type start with \"$\" "
	    "(type what follows it).");

	heading(&b, "SUMMARY", '-');
	base_buf_adds(&b, "\n");
	put_items(&b, &rc.facts, SUMMARY_COL);

	heading(&b, "CAMERAS AND CLIPS", '-');
	base_buf_adds(&b, "\n");
	wrap(&b, "", "", "Paths are relative to the data folder, which "
	    "holds this file.");
	for (c = 0; c < m->ncameras; c++)
		put_camera(&b, &m->cameras[c], zone);

	put_custody(&b, x, zone);

	heading(&b, "HOW TO CHECK THIS EVIDENCE", '-');
	put_items(&b, &rc.intro, SUMMARY_COL);
	base_buf_adds(&b, "\nWithout a command line\n");
	put_items(&b, &rc.nocli, SUMMARY_COL);
	put_items(&b, &rc.howto, SUMMARY_COL);

	heading(&b, "WORDS USED HERE", '-');
	base_buf_adds(&b, "\n");
	put_items(&b, &rc.words, SUMMARY_COL + 2);

	base_buf_adds(&b, "\n");
	{
		base_buf fb = BASE_BUF_INIT;
		char *s = NULL;

		base_buf_printf(&fb, "Made by %s %s. The same facts, in "
		    "full, are in manifest.xml and custody.xml.",
		    m->bundle.tool_name != NULL ? m->bundle.tool_name : "",
		    m->bundle.tool_version != NULL ? m->bundle.tool_version :
		    "");
		if ((s = base_buf_take(&fb)) == NULL)
			b.failed = 1;
		else
			wrap(&b, "", "", s);
		free(s);
	}
	strip_trailing(&b);
	st = report_buf_finish(&b, out, len, err);
	base_buf_free(&b);
	report_content_free(&rc);
	return st;
}

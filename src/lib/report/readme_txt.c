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
newline(ex_report_buf *b, const char *prefix, size_t *col)
{
	ex_report_buf_put(b, "\n");
	ex_report_buf_put(b, prefix);
	*col = ex_report_width(prefix, strlen(prefix));
}

/*
 * Write raw text wrapped at WIDTH: the first line starts with `first`,
 * every other with `next`; LF in the text starts a new line.  Ends with a
 * newline.
 */
static void
wrap(ex_report_buf *b, const char *first, const char *next,
    const char *raw)
{
	char *t = ex_report_clean(raw != NULL ? raw : "", 1);
	const char *p;
	size_t col;
	int at_start = 1;

	if (t == NULL) {
		b->failed = 1;
		return;
	}
	ex_report_buf_put(b, first);
	col = ex_report_width(first, strlen(first));
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
		w = ex_report_width(p, n);
		if (!at_start && col + 1 + w > WIDTH) {
			newline(b, next, &col);
			at_start = 1;
		}
		if (!at_start) {
			ex_report_buf_put(b, " ");
			col++;
		}
		while (col + w > WIDTH) {
			size_t k = take_chars(p, n, WIDTH > col ? WIDTH - col :
			    1);

			ex_report_buf_putn(b, p, k);
			p += k;
			n -= k;
			w = ex_report_width(p, n);
			newline(b, next, &col);
		}
		ex_report_buf_putn(b, p, n);
		col += w;
		at_start = 0;
		p = q;
	}
	ex_report_buf_put(b, "\n");
	free(t);
}

/* A command, after "  $ "; too long, it is split at a space with " \" and
 * continued indented 6 (or, with no space to split at, split anyway). */
static void
command(ex_report_buf *b, const char *raw)
{
	char *t = ex_report_clean(raw, 0);
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
			ex_report_buf_put(b, "  $ ");
		else
			ex_report_buf_printf(b, "%*s", (int)indent, "");
		first = 0;
		if (ex_report_width(p, n) <= room) {
			ex_report_buf_put(b, p);
			ex_report_buf_put(b, "\n");
			break;
		}
		/* Leave room for " \". */
		k = take_chars(p, n, room - 2);
		for (cut = k; cut > 0 && p[cut] != ' '; cut--)
			;
		if (cut > 0) {
			ex_report_buf_putn(b, p, cut);
			ex_report_buf_put(b, " \\\n");
			p += cut + 1;
		} else {
			k = take_chars(p, n, room);
			ex_report_buf_putn(b, p, k);
			ex_report_buf_put(b, "\n");
			p += k;
		}
		indent = 6;
	}
	free(t);
}

static void
heading(ex_report_buf *b, const char *text, char under)
{
	size_t i, w;
	char *u;

	ex_report_buf_put(b, "\n");
	wrap(b, "", "", text);
	w = ex_report_width(text, strlen(text));
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
	ex_report_buf_put(b, u);
	free(u);
}

/* "Label:" padded to col, the value wrapped under it (a label too long
 * for that is followed by one space). */
static void
fact(ex_report_buf *b, const char *indent, size_t col, const char *label,
    const char *value)
{
	char first[160], next[64];
	size_t il = strlen(indent), lw = ex_report_width(label, strlen(label));

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
put_items(ex_report_buf *b, const ex_report_items *it, size_t col)
{
	size_t i;

	for (i = 0; i < it->n; i++) {
		const ex_report_item *e = &it->v[i];

		switch (e->kind) {
		case EX_RI_FACT:
			fact(b, "", col, e->label, e->text);
			break;
		case EX_RI_HEAD:
			ex_report_buf_put(b, "\n");
			wrap(b, "", "", e->text);
			break;
		case EX_RI_PARA:
			ex_report_buf_put(b, "\n");
			wrap(b, "", "", e->text);
			break;
		case EX_RI_CMD:
			if (i == 0 || it->v[i - 1].kind != EX_RI_CMD)
				ex_report_buf_put(b, "\n");
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

	snprintf(buf, size, "%s (UTC %s)", ex_report_local(t, zone, l,
	    sizeof(l)), ex_report_utc(t, u, sizeof(u)));
	return buf;
}

/* "<local> to <local>\nUTC <utc> to <utc>", and a third line when the
 * range spans a clock change (ex_report_range_note). */
static char *
range(ex_instant from, ex_instant to, const char *zone, char *buf,
    size_t size)
{
	char l1[EX_TIME_BUFSZ], l2[EX_TIME_BUFSZ], u1[EX_TIME_BUFSZ],
	    u2[EX_TIME_BUFSZ];

	char *note = ex_report_range_note(from, to, zone);

	snprintf(buf, size, "%s to %s\nUTC %s to %s%s%s",
	    ex_report_local(from, zone, l1, sizeof(l1)),
	    ex_report_local(to, zone, l2, sizeof(l2)),
	    ex_report_utc(from, u1, sizeof(u1)),
	    ex_report_utc(to, u2, sizeof(u2)), note != NULL ? "\n" : "",
	    note != NULL ? note : "");
	free(note);
	return buf;
}

static const char *
role_text(ex_manifest_role role)
{
	switch (role) {
	case EX_ROLE_MASTER:
		return "original recorder file, bit for bit";
	case EX_ROLE_NATIVE:
		return "cut without re-encoding";
	case EX_ROLE_WORKING:
		return "working copy, plays in any video player";
	case EX_ROLE_STILL:
		return "still picture";
	default:
		return "file";
	}
}

static void
put_file(ex_report_buf *b, const ex_manifest_camera *c,
    const ex_manifest_file *f, const char *zone)
{
	ex_report_items streams = { 0 };
	size_t i;
	char t[2 * EX_TIME_BUFSZ + 16 + 256], size[96], span[48], info[160];
	char *href = ex_report_href(f->path);

	ex_report_buf_put(b, "\n");
	wrap(b, "  ", "    ", href != NULL ? href : f->path);
	free(href);
	snprintf(info, sizeof(info), "(%s)", role_text(f->role));
	wrap(b, "    ", "     ", info);
	if (f->source_path != NULL)
		fact(b, "    ", FILE_COL, "On the recorder", f->source_path);
	fact(b, "    ", FILE_COL, "From", when(f->start, zone, t,
	    sizeof(t)));
	fact(b, "    ", FILE_COL, "To", when(f->end, zone, t, sizeof(t)));
	if (f->start != EX_INSTANT_NONE && f->end != EX_INSTANT_NONE)
		ex_report_format_span(f->end - f->start, span, sizeof(span));
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
		char *note = ex_report_range_note(f->start, f->end, zone);

		if (note != NULL) {
			snprintf(t, sizeof(t), "%s\n%s", info, note);
			fact(b, "    ", FILE_COL, "Length", t);
		} else {
			fact(b, "    ", FILE_COL, "Length", info);
		}
		free(note);
	}
	ex_report_file_streams(c, f, &streams);
	if (streams.failed)
		b->failed = 1;
	for (i = 0; i < streams.n; i++)
		fact(b, "    ", FILE_COL, streams.v[i].label,
		    streams.v[i].text);
	ex_report_items_free(&streams);
	fact(b, "    ", FILE_COL, "Size", ex_report_format_size(f->size, size,
	    sizeof(size)));
	fact(b, "    ", FILE_COL, "SHA-256", f->sha256);
}

static void
put_camera(ex_report_buf *b, const ex_manifest_camera *c, const char *zone)
{
	char t[4 * EX_TIME_BUFSZ + 32 + 256];
	size_t i;
	ex_report_buf hb = { 0 };
	ex_report_items notes = { 0 };
	char *head = NULL;

	ex_report_buf_printf(&hb, "Camera %s", c->id != NULL ? c->id : "");
	if (c->name != NULL)
		ex_report_buf_printf(&hb, " - %s", c->name);
	if (ex_report_buf_finish(&hb, &head, NULL, NULL) != EX_OK) {
		b->failed = 1;
		return;
	}
	ex_report_buf_put(b, "\n");
	wrap(b, "", "  ", head);
	free(head);
	if (c->location != NULL)
		fact(b, "  ", CAMERA_COL, "Location", c->location);
	fact(b, "  ", CAMERA_COL, "Requested", range(c->requested.from,
	    c->requested.to, zone, t, sizeof(t)));
	for (i = 0; i < c->ncoverage; i++) {
		fact(b, "  ", CAMERA_COL,
		    ex_report_coverage_label(c->coverage[i].role),
		    range(c->coverage[i].from,
		    c->coverage[i].to, zone, t, sizeof(t)));
	}
	for (i = 0; i < c->ngaps; i++) {
		char d[64];
		size_t o;

		range(c->gaps[i].from, c->gaps[i].to, zone, t, sizeof(t));
		o = strlen(t);
		snprintf(t + o, sizeof(t) - o, "\nThe recorder holds no footage "
		    "of this camera for this stretch: %s.",
		    ex_report_format_duration(c->gaps[i].to - c->gaps[i].from,
		    d, sizeof(d)));
		fact(b, "  ", CAMERA_COL, "NO RECORDING", t);
	}
	for (i = 0; i < c->ndamage; i++) {
		const ex_manifest_damage *d = &c->damage[i];
		ex_report_buf db = { 0 };
		char *s = NULL;

		ex_report_buf_printf(&db, "%s in %s", d->state != NULL ?
		    d->state : "", d->relpath != NULL ? d->relpath : "");
		if (d->time != EX_INSTANT_NONE)
			ex_report_buf_printf(&db, " at %s", when(d->time, zone,
			    t, sizeof(t)));
		ex_report_buf_printf(&db, ": %s", d->message != NULL ?
		    d->message : "");
		if (ex_report_buf_finish(&db, &s, NULL, NULL) != EX_OK) {
			b->failed = 1;
			return;
		}
		fact(b, "  ", CAMERA_COL, "DAMAGED SEGMENT", s);
		free(s);
	}
	ex_report_camera_notes(c, zone, &notes);
	if (notes.failed)
		b->failed = 1;
	for (i = 0; i < notes.n; i++) {
		ex_report_buf_put(b, "\n");
		wrap(b, "  ", "  ", notes.v[i].text);
	}
	ex_report_items_free(&notes);
	if (c->nfiles == 0) {
		ex_report_buf_put(b, "\n");
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
put_custody(ex_report_buf *b, const ex_report_extras *x, const char *zone)
{
	char t[2 * EX_TIME_BUFSZ + 16], num[32];
	size_t i;

	heading(b, "CUSTODY CHAIN", '-');
	ex_report_buf_put(b, "\n");
	wrap(b, "", "", ex_report_custody_intro());
	for (i = 0; x != NULL && i < x->nevents; i++) {
		const ex_report_event *e = &x->events[i];

		snprintf(num, sizeof(num), "Event %llu",
		    (unsigned long long)e->seq);
		ex_report_buf_put(b, "\n");
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
strip_trailing(ex_report_buf *b)
{
	size_t i, o = 0;

	if (b->p == NULL)
		return;
	for (i = 0; i < b->len; i++) {
		if (b->p[i] == '\n')
			while (o > 0 && b->p[o - 1] == ' ')
				o--;
		b->p[o++] = b->p[i];
	}
	b->len = o;
	b->p[o] = '\0';
}

ex_status
ex_report_readme(const ex_manifest *m, const ex_report_extras *x,
    char **out, size_t *len, ex_error *err)
{
	ex_report_buf b = { 0 };
	ex_report_items facts = { 0 }, intro = { 0 }, howto = { 0 },
	    nocli = { 0 }, words = { 0 };
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;
	char *title = NULL;
	size_t c;
	ex_status st;

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if ((title = ex_report_title(m)) == NULL) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	ex_report_facts(m, &facts);
	ex_report_howto_intro(m, &intro);
	ex_report_howto(m, &howto);
	ex_report_nocli(&nocli);
	ex_report_glossary(m, &words);
	if (facts.failed || intro.failed || howto.failed || nocli.failed ||
	    words.failed) {
		st = ex_error_set(err, EX_ERR_NOMEM, "out of memory");
		goto out;
	}
	wrap(&b, "", "", title);
	{
		size_t w = ex_report_width(title, strlen(title)), i;

		for (i = 0; i < (w > WIDTH ? WIDTH : w); i++)
			ex_report_buf_put(&b, "=");
		ex_report_buf_put(&b, "\n");
	}
	ex_report_buf_put(&b, "\n");
	wrap(&b, "", "", "This is a signed CCTV evidence bundle. The file "
	    "index.html beside this one says the same in a web browser and "
	    "plays the clips. The working copies (in each camera's working "
	    "folder) play in any ordinary video player, with the date, time "
	    "and camera burned into every frame. The words used are explained "
	    "at the end (WORDS USED HERE). Commands to type start with \"$\" "
	    "(type what follows it).");

	heading(&b, "SUMMARY", '-');
	ex_report_buf_put(&b, "\n");
	put_items(&b, &facts, SUMMARY_COL);

	heading(&b, "CAMERAS AND CLIPS", '-');
	ex_report_buf_put(&b, "\n");
	wrap(&b, "", "", "Paths are relative to the data folder, which "
	    "holds this file.");
	for (c = 0; c < m->ncameras; c++)
		put_camera(&b, &m->cameras[c], zone);

	put_custody(&b, x, zone);

	heading(&b, "HOW TO CHECK THIS EVIDENCE", '-');
	put_items(&b, &intro, SUMMARY_COL);
	ex_report_buf_put(&b, "\nWithout a command line\n");
	put_items(&b, &nocli, SUMMARY_COL);
	put_items(&b, &howto, SUMMARY_COL);

	heading(&b, "WORDS USED HERE", '-');
	ex_report_buf_put(&b, "\n");
	put_items(&b, &words, SUMMARY_COL + 2);

	ex_report_buf_put(&b, "\n");
	{
		ex_report_buf fb = { 0 };
		char *s = NULL;

		ex_report_buf_printf(&fb, "Made by %s %s. The same facts, in "
		    "full, are in manifest.xml and custody.xml.",
		    m->bundle.tool_name != NULL ? m->bundle.tool_name : "",
		    m->bundle.tool_version != NULL ? m->bundle.tool_version :
		    "");
		if (ex_report_buf_finish(&fb, &s, NULL, NULL) != EX_OK)
			b.failed = 1;
		else
			wrap(&b, "", "", s);
		free(s);
	}
	strip_trailing(&b);
	st = ex_report_buf_finish(&b, out, len, err);
out:
	ex_report_buf_free(&b);
	ex_report_items_free(&facts);
	ex_report_items_free(&intro);
	ex_report_items_free(&howto);
	ex_report_items_free(&nocli);
	ex_report_items_free(&words);
	free(title);
	return st;
}

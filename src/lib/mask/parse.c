/*
 * parse.c — the mask file (exhibit/mask.h): read through the core's
 * hardened XML reader against schemas/mask.xsd (compiled in), turned into
 * an ex_mask_set with what the schema cannot say checked (each error
 * naming the mask and the line), read from a file (ex_mask_load), and
 * checked against an export's cameras and range (ex_mask_check).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "base.h"
#include "exhibit/fileio.h"
#include "exhibit/mask.h"
#include "xmlread_private.h"

#define MASK_NS "urn:exhibit:mask:1"

/* build-aux/embed.sh from schemas/mask.xsd (src/lib/mask/local.mk). */
extern const unsigned char ex_mask_xsd_text[];
extern const size_t ex_mask_xsd_text_len;

const char *
ex_mask_xsd(size_t *len)
{
	if (len != NULL)
		*len = ex_mask_xsd_text_len;
	return (const char *)ex_mask_xsd_text;
}

/* ---- freeing ------------------------------------------------------------ */

static void
mask_clear(ex_mask *m)
{
	size_t i;

	free(m->camera);
	free(m->keys);
	for (i = 0; i < m->nshapes; i++)
		free(m->shapes[i].points);
	free(m->shapes);
}

void
ex_mask_set_free(ex_mask_set **set)
{
	size_t i;

	if (set == NULL || *set == NULL)
		return;
	for (i = 0; i < (*set)->nmasks; i++)
		mask_clear(&(*set)->masks[i]);
	free((*set)->masks);
	free((*set)->text);
	free(*set);
	*set = NULL;
}

/* ---- messages ----------------------------------------------------------- */

/* EX_ERR_USAGE "mask N (line L): ..." */
static ex_status
mask_error(ex_error *err, int number, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static ex_status
mask_error(ex_error *err, int number, long line, const char *fmt, ...)
{
	char why[EX_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return ex_error_set(err, EX_ERR_USAGE, "mask %d (line %ld): %s",
	    number, line, why);
}

/* t as "2024-10-27T00:59:40Z" (milliseconds only when there are some),
 * or only the clock part "00:59:40" when clock is set. */
static const char *
fmt_time(ex_instant t, int clock, char *buf, size_t size)
{
	char *dot;

	ex_time_format_utc(t, buf, size);
	if ((dot = strchr(buf, '.')) != NULL && strcmp(dot, ".000Z") == 0)
		strcpy(dot, "Z");
	if (clock && strlen(buf) > 11) {
		memmove(buf, buf + 11, strlen(buf + 11) + 1);
		buf[strlen(buf) - 1] = '\0';            /* the Z */
	}
	return buf;
}

/* ---- reading the tree --------------------------------------------------- */

static int
is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    xmlStrcmp(n->ns->href, BAD_CAST MASK_NS) == 0 &&
	    xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The decimal number at *p (digits, as the schema allows; XML white space
 * around it skipped), moved past.  0 with *v set, -1 when there is no
 * number, 1 when it does not fit an int.
 */
static int
read_int(const char **p, int *v)
{
	const char *s = *p;
	long long n = 0;
	int digits = 0, big = 0;

	while (is_space(*s))
		s++;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (n > INT_MAX)
			big = 1;
		else
			n = n * 10 + (*s - '0');
	}
	while (is_space(*s))
		s++;
	*p = s;
	if (digits == 0)
		return -1;
	if (big || n > INT_MAX)
		return 1;
	*v = (int)n;
	return 0;
}

/* A mask being read: where its errors point. */
typedef struct reading {
	int number;
	const char *zone;
	ex_error *err;
} reading;

static long
line_of(xmlNodePtr n)
{
	return xmlGetLineNo(n);
}

/* The int attribute name of n into *v. */
static ex_status
int_attr(const reading *r, xmlNodePtr n, const char *name, int *v)
{
	xmlChar *text = xmlGetProp(n, BAD_CAST name);
	const char *p = (const char *)text;
	ex_status st = EX_OK;
	int rc;

	if (text == NULL)
		return base_nomem(r->err);      /* the schema requires it */
	rc = read_int(&p, v);
	if (rc != 0 || *p != '\0')
		st = mask_error(r->err, r->number, line_of(n),
		    "%s %.32s is %s", name, (const char *)text, rc == 1 ?
		    "out of range (at most 2147483647)" : "not a number");
	xmlFree(text);
	return st;
}

/* The time attribute name of n (NULL if absent and !required). */
static ex_status
time_attr(const reading *r, xmlNodePtr n, const char *name, ex_instant *t)
{
	xmlChar *text = xmlGetProp(n, BAD_CAST name);
	ex_error terr;
	ex_status st = EX_OK;

	*t = EX_INSTANT_NONE;
	if (text == NULL)
		return EX_OK;
	if (ex_time_parse((const char *)text, r->zone, t, &terr) != EX_OK) {
		*t = EX_INSTANT_NONE;
		st = mask_error(r->err, r->number, line_of(n), "%s: %s",
		    name, terr.message);
	}
	xmlFree(text);
	return st;
}

static ex_status
box_attrs(const reading *r, xmlNodePtr n, int *x, int *y, int *w, int *h)
{
	ex_status st;

	if ((st = int_attr(r, n, "x", x)) != EX_OK ||
	    (st = int_attr(r, n, "y", y)) != EX_OK ||
	    (st = int_attr(r, n, "width", w)) != EX_OK ||
	    (st = int_attr(r, n, "height", h)) != EX_OK)
		return st;
	if (*w < 1 || *h < 1)
		return mask_error(r->err, r->number, line_of(n),
		    "a box of %dx%d (width and height are at least 1)",
		    *w, *h);
	if (*x > INT_MAX - *w || *y > INT_MAX - *h)
		return mask_error(r->err, r->number, line_of(n),
		    "box %d,%d %dx%d reaches past 2147483647", *x, *y, *w, *h);
	return EX_OK;
}

static ex_status
read_key(const reading *r, ex_mask *m, xmlNodePtr n, size_t *cap)
{
	ex_mask_key k;
	char a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ];
	ex_status st;
	int clock;

	if (m->nkeys >= EX_MASK_MAX_KEYS)
		return mask_error(r->err, r->number, line_of(n),
		    "more than %d keys", EX_MASK_MAX_KEYS);
	if ((st = time_attr(r, n, "time", &k.time)) != EX_OK ||
	    (st = box_attrs(r, n, &k.x, &k.y, &k.width, &k.height)) != EX_OK)
		return st;
	if (k.time == EX_INSTANT_NONE)
		return base_nomem(r->err);      /* the schema requires it */
	if (m->nkeys > 0 && k.time <= m->keys[m->nkeys - 1].time) {
		ex_instant prev = m->keys[m->nkeys - 1].time;

		/* The clock alone when both fall on the same UTC day. */
		clock = prev / 86400000000LL == k.time / 86400000000LL;
		fmt_time(prev, clock, a, sizeof(a));
		fmt_time(k.time, clock, b, sizeof(b));
		if (k.time == prev)
			return mask_error(r->err, r->number, line_of(n),
			    "two keys at %s", b);
		return mask_error(r->err, r->number, line_of(n),
		    "keys out of order: %s before %s", a, b);
	}
	if (BASE_GROW(m->keys, *cap, m->nkeys + 1) != 0)
		return base_nomem(r->err);
	m->keys[m->nkeys++] = k;
	return EX_OK;
}

static ex_status
read_points(const reading *r, xmlNodePtr n, ex_mask_shape *s)
{
	xmlChar *text = xmlGetProp(n, BAD_CAST "points");
	const char *p = (const char *)text;
	ex_status st = EX_OK;
	size_t cap = 0;
	int x, y, rc = 0, minx = INT_MAX, miny = INT_MAX, maxx = 0, maxy = 0;

	if (text == NULL)
		return base_nomem(r->err);      /* the schema requires it */
	while (*p != '\0' && st == EX_OK) {
		if ((rc = read_int(&p, &x)) != 0 || *p++ != ',' ||
		    (rc = read_int(&p, &y)) != 0) {
			st = mask_error(r->err, r->number, line_of(n),
			    "polygon point %zu %s", s->npoints + 1, rc == 1 ?
			    "is out of range (at most 2147483647)" :
			    "is not x,y");
			break;
		}
		if (s->npoints >= EX_MASK_MAX_POINTS) {
			st = mask_error(r->err, r->number, line_of(n),
			    "polygon of more than %d points",
			    EX_MASK_MAX_POINTS);
			break;
		}
		if (BASE_GROW(s->points, cap, s->npoints + 1) != 0) {
			st = base_nomem(r->err);
			break;
		}
		s->points[s->npoints].x = x;
		s->points[s->npoints++].y = y;
		minx = x < minx ? x : minx;
		miny = y < miny ? y : miny;
		maxx = x > maxx ? x : maxx;
		maxy = y > maxy ? y : maxy;
	}
	xmlFree(text);
	if (st == EX_OK && s->npoints < 3)
		st = mask_error(r->err, r->number, line_of(n),
		    "polygon of %zu point%s (at least 3)", s->npoints,
		    s->npoints == 1 ? "" : "s");
	if (st == EX_OK && (maxx == INT_MAX || maxy == INT_MAX))
		st = mask_error(r->err, r->number, line_of(n),
		    "polygon reaches 2147483647");
	if (st != EX_OK)
		return st;
	s->x = minx;
	s->y = miny;
	s->width = maxx - minx + 1;
	s->height = maxy - miny + 1;
	return EX_OK;
}

static ex_status
read_shape(const reading *r, ex_mask *m, xmlNodePtr n, size_t *cap)
{
	ex_mask_shape *s;
	ex_status st;

	if (BASE_GROW(m->shapes, *cap, m->nshapes + 1) != 0)
		return base_nomem(r->err);
	s = &m->shapes[m->nshapes++];
	memset(s, 0, sizeof(*s));
	if (is_elem(n, "rect")) {
		s->kind = EX_MASK_RECT;
		st = box_attrs(r, n, &s->x, &s->y, &s->width, &s->height);
	} else {
		s->kind = EX_MASK_POLYGON;
		st = read_points(r, n, s);
	}
	return st;
}

/* The <mask> element n into m (cleared by the caller on failure). */
static ex_status
read_mask(const reading *r, ex_mask *m, xmlNodePtr n)
{
	char a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ];
	xmlChar *camera, *style;
	size_t kcap = 0, scap = 0;
	xmlNodePtr c;
	ex_status st = EX_OK;

	m->number = r->number;
	m->line = (int)line_of(n);
	camera = xmlGetProp(n, BAD_CAST "camera");
	style = xmlGetProp(n, BAD_CAST "style");
	if (camera == NULL || style == NULL ||
	    (m->camera = strdup((const char *)camera)) == NULL)
		st = base_nomem(r->err);
	else
		m->style = xmlStrcmp(style, BAD_CAST "pixelate") == 0 ?
		    EX_MASK_PIXELATE : EX_MASK_FILL;
	xmlFree(camera);
	xmlFree(style);
	if (st != EX_OK ||
	    (st = time_attr(r, n, "from", &m->from)) != EX_OK ||
	    (st = time_attr(r, n, "to", &m->to)) != EX_OK)
		return st;
	for (c = n->children; c != NULL && st == EX_OK; c = c->next) {
		if (is_elem(c, "key"))
			st = read_key(r, m, c, &kcap);
		else if (is_elem(c, "rect") || is_elem(c, "polygon"))
			st = read_shape(r, m, c, &scap);
	}
	if (st != EX_OK)
		return st;
	if (m->nkeys > 0 && (m->from != EX_INSTANT_NONE ||
	    m->to != EX_INSTANT_NONE))
		return mask_error(r->err, r->number, m->line,
		    "from and to are not allowed with keys (a moving mask is "
		    "active from its first key to its last)");
	if (m->nkeys == 1)
		return mask_error(r->err, r->number, m->line,
		    "one key (a moving mask needs at least two)");
	if (m->nkeys > 0) {
		m->from = m->keys[0].time;
		m->to = m->keys[m->nkeys - 1].time;
	} else if (m->from != EX_INSTANT_NONE && m->to != EX_INSTANT_NONE &&
	    m->to <= m->from)
		return mask_error(r->err, r->number, m->line,
		    "to %s is not after from %s",
		    fmt_time(m->to, 0, a, sizeof(a)),
		    fmt_time(m->from, 0, b, sizeof(b)));
	return EX_OK;
}

/* ex_mask_parse with the document named what in the reader's messages;
 * text (NUL-terminated, len bytes) is taken over when given. */
static ex_status
parse_named(const char *xml, size_t len, char *text, const char *what,
    const char *zone, ex_mask_set **out, ex_error *err)
{
	base_xmlread_rules rules = {
		.what = what,
		.xsd = ex_mask_xsd_text,
		.xsdlen = ex_mask_xsd_text_len,
		.max = EX_MASK_MAX_BYTES,
		.flags = 0,     /* people write these: comments allowed */
	};
	ex_mask_set *set = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr n;
	size_t cap = 0;
	ex_status st;
	reading r;

	*out = NULL;
	if ((st = base_xmlread_parse(&rules, xml, len, &doc, err)) != EX_OK)
		goto out;
	if ((set = calloc(1, sizeof(*set))) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	if (text == NULL) {
		if ((text = malloc(len + 1)) == NULL) {
			st = base_nomem(err);
			goto out;
		}
		memcpy(text, xml, len);
		text[len] = '\0';
	}
	set->text = text;
	set->len = len;
	text = NULL;
	r.zone = zone;
	r.err = err;
	r.number = 0;
	n = xmlDocGetRootElement(doc)->children;
	for (; n != NULL && st == EX_OK; n = n->next) {
		if (!is_elem(n, "mask"))
			continue;
		if (BASE_GROW(set->masks, cap, set->nmasks + 1) != 0) {
			st = base_nomem(err);
			break;
		}
		memset(&set->masks[set->nmasks], 0, sizeof(set->masks[0]));
		r.number = (int)++set->nmasks;
		st = read_mask(&r, &set->masks[set->nmasks - 1], n);
	}
out:
	if (st == EX_OK) {
		*out = set;
		set = NULL;
	}
	ex_mask_set_free(&set);
	free(text);
	xmlFreeDoc(doc);
	return st;
}

ex_status
ex_mask_parse(const char *xml, size_t len, const char *zone,
    ex_mask_set **out, ex_error *err)
{
	return parse_named(xml, len, NULL, "mask file", zone, out, err);
}

/* ---- from a file -------------------------------------------------------- */

/* The file at path, a regular file of at most max bytes, into *buf
 * (NUL added) and *len. */
static ex_status
read_small(const char *path, size_t max, char **buf, size_t *len,
    ex_error *err)
{
	struct stat sb;
	size_t got = 0;
	ssize_t r;
	ex_status st;
	int fd;

	*buf = NULL;
	if ((st = ex_file_open(AT_FDCWD, path, 0, NULL, &fd, &sb, err)) !=
	    EX_OK)
		return st;
	if ((unsigned long long)sb.st_size > max) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: too large (%lld bytes; the limit is %zu)", path,
		    (long long)sb.st_size, max);
		goto out;
	}
	/* One byte more than allowed, to see a file that grew meanwhile. */
	if ((*buf = malloc(max + 2)) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	while (got <= max) {
		r = read(fd, *buf + got, max + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st = ex_error_errno(err, "%s", path);
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got > max) {
		st = ex_error_set(err, EX_ERR_FORMAT,
		    "%s: too large (over %zu bytes)", path, max);
		goto out;
	}
	(*buf)[got] = '\0';
	*len = got;
out:
	if (st != EX_OK) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return st;
}

ex_status
ex_mask_load(const char *path, const char *zone, ex_mask_set **out,
    ex_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	ex_status st;

	*out = NULL;
	if ((st = read_small(path, EX_MASK_MAX_BYTES, &buf, &len, err)) !=
	    EX_OK)
		return st;
	/* The reader's messages start with what (the path); the masks'
	 * with "mask N", so those get the path in front. */
	st = parse_named(buf, len, buf, path, zone, out, err);
	if (st == EX_ERR_USAGE)
		ex_error_prefix(err, "%s", path);
	return st;
}

/* ---- against an export -------------------------------------------------- */

static const ex_mask_camera *
find_camera(const ex_mask_camera *cams, size_t ncams, const char *id)
{
	size_t i;

	for (i = 0; i < ncams; i++)
		if (strcmp(cams[i].id, id) == 0)
			return &cams[i];
	return NULL;
}

static ex_status
unknown_camera(const ex_mask *m, const ex_mask_camera *cams, size_t ncams,
    ex_error *err)
{
	base_buf b = BASE_BUF_INIT;
	ex_status st;
	size_t i;

	for (i = 0; i < ncams; i++)
		base_buf_printf(&b, "%s%s", i > 0 ? ", " : "", cams[i].id);
	if (base_buf_failed(&b))
		st = base_nomem(err);
	else
		st = mask_error(err, m->number, m->line,
		    "camera %s is not exported (cameras: %s)", m->camera,
		    ncams > 0 ? b.data : "none");
	base_buf_free(&b);
	return st;
}

/* Is [x, x+w) x [y, y+h) inside the camera's picture (when known)? */
static int
inside(const ex_mask_camera *c, int x, int y, int w, int h)
{
	if (c->width <= 0 || c->height <= 0)
		return 1;
	return x <= c->width - w && y <= c->height - h;
}

/* One of m's times t (named what) against [from, to]. */
static ex_status
check_time(const ex_mask *m, const char *what, ex_instant t,
    ex_instant from, ex_instant to, ex_error *err)
{
	char a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ];

	if (t == EX_INSTANT_NONE)
		return EX_OK;
	if (from != EX_INSTANT_NONE && t < from)
		return mask_error(err, m->number, m->line,
		    "%s %s is before the range's start %s", what,
		    fmt_time(t, 0, a, sizeof(a)),
		    fmt_time(from, 0, b, sizeof(b)));
	if (to != EX_INSTANT_NONE && t > to)
		return mask_error(err, m->number, m->line,
		    "%s %s is after the range's end %s", what,
		    fmt_time(t, 0, a, sizeof(a)),
		    fmt_time(to, 0, b, sizeof(b)));
	return EX_OK;
}

static ex_status
check_one(const ex_mask *m, const ex_mask_camera *c, ex_instant from,
    ex_instant to, ex_error *err)
{
	char a[EX_TIME_BUFSZ];
	const ex_mask_shape *s;
	const ex_mask_key *k;
	ex_status st;
	size_t i;

	if (m->nkeys > 0) {
		if ((st = check_time(m, "first key", m->keys[0].time, from,
		    to, err)) != EX_OK || (st = check_time(m, "last key",
		    m->keys[m->nkeys - 1].time, from, to, err)) != EX_OK)
			return st;
	} else if ((st = check_time(m, "from", m->from, from, to, err)) !=
	    EX_OK || (st = check_time(m, "to", m->to, from, to, err)) !=
	    EX_OK)
		return st;
	for (i = 0; i < m->nkeys; i++) {
		k = &m->keys[i];
		if (!inside(c, k->x, k->y, k->width, k->height))
			return mask_error(err, m->number, m->line,
			    "key at %s: box %d,%d %dx%d leaves the %dx%d "
			    "picture", fmt_time(k->time, 0, a, sizeof(a)),
			    k->x, k->y, k->width, k->height, c->width,
			    c->height);
	}
	for (i = 0; i < m->nshapes; i++) {
		s = &m->shapes[i];
		if (inside(c, s->x, s->y, s->width, s->height))
			continue;
		if (s->kind == EX_MASK_RECT)
			return mask_error(err, m->number, m->line,
			    "rect %d,%d %dx%d leaves the %dx%d picture",
			    s->x, s->y, s->width, s->height, c->width,
			    c->height);
		return mask_error(err, m->number, m->line,
		    "polygon (bounding box %d,%d %dx%d) leaves the %dx%d "
		    "picture", s->x, s->y, s->width, s->height, c->width,
		    c->height);
	}
	return EX_OK;
}

ex_status
ex_mask_check(const ex_mask_set *set, const ex_mask_camera *cams,
    size_t ncams, ex_instant from, ex_instant to, ex_error *err)
{
	const ex_mask_camera *c;
	ex_status st;
	size_t i;

	if (set == NULL)
		return EX_OK;
	for (i = 0; i < set->nmasks; i++) {
		const ex_mask *m = &set->masks[i];

		if ((c = find_camera(cams, ncams, m->camera)) == NULL)
			return unknown_camera(m, cams, ncams, err);
		if ((st = check_one(m, c, from, to, err)) != EX_OK)
			return st;
	}
	return EX_OK;
}

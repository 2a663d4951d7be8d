/*
 * report_private.h — what the two pages share (libexreport).
 *
 * format.c      words and numbers printed the same way on both pages
 *               (cleaned, escaped text; sizes, times, clock changes, links)
 * extras.c      ex_report_extras: custody events and thumbnails
 * facts.c       the content both pages say, as a list of items each page
 *               renders in its own way (facts, how to check, glossary)
 * streams.c     what one file holds: sound, streams, camera's signature
 * index_html.c  ex_report_html
 * index_static.c  the page's CSS and its one script (and the script's hash)
 * readme_txt.c  ex_report_readme
 */
#ifndef EXHIBIT_REPORT_PRIVATE_H
#define EXHIBIT_REPORT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "exhibit/report.h"
#include "exhibit/text.h"

/* ---- text -------------------------------------------------------------- */

/* Append s cleaned (ex_text_clean, REPORT_ONE_LINE) and HTML-escaped (& < > " ') to b;
 * NULL appends nothing.  The pages are written into a base_buf. */
void report_buf_html(base_buf *b, const char *s);
/* Hand a page over: *out the text (malloc'd), *len its length (len may
 * be NULL); EX_ERR_NOMEM when an append failed.  b is empty after. */
ex_status report_buf_finish(base_buf *b, char **out, size_t *len,
    ex_error *err);

/* ---- strings ----------------------------------------------------------- */

/* Text on the pages is cleaned with ex_text_clean (exhibit/text.h): TAB
 * always becomes a space; LF too, except where README.txt wraps text. */
#define REPORT_ONE_LINE (EX_TEXT_TAB_SPACE | EX_TEXT_LF_SPACE)
/* Characters (code points) in UTF-8 text s of n bytes. */
size_t report_width(const char *s, size_t n);

/* "27 seconds", "1 minute 5 seconds", "2 hours 12.5 seconds" */
char *report_format_duration(int64_t usec, char *buf, size_t size);

/* A change of the zone's UTC offset (summer time) inside a range. */
typedef struct report_change {
	ex_instant at;          /* first instant read at the new offset */
	int before, after;      /* UTC offsets, seconds east */
	char abbr_before[16], abbr_after[16];   /* "BST", "GMT" */
	char wall_before[8];    /* "02:00": the old clock at that moment */
	char wall_after[8];     /* "01:00": what it was put to */
	char wall_utc[8];       /* "01:00": UTC at that moment */
	char amount[24];        /* "an hour", "30 minutes" */
	const char *direction;  /* "back" or "forward" */
} report_change;

/* 1 and *c filled when the offset at `to` differs from that at `from`
 * (the first change is described); 0 otherwise or for unknown times. */
int report_clock_change(ex_instant from, ex_instant to, const char *zone,
    report_change *c);
/* "Lasts 27 seconds: the clocks went back an hour during it (02:00 BST
 * became 01:00 GMT)." for a range spanning a change, else NULL (also
 * for no memory).  malloc'd. */
char *report_range_note(ex_instant from, ex_instant to, const char *zone);

/* "1.2 MB (1,234,567 bytes)" */
char *report_format_size(uint64_t bytes, char *buf, size_t size);
/* "+2.500 s" / "-0.040 s" / "0 s" */
char *report_format_offset(int64_t usec, char *buf, size_t size);
/* "2.000 s" for a span of microseconds */
char *report_format_span(int64_t usec, char *buf, size_t size);
/* "2024-10-27 01:59:30.000 BST" in zone, or "unknown" */
char *report_local(ex_instant t, const char *zone, char *buf,
    size_t size);
/* "2024-10-27T00:59:30.000Z", or "unknown" */
char *report_utc(ex_instant t, char *buf, size_t size);

/* Where a bag path is seen from data/index.html, percent-encoded for an
 * href or src: "data/cam1/x.mp4" -> "cam1/x.mp4"; a path outside data/
 * gets "../".  Only [A-Za-z0-9._~/-] kept, "//" collapsed.  malloc'd. */
char *report_href(const char *bag_path);
/* The file name part of a bag path. */
const char *report_basename(const char *path);

/* The thumbnail for bag path `path`, or NULL. */
const ex_report_thumb *report_find_thumb(const ex_report_extras *x,
    const char *path);
/* Width and height of a PNG from its IHDR (0 when not a PNG). */
void report_png_size(const unsigned char *png, size_t len, int *w,
    int *h);

/* Number of files of `role` in camera c. */
size_t report_count_role(const ex_manifest_camera *c,
    ex_manifest_role role);
/* Plural-aware "1 file" / "3 files" into buf. */
char *report_count(size_t n, const char *one, const char *many,
    char *buf, size_t size);

/* ---- shared content ------------------------------------------------------ */

typedef enum report_kind {
	REPORT_HEAD = 1,        /* a sub-heading: text */
	REPORT_PARA,            /* a paragraph: text (LF = new paragraph) */
	REPORT_CMD,             /* a command line to type: text */
	REPORT_FACT             /* label: text */
} report_kind;

typedef struct report_item {
	report_kind kind;
	char *label;            /* REPORT_FACT only */
	char *text;             /* raw UTF-8 (renderers clean and escape) */
} report_item;

/* A list of items; start it zeroed.  An allocation failure sets failed
 * and later adds do nothing. */
typedef struct report_items {
	report_item *v;
	size_t n, cap;
	int failed;
} report_items;

/* Append an item: text from fmt (copied), label copied (may be NULL). */
void report_add(report_items *it, report_kind kind, const char *label,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Free what it holds and zero it; NULL-safe. */
void report_items_free(report_items *it);

/* The bundle's facts: case, exhibit, operator, organisation, reason,
 * export time, recorder, zones, clock offset, requested range, signer. */
void report_facts(const ex_manifest *m, report_items *it);
/* "How to check this evidence": the key from outside the bundle, exhibit
 * verify, sha256sum and minisign from the bag root, the times. */
void report_howto(const ex_manifest *m, report_items *it);
/* The paragraph that opens "How to check": fingerprints and signatures. */
void report_howto_intro(const ex_manifest *m, report_items *it);
/* README.txt's check without a command line (index.html has a control
 * for it instead), ending with report_filecheck_limits(). */
void report_nocli(report_items *it);
/* What a matching SHA-256 does and does not prove. */
const char *report_filecheck_limits(void);
/* "Words used here": one REPORT_FACT per term. */
void report_glossary(const ex_manifest *m, report_items *it);
/* Paragraphs on why a camera's native copy starts before the request
 * (keyframes) and why its masters reach beyond it (whole files). */
void report_camera_notes(const ex_manifest_camera *c, const char *zone,
    report_items *it);
/* What file f of camera c holds, from its <stream> records, as facts
 * (label: text): "Sound" (yes and what became of the camera's sound, left
 * out and why, or none recorded); for a native copy or a master also
 * "Kept" (the streams as the camera recorded them) and one "Left out" per
 * stream not carried, with the reason; and "Camera's signature" when the
 * camera signed its video in the stream (Axis Signed Video, ONVIF Media
 * Signing): which copies keep it.  Nothing for a still or a file without
 * stream records. */
void report_file_streams(const ex_manifest_camera *c,
    const ex_manifest_file *f, report_items *it);
/* Everything both pages say about the bundle as a whole, made once. */
typedef struct report_content {
	char *title;            /* report_title() */
	report_items facts;     /* report_facts() */
	report_items intro;     /* report_howto_intro() */
	report_items howto;     /* report_howto() */
	report_items nocli;     /* report_nocli() */
	report_items words;     /* report_glossary() */
} report_content;

/* Fill rc for m; EX_OK, or base_nomem(err) with rc empty. */
ex_status report_content_make(const ex_manifest *m, report_content *rc,
    ex_error *err);
/* Free what rc holds and empty it; NULL-safe. */
void report_content_free(report_content *rc);

/* How the pages name a file's role. */
typedef struct report_role_words {
	const char *covers;     /* a coverage row: "Original files" */
	const char *title;      /* index.html, under a file's name:
	                           "Native copy: cut without re-encoding" */
	const char *text;       /* README.txt, after a file's name:
	                           "cut without re-encoding" */
} report_role_words;

/* The words for role (never NULL; static). */
const report_role_words *report_role(ex_manifest_role role);
/* The paragraph that introduces the custody chain. */
const char *report_custody_intro(void);
/* The page's title, "CCTV evidence: exhibit ABC/1, case C-1" (raw). */
char *report_title(const ex_manifest *m);

/* ---- index.html's fixed parts (index_static.c) --------------------------- */

extern const char report_html_style[];  /* the style sheet */
extern const char report_html_script[]; /* the file check */
/* "sha256-<base64>" of report_html_script, for the page's policy. */
void report_html_script_hash(char *out, size_t size);

#endif

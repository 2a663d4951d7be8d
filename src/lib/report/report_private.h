/*
 * report_private.h — what the two pages share.
 *
 * common.c      a growing text buffer, UTF-8 cleaning, the extras, and the
 *               content both pages say (facts, how to check, custody note)
 *               as a list of items each page renders in its own way
 * index_html.c  ex_report_html
 * readme_txt.c  ex_report_readme
 */
#ifndef EXHIBIT_REPORT_PRIVATE_H
#define EXHIBIT_REPORT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/report.h"

/* ---- text buffer ------------------------------------------------------- */

/* A malloc'd string that grows; after an allocation failure every append
 * is ignored and ex_report_buf_finish() fails. */
typedef struct ex_report_buf {
	char *p;
	size_t len, cap;
	int failed;
} ex_report_buf;

void ex_report_buf_put(ex_report_buf *b, const char *s);
void ex_report_buf_putn(ex_report_buf *b, const char *s, size_t n);
void ex_report_buf_printf(ex_report_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s cleaned (see ex_report_clean) and HTML-escaped (& < > " ');
 * NULL appends nothing. */
void ex_report_buf_html(ex_report_buf *b, const char *s);
/* Hand the text over (*out, *len) or fail with EX_ERR_NOMEM; the buffer
 * is released either way. */
ex_status ex_report_buf_finish(ex_report_buf *b, char **out, size_t *len,
    ex_error *err);
void ex_report_buf_free(ex_report_buf *b);

/* ---- strings ----------------------------------------------------------- */

/* s as clean UTF-8 (malloc'd; NULL for NULL or no memory): invalid bytes
 * become U+FFFD, TAB becomes a space, CR and other control characters
 * (C0 except LF, DEL, C1) are dropped.  LF is kept when keep_lf, else it
 * becomes a space. */
char *ex_report_clean(const char *s, int keep_lf);
/* Characters (code points) in UTF-8 text s of n bytes. */
size_t ex_report_width(const char *s, size_t n);

/* "27 seconds", "1 minute 5 seconds", "2 hours 12.5 seconds" */
char *ex_report_format_duration(int64_t usec, char *buf, size_t size);

/* A change of the zone's UTC offset (summer time) inside a range. */
typedef struct ex_report_change {
	ex_instant at;          /* first instant read at the new offset */
	int before, after;      /* UTC offsets, seconds east */
	char abbr_before[16], abbr_after[16];   /* "BST", "GMT" */
	char wall_before[8];    /* "02:00": the old clock at that moment */
	char wall_after[8];     /* "01:00": what it was put to */
	char wall_utc[8];       /* "01:00": UTC at that moment */
	char amount[24];        /* "an hour", "30 minutes" */
	const char *direction;  /* "back" or "forward" */
} ex_report_change;

/* 1 and *c filled when the offset at `to` differs from that at `from`
 * (the first change is described); 0 otherwise or for unknown times. */
int ex_report_clock_change(ex_instant from, ex_instant to, const char *zone,
    ex_report_change *c);
/* "Lasts 27 seconds: the clocks went back an hour during it (02:00 BST
 * became 01:00 GMT)." for a range spanning a change, else NULL (also
 * for no memory).  malloc'd. */
char *ex_report_range_note(ex_instant from, ex_instant to, const char *zone);

/* "1.2 MB (1,234,567 bytes)" */
char *ex_report_format_size(uint64_t bytes, char *buf, size_t size);
/* "+2.500 s" / "-0.040 s" / "0 s" */
char *ex_report_format_offset(int64_t usec, char *buf, size_t size);
/* "2.000 s" for a span of microseconds */
char *ex_report_format_span(int64_t usec, char *buf, size_t size);
/* "2024-10-27 01:59:30.000 BST" in zone, or "unknown" */
char *ex_report_local(ex_instant t, const char *zone, char *buf,
    size_t size);
/* "2024-10-27T00:59:30.000Z", or "unknown" */
char *ex_report_utc(ex_instant t, char *buf, size_t size);

/* Where a bag path is seen from data/index.html, percent-encoded for an
 * href or src: "data/cam1/x.mp4" -> "cam1/x.mp4"; a path outside data/
 * gets "../".  Only [A-Za-z0-9._~/-] kept, "//" collapsed.  malloc'd. */
char *ex_report_href(const char *bag_path);
/* The file name part of a bag path. */
const char *ex_report_basename(const char *path);

/* The thumbnail for bag path `path`, or NULL. */
const ex_report_thumb *ex_report_find_thumb(const ex_report_extras *x,
    const char *path);
/* Width and height of a PNG from its IHDR (0 when not a PNG). */
void ex_report_png_size(const unsigned char *png, size_t len, int *w,
    int *h);

/* Number of files of `role` in camera c. */
size_t ex_report_count_role(const ex_manifest_camera *c,
    ex_manifest_role role);
/* Plural-aware "1 file" / "3 files" into buf. */
char *ex_report_count(size_t n, const char *one, const char *many,
    char *buf, size_t size);

/* ---- shared content ------------------------------------------------------ */

typedef enum ex_report_kind {
	EX_RI_HEAD = 1,         /* a sub-heading: text */
	EX_RI_PARA,             /* a paragraph: text (LF = new paragraph) */
	EX_RI_CMD,              /* a command line to type: text */
	EX_RI_FACT              /* label: text */
} ex_report_kind;

typedef struct ex_report_item {
	ex_report_kind kind;
	char *label;            /* EX_RI_FACT only */
	char *text;             /* raw UTF-8 (renderers clean and escape) */
} ex_report_item;

typedef struct ex_report_items {
	ex_report_item *v;
	size_t n;
	int failed;
} ex_report_items;

void ex_report_items_free(ex_report_items *it);

/* The bundle's facts: case, exhibit, operator, organisation, reason,
 * export time, recorder, zones, clock offset, requested range, signer. */
void ex_report_facts(const ex_manifest *m, ex_report_items *it);
/* "How to check this evidence": the key from outside the bundle, exhibit
 * verify, sha256sum and minisign from the bag root, the times. */
void ex_report_howto(const ex_manifest *m, ex_report_items *it);
/* The paragraph that opens "How to check": fingerprints and signatures. */
void ex_report_howto_intro(const ex_manifest *m, ex_report_items *it);
/* README.txt's check without a command line (index.html has a control
 * for it instead), ending with ex_report_filecheck_limits(). */
void ex_report_nocli(ex_report_items *it);
/* What a matching SHA-256 does and does not prove. */
const char *ex_report_filecheck_limits(void);
/* "Words used here": one EX_RI_FACT per term. */
void ex_report_glossary(const ex_manifest *m, ex_report_items *it);
/* Paragraphs on why a camera's native copy starts before the request
 * (keyframes) and why its masters reach beyond it (whole files). */
void ex_report_camera_notes(const ex_manifest_camera *c, const char *zone,
    ex_report_items *it);
/* What file f of camera c holds, from its <stream> records, as facts
 * (label: text): "Sound" (yes and what became of the camera's sound, left
 * out and why, or none recorded); for a native copy or a master also
 * "Kept" (the streams as the camera recorded them) and one "Left out" per
 * stream not carried, with the reason; and "Camera's signature" when the
 * camera signed its video in the stream (Axis Signed Video, ONVIF Media
 * Signing): which copies keep it.  Nothing for a still or a file without
 * stream records. */
void ex_report_file_streams(const ex_manifest_camera *c,
    const ex_manifest_file *f, ex_report_items *it);
/* "Original files cover", "Working copies cover", ... for a coverage
 * row. */
const char *ex_report_coverage_label(ex_manifest_role role);
/* The paragraph that introduces the custody chain. */
const char *ex_report_custody_intro(void);
/* The page's title, "CCTV evidence: exhibit ABC/1, case C-1" (raw). */
char *ex_report_title(const ex_manifest *m);

#endif

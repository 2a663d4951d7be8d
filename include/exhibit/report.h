/*
 * exhibit/report.h — the pages a person reads: data/index.html and
 * data/README.txt.
 *
 * Both are made from the manifest model (exhibit/manifest.h) plus a few
 * facts the manifest does not hold (ex_report_extras): the custody events
 * known at export (event 1, the export itself) and a PNG thumbnail of each
 * working copy.  They list every camera and file with its time range (local
 * time with zone abbreviation in the request's zone, and UTC), size and
 * SHA-256, the gaps and damage, the custody chain, and explain in plain
 * English how to check the evidence with exhibit, with stock minisign and
 * with sha256sum.
 *
 * index.html lives at data/index.html: a working copy at
 * data/cam1/working/x.mp4 is played by <video src="cam1/working/x.mp4">.
 * Both explain, in plain words, a range that spans a clock change (how
 * long it really lasts), why a native copy starts before the request (on
 * a keyframe), every term in a glossary ("Words used here"), and checks
 * that work after custody events: exhibit verify with the control room's
 * key obtained from outside the bundle, and sha256sum and minisign run
 * from the bag root.  README.txt marks every command to type with a line
 * starting "  $ ".
 *
 * The page is self-contained: CSS inline, one inline script (the "Check
 * files on this computer" control, which hashes files the reader picks
 * with the browser's SHA-256 and compares them with the page's list),
 * pinned by its hash in the page's Content-Security-Policy; no font, no
 * external URL; thumbnails are data: URIs and the icon is "data:,", so
 * opening it makes no request beyond the bundle's data/ folder.  Every
 * string from the model is HTML-escaped (and control characters and
 * invalid UTF-8 cleaned).  README.txt says the same in UTF-8 text, LF line
 * ends, no line longer than 78 characters.  Output depends only on the
 * inputs (no clock, no locale): the same model gives the same bytes.
 *
 * Ownership: the generators only read the model and extras; what they
 * return is malloc'd and freed by the caller.  An ex_report_extras owns
 * everything in it (the add functions copy strings; add_thumb takes the
 * PNG) and is emptied by ex_report_extras_clear().  A zeroed
 * ex_report_extras is empty and valid.  (The ownership rule of the whole
 * library, stated once in src/lib/base.h, applies.)
 */
#ifndef EXHIBIT_REPORT_H
#define EXHIBIT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/error.h"
#include "exhibit/manifest.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Widest thumbnail the export makes (pixels). */
#define EX_REPORT_THUMB_WIDTH 320

/* A custody event as the pages show it. */
typedef struct ex_report_event {
	uint64_t seq;           /* 1 for the export */
	ex_instant time;        /* UTC */
	char *actor;
	char *action;           /* "exported", ... */
	char *note;             /* NULL when none */
	char *key_id;           /* signer's minisign key ID (hex) */
} ex_report_event;

/* A thumbnail of one working copy. */
typedef struct ex_report_thumb {
	char *path;             /* bag path of the working copy,
	                           "data/cam1/working/cam1-working-001.mp4" */
	unsigned char *png;     /* PNG bytes */
	size_t len;
} ex_report_thumb;

typedef struct ex_report_extras {
	ex_report_event *events;
	size_t nevents;
	ex_report_thumb *thumbs;
	size_t nthumbs;
	size_t eventcap, thumbcap;      /* room (the add functions') */
} ex_report_extras;

/* Append a custody event (strings copied; note may be NULL). */
ex_status ex_report_extras_add_event(ex_report_extras *x, uint64_t seq,
    ex_instant time, const char *actor, const char *action,
    const char *note, const char *key_id, ex_error *err);
/* Append the thumbnail of the working copy at bag path `path`.  Takes
 * ownership of png (malloc'd) in every case, also on failure. */
ex_status ex_report_extras_add_thumb(ex_report_extras *x, const char *path,
    unsigned char *png, size_t len, ex_error *err);
/* Free everything x holds and zero it; NULL-safe. */
void ex_report_extras_clear(ex_report_extras *x);

/*
 * data/index.html for manifest m.  x may be NULL (no custody events, no
 * thumbnails).  On success *out is a malloc'd NUL-terminated page, *len
 * its length without the NUL.  Fails only for lack of memory.
 */
ex_status ex_report_html(const ex_manifest *m, const ex_report_extras *x,
    char **out, size_t *len, ex_error *err);

/* data/README.txt: the same content as text, wrapped at 78 columns. */
ex_status ex_report_readme(const ex_manifest *m, const ex_report_extras *x,
    char **out, size_t *len, ex_error *err);

#ifdef __cplusplus
}
#endif

#endif

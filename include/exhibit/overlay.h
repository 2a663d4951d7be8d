/*
 * exhibit/overlay.h — the burn-in: camera, date and time drawn into frames.
 *
 * An ex_overlay draws a high-contrast box (black) with white text lines at
 * the top-left of a video frame, in place, in the frame's own pixel format
 * (no conversion, no scaling of the frame).  The glyphs are compiled into
 * the library (src/lib/media/font.c, DejaVu Sans Mono Bold), so the result
 * does not depend on the machine's fonts and is identical everywhere.
 *
 * Scale rule: the line height is the picture height / 22, rounded (at
 * least 12 px, at most 85 px, the embedded glyphs' own size, reached at
 * 4K), the glyph advance keeps the font's proportions (0.51 of the line
 * height), so two lines and padding cover about a tenth of the picture
 * from 360p to 4K (1080p: 25x49 px cells; 360p: 8x16).  The glyphs are
 * scaled once, in ex_overlay_new, by area averaging in integer
 * arithmetic (identical output on every machine); ex_overlay_draw only
 * blits into the box (about 30 us for two lines at 1080p).
 *
 * Pixel formats: yuv420p, yuvj420p, nv12, yuv422p, yuvj422p, yuv444p,
 * yuvj444p, gray (limited range: black Y 16, white Y 235; full-range
 * yuvj*: 0 and 255).  Chroma in the box is neutral (128).  Others fail
 * with EX_ERR_UNSUPPORTED.
 *
 * Ownership and threads: ex_overlay_new returns an overlay the caller owns
 * and frees with ex_overlay_free.  An overlay is used by one thread at a
 * time (one per camera/thread); distinct overlays may draw concurrently
 * (the font data is read-only).  ex_overlay_draw does not keep `lines` or
 * `frame`.
 */
#ifndef EXHIBIT_OVERLAY_H
#define EXHIBIT_OVERLAY_H

#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>

#include "exhibit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ex_overlay ex_overlay;

/* Prepare an overlay for frames of this size and pixel format: picks a
 * text scale from the picture height (legible on 360p to 4K), lays out the
 * box.  EX_ERR_USAGE for a bad size, EX_ERR_UNSUPPORTED (naming the format)
 * for a pixel format it cannot draw into, EX_ERR_NOMEM. */
ex_status ex_overlay_new(int width, int height, enum AVPixelFormat fmt,
    ex_overlay **out, ex_error *err);

/* Draw a high-contrast box (opaque black) with the text lines (white) at
 * the top-left of `frame`, in place; frame must be writable and match
 * width/height/format (EX_ERR_USAGE otherwise).  Lines are
 * ASCII/Latin-1-safe UTF-8; unknown characters render as '?'.  Lines that
 * do not fit the width are clipped; nothing is written outside the frame.
 * The box is ex_overlay_box_width(ov, lines, nlines) wide and
 * ex_overlay_box_height(ov, nlines) tall.  nlines 0 draws nothing; a NULL
 * line is an empty line.  Full or limited range: yuvj* always full;
 * yuv* and nv12 limited unless frame->color_range is AVCOL_RANGE_JPEG;
 * gray full unless frame->color_range is AVCOL_RANGE_MPEG. */
ex_status ex_overlay_draw(ex_overlay *ov, AVFrame *frame,
    const char *const *lines, int nlines, ex_error *err);

/* Free an overlay and set *ov to NULL; accepts NULL and *ov NULL. */
void ex_overlay_free(ex_overlay **ov);

/* Height in pixels that the box covers for nlines (so callers know what it
 * hides), clipped to the frame height; 0 for nlines <= 0.  With chroma
 * subsampling box sizes are rounded up to whole chroma samples (even),
 * unless clipped at the frame's edge. */
int ex_overlay_box_height(const ex_overlay *ov, int nlines);

/* Width in pixels of the box for these lines (the longest line plus
 * padding, rounded like the height, clipped to the frame width), as
 * ex_overlay_draw draws it; 0 for nlines <= 0. */
int ex_overlay_box_width(const ex_overlay *ov, const char *const *lines,
    int nlines);

/* Text cell size in pixels chosen for this overlay (glyph advance and line
 * height, without the box padding). */
void ex_overlay_cell_size(const ex_overlay *ov, int *cell_w, int *cell_h);

#ifdef __cplusplus
}
#endif

#endif

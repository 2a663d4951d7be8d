/*
 * exhibit/mask.h — redaction masks (export --mask FILE).
 *
 * A mask file is XML in the namespace urn:exhibit:mask:1, valid against
 * schemas/mask.xsd (compiled in), read with the hardened reader every
 * exhibit document goes through (no DOCTYPE, no entities, size-limited):
 *
 *   <masks xmlns="urn:exhibit:mask:1">
 *     <mask camera="cam1" style="fill">            a moving box
 *       <key time="2024-10-27T00:59:40Z" x="100" y="50" width="60" height="120"/>
 *       <key time="2024-10-27T00:59:48Z" x="300" y="60" width="60" height="120"/>
 *     </mask>
 *     <mask camera="cam1" style="pixelate" from="..." to="...">
 *       <rect x="500" y="240" width="80" height="80"/>   still shapes
 *       <polygon points="10,10 90,10 50,80"/>
 *     </mask>
 *   </masks>
 *
 * A mask has either keys (a moving box, at least two, times strictly
 * increasing; between two keys the box moves linearly, active from the
 * first key's time to the last's) or still shapes (rect and polygon, at
 * least one; active in [from, to), or the whole export when neither is
 * given).  from/to are not allowed with keys.  Times are TIME as on the
 * command line (ex_time_parse in the zone given: true time).  Coordinates
 * are pixels of the picture as displayed (upright), x to the right and y
 * down from the top-left corner; a rect covers [x, x+width) x [y,
 * y+height); width and height at least 1; a polygon has 3 to 256 points,
 * filled by the even-odd rule.  style is "fill" (solid black) or
 * "pixelate" (blocks of media's documented size, each one colour).
 *
 * Ownership: a set from ex_mask_parse/ex_mask_load belongs to the caller
 * (ex_mask_set_free); everything in it is owned by it.
 */
#ifndef EXHIBIT_MASK_H
#define EXHIBIT_MASK_H

#include <stddef.h>

#include "exhibit/error.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest mask file read, and most masks, keys or points accepted. */
#define EX_MASK_MAX_BYTES ((size_t)1 << 20)
#define EX_MASK_MAX_MASKS 1024
#define EX_MASK_MAX_KEYS 100000         /* in one mask */
#define EX_MASK_MAX_POINTS 256          /* in one polygon */

typedef enum ex_mask_style {
	EX_MASK_FILL = 1,               /* solid black */
	EX_MASK_PIXELATE                /* coarse blocks */
} ex_mask_style;

/* "fill", "pixelate" ("" for another value). */
const char *ex_mask_style_name(ex_mask_style s);

typedef struct ex_mask_point {
	int x, y;
} ex_mask_point;

typedef enum ex_mask_shape_kind {
	EX_MASK_RECT = 1,
	EX_MASK_POLYGON
} ex_mask_shape_kind;

typedef struct ex_mask_shape {
	ex_mask_shape_kind kind;
	int x, y, width, height;        /* the rect; a polygon's bounding box
	                                   ([min x, max x] x [min y, max y],
	                                   so width = max x - min x + 1) */
	ex_mask_point *points;          /* a polygon's, in order */
	size_t npoints;
} ex_mask_shape;

typedef struct ex_mask_key {
	ex_instant time;                /* true UTC */
	int x, y, width, height;
} ex_mask_key;

typedef struct ex_mask {
	int number;                     /* 1-based, in the file's order */
	int line;                       /* its line in the file */
	char *camera;
	ex_mask_style style;
	ex_instant from, to;            /* still shapes: [from, to), or both
	                                   EX_INSTANT_NONE (the whole export);
	                                   keyed: the first and last key's
	                                   times (active in [from, to]) */
	ex_mask_key *keys;              /* a moving box (nkeys >= 2), or none */
	size_t nkeys;
	ex_mask_shape *shapes;          /* still shapes (nshapes >= 1), or none */
	size_t nshapes;
} ex_mask;

typedef struct ex_mask_set {
	ex_mask *masks;
	size_t nmasks;
	char *text;                     /* the file's bytes as read (NUL
	                                   added; for the bundle) */
	size_t len;
} ex_mask_set;

/*
 * Parse a mask file's bytes; times are read in zone (NULL: Europe/London).
 * EX_ERR_FORMAT for a document the hardened reader or the schema refuses;
 * EX_ERR_USAGE naming the mask ("mask 2 (line 7): ...") for what the schema
 * cannot say: keys out of order or fewer than two, from/to with keys, to
 * not after from, a time that does not parse, a polygon of under 3
 * points, a coordinate out of int range.
 */
ex_status ex_mask_parse(const char *xml, size_t len, const char *zone,
    ex_mask_set **out, ex_error *err);
/* The same from a file (at most EX_MASK_MAX_BYTES; errors name path). */
ex_status ex_mask_load(const char *path, const char *zone,
    ex_mask_set **out, ex_error *err);
void ex_mask_set_free(ex_mask_set **set);

/* The text of schemas/mask.xsd (static storage, NUL-terminated). */
const char *ex_mask_xsd(size_t *len);

/* A camera of the export, for ex_mask_check. */
typedef struct ex_mask_camera {
	const char *id;
	int width, height;              /* the picture as displayed; 0: not
	                                   known (shapes are then not checked
	                                   against it) */
} ex_mask_camera;

/*
 * Check a set against an export (EX_ERR_USAGE naming the mask and the
 * problem): every mask names one of the cameras; its times lie in [from,
 * to] (keys) or its from/to within [from, to]; every shape and key box
 * lies inside its camera's picture.
 */
ex_status ex_mask_check(const ex_mask_set *set, const ex_mask_camera *cams,
    size_t ncams, ex_instant from, ex_instant to, ex_error *err);

/*
 * What mask m covers at true time t.  Returns 0 when it is not active at
 * t.  Otherwise 1, and for a keyed mask *box is the box at t: linear
 * between the keys around t, each edge rounded outward to whole pixels
 * (never smaller than the keys' boxes would give); for still shapes *box
 * is untouched (draw m->shapes).
 */
int ex_mask_at(const ex_mask *m, ex_instant t, ex_mask_shape *box);

#ifdef __cplusplus
}
#endif

#endif

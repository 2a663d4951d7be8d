/*
 * exhibit/manifest.h — manifest.xml: what a bundle holds and where it
 * came from.
 *
 * The export fills an ex_manifest and ex_manifest_write() turns it into
 * manifest.xml (namespace urn:exhibit:manifest:1, UTF-8, indented, the
 * same bytes for the same model).  verify reads it back with
 * ex_manifest_parse(), which parses securely (no network, no DTD, no
 * entities, DOCTYPE refused, size limited) and validates against
 * schemas/manifest.xsd compiled into the library (ex_manifest_xsd()).
 *
 * Times are ex_instant on the TRUE clock (microseconds, UTC) except where
 * a field says otherwise; EX_INSTANT_NONE marks an unknown or absent
 * time, whose element or attribute is then left out.  For a file's start
 * and end the writer also records the recorder's reading (true time plus
 * recorder.clock_offset_usec) and the local time in request.zone with its
 * UTC offset and zone abbreviation (BST/GMT), so a daylight-saving change
 * is visible.  Times in the XML carry full microseconds.
 *
 * Strings are NUL-terminated UTF-8; NULL means "not given" (its element
 * is left out), except where marked "required".  The writer cleans every
 * string (control characters other than TAB and LF dropped, invalid
 * UTF-8 replaced with U+FFFD; in attributes TAB and LF become spaces), so
 * what is parsed back equals what was written.
 *
 * Ownership: the writer only reads the model.  Everything reachable from
 * an ex_manifest is heap memory owned by it and released by
 * ex_manifest_free(): a caller that builds a model for ex_manifest_free()
 * must malloc/strdup every string and array (the ex_manifest_add_*
 * helpers do this); a caller that frees its own model itself may point
 * at any memory.  ex_manifest_parse() returns a model in the first form.
 */
#ifndef EXHIBIT_MANIFEST_H
#define EXHIBIT_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/error.h"
#include "exhibit/hash.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest manifest.xml or custody.xml the parsers accept. */
#define EX_MANIFEST_MAX_BYTES ((size_t)64 << 20)

typedef enum ex_manifest_role {
	EX_ROLE_MASTER = 0,     /* original recorder file, bit for bit */
	EX_ROLE_NATIVE,         /* range cut without re-encoding */
	EX_ROLE_WORKING,        /* re-encoded H.264 with burn-in */
	EX_ROLE_STILL,          /* a still image (--still) */
	EX_ROLE_DOCUMENT        /* a generated file of no camera (index.html,
	                           README.txt, the signer's public key): only
	                           in ex_manifest.documents */
} ex_manifest_role;

/* "master", "native", "working", "still", "document" (NULL for an
 * unknown value). */
const char *ex_manifest_role_name(ex_manifest_role role);

typedef struct ex_manifest_range {
	ex_instant from, to;    /* [from, to), true UTC */
} ex_manifest_range;

typedef struct ex_manifest_library {
	char *name;             /* required: "libavformat" */
	char *version;          /* required: "59.27.100" */
} ex_manifest_library;

typedef struct ex_manifest_bundle {
	char *case_ref;         /* required */
	char *exhibit_ref;      /* required */
	char *operator_name;    /* required: who exported */
	char *organisation;
	char *reason;
	ex_instant export_time; /* required: true UTC (SOURCE_DATE_EPOCH when
	                           set; the caller decides) */
	char *tool_name;        /* required: "exhibit" */
	char *tool_version;     /* required: ex_version() */
	ex_manifest_library *libraries;
	size_t nlibraries;
	char *signer_key_id;    /* required: minisign key ID, hex */
	char *signer_public_key;/* required: base64 line of the public key */
} ex_manifest_bundle;

typedef struct ex_manifest_recorder {
	char *layout;           /* required: "indexed", "frigate" or "plain"
	                           (ex_layout_name()) */
	char *make, *model, *serial, *site;
	char *zone;             /* recorder's IANA time zone */
	int64_t clock_offset_usec;      /* recorder minus true */
	char *clock_offset_by;  /* who determined the offset */
	char *clock_offset_note;
	char *archive_path;     /* required: ARCHIVE as given */
} ex_manifest_recorder;

typedef struct ex_manifest_request {
	char **cameras;         /* required, at least one */
	size_t ncameras;
	ex_instant from, to;    /* required: true UTC */
	char *zone;             /* required: IANA zone of local times */
	int segment_seconds;    /* > 0 */
	char *preset;           /* required: x264 preset of working copies */
	int crf;
	char *container;        /* required: "zip", "dir", "tar", "iso" */
	int no_masters;         /* 0 or 1 */
	int no_working;         /* 0 or 1 */
	int allow_empty;        /* 0 or 1: --allow-empty, a camera with no
	                           footage in the range was asked for on
	                           purpose (written only when 1) */
} ex_manifest_request;

/* Who the bundle was released to and why, and its row in the disclosure
 * register (exhibit/register.h).  Written only when present is 1 (older
 * bundles have none). */
typedef struct ex_manifest_disclosure {
	int present;
	char *kind;             /* "full" or "redacted" (export --disclosure);
	                           NULL: not said (older bundles) */
	char *masks_path;       /* the mask file in the bag, "data/masks.xml",
	                           when masks were drawn; NULL: none */
	char masks_sha256[EX_SHA256_HEX];       /* its SHA-256 */
	int nmasks;             /* masks in it */
	char *masks_text;       /* its content, as text (the bundled file is
	                           the exact bytes) */
	char *purpose;          /* "police-investigation" ...; NULL: not given */
	char *requester;
	char *requester_org;
	int recorded;           /* 1: a register row (below); 0: --no-register */
	int64_t register_row;   /* the row's number */
	char register_previous[EX_SHA256_HEX];  /* the hash the row is chained
	                                   on (its own hash covers this
	                                   manifest's SHA-256, so it cannot be
	                                   here) */
} ex_manifest_disclosure;

typedef struct ex_manifest_coverage {
	ex_manifest_role role;  /* the files of this role cover ... */
	ex_instant from, to;    /* ... [from, to), true UTC */
} ex_manifest_coverage;

typedef struct ex_manifest_damage {
	char *relpath;          /* required: segment path in the archive */
	char *state;            /* required: "damaged", "unreadable", ... */
	char *message;          /* required: what is wrong */
	ex_instant time;        /* true UTC of the problem, or NONE */
} ex_manifest_damage;

/* What became of a source stream in a file made from it. */
typedef enum ex_manifest_fate {
	EX_FATE_RECORDED = 0,   /* a master: the stream as the camera wrote it */
	EX_FATE_KEPT,           /* copied packet for packet, untouched */
	EX_FATE_REENCODED,      /* decoded and encoded again (codec: as what) */
	EX_FATE_LEFT_OUT,       /* not in this file (reason: why) */
	EX_FATE_ADDED           /* made by exhibit, from no source stream
	                           (the burn-in's text track) */
} ex_manifest_fate;

/* "recorded", "kept", "re-encoded", "left-out", "added" (NULL: unknown
 * value). */
const char *ex_manifest_fate_name(ex_manifest_fate fate);

/* One stream of a file (video, audio, timecode, data ...), or one stream
 * of its source that the file left out. */
typedef struct ex_manifest_stream {
	int index;              /* stream index in this file; -1: not in it
	                           (left out) */
	int source_index;       /* index in the file it was made from; -1
	                           for a master's own streams and for a
	                           stream exhibit added */
	char *type;             /* required: "video", "audio", "subtitle",
	                           "data", "attachment" (FFmpeg's media
	                           types); a timecode track is "data" with
	                           codec "timecode"... as the source says */
	char *codec;            /* FFmpeg's codec name in this file ("h264",
	                           "aac", "pcm_alaw"); for a stream left out,
	                           the source's codec */
	ex_manifest_fate fate;
	char *reason;           /* why left out, or what a re-encoding did
	                           ("G.711 A-law decoded, encoded as AAC") */
	char *signatures;       /* in-stream signatures this stream carries,
	                           space-separated tokens:
	                           "axis-signed-video", "onvif-media-signing"
	                           (NULL: none seen) */
} ex_manifest_stream;

typedef struct ex_manifest_file {
	ex_manifest_role role;
	char *path;             /* required: bag path, "data/cam1/working/x.mp4" */
	char *source_path;      /* path in the recorder archive (masters) */
	uint64_t size;          /* bytes */
	char sha256[EX_SHA256_HEX];     /* required: lower-case hex */
	char *signature_path;   /* required: the .minisig beside it */
	ex_instant start, end;  /* required: the range the file actually
	                           covers, [start, end), true UTC */
	ex_manifest_range requested;    /* range asked of this file (NONE
	                                   when not applicable) */
	ex_instant first_frame, last_frame;     /* true UTC, or NONE */
	char *codec;            /* "h264", "hevc", "mjpeg" */
	int width, height;      /* 0: unknown */
	int64_t frames;         /* -1: unknown */
	char **derived_from;    /* bag paths or archive relpaths it was
	                           made from */
	size_t nderived_from;
	char *encoder_preset;   /* working copies: encoder settings, else NULL */
	int encoder_crf;
	int encoder_threads;
	ex_manifest_stream *streams;    /* every stream, in index order, then
	                                   the source's streams left out */
	size_t nstreams;
	char *masks;            /* working copies and stills of a masked
	                           export: the numbers of the masks (in the
	                           mask file's order) active during its
	                           frames, space-separated ("" for none) */
} ex_manifest_file;

typedef struct ex_manifest_camera {
	char *id;               /* required */
	char *name, *location;
	ex_manifest_range requested;    /* required */
	ex_manifest_coverage *coverage;
	size_t ncoverage;
	ex_manifest_range *gaps;        /* holes inside the requested range */
	size_t ngaps;
	ex_manifest_damage *damage;
	size_t ndamage;
	ex_manifest_file *files;
	size_t nfiles;
} ex_manifest_camera;

typedef struct ex_manifest {
	ex_manifest_bundle bundle;
	ex_manifest_recorder recorder;
	ex_manifest_request request;
	ex_manifest_disclosure disclosure;
	ex_manifest_camera *cameras;
	size_t ncameras;
	/* Files of the bundle that belong to no camera, role
	 * EX_ROLE_DOCUMENT.  Only path, size, sha256 and signature_path are
	 * written; every other field is ignored and reads back empty. */
	ex_manifest_file *documents;
	size_t ndocuments;
} ex_manifest;

/* A zeroed model with every time set to EX_INSTANT_NONE. */
ex_status ex_manifest_new(ex_manifest **out, ex_error *err);
/* Free m and everything it owns; NULL-safe; sets *m to NULL. */
void ex_manifest_free(ex_manifest **m);

/* Append a zeroed camera / file (times EX_INSTANT_NONE, frames -1) and
 * return it in *out; the pointer is valid until the next append to the
 * same array. */
ex_status ex_manifest_add_camera(ex_manifest *m, ex_manifest_camera **out,
    ex_error *err);
ex_status ex_manifest_add_file(ex_manifest_camera *cam,
    ex_manifest_file **out, ex_error *err);
/* Append a zeroed document (role EX_ROLE_DOCUMENT) to m->documents. */
ex_status ex_manifest_add_document(ex_manifest *m, ex_manifest_file **out,
    ex_error *err);
/* Append a zeroed stream (index and source_index -1) to f->streams. */
ex_status ex_manifest_add_stream(ex_manifest_file *f,
    ex_manifest_stream **out, ex_error *err);
/* Append a copy of s to a string list (cameras, derived_from). */
ex_status ex_manifest_add_string(char ***list, size_t *n, const char *s,
    ex_error *err);

/*
 * Write m as manifest.xml.  On success *xml is a malloc'd, NUL-terminated
 * document the caller frees, *len its length without the NUL.  Fails with
 * EX_ERR_USAGE naming the field when a required field is missing.
 */
ex_status ex_manifest_write(const ex_manifest *m, char **xml, size_t *len,
    ex_error *err);

/*
 * Parse and validate manifest.xml.  Refuses (EX_ERR_FORMAT, message
 * naming the reason) a document over EX_MANIFEST_MAX_BYTES, with a
 * DOCTYPE, entities or XInclude, too deep, not valid against the schema,
 * or with a hash algorithm other than sha256.  On success *out is a new
 * model the caller frees with ex_manifest_free().
 */
ex_status ex_manifest_parse(const char *xml, size_t len, ex_manifest **out,
    ex_error *err);

/* The text of schemas/manifest.xsd (static storage, NUL-terminated). */
const char *ex_manifest_xsd(size_t *len);

#ifdef __cplusplus
}
#endif

#endif

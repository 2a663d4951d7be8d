/*
 * exhibit/custody.h — custody.xml: the signed, hash-chained custody log.
 *
 * A custody log is an ordered list of events; event 1 is the export, and
 * each later event (received, copied, handed-to-court, ...) is appended by
 * whoever holds the bundle, signed with their own key.  Adding an event
 * never touches the payload or manifest.xml.  custody.xml has namespace
 * urn:exhibit:custody:1 (schemas/custody.xsd, compiled into the library).
 *
 * THE SIGNED FORM OF AN EVENT.  What an event's signature covers is not
 * its XML but this canonical byte string (UTF-8, every line ending in a
 * single LF, no trailing spaces, no BOM):
 *
 *     exhibit-custody-v1
 *     bundle=<exhibit reference of the bundle>
 *     seq=<event number, decimal, no leading zeros, first event 1>
 *     time=<UTC time, YYYY-MM-DDTHH:MM:SS.ffffffZ, always 6 digits>
 *     actor=<actor>
 *     action=<action>
 *     note=<note, empty when there is none>
 *     key-id=<signer's minisign key ID, upper-case hex as minisign prints it>
 *     public-key=<signer's public key, the minisign base64 line>
 *     manifest-sha256=<SHA-256 of manifest.xml's bytes, 64 lower-case hex>
 *     previous-sha256=<hash of the previous event, 64 lower-case hex;
 *                      64 zeros for event 1>
 *
 * Text values are cleaned when the event is appended (invalid UTF-8
 * becomes U+FFFD; control characters other than TAB and LF are dropped)
 * and are stored that way.  In the canonical form a backslash is written
 * "\\", a LF "\n" and a TAB "\t" (two characters each), so every field is
 * one line and no two events share a form.
 *
 * The signature is a minisign "ED" signature (Ed25519 over the BLAKE2b-512
 * of the canonical bytes) made with the actor's key, stored as the full
 * four-line .minisig text.  Its trusted comment is
 * "exhibit custody event <seq> of bundle <exhibit reference>".  So an
 * event can be checked by hand: write its canonical form to a file and run
 * `minisign -V -P <public-key> -m event.txt -x event.minisig`.
 *
 * THE HASH OF AN EVENT (the next event's previous-sha256) is the SHA-256
 * of its canonical bytes immediately followed by its signature text
 * exactly as stored, so replacing a signature breaks the chain too.
 *
 * THE SEAL.  The chain proves every event but the last is followed by the
 * next; nothing in it says which event is the last.  So the log ends with
 * a <seal>: a minisign "ED" signature, by the last event's signer (the
 * same key, at the same time as the event), of
 *
 *     exhibit-custody-seal-v1
 *     bundle=<exhibit reference of the bundle>
 *     events=<number of events, decimal>
 *     last-sha256=<hash of the last event, as above>
 *
 * with the trusted comment "exhibit custody log of bundle <reference>
 * ends at event <N>".  Removing events from the end leaves a seal that
 * does not match; making a new one needs the key of the event that would
 * then be last.  (Putting back a whole older copy of custody.xml is not
 * detectable from the bundle alone: keep the receipt of each event.)
 *
 * Ownership: an ex_custody and everything in it is owned by the log and
 * freed by ex_custody_free(); ex_custody_append() copies its strings.  An
 * ex_custody_report's array is freed by ex_custody_report_free().
 */
#ifndef EXHIBIT_CUSTODY_H
#define EXHIBIT_CUSTODY_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/error.h"
#include "exhibit/hash.h"
#include "exhibit/sign.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ex_custody_event {
	uint64_t seq;               /* 1, 2, 3, ... */
	ex_instant time;            /* UTC */
	char *actor;
	char *action;               /* "exported", "received", "copied",
	                               "handed-to-court", ... */
	char *note;                 /* NULL when none */
	char key_id[EX_KEYID_TEXT];
	char public_key[EX_PUBKEY_B64_TEXT];
	unsigned char manifest_sha256[EX_SHA256_BYTES];
	unsigned char previous_sha256[EX_SHA256_BYTES];
	char *signature;            /* the four-line .minisig text */
} ex_custody_event;

typedef struct ex_custody {
	char *exhibit_ref;          /* the bundle's exhibit reference */
	ex_custody_event *events;   /* in order */
	size_t nevents;
	char *seal;                 /* the four-line .minisig text closing
	                               the log (see THE SEAL); remade by
	                               every ex_custody_append */
} ex_custody;

/* An empty log for the bundle with this exhibit reference. */
ex_status ex_custody_new(const char *exhibit_ref, ex_custody **out,
    ex_error *err);
/* Free c and everything it owns; NULL-safe; sets *c to NULL. */
void ex_custody_free(ex_custody **c);

/*
 * Append event nevents+1, chained to the last event, and sign it with sk.
 * actor and action are required; note may be NULL.  time is the event's
 * UTC time (the caller decides: now, or SOURCE_DATE_EPOCH).
 */
ex_status ex_custody_append(ex_custody *c, const ex_seckey *sk,
    const char *actor, const char *action, const char *note,
    ex_instant time, const unsigned char manifest_sha256[EX_SHA256_BYTES],
    ex_error *err);

/*
 * The canonical bytes of event i (see above) as a malloc'd NUL-terminated
 * string the caller frees; *len (if not NULL) gets its length.
 */
ex_status ex_custody_canonical(const ex_custody *c, size_t i, char **text,
    size_t *len, ex_error *err);

/* The hash of event i (SHA-256 of canonical bytes || signature text). */
ex_status ex_custody_event_hash(const ex_custody *c, size_t i,
    unsigned char out[EX_SHA256_BYTES], ex_error *err);

/* custody.xml; *xml malloc'd and NUL-terminated, *len without the NUL. */
ex_status ex_custody_write(const ex_custody *c, char **xml, size_t *len,
    ex_error *err);

/* Parse and validate custody.xml with the same secure parsing as
 * ex_manifest_parse().  The log is not verified: see ex_custody_verify. */
ex_status ex_custody_parse(const char *xml, size_t len, ex_custody **out,
    ex_error *err);

/* What verification found for one event (1 = yes). */
typedef struct ex_custody_event_report {
	uint64_t seq;               /* as recorded */
	int seq_ok;                 /* seq is its position (1, 2, 3, ...) */
	int link_ok;                /* previous-sha256 is the hash of the
	                               event before (zeros for the first) */
	int signature_ok;           /* signature valid for public-key over
	                               the canonical form, key ID matching,
	                               trusted comment as specified */
	int manifest_ok;            /* manifest-sha256 is the given manifest's */
	int trusted;                /* public-key is among the trusted keys */
	char key_id[EX_KEYID_TEXT]; /* the signer's key ID */
	char problem[256];          /* first problem with this event, or "" */
} ex_custody_event_report;

typedef struct ex_custody_report {
	ex_custody_event_report *events;        /* one per event, in order */
	size_t nevents;
	int sealed;                 /* the seal closes the log at its last
	                               event (checked only when every event
	                               checks out) */
	char seal_problem[512];     /* why not, or "" */
	int intact;                 /* every event's seq, link, signature and
	                               manifest hash check out, and the
	                               seal */
	int all_trusted;            /* and every signer is trusted */
} ex_custody_report;

/*
 * Check the whole log against the manifest's SHA-256 and the trusted
 * public keys (ntrusted may be 0).  Fills *out (if not NULL; free it with
 * ex_custody_report_free) and returns:
 *  - EX_OK when the log is intact (an untrusted signer is reported in
 *    out->events[i].trusted and out->all_trusted; the caller decides what
 *    that means for its exit status — verify treats it as not trusted);
 *  - EX_ERR_VERIFY when it is not: empty, an event edited, removed,
 *    inserted, reordered or swapped, a gap in the numbering, a signature
 *    that does not match or the wrong manifest hash, with a message
 *    naming the first failing event ("custody event 2: ..."); or, the
 *    events all checking out, a seal that does not close the log at its
 *    last event ("custody seal: ...").
 */
ex_status ex_custody_verify(const ex_custody *c,
    const unsigned char manifest_sha256[EX_SHA256_BYTES],
    const ex_pubkey *trusted, size_t ntrusted, ex_custody_report *out,
    ex_error *err);
void ex_custody_report_free(ex_custody_report *report);

/* The text of schemas/custody.xsd (static storage, NUL-terminated). */
const char *ex_custody_xsd(size_t *len);

#ifdef __cplusplus
}
#endif

#endif

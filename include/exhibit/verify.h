/*
 * exhibit/verify.h — check a bundle without trusting the computer that
 * made it.
 *
 * ex_verify() reads a bundle (ZIP, tar, ISO or folder) once, without
 * extracting it, and checks, failing closed:
 *  1. the structure: one top folder, no duplicate names, no path leaving
 *     the bundle, no links or devices (exhibit/bundle.h's problems);
 *  2. manifest.xml's signature over its raw bytes, BEFORE parsing it, with
 *     a trusted key (-p) whose key ID matches, or else with the signer key
 *     shipped in data/signer.pub — which proves integrity only: the signer
 *     is then reported untrusted;
 *  3. every file the manifest lists: present, same size and SHA-256, and
 *     its .minisig valid for the same key and naming the same file;
 *  4. that the bundle holds exactly the signed set: anything else (an
 *     extra file, a file no signature covers) is a failure, named;
 *  5. the BagIt files: bagit.txt exact, manifest-sha256.txt and
 *     tagmanifest-sha256.txt complete and correct, Payload-Oxum right;
 *  6. custody.xml: every event's order, hash link, signature (by the key
 *     the event names) and manifest hash, and whether its signer is one
 *     of the trusted keys.
 *
 * It answers three questions, each in the report: are the files intact
 * (intact); who signed the export and is that key trusted
 * (signer_key_id, signer_trusted); which custody events are there, is
 * their chain intact and which signers are trusted (custody,
 * custody_log, custody_ok, custody_unverified).
 *
 * The bundle passes when it is intact AND its exporter (the manifest's
 * signer) is a trusted key.  A custody event is an attestation added
 * later by someone else: one whose signer is not a trusted key is
 * UNVERIFIED (its signature by the key it names is still checked, and a
 * bad one, or a broken chain, is still a failure) and does not fail the
 * bundle, unless EX_VERIFY_STRICT demands every signer.
 *
 * A folder bundle's desktop files (exhibit/bundle.h,
 * ex_bundle_desktop_file) are listed in ignored and are no failure.
 *
 * Ownership: the report belongs to the caller (ex_verify_report_free).
 */
#ifndef EXHIBIT_VERIFY_H
#define EXHIBIT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/custody.h"
#include "exhibit/error.h"
#include "exhibit/sign.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What kind of failure a problem is.  Callers decide by kind (custody add
 * refuses anything but EX_VERIFY_UNTRUSTED; the exit code is 1 for every
 * kind), never by the wording of the message.
 */
typedef enum ex_verify_kind {
	EX_VERIFY_STRUCTURE = 1, /* the container is not in the form exhibit
	                           writes, or readers would disagree on it
	                           (exhibit/bundle.h's problems) */
	EX_VERIFY_INCOMPLETE,   /* the file ends early: an incomplete copy */
	EX_VERIFY_MISSING,      /* a file the bundle must hold is absent or
	                           not a readable regular file */
	EX_VERIFY_UNLISTED,     /* an entry no signature vouches for */
	EX_VERIFY_CONTENT,      /* size or SHA-256 differs from the signed
	                           value, or a signed manifest.xml does not
	                           read (its XML rules, its schema) */
	EX_VERIFY_SIGNATURE,    /* a signature is malformed or does not
	                           verify */
	EX_VERIFY_BINDING,      /* bytes no signature covers disagree with
	                           the signed ones: bag-info.txt, the top
	                           folder's name, a trusted comment, a
	                           .minisig's form, data/signer.pub, the
	                           container named by the file's suffix */
	EX_VERIFY_BAGIT,        /* the BagIt files are wrong */
	EX_VERIFY_CUSTODY,      /* the custody log: form, chain, seal or an
	                           event's signature */
	EX_VERIFY_UNTRUSTED     /* a signer is not among the trusted keys
	                           (the only kind that leaves it intact) */
} ex_verify_kind;

/* One failure: its kind, the bag path it is about ("" for the bundle as
 * a whole) and one sentence naming it ("<path>: <why>").  Paths and
 * messages may hold any byte the bundle holds: escape before printing. */
typedef struct ex_verify_problem {
	ex_verify_kind kind;
	char *path;
	char *message;
} ex_verify_problem;

/* "structure", "incomplete", "missing", "unlisted", "content",
 * "signature", "binding", "bagit", "custody", "untrusted". */
const char *ex_verify_kind_name(ex_verify_kind kind);

/* A desktop system's file in a folder bundle, left out (not a failure). */
typedef struct ex_verify_ignored {
	char *path;             /* bag path */
	const char *origin;     /* static: "added by macOS Finder", ... */
} ex_verify_ignored;

/* One file's result. */
typedef struct ex_verify_file {
	char *path;             /* bag path */
	char *role;             /* "master", "native", "working", "document",
	                           "manifest", "custody", "bagit", "signature",
	                           or "unlisted" */
	uint64_t size;
	char sha256[65];        /* as read ("" when not read) */
	int ok;
	char *problem;          /* why not ok, or NULL */
} ex_verify_file;

typedef struct ex_verify_report {
	char *container;        /* "zip", "tar", "iso", "dir" */
	char *top;              /* top folder */
	char *case_ref, *exhibit_ref;   /* from the manifest, if it parsed */
	char signer_key_id[EX_KEYID_TEXT];
	int signer_trusted;     /* the manifest's signer is a given key */
	int manifest_ok;        /* manifest signature valid and it parsed */
	ex_verify_file *files;  /* every entry, in bundle order */
	size_t nfiles;
	ex_verify_problem *problems;    /* every failure, in the order found */
	size_t nproblems;
	ex_custody_report custody;      /* per event (may be empty) */
	ex_custody *custody_log;        /* the parsed log, events in the same
	                                   order (actor, action, time), or
	                                   NULL when it did not parse */
	int custody_ok;
	size_t custody_unverified;      /* events whose signer is not a
	                                   trusted key */
	ex_verify_ignored *ignored;     /* folder bundles: desktop files */
	size_t nignored;
	int incomplete;         /* the copy is cut short (a problem of kind
	                           EX_VERIFY_INCOMPLETE): nothing in it was
	                           checked and files is empty */
	int strict;             /* EX_VERIFY_STRICT was given */
	int intact;             /* no problems but EX_VERIFY_UNTRUSTED */
	int trusted;            /* signer and all custody signers trusted */
	int passed;             /* intact && signer_trusted, and with
	                           EX_VERIFY_STRICT custody_unverified == 0 */
} ex_verify_report;

/* Every custody event's signer must be a trusted key: one that is not is
 * a problem of kind EX_VERIFY_UNTRUSTED and the bundle does not pass. */
#define EX_VERIFY_STRICT 0x1u

/*
 * Verify the bundle at path against the trusted keys (ntrusted may be 0:
 * integrity is still checked, and the report says the signer is not
 * trusted).  flags: 0 or EX_VERIFY_STRICT.  Returns EX_OK when the bundle
 * could be examined, whatever the verdict (see report->passed); EX_ERR_IO
 * when it cannot be read; EX_ERR_FORMAT when it is not a ZIP, tar, ISO or
 * folder at all; EX_ERR_USAGE when it is a folder that is not a bundle
 * but holds bundles (ex_bundle_held), the message naming each ("DIR is
 * not a bundle; it contains the bundle NAME (verify DIR/NAME)").
 */
ex_status ex_verify_flags(const char *path, const ex_pubkey *trusted,
    size_t ntrusted, unsigned flags, ex_verify_report **out, ex_error *err);
/* ex_verify_flags with flags 0. */
ex_status ex_verify(const char *path, const ex_pubkey *trusted,
    size_t ntrusted, ex_verify_report **out, ex_error *err);
void ex_verify_report_free(ex_verify_report **report);

/*
 * The custody log's state as the report gives it: "unchecked" (the copy
 * is cut short), "unreadable" (no event could be read), "intact" or
 * "broken" (the chain, an event, or the custody.xml entry failed).
 */
const char *ex_verify_custody_state(const ex_verify_report *r);
/*
 * The report on the bundle at path as an XML document in namespace
 * urn:exhibit:verify:1 (schemas/verify.xsd, src/lib/verify_xml.c); text
 * from the bundle is escaped as a terminal shows it (exhibit/text.h,
 * ex_text_escape).  On success *xml is a malloc'd NUL-terminated document
 * of *len bytes, owned by the caller; on failure NULL and 0
 * (EX_ERR_NOMEM).
 */
ex_status ex_verify_xml(const char *path, const ex_verify_report *r,
    char **xml, size_t *len, ex_error *err);

#ifdef __cplusplus
}
#endif

#endif

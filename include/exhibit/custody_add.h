/*
 * exhibit/custody_add.h — the custody jobs on a finished bundle: add a
 * signed event to its custody log, and show the log with what checking it
 * found.  (The log itself — events, canonical form, signatures, chain —
 * is exhibit/custody.h.)
 *
 * ex_custody_add() never touches the payload: every data/ file,
 * manifest.xml and its .minisig keep their bytes; only custody.xml and
 * tagmanifest-sha256.txt change (bag-info.txt and manifest-sha256.txt do
 * not depend on them and come out byte-identical).  The bundle is
 * replaced atomically: a reader sees the old bundle or the new one, and a
 * failure at any point leaves the old one as it was.
 *  - ZIP, tar, ISO: a new archive is written beside the old one under a
 *    hidden temporary name, every entry streamed from the old one in the
 *    same order with the same top folder and mtime (custody.xml gets the
 *    new log in its place; the BagIt tag files are regenerated), each
 *    file's SHA-256 checked against what verification read, and it is
 *    renamed over the original.
 *  - Folder: ex_bundle_dir_replace (exhibit/bundle.h): a sibling tree of
 *    hard links with the new custody.xml and tag manifest, swapped in with
 *    one renameat2(RENAME_EXCHANGE).
 *
 * Ownership: ex_custody_show's *log belongs to the caller (ex_custody_free)
 * and *report too (ex_custody_report_free).
 */
#ifndef EXHIBIT_CUSTODY_ADD_H
#define EXHIBIT_CUSTODY_ADD_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/custody.h"
#include "exhibit/error.h"
#include "exhibit/sign.h"
#include "exhibit/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest custody.xml the jobs read (the log is kept in memory). */
#define EX_CUSTODY_MAX_BYTES ((size_t)16 << 20)

/*
 * Append an event to the custody log of the bundle at path, signed with
 * sk: actor and action required, note may be NULL, now is the event's UTC
 * time (the caller decides: SOURCE_DATE_EPOCH or the clock).  First the
 * whole bundle is verified for integrity (ex_verify without trusted keys:
 * manifest signature against the bundle's own data/signer.pub, every
 * file, exact file set, BagIt, custody chain); a bundle that is not
 * intact is refused with EX_ERR_VERIFY and a message naming the problem
 * ("...: not intact, refusing to extend its custody log: <problem>").
 * *seq (if not NULL) gets the new event's number.  Errors: EX_ERR_USAGE
 * (missing actor/action), EX_ERR_VERIFY (not intact, or it changed while
 * being rewritten), EX_ERR_FORMAT (not a bundle), EX_ERR_UNSUPPORTED (a
 * folder on a file system without hard links or atomic exchange),
 * EX_ERR_IO.  On any error the bundle is unchanged.
 */
ex_status ex_custody_add(const char *path, const ex_seckey *sk,
    const char *actor, const char *action, const char *note, ex_instant now,
    uint64_t *seq, ex_error *err);

/*
 * Read the custody log of the bundle at path (custody.xml and the
 * SHA-256 of manifest.xml only; the rest of the bundle is not checked —
 * that is ex_verify's job) and check it with ex_custody_verify against
 * the trusted keys (ntrusted may be 0).
 *  - EX_OK: intact; *log and *report are set.
 *  - EX_ERR_VERIFY: broken; message names the first failing event
 *    ("custody event 2: ...").  *log and *report are set when custody.xml
 *    parsed (so the events can still be shown), else NULL/empty: a
 *    missing or malformed custody.xml is a broken log too.
 *  - anything else: the bundle could not be read (nothing set).
 * report must point to storage (zeroed on entry).
 */
ex_status ex_custody_show(const char *path, const ex_pubkey *trusted,
    size_t ntrusted, ex_custody **log, ex_custody_report *report,
    ex_error *err);

#ifdef __cplusplus
}
#endif

#endif

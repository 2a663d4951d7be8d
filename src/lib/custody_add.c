/*
 * custody_add.c — the custody jobs: add a signed event to a finished
 * bundle's custody log, and show the log (see exhibit/custody_add.h).
 *
 * Adding reads the bundle twice: once whole to verify it (ex_verify), and
 * once to copy it (archives) — that copy checks every file's SHA-256
 * against what verification read, so what gets a new custody event is
 * exactly what was verified.  custody.xml and bag-info.txt are fetched in
 * between without reading the payload (ex_bundle_read_file) and checked
 * against the verified digests too.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exhibit/bundle.h"
#include "exhibit/custody.h"
#include "exhibit/custody_add.h"
#include "exhibit/fileio.h"
#include "exhibit/hash.h"
#include "exhibit/verify.h"
#include "base.h"

/* EX_ERR_VERIFY naming the first integrity problem of a report. */
static ex_status
refuse(const char *path, const ex_verify_report *r, ex_error *err)
{
	const char *first = NULL;
	size_t i, more = 0;

	for (i = 0; i < r->nproblems; i++) {
		if (r->problems[i].kind == EX_VERIFY_UNTRUSTED)
			continue;
		if (first == NULL)
			first = r->problems[i].message;
		else
			more++;
	}
	if (first == NULL)
		first = r->manifest_ok ? "the custody log does not check" :
		    "the manifest does not check";
	if (more > 0)
		return ex_error_set(err, EX_ERR_VERIFY, "%s: not intact, "
		    "refusing to extend its custody log: %s (and %zu more "
		    "problem%s; run exhibit verify)", path, first, more,
		    more == 1 ? "" : "s");
	return ex_error_set(err, EX_ERR_VERIFY, "%s: not intact, refusing "
	    "to extend its custody log: %s", path, first);
}

static const ex_verify_file *
report_file(const ex_verify_report *r, const char *bag_path)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		if (strcmp(r->files[i].path, bag_path) == 0)
			return &r->files[i];
	}
	return NULL;
}

/* The bytes match the verified file at bag_path, else EX_ERR_VERIFY. */
static ex_status
same_as_verified(const char *path, const ex_verify_report *r,
    const char *bag_path, const unsigned char sha256[EX_SHA256_BYTES],
    ex_error *err)
{
	const ex_verify_file *f = report_file(r, bag_path);
	char hex[EX_SHA256_HEX];

	if (f == NULL || strcmp(f->sha256, ex_sha256_hex(sha256, hex)) != 0)
		return ex_error_set(err, EX_ERR_VERIFY, "%s: %s changed while "
		    "the custody log was being extended (left unchanged)", path,
		    bag_path);
	return EX_OK;
}

/* ---- the copy check: every file as verified, none missing ------------- */

struct copy_check {
	const char *path;
	const ex_verify_report *r;
	char *seen;                 /* per report file */
};

static ex_status
check_copied(void *user, const char *bag_path, const ex_digest_result *d,
    ex_error *err)
{
	struct copy_check *cc = user;
	const ex_verify_file *f;

	if (strcmp(bag_path, "custody.xml") == 0) {
		if ((f = report_file(cc->r, bag_path)) != NULL)
			cc->seen[f - cc->r->files] = 1;
		return EX_OK;           /* the new log */
	}
	if (same_as_verified(cc->path, cc->r, bag_path, d->sha256, err) !=
	    EX_OK)
		return EX_ERR_VERIFY;
	f = report_file(cc->r, bag_path);
	cc->seen[f - cc->r->files] = 1;
	return EX_OK;
}

static int
made_by_writer(const char *bag_path)
{
	return strcmp(bag_path, "bagit.txt") == 0 ||
	    strcmp(bag_path, "bag-info.txt") == 0 ||
	    strcmp(bag_path, "manifest-sha256.txt") == 0 ||
	    strcmp(bag_path, "tagmanifest-sha256.txt") == 0;
}

/* "<dir>/.<base>.custody-XXXXXX", a name nothing has (yet): the writer
 * creates it, refusing to replace. */
static char *
temp_beside(const char *path, ex_error *err)
{
	char *t;
	int fd;

	if (base_sibling_file(path, "custody", &t, &fd, err) != EX_OK)
		return NULL;
	close(fd);
	unlink(t);
	return t;
}

/* Rewrite a ZIP, tar or ISO bundle with new custody.xml bytes. */
static ex_status
rewrite_archive(const char *path, const ex_verify_report *r,
    ex_container kind, const char *cxml, size_t cxmllen, ex_error *err)
{
	ex_bundle_writer *w = NULL;
	ex_bundle_options opt;
	ex_bundle_replacement repl;
	ex_bag_field *fields = NULL;
	ex_digest_result d;
	struct copy_check cc;
	struct stat st;
	char *info = NULL, *tmp = NULL, top[128];
	size_t infolen = 0, nfields = 0, i;
	int64_t mtime = 0;
	int bag_size = 0, finished = 0;
	ex_status s;

	memset(&cc, 0, sizeof(cc));
	/* bag-info.txt as verified: its fields and the bundle's mtime. */
	if ((s = ex_bundle_read_file(path, "bag-info.txt", (size_t)1 << 20,
	    &info, &infolen, &mtime, err)) != EX_OK)
		goto out;
	ex_digest_buffer(info, infolen, &d);
	if ((s = same_as_verified(path, r, "bag-info.txt", d.sha256, err)) !=
	    EX_OK)
		goto out;
	if ((s = ex_bundle_bag_info_parse(info, infolen, &fields, &nfields,
	    &bag_size, err)) != EX_OK) {
		ex_error_prefix(err, "%s", path);
		goto out;
	}
	/* The top folder must come out the same. */
	if (strcmp(ex_bundle_top_name(r->top, top, sizeof(top)), r->top) != 0) {
		s = ex_error_set(err, EX_ERR_UNSUPPORTED, "%s: top folder '%s' "
		    "is not one exhibit makes; cannot rewrite it unchanged",
		    path, r->top);
		goto out;
	}
	if (stat(path, &st) != 0) {
		s = ex_error_errno(err, "%s", path);
		goto out;
	}
	if ((tmp = temp_beside(path, err)) == NULL) {
		s = err != NULL ? err->code : EX_ERR_IO;
		goto out;
	}
	memset(&opt, 0, sizeof(opt));
	opt.mtime = mtime;
	opt.bag_info = fields;
	opt.nbag_info = nfields;
	opt.bag_size = bag_size;
	if ((s = ex_bundle_writer_open(tmp, kind, r->top, &opt, &w, err)) !=
	    EX_OK)
		goto out;
	if ((cc.seen = calloc(r->nfiles + 1, 1)) == NULL) {
		s = base_nomem(err);
		goto out;
	}
	cc.path = path;
	cc.r = r;
	repl.path = "custody.xml";
	repl.data = cxml;
	repl.len = cxmllen;
	if ((s = ex_bundle_copy(path, w, &repl, 1, check_copied, &cc, err)) !=
	    EX_OK) {
		if (s != EX_ERR_VERIFY)
			ex_error_prefix(err, "%s: left unchanged", path);
		goto out;
	}
	for (i = 0; i < r->nfiles; i++) {
		if (!cc.seen[i] && strcmp(r->files[i].role, "folder") != 0 &&
		    !made_by_writer(r->files[i].path)) {
			s = ex_error_set(err, EX_ERR_VERIFY, "%s: %s disappeared "
			    "while the custody log was being extended (left "
			    "unchanged)", path, r->files[i].path);
			goto out;
		}
	}
	if ((s = ex_bundle_finish(w, err)) != EX_OK) {
		ex_error_prefix(err, "%s: left unchanged", path);
		goto out;
	}
	finished = 1;
	(void)chmod(tmp, st.st_mode & 0777);
	/* The only moment the bundle's path changes. */
	if (rename(tmp, path) != 0) {
		s = ex_error_errno(err, "%s: replacing it with the extended "
		    "bundle", path);
		goto out;
	}
	finished = 0;
	s = EX_OK;
out:
	ex_bundle_writer_free(&w);
	if (finished)
		unlink(tmp);
	free(tmp);
	free(cc.seen);
	ex_bundle_bag_info_free(&fields, nfields);
	free(info);
	return s;
}

ex_status
ex_custody_add(const char *path, const ex_seckey *sk, const char *actor,
    const char *action, const char *note, ex_instant now, uint64_t *seq,
    ex_error *err)
{
	ex_verify_report *r = NULL;
	ex_custody *log = NULL;
	ex_container kind;
	const ex_verify_file *mf;
	unsigned char msha[EX_SHA256_BYTES];
	char *old = NULL, *cxml = NULL;
	size_t oldlen = 0, cxmllen = 0;
	ex_digest_result d;
	ex_status s;

	if (path == NULL || sk == NULL || actor == NULL || actor[0] == '\0' ||
	    action == NULL || action[0] == '\0')
		return ex_error_set(err, EX_ERR_USAGE, "custody add: a bundle, "
		    "a key, an actor and an action are needed");
	if ((s = ex_verify(path, NULL, 0, &r, err)) != EX_OK)
		return s;
	if (!r->intact) {
		s = refuse(path, r, err);
		goto out;
	}
	if ((s = ex_bundle_container_parse(r->container, &kind, err)) != EX_OK)
		goto out;
	if ((mf = report_file(r, "manifest.xml")) == NULL ||
	    ex_sha256_from_hex(mf->sha256, msha, err) != EX_OK) {
		s = ex_error_set(err, EX_ERR_VERIFY, "%s: manifest.xml was not "
		    "read", path);
		goto out;
	}
	/* The log as verified, plus the new event. */
	if ((s = ex_bundle_read_file(path, "custody.xml", EX_CUSTODY_MAX_BYTES,
	    &old, &oldlen, NULL, err)) != EX_OK)
		goto out;
	ex_digest_buffer(old, oldlen, &d);
	if ((s = same_as_verified(path, r, "custody.xml", d.sha256, err)) !=
	    EX_OK)
		goto out;
	if ((s = ex_custody_parse(old, oldlen, &log, err)) != EX_OK ||
	    (s = ex_custody_append(log, sk, actor, action, note, now, msha,
	    err)) != EX_OK ||
	    (s = ex_custody_verify(log, msha, NULL, 0, NULL, err)) != EX_OK ||
	    (s = ex_custody_write(log, &cxml, &cxmllen, err)) != EX_OK) {
		ex_error_prefix(err, "%s: custody.xml", path);
		goto out;
	}
	if (kind == EX_CONTAINER_DIR) {
		ex_bundle_replacement repl;

		repl.path = "custody.xml";
		repl.data = cxml;
		repl.len = cxmllen;
		s = ex_bundle_dir_replace(path, &repl, 1, NULL, NULL, err);
	} else {
		s = rewrite_archive(path, r, kind, cxml, cxmllen, err);
	}
	if (s == EX_OK && seq != NULL)
		*seq = log->events[log->nevents - 1].seq;
out:
	free(cxml);
	free(old);
	ex_custody_free(&log);
	ex_verify_report_free(&r);
	return s;
}

ex_status
ex_custody_show(const char *path, const ex_pubkey *trusted, size_t ntrusted,
    ex_custody **logp, ex_custody_report *report, ex_error *err)
{
	ex_custody *log = NULL;
	char *xml = NULL, *manifest = NULL;
	size_t xmllen = 0, mlen = 0;
	ex_digest_result d;
	ex_status s;

	*logp = NULL;
	memset(report, 0, sizeof(*report));
	/* manifest.xml: its hash is what every event carries. */
	if ((s = ex_bundle_read_file(path, "manifest.xml", (size_t)64 << 20,
	    &manifest, &mlen, NULL, err)) != EX_OK)
		goto out;
	ex_digest_buffer(manifest, mlen, &d);
	s = ex_bundle_read_file(path, "custody.xml", EX_CUSTODY_MAX_BYTES,
	    &xml, &xmllen, NULL, err);
	if (s == EX_ERR_FORMAT) {
		/* No custody.xml (or not a file): a broken log, not trouble. */
		s = EX_ERR_VERIFY;
		if (err != NULL)
			err->code = s;
		goto out;
	}
	if (s != EX_OK)
		goto out;
	if ((s = ex_custody_parse(xml, xmllen, &log, err)) != EX_OK) {
		ex_error_prefix(err, "%s: custody.xml", path);
		if (s != EX_ERR_NOMEM) {
			s = EX_ERR_VERIFY;      /* malformed: broken */
			if (err != NULL)
				err->code = s;
		}
		goto out;
	}
	s = ex_custody_verify(log, d.sha256, trusted, ntrusted, report, err);
	if (s != EX_OK && s != EX_ERR_VERIFY) {
		ex_custody_report_free(report);
		ex_custody_free(&log);
		goto out;
	}
	*logp = log;
	log = NULL;
out:
	free(manifest);
	free(xml);
	return s;
}

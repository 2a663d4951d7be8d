/*
 * verify.c — check a bundle, failing closed (see exhibit/verify.h).
 *
 * The bundle is read once (ex_bundle_load): every entry's SHA-256 and
 * BLAKE2b-512 come from that single read, and the small tag files are kept
 * in memory.  Everything after that works on memory: the manifest's
 * signature is checked over the raw bytes before the XML is parsed, then
 * each listed file against its digest and its own .minisig, then the set
 * of entries against the signed set, the BagIt files and the custody log.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/bundle.h"
#include "exhibit/custody.h"
#include "exhibit/hash.h"
#include "exhibit/manifest.h"
#include "exhibit/verify.h"

static const char *const bagit_tags[] = {
	"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
	"tagmanifest-sha256.txt",
};

struct ctx {
	const ex_bundle *b;
	ex_verify_report *r;
	const ex_pubkey *trusted;
	size_t ntrusted;
	ex_pubkey key;          /* the key the manifest was checked with */
	int have_key;
	char *covered;          /* per entry: 1 when something vouches for it */
	size_t untrusted;       /* problems that are about trust only */
};

static ex_status
problem(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static ex_status
problem(struct ctx *c, const char *fmt, ...)
{
	char buf[1024], **v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	v = realloc(c->r->problems, (c->r->nproblems + 1) * sizeof(*v));
	if (v == NULL)
		return EX_ERR_NOMEM;
	c->r->problems = v;
	if ((v[c->r->nproblems] = strdup(buf)) == NULL)
		return EX_ERR_NOMEM;
	c->r->nproblems++;
	return EX_OK;
}

static size_t
entry_index(const struct ctx *c, const ex_bundle_entry *e)
{
	return (size_t)(e - c->b->entries);
}

/* Record a failure against the file's report line (first one wins). */
static void
file_fail(struct ctx *c, const ex_bundle_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
file_fail(struct ctx *c, const ex_bundle_entry *e, const char *fmt, ...)
{
	ex_verify_file *f = &c->r->files[entry_index(c, e)];
	char buf[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (f->ok || f->problem == NULL) {
		f->ok = 0;
		free(f->problem);
		f->problem = strdup(buf);
	}
	problem(c, "%s: %s", e->path, buf);
}

static void
set_role(struct ctx *c, const ex_bundle_entry *e, const char *role)
{
	ex_verify_file *f = &c->r->files[entry_index(c, e)];

	free(f->role);
	f->role = strdup(role);
}

/* The file entry at path inside the bag, or NULL with a problem noted. */
static const ex_bundle_entry *
need_file(struct ctx *c, const char *path, const char *what)
{
	const ex_bundle_entry *e = ex_bundle_find(c->b, path);

	if (e == NULL) {
		problem(c, "%s: missing (%s)", path, what);
		return NULL;
	}
	if (e->type != EX_ENTRY_FILE) {
		problem(c, "%s: is a %s, not a file", path,
		    ex_bundle_entry_type_name(e->type));
		return NULL;
	}
	if (!e->digested) {
		problem(c, "%s: could not be read whole", path);
		return NULL;
	}
	return e;
}

/* The value of "key:" in a minisign trusted comment ("a:1\tb:2"), or "". */
static void
comment_field(const char *comment, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	const char *p = comment;

	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1, *end = strchr(v, '\t');
			size_t n = end != NULL ? (size_t)(end - v) : strlen(v);

			if (n >= size)
				n = size - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return;
		}
		p = strchr(p, '\t');
		if (p != NULL)
			p++;
	}
}

/* Check the .minisig of entry e (already digested) with c->key. */
static int
check_signature(struct ctx *c, const ex_bundle_entry *e, const char *sigpath)
{
	const ex_bundle_entry *se = need_file(c, sigpath, "signature");
	const char *name = strrchr(e->path, '/');
	char field[512];
	ex_signature sig;
	ex_error err;

	name = name != NULL ? name + 1 : e->path;
	if (se == NULL) {
		file_fail(c, e, "no signature (%s is missing)", sigpath);
		return 0;
	}
	c->covered[entry_index(c, se)] = 1;
	set_role(c, se, "signature");
	if (se->content == NULL) {
		file_fail(c, se, "signature file too large");
		return 0;
	}
	ex_error_clear(&err);
	if (ex_sig_parse((const char *)se->content, se->content_len, &sig,
	    &err) != EX_OK) {
		file_fail(c, se, "malformed signature: %s", err.message);
		file_fail(c, e, "its signature is malformed");
		return 0;
	}
	if (!c->have_key) {
		file_fail(c, e, "signature cannot be checked: no key");
		return 0;
	}
	if (ex_sig_verify_digest(&c->key, &sig, e->digest.blake2b, &err) !=
	    EX_OK) {
		file_fail(c, e, "signature check failed: %s", err.message);
		return 0;
	}
	comment_field(sig.trusted_comment, "file", field, sizeof(field));
	if (strcmp(field, name) != 0) {
		file_fail(c, e, "signature is for '%s', not for this file",
		    field);
		return 0;
	}
	return 1;
}

/* Check one file the manifest lists. */
static void
check_listed(struct ctx *c, const ex_manifest_file *mf, const char *role)
{
	const ex_bundle_entry *e = need_file(c, mf->path, role);
	char hex[EX_SHA256_HEX];

	if (e == NULL)
		return;
	c->covered[entry_index(c, e)] = 1;
	set_role(c, e, role);
	ex_sha256_hex(e->digest.sha256, hex);
	if (e->size != mf->size)
		file_fail(c, e, "size %llu, the manifest says %llu",
		    (unsigned long long)e->size,
		    (unsigned long long)mf->size);
	else if (strcmp(hex, mf->sha256) != 0)
		file_fail(c, e, "SHA-256 %s, the manifest says %s", hex,
		    mf->sha256);
	if (mf->signature_path == NULL) {
		file_fail(c, e, "the manifest names no signature");
		return;
	}
	(void)check_signature(c, e, mf->signature_path);
}

/* Choose the key for the manifest's signature: a trusted one with the
 * signer's key ID, else the bundle's own data/signer.pub (untrusted). */
static void
choose_key(struct ctx *c, const ex_signature *sig)
{
	const ex_bundle_entry *pe;
	ex_pubkey pk;
	size_t i;

	ex_keyid_format(sig->keyid, c->r->signer_key_id,
	    sizeof(c->r->signer_key_id));
	for (i = 0; i < c->ntrusted; i++) {
		if (memcmp(c->trusted[i].keyid, sig->keyid,
		    EX_KEYID_BYTES) == 0) {
			c->key = c->trusted[i];
			c->have_key = 1;
			c->r->signer_trusted = 1;
			return;
		}
	}
	pe = ex_bundle_find(c->b, "data/signer.pub");
	if (pe != NULL && pe->type == EX_ENTRY_FILE && pe->content != NULL &&
	    ex_pubkey_parse((const char *)pe->content, pe->content_len, &pk,
	    NULL) == EX_OK && memcmp(pk.keyid, sig->keyid,
	    EX_KEYID_BYTES) == 0) {
		c->key = pk;
		c->have_key = 1;
	}
	c->untrusted++;
	if (c->ntrusted == 0)
		problem(c, "signer key ID %s is not trusted: no public key "
		    "was given (-p)", c->r->signer_key_id);
	else
		problem(c, "signer key ID %s is not among the trusted keys",
		    c->r->signer_key_id);
}

static ex_manifest *
check_manifest(struct ctx *c)
{
	const ex_bundle_entry *me, *se;
	ex_signature sig;
	ex_manifest *m = NULL;
	char field[64];
	ex_error err;

	me = need_file(c, "manifest.xml", "the manifest");
	se = need_file(c, "manifest.xml.minisig", "the manifest's signature");
	if (me != NULL) {
		c->covered[entry_index(c, me)] = 1;
		set_role(c, me, "manifest");
	}
	if (se != NULL) {
		c->covered[entry_index(c, se)] = 1;
		set_role(c, se, "signature");
	}
	if (me == NULL || se == NULL)
		return NULL;
	if (me->content == NULL || se->content == NULL) {
		file_fail(c, me, "too large to check");
		return NULL;
	}
	ex_error_clear(&err);
	if (ex_sig_parse((const char *)se->content, se->content_len, &sig,
	    &err) != EX_OK) {
		file_fail(c, se, "malformed signature: %s", err.message);
		return NULL;
	}
	choose_key(c, &sig);
	if (!c->have_key) {
		file_fail(c, me, "no key to check its signature: key ID %s is "
		    "not trusted and data/signer.pub does not match it",
		    c->r->signer_key_id);
		return NULL;
	}
	/* The raw bytes are checked before a single byte is parsed. */
	if (ex_sig_verify_digest(&c->key, &sig, me->digest.blake2b, &err) !=
	    EX_OK) {
		file_fail(c, me, "signature check failed: %s", err.message);
		return NULL;
	}
	comment_field(sig.trusted_comment, "file", field, sizeof(field));
	if (strcmp(field, "manifest.xml") != 0) {
		file_fail(c, me, "signature is for '%s', not manifest.xml",
		    field);
		return NULL;
	}
	if (ex_manifest_parse((const char *)me->content, me->content_len, &m,
	    &err) != EX_OK) {
		file_fail(c, me, "%s", err.message);
		return NULL;
	}
	{
		char b64[EX_PUBKEY_B64_TEXT];

		if (strcmp(m->bundle.signer_key_id, c->r->signer_key_id) != 0 ||
		    strcmp(m->bundle.signer_public_key,
		    ex_pubkey_base64(&c->key, b64)) != 0)
			file_fail(c, me, "names signer %s, but was signed by "
			    "key ID %s", m->bundle.signer_key_id,
			    c->r->signer_key_id);
	}
	c->r->manifest_ok = 1;
	return m;
}

static void
check_custody(struct ctx *c, const ex_manifest *m)
{
	const ex_bundle_entry *ce = need_file(c, "custody.xml",
	    "the custody log");
	const ex_bundle_entry *me = ex_bundle_find(c->b, "manifest.xml");
	ex_custody *log = NULL;
	ex_error err;
	size_t i;

	(void)m;
	if (ce == NULL)
		return;
	c->covered[entry_index(c, ce)] = 1;
	set_role(c, ce, "custody");
	if (ce->content == NULL) {
		file_fail(c, ce, "too large to check");
		return;
	}
	ex_error_clear(&err);
	if (ex_custody_parse((const char *)ce->content, ce->content_len, &log,
	    &err) != EX_OK) {
		file_fail(c, ce, "%s", err.message);
		return;
	}
	/* (Without a verified manifest there is no reference to compare.) */
	if (c->r->exhibit_ref != NULL &&
	    strcmp(log->exhibit_ref, c->r->exhibit_ref) != 0)
		file_fail(c, ce, "is the log of exhibit '%s', not of '%s'",
		    log->exhibit_ref, c->r->exhibit_ref);
	/* Without a whole manifest.xml there is no hash to check against. */
	if (me == NULL || me->type != EX_ENTRY_FILE || !me->digested) {
		file_fail(c, ce, "cannot be checked: manifest.xml is missing "
		    "or unreadable");
		ex_custody_free(&log);
		return;
	}
	if (ex_custody_verify(log, me->digest.sha256, c->trusted,
	    c->ntrusted, &c->r->custody, &err) != EX_OK)
		file_fail(c, ce, "%s", err.message);
	else
		c->r->custody_ok = 1;
	for (i = 0; i < c->r->custody.nevents; i++) {
		const ex_custody_event_report *ev = &c->r->custody.events[i];

		if (!ev->trusted && ++c->untrusted > 0)
			problem(c, "custody event %llu: signer key ID %s is "
			    "not trusted", (unsigned long long)ev->seq,
			    ev->key_id);
	}
	/* Event 1 must be the export, signed by the manifest's signer. */
	if (log->nevents > 0 && c->have_key) {
		char keyid[EX_KEYID_TEXT];

		ex_keyid_format(c->key.keyid, keyid, sizeof(keyid));
		if (strcmp(log->events[0].key_id, keyid) != 0)
			file_fail(c, ce, "custody event 1 was signed by key ID "
			    "%s, not by the bundle's signer %s",
			    log->events[0].key_id, keyid);
	}
	ex_custody_free(&log);
}

/* Entries nothing vouches for, and parent folders of those that are. */
static void
check_coverage(struct ctx *c)
{
	size_t i, j;

	for (i = 0; i < c->b->nentries; i++) {
		const ex_bundle_entry *e = &c->b->entries[i];

		if (e->type != EX_ENTRY_DIR || e->outside)
			continue;
		/* A folder is fine when something covered lies inside it. */
		for (j = 0; j < c->b->nentries; j++) {
			const ex_bundle_entry *f = &c->b->entries[j];
			size_t n = strlen(e->path);

			if (c->covered[j] && strncmp(f->path, e->path, n) == 0 &&
			    f->path[n] == '/') {
				c->covered[i] = 1;
				set_role(c, e, "folder");
				break;
			}
		}
	}
	for (i = 0; i < c->b->nentries; i++) {
		const ex_bundle_entry *e = &c->b->entries[i];

		if (c->covered[i])
			continue;
		/* Without a verified manifest nothing in data/ is vouched
		 * for; say why rather than that the manifest omits it. */
		if (!c->r->manifest_ok)
			file_fail(c, e, "not checked: manifest.xml could not "
			    "be verified, so no signature covers this %s",
			    ex_bundle_entry_type_name(e->type));
		else
			file_fail(c, e, "not covered by any signature (a %s "
			    "the manifest does not list)",
			    ex_bundle_entry_type_name(e->type));
	}
}

ex_status
ex_verify(const char *path, const ex_pubkey *trusted, size_t ntrusted,
    ex_verify_report **out, ex_error *err)
{
	ex_bundle *b = NULL;
	ex_manifest *m = NULL;
	ex_verify_report *r;
	struct ctx c;
	size_t i, k;
	ex_status st;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((st = ex_bundle_load(path, NULL, &b, err)) != EX_OK)
		return st;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto nomem;
	c.b = b;
	c.r = r;
	c.trusted = trusted;
	c.ntrusted = ntrusted;
	r->container = strdup(ex_bundle_container_name(b->kind));
	{
		ex_container named;

		/* Content decides how it is read, but a name that lies about
		 * the content (a tar called .zip) is itself a failure. */
		if (b->kind != EX_CONTAINER_DIR &&
		    ex_bundle_container_from_name(path, &named) &&
		    named != b->kind)
			problem(&c, "%s: named .%s but holds a %s archive", path,
			    ex_bundle_container_name(named),
			    ex_bundle_container_name(b->kind));
	}
	r->top = strdup(b->top != NULL ? b->top : "");
	r->files = calloc(b->nentries + 1, sizeof(*r->files));
	c.covered = calloc(b->nentries + 1, 1);
	if (r->container == NULL || r->top == NULL || r->files == NULL ||
	    c.covered == NULL)
		goto nomem;
	r->nfiles = b->nentries;
	for (i = 0; i < b->nentries; i++) {
		const ex_bundle_entry *e = &b->entries[i];

		r->files[i].path = strdup(e->path);
		r->files[i].role = strdup("unlisted");
		r->files[i].size = e->size;
		r->files[i].ok = 1;
		if (e->digested)
			ex_sha256_hex(e->digest.sha256, r->files[i].sha256);
	}

	/* 1. Structure. */
	for (i = 0; i < b->nproblems; i++) {
		const ex_bundle_problem *p = &b->problems[i];
		const ex_bundle_entry *e = NULL;

		for (k = 0; p->path[0] != '\0' && k < b->nentries; k++) {
			if (strcmp(b->entries[k].path, p->path) == 0) {
				e = &b->entries[k];
				break;
			}
		}
		if (e != NULL) {
			ex_verify_file *f = &r->files[k];

			if (f->problem == NULL)
				f->problem = strdup(p->message);
			f->ok = 0;
		}
		problem(&c, "%s", p->message);
	}

	/* 2.–3. Manifest, then every file it lists. */
	if ((m = check_manifest(&c)) != NULL) {
		r->case_ref = strdup(m->bundle.case_ref);
		r->exhibit_ref = strdup(m->bundle.exhibit_ref);
		for (i = 0; i < m->ncameras; i++) {
			for (k = 0; k < m->cameras[i].nfiles; k++) {
				const ex_manifest_file *mf =
				    &m->cameras[i].files[k];

				check_listed(&c, mf,
				    ex_manifest_role_name(mf->role));
			}
		}
		for (k = 0; k < m->ndocuments; k++)
			check_listed(&c, &m->documents[k], "document");
	}

	/* 5. BagIt. */
	for (i = 0; i < sizeof(bagit_tags) / sizeof(bagit_tags[0]); i++) {
		const ex_bundle_entry *e = need_file(&c, bagit_tags[i],
		    "BagIt");

		if (e != NULL) {
			c.covered[entry_index(&c, e)] = 1;
			set_role(&c, e, "bagit");
		}
	}
	{
		char **bagp = NULL;
		size_t nbagp = 0;

		if (ex_bundle_check_bag(b, &bagp, &nbagp, err) != EX_OK)
			goto nomem;
		for (i = 0; i < nbagp; i++) {
			problem(&c, "%s", bagp[i]);
			free(bagp[i]);
		}
		free(bagp);
	}

	/* 6. Custody. */
	check_custody(&c, m);

	/* 4. Exactly the signed set. */
	check_coverage(&c);

	/* Untrusted signers are listed as problems; intact ignores them. */
	r->intact = r->nproblems == c.untrusted && r->manifest_ok &&
	    r->custody_ok;
	r->trusted = c.untrusted == 0 && r->signer_trusted;
	r->passed = r->intact && r->trusted;
	free(c.covered);
	ex_manifest_free(&m);
	ex_bundle_free(&b);
	*out = r;
	return EX_OK;
nomem:
	free(c.covered);
	ex_manifest_free(&m);
	ex_bundle_free(&b);
	ex_verify_report_free(&r);
	return ex_error_set(err, EX_ERR_NOMEM, "out of memory");
}

void
ex_verify_report_free(ex_verify_report **report)
{
	ex_verify_report *r;
	size_t i;

	if (report == NULL || (r = *report) == NULL)
		return;
	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].role);
		free(r->files[i].problem);
	}
	free(r->files);
	for (i = 0; i < r->nproblems; i++)
		free(r->problems[i]);
	free(r->problems);
	ex_custody_report_free(&r->custody);
	free(r->container);
	free(r->top);
	free(r->case_ref);
	free(r->exhibit_ref);
	free(r);
	*report = NULL;
}

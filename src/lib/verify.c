/*
 * verify.c — check a bundle, failing closed (see exhibit/verify.h).
 *
 * The bundle is read once (ex_bundle_load): every entry's SHA-256 and
 * BLAKE2b-512 come from that single read, and the small tag files are kept
 * in memory.  Everything after that works on memory: the manifest's
 * signature is checked over the raw bytes before the XML is parsed, then
 * each listed file against its digest and its own .minisig, then the set
 * of entries against the signed set, the BagIt files and the custody log.
 * The report's names, its freeing (verify_report.c) and its XML
 * (verify_xml.c) are beside it.
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
#include "base.h"

static const char *const bagit_tags[] = {
	"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
	"tagmanifest-sha256.txt",
};

struct ctx {
	const ex_bundle *b;
	ex_verify_report *r;
	const ex_pubkey *trusted;
	size_t ntrusted;
	unsigned flags;
	ex_pubkey key;          /* the key the manifest was checked with */
	int have_key;
	char *covered;          /* per entry: 1 when something vouches for it */
	const char *exhibit_ref; /* the signed manifest's, once it parsed */
	int nomem;
};

static ex_status
problem(struct ctx *c, ex_verify_kind kind, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record a problem about path ("" for the bundle); c->nomem on ENOMEM. */
static ex_status
problem(struct ctx *c, ex_verify_kind kind, const char *path,
    const char *fmt, ...)
{
	ex_verify_problem *v;
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	v = realloc(c->r->problems, (c->r->nproblems + 1) * sizeof(*v));
	if (v == NULL) {
		c->nomem = 1;
		return EX_ERR_NOMEM;
	}
	c->r->problems = v;
	v += c->r->nproblems;
	v->kind = kind;
	v->path = strdup(path != NULL ? path : "");
	v->message = strdup(buf);
	if (v->path == NULL || v->message == NULL) {
		free(v->path);
		free(v->message);
		c->nomem = 1;
		return EX_ERR_NOMEM;
	}
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
file_fail(struct ctx *c, const ex_bundle_entry *e, ex_verify_kind kind,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
file_fail(struct ctx *c, const ex_bundle_entry *e, ex_verify_kind kind,
    const char *fmt, ...)
{
	ex_verify_file *f = &c->r->files[entry_index(c, e)];
	size_t plen = strlen(e->path);
	char buf[900], *why = buf;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* (A parser's message may already start with the file's name.) */
	if (strncmp(buf, e->path, plen) == 0 &&
	    strncmp(buf + plen, ": ", 2) == 0)
		why = buf + plen + 2;
	if (f->ok || f->problem == NULL) {
		f->ok = 0;
		free(f->problem);
		f->problem = strdup(why);
	}
	problem(c, kind, e->path, "%s: %s", e->path, why);
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
		problem(c, EX_VERIFY_MISSING, path, "%s: missing (%s)", path,
		    what);
		return NULL;
	}
	if (e->type != EX_ENTRY_FILE) {
		problem(c, EX_VERIFY_MISSING, path, "%s: is a %s, not a file",
		    path, ex_bundle_entry_type_name(e->type));
		return NULL;
	}
	if (!e->digested) {
		problem(c, EX_VERIFY_MISSING, path,
		    "%s: could not be read whole", path);
		return NULL;
	}
	return e;
}

/*
 * A .minisig must be exactly what exhibit writes (ex_sig_format: four LF
 * lines, exhibit's untrusted comment), and its trusted comment exactly
 * "timestamp:T<TAB>file:NAME<TAB>hashed<TAB>exhibit:REF<TAB>sha256:HEX"
 * for this file of this exhibit.  The signature covers the trusted
 * comment, but without this a valid signature of the same bytes taken
 * from another exhibit would pass, and bytes nothing signs could differ
 * between two copies of one bundle.  1 when bound; else the problem is
 * recorded against e (binding).
 */
static int
signature_bound(struct ctx *c, const ex_bundle_entry *e,
    const ex_bundle_entry *se, const ex_signature *sig, const char *name)
{
	char want[EX_TRUSTED_COMMENT_MAX + 1], hex[EX_SHA256_HEX], *text = NULL;
	const char *tc = sig->trusted_comment, *p;
	size_t len = 0;
	ex_error err;

	ex_error_clear(&err);
	if (ex_sig_format(sig, &text, &len, &err) != EX_OK) {
		c->nomem = 1;
		return 0;
	}
	if (len != se->content_len || memcmp(text, se->content, len) != 0 ||
	    strcmp(sig->untrusted_comment, EX_SIG_UNTRUSTED_COMMENT) != 0) {
		free(text);
		file_fail(c, se, EX_VERIFY_BINDING, "not in the form exhibit "
		    "writes (four lines ending in LF, untrusted comment "
		    "'%s'): bytes no signature covers were changed",
		    EX_SIG_UNTRUSTED_COMMENT);
		return 0;
	}
	free(text);
	ex_sha256_hex(e->digest.sha256, hex);
	/* "timestamp:" and digits, then the fixed fields. */
	p = strncmp(tc, "timestamp:", 10) == 0 ? tc + 10 : NULL;
	if (p != NULL && *p >= '0' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
		snprintf(want, sizeof(want),
		    "\tfile:%s\thashed\texhibit:%s\tsha256:%s", name,
		    c->exhibit_ref, hex);
		if (strcmp(p, want) == 0)
			return 1;
	}
	file_fail(c, e, EX_VERIFY_BINDING, "the trusted comment of its "
	    "signature is not 'timestamp:T, file:%s, hashed, exhibit:%s, "
	    "sha256:%s' (a signature made for another file or exhibit?)",
	    name, c->exhibit_ref, hex);
	return 0;
}

/* Check the .minisig of entry e (already digested) with c->key. */
static int
check_signature(struct ctx *c, const ex_bundle_entry *e, const char *sigpath)
{
	const ex_bundle_entry *se = need_file(c, sigpath, "signature");
	const char *name = strrchr(e->path, '/');
	ex_signature sig;
	ex_error err;

	name = name != NULL ? name + 1 : e->path;
	if (se == NULL) {
		file_fail(c, e, EX_VERIFY_MISSING, "no signature (%s is "
		    "missing)", sigpath);
		return 0;
	}
	c->covered[entry_index(c, se)] = 1;
	set_role(c, se, "signature");
	if (se->content == NULL) {
		file_fail(c, se, EX_VERIFY_SIGNATURE, "signature file too "
		    "large");
		return 0;
	}
	ex_error_clear(&err);
	if (ex_sig_parse((const char *)se->content, se->content_len, &sig,
	    &err) != EX_OK) {
		file_fail(c, se, EX_VERIFY_SIGNATURE, "malformed signature: "
		    "%s", err.message);
		file_fail(c, e, EX_VERIFY_SIGNATURE, "its signature is "
		    "malformed");
		return 0;
	}
	if (!c->have_key) {
		file_fail(c, e, EX_VERIFY_SIGNATURE, "signature cannot be "
		    "checked: no key");
		return 0;
	}
	if (ex_sig_verify_digest(&c->key, &sig, e->digest.blake2b, &err) !=
	    EX_OK) {
		file_fail(c, e, EX_VERIFY_SIGNATURE, "signature check failed: "
		    "%s", err.message);
		return 0;
	}
	return signature_bound(c, e, se, &sig, name);
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
		file_fail(c, e, EX_VERIFY_CONTENT, "size %llu, the manifest "
		    "says %llu", (unsigned long long)e->size,
		    (unsigned long long)mf->size);
	else if (strcmp(hex, mf->sha256) != 0)
		file_fail(c, e, EX_VERIFY_CONTENT, "SHA-256 %s, the manifest "
		    "says %s", hex, mf->sha256);
	if (mf->signature_path == NULL) {
		file_fail(c, e, EX_VERIFY_SIGNATURE, "the manifest names no "
		    "signature");
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
	if (c->ntrusted == 0)
		problem(c, EX_VERIFY_UNTRUSTED, "", "signer key ID %s is not "
		    "trusted: no public key was given (-p)",
		    c->r->signer_key_id);
	else
		problem(c, EX_VERIFY_UNTRUSTED, "", "signer key ID %s is not "
		    "among the trusted keys", c->r->signer_key_id);
}

static ex_manifest *
check_manifest(struct ctx *c)
{
	const ex_bundle_entry *me, *se;
	ex_signature sig;
	ex_manifest *m = NULL;
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
		file_fail(c, me, EX_VERIFY_MISSING, "too large to check");
		return NULL;
	}
	ex_error_clear(&err);
	if (ex_sig_parse((const char *)se->content, se->content_len, &sig,
	    &err) != EX_OK) {
		file_fail(c, se, EX_VERIFY_SIGNATURE, "malformed signature: "
		    "%s", err.message);
		return NULL;
	}
	choose_key(c, &sig);
	if (!c->have_key) {
		file_fail(c, me, EX_VERIFY_SIGNATURE, "no key to check its "
		    "signature: key ID %s is not trusted and data/signer.pub "
		    "does not match it", c->r->signer_key_id);
		return NULL;
	}
	/* The raw bytes are checked before a single byte is parsed. */
	if (ex_sig_verify_digest(&c->key, &sig, me->digest.blake2b, &err) !=
	    EX_OK) {
		file_fail(c, me, EX_VERIFY_SIGNATURE, "signature check failed: "
		    "%s", err.message);
		return NULL;
	}
	if (ex_manifest_parse((const char *)me->content, me->content_len, &m,
	    &err) != EX_OK) {
		file_fail(c, me, EX_VERIFY_CONTENT, "%s", err.message);
		return NULL;
	}
	c->exhibit_ref = m->bundle.exhibit_ref;
	if (!signature_bound(c, me, se, &sig, "manifest.xml")) {
		ex_manifest_free(&m);
		c->exhibit_ref = NULL;
		return NULL;
	}
	{
		char b64[EX_PUBKEY_B64_TEXT];

		if (strcmp(m->bundle.signer_key_id, c->r->signer_key_id) != 0 ||
		    strcmp(m->bundle.signer_public_key,
		    ex_pubkey_base64(&c->key, b64)) != 0)
			file_fail(c, me, EX_VERIFY_BINDING, "names signer %s, "
			    "but was signed by key ID %s",
			    m->bundle.signer_key_id, c->r->signer_key_id);
	}
	c->r->manifest_ok = 1;
	return m;
}

/*
 * Bytes outside every signature, bound to the signed manifest: the top
 * folder's name, data/signer.pub (the signer's key exactly as exhibit
 * writes it) and bag-info.txt (exactly the fields the manifest makes).
 */
static void
check_bindings(struct ctx *c, const ex_manifest *m)
{
	const ex_manifest_bundle *mb = &m->bundle;
	const ex_bundle_entry *pe;
	ex_bag_field *fields = NULL;
	size_t nfields = 0;
	char top[128], *text = NULL, *why = NULL;
	size_t len = 0;
	ex_error err;

	ex_error_clear(&err);
	ex_bundle_top_name(mb->exhibit_ref, top, sizeof(top));
	if (c->b->kind != EX_CONTAINER_DIR && strcmp(c->b->top, top) != 0)
		problem(c, EX_VERIFY_BINDING, "", "the top folder is '%s', but "
		    "the signed manifest's exhibit '%s' makes it '%s'",
		    c->b->top, mb->exhibit_ref, top);
	pe = ex_bundle_find(c->b, "data/signer.pub");
	if (pe != NULL && pe->type == EX_ENTRY_FILE && pe->content != NULL) {
		if (ex_pubkey_format(&c->key, "exhibit bundle signer", &text,
		    &len, &err) != EX_OK)
			c->nomem = 1;
		else if (len != pe->content_len ||
		    memcmp(text, pe->content, len) != 0)
			file_fail(c, pe, EX_VERIFY_BINDING, "is not the signer's "
			    "public key (key ID %s) as exhibit writes it",
			    c->r->signer_key_id);
		free(text);
	}
	if (ex_bundle_exhibit_bag_info(mb->organisation, mb->operator_name,
	    mb->case_ref, mb->exhibit_ref, mb->export_time, mb->tool_version,
	    &fields, &nfields, &err) != EX_OK ||
	    ex_bundle_check_bag_info(c->b, fields, nfields, &why, &err) !=
	    EX_OK)
		c->nomem = 1;
	else if (why != NULL)
		problem(c, EX_VERIFY_BINDING, "bag-info.txt", "%s", why);
	free(why);
	ex_bundle_bag_info_free(&fields, nfields);
}

static void
check_custody(struct ctx *c)
{
	const ex_bundle_entry *ce = need_file(c, "custody.xml",
	    "the custody log");
	const ex_bundle_entry *me = ex_bundle_find(c->b, "manifest.xml");
	ex_custody *log = NULL;
	char *canon = NULL;
	size_t i, len = 0;
	ex_error err;

	if (ce == NULL)
		return;
	c->covered[entry_index(c, ce)] = 1;
	set_role(c, ce, "custody");
	if (ce->content == NULL) {
		file_fail(c, ce, EX_VERIFY_CUSTODY, "too large to check");
		return;
	}
	ex_error_clear(&err);
	if (ex_custody_parse((const char *)ce->content, ce->content_len, &log,
	    &err) != EX_OK) {
		file_fail(c, ce, EX_VERIFY_CUSTODY, "%s", err.message);
		return;
	}
	/* Only what the events' signatures and the seal cover may be there:
	 * the file must be exactly what exhibit writes for the parsed log
	 * (no comments, processing instructions or other whitespace). */
	if (ex_custody_write(log, &canon, &len, &err) != EX_OK)
		c->nomem = 1;
	else if (len != ce->content_len ||
	    memcmp(canon, ce->content, len) != 0) {
		size_t k, line = 1;

		for (k = 0; k < len && k < ce->content_len &&
		    canon[k] == (char)ce->content[k]; k++)
			if (canon[k] == '\n')
				line++;
		file_fail(c, ce, EX_VERIFY_CUSTODY, "not in the form exhibit "
		    "writes (line %zu differs): it holds bytes no custody "
		    "signature covers", line);
	}
	free(canon);
	/* (Without a verified manifest there is no reference to compare.) */
	if (c->r->exhibit_ref != NULL &&
	    strcmp(log->exhibit_ref, c->r->exhibit_ref) != 0)
		file_fail(c, ce, EX_VERIFY_CUSTODY, "is the log of exhibit "
		    "'%s', not of '%s'", log->exhibit_ref, c->r->exhibit_ref);
	/* Without a whole manifest.xml there is no hash to check against. */
	if (me == NULL || me->type != EX_ENTRY_FILE || !me->digested) {
		file_fail(c, ce, EX_VERIFY_CUSTODY, "cannot be checked: "
		    "manifest.xml is missing or unreadable");
		ex_custody_free(&log);
		return;
	}
	if (ex_custody_verify(log, me->digest.sha256, c->trusted,
	    c->ntrusted, &c->r->custody, &err) != EX_OK)
		file_fail(c, ce, EX_VERIFY_CUSTODY, "%s", err.message);
	else
		c->r->custody_ok = 1;
	/* A signer not given is unverified; only --strict makes it fail. */
	for (i = 0; i < c->r->custody.nevents; i++) {
		const ex_custody_event_report *ev = &c->r->custody.events[i];

		if (ev->trusted)
			continue;
		c->r->custody_unverified++;
		if (c->flags & EX_VERIFY_STRICT)
			problem(c, EX_VERIFY_UNTRUSTED, "custody.xml",
			    "custody event %llu: signer key ID %s was not "
			    "given with -p (--strict demands every signer)",
			    (unsigned long long)ev->seq, ev->key_id);
	}
	/* Event 1 must be the export, signed by the manifest's signer. */
	if (log->nevents > 0 && c->have_key) {
		char keyid[EX_KEYID_TEXT];

		ex_keyid_format(c->key.keyid, keyid, sizeof(keyid));
		if (strcmp(log->events[0].key_id, keyid) != 0)
			file_fail(c, ce, EX_VERIFY_CUSTODY, "custody event 1 was "
			    "signed by key ID %s, not by the bundle's signer "
			    "%s", log->events[0].key_id, keyid);
	}
	/* Kept for the report: who did what, when. */
	c->r->custody_log = log;
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
			file_fail(c, e, EX_VERIFY_UNLISTED, "not checked: "
			    "manifest.xml could not be verified, so no "
			    "signature covers this %s",
			    ex_bundle_entry_type_name(e->type));
		else
			file_fail(c, e, EX_VERIFY_UNLISTED, "not covered by any "
			    "signature (a %s the manifest does not list)",
			    ex_bundle_entry_type_name(e->type));
	}
}

/* The verify kind of a structural problem found while loading. */
static ex_verify_kind
structure_kind(ex_bundle_problem_kind kind)
{
	return kind == EX_PROBLEM_TRUNCATED ? EX_VERIFY_INCOMPLETE :
	    EX_VERIFY_STRUCTURE;
}

/*
 * EX_ERR_USAGE naming the bundles the folder at path holds, when it holds
 * some instead of being one (ex_bundle_held); else EX_OK.
 */
static ex_status
refuse_holder(const char *path, ex_error *err)
{
	char **held = NULL, msg[EX_ERROR_MAX - 64], dir[512];
	size_t nheld = 0, i, len, o;
	ex_status st;

	if ((st = ex_bundle_held(path, &held, &nheld, err)) != EX_OK ||
	    nheld == 0)
		return st;
	/* How to name each: "NAME" from ".", else "DIR/NAME". */
	len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	if ((len == 1 && path[0] == '.') || (len == 2 &&
	    strncmp(path, "./", 2) == 0))
		dir[0] = '\0';
	else
		snprintf(dir, sizeof(dir), "%.*s%s", (int)len, path,
		    path[len - 1] == '/' ? "" : "/");
	o = (size_t)snprintf(msg, sizeof(msg), "%s is not a bundle; it "
	    "contains the bundle%s ", path, nheld > 1 ? "s" : "");
	for (i = 0; i < nheld && o < sizeof(msg); i++)
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, "%s%s",
		    i == 0 ? "" : i + 1 == nheld ? " and " : ", ", held[i]);
	for (i = 0; i < nheld && o < sizeof(msg); i++)
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, "%s%s%s",
		    i == 0 ? (nheld > 1 ? " (verify each: " : " (verify ") :
		    ", ", dir, held[i]);
	if (o < sizeof(msg))
		snprintf(msg + o, sizeof(msg) - o, ")");
	for (i = 0; i < nheld; i++)
		free(held[i]);
	free(held);
	return ex_error_set(err, EX_ERR_USAGE, "%s", msg);
}

ex_status
ex_verify(const char *path, const ex_pubkey *trusted, size_t ntrusted,
    ex_verify_report **out, ex_error *err)
{
	return ex_verify_flags(path, trusted, ntrusted, 0, out, err);
}

ex_status
ex_verify_flags(const char *path, const ex_pubkey *trusted, size_t ntrusted,
    unsigned flags, ex_verify_report **out, ex_error *err)
{
	ex_bundle *b = NULL;
	ex_manifest *m = NULL;
	ex_verify_report *r;
	struct ctx c;
	size_t i, k, untrusted;
	ex_status st;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if (path != NULL && (st = refuse_holder(path, err)) != EX_OK)
		return st;
	if ((st = ex_bundle_load(path, NULL, &b, err)) != EX_OK)
		return st;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto nomem;
	c.b = b;
	c.r = r;
	c.trusted = trusted;
	c.ntrusted = ntrusted;
	c.flags = flags;
	r->strict = (flags & EX_VERIFY_STRICT) != 0;
	/* A desktop system's files in a folder bundle: named, not failed. */
	if (b->nignored > 0 &&
	    (r->ignored = calloc(b->nignored, sizeof(*r->ignored))) == NULL)
		goto nomem;
	for (i = 0; i < b->nignored; i++) {
		if ((r->ignored[i].path = strdup(b->ignored[i].path)) == NULL)
			goto nomem;
		r->ignored[i].origin = b->ignored[i].origin;
		r->nignored++;
	}
	r->container = strdup(ex_bundle_container_name(b->kind));
	{
		ex_container named;

		/* Content decides how it is read, but a name that lies about
		 * the content (a tar called .zip, a folder called .zip) is
		 * itself a failure. */
		if (ex_bundle_container_from_name(path, &named) &&
		    named != b->kind)
			problem(&c, EX_VERIFY_BINDING, "", "%s: named .%s but "
			    "holds a %s %s", path,
			    ex_bundle_container_name(named),
			    b->kind == EX_CONTAINER_DIR ? "folder" :
			    ex_bundle_container_name(b->kind),
			    b->kind == EX_CONTAINER_DIR ? "bundle" :
			    "archive");
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
		problem(&c, structure_kind(p->kind), p->path, "%s",
		    p->message);
	}

	/* An incomplete copy is said once: what is missing from it is not
	 * tampering, and listing every file it lacks would bury the reason. */
	for (i = 0; i < b->nproblems; i++) {
		if (b->problems[i].kind != EX_PROBLEM_TRUNCATED)
			continue;
		/* Nor is each entry of it listed as if it had been checked. */
		for (k = 0; k < r->nfiles; k++) {
			free(r->files[k].path);
			free(r->files[k].role);
			free(r->files[k].problem);
		}
		r->nfiles = 0;
		r->incomplete = 1;
		goto verdict;
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
		check_bindings(&c, m);
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
		/* (Each message names its file; a path may hold ": ", so
		 * none is split off for the problem's path.) */
		for (i = 0; i < nbagp; i++) {
			problem(&c, EX_VERIFY_BAGIT, "", "%s", bagp[i]);
			free(bagp[i]);
		}
		free(bagp);
	}

	/* 6. Custody. */
	check_custody(&c);

	/* 4. Exactly the signed set. */
	check_coverage(&c);
verdict:
	if (c.nomem)
		goto nomem;

	/* Untrusted signers are listed as problems; intact ignores them. */
	for (i = 0, untrusted = 0; i < r->nproblems; i++)
		if (r->problems[i].kind == EX_VERIFY_UNTRUSTED)
			untrusted++;
	r->intact = r->nproblems == untrusted && r->manifest_ok &&
	    r->custody_ok;
	r->trusted = r->signer_trusted && r->custody_unverified == 0;
	r->passed = r->intact && r->signer_trusted &&
	    (!r->strict || r->custody_unverified == 0);
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
	return base_nomem(err);
}

/*
 * custody.c — the custody log: append (sign and chain), write, parse,
 * verify.  The canonical form that is signed and hashed is specified in
 * include/exhibit/custody.h; canonical() below is its only producer.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "evidence/xml_private.h"
#include "exhibit/custody.h"

#define CUSTODY_NS "urn:exhibit:custody:1"
#define WHAT "custody.xml"

static const unsigned char zeros[EX_SHA256_BYTES];

const char *
ex_custody_xsd(size_t *len)
{
	if (len != NULL)
		*len = ex_custody_xsd_text_len;
	return (const char *)ex_custody_xsd_text;
}

/* ---- model ------------------------------------------------------------ */

ex_status
ex_custody_new(const char *exhibit_ref, ex_custody **out, ex_error *err)
{
	ex_custody *c;

	*out = NULL;
	if (exhibit_ref == NULL || exhibit_ref[0] == '\0')
		return ex_error_set(err, EX_ERR_USAGE,
		    "custody: no exhibit reference");
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->exhibit_ref = base_xml_clean(exhibit_ref, 1)) == NULL) {
		free(c);
		return base_nomem(err);
	}
	*out = c;
	return EX_OK;
}

static void
free_event(ex_custody_event *e)
{
	free(e->actor);
	free(e->action);
	free(e->note);
	free(e->signature);
	memset(e, 0, sizeof(*e));
}

void
ex_custody_free(ex_custody **cp)
{
	ex_custody *c;
	size_t i;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	for (i = 0; i < c->nevents; i++)
		free_event(&c->events[i]);
	free(c->events);
	free(c->exhibit_ref);
	free(c->seal);
	free(c);
	*cp = NULL;
}

/* ---- canonical form and hashes ---------------------------------------- */

/* Escape \ LF TAB so that a value stays on one line. */
static void
add_escaped(base_buf *b, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *rep = *s == '\\' ? "\\\\" : *s == '\n' ? "\\n" :
		    *s == '\t' ? "\\t" : NULL;

		if (rep == NULL)
			continue;
		base_buf_add(b, run, (size_t)(s - run));
		base_buf_adds(b, rep);
		run = s + 1;
	}
	base_buf_adds(b, run);
}

static void
add_field(base_buf *b, const char *name, const char *value)
{
	base_buf_adds(b, name);
	base_buf_adds(b, "=");
	add_escaped(b, value != NULL ? value : "");
	base_buf_adds(b, "\n");
}

static ex_status
canonical(const char *exhibit_ref, const ex_custody_event *e, base_buf *b,
    ex_error *err)
{
	char tbuf[EX_TIME_BUFSZ], hex[EX_SHA256_HEX], seq[32];

	memset(b, 0, sizeof(*b));
	snprintf(seq, sizeof(seq), "%" PRIu64, e->seq);
	base_buf_adds(b, "exhibit-custody-v1\n");
	add_field(b, "bundle", exhibit_ref);
	add_field(b, "seq", seq);
	add_field(b, "time", base_xml_time_utc(e->time, tbuf, sizeof(tbuf)));
	add_field(b, "actor", e->actor);
	add_field(b, "action", e->action);
	add_field(b, "note", e->note);
	add_field(b, "key-id", e->key_id);
	add_field(b, "public-key", e->public_key);
	add_field(b, "manifest-sha256", ex_sha256_hex(e->manifest_sha256, hex));
	add_field(b, "previous-sha256", ex_sha256_hex(e->previous_sha256, hex));
	if (base_buf_failed(b)) {
		base_buf_free(b);
		return base_nomem(err);
	}
	return EX_OK;
}

ex_status
ex_custody_canonical(const ex_custody *c, size_t i, char **text,
    size_t *len, ex_error *err)
{
	ex_status st;
	base_buf b;

	*text = NULL;
	if (i >= c->nevents)
		return ex_error_set(err, EX_ERR_USAGE,
		    "custody: no event %zu", i + 1);
	if ((st = canonical(c->exhibit_ref, &c->events[i], &b, err)) != EX_OK)
		return st;
	*text = b.data;
	if (len != NULL)
		*len = b.len;
	return EX_OK;
}

ex_status
ex_custody_event_hash(const ex_custody *c, size_t i,
    unsigned char out[EX_SHA256_BYTES], ex_error *err)
{
	crypto_hash_sha256_state h;
	const char *sig;
	char *text;
	size_t len;
	ex_status st;

	if ((st = ex_custody_canonical(c, i, &text, &len, err)) != EX_OK)
		return st;
	sig = c->events[i].signature != NULL ? c->events[i].signature : "";
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)text, len);
	crypto_hash_sha256_update(&h, (const unsigned char *)sig, strlen(sig));
	crypto_hash_sha256_final(&h, out);
	free(text);
	return EX_OK;
}

/* The seal's canonical form: the log as it ends, at event n. */
static ex_status
seal_canonical(const ex_custody *c, size_t n, base_buf *b, ex_error *err)
{
	unsigned char last[EX_SHA256_BYTES];
	char hex[EX_SHA256_HEX], num[32];
	ex_status st;

	memset(b, 0, sizeof(*b));
	if (n == 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "custody: the log has no events");
	if ((st = ex_custody_event_hash(c, n - 1, last, err)) != EX_OK)
		return st;
	snprintf(num, sizeof(num), "%zu", n);
	base_buf_adds(b, "exhibit-custody-seal-v1\n");
	add_field(b, "bundle", c->exhibit_ref);
	add_field(b, "events", num);
	add_field(b, "last-sha256", ex_sha256_hex(last, hex));
	if (base_buf_failed(b)) {
		base_buf_free(b);
		return base_nomem(err);
	}
	return EX_OK;
}

/* "exhibit custody log of bundle JS/1 ends at event 2". */
static void
seal_comment(const ex_custody *c, size_t n, char *buf, size_t size)
{
	snprintf(buf, size, "exhibit custody log of bundle %s ends at event "
	    "%zu", c->exhibit_ref, n);
}

/* "exhibit custody event 2 of bundle JS/1" (no CR/LF: the reference is
 * an attribute value, cleaned of both). */
static void
trusted_comment(const ex_custody *c, uint64_t seq, char *buf, size_t size)
{
	snprintf(buf, size, "exhibit custody event %" PRIu64 " of bundle %s",
	    seq, c->exhibit_ref);
}

/* ---- append ----------------------------------------------------------- */

ex_status
ex_custody_append(ex_custody *c, const ex_seckey *sk, const char *actor,
    const char *action, const char *note, ex_instant time,
    const unsigned char manifest_sha256[EX_SHA256_BYTES], ex_error *err)
{
	char tc[EX_TRUSTED_COMMENT_MAX + 1];
	ex_custody_event e, *slot;
	ex_digest_result d;
	ex_status st = EX_OK;
	ex_pubkey pk;
	base_buf b = { 0 };

	memset(&e, 0, sizeof(e));
	if (c == NULL || sk == NULL || manifest_sha256 == NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "custody: nothing to append to or no key");
	if (time == EX_INSTANT_NONE)
		return ex_error_set(err, EX_ERR_USAGE, "custody: no time");
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");
	e.seq = (uint64_t)c->nevents + 1;
	e.time = time;
	e.actor = base_xml_clean(actor, 0);
	e.action = base_xml_clean(action, 0);
	e.note = base_xml_clean(note, 0);
	if ((actor != NULL && e.actor == NULL) ||
	    (action != NULL && e.action == NULL) ||
	    (note != NULL && e.note == NULL)) {
		st = base_nomem(err);
		goto out;
	}
	if (e.actor == NULL || e.actor[0] == '\0' || e.action == NULL ||
	    e.action[0] == '\0') {
		st = ex_error_set(err, EX_ERR_USAGE,
		    "custody: an event needs an actor and an action");
		goto out;
	}
	if (e.note != NULL && e.note[0] == '\0') {
		free(e.note);
		e.note = NULL;
	}
	ex_seckey_pubkey(sk, &pk);
	ex_keyid_format(pk.keyid, e.key_id, sizeof(e.key_id));
	ex_pubkey_base64(&pk, e.public_key);
	memcpy(e.manifest_sha256, manifest_sha256, EX_SHA256_BYTES);
	if (c->nevents == 0)
		memset(e.previous_sha256, 0, EX_SHA256_BYTES);
	else if ((st = ex_custody_event_hash(c, c->nevents - 1,
	    e.previous_sha256, err)) != EX_OK)
		goto out;
	if ((st = canonical(c->exhibit_ref, &e, &b, err)) != EX_OK)
		goto out;
	ex_digest_buffer(b.data, b.len, &d);
	trusted_comment(c, e.seq, tc, sizeof(tc));
	if ((st = ex_sign_digest(sk, d.blake2b, tc, NULL, &e.signature, NULL,
	    err)) != EX_OK) {
		ex_error_prefix(err, "custody event %" PRIu64, e.seq);
		goto out;
	}
	if ((slot = evidence_push(&c->events, &c->nevents, sizeof(*slot),
	    err)) == NULL) {
		st = EX_ERR_NOMEM;
		goto out;
	}
	*slot = e;
	memset(&e, 0, sizeof(e));
	/* The log now ends here: seal it, with the same key. */
	base_buf_free(&b);
	if ((st = seal_canonical(c, c->nevents, &b, err)) != EX_OK)
		goto out;
	ex_digest_buffer(b.data, b.len, &d);
	seal_comment(c, c->nevents, tc, sizeof(tc));
	free(c->seal);
	c->seal = NULL;
	if ((st = ex_sign_digest(sk, d.blake2b, tc, NULL, &c->seal, NULL,
	    err)) != EX_OK)
		ex_error_prefix(err, "custody seal");
out:
	base_buf_free(&b);
	free_event(&e);
	return st;
}

/* ---- write ------------------------------------------------------------ */

ex_status
ex_custody_write(const ex_custody *c, char **xml, size_t *len,
    ex_error *err)
{
	char hex[EX_SHA256_HEX], seq[32];
	ex_status st;
	base_xw x;
	size_t i;

	*xml = NULL;
	*len = 0;
	if (c->nevents == 0)
		return ex_error_set(err, EX_ERR_USAGE,
		    "custody: the log has no events");
	if (c->seal == NULL)
		return ex_error_set(err, EX_ERR_USAGE,
		    "custody: the log is not sealed");
	if ((st = base_xw_open(&x, "custody", CUSTODY_NS, err)) != EX_OK)
		return st;
	base_xw_attr(&x, "format", "1");
	base_xw_attr(&x, "exhibit", c->exhibit_ref);
	for (i = 0; i < c->nevents; i++) {
		const ex_custody_event *e = &c->events[i];

		snprintf(seq, sizeof(seq), "%" PRIu64, e->seq);
		base_xw_start(&x, "event");
		base_xw_attr(&x, "seq", seq);
		base_xw_attr_time(&x, "time", e->time);
		base_xw_element(&x, "actor", e->actor);
		base_xw_element(&x, "action", e->action);
		base_xw_element(&x, "note", e->note);
		base_xw_start(&x, "signer");
		base_xw_attr(&x, "key-id", e->key_id);
		base_xw_element(&x, "public-key", e->public_key);
		base_xw_end(&x);
		base_xw_element(&x, "manifest-sha256",
		    ex_sha256_hex(e->manifest_sha256, hex));
		base_xw_element(&x, "previous-sha256",
		    ex_sha256_hex(e->previous_sha256, hex));
		base_xw_element(&x, "signature", e->signature);
		base_xw_end(&x);
	}
	base_xw_element(&x, "seal", c->seal);
	base_xw_end(&x);
	return base_xw_close(&x, WHAT, xml, len, err);
}

/* ---- parse ------------------------------------------------------------ */

static void
read_hex(evidence_xr *r, xmlNodePtr parent, const char *name, uint64_t seq,
    unsigned char out[EX_SHA256_BYTES])
{
	char *s = evidence_xr_child_text(r, parent, name);
	ex_error e;

	if (s != NULL && ex_sha256_from_hex(s, out, &e) != EX_OK)
		evidence_xr_fail(r, EX_ERR_FORMAT, "event %" PRIu64 ": %s: %s", seq,
		    name, e.message);
	free(s);
}

/* Copy a short validated string into a fixed field. */
static void
read_fixed(evidence_xr *r, char *s, char *out, size_t size, uint64_t seq,
    const char *name)
{
	if (s != NULL && strlen(s) < size)
		memcpy(out, s, strlen(s) + 1);
	else if (s != NULL)
		evidence_xr_fail(r, EX_ERR_FORMAT, "event %" PRIu64 ": %s too long",
		    seq, name);
	free(s);
}

static void
read_event(evidence_xr *r, xmlNodePtr n, ex_custody_event *e)
{
	xmlNodePtr signer = evidence_xr_child(n, "signer");

	e->seq = evidence_xr_attr_uint(r, n, "seq");
	e->time = evidence_xr_attr_time(r, n, "time");
	e->actor = evidence_xr_child_text(r, n, "actor");
	e->action = evidence_xr_child_text(r, n, "action");
	e->note = evidence_xr_child_text(r, n, "note");
	if (e->note != NULL && e->note[0] == '\0') {
		free(e->note);
		e->note = NULL;
	}
	read_fixed(r, evidence_xr_attr(r, signer, "key-id"), e->key_id,
	    sizeof(e->key_id), e->seq, "key-id");
	read_fixed(r, evidence_xr_child_text(r, signer, "public-key"),
	    e->public_key, sizeof(e->public_key), e->seq, "public-key");
	read_hex(r, n, "manifest-sha256", e->seq, e->manifest_sha256);
	read_hex(r, n, "previous-sha256", e->seq, e->previous_sha256);
	e->signature = evidence_xr_child_text(r, n, "signature");
}

ex_status
ex_custody_parse(const char *xml, size_t len, ex_custody **out,
    ex_error *err)
{
	ex_custody *c = NULL;
	ex_custody_event *e;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	ex_status st;
	evidence_xr r;

	*out = NULL;
	if ((st = evidence_xr_start(&r, WHAT, xml, len, ex_custody_xsd_text,
	    ex_custody_xsd_text_len, &doc, err)) != EX_OK)
		goto out;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		st = base_nomem(err);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	c->exhibit_ref = evidence_xr_attr(&r, root, "exhibit");
	for (n = evidence_xr_child(root, "event");
	    n != NULL && r.status == EX_OK;
	    n = evidence_xr_next(n->next, "event")) {
		if ((e = evidence_push(&c->events, &c->nevents, sizeof(*e),
		    NULL)) == NULL) {
			evidence_xr_nomem(&r);
			break;
		}
		read_event(&r, n, e);
	}
	if (r.status == EX_OK)
		c->seal = evidence_xr_child_text(&r, root, "seal");
	if ((st = r.status) != EX_OK)
		goto out;
	*out = c;
	c = NULL;
out:
	ex_custody_free(&c);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return st;
}

/* ---- verify ----------------------------------------------------------- */

void
ex_custody_report_free(ex_custody_report *report)
{
	if (report == NULL)
		return;
	free(report->events);
	memset(report, 0, sizeof(*report));
}

/* sigtext is a prehashed (ED) minisign signature by pk of the canonical
 * bytes b, whose trusted comment is tc; on failure say why. */
static int
minisig_ok(const ex_pubkey *pk, const char *sigtext, const base_buf *b,
    const char *tc, char *why, size_t whysize)
{
	ex_digest_result d;
	ex_signature sig;
	ex_error err;

	if (sigtext == NULL || ex_sig_parse(sigtext, strlen(sigtext), &sig,
	    &err) != EX_OK) {
		snprintf(why, whysize, "signature: %.160s",
		    sigtext == NULL ? "missing" : err.message);
		return 0;
	}
	if (sig.alg != EX_SIG_HASHED) {
		snprintf(why, whysize, "signature is not a prehashed (ED) "
		    "minisign signature");
		return 0;
	}
	ex_digest_buffer(b->data, b->len, &d);
	if (ex_sig_verify_digest(pk, &sig, d.blake2b, &err) != EX_OK) {
		snprintf(why, whysize, "signature: %.160s", err.message);
		return 0;
	}
	if (strcmp(sig.trusted_comment, tc) != 0) {
		snprintf(why, whysize, "signed trusted comment '%.80s' is not "
		    "'%.80s'", sig.trusted_comment, tc);
		return 0;
	}
	return 1;
}

/* Check event i's signature; on failure describe it in why. */
static int
signature_ok(const ex_custody *c, size_t i, ex_pubkey *pk, int *have_pk,
    char *why, size_t whysize)
{
	const ex_custody_event *e = &c->events[i];
	char tc[EX_TRUSTED_COMMENT_MAX + 1], kid[EX_KEYID_TEXT];
	ex_error err;
	base_buf b;
	int ok;

	*have_pk = 0;
	if (ex_pubkey_parse(e->public_key, strlen(e->public_key), pk,
	    &err) != EX_OK) {
		snprintf(why, whysize, "public key: %.160s", err.message);
		return 0;
	}
	*have_pk = 1;
	if (strcmp(ex_keyid_format(pk->keyid, kid, sizeof(kid)),
	    e->key_id) != 0) {
		snprintf(why, whysize, "key-id %s is not the public key's (%s)",
		    e->key_id, kid);
		return 0;
	}
	if (canonical(c->exhibit_ref, e, &b, &err) != EX_OK) {
		snprintf(why, whysize, "%.160s", err.message);
		return 0;
	}
	trusted_comment(c, e->seq, tc, sizeof(tc));
	ok = minisig_ok(pk, e->signature, &b, tc, why, whysize);
	base_buf_free(&b);
	return ok;
}

/* The seal: the last event's signer says the log ends there. */
static int
seal_ok(const ex_custody *c, char *why, size_t whysize)
{
	const ex_custody_event *last = &c->events[c->nevents - 1];
	char tc[EX_TRUSTED_COMMENT_MAX + 1];
	ex_pubkey pk;
	ex_error err;
	base_buf b;
	int ok;

	if (c->seal == NULL) {
		snprintf(why, whysize, "missing");
		return 0;
	}
	if (ex_pubkey_parse(last->public_key, strlen(last->public_key), &pk,
	    &err) != EX_OK) {
		snprintf(why, whysize, "event %" PRIu64 "'s public key: %.160s",
		    last->seq, err.message);
		return 0;
	}
	if (seal_canonical(c, c->nevents, &b, &err) != EX_OK) {
		snprintf(why, whysize, "%.160s", err.message);
		return 0;
	}
	seal_comment(c, c->nevents, tc, sizeof(tc));
	ok = minisig_ok(&pk, c->seal, &b, tc, why, whysize);
	base_buf_free(&b);
	return ok;
}

ex_status
ex_custody_verify(const ex_custody *c,
    const unsigned char manifest_sha256[EX_SHA256_BYTES],
    const ex_pubkey *trusted, size_t ntrusted, ex_custody_report *out,
    ex_error *err)
{
	unsigned char prev[EX_SHA256_BYTES];
	ex_custody_event_report *reps = NULL, *rep;
	ex_status st = EX_OK;
	int intact = 1, all_trusted = 1, have_pk, sealed = 0;
	char first[EX_ERROR_MAX - 64] = "", swhy[200], seal_problem[512] = "";
	ex_pubkey pk;
	size_t i, k;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (sodium_init() < 0)
		return ex_error_set(err, EX_ERR_CRYPTO,
		    "libsodium could not be initialised");
	if (c == NULL || c->nevents == 0)
		return ex_error_set(err, EX_ERR_VERIFY,
		    "custody: the log has no events (event 1, the export, is "
		    "missing)");
	if ((reps = calloc(c->nevents, sizeof(*reps))) == NULL)
		return base_nomem(err);
	memset(prev, 0, sizeof(prev));
	for (i = 0; i < c->nevents; i++) {
		const ex_custody_event *e = &c->events[i];
		char why[200] = "";

		rep = &reps[i];
		rep->seq = e->seq;
		snprintf(rep->key_id, sizeof(rep->key_id), "%s", e->key_id);
		rep->seq_ok = e->seq == (uint64_t)i + 1;
		rep->signature_ok = signature_ok(c, i, &pk, &have_pk, why,
		    sizeof(why));
		rep->link_ok = ex_digest_equal(e->previous_sha256,
		    i == 0 ? zeros : prev, EX_SHA256_BYTES);
		rep->manifest_ok = ex_digest_equal(e->manifest_sha256,
		    manifest_sha256, EX_SHA256_BYTES);
		for (k = 0; have_pk && k < ntrusted; k++) {
			if (ex_pubkey_equal(&pk, &trusted[k]))
				rep->trusted = 1;
		}
		if (!rep->seq_ok)
			snprintf(rep->problem, sizeof(rep->problem),
			    "found where event %zu should be (an event is "
			    "missing, inserted or out of order)", i + 1);
		else if (!rep->signature_ok)
			snprintf(rep->problem, sizeof(rep->problem), "%s", why);
		else if (!rep->link_ok)
			snprintf(rep->problem, sizeof(rep->problem),
			    "previous-sha256 is not the hash of event %zu "
			    "(the log was edited, reordered or an event "
			    "removed)", i);
		else if (!rep->manifest_ok)
			snprintf(rep->problem, sizeof(rep->problem),
			    "manifest-sha256 is not the SHA-256 of "
			    "manifest.xml");
		if (rep->problem[0] != '\0' && intact) {
			intact = 0;
			snprintf(first, sizeof(first), "custody event %" PRIu64
			    ": %s", e->seq, rep->problem);
		}
		if (!rep->trusted)
			all_trusted = 0;
		if ((st = ex_custody_event_hash(c, i, prev, err)) != EX_OK)
			goto out;
	}
	/* Only a log whose events check out can be checked for its end. */
	if (intact && !(sealed = seal_ok(c, swhy, sizeof(swhy)))) {
		intact = 0;
		snprintf(seal_problem, sizeof(seal_problem), "does not close "
		    "the log at event %zu with that event's signer's key (an "
		    "event was removed from the end, or the seal replaced): "
		    "%s", c->nevents, swhy);
		snprintf(first, sizeof(first), "custody seal: %s",
		    seal_problem);
	}
	if (!intact)
		st = ex_error_set(err, EX_ERR_VERIFY, "%s", first);
	if (out != NULL) {
		out->events = reps;
		out->nevents = c->nevents;
		out->sealed = sealed;
		snprintf(out->seal_problem, sizeof(out->seal_problem), "%s",
		    seal_problem);
		out->intact = intact;
		out->all_trusted = intact && all_trusted;
		reps = NULL;
	}
out:
	free(reps);
	return st;
}

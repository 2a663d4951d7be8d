/* test_custody.c — custody.xml: signing, chaining, verification, tampering. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhibit/custody.h"
#include "scratch.h"

#define EXHIBIT_REF "JS/1"

typedef struct fixture {
	ex_seckey *a, *b, *c;           /* control room, police, intruder */
	ex_pubkey pa, pb, pc;
	unsigned char manifest[EX_SHA256_BYTES];
	ex_instant t0;
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	ex_digest_result d;
	ex_error err;

	if (f == NULL || ex_key_generate(&f->a, &err) != EX_OK ||
	    ex_key_generate(&f->b, &err) != EX_OK ||
	    ex_key_generate(&f->c, &err) != EX_OK)
		return -1;
	ex_seckey_pubkey(f->a, &f->pa);
	ex_seckey_pubkey(f->b, &f->pb);
	ex_seckey_pubkey(f->c, &f->pc);
	ex_digest_buffer("<manifest/>\n", 12, &d);
	memcpy(f->manifest, d.sha256, EX_SHA256_BYTES);
	if (ex_time_parse("2024-10-28T09:00:00.000001Z", NULL, &f->t0,
	    &err) != EX_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	ex_seckey_free(&f->a);
	ex_seckey_free(&f->b);
	ex_seckey_free(&f->c);
	free(f);
	return 0;
}

static void
append_ok(ex_custody *c, const ex_seckey *sk, const char *actor,
    const char *action, const char *note, ex_instant t,
    const unsigned char *manifest)
{
	ex_error err;

	ex_error_clear(&err);
	if (ex_custody_append(c, sk, actor, action, note, t, manifest,
	    &err) != EX_OK)
		fail_msg("append: %s", err.message);
}

/* Export by A, received and handed to court by B. */
static ex_custody *
three_events(const fixture *f, const ex_seckey *second)
{
	ex_custody *c = NULL;

	assert_int_equal(ex_custody_new(EXHIBIT_REF, &c, NULL), EX_OK);
	append_ok(c, f->a, "Jo Smith", "exported", "Police request 44",
	    f->t0, f->manifest);
	append_ok(c, second, "PC 1234 Brown", "received", NULL,
	    f->t0 + 3600 * EX_USEC_PER_SEC, f->manifest);
	append_ok(c, f->b, "PC 1234 Brown", "handed-to-court",
	    "Crown Court\nexhibit shelf 3", f->t0 + 86400 * EX_USEC_PER_SEC,
	    f->manifest);
	return c;
}

static void
write_ok(const ex_custody *c, char **xml, size_t *len)
{
	ex_error err;

	if (ex_custody_write(c, xml, len, &err) != EX_OK)
		fail_msg("write: %s", err.message);
}

static ex_custody *
parse_ok(const char *xml, size_t len)
{
	ex_custody *c = NULL;
	ex_error err;

	if (ex_custody_parse(xml, len, &c, &err) != EX_OK)
		fail_msg("parse: %s", err.message);
	return c;
}

/* Write, parse back: what verify will see. */
static ex_custody *
reread(const ex_custody *c)
{
	ex_custody *p;
	size_t len;
	char *xml;

	write_ok(c, &xml, &len);
	p = parse_ok(xml, len);
	free(xml);
	return p;
}

static void
expect_broken(const ex_custody *c, const fixture *f,
    const unsigned char *manifest, const char *needle)
{
	const ex_pubkey keys[] = { f->pa, f->pb };
	ex_custody_report rep;
	ex_error err;

	ex_error_clear(&err);
	assert_int_equal(ex_custody_verify(c, manifest, keys, 2, &rep, &err),
	    EX_ERR_VERIFY);
	assert_int_equal(err.code, EX_ERR_VERIFY);
	if (strstr(err.message, needle) == NULL)
		fail_msg("'%s' lacks '%s'", err.message, needle);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.all_trusted, 0);
	ex_custody_report_free(&rep);
}

static void
test_three_events_two_keys_verify(void **state)
{
	const fixture *f = *state;
	const ex_pubkey keys[] = { f->pa, f->pb };
	ex_custody *c = three_events(f, f->b), *p;
	char kid[EX_KEYID_TEXT];
	ex_custody_report rep;
	ex_error err;
	size_t i;

	p = reread(c);
	assert_int_equal(p->nevents, 3);
	assert_string_equal(p->exhibit_ref, EXHIBIT_REF);
	assert_string_equal(p->events[2].note, "Crown Court\nexhibit shelf 3");
	assert_null(p->events[1].note);
	assert_int_equal(p->events[2].time, f->t0 + 86400 * EX_USEC_PER_SEC);
	ex_error_clear(&err);
	if (ex_custody_verify(p, f->manifest, keys, 2, &rep, &err) != EX_OK)
		fail_msg("verify: %s", err.message);
	assert_int_equal(rep.nevents, 3);
	assert_int_equal(rep.intact, 1);
	assert_int_equal(rep.all_trusted, 1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(rep.events[i].seq, i + 1);
		assert_true(rep.events[i].seq_ok && rep.events[i].link_ok &&
		    rep.events[i].signature_ok && rep.events[i].manifest_ok &&
		    rep.events[i].trusted);
		assert_string_equal(rep.events[i].problem, "");
	}
	assert_string_equal(rep.events[0].key_id,
	    ex_keyid_format(f->pa.keyid, kid, sizeof(kid)));
	assert_string_equal(rep.events[1].key_id,
	    ex_keyid_format(f->pb.keyid, kid, sizeof(kid)));
	ex_custody_report_free(&rep);
	ex_custody_free(&c);
	ex_custody_free(&p);
	assert_null(p);
	ex_custody_free(NULL);
}

static void
test_only_first_key_trusted(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b), *p = reread(c);
	ex_custody_report rep;

	/* Intact, but events 2 and 3 are by a key the caller did not trust. */
	assert_int_equal(ex_custody_verify(p, f->manifest, &f->pa, 1, &rep,
	    NULL), EX_OK);
	assert_int_equal(rep.intact, 1);
	assert_int_equal(rep.all_trusted, 0);
	assert_int_equal(rep.events[0].trusted, 1);
	assert_int_equal(rep.events[1].trusted, 0);
	assert_int_equal(rep.events[2].trusted, 0);
	assert_int_equal(rep.events[1].signature_ok, 1);
	ex_custody_report_free(&rep);
	/* No trusted key at all. */
	assert_int_equal(ex_custody_verify(p, f->manifest, NULL, 0, &rep,
	    NULL), EX_OK);
	assert_int_equal(rep.events[0].trusted, 0);
	assert_int_equal(rep.all_trusted, 0);
	ex_custody_report_free(&rep);
	ex_custody_free(&c);
	ex_custody_free(&p);
}

/* The XML of a log with one substring replaced, parsed back. */
static ex_custody *
edited(const ex_custody *c, const char *from, const char *to)
{
	size_t len, outlen;
	char *xml, *hit, *out;
	ex_custody *p;

	write_ok(c, &xml, &len);
	assert_non_null(hit = strstr(xml, from));
	outlen = len - strlen(from) + strlen(to);
	assert_non_null(out = malloc(outlen + 1));
	memcpy(out, xml, (size_t)(hit - xml));
	strcpy(out + (hit - xml), to);
	strcat(out, hit + strlen(from));
	p = parse_ok(out, outlen);
	free(xml);
	free(out);
	return p;
}

static void
test_edited_event_fails(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b), *p;

	p = edited(c, "<action>received</action>", "<action>copied</action>");
	expect_broken(p, f, f->manifest,
	    "custody event 2: signature: signature does not match");
	ex_custody_free(&p);
	/* A changed time, too. */
	p = edited(c, "time=\"2024-10-29T09:00:00.000001Z\"",
	    "time=\"2024-10-29T09:00:00.000002Z\"");
	expect_broken(p, f, f->manifest, "custody event 3: signature");
	ex_custody_free(&p);
	ex_custody_free(&c);
}

static void
test_removed_middle_event_fails(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b), *p = reread(c);
	char *xml, *start, *end;
	size_t len;

	/* Drop event 2 from the parsed log. */
	free(p->events[1].actor);
	free(p->events[1].action);
	free(p->events[1].note);
	free(p->events[1].signature);
	p->events[1] = p->events[2];
	p->nevents = 2;
	expect_broken(p, f, f->manifest,
	    "custody event 3: found where event 2 should be");
	ex_custody_free(&p);

	/* Cut it out of the XML and renumber event 3 as 2: its signature
	 * covers its number, and its link still names the old event 2. */
	write_ok(c, &xml, &len);
	assert_non_null(start = strstr(xml, "  <event seq=\"2\""));
	assert_non_null(end = strstr(start, "</event>\n"));
	memmove(start, end + 9, strlen(end + 9) + 1);
	assert_non_null(start = strstr(xml, "seq=\"3\""));
	start[5] = '2';
	p = parse_ok(xml, strlen(xml));
	assert_int_equal(p->nevents, 2);
	expect_broken(p, f, f->manifest, "custody event 2: signature");
	ex_custody_free(&p);
	free(xml);
	ex_custody_free(&c);
}

static void
test_removed_last_event_fails(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b), *p = reread(c), *two = NULL;
	ex_custody_report rep;
	ex_error err;

	/* Drop event 3: events 1 and 2 still chain, but the seal closes the
	 * log at event 3. */
	free(p->events[2].actor);
	free(p->events[2].action);
	free(p->events[2].note);
	free(p->events[2].signature);
	p->nevents = 2;
	expect_broken(p, f, f->manifest,
	    "custody seal: does not close the log at event 2");
	assert_int_equal(ex_custody_verify(p, f->manifest, NULL, 0, &rep,
	    &err), EX_ERR_VERIFY);
	assert_int_equal(rep.sealed, 0);
	assert_non_null(strstr(rep.seal_problem, "event was removed"));
	assert_int_equal(rep.events[0].signature_ok, 1);
	assert_int_equal(rep.events[1].link_ok, 1);
	ex_custody_report_free(&rep);

	/* The seal of the log as it was after event 2 (by event 2's signer)
	 * does not close the three-event log either. */
	assert_int_equal(ex_custody_new(EXHIBIT_REF, &two, NULL), EX_OK);
	append_ok(two, f->a, "Jo Smith", "exported", "Police request 44",
	    f->t0, f->manifest);
	append_ok(two, f->b, "PC 1234 Brown", "received", NULL,
	    f->t0 + 3600 * EX_USEC_PER_SEC, f->manifest);
	ex_custody_free(&p);
	p = reread(c);
	free(p->seal);
	assert_non_null(p->seal = strdup(two->seal));
	expect_broken(p, f, f->manifest,
	    "custody seal: does not close the log at event 3");
	/* Nor a missing one. */
	free(p->seal);
	p->seal = NULL;
	expect_broken(p, f, f->manifest, "custody seal: does not close the "
	    "log at event 3 with that event's signer's key (an event was "
	    "removed from the end, or the seal replaced): missing");
	ex_custody_free(&two);
	ex_custody_free(&p);
	ex_custody_free(&c);
}

static void
test_swapped_events_fail(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b), *p = reread(c);
	ex_custody_event tmp;

	tmp = p->events[1];
	p->events[1] = p->events[2];
	p->events[2] = tmp;
	expect_broken(p, f, f->manifest,
	    "custody event 3: found where event 2 should be");
	ex_custody_free(&p);
	ex_custody_free(&c);
}

/* Swapping in a validly signed, different event 2 (another key) breaks
 * the link from event 3: the chain hashes each event's signature too. */
static void
test_substituted_event_breaks_chain(void **state)
{
	const fixture *f = *state;
	const ex_pubkey keys[] = { f->pa, f->pb, f->pc };
	ex_custody *c = three_events(f, f->b), *forged = three_events(f, f->c);
	ex_custody_report rep;
	ex_custody_event tmp;
	ex_error err;

	tmp = c->events[1];
	c->events[1] = forged->events[1];
	forged->events[1] = tmp;
	assert_int_equal(ex_custody_verify(c, f->manifest, keys, 3, &rep, &err),
	    EX_ERR_VERIFY);
	assert_int_equal(rep.events[1].signature_ok, 1);
	assert_int_equal(rep.events[1].link_ok, 1);
	assert_int_equal(rep.events[2].link_ok, 0);
	if (strstr(err.message, "custody event 3: previous-sha256 is not the "
	    "hash of event 2") == NULL)
		fail_msg("%s", err.message);
	ex_custody_report_free(&rep);
	/* Swapping only the signature text breaks event 2 itself. */
	tmp = c->events[1];
	c->events[1] = forged->events[1];
	forged->events[1] = tmp;
	{
		char *sig = c->events[1].signature;

		c->events[1].signature = forged->events[1].signature;
		forged->events[1].signature = sig;
	}
	expect_broken(c, f, f->manifest, "custody event 2: signature");
	ex_custody_free(&c);
	ex_custody_free(&forged);
}

static void
test_changed_manifest_hash_fails(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b), *p;
	unsigned char other[EX_SHA256_BYTES];
	char hex[EX_SHA256_HEX], bad[EX_SHA256_HEX + 40], good[EX_SHA256_HEX + 40];

	/* Checked against a different manifest.xml. */
	memcpy(other, f->manifest, sizeof(other));
	other[0] ^= 1;
	expect_broken(c, f, other,
	    "custody event 1: manifest-sha256 is not the SHA-256 of "
	    "manifest.xml");
	/* An event's recorded manifest hash edited: its signature fails. */
	ex_sha256_hex(f->manifest, hex);
	snprintf(good, sizeof(good), "<manifest-sha256>%s", hex);
	hex[10] = hex[10] == '0' ? '1' : '0';
	snprintf(bad, sizeof(bad), "<manifest-sha256>%s", hex);
	p = edited(c, good, bad);
	expect_broken(p, f, f->manifest, "custody event 1: signature");
	ex_custody_free(&p);
	ex_custody_free(&c);
}

static void
test_empty_log_fails(void **state)
{
	const fixture *f = *state;
	ex_custody *c = NULL;
	ex_error err;
	size_t len;
	char *xml;

	assert_int_equal(ex_custody_new(EXHIBIT_REF, &c, NULL), EX_OK);
	assert_int_equal(ex_custody_verify(c, f->manifest, &f->pa, 1, NULL,
	    &err), EX_ERR_VERIFY);
	assert_non_null(strstr(err.message, "event 1, the export, is missing"));
	assert_int_equal(ex_custody_write(c, &xml, &len, &err), EX_ERR_USAGE);
	assert_int_equal(ex_custody_append(c, f->a, "", "exported", NULL,
	    f->t0, f->manifest, &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "needs an actor and an action"));
	assert_int_equal(c->nevents, 0);
	ex_custody_free(&c);
}

/* The canonical form, byte for byte, with escaping and cleaning. */
static void
test_canonical_form(void **state)
{
	const fixture *f = *state;
	ex_custody *c = NULL;
	char kid[EX_KEYID_TEXT], pk[EX_PUBKEY_B64_TEXT], hex[EX_SHA256_HEX];
	char want[2048], *text;
	size_t len;

	assert_int_equal(ex_custody_new("JS/1", &c, NULL), EX_OK);
	append_ok(c, f->a, "Jo\x01 Smith", "exported",
	    "a\\b\nc\td\xff", f->t0, f->manifest);
	assert_int_equal(ex_custody_canonical(c, 0, &text, &len, NULL), EX_OK);
	snprintf(want, sizeof(want),
	    "exhibit-custody-v1\n"
	    "bundle=JS/1\n"
	    "seq=1\n"
	    "time=2024-10-28T09:00:00.000001Z\n"
	    "actor=Jo Smith\n"
	    "action=exported\n"
	    "note=a\\\\b\\nc\\td\xef\xbf\xbd\n"
	    "key-id=%s\n"
	    "public-key=%s\n"
	    "manifest-sha256=%s\n"
	    "previous-sha256=%064d\n",
	    ex_keyid_format(f->pa.keyid, kid, sizeof(kid)),
	    ex_pubkey_base64(&f->pa, pk), ex_sha256_hex(f->manifest, hex), 0);
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	assert_non_null(strstr(c->events[0].signature,
	    "\ntrusted comment: exhibit custody event 1 of bundle JS/1\n"));
	free(text);
	ex_custody_free(&c);
}

/* Any event can be checked by hand with the stock minisign. */
static void
test_event_checks_with_minisign(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b);
	char dir[1024], path[1100], cmd[2400];
	char pk[EX_PUBKEY_B64_TEXT], *text;
	size_t len;
	FILE *fp;
	int rc;

	if (system("command -v minisign >/dev/null 2>&1") != 0)
		skip();
	assert_int_equal(scratch_make(dir, sizeof(dir), "test_custody"), 0);
	assert_int_equal(ex_custody_canonical(c, 1, &text, &len, NULL), EX_OK);
	snprintf(path, sizeof(path), "%s/event", dir);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/event.minisig", dir);
	assert_non_null(fp = fopen(path, "wb"));
	fputs(c->events[1].signature, fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "minisign -Vq -P %s -m %s/event "
	    ">/dev/null 2>&1", ex_pubkey_base64(&f->pb, pk), dir);
	rc = system(cmd);
	/* And it refuses the canonical form of another event. */
	snprintf(path, sizeof(path), "%s/event", dir);
	free(text);
	assert_int_equal(ex_custody_canonical(c, 2, &text, &len, NULL), EX_OK);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
	assert_int_not_equal(system(cmd), 0);
	scratch_remove(dir);
	assert_int_equal(rc, 0);
	free(text);
	ex_custody_free(&c);
}

static void
test_output_valid_with_xmllint(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b);
	char dir[1024], path[1100], cmd[2400];
	size_t len;
	char *xml;
	FILE *fp;
	int rc;

	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		skip();
	write_ok(c, &xml, &len);
	assert_int_equal(scratch_make(dir, sizeof(dir), "test_custody"), 0);
	snprintf(path, sizeof(path), "%s/custody.xml", dir);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(xml, 1, len, fp), len);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet --schema "
	    "'%s/schemas/custody.xsd' '%s' 2>/dev/null", TEST_SRCDIR, path);
	rc = system(cmd);
	scratch_remove(dir);
	assert_int_equal(rc, 0);
	free(xml);
	ex_custody_free(&c);
}

static void
test_hostile_custody_refused(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b), *p = NULL;
	const char *rest;
	char *xml, *doc;
	size_t len;
	ex_error err;

	(void)f;
	write_ok(c, &xml, &len);
	assert_non_null(doc = malloc(len + 64));
	assert_non_null(rest = strchr(xml, '\n'));
	snprintf(doc, len + 64, "<!DOCTYPE custody>\n%s", rest + 1);
	assert_int_equal(ex_custody_parse(doc, strlen(doc), &p, &err),
	    EX_ERR_FORMAT);
	assert_null(p);
	assert_non_null(strstr(err.message, "custody.xml: has a DOCTYPE"));
	/* Wrong document type: a manifest is not a custody log. */
	snprintf(doc, len + 64,
	    "<manifest xmlns=\"urn:exhibit:manifest:1\" format=\"1\"/>");
	assert_int_equal(ex_custody_parse(doc, strlen(doc), &p, &err),
	    EX_ERR_FORMAT);
	assert_non_null(strstr(err.message, "not valid against its schema"));
	free(doc);
	free(xml);
	ex_custody_free(&c);
}

/* custody_refused: parsing doc must fail with EX_ERR_FORMAT and needle. */
static void
custody_refused(const char *doc, size_t len, const char *needle)
{
	ex_custody *p = (ex_custody *)&p;       /* must be reset to NULL */
	ex_error err;

	assert_int_equal(ex_custody_parse(doc, len, &p, &err), EX_ERR_FORMAT);
	assert_null(p);
	if (strstr(err.message, needle) == NULL)
		fail_msg("'%s' lacks '%s'", err.message, needle);
}

/*
 * exhibit writes no comment, processing instruction or byte-order mark
 * into custody.xml, and none of them is covered by a signature: a log
 * carrying one is refused, wherever it stands.
 */
static void
test_only_the_form_exhibit_writes(void **state)
{
	const fixture *f = *state;
	ex_custody *c = three_events(f, f->b), *p = NULL;
	const char *end;
	char *xml, *doc;
	size_t len, head;
	ex_error err;

	write_ok(c, &xml, &len);
	/* Unchanged, it reads. */
	assert_int_equal(ex_custody_parse(xml, len, &p, &err), EX_OK);
	ex_custody_free(&p);
	assert_non_null(doc = malloc(len + 64));
	assert_non_null(end = strstr(xml, "</custody>"));
	head = (size_t)(end - xml);
	snprintf(doc, len + 64, "%.*s<!-- not signed -->%s", (int)head, xml,
	    end);
	custody_refused(doc, strlen(doc),
	    "custody.xml: has a comment at line");
	snprintf(doc, len + 64, "%s<!-- after the log -->\n", xml);
	custody_refused(doc, strlen(doc),
	    "custody.xml: has a comment at line");
	snprintf(doc, len + 64, "%.*s<?note x?>%s", (int)head, xml, end);
	custody_refused(doc, strlen(doc),
	    "custody.xml: has a processing instruction at line");
	snprintf(doc, len + 64, "\xef\xbb\xbf%s", xml);
	custody_refused(doc, strlen(doc),
	    "custody.xml: starts with a byte-order mark (exhibit writes none)");
	free(doc);
	free(xml);
	ex_custody_free(&c);
}

static void
test_embedded_xsd(void **state)
{
	size_t len;
	const char *xsd = ex_custody_xsd(&len);

	(void)state;
	assert_true(len > 100);
	assert_int_equal(strlen(xsd), len);
	assert_non_null(strstr(xsd, "targetNamespace=\"urn:exhibit:custody:1\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_events_two_keys_verify),
		cmocka_unit_test(test_only_first_key_trusted),
		cmocka_unit_test(test_edited_event_fails),
		cmocka_unit_test(test_removed_middle_event_fails),
		cmocka_unit_test(test_removed_last_event_fails),
		cmocka_unit_test(test_swapped_events_fail),
		cmocka_unit_test(test_substituted_event_breaks_chain),
		cmocka_unit_test(test_changed_manifest_hash_fails),
		cmocka_unit_test(test_empty_log_fails),
		cmocka_unit_test(test_canonical_form),
		cmocka_unit_test(test_event_checks_with_minisign),
		cmocka_unit_test(test_output_valid_with_xmllint),
		cmocka_unit_test(test_hostile_custody_refused),
		cmocka_unit_test(test_only_the_form_exhibit_writes),
		cmocka_unit_test(test_embedded_xsd),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* cmd_verify.c — exhibit verify: check a bundle; PASS or FAIL with reasons. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "cli.h"
#include "exhibit/verify.h"

#define MAX_KEYS 32

static void
usage(FILE *fp)
{
	fputs(
"Usage: exhibit verify BUNDLE [-p PUBLIC_KEY]... [--xml]\n"
"Check an evidence bundle (ZIP, tar, ISO or folder) without extracting it:\n"
"the manifest's signature, every file's SHA-256 and signature, that nothing\n"
"was added or removed, the BagIt manifests and the custody log.\n"
"\n"
"  -p, --public-key FILE  a signer you trust (repeatable: the exporter's key\n"
"                         and the key of everyone who added a custody event)\n"
"      --xml              print the report as XML (urn:exhibit:verify:1)\n"
"  -h, --help             show this help\n"
"\n"
"Without -p the integrity is still checked, but the signer is untrusted and\n"
"the result is FAIL: a bundle re-signed by someone else must never pass.\n"
"\n"
"Exit status: 0 intact and trusted; 1 verification failed (not intact or not\n"
"trusted); 2 usage or system error.\n", fp);
}

static void
print_text(const char *path, const ex_verify_report *r)
{
	size_t i;

	/* Text from the bundle is escaped (cli_esc): it may hold any byte. */
	printf("bundle:    %s (%s, top folder %s)\n", cli_esc(path),
	    r->container, cli_esc(r->top));
	if (r->case_ref != NULL)
		printf("case:      %s, exhibit %s\n", cli_esc(r->case_ref),
		    cli_esc(r->exhibit_ref));
	printf("signer:    key ID %s, %s\n", r->signer_key_id[0] != '\0' ?
	    cli_esc(r->signer_key_id) : "(unknown)", r->signer_trusted ?
	    "trusted" : "NOT TRUSTED");
	printf("files:\n");
	for (i = 0; i < r->nfiles; i++) {
		const ex_verify_file *f = &r->files[i];

		if (strcmp(f->role, "folder") == 0 && f->ok)
			continue;
		printf("  %s  %-9s %s%s%s\n", f->ok ? "PASS" : "FAIL", f->role,
		    cli_esc(f->path), f->ok ? "" : ": ",
		    f->ok ? "" : cli_esc(f->problem));
	}
	if (r->custody.nevents > 0)
		printf("custody:\n");
	for (i = 0; i < r->custody.nevents; i++) {
		const ex_custody_event_report *e = &r->custody.events[i];
		int ok = e->seq_ok && e->link_ok && e->signature_ok &&
		    e->manifest_ok;

		printf("  %s  event %llu: key ID %s, %s%s%s\n",
		    ok ? "PASS" : "FAIL", (unsigned long long)e->seq,
		    cli_esc(e->key_id), e->trusted ? "trusted" : "NOT TRUSTED",
		    e->problem[0] != '\0' ? ": " : "", cli_esc(e->problem));
	}
	if (r->nproblems > 0) {
		printf("problems:\n");
		for (i = 0; i < r->nproblems; i++)
			printf("  - %s\n", cli_esc(r->problems[i].message));
	}
	printf("RESULT: %s%s\n", r->passed ? "PASS" : "FAIL",
	    r->passed ? " (intact, signed by trusted keys)" :
	    r->intact ? " (intact, but not signed by trusted keys)" :
	    " (the evidence is not intact)");
}

static int
print_xml(const char *path, const ex_verify_report *r)
{
	xmlTextWriterPtr w;
	xmlBufferPtr buf;
	char num[32];
	size_t i;
	int rc = 0;

	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		return -1;
	xmlTextWriterSetIndent(w, 1);
#define X(call) do { if ((call) < 0) rc = -1; } while (0)
#define S(s) BAD_CAST (s)
/* Text from the bundle, escaped as on a terminal: XML cannot carry most
 * control characters, and a reader should see what the officer sees. */
#define E(s) BAD_CAST cli_esc(s)
	X(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	X(xmlTextWriterStartElementNS(w, NULL, S("verify"),
	    S("urn:exhibit:verify:1")));
	X(xmlTextWriterWriteAttribute(w, S("result"),
	    S(r->passed ? "pass" : "fail")));
	X(xmlTextWriterWriteAttribute(w, S("intact"),
	    S(r->intact ? "true" : "false")));
	X(xmlTextWriterWriteAttribute(w, S("trusted"),
	    S(r->trusted ? "true" : "false")));
	X(xmlTextWriterStartElement(w, S("bundle")));
	X(xmlTextWriterWriteAttribute(w, S("path"), E(path)));
	X(xmlTextWriterWriteAttribute(w, S("container"), S(r->container)));
	X(xmlTextWriterWriteAttribute(w, S("top"), E(r->top)));
	if (r->case_ref != NULL) {
		X(xmlTextWriterWriteAttribute(w, S("case"), E(r->case_ref)));
		X(xmlTextWriterWriteAttribute(w, S("exhibit"),
		    E(r->exhibit_ref)));
	}
	X(xmlTextWriterEndElement(w));
	X(xmlTextWriterStartElement(w, S("signer")));
	X(xmlTextWriterWriteAttribute(w, S("key-id"), E(r->signer_key_id)));
	X(xmlTextWriterWriteAttribute(w, S("trusted"),
	    S(r->signer_trusted ? "true" : "false")));
	X(xmlTextWriterEndElement(w));
	for (i = 0; i < r->nfiles; i++) {
		const ex_verify_file *f = &r->files[i];

		X(xmlTextWriterStartElement(w, S("file")));
		X(xmlTextWriterWriteAttribute(w, S("path"), E(f->path)));
		X(xmlTextWriterWriteAttribute(w, S("role"), S(f->role)));
		X(xmlTextWriterWriteAttribute(w, S("status"),
		    S(f->ok ? "pass" : "fail")));
		snprintf(num, sizeof(num), "%llu", (unsigned long long)f->size);
		X(xmlTextWriterWriteAttribute(w, S("size"), S(num)));
		if (f->sha256[0] != '\0')
			X(xmlTextWriterWriteAttribute(w, S("sha256"),
			    S(f->sha256)));
		if (!f->ok && f->problem != NULL)
			X(xmlTextWriterWriteString(w, E(f->problem)));
		X(xmlTextWriterEndElement(w));
	}
	for (i = 0; i < r->custody.nevents; i++) {
		const ex_custody_event_report *e = &r->custody.events[i];

		X(xmlTextWriterStartElement(w, S("custody-event")));
		snprintf(num, sizeof(num), "%llu", (unsigned long long)e->seq);
		X(xmlTextWriterWriteAttribute(w, S("seq"), S(num)));
		X(xmlTextWriterWriteAttribute(w, S("key-id"), E(e->key_id)));
		X(xmlTextWriterWriteAttribute(w, S("status"),
		    S(e->seq_ok && e->link_ok && e->signature_ok &&
		    e->manifest_ok ? "pass" : "fail")));
		X(xmlTextWriterWriteAttribute(w, S("trusted"),
		    S(e->trusted ? "true" : "false")));
		if (e->problem[0] != '\0')
			X(xmlTextWriterWriteString(w, E(e->problem)));
		X(xmlTextWriterEndElement(w));
	}
	for (i = 0; i < r->nproblems; i++) {
		X(xmlTextWriterStartElement(w, S("problem")));
		X(xmlTextWriterWriteAttribute(w, S("kind"),
		    S(ex_verify_kind_name(r->problems[i].kind))));
		if (r->problems[i].path[0] != '\0')
			X(xmlTextWriterWriteAttribute(w, S("path"),
			    E(r->problems[i].path)));
		X(xmlTextWriterWriteString(w, E(r->problems[i].message)));
		X(xmlTextWriterEndElement(w));
	}
	X(xmlTextWriterEndElement(w));
	X(xmlTextWriterEndDocument(w));
#undef X
#undef S
#undef E
	xmlFreeTextWriter(w);
	if (rc == 0)
		fwrite(buf->content, 1, (size_t)buf->use, stdout);
	xmlBufferFree(buf);
	return rc;
}

static const struct option longopts[] = {
	{ "public-key", required_argument, NULL, 'p' },
	{ "xml",        no_argument,       NULL, 'x' },
	{ "help",       no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_verify(int argc, char **argv)
{
	ex_pubkey keys[MAX_KEYS];
	size_t nkeys = 0;
	ex_verify_report *r = NULL;
	ex_error err;
	int ch, xml = 0, status = EXIT_TROUBLE;

	ex_error_clear(&err);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (cli_add_public_key(optarg, keys, &nkeys,
			    MAX_KEYS) != 0)
				return EXIT_TROUBLE;
			break;
		case 'x':
			xml = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_usage_hint("verify");
		}
	}
	if (cli_one_bundle("verify", argc, optind) != 0)
		return EXIT_TROUBLE;
	if (ex_verify(argv[optind], keys, nkeys, &r, &err) != EX_OK) {
		cli_error(&err);
		/* Something that is not a bundle at all fails verification. */
		return err.code == EX_ERR_FORMAT ? EXIT_FAILED : EXIT_TROUBLE;
	}
	if (xml) {
		if (print_xml(argv[optind], r) != 0) {
			cli_errorf("verify: cannot write the XML report");
			goto out;
		}
	} else {
		print_text(argv[optind], r);
	}
	status = r->passed ? EXIT_OK : EXIT_FAILED;
out:
	ex_verify_report_free(&r);
	return status;
}

/* cmd_verify.c — exhibit verify: check a bundle; PASS or FAIL with reasons
 * (--xml: the library's report, ex_verify_xml). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exhibit/verify.h"

#define MAX_KEYS 32

static void
usage(FILE *fp)
{
	fputs(
"Usage: exhibit verify BUNDLE [-p PUBLIC_KEY]... [--xml] [--strict]\n"
"Check an evidence bundle (ZIP, tar, ISO or folder) without extracting it,\n"
"and answer three questions: are the files intact (every file present, its\n"
"SHA-256 and signature right, nothing added, the BagIt manifests); who signed\n"
"the export and is that key trusted; which custody events are there, is\n"
"their chain intact and which of their signers are trusted.\n"
"\n"
"  -p, --public-key FILE  a signer you trust (repeatable): the exporter's\n"
"                         key, and the key of whoever added a custody event\n"
"      --strict           demand every signer: a custody event whose signer\n"
"                         is not given with -p fails the bundle\n"
"      --xml              print the report as XML (urn:exhibit:verify:1)\n"
"  -h, --help             show this help\n"
"\n"
"Give the exporter's public key as obtained from the exporter, not the copy\n"
"inside the bundle.  Without -p the integrity is still checked, but the\n"
"exporter is untrusted and the result is FAIL: a bundle re-signed by someone\n"
"else must never pass.  A custody event whose signer is not given with -p is\n"
"reported as unverified (its signature and the chain are still checked) and\n"
"does not fail intact evidence from a trusted exporter, unless --strict.\n"
"A folder bundle's desktop files (.DS_Store, Thumbs.db, desktop.ini, ._*,\n"
"__MACOSX/) are named and ignored.\n"
"\n"
"Exit status: 0 intact and the exporter trusted (with --strict: every signer);\n"
"1 verification failed (not intact, an incomplete copy, or not trusted);\n"
"2 usage or system error (also BUNDLE a folder that holds bundles).\n", fp);
}

/* The key IDs given with -p, for a signer that cannot be read. */
static const char *
given_ids(const ex_pubkey *keys, size_t nkeys, char *buf, size_t size)
{
	char id[EX_KEYID_TEXT];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < nkeys && o < size; i++) {
		ex_keyid_format(keys[i].keyid, id, sizeof(id));
		o += (size_t)snprintf(buf + o, size - o, "%s%s",
		    i == 0 ? "" : ", ", id);
	}
	return buf;
}

/* "event 2", "events 2 and 3", "events 2, 3 and 5" for the custody events
 * whose signer is unverified; their distinct key IDs in ids, and how many
 * those are returned. */
static size_t
unverified_events(const ex_verify_report *r, char *events, size_t esize,
    char *ids, size_t isize)
{
	size_t i, n = 0, k, eo, io = 0, nids = 0;

	eo = (size_t)snprintf(events, esize, "event%s",
	    r->custody_unverified > 1 ? "s" : "");
	ids[0] = '\0';
	for (i = 0; i < r->custody.nevents; i++) {
		const ex_custody_event_report *e = &r->custody.events[i];
		int seen = 0;

		if (e->trusted)
			continue;
		n++;
		if (eo < esize)
			eo += (size_t)snprintf(events + eo, esize - eo, "%s%llu",
			    n == 1 ? " " : n == r->custody_unverified ?
			    " and " : ", ", (unsigned long long)e->seq);
		for (k = 0; k < i; k++)
			if (!r->custody.events[k].trusted &&
			    strcmp(r->custody.events[k].key_id,
			    e->key_id) == 0)
				seen = 1;
		if (seen)
			continue;
		nids++;
		if (io < isize)
			io += (size_t)snprintf(ids + io, isize - io, "%s%s",
			    io == 0 ? "" : ", ", e->key_id);
	}
	return nids;
}

static void
print_event(const ex_verify_report *r, size_t i)
{
	const ex_custody_event_report *e = &r->custody.events[i];
	const ex_custody_event *ev = r->custody_log != NULL &&
	    i < r->custody_log->nevents ? &r->custody_log->events[i] : NULL;
	char when[EX_TIME_BUFSZ];
	int ok = e->seq_ok && e->link_ok && e->signature_ok && e->manifest_ok;

	printf("  event %llu", (unsigned long long)e->seq);
	if (ev != NULL)
		printf("  %s by %s, %s", cli_esc(ev->action),
		    cli_esc(ev->actor), ex_time_format_utc(ev->time, when,
		    sizeof(when)));
	if (!ok) {
		printf(": FAIL: %s\n", cli_esc(e->problem));
		return;
	}
	/* The signature is by the key the event names; whether that key
	 * is someone the reader trusts is a second, separate answer. */
	if (e->trusted)
		printf(": signature valid; signer key ID %s given with -p: "
		    "trusted\n", cli_esc(e->key_id));
	else
		printf(": signature valid; signer key ID %s not given with "
		    "-p: unverified\n", cli_esc(e->key_id));
}

static void
print_text(const char *path, const ex_verify_report *r,
    const ex_pubkey *keys, size_t nkeys)
{
	char ids[512], events[256], kids[512];
	const char *kidw;
	size_t i, nchecked = 0, nfail = 0;

	/* Text from the bundle is escaped (cli_esc): it may hold any byte. */
	printf("bundle:    %s (%s, top folder %s)\n", cli_esc(path),
	    r->container, cli_esc(r->top));
	if (r->case_ref != NULL)
		printf("case:      %s, exhibit %s\n", cli_esc(r->case_ref),
		    cli_esc(r->exhibit_ref));
	if (r->signer_key_id[0] != '\0')
		printf("signer:    key ID %s, %s\n", cli_esc(r->signer_key_id),
		    r->signer_trusted ? "trusted" : nkeys == 0 ?
		    "NOT TRUSTED (no public key was given with -p)" :
		    "NOT TRUSTED (not one of the keys given with -p)");
	else if (r->incomplete)
		printf("signer:    unknown: this copy is cut short before its "
		    "signature%s%s\n",
		    nkeys == 0 ? "" : nkeys == 1 ?
		    "; the key given with -p is key ID " :
		    "; the keys given with -p are key IDs ",
		    given_ids(keys, nkeys, ids, sizeof(ids)));
	else
		printf("signer:    unknown (manifest.xml's signature is missing "
		    "or malformed)\n");
	if (r->nfiles > 0)
		printf("files:\n");
	for (i = 0; i < r->nfiles; i++) {
		const ex_verify_file *f = &r->files[i];

		if (strcmp(f->role, "folder") == 0 && f->ok)
			continue;
		nchecked++;
		if (!f->ok)
			nfail++;
		printf("  %s  %-9s %s%s%s\n", f->ok ? "PASS" : "FAIL", f->role,
		    cli_esc(f->path), f->ok ? "" : ": ",
		    f->ok ? "" : cli_esc(f->problem));
	}
	for (i = 0; i < r->nignored; i++)
		printf("%s  ignored: %s (%s)\n", i == 0 ? "desktop files "
		    "(not part of the evidence, no failure in a folder):\n" :
		    "", cli_esc(r->ignored[i].path), r->ignored[i].origin);
	if (r->custody.nevents > 0)
		printf("custody:\n");
	for (i = 0; i < r->custody.nevents; i++)
		print_event(r, i);
	if (r->nproblems > 0) {
		printf("problems:\n");
		for (i = 0; i < r->nproblems; i++)
			printf("  - %s\n", cli_esc(r->problems[i].message));
	}

	/* The three answers, then the verdict. */
	printf("\n");
	if (r->incomplete)
		printf("Files:            NOT checked: this copy ends early "
		    "(see problems)\n");
	else if (r->intact)
		printf("Files:            intact (%zu files%s)\n", nchecked,
		    r->nignored > 0 ? "; desktop files ignored, listed above" :
		    "");
	else
		printf("Files:            NOT intact (%zu of %zu files fail; "
		    "%zu problems, listed above)\n", nfail, nchecked,
		    r->nproblems);
	if (r->incomplete)
		printf("Export signed by: NOT checked (this copy is cut short)\n");
	else if (r->signer_key_id[0] == '\0')
		printf("Export signed by: unknown (see problems)\n");
	else
		printf("Export signed by: key ID %s, %s\n",
		    cli_esc(r->signer_key_id), r->signer_trusted ? "trusted" :
		    nkeys == 0 ? "NOT trusted (no public key was given with -p)" :
		    "NOT trusted (not one of the keys given with -p)");
	kidw = unverified_events(r, events, sizeof(events), kids,
	    sizeof(kids)) > 1 ? "key IDs" : "key ID";
	if (r->incomplete)
		printf("Custody:          NOT checked\n");
	else if (r->custody.nevents == 0)
		printf("Custody:          NOT readable (see problems)\n");
	else if (strcmp(ex_verify_custody_state(r), "broken") == 0)
		printf("Custody:          %zu event%s, NOT intact (see "
		    "problems)\n", r->custody.nevents,
		    r->custody.nevents == 1 ? "" : "s");
	else if (r->custody_unverified == 0)
		printf("Custody:          %zu event%s, chain intact; every "
		    "signer trusted\n", r->custody.nevents,
		    r->custody.nevents == 1 ? "" : "s");
	else if (nkeys == 0)
		printf("Custody:          %zu event%s, chain intact; signers "
		    "unverified (no public key was given with -p)\n",
		    r->custody.nevents, r->custody.nevents == 1 ? "" : "s");
	else
		printf("Custody:          %zu event%s, chain intact; signer of "
		    "%s unverified (%s %s not given with -p)\n",
		    r->custody.nevents, r->custody.nevents == 1 ? "" : "s",
		    events, kidw, cli_esc(kids));

	if (r->incomplete)
		printf("RESULT: FAIL (this copy ends early, so it cannot be "
		    "checked: copy the bundle again from the original)\n");
	else if (!r->intact)
		printf("RESULT: FAIL (the evidence is not intact)\n");
	else if (!r->signer_trusted && nkeys == 0)
		printf("RESULT: FAIL (intact, but not signed by a trusted key: "
		    "give the exporter's public key with -p, obtained from the "
		    "exporter, not from the bundle)\n");
	else if (!r->signer_trusted)
		printf("RESULT: FAIL (intact, but not signed by a trusted key: "
		    "the exporter's key ID %s is not one of the keys given with "
		    "-p)\n", cli_esc(r->signer_key_id));
	else if (!r->passed)
		printf("RESULT: FAIL (intact, but --strict demands every "
		    "signer: the signer of custody %s, %s %s, was not given "
		    "with -p)\n", events, kidw, cli_esc(kids));
	else if (r->custody_unverified == 0)
		printf("RESULT: PASS (intact, every signer trusted)\n");
	else
		printf("RESULT: PASS (intact, exported by a trusted key; custody "
		    "%s unverified: to verify %s, give the public key of %s "
		    "%s with -p)\n", events, r->custody_unverified > 1 ?
		    "them" : "it", kidw, cli_esc(kids));
}

static const struct option longopts[] = {
	{ "public-key", required_argument, NULL, 'p' },
	{ "xml",        no_argument,       NULL, 'x' },
	{ "strict",     no_argument,       NULL, 's' },
	{ "help",       no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_verify(int argc, char **argv)
{
	ex_pubkey keys[MAX_KEYS];
	size_t nkeys = 0;
	ex_verify_report *r = NULL;
	char *doc = NULL;
	size_t len = 0;
	ex_error err;
	unsigned flags = 0;
	int ch, xml = 0, status = EXIT_TROUBLE;

	ex_error_clear(&err);
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "p:h", longopts)) != -1) {
		switch (ch) {
		case 'p':
			if (cli_add_public_key(optarg, keys, &nkeys,
			    MAX_KEYS) != 0)
				return EXIT_TROUBLE;
			break;
		case 'x':
			xml = 1;
			break;
		case 's':
			flags |= EX_VERIFY_STRICT;
			break;
		default:        /* 'h', or a mistake */
			return cli_help_or_hint(ch, usage, "verify");
		}
	}
	if (cli_one_bundle("verify", argc, optind) != 0)
		return EXIT_TROUBLE;
	if (ex_verify_flags(argv[optind], keys, nkeys, flags, &r, &err) !=
	    EX_OK) {
		cli_error(&err);
		/* Something that is not a bundle at all fails verification. */
		return err.code == EX_ERR_FORMAT ? EXIT_FAILED : EXIT_TROUBLE;
	}
	if (xml) {
		if (ex_verify_xml(argv[optind], r, &doc, &len, &err) !=
		    EX_OK) {
			cli_errorf("cannot write the XML report");
			goto out;
		}
		fwrite(doc, 1, len, stdout);
	} else {
		print_text(argv[optind], r, keys, nkeys);
	}
	status = r->passed ? EXIT_OK : EXIT_FAILED;
out:
	free(doc);
	ex_verify_report_free(&r);
	return status;
}

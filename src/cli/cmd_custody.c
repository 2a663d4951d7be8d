/* cmd_custody.c — exhibit custody add | show: extend or read a bundle's
 * custody log. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "exhibit/bundle.h"
#include "exhibit/custody_add.h"
#include "passphrase.h"

#define MAX_KEYS 32

static void
usage(FILE *fp)
{
	fputs(
"Usage: exhibit custody add  BUNDLE -s SECRET_KEY --actor NAME --action ACTION\n"
"                            [--note TEXT]\n"
"       exhibit custody show BUNDLE [-p PUBLIC_KEY]... [--strict]\n"
"Add to or show the custody log (custody.xml) of an evidence bundle.\n"
"Run 'exhibit custody add --help' or 'exhibit custody show --help'.\n", fp);
}

static void
usage_add(FILE *fp)
{
	fputs(
"Usage: exhibit custody add BUNDLE -s SECRET_KEY --actor NAME --action ACTION\n"
"                           [--note TEXT]\n"
"Append a signed event to the bundle's custody log: who (--actor) did what\n"
"(--action: received, copied, handed-to-court, ...) and when, chained to the\n"
"event before it and to the manifest, signed with SECRET_KEY.\n"
"\n"
"  -s, --secret-key FILE  the actor's secret key (minisign format); its\n"
"                         passphrase is asked on the terminal or read from\n"
"                         the file named by EXHIBIT_PASSPHRASE_FILE\n"
"      --actor NAME       who is adding the event\n"
"      --action ACTION    what happened\n"
"      --note TEXT        a free-text note (optional)\n"
"  -h, --help             show this help\n"
"\n"
"The bundle must be intact first (as 'exhibit verify' checks it, trust\n"
"aside): a broken custody chain is never extended.  The payload, manifest.xml\n"
"and its signature are not touched; only custody.xml and\n"
"tagmanifest-sha256.txt change.  The bundle is replaced atomically: a ZIP, tar\n"
"or ISO is rewritten beside the original and renamed over it; a folder is\n"
"rebuilt beside itself from hard links and swapped in with one atomic\n"
"exchange.  If anything fails the bundle is left as it was.\n"
"The event time is SOURCE_DATE_EPOCH when set, else the clock (UTC).\n"
"\n"
"Exit status: 0 event added; 1 the bundle is not intact (nothing changed);\n"
"2 usage or system error (nothing changed).\n", fp);
}

static void
usage_show(FILE *fp)
{
	fputs(
"Usage: exhibit custody show BUNDLE [-p PUBLIC_KEY]... [--strict]\n"
"Print the bundle's custody log, one block per event: number, UTC time,\n"
"actor, action, note, signer key ID, whether the signature (by the key the\n"
"event names) is valid and the link to the event before intact, and whether\n"
"the signer is trusted (its key given with -p) or unverified.\n"
"Only the log is checked (against manifest.xml's hash): use 'exhibit verify'\n"
"for the whole bundle.\n"
"\n"
"  -p, --public-key FILE  a signer you trust (repeatable)\n"
"      --strict           demand every signer: one not given with -p fails\n"
"  -h, --help             show this help\n"
"\n"
"Exit status: 0 the log is intact (signers not given with -p are unverified,\n"
"not a failure); 1 it is broken or missing, or with --strict a signer was\n"
"not given with -p; 2 usage or system error.\n", fp);
}

enum { OPT_ACTOR = 256, OPT_ACTION, OPT_NOTE, OPT_STRICT };

static const struct option add_opts[] = {
	{ "secret-key", required_argument, NULL, 's' },
	{ "actor",      required_argument, NULL, OPT_ACTOR },
	{ "action",     required_argument, NULL, OPT_ACTION },
	{ "note",       required_argument, NULL, OPT_NOTE },
	{ "help",       no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int
custody_add(int argc, char **argv)
{
	const char *keypath = NULL, *actor = NULL, *action = NULL, *note = NULL;
	ex_seckey *key = NULL;
	ex_instant now;
	uint64_t seq = 0;
	ex_error err;
	int ch, status;

	ex_error_clear(&err);
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "s:h", add_opts)) != -1) {
		switch (ch) {
		case 's':
			keypath = optarg;
			break;
		case OPT_ACTOR:
			actor = optarg;
			break;
		case OPT_ACTION:
			action = optarg;
			break;
		case OPT_NOTE:
			note = optarg;
			break;
		default:        /* 'h', or a mistake */
			return cli_help_or_hint(ch, usage_add, "custody add");
		}
	}
	if (cli_one_bundle("custody add", argc, optind) != 0)
		return EXIT_TROUBLE;
	if (keypath == NULL || actor == NULL || action == NULL) {
		cli_errorf("%s is required", keypath == NULL ?
		    "-s SECRET_KEY" : actor == NULL ? "--actor NAME" :
		    "--action ACTION");
		return cli_usage_hint("custody add");
	}
	if (actor[0] == '\0' || action[0] == '\0') {
		cli_errorf("--%s must not be empty",
		    actor[0] == '\0' ? "actor" : "action");
		return cli_usage_hint("custody add");
	}
	if (cli_now(&now) != 0)
		return EXIT_TROUBLE;
	if (cli_load_secret_key(keypath, &key) != EXIT_OK)
		return EXIT_TROUBLE;
	if (ex_custody_add(argv[optind], key, actor, action, note, now, &seq,
	    &err) != EX_OK) {
		cli_error(&err);
		status = err.code == EX_ERR_VERIFY ? EXIT_FAILED : EXIT_TROUBLE;
	} else {
		printf("custody event %llu added to %s\n",
		    (unsigned long long)seq, cli_esc(argv[optind]));
		status = EXIT_OK;
	}
	ex_seckey_free(&key);
	return status;
}

static void
print_log(const char *path, const ex_custody *log,
    const ex_custody_report *rep, size_t ntrusted)
{
	char when[EX_TIME_BUFSZ];
	size_t i;

	printf("bundle:  %s\n", cli_esc(path));
	printf("exhibit: %s\n", cli_esc(log->exhibit_ref));
	printf("events:  %zu\n", log->nevents);
	for (i = 0; i < log->nevents; i++) {
		const ex_custody_event *e = &log->events[i];
		const ex_custody_event_report *r =
		    i < rep->nevents ? &rep->events[i] : NULL;

		printf("\nevent %llu\n", (unsigned long long)e->seq);
		printf("  time       %s\n", ex_time_format_utc(e->time, when,
		    sizeof(when)));
		printf("  actor      %s\n", cli_esc(e->actor));
		printf("  action     %s\n", cli_esc(e->action));
		printf("  note       %s\n", cli_esc(e->note));
		printf("  key ID     %s\n", cli_esc(e->key_id));
		if (r == NULL)
			continue;
		printf("  signature  %s\n", r->signature_ok ? "valid" :
		    "INVALID");
		printf("  link       %s\n", r->seq_ok && r->link_ok ? "intact" :
		    "BROKEN");
		printf("  manifest   %s\n", r->manifest_ok ? "matches" :
		    "DIFFERS");
		/* Valid by the key it names; whether that key is one the
		 * reader trusts is a separate answer. */
		printf("  signer     %s\n", r->trusted ? "trusted (its key was "
		    "given with -p)" : ntrusted == 0 ? "unverified (no public "
		    "key was given with -p)" : "unverified (its key was not "
		    "given with -p)");
		if (r->problem[0] != '\0')
			printf("  problem    %s\n", cli_esc(r->problem));
	}
	/* The seal is checked once every event checks out. */
	if (rep->nevents > 0 && (rep->sealed || rep->seal_problem[0] != '\0'))
		printf("\nseal       %s\n", rep->sealed ? "closes the log at "
		    "its last event" : cli_esc(rep->seal_problem));
}

static const struct option show_opts[] = {
	{ "public-key", required_argument, NULL, 'p' },
	{ "strict",     no_argument,       NULL, OPT_STRICT },
	{ "help",       no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* "2", "2 and 3", "2, 3 and 5": the events whose signer is unverified. */
static size_t
unverified(const ex_custody_report *rep, char *buf, size_t size)
{
	size_t i, n = 0, total = 0, o = 0;

	for (i = 0; i < rep->nevents; i++)
		total += !rep->events[i].trusted;
	buf[0] = '\0';
	for (i = 0; i < rep->nevents && o < size; i++) {
		if (rep->events[i].trusted)
			continue;
		n++;
		o += (size_t)snprintf(buf + o, size - o, "%s%llu", n == 1 ? "" :
		    n == total ? " and " : ", ",
		    (unsigned long long)rep->events[i].seq);
	}
	return total;
}

/* -1 (said) when path is a folder that holds bundles instead of being
 * one (ex_bundle_held), as verify says it; else 0. */
static int
holds_bundles(const char *path)
{
	char **held = NULL;
	size_t n = 0, i;
	ex_error err;

	ex_error_clear(&err);
	if (ex_bundle_held(path, &held, &n, &err) != EX_OK) {
		cli_error(&err);
		return -1;
	}
	if (n == 0)
		return 0;
	cli_errorf("%s is not a bundle; it contains the "
	    "bundle%s %s%s (name %s)", path, n > 1 ? "s" : "", held[0],
	    n > 1 ? " and others" : "", n > 1 ? "one of them" : "that one");
	for (i = 0; i < n; i++)
		free(held[i]);
	free(held);
	return -1;
}

static int
custody_show(int argc, char **argv)
{
	ex_pubkey keys[MAX_KEYS];
	size_t nkeys = 0;
	ex_custody *log = NULL;
	ex_custody_report rep;
	ex_status st;
	ex_error err;
	char events[256];
	size_t nun;
	int ch, status, strict = 0;

	ex_error_clear(&err);
	memset(&rep, 0, sizeof(rep));
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "p:h", show_opts)) != -1) {
		switch (ch) {
		case 'p':
			if (cli_add_public_key(optarg, keys, &nkeys,
			    MAX_KEYS) != 0)
				return EXIT_TROUBLE;
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		default:        /* 'h', or a mistake */
			return cli_help_or_hint(ch, usage_show, "custody show");
		}
	}
	if (cli_one_bundle("custody show", argc, optind) != 0 ||
	    holds_bundles(argv[optind]) != 0)
		return EXIT_TROUBLE;
	st = ex_custody_show(argv[optind], keys, nkeys, &log, &rep, &err);
	if (st != EX_OK && st != EX_ERR_VERIFY) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	if (log != NULL)
		print_log(argv[optind], log, &rep, nkeys);
	if (st == EX_OK) {
		nun = unverified(&rep, events, sizeof(events));
		if (nun == 0)
			printf("\nRESULT: intact, every signer trusted\n");
		else if (strict)
			printf("\nRESULT: FAIL (intact, but --strict demands "
			    "every signer: the signer of event%s %s was not "
			    "given with -p)\n", nun > 1 ? "s" : "", events);
		else if (nkeys == 0)
			printf("\nRESULT: intact; signers unverified (to verify "
			    "them, give their public keys with -p)\n");
		else
			printf("\nRESULT: intact; signer of event%s %s "
			    "unverified (to verify, give %s public key with "
			    "-p)\n", nun > 1 ? "s" : "", events, nun > 1 ?
			    "their" : "its");
		status = nun > 0 && strict ? EXIT_FAILED : EXIT_OK;
	} else {
		if (log != NULL)
			printf("\nRESULT: BROKEN\n");
		cli_error(&err);
		status = EXIT_FAILED;
	}
	ex_custody_report_free(&rep);
	ex_custody_free(&log);
	return status;
}

int
cmd_custody(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_TROUBLE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return custody_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return custody_show(argc - 1, argv + 1);
	cli_errorf("unknown custody subcommand '%s' (use add or show)",
	    argv[1]);
	return cli_usage_hint("custody");
}

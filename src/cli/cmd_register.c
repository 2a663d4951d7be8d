/* cmd_register.c — exhibit register list | verify | report: read the
 * disclosure register (every export on record; exhibit/register.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "exhibit/register.h"

#define MAX_KEYS 32

static void
usage(FILE *fp)
{
	fputs(
"Usage: exhibit register list   [--register FILE] [--from TIME] [--to TIME]\n"
"                               [--case REF] [--xml | --csv] [--tz ZONE]\n"
"       exhibit register verify [--register FILE] -p PUBLIC_KEY...\n"
"       exhibit register report [--register FILE] (--year YYYY | --from TIME\n"
"                               --to TIME) [--csv | --html FILE] [--tz ZONE]\n"
"Read the disclosure register: every bundle exported, to whom and why.\n"
"The register is --register FILE, else $EXHIBIT_REGISTER, else\n"
"$XDG_DATA_HOME/exhibit/register.sqlite (~/.local/share/exhibit/...).\n"
"Run 'exhibit register list --help' (verify, report) for each.\n", fp);
}

static void
usage_list(FILE *fp)
{
	fputs(
"Usage: exhibit register list [--register FILE] [--from TIME] [--to TIME]\n"
"                             [--case REF] [--xml | --csv] [--tz ZONE]\n"
"Print the register's rows: when each bundle was exported, by whom, for\n"
"whom and why, the case and exhibit, cameras and range, what it holds and\n"
"where it was released.\n"
"\n"
"      --register FILE  the register (default: see 'exhibit register --help')\n"
"      --from TIME      only rows exported at or after TIME (or a date,\n"
"                       YYYY-MM-DD: its midnight in --tz)\n"
"      --to TIME        only rows exported before TIME (or a date)\n"
"      --case REF       only rows of this case reference\n"
"      --csv            CSV (RFC 4180) for a spreadsheet; a cell that would\n"
"                       start with = + - @ starts with ' instead\n"
"      --xml            XML (schemas/register.xsd) for programs\n"
"      --tz ZONE        zone of times shown and of TIME without an offset\n"
"                       (default Europe/London)\n"
"  -h, --help           show this help\n"
"\n"
"The rows are listed as stored; 'exhibit register verify' checks them.\n"
"Exit status: 0 listed; 2 usage or system error (no register, unreadable).\n",
	    fp);
}

static void
usage_verify(FILE *fp)
{
	fputs(
"Usage: exhibit register verify [--register FILE] -p PUBLIC_KEY...\n"
"Check the whole register: every row's signature by one of the operators'\n"
"keys given with -p, its place in the hash chain, and the signed head record\n"
"that says how many rows there are.  The first row that fails is named with\n"
"the reason: edited, inserted, removed, reordered, or an untrusted signer;\n"
"rows removed from the end are caught by the head.\n"
"\n"
"      --register FILE        the register (default: see 'exhibit register\n"
"                             --help')\n"
"  -p, --public-key FILE      an operator's public key (repeatable; at least\n"
"                             one)\n"
"  -h, --help                 show this help\n"
"\n"
"Exit status: 0 intact, every row signed by a key given; 1 not intact or a\n"
"signer not given; 2 usage or system error.\n", fp);
}

static void
usage_report(FILE *fp)
{
	fputs(
"Usage: exhibit register report [--register FILE] (--year YYYY | --from TIME\n"
"                               --to TIME) [--csv | --html FILE] [--tz ZONE]\n"
"Sum a period of the register for the annual report: requests served, by\n"
"purpose and by requesting organisation; cameras and hours of footage\n"
"released; redacted disclosures.  Rows count by when they were exported.\n"
"\n"
"      --register FILE  the register (default: see 'exhibit register --help')\n"
"      --year YYYY      the calendar year in --tz (1 January to 1 January)\n"
"      --from TIME      the period's start (with --to; the end is excluded;\n"
"                       a date YYYY-MM-DD is its midnight in --tz)\n"
"      --to TIME\n"
"      --csv            the figures as CSV\n"
"      --html FILE      write a self-contained HTML page with charts to FILE\n"
"                       (it must not exist); the text report is printed too\n"
"      --tz ZONE        zone of the year and of TIME without an offset\n"
"                       (default Europe/London)\n"
"  -h, --help           show this help\n"
"\n"
"The report sums the rows as stored: run 'exhibit register verify' first.\n"
"Exit status: 0 reported; 2 usage or system error.\n", fp);
}

enum { OPT_REGISTER = 256, OPT_FROM, OPT_TO, OPT_CASE, OPT_XML, OPT_CSV,
	OPT_TZ, OPT_YEAR, OPT_HTML };

static const struct option list_opts[] = {
	{ "register", required_argument, NULL, OPT_REGISTER },
	{ "from",     required_argument, NULL, OPT_FROM },
	{ "to",       required_argument, NULL, OPT_TO },
	{ "case",     required_argument, NULL, OPT_CASE },
	{ "xml",      no_argument,       NULL, OPT_XML },
	{ "csv",      no_argument,       NULL, OPT_CSV },
	{ "tz",       required_argument, NULL, OPT_TZ },
	{ "help",     no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const struct option verify_opts[] = {
	{ "register",   required_argument, NULL, OPT_REGISTER },
	{ "public-key", required_argument, NULL, 'p' },
	{ "help",       no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const struct option report_opts[] = {
	{ "register", required_argument, NULL, OPT_REGISTER },
	{ "year",     required_argument, NULL, OPT_YEAR },
	{ "from",     required_argument, NULL, OPT_FROM },
	{ "to",       required_argument, NULL, OPT_TO },
	{ "csv",      no_argument,       NULL, OPT_CSV },
	{ "html",     required_argument, NULL, OPT_HTML },
	{ "tz",       required_argument, NULL, OPT_TZ },
	{ "help",     no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Open the register named, or the default; prints the error. */
static int
open_register(const char *path, ex_register **r)
{
	char *def = NULL;
	ex_error err;
	ex_status st;

	ex_error_clear(&err);
	if (path == NULL) {
		if (ex_register_default_path(&def, &err) != EX_OK) {
			cli_error(&err);
			return -1;
		}
		path = def;
	}
	st = ex_register_open(path, 0, NULL, r, &err);
	free(def);
	if (st != EX_OK) {
		cli_error(&err);
		return -1;
	}
	return 0;
}

/* A TIME option; prints the error. */
static int
parse_time(const char *opt, const char *text, const char *zone,
    ex_instant *out)
{
	const char *given = text;
	char day[32];
	ex_error err;

	/* A date alone is its midnight in the zone: --from 2024-01-01. */
	if (strlen(text) == 10 && text[4] == '-' && text[7] == '-') {
		snprintf(day, sizeof(day), "%sT00:00:00", text);
		text = day;
	}
	ex_error_clear(&err);
	if (ex_time_parse(text, zone, out, &err) != EX_OK) {
		text = given;
		cli_errorf("%s %s: %s", opt, text, err.message);
		return -1;
	}
	return 0;
}

static void
print_row(const ex_register_row *w, const char *zone)
{
	char t[EX_TIME_BUFSZ], a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ];
	size_t k;

	printf("row %" PRId64 "  exported %s\n", w->row,
	    ex_time_format_display(w->time, zone, t, sizeof(t)));
	printf("  purpose    %s\n", w->purpose != EX_PURPOSE_NONE ?
	    ex_purpose_name(w->purpose) : "(not given)");
	printf("  requester  %s", w->requester != NULL ? cli_esc(w->requester) :
	    "(not given)");
	if (w->requester_org != NULL)
		printf(", %s", cli_esc(w->requester_org));
	printf("\n  case       %s", cli_esc(w->case_ref));
	printf(", exhibit %s\n", cli_esc(w->exhibit_ref));
	if (w->reason != NULL)
		printf("  reason     %s\n", cli_esc(w->reason));
	printf("  operator   %s", cli_esc(w->operator_name));
	if (w->organisation != NULL)
		printf(", %s", cli_esc(w->organisation));
	printf(" (key ID %s)\n  cameras    ", cli_esc(w->key_id));
	for (k = 0; k < w->ncameras; k++)
		printf("%s%s", k > 0 ? ", " : "", cli_esc(w->cameras[k]));
	printf("\n  footage    %s to %s\n", ex_time_format_display(w->from,
	    zone, a, sizeof(a)), ex_time_format_display(w->to, zone, b,
	    sizeof(b)));
	printf("  holds     %s%s%s%s\n", w->holds & EX_HOLDS_MASTERS ?
	    " masters" : "", w->holds & EX_HOLDS_NATIVE ? " native" : "",
	    w->holds & EX_HOLDS_WORKING ? " working" : "",
	    w->holds & EX_HOLDS_REDACTED ? " (redacted)" : "");
	printf("  bundle     %s (%s, %" PRIu64 " bytes)\n", cli_esc(w->bundle),
	    cli_esc(w->container), w->bytes);
	printf("  manifest   SHA-256 %s\n\n", w->manifest_sha256);
}

static int
register_list(int argc, char **argv)
{
	const char *path = NULL, *from = NULL, *to = NULL, *zone =
	    EX_TIME_DEFAULT_ZONE;
	ex_register_filter f = { EX_INSTANT_NONE, EX_INSTANT_NONE, NULL };
	ex_register *r = NULL;
	ex_register_row *rows = NULL;
	size_t n = 0, i, len = 0;
	char *text = NULL;
	int ch, xml = 0, csv = 0, status = EXIT_TROUBLE;
	ex_error err;

	ex_error_clear(&err);
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "h", list_opts)) != -1) {
		switch (ch) {
		case OPT_REGISTER: path = optarg; break;
		case OPT_FROM: from = optarg; break;
		case OPT_TO: to = optarg; break;
		case OPT_CASE: f.case_ref = optarg; break;
		case OPT_XML: xml = 1; break;
		case OPT_CSV: csv = 1; break;
		case OPT_TZ: zone = optarg; break;
		default:
			return cli_help_or_hint(ch, usage_list,
			    "register list");
		}
	}
	if (optind < argc) {
		cli_errorf("unexpected argument '%s'", argv[optind]);
		return cli_usage_hint("register list");
	}
	if (xml && csv) {
		cli_errorf("--xml and --csv: choose one");
		return cli_usage_hint("register list");
	}
	if (ex_time_zone_check(zone, &err) != EX_OK) {
		cli_errorf("--tz %s: %s", zone, err.message);
		return EXIT_TROUBLE;
	}
	if ((from != NULL && parse_time("--from", from, zone, &f.from) != 0) ||
	    (to != NULL && parse_time("--to", to, zone, &f.to) != 0))
		return EXIT_TROUBLE;
	if (open_register(path, &r) != 0)
		return EXIT_TROUBLE;
	if (ex_register_list(r, &f, &rows, &n, &err) != EX_OK ||
	    (xml && ex_register_xml(rows, n, &f, &text, &len, &err) != EX_OK) ||
	    (csv && ex_register_csv(rows, n, &text, &len, &err) != EX_OK)) {
		cli_error(&err);
		goto out;
	}
	if (text != NULL) {
		fwrite(text, 1, len, stdout);
	} else {
		for (i = 0; i < n; i++)
			print_row(&rows[i], zone);
		printf("%zu row%s in %s\n", n, n == 1 ? "" : "s",
		    cli_esc(ex_register_path(r)));
	}
	status = EXIT_OK;
out:
	free(text);
	ex_register_rows_free(&rows, n);
	ex_register_close(&r);
	return status;
}

static int
register_verify(int argc, char **argv)
{
	const char *path = NULL;
	ex_pubkey keys[MAX_KEYS];
	size_t nkeys = 0;
	ex_register *r = NULL;
	ex_register_check c;
	ex_error err;
	int ch, status = EXIT_TROUBLE;

	ex_error_clear(&err);
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "p:h", verify_opts)) != -1) {
		switch (ch) {
		case OPT_REGISTER:
			path = optarg;
			break;
		case 'p':
			if (cli_add_public_key(optarg, keys, &nkeys,
			    MAX_KEYS) != 0)
				return EXIT_TROUBLE;
			break;
		default:
			return cli_help_or_hint(ch, usage_verify,
			    "register verify");
		}
	}
	if (optind < argc) {
		cli_errorf("unexpected argument '%s'", argv[optind]);
		return cli_usage_hint("register verify");
	}
	if (nkeys == 0) {
		cli_errorf("-p PUBLIC_KEY is required: the operators' keys "
		    "that may sign the register");
		return cli_usage_hint("register verify");
	}
	if (open_register(path, &r) != 0)
		return EXIT_TROUBLE;
	if (ex_register_verify(r, keys, nkeys, &c, &err) != EX_OK) {
		cli_error(&err);
		goto out;
	}
	printf("register: %s\nrows:     %" PRId64 "\n",
	    cli_esc(ex_register_path(r)), c.rows);
	if (c.fault == EX_REGISTER_INTACT) {
		printf("RESULT: intact, every row signed by a key given; the "
		    "chain ends in %s\n", c.head_hash[0] != '\0' ?
		    c.head_hash : "(no rows)");
		status = EXIT_OK;
	} else {
		printf("RESULT: FAIL (%s)\n", ex_register_fault_name(c.fault));
		cli_errorf("%s: %s", cli_esc(ex_register_path(r)),
		    c.message);
		status = EXIT_FAILED;
	}
out:
	ex_register_close(&r);
	return status;
}

/* Write a new file (never over one); prints the error; 0 or -1. */
static int
write_new(const char *path, const char *text, size_t len)
{
	size_t off = 0;
	ssize_t w;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) <
	    0) {
		cli_errorf("%s: %s%s", path, strerror(errno), errno == EEXIST ?
		    " (refusing to overwrite it)" : "");
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	if (off < len || fsync(fd) != 0 || close(fd) != 0) {
		cli_errorf("%s: %s", path, strerror(errno));
		if (off < len)
			close(fd);
		unlink(path);
		return -1;
	}
	return 0;
}

/* --year YYYY in zone: [1 January, next 1 January). */
static int
year_range(const char *text, const char *zone, ex_instant *from,
    ex_instant *to)
{
	ex_local_time lt;
	ex_error err;
	char *end;
	long y;

	errno = 0;
	y = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || y < 1970 || y > 9998) {
		cli_errorf("--year %s: give a year such as 2024", text);
		return -1;
	}
	memset(&lt, 0, sizeof(lt));
	lt.year = (int)y;
	lt.month = 1;
	lt.day = 1;
	ex_error_clear(&err);
	if (ex_time_from_local(&lt, zone, from, &err) != EX_OK)
		goto bad;
	lt.year++;
	if (ex_time_from_local(&lt, zone, to, &err) != EX_OK)
		goto bad;
	return 0;
bad:
	cli_errorf("--year %s: %s", text, err.message);
	return -1;
}

static int
register_report(int argc, char **argv)
{
	const char *path = NULL, *year = NULL, *from = NULL, *to = NULL,
	    *html = NULL, *zone = EX_TIME_DEFAULT_ZONE;
	ex_instant a, b;
	ex_register *r = NULL;
	ex_register_row *rows = NULL;
	ex_register_sums s;
	size_t n = 0, len = 0;
	char *text = NULL, title[160], fa[EX_TIME_BUFSZ], fb[EX_TIME_BUFSZ];
	int ch, csv = 0, status = EXIT_TROUBLE;
	ex_error err;

	ex_error_clear(&err);
	memset(&s, 0, sizeof(s));
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "h", report_opts)) != -1) {
		switch (ch) {
		case OPT_REGISTER: path = optarg; break;
		case OPT_YEAR: year = optarg; break;
		case OPT_FROM: from = optarg; break;
		case OPT_TO: to = optarg; break;
		case OPT_CSV: csv = 1; break;
		case OPT_HTML: html = optarg; break;
		case OPT_TZ: zone = optarg; break;
		default:
			return cli_help_or_hint(ch, usage_report,
			    "register report");
		}
	}
	if (optind < argc) {
		cli_errorf("unexpected argument '%s'", argv[optind]);
		return cli_usage_hint("register report");
	}
	if ((year == NULL) == (from == NULL && to == NULL) ||
	    (year == NULL && (from == NULL || to == NULL))) {
		cli_errorf("give the period: --year YYYY, or --from TIME and "
		    "--to TIME");
		return cli_usage_hint("register report");
	}
	if (csv && html != NULL) {
		cli_errorf("--csv and --html: choose one");
		return cli_usage_hint("register report");
	}
	if (ex_time_zone_check(zone, &err) != EX_OK) {
		cli_errorf("--tz %s: %s", zone, err.message);
		return EXIT_TROUBLE;
	}
	if (year != NULL) {
		if (year_range(year, zone, &a, &b) != 0)
			return EXIT_TROUBLE;
		snprintf(title, sizeof(title), "the year %s", year);
	} else {
		if (parse_time("--from", from, zone, &a) != 0 ||
		    parse_time("--to", to, zone, &b) != 0)
			return EXIT_TROUBLE;
		if (b <= a) {
			cli_errorf("--to %s is not after --from %s", to, from);
			return EXIT_TROUBLE;
		}
		snprintf(title, sizeof(title), "%s to %s",
		    ex_time_format_display(a, zone, fa, sizeof(fa)),
		    ex_time_format_display(b, zone, fb, sizeof(fb)));
	}
	if (open_register(path, &r) != 0)
		return EXIT_TROUBLE;
	if (ex_register_list(r, NULL, &rows, &n, &err) != EX_OK ||
	    ex_register_sum(rows, n, a, b, &s, &err) != EX_OK)
		goto fail;
	if (html != NULL) {
		if (ex_register_report_html(&s, title, zone, &text, &len,
		    &err) != EX_OK)
			goto fail;
		if (write_new(html, text, len) != 0)
			goto out;
		free(text);
		text = NULL;
	}
	if ((csv ? ex_register_report_csv(&s, &text, &len, &err) :
	    ex_register_report_text(&s, title, &text, &len, &err)) != EX_OK)
		goto fail;
	fwrite(text, 1, len, stdout);
	status = EXIT_OK;
	goto out;
fail:
	cli_error(&err);
out:
	free(text);
	ex_register_sums_clear(&s);
	ex_register_rows_free(&rows, n);
	ex_register_close(&r);
	return status;
}

int
cmd_register(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_TROUBLE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "list") == 0)
		return register_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return register_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return register_report(argc - 1, argv + 1);
	cli_errorf("unknown register subcommand '%s' (use list, verify or "
	    "report)", argv[1]);
	return cli_usage_hint("register");
}

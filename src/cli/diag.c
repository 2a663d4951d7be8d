/* diag.c — diagnostics: the only place messages reach stderr. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "exhibit/text.h"

const char *
cli_esc(const char *s)
{
	static char *slot[CLI_ESC_SLOTS];
	static size_t next;
	char *e;

	if (s == NULL)
		return "";
	if ((e = ex_text_escape(s)) == NULL)
		return "(out of memory)";
	/* The buffers stay reachable from slot[] until the process ends. */
	free(slot[next]);
	slot[next] = e;
	next = (next + 1) % CLI_ESC_SLOTS;
	return e;
}

/* "exhibit: <prefix><message>\n" on stderr, the message escaped. */
static void __attribute__((format(printf, 2, 0)))
diag(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL, *e = NULL;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n >= 0 && (msg = malloc((size_t)n + 1)) != NULL) {
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		e = ex_text_escape(msg);
	}
	fprintf(stderr, "exhibit: %s%s\n", prefix, e != NULL ? e :
	    "(out of memory)");
	free(e);
	free(msg);
}

void
cli_drawf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void
cli_error(const ex_error *err)
{
	cli_errorf("%s", err != NULL && err->message[0] != '\0' ?
	    err->message : "unknown error");
}

void
cli_errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag("", fmt, ap);
	va_end(ap);
}

void
cli_warnf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag("warning: ", fmt, ap);
	va_end(ap);
}

void
cli_notef(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag("", fmt, ap);
	va_end(ap);
}

/* --- usage mistakes ----------------------------------------------------- */

/* Edit distance between a[0..na) and b[0..nb), a swap of two neighbours
 * counting as one edit ("form" is one edit from "from"); at most 64
 * characters of each are compared. */
static size_t
edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t d[65][65], i, j;

	if (na > 64)
		na = 64;
	if (nb > 64)
		nb = 64;
	for (i = 0; i <= na; i++)
		d[i][0] = i;
	for (j = 0; j <= nb; j++)
		d[0][j] = j;
	for (i = 1; i <= na; i++) {
		for (j = 1; j <= nb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v;

			v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[na][nb];
}

/* Append "--name" to the " or "-joined list in buf. */
static void
list_option(char *buf, size_t size, int *n, const char *name)
{
	size_t len = strlen(buf);

	if (len < size)
		snprintf(buf + len, size - len, "%s--%s", *n > 0 ? " or " :
		    "", name);
	(*n)++;
}

int
cli_option_suggest(const char *name, const struct option *longopts,
    char *buf, size_t size)
{
	size_t len = strcspn(name, "="), best = SIZE_MAX, limit, d;
	const struct option *o;
	int n = 0;

	if (size > 0)
		buf[0] = '\0';
	if (len == 0 || longopts == NULL)
		return 0;
	/* Close enough: two edits, but fewer than half the name ("--tx" may
	 * be --to or --tz; "--ab" is nothing). */
	limit = len / 2 < 2 ? len / 2 : 2;
	if (limit == 0)
		limit = 1;
	for (o = longopts; o->name != NULL; o++) {
		d = edit_distance(name, len, o->name, strlen(o->name));
		if (d <= limit && d < best)
			best = d;
	}
	if (best == SIZE_MAX)
		return 0;
	for (o = longopts; o->name != NULL && n < 3; o++) {
		if (edit_distance(name, len, o->name, strlen(o->name)) == best)
			list_option(buf, size, &n, o->name);
	}
	return n;
}

/* The long options that name (up to '=') abbreviates, as getopt_long
 * counts them (one entry for synonyms with the same meaning). */
static int
prefix_matches(const char *name, const struct option *longopts, char *buf,
    size_t size)
{
	size_t len = strcspn(name, "=");
	const struct option *o, *p;
	int n = 0;

	if (size > 0)
		buf[0] = '\0';
	for (o = longopts; o != NULL && o->name != NULL; o++) {
		int seen = 0;

		if (strncmp(o->name, name, len) != 0)
			continue;
		for (p = longopts; p < o; p++)
			seen |= strncmp(p->name, name, len) == 0 &&
			    p->has_arg == o->has_arg && p->flag == o->flag &&
			    p->val == o->val;
		if (!seen)
			list_option(buf, size, &n, o->name);
	}
	return n;
}

/* The long option that name (up to '=') selects: exact, else the only
 * one it abbreviates; NULL when none or several. */
static const struct option *
long_option(const char *name, const struct option *longopts)
{
	size_t len = strcspn(name, "=");
	const struct option *o, *found = NULL;

	for (o = longopts; o != NULL && o->name != NULL; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (strlen(o->name) == len)
			return o;
		if (found != NULL && (found->has_arg != o->has_arg ||
		    found->flag != o->flag || found->val != o->val))
			return NULL;
		found = o;
	}
	return found;
}

int
cli_getopt(int argc, char *const argv[], const char *shortopts,
    const struct option *longopts)
{
	char spec[128], list[256];
	const char *arg, *p = shortopts;
	const struct option *o;
	size_t k = 0;
	int ch;

	/* A leading ':' (after a '+' or '-') makes getopt_long quiet and
	 * tell a missing value (':') from an unknown option ('?'). */
	while ((*p == '+' || *p == '-') && k < 2)
		spec[k++] = *p++;
	spec[k++] = ':';
	snprintf(spec + k, sizeof(spec) - k, "%s", p);
	opterr = 0;
	ch = getopt_long(argc, argv, spec, longopts, NULL);
	if (ch != '?' && ch != ':')
		return ch;
	arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0') {
		const char *name = arg + 2;
		int namelen = (int)strcspn(name, "=");

		if (ch == ':') {
			o = long_option(name, longopts);
			cli_errorf("option '--%s' needs a value",
			    o != NULL ? o->name : name);
			return '?';
		}
		if (optopt != 0 && name[namelen] == '=' &&
		    (o = long_option(name, longopts)) != NULL &&
		    o->has_arg == no_argument) {
			cli_errorf("option '--%s' takes no value", o->name);
			return '?';
		}
		if (optopt == 0 && prefix_matches(name, longopts, list,
		    sizeof(list)) > 1) {
			cli_errorf("option '--%.*s' is ambiguous (%s)", namelen,
			    name, list);
			return '?';
		}
		if (optopt == 0) {
			if (cli_option_suggest(name, longopts, list,
			    sizeof(list)) > 0)
				cli_errorf("unknown option '--%.*s' (did you "
				    "mean %s?)", namelen, name, list);
			else
				cli_errorf("unknown option '--%.*s'", namelen,
				    name);
			return '?';
		}
	}
	if (ch == ':') {
		cli_errorf("option '-%c' needs a value", optopt);
	} else if (optopt > 32 && optopt < 127) {
		const char *word = NULL;
		int i;

		/* A long option typed with one dash ("-from") is read as
		 * letters; the word is the one getopt is in or just left. */
		for (i = optind; i >= optind - 1 && i >= 1; i--) {
			if (i < argc && argv[i][0] == '-' &&
			    argv[i][1] != '-' && strlen(argv[i]) > 2 &&
			    strchr(argv[i] + 1, optopt) != NULL) {
				word = argv[i];
				break;
			}
		}
		if (word != NULL && cli_option_suggest(word + 1, longopts,
		    list, sizeof(list)) > 0)
			cli_errorf("unknown option '-%c' in '%s' (did you mean "
			    "%s?)", optopt, word, list);
		else
			cli_errorf("unknown option '-%c'", optopt);
	} else
		cli_errorf("unknown option '%s'", arg);
	return '?';
}

int
cli_usage_hint(const char *cmd)
{
	if (cmd != NULL)
		cli_drawf("Try 'exhibit %s --help'.\n", cmd);
	else
		cli_drawf("Try 'exhibit --help'.\n");
	return EXIT_TROUBLE;
}

int
cli_help_or_hint(int ch, void (*usage)(FILE *), const char *cmd)
{
	if (ch != 'h')
		return cli_usage_hint(cmd);
	usage(stdout);
	return EXIT_OK;
}

int
cli_one_bundle(const char *cmd, int argc, int optind_)
{
	if (argc - optind_ == 1)
		return 0;
	cli_errorf("%s", argc - optind_ == 0 ? "no BUNDLE given" :
	    "one BUNDLE at a time");
	return cli_usage_hint(cmd);
}

int
cli_exit_for(ex_status st)
{
	switch (st) {
	case EX_OK:
		return EXIT_OK;
	case EX_ERR_VERIFY:
	case EX_ERR_CRYPTO:
		return EXIT_FAILED;
	default:
		return EXIT_TROUBLE;
	}
}

int
cli_close_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE)
			cli_errorf("write error: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	return status;
}

int
cli_now(ex_instant *now)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct timespec ts;

	if (sde != NULL && sde[0] != '\0') {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0 ||
		    v > INT64_MAX / EX_USEC_PER_SEC) {
			cli_errorf("SOURCE_DATE_EPOCH: '%s' is not a number of "
			    "seconds", sde);
			return -1;
		}
		*now = (ex_instant)v * EX_USEC_PER_SEC;
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	*now = (ex_instant)ts.tv_sec * EX_USEC_PER_SEC + ts.tv_nsec / 1000;
	return 0;
}

int
cli_add_public_key(const char *path, ex_pubkey *keys, size_t *n, size_t max)
{
	ex_error err;

	if (*n >= max) {
		cli_errorf("at most %zu public keys", max);
		return -1;
	}
	ex_error_clear(&err);
	if (ex_pubkey_load(path, &keys[*n], &err) != EX_OK) {
		cli_error(&err);
		return -1;
	}
	(*n)++;
	return 0;
}

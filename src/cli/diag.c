/* diag.c — diagnostics: the only place messages reach stderr. */
#include "config.h"

#include <errno.h>
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

int
cli_usage_hint(const char *cmd)
{
	if (cmd != NULL)
		fprintf(stderr, "Try 'exhibit %s --help'.\n", cmd);
	else
		fprintf(stderr, "Try 'exhibit --help'.\n");
	return EXIT_TROUBLE;
}

int
cli_one_bundle(const char *cmd, int argc, int optind_)
{
	if (argc - optind_ == 1)
		return 0;
	cli_errorf("%s: %s", cmd, argc - optind_ == 0 ? "no BUNDLE given" :
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

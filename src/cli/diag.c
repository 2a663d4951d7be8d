/* diag.c — diagnostics: the only place messages reach stderr. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void
cli_error(const ex_error *err)
{
	fprintf(stderr, "exhibit: %s\n",
	    err != NULL && err->message[0] != '\0' ? err->message :
	    "unknown error");
}

void
cli_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("exhibit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_warnf(const char *fmt, ...)
{
	va_list ap;

	fputs("exhibit: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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

/*
 * cli.h — what the exhibit command line shares between its subcommands.
 * Each subcommand lives in its own cmd_<name>.c, parses its own options
 * (getopt_long), calls libexhibit and prints.  Only this layer writes to
 * stdout/stderr or decides the exit status.
 */
#ifndef EXHIBIT_CLI_H
#define EXHIBIT_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exhibit/error.h"
#include "exhibit/export.h"
#include "exhibit/sign.h"
#include "exhibit/time.h"

/* Exit statuses: the contract (PRODUCT.md, exhibit(1) EXIT STATUS). */
#define EXIT_OK       0  /* success */
#define EXIT_FAILED   1  /* verification failed: not intact or not trusted */
#define EXIT_TROUBLE  2  /* usage or system error */

int cmd_keygen(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_custody(int argc, char **argv);
int cmd_register(int argc, char **argv);

/*
 * Text from a bundle, an archive or FFmpeg may hold any byte: nothing of it
 * reaches the terminal raw (ex_text_escape, exhibit/text.h).
 *
 * A diagnostic is one line, and the functions below escape the whole
 * message, so pass every string to them as it is (escaping it first would
 * show its escapes doubled).  The library's messages quote paths and
 * names from the input, which only an escape at this point covers.
 */
/* "exhibit: <message>" on stderr. */
void cli_error(const ex_error *err);
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "exhibit: warning: ..." on stderr. */
void cli_warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "exhibit: ..." on stderr, for what the operator should know that is
 * neither an error nor a warning (what a command understood, what it is
 * doing while it makes them wait). */
void cli_notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text on stderr as it is, not a message: the progress lines' terminal
 * drawing (progress.c), the usage after a mistake. */
void cli_drawf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * For a report on stdout, whose format is ours: s escaped for printing as
 * one field, "" for NULL.  The result lives in one of CLI_ESC_SLOTS
 * buffers taken in turn, so it stays valid until that many more calls:
 * enough for one printf.  For the main thread only (not thread-safe).
 */
#define CLI_ESC_SLOTS 8
const char *cli_esc(const char *s);
/*
 * getopt_long(argc, argv, shortopts, longopts, NULL) for a subcommand, with
 * getopt's own messages replaced by one "exhibit:" line that names the
 * option: "unknown option '--form' (did you mean --from?)" (the nearest
 * long options by edit distance, or those it is a prefix of), "option
 * '--no' is ambiguous (--no-masters, --no-working)", "option '--from'
 * needs a value", "option '--xml' takes no value".  Returns what
 * getopt_long returns, but '?' for every mistake (already reported): the
 * caller then gives the usage hint.  shortopts is as for getopt_long
 * (without a leading ':').
 */
int cli_getopt(int argc, char *const argv[], const char *shortopts,
    const struct option *longopts);
/* The long options nearest to the unknown name (no leading dashes, an
 * "=value" ignored) written "--a or --b" into buf; 0 when none is close
 * enough to suggest (buf then ""). */
int cli_option_suggest(const char *name, const struct option *longopts,
    char *buf, size_t size);
/* Print "Try 'exhibit CMD --help'." and return EXIT_TROUBLE. */
int cli_usage_hint(const char *cmd);
/* The end of a subcommand's option switch, for what cli_getopt returned
 * in ch: 'h' prints usage on stdout and returns EXIT_OK; anything else is
 * a mistake already reported: the usage hint, EXIT_TROUBLE. */
int cli_help_or_hint(int ch, void (*usage)(FILE *), const char *cmd);
/* 0 when exactly one operand (a BUNDLE) is left after the options; else
 * say what is wrong ("no BUNDLE given", "one BUNDLE at a time"),
 * give the usage hint and return EXIT_TROUBLE. */
int cli_one_bundle(const char *cmd, int argc, int optind_);
/* Exit status for a library failure: EXIT_FAILED for EX_ERR_VERIFY and
 * EX_ERR_CRYPTO, EXIT_TROUBLE for everything else. */
int cli_exit_for(ex_status st);
/* Flush and close stdout; a failed write becomes an error (EXIT_TROUBLE). */
int cli_close_stdout(int status);

/* The time to record as "now": SOURCE_DATE_EPOCH when set (reproducible
 * bundles), else the clock.  Prints the error; returns 0 or -1. */
int cli_now(ex_instant *now);

/*
 * progress.c: export's progress on a terminal, one line per camera redrawn
 * in place on stderr.  cli_progress_new keeps cameras (n names) for its
 * lifetime; NULL when memory is short (then no progress is shown).
 * cli_progress_update is an ex_export_progress_fn whose user is the
 * cli_progress; it may be called from any thread.
 */
typedef struct cli_progress cli_progress;
cli_progress *cli_progress_new(const char *const *cameras, size_t n);
void cli_progress_update(void *user, int camera, ex_export_stage stage,
    int64_t done, int64_t expected);
void cli_progress_free(cli_progress **p);

/* Load one more trusted public key (-p) into keys[*n] (at most max);
 * prints the error; returns 0 or -1. */
int cli_add_public_key(const char *path, ex_pubkey *keys, size_t *n,
    size_t max);

#endif

/* passphrase.c — passphrases from a file or the terminal; loading keys. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "exhibit/fileio.h"
#include "passphrase.h"

#define PW_CAP (EX_PASSPHRASE_MAX + 2)

/* Where the terminal's settings are kept while echo is off, so a signal
 * can put them back before the process dies. */
static volatile sig_atomic_t tty_restore_fd = -1;
static struct termios tty_saved;

static void
tty_signal(int sig)
{
	if (tty_restore_fd >= 0)
		tcsetattr(tty_restore_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static char *
pw_alloc(void)
{
	char *pw = sodium_malloc(PW_CAP);

	if (pw == NULL)
		cli_errorf("out of secure memory for a passphrase");
	else
		memset(pw, 0, PW_CAP);
	return pw;
}

void
cli_passphrase_free(char **pw)
{
	if (pw == NULL || *pw == NULL)
		return;
	sodium_free(*pw);
	*pw = NULL;
}

/* Read one line from fd into pw (at most EX_PASSPHRASE_MAX bytes).
 * Returns 0, or -1 with errno set (E2BIG when the line is too long). */
static int
read_line(int fd, char *pw)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0 || c == '\n')
			break;
		if (n == EX_PASSPHRASE_MAX) {
			errno = E2BIG;
			return -1;
		}
		pw[n++] = c;
	}
	if (n > 0 && pw[n - 1] == '\r')
		n--;
	pw[n] = '\0';
	return 0;
}

static int
from_file(const char *path, char **out)
{
	char *pw, shown[PATH_MAX + 64];
	ex_error err;
	int fd;

	if ((pw = pw_alloc()) == NULL)
		return EXIT_TROUBLE;
	/* Never waited on: a FIFO or a device is refused unread. */
	snprintf(shown, sizeof(shown), "%s (from %s)", path,
	    CLI_PASSPHRASE_ENV);
	if (ex_file_open(AT_FDCWD, path, 0, shown, &fd, NULL, &err) !=
	    EX_OK) {
		cli_error(&err);
		goto fail;
	}
	if (read_line(fd, pw) != 0) {
		cli_errorf("%s (from %s): %s", path, CLI_PASSPHRASE_ENV,
		    errno == E2BIG ? "passphrase is too long" :
		    strerror(errno));
		close(fd);
		goto fail;
	}
	close(fd);
	if (pw[0] == '\0') {
		cli_errorf("%s (from %s): empty passphrase", path,
		    CLI_PASSPHRASE_ENV);
		goto fail;
	}
	*out = pw;
	return EXIT_OK;
fail:
	cli_passphrase_free(&pw);
	return EXIT_TROUBLE;
}

/* Ask once on the terminal fd with echo off. */
static int
ask_tty(int fd, const char *prompt, char *pw)
{
	struct sigaction sa, old_int, old_term, old_hup, old_quit;
	struct termios quiet;
	int r, saved_errno, echo_off = 0;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return -1;
	if (tcgetattr(fd, &tty_saved) == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = tty_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGHUP, &sa, &old_hup);
		sigaction(SIGQUIT, &sa, &old_quit);
		quiet = tty_saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tty_restore_fd = fd;
		echo_off = tcsetattr(fd, TCSANOW, &quiet) == 0;
	}
	r = read_line(fd, pw);
	saved_errno = errno;
	if (tty_restore_fd >= 0) {
		if (echo_off)
			tcsetattr(fd, TCSANOW, &tty_saved);
		tty_restore_fd = -1;
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
	}
	errno = saved_errno;
	return r;
}

static int
from_tty(int fd, const char *prompt, int confirm, char **out)
{
	char *pw = NULL, *again = NULL;
	int status = EXIT_TROUBLE;

	if ((pw = pw_alloc()) == NULL)
		goto out;
	if (ask_tty(fd, prompt, pw) != 0) {
		cli_errorf("reading the passphrase: %s", errno == E2BIG ?
		    "passphrase is too long" : strerror(errno));
		goto out;
	}
	if (pw[0] == '\0') {
		cli_errorf("empty passphrase");
		goto out;
	}
	if (confirm) {
		if ((again = pw_alloc()) == NULL)
			goto out;
		if (ask_tty(fd, "Passphrase (again): ", again) != 0) {
			cli_errorf("reading the passphrase: %s",
			    strerror(errno));
			goto out;
		}
		if (strcmp(pw, again) != 0) {
			cli_errorf("the passphrases do not match");
			goto out;
		}
	}
	*out = pw;
	pw = NULL;
	status = EXIT_OK;
out:
	cli_passphrase_free(&pw);
	cli_passphrase_free(&again);
	return status;
}

int
cli_passphrase_get(const char *prompt, int confirm,
    const char *no_source_hint, char **out)
{
	const char *file = getenv(CLI_PASSPHRASE_ENV);
	int fd, status;

	*out = NULL;
	if (sodium_init() < 0) {
		cli_errorf("libsodium could not be initialised");
		return EXIT_TROUBLE;
	}
	if (file != NULL && file[0] != '\0')
		return from_file(file, out);
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cli_errorf("a passphrase is needed, but there is no terminal "
		    "to ask on and %s is not set%s%s", CLI_PASSPHRASE_ENV,
		    no_source_hint != NULL ? "; " : "",
		    no_source_hint != NULL ? no_source_hint : "");
		return EXIT_TROUBLE;
	}
	status = from_tty(fd, prompt, confirm, out);
	close(fd);
	return status;
}

int
cli_load_secret_key(const char *path, ex_seckey **out)
{
	char *pw = NULL;
	ex_error err;
	int encrypted = 0, status;

	*out = NULL;
	ex_error_clear(&err);
	if (ex_seckey_file_is_encrypted(path, &encrypted, &err) != EX_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	if (encrypted && (status = cli_passphrase_get(
	    "Passphrase for the secret key: ", 0,
	    "run on a terminal or point it at a file holding the passphrase",
	    &pw)) != EXIT_OK)
		return status;
	status = EXIT_OK;
	/* The key derivation takes seconds on purpose: say so. */
	if (encrypted)
		cli_notef("unlocking the secret key (a few seconds)...");
	if (ex_seckey_load(path, pw, out, &err) != EX_OK) {
		cli_error(&err);
		status = EXIT_TROUBLE;
	}
	cli_passphrase_free(&pw);
	return status;
}

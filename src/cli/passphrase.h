/*
 * passphrase.h — asking for a secret key's passphrase, and loading a
 * secret key for the subcommands that sign (export, custody add).
 *
 * The passphrase comes from the file named by EXHIBIT_PASSPHRASE_FILE (its
 * first line, without the newline) or else from the terminal (/dev/tty,
 * echo off).  Passphrases live in sodium_malloc() memory and are wiped by
 * cli_passphrase_free().
 */
#ifndef EXHIBIT_CLI_PASSPHRASE_H
#define EXHIBIT_CLI_PASSPHRASE_H

#include "exhibit/sign.h"

#define CLI_PASSPHRASE_ENV "EXHIBIT_PASSPHRASE_FILE"

/* Get a passphrase into *out (sodium_malloc()ed, NUL-terminated; free with
 * cli_passphrase_free).  prompt is shown on the terminal; confirm asks a
 * second time and requires the same answer (terminal only).  When there is
 * neither a passphrase file nor a terminal, prints an error ending in
 * no_source_hint (may be NULL).  Empty passphrases are refused.  Prints its
 * own errors; returns EXIT_OK or EXIT_TROUBLE. */
int cli_passphrase_get(const char *prompt, int confirm,
    const char *no_source_hint, char **out);

/* Wipe and free a passphrase; *pw becomes NULL.  Accepts NULL. */
void cli_passphrase_free(char **pw);

/* Load the secret key at path, asking for its passphrase (as above) only
 * if the key is protected by one.  Prints its own errors; returns EXIT_OK
 * with *out set (free with ex_seckey_free), or EXIT_TROUBLE. */
int cli_load_secret_key(const char *path, ex_seckey **out);

#endif

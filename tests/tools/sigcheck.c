/*
 * sigcheck — a small driver of libexhibit's minisign code for the shell
 * tests (tests/cli/minisign_interop.sh):
 *
 *   sigcheck verify PUBLIC_KEY FILE [SIGFILE]   (SIGFILE: FILE.minisig)
 *   sigcheck sign SECRET_KEY FILE [TRUSTED_COMMENT]   writes FILE.minisig
 *
 * The secret key's passphrase comes from EXHIBIT_PASSPHRASE_FILE, as in
 * exhibit.  Exit status as exhibit's: 0 ok, 1 signature rejected, 2 other.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exhibit/sign.h"
#include "passphrase.h"

static int
verify(const char *pub_path, const char *file, const char *sig_path)
{
	char id[EX_KEYID_TEXT];
	ex_signature sig;
	ex_pubkey pk;
	ex_error err;
	ex_status st;

	ex_error_clear(&err);
	if ((st = ex_pubkey_load(pub_path, &pk, &err)) != EX_OK ||
	    (st = ex_sig_load(sig_path, &sig, &err)) != EX_OK ||
	    (st = ex_sig_verify_file(&pk, &sig, file, &err)) != EX_OK) {
		fprintf(stderr, "sigcheck: %s (%s)\n", err.message,
		    ex_status_name(st));
		return cli_exit_for(st);
	}
	printf("verified: %s signature by key ID %s\n",
	    sig.alg == EX_SIG_HASHED ? "prehashed" : "legacy",
	    ex_keyid_format(sig.keyid, id, sizeof(id)));
	printf("trusted comment: %s\n", sig.trusted_comment);
	return EXIT_OK;
}

static int
sign(const char *sec_path, const char *file, const char *trusted)
{
	ex_seckey *sk = NULL;
	char *text = NULL, *sig_path = NULL;
	size_t len = 0;
	ex_error err;
	int status;
	FILE *fp;

	ex_error_clear(&err);
	if ((status = cli_load_secret_key(sec_path, &sk)) != EXIT_OK)
		return status;
	if (ex_sign_file(sk, file, trusted, NULL, &text, &len, &err) != EX_OK) {
		fprintf(stderr, "sigcheck: %s\n", err.message);
		status = EXIT_TROUBLE;
		goto out;
	}
	if ((sig_path = malloc(strlen(file) + sizeof(".minisig"))) == NULL) {
		status = EXIT_TROUBLE;
		goto out;
	}
	strcpy(sig_path, file);
	strcat(sig_path, ".minisig");
	if ((fp = fopen(sig_path, "w")) == NULL ||
	    fwrite(text, 1, len, fp) != len || fclose(fp) != 0) {
		perror(sig_path);
		status = EXIT_TROUBLE;
		goto out;
	}
	printf("signed: %s\n", sig_path);
out:
	free(sig_path);
	free(text);
	ex_seckey_free(&sk);
	return status;
}

int
main(int argc, char **argv)
{
	char *def = NULL;
	int status;

	if (argc >= 4 && argc <= 5 && strcmp(argv[1], "verify") == 0) {
		if (argc == 5)
			return verify(argv[2], argv[3], argv[4]);
		if ((def = malloc(strlen(argv[3]) + sizeof(".minisig"))) == NULL)
			return EXIT_TROUBLE;
		strcpy(def, argv[3]);
		strcat(def, ".minisig");
		status = verify(argv[2], argv[3], def);
		free(def);
		return status;
	}
	if (argc >= 4 && argc <= 5 && strcmp(argv[1], "sign") == 0)
		return sign(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	fprintf(stderr, "usage: sigcheck verify PUBLIC_KEY FILE [SIGFILE]\n"
	    "       sigcheck sign SECRET_KEY FILE [TRUSTED_COMMENT]\n");
	return EXIT_TROUBLE;
}

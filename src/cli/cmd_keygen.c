/* cmd_keygen.c — exhibit keygen: make a minisign-compatible key pair. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "exhibit/sign.h"
#include "passphrase.h"

struct keygen_opts {
	const char *seckey_path;
	const char *pubkey_path;
	const char *comment;
	int without_passphrase;
};

static void
usage(FILE *fp)
{
	fputs(
"Usage: exhibit keygen -s SECRET_KEY -p PUBLIC_KEY [-W] [-c COMMENT]\n"
"Make a minisign-compatible Ed25519 key pair for signing evidence.\n"
"\n"
"  -s, --secret-key FILE      where to write the secret key (mode 0600)\n"
"  -p, --public-key FILE      where to write the public key\n"
"  -W, --without-password     do not protect the secret key with a passphrase\n"
"  -c, --comment TEXT         a note for the public key file (e.g. who owns it)\n"
"  -h, --help                 show this help\n"
"\n"
"Neither file may exist already.  The passphrase is read from the file named\n"
"by EXHIBIT_PASSPHRASE_FILE (its first line) or else asked for twice on the\n"
"terminal.  The keys work with stock minisign: minisign -Vm FILE -p PUBLIC_KEY.\n", fp);
}

int
cmd_keygen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "secret-key", required_argument, NULL, 's' },
		{ "public-key", required_argument, NULL, 'p' },
		{ "without-password", no_argument, NULL, 'W' },
		{ "comment", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct keygen_opts o = { NULL, NULL, NULL, 0 };
	char id[EX_KEYID_TEXT], b64[EX_PUBKEY_B64_TEXT];
	ex_seckey *sk = NULL;
	char *pw = NULL;
	ex_pubkey pk;
	ex_error err;
	int c, status = EXIT_TROUBLE;

	ex_error_clear(&err);
	optind = 1;
	while ((c = cli_getopt(argc, argv, "+s:p:Wc:h", longopts)) != -1) {
		switch (c) {
		case 's': o.seckey_path = optarg; break;
		case 'p': o.pubkey_path = optarg; break;
		case 'W': o.without_passphrase = 1; break;
		case 'c': o.comment = optarg; break;
		default:        /* 'h', or a mistake */
			return cli_help_or_hint(c, usage, "keygen");
		}
	}
	if (optind < argc) {
		cli_errorf("unexpected argument '%s'", argv[optind]);
		return cli_usage_hint("keygen");
	}
	if (o.seckey_path == NULL || o.pubkey_path == NULL) {
		cli_errorf("both -s SECRET_KEY and -p PUBLIC_KEY are "
		    "required");
		return cli_usage_hint("keygen");
	}
	/* Friendly early check; the library's O_EXCL is what guarantees it. */
	if (access(o.seckey_path, F_OK) == 0 ||
	    access(o.pubkey_path, F_OK) == 0) {
		cli_errorf("%s: already exists; refusing to overwrite it",
		    access(o.seckey_path, F_OK) == 0 ? o.seckey_path :
		    o.pubkey_path);
		return EXIT_TROUBLE;
	}
	if (!o.without_passphrase && cli_passphrase_get(
	    "Passphrase for the new secret key: ", 1,
	    "use -W for a key without a passphrase, or set "
	    CLI_PASSPHRASE_ENV " to a file holding one", &pw) != EXIT_OK)
		goto out;
	if (ex_key_generate(&sk, &err) != EX_OK ||
	    ex_key_write_files(sk, o.seckey_path, o.pubkey_path, pw,
	    o.comment, &err) != EX_OK) {
		cli_error(&err);
		status = EXIT_TROUBLE;
		goto out;
	}
	ex_seckey_pubkey(sk, &pk);
	printf("Key ID:     %s\n", ex_keyid_format(pk.keyid, id, sizeof(id)));
	printf("Secret key: %s (%s)\n", o.seckey_path, pw != NULL ?
	    "passphrase-protected; keep it secret" :
	    "NOT passphrase-protected; keep it secret");
	printf("Public key: %s\n", o.pubkey_path);
	printf("Check a signature with: minisign -Vm FILE -P %s\n",
	    ex_pubkey_base64(&pk, b64));
	status = EXIT_OK;
out:
	cli_passphrase_free(&pw);
	ex_seckey_free(&sk);
	return status;
}

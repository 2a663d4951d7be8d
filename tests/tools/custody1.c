/*
 * custody1 — write a fresh custody log whose only event (1, "exported")
 * is signed by the given key, for the forgery test in
 * tests/cli/verify_tamper.sh (a bundle re-signed, consistently, by
 * someone else):
 *
 *   custody1 SECRET_KEY EXHIBIT_REF ACTOR UNIX_SECONDS MANIFEST_XML OUT
 *
 * SECRET_KEY must be a key without a passphrase (keygen -W).  The event's
 * manifest hash is the SHA-256 of MANIFEST_XML's bytes.  OUT is written
 * (created or truncated).  Exit status: 0 ok, 2 any error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/custody.h"
#include "exhibit/hash.h"
#include "exhibit/sign.h"

int
main(int argc, char **argv)
{
	ex_seckey *sk = NULL;
	ex_custody *log = NULL;
	ex_digest_result md;
	ex_error err;
	char *xml = NULL, *end;
	size_t len = 0;
	long long secs;
	FILE *fp = NULL;
	int status = 2;

	ex_error_clear(&err);
	if (argc != 7) {
		fprintf(stderr, "Usage: custody1 SECRET_KEY EXHIBIT_REF ACTOR "
		    "UNIX_SECONDS MANIFEST_XML OUT\n");
		return 2;
	}
	errno = 0;
	secs = strtoll(argv[4], &end, 10);
	if (errno != 0 || *end != '\0' || secs < 0) {
		fprintf(stderr, "custody1: %s: not a number of seconds\n",
		    argv[4]);
		return 2;
	}
	if (ex_seckey_load(argv[1], NULL, &sk, &err) != EX_OK ||
	    ex_digest_file(argv[5], &md, &err) != EX_OK ||
	    ex_custody_new(argv[2], &log, &err) != EX_OK ||
	    ex_custody_append(log, sk, argv[3], "exported", NULL,
	    (ex_instant)secs * EX_USEC_PER_SEC, md.sha256, &err) != EX_OK ||
	    ex_custody_write(log, &xml, &len, &err) != EX_OK) {
		fprintf(stderr, "custody1: %s\n", err.message);
		goto out;
	}
	if ((fp = fopen(argv[6], "wb")) == NULL ||
	    fwrite(xml, 1, len, fp) != len) {
		fprintf(stderr, "custody1: %s: %s\n", argv[6], strerror(errno));
		goto out;
	}
	status = 0;
out:
	if (fp != NULL && fclose(fp) != 0 && status == 0) {
		fprintf(stderr, "custody1: %s: %s\n", argv[6], strerror(errno));
		status = 2;
	}
	free(xml);
	ex_custody_free(&log);
	ex_seckey_free(&sk);
	return status;
}

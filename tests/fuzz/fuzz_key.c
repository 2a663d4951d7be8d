/* fuzz_key.c — minisign public and secret key files
 * (src/lib/evidence/key.c).  Secret keys are loaded without a passphrase,
 * so an encrypted key is refused before the 1 GiB key derivation. */
#include "config.h"

#include "exhibit/sign.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ex_pubkey pk;
	ex_seckey *sk = NULL;
	const char *path;
	char *text = NULL;
	int encrypted;
	ex_error err;

	if (ex_pubkey_parse((const char *)data, size, &pk, &err) == EX_OK &&
	    ex_pubkey_format(&pk, "fuzz", &text, NULL, &err) == EX_OK)
		free(text);
	path = fuzz_write("key", data, size, 0600);
	if (ex_seckey_file_is_encrypted(path, &encrypted, &err) == EX_OK &&
	    !encrypted && ex_seckey_load(path, NULL, &sk, &err) == EX_OK) {
		ex_seckey_pubkey(sk, &pk);
		ex_seckey_free(&sk);
	}
	return 0;
}

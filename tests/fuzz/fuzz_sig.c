/* fuzz_sig.c — .minisig signature files (src/lib/evidence/sign.c). */
#include "config.h"

#include "exhibit/sign.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char msg[] = "exhibit";
	ex_signature sig;
	ex_pubkey pk;
	ex_error err;

	if (ex_sig_parse((const char *)data, size, &sig, &err) != EX_OK)
		return 0;
	/* A key with the signature's ID, so every check is reached. */
	memset(&pk, 0x42, sizeof(pk));
	memcpy(pk.keyid, sig.keyid, sizeof(pk.keyid));
	(void)ex_sig_verify_buffer(&pk, &sig, msg, sizeof(msg) - 1, &err);
	return 0;
}

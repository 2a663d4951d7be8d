/* fuzz_custody.c — custody.xml (src/lib/evidence/custody.c): parse, then
 * verify the chain (signatures, links) and write it again. */
#include "config.h"

#include "exhibit/custody.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char zero[EX_SHA256_BYTES] = { 0 };
	ex_custody_report report;
	ex_custody *c = NULL;
	char *xml = NULL;
	size_t len;
	ex_error err;

	if (ex_custody_parse((const char *)data, size, &c, &err) != EX_OK)
		return 0;
	memset(&report, 0, sizeof(report));
	(void)ex_custody_verify(c, zero, NULL, 0, &report, &err);
	ex_custody_report_free(&report);
	if (ex_custody_write(c, &xml, &len, &err) == EX_OK)
		free(xml);
	ex_custody_free(&c);
	return 0;
}

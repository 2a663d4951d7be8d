/* fuzz_manifest.c — manifest.xml (src/lib/evidence/manifest.c, xml.c):
 * secure parsing and schema validation; what parses must write again. */
#include "config.h"

#include "exhibit/manifest.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ex_manifest *m = NULL;
	char *xml = NULL;
	size_t len;
	ex_error err;

	if (ex_manifest_parse((const char *)data, size, &m, &err) == EX_OK) {
		if (ex_manifest_write(m, &xml, &len, &err) == EX_OK)
			free(xml);
		ex_manifest_free(&m);
	}
	return 0;
}

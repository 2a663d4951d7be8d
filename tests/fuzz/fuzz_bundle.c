/* fuzz_bundle.c — the bundle reader and verify (src/lib/bundle/reader.c,
 * check.c, src/lib/verify.c): the input is a ZIP, tar or ISO file. */
#include "config.h"

#include "exhibit/bundle.h"
#include "exhibit/verify.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ex_verify_report *r = NULL;
	ex_bundle_limits lim;
	ex_bundle *b = NULL;
	char **problems = NULL;
	size_t n = 0, i;
	const char *path = fuzz_write("bundle", data, size, 0600);
	ex_error err;

	/* Small limits, so the limit paths are reached too. */
	ex_bundle_limits_default(&lim);
	lim.max_entries = 64;
	lim.keep_max = 4096;
	lim.keep_total_max = 16384;
	if (ex_bundle_load(path, &lim, &b, &err) == EX_OK) {
		if (ex_bundle_check_bag(b, &problems, &n, &err) == EX_OK) {
			for (i = 0; i < n; i++)
				free(problems[i]);
			free(problems);
		}
		(void)ex_bundle_find(b, "manifest.xml");
		ex_bundle_free(&b);
	}
	if (ex_verify(path, NULL, 0, &r, &err) == EX_OK)
		ex_verify_report_free(&r);
	return 0;
}

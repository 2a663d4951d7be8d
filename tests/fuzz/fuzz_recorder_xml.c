/* fuzz_recorder_xml.c — the recorder index, recorder.xml
 * (src/lib/archive/indexed.c, detect.c): the input is written as the
 * recorder.xml of an otherwise empty archive folder and the archive
 * opened (segment files it names do not exist, so none is probed). */
#include "config.h"

#include <sys/stat.h>

#include "exhibit/archive.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ex_archive *a = NULL;
	ex_error err;

	(void)fuzz_write("recorder.xml", data, size, 0644);
	if (ex_archive_open(fuzz_scratch(), NULL, &a, &err) == EX_OK)
		ex_archive_free(&a);
	return 0;
}

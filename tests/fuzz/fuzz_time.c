/* fuzz_time.c — ISO 8601 times, zones and clock offsets (src/lib/time.c).
 * Input: the text to parse; its first byte also picks the zone. */
#include "config.h"

#include "exhibit/time.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const zones[] = {
		"Europe/London", "UTC", "America/New_York", "Asia/Kolkata",
		"Australia/Lord_Howe", "Pacific/Chatham", "no/such/zone", ""
	};
	const char *zone = zones[size > 0 ? data[0] % 8 : 0];
	char *text = fuzz_string(data, size);
	char buf[EX_TIME_BUFSZ];
	ex_local_time lt;
	ex_instant t;
	int64_t off;
	ex_error err;

	if (ex_time_parse(text, zone, &t, &err) == EX_OK) {
		ex_time_format_utc(t, buf, sizeof(buf));
		ex_time_format_iso_local(t, zone, buf, sizeof(buf));
		ex_time_format_display(t, zone, buf, sizeof(buf));
		if (ex_time_local(t, zone, &lt, NULL) == EX_OK)
			(void)ex_time_from_local(&lt, zone, &t, NULL);
	}
	(void)ex_time_parse_offset(text, &off, &err);
	(void)ex_time_zone_check(text, NULL);
	free(text);
	return 0;
}

/*
 * sei.c — find the in-stream signatures a camera writes into its video:
 * SEI "user data unregistered" messages (H.264 NAL type 6, H.265 prefix
 * and suffix SEI types 39 and 40, payload type 5) whose first 16 bytes
 * are a known UUID.  Only looked at, never changed: a native copy keeps
 * the packets, and with them the messages, as they were.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "archive/archive_private.h"

/* The UUIDs, as their frameworks publish them. */
static const struct {
	unsigned flag;
	const char *name;
	unsigned char uuid[16];
} known[] = {
	/* Axis Signed Video: 5369676e-6564-2056-6964-656f2e2e2e30 */
	{ EX_SIGNED_AXIS, "axis-signed-video",
	  { 0x53, 0x69, 0x67, 0x6e, 0x65, 0x64, 0x20, 0x56,
	    0x69, 0x64, 0x65, 0x6f, 0x2e, 0x2e, 0x2e, 0x30 } },
	/* ONVIF Media Signing: 005bc93f-2d71-5e95-ada4-796f90877a6f */
	{ EX_SIGNED_ONVIF, "onvif-media-signing",
	  { 0x00, 0x5b, 0xc9, 0x3f, 0x2d, 0x71, 0x5e, 0x95,
	    0xad, 0xa4, 0x79, 0x6f, 0x90, 0x87, 0x7a, 0x6f } },
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

size_t
ex_signatures_names(unsigned flags, char *buf, size_t size)
{
	size_t i, used = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < NKNOWN; i++) {
		int n;

		if (!(flags & known[i].flag))
			continue;
		n = snprintf(buf + used, size - used, "%s%s",
		    used > 0 ? " " : "", known[i].name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	return used;
}

/*
 * The SEI messages of one NAL unit's payload (after its header), with
 * emulation prevention bytes (00 00 03) taken out as they are met.
 */
static unsigned
sei_payloads(const unsigned char *p, size_t n)
{
	unsigned char uuid[16];
	unsigned found = 0;
	size_t i = 0, zeros = 0;
	int have_uuid;

/* The next RBSP byte into v, or leave the loop at the end. */
#define NEXT(v) do { \
	if (i >= n) \
		goto done; \
	if (zeros >= 2 && p[i] == 3) { \
		zeros = 0; \
		if (++i >= n) \
			goto done; \
	} \
	(v) = p[i++]; \
	zeros = (v) == 0 ? zeros + 1 : 0; \
} while (0)

	for (;;) {
		size_t type = 0, len = 0, k;
		unsigned b;

		/* rbsp_trailing_bits: a last byte 0x80 ends the messages. */
		if (i + 1 >= n && (i >= n || p[i] == 0x80))
			break;
		do {
			NEXT(b);
			type += b;
		} while (b == 0xff);
		do {
			NEXT(b);
			len += b;
		} while (b == 0xff);
		have_uuid = 0;
		for (k = 0; k < len; k++) {
			NEXT(b);
			if (type == 5 && k < 16) {
				uuid[k] = (unsigned char)b;
				have_uuid = k == 15;
			}
		}
		if (have_uuid)
			for (k = 0; k < NKNOWN; k++)
				if (memcmp(uuid, known[k].uuid, 16) == 0)
					found |= known[k].flag;
	}
done:
#undef NEXT
	return found;
}

/* One NAL unit: an SEI of this codec? */
static unsigned
nal_unit(const unsigned char *p, size_t n, int hevc)
{
	while (n > 0 && p[n - 1] == 0)     /* Annex B: zeros before 00 00 01 */
		n--;
	if (hevc) {
		unsigned t;

		if (n < 3)
			return 0;
		t = (p[0] >> 1) & 0x3f;
		return t == 39 || t == 40 ? sei_payloads(p + 2, n - 2) : 0;
	}
	if (n < 2 || (p[0] & 0x1f) != 6)
		return 0;
	return sei_payloads(p + 1, n - 1);
}

unsigned
archive_sei_signatures(const unsigned char *data, size_t size, int hevc,
    int length_size)
{
	unsigned found = 0;
	size_t i, start;

	if (length_size >= 1 && length_size <= 4) {
		/* MP4/Matroska: each NAL unit after its length. */
		for (i = 0; i + (size_t)length_size <= size; ) {
			size_t len = 0;
			int k;

			for (k = 0; k < length_size; k++)
				len = len << 8 | data[i + (size_t)k];
			i += (size_t)length_size;
			if (len > size - i)
				break;
			found |= nal_unit(data + i, len, hevc);
			i += len;
		}
		return found;
	}
	/* Annex B (MPEG-TS, MPEG-PS): NAL units after 00 00 01. */
	for (i = 0, start = SIZE_MAX; i + 2 < size; i++) {
		if (data[i] != 0 || data[i + 1] != 0 || data[i + 2] != 1)
			continue;
		if (start != SIZE_MAX)
			found |= nal_unit(data + start, i - start, hevc);
		start = i + 3;
		i += 2;
	}
	if (start != SIZE_MAX && start < size)
		found |= nal_unit(data + start, size - start, hevc);
	return found;
}

int
archive_sei_length_size(const unsigned char *extradata, size_t size,
    int hevc)
{
	/* avcC / hvcC begin with configurationVersion 1; Annex B extradata
	 * begins with a start code (0). */
	if (extradata == NULL || size == 0 || extradata[0] != 1)
		return 0;
	if (hevc)
		return size > 21 ? (extradata[21] & 3) + 1 : 0;
	return size > 4 ? (extradata[4] & 3) + 1 : 0;
}

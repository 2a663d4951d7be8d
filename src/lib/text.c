/* text.c — one cleaner for every string exhibit writes, one escaper for
 * every string it shows (see exhibit/text.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/text.h"

/* Length of a valid UTF-8 sequence at p (n bytes left) and its code point,
 * or 0 when the bytes are not valid UTF-8. */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

size_t
ex_utf8_invalid_at(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0)
			return i;
		i += n;
	}
	return len;
}

char *
ex_text_clean(const char *s, unsigned flags)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, o = 0, len;
	uint32_t cp;
	char *out;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	/* Each input byte yields at most 3 output bytes (U+FFFD). */
	if ((out = malloc(n * 3 + 1)) == NULL)
		return NULL;
	while (i < n) {
		len = utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			memcpy(out + o, fffd, 3);
			o += 3;
			i++;
			continue;
		}
		if (cp == '\t') {
			out[o++] = (flags & EX_TEXT_TAB_SPACE) ? ' ' : '\t';
		} else if (cp == '\n') {
			out[o++] = (flags & EX_TEXT_LF_SPACE) ? ' ' : '\n';
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			/* dropped */
		} else if (cp == 0xfffe || cp == 0xffff) {
			memcpy(out + o, fffd, 3);
			o += 3;
		} else {
			memcpy(out + o, p + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	return out;
}

/* Characters that ex_text_escape shows as \u{...} (see exhibit/text.h). */
static int
escape_as_code_point(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||       /* C1 controls */
	    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) ||      /* embeddings, overrides */
	    (cp >= 0x2066 && cp <= 0x2069) ||      /* isolates */
	    cp == 0x2028 || cp == 0x2029 ||        /* line, paragraph */
	    cp == 0xfffe || cp == 0xffff;          /* not XML characters */
}

char *
ex_text_escape(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n, size, i = 0, o = 0, len;
	uint32_t cp;
	char *out;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	/* At most 4 output bytes per input byte: "\xHH" for one byte;
	 * "\u{HHHH}" (8) stands for 2 or 3 bytes. */
	if (n > (SIZE_MAX - 1) / 4)
		return NULL;
	size = n * 4 + 1;
	if ((out = malloc(size)) == NULL)
		return NULL;
	while (i < n) {
		len = utf8_decode(p + i, n - i, &cp);
		if (len == 0 || cp < 0x20 || cp == 0x7f) {
			/* One byte: a control, or not valid UTF-8. */
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 0xf];
			i++;
			continue;
		}
		if (cp == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (escape_as_code_point(cp)) {
			/* Fits: 8 bytes for at least 2 input bytes. */
			o += (size_t)snprintf(out + o, size - o, "\\u{%04x}",
			    (unsigned)cp);
		} else {
			memcpy(out + o, p + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	return out;
}

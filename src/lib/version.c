/* version.c — versions of exhibit and of the libraries it runs on. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libswscale/swscale.h>
#include <libxml/parser.h>
#include <sodium.h>
#ifdef HAVE_LIBCRYPTO
#include <openssl/crypto.h>
#endif

#include "exhibit/version.h"

const char *
ex_version(void)
{
	return PACKAGE_VERSION;
}

static void
put(ex_lib_version *out, int max, int *n, const char *name, unsigned a,
    unsigned b, unsigned c)
{
	if (*n >= max)
		return;
	out[*n].name = name;
	snprintf(out[*n].version, sizeof(out[*n].version), "%u.%u.%u", a, b, c);
	(*n)++;
}

static void
put_str(ex_lib_version *out, int max, int *n, const char *name, const char *v)
{
	if (*n >= max)
		return;
	out[*n].name = name;
	snprintf(out[*n].version, sizeof(out[*n].version), "%s", v);
	(*n)++;
}

#define SPLIT(v) AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v), AV_VERSION_MICRO(v)

int
ex_lib_versions(ex_lib_version *out, int max)
{
	const char *arch = archive_version_string();
	unsigned xv;
	int n = 0;

	put(out, max, &n, "libavformat", SPLIT(avformat_version()));
	put(out, max, &n, "libavcodec", SPLIT(avcodec_version()));
	put(out, max, &n, "libavutil", SPLIT(avutil_version()));
	put(out, max, &n, "libswscale", SPLIT(swscale_version()));
	put_str(out, max, &n, "libsodium", sodium_version_string());
	/* "libarchive 3.6.2" */
	if (strncmp(arch, "libarchive ", 11) == 0)
		arch += 11;
	put_str(out, max, &n, "libarchive", arch);
	/* xmlParserVersion is "20914" for 2.9.14 */
	xv = (unsigned)strtoul(xmlParserVersion, NULL, 10);
	put(out, max, &n, "libxml2", xv / 10000, xv / 100 % 100,
	    xv % 100);
#ifdef HAVE_LIBCRYPTO
	/* "OpenSSL 3.0.x 1 Nov 2022": keep the version word. */
	{
		char v[64];
		const char *t = OpenSSL_version(OPENSSL_VERSION);

		if (strncmp(t, "OpenSSL ", 8) == 0)
			t += 8;
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(t, " "), t);
		put_str(out, max, &n, "libcrypto", v);
	}
#endif
	put_str(out, max, &n, "ffmpeg", av_version_info());
	return n;
}

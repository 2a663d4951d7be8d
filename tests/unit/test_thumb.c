/*
 * test_thumb.c — the thumbnails of index.html (ex_media_thumbnail): the
 * first frame of a working copy as a PNG, bit-exact, never wider than the
 * picture, its display aspect kept; refused, named, for what is no video.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhibit/media.h"

#define SAMPLE_MP4 TEST_SRCDIR "/samples/archive/cam1/20241027T005930Z.mp4"
#define SAMPLE_MKV TEST_SRCDIR "/samples/archive/cam2/20241027T005935Z.mkv"

/* ---- thumbnails ------------------------------------------------------------ */

static void
png_size(const unsigned char *p, size_t len, int *w, int *h)
{
	assert_true(len > 24);
	assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(p + 12, "IHDR", 4);
	*w = p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19];
	*h = p[20] << 24 | p[21] << 16 | p[22] << 8 | p[23];
	/* 8-bit RGB */
	assert_int_equal(p[24], 8);
	assert_int_equal(p[25], 2);
}

static void
test_thumbnail_of_sample(void **state)
{
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	ex_error err;
	int w, h;

	(void)state;
	assert_int_equal(ex_media_thumbnail(SAMPLE_MP4, 320, &a, &alen, &err),
	    EX_OK);
	png_size(a, alen, &w, &h);
	assert_int_equal(w, 320);       
	assert_int_equal(h, 180);       /* 640x360 kept at 16:9 */
	/* The same bytes every time. */
	assert_int_equal(ex_media_thumbnail(SAMPLE_MP4, 320, &b, &blen,
	    &err), EX_OK);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(b);
	b = NULL;
	/* Never wider than the picture; any width keeps the aspect. */
	assert_int_equal(ex_media_thumbnail(SAMPLE_MP4, 4000, &b, &blen,
	    &err), EX_OK);
	png_size(b, blen, &w, &h);
	assert_int_equal(w, 640);
	assert_int_equal(h, 360);
	free(b);
	b = NULL;
	assert_int_equal(ex_media_thumbnail(SAMPLE_MP4, 100, &b, &blen,
	    &err), EX_OK);
	png_size(b, blen, &w, &h);
	assert_int_equal(w, 100);
	assert_int_equal(h, 56);
	free(b);
	b = NULL;
	/* Matroska too (B-frames: the first frame still comes out). */
	assert_int_equal(ex_media_thumbnail(SAMPLE_MKV, 320, &b, &blen, &err),
	    EX_OK);
	png_size(b, blen, &w, &h);
	assert_int_equal(w, 320);
	/* Different footage, different picture. */
	assert_true(blen != alen || memcmp(a, b, alen) != 0);
	free(a);
	free(b);
}

static void
test_thumbnail_refuses_non_video(void **state)
{
	unsigned char *png = (unsigned char *)"x";
	size_t len = 7;
	ex_error err;

	(void)state;
	assert_int_equal(ex_media_thumbnail(TEST_SRCDIR
	    "/samples/archive/recorder.xml", 320, &png, &len, &err),
	    EX_ERR_MEDIA);
	assert_non_null(strstr(err.message, "samples/archive/recorder.xml: "
	    "cannot open"));
	assert_null(png);
	assert_int_equal(len, 0);
	assert_int_equal(ex_media_thumbnail(TEST_SRCDIR "/no/such.mp4", 320,
	    &png, &len, &err), EX_ERR_MEDIA);
	assert_non_null(strstr(err.message, "no/such.mp4: cannot open: "
	    "No such file or directory"));
	assert_int_equal(ex_media_thumbnail(NULL, 320, &png, &len, &err),
	    EX_ERR_USAGE);
	assert_int_equal(ex_media_thumbnail(SAMPLE_MP4, 0, &png, &len, &err),
	    EX_ERR_USAGE);
	assert_string_equal(err.message, "thumbnail: no width given");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thumbnail_of_sample),
		cmocka_unit_test(test_thumbnail_refuses_non_video),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

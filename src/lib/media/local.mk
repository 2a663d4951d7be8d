## src/lib/media: module fragment (included by Makefile.am)
## The media pipeline: native cuts (stream copy) and working copies
## (decode, burn-in, libx264).  One file per stage; see media_private.h.
noinst_LTLIBRARIES += libexmedia.la
libexmedia_la_SOURCES = \
	include/exhibit/media.h \
	src/lib/media/media_private.h \
	src/lib/media/demux.c \
	src/lib/media/decode.c \
	src/lib/media/encode.c \
	src/lib/media/mux.c \
	src/lib/media/result.c \
	src/lib/media/native.c \
	src/lib/media/working.c
libexmedia_la_LIBADD = libexoverlay.la libexcore.la
libexhibit_la_LIBADD += libexmedia.la

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_media
tests_unit_test_media_SOURCES = tests/unit/test_media.c
tests_unit_test_media_CFLAGS = $(UNIT_CFLAGS) -DFFMPEG='"$(FFMPEG)"'
tests_unit_test_media_LDADD = libexmedia.la $(UNIT_LIBS)
TESTS += tests/unit/test_media
endif

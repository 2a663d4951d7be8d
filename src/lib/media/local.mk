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
	src/lib/media/audio.c \
	src/lib/media/mux.c \
	src/lib/media/result.c \
	src/lib/media/native_private.h \
	src/lib/media/native.c \
	src/lib/media/native_streams.c \
	src/lib/media/working_private.h \
	src/lib/media/working.c \
	src/lib/media/working_encode.c \
	src/lib/media/picture.c \
	src/lib/media/queue.c \
	src/lib/media/burn.c \
	src/lib/media/still.c \
	src/lib/media/thumb.c
libexmedia_la_LIBADD = libexoverlay.la libexcore.la
libexhibit_la_LIBADD += libexmedia.la

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_media
tests_unit_test_media_SOURCES = tests/unit/test_media.c \
    tests/unit/test_media_working.c tests/unit/test_media_still.c \
    tests/unit/test_media.h tests/unit/scratch.h
tests_unit_test_media_CFLAGS = $(UNIT_CFLAGS) -DFFMPEG='"$(FFMPEG)"'
tests_unit_test_media_LDADD = libexmedia.la $(UNIT_LIBS)
TESTS += tests/unit/test_media
## The thumbnails of index.html.
check_PROGRAMS += tests/unit/test_thumb
tests_unit_test_thumb_SOURCES = tests/unit/test_thumb.c
tests_unit_test_thumb_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_thumb_LDADD = libexmedia.la $(UNIT_LIBS)
TESTS += tests/unit/test_thumb

## Clock offsets to the millisecond: parsing, recorder/true conversion,
## the burn-in's time and correction lines across the clock change.
check_PROGRAMS += tests/unit/test_clock
tests_unit_test_clock_SOURCES = tests/unit/test_clock.c
tests_unit_test_clock_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_clock_LDADD = libexmedia.la libexcore.la $(UNIT_LIBS)
TESTS += tests/unit/test_clock
endif

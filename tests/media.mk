## tests/media.mk (included by the build): the media results' unit test
## (issue 13).  The media shell tests (fidelity_streams.sh,
## fidelity_colour.sh, containers.sh) and their tools are in tests/local.mk.

## What the media results say became of every source stream.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_media_streams
tests_unit_test_media_streams_SOURCES = tests/unit/test_media_streams.c \
    tests/unit/scratch.h
tests_unit_test_media_streams_CFLAGS = $(UNIT_CFLAGS) -DFFMPEG='"$(FFMPEG)"'
tests_unit_test_media_streams_LDADD = libexmedia.la $(UNIT_LIBS)
TESTS += tests/unit/test_media_streams
endif

## tests/media.mk (included by the build): every stream and every pixel,
## as the camera recorded them (issue 13).  Footage is made at test time
## with ffmpeg; nothing binary is committed.
##
## fidelity_streams.sh  native copies keep the source's packets (video,
##                      AAC, timecode, SEI messages) over the range, leave
##                      out what MP4 cannot hold (G.711, PCM); working
##                      copies carry the sound as AAC, in sync, as long as
##                      the picture
## fidelity_colour.sh   working copies are yuv420p, limited range, colour
##                      description set; full-range ramps come out with the
##                      levels of ffmpeg's own conversion
MEDIA_TESTS = \
	tests/cli/fidelity_streams.sh \
	tests/cli/fidelity_colour.sh
TESTS += $(MEDIA_TESTS)
dist_check_SCRIPTS += $(MEDIA_TESTS)
## seiput.py: SEI user-data-unregistered messages into every picture;
## avcheck.py: packet runs, click times, luma rows.
EXTRA_DIST += \
	tests/tools/seiput.py \
	tests/tools/avcheck.py

## What the media results say became of every source stream.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_media_streams
tests_unit_test_media_streams_SOURCES = tests/unit/test_media_streams.c
tests_unit_test_media_streams_CFLAGS = $(UNIT_CFLAGS) -DFFMPEG='"$(FFMPEG)"'
tests_unit_test_media_streams_LDADD = libexmedia.la $(UNIT_LIBS)
TESTS += tests/unit/test_media_streams
endif

## containers.sh (issue 13 item 4): MPEG-PS (H.264, MP2) and AVI (H.264,
## PCM) sources, H.265 in MP4 as hev1 and hvc1, H.265 signed video in MP4
## and MPEG-TS: scanned whole, exported frame-accurately (frame codes read
## back, pictures and packets against the source's), truncated PS and AVI
## reported damaged.
TESTS += tests/cli/containers.sh
dist_check_SCRIPTS += tests/cli/containers.sh

## src/lib/archive: module fragment (included by Makefile.am)
## Recorder archives: the model and its builder (model.c), the table of
## layouts (detect.c) and the layouts (indexed recorder.xml, Frigate, plain
## folders), segment probing and the per-camera timeline.
noinst_LTLIBRARIES += libexarchive.la
libexarchive_la_SOURCES = \
	include/exhibit/archive.h src/lib/archive/archive_private.h \
	src/lib/archive/model.c src/lib/archive/detect.c \
	src/lib/archive/indexed.c src/lib/archive/frigate.c \
	src/lib/archive/plain.c src/lib/archive/probe.c src/lib/archive/sei.c \
	src/lib/archive/scan_xml.c src/lib/archive/timeline.c \
	src/lib/archive/walk.c
nodist_libexarchive_la_SOURCES = src/lib/archive/recorder_xsd.c
libexarchive_la_LIBADD = libexcore.la
libexhibit_la_LIBADD += libexarchive.la
## The segment index (issue 15): segindex.c (the SQLite database under
## the cache folder), segindex_row.c (one row, every column checked).
libexarchive_la_SOURCES += src/lib/archive/segindex.h \
	src/lib/archive/segindex.c src/lib/archive/segindex_row.c
libexarchive_la_LIBADD += $(SQLITE_LIBS)
DEP_CFLAGS += $(SQLITE_CFLAGS)

## schemas/recorder.xsd compiled into the binary (build-aux/embed.sh).
src/lib/archive/recorder_xsd.c: $(top_srcdir)/schemas/recorder.xsd $(top_srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src/lib/archive && \
	$(SHELL) $(top_srcdir)/build-aux/embed.sh ex_recorder_xsd \
	    $(top_srcdir)/schemas/recorder.xsd > $@.tmp && mv $@.tmp $@
BUILT_SOURCES += src/lib/archive/recorder_xsd.c
CLEANFILES += src/lib/archive/recorder_xsd.c
EXTRA_DIST += schemas/recorder.xsd schemas/scan.xsd

## Test footage: tiny clips (160x90, 10 fps, 2 s) and broken files.
EXTRA_DIST += \
	tests/fixtures/archive/make.sh tests/fixtures/archive/clip.mp4 \
	tests/fixtures/archive/clip.mkv tests/fixtures/archive/clip.ts \
	tests/fixtures/archive/clip_hevc.mp4 tests/fixtures/archive/vfr.mkv \
	tests/fixtures/archive/notmedia.mp4 tests/fixtures/archive/empty.mp4

## The base layer under every module (base.h, base_av.h): the string
## buffer, array growth, out of memory, tree removal, sibling temporary
## names, FFmpeg's allow-listed open and its log capture.
libexcore_la_SOURCES += src/lib/base.h src/lib/base.c \
	src/lib/base_av.h src/lib/base_av.c
## Opening input files: never waiting, only regular files (exhibit/fileio.h).
libexcore_la_SOURCES += include/exhibit/fileio.h src/lib/fileio.c
## The containers recorder files are opened as, in scan and export.
libexcore_la_SOURCES += src/lib/ffformats.h

## src/lib: unit tests of the core module
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_time
tests_unit_test_time_SOURCES = tests/unit/test_time.c
tests_unit_test_time_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_time_LDADD = libexcore.la $(UNIT_LIBS)
TESTS += tests/unit/test_time
check_PROGRAMS += tests/unit/test_fileio
tests_unit_test_fileio_SOURCES = tests/unit/test_fileio.c tests/unit/scratch.h
tests_unit_test_fileio_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fileio_LDADD = libexcore.la $(UNIT_LIBS)
TESTS += tests/unit/test_fileio
check_PROGRAMS += tests/unit/test_base
tests_unit_test_base_SOURCES = tests/unit/test_base.c tests/unit/scratch.h
tests_unit_test_base_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_base_LDADD = libexcore.la $(UNIT_LIBS)
TESTS += tests/unit/test_base
endif

## The jobs: export and verify, on top of every module.
libexhibit_la_SOURCES += \
	include/exhibit/export.h \
	include/exhibit/verify.h \
	src/lib/export/export_private.h \
	src/lib/export/export.c \
	src/lib/export/fill.c \
	src/lib/export/masters.c \
	src/lib/export/plan.c \
	src/lib/export/pool.c \
	src/lib/verify.c \
	src/lib/verify_report.c \
	src/lib/verify_xml.c
## The verify report's schema (ex_verify_xml; tests/cli/verify_xml.sh).
EXTRA_DIST += schemas/verify.xsd

include src/lib/custody.mk

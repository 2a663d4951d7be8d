## The base layer under every module (base.h, base_av.h): the string
## buffer, array growth, out of memory, tree removal, sibling temporary
## names, FFmpeg's allow-listed open and its log capture.
libexcore_la_SOURCES += src/lib/base.h src/lib/base.c \
	src/lib/base_av.h src/lib/base_av.c
## Opening input files: never waiting, only regular files (exhibit/fileio.h).
libexcore_la_SOURCES += include/exhibit/fileio.h src/lib/fileio.c
## The containers recorder files are opened as, in scan and export.
libexcore_la_SOURCES += src/lib/ffformats.h

## The jobs: export and verify, on top of every module.
libexhibit_la_SOURCES += \
	include/exhibit/export.h include/exhibit/verify.h \
	src/lib/export/export_private.h src/lib/export/export.c \
	src/lib/export/fill.c src/lib/export/masters.c src/lib/export/plan.c \
	src/lib/export/pool.c src/lib/verify.c src/lib/verify_report.c \
	src/lib/verify_xml.c
## The verify report's schema (ex_verify_xml; tests/cli/verify_xml.sh).
EXTRA_DIST += schemas/verify.xsd

include src/lib/custody.mk

## src/lib/report/local.mk (included by the build)
## The pages a person reads: data/index.html and data/README.txt made from
## the manifest model (the thumbnails are made by src/lib/media/thumb.c).
noinst_LTLIBRARIES += libexreport.la
libexreport_la_SOURCES = \
	include/exhibit/report.h src/lib/report/report_private.h \
	src/lib/report/format.c src/lib/report/extras.c src/lib/report/facts.c \
	src/lib/report/streams.c src/lib/report/index_html.c \
	src/lib/report/index_static.c src/lib/report/readme_txt.c
libexreport_la_LIBADD = libexmanifest.la libexbundle.la libexcore.la
libexhibit_la_LIBADD += libexreport.la

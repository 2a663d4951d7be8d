## src/lib/evidence/manifest.mk: manifest.xml and custody.xml (included by Makefile.am)
##
## Both schemas are compiled into the library (build-aux/embed.sh) so that
## verify needs no files beside the binary; the bundle carries a copy.
noinst_LTLIBRARIES += libexmanifest.la
libexmanifest_la_SOURCES = \
	include/exhibit/manifest.h include/exhibit/custody.h \
	src/lib/evidence/xml_private.h src/lib/evidence/xml.c \
	src/lib/evidence/manifest.c src/lib/evidence/manifest_write.c \
	src/lib/evidence/manifest_read.c src/lib/evidence/custody.c
nodist_libexmanifest_la_SOURCES = \
	src/lib/evidence/manifest_xsd.c \
	src/lib/evidence/custody_xsd.c
libexmanifest_la_LIBADD = libexevidence.la libexcore.la $(XML_LIBS)
libexhibit_la_LIBADD += libexmanifest.la

BUILT_SOURCES += src/lib/evidence/manifest_xsd.c src/lib/evidence/custody_xsd.c
CLEANFILES += src/lib/evidence/manifest_xsd.c src/lib/evidence/custody_xsd.c
EXTRA_DIST += schemas/manifest.xsd schemas/custody.xsd \
	tests/fixtures/manifest/sample.xml

src/lib/evidence/manifest_xsd.c: $(top_srcdir)/schemas/manifest.xsd $(top_srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src/lib/evidence && \
	$(SHELL) $(top_srcdir)/build-aux/embed.sh ex_manifest_xsd_text \
	    $(top_srcdir)/schemas/manifest.xsd >$@.tmp && mv -f $@.tmp $@

src/lib/evidence/custody_xsd.c: $(top_srcdir)/schemas/custody.xsd $(top_srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src/lib/evidence && \
	$(SHELL) $(top_srcdir)/build-aux/embed.sh ex_custody_xsd_text \
	    $(top_srcdir)/schemas/custody.xsd >$@.tmp && mv -f $@.tmp $@

## src/lib/mask: redaction masks (issue 17; exhibit/mask.h): the mask
## file read through the hardened XML reader and checked against an
## export (parse.c), and what a mask covers at a moment (geometry.c).  On
## the core; media draws them.
noinst_LTLIBRARIES += libexmask.la
libexmask_la_SOURCES = include/exhibit/mask.h src/lib/mask/geometry.c \
	src/lib/mask/parse.c
nodist_libexmask_la_SOURCES = src/lib/mask/mask_xsd.c
libexmask_la_LIBADD = libexcore.la $(XML_LIBS) -lm
libexhibit_la_LIBADD += libexmask.la

## schemas/mask.xsd compiled into the binary (build-aux/embed.sh).
src/lib/mask/mask_xsd.c: $(top_srcdir)/schemas/mask.xsd $(top_srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src/lib/mask && \
	$(SHELL) $(top_srcdir)/build-aux/embed.sh ex_mask_xsd_text \
	    $(top_srcdir)/schemas/mask.xsd > $@.tmp && mv $@.tmp $@
BUILT_SOURCES += src/lib/mask/mask_xsd.c
CLEANFILES += src/lib/mask/mask_xsd.c
EXTRA_DIST += schemas/mask.xsd

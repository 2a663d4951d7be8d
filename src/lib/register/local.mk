## src/lib/register: the disclosure register (issue 16): an SQLite
## database of every export, hash-chained and signed (store.c, record.c,
## check.c), listed for programs (listing.c) and summed for the annual
## report (report.c, report_html.c).  Above evidence (signatures).
noinst_LTLIBRARIES += libexregister.la
libexregister_la_SOURCES = \
	include/exhibit/register.h src/lib/register/register_private.h \
	src/lib/register/store.c src/lib/register/rows.c \
	src/lib/register/record.c \
	src/lib/register/check.c src/lib/register/listing.c \
	src/lib/register/report.c src/lib/register/report_html.c
nodist_libexregister_la_SOURCES = src/lib/register/register_xsd.c
libexregister_la_LIBADD = libexevidence.la libexcore.la $(SQLITE_LIBS)
libexhibit_la_LIBADD += libexregister.la

src/lib/register/register_xsd.c: $(top_srcdir)/schemas/register.xsd $(top_srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src/lib/register && \
	$(SHELL) $(top_srcdir)/build-aux/embed.sh ex_register_xsd_text \
	    $(top_srcdir)/schemas/register.xsd >$@.tmp && mv -f $@.tmp $@
BUILT_SOURCES += src/lib/register/register_xsd.c
CLEANFILES += src/lib/register/register_xsd.c
EXTRA_DIST += schemas/register.xsd

## src/lib/evidence: hashing, minisign keys and signatures, manifest, custody
noinst_LTLIBRARIES += libexevidence.la
libexevidence_la_SOURCES = \
	include/exhibit/hash.h \
	src/lib/evidence/hash.c
libexevidence_la_LIBADD = libexcore.la
libexhibit_la_LIBADD += libexevidence.la

## src/lib/evidence: hashing, minisign keys and signatures, manifest, custody
noinst_LTLIBRARIES += libexevidence.la
libexevidence_la_SOURCES = \
	include/exhibit/hash.h src/lib/evidence/hash.c include/exhibit/sign.h \
	src/lib/evidence/sign_private.h src/lib/evidence/key.c \
	src/lib/evidence/seckey.c src/lib/evidence/sign.c
libexevidence_la_LIBADD = libexcore.la
libexhibit_la_LIBADD += libexevidence.la

## sign: unit tests (library) and interop tests (CLI, stock minisign)
SIGN_FIXTURES = tests/fixtures/keys/README \
	tests/fixtures/keys/minisign-w.pub tests/fixtures/keys/minisign-w.key \
	tests/fixtures/keys/minisign-e.pub tests/fixtures/keys/minisign-e.key
## a signed file, a tampered copy, and its signatures in three forms
SIGN_FIXTURES += tests/fixtures/keys/data.txt \
	tests/fixtures/keys/data-tampered.txt tests/fixtures/keys/data.txt.minisig \
	tests/fixtures/keys/data.txt.legacy.minisig \
	tests/fixtures/keys/data.txt.comment-edited.minisig
EXTRA_DIST += $(SIGN_FIXTURES)

## sigcheck: signs and verifies through libexhibit for the shell tests
check_PROGRAMS += tests/tools/sigcheck
tests_tools_sigcheck_SOURCES = \
	tests/tools/sigcheck.c src/cli/passphrase.c src/cli/passphrase.h \
	src/cli/diag.c src/cli/cli.h
tests_tools_sigcheck_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/cli
tests_tools_sigcheck_LDADD = libexevidence.la $(DEP_LIBS)

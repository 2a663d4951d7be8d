## tests/e2e.mk (included by tests/local.mk): the programs of the
## end-to-end tests.  The shell tests themselves are listed in
## tests/local.mk.

## custody1: writes a custody log signed by another key (forgery test).
check_PROGRAMS += tests/tools/custody1
tests_tools_custody1_SOURCES = tests/tools/custody1.c
tests_tools_custody1_LDADD = libexmanifest.la $(DEP_LIBS)
